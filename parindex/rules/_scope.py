"""The scope a rule is explained in: a set's labels, types and choices, and one unit's values."""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from typing import TYPE_CHECKING

from parindex.expressions import Value
from parindex.messages import label
from parindex.per_set import PerSet
from parindex.rules._base import Scope
from parindex.rules._model import InputType
from parindex.rules.survey import SURVEY_INPUT

if TYPE_CHECKING:
    from parindex.criteria import CriteriaSet

__all__ = ["scope_of"]

_Names = tuple[dict[str, str], dict[str, InputType | None], dict[str, Mapping[str, str]]]


def _made(criteria: CriteriaSet) -> _Names:
    labels = {i.name: i.label for i in criteria.inputs} | {f.name: f.label for f in criteria.facts}
    labels[SURVEY_INPUT] = label("builtin_input", SURVEY_INPUT)
    types: dict[str, InputType | None] = {i.name: i.type for i in criteria.inputs}
    choices: dict[str, Mapping[str, str]] = {
        i.name: dict(i.choices) for i in criteria.inputs if i.choices
    }
    return labels, types, choices


_names: PerSet[_Names] = PerSet(_made, most=16)
"""Labels, types and enum choices of a set's names, built once per set (a few kept)."""


def scope_of(
    criteria: CriteriaSet,
    values: Mapping[str, Value],
    survey: Mapping[str, Decimal] | None = None,
) -> Scope:
    """One unit's values on ``criteria``, with the set's labels, types and choices."""
    labels, types, choices = _names(criteria)
    return Scope(values, labels, types, choices, survey or {})

"""Rule kinds: one module per kind, and the registry that lists them.

Each kind (``check``, ``bands`` …) lives in its own module with everything about it:
its pydantic model, load-time checks, typed compiled form, lowering to one
expression, exact evaluation and explanation, inverse, and its hooks for the
hypothesis strategies and the synthetic units, and what the testing toolkit and the review
ask of a rule (its metric, edges, stated ranges, due dates and direction; see
:mod:`parindex.rules._base`).
:data:`REGISTRY` lists them; the ``Rule`` union of the file format and its JSON
Schema are built from it. A kind missing a piece is refused at import, with its name
and the pieces it lacks. ``docs/architecture.md`` walks through adding a kind.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Annotated, Any, Union

from pydantic import Field

from parindex.rules._base import (
    PIECES,
    CompiledRule,
    Leaf,
    Outcome,
    RuleKind,
    Scope,
    Shape,
    Stated,
    Suggestion,
    SyntheticHint,
    missing_pieces,
)
from parindex.rules._model import RuleModel
from parindex.rules._suggestions import suggestions
from parindex.rules.bands import Bands
from parindex.rules.bonus import Bonus, Penalty
from parindex.rules.check import Check
from parindex.rules.deadline import Deadline
from parindex.rules.deduction import Deduction
from parindex.rules.expression import Expression
from parindex.rules.levels import Levels
from parindex.rules.proportional import Proportional
from parindex.rules.survey import Survey
from parindex.rules.threshold import Threshold

__all__ = [
    "PIECES",
    "REGISTRY",
    "CompiledRule",
    "Leaf",
    "Outcome",
    "RuleKind",
    "RuleKindError",
    "Scope",
    "Shape",
    "Stated",
    "Suggestion",
    "SyntheticHint",
    "build_registry",
    "kind_named",
    "kind_of",
    "missing_pieces",
    "rule_union",
    "suggestions",
]


class RuleKindError(TypeError):
    """A rule kind that cannot be registered: it names the kind and the pieces it lacks."""


def build_registry(kinds: Iterable[object]) -> dict[str, RuleKind[Any, Any]]:
    """Check every kind and index it by name; raise :class:`RuleKindError` naming what lacks."""
    registry: dict[str, RuleKind[Any, Any]] = {}
    problems = []
    for kind in kinds:
        name = getattr(type(kind), "name", type(kind).__name__)
        missing = missing_pieces(kind)
        if missing:
            problems.append(f"rule kind {name!r} lacks: {', '.join(missing)}")
        elif name in registry:
            problems.append(f"rule kind {name!r} registered twice")
        else:
            assert isinstance(kind, RuleKind)
            registry[name] = kind
    if problems:
        raise RuleKindError("; ".join(problems))
    return registry


REGISTRY: Mapping[str, RuleKind[Any, Any]] = build_registry(
    (
        Check(),
        Bands(),
        Threshold(),
        Proportional(),
        Deadline(),
        Levels(),
        Deduction(),
        Survey(),
        Bonus(),
        Penalty(),
        Expression(),
    )
)
"""Every rule kind, by name, in the order the file format lists them."""


def kind_named(name: str) -> RuleKind[Any, Any]:
    """The kind called ``name``; ``KeyError`` lists the known kinds."""
    try:
        return REGISTRY[name]
    except KeyError:
        raise KeyError(f"unknown rule kind {name!r}; known: {', '.join(REGISTRY)}") from None


def kind_of(rule: RuleModel) -> RuleKind[Any, Any]:
    """The kind of a rule model (``kind_of(node.rule).counts_in_max`` …)."""
    return kind_named(rule.kind)


def rule_union(registry: Mapping[str, RuleKind[Any, Any]] = REGISTRY) -> Any:
    """The ``Rule`` type of the file format: the kinds' models, told apart by ``kind``."""
    models = tuple(kind.model for kind in registry.values())
    return Annotated[Union[models], Field(discriminator="kind")]  # noqa: UP007

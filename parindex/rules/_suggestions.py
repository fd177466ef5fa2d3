"""``suggestions``: for one leaf that lost points, the smallest change of each input that gains."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING

from parindex.expressions import Value
from parindex.rules._base import Suggestion
from parindex.rules._inverse import Problem
from parindex.rules._scope import scope_of

if TYPE_CHECKING:
    from parindex.criteria import CriteriaSet

__all__ = ["suggestions"]


def suggestions(criteria: CriteriaSet, code: str, values: Mapping[str, Value]) -> list[Suggestion]:
    """What would gain leaf ``code`` points: one :class:`Suggestion` per input it reads.

    For each input of the leaf's rule, the smallest change of that input alone (the
    others kept, the set's constraints still holding) that gains points: the next
    band's edge, the date to meet, ``có`` instead of ``không``. ``gain`` is exact and
    rounded as the engine rounds. Empty when the leaf has all its points, cannot be
    scored on ``values`` (an input missing) or is scored by the survey.

    >>> suggestions(criteria, "3.1.2", checked.values)  # doctest: +SKIP
    [Suggestion(code='3.1.2', name='nhiem_vu_hoan_thanh', current=Decimal('35'), ...)]
    """
    compiled = criteria.compiled
    node = compiled.nodes.get(code)
    if node is None:
        raise KeyError(f"không có nút {code} trong bộ tiêu chí {criteria.id}")
    if node.rule is None or node.leaf is None or node.kind is None:
        raise ValueError(f"nút {code} không phải nút lá có quy tắc tính điểm")
    problem = Problem(
        leaf=node.leaf,
        scope=scope_of(criteria, values),
        specs={i.name: i for i in criteria.inputs},
        constraints=tuple(check for check, _ in compiled.constraints),
    )
    return node.kind.inverse(node.rule, problem)

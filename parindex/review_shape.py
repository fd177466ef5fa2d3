"""What a review reads of a unit's results alone, kept for the units given the very same ones.

A caller sharing results (``review(..., share=True)``: the Excel export) gives units whose
values and survey equal an earlier unit's that unit's very result objects
(:func:`parindex.engine_units.given`): frozen models. What the review reads of them alone
(no self-score, appraisal round or document of the unit) is then the same for each such
unit: the report's index, what the three trees read, the survey's points, the criteria a
self-score may leave unscored (:class:`Shape`). Reading a pydantic model's field costs some
600 instructions (the model's ``__getattr__`` keeps Python from specialising the read), a
few hundred reads a unit: :func:`shape_of` keeps them the second time the same results come,
by the results' identities. A unit never seen gets ``None`` (kept nothing it would not
repay) and the review reads its results itself, through the same functions.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from parindex.criteria import CriteriaSet
from parindex.engine_units import seen
from parindex.per_set import PerSet
from parindex.report import NodeResult, ScoreReport, Status
from parindex.review_trees import Facts, facts

__all__ = ["MOST", "Shape", "candidates", "shape_of", "survey_of"]

MOST = 16
"""The results' shapes a set keeps (emptied when full): the results each holds (a unit's,
some 250 kB) are an earlier unit's, most often held by the engine's kept units too."""


@dataclass(frozen=True)
class Shape:
    """What a review reads of one unit's results alone (:func:`shape_of`)."""

    nodes: tuple[NodeResult, ...]
    """The results (held: their identities are the key)."""
    index: tuple[dict[str, NodeResult], dict[str | None, list[NodeResult]]]
    """The report's index of them (``ScoreReport._index``)."""
    facts: Facts
    """What the three trees read of them (:func:`parindex.review_trees.facts`)."""
    survey: dict[str, Decimal]
    """The survey's points (:func:`survey_of`)."""
    candidates: list[tuple[str, NodeResult]]
    """The criteria a self-score may leave unscored (:func:`candidates`)."""


@dataclass
class _Shapes:
    kept: dict[tuple[int, ...], Shape] = field(default_factory=dict)
    seen: set[int] = field(default_factory=set)
    """The hashes of the results' identities seen once."""


_SHAPES: PerSet[_Shapes] = PerSet(lambda criteria: _Shapes())


def shape_of(criteria: CriteriaSet, report: ScoreReport) -> Shape | None:
    """What a review reads of ``report``'s results alone, kept the second time the very
    same results come; ``None`` the first time. Given, the report's index is the shape's
    (as reading its cached property would make it: the same results in the same order)."""
    shapes = _SHAPES(criteria)
    key = tuple(map(id, report.nodes))  # unique while the shape holds the results
    found = shapes.kept.get(key)
    if found is None:
        if not seen(shapes.seen, key):
            return None
        if len(shapes.kept) >= MOST:
            shapes.kept.clear()
        index = report._index
        found = Shape(
            tuple(report.nodes), index, facts(report), survey_of(report), candidates(report)
        )
        shapes.kept[key] = found
    elif "_index" not in report.__dict__:  # the cached property, as reading it keeps it
        report.__dict__["_index"] = found.index
    return found


def survey_of(report: ScoreReport) -> dict[str, Decimal]:
    """The points of the criteria the survey scored."""
    return {
        n.code: n.points for n in report.nodes if n.status == Status.SURVEY and n.points is not None
    }


_LEFT_OUT = (Status.NOT_APPLICABLE, Status.SURVEY)


def candidates(report: ScoreReport) -> list[tuple[str, NodeResult]]:
    """The rule-scored criteria that apply and the survey does not score, in tree order:
    code and result (``review._unscored``)."""
    return [(n.code, n) for n in report.nodes if n.rule is not None and n.status not in _LEFT_OUT]

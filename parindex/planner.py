"""From score to plan: where a unit lost points, what would win them back, and at what cost.

For every leaf that lost points, :func:`plan` asks each rule kind's inverse
(:func:`parindex.rules.suggestions`) for the smallest change of each input that gains
points, checks each one by rescoring (:func:`what_if`), and ranks them by points per
effort. Effort weights are data (``plans/effort.yaml``); the shipped defaults are
provisional, set by the project, stated by no source. :func:`standing` tells the distance
to the next class and what keeps the unit in its class; :func:`province` finds, across
units, those nearest each class boundary and the criteria most units lose points on.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import ROUND_CEILING, Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Any

from parindex.criteria import CriteriaSet
from parindex.report import ScoreReport, Status

if TYPE_CHECKING:
    from parindex.submission import Submission

__all__ = [
    "DEFAULT_EFFORT_PATH",
    "Boundary",
    "Effort",
    "Standing",
    "Step",
    "UnitPlan",
    "WhatIf",
    "boundaries",
    "load_effort",
    "lost_points",
    "most_lost",
    "plan",
    "standing",
    "what_if",
]

DEFAULT_EFFORT_PATH = Path(__file__).with_name("effort.yaml")
"""The shipped effort weights (provisional)."""

_CENT = Decimal("0.01")


def lost_points(report: ScoreReport) -> dict[str, Decimal]:
    """Points each scored leaf lost and could still count, by code.

    A leaf's shortfall (applicable maximum minus points) is bounded by each ancestor's: an
    item under a ``max`` parent that another item already fills loses nothing that counts.
    """
    by_code = {node.code: node for node in report.nodes}
    lost: dict[str, Decimal] = {}
    for node in report.nodes:
        if node.status is not Status.SCORED or node.points is None or node.rule is None:
            continue
        shortfall = node.max_points - node.points
        parent = node.parent
        while parent is not None and shortfall > 0:
            above = by_code[parent]
            if above.points is not None:
                shortfall = min(shortfall, above.max_points - above.points)
            parent = above.parent
        if shortfall > 0:
            lost[node.code] = shortfall
    return lost


@dataclass(frozen=True)
class Standing:
    """Where a unit stands in its level's classification.

    ``to_next``: points to gain to reach the next class up (``None`` at the top);
    ``margin``: points the unit can lose and stay in its class (``None`` without a class).
    Both are the exact totals at the class edges minus the unit's total, rounded up to
    the cent; the index itself is rounded as the engine rounds it.
    """

    index: Decimal | None
    band: str | None
    next_band: str | None
    next_index: Decimal | None
    to_next: Decimal | None
    band_floor: Decimal | None
    margin: Decimal | None


def _points_at(index: Decimal, maximum: Decimal) -> Decimal:
    return (index * maximum / 100).quantize(_CENT, rounding=ROUND_CEILING)


def standing(report: ScoreReport, criteria: CriteriaSet) -> Standing:
    """Distance to the next class up and margin over the class floor."""
    bands = criteria.compiled.bands_for(report.unit.level)
    index = report.index
    if index is None or not bands:
        return Standing(index, report.band, None, None, None, None, None)
    above = [
        (label, interval.low)
        for label, interval in bands
        if interval.low is not None and interval.low > index
    ]
    next_band, next_index = min(above, key=lambda item: item[1]) if above else (None, None)
    to_next = None
    if next_index is not None:
        to_next = max(Decimal(0), _points_at(next_index, report.max_points) - report.total)
    floor = next(
        (interval.low for label, interval in bands if label == report.band and interval.low),
        None,
    )
    margin = None
    if floor is not None:
        margin = report.total - _points_at(floor, report.max_points)
    return Standing(index, report.band, next_band, next_index, to_next, floor, margin)


@dataclass(frozen=True)
class WhatIf:
    """A unit rescored with some inputs changed: before, after and the exact difference."""

    changes: Mapping[str, Any]
    before: ScoreReport
    after: ScoreReport
    rank_before: int | None = None
    rank_after: int | None = None
    group_size: int | None = None

    @property
    def gain(self) -> Decimal:
        return self.after.total - self.before.total


def _changed(submission: Submission, changes: Mapping[str, Any]) -> Submission:
    return submission.model_copy(update={"values": {**submission.values, **changes}})


def _rank_of(
    criteria: CriteriaSet, unit: Submission, others: Sequence[Submission]
) -> tuple[int | None, int]:
    from parindex.batch import score_many
    from parindex.ranking import rank

    units = [unit, *(s for s in others if s.unit.id != unit.unit.id)]
    table = rank(score_many(criteria, units), criteria)
    mine = table[table["unit"] == unit.unit.id]
    group = mine["group"].iloc[0]
    value = mine["rank"].iloc[0]
    size = int((table["group"] == group).sum())
    return (None if value is None or value != value else int(value)), size


def what_if(
    criteria: CriteriaSet,
    submission: Submission,
    changes: Mapping[str, Any],
    group: Sequence[Submission] = (),
) -> WhatIf:
    """Rescore ``submission`` with ``changes`` applied to its values, exactly, with the engine.

    With ``group`` (the other units of the province), also the unit's place in its group
    before and after, from :func:`parindex.rank` (ties share a rank). A group giving another
    unit twice raises :class:`SubmissionError`, its problem naming the unit and both places
    (:func:`parindex.batch.once_each`); the unit itself may stand in it.
    """
    from parindex.batch import once_each
    from parindex.engine import score
    from parindex.errors import SubmissionError

    twice = [p for p in once_each(group)[1] if p.text != submission.unit.id]
    if twice:  # before anything is scored: the places are the group's as given
        raise SubmissionError(twice)

    before = score(criteria, submission)
    changed = _changed(submission, changes)
    after = score(criteria, changed)
    if not group:
        return WhatIf(dict(changes), before, after)
    rank_before, size = _rank_of(criteria, submission, group)
    rank_after, _ = _rank_of(criteria, changed, group)
    return WhatIf(dict(changes), before, after, rank_before, rank_after, size)


@dataclass(frozen=True)
class Effort:
    """Effort weights by input type: numeric types (``count``, ``amount``, ``percent``,
    ``ratio``) per unit of change, the others (``yes_no``, ``date``, ``enum``) per change."""

    weights: Mapping[str, Decimal]
    provisional: bool = True
    note: str = ""

    def of(self, input_type: str, size: Decimal = Decimal(1)) -> Decimal:
        weight = self.weights.get(input_type, self.weights.get("default", Decimal(1)))
        if input_type in ("count", "amount", "percent"):
            return weight * max(Decimal(1), abs(size))
        return weight * abs(size) if input_type == "ratio" and size else weight


def load_effort(path: str | Path = DEFAULT_EFFORT_PATH) -> Effort:
    """Read effort weights from a YAML file (``weights: {yes_no: 1, …}``)."""
    from parindex.loader import read_document
    from parindex.numbers import parse_decimal
    from parindex.plans import PlanError

    data, source = read_document(path, "tệp trọng số công sức", PlanError)
    problems = []
    weights: dict[str, Decimal] = {}
    raw = data.get("weights") if isinstance(data, dict) else None
    if not isinstance(raw, dict):
        problems.append(
            source.problem(
                "missing_field",
                "cần 'weights': bảng loại đầu vào → trọng số",
                "'weights' is required",
                ("weights",),
            )
        )
        raw = {}
    for key, value in raw.items():
        try:
            weight = parse_decimal(value)
        except ValueError as exc:
            problems.append(source.problem("invalid_value", str(exc), str(exc), ("weights", key)))
            continue
        if weight <= 0:
            problems.append(
                source.problem(
                    "invalid_value",
                    "trọng số phải lớn hơn 0",
                    "weight must be > 0",
                    ("weights", key),
                    text=str(value),
                )
            )
        weights[str(key)] = weight
    if problems:
        raise PlanError(problems)
    return Effort(weights, bool(data.get("provisional", True)), str(data.get("note", "")))


def most_lost(reports: Iterable[ScoreReport], top: int = 10) -> list[tuple[str, int, Decimal]]:
    """The criteria most units lose points on: ``(code, units, points lost in all)``."""
    units: Counter[str] = Counter()
    points: dict[str, Decimal] = {}
    for report in reports:
        for code, lost in lost_points(report).items():
            units[code] += 1
            points[code] = points.get(code, Decimal(0)) + lost
    ranked = sorted(units, key=lambda code: (-units[code], -points[code], code))
    return [(code, units[code], points[code]) for code in ranked[:top]]


@dataclass(frozen=True)
class Boundary:
    """Units nearest one class edge: below it (points to gain) and just above (margin)."""

    band: str
    index: Decimal
    below: list[tuple[str, Decimal]] = field(default_factory=list)
    above: list[tuple[str, Decimal]] = field(default_factory=list)


def boundaries(
    reports: Sequence[ScoreReport], criteria: CriteriaSet, near: int = 3
) -> list[Boundary]:
    """For each class edge of each level, the units nearest it on either side."""
    result = []
    levels = dict.fromkeys(r.unit.level for r in reports)
    for level in levels:
        mine = [r for r in reports if r.unit.level == level and r.index is not None]
        for label, interval in criteria.compiled.bands_for(level):
            if interval.low is None:
                continue
            edge = interval.low
            distances = [(r.unit.id, _points_at(edge, r.max_points) - r.total) for r in mine]
            below = sorted((d for d in distances if d[1] > 0), key=lambda d: d[1])[:near]
            above = sorted(((u, -d) for u, d in distances if d <= 0), key=lambda d: d[1])[:near]
            result.append(Boundary(label, edge, below, above))
    return result


@dataclass(frozen=True)
class Step:
    """One suggestion, checked by rescoring: the change of one input and what it gains.

    ``gain`` is the exact difference of the unit's total after rescoring with the change;
    ``leaf_gain`` is what the rule kind's inverse states for the leaf itself (they differ
    only where a parent caps or takes the best of its parts).
    """

    code: str
    title: str
    name: str
    label: str
    current: Any
    proposed: Any
    gain: Decimal
    leaf_gain: Decimal
    effort: Decimal
    vi: str
    en: str

    @property
    def per_effort(self) -> Decimal:
        return self.gain / self.effort

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready: ``code``, ``change`` (Vietnamese), ``gain`` (points, exact text)."""
        return {
            "code": self.code,
            "change": self.vi,
            "change_en": self.en,
            "gain": str(self.gain),
            "input": self.name,
            "current": _plain(self.current),
            "proposed": _plain(self.proposed),
            "effort": str(self.effort),
        }


def _plain(value: Any) -> Any:
    import datetime as dt

    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


@dataclass(frozen=True)
class UnitPlan:
    """The planner's answer for one unit: where points were lost and the ranked steps."""

    report: ScoreReport
    standing: Standing
    lost: Mapping[str, Decimal]
    steps: list[Step]
    effort: Effort

    def priorities(self) -> dict[str, Decimal]:
        """The best gain found per code (for the appendix), else the points lost."""
        best: dict[str, Decimal] = dict(self.lost)
        for step in self.steps:
            if step.gain > 0:
                best[step.code] = max(step.gain, best.get(step.code, Decimal(0)))
        return best

    def to_dict(self) -> dict[str, Any]:
        return {
            "unit": self.report.unit.id,
            "total": str(self.report.total),
            "index": None if self.report.index is None else str(self.report.index),
            "band": self.report.band,
            "next_band": self.standing.next_band,
            "to_next": None if self.standing.to_next is None else str(self.standing.to_next),
            "margin": None if self.standing.margin is None else str(self.standing.margin),
            "lost": {code: str(points) for code, points in self.lost.items()},
            "effort_provisional": self.effort.provisional,
            "suggestions": [step.to_dict() for step in self.steps],
        }


def _size(current: Any, proposed: Any) -> Decimal:
    if isinstance(current, Decimal) and isinstance(proposed, Decimal):
        return proposed - current
    return Decimal(1)


def plan(criteria: CriteriaSet, submission: Submission, effort: Effort | None = None) -> UnitPlan:
    """For every leaf that lost points, the smallest change of each input that gains points
    (from the rule kinds' inverse), each rescored exactly, ranked by points per effort.

    >>> advice = plan(criteria, load_submission("evidence/so-tnmt-mau-2023.yaml"))  # doctest: +SKIP
    >>> advice.steps[0].vi, advice.steps[0].gain  # doctest: +SKIP
    """
    from parindex.engine import score
    from parindex.rules import suggestions
    from parindex.submission import check_submission

    weights = effort if effort is not None else load_effort()
    report = score(criteria, submission)
    values = check_submission(criteria, submission).values
    specs = {spec.name: spec for spec in criteria.inputs}
    lost = lost_points(report)
    steps = []
    for code in lost:
        for hint in suggestions(criteria, code, values):
            after = score(criteria, _changed(submission, {hint.name: hint.proposed}))
            spec = specs.get(hint.name)
            kind = str(spec.type) if spec is not None else "default"
            steps.append(
                Step(
                    code=code,
                    title=report.node(code).title,
                    name=hint.name,
                    label=spec.label if spec is not None else hint.name,
                    current=hint.current,
                    proposed=hint.proposed,
                    gain=after.total - report.total,
                    leaf_gain=hint.gain,
                    effort=weights.of(kind, _size(hint.current, hint.proposed)),
                    vi=hint.vi,
                    en=hint.en,
                )
            )
    steps.sort(key=lambda s: (-s.per_effort, -s.gain, s.code, s.name))
    return UnitPlan(report, standing(report, criteria), lost, steps, weights)

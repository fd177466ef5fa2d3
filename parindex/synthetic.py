"""A synthetic province: plausible units for benchmarks and tests, labelled synthetic.

:func:`units` builds ``n`` :class:`~parindex.submission.Submission` objects a criteria set
accepts — facts, a value for every declared input, survey points, optionally self-scores —
from a seed. Every submission says it is synthetic (``synthetic: true``, ids ``syn-0001``,
names ending "(dữ liệu tổng hợp)", a note), so no output can pass it off as a real unit.

How values are made, for any set:

* Each unit draws a *quality* ``q`` in [0, 1] (most units do well, a tail does not); every
  yes/no, deadline, ratio and level is a draw that ``q`` tilts towards the points.
* Which way is "towards the points" is read from the compiled rules: a name that raises a
  score (a check, a numerator, a threshold "từ X trở lên") is *good*, one that lowers it
  (a deduction, ``x == 0``, the subtracted side of a reduction) is *bad*.
* Dates land before the due dates the deadline rules state, with a tail of late ones.
* Constraints ``a + b <= c`` (and chains, ``>=``, ``<``) hold **by construction**: right-hand
  sides are drawn first, then each left-hand name takes part of what is left. Other shapes
  raise :class:`~parindex.errors.SyntheticError`. Every unit is checked against every
  constraint before it is returned.

Magnitudes come from the input's ``unit`` (hồ sơ: hundreds to thousands; đơn vị: a few …).
They are plausible in shape, not calibrated to any real province.

>>> import parindex
>>> criteria = parindex.load_criteria("criteria/namdinh-stnmt-2023.yaml")  # doctest: +SKIP
>>> batch = parindex.synthetic.units(criteria, 100, seed=7)  # doctest: +SKIP
"""

from __future__ import annotations

import datetime as dt
import math
import random
from collections.abc import Mapping
from decimal import ROUND_CEILING, ROUND_FLOOR, ROUND_HALF_UP, Decimal

from parindex.criteria import CriteriaSet, Input, InputType, UnitLevel
from parindex.errors import EvaluationError, SyntheticError
from parindex.expressions import (
    Value,
    evaluate,
)
from parindex.submission import SelfScore, Submission
from parindex.synthetic_plan import BAD as _BAD
from parindex.synthetic_plan import FULL_SCALE as _FULL_SCALE
from parindex.synthetic_plan import GOOD as _GOOD
from parindex.synthetic_plan import NEUTRAL as _NEUTRAL
from parindex.synthetic_plan import STEP as _STEP
from parindex.synthetic_plan import Plan
from parindex.synthetic_plan import plan as read_plan

__all__ = ["SYNTHETIC_MARK", "units"]

SYNTHETIC_MARK = "DỮ LIỆU TỔNG HỢP"
"""Written in every synthetic unit's name suffix and note."""

_NAME_SUFFIX = "(dữ liệu tổng hợp)"


# Plausible yearly magnitudes (low, high) of a count or amount, by the input's unit.
_MAGNITUDES: Mapping[str, tuple[int, int]] = {
    "hồ sơ": (200, 6000),
    "kết quả": (200, 6000),
    "giao dịch": (100, 4000),
    "văn bản": (2000, 15000),
    "TTHC": (20, 150),
    "đơn vị": (3, 15),
    "phòng, ban": (5, 12),
    "nhiệm vụ": (10, 60),
    "người": (1, 5),
    "biên chế": (40, 200),
    "triệu đồng": (500, 50000),
    "vấn đề": (2, 20),
    "phản ánh, kiến nghị": (3, 60),
    "sáng kiến": (1, 5),
    "quy trình": (10, 100),
}
# Label words that override the unit of a count: a few drafts of legal documents, a few
# public service units (ĐVSNCL) — not thousands of documents, not dozens of units.
_LABEL_MAGNITUDES: tuple[tuple[str, tuple[int, int]], ...] = (
    ("QPPL", (1, 20)),
    ("ĐVSNCL", (1, 6)),
)
_DEFAULT_MAGNITUDE: Mapping[InputType, tuple[int, int]] = {
    InputType.COUNT: (1, 30),
    InputType.AMOUNT: (10, 1000),
}

_UNIT_NAMES: Mapping[UnitLevel, tuple[str, ...]] = {
    UnitLevel.SO: (
        "Sở Tài nguyên và Môi trường",
        "Sở Tư pháp",
        "Sở Xây dựng",
        "Sở Giao thông vận tải",
        "Sở Công Thương",
        "Sở Y tế",
        "Sở Giáo dục và Đào tạo",
        "Sở Nông nghiệp và Phát triển nông thôn",
        "Sở Kế hoạch và Đầu tư",
        "Sở Tài chính",
        "Sở Nội vụ",
        "Sở Lao động - Thương binh và Xã hội",
        "Sở Văn hóa, Thể thao và Du lịch",
        "Sở Khoa học và Công nghệ",
        "Sở Thông tin và Truyền thông",
        "Sở Ngoại vụ",
        "Ban Dân tộc",
        "Thanh tra tỉnh",
    ),
    UnitLevel.HUYEN: ("UBND huyện", "UBND thị xã", "UBND thành phố"),
    UnitLevel.XA: ("UBND xã", "UBND phường", "UBND thị trấn"),
}


# --- one unit -------------------------------------------------------------------------


class _Unit:
    """The draws of one unit, tilted by its quality ``q``."""

    def __init__(self, plan: Plan, rng: random.Random, q: float, year: int) -> None:
        self.plan = plan
        self.rng = rng
        self.q = q
        self.year = year
        self.full = 0.35 + 0.6 * q  # chance a good thing is fully achieved
        self.values: dict[str, Value] = {}

    def chance(self, polarity: int) -> bool:
        """A yes/no draw: good things are likelier for better units, bad ones rarer."""
        p = 0.5 + 0.48 * self.q
        if polarity == _BAD:
            p = 1 - p
        elif polarity == _NEUTRAL:
            p = 0.8
        return self.rng.random() < p

    def magnitude(self, spec: Input) -> Decimal:
        by_unit = _MAGNITUDES.get(spec.unit or "", _DEFAULT_MAGNITUDE.get(spec.type, (1, 30)))
        low, high = next(
            (
                size
                for word, size in _LABEL_MAGNITUDES
                if spec.type == InputType.COUNT and word in spec.label
            ),
            by_unit,
        )
        value = math.exp(self.rng.uniform(math.log(low), math.log(high + 1)))
        return self.number(spec, Decimal(int(value)))

    def number(self, spec: Input, value: Decimal, rounding: str = ROUND_FLOOR) -> Decimal:
        step = _STEP[spec.type]
        value = (
            value.quantize(step, rounding=rounding) if step != 1 else value.to_integral(rounding)
        )
        low = spec.min if spec.min is not None else Decimal(0)
        high = spec.max if spec.max is not None else _FULL_SCALE.get(spec.type)
        value = max(value, low)
        return min(value, high) if high is not None else value

    def capacity(self, name: str, spec: Input) -> Decimal | None:
        cap: Decimal | None = None
        for relation in self.plan.upper.get(name, ()):
            room = sum((self._num(n) for n in relation.right), Decimal(0))
            room -= sum((self._num(n) for n in relation.left if n in self.values), Decimal(0))
            if relation.strict:
                room -= _STEP[spec.type]
            cap = room if cap is None else min(cap, room)
        full = spec.max if spec.max is not None else _FULL_SCALE.get(spec.type)
        if full is not None:
            cap = full if cap is None else min(cap, full)
        low = spec.min if spec.min is not None else Decimal(0)
        if cap is not None and cap < low:
            texts = "; ".join(r.text for r in self.plan.upper.get(name, ()))
            raise SyntheticError(
                f"không còn chỗ cho {name} (≥ {low}) trong ràng buộc: {texts}",
                f"no room left for {name} (>= {low}) under: {texts}",
            )
        return cap

    def _num(self, name: str) -> Decimal:
        value = self.values[name]
        assert isinstance(value, Decimal)
        return value

    def share(self, name: str, cap: Decimal) -> Decimal:
        """What part of ``cap`` a bounded name takes, by its polarity and target."""
        polarity = self.plan.polarity.get(name, _NEUTRAL)
        rng = self.rng
        if polarity == _BAD:
            if rng.random() < self.full:
                return Decimal(0)
            return cap * Decimal(str(round(rng.uniform(0.002, 0.05), 4)))
        if polarity == _NEUTRAL:
            return cap * Decimal(str(round(rng.uniform(0.3, 0.95), 4)))
        siblings = {
            n
            for r in self.plan.upper.get(name, ())
            for n in r.left
            if n != name and n not in self.values and self.plan.polarity.get(n) == _GOOD
        }
        if siblings:  # leave room for the other good names of the same total
            return cap * Decimal(str(round(rng.uniform(0.4, 0.75), 4)))
        needed = float(self.plan.share_target.get(name, Decimal(1)))
        if rng.random() < self.full:
            fraction = needed + (1 - needed) * (0.02 + 0.98 * rng.random() ** 3)
        else:
            fraction = needed * rng.uniform(0.5, 0.98)
        return cap * Decimal(str(round(min(fraction, 1.0), 4)))

    def numeric(self, name: str, spec: Input) -> Decimal:
        plan, rng = self.plan, self.rng
        polarity = plan.polarity.get(name, _NEUTRAL)
        if name in plan.bounded or spec.type in _FULL_SCALE:
            cap = self.capacity(name, spec)
            if cap is not None:
                part = self.share(name, cap)
                rounding = ROUND_CEILING if polarity == _GOOD else ROUND_FLOOR
                return min(self.number(spec, part, rounding), self.number(spec, cap))
        if name in plan.paired:
            reference = next(
                (self.values[p] for p in sorted(plan.partners[name]) if p in self.values), None
            )
            if isinstance(reference, Decimal):
                # Better units move the right way (a 10–25% reduction, or growth); others
                # stay within ±5% of their partner.
                direction = plan.direction.get(name, _NEUTRAL)
                hit = rng.random() < self.full
                change = rng.uniform(0.1, 0.25) if hit else rng.uniform(-0.05, 0.05)
                factor = 1 / (1 - change) if direction == _GOOD else 1 - change
                value = self.number(spec, reference * Decimal(str(round(factor, 4))), ROUND_HALF_UP)
                step = _STEP[spec.type]
                if hit and direction == _GOOD and value <= reference:
                    value = reference + step
                elif hit and direction == _BAD and value >= reference and reference >= step:
                    value = reference - step
                return value
        if polarity == _BAD:
            if rng.random() < self.full:
                return self.number(spec, Decimal(0))
            return self.number(spec, Decimal(rng.randint(1, 3)))
        goal = plan.value_target.get(name)
        if polarity == _GOOD and goal is not None:
            if rng.random() < self.full:
                return self.number(spec, goal + rng.randint(0, 2), ROUND_CEILING)
            return self.number(spec, goal * Decimal(str(round(rng.uniform(0, 0.9), 4))))
        return self.magnitude(spec)

    def date(self, name: str) -> dt.date | bool:
        plan, rng = self.plan, self.rng
        due = plan.dues.get(name)
        if due is None:
            day = dt.date(self.year, 1, 15) + dt.timedelta(days=rng.randint(0, 330))
        elif name not in plan.related and rng.random() < 0.03 * (1 - self.q):
            return False  # never done ("không thực hiện"); kept out of constraints
        elif rng.random() < 0.6 + 0.38 * self.q:
            day = due - dt.timedelta(days=int(rng.random() ** 2 * 30))
        else:
            day = due + dt.timedelta(days=rng.randint(1, 40))
        start = plan.earliest.get(name)
        if start is not None and day < start:
            day = start + dt.timedelta(days=rng.randint(0, 10))
            if due is not None:
                day = min(day, due)
        for relation in plan.upper.get(name, ()):
            bound = self.values[relation.right[0]]
            assert isinstance(bound, dt.date)
            bound -= dt.timedelta(days=1 if relation.strict else 0)
            day = min(day, bound)
        first, last = dt.date(self.year - 1, 1, 1), dt.date(self.year + 1, 12, 31)
        return min(max(day, first), last)

    def value(self, name: str) -> Value:
        spec = self.plan.inputs[name]
        polarity = self.plan.polarity.get(name, _NEUTRAL)
        if spec.type == InputType.YES_NO:
            return self.chance(polarity)
        if spec.type == InputType.DATE:
            return self.date(name)
        if spec.type == InputType.ENUM:
            choices = self.plan.levels.get(name) or sorted(spec.choices or {})
            if name in self.plan.levels:
                if self.rng.random() < self.full or len(choices) == 1:
                    return choices[0]
                return self.rng.choice(choices[1:])
            return self.rng.choice(choices)
        return self.numeric(name, spec)


def _check(criteria: CriteriaSet, values: Mapping[str, Value], unit: str) -> None:
    for check, message in criteria.compiled.constraints:
        if not check.names <= values.keys():
            continue
        try:
            holds = evaluate(check, values)
        except (EvaluationError, TypeError):
            holds = False
        if not holds:  # pragma: no cover - values are built to satisfy every constraint
            raise SyntheticError(
                f"đơn vị tổng hợp {unit} vi phạm ràng buộc: {message} ({check.text})",
                f"synthetic unit {unit} breaks constraint {check.text}",
            )


def units(
    criteria: CriteriaSet,
    n: int,
    *,
    seed: int = 0,
    fact_rate: float = 0.85,
    missing_rate: float = 0.0,
    self_scores: bool = False,
    overclaim_rate: float = 0.05,
) -> list[Submission]:
    """``n`` plausible synthetic units for ``criteria``, the same for the same ``seed``.

    Every declared input gets a value (``missing_rate`` leaves each one out with that
    chance), each fact is true with chance ``fact_rate``, every survey criterion gets
    points. With ``self_scores`` each scored leaf is self-scored at its computed points,
    except that a share ``overclaim_rate`` of them claims the maximum (for review). A
    penalty taken (points below 0) is not self-scored: a self-score is at least 0, as
    on the form, so the leaf is left to the computation and the appraisers.
    Raises :class:`~parindex.errors.SyntheticError` when a constraint has a shape that
    cannot be satisfied by construction.

    >>> batch = units(criteria, 3, seed=1)  # doctest: +SKIP
    >>> [s.unit.id for s in batch]  # doctest: +SKIP
    ['syn-0001', 'syn-0002', 'syn-0003']
    """
    if n < 0:
        raise ValueError(f"n phải không âm (n must be ≥ 0): {n}")
    if not 0 <= missing_rate <= 1 or not 0 <= fact_rate <= 1 or not 0 <= overclaim_rate <= 1:
        raise ValueError("các tỷ lệ phải trong [0, 1] (rates must be in [0, 1])")
    plan = read_plan(criteria)
    rng = random.Random(seed)
    precision = criteria.precision
    note = (
        f"{SYNTHETIC_MARK} — đơn vị sinh tự động bởi parindex.synthetic (seed {seed}), "
        "không phải số liệu của đơn vị thật (synthetic data, not any real unit's figures)."
    )
    facts = [f.name for f in criteria.facts]
    made: list[Submission] = []
    for index in range(n):
        level = criteria.levels[index % len(criteria.levels)]
        names = _UNIT_NAMES[level]
        unit_id = f"syn-{index + 1:04d}"
        q = rng.betavariate(3.0, 1.4)
        draw = _Unit(plan, rng, q, criteria.year)
        for name in plan.order:
            draw.values[name] = draw.value(name)
        _check(criteria, draw.values, unit_id)
        values = {
            name: draw.values[name]
            for name in plan.inputs
            if not (missing_rate and rng.random() < missing_rate)
        }
        survey = {}
        for code, top in plan.survey:
            fraction = min(max(0.45 + 0.5 * q + rng.gauss(0, 0.05), 0.0), 1.0)
            points = (top * Decimal(str(round(fraction, 4)))).quantize(
                precision, rounding=ROUND_HALF_UP
            )
            survey[code] = min(points, top)
        submission = Submission.model_validate(
            {
                "format": "parindex.submission/1",
                "criteria": criteria.id,
                "year": criteria.year,
                "synthetic": True,
                "unit": {
                    "id": unit_id,
                    "name": f"{names[index % len(names)]} số {index + 1:04d} {_NAME_SUFFIX}",
                    "level": level,
                    "facts": {name: rng.random() < fact_rate for name in facts},
                },
                "values": values,
                "survey": survey,
                "note": note,
            }
        )
        if self_scores:
            submission = _with_self_scores(criteria, submission, rng, overclaim_rate)
        made.append(submission)
    return made


def _with_self_scores(
    criteria: CriteriaSet, submission: Submission, rng: random.Random, overclaim_rate: float
) -> Submission:
    from parindex.engine import score
    from parindex.report import Status

    report = score(criteria, submission)
    claimed = {}
    for node in report.nodes:
        if node.status != Status.SCORED or node.rule is None or node.points is None:
            continue
        points = node.points
        if points < 0:
            continue
        over = points < node.max_points and rng.random() < overclaim_rate
        claimed[node.code] = SelfScore(
            points=node.max_points if over else points,
            explanation=f"Tự chấm ({_NAME_SUFFIX.strip('()')})",
        )
    return submission.model_copy(update={"self_scores": claimed})

"""The inverse of a rule: the smallest change of one input that gains the leaf points.

One search serves every kind, because every kind lowers to an expression: the leaf's
points are re-evaluated, exactly, with one input changed and the others kept, and the
set's constraints must still hold. Numbers move in their input's step (1 for a count,
0,01 for a percentage …) within their domain, doubling then halving to the smallest
step that gains (the rules the sets use are monotone in each input, so this finds the
next band's edge); yes/no inputs flip; an enum tries its other choices; a date moves
to the dates the rule compares it with (the due date to meet).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Protocol

from parindex.errors import EvaluationError
from parindex.expressions import (
    Call,
    CompiledExpression,
    Const,
    Expr,
    Name,
    Value,
    evaluate,
)
from parindex.rules._base import Leaf, Scope, Suggestion
from parindex.rules._explain import display, format_points, label
from parindex.rules._model import InputType

__all__ = ["InputSpec", "Problem", "search"]

_STEP = {
    InputType.COUNT: Decimal(1),
    InputType.PERCENT: Decimal("0.01"),
    InputType.RATIO: Decimal("0.0001"),
    InputType.AMOUNT: Decimal("0.01"),
}
_LIMITS = {
    InputType.COUNT: (Decimal(0), None),
    InputType.PERCENT: (Decimal(0), Decimal(100)),
    InputType.RATIO: (Decimal(0), Decimal(1)),
}
_MAX_DOUBLINGS = 48


class InputSpec(Protocol):
    """What the search reads of a declared input (a :class:`parindex.criteria.Input`)."""

    @property
    def type(self) -> InputType: ...
    @property
    def min(self) -> Decimal | None: ...
    @property
    def max(self) -> Decimal | None: ...
    @property
    def choices(self) -> Mapping[str, str] | None: ...


@dataclass(frozen=True)
class Problem:
    """One leaf to invert: its lowered points, the value shown, the set's constraints."""

    leaf: Leaf
    scope: Scope
    specs: Mapping[str, InputSpec]
    constraints: Sequence[CompiledExpression]
    shown: CompiledExpression | None = None
    """The rule's value, shown before and after the change (``từ 97,22% lên 100%``)."""
    unit: str | None = None

    def points(self, values: Mapping[str, Value]) -> Decimal | None:
        """The leaf's points on ``values``, or ``None`` where they break a constraint."""
        for check in self.constraints:
            if check.names <= values.keys():
                try:
                    if not evaluate(check, values):
                        return None
                except EvaluationError:
                    return None
        try:
            assert self.leaf.lowered is not None
            result = evaluate(self.leaf.lowered, values)
        except EvaluationError:
            return None
        assert isinstance(result, Decimal)
        return result


def search(problem: Problem, names: Sequence[str]) -> list[Suggestion]:
    """For each of ``names`` (in order) the smallest change that gains points, if any."""
    values = problem.scope.values
    if not set(names) <= values.keys():
        return []
    base = problem.points(values)
    if base is None:
        return []
    found = []
    for name in names:
        best = _best(problem, name, base)
        if best is not None:
            proposed, gain = best
            found.append(_suggestion(problem, name, proposed, gain))
    return found


def _best(problem: Problem, name: str, base: Decimal) -> tuple[Value, Decimal] | None:
    current = problem.scope.values[name]
    spec = problem.specs.get(name)

    def gain(value: Value) -> Decimal | None:
        points = problem.points({**problem.scope.values, name: value})
        return None if points is None or points <= base else points - base

    if isinstance(current, bool) and (spec is None or spec.type == InputType.YES_NO):
        flipped = gain(not current)
        return None if flipped is None else (not current, flipped)
    if spec is not None and spec.type == InputType.ENUM:
        options = [(g, c) for c in sorted(spec.choices or {}) if (g := gain(c)) is not None]
        if not options:
            return None
        smallest, choice = min(options, key=lambda o: o[0])
        return choice, smallest
    if spec is not None and spec.type == InputType.DATE:
        assert problem.leaf.lowered is not None
        return _date_change(problem.leaf.lowered, current, gain)
    if isinstance(current, Decimal) and spec is not None:
        return _number_change(current, spec, gain)
    return None


def _number_change(
    current: Decimal, spec: InputSpec, gain: Callable[[Value], Decimal | None]
) -> tuple[Value, Decimal] | None:
    step = _STEP.get(spec.type, Decimal("0.01"))
    low, high = _LIMITS.get(spec.type, (None, None))
    if spec.min is not None:
        low = spec.min if low is None else max(low, spec.min)
    if spec.max is not None:
        high = spec.max if high is None else min(high, spec.max)
    best: tuple[Decimal, Value, Decimal] | None = None
    for direction in (1, -1):
        found = _smallest_steps(current, step * direction, low, high, gain)
        if found is not None:
            steps, value, won = found
            if best is None or steps < best[0]:
                best = (steps, value, won)
    return None if best is None else (best[1], best[2])


def _smallest_steps(
    current: Decimal,
    step: Decimal,
    low: Decimal | None,
    high: Decimal | None,
    gain: Callable[[Value], Decimal | None],
) -> tuple[Decimal, Decimal, Decimal] | None:
    def at(k: int) -> Decimal | None:
        value = current + step * k
        if (low is not None and value < low) or (high is not None and value > high):
            return None
        return value

    k, failed = 1, 0
    for _ in range(_MAX_DOUBLINGS):
        value = at(k)
        if value is None:  # past the domain: try its end once
            edge = high if step > 0 else low
            if edge is None or edge == current:
                return None
            k = int((edge - current) / step)
            value = at(k)
            if value is None or gain(value) is None:
                return None
            break
        if gain(value) is not None:
            break
        failed, k = k, k * 2
    else:
        return None
    while k - failed > 1:  # the smallest k that gains, between a failure and a success
        middle = (k + failed) // 2
        value = at(middle)
        if value is not None and gain(value) is not None:
            k = middle
        else:
            failed = middle
    value = at(k)
    assert value is not None
    won = gain(value)
    assert won is not None
    return Decimal(k), value, won


def _dates_in(expr: Expr) -> Iterator[dt.date]:
    if isinstance(expr, Const) and isinstance(expr.value, dt.date):
        yield expr.value
    for part in vars(expr).values():
        for item in part if isinstance(part, tuple) else (part,):
            if isinstance(item, Expr):
                yield from _dates_in(item)


def _date_change(
    lowered: Expr, current: Value, gain: Callable[[Value], Decimal | None]
) -> tuple[Value, Decimal] | None:
    candidates = sorted(
        {d + dt.timedelta(days=shift) for d in _dates_in(lowered) for shift in (-1, 0, 1)}
    )
    options: list[tuple[int, Decimal, dt.date]] = []
    for day in candidates:
        won = gain(day)
        if won is None:
            continue
        distance = abs((day - current).days) if isinstance(current, dt.date) else 0
        # not done: the latest date that gains (the due date itself)
        options.append((distance, won, day))
    if not options:
        return None
    if isinstance(current, dt.date):
        _, won, day = min(options, key=lambda o: (o[0], -o[1]))
    else:  # not done: the latest date that gains most (the due date itself)
        _, won, day = max(options, key=lambda o: (o[1], o[2]))
    return day, won


def _suggestion(problem: Problem, name: str, proposed: Value, gain: Decimal) -> Suggestion:
    scope = problem.scope
    current = scope.values[name]
    kind = scope.types.get(name)
    what = scope.labels.get(name, name)
    gained_vi = f"được thêm {format_points(gain)} điểm"
    gained_en = f"gains {format_points(gain)} points"
    if isinstance(proposed, bool) or kind == InputType.ENUM:
        shown_new = _shown(problem, name, proposed)
        vi = f"{what}: {shown_new} thay vì {_shown(problem, name, current)}; {gained_vi}"
        spec = problem.specs.get(name)
        choices = spec.choices if spec is not None else None
        was = _en(current, kind, choices=choices)
        en = f"{what}: {_en(proposed, kind, choices=choices)} instead of {was}; {gained_en}"
    elif isinstance(proposed, dt.date):
        vi = f"{what}: hoàn thành ngày {display(proposed)} thay vì {display(current, kind)}; {gained_vi}"
        en = f"{what}: done on {_en(proposed)} instead of {_en(current, kind)}; {gained_en}"
    else:
        assert isinstance(proposed, Decimal) and isinstance(current, Decimal)
        delta = proposed - current
        verb_vi, verb_en = ("thêm", "add") if delta > 0 else ("bớt", "remove")
        amount = display(abs(delta), kind)
        change_vi = f"{verb_vi} {amount} {_lower(what)}{_out_of(problem, name)}"
        change_en = f"{verb_en} {amount} {'to' if delta > 0 else 'from'} {_lower(what)}"
        before, after = _shown_values(problem, name, proposed)
        vi = f"{before[0]} lên {after[0]}: {change_vi}; {gained_vi}"
        en = f"{before[1]} to {after[1]}: {change_en}; {gained_en}"
    return Suggestion(problem.leaf.code, name, current, proposed, gain, vi, en)


def _shown(problem: Problem, name: str, value: Value) -> str:
    spec = problem.specs.get(name)
    choices = spec.choices if spec is not None else None
    return display(value, problem.scope.types.get(name), choices=choices)


def _lower(text: str) -> str:
    return text[0].lower() + text[1:] if len(text) > 1 and text[1].islower() else text


def _out_of(problem: Problem, name: str) -> str:
    """`` trên 36`` when the value is a share of ``name`` in a total."""
    shown = problem.shown
    if shown is None or not isinstance(shown.root, Call):
        return ""
    root = shown.root
    if root.function not in ("percent", "ratio") or len(root.args) < 2:
        return ""
    numerator, denominator = root.args[0], root.args[1]
    if isinstance(numerator, Name) and numerator.name == name and isinstance(denominator, Name):
        total = problem.scope.values.get(denominator.name)
        if total is not None:
            return f" trên {display(total)}"
    return ""


def _shown_values(
    problem: Problem, name: str, proposed: Value
) -> tuple[tuple[str, str], tuple[str, str]]:
    scope = problem.scope
    kind = scope.types.get(name)
    what = scope.labels.get(name, name)
    current = scope.values[name]
    if problem.shown is not None and problem.shown.root != Name(problem.shown.type, name):
        try:
            old = evaluate(problem.shown, scope.values)
            new = evaluate(problem.shown, {**scope.values, name: proposed})
        except EvaluationError:
            pass
        else:
            head = label(problem.shown, scope)
            return (
                (
                    f"{head} từ {display(old, unit=problem.unit)}",
                    f"{label(problem.shown, scope, 'en')} from {_en(old, unit=problem.unit)}",
                ),
                (display(new, unit=problem.unit), _en(new, unit=problem.unit)),
            )
    return (
        (f"{what} từ {display(current, kind)}", f"{what} from {_en(current, kind)}"),
        (display(proposed, kind), _en(proposed, kind)),
    )


def _en(
    value: Value | None,
    kind: InputType | None = None,
    unit: str | None = None,
    choices: Mapping[str, str] | None = None,
) -> str:
    """A value in the English sentences as every English output writes it: ``97,22%``,
    ``31/12/2023``, a choice by its words (:func:`display`), with ``yes``, ``no`` and
    ``not done`` for the Vietnamese words."""
    if value is None:
        return "(empty)"
    return display(value, kind, unit, choices, "en")

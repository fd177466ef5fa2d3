"""``threshold``: full points when the value is in one range (``trên 30%``), else ``otherwise``."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, replace
from decimal import Decimal
from typing import Any, ClassVar, Literal

from parindex.expressions import CompiledExpression, Expr, ValueType
from parindex.numbers import format_decimal
from parindex.ranges import Interval
from parindex.rules._base import (
    Checker,
    CompiledRule,
    Leaf,
    Outcome,
    RuleKind,
    Scope,
    Shape,
    Stated,
    Suggestion,
    SyntheticHint,
    ends,
)
from parindex.rules._domain import percent_words_on_ratio, value_domain
from parindex.rules._explain import display, labels, scored, stated, unit_of
from parindex.rules._inverse import Problem, search
from parindex.rules._lower import choose, inside, points
from parindex.rules._model import ExprText, Points, RuleModel

__all__ = ["CompiledThreshold", "Threshold", "ThresholdRule"]


class ThresholdRule(RuleModel):
    """Full points when ``value`` is in ``when`` (``"trên 30%"``), else ``otherwise``."""

    kind: Literal["threshold"]
    value: ExprText
    when: str
    otherwise: Points = Decimal(0)
    unit: str | None = None


@dataclass(frozen=True)
class CompiledThreshold(CompiledRule):
    """A compiled ``threshold`` rule: full points when ``value`` is in ``interval``."""

    kind: ClassVar[str] = "threshold"
    value: CompiledExpression
    interval: Interval
    when: str
    otherwise: Decimal
    unit: str | None = None

    @property
    def expressions(self) -> tuple[CompiledExpression, ...]:
        return (self.value,)


class Threshold(RuleKind[ThresholdRule, CompiledThreshold]):
    name = "threshold"
    model = ThresholdRule
    compiled = CompiledThreshold

    def compile(
        self, rule: ThresholdRule, leaf: Leaf, checker: Checker, path: tuple[str | int, ...]
    ) -> CompiledThreshold | None:
        value = checker.expression(rule.value, (*path, "value"), leaf.code, ValueType.NUMBER)
        interval = checker.range(rule.when, (*path, "when"), leaf.code)
        if rule.otherwise > leaf.top:
            checker.add(
                "points_above_max",
                "'otherwise' vượt điểm tối đa",
                "'otherwise' above the maximum",
                (*path, "otherwise"),
                leaf.code,
                rule.otherwise,
            )
        if value is None or interval is None:
            return None
        fix = percent_words_on_ratio(value, value_domain(value, checker.input_type), [rule.when])
        if fix is not None:
            checker.add("percent_on_ratio", *fix, (*path, "when"), leaf.code, rule.when)
            return None
        return CompiledThreshold(value, interval, rule.when, rule.otherwise, rule.unit)

    def lower(self, compiled: CompiledThreshold, leaf: Leaf) -> Expr:
        return choose(
            inside(compiled.value.root, compiled.interval),
            points(leaf.top, leaf),
            points(compiled.otherwise, leaf),
        )

    def explain(self, compiled: CompiledThreshold, leaf: Leaf, scope: Scope) -> Outcome:
        value = scope.value(compiled.value)
        assert isinstance(value, Decimal)
        vi, en = labels(compiled.value, scope)
        unit = unit_of(compiled.value, compiled.unit, scope)
        shown = display(value, unit=unit)
        met = value in compiled.interval
        verb_vi = "đạt" if met else "không đạt"
        verb_en = "meets" if met else "misses"
        when_en = stated(compiled.interval, compiled.when, unit, "en")
        return scored(
            leaf.points(scope),
            leaf.top,
            f"{vi} {shown} {verb_vi} ngưỡng {compiled.when}",
            f"{en} {shown} {verb_en} the threshold {when_en}",
        )

    def inverse(self, compiled: CompiledThreshold, problem: Problem) -> list[Suggestion]:
        unit = unit_of(compiled.value, compiled.unit, problem.scope)
        return search(replace(problem, shown=compiled.value, unit=unit), sorted(compiled.inputs))

    def strategy(self, builder: Any, top: Decimal) -> dict[str, Any]:
        import hypothesis.strategies as st

        num = format_decimal
        value, end, unit = builder.metric()
        cut = builder.cuts(end)[0]
        if end is not None and cut == end:
            when = f"{num(cut)}{unit}"
        else:
            when = builder.draw(
                st.sampled_from(
                    (
                        f"từ {num(cut)}{unit} trở lên",
                        f"trên {num(cut)}{unit}",
                        f"dưới {num(cut)}{unit}",
                        f"không quá {num(cut)}{unit}",
                        f"ít nhất {num(cut)}{unit}",
                    )
                )
            )
        otherwise = builder.points(top) if builder.draw(st.booleans()) else Decimal(0)
        if otherwise == top:
            otherwise = Decimal(0)
        return {
            "kind": "threshold",
            "value": value,
            "when": when,
            "otherwise": str(otherwise),
            "text": f"Đạt {when}: điểm tối đa; không đạt: {num(otherwise)} điểm",
        }

    def synthetic(self, compiled: CompiledThreshold) -> SyntheticHint:
        interval = compiled.interval
        below = interval.low is None and interval.high is not None
        return SyntheticHint(
            values=(compiled.value,),
            direction=-1 if below else 1,
            needed=None if below else interval.low,
        )

    def shape(self, compiled: CompiledThreshold, leaf: Leaf) -> Shape:
        return Shape(
            metric=compiled.value,
            edges=ends((compiled.interval,)),
            ranges=(Stated(compiled.interval, leaf.top, compiled.when),),
            otherwise=(compiled.otherwise, f"không đạt '{compiled.when}'"),
            unit=compiled.unit,
        )

    def dues(self, compiled: CompiledThreshold) -> tuple[tuple[CompiledExpression, dt.date], ...]:
        return ()

    def direction(self, compiled: CompiledThreshold, leaf: Leaf, domain: Interval) -> int | None:
        """Towards the end of ``domain`` the range met reaches (0 when both or neither)."""
        met = compiled.interval.clip(domain)
        if met is None or compiled.otherwise == leaf.top:
            return 0
        reaches_top = met.high == domain.high and (met.high is None or met.high_inclusive)
        reaches_bottom = met.low == domain.low and (met.low is None or met.low_inclusive)
        if reaches_top and not reaches_bottom:
            return 1 if leaf.top > compiled.otherwise else -1
        if reaches_bottom and not reaches_top:
            return -1 if leaf.top > compiled.otherwise else 1
        return 0

"""``proportional``: ``points = max × min(value ÷ target, 1)``, never below 0."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, replace
from decimal import Decimal
from typing import Any, ClassVar, Literal

from parindex.expressions import Binary, CompiledExpression, Expr, ValueType
from parindex.ranges import Interval
from parindex.rules._base import (
    Checker,
    Leaf,
    Outcome,
    RuleKind,
    Scope,
    Shape,
    Suggestion,
    SyntheticHint,
)
from parindex.rules._explain import display, format_points, labels, unit_of
from parindex.rules._inverse import Problem, search
from parindex.rules._lower import clamp, number, rounded
from parindex.rules._model import ExprText, Number, RuleModel
from parindex.rules._value import CompiledValue

__all__ = ["CompiledProportional", "Proportional", "ProportionalRule"]


class ProportionalRule(RuleModel):
    """``points = max × min(value ÷ target, 1)``, never below 0."""

    kind: Literal["proportional"]
    value: ExprText
    target: Number = Decimal(1)
    unit: str | None = None


@dataclass(frozen=True)
class CompiledProportional(CompiledValue):
    """A compiled ``proportional`` rule: ``max × min(value ÷ target, 1)``, at least 0."""

    kind: ClassVar[str] = "proportional"
    target: Decimal = Decimal(1)
    unit: str | None = None


class Proportional(RuleKind[ProportionalRule, CompiledProportional]):
    name = "proportional"
    model = ProportionalRule
    compiled = CompiledProportional

    def compile(
        self, rule: ProportionalRule, leaf: Leaf, checker: Checker, path: tuple[str | int, ...]
    ) -> CompiledProportional | None:
        value = checker.expression(rule.value, (*path, "value"), leaf.code, ValueType.NUMBER)
        if rule.target <= 0:
            checker.add(
                "invalid_value",
                "'target' phải lớn hơn 0",
                "'target' must be above 0",
                (*path, "target"),
                leaf.code,
                rule.target,
            )
        return None if value is None else CompiledProportional(value, rule.target, rule.unit)

    def lower(self, compiled: CompiledProportional, leaf: Leaf) -> Expr:
        n = ValueType.NUMBER
        share = clamp(
            Binary(n, "/", compiled.value.root, number(compiled.target)), Decimal(0), Decimal(1)
        )
        return rounded(Binary(n, "*", number(leaf.top), share), leaf)

    def explain(self, compiled: CompiledProportional, leaf: Leaf, scope: Scope) -> Outcome:
        value = scope.value(compiled.value)
        assert isinstance(value, Decimal)
        got = leaf.points(scope)
        unit = unit_of(compiled.value, compiled.unit, scope)
        vi, en = labels(compiled.value, scope)
        tail = (
            f" {display(value, unit=unit)} ÷ "
            f"{display(compiled.target, unit=unit)} × {format_points(leaf.top)} = {format_points(got)}"
        )
        return Outcome(got, f"{vi}{tail} điểm", f"{en}{tail} points")

    def inverse(self, compiled: CompiledProportional, problem: Problem) -> list[Suggestion]:
        unit = unit_of(compiled.value, compiled.unit, problem.scope)
        return search(replace(problem, shown=compiled.value, unit=unit), sorted(compiled.inputs))

    def strategy(self, builder: Any, top: Decimal) -> dict[str, Any]:
        import hypothesis.strategies as st

        value, end, _unit = builder.metric()
        target = end if end is not None else Decimal(builder.draw(st.integers(1, 10)))
        if end is not None and builder.draw(st.booleans()):
            target = end * Decimal(builder.draw(st.integers(5, 10))) / 10
        return {"kind": "proportional", "value": value, "target": str(target)}

    def synthetic(self, compiled: CompiledProportional) -> SyntheticHint:
        return SyntheticHint(values=(compiled.value,), needed=compiled.target)

    def shape(self, compiled: CompiledProportional, leaf: Leaf) -> Shape:
        edges = tuple(sorted({Decimal(0), compiled.target}))
        return Shape(metric=compiled.value, edges=edges, unit=compiled.unit)

    def dues(
        self, compiled: CompiledProportional
    ) -> tuple[tuple[CompiledExpression, dt.date], ...]:
        return ()

    def direction(self, compiled: CompiledProportional, leaf: Leaf, domain: Interval) -> int | None:
        return 1

"""``deduction``: start from the maximum, take ``per`` off for each occurrence, floor at 0."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, replace
from decimal import Decimal
from typing import Any, ClassVar, Literal

from parindex.expressions import Binary, Call, CompiledExpression, Expr, ValueType
from parindex.numbers import format_decimal
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
from parindex.rules._explain import format_points, labels, scored
from parindex.rules._inverse import Problem, search
from parindex.rules._lower import number, rounded
from parindex.rules._model import ExprText, Points, RuleModel
from parindex.rules._value import CompiledValue

__all__ = ["CompiledDeduction", "Deduction", "DeductionRule"]


class DeductionRule(RuleModel):
    """Start from the maximum, take ``per`` off for each occurrence, floor at 0."""

    kind: Literal["deduction"]
    value: ExprText
    per: Points


@dataclass(frozen=True)
class CompiledDeduction(CompiledValue):
    """A compiled ``deduction`` rule: the maximum less ``per`` for each occurrence, at least 0."""

    kind: ClassVar[str] = "deduction"
    per: Decimal = Decimal(0)


class Deduction(RuleKind[DeductionRule, CompiledDeduction]):
    name = "deduction"
    model = DeductionRule
    compiled = CompiledDeduction

    def compile(
        self, rule: DeductionRule, leaf: Leaf, checker: Checker, path: tuple[str | int, ...]
    ) -> CompiledDeduction | None:
        value = checker.expression(rule.value, (*path, "value"), leaf.code, ValueType.NUMBER)
        if rule.per <= 0:
            checker.add(
                "invalid_value",
                "'per' phải lớn hơn 0",
                "'per' must be above 0",
                (*path, "per"),
                leaf.code,
                rule.per,
            )
        return None if value is None else CompiledDeduction(value, rule.per)

    def lower(self, compiled: CompiledDeduction, leaf: Leaf) -> Expr:
        n = ValueType.NUMBER
        taken = Binary(n, "*", compiled.value.root, number(compiled.per))
        left = Call(n, "max", (number(0), Binary(n, "-", number(leaf.top), taken)))
        return rounded(left, leaf)

    def explain(self, compiled: CompiledDeduction, leaf: Leaf, scope: Scope) -> Outcome:
        value = scope.value(compiled.value)
        assert isinstance(value, Decimal)
        vi, en = labels(compiled.value, scope)
        shown = f": {format_decimal(value)} × "
        top, per = format_points(leaf.top), format_points(compiled.per)
        return scored(
            leaf.points(scope),
            leaf.top,
            f"{vi}{shown}trừ {per} từ {top}",
            f"{en}{shown}minus {per} from {top}",
        )

    def inverse(self, compiled: CompiledDeduction, problem: Problem) -> list[Suggestion]:
        return search(replace(problem, shown=compiled.value), sorted(compiled.inputs))

    def strategy(self, builder: Any, top: Decimal) -> dict[str, Any]:
        import hypothesis.strategies as st

        first = builder.name("count", "Số vụ kỷ luật")
        value = first
        if builder.draw(st.booleans()):
            value = f"{first} + {builder.name('count', 'Số vụ vi phạm')}"
        per = builder.draw(st.sampled_from(("0.25", "0,5", "1")))
        return {"kind": "deduction", "value": value, "per": per}

    def synthetic(self, compiled: CompiledDeduction) -> SyntheticHint:
        return SyntheticHint(values=(compiled.value,), direction=-1, events=True)

    def shape(self, compiled: CompiledDeduction, leaf: Leaf) -> Shape:
        return Shape(metric=compiled.value, edges=(leaf.top / compiled.per,))

    def dues(self, compiled: CompiledDeduction) -> tuple[tuple[CompiledExpression, dt.date], ...]:
        return ()

    def direction(self, compiled: CompiledDeduction, leaf: Leaf, domain: Interval) -> int | None:
        return -1

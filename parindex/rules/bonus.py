"""``bonus`` and ``penalty``: points outside the maximum, added or taken off, capped."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, replace
from decimal import Decimal
from typing import Any, ClassVar, Literal

from parindex.expressions import CompiledExpression, Expr, Unary, ValueType
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
from parindex.rules._explain import format_points
from parindex.rules._inverse import Problem, search
from parindex.rules._lower import clamp, rounded
from parindex.rules._model import ExprText, RuleModel
from parindex.rules._value import CompiledValue

__all__ = ["Bonus", "BonusRule", "CompiledBonus", "CompiledPenalty", "Penalty", "PenaltyRule"]


class BonusRule(RuleModel):
    """Bonus points (điểm cộng) from ``value``, capped at the node's maximum.

    A bonus node adds to its parent's points but not to its maximum.
    """

    kind: Literal["bonus"]
    value: ExprText


class PenaltyRule(RuleModel):
    """Penalty points (điểm trừ) from ``value``, capped at the node's maximum; subtracted."""

    kind: Literal["penalty"]
    value: ExprText


@dataclass(frozen=True)
class CompiledBonus(CompiledValue):
    """A compiled ``bonus`` rule: points added, capped at the node's maximum."""

    kind: ClassVar[str] = "bonus"


@dataclass(frozen=True)
class CompiledPenalty(CompiledValue):
    """A compiled ``penalty`` rule: points taken off, capped at the node's maximum."""

    kind: ClassVar[str] = "penalty"


class Bonus(RuleKind[BonusRule, CompiledBonus]):
    """Bonus points: ``clamp(value, 0, max)``, added to the parent, not to its maximum."""

    name = "bonus"
    model: ClassVar[type[RuleModel]] = BonusRule
    compiled: ClassVar[type[CompiledValue]] = CompiledBonus
    counts_in_max = False
    words = ("Điểm cộng", "Bonus", "Số giải thưởng")

    def compile(
        self, rule: BonusRule, leaf: Leaf, checker: Checker, path: tuple[str | int, ...]
    ) -> CompiledBonus | None:
        value = checker.expression(rule.value, (*path, "value"), leaf.code, ValueType.NUMBER)
        return None if value is None else self.compiled(value)  # type: ignore[return-value]

    def lower(self, compiled: CompiledBonus, leaf: Leaf) -> Expr:
        amount = rounded(clamp(compiled.value.root, Decimal(0), leaf.top), leaf)
        return amount if self.sign > 0 else Unary(ValueType.NUMBER, "-", amount)

    def explain(self, compiled: CompiledBonus, leaf: Leaf, scope: Scope) -> Outcome:
        value = scope.value(compiled.value)
        assert isinstance(value, Decimal)
        got = leaf.points(scope)
        capped = " (giới hạn)" if value > leaf.top else ""
        amount = format_points(max(Decimal(0), min(value, leaf.top)))
        top = format_points(leaf.top)
        vi, en, _ = self.words
        return Outcome(
            got,
            f"{vi}: {amount}{capped} (tối đa {top})",
            f"{en}: {amount} (at most {top})",
        )

    def inverse(self, compiled: CompiledBonus, problem: Problem) -> list[Suggestion]:
        return search(replace(problem, shown=compiled.value), sorted(compiled.inputs))

    def strategy(self, builder: Any, top: Decimal) -> dict[str, Any]:
        count = builder.name("count", self.words[2])
        return {"kind": self.name, "value": f"{count} * 0.25"}

    def synthetic(self, compiled: CompiledBonus) -> SyntheticHint:
        return SyntheticHint(values=(compiled.value,), direction=self.sign, events=self.sign < 0)

    def shape(self, compiled: CompiledBonus, leaf: Leaf) -> Shape:
        return Shape(metric=compiled.value, edges=tuple(sorted({Decimal(0), leaf.top})))

    def dues(self, compiled: CompiledBonus) -> tuple[tuple[CompiledExpression, dt.date], ...]:
        return ()

    def direction(self, compiled: CompiledBonus, leaf: Leaf, domain: Interval) -> int | None:
        return self.sign  # more bonus adds, more penalty takes off


class Penalty(Bonus):
    """Penalty points: ``clamp(value, 0, max)`` taken off the parent; outside its maximum."""

    name = "penalty"
    model = PenaltyRule
    compiled = CompiledPenalty
    sign = -1
    words = ("Điểm trừ", "Penalty", "Số lần bị nhắc")

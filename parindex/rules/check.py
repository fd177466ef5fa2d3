"""``check``: a yes/no checklist item — full points when the value holds, else 0."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, replace
from typing import Any, ClassVar, Literal

from parindex.expressions import CompiledExpression, Expr, ValueType
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
from parindex.rules._explain import labels, scored
from parindex.rules._inverse import Problem, search
from parindex.rules._lower import choose, number, points
from parindex.rules._model import ExprText, RuleModel
from parindex.rules._value import CompiledValue

__all__ = ["Check", "CheckRule", "CompiledCheck"]


class CheckRule(RuleModel):
    """Yes/no checklist: full points when ``value`` is true, else 0."""

    kind: Literal["check"]
    value: ExprText


@dataclass(frozen=True)
class CompiledCheck(CompiledValue):
    """A compiled ``check`` rule: the full points when its condition holds."""

    kind: ClassVar[str] = "check"


class Check(RuleKind[CheckRule, CompiledCheck]):
    name = "check"
    model = CheckRule
    compiled = CompiledCheck

    def compile(
        self, rule: CheckRule, leaf: Leaf, checker: Checker, path: tuple[str | int, ...]
    ) -> CompiledCheck | None:
        value = checker.expression(rule.value, (*path, "value"), leaf.code, ValueType.BOOL)
        return None if value is None else CompiledCheck(value)

    def lower(self, compiled: CompiledCheck, leaf: Leaf) -> Expr:
        return choose(compiled.value.root, points(leaf.top, leaf), number(0))

    def explain(self, compiled: CompiledCheck, leaf: Leaf, scope: Scope) -> Outcome:
        got = leaf.points(scope)
        # full points or none: the points say whether it is met (evaluated again only
        # when the maximum is 0 and they cannot)
        met = got != 0 if leaf.top else bool(scope.value(compiled.value))
        answer_vi, answer_en = ("có", "yes") if met else ("không", "no")
        vi, en = labels(compiled.value, scope)
        return scored(got, leaf.top, f"{vi}: {answer_vi}", f"{en}: {answer_en}")

    def inverse(self, compiled: CompiledCheck, problem: Problem) -> list[Suggestion]:
        return search(replace(problem, shown=compiled.value), sorted(compiled.inputs))

    def strategy(self, builder: Any, top: Any) -> dict[str, Any]:
        import hypothesis.strategies as st

        if builder.draw(st.booleans()):
            return {"kind": "check", "value": builder.name("yes_no", "Đã ban hành kế hoạch")}
        count = builder.name("count", "Số văn bản bị đình chỉ")
        return {"kind": "check", "value": f"{count} == 0"}

    def synthetic(self, compiled: CompiledCheck) -> SyntheticHint:
        return SyntheticHint(values=(compiled.value,))

    def shape(self, compiled: CompiledCheck, leaf: Leaf) -> Shape:
        return Shape()  # yes or no: no number to compare, no due date

    def direction(self, compiled: CompiledCheck, leaf: Leaf, domain: Interval) -> int | None:
        return None

    def dues(self, compiled: CompiledCheck) -> tuple[tuple[CompiledExpression, dt.date], ...]:
        return ()

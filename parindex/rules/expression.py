"""``expression``: a free expression for the points, clamped to [0, maximum]."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, replace
from decimal import Decimal
from typing import Any, ClassVar, Literal

from parindex.expressions import CompiledExpression, Expr, ValueType
from parindex.messages import expression_words
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
from parindex.rules._explain import display, scored
from parindex.rules._inverse import Problem, search
from parindex.rules._lower import clamp, rounded
from parindex.rules._model import ExprText, RuleModel
from parindex.rules._value import CompiledValue

__all__ = ["CompiledExpressionRule", "Expression", "ExpressionRule"]


class ExpressionRule(RuleModel):
    """Free expression for the points, clamped to [0, maximum]."""

    kind: Literal["expression"]
    value: ExprText


@dataclass(frozen=True)
class CompiledExpressionRule(CompiledValue):
    """A compiled ``expression`` rule (``text``: the rule's own words, if it has any)."""

    kind: ClassVar[str] = "expression"
    text: str | None = None


class Expression(RuleKind[ExpressionRule, CompiledExpressionRule]):
    name = "expression"
    model = ExpressionRule
    compiled = CompiledExpressionRule

    def compile(
        self, rule: ExpressionRule, leaf: Leaf, checker: Checker, path: tuple[str | int, ...]
    ) -> CompiledExpressionRule | None:
        value = checker.expression(rule.value, (*path, "value"), leaf.code, ValueType.NUMBER)
        return None if value is None else CompiledExpressionRule(value, rule.text)

    def lower(self, compiled: CompiledExpressionRule, leaf: Leaf) -> Expr:
        return rounded(clamp(compiled.value.root, Decimal(0), leaf.top), leaf)

    def explain(self, compiled: CompiledExpressionRule, leaf: Leaf, scope: Scope) -> Outcome:
        got = leaf.points(scope)
        shown, shown_en = (
            ", ".join(
                f"{scope.labels.get(n, n)} = "
                + display(scope.values[n], scope.types.get(n), None, scope.choices.get(n), lang)
                for n in sorted(compiled.inputs)
            )
            for lang in ("vi", "en")
        )
        if compiled.text:  # the rule's own words are the node's "Cách tính" line already
            return scored(got, leaf.top, shown, shown_en)
        root = compiled.value.root
        described = f"{expression_words(root, scope.labels)}: {shown}"
        described_en = f"{expression_words(root, scope.labels, 'en')}: {shown_en}"
        return scored(got, leaf.top, described, described_en)

    def inverse(self, compiled: CompiledExpressionRule, problem: Problem) -> list[Suggestion]:
        return search(replace(problem, shown=None), sorted(compiled.inputs))

    def strategy(self, builder: Any, top: Decimal) -> dict[str, Any]:
        import hypothesis.strategies as st

        draw = builder.draw
        shape = draw(st.sampled_from(("scaled", "steps", "parts")))
        if shape == "scaled":
            value, _end, _unit = builder.metric()
            cut = draw(st.sampled_from(("50", "2.5", "100")))
            return {"kind": "expression", "value": f"{top} * min({value} / {cut}, 1)"}
        if shape == "steps":
            value, _end, _unit = builder.metric()
            half = (top / 2).quantize(Decimal("0.25"))
            return {
                "kind": "expression",
                "value": f"{top} if {value} >= 0.9 else {half} if {value} > 0 else 0",
                "text": "Đạt mức cao: tối đa; có kết quả: một nửa; không: 0",
            }
        share = builder.points(top)
        a = builder.name("yes_no", "Đúng thẩm quyền")
        b = builder.name("yes_no", "Đúng thể thức")
        return {
            "kind": "expression",
            "value": f"{share} * (1 if {a} else 0) + {top - share} * (1 if {b} else 0)",
        }

    def synthetic(self, compiled: CompiledExpressionRule) -> SyntheticHint:
        return SyntheticHint(values=(compiled.value,))

    def shape(self, compiled: CompiledExpressionRule, leaf: Leaf) -> Shape:
        return Shape()  # a free expression: no one metric, no stated range

    def direction(
        self, compiled: CompiledExpressionRule, leaf: Leaf, domain: Interval
    ) -> int | None:
        return 1  # the points are the expression itself: they move as it does

    def dues(
        self, compiled: CompiledExpressionRule
    ) -> tuple[tuple[CompiledExpression, dt.date], ...]:
        return ()

"""The baseline a user would write by hand: pre-parsed simpleeval expressions, per unit.

Every leaf's value expression (and every applicability condition) is parsed once
with ``EvalWithCompoundTypes.parse``; each unit then evaluates them with its own
values on floats, applies the rule in plain Python (first band that contains the
value, threshold, share of the target, …) and sums the leaves up the tree. No
exact decimals, no missing-input handling beyond skipping, no explanations.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from decimal import Decimal
from typing import Any

from simpleeval import EvalWithCompoundTypes

from parindex import CriteriaSet
from parindex.criteria import (
    BandsRule,
    BonusRule,
    CheckRule,
    DeadlineRule,
    DeductionRule,
    LevelsRule,
    PenaltyRule,
    ProportionalRule,
    SurveyRule,
    ThresholdRule,
)
from parindex.ranges import Interval
from parindex.testing._rules import dues_of, intervals_of


def _ratio(a: float, b: float, when_zero: float) -> float:
    return when_zero if b == 0 else a / b


def _percent(a: float, b: float, when_zero: float) -> float:
    return when_zero if b == 0 else a * 100 / b


FUNCTIONS: dict[str, Callable[..., Any]] = {
    "ratio": _ratio,
    "percent": _percent,
    "min": min,
    "max": max,
    "abs": abs,
    "round": round,
    "clamp": lambda x, lo, hi: max(lo, min(x, hi)),
    "date": dt.date,
    "days_between": lambda a, b: (b - a).days,
    "year": lambda d: d.year,
    "month": lambda d: d.month,
    "day": lambda d: d.day,
    "quarter": lambda d: (d.month - 1) // 3 + 1,
}


def as_floats(values: Mapping[str, object]) -> dict[str, object]:
    """A unit's values as a hand-written script would hold them: decimals as floats."""
    return {k: float(v) if isinstance(v, Decimal) else v for k, v in values.items()}


def _inside(value: float, interval: Interval) -> bool:
    if interval.low is not None:
        low = float(interval.low)
        if value < low or (value == low and not interval.low_inclusive):
            return False
    if interval.high is not None:
        high = float(interval.high)
        if value > high or (value == high and not interval.high_inclusive):
            return False
    return True


class SimpleevalScorer:
    """Scores one unit at a time with pre-parsed simpleeval expressions."""

    def __init__(self, criteria: CriteriaSet) -> None:
        self.criteria = criteria
        self.compiled = criteria.compiled
        self.evaluator = EvalWithCompoundTypes(names={}, functions=FUNCTIONS)
        self.parsed: dict[str, list[Any]] = {}
        self.applies: dict[str, Any] = {}
        for code, node in self.compiled.nodes.items():
            self.parsed[code] = [self.evaluator.parse(v.text) for v in node.expressions]
            if node.node.applies_if is not None:
                self.applies[code] = self.evaluator.parse(node.node.applies_if)

    def evaluate(self, tree: Any) -> Any:
        return self.evaluator.eval(expr="", previously_parsed=tree)

    def leaf_expressions(self, values: Mapping[str, object]) -> list[object]:
        """Only evaluate every leaf expression (the single-unit benchmark's baseline)."""
        self.evaluator.names = values
        return [
            self.evaluate(tree)
            for node in self.compiled.leaves()
            if node.inputs <= values.keys()
            for tree in self.parsed[node.code]
        ]

    def total(self, values: Mapping[str, object], survey: Mapping[str, Decimal]) -> float:
        """The unit's total: rules applied to floats, leaves summed up the tree."""
        self.evaluator.names = values
        return sum(self._node(code, values, survey) for code in self.compiled.children[None])

    def _node(
        self, code: str, values: Mapping[str, object], survey: Mapping[str, Decimal]
    ) -> float:
        node = self.compiled.nodes[code]
        if code in self.applies and not self.evaluate(self.applies[code]):
            return 0.0
        if not node.node.is_leaf:
            parts = sum(self._node(c, values, survey) for c in self.compiled.children[code])
            return min(parts, float(node.node.max_points))
        if not node.inputs <= values.keys():
            return 0.0
        return self._leaf(node, values, survey)

    def _leaf(
        self, node: Any, values: Mapping[str, object], survey: Mapping[str, Decimal]
    ) -> float:
        rule = node.node.rule
        top = float(node.node.max_points)
        if isinstance(rule, SurveyRule):
            return float(survey.get(node.code, 0))
        results = [self.evaluate(t) for t in self.parsed[node.code]]
        value = results[0] if results else None
        if isinstance(rule, CheckRule):
            return top if value else 0.0
        if isinstance(rule, BandsRule):
            for band, interval in zip(rule.bands, intervals_of(node), strict=True):
                if _inside(value, interval):
                    return float(band.points)
            return 0.0
        if isinstance(rule, ThresholdRule):
            return top if _inside(value, intervals_of(node)[0]) else float(rule.otherwise)
        if isinstance(rule, ProportionalRule):
            return top * max(0.0, min(value / float(rule.target), 1.0))
        if isinstance(rule, DeadlineRule):
            on_time = sum(
                isinstance(done, dt.date) and done <= due
                for done, due in zip(results, dues_of(node), strict=True)
            )
            if rule.scoring == "each":
                return top * on_time / len(dues_of(node))
            return top if on_time == len(dues_of(node)) else 0.0
        if isinstance(rule, LevelsRule):
            return next((float(lv.points) for lv in rule.levels if lv.value == value), 0.0)
        if isinstance(rule, DeductionRule):
            return max(0.0, top - value * float(rule.per))
        if isinstance(rule, BonusRule):
            return max(0.0, min(value, top))
        if isinstance(rule, PenaltyRule):
            return -max(0.0, min(value, top))
        return max(0.0, min(value, top))

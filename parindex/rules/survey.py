"""``survey``: scored by the sociological survey (XHH), not from the unit's inputs."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, ClassVar, Literal

from parindex.expressions import CompiledExpression, Expr, Name, ValueType
from parindex.ranges import Interval
from parindex.rules._base import (
    Checker,
    CompiledRule,
    Leaf,
    Outcome,
    RuleKind,
    Scope,
    Shape,
    Suggestion,
    SyntheticHint,
)
from parindex.rules._explain import format_points
from parindex.rules._inverse import Problem
from parindex.rules._model import RuleModel

__all__ = ["SURVEY_INPUT", "SURVEY_PREFIX", "CompiledSurvey", "Survey", "SurveyRule"]

SURVEY_INPUT = "survey"
"""Name under which a missing survey result is listed among the missing inputs."""
SURVEY_PREFIX = "survey:"
"""A survey leaf lowers to the input ``survey:<code>`` (a column of inputs frames)."""


class SurveyRule(RuleModel):
    """Scored by the sociological survey (XHH), not self-scored."""

    kind: Literal["survey"]


@dataclass(frozen=True)
class CompiledSurvey(CompiledRule):
    """A compiled ``survey`` rule: scored by the sociological survey (XHH)."""

    kind: ClassVar[str] = "survey"


class Survey(RuleKind[SurveyRule, CompiledSurvey]):
    name = "survey"
    model = SurveyRule
    compiled = CompiledSurvey
    given = True
    status = "survey"

    def given_points(self, submission: Any, code: str) -> Decimal | None:
        points: Decimal | None = submission.survey.get(code)
        return points

    def compile(
        self, rule: SurveyRule, leaf: Leaf, checker: Checker, path: tuple[str | int, ...]
    ) -> CompiledSurvey:
        return CompiledSurvey()

    def lower(self, compiled: CompiledSurvey, leaf: Leaf) -> Expr:
        return Name(ValueType.NUMBER, SURVEY_PREFIX + leaf.code)

    def explain(self, compiled: CompiledSurvey, leaf: Leaf, scope: Scope) -> Outcome:
        got = scope.survey.get(leaf.code)
        if got is None:
            return Outcome(
                None,
                "Chấm bằng điều tra xã hội học; chưa có kết quả điều tra",
                "Scored by the survey; no survey result yet",
                status="survey",
                missing=(SURVEY_INPUT,),
            )
        top = format_points(leaf.top)
        return Outcome(
            got,
            f"Kết quả điều tra xã hội học: {format_points(got)}/{top} điểm",
            f"Survey result: {format_points(got)}/{top} points",
            status="survey",
        )

    def inverse(self, compiled: CompiledSurvey, problem: Problem) -> list[Suggestion]:
        return []  # no input of the unit's moves a survey result

    def strategy(self, builder: Any, top: Decimal) -> dict[str, Any]:
        builder.survey += top
        return {"kind": "survey"}

    def synthetic(self, compiled: CompiledSurvey) -> SyntheticHint:
        return SyntheticHint(survey=True)

    def shape(self, compiled: CompiledSurvey, leaf: Leaf) -> Shape:
        return Shape()  # given by the survey, reads no input

    def direction(self, compiled: CompiledSurvey, leaf: Leaf, domain: Interval) -> int | None:
        return None

    def dues(self, compiled: CompiledSurvey) -> tuple[tuple[CompiledExpression, dt.date], ...]:
        return ()

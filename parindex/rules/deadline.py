"""``deadline``: done on or before a date, once or per quarter (``all`` or ``each``)."""

from __future__ import annotations

import datetime as dt
import functools
from dataclasses import dataclass, replace
from decimal import Decimal
from typing import Annotated, Any, ClassVar, Literal

from pydantic import Field

from parindex.expressions import Binary, BoolOp, CompiledExpression, Const, Expr, ValueType
from parindex.numbers import format_date
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
from parindex.rules._explain import labels, scored
from parindex.rules._inverse import Problem, search
from parindex.rules._lower import choose, done_by, number, points, rounded
from parindex.rules._model import Date, ExprText, Model, RuleModel

__all__ = ["CompiledDeadline", "Deadline", "DeadlineRule", "QuarterlySchedule"]

Path = tuple[str | int, ...]


class QuarterlySchedule(Model):
    """Per-quarter due dates: ``day`` of the ``month`` (1–3) of each quarter of ``year``."""

    year: Annotated[int, Field(ge=1990, le=2100)]
    day: Annotated[int, Field(ge=1, le=31)]
    month: Annotated[int, Field(ge=1, le=3)] = 3


class DeadlineRule(RuleModel):
    """Done on or before a date.

    One deadline: ``value`` (a date expression) and ``due``. Per quarter:
    ``values`` (four date expressions, quarters I–IV) and ``quarterly``. With
    ``scoring: all`` every report must be on time for the points; with ``each``
    every on-time report earns an equal share.
    """

    kind: Literal["deadline"]
    value: ExprText | None = None
    due: Date | None = None
    values: list[ExprText] | None = None
    quarterly: QuarterlySchedule | None = None
    inclusive: bool = Field(default=True, description="Đúng ngày hạn vẫn là đúng hạn")
    scoring: Literal["all", "each"] = "all"


@dataclass(frozen=True)
class CompiledDeadline(CompiledRule):
    """Each date expression with its due date; on time when done on (``inclusive``) or before."""

    kind: ClassVar[str] = "deadline"
    reports: tuple[tuple[CompiledExpression, dt.date], ...]
    inclusive: bool = True
    each: bool = False

    @property
    def expressions(self) -> tuple[CompiledExpression, ...]:
        return tuple(value for value, _ in self.reports)


def _on_time(done: object, due: dt.date, inclusive: bool) -> bool:
    return isinstance(done, dt.date) and (done <= due if inclusive else done < due)


@functools.lru_cache(maxsize=256)  # a set's few due days, worded for every unit
def _due_words(due: dt.date, inclusive: bool) -> tuple[str, str]:
    """The rule's reading of its due date, as the explanation states it: "trước ngày 15"
    read inclusive accepts the 15th."""
    if inclusive:
        return f"hạn đến hết ngày {format_date(due)}", f"due by the end of {format_date(due)}"
    return f"hạn trước ngày {format_date(due)}", f"due before {format_date(due)}"


class Deadline(RuleKind[DeadlineRule, CompiledDeadline]):
    name = "deadline"
    model = DeadlineRule
    compiled = CompiledDeadline

    def compile(
        self, rule: DeadlineRule, leaf: Leaf, checker: Checker, path: Path
    ) -> CompiledDeadline | None:
        code = leaf.code
        single = rule.value is not None or rule.due is not None
        periodic = rule.values is not None or rule.quarterly is not None
        if (
            single == periodic
            or (single and (rule.value is None or rule.due is None))
            or (periodic and (rule.values is None or rule.quarterly is None))
        ):
            checker.add(
                "deadline_shape",
                "deadline cần hoặc 'value' + 'due', hoặc 'values' + 'quarterly'",
                "a deadline needs either 'value' + 'due' or 'values' + 'quarterly'",
                path,
                code,
                allowed=("value + due", "values + quarterly"),
            )
            return None
        if rule.value is not None and rule.due is not None:
            value = checker.expression(rule.value, (*path, "value"), code, ValueType.DATE)
            if value is None:
                return None
            return CompiledDeadline(((value, rule.due),), rule.inclusive, rule.scoring == "each")
        assert rule.values is not None and rule.quarterly is not None
        return self._quarterly(rule, rule.values, rule.quarterly, checker, path, code)

    @staticmethod
    def _quarterly(
        rule: DeadlineRule,
        texts: list[str],
        schedule: QuarterlySchedule,
        checker: Checker,
        path: Path,
        code: str,
    ) -> CompiledDeadline | None:
        if len(texts) != 4:
            checker.add(
                "deadline_shape",
                f"'quarterly' cần đúng 4 giá trị (quý I–IV), có {len(texts)}",
                f"'quarterly' needs exactly 4 values, got {len(texts)}",
                (*path, "values"),
                code,
                len(texts),
            )
        reports: list[tuple[CompiledExpression, dt.date]] = []
        ok = True
        for quarter, text in enumerate(texts):
            value = checker.expression(text, (*path, "values", quarter), code, ValueType.DATE)
            month = 3 * min(quarter, 3) + schedule.month
            try:
                due = dt.date(schedule.year, month, schedule.day)
            except ValueError:
                checker.add(
                    "invalid_date",
                    f"không có ngày {schedule.day}/{month}/{schedule.year}",
                    f"no such date {schedule.day}/{month}/{schedule.year}",
                    (*path, "quarterly", "day"),
                    code,
                    schedule.day,
                )
                ok = False
                continue
            if value is None:
                ok = False
            else:
                reports.append((value, due))
        if not ok:
            return None
        return CompiledDeadline(tuple(reports), rule.inclusive, rule.scoring == "each")

    def lower(self, compiled: CompiledDeadline, leaf: Leaf) -> Expr:
        bools = ValueType.BOOL
        tests = [
            done_by(value.root, Const(ValueType.DATE, due), compiled.inclusive)
            for value, due in compiled.reports
        ]
        if not compiled.each:
            every = tests[0] if len(tests) == 1 else BoolOp(bools, "and", tuple(tests))
            return choose(every, points(leaf.top, leaf), number(0))
        on_time = choose(tests[0], number(1), number(0))
        for test in tests[1:]:  # the number of reports on time
            on_time = Binary(ValueType.NUMBER, "+", on_time, choose(test, number(1), number(0)))
        share = Binary(ValueType.NUMBER, "*", number(leaf.top), on_time)
        return rounded(Binary(ValueType.NUMBER, "/", share, number(len(tests))), leaf)

    def explain(self, compiled: CompiledDeadline, leaf: Leaf, scope: Scope) -> Outcome:
        parts_vi, parts_en = [], []
        on_time = 0
        for value, due in compiled.reports:
            done = scope.value(value)
            vi, en = labels(value, scope)
            due_vi, due_en = _due_words(due, compiled.inclusive)
            if isinstance(done, dt.date):
                ok = _on_time(done, due, compiled.inclusive)
                state_vi, state_en = ("đúng hạn", "on time") if ok else ("trễ hạn", "late")
                parts_vi.append(f"{vi} {format_date(done)} ({state_vi}, {due_vi})")
                parts_en.append(f"{en} {format_date(done)} ({state_en}, {due_en})")
                on_time += ok
            else:
                parts_vi.append(f"{vi}: không thực hiện ({due_vi})")
                parts_en.append(f"{en}: not done ({due_en})")
        got = leaf.points(scope)
        count = len(compiled.reports)
        if count == 1:
            return scored(got, leaf.top, parts_vi[0], parts_en[0])
        return scored(
            got,
            leaf.top,
            "; ".join(parts_vi) + f" — {on_time}/{count} đúng hạn",
            "; ".join(parts_en) + f" — {on_time}/{count} on time",
        )

    def inverse(self, compiled: CompiledDeadline, problem: Problem) -> list[Suggestion]:
        return search(replace(problem, shown=None), sorted(compiled.inputs))

    def strategy(self, builder: Any, top: Decimal) -> dict[str, Any]:
        import hypothesis.strategies as st

        draw = builder.draw
        if draw(st.booleans()):
            day = dt.date(builder.year - 1, 12, 1) + dt.timedelta(days=draw(st.integers(0, 395)))
            return {
                "kind": "deadline",
                "value": builder.name("date", "Ngày ban hành kế hoạch"),
                "due": day.strftime("%d/%m/%Y"),
                "inclusive": draw(st.booleans()),
            }
        names = [
            builder.name("date", f"Ngày gửi báo cáo quý {q}") for q in ("I", "II", "III", "IV")
        ]
        if draw(st.booleans()):
            builder.constraints.append(
                {"rule": " <= ".join(names), "message": "Các báo cáo gửi theo thứ tự quý"}
            )
        return {
            "kind": "deadline",
            "values": names,
            "quarterly": {
                "year": builder.year,
                "day": draw(st.integers(1, 28)),
                "month": draw(st.integers(1, 3)),
            },
            "scoring": draw(st.sampled_from(("all", "each"))),
        }

    def synthetic(self, compiled: CompiledDeadline) -> SyntheticHint:
        return SyntheticHint(values=compiled.expressions)  # its dates: :meth:`dues`

    def shape(self, compiled: CompiledDeadline, leaf: Leaf) -> Shape:
        return Shape()  # dates, not a number: what it reads are its dues

    def dues(self, compiled: CompiledDeadline) -> tuple[tuple[CompiledExpression, dt.date], ...]:
        return compiled.reports

    def direction(self, compiled: CompiledDeadline, leaf: Leaf, domain: Interval) -> int | None:
        return -1  # a later date is never worth more

"""Two toy rule kinds, each complete in this one module, and a criteria file naming them.

``cutoff`` (full points from a value on, else ``below``: stated ranges, so its edges are
checked against its words) and ``by_date`` (full points when done by a due date: a date
read with a due day). Registered by a test (:func:`parindex.rules.registered`), a criteria
file names them as ``kind:`` like the shipped ones; nothing else in parindex is edited.
``LateByDate`` is a ``by_date`` scored the wrong way round (the toolkit must catch it).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, replace
from decimal import Decimal
from pathlib import Path
from typing import Any, ClassVar, Literal

from parindex.criteria import CriteriaSet
from parindex.expressions import CompiledExpression, Const, Expr, ValueType
from parindex.loader import load_criteria
from parindex.numbers import format_decimal
from parindex.ranges import Interval, parse_range
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
)
from parindex.rules._explain import scored
from parindex.rules._inverse import Problem, search
from parindex.rules._lower import choose, done_by, inside, points
from parindex.rules._model import Date, ExprText, Points, RuleModel
from parindex.submission import Submission

__all__ = [
    "TOY_SET",
    "ByDate",
    "ByDateRule",
    "Cutoff",
    "CutoffRule",
    "LateByDate",
    "toy_set",
    "toy_unit",
]


class CutoffRule(RuleModel):
    """Full points when ``value`` is ``at`` or more, else ``below``."""

    kind: Literal["cutoff"]
    value: ExprText
    at: Points
    below: Points = Decimal(0)


@dataclass(frozen=True)
class CompiledCutoff(CompiledRule):
    kind: ClassVar[str] = "cutoff"
    value: CompiledExpression
    met: Interval
    below: Decimal

    @property
    def expressions(self) -> tuple[CompiledExpression, ...]:
        return (self.value,)


class Cutoff(RuleKind[CutoffRule, CompiledCutoff]):
    name = "cutoff"
    model = CutoffRule
    compiled = CompiledCutoff

    def compile(
        self, rule: CutoffRule, leaf: Leaf, checker: Checker, path: tuple[str | int, ...]
    ) -> CompiledCutoff | None:
        value = checker.expression(rule.value, (*path, "value"), leaf.code, ValueType.NUMBER)
        met = parse_range(f"từ {format_decimal(rule.at)} trở lên")
        return None if value is None else CompiledCutoff(value, met, rule.below)

    def lower(self, compiled: CompiledCutoff, leaf: Leaf) -> Expr:
        top, below = points(leaf.top, leaf), points(compiled.below, leaf)
        return choose(inside(compiled.value.root, compiled.met), top, below)

    def explain(self, compiled: CompiledCutoff, leaf: Leaf, scope: Scope) -> Outcome:
        return scored(leaf.points(scope), leaf.top, "ngưỡng", "cutoff")

    def inverse(self, compiled: CompiledCutoff, problem: Problem) -> list[Suggestion]:
        return search(replace(problem, shown=compiled.value), sorted(compiled.inputs))

    def strategy(self, builder: Any, top: Decimal) -> dict[str, Any]:
        value, _end, _unit = builder.metric()
        return {"kind": "cutoff", "value": value, "at": "1"}

    def synthetic(self, compiled: CompiledCutoff) -> SyntheticHint:
        return SyntheticHint(values=(compiled.value,), needed=compiled.met.low)

    def shape(self, compiled: CompiledCutoff, leaf: Leaf) -> Shape:
        assert compiled.met.low is not None
        at = format_decimal(compiled.met.low)
        return Shape(
            metric=compiled.value,
            edges=(compiled.met.low,),
            ranges=(Stated(compiled.met, leaf.top, f"từ {at} trở lên"),),
            otherwise=(compiled.below, f"dưới {at}"),
            unit="%",
        )

    def direction(self, compiled: CompiledCutoff, leaf: Leaf, domain: Interval) -> int | None:
        return 0 if compiled.below == leaf.top else 1

    def dues(self, compiled: CompiledCutoff) -> tuple[tuple[CompiledExpression, dt.date], ...]:
        return ()


class ByDateRule(RuleModel):
    """Full points when ``value`` (a date) is on or before ``due``."""

    kind: Literal["by_date"]
    value: ExprText
    due: Date


@dataclass(frozen=True)
class CompiledByDate(CompiledRule):
    kind: ClassVar[str] = "by_date"
    value: CompiledExpression
    due: dt.date

    @property
    def expressions(self) -> tuple[CompiledExpression, ...]:
        return (self.value,)


class ByDate(RuleKind[ByDateRule, CompiledByDate]):
    name = "by_date"
    model = ByDateRule
    compiled = CompiledByDate

    def compile(
        self, rule: ByDateRule, leaf: Leaf, checker: Checker, path: tuple[str | int, ...]
    ) -> CompiledByDate | None:
        value = checker.expression(rule.value, (*path, "value"), leaf.code, ValueType.DATE)
        return None if value is None else CompiledByDate(value, rule.due)

    def lower(self, compiled: CompiledByDate, leaf: Leaf) -> Expr:
        on_time = done_by(compiled.value.root, Const(ValueType.DATE, compiled.due), True)
        return choose(on_time, points(leaf.top, leaf), points(Decimal(0), leaf))

    def explain(self, compiled: CompiledByDate, leaf: Leaf, scope: Scope) -> Outcome:
        return scored(leaf.points(scope), leaf.top, "hạn", "due")

    def inverse(self, compiled: CompiledByDate, problem: Problem) -> list[Suggestion]:
        return search(replace(problem, shown=None), sorted(compiled.inputs))

    def strategy(self, builder: Any, top: Decimal) -> dict[str, Any]:
        name = builder.name("date", "Ngày gửi")
        return {"kind": "by_date", "value": name, "due": f"31/12/{builder.year}"}

    def synthetic(self, compiled: CompiledByDate) -> SyntheticHint:
        return SyntheticHint(values=(compiled.value,))

    def shape(self, compiled: CompiledByDate, leaf: Leaf) -> Shape:
        return Shape()

    def dues(self, compiled: CompiledByDate) -> tuple[tuple[CompiledExpression, dt.date], ...]:
        return ((compiled.value, compiled.due),)

    def direction(self, compiled: CompiledByDate, leaf: Leaf, domain: Interval) -> int | None:
        return -1


class LateByDate(ByDate):
    """A ``by_date`` scored the wrong way round: points for a late date."""

    def lower(self, compiled: CompiledByDate, leaf: Leaf) -> Expr:
        on_time = done_by(compiled.value.root, Const(ValueType.DATE, compiled.due), True)
        return choose(on_time, points(Decimal(0), leaf), points(leaf.top, leaf))


TOY_SET = """\
format: parindex.criteria/1
id: toy-kinds
title: "Bộ tiêu chí thử loại quy tắc"
province: Tỉnh Thử
levels: [so]
year: 2023
total_max: 2
provenance: {status: provisional, rationale: "Số liệu giả định cho kiểm thử"}
inputs:
  - {name: ty_le, type: percent, unit: "%", label: "Tỷ lệ hoàn thành"}
  - {name: ngay_gui, type: date, label: "Ngày gửi báo cáo"}
nodes:
  - code: "1"
    kind: area
    title: "Lĩnh vực thử"
    max_points: 2
    children:
      - {code: "1.1", kind: criterion, title: "Tỷ lệ", max_points: 1,
         rule: CUTOFF}
      - {code: "1.2", kind: criterion, title: "Hạn", max_points: 1,
         rule: {kind: by_date, value: ngay_gui, due: 30/06/2023}}
"""
"""A set naming the toy kinds; ``CUTOFF`` stands for the rule of leaf 1.1 (line 19)."""

CUTOFF = '{kind: cutoff, value: ty_le, at: 80, below: "0,5"}'


def toy_set(tmp_path: Path, text: str | None = None, rule: str = CUTOFF) -> CriteriaSet:
    """:data:`TOY_SET` read from a file: leaf 1.1's rule is ``rule``, with ``text`` as its
    words when given. The toy kinds must be registered."""
    if text is not None:
        rule = rule[:-1] + f', text: "{text}"}}'
    path = tmp_path / "toy.yaml"
    path.write_text(TOY_SET.replace("CUTOFF", rule), encoding="utf-8")
    return load_criteria(path)


def toy_unit(values: dict[str, Any]) -> Submission:
    unit = {"id": "don-vi-thu", "name": "Đơn vị thử", "level": "so"}
    data = {"format": "parindex.submission/1", "criteria": "toy-kinds", "year": 2023}
    return Submission.model_validate({**data, "unit": unit, "values": values})

"""``levels``: points by the level reached, an enum input's choice (``cấp tỉnh``)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, replace
from decimal import Decimal
from typing import Annotated, Any, ClassVar, Literal

from pydantic import Field

from parindex.errors import did_you_mean
from parindex.expressions import Compare, CompiledExpression, Const, Expr, Name, ValueType
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
    Suggestion,
    SyntheticHint,
)
from parindex.rules._explain import labels, scored
from parindex.rules._inverse import Problem, search
from parindex.rules._lower import choose, fail, points
from parindex.rules._model import ExprText, Model, Points, RuleModel
from parindex.rules._model import Name as NameText

__all__ = ["CompiledLevels", "Level", "Levels", "LevelsRule"]

Path = tuple[str | int, ...]


class Level(Model):
    """One level of a ``levels`` rule: a choice of the enum input and its points."""

    value: NameText
    points: Points
    title: str | None = None


class LevelsRule(RuleModel):
    """Points by the level reached (``value`` is an enum input); every choice listed."""

    kind: Literal["levels"]
    value: ExprText
    levels: Annotated[list[Level], Field(min_length=1)]


@dataclass(frozen=True)
class CompiledLevels(CompiledRule):
    """The enum input and each choice's points, in file order."""

    kind: ClassVar[str] = "levels"
    value: CompiledExpression
    levels: tuple[tuple[str, Decimal], ...]

    @property
    def expressions(self) -> tuple[CompiledExpression, ...]:
        return (self.value,)

    @property
    def input(self) -> str:
        assert isinstance(self.value.root, Name)
        return self.value.root.name


class Levels(RuleKind[LevelsRule, CompiledLevels]):
    name = "levels"
    model = LevelsRule
    compiled = CompiledLevels

    def compile(
        self, rule: LevelsRule, leaf: Leaf, checker: Checker, path: Path
    ) -> CompiledLevels | None:
        code, top = leaf.code, leaf.top
        value = checker.expression(rule.value, (*path, "value"), code, ValueType.TEXT)
        if value is None:
            return None
        info = checker.env.get(value.root.name) if isinstance(value.root, Name) else None
        if info is None or info.choices is None:
            checker.add(
                "levels_input",
                "levels cần 'value' là tên một đầu vào kiểu enum",
                "levels needs 'value' to name an enum input",
                (*path, "value"),
                code,
                rule.value,
            )
            return CompiledLevels(value, tuple((lv.value, lv.points) for lv in rule.levels))
        listed = [level.value for level in rule.levels]
        for index, level in enumerate(rule.levels):
            where = (*path, "levels", index, "value")
            if level.value not in info.choices:
                hint = did_you_mean(level.value, info.choices)
                checker.add(
                    "unknown_choice",
                    f"mức '{level.value}' không thuộc các lựa chọn{hint}",
                    f"level '{level.value}' is not a choice",
                    where,
                    code,
                    level.value,
                    tuple(sorted(info.choices)),
                )
            if listed.count(level.value) > 1:
                checker.add(
                    "duplicate_level",
                    f"mức '{level.value}' khai báo hai lần",
                    f"level '{level.value}' listed twice",
                    where,
                    code,
                    level.value,
                )
            if level.points > top:
                checker.add(
                    "points_above_max",
                    f"mức '{level.value}' vượt điểm tối đa",
                    f"level '{level.value}' above the maximum",
                    (*path, "levels", index, "points"),
                    code,
                    level.points,
                )
        missing = sorted(info.choices - set(listed))
        if missing:
            checker.add(
                "levels_incomplete",
                f"thiếu điểm cho các lựa chọn: {', '.join(missing)}",
                f"no points for choices: {', '.join(missing)}",
                (*path, "levels"),
                code,
                allowed=tuple(missing),
            )
        if max(level.points for level in rule.levels) != top:
            checker.add(
                "max_unreachable",
                f"không mức nào cho đủ điểm tối đa {format_decimal(top)}",
                f"no level gives the maximum {format_decimal(top)}",
                (*path, "levels"),
                code,
            )
        return CompiledLevels(value, tuple((lv.value, lv.points) for lv in rule.levels))

    def lower(self, compiled: CompiledLevels, leaf: Leaf) -> Expr:
        root = compiled.value.root
        result = fail(
            f"{compiled.value.text} không thuộc các mức của quy tắc",
            f"{compiled.value.text} is no level of the rule",
        )
        for choice, given in reversed(compiled.levels):
            test = Compare(ValueType.BOOL, ("==",), (root, Const(ValueType.TEXT, choice)))
            result = choose(test, points(given, leaf), result)
        return result

    def explain(self, compiled: CompiledLevels, leaf: Leaf, scope: Scope) -> Outcome:
        got = leaf.points(scope)
        value = scope.value(compiled.value)
        choice = scope.choices.get(compiled.input, {}).get(str(value), str(value))
        vi, en = labels(compiled.value, scope)
        return scored(got, leaf.top, f"{vi}: {choice}", f"{en}: {choice}")

    def inverse(self, compiled: CompiledLevels, problem: Problem) -> list[Suggestion]:
        return search(replace(problem, shown=None), sorted(compiled.inputs))

    def strategy(self, builder: Any, top: Decimal) -> dict[str, Any]:
        import hypothesis.strategies as st

        how_many = builder.draw(st.integers(2, 4))
        choices = {f"muc_{i}": f"Mức {i}" for i in range(1, how_many + 1)}
        name = builder.name("enum", "Cấp công nhận cao nhất", choices=choices)
        scores = [*(builder.points(top) for _ in range(how_many - 1)), top]
        return {
            "kind": "levels",
            "value": name,
            "levels": [
                {"value": c, "points": str(p)} for c, p in zip(choices, scores, strict=True)
            ],
        }

    def synthetic(self, compiled: CompiledLevels) -> SyntheticHint:
        ranked = sorted(compiled.levels, key=lambda level: -level[1])
        levels = None
        if isinstance(compiled.value.root, Name):
            levels = (compiled.input, tuple(choice for choice, _ in ranked))
        return SyntheticHint(values=(compiled.value,), levels=levels)

    def shape(self, compiled: CompiledLevels, leaf: Leaf) -> Shape:
        return Shape()  # a choice among named levels: no number to compare

    def direction(self, compiled: CompiledLevels, leaf: Leaf, domain: Interval) -> int | None:
        return None

    def dues(self, compiled: CompiledLevels) -> tuple[tuple[CompiledExpression, dt.date], ...]:
        return ()

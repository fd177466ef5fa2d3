"""``bands``: points by the band (``từ 80% đến dưới 100%``) the value falls in."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, replace
from decimal import Decimal
from typing import Annotated, Any, ClassVar, Literal

from pydantic import Field

from parindex.errors import EvaluationError
from parindex.expressions import CompiledExpression, Expr, ValueType
from parindex.numbers import format_decimal
from parindex.ranges import Interval, coverage_problems
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
    ends,
)
from parindex.rules._domain import percent_words_on_ratio, value_domain
from parindex.rules._explain import display, labels, scored, stated, unit_of
from parindex.rules._inverse import Problem, search
from parindex.rules._lower import choose, fail, inside, points
from parindex.rules._model import ExprText, Model, Points, RuleModel

__all__ = ["Band", "Bands", "BandsRule", "CompiledBands"]

Path = tuple[str | int, ...]


class Band(Model):
    """One band: the range as the legal text writes it, and its points."""

    when: str = Field(description="Ví dụ 'từ 80% đến dưới 100%'")
    points: Points


class BandsRule(RuleModel):
    """Points by the band that ``value`` falls in; bands must tile ``domain``."""

    kind: Literal["bands"]
    value: ExprText
    bands: Annotated[list[Band], Field(min_length=1)]
    domain: str | None = Field(
        default=None, description="Miền giá trị; mặc định theo kiểu đầu vào (percent: 0–100)"
    )
    unit: str | None = Field(default=None, description="Đơn vị khi hiển thị, ví dụ '%'")


@dataclass(frozen=True)
class CompiledBands(CompiledRule):
    """The value, and each band's interval, wording and points, in file order."""

    kind: ClassVar[str] = "bands"
    value: CompiledExpression
    bands: tuple[tuple[Interval, str, Decimal], ...]
    unit: str | None = None
    domain: Interval | None = None
    """The rule's own ``domain`` (``None``: the value's, by its inputs' types)."""

    @property
    def expressions(self) -> tuple[CompiledExpression, ...]:
        return (self.value,)


class Bands(RuleKind[BandsRule, CompiledBands]):
    name = "bands"
    model = BandsRule
    compiled = CompiledBands

    def compile(
        self, rule: BandsRule, leaf: Leaf, checker: Checker, path: Path
    ) -> CompiledBands | None:
        code, top = leaf.code, leaf.top
        value = checker.expression(rule.value, (*path, "value"), code, ValueType.NUMBER)
        intervals = []
        for index, band in enumerate(rule.bands):
            intervals.append(checker.range(band.when, (*path, "bands", index, "when"), code))
            if band.points > top:
                checker.add(
                    "points_above_max",
                    f"khoảng '{band.when}' cho {format_decimal(band.points)} điểm, "
                    f"vượt điểm tối đa {format_decimal(top)}",
                    f"band gives {format_decimal(band.points)}, above the maximum {format_decimal(top)}",
                    (*path, "bands", index, "points"),
                    code,
                    band.points,
                )
        ready = [i for i in intervals if i is not None]
        stated: Interval | None = None
        if len(ready) == len(intervals):
            domain = self._domain(rule, value, checker, path, code)
            stated = domain if rule.domain is not None else None
            fix = (
                percent_words_on_ratio(value, domain, [b.when for b in rule.bands])
                if value is not None and domain is not None
                else None
            )
            if fix is not None:
                checker.add("percent_on_ratio", *fix, (*path, "bands"), code, value and value.text)
                domain = None  # every band lies outside 0–1: one problem, not one per band
            for vi, en in coverage_problems(ready, domain) if domain else []:
                checker.add(
                    "band_coverage",
                    f"các khoảng không phủ kín miền {domain.describe()}: {vi}" if domain else vi,
                    f"bands do not tile the domain {domain.describe(language='en')}: {en}"
                    if domain
                    else en,
                    (*path, "bands"),
                    code,
                )
        if max(b.points for b in rule.bands) != top:
            checker.add(
                "max_unreachable",
                f"không khoảng nào cho đủ điểm tối đa {format_decimal(top)}",
                f"no band gives the maximum {format_decimal(top)}",
                (*path, "bands"),
                code,
            )
        if value is None or len(ready) != len(intervals):
            return None
        bands = tuple(
            (interval, band.when, band.points)
            for interval, band in zip(ready, rule.bands, strict=True)
        )
        return CompiledBands(value, bands, rule.unit, stated)

    @staticmethod
    def _domain(
        rule: BandsRule, value: CompiledExpression | None, checker: Checker, path: Path, code: str
    ) -> Interval | None:
        if rule.domain is not None:
            return checker.range(rule.domain, (*path, "domain"), code)
        return None if value is None else value_domain(value, checker.input_type)

    def lower(self, compiled: CompiledBands, leaf: Leaf) -> Expr:
        root = compiled.value.root
        result = fail(
            f"{compiled.value.text} không thuộc khoảng nào của quy tắc",
            f"{compiled.value.text} is in no band of the rule",
        )
        for interval, _, given in reversed(compiled.bands):
            result = choose(inside(root, interval), points(given, leaf), result)
        return result

    def explain(self, compiled: CompiledBands, leaf: Leaf, scope: Scope) -> Outcome:
        value = scope.value(compiled.value)
        assert isinstance(value, Decimal)
        vi, en = labels(compiled.value, scope)
        unit = unit_of(compiled.value, compiled.unit, scope)
        shown = display(value, unit=unit)
        for interval, when, _ in compiled.bands:
            if value in interval:
                return scored(
                    leaf.points(scope),
                    leaf.top,
                    f"{vi} {shown} thuộc khoảng {when}",
                    f"{en} {shown} is in the band {stated(interval, when, unit, 'en')}",
                )
        raise EvaluationError(f"{vi} {shown} không thuộc khoảng nào của quy tắc")

    def inverse(self, compiled: CompiledBands, problem: Problem) -> list[Suggestion]:
        unit = unit_of(compiled.value, compiled.unit, problem.scope)
        return search(replace(problem, shown=compiled.value, unit=unit), sorted(compiled.inputs))

    def strategy(self, builder: Any, top: Decimal) -> dict[str, Any]:
        import hypothesis.strategies as st

        value, end, unit = builder.metric()
        cuts = builder.cuts(end)
        # upper[i]: does cut i belong to the band above it?
        upper = [builder.draw(st.booleans()) for _ in cuts]
        if end is not None and cuts[-1] == end:
            upper[-1] = True
        phrases = []
        low: Decimal | None = None
        low_in = True
        num = format_decimal
        for cut, goes_up in zip(cuts, upper, strict=True):
            high_in = not goes_up
            if low is None:
                phrases.append(f"{'không quá' if high_in else 'dưới'} {num(cut)}{unit}")
            else:
                start = "từ" if low_in else "trên"
                middle = "đến" if high_in else "đến dưới"
                phrases.append(f"{start} {num(low)}{unit} {middle} {num(cut)}{unit}")
            low, low_in = cut, goes_up
        assert low is not None
        if end is not None and low == end:
            phrases.append(
                builder.draw(st.sampled_from((f"{num(end)}{unit}", f"từ {num(end)}{unit}")))
            )
        elif low_in:
            phrases.append(
                builder.draw(
                    st.sampled_from((f"từ {num(low)}{unit} trở lên", f"tối thiểu {num(low)}{unit}"))
                )
            )
        else:
            phrases.append(f"trên {num(low)}{unit}")
        scores = [*sorted(builder.points(top) for _ in phrases[:-1]), top]
        if builder.draw(st.integers(0, 3)) == 3:
            scores.reverse()  # lower is better, e.g. a share of late dossiers
        bands = [{"when": w, "points": str(p)} for w, p in zip(phrases, scores, strict=True)]
        order = builder.draw(st.permutations(range(len(bands))))
        rule: dict[str, Any] = {"kind": "bands", "value": value, "bands": [bands[i] for i in order]}
        if unit:
            rule["unit"] = unit
        rule["text"] = "; ".join(f"{b['when']}: {b['points']} điểm" for b in rule["bands"])
        return rule

    def synthetic(self, compiled: CompiledBands) -> SyntheticHint:
        scores = [given for _, _, given in compiled.bands]
        best = compiled.bands[scores.index(max(scores))][0]
        worst = compiled.bands[scores.index(min(scores))][0]
        best_low = best.low if best.low is not None else Decimal("-Infinity")
        worst_low = worst.low if worst.low is not None else Decimal("-Infinity")
        direction = 1 if best_low >= worst_low else -1
        return SyntheticHint(
            values=(compiled.value,),
            direction=direction,
            needed=best.low if direction > 0 else None,
        )

    def shape(self, compiled: CompiledBands, leaf: Leaf) -> Shape:
        return Shape(
            metric=compiled.value,
            edges=ends(interval for interval, _, _ in compiled.bands),
            ranges=tuple(Stated(interval, given, when) for interval, when, given in compiled.bands),
            domain=compiled.domain,
            unit=compiled.unit,
        )

    def dues(self, compiled: CompiledBands) -> tuple[tuple[CompiledExpression, dt.date], ...]:
        return ()

    def direction(self, compiled: CompiledBands, leaf: Leaf, domain: Interval) -> int | None:
        """From the points of the lowest band to those of the highest, within ``domain``."""
        placed = sorted(
            (
                (_low(clipped), given)
                for interval, _, given in compiled.bands
                if (clipped := interval.clip(domain)) is not None
            ),
            key=lambda pair: pair[0],
        )
        if len(placed) < 2 or placed[0][1] == placed[-1][1]:
            return 0
        return 1 if placed[-1][1] > placed[0][1] else -1


def _low(interval: Interval) -> Decimal:
    return interval.low if interval.low is not None else Decimal("-Infinity")

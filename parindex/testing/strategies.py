"""Hypothesis strategies: criteria sets, units' submissions, and values at the edges.

Everything is built *by construction* and shrinks towards simple cases:

* :func:`criteria_sets` — valid criteria sets (every rule kind, applicability, bonus and
  penalty, ``sum`` / ``capped_sum`` / ``max``, provisional and stated provenance). Each set
  is written as the plain data a YAML file holds and goes through the loader's own checks
  (:func:`parindex.loader.parse_criteria`), so a generated set is checked exactly like a
  province's file.
* :func:`submissions` — a unit's submission for a set: every value of its declared type,
  every constraint between inputs satisfied (``a + b <= c``, chains of dates …), facts,
  survey results, optionally self-scores and missing values.
* :func:`band_edge_values`, :func:`deadline_dates` and :func:`edge_submissions` — inputs
  that put one criterion exactly on an edge of its bands or threshold, or just below or
  above it (constructing the counts of ``percent(a, b, …)`` so the ratio hits the edge
  exactly), and report dates on the due day, the day before and the day after.

>>> from hypothesis import given
>>> import parindex, parindex.testing as pt
>>> criteria = parindex.load_criteria("criteria/namdinh-stnmt-2023.yaml")  # doctest: +SKIP
>>> @given(pt.submissions(criteria))  # doctest: +SKIP
... def test_scores_stay_in_bounds(submission):
...     pt.check_all(criteria, submission)
"""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Callable, Mapping, Sequence
from decimal import Decimal
from typing import Any

from hypothesis import strategies as st

from parindex.compiler import CompiledNode
from parindex.criteria import (
    CriteriaSet,
    InputType,
    Node,
    UnitLevel,
)
from parindex.loader import SourceMap, parse_criteria
from parindex.numbers import format_decimal, parse_date, parse_decimal
from parindex.rules import REGISTRY, SHIPPED
from parindex.submission import Submission
from parindex.testing._linear import NUMERIC, ConstructionError, Solver, to_value
from parindex.testing._rules import (
    construct,
    date_inputs,
    domain_of,
    dues_of,
    edges_of,
    metric_of,
)
from parindex.testing.describe import GeneratedSubmission

__all__ = [
    "RULE_KINDS",
    "band_edge_values",
    "criteria_sets",
    "deadline_dates",
    "edge_submissions",
    "submissions",
]

_ZERO = Decimal(0)
_QUARTER = Decimal("0.25")

RULE_KINDS: tuple[str, ...] = tuple(SHIPPED)
"""The rule kinds parindex ships: what :func:`criteria_sets` puts on leaves by default (a
kind the program registered may be named too, while it stays registered)."""


def _draw_grid(draw: st.DrawFn, lo: Decimal, hi: Decimal, step: Decimal) -> Decimal:
    low, high = int(-((-lo) // step)), int(hi // step)
    return Decimal(draw(st.integers(low, max(low, high)))) * step


# --- submissions --------------------------------------------------------------------


def submissions(
    criteria: CriteriaSet,
    *,
    fixed: Mapping[str, Any] | None = None,
    facts: Mapping[str, bool] | None = None,
    missing: bool = False,
    survey: bool | None = None,
    self_scores: bool = False,
    level: UnitLevel | str | None = None,
    scale: int = 1000,
) -> st.SearchStrategy[Submission]:
    """Submissions of one unit for ``criteria``, valid by construction.

    Every declared input gets a value of its type (counts whole and ≥ 0, percentages
    0–100, ratios 0–1, dates within a year of the set's year, enum choices …) and every
    constraint of the set holds. Options: ``fixed`` pins inputs to values (typed values or
    what a file holds: ``80``, ``"0,5"``, a date); ``facts`` pins facts (others are drawn);
    ``missing=True`` may leave any input or fact out (scored as missing, never 0);
    ``survey`` gives every survey criterion a result (``True``), none (``False``) or either
    (``None``); ``self_scores=True`` adds the unit's own scores; ``level`` fixes the unit's
    level; ``scale`` bounds counts with no upper bound.

    Raises :class:`~parindex.testing.ConstructionError` at once when a constraint has a
    shape values cannot be built for (only linear comparisons are), or ``fixed`` values
    break a constraint. A date input is sometimes “not done” (``false``); the set's
    constraints then leave it out, as :func:`parindex.check_submission` does.
    """
    solver = Solver.for_set(criteria, scale=scale)
    pinned, pinned_other = _pins(criteria, fixed or {}, solver)
    dues = _dues(criteria)
    survey_codes = criteria.compiled.given_codes()
    leaves = [n for n in criteria.walk() if n.is_leaf and n.rule and n.code not in survey_codes]
    levels = [UnitLevel(level)] if level is not None else list(criteria.levels)

    @st.composite
    def build(draw: st.DrawFn) -> Submission:
        numbers = solver.solve(list(solver.inputs), _chooser(draw, solver, dues), fixed=pinned)
        if numbers is None:  # pragma: no cover - propagation keeps every step feasible
            raise ConstructionError(
                "không dựng được số liệu thỏa mọi ràng buộc",
                "could not build values satisfying every constraint",
            )
        values = _draw_values(draw, criteria, numbers, pinned, pinned_other, missing)
        unit_facts: dict[str, bool] = {}
        for fact in criteria.facts:
            if facts is not None and fact.name in facts:
                unit_facts[fact.name] = facts[fact.name]
            elif not (missing and draw(st.booleans())):
                unit_facts[fact.name] = draw(st.booleans())
        results: dict[str, Decimal] = {}
        for code in survey_codes:
            if survey is True or (survey is None and draw(st.booleans())):
                top = criteria.node(code).max_points
                results[code] = _draw_grid(draw, _ZERO, top, Decimal("0.01"))
        own = _draw_self_scores(draw, leaves) if self_scores else {}
        unit = {
            "id": "don-vi-thu",
            "name": "Đơn vị thử (sinh bởi hypothesis)",
            "level": draw(st.sampled_from(levels)).value,
            "facts": unit_facts,
        }
        return GeneratedSubmission.build(
            criteria,
            {
                "format": "parindex.submission/1",
                "criteria": criteria.id,
                "year": criteria.year,
                "synthetic": True,
                "unit": unit,
                "values": values,
                "survey": results,
                "self_scores": own,
            },
        )

    return build()


def _chooser(
    draw: st.DrawFn, solver: Solver, dues: Mapping[str, list[dt.date]]
) -> Callable[[str, Decimal, Decimal], Decimal]:
    """How the solver picks each value in its range: on the grid, dates often near a due date."""

    def choose(name: str, lo: Decimal, hi: Decimal) -> Decimal:
        step = solver.step(name)
        near = [
            Decimal((due + dt.timedelta(days=d)).toordinal())
            for due in dues.get(name, [])
            for d in (-1, 0, 1)
        ]
        near = [n for n in near if lo <= n <= hi]
        if near:
            use_near: bool = draw(st.booleans())
            if use_near:
                return draw(st.sampled_from(near))
        return _draw_grid(draw, lo, hi, step)

    return choose


def _dues(criteria: CriteriaSet) -> dict[str, list[dt.date]]:
    """Each date input's due dates (values are drawn near them: a day before, on, after)."""
    dues: dict[str, list[dt.date]] = {}
    for compiled in criteria.compiled.nodes.values():
        for name, due in date_inputs(compiled):  # a rule with due dates (a deadline)
            dues.setdefault(name, []).append(due)
    return dues


def _draw_self_scores(draw: st.DrawFn, leaves: Sequence[Node]) -> dict[str, dict[str, Any]]:
    """The unit's own scores of some leaves, in quarter points up to each maximum."""
    own: dict[str, dict[str, Any]] = {}
    for node in leaves:
        if draw(st.booleans()):
            points = _draw_grid(draw, _ZERO, node.max_points, _QUARTER)
            own[node.code] = {"points": points, "explanation": "Tự chấm (sinh tự động)"}
    return own


def _pins(
    criteria: CriteriaSet, fixed: Mapping[str, Any], solver: Solver
) -> tuple[dict[str, Decimal], dict[str, Any]]:
    """``fixed`` read: numbers and dates as the solver's numbers, other values as given;
    refused at once when they break a constraint."""
    kinds = {i.name: i.type for i in criteria.inputs}
    pinned: dict[str, Decimal] = {}
    pinned_other: dict[str, Any] = {}
    for name, raw in fixed.items():
        if name not in kinds:
            raise ConstructionError(
                f"fixed: đầu vào chưa khai báo: {name}", f"fixed: undeclared input: {name}"
            )
        if kinds[name] in NUMERIC and raw is not False:
            if kinds[name] == InputType.DATE:
                number = Decimal(parse_date(raw).toordinal())
            else:
                number = parse_decimal(raw)
            pinned[name] = number
        else:
            pinned_other[name] = raw
    if solver.solve(list(solver.inputs), lambda _n, lo, _hi: lo, fixed=pinned) is None:
        raise ConstructionError(
            "fixed: các giá trị cố định vi phạm ràng buộc của bộ tiêu chí",
            "fixed: the fixed values break a constraint of the set",
        )
    return pinned, pinned_other


def _draw_values(
    draw: st.DrawFn,
    criteria: CriteriaSet,
    numbers: Mapping[str, Decimal],
    pinned: Mapping[str, Decimal],
    pinned_other: Mapping[str, Any],
    missing: bool,
) -> dict[str, Any]:
    """Every input's value as a file holds it (some left out when ``missing``)."""
    values: dict[str, Any] = {}
    for spec in criteria.inputs:
        name = spec.name
        if missing and name not in pinned and name not in pinned_other and draw(st.booleans()):
            continue
        if name in pinned_other:
            values[name] = pinned_other[name]
        elif spec.type in NUMERIC:
            not_done = (
                spec.type == InputType.DATE and name not in pinned and draw(st.integers(0, 7)) == 7
            )
            typed = to_value(spec.type, numbers[name])
            if not_done:
                values[name] = False
            elif spec.type == InputType.COUNT:
                values[name] = int(numbers[name])
            else:
                values[name] = typed
        elif spec.type == InputType.YES_NO:
            values[name] = draw(st.booleans())
        else:
            values[name] = draw(st.sampled_from(sorted(spec.choices or {})))
    return values


# --- edges --------------------------------------------------------------------------


def _leaf(criteria: CriteriaSet, code: str) -> CompiledNode:
    try:
        return criteria.compiled.nodes[code]
    except KeyError:
        from parindex.errors import did_you_mean

        hint = did_you_mean(code, criteria.compiled.nodes)
        raise KeyError(f"không có tiêu chí {code}{hint}") from None


def band_edge_values(criteria: CriteriaSet, code: str) -> st.SearchStrategy[dict[str, Any]]:
    """Inputs of criterion ``code`` putting its metric on an edge, or just below or above.

    For ``bands`` and ``threshold`` the edges are the ends of the ranges as written
    (``"từ 80% đến dưới 100%"`` gives 80 and 100); for ``proportional``, 0 and the target;
    for ``deduction`` the count at which the points reach 0. The metric may be an input or
    ``percent(a, b, …)`` / ``ratio(a, b, …)`` of sums of inputs: the counts are built so
    the ratio is exactly the edge (80% = 4k/5k), or one count away from it.
    Only the rule's own inputs are in the result; pass it to ``submissions(fixed=…)``
    (or use :func:`edge_submissions`).
    """
    node = _leaf(criteria, code)
    metric = metric_of(node)
    edges = edges_of(node)
    if metric is None or not edges:
        raise ConstructionError(
            f"tiêu chí {code} không có ngưỡng để dựng giá trị biên (quy tắc "
            f"{node.node.rule.kind if node.node.rule else 'không có'})",
            f"criterion {code} has no edges to build values at",
        )
    solver = Solver.for_set(criteria, strict=False)
    domain = domain_of(node, criteria)
    cases = []
    for index, edge in enumerate(edges):
        if edge not in domain and not (domain.low is not None and edge == domain.low):
            continue
        neighbours = [abs(edge - e) for e in edges if e != edge]
        gap = min(neighbours, default=Decimal(1))
        for side in (0, -1, 1):
            probe = construct(criteria, node, edge, side, solver, lambda _n, lo, _h: lo, 1, gap)
            if probe is not None:
                cases.append((index, edge, side, gap))
    if not cases:
        raise ConstructionError(
            f"không dựng được số liệu cho các ngưỡng của tiêu chí {code} "
            f"({metric.text}); hỗ trợ: một đầu vào, percent(a, b, …), ratio(a, b, …)",
            f"cannot build inputs at the edges of criterion {code} ({metric.text}); "
            "supported: an input, percent(a, b, …), ratio(a, b, …)",
        )

    @st.composite
    def build(draw: st.DrawFn) -> dict[str, Any]:
        _index, edge, side, gap = draw(st.sampled_from(cases))
        scale = draw(st.integers(1, 20))

        def choose(name: str, lo: Decimal, hi: Decimal) -> Decimal:
            return _draw_grid(draw, lo, hi, solver.step(name))

        values = construct(criteria, node, edge, side, solver, choose, scale, gap)
        if values is None:
            values = construct(criteria, node, edge, side, solver, lambda _n, lo, _h: lo, 1, gap)
        assert values is not None
        return {n: _plain(v) for n, v in values.items()}

    return build()


def _plain(value: Any) -> Any:
    if isinstance(value, Decimal) and value == value.to_integral_value():
        return int(value)
    return value


def deadline_dates(criteria: CriteriaSet, code: str) -> st.SearchStrategy[dict[str, dt.date]]:
    """Dates of a ``deadline`` criterion's inputs on the due day, the day before or after.

    A quarterly deadline gives each of its four reports its own choice; the result shrinks
    towards every report on its due day.
    """
    node = _leaf(criteria, code)
    if not dues_of(node):
        raise ConstructionError(
            f"tiêu chí {code} không có ngày hạn như quy tắc deadline",
            f"criterion {code} has no due date, as a deadline has",
        )
    pairs = date_inputs(node)
    if not pairs:
        raise ConstructionError(
            f"tiêu chí {code}: thời hạn không đọc trực tiếp một đầu vào ngày",
            f"criterion {code}: the deadline does not read a date input directly",
        )

    def around(due: dt.date) -> st.SearchStrategy[dt.date]:
        return st.sampled_from((due, due + dt.timedelta(days=1), due - dt.timedelta(days=1)))

    return st.fixed_dictionaries({name: around(due) for name, due in pairs})


def edge_submissions(
    criteria: CriteriaSet, code: str, **options: Any
) -> st.SearchStrategy[Submission]:
    """Whole submissions with criterion ``code`` at an edge (bands, threshold, proportional,
    deduction) or its reports around their due dates (deadline); other values as
    :func:`submissions` builds them with ``options``."""
    node = _leaf(criteria, code)
    edges: st.SearchStrategy[Mapping[str, Any]] = (
        deadline_dates(criteria, code) if dues_of(node) else band_edge_values(criteria, code)
    )
    given = dict(options.pop("fixed", None) or {})
    return edges.flatmap(lambda values: submissions(criteria, fixed={**given, **values}, **options))


# --- criteria sets ------------------------------------------------------------------


def _num(value: Decimal) -> str:
    return format_decimal(value)


class _Builder:
    """Collects inputs, facts and constraints while the tree is drawn."""

    def __init__(self, draw: st.DrawFn, year: int, kinds: Sequence[str]) -> None:
        self.draw = draw
        self.year = year
        self.kinds = kinds
        self.inputs: list[dict[str, Any]] = []
        self.constraints: list[dict[str, str]] = []
        self.facts = ["co_dvsncl", "co_tthc"]
        self.survey = _ZERO

    def name(self, kind: str, label: str, **extra: Any) -> str:
        name = f"x{len(self.inputs) + 1}_{kind}"
        self.inputs.append({"name": name, "type": kind, "label": label, **extra})
        return name

    def points(self, top: Decimal, low: Decimal = _ZERO) -> Decimal:
        steps = int(top / _QUARTER)
        first = int(low / _QUARTER)
        return Decimal(self.draw(st.integers(first, max(first, steps)))) * _QUARTER

    def provenance(self) -> dict[str, str]:
        if self.draw(st.booleans()):
            return {"status": "stated", "source": "nguon-thu"}
        return {"status": "provisional", "rationale": "Giá trị sinh tự động để kiểm thử"}

    # metrics: (expression, domain end, kind of numbers)
    def metric(self) -> tuple[str, Decimal | None, str]:
        shape = self.draw(st.sampled_from(("percent_of_counts", "percent", "count", "ratio")))
        if shape == "percent":
            return self.name("percent", "Tỷ lệ hoàn thành", unit="%"), Decimal(100), "%"
        if shape == "count":
            return self.name("count", "Số sáng kiến được công nhận"), None, ""
        whole = self.name("count", "Số hồ sơ tiếp nhận", unit="hồ sơ")
        part = self.name("count", "Số hồ sơ giải quyết đúng hạn", unit="hồ sơ")
        if self.draw(st.booleans()):
            extra = self.name("count", "Số hồ sơ giải quyết trước hạn", unit="hồ sơ")
            self.constraints.append(
                {"rule": f"{part} + {extra} <= {whole}", "message": "Không vượt số tiếp nhận"}
            )
            part = f"{part} + {extra}"
        else:
            self.constraints.append(
                {"rule": f"{part} <= {whole}", "message": "Không vượt số tiếp nhận"}
            )
        when_zero = self.draw(st.sampled_from(("100", "0")))
        if shape == "ratio":
            return f"ratio({part}, {whole}, {when_zero[0]})", Decimal(1), ""
        return f"percent({part}, {whole}, {when_zero})", Decimal(100), "%"

    def cuts(self, end: Decimal | None) -> list[Decimal]:
        if end is None:
            raw = self.draw(st.lists(st.integers(1, 20), min_size=1, max_size=3, unique=True))
            return [Decimal(v) for v in sorted(raw)]
        grid = 20  # multiples of 5% (or 0,05)
        raw = self.draw(st.lists(st.integers(1, grid), min_size=1, max_size=3, unique=True))
        return [end * v / grid for v in sorted(raw)]

    def leaf(self, kind: str, top: Decimal) -> dict[str, Any]:
        """A rule of ``kind``, drawn by the kind's own strategy (:mod:`parindex.rules`)."""
        return REGISTRY[kind].strategy(self, top)

    def applies_if(self) -> str | None:
        choice = self.draw(st.integers(0, 5))
        if choice == 1:
            return self.draw(st.sampled_from(self.facts))
        if choice == 2:
            return f"not {self.draw(st.sampled_from(self.facts))}"
        if choice == 3:
            return " and ".join(self.facts)
        return None

    def node(self, code: str, kind: str, depth: int, max_depth: int, width: int) -> dict[str, Any]:
        draw = self.draw
        data: dict[str, Any] = {"code": code, "kind": kind, "title": f"Nội dung {code}"}
        if depth == 0 or draw(st.integers(0, 2)) == 0:
            condition = self.applies_if()
            if condition is not None:
                data["applies_if"] = condition
                data["applicability_note"] = f"Áp dụng khi {condition}"
        if draw(st.integers(0, 3)) == 0:
            data["provenance"] = self.provenance()
        leaf = depth >= max_depth or (depth > 0 and draw(st.booleans()))
        if leaf:
            rule_kind = draw(st.sampled_from([k for k in self.kinds if REGISTRY[k].counts_in_max]))
            top = self.points(Decimal(3), _QUARTER)
            data["max_points"] = str(top)
            rule = self.leaf(rule_kind, top)
            if draw(st.integers(0, 3)) == 0:
                rule["provenance"] = self.provenance()
            data["rule"] = rule
            return data
        child_kind = {"area": "criterion", "criterion": "sub_criterion"}.get(kind, "item")
        count = draw(st.integers(1, width))
        children = []
        for index in range(count):
            own = (
                "item"
                if kind in ("area", "criterion") and draw(st.integers(0, 3)) == 0
                else child_kind
            )
            segment = chr(ord("a") + index) if own == "item" else str(index + 1)
            children.append(self.node(f"{code}.{segment}", own, depth + 1, max_depth, width))
        maxima = [Decimal(c["max_points"]) for c in children]
        aggregation = draw(st.sampled_from(("sum", "sum", "capped_sum", "max")))
        total = sum(maxima, _ZERO)
        if aggregation == "capped_sum" and total > _QUARTER:
            top = total - self.points(total - _QUARTER, _QUARTER)
        elif aggregation == "max":
            top = max(maxima)
        else:
            aggregation, top = "sum", total
        extras = [k for k in self.kinds if not REGISTRY[k].counts_in_max]
        if extras and draw(st.integers(0, 3)) == 0:
            extra = draw(st.sampled_from(extras))
            segment = (
                str(len(children) + 1) if child_kind != "item" else chr(ord("a") + len(children))
            )
            children.append(
                {
                    "code": f"{code}.{segment}",
                    "kind": child_kind,
                    "title": "Điểm trừ" if REGISTRY[extra].sign < 0 else "Điểm cộng",
                    "max_points": str(self.points(Decimal(1), _QUARTER)),
                    "rule": self.leaf(extra, Decimal(1)),
                }
            )
        data["max_points"] = str(top)
        if aggregation != "sum":
            data["aggregation"] = aggregation
        data["children"] = children
        return data


def criteria_sets(
    *,
    max_areas: int = 3,
    max_depth: int = 3,
    max_children: int = 3,
    rule_kinds: Sequence[str] = RULE_KINDS,
) -> st.SearchStrategy[CriteriaSet]:
    """Valid criteria sets, built as a file would hold them and loaded by the loader.

    Trees of up to ``max_areas`` areas, ``max_depth`` levels below them and
    ``max_children`` children per parent; leaves use the ``rule_kinds`` given (every shipped
    kind by default; a kind the program registered, :func:`parindex.rules.register`, may be
    named while it stays registered); parents add up with ``sum``, ``capped_sum`` or ``max``; some nodes apply
    only under a fact; points and thresholds are provisional or stated. Ratios are built
    from counts with their constraint (``dung_han <= tiep_nhan``).
    """
    unknown = sorted(set(rule_kinds) - set(REGISTRY))  # a kind the program registered too
    if unknown or not rule_kinds:
        raise ValueError(f"rule_kinds: {unknown or 'empty'} — allowed: {', '.join(REGISTRY)}")

    @st.composite
    def build(draw: st.DrawFn) -> CriteriaSet:
        year = draw(st.integers(2020, 2026))
        builder = _Builder(draw, year, rule_kinds)
        areas = [
            builder.node(str(i + 1), "area", 0, max_depth, max_children)
            for i in range(draw(st.integers(1, max_areas)))
        ]
        total = sum((Decimal(a["max_points"]) for a in areas), _ZERO)
        cuts = sorted(draw(st.lists(st.integers(50, 95), min_size=1, max_size=3, unique=True)))
        classification = [{"label": "Nhóm cuối", "range": f"dưới {cuts[0]}%"}]
        for low, high in itertools.pairwise(cuts):
            classification.append({"label": f"Nhóm {low}", "range": f"từ {low}% đến dưới {high}%"})
        classification.append({"label": "Nhóm I", "range": f"từ {cuts[-1]}% trở lên"})
        data: dict[str, Any] = {
            "format": "parindex.criteria/1",
            "id": "bo-sinh-tu-dong",
            "title": "Bộ tiêu chí sinh tự động (không phải dữ liệu thật)",
            "province": "Tỉnh Thử",
            "levels": draw(st.sampled_from((["so"], ["so", "huyen"], ["xa"]))),
            "year": year,
            "sources": [{"id": "nguon-thu", "title": "Nguồn giả định cho kiểm thử"}],
            "total_max": str(total),
            "survey_max": str(builder.survey),
            "precision": draw(st.sampled_from(("0.01", "0.001"))),
            "classification": classification,
            "provenance": builder.provenance(),
            "facts": [
                {"name": "co_dvsncl", "label": "Có đơn vị sự nghiệp công lập"},
                {"name": "co_tthc", "label": "Có thủ tục hành chính"},
            ],
            "inputs": builder.inputs,
            "constraints": builder.constraints,
            "nodes": areas,
        }
        return parse_criteria(data, SourceMap("<criteria_sets()>", data, {}))

    return build()

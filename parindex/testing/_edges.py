"""Band edges: each edge on the side its own words put it (:func:`check_band_edges`)."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal

from parindex.compiler import CompiledNode
from parindex.criteria import CriteriaSet
from parindex.engine import leaf_points
from parindex.errors import EvaluationError
from parindex.expressions import Call, CompiledExpression, Value, evaluate
from parindex.numbers import format_decimal, parse_decimal
from parindex.ranges import Interval
from parindex.testing._linear import ConstructionError, Solver
from parindex.testing._rules import construct, domain_of, edges_of, shape_of
from parindex.testing._violation import (
    InvariantViolation,
    _pts,
    _rule_text,
    _show,
    _where,
)

__all__ = ["check_band_edges"]


# --- band edges ---------------------------------------------------------------------

_NUMBER = r"(\d+(?:[.,]\d+)?)\s*%?"
_ABOVE = [  # the number belongs with the values above it
    re.compile(
        r"(?:\btừ|tối thiểu|ít nhất|không dưới|dưới|thấp hơn|nhỏ hơn|ít hơn|>=|≥|<)\s*"
        rf"(?:(?:là|đạt|từ|mức)\s+)*{_NUMBER}"
    ),
    re.compile(rf"{_NUMBER}[^\d;:]{{0,30}}?\btrở lên"),
]
_BELOW = [  # the number belongs with the values below it
    re.compile(
        r"(?:\btrên|vượt|\bquá|tối đa|lớn hơn|cao hơn|nhiều hơn|<=|≤|>)\s*"
        rf"(?:(?:là|đạt|mức)\s+)*{_NUMBER}"
    ),
    re.compile(rf"\bđến\s+{_NUMBER}"),
    re.compile(rf"{_NUMBER}[^\d;:]{{0,30}}?\btrở xuống"),
]


def _claims(text: str) -> dict[Decimal, dict[bool, str]]:
    """For each number of a rule's text, which side its own value falls on, with the phrase."""
    found: dict[Decimal, dict[bool, str]] = {}
    lowered = text.lower()
    for above, patterns in ((True, _ABOVE), (False, _BELOW)):
        for pattern in patterns:
            for match in pattern.finditer(lowered):
                try:
                    number = parse_decimal(match.group(1))
                except ValueError:
                    continue
                found.setdefault(number, {}).setdefault(above, text[match.start() : match.end()])
    return found


def _declared(node: CompiledNode, value: Decimal) -> Decimal | None:
    """The points the rule's stated ranges give ``value`` (``None``: no range holds it)."""
    stated = shape_of(node).stated(value)
    return None if stated is None else stated[0]


def _band_text(node: CompiledNode, value: Decimal) -> str:
    stated = shape_of(node).stated(value)
    return "?" if stated is None else stated[1]


def check_band_edges(
    criteria: CriteriaSet,
    code: str,
    expect: Mapping[str | int | Decimal, str | int | Decimal] | None = None,
) -> None:
    """A ``bands`` or ``threshold`` criterion behaves at each edge as its words say (any
    kind whose :meth:`~parindex.rules.RuleKind.shape` states ranges of its metric).

    1. At every edge, and just below and above it, the engine gives the points of the
       band whose words contain the value (``từ 80%`` holds 80, ``trên 80%`` does not).
    2. When the rule's ``text`` (the decision's sentence) qualifies an edge — “từ 80%
       trở lên”, “tối thiểu 30%”, “dưới 5%” put the number with the values above it;
       “trên 30%”, “không quá 25”, “đến 100%” with those below — the bands must put it
       on the same side.
    3. ``expect`` states points at values yourself: ``{"80%": 1, "79,99%": "0,5"}``.

    The inputs are built so the metric lands exactly on the edge (for ``percent(a, b,
    …)``: ``b = 5k``, ``a = 4k`` for 80%).
    """
    compiled = criteria.compiled
    node = compiled.nodes[code]
    rule = node.node.rule
    shape = shape_of(node)
    if not shape.ranges:
        raise ValueError(
            f"tiêu chí {code} không có khoảng điểm ghi bằng lời như bands, threshold "
            f"(quy tắc {rule and rule.kind})"
        )
    metric = shape.metric
    assert rule is not None and metric is not None
    solver = Solver.for_set(criteria, strict=False)
    domain = domain_of(node, criteria)
    edges = edges_of(node)
    unit = (
        "%"
        if (
            shape.unit == "%"
            or (isinstance(metric.root, Call) and metric.root.function == "percent")
        )
        else ""
    )
    vi, en = _where(node.node)
    details = [_rule_text(node.node)]

    check = _Edges(criteria, code, node, metric, solver, domain, edges, unit, vi, en, details)
    _at_edges(check)
    if rule.text:
        _as_worded(check, rule.text)
    _as_expected(check, expect or {})


@dataclass(frozen=True)
class _Edges:
    """One ``bands`` or ``threshold`` leaf under check, and how to build inputs for it."""

    criteria: CriteriaSet
    code: str
    node: CompiledNode
    metric: CompiledExpression
    solver: Solver
    domain: Interval
    edges: list[Decimal]
    unit: str
    vi: str
    en: str
    details: list[str]

    def build(self, target: Decimal, side: int, gap: Decimal) -> dict[str, Value] | None:
        def lowest(_name: str, lo: Decimal, _hi: Decimal) -> Decimal:
            return lo

        return construct(self.criteria, self.node, target, side, self.solver, lowest, 1, gap)

    def shown(self, values: Mapping[str, Value]) -> str:
        return ", ".join(f"{n} = {_show(self.criteria, n, values[n])}" for n in sorted(values))

    def violation(self, vi: str, en: str) -> InvariantViolation:
        """The ``band_edges`` violation of this leaf: ``vi``/``en`` after its name."""
        return InvariantViolation(
            "band_edges",
            f"{self.vi}: {vi}",
            f"{self.en}: {en}",
            code=self.code,
            details=self.details,
        )


def _at_edges(check: _Edges) -> None:
    """At every edge, and just below and above it, the points of the band holding the value."""
    unit, shown = check.unit, check.shown
    for at in check.edges:
        gap = min((abs(at - e) for e in check.edges if e != at), default=Decimal(1))
        for side in (-1, 0, 1):
            values = check.build(at, side, gap)
            if values is None:
                continue
            got = evaluate(check.metric, values)
            assert isinstance(got, Decimal)
            if got not in check.domain:
                continue
            declared = _declared(check.node, got)
            try:
                engine = leaf_points(check.criteria, check.code, values)
            except EvaluationError as exc:
                raise check.violation(
                    f"không chấm được tại {format_decimal(got)}{unit} ({shown(values)}): {exc}",
                    f"cannot be scored at {format_decimal(got)}{unit} ({shown(values)}): {exc}",
                ) from exc
            if declared is not None and engine != declared:
                band = _band_text(check.node, got)
                raise check.violation(
                    f"tại {format_decimal(got)}{unit} ({shown(values)}) máy chấm cho "
                    f"{_pts(engine)} điểm, nhưng khoảng '{band}' cho {_pts(declared)} điểm",
                    f"at {format_decimal(got)}{unit} ({shown(values)}) the engine gives {_pts(engine)} "
                    f"points, but the band '{band}' gives {_pts(declared)}",
                )


def _as_worded(check: _Edges, text: str) -> None:
    """Each edge the rule's own words qualify is on the side they put it."""
    node, domain = check.node, check.domain
    epsilon = Decimal("0.000001")
    claims = _claims(text)
    for edge in check.edges:
        said = claims.get(edge, {})
        if len(said) != 1:
            continue
        above, phrase = next(iter(said.items()))
        below_value, above_value = edge - epsilon, edge + epsilon
        if below_value not in domain or above_value not in domain:
            continue
        p_below, p_at, p_above = (_declared(node, v) for v in (below_value, edge, above_value))
        if p_below == p_above or p_at is None:
            continue
        declared_above = p_at == p_above
        if declared_above == above:
            continue
        values = check.build(edge, 0, Decimal(1))
        engine = leaf_points(check.criteria, check.code, values) if values is not None else p_at
        side_vi = "mức trên" if above else "mức dưới"
        side_en = "the band above" if above else "the band below"
        wanted = p_above if above else p_below
        meant = _band_text(node, above_value if above else below_value)
        edge_text = f"{format_decimal(edge)}{check.unit}"
        raise check.violation(
            f"cách tính viết '{phrase}' (đúng {edge_text} thuộc {side_vi}: "
            f"{_pts(wanted)} điểm) nhưng khoảng khai báo '{meant}' không chứa {edge_text}: "
            f"đúng {edge_text} rơi vào '{_band_text(node, edge)}' và được {_pts(engine)} điểm",
            f"the rule text says '{phrase}' (exactly {edge_text} belongs to {side_en}: "
            f"{_pts(wanted)} points) but the band '{meant}' leaves {edge_text} out: exactly "
            f"{edge_text} falls in '{_band_text(node, edge)}' and gets {_pts(engine)} points",
        )


def _as_expected(check: _Edges, expect: Mapping[str | int | Decimal, str | int | Decimal]) -> None:
    """Points stated by the user at given values."""
    unit, shown = check.unit, check.shown
    for raw_value, raw_points in expect.items():
        target = (
            raw_value
            if isinstance(raw_value, Decimal)
            else parse_decimal(str(raw_value).replace("%", "").strip())
        )
        wanted = parse_decimal(raw_points)
        values = check.build(target, 0, Decimal(1))
        if values is None:
            raise ConstructionError(
                f"{check.vi}: không dựng được số liệu cho giá trị {raw_value}",
                f"{check.en}: cannot build inputs for the value {raw_value}",
            )
        engine = leaf_points(check.criteria, check.code, values)
        if engine != wanted:
            band = _band_text(check.node, target)
            raise check.violation(
                f"tại {format_decimal(target)}{unit} ({shown(values)}) quy tắc cho "
                f"{_pts(engine)} điểm, văn bản quy định {_pts(wanted)} điểm (khoảng khai báo: "
                f"'{band}')",
                f"at {format_decimal(target)}{unit} ({shown(values)}) the rule gives {_pts(engine)} "
                f"points, the legal text says {_pts(wanted)} (declared band: '{band}')",
            )

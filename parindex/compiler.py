"""Compile and check a whole criteria set: every expression, range and date, once.

:func:`compile_set` walks a :class:`~parindex.criteria.CriteriaSet` and returns a
:class:`CompiledSet` (what the engine evaluates) together with every problem it
found — codes, sums, totals, band coverage, provenance, expressions. Problems
carry the path of the offending value in the file (``("nodes", 0, "children", 2,
"rule", "bands", 1, "when")``) so the loader can name its line.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field, replace
from decimal import Decimal
from functools import cached_property

from parindex.criteria import (
    Aggregation,
    BandsRule,
    BonusRule,
    CheckRule,
    CriteriaSet,
    DeadlineRule,
    DeductionRule,
    Fact,
    Input,
    InputType,
    LevelsRule,
    Node,
    NodeKind,
    PenaltyRule,
    ProportionalRule,
    Provenance,
    SurveyRule,
    ThresholdRule,
)
from parindex.errors import ExpressionError, did_you_mean
from parindex.expressions import CompiledExpression, NameInfo, ValueType, compile_expression
from parindex.numbers import format_decimal
from parindex.ranges import Interval, coverage_problems, parse_range

__all__ = ["CompiledNode", "CompiledSet", "Issue", "compile_set", "input_domain"]

Path = tuple[str | int, ...]

_INPUT_TYPES: Mapping[InputType, ValueType] = {
    InputType.COUNT: ValueType.NUMBER,
    InputType.RATIO: ValueType.NUMBER,
    InputType.PERCENT: ValueType.NUMBER,
    InputType.AMOUNT: ValueType.NUMBER,
    InputType.DATE: ValueType.DATE,
    InputType.YES_NO: ValueType.BOOL,
    InputType.ENUM: ValueType.TEXT,
}

_PERCENT = Interval(Decimal(0), True, Decimal(100), True)
_RATIO = Interval(Decimal(0), True, Decimal(1), True)
_NON_NEGATIVE = Interval(Decimal(0), True, None, False)
_EVERYTHING = Interval(None, False, None, False)


def input_domain(kind: InputType) -> Interval:
    """The values an input of this type may take."""
    return {
        InputType.PERCENT: _PERCENT,
        InputType.RATIO: _RATIO,
        InputType.COUNT: _NON_NEGATIVE,
    }.get(kind, _EVERYTHING)


@dataclass(frozen=True)
class Issue:
    """A problem found while compiling, located by its path in the file."""

    kind: str
    message: str
    message_en: str
    path: Path
    code: str | None = None
    text: str | None = None
    allowed: tuple[str, ...] = ()


@dataclass(frozen=True)
class CompiledNode:
    """A node with its expressions compiled and its ranges and dates resolved."""

    node: Node
    path: Path
    depth: int
    parent: str | None
    applies_if: CompiledExpression | None = None
    values: tuple[CompiledExpression, ...] = ()
    intervals: tuple[Interval, ...] = ()
    dues: tuple[dt.date, ...] = ()
    points_provisional: bool = False
    rule_provisional: bool = False

    @property
    def code(self) -> str:
        return self.node.code

    @property
    def provisional(self) -> bool:
        """True when the points or the thresholds of this node rest on no source."""
        return self.points_provisional or self.rule_provisional

    @cached_property
    def inputs(self) -> frozenset[str]:
        """Names the rule reads (applicability not included)."""
        return frozenset().union(*(v.names for v in self.values)) if self.values else frozenset()

    @property
    def counts_in_max(self) -> bool:
        """Bonus and penalty nodes add or take points but are not part of the maximum."""
        return not isinstance(self.node.rule, BonusRule | PenaltyRule)


@dataclass(frozen=True)
class CompiledSet:
    """What the engine evaluates: nodes by code in tree order, and the set's checks."""

    nodes: Mapping[str, CompiledNode]
    env: Mapping[str, NameInfo]
    constraints: tuple[tuple[CompiledExpression, str], ...]
    classification: tuple[tuple[str, Interval], ...]
    children: Mapping[str | None, tuple[str, ...]] = field(default_factory=dict)
    classification_by_level: Mapping[str, tuple[tuple[str, Interval], ...]] = field(
        default_factory=dict
    )
    """Bands of the levels that have their own (``level: huyen`` …); others use ``classification``."""

    def bands_for(self, level: str | None) -> tuple[tuple[str, Interval], ...]:
        """The classification bands that apply to units of ``level``."""
        if level is not None and level in self.classification_by_level:
            return self.classification_by_level[level]
        return self.classification

    def leaves(self) -> Iterator[CompiledNode]:
        """Leaf nodes in tree order."""
        return (n for n in self.nodes.values() if n.node.is_leaf)

    def provisional_points(
        self, code: str | None = None, maximum: Callable[[str], Decimal | None] | None = None
    ) -> Decimal:
        """Points (of the maximum) that rest on provisional values, under ``code``.

        Follows each parent's aggregation: alternatives (``max``) count once. ``maximum``
        gives a node's applicable maximum (``None``: not applicable); by default the
        declared one.
        """
        if maximum is None:

            def maximum(c: str) -> Decimal | None:
                return self.nodes[c].node.max_points

        def visit(c: str) -> Decimal:
            node = self.nodes[c]
            top = maximum(c)
            if top is None or not node.counts_in_max:
                return Decimal(0)
            if node.node.is_leaf:
                return top if node.provisional else Decimal(0)
            parts = [visit(k) for k in self.children.get(c, ())]
            if node.node.aggregation == Aggregation.MAX:
                return max(parts, default=Decimal(0))
            return min(sum(parts, Decimal(0)), top)

        codes = self.children.get(None, ()) if code is None else (code,)
        return sum((visit(c) for c in codes), Decimal(0))


class _Checker:
    def __init__(self, criteria: CriteriaSet) -> None:
        self.criteria = criteria
        self.issues: list[Issue] = []
        self.env: dict[str, NameInfo] = {}
        self.source_ids = {s.id for s in criteria.sources}

    def add(
        self,
        kind: str,
        message: str,
        message_en: str,
        path: Path,
        code: str | None = None,
        text: object = None,
        allowed: tuple[str, ...] = (),
    ) -> None:
        shown = None if text is None else str(text)
        self.issues.append(Issue(kind, message, message_en, path, code, shown, allowed))

    def expression(
        self, text: str, path: Path, code: str | None, expected: ValueType | None
    ) -> CompiledExpression | None:
        try:
            return compile_expression(text, self.env, expected)
        except ExpressionError as exc:
            self.add(exc.kind, exc.message, exc.message_en, path, code, text, exc.allowed)
            return None

    def range(self, text: str, path: Path, code: str | None) -> Interval | None:
        try:
            return parse_range(text)
        except ValueError as exc:
            self.add("invalid_range", str(exc), f"cannot read range {text!r}", path, code, text)
            return None

    # declarations -------------------------------------------------------------------

    def declarations(self) -> None:
        seen: dict[str, str] = {}
        named: list[tuple[str, int, Fact | Input]] = [
            *(("facts", i, f) for i, f in enumerate(self.criteria.facts)),
            *(("inputs", i, n) for i, n in enumerate(self.criteria.inputs)),
        ]
        for section, index, entry in named:
            path: Path = (section, index, "name")
            if entry.name in seen:
                self.add(
                    "duplicate_name",
                    f"tên {entry.name} đã khai báo trong {seen[entry.name]}",
                    f"name {entry.name} already declared in {seen[entry.name]}",
                    path,
                    text=entry.name,
                )
                continue
            seen[entry.name] = section
            if section == "facts":
                self.env[entry.name] = NameInfo(ValueType.BOOL)
                continue
            spec = self.criteria.inputs[index]
            if spec.type == InputType.ENUM and not spec.choices:
                self.add(
                    "missing_choices",
                    f"đầu vào {spec.name} kiểu enum cần 'choices'",
                    f"enum input {spec.name} needs 'choices'",
                    (section, index, "type"),
                    text=spec.name,
                )
            if spec.type != InputType.ENUM and spec.choices:
                self.add(
                    "invalid_value",
                    f"'choices' chỉ dùng với type: enum ({spec.name})",
                    f"'choices' only applies to type: enum ({spec.name})",
                    (section, index, "choices"),
                    text=spec.name,
                )
            if spec.min is not None and spec.max is not None and spec.min > spec.max:
                self.add(
                    "invalid_value",
                    f"min lớn hơn max ở đầu vào {spec.name}",
                    f"min above max for input {spec.name}",
                    (section, index, "min"),
                    text=f"{spec.min} > {spec.max}",
                )
            choices = frozenset(spec.choices) if spec.choices else None
            self.env[entry.name] = NameInfo(_INPUT_TYPES[spec.type], choices)

    def provenance(self, provenance: Provenance | None, path: Path, code: str | None) -> None:
        if provenance is None:
            return
        if provenance.status == "stated":
            if not provenance.source:
                self.add(
                    "provenance",
                    "nguồn 'stated' phải nêu 'source'",
                    "a 'stated' provenance must name its 'source'",
                    (*path, "source"),
                    code,
                    allowed=tuple(sorted(self.source_ids)),
                )
            elif provenance.source not in self.source_ids:
                self.add(
                    "unknown_source",
                    f"nguồn chưa khai báo: {provenance.source}",
                    f"undeclared source: {provenance.source}",
                    (*path, "source"),
                    code,
                    provenance.source,
                    tuple(sorted(self.source_ids)),
                )
        elif not (provenance.rationale and provenance.rationale.strip()):
            self.add(
                "provenance",
                "giá trị tạm tính (provisional) phải có 'rationale' một dòng",
                "a provisional value needs a one-line 'rationale'",
                (*path, "rationale"),
                code,
            )

    # the tree -----------------------------------------------------------------------

    def walk(self) -> Iterator[tuple[Node, Path, int, Node | None]]:
        def visit(
            nodes: list[Node], path: Path, depth: int, parent: Node | None
        ) -> Iterator[tuple[Node, Path, int, Node | None]]:
            for index, node in enumerate(nodes):
                here = (*path, index)
                yield node, here, depth, parent
                yield from visit(node.children, (*here, "children"), depth + 1, node)

        yield from visit(self.criteria.nodes, ("nodes",), 0, None)

    def code_and_kind(self, node: Node, path: Path, depth: int, parent: Node | None) -> None:
        code_path = (*path, "code")
        if parent is None:
            if "." in node.code:
                self.add(
                    "code_mismatch",
                    f"mã lĩnh vực chỉ có một phần, không phải {node.code}",
                    f"an area code has one segment, not {node.code}",
                    code_path,
                    node.code,
                    node.code,
                )
            if node.kind != NodeKind.AREA:
                self.add(
                    "kind_mismatch",
                    f"nút cấp cao nhất phải là area, không phải {node.kind}",
                    f"top-level nodes are areas, not {node.kind}",
                    (*path, "kind"),
                    node.code,
                    node.kind.value,
                    ("area",),
                )
            return
        prefix = parent.code + "."
        if not node.code.startswith(prefix) or "." in node.code[len(prefix) :]:
            self.add(
                "code_mismatch",
                f"mã {node.code} không khớp vị trí: nút con của {parent.code} phải có mã "
                f"{parent.code}.<x>",
                f"code {node.code} does not match its place: children of {parent.code} are "
                f"coded {parent.code}.<x>",
                code_path,
                node.code,
                node.code,
            )
        wanted = {NodeKind.AREA: NodeKind.CRITERION, NodeKind.CRITERION: NodeKind.SUB_CRITERION}
        allowed = (
            (NodeKind.ITEM,)
            if parent.kind in (NodeKind.SUB_CRITERION, NodeKind.ITEM)
            else (wanted[parent.kind], NodeKind.ITEM)
        )
        if node.kind not in allowed:
            self.add(
                "kind_mismatch",
                f"nút con của {parent.kind.value} {parent.code} không thể là {node.kind.value}",
                f"a child of {parent.kind.value} {parent.code} cannot be {node.kind.value}",
                (*path, "kind"),
                node.code,
                node.kind.value,
                tuple(k.value for k in allowed),
            )

    def sums(self, node: Node, path: Path) -> None:
        counted = [c for c in node.children if not isinstance(c.rule, BonusRule | PenaltyRule)]
        if not counted:
            return
        total = sum((c.max_points for c in counted), Decimal(0))
        best = max(c.max_points for c in counted)
        where = (*path, "max_points")
        listing = " + ".join(f"{c.code}: {format_decimal(c.max_points)}" for c in counted)
        if node.aggregation == Aggregation.SUM and total != node.max_points:
            self.add(
                "sum_mismatch",
                f"tổng điểm tối đa của các nút con ({format_decimal(total)} = {listing}) "
                f"khác điểm tối đa {format_decimal(node.max_points)}; nếu bộ tiêu chí cộng "
                "có giới hạn, khai báo aggregation: capped_sum",
                f"children's maxima add to {total}, not {node.max_points}",
                where,
                node.code,
                format_decimal(node.max_points),
            )
        elif node.aggregation == Aggregation.CAPPED_SUM and total < node.max_points:
            self.add(
                "sum_mismatch",
                f"capped_sum: tổng nút con ({format_decimal(total)}) nhỏ hơn điểm tối đa "
                f"{format_decimal(node.max_points)}",
                f"capped_sum: children add to {total}, less than {node.max_points}",
                where,
                node.code,
                format_decimal(node.max_points),
            )
        elif node.aggregation == Aggregation.MAX and best != node.max_points:
            self.add(
                "sum_mismatch",
                f"max: nút con cao nhất ({format_decimal(best)}) khác điểm tối đa "
                f"{format_decimal(node.max_points)}",
                f"max: best child {best} differs from {node.max_points}",
                where,
                node.code,
                format_decimal(node.max_points),
            )

    def rule(self, node: Node, path: Path, provisional: bool) -> CompiledNode | None:
        rule = node.rule
        code = node.code
        rpath = (*path, "rule")
        if rule is None:
            self.add(
                "missing_rule",
                f"nút lá {code} cần 'rule' (cách tính điểm) hoặc 'children'",
                f"leaf {code} needs a 'rule' or 'children'",
                path,
                code,
            )
            return None
        self.provenance(rule.provenance, (*rpath, "provenance"), code)
        rule_provisional = (
            rule.provenance.status == "provisional" if rule.provenance else provisional
        )
        values: list[CompiledExpression | None] = []
        intervals: list[Interval | None] = []
        dues: list[dt.date] = []
        top = node.max_points
        expected = {
            CheckRule: ValueType.BOOL,
            DeadlineRule: ValueType.DATE,
            LevelsRule: ValueType.TEXT,
        }.get(type(rule), ValueType.NUMBER)
        if isinstance(rule, DeadlineRule):
            self.deadline(rule, rpath, code, values, dues)
        elif not isinstance(rule, SurveyRule):
            values.append(self.expression(rule.value, (*rpath, "value"), code, expected))
        if isinstance(rule, BandsRule):
            for index, band in enumerate(rule.bands):
                intervals.append(self.range(band.when, (*rpath, "bands", index, "when"), code))
                if band.points > top:
                    self.add(
                        "points_above_max",
                        f"khoảng '{band.when}' cho {format_decimal(band.points)} điểm, "
                        f"vượt điểm tối đa {format_decimal(top)}",
                        f"band gives {band.points}, above the maximum {top}",
                        (*rpath, "bands", index, "points"),
                        code,
                        band.points,
                    )
            if all(i is not None for i in intervals):
                domain = self.bands_domain(rule, values[0], rpath, code)
                ready = [i for i in intervals if i is not None]
                for problem in coverage_problems(ready, domain) if domain else []:
                    self.add(
                        "band_coverage",
                        f"các khoảng không phủ kín miền {domain.describe()}: {problem}"
                        if domain
                        else problem,
                        f"bands do not tile the domain: {problem}",
                        (*rpath, "bands"),
                        code,
                    )
            if max(b.points for b in rule.bands) != top:
                self.add(
                    "max_unreachable",
                    f"không khoảng nào cho đủ điểm tối đa {format_decimal(top)}",
                    f"no band gives the maximum {top}",
                    (*rpath, "bands"),
                    code,
                )
        elif isinstance(rule, ThresholdRule):
            intervals.append(self.range(rule.when, (*rpath, "when"), code))
            if rule.otherwise > top:
                self.add(
                    "points_above_max",
                    "'otherwise' vượt điểm tối đa",
                    "'otherwise' above the maximum",
                    (*rpath, "otherwise"),
                    code,
                    rule.otherwise,
                )
        elif isinstance(rule, ProportionalRule) and rule.target <= 0:
            self.add(
                "invalid_value",
                "'target' phải lớn hơn 0",
                "'target' must be above 0",
                (*rpath, "target"),
                code,
                rule.target,
            )
        elif isinstance(rule, LevelsRule):
            self.levels(rule, values[0], rpath, code, top)
        elif isinstance(rule, DeductionRule) and rule.per <= 0:
            self.add(
                "invalid_value",
                "'per' phải lớn hơn 0",
                "'per' must be above 0",
                (*rpath, "per"),
                code,
                rule.per,
            )
        if any(v is None for v in values) or any(i is None for i in intervals):
            return None
        return CompiledNode(
            node=node,
            path=path,
            depth=0,
            parent=None,
            values=tuple(v for v in values if v is not None),
            intervals=tuple(i for i in intervals if i is not None),
            dues=tuple(dues),
            points_provisional=provisional,
            rule_provisional=rule_provisional,
        )

    def bands_domain(
        self, rule: BandsRule, value: CompiledExpression | None, path: Path, code: str
    ) -> Interval | None:
        if rule.domain is not None:
            return self.range(rule.domain, (*path, "domain"), code)
        if value is None:
            return None
        from parindex.expressions import Call, Name

        root = value.root
        if isinstance(root, Name):
            spec = next((i for i in self.criteria.inputs if i.name == root.name), None)
            if spec is not None:
                return input_domain(spec.type)
        if isinstance(root, Call) and root.function == "percent":
            return _PERCENT
        if isinstance(root, Call) and root.function == "ratio":
            return _RATIO
        return _EVERYTHING

    def deadline(
        self,
        rule: DeadlineRule,
        path: Path,
        code: str,
        values: list[CompiledExpression | None],
        dues: list[dt.date],
    ) -> None:
        single = rule.value is not None or rule.due is not None
        periodic = rule.values is not None or rule.quarterly is not None
        if (
            single == periodic
            or (single and (rule.value is None or rule.due is None))
            or (periodic and (rule.values is None or rule.quarterly is None))
        ):
            self.add(
                "deadline_shape",
                "deadline cần hoặc 'value' + 'due', hoặc 'values' + 'quarterly'",
                "a deadline needs either 'value' + 'due' or 'values' + 'quarterly'",
                path,
                code,
                allowed=("value + due", "values + quarterly"),
            )
            values.append(None)
            return
        if rule.value is not None and rule.due is not None:
            values.append(self.expression(rule.value, (*path, "value"), code, ValueType.DATE))
            dues.append(rule.due)
            return
        assert rule.values is not None and rule.quarterly is not None
        if len(rule.values) != 4:
            self.add(
                "deadline_shape",
                f"'quarterly' cần đúng 4 giá trị (quý I–IV), có {len(rule.values)}",
                f"'quarterly' needs exactly 4 values, got {len(rule.values)}",
                (*path, "values"),
                code,
                len(rule.values),
            )
        schedule = rule.quarterly
        for quarter, text in enumerate(rule.values):
            values.append(self.expression(text, (*path, "values", quarter), code, ValueType.DATE))
            month = 3 * min(quarter, 3) + schedule.month
            try:
                dues.append(dt.date(schedule.year, month, schedule.day))
            except ValueError:
                self.add(
                    "invalid_date",
                    f"không có ngày {schedule.day}/{month}/{schedule.year}",
                    f"no such date {schedule.day}/{month}/{schedule.year}",
                    (*path, "quarterly", "day"),
                    code,
                    schedule.day,
                )
                values.append(None)

    def levels(
        self,
        rule: LevelsRule,
        value: CompiledExpression | None,
        path: Path,
        code: str,
        top: Decimal,
    ) -> None:
        from parindex.expressions import Name

        if value is None:
            return
        info = self.env.get(value.root.name) if isinstance(value.root, Name) else None
        if info is None or info.choices is None:
            self.add(
                "levels_input",
                "levels cần 'value' là tên một đầu vào kiểu enum",
                "levels needs 'value' to name an enum input",
                (*path, "value"),
                code,
                rule.value,
            )
            return
        listed = [level.value for level in rule.levels]
        for index, level in enumerate(rule.levels):
            if level.value not in info.choices:
                hint = did_you_mean(level.value, info.choices)
                self.add(
                    "unknown_choice",
                    f"mức '{level.value}' không thuộc các lựa chọn{hint}",
                    f"level '{level.value}' is not a choice",
                    (*path, "levels", index, "value"),
                    code,
                    level.value,
                    tuple(sorted(info.choices)),
                )
            if listed.count(level.value) > 1:
                self.add(
                    "duplicate_level",
                    f"mức '{level.value}' khai báo hai lần",
                    f"level '{level.value}' listed twice",
                    (*path, "levels", index, "value"),
                    code,
                    level.value,
                )
            if level.points > top:
                self.add(
                    "points_above_max",
                    f"mức '{level.value}' vượt điểm tối đa",
                    f"level '{level.value}' above the maximum",
                    (*path, "levels", index, "points"),
                    code,
                    level.points,
                )
        missing = sorted(info.choices - set(listed))
        if missing:
            self.add(
                "levels_incomplete",
                f"thiếu điểm cho các lựa chọn: {', '.join(missing)}",
                f"no points for choices: {', '.join(missing)}",
                (*path, "levels"),
                code,
                allowed=tuple(missing),
            )
        if max(level.points for level in rule.levels) != top:
            self.add(
                "max_unreachable",
                f"không mức nào cho đủ điểm tối đa {format_decimal(top)}",
                f"no level gives the maximum {top}",
                (*path, "levels"),
                code,
            )

    # the whole set ------------------------------------------------------------------

    def run(self) -> CompiledSet:
        criteria = self.criteria
        self.declarations()
        self.provenance(criteria.provenance, ("provenance",), None)
        source_seen: set[str] = set()
        for index, source in enumerate(criteria.sources):
            if source.id in source_seen:
                self.add(
                    "duplicate_source",
                    f"nguồn {source.id} khai báo hai lần",
                    f"source {source.id} declared twice",
                    ("sources", index, "id"),
                    text=source.id,
                )
            source_seen.add(source.id)
        if criteria.precision <= 0:
            self.add(
                "invalid_value",
                "'precision' phải lớn hơn 0",
                "'precision' must be above 0",
                ("precision",),
                text=criteria.precision,
            )
        elif criteria.precision.normalize().as_tuple().digits != (1,) or criteria.precision > 1:
            # quantize rounds to a number of decimal places, not to a step like 0,25
            self.add(
                "invalid_value",
                "'precision' phải là 1, 0,1, 0,01, 0,001 … (làm tròn đến một số chữ số thập phân)",
                "'precision' must be 1, 0.1, 0.01, 0.001 … (a number of decimal places)",
                ("precision",),
                text=criteria.precision,
                allowed=("1", "0.1", "0.01", "0.001"),
            )
        else:
            places = max(0, -int(criteria.precision.normalize().as_tuple().exponent))
            for node in criteria.walk():
                exponent = int(node.max_points.normalize().as_tuple().exponent)
                if -exponent > places:  # a leaf rounded to 'precision' could pass its maximum
                    self.add(
                        "precision_too_coarse",
                        f"điểm tối đa {format_decimal(node.max_points)} của {node.code} có nhiều "
                        f"chữ số thập phân hơn bước làm tròn 'precision' "
                        f"{format_decimal(criteria.precision)}",
                        f"maximum {node.max_points} of {node.code} has more decimal places than "
                        f"'precision' {criteria.precision}",
                        ("precision",),
                        node.code,
                        criteria.precision,
                    )
                    break
        constraints = []
        for index, constraint in enumerate(criteria.constraints):
            check = self.expression(
                constraint.rule, ("constraints", index, "rule"), None, ValueType.BOOL
            )
            if check is not None:
                constraints.append((check, constraint.message))
        by_level: dict[str | None, list[tuple[str, Interval]]] = {}
        readable = True
        for index, band in enumerate(criteria.classification):
            interval = self.range(band.range, ("classification", index, "range"), None)
            if interval is None:
                readable = False
            else:
                by_level.setdefault(band.level, []).append((band.label, interval))
        for level, bands in by_level.items() if readable else ():
            for problem in coverage_problems([i for _, i in bands], _PERCENT):
                where = f" (cấp {level})" if level else ""
                self.add(
                    "band_coverage",
                    f"phân loại{where} không phủ kín 0–100%: {problem}",
                    f"classification{where} does not tile 0–100%: {problem}",
                    ("classification",),
                )
        classification = by_level.get(None, [])

        compiled: dict[str, CompiledNode] = {}
        children: dict[str | None, list[str]] = {None: []}
        provisional_of: dict[str, bool] = {}
        seen_paths: dict[str, Path] = {}
        default_provisional = (
            criteria.provenance is None or criteria.provenance.status == "provisional"
        )
        if criteria.provenance is None:
            self.add(
                "provenance",
                "khai báo 'provenance' mặc định cho bộ tiêu chí",
                "declare the set's default 'provenance'",
                (),
                None,
                allowed=("stated", "provisional"),
            )
        for node, path, depth, parent in self.walk():
            code = node.code
            if code in seen_paths:
                self.add(
                    "duplicate_code",
                    f"mã {code} bị trùng",
                    f"code {code} appears twice",
                    (*path, "code"),
                    code,
                    code,
                )
                continue
            seen_paths[code] = path
            self.code_and_kind(node, path, depth, parent)
            self.provenance(node.provenance, (*path, "provenance"), code)
            inherited = provisional_of[parent.code] if parent else default_provisional
            provisional = node.provenance.status == "provisional" if node.provenance else inherited
            provisional_of[code] = provisional
            applies = None
            if node.applies_if is not None:
                applies = self.expression(
                    node.applies_if, (*path, "applies_if"), code, ValueType.BOOL
                )
            if node.children:
                if node.rule is not None:
                    self.add(
                        "rule_and_children",
                        f"nút {code} có cả 'rule' và 'children'; nút cha tính từ nút con",
                        f"node {code} has both 'rule' and 'children'",
                        (*path, "rule"),
                        code,
                    )
                self.sums(node, path)
                entry: CompiledNode | None = CompiledNode(
                    node=node, path=path, depth=depth, parent=None, points_provisional=provisional
                )
            else:
                entry = self.rule(node, path, provisional)
            if entry is None:
                continue
            compiled[code] = replace(
                entry, depth=depth, parent=parent.code if parent else None, applies_if=applies
            )
            children.setdefault(parent.code if parent else None, []).append(code)

        counted = [n for n in criteria.nodes if not isinstance(n.rule, BonusRule | PenaltyRule)]
        total = sum((n.max_points for n in counted), Decimal(0))
        if total != criteria.total_max:
            listing = " + ".join(f"{n.code}: {format_decimal(n.max_points)}" for n in counted)
            self.add(
                "total_mismatch",
                f"tổng điểm các lĩnh vực ({format_decimal(total)} = {listing}) khác "
                f"total_max {format_decimal(criteria.total_max)}",
                f"areas add to {total}, not total_max {criteria.total_max}",
                ("total_max",),
                None,
                format_decimal(criteria.total_max),
            )
        survey = sum(
            (n.max_points for n in criteria.walk() if isinstance(n.rule, SurveyRule)), Decimal(0)
        )
        if survey != criteria.survey_max:
            self.add(
                "survey_mismatch",
                f"tổng điểm các tiêu chí điều tra XHH ({format_decimal(survey)}) khác "
                f"survey_max {format_decimal(criteria.survey_max)}",
                f"survey leaves add to {survey}, not survey_max {criteria.survey_max}",
                ("survey_max",),
                None,
                format_decimal(criteria.survey_max),
            )
        for level_check in self.level_names():
            self.add(*level_check)
        return CompiledSet(
            nodes=compiled,
            env=dict(self.env),
            constraints=tuple(constraints),
            classification=tuple(classification),
            classification_by_level={
                str(level): tuple(bands) for level, bands in by_level.items() if level is not None
            },
            children={k: tuple(v) for k, v in children.items()},
        )

    def level_names(self) -> Iterator[tuple[str, str, str, Path, str | None, object]]:
        """Item codes use a letter or number segment; other codes numbers (or XHH-like)."""
        pattern = re.compile(r"^(\d+|[A-Z]+)$")
        for node, path, _, parent in self.walk():
            segment = node.code.rsplit(".", 1)[-1]
            if node.kind != NodeKind.ITEM and parent is not None and not pattern.match(segment):
                yield (
                    "code_mismatch",
                    f"mã {node.code}: phần cuối '{segment}' của tiêu chí phải là số; "
                    "dòng không đánh số dùng kind: item với mã chữ (a, b, c)",
                    f"code {node.code}: a criterion's last segment is a number",
                    (*path, "code"),
                    node.code,
                    node.code,
                )


def compile_set(criteria: CriteriaSet) -> tuple[CompiledSet, list[Issue]]:
    """Compile every expression of ``criteria`` and check the whole set.

    Returns the compiled set and the list of problems (empty when the set is valid).
    """
    checker = _Checker(criteria)
    compiled = checker.run()
    return compiled, checker.issues

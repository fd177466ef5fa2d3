"""Compile and check a whole criteria set: every expression, range and date, once.

:func:`compile_set` walks a :class:`~parindex.criteria.CriteriaSet` and returns a
:class:`CompiledSet` (what the engine evaluates) together with every problem it
found — codes, sums, totals, band coverage, provenance, expressions. Problems
carry the path of the offending value in the file (``("nodes", 0, "children", 2,
"rule", "bands", 1, "when")``) so the loader can name its line.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field, replace
from decimal import Decimal
from functools import cached_property
from typing import Any

from parindex import tree
from parindex.criteria import (
    Aggregation,
    CriteriaSet,
    Fact,
    Input,
    InputType,
    Node,
    NodeKind,
    Provenance,
)
from parindex.errors import ExpressionError
from parindex.expressions import CompiledExpression, NameInfo, ValueType, compile_expression
from parindex.messages import label
from parindex.numbers import format_decimal
from parindex.ranges import Interval, coverage_problems, parse_range
from parindex.reading import dotted
from parindex.rules import CompiledRule, Leaf, RuleKind, kind_of
from parindex.rules._domain import PERCENT as _PERCENT
from parindex.rules._domain import input_domain

__all__ = ["CompiledNode", "CompiledSet", "Issue", "compile_set", "counts_in_max", "input_domain"]

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


def counts_in_max(node: Node) -> bool:
    """Whether a node's maximum counts in its parent's (a bonus or penalty leaf's does not)."""
    return node.rule is None or kind_of(node.rule).counts_in_max


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
    rule: CompiledRule | None = None
    """The leaf's rule, compiled by its kind (``None`` for a parent)."""
    leaf: Leaf | None = None
    """The leaf's code, maximum, rounding and lowered points (``None`` for a parent)."""
    points_provisional: bool = False
    rule_provisional: bool = False

    @cached_property
    def code(self) -> str:
        return self.node.code

    @cached_property
    def provisional(self) -> bool:
        """True when the points or the thresholds of this node rest on no source."""
        return self.points_provisional or self.rule_provisional

    @cached_property
    def inputs(self) -> frozenset[str]:
        """Names the rule reads (applicability not included)."""
        return self.rule.inputs if self.rule is not None else frozenset()

    @cached_property
    def is_leaf(self) -> bool:
        return self.node.is_leaf

    @cached_property
    def names_read(self) -> tuple[str, ...]:
        """Names the rule and the applicability read, sorted (what a report lists as used)."""
        names = self.inputs | (self.applies_if.names if self.applies_if else frozenset())
        return tuple(sorted(names))

    @property
    def expressions(self) -> tuple[CompiledExpression, ...]:
        """The compiled expressions the rule reads, in file order (applicability not included)."""
        return self.rule.expressions if self.rule is not None else ()

    @cached_property
    def kind(self) -> RuleKind[Any, Any] | None:
        """The leaf's rule kind (``None`` for a parent)."""
        return kind_of(self.node.rule) if self.node.rule is not None else None

    @cached_property
    def counts_in_max(self) -> bool:
        """Whether the node's maximum counts in its parent's (bonus and penalty do not)."""
        kind = self.kind
        return kind is None or kind.counts_in_max

    @cached_property
    def sign(self) -> int:
        """−1 when the node's points are taken off its parent's (a penalty), else +1."""
        kind = self.kind
        return 1 if kind is None else kind.sign


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

    @cached_property
    def related(self) -> Mapping[str, frozenset[str]]:
        """For each node, itself, its ancestors and its descendants (a citation's reach)."""
        below: dict[str, set[str]] = {}
        for code in reversed(list(self.nodes)):  # children come after their parent
            below[code] = {code}.union(*(below[c] for c in self.children.get(code, ())))
        related: dict[str, frozenset[str]] = {}
        for code, node in self.nodes.items():
            above = set()
            parent = node.parent
            while parent is not None:
                above.add(parent)
                parent = self.nodes[parent].parent
            related[code] = frozenset(below[code] | above)
        return related

    def leaves(self) -> Iterator[CompiledNode]:
        """Leaf nodes in tree order."""
        return (n for n in self.nodes.values() if n.node.is_leaf)

    def given_codes(self) -> list[str]:
        """Codes of the leaves whose points are given, not computed (the survey), in tree order.

        The one test of it: the leaf's rule kind says so (:attr:`RuleKind.given`).
        """
        return [c for c, n in self.nodes.items() if n.kind is not None and n.kind.given]

    def provisional_points(
        self, code: str | None = None, maximum: Callable[[str], Decimal | None] | None = None
    ) -> Decimal:
        """Points (of the maximum) that rest on provisional values, under ``code``.

        Follows each parent's aggregation: alternatives (``max``) count once. ``maximum``
        gives a node's applicable maximum (``None``: not applicable); by default the
        declared one.
        """
        given = maximum

        def applicable(c: str) -> Decimal:
            top = self.nodes[c].node.max_points if given is None else given(c)
            return Decimal(0) if top is None else top

        return tree.provisional_points(self, code, applicable, tree.DECIMALS)


class _Checker:
    def __init__(self, criteria: CriteriaSet) -> None:
        self.criteria = criteria
        self.issues: list[Issue] = []
        self.env: dict[str, NameInfo] = {}
        self.source_ids = {s.id for s in criteria.sources}
        self.input_types = {i.name: i.type for i in criteria.inputs}

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
        counted = [c for c in node.children if counts_in_max(c)]
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

    def input_type(self, name: str) -> InputType | None:
        return self.input_types.get(name)

    def rule(self, node: Node, path: Path, provisional: bool) -> CompiledNode | None:
        """Check and compile a leaf's rule through its kind, then lower it to one expression."""
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
        kind = kind_of(rule)
        leaf = Leaf(code, node.max_points, _usable_precision(self.criteria.precision))
        compiled = kind.compile(rule, leaf, self, rpath)
        if compiled is None:
            return None
        return CompiledNode(
            node=node,
            path=path,
            depth=0,
            parent=None,
            rule=compiled,
            leaf=replace(leaf, lowered=kind.lower(compiled, leaf)),
            points_provisional=provisional,
            rule_provisional=rule_provisional,
        )

    # the whole set ------------------------------------------------------------------

    def run(self) -> CompiledSet:
        self.declarations()
        self.provenance(self.criteria.provenance, ("provenance",), None)
        self.sources()
        self.precision()
        constraints = self.constraints()
        by_level = self.classification()
        compiled, children = self.nodes()
        self.totals()
        for level_check in self.level_names():
            self.add(*level_check)
        return CompiledSet(
            nodes=compiled,
            env=dict(self.env),
            constraints=tuple(constraints),
            classification=tuple(by_level.get(None, [])),
            classification_by_level={
                str(level): tuple(bands) for level, bands in by_level.items() if level is not None
            },
            children={k: tuple(v) for k, v in children.items()},
        )

    def sources(self) -> None:
        """Each source declared once."""
        criteria = self.criteria
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

    def precision(self) -> None:
        """A rounding step of whole decimal places, no coarser than any maximum."""
        criteria = self.criteria
        if criteria.precision <= 0:
            self.add(
                "invalid_value",
                "'precision' phải lớn hơn 0",
                "'precision' must be above 0",
                ("precision",),
                text=criteria.precision,
            )
        elif criteria.precision < FINEST_PRECISION:
            # points carry a few decimals; 1e-29 would pass Decimal's 28 digits when rounding
            self.add(
                "invalid_value",
                "'precision' quá nhỏ: nhỏ nhất là 0,000001 (sáu chữ số thập phân)",
                "'precision' too small: the finest is 0.000001 (six decimal places)",
                ("precision",),
                text=criteria.precision,
                allowed=("1", "0.1", "0.01", "0.001"),
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

    def constraints(self) -> list[tuple[CompiledExpression, str]]:
        """The set's constraints over the inputs, compiled."""
        criteria = self.criteria
        constraints = []
        for index, constraint in enumerate(criteria.constraints):
            check = self.expression(
                constraint.rule, ("constraints", index, "rule"), None, ValueType.BOOL
            )
            if check is not None:
                constraints.append((check, constraint.message))
        return constraints

    def classification(self) -> dict[str | None, list[tuple[str, Interval]]]:
        """The bands by level (``None``: every level), each level tiling 0–100%."""
        criteria = self.criteria
        by_level: dict[str | None, list[tuple[str, Interval]]] = {}
        readable = True
        for index, band in enumerate(criteria.classification):
            interval = self.range(band.range, ("classification", index, "range"), None)
            if interval is None:
                readable = False
            else:
                by_level.setdefault(band.level, []).append((band.label, interval))
        for level, bands in by_level.items() if readable else ():
            for vi, en in coverage_problems([i for _, i in bands], _PERCENT):
                where = f" ({label('level', level)})" if level else ""
                where_en = f" ({label('level', level, 'en')})" if level else ""
                self.add(
                    "band_coverage",
                    f"phân loại{where} không phủ kín 0–100%: {vi}",
                    f"classification{where_en} does not tile 0–100%: {en}",
                    ("classification",),
                )
        return by_level

    def nodes(self) -> tuple[dict[str, CompiledNode], dict[str | None, list[str]]]:
        """Every node compiled (its rule by its kind), and each parent's children."""
        criteria = self.criteria
        compiled: dict[str, CompiledNode] = {}
        children: dict[str | None, list[str]] = {None: []}
        provisional_of: dict[str, bool] = {}
        seen_paths: dict[str, tuple[Path, Node | None]] = {}
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
                self.duplicate(code, seen_paths[code], (path, parent))
                continue
            seen_paths[code] = (path, parent)
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
        return compiled, children

    def totals(self) -> None:
        """The areas add to ``total_max`` and the survey leaves to ``survey_max``."""
        criteria = self.criteria
        counted = [n for n in criteria.nodes if counts_in_max(n)]
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
            (n.max_points for n in criteria.walk() if n.rule and kind_of(n.rule).given), Decimal(0)
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

    def duplicate(
        self, code: str, first: tuple[Path, Node | None], here: tuple[Path, Node | None]
    ) -> None:
        """A code seen twice: name the one out of its place as misplaced, else a duplicate."""
        fits = [_fits_place(code, parent) for _, parent in (first, here)]
        if fits[0] == fits[1]:
            self.add(
                "duplicate_code",
                f"mã {code} bị trùng",
                f"code {code} appears twice",
                (*here[0], "code"),
                code,
                code,
            )
            return
        wrong, right = (here, first) if fits[0] else (first, here)
        parent = wrong[1]
        where = (*wrong[0], "code")
        self.issues = [i for i in self.issues if (i.kind, i.path) != ("code_mismatch", where)]
        place = f"dưới {parent.code}" if parent else "ở cấp lĩnh vực"
        self.add(
            "misplaced_code",
            f"mã {code} đặt sai chỗ: nút này nằm {place}, còn mã {code} thuộc nút ở "
            f"{dotted(right[0])}; sửa mã nút này "
            f"({parent.code + '.<x>' if parent else 'một phần, không dấu chấm'})",
            f"code {code} is misplaced: this node is "
            f"{'under ' + parent.code if parent else 'an area'}, and {code} belongs to the "
            f"node at {dotted(right[0])}",
            where,
            code,
            code,
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


def _fits_place(code: str, parent: Node | None) -> bool:
    if parent is None:
        return "." not in code
    prefix = parent.code + "."
    return code.startswith(prefix) and "." not in code[len(prefix) :]


def compile_set(criteria: CriteriaSet) -> tuple[CompiledSet, list[Issue]]:
    """Compile every expression of ``criteria`` and check the whole set.

    Returns the compiled set and the list of problems (empty when the set is valid).
    """
    checker = _Checker(criteria)
    compiled = checker.run()
    return compiled, checker.issues


FINEST_PRECISION = Decimal("0.000001")
"""The finest rounding step a set may declare: points never need more decimals."""


def _usable_precision(precision: Decimal) -> Decimal:
    """The set's ``precision``, or 0,01 while a refused one is reported (so the rest of
    the set is still checked without rounding to an impossible step)."""
    return precision if FINEST_PRECISION <= precision <= 1 else Decimal("0.01")

"""What a criteria set asks of its inputs, read once before synthetic units are drawn.

:func:`plan` reads the set's constraints (``sum(left) <= sum(right)``), each leaf's
:class:`~parindex.rules.SyntheticHint` (which way an input moves the points, the value
that earns full points, levels, survey leaves) and the dates it reads with a due day
(:meth:`~parindex.rules.RuleKind.dues`, asked of its kind), and orders the inputs so
that every bound is drawn before what it bounds. :mod:`parindex.synthetic` draws the
units from the plan.
"""

from __future__ import annotations

import datetime as dt
import heapq
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from decimal import Decimal

from parindex.criteria import CriteriaSet, Input, InputType
from parindex.errors import EvaluationError, SyntheticError
from parindex.expressions import (
    Binary,
    BoolOp,
    Call,
    Compare,
    Const,
    Expr,
    IfElse,
    Name,
    Not,
    Unary,
    evaluate,
)
from parindex.rules import SyntheticHint

__all__ = ["BAD", "FULL_SCALE", "GOOD", "NEUTRAL", "NUMERIC", "STEP", "Plan", "Relation", "plan"]

GOOD, NEUTRAL, BAD = 1, 0, -1
"""How an input moves the points: more earns more, no effect, more loses."""

STEP: Mapping[InputType, Decimal] = {
    InputType.COUNT: Decimal(1),
    InputType.AMOUNT: Decimal("0.1"),
    InputType.PERCENT: Decimal("0.01"),
    InputType.RATIO: Decimal("0.0001"),
}
"""The step a synthetic value of each numeric input type is drawn in."""
FULL_SCALE: Mapping[InputType, Decimal] = {
    InputType.PERCENT: Decimal(100),
    InputType.RATIO: Decimal(1),
}
NUMERIC = frozenset(STEP)


# --- the plan: what the set asks for, read once --------------------------------------


@dataclass(frozen=True)
class Relation:
    """``sum(left) <= sum(right)`` (``<`` when ``strict``), from one constraint."""

    left: tuple[str, ...]
    right: tuple[str, ...]
    strict: bool
    text: str


@dataclass
class Plan:
    """The inputs in the order they are drawn, with what each must satisfy."""

    inputs: dict[str, Input]
    order: list[str]
    relations: list[Relation]
    upper: dict[str, list[Relation]]
    polarity: dict[str, int]
    direction: dict[str, int]
    share_target: dict[str, Decimal]
    value_target: dict[str, Decimal]
    related: set[str]
    dues: dict[str, dt.date]
    earliest: dict[str, dt.date]
    partners: dict[str, set[str]]
    paired: set[str]
    bounded: set[str]
    levels: dict[str, list[str]]
    survey: list[tuple[str, Decimal]]


def _walk(node: Expr) -> Iterator[Expr]:
    yield node
    children: tuple[Expr, ...] = ()
    if isinstance(node, Unary | Not):
        children = (node.operand,)
    elif isinstance(node, Binary):
        children = (node.left, node.right)
    elif isinstance(node, Compare):
        children = node.operands
    elif isinstance(node, BoolOp):
        children = node.values
    elif isinstance(node, IfElse):
        children = (node.test, node.body, node.orelse)
    elif isinstance(node, Call):
        children = node.args
    for child in children:
        yield from _walk(child)


def _signs(node: Expr, sign: int, out: dict[str, int], events: set[str]) -> None:
    """Add ``sign`` to every name by the way it moves ``node``'s value (denominators skipped).

    Names that lower a score by occurring at all (``x == 0``, ``x <= 2``) go to ``events``.
    """
    if isinstance(node, Name):
        out[node.name] = out.get(node.name, 0) + sign
    elif isinstance(node, Unary):
        _signs(node.operand, -sign if node.op == "-" else sign, out, events)
    elif isinstance(node, Not):
        _signs(node.operand, -sign, out, events)
    elif isinstance(node, Binary):
        _signs(node.left, sign, out, events)
        if node.op in ("+", "*"):
            _signs(node.right, sign, out, events)
        elif node.op == "-":
            _signs(node.right, -sign, out, events)
    elif isinstance(node, Call):
        if node.function in ("min", "max"):
            for arg in node.args:
                _signs(arg, sign, out, events)
        elif node.args and node.function in ("percent", "ratio", "round", "clamp", "abs"):
            _signs(node.args[0], sign, out, events)
    elif isinstance(node, Compare):
        for op, left, right in zip(node.ops, node.operands, node.operands[1:], strict=False):
            if op in ("<", "<=", ">", ">=", "=="):
                low = -sign if op in ("<", "<=") else sign
                high = -sign if op == "==" else -low
                for side, side_sign, other in (
                    (left, low if op != "==" else high, right),
                    (right, high, left),
                ):
                    if op == "==" and not (isinstance(other, Const) and other.value == 0):
                        continue
                    found: dict[str, int] = {}
                    _signs(side, 1, found, events)
                    for name, weight in found.items():
                        out[name] = out.get(name, 0) + side_sign * weight
                        counted = _terms(side) is not None  # a count, not a derived figure
                        if counted and isinstance(other, Const) and side_sign * weight < 0:
                            events.add(name)
    elif isinstance(node, BoolOp):
        for value in node.values:
            _signs(value, sign, out, events)
    elif isinstance(node, IfElse):
        _signs(node.test, sign, out, events)
        _signs(node.body, sign, out, events)
        _signs(node.orelse, sign, out, events)


def _names(node: Expr) -> set[str]:
    return {n.name for n in _walk(node) if isinstance(n, Name)}


def _pairs(node: Expr) -> Iterator[tuple[set[str], set[str]]]:
    """Names set against each other: numerator and denominator, the sides of ``-`` or ``>=``."""
    for sub in _walk(node):
        if isinstance(sub, Call) and sub.function in ("percent", "ratio") and len(sub.args) >= 2:
            yield _names(sub.args[0]), _names(sub.args[1])
        elif isinstance(sub, Binary) and sub.op == "-":
            yield _names(sub.left), _names(sub.right)
        elif isinstance(sub, Compare):
            for left, right in zip(sub.operands, sub.operands[1:], strict=False):
                yield _names(left), _names(right)


def _target(hint: SyntheticHint, full: Decimal) -> tuple[str, Decimal, bool] | None:
    """The name a threshold, band or proportional rule reads alone, and what it needs.

    For ``percent(x, y, …) >= 30%``: ``("x", 0.3, False)``, a share of ``y``; for a bare
    count ``x`` "từ 3 trở lên": ``("x", 3, True)``, an absolute value.
    """
    if not hint.values:
        return None
    root = hint.values[0].root
    needed = hint.needed
    if needed is None:
        return None
    if isinstance(root, Call) and root.function in ("percent", "ratio"):
        numerator = root.args[0]
        if isinstance(numerator, Name):
            scale = Decimal(100) if root.function == "percent" else Decimal(1)
            return numerator.name, min(needed / scale, Decimal(1)), False
        return None
    if isinstance(root, Name):
        if full == 0:
            return root.name, needed, True
        return root.name, min(needed / full, Decimal(1)), False
    return None


def _terms(node: Expr) -> tuple[str, ...] | None:
    if isinstance(node, Name):
        return (node.name,)
    if isinstance(node, Binary) and node.op == "+":
        left, right = _terms(node.left), _terms(node.right)
        return None if left is None or right is None else left + right
    return None


def _refuse(text: str, why: str, why_en: str) -> SyntheticError:
    return SyntheticError(
        f"không sinh được dữ liệu tổng hợp thỏa ràng buộc '{text}': {why}. "
        "Chỉ hỗ trợ dạng tổng các tên <= tổng các tên (cả chuỗi so sánh, >=, <)",
        f"cannot build synthetic data satisfying '{text}': {why_en}. Only sums of names "
        "compared with <=, <, >=, > (chains too) are supported",
    )


def _relations(criteria: CriteriaSet, inputs: Mapping[str, Input]) -> list[Relation]:
    found = []
    for check, _message in criteria.compiled.constraints:
        root = check.root
        if not isinstance(root, Compare) or not set(root.ops) <= {"<", "<=", ">", ">="}:
            raise _refuse(check.text, "không phải phép so sánh <, <=, >, >=", "not a comparison")
        for op, left, right in zip(root.ops, root.operands, root.operands[1:], strict=False):
            a, b = _terms(left), _terms(right)
            if a is None or b is None:
                raise _refuse(check.text, "một vế không phải tổng các tên", "a side is not a sum")
            if op in (">", ">="):
                a, b = b, a
            names = a + b
            if any(n not in inputs for n in names):
                raise _refuse(check.text, "ràng buộc đọc một fact", "the constraint reads a fact")
            kinds = {inputs[n].type for n in names}
            dates = kinds == {InputType.DATE}
            if not dates and not kinds <= NUMERIC:
                raise _refuse(check.text, "kiểu đầu vào không phải số", "inputs are not numbers")
            if dates and (len(a) != 1 or len(b) != 1):
                raise _refuse(check.text, "không cộng được ngày", "dates cannot be added")
            if len(set(names)) != len(names):
                raise _refuse(check.text, "một tên xuất hiện hai lần", "a name appears twice")
            found.append(Relation(a, b, op in ("<", ">"), check.text))
    return found


def _implied(
    criteria: CriteriaSet, inputs: Mapping[str, Input], declared: list[Relation]
) -> list[Relation]:
    """``x <= y`` for a rule's ``percent(x, y, …)`` when no constraint bounds ``x``.

    A share is part of its total; the set may not say so (e.g. documents sent
    electronically out of all documents). Only used to draw values, never to check them.
    """
    bounded = {n for r in declared for n in r.left}
    after: dict[str, set[str]] = {}
    for relation in declared:
        for right in relation.right:
            after.setdefault(right, set()).update(relation.left)

    def reaches(start: str, goal: set[str]) -> bool:
        seen, stack = set(), [start]
        while stack:
            name = stack.pop()
            if name in goal:
                return True
            if name not in seen:
                seen.add(name)
                stack.extend(after.get(name, ()))
        return False

    found = []
    for node in criteria.compiled.leaves():
        for value in node.expressions:
            for sub in _walk(value.root):
                if not (isinstance(sub, Call) and sub.function in ("percent", "ratio")):
                    continue
                numerator, total = sub.args[0], _terms(sub.args[1])
                if not isinstance(numerator, Name) or total is None:
                    continue
                name = numerator.name
                names = (name, *total)
                if (
                    name in bounded
                    or name in total
                    or any(inputs.get(n) is None or inputs[n].type not in NUMERIC for n in names)
                    or reaches(name, set(total))
                ):
                    continue
                bounded.add(name)
                for right in total:
                    after.setdefault(right, set()).add(name)
                text = f"{name} <= {' + '.join(total)}"
                found.append(Relation((name,), total, False, f"{text} (ngầm định)"))
    return found


def _date_windows(
    expr: Expr, dues: dict[str, dt.date], earliest: dict[str, dt.date], dates: set[str]
) -> None:
    """Due dates written in expressions: ``x <= date(2021, 12, 20)``, ``date(…) <= x``."""

    def constant(node: Expr) -> dt.date | None:
        if isinstance(node, Const) and isinstance(node.value, dt.date):
            return node.value
        if not (isinstance(node, Call) and node.function == "date"):
            return None
        if not all(isinstance(a, Const) for a in node.args):
            return None
        try:
            value = evaluate(node, {})
        except EvaluationError:
            return None
        return value if isinstance(value, dt.date) else None

    for node in _walk(expr):
        if not isinstance(node, Compare):
            continue
        for op, left, right in zip(node.ops, node.operands, node.operands[1:], strict=False):
            pairs = ((left, right, op), (right, left, {"<": ">", "<=": ">=", ">": "<"}.get(op)))
            for name, other, relation in pairs:
                day = constant(other)
                if not isinstance(name, Name) or name.name not in dates or day is None:
                    continue
                if relation in ("<", "<="):
                    dues[name.name] = min(dues.get(name.name, day), day)
                elif relation in (">", ">="):
                    earliest[name.name] = max(earliest.get(name.name, day), day)


@dataclass
class _Leaves:
    """What the leaves' hints say of each input (:meth:`~parindex.rules.RuleKind.synthetic`)."""

    totals: dict[str, int] = field(default_factory=dict)
    share_target: dict[str, Decimal] = field(default_factory=dict)
    value_target: dict[str, Decimal] = field(default_factory=dict)
    dues: dict[str, dt.date] = field(default_factory=dict)
    earliest: dict[str, dt.date] = field(default_factory=dict)
    partners: dict[str, set[str]] = field(default_factory=dict)
    events: set[str] = field(default_factory=set)
    levels: dict[str, list[str]] = field(default_factory=dict)
    survey: list[tuple[str, Decimal]] = field(default_factory=list)

    def read(self, hint: SyntheticHint, inputs: Mapping[str, Input], dates: set[str]) -> None:
        """One rule-scored leaf's hint: which way each input moves it, and its target."""
        direction = hint.direction
        for value in hint.values:
            found: dict[str, int] = {}
            _signs(value.root, direction, found, self.events)
            for name, weight in found.items():
                self.totals[name] = self.totals.get(name, 0) + weight
                if weight < 0 and hint.events:
                    self.events.add(name)
            _date_windows(value.root, self.dues, self.earliest, dates)
            for one, other in _pairs(value.root):
                for name in one:
                    self.partners.setdefault(name, set()).update(other - {name})
                for name in other:
                    self.partners.setdefault(name, set()).update(one - {name})
        if direction == GOOD:
            spec = None
            if hint.values and isinstance(hint.values[0].root, Name):
                spec = inputs.get(hint.values[0].root.name)
            full = FULL_SCALE.get(spec.type, Decimal(0)) if spec else Decimal(0)
            goal = _target(hint, full)
            if goal is not None:
                reader, needed, absolute = goal
                into = self.value_target if absolute else self.share_target
                into[reader] = max(into.get(reader, needed), needed)


def _leaves(criteria: CriteriaSet, inputs: Mapping[str, Input]) -> _Leaves:
    found = _Leaves()
    dates = {n for n, i in inputs.items() if i.type == InputType.DATE}
    for node in criteria.compiled.leaves():
        assert node.kind is not None
        hint = node.kind.synthetic(node.rule)
        dues = node.kind.dues(node.rule)
        if hint.survey:
            found.survey.append((node.code, node.node.max_points))
        elif dues:
            for value, due in dues:
                if isinstance(value.root, Name):
                    name = value.root.name
                    found.dues[name] = min(found.dues.get(name, due), due)
        elif hint.levels is not None:
            found.levels[hint.levels[0]] = list(hint.levels[1])
        else:
            found.read(hint, inputs, dates)
    return found


def _order(
    inputs: Mapping[str, Input],
    relations: list[Relation],
    polarity: Mapping[str, int],
    paired: set[str],
) -> list[str]:
    """Generation order: right-hand sides before left; then bad names (which take a small
    part of a shared total first), neutral, good; paired roots last (they follow a partner)."""
    rank = {BAD: 0, NEUTRAL: 1, GOOD: 2}
    position = {name: index for index, name in enumerate(inputs)}
    waiting = {name: 0 for name in inputs}
    after: dict[str, set[str]] = {name: set() for name in inputs}
    for relation in relations:
        for left in relation.left:
            for right in relation.right:
                if left not in after[right]:
                    after[right].add(left)
                    waiting[left] += 1

    def key(name: str) -> tuple[int, int, int]:
        return (name in paired, rank[polarity.get(name, NEUTRAL)], position[name])

    names_by_key = {key(n): n for n in inputs}
    heap = [key(n) for n in inputs if waiting[n] == 0]
    heapq.heapify(heap)
    order: list[str] = []
    while heap:
        name = names_by_key[heapq.heappop(heap)]
        order.append(name)
        for following in sorted(after[name], key=position.__getitem__):
            waiting[following] -= 1
            if waiting[following] == 0:
                heapq.heappush(heap, key(following))
    if len(order) != len(inputs):
        cycle = sorted(n for n in inputs if n not in order)
        raise SyntheticError(
            f"các ràng buộc tạo thành vòng, không sinh được dữ liệu: {', '.join(cycle)}",
            f"the constraints form a cycle: {', '.join(cycle)}",
        )
    return order


def plan(criteria: CriteriaSet) -> Plan:
    """What ``criteria`` asks of its inputs, read once for all the units drawn."""
    inputs = {i.name: i for i in criteria.inputs}
    relations = _relations(criteria, inputs)
    relations += _implied(criteria, inputs, relations)
    upper: dict[str, list[Relation]] = {}
    for relation in relations:
        for name in relation.left:
            upper.setdefault(name, []).append(relation)
    on_right = {n for r in relations for n in r.right}
    leaves = _leaves(criteria, inputs)
    # Bad names that are events (a deduction per case, "no one disciplined") are mostly 0;
    # other bad names are references (the base of a reduction): sized like neutral ones.
    direction_of = {name: (total > 0) - (total < 0) for name, total in leaves.totals.items()}
    polarity = {
        name: NEUTRAL if d == BAD and name not in leaves.events else d
        for name, d in direction_of.items()
    }
    paired = {
        n
        for n in inputs
        if n not in upper and n not in on_right and leaves.partners.get(n, set()) & inputs.keys()
    }
    return Plan(
        inputs=inputs,
        order=_order(inputs, relations, polarity, paired),
        relations=relations,
        upper=upper,
        polarity=polarity,
        direction=direction_of,
        share_target=leaves.share_target,
        value_target=leaves.value_target,
        related={n for r in relations for n in (*r.left, *r.right)},
        dues=leaves.dues,
        earliest=leaves.earliest,
        partners=leaves.partners,
        paired=paired,
        bounded=set(upper),
        levels=leaves.levels,
        survey=leaves.survey,
    )

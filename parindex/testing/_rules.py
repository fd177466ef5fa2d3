"""What the testing tools read from one compiled rule: its metric, edges and direction.

Every question about the rule itself is answered by its kind (one module per kind in
:mod:`parindex.rules`): :meth:`~parindex.rules.RuleKind.shape`,
:meth:`~parindex.rules.RuleKind.direction` and :meth:`~parindex.rules.RuleKind.dues`. Nothing here names a kind, so a new kind
is handled by the toolkit as soon as it is registered.

* The **metric** is the number a ``bands``, ``threshold``, ``proportional``, ``deduction``,
  ``bonus`` or ``penalty`` rule compares or scales (its ``value``); its **edges** are the
  ends of the rule's ranges (and the target, the point where a deduction reaches 0 …).
* The **direction** in which the points move when one input grows is read statically:
  the kind says whether more metric means more points (top band at the top, a
  threshold ``từ X trở lên``, a proportion), and a sign analysis of the expression says
  whether the metric grows with the input (a numerator, a sum) or falls (a denominator,
  a subtracted term). Where either is unknown the direction is ``0`` (“one way or the
  other, never both”).
* :func:`construct` finds inputs that put a metric exactly on a value, or just below or
  above it, including ``percent(a + b, c, …)`` of counts: the ratio is hit exactly by
  choosing ``c = q·k`` and ``a + b = p·k`` for the reduced fraction ``p/q``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from decimal import Decimal
from fractions import Fraction

from parindex.compiler import CompiledNode
from parindex.criteria import CriteriaSet, Input, InputType
from parindex.errors import EvaluationError
from parindex.expressions import (
    Binary,
    Call,
    CompiledExpression,
    Const,
    Expr,
    Name,
    Unary,
    Value,
    evaluate,
)
from parindex.ranges import Interval
from parindex.rules import Shape
from parindex.rules._domain import EVERYTHING, value_domain
from parindex.testing._linear import NUMERIC, Chooser, Row, Solver, _form, _NotLinear, to_value

__all__ = [
    "band_edge_codes",
    "construct",
    "domain_of",
    "dues_of",
    "edge_codes",
    "edges_of",
    "input_sign",
    "intervals_of",
    "metric_of",
    "reports_of",
    "rule_direction",
    "shape_of",
]

_NONE = Shape()


def shape_of(node: CompiledNode) -> Shape:
    """What the leaf's kind says of its rule (:meth:`parindex.rules.RuleKind.shape`):
    its metric, edges and stated ranges; nothing for a parent."""
    kind = node.kind
    if kind is None or node.rule is None or node.leaf is None:
        return _NONE
    return kind.shape(node.rule, node.leaf)


def band_edge_codes(criteria: CriteriaSet) -> list[str]:
    """The criteria whose rules state ranges of their metric (``bands``, ``threshold``):
    those :func:`parindex.testing.check_band_edges` checks, in tree order."""
    return [node.code for node in criteria.compiled.nodes.values() if shape_of(node).ranges]


def edge_codes(criteria: CriteriaSet) -> list[str]:
    """The criteria with stated ranges or due dates (``bands``, ``threshold``, ``deadline``):
    those :func:`parindex.testing.edge_submissions` puts on an edge or around a due day,
    in tree order."""
    nodes = criteria.compiled.nodes.values()
    return [node.code for node in nodes if shape_of(node).ranges or reports_of(node)]


def intervals_of(node: CompiledNode) -> list[Interval]:
    """The ranges a rule states (a ``bands`` rule's in file order, a ``threshold``'s one)."""
    return [stated.interval for stated in shape_of(node).ranges]


def reports_of(node: CompiledNode) -> tuple[tuple[CompiledExpression, dt.date], ...]:
    """The dates the rule reads with their due days (:meth:`parindex.rules.RuleKind.dues`:
    a deadline's reports), in file order; nothing for a parent."""
    kind = node.kind
    if kind is None or node.rule is None:
        return ()
    return kind.dues(node.rule)


def dues_of(node: CompiledNode) -> list[dt.date]:
    """The due dates of a rule that has them (a ``deadline``), in file order."""
    return [due for _, due in reports_of(node)]


def metric_of(node: CompiledNode) -> CompiledExpression | None:
    """The number the rule reads (``None`` for check, levels, deadline, survey, expression)."""
    return shape_of(node).metric


def domain_of(node: CompiledNode, criteria: CriteriaSet) -> Interval:
    """Where the metric lives: the rule's own ``domain``, else by its input's type or
    function (:func:`parindex.rules._domain.value_domain`, the one the loader checks bands
    with)."""
    shape = shape_of(node)
    if shape.domain is not None:
        return shape.domain
    if shape.metric is None:
        return EVERYTHING
    types = {i.name: i.type for i in criteria.inputs}
    return value_domain(shape.metric, types.get)


def edges_of(node: CompiledNode) -> list[Decimal]:
    """Values of the metric where the points may jump or stop changing, ascending."""
    return list(shape_of(node).edges)


# --- directions ---------------------------------------------------------------------


def _combine(a: int | None, b: int | None) -> int | None:
    if a is None or b is None:
        return None
    if a == 0:
        return b
    if b == 0 or a == b:
        return a
    return None


def _reads(expr: Expr, name: str) -> bool:
    if isinstance(expr, Name):
        return expr.name == name
    return any(_reads(child, name) for child in _children(expr))


def _children(expr: Expr) -> tuple[Expr, ...]:
    found: list[Expr] = []
    for value in vars(expr).values():
        if isinstance(value, Expr):
            found.append(value)
        elif isinstance(value, tuple):
            found += [v for v in value if isinstance(v, Expr)]
    return tuple(found)


def _non_negative(expr: Expr, inputs: Mapping[str, Input]) -> bool:
    if isinstance(expr, Const):
        return isinstance(expr.value, Decimal) and expr.value >= 0
    if isinstance(expr, Name):
        spec = inputs.get(expr.name)
        if spec is None:
            return False
        if spec.type in (InputType.COUNT, InputType.PERCENT, InputType.RATIO):
            return True
        return spec.type == InputType.AMOUNT and spec.min is not None and spec.min >= 0
    if isinstance(expr, Binary) and expr.op in ("+", "*", "/"):
        return _non_negative(expr.left, inputs) and _non_negative(expr.right, inputs)
    return False


def input_sign(expr: Expr, name: str, inputs: Mapping[str, Input]) -> int | None:
    """+1 if ``expr`` never falls as ``name`` grows, −1 if it never rises, 0 if it does
    not read ``name``; ``None`` when the shape does not tell."""
    if not _reads(expr, name):
        return 0
    if isinstance(expr, Name):
        return 1
    if isinstance(expr, Unary):
        inner = input_sign(expr.operand, name, inputs)
        return None if inner is None else (-inner if expr.op == "-" else inner)
    if isinstance(expr, Binary):
        left = input_sign(expr.left, name, inputs)
        right = input_sign(expr.right, name, inputs)
        if expr.op == "+":
            return _combine(left, right)
        if expr.op == "-":
            return _combine(left, None if right is None else -right)
        constant = expr.right if right == 0 else expr.left if left == 0 else None
        if expr.op == "*" and isinstance(constant, Const) and isinstance(constant.value, Decimal):
            other = left if constant is expr.right else right
            if other is None:
                return None
            return other * (1 if constant.value > 0 else -1 if constant.value < 0 else 0)
        if (
            expr.op == "/"
            and isinstance(expr.right, Const)
            and isinstance(expr.right.value, Decimal)
            and expr.right.value != 0
        ):
            return None if left is None else left * (1 if expr.right.value > 0 else -1)
        return None
    if isinstance(expr, Call):
        if expr.function in ("percent", "ratio"):
            top, bottom, when_zero = expr.args
            if _reads(when_zero, name):
                return None
            up = input_sign(top, name, inputs)
            down = input_sign(bottom, name, inputs)
            if down not in (0, None) and not _non_negative(top, inputs):
                return None
            return _combine(up, None if down is None else -down)
        if expr.function in ("min", "max", "clamp", "round"):
            args = expr.args[:1] if expr.function == "round" else expr.args
            result: int | None = 0
            for arg in args:
                result = _combine(result, input_sign(arg, name, inputs))
            if expr.function == "round" and _reads(expr.args[1], name):
                return None
            return result
    return None


def rule_direction(node: CompiledNode, criteria: CriteriaSet) -> int | None:
    """How the points move when the metric (or a deadline's date) grows: +1, −1, 0 (either,
    one way) or ``None`` (the rule has no numeric metric); the kind's own answer
    (:meth:`parindex.rules.RuleKind.direction`) within the metric's domain."""
    kind = node.kind
    if kind is None or node.rule is None or node.leaf is None:
        return None
    return kind.direction(node.rule, node.leaf, domain_of(node, criteria))


# --- putting a metric on a value ----------------------------------------------------


def _as_fraction(value: Decimal) -> Fraction:
    return Fraction(value)


def _on_value(
    coeffs: dict[str, Decimal], const: Decimal, target: Decimal, side: int, solver: Solver
) -> tuple[list[Row], list[str]] | None:
    """Rows holding a linear metric on the grid value at (or just beside) ``target``."""
    step = min(solver.step(n) for n in coeffs)
    on_grid = (target / step).to_integral_value() * step
    if side == 0 and on_grid != target:
        return None
    value = on_grid + side * step if on_grid == target else on_grid
    if side < 0 and value >= target:
        value -= step
    if side > 0 and value <= target:
        value += step
    rows = [
        Row(coeffs, const - value, "metric"),
        Row({n: -c for n, c in coeffs.items()}, value - const, "metric"),
    ]
    return rows, list(coeffs)


def _on_share(
    root: Call,
    numeric: Mapping[str, Input],
    target: Decimal,
    side: int,
    scale: int,
    gap: Decimal,
) -> tuple[list[Row], list[str]] | None:
    """Rows holding ``percent``/``ratio`` of linear sums at ``target`` (or just beside it):
    the numerator ``p·k`` (± 1) and the denominator ``q·k`` for ``target = p/q``."""
    try:
        top, top_const = _form(root.args[0], numeric)
        bottom, bottom_const = _form(root.args[1], numeric)
    except _NotLinear:
        return None
    if not bottom or target < 0:
        return None
    share = _as_fraction(target / 100 if root.function == "percent" else target)
    p, q = share.numerator, share.denominator
    k = max(scale, 1)
    if side:
        unit = Decimal(100) if root.function == "percent" else Decimal(1)
        needed = int(unit * 2 / (q * gap)) + 1 if gap > 0 else 1
        k = max(k, needed)
    top_total = Decimal(p * k + side) - top_const
    bottom_total = Decimal(q * k) - bottom_const
    if top_total < 0 and not any(c < 0 for c in top.values()):
        return None
    rows = [
        Row(top, -top_total, "metric"),
        Row({n: -c for n, c in top.items()}, top_total, "metric"),
        Row(bottom, -bottom_total, "metric"),
        Row({n: -c for n, c in bottom.items()}, bottom_total, "metric"),
    ]
    return rows, list(dict.fromkeys([*top, *bottom]))


def construct(
    criteria: CriteriaSet,
    node: CompiledNode,
    target: Decimal,
    side: int,
    solver: Solver,
    choose: Chooser,
    scale: int = 1,
    gap: Decimal = Decimal(1),
) -> dict[str, Value] | None:
    """Inputs of the rule putting its metric on ``target`` (``side`` 0), just below it
    (−1) or just above it (+1), closer than ``gap`` to it; ``None`` when impossible.

    Supported metrics: a numeric input, and ``percent`` / ``ratio`` of sums and
    differences of numeric inputs. ``choose`` picks the free inputs (see
    :data:`parindex.testing._linear.Chooser`); ``scale`` multiplies the counts.
    """
    metric = metric_of(node)
    if metric is None:
        return None
    numeric = {i.name: i for i in criteria.inputs if i.type in NUMERIC}
    root = metric.root
    try:
        linear: tuple[dict[str, Decimal], Decimal] | None = _form(root, numeric)
    except _NotLinear:
        linear = None
    if linear is not None and linear[0]:
        plan = _on_value(linear[0], linear[1], target, side, solver)
    elif isinstance(root, Call) and root.function in ("percent", "ratio"):
        plan = _on_share(root, numeric, target, side, scale, gap)
    else:
        return None
    if plan is None:
        return None
    rows, names = plan
    values = solver.solve(names, choose, extra=rows, first=names, context=list(solver.inputs))
    if values is None:
        return None
    typed: dict[str, Value] = {n: to_value(numeric[n].type, v) for n, v in values.items()}
    try:
        got = evaluate(metric, typed)
    except EvaluationError:
        return None
    if not isinstance(got, Decimal):
        return None
    if (
        (side == 0 and got != target)
        or (side < 0 and got >= target)
        or (side > 0 and got <= target)
    ):
        return None
    return typed


def date_inputs(node: CompiledNode) -> list[tuple[str, dt.date]]:
    """The (input, due date) pairs of a rule with due dates (a deadline) whose dates are
    plain date inputs; empty for a rule without."""
    return [(e.root.name, due) for e, due in reports_of(node) if isinstance(e.root, Name)]

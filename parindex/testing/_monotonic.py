"""Monotonicity: a rule never gives fewer points for a better result (:func:`check_monotonic`)."""

from __future__ import annotations

import contextlib
import datetime as dt
import itertools
from collections.abc import Callable, Collection, Iterable, Mapping, Sequence
from decimal import Decimal

from parindex.compiler import CompiledNode
from parindex.criteria import CriteriaSet, InputType
from parindex.engine import leaf_points
from parindex.errors import EvaluationError
from parindex.expressions import Call, Compare, CompiledExpression, Const, Expr, Value, evaluate
from parindex.submission import CheckedSubmission, Submission, check_submission
from parindex.testing._linear import NUMERIC, STEPS, Solver, from_value, to_value
from parindex.testing._rules import (
    _children,
    date_inputs,
    dues_of,
    edges_of,
    input_sign,
    metric_of,
    rule_direction,
)
from parindex.testing._violation import (
    _ZERO,
    Direction,
    InvariantViolation,
    _label,
    _pts,
    _rule_text,
    _show,
    _where,
)
from parindex.testing.describe import describe_value

__all__ = ["check_monotonic", "monotonic_leaf"]


# --- monotonicity -------------------------------------------------------------------


def _typed_of(
    criteria: CriteriaSet, submission: Submission | CheckedSubmission
) -> dict[str, Value]:
    checked = (
        submission
        if isinstance(submission, CheckedSubmission)
        else check_submission(criteria, submission)
    )
    return dict(checked.values)


class _SetInfo:
    """What the monotonic sweep needs of a set, computed once per set."""

    def __init__(self, criteria: CriteriaSet) -> None:
        self.solver = Solver.for_set(criteria, strict=False)
        self.spec_of = {i.name: i for i in criteria.inputs}
        self.dates = {i.name for i in criteria.inputs if i.type == InputType.DATE}
        self.checks: dict[str, list[CompiledExpression]] = {}
        for check, _message in criteria.compiled.constraints:
            for name in check.names:
                self.checks.setdefault(name, []).append(check)


_INFO: dict[str, _SetInfo] = {}


def _info(criteria: CriteriaSet) -> _SetInfo:
    key = f"{criteria.digest}:{id(criteria)}"
    if key not in _INFO:
        if len(_INFO) > 64:
            _INFO.clear()
        _INFO[key] = _SetInfo(criteria)
    return _INFO[key]


def _holds(
    checks: Iterable[CompiledExpression], values: Mapping[str, Value], dates: Collection[str]
) -> bool:
    """The constraints that read the moved input still hold (the others held already)."""
    for check in checks:
        if any(values.get(n) is False and n in dates for n in check.names):
            continue  # a report never sent is not ordered (as check_submission does)
        if not check.names <= values.keys():
            continue
        try:
            if not evaluate(check, values):
                return False
        except EvaluationError:
            return False
    return True


def _calls(expr: Expr) -> Iterable[Call]:
    if isinstance(expr, Call):
        yield expr
    for child in _children(expr):
        yield from _calls(child)


def _zero_denominator(node: CompiledNode, values: Mapping[str, Value]) -> bool:
    """A ``percent``/``ratio`` of the rule divides by 0: its ``when_zero`` is a convention,
    not a point of the ratio, so monotonicity does not look at it."""
    for expression in node.expressions:
        for call in _calls(expression.root):
            if call.function in ("percent", "ratio"):
                try:
                    if evaluate(call.args[1], values) == 0:
                        return True
                except EvaluationError:
                    return True
    return False


def _probes(node: CompiledNode, name: str, criteria: CriteriaSet) -> list[tuple[Expr, Decimal]]:
    """(sub-expression, value) pairs where the points may jump as ``name`` moves."""
    probes: list[tuple[Expr, Decimal]] = []
    metric = metric_of(node)
    if metric is not None:
        probes += [(metric.root, edge) for edge in edges_of(node)]

    def compares(expr: Expr) -> None:
        if isinstance(expr, Compare) and len(expr.operands) == 2:
            left, right = expr.operands
            for side, other in ((left, right), (right, left)):
                if isinstance(other, Const) and isinstance(other.value, Decimal):
                    probes.append((side, other.value))
        for child in _children(expr):
            compares(child)

    for expression in node.expressions:
        compares(expression.root)
    return probes


def _crossings(
    expr: Expr,
    edge: Decimal,
    sign: int,
    at: Callable[[Decimal], Mapping[str, Value]],
    lo: Decimal,
    hi: Decimal,
    step: Decimal,
) -> list[Decimal]:
    """Grid points just before and at the first place where ``expr`` reaches ``edge`` (≥ and
    >), found by bisection; ``expr`` moves with the input in direction ``sign``."""
    found: list[Decimal] = []
    count = int((hi - lo) / step)
    for strict in (False, True):

        def reached(k: int, strict: bool = strict) -> bool:
            value = evaluate(expr, at(lo + k * step))
            assert isinstance(value, Decimal)
            if sign > 0:
                return value > edge if strict else value >= edge
            return value < edge if strict else value <= edge

        try:
            if not reached(count):
                continue
            low, high = 0, count
            while low < high:
                middle = (low + high) // 2
                if reached(middle):
                    high = middle
                else:
                    low = middle + 1
        except (EvaluationError, AssertionError):
            continue
        found += [lo + (low - 1) * step, lo + low * step]
    return found


def _direction_of(
    criteria: CriteriaSet,
    node: CompiledNode,
    name: str,
    explicit: Mapping[str, Direction],
) -> int | None:
    if name in explicit:
        return {"increasing": 1, "decreasing": -1, "either": 0}[explicit[name]]
    spec = next((i for i in criteria.inputs if i.name == name), None)
    if spec is None or spec.type not in NUMERIC:
        return None
    if spec.type == InputType.DATE and not dues_of(node):
        return None  # a date window (from … to …) is legitimately not monotonic
    inputs = {i.name: i for i in criteria.inputs}
    sign: int | None = 0
    for expression in node.expressions:
        part = input_sign(expression.root, name, inputs)
        if part is None or sign is None:
            sign = None
        elif sign == 0:
            sign = part
        elif part not in (0, sign):
            sign = None
    direction = rule_direction(node, criteria)
    if direction is None or sign is None or direction == 0:
        return 0
    return direction * sign


def check_monotonic(
    criteria: CriteriaSet,
    code: str,
    submission: Submission | CheckedSubmission,
    *,
    increasing: Collection[str] = (),
    decreasing: Collection[str] = (),
    either: Collection[str] = (),
) -> None:
    """Moving one input at a time around this unit's values never moves the points the
    wrong way.

    The expected way is read from the rule: more of a numerator, less of a denominator,
    a higher value when the top band or a threshold “từ X trở lên” holds the points, an
    earlier date for a deadline, fewer occurrences for a deduction. Where the rule does
    not tell (``check``, ``levels``, an ``if … else`` expression), the points must move
    one way only — never both up and down. Name inputs in ``increasing`` /
    ``decreasing`` / ``either`` to state the expectation yourself. Each input is swept
    over the values where the points may jump (every band edge, both sides), the ends of
    what the constraints allow and a few points between; other inputs stay as they are.
    For a parent, every leaf below it is checked.
    """
    compiled = criteria.compiled
    if code not in compiled.nodes:
        raise KeyError(code)
    values = _typed_of(criteria, submission)
    explicit: dict[str, Direction] = {n: "increasing" for n in increasing}
    explicit.update({n: "decreasing" for n in decreasing})
    explicit.update({n: "either" for n in either})
    for leaf in _leaves_under(criteria, code):
        monotonic_leaf(criteria, leaf, values, explicit)


def _leaves_under(criteria: CriteriaSet, code: str) -> list[CompiledNode]:
    compiled = criteria.compiled
    result = []
    stack = [code]
    while stack:
        current = stack.pop()
        entry = compiled.nodes[current]
        if entry.node.is_leaf:
            if entry.kind is not None and not entry.kind.given:
                result.append(entry)
        else:
            stack.extend(reversed(compiled.children.get(current, ())))
    return result


def monotonic_leaf(
    criteria: CriteriaSet,
    node: CompiledNode,
    values: Mapping[str, Value],
    explicit: Mapping[str, Direction],
) -> None:
    if not node.inputs <= values.keys():
        return
    info = _info(criteria)
    solver, spec_of = info.solver, info.spec_of
    for name in sorted(node.inputs):
        direction = _direction_of(criteria, node, name, explicit)
        if direction is None:
            continue
        spec = spec_of[name]
        step = STEPS[spec.type]
        checks = info.checks.get(name, [])
        related = {name}
        for row in solver.rows:
            if name in row.coeffs:
                related.update(row.coeffs)
        related = {n for n in related if n in values and from_value(values[n]) is not None}
        related.add(name)
        box = solver.box(related)
        for other in related - {name}:
            number = from_value(values[other])
            assert number is not None
            box.lo[other] = box.hi[other] = number
        box.lo[name], box.hi[name] = solver.domain(name)
        if not box.propagate():
            continue
        current = from_value(values[name])
        lo, hi = box.lo[name], box.hi[name]
        anchor = current if current is not None else lo if lo is not None else _ZERO
        if lo is None:
            lo = anchor - 100 * step - abs(anchor)
        if hi is None:
            hi = max(anchor, lo) * 4 + 100
        grid: set[Decimal] = {lo, hi}
        if current is not None:
            grid.update({current, current - step, current + step})
        for index in range(1, 6):
            grid.add(lo + ((hi - lo) * index / 6 / step).to_integral_value() * step)

        def at(x: Decimal, name: str = name, kind: InputType = spec.type) -> dict[str, Value]:
            return {**values, name: to_value(kind, x)}

        inputs = {i.name: i for i in criteria.inputs}
        for expr, edge in _probes(node, name, criteria):
            sign = input_sign(expr, name, inputs)
            if sign in (1, -1):
                assert sign is not None
                grid.update(_crossings(expr, edge, sign, at, lo, hi, step))
        for date_name, due in date_inputs(node):  # a rule with due dates (a deadline)
            if date_name == name:
                for days in (-1, 0, 1):
                    grid.add(Decimal((due + dt.timedelta(days=days)).toordinal()))
        samples: list[tuple[Decimal | None, Decimal]] = []
        for x in sorted(g for g in grid if lo <= g <= hi):
            probe = at(x)
            if not _holds(checks, probe, info.dates) or _zero_denominator(node, probe):
                continue
            try:
                samples.append((x, leaf_points(criteria, node.code, probe)))
            except EvaluationError:
                continue
        if spec.type == InputType.DATE:
            probe = {**values, name: False}
            with contextlib.suppress(EvaluationError):
                samples.append((None, leaf_points(criteria, node.code, probe)))
        _verify(criteria, node, name, direction, samples, values)


def _verify(
    criteria: CriteriaSet,
    node: CompiledNode,
    name: str,
    direction: int,
    samples: Sequence[tuple[Decimal | None, Decimal]],
    values: Mapping[str, Value],
) -> None:
    spec = next(i for i in criteria.inputs if i.name == name)

    def shown(x: Decimal | None) -> str:
        return describe_value(False if x is None else to_value(spec.type, x), spec)

    rise = fall = None
    for (x1, p1), (x2, p2) in itertools.pairwise(samples):
        if p2 < p1 and fall is None:
            fall = (x1, p1, x2, p2)
        if p2 > p1 and rise is None:
            rise = (x1, p1, x2, p2)
    vi, en = _where(node.node)
    others = sorted((node.inputs | (node.applies_if.names if node.applies_if else set())) - {name})
    details = [_rule_text(node.node)] if _rule_text(node.node) else []
    if others:
        details.append(
            "Các số liệu khác giữ nguyên: "
            + "; ".join(
                f"{_label(criteria, n)} = {_show(criteria, n, values.get(n))}" for n in others
            )
        )
    label = _label(criteria, name)
    if direction > 0 and fall is not None:
        x1, p1, x2, p2 = fall
        raise InvariantViolation(
            "monotonic",
            f"{vi}: tăng {label} từ {shown(x1)} lên {shown(x2)} làm điểm giảm "
            f"{_pts(p1)} → {_pts(p2)}",
            f"{en}: raising {name} from {shown(x1)} to {shown(x2)} lowers the points {_pts(p1)} → {_pts(p2)}",
            code=node.code,
            details=details,
        )
    if direction < 0 and rise is not None:
        x1, p1, x2, p2 = rise
        raise InvariantViolation(
            "monotonic",
            f"{vi}: tăng {label} từ {shown(x1)} lên {shown(x2)} làm điểm tăng "
            f"{_pts(p1)} → {_pts(p2)} (quy tắc này phải giữ nguyên hoặc giảm điểm)",
            f"{en}: raising {name} from {shown(x1)} to {shown(x2)} raises the points "
            f"{_pts(p1)} → {_pts(p2)} (this rule must keep or lower them)",
            code=node.code,
            details=details,
        )
    if direction == 0 and rise is not None and fall is not None:
        steps = sorted([rise, fall], key=lambda s: (s[0] is None, s[0] or 0))
        path = "; ".join(f"{shown(a)} → {_pts(p)}, {shown(b)} → {_pts(q)}" for a, p, b, q in steps)
        raise InvariantViolation(
            "monotonic",
            f"{vi}: khi {label} tăng, điểm lúc tăng lúc giảm ({path})",
            f"{en}: as {name} grows the points go both up and down ({path})",
            code=node.code,
            details=details,
        )

"""Exact evaluation of an expression on one unit's values (the engine's backend).

An :class:`~parindex.expressions.Expr` tree is turned once into nested Python
closures, one per node, and the closures are kept for as long as the tree lives:
scoring a unit then calls them instead of walking the tree and testing each node's
type again. Nothing here reads text: the closures are built from the inert tree the
safe compiler made (:mod:`parindex.expressions`), by a fixed table of node types.

Values are exact (:class:`~decimal.Decimal`, dates, booleans, text). :func:`evaluate`
raises :class:`~parindex.errors.EvaluationError` for a division by zero, an invalid
date or a date given as not done (``false``) where a date is needed.
"""

from __future__ import annotations

import operator
import weakref
from collections.abc import Callable, Mapping
from decimal import Decimal, DivisionByZero

from parindex.errors import EvaluationError
from parindex.expressions import (
    FUNCTIONS,
    Binary,
    BoolOp,
    Call,
    Compare,
    CompiledExpression,
    Const,
    Expr,
    Fail,
    IfElse,
    In,
    Name,
    Not,
    Unary,
    Value,
)

__all__ = ["evaluate"]

Values = Mapping[str, Value]
Closure = Callable[[Values], Value]


def evaluate(expr: CompiledExpression | Expr, values: Values) -> Value:
    """Evaluate on one unit's values. Every name the expression reads must be present.

    Raises :class:`EvaluationError` for division by zero or an invalid date.
    """
    root = expr.root if isinstance(expr, CompiledExpression) else expr
    try:
        return _closure(root)(values)
    except (DivisionByZero, ZeroDivisionError) as exc:
        raise EvaluationError(
            "chia cho 0 khi tính biểu thức; dùng ratio(a, b, giá_trị_khi_b_bằng_0)"
        ) from exc
    except (ArithmeticError, ValueError) as exc:  # decimal Overflow, InvalidOperation …
        raise EvaluationError(f"không tính được biểu thức: {type(exc).__name__}") from exc
    except (TypeError, AttributeError) as exc:  # a date input given as false (not done)
        raise EvaluationError(
            "không tính được biểu thức: có ngày được khai là không thực hiện (false)"
        ) from exc


_CLOSURES: dict[int, Closure] = {}
"""Closures by the id of the tree they were built from; an entry leaves with its tree."""


def _closure(root: Expr) -> Closure:
    found = _CLOSURES.get(id(root))
    if found is None:
        found = _build(root)
        key = id(root)
        _CLOSURES[key] = found
        weakref.finalize(root, _CLOSURES.pop, key, None)
    return found


def _power(a: Decimal, b: Decimal) -> Decimal:
    return a ** int(b)


_ARITHMETIC: dict[str, Callable[[Decimal, Decimal], Decimal]] = {
    "+": operator.add,
    "-": operator.sub,
    "*": operator.mul,
    "/": operator.truediv,
    "**": _power,
}

_COMPARE: dict[str, Callable[[Value, Value], bool]] = {
    "<": operator.lt,
    "<=": operator.le,
    ">": operator.gt,
    ">=": operator.ge,
    "==": operator.eq,
    "!=": operator.ne,
}


def _build(node: Expr) -> Closure:
    builder = _BUILDERS.get(type(node))
    if builder is None:  # pragma: no cover - every node type has a builder
        raise TypeError(f"unknown expression node {node!r}")
    return builder(node)


def _const(node: Expr) -> Closure:
    assert isinstance(node, Const)
    value = node.value
    return lambda values: value


def _name(node: Expr) -> Closure:
    assert isinstance(node, Name)
    name = node.name
    return lambda values: values[name]


def _unary(node: Expr) -> Closure:
    assert isinstance(node, Unary)
    operand = _build(node.operand)
    if node.op == "-":

        def negative(values: Values) -> Value:
            value = operand(values)
            assert isinstance(value, Decimal)
            return -value

        return negative
    return operand


def _binary(node: Expr) -> Closure:
    assert isinstance(node, Binary)
    left, right, apply = _build(node.left), _build(node.right), _ARITHMETIC[node.op]
    return lambda values: apply(left(values), right(values))  # type: ignore[arg-type]


def _compare(node: Expr) -> Closure:
    assert isinstance(node, Compare)
    terms = [_build(term) for term in node.operands]
    tests = [_COMPARE[op] for op in node.ops]
    if len(tests) == 1:
        first, second, test = terms[0], terms[1], tests[0]
        return lambda values: test(first(values), second(values))

    def chained(values: Values) -> Value:
        left = terms[0](values)
        for test, term in zip(tests, terms[1:], strict=True):
            right = term(values)
            if not test(left, right):
                return False
            left = right
        return True

    return chained


def _bool_op(node: Expr) -> Closure:
    assert isinstance(node, BoolOp)
    parts = tuple(_build(value) for value in node.values)
    if node.op == "and":
        return lambda values: all(part(values) for part in parts)
    return lambda values: any(part(values) for part in parts)


def _not(node: Expr) -> Closure:
    assert isinstance(node, Not)
    operand = _build(node.operand)
    return lambda values: not operand(values)


def _if_else(node: Expr) -> Closure:
    assert isinstance(node, IfElse)
    test, body, orelse = _build(node.test), _build(node.body), _build(node.orelse)
    return lambda values: body(values) if test(values) else orelse(values)


def _in(node: Expr) -> Closure:
    assert isinstance(node, In)
    needle, options = _build(node.needle), node.options
    if node.negated:
        return lambda values: needle(values) not in options
    return lambda values: needle(values) in options


def _call(node: Expr) -> Closure:
    assert isinstance(node, Call)
    impl = FUNCTIONS[node.function].impl
    args = tuple(_build(arg) for arg in node.args)
    if len(args) == 1:
        (a,) = args
        return lambda values: impl(a(values))
    if len(args) == 2:
        a, b = args
        return lambda values: impl(a(values), b(values))
    if len(args) == 3:
        a, b, c = args
        return lambda values: impl(a(values), b(values), c(values))
    return lambda values: impl(*(arg(values) for arg in args))


def _fail(node: Expr) -> Closure:
    assert isinstance(node, Fail)
    message = node.message

    def fail(values: Values) -> Value:
        raise EvaluationError(message)

    return fail


_BUILDERS: dict[type[Expr], Callable[[Expr], Closure]] = {
    Const: _const,
    Name: _name,
    Unary: _unary,
    Binary: _binary,
    Compare: _compare,
    BoolOp: _bool_op,
    Not: _not,
    IfElse: _if_else,
    In: _in,
    Call: _call,
    Fail: _fail,
}

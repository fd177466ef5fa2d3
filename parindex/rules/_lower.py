"""Small builders for the expressions rule kinds lower to (see :meth:`RuleKind.lower`).

Only nodes of :mod:`parindex.expressions` are used, so every backend that evaluates
an expression (exact, vectors, Excel formulas) evaluates a lowered rule. Two idioms
need a word: a date input that was not done holds ``False``, tested with
``In(date, (False,))``; a value no band or level covers lowers to :class:`Fail`,
which every backend reports as the node's error.
"""

from __future__ import annotations

from decimal import Decimal

from parindex.expressions import (
    BoolOp,
    Call,
    Compare,
    Const,
    Expr,
    Fail,
    IfElse,
    In,
    Not,
    ValueType,
)
from parindex.numbers import quantize
from parindex.ranges import Interval
from parindex.rules._base import Leaf

__all__ = ["choose", "clamp", "fail", "inside", "not_done", "number", "points", "rounded"]

_N, _B = ValueType.NUMBER, ValueType.BOOL


def number(value: Decimal | int) -> Const:
    return Const(_N, Decimal(value))


def points(value: Decimal, leaf: Leaf) -> Const:
    """Constant points, rounded to the set's precision as the engine rounds."""
    return number(quantize(value, leaf.precision))


def rounded(expr: Expr, leaf: Leaf) -> Expr:
    """``round(expr, places)``, half up, to the set's precision."""
    return Call(_N, "round", (expr, number(leaf.places)))


def clamp(expr: Expr, low: Decimal, high: Decimal) -> Expr:
    return Call(_N, "clamp", (expr, number(low), number(high)))


def choose(test: Expr, body: Expr, orelse: Expr) -> Expr:
    return IfElse(body.type, test, body, orelse)


def inside(value: Expr, interval: Interval) -> Expr:
    """``value`` in ``interval`` as a (chained) comparison."""
    ops: list[str] = []
    operands: list[Expr] = []
    if interval.low is not None:
        ops.append("<=" if interval.low_inclusive else "<")
        operands.append(number(interval.low))
    operands.append(value)
    if interval.high is not None:
        ops.append("<=" if interval.high_inclusive else "<")
        operands.append(number(interval.high))
    if not ops:
        return Const(_B, True)
    return Compare(_B, tuple(ops), tuple(operands))


def not_done(date: Expr) -> Expr:
    """True when a date input holds ``False`` (the task was not done)."""
    return In(_B, date, (False,), False)


def done_by(date: Expr, due: Expr, inclusive: bool) -> Expr:
    """Done on (``inclusive``) or before ``due``."""
    return BoolOp(
        _B,
        "and",
        (Not(_B, not_done(date)), Compare(_B, ("<=" if inclusive else "<",), (date, due))),
    )


def fail(message: str, message_en: str) -> Expr:
    return Fail(_N, message, message_en)

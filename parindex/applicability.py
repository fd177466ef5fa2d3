"""Whether a node applies to a unit: its ``applies_if`` condition on the unit's values, known
even when some names are missing if the others decide it (``co_dvsncl and co_tthc`` is
false for a unit without ĐVSNCL whatever ``co_tthc`` is). The engine and the batch path
both ask it (:func:`applies`)."""

from __future__ import annotations

from collections.abc import Mapping

from parindex.compiler import CompiledNode
from parindex.expressions import BoolOp, Expr, Name, Not, Value, evaluate

__all__ = ["applies"]


def _reads(expr: Expr) -> set[str]:
    if isinstance(expr, Name):
        return {expr.name}
    found: set[str] = set()
    for value in vars(expr).values():
        for part in value if isinstance(value, tuple) else (value,):
            if isinstance(part, Expr):
                found |= _reads(part)
    return found


def _known(expr: Expr, values: Mapping[str, Value]) -> bool | None:
    """A condition's truth when some names are missing: ``None`` only if it depends on them.

    ``co_dvsncl and co_tthc`` is false for a unit without ĐVSNCL whatever ``co_tthc`` is.
    """
    if isinstance(expr, BoolOp):
        parts = [_known(v, values) for v in expr.values]
        decisive = expr.op == "or"  # True decides an 'or', False decides an 'and'
        if decisive in parts:
            return decisive
        return None if None in parts else not decisive
    if isinstance(expr, Not):
        inner = _known(expr.operand, values)
        return None if inner is None else not inner
    if _reads(expr) <= values.keys():
        return bool(evaluate(expr, values))
    return None


def applies(node: CompiledNode, values: Mapping[str, Value]) -> bool | None:
    """Whether a node's ``applies_if`` holds for these values; ``None`` when it cannot be known."""
    if node.applies_if is None:
        return True
    if node.applies_if.names <= values.keys():
        return bool(evaluate(node.applies_if, values))
    return _known(node.applies_if.root, values)

"""The values a rule's value may take: by input type, or by the function computing it."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal

from parindex.expressions import Call, CompiledExpression, Name
from parindex.ranges import Interval
from parindex.rules._model import InputType

__all__ = ["EVERYTHING", "PERCENT", "RATIO", "input_domain", "value_domain"]

PERCENT = Interval(Decimal(0), True, Decimal(100), True)
RATIO = Interval(Decimal(0), True, Decimal(1), True)
NON_NEGATIVE = Interval(Decimal(0), True, None, False)
EVERYTHING = Interval(None, False, None, False)


def input_domain(kind: InputType) -> Interval:
    """The values an input of this type may take."""
    return {
        InputType.PERCENT: PERCENT,
        InputType.RATIO: RATIO,
        InputType.COUNT: NON_NEGATIVE,
    }.get(kind, EVERYTHING)


def value_domain(
    value: CompiledExpression, input_type: Callable[[str], InputType | None]
) -> Interval:
    """An expression's domain: its input's, 0–100 for ``percent``, 0–1 for ``ratio``."""
    root = value.root
    if isinstance(root, Name):
        kind = input_type(root.name)
        if kind is not None:
            return input_domain(kind)
    if isinstance(root, Call) and root.function == "percent":
        return PERCENT
    if isinstance(root, Call) and root.function == "ratio":
        return RATIO
    return EVERYTHING

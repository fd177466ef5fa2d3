"""The values a rule's value may take: by input type, or by the function computing it."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal

from parindex.expressions import Call, CompiledExpression, Name
from parindex.ranges import Interval
from parindex.rules._model import InputType

__all__ = [
    "EVERYTHING",
    "PERCENT",
    "RATIO",
    "input_domain",
    "percent_words_on_ratio",
    "value_domain",
]

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


def percent_words_on_ratio(
    value: CompiledExpression, domain: Interval, whens: list[str]
) -> tuple[str, str] | None:
    """The fix, in Vietnamese and English, when a value from 0 to 1 is compared with bands
    written in % (``ratio(...)`` under ``từ 80%``, which compares the ratio with 80)."""
    if domain != RATIO:
        return None
    written = next((when for when in whens if "%" in when), None)
    if written is None:
        return None
    root = value.root
    if isinstance(root, Call) and root.function == "ratio":
        fix_vi, fix_en = (
            "dùng percent(...) thay cho ratio(...)",
            "use percent(...) instead of ratio(...)",
        )
    else:
        fix_vi, fix_en = "khai báo đầu vào kiểu percent", "declare the input as type percent"
    return (
        f"'{value.text}' là tỷ lệ từ 0 đến 1 nhưng khoảng viết theo % ('{written}'), "
        f"mà 80% được so như số 80, không phải 0,8: {fix_vi}, "
        "hoặc viết các khoảng theo 0–1 (0,8 thay cho 80%)",
        f"'{value.text}' is a ratio from 0 to 1 but the bands are written in % ('{written}'), "
        f"and 80% compares as 80, not 0.8: {fix_en}, or write the bands as 0–1 (0.8 for 80%)",
    )

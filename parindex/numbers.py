"""Exact decimals and Vietnamese number and date notation.

Points are :class:`decimal.Decimal` everywhere. Criteria files and Excel sheets
write decimals either way, ``0.5`` or the Vietnamese ``0,5``; both parse to the
same value. Display uses the decimal comma (``1,25``) and ``dd/mm/yyyy`` dates.
"""

from __future__ import annotations

import datetime as dt
import re
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

__all__ = [
    "format_date",
    "format_decimal",
    "parse_date",
    "parse_decimal",
    "quantize",
]

_DECIMAL_TEXT = re.compile(r"^[+-]?(\d+([.,]\d*)?|[.,]\d+)$")
_MAX_DIGITS = 30


def parse_decimal(value: object) -> Decimal:
    """Read a decimal written as a number, ``"0.5"`` or ``"0,5"``.

    Floats are read through their shortest ``repr`` so ``0.1`` becomes exactly
    ``Decimal("0.1")``. Booleans, thousands separators and exponents are refused:
    a score sheet never needs them and they hide typing mistakes.

    >>> parse_decimal("0,25")
    Decimal('0.25')
    """
    if isinstance(value, bool):
        raise ValueError(f"không phải số: {value!r}")
    if isinstance(value, Decimal):
        if not value.is_finite():
            raise ValueError(f"không phải số hữu hạn: {value}")
        return value
    if isinstance(value, int):
        return Decimal(value)
    if isinstance(value, float):
        # Excel cells arrive as floats; their shortest repr is the number the user typed.
        result = Decimal(repr(value))
        if not result.is_finite() or abs(result) >= Decimal(10) ** _MAX_DIGITS:
            raise ValueError(f"không phải số thập phân hữu hạn: {value!r}")
        return result
    if not isinstance(value, str):
        raise ValueError(f"không phải số: {value!r}")
    text = value.strip().replace("\u00a0", "")
    if not _DECIMAL_TEXT.match(text):
        raise ValueError(f"không phải số thập phân: {value!r} (viết 0,5 hoặc 0.5)")
    if len(text) > _MAX_DIGITS:
        raise ValueError(f"số quá dài: {value!r}")
    try:
        return Decimal(text.replace(",", "."))
    except InvalidOperation as exc:  # pragma: no cover - the regex already guards this
        raise ValueError(f"không phải số thập phân: {value!r}") from exc


def quantize(value: Decimal, step: Decimal) -> Decimal:
    """Round half up to ``step`` (``Decimal("0.01")`` keeps two decimals)."""
    return value.quantize(step, rounding=ROUND_HALF_UP)


def format_decimal(value: Decimal, places: int | None = None) -> str:
    """Vietnamese display: decimal comma, trailing zeros kept only with ``places``.

    >>> format_decimal(Decimal("1.50"))
    '1,5'
    >>> format_decimal(Decimal("84.375"), 2)
    '84,38'
    """
    if places is not None:
        value = quantize(value, Decimal(1).scaleb(-places))
        text = f"{value:.{places}f}"
    else:
        text = format(value.normalize(), "f")
    return text.replace(".", ",")


_DMY = re.compile(r"^(\d{1,2})/(\d{1,2})/(\d{4})$")


def parse_date(value: object) -> dt.date:
    """Read an ISO date (``2022-12-31``) or a Vietnamese one (``31/12/2022``)."""
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if not isinstance(value, str):
        raise ValueError(f"không phải ngày: {value!r} (viết dd/mm/yyyy hoặc yyyy-mm-dd)")
    text = value.strip()
    match = _DMY.match(text)
    try:
        if match:
            day, month, year = (int(g) for g in match.groups())
            return dt.date(year, month, day)
        return dt.date.fromisoformat(text)
    except ValueError as exc:
        raise ValueError(f"ngày không hợp lệ: {value!r} (viết dd/mm/yyyy hoặc yyyy-mm-dd)") from exc


def format_date(value: dt.date) -> str:
    """Vietnamese display, ``dd/mm/yyyy``."""
    return value.strftime("%d/%m/%Y")

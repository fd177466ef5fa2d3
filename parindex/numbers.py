"""Exact decimals and Vietnamese number and date notation.

Points are :class:`decimal.Decimal` everywhere. Criteria files, submissions, Excel
sheets and CSV write numbers as people do: ``0.5`` or the Vietnamese ``0,5``,
``1.250.000`` with dots between thousands. A number that reads two ways is refused,
never guessed. Display uses the decimal comma (``1,25``) and ``dd/mm/yyyy`` dates.
"""

from __future__ import annotations

import datetime as dt
import functools
import re
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

__all__ = [
    "NumberFormatError",
    "ValueTextError",
    "format_date",
    "format_decimal",
    "parse_date",
    "parse_decimal",
    "quantize",
    "shown",
]

_MAX_DIGITS = 30
_SPACES = str.maketrans("", "", " \u00a0\u202f\u2009")
_PLAIN = re.compile(r"^[+-]?(\d+([.,]\d*)?|[.,]\d+)$")
# 1.250.000 / 1.250.000,5 (Vietnamese) and 1,250,000 / 1,250,000.5 (English): groups of three.
_GROUPED = {
    ".": re.compile(r"^[+-]?[1-9]\d{0,2}(\.\d{3})+(,\d+)?$"),
    # 1,250,000 or 1,250.5: only the English reading (a lone 1,250 is the decimal 1,25).
    ",": re.compile(r"^[+-]?[1-9]\d{0,2}((,\d{3}){2,}(\.\d+)?|(,\d{3})+\.\d+)$"),
}
# One dot with exactly three digits after it, and 1–3 digits (not a lone 0) before: 12.500 is
# 12500 written the Vietnamese way, or 12,5 written with a decimal point. A comma is always
# the Vietnamese decimal comma (12,500 is 12,5) unless it separates several groups of three.
_AMBIGUOUS = re.compile(r"^[+-]?([1-9]\d{0,2})\.(\d{3})$")


class ValueTextError(ValueError):
    """A value that cannot be read as its type, said in Vietnamese (``message``, also
    ``str()``) and in English (``message_en``)."""

    def __init__(self, message: str, message_en: str) -> None:
        super().__init__(message)
        self.message = message
        self.message_en = message_en


class NumberFormatError(ValueTextError):
    """A number written so that it cannot be read, or could be read two ways.

    ``message`` is Vietnamese, ``message_en`` English; ``readings`` holds the values
    an ambiguous form could mean (``12.500`` → 12500 or 12,5).
    """

    def __init__(self, message: str, message_en: str, readings: tuple[Decimal, ...] = ()) -> None:
        super().__init__(message, message_en)
        self.readings = readings


def _ambiguous(text: str) -> NumberFormatError | None:
    match = _AMBIGUOUS.match(text)
    if match is None:
        return None
    sign = "-" if text.startswith("-") else ""
    whole, part = match.groups()
    thousands = Decimal(sign + whole + part)
    decimal = Decimal(f"{sign}{whole}.{part}").normalize()
    as_thousands = format_decimal(thousands)
    as_decimal = format_decimal(decimal)
    return NumberFormatError(
        f"số {text!r} đọc được hai cách: {as_thousands} (dấu chấm ngăn nghìn) hoặc "
        f"{as_decimal} (dấu chấm thập phân); viết {as_thousands} nếu là số nguyên, "
        f'"{as_decimal}" nếu là số thập phân',
        f"{text!r} reads two ways: {as_thousands} (dot between thousands) or "
        f"{as_decimal.replace(',', '.')} (decimal point); write {as_thousands} for the whole "
        f'number or "{as_decimal}" for the decimal',
        (thousands, decimal),
    )


@functools.lru_cache(maxsize=4096)
def _number_text(value: str) -> Decimal:
    """Read a number as a person wrote it; refuse a form that reads two ways.

    Cached by text (a submission repeats ``"0.50"``, ``"1"`` … a hundred times; a Decimal
    is immutable, so sharing one is safe); a refused text raises each time, never cached.
    """
    text = value.strip().translate(_SPACES) if _is_spaced(value) else value.strip()
    if len(text) > _MAX_DIGITS + 8:
        raise NumberFormatError(f"số quá dài: {value!r}", f"number too long: {value!r}")
    problem = _ambiguous(text)
    if problem is not None:
        raise problem
    for thousands, pattern in _GROUPED.items():
        if pattern.match(text):
            fraction = "," if thousands == "." else "."
            text = text.replace(thousands, "").replace(fraction, ".")
            break
    else:
        if not _PLAIN.match(text):
            raise NumberFormatError(
                f"không phải số: {value!r} (viết 1.250.000 hoặc 1250000; 0,5 hoặc 0.5)",
                f"not a number: {value!r} (write 1250000 or 1.250.000; 0.5 or 0,5)",
            )
        text = text.replace(",", ".")
    if len(text.lstrip("+-").replace(".", "")) > _MAX_DIGITS:
        raise NumberFormatError(f"số quá dài: {value!r}", f"number too long: {value!r}")
    try:
        return Decimal(text)
    except InvalidOperation as exc:  # pragma: no cover - the patterns already guard this
        raise NumberFormatError(f"không phải số: {value!r}", f"not a number: {value!r}") from exc


_SPACED = re.compile(r"^\s*[+-]?\d{1,3}([ \u00a0\u202f\u2009]\d{3})+([.,]\d+)?\s*$")


def _is_spaced(value: str) -> bool:
    """``1 250 000``: spaces (or no-break spaces) between groups of three digits."""
    return bool(_SPACED.match(value))


def parse_decimal(value: object) -> Decimal:
    """Read a number as Vietnamese write it, never guessing.

    ``1.250.000`` and ``18.600,5`` are read the Vietnamese way (dot between thousands,
    decimal comma); ``12,5`` and ``12.5`` are decimals; ``1,250,000.5`` is read the
    English way since it has only that reading. A form that reads two ways (``12.500``:
    twelve thousand five hundred, or twelve and a half) raises :class:`NumberFormatError`
    naming both readings and what to write instead. Floats are read through their
    shortest ``repr`` so ``0.1`` becomes exactly ``Decimal("0.1")``. Booleans and
    exponents are refused: a score sheet never needs them and they hide typing mistakes.

    >>> parse_decimal("18.600,5")
    Decimal('18600.5')
    >>> parse_decimal("0,25")
    Decimal('0.25')
    """
    if type(value) is str:  # the common case first: points as a submission writes them
        return _number_text(value)
    if isinstance(value, bool):
        raise NumberFormatError(f"không phải số: {shown(value)}", f"not a number: {value}")
    if isinstance(value, Decimal):
        if not value.is_finite():
            raise NumberFormatError(
                f"không phải số hữu hạn: {value}", f"not a finite number: {value}"
            )
        return value
    if isinstance(value, int):
        return Decimal(value)
    if isinstance(value, float):
        # Excel cells arrive as floats; their shortest repr is the number the user typed.
        result = Decimal(repr(value))
        if not result.is_finite() or abs(result) >= Decimal(10) ** _MAX_DIGITS:
            raise NumberFormatError(
                f"không phải số thập phân hữu hạn: {value!r}", f"not a finite decimal: {value!r}"
            )
        return result
    if not isinstance(value, str):
        raise NumberFormatError(f"không phải số: {shown(value)}", f"not a number: {value!r}")
    return _number_text(value)


def shown(value: object, language: str = "vi") -> str:
    """A value as a person wrote or reads it, for messages: ``1,25`` not ``Decimal('1.25')``."""
    en = language == "en"
    if isinstance(value, bool):
        return ("yes" if value else "no") if en else ("có" if value else "không")
    if isinstance(value, Decimal):
        return format_decimal(value) if value.is_finite() else str(value)
    if isinstance(value, float):
        return format_decimal(Decimal(repr(value))) if value == value else "NaN"
    if isinstance(value, dt.date):
        return format_date(value)
    if isinstance(value, str):
        return f"'{value}'"
    if isinstance(value, bytes):
        return "(binary data)" if en else "(dữ liệu nhị phân)"
    if value is None:
        return "(empty)" if en else "(trống)"
    return f"'{value}'" if isinstance(value, int) else type(value).__name__


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
        raise ValueTextError(
            f"không phải ngày: {shown(value)} (viết dd/mm/yyyy hoặc yyyy-mm-dd)",
            f"not a date: {shown(value, 'en')} (write dd/mm/yyyy or yyyy-mm-dd)",
        )
    text = value.strip()
    match = _DMY.match(text)
    try:
        if match:
            day, month, year = (int(g) for g in match.groups())
            return dt.date(year, month, day)
        return dt.date.fromisoformat(text)
    except ValueError as exc:
        raise ValueTextError(
            f"ngày không hợp lệ: {shown(value)} (viết dd/mm/yyyy hoặc yyyy-mm-dd)",
            f"no such date: {shown(value, 'en')} (write dd/mm/yyyy or yyyy-mm-dd)",
        ) from exc


def format_date(value: dt.date) -> str:
    """Vietnamese display, ``dd/mm/yyyy``: ``strftime("%d/%m/%Y")``'s text (the year
    unpadded below 1000, as glibc writes it), made without ``strftime``, which costs
    some 20 000 instructions a date (a review shows some 30 dates a unit)."""
    return f"{value.day:02d}/{value.month:02d}/{value.year}"

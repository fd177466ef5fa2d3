"""Deadlines as plans write them: "Quý I/2023", "Tháng 01-02/2023", "Thường xuyên" …

A plan's THỜI GIAN HOÀN THÀNH column is free text. :func:`parse_deadline` reads the
shapes the seeds use into a :class:`Deadline` with a first and a last day, so progress
can tell a deadline passed undone from one still ahead; text that names no time
("Sau rà soát", "Theo Kế hoạch ISO năm 2023") stays an ``event`` without dates. Text
that looks like a date but is not one ("Quý V/2023", "31/02/2023") is refused.

>>> parse_deadline("Quý II, III/2022", 2022).end
datetime.date(2022, 9, 30)
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from dataclasses import dataclass
from enum import StrEnum

__all__ = ["Deadline", "DeadlineKind", "parse_deadline", "shift_years"]


class DeadlineKind(StrEnum):
    """The shape of a deadline."""

    DATE = "date"  # trước ngày 31/12/2022
    MONTH = "month"  # Tháng 1/2023, 12/2021
    WINDOW = "window"  # Tháng 01-02/2023, tháng 2 đến tháng 8
    QUARTER = "quarter"  # Quý I/2023, Quý II, III/2022
    QUARTERLY = "quarterly"  # trước ngày 15 của tháng cuối mỗi Quý
    YEAR = "year"  # Năm 2023, Trong năm 2023
    REGULAR = "regular"  # Thường xuyên
    EVENT = "event"  # Sau rà soát, Theo Kế hoạch …: no date


@dataclass(frozen=True)
class Deadline:
    """A deadline read from its text; ``due`` lists every date it falls due on."""

    text: str
    kind: DeadlineKind
    start: dt.date | None = None
    end: dt.date | None = None
    due: tuple[dt.date, ...] = ()

    @property
    def dated(self) -> bool:
        return self.end is not None


_ROMAN = {"I": 1, "II": 2, "III": 3, "IV": 4}
_DATE = re.compile(r"(\d{1,2})/(\d{1,2})/(\d{4})")
_QUARTER = re.compile(r"qu[ýy]\s+([IVX]+(?:\s*,\s*[IVX]+)*)\s*(?:/\s*|năm\s+)(\d{4})", re.I)
_QUARTERLY = re.compile(
    r"ngày\s+(\d{1,2})\s+(?:của\s+)?tháng\s+cuối\s+(?:của\s+)?mỗi\s+qu[ýy]", re.I
)
_MONTH_RANGE = re.compile(r"tháng\s+(\d{1,2})\s*-\s*(\d{1,2})\s*/\s*(\d{4})", re.I)
_MONTH_WINDOW = re.compile(
    r"tháng\s+(\d{1,2})\s+(?:đến|tới)\s+(?:hết\s+)?tháng\s+(\d{1,2})(?:\s*/\s*(\d{4})|\s+năm\s+(\d{4}))?",
    re.I,
)
_MONTH = re.compile(r"(?:tháng\s+)?\b(\d{1,2})\s*/\s*(\d{4})\b", re.I)
_YEAR = re.compile(r"^(?:trong\s+)?năm\s+(\d{4})$", re.I)
_ANY_YEAR = re.compile(r"\b(20\d{2})\b")
_REGULAR = re.compile(r"thường\s+xuyên", re.I)
_EVENT = re.compile(r"^(theo|sau|ngay|khi|định kỳ)\b", re.I)


def _month_end(year: int, month: int) -> dt.date:
    return dt.date(year, month, calendar.monthrange(year, month)[1])


def _month(text: str, value: str) -> int:
    month = int(value)
    if not 1 <= month <= 12:
        raise ValueError(f"tháng không hợp lệ trong {text!r}: {month}")
    return month


def _quarters(text: str, match: re.Match[str]) -> Deadline:
    numbers = []
    for roman in re.split(r"\s*,\s*", match.group(1).upper()):
        if roman not in _ROMAN:
            raise ValueError(f"quý không hợp lệ trong {text!r}: {roman} (viết I, II, III hoặc IV)")
        numbers.append(_ROMAN[roman])
    year = int(match.group(2))
    first, last = min(numbers), max(numbers)
    start = dt.date(year, 3 * first - 2, 1)
    return Deadline(
        text,
        DeadlineKind.QUARTER,
        start,
        _month_end(year, 3 * last),
        tuple(_month_end(year, 3 * q) for q in sorted(set(numbers))),
    )


def _dated(text: str, year: int | None) -> Deadline | None:
    """The deadlines that carry dates, or ``None`` for text naming no time."""
    if m := _QUARTERLY.search(text):
        day = int(m.group(1))
        found = _ANY_YEAR.search(text)
        at = int(found.group(1)) if found else year
        if at is None:
            return None
        due = tuple(dt.date(at, 3 * q, day) for q in (1, 2, 3, 4))
        return Deadline(text, DeadlineKind.QUARTERLY, dt.date(at, 1, 1), due[-1], due)
    if dates := _DATE.findall(text):
        days = []
        for d, mo, y in dates:
            try:
                days.append(dt.date(int(y), int(mo), int(d)))
            except ValueError:
                raise ValueError(f"ngày không hợp lệ trong {text!r}: {d}/{mo}/{y}") from None
        return Deadline(text, DeadlineKind.DATE, None, max(days), tuple(sorted(days)))
    if m := _QUARTER.search(text):
        return _quarters(text, m)
    if re.search(r"\bqu[ýy]\s+[A-Z0-9]", text, re.I) and not _REGULAR.search(text):
        raise ValueError(
            f"quý không hợp lệ trong {text!r} (viết 'Quý I/2023' hoặc 'Quý II, III/2022')"
        )
    if m := _MONTH_RANGE.search(text):
        first, last, at = _month(text, m.group(1)), _month(text, m.group(2)), int(m.group(3))
        if first > last:
            raise ValueError(f"tháng đầu sau tháng cuối trong {text!r}")
        end = _month_end(at, last)
        return Deadline(text, DeadlineKind.WINDOW, dt.date(at, first, 1), end, (end,))
    if m := _MONTH_WINDOW.search(text):
        first, last = _month(text, m.group(1)), _month(text, m.group(2))
        written = m.group(3) or m.group(4)
        at = int(written) if written else year
        if at is None:
            return None
        if first > last:
            raise ValueError(f"tháng đầu sau tháng cuối trong {text!r}")
        end = _month_end(at, last)
        return Deadline(text, DeadlineKind.WINDOW, dt.date(at, first, 1), end, (end,))
    if (m := _MONTH.search(text)) and not _EVENT.match(text):
        month, at = _month(text, m.group(1)), int(m.group(2))
        end = _month_end(at, month)
        return Deadline(text, DeadlineKind.MONTH, dt.date(at, month, 1), end, (end,))
    if m := _YEAR.match(text):
        at = int(m.group(1))
        end = dt.date(at, 12, 31)
        return Deadline(text, DeadlineKind.YEAR, dt.date(at, 1, 1), end, (end,))
    return None


def parse_deadline(text: str, year: int | None = None) -> Deadline:
    """Read a deadline as a plan writes it; ``year`` is the plan's year, for text without one.

    Raises :class:`ValueError` (a Vietnamese message) for a date, month or quarter that does
    not exist.
    """
    clean = " ".join(text.split())
    if _REGULAR.search(clean):
        found = _ANY_YEAR.search(clean)
        at = int(found.group(1)) if found else year
        if at is None:
            return Deadline(clean, DeadlineKind.REGULAR)
        return Deadline(clean, DeadlineKind.REGULAR, dt.date(at, 1, 1), dt.date(at, 12, 31))
    dated = _dated(clean, year)
    return dated if dated is not None else Deadline(clean, DeadlineKind.EVENT)


def shift_years(text: str, years: int) -> str:
    """The text with every year (20xx) moved by ``years``: a deadline moved to the next plan.

    >>> shift_years("Kế hoạch trước ngày 31/12/2022", 1)
    'Kế hoạch trước ngày 31/12/2023'
    """
    if years == 0:
        return text
    return _ANY_YEAR.sub(lambda m: str(int(m.group(1)) + years), text)

"""Intervals written the way Vietnamese legal text writes them.

A band in a criteria file says ``"từ 80% đến dưới 100%"`` exactly as the decision
does; :func:`parse_range` turns it into an :class:`Interval` with the right
inclusive and exclusive ends, and :func:`coverage_problems` checks that a list of
bands covers its domain with no gap and no overlap.

Understood phrases (``X`` and ``Y`` are numbers, ``%`` and a unit word optional):

=============================  ============
``X`` / ``bằng X`` / ``đạt X``   ``[X, X]``
``từ X đến Y``                  ``[X, Y]``
``từ X đến dưới Y``             ``[X, Y)``
``trên X đến Y``                ``(X, Y]``
``trên X đến dưới Y``           ``(X, Y)``
``từ X trở lên`` / ``từ X``     ``[X, ∞)``
``tối thiểu X`` / ``ít nhất X``  ``[X, ∞)`` (also ``không dưới X``)
``trên X`` / ``hơn X``          ``(X, ∞)``
``dưới X``                      ``(-∞, X)``
``không quá X`` / ``tối đa X``  ``(-∞, X]``
=============================  ============

The symbols ``>= > <= < =`` are accepted too (``">= 90%"``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal
from functools import cache

from parindex.numbers import format_decimal, parse_decimal

__all__ = ["Interval", "coverage_problems", "parse_range"]

_NUM = r"(\d+(?:[.,]\d+)?)"
# An optional unit after a number: '%' or one word that is not a range keyword.
_UNIT = r"\s*(?:%|phần trăm|(?!(?:đến|dưới|trên|từ|trở|lên|hơn|bằng|đạt)\b)[^\d\s%<>=≤≥]+)?"


@dataclass(frozen=True)
class Interval:
    """A set of numbers between two ends; ``None`` is an open (infinite) end."""

    low: Decimal | None
    low_inclusive: bool
    high: Decimal | None
    high_inclusive: bool

    def __contains__(self, value: Decimal) -> bool:
        if self.low is not None and (
            value < self.low or (value == self.low and not self.low_inclusive)
        ):
            return False
        return not (
            self.high is not None
            and (value > self.high or (value == self.high and not self.high_inclusive))
        )

    def clip(self, domain: Interval) -> Interval | None:
        """The part of this interval inside ``domain``, or ``None`` if empty."""
        low, low_inc = self.low, self.low_inclusive
        if domain.low is not None and (low is None or low < domain.low):
            low, low_inc = domain.low, domain.low_inclusive
        elif domain.low is not None and low == domain.low:
            low_inc = low_inc and domain.low_inclusive
        high, high_inc = self.high, self.high_inclusive
        if domain.high is not None and (high is None or high > domain.high):
            high, high_inc = domain.high, domain.high_inclusive
        elif domain.high is not None and high == domain.high:
            high_inc = high_inc and domain.high_inclusive
        if (
            low is not None
            and high is not None
            and (low > high or (low == high and not (low_inc and high_inc)))
        ):
            return None
        return Interval(low, low_inc, high, high_inc)

    def describe(self, unit: str = "", language: str = "vi") -> str:
        """The interval in words: ``từ 80% đến dưới 100%`` (``from 80% to below 100%``)."""
        en = language == "en"

        def num(value: Decimal) -> str:
            return f"{format_decimal(value)}{unit}"

        if self.low is not None and self.low == self.high:
            return num(self.low)
        if en and self.low is not None and self.high is None and self.low_inclusive:
            return f"{num(self.low)} or more"
        parts = []
        if self.low is not None:
            words = ("from ", "above ") if en else ("từ ", "trên ")
            parts.append(words[0 if self.low_inclusive else 1] + num(self.low))
        if self.high is not None:
            if self.low is not None:
                words = ("to ", "to below ") if en else ("đến ", "đến dưới ")
            else:
                words = ("at most ", "below ") if en else ("không quá ", "dưới ")
            parts.append(words[0 if self.high_inclusive else 1] + num(self.high))
        elif self.low is not None and self.low_inclusive:
            parts.append("trở lên")
        return " ".join(parts) if parts else ("any value" if en else "mọi giá trị")


_SHAPES: tuple[tuple[str, str], ...] = (
    (rf"^(?:từ|tu)\s+{_NUM}{_UNIT}\s+đến\s+dưới\s+{_NUM}{_UNIT}$", "[)"),
    (rf"^(?:từ|tu)\s+{_NUM}{_UNIT}\s+đến\s+{_NUM}{_UNIT}$", "[]"),
    (rf"^(?:trên|hơn)\s+{_NUM}{_UNIT}\s+đến\s+dưới\s+{_NUM}{_UNIT}$", "()"),
    (rf"^(?:trên|hơn)\s+{_NUM}{_UNIT}\s+đến\s+{_NUM}{_UNIT}$", "(]"),
    (rf"^(?:từ|tu)\s+{_NUM}{_UNIT}(?:\s+trở\s+lên)?$", "[>"),
    (rf"^{_NUM}{_UNIT}\s+trở\s+lên$", "[>"),
    (rf"^(?:>=|≥|tối thiểu|ít nhất|không dưới)\s*{_NUM}{_UNIT}$", "[>"),
    (rf"^(?:trên|hơn|>)\s*{_NUM}{_UNIT}$", "(>"),
    (rf"^(?:dưới|<)\s*{_NUM}{_UNIT}$", "<)"),
    (rf"^(?:không quá|tối đa|<=|≤)\s*{_NUM}{_UNIT}$", "<]"),
    (rf"^(?:bằng|đạt|=)?\s*{_NUM}{_UNIT}$", "=="),
)


@cache
def _patterns() -> tuple[tuple[re.Pattern[str], str], ...]:
    """The phrases, compiled on first use: only a set read from its file parses ranges (a
    set from the compiled cache does not), and compiling them took a few milliseconds of
    every command's start-up."""
    return tuple((re.compile(pattern), shape) for pattern, shape in _SHAPES)


def parse_range(text: str) -> Interval:
    """Parse a Vietnamese range phrase; raise ``ValueError`` with the accepted forms.

    >>> parse_range("từ 80% đến dưới 100%")
    Interval(low=Decimal('80'), low_inclusive=True, high=Decimal('100'), high_inclusive=False)
    """
    normalised = " ".join(text.strip().lower().split())
    for pattern, shape in _patterns():
        match = pattern.match(normalised)
        if not match:
            continue
        numbers = [parse_decimal(g) for g in match.groups()]
        if shape == "==":
            return Interval(numbers[0], True, numbers[0], True)
        if shape == "[>":
            return Interval(numbers[0], True, None, False)
        if shape == "(>":
            return Interval(numbers[0], False, None, False)
        if shape == "<)":
            return Interval(None, False, numbers[0], False)
        if shape == "<]":
            return Interval(None, False, numbers[0], True)
        low, high = numbers
        if low == high and shape != "[]":
            raise ValueError(f"khoảng rỗng: {text!r}")
        if low > high:
            raise ValueError(f"khoảng ngược: {text!r} (đầu {low} lớn hơn cuối {high})")
        return Interval(low, shape[0] == "[", high, shape[1] == "]")
    raise ValueError(
        f"không hiểu khoảng {text!r}; viết như văn bản: '100%', 'từ 80% đến dưới 100%', "
        "'từ 90% trở lên', 'trên 30%', 'dưới 80%', 'không quá 25'"
    )


_NEG, _POS = Decimal("-Infinity"), Decimal("Infinity")


def _position(value: Decimal | None, inclusive: bool, infinity: Decimal) -> tuple[Decimal, int]:
    """A point on the line where coverage stops: ``(x, 1)`` includes ``x``, ``(x, 0)`` not."""
    return (infinity, 1) if value is None else (value, int(inclusive))


def coverage_problems(intervals: list[Interval], domain: Interval) -> list[tuple[str, str]]:
    """Gaps and overlaps of ``intervals`` over ``domain``, as sentences in Vietnamese and
    in English.

    >>> coverage_problems([parse_range("từ 80%"), parse_range("dưới 70%")],
    ...                   parse_range("từ 0 đến 100"))
    [('khoảng trống: từ 70 đến dưới 80', 'gap: from 70 to below 80')]
    """
    problems: list[tuple[str, str]] = []
    parts: list[tuple[int, Interval]] = []
    for i, interval in enumerate(intervals):
        clipped = interval.clip(domain)
        if clipped is None:
            problems.append(
                (
                    f"khoảng thứ {i + 1} ({interval.describe()}) nằm ngoài miền "
                    f"{domain.describe()}",
                    f"band {i + 1} ({interval.describe(language='en')}) lies outside the domain "
                    f"{domain.describe(language='en')}",
                )
            )
        else:
            parts.append((i, clipped))
    if not parts:
        return [
            *problems,
            (
                "không có khoảng nào trong miền " + domain.describe(),
                "no band lies in the domain " + domain.describe(language="en"),
            ),
        ]
    parts.sort(key=lambda p: (_NEG if p[1].low is None else p[1].low, not p[1].low_inclusive))
    # `edge`: everything up to this position is covered so far.
    edge = (_NEG, 0) if domain.low is None else (domain.low, int(not domain.low_inclusive))
    for i, part in parts:
        low = _NEG if part.low is None else part.low
        starts_included = part.low is None or part.low_inclusive
        if low > edge[0] or (low == edge[0] and not edge[1] and not starts_included):
            gap = Interval(
                None if edge[0] == _NEG else edge[0], not edge[1], part.low, not starts_included
            )
            problems.append(
                (f"khoảng trống: {gap.describe()}", f"gap: {gap.describe(language='en')}")
            )
        elif low < edge[0] or (edge[1] and starts_included and low != _NEG):
            problems.append(
                (
                    f"khoảng thứ {i + 1} ({intervals[i].describe()}) chồng lấn khoảng khác",
                    f"band {i + 1} ({intervals[i].describe(language='en')}) overlaps another",
                )
            )
        edge = max(edge, _position(part.high, part.high_inclusive, _POS))
    end = _position(domain.high, domain.high_inclusive, _POS)
    if edge < end:
        gap = Interval(edge[0], not edge[1], domain.high, domain.high_inclusive)
        problems.append((f"khoảng trống: {gap.describe()}", f"gap: {gap.describe(language='en')}"))
    return problems

"""How explanations name and show values: labels, units, the ``→ points/max`` tail."""

from __future__ import annotations

import datetime as dt
import weakref
from collections.abc import Callable, Mapping
from decimal import Decimal
from typing import TYPE_CHECKING

from parindex.errors import ParindexError
from parindex.expressions import Call, CompiledExpression, Expr, Name, Value, evaluate
from parindex.messages import expression_words
from parindex.numbers import format_date, format_decimal, quantize
from parindex.rules._base import Outcome, Scope
from parindex.rules._model import InputType

if TYPE_CHECKING:
    from parindex.ranges import Interval

__all__ = [
    "canonical",
    "display",
    "format_points",
    "label",
    "labels",
    "scored",
    "stated",
    "unit_of",
]

_HUNDREDTH = Decimal("0.01")


_SHOWN: list[Callable[[Decimal | None], str]] = []


def format_points(value: Decimal | None) -> str:
    """Points for display (``1,0``, ``0,25``), as :func:`parindex.report.format_points`."""
    if not _SHOWN:  # report imports the criteria model: bound on first use, not at import
        from parindex.report import format_points as shown

        _SHOWN.append(shown)
    return _SHOWN[0](value)


def display(
    value: Value,
    kind: InputType | None = None,
    unit: str | None = None,
    choices: Mapping[str, str] | None = None,
    language: str = "vi",
) -> str:
    """A value as a person reads it: ``có``, ``31/12/2023``, ``97,22%``, ``3 lần``, and a
    choice of an enum input by its words (``Hoàn thành kế hoạch``, not ``hoan_thanh``);
    in English ``yes``, ``no`` and ``not done`` for the Vietnamese words."""
    en = language == "en"
    if isinstance(value, bool):
        if kind == InputType.DATE and value is False:
            return "not done" if en else "không thực hiện"
        if en:
            return "yes" if value else "no"
        return "có" if value else "không"
    if isinstance(value, dt.date):
        return format_date(value)
    if isinstance(value, Decimal):
        if kind == InputType.PERCENT or unit == "%":
            return format_points(quantize(value, _HUNDREDTH)) + "%"
        text = format_decimal(
            quantize(value, _HUNDREDTH) if value != value.to_integral() else value
        )
        return f"{text} {unit}" if unit and unit != "%" else text
    if choices is not None and isinstance(value, str):
        return choices.get(value, value)
    return str(value)


def stated(interval: Interval, when: str, unit: str | None, language: str = "vi") -> str:
    """A rule's range as its sentence says it: the set's own phrase in Vietnamese
    (``trên 30%``), the same interval in English words (``above 30%``), in the unit the
    value is shown in (:func:`unit_of`)."""
    if language != "en":
        return when
    return interval.describe(f" {unit}" if unit and unit != "%" else unit or "", "en")


def canonical(value: Value) -> str:
    """A value as data (``true``, ``2023-12-31``, ``0.5``)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


def _lower_first(text: str) -> str:
    """Lower-case a label's first letter unless it starts an acronym (``TTHC``)."""
    if len(text) > 1 and text[1].islower():
        return text[0].lower() + text[1:]
    return text


def label(expr: CompiledExpression, scope: Scope, language: str = "vi") -> str:
    """A reader's name for the value an expression computes; says when a ratio's
    denominator was 0 (nothing received) and what the rule counts 0 of 0 as."""
    root = expr.root
    if isinstance(root, Name):
        return scope.labels.get(root.name, root.name)
    if isinstance(root, Call) and root.function in ("percent", "ratio"):
        return _ratio_words(root, scope, language)
    # words, never an input code or function name
    return _words(root, scope.labels, language)


def labels(expr: CompiledExpression, scope: Scope) -> tuple[str, str]:
    """:func:`label` in Vietnamese and in English."""
    return label(expr, scope), label(expr, scope, "en")


_WORDS: dict[tuple[int, str], tuple[Expr, Mapping[str, str], str]] = {}


def _words(root: Expr, labels: Mapping[str, str], language: str = "vi") -> str:
    """:func:`~parindex.messages.expression_words`, kept while the tree lives (a set's
    labels are one mapping, built once per set: units of a set share the words)."""
    key = (id(root), language)
    found = _WORDS.get(key)
    if found is None or found[0] is not root or found[1] is not labels:
        found = _WORDS[key] = root, labels, expression_words(root, labels, language)
        weakref.finalize(root, _WORDS.pop, key, None)
    return found[2]


def _ratio_words(root: Call, scope: Scope, language: str) -> str:
    words = _words(root, scope.labels, language)
    try:
        below, when_zero = (evaluate(arg, scope.values) for arg in root.args[1:3])
    except (KeyError, ParindexError):  # a missing input: nothing to say about it here
        return words
    if below == 0 and isinstance(when_zero, Decimal):
        shown = format_decimal(when_zero) + ("%" if root.function == "percent" else "")
        whole = _lower_first(_words(root.args[1], scope.labels, language))
        if language == "en":
            return words + (
                f" (none received: {whole} is 0, and the rule counts 0 of 0 as {shown})"
            )
        words += f" (không có trường hợp nào: {whole} bằng 0, quy tắc tính 0 trên 0 là {shown})"
    return words


def unit_of(expr: CompiledExpression, rule_unit: str | None, scope: Scope) -> str | None:
    """The unit a rule's value is shown in: the rule's own, or ``%`` for percentages."""
    if rule_unit:
        return rule_unit
    root = expr.root
    if isinstance(root, Call) and root.function == "percent":
        return "%"
    if isinstance(root, Name) and scope.types.get(root.name) == InputType.PERCENT:
        return "%"
    return None


def scored(points: Decimal, top: Decimal, vi: str, en: str) -> Outcome:
    """An outcome whose sentences end in ``→ points/max điểm`` (``points`` in English)."""
    tail = f" → {format_points(points)}/{format_points(top)}"
    return Outcome(points, f"{vi}{tail} điểm", f"{en}{tail} points")

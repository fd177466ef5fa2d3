"""Cell formats and safe text writing for the score sheets."""

from __future__ import annotations

import math
from decimal import Decimal
from typing import Any

from xlsxwriter.worksheet import Worksheet

from parindex.excel_layout import (
    APPRAISED,
    CODE,
    COMPUTED,
    DIFF,
    EVIDENCE,
    INPUTS,
    MAX,
    NOTE,
    RULE,
    SELF,
    TITLE,
    UNIT_NOTE,
    SheetRow,
    safe_text,
)

_FONT = "Times New Roman"  # the Vietnamese administrative standard; every viewer has its glyphs
_VI = "[$-42A]"  # Vietnamese locale tag: LibreOffice shows the decimal comma whatever its locale

MAX_CELL_TEXT = 32_767


class FormulaSheet(Worksheet):  # type: ignore[misc]
    """A worksheet that writes our formulas as they are.

    XlsxWriter runs some thirty regular expressions over every formula to add the
    ``_xlfn.`` prefix of functions newer than Excel 2007; ours use SUM, MAX, MIN, ROUND,
    IF and COUNT only, and skipping it saves a quarter of the time to write a 250-unit
    workbook (``benchmarks/excel.py``).
    """

    def _prepare_formula(self, formula: str, expand_future_functions: bool = False) -> str:
        return formula[1:] if formula.startswith("=") else formula


# --- formats ---------------------------------------------------------------------------------


class Formats:
    """XlsxWriter formats, created once per distinct set of properties."""

    def __init__(self, workbook: Any, places: int) -> None:
        self.workbook = workbook
        self.cache: dict[tuple[tuple[str, Any], ...], Any] = {}
        self.properties: dict[int, dict[str, Any]] = {}
        self.quoted_cache: dict[int, Any] = {}
        self.rows: dict[tuple[bool, bool, bool, int, bool], dict[int, Any]] = {}
        decimals = "0." + "0" * places if places else "0"
        self.number = f"{_VI}{decimals}"
        self.provisional = f'{_VI}{decimals}"*"'
        self.signed = f'{_VI}+{decimals};[Red]-{decimals};""'
        self.percent = f"{_VI}0.00"

    def get(self, **properties: Any) -> Any:
        merged = {"font_name": _FONT, "font_size": 11, "valign": "top", **properties}
        key = tuple(sorted(merged.items()))
        if key not in self.cache:
            made = self.workbook.add_format(merged)
            self.cache[key] = made
            self.properties[id(made)] = merged
        return self.cache[key]

    def quoted(self, fmt: Any) -> Any:
        """The same format with Excel's quote prefix (the cell stays text when edited)."""
        if id(fmt) not in self.quoted_cache:
            self.quoted_cache[id(fmt)] = self.get(**self.properties[id(fmt)], quote_prefix=True)
        return self.quoted_cache[id(fmt)]

    def row(self, row: SheetRow) -> dict[int, Any]:
        """The format of each column of a criteria row, by the row's style."""
        result = row.result
        area = result.kind == "area" and result.parent is None
        key = (area, row.applicable, result.provisional, min(result.depth, 4), row.entry)
        if key in self.rows:
            return self.rows[key]
        style: dict[str, Any] = {"border": 1, "text_wrap": True}
        if area:
            style.update(bold=True, bg_color="#DDEBF7")
        if not row.applicable:
            style.update(font_color="#7F7F7F", bg_color="#EDEDED", italic=True)
        entry = {"locked": False, "bg_color": "#FFF2CC" if row.applicable else "#EDEDED"}
        number = dict(style, text_wrap=False, num_format=self.number)
        entries = dict(number, **entry) if row.entry else number
        notes = dict(style, font_size=10, **(entry if row.entry else {}))
        maximum = self.provisional if result.provisional else self.number
        formats = {
            CODE: self.get(**style),
            TITLE: self.get(**style, indent=key[3]),
            MAX: self.get(**dict(number, num_format=maximum)),
            SELF: self.get(**entries),
            COMPUTED: self.get(**number),
            APPRAISED: self.get(**entries),
            DIFF: self.get(**dict(number, num_format=self.signed)),
            UNIT_NOTE: self.get(**notes),
            NOTE: self.get(**notes),
        }
        for col in (INPUTS, RULE, EVIDENCE):
            formats[col] = self.get(**style, font_size=10)
        self.rows[key] = formats
        return formats


def write_safe(sheet: Any, row: int, col: int, text: str, fmt: Any, formats: Formats) -> None:
    """Write text from a file as text: never a formula, quote-prefixed if it looks like one."""
    if len(text) > MAX_CELL_TEXT:
        text = text[: MAX_CELL_TEXT - 1] + "…"
    sheet.write_string(row, col, text, formats.quoted(fmt) if safe_text(text) else fmt)


def write_text(sheet: Any, row: int, col: int, text: str, formats: Formats, **style: Any) -> None:
    write_safe(sheet, row, col, text, formats.get(**style), formats)


def cell_number(value: Decimal) -> float:
    """A decimal as the cell number: points have few digits, so the float is exact to repr."""
    return float(value)


def wrapped_lines(text: str, width: float, size: int = 11) -> int:
    """Lines a wrapped text takes in a column (estimate, for row heights set in the file:
    viewers that do not fit rows themselves still show whole cells)."""
    per_line = max(1, int(width * (1.55 if size <= 10 else 1.3)))
    return sum(max(1, math.ceil(len(part) / per_line)) for part in text.split("\n"))

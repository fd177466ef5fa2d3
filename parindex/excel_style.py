"""Cell formats and safe text writing for the score sheets."""

from __future__ import annotations

import re
from collections.abc import Callable
from decimal import Decimal
from functools import lru_cache
from typing import Any

from xlsxwriter.worksheet import (
    CellBlankTuple,
    CellFormulaTuple,
    CellNumberTuple,
    CellStringTuple,
    Worksheet,
)

from parindex.excel_layout import (
    _DANGEROUS,
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
)

_FONT = "Times New Roman"  # the Vietnamese administrative standard; every viewer has its glyphs
_VI = "[$-42A]"  # Vietnamese locale tag: LibreOffice shows the decimal comma whatever its locale

MAX_CELL_TEXT = 32_767


class FormulaSheet(Worksheet):  # type: ignore[misc]
    """A worksheet that writes our formulas as they are, and its cells' XML faster.

    XlsxWriter runs some thirty regular expressions over every formula to add the
    ``_xlfn.`` prefix of functions newer than Excel 2007; ours use SUM, MAX, MIN, ROUND,
    IF and COUNT only, and skipping it saves a quarter of the time to write a 250-unit
    workbook (``benchmarks/excel.py``). :meth:`_write_cell` writes the four kinds of cell
    these sheets hold (shared string, number, blank, formula) in one formatted string each,
    as XlsxWriter writes them, and hands any other to XlsxWriter.
    """

    def _prepare_formula(self, formula: str, expand_future_functions: bool = False) -> str:
        return formula[1:] if formula.startswith("=") else formula

    def _write_cell(self, row: int, col: int, cell: Any) -> None:
        kind = type(cell)
        fmt = cell.format
        if fmt is None or kind not in _FAST_CELLS:
            super()._write_cell(row, col, cell)
            return
        ref = f"{_column(col)}{row + 1}"
        style = fmt._get_xf_index()
        if kind is CellStringTuple:
            self.fh.write(f'<c r="{ref}" s="{style}" t="s"><v>{cell.string}</v></c>')
        elif kind is CellNumberTuple:
            self.fh.write(f'<c r="{ref}" s="{style}"><v>{cell.number:.16G}</v></c>')
        elif kind is CellBlankTuple:
            self.fh.write(f'<c r="{ref}" s="{style}"/>')
        else:
            value = cell.value
            kind_attribute = ""
            if isinstance(value, str) and value:
                kind_attribute = ' t="str"'
            elif isinstance(value, bool) or (isinstance(value, str) and value.startswith("#")):
                super()._write_cell(row, col, cell)
                return
            formula = cell.formula.translate(_XML)
            shown = value.translate(_XML) if isinstance(value, str) else f"{value:.16G}"
            self.fh.write(
                f'<c r="{ref}" s="{style}"{kind_attribute}><f>{formula}</f><v>{shown}</v></c>'
            )


_XML = str.maketrans({"&": "&amp;", "<": "&lt;", ">": "&gt;"})
_FAST_CELLS = frozenset({CellStringTuple, CellNumberTuple, CellBlankTuple, CellFormulaTuple})


@lru_cache(maxsize=1024)
def _column(col: int) -> str:
    from xlsxwriter.utility import xl_col_to_name

    return str(xl_col_to_name(col))


# --- formats ---------------------------------------------------------------------------------


class Formats:
    """XlsxWriter formats, created once per distinct set of properties."""

    def __init__(self, workbook: Any, places: int) -> None:
        self.workbook = workbook
        self.cache: dict[tuple[tuple[str, Any], ...], Any] = {}
        self.properties: dict[int, dict[str, Any]] = {}
        self.quoted_cache: dict[int, Any] = {}
        self.rows: dict[tuple[bool, bool, bool, int, bool], dict[int, Any]] = {}
        self.styles: dict[tuple[object, ...], dict[str, Any]] = {}
        """Sets of formats by a sheet's own key (the official sheet's rows)."""
        self.memo: dict[object, Any] = {}
        """What the sheets of one workbook share, by a sheet's own key."""
        self.texts: dict[tuple[int, object], tuple[Any, str]] = {}
        """Documents described (:meth:`described`)."""
        self.careful = False
        """Write every cell of every sheet one by one (no shape's rows reused: the tests'
        reference for the rows made from a shape)."""
        decimals = "0." + "0" * places if places else "0"
        self.number = f"{_VI}{decimals}"
        self.provisional = f'{_VI}{decimals}"*"'
        self.signed = f'{_VI}+{decimals};[Red]-{decimals};""'
        self.percent = f"{_VI}0.00"
        self.unit = ""
        """The unit whose sheet is being written (named when a text is shortened)."""
        self.cuts: list[tuple[str, str]] = []
        """Texts shortened to fit a cell, described for :class:`SheetTextCut`."""

    def get(self, **properties: Any) -> Any:
        merged = {"font_name": _FONT, "font_size": 11, "valign": "top", **properties}
        key = tuple(sorted(merged.items()))
        if key not in self.cache:
            made = self.workbook.add_format(merged)
            self.cache[key] = made
            self.properties[id(made)] = merged
        return self.cache[key]

    def described(self, document: Any, describe: Callable[[Any], str]) -> str:
        """``describe(document)``, made once a document of the workbook and way of describing
        it (a document is cited by several criteria, and units copied from one file share
        their documents)."""
        key = (id(document), describe)
        found = self.texts.get(key)
        if found is None or found[0] is not document:  # kept: the id stays the document's
            found = self.texts[key] = document, describe(document)
        text: str = found[1]
        return text

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
        notes = dict(style, **(entry if row.entry else {}))
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
            formats[col] = self.get(**style)
        self.rows[key] = formats
        return formats


class SheetTextCut(UserWarning):
    """A text longer than an Excel cell holds (32.767 characters) was shortened on a sheet.

    The cell ends with a visible note saying how many characters are not shown; the full
    text stays in the submission (and in the workbook's hidden sheet). The message names
    the unit, the sheet and cell, and the criterion; ``message_en`` is its English twin.
    """

    def __init__(self, message: str, message_en: str = "") -> None:
        super().__init__(message)
        self.message_en = message_en or message


def write_safe(
    sheet: Any, row: int, col: int, text: str, fmt: Any, formats: Formats, code: str = ""
) -> None:
    """Write text from a file as text: never a formula, quote-prefixed if it looks like one.

    A text over :data:`MAX_CELL_TEXT` characters is never cut silently: the cell holds
    :func:`shortened` text, which says how much is left out, and :attr:`Formats.cuts`
    records the unit, cell and criterion for a :class:`SheetTextCut` warning.
    """
    if len(text) > MAX_CELL_TEXT:
        text = cut_text(sheet, row, col, text, formats, code)
    dangerous = text.startswith(_DANGEROUS)  # safe_text, inline: every text cell comes here
    sheet.write_string(row, col, text, formats.quoted(fmt) if dangerous else fmt)


ROWS_KEPT = 8
"""A shape's rows made again from those kept (:mod:`parindex.excel_detailed`,
:mod:`parindex.excel_official_rows`): the variants kept a row at most, by its texts, notes and
values. A province's units repeat most rows; a row whose values are each unit's own stops
being kept at this many (some 300 rows a shape, a few KB each)."""

LONG_TEXT = 32_767 // 2
"""Texts longer than this go :func:`safe_cell`'s careful way (shortened, or cut as
XlsxWriter cuts a text over 32.767 UTF-16 units); a shape's rows made once
(:mod:`parindex.excel_detailed`, :mod:`parindex.excel_official_rows`) keep no longer one."""


def safe_cell(
    sheet: Any, name: str, row: int, col: int, text: str, fmt: Any, formats: Formats, code: str
) -> str:
    """The XML :func:`write_safe` makes ``sheet`` (a :class:`~parindex.excel_xml.RowSheet`)
    store for the cell ``name`` at ``row``, ``col``, without storing it: its string added
    and counted, its format numbered if it is the first use, a cut recorded."""
    if len(text) > LONG_TEXT or text.startswith(_DANGEROUS):  # as write_safe writes it
        text = cut_text(sheet, row, col, text, formats, code)
        fmt = formats.quoted(fmt) if text.startswith(_DANGEROUS) else fmt
        return str(sheet.string_cell(row, col, text, fmt))
    style = sheet_style(sheet, fmt)
    return f'<c r="{name}"{style} t="s"><v>{sheet.str_table._get_shared_string_index(text)}</v></c>'


def sheet_style(sheet: Any, fmt: Any) -> str:
    """The `` s="7"`` attribute a :class:`~parindex.excel_xml.RowSheet` writes for ``fmt``
    (the format numbered at its first use)."""
    found: str | None = sheet._styles.get(fmt)
    return sheet._style(fmt) if found is None else found


def string_number(sheet: Any, text: str) -> object:
    """The shared string number of a text already in ``sheet``'s table, not counted: a
    shape's rows made once count their constant strings at each use."""
    table = sheet.str_table
    index = table._get_shared_string_index(text)
    table.count -= 1
    return index


def cut_text(sheet: Any, row: int, col: int, text: str, formats: Formats, code: str = "") -> str:
    """A text over :data:`MAX_CELL_TEXT` characters as the cell shows it (:func:`shortened`),
    its cut recorded for a :class:`SheetTextCut` warning (:func:`write_safe`)."""
    if len(text) > MAX_CELL_TEXT:
        from xlsxwriter.utility import quote_sheetname, xl_rowcol_to_cell

        where = f"{quote_sheetname(sheet.name)}!{xl_rowcol_to_cell(row, col)}"
        criterion = f", tiêu chí {code}" if code else ""
        unit = formats.unit or sheet.name
        formats.cuts.append(
            (
                f"{unit}{criterion}, ô {where}: văn bản dài {_count(len(text))} ký tự, quá sức "
                "chứa của một ô Excel; ô hiện phần đầu và ghi rõ phần không hiện (toàn văn vẫn "
                "trong hồ sơ và trang ẩn, nhập lại giữ toàn văn)",
                f"{unit}{criterion.replace('tiêu chí', 'criterion')}, cell {where}: a text of "
                f"{len(text):,} characters is more than an Excel cell holds; the cell shows its "
                "beginning and says what is not shown (the full text stays in the submission "
                "and the hidden sheet, and import keeps it)",
            )
        )
        text = shortened(text)
    return text


def _count(number: int) -> str:
    return f"{number:,}".replace(",", ".")


def shortened(text: str) -> str:
    """``text`` as a cell shows it: unchanged up to :data:`MAX_CELL_TEXT` characters, else
    its beginning and a note saying how many characters are not shown. Import recognises
    a shortened note it exported and keeps the full text (:func:`whole_text`)."""
    if len(text) <= MAX_CELL_TEXT:
        return text
    note, kept = "", MAX_CELL_TEXT
    for _ in range(3):  # the note's length depends on the count it states
        note = (
            f" … [còn {_count(len(text) - kept)} ký tự không hiện: một ô Excel chứa tối đa "
            "32.767 ký tự; toàn văn trong hồ sơ]"
        )
        kept = MAX_CELL_TEXT - len(note)
    return text[:kept] + note


def whole_text(read: str | None, exported: str | None) -> str | None:
    """The text a note cell stands for: the full ``exported`` text when the cell still holds
    its :func:`shortened` form, else what was read."""
    if read is not None and exported is not None and read == shortened(exported) != exported:
        return exported
    return read


def write_text(sheet: Any, row: int, col: int, text: str, formats: Formats, **style: Any) -> None:
    write_safe(sheet, row, col, text, formats.get(**style), formats)


def cell_number(value: Decimal) -> float:
    """A decimal as the cell number: points have few digits, so the float is exact to repr."""
    return float(value)


_NARROW = frozenset(" .,;:'!|()[]ijlrtfI-/")
_WIDE = {"m": 0.78, "w": 0.72, "M": 0.89, "W": 0.95, "…": 1.0, "—": 1.0}


def _char_width(char: str) -> float:
    """Width of a character in em of Times New Roman / Liberation Serif (measured averages
    of each class over the 2023 set's titles and evidence, rounded up a little)."""
    if char in _WIDE:
        return _WIDE[char]
    if char in _NARROW:
        return 0.28
    if char.isupper():
        return 0.69
    if char.isdigit():
        return 0.5
    return 0.47


def column_points(width: float) -> float:
    """The inside width, in points, of columns of ``width`` Excel character units
    (7 pixels a unit and 5 of padding, 0,75 point a pixel, less 3 points of cell margin)."""
    return (width * 7 + 5) * 0.75 - 3


LINE_EM = 1.18
"""Points a wrapped line takes, in em of its font: LibreOffice sets lines of Liberation Serif
(Times New Roman's metrics) 1,11 em apart at 11 points and 1,17 at 9 (the demo's print-outs,
read with ``pdftotext -bbox``); a little more, so that a row never cuts its last line."""


def line_points(size: float) -> float:
    """Points a wrapped line of font ``size`` takes in a row (:data:`LINE_EM`)."""
    return LINE_EM * size


@lru_cache(maxsize=1 << 16)
def _word_width(word: str) -> float:
    return sum(_char_width(c) for c in word)


@lru_cache(maxsize=1 << 16)
def text_lines(text: str, points: float, size: float) -> int:
    """Lines ``text`` wraps to in a column ``points`` wide at font ``size``: words laid out
    greedily, each character's width estimated (generous, so a row is never too short).
    Cached: the same titles recur on every unit's sheet.

    :func:`careful_text_lines`'s count, made a word at a time: a word without a hyphen is
    its own piece (no regular expression, no list of pieces), the same sums in the same
    order (``tests/test_excel_style.py``); a unit's new texts took a twentieth of a
    workbook's CPU in that function."""
    room = points / size
    lines = 0
    width_of, hyphenated = _word_width, _HYPHENATED.findall
    for paragraph in text.split("\n"):
        lines += 1
        used = 0.0
        for word in paragraph.split(" "):
            if "-" in word:  # cut after its hyphens: the first piece follows a space
                for index, piece in enumerate(hyphenated(word)):
                    width = width_of(piece)
                    gap = 0.25 if used and not index else 0.0
                    if used and used + gap + width > room:
                        lines += 1 + int(width // room)
                        used = width % room
                    elif not used and width > room:
                        lines += int(width // room)
                        used = width % room
                    else:
                        used += gap + width
                continue
            width = width_of(word)
            if used:
                if used + 0.25 + width > room:
                    lines += 1 + int(width // room)
                    used = width % room
                else:
                    used += 0.25 + width
            elif width > room:
                lines += int(width // room)
                used = width % room
            else:
                used = width
    return max(1, lines)


def careful_text_lines(text: str, points: float, size: float) -> int:
    """:func:`text_lines` as first written, each paragraph cut into pieces first (the
    reference its tests compare with)."""
    room = points / size
    lines = 0
    for paragraph in text.split("\n"):
        lines += 1
        used = 0.0
        for word, joined in _pieces(paragraph):
            width = _word_width(word)
            gap = 0.25 if used and not joined else 0.0
            if used and used + gap + width > room:
                lines += 1 + int(width // room)
                used = width % room
            elif not used and width > room:
                lines += int(width // room)
                used = width % room
            else:
                used += gap + width
    return max(1, lines)


def _pieces(paragraph: str) -> list[tuple[str, bool]]:
    """A paragraph's words, each cut after its hyphens as a spreadsheet wraps it
    (``so-xay-dung-mau`` → ``so-``, ``xay-``, ``dung-``, ``mau``): ``(piece, joined)``,
    joined when the piece follows a hyphen with no space between."""
    return [
        (piece, index > 0)
        for word in paragraph.split(" ")
        for index, piece in enumerate(_HYPHENATED.findall(word) or [word])
    ]


_HYPHENATED = re.compile(r"[^-]*-+|[^-]+")


def wrapped_lines(text: str, width: float, size: int = 11) -> int:
    """Lines a wrapped text takes in a column ``width`` Excel units wide (:func:`text_lines`)."""
    return text_lines(text, column_points(width), size)

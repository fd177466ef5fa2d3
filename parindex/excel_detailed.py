"""The criteria rows of a unit's detailed sheet: written cell by cell, or from their shape's text.

Units whose sheets have one shape (:meth:`parindex.excel_formulas.SheetFormulas.key`) have
criteria rows that differ only in a few places: the unit's texts (figures, the rule's
explanation, evidence, notes), its scores, the values the formulas store, and the rows'
heights. Every other part of a row — its code and title cells, the formula cells' text,
the cells' styles and names, the constant maxima — is the same XML on every unit's sheet of
that shape. :func:`write_rows` keeps each row as constant text with holes (:class:`_Row`);
every later unit of the shape only fills the holes, and its rows are put on the sheet whole
(:meth:`~parindex.excel_xml.RowSheet.put_rows`). Rows are kept for the workbook by their
constant parts (:func:`_row_key`), not by shape: a shape not seen before takes the rows it
shares with shapes before it (most of them: a shape differs from another in a few rows and
their parents), makes those it does not share without writing them where its strings and
formats are in the workbook already (:func:`_ready`), and writes the others cell by cell (the
careful path, :func:`_write_row`), keeping them then.

The result is the careful path's to the byte (``tests/test_excel_detailed.py``): the shared
strings are counted and added in the same order (a constant string was added by the first
unit and is counted once a row, as a written cell is), a format is numbered where the
careful path would first use it (a hole's format is looked up when the hole is filled), a
text too long for a cell or one that looks like a formula is written as the careful path
writes it.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from xlsxwriter.sharedstrings import SharedStringTable

from parindex.backends.excel import cell_name
from parindex.criteria import Aggregation
from parindex.excel_formulas import own_cells
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
from parindex.excel_style import (
    LONG_TEXT,
    ROWS_KEPT,
    Formats,
    cell_number,
    column_points,
    line_points,
    safe_cell,
    sheet_style,
    string_number,
    text_lines,
)
from parindex.excel_style import write_safe as _write_safe
from parindex.excel_xml import escaped, number_end, shown_end
from parindex.report import NodeResult, format_points

if TYPE_CHECKING:
    from parindex.excel import UnitSheet

__all__ = ["WIDTHS", "numbered", "write_rows"]

# 170 character units: printed one A4 landscape page wide at 84 %, so 11 points print at 9,2
WIDTHS = (6.5, 31, 7, 22, 23, 24, 8, 8, 9, 9, 11.5, 11)
_NUMBERS = (MAX, SELF, COMPUTED, APPRAISED, DIFF)
_POINTS = tuple(column_points(width) for width in WIDTHS)
"""Each column's inside width in points (what :func:`text_lines` wraps a text to)."""
_LINE = line_points(11)  # points a line of the 11-point body

# --- text of the descriptive columns --------------------------------------------------------------


def _evidence_text(result: NodeResult, documents: Mapping[str, Sequence[str]]) -> str:
    """The evidence cell: what the criterion asks for, the documents citing it (``documents``:
    each criterion's, described), whether evidence is missing."""
    lines = []
    if result.evidence_expected:
        lines.append("Yêu cầu: " + "; ".join(result.evidence_expected))
    lines += documents.get(result.code, ())
    if result.evidence_missing:
        lines.append("Chưa có TLKC")
    return "\n".join(lines)


def _rule_text(row: SheetRow) -> str:
    result = row.result
    lines = [result.rule_text] if result.rule_text else []
    if not row.applicable:
        lines.append(result.explanation)
    elif row.children:
        if row.aggregation == Aggregation.MAX:
            lines.append("Lấy điểm cao nhất trong các nội dung (chỉ tính một mức)")
        elif row.aggregation == Aggregation.CAPPED_SUM:
            lines.append(f"Tổng các nội dung, tối đa {format_points(result.declared_max)} điểm")
    else:
        lines.append("→ " + result.explanation)
    return "\n".join(lines)


def _inputs_text(result: NodeResult) -> str:
    return "\n".join(f"{i.label}: {i.display}" for i in result.inputs)


# --- the rows ---------------------------------------------------------------------------------


def write_rows(
    sheet: Any,
    formats: Formats,
    unit: UnitSheet,
    documents: Mapping[str, Sequence[str]],
    appraised: Mapping[str, tuple[Decimal, str | None]],
) -> None:
    """Write the criteria rows of ``unit``'s detailed sheet: each from its kept row where the
    workbook has one (:class:`_Rows`; unless ``formats.careful``), else cell by cell."""
    rows = unit.layout.rows
    if not rows:
        return
    if formats.careful:
        for row in rows:
            _write_row(sheet, formats, row, unit, documents, appraised)
        return
    key = ("detailed", unit.shape)
    made: _Rows | None = formats.memo.get(key)
    if made is None:
        made = formats.memo[key] = _Rows.planned(sheet, formats, unit)
    _fill(sheet, formats, made, unit, documents, appraised)


def _write_row(
    sheet: Any,
    formats: Formats,
    row: SheetRow,
    unit: UnitSheet,
    documents: Mapping[str, Sequence[str]],
    appraised: Mapping[str, tuple[Decimal, str | None]],
) -> None:
    """One criteria row, cell by cell (the careful path)."""
    result = row.result
    at = row.row
    fmt = formats.row(row)
    code = result.code
    title = row.title
    _write_safe(sheet, at, CODE, code, fmt[CODE], formats, code)
    _write_safe(sheet, at, TITLE, title, fmt[TITLE], formats, code)
    inputs, rule = _inputs_text(result), _rule_text(row)
    evidence = _evidence_text(result, documents)
    _write_safe(sheet, at, INPUTS, inputs, fmt[INPUTS], formats, code)
    _write_safe(sheet, at, RULE, rule, fmt[RULE], formats, code)
    _write_safe(sheet, at, EVIDENCE, evidence, fmt[EVIDENCE], formats, code)
    cells, evaluator, formulas = unit.cells, unit.evaluator, unit.formulas
    for col in _NUMBERS:  # five cells a row
        content = cells.get((at, col))
        if content is None:
            sheet.write_blank(at, col, None, fmt[col])
        elif isinstance(content, Decimal):
            sheet.write_number(at, col, cell_number(content), fmt[col])
        else:
            value = evaluator.cell(at, col)
            shown = "" if value is None else cell_number(value)  # None: the formula shows ""
            sheet.write_formula(at, col, formulas[at, col], fmt[col], shown)
    explained = unit.submission.self_scores.get(code)
    unit_note = explained.explanation if explained else None
    note = appraised[code][1] if code in appraised else None
    if unit_note:
        _write_safe(sheet, at, UNIT_NOTE, unit_note, fmt[UNIT_NOTE], formats, code)
    else:
        sheet.write_blank(at, UNIT_NOTE, None, fmt[UNIT_NOTE])
    if note:
        _write_safe(sheet, at, NOTE, note, fmt[NOTE], formats, code)
    else:
        sheet.write_blank(at, NOTE, None, fmt[NOTE])
    lines = max(
        text_lines(text, _POINTS[col], 11)
        for col, text in (
            (INPUTS, inputs),
            (RULE, rule),
            (EVIDENCE, evidence),
            (UNIT_NOTE, unit_note),
            (NOTE, note),
            (TITLE, title),
        )
        if text
    )
    sheet.set_row(at, min(409.0, lines * _LINE + 3))


# --- a shape's rows as text with holes ----------------------------------------------------------

_OWN, _FORMULA = 1, 2  # the holes of the score columns: a unit's constant, a formula's value


@dataclass(frozen=True)
class _Scores:
    """Score cells: the constant XML before each hole, the hole's kind and column; the
    constant XML after the last."""

    holes: tuple[tuple[str, int, int], ...]
    tail: str

    @staticmethod
    def made(
        sheet: Any,
        unit: UnitSheet,
        at: int,
        cols: Sequence[int],
        fmt: Mapping[int, Any],
        owned: set[tuple[int, int]],
    ) -> _Scores:
        holes, before = [], ""
        for col in cols:
            opening = f'<c r="{cell_name(at, col)}"{sheet_style(sheet, fmt[col])}'
            content = unit.cells.get((at, col))
            if (at, col) in owned:
                holes.append((before + opening, _OWN, col))
                before = ""
            elif content is None:
                before += opening + "/>"
            elif isinstance(content, Decimal):
                before += opening + number_end(content)
            else:
                formula = unit.formulas[at, col]
                text = escaped(formula[1:] if formula.startswith("=") else formula)
                holes.append((f"{before}{opening}><f>{text}</f><v>", _FORMULA, col))
                before = ""
        return _Scores(tuple(holes), before)


@dataclass(frozen=True)
class _Row:
    """One criteria row of a shape: its constant XML, and where the unit's parts go."""

    at: int
    pieces: tuple[str, ...]
    """The row's XML: its constant parts at even places, its holes (``""``) at odd places, in
    order the height's attributes, the maximum's hole, the figures, rule and evidence cells,
    the scores' holes, the unit's and the appraiser's note cells (:meth:`_Maker.row`; a
    template's :meth:`str.format` reads every character of the constant parts)."""
    held: int
    """The maximum's holes (0 or 1): the first ends of :attr:`holes`."""
    title_lines: int
    """Lines the title wraps to (a row's least)."""
    texts: tuple[tuple[str, Any, int, str], ...]
    """The figures, rule and evidence cells (the unit's texts): :func:`_text_cell`."""
    notes: tuple[tuple[str, Any, int, str], ...]
    """The unit's and the appraiser's note cells: :func:`_text_cell`."""
    holes: tuple[tuple[bool, tuple[int, int]], ...]
    """The maximum's and the scores' holes in order: whether it holds the unit's constant
    (else a formula's value), and its cell."""
    seen: dict[tuple[Any, ...], tuple[str, int]] = field(default_factory=dict)
    """The row's XML for texts, notes and values a unit gave before (:func:`_fill`), and its
    string cells."""
    said: dict[int, _Said] = field(default_factory=dict)
    """The row's texts by the result they were made of (:func:`_texts`)."""


_Said = tuple[NodeResult, tuple[Any, ...], tuple[str, str, str]]
"""A row's texts (:func:`_texts`): the result, what else of the row and the unit they read,
and the texts."""


@dataclass(frozen=True)
class _Rows:
    """A shape's criteria rows (:func:`write_rows`): each row's kept row, ``None`` for one
    written cell by cell (its kept row made once it is written, where it can be)."""

    rows: list[_Row | None]
    keys: tuple[tuple[Any, ...], ...]
    """Each row's :func:`_row_key`."""
    own: set[tuple[int, int]]
    """The cells holding the unit's own constants (:func:`own_cells`)."""

    @staticmethod
    def planned(sheet: Any, formats: Formats, unit: UnitSheet) -> _Rows:
        """The rows of ``unit``'s shape, a shape not seen before: a row equal in all its
        constant parts to one of another shape (its place, code, title, formats, maximum and
        formulas) is that kept row; one whose constant strings are in the string table and
        formats numbered already is made here, without writing it (so nothing is added to
        the workbook's tables out of the careful order); any other is written cell by cell."""
        kept: dict[tuple[Any, ...], _Row] = formats.memo.setdefault("detailed rows", {})
        own = set(own_cells(unit.layout))
        rows: list[_Row | None] = []
        keys = []
        for row in unit.layout.rows:
            fmt = formats.row(row)
            key = _row_key(unit, row, fmt, own)
            plan = kept.get(key)
            if plan is None and _ready(sheet, formats, row, fmt):
                plan = _made_row(sheet, formats, unit, row, own)
                if plan is not None:
                    kept[key] = plan
            rows.append(plan)
            keys.append(key)
        return _Rows(rows, tuple(keys), own)


def _row_key(
    unit: UnitSheet, row: SheetRow, fmt: Mapping[int, Any], own: set[tuple[int, int]]
) -> tuple[Any, ...]:
    """What a row's kept row (:func:`_made_row`) is made of: its place, code and title, its
    formats (a set of the workbook's, by identity) and its score cells' constant parts (a
    unit's own constant, a blank, a number's end, a formula's text)."""
    at = row.row
    cells, formulas = unit.cells, unit.formulas
    parts: list[Any] = [at, row.code, row.title, id(fmt)]
    for col in _NUMBERS:
        if (at, col) in own:
            parts.append(_OWN)
            continue
        content = cells.get((at, col))
        if content is None:
            parts.append(None)
        elif isinstance(content, Decimal):
            parts += (Decimal, number_end(content))
        else:
            parts += (str, formulas[at, col])
    return tuple(parts)


def _ready(sheet: Any, formats: Formats, row: SheetRow, fmt: Mapping[int, Any]) -> bool:
    """Whether a row's kept row can be made before it is written: its code and title in the
    string table, the formats of its constant cells numbered (their quoted twins too)."""
    strings = sheet.str_table.string_table
    for col, text in ((CODE, row.code), (TITLE, row.title)):
        if text not in strings:
            return False
        if text.startswith(_DANGEROUS):
            quoted = formats.quoted_cache.get(id(fmt[col]))
            if quoted is None or not numbered(quoted):
                return False
        elif not numbered(fmt[col]):
            return False
    return all(numbered(fmt[col]) for col in _NUMBERS)


def numbered(fmt: Any) -> bool:
    """Whether ``fmt`` has its number in the workbook: its own, or that of an equal format
    (XlsxWriter then gives the equal one's, leaving the format's own unset)."""
    return fmt.xf_index is not None or fmt._get_format_key() in fmt.xf_format_indices


def _made_row(
    sheet: Any, formats: Formats, unit: UnitSheet, row: SheetRow, own: set[tuple[int, int]]
) -> _Row | None:
    at, code, title = row.row, row.code, row.title
    if len(code) > LONG_TEXT or len(title) > LONG_TEXT or not title:
        return None  # cut on each sheet, with a warning naming it; or a row of no lines
    fmt = formats.row(row)
    head = [">"]
    for col, text in ((CODE, code), (TITLE, title)):
        style = sheet_style(
            sheet, formats.quoted(fmt[col]) if text.startswith(_DANGEROUS) else fmt[col]
        )
        head.append(
            f'<c r="{cell_name(at, col)}"{style} t="s"><v>{string_number(sheet, text)}</v></c>'
        )
    maximum = _Scores.made(sheet, unit, at, (MAX,), fmt, own)
    scores = _Scores.made(sheet, unit, at, (SELF, COMPUTED, APPRAISED, DIFF), fmt, own)
    holes = maximum.holes + scores.holes
    constant: list[str | None] = []  # the constant parts between the holes (a hole: None)
    for part in (f'<row r="{at + 1}"', None, "".join(head), maximum, None, None, None, scores):
        if isinstance(part, _Scores):
            for before, _, _ in part.holes:
                constant += (before, None)
            constant.append(part.tail)
        else:
            constant.append(part)
    constant += (None, None, "</row>")
    pieces = [""]
    for part in constant:
        if part is None:
            pieces += ("", "")
        else:
            pieces[-1] += part
    return _Row(
        at=at,
        pieces=tuple(pieces),
        held=len(maximum.holes),
        title_lines=text_lines(title, _POINTS[TITLE], 11),
        texts=tuple(_text_cell(sheet, at, c, fmt[c]) for c in (INPUTS, RULE, EVIDENCE)),
        notes=tuple(_text_cell(sheet, at, c, fmt[c]) for c in (UNIT_NOTE, NOTE)),
        holes=tuple((kind == _OWN, (at, col)) for _, kind, col in holes),
    )


def _text_cell(sheet: Any, at: int, col: int, fmt: Any) -> tuple[str, Any, int, str]:
    """A text hole: the cell's name, format and column, and the cell's XML up to its string's
    number when the format is numbered already (``""``: numbered when first used)."""
    name = cell_name(at, col)
    if fmt.xf_index is None:
        return name, fmt, col, ""
    return name, fmt, col, f'<c r="{name}"{sheet_style(sheet, fmt)} t="s"><v>'


_TEXT_POINTS = (_POINTS[INPUTS], _POINTS[RULE], _POINTS[EVIDENCE])
_NOTE_POINTS = (_POINTS[UNIT_NOTE], _POINTS[NOTE])


def _text_lines(text: str, points: float) -> int:
    """:func:`text_lines` of a row's figures, rule or evidence at 11 points, a paragraph at a
    time: each paragraph starts a line of its own, so a text's lines are its paragraphs' sum.
    A unit's new text shares most of its paragraphs with texts before (a figure's line, the
    rule's wording before its explanation), which :func:`text_lines` has cached."""
    if "\n" not in text:
        return text_lines(text, points, 11)
    return sum([text_lines(paragraph, points, 11) for paragraph in text.split("\n")])


def _lines(title: int, texts: Sequence[str], notes: Sequence[str | None]) -> int:
    """Lines a row's texts wrap to (its title's lines, ``title``, at least)."""
    lines = title
    for text, points in zip(texts, _TEXT_POINTS, strict=True):
        if text:
            lines = max(lines, _text_lines(text, points))
    for note, points in zip(notes, _NOTE_POINTS, strict=True):
        if note:
            lines = max(lines, text_lines(note, points, 11))
    return lines


def _fill(
    sheet: Any,
    formats: Formats,
    made: _Rows,
    unit: UnitSheet,
    documents: Mapping[str, Sequence[str]],
    appraised: Mapping[str, tuple[Decimal, str | None]],
) -> None:
    """``unit``'s rows: each kept row with the unit's parts in its holes, the rows in between
    without one written cell by cell (and kept then, where they can be). A row whose texts,
    notes and values a unit gave before is that row's XML again (:attr:`_Row.seen`): its
    strings are in the table and its formats numbered already, so only its string cells are
    counted."""
    cells: Mapping[tuple[int, int], Any] = unit.cells  # a hole's: a decimal or None
    cell, scores = unit.evaluator.cell, unit.submission.self_scores
    memo = unit.evaluator.memo  # the formulas' values (a shape's program filled it)
    table = sheet.str_table
    maker = _Maker(sheet, formats, table)
    counted = 0
    out: list[str] = []
    add = out.append
    first = last = 0
    for index, (plan, row) in enumerate(zip(made.rows, unit.layout.rows, strict=True)):
        if plan is None:
            if out:
                sheet.put_rows(first, last, "".join(out), (CODE, NOTE))
                out.clear()
            _write_row(sheet, formats, row, unit, documents, appraised)
            plan = _made_row(sheet, formats, unit, row, made.own)
            if plan is not None:
                kept = formats.memo.setdefault("detailed rows", {})
                made.rows[index] = kept.setdefault(made.keys[index], plan)
            continue
        result, at = row.result, plan.at
        if not out:
            first = at
        last = at
        counted += 2  # the code and the title
        code = result.code
        texts = _texts(plan, row, documents)
        explained = scores.get(code)
        notes = (
            explained.explanation if explained else None,
            appraised[code][1] if code in appraised else None,
        )
        ends = tuple(
            [
                number_end(cells[where])
                if own
                else shown_end(memo[where] if where in memo else cell(*where))
                for own, where in plan.holes
            ]
        )
        key = (texts, notes, ends)
        seen = plan.seen.get(key)
        if seen is not None:
            add(seen[0])
            counted += seen[1]
            continue
        xml, strings, again = maker.row(plan, texts, notes, ends, code)
        add(xml)
        counted += strings
        if again and len(plan.seen) < ROWS_KEPT:
            plan.seen[key] = xml, again
    table.count += counted
    if out:
        sheet.put_rows(first, last, "".join(out), (CODE, NOTE))


def _texts(
    plan: _Row, row: SheetRow, documents: Mapping[str, Sequence[str]]
) -> tuple[str, str, str]:
    """A row's figures, rule and evidence texts; the same strings as a unit before where its
    result is the same object (the engine gives units whose values and evidence for a
    criterion are equal one result: most rows of a province's units, values of their own or
    not), its row's applicability and parts and the documents citing it equal."""
    result = row.result
    also = (row.applicable, row.aggregation, row.children, documents.get(result.code))
    said = plan.said.get(id(result))
    if said is not None and said[0] is result and said[1] == also:
        return said[2]
    texts = (_inputs_text(result), _rule_text(row), _evidence_text(result, documents))
    if len(plan.said) < ROWS_KEPT:  # the result kept with it: its id names no other
        plan.said[id(result)] = result, also, texts
    return texts


class _Maker:
    """A unit's row of a shape made from its parts (:func:`_fill`)."""

    def __init__(self, sheet: Any, formats: Formats, table: Any) -> None:
        self.sheet, self.formats = sheet, formats
        self.index = table._get_shared_string_index
        # a string already in the table is looked up here and counted by the caller (the
        # other process's table marks the numbers of strings it adds: it always goes through
        # its method)
        self.known = table.string_table.get if type(table) is SharedStringTable else {}.get
        self.heights: dict[float, str] = {}

    def row(
        self,
        plan: _Row,
        texts: tuple[str, str, str],
        notes: tuple[str | None, str | None],
        ends: tuple[str, ...],
        code: str,
    ) -> tuple[str, int, int]:
        """The row's XML; the strings it found in the table (for the caller to count); the
        string cells it holds if it can be used again as it is (0: a text was cut, quoted
        or written with a format not numbered before)."""
        height = min(409.0, _lines(plan.title_lines, texts, notes) * _LINE + 3)
        attributes = self.heights.get(height)
        if attributes is None:
            attributes = self.heights[height] = self.sheet.row_attributes(height)
        at, put = plan.at, self.put
        (first, one), (second, two), (third, three) = (
            put(hole, text, at, code) for hole, text in zip(plan.texts, texts, strict=True)
        )
        found, plain, strings = (one > 0) + (two > 0) + (three > 0), min(one, two, three), 3
        cells = []
        for hole, note in zip(plan.notes, notes, strict=True):
            if note:
                made, known = put(hole, note, at, code)
                found, plain, strings = found + (known > 0), min(plain, known), strings + 1
            else:
                made = f'<c r="{hole[0]}"{sheet_style(self.sheet, hole[1])}/>'
            cells.append(made)
        held, pieces = plan.held, list(plan.pieces)
        pieces[1::2] = (attributes, *ends[:held], first, second, third, *ends[held:], *cells)
        return "".join(pieces), found, strings if plain >= 0 else 0

    def put(
        self, hole: tuple[str, Any, int, str], text: str, at: int, code: str
    ) -> tuple[str, int]:
        """A unit's text in its cell; and 1 when it was already in the string table (to be
        counted), 0 when added, -1 when written the careful way (counted there)."""
        name, fmt, col, prefix = hole
        if prefix and len(text) <= LONG_TEXT and not text.startswith(_DANGEROUS):
            number = self.known(text)
            if number is None:
                return f"{prefix}{self.index(text)}</v></c>", 0
            return f"{prefix}{number}</v></c>", 1
        return safe_cell(self.sheet, name, at, col, text, fmt, self.formats, code), -1

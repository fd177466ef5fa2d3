"""The official sheet's criteria rows made once a workbook and filled per unit.

As on the detailed sheet (:mod:`parindex.excel_detailed`), units of one shape have official
rows that differ only in the unit's texts (evidence cited, notes), the values the formulas
store, which appraised cells read "chưa thẩm định", and the rows' heights; the code, title
and maximum cells and the formulas' text are the same XML but for the detailed sheet's name
the formulas read from. :class:`OfficialRows` keeps that XML once a shape, written with
``\\0`` where the detailed sheet's name goes (no sheet name holds a control character);
:func:`fill` puts a unit's parts in the holes and the name in place. Rows are kept for the
workbook by their constant parts (:func:`_row_key`), not by shape: a shape not seen before
takes the rows it shares with shapes before it, makes the others without writing them where
their strings and formats are in the workbook already (:func:`_ready`), and writes the rest
cell by cell (:func:`parindex.excel_official._row`), keeping them then. The result is that
path's to the byte (``tests/test_excel_detailed.py``), shared strings and formats numbered
and counted in the same order.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from xlsxwriter.utility import quote_sheetname

from parindex.backends.excel import cell_name
from parindex.excel_detailed import numbered
from parindex.excel_layout import _DANGEROUS, APPRAISED, COMPUTED, MAX, SELF, SheetRow
from parindex.excel_official import (
    _BODY,
    _HEADER_ROW,
    _LINE,
    _POINTS,
    _SHEET,
    APPRAISED_OUT,
    EVIDENCE_OUT,
    MAX_OUT,
    NO,
    NOT_APPRAISED,
    NOTE_OUT,
    SELF_OUT,
    TITLE,
    _absolute,
    _Appraisal,
    _formats,
    _note,
    _row,
)
from parindex.excel_style import (
    LONG_TEXT,
    ROWS_KEPT,
    Formats,
    safe_cell,
    sheet_style,
    string_number,
    text_lines,
)
from parindex.excel_xml import escaped, number_end, shown_end
from parindex.messages import text

if TYPE_CHECKING:
    from parindex.excel import UnitSheet

__all__ = ["OfficialRows", "fill"]

# the appraised cell of an applicable row: a survey result, an entry (the appraiser's score or
# "chưa thẩm định"), a parent with a condition (every part appraised), a parent without one
_SURVEY, _ENTRY, _PARENT, _NONE = range(4)


@dataclass(frozen=True)
class _Row:
    """One row of a shape's official sheet: its constant XML, and where the unit's parts go."""

    position: int
    """The row's place among the detailed sheet's rows (``SheetLayout.rows``)."""
    at: int
    opening: str
    """``<row r="…"`` (the height is the unit's)."""
    head: str
    """``>`` and the code, title and maximum cells."""
    title_lines: int
    self_cell: str
    """The self score's formula cell up to its value (``""``: a row that does not apply,
    whose score cells are constant blanks in ``blanks``)."""
    self_source: tuple[int, int]
    """The detailed sheet's cell the self score reads."""
    appraised: int
    """How the appraised cell is made (``_SURVEY`` …)."""
    formulas: tuple[str, ...]
    """The appraised cell's formula text: a survey's or a parent's; an entry's when no
    criterion above is appraised and when one is."""
    above: tuple[str, ...]
    """The criteria above an entry row, nearest first (an appraisal of one covers it)."""
    blanks: str
    """The constant XML of the score cells that are always blank."""
    names: tuple[str, str, str]
    """The appraised, evidence and note cells' names."""
    formats: Mapping[str, Any]
    code: str
    seen: dict[tuple[Any, ...], tuple[str, int]] = field(default_factory=dict)
    """The row's XML for evidence, notes and values a unit gave before (:func:`fill`), and
    its string cells."""


@dataclass(frozen=True)
class OfficialRows:
    """A shape's official rows (:func:`fill`): each row's kept row, ``None`` for one written
    cell by cell (its kept row made once it is written, where it can be)."""

    rows: list[_Row | None]
    shown: tuple[tuple[SheetRow, int, int], ...]
    """Each row shown, its place on the sheet and among the detailed sheet's rows."""
    keys: tuple[tuple[Any, ...], ...]
    """Each row's :func:`_row_key`."""

    @staticmethod
    def planned(
        sheet: Any,
        formats: Formats,
        unit: UnitSheet,
        state: _Appraisal,
        shown: Sequence[SheetRow],
        language: str,
    ) -> OfficialRows:
        """The rows of ``unit``'s shape, a shape not seen before: a row equal in all its
        constant parts to one of another shape is that kept row; one whose constant strings
        are in the string table and formats numbered already is made here, without writing
        it (nothing is added to the workbook's tables out of the careful order); any other
        is written cell by cell by :func:`fill`."""
        kept: dict[tuple[Any, ...], _Row] = formats.memo.setdefault(("official kept", language), {})
        positions = {row.code: at for at, row in enumerate(unit.layout.rows)}
        rows: list[_Row | None] = []
        places, keys = [], []
        for at, row in enumerate(shown, start=_HEADER_ROW + 1):
            position = positions[row.code]
            key = _row_key(formats, unit, state, row, at, position)
            plan = kept.get(key)
            if plan is None and _ready(sheet, formats, row):
                plan = kept[key] = _made(sheet, formats, unit, state, row, at, position, language)
            rows.append(plan)
            places.append((row, at, position))
            keys.append(key)
        return OfficialRows(rows, tuple(places), tuple(keys))


def _row_key(
    formats: Formats, unit: UnitSheet, state: _Appraisal, row: SheetRow, at: int, position: int
) -> tuple[Any, ...]:
    """What a row's kept row (:func:`_made`) is made of: its places, code and title, its
    formats (a set of the workbook's, by identity), its maximum, which cells it has and the
    condition of a parent's appraised cell."""
    result = row.result
    applicable = row.applicable
    top = result.declared_max if not applicable else unit.evaluator.cell(row.row, MAX)
    survey = row.survey and result.points is not None
    condition = None
    if applicable and not survey and not row.entry:
        condition = state.raw_condition(row)
    return (
        at,
        position,
        row.row,
        row.code,
        row.title,
        id(_formats(formats, row)),
        number_end(top),
        applicable,
        survey,
        row.entry,
        condition,
    )


def _ready(sheet: Any, formats: Formats, row: SheetRow) -> bool:
    """Whether a row's kept row can be made before it is written: its code and title in the
    string table and not long enough to be cut, the formats of its constant cells numbered
    (their quoted twins too; the note and words formats are numbered when the row is filled,
    in the careful order)."""
    fmt = _formats(formats, row)
    strings = sheet.str_table.string_table
    for key, words in (("text", row.code), ("title", row.title)):
        if len(words) > LONG_TEXT or words not in strings:
            return False
        used = formats.quoted_cache.get(id(fmt[key])) if words.startswith(_DANGEROUS) else fmt[key]
        if used is None or not numbered(used):
            return False
    return numbered(fmt["max"]) and numbered(fmt["number"])


def _made(
    sheet: Any,
    formats: Formats,
    unit: UnitSheet,
    state: _Appraisal,
    row: SheetRow,
    at: int,
    position: int,
    language: str,
) -> _Row:
    fmt = _formats(formats, row)
    result = row.result
    head = [">"]
    for col, words, key in ((NO, row.code, "text"), (TITLE, row.title, "title")):
        used = formats.quoted(fmt[key]) if words.startswith(_DANGEROUS) else fmt[key]
        head.append(f'<c r="{cell_name(at, col)}"{sheet_style(sheet, used)} t="s"><v>')
        head.append(f"{string_number(sheet, words)}</v></c>")
    top = result.declared_max if not row.applicable else unit.evaluator.cell(row.row, MAX)
    head.append(f'<c r="{cell_name(at, MAX_OUT)}"{sheet_style(sheet, fmt["max"])}{number_end(top)}')
    number = sheet_style(sheet, fmt["number"])
    blanks, self_cell, kind = "", "", _NONE
    formulas: tuple[str, ...] = ()
    above: tuple[str, ...] = ()
    source = (row.row, COMPUTED if row.survey and result.points is not None else SELF)
    if not row.applicable:
        blanks = "".join(f'<c r="{cell_name(at, c)}"{number}/>' for c in (SELF_OUT, APPRAISED_OUT))
    else:
        ref = _ref(*source)
        formula = escaped(f'IF({ref}="","",{ref})')
        self_cell = f'<c r="{cell_name(at, SELF_OUT)}"{number}><f>{formula}</f><v>'
        words = text(*NOT_APPRAISED, language)
        if row.survey and result.points is not None:
            kind, formulas = _SURVEY, (escaped(_ref(row.row, COMPUTED)),)
        elif row.entry:
            ref = _ref(row.row, APPRAISED)
            kind = _ENTRY
            formulas = tuple(escaped(f'IF({ref}="","{b}",{ref})') for b in (words, ""))
            above = _above(state, row)
        else:
            condition = state.raw_condition(row)
            if condition:
                ref = _ref(row.row, APPRAISED)
                kind, formulas = _PARENT, (escaped(f'IF({condition},{ref},"{words}")'),)
            else:
                blanks = f'<c r="{cell_name(at, APPRAISED_OUT)}"{number}/>'
    return _Row(
        position=position,
        at=at,
        opening=f'<row r="{at + 1}"',
        head="".join(head),
        title_lines=text_lines(row.title, _POINTS[TITLE], _BODY),
        self_cell=self_cell,
        self_source=source,
        appraised=kind,
        formulas=formulas,
        above=above,
        blanks=blanks,
        names=(
            cell_name(at, APPRAISED_OUT),
            cell_name(at, EVIDENCE_OUT),
            cell_name(at, NOTE_OUT),
        ),
        formats=fmt,
        code=row.code,
    )


def _ref(row: int, col: int) -> str:
    """A cell of the detailed sheet, its name left as :data:`_SHEET`."""
    return f"{_SHEET}!{_absolute(row, col)}"


def _above(state: _Appraisal, row: SheetRow) -> tuple[str, ...]:
    codes = []
    code = row.result.parent
    while code is not None:
        codes.append(code)
        code = state.grid.by_code[code].result.parent
    return tuple(codes)


def fill(
    sheet: Any,
    formats: Formats,
    made: OfficialRows,
    unit: UnitSheet,
    state: _Appraisal,
    cited: Mapping[str, Sequence[str]],
    language: str,
) -> int:
    """``unit``'s official rows, its parts put in the holes of the kept rows, the rows in
    between without one written cell by cell (and kept then, where they can be); returns the
    last row. A row whose evidence, note and values a unit gave before is that row's XML
    again (:attr:`_Row.seen`; its strings are in the table: only counted)."""
    cell, appraised = unit.evaluator.cell, state.appraised
    memo = unit.evaluator.memo  # the formulas' values (a shape's program filled it)
    missing = text("Chưa có TLKC", "No evidence", language)
    words = text(*NOT_APPRAISED, language)
    maker = _Maker(sheet, formats)
    detail = escaped(quote_sheetname(unit.sheet_name))
    counted = 0
    out: list[str] = []
    add = out.append
    first = last = 0
    for index, (plan, (row, at, position)) in enumerate(zip(made.rows, made.shown, strict=True)):
        if plan is None:
            if out:
                sheet.put_rows(first, last, "".join(out).replace(_SHEET, detail), (NO, NOTE_OUT))
                out.clear()
            _row(sheet, formats, unit, state, row, at, cited.get(row.code, []), language)
            if len(row.code) <= LONG_TEXT and len(row.title) <= LONG_TEXT:
                plan = _made(sheet, formats, unit, state, row, at, position, language)
                kept = formats.memo.setdefault(("official kept", language), {})
                made.rows[index] = kept.setdefault(made.keys[index], plan)
            last = at
            continue
        if not out:
            first = at
        last = at
        counted += 2  # the code and the title
        result = row.result
        here = cited.get(result.code)
        evidence = "\n".join(here) if here else ""  # a criterion not cited: none (leaf or not)
        if row.applicable and result.evidence_missing:
            evidence = f"{evidence}\n{missing}" if here else missing
        source = plan.self_source
        note = _note(unit, row, appraised, language)
        key = (
            evidence,
            note,
            shown_end(memo[source] if source in memo else cell(*source)) if plan.self_cell else "",
            _appraisal(plan, row, cell, state, words) if plan.appraised != _NONE else None,
        )
        seen = plan.seen.get(key)
        if seen is not None:
            add(seen[0])
            counted += seen[1]
            continue
        xml, strings = maker.row(plan, *key)
        add(xml)
        if strings >= 0 and len(plan.seen) < ROWS_KEPT:
            plan.seen[key] = xml, strings
    sheet.str_table.count += counted
    if out:
        sheet.put_rows(first, last, "".join(out).replace(_SHEET, detail), (NO, NOTE_OUT))
    return last


class _Maker:
    """A unit's official row made from its parts (:func:`fill`)."""

    def __init__(self, sheet: Any, formats: Formats) -> None:
        self.sheet, self.formats = sheet, formats
        self.heights: dict[float, str] = {}

    def row(
        self,
        plan: _Row,
        evidence: str,
        note: str,
        self_end: str,
        appraisal: tuple[int, str | None, str] | None,
    ) -> tuple[str, int]:
        """The row's XML, and the string cells it holds if it can be used again as it is
        (-1: a text was cut or quoted)."""
        sheet, formats, at, small = self.sheet, self.formats, plan.at, plan.formats["small"]
        # the cells in the order the careful path writes them (a format is numbered at its
        # first use): evidence, note, then the scores
        cells, strings = [], 0
        for name, col, words in (
            (plan.names[1], EVIDENCE_OUT, evidence),
            (plan.names[2], NOTE_OUT, note),
        ):
            if words:
                cells.append(safe_cell(sheet, name, at, col, words, small, formats, plan.code))
                plain = len(words) <= LONG_TEXT and not words.startswith(_DANGEROUS)
                strings = strings + 1 if plain and strings >= 0 else -1
            else:
                cells.append(f'<c r="{name}"{sheet_style(sheet, small)}/>')
        lines = max(
            plan.title_lines,
            text_lines(evidence, _POINTS[EVIDENCE_OUT], _BODY),
            text_lines(note, _POINTS[NOTE_OUT], _BODY),
        )
        height = min(409.0, lines * _LINE + 2)
        attributes = self.heights.get(height)
        if attributes is None:
            attributes = self.heights[height] = sheet.row_attributes(height)
        out = [plan.opening, attributes, plan.head]
        if plan.self_cell:
            out += (plan.self_cell, self_end)
        out.append(plan.blanks)
        if appraisal is not None:
            out.append(_appraised(sheet, plan, appraisal))
        out += (*cells, "</row>")
        return "".join(out), strings


def _appraisal(
    plan: _Row, row: SheetRow, cell: Any, state: _Appraisal, words: str
) -> tuple[int, str | None, str]:
    """What the appraised cell of an applicable row shows, as
    ``excel_official._appraised_cell`` decides it: the formula (its index in
    ``plan.formulas``), the score's value as stored (``None``: not scored) and the words
    shown instead."""
    kind, appraised = plan.appraised, state.appraised
    if kind == _SURVEY:
        index, scored, shown = 0, True, ""
        value = cell(row.row, COMPUTED)
    elif kind == _ENTRY:
        covered = bool(appraised) and any(code in appraised for code in plan.above)
        index, scored, shown = int(covered), row.code in appraised, "" if covered else words
    else:  # a parent: its appraised total once every part below is appraised
        index, scored, shown = 0, state.covered(row), words
    if not scored:
        return index, None, shown
    if kind != _SURVEY:
        value = cell(row.row, APPRAISED)
    assert value is not None
    return index, shown_end(value), shown


def _appraised(sheet: Any, plan: _Row, appraisal: tuple[int, str | None, str]) -> str:
    """The appraised cell's XML (:func:`_appraisal`): a score (the value stored) or
    "chưa thẩm định"."""
    index, end, shown = appraisal
    name, formula = plan.names[0], plan.formulas[index]
    if end is None:
        kind_attribute = ' t="str"' if shown else ""
        style = sheet_style(sheet, plan.formats["words"])
        return f'<c r="{name}"{style}{kind_attribute}><f>{formula}</f><v>{escaped(shown)}</v></c>'
    return f'<c r="{name}"{sheet_style(sheet, plan.formats["number"])}><f>{formula}</f><v>{end}'

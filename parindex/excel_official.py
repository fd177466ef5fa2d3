"""The official layout of a unit's score sheet: the seven columns the appraisal council signs.

STT | Tiêu chí, tiêu chí thành phần | Điểm tối đa | Điểm tự đánh giá | Điểm thẩm định |
Tài liệu kiểm chứng | Ghi chú, under a heading with the unit, the year and the criteria set,
and above the date line and the signature blocks (THỦ TRƯỞNG CƠ QUAN; TỔ THẨM ĐỊNH).

Each unit gets this sheet first, then its detailed sheet (:mod:`parindex.excel`: figures,
rule text, computed score, difference), which is the one a unit or an appraiser edits and
:func:`parindex.import_workbook` reads. The official sheet is protected and its scores are
live formulas over the detailed sheet (each with its stored value), so what is printed and
signed is what the detailed sheet holds.

**Điểm thẩm định is never a self-score.** A criterion shows its final appraised score
(the last round up to the sheet's round that scored it, :func:`appraised_as_of`) where
an appraiser scored it, and "chưa thẩm định" where nobody did. A parent, the total and
the index show the appraised aggregate only once every applicable part below them is
appraised (a survey result counts as appraised); until then they read "chưa thẩm định".
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from functools import lru_cache
from typing import TYPE_CHECKING, Any

from xlsxwriter.utility import quote_sheetname, xl_rowcol_to_cell

from parindex.excel_layout import (
    APPRAISED,
    COMPUTED,
    DATE_LINE,
    MAX,
    SELF,
    SIGN_HINTS,
    SIGNERS,
    SheetLayout,
    SheetRow,
    appraised_as_of,
)
from parindex.excel_style import (
    Formats,
    cell_number,
    column_points,
    line_points,
    text_lines,
    write_safe,
)
from parindex.excel_xml import RowSheet
from parindex.messages import label, text
from parindex.numbers import format_date

if TYPE_CHECKING:
    from parindex.criteria import CriteriaSet
    from parindex.excel import UnitSheet

__all__ = [
    "NOT_APPRAISED",
    "OFFICIAL_HEADERS",
    "OFFICIAL_PREFIX",
    "official_sheet_name",
    "write_official",
]

OFFICIAL_PREFIX = "In - "
"""The official sheet of a unit is named ``In - <unit>`` (shortened to 31 characters)."""

NO, TITLE, MAX_OUT, SELF_OUT, APPRAISED_OUT, EVIDENCE_OUT, NOTE_OUT = range(7)
OFFICIAL_HEADERS: tuple[tuple[str, str], ...] = (
    ("STT", "No."),
    ("Tiêu chí, tiêu chí thành phần", "Criteria and sub-criteria"),
    ("Điểm tối đa", "Max."),
    ("Điểm tự đánh giá", "Self-assessed"),
    ("Điểm thẩm định", "Appraised"),
    ("Tài liệu kiểm chứng", "Evidence"),
    ("Ghi chú", "Notes"),
)
# Widths in Excel's character units: 143 in all fit A4 landscape at 100 % within the margins,
# so the body prints at its size (no shrinking to fit).
_WIDTHS = (6.0, 56.0, 6.5, 7.5, 11.0, 36.0, 20.0)
_POINTS = tuple(column_points(width) for width in _WIDTHS)  # inside widths, points
_BODY = 9  # points: the 2023 set's 158 rows then print on 6 pages or fewer
_LINE = line_points(_BODY)
_HEADER_ROW = 5
_SIGNERS_EN = (
    ("HEAD OF THE AGENCY", "(Signature, full name, seal)"),
    ("APPRAISAL TEAM", "(Signature, full name)"),
)
NOT_APPRAISED: tuple[str, str] = ("chưa thẩm định", "not appraised")


def official_sheet_name(name: str, taken: set[str]) -> str:
    """The official sheet's name for a unit (unique, shortened between words)."""
    from parindex.excel import sheet_name

    return sheet_name(OFFICIAL_PREFIX + name, taken)


# --- which rows are appraised ---------------------------------------------------------------


class _Appraisal:
    """Which applicable leaves an appraisal covers, and the conditions that say so in Excel.

    A leaf is covered when its own entry cell, or the entry cell of a criterion above it
    (a score given at that level), holds an appraised score; a survey leaf with a result
    is covered by the survey.
    """

    def __init__(
        self,
        grid: SheetLayout,
        appraised: Mapping[str, object],
        detail: str,
        shared: dict[object, Any] | None = None,
    ) -> None:
        self.grid, self.appraised, self.detail = grid, appraised, detail
        self.shared = {} if shared is None else shared
        """Paths and conditions of the sheets of one shape (they do not depend on scores)."""

    def ref(self, row: int, col: int) -> str:
        return f"{self.detail}!{_absolute(row, col)}"

    def paths(self, top: SheetRow | None) -> list[list[SheetRow]]:
        """For each applicable leaf at or below ``top`` (None: the whole sheet) not settled
        by a survey, the entry rows from it up to ``top``."""
        key = ("paths", None if top is None else top.code)
        found: list[list[SheetRow]] | None = self.shared.get(key)
        if found is None:
            found = self.shared[key] = self._paths(top)
        return found

    def _paths(self, top: SheetRow | None) -> list[list[SheetRow]]:
        by_code = self.grid.by_code
        rows = self.grid.rows if top is None else [top, *(by_code[c] for c in top.below)]
        found = []
        for row in rows:
            if not (row.leaf and row.applicable) or (row.survey and row.result.points is not None):
                continue
            path: list[SheetRow] = []
            code: str | None = row.code
            while code is not None:
                here = by_code[code]
                if here.entry:
                    path.append(here)
                if top is not None and code == top.code:
                    break
                code = here.result.parent
            found.append(path)
        return found

    def covered(self, top: SheetRow | None) -> bool:
        appraised = self.appraised
        if not appraised:  # nothing appraised: covered only with no leaf to cover
            return not self.paths(top)
        return all(any(r.code in appraised for r in p) for p in self.paths(top))

    def condition(self, top: SheetRow | None) -> str:
        """An Excel condition true when every leaf below ``top`` is covered ("" when none)."""
        return self.raw_condition(top).replace(_SHEET, self.detail)

    def raw_condition(self, top: SheetRow | None) -> str:
        """:meth:`condition` with :data:`_SHEET` for the detailed sheet's name (made once a
        shape)."""
        key = ("condition", None if top is None else top.code)
        found: str | None = self.shared.get(key)
        if found is None:
            found = self.shared[key] = self._condition(top)
        return found

    def _condition(self, top: SheetRow | None) -> str:
        paths = self.paths(top)
        single = [p[0] for p in paths if len(p) == 1]
        terms = []

        def ref(row: SheetRow) -> str:
            return f"{_SHEET}!{_absolute(row.row, APPRAISED)}"

        for start in range(0, len(single), 200):  # COUNT takes at most 255 arguments
            part = single[start : start + 200]
            terms.append(f"COUNT({','.join(ref(r) for r in part)})={len(part)}")
        for path in paths:
            if len(path) != 1:
                terms.append(f"COUNT({','.join(ref(r) for r in path)})>0")
        if not terms:
            return ""
        return terms[0] if len(terms) == 1 else f"AND({','.join(terms)})"


_SHEET = "\0"  # no sheet name holds a control character


@lru_cache(maxsize=1 << 14)
def _absolute(row: int, col: int) -> str:
    """``$G$12`` for a 0-based row and column."""
    return str(xl_rowcol_to_cell(row, col, row_abs=True, col_abs=True))


# --- the sheet ------------------------------------------------------------------------------


def write_official(
    workbook: Any,
    formats: Formats,
    unit: UnitSheet,
    criteria: CriteriaSet,
    password: str,
    language: str = "vi",
) -> None:
    """Write ``unit``'s official sheet (named ``unit.official_name``)."""
    sheet = workbook.add_worksheet(unit.official_name, RowSheet)
    grid = unit.layout
    appraised = appraised_as_of(unit.submission, grid.round)
    shared = formats.memo.setdefault(("official", unit.shape), {})
    state = _Appraisal(grid, appraised, quote_sheetname(unit.sheet_name), shared)
    for col, width in enumerate(_WIDTHS):
        sheet.set_column(col, col, width)
    _heading(sheet, formats, unit, criteria, language)
    head = formats.get(
        bold=True,
        align="center",
        valign="vcenter",
        text_wrap=True,
        border=1,
        font_size=_BODY,
        bg_color="#D9E1F2",
    )
    headers = [text(*pair, language) for pair in OFFICIAL_HEADERS]
    for col, words in enumerate(headers):
        sheet.write_string(_HEADER_ROW, col, words, head)
    lines = max(
        text_lines(w, column_points(_WIDTHS[c]), _BODY * 1.1) for c, w in enumerate(headers)
    )
    sheet.set_row(_HEADER_ROW, lines * _LINE + 4)
    documents = {d.id: d for d in unit.submission.all_documents()}
    cited: dict[str, list[str]] = {}
    for document in documents.values():
        citation = formats.described(document, _citation)
        for code in document.supports:
            cited.setdefault(code, []).append(citation)
    at = _rows(sheet, formats, unit, state, cited, language)
    at = _totals(sheet, formats, unit, state, at + 1, language)
    _signatures(sheet, formats, at + 2, language)
    sheet.set_landscape()
    sheet.set_paper(9)  # A4
    sheet.set_margins(left=0.4, right=0.4, top=0.4, bottom=0.5)
    sheet.fit_to_pages(1, 0)
    sheet.repeat_rows(_HEADER_ROW)
    sheet.center_horizontally()
    page = text("Trang &P/&N", "Page &P of &N", language)
    sheet.set_footer(f'&C&"Times New Roman"&9{page}')
    sheet.protect(password, {"select_locked_cells": True})
    sheet.seal(formats.memo.setdefault("sheet ends", {}))  # a shape's sheets: the same ends


def _shown(grid: SheetLayout) -> list[SheetRow]:
    """The rows the official sheet shows: all but the parts of a criterion that does not
    apply (its row says so)."""
    by_code = grid.by_code
    return [
        row
        for row in grid.rows
        if row.applicable or row.result.parent is None or by_code[row.result.parent].applicable
    ]


def _rows(
    sheet: Any,
    formats: Formats,
    unit: UnitSheet,
    state: _Appraisal,
    cited: Mapping[str, Sequence[str]],
    language: str,
) -> int:
    """The criteria rows, each from its kept row where the workbook has one
    (:mod:`parindex.excel_official_rows`; unless ``formats.careful``), else cell by cell;
    returns the last row."""
    from parindex.excel_official_rows import OfficialRows, fill

    shown = _shown(unit.layout)
    if not shown:
        return _HEADER_ROW
    if formats.careful:
        for at, row in enumerate(shown, start=_HEADER_ROW + 1):
            _row(sheet, formats, unit, state, row, at, cited.get(row.code, []), language)
        return _HEADER_ROW + len(shown)
    key = ("official rows", unit.shape, language)
    made = formats.memo.get(key)
    if made is None:
        made = formats.memo[key] = OfficialRows.planned(
            sheet, formats, unit, state, shown, language
        )
    return fill(sheet, formats, made, unit, state, cited, language)


def _heading(
    sheet: Any, formats: Formats, unit: UnitSheet, criteria: CriteriaSet, language: str
) -> None:
    submission, grid, last = unit.submission, unit.layout, len(_WIDTHS) - 1
    title = text(
        f"BẢNG TỔNG HỢP KẾT QUẢ TỰ ĐÁNH GIÁ, THẨM ĐỊNH CHỈ SỐ CẢI CÁCH HÀNH CHÍNH NĂM {submission.year}",
        f"SELF-ASSESSMENT AND APPRAISAL OF THE PAR INDEX, {submission.year}",
        language,
    )
    flags = text(" — DỮ LIỆU MẪU", " — SAMPLE DATA", language) if submission.sample else ""
    if submission.synthetic:
        flags += text(" — ĐƠN VỊ SINH TỰ ĐỘNG", " — SYNTHETIC UNIT", language)
    appraisal = next((a for a in submission.appraisals if a.round == grid.round), None)
    if appraisal is None:
        round_line = text(
            "Thẩm định: chưa có điểm thẩm định", "Appraisal: no appraised score yet", language
        )
    else:
        details = [format_date(appraisal.date)] if appraisal.date else []
        details += [appraisal.appraiser] if appraisal.appraiser else []
        round_line = text("Thẩm định: vòng ", "Appraisal: round ", language) + str(grid.round)
        round_line += f" ({', '.join(details)})" if details else ""
    lines = [
        (title, formats.get(bold=True, font_size=13, align="center", text_wrap=True), 20.0),
        (
            text("Đơn vị: ", "Unit: ", language) + submission.unit.name + flags,
            formats.get(bold=True, font_size=12, align="center", text_wrap=True),
            17.0,
        ),
        (
            text("Bộ tiêu chí: ", "Criteria set: ", language)
            + criteria.title
            + text(". Nhóm: ", ". Group: ", language)
            + label("level", submission.unit.group or submission.unit.level, language),
            formats.get(font_size=11, align="center", text_wrap=True),
            15.0,
        ),
        (
            round_line
            + text(
                f". Điểm lấy từ trang chi tiết '{unit.sheet_name}'.",
                f". Scores come from the detailed sheet '{unit.sheet_name}'.",
                language,
            ),
            formats.get(font_size=_BODY, italic=True, align="center", text_wrap=True),
            14.0,
        ),
    ]
    total = column_points(sum(_WIDTHS))
    for at, (words, fmt, height) in enumerate(lines):
        sheet.merge_range(at, 0, at, last, "", fmt)
        write_safe(sheet, at, 0, words, fmt, formats)
        size = formats.properties[id(fmt)]["font_size"]
        sheet.set_row(at, height * text_lines(words, total, size))


def _citation(document: Any) -> str:
    """A document as the official sheet cites it: kind, number, date, section."""
    parts = [document.kind]
    if document.number:
        parts.append(f"số {document.number}")
    if document.date:
        parts.append(f"ngày {format_date(document.date)}")
    line = " ".join(parts)
    return f"{line} ({document.section})" if document.section else line


def _note(unit: UnitSheet, row: SheetRow, appraised: Mapping[str, Any], language: str) -> str:
    if not row.applicable:
        return label("status", "not_applicable", language).capitalize()
    lines = []
    explained = unit.submission.self_scores.get(row.code)
    if explained is not None and explained.explanation:
        lines.append(text("Đơn vị: ", "Unit: ", language) + explained.explanation)
    if row.code in appraised and appraised[row.code][1]:
        lines.append(text("Thẩm định: ", "Appraisal: ", language) + appraised[row.code][1])
    return "\n".join(lines)


def _row(
    sheet: Any,
    formats: Formats,
    unit: UnitSheet,
    state: _Appraisal,
    row: SheetRow,
    at: int,
    cited: Sequence[str],
    language: str,
) -> None:
    fmt = _formats(formats, row)
    result = row.result
    write_safe(sheet, at, NO, result.code, fmt["text"], formats, result.code)
    write_safe(sheet, at, TITLE, row.title, fmt["title"], formats, result.code)
    top = result.declared_max if not row.applicable else unit.evaluator.cell(row.row, MAX)
    if top is None:
        sheet.write_blank(at, MAX_OUT, None, fmt["max"])
    else:
        sheet.write_number(at, MAX_OUT, cell_number(top), fmt["max"])
    evidence = list(cited) if row.leaf or cited else []
    if row.applicable and result.evidence_missing:
        evidence.append(text("Chưa có TLKC", "No evidence", language))
    texts = {
        EVIDENCE_OUT: "\n".join(evidence),
        NOTE_OUT: _note(unit, row, state.appraised, language),
    }
    for col, words in texts.items():
        if words:
            write_safe(sheet, at, col, words, fmt["small"], formats, result.code)
        else:
            sheet.write_blank(at, col, None, fmt["small"])
    if not row.applicable:
        for col in (SELF_OUT, APPRAISED_OUT):
            sheet.write_blank(at, col, None, fmt["number"])
    else:
        _self_cell(sheet, unit, state, row, at, fmt["number"])
        _appraised_cell(sheet, unit, state, row, at, fmt, language)
    lines = max(
        text_lines(row.title, _POINTS[TITLE], _BODY),
        text_lines(texts[EVIDENCE_OUT], _POINTS[EVIDENCE_OUT], _BODY),
        text_lines(texts[NOTE_OUT], _POINTS[NOTE_OUT], _BODY),
    )
    sheet.set_row(at, min(409.0, lines * _LINE + 2))


def _formats(formats: Formats, row: SheetRow) -> dict[str, Any]:
    """The formats of a row's cells, by the row's style (made once per workbook)."""
    result = row.result
    area = result.kind == "area" and result.parent is None
    key = ("official", area, row.applicable, result.provisional, min(result.depth, 4))
    made = formats.styles.get(key)
    if made is None:
        made = formats.styles[key] = _made_formats(formats, row, area)
    return made


def _made_formats(formats: Formats, row: SheetRow, area: bool) -> dict[str, Any]:
    result = row.result
    style: dict[str, Any] = {"border": 1, "font_size": _BODY, "text_wrap": True}
    if area:
        style.update(bold=True, bg_color="#DDEBF7")
    if not row.applicable:
        style.update(font_color="#595959", italic=True)
    number = dict(style, text_wrap=False, align="center", num_format=formats.number)
    maximum = dict(number, num_format=formats.provisional if result.provisional else formats.number)
    return {
        "text": formats.get(**style, align="center"),
        "title": formats.get(**style, indent=min(result.depth, 4)),
        "max": formats.get(**maximum),
        "number": formats.get(**number),
        "words": formats.get(**dict(style, align="center", italic=True, bold=False)),
        "small": formats.get(**style),
    }


def _self_cell(
    sheet: Any, unit: UnitSheet, state: _Appraisal, row: SheetRow, at: int, fmt: Any
) -> None:
    """The unit's score: the survey result for a survey criterion, else the detailed sheet's."""
    col = COMPUTED if row.survey and row.result.points is not None else SELF
    value = unit.evaluator.cell(row.row, col)
    ref = state.ref(row.row, col)
    if value is None:
        sheet.write_formula(at, SELF_OUT, f'=IF({ref}="","",{ref})', fmt, "")
    else:
        sheet.write_formula(at, SELF_OUT, f'=IF({ref}="","",{ref})', fmt, cell_number(value))


def _appraised_cell(
    sheet: Any,
    unit: UnitSheet,
    state: _Appraisal,
    row: SheetRow,
    at: int,
    fmt: Mapping[str, Any],
    language: str,
) -> None:
    """The final appraised score, or "chưa thẩm định": never the unit's own score."""
    words = text(*NOT_APPRAISED, language)
    if row.survey and row.result.points is not None:
        ref = state.ref(row.row, COMPUTED)
        value = unit.evaluator.cell(row.row, COMPUTED)
        assert value is not None
        sheet.write_formula(at, APPRAISED_OUT, f"={ref}", fmt["number"], cell_number(value))
        return
    ref = state.ref(row.row, APPRAISED)
    if row.entry:
        blank = "" if _covered_by_parent(state, row) else words  # scored at a higher level
        formula = f'=IF({ref}="","{blank}",{ref})'
        if row.code in state.appraised:
            value = unit.evaluator.cell(row.row, APPRAISED)
            assert value is not None
            sheet.write_formula(at, APPRAISED_OUT, formula, fmt["number"], cell_number(value))
        else:
            sheet.write_formula(at, APPRAISED_OUT, formula, fmt["words"], blank)
        return
    condition = state.condition(row)
    if not condition:  # nothing below is scored by an appraiser
        sheet.write_blank(at, APPRAISED_OUT, None, fmt["number"])
        return
    formula = f'=IF({condition},{ref},"{words}")'
    if state.covered(row):
        value = unit.evaluator.cell(row.row, APPRAISED)
        assert value is not None
        sheet.write_formula(at, APPRAISED_OUT, formula, fmt["number"], cell_number(value))
    else:
        sheet.write_formula(at, APPRAISED_OUT, formula, fmt["words"], words)


def _covered_by_parent(state: _Appraisal, row: SheetRow) -> bool:
    """True when a criterion above ``row`` was appraised at its own level."""
    code = row.result.parent
    while code is not None:
        if code in state.appraised:
            return True
        code = state.grid.by_code[code].result.parent
    return False


def _totals(
    sheet: Any, formats: Formats, unit: UnitSheet, state: _Appraisal, at: int, language: str
) -> int:
    """TỔNG ĐIỂM and CHỈ SỐ (%) rows; returns the last row written."""
    grid, evaluator = unit.layout, unit.evaluator
    style: dict[str, Any] = {"bold": True, "border": 1, "bg_color": "#D9E1F2", "font_size": _BODY}
    condition = state.condition(None)
    covered = state.covered(None)
    words = text(*NOT_APPRAISED, language)
    titles = (text("TỔNG ĐIỂM", "TOTAL", language), text("CHỈ SỐ (%)", "INDEX (%)", language))
    for offset, (source, title, number) in enumerate(
        zip(
            (grid.total_row, grid.index_row), titles, (formats.number, formats.percent), strict=True
        )
    ):
        here = at + offset
        sheet.write_blank(here, NO, None, formats.get(**style))
        sheet.write_string(here, TITLE, title, formats.get(**style))
        fmt = formats.get(**style, align="center", num_format=number)
        for out, col in ((MAX_OUT, MAX), (SELF_OUT, SELF)):
            value = evaluator.cell(source, col)
            if value is None:
                sheet.write_blank(here, out, None, fmt)
            else:
                sheet.write_formula(
                    here, out, f"={state.ref(source, col)}", fmt, cell_number(value)
                )
        if source == grid.index_row and not grid.max_points:
            sheet.write_blank(here, MAX_OUT, None, fmt)
        ref = state.ref(source, APPRAISED)
        value = evaluator.cell(source, APPRAISED)
        formula = f'=IF({condition},{ref},"{words}")' if condition else f"={ref}"
        if (covered or not condition) and value is not None:
            sheet.write_formula(here, APPRAISED_OUT, formula, fmt, cell_number(value))
        else:
            words_fmt = formats.get(**dict(style, bold=False), align="center", italic=True)
            sheet.write_formula(here, APPRAISED_OUT, formula, words_fmt, words)
        for col in (EVIDENCE_OUT, NOTE_OUT):
            sheet.write_blank(here, col, None, formats.get(**style))
        sheet.set_row(here, 16)
    return at + 1


def _signatures(sheet: Any, formats: Formats, at: int, language: str) -> None:
    """The date line and the two signature blocks, with room to sign."""
    italic = formats.get(italic=True, align="center", font_size=11)
    bold = formats.get(bold=True, align="center", font_size=11)
    hint = formats.get(italic=True, align="center", font_size=_BODY)
    blocks = ((NO, TITLE), (APPRAISED_OUT, NOTE_OUT))
    date_line = text(DATE_LINE, "…, date … / … / …", language)
    sheet.merge_range(at, blocks[1][0], at, blocks[1][1], date_line, italic)
    english = iter(_SIGNERS_EN)
    for (first, last), signer, note in zip(blocks, SIGNERS, SIGN_HINTS, strict=True):
        signer_en, note_en = next(english)
        sheet.merge_range(at + 1, first, at + 1, last, text(signer, signer_en, language), bold)
        sheet.merge_range(at + 2, first, at + 2, last, text(note, note_en, language), hint)
    sheet.set_row(at + 3, 60)  # room to sign
    sheet.write_blank(at + 4, NO, None)

"""Excel score sheets: the "Bảng tổng hợp kết quả tự đánh giá, chấm điểm" of one or many units.

:func:`export_unit` writes one unit's sheet, :func:`export_workbook` many units with a
ranked summary and the appraisal findings; :func:`parindex.excel_import.import_workbook`
reads a filled sheet back into submissions. The layout is in ``docs/excel.md``.

What the sheet guarantees:

* **Live formulas with stored results.** Parent rows, the totals and the index are
  formulas, so an appraiser who edits a score sees the totals move; every formula
  also carries the value it computes, so a viewer that does not recalculate (a phone
  preview, ``openpyxl`` with ``data_only=True``, ``pandas.read_excel``) shows the
  totals too. The formulas follow the engine exactly: the computed column aggregates
  like :func:`parindex.score`, the self and appraised columns like
  :func:`parindex.review` (a score given at a criterion's level counts for the whole
  criterion; a criterion the appraisal does not re-score keeps the unit's score).
  Stored results come from evaluating the same formulas here, exactly, in decimals;
  the tests check them against the engine and against LibreOffice's recalculation.
* **Text stays text.** Everything read from a criteria file or a submission is written
  with ``write_string``; text that starts with ``= + - @``, a tab or a carriage return
  also gets Excel's quote prefix, so editing the cell can never turn it into a formula.
* **Only scores and notes are editable**: the sheet is protected (no password unless
  one is given), score cells are validated between 0 and the maximum, and a hidden
  sheet records the criteria set id, its hash and each unit's submission.
"""

from __future__ import annotations

import dataclasses
import gc
import re
import warnings
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from importlib.metadata import version
from pathlib import Path
from typing import Any, cast

from xlsxwriter.utility import xl_cell_to_rowcol

from parindex.backends.excel import cell_name
from parindex.collector import paused
from parindex.criteria import CriteriaSet
from parindex.excel_detailed import WIDTHS, write_rows
from parindex.excel_formulas import Cell, Evaluator, SheetFormulas
from parindex.excel_layout import (
    APPRAISED,
    CODE,
    DATE_LINE,
    DIFF,
    FINDINGS_SHEET,
    FORMAT_ID,
    HEADER_ROW,
    HEADERS,
    INDEX_TITLE,
    MAX,
    META_SHEET,
    NOTE,
    SELF,
    SIGN_HINTS,
    SIGNERS,
    SUMMARY_SHEET,
    TITLE,
    TOTAL_TITLE,
    SheetLayout,
    SheetRow,
    WorkbookError,
    appraised_as_of,
    last_round,
    layout,
    not_appraised,
    safe_text,
)
from parindex.excel_meta import (
    new_export_id,
    shape_json,
    sign,
    submission_json,
    unit_cells,
    workbook_key,
    write_meta,
)
from parindex.excel_official import official_sheet_name, write_official
from parindex.excel_style import (
    Formats,
    SheetTextCut,
    cell_number,
    column_points,
    text_lines,
    write_text,
)
from parindex.excel_summary import (
    FindingBlock,
    FindingPlaces,
    FindingRow,
    finding_rows,
    ranks,
    write_findings,
    write_summary,
)
from parindex.excel_workers import Helper, reviewed
from parindex.excel_xml import Book, RowSheet, plain_string
from parindex.numbers import format_date, format_decimal
from parindex.report import ScoreReport, format_points
from parindex.review import Review
from parindex.submission import CheckedSubmission, Document, Submission

__all__ = [
    "FORMAT_ID",
    "HEADERS",
    "META_SHEET",
    "SheetLayout",
    "SheetRow",
    "SheetTextCut",
    "WorkbookError",
    "appraised_as_of",
    "export_unit",
    "export_workbook",
    "last_round",
    "layout",
    "ranks",
    "safe_text",
    "sheet_name",
]


_INVALID_SHEET_CHARS = re.compile(r"[\[\]:*?/\\\x00-\x1f\x7f]")

# --- one unit's sheet ----------------------------------------------------------------------------


@dataclass(frozen=True)
class UnitSheet:
    submission: Submission
    review: Review
    sheet_name: str
    official_name: str | None
    """The unit's official sheet (:mod:`parindex.excel_official`), if written."""
    layout: SheetLayout
    cells: Mapping[tuple[int, int], Cell]
    evaluator: Evaluator
    formulas: Mapping[tuple[int, int], str]
    """The text of each formula cell (shared by the units of one shape)."""
    shape: object = None
    """What the layout of the unit's sheets depends on: equal for units whose sheets
    have the same rows, entries and formulas (:meth:`SheetFormulas.key`)."""
    not_appraised: int | None = None
    """How many criteria no round has appraised (:func:`not_appraised`), once written."""
    finding_rows: list[FindingRow] | None = None
    """The unit's rows of the findings sheet, made with its sheets (:func:`finding_rows`)."""
    finding_block: FindingBlock | None = None
    """Those rows numbered in their place (:class:`FindingPlaces`), in this process."""
    submission_json: str | None = None
    """The submission as the hidden sheet records it (:func:`submission_json`), made by the
    process that writes the unit's sheets."""
    signature: str | None = None
    """The unit's row of the hidden sheet signed (:func:`unit_cells`), made with its JSON
    by the process that writes the unit's sheets, with the export's id and key."""
    submission_si: str | None = None
    """The JSON's ``<si>`` in the shared strings part (:func:`plain_string`), made with it
    (where it is one cell and plain: :attr:`Book.premade_strings`)."""

    @property
    def report(self) -> ScoreReport:
        return self.review.report


def sheet_name(name: str, taken: set[str]) -> str:
    """A valid, unique sheet name: at most 31 characters, cut between words, no
    ``[]:*?/\\`` nor control characters, no apostrophe at either end, not ``History``
    (Excel keeps that name), not a name already used (compared as Excel does, ignoring case).
    The name is added to ``taken``."""
    base = _shortened(_INVALID_SHEET_CHARS.sub(" ", name), 31) or "Đơn vị"
    if base.casefold() == "history":
        base = "Đơn vị History"
    candidate, counter = base, 2
    while candidate.casefold() in taken:
        suffix = f" ({counter})"
        candidate = _shortened(base, 31 - len(suffix)) + suffix
        counter += 1
    taken.add(candidate.casefold())
    return candidate


_sheet_name = sheet_name  # the name parindex.form imports


def _shortened(text: str, size: int) -> str:
    """``text`` cut to ``size`` characters at a word boundary (mid-word only for a single
    word longer than ``size``), without apostrophes or spaces at its ends."""
    text = " ".join(text.split()).strip("'")
    if len(text) > size:
        cut = text[: size + 1].rsplit(" ", 1)[0] if " " in text[: size + 1] else text[:size]
        text = cut[:size]
    return text.strip(" ',;:-")


def _write_unit(
    workbook: Any, formats: Formats, unit: UnitSheet, criteria: CriteriaSet, password: str
) -> None:
    sheet = workbook.add_worksheet(unit.sheet_name, RowSheet)
    submission, grid = unit.submission, unit.layout
    appraised = appraised_as_of(submission, grid.round)

    for col, width in enumerate(WIDTHS):
        sheet.set_column(col, col, width)
    last = len(HEADERS) - 1
    title = formats.get(bold=True, font_size=13, align="center", valign="vcenter", text_wrap=True)
    sheet.merge_range(0, 0, 0, last, "", title)
    sheet.write_string(
        0,
        0,
        "BẢNG TỔNG HỢP KẾT QUẢ TỰ ĐÁNH GIÁ, CHẤM ĐIỂM CÁC TIÊU CHÍ, TIÊU CHÍ THÀNH PHẦN",
        title,
    )
    sheet.set_row(0, 22)
    flags = " — DỮ LIỆU MẪU" if submission.sample else ""
    flags += " — ĐƠN VỊ TỔNG HỢP (SINH TỰ ĐỘNG)" if submission.synthetic else ""
    info = formats.get(text_wrap=True, valign="vcenter")
    for at, text in enumerate(_header_lines(unit, criteria, flags), start=1):
        sheet.merge_range(at, 0, at, last, "", info)
        write_text(sheet, at, 0, text, formats, text_wrap=True, valign="vcenter")
        sheet.set_row(at, 14.5 * text_lines(text, column_points(sum(WIDTHS)), 11))
    head = formats.get(
        bold=True, align="center", valign="vcenter", text_wrap=True, border=1, bg_color="#D9E1F2"
    )
    headers = grid.headers()
    for col, text in enumerate(headers):
        sheet.write_string(HEADER_ROW, col, text, head)
    lines = max(text_lines(h, column_points(w), 11.5) for h, w in zip(headers, WIDTHS, strict=True))
    sheet.set_row(HEADER_ROW, lines * 14.0 + 4)

    documents: dict[str, list[str]] = {}  # the documents citing each criterion, in order
    for document in submission.all_documents():
        described = formats.described(document, Document.describe)
        for code in dict.fromkeys(document.supports):
            documents.setdefault(code, []).append(described)
    write_rows(sheet, formats, unit, documents, appraised)
    _write_totals(sheet, formats, unit)
    _write_signatures(sheet, formats, grid.index_row + 2)
    _validations(sheet, formats, unit)

    sheet.freeze_panes(HEADER_ROW + 1, TITLE + 1)
    sheet.set_landscape()
    sheet.set_paper(9)  # A4
    sheet.fit_to_pages(1, 0)
    sheet.repeat_rows(HEADER_ROW)
    sheet.set_margins(left=0.4, right=0.4, top=0.6, bottom=0.6)
    sheet.center_horizontally()
    sheet.set_footer('&C&"Times New Roman"&9Trang &P/&N')
    sheet.protect(
        password,
        {"format_columns": True, "format_rows": True, "select_locked_cells": True},
    )
    sheet.seal(formats.memo.setdefault("sheet ends", {}))  # a shape's sheets: the same ends


def _write_signatures(sheet: Any, formats: Formats, at: int) -> None:
    """The date line and the signature blocks of the head of the unit and of the appraisers,
    kept on one printed page with the totals above them."""
    italic = formats.get(italic=True, align="center")
    bold = formats.get(bold=True, align="center")
    hint = formats.get(italic=True, align="center")
    left, right = (TITLE, TITLE), (APPRAISED, NOTE)
    sheet.merge_range(at, right[0], at, right[1], DATE_LINE, italic)
    for (first, last), signer, note in zip((left, right), SIGNERS, SIGN_HINTS, strict=True):
        if first == last:
            sheet.write_string(at + 1, first, signer, bold)
            sheet.write_string(at + 2, first, note, hint)
        else:
            sheet.merge_range(at + 1, first, at + 1, last, signer, bold)
            sheet.merge_range(at + 2, first, at + 2, last, note, hint)
    sheet.set_row(at + 3, 60)  # room to sign


def _header_lines(unit: UnitSheet, criteria: CriteriaSet, flags: str) -> list[str]:
    report, submission, grid = unit.report, unit.submission, unit.layout
    unit_line = (
        f"Đơn vị: {submission.unit.name} ({submission.unit.id}) — {criteria.title} — "
        f"năm {submission.year}{flags}"
    )
    appraisal = next((a for a in submission.appraisals if a.round == grid.round), None)
    if appraisal is None:
        round_line = f"Điểm thẩm định: vòng {grid.round} (chưa có điểm thẩm định)"
    else:
        details = [format_date(appraisal.date)] if appraisal.date else []
        details += [appraisal.appraiser] if appraisal.appraiser else []
        round_line = f"Điểm thẩm định: vòng {grid.round}" + (
            f" ({', '.join(details)})" if details else ""
        )
    if grid.round > 1:
        round_line += (
            f"; tiêu chí vòng {grid.round} không chấm lại giữ điểm thẩm định của vòng trước"
        )
    index = "?" if report.index is None else format_decimal(report.index, 2) + "%"
    computed = (
        f"Theo quy tắc: {format_points(report.total)}/{format_points(report.max_points)} "
        f"điểm, chỉ số {index}, {report.band or 'xếp loại chưa xác định'}"
    )
    if report.undetermined_points:
        computed += (
            f"; {format_points(report.undetermined_points)} điểm chưa xác định (thiếu số liệu)"
        )
    notes = (
        f"(*) {format_points(report.provisional_points)} trên {format_points(report.max_points)} "
        "điểm dựa trên giá trị tạm tính (chưa có nguồn chính thức), đánh dấu * ở cột Điểm tối "
        "đa. Dòng chữ xám: không áp dụng, không tính vào tổng. Chỉ nhập ở các ô nền vàng "
        "(điểm và ghi chú); điểm viết 0,5 hoặc 0.5."
    )
    return [unit_line, f"{round_line}. {computed}.", notes]


def _validations(sheet: Any, formats: Formats, unit: UnitSheet) -> None:
    """The score cells' validations (between 0 and each criterion's maximum): the same for
    every unit of a shape, so made once a shape unless ``formats.careful``."""
    key = ("validations", unit.shape)
    made = None if formats.careful or unit.shape is None else formats.memo.get(key)
    if made is not None:
        sheet.validations = list(made)  # XlsxWriter only reads them when it writes the sheet
        return
    validations: dict[Decimal, list[str]] = {}
    for row in unit.layout.rows:
        if row.entry:
            cells_here = [cell_name(row.row, c) for c in (SELF, APPRAISED)]
            validations.setdefault(row.result.declared_max, []).extend(cells_here)
    for top, refs in validations.items():
        _validate(sheet, refs, top)
    if not formats.careful and unit.shape is not None:
        formats.memo[key] = list(sheet.validations)


def _validate(sheet: Any, refs: list[str], top: Decimal) -> None:
    shown = format_points(top)
    first = refs[0]
    row, col = _cell_index(first)
    sheet.data_validation(
        row,
        col,
        row,
        col,
        {
            "validate": "decimal",
            "criteria": "between",
            "minimum": 0,
            "maximum": cell_number(top),
            "multi_range": " ".join(refs),
            "input_title": "Điểm",
            "input_message": f"Từ 0 đến {shown} (viết 0,5 hoặc 0.5)",
            "error_title": "Điểm không hợp lệ",
            "error_message": f"Điểm phải là một số từ 0 đến {shown}.",
            "error_type": "stop",
        },
    )


def _cell_index(ref: str) -> tuple[int, int]:
    row, col = xl_cell_to_rowcol(ref)
    return int(row), int(col)


def _write_cell(sheet: Any, row: int, col: int, unit: UnitSheet, fmt: Any) -> None:
    content: Cell = unit.cells.get((row, col))
    if content is None:
        sheet.write_blank(row, col, None, fmt)
    elif isinstance(content, Decimal):
        sheet.write_number(row, col, cell_number(content), fmt)
    else:
        value = unit.evaluator.cell(row, col)
        shown = "" if value is None else cell_number(value)  # None: the formula shows ""
        sheet.write_formula(row, col, unit.formulas[row, col], fmt, shown)  # "=" not needed


def _write_totals(sheet: Any, formats: Formats, unit: UnitSheet) -> None:
    grid = unit.layout
    style = {"bold": True, "border": 1, "bg_color": "#D9E1F2"}
    for at, title, num in (
        (grid.total_row, TOTAL_TITLE, formats.number),
        (grid.index_row, INDEX_TITLE, formats.percent),
    ):
        sheet.write_blank(at, CODE, None, formats.get(**style))
        sheet.write_string(at, TITLE, title, formats.get(**style))
        for col in range(MAX, len(HEADERS)):
            fmt = formats.get(**style, num_format=formats.signed if col == DIFF else num)
            _write_cell(sheet, at, col, unit, fmt)
        sheet.set_row(at, 18)


# --- the workbook ---------------------------------------------------------------------------------


def _prepare(
    criteria: CriteriaSet,
    item: Submission | CheckedSubmission,
    round: int | None,
    names: tuple[str, str | None],
    formulas: SheetFormulas,
    result: Review | None = None,
) -> UnitSheet:
    """One unit checked, reviewed (unless ``result`` is its review) and laid out; ``names``
    are its detailed and official sheets' (:func:`_names`)."""
    submission = _submission(item)
    if result is None:
        result = reviewed(criteria, item)
    shown = round if round is not None else last_round(submission)
    grid = layout(criteria, result.report, submission, shown)
    shape = SheetFormulas.key(grid)
    cells, evaluator, texts = formulas.values(grid, submission, shape)
    return UnitSheet(submission, result, *names, grid, cells, evaluator, texts, shape)


def _submission(item: Submission | CheckedSubmission) -> Submission:
    return item.submission if isinstance(item, CheckedSubmission) else item


def _names(
    items: Sequence[Submission | CheckedSubmission], official: bool
) -> list[tuple[str, str | None]]:
    """Each unit's detailed and official sheet names, in order (each unique in the workbook)."""
    taken = {name.casefold() for name in (SUMMARY_SHEET, FINDINGS_SHEET, META_SHEET)}
    names: list[tuple[str, str | None]] = []
    for item in items:
        unit = _submission(item).unit
        name = sheet_name(unit.name, taken)
        names.append((name, official_sheet_name(unit.name, taken) if official else None))
    return names


def _written(unit: UnitSheet) -> UnitSheet:
    """What is kept of a unit once its sheets are written: what the summary, the findings
    and the hidden sheet read (the review's figures and findings, in order; the round).
    Its criteria results, formulas and values are let go: a 250-unit workbook would
    otherwise hold some 40,000 results until it is saved."""
    result = unit.review
    fields = {name: getattr(result.report, name) for name in type(result.report).model_fields}
    report = type(result.report).model_construct(**{**fields, "nodes": [], "documents": []})
    light = result.model_copy(
        update={
            "findings": result.sorted_findings(),  # in tree order, which the light report lacks
            "report": report,
            "history": {},
            "node_self": {},
            "node_appraised": {},
        }
    )
    grid = SheetLayout(rows=(), round=unit.layout.round, areas=(), max_points=Decimal(0))
    return dataclasses.replace(
        unit,
        review=light,
        layout=grid,
        cells={},
        evaluator=Evaluator({}),
        formulas={},
        not_appraised=len(not_appraised(result)),
    )


def _with_meta(
    kept: UnitSheet,
    unit: UnitSheet,
    rows: list[FindingRow] | None,
    key: bytes,
    export_id: str,
    premade: bool = True,
) -> UnitSheet:
    """``kept`` with what the findings and hidden sheets read of it, made by the process
    writing the unit: its findings ``rows``, its submission's JSON and its hidden row's
    signature (with the export's ``key`` and id), and (``premade``) the JSON's ``<si>``."""
    text = submission_json(unit.submission)
    cells = unit_cells(unit.sheet_name, unit.submission.unit.id, unit.layout.round, text)
    signature = sign(key, export_id, cells)
    si = plain_string(text) if premade and cells[4:] == [text] else None  # one cell
    return dataclasses.replace(
        kept, finding_rows=rows, submission_json=text, signature=signature, submission_si=si
    )


def _merged(
    helper: Helper,
    kept: UnitSheet,
    item: Submission | CheckedSubmission,
    places: FindingPlaces | None,
) -> UnitSheet:
    """A unit the other process wrote, as this process keeps it: its submission put back,
    its findings rows with this workbook's string and style numbers (numbered in their
    place first where ``places`` is given: then renumbered once, as one text)."""
    rows, block = kept.finding_rows, None
    if places is not None:
        block = places.place(kept)
        if block is not None:
            block = (helper.renumbered(block[0]), *block[1:])
            rows = []  # kept as the block only
    if rows:
        rows = [(helper.renumbered(c), a, b, h) for c, a, b, h in rows]
    return dataclasses.replace(
        kept, submission=_submission(item), finding_rows=rows, finding_block=block
    )


def _units(
    workbook: Book,
    formats: Formats,
    write: Callable[[int], UnitSheet],
    items: Sequence[Submission | CheckedSubmission],
    workers: int | None,
    places: FindingPlaces | None = None,
) -> list[UnitSheet]:
    """Every unit written (``write(index)``) here or by the other process and merged here
    (:class:`Helper`), in order; each unit's sheets packed as soon as they are here
    (:meth:`Book.pack_ahead`: once the other process is forked, which it is at unit 1);
    each unit's findings rows numbered in ``places`` (if given)."""

    def stripped(unit: UnitSheet) -> UnitSheet:
        """The other process's unit without what this one has (its submission) or never
        reads: its findings, once they are rows of the findings sheet (pickling and
        unpickling them cost more than the rest of what is kept of the unit)."""
        review = unit.review
        if unit.finding_rows is not None:
            review = review.model_copy(update={"findings": []})
        return dataclasses.replace(unit, submission=cast(Submission, None), review=review)

    units = []
    with Helper(workbook, formats, write, len(items), workers, stripped) as helper:
        for index, item in enumerate(items):
            kept = helper.take(index)
            if kept is not None:
                units.append(_merged(helper, kept, item, places))
            elif places is None:
                units.append(write(index))
            else:
                unit = write(index)
                block = places.place(unit)
                rows = unit.finding_rows if block is None else []  # kept as the block only
                units.append(dataclasses.replace(unit, finding_rows=rows, finding_block=block))
            if index:
                workbook.pack_ahead()
    return units


def _workbook(path: Path, criteria: CriteriaSet) -> tuple[Any, Formats]:
    workbook = Book(
        str(path),
        {
            "strings_to_formulas": False,
            "strings_to_urls": False,
            "strings_to_numbers": False,
            # Each part is made in memory, not in a temporary file: the sheets' XML is
            # already text (excel_xml), and creating and removing a temporary file per
            # sheet cost more than writing it.
            "in_memory": True,
            # Column widths are counted in the default font's digits: Times New Roman (or the
            # metric-equal Liberation Serif) is on every machine that prints the sheets, so
            # the widths print as planned (Calibri is missing where LibreOffice runs alone,
            # and its stand-in made every column a third wider, shrinking the print).
            "default_format_properties": {"font_name": "Times New Roman", "font_size": 11},
        },
    )
    workbook.set_properties(
        {
            "title": "Bảng tổng hợp kết quả tự đánh giá, chấm điểm",
            "subject": criteria.title,
            "comments": f"parindex {version('parindex')} — {criteria.id}",
        }
    )
    places = max(0, -int(criteria.precision.normalize().as_tuple().exponent))
    return workbook, Formats(workbook, places)


def _check_path(path: str | Path) -> Path:
    target = Path(path)
    if target.suffix.lower() != ".xlsx":
        raise ValueError(f"tệp Excel phải có đuôi .xlsx: {target}")
    target.parent.mkdir(parents=True, exist_ok=True)
    return target


def export_unit(
    criteria: CriteriaSet,
    submission: Submission | CheckedSubmission,
    path: str | Path,
    *,
    round: int | None = None,
    password: str | None = None,
    official: bool = True,
    language: str = "vi",
) -> Path:
    """Write one unit's "Bảng tổng hợp" to ``path`` (``.xlsx``) and return the path:
    its official sheet (``official=False`` leaves it out) and its detailed sheet.

    ``round`` picks the appraisal round shown in the "Điểm thẩm định" column (default:
    the unit's last round, or round 1 before any appraisal).

    >>> export_unit(criteria, load_submission("evidence/so-tnmt-mau-2023.yaml"),
    ...             "out/so-tnmt.xlsx")  # doctest: +SKIP
    """
    return export_workbook(
        criteria,
        [submission],
        path,
        round=round,
        password=password,
        summary=False,
        official=official,
        language=language,
    )


def export_workbook(
    criteria: CriteriaSet,
    submissions: Iterable[Submission | CheckedSubmission],
    path: str | Path,
    *,
    round: int | None = None,
    password: str | None = None,
    summary: bool = True,
    official: bool = True,
    language: str = "vi",
    workers: int | None = None,
) -> Path:
    """Write many units to one workbook: a ranked summary, two sheets per unit, the findings.

    Each unit has its official sheet (the seven columns the appraisal council signs,
    :mod:`parindex.excel_official`; ``official=False`` leaves it out) and its detailed
    sheet (figures, rule, computed score, difference), which import reads. Units are
    ranked within their group (their level unless the submission names a group) by the
    final index: the appraised one where the unit was appraised, the computed one
    otherwise (:mod:`parindex.excel_summary`). With ``summary=False`` only the units'
    sheets are written (what :func:`export_unit` does). Sheets are protected without a
    password unless ``password`` is given. ``language="en"`` writes the summary, findings
    and official sheets in English (the detailed sheet stays Vietnamese: import reads it).

    A text longer than a cell holds is shortened with a note in the cell saying so, and a
    :class:`~parindex.excel_style.SheetTextCut` warning names the unit, cell and criterion.

    From 24 units a second process writes the later units' sheets while this one writes
    the first ones (:mod:`parindex.excel_workers`; ``workers=1``: this process only); the
    workbook is the same either way.
    """
    target = _check_path(path)
    items = list(submissions)
    names = _names(items, official)
    key, export_id = workbook_key(), new_export_id()  # each unit's row signed as it is written
    # what the export made, the units' figures and the workbook, joins the oldest generation
    # unwalked (each unit's cycles were collected with it); else the first collection after
    # the block walks all of it for nothing (0,15-0,19 s CPU, 250 units). Where objects are
    # frozen already (the command line froze its imports, and never thaws them), it is
    # frozen with them: settling would thaw theirs.
    with paused(freeze=gc.get_freeze_count() > 0, settle=True):
        workbook, formats = _workbook(target, criteria)
        # the summary comes first but is written last (it ranks every unit): each unit's
        # sheets are written as the unit is reviewed, then only its figures are kept
        front = workbook.add_worksheet(SUMMARY_SHEET, RowSheet) if summary else None
        formulas = SheetFormulas()

        def write(index: int) -> UnitSheet:
            unit = _prepare(criteria, items[index], round, names[index], formulas)
            formats.unit = unit.submission.unit.name
            if unit.official_name is not None:
                write_official(workbook, formats, unit, criteria, password or "", language)
            _write_unit(workbook, formats, unit, criteria, password or "")
            kept = _written(unit)
            # what the hidden sheet and the findings sheet read, made by the process writing it
            rows = None if front is None else finding_rows(workbook, formats, kept, language)
            kept = _with_meta(kept, unit, rows, key, export_id, not formats.careful)
            del unit
            gc.collect(0)  # the unit's cycles (the collector is paused): its objects only
            if index == 1:  # this process (the other forks before it): made with the units
                formats.memo["criteria shape"] = shape_json(criteria)
            return kept

        try:
            # each unit's findings rows numbered as it comes (not with the careful formats,
            # which write them one by one at the end: the reference)
            places = None if front is None or formats.careful else FindingPlaces()
            units = _units(workbook, formats, write, items, workers, places)
            formats.unit = ""
            if not units:
                raise ValueError("cần ít nhất một hồ sơ để xuất bảng điểm")
            if front is not None:
                write_summary(front, formats, criteria, units, language)
                write_findings(workbook, formats, units, language)
            workbook.premade_strings = {
                u.submission_json: u.submission_si
                for u in units
                if u.submission_json is not None and u.submission_si is not None
            }
            shape = formats.memo.get("criteria shape")
            write_meta(workbook, formats, criteria, units, key, shape=shape, export_id=export_id)
            workbook.close()
        finally:
            workbook.stop_ahead()  # its thread ended, also when a unit raised
    for vi, en in formats.cuts:
        warnings.warn(SheetTextCut(vi, en), stacklevel=2)
    return target

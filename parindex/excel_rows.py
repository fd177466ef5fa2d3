"""Read one unit's filled sheet against the layout it was exported with.

Rows are found by criterion code, so each row's scores and notes are read from the row
the criterion is on; every difference from what was written (a row deleted, swapped,
inserted, a code or title changed, a formula typed where a score belongs, cells merged
over data, data outside the table) is a located problem of that unit. Scores above the
maximum are imported as typed: the review reports them as findings.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from functools import cached_property, lru_cache

from xlsxwriter.utility import quote_sheetname

from parindex.criteria import CriteriaSet
from parindex.errors import Problem
from parindex.excel_layout import (
    APPRAISED,
    CODE,
    FOOTER_TEXTS,
    HEADER_ROW,
    INDEX_TITLE,
    NOTE,
    SELF,
    TITLE,
    TOTAL_TITLE,
    UNIT_NOTE,
    appraised_as_of,
    sheet_headers,
)
from parindex.excel_read import Cell, SheetData, column_letter
from parindex.excel_style import whole_text
from parindex.numbers import NumberFormatError, format_decimal, parse_decimal, quantize
from parindex.report import format_points
from parindex.submission import Appraisal, AppraisedScore, SelfScore, Submission

__all__ = [
    "COLUMNS",
    "MARGIN",
    "EntryRow",
    "ImportGrid",
    "Reader",
    "display_titles",
    "import_grid",
    "read_note",
    "read_points",
    "read_unit_sheet",
    "where",
]

COLUMNS = 12
MARGIN = 200
"""Rows read below the index row: rows inserted by hand push the table down this far."""
_NOISE = Decimal("1e-9")


@dataclass
class Reader:
    """Collects problems (which refuse a unit) and warnings (read, not imported)."""

    criteria: CriteriaSet
    file: str
    problems: list[Problem] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)

    def add(
        self,
        kind: str,
        message: str,
        message_en: str,
        where: str | None = None,
        code: str | None = None,
        text: object = None,
        allowed: tuple[str, ...] = (),
        warning: bool = False,
    ) -> None:
        problem = Problem(
            kind=kind,
            message=message,
            message_en=message_en,
            file=self.file,
            code=code,
            field=where,
            text=None if text is None else str(text),
            allowed=allowed,
        )
        (self.warnings if warning else self.problems).append(problem)


def where(sheet: str, row: int, col: int) -> str:
    """``'Sở Tư pháp (mẫu)'!G12`` for a 0-based row and column."""
    return f"{quote_sheetname(sheet)}!{column_letter(col)}{row + 1}"


@dataclass(frozen=True)
class EntryRow:
    """What the import checks of one criteria row: its code, whether it takes scores and
    notes (every leaf, and a parent scored at its own level), the maximum its score cells
    are checked against, and whether it is an area (its title shown in upper case)."""

    code: str
    entry: bool
    declared_max: Decimal
    area: bool


@dataclass(frozen=True)
class ImportGrid:
    """The rows of a unit's detailed sheet as :func:`parindex.excel_layout.layout` places
    them (one per node, in tree order, from the row under the headers), without scoring."""

    rows: tuple[EntryRow, ...]
    round: int

    @property
    def index_row(self) -> int:
        """The 0-based row of the index line (under the total, under the criteria rows)."""
        return HEADER_ROW + 1 + len(self.rows) + 1

    def headers(self) -> tuple[str, ...]:
        return sheet_headers(self.round)


_STATIC: dict[int, tuple[CriteriaSet, tuple[tuple[str, bool, Decimal, bool], ...]]] = {}


def _static_rows(criteria: CriteriaSet) -> tuple[tuple[str, bool, Decimal, bool], ...]:
    """Each node's code, whether a leaf, its declared maximum, whether an area: the same
    for every unit of the set, so made once a set."""
    found = _STATIC.get(id(criteria))
    if found is None or found[0] is not criteria:
        rows = tuple(
            (code, node.is_leaf, node.node.max_points, node.node.kind.value == "area")
            for code, node in criteria.compiled.nodes.items()
        )
        _STATIC.clear()  # one set at a time: a cache, never a leak
        found = _STATIC[id(criteria)] = criteria, rows
    return found[1]


def import_grid(criteria: CriteriaSet, submission: Submission, round: int) -> ImportGrid:
    """The grid a unit's sheet is checked against: its entry rows are the leaves and the
    parents the unit or an appraiser scored at their own level, as on export. Nothing of
    it depends on the unit's scores or facts, so no scoring is needed."""
    scored_here = set(submission.self_scores)
    for appraisal in submission.appraisals:
        scored_here.update(appraisal.scores)
    rows = tuple(
        EntryRow(code, leaf or code in scored_here, top, area)
        for code, leaf, top, area in _static_rows(criteria)
    )
    return ImportGrid(rows, round)


def display_titles(criteria: CriteriaSet, titles: Mapping[str, str]) -> dict[str, str]:
    """Each code's title as a detailed sheet shows it (areas in upper case), as the
    export's layout does: the same for every unit of a workbook."""
    return {
        code: titles[code].upper() if area else titles[code]
        for code, _, _, area in _static_rows(criteria)
    }


def _text(cell: Cell | None) -> str | None:
    return None if cell is None else cell.value


@dataclass
class _Sheet:
    """One unit's sheet being read: its cells, the layout it must match, where problems go."""

    reader: Reader
    data: SheetData
    grid: ImportGrid
    titles: Mapping[str, str]
    """Each code's title as the exported sheet showed it."""

    @property
    def name(self) -> str:
        return self.data.name

    @cached_property
    def _quoted(self) -> str:
        quoted: str = quote_sheetname(self.data.name)
        return quoted

    @cached_property
    def filled(self) -> frozenset[int]:
        """Rows holding any cell inside the table's columns."""
        return frozenset({row for row, col in self.data.cells if col < COLUMNS})

    def cell(self, row: int, col: int) -> Cell | None:
        return self.data.cells.get((row, col))

    def at(self, row: int, col: int) -> str:
        return f"{self._quoted}!{column_letter(col)}{row + 1}"

    def blank_row(self, row: int) -> bool:
        if row not in self.filled:
            return True
        return all(self._blank(self.cell(row, c)) for c in range(COLUMNS))

    def footer_row(self, row: int) -> bool:
        """A row of the signature block, as exported (nothing else typed in it)."""
        texts = {c.value for c in (self.cell(row, col) for col in range(COLUMNS)) if c}
        return bool(texts) and texts <= FOOTER_TEXTS

    @staticmethod
    def _blank(cell: Cell | None) -> bool:
        return cell is None or (cell.kind == "s" and not cell.value)


def read_unit_sheet(
    reader: Reader,
    data: SheetData,
    grid: ImportGrid,
    original: Submission,
    target: int,
    titles: Mapping[str, str],
) -> Submission | None:
    """The unit's submission with the sheet's scores and notes, or ``None`` (problems added);
    ``titles`` are each code's title as the exported sheet showed it."""
    sheet = _Sheet(reader, data, grid, titles)
    before = len(reader.problems)
    _check_shape(sheet)
    if len(reader.problems) > before:
        return None
    found = _match_rows(sheet)
    if found is None:
        return None
    rebuilt = _rebuild(sheet, found, original, target)
    return rebuilt if len(reader.problems) == before else None


def _check_shape(sheet: _Sheet) -> None:
    """Merged ranges over the table, text longer than a cell holds, data outside the table."""
    reader = sheet.reader
    for first_row, first_col, last_row, last_col in sheet.data.merges:
        if last_row < HEADER_ROW:
            continue  # the title block is merged on purpose
        if all(sheet.footer_row(r) or sheet.blank_row(r) for r in range(first_row, last_row + 1)):
            continue  # so is the signature block (rows inserted above it may leave it on blanks)
        span = f"{sheet.at(first_row, first_col)}:{column_letter(last_col)}{last_row + 1}"
        reader.add(
            "merged_cells",
            f"các ô {span} bị gộp: ô gộp che giá trị của các ô bên dưới; hãy bỏ gộp ô "
            "(Merge & Center → Unmerge) rồi nhập lại",
            f"cells {span} are merged over the table: unmerge them and import again",
            span,
        )
    for row, col, length in sheet.data.too_long:
        reader.add(
            "text_too_long",
            f"ô có {length} ký tự, quá giới hạn 32.767 ký tự của một ô Excel: hãy rút gọn "
            "(tệp không do Excel lưu)",
            f"the cell holds {length} characters, over Excel's 32,767 per cell",
            sheet.at(row, col),
            text=str(length),
        )
    data = sheet.data
    for row, col, cell in data.outside:
        reader.add(
            "outside_table",
            "dữ liệu nằm ngoài vùng bảng điểm, không được nhập: hãy chuyển vào đúng ô "
            "(cột điểm hoặc ghi chú của tiêu chí) hoặc xóa",
            "data outside the score table, not imported: move it into the right cell or delete it",
            sheet.at(row, col),
            text=cell.value[:200],
            warning=True,
        )
    hidden = data.outside_count - len(data.outside)
    if hidden > 0:
        reader.add(
            "outside_table",
            f"và {hidden} ô có dữ liệu khác nằm ngoài vùng bảng điểm, không được nhập",
            f"and {hidden} more cells with data outside the score table, not imported",
            quote_sheetname(sheet.name),
            text=str(hidden),
            warning=True,
        )


def _header(sheet: _Sheet) -> int | None:
    reader = sheet.reader
    header = next(
        (r for r in range(HEADER_ROW + MARGIN) if _text(sheet.cell(r, CODE)) == "STT"), None
    )
    if header is None:
        reader.add(
            "header_missing",
            f"trang '{sheet.name}' không có dòng tiêu đề cột (ô 'STT')",
            f"sheet '{sheet.name}' has no column header row (cell 'STT')",
            quote_sheetname(sheet.name),
        )
        return None
    changed = False
    for col, wanted in enumerate(sheet.grid.headers()):
        got = _text(sheet.cell(header, col))
        if got != wanted:
            changed = True
            reader.add(
                "header_changed",
                f"tiêu đề cột bị sửa hoặc cột bị chèn, xóa: cần '{wanted}'",
                f"a column header was changed, or a column inserted or deleted: expected "
                f"'{wanted}'",
                sheet.at(header, col),
                text=got,
                allowed=(wanted,),
            )
    return None if changed else header


def _match_rows(sheet: _Sheet) -> dict[str, int] | None:
    """Each expected criterion's row in the sheet (0-based); problems for rows changed."""
    header = _header(sheet)
    if header is None:
        return None
    reader = sheet.reader
    expected = {r.code: r for r in sheet.grid.rows}
    found: dict[str, int] = {}
    strangers: list[tuple[int, str | None, str | None]] = []
    last = sheet.grid.index_row + MARGIN
    for at in sorted(r for r in sheet.filled if header < r <= last):  # blank rows hold nothing
        code = _text(sheet.cell(at, CODE))
        code = code.strip() if code else code
        title = _text(sheet.cell(at, TITLE))
        if code in expected:
            if code in found:
                reader.add(
                    "duplicate_row",
                    f"tiêu chí {code} có hai dòng (dòng {found[code] + 1} và dòng {at + 1})",
                    f"criterion {code} appears on two rows ({found[code] + 1} and {at + 1})",
                    sheet.at(at, CODE),
                    code,
                    code,
                )
                continue
            found[code] = at
            if title != sheet.titles[code]:
                reader.add(
                    "title_changed",
                    f"tên tiêu chí {code} bị sửa: cần '{sheet.titles[code]}'",
                    f"the title of criterion {code} was changed",
                    sheet.at(at, TITLE),
                    code,
                    title,
                    (sheet.titles[code],),
                )
            continue
        if not code and title in (TOTAL_TITLE, INDEX_TITLE):
            continue
        if not sheet.blank_row(at) and not sheet.footer_row(at):
            strangers.append((at, code, title))
    _strangers(sheet, strangers, found)
    _moved(sheet, found)
    for row_spec in sheet.grid.rows:
        if row_spec.code not in found:
            reader.add(
                "row_missing",
                f"dòng của tiêu chí {row_spec.code} '{sheet.titles[row_spec.code]}' bị xóa "
                "hoặc sửa mã",
                f"the row of criterion {row_spec.code} was deleted or its code changed",
                quote_sheetname(sheet.name),
                row_spec.code,
            )
    return {code: at for code, at in found.items() if at >= 0}


def _moved(sheet: _Sheet, found: Mapping[str, int]) -> None:
    """Rows out of the exported order (rows swapped or moved): read by their code, with a
    warning naming each."""
    previous: tuple[str, int] | None = None
    for spec in sheet.grid.rows:
        at = found.get(spec.code, -1)
        if at < 0:
            continue
        if previous is not None and at < previous[1]:
            sheet.reader.add(
                "row_moved",
                f"dòng của tiêu chí {spec.code} bị chuyển lên trên tiêu chí {previous[0]} "
                "(dòng bị đổi chỗ): điểm vẫn được đọc theo mã tiêu chí; hãy kiểm tra lại",
                f"the row of {spec.code} was moved above {previous[0]} (rows swapped): read "
                "by its code; check it",
                sheet.at(at, CODE),
                spec.code,
                warning=True,
            )
        previous = (spec.code, at)


def _strangers(
    sheet: _Sheet, strangers: list[tuple[int, str | None, str | None]], found: dict[str, int]
) -> None:
    """Rows that are no criterion's: a code changed (the title names it), or added by hand."""
    reader = sheet.reader
    titles = {sheet.titles[r.code]: r.code for r in sheet.grid.rows if r.code not in found}
    for at, code, title in strangers:
        if title in titles and titles[title] not in found:
            wanted = titles.pop(title)
            reader.add(
                "code_changed",
                f"mã của tiêu chí '{title}' bị sửa thành '{code}': cần {wanted}",
                f"the code of '{title}' was changed to '{code}': expected {wanted}",
                sheet.at(at, CODE),
                wanted,
                code,
                (wanted,),
            )
            found[wanted] = -1
            continue
        shown = " | ".join(
            c.value for c in (sheet.cell(at, col) for col in range(COLUMNS)) if c and c.value
        )
        reader.add(
            "row_added",
            f"dòng {at + 1} không thuộc bộ tiêu chí (thêm bằng tay), không được nhập: {shown}",
            f"row {at + 1} is not part of the criteria set (added by hand), not imported",
            sheet.at(at, CODE),
            code or None,
            shown,
            warning=True,
        )


def _score_cell(sheet: _Sheet, at: int, col: int, spec: EntryRow) -> Decimal | None:
    cell = sheet.cell(at, col)
    if cell is None:
        return None  # blank (as read_points reads it), without locating it
    if cell.kind == "n":  # most score cells: read as read_points reads them, unlocated
        points = _plain_points(cell.value, spec.declared_max, sheet.reader.criteria.precision)
        if points is not None:
            return points
    column = "điểm tự đánh giá" if col == SELF else "điểm thẩm định"
    return read_points(
        sheet.reader,
        cell,
        sheet.at(at, col),
        spec.code,
        spec.declared_max,
        column,
        "self" if col == SELF else "appraised",
    )


def read_points(
    reader: Reader,
    cell: Cell | None,
    here: str,
    code: str,
    top: Decimal,
    column: str,
    column_en: str,
) -> Decimal | None:
    """The points typed in one score cell (``None``: blank, or a problem added).

    ``0,5`` or ``0.5``, a number or text; a formula, text that is no number, points below
    0 or finer than the set's step are problems; points above ``top`` are imported with a
    warning (the review makes them a finding). ``column`` names the column in the messages.
    """
    if cell is None or (cell.kind == "s" and not cell.value.strip()):
        return None
    if cell.kind == "f":
        reader.add(
            "formula_in_score",
            f"ô {column} của tiêu chí {code} chứa công thức; chỉ nhập số",
            f"the {column_en} score of {code} is a formula; enter a number",
            here,
            code,
            "=" + cell.value,
        )
        return None
    try:
        if cell.kind not in ("n", "s"):
            raise ValueError(cell.value)
        points = (
            _stored_number(cell.value) if cell.kind == "n" else parse_decimal(cell.value.strip())
        )
    except (ValueError, OverflowError) as exc:
        vi, en = (
            (exc.message, exc.message_en)
            if isinstance(exc, NumberFormatError)
            else ("viết 0,5 hoặc 0.5", "write 0.5 or 0,5")
        )
        reader.add(
            "not_a_number",
            f"{column} của tiêu chí {code} không phải là số ({vi})",
            f"the score of {code} is not a number ({en})",
            here,
            code,
            cell.value[:200],
        )
        return None
    step = reader.criteria.precision
    if cell.kind == "n":
        rounded = quantize(points, step)
        if abs(points - rounded) <= _NOISE:  # binary noise of a value computed elsewhere
            points = rounded
    return _checked_points(reader, here, column, code, top, points)


@lru_cache(maxsize=4096)
def _plain_points(text: str, top: Decimal, step: Decimal) -> Decimal | None:
    """The points of a number cell holding ``text`` when :func:`read_points` reads them
    and reports nothing (a number from 0 to ``top`` on the ``step``, after the binary
    noise is rounded off); ``None`` for anything else: :func:`read_points` then reads
    and reports it."""
    try:
        points = _stored_number(text)
        rounded = quantize(points, step)
        if abs(points - rounded) <= _NOISE:
            points = rounded
        plain = 0 <= points <= top and points == points.quantize(step)
    except Exception:  # whatever read_points would raise or report, it does so itself
        return None
    return points if plain else None


@lru_cache(maxsize=4096)
def _stored_number(text: str) -> Decimal:
    """A number cell's points (a workbook repeats a few values thousands of times; a value
    that is no number raises each time, uncached)."""
    return parse_decimal(float(text))


def _checked_points(
    reader: Reader, here: str, column: str, code: str, top: Decimal, points: Decimal
) -> Decimal | None:
    """Points below 0 or finer than the set's step are refused; above the maximum they
    are imported (the review makes them a finding) with a warning."""
    step = reader.criteria.precision
    shown = format_decimal(points)
    if points < 0:
        reader.add(
            "below_zero",
            f"{column} của tiêu chí {code} âm ({shown}): viết một số từ 0",
            f"the score of {code} is below 0 ({shown})",
            here,
            code,
            shown,
        )
        return None
    if points != points.quantize(step):
        reader.add(
            "too_precise",
            f"{column} của tiêu chí {code} ({shown}) có nhiều chữ số thập phân hơn bước "
            f"{format_decimal(step)} của bộ tiêu chí",
            f"the score of {code} ({shown}) has more decimals than the set's step "
            f"{format_decimal(step)}",
            here,
            code,
            shown,
        )
        return None
    if points > top:
        reader.add(
            "above_max",
            f"{column} của tiêu chí {code} ({format_points(points)}) vượt điểm tối đa "
            f"{format_points(top)}: đã nhập, và là một phát hiện thẩm định",
            f"the score of {code} ({format_points(points)}) is above the maximum "
            f"{format_points(top)}: imported, and a review finding",
            here,
            code,
            shown,
            warning=True,
        )
    return points


def _note_cell(sheet: _Sheet, at: int, col: int, code: str) -> str | None:
    cell = sheet.cell(at, col)
    if cell is None or cell.kind not in ("f", "n"):  # blank, or text as read_note reads it
        return None if cell is None else cell.value or None
    return read_note(sheet.reader, cell, sheet.at(at, col), code)


def read_note(reader: Reader, cell: Cell | None, here: str, code: str) -> str | None:
    """The text of a note cell (a number typed there read as written; a formula a problem)."""
    if cell is None:
        return None
    if cell.kind == "f":
        reader.add(
            "formula_in_note",
            f"ô ghi chú của tiêu chí {code} chứa công thức; ghi chú phải là chữ",
            f"the note of {code} is a formula; notes are text",
            here,
            code,
            "=" + cell.value,
        )
        return None
    if cell.kind == "n":
        try:
            return format(parse_decimal(float(cell.value)), "f")
        except (ValueError, OverflowError):
            return cell.value
    return cell.value or None


def _rebuild(
    sheet: _Sheet, found: Mapping[str, int], original: Submission, target: int
) -> Submission:
    carried = appraised_as_of(original, target - 1)
    exported_notes = appraised_as_of(original, target)
    before = next((a for a in original.appraisals if a.round == target), None)
    self_scores: dict[str, SelfScore] = {}
    appraised: dict[str, AppraisedScore] = {}
    for spec in sheet.grid.rows:
        at = found.get(spec.code)
        if at is None:
            continue
        if not spec.entry:
            _computed_untouched(sheet, at, spec)
            continue
        own = _self_score(sheet, at, spec.code, spec)
        if own is not None:
            exported = original.self_scores.get(spec.code)
            before_text = exported.explanation if exported is not None else None
            explanation = whole_text(own.explanation, before_text)
            if explanation is not own.explanation:  # a shortened note stands for its whole text
                own = own.model_copy(update={"explanation": explanation})
            self_scores[spec.code] = own
        score = _appraised_score(sheet, at, spec, carried, target)
        if score is None:
            continue
        shown = exported_notes.get(spec.code)  # a long note kept whole
        note = whole_text(score.note, shown[1] if shown is not None else None)
        if note is not score.note:
            score = score.model_copy(update={"note": note})
        kept = before is not None and spec.code in before.scores
        if kept or carried.get(spec.code) != (score.points, score.note):
            appraised[spec.code] = score
    appraisals = [a for a in original.appraisals if a.round != target]
    if before is not None:
        appraisals.append(before.model_copy(update={"scores": appraised}))
    elif appraised:
        appraisals.append(Appraisal(round=target, scores=appraised))
    appraisals.sort(key=lambda a: a.round)
    return original.model_copy(update={"self_scores": self_scores, "appraisals": appraisals})


def _self_score(sheet: _Sheet, at: int, code: str, spec: EntryRow) -> SelfScore | None:
    points = _score_cell(sheet, at, SELF, spec)
    explanation = _note_cell(sheet, at, UNIT_NOTE, code)
    if points is not None:
        return SelfScore(points=points, explanation=explanation)
    if explanation and sheet.cell(at, SELF) is None:
        sheet.reader.add(
            "note_without_score",
            f"ghi chú của đơn vị ở tiêu chí {code} cần kèm điểm tự đánh giá",
            f"the unit's note on {code} needs a self-score",
            sheet.at(at, SELF),
            code,
            explanation,
        )
    return None


def _appraised_score(
    sheet: _Sheet,
    at: int,
    spec: EntryRow,
    carried: Mapping[str, tuple[Decimal, str | None]],
    target: int,
) -> AppraisedScore | None:
    code, reader = spec.code, sheet.reader
    points = _score_cell(sheet, at, APPRAISED, spec)
    note = _note_cell(sheet, at, NOTE, code)
    if points is not None:
        return AppraisedScore(points=points, note=note)
    if sheet.cell(at, APPRAISED) is not None:
        return None  # already reported
    if note:
        reader.add(
            "note_without_score",
            f"ghi chú thẩm định ở tiêu chí {code} cần kèm điểm thẩm định",
            f"the appraiser's note on {code} needs an appraised score",
            sheet.at(at, APPRAISED),
            code,
            note,
        )
    elif code in carried:
        reader.add(
            "cleared_earlier_round",
            f"điểm thẩm định của tiêu chí {code} do vòng trước chấm "
            f"({format_points(carried[code][0])}) không xóa được ở vòng {target}; "
            "hãy nhập điểm mới",
            f"the appraised score of {code} set in an earlier round cannot be cleared "
            f"in round {target}; enter a new score",
            sheet.at(at, APPRAISED),
            code,
        )
    return None


def _computed_untouched(sheet: _Sheet, at: int, spec: EntryRow) -> None:
    """A row whose scores are formulas takes no entry; report any value typed over them."""
    for col in (SELF, APPRAISED, UNIT_NOTE, NOTE):
        cell = sheet.cell(at, col)
        if cell is None or cell.kind == "f" or cell.value == "":
            continue
        sheet.reader.add(
            "computed_row_edited",
            f"dòng {spec.code} tính từ các tiêu chí thành phần: không nhập điểm hay ghi chú ở "
            "đây mà ở các dòng con (nền vàng)",
            f"row {spec.code} is computed from its sub-criteria: enter scores and notes on "
            "the rows below it",
            sheet.at(at, col),
            spec.code,
            cell.value,
        )

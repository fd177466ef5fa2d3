"""Read a filled score sheet back into submissions: self-scores, appraised scores, notes.

:func:`import_workbook` reads a workbook written by :mod:`parindex.excel`, checks it
against the criteria set it was made from (the hash in its hidden sheet), and rebuilds
each unit's submission with the scores and notes of its sheet. Every problem is
reported at once, each naming the sheet, the cell and the criterion code; nothing a
person typed is dropped silently (rows added by hand are reported too).

Scores may be written ``0,5`` or ``0.5``, as numbers or as text.
"""

from __future__ import annotations

import json
import re
import zipfile
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any
from xml.etree import ElementTree

import openpyxl
from openpyxl.utils import get_column_letter
from openpyxl.utils.exceptions import InvalidFileException
from xlsxwriter.utility import quote_sheetname

from parindex.criteria import CriteriaSet
from parindex.engine import score
from parindex.errors import Problem, SubmissionError
from parindex.excel import (
    APPRAISED,
    CODE,
    FORMAT_ID,
    INDEX_TITLE,
    META_SHEET,
    NOTE,
    SELF,
    TITLE,
    TOTAL_TITLE,
    UNIT_NOTE,
    SheetLayout,
    SheetRow,
    WorkbookError,
    appraised_as_of,
    layout,
)
from parindex.loader import SourceMap
from parindex.numbers import NumberFormatError, format_decimal, parse_decimal, quantize
from parindex.report import format_points
from parindex.submission import Appraisal, AppraisedScore, SelfScore, Submission, parse_submission

__all__ = ["ImportResult", "import_workbook"]

_COLUMNS = 12
_NOISE = Decimal("1e-9")
_NS = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
_ESCAPED = re.compile(r"_x([0-9A-Fa-f]{4})_")


@dataclass(frozen=True)
class ImportResult:
    """The submissions rebuilt from a workbook, one per unit sheet, in sheet order.

    ``warnings`` lists what was read but not imported (rows added by hand).
    """

    submissions: tuple[Submission, ...]
    sheets: tuple[str, ...]
    rounds: tuple[int, ...]
    """The appraisal round each unit's appraised scores were imported into."""
    warnings: tuple[Problem, ...] = ()


@dataclass
class _Reader:
    criteria: CriteriaSet
    file: str
    fixes: Mapping[str, str]
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

    def text(self, value: object) -> str | None:
        """A text cell's content, with OOXML ``_xHHHH_`` escapes decoded exactly."""
        if value is None:
            return None
        if isinstance(value, str):
            return self.fixes.get(value, value)
        return str(value)


def _where(sheet: str, row: int, col: int) -> str:
    """``'Sở Tư pháp (mẫu)'!G12`` for a 0-based row and column."""
    return f"{quote_sheetname(sheet)}!{get_column_letter(col + 1)}{row + 1}"


def _string_fixes(path: Path) -> dict[str, str]:
    """Shared strings as openpyxl reads them → as written, where the two differ.

    openpyxl leaves OOXML escapes (``_x000D_`` for a carriage return, ``_x0001_`` …)
    undecoded; this decodes them from the file itself. A string whose decoding is
    ambiguous from openpyxl's reading is left as openpyxl reads it.
    """
    try:
        with zipfile.ZipFile(path) as archive:
            name = next(
                (n for n in archive.namelist() if n.lower() == "xl/sharedstrings.xml"), None
            )
            if name is None:
                return {}
            seen: dict[str, set[str]] = {}
            with archive.open(name) as handle:
                for _, node in ElementTree.iterparse(handle):
                    if node.tag != f"{_NS}si":
                        continue
                    parts = []
                    for child in node:
                        if child.tag == f"{_NS}t":
                            parts.append(child.text or "")
                        elif child.tag == f"{_NS}r":
                            parts += [t.text or "" for t in child.findall(f"{_NS}t")]
                    raw = "".join(parts)
                    as_read = raw.replace("x005F_", "")
                    proper = _ESCAPED.sub(lambda m: chr(int(m.group(1), 16)), raw)
                    seen.setdefault(as_read, set()).add(proper)
                    node.clear()
    except (zipfile.BadZipFile, OSError, ElementTree.ParseError):
        return {}
    return {k: next(iter(v)) for k, v in seen.items() if len(v) == 1 and k not in v}


def import_workbook(
    criteria: CriteriaSet, path: str | Path, *, round: int | None = None
) -> ImportResult:
    """Rebuild each unit's submission from a filled workbook; raise :class:`WorkbookError`.

    Self-scores and the unit's notes replace the submission's; the appraised scores and
    the appraisers' notes go to appraisal ``round`` (default: the round the sheet shows).
    A score left as an earlier round set it stays in that round; a changed one is the
    new round's. The error lists every problem at once: values above the maximum or
    below 0, text where a number belongs, formulas typed into score cells, rows whose
    code or title was changed or deleted, a workbook made from another criteria set.
    Rows added by hand are reported too (as ``warnings`` when nothing else is wrong).
    """
    source = Path(path)
    reader = _Reader(criteria, str(source), _string_fixes(source))
    try:
        workbook = openpyxl.load_workbook(source, read_only=True, data_only=False)
    except (InvalidFileException, zipfile.BadZipFile, OSError, KeyError, ValueError) as exc:
        reader.add(
            "not_a_workbook",
            f"không đọc được tệp Excel (.xlsx): {exc}",
            f"cannot read the Excel (.xlsx) file: {exc}",
        )
        raise WorkbookError(reader.problems) from exc
    try:
        submissions, sheets, rounds = _read(workbook, reader, round)
    finally:
        workbook.close()
    if reader.problems:
        raise WorkbookError([*reader.problems, *reader.warnings])
    return ImportResult(tuple(submissions), tuple(sheets), tuple(rounds), tuple(reader.warnings))


def _read(
    workbook: Any, reader: _Reader, round: int | None
) -> tuple[list[Submission], list[str], list[int]]:
    criteria = reader.criteria
    if META_SHEET not in workbook.sheetnames:
        reader.add(
            "not_parindex",
            f"tệp không do parindex xuất: thiếu trang ẩn '{META_SHEET}'",
            f"not a parindex workbook: the hidden sheet '{META_SHEET}' is missing",
        )
        return [], [], []
    meta: dict[str, tuple[str | None, str]] = {}
    units: list[tuple[int, list[str | None]]] = []
    for at, values in enumerate(workbook[META_SHEET].iter_rows(values_only=True)):
        cells = [reader.text(v) for v in values]
        key = cells[0] if cells else None
        if key == "unit" and len(cells) > 1 and cells[1] != "sheet":
            units.append((at, cells))
        elif key:
            meta[key] = (cells[1] if len(cells) > 1 else None, _where(META_SHEET, at, 1))
    expected = {
        "format": FORMAT_ID,
        "criteria_id": criteria.id,
        "criteria_digest": criteria.digest,
    }
    for key, wanted in expected.items():
        found, where = meta.get(key, (None, f"{META_SHEET}!B"))
        if found == wanted:
            continue
        if key == "criteria_id":
            message = f"bảng điểm lập theo bộ tiêu chí '{found}', không phải '{wanted}'"
            message_en = f"the workbook was made for criteria set '{found}', not '{wanted}'"
        elif key == "criteria_digest":
            message = (
                "bảng điểm lập theo một phiên bản khác của bộ tiêu chí (mã băm khác); "
                "hãy xuất lại bảng điểm từ bộ tiêu chí hiện hành"
            )
            message_en = "the workbook was made from another version of the criteria set"
        else:
            message = f"định dạng bảng điểm không đúng: '{found}'"
            message_en = f"unknown workbook format '{found}'"
        kind = "wrong_format" if key == "format" else "wrong_criteria"
        reader.add(kind, message, message_en, where, text=found, allowed=(wanted,))
    if reader.problems:
        return [], [], []
    if not units:
        reader.add("no_units", "bảng điểm không có đơn vị nào", "the workbook lists no unit")
    submissions, sheets, rounds = [], [], []
    for at, cells in units:
        unit = _unit(workbook, reader, at, cells, round)
        if unit is not None:
            submissions.append(unit[0])
            sheets.append(unit[1])
            rounds.append(unit[2])
    return submissions, sheets, rounds


def _unit(
    workbook: Any, reader: _Reader, at: int, cells: Sequence[str | None], round: int | None
) -> tuple[Submission, str, int] | None:
    sheet_name = cells[1] or ""
    where = _where(META_SHEET, at, 4)
    try:
        shown = int(cells[3] or "")
        data = json.loads("".join(c or "" for c in cells[4:]))
        original = parse_submission(data, SourceMap(f"{reader.file}[{META_SHEET}]", data, {}))
        report = score(reader.criteria, original)
    except SubmissionError as exc:
        reader.problems.extend(exc.problems)
        return None
    except (ValueError, TypeError, IndexError) as exc:
        reader.add(
            "bad_metadata",
            f"trang ẩn '{META_SHEET}' bị sửa, không đọc được hồ sơ của trang '{sheet_name}'",
            f"the hidden sheet was altered: cannot read the submission of '{sheet_name}' ({exc})",
            where,
        )
        return None
    if sheet_name not in workbook.sheetnames:
        reader.add(
            "sheet_missing",
            f"không thấy trang '{sheet_name}' của đơn vị {original.unit.name} "
            "(trang bị xóa hoặc đổi tên)",
            f"sheet '{sheet_name}' of unit {original.unit.id} is missing (deleted or renamed)",
            quote_sheetname(sheet_name),
            allowed=tuple(n for n in workbook.sheetnames if n != META_SHEET),
        )
        return None
    grid = layout(reader.criteria, report, original, shown)
    target = round if round is not None else shown
    rows = [tuple(row) for row in workbook[sheet_name].iter_rows(max_col=_COLUMNS)]
    found = _match_rows(reader, sheet_name, grid, rows)
    if found is None:
        return None
    return _rebuild(reader, sheet_name, grid, rows, found, original, target), sheet_name, target


def _value(row: Sequence[Any], col: int) -> Any:
    return row[col].value if col < len(row) else None


def _kind(row: Sequence[Any], col: int) -> str | None:
    return getattr(row[col], "data_type", None) if col < len(row) else None


def _match_rows(
    reader: _Reader, sheet: str, grid: SheetLayout, rows: Sequence[Sequence[Any]]
) -> dict[str, int] | None:
    """Each expected criterion's row in the sheet (0-based); problems for rows changed."""
    header = next(
        (i for i, row in enumerate(rows) if reader.text(_value(row, CODE)) == "STT"), None
    )
    if header is None:
        reader.add(
            "header_missing",
            f"trang '{sheet}' không có dòng tiêu đề cột (ô 'STT')",
            f"sheet '{sheet}' has no column header row (cell 'STT')",
            quote_sheetname(sheet),
        )
        return None
    for col, wanted in enumerate(grid.headers()):
        got = reader.text(_value(rows[header], col))
        if got != wanted:
            reader.add(
                "header_changed",
                f"tiêu đề cột bị sửa hoặc cột bị chèn, xóa: cần '{wanted}'",
                f"a column header was changed, or a column inserted or deleted: expected "
                f"'{wanted}'",
                _where(sheet, header, col),
                text=got,
                allowed=(wanted,),
            )
    if reader.problems and any(p.kind == "header_changed" for p in reader.problems):
        return None
    expected = {r.code: r for r in grid.rows}
    found: dict[str, int] = {}
    strangers: list[tuple[int, str | None, str | None]] = []
    for at in range(header + 1, len(rows)):
        row = rows[at]
        code = reader.text(_value(row, CODE))
        code = code.strip() if code else code
        title = reader.text(_value(row, TITLE))
        if code in expected:
            if code in found:
                reader.add(
                    "duplicate_row",
                    f"tiêu chí {code} có hai dòng (dòng {found[code] + 1} và dòng {at + 1})",
                    f"criterion {code} appears on two rows ({found[code] + 1} and {at + 1})",
                    _where(sheet, at, CODE),
                    code,
                    code,
                )
                continue
            found[code] = at
            if title != expected[code].title:
                reader.add(
                    "title_changed",
                    f"tên tiêu chí {code} bị sửa: cần '{expected[code].title}'",
                    f"the title of criterion {code} was changed",
                    _where(sheet, at, TITLE),
                    code,
                    title,
                    (expected[code].title,),
                )
            continue
        if not code and title in (TOTAL_TITLE, INDEX_TITLE):
            continue
        if any(_value(row, col) not in (None, "") for col in range(_COLUMNS)):
            strangers.append((at, code, title))
    titles = {r.title: r.code for r in grid.rows if r.code not in found}
    for at, code, title in strangers:
        if title in titles and titles[title] not in found:
            wanted = titles.pop(title)
            reader.add(
                "code_changed",
                f"mã của tiêu chí '{title}' bị sửa thành '{code}': cần {wanted}",
                f"the code of '{title}' was changed to '{code}': expected {wanted}",
                _where(sheet, at, CODE),
                wanted,
                code,
                (wanted,),
            )
            found[wanted] = -1
            continue
        shown = " | ".join(
            str(reader.text(_value(rows[at], c))) for c in range(_COLUMNS) if _value(rows[at], c)
        )
        reader.add(
            "row_added",
            f"dòng {at + 1} không thuộc bộ tiêu chí (thêm bằng tay), không được nhập: {shown}",
            f"row {at + 1} is not part of the criteria set (added by hand), not imported",
            _where(sheet, at, CODE),
            code or None,
            shown,
            warning=True,
        )
    for row_spec in grid.rows:
        if row_spec.code not in found:
            reader.add(
                "row_missing",
                f"dòng của tiêu chí {row_spec.code} '{row_spec.title}' bị xóa hoặc sửa mã",
                f"the row of criterion {row_spec.code} was deleted or its code changed",
                quote_sheetname(sheet),
                row_spec.code,
            )
    return {code: at for code, at in found.items() if at >= 0}


def _score_cell(
    reader: _Reader, sheet: str, row: Sequence[Any], at: int, col: int, spec: SheetRow
) -> Decimal | None:
    value = _value(row, col)
    kind = _kind(row, col)
    where = _where(sheet, at, col)
    code = spec.code
    column = "điểm tự đánh giá" if col == SELF else "điểm thẩm định"
    if value is None or (isinstance(value, str) and not value.strip() and kind != "f"):
        return None
    if kind == "f":
        reader.add(
            "formula_in_score",
            f"ô {column} của tiêu chí {code} chứa công thức; chỉ nhập số",
            f"the {'self' if col == SELF else 'appraised'} score of {code} is a formula; "
            "enter a number",
            where,
            code,
            value,
        )
        return None
    try:
        if isinstance(value, bool) or not isinstance(value, int | float | str | Decimal):
            raise ValueError(value)
        points = parse_decimal(value.strip() if isinstance(value, str) else value)
    except ValueError as exc:
        vi, en = (
            (exc.message, exc.message_en)
            if isinstance(exc, NumberFormatError)
            else ("viết 0,5 hoặc 0.5", "write 0.5 or 0,5")
        )
        reader.add(
            "not_a_number",
            f"{column} của tiêu chí {code} không phải là số ({vi})",
            f"the score of {code} is not a number ({en})",
            where,
            code,
            reader.text(value),
        )
        return None
    step = reader.criteria.precision
    if isinstance(value, float):
        rounded = quantize(points, step)
        if abs(points - rounded) <= _NOISE:  # binary noise of a value computed elsewhere
            points = rounded
    top = spec.result.declared_max
    shown = format_decimal(points)
    if points < 0:
        reader.add(
            "below_zero",
            f"{column} của tiêu chí {code} âm ({shown})",
            f"the score of {code} is below 0 ({points})",
            where,
            code,
            shown,
        )
    elif points > top:
        reader.add(
            "above_max",
            f"{column} của tiêu chí {code} ({shown}) vượt điểm tối đa {format_points(top)}",
            f"the score of {code} ({points}) is above the maximum {top}",
            where,
            code,
            shown,
        )
    elif points != points.quantize(step):
        reader.add(
            "too_precise",
            f"{column} của tiêu chí {code} ({shown}) có nhiều chữ số thập phân hơn bước "
            f"{format_decimal(step)} của bộ tiêu chí",
            f"the score of {code} ({points}) has more decimals than the set's step {step}",
            where,
            code,
            shown,
        )
    else:
        return points
    return None


def _note_cell(
    reader: _Reader, sheet: str, row: Sequence[Any], at: int, col: int, code: str
) -> str | None:
    value = _value(row, col)
    if _kind(row, col) == "f":
        reader.add(
            "formula_in_note",
            f"ô ghi chú của tiêu chí {code} chứa công thức; ghi chú phải là chữ",
            f"the note of {code} is a formula; notes are text",
            _where(sheet, at, col),
            code,
            value,
        )
        return None
    text = reader.text(value)
    if isinstance(value, float):
        text = format(parse_decimal(value), "f")
    return text or None


def _rebuild(
    reader: _Reader,
    sheet: str,
    grid: SheetLayout,
    rows: Sequence[Sequence[Any]],
    found: Mapping[str, int],
    original: Submission,
    target: int,
) -> Submission:
    carried = appraised_as_of(original, target - 1)
    before = next((a for a in original.appraisals if a.round == target), None)
    self_scores: dict[str, SelfScore] = {}
    appraised: dict[str, AppraisedScore] = {}
    for spec in grid.rows:
        at = found.get(spec.code)
        if at is None:
            continue
        row = rows[at]
        if not spec.entry:
            _computed_untouched(reader, sheet, row, at, spec)
            continue
        code = spec.code
        points = _score_cell(reader, sheet, row, at, SELF, spec)
        explanation = _note_cell(reader, sheet, row, at, UNIT_NOTE, code)
        if points is not None:
            self_scores[code] = SelfScore(points=points, explanation=explanation)
        elif explanation and _value(row, SELF) is None:
            reader.add(
                "note_without_score",
                f"ghi chú của đơn vị ở tiêu chí {code} cần kèm điểm tự đánh giá",
                f"the unit's note on {code} needs a self-score",
                _where(sheet, at, SELF),
                code,
                explanation,
            )
        points = _score_cell(reader, sheet, row, at, APPRAISED, spec)
        note = _note_cell(reader, sheet, row, at, NOTE, code)
        if points is None:
            if _value(row, APPRAISED) is not None:
                continue  # already reported
            if note:
                reader.add(
                    "note_without_score",
                    f"ghi chú thẩm định ở tiêu chí {code} cần kèm điểm thẩm định",
                    f"the appraiser's note on {code} needs an appraised score",
                    _where(sheet, at, APPRAISED),
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
                    _where(sheet, at, APPRAISED),
                    code,
                )
            continue
        kept = before is not None and code in before.scores
        if kept or carried.get(code) != (points, note):
            appraised[code] = AppraisedScore(points=points, note=note)
    appraisals = [a for a in original.appraisals if a.round != target]
    if before is not None:
        appraisals.append(before.model_copy(update={"scores": appraised}))
    elif appraised:
        appraisals.append(Appraisal(round=target, scores=appraised))
    appraisals.sort(key=lambda a: a.round)
    return original.model_copy(update={"self_scores": self_scores, "appraisals": appraisals})


def _computed_untouched(
    reader: _Reader, sheet: str, row: Sequence[Any], at: int, spec: SheetRow
) -> None:
    """A row whose scores are formulas takes no entry; report any value typed over them."""
    for col in (SELF, APPRAISED, UNIT_NOTE, NOTE):
        value = _value(row, col)
        if value is None or _kind(row, col) == "f" or value == "":
            continue
        reader.add(
            "computed_row_edited",
            f"dòng {spec.code} tính từ các tiêu chí thành phần: không nhập điểm hay ghi chú ở "
            "đây mà ở các dòng con (nền vàng)",
            f"row {spec.code} is computed from its sub-criteria: enter scores and notes on "
            "the rows below it",
            _where(sheet, at, col),
            spec.code,
            reader.text(value),
        )

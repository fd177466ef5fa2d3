"""Read filled score sheets back into submissions, unit by unit.

:func:`import_workbook` reads a workbook written by :mod:`parindex.excel` within declared
bounds (:mod:`parindex.excel_read`), checks its hidden sheet's signatures
(:mod:`parindex.excel_meta`) and the criteria set it was made from, then rebuilds each
unit's submission from its sheet (:mod:`parindex.excel_rows`). A bad unit never blocks
the others: every good unit is imported and every problem of each bad one is reported,
naming the sheet, the cell, the criterion and what to write instead.

Scores may be written ``0,5`` or ``0.5``, as numbers or as text. A score above the
maximum is imported as typed (with a warning): the review reports it as a finding.
"""

from __future__ import annotations

import gc
import json
import os
import sys
import threading
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from xlsxwriter.utility import quote_sheetname

from parindex.collector import paused
from parindex.criteria import CriteriaSet
from parindex.errors import Problem, SubmissionError
from parindex.excel_layout import (
    FINDINGS_SHEET,
    FORM_FORMAT,
    FORMAT_ID,
    META_SHEET,
    SUMMARY_SHEET,
    WorkbookError,
)
from parindex.excel_meta import (
    Meta,
    MetaRow,
    criteria_shape,
    json_depth_ok,
    key_id,
    read_meta_rows,
    workbook_key,
)
from parindex.excel_read import LIMITS, Limits, Xlsx, XlsxProblem
from parindex.excel_rows import (
    COLUMNS,
    MARGIN,
    Reader,
    display_titles,
    import_grid,
    read_unit_sheet,
)
from parindex.loader import SourceMap
from parindex.submission import Submission, parse_submission

__all__ = ["ImportResult", "import_workbook"]

PARALLEL_FROM = 24
"""Units from which a workbook's sheets are read by several processes (forking one costs
about as much as reading a few sheets)."""
_Result = tuple[Submission, str, int] | str
_Chunk = tuple[list[_Result], list[Problem], list[Problem]]

_META_COLUMNS = 256
"""Columns of the hidden sheet read: 250 chunks of 30,000 characters per submission."""


@dataclass(frozen=True)
class ImportResult:
    """The submissions rebuilt from a workbook, one per unit sheet that imported, in sheet
    order; ``problems`` lists every problem of the units that did not (``refused``).

    ``warnings`` lists what was read but not imported (rows added by hand, data outside
    the table) and what was imported but needs a look (scores above the maximum).
    """

    submissions: tuple[Submission, ...]
    sheets: tuple[str, ...]
    rounds: tuple[int, ...]
    """The appraisal round each unit's appraised scores were imported into."""
    warnings: tuple[Problem, ...] = ()
    problems: tuple[Problem, ...] = ()
    refused: tuple[str, ...] = ()
    """The sheets (or unit ids) of the units that were not imported."""

    @property
    def complete(self) -> bool:
        """True when every unit of the workbook imported."""
        return not self.problems


def import_workbook(
    criteria: CriteriaSet,
    path: str | Path,
    *,
    round: int | None = None,
    key: bytes | None = None,
    limits: Limits = LIMITS,
    workers: int | None = None,
) -> ImportResult:
    """Rebuild each unit's submission from a filled workbook.

    Self-scores and the unit's notes replace the submission's; the appraised scores and
    the appraisers' notes go to appraisal ``round`` (default: the round the sheet shows).
    A score left as an earlier round set it stays in that round; a changed one is the
    new round's. Units with problems are left out and their problems listed in
    :attr:`ImportResult.problems`; :class:`WorkbookError` is raised only when no unit
    imports (a file that is no workbook of this set, an edited hidden sheet, every unit
    bad). ``key`` checks the hidden sheet's signatures (default :func:`workbook_key`).

    ``workers``: processes reading the units' sheets (default: one a core, up to four,
    from :data:`PARALLEL_FROM` units on; forked, so on Linux only); the result is the same,
    in the same order, whatever the number.
    """
    with paused():  # some 600,000 cells and 250 submissions, none of them garbage
        return _import(criteria, Path(path), round, key, limits, workers)


def _import(
    criteria: CriteriaSet,
    source: Path,
    round: int | None,
    key: bytes | None,
    limits: Limits,
    workers: int | None,
) -> ImportResult:
    reader = Reader(criteria, str(source))
    try:
        book = Xlsx(source, limits)
    except XlsxProblem as exc:
        reader.add(exc.kind, exc.message, exc.message_en, exc.where, text=exc.text)
        raise WorkbookError(reader.problems) from None
    with book:
        meta = _read_meta(book, reader, workbook_key() if key is None else key)
        titles = _check_set(meta, reader) if meta is not None else None
        if meta is None or titles is None:
            raise WorkbookError(reader.problems, reader.warnings)
        form = meta.value("format") == FORM_FORMAT
        if form and round is not None:
            reader.add(
                "round_not_applicable",
                f"biểu mẫu tự đánh giá có sẵn cột vòng 1 và vòng 2: bỏ qua --round {round}",
                f"a self-assessment form holds rounds 1 and 2 in its columns: --round {round} "
                "is ignored",
                warning=True,
            )
        read = _form_unit if form else _unit
        if not form:  # titles as the detailed sheets show them, the same for every unit
            titles = display_titles(criteria, titles)

        def chunk(rows: Sequence[MetaRow]) -> _Chunk:
            local = Reader(criteria, reader.file)
            found = [read(book, local, row, titles, round) for row in rows]
            return found, local.problems, local.warnings

        results = []
        for found, problems, warnings in _in_workers(chunk, meta.units, workers):
            results += found
            reader.problems += problems
            reader.warnings += warnings
        _unknown_sheets(book, reader, meta)
    imported = [r for r in results if isinstance(r, tuple)]
    if not imported:
        if not meta.units:
            reader.add("no_units", "bảng điểm không có đơn vị nào", "the workbook lists no unit")
        raise WorkbookError(reader.problems, reader.warnings)
    return ImportResult(
        submissions=tuple(s for s, _, _ in imported),
        sheets=tuple(n for _, n, _ in imported),
        rounds=tuple(r for _, _, r in imported),
        warnings=tuple(reader.warnings),
        problems=tuple(reader.problems),
        refused=tuple(r for r in results if isinstance(r, str)),
    )


def _read_meta(book: Xlsx, reader: Reader, key: bytes) -> Meta | None:
    """The hidden sheet with each row's signature checked; problems for edited rows."""
    if META_SHEET not in book.sheets:
        reader.add(
            "not_parindex",
            f"tệp không do parindex xuất, hoặc trang ẩn '{META_SHEET}' đã bị xóa: hãy xuất lại "
            "bảng điểm",
            f"not a parindex workbook, or its hidden sheet '{META_SHEET}' was deleted",
        )
        return None
    try:
        data = book.sheet(META_SHEET, rows=1_000_000, cols=_META_COLUMNS)
    except XlsxProblem as exc:
        reader.add(exc.kind, exc.message, exc.message_en, exc.where, text=exc.text)
        return None
    rows: list[list[str]] = []
    for (row, col), cell in sorted(data.cells.items()):
        while len(rows) <= row:
            rows.append([])
        while len(rows[row]) < col:
            rows[row].append("")
        rows[row].append(cell.value)
    meta = read_meta_rows(rows, key)
    bad = [r for r in meta.fields.values() if not r.valid]
    if bad and meta.key_id and meta.key_id != key_id(key):
        reader.add(
            "signed_other_key",
            f"bảng điểm được ký bằng khóa khác (mã khóa {meta.key_id}, máy này {key_id(key)}): "
            "hãy nhập trên máy đã xuất bảng điểm, hoặc dùng khóa đó (biến môi trường "
            "PARINDEX_WORKBOOK_KEY hoặc tệp ~/.config/parindex/workbook.key)",
            f"the workbook was signed with another key ({meta.key_id}, here {key_id(key)}): "
            "import where it was exported, or use that key",
            f"{META_SHEET}!B{bad[0].row + 1}",
            text=meta.key_id,
        )
        return None
    for edited in bad:
        reader.add(
            "meta_edited",
            f"trang ẩn '{META_SHEET}' bị sửa ở dòng '{edited.cells[0]}' (chữ ký không khớp): "
            "không tin được bảng điểm; hãy xuất lại",
            f"the hidden sheet was edited on row '{edited.cells[0]}' (signature mismatch)",
            f"{META_SHEET}!C{edited.row + 1}",
            text=(edited.cells[1] if len(edited.cells) > 1 else "")[:200],
        )
    if "format" not in meta.fields:
        reader.add(
            "wrong_format",
            "bảng điểm xuất bằng phiên bản parindex cũ (không có chữ ký): hãy xuất lại",
            "the workbook was made by an older parindex (unsigned): export it again",
            f"{META_SHEET}!A1",
            allowed=(FORMAT_ID,),
        )
    return None if reader.problems else meta


def _check_set(meta: Meta, reader: Reader) -> dict[str, str] | None:
    """Each code's title as the sheet was exported, or ``None`` when the workbook was made
    for another set, or for a version of this set that scores differently."""
    criteria = reader.criteria
    for name, wanted in (("format", FORMAT_ID), ("criteria_id", criteria.id)):
        found = meta.value(name)
        if name == "format" and found == FORM_FORMAT:
            continue  # a self-assessment form (parindex.form): read by parindex.form_read
        if found != wanted:
            reader.add(
                "wrong_format" if name == "format" else "wrong_criteria",
                f"bảng điểm lập theo '{found}', không phải '{wanted}'",
                f"the workbook was made for '{found}', not '{wanted}'",
                f"{META_SHEET}!C{meta.fields[name].row + 1}" if name in meta.fields else None,
                text=found,
                allowed=(wanted,),
            )
            return None
    if meta.value("criteria_digest") == criteria.digest:  # the titles criteria_shape records
        return {node.code: node.title for node in criteria.walk()}
    current = criteria_shape(criteria)
    try:
        shape = json.loads(meta.value("shape") or "")
        old: dict[str, list[str]] = shape["nodes"]
        same_set = shape["set"] == current["set"]
    except (ValueError, KeyError, TypeError):
        old, same_set = {}, False
    return _compare_versions(reader, old, current["nodes"], same_set)


def _compare_versions(
    reader: Reader, old: Mapping[str, list[str]], new: Mapping[str, list[str]], same_set: bool
) -> dict[str, str] | None:
    changed = sorted(
        code
        for code in {*old, *new}
        if code not in old or code not in new or old[code][:2] != new[code][:2]
    )
    if not same_set:
        reader.add(
            "criteria_changed",
            "bảng điểm lập theo phiên bản khác của bộ tiêu chí, khác cả cách chấm chung (điểm "
            "tối đa, số liệu, xếp loại …): hãy xuất lại bảng điểm từ bộ tiêu chí hiện hành",
            "the workbook was made for another version of the set, which scores differently",
            f"{META_SHEET}!C1",
        )
    for code in changed:
        what = (
            "thêm mới"
            if code not in old
            else "bị bỏ"
            if code not in new
            else "đổi điểm tối đa hoặc quy tắc"
        )
        reader.add(
            "criteria_changed",
            f"tiêu chí {code} {what} trong phiên bản hiện hành của bộ tiêu chí: không nhập được "
            "bảng điểm lập theo phiên bản cũ; hãy xuất lại",
            f"criterion {code} was added, removed, or its maximum or rule changed since the "
            "workbook was made: export it again",
            code=code,
        )
    if changed or not same_set:
        return None
    for code, (_, _, title) in old.items():
        if title != new[code][2]:
            reader.add(
                "title_changed_in_set",
                f"tên tiêu chí {code} đã đổi trong bộ tiêu chí hiện hành ('{title}' → "
                f"'{new[code][2]}'); điểm và quy tắc không đổi nên bảng điểm vẫn được nhập",
                f"the title of {code} changed in the current set; scores and rules did not, "
                "so the workbook imports",
                code=code,
                text=title,
                warning=True,
            )
    return {code: title for code, (_, _, title) in old.items()}


def _unit(
    book: Xlsx, reader: Reader, row: MetaRow, titles: Mapping[str, str], round: int | None
) -> tuple[Submission, str, int] | str:
    """One unit imported, or the name of its sheet when it was refused (problems added)."""
    before = len(reader.problems)
    sheet_name = row.cells[1] if len(row.cells) > 1 else ""
    found = _original(reader, row, sheet_name)
    if found is None:
        return sheet_name or f"{META_SHEET}!{row.row + 1}"
    original, shown = found
    if not _sheet_present(book, reader, sheet_name, original):
        return sheet_name
    grid = import_grid(reader.criteria, original, shown)
    try:
        data = book.sheet(sheet_name, rows=grid.index_row + 1 + MARGIN, cols=COLUMNS)
    except XlsxProblem as exc:
        reader.add(
            exc.kind, exc.message, exc.message_en, quote_sheetname(sheet_name), text=exc.text
        )
        return sheet_name
    target = round if round is not None else shown
    submission = read_unit_sheet(reader, data, grid, original, target, titles)
    if submission is None or len(reader.problems) > before:
        return sheet_name
    return submission, sheet_name, target


def _form_unit(
    book: Xlsx, reader: Reader, row: MetaRow, titles: Mapping[str, str], round: int | None
) -> tuple[Submission, str, int] | str:
    """One unit of a self-assessment form (:mod:`parindex.form_read`), or its sheet's name
    when it was refused (problems added). Both rounds are read; ``round`` does not apply."""
    from parindex.form_layout import COLUMNS as FORM_COLUMNS
    from parindex.form_layout import plan
    from parindex.form_read import read_form_sheet

    before = len(reader.problems)
    sheet_name = row.cells[1] if len(row.cells) > 1 else ""
    found = _original(reader, row, sheet_name)
    if found is None:
        return sheet_name or f"{META_SHEET}!{row.row + 1}"
    original, opened = found  # rounds open in the sheet: 0 in a unit's form, 2 in the appraisers'
    if not _sheet_present(book, reader, sheet_name, original):
        return sheet_name
    layout = plan(reader.criteria, original)
    try:
        data = book.sheet(sheet_name, rows=layout.last + 1 + MARGIN, cols=FORM_COLUMNS)
    except XlsxProblem as exc:
        reader.add(
            exc.kind, exc.message, exc.message_en, quote_sheetname(sheet_name), text=exc.text
        )
        return sheet_name
    submission = read_form_sheet(reader, data, original, titles, layout, appraisal=opened > 0)
    if submission is None or len(reader.problems) > before:
        return sheet_name
    shown = max((a.round for a in submission.appraisals if a.scores), default=1)
    return submission, sheet_name, shown


def _sheet_present(book: Xlsx, reader: Reader, sheet_name: str, original: Submission) -> bool:
    if sheet_name in book.sheets and sheet_name not in book.hidden:
        return True
    reader.add(
        "sheet_missing",
        f"không thấy trang '{sheet_name}' của đơn vị {original.unit.name} "
        "(trang bị xóa, ẩn hoặc đổi tên): hãy đặt lại tên trang như cũ",
        f"sheet '{sheet_name}' of unit {original.unit.id} is missing (deleted, hidden or "
        "renamed): give it back its name",
        quote_sheetname(sheet_name),
        text=sheet_name,
        allowed=(sheet_name,),
    )
    return False


def _original(reader: Reader, row: MetaRow, sheet_name: str) -> tuple[Submission, int] | None:
    """The unit's submission as exported, and the round its sheet shows."""
    at = f"{META_SHEET}!F{row.row + 1}"
    if not row.valid:
        unit_id = row.cells[2] if len(row.cells) > 2 else "?"
        reader.add(
            "meta_edited",
            f"trang ẩn '{META_SHEET}' bị sửa ở hồ sơ của đơn vị '{unit_id}' (trang "
            f"'{sheet_name}'; chữ ký không khớp): không tin được số liệu; hãy xuất lại bảng "
            "điểm của đơn vị này",
            f"the hidden sheet was edited in the submission of unit '{unit_id}' (signature "
            "mismatch): export this unit's sheet again",
            at,
            unit_id,
        )
        return None
    text = "".join(row.cells[4:])
    try:
        shown = int(row.cells[3])
        if not json_depth_ok(text):
            raise ValueError("JSON nested too deeply")
        data: Any = json.loads(text)
        original = parse_submission(data, SourceMap(f"{reader.file}[{META_SHEET}]", data, {}))
    except SubmissionError as exc:
        reader.problems.extend(exc.problems)
        return None
    except (ValueError, TypeError, IndexError, RecursionError) as exc:
        reader.add(
            "bad_metadata",
            f"không đọc được hồ sơ của trang '{sheet_name}' trong trang ẩn '{META_SHEET}'",
            f"cannot read the submission of '{sheet_name}' in the hidden sheet ({exc})",
            at,
        )
        return None
    return original, shown


def _unknown_sheets(book: Xlsx, reader: Reader, meta: Meta) -> None:
    """Visible sheets no unit owns (a renamed sheet, one added by hand): read, not imported."""
    known = {META_SHEET, SUMMARY_SHEET, FINDINGS_SHEET}
    known |= {r.cells[1] for r in meta.units if len(r.cells) > 1}
    official = meta.fields.get("official")  # the units' printed official sheets
    if official is not None and official.valid:
        known |= set(official.cells[1:])
    for name in book.sheetnames:
        if name not in known and name not in book.hidden:
            reader.add(
                "sheet_unknown",
                f"trang '{name}' không thuộc đơn vị nào của bảng điểm (đổi tên hoặc thêm bằng "
                "tay), không được nhập",
                f"sheet '{name}' belongs to no unit of the workbook (renamed or added), not "
                "imported",
                quote_sheetname(name),
                text=name,
                warning=True,
            )


def _in_workers(
    read: Callable[[Sequence[MetaRow]], _Chunk], rows: Sequence[MetaRow], workers: int | None
) -> list[_Chunk]:
    """``read`` of consecutive parts of ``rows``, in order: the first part here, the others
    in processes forked now (they see the opened workbook as it is). A part whose process
    fails is read here: the result never depends on the processes."""
    import multiprocessing

    wanted = min(os.cpu_count() or 1, 4) if workers is None else workers
    if workers is None and len(rows) < PARALLEL_FROM:
        wanted = 1
    forkable = sys.platform.startswith("linux")  # fork is unsafe on macOS, absent on Windows
    if wanted < 2 or len(rows) < 2 or not forkable or threading.active_count() > 1:
        return [read(rows)]
    parts = _parts(rows, wanted)
    context = multiprocessing.get_context("fork")
    started = []
    gc.freeze()  # the collector leaves what exists now alone: fewer pages copied in children
    try:
        for part in parts[1:]:
            receive, send = context.Pipe(duplex=False)
            process = context.Process(target=_child, args=(read, part, send), daemon=True)
            process.start()
            send.close()
            started.append((process, receive, part))
    finally:
        gc.unfreeze()
    done = [read(parts[0])]
    for process, receive, part in started:
        try:
            found = receive.recv()
        except (EOFError, OSError):
            found = None
        receive.close()
        process.join()
        done.append(found if found is not None else read(part))
    return done


_HEAD_START = 0.1
"""How much larger this process's part is than each forked one's: a forked process also
pickles what it sends back, about a tenth of the time it took to read it (250 units on 2
cores, loaded: 0.08–0.15 s to send against 1.0–1.4 s to read 113–125 units), and this
process unpickles it only once its own part is read."""


def _parts(rows: Sequence[MetaRow], wanted: int) -> list[Sequence[MetaRow]]:
    """``rows`` cut in at most ``wanted`` consecutive parts, none empty, the first (this
    process's) larger than the others by about :data:`_HEAD_START` (never smaller)."""
    size = max(1, int(len(rows) / (wanted + _HEAD_START)))  # a forked process's part
    first = len(rows) - min(wanted - 1, (len(rows) - 1) // size) * size
    return [rows[:first], *(rows[i : i + size] for i in range(first, len(rows), size))]


def _child(read: Callable[[Sequence[MetaRow]], _Chunk], part: Sequence[MetaRow], send: Any) -> None:
    """A forked process's work: its part read and sent back (``None`` if it failed)."""
    try:
        found: _Chunk | None = read(part)
    except Exception:  # the parent reads the part itself, and reports what happens there
        found = None
    send.send(found)
    send.close()

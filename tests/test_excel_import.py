"""Import unit by unit; earlier versions of a set; signed hidden sheet; damaged workbooks.

The malformed-workbook corpus is generated here from an exported workbook (a person
editing it with openpyxl, or bytes damaged): each case must end in a typed problem,
located at the sheet or cell, for that unit only where the damage is one unit's, within
5 s of CPU time and 300 MB of Python allocations.
"""

from __future__ import annotations

import io
import json
import os
import time
import tracemalloc
import zipfile
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from parindex import (
    CriteriaSet,
    ImportResult,
    Submission,
    WorkbookError,
    export_workbook,
    import_workbook,
    load_criteria,
    load_submission,
)
from parindex.excel_import import _parts
from parindex.excel_layout import META_SHEET
from parindex.excel_meta import MetaRow
from parindex.excel_read import Xlsx

ROOT = Path(__file__).resolve().parent.parent
CRITERIA = ROOT / "criteria" / "namdinh-stnmt-2023.yaml"
SAMPLES = sorted((ROOT / "evidence").glob("*-2023.yaml"))
TNMT = "Sở Tài nguyên và Môi trường"
"""The first sample's sheet name (31 characters)."""


@pytest.fixture(scope="module")
def criteria() -> CriteriaSet:
    return load_criteria(CRITERIA)


@pytest.fixture(scope="module")
def units() -> list[Submission]:
    return [load_submission(p) for p in SAMPLES]


@pytest.fixture(scope="module")
def exported(criteria: CriteriaSet, units: list[Submission], tmp_path_factory: Any) -> Path:
    return export_workbook(criteria, units, tmp_path_factory.mktemp("wb") / "all.xlsx")


def rows_by_code(sheet: Any) -> dict[str, int]:
    return {str(r[0].value): r[0].row for r in sheet.iter_rows(max_col=1) if r[0].value}


def edited(source: Path, out: Path, change: Callable[[Any], None]) -> Path:
    workbook = openpyxl.load_workbook(source)
    change(workbook)
    workbook.save(out)
    return out


# --- unit by unit ---------------------------------------------------------------------------


def test_one_bad_unit_does_not_block_the_others(
    criteria: CriteriaSet, units: list[Submission], exported: Path, tmp_path: Path
) -> None:
    at: dict[str, int] = {}

    def change(book: Any) -> None:
        sheet = book[TNMT]
        at.update(rows_by_code(sheet))
        sheet[f"G{at['1.1']}"] = "một"
        sheet[f"I{at['1.3.1']}"] = -1

    result = import_workbook(criteria, edited(exported, tmp_path / "e.xlsx", change))
    assert result.refused == (TNMT,) and not result.complete
    tnmt = next(i for i, u in enumerate(units) if u.unit.id == "so-tnmt-mau")
    assert [s.unit.id for s in result.submissions] == [
        u.unit.id for u in units[:tnmt] + units[tnmt + 1 :]
    ]
    assert {(p.kind, p.code, p.field) for p in result.problems} == {
        ("not_a_number", "1.1", f"'{TNMT}'!G{at['1.1']}"),
        ("below_zero", "1.3.1", f"'{TNMT}'!I{at['1.3.1']}"),
    }
    assert all(p.field and p.field.startswith(f"'{TNMT}'") for p in result.problems)


def _comparable(result: ImportResult) -> tuple[object, ...]:
    """Everything of a result (a submission's source map has no equality of its own)."""
    units = [(s.model_dump(mode="json"), vars(s.source)) for s in result.submissions]
    return units, result.sheets, result.rounds, result.warnings, result.problems, result.refused


def test_processes_read_the_same_as_one(
    criteria: CriteriaSet, exported: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Units read by forked processes: the same submissions, problems and warnings, in the
    same order, as read in one process (a bad unit, a row added, an extra sheet)."""
    forks: list[int] = []
    fork = os.fork

    def counted() -> int:
        forks.append(1)
        return fork()

    monkeypatch.setattr(os, "fork", counted)
    # pytest-xdist's worker has an IO thread, which makes the import read in one process
    monkeypatch.setattr("parindex.excel_import.threading.active_count", lambda: 1)

    def change(book: Any) -> None:
        sheet = book[TNMT]
        at = rows_by_code(sheet)
        sheet[f"G{at['1.1']}"] = "một"
        sheet.append(["9.9", "thêm"])
        book.create_sheet("Ghi chép")

    path = edited(exported, tmp_path / "e.xlsx", change)
    alone = _comparable(import_workbook(criteria, path, workers=1))
    assert alone[4] and alone[3]  # a problem and warnings to keep in order
    assert not forks
    for workers in (2, 3):
        assert _comparable(import_workbook(criteria, path, workers=workers)) == alone
    assert len(forks) == 1 + 2  # the processes did read


def test_an_edited_hidden_sheet_refuses_that_unit_with_the_cell(
    criteria: CriteriaSet, units: list[Submission], exported: Path, tmp_path: Path
) -> None:
    """Dossiers received 1250 → 99999 in the hidden submission: the signature catches it."""
    cell: list[str] = []

    def change(book: Any) -> None:
        meta = book[META_SHEET]
        for row in meta.iter_rows():
            for item in row:
                if isinstance(item.value, str) and '"ho_so_tiep_nhan":1250' in item.value:
                    item.value = item.value.replace("1250", "99999", 1)
                    cell.append(item.coordinate)

    result = import_workbook(criteria, edited(exported, tmp_path / "m.xlsx", change))
    assert cell, "the sample's figure was found in the hidden sheet"
    (problem,) = result.problems
    assert problem.kind == "meta_edited" and problem.field == f"{META_SHEET}!{cell[0]}"
    assert len(result.submissions) == len(units) - 1
    assert all("99999" not in json.dumps(s.model_dump(mode="json")) for s in result.submissions)


def test_another_key_is_named(criteria: CriteriaSet, exported: Path) -> None:
    with pytest.raises(WorkbookError) as caught:
        import_workbook(criteria, exported, key=b"another office")
    assert [p.kind for p in caught.value.problems] == ["signed_other_key"]


# --- earlier versions of the set ------------------------------------------------------------


def _variant(tmp_path: Path, old: str, new: str) -> CriteriaSet:
    text = CRITERIA.read_text(encoding="utf-8")
    assert old in text
    path = tmp_path / "variant.yaml"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return load_criteria(path)


def test_a_sheet_of_an_earlier_version_imports_when_only_titles_changed(
    criteria: CriteriaSet, units: list[Submission], tmp_path: Path
) -> None:
    path = export_workbook(criteria, units[:2], tmp_path / "old.xlsx")
    title = criteria.node("1.1").title
    renamed = _variant(tmp_path, f"title: {title}", f"title: {title} (sửa chính tả)")
    assert renamed.digest != criteria.digest
    result = import_workbook(renamed, path)
    assert result.complete and len(result.submissions) == 2
    changed = [w for w in result.warnings if w.kind == "title_changed_in_set"]
    assert [w.code for w in changed] == ["1.1"] and title in (changed[0].text or "")


def test_a_sheet_of_a_version_that_scores_differently_is_refused_naming_the_code(
    criteria: CriteriaSet, units: list[Submission], tmp_path: Path
) -> None:
    path = export_workbook(criteria, units[:2], tmp_path / "old.xlsx")
    changed = _variant(tmp_path, "due: 31/12/2022\n", "due: 15/12/2022\n")  # 1.1's deadline
    with pytest.raises(WorkbookError) as caught:
        import_workbook(changed, path)
    codes = {p.code for p in caught.value.problems if p.kind == "criteria_changed"}
    assert codes == {"1.1"}


# --- the malformed-workbook corpus ----------------------------------------------------------


def _rows(change: Callable[[Any, dict[str, int]], object]) -> Callable[[Path, Path], Path]:
    """An edit of the TNMT sheet given each code's row (what ``change`` returns is unused)."""

    def make(source: Path, out: Path) -> Path:
        def apply(book: Any) -> None:
            change(book[TNMT], rows_by_code(book[TNMT]))

        return edited(source, out, apply)

    return make


def _swap(sheet: Any, at: dict[str, int]) -> None:
    first, second = at["1.1"], at["1.2"]
    for col in range(1, 13):
        a, b = sheet.cell(first, col), sheet.cell(second, col)
        a.value, b.value = b.value, a.value


def _renamed(source: Path, out: Path) -> Path:
    return edited(source, out, lambda book: setattr(book[TNMT], "title", "Đổi tên"))


def _meta_deleted(source: Path, out: Path) -> Path:
    return edited(source, out, lambda book: book.remove(book[META_SHEET]))


def _xls(source: Path, out: Path) -> Path:
    out.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(4096))
    return out


def _bomb(source: Path, out: Path) -> Path:
    zeros = bytes(1 << 20)
    with (
        zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive,
        archive.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as part,
    ):
        for _ in range(40):
            part.write(zeros)
    return out


def _truncated(source: Path, out: Path) -> Path:
    data = source.read_bytes()
    out.write_bytes(data[: len(data) * 2 // 3])
    return out


def _part(name_of: Callable[[zipfile.ZipFile], str], change: Callable[[bytes], bytes]):  # type: ignore[no-untyped-def]
    def make(source: Path, out: Path) -> Path:
        with zipfile.ZipFile(source) as old, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as new:
            target = name_of(old)
            for info in old.infolist():
                data = old.read(info.filename)
                new.writestr(info.filename, change(data) if info.filename == target else data)
        return out

    return make


def _first_unit_part(archive: zipfile.ZipFile) -> str:
    """The part holding the sheet of Sở Tài nguyên và Môi trường."""
    assert archive.filename is not None
    with Xlsx(archive.filename) as book:
        return book.sheets[TNMT]


def _flipped(source: Path, out: Path) -> Path:
    """Bytes flipped inside one unit's packed sheet part: its CRC fails, that unit only."""
    data = bytearray(source.read_bytes())
    with zipfile.ZipFile(source) as archive:
        info = archive.getinfo(_first_unit_part(archive))
    start = info.header_offset + 30 + len(info.filename.encode()) + len(info.extra)
    for offset in range(start + 100, start + 100 + 64, 8):
        data[offset] ^= 0x5A
    out.write_bytes(bytes(data))
    return out


def _stray_rows(data: bytes) -> bytes:
    rows = b"".join(
        b'<row r="%d"><c r="B%d" t="inlineStr"><is><t>x</t></is></c></row>' % (n, n)
        for n in range(2000, 2000 + 30_000)
    )
    return data.replace(b"</sheetData>", rows + b"</sheetData>", 1)


def _long_text(data: bytes) -> bytes:
    text = b"a" * 40_000
    cell = b'<row r="900"><c r="K900" t="inlineStr"><is><t>' + text + b"</t></is></c></row>"
    return data.replace(b"</sheetData>", cell + b"</sheetData>", 1)


def _deep_json(source: Path, out: Path) -> Path:
    def change(book: Any) -> None:
        meta = book[META_SHEET]
        for row in meta.iter_rows():
            if row[0].value == "unit" and row[1].value == TNMT:
                row[5].value = "[" * 100_000 + "]" * 100_000
                for extra in row[6:]:
                    extra.value = None

    return edited(source, out, change)


CORPUS: dict[str, tuple[Callable[[Path, Path], Path], str, str | None]] = {
    # name: (make the damaged file, problem kind, where it is located, or None: whole file)
    "row deleted": (_rows(lambda s, at: s.delete_rows(at["1.3"])), "row_missing", TNMT),
    "rows swapped": (_rows(_swap), "row_moved", TNMT),
    "row inserted": (
        _rows(lambda s, at: (s.insert_rows(at["1.2"]), s.cell(at["1.2"], 7, 1))),
        "row_added",
        TNMT,
    ),
    "title edited": (_rows(lambda s, at: s.cell(at["1.2"], 2, "Tên khác")), "title_changed", TNMT),
    "formula in a score cell": (
        _rows(lambda s, at: s.cell(at["1.1"], 7, "=1+1")),
        "formula_in_score",
        TNMT,
    ),
    "merged across score columns": (
        _rows(lambda s, at: s.merge_cells(f"G{at['1.1']}:I{at['1.1']}")),
        "merged_cells",
        TNMT,
    ),
    "merged down a score column": (
        _rows(lambda s, at: s.merge_cells(f"G{at['1.1']}:G{at['1.2']}")),
        "merged_cells",
        TNMT,
    ),
    "data below the table": (_rows(lambda s, at: s.cell(2000, 7, 5)), "outside_table", TNMT),
    "data right of the table": (
        _rows(lambda s, at: s.cell(at["1.1"], 20, 5)),
        "outside_table",
        TNMT,
    ),
    "sheet renamed": (_renamed, "sheet_missing", TNMT),
    "hidden sheet deleted": (_meta_deleted, "not_parindex", None),
    "old .xls": (_xls, "old_xls", None),
    "zip bomb renamed .xlsx": (_bomb, "zip_bomb", None),
    "truncated": (_truncated, "not_a_workbook", None),
    "bytes flipped in a unit's part": (_flipped, "damaged_part", TNMT),
    "30,000 stray rows": (_part(_first_unit_part, _stray_rows), "too_many_rows", TNMT),
    "text over 32,767 characters": (_part(_first_unit_part, _long_text), "text_too_long", TNMT),
    "unparsable sheet part": (
        _part(_first_unit_part, lambda d: d[: len(d) // 2]),
        "damaged_part",
        TNMT,
    ),
    "DOCTYPE in a part": (
        _part(_first_unit_part, lambda d: d.replace(b"?>", b'?><!DOCTYPE x [<!ENTITY a "b">]>', 1)),
        "doctype",
        TNMT,
    ),
    "deep JSON in the hidden sheet": (_deep_json, "meta_edited", None),
}


def _bounded(run: Callable[[], Any]) -> tuple[Any, float, int]:
    """The outcome, the CPU seconds (measured without tracemalloc, which slows Python
    down) and the peak of Python allocations (measured in a second run)."""

    def once() -> Any:
        try:
            return run()
        except WorkbookError as exc:
            return exc

    started = time.process_time()
    outcome = once()
    spent = time.process_time() - started
    tracemalloc.start()
    try:
        once()
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    return outcome, spent, peak


@pytest.mark.parametrize("case", sorted(CORPUS))
def test_malformed_workbooks(
    case: str, criteria: CriteriaSet, units: list[Submission], exported: Path, tmp_path: Path
) -> None:
    make, kind, located = CORPUS[case]
    path = make(exported, tmp_path / "damaged.xlsx")
    outcome, spent, peak = _bounded(lambda: import_workbook(criteria, path))
    assert spent < 5 and peak < 300 * 2**20, (spent, peak)
    if isinstance(outcome, ImportResult):
        problems = [*outcome.problems, *outcome.warnings]
    else:
        problems = list(outcome.problems)
    matching = [p for p in problems if p.kind == kind]
    assert matching, [p.describe() for p in problems]
    assert all(p.message and p.message_en and p.file == str(path) for p in problems)
    if located is None:
        return
    assert all(p.field and p.field.startswith(f"'{located}'") for p in matching)
    if kind in (
        "row_added",
        "outside_table",
        "row_moved",
    ):  # read, not imported: the unit still imports
        assert isinstance(outcome, ImportResult) and len(outcome.submissions) == len(units)
        return
    assert isinstance(outcome, ImportResult), "the other units still import"
    assert outcome.refused == (TNMT,) and len(outcome.submissions) == len(units) - 1


# --- a fuzzer over an exported workbook ------------------------------------------------------

FUZZ_CASES = int(os.environ.get("PARINDEX_FUZZ_CASES", "60"))
"""Cases per run: 60 in CI; ``PARINDEX_FUZZ_CASES=10000`` for a local hunt."""


@st.composite
def damage(draw: st.DrawFn, size: int) -> list[tuple[str, int, int]]:
    """Byte flips, truncations, and runs of repeated bytes at positions in the file."""
    actions = st.tuples(
        st.sampled_from(["flip", "cut", "repeat", "zero"]),
        st.integers(0, size - 1),
        st.integers(1, 255),
    )
    return draw(st.lists(actions, min_size=1, max_size=4))


def _damaged(data: bytes, actions: list[tuple[str, int, int]]) -> bytes:
    buffer = bytearray(data)
    for action, at, value in actions:
        at = min(at, len(buffer) - 1)
        if action == "flip":
            buffer[at] ^= value
        elif action == "cut":
            del buffer[at:]
        elif action == "repeat":
            buffer[at:at] = bytes([buffer[at]]) * value * 64
        else:
            buffer[at : at + value] = bytes(min(value, len(buffer) - at))
        if not buffer:
            buffer = bytearray(b"P")
    return bytes(buffer)


@pytest.fixture(scope="module")
def small(
    criteria: CriteriaSet, units: list[Submission], tmp_path_factory: pytest.TempPathFactory
) -> bytes:
    path = tmp_path_factory.mktemp("fuzz") / "one.xlsx"
    export_workbook(criteria, units[:1], path, summary=False)
    return path.read_bytes()


def test_fuzzed_workbooks_give_typed_problems(
    criteria: CriteriaSet, small: bytes, tmp_path_factory: Any
) -> None:
    folder = tmp_path_factory.mktemp("fuzzed")

    @settings(
        max_examples=FUZZ_CASES,
        deadline=None,
        database=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    )
    @given(actions=damage(len(small)))
    def check(actions: list[tuple[str, int, int]]) -> None:
        path = folder / "fuzzed.xlsx"
        path.write_bytes(_damaged(small, actions))
        try:
            result = import_workbook(criteria, path)
        except WorkbookError as exc:
            assert exc.problems and all(p.kind and p.message for p in exc.problems)
            return
        assert isinstance(result, ImportResult)
        for submission in result.submissions:
            assert isinstance(submission.self_scores, dict)

    check()


def test_zip_members_as_text_are_bounded(criteria: CriteriaSet, tmp_path: Path) -> None:
    """A zip of a million tiny entries is refused from its directory, unread."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_STORED) as archive:
        for n in range(10_001):
            archive.writestr(f"x/{n}", b"")
    path = tmp_path / "many.xlsx"
    path.write_bytes(buffer.getvalue())
    with pytest.raises(WorkbookError) as caught:
        import_workbook(criteria, path)
    assert [p.kind for p in caught.value.problems] == ["zip_bomb"]


def test_decimal_points_survive(
    criteria: CriteriaSet, units: list[Submission], exported: Path
) -> None:
    result = import_workbook(criteria, exported)
    first = result.submissions[0]
    assert all(isinstance(s.points, Decimal) for s in first.self_scores.values())


@given(st.integers(2, 400), st.integers(2, 8))
def test_parts_cover_every_unit_in_order_this_process_taking_the_most(
    units: int, wanted: int
) -> None:
    """The parts are consecutive, none empty, at most one a process, and this process's
    (the first) the largest: a forked one also copies pages and pickles its results."""
    rows = [MetaRow(n, ("unit", f"sheet {n}"), "", True) for n in range(units)]
    parts = _parts(rows, wanted)
    assert [u for part in parts for u in part] == rows
    assert all(parts) and len(parts) <= wanted
    assert len(parts[0]) >= max(len(p) for p in parts[1:])
    assert len(parts) == min(wanted, units)  # every process has work

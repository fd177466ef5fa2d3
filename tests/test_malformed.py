"""The malformed-input corpus: every class of damage, for every reader, typed and located in bounds.

``tests/data/malformed/<reader>/`` holds one file per class of damage (an alias bomb,
deep nesting, impossible dates, bad encodings, a BOM or NUL inside, a truncated file, a
huge text, number or node count, several documents, a Python tag …), each a shipped
file with the damage added at a known line; ``expected.json`` gives the kind and line.
Each must give that typed problem, with its file and line, in under 5 s and 300 MB.
A file past the byte bound (5 MB) is made here rather than shipped.
"""

from __future__ import annotations

import json
import time
import tracemalloc
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from parindex import load_criteria, load_mapping, load_submission
from parindex.criteria import CriteriaSet
from parindex.errors import ProblemsError
from parindex.reading import BOUNDS

ROOT = Path(__file__).resolve().parent.parent
CORPUS = Path(__file__).parent / "data" / "malformed"
EXPECTED: dict[str, dict[str, Any]] = json.loads((CORPUS / "expected.json").read_text())
SECONDS = 5.0
BYTES = 300 * 1024 * 1024


@pytest.fixture(scope="module")
def sets() -> tuple[CriteriaSet, CriteriaSet]:
    return (
        load_criteria(ROOT / "criteria" / "quangbinh-stnmt-2021.yaml"),
        load_criteria(ROOT / "criteria" / "namdinh-stnmt-2023.yaml"),
    )


def reader(name: str, sets: tuple[CriteriaSet, CriteriaSet]) -> Callable[[Path], object]:
    readers: dict[str, Callable[[Path], object]] = {
        "criteria": load_criteria,
        "submission": load_submission,
        "mapping": lambda path: load_mapping(path, *sets),
    }
    return readers[name]


def refused(read: Callable[[Path], object], path: Path) -> tuple[ProblemsError, float, int]:
    """The error reading ``path`` raises, the CPU seconds it took and the peak bytes allocated.

    Time and memory come from two reads: tracemalloc slows Python down several times. CPU
    time, not wall time: the bound is on the reader's work, which the other processes of a
    loaded machine do not change (under load 14 the wall time of a 1 s read passed 5 s).
    """
    start = time.process_time()
    with pytest.raises(ProblemsError) as caught:
        read(path)
    seconds = time.process_time() - start
    tracemalloc.start()
    try:
        with pytest.raises(ProblemsError):
            read(path)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    return caught.value, seconds, peak


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_damage_is_typed_located_and_bounded(
    name: str, sets: tuple[CriteriaSet, CriteriaSet]
) -> None:
    path = CORPUS / name
    error, seconds, peak = refused(reader(name.split("/")[0], sets), path)
    want = EXPECTED[name]
    assert [(p.kind, p.line) for p in error.problems] == [(want["kind"], want["line"])]
    problem = error.problems[0]
    assert problem.file == str(path)
    assert problem.message and problem.message_en
    assert seconds < SECONDS, f"{seconds:.1f} s"
    assert peak < BYTES, f"{peak / 2**20:.0f} MB"


def test_the_corpus_covers_every_class_for_every_reader() -> None:
    classes = {name.split("/")[1] for name in EXPECTED}
    for reader_name in ("criteria", "submission", "mapping"):
        assert {n.split("/")[1] for n in EXPECTED if n.startswith(reader_name)} == classes
    assert len(classes) >= 15
    assert {e["kind"] for e in EXPECTED.values()} >= {
        "yaml_alias",
        "too_deep",
        "invalid_date",
        "encoding",
        "bom",
        "nul_byte",
        "yaml_syntax",
        "text_too_long",
        "too_many_nodes",
    }


@pytest.mark.parametrize("reader_name", ["criteria", "submission", "mapping"])
def test_a_file_past_the_byte_bound_is_refused_unread(
    reader_name: str, sets: tuple[CriteriaSet, CriteriaSet], tmp_path: Path
) -> None:
    path = tmp_path / "big.yaml"
    path.write_bytes(b"a: " + b"x" * BOUNDS.max_bytes + b"\n")
    error, seconds, peak = refused(reader(reader_name, sets), path)
    assert [p.kind for p in error.problems] == ["file_too_large"]
    assert seconds < SECONDS and peak < 2 * BOUNDS.max_bytes


# --- workbooks: the classes the import corpus (tests/test_excel_import.py) leaves out -------
# Made here from an exported one-unit workbook by editing its XML (Excel files this big or
# this odd are not shipped): a million stray rows, three million shared strings, rows past
# the sheet's declared dimension, a value hidden under a merged cell.


@pytest.fixture(scope="module")
def workbook(
    sets: tuple[CriteriaSet, CriteriaSet], tmp_path_factory: pytest.TempPathFactory
) -> Path:
    from parindex import export_workbook

    unit = load_submission(ROOT / "evidence" / "so-tnmt-mau-2023.yaml")
    path = tmp_path_factory.mktemp("wb") / "one.xlsx"
    return export_workbook(sets[1], [unit], path, summary=False, official=False)


def _unit_part(archive: zipfile.ZipFile) -> str:
    """The first worksheet part: the unit's detailed sheet (exported without the official
    sheet to sign; the hidden sheet comes after it)."""
    return sorted(n for n in archive.namelist() if n.startswith("xl/worksheets/sheet"))[0]


def _edited(
    source: Path,
    out: Path,
    part: Callable[[zipfile.ZipFile], str],
    change: Callable[[bytes], bytes],
) -> Path:
    with (
        zipfile.ZipFile(source) as archive,
        zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target,
    ):
        chosen = part(archive)
        for name in archive.namelist():
            data = archive.read(name)
            target.writestr(name, change(data) if name == chosen else data)
    return out


def _million_rows(data: bytes) -> bytes:
    rows = b"".join(
        b'<row r="%d"><c r="A%d"><v>%d</v></c></row>' % (n, n, n) for n in range(2000, 1_002_000)
    )
    return data.replace(b"</sheetData>", rows + b"</sheetData>")


def _three_million_strings(data: bytes) -> bytes:
    items = b"".join(b"<si><t>s%d</t></si>" % n for n in range(3_000_000))
    head = data[: data.index(b">", data.index(b"<sst")) + 1]
    return head + items + b"</sst>"


def _shared_strings(archive: zipfile.ZipFile) -> str:
    return "xl/sharedStrings.xml"


def _small_dimension(data: bytes) -> bytes:
    """The sheet says it ends at row 5; its rows go on to about 250."""
    import re

    return re.sub(rb'<dimension ref="[^"]*"/>', b'<dimension ref="A1:L5"/>', data, count=1)


def _value_under_merge(data: bytes) -> bytes:
    """Two score cells merged by the XML alone: the lower one keeps its value, hidden."""
    import re

    rows = [int(r) for r in re.findall(rb'<c r="G(\d+)"[^>]*><v>', data)]
    top, below = rows[0], rows[1]
    merge = b'<mergeCells count="1"><mergeCell ref="G%d:G%d"/></mergeCells>' % (top, below)
    if b"<mergeCells" in data:
        return re.sub(
            rb"<mergeCells[^>]*>", merge[: merge.index(b"<mergeCell ")], data, count=1
        ).replace(b"</mergeCells>", b'<mergeCell ref="G%d:G%d"/></mergeCells>' % (top, below), 1)
    return data.replace(b"</sheetData>", b"</sheetData>" + merge, 1)


WORKBOOK_DAMAGE: dict[
    str, tuple[Callable[[zipfile.ZipFile], str], Callable[[bytes], bytes], str | None]
] = {
    "a million stray rows": (_unit_part, _million_rows, "zip_bomb"),
    "three million shared strings": (_shared_strings, _three_million_strings, "zip_bomb"),
    "rows past the declared dimension": (_unit_part, _small_dimension, None),
    "a value hidden under a merged cell": (_unit_part, _value_under_merge, "merged_cells"),
}
"""Each class, and the problem kind it must give (``None``: the sheet imports whole, as if
the dimension were right: rows past it are read, never silently dropped)."""


@pytest.mark.parametrize("case", sorted(WORKBOOK_DAMAGE))
def test_damaged_workbooks_are_typed_located_and_bounded(
    case: str, sets: tuple[CriteriaSet, CriteriaSet], workbook: Path, tmp_path: Path
) -> None:
    from parindex import ImportResult, WorkbookError, import_workbook

    part, change, kind = WORKBOOK_DAMAGE[case]
    path = _edited(workbook, tmp_path / "damaged.xlsx", part, change)
    start = time.perf_counter()
    tracemalloc.start()
    try:
        try:
            outcome: ImportResult | WorkbookError = import_workbook(sets[1], path)
        except WorkbookError as error:
            outcome = error
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    seconds = time.perf_counter() - start
    assert seconds < 2 * SECONDS and peak < BYTES, (seconds, peak / 2**20)  # traced: slower
    problems = list(outcome.problems) + list(getattr(outcome, "warnings", ()))
    if kind is None:
        whole = import_workbook(sets[1], workbook)
        assert isinstance(outcome, ImportResult) and not outcome.problems, problems
        assert outcome.submissions[0].model_dump() == whole.submissions[0].model_dump()
        return
    found = [p for p in problems if p.kind == kind]
    assert found, [p.describe() for p in problems]
    assert all(p.message and p.message_en and p.file == str(path) for p in found)
    assert all(p.field for p in found if kind != "zip_bomb"), "located at the sheet and cell"

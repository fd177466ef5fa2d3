"""The later units' sheets written by a second process (parindex.excel_workers).

The workbook must be the one a single process writes: every part byte for byte (sheets with
their string and style numbers, styles, workbook, relations), the string table in the same
order, and only the hidden sheet's signatures (each export's random id) told apart.
"""

from __future__ import annotations

import multiprocessing
import os
import re
import sys
import time
import zipfile
from pathlib import Path
from typing import Any

import pytest
from _workbooks import SAMPLES, SET_2023, appraisal, load_samples
from hypothesis import given
from hypothesis import strategies as st

import parindex.excel as excel
from parindex import (
    CriteriaSet,
    Submission,
    SubmissionError,
    export_workbook,
    import_workbook,
    load_criteria,
)
from parindex.excel_style import MAX_CELL_TEXT, SheetTextCut
from parindex.excel_workers import (
    _PIPE,
    _SHARE,
    Helper,
    _renumbered,
    _Styles,
    _unmarked,
    _Work,
    widened,
)
from parindex.submission import SelfScore


@pytest.fixture(scope="module")
def criteria() -> CriteriaSet:
    return load_criteria(SET_2023)


@pytest.fixture(scope="module")
def units(criteria: CriteriaSet) -> list[Submission]:
    """The first units two samples, the later ones the other samples, one with an appraisal,
    one with a note too long for a cell, one named like an earlier unit: the second process
    meets strings, formats and shapes the first units never used, and this process uses
    formats first (the second sample's) that the other never numbered."""
    samples = load_samples()
    by_name = {p.name.split("-mau")[0]: s for p, s in zip(SAMPLES, samples, strict=True)}
    # so-tnmt's sheets use the fewest formats, ban-dan-toc's the most, so-tu-phap's between
    starts = ["so-tnmt", "so-tu-phap", "so-tnmt", "so-tnmt", "so-tnmt", "so-tnmt"]
    first = [_renamed(by_name[n], f"u{i}", f"Đơn vị {i}") for i, n in enumerate(starts)]
    rest = ["ban-dan-toc", "so-cong-thuong", "so-gtvt", "so-ngoai-vu", "so-xay-dung"] * 2
    later = [_renamed(by_name[n], f"v{i}", f"Sở {i}") for i, n in enumerate(rest)]
    code = next(iter(later[3].self_scores))
    long_note = SelfScore(points=later[3].self_scores[code].points, explanation="x" * MAX_CELL_TEXT)
    later[3] = later[3].model_copy(
        update={"self_scores": {**later[3].self_scores, code: long_note}}
    )
    given = appraisal(criteria, 1, list(later[4].self_scores)[:9], over=2)
    later[4] = later[4].model_copy(update={"appraisals": [given]})
    later[5] = _renamed(later[5], "v-same", "Đơn vị 1")  # its sheet name is taken: "(2)"
    assert int(len(first + later) * _SHARE) <= len(first) + 3  # those are the second process's
    return first + later


def _renamed(submission: Submission, id: str, name: str) -> Submission:
    unit = submission.unit.model_copy(update={"id": id, "name": name})
    return submission.model_copy(update={"unit": unit})


def _written(criteria: CriteriaSet, units: list[Submission], path: Path, workers: int) -> list[str]:
    """The workbook written by ``workers`` processes; the texts of its warnings."""
    with pytest.warns(SheetTextCut) as caught:
        export_workbook(criteria, units, path, workers=workers)
    return [str(w.message) for w in caught]


def _parts(path: Path) -> tuple[dict[str, bytes], list[str], str]:
    """The workbook's parts but its document properties (their time), its string table as
    a list, and the name of the hidden sheet's part."""
    with zipfile.ZipFile(path) as book:
        parts = {n: book.read(n) for n in book.namelist() if not n.startswith("docProps")}
    names = re.findall(r'<sheet name="([^"]*)"', parts["xl/workbook.xml"].decode())
    meta = f"xl/worksheets/sheet{names.index('_parindex') + 1}.xml"
    table = parts.pop("xl/sharedStrings.xml").decode()
    head = re.findall(r"<sst[^>]*>", table)  # with the count of string cells
    return parts, head + re.findall(r"<si>(.*?)</si>", table, re.S), meta


def _assert_same(alone: Path, shared: Path) -> None:
    one, one_strings, meta = _parts(alone)
    two, two_strings, _ = _parts(shared)
    assert one.keys() == two.keys()
    assert [n for n in one if one[n] != two[n]] == []
    assert len(one_strings) == len(two_strings)
    # the strings told apart are the hidden sheet's signatures, used there only
    apart = {i for i, (a, b) in enumerate(zip(one_strings, two_strings, strict=True)) if a != b}
    used = {
        n: {int(i) + 1 for i in re.findall(rb' t="s"><v>(\d+)</v>', data)}  # the head first
        for n, data in one.items()
        if n.startswith("xl/worksheets/sheet")
    }
    assert apart and apart <= used[meta]
    assert all(not apart & numbers for n, numbers in used.items() if n != meta)


def test_the_second_process_writes_the_same_workbook(
    criteria: CriteriaSet, units: list[Submission], tmp_path: Path, monkeypatch: Any
) -> None:
    merged: list[Any] = []
    merge = Helper._merge
    monkeypatch.setattr(
        Helper, "_merge", lambda self, made: merged.append(made) or merge(self, made)
    )
    write_unit = excel._write_unit

    def numbering_a_format(workbook: Any, formats: Any, unit: Any, *rest: Any) -> None:
        if unit.submission.unit.id == "u1":  # after the fork, in this process: a format
            formats.get(font_size=17)._get_xf_index()  # the other process never numbered
        write_unit(workbook, formats, unit, *rest)

    monkeypatch.setattr(excel, "_write_unit", numbering_a_format)
    alone_warnings = _written(criteria, units, tmp_path / "alone.xlsx", 1)
    assert merged == []
    shared_warnings = _written(criteria, units, tmp_path / "shared.xlsx", 2)
    assert len(merged) > len(units) // 3  # the later units came from the other process
    # a unit's findings are not sent once they are rows of the findings sheet
    assert any(m.unit.finding_rows for m in merged)
    assert all(m.unit.review.findings == [] for m in merged if m.unit.finding_rows is not None)
    assert shared_warnings == alone_warnings  # the shortened note, named as before
    _assert_same(tmp_path / "alone.xlsx", tmp_path / "shared.xlsx")
    read = import_workbook(criteria, tmp_path / "shared.xlsx", workers=1)
    assert read.complete and [s.unit.id for s in read.submissions] == [u.unit.id for u in units]


def test_the_second_process_numbers_strings_as_this_one_where_told(
    criteria: CriteriaSet, units: list[Submission], tmp_path: Path, monkeypatch: Any
) -> None:
    """The other process learns this workbook's string numbers as this one goes
    (``Helper._publish``) and writes them unmarked: fewer marks to renumber here, the same
    workbook; and the same again where nothing can be sent (no room in the pipe)."""
    import parindex.excel_workers as workers

    marks: list[int] = []
    part = Helper._renumbered_part
    monkeypatch.setattr(
        Helper,
        "_renumbered_part",
        lambda self, xml: marks.append(xml.count(b"\x01")) or part(self, xml),
    )
    _written(criteria, units, tmp_path / "alone.xlsx", 1)
    _written(criteria, units, tmp_path / "told.xlsx", 2)
    _assert_same(tmp_path / "alone.xlsx", tmp_path / "told.xlsx")
    told, marks[:] = sum(marks), []
    widen = workers.widened
    monkeypatch.setattr(workers, "widened", lambda end, *size: 0 if end.writable else widen(end))
    _written(criteria, units, tmp_path / "untold.xlsx", 2)
    _assert_same(tmp_path / "alone.xlsx", tmp_path / "untold.xlsx")
    assert told < sum(marks)


def test_units_the_second_process_did_not_write_are_written_here(
    criteria: CriteriaSet, units: list[Submission], tmp_path: Path, monkeypatch: Any
) -> None:
    unit = _Work._unit
    written: list[int] = []  # in the other process (forked): its own list

    def failing(self: _Work, index: int) -> Any:
        written.append(index)
        if len(written) == 3:
            raise RuntimeError("the process fails at its third unit")
        return unit(self, index)

    monkeypatch.setattr(_Work, "_unit", failing)
    _written(criteria, units, tmp_path / "alone.xlsx", 1)
    _written(criteria, units, tmp_path / "shared.xlsx", 2)
    _assert_same(tmp_path / "alone.xlsx", tmp_path / "shared.xlsx")


def test_units_go_to_whichever_process_gets_to_them_first(
    criteria: CriteriaSet, units: list[Submission], tmp_path: Path, monkeypatch: Any
) -> None:
    """The other process slowed down: this process, once it has merged what the other
    wrote, writes the units the other has not taken, between the other's."""
    unit, take = _Work._unit, Helper.take
    merged: list[int] = []
    here: list[int] = []

    def slow(self: _Work, index: int) -> Any:
        time.sleep(0.4)
        return unit(self, index)

    def taken(self: Helper, index: int) -> Any:
        kept = take(self, index)
        (here if kept is None else merged).append(index)
        return kept

    monkeypatch.setattr(_Work, "_unit", slow)
    monkeypatch.setattr(Helper, "take", taken)
    _written(criteria, units, tmp_path / "alone.xlsx", 1)
    here.clear()
    _written(criteria, units, tmp_path / "shared.xlsx", 2)
    start = max(2, int(len(units) * _SHARE))
    assert merged and [i for i in here if i > min(merged)]  # the two took turns
    assert sorted(here + merged) == list(range(len(units)))
    _assert_same(tmp_path / "alone.xlsx", tmp_path / "shared.xlsx")
    assert min(merged) >= start


def test_a_bad_unit_written_by_the_second_process_raises_here(
    criteria: CriteriaSet, units: list[Submission], tmp_path: Path
) -> None:
    bad = units[-2].model_copy(update={"values": {**units[-2].values, "khong_co": 1}})
    batch = [*units[:-2], bad, units[-1]]  # the second process's part
    with pytest.raises(SubmissionError) as alone:
        export_workbook(criteria, batch, tmp_path / "alone.xlsx", workers=1)
    with pytest.raises(SubmissionError) as shared:
        export_workbook(criteria, batch, tmp_path / "shared.xlsx", workers=2)
    assert shared.value.problems == alone.value.problems
    assert not (tmp_path / "shared.xlsx").exists()


@pytest.mark.parametrize(
    ("owner", "name", "error"),
    [
        # no process to be had (a daemonic process has no children)
        ("multiprocessing.process.BaseProcess", "start", AssertionError("daemonic")),
        # no shared lock for the claims (a platform without sem_open)
        ("multiprocessing.context.BaseContext", "Lock", ImportError("no sem_open")),
    ],
)
def test_without_a_second_process_every_unit_is_written_here(
    criteria: CriteriaSet,
    units: list[Submission],
    tmp_path: Path,
    monkeypatch: Any,
    owner: str,
    name: str,
    error: Exception,
) -> None:
    def refused(*args: Any, **kwargs: Any) -> None:
        raise error

    monkeypatch.setattr(f"{owner}.{name}", refused)
    monkeypatch.setattr(Helper, "_merge", lambda self, made: pytest.fail("nothing to merge"))
    _written(criteria, units, tmp_path / "alone.xlsx", 1)
    _written(criteria, units, tmp_path / "refused.xlsx", 2)
    _assert_same(tmp_path / "alone.xlsx", tmp_path / "refused.xlsx")


def test_the_pipe_holds_several_units_sheets() -> None:
    """A unit's sheets (some 250 KB) go into the pipe at once, without waiting for this
    process to read them (the default 64 KB buffer made the other process wait at each unit)."""
    receive, send = multiprocessing.Pipe(duplex=False)
    try:
        size = widened(receive)
        if sys.platform != "linux":
            assert size == 0
            return
        limit = int(Path("/proc/sys/fs/pipe-max-size").read_text())
        assert size == min(_PIPE, limit)
        os.set_blocking(send.fileno(), False)
        assert os.write(send.fileno(), b"x" * size) == size  # no reader yet
    finally:
        receive.close()
        send.close()


@given(
    pieces=st.lists(st.text(alphabet="ab<>đ1", max_size=6), max_size=8),
    numbers=st.lists(st.integers(0, 40), max_size=8),
)
def test_marked_numbers_are_replaced_as_told(pieces: list[str], numbers: list[int]) -> None:
    """Each marked number (``\\x01`` before it, ``<`` after it) replaced, the text between as
    it was: in text and in its UTF-8 alike."""
    told = {str(n): f"{n * 7}" for n in numbers}
    marked = "".join(f"{p}\x01{n}<" for p, n in zip(pieces, numbers, strict=False))
    expected = "".join(f"{p}{n * 7}<" for p, n in zip(pieces, numbers, strict=False))
    assert _unmarked(marked + "tail", told, "\x01", "<") == expected + "tail"
    as_bytes = {k.encode(): v.encode() for k, v in told.items()}
    assert (
        _unmarked((marked + "tail").encode(), as_bytes, b"\x01", b"<")
        == (expected + "tail").encode()
    )


@given(
    styles=st.lists(st.integers(1, 130), max_size=30),
    told=st.dictionaries(st.integers(1, 130), st.integers(1, 130), max_size=12),
)
def test_style_numbers_are_replaced_where_they_differ(
    styles: list[int], told: dict[int, int]
) -> None:
    """Only the cells whose style the other process numbered otherwise are renumbered (``4``
    is not ``41``), in text and in its UTF-8 alike; a number in text is left as it is."""
    style_map = {str(k): str(v) for k, v in told.items()}
    cells = "".join(f'<c r="B{i + 1}" s="{s}" t="s"><v>{s}</v></c>' for i, s in enumerate(styles))
    expected = "".join(
        f'<c r="B{i + 1}" s="{style_map.get(str(s), s)}" t="s"><v>{s}</v></c>'
        for i, s in enumerate(styles)
    )
    found = _Styles.of(style_map)
    if not found.numbers:
        assert all(k == v for k, v in style_map.items())
        return
    assert _renumbered(cells, found.pattern, found.numbers) == expected
    assert _renumbered(cells.encode(), found.encoded_pattern, found.encoded) == expected.encode()

"""A mutation fuzzer over the shipped files, for every reader: no untyped exception, ever.

Each case takes a shipped file (a criteria set, a unit's submission, a code mapping, an
exported workbook) and damages it with a few mutations — flipped bits, YAML-significant tokens inserted
(``&a``, ``*a``, ``!!python/object``, ``[``, tabs, NUL, a BOM, impossible dates, huge
numbers), bytes deleted, the file truncated, a slice repeated many times, a value
nested hundreds deep. Reading it must succeed or raise the reader's typed error
(:class:`~parindex.errors.ProblemsError`) whose problems all name the file, and never
the reader's last-resort ``internal_error``. A submission that reads is also checked
against its set (:func:`~parindex.check_submission`), the phase after reading, and read
again with the set (:func:`~parindex.load_submission` with ``criteria``: the salvage of a
broken one is checked too).

A workbook is damaged inside its zip: one part (a sheet's XML, the shared strings, the
hidden ``_parindex`` sheet …) gets the same mutations with XML-significant tokens and the
archive is written again with good checksums, so the damage reaches the XML readers
(byte flips in the zip itself are mostly caught by its checksums; a few cases do that
too). Importing must give an :class:`~parindex.ImportResult` or a
:class:`~parindex.WorkbookError` whose problems are typed.

The number of cases follows the Hypothesis profile (``ci``: 50 a reader); set
``PARINDEX_FUZZ_CASES=10000`` for a local hunt.
"""

from __future__ import annotations

import io
import os
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from parindex import (
    ImportResult,
    WorkbookError,
    check_submission,
    export_workbook,
    import_workbook,
    load_criteria,
    load_mapping,
    load_submission,
)
from parindex.criteria import CriteriaSet
from parindex.errors import ProblemsError
from parindex.submission import Submission

ROOT = Path(__file__).resolve().parent.parent
CASES = int(os.environ.get("PARINDEX_FUZZ_CASES", "0")) or None
BASES = {
    "criteria": [ROOT / "tests" / "data" / "mini.yaml"],
    "submission": sorted((ROOT / "evidence").glob("*.yaml"))[:4],
    "mapping": [ROOT / "criteria" / "mappings" / "quangbinh-stnmt-2021--namdinh-stnmt-2023.yaml"],
}
TOKENS = [
    b"[",
    b"]",
    b"{",
    b"}",
    b"&a ",
    b"*a",
    b"<<: *a",
    b"!!python/object:os.system ",
    b"!!binary ",
    b"!x ",
    b"- ",
    b": ",
    b"? ",
    b"\t",
    b"\x00",
    b"\x07",
    b"\xff",
    b"\xef\xbb\xbf",
    b"'",
    b'"',
    b"#",
    b"\n",
    b"\r",
    b"  ",
    b"|\n",
    b">-\n",
    b"---\n",
    b"...\n",
    b"%YAML 1.1\n",
    b"2023-02-30",
    b"2023-13-01",
    b"2023-1-5 25:61:61",
    b"1e999",
    b"-.inf",
    b".nan",
    b"-1",
    b"0x1F",
    b"1_0",
    b"9" * 120,
    b"~",
    b"null",
    b"true",
    b"=",
    b"@",
    b"\xe1\xba\xa1",
    b"\xef\xbd\x92",
]
XML_TOKENS = [
    b"<",
    b">",
    b"</",
    b"/>",
    b"&",
    b"&amp;",
    b"&#0;",
    b"&#x110000;",
    b"<![CDATA[",
    b"]]>",
    b'<!DOCTYPE x [<!ENTITY a "aaaaaaaaaa">]>',
    b'<row r="1048577">',
    b'<row r="9999999999">',
    b'<c r="XFE1"><v>1</v></c>',
    b'<c r="A0" t="s"><v>999999</v></c>',
    b'<c t="s"><v>-1</v></c>',
    b"<v>1e999</v>",
    b"<v>NaN</v>",
    b'<mergeCell ref="A1:Z9999"/>',
    b'<dimension ref="A1:B2"/>',
    b'xmlns:x="urn:x"',
    b'"',
    b"=",
    b" ",
    b"\x00",
    b"\xff",
    b"{",
    b"[",
    b"9" * 40,
]
CriteriaPair = tuple[CriteriaSet, CriteriaSet]


@pytest.fixture(scope="module")
def sets() -> CriteriaPair:
    return (
        load_criteria(ROOT / "criteria" / "quangbinh-stnmt-2021.yaml"),
        load_criteria(ROOT / "criteria" / "namdinh-stnmt-2023.yaml"),
    )


def _mutate(raw: bytes, op: str, where: float, size: int, token: bytes) -> bytes:
    at = int(where * len(raw))
    if op == "flip" and raw:
        at = min(at, len(raw) - 1)
        return raw[:at] + bytes([raw[at] ^ (1 << (size % 8))]) + raw[at + 1 :]
    if op == "insert":
        return raw[:at] + token + raw[at:]
    if op == "delete":
        return raw[:at] + raw[at + size :]
    if op == "truncate":
        return raw[:at]
    if op == "repeat":
        return raw[:at] + raw[at : at + 40] * size + raw[at:]
    if op == "nest":
        depth = size * 4
        return raw[:at] + b"[" * depth + raw[at : at + 10] + b"]" * depth + raw[at + 10 :]
    return raw


mutations = st.lists(
    st.tuples(
        st.sampled_from(["flip", "insert", "insert", "delete", "truncate", "repeat", "nest"]),
        st.floats(0, 1),
        st.integers(1, 60),
        st.sampled_from(TOKENS),
    ),
    min_size=1,
    max_size=4,
)


def _readers(sets: CriteriaPair) -> dict[str, Callable[[Path], object]]:
    def submission(path: Path) -> object:
        try:
            load_submission(path, sets[1])  # the salvage of a broken one is checked too
        except ProblemsError as error:
            _typed(error)
        loaded = load_submission(path)
        set_for = {s.id: s for s in sets}
        return check_submission(set_for.get(loaded.criteria, sets[1]), loaded)

    return {
        "criteria": load_criteria,
        "submission": submission,
        "mapping": lambda path: load_mapping(path, *sets),
    }


def _typed(error: ProblemsError) -> None:
    assert error.problems
    for problem in error.problems:
        assert problem.kind != "internal_error", problem.describe()
        assert problem.message and problem.message_en and problem.file is not None, problem


def _fuzz_case(read: Callable[[Path], object], path: Path) -> None:
    try:
        read(path)
    except ProblemsError as error:
        _typed(error)


@pytest.mark.parametrize("reader", sorted(BASES))
def test_damaged_files_give_typed_problems(reader: str, sets: CriteriaPair, tmp_path: Path) -> None:
    read = _readers(sets)[reader]
    target = tmp_path / "damaged.yaml"
    bases = [path.read_bytes() for path in BASES[reader]]

    @settings(
        max_examples=CASES or settings().max_examples,
        deadline=None,
        database=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
    )
    @given(st.integers(0, len(bases) - 1), mutations)
    def case(base: int, ops: list[tuple[str, float, int, bytes]]) -> None:
        raw = bases[base]
        for op in ops:
            raw = _mutate(raw, *op)
        target.write_bytes(raw)
        _fuzz_case(read, target)

    case()


def test_the_shipped_files_read_cleanly(sets: CriteriaPair) -> None:
    """The fuzzer starts from files that read: a mutation is what breaks them."""
    for reader, paths in BASES.items():
        for path in paths:
            result = _readers(sets)[reader](path)
            assert result is not None
            if reader == "submission":
                assert isinstance(load_submission(path), Submission)


# --- workbooks ------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def workbook(sets: CriteriaPair, tmp_path_factory: Any) -> bytes:
    """One unit's sheet exported from the 2023 set (a small archive: fast cases)."""
    path = tmp_path_factory.mktemp("fuzz") / "one.xlsx"
    unit = load_submission(ROOT / "evidence" / "so-tnmt-mau-2023.yaml")
    export_workbook(sets[1], [unit], path, summary=False)
    return path.read_bytes()


def _rezipped(data: bytes, member: int, ops: list[tuple[str, float, int, bytes]]) -> bytes:
    """``data`` with the mutations applied to one member, written back with good checksums."""
    with zipfile.ZipFile(io.BytesIO(data)) as source:
        names = source.namelist()
        chosen = names[member % len(names)]
        out = io.BytesIO()
        with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
            for name in names:
                raw = source.read(name)
                if name == chosen:
                    for op in ops:
                        raw = _mutate(raw, *op)
                target.writestr(name, raw)
    return out.getvalue()


xml_mutations = st.lists(
    st.tuples(
        st.sampled_from(["flip", "insert", "insert", "insert", "delete", "truncate", "repeat"]),
        st.floats(0, 1),
        st.integers(1, 60),
        st.sampled_from(XML_TOKENS),
    ),
    min_size=1,
    max_size=4,
)


def test_damaged_workbooks_give_typed_problems(
    sets: CriteriaPair, workbook: bytes, tmp_path: Path
) -> None:
    target = tmp_path / "damaged.xlsx"

    @settings(
        max_examples=CASES or settings().max_examples,
        deadline=None,
        database=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
    )
    @given(st.integers(0, 63), xml_mutations, st.integers(0, 9))
    def case(member: int, ops: list[tuple[str, float, int, bytes]], raw_bytes: int) -> None:
        if raw_bytes == 0:  # now and then the archive's own bytes
            damaged = workbook
            for op in ops:
                damaged = _mutate(damaged, *op)
        else:
            damaged = _rezipped(workbook, member, ops)
        target.write_bytes(damaged)
        try:
            result = import_workbook(sets[1], target)
        except WorkbookError as error:
            assert error.problems and all(p.kind and p.message for p in error.problems)
            assert all(p.kind != "internal_error" for p in error.problems)
            return
        assert isinstance(result, ImportResult)
        for problem in (*result.problems, *result.warnings):
            assert problem.kind and problem.message and problem.message_en, problem

    case()

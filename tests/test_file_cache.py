"""Tests for :mod:`parindex.file_cache`: a folder read again with the cache gives what reading
every file gives (the same table, problems and notes, in the same order), reads only the
files it has no row of, and never trusts a pack it did not seal."""

from __future__ import annotations

import os
import pickle
import re
import tempfile
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import pytest
from _tables import same_tables
from hypothesis import given, settings
from hypothesis import strategies as st

from parindex import cache, file_cache, folders, load_criteria
from parindex.batch_units import from_submissions
from parindex.criteria import CriteriaSet
from parindex.folder_table import read_table
from parindex.folders import read_submissions, submission_files

ROOT = Path(__file__).resolve().parent.parent
SET_2023 = load_criteria(ROOT / "criteria" / "namdinh-stnmt-2023.yaml")
SOURCES = sorted((ROOT / "evidence").glob("*.yaml"))

FATES = st.sampled_from(["good", "good", "good", "broken", "bad_value", "twice", "no_year"])
CHANGES = st.lists(
    st.tuples(st.sampled_from(["edit", "spoil", "remove", "add", "same"]), st.integers(0, 30)),
    max_size=6,
)


def _text(fate: str, unit: int, source: int) -> bytes:
    text = SOURCES[source % len(SOURCES)].read_bytes()
    text = text.replace(b"  id: ", f"  id: u{unit:03d}-".encode(), 1)
    if fate == "broken":
        text = text.replace(b"year:", b"year: [", 1)
    elif fate == "bad_value":
        text = re.sub(rb"(so_nhiem_vu_duoc_giao|so_don_vi_truc_thuoc): \S+", rb"\1: -3", text)
    elif fate == "no_year":
        text = text.replace(b"year:", b"nam:", 1)
    return text


def _write(folder: Path, fates: list[str], source: int) -> None:
    """Good files, damaged ones, values the check refuses, units read twice, structural
    problems; the evidence includes a file of another set (2021)."""
    for index, fate in enumerate(fates):
        unit = index - 1 if fate == "twice" else index
        (folder / f"{index:03d}.yaml").write_bytes(_text(fate, unit, source + unit))


def _change(folder: Path, changes: list[tuple[str, int]]) -> None:
    """Files edited (still good or not), spoilt, removed and added between two runs."""
    files = sorted(folder.glob("*.yaml"))
    for change, at in changes:
        path = files[at % len(files)] if files else folder / "000.yaml"
        if change == "edit" and path.exists():
            text = path.read_bytes()
            path.write_bytes(
                re.sub(rb"so_don_vi_truc_thuoc: (\d+)", rb"so_don_vi_truc_thuoc: 1\1", text)
            )
        elif change == "spoil" and path.exists():
            path.write_bytes(path.read_bytes().replace(b"year:", b"year: [", 1))
        elif change == "remove":
            path.unlink(missing_ok=True)
        elif change == "add":
            (folder / f"new-{at:03d}.yaml").write_bytes(_text("good", 100 + at, at))
        elif change == "same":  # the same bytes written again: a row is found by content
            (folder / f"copy-{at:03d}.yaml").write_bytes(
                path.read_bytes() if path.exists() else b""
            )


def _careful(files: list[Path], criteria: CriteriaSet, keep: bool) -> tuple[object, ...]:
    submissions, errors, notes = read_submissions(files, criteria, workers=1, keep_duplicates=keep)
    return from_submissions(criteria, submissions), errors, notes


def _same(
    folder: Path,
    criteria: CriteriaSet,
    keep: bool,
    workers: int = 1,
    reads: Counter[str] | None = None,
) -> None:
    """The cache's reading of the folder is the careful one: table, problems, notes.
    ``reads``: cleared before the cache's reading (then counts the files it reads)."""
    files = submission_files(folder)
    table, errors, notes = _careful(files, criteria, keep)
    if reads is not None:
        reads.clear()
    table_now, errors_now, notes_now = read_table(
        files, criteria, workers=workers, keep_duplicates=keep
    )
    assert errors_now == errors
    assert notes_now == notes
    same_tables(table_now, table)  # type: ignore[arg-type]


@pytest.fixture
def reads(monkeypatch: pytest.MonkeyPatch) -> Iterator[Counter[str]]:
    """The files read (by name) since the last ``clear()``, with every file settled at once."""
    counted: Counter[str] = Counter()
    read = folders._read

    def counting(path: Path) -> object:
        counted[path.name] += 1
        return read(path)

    monkeypatch.setattr(folders, "_read", counting)
    monkeypatch.setattr(file_cache, "SETTLED_NS", 0)
    yield counted


def _pack(directory: Path) -> Path:
    """The 2023 set's pack."""
    return directory / "files" / f"{SET_2023.digest[:32]}-{cache.fingerprint()[:16]}.bin"


@settings(max_examples=8, deadline=None)
@given(
    fates=st.lists(FATES, min_size=1, max_size=10),
    changes=CHANGES,
    source=st.integers(0, 20),
    keep=st.booleans(),
)
def test_cold_warm_and_careful_readings_agree(
    fates: list[str], changes: list[tuple[str, int]], source: int, keep: bool
) -> None:
    """Cold (cache off), first run (writing), warm (unchanged), after edits, additions and
    removals, and with a damaged pack: each the careful reading's table and problems."""
    with tempfile.TemporaryDirectory() as tmp, pytest.MonkeyPatch.context() as patch:
        folder, directory = Path(tmp) / "units", Path(tmp) / "cache"
        folder.mkdir()
        _write(folder, fates, source)
        patch.setattr(file_cache, "SETTLED_NS", 0)
        patch.setenv(cache.SWITCH_ENV, "off")
        _same(folder, SET_2023, keep)  # cold
        assert not directory.exists()
        patch.setenv(cache.CACHE_ENV, str(directory))
        patch.delenv(cache.SWITCH_ENV)
        _same(folder, SET_2023, keep)  # writes the rows
        _same(folder, SET_2023, keep)  # reads them
        _change(folder, changes)
        _same(folder, SET_2023, keep)
        _same(folder, SET_2023, keep)
        pack = _pack(directory)
        if pack.exists():
            blob = bytearray(pack.read_bytes())
            blob[len(blob) // 2] ^= 1
            pack.write_bytes(bytes(blob))
            _same(folder, SET_2023, keep)


def test_a_warm_run_reads_only_the_files_it_has_no_row_of(
    tmp_path: Path, reads: Counter[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(cache.CACHE_ENV, str(tmp_path / "cache"))
    folder = tmp_path / "units"
    folder.mkdir()
    _write(folder, ["good", "broken", "good", "twice", "bad_value", "good", "no_year"], 0)
    _same(folder, SET_2023, keep=False)
    _same(folder, SET_2023, keep=False, reads=reads)
    # Read again: the three files with problems, and the unit read twice (to say so).
    assert reads == Counter(["001.yaml", "003.yaml", "004.yaml", "006.yaml"])
    (folder / "002.yaml").write_bytes((folder / "002.yaml").read_bytes() + b"\n")
    _same(folder, SET_2023, keep=False, reads=reads)
    assert "002.yaml" in reads and "000.yaml" not in reads and "005.yaml" not in reads


def test_another_set_and_files_changed_meanwhile_are_never_kept(
    tmp_path: Path, reads: Counter[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(cache.CACHE_ENV, str(tmp_path / "cache"))
    other = load_criteria(ROOT / "criteria" / "quangbinh-stnmt-2021.yaml")
    folder = tmp_path / "units"
    folder.mkdir()
    _write(folder, ["good", "good"], 0)
    (folder / "old.yaml").write_bytes((ROOT / "evidence" / "so-tnmt-mau-2021.yaml").read_bytes())
    _same(folder, SET_2023, keep=False)
    _same(folder, other, keep=False)
    _same(folder, SET_2023, keep=False, reads=reads)
    assert reads == Counter(["old.yaml"])  # another set's file: its note, again
    _same(folder, other, keep=False, reads=reads)
    assert reads == Counter(["000.yaml", "001.yaml"])
    monkeypatch.setattr(file_cache, "SETTLED_NS", 10**18)  # every file just written
    fresh = tmp_path / "fresh"
    monkeypatch.setenv(cache.CACHE_ENV, str(fresh))
    _same(folder, SET_2023, keep=False)
    assert not (fresh / "files").exists()


def test_files_read_by_two_processes_are_kept_and_found(
    tmp_path: Path, reads: Counter[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(cache.CACHE_ENV, str(tmp_path / "cache"))
    monkeypatch.setattr(folders, "PARALLEL_FROM", 4)
    monkeypatch.setattr(folders, "SLICE_LEAST", 2)
    fates = ["good", "broken", "good", "bad_value", "good", "twice", "no_year", "good"] * 2
    _write(tmp_path, fates, 0)
    opened: list[file_cache.FileCache] = []
    open_cache = file_cache.FileCache.open

    def spied(criteria: CriteriaSet, files: list[Path]) -> file_cache.FileCache | None:
        found = open_cache(criteria, files)
        opened.extend([found] if found is not None else [])
        return found

    monkeypatch.setattr(file_cache.FileCache, "open", spied)
    _same(tmp_path, SET_2023, keep=True, workers=2)
    _same(tmp_path, SET_2023, keep=True, workers=2)
    assert len(opened[0].misses) == len(fates)
    # The files read by either process kept: only those with problems or of another set are
    # read again (a unit read twice is kept twice here).
    _, errors, notes = read_submissions(tmp_path, SET_2023, workers=1, keep_duplicates=True)
    told = {problem.file for problem in [*errors, *notes]}
    assert sorted(str(path) for path in opened[1].misses) == sorted(told)
    assert len(told) == 10  # 6 with problems, 4 of the 2021 set


class _Trap:
    def __reduce__(self) -> tuple[object, tuple[str]]:
        return os.remove, (str(ROOT / "pyproject.toml"),)  # never run: never unpickled


def test_a_pack_not_sealed_with_this_users_key_is_never_unpickled(
    tmp_path: Path, reads: Counter[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    directory = tmp_path / "cache"
    monkeypatch.setenv(cache.CACHE_ENV, str(directory))
    _write(tmp_path, ["good", "good"], 0)
    _same(tmp_path, SET_2023, keep=False)
    pack = _pack(directory)
    hostile = pickle.dumps(_Trap())
    for blob in (
        b"\0" * 32 + hostile,  # a made-up seal
        cache.sealed(directory, "criteria", SET_2023.digest, hostile),  # another kind's seal
        cache.sealed(directory, "files", "0" * 64, hostile),  # another set's
        b"",
    ):
        pack.write_bytes(blob)
        _same(tmp_path, SET_2023, keep=False, reads=reads)
        assert len(reads) == 2  # a miss: both read again, the pack written anew
        assert (ROOT / "pyproject.toml").exists()
    (directory / "key").write_bytes(os.urandom(32))  # another user's key
    _same(tmp_path, SET_2023, keep=False, reads=reads)
    assert len(reads) == 2


def test_packs_are_bounded_and_pruned(
    tmp_path: Path, reads: Counter[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    directory = tmp_path / "cache"
    monkeypatch.setenv(cache.CACHE_ENV, str(directory))
    monkeypatch.setattr(file_cache, "MAX_ENTRIES", 3)
    monkeypatch.setattr(file_cache, "MAX_PACKS", 2)
    packs = directory / "files"
    packs.mkdir(parents=True)
    stale = [packs / "a-0000000000000000.bin", packs / "b.tmp"]
    for path in stale:
        path.write_bytes(b"x")
        os.utime(path, (0, 0))
    for name in ("c", "d"):
        (packs / f"{name}-{cache.fingerprint()[:16]}.bin").write_bytes(b"x")
        os.utime(packs / f"{name}-{cache.fingerprint()[:16]}.bin", (1, 1))
    _write(tmp_path, ["good"] * 5, 0)
    _same(tmp_path, SET_2023, keep=False)
    assert not any(path.exists() for path in stale)  # another parindex's, an old temporary
    assert len(list(packs.glob("*.bin"))) == 2  # the newest: this set's, and one other
    _same(tmp_path, SET_2023, keep=False, reads=reads)
    assert len(reads) == 2  # three rows kept of five
    monkeypatch.setattr(file_cache, "MAX_PACK_BYTES", 100)
    pack = _pack(directory)
    pack.unlink()
    _same(tmp_path, SET_2023, keep=False)
    assert not pack.exists()  # too large to write


def test_the_cache_off_reads_every_file(
    tmp_path: Path, reads: Counter[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(cache.CACHE_ENV, str(tmp_path / "cache"))
    monkeypatch.setenv(cache.SWITCH_ENV, "off")
    _write(tmp_path, ["good", "good"], 0)
    _same(tmp_path, SET_2023, keep=False)
    _same(tmp_path, SET_2023, keep=False, reads=reads)
    assert reads == Counter(["000.yaml", "001.yaml"])
    assert not (tmp_path / "cache").exists()

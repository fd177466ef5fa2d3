"""Tests for :mod:`parindex.folder_table`: a folder read straight to the table, on every core,
gives the table and the problems of reading the submissions and framing them."""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path
from unittest import mock

import pytest
from _folders import EVIDENCE, write_units
from _tables import same_tables
from hypothesis import given, settings
from hypothesis import strategies as st

from parindex import folders, load_criteria, score_many
from parindex.batch_units import from_submissions
from parindex.criteria import CriteriaSet
from parindex.errors import SubmissionError
from parindex.folder_table import read_table
from parindex.folders import read_submissions, submission_files

ROOT = Path(__file__).resolve().parent.parent
SET_2023 = load_criteria(ROOT / "criteria" / "namdinh-stnmt-2023.yaml")
SOURCES = sorted(EVIDENCE.glob("*.yaml"))

FATES = st.sampled_from(["good", "good", "broken", "bad_value", "unknown", "twice", "no_year"])


def _write(folder: Path, fates: list[str], source: int) -> None:
    """Files of every fate (:func:`_folders.write_units`); the evidence includes another
    set's file."""
    write_units(folder, fates, SOURCES, source)


def _same(folder: Path, criteria: CriteriaSet, workers: int, keep: bool) -> None:
    files = submission_files(folder)
    submissions, errors, notes = read_submissions(files, criteria, workers=1, keep_duplicates=keep)
    table, errors_now, notes_now = read_table(
        files, criteria, workers=workers, keep_duplicates=keep
    )
    assert errors_now == errors
    assert notes_now == notes
    same_tables(table, from_submissions(criteria, submissions))


@settings(max_examples=10, deadline=None)
@given(
    fates=st.lists(FATES, max_size=14),
    source=st.integers(0, 20),
    keep=st.booleans(),
    cold=st.booleans(),
)
def test_a_folder_read_to_its_table_is_read_then_framed(
    fates: list[str], source: int, keep: bool, cold: bool
) -> None:
    """``cold``: the file cache off, so each slice's vectors are made where it is read."""
    with tempfile.TemporaryDirectory() as tmp:
        _write(Path(tmp), fates, source)
        with mock.patch.dict(os.environ, {"PARINDEX_CACHE": "off"} if cold else {}):
            _same(Path(tmp), SET_2023, 1, keep)


@pytest.mark.parametrize("cold", [False, True])
def test_processes_give_the_same_table(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, cold: bool
) -> None:
    """Slices read, checked and framed by the other process and here: the same table and
    the same problems, in the same order, with their files and lines; with the file cache
    off (``cold``), each slice's vectors made where it was read, then joined."""
    fates = ["good", "broken", "bad_value", "unknown", "good", "twice", "no_year"] * 3
    _write(tmp_path, fates, 0)
    monkeypatch.setattr(folders, "PARALLEL_FROM", 4)
    monkeypatch.setattr(folders, "SLICE_LEAST", 2)
    if cold:
        monkeypatch.setenv("PARINDEX_CACHE", "off")
    _same(tmp_path, SET_2023, 2, keep=False)
    _, errors, _ = read_table(submission_files(tmp_path), SET_2023, workers=2)
    kinds = {p.kind for p in errors}
    assert kinds >= {"yaml_syntax", "unknown_input", "duplicate_unit", "missing_field"}
    assert kinds & {"out_of_range", "invalid_value"}
    assert all(p.line is not None and p.file for p in errors)


def test_score_many_of_a_folder_raises_every_problem(tmp_path: Path) -> None:
    for path in SOURCES[:3]:
        shutil.copy(path, tmp_path)
    scores = score_many(SET_2023, tmp_path)
    assert len(scores) == len(list(tmp_path.glob("*-2023.yaml")))
    (tmp_path / "broken.yaml").write_text("format: parindex.submission/1\nyear: [\n")
    with pytest.raises(SubmissionError) as caught:
        score_many(SET_2023, tmp_path)
    assert [p.kind for p in caught.value.problems] == ["yaml_syntax"]


def test_a_duplicate_that_no_longer_reads_gives_its_own_problems(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The later file of a unit read twice is read again to word its problem: changed or
    removed meanwhile, it fails to read, and those problems are given (before: an
    AssertionError, or with ``python -O`` an AttributeError, instead of any problem)."""
    _write(tmp_path, ["good", "twice"], 0)
    monkeypatch.setenv("PARINDEX_CACHE", "off")
    read, calls = folders._read, {"n": 0}

    def once_then_gone(path: Path) -> object:
        calls["n"] += path.name == "001.yaml"
        if calls["n"] > 1 and path.name == "001.yaml":
            path.unlink()
        return read(path)

    monkeypatch.setattr(folders, "_read", once_then_gone)
    table, errors, notes = read_table(submission_files(tmp_path), SET_2023, workers=1)
    assert table.n == 1 and not notes
    assert [(p.kind, Path(p.file).name) for p in errors] == [("unreadable_file", "001.yaml")]


def test_a_unit_read_twice_is_told_by_the_one_rule(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Which units are the same was ruled twice: ``folders._key`` for a folder's submissions
    and, beside it, ``read_table`` keying by the unit id itself (the same rule today, two
    homes). Now ``read_table`` asks ``folders._key``: a rule changed there changes both."""
    source = (EVIDENCE / "so-tnmt-mau-2023.yaml").read_bytes()
    (tmp_path / "a.yaml").write_bytes(source)
    later = source.replace(b"year: 2023", b"year: 2024", 1).replace(b"/12/2022", b"/12/2023")
    (tmp_path / "b.yaml").write_bytes(later)
    monkeypatch.setenv("PARINDEX_CACHE", "off")
    files = submission_files(tmp_path)
    table, errors, _ = read_table(files, SET_2023, workers=1)
    assert table.n == 1 and [p.kind for p in errors] == ["duplicate_unit"]
    monkeypatch.setattr(folders, "_key", lambda ident, criteria: ident)  # each year its own
    submissions, errors, _ = read_submissions(files, SET_2023, workers=1)
    table, errors_now, _ = read_table(files, SET_2023, workers=1)
    assert len(submissions) == table.n == 2 and errors == errors_now == []

"""Tests for :mod:`parindex.folders`: a folder of submissions read, every problem listed."""

from __future__ import annotations

import itertools
import multiprocessing
import shutil
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pytest
from _folders import EVIDENCE, fates, write_units
from hypothesis import given, settings
from hypothesis import strategies as st

from parindex import folders, load_criteria, load_submissions, rank, score_many
from parindex.criteria import CriteriaSet
from parindex.errors import SubmissionError

ROOT = Path(__file__).resolve().parent.parent
SET_2023 = ROOT / "criteria" / "namdinh-stnmt-2023.yaml"


@pytest.fixture(scope="module")
def criteria() -> CriteriaSet:
    return load_criteria(SET_2023)


def test_a_folder_reads_every_file_and_lists_the_other_sets(criteria: CriteriaSet) -> None:
    submissions, problems = load_submissions(EVIDENCE, criteria)
    files_2023 = sorted(EVIDENCE.glob("*-2023.yaml"))
    assert [s.source.file for s in submissions] == [str(p) for p in files_2023]
    assert problems["kind"].tolist() == ["other_set"]
    row = problems.iloc[0]
    assert row["file"].endswith("so-tnmt-mau-2021.yaml") and row["line"] > 0
    assert "quangbinh-stnmt-2021" in row["message"]


def test_without_criteria_every_readable_file_is_returned() -> None:
    submissions, problems = load_submissions(EVIDENCE)
    assert len(submissions) == len(list(EVIDENCE.glob("*.yaml")))
    assert problems.empty


def test_broken_files_are_skipped_or_raised(tmp_path: Path, criteria: CriteriaSet) -> None:
    for path in sorted(EVIDENCE.glob("*-2023.yaml"))[:2]:
        shutil.copy(path, tmp_path)
    (tmp_path / "broken.yaml").write_text("format: parindex.submission/1\nyear: [\n")
    (tmp_path / "bad-date.yaml").write_bytes(
        (EVIDENCE / "so-gtvt-mau-2023.yaml").read_bytes().replace(b"27/12/2022", b"2022-12-32")
    )
    (tmp_path / "notes.txt").write_text("not a submission")
    submissions, problems = load_submissions(tmp_path, criteria)
    assert len(submissions) == 2
    names = problems["file"].map(lambda f: Path(f).name)
    assert sorted(zip(names, problems["kind"], strict=True)) == [
        ("bad-date.yaml", "invalid_date"),
        ("broken.yaml", "yaml_syntax"),
    ]
    assert problems["line"].notna().all()
    with pytest.raises(SubmissionError) as caught:
        load_submissions(tmp_path, criteria, on_error="raise")
    assert sorted(p.kind for p in caught.value.problems) == ["invalid_date", "yaml_syntax"]


def test_a_unit_read_twice_is_listed(tmp_path: Path, criteria: CriteriaSet) -> None:
    source = EVIDENCE / "so-gtvt-mau-2023.yaml"
    shutil.copy(source, tmp_path / "a.yaml")
    shutil.copy(source, tmp_path / "b.yaml")
    submissions, problems = load_submissions(tmp_path, criteria)
    assert len(submissions) == 1
    assert problems["kind"].tolist() == ["duplicate_unit"]
    assert problems["file"].iloc[0].endswith("b.yaml")


def test_a_unit_read_for_two_years_against_one_set_is_a_duplicate(
    tmp_path: Path, criteria: CriteriaSet
) -> None:
    """Read against one set, a unit is its id: the file giving it again for another year is
    a duplicate_unit problem, whether the folder is read, framed to its table (``score_many``,
    ``rank``) or its submissions given as a list (:func:`parindex.batch.once_each`). Before, the
    folder kept both, and ``rank`` of it ranked the unit twice. Without a set, both are read."""
    source = (EVIDENCE / "so-tnmt-mau-2023.yaml").read_bytes()
    (tmp_path / "a.yaml").write_bytes(source)
    later = source.replace(b"year: 2023", b"year: 2024", 1).replace(b"/12/2022", b"/12/2023")
    (tmp_path / "b.yaml").write_bytes(later)
    assert len(load_submissions(tmp_path).submissions) == 2  # no set: each year its own
    submissions, problems = load_submissions(tmp_path, criteria)
    assert [s.year for s in submissions] == [2023]
    assert problems["kind"].tolist() == ["duplicate_unit"]
    assert problems["file"].iloc[0].endswith("b.yaml")
    with pytest.raises(SubmissionError) as by_folder:
        score_many(criteria, tmp_path)
    with pytest.raises(SubmissionError) as by_list:
        score_many(criteria, load_submissions(tmp_path).submissions)
    assert by_folder.value.kinds() == by_list.value.kinds() == ["duplicate_unit"]
    assert by_folder.value.problems[0].file == by_list.value.problems[0].file


def test_checked_values_fail_the_unit_not_the_folder(tmp_path: Path, criteria: CriteriaSet) -> None:
    shutil.copy(EVIDENCE / "so-gtvt-mau-2023.yaml", tmp_path)
    (tmp_path / "bad.yaml").write_bytes(
        (EVIDENCE / "so-xay-dung-mau-2023.yaml")
        .read_bytes()
        .replace(b"values:\n", b"values:\n  khong_co_ten_nay: 1\n", 1)
    )
    submissions, problems = load_submissions(tmp_path, criteria)
    assert [s.unit.id for s in submissions] == ["so-gtvt-mau"]
    assert problems["kind"].tolist() == ["unknown_input"]


def test_score_many_and_rank_take_a_folder_or_the_loaded_pair(criteria: CriteriaSet) -> None:
    loaded = load_submissions(EVIDENCE, criteria)
    expected = score_many(criteria, loaded.submissions)
    assert score_many(criteria, loaded).equals(expected)
    ranked = rank(expected, criteria)
    assert rank(loaded, criteria).equals(ranked)
    paths = sorted(EVIDENCE.glob("*-2023.yaml"))
    assert score_many(criteria, paths[0]).equals(expected.iloc[:1])


def test_processes_read_the_same_as_one(criteria: CriteriaSet, tmp_path: Path) -> None:
    """Both cores reading give the same submissions and problems, in the same order."""
    # unknown: read, then refused by the check, located through the bytes sent
    write_units(tmp_path, fates(70, broken=(9, 0), unknown=(7, 3)), sorted(EVIDENCE.glob("*.yaml")))
    one = load_submissions(tmp_path, criteria, workers=1)
    two = load_submissions(tmp_path, criteria, workers=2)
    assert [s.model_dump() for s in one.submissions] == [s.model_dump() for s in two.submissions]
    for first, second in zip(one.submissions, two.submissions, strict=True):
        assert (first.source.file, first.source.data) == (second.source.file, second.source.data)
        assert first.source.lines == second.source.lines
        assert first.source.scalars == second.source.scalars
    assert one.problems.equals(two.problems)
    assert "unknown_input" in set(two.problems["kind"])
    assert two.problems["line"].notna().all()
    assert len(one.problems) > 8


def test_on_error_is_checked() -> None:
    with pytest.raises(ValueError, match="on_error"):
        load_submissions(EVIDENCE, on_error="ignore")  # type: ignore[arg-type]


def test_checked_together_or_one_by_one_the_same(
    criteria: CriteriaSet, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Many units are checked together (check_many): the same problems, files and lines."""
    write_units(tmp_path, fates(20, unknown=(4, 1)), sorted(EVIDENCE.glob("*-2023.yaml")))
    together = load_submissions(tmp_path, criteria, workers=1)
    monkeypatch.setattr(folders, "CHECK_TOGETHER_FROM", 10**9)
    one_by_one = load_submissions(tmp_path, criteria, workers=1)
    assert [s.unit.id for s in together.submissions] == [s.unit.id for s in one_by_one.submissions]
    assert together.problems.equals(one_by_one.problems)
    assert len(together.problems) == 5 and together.problems["line"].notna().all()


@pytest.mark.parametrize("this_process_takes", [False, True])
def test_slices_read_here_or_by_a_process_the_same(
    criteria: CriteriaSet, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, this_process_takes: bool
) -> None:
    """Every slice read by the other process, or slices claimed from the back and read here:
    the same submissions, sources and problems as reading one by one, in order; every file
    counted."""
    write_units(tmp_path, fates(12, unknown=(5, 2)), sorted(EVIDENCE.glob("*-2023.yaml")))
    one = load_submissions(tmp_path, criteria, workers=1)
    monkeypatch.setattr(folders, "PARALLEL_FROM", 4)
    monkeypatch.setattr(folders, "SLICE_LEAST", 2)
    original = folders._take_back
    taken: list[bool] = []

    def take_back(ends: Any, sizes: list[int]) -> tuple[int, int] | None:
        claim = original(ends, sizes) if this_process_takes else None
        taken.append(claim is not None)
        return claim

    monkeypatch.setattr(folders, "_take_back", take_back)
    counted: list[int] = []
    folders.read_submissions(tmp_path, criteria, workers=2, done=counted.append)
    assert sum(counted) == 12
    two = load_submissions(tmp_path, criteria, workers=2)
    assert any(taken) is this_process_takes
    assert [s.model_dump() for s in one.submissions] == [s.model_dump() for s in two.submissions]
    for first, second in zip(one.submissions, two.submissions, strict=True):
        assert (first.source.file, first.source.lines) == (second.source.file, second.source.lines)
    assert one.problems.equals(two.problems) and len(one.problems) == 2


@settings(max_examples=30, deadline=None)
@given(
    n=st.integers(1, 5000),
    workers=st.integers(2, 4),
    per_reader=st.integers(1, 40),
    ends_taking=st.lists(st.booleans(), max_size=200),
)
def test_slices_claimed_from_either_end_cover_every_file_once(
    n: int, workers: int, per_reader: int, ends_taking: list[bool]
) -> None:
    """Whichever end claims each slice of the plan, the slices are every file once, each
    slice within the plan's sizes, and the last ones small (so the readers end together)."""
    sizes = folders._sizes(n, workers, per_reader)
    assert sum(sizes) == n and all(size > 0 for size in sizes)
    big = max(folders.SLICE_LEAST, -(-n // (workers * per_reader)))
    assert max(sizes) <= big
    assert sizes[-1] <= max(folders.SLICE_LEAST, n // (2 * workers))
    ends = multiprocessing.Array("q", [0, n, 0])
    taking = iter(ends_taking)
    claims = []
    while (claim := folders._claim(ends, sizes, front=next(taking, True))) is not None:
        claims.append(claim)
    assert len(claims) == len(sizes)
    covered = sorted(claims)
    assert covered[0][0] == 0 and covered[-1][1] == n
    assert all(a[1] == b[0] for a, b in itertools.pairwise(covered))
    assert [stop - start for start, stop in claims] == sizes


def _marked(paths: Sequence[Path]) -> int:
    """A slice done in the other process: slowly, leaving a mark beside its first file."""
    time.sleep(0.02)
    paths[0].with_suffix(".done").touch()
    return len(paths)


def test_a_failure_here_stops_the_other_readers(tmp_path: Path) -> None:
    """This process fails on its first slice: the failure is raised, and the other process
    claims no more slices (before, it read every slice left before the failure was told)."""
    files = [tmp_path / f"{index:03d}.yaml" for index in range(200)]

    def broken(paths: Sequence[Path]) -> int:
        time.sleep(0.2)  # the other process has started meanwhile
        raise ValueError("broken here")

    with pytest.raises(ValueError, match="broken here"):
        folders.in_slices(files, 2, broken, _marked, per_reader=32)
    slices = len(folders._sizes(len(files), 2, 32))
    assert len(list(tmp_path.glob("*.done"))) < slices // 2

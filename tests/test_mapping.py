"""Code mappings between two sets (parindex.mapping): the shipped 2021 → 2023 mapping
loads and covers the 2021 tree, broken files give located errors, and a year-over-year
comparison of the sample unit gives hand-checked numbers."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pandas as pd
import pytest

from parindex import (
    CodeMapping,
    CriteriaSet,
    MappingError,
    ScoreReport,
    compare_years,
    load_criteria,
    load_mapping,
    load_submission,
    score,
)
from parindex.criteria import NodeKind

ROOT = Path(__file__).resolve().parent.parent
MAPPING = ROOT / "criteria" / "mappings" / "quangbinh-stnmt-2021--namdinh-stnmt-2023.yaml"
INVALID = ROOT / "tests" / "data" / "mappings"


@pytest.fixture(scope="module")
def old_set() -> CriteriaSet:
    return load_criteria(ROOT / "criteria" / "quangbinh-stnmt-2021.yaml")


@pytest.fixture(scope="module")
def new_set() -> CriteriaSet:
    return load_criteria(ROOT / "criteria" / "namdinh-stnmt-2023.yaml")


@pytest.fixture(scope="module")
def mapping() -> CodeMapping:
    return load_mapping(MAPPING)  # finds both sets in criteria/ by id


@pytest.fixture(scope="module")
def reports(old_set: CriteriaSet, new_set: CriteriaSet) -> tuple[ScoreReport, ScoreReport]:
    old = score(old_set, load_submission(ROOT / "evidence" / "so-tnmt-mau-2021.yaml"))
    new = score(new_set, load_submission(ROOT / "evidence" / "so-tnmt-mau-2023.yaml"))
    return old, new


# --- the shipped mapping -------------------------------------------------------------


def test_shipped_mapping_names_both_sets(mapping: CodeMapping) -> None:
    assert mapping.format == "parindex.mapping/1"
    assert (mapping.old_set, mapping.new_set) == ("quangbinh-stnmt-2021", "namdinh-stnmt-2023")


def test_every_code_and_title_is_the_sets_own(
    mapping: CodeMapping, old_set: CriteriaSet, new_set: CriteriaSet
) -> None:
    for entry in mapping.entries:
        for ref in entry.old:
            assert old_set.node(ref.code).title == ref.title
        for ref in entry.new:
            assert new_set.node(ref.code).title == ref.title


def test_loading_with_explicit_sets_gives_the_same_mapping(
    mapping: CodeMapping, old_set: CriteriaSet, new_set: CriteriaSet
) -> None:
    assert load_mapping(MAPPING, old_set, new_set) == mapping


def test_every_2021_area_is_accounted_for(mapping: CodeMapping, old_set: CriteriaSet) -> None:
    mapped = {code for entry in mapping.entries for code in entry.old_codes}
    assert {n.code for n in old_set.nodes} <= mapped


def test_every_2021_criterion_is_mapped_or_explained(
    mapping: CodeMapping, old_set: CriteriaSet
) -> None:
    """A criterion or sub-criterion is in an entry, inside one, or each of its parts is."""
    mapped = {code for entry in mapping.entries for code in entry.old_codes}
    compiled = old_set.compiled

    def inside(code: str) -> bool:
        parent = compiled.nodes[code].parent
        return parent is not None and "." in parent and (parent in mapped or inside(parent))

    def accounted(code: str) -> bool:
        children = compiled.children.get(code, ())
        return (
            code in mapped
            or inside(code)
            or (bool(children) and all(accounted(c) for c in children))
        )

    for node in old_set.walk():
        if node.kind in (NodeKind.CRITERION, NodeKind.SUB_CRITERION):
            assert accounted(node.code), node.code


def test_judgements_and_gaps_say_why(mapping: CodeMapping) -> None:
    kinds = {entry.match for entry in mapping.entries}
    assert kinds == {"exact", "renamed", "judgement", "none"}
    for entry in mapping.entries:
        if entry.match in ("judgement", "none"):
            assert entry.note
        if not entry.new:
            assert entry.basis == "unmapped"
        if not entry.old:
            assert entry.basis == "new"


# --- broken files ----------------------------------------------------------------------

CASES = [
    (
        "unknown-codes.yaml",
        [
            ("unknown_code", 7, "không có mã 1.7; có phải ý bạn là 1.6"),
            ("title_mismatch", 9, "tiêu đề của 1.5 khác"),
            ("unknown_code", 15, "không có mã 1.3.9"),
            ("basis_inconsistent", 17, "basis 'same'"),
        ],
    ),
    (
        "bad-shapes.yaml",
        [
            ("match_inconsistent", 9, "match: none"),
            ("basis_inconsistent", 16, "basis 'merged'"),
            ("missing_note", 11, "cần 'note'"),
            ("duplicate_code", 18, "mã 1.4 đã có ở mục 2"),
            ("nested_codes", 18, "1.4 nằm trong 1"),
            ("empty_entry", 24, "không có mã nào"),
        ],
    ),
    (
        "bad-structure.yaml",
        [
            ("missing_field", 6, "thiếu trường bắt buộc 'match'"),
            ("unknown_key", 11, "khóa không được phép: 'matches'"),
            ("invalid_value", 16, "giá trị không hợp lệ"),
        ],
    ),
    ("unknown-set.yaml", [("unknown_set", 3, "quangbinh-stnmt-2019")]),
]


@pytest.mark.parametrize(("name", "expected"), CASES, ids=[c[0] for c in CASES])
def test_invalid_mapping_lists_every_located_problem(
    name: str,
    expected: list[tuple[str, int, str]],
    old_set: CriteriaSet,
    new_set: CriteriaSet,
) -> None:
    with pytest.raises(MappingError) as caught:
        load_mapping(INVALID / name, old_set, new_set)
    problems = caught.value.problems
    assert [(p.kind, p.line) for p in problems] == [(k, line) for k, line, _ in expected]
    for problem, (_, _, fragment) in zip(problems, expected, strict=True):
        assert fragment in problem.message
        assert problem.file is not None and problem.file.endswith(name)
        assert problem.message_en
    assert caught.value.to_frame().shape[0] == len(expected)


def test_unreadable_mapping_file_is_a_located_error(tmp_path: Path) -> None:
    with pytest.raises(MappingError) as caught:
        load_mapping(tmp_path / "absent.yaml")
    assert caught.value.problems[0].kind == "unreadable_file"


# --- comparing two years ---------------------------------------------------------------


def _row(frame: pd.DataFrame, old_codes: str, new_codes: str) -> pd.Series:
    rows = frame[(frame["old_codes"] == old_codes) & (frame["new_codes"] == new_codes)]
    assert len(rows) == 1, (old_codes, new_codes)
    return rows.iloc[0]


D = Decimal


@pytest.mark.parametrize(
    ("old_codes", "new_codes", "old", "new", "change"),
    [
        # 2021 area 1: 1,5 + 1,5 + 0,75 + 1 + 0 + 0,75 = 5,5 of 8; 2023 area 1: 1 + 1 + 1,5
        # + (1 + 0,75 + 1) + 0,75 = 7 of 8.
        ("1", "1", ("5.5", "8", "68.75"), ("7", "8", "87.50"), "18.75"),
        # 28/30 = 93,33% → 0,75 of 1,25; 35/36 = 97,22% → 0,75 of 1,5.
        ("1.6", "1.5", ("0.75", "1.25", "60.00"), ("0.75", "1.5", "50.00"), "-10.00"),
        # 3/12 = 25% < 30% → 0; 4/11 = 36,4% > 30% → 1.
        ("1.3.1", "1.3.1", ("0", "0.75", "0.00"), ("1", "1", "100.00"), "100.00"),
        # merged: 3.2.3.f 0,5 + 7.3 (9/12 × 1,5 = 1,125 → 1,13; 1,5; 1,5) = 4,63 of 5;
        # 3.8: 95/1250 = 7,6% → 0,5 and 140/1238 = 11,3% → 1, so 1,5 of 2.
        ("3.2.3.f, 7.3", "3.8", ("4.63", "5", "92.60"), ("1.5", "2", "75.00"), "-17.60"),
        # split: 4.1.1 0,75 of 0,75; 4.1.1 + 4.1.2 = 0,5 + 0,5 of 1.
        ("4.1.1", "4.1.1, 4.1.2", ("0.75", "0.75", "100.00"), ("1", "1", "100.00"), "0.00"),
        # 24,5/30 = 81,666… → 81,67; 26,35/30 = 87,833… → 87,83.
        ("XHH", "XHH", ("24.5", "30", "81.67"), ("26.35", "30", "87.83"), "6.16"),
        # area 2: 4,75/6 = 79,17; 5,75/6 = 95,83; the change is taken from rounded percents.
        ("2", "2", ("4.75", "6", "79.17"), ("5.75", "6", "95.83"), "16.66"),
    ],
)
def test_hand_checked_rows(
    reports: tuple[ScoreReport, ScoreReport],
    mapping: CodeMapping,
    old_codes: str,
    new_codes: str,
    old: tuple[str, str, str],
    new: tuple[str, str, str],
    change: str,
) -> None:
    row = _row(compare_years(mapping, *reports), old_codes, new_codes)
    assert (row["old_points"], row["old_max"], row["old_percent"]) == tuple(D(v) for v in old)
    assert (row["new_points"], row["new_max"], row["new_percent"]) == tuple(D(v) for v in new)
    assert row["change"] == D(change)
    assert row["status"] == "both_scored"
    assert all(
        isinstance(row[c], Decimal) for c in ("old_points", "new_percent", "change", "old_max")
    )


def test_statuses_not_applicable_and_unmapped(
    reports: tuple[ScoreReport, ScoreReport], mapping: CodeMapping
) -> None:
    frame = compare_years(mapping, *reports)
    # The 2021 sample has no ĐVSNCL: 4.1.3 does not apply that year.
    dvsncl = _row(frame, "4.1.3", "4.1.3")
    assert (dvsncl["status"], dvsncl["old_status"], dvsncl["new_status"]) == (
        "not_applicable",
        "not_applicable",
        "scored",
    )
    assert dvsncl["old_points"] is None and dvsncl["change"] is None
    assert dvsncl["new_points"] == D("0.5")
    iso = _row(frame, "7.4", "")
    assert (iso["status"], iso["new_status"]) == ("unmapped", "unmapped")
    assert (iso["old_points"], iso["old_max"], iso["old_percent"]) == (D("1.5"), D(3), D("50.00"))
    rotation = _row(frame, "", "5.7")
    assert (rotation["old_status"], rotation["new_points"]) == ("unmapped", D("1.5"))
    assert len(frame) == len(mapping.entries)
    assert set(frame["unit"]) == {"so-tnmt-mau"}


def test_area_rows_add_up_to_the_totals(
    reports: tuple[ScoreReport, ScoreReport], mapping: CodeMapping
) -> None:
    old, new = reports
    frame = compare_years(mapping, old, new)
    areas = frame[frame["old_codes"].isin([a.code for a in old.areas])]
    assert sum(areas["old_points"], D(0)) == old.total == D("78.57")
    assert sum(areas["new_points"], D(0)) == new.total == D("92.02")


def test_several_units_are_matched_by_id(
    reports: tuple[ScoreReport, ScoreReport], mapping: CodeMapping, new_set: CriteriaSet
) -> None:
    old, new = reports
    other = score(new_set, load_submission(ROOT / "evidence" / "so-gtvt-mau-2023.yaml"))
    frame = compare_years(mapping, [old], [other, new])
    assert list(dict.fromkeys(frame["unit"])) == ["so-tnmt-mau", "so-gtvt-mau"]
    alone = frame[frame["unit"] == "so-gtvt-mau"]
    assert set(alone["status"]) == {"no_report"}
    assert set(alone["old_status"]) == {"no_report"}
    same = frame[frame["unit"] == "so-tnmt-mau"].reset_index(drop=True)
    pd.testing.assert_frame_equal(same, compare_years(mapping, old, new))


def test_reports_of_another_set_are_refused(
    reports: tuple[ScoreReport, ScoreReport], mapping: CodeMapping
) -> None:
    old, new = reports
    with pytest.raises(MappingError) as caught:
        compare_years(mapping, new, old)
    assert {p.kind for p in caught.value.problems} == {"wrong_criteria"}

"""The planner's parts that need no inverse: lost points, standing, what-if, province view."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from parindex.engine import score
from parindex.errors import SubmissionError
from parindex.loader import load_criteria
from parindex.planner import (
    boundaries,
    load_effort,
    lost_points,
    most_lost,
    standing,
    what_if,
)
from parindex.plans import PlanError
from parindex.submission import Submission, load_submission

ROOT = Path(__file__).resolve().parents[1]
CRITERIA = ROOT / "criteria" / "namdinh-stnmt-2023.yaml"
SAMPLES = sorted((ROOT / "evidence").glob("*-2023.yaml"))


@pytest.fixture(scope="module")
def criteria():  # type: ignore[no-untyped-def]
    return load_criteria(CRITERIA)


@pytest.fixture(scope="module")
def units():  # type: ignore[no-untyped-def]
    return {p.stem: load_submission(p) for p in SAMPLES}


def test_lost_points_are_bounded_by_the_parents(criteria, units) -> None:  # type: ignore[no-untyped-def]
    report = score(criteria, units["so-tnmt-mau-2023"])
    lost = lost_points(report)
    assert lost["1.5"] == Decimal("0.75")
    # 1.4.2 takes the best of its items: item c cannot win more than 1.4.2 still lacks
    parent = report.node("1.4.2")
    assert parent.points is not None
    assert lost["1.4.2.c"] == parent.max_points - parent.points
    assert all(v > 0 for v in lost.values())


def test_what_if_rescores_exactly(criteria, units) -> None:  # type: ignore[no-untyped-def]
    unit = units["so-tnmt-mau-2023"]
    result = what_if(criteria, unit, {"so_nhiem_vu_hoan_thanh": 36})
    assert result.gain == Decimal("0.75") == lost_points(result.before)["1.5"]
    assert result.after.total == result.before.total + result.gain
    assert "1.5" not in lost_points(result.after)
    assert unit.values["so_nhiem_vu_hoan_thanh"] == 35  # the submission itself is untouched


def test_what_if_places_the_unit_in_its_group(criteria, units) -> None:  # type: ignore[no-untyped-def]
    unit = units["ban-dan-toc-mau-2023"]
    others = list(units.values())
    before = standing(score(criteria, unit), criteria)
    assert before.band == "Nhóm II" and before.next_band == "Nhóm I"
    assert before.to_next is not None and before.to_next > 0
    assert before.margin is not None and before.margin >= 0
    result = what_if(criteria, unit, {"so_nhiem_vu_hoan_thanh": 12}, others)
    assert result.group_size == len(others)
    assert result.rank_before is not None and result.rank_after is not None
    assert result.rank_after <= result.rank_before


def test_what_if_with_a_group_naming_a_unit_twice_says_which_and_where(criteria, units) -> None:  # type: ignore[no-untyped-def]
    """A group giving a unit twice is refused before anything is ranked, and the problem
    names the unit and both places: the two files (as a folder read says), or, where the
    files cannot tell them apart (the same file twice, a submission made in memory), the
    two places in the group as given. The unit planned for may stand in it, even twice."""
    unit = units["ban-dan-toc-mau-2023"]
    peer, other = units["so-gtvt-mau-2023"], units["so-xay-dung-mau-2023"]
    made = Submission.model_validate(peer.model_dump())  # no file
    for group, first, later in (([other, peer, peer], 2, 3), ([made, other, made], 1, 3)):
        with pytest.raises(SubmissionError) as caught:
            what_if(criteria, unit, {}, group)
        [problem] = caught.value.problems
        assert problem.kind == "duplicate_unit" and problem.text == "so-gtvt-mau"
        assert f"hồ sơ thứ {first} và thứ {later}" in problem.message
        assert f"items {first} and {later}" in problem.message_en
    copy = load_submission(peer.source.file)
    assert copy.source.file == peer.source.file != other.source.file
    with pytest.raises(SubmissionError) as caught:
        what_if(criteria, unit, {}, [peer, other, copy])  # the same file read twice
    assert "thứ 1 và thứ 3" in caught.value.problems[0].message
    assert peer.source.file in caught.value.problems[0].message
    assert what_if(criteria, unit, {}, [unit, other, unit]).group_size == 2


def test_standing_at_the_top(criteria, units) -> None:  # type: ignore[no-untyped-def]
    top = standing(score(criteria, units["so-tnmt-mau-2023"]), criteria)
    assert (top.band, top.next_band, top.to_next) == ("Nhóm I", None, None)
    assert top.index is not None and top.band_floor == Decimal(90)
    report = score(criteria, units["so-tnmt-mau-2023"])
    assert top.margin == report.total - report.max_points * Decimal("0.9")


def test_province_view(criteria, units) -> None:  # type: ignore[no-untyped-def]
    reports = [score(criteria, u) for u in units.values()]
    worst = most_lost(reports, 3)
    assert len(worst) == 3 and worst[0][1] >= worst[1][1] >= worst[2][1]
    edges = boundaries(reports, criteria)
    assert [b.band for b in edges] == ["Nhóm I", "Nhóm II", "Nhóm III"]
    for edge in edges:
        assert all(d > 0 for _, d in edge.below) and all(d >= 0 for _, d in edge.above)
        assert [d for _, d in edge.below] == sorted(d for _, d in edge.below)


def test_effort_weights_are_data(tmp_path: Path) -> None:
    shipped = load_effort()
    assert shipped.provisional and shipped.of("yes_no") == 1
    assert shipped.of("count", Decimal(3)) == Decimal("1.5")
    bad = tmp_path / "effort.yaml"
    bad.write_text("weights: {yes_no: 0, date: muoi}\n", encoding="utf-8")
    with pytest.raises(PlanError) as caught:
        load_effort(bad)
    assert sorted(caught.value.kinds()) == ["invalid_value", "invalid_value"]
    assert all(p.line == 1 for p in caught.value.problems)
    bad.write_text("khac: 1\n", encoding="utf-8")
    with pytest.raises(PlanError, match="weights"):
        load_effort(bad)

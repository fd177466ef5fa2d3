"""Province results: the one ranking on final indices (appraised where appraised), movement."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from parindex import load_criteria, load_submission, rank, score_many
from parindex.frames import exact
from parindex.results import ProvinceResults, province_results
from parindex.submission import Submission

ROOT = Path(__file__).resolve().parent.parent
SET_2023 = ROOT / "criteria" / "namdinh-stnmt-2023.yaml"


@pytest.fixture(scope="module")
def samples() -> list[Submission]:
    return [load_submission(p) for p in sorted((ROOT / "evidence").glob("*-2023.yaml"))]


@pytest.fixture(scope="module")
def results(samples: list[Submission]) -> ProvinceResults:
    return province_results(load_criteria(SET_2023), samples)


def test_final_index_is_the_appraised_one_where_appraised(results: ProvinceResults) -> None:
    appraised = [r for r in results.rows if r.basis == "appraised"]
    assert appraised, "the samples include appraised units"
    for row in appraised:
        assert row.index == results.reviews[row.unit].appraised_index
    for row in results.rows:
        if row.basis == "computed":
            assert row.index == results.reviews[row.unit].report.index
    indices = [r.index for r in results.rows if r.index is not None]
    assert indices == sorted(indices, reverse=True)
    assert [r.rank for r in results.rows] == list(range(1, len(results.rows) + 1))


def test_ranking_is_the_one_ranking(samples: list[Submission]) -> None:
    """Without appraisals the order and ranks are parindex.rank's."""
    criteria = load_criteria(SET_2023)
    plain = [s.model_copy(update={"appraisals": []}) for s in samples]
    table = exact(rank(score_many(criteria, plain), criteria))
    rows = province_results(criteria, plain).rows
    assert [r.unit for r in rows] == list(table["unit"])
    assert [r.rank for r in rows] == list(table["rank"])
    assert all(r.basis == "computed" for r in rows)


def test_a_bad_submission_is_listed_and_does_not_block_the_others(
    samples: list[Submission],
) -> None:
    criteria = load_criteria(SET_2023)
    broken = samples[0].model_copy(update={"values": {"khong_co_so_lieu_nay": 1}})
    results = province_results(criteria, [broken, *samples[1:]])
    assert len(results.rows) == len(samples) - 1
    assert results.skipped and results.skipped[0].kind == "unknown_input"


def test_movement_against_the_previous_year(
    results: ProvinceResults, samples: list[Submission]
) -> None:
    criteria = load_criteria(SET_2023)
    current = province_results(criteria, samples, previous=results)
    for row in current.rows:
        assert row.previous_index == row.index and row.change == Decimal(0)
        assert row.previous_rank == row.rank
    frame = current.frame()
    assert frame["change"].dtype == "float64" and frame["exact:change"].iloc[0] == 0


def test_a_unit_given_twice_keeps_its_first_submission_and_reports_the_second(
    samples: list[Submission],
) -> None:
    """It used to stop the whole province with an AssertionError (one bad unit blocked all)."""
    criteria = load_criteria(SET_2023)
    unit = samples[0].unit.model_copy(update={"name": "Bản nộp lần hai"})
    again = samples[0].model_copy(update={"unit": unit})
    results = province_results(criteria, [*samples, again])
    assert sorted(r.unit for r in results.rows) == sorted(s.unit.id for s in samples)
    [row] = [r for r in results.rows if r.unit == unit.id]
    assert row.name == samples[0].unit.name != unit.name  # the first submission's row
    assert results.reviews[unit.id].unit_name == samples[0].unit.name
    [problem] = results.skipped
    assert problem.kind == "duplicate_unit" and problem.text == samples[0].unit.id
    assert samples[0].unit.id in problem.message and problem.file == again.source.file

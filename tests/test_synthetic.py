"""Synthetic units (parindex.synthetic): deterministic, labelled, typed, within every
constraint of both shipped sets, and spread over the classification bands."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from decimal import Decimal
from pathlib import Path

import pytest

import parindex
from parindex import CriteriaSet, check_submission, load_criteria, review, score
from parindex.criteria import InputType
from parindex.errors import SyntheticError
from parindex.synthetic import SYNTHETIC_MARK, units
from parindex.testing._rules import dues_of

ROOT = Path(__file__).resolve().parent.parent
SETS = {
    "2023": ROOT / "criteria" / "namdinh-stnmt-2023.yaml",
    "2021": ROOT / "criteria" / "quangbinh-stnmt-2021.yaml",
}


@pytest.fixture(scope="module", params=sorted(SETS))
def criteria(request: pytest.FixtureRequest) -> CriteriaSet:
    return load_criteria(SETS[request.param])


def test_submodule_is_reachable_from_the_package() -> None:
    assert parindex.synthetic.units is units


def test_same_seed_same_units_other_seed_other_units(criteria: CriteriaSet) -> None:
    first = units(criteria, 20, seed=11)
    again = units(criteria, 20, seed=11)
    other = units(criteria, 20, seed=12)
    assert [s.model_dump() for s in first] == [s.model_dump() for s in again]
    assert [s.model_dump() for s in first] != [s.model_dump() for s in other]


@pytest.mark.parametrize("n", [0, 1, 7])
def test_n_units_with_synthetic_ids(criteria: CriteriaSet, n: int) -> None:
    batch = units(criteria, n, seed=1)
    assert len(batch) == n
    assert [s.unit.id for s in batch] == [f"syn-{i:04d}" for i in range(1, n + 1)]


def test_negative_n_or_bad_rate_is_refused(criteria: CriteriaSet) -> None:
    with pytest.raises(ValueError):
        units(criteria, -1)
    with pytest.raises(ValueError):
        units(criteria, 1, missing_rate=1.5)


def test_every_unit_is_labelled_synthetic_in_every_output(criteria: CriteriaSet) -> None:
    for submission in units(criteria, 5, seed=3):
        assert submission.synthetic is True and submission.sample is False
        assert submission.unit.name.endswith("(dữ liệu tổng hợp)")
        assert submission.note is not None and SYNTHETIC_MARK in submission.note
        assert submission.criteria == criteria.id and submission.year == criteria.year
        assert submission.unit.level in criteria.levels
        report = score(criteria, submission)
        assert report.unit.synthetic is True
        assert '"synthetic": true' in submission.model_dump_json(indent=1)
        assert report.unit.name.endswith("(dữ liệu tổng hợp)")


def test_five_hundred_units_pass_every_constraint(criteria: CriteriaSet) -> None:
    inputs = {i.name: i for i in criteria.inputs}
    survey = {n.code for n in criteria.walk() if n.rule is not None and n.rule.kind == "survey"}
    for submission in units(criteria, 500, seed=2024):
        checked = check_submission(criteria, submission)  # raises on any violation
        assert set(submission.values) == set(inputs), "complete units by default"
        assert set(submission.survey) == survey
        for code, points in submission.survey.items():
            assert Decimal(0) <= points <= criteria.node(code).max_points
            assert points == points.quantize(criteria.precision)
        assert set(submission.unit.facts) == {f.name for f in criteria.facts}
        for name, raw in submission.values.items():
            kind = inputs[name].type
            if kind == InputType.YES_NO:
                assert isinstance(raw, bool)
            elif kind == InputType.DATE:
                assert raw is False or type(raw) is dt.date
            elif kind == InputType.ENUM:
                assert raw in (inputs[name].choices or {})
            else:
                assert isinstance(raw, Decimal) and not isinstance(raw, bool)
                if kind == InputType.COUNT:
                    assert raw == raw.to_integral() and raw >= 0
            assert checked.values[name] == raw


def test_scores_spread_over_the_bands(criteria: CriteriaSet) -> None:
    reports = [score(criteria, s) for s in units(criteria, 300, seed=5)]
    bands = Counter(r.band for r in reports)
    labels = [band.label for band in criteria.classification]
    for label in labels:
        assert bands[label] >= 300 * 0.05, (label, bands)
    indices = [r.index for r in reports if r.index is not None]
    assert len(indices) == 300
    assert max(indices) < 100, "nobody is perfect in a plausible province"
    assert min(indices) > 30
    # Most units do well: the median sits in the upper half of the scale.
    assert sorted(indices)[150] > 70


def test_dates_mostly_on_time_with_a_late_tail() -> None:
    criteria = load_criteria(SETS["2023"])
    dues = {
        value.root.name: due
        for node in criteria.compiled.leaves()
        for value, due in zip(node.expressions, dues_of(node), strict=False)
        if hasattr(value.root, "name")
    }
    on_time = late = not_done = 0
    for submission in units(criteria, 400, seed=9):
        for name, due in dues.items():
            day = submission.values[name]
            if day is False:
                not_done += 1
            elif day <= due:
                on_time += 1
            else:
                late += 1
    total = on_time + late + not_done
    assert 0.7 < on_time / total < 0.97
    assert late > 0


def test_facts_mostly_true_some_false(criteria: CriteriaSet) -> None:
    batch = units(criteria, 400, seed=4)
    for fact in criteria.facts:
        share = sum(s.unit.facts[fact.name] for s in batch) / len(batch)
        assert 0.7 < share < 0.97, (fact.name, share)


def test_missing_rate_leaves_values_out_as_missing_not_zero(criteria: CriteriaSet) -> None:
    batch = units(criteria, 30, seed=8, missing_rate=0.05)
    declared = {i.name for i in criteria.inputs}
    assert any(set(s.values) != declared for s in batch)
    reports = [score(criteria, s) for s in batch]
    assert any(not r.complete for r in reports)


def test_self_scores_exercise_review(criteria: CriteriaSet) -> None:
    batch = units(criteria, 20, seed=6, self_scores=True, overclaim_rate=0.2)
    assert all(s.self_scores for s in batch)
    findings = sum(len(review(criteria, s).findings) for s in batch)
    assert findings > 0
    honest = units(criteria, 3, seed=6, self_scores=True, overclaim_rate=0)
    for submission in honest:
        report = score(criteria, submission)
        for code, claimed in submission.self_scores.items():
            assert claimed.points == report.node(code).points


def test_unsupported_constraint_shape_is_a_clear_error() -> None:
    criteria = load_criteria(SETS["2023"])
    data = criteria.model_dump(mode="json")
    data["constraints"] = [
        {"rule": "so_nhiem_vu_hoan_thanh * 2 <= so_nhiem_vu_duoc_giao", "message": "x"}
    ]
    odd = CriteriaSet.model_validate(data)
    with pytest.raises(SyntheticError, match="so_nhiem_vu_hoan_thanh \\* 2"):
        units(odd, 1)


def test_self_scores_leave_a_penalty_taken_to_the_computation() -> None:
    mini = load_criteria(Path(__file__).parent / "data" / "mini.yaml")
    batch = units(mini, 50, seed=1, self_scores=True, overclaim_rate=0)
    taken = 0
    for submission in batch:
        report = score(mini, submission)
        for node in report.nodes:
            if node.points is not None and node.points < 0:
                taken += 1
                assert node.code not in submission.self_scores
        for code, claimed in submission.self_scores.items():
            assert claimed.points == report.node(code).points
    assert taken > 0

"""The sample units in evidence/ (DỮ LIỆU MẪU): they load, score on the real 2023 set,
are labelled as samples, exercise every rule kind and the edge cases, and keep the
report's invariants (parents sum their children, the total sums the areas, JSON round trip).
"""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from parindex import CriteriaSet, load_criteria, review, score
from parindex.criteria import Aggregation
from parindex.report import ScoreReport, Status
from parindex.submission import Submission, load_submission
from parindex.testing._rules import dues_of

ROOT = Path(__file__).resolve().parent.parent
CRITERIA = ROOT / "criteria" / "namdinh-stnmt-2023.yaml"
SAMPLES = sorted((ROOT / "evidence").glob("*-2023.yaml"))
SAMPLE_MARK = "DỮ LIỆU MẪU — không phải số liệu thật của đơn vị nào"
CLEAN_UNIT = "so-tnmt-mau"

# Hand-computed from each file's values and the rule texts of the 2023 set
# (the arithmetic is in the comments of each evidence file's header).
EXPECTED = {
    # unit id: (total, applicable maximum, index, band)
    "so-tnmt-mau": ("92.02", "100", "92.02", "Nhóm I"),
    "so-xay-dung-mau": ("74.94", "94.5", "79.30", "Nhóm III"),
    "ban-dan-toc-mau": ("62.35", "70.5", "88.44", "Nhóm II"),
    "so-ngoai-vu-mau": ("67.0", "100", "67.00", None),
    "so-cong-thuong-mau": ("90.49", "100", "90.49", "Nhóm I"),
    "so-gtvt-mau": ("91.84", "100", "91.84", "Nhóm I"),
}


@pytest.fixture(scope="module")
def criteria() -> CriteriaSet:
    return load_criteria(CRITERIA)


@pytest.fixture(scope="module")
def samples(criteria: CriteriaSet) -> dict[str, tuple[Submission, ScoreReport]]:
    loaded = {}
    for path in SAMPLES:
        submission = load_submission(path)
        loaded[path.stem] = (submission, score(criteria, submission))
    return loaded


def _by_unit(
    samples: dict[str, tuple[Submission, ScoreReport]], unit_id: str
) -> tuple[Submission, ScoreReport]:
    return next(s for s in samples.values() if s[0].unit.id == unit_id)


# --- loading and labelling -------------------------------------------------------------


def test_there_are_at_least_five_samples() -> None:
    assert len(SAMPLES) >= 5


@pytest.mark.parametrize("path", SAMPLES, ids=[p.stem for p in SAMPLES])
def test_sample_loads_scores_and_is_labelled(path: Path, criteria: CriteriaSet) -> None:
    submission = load_submission(path)
    report = score(criteria, submission)
    assert submission.criteria == criteria.id == "namdinh-stnmt-2023"
    assert submission.year == 2023
    assert submission.sample is True
    assert report.unit.sample is True
    assert submission.note is not None and SAMPLE_MARK in submission.note
    first_line = path.read_text(encoding="utf-8").splitlines()[0]
    assert first_line.startswith("#") and SAMPLE_MARK in first_line
    assert "(mẫu)" in submission.unit.name
    assert submission.unit.id.endswith("-mau")
    assert path.stem == f"{submission.unit.id}-2023"
    assert report.index is not None
    assert submission.documents, "every sample cites evidence documents"


@pytest.mark.parametrize("unit_id", sorted(EXPECTED))
def test_hand_computed_totals(
    unit_id: str, samples: dict[str, tuple[Submission, ScoreReport]]
) -> None:
    _, report = _by_unit(samples, unit_id)
    total, maximum, index, band = EXPECTED[unit_id]
    assert report.total == Decimal(total)
    assert report.max_points == Decimal(maximum)
    assert report.index == Decimal(index)
    assert report.band == band


# --- every rule kind is exercised --------------------------------------------------------


def test_every_rule_kind_is_scored(
    criteria: CriteriaSet, samples: dict[str, tuple[Submission, ScoreReport]]
) -> None:
    kinds = {node.rule.kind for node in criteria.walk() if node.rule is not None}
    scored = {
        node.rule
        for _, report in samples.values()
        for node in report.nodes
        if node.status == Status.SCORED and node.rule is not None
    }
    assert kinds - {"survey"} <= scored, kinds - scored
    surveyed = [
        report.node("XHH")
        for _, report in samples.values()
        if report.node("XHH").status == Status.SURVEY and report.node("XHH").points is not None
    ]
    assert surveyed, "no sample has a survey result"


def test_deadlines_single_and_quarterly_and_max_aggregation(
    criteria: CriteriaSet, samples: dict[str, tuple[Submission, ScoreReport]]
) -> None:
    compiled = criteria.compiled
    single = {c for c, n in compiled.nodes.items() if n.node.rule and len(dues_of(n)) == 1}
    quarterly = {c for c, n in compiled.nodes.items() if n.node.rule and len(dues_of(n)) == 4}
    maxed = {c for c, n in compiled.nodes.items() if n.node.aggregation == Aggregation.MAX}
    assert single and quarterly and maxed
    for codes in (single, quarterly, maxed):
        assert any(
            report.node(code).status == Status.SCORED
            for _, report in samples.values()
            for code in codes
        )
    # 1.4.2 takes the best alternative, not the sum.
    for _, report in samples.values():
        node = report.node("1.4.2")
        if node.status == Status.SCORED:
            children = [c.points for c in report.children("1.4.2") if c.points is not None]
            assert node.points == max(children)


# --- edge cases ----------------------------------------------------------------------------


def test_unit_without_public_service_units(
    samples: dict[str, tuple[Submission, ScoreReport]],
) -> None:
    without = [(s, r) for s, r in samples.values() if s.unit.facts.get("co_dvsncl") is False]
    assert without
    for _, report in without:
        for code in ("4.1.3", "4.4", "4.4.1", "5.1.3", "5.1.4", "5.2.1", "6.4", "6.4.4"):
            node = report.node(code)
            assert node.status == Status.NOT_APPLICABLE, code
            assert node.points is None and node.max_points == 0
        assert "ĐVSNCL" in report.node("4.1.3").explanation
        assert report.node("4").max_points == Decimal("4")  # 6 − 0,5 − 1,5


def test_unit_without_administrative_procedures(
    samples: dict[str, tuple[Submission, ScoreReport]],
) -> None:
    without = [(s, r) for s, r in samples.values() if s.unit.facts.get("co_tthc") is False]
    assert without
    for submission, report in without:
        area = report.node("3")
        assert area.status == Status.NOT_APPLICABLE
        assert area.points is None and area.max_points == 0
        assert all(
            report.node(n.code).status == Status.NOT_APPLICABLE
            for n in report.nodes
            if n.code.startswith("3.")
        )
        assert report.node("7.2").status == Status.NOT_APPLICABLE
        assert "3" not in [a.code for a in report.areas if a.status == Status.SCORED]
        lost = Decimal(24) + (Decimal("5.5") if not submission.unit.facts["co_dvsncl"] else 0)
        assert report.max_points == Decimal(100) - lost


def test_zero_dossiers_received(samples: dict[str, tuple[Submission, ScoreReport]]) -> None:
    zero = [(s, r) for s, r in samples.values() if s.values.get("ho_so_tiep_nhan") == 0]
    assert zero
    for _, report in zero:
        # percent(…, 0, 100): no dossier counts as 100% (the set's when_zero choice)
        assert report.node("3.6.2").status == Status.SCORED
        assert report.node("3.6.2").points == Decimal(3)
        assert report.node("3.8.1").points == Decimal(1)


def test_missing_metric_is_missing_not_zero(
    samples: dict[str, tuple[Submission, ScoreReport]],
) -> None:
    found = False
    for _, report in samples.values():
        for node in report.nodes:
            if node.status != Status.MISSING_INPUT:
                continue
            found = True
            assert node.points is None
            assert node.undetermined_points == node.declared_max
            listed = {m.name for m in report.missing_inputs}
            assert set(node.missing) <= listed
            assert "thiếu số liệu" in node.explanation
    assert found, "no sample leaves an input out"


def test_survey_left_out_for_one_unit(samples: dict[str, tuple[Submission, ScoreReport]]) -> None:
    without = [(s, r) for s, r in samples.values() if not s.survey]
    assert len(without) == 1
    _, report = without[0]
    assert report.node("XHH").points is None
    assert "survey" in {m.name for m in report.missing_inputs}
    assert not report.complete
    assert report.band is None  # 30 undetermined points could change the group
    assert len(without) < len(samples)


def test_late_quarterly_report(
    criteria: CriteriaSet, samples: dict[str, tuple[Submission, ScoreReport]]
) -> None:
    quarterly = [c for c, n in criteria.compiled.nodes.items() if len(dues_of(n)) == 4]
    late = [
        report.node(code)
        for _, report in samples.values()
        for code in quarterly
        if "trễ hạn" in report.node(code).explanation
    ]
    assert late
    assert all(node.points == 0 for node in late)  # scoring: all


def test_over_claimed_self_score(samples: dict[str, tuple[Submission, ScoreReport]]) -> None:
    over = [
        (code, claimed.points, report.node(code).points)
        for submission, report in samples.values()
        for code, claimed in submission.self_scores.items()
        if report.node(code).points is not None and claimed.points > report.node(code).points
    ]
    assert over
    explained = [
        code
        for submission, report in samples.values()
        for code, claimed in submission.self_scores.items()
        if report.node(code).points is not None
        and claimed.points > report.node(code).points
        and claimed.explanation
    ]
    assert explained, "an over-claim comes with the unit's explanation (giải trình)"


def test_documents_cite_sections(samples: dict[str, tuple[Submission, ScoreReport]]) -> None:
    documents = [d for s, _ in samples.values() for d in s.all_documents()]
    assert any(d.part_of_larger and d.section for d in documents)
    assert any(d.part_of_larger and not d.section for d in documents)
    for document in documents:
        assert document.kind and document.title and document.supports
        assert document.date is not None


def test_two_appraisal_rounds(samples: dict[str, tuple[Submission, ScoreReport]]) -> None:
    appraised = [s for s, _ in samples.values() if len(s.appraisals) >= 2]
    assert appraised
    submission = appraised[0]
    first, second = submission.appraisals[0], submission.appraisals[1]
    assert (first.round, second.round) == (1, 2)
    assert first.unit_response and first.added_documents
    changed = [
        code
        for code, entry in second.scores.items()
        if code in first.scores and first.scores[code].points != entry.points
    ]
    assert changed
    assert all(code in first.unit_response for code in changed)
    assert all(entry.note for a in submission.appraisals for entry in a.scores.values())


def test_clean_unit(
    criteria: CriteriaSet, samples: dict[str, tuple[Submission, ScoreReport]]
) -> None:
    submission, report = _by_unit(samples, CLEAN_UNIT)
    assert report.complete and not report.missing_inputs
    leaves = [n for n in report.nodes if n.rule not in (None, "survey")]
    applicable = [n for n in leaves if n.status != Status.NOT_APPLICABLE]
    assert {n.code for n in applicable} == set(submission.self_scores)
    for node in applicable:
        assert submission.self_scores[node.code].points == node.points, node.code
        assert not node.evidence_missing, node.code
    for document in submission.documents:
        assert not document.part_of_larger or document.section
    assert review(criteria, submission).findings == []


# --- invariants ----------------------------------------------------------------------------


@pytest.mark.parametrize("path", SAMPLES, ids=[p.stem for p in SAMPLES])
def test_sum_invariants(path: Path, criteria: CriteriaSet) -> None:
    report = score(criteria, load_submission(path))
    compiled = criteria.compiled
    for node in report.nodes:
        children = report.children(node.code)
        if not children or any(c.rule in ("bonus", "penalty") for c in children):
            continue
        if node.status == Status.NOT_APPLICABLE:
            assert all(c.status == Status.NOT_APPLICABLE for c in children), node.code
            continue
        determined = [c.points for c in children if c.points is not None]
        if node.status == Status.MISSING_INPUT:
            assert node.points is None and not determined, node.code
            continue
        aggregation = compiled.nodes[node.code].node.aggregation
        expected = max(determined) if aggregation == Aggregation.MAX else sum(determined)
        assert node.points == expected, (node.code, node.points, determined)
        applicable = [c for c in children if c.status != Status.NOT_APPLICABLE]
        if aggregation == Aggregation.MAX:
            assert node.max_points == max(c.max_points for c in applicable), node.code
        else:
            assert node.max_points == sum(c.max_points for c in applicable), node.code
    areas = report.areas
    assert report.total == sum((a.points for a in areas if a.points is not None), Decimal(0))
    assert report.max_points == sum((a.max_points for a in areas), Decimal(0))


@pytest.mark.parametrize("path", SAMPLES, ids=[p.stem for p in SAMPLES])
def test_json_round_trip(path: Path, criteria: CriteriaSet) -> None:
    report = score(criteria, load_submission(path))
    again = ScoreReport.model_validate_json(report.to_json())
    assert again == report
    assert again.to_json() == report.to_json()


# --- regressions: bugs the samples found -------------------------------------------------


def test_undetermined_points_propagate(samples: dict[str, tuple[Submission, ScoreReport]]) -> None:
    _, report = _by_unit(samples, "so-cong-thuong-mau")
    assert report.node("7.2.3").status == Status.MISSING_INPUT
    assert report.node("7.2").undetermined_points == Decimal(1)
    assert report.node("7").status == Status.PARTIAL
    assert report.node("7").undetermined_points == Decimal(1)
    assert report.undetermined_points == Decimal(1)
    assert not report.complete


def test_appraised_column_keeps_parent_self_scores(
    criteria: CriteriaSet, samples: dict[str, tuple[Submission, ScoreReport]]
) -> None:
    submission, report = _by_unit(samples, "so-gtvt-mau")
    result = review(criteria, submission)
    # Round 2 restores 1.4.2, 3.7.5 and 5.7.3; round 1 keeps 2.3.3 at 0 (self 0,5):
    # appraised total = self total 92,34 − 0,5 = 91,84 = the computed total.
    area4 = next(a for a in result.summary if a.code == "4")
    assert area4.appraised_score == Decimal(6)  # self-scored "4": 6, never re-scored
    assert result.appraised_index == report.index

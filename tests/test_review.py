"""Appraisal review on the real 2023 set: one test per finding kind, and a clean unit."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from parindex import CriteriaSet, Review, Severity, load_criteria, review
from parindex.loader import SourceMap
from parindex.report import Status
from parindex.submission import AppraisedScore, SelfScore, Submission, parse_submission

ROOT = Path(__file__).resolve().parent.parent

PLAN = {
    "id": "kh",
    "kind": "Kế hoạch",
    "number": "215/KH-STNMT",
    "date": "28/12/2022",
    "title": "Kế hoạch CCHC năm 2023",
    "supports": ["1.1"],
}


@pytest.fixture(scope="module")
def criteria() -> CriteriaSet:
    return load_criteria(ROOT / "criteria" / "namdinh-stnmt-2023.yaml")


def run(criteria: CriteriaSet, **parts: Any) -> Review:
    data: dict[str, Any] = {
        "format": "parindex.submission/1",
        "criteria": "namdinh-stnmt-2023",
        "year": 2023,
        "unit": {
            "id": "u",
            "name": "Đơn vị thử",
            "level": "so",
            "facts": {"co_dvsncl": True, "co_tthc": True},
        },
        "values": {
            "ngay_ban_hanh_ke_hoach_cchc": "28/12/2022",
            "so_nhiem_vu_duoc_giao": 20,
            "so_nhiem_vu_hoan_thanh": 17,
        },
        "documents": [PLAN],
        **parts,
    }
    if "facts" in parts:
        data["unit"]["facts"] = data.pop("facts")
    return review(criteria, parse_submission(data, SourceMap("<test>", data, {})))


def kinds(result: Review, code: str) -> set[str]:
    return {f.code for f in result.findings if f.criterion == code}


def test_over_claimed(criteria: CriteriaSet) -> None:
    # 17/20 = 85% is "từ 80% đến dưới 100%": the unit claims the full 1,5.
    result = run(criteria, self_scores={"1.5": {"points": "1,5", "explanation": "đủ"}})
    finding = next(f for f in result.findings if f.code == "over_claimed")
    assert finding.criterion == "1.5"
    assert finding.severity == Severity.ERROR
    assert finding.self_score == Decimal("1.5")
    assert finding.computed_score is not None and finding.computed_score < Decimal("1.5")
    assert "cao hơn điểm tính theo số liệu" in finding.message
    assert "85" in finding.message


def test_under_claimed(criteria: CriteriaSet) -> None:
    result = run(criteria, self_scores={"1.1": {"points": 0, "explanation": "khiêm tốn"}})
    assert "under_claimed" in kinds(result, "1.1")


def test_above_max_self_and_appraised(criteria: CriteriaSet) -> None:
    result = run(
        criteria,
        self_scores={"1.1": {"points": 5, "explanation": "x"}},
        appraisals=[{"round": 1, "scores": {"1.1": {"points": 4, "note": "?"}}}],
    )
    above = [f for f in result.findings if f.code == "above_max"]
    assert {f.round for f in above} == {None, 1}


def test_scored_not_applicable(criteria: CriteriaSet) -> None:
    result = run(
        criteria,
        facts={"co_dvsncl": False, "co_tthc": True},
        self_scores={"4.1.3": {"points": "0,5", "explanation": "x"}},
    )
    assert "scored_not_applicable" in kinds(result, "4.1.3")


def test_survey_self_scored(criteria: CriteriaSet) -> None:
    result = run(criteria, self_scores={"XHH": {"points": 25}})
    assert "survey_self_scored" in kinds(result, "XHH")


def test_no_evidence_no_explanation(criteria: CriteriaSet) -> None:
    values = {"ngay_ban_hanh_ke_hoach_cchc": "28/12/2022", "vbhc_dung_tham_quyen": True}
    result = run(criteria, values=values, self_scores={"2.2.2.a": {"points": "0,5"}})
    finding = next(f for f in result.findings if f.code == "no_evidence_no_explanation")
    assert "383/BNV-CCHC" in finding.message
    with_explanation = run(
        criteria, values=values, self_scores={"2.2.2.a": {"points": "0,5", "explanation": "Có"}}
    )
    assert "no_evidence_no_explanation" not in kinds(with_explanation, "2.2.2.a")


def test_section_not_cited(criteria: CriteriaSet) -> None:
    report = {
        "id": "bc",
        "kind": "Báo cáo",
        "date": "10/12/2023",
        "title": "Báo cáo năm",
        "supports": ["1.5"],
        "part_of_larger": True,
    }
    result = run(criteria, documents=[PLAN, report])
    assert "section_not_cited" in kinds(result, "1.5")
    cited = run(criteria, documents=[PLAN, {**report, "section": "Mục II, trang 4"}])
    assert "section_not_cited" not in kinds(cited, "1.5")


def test_evidence_outside_year_and_after_deadline(criteria: CriteriaSet) -> None:
    old = {
        "id": "old",
        "kind": "Báo cáo",
        "date": "10/12/2021",
        "title": "Báo cáo cũ",
        "supports": ["1.5"],
    }
    late_plan = {**PLAN, "id": "kh2", "date": "05/01/2023"}
    result = run(criteria, documents=[PLAN, old, late_plan])
    assert "evidence_outside_year" in kinds(result, "1.5")
    assert "evidence_after_deadline" in kinds(result, "1.1")
    # the plan dated 28/12/2022 is before its deadline 31/12/2022: not outside the year
    assert not any(f.evidence == ["kh"] for f in result.findings)


def test_evidence_expected_missing(criteria: CriteriaSet) -> None:
    result = run(
        criteria, documents=[], self_scores={"1.1": {"points": 1, "explanation": "Đã ban hành"}}
    )
    finding = next(f for f in result.findings if f.code == "evidence_expected_missing")
    assert "Kế hoạch CCHC năm 2023" in finding.message


def test_computed_undetermined(criteria: CriteriaSet) -> None:
    result = run(criteria, self_scores={"1.3.1": {"points": 1, "explanation": "x"}})
    finding = next(f for f in result.findings if f.code == "computed_undetermined")
    # The missing input is named by its label, never by its code (issue 16).
    assert "Tổng số phòng và đơn vị trực thuộc Sở" in finding.message
    assert "so_don_vi_truc_thuoc" not in finding.message
    assert finding.computed_score is None


def test_appraisal_rounds_and_notes(criteria: CriteriaSet) -> None:
    rounds = [
        {"round": 1, "scores": {"1.1": {"points": 0}}, "unit_response": {"1.1": "Đã nộp"}},
        {"round": 2, "scores": {"1.1": {"points": 1, "note": "Đủ TLKC sau giải trình"}}},
    ]
    result = run(
        criteria, self_scores={"1.1": {"points": 1, "explanation": "x"}}, appraisals=rounds
    )
    assert "appraisal_without_note" in kinds(result, "1.1")  # round 1 gave 0 without a note
    history = result.history["1.1"]
    assert [(h.round, h.points) for h in history] == [(1, Decimal(0)), (2, Decimal(1))]
    assert history[0].unit_response == "Đã nộp"
    assert result.final_scores["1.1"] == Decimal(1)


def test_the_rounds_made_without_validating_are_the_careful_ones(criteria: CriteriaSet) -> None:
    # RoundScore made from the submission's typed fields (no validator built) against
    # pydantic's: fields in order, fields set (a response given or not), digits, JSON.
    from parindex import engine
    from tests.test_engine_results import same

    rounds = [
        {"round": 1, "scores": {"1.1": {"points": "0.50"}, "1.2": {"points": 0, "note": "n"}}},
        {"round": 2, "scores": {"1.1": {"points": 1}}, "unit_response": {"1.1": "Đã nộp"}},
        {"round": 3, "scores": {"1.2": {"points": 1}}, "unit_response": {"1.1": "chưa chấm"}},
    ]
    usual = run(criteria, appraisals=rounds)
    engine._CAREFUL = True
    try:
        careful = run(criteria, appraisals=rounds)
    finally:
        engine._CAREFUL = False
    same(usual.history, careful.history, "history")
    assert usual.to_json() == careful.to_json()
    assert usual.history["1.1"][1].model_fields_set == {"round", "points", "note", "unit_response"}
    assert usual.history["1.1"][0].model_fields_set == {"round", "points", "note"}
    assert usual.history["1.1"][0].points == Decimal("0.50")
    assert "chưa chấm" not in usual.to_json()  # a response to a criterion the round left


def test_clean_unit_has_no_findings(criteria: CriteriaSet) -> None:
    values = {"ngay_ban_hanh_ke_hoach_cchc": "28/12/2022"}
    result = run(
        criteria,
        values=values,
        self_scores={"1.1": {"points": 1, "explanation": "Ban hành ngày 28/12/2022"}},
    )
    assert [f for f in result.findings if f.code != "not_self_scored"] == []
    # the unit scored only 1.1: everything else it left unscored is listed, as info only
    assert all(f.severity == Severity.INFO for f in result.findings)


def test_summary_columns(criteria: CriteriaSet) -> None:
    result = run(
        criteria,
        self_scores={"1.1": {"points": 1, "explanation": "x"}},
        appraisals=[{"round": 1, "scores": {"1.1": {"points": 1}}}],
    )
    total = result.summary[-1]
    assert total.code == "TỔNG"
    assert total.self_score == Decimal(1)
    assert total.appraised_score == Decimal(1)
    assert result.self_index == Decimal("1.00")
    frame = result.findings_frame()
    assert list(frame.columns)[:3] == ["code", "severity", "criterion"]


def test_sample_with_every_finding_kind(criteria: CriteriaSet) -> None:
    from parindex import load_submission

    sample = load_submission(ROOT / "evidence" / "so-tu-phap-mau-2023.yaml")
    found = {f.code for f in review(criteria, sample).findings}
    assert found >= {
        "over_claimed",
        "under_claimed",
        "above_max",
        "scored_not_applicable",
        "survey_self_scored",
        "no_evidence_no_explanation",
        "section_not_cited",
        "evidence_outside_year",
        "evidence_after_deadline",
        "evidence_expected_missing",
        "computed_undetermined",
        "appraisal_without_note",
    }


@pytest.mark.parametrize(
    "rounds",
    [
        [{"round": 1, "scores": {}}],  # a round that scored nothing
        [{"round": 1, "scores": {"4.1.3": {"points": 0}}}],  # only a criterion that does not apply
    ],
)
def test_a_round_scoring_nothing_that_applies_gives_no_appraised_total(
    criteria: CriteriaSet, rounds: list[dict[str, Any]]
) -> None:
    """An appraised total made only of the unit's own scores would rank the unit on its
    self-assessment: the unit stays unappraised (as on the score sheet), the round is kept."""
    result = run(
        criteria,
        facts={"co_dvsncl": False, "co_tthc": True},
        self_scores={"1.1": {"points": 1, "explanation": "x"}},
        appraisals=rounds,
    )
    assert result.appraised_index is None
    assert all(area.appraised_score is None for area in result.summary)
    assert result.node_appraised == {}
    assert result.self_index is not None
    for code in rounds[0]["scores"]:
        assert [h.round for h in result.history[code]] == [1]


def test_a_round_scoring_one_criterion_that_applies_keeps_the_others_self_scores(
    criteria: CriteriaSet,
) -> None:
    result = run(
        criteria,
        facts={"co_dvsncl": False, "co_tthc": True},
        self_scores={"1.1": {"points": 1, "explanation": "x"}, "1.5": {"points": "0,5"}},
        appraisals=[{"round": 1, "scores": {"4.1.3": {"points": 0}, "1.1": {"points": 1}}}],
    )
    assert result.summary[-1].appraised_score == result.summary[-1].self_score
    assert result.appraised_index == result.self_index


SAYS_SELF_SCORE = frozenset(
    (
        "survey_self_scored",
        "scored_not_applicable",
        "above_max",
        "computed_undetermined",
        "over_claimed",
        "under_claimed",
        "no_evidence_no_explanation",
    )
)
"""The findings whose words give the self-score (a round's findings give the round's)."""


def test_english_findings_write_points_and_dates_as_every_output_does(
    criteria: CriteriaSet,
) -> None:
    """``message_en`` shows points as :func:`~parindex.report.format_points` writes them
    (``0,0``, as the English explanations inside it do) and dates ``dd/mm/yyyy``: never
    ``0.00`` or ``2023-02-02``, and never a Vietnamese word of parindex's own."""
    import re

    from parindex import load_submission
    from parindex.report import format_points

    result = review(criteria, load_submission(ROOT / "evidence" / "so-tu-phap-mau-2023.yaml"))
    for finding in result.findings:
        words = finding.message_en.split(": ", 1)[1]
        assert not re.search(r"\d{4}-\d\d-\d\d", words), finding.message_en
        for number in re.findall(r"(?:score|scored|maximum|computed)\s+\(?([\d.,]+)", words):
            assert "." not in number, finding.message_en
        if finding.code in SAYS_SELF_SCORE and finding.round is None:
            assert format_points(finding.self_score) in words, finding.message_en
        assert "một phần" not in words
    over = next(f for f in result.findings if f.code == "over_claimed" and f.criterion == "1.3.1")
    assert "self-score 1,0 above the computed 0,0 (" in over.message_en
    late = next(f for f in result.findings if f.code == "evidence_after_deadline")
    assert "dated 02/02/2023, after the criterion's deadline 31/01/2023" in late.message_en
    unnoted = next(f for f in result.findings if f.code == "appraisal_without_note")
    assert re.search(
        r"appraised score \(\d+,\d+\) differs from the computed score \(\d+,\d+\)",
        unnoted.message_en,
    )


def test_reviews_sharing_results_share_the_findings_of_equal_inputs(
    criteria: CriteriaSet,
) -> None:
    # With ``share`` a finding is the very object an earlier review made from the same node
    # result, self-score digits, appraised score, explanation or document: each variant below
    # changes one of those and must get the careful review's findings, field by field.
    from parindex import engine, load_submission
    from tests.test_engine_results import same

    sample = load_submission(ROOT / "evidence" / "so-tu-phap-mau-2023.yaml")
    base = review(criteria, sample)
    scores, claims = sample.self_scores, [f for f in base.findings if f.self_score is not None]
    bare = next(  # no evidence: an explanation decides a finding
        n
        for n in base.report.nodes
        if n.rule is not None and n.status == Status.SCORED and n.declared_max and not n.evidence
    )
    cited = next(f.evidence[0] for f in claims if f.evidence)
    some = next(f.criterion for f in claims if f.code == "over_claimed")
    dated = next(d for d in sample.documents if d.date is not None)
    assert dated.date is not None
    later = sample.appraisals[-1]

    def document(**update: object) -> Submission:
        kept = [d.model_copy(update=update) if d is dated else d for d in sample.documents]
        return sample.model_copy(update={"documents": kept})

    def scored(code: str, **update: object) -> Submission:
        changed = scores[code].model_copy(update=update)
        return sample.model_copy(update={"self_scores": scores | {code: changed}})

    def explained(text: str) -> Submission:
        claim = SelfScore(points=bare.declared_max, explanation=text)
        return sample.model_copy(update={"self_scores": scores | {bare.code: claim}})

    def appraised(points: str) -> Submission:
        entry = AppraisedScore(points=Decimal(points), note="n")
        rounds = [
            a.model_copy(update={"scores": a.scores | {some: entry}}) if a is later else a
            for a in sample.appraisals
        ]
        return sample.model_copy(update={"appraisals": rounds})

    variants = [
        sample,
        explained("x"),
        explained(" "),  # the unit explained no more
        scored(some, points=scores[some].points + Decimal("0.00")),  # other digits
        document(date=dated.date.replace(year=2019)),
        document(part_of_larger=True, section=None),
        sample.model_copy(  # evidence of other nodes: their results made again
            update={"documents": [d for d in sample.documents if d.id != cited]}
        ),
        appraised("0.25"),  # the last round scores a self-scored criterion
        appraised("0.5"),
    ]
    for unit in [*variants, *variants]:  # the second time, findings shared
        usual = review(criteria, unit, share=True)
        engine._CAREFUL = True
        try:
            careful = review(criteria, unit)
        finally:
            engine._CAREFUL = False
        same(usual, careful, unit.unit.id)
    first, again = (review(criteria, sample, share=True) for _ in range(2))
    pairs = list(zip(first.findings, again.findings, strict=True))
    shared = [a for a, b in pairs if a.round is None]  # an appraisal round's: made each time
    assert shared and all(a is b for a, b in pairs if a.round is None)
    alone = review(criteria, sample)  # not sharing: findings of its own
    assert not any(a is b for a, b in zip(alone.findings, again.findings, strict=True))
    assert alone.findings == again.findings


def test_findings_shared_are_kept_for_each_result_of_a_node(criteria: CriteriaSet) -> None:
    # With ``share`` a self-score's findings are kept by the node's result itself: a unit
    # whose values give a node another result (with the same self-score) keeps findings of
    # its own beside the first unit's, and the first unit, reviewed again, gets its very
    # findings back (kept by the node's code alone, the second result took their place).
    from parindex import load_submission

    sample = load_submission(ROOT / "evidence" / "so-tu-phap-mau-2023.yaml")
    values = sample.values | {"so_don_vi_truc_thuoc": sample.values["so_don_vi_truc_thuoc"] + 1}
    other = sample.model_copy(update={"values": values})
    first = review(criteria, sample, share=True)
    between = review(criteria, other, share=True)
    again = review(criteria, sample, share=True)
    assert between.report.node("1.3.1") != first.report.node("1.3.1")
    assert again.report.node("1.3.1") is first.report.node("1.3.1")

    def claims(result: Review) -> list[object]:
        return [f for f in result.findings if f.criterion == "1.3.1" and f.round is None]

    assert claims(first) and claims(between)
    assert all(a is b for a, b in zip(claims(first), claims(again), strict=True))
    assert not any(a is b for a, b in zip(claims(first), claims(between), strict=True))

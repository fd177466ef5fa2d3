"""What a unit is ranked on, and what is not yet appraised (parindex.excel_layout)."""

from __future__ import annotations

from pathlib import Path

from parindex import load_criteria, load_submission, review
from parindex.excel_layout import final_index, not_appraised
from parindex.submission import Appraisal, AppraisedScore

ROOT = Path(__file__).resolve().parent.parent
SET_2023 = ROOT / "criteria" / "namdinh-stnmt-2023.yaml"


def test_final_index_is_the_appraised_one_where_appraised_else_the_computed_one() -> None:
    criteria = load_criteria(SET_2023)
    waiting = review(
        criteria,
        load_submission(ROOT / "evidence" / "so-tu-phap-mau-2023.yaml").model_copy(
            update={"appraisals": []}
        ),
    )
    assert waiting.self_index != waiting.report.index  # so the test tells them apart
    assert final_index(waiting) == (waiting.report.index, False)  # never the self index
    left = not_appraised(waiting)
    assert "1.1" in left and "XHH" not in left  # the survey is nobody's to appraise
    appraised = review(criteria, load_submission(ROOT / "evidence" / "so-gtvt-mau-2023.yaml"))
    assert final_index(appraised) == (appraised.appraised_index, True)
    assert not set(appraised.final_scores) & set(not_appraised(appraised))


def test_a_criterion_scored_at_its_own_level_appraises_its_parts() -> None:
    criteria = load_criteria(SET_2023)
    unit = load_submission(ROOT / "evidence" / "ban-dan-toc-mau-2023.yaml")
    parts = [c for c in criteria.compiled.children["1.3"]]
    scored = Appraisal(round=1, scores={"1.3": AppraisedScore(points=1)})
    left = not_appraised(review(criteria, unit.model_copy(update={"appraisals": [scored]})))
    assert "1.3" not in left and not set(parts) & set(left) and "1.1" in left

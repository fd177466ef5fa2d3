"""What a unit is ranked on, and what is not yet appraised (parindex.excel_layout)."""

from __future__ import annotations

import functools
from pathlib import Path
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from parindex import load_criteria, load_submission, review
from parindex.excel_layout import (
    HEADER_ROW,
    SheetLayout,
    SheetRow,
    final_band,
    final_index,
    layout,
    not_appraised,
)
from parindex.report import Status
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


def test_final_band_waits_for_undetermined_points_until_appraised() -> None:
    """Before any appraisal, the band is the report's: none while undetermined points could
    move the unit (Sở Ngoại vụ: 67,00 by rule, 30 points undetermined, is not 'Nhóm IV');
    once appraised, the appraised index's band."""
    from parindex.tree import classify

    criteria = load_criteria(SET_2023)
    waiting = review(criteria, load_submission(ROOT / "evidence" / "so-ngoai-vu-mau-2023.yaml"))
    assert waiting.appraised_index is None and waiting.report.index is not None
    level = waiting.report.unit.level
    assert classify(waiting.report.index, criteria.compiled, level) is not None  # tells apart
    assert waiting.report.band is None and final_band(waiting, criteria.compiled) is None
    appraised = review(criteria, load_submission(ROOT / "evidence" / "so-gtvt-mau-2023.yaml"))
    assert appraised.appraised_index is not None
    expected = classify(appraised.appraised_index, criteria.compiled, level)
    assert expected is not None and final_band(appraised, criteria.compiled) == expected


def test_a_criterion_scored_at_its_own_level_appraises_its_parts() -> None:
    criteria = load_criteria(SET_2023)
    unit = load_submission(ROOT / "evidence" / "ban-dan-toc-mau-2023.yaml")
    parts = [c for c in criteria.compiled.children["1.3"]]
    scored = Appraisal(round=1, scores={"1.3": AppraisedScore(points=1)})
    left = not_appraised(review(criteria, unit.model_copy(update={"appraisals": [scored]})))
    assert "1.3" not in left and not set(parts) & set(left) and "1.1" in left


def _careful_layout(criteria: Any, report: Any, submission: Any, round: int) -> SheetLayout:
    """The layout as it was made before the set's tree was kept (each row by the dataclass,
    each node's subtree found by walking the report)."""
    compiled = criteria.compiled
    scored_here = set(submission.self_scores) | {
        code for appraisal in submission.appraisals for code in appraisal.scores
    }
    survey = set(compiled.given_codes())
    nodes = report.nodes
    rows = []
    for position, result in enumerate(nodes):
        node = compiled.nodes[result.code]
        end = position + 1
        while end < len(nodes) and nodes[end].depth > result.depth:
            end += 1
        below = nodes[position + 1 : end]
        children = tuple(
            c.code for c in below if c.parent == result.code and c.status != Status.NOT_APPLICABLE
        )
        leaf = node.node.is_leaf
        rows.append(
            SheetRow(
                row=HEADER_ROW + 1 + position,
                result=result,
                title=result.title.upper() if result.kind == "area" else result.title,
                entry=leaf or result.code in scored_here,
                applicable=result.status != Status.NOT_APPLICABLE,
                survey=result.code in survey,
                counted=node.counts_in_max,
                aggregation=node.node.aggregation,
                leaf=leaf,
                children=() if leaf else children,
                below=tuple(c.code for c in below),
            )
        )
    return SheetLayout(
        rows=tuple(rows),
        round=round,
        areas=tuple(r.code for r in rows if r.result.parent is None and r.applicable),
        max_points=report.max_points,
        by_code={r.code: r for r in rows},
    )


def test_the_layout_is_the_one_made_row_by_row() -> None:
    criteria = load_criteria(SET_2023)
    for path in sorted((ROOT / "evidence").glob("*-2023.yaml")):
        unit = load_submission(path)
        scored = Appraisal(round=1, scores={"1.3": AppraisedScore(points=1)})
        for submission in (unit, unit.model_copy(update={"appraisals": [scored]})):
            report = review(criteria, submission).report
            for _ in range(2):  # the set's tree made, then kept
                made = layout(criteria, report, submission, 1)
                careful = _careful_layout(criteria, report, submission, 1)
                assert made == careful
                assert [r.__dict__ for r in made.rows] == [r.__dict__ for r in careful.rows]


def _careful_not_appraised(result: Any) -> list[str]:
    """:func:`not_appraised` as it was: each criterion's ancestors walked up one by one."""
    report, final = result.report, result.final_scores
    left = []
    for node in report.nodes:
        if node.rule is None or node.status in (Status.NOT_APPLICABLE, Status.SURVEY):
            continue
        code: str | None = node.code
        while code is not None and code not in final:
            code = report.node(code).parent
        if code is None:
            left.append(node.code)
    return left


@settings(max_examples=25, deadline=None)
@given(data=st.data())
def test_not_appraised_in_one_pass_is_the_ancestor_walk(data: Any) -> None:
    """What is not appraised, found in one pass over the tree (the ancestors' state kept by
    depth), is what walking up each criterion's ancestors finds: appraisals at any level."""
    criteria = _set()
    samples = sorted((ROOT / "evidence").glob("*-2023.yaml"))
    unit = load_submission(data.draw(st.sampled_from(samples)))
    codes = [n.code for n in criteria.walk()]
    rounds = []
    for round in range(1, data.draw(st.integers(1, 3))):
        given = data.draw(st.sets(st.sampled_from(codes), max_size=30))
        scores = {c: AppraisedScore(points=0) for c in sorted(given)}
        rounds.append(Appraisal(round=round, scores=scores))
    result = review(criteria, unit.model_copy(update={"appraisals": rounds}))
    assert not_appraised(result) == _careful_not_appraised(result)


@functools.cache
def _set() -> Any:
    return load_criteria(SET_2023)

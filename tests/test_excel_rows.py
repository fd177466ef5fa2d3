"""The importer's row reader: the grid a sheet is checked against is the export's layout."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from parindex import CriteriaSet, Submission, load_criteria, load_submission, score, synthetic
from parindex.excel_layout import layout, sheet_headers
from parindex.excel_rows import import_grid
from parindex.submission import Appraisal, AppraisedScore, SelfScore

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = sorted((ROOT / "evidence").glob("*-2023.yaml"))


@pytest.fixture(scope="module")
def criteria() -> CriteriaSet:
    return load_criteria(ROOT / "criteria" / "namdinh-stnmt-2023.yaml")


@pytest.fixture(scope="module")
def bases(criteria: CriteriaSet) -> list[Submission]:
    samples = [load_submission(p) for p in SAMPLES]
    return samples + synthetic.units(criteria, 6, seed=3, fact_rate=0.5, self_scores=True)


def _same_as_export(criteria: CriteriaSet, unit: Submission, round: int) -> None:
    exported = layout(criteria, score(criteria, unit), unit, round)
    grid = import_grid(criteria, unit, round)
    assert [(r.code, r.entry, r.declared_max, r.area) for r in grid.rows] == [
        (r.code, r.entry, r.result.declared_max, r.result.kind == "area") for r in exported.rows
    ]
    assert grid.index_row == exported.index_row
    assert grid.headers() == exported.headers() == sheet_headers(round)


@settings(max_examples=30, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_the_grid_is_the_exported_layout_without_scoring(
    criteria: CriteriaSet, bases: list[Submission], data: st.DataObject
) -> None:
    """Whatever the unit's facts (applicability) and wherever it or an appraiser scored
    (leaves, parents at their own level), the import's grid has the export's rows."""
    unit = data.draw(st.sampled_from(bases))
    codes = list(criteria.compiled.nodes)
    own = data.draw(st.lists(st.sampled_from(codes), max_size=8, unique=True))
    appraised = data.draw(st.lists(st.sampled_from(codes), max_size=8, unique=True))
    scores = dict(unit.self_scores)
    for code in own:
        scores[code] = SelfScore(points=criteria.compiled.nodes[code].node.max_points)
    rounds = list(unit.appraisals)
    if appraised:
        rounds.append(
            Appraisal(
                round=len(rounds) + 1,
                scores={c: AppraisedScore(points=criteria.node(c).max_points) for c in appraised},
            )
        )
    changed = unit.model_copy(update={"self_scores": scores, "appraisals": rounds})
    _same_as_export(criteria, changed, data.draw(st.integers(1, 3)))

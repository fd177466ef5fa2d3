"""The importer's row reader: the grid a sheet is checked against is the export's layout."""

from __future__ import annotations

from decimal import Decimal

import pytest
from _workbooks import SET_2023, appraisal, load_samples
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from parindex import CriteriaSet, Submission, load_criteria, score, synthetic
from parindex.excel_layout import layout, sheet_headers
from parindex.excel_read import Cell
from parindex.excel_rows import Reader, _plain_points, import_grid, read_points
from parindex.submission import SelfScore


@pytest.fixture(scope="module")
def criteria() -> CriteriaSet:
    return load_criteria(SET_2023)


@pytest.fixture(scope="module")
def bases(criteria: CriteriaSet) -> list[Submission]:
    return load_samples() + synthetic.units(criteria, 6, seed=3, fact_rate=0.5, self_scores=True)


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
        rounds.append(appraisal(criteria, len(rounds) + 1, appraised))
    changed = unit.model_copy(update={"self_scores": scores, "appraisals": rounds})
    _same_as_export(criteria, changed, data.draw(st.integers(1, 3)))


_NUMBER_TEXTS = st.one_of(
    st.floats(allow_nan=True, allow_infinity=True).map(repr),
    st.decimals(min_value=-3, max_value=12, places=3).map(str),
    st.integers(-5, 40).map(lambda n: repr(n * 0.05)),  # 0.30000000000000004 and the like
    st.sampled_from(["0.25", "-0", "1e308", "1e400", "nan", "abc", "", " 1", "0,5", "1E-9"]),
)


@given(_NUMBER_TEXTS, st.sampled_from(["0", "0.25", "0.5", "1", "2.75", "10"]))
@settings(suppress_health_check=[HealthCheck.function_scoped_fixture])
def test_plain_points_are_read_points_when_it_reports_nothing(
    criteria: CriteriaSet, text: str, top: str
) -> None:
    """A number cell's points taken without locating the cell (the import's fast path)
    are exactly read_points' when it reports nothing; whenever it reports (a problem,
    a warning above the maximum) or raises, the fast path gives ``None`` and defers."""
    reader = Reader(criteria, "f.xlsx")
    try:
        careful: object = read_points(
            reader, Cell(text, "n"), "'S'!G7", "1.1", Decimal(top), "điểm", "self"
        )
    except Exception as exc:  # the fast path must defer to it, whatever it is
        careful = type(exc)
    fast = _plain_points(text, Decimal(top), criteria.precision)
    quiet = isinstance(careful, Decimal) and not reader.problems and not reader.warnings
    assert (fast is not None) == quiet
    if quiet:
        assert fast == careful and str(fast) == str(careful)

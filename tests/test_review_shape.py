"""What a review reads of a unit's results alone, kept for the units given the very same
results: reviews reading a kept shape equal the careful review, field by field."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from parindex import engine, load_criteria, load_submission, review, synthetic
from parindex.review_shape import _SHAPES, MOST, candidates, shape_of, survey_of
from parindex.review_trees import facts
from parindex.submission import Appraisal, AppraisedScore, SelfScore, Submission
from tests.test_engine_results import same

ROOT = Path(__file__).resolve().parent.parent
SETS = {
    "2021": load_criteria(ROOT / "criteria" / "quangbinh-stnmt-2021.yaml"),
    "2023": load_criteria(ROOT / "criteria" / "namdinh-stnmt-2023.yaml"),
}


def careful(criteria: object, unit: Submission) -> object:
    engine._CAREFUL = True
    try:
        return review(criteria, unit)  # type: ignore[arg-type]
    finally:
        engine._CAREFUL = False


def variant(unit: Submission, number: int, criteria: object) -> Submission:
    """``unit`` with other self-scores (some lowered, some left out, one at a parent) and a
    round re-scoring a few criteria: the same values, so the same results when sharing."""
    codes = sorted(unit.self_scores)
    scores = {}
    for position, code in enumerate(codes):
        entry = unit.self_scores[code]
        if (position + number) % 7 == 0:
            continue  # left out: a not_self_scored finding, an unscored node
        lower = (position + number) % 3 == 0 and entry.points >= Decimal("0.25")
        scores[code] = entry.model_copy(
            update={"points": entry.points - Decimal("0.25") if lower else entry.points}
        )
    nodes = criteria.compiled.nodes  # type: ignore[attr-defined]
    parents = sorted(c for c, n in nodes.items() if n.parent is None)
    top = parents[number % len(parents)]
    scores[top] = SelfScore(points=Decimal(number % 3))
    rescored = {c: AppraisedScore(points=Decimal("0.5"), note="n") for c in codes[number % 4 :: 9]}
    rounds = [*unit.appraisals, Appraisal(round=len(unit.appraisals) + 1, scores=rescored)]
    return unit.model_copy(update={"self_scores": scores, "appraisals": rounds})


@settings(max_examples=max(5, settings().max_examples // 4), deadline=None)
@given(
    which=st.sampled_from(sorted(SETS)),
    seed=st.integers(0, 2**32 - 1),
    fact_rate=st.sampled_from([0.0, 0.5, 1.0]),
    samples=st.booleans(),
    numbers=st.lists(st.integers(0, 20), min_size=1, max_size=4),
)
def test_reviews_reading_a_kept_shape_equal_the_careful_review(
    which: str, seed: int, fact_rate: float, samples: bool, numbers: list[int]
) -> None:
    criteria = SETS[which]
    if samples:  # documents citing nodes, appraisal rounds
        paths = sorted(ROOT.glob(f"evidence/*-{which}.yaml"))
        units = [load_submission(paths[seed % len(paths)])]
    else:  # subtrees that do not apply (facts), missing inputs
        units = synthetic.units(
            criteria, 1, seed=seed, missing_rate=0.05, fact_rate=fact_rate, self_scores=True
        )
    unit = units[0]
    engine._SHARED.clear()
    for _ in range(2):  # kept whole, given whole: the shape kept
        first = review(criteria, unit, share=True)
    kept = shape_of(criteria, first.report)
    assert kept is not None
    for number in numbers:
        other = variant(unit, number, criteria)
        shared = review(criteria, other, share=True)
        assert shared.report.__dict__["_index"] is kept.index  # the review read the shape
        same(shared, careful(criteria, other), f"variant {number}")
        assert shared.report._index == careful(criteria, other).report._index  # type: ignore[attr-defined]


def test_a_shape_is_kept_the_second_time_and_read_of_the_results() -> None:
    criteria = SETS["2023"]
    _SHAPES.clear()
    unit = load_submission(ROOT / "evidence" / "so-tu-phap-mau-2023.yaml")
    reports = [engine.score(criteria, unit, share=True) for _ in range(4)]
    assert all(r.nodes[i] is reports[0].nodes[i] for r in reports for i in range(3))
    assert shape_of(criteria, reports[0]) is None  # first sight: nothing kept
    kept = shape_of(criteria, reports[1])
    assert kept is not None and shape_of(criteria, reports[2]) is kept
    fresh = engine.score(criteria, unit)  # results of its own: another key
    assert fresh.nodes[0] is not reports[0].nodes[0] or fresh.nodes[-1] is not reports[0].nodes[-1]
    assert kept.facts == facts(fresh)
    assert kept.survey == survey_of(fresh)
    assert [(c, n.code) for c, n in kept.candidates] == [(c, n.code) for c, n in candidates(fresh)]
    assert "_index" not in reports[3].__dict__
    assert shape_of(criteria, reports[3]) is kept
    assert reports[3].__dict__["_index"] is kept.index  # given as the cached property
    assert reports[3].node("1.1") is fresh.node("1.1") or reports[3].node("1.1") == fresh.node(
        "1.1"
    )


def test_the_shapes_kept_are_bounded() -> None:
    criteria = SETS["2023"]
    _SHAPES.clear()
    units = synthetic.units(criteria, MOST + 3, seed=11, self_scores=True)
    for unit in units:
        for _ in range(2):
            shape_of(criteria, engine.score(criteria, unit, share=True))
    assert 1 <= len(_SHAPES(criteria).kept) <= MOST

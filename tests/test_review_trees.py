"""The review's three trees of values, made in one walk, equal three walks of the rule.

``reference`` below is the rule as the review applied it until session 9, one walk per tree
(self, self with survey, appraised): a node's explicit value, else its children aggregated
like the rules aggregate them, else a fallback. The property draws synthetic units with
self-scores at leaves and parents and appraisal rounds re-scoring some criteria, and
compares every node's three values, their digits and the order the trees list them in.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from decimal import Decimal
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from parindex import CriteriaSet, load_criteria, score, synthetic
from parindex.criteria import Aggregation
from parindex.report import NodeResult, ScoreReport, Status
from parindex.review import _appraises
from parindex.review_trees import trees
from parindex.submission import Appraisal, AppraisedScore, SelfScore, check_submission

ROOT = Path(__file__).resolve().parent.parent
SETS = {
    "2021": load_criteria(ROOT / "criteria" / "quangbinh-stnmt-2021.yaml"),
    "2023": load_criteria(ROOT / "criteria" / "namdinh-stnmt-2023.yaml"),
}
_ZERO = Decimal(0)


def reference(
    report: ScoreReport,
    criteria: CriteriaSet,
    explicit: Mapping[str, Decimal],
    fallback: Callable[[NodeResult], Decimal | None],
    whole: bool = False,
) -> dict[str, Decimal | None]:
    """One tree, one walk (``review._resolve`` until session 9)."""
    compiled = criteria.compiled
    values: dict[str, Decimal | None] = {}
    touched = set(explicit)
    for code in explicit:
        parent = compiled.nodes[code].parent if code in compiled.nodes else None
        while parent is not None and parent not in touched:
            touched.add(parent)
            parent = compiled.nodes[parent].parent

    def visit(node: NodeResult) -> Decimal | None:
        if node.status == Status.NOT_APPLICABLE:
            values[node.code] = None
            for child in report.children(node.code):
                visit(child)
            return None
        children = [visit(child) for child in report.children(node.code)]
        value: Decimal | None
        if whole and node.code not in touched:
            value = fallback(node)
        elif node.code in explicit:
            value = explicit[node.code]
        elif children:
            known = [c for c in children if c is not None]
            if not known:
                value = None
            elif compiled.nodes[node.code].node.aggregation == Aggregation.MAX:
                value = max(known)
            else:
                value = max(_ZERO, min(sum(known, _ZERO), node.max_points))
        else:
            value = fallback(node)
        values[node.code] = value
        return value

    for area in report.areas:
        visit(area)
    return values


def ordered(values: Mapping[str, Decimal | None]) -> list[tuple[str, str]]:
    return [(code, repr(value)) for code, value in values.items()]


@settings(max_examples=max(5, settings().max_examples // 2))
@given(
    which=st.sampled_from(sorted(SETS)),
    seed=st.integers(0, 2**32 - 1),
    fact_rate=st.sampled_from([0.0, 0.5, 0.85, 1.0]),
    data=st.data(),
)
def test_one_walk_gives_the_three_trees(
    which: str, seed: int, fact_rate: float, data: st.DataObject
) -> None:
    criteria = SETS[which]
    codes = sorted(criteria.compiled.nodes)
    # a survey criterion self-scored or appraised (one code of 114 or 158: drawn as often as
    # all the others, else hardly ever reached)
    some = st.one_of(
        st.sampled_from(codes), st.sampled_from(sorted(criteria.compiled.given_codes()))
    )
    unit = synthetic.units(
        criteria, 1, seed=seed, fact_rate=fact_rate, missing_rate=0.1, self_scores=True
    )[0]

    def points(code: str) -> Decimal:
        top = criteria.compiled.nodes[code].node.max_points
        return Decimal(data.draw(st.integers(0, int(top * 4)), label=code)) / 4

    dropped = data.draw(st.sets(st.sampled_from(sorted(unit.self_scores) or [""])), label="drop")
    added = data.draw(st.sets(some, max_size=4), label="self at")
    self_scores = {c: s for c, s in unit.self_scores.items() if c not in dropped}
    self_scores |= {c: SelfScore(points=points(c)) for c in added}
    rounds = [
        Appraisal(
            round=number,
            scores={
                c: AppraisedScore(points=points(c))
                for c in data.draw(st.sets(some, max_size=5), label="scored")
            },
        )
        for number in range(1, data.draw(st.integers(0, 2), label="rounds") + 1)
    ]
    unit = unit.model_copy(update={"self_scores": self_scores, "appraisals": rounds})
    report = score(criteria, check_submission(criteria, unit))

    own = {c: s.points for c, s in unit.self_scores.items()}
    final: dict[str, Decimal] = {}
    for appraisal in rounds:
        final |= {c: a.points for c, a in appraisal.scores.items()}
    survey = {
        n.code: n.points for n in report.nodes if n.status == Status.SURVEY and n.points is not None
    }
    appraised = _appraises(report, final)
    first, second, third = trees(report, criteria, own, survey, final if appraised else None)

    assert ordered(first) == ordered(reference(report, criteria, own, lambda node: None))
    with_survey = reference(
        report,
        criteria,
        {**own, **survey},
        lambda node: _ZERO if node.status != Status.NOT_APPLICABLE else None,
    )
    assert ordered(second) == ordered(with_survey)
    expected = (
        reference(
            report,
            criteria,
            {**survey, **final},
            lambda node: with_survey.get(node.code),
            whole=True,
        )
        if appraised
        else {}
    )
    assert ordered(third) == ordered(expected)

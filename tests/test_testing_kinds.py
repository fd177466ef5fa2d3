"""A rule kind defined outside parindex (here, ``tests/_toy_kinds.py``) is handled by the
testing toolkit.

The toolkit (:mod:`parindex.testing`) and the review ask a rule only what its kind says
(:meth:`parindex.rules.RuleKind.shape`, :meth:`~parindex.rules.RuleKind.direction` and
:meth:`~parindex.rules.RuleKind.dues`), never which class it is. The two toy kinds,
``cutoff`` and ``by_date``, are registered for each test (:func:`parindex.rules.registered`)
and named by a criteria file like the shipped ones: the edges, the strategies, the
invariants and the review's evidence dates reach them with no other edit.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from _toy_kinds import ByDate, Cutoff, LateByDate, toy_set, toy_unit
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import parindex.testing as pt
from parindex.engine import leaf_points
from parindex.loader import load_criteria
from parindex.ranges import parse_range
from parindex.review import review
from parindex.rules import REGISTRY, missing_pieces, registered
from parindex.submission import Document
from parindex.testing._rules import (
    date_inputs,
    domain_of,
    dues_of,
    edges_of,
    intervals_of,
    metric_of,
    rule_direction,
)


@pytest.fixture
def toy_kinds() -> Iterator[None]:
    with registered(Cutoff(), ByDate()):
        yield


# --- the toolkit reaches them ----------------------------------------------------------


def test_the_toy_kinds_are_complete() -> None:
    assert missing_pieces(Cutoff()) == []
    assert missing_pieces(ByDate()) == []


def test_the_toolkit_reads_what_the_toy_kinds_say(toy_kinds: None, tmp_path: Path) -> None:
    criteria = toy_set(tmp_path)
    nodes = criteria.compiled.nodes
    cutoff, by_date = nodes["1.1"], nodes["1.2"]
    assert cutoff.kind is REGISTRY["cutoff"] and by_date.kind is REGISTRY["by_date"]
    metric = metric_of(cutoff)
    assert metric is not None and metric.text == "ty_le"
    assert edges_of(cutoff) == [Decimal(80)]
    assert intervals_of(cutoff) == [parse_range("từ 80 trở lên")]
    assert domain_of(cutoff, criteria) == parse_range("từ 0 đến 100")  # a percent input
    assert rule_direction(cutoff, criteria) == 1
    assert (metric_of(by_date), edges_of(by_date)) == (None, [])
    assert dues_of(by_date) == [dt.date(2023, 6, 30)]
    assert date_inputs(by_date) == [("ngay_gui", dt.date(2023, 6, 30))]
    assert rule_direction(by_date, criteria) == -1
    assert leaf_points(criteria, "1.1", {"ty_le": Decimal(80)}) == Decimal(1)
    assert leaf_points(criteria, "1.1", {"ty_le": Decimal("79.9")}) == Decimal("0.5")


def test_the_toy_cutoffs_edges_are_checked_against_its_words(
    toy_kinds: None, tmp_path: Path
) -> None:
    pt.check_band_edges(toy_set(tmp_path, "Từ 80% trở lên: tối đa"), "1.1")
    # words putting 80 with the values below, against a range holding 80: caught
    with pytest.raises(pt.InvariantViolation) as caught:
        pt.check_band_edges(toy_set(tmp_path, "Trên 80%: tối đa"), "1.1")
    assert caught.value.invariant == "band_edges" and "trên 80%" in caught.value.message.lower()
    with pytest.raises(pt.InvariantViolation):
        pt.check_band_edges(toy_set(tmp_path), "1.1", expect={"80%": "0,5"})
    with pytest.raises(ValueError, match=r"1\.2"):
        pt.check_band_edges(toy_set(tmp_path), "1.2")  # no stated ranges


def test_the_strategies_draw_at_the_toy_kinds_edges_and_due_dates(
    toy_kinds: None, tmp_path: Path
) -> None:
    criteria = toy_set(tmp_path)
    due = dt.date(2023, 6, 30)
    around = {due - dt.timedelta(days=1), due, due + dt.timedelta(days=1)}
    seen: set[Decimal] = set()
    dates: set[dt.date] = set()

    @settings(max_examples=25, database=None, suppress_health_check=list(HealthCheck))
    @given(
        pt.band_edge_values(criteria, "1.1"),
        pt.deadline_dates(criteria, "1.2"),
        pt.edge_submissions(criteria, "1.2"),
    )
    def draw(edge: dict[str, Any], dated: dict[str, dt.date], whole: Any) -> None:
        seen.add(Decimal(str(edge["ty_le"])))  # as a file holds it; the metric is the input
        assert set(dated) == {"ngay_gui"} and dated["ngay_gui"] in around
        dates.add(whole.values["ngay_gui"])

    draw()
    assert Decimal(80) in seen and all(abs(v - 80) < 1 for v in seen)
    assert dates <= around and dates
    with pytest.raises(pt.ConstructionError, match="không có ngày hạn"):
        pt.deadline_dates(criteria, "1.1")  # the cutoff reads no date with a due day


def test_every_invariant_runs_on_the_toy_kinds(toy_kinds: None, tmp_path: Path) -> None:
    criteria = toy_set(tmp_path, "Từ 80% trở lên: tối đa")

    @settings(max_examples=15, database=None, suppress_health_check=list(HealthCheck))
    @given(pt.submissions(criteria))
    def holds(submission: Any) -> None:
        pt.check_all(criteria, submission)

    holds()
    # the invariants reach the toy kinds: words against the range are caught by check_all
    worded = toy_set(tmp_path, "Trên 80%: tối đa")
    with pytest.raises(pt.InvariantViolation) as caught:
        pt.check_all(worded, toy_unit({"ty_le": 90, "ngay_gui": "30/06/2023"}))
    assert caught.value.invariant == "band_edges"


def test_a_toy_kind_scoring_against_its_direction_is_caught(tmp_path: Path) -> None:
    with registered(Cutoff(), LateByDate()):
        criteria = toy_set(tmp_path)
        submission = toy_unit({"ty_le": 90, "ngay_gui": "30/06/2023"})
        with pytest.raises(pt.InvariantViolation) as caught:
            pt.check_monotonic(criteria, "1.2", submission)
    assert caught.value.invariant == "monotonic" and caught.value.code == "1.2"


def test_the_review_reads_a_toy_kinds_due_date(toy_kinds: None, tmp_path: Path) -> None:
    criteria = toy_set(tmp_path)
    late = {"id": "bc", "kind": "Báo cáo", "date": "15/07/2023", "title": "Báo cáo"}
    on_time = {**late, "id": "bc2", "date": "20/06/2023"}
    unit = toy_unit({"ty_le": 90, "ngay_gui": "30/06/2023"})
    documents = [{**late, "supports": ["1.2"]}, {**on_time, "supports": ["1.2"]}]
    with_documents = unit.model_copy(
        update={"documents": [Document.model_validate(d) for d in documents]}
    )
    found = [(f.code, f.evidence) for f in review(criteria, with_documents).findings]
    assert ("evidence_after_deadline", ["bc"]) in found
    assert not [f for f in found if f[0] == "evidence_after_deadline" and f[1] == ["bc2"]]


def test_the_codes_with_edges_come_from_the_kinds(toy_kinds: None, tmp_path: Path) -> None:
    criteria = toy_set(tmp_path)
    assert pt.band_edge_codes(criteria) == ["1.1"]
    assert pt.edge_codes(criteria) == ["1.1", "1.2"]
    shipped = load_criteria(Path(__file__).resolve().parents[1] / "tests" / "data" / "mini.yaml")
    kinds = {n.code: n.rule.kind for n in shipped.walk() if n.rule is not None}
    banded = [c for c, k in kinds.items() if k in ("bands", "threshold")]
    assert banded and pt.band_edge_codes(shipped) == banded
    dated = [c for c, k in kinds.items() if k in ("bands", "threshold", "deadline")]
    assert pt.edge_codes(shipped) == dated


# What each shipped kind answered when the toolkit asked its class (before RuleKind.shape):
# a metric, stated ranges, due dates; the direction fixed by the kind, or read from ranges.
_ANSWERS = {
    "check": (False, False, False, {None}),
    "bands": (True, True, False, {1, -1, 0}),
    "threshold": (True, True, False, {1, -1, 0}),
    "proportional": (True, False, False, {1}),
    "deadline": (False, False, True, {-1}),
    "levels": (False, False, False, {None}),
    "deduction": (True, False, False, {-1}),
    "survey": (False, False, False, {None}),
    "bonus": (True, False, False, {1}),
    "penalty": (True, False, False, {-1}),
    "expression": (False, False, False, {1}),
}


def test_the_shipped_kinds_answer_as_their_classes_did() -> None:
    assert set(_ANSWERS) == set(REGISTRY)
    root = Path(__file__).resolve().parents[1]
    paths = [root / "tests" / "data" / "mini.yaml", *sorted((root / "criteria").glob("*.yaml"))]
    seen: set[str] = set()
    for criteria in map(load_criteria, paths):
        for node in criteria.compiled.leaves():
            assert node.kind is not None and node.node.rule is not None
            name = node.kind.name
            seen.add(name)
            metric, ranges, dues, directions = _ANSWERS[name]
            assert metric_of(node) is not None if metric else metric_of(node) is None, node.code
            assert bool(intervals_of(node)) is ranges and bool(dues_of(node)) is dues, node.code
            assert rule_direction(node, criteria) in directions, node.code
    assert seen == set(REGISTRY)


def test_a_bands_rules_own_domain_is_the_metrics(toy_kinds: None, tmp_path: Path) -> None:
    rule = (
        '{kind: bands, value: ty_le, domain: "từ 0 đến 50", bands: ['
        '{when: "dưới 25%", points: "0,5"}, {when: "từ 25% đến 50%", points: 1}]}'
    )
    criteria = toy_set(tmp_path, rule=rule)
    node = criteria.compiled.nodes["1.1"]
    assert domain_of(node, criteria) == parse_range("từ 0 đến 50")  # not percent's 0–100
    assert edges_of(node) == [Decimal(25), Decimal(50)]
    assert rule_direction(node, criteria) == 1
    pt.check_band_edges(criteria, "1.1")


def test_generated_sets_may_use_registered_kinds(toy_kinds: None) -> None:
    """``criteria_sets`` draws a registered kind's rules through its own ``strategy``, and
    the invariants hold on the sets it draws."""
    seen: set[str] = set()

    @settings(max_examples=10, database=None, suppress_health_check=list(HealthCheck))
    @given(st.data())
    def draw(data: st.DataObject) -> None:
        criteria = data.draw(pt.criteria_sets(max_areas=2, rule_kinds=("cutoff", "by_date")))
        kinds = {node.kind.name for node in criteria.compiled.leaves() if node.kind is not None}
        assert kinds <= {"cutoff", "by_date"}
        seen.update(kinds)
        pt.check_all(criteria, data.draw(pt.submissions(criteria)))

    draw()
    assert seen == {"cutoff", "by_date"}
    with pytest.raises(ValueError, match="allowed: check"):
        pt.criteria_sets(rule_kinds=("cutof",))


def test_the_default_kinds_are_the_shipped_ones_whenever_the_toolkit_is_imported() -> None:
    """``RULE_KINDS`` (``criteria_sets``' default) is the shipped kinds even when the program
    registered one before importing the toolkit: it used to copy the live registry then, and
    drew the program's kind by default, naming it after it was removed."""
    import subprocess
    import sys

    code = (
        "from _toy_kinds import Cutoff\n"
        "from parindex.rules import SHIPPED, register, unregister\n"
        "register(Cutoff())\n"
        "import parindex.testing as pt\n"
        "unregister('cutoff')\n"
        "assert pt.RULE_KINDS == tuple(SHIPPED), pt.RULE_KINDS\n"
        "pt.criteria_sets()\n"
    )
    here = str(Path(__file__).parent)
    done = subprocess.run([sys.executable, "-c", code], cwd=here, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr

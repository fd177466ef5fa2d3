"""A rule kind defined in one module (here, this test) is handled by the testing toolkit.

The toolkit (:mod:`parindex.testing`) and the review ask a rule only what its kind says
(:meth:`parindex.rules.RuleKind.shape`, :meth:`~parindex.rules.RuleKind.direction` and
:meth:`~parindex.rules.RuleKind.dues`), never which class it is. Two toy kinds live below,
complete in this one module: ``cutoff`` (full points from a value on, else ``below``: stated ranges, so its edges are
checked against its words) and ``by_date`` (full points when done by a due date: a date
read with a due day). Registering them (what adding a kind's line to
:data:`parindex.rules.REGISTRY` does) is all it takes: the edges, the strategies, the
invariants and the review's evidence dates reach them with no other edit.

The file format's ``Rule`` union is built from the registry at import, so a set using
a toy kind cannot be read from YAML here; the toy rules are put into a set read with
placeholders instead (:func:`_with_toy_rules`), and the set compiles through the kinds.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, replace
from decimal import Decimal
from pathlib import Path
from typing import Any, ClassVar, Literal

import pytest
from hypothesis import HealthCheck, given, settings

import parindex.testing as pt
from parindex.criteria import CriteriaSet, Node
from parindex.engine import leaf_points
from parindex.expressions import CompiledExpression, Const, Expr, ValueType
from parindex.loader import load_criteria
from parindex.numbers import format_decimal
from parindex.ranges import Interval, parse_range
from parindex.review import review
from parindex.rules import REGISTRY, missing_pieces
from parindex.rules._base import (
    Checker,
    CompiledRule,
    Leaf,
    Outcome,
    RuleKind,
    Scope,
    Shape,
    Stated,
    Suggestion,
    SyntheticHint,
)
from parindex.rules._explain import scored
from parindex.rules._inverse import Problem, search
from parindex.rules._lower import choose, done_by, inside, points
from parindex.rules._model import Date, ExprText, Points, RuleModel
from parindex.submission import Document, Submission
from parindex.testing._rules import (
    date_inputs,
    domain_of,
    dues_of,
    edges_of,
    intervals_of,
    metric_of,
    rule_direction,
)

# The set's digest serializes its nodes through the file format's union, which does not
# list the toy kinds: pydantic warns and serializes them field by field (the digest stays
# stable, which is all it is used for here).
pytestmark = pytest.mark.filterwarnings("ignore:Pydantic serializer warnings:UserWarning")


# --- the toy kinds, each complete in this module ---------------------------------------


class CutoffRule(RuleModel):
    """Full points when ``value`` is ``at`` or more, else ``below``."""

    kind: Literal["cutoff"]
    value: ExprText
    at: Points
    below: Points = Decimal(0)


@dataclass(frozen=True)
class CompiledCutoff(CompiledRule):
    kind: ClassVar[str] = "cutoff"
    value: CompiledExpression
    met: Interval
    below: Decimal

    @property
    def expressions(self) -> tuple[CompiledExpression, ...]:
        return (self.value,)


class Cutoff(RuleKind[CutoffRule, CompiledCutoff]):
    name = "cutoff"
    model = CutoffRule
    compiled = CompiledCutoff

    def compile(
        self, rule: CutoffRule, leaf: Leaf, checker: Checker, path: tuple[str | int, ...]
    ) -> CompiledCutoff | None:
        value = checker.expression(rule.value, (*path, "value"), leaf.code, ValueType.NUMBER)
        met = parse_range(f"từ {format_decimal(rule.at)} trở lên")
        return None if value is None else CompiledCutoff(value, met, rule.below)

    def lower(self, compiled: CompiledCutoff, leaf: Leaf) -> Expr:
        top, below = points(leaf.top, leaf), points(compiled.below, leaf)
        return choose(inside(compiled.value.root, compiled.met), top, below)

    def explain(self, compiled: CompiledCutoff, leaf: Leaf, scope: Scope) -> Outcome:
        return scored(leaf.points(scope), leaf.top, "ngưỡng", "cutoff")

    def inverse(self, compiled: CompiledCutoff, problem: Problem) -> list[Suggestion]:
        return search(replace(problem, shown=compiled.value), sorted(compiled.inputs))

    def strategy(self, builder: Any, top: Decimal) -> dict[str, Any]:
        value, _end, _unit = builder.metric()
        return {"kind": "cutoff", "value": value, "at": "1"}

    def synthetic(self, compiled: CompiledCutoff) -> SyntheticHint:
        return SyntheticHint(values=(compiled.value,), needed=compiled.met.low)

    def shape(self, compiled: CompiledCutoff, leaf: Leaf) -> Shape:
        assert compiled.met.low is not None
        at = format_decimal(compiled.met.low)
        return Shape(
            metric=compiled.value,
            edges=(compiled.met.low,),
            ranges=(Stated(compiled.met, leaf.top, f"từ {at} trở lên"),),
            otherwise=(compiled.below, f"dưới {at}"),
            unit="%",
        )

    def direction(self, compiled: CompiledCutoff, leaf: Leaf, domain: Interval) -> int | None:
        return 0 if compiled.below == leaf.top else 1

    def dues(self, compiled: CompiledCutoff) -> tuple[tuple[CompiledExpression, dt.date], ...]:
        return ()


class ByDateRule(RuleModel):
    """Full points when ``value`` (a date) is on or before ``due``."""

    kind: Literal["by_date"]
    value: ExprText
    due: Date


@dataclass(frozen=True)
class CompiledByDate(CompiledRule):
    kind: ClassVar[str] = "by_date"
    value: CompiledExpression
    due: dt.date

    @property
    def expressions(self) -> tuple[CompiledExpression, ...]:
        return (self.value,)


class ByDate(RuleKind[ByDateRule, CompiledByDate]):
    name = "by_date"
    model = ByDateRule
    compiled = CompiledByDate

    def compile(
        self, rule: ByDateRule, leaf: Leaf, checker: Checker, path: tuple[str | int, ...]
    ) -> CompiledByDate | None:
        value = checker.expression(rule.value, (*path, "value"), leaf.code, ValueType.DATE)
        return None if value is None else CompiledByDate(value, rule.due)

    def lower(self, compiled: CompiledByDate, leaf: Leaf) -> Expr:
        on_time = done_by(compiled.value.root, Const(ValueType.DATE, compiled.due), True)
        return choose(on_time, points(leaf.top, leaf), points(Decimal(0), leaf))

    def explain(self, compiled: CompiledByDate, leaf: Leaf, scope: Scope) -> Outcome:
        return scored(leaf.points(scope), leaf.top, "hạn", "due")

    def inverse(self, compiled: CompiledByDate, problem: Problem) -> list[Suggestion]:
        return search(replace(problem, shown=None), sorted(compiled.inputs))

    def strategy(self, builder: Any, top: Decimal) -> dict[str, Any]:
        name = builder.name("date", "Ngày gửi")
        return {"kind": "by_date", "value": name, "due": f"31/12/{builder.year}"}

    def synthetic(self, compiled: CompiledByDate) -> SyntheticHint:
        return SyntheticHint(values=(compiled.value,))

    def shape(self, compiled: CompiledByDate, leaf: Leaf) -> Shape:
        return Shape()

    def dues(self, compiled: CompiledByDate) -> tuple[tuple[CompiledExpression, dt.date], ...]:
        return ((compiled.value, compiled.due),)

    def direction(self, compiled: CompiledByDate, leaf: Leaf, domain: Interval) -> int | None:
        return -1


# --- a set using them ------------------------------------------------------------------

_SET = """\
format: parindex.criteria/1
id: toy-kinds
title: "Bộ tiêu chí thử loại quy tắc"
province: Tỉnh Thử
levels: [so]
year: 2023
total_max: 2
provenance: {status: provisional, rationale: "Số liệu giả định cho kiểm thử"}
inputs:
  - {name: ty_le, type: percent, unit: "%", label: "Tỷ lệ hoàn thành"}
  - {name: ngay_gui, type: date, label: "Ngày gửi báo cáo"}
nodes:
  - code: "1"
    kind: area
    title: "Lĩnh vực thử"
    max_points: 2
    children:
      - {code: "1.1", kind: criterion, title: "Tỷ lệ", max_points: 1,
         rule: {kind: check, value: "ty_le >= 80"}}
      - {code: "1.2", kind: criterion, title: "Hạn", max_points: 1,
         rule: {kind: check, value: "ngay_gui == ngay_gui"}}
"""


def _with_toy_rules(criteria: CriteriaSet, rules: Mapping[str, RuleModel]) -> CriteriaSet:
    """``criteria`` with the rules of the leaves named replaced (not validated again: the
    file format's union does not hold the toy kinds), compiled afresh through the kinds."""

    def swap(node: Node) -> Node:
        children = [swap(child) for child in node.children]
        update: dict[str, Any] = {"children": children}
        if node.code in rules:
            update["rule"] = rules[node.code]
        return node.model_copy(update=update)

    changed = criteria.model_copy(update={"nodes": [swap(n) for n in criteria.nodes]})
    changed._compiled = None
    changed._digest = None
    return changed


@pytest.fixture
def toy_kinds(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setitem(REGISTRY, "cutoff", Cutoff())  # type: ignore[index]
    monkeypatch.setitem(REGISTRY, "by_date", ByDate())  # type: ignore[index]
    yield


def _toy_set(tmp_path: Path, text: str | None = None) -> CriteriaSet:
    path = tmp_path / "toy.yaml"
    path.write_text(_SET, encoding="utf-8")
    cutoff = CutoffRule(kind="cutoff", value="ty_le", at=Decimal(80), below=Decimal("0.5"))
    if text is not None:
        cutoff = cutoff.model_copy(update={"text": text})
    due = ByDateRule(kind="by_date", value="ngay_gui", due=dt.date(2023, 6, 30))
    return _with_toy_rules(load_criteria(path), {"1.1": cutoff, "1.2": due})


def _unit(values: dict[str, Any]) -> Submission:
    unit = {"id": "don-vi-thu", "name": "Đơn vị thử", "level": "so"}
    data = {"format": "parindex.submission/1", "criteria": "toy-kinds", "year": 2023}
    return Submission.model_validate({**data, "unit": unit, "values": values})


# --- the toolkit reaches them ----------------------------------------------------------


def test_the_toy_kinds_are_complete() -> None:
    assert missing_pieces(Cutoff()) == []
    assert missing_pieces(ByDate()) == []


def test_the_toolkit_reads_what_the_toy_kinds_say(toy_kinds: None, tmp_path: Path) -> None:
    criteria = _toy_set(tmp_path)
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
    pt.check_band_edges(_toy_set(tmp_path, "Từ 80% trở lên: tối đa"), "1.1")
    # words putting 80 with the values below, against a range holding 80: caught
    with pytest.raises(pt.InvariantViolation) as caught:
        pt.check_band_edges(_toy_set(tmp_path, "Trên 80%: tối đa"), "1.1")
    assert caught.value.invariant == "band_edges" and "trên 80%" in caught.value.message.lower()
    with pytest.raises(pt.InvariantViolation):
        pt.check_band_edges(_toy_set(tmp_path), "1.1", expect={"80%": "0,5"})
    with pytest.raises(ValueError, match=r"1\.2"):
        pt.check_band_edges(_toy_set(tmp_path), "1.2")  # no stated ranges


def test_the_strategies_draw_at_the_toy_kinds_edges_and_due_dates(
    toy_kinds: None, tmp_path: Path
) -> None:
    criteria = _toy_set(tmp_path)
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
    criteria = _toy_set(tmp_path, "Từ 80% trở lên: tối đa")

    @settings(max_examples=15, database=None, suppress_health_check=list(HealthCheck))
    @given(pt.submissions(criteria))
    def holds(submission: Any) -> None:
        pt.check_all(criteria, submission)

    holds()
    # the invariants reach the toy kinds: words against the range are caught by check_all
    worded = _toy_set(tmp_path, "Trên 80%: tối đa")
    with pytest.raises(pt.InvariantViolation) as caught:
        pt.check_all(worded, _unit({"ty_le": 90, "ngay_gui": "30/06/2023"}))
    assert caught.value.invariant == "band_edges"


class LateByDate(ByDate):
    """A ``by_date`` scored the wrong way round: points for a late date."""

    def lower(self, compiled: CompiledByDate, leaf: Leaf) -> Expr:
        on_time = done_by(compiled.value.root, Const(ValueType.DATE, compiled.due), True)
        return choose(on_time, points(Decimal(0), leaf), points(leaf.top, leaf))


def test_a_toy_kind_scoring_against_its_direction_is_caught(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setitem(REGISTRY, "cutoff", Cutoff())  # type: ignore[index]
    monkeypatch.setitem(REGISTRY, "by_date", LateByDate())  # type: ignore[index]
    criteria = _toy_set(tmp_path)
    submission = _unit({"ty_le": 90, "ngay_gui": "30/06/2023"})
    with pytest.raises(pt.InvariantViolation) as caught:
        pt.check_monotonic(criteria, "1.2", submission)
    assert caught.value.invariant == "monotonic" and caught.value.code == "1.2"


def test_the_review_reads_a_toy_kinds_due_date(toy_kinds: None, tmp_path: Path) -> None:
    criteria = _toy_set(tmp_path)
    late = {"id": "bc", "kind": "Báo cáo", "date": "15/07/2023", "title": "Báo cáo"}
    on_time = {**late, "id": "bc2", "date": "20/06/2023"}
    unit = _unit({"ty_le": 90, "ngay_gui": "30/06/2023"})
    documents = [{**late, "supports": ["1.2"]}, {**on_time, "supports": ["1.2"]}]
    with_documents = unit.model_copy(
        update={"documents": [Document.model_validate(d) for d in documents]}
    )
    found = [(f.code, f.evidence) for f in review(criteria, with_documents).findings]
    assert ("evidence_after_deadline", ["bc"]) in found
    assert not [f for f in found if f[0] == "evidence_after_deadline" and f[1] == ["bc2"]]


def test_the_codes_with_edges_come_from_the_kinds(toy_kinds: None, tmp_path: Path) -> None:
    criteria = _toy_set(tmp_path)
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


def test_a_bands_rules_own_domain_is_the_metrics(tmp_path: Path) -> None:
    rule = (
        '{kind: bands, value: ty_le, domain: "từ 0 đến 50", bands: ['
        '{when: "dưới 25%", points: "0,5"}, {when: "từ 25% đến 50%", points: 1}]}'
    )
    path = tmp_path / "domain.yaml"
    path.write_text(_SET.replace('{kind: check, value: "ty_le >= 80"}', rule), encoding="utf-8")
    criteria = load_criteria(path)
    node = criteria.compiled.nodes["1.1"]
    assert domain_of(node, criteria) == parse_range("từ 0 đến 50")  # not percent's 0–100
    assert edges_of(node) == [Decimal(25), Decimal(50)]
    assert rule_direction(node, criteria) == 1
    pt.check_band_edges(criteria, "1.1")

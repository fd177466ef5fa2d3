"""parindex.testing: its strategies, its invariants on both shipped sets and on generated
sets, and the planted mistakes of tests/data/planted/ each reported with its code."""

from __future__ import annotations

import datetime as dt
import os
import re
import subprocess
import sys
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, find, given, settings
from hypothesis import strategies as st

import parindex
import parindex.testing as pt
from parindex import CriteriaError, CriteriaSet, load_criteria, score
from parindex.criteria import BandsRule, DeadlineRule, ThresholdRule
from parindex.errors import ParindexError
from parindex.expressions import evaluate
from parindex.loader import SourceMap, parse_criteria
from parindex.testing._rules import dues_of, edges_of, metric_of

ROOT = Path(__file__).resolve().parent.parent
PLANTED = sorted((Path(__file__).parent / "data" / "planted").glob("*.yaml"))
SHIPPED = ["namdinh-stnmt-2023", "quangbinh-stnmt-2021"]


@pytest.fixture(scope="module", params=SHIPPED)
def shipped(request: pytest.FixtureRequest) -> CriteriaSet:
    return load_criteria(ROOT / "criteria" / f"{request.param}.yaml")


def _edge_codes(criteria: CriteriaSet) -> list[str]:
    return [
        n.code
        for n in criteria.compiled.nodes.values()
        if isinstance(n.node.rule, BandsRule | ThresholdRule | DeadlineRule)
    ]


# --- the public surface -------------------------------------------------------------


def test_public_names() -> None:
    assert len(set(pt.__all__)) == len(pt.__all__)
    for name in pt.__all__:
        assert hasattr(pt, name), name
    assert issubclass(pt.InvariantViolation, ParindexError)
    assert issubclass(pt.InvariantViolation, AssertionError)


def test_import_parindex_does_not_load_hypothesis() -> None:
    code = "import sys, parindex; print('hypothesis' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


# --- every invariant on the shipped sets --------------------------------------------


def test_shipped_sets_hold_every_invariant(shipped: CriteriaSet) -> None:
    @settings(suppress_health_check=[HealthCheck.too_slow])
    @given(pt.submissions(shipped))
    def run(submission: parindex.Submission) -> None:
        pt.check_all(shipped, submission)

    run()


def test_shipped_sets_with_missing_values_and_self_scores(shipped: CriteriaSet) -> None:
    @settings(suppress_health_check=[HealthCheck.too_slow])
    @given(pt.submissions(shipped, missing=True, self_scores=True))
    def run(submission: parindex.Submission) -> None:
        pt.check_all(shipped, submission)

    run()


def test_shipped_sets_at_their_edges(shipped: CriteriaSet) -> None:
    codes = _edge_codes(shipped)

    @settings(suppress_health_check=[HealthCheck.too_slow])
    @given(st.data())
    def run(data: st.DataObject) -> None:
        code = data.draw(st.sampled_from(codes), label="code")
        submission = data.draw(pt.edge_submissions(shipped, code), label="submission")
        pt.check_all(shipped, submission)

    run()


def test_band_edges_of_the_shipped_sets_match_their_words(shipped: CriteriaSet) -> None:
    checked = 0
    for node in shipped.compiled.nodes.values():
        if isinstance(node.node.rule, BandsRule | ThresholdRule):
            pt.check_band_edges(shipped, node.code)
            checked += 1
    assert checked >= 8


def test_real_band_edges_as_the_decisions_write_them() -> None:
    """Nam Định 2023 writes 'trên 30%' (30% fails); Quảng Bình 2021 'từ 30% trở lên'."""
    namdinh = load_criteria(ROOT / "criteria" / "namdinh-stnmt-2023.yaml")
    quangbinh = load_criteria(ROOT / "criteria" / "quangbinh-stnmt-2021.yaml")
    pt.check_band_edges(namdinh, "1.3.1", expect={"30%": 0, "30,01%": 1})
    pt.check_band_edges(quangbinh, "1.3.1", expect={"30%": "0,75"})
    pt.check_band_edges(namdinh, "1.5", expect={"80%": "0,75", "100%": "1,5", "79,99": 0})
    with pytest.raises(pt.InvariantViolation) as info:
        pt.check_band_edges(namdinh, "1.3.1", expect={"30%": 1})
    assert info.value.code == "1.3.1"
    assert "tại 30%" in str(info.value) and "văn bản quy định 1,0 điểm" in str(info.value)
    english = info.value.message_en  # as the Vietnamese says it (it said "at 30 (", "says 1")
    assert "at 30% (" in english and "the legal text says 1,0 (declared band:" in english


# --- generated sets -----------------------------------------------------------------


@settings(suppress_health_check=[HealthCheck.too_slow])
@given(st.data())
def test_generated_sets_hold_every_invariant(data: st.DataObject) -> None:
    criteria = data.draw(pt.criteria_sets(), label="criteria")
    missing = data.draw(st.booleans(), label="missing")
    submission = data.draw(pt.submissions(criteria, missing=missing, self_scores=True))
    pt.check_all(criteria, submission)


@settings(suppress_health_check=[HealthCheck.too_slow])
@given(pt.criteria_sets())
def test_generated_sets_pass_the_loader_again(criteria: CriteriaSet) -> None:
    data = criteria.model_dump(mode="json", exclude_none=True)
    again = parse_criteria(data, SourceMap("<again>", data, {}))
    assert again.model_dump() == criteria.model_dump()
    for node in criteria.compiled.nodes.values():
        if isinstance(node.node.rule, BandsRule | ThresholdRule):
            pt.check_band_edges(criteria, node.code)


_FEATURES: dict[str, Any] = {
    **{
        f"rule {kind}": (lambda c, k=kind: any(n.rule and n.rule.kind == k for n in c.walk()))
        for kind in pt.RULE_KINDS
    },
    "quarterly deadline": lambda c: any(
        isinstance(n.rule, DeadlineRule) and n.rule.quarterly for n in c.walk()
    ),
    "applies_if": lambda c: any(n.applies_if for n in c.walk()),
    "capped_sum": lambda c: any(n.aggregation.value == "capped_sum" for n in c.walk()),
    "max": lambda c: any(n.children and n.aggregation.value == "max" for n in c.walk()),
    "stated provenance": lambda c: any(
        n.provenance and n.provenance.status == "stated" for n in c.walk()
    ),
    "provisional provenance": lambda c: any(
        n.provenance and n.provenance.status == "provisional" for n in c.walk()
    ),
    "constraint": lambda c: bool(c.constraints),
    "bands over a percent of counts": lambda c: any(
        isinstance(n.rule, BandsRule) and n.rule.value.startswith("percent(") for n in c.walk()
    ),
}


@pytest.mark.parametrize("feature", sorted(_FEATURES))
def test_generated_sets_cover(feature: str) -> None:
    found = find(
        pt.criteria_sets(),
        _FEATURES[feature],
        settings=settings(max_examples=500, database=None, phases=["generate"]),
    )
    assert _FEATURES[feature](found)


def test_criteria_sets_refuses_unknown_rule_kinds() -> None:
    with pytest.raises(ValueError, match="nguong"):
        pt.criteria_sets(rule_kinds=("nguong",))


# --- submissions and edges ----------------------------------------------------------


def test_submissions_respect_constraints_and_fixed_values(shipped: CriteriaSet) -> None:
    @given(pt.submissions(shipped, fixed={"ho_so_tiep_nhan": 40}, facts={"co_tthc": True}))
    def run(submission: parindex.Submission) -> None:
        assert submission.values["ho_so_tiep_nhan"] == 40
        assert submission.unit.facts["co_tthc"] is True
        checked = parindex.check_submission(shipped, submission)  # every constraint holds
        assert checked.values["ho_so_tiep_nhan"] == 40

    run()


def test_fixed_values_that_break_a_constraint_are_refused(shipped: CriteriaSet) -> None:
    with pytest.raises(pt.ConstructionError, match="vi phạm ràng buộc"):
        pt.submissions(shipped, fixed={"ho_so_tiep_nhan": 5, "ho_so_tiep_nhan_qua_bcci": 6})


def _mini(constraint: str) -> CriteriaSet:
    text = (ROOT / "tests" / "data" / "mini.yaml").read_text(encoding="utf-8")
    text = text.replace("so_don_vi_kiem_tra <= so_don_vi", constraint)
    path = ROOT / "tests" / "data" / "mini.yaml"
    from ruamel.yaml import YAML

    data = YAML(typ="safe", pure=True).load(text)
    return parse_criteria(data, SourceMap(str(path), data, {}))


@pytest.mark.parametrize(
    "constraint", ["so_don_vi_kiem_tra * so_don_vi <= 100", "so_don_vi_kiem_tra != so_don_vi"]
)
def test_constraints_values_cannot_be_built_for_are_named(constraint: str) -> None:
    criteria = _mini(constraint)
    with pytest.raises(pt.ConstructionError) as info:
        pt.submissions(criteria)
    assert constraint in str(info.value) and "fixed=" in str(info.value)


def test_band_edge_values_land_on_the_edges() -> None:
    criteria = load_criteria(ROOT / "criteria" / "namdinh-stnmt-2023.yaml")
    node = criteria.compiled.nodes["3.6.2"]  # percent(truoc_han + dung_han, tiep_nhan, 100)
    metric = metric_of(node)
    assert metric is not None
    edges = edges_of(node)
    seen: set[str] = set()

    @given(pt.band_edge_values(criteria, "3.6.2"))
    def run(values: dict[str, Any]) -> None:
        typed = {k: Decimal(v) for k, v in values.items()}
        got = evaluate(metric, typed)
        assert isinstance(got, Decimal)
        nearest = min(edges, key=lambda e: abs(e - got))
        assert abs(nearest - got) < Decimal("2.5")  # on an edge or just beside it
        seen.add("at" if got == nearest else "below" if got < nearest else "above")

    run()
    assert "at" in seen


def test_deadline_dates_are_on_the_day_or_one_day_off() -> None:
    criteria = load_criteria(ROOT / "criteria" / "namdinh-stnmt-2023.yaml")
    dues = dict(
        zip(
            criteria.node("1.2.a").rule.values or [],
            dues_of(criteria.compiled.nodes["1.2.a"]),
            strict=True,
        )
    )  # type: ignore[union-attr]

    @given(pt.deadline_dates(criteria, "1.2.a"))
    def run(dates: dict[str, dt.date]) -> None:
        assert dates.keys() == dues.keys()
        for name, day in dates.items():
            assert abs((day - dues[name]).days) <= 1

    run()


def test_counterexamples_read_like_a_score_sheet() -> None:
    criteria = load_criteria(ROOT / "criteria" / "namdinh-stnmt-2023.yaml")
    drawn: list[parindex.Submission] = []

    @settings(max_examples=1, database=None)
    @given(pt.submissions(criteria, fixed={"ho_so_tiep_nhan": 1250}))
    def run(submission: parindex.Submission) -> None:
        drawn.append(submission)

    run()
    submission = drawn[0]
    text = repr(submission)
    assert "theo Biểu 6a) (ho_so_tiep_nhan): 1250 hồ sơ" in text
    assert "Cơ quan có đơn vị sự nghiệp công lập (ĐVSNCL) (co_dvsncl): " in text
    assert re.search(r"\(ngay_ban_hanh_ke_hoach_cchc\): (\d\d/\d\d/\d{4}|không thực hiện)", text)
    assert "Submission(" not in text


# --- planted mistakes ---------------------------------------------------------------


def _headers(path: Path) -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        match = re.match(r"# expect(-[a-z]+)?: (.*)", line)
        if match:
            found.setdefault(match.group(1) or "", []).append(match.group(2))
    return found


@pytest.mark.parametrize("path", PLANTED, ids=[p.stem for p in PLANTED])
def test_planted_mistakes_are_reported_with_their_code(path: Path) -> None:
    headers = _headers(path)
    code = headers["-code"][0]
    fragments = [f for line in headers.get("", []) for f in re.findall(r'"([^"]*)"', line)]
    if "-kind" in headers:  # refused when the file loads
        with pytest.raises(CriteriaError) as refused:
            load_criteria(path)
        problems = [p for p in refused.value.problems if p.kind == headers["-kind"][0]]
        assert problems and problems[0].code == code, refused.value.describe()
        for fragment in fragments:
            assert fragment in problems[0].describe(), (fragment, problems[0].describe())
        return
    criteria = load_criteria(path)
    expected: dict[str, dict[str, pt.Direction]] = {}
    for line in headers.get("-monotonic", []):
        where, name, direction = line.split()
        expected.setdefault(where, {})[name] = direction  # type: ignore[assignment]
    edges = [line.split() for line in headers.get("-edge", [])]
    for where, value, points in edges:
        with pytest.raises(pt.InvariantViolation) as direct:
            pt.check_band_edges(criteria, where, expect={value: points})
        assert direct.value.code == code

    @settings(database=None, report_multiple_bugs=False)
    @given(pt.submissions(criteria, facts={"co_tthc": True}))
    def run(submission: parindex.Submission) -> None:
        pt.check_all(criteria, submission, expect_monotonic=expected)
        for where, value, points in edges:
            pt.check_band_edges(criteria, where, expect={value: points})

    with pytest.raises(pt.InvariantViolation) as found:
        run()
    violation = found.value
    assert violation.invariant == headers["-invariant"][0], str(violation)
    assert violation.code == code, str(violation)
    message = str(violation)
    assert message.index("[en]") > message.index(code)  # Vietnamese first
    for fragment in fragments:
        assert fragment in message, (fragment, message)


def test_violation_message_names_inputs_with_labels_and_decimal_commas() -> None:
    criteria = load_criteria(PLANTED[0].parent / "non_monotonic_bands.yaml")
    data = {
        "format": "parindex.submission/1",
        "criteria": "planted",
        "year": 2023,
        "unit": {"id": "u", "name": "Đơn vị", "level": "so", "facts": {"co_tthc": True}},
        "values": {"ho_so_tiep_nhan": 100, "ho_so_dung_han": 50, "co_ke_hoach": True},
    }
    submission = pt.GeneratedSubmission.build(criteria, data)
    with pytest.raises(pt.InvariantViolation) as info:
        pt.check_monotonic(criteria, "3.3.1", submission)
    message = str(info.value)
    assert message.startswith("Tiêu chí thành phần 3.3.1 (Tỷ lệ hồ sơ giải quyết đúng hạn): ")
    assert "tăng ho_so_dung_han (Số hồ sơ giải quyết đúng hạn) từ 79 hồ sơ lên 80 hồ sơ" in message
    assert "làm điểm giảm 0,5 → 0,25" in message
    assert "lowers the points 0,5 → 0,25" in info.value.message_en  # it said 0.5 → 0.25
    assert "ho_so_tiep_nhan (Số hồ sơ tiếp nhận) = 100 hồ sơ" in message
    # the report of the same unit is consistent: the mistake is in the rule, not the engine
    report = score(criteria, submission)
    pt.check_bounds(report)
    pt.check_sums(report, criteria)
    pt.check_not_applicable(report, criteria, submission)
    pt.check_deterministic(criteria, submission, report)


# --- the batch path and Excel (slower: fewer examples) -------------------------------

_FEW = settings(
    max_examples=max(5, settings.default.max_examples // 5),
    suppress_health_check=[HealthCheck.too_slow],
)


def _numbered(units: list[parindex.Submission]) -> list[parindex.Submission]:
    return [
        s.model_copy(update={"unit": s.unit.model_copy(update={"id": f"don-vi-{i + 1}"})})
        for i, s in enumerate(units)
    ]


def test_batch_path_equals_single_unit_path(shipped: CriteriaSet) -> None:
    @_FEW
    @given(st.lists(pt.submissions(shipped, missing=True), min_size=1, max_size=4))
    def run(units: list[parindex.Submission]) -> None:
        pt.check_batch_matches(shipped, _numbered(units))

    run()


@_FEW
@given(st.data())
def test_batch_path_on_generated_sets(data: st.DataObject) -> None:
    criteria = data.draw(pt.criteria_sets(), label="criteria")
    units = data.draw(st.lists(pt.submissions(criteria, missing=True), min_size=1, max_size=4))
    pt.check_batch_matches(criteria, _numbered(units))


def test_batch_path_with_a_proportional_target_below_one() -> None:
    # Found by the generated-set property: a divisor below 1 once reached gcd(0, 0).
    text = (ROOT / "tests" / "data" / "mini.yaml").read_text(encoding="utf-8")
    text = text.replace(
        "value: ratio(ho_so_dung_han, ho_so_tiep_nhan, 1)",
        "value: ratio(ho_so_dung_han, ho_so_tiep_nhan, 0)\n          target: 0.5",
    )
    from ruamel.yaml import YAML

    data = YAML(typ="safe", pure=True).load(text)
    criteria = parse_criteria(data, SourceMap("mini", data, {}))
    unit = {
        "format": "parindex.submission/1",
        "criteria": "mini-test",
        "year": 2023,
        "unit": {"id": "u", "name": "Đơn vị", "level": "so", "facts": {"co_tthc": True}},
        "values": {"ho_so_tiep_nhan": 0, "ho_so_dung_han": 0},
    }
    pt.check_batch_matches(criteria, [pt.GeneratedSubmission.build(criteria, unit)])


def test_excel_round_trip_is_lossless(shipped: CriteriaSet) -> None:
    @_FEW
    @given(pt.submissions(shipped, missing=True, self_scores=True))
    def run(submission: parindex.Submission) -> None:
        pt.check_excel_round_trip(shipped, submission)

    run()


@_FEW
@given(st.data())
def test_excel_round_trip_on_generated_sets(data: st.DataObject) -> None:
    criteria = data.draw(pt.criteria_sets(), label="criteria")
    submission = data.draw(pt.submissions(criteria, missing=True, self_scores=True))
    pt.check_excel_round_trip(criteria, submission)


# --- the documentation's example ----------------------------------------------------


def test_documented_example_runs_on_the_2023_set() -> None:
    example = ROOT / "docs" / "examples" / "test_bo_chi_so_cua_tinh.py"
    env = {
        **os.environ,
        "BO_TIEU_CHI": str(ROOT / "criteria" / "namdinh-stnmt-2023.yaml"),
        "SO_VI_DU": "5",
    }
    result = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", str(example)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert re.search(r"\d+ passed", result.stdout)

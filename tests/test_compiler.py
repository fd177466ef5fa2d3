"""Tests for :mod:`parindex.compiler`: what a valid set compiles to.

The refusals of the compiler are tested through the data files of
``tests/data/invalid/`` (see ``test_loader.py``); here are the compiled nodes, their
order, provenance, resolved dates and intervals, and sets built in Python.
"""

from __future__ import annotations

import copy
import datetime as dt
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from parindex.compiler import CompiledSet, compile_set, input_domain
from parindex.criteria import CriteriaSet, InputType
from parindex.errors import CriteriaError
from parindex.expressions import ValueType
from parindex.loader import load_criteria, read_document
from parindex.ranges import Interval, parse_range
from parindex.testing._rules import dues_of, intervals_of

MINI = Path(__file__).parent / "data" / "mini.yaml"

LEAVES = [
    "1.1",
    "1.2",
    "1.3",
    "1.4",
    "1.5",
    "1.6",
    "1.7",
    "2.1",
    "2.2",
    "2.3",
    "2.4",
    "3.1.a",
    "3.1.b",
    "3.1.c",
    "XHH",
]


@pytest.fixture(scope="module")
def compiled() -> CompiledSet:
    return load_criteria(MINI).compiled


def mini_data() -> dict[str, Any]:
    data, _ = read_document(MINI)
    assert isinstance(data, dict)
    return data


def variant(change: Callable[[dict[str, Any]], None]) -> tuple[CompiledSet, list[Any]]:
    """Compile a copy of the mini set after ``change`` edits its plain data."""
    data = copy.deepcopy(mini_data())
    change(data)
    return compile_set(CriteriaSet.model_validate(data))


def test_given_codes_are_the_survey_leaves_in_tree_order(compiled: CompiledSet) -> None:
    assert compiled.given_codes() == ["XHH"]
    namdinh = load_criteria(Path("criteria/namdinh-stnmt-2023.yaml")).compiled
    surveyed = [
        c
        for c, n in namdinh.nodes.items()
        if n.node.rule is not None and n.node.rule.kind == "survey"
    ]
    assert surveyed and namdinh.given_codes() == surveyed


def test_provisional_points_of_mini(compiled: CompiledSet) -> None:
    """9,5 points of mini.yaml rest on provisional values, counted by hand from the file.

    The set's default provenance is provisional, so every node inherits it unless it
    says otherwise. Area 1: all seven leaves, 0,5 + 0,5 + 1 + 1 + 0,5 + 1 + 0,5 = 5
    (1.2's deadline is stated, but its points are not). Area 2: 2.1 + 2.2 = 2; the
    bonus 2.3 and the penalty 2.4 are not part of the maximum. Area 3: 3.1.a is stated
    (its rule inherits that), 3.1.b + 3.1.c = 0,25 + 0,25. XHH: the survey, 2.
    5 + 2 + 0,5 + 2 = 9,5.
    """
    assert compiled.provisional_points() == Decimal("9.5")
    by_area = {code: compiled.provisional_points(code) for code in compiled.children[None]}
    assert by_area == {"1": 5, "2": 2, "3": Decimal("0.5"), "XHH": 2}
    provisional = [n.code for n in compiled.leaves() if n.provisional]
    assert provisional == [code for code in LEAVES if code != "3.1.a"]


def test_provisional_points_leave_out_nodes_that_do_not_apply(compiled: CompiledSet) -> None:
    def maximum(code: str) -> Decimal | None:
        return None if code == "2" else compiled.nodes[code].node.max_points

    assert compiled.provisional_points(maximum=maximum) == Decimal("7.5")
    assert compiled.provisional_points("2", maximum=maximum) == 0


def test_provenance_of_points_and_rules(compiled: CompiledSet) -> None:
    deadline = compiled.nodes["1.2"]
    assert (deadline.points_provisional, deadline.rule_provisional) == (True, False)
    stated = compiled.nodes["3.1.a"]
    assert (stated.points_provisional, stated.rule_provisional) == (False, False)
    assert not stated.provisional
    assert compiled.nodes["3.1.b"].provisional
    assert compiled.nodes["3"].points_provisional


def test_children_are_in_file_order(compiled: CompiledSet) -> None:
    assert compiled.children == {
        None: ("1", "2", "3", "XHH"),
        "1": ("1.1", "1.2", "1.3", "1.4", "1.5", "1.6", "1.7"),
        "2": ("2.1", "2.2", "2.3", "2.4"),
        "3": ("3.1",),
        "3.1": ("3.1.a", "3.1.b", "3.1.c"),
    }


def test_nodes_are_in_tree_order(compiled: CompiledSet) -> None:
    assert list(compiled.nodes)[:4] == ["1", "1.1", "1.2", "1.3"]
    assert [n.code for n in compiled.leaves()] == LEAVES
    assert list(compiled.nodes) == [n.code for n in load_criteria(MINI).walk()]


def test_parents_and_depths(compiled: CompiledSet) -> None:
    assert compiled.nodes["1"].parent is None
    assert compiled.nodes["3.1"].parent == "3"
    assert compiled.nodes["3.1.b"].parent == "3.1"
    assert [compiled.nodes[c].depth for c in ("XHH", "2.2", "3.1", "3.1.c")] == [0, 1, 1, 2]
    assert compiled.nodes["3.1.c"].path == ("nodes", 2, "children", 0, "children", 2)


def test_bonus_and_penalty_are_not_in_the_maximum(compiled: CompiledSet) -> None:
    assert not compiled.nodes["2.3"].counts_in_max
    assert not compiled.nodes["2.4"].counts_in_max
    assert compiled.nodes["2.1"].counts_in_max


def test_inputs_and_applicability(compiled: CompiledSet) -> None:
    assert compiled.nodes["1.5"].inputs == {"so_don_vi_kiem_tra", "so_don_vi"}
    node = compiled.nodes["2.2"]
    assert node.inputs == {"chi_2021", "chi_nam_nay"}
    assert node.applies_if is not None and node.applies_if.names == {"co_dvsncl"}
    assert compiled.nodes["2"].applies_if is not None
    assert compiled.nodes["1.1"].applies_if is None
    assert compiled.nodes["XHH"].inputs == frozenset()


def test_dates_and_intervals_are_resolved(compiled: CompiledSet) -> None:
    assert tuple(dues_of(compiled.nodes["1.2"])) == (dt.date(2022, 12, 31),)
    assert tuple(dues_of(compiled.nodes["1.3"])) == tuple(
        dt.date(2023, m, 15) for m in (3, 6, 9, 12)
    )
    assert len(compiled.nodes["1.3"].expressions) == 4
    assert tuple(intervals_of(compiled.nodes["1.4"])) == (
        parse_range("100%"),
        parse_range("từ 80% đến dưới 100%"),
        parse_range("dưới 80%"),
    )
    assert tuple(intervals_of(compiled.nodes["1.5"])) == (
        Interval(Decimal(30), False, None, False),
    )


def test_environment_constraints_and_classification(compiled: CompiledSet) -> None:
    assert compiled.env["co_dvsncl"].type == ValueType.BOOL
    assert compiled.env["ty_le_hoan_thanh"].type == ValueType.NUMBER
    assert compiled.env["ngay_ke_hoach"].type == ValueType.DATE
    assert compiled.env["cap_sang_kien"].choices == {"khong", "co_so", "tinh"}
    assert [message for _, message in compiled.constraints] == [
        "Số đơn vị được kiểm tra không vượt quá số đơn vị",
        "Số hồ sơ đúng hạn không vượt quá số hồ sơ tiếp nhận",
    ]
    assert [label for label, _ in compiled.classification] == ["Nhóm I", "Nhóm II", "Nhóm III"]


def test_input_domains() -> None:
    assert input_domain(InputType.PERCENT) == parse_range("từ 0 đến 100")
    assert input_domain(InputType.RATIO) == parse_range("từ 0 đến 1")
    assert input_domain(InputType.COUNT) == parse_range("từ 0 trở lên")
    assert input_domain(InputType.AMOUNT) == Interval(None, False, None, False)


# --- sets built in Python ----------------------------------------------------------------


def node(data: dict[str, Any], *indices: int) -> dict[str, Any]:
    found: dict[str, Any] = data["nodes"][indices[0]]
    for index in indices[1:]:
        found = found["children"][index]
    return found


def test_mini_built_in_python_compiles_without_issues() -> None:
    compiled, issues = variant(lambda data: None)
    assert issues == []
    assert compiled.provisional_points() == Decimal("9.5")


def test_compiled_property_of_a_bad_set_raises_every_problem() -> None:
    def breaks(data: dict[str, Any]) -> None:
        data["total_max"] = 11
        node(data, 0, 0)["rule"]["value"] = "co_ke_hoch"

    data = copy.deepcopy(mini_data())
    breaks(data)
    criteria = CriteriaSet.model_validate(data)
    with pytest.raises(CriteriaError) as info:
        _ = criteria.compiled
    assert sorted(info.value.kinds()) == ["total_mismatch", "unknown_name"]
    unknown = next(p for p in info.value.problems if p.kind == "unknown_name")
    assert unknown.code == "1.1"
    assert unknown.file is None
    assert "có phải ý bạn là co_ke_hoach" in unknown.message


def test_issues_carry_the_path_of_the_value() -> None:
    def breaks(data: dict[str, Any]) -> None:
        node(data, 0, 3)["rule"]["bands"][2]["when"] = "dưới 70%"

    _, issues = variant(breaks)
    [issue] = issues
    assert issue.kind == "band_coverage"
    assert issue.path == ("nodes", 0, "children", 3, "rule", "bands")
    assert issue.code == "1.4"
    assert "khoảng trống: từ 70 đến dưới 80" in issue.message
    assert issue.message_en


def test_capped_sum_and_max_aggregations() -> None:
    def capped(data: dict[str, Any]) -> None:
        area = node(data, 0)
        area["aggregation"] = "capped_sum"
        area["max_points"] = 4
        data["total_max"] = 9

    compiled, issues = variant(capped)
    assert issues == []
    assert compiled.provisional_points("1") == 4  # children add to 5, capped at 4

    def alternatives(data: dict[str, Any]) -> None:
        parent = node(data, 2, 0)
        parent["aggregation"] = "max"
        parent["max_points"] = "0,5"
        for child in parent["children"]:
            child["max_points"] = "0,5"
        data["total_max"] = "9,5"
        node(data, 2)["max_points"] = "0,5"

    compiled, issues = variant(alternatives)
    assert issues == []
    assert compiled.provisional_points("3.1") == Decimal("0.5")  # best alternative, once


def test_bands_domain_follows_the_value() -> None:
    def on_ratio(data: dict[str, Any]) -> None:
        node(data, 0, 3)["rule"]["value"] = "ratio(so_don_vi_kiem_tra, so_don_vi, 1)"
        node(data, 0, 3)["rule"]["bands"] = [
            {"when": "1", "points": 1},
            {"when": "từ 0,8 đến dưới 1", "points": "0,5"},
            {"when": "dưới 0,8", "points": 0},
        ]

    assert variant(on_ratio)[1] == []

    def on_amount(data: dict[str, Any]) -> None:
        node(data, 0, 3)["rule"]["value"] = "chi_nam_nay - chi_2021"
        node(data, 0, 3)["rule"]["bands"] = [
            {"when": "dưới 0", "points": 1},
            {"when": "từ 0 trở lên", "points": 0},
        ]

    assert variant(on_amount)[1] == []

    def explicit(data: dict[str, Any]) -> None:
        node(data, 0, 3)["rule"]["value"] = "so_don_vi"
        node(data, 0, 3)["rule"]["domain"] = "từ 0 đến 10"
        node(data, 0, 3)["rule"]["bands"] = [
            {"when": "từ 5 đến 10", "points": 1},
            {"when": "dưới 5", "points": 0},
        ]

    assert variant(explicit)[1] == []

    def explicit_gap(data: dict[str, Any]) -> None:
        explicit(data)
        node(data, 0, 3)["rule"]["bands"][0]["when"] = "từ 5 đến dưới 10"

    [issue] = variant(explicit_gap)[1]
    assert issue.kind == "band_coverage"
    assert "khoảng trống: 10" in issue.message


def test_stated_default_provenance_makes_nothing_provisional() -> None:
    def stated(data: dict[str, Any]) -> None:
        data["provenance"] = {"status": "stated", "source": "test-source"}
        node(data, 2, 0, 1)["provenance"] = {"status": "provisional", "rationale": "Giả định"}

    compiled, issues = variant(stated)
    assert issues == []
    assert compiled.provisional_points() == Decimal("0.25")

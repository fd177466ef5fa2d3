"""The engine: exact aggregation, applicability, missing inputs, renderers."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from parindex import CriteriaSet, ScoreReport, Status, load_criteria, score
from parindex.loader import SourceMap
from parindex.submission import parse_submission

DATA = Path(__file__).parent / "data"


@pytest.fixture(scope="module")
def mini() -> CriteriaSet:
    return load_criteria(DATA / "mini.yaml")


def unit(facts: dict[str, bool], values: dict[str, Any], **extra: Any) -> Any:
    data = {
        "format": "parindex.submission/1",
        "criteria": "mini-test",
        "year": 2023,
        "unit": {"id": "u", "name": "U", "level": "so", "facts": facts},
        "values": values,
        **extra,
    }
    return parse_submission(data, SourceMap("<test>", data, {}))


FULL: dict[str, Any] = {
    "co_ke_hoach": True,
    "ty_le_hoan_thanh": 100,
    "so_don_vi": 4,
    "so_don_vi_kiem_tra": 2,
    "ho_so_tiep_nhan": 3,
    "ho_so_dung_han": 1,
    "ngay_ke_hoach": "2022-12-01",
    "ngay_bc_quy_1": "2023-03-01",
    "ngay_bc_6_thang": "2023-06-01",
    "ngay_bc_quy_3": "2023-09-01",
    "ngay_bc_nam": "2023-12-01",
    "cap_sang_kien": "tinh",
    "so_vu_ky_luat": 0,
    "so_giai_thuong": 0,
    "so_vi_pham": 0,
    "chi_2021": 100,
    "chi_nam_nay": 90,
}


def check_sums(report: ScoreReport) -> None:
    for node in report.nodes:
        children = [c for c in report.children(node.code) if c.points is not None]
        if (
            children
            and node.points is not None
            and not any(c.rule in ("bonus", "penalty") for c in children)
        ):
            assert node.points == sum(
                (c.points for c in children if c.points is not None), Decimal(0)
            ), node.code
    assert report.total == sum((a.points or Decimal(0) for a in report.areas), Decimal(0))


def test_full_marks_and_exact_sums(mini: CriteriaSet) -> None:
    report = score(mini, unit({"co_dvsncl": True, "co_tthc": True}, FULL, survey={"XHH": 2}))
    check_sums(report)
    assert report.complete
    # 2.1 is 1/3 of a point: rounded half up to 0.33 at the leaf, then summed exactly.
    assert report.node("2.1").points == Decimal("0.33")
    assert report.total == Decimal("9.33")
    assert report.index == Decimal("93.30")
    assert report.band == "Nhóm I"


def test_not_applicable_leaves_the_maximum(mini: CriteriaSet) -> None:
    report = score(mini, unit({"co_dvsncl": False, "co_tthc": False}, FULL, survey={"XHH": 2}))
    assert report.node("2").status == Status.NOT_APPLICABLE
    assert all(report.node(c).status == Status.NOT_APPLICABLE for c in ("2.1", "2.2", "2.3"))
    assert report.max_points == Decimal(8)
    assert report.total == Decimal(8)
    assert report.index == Decimal("100.00")


def test_missing_inputs_are_never_zero(mini: CriteriaSet) -> None:
    values = {k: v for k, v in FULL.items() if k not in ("ty_le_hoan_thanh",)}
    report = score(mini, unit({"co_dvsncl": True}, values))
    assert report.node("1.4").points is None
    assert report.node("1.4").status == Status.MISSING_INPUT
    assert report.node("2").status == Status.MISSING_INPUT  # co_tthc unknown
    names = {m.name for m in report.missing_inputs}
    assert names == {"ty_le_hoan_thanh", "co_tthc", "survey"}
    assert report.undetermined_points == Decimal(1) + Decimal(2) + Decimal(2)
    assert not report.complete


def test_json_round_trip_and_frame(mini: CriteriaSet) -> None:
    report = score(mini, unit({"co_dvsncl": True, "co_tthc": True}, FULL))
    again = ScoreReport.model_validate_json(report.to_json())
    assert again == report
    frame = report.to_frame()
    assert list(frame["code"]) == [n.code for n in report.nodes]
    row = frame["code"] == "2.1"
    assert frame.loc[row, "exact:points"].item() == Decimal("0.33")
    assert frame.loc[row, "points"].item() == 0.33  # float64 for analysis


def test_explain_in_both_languages(mini: CriteriaSet) -> None:
    report = score(mini, unit({"co_dvsncl": True, "co_tthc": True}, FULL))
    assert "thuộc khoảng 100%" in report.explain("1.4")
    assert "is in the band 100%" in report.explain("1.4", "en")
    with pytest.raises(KeyError):
        report.explain("9.9")


def test_a_parent_whose_parts_all_do_not_apply_does_not_apply() -> None:
    from parindex.batch import score_many
    from parindex.loader import parse_criteria

    leaf = {"kind": "criterion", "rule": {"kind": "check", "value": "co_ke_hoach"}}
    data: dict[str, Any] = {
        "format": "parindex.criteria/1",
        "id": "na-test",
        "title": "Thử",
        "province": "Tỉnh Thử",
        "levels": ["so"],
        "year": 2023,
        "total_max": 3,
        "provenance": {"status": "provisional", "rationale": "kiểm thử"},
        "facts": [{"name": "co_dvsncl", "label": "Có ĐVSNCL"}],
        "inputs": [{"name": "co_ke_hoach", "type": "yes_no", "label": "Có kế hoạch"}],
        "nodes": [
            {
                "code": "1",
                "kind": "area",
                "title": "A",
                "max_points": 3,
                "children": [
                    {**leaf, "code": "1.1", "title": "Chung", "max_points": 1},
                    {
                        "code": "1.2",
                        "kind": "criterion",
                        "title": "Chỉ khi có ĐVSNCL",
                        "max_points": 2,
                        "children": [
                            {
                                **leaf,
                                "kind": "sub_criterion",
                                "code": f"1.2.{i}",
                                "title": f"Phần {i}",
                                "max_points": 1,
                                "applies_if": "co_dvsncl",
                            }
                            for i in (1, 2)
                        ],
                    },
                ],
            }
        ],
    }
    criteria = parse_criteria(data, SourceMap("<na-test>", data, {}))
    sub = parse_submission(
        {
            "format": "parindex.submission/1",
            "criteria": "na-test",
            "year": 2023,
            "unit": {"id": "u", "name": "U", "level": "so", "facts": {"co_dvsncl": False}},
            "values": {"co_ke_hoach": True},
        },
        SourceMap("<test>", {}, {}),
    )
    report = score(criteria, sub)
    assert report.node("1.2").status == Status.NOT_APPLICABLE
    area = report.node("1")
    assert area.status == Status.SCORED  # not "partial": nothing is undetermined
    assert (area.points, area.max_points, report.index) == (
        Decimal(1),
        Decimal(1),
        Decimal("100.00"),
    )
    wide = score_many(criteria, [sub])
    assert wide["1"].iloc[0] == Decimal(1) and wide["max_points"].iloc[0] == Decimal(1)


def test_applicability_is_decided_without_a_missing_fact_when_it_can_be() -> None:
    from parindex.batch import score_many
    from parindex.loader import parse_criteria

    data: dict[str, Any] = {
        "format": "parindex.criteria/1",
        "id": "and-test",
        "title": "Thử",
        "province": "Tỉnh Thử",
        "levels": ["so"],
        "year": 2023,
        "total_max": 2,
        "provenance": {"status": "provisional", "rationale": "kiểm thử"},
        "facts": [{"name": "a", "label": "A"}, {"name": "b", "label": "B"}],
        "inputs": [{"name": "x", "type": "yes_no", "label": "X"}],
        "nodes": [
            {
                "code": "1",
                "kind": "area",
                "title": "A",
                "max_points": 2,
                "children": [
                    {
                        "code": f"1.{i}",
                        "kind": "criterion",
                        "title": when,
                        "max_points": 1,
                        "applies_if": when,
                        "rule": {"kind": "check", "value": "x"},
                    }
                    for i, when in ((1, "a and b"), (2, "b or not a"))
                ],
            }
        ],
    }
    criteria = parse_criteria(data, SourceMap("<and-test>", data, {}))
    units = [
        parse_submission(
            {
                "format": "parindex.submission/1",
                "criteria": "and-test",
                "year": 2023,
                "unit": {"id": f"u{a}", "name": "U", "level": "so", "facts": {"a": a}},
                "values": {"x": True},
            },
            SourceMap("<test>", {}, {}),
        )
        for a in (False, True)
    ]
    without_a, with_a = (score(criteria, u) for u in units)
    # a is false: "a and b" cannot hold and "b or not a" holds, whatever b is.
    assert without_a.node("1.1").status == Status.NOT_APPLICABLE
    assert without_a.node("1.2").points == Decimal(1)
    assert without_a.complete and without_a.index == Decimal("100.00")
    # a is true: both depend on the missing b.
    assert with_a.node("1.1").status == with_a.node("1.2").status == Status.MISSING_INPUT
    assert [m.name for m in with_a.missing_inputs] == ["b"]
    wide = score_many(criteria, units)
    assert list(wide["total"]) == [without_a.total, with_a.total]
    assert list(wide["undetermined_points"]) == [0, 2]


def test_an_enum_input_shows_its_choice_in_words(mini: CriteriaSet) -> None:
    """The report shows a choice as the set words it ('Cấp tỉnh'), never its code ('tinh'),
    in the usual and the careful path; the value as data keeps the code."""
    from parindex import engine

    for careful in (False, True):
        engine._CAREFUL = careful
        try:
            report = score(mini, unit({}, FULL))
        finally:
            engine._CAREFUL = False
        (shown,) = [i for n in report.nodes for i in n.inputs if i.name == "cap_sang_kien"]
        assert (shown.value, shown.display) == ("tinh", "Cấp tỉnh")


def test_a_parent_counts_its_parts_not_applicable_in_english(mini: CriteriaSet) -> None:
    """English counts its parts as English does: "1 part", "2 parts", never "part(s)"."""
    report = score(mini, unit({"co_dvsncl": False, "co_tthc": True}, FULL, survey={"XHH": 2}))
    assert report.node("2.2").status == Status.NOT_APPLICABLE
    assert report.node("2").explanation_en.endswith("; 1 part not applicable")
    assert report.node("2").explanation.endswith("; 1 nội dung không áp dụng")

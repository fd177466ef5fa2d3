"""Rankings: competition ranks within groups (one ranking for CLI, API, Excel), each level's bands at their exact edges."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path
from typing import Any

import pandas as pd
import pytest

from parindex import CriteriaSet, score
from parindex.batch import score_many
from parindex.frames import exact
from parindex.loader import SourceMap, parse_criteria
from parindex.ranking import competition_ranks
from parindex.ranking import rank as _rank
from parindex.submission import Submission, parse_submission


def rank(*args: Any, **kwargs: Any) -> pd.DataFrame:
    """The ranking's exact columns: these tests compare exact decimals."""
    return exact(_rank(*args, **kwargs))


# One expression leaf worth 100 points: a unit's index is exactly its ``diem``.
SET: dict[str, Any] = {
    "format": "parindex.criteria/1",
    "id": "rank-test",
    "title": "Bộ thử xếp hạng",
    "province": "Tỉnh Thử",
    "levels": ["so", "huyen"],
    "year": 2023,
    "total_max": 100,
    "provenance": {"status": "provisional", "rationale": "kiểm thử"},
    "classification": [
        {"label": "Nhóm I", "range": "từ 90% trở lên", "level": "so"},
        {"label": "Nhóm II", "range": "từ 80% đến dưới 90%", "level": "so"},
        {"label": "Nhóm III", "range": "dưới 80%", "level": "so"},
        {"label": "Nhóm I", "range": "từ 80% trở lên", "level": "huyen"},
        {"label": "Nhóm II", "range": "từ 70% đến dưới 80%", "level": "huyen"},
        {"label": "Nhóm III", "range": "dưới 70%", "level": "huyen"},
    ],
    "inputs": [
        {"name": "diem", "type": "amount", "label": "Điểm"},
        {"name": "diem_b", "type": "amount", "label": "Điểm phần B"},
    ],
    "nodes": [
        {
            "code": "1",
            "kind": "area",
            "title": "PHẦN A",
            "max_points": 90,
            "children": [
                {
                    "code": "1.1",
                    "kind": "criterion",
                    "title": "Điểm A",
                    "max_points": 90,
                    "rule": {"kind": "expression", "value": "diem"},
                }
            ],
        },
        {
            "code": "2",
            "kind": "area",
            "title": "PHẦN B",
            "max_points": 10,
            "children": [
                {
                    "code": "2.1",
                    "kind": "criterion",
                    "title": "Điểm B",
                    "max_points": 10,
                    "rule": {"kind": "expression", "value": "diem_b"},
                }
            ],
        },
    ],
}


@pytest.fixture(scope="module")
def criteria() -> CriteriaSet:
    return parse_criteria(SET, SourceMap("<rank-test>", SET, {}))


def unit(
    unit_id: str, level: str, a: str, b: str | None = "10", group: str | None = None
) -> Submission:
    data = {
        "format": "parindex.submission/1",
        "criteria": "rank-test",
        "year": 2023,
        "unit": {
            "id": unit_id,
            "name": unit_id.upper(),
            "level": level,
            **({"group": group} if group else {}),
        },
        "values": {"diem": a, "diem_b": b},
    }
    return parse_submission(data, SourceMap("<test>", data, {}))


def test_bands_of_each_level_at_their_exact_edges(criteria: CriteriaSet) -> None:
    units = [
        unit("s90", "so", "80"),  # 90,00% → Nhóm I
        unit("s8999", "so", "79,99"),  # 89,99% → Nhóm II
        unit("s80", "so", "70"),  # 80,00% → Nhóm II
        unit("s7999", "so", "69,99"),  # 79,99% → Nhóm III
        unit("h80", "huyen", "70"),  # 80,00% → Nhóm I for districts
        unit("h7999", "huyen", "69,99"),  # 79,99% → Nhóm II
        unit("h70", "huyen", "60"),  # 70,00% → Nhóm II
        unit("h6999", "huyen", "59,99"),  # 69,99% → Nhóm III
    ]
    scores = score_many(criteria, units)
    bands = dict(zip(scores["unit"], scores["band"], strict=True))
    assert bands == {
        "s90": "Nhóm I",
        "s8999": "Nhóm II",
        "s80": "Nhóm II",
        "s7999": "Nhóm III",
        "h80": "Nhóm I",
        "h7999": "Nhóm II",
        "h70": "Nhóm II",
        "h6999": "Nhóm III",
    }
    # The single-unit engine classifies by level the same way.
    assert {u.unit.id: score(criteria, u).band for u in units} == bands


def test_equal_indices_share_a_rank_and_the_next_counts_those_above(
    criteria: CriteriaSet,
) -> None:
    units = [
        unit("a", "so", "80"),
        unit("b", "so", "85"),
        unit("c", "so", "80"),
        unit("d", "so", "70,5"),
    ]
    table = rank(score_many(criteria, units), criteria)
    assert list(table["unit"]) == ["b", "a", "c", "d"]
    assert list(table["rank"]) == [1, 2, 2, 4]
    assert table.loc[table["unit"] == "b", "index"].iloc[0] == Decimal("95.00")


def test_each_group_is_ranked_on_its_own(criteria: CriteriaSet) -> None:
    units = [
        unit("s1", "so", "50"),
        unit("h1", "huyen", "60"),
        unit("s2", "so", "60"),
        unit("h2", "huyen", "20"),
        unit("x1", "huyen", "10", group="thi-xa"),
    ]
    table = rank(score_many(criteria, units), criteria)
    assert list(zip(table["group"], table["rank"], table["unit"], strict=True)) == [
        ("so", 1, "s2"),
        ("so", 2, "s1"),
        ("huyen", 1, "h1"),
        ("huyen", 2, "h2"),
        ("thi-xa", 1, "x1"),
    ]


def test_area_sub_indices_are_exact_percentages(criteria: CriteriaSet) -> None:
    table = rank(score_many(criteria, [unit("a", "so", "30", "2,5")]), criteria)
    assert table["area:1"].iloc[0] == Decimal("33.33")
    assert table["area:2"].iloc[0] == Decimal("25.00")


def test_a_unit_with_undetermined_points_keeps_its_rank_but_no_band(criteria: CriteriaSet) -> None:
    units = [unit("a", "so", "85", None), unit("b", "so", "80")]
    table = rank(score_many(criteria, units), criteria)
    a = table[table["unit"] == "a"].iloc[0]
    # 85/100 = 85,00% now (Nhóm II), up to 95,00% (Nhóm I) once diem_b is known: no band.
    assert a["index"] == Decimal("85.00")
    assert a["band"] is pd.NA
    assert not a["complete"]
    assert list(table["unit"]) == ["b", "a"]


def test_ranking_by_total_and_bad_arguments(criteria: CriteriaSet) -> None:
    scores = score_many(criteria, [unit("a", "so", "80"), unit("b", "so", "85")])
    assert list(rank(scores, criteria, on="total")["unit"]) == ["b", "a"]
    with pytest.raises(KeyError, match="tinh"):
        rank(scores, criteria, by="tinh")


def test_competition_ranks_within_groups() -> None:
    keys = [("so", Decimal(90)), ("so", Decimal(90)), ("so", Decimal(80)), ("xa", Decimal(1))]
    keys += [("so", None), ("so", Decimal(95))]
    assert competition_ranks(keys) == [2, 2, 4, 1, None, 1]
    assert competition_ranks([]) == []


def test_cli_api_and_excel_summary_rank_ties_alike(criteria: CriteriaSet, tmp_path: Path) -> None:
    """``parindex rank``, ``parindex.rank`` and the workbook's summary sheet: one ranking."""
    from click.testing import CliRunner
    from openpyxl import load_workbook

    from parindex.cli import main
    from parindex.excel import SUMMARY_SHEET, export_workbook

    units = [unit("a", "so", "80"), unit("b", "so", "85"), unit("c", "so", "80")]
    units += [unit("d", "so", "70,5"), unit("e", "so", "85"), unit("f", "so", "60")]
    api = dict(
        zip(
            *(rank(score_many(criteria, units), criteria)[k] for k in ("unit", "rank")), strict=True
        )
    )
    assert api == {"b": 1, "e": 1, "a": 3, "c": 3, "d": 5, "f": 6}

    # JSON is YAML: the files are written as JSON and read by the YAML loader
    (tmp_path / "set.yaml").write_text(json.dumps(SET, ensure_ascii=False), encoding="utf-8")
    folder = tmp_path / "units"
    folder.mkdir()
    for one in units:
        data = one.model_dump(mode="json", exclude_none=True, exclude_defaults=True)
        data["format"] = "parindex.submission/1"
        (folder / f"{one.unit.id}.yaml").write_text(json.dumps(data, ensure_ascii=False))
    result = CliRunner().invoke(
        main, ["rank", str(tmp_path / "set.yaml"), str(folder), "--format", "json"]
    )
    assert result.exit_code == 0, result.output
    cli = {row["unit"]: row["rank"] for row in json.loads(result.stdout)}
    assert cli == api

    book = export_workbook(criteria, units, tmp_path / "tong-hop.xlsx")
    workbook = load_workbook(book, read_only=True)  # read-only keeps the file open: close it
    try:
        rows = list(workbook[SUMMARY_SHEET].iter_rows(values_only=True))
    finally:
        workbook.close()
    head = next(i for i, r in enumerate(rows) if r and r[0] == "Nhóm")
    column_rank, column_id = rows[head].index("Hạng"), rows[head].index("Mã đơn vị")
    excel = {r[column_id]: r[column_rank] for r in rows[head + 1 :] if r and r[column_id]}
    assert excel == api


def test_a_ranking_reads_only_its_columns_and_their_exact_twins(criteria: CriteriaSet) -> None:
    """The score frame as ``score_many`` gives it (floats with ``exact:`` twins), its exact
    form, and the same with other columns around, or the twins alone under their names:
    one ranking, exact to the digit (the floats are never what is ranked)."""
    units = [unit("a", "so", "30", "2,5"), unit("b", "so", "85", None), unit("c", "huyen", "80")]
    scores = score_many(criteria, units)
    expected = rank(scores, criteria)
    assert rank(exact(scores), criteria).equals(expected)
    noisy = scores.assign(other=1.5, **{"exact:other": scores["exact:total"]})
    assert rank(noisy, criteria).equals(expected)
    wrong = scores.assign(total=0.0, index=0.0)  # floats that disagree: the twins count
    assert rank(wrong, criteria).equals(expected)
    only_twins = scores.drop(columns=["total", "index", "1", "max:1"])
    assert rank(only_twins, criteria).equals(expected)
    with pytest.raises(KeyError, match="group") as error:
        rank(scores.drop(columns=["group"]), criteria)
    assert "exact:" not in str(error.value).split("có: ")[1]


def test_sub_indices_worked_out_once_a_pair_are_each_units() -> None:
    from parindex.ranking import _sub_index, _sub_indices

    points: list[Any] = [Decimal("30"), Decimal("30"), None, Decimal("2.5"), [1], Decimal("30")]
    tops: list[Any] = [Decimal("90"), Decimal("90"), Decimal("90"), Decimal("10"), Decimal(9), 0]
    found = _sub_indices(points, tops)
    assert found == [_sub_index(p, m) for p, m in zip(points, tops, strict=True)]
    assert found == [Decimal("33.33"), Decimal("33.33"), None, Decimal("25.00"), None, None]

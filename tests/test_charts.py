"""Charts: one matplotlib layer rendering SVG for the page and PNG for Word."""

from __future__ import annotations

import dataclasses
import re
from decimal import Decimal
from pathlib import Path

import pytest
from matplotlib.text import Text

from parindex import charts, load_criteria, load_submission
from parindex.results import ProvinceResults, province_results

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def results() -> ProvinceResults:
    criteria = load_criteria(ROOT / "criteria" / "namdinh-stnmt-2023.yaml")
    submissions = [load_submission(p) for p in sorted((ROOT / "evidence").glob("*-2023.yaml"))]
    current = province_results(criteria, submissions)
    rows = [
        dataclasses.replace(r, previous_index=(r.index or Decimal(0)) - 2, previous_rank=r.rank)
        for r in current.rows
    ]
    return dataclasses.replace(current, rows=rows, previous_year=2022)


def test_every_chart_renders_as_svg_with_text_and_as_png(results: ProvinceResults) -> None:
    made = {
        "ranking": charts.ranking(results),
        "distribution": charts.distribution(results),
        "areas": charts.area_means(results),
        "yoy": charts.year_over_year(results),
    }
    for name, figure in made.items():
        svg = charts.svg(figure)
        assert svg.startswith("<svg") and "</svg>" in svg, name
        assert not re.search(r"""(href|src)=["']?https?:|url\(https?:|@import""", svg), name
        assert charts.png(figure, dpi=40).startswith(b"\x89PNG"), name
    ranking_svg = charts.svg(made["ranking"])
    assert "Sở, ban, ngành" in ranking_svg and "Nhóm I" in ranking_svg  # text kept as text
    assert "2022" in charts.svg(made["yoy"])


def test_english_labels(results: ProvinceResults) -> None:
    assert "Departments" in charts.svg(charts.ranking(results, language="en"))
    assert "Distribution" in charts.svg(charts.distribution(results, language="en"))


def test_english_charts_name_the_classes_as_the_english_table_does(
    results: ProvinceResults,
) -> None:
    """The page's table says "Group I" (``messages.band``): its charts' class lines, legend
    and shaded bands say it too, never the Vietnamese "Nhóm I"."""
    for figure in (
        charts.ranking(results, language="en"),
        charts.distribution(results, language="en"),
    ):
        shown = {t.get_text() for t in figure.findobj(Text)}
        assert {"Group I", "Group II", "Group III"} <= shown
        assert not any("Nhóm" in t for t in shown)


def test_a_large_group_is_ranked_by_numbers_not_names(results: ProvinceResults) -> None:
    """Over 60 units a bar chart of names is unreadable: bars carry rank numbers instead."""
    base = next(r for r in results.rows if r.index is not None)
    rows = [
        dataclasses.replace(base, unit=f"u{i}", name=f"Xã số {i}", rank=i + 1) for i in range(80)
    ]
    many = dataclasses.replace(results, rows=rows)
    text = charts.svg(charts.ranking(many, base.group))
    labels = re.findall(r"<text[^>]*>([^<]*)</text>", text)
    assert not [t for t in labels if "Xã số" in t]
    assert "Hạng" in labels
    assert {"1", "5", "77"} <= set(labels)  # every fourth rank of 80

"""Tests for :mod:`parindex.cli_render`: the terminal tables as a person reads them at 80
columns (rich renders them to text here)."""

from __future__ import annotations

import io
from itertools import pairwise
from pathlib import Path

import pytest
from rich.console import Console
from rich.table import Table

from parindex import load_criteria, load_submission, score
from parindex.cli_render import set_summary, totals_table
from parindex.criteria import CriteriaSet

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def criteria() -> CriteriaSet:
    return load_criteria(ROOT / "criteria" / "namdinh-stnmt-2023.yaml")


def _shown(table: Table) -> list[str]:
    console = Console(width=80, file=io.StringIO(), color_system=None, highlight=False)
    console.print(table)
    shown = console.file.getvalue()  # type: ignore[attr-defined]
    return str(shown).splitlines()


def test_a_band_not_yet_decided_is_said_in_words(criteria: CriteriaSet) -> None:
    """Missing figures that could still change the band: "Chưa xác định", as the reports
    and the form say it, not a bare "?"."""
    reports = [
        score(criteria, load_submission(p)) for p in sorted(ROOT.glob("evidence/*-2023.yaml"))
    ]
    undecided = [r.unit.name for r in reports if r.band is None]
    assert undecided  # Sở Tư pháp, Sở Ngoại vụ (mẫu)
    lines = _shown(totals_table(reports))
    assert all(len(line) <= 80 for line in lines)
    for name in undecided:
        row = next(line for line in lines if name in line)
        assert "Chưa xác định" in row and "?" not in row


@pytest.mark.parametrize("language", ["vi", "en"])
def test_the_totals_table_fits_80_columns_whole(criteria: CriteriaSet, language: str) -> None:
    """``score --summary`` in English lost its last column's right half at 80 columns (the
    one-word headers "Undetermined" and "Provisional" over figures made it 84 wide)."""
    reports = [
        score(criteria, load_submission(p)) for p in sorted(ROOT.glob("evidence/*-2023.yaml"))
    ]
    lines = _shown(totals_table(reports, language))
    assert all(line.rstrip()[-1] in "┓┃┩│┘" for line in lines[1:]), "\n".join(lines)


def test_the_set_summary_reads_area_titles_from_the_left(criteria: CriteriaSet) -> None:
    lines = _shown(set_summary(criteria, "vi"))
    row = next(line for line in lines if "CẢI CÁCH THỂ CHẾ" in line)
    assert row.split("│")[2].startswith(" CẢI CÁCH THỂ CHẾ")


def test_the_review_summary_gives_area_titles_the_width(criteria: CriteriaSet) -> None:
    """Points over their percentage, so at 80 columns an area's title takes at most three
    lines (area 7 took six, "15,75 (78,75%)" broke anywhere)."""
    from parindex.cli_render import review_tables
    from parindex.review import review

    unit = load_submission(ROOT / "evidence" / "so-tu-phap-mau-2023.yaml")
    lines = _shown(review_tables(review(criteria, unit), "vi", False)[2])
    assert all(len(line) <= 80 for line in lines)
    starts = [i for i, line in enumerate(lines) if line.startswith("│ ") and line[2] != " "]
    heights = [b - a for a, b in pairwise(starts)]
    assert heights and max(heights) <= 4  # XHH's long title: four lines
    area_7 = lines[next(i for i in starts if lines[i].startswith("│ 7 "))]
    assert "XÂY DỰNG VÀ PHÁT TRIỂN" in area_7 and "14,5 " in area_7 and "%" not in area_7


def test_the_review_summary_names_its_total_once(criteria: CriteriaSet) -> None:
    """The review's total row is "TỔNG / TỔNG ĐIỂM" in its data; the table names it once, by
    its name, as the criteria summary does: "TOTAL" in English, "TỔNG ĐIỂM" with no "TỔNG"
    code beside it in Vietnamese."""
    from parindex.cli_render import review_tables
    from parindex.review import review

    result = review(criteria, load_submission(ROOT / "evidence" / "so-tu-phap-mau-2023.yaml"))
    english = _shown(review_tables(result, "en", False)[2])
    assert not any("TỔNG" in line for line in english)
    assert any(line.replace(" ", "").startswith("││TOTAL│") for line in english)
    vietnamese = _shown(review_tables(result, "vi", False)[2])
    assert any(line.replace(" ", "").startswith("││TỔNGĐIỂM│") for line in vietnamese)
    assert not any(line.startswith("│ TỔNG ") for line in vietnamese)

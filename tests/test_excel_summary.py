"""The summary and findings sheets (``parindex/excel_summary.py``): what prints whole."""

from __future__ import annotations

import re
from pathlib import Path

import openpyxl
import pytest
from openpyxl.utils import get_column_letter

from parindex import CriteriaSet, export_workbook, load_criteria, load_submission
from parindex.excel_layout import FINDINGS_SHEET, SUMMARY_SHEET
from parindex.excel_style import _word_width, column_points

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def criteria() -> CriteriaSet:
    return load_criteria(ROOT / "criteria" / "namdinh-stnmt-2023.yaml")


def samples() -> list[Path]:
    return sorted((ROOT / "evidence").glob("*-2023.yaml"))


def width(sheet: openpyxl.worksheet.worksheet.Worksheet, column: int) -> float:
    """A column's width as the export set it (the file holds it with 5 pixels of padding)."""
    pixels = round(sheet.column_dimensions[get_column_letter(column)].width * 7)
    return (pixels - 5) / 7


def cut_words(sheet: openpyxl.worksheet.worksheet.Worksheet, row: int) -> list[str]:
    """The words of ``row`` wider than their column by the (generous) estimate of
    :func:`~parindex.excel_style.text_lines`: LibreOffice and Excel break them."""
    cut = []
    for cell in sheet[row]:
        if not isinstance(cell.value, str):
            continue
        room = column_points(width(sheet, cell.column))
        size = cell.font.sz or 11
        words = re.split(r"\s+|(?<=-)", cell.value)  # a line may break after a hyphen
        cut += [w for w in words if _word_width(w) * size > room]
    return cut


@pytest.mark.parametrize("language", ["vi", "en"])
def test_no_word_of_a_head_or_a_class_is_cut(
    criteria: CriteriaSet, tmp_path: Path, language: str
) -> None:
    """English heads printed "Comput / ed", "Undeter / mined", "Maximu / m", and the class
    "undetermin / ed": each word of a bold head, and of the class column, fits its column."""
    units = [load_submission(p) for p in samples()]
    path = export_workbook(criteria, units, tmp_path / "all.xlsx", language=language)
    workbook = openpyxl.load_workbook(path)
    summary = workbook[SUMMARY_SHEET]
    head = next(r[0].row for r in summary.iter_rows(max_row=10) if r[1].value in ("Hạng", "Rank"))
    assert cut_words(summary, head) == []
    classes = next(c for c in summary[head] if c.value in ("Xếp loại", "Class")).column
    for row in range(head + 1, head + 1 + len(units)):
        value = summary.cell(row, classes).value
        room = column_points(width(summary, classes))
        assert all(_word_width(w) * 10 <= room for w in str(value).split()), value
    assert cut_words(workbook[FINDINGS_SHEET], 1) == []

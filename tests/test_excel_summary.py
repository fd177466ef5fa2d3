"""The summary and findings sheets (``parindex/excel_summary.py``): what prints whole."""

from __future__ import annotations

import re
import tempfile
from decimal import Decimal
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import openpyxl
import pytest
import xlsxwriter
from hypothesis import given, settings
from hypothesis import strategies as st
from openpyxl.utils import get_column_letter

from parindex import CriteriaSet, export_workbook, load_criteria, load_submission
from parindex.excel_layout import FINDINGS_SHEET, SUMMARY_SHEET
from parindex.excel_style import Formats, _word_width, column_points
from parindex.excel_summary import _Seen, finding_rows
from parindex.review import Finding, Severity

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


_POINTS = st.sampled_from([None, Decimal(0), Decimal("-0"), Decimal("0.5"), Decimal("0.50"), 2])
_FIELDS: dict[str, Any] = {
    "code": st.sampled_from(["over_claimed", "not_scored", "own_code"]),
    "severity": st.sampled_from(list(Severity)),
    "criterion": st.sampled_from(["1", "1.1"]),
    "title": st.sampled_from(["Tiêu chí", "Tiêu chí 2", "a & <b>", "=A1"]),
    "message": st.sampled_from(["m", "m2", "dài " * 40, " lề", "-x"]),
    "message_en": st.sampled_from(["m", "other"]),
    "self_score": _POINTS,
    "computed_score": _POINTS,
    "appraised_score": _POINTS,
    "max_points": _POINTS,
    "evidence": st.sampled_from([[], ["a"], ["b"], ["a", "b"], ["+c"]]),
    "round": st.sampled_from([None, 1, 2]),
}
_NAMES = st.sampled_from(["Đơn vị A", "Sở B & <C>", "=D", "Ủy ban " * 12, "E" * 20_000])


@st.composite
def _pool(draw: Any) -> list[Finding]:
    """Findings, each but the first the first with one field changed (rows alike but for
    that field: a row found by a key missing it is the wrong row)."""
    first = draw(st.fixed_dictionaries(_FIELDS))
    pool = [Finding(**first)]
    for field in draw(st.lists(st.sampled_from(sorted(_FIELDS)), min_size=4, max_size=4)):
        other = draw(_FIELDS[field].filter(lambda value, field=field: value != first[field]))
        pool.append(Finding(**{**first, field: other}))
    return pool


@settings(max_examples=300, deadline=None)
@given(
    pool=_pool(),
    units=st.lists(
        st.tuples(_NAMES, st.lists(st.integers(0, 4), min_size=2, max_size=6)),
        min_size=2,
        max_size=4,
    ),
    language=st.sampled_from(["vi", "en"]),
)
def test_findings_rows_seen_before_are_the_rows_made_again(
    pool: list[Finding], units: list[tuple[str, list[int]]], language: str
) -> None:
    """A unit's findings rows found among those of earlier units (``_Seen``) are the rows
    :func:`finding_rows` makes again, with the same strings added and counted."""
    made = []
    for kept in (_Seen.MOST, 0):  # 0: no row kept, every row made
        book = xlsxwriter.Workbook(tempfile.mktemp(suffix=".xlsx"), {"in_memory": True})
        formats = Formats(book, 2)
        rows = []
        with pytest.MonkeyPatch.context() as patch:
            patch.setattr(_Seen, "MOST", kept)
            for name, picked in units:
                findings = [pool[i] for i in picked]
                unit = SimpleNamespace(
                    submission=SimpleNamespace(unit=SimpleNamespace(name=name)),
                    review=SimpleNamespace(sorted_findings=lambda f=findings: f),
                )
                rows.append(finding_rows(book, formats, unit, language))
        table = book.str_table
        made.append((rows, list(table.string_table), table.count))
    assert made[0] == made[1]

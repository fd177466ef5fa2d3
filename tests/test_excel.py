"""Excel score sheets: export, stored results, LibreOffice recalculation, import, injection.

The LibreOffice tests run the real ``soffice`` (Debian package libreoffice-calc-nogui,
installed by ``.ci/run``): a missing soffice fails them, it never skips them. They
convert two workbooks in one soffice run (a module fixture) to keep the suite fast.
"""

from __future__ import annotations

import gc
import re
import shutil
import subprocess
import tempfile
import zipfile
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from hypothesis import given
from hypothesis import strategies as st

from parindex import (
    CriteriaSet,
    ImportResult,
    Review,
    Submission,
    WorkbookError,
    check_submission,
    export_unit,
    export_workbook,
    import_workbook,
    load_criteria,
    load_submission,
    review,
)
from parindex.excel import ranks
from parindex.excel_layout import (
    APPRAISED,
    COMPUTED,
    DIFF,
    FINDINGS_SHEET,
    HEADER_ROW,
    INDEX_TITLE,
    MAX,
    META_SHEET,
    NOTE,
    SELF,
    SUMMARY_SHEET,
    TOTAL_TITLE,
    UNIT_NOTE,
    final_band,
)
from parindex.excel_official import OFFICIAL_PREFIX
from parindex.loader import SourceMap
from parindex.messages import label
from parindex.numbers import parse_decimal
from parindex.submission import parse_submission

ROOT = Path(__file__).resolve().parent.parent
DATA = Path(__file__).parent / "data"
GOLDEN = Path(__file__).parent / "golden" / "mini-every-rule-kind.yaml"
SAMPLES = sorted((ROOT / "evidence").glob("*-2023.yaml"))
HOSTILE = [
    "=1+1",
    '=HYPERLINK("http://example.invalid","bấm")',
    "+84 912 345 678",
    "-2+3",
    "@SUM(A1:A9)",
    "\t=cmd|' /C calc'!A0",
    "\r=1+1",
    "=cmd|' /C calc'!A0",
    "a\r\nb _x000D_ _x005F_ \x01",
]


def letter(col: int) -> str:
    return "ABCDEFGHIJKL"[col]


@pytest.fixture(scope="module")
def criteria() -> CriteriaSet:
    return load_criteria(ROOT / "criteria" / "namdinh-stnmt-2023.yaml")


@pytest.fixture(scope="module")
def mini() -> CriteriaSet:
    return load_criteria(DATA / "mini.yaml")


def _golden_data() -> dict[str, Any]:
    from ruamel.yaml import YAML

    data: dict[str, Any] = YAML(typ="safe", pure=True).load(GOLDEN.read_text(encoding="utf-8"))
    return data["submission"]


def make(data: dict[str, Any]) -> Submission:
    return parse_submission(data, SourceMap("<test>", data, {}))


def mini_units() -> list[Submission]:
    """Two units on the mini set scoring at every level: areas, criteria with items,
    bonus and penalty, survey, a not-applicable area, two appraisal rounds."""
    first = _golden_data()
    first["unit"] = {
        "id": "m1",
        "name": "Đơn vị thử A",
        "level": "so",
        "group": "nhóm A",
        "facts": {"co_dvsncl": True, "co_tthc": True},
    }
    first["self_scores"] = {
        "1": {"points": "4,5", "explanation": "chấm cả lĩnh vực"},
        "1.4": {"points": 1},
        "2.1": {"points": "0,75", "explanation": HOSTILE[0]},
        "2.3": {"points": "0,5"},
        "2.4": {"points": "0,25"},
        "3.1": {"points": "0,75"},
        "3.1.a": {"points": "0,5"},
        "XHH": {"points": 2, "explanation": "tự chấm điều tra"},
    }
    first["appraisals"] = [
        {
            "round": 1,
            "scores": {
                "3.1.b": {"points": 0, "note": HOSTILE[3]},
                "1.4": {"points": "0,5", "note": "theo TLKC"},
            },
        },
        {
            "round": 2,
            "scores": {"2.1": {"points": "0,9", "note": "chấp nhận"}, "3": {"points": "0,5"}},
        },
    ]
    second = _golden_data()
    second["unit"] = {
        "id": "m2",
        "name": HOSTILE[5],
        "level": "so",
        "facts": {"co_dvsncl": False, "co_tthc": False},
    }
    second.pop("survey")
    second["self_scores"] = {
        "1.1": {"points": "0,5"},
        "1.3": {"points": 1, "explanation": HOSTILE[6]},
        "2.1": {"points": 1, "explanation": "không áp dụng mà vẫn chấm"},
        "3.1.b": {"points": "0,25"},
    }
    second["appraisals"] = [{"round": 1, "scores": {"3.1": {"points": "0,5", "note": "giảm"}}}]
    return [make(first), make(second)]


def samples() -> list[Submission]:
    return [load_submission(path) for path in SAMPLES]


# --- reading a sheet back -------------------------------------------------------------------


def rows_by_code(sheet: Any) -> dict[str, int]:
    """1-based row of each criterion code (column A), and of the total and index rows."""
    found: dict[str, int] = {}
    for row in sheet.iter_rows(min_row=HEADER_ROW + 2):
        code, title = row[0].value, row[1].value
        if code:
            found[str(code)] = row[0].row
        elif title in (TOTAL_TITLE, INDEX_TITLE):
            found[title] = row[0].row
    return found


def number(value: object) -> Decimal | None:
    """A cell's number; ``None`` for a blank cell or a formula showing ``""``."""
    return None if value is None or value == "" else parse_decimal(value)


def unit_sheet(workbook: Any, unit_id: str) -> Any:
    meta = workbook[META_SHEET]
    for row in meta.iter_rows(values_only=True):
        if row[0] == "unit" and row[2] == unit_id:
            return workbook[row[1]]
    raise KeyError(unit_id)


def assert_sheet_matches_engine(sheet: Any, result: Review) -> None:
    """Every computed cell, every area and total of the three columns and every index
    equal the engine's (:func:`score`) and the review's, to the last digit."""
    report = result.report
    at = rows_by_code(sheet)

    def cell(col: int, row: int) -> Decimal | None:
        return number(sheet[f"{letter(col)}{row}"].value)

    for node in report.nodes:
        row = at[node.code]
        if node.status.value == "not_applicable":
            assert cell(COMPUTED, row) is None, node.code
            continue
        assert cell(COMPUTED, row) == node.points, node.code
        wanted = node.max_points if node.rule is None else node.declared_max
        assert cell(MAX, row) == wanted, node.code
    by_area = {a.code: a for a in result.summary}
    for area in report.areas:
        if area.code not in by_area:
            continue
        summary = by_area[area.code]
        row = at[area.code]
        assert cell(MAX, row) == summary.max_points
        if area.rule is not None:
            continue  # a leaf area (the survey): its cells are entries, not results
        if cell(SELF, row) is not None:  # blank: an entry left empty, not a result
            assert cell(SELF, row) == summary.self_score, area.code
        if result.appraised_index is not None and cell(APPRAISED, row) is not None:
            assert cell(APPRAISED, row) == summary.appraised_score, area.code
    total, index = at[TOTAL_TITLE], at[INDEX_TITLE]
    assert cell(MAX, total) == report.max_points
    assert cell(COMPUTED, total) == report.total
    assert cell(COMPUTED, index) == report.index
    assert cell(SELF, total) == result.summary[-1].self_score
    assert cell(SELF, index) == result.self_index
    # What the sheet shows as appraised rests on scores an appraiser entered on criteria that
    # apply: a round that scored nothing, or only criteria that do not apply, leaves the column
    # empty — and the review agrees: no appraised total, the unit ranked as not appraised.
    applies = [n for n in report.nodes if n.status.value != "not_applicable"]
    entered = any(cell(APPRAISED, at[n.code]) is not None for n in applies)
    assert entered == (result.appraised_index is not None)
    if entered:
        assert cell(APPRAISED, total) == result.summary[-1].appraised_score
        assert cell(APPRAISED, index) == result.appraised_index
        assert cell(DIFF, total) == cell(APPRAISED, total) - (cell(SELF, total) or 0)  # type: ignore[operator]
    else:  # nothing appraised yet: the appraised column shows nothing, never the self-scores
        for col in (APPRAISED, DIFF):
            assert sheet[f"{letter(col)}{total}"].value in (None, ""), col
            assert sheet[f"{letter(col)}{index}"].value in (None, ""), col
        for node in applies:
            assert sheet[f"{letter(APPRAISED)}{at[node.code]}"].value in (None, ""), node.code


# --- export: layout, stored results, protection, print set-up ----------------------------------


def test_stored_results_equal_the_engine(criteria: CriteriaSet, tmp_path: Path) -> None:
    units = samples()
    path = export_workbook(criteria, units, tmp_path / "all.xlsx")
    workbook = openpyxl.load_workbook(path, data_only=True)
    for submission in units:
        assert_sheet_matches_engine(
            unit_sheet(workbook, submission.unit.id), review(criteria, submission)
        )


def test_what_an_export_made_is_left_unwalked(criteria: CriteriaSet, tmp_path: Path) -> None:
    """The objects an export made (its units' figures, the workbook) join the oldest
    generation unwalked: the first collection of the young generations after it walks a
    few objects, not every one it made (0,15-0,19 s CPU after a 250-unit workbook). (Where
    an earlier test left objects frozen, the export freezes its own: walked as little.)"""
    walked: list[int] = []

    def watch(phase: str, info: dict[str, int]) -> None:
        if phase == "start" and info["generation"] == 1:
            walked.append(len(gc.get_objects(0)) + len(gc.get_objects(1)))

    enabled = gc.isenabled()
    gc.enable()  # as a library user has it
    gc.collect()
    gc.callbacks.append(watch)
    try:
        export_workbook(criteria, samples(), tmp_path / "all.xlsx", workers=1)
        gc.collect(1)
    finally:
        gc.callbacks.remove(watch)
        if not enabled:
            gc.disable()
    assert walked and max(walked) < 2_000, walked


def test_what_an_export_made_is_frozen_where_objects_are_frozen(
    criteria: CriteriaSet, tmp_path: Path
) -> None:
    """The command line froze its imports and never thaws them: an export there freezes what
    it made with them (settling would thaw theirs), and leaves it unwalked too."""
    walked: list[int] = []

    def watch(phase: str, info: dict[str, int]) -> None:
        if phase == "start" and info["generation"] == 1:
            walked.append(len(gc.get_objects(0)) + len(gc.get_objects(1)))

    enabled = gc.isenabled()
    gc.enable()
    gc.collect()
    gc.freeze()
    frozen = gc.get_freeze_count()
    gc.callbacks.append(watch)
    try:
        export_workbook(criteria, samples(), tmp_path / "all.xlsx", workers=1)
        gc.collect(1)
        assert gc.get_freeze_count() > frozen  # its objects joined the frozen ones
    finally:
        gc.callbacks.remove(watch)
        gc.unfreeze()
        if not enabled:
            gc.disable()
    assert walked and max(walked) < 2_000, walked


def test_mini_units_stored_results(mini: CriteriaSet, tmp_path: Path) -> None:
    units = mini_units()
    path = export_workbook(mini, units, tmp_path / "mini.xlsx")
    workbook = openpyxl.load_workbook(path, data_only=True)
    for submission in units:
        assert_sheet_matches_engine(
            unit_sheet(workbook, submission.unit.id), review(mini, submission)
        )


def test_unit_sheet_layout(criteria: CriteriaSet, tmp_path: Path) -> None:
    submission = load_submission(ROOT / "evidence" / "so-tu-phap-mau-2023.yaml")
    checked = check_submission(criteria, submission)
    path = export_unit(criteria, checked, tmp_path / "one.xlsx")
    workbook = openpyxl.load_workbook(path)
    assert workbook.sheetnames == ["In - Sở Tư pháp (mẫu)", "Sở Tư pháp (mẫu)", META_SHEET]
    sheet = workbook["Sở Tư pháp (mẫu)"]
    assert sheet["A5"].value == "STT" and sheet["L5"].value == "Ghi chú của thẩm định"
    assert sheet["I5"].value == "Điểm thẩm định (vòng 1)"
    at = rows_by_code(sheet)
    # areas upper case and bold; formulas on parents, the total and the index
    assert sheet[f"B{at['3']}"].value == "CẢI CÁCH THỦ TỤC HÀNH CHÍNH"
    assert sheet[f"B{at['3']}"].font.b
    assert str(sheet[f"H{at['3']}"].value).startswith("=MAX(0,MIN(ROUND(SUM(")
    assert str(sheet[f"G{at[TOTAL_TITLE]}"].value).startswith("=ROUND(SUM(")
    assert (
        sheet[f"H{at[INDEX_TITLE]}"].value
        == f"=ROUND(((H{at[TOTAL_TITLE]}*100)/C{at[TOTAL_TITLE]}),2)"
    )
    # not applicable (no ĐVSNCL): greyed, maximum shown but not in the parent's formula
    na = at["4.1.3"]
    assert sheet[f"A{na}"].font.color.rgb.endswith("7F7F7F")
    assert sheet[f"C{na}"].value == 0.5 and sheet[f"H{na}"].value is None
    assert not re.search(rf"\bC{na}\b", str(sheet[f"C{at['4.1']}"].value))
    # provisional maxima marked with *, decimal comma by the Vietnamese locale tag
    assert sheet[f"C{at['1.1']}"].number_format == '[$-42A]0.00"*"'
    assert sheet[f"G{at['1.1']}"].number_format == "[$-42A]0.00"
    assert "điểm dựa trên giá trị tạm tính" in sheet["A4"].value
    # a Vietnamese font, wrapped text, frozen header, A4 landscape fitting the width
    assert sheet["B10"].font.name == "Times New Roman"
    assert sheet[f"E{at['1.1']}"].alignment.wrap_text
    assert sheet.freeze_panes == "C6"
    assert sheet.page_setup.orientation == "landscape" and sheet.page_setup.paperSize == 9
    # fitToWidth is absent when 1, the OOXML default
    assert sheet.page_setup.fitToWidth in (None, 1) and sheet.page_setup.fitToHeight == 0
    assert sheet.sheet_properties.pageSetUpPr.fitToPage
    assert sheet.print_title_rows == "$5:$5"
    # the rule in words, the inputs, the evidence expected and supplied
    assert "Ngày ban hành Kế hoạch CCHC năm 2023 của Sở: 29/12/2022" in sheet[f"D{at['1.1']}"].value
    assert "→ " in sheet[f"E{at['1.1']}"].value
    assert "[kh-cchc-2023] Kế hoạch số 198/KH-STP ngày 29/12/2022" in sheet[f"F{at['1.1']}"].value
    assert sheet[f"K{at['1.1']}"].value == "Kế hoạch ban hành đúng hạn"


def test_only_scores_and_notes_are_editable(criteria: CriteriaSet, tmp_path: Path) -> None:
    submission = load_submission(ROOT / "evidence" / "so-tnmt-mau-2023.yaml")
    workbook = openpyxl.load_workbook(export_unit(criteria, submission, tmp_path / "u.xlsx"))
    sheet = workbook.worksheets[1]
    assert sheet.protection.sheet and not sheet.protection.password
    at = rows_by_code(sheet)
    leaf, parent = at["1.1"], at["1"]
    for col in (SELF, APPRAISED, UNIT_NOTE, NOTE):
        assert not sheet.cell(leaf, col + 1).protection.locked
        assert sheet.cell(parent, col + 1).protection.locked
    for col in (0, 1, MAX, COMPUTED, DIFF):
        assert sheet.cell(leaf, col + 1).protection.locked
    validations = {str(v.sqref): v for v in sheet.data_validations.dataValidation}
    rule = next(v for ref, v in validations.items() if f"G{leaf}" in ref.split())
    assert rule.type == "decimal" and rule.operator in (None, "between")  # OOXML default
    assert (number(rule.formula1), number(rule.formula2)) == (0, 1)
    assert rule.errorTitle == "Điểm không hợp lệ" and "từ 0 đến 1,0" in rule.error
    assert f"I{leaf}" in str(rule.sqref).split()
    meta = workbook[META_SHEET]
    assert meta.sheet_state == "hidden"
    assert meta["C1"].value == "parindex.workbook/2"
    assert (meta["C4"].value, meta["C5"].value) == (criteria.id, criteria.digest)
    assert len(meta["B1"].value) == 64  # each row signed (HMAC-SHA-256)
    locked = export_unit(criteria, submission, tmp_path / "p.xlsx", password="mật khẩu")
    assert openpyxl.load_workbook(locked).worksheets[1].protection.password


def test_summary_and_findings(criteria: CriteriaSet, tmp_path: Path) -> None:
    units = samples()
    path = export_workbook(criteria, units, tmp_path / "all.xlsx")
    workbook = openpyxl.load_workbook(path, data_only=True)
    assert workbook.sheetnames[0] == SUMMARY_SHEET and FINDINGS_SHEET in workbook.sheetnames
    summary = workbook[SUMMARY_SHEET]
    head = next(r for r in summary.iter_rows(min_row=1, max_row=10) if r[0].value == "Nhóm")
    rows = [r for r in summary.iter_rows(min_row=head[0].row + 1, values_only=True) if r[1]]
    assert len(rows) == len(units)
    reviews = {u.unit.name: review(criteria, u) for u in units}
    # ranked on the final index: appraised where appraised, computed otherwise
    finals = [
        reviews[r[2]].appraised_index
        if reviews[r[2]].appraised_index is not None
        else reviews[r[2]].report.index
        for r in rows
    ]
    assert finals == sorted(finals, key=lambda i: -(i or 0))  # one level
    assert [r[1] for r in rows] == list(range(1, len(rows) + 1))
    bases = set()
    for row, final in zip(rows, finals, strict=True):
        result = reviews[row[2]]
        assert row[0] == "Sở, ban, ngành"  # the group in words, never "so"
        assert row[3] == result.unit_id and number(row[4]) == final
        appraised = result.appraised_index is not None
        bases.add(row[5])
        assert row[5] == ("thẩm định" if appraised else "quy tắc")
        assert row[6] == (final_band(result, criteria.compiled) or "chưa xác định")
        assert number(row[7]) == result.self_index and number(row[8]) == result.report.index
        assert isinstance(row[9], int) and row[9] >= 0  # criteria not yet appraised
        area = next(a for a in result.summary if a.code == "1")
        expected = area.appraised_percent if appraised else area.computed_percent
        assert number(row[12]) == expected
    assert bases == {"thẩm định", "quy tắc"}  # the samples have both
    assert summary["A3"].value.startswith("Ngày lập: ") and "/" in summary["A3"].value
    formulas = openpyxl.load_workbook(path)[SUMMARY_SHEET]
    scales = [r.type for rules in formulas.conditional_formatting for r in rules.rules]
    assert scales.count("colorScale") >= 3 + len(criteria.nodes)
    findings = workbook[FINDINGS_SHEET]
    assert findings.max_row - 1 == sum(len(r.findings) for r in reviews.values())
    kinds = {row[2] for row in findings.iter_rows(min_row=2, values_only=True)}
    assert label("finding", "over_claimed") in kinds  # in words, never over_claimed
    assert not any(re.fullmatch(r"[a-z_]+", str(kind)) for kind in kinds)


def _findings_cells(path: Path) -> list[tuple[Any, ...]]:
    """Every cell of the findings sheet: place, value, type, style and row height."""
    sheet = openpyxl.load_workbook(path)[FINDINGS_SHEET]
    return [
        (
            cell.coordinate,
            cell.value,
            cell.data_type,
            repr(cell.font),
            repr(cell.border),
            repr(cell.alignment),
            cell.number_format,
            sheet.row_dimensions[cell.row].height,
        )
        for row in sheet.iter_rows()
        for cell in row
    ]


def test_findings_rows_made_with_each_unit_are_those_written_at_the_end(
    criteria: CriteriaSet, tmp_path: Path, monkeypatch: Any
) -> None:
    """The findings rows a unit's process makes ahead (``finding_rows``) and places at the
    end are the cells :func:`write_findings` writes there itself."""
    import parindex.excel as excel
    import parindex.excel_summary as summary

    units = samples()
    ahead = export_workbook(criteria, units, tmp_path / "ahead.xlsx")
    made = [summary.finding_rows]
    monkeypatch.setattr(excel, "finding_rows", lambda *_: made.append(None))  # written at the end
    at_end = export_workbook(criteria, units, tmp_path / "end.xlsx")
    assert len(made) == len(units) + 1
    cells = _findings_cells(ahead)
    assert len(cells) > 12 * 20 and cells == _findings_cells(at_end)


def test_findings_rows_left_to_the_end_between_units_made_ahead(
    criteria: CriteriaSet, tmp_path: Path, monkeypatch: Any
) -> None:
    """A unit whose findings rows are left to the end (a text too long for a cell) between
    units whose rows were numbered as they came (``FindingPlaces``): each row in its place,
    the cells those of a workbook written at the end."""
    import parindex.excel as excel
    import parindex.excel_summary as summary

    units = samples()
    made = summary.finding_rows

    def left_in_the_middle(book: Any, formats: Any, unit: Any, language: str) -> Any:
        rows = made(book, formats, unit, language)
        return None if unit.submission.unit.id == units[2].unit.id else rows

    monkeypatch.setattr(excel, "finding_rows", left_in_the_middle)
    between = export_workbook(criteria, units, tmp_path / "between.xlsx")
    monkeypatch.setattr(excel, "finding_rows", lambda *_: None)  # all written at the end
    at_end = export_workbook(criteria, units, tmp_path / "end.xlsx")
    cells = _findings_cells(between)
    assert len(cells) > 12 * 20 and cells == _findings_cells(at_end)


def test_findings_rows_with_a_text_too_long_are_left_to_the_end(criteria: CriteriaSet) -> None:
    """A finding too long for a cell is not made ahead: written at the end, its warning names
    its cell. Others are made in a row numbered 1000001, each cell once."""
    from types import SimpleNamespace

    import xlsxwriter

    from parindex.excel_style import MAX_CELL_TEXT, Formats
    from parindex.excel_summary import finding_rows
    from parindex.review import Finding

    book = xlsxwriter.Workbook(tempfile.mktemp(suffix=".xlsx"), {"in_memory": True})
    formats = Formats(book, 2)
    finding = Finding(
        code="over_claimed",
        severity="warning",
        criterion="1.1",
        title="T",
        message="m",
        message_en="m",
        self_score=Decimal(1),
        max_points=Decimal(2),
        evidence=["a", "b"],
    )
    long = finding.model_copy(update={"message": "x" * (MAX_CELL_TEXT + 1)})
    unit = SimpleNamespace(
        submission=samples()[0], review=SimpleNamespace(sorted_findings=lambda: [finding])
    )
    rows = finding_rows(book, formats, unit, "vi")
    assert rows is not None and len(rows) == 1
    cells, first, last, height = rows[0]
    assert (first, last) == (0, 11) and height > 0
    assert cells.count('1000001"') == cells.count("<c ") == 12
    unit.review.sorted_findings = lambda: [finding, long]
    assert finding_rows(book, formats, unit, "vi") is None
    book.close()


def test_ranks_share_equal_indices() -> None:
    keyed = [
        ("so", Decimal(90)),
        ("so", Decimal(95)),
        ("so", Decimal(90)),
        ("xa", Decimal(50)),
        ("so", None),
        ("so", Decimal(80)),
    ]
    assert ranks(keyed) == [2, 1, 2, 1, None, 4]


# --- formula injection ---------------------------------------------------------------------------


def hostile_set(tmp_path: Path) -> CriteriaSet:
    """The mini set with hostile titles, rule texts and evidence."""
    text = (DATA / "mini.yaml").read_text(encoding="utf-8")
    text = text.replace('title: "Ban hành kế hoạch"', 'title: "=1+1"')
    text = text.replace('title: "Hoàn thành nhiệm vụ"', 'title: "@SUM(A1:A9)"')
    text = text.replace('evidence: ["Kế hoạch CCHC năm 2023"]', 'evidence: ["-2+3", "+84 912"]')
    text = text.replace(
        "rule: {kind: check, value: co_ke_hoach}\n",
        'rule: {kind: check, value: co_ke_hoach, text: "\\t=cmd|x"}\n',
        1,
    )
    path = tmp_path / "hostile.yaml"
    path.write_text(text, encoding="utf-8")
    return load_criteria(path)


def test_hostile_texts_stay_text(tmp_path: Path) -> None:
    criteria = hostile_set(tmp_path)
    data = _golden_data()
    data["unit"]["name"] = "=cmd|' /C calc'!A0"
    data["documents"] = [
        {"id": "d1", "kind": "+Kế hoạch", "title": text, "supports": ["1.1"]}
        for text in HOSTILE[:1]
    ] + [
        {"id": f"d{i}", "kind": "Báo cáo", "title": t, "supports": ["1.4"]}
        for i, t in enumerate(HOSTILE[1:], 2)
    ]
    data["self_scores"] = {
        code: {"points": 0, "explanation": text}
        for code, text in zip(
            ["1.1", "1.2", "1.3", "1.4", "1.5", "1.6", "1.7", "2.1", "3.1.a"], HOSTILE, strict=True
        )
    }
    data["appraisals"] = [
        {
            "round": 1,
            "scores": {
                code: {"points": 0, "note": text}
                for code, text in zip(
                    ["1.1", "1.2", "1.3", "1.4", "1.5", "1.6", "1.7", "2.1", "3.1.a"],
                    reversed(HOSTILE),
                    strict=True,
                )
            },
        }
    ]
    submission = make(data)
    path = export_workbook(criteria, [submission, make(_golden_data())], tmp_path / "h.xlsx")
    workbook = openpyxl.load_workbook(path)
    dangerous = re.compile(r"^[=+\-@\t\r]|^_x000D_")
    formula = re.compile(r"^=[A-Z($]+[A-Z0-9(),.+\-*/\"=<>:' !$]*$")
    seen = 0
    for sheet in workbook.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                value = cell.value
                if not isinstance(value, str):
                    continue
                if cell.data_type == "f":
                    ours = re.sub(r"'(?:[^']|'')*'!", "", value)  # quoted sheet names
                    ours = ours.replace('"chưa thẩm định"', '""')  # the official sheet's words
                    assert formula.match(ours), (sheet.title, cell.coordinate, value)
                    assert not any(h in ours for h in ("cmd", "HYPERLINK", "SUM(A1")), value
                elif dangerous.match(value):
                    seen += 1
                    assert cell.data_type == "s"
                    assert cell.quotePrefix, (sheet.title, cell.coordinate, value)
    assert seen >= 20
    with_values = openpyxl.load_workbook(path, data_only=True)
    sheet = unit_sheet(with_values, "u1")
    at = rows_by_code(sheet)
    assert sheet[f"B{at['1.1']}"].value == "=1+1" and sheet[f"B{at['1.4']}"].value == "@SUM(A1:A9)"
    result = import_workbook(criteria, path)
    back = result.submissions[0]
    assert {c: s.explanation for c, s in back.self_scores.items()} == {
        c: s.explanation for c, s in submission.self_scores.items()
    }
    assert back.appraisals[0].scores == submission.appraisals[0].scores
    assert back.unit.name == submission.unit.name


# --- import ---------------------------------------------------------------------------------------


def test_import_round_trip_of_samples(criteria: CriteriaSet, tmp_path: Path) -> None:
    units = [u for u in samples() if u.unit.id != "so-tu-phap-mau"]
    path = export_workbook(criteria, units, tmp_path / "all.xlsx")
    result = import_workbook(criteria, path)
    assert isinstance(result, ImportResult) and not result.warnings
    assert [s.model_dump() for s in result.submissions] == [u.model_dump() for u in units]
    assert result.rounds == tuple(max((a.round for a in u.appraisals), default=1) for u in units)


def test_the_over_claim_imports_and_is_a_finding(criteria: CriteriaSet, tmp_path: Path) -> None:
    """The demo's own workbook round-trips: Sở Tư pháp self-scores 2.1 at 5 of 1, which is
    imported as typed (a warning names the cell) and stays a review finding."""
    path = export_workbook(criteria, samples(), tmp_path / "demo.xlsx")
    result = import_workbook(criteria, path)
    assert result.complete and not result.refused
    assert [s.model_dump() for s in result.submissions] == [u.model_dump() for u in samples()]
    (warning,) = result.warnings
    assert warning.kind == "above_max" and warning.code == "2.1"
    assert warning.field == "'Sở Tư pháp (mẫu)'!G26" and warning.file == str(path)
    assert "vượt điểm tối đa 1,0" in warning.message
    tu_phap = next(s for s in result.submissions if s.unit.id == "so-tu-phap-mau")
    assert tu_phap.self_scores["2.1"].points == 5
    kinds = {(f.code, f.criterion) for f in review(criteria, tu_phap).findings}
    assert ("above_max", "2.1") in kinds


def edit(
    path: Path, changes: dict[str, Any], out: Path, *, sheet: str | None = None, rows: Any = None
) -> Path:
    """Change cells with openpyxl (a person editing in a spreadsheet application)."""
    workbook = openpyxl.load_workbook(path)
    detail = next(s for s in workbook.worksheets if not s.title.startswith(OFFICIAL_PREFIX))
    target = workbook[sheet] if sheet else detail
    for ref, value in changes.items():
        target[ref] = value
    if rows is not None:
        rows(target)
    workbook.save(out)
    return out


def test_import_accepts_decimal_comma_and_point(criteria: CriteriaSet, tmp_path: Path) -> None:
    submission = load_submission(ROOT / "evidence" / "so-tnmt-mau-2023.yaml")
    path = export_unit(criteria, submission, tmp_path / "u.xlsx")
    at = rows_by_code(openpyxl.load_workbook(path).worksheets[1])
    edited = edit(
        path,
        {
            f"G{at['1.1']}": "0,5",
            f"G{at['1.2.a']}": " 0.25 ",
            f"I{at['1.1']}": 0.25,
            f"L{at['1.1']}": "đủ TLKC",
            f"K{at['1.2.a']}": "giải trình",
        },
        tmp_path / "e.xlsx",
    )
    result = import_workbook(criteria, edited, round=2)
    back = result.submissions[0]
    assert back.self_scores["1.1"].points == Decimal("0.5")
    assert back.self_scores["1.2.a"].points == Decimal("0.25")
    assert back.self_scores["1.2.a"].explanation == "giải trình"
    assert result.rounds == (2,)
    assert back.appraisals[-1].round == 2
    assert back.appraisals[-1].scores["1.1"].points == Decimal("0.25")
    assert back.appraisals[-1].scores["1.1"].note == "đủ TLKC"


def test_import_reports_every_problem_at_once(criteria: CriteriaSet, tmp_path: Path) -> None:
    submission = load_submission(ROOT / "evidence" / "so-tnmt-mau-2023.yaml")
    path = export_unit(criteria, submission, tmp_path / "u.xlsx")
    sheet_name = "Sở Tài nguyên và Môi trường"
    at = rows_by_code(openpyxl.load_workbook(path).worksheets[1])

    def rows(sheet: Any) -> None:
        sheet.delete_rows(at["7.4"])  # a criterion's row deleted
        sheet.insert_rows(at["1.1"])  # a row added by hand, with content
        sheet[f"A{at['1.1']}"] = "1.1.x"
        sheet[f"B{at['1.1']}"] = "Dòng thêm tay"
        sheet[f"G{at['1.1']}"] = 0.5

    edited = edit(
        path,
        {
            f"G{at['1.1']}": 2,  # above the maximum 1
            f"I{at['1.3.1']}": -0.5,  # below 0
            f"G{at['1.3.2']}": "một điểm",  # text where a number belongs
            f"I{at['1.4.1.a']}": "=0.25*2",  # a formula typed into a score cell
            f"G{at['1.5']}": 0.125,  # more decimals than the set's step
            f"A{at['2.1']}": "2.1b",  # a code altered
            f"B{at['2.2']}": "Tên khác",  # a title altered
            f"L{at['1.1']}": "ghi chú không kèm điểm",  # a note without a score
            f"G{at['1']}": 7,  # a number typed over a parent's formula
        },
        tmp_path / "e.xlsx",
        rows=rows,
    )
    with pytest.raises(WorkbookError) as caught:
        import_workbook(criteria, edited)
    found = {(p.kind, p.code) for p in caught.value.problems}
    assert {
        ("above_max", "1.1"),
        ("below_zero", "1.3.1"),
        ("not_a_number", "1.3.2"),
        ("formula_in_score", "1.4.1.a"),
        ("too_precise", "1.5"),
        ("code_changed", "2.1"),
        ("title_changed", "2.2"),
        ("note_without_score", "1.1"),
        ("computed_row_edited", "1"),
        ("row_missing", "7.4"),
        ("row_added", "1.1.x"),
    } <= found
    for problem in caught.value.problems:
        assert problem.file == str(edited)
        assert problem.field and problem.field.startswith(f"'{sheet_name}'")
        assert problem.message and problem.message_en
    above = next(p for p in caught.value.problems if p.kind == "above_max")
    assert above.field == f"'{sheet_name}'!G{at['1.1'] + 1}"  # shifted by the added row
    text = caught.value.describe()
    assert "[1.3.2]" in text and "không phải là số" in text


def test_added_rows_are_reported_not_dropped(criteria: CriteriaSet, tmp_path: Path) -> None:
    submission = load_submission(ROOT / "evidence" / "so-tnmt-mau-2023.yaml")
    path = export_unit(criteria, submission, tmp_path / "u.xlsx")
    last = openpyxl.load_workbook(path).worksheets[1].max_row
    edited = edit(
        path, {f"B{last + 2}": "Đề nghị bổ sung tiêu chí", f"G{last + 2}": 1}, tmp_path / "e.xlsx"
    )
    result = import_workbook(criteria, edited)
    (warning,) = result.warnings
    assert warning.kind == "row_added" and "Đề nghị bổ sung tiêu chí" in (warning.text or "")
    assert warning.field and warning.field.endswith(f"!A{last + 2}")
    assert result.submissions[0].model_dump() == submission.model_dump()


def test_import_refuses_another_criteria_set(
    criteria: CriteriaSet, mini: CriteriaSet, tmp_path: Path
) -> None:
    submission = load_submission(ROOT / "evidence" / "so-tnmt-mau-2023.yaml")
    path = export_unit(criteria, submission, tmp_path / "u.xlsx")
    with pytest.raises(WorkbookError) as caught:
        import_workbook(mini, path)
    assert {p.kind for p in caught.value.problems} == {"wrong_criteria"}
    assert any(p.field == f"{META_SHEET}!C4" for p in caught.value.problems)  # the set's id
    changed = edit(path, {"C5": "0" * 64}, tmp_path / "h.xlsx", sheet=META_SHEET)
    with pytest.raises(WorkbookError) as caught:
        import_workbook(criteria, changed)
    (problem,) = caught.value.problems
    assert problem.kind == "meta_edited" and problem.field == f"{META_SHEET}!C5"
    not_ours = tmp_path / "plain.xlsx"
    openpyxl.Workbook().save(not_ours)
    with pytest.raises(WorkbookError, match="_parindex"):
        import_workbook(criteria, not_ours)
    broken = tmp_path / "broken.xlsx"
    broken.write_text("not a zip", encoding="utf-8")
    with pytest.raises(WorkbookError) as caught:
        import_workbook(criteria, broken)
    assert caught.value.problems[0].kind == "not_a_workbook"


def test_rounds(criteria: CriteriaSet, tmp_path: Path) -> None:
    """Round 2 shows round 1's scores it did not re-score; import keeps them in round 1."""
    submission = load_submission(ROOT / "evidence" / "so-gtvt-mau-2023.yaml")
    path = export_unit(criteria, submission, tmp_path / "g.xlsx")
    sheet = openpyxl.load_workbook(path).worksheets[1]
    at = rows_by_code(sheet)
    assert sheet[f"I{at['2.3.3']}"].value == 0  # from round 1
    assert sheet[f"I{at['1.4.2']}"].value == 0.75  # round 2
    first = export_unit(criteria, submission, tmp_path / "g1.xlsx", round=1)
    assert openpyxl.load_workbook(first).worksheets[1][f"I{at['1.4.2']}"].value == 0.5
    # the appraiser changes one score in a new round 3 and leaves the rest
    edited = edit(
        path, {f"I{at['2.3.3']}": 0.25, f"L{at['2.3.3']}": "bổ sung TLKC"}, tmp_path / "e.xlsx"
    )
    back = import_workbook(criteria, edited, round=3).submissions[0]
    assert [a.round for a in back.appraisals] == [1, 2, 3]
    assert back.appraisals[:2] == submission.appraisals
    assert set(back.appraisals[2].scores) == {"2.3.3"}
    assert review(criteria, back).final_scores["2.3.3"] == Decimal("0.25")
    cleared = edit(path, {f"I{at['2.3.3']}": None, f"L{at['2.3.3']}": None}, tmp_path / "c.xlsx")
    with pytest.raises(WorkbookError) as caught:
        import_workbook(criteria, cleared)
    assert [(p.kind, p.code) for p in caught.value.problems] == [("cleared_earlier_round", "2.3.3")]


# --- round trip, a property over generated submissions --------------------------------------------


NOTES = st.one_of(st.none(), st.text(min_size=1, max_size=24), st.sampled_from(HOSTILE))


def _points(top: Decimal) -> st.SearchStrategy[str]:
    return st.integers(0, int(top * 100)).map(lambda n: str(Decimal(n) / 100))


@st.composite
def mini_submissions(draw: st.DrawFn, criteria: CriteriaSet) -> Submission:
    """A unit of the mini set with scores and notes at any level, and 0–2 appraisal rounds."""
    nodes = list(criteria.walk())
    codes = st.sampled_from([n.code for n in nodes])
    maxima = {n.code: n.max_points for n in nodes}
    data = _golden_data()
    data["unit"]["name"] = draw(st.sampled_from(["Đơn vị thử", *HOSTILE[:4]]))
    data["unit"]["facts"] = {"co_dvsncl": draw(st.booleans()), "co_tthc": draw(st.booleans())}
    if draw(st.booleans()):
        data.pop("survey")
    scored = draw(st.lists(codes, unique=True, max_size=8))
    data["self_scores"] = {
        c: {"points": draw(_points(maxima[c])), "explanation": draw(NOTES)} for c in scored
    }
    data["appraisals"] = []
    for number in range(1, draw(st.integers(0, 2)) + 1):
        appraised = draw(st.lists(codes, unique=True, max_size=5))
        data["appraisals"].append(
            {
                "round": number,
                "scores": {
                    c: {"points": draw(_points(maxima[c])), "note": draw(NOTES)} for c in appraised
                },
            }
        )
    return make(data)


@given(data=st.data())
def test_round_trip(mini: CriteriaSet, data: st.DataObject) -> None:
    """export → import gives back the same scores and notes; stored totals equal the review."""
    submission = data.draw(mini_submissions(mini))
    with tempfile.TemporaryDirectory() as folder:
        path = export_unit(mini, submission, Path(folder) / "u.xlsx")
        sheet = openpyxl.load_workbook(path, data_only=True).worksheets[1]
        assert_sheet_matches_engine(sheet, review(mini, submission))
        back = import_workbook(mini, path)
    assert back.submissions[0].model_dump() == submission.model_dump()
    assert not back.warnings


def test_an_appraisal_only_of_criteria_that_do_not_apply_shows_nothing_appraised(
    mini: CriteriaSet,
) -> None:
    """Found by the round trip: a round scoring only an area the unit's facts switch off. Neither
    the review nor the sheet shows an appraised total, as it would rest on no score an
    appraiser gave a criterion that applies (the unit would be ranked on its own scores)."""
    submission = Submission.model_validate(
        {
            "format": "parindex.submission/1",
            "criteria": "mini-test",
            "year": 2023,
            "unit": {
                "id": "u1",
                "name": "Đơn vị thử",
                "level": "so",
                "facts": {"co_dvsncl": False, "co_tthc": False},
            },
            "values": {
                "co_ke_hoach": "có",
                "ty_le_hoan_thanh": "98,0",
                "so_don_vi": 10,
                "so_don_vi_kiem_tra": 3,
                "ho_so_tiep_nhan": 200,
                "ho_so_dung_han": 190,
                "ngay_ke_hoach": "31/12/2022",
                "ngay_bc_quy_1": "15/03/2023",
                "ngay_bc_6_thang": "16/06/2023",
                "ngay_bc_quy_3": "10/09/2023",
                "ngay_bc_nam": False,
                "cap_sang_kien": "co_so",
                "so_vu_ky_luat": 1,
                "so_giai_thuong": 3,
                "so_vi_pham": 1,
                "chi_2021": 1000,
            },
            "survey": {"XHH": "1.5"},
            "appraisals": [{"round": 1, "scores": {"2": {"points": 0}}}],
        }
    )
    result = review(mini, submission)
    assert result.report.node("2").status.value == "not_applicable"
    assert result.appraised_index is None  # as on the sheet: nothing that applies was appraised
    assert result.summary[-1].appraised_score is None
    assert [h.round for h in result.history["2"]] == [1]  # the round is kept, not lost
    with tempfile.TemporaryDirectory() as folder:
        path = export_unit(mini, submission, Path(folder) / "u.xlsx")
        sheet = openpyxl.load_workbook(path, data_only=True).worksheets[1]
        assert_sheet_matches_engine(sheet, result)


# --- a real spreadsheet application recalculates ----------------------------------------------------

RECALCULATE = """<?xml version="1.0" encoding="UTF-8"?>
<oor:items xmlns:oor="http://openoffice.org/2001/registry" xmlns:xs="http://www.w3.org/2001/XMLSchema" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
<item oor:path="/org.openoffice.Office.Calc/Formula/Load"><prop oor:name="OOXMLRecalcMode" oor:op="fuse"><value>0</value></prop></item>
</oor:items>
"""


def soffice() -> str:
    found = shutil.which("soffice") or shutil.which("libreoffice")
    if found is None:
        pytest.fail(
            "LibreOffice is required for these tests and was not found (soffice): install the "
            "Debian package libreoffice-calc-nogui (.ci/run does)"
        )
    return found


def recalculate(files: list[Path], folder: Path) -> list[Path]:
    """Open each workbook in LibreOffice, recalculate every formula, save as xlsx."""
    profile = folder / "profile"
    (profile / "user").mkdir(parents=True)
    (profile / "user" / "registrymodifications.xcu").write_text(RECALCULATE, encoding="utf-8")
    out = folder / "recalculated"
    command = [
        soffice(),
        f"-env:UserInstallation={profile.as_uri()}",
        "--headless",
        "--norestore",
        "--convert-to",
        "xlsx:Calc MS Excel 2007 XML",
        "--outdir",
        str(out),
        *map(str, files),
    ]
    done = subprocess.run(command, capture_output=True, text=True, timeout=300, check=False)
    results = [out / f.name for f in files]
    missing = [str(p) for p in results if not p.exists()]
    assert not missing, f"soffice did not convert {missing}: {done.stdout} {done.stderr}"
    return results


def strip_results(path: Path, out: Path) -> Path:
    """A copy with every formula's stored result removed: LibreOffice must compute them."""
    removed = 0
    with zipfile.ZipFile(path) as source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            content = source.read(item.filename)
            if item.filename.startswith("xl/worksheets/"):
                text, count = re.subn(r"(</f>)<v>[^<]*</v>", r"\1", content.decode("utf-8"))
                content, removed = text.encode("utf-8"), removed + count
            target.writestr(item, content)
    assert removed > 50
    return out


@pytest.fixture(scope="module")
def libreoffice(criteria: CriteriaSet, mini: CriteriaSet) -> Iterator[dict[str, Any]]:
    """Two workbooks recalculated by LibreOffice in one run: the sample units (2023 set,
    stored results removed) and the same workbook edited by an appraiser."""
    with tempfile.TemporaryDirectory() as name:
        folder = Path(name)
        units = samples()
        ours = export_workbook(criteria, units, folder / "ours.xlsx")
        stripped = strip_results(ours, folder / "samples.xlsx")
        minis = mini_units()
        mini_ours = export_workbook(mini, minis, folder / "mini-ours.xlsx")
        mini_stripped = strip_results(mini_ours, folder / "mini.xlsx")
        book = openpyxl.load_workbook(ours)
        changes = {}
        tu_phap = unit_sheet(book, "so-tu-phap-mau")
        at = rows_by_code(tu_phap)
        changes[tu_phap.title] = {
            f"G{at['2.1']}": 1,
            f"I{at['3.2']}": 0,
            f"L{at['3.2']}": "trễ hạn",
        }
        tnmt = unit_sheet(book, "so-tnmt-mau")
        at = rows_by_code(tnmt)
        changes[tnmt.title] = {
            f"I{at['1.1']}": 0.25,
            f"I{at['3.6.2']}": 1.5,
            f"G{at['1.2.a']}": None,
            f"K{at['1.2.a']}": None,
            f"I{at['1.4.2.b']}": 0.75,
        }
        for title, cells in changes.items():
            for ref, value in cells.items():
                book[title][ref] = value
        edited = folder / "edited.xlsx"
        book.save(edited)
        recalculated = recalculate([stripped, mini_stripped, edited], folder)
        yield {
            "units": units,
            "ours": ours,
            "samples": recalculated[0],
            "minis": minis,
            "mini_ours": mini_ours,
            "mini": recalculated[1],
            "edited": recalculated[2],
        }


def formula_values(path: Path) -> dict[tuple[str, str], float]:
    formulas = openpyxl.load_workbook(path)
    values = openpyxl.load_workbook(path, data_only=True)
    found = {}
    for sheet in formulas.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                if cell.data_type == "f":
                    found[sheet.title, cell.coordinate] = values[sheet.title][cell.coordinate].value
    return found


def test_libreoffice_recalculates_our_results(libreoffice: dict[str, Any]) -> None:
    """Every formula LibreOffice recalculates equals the result we stored, exactly."""
    for ours, theirs in (("ours", "samples"), ("mini_ours", "mini")):
        expected = formula_values(libreoffice[ours])
        recomputed = formula_values(libreoffice[theirs])
        assert len(expected) > 50
        differ = {k: (v, recomputed.get(k)) for k, v in expected.items() if recomputed.get(k) != v}
        assert not differ


def test_libreoffice_totals_equal_the_engine(
    libreoffice: dict[str, Any], criteria: CriteriaSet, mini: CriteriaSet
) -> None:
    recalculated = openpyxl.load_workbook(libreoffice["samples"], data_only=True)
    for submission in libreoffice["units"]:
        sheet = unit_sheet(recalculated, submission.unit.id)
        assert_sheet_matches_engine(sheet, review(criteria, submission))
    recalculated = openpyxl.load_workbook(libreoffice["mini"], data_only=True)
    for submission in libreoffice["minis"]:
        assert_sheet_matches_engine(
            unit_sheet(recalculated, submission.unit.id), review(mini, submission)
        )


def test_totals_move_when_an_appraiser_edits(
    libreoffice: dict[str, Any], criteria: CriteriaSet
) -> None:
    """Scores edited in the sheet: LibreOffice's totals equal the review of the imported file."""
    path = libreoffice["edited"]
    result = import_workbook(criteria, path)
    recalculated = openpyxl.load_workbook(path, data_only=True)
    moved = 0
    for original, imported in zip(libreoffice["units"], result.submissions, strict=True):
        after = review(criteria, imported)
        sheet = unit_sheet(recalculated, imported.unit.id)
        assert_sheet_matches_engine(sheet, after)
        moved += after.appraised_index != review(criteria, original).appraised_index
        moved += after.self_index != review(criteria, original).self_index
    assert moved >= 3
    tu_phap = next(s for s in result.submissions if s.unit.id == "so-tu-phap-mau")
    assert tu_phap.self_scores["2.1"].points == 1
    assert tu_phap.appraisals[0].scores["3.2"].note == "trễ hạn"


def test_a_workbook_saved_by_libreoffice_imports_unchanged(
    libreoffice: dict[str, Any], mini: CriteriaSet
) -> None:
    """Scores and hostile notes survive a save by LibreOffice, and stay text there."""
    result = import_workbook(mini, libreoffice["mini"])
    assert [s.model_dump() for s in result.submissions] == [
        s.model_dump() for s in libreoffice["minis"]
    ]
    sheet = unit_sheet(openpyxl.load_workbook(libreoffice["mini"]), "m1")
    at = rows_by_code(sheet)
    note = sheet[f"K{at['2.1']}"]
    assert note.value == HOSTILE[0] and note.data_type == "s"

"""The official sheet (parindex.excel_official), sheet names, and texts too long for a cell."""

from __future__ import annotations

import re
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest
from xlsxwriter.utility import quote_sheetname

from parindex import (
    CriteriaSet,
    Submission,
    export_unit,
    export_workbook,
    import_workbook,
    load_criteria,
    load_submission,
    review,
)
from parindex.excel import sheet_name
from parindex.excel_layout import DATE_LINE, SIGNERS, appraised_as_of, layout
from parindex.excel_official import OFFICIAL_HEADERS, OFFICIAL_PREFIX, _Appraisal
from parindex.excel_style import MAX_CELL_TEXT, SheetTextCut, shortened
from parindex.report import Status
from parindex.submission import Appraisal, AppraisedScore

ROOT = Path(__file__).resolve().parent.parent
HEADER = 6  # 1-based row of the column headings
_NUMBER = (int, float)


@pytest.fixture(scope="module")
def criteria() -> CriteriaSet:
    return load_criteria(ROOT / "criteria" / "namdinh-stnmt-2023.yaml")


def sample(name: str) -> Submission:
    return load_submission(ROOT / "evidence" / f"{name}-mau-2023.yaml")


def official(path: Path, data_only: bool = True) -> openpyxl.worksheet.worksheet.Worksheet:
    book = openpyxl.load_workbook(path, data_only=data_only)
    return next(s for s in book.worksheets if s.title.startswith(OFFICIAL_PREFIX))


def total_row(sheet: openpyxl.worksheet.worksheet.Worksheet) -> int:
    return next(r[1].row for r in sheet.iter_rows(min_row=HEADER) if r[1].value == "TỔNG ĐIỂM")


def rows_by_code(sheet: openpyxl.worksheet.worksheet.Worksheet) -> dict[str, int]:
    last = total_row(sheet) - 1
    return {str(r[0].value): r[0].row for r in sheet.iter_rows(min_row=HEADER + 1, max_row=last)}


def test_layout_heading_and_signature_block(criteria: CriteriaSet, tmp_path: Path) -> None:
    path = export_unit(criteria, sample("so-tnmt"), tmp_path / "u.xlsx")
    book = openpyxl.load_workbook(path)
    assert book.sheetnames[:2] == ["In - Sở Tài nguyên và Môi", "Sở Tài nguyên và Môi trường"]
    sheet = book.worksheets[0]
    assert [c.value for c in sheet[HEADER]] == [vi for vi, _ in OFFICIAL_HEADERS]
    heading = " ".join(str(sheet.cell(r, 1).value) for r in range(1, HEADER))
    assert "NĂM 2023" in heading and "Sở Tài nguyên và Môi trường" in heading
    assert criteria.title in heading and "Sở, ban, ngành" in heading
    texts = [c.value for row in sheet.iter_rows(min_row=total_row(sheet)) for c in row]
    assert DATE_LINE in texts and all(s in texts for s in SIGNERS)
    assert sheet.page_setup.orientation == "landscape" and sheet.page_setup.paperSize == 9
    assert sheet.print_title_rows == f"${HEADER}:${HEADER}"
    assert sheet.protection.sheet
    sizes = {c.font.sz for row in sheet.iter_rows() for c in row if c.value is not None}
    assert min(sizes) >= 9  # readable when printed (the print test checks the PDF)
    codes = rows_by_code(sheet)
    assert {n.code for n in criteria.walk()} == set(codes)  # TNMT: every criterion applies
    # every score is a live formula over the unit's detailed sheet
    detail = quote_sheetname("Sở Tài nguyên và Môi trường")
    assert str(sheet[f"D{codes['1.1']}"].value).startswith(f"=IF({detail}!$G$")


def test_not_appraised_reads_in_words_never_a_self_score(
    criteria: CriteriaSet, tmp_path: Path
) -> None:
    """Ban Dân tộc has no appraisal: every Điểm thẩm định cell is words or empty."""
    path = export_unit(criteria, sample("ban-dan-toc"), tmp_path / "u.xlsx")
    sheet = official(path)
    values = [sheet.cell(r, 5).value for r in range(HEADER + 1, total_row(sheet) + 2)]
    assert not [v for v in values if isinstance(v, _NUMBER) and v != 25.1]  # XHH: the survey
    assert values.count("chưa thẩm định") > 50
    assert sheet.cell(total_row(sheet), 5).value == "chưa thẩm định"
    assert sheet.cell(total_row(sheet) + 1, 5).value == "chưa thẩm định"


def test_appraised_where_appraised_and_parents_once_complete(
    criteria: CriteriaSet, tmp_path: Path
) -> None:
    unit = sample("so-tu-phap")
    path = export_unit(criteria, unit, tmp_path / "u.xlsx")
    sheet = official(path)
    at = rows_by_code(sheet)
    final = appraised_as_of(unit, max(a.round for a in unit.appraisals))
    result = review(criteria, unit)
    report = result.report
    for node in report.nodes:
        if node.code not in at:  # a part of a criterion that does not apply: left out
            assert report.node(str(node.parent)).status == Status.NOT_APPLICABLE
            continue
        cell = sheet.cell(at[node.code], 5).value
        if node.code in final:
            assert Decimal(str(cell)) == final[node.code][0], node.code
        elif node.status == Status.NOT_APPLICABLE:
            assert cell is None, node.code
        elif node.status != Status.SURVEY:
            assert not isinstance(cell, _NUMBER) or node.code in result.node_appraised, node.code
    leaves = [n for n in report.nodes if n.code in final]
    assert leaves, "the sample has appraised criteria"
    # not every leaf is appraised, so the total waits
    assert sheet.cell(total_row(sheet), 5).value == "chưa thẩm định"


def fully_appraised(criteria: CriteriaSet, unit: Submission) -> Submission:
    """``unit`` with a round that scores every applicable non-survey leaf: its self-score
    less a quarter point where it can."""
    report = review(criteria, unit).report
    parents = {n.parent for n in report.nodes}
    scores = {}
    for node in report.nodes:
        if node.code in parents or node.status in (Status.NOT_APPLICABLE, Status.SURVEY):
            continue
        own = unit.self_scores.get(node.code)
        points = own.points if own is not None else Decimal(0)
        points = min(points, node.max_points)
        scores[node.code] = AppraisedScore(points=max(Decimal(0), points - Decimal("0.25")))
    return unit.model_copy(update={"appraisals": [Appraisal(round=1, scores=scores)]})


def test_fully_appraised_unit_shows_appraised_totals(criteria: CriteriaSet, tmp_path: Path) -> None:
    unit = fully_appraised(criteria, sample("so-tnmt"))
    result = review(criteria, unit)
    path = export_unit(criteria, unit, tmp_path / "u.xlsx")
    sheet = official(path)
    at, total = rows_by_code(sheet), total_row(sheet)
    appraised_total = next(s for s in result.summary if s.code == "TỔNG").appraised_score
    assert Decimal(str(sheet.cell(total, 5).value)) == appraised_total
    assert Decimal(str(sheet.cell(total + 1, 5).value)) == result.appraised_index
    assert Decimal(str(sheet.cell(total + 1, 4).value)) == result.self_index
    for code, value in result.node_appraised.items():
        assert Decimal(str(sheet.cell(at[code], 5).value)) == value, code
    assert result.appraised_index != result.self_index  # the two columns differ
    formula = official(path, data_only=False).cell(total, 5).value
    assert str(formula).startswith("=IF(COUNT(") and "chưa thẩm định" in str(formula)


def test_official_can_be_left_out(criteria: CriteriaSet, tmp_path: Path) -> None:
    path = export_unit(criteria, sample("so-tnmt"), tmp_path / "u.xlsx", official=False)
    assert openpyxl.load_workbook(path).sheetnames == ["Sở Tài nguyên và Môi trường", "_parindex"]


def test_english_official_sheet(criteria: CriteriaSet, tmp_path: Path) -> None:
    path = export_unit(criteria, sample("ban-dan-toc"), tmp_path / "u.xlsx", language="en")
    sheet = official(path)
    assert [c.value for c in sheet[HEADER]] == [en for _, en in OFFICIAL_HEADERS]
    # a bold header fits its narrow column whole: "Maximum" printed cut as "Maximu / m"
    assert sheet.cell(HEADER, 3).value == "Max."
    assert sheet.cell(total_row_en(sheet), 5).value == "not appraised"
    heading = " ".join(str(sheet.cell(r, 1).value) for r in range(1, HEADER))
    assert "Provincial departments and agencies" in heading


def total_row_en(sheet: openpyxl.worksheet.worksheet.Worksheet) -> int:
    return next(r[1].row for r in sheet.iter_rows(min_row=HEADER) if r[1].value == "TOTAL")


# --- sheet names -------------------------------------------------------------------------------

HOSTILE_NAMES = [
    "A" * 30 + "'" + "B" * 5,  # an apostrophe at character 31: the export crash of issue 18
    "Ủy ban nhân dân xã Hải Đường '",
    "'Ban quản lý' dự án",
    "Sở [mẫu]: a/b\\c?*d",
    "[]:*?/\\",
    "history",
    "HISTORY",
    "Đơn vị\x07có\tký tự điều khiển",
    "Ủy ban nhân dân huyện Giao Thủy tỉnh Nam Định 1",
    "Ủy ban nhân dân huyện Giao Thủy tỉnh Nam Định 2",
    "ủy ban nhân dân huyện giao thủy tỉnh nam định 3",
    "Mộttừrấtdàikhôngcódấucáchnàovượtquábamươimốtkýtự",
    '=HYPERLINK("http://x")',
]


def test_sheet_names_are_valid_unique_and_cut_between_words() -> None:
    taken: set[str] = set()
    names = [sheet_name(n, taken) for n in HOSTILE_NAMES]
    assert len({n.casefold() for n in names}) == len(names)
    for name in names:
        assert 1 <= len(name) <= 31, name
        assert not re.search(r"[\[\]:*?/\\\x00-\x1f]", name), name
        assert not name.startswith("'") and not name.endswith("'"), name
        assert name.casefold() != "history"
    assert names[8] == "Ủy ban nhân dân huyện Giao Thủy"  # whole words
    assert names[9].endswith("(2)") and names[10].endswith("(3)")


def test_hostile_unit_names_export_and_import(criteria: CriteriaSet, tmp_path: Path) -> None:
    base = sample("ban-dan-toc")
    units = [
        base.model_copy(update={"unit": base.unit.model_copy(update={"id": f"u{i}", "name": n})})
        for i, n in enumerate(HOSTILE_NAMES)
    ]
    path = export_workbook(criteria, units, tmp_path / "all.xlsx")
    book = openpyxl.load_workbook(path)
    assert len(book.sheetnames) == 2 * len(units) + 3
    result = import_workbook(criteria, path)
    assert len(result.submissions) == len(units) and not result.problems
    assert [w for w in result.warnings if w.kind == "sheet_unknown"] == []
    assert [s.unit.name for s in result.submissions] == HOSTILE_NAMES


# --- texts longer than a cell --------------------------------------------------------------------


def test_long_text_is_never_cut_silently_and_imports_whole(
    criteria: CriteriaSet, tmp_path: Path
) -> None:
    unit = sample("so-tnmt")
    long = "Giải trình rất dài. " * 2500  # 50,000 characters
    own = unit.self_scores["1.1"].model_copy(update={"explanation": long})
    unit = unit.model_copy(update={"self_scores": {**unit.self_scores, "1.1": own}})
    with pytest.warns(SheetTextCut) as caught:
        path = export_unit(criteria, unit, tmp_path / "u.xlsx")
    messages = [str(w.message) for w in caught]
    assert len(messages) == 2  # the detailed sheet's note and the official sheet's Ghi chú
    assert all("Sở Tài nguyên và Môi trường" in m and "tiêu chí 1.1" in m for m in messages)
    assert "50.000 ký tự" in messages[1]  # the detailed sheet's note: the text itself
    book = openpyxl.load_workbook(path)
    detail = book["Sở Tài nguyên và Môi trường"]
    cell = next(r[10].value for r in detail.iter_rows(min_row=6) if r[0].value == "1.1")
    assert len(cell) == MAX_CELL_TEXT and cell == shortened(long)
    assert re.search(r"còn [\d.]+ ký tự không hiện", cell)
    back = import_workbook(criteria, path).submissions[0]
    assert back.self_scores["1.1"].explanation == long  # the full text, not the cell's


def test_shortened_states_exactly_what_is_left_out() -> None:
    for size in (MAX_CELL_TEXT, MAX_CELL_TEXT + 1, 100_000):
        text = "x" * size
        shown = shortened(text)
        assert len(shown) <= MAX_CELL_TEXT
        if size == MAX_CELL_TEXT:
            assert shown == text
            continue
        kept = shown.index(" … [")
        hidden = int(re.search(r"còn ([\d.]+)", shown).group(1).replace(".", ""))  # type: ignore[union-attr]
        assert kept + hidden == size


def test_cli_export_says_when_a_cell_is_shortened(tmp_path: Path) -> None:
    """Texts read from files are at most 32,767 characters each, but a cell can join several:
    three documents with long titles citing 1.1 fill its evidence cell past the limit."""
    import yaml
    from click.testing import CliRunner

    from parindex.cli import main

    data = yaml.safe_load((ROOT / "evidence" / "so-tnmt-mau-2023.yaml").read_text("utf-8"))
    data["documents"] = [
        {
            "id": f"dai-{i}",
            "kind": "Báo cáo",
            "title": "Nội dung rất dài. " * 900,
            "supports": ["1.1"],
        }
        for i in range(3)
    ]
    source = tmp_path / "dai.yaml"
    source.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    out = tmp_path / "dai.xlsx"
    set_file = str(ROOT / "criteria" / "namdinh-stnmt-2023.yaml")
    result = CliRunner().invoke(main, ["export", set_file, str(source), "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert "Lưu ý: Sở Tài nguyên và Môi trường (mẫu), tiêu chí 1.1, ô" in result.stderr
    english = CliRunner().invoke(
        main, ["export", set_file, str(source), "-o", str(out), "--lang", "en"]
    )
    assert "Note: Sở Tài nguyên và Môi trường (mẫu), criterion 1.1, cell" in english.stderr


def test_a_criterion_is_covered_only_when_every_leaf_below_has_an_appraised_entry(
    criteria: CriteriaSet,
) -> None:
    """``_Appraisal.covered`` with nothing appraised (its short cut) and with some criteria
    appraised: every leaf below has an appraised entry row on its path up."""
    unit = sample("ban-dan-toc")
    grid = layout(criteria, review(criteria, unit).report, unit, 1)
    tops = [None, *grid.rows]
    leaves = [r.code for r in grid.rows if r.leaf and r.applicable]
    for appraised in ({}, {leaves[0]: 1}, dict.fromkeys(leaves, 1)):
        state = _Appraisal(grid, appraised, "'x'")
        found = [state.covered(top) for top in tops]
        expected = [all(any(r.code in appraised for r in p) for p in state.paths(t)) for t in tops]
        assert found == expected
        assert any(found) and (not all(found) or appraised)

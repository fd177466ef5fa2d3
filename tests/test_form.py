"""The self-assessment form: typed, validated entry cells, live formulas, the CLI."""

from __future__ import annotations

import re
from pathlib import Path

import openpyxl
import pytest
from click.testing import CliRunner

from parindex import load_criteria, load_submission
from parindex.backends.excel import formula
from parindex.cli import main
from parindex.form import LISTS_SHEET, write_form
from parindex.form_layout import (
    APPLIES,
    COMPUTED,
    ENGINE,
    FINAL,
    KEY,
    NOT_APPRAISED,
    SELF,
    VALUE,
    plan,
    ref,
)
from tests._printing import print_books

ROOT = Path(__file__).resolve().parent.parent
SET_2023 = ROOT / "criteria" / "namdinh-stnmt-2023.yaml"
SAMPLE = ROOT / "evidence" / "so-tnmt-mau-2023.yaml"


@pytest.fixture(scope="module")
def criteria():  # type: ignore[no-untyped-def]
    return load_criteria(SET_2023)


def _rows(sheet) -> dict[str, int]:  # type: ignore[no-untyped-def]
    """Key → 1-based row of the sheet (the first of each key)."""
    found: dict[str, int] = {}
    for row in range(1, sheet.max_row + 1):
        key = sheet.cell(row, KEY + 1).value
        if key:
            found.setdefault(key, row)
    return found


def test_blank_form_has_typed_validated_cells(criteria, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    path = write_form(criteria, [], tmp_path / "bieu-mau.xlsx")
    book = openpyxl.load_workbook(path)
    sheet = book[book.sheetnames[0]]
    rows = _rows(sheet)
    by_cell: dict[str, object] = {}
    for validation in sheet.data_validations.dataValidation:
        for cells in validation.sqref.ranges:
            by_cell[cells.coord] = validation
    specs = {i.name: i for i in criteria.inputs}
    kinds = {
        "count": "whole",
        "date": "custom",
        "yes_no": "list",
        "enum": "list",
        "amount": "decimal",
    }
    seen = set()
    for name, spec in specs.items():
        cell = f"D{rows[f'i:{name}']}"
        validation = by_cell[cell]
        assert validation.type == kinds[spec.type.value], (name, validation.type)
        seen.add(spec.type.value)
    assert seen == set(kinds)
    enum = next(i for i in criteria.inputs if i.type.value == "enum")
    source = by_cell[f"D{rows[f'i:{enum.name}']}"].formula1
    assert source.startswith(f"'{LISTS_SHEET}'!")
    for fact in criteria.facts:
        assert by_cell[f"D{rows[f'f:{fact.name}']}"].formula1 == '"có,không"'
    assert by_cell[f"H{rows['n:1.1']}"].type == "decimal"  # self-score between 0 and the maximum
    assert sheet.column_dimensions["X"].hidden  # the key column
    assert sheet.protection.sheet and sheet.protection.insertRows is False  # rows may be inserted
    assert book[LISTS_SHEET].sheet_state == "hidden"
    book.close()


def test_each_leaf_scores_with_its_lowered_formula(criteria, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    submission = load_submission(SAMPLE)
    path = write_form(criteria, [submission], tmp_path / "so.xlsx")
    layout = plan(criteria, submission)
    book = openpyxl.load_workbook(path)
    sheet = book[book.sheetnames[0]]
    for code, node in criteria.compiled.nodes.items():
        text = sheet.cell(layout.node_row[code] + 1, COMPUTED + 1).value
        assert isinstance(text, str) and text.startswith("=IF("), code
        if node.node.is_leaf:
            lowered = formula(node.leaf.lowered, lambda n: ref(layout.value_row[n], ENGINE))
            assert lowered in text, code
    cached = openpyxl.load_workbook(path, data_only=True)
    values = cached[cached.sheetnames[0]]
    from parindex import review

    result = review(criteria, submission)
    for node in result.report.nodes:
        row = layout.node_row[node.code] + 1
        if node.points is not None:
            assert values.cell(row, COMPUTED + 1).value == pytest.approx(float(node.points))
        applies = values.cell(row, APPLIES + 1).value
        assert applies == ("không" if node.status.value == "not_applicable" else "có")
    total = layout.row_of("total") + 1
    assert values.cell(total, COMPUTED + 1).value == pytest.approx(float(result.report.total))
    index = layout.row_of("index") + 1
    assert values.cell(index, COMPUTED + 1).value == pytest.approx(float(result.report.index))
    assert (
        values.cell(index, FINAL + 1).value == NOT_APPRAISED
    )  # no round yet: never the self-score
    assert values.cell(layout.row_of("class") + 1, COMPUTED + 1).value == result.report.band
    assert values.cell(layout.node_row["1.1"] + 1, SELF + 1).value == 1
    assert values.cell(layout.node_row["1.1"] + 1, FINAL + 1).value == NOT_APPRAISED
    book.close()
    cached.close()


def test_prefilled_cells_hold_the_submission(criteria, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    submission = load_submission(SAMPLE)
    path = write_form(criteria, [submission], tmp_path / "so.xlsx")
    layout = plan(criteria, submission)
    book = openpyxl.load_workbook(path)
    sheet = book[book.sheetnames[0]]
    date = sheet.cell(layout.value_row["ngay_ban_hanh_ke_hoach_cchc"] + 1, VALUE + 1)
    assert date.value.strftime("%d/%m/%Y") == "28/12/2022" and date.number_format == "dd/mm/yyyy"
    assert sheet.cell(layout.value_row["co_dvsncl"] + 1, VALUE + 1).value in ("có", "không")
    assert sheet.cell(4, VALUE + 1).value == submission.unit.id
    book.close()


def test_rounds_beyond_two_are_refused(criteria, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    from parindex.submission import Appraisal

    submission = load_submission(SAMPLE)
    late = submission.model_copy(update={"appraisals": [Appraisal(round=3)]})
    with pytest.raises(ValueError, match="vòng thẩm định 1 và 2"):
        write_form(criteria, [late], tmp_path / "x.xlsx")


def test_cli_writes_blank_and_prefilled_forms(tmp_path: Path) -> None:
    runner = CliRunner()
    blank = tmp_path / "bieu-mau.xlsx"
    done = runner.invoke(main, ["form", str(SET_2023), "-o", str(blank)])
    assert done.exit_code == 0, done.output
    assert "một trang trống" in done.output and blank.exists()
    filled = tmp_path / "so.xlsx"
    done = runner.invoke(
        main, ["form", str(SET_2023), str(SAMPLE), "-o", str(filled), "--lang", "en"]
    )
    assert done.exit_code == 0, done.output
    assert "1 unit" in done.output
    done = runner.invoke(main, ["form", str(SET_2023), "-o", str(tmp_path / "x.xls")])
    assert done.exit_code == 1 and ".xlsx" in done.output
    done = runner.invoke(main, ["form", "--help"])
    assert "Ví dụ" in done.output


def _print_area(book: openpyxl.Workbook, sheet: str) -> list[str]:
    """The ranges of ``sheet``'s print area, without the sheet's name."""
    return re.findall(r"!(\$[A-Z]+\$\d+:\$[A-Z]+\$\d+)", str(book[sheet].print_area))


def test_form_prints_its_runs_of_columns_at_a_readable_size(  # type: ignore[no-untyped-def]
    criteria, tmp_path: Path
) -> None:
    """Printed, the 23 columns go on runs of pages led by the code and title columns (they were
    fitted to one page wide: a third of their size). The rounds print once a round is in."""
    alone = load_submission(ROOT / "evidence" / "ban-dan-toc-mau-2023.yaml")
    appraised = load_submission(ROOT / "evidence" / "so-tu-phap-mau-2023.yaml")
    assert not alone.appraisals and appraised.appraisals
    unit = openpyxl.load_workbook(write_form(criteria, [alone, appraised], tmp_path / "u.xlsx"))
    team = openpyxl.load_workbook(
        write_form(criteria, [alone], tmp_path / "t.xlsx", appraisal=True)
    )
    for book in (unit, team):
        for name in book.sheetnames[:-3] if book is unit else book.sheetnames[:1]:
            sheet = book[name]
            assert sheet.page_setup.scale == 75 and not sheet.sheet_properties.pageSetUpPr.fitToPage
            assert sheet.print_title_cols == "$A:$B" and sheet.print_title_rows == "$7:$7"
    last = plan(criteria, alone).last + 1
    assert _print_area(unit, unit.sheetnames[0]) == [f"$A$1:$I${last}", f"$P$8:$W${last}"]
    assert _print_area(team, team.sheetnames[0])[1] == f"$J$8:$O${last}"
    assert len(_print_area(unit, unit.sheetnames[1])) == 3  # appraised: its rounds printed


def test_printed_form_pages_hold_whole_runs_of_columns(  # type: ignore[no-untyped-def]
    criteria, tmp_path: Path
) -> None:
    """LibreOffice's print of a unit's form: every page starts with the column heads, holds the
    whole of one run (its last column's head on it), and no word is printed under 7 points."""
    alone = load_submission(ROOT / "evidence" / "ban-dan-toc-mau-2023.yaml")
    book = write_form(criteria, [alone], tmp_path / "form.xlsx")
    printed = print_books({"form": book}, tmp_path)["form"]
    assert len(printed.pages) > 2
    assert "68,5 điểm dựa trên giá trị tạm tính" in printed.pages[0]  # the title line whole
    runs = ["Giải trình của đơn vị" in p or "Mã tài liệu" in p for p in printed.pages]
    assert all(runs), [i for i, whole in enumerate(runs, 1) if not whole]
    assert all("STT" in page and "Vòng 1" not in page for page in printed.pages)
    for page in (1, len(printed.pages)):
        assert min(height for height, _ in printed.words(page)) >= 7, page

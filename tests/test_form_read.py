"""Filled forms come back: everything the form holds, problems located, one unit never
blocking another; export → import → export gives the same value in every cell."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import openpyxl
import pytest

from parindex import CriteriaSet, check_submission, load_criteria, load_submission, review, score
from parindex.excel_import import import_workbook
from parindex.excel_layout import WorkbookError
from parindex.form import write_form
from parindex.form_layout import (
    DOC_KIND,
    DOC_NUMBER,
    DOC_TITLE,
    EXPLAIN,
    KEY,
    R1,
    R1_NOTE,
    R2,
    RESPONSE,
    SELF,
    TITLE,
    VALUE,
)

ROOT = Path(__file__).resolve().parent.parent
SET_2023 = ROOT / "criteria" / "namdinh-stnmt-2023.yaml"
SAMPLES = sorted((ROOT / "evidence").glob("*-2023.yaml"))


@pytest.fixture(scope="module")
def criteria():  # type: ignore[no-untyped-def]
    return load_criteria(SET_2023)


def _rows(sheet) -> dict[str, int]:  # type: ignore[no-untyped-def]
    found: dict[str, int] = {}
    for row in range(1, sheet.max_row + 1):
        key = sheet.cell(row, KEY + 1).value
        if key:
            found.setdefault(key, row)
    return found


def _cells(path: Path) -> dict[tuple[str, str], object]:
    book = openpyxl.load_workbook(path)
    cells = {
        (sheet.title, cell.coordinate): cell.value
        for sheet in book.worksheets
        if not sheet.title.startswith("_")
        for row in sheet.iter_rows()
        for cell in row
        if cell.value is not None
    }
    book.close()
    return cells


def _findings(criteria, submission) -> list[tuple[object, ...]]:  # type: ignore[no-untyped-def]
    """The review's findings as values (points compare as numbers: 1 equals 1.00)."""
    return [
        (f.code, f.criterion, f.severity, f.self_score, f.computed_score, f.appraised_score)
        for f in review(criteria, submission).findings
    ]


def test_export_import_export_gives_the_same_cells(criteria, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    originals = [load_submission(p) for p in SAMPLES]
    first = write_form(criteria, originals, tmp_path / "a.xlsx")
    result = import_workbook(criteria, first, round=2)
    assert result.complete and len(result.submissions) == len(originals)
    assert any(w.kind == "round_not_applicable" for w in result.warnings)
    for before, after in zip(originals, result.submissions, strict=True):
        assert after.unit == before.unit
        assert after.documents == before.documents
        assert after.self_scores == before.self_scores
        assert after.appraisals == before.appraisals
        assert after.survey == before.survey
        assert check_submission(criteria, after).values == check_submission(criteria, before).values
        assert _findings(criteria, after) == _findings(criteria, before)
    again = write_form(criteria, result.submissions, tmp_path / "b.xlsx")
    assert _cells(first) == _cells(again)
    over = [w for w in result.warnings if w.kind == "above_max"]
    assert over and over[0].code == "2.1"  # Sở Tư pháp claims 5 of 1: imported, and a finding


def test_a_filled_blank_form_scores_as_the_engine(criteria, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    path = write_form(criteria, [], tmp_path / "blank.xlsx")
    book = openpyxl.load_workbook(path)
    sheet = book[book.sheetnames[0]]
    rows = _rows(sheet)
    sheet.cell(3, VALUE + 1).value = "Sở Thử nghiệm"
    sheet.cell(4, VALUE + 1).value = "so-thu"
    sheet.cell(rows["f:co_dvsncl"], VALUE + 1).value = "không"
    sheet.cell(rows["f:co_tthc"], VALUE + 1).value = "có"
    sheet.cell(rows["i:ngay_ban_hanh_ke_hoach_cchc"], VALUE + 1).value = dt.datetime(2023, 1, 5)
    sheet.cell(rows["i:ngay_gui_bao_cao_cchc_quy_1"], VALUE + 1).value = "không thực hiện"
    sheet.cell(rows["i:so_don_vi_duoc_kiem_tra"], VALUE + 1).value = 3
    sheet.cell(rows["i:so_don_vi_truc_thuoc"], VALUE + 1).value = "10"
    sheet.cell(rows["i:muc_do_thuc_hien_ke_hoach_dtbd"], VALUE + 1).value = "Hoàn thành kế hoạch"
    sheet.cell(rows["n:1.1"], SELF + 1).value = 1
    sheet.cell(rows["n:1.1"], EXPLAIN + 1).value = "Kế hoạch ban hành ngày 05/01/2023"
    sheet.cell(rows["n:1.1"], R1 + 1).value = 0.5
    sheet.cell(rows["n:1.1"], R1_NOTE + 1).value = "Ban hành muộn"
    sheet.cell(rows["n:1.1"], RESPONSE + 1).value = "Đề nghị xem lại"
    sheet.cell(rows["n:1.1"], R2 + 1).value = 0
    doc = rows["d:1.1"]
    sheet.cell(doc, DOC_KIND + 1).value = "Kế hoạch"
    sheet.cell(doc, DOC_NUMBER + 1).value = "12/KH-STHU"
    title = sheet.cell(doc, DOC_TITLE + 1)
    title.value = "=Kế hoạch CCHC năm 2023"
    title.data_type = "s"  # typed with Excel's quote prefix: text, never a formula
    other = rows["d:1.2.a"]
    sheet.cell(other, DOC_KIND + 1).value = "=1+1"  # a formula in a text cell: a problem
    sheet.cell(rows["n:1.2"], DOC_KIND + 1).value = "lạc chỗ"  # not an evidence row: a warning
    book.save(path)
    book.close()
    with pytest.raises(WorkbookError) as caught:
        import_workbook(criteria, path)
    [formula] = [p for p in caught.value.errors if p.kind == "formula_in_text"]
    typed_by_unit = [p for p in caught.value.errors if p.kind != "formula_in_text"]
    assert formula.field is not None and formula.field.endswith(f"!P{other}")
    assert any(w.kind == "not_imported" for w in caught.value.warnings)
    # the round cells are the appraisers': typed in the unit's form, each is refused
    assert {(p.kind, p.code) for p in typed_by_unit} == {("appraisal_in_unit_form", "1.1")}
    assert {p.field for p in typed_by_unit} == {
        f"'Đơn vị'!J{rows['n:1.1']}",
        f"'Đơn vị'!M{rows['n:1.1']}",
    }
    book = openpyxl.load_workbook(path)
    sheet = book[book.sheetnames[0]]
    sheet.cell(other, DOC_KIND + 1).value = None
    for col in (R1, R1_NOTE, R2):
        sheet.cell(rows["n:1.1"], col + 1).value = None
    book.save(path)
    book.close()
    [unit] = import_workbook(criteria, path).submissions
    assert unit.appraisals[0].scores == {}  # the unit's answer is kept, no score
    # the appraisers score in their own form, made from what the unit sent
    path = write_form(criteria, [unit], tmp_path / "tham-dinh.xlsx", appraisal=True)
    book = openpyxl.load_workbook(path)
    sheet = book[book.sheetnames[0]]
    sheet.cell(rows["n:1.1"], R1 + 1).value = 0.5
    sheet.cell(rows["n:1.1"], R1_NOTE + 1).value = "Ban hành muộn"
    sheet.cell(rows["n:1.1"], R2 + 1).value = 0
    book.save(path)
    book.close()
    [submission] = import_workbook(criteria, path).submissions
    assert submission.unit.id == "so-thu" and submission.unit.facts == {
        "co_dvsncl": False,
        "co_tthc": True,
    }
    assert submission.values["ngay_ban_hanh_ke_hoach_cchc"] == dt.date(2023, 1, 5)
    assert submission.values["ngay_gui_bao_cao_cchc_quy_1"] is False
    assert submission.values["so_don_vi_truc_thuoc"] == 10
    assert submission.values["muc_do_thuc_hien_ke_hoach_dtbd"] == "hoan_thanh"
    [document] = submission.documents
    assert document.supports == ["1.1"] and document.title == "=Kế hoạch CCHC năm 2023"
    assert [a.round for a in submission.appraisals] == [1, 2]
    assert submission.appraisals[0].unit_response == {"1.1": "Đề nghị xem lại"}
    report = score(criteria, submission)
    assert report.node("1.1").points is not None
    assert report.node("4.4").status.value == "not_applicable"
    final = review(criteria, submission)
    assert final.final_scores["1.1"] == 0  # the last round's score


def test_problems_are_located_and_one_unit_never_blocks_another(criteria, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    originals = [load_submission(p) for p in SAMPLES[:3]]
    path = write_form(criteria, originals, tmp_path / "three.xlsx")
    book = openpyxl.load_workbook(path)
    bad = book[book.sheetnames[1]]
    rows = _rows(bad)
    bad.cell(rows["i:so_don_vi_truc_thuoc"], VALUE + 1).value = "mười"
    bad.cell(rows["f:co_dvsncl"], VALUE + 1).value = "chắc có"
    bad.cell(rows["n:1.1"], SELF + 1).value = "=1+1"
    bad.cell(rows["n:1.1"], TITLE + 1).value = "Tiêu chí khác"
    bad.cell(rows["n:1"], SELF + 1).value = 8  # a parent's row is computed
    good = book[book.sheetnames[0]]
    good.cell(_rows(good)["n:1.1"], SELF + 1).value = 3  # above its maximum of 1: a finding
    book.save(path)
    book.close()
    result = import_workbook(criteria, path)
    assert len(result.submissions) == 2 and result.refused == (book.sheetnames[1],)
    kinds = {p.kind: p for p in result.problems}
    assert set(kinds) >= {
        "invalid_value",
        "formula_in_score",
        "title_changed",
        "computed_row_edited",
    }
    assert all(p.field and p.field.startswith(f"'{book.sheetnames[1]}'!") for p in result.problems)
    assert kinds["formula_in_score"].code == "1.1"
    assert any(p.allowed == ("có", "không") for p in result.problems)
    over = review(criteria, result.submissions[0])
    assert any(f.criterion == "1.1" and f.code == "above_max" for f in over.findings)


def test_inserted_evidence_rows_are_read(criteria, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    path = write_form(criteria, [load_submission(SAMPLES[0])], tmp_path / "one.xlsx")
    book = openpyxl.load_workbook(path)
    sheet = book[book.sheetnames[0]]
    at = _rows(sheet)["d:1.1"]
    last = max(r for r in range(at, at + 20) if sheet.cell(r, KEY + 1).value == "d:1.1")
    sheet.insert_rows(last + 1)
    sheet.cell(last + 1, DOC_KIND + 1).value = "Báo cáo"
    sheet.cell(last + 1, DOC_TITLE + 1).value = "Báo cáo bổ sung"
    book.save(path)
    book.close()
    [submission] = import_workbook(criteria, path).submissions
    added = [d for d in submission.documents if d.title == "Báo cáo bổ sung"]
    assert len(added) == 1 and added[0].supports == ["1.1"]


def test_an_edited_hidden_sheet_is_refused(criteria, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    path = write_form(criteria, [load_submission(SAMPLES[0])], tmp_path / "one.xlsx")
    book = openpyxl.load_workbook(path)
    meta = book["_parindex"]
    for row in meta.iter_rows():
        for cell in row:
            if isinstance(cell.value, str) and '"level":"so"' in cell.value:
                cell.value = cell.value.replace('"name":"', '"name":"X', 1)
    book.save(path)
    book.close()
    with pytest.raises(WorkbookError) as caught:
        import_workbook(criteria, path)
    assert any(p.kind == "meta_edited" for p in caught.value.errors)


def test_tampered_forms_give_located_problems_for_that_unit_only(criteria, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    originals = [load_submission(p) for p in SAMPLES[:4]]
    path = write_form(criteria, originals, tmp_path / "four.xlsx")
    book = openpyxl.load_workbook(path)
    names = book.sheetnames[:4]
    merged = book[names[0]]
    at = _rows(merged)["n:1.1"]
    merged.merge_cells(start_row=at, start_column=SELF + 1, end_row=at, end_column=R2 + 1)
    deleted = book[names[1]]
    deleted.delete_rows(_rows(deleted)["i:so_don_vi_truc_thuoc"])
    book[names[2]].title = "Đổi tên"
    swapped = book[names[3]]
    rows = _rows(swapped)
    for col in range(1, KEY + 2):  # rows 1.1 and 1.2 swapped, keys and all
        a, b = swapped.cell(rows["n:1.1"], col), swapped.cell(rows["n:1.2"], col)
        a.value, b.value = b.value, a.value
    book.save(path)
    book.close()
    result = import_workbook(criteria, path)
    kinds = {p.kind for p in result.problems}
    assert {"merged_cells", "row_missing", "sheet_missing"} <= kinds
    assert set(result.refused) == {names[0], names[1], names[2]}
    [survivor] = result.submissions  # rows swapped: read by their keys
    assert survivor.self_scores == originals[3].self_scores


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_anything_typed_anywhere_is_imported_or_a_located_problem(
    criteria: CriteriaSet, tmp_path: Path, seed: int
) -> None:
    """Random values (text, numbers, dates, booleans, formulas, huge and odd text) typed over
    random cells of the form, entry or not: never a crash, every problem located."""
    import random

    rng = random.Random(seed)
    path = write_form(criteria, [load_submission(SAMPLES[seed])], tmp_path / "one.xlsx")
    book = openpyxl.load_workbook(path)
    sheet = book[book.sheetnames[0]]
    junk = ["", " ", "có", "không", "abc", "=1/0", "+cmd", "-1", "1e308", "0,5", "12.500",
            "31/02/2023", "không thực hiện", "x" * 5000, 3.5, -2, 10**12, True, dt.datetime(1800, 1, 1)]  # fmt: skip
    for _ in range(25):
        cell = sheet.cell(rng.randint(1, sheet.max_row + 5), rng.randint(1, KEY + 3))
        if isinstance(cell, openpyxl.cell.cell.MergedCell):
            continue
        cell.value = rng.choice(junk)
    book.save(path)
    book.close()
    try:
        result = import_workbook(criteria, path)
        problems = [*result.problems, *result.warnings]
    except WorkbookError as exc:
        problems = list(exc.problems)
    for problem in problems:
        assert problem.field, problem.describe()
        assert problem.message and problem.message_en

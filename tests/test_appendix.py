"""The plan appendix: seed 000's rows regenerated from the 2023 set, and both file formats."""

from __future__ import annotations

import re
from decimal import Decimal
from pathlib import Path

import pytest

from parindex.appendix import COLUMNS, build_appendix, write_appendix
from parindex.loader import load_criteria

ROOT = Path(__file__).resolve().parents[1]
SEEDS = ROOT.parent / "shared" / "seeds"
CRITERIA = ROOT / "criteria" / "namdinh-stnmt-2023.yaml"

# Where seed 000's text layout breaks a cell, and the set keeps the cell whole.
SEED_BREAKS = {
    # the page break after row 3.1.1 splits "Kinh phí | thường xuyên" over rows 3.1.1 and 3.1.2
    ("3.1.1", "funding"): "Kinh phí thường xuyên",
    ("3.1.2", "funding"): "",
    # row 4.5 is shifted one column right in the seed: its deadline sits under NGUỒN KINH PHÍ
    ("4.5", "deadline"): "Thường xuyên",
    ("4.5", "funding"): "Kinh phí thường xuyên",
    ("4.5", "note"): "",
}
OFFICE_WORDS = re.compile(r"chủ trì|phối hợp|tổ chức thực hiện|có trách nhiệm", re.I)


def words(text: str) -> str:
    """Text compared by its words: HTML, bullets, ';' '.' and spacing are layout."""
    text = re.sub(r"<[^>]+>", " ", text)
    text = re.sub(r"[;.\-]", " ", text).replace("( ", "(").replace(" )", ")")
    return " ".join(text.split()).casefold()


def seed_rows() -> list[tuple[int, list[str]]]:
    assert SEEDS.is_dir(), f"the seeds folder {SEEDS} is missing (CI has shared/ beside the clone)"
    (path,) = SEEDS.glob("000_*.txt")
    rows = []
    for number, line in enumerate(path.read_text("utf-8").splitlines(), 1):
        if "\t" not in line or line.startswith("STT"):
            continue
        cells = line.split("\t")
        while len(cells) > 6 and "" in cells[2:]:  # an empty cell too many (row 4.5)
            cells.pop(cells.index("", 2))
        rows.append((number, (cells + [""] * 6)[:6]))
    return rows


@pytest.fixture(scope="module")
def appendix_2023():  # type: ignore[no-untyped-def]
    return build_appendix(load_criteria(CRITERIA), 2023)


def test_seed_000_rows_are_reproduced(appendix_2023) -> None:  # type: ignore[no-untyped-def]
    rows = [r for r in appendix_2023.rows if not r.header]
    coded = {r.stt: r for r in rows if r.stt}
    items = [r for r in rows if not r.stt]
    seed = seed_rows()
    seed_items = [cells for _, cells in seed if not cells[0]]
    assert len(seed_items) == len(items) == 29
    checked = 0
    for number, (stt, task, product, deadline, funding, note) in seed:
        row = coded[stt] if stt else items.pop(0)
        assert words(row.task) == words(task), (number, stt)
        if "CHỦ TRÌ" in product:  # an office header written in the product column
            continue
        if OFFICE_WORDS.search(product) and not row.product:  # an office note, same place
            assert words(product) in words(row.note), (number, stt)
        else:
            assert words(row.product) == words(product), (number, stt)
        deadline = SEED_BREAKS.get((stt, "deadline"), deadline)
        funding = SEED_BREAKS.get((stt, "funding"), funding)
        note = SEED_BREAKS.get((stt, "note"), note)
        assert words(row.deadline) == words(deadline), (number, stt)
        assert words(row.funding) == words(funding), (number, stt)
        if note:
            assert words(note) in words(row.note), (number, stt)
        checked += 1
    assert checked >= 150


def test_seed_000_offices_head_the_same_rows(appendix_2023) -> None:  # type: ignore[no-untyped-def]
    seed_heads = [
        (cells[0], cells[2].split(" CHỦ TRÌ")[0].casefold())
        for _, cells in seed_rows()
        if "CHỦ TRÌ" in cells[2]
    ]
    mine = [(r.code, r.task.casefold()) for r in appendix_2023.rows if r.header]
    assert len(mine) == len(seed_heads) == 7
    for (code, office), (my_code, header) in zip(seed_heads, mine, strict=True):
        assert code == my_code
        assert header.startswith(office), (header, office)  # "thanh tra sở …" ⊇ "thanh tra"
    assert appendix_2023.offices()[0].startswith("VĂN PHÒNG SỞ CHỦ TRÌ")


def test_next_year_moves_deadlines_and_titles() -> None:
    criteria = load_criteria(CRITERIA)
    appendix = build_appendix(criteria)
    assert appendix.year == 2024
    assert appendix.title.endswith("NĂM 2024")
    by_code = {r.code: r for r in appendix.rows if not r.header}
    assert by_code["1.1"].deadline == "Kế hoạch trước ngày 31/12/2023"
    assert by_code["1.4.1.b"].deadline == "Tháng 1/2024"
    assert build_appendix(criteria, language="en").title.endswith("IN 2024")


def test_next_year_moves_the_sets_year_in_tasks_and_products_not_in_laws() -> None:
    """The 2024 plan asks for "Kế hoạch CCHC năm 2024", not 2023's; the budget settled the
    year before moves too; a law's number and date and a fixed baseline keep their years."""
    by_code = {r.code: r for r in build_appendix(load_criteria(CRITERIA)).rows if not r.header}
    assert by_code["1.1"].product == "- Kế hoạch CCHC năm 2024\n- Báo cáo CCHC năm 2024"
    assert by_code["6.2.3"].task == "Công khai Quyết toán ngân sách nhà nước năm 2023"
    assert "Nghị định 45/2020/NĐ-CP ngày 8/4/2020" in by_code["3.7.5"].product
    assert "Thông tư 61/2017/TT-BTC ngày 15/6/2017" in by_code["6.2"].task
    assert by_code["6.4.4"].task.endswith("so với năm 2021")
    assert by_code["4.2.1"].product == "Văn bản phân bổ biên chế 2024"


def test_a_date_keeps_its_year_written_in_words_or_with_dots() -> None:
    """A date is an event's (a decision's) date, not the plan's year: written with slashes it
    kept its year, written in words or with dots it moved to the plan's year."""
    from parindex.appendix import _moved

    text = (
        "Quyết định 12/QĐ-UBND ngày 15 tháng 3 năm 2023, Ngày 2 tháng 12, năm 2022 và "
        "Chỉ thị ngày 15.3.2023 về Kế hoạch CCHC năm 2023; báo cáo năm 2022."
    )
    assert _moved(text, 2023, 1) == (
        "Quyết định 12/QĐ-UBND ngày 15 tháng 3 năm 2023, Ngày 2 tháng 12, năm 2022 và "
        "Chỉ thị ngày 15.3.2023 về Kế hoạch CCHC năm 2024; báo cáo năm 2023."
    )


def test_priorities_are_marked() -> None:
    appendix = build_appendix(load_criteria(CRITERIA), priorities={"1.5": Decimal("0.25")})
    (row,) = [r for r in appendix.rows if r.code == "1.5" and not r.header]
    assert row.priority == Decimal("0.25")
    assert row.note.endswith("ƯU TIÊN: có thể thêm 0,25 điểm")


def test_write_xlsx_and_docx(tmp_path: Path, appendix_2023) -> None:  # type: ignore[no-untyped-def]
    import openpyxl
    from docx import Document

    xlsx = write_appendix(appendix_2023, tmp_path / "phu-luc.xlsx")
    sheet = openpyxl.load_workbook(xlsx).active
    assert sheet is not None
    assert tuple(c.value for c in sheet[4]) == COLUMNS
    assert sheet["A1"].value == appendix_2023.title
    assert sheet.page_setup.orientation == "landscape" and sheet.page_setup.paperSize == 9
    assert sheet.max_row == 4 + len(appendix_2023.rows)
    docx = write_appendix(appendix_2023, tmp_path / "phu-luc.docx")
    table = Document(str(docx)).tables[0]
    assert tuple(c.text for c in table.rows[0].cells) == COLUMNS
    assert len(table.rows) == 1 + len(appendix_2023.rows)
    with pytest.raises(ValueError, match=r"\.xlsx, \.docx \(hoặc \.yaml\)"):
        write_appendix(appendix_2023, tmp_path / "phu-luc.pdf")


def test_cells_never_become_formulas(tmp_path: Path) -> None:
    import openpyxl

    from parindex.appendix import Appendix, AppendixRow

    hostile = Appendix(2024, "T", "S", (AppendixRow("1", "1", '=HYPERLINK("x")', "+1", "-2"),))
    sheet = openpyxl.load_workbook(write_appendix(hostile, tmp_path / "x.xlsx")).active
    assert sheet is not None
    assert [sheet.cell(5, c).value for c in (2, 3, 4)] == ['=HYPERLINK("x")', "+1", "-2"]
    assert all(sheet.cell(5, c).data_type == "s" for c in (2, 3, 4))
    assert all(sheet.cell(5, c).quotePrefix for c in (2, 3, 4))

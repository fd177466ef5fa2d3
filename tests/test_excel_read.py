"""The bounded .xlsx reader: what it reads, and the limits it enforces."""

from __future__ import annotations

from pathlib import Path

import pytest

from parindex import export_workbook, load_criteria, load_submission
from parindex.excel_layout import META_SHEET
from parindex.excel_read import Limits, Xlsx, XlsxProblem, column_letter

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def workbook(tmp_path_factory: pytest.TempPathFactory) -> Path:
    criteria = load_criteria(ROOT / "criteria" / "namdinh-stnmt-2023.yaml")
    unit = load_submission(ROOT / "evidence" / "so-tnmt-mau-2023.yaml")
    path = tmp_path_factory.mktemp("read") / "u.xlsx"
    return export_workbook(criteria, [unit], path, summary=False)


def test_column_letters() -> None:
    assert [column_letter(c) for c in (0, 11, 25, 26, 701, 702)] == [
        "A", "L", "Z", "AA", "ZZ", "AAA",
    ]  # fmt: skip


def test_reads_names_visibility_cells_and_merges(workbook: Path) -> None:
    with Xlsx(workbook) as book:
        assert book.sheetnames == [
            "In - Sở Tài nguyên và Môi",
            "Sở Tài nguyên và Môi trường",
            META_SHEET,
        ]
        assert book.hidden == {META_SHEET}
        sheet = book.sheet(book.sheetnames[1], rows=5, cols=12)
    header = sheet.cells[4, 0]
    assert (header.value, header.kind) == ("STT", "s")
    assert (0, 0, 0, 11) in sheet.merges  # the title row
    assert sheet.outside_count > 100 and len(sheet.outside) == 20  # rows below the box
    assert any(cell.kind == "f" for _, _, cell in sheet.outside)  # formulas kept as such


@pytest.mark.parametrize(
    ("limits", "kind"),
    [
        (Limits(part_bytes=10_000), "zip_bomb"),
        (Limits(entries=3), "zip_bomb"),
        (Limits(file_bytes=1_000), "too_large"),
        (Limits(total_bytes=50_000), "zip_bomb"),
    ],
)
def test_limits_refuse_before_reading(workbook: Path, limits: Limits, kind: str) -> None:
    with pytest.raises(XlsxProblem) as caught:
        Xlsx(workbook, limits)
    assert caught.value.kind == kind and caught.value.message and caught.value.message_en


def test_a_missing_file_is_said_in_vietnamese(tmp_path: Path) -> None:
    """Not Python's "[Errno 2] No such file or directory: '…'" (the file is named beside)."""
    with pytest.raises(XlsxProblem) as caught:
        Xlsx(tmp_path / "khong-co.xlsx")
    assert caught.value.kind == "unreadable"
    assert caught.value.message == "không đọc được tệp: không tìm thấy tệp hoặc thư mục"
    assert caught.value.message_en == "cannot read the file: no such file or directory"


def test_row_and_string_limits(workbook: Path) -> None:
    with Xlsx(workbook, Limits(rows=50)) as book, pytest.raises(XlsxProblem) as caught:
        book.sheet(book.sheetnames[0], rows=300, cols=12)
    assert caught.value.kind == "too_many_rows"
    with Xlsx(workbook, Limits(strings=10)) as book, pytest.raises(XlsxProblem) as caught:
        book.strings()
    assert caught.value.kind == "too_many_strings"


def test_an_unknown_encoding_in_a_part_is_a_damaged_part(workbook: Path, tmp_path: Path) -> None:
    """A flipped byte turning encoding="UTF-8" into "UTF-0" (found by the workbook fuzzer:
    LookupError escaped from the XML parser) is a damaged part, named."""
    import zipfile

    damaged = tmp_path / "enc.xlsx"
    name = "xl/_rels/workbook.xml.rels"
    with zipfile.ZipFile(workbook) as source, zipfile.ZipFile(damaged, "w") as target:
        for item in source.namelist():
            data = source.read(item)
            if item == name:
                data = data.replace(b'encoding="UTF-8"', b'encoding="UTF-0"', 1)
                assert b"UTF-0" in data
            target.writestr(item, data)
    with pytest.raises(XlsxProblem) as caught:
        Xlsx(damaged)
    assert caught.value.kind == "damaged_part" and name in caught.value.message

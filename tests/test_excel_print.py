"""Printing checked as a person would: workbooks converted to PDF by LibreOffice.

One soffice run converts two workbooks: three sample units of the 2023 set (summary, each
unit's official and detailed sheets, findings) — one not appraised, one partly appraised,
and the one whose official sheet is longest — and one unit alone in English.
``pdftotext`` and ``pdfinfo`` (poppler-utils, installed by ``make test``'s set-up) read the
pages back: no ``###``, the signature blocks, each official sheet on at most 6 A4 pages,
and no text printed smaller than the 9-point page footer.
"""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest

from parindex import export_unit, export_workbook, load_criteria, load_submission
from parindex.excel_layout import DATE_LINE, SIGNERS
from tests import _printing
from tests._printing import print_books, tool

ROOT = Path(__file__).resolve().parent.parent
OFFICIAL_TITLE = "THẨM ĐỊNH CHỈ SỐ CẢI CÁCH HÀNH CHÍNH"
DETAIL_TITLE = "TỰ ĐÁNH GIÁ, CHẤM ĐIỂM CÁC TIÊU CHÍ"


class Printed(_printing.Printed):
    def kinds(self) -> list[str]:
        """What each page is: summary, official, detail, findings, or "" (a continuation)."""
        found = []
        for page in self.pages:
            if "TỔNG HỢP KẾT QUẢ CHỈ SỐ" in page or "PAR INDEX RESULTS" in page:
                found.append("summary")
            elif OFFICIAL_TITLE in page or "APPRAISAL OF THE PAR INDEX" in page:
                found.append("official")
            elif DETAIL_TITLE in page:
                found.append("detail")
            elif re.search(r"^\s*(Đơn vị|Unit)\s+(Mức|Severity)", page, re.M):
                found.append("findings")
            else:
                found.append("")
        return found


@pytest.fixture(scope="module")
def printed(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Printed]:
    folder = tmp_path_factory.mktemp("print")
    criteria = load_criteria(ROOT / "criteria" / "namdinh-stnmt-2023.yaml")
    names = ("ban-dan-toc", "so-tu-phap", "so-tnmt")
    units = [load_submission(ROOT / "evidence" / f"{n}-mau-2023.yaml") for n in names]
    books = {
        "vi": export_workbook(criteria, units, folder / "vi.xlsx"),
        "en": export_unit(criteria, units[0], folder / "en.xlsx", language="en"),
    }
    pages = print_books(books, folder)
    return {name: Printed(book.pdf, book.pages) for name, book in pages.items()}


def test_every_sheet_kind_is_printed(printed: dict[str, Printed]) -> None:
    kinds = printed["vi"].kinds()
    assert kinds[0] == "summary"
    assert kinds.count("official") == 3 and kinds.count("detail") == 3
    assert "findings" in kinds


def test_no_cell_prints_hashes(printed: dict[str, Printed]) -> None:
    for name, book in printed.items():
        assert not [i for i, page in enumerate(book.pages, 1) if "###" in page], name


def test_each_unit_sheet_ends_with_its_signature_block(printed: dict[str, Printed]) -> None:
    text = "\n".join(printed["vi"].pages)
    for signer in SIGNERS:
        assert text.count(signer) == 6, signer  # the official and the detailed sheet of 3 units
    assert text.count(DATE_LINE) == 6
    english = "\n".join(printed["en"].pages)
    assert "HEAD OF THE AGENCY" in english and "APPRAISAL TEAM" in english


def _official_runs(book: Printed) -> list[tuple[int, int]]:
    """(first page, page count) of each official sheet."""
    kinds, runs = book.kinds(), []
    for start, kind in enumerate(kinds):
        if kind == "official":
            end = start + 1
            while end < len(kinds) and kinds[end] == "":
                end += 1
            runs.append((start + 1, end - start))
    return runs


def test_official_sheet_prints_on_six_pages_at_most(printed: dict[str, Printed]) -> None:
    runs = _official_runs(printed["vi"])
    assert len(runs) == 3
    assert [count for _, count in runs if count > 6] == []
    info = subprocess.run(
        [tool("pdfinfo"), str(printed["vi"].pdf)], capture_output=True, check=True
    ).stdout.decode("utf-8")
    assert re.search(r"Page size:\s+841\.\d+ x 595\.\d+ pts \(A4\)", info), info  # landscape
    pages = int(re.search(r"Pages:\s+(\d+)", info).group(1))  # type: ignore[union-attr]
    assert pages == len(printed["vi"].pages)


_FACES = 0.98
"""Word boxes of the italic and bold faces are up to 1 % shorter than the regular face's."""


def test_official_sheet_prints_at_nine_points_or_more(printed: dict[str, Printed]) -> None:
    """Every word of an official sheet's pages is at least as tall as the page footer's
    "Trang": the footer is set in 9-point Times New Roman and never scaled (a sheet shrunk
    to fit prints its 9-point text smaller than that)."""
    book = printed["vi"]
    first, count = _official_runs(book)[0]
    for page in range(first, first + count):
        words = book.words(page)
        footer = [h for h, w in words if w == "Trang"]
        assert footer, page
        smallest = min(h for h, w in words if w != "Trang")
        assert smallest >= footer[0] * _FACES, (page, smallest, footer[0])


def test_other_sheets_print_at_nine_points_or_more(printed: dict[str, Printed]) -> None:
    book = printed["vi"]
    kinds = book.kinds()
    for page in (kinds.index(kind) + 1 for kind in ("summary", "detail", "findings")):
        words = book.words(page)
        footer = [h for h, w in words if w == "Trang"]
        assert footer, page
        assert min(h for h, w in words) >= footer[0] * _FACES, page


def test_summary_says_how_it_ranks_in_words(printed: dict[str, Printed]) -> None:
    summary = printed["vi"].pages[0]
    assert "Ngày lập:" in summary
    assert "chỉ số thẩm định với đơn vị đã" in summary
    assert "Sở, ban," in summary  # "Sở, ban, ngành", wrapped in its column
    assert not re.search(r"^\s*so\s", summary, re.M)  # never the group code


def test_official_sheet_never_shows_a_self_score_as_appraised(
    printed: dict[str, Printed],
) -> None:
    """Ban Dân tộc has no appraisal: its official sheet reads "chưa thẩm định"."""
    book = printed["vi"]
    first, count = _official_runs(book)[0]
    text = "\n".join(book.pages[first - 1 : first - 1 + count])
    assert "Ban Dân tộc" in text
    assert "chưa thẩm định" in text
    total = next(line for line in text.splitlines() if "TỔNG ĐIỂM" in line)
    assert "chưa thẩm định" in total


def test_english_sheets_are_in_english(printed: dict[str, Printed]) -> None:
    text = "\n".join(printed["en"].pages)
    assert "Criteria and sub-criteria" in text and "not appraised" in text
    assert "Tiêu chí, tiêu chí thành phần" not in text

"""The Word appraisal report: converts to PDF in LibreOffice (one soffice call for all);
the PDF text has the heading, the national motto, the ranking table and the signature lines."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest

from parindex import load_criteria, load_submission
from parindex.results import ProvinceResults, province_results
from parindex.word_report import write_docx

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def results() -> ProvinceResults:
    criteria = load_criteria(ROOT / "criteria" / "namdinh-stnmt-2023.yaml")
    submissions = [load_submission(p) for p in sorted((ROOT / "evidence").glob("*-2023.yaml"))]
    return province_results(criteria, submissions)


@pytest.fixture(scope="module")
def texts(results: ProvinceResults, tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    folder = tmp_path_factory.mktemp("docx")
    written = write_docx(results, folder / "bao-cao-2023.docx")
    assert len(written) == len(results.rows) + 1
    unit = next(p for p in written if p.stem == "so-tu-phap-mau")
    soffice = shutil.which("soffice")
    assert soffice, "make test installs LibreOffice (soffice)"
    subprocess.run(
        [
            soffice,
            f"-env:UserInstallation={(folder / 'profile').as_uri()}",
            "--headless",
            "--convert-to",
            "pdf",
            "--outdir",
            str(folder),
            str(written[0]),
            str(unit),
        ],
        check=True,
        capture_output=True,
        timeout=300,
    )
    out = {}
    for name in ("bao-cao-2023", "so-tu-phap-mau"):
        pdf = folder / f"{name}.pdf"
        out[name] = subprocess.run(
            ["pdftotext", "-layout", str(pdf), "-"], check=True, capture_output=True, text=True
        ).stdout
    return out


def _flat(text: str) -> str:
    return " ".join(text.split())


def test_province_report_pdf_has_heading_ranking_and_signature(
    texts: dict[str, str], results: ProvinceResults
) -> None:
    text = _flat(texts["bao-cao-2023"])
    assert "BÁO CÁO" in text and "Kết quả thẩm định Chỉ số cải cách hành chính năm 2023" in text
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA" in text and "Độc lập - Tự do - Hạnh phúc" in text
    assert "Số: …/BC-SNV" in text and "ngày … tháng … năm …" in text
    for header in ("Hạng", "Đơn vị", "Chỉ số", "Xếp loại", "Căn cứ"):  # headers may wrap
        assert header in text
    assert "92,02" in text  # the first unit's index, decimal comma
    assert "Phân tích theo lĩnh vực" in text
    assert "Nơi nhận:" in text and "GIÁM ĐỐC" in text and "(Ký, ghi rõ họ tên và đóng dấu)" in text
    assert "over_claimed" not in text


def test_unit_report_pdf(texts: dict[str, str]) -> None:
    text = _flat(texts["so-tu-phap-mau"])
    assert "Sở Tư pháp (mẫu)" in text and "Phát hiện thẩm định" in text
    assert "Tự chấm" in text and "Thẩm định" in text and "Nơi nhận:" in text


def test_headings_print_in_the_body_font(results: ProvinceResults, tmp_path: Path) -> None:
    """Headings name Times New Roman for every script and no theme font (which would win)."""
    import docx
    from docx.oxml.ns import qn

    written = write_docx(results, tmp_path / "bao-cao.docx")
    document = docx.Document(str(written[0]))
    used = {p.style.name for p in document.paragraphs if p.style is not None}
    assert "Heading 2" in used
    for name in ("Normal", "Title", "Heading 2"):
        fonts = document.styles[name].element.rPr.rFonts
        assert fonts.get(qn("w:ascii")) == "Times New Roman", name
        assert fonts.get(qn("w:eastAsia")) == "Times New Roman", name
        assert not [a for a in fonts.attrib if a.endswith("Theme") or a.endswith("theme")], name


def test_reports_print_on_a4_with_tables_that_keep_rows_whole(
    results: ProvinceResults, tmp_path: Path
) -> None:
    """A4 (Nghị định 30/2020/NĐ-CP), not python-docx's Letter; each table's header row
    repeats on the pages it runs onto and no row (a unit, an area) is cut across two."""
    import docx
    from docx.oxml.ns import qn

    for path in write_docx(results, tmp_path / "bao-cao.docx")[:2]:
        document = docx.Document(str(path))
        for section in document.sections:
            size = (round(section.page_width.mm), round(section.page_height.mm))  # type: ignore[union-attr]
            assert size == (210, 297), path
        data = [t for t in document.tables if len(t.rows) > 1]  # not the masthead, signature
        assert data, path
        for table in data:
            rows = [row._tr.trPr for row in table.rows]
            assert rows[0] is not None and rows[0].find(qn("w:tblHeader")) is not None
            assert all(p is not None and p.find(qn("w:cantSplit")) is not None for p in rows)


def test_area_codes_print_whole(texts: dict[str, str]) -> None:
    """The area column is wide enough for "XHH" (it printed "XH" over "H")."""
    areas = texts["bao-cao-2023"].split("Phân tích theo lĩnh vực", 1)[1]
    assert re.search(r"^\s*XHH\s+ĐIỀU TRA", areas, re.M)


def _document_text(path: Path) -> str:
    """Every paragraph of a .docx, tables' cells included, one line each."""
    import docx

    lines: list[str] = []

    def walk(block: Any) -> None:
        lines.extend(p.text for p in block.paragraphs)
        for table in block.tables:
            for row in table.rows:
                for cell in row.cells:
                    walk(cell)

    walk(docx.Document(str(path)))
    return "\n".join(lines)


@pytest.mark.parametrize("language", ["vi", "en"])
def test_the_basis_column_says_what_the_html_report_says(
    results: ProvinceResults, tmp_path: Path, language: str
) -> None:
    """The ranking's "Căn cứ" / "Basis" column words a unit's basis as the HTML report's does
    ("tính theo số liệu", where it said "chưa thẩm định": one wording in both reports)."""
    import docx

    from parindex.html_report import render_html
    from parindex.report_words import words

    text = words(language)
    document = docx.Document(str(write_docx(results, tmp_path / "r.docx", language)[0]))
    said = {}
    for table in document.tables:
        head = [cell.text for cell in table.rows[0].cells]
        if text["basis"] in head:
            column = head.index(text["basis"])
            said |= {row.cells[1].text: row.cells[column].text for row in table.rows[1:]}
    html = render_html(results, language)
    assert len(said) == len(results.rows)
    for row in results.rows:
        basis = text["appraised"] if row.basis == "appraised" else text["computed"]
        assert said[row.name] == basis, row.name
        assert f">{row.name}</a></th>" in html and f"<td>{basis}</td>" in html
    assert set(said.values()) == {text["appraised"], text["computed"]}


def test_english_reports_say_their_own_words_in_english(
    results: ProvinceResults, tmp_path: Path
) -> None:
    """``--lang en``: headings, table heads, the words around figures, classes, severities
    and findings in English (they were Vietnamese); the set's own titles and units' names
    stay as the set writes them."""
    written = write_docx(results, tmp_path / "report.docx", "en")
    province = _document_text(written[0])
    unit = _document_text(next(p for p in written if p.stem == "so-tu-phap-mau"))
    for words in (
        "SOCIALIST REPUBLIC OF VIET NAM\nIndependence - Freedom - Happiness",  # as chinhphu.vn
        "II. Ranking and classes",
        "III. Analysis by area",
        "Mean (%)",
        "Classes: Group I: 3;",
        "Units assessed: 7; appraised: 2",
        "index 92,02%, Group I, rank 1.",
        "error: ",
        "more findings (see the unit's report)",
        "Recipients:",
        "CÔNG TÁC CHỈ ĐẠO",  # an area's title: the set's words
    ):
        assert words in province, words
    for words in ("I. Results", "rank 5 in Departments", "Self-score", "TOTAL", "error: 1.1: "):
        assert words in unit, words
    for vietnamese in (
        "Xếp hạng và xếp loại",
        "Phân tích theo lĩnh vực",
        "Xếp loại:",
        "Nhóm I",
        "lỗi:",
        "cảnh báo",
        "đơn vị tự chấm",
        "Nơi nhận",
        "Độc lập",
        "TỔNG",
        "Tổng điểm",
        "Phát hiện thẩm định",
    ):
        assert vietnamese not in province + unit, vietnamese

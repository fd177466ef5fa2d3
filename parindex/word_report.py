"""The appraisal report in Word: "Báo cáo kết quả thẩm định Chỉ số cải cách hành chính".

One report for the province (summary, ranking per group, classes, analysis per area,
each unit's main findings) and one per unit, laid out as Vietnamese administrative
documents are (Nghị định 30/2020/NĐ-CP): the issuing body and number on the left, the
Quốc hiệu and tiêu ngữ on the right with the place and date line, the title, the body,
then "Nơi nhận" and the signature block. Number, date and signer are left as dotted
lines for the office to fill in. Made with python-docx; charts come from
:mod:`parindex.charts` as PNG.
"""

from __future__ import annotations

import io
from collections import Counter
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Any

from parindex.numbers import format_decimal
from parindex.report import format_points
from parindex.report_words import group_label, words
from parindex.results import ProvinceResults, UnitRow
from parindex.review import SEVERITY_VI, Review, Severity

if TYPE_CHECKING:
    from docx.document import Document as DocxDocument

__all__ = ["keep_rows", "province_document", "unit_document", "write_docx"]

NATION = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
MOTTO = "Độc lập - Tự do - Hạnh phúc"
SUBJECT = "Kết quả thẩm định Chỉ số cải cách hành chính"
"""Under "BÁO CÁO": together the heading "Báo cáo kết quả thẩm định Chỉ số cải cách hành chính"."""
_FINDINGS_PER_UNIT = 5


def _pct(value: Decimal | None) -> str:
    return "–" if value is None else format_decimal(value, 2)


def _times(style: Any) -> None:
    """Times New Roman for every script of a style (Vietnamese administrative documents).

    The template's heading styles name theme fonts (``w:asciiTheme`` …), which win over a
    font name; they are removed so the headings print in the body's font, not the theme's sans.
    """
    from docx.oxml.ns import qn

    style.font.name = "Times New Roman"
    fonts = style.element.get_or_add_rPr().get_or_add_rFonts()
    for attribute in ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme"):
        fonts.attrib.pop(qn(attribute), None)
    for attribute in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
        fonts.set(qn(attribute), "Times New Roman")


def _new_document() -> DocxDocument:
    import docx
    from docx.shared import Cm, Pt, RGBColor

    document = docx.Document()
    style = document.styles["Normal"]
    _times(style)
    style.font.size = Pt(13)
    for name in ("Heading 1", "Heading 2", "Heading 3", "Title"):
        heading = document.styles[name]
        _times(heading)
        heading.font.size = Pt(13)
        heading.font.color.rgb = RGBColor(0, 0, 0)
    for section in document.sections:  # A4, as Nghị định 30/2020/NĐ-CP asks (not Letter)
        section.page_width, section.page_height = Cm(21), Cm(29.7)
        section.top_margin = section.bottom_margin = Cm(2)
        section.left_margin, section.right_margin = Cm(3), Cm(2)
    return document


def _cell_lines(cell: Any, lines: list[tuple[str, bool, bool]]) -> None:
    """Centred lines in a cell: (text, bold, italic)."""
    from docx.enum.text import WD_ALIGN_PARAGRAPH

    cell.paragraphs[0].text = ""
    for i, (text, bold, italic) in enumerate(lines):
        paragraph = cell.paragraphs[0] if i == 0 else cell.add_paragraph()
        paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
        run = paragraph.add_run(text)
        run.bold, run.italic = bold, italic


def _masthead(document: DocxDocument, province: str, issuer: str, symbol: str) -> None:
    """Issuer and number (left); Quốc hiệu, tiêu ngữ and the place-and-date line (right)."""
    table = document.add_table(rows=1, cols=2)
    _widths(table, [6.0, 10.0])
    place = province.removeprefix("Tỉnh ").removeprefix("Thành phố ")
    if place == province:
        province = f"Tỉnh {province}"
    _cell_lines(
        table.cell(0, 0),
        [
            (f"UBND {province.upper()}", False, False),
            (issuer.upper(), True, False),
            ("———", False, False),
            (f"Số: …/{symbol}", False, False),
        ],
    )
    _cell_lines(
        table.cell(0, 1),
        [
            (NATION, True, False),
            (MOTTO, True, False),
            ("———", False, False),
            (f"{place}, ngày … tháng … năm …", False, True),
        ],
    )


def _title(document: DocxDocument, lines: list[str]) -> None:
    from docx.enum.text import WD_ALIGN_PARAGRAPH

    document.add_paragraph()
    for i, line in enumerate(lines):
        paragraph = document.add_paragraph()
        paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
        run = paragraph.add_run(line.upper() if i == 0 else line)
        run.bold = True


def _signature(document: DocxDocument, signer: str) -> None:
    """ "Nơi nhận" on the left, the signer's title and name line on the right."""
    document.add_paragraph()
    table = document.add_table(rows=1, cols=2)
    left = table.cell(0, 0)
    left.paragraphs[0].add_run("Nơi nhận:").bold = True
    for line in ("- Như trên;", "- Hội đồng thẩm định;", "- Lưu: VT, CCHC."):
        left.add_paragraph(line)
    _cell_lines(
        table.cell(0, 1),
        [
            (signer.upper(), True, False),
            ("(Ký, ghi rõ họ tên và đóng dấu)", False, True),
            ("", False, False),
            ("", False, False),
            ("", False, False),
            ("……………………………", False, False),
        ],
    )


def _widths(table: Any, centimetres: list[float]) -> None:
    from docx.shared import Cm

    table.autofit = False
    for column, width in zip(table.columns, centimetres, strict=True):
        column.width = Cm(width)  # the grid LibreOffice reads
    for row in table.rows:
        for cell, width in zip(row.cells, centimetres, strict=True):
            cell.width = Cm(width)


def keep_rows(table: Any) -> None:
    """The header row repeated atop every page the table runs onto, and no row cut across
    two pages (a unit's name or an area's title read whole)."""
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    for index, row in enumerate(table.rows):
        properties = row._tr.get_or_add_trPr()
        for tag in ("w:cantSplit", "w:tblHeader") if index == 0 else ("w:cantSplit",):
            element = OxmlElement(tag)
            element.set(qn("w:val"), "true")
            properties.append(element)


def _table(
    document: DocxDocument, header: list[str], rows: list[list[str]], widths: list[float]
) -> None:
    from docx.shared import Pt

    table = document.add_table(rows=1, cols=len(header))
    table.style = "Table Grid"
    for cell, text in zip(table.rows[0].cells, header, strict=True):
        cell.paragraphs[0].add_run(text).bold = True
    for values in rows:
        cells = table.add_row().cells
        for cell, text in zip(cells, values, strict=True):
            cell.text = text
    _widths(table, widths)
    keep_rows(table)
    for row in table.rows:  # tables in 11 pt, as score sheets are printed
        for cell in row.cells:
            for run in cell.paragraphs[0].runs:
                run.font.size = Pt(11)


def _picture(document: DocxDocument, figure: Any) -> None:
    from docx.shared import Cm

    from parindex.charts import png

    document.add_picture(io.BytesIO(png(figure)), width=Cm(16))


def _ranking(document: DocxDocument, results: ProvinceResults, language: str) -> None:
    from parindex import charts

    text = words(language)
    document.add_heading("II. Xếp hạng và xếp loại", level=2)
    for group, rows in results.groups().items():
        label = group_label(group, language)
        document.add_paragraph(text["ranking"].format(group=label) + ":")
        _table(
            document,
            [text[k] for k in ("rank", "unit", "total", "max", "index", "class", "basis")],
            [
                [
                    "–" if r.rank is None else str(r.rank),
                    r.name,
                    format_points(r.total),
                    format_points(r.max_points),
                    _pct(r.index),
                    r.band or text["none"],
                    text["appraised"] if r.basis == "appraised" else text["not_appraised"],
                ]
                for r in rows
            ],
            [1.4, 4.1, 1.8, 1.5, 1.6, 2.7, 2.9],
        )
        counts = Counter(r.band or text["none"] for r in rows)
        document.add_paragraph(
            "Xếp loại: " + "; ".join(f"{band}: {n} đơn vị" for band, n in counts.items()) + "."
        )
        _picture(document, charts.ranking(results, group, language))
    _picture(document, charts.distribution(results, language))


def _areas(document: DocxDocument, results: ProvinceResults) -> None:
    from parindex import charts

    document.add_heading("III. Phân tích theo lĩnh vực", level=2)
    compiled = results.criteria.compiled
    rows = []
    for code in results.areas:
        values = [v for r in results.rows if (v := r.areas.get(code)) is not None]
        if not values:
            continue
        mean = sum(values, Decimal(0)) / len(values)
        lowest = min(results.rows, key=lambda r: r.areas.get(code) or Decimal(101))
        rows.append(
            [
                code,
                compiled.nodes[code].node.title,
                _pct(mean.quantize(Decimal("0.01"))),
                _pct(min(values)),
                _pct(max(values)),
                lowest.name,
            ]
        )
    _table(
        document,
        ["Mã", "Lĩnh vực", "Trung bình (%)", "Thấp nhất (%)", "Cao nhất (%)", "Đơn vị thấp nhất"],
        rows,
        [1.5, 4.9, 2.2, 2.2, 2.2, 3.0],
    )
    _picture(document, charts.area_means(results))


def _main_findings(review: Review) -> list[str]:
    important = [f for f in review.sorted_findings() if f.severity != Severity.INFO]
    lines = [f"{SEVERITY_VI[f.severity]}: {f.message}" for f in important[:_FINDINGS_PER_UNIT]]
    if len(important) > _FINDINGS_PER_UNIT:
        lines.append(
            f"và {len(important) - _FINDINGS_PER_UNIT} phát hiện khác (xem báo cáo của đơn vị)."
        )
    return lines


def province_document(results: ProvinceResults, language: str = "vi") -> DocxDocument:
    """The province's appraisal report."""
    criteria = results.criteria
    document = _new_document()
    _masthead(document, criteria.province, "Sở Nội vụ", "BC-SNV")
    _title(document, ["Báo cáo", f"{SUBJECT} năm {results.year}", criteria.title])
    document.add_heading("I. Tóm tắt", level=2)
    appraised = sum(r.basis == "appraised" for r in results.rows)
    for line in (
        f"Số đơn vị được đánh giá: {len(results.rows)}; đã thẩm định: {appraised}; "
        f"chưa thẩm định (điểm tính theo số liệu): {len(results.rows) - appraised}.",
        words("vi")["provisional_note"].format(
            points=format_points(results.provisional_max), max=format_points(criteria.total_max)
        ),
        f"Đơn vị còn điểm chưa xác định (thiếu số liệu): "
        f"{sum(1 for r in results.rows if r.undetermined_points)}.",
    ):
        document.add_paragraph(line, style="List Bullet")
    if any(r.synthetic for r in results.rows):
        document.add_paragraph(words("vi")["synthetic"]).runs[0].bold = True
    _ranking(document, results, language)
    _areas(document, results)
    document.add_heading("IV. Kết quả và phát hiện chính của từng đơn vị", level=2)
    for row in results.rows:
        paragraph = document.add_paragraph()
        paragraph.add_run(f"{row.name}: ").bold = True
        paragraph.add_run(
            f"chỉ số {_pct(row.index)}%, {row.band or 'chưa xác định xếp loại'}, "
            f"hạng {row.rank if row.rank is not None else '–'}."
        )
        for line in _main_findings(results.reviews[row.unit]):
            document.add_paragraph(line, style="List Bullet")
    _signature(document, "Giám đốc")
    return document


def unit_document(results: ProvinceResults, row: UnitRow) -> DocxDocument:
    """One unit's appraisal report: its scores by area, self vs computed vs appraised, findings."""
    review = results.reviews[row.unit]
    document = _new_document()
    _masthead(document, results.criteria.province, "Sở Nội vụ", "BC-SNV")
    _title(document, ["Báo cáo", f"{SUBJECT} năm {results.year}", row.name])
    document.add_heading("I. Kết quả", level=2)
    document.add_paragraph(
        f"Tổng điểm {format_points(row.total)}/{format_points(row.max_points)}; chỉ số "
        f"{_pct(row.index)}%; xếp loại: {row.band or 'chưa xác định'}; hạng "
        f"{row.rank if row.rank is not None else '–'} trong nhóm "
        f"{group_label(row.group)}; căn cứ: "
        f"{'điểm thẩm định' if row.basis == 'appraised' else 'điểm tính theo số liệu (chưa thẩm định)'}."
    )
    _table(
        document,
        ["Lĩnh vực", "Tối đa", "Tự chấm", "Tính lại", "Thẩm định"],
        [
            [
                s.title if s.code == "TỔNG" else f"{s.code}. {s.title}",
                format_points(s.max_points),
                format_points(s.self_score),
                "–" if s.computed_score is None else format_points(s.computed_score),
                "–" if s.appraised_score is None else format_points(s.appraised_score),
            ]
            for s in review.summary
        ],
        [7.0, 2.2, 2.2, 2.2, 2.4],
    )
    document.add_heading("II. Phát hiện thẩm định", level=2)
    findings = review.sorted_findings()
    if not findings:
        document.add_paragraph("Không có phát hiện.")
    for finding in findings:
        document.add_paragraph(
            f"{SEVERITY_VI[finding.severity]}: {finding.message}", style="List Number"
        )
    _signature(document, "Giám đốc")
    return document


def write_docx(results: ProvinceResults, path: str | Path, language: str = "vi") -> list[Path]:
    """Write the province report to ``path`` and one report per unit beside it.

    Units' reports go to ``<stem>-don-vi/<unit id>.docx``. Returns every file written,
    the province's first.
    """
    target = Path(path)
    province_document(results, language).save(str(target))
    written = [target]
    folder = target.with_name(f"{target.stem}-don-vi")
    folder.mkdir(parents=True, exist_ok=True)
    for row in results.rows:
        unit_path = folder / f"{row.unit}.docx"
        unit_document(results, row).save(str(unit_path))
        written.append(unit_path)
    return written

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

from parindex.messages import TOTAL_ROW, band, label
from parindex.numbers import format_decimal
from parindex.report import format_points
from parindex.report_words import group_label, words
from parindex.results import ProvinceResults, UnitRow
from parindex.review import Finding, Review, Severity

if TYPE_CHECKING:
    from docx.document import Document as DocxDocument

__all__ = ["keep_rows", "province_document", "unit_document", "write_docx"]

_FINDINGS_PER_UNIT = 5
_RANKING_WIDTHS = ([1.4, 4.1, 1.8, 1.5, 1.6, 2.7, 2.9], [1.4, 3.4, 1.8, 2.2, 1.6, 2.7, 2.9])
"""The ranking table's columns (cm): "Maximum" needs 2,2 cm where "Tối đa" fits in 1,5."""


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


def _masthead(document: DocxDocument, province: str, symbol: str, text: dict[str, str]) -> None:
    """Issuer and number (left); Quốc hiệu, tiêu ngữ and the place-and-date line (right)."""
    table = document.add_table(rows=1, cols=2)
    _widths(table, [6.0, 10.0])
    place = province.removeprefix("Tỉnh ").removeprefix("Thành phố ")
    if place == province:
        province = f"Tỉnh {province}"
    _cell_lines(
        table.cell(0, 0),
        [
            (text["doc_committee"].format(province=province, place=place).upper(), False, False),
            (text["doc_issuer"].upper(), True, False),
            ("———", False, False),
            (text["doc_number"].format(symbol=symbol), False, False),
        ],
    )
    _cell_lines(
        table.cell(0, 1),
        [
            (text["doc_nation"], True, False),
            (text["doc_motto"], True, False),
            ("———", False, False),
            (text["doc_place_date"].format(place=place), False, True),
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


def _signature(document: DocxDocument, text: dict[str, str]) -> None:
    """ "Nơi nhận" on the left, the signer's title and name line on the right."""
    document.add_paragraph()
    table = document.add_table(rows=1, cols=2)
    left = table.cell(0, 0)
    left.paragraphs[0].add_run(text["doc_recipients"]).bold = True
    for line in text["doc_recipient_lines"].split("|"):
        left.add_paragraph(line)
    _cell_lines(
        table.cell(0, 1),
        [
            (text["doc_director"].upper(), True, False),
            (text["doc_sign"], False, True),
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
    document.add_heading(text["doc_ranking"], level=2)
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
                    band(r.band, language) if r.band else text["none"],
                    text["appraised"] if r.basis == "appraised" else text["computed"],
                ]
                for r in rows
            ],
            _RANKING_WIDTHS[1 if language == "en" else 0],
        )
        counts = Counter(band(r.band, language) if r.band else text["none"] for r in rows)
        shown = "; ".join(text["doc_class_count"].format(band=b, n=n) for b, n in counts.items())
        document.add_paragraph(text["doc_classes"].format(counts=shown))
        _picture(document, charts.ranking(results, group, language))
    _picture(document, charts.distribution(results, language))


def _areas(document: DocxDocument, results: ProvinceResults, language: str) -> None:
    from parindex import charts

    text = words(language)
    document.add_heading(text["doc_areas"], level=2)
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
    keys = ("code", "area", "doc_mean", "doc_lowest", "doc_highest", "doc_lowest_unit")
    _table(document, [text[k] for k in keys], rows, [1.5, 4.9, 2.2, 2.2, 2.2, 3.0])
    _picture(document, charts.area_means(results, language))


def _finding(finding: Finding, language: str) -> str:
    """A finding as the report lists it: its severity, then its message in ``language``."""
    message = finding.message_en if language == "en" else finding.message
    return f"{label('severity', finding.severity, language)}: {message}"


def _main_findings(review: Review, language: str) -> list[str]:
    important = [f for f in review.sorted_findings() if f.severity != Severity.INFO]
    lines = [_finding(f, language) for f in important[:_FINDINGS_PER_UNIT]]
    if len(important) > _FINDINGS_PER_UNIT:
        more = len(important) - _FINDINGS_PER_UNIT
        lines.append(words(language)["doc_more_findings"].format(n=more))
    return lines


def _rank(row: UnitRow) -> str:
    return "–" if row.rank is None else str(row.rank)


def province_document(results: ProvinceResults, language: str = "vi") -> DocxDocument:
    """The province's appraisal report, in ``language`` (``vi`` or ``en``): the set's own
    words (titles of areas, names of units) as the set writes them."""
    criteria = results.criteria
    text = words(language)
    document = _new_document()
    _masthead(document, criteria.province, "BC-SNV", text)
    subject = text["doc_subject"].format(year=results.year)
    _title(document, [text["doc_report"], subject, criteria.title])
    document.add_heading(text["doc_summary"], level=2)
    appraised = sum(r.basis == "appraised" for r in results.rows)
    undetermined = sum(1 for r in results.rows if r.undetermined_points)
    for line in (
        text["doc_counts"].format(
            n=len(results.rows), appraised=appraised, computed=len(results.rows) - appraised
        ),
        text["provisional_note"].format(
            points=format_points(results.provisional_max), max=format_points(criteria.total_max)
        ),
        text["doc_undetermined_units"].format(n=undetermined),
    ):
        document.add_paragraph(line, style="List Bullet")
    if any(r.synthetic for r in results.rows):
        document.add_paragraph(text["synthetic"]).runs[0].bold = True
    _ranking(document, results, language)
    _areas(document, results, language)
    document.add_heading(text["doc_units"], level=2)
    for row in results.rows:
        paragraph = document.add_paragraph()
        paragraph.add_run(f"{row.name}: ").bold = True
        shown = band(row.band, language) if row.band else text["doc_no_class"]
        paragraph.add_run(
            text["doc_unit_line"].format(index=_pct(row.index), band=shown, rank=_rank(row))
        )
        for line in _main_findings(results.reviews[row.unit], language):
            document.add_paragraph(line, style="List Bullet")
    _signature(document, text)
    return document


def unit_document(results: ProvinceResults, row: UnitRow, language: str = "vi") -> DocxDocument:
    """One unit's appraisal report: its scores by area, self vs computed vs appraised, findings."""
    review = results.reviews[row.unit]
    text = words(language)
    document = _new_document()
    _masthead(document, results.criteria.province, "BC-SNV", text)
    subject = text["doc_subject"].format(year=results.year)
    _title(document, [text["doc_report"], subject, row.name])
    document.add_heading(text["doc_results"], level=2)
    basis = "doc_basis_appraised" if row.basis == "appraised" else "doc_basis_computed"
    document.add_paragraph(
        text["doc_unit_result"].format(
            total=format_points(row.total),
            max=format_points(row.max_points),
            index=_pct(row.index),
            band=band(row.band, language) if row.band else text["doc_class_none"],
            rank=_rank(row),
            group=group_label(row.group, language),
            basis=text[basis],
        )
    )
    _table(
        document,
        [text[k] for k in ("area", "max", "self", "computed_col", "appraised_col")],
        [
            [
                label("form", "total", language) if s.code == TOTAL_ROW else f"{s.code}. {s.title}",
                format_points(s.max_points),
                format_points(s.self_score),
                "–" if s.computed_score is None else format_points(s.computed_score),
                "–" if s.appraised_score is None else format_points(s.appraised_score),
            ]
            for s in review.summary
        ],
        [7.0, 2.2, 2.2, 2.2, 2.4],
    )
    document.add_heading(text["doc_findings"], level=2)
    findings = review.sorted_findings()
    if not findings:
        document.add_paragraph(text["doc_no_findings"])
    for finding in findings:
        document.add_paragraph(_finding(finding, language), style="List Number")
    _signature(document, text)
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
        unit_document(results, row, language).save(str(unit_path))
        written.append(unit_path)
    return written

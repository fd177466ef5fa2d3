"""Next year's plan appendix, in the layout of seed 000's "Phụ lục số 01".

"NỘI DUNG NHIỆM VỤ, TRÁCH NHIỆM THỰC HIỆN CẢI CÁCH HÀNH CHÍNH NĂM …": one row per node of
the criteria tree (STT | Nội dung nhiệm vụ, công việc | Sản phẩm | Thời gian hoàn thành |
Nguồn kinh phí | Ghi chú), under a header row for each office in charge ("VĂN PHÒNG SỞ CHỦ
TRÌ, CÁC ĐƠN VỊ … PHỐI HỢP THỰC HIỆN"). Everything comes from the set: ``evidence`` is the
product, ``deadline`` is moved to the new year (so is the set's year in a task or a
product), ``in_charge``/``assisting`` make the headers, ``funding`` and ``note`` fill their
columns. The planner's priorities (points a
node lost and can win back) are marked in the Ghi chú column.

:func:`build_appendix` gives the rows as data; :func:`write_xlsx` and :func:`write_docx`
print them on A4 landscape.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Any

from parindex.criteria import CriteriaSet, Node, NodeKind

if TYPE_CHECKING:
    from parindex.plans import Plan
from parindex.deadlines import shift_years
from parindex.numbers import format_decimal

__all__ = [
    "COLUMNS",
    "Appendix",
    "AppendixRow",
    "appendix_plan",
    "build_appendix",
    "row_height",
    "write_appendix",
    "write_docx",
    "write_xlsx",
]

COLUMNS = (
    "STT",
    "NỘI DUNG NHIỆM VỤ, CÔNG VIỆC",
    "SẢN PHẨM",
    "THỜI GIAN HOÀN THÀNH",
    "NGUỒN KINH PHÍ",
    "GHI CHÚ",
)
"""The columns of seed 000's appendix, as it writes them."""

_WIDTHS = (9, 52, 50, 24, 16, 30)
_LOOKS: dict[str, dict[str, Any]] = {
    "cell": {"border": 1},
    "bold": {"border": 1, "bold": True},
    "head": {"border": 1, "bold": True, "align": "center", "bg_color": "#D9E1F2"},
    "office": {"border": 1, "bold": True, "italic": True, "bg_color": "#F2F2F2"},
    "marked": {"border": 1, "bold": True, "font_color": "#C00000"},
    "title": {"bold": True, "font_size": 13, "align": "center"},
    "sub": {"italic": True, "align": "center"},
}


@dataclass(frozen=True)
class AppendixRow:
    """One row: a node of the tree, or (``header``) the office in charge of what follows."""

    code: str
    stt: str
    task: str
    product: str = ""
    deadline: str = ""
    funding: str = ""
    note: str = ""
    header: bool = False
    area: bool = False
    priority: Decimal | None = None


@dataclass(frozen=True)
class Appendix:
    """The appendix of one year: title lines and rows, ready to print."""

    year: int
    title: str
    subtitle: str
    rows: tuple[AppendixRow, ...] = field(default_factory=tuple)

    def offices(self) -> list[str]:
        """The header rows' text, in order."""
        return [row.task for row in self.rows if row.header]


def _header(node: Node) -> str:
    office = (node.in_charge or "").upper()
    helpers = ", ".join(node.assisting).upper()
    if helpers:
        return f"{office} CHỦ TRÌ, {helpers} PHỐI HỢP THỰC HIỆN"
    return f"{office} CHỦ TRÌ THỰC HIỆN"


def _note(node: Node, priority: Decimal | None, language: str, headed: bool) -> str:
    parts = []
    if node.note:
        parts.append(node.note)
    elif node.in_charge and not headed:
        lead = f"Chủ trì: {node.in_charge}" if language == "vi" else f"In charge: {node.in_charge}"
        if node.assisting:
            lead += ("; phối hợp: " if language == "vi" else "; assisting: ") + ", ".join(
                node.assisting
            )
        parts.append(lead)
    if priority is not None:
        points = format_decimal(priority)
        parts.append(
            f"ƯU TIÊN: có thể thêm {points} điểm"
            if language == "vi"
            else f"PRIORITY: {points} points to gain"
        )
    return "; ".join(parts)


_DATE_IN_WORDS = r"[Nn]gày\s+\d{1,2}\s+tháng\s+\d{1,2},?\s+năm\s+\d{4}"
"""A date written in words, "ngày 15 tháng 3 năm 2023": an event's date, which stays."""


def _moved(text: str, year: int | None, shift: int) -> str:
    """A task or product of the set's year (or the year before) moved to the plan's year:
    "Kế hoạch CCHC năm 2023" → "… năm 2024" in the 2024 plan. Only those two years move,
    and never inside a number or date ("45/2020/NĐ-CP", "8/4/2020", "15.3.2023", "ngày 15
    tháng 3 năm 2023": a decision's or an event's date) or a span ("2021-2030"): a fixed
    baseline ("so với năm 2015") or a law keeps its year."""
    if not shift or year is None:
        return text
    years = f"{year}|{year - 1}"
    pattern = re.compile(rf"({_DATE_IN_WORDS})|(?<![\w/.–-])({years})(?![\w/–-])")
    return pattern.sub(lambda m: m.group(1) or str(int(m.group(2)) + shift), text)


def _products(evidence: list[str]) -> str:
    """One product as written; several as the seed lists them, one "- " line each."""
    if len(evidence) <= 1:
        return "".join(evidence)
    return "\n".join(f"- {item}" for item in evidence)


def _starts_group(node: Node, area_has_office: bool) -> bool:
    """Seed 000 writes a header where an area's office is named, or where an area without
    one first names it on a criterion (2.1: "THANH TRA CHỦ TRÌ …")."""
    if node.in_charge is None or not node.assisting:
        return False
    return node.kind is NodeKind.AREA or not area_has_office


def build_appendix(
    criteria: CriteriaSet,
    year: int | None = None,
    priorities: Mapping[str, Decimal] | None = None,
    unit: str | None = None,
    language: str = "vi",
) -> Appendix:
    """The appendix of ``year`` (default: the year after the set's) from the set's tree.

    Deadlines move by ``year - criteria.year`` years. ``priorities`` maps a node code to the
    points the planner says it can gain; those rows are marked.
    """
    target = year if year is not None else (criteria.year or 0) + 1
    shift = target - criteria.year if criteria.year is not None else 0
    priorities = priorities or {}
    rows: list[AppendixRow] = []
    for area in criteria.nodes:
        area_has_office = area.in_charge is not None and bool(area.assisting)
        for node in area.walk():
            headed = _starts_group(node, area_has_office)
            if headed:
                rows.append(AppendixRow(node.code, "", _header(node), header=True))
            rows.append(
                AppendixRow(
                    code=node.code,
                    stt="" if node.kind is NodeKind.ITEM else node.code,
                    task=_moved(node.title, criteria.year, shift),
                    product=_moved(_products(node.evidence), criteria.year, shift),
                    deadline=shift_years(node.deadline or "", shift),
                    funding=node.funding or "",
                    note=_note(node, priorities.get(node.code), language, headed),
                    area=node.kind is NodeKind.AREA,
                    priority=priorities.get(node.code),
                )
            )
    who = unit or criteria.title
    if language == "vi":
        title = f"NỘI DUNG NHIỆM VỤ, TRÁCH NHIỆM THỰC HIỆN CẢI CÁCH HÀNH CHÍNH NĂM {target}"
        subtitle = f"(Kèm theo Kế hoạch cải cách hành chính năm {target} — {who})"
    else:
        title = f"TASKS AND RESPONSIBILITIES FOR ADMINISTRATIVE REFORM IN {target}"
        subtitle = f"(Appendix to the {target} administrative reform plan — {who})"
    return Appendix(target, title, subtitle, tuple(rows))


def row_height(values: Sequence[str], widths: Sequence[int] = _WIDTHS) -> float:
    """Row height (points) that shows every wrapped line: spreadsheets do not grow a row
    for wrapped text written by a program, so the lines are counted here."""
    lines = 1
    for value, width in zip(values, widths, strict=True):
        count = sum(
            max(1, -(-len(part) // max(1, int(width * 1.15)))) for part in value.split("\n")
        )
        lines = max(lines, count)
    return 15.0 * lines


def write_xlsx(appendix: Appendix, path: str | Path) -> Path:
    """Write the appendix as one sheet, A4 landscape, headers repeated on every page.

    Text that a spreadsheet would read as a formula is written as text with Excel's quote
    prefix (:func:`parindex.excel.safe_text`): criteria text is hostile.
    """
    import xlsxwriter

    from parindex.excel import safe_text

    target = Path(path)
    book = xlsxwriter.Workbook(str(target), {"strings_to_formulas": False})
    sheet = book.add_worksheet("Phụ lục")
    base = {"font_name": "Times New Roman", "font_size": 11, "text_wrap": True, "valign": "top"}
    styles: dict[tuple[str, bool], Any] = {}

    def style(name: str, text: str = "") -> Any:
        key = (name, safe_text(text))
        if key not in styles:
            styles[key] = book.add_format({**base, **_LOOKS[name], "quote_prefix": key[1]})
        return styles[key]

    for column, width in enumerate(_WIDTHS):
        sheet.set_column(column, column, width)
    sheet.merge_range(0, 0, 0, 5, appendix.title, style("title"))
    sheet.merge_range(1, 0, 1, 5, appendix.subtitle, style("sub"))
    sheet.write_row(3, 0, COLUMNS, style("head"))
    for line, row in enumerate(appendix.rows, start=4):
        if row.header:
            sheet.set_row(line, 18)
            sheet.merge_range(line, 0, line, 5, "", style("office", row.task))
            sheet.write_string(line, 0, row.task, style("office", row.task))
            continue
        values = (row.stt, row.task, row.product, row.deadline, row.funding, row.note)
        sheet.set_row(line, row_height(values))
        for column, value in enumerate(values):
            name = "marked" if column == 5 and row.priority else "bold" if row.area else "cell"
            sheet.write_string(line, column, value, style(name, value))
    sheet.set_landscape()
    sheet.set_paper(9)  # A4
    sheet.set_margins(left=0.4, right=0.4, top=0.5, bottom=0.5)
    sheet.repeat_rows(3)
    sheet.fit_to_pages(1, 0)
    sheet.freeze_panes(4, 0)
    book.close()
    return target


def write_docx(appendix: Appendix, path: str | Path) -> Path:
    """Write the appendix as a Word table, A4 landscape, the header row repeated per page
    and no row cut across two pages."""
    from docx import Document
    from docx.enum.section import WD_ORIENT
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Cm, Pt, RGBColor

    from parindex.word_report import keep_rows

    document = Document()
    section = document.sections[0]
    section.orientation = WD_ORIENT.LANDSCAPE
    section.page_width, section.page_height = Cm(29.7), Cm(21.0)
    for side in ("left_margin", "right_margin", "top_margin", "bottom_margin"):
        setattr(section, side, Cm(1.5))
    style = document.styles["Normal"]
    style.font.name = "Times New Roman"
    style.font.size = Pt(11)
    for text, bold in ((appendix.title, True), (appendix.subtitle, False)):
        paragraph = document.add_paragraph()
        paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
        run = paragraph.add_run(text)
        run.bold = bold
        run.italic = not bold
    table = document.add_table(rows=1, cols=len(COLUMNS))
    table.style = "Table Grid"
    widths = [Cm(w * 26.7 / sum(_WIDTHS)) for w in _WIDTHS]
    table.autofit = False
    for column, width in zip(table.columns, widths, strict=True):
        column.width = width  # the grid LibreOffice and Word lay out by
    header = table.rows[0]
    for cell, text, width in zip(header.cells, COLUMNS, widths, strict=True):
        cell.width = width
        cell.paragraphs[0].add_run(text).bold = True
    for row in appendix.rows:
        cells = table.add_row().cells
        if row.header:
            merged = cells[0].merge(cells[-1])
            run = merged.paragraphs[0].add_run(row.task)
            run.bold = run.italic = True
            continue
        values = (row.stt, row.task, row.product, row.deadline, row.funding, row.note)
        for cell, value, width in zip(cells, values, widths, strict=True):
            cell.width = width
            run = cell.paragraphs[0].add_run(value)
            run.bold = row.area
        if row.priority:
            last = cells[-1].paragraphs[0].runs[0]
            last.bold = True
            last.font.color.rgb = RGBColor(0xC0, 0x00, 0x00)
    keep_rows(table)
    target = Path(path)
    document.save(str(target))
    return target


def appendix_plan(criteria: CriteriaSet, appendix: Appendix) -> Plan:
    """The appendix as a plan file's data (``parindex.plan/1``): one task per row that names
    a product or a deadline, linked to its criterion code, so ``parindex progress`` can
    follow it during the year. Offices are the node's own or its nearest ancestor's."""
    from parindex.criteria import Source
    from parindex.plans import Funding, Place, Plan, Task

    owners: dict[str, tuple[str, list[str]]] = {}
    deadlines: dict[str, str] = {}
    for compiled in criteria.compiled.nodes.values():
        node, parent = compiled.node, compiled.parent
        inherited = owners.get(parent, ("", [])) if parent else ("", [])
        owners[node.code] = (node.in_charge, node.assisting) if node.in_charge else inherited
        deadlines[node.code] = node.deadline or (deadlines.get(parent, "") if parent else "")
    shift = appendix.year - criteria.year if criteria.year is not None else 0
    tasks = []
    for row in appendix.rows:
        if row.header or not (row.product or row.deadline):
            continue
        office, assisting = owners[row.code]
        tasks.append(
            Task(
                id="tc-" + row.code.lower(),
                section=row.code,
                title=row.task,
                products=[p.removeprefix("- ") for p in row.product.split("\n") if p],
                in_charge=[office or "Đơn vị"],
                assisting=list(assisting),
                deadline=shift_years(deadlines[row.code], shift) or None,
                funding=Funding(source=row.funding) if row.funding else None,
                criteria=[row.code],
                at=Place(source=criteria.id, section=row.code),
            )
        )
    source = Source.model_validate(
        {"id": criteria.id, "title": criteria.title, "note": "Bộ tiêu chí mà phụ lục được lập từ"}
    )
    return Plan(
        format="parindex.plan/1",
        id=f"{criteria.id}-phu-luc-{appendix.year}",
        title=appendix.title,
        unit=appendix.subtitle.strip("()"),
        year=appendix.year,
        criteria=criteria.id,
        sources=[source],
        notes=["Lập tự động từ bộ tiêu chí (parindex plan --appendix)"],
        tasks=tasks,
    )


def write_appendix(
    appendix: Appendix, path: str | Path, criteria: CriteriaSet | None = None
) -> Path:
    """Write ``.xlsx`` or ``.docx`` by the file's suffix; ``.yaml`` (with ``criteria``) writes
    the appendix as a plan file for ``parindex progress``."""
    suffix = Path(path).suffix.lower()
    if suffix in (".yaml", ".yml") and criteria is not None:
        import json

        from ruamel.yaml import YAML

        data = json.loads(appendix_plan(criteria, appendix).model_dump_json(exclude_defaults=True))
        data = {"format": "parindex.plan/1", **data}
        target = Path(path)
        with target.open("w", encoding="utf-8") as stream:
            YAML(typ="safe", pure=True).dump(data, stream)
        return target
    if suffix == ".xlsx":
        return write_xlsx(appendix, path)
    if suffix == ".docx":
        return write_docx(appendix, path)
    raise ValueError(
        f"chỉ ghi được .xlsx, .docx (hoặc .yaml), không phải {suffix or 'tệp không đuôi'}"
    )

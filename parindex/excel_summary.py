"""The workbook's ranked summary sheet and its appraisal findings sheet."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from decimal import ROUND_HALF_UP, Decimal
from typing import TYPE_CHECKING, Any

from xlsxwriter.utility import quote_sheetname, xl_rowcol_to_cell

from parindex.criteria import CriteriaSet
from parindex.excel_layout import APPRAISED, FINDINGS_SHEET, SELF, SUMMARY_SHEET, safe_text
from parindex.excel_style import Formats, FormulaSheet, cell_number, write_text
from parindex.report import Status
from parindex.review import SEVERITY_VI

if TYPE_CHECKING:
    from parindex.excel import UnitSheet

# --- the summary and findings sheets ----------------------------------------------------------


def _group(unit: UnitSheet) -> str:
    return unit.submission.unit.group or unit.submission.unit.level.value


def ranks(indices: Sequence[tuple[str, Decimal | None]]) -> list[int | None]:
    """Ranks within each group, as everywhere: :func:`parindex.ranking.competition_ranks`."""
    from parindex.ranking import competition_ranks

    return competition_ranks(indices)


def write_summary(
    workbook: Any, formats: Formats, criteria: CriteriaSet, units: Sequence[UnitSheet]
) -> None:
    sheet = workbook.add_worksheet(SUMMARY_SHEET, FormulaSheet)
    keyed = [(_group(u), u.report.index) for u in units]
    ranked = ranks(keyed)
    order = sorted(
        range(len(units)),
        key=lambda i: (
            keyed[i][0],
            ranked[i] is None,
            ranked[i] or 0,
            units[i].submission.unit.name,
        ),
    )
    areas = [n for n in criteria.nodes]
    headers = [
        "Nhóm",
        "Hạng",
        "Đơn vị",
        "Mã đơn vị",
        "Tổng điểm (theo quy tắc)",
        "Điểm tối đa",
        "Chỉ số (%)",
        "Xếp loại",
        "Điểm chưa xác định",
        "Điểm tạm tính",
        "Chỉ số tự đánh giá (%)",
        "Chỉ số thẩm định (%)",
        *(f"{a.code}. {a.title.upper()} (%)" for a in areas),
    ]
    title = formats.get(bold=True, font_size=13)
    sheet.write_string(
        0, 0, f"TỔNG HỢP KẾT QUẢ CHỈ SỐ CẢI CÁCH HÀNH CHÍNH NĂM {criteria.year}", title
    )
    write_text(sheet, 1, 0, criteria.title, formats)
    sheet.write_string(2, 0, "Ngày lập:", formats.get())
    sheet.write_datetime(
        2,
        1,
        dt.datetime.combine(dt.date.today(), dt.time()),
        formats.get(num_format="dd/mm/yyyy", align="left"),
    )
    head_row = 4
    head = dict(
        bold=True, text_wrap=True, border=1, align="center", valign="vcenter", bg_color="#D9E1F2"
    )
    for col, text in enumerate(headers):
        write_text(sheet, head_row, col, text, formats, **head)
    sheet.set_row(head_row, 60)
    cell = formats.get(border=1)
    number = formats.get(border=1, num_format=formats.number)
    percent = formats.get(border=1, num_format=formats.percent)
    first = head_row + 1
    for offset, i in enumerate(order):
        unit, at = units[i], first + offset
        report = unit.report
        write_text(sheet, at, 0, keyed[i][0], formats, border=1)
        if ranked[i] is None:
            sheet.write_blank(at, 1, None, cell)
        else:
            sheet.write_number(at, 1, ranked[i], cell)
        link = f"internal:{quote_sheetname(unit.sheet_name)}!A1"
        fmt = formats.get(
            border=1,
            font_color="blue",
            underline=1,
            quote_prefix=safe_text(unit.submission.unit.name),
        )
        sheet.write_url(at, 2, link, fmt, unit.submission.unit.name)
        write_text(sheet, at, 3, unit.submission.unit.id, formats, border=1)
        sheet.write_number(at, 4, cell_number(report.total), number)
        sheet.write_number(at, 5, cell_number(report.max_points), number)
        if report.index is None:
            sheet.write_blank(at, 6, None, percent)
        else:
            sheet.write_number(at, 6, cell_number(report.index), percent)
        write_text(sheet, at, 7, report.band or "chưa xác định", formats, border=1)
        sheet.write_number(at, 8, cell_number(report.undetermined_points), number)
        sheet.write_number(at, 9, cell_number(report.provisional_points), number)
        grid, evaluator = unit.layout, unit.evaluator
        for col, source in ((10, SELF), (11, APPRAISED)):
            if not grid.max_points:
                sheet.write_blank(at, col, None, percent)
                continue
            value = evaluator.cell(grid.index_row, source)
            assert value is not None
            target = (
                f"={quote_sheetname(unit.sheet_name)}!{xl_rowcol_to_cell(grid.index_row, source)}"
            )
            sheet.write_formula(at, col, target, percent, cell_number(value))
        for col, area in enumerate(areas, start=12):
            node = report.node(area.code)
            if node.status == Status.NOT_APPLICABLE or node.points is None or not node.max_points:
                sheet.write_blank(at, col, None, percent)
                continue
            share = (node.points * 100 / node.max_points).quantize(Decimal("0.01"), ROUND_HALF_UP)
            sheet.write_number(at, col, cell_number(share), percent)
    last = first + len(units) - 1
    scale = {
        "type": "3_color_scale",
        "min_color": "#F8696B",
        "mid_color": "#FFEB84",
        "max_color": "#63BE7B",
    }
    for col in (6, 10, 11, *range(12, 12 + len(areas))):
        sheet.conditional_format(first, col, last, col, scale)
    widths = [8, 6, 30, 18, 10, 9, 9, 12, 10, 10, 11, 11] + [12] * len(areas)
    for col, width in enumerate(widths):
        sheet.set_column(col, col, width)
    sheet.freeze_panes(first, 3)
    sheet.autofilter(head_row, 0, last, len(headers) - 1)
    sheet.set_landscape()
    sheet.set_paper(9)
    sheet.fit_to_pages(1, 0)
    sheet.repeat_rows(head_row)
    sheet.activate()


def write_findings(workbook: Any, formats: Formats, units: Sequence[UnitSheet]) -> None:
    sheet = workbook.add_worksheet(FINDINGS_SHEET)
    headers = [
        "Đơn vị",
        "Mức",
        "Loại",
        "Mã tiêu chí",
        "Tiêu chí",
        "Nội dung",
        "Tự đánh giá",
        "Theo quy tắc",
        "Thẩm định",
        "Điểm tối đa",
        "TLKC",
        "Vòng",
    ]
    head = formats.get(
        bold=True, text_wrap=True, border=1, align="center", valign="vcenter", bg_color="#D9E1F2"
    )
    for col, text in enumerate(headers):
        sheet.write_string(0, col, text, head)
    number = formats.get(border=1, num_format=formats.number)
    at = 0
    for unit in units:
        for finding in unit.review.sorted_findings():
            at += 1
            texts = [
                unit.submission.unit.name,
                SEVERITY_VI[finding.severity],
                finding.code,
                finding.criterion,
                finding.title,
                finding.message,
            ]
            for col, text in enumerate(texts):
                write_text(sheet, at, col, text, formats, border=1, text_wrap=True)
            values = (
                finding.self_score,
                finding.computed_score,
                finding.appraised_score,
                finding.max_points,
            )
            for col, value in enumerate(values, start=6):
                if value is None:
                    sheet.write_blank(at, col, None, number)
                else:
                    sheet.write_number(at, col, cell_number(value), number)
            write_text(
                sheet, at, 10, ", ".join(finding.evidence), formats, border=1, text_wrap=True
            )
            if finding.round is None:
                sheet.write_blank(at, 11, None, formats.get(border=1))
            else:
                sheet.write_number(at, 11, finding.round, formats.get(border=1))
    for col, width in enumerate([24, 9, 22, 10, 36, 60, 9, 9, 9, 9, 18, 6]):
        sheet.set_column(col, col, width)
    sheet.freeze_panes(1, 0)
    sheet.autofilter(0, 0, max(at, 1), len(headers) - 1)
    sheet.set_landscape()
    sheet.set_paper(9)
    sheet.fit_to_pages(1, 0)
    sheet.repeat_rows(0)

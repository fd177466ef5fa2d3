"""The workbook's ranked summary sheet and its appraisal findings sheet."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from decimal import ROUND_HALF_UP, Decimal
from typing import TYPE_CHECKING, Any

from xlsxwriter.utility import quote_sheetname, xl_rowcol_to_cell

from parindex.criteria import CriteriaSet, Node
from parindex.excel_layout import (
    APPRAISED,
    FINDINGS_SHEET,
    SELF,
    SUMMARY_SHEET,
    appraised_as_of,
    safe_text,
)
from parindex.excel_style import Formats, FormulaSheet, cell_number, wrapped_lines, write_text
from parindex.numbers import format_date
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


FINDING_KINDS_VI = {
    "above_max": "Tự chấm vượt điểm tối đa",
    "appraisal_without_note": "Thẩm định khác tự chấm, không ghi lý do",
    "computed_undetermined": "Chưa tính được điểm (thiếu số liệu)",
    "evidence_after_deadline": "TLKC ban hành sau thời hạn",
    "evidence_expected_missing": "Thiếu TLKC theo yêu cầu",
    "evidence_outside_year": "TLKC ngoài năm đánh giá",
    "no_evidence_no_explanation": "Có điểm nhưng không có TLKC, không giải trình",
    "over_claimed": "Tự chấm cao hơn điểm tính theo số liệu",
    "scored_not_applicable": "Chấm tiêu chí không áp dụng",
    "section_not_cited": "TLKC không nêu mục, trang",
    "survey_self_scored": "Tự chấm tiêu chí điều tra XHH",
    "under_claimed": "Tự chấm thấp hơn điểm tính theo số liệu",
}
"""Finding kinds in words, for the findings sheet (moves to the message catalogue when it
lands)."""

_FINDING_WIDTHS = (24, 9, 22, 10, 36, 60, 9, 9, 9, 9, 18, 6)

_SUMMARY_HEADERS = (
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
    "Tiêu chí chưa thẩm định",
)
_AREAS = len(_SUMMARY_HEADERS)
"""First column of the areas' percentages."""
NOT_APPRAISED = "chưa thẩm định"


def not_appraised(unit: UnitSheet) -> int:
    """Applicable leaves no appraisal up to the sheet's round scored, at their level or
    above (a score given at a criterion's level covers its parts)."""
    appraised = appraised_as_of(unit.submission, unit.layout.round)
    by_code = unit.layout.by_code
    count = 0
    for row in unit.layout.rows:
        if not (row.leaf and row.applicable) or row.survey:
            continue
        code: str | None = row.code
        while code is not None and code not in appraised:
            code = by_code[code].result.parent
        count += code is None
    return count


def write_summary(
    workbook: Any, formats: Formats, criteria: CriteriaSet, units: Sequence[UnitSheet]
) -> None:
    """Units ranked within their group by the computed index, with the self and appraised
    indices beside it and what is not yet appraised."""
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
    areas = list(criteria.nodes)
    headers = [*_SUMMARY_HEADERS, *(f"{a.code}. {a.title.upper()} (%)" for a in areas)]
    title = formats.get(bold=True, font_size=13)
    sheet.write_string(
        0, 0, f"TỔNG HỢP KẾT QUẢ CHỈ SỐ CẢI CÁCH HÀNH CHÍNH NĂM {criteria.year}", title
    )
    write_text(sheet, 1, 0, criteria.title, formats)
    sheet.write_string(2, 0, f"Ngày lập: {format_date(dt.date.today())}", formats.get())
    head_row = 4
    head = dict(
        bold=True, text_wrap=True, border=1, align="center", valign="vcenter", bg_color="#D9E1F2"
    )
    for col, text in enumerate(headers):
        write_text(sheet, head_row, col, text, formats, **head)
    sheet.set_row(head_row, 110)
    first = head_row + 1
    for offset, i in enumerate(order):
        _summary_row(sheet, formats, first + offset, units[i], keyed[i][0], ranked[i], areas)
    last = first + len(units) - 1
    scale = {
        "type": "3_color_scale",
        "min_color": "#F8696B",
        "mid_color": "#FFEB84",
        "max_color": "#63BE7B",
    }
    for col in (6, 10, 11, *range(_AREAS, _AREAS + len(areas))):
        sheet.conditional_format(first, col, last, col, scale)
    # narrow enough that one A4 landscape page width prints the table at about 9 points
    widths = [8, 5, 24, 12, 8, 7, 7, 10, 8, 8, 8, 9, 8] + [7.5] * len(areas)
    for col, width in enumerate(widths):
        sheet.set_column(col, col, width)
    sheet.freeze_panes(first, 3)
    sheet.autofilter(head_row, 0, last, len(headers) - 1)
    sheet.set_landscape()
    sheet.set_paper(9)
    sheet.fit_to_pages(1, 0)
    sheet.repeat_rows(head_row)
    sheet.activate()


def _summary_row(
    sheet: Any,
    formats: Formats,
    at: int,
    unit: UnitSheet,
    group: str,
    rank: int | None,
    areas: Sequence[Node],
) -> None:
    report = unit.report
    cell = formats.get(border=1)
    number = formats.get(border=1, num_format=formats.number)
    percent = formats.get(border=1, num_format=formats.percent)
    write_text(sheet, at, 0, group, formats, border=1)
    if rank is None:
        sheet.write_blank(at, 1, None, cell)
    else:
        sheet.write_number(at, 1, rank, cell)
    link = f"internal:{quote_sheetname(unit.sheet_name)}!A1"
    name = unit.submission.unit.name
    fmt = formats.get(border=1, font_color="blue", underline=1, quote_prefix=safe_text(name))
    sheet.write_url(at, 2, link, fmt, name)
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
    appraised = bool(appraised_as_of(unit.submission, grid.round))
    for col, source in ((10, SELF), (11, APPRAISED)):
        if source == APPRAISED and not appraised:  # never a self-score shown as appraised
            write_text(sheet, at, col, NOT_APPRAISED, formats, border=1, italic=True)
            continue
        if not grid.max_points:
            sheet.write_blank(at, col, None, percent)
            continue
        value = evaluator.cell(grid.index_row, source)
        assert value is not None
        target = f"={quote_sheetname(unit.sheet_name)}!{xl_rowcol_to_cell(grid.index_row, source)}"
        sheet.write_formula(at, col, target, percent, cell_number(value))
    sheet.write_number(at, 12, not_appraised(unit), cell)
    for col, area in enumerate(areas, start=_AREAS):
        node = report.node(area.code)
        if node.status == Status.NOT_APPLICABLE or node.points is None or not node.max_points:
            sheet.write_blank(at, col, None, percent)
            continue
        share = (node.points * 100 / node.max_points).quantize(Decimal("0.01"), ROUND_HALF_UP)
        sheet.write_number(at, col, cell_number(share), percent)


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
                FINDING_KINDS_VI.get(finding.code, "phát hiện khác"),
                finding.criterion,
                finding.title,
                finding.message,
            ]
            for col, text in enumerate(texts):
                write_text(sheet, at, col, text, formats, border=1, text_wrap=True)
            evidence = ", ".join(finding.evidence)
            lines = max(
                wrapped_lines(text, _FINDING_WIDTHS[col])
                for col, text in [*enumerate(texts), (10, evidence)]
            )
            sheet.set_row(at, min(409, 15 * lines))  # wrapped text never prints over itself
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
    for col, width in enumerate(_FINDING_WIDTHS):
        sheet.set_column(col, col, width)
    sheet.freeze_panes(1, 0)
    sheet.autofilter(0, 0, max(at, 1), len(headers) - 1)
    sheet.set_landscape()
    sheet.set_paper(9)
    sheet.fit_to_pages(1, 0)
    sheet.repeat_rows(0)

"""The workbook's ranked summary sheet and its appraisal findings sheet."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from parindex.backends.excel import cell_name
from parindex.criteria import CriteriaSet, Node
from parindex.excel_layout import (
    _DANGEROUS,
    FINDINGS_SHEET,
    final_band,
    final_index,
    not_appraised,
)
from parindex.excel_style import (
    LONG_TEXT,
    MAX_CELL_TEXT,
    Formats,
    cell_number,
    column_points,
    sheet_style,
    text_lines,
    write_safe,
    write_text,
)
from parindex.excel_xml import RowSheet, number_end
from parindex.messages import label, text
from parindex.numbers import format_date
from parindex.review import Finding

if TYPE_CHECKING:
    from parindex.excel import UnitSheet

# --- the summary and findings sheets ----------------------------------------------------------


def _group(unit: UnitSheet) -> str:
    return unit.submission.unit.group or unit.submission.unit.level.value


def ranks(indices: Sequence[tuple[str, Decimal | None]]) -> list[int | None]:
    """Ranks within each group, as everywhere: :func:`parindex.ranking.competition_ranks`."""
    from parindex.ranking import competition_ranks

    return competition_ranks(indices)


_SUMMARY_HEADERS: tuple[tuple[str, str], ...] = (
    ("Nhóm", "Group"),
    ("Hạng", "Rank"),
    ("Đơn vị", "Unit"),
    ("Mã đơn vị", "Unit id"),
    ("Chỉ số cuối cùng (%)", "Final index (%)"),
    ("Chỉ số lấy theo", "Final index from"),
    ("Xếp loại", "Class"),
    ("Chỉ số tự đánh giá (%)", "Self-assessed index (%)"),
    ("Chỉ số theo quy tắc (%)", "Computed index (%)"),
    ("Tiêu chí chưa thẩm định", "Criteria not appraised"),
    ("Điểm chưa xác định", "Undetermined points"),
    ("Điểm tạm tính", "Provisional points"),
)
_AREAS = len(_SUMMARY_HEADERS)
"""First column of the areas' percentages."""
# 143 character units in all fit one A4 landscape width at 100 %: the table prints at 10 points.
# English widens four columns so that no word is cut ("Compute / d index", "undetermin / ed",
# "Undeter / mined", "Provisio / nal" at 7); the page is fitted to its width.
_SUMMARY_WIDTHS: dict[str, tuple[float, ...]] = {
    "vi": (9.0, 5.0, 23.0, 7.0, 8.0, 8.5, 8.5, 7.5, 7.5, 8.0, 7.0, 7.0),
    "en": (9.0, 5.0, 23.0, 7.0, 8.0, 8.5, 11.5, 7.5, 9.5, 8.0, 11.0, 10.0),
}
_AREA_WIDTH = 5.0
_BODY = 10
_ROW_LINE = 12.6
"""Points a wrapped line of the 10-point body takes in these sheets' rows (more than
:func:`~parindex.excel_style.line_points`: the heights the printed sheets were checked with)."""
NOT_APPRAISED = "chưa thẩm định"


def write_summary(
    sheet: Any,
    formats: Formats,
    criteria: CriteriaSet,
    units: Sequence[UnitSheet],
    language: str = "vi",
) -> None:
    """Units ranked within their group by the final index (appraised where appraised,
    computed otherwise), with the self and computed indices beside it and what is not
    yet appraised. ``sheet`` is the workbook's first sheet (a :class:`RowSheet`), added
    before the units' sheets and written once every unit is."""
    finals = [final_index(u.review) for u in units]
    keyed = [(_group(u), index) for u, (index, _) in zip(units, finals, strict=True)]
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
    head_row = _summary_heading(sheet, formats, criteria, language)
    headers = [text(*pair, language) for pair in _SUMMARY_HEADERS]
    headers += [text("LV ", "Area ", language) + a.code for a in areas]
    head = dict(bold=True, text_wrap=True, border=1, align="center", valign="vcenter")
    for col, words in enumerate(headers):
        write_text(
            sheet, head_row, col, words, formats, **head, font_size=_BODY, bg_color="#D9E1F2"
        )
    widths = [*_SUMMARY_WIDTHS[_language(language)], *[_AREA_WIDTH] * len(areas)]
    lines = max(
        text_lines(h, column_points(w), _BODY) for h, w in zip(headers, widths, strict=True)
    )
    sheet.set_row(head_row, lines * _ROW_LINE + 4)
    first = head_row + 1
    for offset, i in enumerate(order):
        _summary_row(
            sheet, formats, first + offset, units[i], ranked[i], finals[i], criteria, language
        )
    last = first + len(units) - 1
    scale = {
        "type": "3_color_scale",
        "min_color": "#F8696B",
        "mid_color": "#FFEB84",
        "max_color": "#63BE7B",
    }
    for col in (4, 7, 8, *range(_AREAS, _AREAS + len(areas))):
        sheet.conditional_format(first, col, last, col, scale)
    for col, width in enumerate(widths):
        sheet.set_column(col, col, width)
    _legend(sheet, formats, last + 2, areas, language)
    sheet.freeze_panes(first, 3)
    sheet.autofilter(head_row, 0, last, len(headers) - 1)
    sheet.set_landscape()
    sheet.set_paper(9)
    sheet.set_margins(left=0.4, right=0.4, top=0.55, bottom=0.55)
    sheet.fit_to_pages(1, 0)
    sheet.repeat_rows(head_row)
    sheet.center_horizontally()
    sheet.set_footer('&C&"Times New Roman"&9' + text("Trang &P/&N", "Page &P of &N", language))
    sheet.activate()
    sheet.seal()


def _summary_heading(sheet: Any, formats: Formats, criteria: CriteriaSet, language: str) -> int:
    """Title, set, date and how units are ranked; returns the header row."""
    last = _AREAS + len(criteria.nodes) - 1
    lines = [
        (
            text(
                f"TỔNG HỢP KẾT QUẢ CHỈ SỐ CẢI CÁCH HÀNH CHÍNH NĂM {criteria.year}",
                f"PAR INDEX RESULTS, {criteria.year}",
                language,
            ),
            formats.get(bold=True, font_size=13, align="center"),
        ),
        (criteria.title, formats.get(font_size=11, align="center", text_wrap=True)),
        (
            text("Ngày lập: ", "Made on: ", language) + format_date(dt.date.today()),
            formats.get(font_size=_BODY, align="center"),
        ),
        (
            text(
                "Xếp hạng trong từng nhóm theo chỉ số cuối cùng: chỉ số thẩm định với đơn vị đã "
                'thẩm định, chỉ số theo quy tắc với đơn vị chưa thẩm định (cột "Chỉ số lấy '
                'theo"). Chỉ số bằng nhau cùng hạng.',
                "Ranked within each group on the final index: the appraised index where the "
                'unit was appraised, the computed index otherwise (column "Final index '
                'from"). Equal indices share a rank.',
                language,
            ),
            formats.get(font_size=_BODY, italic=True, align="center", text_wrap=True),
        ),
    ]
    total = column_points(
        sum(_SUMMARY_WIDTHS[_language(language)]) + _AREA_WIDTH * len(criteria.nodes)
    )
    for at, (words, fmt) in enumerate(lines):
        sheet.merge_range(at, 0, at, last, "", fmt)
        write_safe(sheet, at, 0, words, fmt, formats)
        size = formats.properties[id(fmt)]["font_size"]
        sheet.set_row(at, (size * 1.3 + 2) * text_lines(words, total, size))
    return len(lines) + 1


def _legend(sheet: Any, formats: Formats, at: int, areas: Sequence[Node], language: str) -> None:
    """What each area column (LV 1 …) is, under the table."""
    fmt = formats.get(font_size=9, italic=True)
    for offset, area in enumerate(areas):
        words = text("LV ", "Area ", language) + f"{area.code}: {area.title}"
        write_safe(sheet, at + offset, 2, words, fmt, formats)


def _summary_row(
    sheet: Any,
    formats: Formats,
    at: int,
    unit: UnitSheet,
    rank: int | None,
    final: tuple[Decimal | None, bool],
    criteria: CriteriaSet,
    language: str,
) -> None:
    report, (index, appraised) = unit.report, final
    cell = formats.get(border=1, font_size=_BODY, align="center")
    words = formats.get(border=1, font_size=_BODY, text_wrap=True)
    percent = formats.get(border=1, font_size=_BODY, num_format=formats.percent)
    number = formats.get(border=1, font_size=_BODY, num_format=formats.number)
    group = label("level", _group(unit), language)
    write_safe(sheet, at, 0, group, words, formats)
    _number_or_blank(sheet, at, 1, rank, cell)
    name = unit.submission.unit.name
    write_safe(sheet, at, 2, name, words, formats)
    # plain text that wraps (LibreOffice never wraps a link's text, so a link cut the ids);
    # each unit's sheets are the tabs named after it
    write_safe(sheet, at, 3, unit.submission.unit.id, words, formats)
    _number_or_blank(
        sheet,
        at,
        4,
        index,
        formats.get(border=1, font_size=_BODY, bold=True, num_format=formats.percent),
    )
    basis = (
        text("thẩm định", "appraisal", language)
        if appraised
        else text("quy tắc", "rules", language)
    )
    write_safe(sheet, at, 5, basis, words, formats)
    band = final_band(unit.review, criteria.compiled)
    write_safe(
        sheet, at, 6, band or text("chưa xác định", "undetermined", language), words, formats
    )
    _number_or_blank(sheet, at, 7, unit.review.self_index, percent)
    _number_or_blank(sheet, at, 8, report.index, percent)
    open_count = unit.not_appraised
    if open_count is None:
        open_count = len(not_appraised(unit.review))
    _number_or_blank(sheet, at, 9, open_count, cell)
    _number_or_blank(sheet, at, 10, report.undetermined_points, number)
    _number_or_blank(sheet, at, 11, report.provisional_points, number)
    by_area = {s.code: s for s in unit.review.summary}
    for col, area in enumerate(criteria.nodes, start=_AREAS):
        summary = by_area.get(area.code)
        share = None
        if summary is not None:
            share = summary.appraised_percent if appraised else summary.computed_percent
        _number_or_blank(sheet, at, col, share, percent)
    widths = _SUMMARY_WIDTHS[_language(language)]
    lines = max(
        text_lines(name, column_points(widths[2]), _BODY),
        text_lines(group, column_points(widths[0]), _BODY),
        text_lines(band or "", column_points(widths[6]), _BODY),
        text_lines(unit.submission.unit.id, column_points(widths[3]), _BODY),
    )
    sheet.set_row(at, lines * _ROW_LINE + 3)


def _number_or_blank(sheet: Any, row: int, col: int, value: Decimal | int | None, fmt: Any) -> None:
    if value is None:
        sheet.write_blank(row, col, None, fmt)
    else:
        sheet.write_number(row, col, cell_number(Decimal(value)), fmt)


_FINDING_HEADERS: tuple[tuple[str, str], ...] = (
    ("Đơn vị", "Unit"),
    ("Mức", "Severity"),
    ("Loại", "Kind"),
    ("Mã tiêu chí", "Code"),
    ("Tiêu chí", "Criterion"),
    ("Nội dung", "Finding"),
    ("Tự đánh giá", "Self"),
    ("Theo quy tắc", "Computed"),
    ("Thẩm định", "Appraised"),
    ("Điểm tối đa", "Max."),
    ("TLKC", "Evidence"),
    ("Vòng", "Round"),
)
# 143 character units in each language: one A4 landscape width at 100 %. English takes
# 6 units from the unit, kind and evidence columns so that "Computed" and "Appraised" fit
# whole in their bold heads (at 6,5 they printed "Comput / ed", "Apprais / ed").
_FINDING_WIDTHS: dict[str, tuple[float, ...]] = {
    "vi": (17.0, 6.5, 16.0, 6.5, 22.0, 32.0, 6.5, 6.5, 6.5, 6.5, 12.0, 5.0),
    "en": (15.0, 6.5, 14.0, 6.5, 22.0, 32.0, 6.5, 9.5, 9.5, 6.5, 10.0, 5.0),
}
_FINDING_POINTS = {
    language: tuple(column_points(width) for width in widths)
    for language, widths in _FINDING_WIDTHS.items()
}


def write_findings(
    workbook: Any, formats: Formats, units: Sequence[UnitSheet], language: str = "vi"
) -> None:
    """Every review finding, one row each, as tall as its wrapped text."""
    sheet = workbook.add_worksheet(FINDINGS_SHEET, RowSheet)
    head = formats.get(
        bold=True,
        text_wrap=True,
        border=1,
        align="center",
        valign="vcenter",
        bg_color="#D9E1F2",
        font_size=_BODY,
    )
    for col, pair in enumerate(_FINDING_HEADERS):
        sheet.write_string(0, col, text(*pair, language), head)
    sheet.set_row(0, 2 * _ROW_LINE + 4)
    at = 0
    rows = _Block(sheet, formats.careful)
    for unit in units:
        if unit.finding_block is not None:  # numbered as the units came (FindingPlaces)
            at = rows.add_block(unit.finding_block)
            continue
        if unit.finding_rows is not None:  # made with the unit's sheets
            at = rows.add_made(at, unit.finding_rows)
            continue
        rows.put()
        for finding in unit.review.sorted_findings():
            at += 1
            _finding_row(sheet, formats, at, unit, finding, language)
    rows.put()
    for col, width in enumerate(_FINDING_WIDTHS[_language(language)]):
        sheet.set_column(col, col, width)
    sheet.freeze_panes(1, 0)
    sheet.autofilter(0, 0, max(at, 1), len(_FINDING_HEADERS) - 1)
    sheet.set_landscape()
    sheet.set_paper(9)
    sheet.set_margins(left=0.4, right=0.4, top=0.55, bottom=0.55)
    sheet.fit_to_pages(1, 0)
    sheet.repeat_rows(0)
    sheet.set_footer('&C&"Times New Roman"&9' + text("Trang &P/&N", "Page &P of &N", language))
    sheet.seal()


class _Block:
    """Findings rows made ahead, put on the sheet as one block of rows
    (:meth:`~parindex.excel_xml.RowSheet.put_rows`) as :meth:`RowSheet.seal` would write
    them: a findings sheet has some 40 rows a unit, and sealing them one by one took
    a tenth of a second of a 250-unit export's serial end. ``careful``: each row's cells
    and height given to the sheet (the reference ``tests/test_excel_detailed.py`` compares)."""

    def __init__(self, sheet: Any, careful: bool) -> None:
        self.sheet, self.careful = sheet, careful
        self.rows: list[str] = []
        self.first = self.last = self.left = self.right = 0
        self.heights: dict[float, str] = {}

    def add(self, at: int, cells: str, first: int, last: int, height: float) -> None:
        if self.careful:
            self.sheet.put_cells(at, cells, first, last)
            self.sheet.set_row(at, height)
            return
        attributes = self.heights.get(height)
        if attributes is None:
            attributes = self.heights[height] = self.sheet.row_attributes(height)
        if not self.rows:
            self.first, self.left, self.right = at, first, last
        self.rows.append(f'<row r="{at + 1}"{attributes}>{cells}</row>')
        self.last, self.left, self.right = at, min(self.left, first), max(self.right, last)

    def add_made(self, at: int, made: list[FindingRow]) -> int:
        """``made`` (a unit's rows, :func:`finding_rows`) added from the row after ``at``
        on, each numbered; the last row's number. As :meth:`add` of each, in one loop: a
        250-unit workbook has some 9 600 (the serial end)."""
        if self.careful or not made:
            for cells, first, last, height in made:
                at += 1
                self.add(at, cells.replace(_PLACE, f'{at + 1}"'), first, last, height)
            return at
        return self.add_block(_numbered(made, at, self.heights, self.sheet.row_attributes))

    def add_block(self, block: FindingBlock) -> int:
        """A unit's rows numbered already (:func:`_numbered`) added; their last row's number."""
        xml, first, last, left, right = block
        if not self.rows:
            self.first, self.left, self.right = first, left, right
        self.rows.append(xml)
        self.last, self.left, self.right = last, min(self.left, left), max(self.right, right)
        return last

    def put(self) -> None:
        """The rows added since the last call, on the sheet."""
        if self.rows:
            xml = "".join(self.rows)
            self.sheet.put_rows(self.first, self.last, xml, (self.left, self.right))
            self.rows = []


_SCRATCH = 1_000_000
"""The row a unit's findings rows are made in before their place is known: its number is
then replaced by the row's own (no other text of a findings cell can end in ``1000001"``:
strings are numbers of the shared table, values are numbers, styles are small numbers)."""
_PLACE = f'{_SCRATCH + 1}"'

FindingRow = tuple[str, int, int, float]
"""A findings row made ahead: its cells' XML (numbered :data:`_SCRATCH`), first and last
column, height."""
FindingBlock = tuple[str, int, int, int, int]
"""A unit's findings rows numbered in their place (:class:`FindingPlaces`): their ``<row>``
elements as :meth:`RowSheet.seal` writes them, first and last row, first and last column."""


def _numbered(
    made: list[FindingRow], at: int, heights: dict[float, str], attributes: Callable[[float], str]
) -> FindingBlock:
    """``made`` (a unit's rows, not none) numbered from the row after ``at`` on, each row
    with its height's ``attributes`` (kept in ``heights``)."""
    rows: list[str] = []
    for cells, _, _, height in made:
        at += 1
        shown = heights.get(height)
        if shown is None:
            shown = heights[height] = attributes(height)
        number = f"{at + 1}"
        rows += (f'<row r="{number}"{shown}>', cells.replace(_PLACE, number + '"'), "</row>")
    left = min([first for _, first, _, _ in made])
    right = max([last for _, _, last, _ in made])
    return "".join(rows), at - len(made) + 1, at, left, right


class FindingPlaces:
    """Each unit's findings rows numbered in the findings sheet as the units come, in the
    workbook's order (:func:`_numbered`; in the units' part of the export, which both
    processes share, not in the serial end): :func:`write_findings` then only puts each
    unit's block. A 250-unit workbook has some 9 600 rows: numbering and joining them at
    the end took 31 ms there. The rows of a unit the other process wrote are then
    renumbered once a unit, not once a row."""

    def __init__(self) -> None:
        self.at = 0
        """The findings sheet's last row so far (its head is row 0)."""
        self.heights: dict[float, str] = {}
        self.sheet = RowSheet()
        """A new sheet, as the findings sheet is: its rows' attributes are theirs."""

    def place(self, unit: UnitSheet) -> FindingBlock | None:
        """``unit``'s rows numbered after the units placed before (``None``: no row made
        ahead, or none at all); :func:`write_findings` writes rows not made ahead itself."""
        made = unit.finding_rows
        if made is None:
            self.at += len(unit.review.sorted_findings())  # write_findings writes them
            return None
        if not made:
            return None
        block = _numbered(made, self.at, self.heights, self.sheet.row_attributes)
        self.at = block[2]
        return block


def finding_rows(
    workbook: Any, formats: Formats, unit: UnitSheet, language: str = "vi"
) -> list[FindingRow] | None:
    """The findings sheet's rows of ``unit``, made with the unit's sheets (by the process
    that writes them) into a sheet outside the workbook that shares its strings and formats;
    :func:`write_findings` numbers and places them. ``None`` when a text is too long for a
    cell (:func:`write_findings` writes those rows itself: the warning names the cell)."""
    scratch = RowSheet()
    scratch.name, scratch.str_table = FINDINGS_SHEET, workbook.str_table
    rows: list[FindingRow] = []
    styles = None if formats.careful else _finding_styles(scratch, formats)
    seen = None if styles is None else _Seen.of(formats, scratch, styles[0], unit, language)
    for finding in unit.review.sorted_findings():
        if seen is not None and (again := seen.row(finding)) is not None:
            rows.append(again)
            continue
        texts = _finding_texts(unit, finding, language)
        longest = max(map(len, texts.values()))
        if longest > MAX_CELL_TEXT:
            return None
        firsts = [t[:1] for t in texts.values()]
        if styles is not None and longest <= LONG_TEXT and _FIRST.isdisjoint(firsts):
            rows.append(_finding_cells(scratch, styles, finding, texts, language))
            if seen is not None:
                seen.keep(rows[-1], texts)
            continue
        _finding_row(scratch, formats, _SCRATCH, unit, finding, language, texts)
        made = scratch.take_cells(_SCRATCH)
        assert made is not None  # a findings row has its unit's name at least
        cells, first, last = made
        if cells.count(_PLACE) != cells.count("<c "):  # never: see _SCRATCH
            return None
        rows.append((cells, first, last, scratch._heights.pop(_SCRATCH)))
    return rows


class _Seen:
    """Findings rows made before in this process (:func:`_finding_cells`), by what they
    show but the unit's name: a finding recurs on many units (the same criterion, message
    and scores), and making its row again (labels, seven strings numbered, five numbers,
    the wrapped height) cost more than the rest of a unit's findings rows. A row found
    here has its name cell made and its six other strings counted in the table, which has
    them already (the row was made in this process, and a table never loses a string):
    the same cells, strings and count as :func:`_finding_cells`
    (``tests/test_excel_summary.py`` compares the two)."""

    MOST = 1 << 13
    """Rows kept at most a workbook (the benchmark's 250 units make some 600)."""

    def __init__(self, formats: Formats, sheet: Any, words: str, name: str, language: str) -> None:
        key = ("findings rows", words, language)
        self.rows: dict[tuple[Any, ...], tuple[str, int]] = formats.memo.setdefault(key, {})
        self.table, self.name, self.language = sheet.str_table, name, language
        self.start = f'{_TEXT_CELLS[0]}{words} t="s"><v>'
        self.name_lines = text_lines(name, _FINDING_POINTS[language][0], _BODY)
        self.last: tuple[Any, ...] = ()

    @classmethod
    def of(
        cls, formats: Formats, sheet: Any, words: str, unit: UnitSheet, language: str
    ) -> _Seen | None:
        """The rows seen in ``formats``' workbook, for ``unit``; ``None`` where its name is
        not written as :func:`_finding_cells` writes a text (quoted, or long)."""
        name = unit.submission.unit.name
        if len(name) > LONG_TEXT or name[:1] in _FIRST:
            return None
        return cls(formats, sheet, words, name, _language(language))

    def row(self, finding: Finding) -> FindingRow | None:
        """``finding``'s row made from one seen before, or ``None``."""
        ends = [number_end(p) for p in _finding_points(finding)]  # -0 and 0: equal, not alike
        self.last = key = (
            finding.severity,
            finding.code,
            finding.criterion,
            finding.title,
            finding.message,
            finding.message_en,
            tuple(finding.evidence),
            finding.round,
            *ends,
        )
        made = self.rows.get(key)
        if made is None:
            return None
        rest, lines = made
        table = self.table
        cells = f"{self.start}{table._get_shared_string_index(self.name)}</v></c>{rest}"
        table.count += 6  # the row's other strings, in the table since it was first made
        return cells, 0, 11, min(409.0, max(lines, self.name_lines) * _ROW_LINE + 3)

    def keep(self, made: FindingRow, texts: dict[int, str]) -> None:
        """``made``, the row of the finding last asked for (:meth:`row`), for later units."""
        if len(self.rows) < self.MOST:
            points = _FINDING_POINTS[self.language]
            lines = max(text_lines(v, points[col], _BODY) for col, v in texts.items() if col)
            cells = made[0]
            self.rows[self.last] = cells[cells.index("</c>") + 4 :], lines


def _finding_styles(sheet: Any, formats: Formats) -> tuple[str, str, str] | None:
    """The `` s="…"`` of a findings row's text, number and round cells, once the formats
    are numbered (by a row written cell by cell: :func:`_finding_row`), else ``None``."""
    made = formats.memo.get("findings formats")
    if made is None:
        return None
    words, number = made
    plain = formats.get(border=1, font_size=_BODY)
    if any(f.xf_index is None for f in (words, number, plain)):
        return None
    return sheet_style(sheet, words), sheet_style(sheet, number), sheet_style(sheet, plain)


_FIRST = frozenset(start[:1] for start in _DANGEROUS)
"""The first characters of what a text quoted in its cell begins with (a text beginning with
one of them is written cell by cell, quoted or not, as :func:`write_safe` decides)."""
_TEXT_CELLS = tuple(f'<c r="{cell_name(_SCRATCH, col)}"' for col in range(12))


def _finding_cells(
    sheet: Any,
    styles: tuple[str, str, str],
    finding: Finding,
    texts: dict[int, str],
    language: str,
) -> FindingRow:
    """The row :func:`_finding_row` writes for ``finding`` (none of its ``texts`` quoted or
    cut, none over :data:`LONG_TEXT`), made as text: its strings added to the table in the
    same order, its numbers as :meth:`RowSheet.write_number` writes them."""
    words, number, plain = styles
    index = sheet.str_table._get_shared_string_index
    names = _TEXT_CELLS
    cells = [f'{names[col]}{words} t="s"><v>{index(texts[col])}</v></c>' for col in range(6)]
    for col, point in enumerate(_finding_points(finding), start=6):
        cells.append(f"{names[col]}{number}{number_end(None if point is None else Decimal(point))}")
    cells.append(f'{names[10]}{words} t="s"><v>{index(texts[10])}</v></c>')
    round = finding.round
    cells.append(f"{names[11]}{plain}{number_end(None if round is None else Decimal(round))}")
    points = _FINDING_POINTS[_language(language)]
    lines = max(text_lines(value, points[col], _BODY) for col, value in texts.items())
    return "".join(cells), 0, 11, min(409.0, lines * _ROW_LINE + 3)


def _language(language: str) -> str:
    return "en" if language == "en" else "vi"


def _finding_points(finding: Finding) -> tuple[Decimal | None, ...]:
    """A finding's self, computed and appraised scores and maximum: its columns 6 to 9."""
    return finding.self_score, finding.computed_score, finding.appraised_score, finding.max_points


def _finding_texts(unit: UnitSheet, finding: Finding, language: str) -> dict[int, str]:
    return {
        0: unit.submission.unit.name,
        1: label("severity", finding.severity, language),
        2: label("finding", finding.code, language),
        3: finding.criterion,
        4: finding.title,
        5: finding.message_en if language == "en" else finding.message,
        10: ", ".join(finding.evidence),
    }


def _finding_row(
    sheet: Any,
    formats: Formats,
    at: int,
    unit: UnitSheet,
    finding: Finding,
    language: str,
    texts: dict[int, str] | None = None,
) -> None:
    """One finding's row (``texts``: its :func:`_finding_texts`, if the caller has them)."""
    made = formats.memo.get("findings formats")
    if made is None:  # the same formats, made in the same order, as on each row before
        words = formats.get(border=1, text_wrap=True, font_size=_BODY)
        number = formats.get(border=1, font_size=_BODY, num_format=formats.number)
        made = formats.memo["findings formats"] = (words, number)
    words, number = made
    if texts is None:
        texts = _finding_texts(unit, finding, language)
    for col, value in texts.items():
        write_safe(sheet, at, col, value, words, formats, finding.criterion)
    for col, point in enumerate(_finding_points(finding), start=6):
        _number_or_blank(sheet, at, col, point, number)
    _number_or_blank(sheet, at, 11, finding.round, formats.get(border=1, font_size=_BODY))
    points = _FINDING_POINTS[_language(language)]
    lines = max(text_lines(value, points[col], _BODY) for col, value in texts.items())
    sheet.set_row(at, min(409.0, lines * _ROW_LINE + 3))  # wrapped text never prints over itself

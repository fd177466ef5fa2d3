"""The self-assessment form: a workbook units fill in Excel, scoring live as they type.

:func:`write_form` writes one sheet per unit (or one blank sheet): the unit's facts, the
criteria tree with each leaf's inputs as typed, validated cells (numbers, percentages,
có/không lists, dd/mm/yyyy dates, choices as drop-downs), evidence rows under each
criterion, self-score and explanation cells, and round 1 and round 2 appraisal columns.
Each leaf's computed score is a live formula over the unit's own cells
(:func:`parindex.backends.excel.formula` of the leaf's lowered expression); parents, the
total, the index and the class are formulas too (:mod:`parindex.form_cells`), and every
formula stores the value the engine computes. The hidden, signed sheet of
:mod:`parindex.excel_meta` records the set and each sheet's submission, so
``parindex import`` reads a filled form back (:mod:`parindex.form_read`).

>>> write_form(criteria, [], "bieu-mau.xlsx")  # doctest: +SKIP
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from decimal import Decimal
from pathlib import Path
from typing import Any

import xlsxwriter
from xlsxwriter.utility import quote_sheetname, xl_range_abs

from parindex.criteria import CriteriaSet, Input, InputType
from parindex.excel_layout import META_SHEET
from parindex.excel_meta import MetaUnit, write_meta
from parindex.excel_style import Formats, FormulaSheet, wrapped_lines, write_safe
from parindex.form_cells import Computed, formula_cells
from parindex.form_layout import (
    APPLIES,
    CODE,
    COLUMNS,
    DOC_DATE,
    DOC_ID,
    DOC_ISSUER,
    DOC_KIND,
    DOC_LINK,
    DOC_NUMBER,
    DOC_SECTION,
    DOC_TITLE,
    EXPLAIN,
    FINAL,
    FORM_FORMAT,
    HEADER_ROW,
    HIDDEN,
    HOW,
    ID_ROW,
    KEY,
    LEVEL_ROW,
    MAX,
    NAME_ROW,
    NO,
    NOT_DONE_TEXT,
    R1,
    R1_NOTE,
    R2,
    R2_NOTE,
    RESPONSE,
    SELF,
    TITLE,
    VALUE,
    YES,
    FormPlan,
    FormRow,
    plan,
    serial,
)
from parindex.messages import label
from parindex.review import review
from parindex.submission import NOT_DONE, Submission, Unit, check_submission

__all__ = ["LISTS_SHEET", "blank_submission", "write_form"]

LISTS_SHEET = "_danh_muc"
"""Hidden sheet holding the drop-down lists (choices, levels)."""
_HEADS = (
    "code", "title", "max", "value", "how", "applies", "computed", "self", "explain", "r1",
    "r1_note", "response", "r2", "r2_note", "final", "doc_kind", "doc_number", "doc_date",
    "doc_issuer", "doc_title", "doc_section", "doc_link", "doc_id",
)  # fmt: skip
_WIDTHS = (7, 46, 8, 13, 24, 8, 10, 10, 24, 10, 20, 22, 10, 20, 11, 14, 14, 11, 18, 26, 10, 18, 9)
_RUNS = ((CODE, EXPLAIN), (R1, FINAL), (DOC_KIND, DOC_ID))
"""Printed, a sheet's columns go on runs of pages, each led by the repeated code and title
columns: the unit's own (code to explanation), the appraisal rounds, the evidence. (Fitting all
23 columns to one page wide printed them at about a third of their size, unreadable.) The rounds
are printed once a round is in the form or the form is the appraisers'."""
_PRINT_SCALE = 75
"""Percent: the widest run (the evidence with the code and title, 173 units) fits A4 landscape
within narrow margins; 10-point text prints at 7,5 points."""
_HEAD_WIDTH = sum(_WIDTHS[:R1])
"""The title block spans the first run of printed columns, so it is never cut by a page break."""
_YELLOW = "#FFF2CC"
_DATE = "dd/mm/yyyy"


def blank_submission(criteria: CriteriaSet) -> Submission:
    """The submission a blank form is made from: no figures, no scores, the set's first level."""
    return Submission(
        format="parindex.submission/1",
        criteria=criteria.id,
        year=criteria.year,
        unit=Unit(id="don-vi", name="", level=criteria.levels[0]),
    )


class _Writer:
    """Writes the form sheets of one workbook."""

    def __init__(
        self, workbook: Any, criteria: CriteriaSet, language: str, appraisal: bool
    ) -> None:
        self.workbook = workbook
        self.appraisal = appraisal
        self.criteria = criteria
        self.language = language
        places = max(0, -int(criteria.precision.normalize().as_tuple().exponent))
        self.formats = Formats(workbook, places)
        self.specs = {i.name: i for i in criteria.inputs}
        self.lists: dict[str, str] = {}
        self.list_values: list[list[str]] = []

    def word(self, key: str) -> str:
        return label("form", key, self.language)

    # --- formats ------------------------------------------------------------------------------

    def fmt(self, **style: Any) -> Any:
        return self.formats.get(**{"border": 1, "text_wrap": True, "font_size": 10, **style})

    def entry(self, **style: Any) -> Any:
        return self.fmt(locked=False, bg_color=_YELLOW, **style)

    # --- drop-down lists -----------------------------------------------------------------------

    def list_range(self, key: str, values: Sequence[str]) -> str:
        """A range of the hidden lists sheet that will hold ``values`` (one column per list;
        the sheet is written after the units' sheets, :meth:`write_lists`)."""
        if key not in self.lists:
            letter = xlsxwriter.utility.xl_col_to_name(len(self.lists))
            self.lists[key] = f"='{LISTS_SHEET}'!${letter}$1:${letter}${max(1, len(values))}"
            self.list_values.append(list(values))
        return self.lists[key]

    def write_lists(self) -> None:
        sheet = self.workbook.add_worksheet(LISTS_SHEET)
        for col, values in enumerate(self.list_values):
            for row, value in enumerate(values):
                write_safe(sheet, row, col, value, None, self.formats)
        sheet.hide()

    # --- one sheet -----------------------------------------------------------------------------

    def sheet(self, name: str, submission: Submission) -> None:
        checked = check_submission(self.criteria, submission)
        result = review(self.criteria, checked)
        layout = plan(self.criteria, submission)
        cells = formula_cells(layout, checked, result)
        sheet = self.workbook.add_worksheet(name, FormulaSheet)
        for col, width in enumerate(_WIDTHS):
            sheet.set_column(col, col, width)
        sheet.set_column(KEY, COLUMNS - 1, 10, None, {"hidden": True})
        self.head(sheet, submission, result.report.provisional_points)
        by_code = {n.code: n for n in result.report.nodes}
        for row in layout.rows:
            sheet.write_string(row.row, KEY, row.key)
            if row.kind == "node":
                self.node(sheet, row, layout, submission, by_code[row.code or ""])
            elif row.kind in ("fact", "input", "survey"):
                self.value(sheet, row, submission)
            elif row.kind == "doc":
                self.evidence(sheet, row)
            elif row.kind == "heading":
                key = "facts" if row.key == "h:facts" else "others"
                sheet.merge_range(row.row, CODE, row.row, FINAL, "", self.fmt(bold=True))
                sheet.write_string(row.row, CODE, self.word(key), self.fmt(bold=True))
            else:
                title = self.word(row.kind)
                sheet.write_string(row.row, TITLE, title, self.fmt(bold=True, bg_color="#D9E1F2"))
        self.formulas(sheet, cells, layout)
        self.finish(sheet, layout, self.appraisal or bool(submission.appraisals))

    def head(self, sheet: Any, submission: Submission, provisional: Decimal) -> None:
        big = self.formats.get(bold=True, font_size=13, align="center")
        sheet.merge_range(0, CODE, 0, EXPLAIN, "", big)
        sheet.write_string(0, CODE, self.word("heading"), big)
        line = f"{self.criteria.title} — năm {self.criteria.year}"
        if provisional:
            line += f" — (*) {_points(provisional)} điểm dựa trên giá trị tạm tính"
        italic = self.formats.get(italic=True, text_wrap=True, valign="top")
        sheet.merge_range(1, CODE, 1, EXPLAIN, "", italic)
        write_safe(sheet, 1, CODE, line, italic, self.formats)
        sheet.set_row(1, 15 * wrapped_lines(line, _HEAD_WIDTH))
        unit = submission.unit
        levels = [label("level", level.value, self.language) for level in self.criteria.levels]
        for row, key, value in (
            (NAME_ROW, "unit_name", unit.name),
            (ID_ROW, "unit_id", unit.id),
            (LEVEL_ROW, "unit_level", label("level", unit.level.value, self.language)),
        ):
            sheet.write_string(row, TITLE, self.word(key), self.fmt(bold=True))
            sheet.merge_range(row, VALUE, row, APPLIES, "", self.entry())
            write_safe(sheet, row, VALUE, value, self.entry(), self.formats)
        sheet.data_validation(
            LEVEL_ROW, VALUE, LEVEL_ROW, VALUE,
            {"validate": "list", "source": self.list_range("levels", levels)},
        )  # fmt: skip
        guide = self.formats.get(italic=True, text_wrap=True, font_size=10, valign="top")
        sheet.merge_range(5, CODE, 5, EXPLAIN, "", guide)
        sheet.write_string(5, CODE, self.word("guide"), guide)
        sheet.set_row(5, 13.5 * wrapped_lines(self.word("guide"), _HEAD_WIDTH, 10))
        head = self.fmt(bold=True, align="center", valign="vcenter", bg_color="#D9E1F2")
        for col, key in enumerate(_HEADS):
            sheet.write_string(HEADER_ROW, col, self.word(key), head)
        sheet.set_row(HEADER_ROW, 48)

    def node(
        self, sheet: Any, row: FormRow, layout: FormPlan, submission: Submission, result: Any
    ) -> None:
        code = row.code or ""
        at = row.row
        area = result.kind == "area" and result.parent is None
        style: dict[str, Any] = {"bold": True, "bg_color": "#DDEBF7"} if area else {}
        write_safe(sheet, at, CODE, code, self.fmt(**style), self.formats)
        title = result.title.upper() if area else result.title
        write_safe(
            sheet, at, TITLE, title, self.fmt(indent=min(result.depth, 4), **style), self.formats
        )
        number = self.formats.provisional if result.provisional else self.formats.number
        sheet.write_number(
            at, MAX, float(result.declared_max), self.fmt(num_format=number, **style)
        )
        if result.rule_text:
            write_safe(sheet, at, HOW, result.rule_text, self.fmt(font_size=9), self.formats)
        own_score = submission.self_scores.get(code)
        self.fit(sheet, at, (title, TITLE), (result.rule_text, HOW),
                 (own_score.explanation if own_score else None, EXPLAIN))  # fmt: skip
        if code not in layout.entries:
            return
        own = submission.self_scores.get(code)
        points = self.entry(num_format=self.formats.number)
        notes = self.entry()
        self.maybe_number(sheet, at, SELF, own.points if own else None, points)
        self.maybe_text(sheet, at, EXPLAIN, own.explanation if own else None, notes)
        # the appraisers' cells: open in their form, locked (grey) in a unit's
        shut = {"num_format": self.formats.number, "bg_color": "#EDEDED"}
        round_points = points if self.appraisal else self.fmt(**shut)
        round_notes = notes if self.appraisal else self.fmt(bg_color="#EDEDED")
        for round_number, score_col, note_col in ((1, R1, R1_NOTE), (2, R2, R2_NOTE)):
            appraisal = next((a for a in submission.appraisals if a.round == round_number), None)
            scored = appraisal.scores.get(code) if appraisal else None
            given = scored.points if scored else None
            self.maybe_number(sheet, at, score_col, given, round_points)
            self.maybe_text(sheet, at, note_col, scored.note if scored else None, round_notes)
        first = next((a for a in submission.appraisals if a.round == 1), None)
        response = first.unit_response.get(code) if first else None
        self.maybe_text(sheet, at, RESPONSE, response, notes)
        top = float(result.declared_max)
        sheet.data_validation(
            at, SELF, at, SELF,
            {
                "validate": "decimal", "criteria": "between", "minimum": 0, "maximum": top,
                "multi_range": " ".join(
                    xlsxwriter.utility.xl_rowcol_to_cell(at, c) for c in (SELF, R1, R2)
                ),
                "error_title": "Điểm không hợp lệ",
                "error_message": f"Điểm phải là một số từ 0 đến {_points(result.declared_max)}.",
            },
        )  # fmt: skip

    def fit(self, sheet: Any, row: int, *texts: tuple[str | None, int]) -> None:
        """A row tall enough for its wrapped texts (viewers that do not fit rows show them whole)."""
        lines = [wrapped_lines(t, _WIDTHS[col], 10) for t, col in texts if t]
        sheet.set_row(row, min(409, 13.5 * max([1, *lines])))

    def maybe_number(self, sheet: Any, row: int, col: int, value: Decimal | None, fmt: Any) -> None:
        if value is None:
            sheet.write_blank(row, col, None, fmt)
        else:
            sheet.write_number(row, col, float(value), fmt)

    def maybe_text(self, sheet: Any, row: int, col: int, value: str | None, fmt: Any) -> None:
        if value:
            write_safe(sheet, row, col, value, fmt, self.formats)
        else:
            sheet.write_blank(row, col, None, fmt)

    def value(self, sheet: Any, row: FormRow, submission: Submission) -> None:
        """A fact, an input or a survey result: its label, its typed entry cell, how to enter it."""
        at, name = row.row, row.name or ""
        spec = self.specs.get(name)
        if row.kind == "fact":
            title = next(f.label for f in self.criteria.facts if f.name == name)
            raw: object = submission.unit.facts.get(name)
        elif row.kind == "survey":
            title = self.word("survey")
            raw = submission.survey.get(row.code or "")
        else:
            assert spec is not None
            title = spec.label
            raw = submission.values.get(name)
        write_safe(sheet, at, TITLE, title, self.fmt(italic=True, indent=5), self.formats)
        how, validation = self.validation(spec, row.kind, at, submission.year)
        write_safe(sheet, at, HOW, how, self.fmt(font_size=9), self.formats)
        self.typed(sheet, at, spec, raw, row.kind == "survey")
        self.fit(sheet, at, (title, TITLE), (how, HOW))
        sheet.data_validation(at, VALUE, at, VALUE, validation)

    def validation(
        self, spec: Input | None, kind: str, at: int, year: int
    ) -> tuple[str, dict[str, Any]]:
        """How to enter a value (the text shown) and its data validation."""
        yes_no = {"validate": "list", "source": [YES, NO]}
        if spec is None:
            if kind == "survey":
                return self.word("how_number"), {
                    "validate": "decimal",
                    "criteria": ">=",
                    "value": 0,
                }
            return self.word("how_yes_no"), yes_no
        kind_ = spec.type
        low = float(spec.min) if spec.min is not None else None
        high = float(spec.max) if spec.max is not None else None
        if kind_ == InputType.YES_NO:
            return self.word("how_yes_no"), yes_no
        if kind_ == InputType.ENUM:
            labels = list((spec.choices or {}).values())
            return self.word("how_enum"), {
                "validate": "list",
                "source": self.list_range(spec.name, labels),
            }
        if kind_ == InputType.DATE:
            cell = xlsxwriter.utility.xl_rowcol_to_cell(at, VALUE)
            test = (
                f"=OR(AND(ISNUMBER({cell}),{cell}>=DATE({year - 1},1,1),{cell}<=DATE({year + 1},12,31)),"
                f'{cell}="{NOT_DONE_TEXT}")'
            )
            return self.word("how_date"), {
                "validate": "custom", "value": test,
                "error_message": f"Nhập ngày dd/mm/yyyy trong {year - 1}–{year + 1}, hoặc '{NOT_DONE_TEXT}'.",
            }  # fmt: skip
        if kind_ in (InputType.PERCENT, InputType.RATIO):
            key = "how_percent" if kind_ == InputType.PERCENT else "how_ratio"
            return self.word(key), {
                "validate": "decimal",
                "criteria": "between",
                "minimum": 0,
                "maximum": 1,
            }
        unit = f" ({spec.unit})" if spec.unit else ""
        key = "how_count" if kind_ == InputType.COUNT else "how_number"
        rule: dict[str, Any] = {"validate": "integer" if kind_ == InputType.COUNT else "decimal"}
        low = max(low or 0, 0) if kind_ == InputType.COUNT else low
        if low is not None and high is not None:
            rule.update(criteria="between", minimum=low, maximum=high)
        elif low is not None:
            rule.update(criteria=">=", value=low)
        elif high is not None:
            rule.update(criteria="<=", value=high)
        else:
            rule.update(criteria="between", minimum=-1e15, maximum=1e15)
        return self.word(key) + unit, rule

    def typed(self, sheet: Any, at: int, spec: Input | None, raw: object, survey: bool) -> None:
        """The unit's value as the cell holds it (``None``: a blank entry cell)."""
        kind = spec.type if spec is not None else InputType.AMOUNT if survey else None
        if raw is None:
            fmt = self.entry(
                num_format=_DATE
                if kind == InputType.DATE
                else "0.00%"
                if kind == InputType.PERCENT
                else "General"
            )
            sheet.write_blank(at, VALUE, None, fmt)
            return
        if kind is None or kind == InputType.YES_NO:
            from parindex.submission import parse_yes_no

            sheet.write_string(at, VALUE, YES if parse_yes_no(raw) else NO, self.entry())
        elif kind == InputType.DATE:
            from parindex.numbers import parse_date

            if raw is NOT_DONE:
                sheet.write_string(at, VALUE, NOT_DONE_TEXT, self.entry(num_format=_DATE))
            else:
                day = raw if isinstance(raw, dt.date) else parse_date(raw)
                sheet.write_number(at, VALUE, serial(day), self.entry(num_format=_DATE))
        elif kind == InputType.ENUM:
            assert spec is not None
            text = (spec.choices or {}).get(str(raw), str(raw))
            write_safe(sheet, at, VALUE, text, self.entry(), self.formats)
        else:
            from parindex.numbers import parse_decimal

            number = parse_decimal(raw)
            if kind == InputType.PERCENT:
                sheet.write_number(at, VALUE, float(number / 100), self.entry(num_format="0.00%"))
            else:
                sheet.write_number(at, VALUE, float(number), self.entry(num_format="General"))

    def evidence(self, sheet: Any, row: FormRow) -> None:
        at, document = row.row, row.document
        node = self.criteria.compiled.nodes[row.code or ""].node
        text = self.word("evidence")
        if node.evidence and row.first:
            text += f" — {self.word('evidence_expected')}: " + "; ".join(node.evidence)
        write_safe(
            sheet, at, TITLE, text, self.fmt(font_size=9, italic=True, indent=5), self.formats
        )
        title = document.title if document is not None else None
        self.fit(sheet, at, (text, TITLE), (title, DOC_TITLE))
        fields: Mapping[int, object] = {}
        if document is not None:
            fields = {
                DOC_KIND: document.kind, DOC_NUMBER: document.number, DOC_DATE: document.date,
                DOC_ISSUER: document.issuer, DOC_TITLE: document.title,
                DOC_SECTION: document.section, DOC_LINK: document.link,
            }  # fmt: skip
            write_safe(sheet, at, DOC_ID, document.id, self.fmt(font_size=9), self.formats)
        for col in (DOC_KIND, DOC_NUMBER, DOC_DATE, DOC_ISSUER, DOC_TITLE, DOC_SECTION, DOC_LINK):
            value = fields.get(col)
            if isinstance(value, dt.date):
                sheet.write_number(at, col, serial(value), self.entry(num_format=_DATE))
            elif value:
                write_safe(sheet, at, col, str(value), self.entry(), self.formats)
            else:
                sheet.write_blank(
                    at, col, None, self.entry(num_format=_DATE if col == DOC_DATE else "General")
                )
        year = self.criteria.year
        cell = xlsxwriter.utility.xl_rowcol_to_cell(at, DOC_DATE)
        sheet.data_validation(
            at, DOC_DATE, at, DOC_DATE,
            {"validate": "date", "criteria": "between",
             "minimum": dt.date(year - 5, 1, 1), "maximum": dt.date(year + 1, 12, 31),
             "error_message": f"Ngày ban hành dd/mm/yyyy ({cell})."},
        )  # fmt: skip

    def formulas(
        self, sheet: Any, cells: Mapping[tuple[int, int], Computed], layout: FormPlan
    ) -> None:
        number = self.fmt(num_format=self.formats.number)
        bold = self.fmt(num_format=self.formats.number, bold=True, bg_color="#D9E1F2")
        percent = self.fmt(num_format=self.formats.percent, bold=True, bg_color="#D9E1F2")
        totals = {layout.row_of("total"), layout.row_of("index"), layout.row_of("class")}
        index_row = layout.row_of("index")
        for (row, col), cell in cells.items():
            fmt = (
                None
                if col in HIDDEN
                else (percent if row == index_row else bold)
                if row in totals
                else number
            )
            if col == APPLIES:
                fmt = self.fmt(align="center")
            value = float(cell.value) if isinstance(cell.value, Decimal) else cell.value
            sheet.write_formula(row, col, "=" + cell.text, fmt, value)

    def finish(self, sheet: Any, layout: FormPlan, rounds: bool) -> None:
        first, last = layout.first, layout.last
        grey = self.workbook.add_format({"font_color": "#808080", "italic": True})
        sheet.conditional_format(
            first, CODE, last, DOC_ID,
            {"type": "formula", "criteria": f'=${"F"}{first + 1}="không"', "format": grey},
        )  # fmt: skip
        sheet.freeze_panes(HEADER_ROW + 1, TITLE + 1)
        sheet.protect("", {"insert_rows": True, "format_columns": True, "format_rows": True})
        sheet.set_landscape()
        sheet.set_paper(9)
        sheet.set_print_scale(_PRINT_SCALE)
        sheet.set_margins(left=0.4, right=0.4)
        sheet.repeat_rows(HEADER_ROW)
        sheet.repeat_columns(CODE, TITLE)
        runs = _RUNS if rounds else (_RUNS[0], _RUNS[2])
        tops = (0, *[HEADER_ROW + 1] * (len(runs) - 1))  # the title block leads the first run only
        name = quote_sheetname(sheet.name)
        area = ",".join(
            f"{name}!{xl_range_abs(top, a, last, b)}"
            for top, (a, b) in zip(tops, runs, strict=True)
        )
        self.workbook.define_name(f"{name}!_xlnm.Print_Area", "=" + area)


def _points(value: Decimal) -> str:
    from parindex.report import format_points

    return format_points(value)


def _sheet_names(submissions: Sequence[Submission]) -> list[str]:
    from parindex.excel import _sheet_name

    taken = {META_SHEET.casefold(), LISTS_SHEET.casefold()}
    return [_sheet_name(s.unit.name or "Đơn vị", taken) for s in submissions]


def write_form(
    criteria: CriteriaSet,
    submissions: Iterable[Submission],
    path: str | Path,
    *,
    language: str = "vi",
    key: bytes | None = None,
    appraisal: bool = False,
) -> Path:
    """Write the self-assessment form: one sheet per submission, prefilled from it, or one
    blank sheet when ``submissions`` is empty. Returns the path (``.xlsx``).

    A unit's form (the default) shows the appraisal rounds but keeps them locked, and the
    import refuses any change there: appraised scores come only from the appraisers' form
    (``appraisal=True``), where the round cells are open."""
    target = Path(path)
    if target.suffix.lower() != ".xlsx":
        raise ValueError(f"tệp Excel phải có đuôi .xlsx: {target}")
    units = list(submissions) or [blank_submission(criteria)]
    for unit in units:
        later = [a.round for a in unit.appraisals if a.round > 2]
        if later:
            raise ValueError(
                f"biểu mẫu có vòng thẩm định 1 và 2; hồ sơ {unit.unit.id} có vòng {later}"
            )
    target.parent.mkdir(parents=True, exist_ok=True)
    workbook = xlsxwriter.Workbook(
        str(target),
        {"strings_to_formulas": False, "strings_to_urls": False, "strings_to_numbers": False},
    )
    writer = _Writer(workbook, criteria, language, appraisal)
    names = _sheet_names(units)
    for name, unit in zip(names, units, strict=True):
        writer.sheet(name, unit)
    writer.write_lists()
    opened = 2 if appraisal else 0  # signed: the rounds this form accepts
    meta = [MetaUnit(name, unit, opened) for name, unit in zip(names, units, strict=True)]
    write_meta(workbook, writer.formats, criteria, meta, key, format_id=FORM_FORMAT)
    workbook.close()
    return target

"""Excel score sheets: the "Bảng tổng hợp kết quả tự đánh giá, chấm điểm" of one or many units.

:func:`export_unit` writes one unit's sheet, :func:`export_workbook` many units with a
ranked summary and the appraisal findings; :func:`parindex.excel_import.import_workbook`
reads a filled sheet back into submissions. The layout is in ``docs/excel.md``.

What the sheet guarantees:

* **Live formulas with stored results.** Parent rows, the totals and the index are
  formulas, so an appraiser who edits a score sees the totals move; every formula
  also carries the value it computes, so a viewer that does not recalculate (a phone
  preview, ``openpyxl`` with ``data_only=True``, ``pandas.read_excel``) shows the
  totals too. The formulas follow the engine exactly: the computed column aggregates
  like :func:`parindex.score`, the self and appraised columns like
  :func:`parindex.review` (a score given at a criterion's level counts for the whole
  criterion; a criterion the appraisal does not re-score keeps the unit's score).
  Stored results come from evaluating the same formulas here, exactly, in decimals;
  the tests check them against the engine and against LibreOffice's recalculation.
* **Text stays text.** Everything read from a criteria file or a submission is written
  with ``write_string``; text that starts with ``= + - @``, a tab or a carriage return
  also gets Excel's quote prefix, so editing the cell can never turn it into a formula.
* **Only scores and notes are editable**: the sheet is protected (no password unless
  one is given), score cells are validated between 0 and the maximum, and a hidden
  sheet records the criteria set id, its hash and each unit's submission.
"""

from __future__ import annotations

import datetime as dt
import gc
import json
import math
import re
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from importlib.metadata import version
from pathlib import Path
from typing import Any

import xlsxwriter
from xlsxwriter.utility import quote_sheetname, xl_cell_to_rowcol, xl_rowcol_to_cell
from xlsxwriter.worksheet import Worksheet

from parindex.backends.excel import Arith as _Arith
from parindex.backends.excel import Fn as _Call
from parindex.backends.excel import Formula, Neg, render
from parindex.backends.excel import IfAny as _IfAny
from parindex.backends.excel import IfBlank as _IfBlank
from parindex.backends.excel import Num as _Num
from parindex.backends.excel import Ref as _Ref
from parindex.backends.excel import Round as _Round
from parindex.criteria import Aggregation, CriteriaSet, SurveyRule
from parindex.errors import ProblemsError
from parindex.numbers import format_date, format_decimal
from parindex.report import NodeResult, ScoreReport, Status, format_points
from parindex.review import SEVERITY_VI, Review, review
from parindex.submission import CheckedSubmission, Document, Submission, check_submission

__all__ = [
    "FORMAT_ID",
    "HEADERS",
    "META_SHEET",
    "SheetLayout",
    "SheetRow",
    "WorkbookError",
    "appraised_as_of",
    "export_unit",
    "export_workbook",
    "last_round",
    "layout",
    "ranks",
    "safe_text",
]

FORMAT_ID = "parindex.workbook/1"
"""Recorded in the hidden sheet; the importer refuses other layouts."""
META_SHEET = "_parindex"
SUMMARY_SHEET = "Tổng hợp"
FINDINGS_SHEET = "Phát hiện thẩm định"
TOTAL_TITLE = "TỔNG ĐIỂM"
INDEX_TITLE = "CHỈ SỐ (%)"

# Columns of a unit's sheet, in order (0-based indices).
CODE, TITLE, MAX, INPUTS, RULE, EVIDENCE, SELF, COMPUTED, APPRAISED, DIFF, UNIT_NOTE, NOTE = range(
    12
)
HEADERS: tuple[str, ...] = (
    "STT",
    "Lĩnh vực / Tiêu chí / Tiêu chí thành phần",
    "Điểm tối đa",
    "Số liệu kê khai",
    "Cách tính điểm",
    "Yêu cầu và TLKC",
    "Điểm tự đánh giá",
    "Điểm theo quy tắc",
    "Điểm thẩm định",
    "Chênh lệch (thẩm định − tự đánh giá)",
    "Ghi chú của đơn vị",
    "Ghi chú của thẩm định",
)
_WIDTHS = (8, 40, 8.5, 28, 30, 30, 10, 10, 10, 10.5, 24, 24)
_WRAPPED = {TITLE, INPUTS, RULE, EVIDENCE, UNIT_NOTE, NOTE}
HEADER_ROW = 4
"""0-based row of the column headers; the title block is above it."""

_FONT = "Times New Roman"  # the Vietnamese administrative standard; every viewer has its glyphs
_VI = "[$-42A]"  # Vietnamese locale tag: LibreOffice shows the decimal comma whatever its locale
_CLEAN = 9  # sums are rounded to 9 places in formulas: removes binary noise, never a real digit
_DANGEROUS = ("=", "+", "-", "@", "\t", "\r")
_MAX_CELL_TEXT = 32_767
_INVALID_SHEET_CHARS = re.compile(r"[\[\]:*?/\\]")


class WorkbookError(ProblemsError):
    """A filled workbook cannot be imported; ``problems`` names sheet, cell and criterion."""

    title_vi = "Bảng điểm Excel không nhập được"
    title_en = "The workbook cannot be imported"


def safe_text(text: str) -> bool:
    """True when ``text`` would be read as a formula if typed into a cell (``=``, ``+``, ``-``,
    ``@``, tab, carriage return first): such text is written with Excel's quote prefix."""
    return text.startswith(_DANGEROUS)


# --- formulas: the backend's formula tree (rendered there), evaluated here ----------------------

_Expr = Formula
_Cell = Decimal | None | _Expr  # a constant, a blank, or a formula


class _Evaluator:
    """Evaluates formulas as a spreadsheet does, in exact decimals.

    Blank cells are ignored by SUM, MAX and MIN (MAX and MIN of nothing are 0), count as
    0 in arithmetic, and equal ``""``; a formula cell is never blank.
    """

    def __init__(self, cells: Mapping[tuple[int, int], _Cell]) -> None:
        self.cells = cells
        self.memo: dict[tuple[int, int], Decimal] = {}
        self.shared: dict[int, Decimal | None] = {}  # by id: expressions are shared and immutable

    def cell(self, row: int, col: int) -> Decimal | None:
        content = self.cells.get((row, col))
        if content is None or isinstance(content, Decimal):
            return content
        key = (row, col)
        if key not in self.memo:
            self.memo[key] = self.value(content)
        return self.memo[key]

    def value(self, expr: _Expr) -> Decimal:
        result = self.evaluate(expr)
        return Decimal(0) if result is None else result

    def evaluate(self, expr: _Expr) -> Decimal | None:
        if isinstance(expr, _Ref):
            return self.cell(expr.row, expr.col)
        if isinstance(expr, _Num):
            return expr.value
        key = id(expr)
        if key not in self.shared:
            self.shared[key] = self.compute(expr)
        return self.shared[key]

    def compute(self, expr: _Expr) -> Decimal | None:
        if isinstance(expr, _Call):
            values = [v for v in (self.evaluate(a) for a in expr.args) if v is not None]
            if expr.name == "SUM":
                return sum(values, Decimal(0))
            if not values:
                return Decimal(0)
            return max(values) if expr.name == "MAX" else min(values)
        if isinstance(expr, _Round):
            step = Decimal(1).scaleb(-expr.places)
            return self.value(expr.arg).quantize(step, rounding=ROUND_HALF_UP)
        if isinstance(expr, _IfBlank):
            blank = self.evaluate(expr.ref) is None
            return self.evaluate(expr.then if blank else expr.otherwise)
        if isinstance(expr, _IfAny):
            entered = any(self.evaluate(r) is not None for r in expr.refs)
            return self.evaluate(expr.then if entered else expr.otherwise)
        if isinstance(expr, Neg):
            return -self.value(expr.arg)
        if not isinstance(expr, _Arith):
            raise TypeError(f"not a score sheet formula: {expr!r}")
        left, right = self.value(expr.left), self.value(expr.right)
        if expr.op == "+":
            return left + right
        if expr.op == "-":
            return left - right
        if expr.op == "*":
            return left * right
        return left / right


# --- the layout of one unit's sheet ------------------------------------------------------------


@dataclass(frozen=True)
class SheetRow:
    """One criteria row of a unit's sheet.

    ``entry`` rows take scores and notes: every leaf, and a parent the unit or an
    appraiser scored at its own level. Other parents hold formulas.
    """

    row: int
    result: NodeResult
    title: str
    entry: bool
    applicable: bool
    survey: bool
    counted: bool
    aggregation: Aggregation
    leaf: bool
    children: tuple[str, ...]
    """Applicable children, in order (none for a leaf, nor for a parent none of whose parts
    applies while it itself does — the engine then scores it 0 of 0)."""
    below: tuple[str, ...]
    """Every descendant, applicable or not, in tree order."""

    @property
    def code(self) -> str:
        return self.result.code


@dataclass(frozen=True)
class SheetLayout:
    """Where everything is on one unit's sheet (0-based rows), derived from the set, the
    unit's score report and its submission; import derives the same layout to check a sheet."""

    rows: tuple[SheetRow, ...]
    round: int
    areas: tuple[str, ...]
    """Applicable areas."""
    max_points: Decimal
    """The unit's applicable maximum; no index when it is 0 (nothing applies)."""
    by_code: Mapping[str, SheetRow] = field(default_factory=dict)

    @property
    def first_row(self) -> int:
        return HEADER_ROW + 1

    @property
    def total_row(self) -> int:
        return self.first_row + len(self.rows)

    @property
    def index_row(self) -> int:
        return self.total_row + 1

    def headers(self) -> tuple[str, ...]:
        return (*HEADERS[:APPRAISED], f"Điểm thẩm định (vòng {self.round})", *HEADERS[DIFF:])


def _display_title(result: NodeResult) -> str:
    """A node's title as the sheet shows it: areas in upper case."""
    return result.title.upper() if result.kind == "area" else result.title


def last_round(submission: Submission) -> int:
    """The round a sheet shows by default: the last appraisal round, or 1 before any."""
    return max((a.round for a in submission.appraisals), default=1)


def layout(
    criteria: CriteriaSet, report: ScoreReport, submission: Submission, round: int
) -> SheetLayout:
    """The rows of a unit's sheet showing appraisal ``round``."""
    compiled = criteria.compiled
    scored_here = set(submission.self_scores) | {
        code for appraisal in submission.appraisals for code in appraisal.scores
    }
    survey = {n.code for n in criteria.walk() if isinstance(n.rule, SurveyRule)}
    nodes = report.nodes
    rows = []
    for position, result in enumerate(nodes):
        compiled_node = compiled.nodes[result.code]
        end = position + 1
        while end < len(nodes) and nodes[end].depth > result.depth:
            end += 1
        below = nodes[position + 1 : end]
        children = tuple(
            c.code for c in below if c.parent == result.code and c.status != Status.NOT_APPLICABLE
        )
        leaf = compiled_node.node.is_leaf
        rows.append(
            SheetRow(
                row=HEADER_ROW + 1 + position,
                result=result,
                title=_display_title(result),
                entry=leaf or result.code in scored_here,
                applicable=result.status != Status.NOT_APPLICABLE,
                survey=result.code in survey,
                counted=compiled_node.counts_in_max,
                aggregation=compiled_node.node.aggregation,
                leaf=leaf,
                children=() if leaf else children,
                below=tuple(c.code for c in below),
            )
        )
    by_code = {r.code: r for r in rows}
    areas = tuple(r.code for r in rows if r.result.parent is None and r.applicable)
    return SheetLayout(
        rows=tuple(rows),
        round=round,
        areas=areas,
        max_points=report.max_points,
        by_code=by_code,
    )


# --- the formulas of a unit's sheet --------------------------------------------------------------


class _Formulas:
    """Builds every cell of the score columns: constants, blanks and formulas.

    Rows are visited children first, so each row's expressions are built once from its
    children's and shared (expressions are immutable).
    """

    def __init__(self, sheet: SheetLayout) -> None:
        self.sheet = sheet
        self.own: dict[str, _Expr] = {}
        """The unit's value of each applicable row: what the review's self column holds."""
        self.appraised: dict[str, _Expr] = {}
        """The appraised value of each applicable row, as the review resolves it."""

    def clamp(self, row: SheetRow, total: _Expr) -> _Expr:
        """``MAX(0, MIN(total, max))`` like the engine and the review cap a sum."""
        return _Call("MAX", (_Num(Decimal(0)), _Call("MIN", (total, _Ref(row.row, MAX)))))

    def aggregate(self, row: SheetRow, parts: tuple[_Expr, ...], computed: bool) -> _Expr:
        if row.aggregation == Aggregation.MAX:
            best = _Call("MAX", parts)
            return self.clamp(row, best) if computed else best
        return self.clamp(row, _Round(_Call("SUM", parts), _CLEAN))

    def maximum(self, row: SheetRow) -> _Cell:
        if not row.applicable or row.leaf:
            return row.result.declared_max
        if not row.children:
            return row.result.max_points
        by_code = self.sheet.by_code
        counted = tuple(_Ref(by_code[c].row, MAX) for c in row.children if by_code[c].counted)
        if row.aggregation == Aggregation.MAX:
            return _Call("MAX", counted)
        total = _Round(_Call("SUM", counted), _CLEAN)
        if row.aggregation == Aggregation.CAPPED_SUM:
            return _Call("MIN", (total, _Num(row.result.declared_max)))
        return total

    def computed(self, row: SheetRow) -> _Cell:
        if not row.children or row.result.points is None:
            return row.result.points
        parts = tuple(_Ref(self.sheet.by_code[c].row, COMPUTED) for c in row.children)
        return self.aggregate(row, parts, True)

    def visit(self, row: SheetRow, cells: dict[tuple[int, int], _Cell]) -> None:
        """Build a row's self and appraised expressions (its children's are built)."""
        at = row.row
        self_cell, appraised_cell = _Ref(at, SELF), _Ref(at, APPRAISED)
        parts: tuple[_Expr, _Expr] | None = None
        if row.children:
            parts = (
                self.aggregate(row, tuple(self.own[c] for c in row.children), False),
                self.aggregate(row, tuple(self.appraised[c] for c in row.children), False),
            )
        if not row.entry:  # a parent whose cells hold the aggregates (blank if it has none)
            cells[at, SELF], cells[at, APPRAISED] = parts or (None, None)
            self.own[row.code], self.appraised[row.code] = self_cell, appraised_cell
            return
        own: _Expr = self_cell
        if row.survey and row.result.points is not None:
            own = _Ref(at, COMPUTED)  # the survey result replaces any self-score
        elif parts is not None:
            own = _IfBlank(self_cell, parts[0], self_cell)  # scored at this level, or not
        appraised = own
        if parts is not None:
            # An appraisal that scores nothing under this row keeps the unit's score for it;
            # a survey result below counts as scored (as in the review).
            appraised = parts[1]
            below = [self.sheet.by_code[c] for c in row.below]
            if not any(d.survey and d.applicable and d.result.points is not None for d in below):
                entries = tuple(_Ref(d.row, APPRAISED) for d in below if d.entry)
                appraised = _IfAny(entries, parts[1], own) if entries else own
        self.own[row.code] = own
        self.appraised[row.code] = _IfBlank(appraised_cell, appraised, appraised_cell)

    def cells(
        self, self_scores: Mapping[str, Decimal], appraised: Mapping[str, Decimal]
    ) -> dict[tuple[int, int], _Cell]:
        cells: dict[tuple[int, int], _Cell] = {}
        for row in reversed(self.sheet.rows):
            at = row.row
            cells[at, MAX] = self.maximum(row)
            if row.entry:
                cells[at, SELF] = self_scores.get(row.code)
                cells[at, APPRAISED] = appraised.get(row.code)
            if not row.applicable:
                cells[at, COMPUTED] = None
                continue
            cells[at, COMPUTED] = self.computed(row)
            self.visit(row, cells)
            cells[at, DIFF] = _Arith("-", self.appraised[row.code], self.own[row.code])
        total, index = self.sheet.total_row, self.sheet.index_row
        areas = [self.sheet.by_code[a] for a in self.sheet.areas]
        cells[total, MAX] = _Round(_Call("SUM", tuple(_Ref(a.row, MAX) for a in areas)), _CLEAN)
        cells[total, SELF] = _Round(_Call("SUM", tuple(self.own[a.code] for a in areas)), _CLEAN)
        computed_sum = _Round(_Call("SUM", tuple(_Ref(a.row, COMPUTED) for a in areas)), _CLEAN)
        cells[total, COMPUTED] = _Call(
            "MAX", (_Num(Decimal(0)), _Call("MIN", (computed_sum, _Ref(total, MAX))))
        )
        cells[total, APPRAISED] = _Round(
            _Call("SUM", tuple(self.appraised[a.code] for a in areas)), _CLEAN
        )
        cells[total, DIFF] = _Arith("-", _Ref(total, APPRAISED), _Ref(total, SELF))
        if self.sheet.max_points:
            hundred = _Num(Decimal(100))
            for col in (SELF, COMPUTED, APPRAISED):
                share = _Arith("/", _Arith("*", _Ref(total, col), hundred), _Ref(total, MAX))
                cells[index, col] = _Round(share, 2)
            cells[index, DIFF] = _Arith("-", _Ref(index, APPRAISED), _Ref(index, SELF))
        return cells


class _Worksheet(Worksheet):  # type: ignore[misc]
    """A worksheet that writes our formulas as they are.

    XlsxWriter runs some thirty regular expressions over every formula to add the
    ``_xlfn.`` prefix of functions newer than Excel 2007; ours use SUM, MAX, MIN, ROUND,
    IF and COUNT only, and skipping it saves a quarter of the time to write a 250-unit
    workbook (``benchmarks/excel.py``).
    """

    def _prepare_formula(self, formula: str, expand_future_functions: bool = False) -> str:
        return formula[1:] if formula.startswith("=") else formula


# --- formats ---------------------------------------------------------------------------------


class _Formats:
    """XlsxWriter formats, created once per distinct set of properties."""

    def __init__(self, workbook: Any, places: int) -> None:
        self.workbook = workbook
        self.cache: dict[tuple[tuple[str, Any], ...], Any] = {}
        self.properties: dict[int, dict[str, Any]] = {}
        self.quoted_cache: dict[int, Any] = {}
        self.rows: dict[tuple[bool, bool, bool, int, bool], dict[int, Any]] = {}
        decimals = "0." + "0" * places if places else "0"
        self.number = f"{_VI}{decimals}"
        self.provisional = f'{_VI}{decimals}"*"'
        self.signed = f'{_VI}+{decimals};[Red]-{decimals};""'
        self.percent = f"{_VI}0.00"

    def get(self, **properties: Any) -> Any:
        merged = {"font_name": _FONT, "font_size": 11, "valign": "top", **properties}
        key = tuple(sorted(merged.items()))
        if key not in self.cache:
            made = self.workbook.add_format(merged)
            self.cache[key] = made
            self.properties[id(made)] = merged
        return self.cache[key]

    def quoted(self, fmt: Any) -> Any:
        """The same format with Excel's quote prefix (the cell stays text when edited)."""
        if id(fmt) not in self.quoted_cache:
            self.quoted_cache[id(fmt)] = self.get(**self.properties[id(fmt)], quote_prefix=True)
        return self.quoted_cache[id(fmt)]

    def row(self, row: SheetRow) -> dict[int, Any]:
        """The format of each column of a criteria row, by the row's style."""
        result = row.result
        area = result.kind == "area" and result.parent is None
        key = (area, row.applicable, result.provisional, min(result.depth, 4), row.entry)
        if key in self.rows:
            return self.rows[key]
        style: dict[str, Any] = {"border": 1, "text_wrap": True}
        if area:
            style.update(bold=True, bg_color="#DDEBF7")
        if not row.applicable:
            style.update(font_color="#7F7F7F", bg_color="#EDEDED", italic=True)
        entry = {"locked": False, "bg_color": "#FFF2CC" if row.applicable else "#EDEDED"}
        number = dict(style, text_wrap=False, num_format=self.number)
        entries = dict(number, **entry) if row.entry else number
        notes = dict(style, font_size=10, **(entry if row.entry else {}))
        maximum = self.provisional if result.provisional else self.number
        formats = {
            CODE: self.get(**style),
            TITLE: self.get(**style, indent=key[3]),
            MAX: self.get(**dict(number, num_format=maximum)),
            SELF: self.get(**entries),
            COMPUTED: self.get(**number),
            APPRAISED: self.get(**entries),
            DIFF: self.get(**dict(number, num_format=self.signed)),
            UNIT_NOTE: self.get(**notes),
            NOTE: self.get(**notes),
        }
        for col in (INPUTS, RULE, EVIDENCE):
            formats[col] = self.get(**style, font_size=10)
        self.rows[key] = formats
        return formats


def _text(sheet: Any, row: int, col: int, text: str, fmt: Any, formats: _Formats) -> None:
    """Write text from a file as text: never a formula, quote-prefixed if it looks like one."""
    if len(text) > _MAX_CELL_TEXT:
        text = text[: _MAX_CELL_TEXT - 1] + "…"
    sheet.write_string(row, col, text, formats.quoted(fmt) if safe_text(text) else fmt)


def _write_text(sheet: Any, row: int, col: int, text: str, formats: _Formats, **style: Any) -> None:
    _text(sheet, row, col, text, formats.get(**style), formats)


def _number(value: Decimal) -> float:
    """A decimal as the cell number: points have few digits, so the float is exact to repr."""
    return float(value)


# --- text of the descriptive columns --------------------------------------------------------------


def _evidence_text(result: NodeResult, documents: Sequence[Document]) -> str:
    lines = []
    if result.evidence_expected:
        lines.append("Yêu cầu: " + "; ".join(result.evidence_expected))
    cited = [d for d in documents if result.code in d.supports]
    lines += [d.describe() for d in cited]
    if result.evidence_missing:
        lines.append("Chưa có TLKC")
    return "\n".join(lines)


def _rule_text(row: SheetRow) -> str:
    result = row.result
    lines = [result.rule_text] if result.rule_text else []
    if not row.applicable:
        lines.append(result.explanation)
    elif row.children:
        if row.aggregation == Aggregation.MAX:
            lines.append("Lấy điểm cao nhất trong các nội dung (chỉ tính một mức)")
        elif row.aggregation == Aggregation.CAPPED_SUM:
            lines.append(f"Tổng các nội dung, tối đa {format_points(result.declared_max)} điểm")
    else:
        lines.append("→ " + result.explanation)
    return "\n".join(lines)


def _inputs_text(result: NodeResult) -> str:
    return "\n".join(f"{i.label}: {i.display}" for i in result.inputs)


def _lines(text: str, width: float, size: int = 11) -> int:
    """Lines a wrapped text takes in a column (estimate, for row heights set in the file:
    viewers that do not fit rows themselves still show whole cells)."""
    per_line = max(1, int(width * (1.55 if size <= 10 else 1.3)))
    return sum(max(1, math.ceil(len(part) / per_line)) for part in text.split("\n"))


# --- one unit's sheet ----------------------------------------------------------------------------


@dataclass(frozen=True)
class _Unit:
    submission: Submission
    review: Review
    sheet_name: str
    layout: SheetLayout
    cells: Mapping[tuple[int, int], _Cell]
    evaluator: _Evaluator

    @property
    def report(self) -> ScoreReport:
        return self.review.report


def _sheet_values(
    grid: SheetLayout, submission: Submission
) -> tuple[dict[tuple[int, int], _Cell], _Evaluator]:
    """Every score cell of a unit's sheet (constants and formulas) and their evaluator."""
    cells = _Formulas(grid).cells(
        {c: s.points for c, s in submission.self_scores.items()},
        {c: p for c, (p, _) in appraised_as_of(submission, grid.round).items()},
    )
    return cells, _Evaluator(cells)


def _sheet_name(name: str, taken: set[str]) -> str:
    """A valid, unique sheet name (31 characters, no ``[]:*?/\\``, not the reserved ones)."""
    base = _INVALID_SHEET_CHARS.sub(" ", name).strip().strip("'") or "Đơn vị"
    base = base[:31]
    candidate, counter = base, 2
    while candidate.casefold() in taken:
        suffix = f" ({counter})"
        candidate = base[: 31 - len(suffix)] + suffix
        counter += 1
    taken.add(candidate.casefold())
    return candidate


def appraised_as_of(submission: Submission, round: int) -> dict[str, tuple[Decimal, str | None]]:
    """Each criterion's appraised score and note as of ``round``: the last round up to it
    that scored the criterion (what the review takes as final after that round)."""
    scores: dict[str, tuple[Decimal, str | None]] = {}
    for appraisal in sorted(submission.appraisals, key=lambda a: a.round):
        if appraisal.round <= round:
            scores.update({c: (s.points, s.note) for c, s in appraisal.scores.items()})
    return scores


def _write_unit(
    workbook: Any, formats: _Formats, unit: _Unit, criteria: CriteriaSet, password: str
) -> None:
    sheet = workbook.add_worksheet(unit.sheet_name, _Worksheet)
    submission, grid = unit.submission, unit.layout
    appraised = appraised_as_of(submission, grid.round)
    cells, evaluator = unit.cells, unit.evaluator

    for col, width in enumerate(_WIDTHS):
        sheet.set_column(col, col, width)
    last = len(HEADERS) - 1
    title = formats.get(bold=True, font_size=13, align="center", valign="vcenter", text_wrap=True)
    sheet.merge_range(0, 0, 0, last, "", title)
    sheet.write_string(
        0,
        0,
        "BẢNG TỔNG HỢP KẾT QUẢ TỰ ĐÁNH GIÁ, CHẤM ĐIỂM CÁC TIÊU CHÍ, TIÊU CHÍ THÀNH PHẦN",
        title,
    )
    sheet.set_row(0, 22)
    flags = " — DỮ LIỆU MẪU" if submission.sample else ""
    flags += " — ĐƠN VỊ TỔNG HỢP (SINH TỰ ĐỘNG)" if submission.synthetic else ""
    info = formats.get(text_wrap=True, valign="vcenter")
    for at, text in enumerate(_header_lines(unit, criteria, flags), start=1):
        sheet.merge_range(at, 0, at, last, "", info)
        _write_text(sheet, at, 0, text, formats, text_wrap=True, valign="vcenter")
        sheet.set_row(at, 15 * _lines(text, sum(_WIDTHS)))
    head = formats.get(
        bold=True, align="center", valign="vcenter", text_wrap=True, border=1, bg_color="#D9E1F2"
    )
    for col, text in enumerate(grid.headers()):
        sheet.write_string(HEADER_ROW, col, text, head)
    sheet.set_row(HEADER_ROW, 45)

    documents = submission.all_documents()
    validations: dict[Decimal, list[str]] = {}
    for row in grid.rows:
        _write_row(sheet, formats, row, cells, evaluator, documents, appraised, submission)
        if row.entry:
            cells_here = [xl_rowcol_to_cell(row.row, c) for c in (SELF, APPRAISED)]
            validations.setdefault(row.result.declared_max, []).extend(cells_here)
    _write_totals(sheet, formats, grid, cells, evaluator)
    for top, refs in validations.items():
        _validate(sheet, refs, top)

    sheet.freeze_panes(HEADER_ROW + 1, TITLE + 1)
    sheet.set_landscape()
    sheet.set_paper(9)  # A4
    sheet.fit_to_pages(1, 0)
    sheet.repeat_rows(HEADER_ROW)
    sheet.set_margins(left=0.4, right=0.4, top=0.6, bottom=0.6)
    sheet.center_horizontally()
    sheet.set_footer('&C&"Times New Roman"&9Trang &P/&N')
    sheet.protect(
        password,
        {"format_columns": True, "format_rows": True, "select_locked_cells": True},
    )


def _header_lines(unit: _Unit, criteria: CriteriaSet, flags: str) -> list[str]:
    report, submission, grid = unit.report, unit.submission, unit.layout
    unit_line = (
        f"Đơn vị: {submission.unit.name} ({submission.unit.id}) — {criteria.title} — "
        f"năm {submission.year}{flags}"
    )
    appraisal = next((a for a in submission.appraisals if a.round == grid.round), None)
    if appraisal is None:
        round_line = f"Điểm thẩm định: vòng {grid.round} (chưa có điểm thẩm định)"
    else:
        details = [format_date(appraisal.date)] if appraisal.date else []
        details += [appraisal.appraiser] if appraisal.appraiser else []
        round_line = f"Điểm thẩm định: vòng {grid.round}" + (
            f" ({', '.join(details)})" if details else ""
        )
    if grid.round > 1:
        round_line += (
            f"; tiêu chí vòng {grid.round} không chấm lại giữ điểm thẩm định của vòng trước"
        )
    index = "?" if report.index is None else format_decimal(report.index, 2) + "%"
    computed = (
        f"Theo quy tắc: {format_points(report.total)}/{format_points(report.max_points)} "
        f"điểm, chỉ số {index}, {report.band or 'xếp loại chưa xác định'}"
    )
    if report.undetermined_points:
        computed += (
            f"; {format_points(report.undetermined_points)} điểm chưa xác định (thiếu số liệu)"
        )
    notes = (
        f"(*) {format_points(report.provisional_points)} trên {format_points(report.max_points)} "
        "điểm dựa trên giá trị tạm tính (chưa có nguồn chính thức), đánh dấu * ở cột Điểm tối "
        "đa. Dòng chữ xám: không áp dụng, không tính vào tổng. Chỉ nhập ở các ô nền vàng "
        "(điểm và ghi chú); điểm viết 0,5 hoặc 0.5."
    )
    return [unit_line, f"{round_line}. {computed}.", notes]


def _validate(sheet: Any, refs: list[str], top: Decimal) -> None:
    shown = format_points(top)
    first = refs[0]
    row, col = _cell_index(first)
    sheet.data_validation(
        row,
        col,
        row,
        col,
        {
            "validate": "decimal",
            "criteria": "between",
            "minimum": 0,
            "maximum": _number(top),
            "multi_range": " ".join(refs),
            "input_title": "Điểm",
            "input_message": f"Từ 0 đến {shown} (viết 0,5 hoặc 0.5)",
            "error_title": "Điểm không hợp lệ",
            "error_message": f"Điểm phải là một số từ 0 đến {shown}.",
            "error_type": "stop",
        },
    )


def _cell_index(ref: str) -> tuple[int, int]:
    row, col = xl_cell_to_rowcol(ref)
    return int(row), int(col)


def _write_row(
    sheet: Any,
    formats: _Formats,
    row: SheetRow,
    cells: Mapping[tuple[int, int], _Cell],
    evaluator: _Evaluator,
    documents: Sequence[Document],
    appraised: Mapping[str, tuple[Decimal, str | None]],
    submission: Submission,
) -> None:
    result = row.result
    at = row.row
    fmt = formats.row(row)
    _text(sheet, at, CODE, result.code, fmt[CODE], formats)
    _text(sheet, at, TITLE, row.title, fmt[TITLE], formats)
    texts = {
        INPUTS: _inputs_text(result),
        RULE: _rule_text(row),
        EVIDENCE: _evidence_text(result, documents),
    }
    for col, text in texts.items():
        _text(sheet, at, col, text, fmt[col], formats)
    for col in (MAX, SELF, COMPUTED, APPRAISED, DIFF):
        _write_cell(sheet, at, col, cells.get((at, col)), evaluator, fmt[col])
    explained = submission.self_scores.get(result.code)
    notes = {
        UNIT_NOTE: explained.explanation if explained else None,
        NOTE: appraised[result.code][1] if result.code in appraised else None,
    }
    for col, note in notes.items():
        if note:
            _text(sheet, at, col, note, fmt[col], formats)
        else:
            sheet.write_blank(at, col, None, fmt[col])
    heights = [
        _lines(text, _WIDTHS[col], 10) * 13.0
        for col, text in [*texts.items(), *notes.items()]
        if text
    ]
    heights.append(_lines(row.title, _WIDTHS[TITLE]) * 14.5)
    sheet.set_row(at, min(409, max([15.0, *heights])))


def _write_cell(
    sheet: Any, row: int, col: int, content: _Cell, evaluator: _Evaluator, fmt: Any
) -> None:
    if content is None:
        sheet.write_blank(row, col, None, fmt)
    elif isinstance(content, Decimal):
        sheet.write_number(row, col, _number(content), fmt)
    else:
        value = evaluator.cell(row, col)
        assert value is not None
        sheet.write_formula(row, col, "=" + render(content), fmt, _number(value))


def _write_totals(
    sheet: Any,
    formats: _Formats,
    grid: SheetLayout,
    cells: Mapping[tuple[int, int], _Cell],
    evaluator: _Evaluator,
) -> None:
    style = {"bold": True, "border": 1, "bg_color": "#D9E1F2"}
    for at, title, num in (
        (grid.total_row, TOTAL_TITLE, formats.number),
        (grid.index_row, INDEX_TITLE, formats.percent),
    ):
        sheet.write_blank(at, CODE, None, formats.get(**style))
        sheet.write_string(at, TITLE, title, formats.get(**style))
        for col in range(MAX, len(HEADERS)):
            content = cells.get((at, col))
            fmt = formats.get(**style, num_format=formats.signed if col == DIFF else num)
            _write_cell(sheet, at, col, content, evaluator, fmt)
        sheet.set_row(at, 18)


# --- the workbook ---------------------------------------------------------------------------------


def _prepare(
    criteria: CriteriaSet,
    submissions: Iterable[Submission | CheckedSubmission],
    round: int | None,
    taken: set[str],
) -> list[_Unit]:
    units = []
    for item in submissions:
        checked = item if isinstance(item, CheckedSubmission) else check_submission(criteria, item)
        submission = checked.submission
        result = review(criteria, checked)
        shown = round if round is not None else last_round(submission)
        name = _sheet_name(submission.unit.name, taken)
        grid = layout(criteria, result.report, submission, shown)
        cells, evaluator = _sheet_values(grid, submission)
        units.append(_Unit(submission, result, name, grid, cells, evaluator))
    return units


def _workbook(path: Path, criteria: CriteriaSet) -> tuple[Any, _Formats]:
    workbook = xlsxwriter.Workbook(
        str(path),
        {"strings_to_formulas": False, "strings_to_urls": False, "strings_to_numbers": False},
    )
    workbook.set_properties(
        {
            "title": "Bảng tổng hợp kết quả tự đánh giá, chấm điểm",
            "subject": criteria.title,
            "comments": f"parindex {version('parindex')} — {criteria.id}",
        }
    )
    places = max(0, -int(criteria.precision.normalize().as_tuple().exponent))
    return workbook, _Formats(workbook, places)


def _meta(workbook: Any, formats: _Formats, criteria: CriteriaSet, units: Sequence[_Unit]) -> None:
    """The hidden sheet: format, criteria id and hash, and each unit's sheet and submission."""
    sheet = workbook.add_worksheet(META_SHEET)
    text = formats.get()
    rows: list[tuple[str, str]] = [
        ("format", FORMAT_ID),
        ("criteria_id", criteria.id),
        ("criteria_digest", criteria.digest),
        ("criteria_title", criteria.title),
        ("parindex", version("parindex")),
        ("units", str(len(units))),
    ]
    for at, (key, value) in enumerate(rows):
        sheet.write_string(at, 0, key, text)
        _write_text(sheet, at, 1, value, formats)
    sheet.write_string(len(rows), 0, "exported", text)
    sheet.write_datetime(
        len(rows), 1, dt.datetime.now(), formats.get(num_format="dd/mm/yyyy hh:mm")
    )
    start = len(rows) + 2
    for col, head in enumerate(("unit", "sheet", "unit_id", "round", "submission (JSON) …")):
        sheet.write_string(start, col, head, text)
    for offset, unit in enumerate(units, start=1):
        at = start + offset
        sheet.write_string(at, 0, "unit", text)
        _write_text(sheet, at, 1, unit.sheet_name, formats)
        _write_text(sheet, at, 2, unit.submission.unit.id, formats)
        sheet.write_string(at, 3, str(unit.layout.round), text)
        for col, chunk in enumerate(_chunks(_submission_json(unit.submission)), start=4):
            _write_text(sheet, at, col, chunk, formats)
    sheet.protect("", {})
    sheet.hide()


def _submission_json(submission: Submission) -> str:
    """ASCII JSON with every ``_`` escaped, so no cell text looks like an OOXML ``_xHHHH_``."""
    text = json.dumps(submission.model_dump(mode="json"), ensure_ascii=True, separators=(",", ":"))
    return text.replace("_", "\\u005f")


def _chunks(text: str, size: int = 30_000) -> list[str]:
    return [text[i : i + size] for i in range(0, len(text), size)] or [""]


def _check_path(path: str | Path) -> Path:
    target = Path(path)
    if target.suffix.lower() != ".xlsx":
        raise ValueError(f"tệp Excel phải có đuôi .xlsx: {target}")
    target.parent.mkdir(parents=True, exist_ok=True)
    return target


def export_unit(
    criteria: CriteriaSet,
    submission: Submission | CheckedSubmission,
    path: str | Path,
    *,
    round: int | None = None,
    password: str | None = None,
) -> Path:
    """Write one unit's "Bảng tổng hợp" to ``path`` (``.xlsx``) and return the path.

    ``round`` picks the appraisal round shown in the "Điểm thẩm định" column (default:
    the unit's last round, or round 1 before any appraisal).

    >>> export_unit(criteria, load_submission("evidence/so-tnmt-mau-2023.yaml"),
    ...             "out/so-tnmt.xlsx")  # doctest: +SKIP
    """
    return export_workbook(
        criteria, [submission], path, round=round, password=password, summary=False
    )


def export_workbook(
    criteria: CriteriaSet,
    submissions: Iterable[Submission | CheckedSubmission],
    path: str | Path,
    *,
    round: int | None = None,
    password: str | None = None,
    summary: bool = True,
) -> Path:
    """Write many units to one workbook: a ranked summary, one sheet per unit, the findings.

    Units are ranked within their group (their level unless the submission names a
    group) by the index the rules compute; equal indices share a rank. With
    ``summary=False`` only the units' sheets are written (what :func:`export_unit` does).
    Sheets are protected without a password unless ``password`` is given.
    """
    target = _check_path(path)
    taken = {name.casefold() for name in (SUMMARY_SHEET, FINDINGS_SHEET, META_SHEET)}
    with _collector_paused():
        units = _prepare(criteria, submissions, round, taken)
        if not units:
            raise ValueError("cần ít nhất một hồ sơ để xuất bảng điểm")
        workbook, formats = _workbook(target, criteria)
        if summary:
            _write_summary(workbook, formats, criteria, units)
        for unit in units:
            _write_unit(workbook, formats, unit, criteria, password or "")
        if summary:
            _write_findings(workbook, formats, units)
        _meta(workbook, formats, criteria, units)
        workbook.close()
    return target


@contextmanager
def _collector_paused() -> Iterator[None]:
    """Pause Python's cyclic garbage collector while a workbook is built.

    XlsxWriter keeps every cell until it saves, and the reports and formulas add some
    million objects: the collector would traverse them again and again (a 250-unit
    workbook took 40 % longer). Reference counting still frees everything that is not
    in a cycle; the collector resumes, as it was, when the workbook is written.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


# --- the summary and findings sheets ----------------------------------------------------------


def _group(unit: _Unit) -> str:
    return unit.submission.unit.group or unit.submission.unit.level.value


def ranks(indices: Sequence[tuple[str, Decimal | None]]) -> list[int | None]:
    """Ranks within each group, as everywhere: :func:`parindex.ranking.competition_ranks`."""
    from parindex.ranking import competition_ranks

    return competition_ranks(indices)


def _write_summary(
    workbook: Any, formats: _Formats, criteria: CriteriaSet, units: Sequence[_Unit]
) -> None:
    sheet = workbook.add_worksheet(SUMMARY_SHEET, _Worksheet)
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
    _write_text(sheet, 1, 0, criteria.title, formats)
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
        _write_text(sheet, head_row, col, text, formats, **head)
    sheet.set_row(head_row, 60)
    cell = formats.get(border=1)
    number = formats.get(border=1, num_format=formats.number)
    percent = formats.get(border=1, num_format=formats.percent)
    first = head_row + 1
    for offset, i in enumerate(order):
        unit, at = units[i], first + offset
        report = unit.report
        _write_text(sheet, at, 0, keyed[i][0], formats, border=1)
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
        _write_text(sheet, at, 3, unit.submission.unit.id, formats, border=1)
        sheet.write_number(at, 4, _number(report.total), number)
        sheet.write_number(at, 5, _number(report.max_points), number)
        if report.index is None:
            sheet.write_blank(at, 6, None, percent)
        else:
            sheet.write_number(at, 6, _number(report.index), percent)
        _write_text(sheet, at, 7, report.band or "chưa xác định", formats, border=1)
        sheet.write_number(at, 8, _number(report.undetermined_points), number)
        sheet.write_number(at, 9, _number(report.provisional_points), number)
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
            sheet.write_formula(at, col, target, percent, _number(value))
        for col, area in enumerate(areas, start=12):
            node = report.node(area.code)
            if node.status == Status.NOT_APPLICABLE or node.points is None or not node.max_points:
                sheet.write_blank(at, col, None, percent)
                continue
            share = (node.points * 100 / node.max_points).quantize(Decimal("0.01"), ROUND_HALF_UP)
            sheet.write_number(at, col, _number(share), percent)
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


def _write_findings(workbook: Any, formats: _Formats, units: Sequence[_Unit]) -> None:
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
                _write_text(sheet, at, col, text, formats, border=1, text_wrap=True)
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
                    sheet.write_number(at, col, _number(value), number)
            _write_text(
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

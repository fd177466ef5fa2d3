"""Progress during the year: a plan checked against a unit's submission on a given day.

For each task: is its product there as evidence (a document, dated on or before the day,
that supports one of the criteria the task serves, or whose title names the product),
has its deadline passed undone, does it fall due within ``within`` days. For each target:
does the unit's figure (the target's ``figure`` over the submission's values) meet it,
for every value the source states. Points at risk: the applicable maximum of the criteria
served by tasks overdue or due soon and undone, each criterion counted once.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from enum import StrEnum

from parindex.criteria import CriteriaSet, UnitLevel
from parindex.deadlines import Deadline
from parindex.plans import Plan, Statement, Target, Task
from parindex.report import ScoreReport
from parindex.submission import Document, Submission

__all__ = ["Progress", "TargetCheck", "TaskCheck", "TaskState", "progress"]


class TaskState(StrEnum):
    DONE = "done"
    OVERDUE = "overdue"
    DUE_SOON = "due_soon"
    OPEN = "open"
    UNDATED = "undated"


STATE_VI = {
    TaskState.DONE: "đã có sản phẩm",
    TaskState.OVERDUE: "quá hạn, chưa có sản phẩm",
    TaskState.DUE_SOON: "sắp đến hạn",
    TaskState.OPEN: "chưa đến hạn",
    TaskState.UNDATED: "không có hạn cụ thể",
}
STATE_EN = {
    TaskState.DONE: "product in evidence",
    TaskState.OVERDUE: "overdue, no product",
    TaskState.DUE_SOON: "due soon",
    TaskState.OPEN: "not yet due",
    TaskState.UNDATED: "no fixed deadline",
}


@dataclass(frozen=True)
class TaskCheck:
    task: Task
    state: TaskState
    deadline: Deadline | None
    evidence: tuple[Document, ...] = ()
    points_at_risk: Decimal = Decimal(0)


@dataclass(frozen=True)
class TargetCheck:
    """A target against the unit's figure: ``met`` per stated value (``None``: no figure)."""

    target: Target
    figure: Decimal | None
    stated: tuple[tuple[Decimal, bool | None], ...] = ()
    reason: str = ""
    reason_en: str = ""


@dataclass(frozen=True)
class Progress:
    plan: Plan
    on: dt.date
    within: int
    tasks: list[TaskCheck] = field(default_factory=list)
    targets: list[TargetCheck] = field(default_factory=list)

    @property
    def points_at_risk(self) -> Decimal:
        return sum((t.points_at_risk for t in self.tasks), Decimal(0))

    def by_office(self) -> dict[str, list[TaskCheck]]:
        """Tasks under each office in charge (a task with two offices is under both)."""
        offices: dict[str, list[TaskCheck]] = {}
        for check in self.tasks:
            for office in check.task.in_charge:
                offices.setdefault(office, []).append(check)
        return offices

    def count(self, state: TaskState) -> int:
        return sum(1 for t in self.tasks if t.state is state)


def _words(text: str) -> str:
    return " ".join(text.casefold().replace(".", " ").replace(";", " ").split())


def _evidence(task: Task, documents: Sequence[Document], on: dt.date) -> tuple[Document, ...]:
    found = []
    # a product named in a document's title counts only when it says more than "Kế hoạch"
    products = [_words(p) for p in task.products if len(p.split()) >= 3]
    for document in documents:
        if document.date is not None and document.date > on:
            continue
        title = _words(f"{document.kind} {document.title}")
        if set(task.criteria) & set(document.supports) or any(p in title for p in products):
            found.append(document)
    return tuple(found)


def _state(deadline: Deadline | None, done: bool, on: dt.date, within: int) -> TaskState:
    if done:
        return TaskState.DONE
    if deadline is None or deadline.end is None:
        return TaskState.UNDATED
    if deadline.end < on:
        return TaskState.OVERDUE
    if (deadline.end - on).days <= within:
        return TaskState.DUE_SOON
    return TaskState.OPEN


def _at_risk(codes: Sequence[str], report: ScoreReport | None, counted: set[str]) -> Decimal:
    if report is None:
        return Decimal(0)
    by_code = {n.code: n for n in report.nodes}
    total = Decimal(0)
    for code in codes:
        node = by_code.get(code)
        if node is None or code in counted:
            continue
        ancestors = set()
        parent = node.parent
        while parent is not None:
            ancestors.add(parent)
            parent = by_code[parent].parent
        if ancestors & counted:
            continue
        counted.add(code)
        total += node.max_points
    return total


def _figure(target: Target, criteria: CriteriaSet | None, submission: Submission) -> TargetCheck:
    from parindex.errors import EvaluationError, ExpressionError
    from parindex.expressions import compile_expression, evaluate
    from parindex.submission import check_submission

    if target.figure is None or criteria is None:
        return _unmeasured(
            target, "chỉ tiêu không có cách tính từ số liệu", "the target has no figure to compute"
        )
    try:
        expr = compile_expression(target.figure, criteria.compiled.env)
    except ExpressionError as exc:
        return _unmeasured(target, f"{exc.message}: {exc.text}", f"{exc.message_en}: {exc.text}")
    values = check_submission(criteria, submission).values
    missing = ", ".join(sorted(expr.names - set(values)))
    if missing:
        return _unmeasured(target, f"thiếu số liệu: {missing}", f"missing inputs: {missing}")
    try:
        figure = evaluate(expr, values)
    except EvaluationError as exc:
        return _unmeasured(target, str(exc), str(exc))
    if not isinstance(figure, Decimal):
        return _unmeasured(target, "cách tính không cho một số", "the figure is not a number")
    level = UnitLevel(submission.unit.level) if submission.unit.level else None
    stated = []
    statements: list[Target | Statement] = [target, *target.also_stated]
    for statement in statements:
        value = statement.by_level.get(level) if level in statement.by_level else statement.value
        if value is not None:
            stated.append((value, _meets(figure, target.comparison, value)))
    return TargetCheck(target, figure, tuple(stated))


def _unmeasured(target: Target, reason: str, reason_en: str) -> TargetCheck:
    return TargetCheck(target, None, reason=reason, reason_en=reason_en)


def _meets(figure: Decimal, comparison: str, value: Decimal) -> bool:
    return {
        ">=": figure >= value,
        ">": figure > value,
        "<=": figure <= value,
        "<": figure < value,
        "=": figure == value,
    }[comparison]


def progress(
    plan: Plan,
    submission: Submission,
    on: dt.date,
    within: int = 30,
    criteria: CriteriaSet | None = None,
) -> Progress:
    """Check ``plan`` against ``submission`` on day ``on``; ``criteria`` (the submission's
    set) lets targets be measured and points at risk be counted."""
    from parindex.engine import score

    report = score(criteria, submission) if criteria is not None else None
    documents = submission.all_documents()
    counted: set[str] = set()
    tasks = []
    for task in plan.tasks:
        deadline = plan.deadline(task)
        found = _evidence(task, documents, on)
        state = _state(deadline, bool(found), on, within)
        risk = Decimal(0)
        if state in (TaskState.OVERDUE, TaskState.DUE_SOON):
            risk = _at_risk(task.criteria, report, counted)
        tasks.append(TaskCheck(task, state, deadline, found, risk))
    targets = [_figure(t, criteria, submission) for t in plan.targets]
    return Progress(plan, on, within, tasks, targets)


def _met_text(check: TargetCheck, language: str) -> str:
    from parindex.numbers import format_decimal

    if check.figure is None:
        if language == "vi":
            return "không đo được: " + check.reason
        return "not measured: " + (check.reason_en or check.reason)
    parts = []
    symbol = {">=": "≥", "<=": "≤"}.get(check.target.comparison, check.target.comparison)
    for value, met in check.stated:
        word = ("đạt" if met else "chưa đạt") if language == "vi" else ("met" if met else "not met")
        parts.append(f"{word} ({symbol} {format_decimal(value)}{check.target.unit})")
    return "; ".join(parts)


def task_rows(result: Progress, language: str = "vi") -> list[tuple[str, ...]]:
    """Rows of the task table: office, task, deadline, state, evidence, points at risk."""
    from parindex.numbers import format_date, format_decimal

    states = STATE_VI if language == "vi" else STATE_EN
    rows: list[tuple[str, ...]] = []
    for office, checks in result.by_office().items():
        for check in checks:
            deadline = check.task.deadline or ""
            if check.deadline is not None and check.deadline.end is not None:
                deadline += f" (→ {format_date(check.deadline.end)})"
            evidence = "; ".join(d.describe() for d in check.evidence)
            risk = format_decimal(check.points_at_risk) if check.points_at_risk else ""
            rows.append((office, check.task.title, deadline, states[check.state], evidence, risk))
    return rows


def target_rows(result: Progress, language: str = "vi") -> list[tuple[str, ...]]:
    """Rows of the target table: target, unit's figure, what it meets."""
    from parindex.numbers import format_decimal

    return [
        (
            check.target.text,
            "" if check.figure is None else format_decimal(check.figure) + check.target.unit,
            _met_text(check, language),
        )
        for check in result.targets
    ]


def summary(result: Progress, language: str = "vi") -> str:
    from parindex.numbers import format_date
    from parindex.report import format_points

    counts = {state: result.count(state) for state in TaskState}
    measured = [t for t in result.targets if t.figure is not None]
    met = sum(1 for t in measured if t.stated and all(m for _, m in t.stated))
    if language == "vi":
        return (
            f"Ngày {format_date(result.on)}: {len(result.tasks)} nhiệm vụ — "
            f"{counts[TaskState.DONE]} đã có sản phẩm, {counts[TaskState.OVERDUE]} quá hạn, "
            f"{counts[TaskState.DUE_SOON]} đến hạn trong {result.within} ngày; "
            f"chỉ tiêu: {met}/{len(measured)} đạt trong số đo được ({len(result.targets)} chỉ tiêu); "
            f"điểm có nguy cơ mất: {format_points(result.points_at_risk)}"
        )
    return (
        f"On {format_date(result.on)}: {len(result.tasks)} tasks — {counts[TaskState.DONE]} with "
        f"product, {counts[TaskState.OVERDUE]} overdue, {counts[TaskState.DUE_SOON]} due within "
        f"{result.within} days; targets: {met}/{len(measured)} met of those measured "
        f"({len(result.targets)} targets); "
        f"points at risk: {format_points(result.points_at_risk)}"
    )


TASK_HEADERS = {
    "vi": (
        "Đơn vị chủ trì",
        "Nhiệm vụ",
        "Thời gian hoàn thành",
        "Tình trạng",
        "Sản phẩm đã có",
        "Điểm có nguy cơ mất",
    ),
    "en": ("Office in charge", "Task", "Deadline", "State", "Evidence", "Points at risk"),
}
TARGET_HEADERS = {
    "vi": ("Chỉ tiêu", "Số liệu của đơn vị", "Kết quả"),
    "en": ("Target", "Unit's figure", "Result"),
}


def write_progress_xlsx(result: Progress, path: str, language: str = "vi") -> str:
    """Two sheets (tasks per office, targets), A4 landscape, text never read as formulas."""
    import xlsxwriter

    from parindex.appendix import row_height
    from parindex.excel import safe_text

    book = xlsxwriter.Workbook(path, {"strings_to_formulas": False})
    base = {
        "font_name": "Times New Roman",
        "font_size": 11,
        "text_wrap": True,
        "valign": "top",
        "border": 1,
    }
    plain, quoted = book.add_format(base), book.add_format({**base, "quote_prefix": True})
    head = book.add_format({**base, "bold": True, "bg_color": "#D9E1F2"})
    sheets = (
        (
            "Nhiệm vụ" if language == "vi" else "Tasks",
            TASK_HEADERS[language],
            task_rows(result, language),
            (22, 50, 26, 18, 50, 12),
        ),
        (
            "Chỉ tiêu" if language == "vi" else "Targets",
            TARGET_HEADERS[language],
            target_rows(result, language),
            (70, 18, 50),
        ),
    )
    for name, headers, rows, widths in sheets:
        sheet = book.add_worksheet(name)
        sheet.write_string(0, 0, summary(result, language), book.add_format({"bold": True}))
        sheet.write_row(2, 0, headers, head)
        for column, width in enumerate(widths):
            sheet.set_column(column, column, width)
        for line, row in enumerate(rows, start=3):
            sheet.set_row(line, row_height(row, widths))
            for column, value in enumerate(row):
                sheet.write_string(line, column, value, quoted if safe_text(value) else plain)
        sheet.set_landscape()
        sheet.set_paper(9)
        sheet.repeat_rows(2)
        sheet.fit_to_pages(1, 0)
    book.close()
    return path

"""``parindex plan`` and ``parindex progress``: the planner, the plan appendix and progress.

Registered in :mod:`parindex.cli` with one line each.
"""

from __future__ import annotations

import sys
from pathlib import Path

import click

from parindex.errors import ParindexError

__all__ = ["plan_command", "progress_command"]


def _fail(exc: ParindexError) -> None:
    click.echo(str(exc), err=True)
    sys.exit(1)


@click.command("plan")
@click.argument("criteria_file", type=click.Path())
@click.argument("submission_file", type=click.Path())
@click.option("--appendix", is_flag=True, help="Ghi Phụ lục nhiệm vụ năm sau (.xlsx hoặc .docx).")
@click.option(
    "-o",
    "--output",
    type=click.Path(),
    help="Phụ lục ghi ra: .xlsx, .docx, hoặc .yaml (tệp kế hoạch).",
)
@click.option("--year", type=int, default=None, help="Năm của phụ lục (mặc định: năm sau).")
@click.option("--lang", type=click.Choice(["vi", "en"]), default="vi")
def plan_command(
    criteria_file: str,
    submission_file: str,
    appendix: bool,
    output: str | None,
    year: int | None,
    lang: str,
) -> None:
    """Kế hoạch nâng điểm của một đơn vị; với --appendix: Phụ lục nhiệm vụ năm sau."""
    from parindex.appendix import build_appendix, write_appendix
    from parindex.engine import score
    from parindex.loader import load_criteria
    from parindex.planner import lost_points
    from parindex.submission import load_submission

    try:
        criteria = load_criteria(criteria_file)
        report = score(criteria, load_submission(submission_file))
    except ParindexError as exc:
        _fail(exc)
        return
    if not appendix:
        raise click.UsageError("cần --appendix -o TỆP (.xlsx hoặc .docx)")
    if output is None or Path(output).suffix.lower() not in (".xlsx", ".docx", ".yaml"):
        raise click.UsageError("--appendix cần -o TỆP.xlsx, TỆP.docx hoặc TỆP.yaml (kế hoạch)")
    book = build_appendix(criteria, year, lost_points(report), unit=report.unit.name, language=lang)
    written = write_appendix(book, output, criteria)
    marked = sum(1 for row in book.rows if row.priority)
    click.echo(
        f"Đã ghi {written}: {len(book.rows)} dòng, {marked} nội dung ưu tiên (còn mất điểm)"
        if lang == "vi"
        else f"Written {written}: {len(book.rows)} rows, {marked} priorities (points lost)"
    )


@click.command("progress")
@click.argument("plan_file", type=click.Path())
@click.argument("submission_file", type=click.Path())
@click.option("--on", "on", required=True, help="Ngày xét, dd/mm/yyyy.")
@click.option("--within", type=int, default=30, show_default=True, help="Số ngày 'sắp đến hạn'.")
@click.option(
    "--criteria",
    "criteria_file",
    type=click.Path(),
    default=None,
    help="Bộ tiêu chí của hồ sơ (mặc định: criteria/<mã bộ>.yaml nếu có).",
)
@click.option("-o", "--output", type=click.Path(), default=None, help="Ghi thêm tệp Excel.")
@click.option("--lang", type=click.Choice(["vi", "en"]), default="vi")
def progress_command(
    plan_file: str,
    submission_file: str,
    on: str,
    within: int,
    criteria_file: str | None,
    output: str | None,
    lang: str,
) -> None:
    """Tiến độ thực hiện kế hoạch của một đơn vị tại một ngày, theo đơn vị chủ trì."""
    from rich.console import Console
    from rich.markup import escape
    from rich.table import Table

    from parindex.loader import load_criteria
    from parindex.numbers import parse_date
    from parindex.plans import load_plan
    from parindex.progress import (
        TARGET_HEADERS,
        TASK_HEADERS,
        progress,
        summary,
        target_rows,
        task_rows,
        write_progress_xlsx,
    )
    from parindex.submission import load_submission

    try:
        day = parse_date(on)
    except ValueError as exc:
        raise click.BadParameter(f"{exc} (viết dd/mm/yyyy)", param_hint="--on") from None
    try:
        submission = load_submission(submission_file)
        path = criteria_file or str(Path("criteria") / f"{submission.criteria}.yaml")
        criteria = load_criteria(path) if criteria_file or Path(path).is_file() else None
        plan = load_plan(plan_file, criteria if plan_file_names_set(plan_file) else None)
    except ParindexError as exc:
        _fail(exc)
        return
    if criteria is None:
        click.echo(
            f"Không có bộ tiêu chí {submission.criteria}: chỉ tiêu không đo được, "
            "không tính điểm có nguy cơ mất (dùng --criteria)",
            err=True,
        )
    result = progress(plan, submission, day, within, criteria)
    console = Console(highlight=False, width=None if sys.stdout.isatty() else 120)
    console.print(escape(summary(result, lang)))
    for office, rows in _by_office(task_rows(result, lang)).items():
        table = Table(title=escape(office), title_justify="left", expand=False)
        for header in (TASK_HEADERS[lang][3], TASK_HEADERS[lang][2], TASK_HEADERS[lang][1]):
            table.add_column(header, overflow="fold")
        for _, task, deadline, state, _evidence, risk in rows:
            points = f" [{risk}]" if risk else ""
            table.add_row(escape(state + points), escape(deadline), escape(task))
        console.print(table)
    targets = Table(*TARGET_HEADERS[lang])
    for row in target_rows(result, lang):
        targets.add_row(*(escape(cell) for cell in row))
    console.print(targets)
    if output:
        written = write_progress_xlsx(result, output, lang)
        click.echo(f"Đã ghi {written}" if lang == "vi" else f"Written {written}")


def _by_office(rows: list[tuple[str, ...]]) -> dict[str, list[tuple[str, ...]]]:
    grouped: dict[str, list[tuple[str, ...]]] = {}
    for row in rows:
        grouped.setdefault(row[0], []).append(row)
    return grouped


def plan_file_names_set(path: str) -> bool:
    """Whether a plan file names a criteria set (then its codes are checked against it)."""
    from parindex.loader import read_document
    from parindex.plans import PlanError

    data, _ = read_document(path, "tệp kế hoạch", PlanError)
    return isinstance(data, dict) and data.get("criteria") is not None

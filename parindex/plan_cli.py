"""``parindex plan`` and ``parindex progress``: the planner, the plan appendix and progress.

Registered in :mod:`parindex.cli` with one line each.
"""

from __future__ import annotations

import sys
from pathlib import Path

import click

from parindex.errors import ParindexError

__all__ = ["plan_command"]


def _fail(exc: ParindexError) -> None:
    click.echo(str(exc), err=True)
    sys.exit(1)


@click.command("plan")
@click.argument("criteria_file", type=click.Path())
@click.argument("submission_file", type=click.Path())
@click.option("--appendix", is_flag=True, help="Ghi Phụ lục nhiệm vụ năm sau (.xlsx hoặc .docx).")
@click.option("-o", "--output", type=click.Path(), help="Tệp phụ lục ghi ra (.xlsx hoặc .docx).")
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
    if output is None or Path(output).suffix.lower() not in (".xlsx", ".docx"):
        raise click.UsageError("--appendix cần -o TỆP.xlsx hoặc -o TỆP.docx")
    book = build_appendix(criteria, year, lost_points(report), unit=report.unit.name, language=lang)
    written = write_appendix(book, output)
    marked = sum(1 for row in book.rows if row.priority)
    click.echo(
        f"Đã ghi {written}: {len(book.rows)} dòng, {marked} nội dung ưu tiên (còn mất điểm)"
        if lang == "vi"
        else f"Written {written}: {len(book.rows)} rows, {marked} priorities (points lost)"
    )

"""``parindex report``: a province's results as one offline HTML page or Word reports."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import click

from parindex.cli_support import language_option
from parindex.cli_text import wrapped
from parindex.errors import ParindexError, Problem
from parindex.messages import many, said, text

if TYPE_CHECKING:  # imported when the command runs: `parindex --help` lists it at once
    from parindex.criteria import CriteriaSet
    from parindex.submission import Submission

__all__ = ["read_submissions", "report"]


def read_submissions(
    paths: tuple[str, ...] | list[str], criteria: CriteriaSet
) -> tuple[list[Submission], list[Problem]]:
    """Files and folders (their ``*.yaml``) read by the one folder reader: a bad file or one of
    another set is listed as a problem, never silently dropped, and never blocks the others."""
    from parindex.folders import read_submissions as read

    submissions, errors, notes = read(paths, criteria)
    return submissions, [*errors, *notes]


@click.command("report")
@click.argument("criteria_file", type=click.Path())
@click.argument("submissions", nargs=-1, required=True, type=click.Path())
@click.option(
    "-o",
    "--output",
    required=True,
    type=click.Path(),
    help="Tệp ghi ra: ket-qua.html hoặc .docx.\n---\nThe file to write: results.html or .docx.",
)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["html", "docx"]),
    default=None,
    help="html hoặc docx; mặc định theo đuôi tệp ghi ra.\n---\nhtml or docx; by default the output's suffix.",
)
@language_option()
@click.option(
    "--previous-criteria",
    type=click.Path(),
    default=None,
    help="Bộ tiêu chí năm trước (để so sánh với năm trước).\n---\nLast year's criteria set (to compare).",
)
@click.option(
    "--previous",
    "previous_paths",
    multiple=True,
    type=click.Path(),
    help="Hồ sơ năm trước (tệp hoặc thư mục; lặp lại được).\n---\n"
    "Last year's submissions (a file or folder; may be repeated).",
)
def report(
    criteria_file: str,
    submissions: tuple[str, ...],
    output: str,
    fmt: str | None,
    lang: str,
    previous_criteria: str | None,
    previous_paths: tuple[str, ...],
) -> None:
    """Báo cáo kết quả toàn tỉnh: một trang HTML dùng offline, hoặc báo cáo Word (.docx).

    \b
    Ví dụ:
      parindex report criteria/namdinh-stnmt-2023.yaml evidence -o ket-qua.html
    ---
    The province's results: one offline HTML page, or Word reports (.docx).

    \b
    Example:
      parindex report criteria/namdinh-stnmt-2023.yaml evidence -o results.html
    """
    from parindex.cli_support import user_errors

    user_errors(_report)(
        criteria_file, submissions, output, fmt, lang, previous_criteria, previous_paths
    )


def _report(
    criteria_file: str,
    paths: tuple[str, ...],
    output: str,
    fmt: str | None,
    lang: str,
    previous_criteria: str | None,
    previous_paths: tuple[str, ...],
) -> None:
    from parindex.loader import load_criteria
    from parindex.results import province_results

    kind = fmt or {".docx": "docx", ".html": "html", ".htm": "html"}.get(
        Path(output).suffix.lower()
    )
    if kind is None:  # x.pdf was written as an HTML page under that name
        raise click.BadParameter(
            text(
                "tệp ghi ra phải có đuôi .html hoặc .docx (hoặc chọn --format)",
                "the file to write must end in .html or .docx (or give --format)",
                lang,
            ),
            param_hint="-o",
        )
    criteria = load_criteria(criteria_file)
    submissions, problems = read_submissions(paths, criteria)
    for problem in problems:
        click.echo(wrapped(said(problem, lang)), err=True)
    if not submissions:
        raise ParindexError(
            text(
                f"không có hồ sơ nào của bộ {criteria.id}",
                f"no submission of the set {criteria.id}",
                lang,
            )
        )
    previous = None
    if previous_paths:
        if previous_criteria is None:
            raise click.BadParameter(
                text(
                    "cần --previous-criteria cùng --previous",
                    "--previous needs --previous-criteria",
                    lang,
                )
            )
        old_set = load_criteria(previous_criteria)
        old, old_problems = read_submissions(previous_paths, old_set)
        for problem in old_problems:
            click.echo(wrapped(said(problem, lang)), err=True)
        previous = province_results(old_set, old)
    results = province_results(criteria, submissions, previous=previous)
    results = type(results)(
        results.criteria,
        results.reviews,
        results.rows,
        [*problems, *results.skipped],
        results.previous_year,
    )
    target = Path(output)
    target.parent.mkdir(parents=True, exist_ok=True)
    if kind == "docx":
        from parindex.word_report import write_docx

        written = write_docx(results, target, language=lang)
        click.echo(
            wrapped(
                text(
                    f"Đã ghi {len(written)} báo cáo Word: {written[0]} …",
                    f"Wrote {many(len(written), 'Word report')}: {written[0]} …",
                    lang,
                )
            )
        )
        return
    from parindex.html_report import write_html

    write_html(results, str(target), language=lang)
    click.echo(
        wrapped(
            text(
                f"Đã ghi báo cáo của {len(results.rows)} đơn vị vào {target}",
                f"Wrote the report of {many(len(results.rows), 'unit')} to {target}",
                lang,
            )
        )
    )

"""``parindex plan`` and ``parindex progress``: the planner, the plan appendix and progress.

Registered in :mod:`parindex.cli` with one line each.
"""

from __future__ import annotations

import json
import sys
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING

import click

from parindex.cli_support import error_listed, language_option, t
from parindex.cli_text import wrapped
from parindex.errors import ParindexError, ProblemsError

if TYPE_CHECKING:
    from rich.console import Console

    from parindex.criteria import CriteriaSet
    from parindex.planner import UnitPlan
    from parindex.submission import Submission

__all__ = ["plan_command", "progress_command"]


def _fail(exc: ParindexError, lang: str) -> None:
    """A user's mistake said in ``--lang``'s language (every problem with its file and
    line), then exit 1."""
    click.echo(error_listed(exc, lang) if isinstance(exc, ProblemsError) else str(exc), err=True)
    sys.exit(1)


@click.command("plan")
@click.argument("criteria_file", type=click.Path())
@click.argument("submission_file", type=click.Path())
@click.option(
    "--appendix",
    is_flag=True,
    help="Ghi Phụ lục nhiệm vụ năm sau (.xlsx, .docx, .yaml).\n---\n"
    "Write next year's task appendix (.xlsx, .docx, .yaml).",
)
@click.option(
    "-o",
    "--output",
    type=click.Path(),
    help="Phụ lục ghi ra: .xlsx, .docx, hoặc .yaml (tệp kế hoạch).\n---\n"
    "The appendix to write: .xlsx, .docx, or .yaml (a plan file).",
)
@click.option(
    "--year",
    type=int,
    default=None,
    help="Năm của phụ lục (mặc định: năm sau).\n---\nThe appendix's year (default: next year).",
)
@click.option(
    "--apply",
    "apply",
    type=click.IntRange(min=1),  # refused before the plan is printed, not after it
    multiple=True,
    help="Áp dụng gợi ý số N (lặp lại được).\n---\nApply suggestion N (may be repeated).",
)
@click.option(
    "--group",
    type=click.Path(),
    default=None,
    help="Thư mục hồ sơ cùng nhóm (thứ hạng).\n---\nThe folder of the group's submissions (ranks).",
)
@click.option(
    "--effort",
    type=click.Path(),
    default=None,
    help="Tệp trọng số công sức (YAML).\n---\nAn effort weights file (YAML).",
)
@click.option(
    "--top",
    type=int,
    default=15,
    show_default=True,
    help="Số gợi ý hiện ra.\n---\nHow many suggestions to show.",
)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["text", "json"]),
    default="text",
    help="Định dạng kết quả: text, json.\n---\nOutput format: text, json.",
)
@language_option()
def plan_command(
    criteria_file: str,
    submission_file: str,
    appendix: bool,
    output: str | None,
    year: int | None,
    apply: tuple[int, ...],
    group: str | None,
    effort: str | None,
    top: int,
    fmt: str,
    lang: str,
) -> None:
    """Kế hoạch nâng điểm: điểm bị mất, thay đổi nhỏ nhất để được thêm điểm, xếp theo
    điểm trên công sức. SUBMISSION_FILE là thư mục: cả tỉnh. Với --appendix: Phụ lục năm sau.

    \b
    Ví dụ:
      parindex plan criteria/namdinh-stnmt-2023.yaml \\
        evidence/so-tnmt-mau-2023.yaml
      parindex plan bo-tieu-chi.yaml ho-so.yaml --appendix -o phu-luc-2024.xlsx
    ---
    A plan to gain points: the points lost, the smallest change that gains more, ranked
    by points per effort. SUBMISSION_FILE a folder: the whole province. With --appendix:
    next year's task appendix.

    \b
    Example:
      parindex plan criteria/namdinh-stnmt-2023.yaml \\
        evidence/so-tnmt-mau-2023.yaml
      parindex plan criteria.yaml submission.yaml --appendix -o appendix-2024.xlsx
    """
    from parindex.loader import load_criteria
    from parindex.planner import load_effort, plan
    from parindex.submission import load_submission

    if appendix and (output is None or Path(output).suffix.lower() not in _APPENDIX):
        raise click.UsageError(
            t(
                "--appendix cần -o TỆP.xlsx, TỆP.docx hoặc TỆP.yaml (kế hoạch)",
                "--appendix needs -o FILE.xlsx, FILE.docx or FILE.yaml (a plan file)",
            )
        )
    try:
        criteria = load_criteria(criteria_file)
        if Path(submission_file).is_dir():
            if _province(criteria, submission_file, fmt, lang):
                sys.exit(1)  # invalid files, said on stderr; the view is of the others
            return
        submission = load_submission(submission_file, criteria)
        advice = plan(criteria, submission, load_effort(effort) if effort else None)
        if appendix and output is not None:
            _write_appendix(criteria, advice, year, output, lang)
            return
        others, invalid = _folder(criteria, group, lang) if group else ([], 0)
    except ParindexError as exc:
        _fail(exc, lang)
        return
    if fmt == "json":
        click.echo(json.dumps(advice.to_dict(), ensure_ascii=False, indent=2))
    else:
        _print_plan(advice, top, lang)
    if apply:
        try:
            _apply(criteria, submission, advice, apply, others, lang)
        except ParindexError as exc:
            _fail(exc, lang)
    if invalid:  # said on stderr; the plan is made of the others
        sys.exit(1)


_APPENDIX = (".xlsx", ".docx", ".yaml")


def _write_appendix(
    criteria: CriteriaSet, advice: UnitPlan, year: int | None, output: str, lang: str
) -> None:
    from parindex.appendix import build_appendix, write_appendix

    book = build_appendix(
        criteria, year, advice.priorities(), unit=advice.report.unit.name, language=lang
    )
    written = write_appendix(book, output, criteria)
    marked = sum(1 for row in book.rows if row.priority)
    click.echo(
        wrapped(
            f"Đã ghi {written}: {len(book.rows)} dòng, {marked} nội dung ưu tiên (còn mất điểm)"
            if lang == "vi"
            else f"Wrote {written}: {len(book.rows)} rows, {marked} priorities (points lost)"
        )
    )


def _folder(criteria: CriteriaSet, folder: str, lang: str) -> tuple[list[Submission], int]:
    """The submissions of this set in ``folder`` and how many files were invalid, read as
    every command reads a folder (:func:`~parindex.cli_support.load_units`): its ``.yaml``,
    ``.yml`` and ``.json`` files; a file of another set named on stderr, an invalid file's
    problems said and the others read; a unit read twice counted once (ranks, boundaries)."""
    from parindex.cli_support import folder_files, load_units

    return load_units(criteria, folder_files(folder), keep_duplicates=False)


def _console() -> Console:
    """The console every command prints with: the terminal's width, 120 when piped."""
    from parindex.cli_support import console

    return console()


def _print_plan(advice: UnitPlan, top: int, lang: str) -> None:
    from rich.markup import escape
    from rich.table import Table

    from parindex.messages import band
    from parindex.numbers import format_decimal as fd
    from parindex.report import format_points as pts

    console = _console()
    report, where = advice.report, advice.standing
    vi = lang == "vi"
    named = "" if report.band is None else band(report.band, lang)
    index = "—" if report.index is None else fd(report.index, 2) + "%"
    gap = report.max_points - report.total
    console.print(
        escape(
            f"{report.unit.name}: {pts(report.total)}/{pts(report.max_points)} điểm, chỉ số "
            f"{index}, {report.band or 'chưa xếp nhóm'}; còn thiếu {pts(gap)} điểm so với tối đa, "
            f"{len(advice.lost)} nội dung tự chấm còn mất điểm"
            if vi
            else f"{report.unit.name}: {pts(report.total)}/{pts(report.max_points)} points, index "
            f"{index}, {named or 'no class'}; {pts(gap)} points short of the maximum, "
            f"{len(advice.lost)} self-scored leaves lost points"
        )
    )
    if where.next_band and where.to_next is not None:
        console.print(
            escape(
                f"Lên {where.next_band} (từ {fd(where.next_index or Decimal(0))}%): cần thêm "
                f"{pts(where.to_next)} điểm"
                if vi
                else f"To reach {band(where.next_band, lang)} (from "
                f"{fd(where.next_index or Decimal(0))}%): {pts(where.to_next)} more points"
            )
        )
    if where.margin is not None and report.band:
        console.print(
            escape(
                f"Giữ {report.band}: được mất tối đa {pts(where.margin)} điểm"
                if vi
                else f"Stays in {named} while it loses at most {pts(where.margin)} points"
            )
        )
    from rich.console import JustifyMethod

    from parindex.report import format_points

    table = Table()
    columns: tuple[tuple[str, JustifyMethod], ...] = (
        ("#", "right"),
        ("Mã" if vi else "Code", "left"),
        ("Thay đổi" if vi else "Change", "left"),
        ("Điểm thêm" if vi else "Gain", "right"),  # figures line up on the right
        ("Công sức" if vi else "Effort", "right"),
    )
    for header, justify in columns:
        table.add_column(header, justify=justify)
    for number, step in enumerate(advice.steps[:top], start=1):
        table.add_row(
            str(number),
            step.code,
            escape(step.vi if vi else step.en),
            format_points(step.gain),  # as the change says it: "được thêm 1,0 điểm"
            fd(step.effort),
        )
    console.print(table)
    if advice.effort.provisional:
        console.print(
            "Trọng số công sức là TẠM TÍNH (không có nguồn), chỉ dùng để xếp thứ tự."
            if vi
            else "Effort weights are PROVISIONAL (no source); they only order the suggestions."
        )


def _apply(
    criteria: CriteriaSet,
    submission: Submission,
    advice: UnitPlan,
    numbers: tuple[int, ...],
    others: list[Submission],
    lang: str,
) -> None:
    from parindex.messages import band
    from parindex.numbers import format_decimal as fd
    from parindex.planner import what_if
    from parindex.report import format_points as pts

    chosen = {}
    for number in numbers:
        if not 1 <= number <= len(advice.steps):
            raise click.BadParameter(
                t(
                    f"không có gợi ý số {number} (có {len(advice.steps)} gợi ý, từ số 1)",
                    f"no suggestion number {number} ({len(advice.steps)} suggestions, from 1)",
                ),
                param_hint="--apply",
            )
        step = advice.steps[number - 1]
        chosen[step.name] = step.proposed
    result = what_if(criteria, submission, chosen, others)
    after = result.after
    index = "—" if after.index is None else fd(after.index, 2) + "%"
    place = ""
    if result.rank_after is not None:
        place = f"; hạng {result.rank_before} → {result.rank_after}/{result.group_size}"
    click.echo(
        f"Nếu áp dụng: {pts(after.total)} điểm (+{pts(result.gain)}), chỉ số {index}, "
        f"{after.band or 'chưa xếp nhóm'}{place}"
        if lang == "vi"
        else f"If applied: {pts(after.total)} points (+{pts(result.gain)}), index {index}, "
        f"{band(after.band, lang) if after.band else 'no class'}{place.replace('hạng', 'rank')}"
    )


def _province(criteria: CriteriaSet, folder: str, fmt: str, lang: str) -> int:
    """The province's view (band boundaries, what most units lose) printed; how many files
    of the folder were invalid."""
    from parindex.engine import score
    from parindex.messages import band
    from parindex.numbers import format_decimal as fd
    from parindex.planner import boundaries, most_lost
    from parindex.report import format_points as pts

    loaded, invalid = _folder(criteria, folder, lang)
    reports = [score(criteria, s) for s in loaded]
    edges = boundaries(reports, criteria)
    worst = most_lost(reports)
    if fmt == "json":
        data = {
            "boundaries": [
                {
                    "band": b.band,
                    "index": str(b.index),
                    "below": [[u, str(d)] for u, d in b.below],
                    "above": [[u, str(d)] for u, d in b.above],
                }
                for b in edges
            ],
            "most_lost": [[code, units, str(points)] for code, units, points in worst],
        }
        click.echo(json.dumps(data, ensure_ascii=False, indent=2))
        return invalid
    vi = lang == "vi"
    short, over = ("thiếu", "dư") if vi else ("short", "over")
    for edge in edges:
        # each figure kept with its word (a no-break space while the line is wrapped)
        below = ", ".join(f"{u} ({short}\N{NO-BREAK SPACE}{pts(d)})" for u, d in edge.below)
        above = ", ".join(f"{u} ({over}\N{NO-BREAK SPACE}{pts(d)})" for u, d in edge.above)
        line = (
            f"{edge.band} (từ {fd(edge.index)}%): gần nhất bên dưới: {below or '—'}; "
            f"vừa qua: {above or '—'}"
            if vi
            else f"{band(edge.band, lang)} (from {fd(edge.index)}%): nearest below: "
            f"{below or '—'}; just above: {above or '—'}"
        )
        click.echo(wrapped(line).replace("\N{NO-BREAK SPACE}", " "))
    click.echo("Nội dung nhiều đơn vị mất điểm nhất:" if vi else "Criteria most units lose on:")
    for code, units, points in worst:
        click.echo(
            f"  {code}: {units} đơn vị, {pts(points)} điểm"
            if vi
            else f"  {code}: {units} units, {pts(points)} points"
        )
    return invalid


@click.command("progress")
@click.argument("plan_file", type=click.Path())
@click.argument("submission_file", type=click.Path())
@click.option(
    "--on", "on", required=True, help="Ngày xét, dd/mm/yyyy.\n---\nThe day to look at, dd/mm/yyyy."
)
@click.option(
    "--within",
    type=int,
    default=30,
    show_default=True,
    help="Số ngày coi là 'sắp đến hạn'.\n---\nDays counted as 'due soon'.",
)
@click.option(
    "--criteria",
    "criteria_file",
    type=click.Path(),
    default=None,
    help="Bộ tiêu chí của hồ sơ (mặc định: criteria/<mã bộ>.yaml nếu có).\n---\n"
    "The submission's criteria set (default: criteria/<set id>.yaml if present).",
)
@click.option(
    "-o",
    "--output",
    type=click.Path(),
    default=None,
    help="Ghi thêm tệp Excel.\n---\nAlso write an Excel file.",
)
@language_option()
def progress_command(
    plan_file: str,
    submission_file: str,
    on: str,
    within: int,
    criteria_file: str | None,
    output: str | None,
    lang: str,
) -> None:
    """Tiến độ thực hiện kế hoạch của một đơn vị tại một ngày, theo đơn vị chủ trì.

    \b
    Ví dụ:
      parindex progress plans/hatinh-sct-2023.yaml \\
        evidence/so-cong-thuong-mau-2023.yaml --on 30/06/2023
    ---
    A unit's progress on its plan on a given day, by the office in charge.

    \b
    Example:
      parindex progress plans/hatinh-sct-2023.yaml \\
        evidence/so-cong-thuong-mau-2023.yaml --on 30/06/2023
    """
    from rich.markup import escape
    from rich.table import Table

    from parindex.loader import load_criteria
    from parindex.numbers import ValueTextError, parse_date
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
    except ValueTextError as exc:  # it says how to write a date
        raise click.BadParameter(t(exc.message, exc.message_en), param_hint="--on") from None
    try:
        submission = load_submission(submission_file)
        path = criteria_file or str(Path("criteria") / f"{submission.criteria}.yaml")
        criteria = load_criteria(path) if criteria_file or Path(path).is_file() else None
        plan = load_plan(plan_file, criteria if plan_file_names_set(plan_file) else None)
    except ParindexError as exc:
        _fail(exc, lang)
        return
    if criteria is None:
        click.echo(
            t(
                f"Không có bộ tiêu chí {submission.criteria}: chỉ tiêu không đo được, "
                "không tính điểm có nguy cơ mất (dùng --criteria)",
                f"No criteria set {submission.criteria}: targets cannot be measured, "
                "points at risk are not counted (use --criteria)",
            ),
            err=True,
        )
    result = progress(plan, submission, day, within, criteria)
    console = _console()
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
        click.echo(wrapped(f"Đã ghi {written}" if lang == "vi" else f"Wrote {written}"))


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

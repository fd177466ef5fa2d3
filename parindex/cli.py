"""The ``parindex`` command line.

Every user error (a bad file, an unknown code) is printed as located messages and
exits with status 1; a traceback means a bug in parindex, never in the user's file.
"""

from __future__ import annotations

import json
import sys
from collections import Counter
from collections.abc import Callable
from decimal import Decimal
from functools import wraps
from pathlib import Path
from typing import Any, TypeVar

import click
from rich.console import Console
from rich.markup import escape
from rich.table import Table
from rich.tree import Tree

from parindex.criteria import CriteriaSet
from parindex.engine import score
from parindex.errors import ParindexError, Problem, did_you_mean
from parindex.loader import load_criteria
from parindex.numbers import format_decimal
from parindex.plan_cli import plan_command, progress_command
from parindex.report import STATUS_VI, NodeResult, ScoreReport, Status, format_points
from parindex.report_command import report as report_command
from parindex.review import SEVERITY_VI, Severity, review
from parindex.submission import load_submission

__all__ = ["main"]

F = TypeVar("F", bound=Callable[..., Any])


def _console() -> Console:
    # Piped output (a file, CI log) gets a readable width instead of rich's default 80.
    return Console(highlight=False, soft_wrap=False, width=None if sys.stdout.isatty() else 120)


def _problems_json(problems: list[Problem]) -> list[dict[str, Any]]:
    return [p.to_dict() for p in problems]


def user_errors(function: F) -> F:
    """Print a :class:`ParindexError` as located messages and exit 1, no traceback."""

    @wraps(function)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return function(*args, **kwargs)
        except ParindexError as exc:
            click.echo(str(exc), err=True)
            sys.exit(1)

    return wrapper  # type: ignore[return-value]


@click.group()
@click.version_option(package_name="parindex")
def main() -> None:
    """parindex — chấm điểm và thẩm định Chỉ số cải cách hành chính (PAR INDEX)."""


def node_rows(criteria: CriteriaSet) -> list[dict[str, Any]]:
    """The flat node list of a set, in tree order, as JSON-ready dicts."""
    compiled = criteria.compiled
    return [
        {
            "code": n.code,
            "title": n.node.title,
            "kind": n.node.kind.value,
            "rule": n.node.rule.kind if n.node.rule else None,
            "max_points": str(n.node.max_points),
            "provisional": n.provisional,
            "parent": n.parent,
            "depth": n.depth,
        }
        for n in compiled.nodes.values()
    ]


def _summary_table(criteria: CriteriaSet) -> Table:
    compiled = criteria.compiled
    table = Table(
        title=f"{criteria.title}\n[dim]{criteria.id} · {criteria.province} · "
        f"{criteria.year} · cấp {', '.join(level.value for level in criteria.levels)}"
        "[/dim]",
        title_justify="left",
    )
    table.add_column("Mã")
    table.add_column("Lĩnh vực")
    table.add_column("Điểm tối đa", justify="right")
    table.add_column("Số nút", justify="right")
    table.add_column("Tạm tính", justify="right")
    for area in criteria.nodes:
        nodes = list(area.walk())
        provisional = compiled.provisional_points(area.code)
        table.add_row(
            area.code,
            area.title,
            format_decimal(area.max_points),
            str(len(nodes)),
            format_decimal(provisional),
        )
    table.add_row(
        "",
        "[bold]TỔNG ĐIỂM[/bold]",
        f"[bold]{format_decimal(criteria.total_max)}[/bold]",
        str(len(compiled.nodes)),
        format_decimal(compiled.provisional_points()),
    )
    return table


@main.command()
@click.argument("files", nargs=-1, required=True, type=click.Path())
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["text", "json"]),
    default="text",
    help="text: bảng tóm tắt; json: một đối tượng JSON.",
)
@click.option("--lang", type=click.Choice(["vi", "en"]), default="vi", help="Ngôn ngữ thông báo.")
def validate(files: tuple[str, ...], fmt: str, lang: str) -> None:
    """Kiểm tra tệp tiêu chí và tóm tắt (validate criteria files)."""
    console = _console()
    problems: list[Problem] = []
    loaded: list[CriteriaSet] = []
    for file in files:
        try:
            loaded.append(load_criteria(file))
        except ParindexError as exc:
            problems.extend(
                getattr(exc, "problems", ()) or [Problem(kind="error", message=str(exc), file=file)]
            )
    if fmt == "json":
        nodes = [dict(row, file=c.file) for c in loaded for row in node_rows(c)]
        payload = {
            "valid": not problems,
            "errors": _problems_json(problems),
            "nodes": nodes,
            "sets": [
                {
                    "file": c.file,
                    "id": c.id,
                    "title": c.title,
                    "total_max": str(c.total_max),
                    "survey_max": str(c.survey_max),
                    "provisional_points": str(c.compiled.provisional_points()),
                    "node_count": len(c.compiled.nodes),
                    "digest": c.digest,
                }
                for c in loaded
            ],
        }
        click.echo(json.dumps(payload, ensure_ascii=False, indent=2))
    else:
        for criteria in loaded:
            console.print(_summary_table(criteria))
            kinds = Counter(n.kind.value for n in criteria.walk())
            rules = Counter(n.rule.kind for n in criteria.walk() if n.rule)
            console.print(
                "  Nút: "
                + ", ".join(f"{k} {v}" for k, v in kinds.items())
                + " · Quy tắc: "
                + ", ".join(f"{k} {v}" for k, v in sorted(rules.items()))
            )
            console.print(
                f"  [yellow]{format_decimal(criteria.compiled.provisional_points())} / "
                f"{format_decimal(criteria.total_max)} điểm dựa trên giá trị tạm tính "
                "(chưa có nguồn chính thức)[/yellow]\n"
            )
        if problems:
            click.echo(
                f"{len(problems)} lỗi:" if lang == "vi" else f"{len(problems)} errors:", err=True
            )
            for problem in problems:
                click.echo("  " + problem.describe(lang), err=True)
    if problems:
        sys.exit(1)


def _score(criteria_path: str, submission_path: str) -> ScoreReport:
    return score(load_criteria(criteria_path), load_submission(submission_path))


def _status_style(node: NodeResult) -> str:
    return {
        Status.NOT_APPLICABLE: "dim",
        Status.MISSING_INPUT: "yellow",
        Status.PARTIAL: "yellow",
        Status.ERROR: "red",
        Status.SURVEY: "cyan",
    }.get(node.status, "")


def render_tree(report: ScoreReport, language: str = "vi") -> Tree:
    """The breakdown as a rich tree: code, title, points/max, explanation."""
    en = language == "en"
    head = f"[bold]{report.unit.name}[/bold] — {report.criteria_title} ({report.year})"
    if report.unit.sample:
        head += " [magenta]" + ("[SAMPLE DATA]" if en else "[DỮ LIỆU MẪU]") + "[/magenta]"
    if report.unit.synthetic:
        head += " [magenta]" + ("[SYNTHETIC]" if en else "[ĐƠN VỊ TỔNG HỢP]") + "[/magenta]"
    tree = Tree(head)
    branches: dict[str | None, Tree] = {None: tree}
    for node in report.nodes:
        style = _status_style(node)
        status = node.status.value if en else STATUS_VI[node.status]
        mark = " [yellow]*[/yellow]" if node.provisional else ""
        label = (
            f"[bold]{escape(node.code)}[/bold] {escape(node.title)} — "
            f"[bold]{format_points(node.points)}/{format_points(node.max_points)}[/bold]{mark}"
        )
        if node.status != Status.SCORED:
            label += f" [{style or 'default'}]({status})[/]"
        if node.rule is not None or node.status != Status.SCORED:
            explanation = node.explanation_en if en else node.explanation
            label += f"\n[dim]{escape(explanation)}[/dim]"
        branches[node.code] = branches[node.parent].add(label, style=style or None)
    return tree


@main.command("score")
@click.argument("criteria_file", type=click.Path())
@click.argument("submission_files", nargs=-1, required=True, type=click.Path())
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text")
@click.option("--lang", type=click.Choice(["vi", "en"]), default="vi")
@user_errors
def score_command(
    criteria_file: str, submission_files: tuple[str, ...], fmt: str, lang: str
) -> None:
    """Chấm điểm đơn vị (score one or more units' submissions)."""
    criteria = load_criteria(criteria_file)
    reports = [score(criteria, load_submission(path)) for path in submission_files]
    if fmt == "json":
        if len(reports) == 1:
            click.echo(reports[0].to_json())
        else:
            click.echo("[" + ",\n".join(r.to_json() for r in reports) + "]")
        return
    console = _console()
    en = lang == "en"
    for report in reports:
        console.print(render_tree(report, lang))
        console.print("[bold]" + escape(report.summary_line(lang)) + "[/bold]")
        if report.missing_inputs:
            console.print("Missing inputs:" if en else "Số liệu còn thiếu:")
            for missing in report.missing_inputs:
                console.print(
                    f"  - {escape(missing.label)} ({missing.name}): {', '.join(missing.codes)}"
                )
        console.print()
    console.print(
        "[yellow]*[/yellow] "
        + (
            "provisional value (no official source)"
            if en
            else "giá trị tạm tính (chưa có nguồn chính thức)"
        )
    )
    if len(reports) > 1:
        console.print(totals_table(reports, lang))


def totals_table(reports: list[ScoreReport], language: str = "vi") -> Table:
    """Ranking-ready totals: one row per unit, highest index first."""
    en = language == "en"
    table = Table(title="Totals" if en else "Tổng hợp kết quả", title_justify="left")
    headers = (
        ["Unit", "Level", "Total", "Max", "Index", "Band", "Undetermined", "Provisional"]
        if en
        else [
            "Đơn vị",
            "Cấp",
            "Tổng điểm",
            "Tối đa",
            "Chỉ số",
            "Xếp loại",
            "Chưa xác định",
            "Tạm tính",
        ]
    )
    for header in headers:
        table.add_column(header, justify="left" if header in headers[:2] else "right")
    ordered = sorted(reports, key=lambda r: (r.index is None, -(r.index or 0), r.unit.name))
    for report in ordered:
        name = report.unit.name + (
            " (mẫu)" if report.unit.sample and "mẫu" not in report.unit.name else ""
        )
        table.add_row(
            escape(name),
            report.unit.level,
            format_points(report.total),
            format_points(report.max_points),
            "?" if report.index is None else format_decimal(report.index, 2) + "%",
            report.band or "?",
            format_points(report.undetermined_points),
            format_points(report.provisional_points),
        )
    return table


@main.command("explain")
@click.argument("criteria_file", type=click.Path())
@click.argument("submission_file", type=click.Path())
@click.argument("code")
@click.option("--lang", type=click.Choice(["vi", "en"]), default="vi")
@user_errors
def explain_command(criteria_file: str, submission_file: str, code: str, lang: str) -> None:
    """Giải thích điểm của một tiêu chí (explain one node's score)."""
    report = _score(criteria_file, submission_file)
    try:
        click.echo(report.explain(code, lang))
    except KeyError:
        codes = [n.code for n in report.nodes]
        click.echo(f"Không có tiêu chí mã {code}{did_you_mean(code, codes, 3)}", err=True)
        sys.exit(1)


@main.command("review")
@click.argument("criteria_file", type=click.Path())
@click.argument("submission_file", type=click.Path())
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text")
@click.option("--lang", type=click.Choice(["vi", "en"]), default="vi")
@click.option("--all", "show_all", is_flag=True, help="Hiện cả các lưu ý (info).")
@user_errors
def review_command(
    criteria_file: str, submission_file: str, fmt: str, lang: str, show_all: bool
) -> None:
    """Thẩm định: đối chiếu điểm tự chấm với TLKC và quy tắc (appraisal review)."""
    criteria = load_criteria(criteria_file)
    result = review(criteria, load_submission(submission_file))
    if fmt == "json":
        payload = {
            "unit": {"id": result.unit_id, "name": result.unit_name},
            "criteria_id": result.criteria_id,
            "year": result.year,
            "findings": [
                f.model_dump(mode="json", exclude={"title"}) for f in result.sorted_findings()
            ],
            "summary": [s.model_dump(mode="json") for s in result.summary],
            "self_index": _str(result.self_index),
            "computed_index": _str(result.computed_index),
            "appraised_index": _str(result.appraised_index),
            "history": {
                k: [r.model_dump(mode="json") for r in v] for k, v in result.history.items()
            },
        }
        click.echo(json.dumps(payload, ensure_ascii=False, indent=2))
        return
    en = lang == "en"
    console = _console()
    findings = [f for f in result.sorted_findings() if show_all or f.severity != Severity.INFO]
    table = Table(
        title=f"{'Review' if en else 'Thẩm định'}: {escape(result.unit_name)} ({result.year})",
        title_justify="left",
        show_lines=False,
    )
    for column in (
        ["Severity", "Code", "Criterion", "Finding"] if en else ["Mức", "Loại", "Mã", "Nội dung"]
    ):
        table.add_column(column, overflow="fold")
    colours = {Severity.ERROR: "red", Severity.WARNING: "yellow", Severity.INFO: "cyan"}
    for finding in findings:
        severity = finding.severity.value if en else SEVERITY_VI[finding.severity]
        message = finding.message_en if en else finding.message
        table.add_row(
            f"[{colours[finding.severity]}]{severity}[/]",
            finding.code,
            finding.criterion,
            escape(message.split(": ", 1)[-1]),
        )
    console.print(table)
    hidden = len(result.findings) - len(findings)
    if hidden:
        console.print(
            f"({hidden} "
            + ("info findings hidden; --all shows them)" if en else "lưu ý ẩn; dùng --all để xem)")
        )
    summary = Table(
        title="Self / computed / appraised" if en else "Tự chấm / theo quy tắc / thẩm định",
        title_justify="left",
    )
    for column in [
        "",
        "Lĩnh vực" if not en else "Area",
        "Tối đa" if not en else "Max",
        "Tự chấm" if not en else "Self",
        "Quy tắc" if not en else "Computed",
        "Thẩm định" if not en else "Appraised",
    ]:
        summary.add_column(
            column, justify="right" if column not in ("", "Lĩnh vực", "Area") else "left"
        )
    for area in result.summary:
        summary.add_row(
            area.code,
            escape(area.title),
            format_points(area.max_points),
            _points_percent(area.self_score, area.self_percent),
            _points_percent(area.computed_score, area.computed_percent),
            _points_percent(area.appraised_score, area.appraised_percent),
        )
    console.print(summary)


def _str(value: object) -> str | None:
    return None if value is None else str(value)


def _points_percent(points: Decimal | None, percent: Decimal | None) -> str:
    if points is None:
        return "—"
    shown = format_points(points)
    return f"{shown} ({format_decimal(percent, 2)}%)" if percent is not None else shown


# --- Excel score sheets -------------------------------------------------------------------------


def _load_submissions(paths: tuple[str, ...]) -> list[Any]:
    """Load every submission; the problems of all files are reported together."""
    from parindex.errors import SubmissionError

    loaded: list[Any] = []
    problems: list[Problem] = []
    for path in paths:
        try:
            loaded.append(load_submission(path))
        except SubmissionError as exc:
            problems.extend(exc.problems)
    if problems:
        raise SubmissionError(problems)
    return loaded


@main.command("export")
@click.argument("criteria_file", type=click.Path())
@click.argument("submission_files", nargs=-1, required=True, type=click.Path())
@click.option("-o", "--output", required=True, type=click.Path(), help="Tệp Excel (.xlsx) ghi ra.")
@click.option(
    "--round",
    "round_",
    type=click.IntRange(1, 9),
    default=None,
    help="Vòng thẩm định hiện ở cột Điểm thẩm định (mặc định: vòng cuối).",
)
@click.option("--password", default=None, help="Mật khẩu bảo vệ trang (mặc định: không).")
@user_errors
def export_command(
    criteria_file: str,
    submission_files: tuple[str, ...],
    output: str,
    round_: int | None,
    password: str | None,
) -> None:
    """Xuất bảng tổng hợp điểm ra Excel (export score sheets to .xlsx).

    Một hồ sơ: bảng của đơn vị. Nhiều hồ sơ: trang tổng hợp xếp hạng, mỗi đơn vị một
    trang và trang phát hiện thẩm định.
    """
    from parindex.excel import export_unit, export_workbook

    if not output.lower().endswith(".xlsx"):
        raise click.BadParameter("tệp ghi ra phải có đuôi .xlsx", param_hint="-o")
    criteria = load_criteria(criteria_file)
    submissions = _load_submissions(submission_files)
    if len(submissions) == 1:
        path = export_unit(criteria, submissions[0], output, round=round_, password=password)
    else:
        path = export_workbook(criteria, submissions, output, round=round_, password=password)
    click.echo(f"Đã ghi bảng điểm của {len(submissions)} đơn vị vào {path}")


def _write_submission(submission: Any, path: Path) -> None:
    from parindex.submission import save_submission

    save_submission(
        submission, path, comment=f"Nhập từ bảng điểm Excel bằng parindex ({submission.unit.name})"
    )


def _import_targets(output: str | None, submissions: tuple[Any, ...]) -> list[Path | None]:
    if output is None:
        return [None] * len(submissions)
    target = Path(output)
    if len(submissions) == 1 and not target.is_dir():
        target.parent.mkdir(parents=True, exist_ok=True)
        return [target]
    target.mkdir(parents=True, exist_ok=True)
    return [target / f"{s.unit.id}.yaml" for s in submissions]


@main.command("import")
@click.argument("criteria_file", type=click.Path())
@click.argument("workbook_file", type=click.Path())
@click.option(
    "-o",
    "--output",
    type=click.Path(),
    default=None,
    help="Tệp hồ sơ ghi ra (.yaml hoặc .json); thư mục khi bảng có nhiều đơn vị.",
)
@click.option(
    "--round",
    "round_",
    type=click.IntRange(1, 9),
    default=None,
    help="Vòng thẩm định nhận điểm thẩm định (mặc định: vòng bảng điểm hiện).",
)
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text")
@click.option("--lang", type=click.Choice(["vi", "en"]), default="vi")
@user_errors
def import_command(
    criteria_file: str,
    workbook_file: str,
    output: str | None,
    round_: int | None,
    fmt: str,
    lang: str,
) -> None:
    """Nhập bảng điểm Excel đã điền vào hồ sơ (import a filled score sheet)."""
    from parindex.excel_import import import_workbook
    from parindex.excel_layout import WorkbookError

    criteria = load_criteria(criteria_file)
    try:
        result = import_workbook(criteria, workbook_file, round=round_)
    except WorkbookError as exc:
        if fmt != "json":
            click.echo(exc.describe(lang), err=True)
            sys.exit(1)
        payload = {
            "valid": False,
            "errors": _problems_json(list(exc.errors)),
            "warnings": _problems_json(list(exc.warnings)),
        }
        click.echo(json.dumps(payload, ensure_ascii=False, indent=2))
        sys.exit(1)
    targets = _import_targets(output, result.submissions)
    for submission, target in zip(result.submissions, targets, strict=True):
        if target is not None:
            _write_submission(submission, target)
    units = [
        {
            "sheet": sheet,
            "unit_id": submission.unit.id,
            "unit_name": submission.unit.name,
            "round": round_number,
            "self_scores": len(submission.self_scores),
            "appraised_scores": sum(
                len(a.scores) for a in submission.appraisals if a.round == round_number
            ),
            "file": None if target is None else str(target),
        }
        for submission, sheet, round_number, target in zip(
            result.submissions, result.sheets, result.rounds, targets, strict=True
        )
    ]
    if fmt == "json":
        payload = {
            "valid": result.complete,
            "errors": _problems_json(list(result.problems)),
            "warnings": _problems_json(list(result.warnings)),
            "refused": list(result.refused),
            "units": units,
            "submissions": [s.model_dump(mode="json") for s in result.submissions],
        }
        click.echo(json.dumps(payload, ensure_ascii=False, indent=2))
        sys.exit(0 if result.complete else 1)
    en = lang == "en"
    for unit in units:
        line = (
            f"{unit['unit_name']}: {unit['self_scores']} self-scores, {unit['appraised_scores']} "
            f"appraised scores in round {unit['round']}"
            if en
            else f"{unit['unit_name']}: {unit['self_scores']} điểm tự đánh giá, "
            f"{unit['appraised_scores']} điểm thẩm định vòng {unit['round']}"
        )
        if unit["file"]:
            line += f" → {unit['file']}"
        click.echo(line)
    for warning in result.warnings:
        click.echo(("warning: " if en else "lưu ý: ") + warning.describe(lang), err=True)
    if not result.complete:  # the other units were imported; these were not
        click.echo(WorkbookError(result.problems).describe(lang), err=True)
        sys.exit(1)


# --- rank -----------------------------------------------------------------------------


def _json_value(value: Any) -> Any:
    """Missing as ``None``, numpy scalars as Python ones; decimals stay exact."""
    import pandas as pd

    if value is None or value is pd.NA:
        return None
    if hasattr(value, "item"):  # numpy scalars
        return value.item()
    return value


def ranking_tables(table: Any, criteria: CriteriaSet) -> list[Table]:
    """Per ranking group: the ranked table, then the area sub-indices (%) of its units."""
    areas = list(criteria.compiled.children.get(None, ()))
    tables = []
    for group, members in table.groupby("group", sort=False):
        rows = [
            {k: _json_value(v) for k, v in r.items()} for r in members.to_dict(orient="records")
        ]
        synthetic = any(row["synthetic"] for row in rows)
        ranked = Table(
            title=f"Xếp hạng nhóm {group} ({len(rows)} đơn vị)",
            title_justify="left",
            caption="DỮ LIỆU TỔNG HỢP — không phải số liệu thật" if synthetic else None,
            caption_justify="left",
        )
        ranked.add_column("Hạng", justify="right")
        ranked.add_column("Đơn vị", overflow="fold")
        for header in ("Tổng điểm", "Tối đa", "Chỉ số (%)", "Xếp loại", "Đủ số liệu"):
            ranked.add_column(header, justify="right")
        by_area = Table(
            title=f"Chỉ số thành phần theo lĩnh vực (%) — nhóm {group}", title_justify="left"
        )
        by_area.add_column("Đơn vị", overflow="fold")
        for code in areas:
            by_area.add_column(f"LV {code}", justify="right")
        for row in rows:
            ranked.add_row(
                "–" if row["rank"] is None else str(row["rank"]),
                escape(str(row["name"])),
                format_points(row["total"]),
                format_points(row["max_points"]),
                "?" if row["index"] is None else format_decimal(row["index"], 2),
                row["band"] or "?",
                "có" if row["complete"] else "chưa",
            )
            by_area.add_row(
                escape(str(row["name"])),
                *(
                    "–" if row[f"area:{c}"] is None else format_decimal(row[f"area:{c}"], 2)
                    for c in areas
                ),
            )
        tables += [ranked, by_area]
    return tables


@main.command("rank")
@click.argument("criteria_file", type=click.Path())
@click.argument("submission_dir", type=click.Path())
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["table", "json", "csv"]),
    default="table",
    help="table: bảng theo nhóm; json/csv cho máy đọc (số thập phân dùng dấu chấm)",
)
@click.option("--by", type=click.Choice(["group", "level"]), default="group")
@user_errors
def rank_command(criteria_file: str, submission_dir: str, fmt: str, by: str) -> None:
    """Xếp hạng mọi hồ sơ (*.yaml) trong SUBMISSION_DIR theo từng nhóm."""

    from parindex.batch import score_many
    from parindex.folders import load_submissions
    from parindex.frames import exact
    from parindex.ranking import rank

    criteria = load_criteria(criteria_file)
    folder = Path(submission_dir)
    if not folder.is_dir():
        raise ParindexError(f"{submission_dir}: không phải thư mục hồ sơ (not a directory)")
    paths = sorted(p for p in folder.iterdir() if p.suffix in (".yaml", ".yml"))
    if not paths:
        raise ParindexError(f"{submission_dir}: không có tệp hồ sơ .yaml (no .yaml submissions)")
    submissions, skipped = load_submissions(paths, criteria, on_error="raise")
    if len(skipped):  # a folder may hold other years' files: said, never silently dropped
        click.echo(
            f"Bỏ qua {len(skipped)} hồ sơ của bộ tiêu chí khác / skipped {len(skipped)} "
            "submission(s) for another set:",
            err=True,
        )
        for _, row in skipped.iterrows():
            click.echo(f"  {row['file']}: {row['text']}", err=True)
    if not submissions:
        raise ParindexError(f"{submission_dir}: không có hồ sơ nào của bộ {criteria.id}")
    table = exact(rank(score_many(criteria, submissions), criteria, by=by))
    if fmt == "json":
        records = [
            {k: _json_value(v) for k, v in row.items()} for row in table.to_dict(orient="records")
        ]
        click.echo(json.dumps(records, ensure_ascii=False, indent=2, default=str))
    elif fmt == "csv":
        click.echo(table.to_csv(index=False), nl=False)
    else:
        console = _console()
        for out in ranking_tables(table, criteria):
            console.print(out)


main.add_command(plan_command)
main.add_command(progress_command)
main.add_command(report_command)

"""The ``parindex`` command line.

Every user error (a bad file, a missing file, a wrong argument) is printed as located
messages in Vietnamese (English with ``--lang en``) and exits with status 1; a traceback
means a bug in parindex, never in the user's file. Heavy modules are imported inside the
commands, so ``parindex --help`` answers at once.

Other modules add their commands with one line in :data:`COMMANDS`
(``"name": "module:attribute"``); they are imported only when used or listed.
"""

from __future__ import annotations

import gc
import importlib
import json
import sys
import warnings
from collections import Counter
from pathlib import Path
from typing import Any

import click

from parindex.cli_support import (
    check_order,
    console,
    csv_text,
    decimal_comma_option,
    echo_error,
    error_listed,
    exit_now,
    language_option,
    load_units,
    options,
    problems_listed,
    settled,
    strict_option,
    t,
)
from parindex.cli_text import command_rows, gettext, install, language, wrapped
from parindex.errors import ParindexError, Problem, did_you_mean
from parindex.messages import counted, many, text

__all__ = ["COMMANDS", "QUICK_EXIT", "main", "run"]

#: Commands defined in other modules, imported when used: name → "module:attribute".
COMMANDS: dict[str, str] = {
    "form": "parindex.form_command:form_command",
    "init": "parindex.cli_start:init_command",
    "plan": "parindex.plan_cli:plan_command",
    "progress": "parindex.plan_cli:progress_command",
    "report": "parindex.report_command:report",
    "template": "parindex.cli_start:template_command",
    "test": "parindex.cli_start:test_command",
}

QUICK_EXIT = frozenset({"explain", "score", "validate"})
"""Commands that write only their output: :func:`run` leaves the process at once after."""

CONTEXT = {"help_option_names": ["-h", "--help"], "max_content_width": 100}


class _Group(click.Group):
    """A group whose registered commands are imported only when needed."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(set(super().list_commands(ctx)) | set(COMMANDS))

    chosen: str | None = None  # the command's name, for run()

    def resolve_command(
        self, ctx: click.Context, args: list[str]
    ) -> tuple[str | None, click.Command | None, list[str]]:
        name, command, rest = super().resolve_command(ctx, args)
        self.chosen = name
        return name, command, rest

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        found = super().get_command(ctx, cmd_name)
        if found is None and cmd_name in COMMANDS:
            module, _, attribute = COMMANDS[cmd_name].partition(":")
            found = getattr(importlib.import_module(module), attribute)
            assert isinstance(found, click.Command)
        return found

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        """The command list, each command's line in the command line's language."""
        found = [(name, self.get_command(ctx, name)) for name in self.list_commands(ctx)]
        commands = [(name, c) for name, c in found if c is not None and not c.hidden]
        if commands:
            limit = formatter.width - 6 - max(len(name) for name, _ in commands)
            with formatter.section(gettext("Commands")):
                formatter.write_dl(command_rows(commands, limit))

    def main(self, args: Any = None, *rest: Any, **extra: Any) -> Any:
        """Click's own words in the command line's language, then the usual main.

        While a command runs, the cycle collector starts a pass after 20,000 new objects
        instead of 700: a command's start-up makes some hundred thousand objects that live
        to its end (modules, classes, models, the criteria set), and the passes over them
        took 50–100 ms of a one-unit ``score`` (one full pass alone took 38 ms). Bulk
        commands still collect, less often. The threshold is put back afterwards.
        """
        install(sys.argv[1:] if args is None else list(args))
        threshold = gc.get_threshold()
        gc.set_threshold(max(threshold[0], 20_000), *threshold[1:])
        frozen = gc.get_freeze_count()
        self.chosen = None
        try:
            return super().main(args, *rest, **extra)
        finally:
            gc.set_threshold(*threshold)
            if not frozen:  # what the command froze (cli_support.settled), for a caller
                gc.unfreeze()  # running commands in its own process


@click.group(cls=_Group, context_settings=CONTEXT)
@click.version_option(
    package_name="parindex", help="Hiện phiên bản rồi thoát.\n---\nShow the version and exit."
)
@language_option(
    "Ngôn ngữ của mọi lệnh: vi (tiếng Việt) hoặc en (tiếng Anh); --lang của lệnh thắng."
    "\n---\nThe language of every command: vi (Vietnamese) or en; a command's own --lang wins.",
    expose_value=False,
)
def main() -> None:
    """parindex — chấm điểm và thẩm định Chỉ số cải cách hành chính (PAR INDEX).

    \b
    Bắt đầu:
      parindex init bo-tieu-chi.yaml
      parindex validate bo-tieu-chi.yaml
      parindex template bo-tieu-chi.yaml -o ho-so.yaml
      parindex score bo-tieu-chi.yaml ho-so.yaml
    Mọi lệnh nhận -h (hướng dẫn của lệnh) và --lang en (tiếng Anh).
    ---
    parindex — score and appraise the public administration reform index (PAR INDEX).

    \b
    Getting started:
      parindex init criteria.yaml
      parindex validate criteria.yaml
      parindex template criteria.yaml -o submission.yaml
      parindex score criteria.yaml submission.yaml
    Every command takes -h (its help) and --lang en (English).
    """


def _problems_json(problems: list[Problem]) -> list[dict[str, Any]]:
    return [p.to_dict() for p in problems]


def _emit_csv(header: list[str], rows: list[list[Any]], decimal_comma: bool) -> None:
    sys.stdout.buffer.write(csv_text(header, rows, decimal_comma).encode("utf-8"))
    sys.stdout.flush()


def _load_criteria(path: str) -> Any:
    """Load a criteria file, first refusing a submission given in its place."""
    with settled():
        from parindex.loader import load_criteria

        check_order(path, ())
        return load_criteria(path)


# --- validate ----------------------------------------------------------------------------


VALIDATE_HELP = """Kiểm tra tệp tiêu chí và tóm tắt: mọi lỗi của tệp trong một lần chạy.

\b
Ví dụ:
  parindex validate criteria/namdinh-stnmt-2023.yaml
  parindex validate bo-tieu-chi.yaml --format json
---
Validate criteria files and summarise them: every problem of a file in one run.

\b
Example:
  parindex validate criteria/namdinh-stnmt-2023.yaml
  parindex validate criteria.yaml --format json
"""


@main.command(help=VALIDATE_HELP)
@click.argument("files", nargs=-1, required=True, type=click.Path())
@options("text", "json", "csv")
@decimal_comma_option
def validate(files: tuple[str, ...], fmt: str, lang: str, decimal_comma: bool) -> None:
    """Validate criteria files and summarise them (help: :data:`VALIDATE_HELP`)."""
    from rich.padding import Padding

    from parindex.cli_render import node_rows, set_summary
    from parindex.loader import load_criteria

    problems: list[Problem] = []
    loaded = []
    for file in files:
        try:
            check_order(file, ())
            loaded.append(load_criteria(file))
        except ParindexError as exc:
            problems.extend(
                getattr(exc, "problems", ()) or [Problem(kind="error", message=str(exc), file=file)]
            )
        except OSError as exc:
            from parindex.cli_support import _os_error

            problems.append(Problem(kind="os_error", message=_os_error(exc), file=file))
    if fmt == "csv":
        rows = [[c.file, *row.values()] for c in loaded for row in node_rows(c)]
        header = ["file", "code", "title", "kind", "rule", "max_points", "provisional"]
        _emit_csv([*header, "parent", "depth"], rows, decimal_comma)
    elif fmt == "json":
        payload = {
            "valid": not problems,
            "errors": _problems_json(problems),
            "nodes": [dict(row, file=c.file) for c in loaded for row in node_rows(c)],
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
        out = console()
        for criteria in loaded:
            out.print(set_summary(criteria, lang))
            kinds = Counter(str(n.kind.value) for n in criteria.walk())
            rules = Counter(str(n.rule.kind) for n in criteria.walk() if n.rule)
            for line in (  # each on its own lines, continued lines indented as the first
                f"{t('Số nút', 'Nodes')}: {counted('node_kind', kinds, lang)}",
                f"{t('Cách tính điểm', 'Rules')}: {counted('rule_kind', rules, lang)}",
            ):
                out.print(Padding(line, (0, 0, 0, 2), expand=False))
            points = criteria.compiled.provisional_points()
            from parindex.numbers import format_decimal

            out.print(
                "  [yellow]"
                + t(
                    f"{format_decimal(points)} / {format_decimal(criteria.total_max)} điểm dựa "
                    "trên giá trị tạm tính (chưa có nguồn chính thức)",
                    f"{format_decimal(points)} / {format_decimal(criteria.total_max)} points rest "
                    "on provisional values (no official source)",
                )
                + "[/yellow]\n"
            )
    if problems:
        n = len(problems)
        echo_error(problems_listed(t(f"{n} lỗi:", f"{n} error{'s' * (n != 1)}:"), problems, lang))
        sys.exit(1)


# --- score and explain -------------------------------------------------------------------


@main.command("score")
@click.argument("criteria_file", type=click.Path())
@click.argument("submission_files", nargs=-1, required=True, type=click.Path())
@click.option(
    "--summary",
    is_flag=True,
    help="Chỉ in dòng tổng kết mỗi đơn vị.\n---\nOnly each unit's totals line.",
)
@strict_option
@options("text", "json", "csv")
@decimal_comma_option
def score_command(
    criteria_file: str,
    submission_files: tuple[str, ...],
    summary: bool,
    strict: bool,
    fmt: str,
    lang: str,
    decimal_comma: bool,
) -> None:
    """Chấm điểm một hay nhiều hồ sơ đơn vị: cây điểm, tổng, chỉ số và xếp loại.

    \b
    Ví dụ:
      parindex score criteria/namdinh-stnmt-2023.yaml \\
        evidence/so-tnmt-mau-2023.yaml
      parindex score bo-tieu-chi.yaml ho-so/*.yaml --summary
    ---
    Score one or more units' submissions: the tree of points, total, index and class.

    \b
    Example:
      parindex score criteria/namdinh-stnmt-2023.yaml \\
        evidence/so-tnmt-mau-2023.yaml
      parindex score criteria.yaml submissions/*.yaml --summary
    """
    with settled():
        from parindex.cli_tree import print_score
        from parindex.engine import score

        check_order(criteria_file, submission_files)
        criteria = _load_criteria(criteria_file)
    submissions, left_out = load_units(criteria, submission_files, strict=strict)
    reports = [score(criteria, s) for s in submissions]
    if fmt == "text" and not summary and len(reports) == 1 and print_score(reports[0], lang):
        pass  # the same characters (and colours) rich would print, without rich
    elif fmt == "json":
        if len(reports) == 1 and not summary:
            click.echo(reports[0].to_json())
        else:
            click.echo("[" + ",\n".join(r.to_json() for r in reports) + "]")
    elif fmt == "csv":
        from parindex.cli_render import totals_header, totals_rows

        _emit_csv(totals_header(lang), totals_rows(reports, lang), decimal_comma)
    else:
        from parindex.cli_render import print_scores

        print_scores(console(), reports, summary, lang)
    if left_out:
        sys.exit(1)


@main.command("explain")
@click.argument("criteria_file", type=click.Path())
@click.argument("submission_file", type=click.Path())
@click.argument("code")
@options("text", "json")
def explain_command(
    criteria_file: str, submission_file: str, code: str, fmt: str, lang: str
) -> None:
    """Giải thích điểm của một tiêu chí: cách tính, số liệu, tài liệu kiểm chứng.

    \b
    Ví dụ:
      parindex explain criteria/namdinh-stnmt-2023.yaml \\
        evidence/so-tnmt-mau-2023.yaml 1.5
    ---
    Explain one criterion's points: the rule, the figures used, the evidence.

    \b
    Example:
      parindex explain criteria/namdinh-stnmt-2023.yaml \\
        evidence/so-tnmt-mau-2023.yaml 1.5
    """
    from parindex.engine import score
    from parindex.submission import load_submission

    check_order(criteria_file, (submission_file,))
    criteria = _load_criteria(criteria_file)
    report = score(criteria, load_submission(submission_file, criteria))
    try:
        node = report.node(code)
    except KeyError:
        codes = [n.code for n in report.nodes]
        echo_error(
            t(
                f"Không có tiêu chí mã {code}{did_you_mean(code, codes, 3)}",
                f"No criterion {code}"
                + did_you_mean(code, codes, 3)
                .replace("; có phải ý bạn là", "; did you mean")
                .replace(" hoặc ", " or "),
            )
        )
        sys.exit(1)
    if fmt == "json":
        click.echo(node.model_dump_json(indent=2))
    elif not sys.stdout.isatty():  # a file or a pipe: the lines whole
        click.echo(report.explain(code, lang))
    else:  # at a terminal, each line broken between words under its own indent
        for line in report.explain(code, lang).splitlines():
            body = line.lstrip(" ")
            click.echo(wrapped(body, indent=line[: len(line) - len(body)]) if body else line)


# --- review ------------------------------------------------------------------------------


@main.command("review")
@click.argument("criteria_file", type=click.Path())
@click.argument("submission_file", type=click.Path())
@click.option(
    "--all", "show_all", is_flag=True, help="Hiện cả các lưu ý.\n---\nShow the notes too."
)
@options("text", "json", "csv")
@decimal_comma_option
def review_command(
    criteria_file: str,
    submission_file: str,
    show_all: bool,
    fmt: str,
    lang: str,
    decimal_comma: bool,
) -> None:
    """Thẩm định: đối chiếu điểm tự chấm với tài liệu kiểm chứng và quy tắc.

    \b
    Ví dụ:
      parindex review criteria/namdinh-stnmt-2023.yaml \\
        evidence/so-tu-phap-mau-2023.yaml
    ---
    Appraisal review: check the unit's own scores against its evidence and the rules.

    \b
    Example:
      parindex review criteria/namdinh-stnmt-2023.yaml \\
        evidence/so-tu-phap-mau-2023.yaml
    """
    from parindex.messages import label
    from parindex.review import review
    from parindex.submission import load_submission

    check_order(criteria_file, (submission_file,))
    criteria = _load_criteria(criteria_file)
    result = review(criteria, load_submission(submission_file, criteria))
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
    if fmt == "csv":
        header = text(
            "Mức|Loại|Mã|Nội dung|Tự chấm|Theo quy tắc|Thẩm định|Tối đa",
            "Severity|Finding|Criterion|Detail|Self|Computed|Appraised|Max",
            lang,
        ).split("|")
        rows = [
            [
                label("severity", f.severity, lang),
                label("finding", f.code, lang),
                f.criterion,
                f.message_en if lang == "en" else f.message,
                f.self_score,
                f.computed_score,
                f.appraised_score,
                f.max_points,
            ]
            for f in result.sorted_findings()
        ]
        _emit_csv(header, rows, decimal_comma)
        return
    from parindex.cli_render import review_tables

    findings, hidden, summary = review_tables(result, lang, show_all)
    out = console()
    out.print(findings)
    if hidden:
        out.print(
            t(
                f"({hidden} lưu ý ẩn; dùng --all để xem)",
                f"({hidden} notes hidden; --all shows them)",
            )
        )
    out.print(summary)


def _str(value: object) -> str | None:
    return None if value is None else str(value)


# --- Excel score sheets ------------------------------------------------------------------


@main.command("export")
@click.argument("criteria_file", type=click.Path())
@click.argument("submission_files", nargs=-1, required=True, type=click.Path())
@click.option(
    "-o",
    "--output",
    required=True,
    type=click.Path(),
    help="Tệp Excel (.xlsx) ghi ra.\n---\nThe Excel file (.xlsx) to write.",
)
@click.option(
    "--round",
    "round_",
    type=click.IntRange(1, 9),
    default=None,
    help="Vòng thẩm định hiện ở cột Điểm thẩm định (mặc định: vòng cuối)."
    "\n---\nThe appraisal round shown in the appraised column (default: the last).",
)
@click.option(
    "--password",
    default=None,
    help="Mật khẩu bảo vệ trang (mặc định: không).\n---\nSheet protection password (default: none).",
)
@strict_option
@options("text", "json")
def export_command(
    criteria_file: str,
    submission_files: tuple[str, ...],
    output: str,
    round_: int | None,
    password: str | None,
    strict: bool,
    fmt: str,
    lang: str,
) -> None:
    """Xuất bảng điểm ra Excel (.xlsx).

    Một hồ sơ: bảng của đơn vị. Nhiều hồ sơ: trang tổng hợp xếp hạng, mỗi đơn vị một
    trang và trang phát hiện thẩm định.

    \b
    Ví dụ:
      parindex export criteria/namdinh-stnmt-2023.yaml evidence/*-2023.yaml \\
        -o bang-diem.xlsx
    ---
    Export score sheets to Excel (.xlsx).

    One submission: the unit's sheet. Several: a ranked summary sheet, one sheet per
    unit and the appraisal findings.

    \b
    Example:
      parindex export criteria/namdinh-stnmt-2023.yaml evidence/*-2023.yaml \\
        -o scores.xlsx
    """
    from parindex.excel import export_unit, export_workbook

    if Path(output).is_dir():
        raise click.BadParameter(
            t(
                f"{output} là thư mục; đặt tên tệp, ví dụ {Path(output) / 'bang-diem.xlsx'}",
                f"{output} is a directory; name a file, e.g. {Path(output) / 'scores.xlsx'}",
            ),
            param_hint="-o",
        )
    if not output.lower().endswith(".xlsx"):
        raise click.BadParameter(
            t("tệp ghi ra phải có đuôi .xlsx", "the output file must end in .xlsx"), param_hint="-o"
        )
    check_order(criteria_file, submission_files)
    criteria = _load_criteria(criteria_file)
    submissions, left_out = load_units(
        criteria, submission_files, strict=strict, keep_duplicates=False
    )
    from parindex.excel_style import SheetTextCut

    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", SheetTextCut)
        if len(submissions) == 1:
            path = export_unit(
                criteria, submissions[0], output, round=round_, password=password, language=lang
            )
        else:
            path = export_workbook(
                criteria, submissions, output, round=round_, password=password, language=lang
            )
    for warning in caught:  # a text longer than a cell: said, never cut silently
        if isinstance(warning.message, SheetTextCut):
            note = t(str(warning.message), warning.message.message_en)
            click.echo(t("Lưu ý: ", "Note: ") + note, err=True)
    if fmt == "json":
        payload = {"file": str(path), "units": len(submissions), "left_out": left_out}
        click.echo(json.dumps(payload, ensure_ascii=False))
    else:
        click.echo(
            wrapped(
                t(
                    f"Đã ghi bảng điểm của {len(submissions)} đơn vị vào {path}",
                    f"Wrote the score sheets of {many(len(submissions), 'unit')} to {path}",
                )
            )
        )
    if left_out:
        sys.exit(1)


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


def _imported_units(result: Any, targets: list[Path | None]) -> list[dict[str, Any]]:
    """One row per imported unit: its sheet, counts of scores read, the file written."""
    return [
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


IMPORT_HELP = """Nhập bảng điểm Excel đã điền vào hồ sơ.

Không có -o: chỉ kiểm tra bảng và in kết quả, không ghi tệp nào.

\b
Ví dụ:
  parindex import criteria/namdinh-stnmt-2023.yaml bang-diem.xlsx \\
    -o ho-so.yaml
---
Import a filled Excel score sheet into submissions.

Without -o: only check the workbook and print the result; no file is written.

\b
Example:
  parindex import criteria/namdinh-stnmt-2023.yaml scores.xlsx \\
    -o submission.yaml
"""


def _s(count: object) -> str:
    """English's plural ending: "1 appraised score", "0 appraised scores"."""
    return "" if count == 1 else "s"


@main.command("import", help=IMPORT_HELP)
@click.argument("criteria_file", type=click.Path())
@click.argument("workbook_file", type=click.Path())
@click.option(
    "-o",
    "--output",
    type=click.Path(),
    default=None,
    help="Tệp hồ sơ ghi ra (.yaml hoặc .json); thư mục khi bảng có nhiều đơn vị."
    "\n---\nThe submission to write (.yaml or .json); a folder when the workbook has several units.",
)
@click.option(
    "--round",
    "round_",
    type=click.IntRange(1, 9),
    default=None,
    help="Vòng thẩm định nhận điểm thẩm định (mặc định: vòng bảng điểm hiện)."
    "\n---\nThe appraisal round the appraised scores go to (default: the one the sheet shows).",
)
@options("text", "json")
def import_command(
    criteria_file: str,
    workbook_file: str,
    output: str | None,
    round_: int | None,
    fmt: str,
    lang: str,
) -> None:
    """Import a filled Excel score sheet (help: :data:`IMPORT_HELP`)."""
    from parindex.excel_import import import_workbook
    from parindex.excel_layout import WorkbookError

    criteria = _load_criteria(criteria_file)
    try:
        result = import_workbook(criteria, workbook_file, round=round_)
    except WorkbookError as exc:
        if fmt != "json":
            echo_error(error_listed(exc, lang))
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
    units = _imported_units(result, targets)
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
            f"{unit['unit_name']}: {unit['self_scores']} self-score{_s(unit['self_scores'])}, "
            f"{unit['appraised_scores']} appraised score{_s(unit['appraised_scores'])} in "
            f"round\N{NO-BREAK SPACE}{unit['round']}"
            if en
            else f"{unit['unit_name']}: {unit['self_scores']} điểm tự đánh giá, "
            f"{unit['appraised_scores']} điểm thẩm định vòng\N{NO-BREAK SPACE}{unit['round']}"
        )  # a round's number stays with its word
        if unit["file"]:
            line += f" →\N{NO-BREAK SPACE}{unit['file']}"  # the arrow goes with its file
        click.echo(wrapped(line).replace("\N{NO-BREAK SPACE}", " "))
    for warning in result.warnings:
        said = ("warning: " if en else "lưu ý: ") + warning.describe(lang)
        click.echo(wrapped(said), err=True)
    if output is None:
        echo_error(
            wrapped(
                t(
                    "Chưa ghi tệp nào: thêm -o TỆP.yaml (hoặc -o THƯ_MỤC khi bảng có nhiều "
                    "đơn vị) để ghi hồ sơ.",
                    "No file written: add -o FILE.yaml (or -o FOLDER for several units) to save.",
                )
            )
        )
    if not result.complete:  # the other units were imported; these were not
        echo_error(error_listed(WorkbookError(result.problems), lang))
        sys.exit(1)


# --- rank --------------------------------------------------------------------------------


@main.command("rank")
@click.argument("criteria_file", type=click.Path())
@click.argument("submission_dir", type=click.Path())
@click.option(
    "--by",
    type=click.Choice(["group", "level"]),
    default="group",
    show_default=True,
    help="Xếp hạng trong từng nhóm hay từng cấp.\n---\nRank within groups or within levels.",
)
@strict_option
@options("text", "table", "json", "csv")
@decimal_comma_option
def rank_command(
    criteria_file: str,
    submission_dir: str,
    by: str,
    strict: bool,
    fmt: str,
    lang: str,
    decimal_comma: bool,
) -> None:
    """Xếp hạng mọi hồ sơ (*.yaml) trong thư mục SUBMISSION_DIR, theo từng nhóm.

    \b
    Ví dụ:
      parindex rank criteria/namdinh-stnmt-2023.yaml evidence
      parindex rank bo-tieu-chi.yaml ho-so --format csv --decimal-comma \\
        > xep-hang.csv
    ---
    Rank every submission (*.yaml) of the folder SUBMISSION_DIR, within each group.

    \b
    Example:
      parindex rank criteria/namdinh-stnmt-2023.yaml evidence
      parindex rank criteria.yaml submissions --format csv --decimal-comma \\
        > ranking.csv
    """
    from parindex.batch import score_many
    from parindex.cli_render import ranking_tables, records
    from parindex.cli_support import folder_files, load_table
    from parindex.frames import exact
    from parindex.ranking import rank

    criteria = _load_criteria(criteria_file)
    paths = folder_files(submission_dir)
    units, left_out = load_table(criteria, paths, strict=strict)
    table = exact(rank(score_many(criteria, units), criteria, by=by))
    if fmt == "json":
        click.echo(json.dumps(records(table), ensure_ascii=False, indent=2, default=str))
    elif fmt == "csv":
        rows = records(table)
        header = list(rows[0]) if rows else list(table.columns)
        _emit_csv(header, [[row[h] for h in header] for row in rows], decimal_comma)
    else:
        out = console()
        for shown in ranking_tables(table, criteria, language()):
            out.print(shown)
    if left_out:
        sys.exit(1)


def run() -> None:
    """The ``parindex`` program; after a :data:`QUICK_EXIT` command, leave at once."""
    try:
        main()
    except SystemExit as done:
        if isinstance(main, _Group) and main.chosen in QUICK_EXIT:
            exit_now(done.code)
        raise

"""What every ``parindex`` command shares: language and format options, user errors
without tracebacks, safe CSV, progress bars, and one policy for the files it is given.

Heavy modules (pydantic models, pandas, rich) are imported inside the functions that
need them, so ``parindex --help`` answers at once.
"""

from __future__ import annotations

import atexit
import io
import os
import re
import sys
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from functools import wraps
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import click
from click.core import ParameterSource

from parindex.cli_text import columns, language, set_language, wrapped
from parindex.collector import paused
from parindex.errors import ParindexError, Problem, ProblemsError
from parindex.messages import many, os_error, said, text

if TYPE_CHECKING:
    from rich.console import Console

    from parindex.batch_units import Table
    from parindex.criteria import CriteriaSet
    from parindex.submission import Submission

__all__ = [
    "FORMATS",
    "LANGUAGE_HELP",
    "csv_text",
    "echo_error",
    "error_listed",
    "exit_now",
    "file_kind",
    "folder_files",
    "language_option",
    "load_table",
    "load_units",
    "options",
    "problems_listed",
    "problems_said",
    "progress",
    "settled",
    "t",
    "user_errors",
]

F = TypeVar("F", bound=Callable[..., Any])

FORMATS = {"text": "văn bản / text", "json": "JSON", "csv": "CSV (mở bằng Excel)"}


def t(vi: str, en: str) -> str:
    """The Vietnamese or English twin, by the command line's ``--lang``."""
    return text(vi, en, language())


@contextmanager
def settled() -> Iterator[None]:
    """The cycle collector paused while a command imports its modules and loads its
    criteria, and what was made by then frozen (``gc.freeze``: never walked again).

    Those objects (modules, classes, models, the criteria set: some hundred thousand)
    live to the command's end and none is garbage, yet the collector's passes walked
    them again and again: under load, one middle-generation pass during the imports of
    a one-unit ``score`` took 50 ms. Garbage without cycles is still freed at once;
    what a command makes afterwards is collected as usual. ``main`` unfreezes at the
    end for a caller running commands in its own process.
    """
    with paused(freeze=True):
        yield


def exit_now(code: object) -> None:
    """Leave the process at once with ``code`` (a command's ``SystemExit`` code) after
    flushing stdout and stderr and running the ``atexit`` functions: Python's own exit
    would then tear down every module and free some hundred thousand objects one by one
    (a sixth of a one-unit ``score``'s CPU time). Returns, for Python's usual exit, when a
    stream cannot be flushed (its error is then reported as always) or ``code`` is not a
    number. Only :func:`parindex.cli.run` calls it, for commands that write nothing but
    their output (no file of theirs is left to close).
    """
    if code is not None and not isinstance(code, int):
        return
    try:
        sys.stdout.flush()
        sys.stderr.flush()
    except (OSError, ValueError):
        return
    atexit._run_exitfuncs()
    os._exit(code or 0)


def echo_error(message: str) -> None:
    click.echo(message, err=True)


def _os_error(exc: OSError) -> str:
    vi, en = os_error(exc)
    name = "" if exc.filename is None else f"{exc.filename}: "
    return name + t(vi, en)


def problems_listed(
    title: str | None,
    problems: Sequence[Problem],
    lang: str,
    person: bool | None = None,
    width: int | None = None,
) -> str:
    """``title``, then ``problems`` as the command line says them. For tools (standard error
    not a terminal, or ``person`` false) each is its one line ``file:line …``, as ever. A
    person at a terminal gets each wrapped to its width; and a long path (over a third of the
    line) once, on a line of its own, with its problems under it by line number, so that a
    problem line does not run past the width (a path longer than the line stays whole)."""
    if person is None:
        person = sys.stderr.isatty()
    lines = [title] if title else []
    if not person:
        return "\n".join(lines + [f"  {p.describe(lang)}" for p in problems])
    width = width or columns()
    heading = None
    for problem in problems:
        one_line = problem.describe(lang)
        where = f"{problem.file}" + ("" if problem.line is None else f":{problem.line}")
        if not problem.file or len(problem.file) <= width // 3 or not one_line.startswith(where):
            heading = None
            lines.append(wrapped(one_line, width, indent="  "))
            continue
        if problem.file != heading:
            heading = problem.file
            lines.append(f"  {heading}")
        at = (
            ""
            if problem.line is None
            else text(f"dòng {problem.line}: ", f"line {problem.line}: ", lang)
        )
        lines.append(wrapped(at + one_line[len(where) :].lstrip(), width, indent="    "))
    return "\n".join(lines)


def error_listed(exc: ProblemsError, lang: str) -> str:
    """A :class:`ProblemsError` as :func:`problems_listed` says it, under its title."""
    title = exc.title_en if lang == "en" else exc.title_vi
    return problems_listed(f"{title} ({len(exc.problems)}):", exc.problems, lang)


def problems_said(exc: ProblemsError) -> str:
    """A file's problems as the command line says them. A submission of another criteria
    set is said in its one line (``criteria:`` names another set): every code and value of
    it is then unknown to the set read, and listing them (211 lines of the 2023 sample read
    with the 2021 set) would bury the one that matters."""
    other = [p for p in exc.problems if p.kind == "wrong_criteria"]
    if not other:
        return error_listed(exc, language())
    title = exc.title_en if language() == "en" else exc.title_vi
    lines = [f"{title} ({len(exc.problems)}):"]
    lines += [wrapped(problem.describe(language()), indent="  ") for problem in other]
    rest = len(exc.problems) - len(other)
    if rest:
        lines.append(
            wrapped(
                t(
                    f"({rest} lỗi khác không in ra: mã và số liệu của bộ khác)",
                    f"({rest} more not shown: the other set's codes and values)",
                ),
                indent="  ",
            )
        )
    return "\n".join(lines)


def user_errors(function: F) -> F:
    """A user's mistake (bad file, missing file, wrong argument) as a message and exit 1."""

    @wraps(function)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return function(*args, **kwargs)
        except ProblemsError as exc:
            echo_error(problems_said(exc))
        except ParindexError as exc:
            echo_error(str(exc))
        except UnicodeDecodeError as exc:
            echo_error(
                t(
                    f"Tệp không phải văn bản UTF-8 (byte {exc.start}); lưu lại dưới dạng UTF-8",
                    f"File is not UTF-8 text (byte {exc.start}); save it as UTF-8",
                )
            )
        except OSError as exc:
            echo_error(_os_error(exc))
        sys.exit(1)

    return wrapper  # type: ignore[return-value]


LANGUAGE_HELP = (
    "Ngôn ngữ: vi (tiếng Việt) hoặc en (tiếng Anh).\n---\nLanguage: vi (Vietnamese) or en."
)
_LANGUAGE = "parindex.language"
"""The key of the command line's language in :attr:`click.Context.meta` (one dict shared
by the group's context and its command's)."""


def _language_option(ctx: click.Context, param: click.Parameter, value: str) -> str:
    """The language for the whole command line: a command's own ``--lang``, else the
    group's (``parindex --lang en score …``), else ``vi``.

    Where neither was read yet, the language stays as :func:`~parindex.cli_text.install`
    read it from the whole command line: ``parindex score -h --lang en`` shows the help
    (eager, before the command's ``--lang``) in English.
    """
    if param.name is not None and ctx.get_parameter_source(param.name) in (
        ParameterSource.DEFAULT,
        None,
    ):
        if _LANGUAGE not in ctx.meta:
            return value
        value = ctx.meta[_LANGUAGE]
    ctx.meta[_LANGUAGE] = value
    set_language(value)
    return value


def language_option(help: str = LANGUAGE_HELP, *, expose_value: bool = True) -> Callable[[F], F]:
    """``--lang vi|en``, set for the whole command line (:func:`~parindex.cli_text.language`)
    before the other options are read. The group's sets it for the command it runs, whose
    own ``--lang`` wins where both are given; ``expose_value=False`` for the group, whose
    function takes no argument."""
    return click.option(
        "--lang",
        type=click.Choice(["vi", "en"]),
        default="vi",
        show_default=True,
        callback=_language_option,
        is_eager=True,
        expose_value=expose_value,
        help=help,
    )


def options(*formats: str, default: str = "text") -> Callable[[F], F]:
    """``--lang`` and ``--format`` (one of ``formats``), and user errors without tracebacks."""
    shown = ", ".join(f"{f}" for f in formats)

    def decorate(function: F) -> F:
        function = user_errors(function)
        function = click.option(
            "--format",
            "fmt",
            type=click.Choice(list(formats)),
            default=default,
            show_default=True,
            help=f"Định dạng kết quả: {shown}.\n---\nOutput format: {shown}.",
        )(function)
        return language_option()(function)

    return decorate


# --- CSV ---------------------------------------------------------------------------------

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_NUMBER = re.compile(r"^-?\d+([.,]\d+)?$")


def _safe(value: object, decimal_comma: bool) -> str:
    """A CSV cell Excel will not run: text starting like a formula gets a leading quote."""
    if value is None:
        return ""
    shown = str(value)
    if _NUMBER.match(shown):
        return shown.replace(".", ",") if decimal_comma else shown
    if shown.startswith(_FORMULA_START):
        return "'" + shown
    return shown


def csv_text(header: Sequence[str], rows: Iterable[Sequence[object]], decimal_comma: bool) -> str:
    """CSV that Excel opens as UTF-8 (with a BOM), formulas neutralised.

    With ``decimal_comma`` numbers are written ``0,5`` and cells separated by ``;`` (as
    Excel expects in a Vietnamese locale); otherwise ``0.5`` and ``,``.
    """
    import csv  # only when writing CSV: not on a one-unit score's path

    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";" if decimal_comma else ",", lineterminator="\r\n")
    writer.writerow([_safe(h, False) for h in header])
    for row in rows:
        writer.writerow([_safe(cell, decimal_comma) for cell in row])
    return "\ufeff" + buffer.getvalue()


def decimal_comma_option(function: F) -> F:
    return click.option(
        "--decimal-comma",
        is_flag=True,
        help="CSV: số viết 0,5 và ngăn cột bằng ';' (Excel tiếng Việt).\n---\n"
        "CSV: decimal commas (0,5) and ';' between columns (Excel in Vietnamese).",
    )(function)


# --- progress and files -------------------------------------------------------------------


@contextmanager
def progress(label: str, total: int) -> Iterator[Callable[[], None]]:
    """A progress bar on stderr for bulk work, quiet when stderr is not a terminal."""
    if total < 2 or not sys.stderr.isatty():
        yield lambda: None
        return
    from rich.console import Console
    from rich.progress import Progress

    bar = Progress(console=Console(stderr=True), transient=True)
    with bar:
        task = bar.add_task(label, total=total)
        yield lambda: bar.advance(task)


_FORMAT_LINE = re.compile(r"^format:\s*['\"]?parindex\.(criteria|submission)/", re.MULTILINE)


def file_kind(path: str | Path) -> str | None:
    """``"criteria"`` or ``"submission"`` from a file's ``format:`` line (first 8 kB), else None."""
    try:
        with open(path, encoding="utf-8", errors="replace") as handle:
            head = handle.read(8192)
    except OSError:
        return None
    if '"format": "parindex.submission' in head:
        return "submission"
    if '"format": "parindex.criteria' in head:
        return "criteria"
    match = _FORMAT_LINE.search(head)
    return match.group(1) if match else None


def check_order(criteria_file: str, submission_files: Sequence[str]) -> None:
    """Refuse swapped arguments (a submission where the criteria go, or the reverse)."""
    if file_kind(criteria_file) == "submission":
        raise click.UsageError(
            t(
                f"{criteria_file} là hồ sơ tự đánh giá, không phải bộ tiêu chí: "
                "viết tệp tiêu chí trước, rồi các hồ sơ",
                f"{criteria_file} is a submission, not a criteria set: "
                "give the criteria file first, then the submissions",
            )
        )
    for path in submission_files:
        if file_kind(path) == "criteria":
            raise click.UsageError(
                t(
                    f"{path} là bộ tiêu chí, không phải hồ sơ tự đánh giá",
                    f"{path} is a criteria set, not a submission",
                )
            )


def load_units(
    criteria: CriteriaSet,
    paths: Sequence[str | Path],
    *,
    strict: bool = False,
    keep_duplicates: bool = True,
) -> tuple[list[Submission], int]:
    """Load submissions with one policy for every command.

    A file of another set is skipped with one line and counted (``strict``: an error);
    an invalid file is reported and the others still load. Returns the submissions and
    the number of invalid files (the command then exits 1 after doing the rest).
    ``keep_duplicates``: a unit read twice is scored twice (``score``: each file given);
    without it, as for a command that ranks the units (``export``'s summary sheet),
    the later file is a ``duplicate_unit`` problem naming the first, like an invalid file.
    """
    from parindex.folders import read_submissions

    with progress(t("Đọc hồ sơ", "Reading submissions"), len(paths)) as advance:

        def done(files: int) -> None:
            for _ in range(files):
                advance()

        loaded, errors, notes = read_submissions(
            paths, criteria, done=done, keep_duplicates=keep_duplicates
        )
    return loaded, _told(criteria, errors, notes, len(paths), strict=strict, none=not loaded)


def folder_files(submission_dir: str) -> list[Path]:
    """The submissions of a folder (``rank``, ``plan``), the files
    :func:`~parindex.folders.submission_files` reads; a folder that is not one, or holds
    none: an error."""
    from parindex.folders import submission_files

    folder = Path(submission_dir)
    if not folder.is_dir():
        raise ParindexError(
            t(f"{submission_dir}: không phải thư mục hồ sơ", f"{submission_dir}: not a directory")
        )
    paths = submission_files(folder)
    if not paths:
        raise ParindexError(
            t(
                f"{submission_dir}: không có tệp hồ sơ (.yaml, .yml, .json)",
                f"{submission_dir}: no submission files (.yaml, .yml, .json)",
            )
        )
    return paths


def load_table(
    criteria: CriteriaSet, paths: Sequence[str | Path], *, strict: bool = False
) -> tuple[Table, int]:
    """:func:`load_units` for a command that only scores them all (``rank``): the table
    :func:`~parindex.batch.score_many` reads, each reading process sending back columns
    (:func:`parindex.folder_table.read_table`), with the same messages and exit. A unit read
    twice is ranked once: the later file is a ``duplicate_unit`` problem naming the first
    (as :func:`~parindex.results.province_results` and ``score_many`` of a folder say it)."""
    from parindex.folder_table import read_table
    from parindex.folders import cores

    with progress(t("Đọc hồ sơ", "Reading submissions"), len(paths)) as advance:

        def done(files: int) -> None:
            for _ in range(files):
                advance()

        files = [Path(p) for p in paths]
        table, errors, notes = read_table(
            files, criteria, workers=cores(), done=done, keep_duplicates=False
        )
    return table, _told(criteria, errors, notes, len(paths), strict=strict, none=not table.n)


def _told(
    criteria: CriteriaSet,
    errors: list[Problem],
    notes: list[Problem],
    total: int,
    *,
    strict: bool,
    none: bool,
) -> int:
    """Each invalid file's problems and each file of another set said once; how many were
    invalid. ``strict`` with a file of another set, or ``none`` loaded: an error."""
    from parindex.errors import SubmissionError

    by_file: dict[str | None, list[Problem]] = {}
    for problem in errors:
        by_file.setdefault(problem.file, []).append(problem)
    for problems in by_file.values():
        echo_error(error_listed(SubmissionError(problems), language()))
    invalid = len(by_file)
    for note in notes:  # a file of another set
        echo_error(wrapped(said(note, language())))
    skipped = len(notes)
    if skipped or invalid:
        echo_error(
            t(
                f"Đã bỏ qua {skipped} tệp của bộ khác và {invalid} tệp lỗi trên {total} tệp.",
                f"Left out {many(skipped, 'file')} of another set and {invalid} invalid, "
                f"of {many(total, 'file')}.",
            )
        )
    if strict and skipped:
        raise ParindexError(
            t("--strict: dừng vì có tệp của bộ khác", "--strict: stopped, files of another set")
        )
    if none:
        raise ParindexError(t("Không có hồ sơ nào để xử lý", "No submission to process"))
    return invalid


def strict_option(function: F) -> F:
    return click.option(
        "--strict",
        is_flag=True,
        help="Dừng (mã 1) nếu có tệp bị bỏ qua.\n---\nFail (status 1) when any file is left out.",
    )(function)


def console() -> Console:
    """Piped output (a file, a CI log) gets a readable width instead of rich's default 80,
    unless ``$COLUMNS`` says the width (rich reads it when given none)."""
    from rich.console import Console

    columns = os.environ.get("COLUMNS", "")
    chosen = sys.stdout.isatty() or (columns.isdigit() and int(columns) > 0)
    return Console(highlight=False, soft_wrap=False, width=None if chosen else 120)

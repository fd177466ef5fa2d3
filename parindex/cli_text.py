"""Click's own words (usage, help, errors) in Vietnamese, English under ``--lang en``.

Click writes its messages through ``gettext`` bound at import in each of its modules;
:func:`install` points those bindings at this table, so ``Options:``, ``Usage:`` and
``Error: No such option`` read as Vietnamese unless the command line asks for English.

The commands' own help (a command's text, an option's help) is written Vietnamese first,
then a line ``---``, then the English twin; :func:`pick` keeps the language of the command
line, and :class:`HelpFormatter` (installed as Click's formatter) applies it to every help
page, so ``parindex score -h`` is Vietnamese and ``parindex score -h --lang en`` English.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Iterable, Sequence
from typing import IO

import click

__all__ = [
    "CLICK_VI",
    "HelpFormatter",
    "columns",
    "command_rows",
    "gettext",
    "install",
    "language",
    "pick",
    "set_language",
    "wrapped",
]

SEPARATOR = "\n---\n"
"""Between the Vietnamese and the English of a help text (indented in a docstring)."""
_SPLIT = re.compile(r"\n[ \t]*---[ \t]*\n")

_state = {"language": "vi"}

CLICK_VI: dict[str, str] = {
    "Usage:": "Cách dùng:",
    "Options": "Tùy chọn",
    "Commands": "Lệnh",
    "Positional arguments": "Tham số",
    "Show this message and exit.": "Hiện hướng dẫn này rồi thoát.",
    "Show the version and exit.": "Hiện phiên bản rồi thoát.",
    "%(prog)s, version %(version)s": "%(prog)s, phiên bản %(version)s",
    "Error: {message}": "Lỗi: {message}",
    "Try '{command} {option}' for help.": "Xem hướng dẫn: '{command} {option}'.",
    "No such option {name!r}.": "Không có tùy chọn {name!r}.",
    "No such command {name!r}.": "Không có lệnh {name!r}.",
    "Did you mean {possibility}?": "Có phải ý bạn là {possibility}?",
    "(Did you mean one of: {possibilities}?)": "(Có phải ý bạn là một trong: {possibilities}?)",
    "Missing argument": "Thiếu tham số",
    "Missing option": "Thiếu tùy chọn",
    "Missing parameter": "Thiếu tham số",
    "Missing parameter: {param_name}": "Thiếu tham số: {param_name}",
    "Missing command.": "Thiếu lệnh.",
    "Missing {param_type}": "Thiếu {param_type}",
    "Invalid value for {param_hint}: {message}": "Giá trị không hợp lệ cho {param_hint}: {message}",
    "Invalid value: {message}": "Giá trị không hợp lệ: {message}",
    "Option {name!r} does not take a value.": "Tùy chọn {name!r} không nhận giá trị.",
    "Option {name!r} requires an argument.": "Tùy chọn {name!r} cần một giá trị.",
    "Option {name!r} requires {nargs} arguments.": "Tùy chọn {name!r} cần {nargs} giá trị.",
    "Got unexpected extra argument ({args})": "Thừa tham số ({args})",
    "Got unexpected extra arguments ({args})": "Thừa các tham số ({args})",
    "Argument {name!r} takes {nargs} values.": "Tham số {name!r} nhận {nargs} giá trị.",
    "{value!r} is not {choice}.": "{value!r} không phải {choice}.",
    "{value!r} is not one of {choices}.": "{value!r} không thuộc {choices}.",
    "{value!r} is not a valid {number_type}.": "{value!r} không phải {number_type} hợp lệ.",
    "{value} is not in the range {range}.": "{value} không nằm trong khoảng {range}.",
    "{name} {filename!r} does not exist.": "{name} {filename!r} không tồn tại.",
    "{name} {filename!r} is a directory.": "{name} {filename!r} là thư mục.",
    "{name} {filename!r} is a file.": "{name} {filename!r} là tệp, không phải thư mục.",
    "{name} {filename!r} is not readable.": "{name} {filename!r} không đọc được.",
    "{name} {filename!r} is not writable.": "{name} {filename!r} không ghi được.",
    "Could not open file {filename!r}: {message}": "Không mở được tệp {filename!r}: {message}",
    "file": "tệp",
    "directory": "thư mục",
    "path": "đường dẫn",
    "default: {default}": "mặc định: {default}",
    "required": "bắt buộc",
    "env var: {var}": "biến môi trường: {var}",
    "Aborted!": "Đã dừng.",
    "integer": "số nguyên",
    "integer range": "khoảng số nguyên",
    "text": "văn bản",
}


def language() -> str:
    """The language of the current command line (``vi`` unless ``--lang en``)."""
    return _state["language"]


def set_language(value: str) -> None:
    _state["language"] = "en" if value == "en" else "vi"


def language_of(args: Sequence[str]) -> str:
    """``--lang en`` or ``--lang=en`` anywhere on the command line (read before Click parses)."""
    for index, arg in enumerate(args):
        if arg == "--lang" and index + 1 < len(args):
            return "en" if args[index + 1] == "en" else "vi"
        if arg.startswith("--lang="):
            return "en" if arg.split("=", 1)[1] == "en" else "vi"
    return "vi"


def columns() -> int:
    """The width a message is laid out to: ``$COLUMNS`` or standard output's terminal, else
    standard error's (where messages go), else 80 (as rich lays out tables)."""
    import os
    import shutil

    width = shutil.get_terminal_size((0, 0)).columns  # COLUMNS, or standard output
    if not width:
        try:
            width = os.get_terminal_size(sys.stderr.fileno()).columns
        except (AttributeError, OSError, ValueError):
            width = 80
    return width


def wrapped(text: str, width: int | None = None, indent: str = "") -> str:
    """``text`` broken between words to the terminal's width (80 when neither output is a
    terminal, as rich lays out tables), its first line indented by ``indent`` and continued
    lines two spaces more. A path or a set id is never cut: a word longer than the line stays
    whole."""
    import textwrap

    return textwrap.fill(
        text,
        max(40, width or columns()),
        initial_indent=indent,
        subsequent_indent=indent + "  ",
        break_long_words=False,
        break_on_hyphens=False,
    )


def pick(text: str, lang: str | None = None) -> str:
    """The part of a ``Vietnamese\\n---\\nEnglish`` help text in the command line's language.

    Click appends ``  [default: …]`` after an option's help: it stays with either part.
    A text without the separator is returned as it is.
    """
    parts = _SPLIT.split(text, maxsplit=1)
    if len(parts) == 1:
        return text
    vi, en = parts
    head, bracket, tail = en.rpartition("  [")
    extra = ""
    if bracket and tail.endswith("]") and "\n" not in tail:
        en, extra = head, bracket + tail
    return (en if (lang or language()) == "en" else vi).strip("\n ") + extra


_METAVARS = (
    ("OPTIONS", "TÙY CHỌN"),
    ("ARGS", "THAM SỐ"),
    ("COMMAND", "LỆNH"),
    ("INTEGER RANGE", "KHOẢNG SỐ NGUYÊN"),
    ("INTEGER", "SỐ NGUYÊN"),
    ("DIRECTORY", "THƯ MỤC"),
    ("PATH", "ĐƯỜNG DẪN"),
    ("FILE", "TỆP"),
    ("TEXT", "VĂN BẢN"),
)
"""Click names a value's type when a command is built, in the language of that moment:
the formatter writes them again in the language of the help page."""


def _term(term: str) -> str:
    en = language() == "en"
    for english, vietnamese in _METAVARS:
        old, new = (vietnamese, english) if en else (english, vietnamese)
        term = re.sub(rf"(?<![\w-]){old}(?![\w-])", new, term)
    return term


def _clicks_own(text: str) -> str:
    """A text of Click's own built before the language was known (the help option's)."""
    if language() == "en":
        return next((en for en, vi in CLICK_VI.items() if vi == text), text)
    return CLICK_VI.get(text, text)


class HelpFormatter(click.HelpFormatter):
    """Click's formatter, writing each help text in the command line's language."""

    def write_text(self, text: str) -> None:
        super().write_text(pick(text))

    def write_usage(self, prog: str, args: str = "", prefix: str | None = None) -> None:
        super().write_usage(prog, _term(args), prefix)

    def write_dl(
        self, rows: Iterable[tuple[str, str]], col_max: int = 30, col_spacing: int = 2
    ) -> None:
        shown = [(_term(term), _clicks_own(pick(text))) for term, text in rows]
        super().write_dl(shown, col_max, col_spacing)


def short_help(command: click.Command, limit: int) -> str:
    """A command's line in a command list, in the command line's language, never cut: the
    first sentence of its help, or what it says before a colon when the sentence is
    longer than ``limit`` ("Giải thích điểm của một tiêu chí", not "Giải thích điểm của một
    tiêu chí: cách tính, số liệu, tài..."); else the sentence whole, on two lines (a head
    under 20 characters, "Thẩm định", says too little)."""
    if command.short_help:
        return pick(command.short_help)
    paragraph = " ".join(pick(command.help or "").strip().split("\n\n", 1)[0].split())
    first = paragraph.split(". ", 1)[0].rstrip(".")
    head = first.split(": ", 1)[0]
    return head if len(first) > limit and 20 <= len(head) < len(first) else first


def command_rows(
    commands: Iterable[tuple[str, click.Command]], limit: int
) -> list[tuple[str, str]]:
    return [(name, short_help(command, limit)) for name, command in commands]


def _gettext(message: str) -> str:
    if _state["language"] == "en":
        return message
    return CLICK_VI.get(message, message)


def gettext(message: str) -> str:
    """Click's own words (``Options``, ``Commands`` …) in the command line's language."""
    return _gettext(message)


def _ngettext(singular: str, plural: str, count: int) -> str:
    return _gettext(singular if count == 1 else plural)


def _echo_wrapped(
    message: object = None,
    file: IO[str] | None = None,
    nl: bool = True,
    err: bool = False,
    color: bool | None = None,
) -> None:
    """Click's ``echo`` for its errors (``Error: Invalid value for '--format': 'xx' is not
    one of …`` ran to 88 columns): each line broken between words at the terminal's width
    (:func:`wrapped`: a path stays whole)."""
    if isinstance(message, str):
        message = "\n".join(wrapped(line) if line.strip() else line for line in message.split("\n"))
    click.utils.echo(message, file, nl, err, color)


def install(args: Sequence[str] | None = None) -> None:
    """Point Click's message lookups at :data:`CLICK_VI` (English with ``--lang en``), and
    its errors at :func:`_echo_wrapped`."""
    set_language(language_of(sys.argv[1:] if args is None else args))
    click.Context.formatter_class = HelpFormatter
    setattr(click.exceptions, "echo", _echo_wrapped)  # noqa: B010 - the global show() calls

    for name in ("core", "decorators", "exceptions", "formatting", "parser", "types", "utils"):
        module = getattr(click, name, None) or sys.modules.get(f"click.{name}")
        if module is None:
            continue
        if hasattr(module, "_"):
            setattr(module, "_", _gettext)  # noqa: B010 - the module global Click looks up
        if hasattr(module, "ngettext"):
            setattr(module, "ngettext", _ngettext)  # noqa: B010

"""Click's own words (usage, help, errors) in Vietnamese, English under ``--lang en``.

Click writes its messages through ``gettext`` bound at import in each of its modules;
:func:`install` points those bindings at this table, so ``Options:``, ``Usage:`` and
``Error: No such option`` read as Vietnamese unless the command line asks for English.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence

__all__ = ["CLICK_VI", "install", "language", "set_language"]

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
    "Aborted!": "Đã dừng.",
    "integer": "số nguyên",
    "integer range": "khoảng số nguyên",
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


def _gettext(message: str) -> str:
    if _state["language"] == "en":
        return message
    return CLICK_VI.get(message, message)


def _ngettext(singular: str, plural: str, count: int) -> str:
    return _gettext(singular if count == 1 else plural)


def install(args: Sequence[str] | None = None) -> None:
    """Point Click's message lookups at :data:`CLICK_VI` (English with ``--lang en``)."""
    set_language(language_of(sys.argv[1:] if args is None else args))
    import click

    for name in ("core", "decorators", "exceptions", "formatting", "parser", "types", "utils"):
        module = getattr(click, name, None) or sys.modules.get(f"click.{name}")
        if module is None:
            continue
        if hasattr(module, "_"):
            setattr(module, "_", _gettext)  # noqa: B010 - the module global Click looks up
        if hasattr(module, "ngettext"):
            setattr(module, "ngettext", _ngettext)  # noqa: B010

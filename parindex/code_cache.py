"""The source text Python compiles on every start of the program, compiled once.

Making a dataclass compiles its methods from text (``dataclasses`` ``exec``s the source of
each ``__init__``, ``__repr__``, ``__eq__`` …), ``typing`` compiles each string annotation
of a ``TypedDict`` or a generic (``ForwardRef``). The same texts on every start: a one-unit ``score`` compiled 489 methods and 990 annotations
(parindex's classes, pydantic's and pydantic-core's), a quarter of the whole process's
instructions in Python's parser and compiler. Regular expressions likewise: ``re`` parses
each pattern and makes its program in Python (35 patterns compiled after the command
line's import, 4 % of the process).

:func:`install` (the ``parindex`` program only, never a library user's process) gives
those two modules an ``exec`` and a ``compile`` of their own (a module's
globals come before the builtins): each looks the text up in a table of code objects
read from the cache directory, and runs the code object found — the very object
``compile`` makes of that text, with the flags the calling module's own compile has (none:
neither module imports anything from ``__future__``). A text not in the table is
compiled as before, and remembered; at the process's end, if any was new, the table is
written again (this run's texts first, then earlier runs' up to :data:`MAX_ENTRIES`).
Once the table is read, ``re._compiler.compile`` is given one that keeps a text pattern's
program (the list of codes, groups and names ``_sre.compile`` takes) the same way, on
Python 3.11 only, whose private body it repeats.

The table is ``marshal`` data (code objects), sealed as every entry of parindex's caches
(:func:`parindex.cache.sealed`: HMAC-SHA-256 with the per-user key, over this Python's
version): one written by anyone else, damaged, or of another Python is never loaded, only
compiled afresh. The table is read at the first text looked up, so a command that
compiles none (``--help``) never reads it. ``PARINDEX_CACHE=off`` turns it off with the other caches; the file
(``code/<python>.bin``) is safe to delete.
"""

from __future__ import annotations

import _sre  # type: ignore[import-not-found]
import atexit
import builtins
import marshal
import re
import sys
import types
from collections.abc import Callable
from pathlib import Path
from typing import Any

__all__ = ["MAX_BYTES", "MAX_ENTRIES", "CodeTable", "install", "stamp", "uninstall"]

MAX_ENTRIES = 20_000
"""Texts a table keeps at most (this run's first)."""
MAX_BYTES = 16 * 1024 * 1024
"""A table larger is neither read nor written."""
_KIND = "code"
_compile = builtins.compile
_exec = builtins.exec
_COMPILE_PATTERN = re._compiler.compile  # type: ignore[attr-defined]
_PATTERNS_AS_IN = (3, 11)
"""The Python whose ``re._compiler.compile`` body :func:`_patterns` repeats step by step (a
private module): on any other, patterns are compiled by ``re`` itself, as always."""

Key = tuple[str, str, str]
"""A text's key: its mode (``exec``, ``eval``), its file name and the text; for a regular
expression ``re``, its flags and the pattern."""


def stamp() -> str:
    """What a code object depends on besides its text: this Python (its version and build)
    and its optimisation level (``-O`` compiles ``assert`` away)."""
    return f"{sys.version}\0{sys.implementation.cache_tag}\0{sys.flags.optimize}"


class CodeTable:
    """Code objects by their text, read from and written to one sealed file."""

    def __init__(self, directory: Path | None) -> None:
        self.directory = directory
        self.file = (
            None if directory is None else directory / _KIND / f"{sys.implementation.cache_tag}.bin"
        )
        self.found: dict[Key, Any] | None = None  # read at the first look-up
        self.used: dict[Key, Any] = {}
        self.on_read: Callable[[], None] | None = None  # called once the table is read
        self.new = 0  # texts compiled (not found in the table)
        self.written = 0  # of them, when the table was last written

    def _read(self) -> dict[Key, Any]:
        from parindex.cache import opened

        if self.file is None or self.directory is None:
            return {}
        try:
            if self.file.stat().st_size > MAX_BYTES:
                return {}
            blob = self.file.read_bytes()
        except OSError:
            return {}
        body = opened(self.directory, _KIND, self.file.name, blob, stamp())
        if body is None:
            return {}  # damaged, another user's or another Python's: compiled afresh
        try:
            table = marshal.loads(body)  # sealed by us above: our own code objects
        except (EOFError, ValueError, TypeError):  # pragma: no cover - sealed, so ours
            return {}
        return table if isinstance(table, dict) else {}

    def code(self, source: str, filename: str, mode: str) -> types.CodeType:
        """``compile(source, filename, mode)`` with no inherited flags, from the table when
        the text was compiled before."""
        key = (mode, filename, source)
        code = self.found_value(key)
        if code is None:
            code = _compile(source, filename, mode, 0, True)
            self.remember(key, code)
        return code  # type: ignore[no-any-return]

    def found_value(self, key: Key) -> Any:
        """What the table keeps under ``key`` (``None``: nothing yet)."""
        value = self.used.get(key)
        if value is None:
            if self.found is None:
                self.found = self._read()
                if self.on_read is not None:
                    self.on_read()
            value = self.found.get(key)
            if value is not None:
                self.used[key] = value
        return value

    def remember(self, key: Key, value: Any) -> None:
        """Keep ``value`` (marshal data) under ``key``: written at the process's end."""
        self.used[key] = value
        self.new += 1

    def save(self) -> bool:
        """Write the table if this run compiled a text it lacked; whether it was written."""
        if self.new == self.written or self.file is None or self.directory is None:
            return False
        from parindex.cache import put, sealed

        table = dict(self.used)
        for key, code in (self.found or {}).items():
            if len(table) >= MAX_ENTRIES:
                break
            table.setdefault(key, code)
        body = marshal.dumps(table)
        if len(body) > MAX_BYTES:
            body = marshal.dumps(self.used)
        try:
            blob = sealed(self.directory, _KIND, self.file.name, body, stamp())
        except OSError:  # a read-only home: compiled afresh next time, same results
            return False
        self.written = self.new
        return len(blob) <= MAX_BYTES and put(self.file, blob)


def _shadows(table: CodeTable) -> dict[str, dict[str, Any]]:
    """The ``exec`` and ``compile`` each module is given (the builtins' own signatures;
    anything but a plain text goes to the builtin unchanged)."""

    def exec_(source: Any, globals: Any = None, locals: Any = None, /) -> None:
        if type(source) is str:
            if globals is None:  # the caller's, as the builtin would take them
                frame = sys._getframe(1)
                globals, locals = frame.f_globals, frame.f_locals if locals is None else locals
            source = table.code(source, "<string>", "exec")
        _exec(source, globals, locals)

    def compile_(
        source: Any,
        filename: Any,
        mode: str,
        flags: int = 0,
        dont_inherit: bool = False,
        optimize: int = -1,
    ) -> Any:
        if type(source) is str and type(filename) is str and not flags and optimize == -1:
            return table.code(source, filename, mode)
        return _compile(source, filename, mode, flags, dont_inherit, optimize)

    return {"dataclasses": {"exec": exec_}, "typing": {"compile": compile_}}


def _patterns(table: CodeTable) -> Callable[..., re.Pattern[Any]]:
    """``re._compiler.compile`` with the table: a text pattern's compiled program (what
    ``_sre.compile`` is given) kept under the pattern and its flags; the rest of its body
    as Python 3.11's, each step its own (so a bad pattern raises as always)."""
    from re import _compiler, _parser  # type: ignore[attr-defined]

    original = _compiler.compile

    def compile_(p: Any, flags: int = 0) -> re.Pattern[Any]:
        if type(p) is not str or type(flags) is not int or flags & _compiler.SRE_FLAG_DEBUG:
            return original(p, flags)  # type: ignore[no-any-return]
        key = ("re", str(flags), p)
        found = table.found_value(key)
        if found is None:
            parsed = _parser.parse(p, flags)
            code = _compiler._code(parsed, flags)
            groupindex = parsed.state.groupdict
            indexgroup: list[str | None] = [None] * parsed.state.groups
            for name, index in groupindex.items():
                indexgroup[index] = name
            found = (
                int(flags | parsed.state.flags),
                [int(c) for c in code],
                parsed.state.groups - 1,
                dict(groupindex),
                tuple(indexgroup),
            )
            table.remember(key, found)
        return _sre.compile(p, *found)  # type: ignore[no-any-return]

    return compile_


def install() -> CodeTable | None:
    """Give ``dataclasses`` and ``typing`` the table's ``exec`` and ``compile``, and write
    the table at the process's end. ``None`` when the caches are off, or when one of those
    modules already has a name of its own there (left alone)."""
    import dataclasses
    import typing

    from parindex.cache_home import cache_directory

    directory = cache_directory()
    if directory is None:
        return None
    modules = {"dataclasses": dataclasses, "typing": typing}
    if any(name in vars(modules[m]) for m in modules for name in ("exec", "compile")):
        return None
    from re import _compiler  # type: ignore[attr-defined]

    if _compiler.compile is not _COMPILE_PATTERN:
        return None  # another program's: left alone
    table = CodeTable(directory)
    for module, names in _shadows(table).items():
        for name, function in names.items():
            setattr(modules[module], name, function)
    # Patterns through the table once it is read (a dataclass or an annotation asked for
    # it): a command that compiles neither (--help) never reads it for a pattern.
    if sys.version_info[:2] == _PATTERNS_AS_IN:
        table.on_read = lambda: setattr(_compiler, "compile", _patterns(table))
    atexit.register(table.save)
    return table


def uninstall(table: CodeTable) -> None:
    """Take out what :func:`install` put in (for tests running in one process)."""
    import dataclasses
    import typing
    from re import _compiler  # type: ignore[attr-defined]

    atexit.unregister(table.save)
    vars(dataclasses).pop("exec", None)
    vars(typing).pop("compile", None)
    _compiler.compile = _COMPILE_PATTERN

"""The source text Python compiles on every start of the program, compiled once.

Making a dataclass compiles its methods from text (``dataclasses`` ``exec``s the source of
each ``__init__``, ``__repr__``, ``__eq__`` …), ``typing`` compiles each string annotation
of a ``TypedDict`` or a generic (``ForwardRef``). The same texts on every start: a one-unit ``score`` compiled 489 methods and 990 annotations
(parindex's classes, pydantic's and pydantic-core's), a quarter of the whole process's
instructions in Python's parser and compiler.

:func:`install` (the ``parindex`` program only, never a library user's process) gives
those two modules an ``exec`` and a ``compile`` of their own (a module's
globals come before the builtins): each looks the text up in a table of code objects
read from the cache directory, and runs the code object found — the very object
``compile`` makes of that text, with the flags the calling module's own compile has (none:
neither module imports anything from ``__future__``). A text not in the table is
compiled as before, and remembered; at the process's end, if any was new, the table is
written again (this run's texts first, then earlier runs' up to :data:`MAX_ENTRIES`).

The table is ``marshal`` data (code objects), sealed as every entry of parindex's caches
(:func:`parindex.cache.sealed`: HMAC-SHA-256 with the per-user key, over this Python's
version): one written by anyone else, damaged, or of another Python is never loaded, only
compiled afresh. The table is read at the first text looked up, so a command that
compiles none (``--help``) never reads it. ``PARINDEX_CACHE=off`` turns it off with the other caches; the file
(``code/<python>.bin``) is safe to delete.
"""

from __future__ import annotations

import atexit
import builtins
import marshal
import sys
import types
from pathlib import Path
from typing import Any

__all__ = ["MAX_BYTES", "MAX_ENTRIES", "CodeTable", "install", "stamp"]

MAX_ENTRIES = 20_000
"""Texts a table keeps at most (this run's first)."""
MAX_BYTES = 16 * 1024 * 1024
"""A table larger is neither read nor written."""
_KIND = "code"
_compile = builtins.compile
_exec = builtins.exec

Key = tuple[str, str, str]
"""A text's key: its mode (``exec``, ``eval``), its file name and the text."""


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
        self.found: dict[Key, types.CodeType] | None = None  # read at the first look-up
        self.used: dict[Key, types.CodeType] = {}
        self.new = 0  # texts compiled (not found in the table)
        self.written = 0  # of them, when the table was last written

    def _read(self) -> dict[Key, types.CodeType]:
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
        code = self.used.get(key)
        if code is None:
            if self.found is None:
                self.found = self._read()
            code = self.found.get(key)
            if code is None:
                code = _compile(source, filename, mode, 0, True)
                self.new += 1
            self.used[key] = code
        return code

    def save(self) -> bool:
        """Write the table if this run compiled a text it lacked; whether it was written."""
        from parindex.cache import put, sealed

        if self.new == self.written or self.file is None or self.directory is None:
            return False
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


def install() -> CodeTable | None:
    """Give ``dataclasses`` and ``typing`` the table's ``exec`` and ``compile``, and write
    the table at the process's end. ``None`` when the caches are off, or when one of those
    modules already has a name of its own there (left alone)."""
    import dataclasses
    import typing

    from parindex.cache import cache_directory

    directory = cache_directory()
    if directory is None:
        return None
    modules = {"dataclasses": dataclasses, "typing": typing}
    if any(name in vars(modules[m]) for m in modules for name in ("exec", "compile")):
        return None
    table = CodeTable(directory)
    for module, names in _shadows(table).items():
        for name, function in names.items():
            setattr(modules[module], name, function)
    atexit.register(table.save)
    return table

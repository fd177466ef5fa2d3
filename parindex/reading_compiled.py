"""The data of a plain submission read by a compiled parser, or ``None`` to read it in Python.

:func:`~parindex.reading.read_lazily` needs only the data of a file (its lines and texts are
read again, the same, when a problem is located), and most submissions are block mappings of
``key: value`` lines. For such a text :func:`read_compiled` parses it with rapidyaml (C++,
wheels on PyPI), has it written as JSON and reads that with :func:`json.loads` (C): about a
third of the CPU of :func:`~parindex.reading_fast.read_plain`'s Python loop.

rapidyaml reads YAML 1.2 and is lenient where libyaml is not, so it is asked only about texts
on which the two cannot differ, and anything else returns ``None`` (the line reader or the
event stream then reads the file, and finds every problem, with its line, as before):

- every value a single-quoted or plain text, ``true``/``false``/``null``, an integer written
  as JSON writes it, or nothing; no other plain scalar that a YAML reader resolves (a date,
  ``0x1F``, ``1_000``, ``1.5``, ``~``, ``True``, ``inf`` …: their first character or word is
  refused), no sequence, flow, double quote, escape, anchor, alias, tag, block scalar,
  ``?``/``:`` at a line's start, document marker, tab or line break other than ``\\n``;
- no duplicate key, no key over 1 000 characters, no integer over the number bound, and a
  text short enough that no other bound of :class:`~parindex.reading.Bounds` can be reached
  (nodes, depth, text length; only the default bounds);
- rapidyaml parses it and its JSON reads back, with the root a mapping.

``tests/test_reading_compiled.py`` checks the data equal to the event stream's (types and
order) on generated and damaged documents, and ``None`` wherever the event stream finds a
problem. Without the wheel every file takes the Python path.
"""

from __future__ import annotations

import json
import os
import re
import threading
from itertools import chain
from typing import Any

from parindex.reading import BOUNDS, Bounds

__all__ = ["read_compiled"]

try:
    import ryml
except ImportError:  # pragma: no cover - the wheel is a dependency; without it, Python reads
    ryml = None

_UNSURE_CHARS = '&*!|>%@`\t\\"{}[]?~\r\x85\u2028\u2029'
"""Characters that may start YAML other than plain and single-quoted texts (or that rapidyaml
and libyaml read differently); such a text, even in a quoted value, is read in Python."""
_UNSURE_LINE = re.compile(r"\n(?:---|\.\.\.| {60}|:| ?-)")
"""Read in Python: a line starting with a document marker, an indent deep enough to reach the
depth bound, a key left out or a sequence (at any indent: JSON says)."""
_UNSURE_VALUE = re.compile(r": (?:\n|#| )")
"""Read in Python: a ``key:`` with a space or comment after it or a value two spaces on
(:func:`_below` counts the plain ``key:``). Two searches, each finding its first character
with a C loop: they took 45-75 µs a synthetic file where nine ``in`` tests took 116 µs."""
_MAYBE = re.compile(r": +(?:[0-9+\-.]|T(?:rue|RUE)|F(?:alse|ALSE)|N(?:ull|ULL)|[iInN][nNaA])")
"""Where a plain value may be other than text, a JSON integer or a lower-case constant (a
few a file: ``year: 2023``); :data:`_RESOLVED` then says."""
_RESOLVED = re.compile(
    r": +(?:(?!-?(?:0|[1-9][0-9]*) *(?:\n| #))[0-9+\-.]"
    r"|(?:True|TRUE|False|FALSE|Null|NULL|[-+.]?(?i:inf|infinity|nan)) *(?:\n| #))"
)
"""A plain value that may be a number other than a JSON integer, a date, or a constant that
rapidyaml writes as text (``True``) or rewrites (``inf`` as ``.inf``)."""
_LONGEST_KEY = 1000
"""libyaml refuses a key on one line longer than 1 024 characters; rapidyaml does not."""
_quiet: int | None = None
"""``/dev/null``, open for as long as the process runs: rapidyaml prints a parse error on
the standard error stream itself, which a user must not see (the careful reader says it)."""
_QUIETING = threading.Lock()
"""Held while the standard error stream points at ``/dev/null``: two threads reading at once
would otherwise each keep the other's redirect and leave the stream at ``/dev/null`` for
good. While it is held, what any other thread writes there is lost; nothing of parindex's
writes there then (only the reading processes and the command line read files)."""


class _Unsure(Exception):
    """The JSON holds something the event stream would read otherwise: read in Python."""


def _no_float(text: str) -> Any:
    raise _Unsure


def _keys(data: dict[str, Any]) -> int:
    """How many keys the mappings of ``data`` hold, all levels (no lists here); ``-1`` when
    a key is longer than libyaml takes on one line (1 024 characters; rapidyaml takes it)."""
    total, level = 0, [data]
    while level:
        total += sum(map(len, level))
        if max(map(len, chain.from_iterable(level)), default=0) > _LONGEST_KEY:
            return -1
        level = [value for mapping in level for value in mapping.values() if type(value) is dict]
    return total


def read_compiled(text: str, raw: bytes, bounds: Bounds) -> dict[str, Any] | None:
    """The data of ``text`` (decoded from ``raw``) as the event stream builds it, or ``None``
    when it is not the plain block mapping this reads (then read it in Python)."""
    if (
        ryml is None
        or bounds != BOUNDS
        or len(text) > min(bounds.max_text, bounds.max_nodes)
        or any(char in text for char in _UNSURE_CHARS)
    ):
        return None
    lined = "\n" + text + "\n"
    if (
        _UNSURE_LINE.search(lined)
        or _UNSURE_VALUE.search(lined)
        or any(_RESOLVED.match(lined, maybe.start()) for maybe in _MAYBE.finditer(lined))
    ):
        return None
    written = _json(raw[3:] if raw.startswith(b"\xef\xbb\xbf") else raw)
    if not written or "[" in written or '"": ' in written:
        return None  # a sequence, a key left out (no text holds a ``[`` or ``"``)
    most = bounds.max_number
    try:
        data = json.loads(
            written,
            parse_float=_no_float,
            parse_constant=_no_float,
            parse_int=lambda digits: int(digits) if len(digits) <= most else _no_float(digits),
        )
    except (_Unsure, ValueError):
        return None
    if type(data) is not dict or _keys(data) != written.count('": ') or not _below(lined, written):
        return None  # a duplicate key (every key is written ``"key": ``), a long key
    return data


def _below(lined: str, written: str) -> bool:
    """Every ``key:`` at a line's end has a mapping or nothing below it (its value is
    ``{`` or ``null`` in the JSON, less the ``key: null`` written): no value below its key,
    whose first word the patterns above do not see (a date to libyaml, text to rapidyaml)."""
    bare = lined.count(":\n")
    return bare == written.count('": {') + written.count('": null') - lined.count(": null")


def _json(raw: bytes) -> str | None:
    """rapidyaml's JSON of the YAML ``raw``, or ``None`` when it cannot parse it."""
    global _quiet
    with _QUIETING:
        if _quiet is None:
            _quiet = os.open(os.devnull, os.O_WRONLY)
        try:
            saved = os.dup(2)
        except OSError:  # no standard error stream: nothing to keep quiet
            saved = -1
        else:
            os.dup2(_quiet, 2)
        try:
            return _written(raw)
        except Exception:  # rapidyaml's parse error (its own exception classes)
            return None
        finally:
            if saved >= 0:
                os.dup2(saved, 2)
                os.close(saved)


_kept: list[Any] = []
"""This process's one rapidyaml tree and its JSON buffer (a ``bytearray``), made at the first
file and used again for every file (under :data:`_QUIETING`): a tree and a buffer made fresh
for each file took fresh memory from the system each time (page faults of a 10 000-file
read 68 k -> 123 k, session 13), and cost about a third of the parse and the JSON."""


def _written(raw: bytes) -> str:
    """The JSON of ``raw`` written into the kept buffer (grown when short), read as text."""
    if not _kept:
        _kept[:] = [ryml.Tree(), bytearray(1 << 16)]
    tree, buffer = _kept
    tree.clear()
    tree.clear_arena()
    ryml.parse_in_arena(raw, tree)
    failed, size = ryml.emit_json_to_substr(tree, tree.root_id(), buffer)
    if failed:
        buffer = _kept[1] = bytearray(size * 2)
        ryml.emit_json_to_substr(tree, tree.root_id(), buffer)
    return str(memoryview(buffer)[:size], "utf-8")

"""A fast reader for the plain YAML that submissions are written in; anything else it leaves.

:func:`parindex.reading.read_yaml` reads every file through libyaml's event stream, which
makes a Python object for every event (about 800 in a unit's submission). Most files use
a small part of YAML: block mappings and lists, one scalar a line (plain, ``'single'`` or
``"double"`` quoted without escapes), ``{}``/``[]`` and one-level flow mappings and lists
such as ``facts: {co_tthc: true}``, and comments. :func:`read_plain` reads that part line
by line with compiled patterns and returns exactly what the careful reader builds — the
data, the line of every key and item, every scalar's text as written, whether it was
quoted, its line and column — or ``None`` for anything else, and the careful reader then
reads the file: a multi-line or escaped scalar, a block scalar (``|``, ``>``), an anchor,
alias or tag, a ``?`` key, a tab, a document marker, odd indentation, a duplicate key, a
bound reached, a value that cannot be read (an impossible date, a huge number). So every
problem is still found, with the same words and line, by the one careful reader; a
property test checks that the two agree on generated and damaged documents.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from parindex.reading import _CONSTANTS, Bounds, Path, _Bad, resolve_plain

__all__ = ["read_plain"]

Scalars = dict[Path, tuple[str, bool, int, int]]

_KEY = re.compile(
    r"(?:(?P<plain>\w[\w.\-/]*)|'(?P<single>[^']*(?:''[^']*)*)'|\"(?P<double>[^\"\\]*)\")"
    r"(?P<colon>:)(?: +|$)"
)
_ROWS = re.compile(
    r"^(?:( *)(\w[\w.\-/]*):(?:( +)(?:(')([^'\n]*(?:''[^'\n]*)*)'"
    r"|([^\s&*!|>%@`'\"\[\]{},#?:\-][^#:\n]*|-[0-9.][^#:\n]*)))? *|(.*))$",
    re.MULTILINE | re.ASCII,
)
"""Every line, in one call: the common one (``key: value`` with a plain or single-quoted
value, or ``key:``) in parts — indent, key, gap, quote, text, plain text — any other whole.

ASCII classes (a third quicker than Unicode ones over a Vietnamese file): a key with a
letter past ASCII is not the common line, and :meth:`_Reader.line` reads it; a value may
start with a space that is not YAML's (no-break, ideographic: text to YAML, as to
:meth:`_Reader.value`). Control characters never get here (:func:`~parindex.reading.decode`)."""
_SINGLE = re.compile(r"'([^']*(?:''[^']*)*)'(?: +#.*)?")
_SINGLE_OPEN = re.compile(r"[^']*(?:''[^']*)*")
_SINGLE_CLOSE = re.compile(r"([^']*(?:''[^']*)*)'(?: +#.*)?")
_DOUBLE = re.compile(r"\"([^\"\\]*)\"(?: +#.*)?")
_FLOW_KEY = re.compile(
    r" *(?:(?P<plain>\w[\w.\-/]*)|'(?P<single>[^']*(?:''[^']*)*)'|\"(?P<double>[^\"\\]*)\")"
    r"(?P<colon>:) +"
)
_FLOW_SCALAR = re.compile(
    r"(?:'(?P<single>[^']*(?:''[^']*)*)'|\"(?P<double>[^\"\\]*)\""
    r"|(?P<plain>[^\s,\[\]{}#:'\"&*!|>%@`?\-][^,\[\]{}#:]*|-[^\s,\[\]{}#:][^,\[\]{}#:]*))"
)
_FLOW_GAP = re.compile(r" *")
_FLOW_TAIL = re.compile(r"(?: +#.*)?")
_NOT_PLAIN_START = frozenset("&*!|>%@`'\"[]{},#?:")
_RESOLVED_FIRST = frozenset("0123456789+-.")
"""First characters of a plain scalar that may be a number, date or timestamp; a constant
(``true``, ``null``, ``~`` …) is looked up first, and anything else is text."""
_UNREAD = ("\t", "\x85", "\u2028", "\u2029")
_MAX_KEY = 1000
"""libyaml refuses a key on one line longer than 1024 characters; longer ones are left to it."""


class _Defer(Exception):
    """Outside the subset read here: the careful reader reads the file."""


class _Frame:
    __slots__ = ("container", "indent", "is_map", "path")

    def __init__(self, container: dict[str, Any] | list[Any], indent: int, path: Path) -> None:
        self.container = container
        self.indent = indent
        self.is_map = type(container) is dict
        self.path = path


def read_plain(
    text: str, bounds: Bounds, *, places: bool = True
) -> tuple[Any, dict[Path, int], Scalars] | None:
    """The data, lines and scalars :func:`~parindex.reading.read_yaml` would build, or
    ``None`` when the text is outside the subset read here (then read it carefully).

    ``places=False``: the data only (the lines and scalars returned are partial, to be
    ignored) — a third quicker, for a source whose places are read again when asked.
    """
    if any(char in text for char in _UNREAD):
        return None
    if "\r" in text:
        if text.count("\r") != text.count("\r\n"):
            return None
        text = text.replace("\r\n", "\n")
    reader = _Reader(bounds)
    reader.places = places
    try:
        return reader.run(text)
    except _Defer:
        return None


def _key_text(match: re.Match[str]) -> str:
    plain = match.group("plain")
    if plain is not None:
        return plain
    single = match.group("single")
    return single.replace("''", "'") if single is not None else match.group("double")


def _skip(rows: Iterator[Any], count: int) -> None:
    """Pass the next ``count`` rows: lines already read as part of a scalar."""
    for _ in range(count):
        next(rows)


def _resolved(plain: str, bounds: Bounds) -> Any:
    """A plain scalar that may be other than text, resolved (or deferred to the careful reader)."""
    try:
        return resolve_plain(plain, bounds)
    except _Bad:
        raise _Defer from None


class _Reader:
    """One file's lines read into plain data; raises :class:`_Defer` outside the subset."""

    def __init__(self, bounds: Bounds) -> None:
        self.bounds = bounds
        self.places = True
        """Keep each line and scalar by path (else only what the rare lines keep)."""
        self.lines: dict[Path, int] = {}
        self.scalars: Scalars = {}
        self.stack: list[_Frame] = []
        self.nodes = 0
        self.root: Any = None
        # A key whose value is on the lines below: its mapping, key, line, empty column;
        # at first, the document's root (no mapping).
        self.pending: tuple[_Frame | None, str, int, int] | None = (None, "", 0, 0)
        self.source: list[str] = []
        self.at = 0
        """The next line of ``source`` to read (a scalar over several lines reads on)."""

    def run(self, text: str) -> tuple[Any, dict[Path, int], Scalars]:
        self.source = lines = text.split("\n")
        scalars, where, bounds, places = self.scalars, self.lines, self.bounds, self.places
        total = len(lines)
        longest = min(_MAX_KEY, bounds.max_text)
        short = max(map(len, lines)) <= longest  # then no text on a line is past a bound
        rows = iter(_ROWS.findall(text))
        nodes, at, most, waiting = 0, 0, bounds.max_nodes, False
        stack, depth = self.stack, bounds.max_depth
        # The open mapping the last line went to (its indent, -1 when unknown), kept here.
        frame: _Frame | None = None
        container: dict[str, Any] = {}
        base: Path
        base, top = (), -1
        for spaces, key, gap, quote, single, plain, _ in rows:
            at += 1
            if nodes > most:
                raise _Defer  # too many nodes: the careful reader says where
            if not key or (not short and len(key) + len(single) + len(plain) > longest):
                self.at = at
                self.line(lines[at - 1].rstrip(" "))
                _skip(rows, self.at - at)  # lines read as part of a scalar
                at, most, waiting, top = self.at, bounds.max_nodes - self.nodes, False, -1
                continue
            # The common line, ``key: value`` or ``key:`` in a mapping, read without a call.
            indent = len(spaces)
            if waiting and indent > top and len(stack) < depth:
                # The first line of a mapping opened by the ``key:`` above (what ``open``,
                # ``push`` and ``settle`` do, without their calls): a self-score's lines.
                owner, above = frame, self.pending[1]  # type: ignore[index]
                container = {}
                frame = _Frame(container, indent, (*base, above) if places else base)
                stack.append(frame)
                owner.container[above] = container  # type: ignore[union-attr,index]
                self.pending, waiting, top, base = None, False, indent, frame.path
                self.nodes += 1
                most -= 1
            elif waiting or indent != top:
                if waiting or self.pending is not None:
                    self.open(indent, False, at)
                    waiting, most = False, bounds.max_nodes - self.nodes
                    frame = self.settle(indent, dash=False)
                elif (
                    indent < stack[-1].indent
                    and len(stack) > 1
                    and (outer := stack[-2]).indent == indent
                    and outer.is_map
                ):  # back to the mapping one level up (a self-score ended): what
                    stack.pop()  # ``settle`` does then, without its call
                    frame = outer
                else:
                    frame = self.settle(indent, dash=False)
                top, base = indent, frame.path
                container = frame.container  # type: ignore[assignment]
            if key in container:
                raise _Defer
            path = (*base, key) if places else base
            if places:
                where[path] = at
            if quote:
                nodes += 2
                text = single.replace("''", "'") if "'" in single else single
                container[key] = text
                if places:
                    scalars[path] = (text, True, at, indent + len(key) + len(gap) + 2)
            elif not gap:
                nodes += 1
                self.pending, waiting = (frame, key, at, indent + len(key) + 2), True
            elif at < total and lines[at][: indent + 1].isspace():
                nodes += 1  # it may go on below: read as any other value
                self.at = at
                start = indent + len(key) + 1 + len(gap)
                value = self.value(lines[at - 1].rstrip(" "), start, at, path, indent)
                container[key] = value
                _skip(rows, self.at - at)
                at, most = self.at, bounds.max_nodes - self.nodes
            else:
                nodes += 2
                if plain[-1] == " ":
                    plain = plain.rstrip(" ")
                if places:
                    scalars[path] = (plain, False, at, indent + len(key) + len(gap) + 2)
                if plain in _CONSTANTS:
                    container[key] = _CONSTANTS[plain]
                elif plain[0] not in _RESOLVED_FIRST:
                    container[key] = plain
                else:
                    container[key] = _resolved(plain, bounds)
        return self.end(at, nodes)

    def end(self, at: int, nodes: int) -> tuple[Any, dict[Path, int], Scalars]:
        """The document read to its end: a last ``key:`` closed, the bounds checked once more."""
        self.at = at
        if self.pending is not None:
            if self.pending[0] is None:
                raise _Defer  # nothing but comments: rare, read carefully
            self.empty()
        if not self.lines or nodes > self.bounds.max_nodes - self.nodes:
            raise _Defer  # an empty document or a lone scalar (rare), or too many nodes
        return self.root, self.lines, self.scalars

    def line(self, line: str) -> None:
        """Any line but the common one (already without its trailing spaces)."""
        rest = line.lstrip(" ")
        if not rest or rest[0] == "#":
            return
        indent = len(line) - len(rest)
        dash = rest[0] == "-" and (len(rest) == 1 or rest[1] == " ")
        if self.pending is not None:
            self.open(indent, dash, self.at)
        elif not self.stack:
            raise _Defer  # content after the root closed, or a root scalar
        top = self.stack[-1]
        if top.indent != indent or not top.is_map or dash:
            top = self.settle(indent, dash)
        if top.is_map:
            self.entry(top, line, indent, self.at)
        elif len(rest) == 1:
            raise _Defer
        else:
            self.item(top, line, indent, self.at)

    def settle(self, indent: int, dash: bool) -> _Frame:
        """The open mapping or list a line at ``indent`` belongs to (the deeper ones end)."""
        stack = self.stack
        top = stack[-1]
        while top.indent > indent or (
            top.indent == indent
            and not top.is_map
            and not dash
            and len(stack) > 1
            and stack[-2].is_map
            and stack[-2].indent == indent
        ):
            stack.pop()
            if not stack:
                raise _Defer
            top = stack[-1]
        if top.indent != indent or top.is_map == dash:
            raise _Defer
        return top

    def count(self, more: int = 1) -> None:
        self.nodes += more
        if self.nodes > self.bounds.max_nodes:
            raise _Defer

    def long_key(self, match: re.Match[str], key: str) -> bool:
        """Past the text bound, or near libyaml's limit for a key on one line."""
        return len(key) > self.bounds.max_text or match.start("colon") - match.start() > _MAX_KEY

    def push(self, container: dict[str, Any] | list[Any], indent: int, path: Path) -> _Frame:
        if len(self.stack) >= self.bounds.max_depth:
            raise _Defer
        self.count()
        frame = _Frame(container, indent, path)
        self.stack.append(frame)
        return frame

    def open(self, indent: int, dash: bool, number: int) -> None:
        """The line after ``key:``: a block below it, or the key's value was empty."""
        assert self.pending is not None
        frame, key, _, _ = self.pending
        if frame is None:  # the document's first line: its root
            self.pending = None
            container: dict[str, Any] | list[Any] = [] if dash else {}
            self.push(container, indent, ())
            self.root = container
            self.lines[()] = number
            return
        if indent > frame.indent or (indent == frame.indent and dash):
            self.pending = None
            container = [] if dash else {}
            self.push(container, indent, (*frame.path, key))
            frame.container[key] = container  # type: ignore[call-overload]
            return
        self.empty()

    def empty(self) -> None:
        """``key:`` with nothing below: the value is an empty plain scalar (``None``)."""
        assert self.pending is not None
        frame, key, number, column = self.pending
        self.pending = None
        assert frame is not None
        self.count()
        frame.container[key] = None  # type: ignore[call-overload]
        self.scalars[(*frame.path, key)] = ("", False, number, column)

    def entry(self, frame: _Frame, line: str, at: int, number: int) -> None:
        """``key: value`` at column ``at`` of a mapping."""
        match = _KEY.match(line, at)
        if match is None:
            raise _Defer
        key = _key_text(match)
        container: dict[str, Any] = frame.container  # type: ignore[assignment]
        if key in container or self.long_key(match, key):
            raise _Defer
        self.count()
        self.lines[(*frame.path, key)] = number
        start = match.end()
        if start == len(line) or line[start] == "#":
            self.pending = (frame, key, number, match.start("colon") + 2)
            return
        path = (*frame.path, key)
        container[key] = self.value(line, start, number, path, frame.indent)

    def item(self, frame: _Frame, line: str, at: int, number: int) -> None:
        """``- value`` or ``- key: value`` (a mapping that goes on below) at column ``at``."""
        container: list[Any] = frame.container  # type: ignore[assignment]
        path = (*frame.path, len(container))
        start = at + 1
        while line[start] == " ":
            start += 1
        self.lines[path] = number
        if line[start] == "-" and (start + 1 == len(line) or line[start + 1] == " "):
            raise _Defer  # a list in a list
        if _KEY.match(line, start) is not None:
            mapping: dict[str, Any] = {}
            container.append(mapping)
            self.entry(self.push(mapping, start, path), line, start, number)
            return
        container.append(self.value(line, start, number, path, frame.indent))

    def value(self, line: str, start: int, number: int, path: Path, block: int) -> Any:
        """The value written from ``start`` to the end of the line (and on the lines below
        indented past ``block``, for a long plain or single-quoted text)."""
        first = line[start]
        if first == "'" or first == '"':
            match = (_SINGLE if first == "'" else _DOUBLE).fullmatch(line, start)
            if match is not None:
                text = match.group(1)
                text = text.replace("''", "'") if first == "'" else text
            elif first == "'" and _SINGLE_OPEN.fullmatch(line, start + 1):
                text = self.single_lines(line[start + 1 :], block)
            else:
                raise _Defer
            return self.scalar(text, True, number, start, path)
        if first == "{" or first == "[":
            if len(line) > _MAX_KEY:
                raise _Defer  # a long flow (a list of thousands): the events are as quick
            return self.flow(line, start, number, path)
        if first in _NOT_PLAIN_START or (
            first == "-" and (start + 1 == len(line) or line[start + 1] == " ")
        ):
            raise _Defer
        text = line[start:]
        comment = text.find(" #")
        if comment >= 0:
            text = text[:comment].rstrip(" ")
        if ": " in text or text[-1] == ":":
            raise _Defer
        if comment < 0:
            text = self.plain_lines(text, block)
        return self.scalar(text, False, number, start, path)

    def continuation(self, block: int) -> str | None:
        """The next line's text when it goes on with a scalar (indented past ``block``)."""
        if self.at >= len(self.source):
            return None
        line = self.source[self.at].rstrip(" ")
        rest = line.lstrip(" ")
        if not rest or rest[0] == "#" or len(line) - len(rest) <= block:
            return None
        self.at += 1
        return rest

    def plain_lines(self, text: str, block: int) -> str:
        """A plain text written over several lines, folded as YAML does (one space a break)."""
        more = self.continuation(block)
        if more is None:
            return text
        parts = [text]
        while more is not None:
            if (
                more[0] in _NOT_PLAIN_START
                or more.startswith("- ")
                or more == "-"
                or " #" in more
                or ": " in more
                or more[-1] == ":"
            ):
                raise _Defer
            parts.append(more)
            more = self.continuation(block)
        return " ".join(parts)

    def single_lines(self, first: str, block: int) -> str:
        """A single-quoted text over several lines, from after its opening quote."""
        parts = [first]
        while True:
            more = self.continuation(block)
            if more is None:
                raise _Defer  # a blank or comment-like line inside, or too little indent
            end = _SINGLE_CLOSE.fullmatch(more)
            if end is not None:
                parts.append(end.group(1))
                return " ".join(parts).replace("''", "'")
            if _SINGLE_OPEN.fullmatch(more) is None:
                raise _Defer
            parts.append(more)

    def scalar(self, text: str, quoted: bool, number: int, start: int, path: Path) -> Any:
        if len(text) > self.bounds.max_text:
            raise _Defer
        self.count()
        self.scalars[path] = (text, quoted, number, start + 1)
        if quoted:
            return text
        if text in _CONSTANTS:
            return _CONSTANTS[text]
        if text[0] not in _RESOLVED_FIRST:
            return text
        try:
            return resolve_plain(text, self.bounds)
        except _Bad:
            raise _Defer from None

    def flow(self, line: str, start: int, number: int, path: Path) -> Any:
        """A flow mapping or list on one line (``{a: 1, b: [x, 'y']}``), then nothing but a comment."""
        container, end = self.flow_node(line, start, number, path, 0)
        if _FLOW_TAIL.fullmatch(line, end) is None:
            raise _Defer
        return container

    def flow_node(
        self, line: str, start: int, number: int, path: Path, depth: int
    ) -> tuple[dict[str, Any] | list[Any], int]:
        """The flow container opening at ``start``, and where it ends (after its close)."""
        if len(self.stack) + depth >= self.bounds.max_depth:
            raise _Defer
        self.count()
        is_map = line[start] == "{"
        close = "}" if is_map else "]"
        container: dict[str, Any] | list[Any] = {} if is_map else []
        at = _FLOW_GAP.match(line, start + 1).end()  # type: ignore[union-attr]
        while at < len(line) and line[at] != close:
            if container:
                if line[at] != ",":
                    raise _Defer
                at += 1
            at = self.flow_entry(container, line, (at, number, depth), path, close)
        if at >= len(line):
            raise _Defer
        return container, at + 1

    def flow_entry(
        self,
        container: dict[str, Any] | list[Any],
        line: str,
        where: tuple[int, int, int],
        path: Path,
        close: str,
    ) -> int:
        """One entry of a flow mapping or list; where the next one starts (at its comma)."""
        at, number, depth = where
        key = ""
        if type(container) is dict:
            key_match = _FLOW_KEY.match(line, at)
            if key_match is None:
                raise _Defer
            key = _key_text(key_match)
            if key in container or self.long_key(key_match, key):
                raise _Defer
            self.count()
            self.lines[(*path, key)] = number
            at = key_match.end()
            item_path: Path = (*path, key)
        else:
            at = _FLOW_GAP.match(line, at).end()  # type: ignore[union-attr]
            item_path = (*path, len(container))
            self.lines[item_path] = number
        if at < len(line) and line[at] in "{[":
            value, end = self.flow_node(line, at, number, item_path, depth + 1)
        else:
            match = _FLOW_SCALAR.match(line, at)
            if match is None:
                raise _Defer
            plain, single = match.group("plain"), match.group("single")
            if plain is not None:
                value = self.scalar(plain.rstrip(" "), False, number, at, item_path)
            else:
                text = single.replace("''", "'") if single is not None else match.group("double")
                value = self.scalar(text, True, number, at, item_path)
            end = match.end()
        end = _FLOW_GAP.match(line, end).end()  # type: ignore[union-attr]
        if end >= len(line) or line[end] not in ("," + close):
            raise _Defer
        if isinstance(container, dict):
            container[key] = value
        else:
            container.append(value)
        return end

"""The one bounded YAML/JSON reader behind criteria files, submissions and code mappings.

A file is read within declared bounds (:data:`BOUNDS`): bytes, nesting depth, nodes,
length of one text and of one number. Aliases are refused, so a "billion laughs" file
stops at its first ``*alias`` in microseconds instead of expanding. Every way a file can
be damaged — encoding, BOM, NUL byte, YAML syntax, an impossible date such as
``2023-02-30``, a bound exceeded — becomes one typed, located :class:`Problem` in
:func:`read_yaml`; nothing a parser or the standard library raises escapes untyped.

The parser is libyaml's event stream (PyYAML's ``CParser``); its events carry the line of
every key and item. The tree is built here, iteratively, from the events, so depth and
size are checked as the file is read and every scalar keeps its text as written and
whether it was quoted (:meth:`SourceMap.scalar`): ``12.500`` reads as the number 12.5 and
its text stays ``"12.500"``. Most submissions are plain block YAML, read about three times as
fast line by line (:mod:`parindex.reading_fast`), which gives exactly the same or leaves the
file to the events. Without libyaml, the same events come from PyYAML's pure
Python parser (``careful=True`` forces it; tests check that both give the same result).

Plain scalars resolve as YAML 1.2 does (``yes``/``no``/``on`` stay text; ``true``/``false``,
numbers with ``_``, ``0x``/``0o``/``0b``, ``~``/``null``, ISO dates and timestamps), and a
number becomes a :class:`~decimal.Decimal` through its shortest float form, so ``0.1``
stays exactly ``0.1``. Keys keep their text as written (a code ``1.10`` stays ``"1.10"``).
"""

from __future__ import annotations

import datetime as dt
import re
import sys
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING, Any, NamedTuple

from parindex.errors import Problem
from parindex.messages import yaml_syntax_words

if TYPE_CHECKING:
    import yaml

__all__ = ["BOUNDS", "Bounds", "ReadError", "Scalar", "SourceMap", "read_yaml"]

Path = tuple[str | int, ...]


@dataclass(frozen=True)
class Bounds:
    """What one file may hold; going past any bound is a typed, located problem."""

    max_bytes: int = 5 * 1024 * 1024
    """5 MB: the largest shipped criteria set is 150 kB, a unit's submission 30 kB."""
    max_depth: int = 64
    """Nesting levels; a criteria tree five levels deep uses about 16."""
    max_nodes: int = 50_000
    """Keys, items and values together: 15 times the largest shipped set (about 3,300), and
    read in a fraction of a second (aliases are refused, so none is expanded)."""
    max_text: int = 32_767
    """Characters in one text: what an Excel cell holds, so nothing read is cut on export."""
    max_number: int = 100
    """Characters in one number (Python refuses integers of more than 4,300 digits)."""


BOUNDS = Bounds()


class Scalar(NamedTuple):
    """A scalar as the file writes it: its text, whether it was quoted, where it stands."""

    text: str
    quoted: bool
    line: int
    column: int


class ReadError(Exception):
    """A file could not be read; ``problem`` says where and why (caught in loader)."""

    def __init__(self, problem: Problem) -> None:
        self.problem = problem
        super().__init__(problem.describe())


class SourceMap:
    """Lines of a parsed document by path; finds the nearest known line for any path."""

    def __init__(
        self,
        file: str,
        data: Any,
        lines: dict[Path, int],
        scalars: dict[Path, tuple[str, bool, int, int]] | None = None,
    ) -> None:
        self.file = file
        self.data = data
        self.lines = lines
        self.scalars = scalars if scalars is not None else {}
        """``(text as written, quoted, line, column)`` by path; :meth:`scalar` names them."""

    def line(self, path: Sequence[str | int]) -> int | None:
        path = tuple(path)
        while True:
            if path in self.lines:
                return self.lines[path]
            if not path:
                return None
            path = path[:-1]

    def scalar(self, path: Sequence[str | int]) -> Scalar | None:
        """The value at ``path`` as written (``None`` for a mapping, a list, or no file)."""
        found = self.scalars.get(tuple(path))
        return None if found is None else Scalar(*found)

    def code(self, path: Sequence[str | int]) -> str | None:
        """Code of the innermost tree node (under ``nodes``/``children``) on the path."""
        current = self.data
        found = None
        for index, step in enumerate(path):
            try:
                current = current[step]
            except (KeyError, IndexError, TypeError):
                break
            if (
                isinstance(current, Mapping)
                and index >= 1
                and path[index - 1] in ("nodes", "children")
                and isinstance(current.get("code"), str | int)
            ):
                found = str(current["code"])
        return found

    def problem(
        self,
        kind: str,
        message: str,
        message_en: str,
        path: Sequence[str | int],
        *,
        code: str | None = None,
        text: str | None = None,
        allowed: Sequence[str] = (),
    ) -> Problem:
        return Problem(
            kind=kind,
            message=message,
            message_en=message_en,
            file=self.file,
            line=self.line(path),
            code=code if code is not None else self.code(path),
            field=dotted(path),
            text=text,
            allowed=tuple(allowed),
        )


class _Later(SourceMap):
    """A :class:`SourceMap` kept as the file's bytes until its data or lines are wanted."""

    def __init__(self, file: str, raw: bytes, bounds: Bounds, data: Any = None) -> None:
        self.file = file
        self._raw = raw
        self._bounds = bounds
        self._data = data
        self._known = data is not None
        self._read: SourceMap | None = None

    def _source(self) -> SourceMap:
        if self._read is None:
            self._read = read_yaml(self._raw, self.file, bounds=self._bounds)
        return self._read

    def __getstate__(self) -> dict[str, Any]:
        """Sent as the file's bytes alone: whoever gets it reads them again when asked."""
        return {"file": self.file, "_raw": self._raw, "_bounds": self._bounds}

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.file, self._raw, self._bounds = state["file"], state["_raw"], state["_bounds"]
        self._data, self._known, self._read = None, False, None

    def release(self) -> None:
        """Let the data read go (it is read again, the same, if asked), as a copy sent
        between processes does: a folder's submissions keep their models, not both."""
        self._data, self._known = None, False

    @property
    def data(self) -> Any:
        return self._data if self._known else self._source().data

    @data.setter
    def data(self, value: Any) -> None:
        self._data, self._known = value, True

    @property
    def lines(self) -> dict[Path, int]:
        return self._source().lines

    @lines.setter
    def lines(self, value: dict[Path, int]) -> None:
        self._source().lines = value

    @property
    def scalars(self) -> dict[Path, tuple[str, bool, int, int]]:
        return self._source().scalars

    @scalars.setter
    def scalars(self, value: dict[Path, tuple[str, bool, int, int]]) -> None:
        self._source().scalars = value


def read_lazily(raw: bytes, file: str, *, bounds: Bounds = BOUNDS) -> SourceMap:
    """:func:`read_yaml`'s source of ``raw``, with its data read now and its lines and texts
    by path read (the same) only when first asked — to locate a problem. A plain block
    mapping's data comes from the compiled parser (:mod:`parindex.reading_compiled`), other
    plain files' from the line reader (a third quicker than :func:`read_yaml`); any other
    file, or a damaged one, is read by :func:`read_yaml` itself.
    """
    from parindex.reading_compiled import read_compiled
    from parindex.reading_fast import read_plain

    if len(raw) <= bounds.max_bytes:
        try:
            text = decode(raw)
        except _Stop:
            return read_yaml(raw, file, bounds=bounds)
        data = read_compiled(text, raw, bounds)
        if data is not None:
            return _Later(file, raw, bounds, data)
        found = read_plain(text, bounds, places=False)
        if found is not None:
            return _Later(file, raw, bounds, found[0])
    return read_yaml(raw, file, bounds=bounds)


def dotted(path: Sequence[str | int]) -> str:
    """``nodes[2].children[0].max_points`` for a path."""
    text = ""
    for step in path:
        text += f"[{step}]" if isinstance(step, int) else (f".{step}" if text else step)
    return text


# --- plain scalars (YAML 1.2 as ruamel.yaml resolves them) ---------------------------

_INT = re.compile(r"[-+]?(?:0b[0-1_]+|0o?[0-7_]+|[0-9_]+|0x[0-9a-fA-F_]+)")
_FLOAT = re.compile(
    r"[-+]?(?:[0-9][0-9_]*)\.[0-9_]*(?:[eE][-+]?[0-9]+)?"
    r"|[-+]?(?:[0-9][0-9_]*)(?:[eE][-+]?[0-9]+)"
    r"|[-+]?\.[0-9_]+(?:[eE][-+][0-9]+)?"
)
_SPECIAL = {
    ".inf": Decimal("Infinity"),
    ".Inf": Decimal("Infinity"),
    ".INF": Decimal("Infinity"),
    ".nan": Decimal("NaN"),
    ".NaN": Decimal("NaN"),
    ".NAN": Decimal("NaN"),
}
_SPECIAL |= {f"+{k}": v for k, v in _SPECIAL.items() if v.is_infinite()}
_SPECIAL |= {f"-{k}": -v for k, v in _SPECIAL.items() if v.is_infinite() and k[0] == "."}
_DATE = re.compile(r"([0-9]{4})-([0-9]{2})-([0-9]{2})")
_STAMP = re.compile(
    r"([0-9]{4})-([0-9]{1,2})-([0-9]{1,2})(?:[Tt]|[ \t]+)([0-9]{1,2}):([0-9]{2}):([0-9]{2})"
    r"(?:\.([0-9]*))?(?:[ \t]*(Z|([-+])([0-9]{1,2})(?::([0-9]{2}))?))?"
)
_CONSTANTS: dict[str, object] = {
    "": None,
    "~": None,
    "null": None,
    "Null": None,
    "NULL": None,
    "true": True,
    "True": True,
    "TRUE": True,
    "false": False,
    "False": False,
    "FALSE": False,
}


class _Bad(Exception):
    """A scalar that cannot be what it looks like (an impossible date, a huge number)."""

    def __init__(self, kind: str, message: str, message_en: str) -> None:
        self.kind = kind
        self.message = message
        self.message_en = message_en
        super().__init__(message_en)


def _decimal_as_written(digits: str) -> Decimal | str:
    """A plain decimal scalar read from its text: ``12.500`` could be 12500 or 12,5.

    A form that reads two ways stays the text written, so the field's own check refuses it
    with both readings at its line (:func:`parindex.numbers.parse_decimal`); never guessed.
    """
    if "e" in digits.lower():
        return Decimal(repr(float(digits)))
    from parindex.numbers import NumberFormatError, parse_decimal

    try:
        return parse_decimal(digits)
    except NumberFormatError:
        return digits


def _number(text: str, bounds: Bounds) -> object:
    whole = _INT.fullmatch(text) is not None
    if not whole and _FLOAT.fullmatch(text) is None:
        return _SPECIAL.get(text)
    if len(text) > bounds.max_number:
        raise _Bad(
            "number_too_long",
            f"số quá dài ({len(text)} ký tự, tối đa {bounds.max_number})",
            f"number too long ({len(text)} characters, at most {bounds.max_number})",
        )
    digits = text.replace("_", "")
    if not whole:
        return _decimal_as_written(digits)
    sign = -1 if digits.startswith("-") else 1
    body = digits.lstrip("+-")
    base = {"0b": 2, "0o": 8, "0x": 16}.get(body[:2], 10)
    body = body[2:] if base != 10 else body
    return sign * int(body, base) if body else text


def _timestamp(text: str) -> object:
    date = _DATE.fullmatch(text)
    stamp = None if date else _STAMP.fullmatch(text)
    if date is None and stamp is None:
        return text
    try:
        if date is not None:
            return dt.date(*(int(part) for part in date.groups()))
        assert stamp is not None
        y, mo, d, h, mi, s, fraction, zone, sign, zh, zm = stamp.groups()
        micro = int((fraction or "0")[:6].ljust(6, "0"))
        tz = None
        if zone == "Z":
            tz = dt.UTC
        elif zone:
            offset = dt.timedelta(hours=int(zh), minutes=int(zm or 0))
            tz = dt.timezone(-offset if sign == "-" else offset)
        return dt.datetime(int(y), int(mo), int(d), int(h), int(mi), int(s), micro, tz)
    except ValueError as exc:
        raise _Bad(
            "invalid_date",
            f"ngày không tồn tại: {text} (viết yyyy-mm-dd với tháng 1–12 và ngày có trong "
            "tháng, hoặc đặt trong ngoặc kép nếu là chữ)",
            f"no such date: {text} ({exc})",
        ) from None


def resolve_plain(text: str, bounds: Bounds = BOUNDS) -> object:
    """The value of an unquoted scalar: ``None``, a bool, an int, a Decimal, a date or text."""
    if text in _CONSTANTS:
        return _CONSTANTS[text]
    first = text[0]
    if first in "0123456789":
        if len(text) >= 8 and text[4:5] == "-":
            return _timestamp(text)
        number = _number(text, bounds)
        return text if number is None else number
    if first in "+-.":
        number = _number(text, bounds)
        return text if number is None else number
    return text


_TAGGED: dict[str, Callable[[str, Bounds], object]] = {
    "tag:yaml.org,2002:str": lambda text, _: text,
    "!": lambda text, _: text,
    "tag:yaml.org,2002:int": lambda text, b: _typed(text, b, int),
    "tag:yaml.org,2002:float": lambda text, b: _typed(text, b, Decimal),
    "tag:yaml.org,2002:bool": lambda text, b: _typed(text, b, bool),
    "tag:yaml.org,2002:null": lambda text, b: _typed(text, b, type(None)),
    "tag:yaml.org,2002:timestamp": lambda text, b: _typed(text, b, dt.date),
}


def _typed(text: str, bounds: Bounds, want: type) -> object:
    value = resolve_plain(text.strip(), bounds) if text.strip() else None
    if isinstance(value, want) and not (want is int and isinstance(value, bool)):
        return value
    if want is Decimal and isinstance(value, int) and not isinstance(value, bool):
        return Decimal(value)
    raise _Bad(
        "yaml_tag",
        f"giá trị không đúng với thẻ kiểu của nó: {text!r}",
        f"value does not match its tag: {text!r}",
    )


# --- the reader --------------------------------------------------------------------


class _Stop(Exception):
    """Reading stops at the first damage; carries the problem's parts."""

    def __init__(
        self, kind: str, message: str, message_en: str, line: int | None, text: str | None = None
    ) -> None:
        self.kind = kind
        self.message = message
        self.message_en = message_en
        self.line = line
        self.text = text
        super().__init__(message_en)


_NO_KEY = object()


class _Frame:
    __slots__ = ("container", "is_map", "key", "path")

    def __init__(self, container: dict[str, Any] | list[Any], path: Path) -> None:
        self.container = container
        self.is_map = type(container) is dict
        self.path = path
        self.key: Any = _NO_KEY


def _events(text: str, careful: bool) -> Any:
    import yaml  # only here: a plain file never needs PyYAML (reading_fast reads it)

    if careful or not yaml.__with_libyaml__:
        return yaml.SafeLoader(text)
    from yaml._yaml import CParser

    return CParser(text)


_PLAIN_STYLES = (None, "")  # libyaml says '' for a plain scalar, PyYAML None
_RESOLVED_FIRST = frozenset("0123456789+-.~nNtTfF")


class _Builder:
    """Plain data, lines and scalars as written, from a parser's events, within bounds."""

    def __init__(self, bounds: Bounds) -> None:
        from yaml import events  # imported here: a plain file never needs PyYAML

        self.ev = events
        self.bounds = bounds
        self.lines: dict[Path, int] = {}
        self.scalars: dict[Path, tuple[str, bool, int, int]] = {}
        self.stack: list[_Frame] = []
        self.root: Any = None
        self.documents = 0
        self.nodes = 0

    def run(self, parser: Any) -> Any:
        """Read every event; the hot path (a scalar in a mapping or a list) stays inline."""
        ev = self.ev
        get_event, stack, lines, scalars = parser.get_event, self.stack, self.lines, self.scalars
        scalar_event, max_text, max_nodes = (
            ev.ScalarEvent,
            self.bounds.max_text,
            self.bounds.max_nodes,
        )
        end_events = (ev.MappingEndEvent, ev.SequenceEndEvent)
        while True:
            event = get_event()
            kind = type(event)
            if kind is scalar_event and stack:
                self.nodes += 1
                text = event.value
                line = event.start_mark.line + 1
                if len(text) > max_text or self.nodes > max_nodes:
                    self.too_much(len(text), line)
                frame = stack[-1]
                if frame.is_map:
                    if frame.key is _NO_KEY:
                        if text in frame.container:
                            self.duplicate(text, line)
                        frame.key = text
                        lines[(*frame.path, text)] = line
                        continue
                    path = (*frame.path, frame.key)
                else:
                    path = (*frame.path, len(frame.container))
                    lines[path] = line
                plain = event.style in _PLAIN_STYLES
                if event.tag is not None or event.anchor is not None:
                    value = self.special(event, line)
                elif plain and (not text or text[0] in _RESOLVED_FIRST):
                    value = self.resolve(text, line)
                else:
                    value = text
                scalars[path] = (text, not plain, line, event.start_mark.column + 1)
                if frame.is_map:
                    frame.container[frame.key] = value
                    frame.key = _NO_KEY
                else:
                    frame.container.append(value)  # type: ignore[union-attr]
            elif kind in end_events:
                stack.pop()
            elif kind is ev.StreamEndEvent:
                return self.root
            else:
                self.other(event, kind)

    def resolve(self, text: str, line: int) -> object:
        try:
            return resolve_plain(text, self.bounds)
        except _Bad as bad:
            raise _Stop(bad.kind, bad.message, bad.message_en, line, text[:200]) from None

    def special(self, event: Any, line: int) -> object:
        """A scalar with an anchor (refused) or a tag (the standard ones only)."""
        if event.anchor is not None:
            raise _Stop(*_ALIAS, line, "&" + event.anchor)
        convert = _TAGGED.get(event.tag)
        if convert is None:
            raise _Stop(*_tag(event.tag), line, event.tag)
        try:
            return convert(event.value, self.bounds)
        except _Bad as bad:
            raise _Stop(bad.kind, bad.message, bad.message_en, line, event.value[:200]) from None

    def too_much(self, length: int, line: int) -> None:
        if length > self.bounds.max_text:
            raise _Stop("text_too_long", *_too_long(length, self.bounds), line)
        raise _Stop(
            "too_many_nodes",
            f"tệp có quá nhiều mục (hơn {self.bounds.max_nodes})",
            f"too many nodes (more than {self.bounds.max_nodes})",
            line,
        )

    def duplicate(self, key: str, line: int) -> None:
        raise _Stop(
            "duplicate_key",
            f"khóa '{key}' bị trùng trong cùng một bảng: xóa một dòng (thường do quên '- ' "
            "mở đầu mục mới)",
            f"duplicate key '{key}' in one mapping: delete one (often a missing '- ' before "
            "a new item)",
            line,
            key,
        )

    def other(self, event: Any, kind: type) -> None:
        """Every event but a scalar inside a container, an end and the stream's end."""
        ev = self.ev
        if kind is ev.AliasEvent:
            raise _Stop(*_ALIAS, event.start_mark.line + 1, "*" + str(event.anchor))
        if kind is ev.DocumentStartEvent and self.documents:
            raise _Stop(*_SEVERAL, event.start_mark.line + 1)
        if kind not in (ev.MappingStartEvent, ev.SequenceStartEvent, ev.ScalarEvent):
            return  # stream and document start and end
        line = event.start_mark.line + 1
        self.nodes += 1
        if self.nodes > self.bounds.max_nodes:
            self.too_much(0, line)
        frame = self.stack[-1] if self.stack else None
        if frame is None:
            path: Path = ()
            self.documents += 1
        elif frame.is_map:
            if frame.key is _NO_KEY:
                raise _Stop(*_COMPLEX, line)
            path = (*frame.path, frame.key)
        else:
            path = (*frame.path, len(frame.container))
            self.lines[path] = line
        if kind is ev.ScalarEvent:  # the whole document is one scalar
            if event.tag is not None or event.anchor is not None:
                self.root = self.special(event, line)
            elif event.style in _PLAIN_STYLES:
                self.root = self.resolve(event.value, line)
            else:
                self.root = event.value
            return
        if event.anchor is not None:
            raise _Stop(*_ALIAS, line, "&" + event.anchor)
        if event.tag not in (None, "!", "tag:yaml.org,2002:map", "tag:yaml.org,2002:seq"):
            raise _Stop(*_tag(event.tag), line, event.tag)
        if len(self.stack) >= self.bounds.max_depth:
            raise _Stop(*_deep(self.bounds), line)
        container: dict[str, Any] | list[Any] = {} if kind is ev.MappingStartEvent else []
        if frame is None:
            self.root = container
            self.lines[()] = line
        elif frame.is_map:
            frame.container[frame.key] = container
            frame.key = _NO_KEY
        else:
            frame.container.append(container)  # type: ignore[union-attr]
        self.stack.append(_Frame(container, path))


def _build(
    text: str, bounds: Bounds, careful: bool
) -> tuple[Any, dict[Path, int], dict[Path, tuple[str, bool, int, int]]]:
    """Build plain data from the event stream, checking every bound as it goes."""
    parser = _events(text, careful)
    builder = _Builder(bounds)
    try:
        return builder.run(parser), builder.lines, builder.scalars
    finally:
        parser.dispose()


_SEVERAL = (
    "several_documents",
    "tệp chỉ được có một tài liệu YAML (bỏ dòng '---' thứ hai)",
    "a file holds one YAML document",
)
_COMPLEX = (
    "complex_key",
    "khóa phải là một chữ hoặc số, không phải bảng hay danh sách",
    "a key must be a scalar",
)


_ALIAS = (
    "yaml_alias",
    "không dùng neo và tham chiếu YAML (&tên, *tên): viết đầy đủ giá trị ở mỗi chỗ",
    "YAML anchors and aliases (&name, *name) are not allowed: write each value out",
)


def _tag(tag: str) -> tuple[str, str, str]:
    return (
        "yaml_tag",
        f"không dùng thẻ kiểu YAML {tag}: bỏ thẻ, hoặc đặt giá trị trong ngoặc kép",
        f"YAML tag {tag} is not allowed",
    )


def _deep(bounds: Bounds) -> tuple[str, str, str]:
    return (
        "too_deep",
        f"lồng quá sâu (hơn {bounds.max_depth} cấp)",
        f"nested too deeply (more than {bounds.max_depth} levels)",
    )


def _too_long(length: int, bounds: Bounds) -> tuple[str, str]:
    return (
        f"văn bản quá dài ({length} ký tự, tối đa {bounds.max_text} như một ô Excel)",
        f"text too long ({length} characters, at most {bounds.max_text})",
    )


# What YAML refuses to read (YAML 1.1 printable set), found here so it has a line.
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x84\x86-\x9f\ud800-\udfff\ufffe\uffff]")
_UTF16_32 = (b"\xff\xfe", b"\xfe\xff", b"\x00\x00\xfe\xff")
_ALLOWED_BYTES = bytes(b for b in range(256) if b in (9, 10, 13) or 0x20 <= b != 0x7F)


def _may_hold_control(raw: bytes) -> bool:
    """Whether UTF-8 ``raw`` may hold a character ``_CONTROL`` refuses (``False``: it holds
    none), told from the bytes in a few C loops where the pattern takes 20 times as long.
    C0 controls and DEL are single bytes; C1 controls are ``\\xc2\\x80``–``\\xc2\\x9f``;
    U+FFFE/U+FFFF are ``\\xef\\xbf\\xbe``/``\\xbf``; surrogates never decode from UTF-8."""
    return (
        bool(raw.translate(None, _ALLOWED_BYTES))
        or b"\xc2" in raw
        or b"\xef\xbf\xbe" in raw
        or b"\xef\xbf\xbf" in raw
    )


def _hex(raw: bytes, at: int) -> str:
    """A few bytes as a person can quote them: ``EA 70 22``, never ``b'\\xea…'``."""
    return " ".join(f"{byte:02X}" for byte in raw[at : at + 4])


def decode(raw: bytes) -> str:
    """UTF-8 text of a file (a leading UTF-8 BOM is dropped); :class:`_Stop` otherwise."""
    if raw.startswith(_UTF16_32) or (len(raw) >= 2 and (raw[0] == 0 or raw[1] == 0)):
        if not raw[:4].strip(b"\0"):  # a character in UTF-16 or UTF-32 is never 4 zero bytes
            raise _Stop(
                "nul_byte",
                "tệp bắt đầu bằng các byte NUL: không phải tệp văn bản (tệp hỏng hoặc tệp nhị phân)",
                "the file starts with NUL bytes: not a text file (damaged, or binary)",
                1,
            )
        raise _Stop(
            "encoding",
            "tệp phải mã hóa UTF-8 (tệp này là UTF-16/UTF-32: lưu lại với mã hóa UTF-8)",
            "file must be UTF-8 (this one is UTF-16 or UTF-32)",
            1,
        )
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise _Stop(
            "encoding",
            "tệp phải mã hóa UTF-8: lưu lại tệp với mã hóa UTF-8 (trong VS Code: Save with "
            "Encoding → UTF-8); các byte đầu tiên không đọc được là " + _hex(raw, exc.start),
            "file must be UTF-8: save it again as UTF-8; the first unreadable bytes are "
            + _hex(raw, exc.start),
            raw[: exc.start].count(b"\n") + 1,
        ) from None
    control = _CONTROL.search(text) if _may_hold_control(raw) else None
    if control is not None:
        char = control.group()
        raise _Stop(
            "nul_byte" if char == "\x00" else "control_character",
            "tệp có ký tự NUL (tệp hỏng hoặc không phải văn bản)"
            if char == "\x00"
            else f"tệp có ký tự điều khiển không được phép ({char!r}): xóa ký tự này",
            "NUL byte in the file (damaged, or not a text file)"
            if char == "\x00"
            else f"control character {char!r} in the file",
            text.count("\n", 0, control.start()) + 1,
        )
    bom = text.find("\ufeff")
    if bom >= 0:
        raise _Stop(
            "bom",
            "dấu BOM giữa tệp (hai tệp bị ghép?): xóa ký tự này",
            "BOM inside the file (two files joined?)",
            text.count("\n", 0, bom) + 1,
        )
    return text


def _parser_stop(exc: yaml.YAMLError) -> _Stop:
    import yaml

    if isinstance(exc, yaml.MarkedYAMLError):
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark is not None else None
        problem = " ".join(part for part in (exc.context, exc.problem) if part).strip()
        if "maximum nesting depth" in problem:
            return _Stop(*_deep(BOUNDS), line)
        return _Stop("yaml_syntax", yaml_syntax_words(problem), f"YAML error: {problem}", line)
    if isinstance(exc, yaml.reader.ReaderError):
        return _Stop(
            "control_character",
            f"tệp có ký tự điều khiển không được phép ({exc.character!r}): xóa ký tự này",
            f"control character not allowed: {exc.character!r}",
            None,
        )
    return _Stop("yaml_syntax", f"lỗi YAML: {exc}", f"YAML error: {exc}", None)


def _yaml_error() -> type[Exception] | tuple[()]:
    """PyYAML's error, or nothing when PyYAML was never imported (none can be raised)."""
    yaml = sys.modules.get("yaml")
    return () if yaml is None else yaml.YAMLError


def read_yaml(
    raw: bytes, file: str, *, bounds: Bounds = BOUNDS, careful: bool = False
) -> SourceMap:
    """Parse a YAML or JSON file's bytes into plain data with lines and scalars as written.

    Raises :class:`ReadError` with one typed, located problem when the file is damaged or
    goes past a bound. Plain files are read by :func:`~parindex.reading_fast.read_plain`,
    which gives the same or leaves the file to the event stream (``careful=True``: never).
    """
    from parindex.reading_fast import read_plain

    try:
        if len(raw) > bounds.max_bytes:
            raise _Stop(
                "file_too_large",
                f"tệp quá lớn ({len(raw)} byte, tối đa {bounds.max_bytes})",
                f"file too large ({len(raw)} bytes)",
                None,
            )
        text = decode(raw)
        try:
            fast = None if careful else read_plain(text, bounds)
            data, lines, scalars = fast if fast is not None else _build(text, bounds, careful)
        except _yaml_error() as exc:
            raise _parser_stop(exc) from None
        except _Stop:
            raise
        except Exception as exc:  # the net under the parser; the fuzzer checks it stays empty
            raise _Stop(
                "internal_error",
                f"không đọc được tệp (lỗi bên trong parindex: {type(exc).__name__}); "
                "xin báo lỗi này kèm tệp",
                f"cannot read file ({type(exc).__name__}: {exc})",
                None,
            ) from None
    except _Stop as stop:
        problem = Problem(
            kind=stop.kind,
            message=stop.message,
            message_en=stop.message_en,
            file=file,
            line=stop.line,
            text=stop.text,
        )
        raise ReadError(problem) from None
    return SourceMap(file, data, lines, scalars)

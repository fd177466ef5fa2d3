"""A fast scan of a sheet part that gives :meth:`Xlsx.sheet`'s result, or defers to it.

The careful reader (:mod:`parindex.excel_read`) builds an ElementTree element for every
row and cell; most of an import's time went there. This scan reads the same cells from
the part's text with a few regular expressions, under three rules that keep its result
the careful reader's, to the cell:

* the part must be well-formed XML: expat itself (the parser ElementTree uses, with
  namespaces on, as ElementTree sets it) reads all of it but the rows, and the rows are
  checked by hand for what expat would check there (the tokens' grammar makes the tags;
  characters, references and attribute names are checked over the part, in C where it
  can be); whatever would be a ``damaged_part`` is left to the careful reader, which
  reports it with its position;
* the scan recognises a small grammar — rows and cells as Excel, LibreOffice and
  parindex write them (``r`` first, then ``s`` and ``t``; a formula, a value, an inline
  string), the main namespace declared once, as the default, on the root — and anything
  else (a DOCTYPE or comment, a processing instruction, another encoding, a cell without
  its reference, whitespace between elements, a prefixed or unknown element among the
  rows, a limit reached, a reference or a shared string the careful reader would refuse)
  returns ``None``: the careful reader then reads the part;
* every ``<`` among the rows must belong to a recognised token (the tokens' own ``<``
  are counted against the part's), so nothing the careful reader would see is skipped.

The expressions are backtracking-bounded: every repetition is over a negated character
class or a token that starts with a fixed literal. ``tests/test_excel_scan.py`` checks,
with Hypothesis, that on generated and damaged sheets the scan gives the careful result
or defers.
"""

from __future__ import annotations

import re
from pyexpat import ExpatError, ParserCreate

from parindex.excel_read import (
    Cell,
    Limits,
    SheetData,
    XlsxProblem,
    _decode,
    _merge,
    column_letter,
)

__all__ = ["Interned", "scan_sheet"]

_MAIN_NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_ATTR = r"""\s+[^\s=/>]+\s*=\s*(?:"[^"]*"|'[^']*')"""
_TOKEN = re.compile(
    r'<(?:c r="([A-Z]{1,3})([0-9]{1,7})"(?: s="[0-9]{1,9}")?(?: t="([A-Za-z]{1,9})")?'
    r"(?:(/)>|>"  # an empty cell, or one holding
    r'(?:<f((?: [\w:.-]{1,40}="[^"<]*")*>)([^<]*)</f>)?'  # a formula (attributes: Excel's
    r"(?:<v(>)([^<]*)</v>)?"  # shared formulas, LibreOffice's aca), a value,
    r'(?:<is(>)<t(?: xml:space="preserve")?>([^<]*)</t></is>)?'  # an inline string
    r"</c>)"
    r'|row r="([0-9]{1,7})"((?: [\w:.-]{1,40}="[^"<]*")*)(/?)>'  # a row (empty when '/>')
    r"|(/)row>"
    r"|)"  # any other '<': a stray, which sends the part to the careful reader
)
"""One token among the rows; every repetition runs over a negated class or fixed text.
The one-character groups ``(/)``, ``(>)`` mark what is present (CPython shares such strings);
a formula's group holds its attributes and ``>``, a row's its attributes after ``r``. Every
``<`` among the rows is a token's: one that starts no known token is a token of its own,
with every group empty (a stray)."""
_MERGE = re.compile(rf"<mergeCell((?:{_ATTR})*)\s*(?:/>|>\s*</mergeCell\s*>)")
_ROW_START = re.compile(r"<row[\s/>]")
_MERGE_START = re.compile(r"<mergeCell[\s/>]")
_ATTRS = re.compile(r"""\s+([^\s=/>]+)\s*=\s*(?:"([^"]*)"|'([^']*)')""")
_PROLOG = re.compile(
    r"""<\?xml\s+version\s*=\s*["']1\.0["'](?:\s+encoding\s*=\s*["'](?i:utf-8)["'])?"""
    r"""(?:\s+standalone\s*=\s*["'](?:yes|no)["'])?\s*\?>\s*"""
)
_ROOT = re.compile(rf"<worksheet((?:{_ATTR})*)\s*>")
_PREFIXED = re.compile(r"""xmlns:[^\s=]+\s*=\s*(?:"([^"]*)"|'([^']*)')""")
_REFERENCE = re.compile(r"&(?:#x([0-9A-Fa-f]+)|#([0-9]+)|(amp|lt|gt|quot|apos));")
_NAMED = {"amp": "&", "lt": "<", "gt": ">", "quot": '"', "apos": "'"}
_PLAIN = re.compile(r"[0-9A-Za-z:]*")
"""An attribute value read as is: no reference, no whitespace to normalise."""


class _Defer(Exception):
    """The scan met something outside its grammar: the careful reader reads the part."""


def _unescape(text: str) -> str:
    """Character and entity references resolved (expat has checked they are valid)."""
    if "&" not in text:
        return text
    return _REFERENCE.sub(
        lambda m: (
            chr(int(m.group(1), 16))
            if m.group(1)
            else chr(int(m.group(2)))
            if m.group(2)
            else _NAMED[m.group(3)]
        ),
        text,
    )


def _attributes(text: str) -> dict[str, str]:
    """The attributes of a start tag by name (prefixed names as written)."""
    return {name: double or single for name, double, single in _ATTRS.findall(text)}


class Interned:
    """Cells made once per workbook: a cell's kind and raw text always read the same, so
    each is read once (cells are immutable). ``cells`` holds those of a text within the
    limit, ``long`` those over it (each found there is reported again); ``checked`` the
    attributes found well-formed, per set of prefixes bound on the root."""

    def __init__(self, strings: list[str], text_limit: int) -> None:
        self.strings = strings
        self.text_limit = text_limit
        self.cells: dict[tuple[str, str], Cell] = {}
        self.long: dict[tuple[str, str], Cell] = {}
        self.checked: dict[tuple[tuple[str, str], ...], set[str]] = {}

    def make(self, key: tuple[str, str]) -> tuple[Cell, bool]:
        """The cell of ``(t attribute or f or i, raw text)``, as the careful ``_cell``
        reads it, and whether its text is over the limit; a shared string that is not
        there defers (the careful reader names it)."""
        if key in self.long:
            return self.long[key], True
        kind, raw = key
        text = _unescape(raw)
        if kind == "f":
            cell = Cell(text, "f")
        elif kind == "s":
            if not text.isdigit() or int(text) >= len(self.strings):
                raise _Defer
            cell = Cell(self.strings[int(text)], "s")
        elif kind in ("i", "str"):
            cell = Cell(_decode(text), "s")
        else:
            cell = Cell(text, kind if kind in ("b", "e") else "n")
        long = cell.kind == "s" and len(cell.value) > self.text_limit
        (self.long if long else self.cells)[key] = cell
        return cell, long


def _bytes_ok(raw: bytes) -> bool:
    """What the scan checks on the whole part before decoding it, in C: no DOCTYPE,
    comment or CDATA, no byte-order mark, only characters XML allows, ``]]>`` nowhere,
    and every ``&`` a reference to a character XML allows."""
    # a byte found with memchr first: searching for two or three bytes is much slower
    if any(byte in raw for byte in _REFUSED) or (b"!" in raw and b"<!" in raw):
        return False
    if b"\xef" in raw and (raw.startswith(b"\xef\xbb\xbf") or _NONCHARACTER.search(raw)):
        return False  # a byte-order mark, U+FFFE, U+FFFF
    if b"]" in raw and b"]]>" in raw:
        return False  # in text (in an attribute it is allowed: deferred all the same)
    if b"&" in raw and _NOT_A_REFERENCE.search(raw):
        return False
    return b"#" not in raw or b"&#" not in raw or all(
        _xml_character(int(hexadecimal, 16) if hexadecimal else int(decimal))
        for hexadecimal, decimal in _CHARACTER_REFERENCE.findall(raw)
    )


def _parts(raw: bytes) -> tuple[str, str, dict[str, str]] | None:
    """The part's text outside the rows and the rows' text, when the part is well-formed
    (expat reads what is outside the rows; the rows' tokens are checked by hand), UTF-8
    and free of what the scan does not follow (processing instructions, the main
    namespace bound twice, the default namespace declared again, a prefix bound below
    the root, a row outside ``sheetData``), with the prefixes the root binds; else
    ``None``."""
    if not _bytes_ok(raw):
        return None
    try:
        text = raw.decode("utf-8")
        start, end = _span(text)
        outside = text[:start] + text[end:]
        parser = ParserCreate(None, "}")  # as ElementTree's XMLParser: namespaces on
        parser.Parse(outside.encode("utf-8"), True)
    except (ExpatError, ValueError, LookupError, _Defer):
        return None
    rows_part = text[start:end]
    if outside.startswith("<?"):
        prolog = _PROLOG.match(outside)
        if prolog is None:
            return None
        outside = outside[prolog.end() :]
    if "<?" in outside or ("?" in rows_part and "<?" in rows_part):
        return None
    if _ROW_START.search(outside) or outside.count("<sheetData") != 1:
        return None  # a row outside the one sheetData
    if "\r" in rows_part:  # XML's end-of-line handling, as the parser applies it
        rows_part = rows_part.replace("\r\n", "\n").replace("\r", "\n")
    if outside.count("xmlns") - outside.count("xmlns:") != 1 or outside.count(_MAIN_NS) != 1:
        return None  # the default namespace declared again, or the main one bound twice
    root = _ROOT.match(outside)
    if root is None:
        return None
    bound = _attributes(root.group(1))
    if bound.get("xmlns") != _MAIN_NS or outside.count("xmlns:") != root.group(1).count("xmlns:"):
        return None  # another default namespace, or a prefix bound below the root
    if any("&" in d or "&" in s for d, s in _PREFIXED.findall(outside)):
        return None  # a namespace written with references (the main one, disguised?)
    return outside, rows_part, {n[6:]: uri for n, uri in bound.items() if n.startswith("xmlns:")}


def scan_sheet(
    raw: bytes, name: str, part: str, interned: Interned, rows: int, cols: int, limits: Limits
) -> SheetData | None:
    """Sheet ``name`` read from its part's bytes as :meth:`Xlsx.sheet` reads it, or
    ``None`` when the careful reader must read it (anything outside the scan's grammar,
    anything the careful reader would report)."""
    parts = _parts(raw)
    if parts is None:
        return None
    outside, rows_part, prefixes = parts
    if rows_part.count("<c ") > limits.cells:
        return None  # every '<c ' among the rows starts a cell: every '<' is a token's
    try:
        data = SheetData(name, merges=_merges(outside, part))
        _cells(data, _TOKEN.findall(rows_part), interned, (rows, cols, limits), prefixes)
    except _Defer:
        return None
    return data


_REFUSED = tuple(bytes([b]) for b in range(0x20) if b not in b"\t\n\r")
"""Bytes of characters XML 1.0 allows in no document (expat refuses them)."""
_NONCHARACTER = re.compile(rb"\xef\xbf[\xbe\xbf]")
_NOT_A_REFERENCE = re.compile(rb"&(?!(?:amp|lt|gt|quot|apos|#x[0-9A-Fa-f]{1,6}|#[0-9]{1,7});)")
_CHARACTER_REFERENCE = re.compile(rb"&#(?:x([0-9A-Fa-f]{1,6})|([0-9]{1,7}));")
_NAME = re.compile(r"[A-Za-z_][\w.-]*(?::[A-Za-z_][\w.-]*)?", re.ASCII)
_PAIR = re.compile(r' ([\w:.-]+)="[^"]*"')


def _xml_character(code: int) -> bool:
    return (
        code in (0x9, 0xA, 0xD)
        or 0x20 <= code <= 0xD7FF
        or 0xE000 <= code <= 0xFFFD
        or 0x10000 <= code <= 0x10FFFF
    )


def _check_names(attributes: str, fixed: str, prefixes: dict[str, str]) -> None:
    """``attributes`` (after the tag's ``fixed`` one) well-formed as expat, with namespaces
    on, reads them: each a name (ASCII here), no namespace declared, a prefix bound on
    the root, no name twice (two prefixes of one namespace are one name); or defers."""
    seen = {fixed}
    for name in _PAIR.findall(attributes):
        if not _NAME.fullmatch(name) or name.lower().startswith("xml"):
            raise _Defer
        prefix, _, local = name.rpartition(":")
        if prefix and (prefix.lower().startswith("xml") or prefix not in prefixes):
            raise _Defer
        key = f"{{{prefixes[prefix]}}}{local}" if prefix else local
        if key in seen:
            raise _Defer
        seen.add(key)


def _cells(
    data: SheetData,
    tokens: list[tuple[str, ...]],
    interned: Interned,
    box: tuple[int, int, Limits],
    prefixes: dict[str, str],
) -> None:
    """The tokens' cells stored as the careful reader stores them (rows and columns of the
    ``box``, with the limits); the attributes beyond the grammar's checked as expat would."""
    rows, cols, limits = box
    cells, columns, known, kept = data.cells, _COLUMNS, interned.cells, limits.outside_kept
    checked = interned.checked.setdefault(tuple(sorted(prefixes.items())), {"", ">"})
    at_row = -1
    row_text, opened, open_row = "", 0, False
    for token in tokens:
        letters, number, kind, empty, has_f, formula, _, value, inline, text, row, tag, end, close = (
            token
        )
        if letters:
            if not open_row or (number != row_text and int(number) != at_row + 1):
                raise _Defer
            try:
                at_col = columns[letters]
            except KeyError:
                at_col = _column_of(letters)
            if empty:
                continue
            if has_f:
                if has_f not in checked:
                    _check_names(has_f[:-1], "", prefixes)
                    checked.add(has_f)
                key = ("f", formula)
            elif kind == "inlineStr":
                if not inline:
                    continue
                key = ("i", text)
            elif value:
                key = (kind, value)
            else:
                continue
            try:
                cell = known[key]
            except KeyError:
                cell, long = interned.make(key)
                if long:
                    data.too_long.append((at_row, at_col, len(cell.value)))
            if at_row < rows and at_col < cols:
                cells[at_row, at_col] = cell
            else:
                data.outside_count += 1
                if len(data.outside) < kept:
                    data.outside.append((at_row, at_col, cell))
        elif row:
            if open_row or not 1 <= int(row) <= 1_048_576:
                raise _Defer
            if tag not in checked:
                _check_names(tag, "r", prefixes)
                checked.add(tag)
            at_row, row_text = int(row) - 1, row
            opened, open_row = opened + 1, not end
        else:
            if not open_row or not close:  # a '</row>' outside a row, or a stray '<'
                raise _Defer
            open_row = False
    if open_row or opened > limits.rows:
        raise _Defer


def _span(text: str) -> tuple[int, int]:
    """Where the rows are: between ``<sheetData>`` and ``</sheetData>`` (an empty span
    after ``<sheetData/>``)."""
    start = text.find("<sheetData")  # near the start; the caller checks there is one
    if start < 0:
        raise _Defer
    opened = text.find(">", start)
    if opened < 0 or text[start + len("<sheetData") : opened] not in ("", "/"):
        raise _Defer  # attributes on sheetData: outside the grammar
    if text[opened - 1] == "/":
        return opened + 1, opened + 1
    end = text.rfind("</sheetData>", opened)  # near the end (another one among the rows
    if end < 0:  # would be a '<' that is no token's: the scan defers)
        raise _Defer
    return opened + 1, end


def _merges(text: str, part: str) -> list[tuple[int, int, int, int]]:
    found = _MERGE.findall(text)
    if len(found) != len(_MERGE_START.findall(text)):
        raise _Defer
    merges = []
    for attributes in found:
        ref = _attributes(attributes).get("ref")
        if ref is None or not _PLAIN.fullmatch(ref):
            raise _Defer
        try:
            merges.append(_merge(ref, part))
        except XlsxProblem:
            raise _Defer from None
    return merges


_COLUMNS: dict[str, int] = {column_letter(index): index for index in range(26 + 26 * 26)}
"""Each column's index by its letters: those of one or two letters, then as met."""


def _column_of(letters: str) -> int:
    index = 0
    for char in letters:
        index = index * 26 + ord(char) - 64
    if index > 16_384:
        raise _Defer
    _COLUMNS[letters] = index - 1
    return index - 1


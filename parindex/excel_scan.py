"""A fast scan of a sheet part that gives :meth:`Xlsx.sheet`'s result, or defers to it.

The careful reader (:mod:`parindex.excel_read`) builds an ElementTree element for every
row and cell; most of an import's time went there. This scan reads the same cells from
the part's text with a few regular expressions, under three rules that keep its result
the careful reader's, to the cell:

* the part must be well-formed XML by expat itself (the parser ElementTree uses, with
  namespaces on, as ElementTree sets it): whatever would be a ``damaged_part`` is left to
  the careful reader, which reports it with its position;
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
from operator import itemgetter
from pyexpat import ExpatError, ParserCreate

from parindex.excel_read import Cell, Limits, SheetData, XlsxProblem, _decode, _merge

__all__ = ["Interned", "scan_sheet"]

_MAIN_NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_ATTR = r"""\s+[^\s=/>]+\s*=\s*(?:"[^"]*"|'[^']*')"""
_TOKEN = re.compile(
    r'<(?:c r="([A-Z]{1,3})([0-9]{1,7})"(?: s="[0-9]{1,9}")?(?: t="([A-Za-z]{1,9})")?'
    r"(?:(/)>|>"  # an empty cell, or one holding
    r'(?:<f(?: [\w:]{1,30}="[^"<]*")*(>)([^<]*)</f>)?'  # a formula (attributes: LibreOffice)
    r"(?:<v(>)([^<]*)</v>)?"  # a value
    r'(?:<is(>)<t(?: xml:space="preserve")?>([^<]*)</t></is>)?'  # an inline string
    r"</c>)"
    r'|row r="([0-9]{1,7})"(?: [\w:]{1,30}="[^"<]*")*(/?)>'  # a row (empty when '/>')
    r"|(/)row>)"
)
"""One token among the rows; every repetition runs over a negated class or fixed text.
The one-character groups ``(/)``, ``(>)`` mark what is present (CPython shares such strings)."""
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
    each is read once (cells are immutable) with whether its text is over the limit."""

    def __init__(self, strings: list[str], text_limit: int) -> None:
        self.strings = strings
        self.text_limit = text_limit
        self.cells: dict[tuple[str, str], tuple[Cell, bool]] = {}

    def make(self, key: tuple[str, str]) -> tuple[Cell, bool]:
        """The cell of ``(t attribute or f or i, raw text)``, as the careful ``_cell``
        reads it; a shared string that is not there defers (the careful reader names it)."""
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
        found = self.cells[key] = cell, cell.kind == "s" and len(cell.value) > self.text_limit
        return found


def _text(raw: bytes) -> str | None:
    """The part's text when it is well-formed, UTF-8 and free of what the scan does not
    follow (DOCTYPE, comments, CDATA, processing instructions, the main namespace bound
    twice, the default namespace declared again); else ``None``."""
    if b"<!" in raw or raw.startswith(b"\xef\xbb\xbf"):
        return None
    parser = ParserCreate(None, "}")  # as ElementTree's XMLParser: namespaces on
    try:
        parser.Parse(raw, True)
        text = raw.decode("utf-8")
    except (ExpatError, ValueError, LookupError):
        return None
    if text.startswith("<?"):
        prolog = _PROLOG.match(text)
        if prolog is None:
            return None
        text = text[prolog.end() :]
    if "<?" in text:
        return None
    if "\r" in text:  # XML's end-of-line handling, as the parser applies it
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    if text.count("xmlns") - text.count("xmlns:") != 1 or text.count(_MAIN_NS) != 1:
        return None  # the default namespace declared again, or the main one bound twice
    root = _ROOT.match(text)
    if root is None or _attributes(root.group(1)).get("xmlns") != _MAIN_NS:
        return None
    if any("&" in d or "&" in s for d, s in _PREFIXED.findall(text)):
        return None  # a namespace written with references (the main one, disguised?)
    return text


def scan_sheet(
    raw: bytes, name: str, part: str, interned: Interned, rows: int, cols: int, limits: Limits
) -> SheetData | None:
    """Sheet ``name`` read from its part's bytes as :meth:`Xlsx.sheet` reads it, or
    ``None`` when the careful reader must read it (anything outside the scan's grammar,
    anything the careful reader would report)."""
    text = _text(raw)
    if text is None:
        return None
    try:
        rows_part = _rows_part(text)
        data = SheetData(name, merges=_merges(text, part))
        tokens = _TOKEN.findall(rows_part)
        opened = _cells(data, tokens, interned, rows, cols, limits)
    except _Defer:
        return None
    if _brackets(tokens) != rows_part.count("<") or opened != len(_ROW_START.findall(text)):
        return None  # an element among the rows the scan does not know
    return data


def _brackets(tokens: list[tuple[str, ...]]) -> int:
    """The ``<`` the tokens hold: one a token, one more for a cell's end tag, two for each
    formula and value, four for an inline string (counted column by column, in C)."""

    def present(group: int) -> int:
        return len(tokens) - list(map(itemgetter(group), tokens)).count("")

    cells, empty = present(0), present(3)
    return len(tokens) + cells - empty + 2 * present(4) + 2 * present(6) + 4 * present(8)


def _cells(
    data: SheetData,
    tokens: list[tuple[str, ...]],
    interned: Interned,
    rows: int,
    cols: int,
    limits: Limits,
) -> int:
    """The tokens' cells stored as the careful reader stores them; returns the rows opened."""
    cells, columns, known, kept = data.cells, _COLUMNS, interned.cells, limits.outside_kept
    at_row = -1
    row_text, opened, seen, open_row = "", 0, 0, False
    for letters, number, kind, empty, has_f, formula, _, value, inline, text, row, end, _ in tokens:
        if letters:
            if not open_row or (number != row_text and int(number) != at_row + 1):
                raise _Defer
            at_col = columns[letters] if letters in columns else _column_of(letters)
            seen += 1
            if empty:
                continue
            if has_f:
                key = ("f", formula)
            elif kind == "inlineStr":
                if not inline:
                    continue
                key = ("i", text)
            elif value:
                key = (kind, value)
            else:
                continue
            cell, long = known[key] if key in known else interned.make(key)
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
            at_row, row_text = int(row) - 1, row
            opened, open_row = opened + 1, not end
        else:
            if not open_row:
                raise _Defer
            open_row = False
    if open_row or opened > limits.rows or seen > limits.cells:
        raise _Defer
    return opened


def _rows_part(text: str) -> str:
    """The text between ``<sheetData>`` and ``</sheetData>`` (empty for ``<sheetData/>``)."""
    start = text.find("<sheetData")
    if start < 0 or text.find("<sheetData", start + 1) >= 0:
        raise _Defer
    opened = text.find(">", start)
    if text[start + len("<sheetData") : opened] not in ("", "/"):
        raise _Defer  # attributes on sheetData: outside the grammar
    if text[opened - 1] == "/":
        return ""
    end = text.find("</sheetData>", opened)
    if end < 0:
        raise _Defer
    return text[opened + 1 : end]


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


_COLUMNS: dict[str, int] = {}


def _column_of(letters: str) -> int:
    index = 0
    for char in letters:
        index = index * 26 + ord(char) - 64
    if index > 16_384:
        raise _Defer
    _COLUMNS[letters] = index - 1
    return index - 1

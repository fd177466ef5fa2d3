"""A fast scan of a sheet part that gives :meth:`Xlsx.sheet`'s result, or defers to it.

The careful reader (:mod:`parindex.excel_read`) builds an ElementTree element for every
row and cell; most of an import's time went there. This scan reads the same cells from
the part's text, under three rules that keep its result the careful reader's, to the
cell:

* the part must be well-formed XML: expat itself (the parser ElementTree uses, with
  namespaces on, as ElementTree sets it) reads all of it but the rows, and the rows are
  checked by hand for what expat would check there (the grammar below makes the tags;
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
* every ``<`` among the rows is accounted for: each ``<row `` starts a row, each ``<c ``
  a cell read whole, each row ends at its first ``</row>``, and no other ``<`` lies
  before, between or inside them; so nothing the careful reader would see is skipped.

A row's start tag and a cell's text are read once a workbook (most are the same on every
unit's sheet: codes, titles, formulas, blank cells). The expressions are
backtracking-bounded: every repetition is over a negated character class.
:func:`scan_strings` reads the shared strings the same way. ``tests/test_excel_scan.py``
checks, with Hypothesis, that on generated and damaged parts the scans give the careful
result or defer.
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

__all__ = ["Interned", "scan_sheet", "scan_strings"]

_MAIN_NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_ATTR = r"""\s+[^\s=/>]+\s*=\s*(?:"[^"]*"|'[^']*')"""
_MORE = r'((?: [\w:.-]{1,40}="[^"<]*")*)'
"""Attributes beyond the grammar's fixed ones (a row's after ``r``, a formula's): names
and values checked by hand afterwards (:func:`_check_names`)."""
_HEAD = re.compile(rf'r="([0-9]{{1,7}})"{_MORE}(/?)>')
"""A row's start tag after its ``<row ``: its number, further attributes, and ``/`` when
the row is empty."""
_CELL = re.compile(
    r'r="([A-Z]{1,3})([0-9]{1,7})"(?: s="[0-9]{1,9}")?(?: t="([A-Za-z]{1,9})")?(?:/>|>'
    rf"(?:<f{_MORE}(>)([^<]*)</f>)?"  # a formula (attributes: Excel's shared formulas,
    r"(?:<v>([^<]*)</v>)?"  # LibreOffice's aca), a value,
    r'(?:<is(>)<t(?: xml:space="preserve")?>([^<]*)</t></is>)?'  # an inline string
    r"</c>)"
)
"""One whole cell after its ``<c `` (nothing before, nothing after): its column letters,
row number, type, formula attributes, ``>`` when it holds a formula, the formula, the
value, ``>`` when it holds an inline string, and that string (one-character groups are
marks: CPython shares them). Every repetition runs over a negated class."""
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
    limit, ``long`` those over it (each found there is reported again). Per set of
    prefixes bound on the root: ``checked`` the attributes found well-formed, ``heads``
    each row start tag read (its row, whether empty), ``placed`` each cell's text read
    (its place and cell; at most :data:`_PLACED_KEPT` texts of :data:`_PLACED_LENGTH`
    characters at most)."""

    def __init__(self, strings: list[str], text_limit: int) -> None:
        self.strings = strings
        self.text_limit = text_limit
        self.cells: dict[tuple[str, str], Cell] = {}
        self.long: dict[tuple[str, str], Cell] = {}
        self.checked: dict[tuple[tuple[str, str], ...], set[str]] = {}
        self.heads: dict[tuple[tuple[str, str], ...], dict[str, tuple[int, bool]]] = {}
        self.placed: dict[tuple[tuple[str, str], ...], dict[str, _Placed]] = {}

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
    return (
        b"#" not in raw
        or b"&#" not in raw
        or all(
            _xml_character(int(hexadecimal, 16) if hexadecimal else int(decimal))
            for hexadecimal, decimal in _CHARACTER_REFERENCE.findall(raw)
        )
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


_SST = re.compile(rf"<sst((?:{_ATTR})*)\s*>")
_SI = re.compile(r'<si><t(?: xml:space="preserve")?>([^<]*)</t></si>')
"""One shared string as Excel, LibreOffice and XlsxWriter write a plain one (four ``<``:
a string in runs, or with a phonetic guide, is left to the careful reader)."""


def scan_strings(raw: bytes, limit: int) -> list[str] | None:
    """The shared strings read from their part's bytes as :meth:`Xlsx.strings` reads them,
    or ``None`` when the careful reader must read them: the part well-formed as for a
    sheet (the root and what lies outside it read by expat), the main namespace the
    root's default, and among the strings nothing but plain ones (every ``<`` is one of
    theirs), at most ``limit``."""
    if not _bytes_ok(raw):
        return None
    try:
        text = raw.decode("utf-8")
        start = text.find("<sst")
        opened, end = text.find(">", start) + 1, text.rfind("</sst>")
        if start < 0 or end < opened:
            return None
        outside = text[:opened] + text[end:]
        ParserCreate(None, "}").Parse(outside.encode("utf-8"), True)
    except (ExpatError, ValueError, LookupError):
        return None
    if outside.startswith("<?"):
        prolog = _PROLOG.match(outside)
        if prolog is None:
            return None
        outside = outside[prolog.end() :]
    root = _SST.match(outside)
    if root is None or "<?" in outside or _attributes(root.group(1)).get("xmlns") != _MAIN_NS:
        return None  # a processing instruction, or the strings in another namespace
    inside = text[opened:end]
    if "\r" in inside:  # XML's end-of-line handling, as the parser applies it
        inside = inside.replace("\r\n", "\n").replace("\r", "\n")
    found = _SI.findall(inside)
    if inside.count("<") != 4 * len(found) or len(found) > limit:
        return None  # something else among the strings, or too many of them
    return [_decode(_unescape(string)) for string in found]


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
        return None  # every '<c ' among the rows starts a cell (or the part is deferred)
    try:
        data = SheetData(name, merges=_merges(outside, part))
        _cells(data, rows_part, interned, (rows, cols, limits), prefixes)
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


_Placed = tuple[int, int, tuple[int, int], Cell | None, bool]
"""A cell read from its text: its row and column (0-based), both as a key, the cell
(``None``: it holds nothing), and whether its text is over the limit."""


def _cells(
    data: SheetData,
    rows_part: str,
    interned: Interned,
    box: tuple[int, int, Limits],
    prefixes: dict[str, str],
) -> None:
    """The rows' cells stored as the careful reader stores them (rows and columns of the
    ``box``, with the limits), or :class:`_Defer`.

    Every ``<`` among the rows is accounted for: each ``<row `` starts a row whose start
    tag is :data:`_HEAD`, then cells up to the first ``</row>`` (each ``<c `` starts one,
    whole as :data:`_CELL`, on the row's own number), then text without ``<`` up to the
    next ``<row `` (there is none before the first). A row's start tag and a cell's text
    are read once a workbook (:attr:`Interned.heads`, :attr:`Interned.placed`)."""
    rows, cols, limits = box
    chunks = rows_part.split("<row ")
    if len(chunks) > limits.rows + 1 or "<" in chunks[0]:
        raise _Defer
    cells, too_long, outside, kept = data.cells, data.too_long, data.outside, limits.outside_kept
    bound = tuple(sorted(prefixes.items()))
    checked = interned.checked.setdefault(bound, {""})
    heads = interned.heads.setdefault(bound, {})
    placed = interned.placed.setdefault(bound, {})
    for chunk in chunks[1:]:
        opened = chunk.find(">") + 1
        head = chunk[:opened]
        try:
            row, empty = heads[head]
        except KeyError:
            row, empty = _row_head(head, prefixes, checked, heads)
        if empty:
            closed = opened
        else:
            closed = chunk.find("</row>", opened)
            if closed < 0:
                raise _Defer
            texts = chunk[opened:closed].split("<c ")
            if texts[0]:  # text or another element before the row's first cell
                raise _Defer
            for text in texts[1:] if len(texts) > 1 else ():
                try:
                    at_row, col, at, cell, long = placed[text]
                except KeyError:
                    at_row, col, at, cell, long = _place(text, interned, prefixes, checked, placed)
                if at_row != row:
                    raise _Defer  # a cell on another row than its own (the careful reader says)
                if cell is None:
                    continue
                if long:
                    too_long.append((row, col, len(cell.value)))
                if row < rows and col < cols:
                    cells[at] = cell
                else:
                    data.outside_count += 1
                    if len(outside) < kept:
                        outside.append((row, col, cell))
            closed += 6
        if chunk.find("<", closed) >= 0:
            raise _Defer  # an element after the row, or a row left open


def _row_head(
    head: str, prefixes: dict[str, str], checked: set[str], heads: dict[str, tuple[int, bool]]
) -> tuple[int, bool]:
    """A row's start tag (after ``<row ``): its 0-based row and whether it is empty."""
    match = _HEAD.fullmatch(head)
    if match is None or not 1 <= int(match.group(1)) <= 1_048_576:
        raise _Defer  # outside the grammar, or a row number the careful reader refuses
    number, attributes, empty = match.groups()
    if attributes not in checked:
        _check_names(attributes, "r", prefixes)
        checked.add(attributes)
    found = heads[head] = int(number) - 1, bool(empty)
    return found


_PLACED_KEPT = 1 << 17
"""Cells' texts remembered a workbook (a unit sheet has some 2,000, most of them the same
on every unit's sheet: codes, titles, formulas, blank cells)."""
_PLACED_LENGTH = 4096
"""Longer texts are read each time, not remembered (the hidden sheet's JSON chunks)."""


def _place(
    text: str,
    interned: Interned,
    prefixes: dict[str, str],
    checked: set[str],
    placed: dict[str, _Placed],
) -> _Placed:
    """The cell of ``text`` (one cell after its ``<c ``) as the careful ``_cell`` reads it,
    with its place (the cell ``None`` when it holds nothing); or :class:`_Defer`."""
    match = _CELL.fullmatch(text)
    if match is None:  # anything else, after or inside the cell: outside the grammar
        raise _Defer
    letters, number, kind, attributes, has_f, formula, value, inline, inline_text = match.groups()
    if has_f and attributes not in checked:
        _check_names(attributes, "", prefixes)
        checked.add(attributes)
    col = _COLUMNS[letters] if letters in _COLUMNS else _column_of(letters)  # even if blank
    if has_f:
        key: tuple[str, str] | None = ("f", formula)
    elif kind == "inlineStr":
        key = ("i", inline_text) if inline else None
    else:
        key = (kind, value) if value else None
    cell, long = None, False
    if key is not None:
        try:
            cell = interned.cells[key]
        except KeyError:
            cell, long = interned.make(key)
    row = int(number) - 1
    found = row, col, (row, col), cell, long
    if len(placed) < _PLACED_KEPT and len(text) <= _PLACED_LENGTH:
        placed[text] = found
    return found


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

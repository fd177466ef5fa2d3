"""Bounded reading of an ``.xlsx`` workbook: only what the importer needs, within limits.

An ``.xlsx`` file is a zip of XML parts. Workbooks come back from units and are hostile
input: a zip bomb renamed ``.xlsx``, a million stray rows, three million shared strings,
a truncated download, a damaged part. :class:`Xlsx` reads the parts itself (no
spreadsheet library) under the :class:`Limits` declared below, so every such file ends
in a typed :class:`XlsxProblem` naming the part or cell, in bounded time and memory,
never in a traceback, and never in a silent cut. A damaged sheet part spoils only the
sheet it belongs to: the other sheets still read.

What is read: sheet names and visibility, shared strings, and per sheet the cells (value,
whether a formula, type) and merged ranges. Cells outside the box the caller expects are
counted and the first few kept with their text, so data outside the expected rows is
reported, never ignored.
"""

from __future__ import annotations

import io
import re
import zipfile
import zlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import IO, TYPE_CHECKING
from xml.etree import ElementTree

from parindex.messages import os_error

if TYPE_CHECKING:
    from parindex.excel_scan import Interned

__all__ = ["LIMITS", "Cell", "Limits", "SheetData", "Xlsx", "XlsxProblem", "column_letter"]

_MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
_REL = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
_PKG_REL = "{http://schemas.openxmlformats.org/package/2006/relationships}"
_ESCAPED = re.compile(r"_x([0-9A-Fa-f]{4})_")
_REF = re.compile(r"^([A-Z]{1,3})([0-9]{1,7})$")
_OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_MIB = 1 << 20


@dataclass(frozen=True)
class Limits:
    """What a workbook may hold before it is refused, and why each bound is where it is.

    A 250-unit workbook of the 2023 set is about 5 MiB on disk and 32 MiB unpacked, its
    largest parts (the shared strings, the findings sheet) about 4 MiB each; one unit
    sheet about 100 KiB. The bounds leave eight times that room and keep the worst
    accepted file within a few seconds of parsing and a bounded memory (cells outside
    the expected box are counted, not kept).
    """

    file_bytes: int = 64 * _MIB
    entries: int = 10_000
    part_bytes: int = 32 * _MIB
    """One XML part unpacked (a million stray rows are some 40 MiB: refused unread)."""
    total_bytes: int = 512 * _MIB
    ratio: int = 200
    """Unpacked ÷ packed for parts over 1 MiB: XML packs 5–30×; a bomb packs 1000×."""
    strings: int = 1_000_000
    rows: int = 20_000
    """Rows of one sheet (a unit sheet has about 250, the hidden sheet one per unit)."""
    cells: int = 200_000
    text: int = 32_767
    """Excel's own limit for one cell: longer text cannot have come from Excel."""
    outside_kept: int = 20
    """Cells outside the expected box kept with their text (all of them are counted)."""


LIMITS = Limits()


@dataclass(frozen=True)
class XlsxProblem(Exception):
    """A workbook, or one of its parts, cannot be read; ``where`` names the part or cell."""

    kind: str
    message: str
    message_en: str
    where: str | None = None
    text: str | None = None

    def __str__(self) -> str:
        return self.message_en


@dataclass(frozen=True)
class Cell:
    """One cell as stored: ``kind`` is ``n`` (number), ``s`` (text), ``b`` (boolean),
    ``e`` (error) or ``f`` (a formula, ``value`` its text without ``=``)."""

    value: str
    kind: str


@dataclass
class SheetData:
    """The cells of one sheet inside the expected box (0-based ``(row, col)``), the
    merged ranges ``(first_row, first_col, last_row, last_col)``, and the cells outside."""

    name: str
    cells: dict[tuple[int, int], Cell] = field(default_factory=dict)
    merges: list[tuple[int, int, int, int]] = field(default_factory=list)
    outside: list[tuple[int, int, Cell]] = field(default_factory=list)
    outside_count: int = 0
    too_long: list[tuple[int, int, int]] = field(default_factory=list)
    """Cells whose text is longer than :attr:`Limits.text` (row, col, length)."""

    def value(self, row: int, col: int) -> Cell | None:
        return self.cells.get((row, col))


def column_letter(col: int) -> str:
    """``A`` for 0, ``AA`` for 26."""
    letters = ""
    col += 1
    while col:
        col, rest = divmod(col - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def _column_index(letters: str) -> int:
    index = 0
    for char in letters:
        index = index * 26 + ord(char) - 64
    return index - 1


def _decode(text: str) -> str:
    """OOXML ``_xHHHH_`` escapes decoded (``_x005F_`` is a literal underscore)."""
    return _ESCAPED.sub(lambda m: chr(int(m.group(1), 16)), text) if "_x" in text else text


def _damaged(name: str, exc: BaseException) -> XlsxProblem:
    return XlsxProblem(
        "damaged_part",
        f"phần '{name}' của tệp Excel bị hỏng hoặc bị cắt cụt ({type(exc).__name__}); "
        "hãy lưu lại tệp từ Excel hoặc xuất lại",
        f"part '{name}' of the workbook is damaged or truncated ({exc})",
        name,
    )


class Xlsx:
    """An opened workbook; raises :class:`XlsxProblem` for a file that is not one.

    >>> with Xlsx("out/bang.xlsx") as book:  # doctest: +SKIP
    ...     sheet = book.sheet(book.sheetnames[0], rows=300, cols=12)
    """

    def __init__(self, path: str | Path, limits: Limits = LIMITS) -> None:
        self.path = Path(path)
        self.limits = limits
        self.archive = self._open()
        try:
            self.sheets, self.hidden = self._sheets()
            self._strings: list[str] | None = None
            self._interned: Interned | None = None
        except BaseException:
            self.archive.close()
            raise

    @property
    def sheetnames(self) -> list[str]:
        return list(self.sheets)

    def close(self) -> None:
        self.archive.close()

    def __enter__(self) -> Xlsx:
        return self

    def __exit__(self, *_: object) -> None:
        self.close()

    # --- the container -------------------------------------------------------------------

    def _open(self) -> zipfile.ZipFile:
        """The archive, read into memory once (at most :attr:`Limits.file_bytes`): every
        part comes from the same bytes, even if the file changes meanwhile, and a process
        forked to read some sheets reads them from its own copy."""
        limits = self.limits
        try:
            size = self.path.stat().st_size
            with self.path.open("rb") as handle:
                head = handle.read(8)
                if head != _OLE2 and size <= limits.file_bytes:
                    size = len(data := head + handle.read(limits.file_bytes + 1 - len(head)))
        except OSError as exc:
            vi, en = os_error(exc)  # the file is named beside the message
            raise XlsxProblem(
                "unreadable", f"không đọc được tệp: {vi}", f"cannot read the file: {en}"
            ) from exc
        if head == _OLE2:
            raise XlsxProblem(
                "old_xls",
                "tệp Excel 97–2003 (.xls) hoặc tệp đã mã hóa: mở bằng Excel và lưu thành "
                "Sổ làm việc Excel (.xlsx), rồi nhập lại",
                "an Excel 97–2003 (.xls) or encrypted file: save it as .xlsx and import again",
            )
        if size > limits.file_bytes:
            raise XlsxProblem(
                "too_large",
                f"tệp quá lớn ({size // _MIB} MiB, tối đa {limits.file_bytes // _MIB} MiB)",
                f"file too large ({size} bytes, at most {limits.file_bytes})",
                text=str(size),
            )
        try:
            archive = zipfile.ZipFile(io.BytesIO(data))
        except (zipfile.BadZipFile, OSError, ValueError, EOFError) as exc:
            raise XlsxProblem(
                "not_a_workbook",
                "không phải tệp Excel .xlsx (hoặc tệp bị cắt cụt, hỏng): hãy lưu lại từ Excel",
                f"not an .xlsx workbook, or a truncated or damaged one ({exc})",
            ) from exc
        try:
            self._check_sizes(archive.infolist())
        except BaseException:
            archive.close()
            raise
        return archive

    def _check_sizes(self, entries: list[zipfile.ZipInfo]) -> None:
        limits = self.limits
        if len(entries) > limits.entries:
            raise XlsxProblem(
                "zip_bomb",
                f"tệp nén có {len(entries)} phần (tối đa {limits.entries}): không phải bảng "
                "điểm, không đọc",
                f"the archive has {len(entries)} entries (at most {limits.entries})",
            )
        total = 0
        for entry in entries:
            total += entry.file_size
            packed = max(entry.compress_size, 1)
            bomb = entry.file_size > limits.part_bytes or (
                entry.file_size > _MIB and entry.file_size / packed > limits.ratio
            )
            if bomb or total > limits.total_bytes:
                raise XlsxProblem(
                    "zip_bomb",
                    f"phần '{entry.filename}' giải nén ra {entry.file_size} byte (nén "
                    f"{entry.compress_size} byte): vượt giới hạn, có thể là bom nén; không đọc",
                    f"part '{entry.filename}' unpacks to {entry.file_size} bytes from "
                    f"{entry.compress_size}: over the limits (a zip bomb?)",
                    entry.filename,
                    str(entry.file_size),
                )

    def _stream(self, name: str) -> IO[bytes]:
        """Part ``name`` opened for reading, after a look at its prolog: no DOCTYPE."""
        try:
            with self.archive.open(name) as peek:
                head = peek.read(2048)
            handle = self.archive.open(name)
        except KeyError as exc:
            raise XlsxProblem(
                "part_missing",
                f"tệp Excel thiếu phần '{name}' (tệp hỏng)",
                f"the workbook lacks its part '{name}'",
                name,
            ) from exc
        except (zipfile.BadZipFile, zlib.error, EOFError, OSError, ValueError) as exc:
            raise _damaged(name, exc) from exc
        except NotImplementedError as exc:  # a compression method zipfile lacks
            raise _damaged(name, exc) from exc
        if b"<!DOCTYPE" in head or b"<!ENTITY" in head:
            handle.close()
            raise XlsxProblem(
                "doctype",
                f"phần '{name}' khai báo DOCTYPE/ENTITY: tệp Excel thật không có, không đọc",
                f"part '{name}' declares a DOCTYPE or entities: refused",
                name,
            )
        return handle

    def _events(self, name: str, tags: tuple[str, ...]) -> Iterator[ElementTree.Element]:
        """End events of ``tags`` in part ``name``; parser and zip errors typed.

        Each element is emptied once read, so only empty shells stay in the tree: their
        number is bounded by the limits on rows and strings.
        """
        handle = self._stream(name)
        try:
            for _, node in ElementTree.iterparse(handle, events=("end",)):
                if node.tag in tags:
                    yield node
                    node.clear()
        except (
            ElementTree.ParseError,
            zipfile.BadZipFile,
            zlib.error,
            EOFError,
            OSError,
            ValueError,
            LookupError,  # an XML declaration naming an unknown encoding (a flipped byte)
        ) as exc:
            raise _damaged(name, exc) from exc
        finally:
            handle.close()

    # --- the workbook part ------------------------------------------------------------------

    def _sheets(self) -> tuple[dict[str, str], set[str]]:
        targets: dict[str, str] = {}
        for node in self._events("xl/_rels/workbook.xml.rels", (f"{_PKG_REL}Relationship",)):
            target = node.get("Target") or ""
            path = target.lstrip("/") if target.startswith("/") else f"xl/{target}"
            targets[node.get("Id") or ""] = str(PurePosixPath(path))
        sheets: dict[str, str] = {}
        hidden: set[str] = set()
        for node in self._events("xl/workbook.xml", (f"{_MAIN}sheet",)):
            name = node.get("name") or ""
            part = targets.get(node.get(f"{_REL}id") or "")
            if part is None:
                raise XlsxProblem(
                    "damaged_part",
                    f"trang '{name}' không trỏ tới phần nào của tệp (tệp hỏng)",
                    f"sheet '{name}' points to no part of the file",
                    "xl/workbook.xml",
                )
            sheets[name] = part
            if node.get("state") in ("hidden", "veryHidden"):
                hidden.add(name)
        return sheets, hidden

    def strings(self, *, careful: bool = False) -> list[str]:
        """The shared strings, decoded; bounded in number (the part in size).

        A fast scan (:func:`parindex.excel_scan.scan_strings`) reads the plain ones and
        gives the same list; anything else, and every problem, is the careful parser's
        (``careful=True`` uses it alone, and leaves what was read before as it was).
        """
        if self._strings is not None and not careful:
            return self._strings
        name = next(
            (n for n in self.archive.namelist() if n.lower() == "xl/sharedstrings.xml"), None
        )
        found: list[str] = []
        if name is not None:
            fast = None
            if not careful:
                from parindex.excel_scan import scan_strings

                raw = self._raw(name)
                fast = None if raw is None else scan_strings(raw, self.limits.strings)
            found = self._careful_strings(name) if fast is None else fast
        if not careful:
            self._strings = found
        return found

    def _careful_strings(self, name: str) -> list[str]:
        found: list[str] = []
        for node in self._events(name, (f"{_MAIN}si",)):
            if len(found) >= self.limits.strings:
                raise XlsxProblem(
                    "too_many_strings",
                    f"tệp có hơn {self.limits.strings} chuỗi văn bản: không phải bảng điểm",
                    f"more than {self.limits.strings} shared strings",
                    name,
                )
            found.append(_decode("".join(self._texts(node))))
        return found

    @staticmethod
    def _texts(node: ElementTree.Element) -> Iterator[str]:
        """The text of an ``si`` or ``is`` element: its ``t`` and its runs' ``t``, not the
        phonetic runs."""
        for child in node:
            if child.tag == f"{_MAIN}t":
                yield child.text or ""
            elif child.tag == f"{_MAIN}r":
                yield from (t.text or "" for t in child.iter(f"{_MAIN}t"))

    # --- a sheet --------------------------------------------------------------------------------

    def sheet(self, name: str, rows: int, cols: int, *, careful: bool = False) -> SheetData:
        """The cells of sheet ``name`` in rows ``0..rows-1`` and columns ``0..cols-1``; cells
        outside are counted (their first few kept).

        A fast scan (:mod:`parindex.excel_scan`) reads the parts it recognises and gives
        the same result; anything else, and every problem, is the careful parser's
        (``careful=True`` uses it alone).
        """
        strings = self.strings()
        if not careful:
            from parindex.excel_scan import Interned, scan_sheet

            if self._interned is None:
                self._interned = Interned(strings, self.limits.text)
            raw = self._raw(self.sheets[name])
            fast = (
                None
                if raw is None
                else scan_sheet(
                    raw, name, self.sheets[name], self._interned, rows, cols, self.limits
                )
            )
            if fast is not None:
                return fast
        return self._careful_sheet(name, rows, cols, strings)

    def _raw(self, part: str) -> bytes | None:
        """The bytes of ``part``, or ``None`` when reading them fails (the careful parser
        then reports why, as it always has)."""
        try:
            return self.archive.read(part)
        except (
            KeyError,
            zipfile.BadZipFile,
            zlib.error,
            EOFError,
            OSError,
            ValueError,
            NotImplementedError,  # a compression method zipfile lacks
        ):
            return None

    def _careful_sheet(self, name: str, rows: int, cols: int, strings: list[str]) -> SheetData:
        part = self.sheets[name]
        data = SheetData(name)
        limit = self.limits.text
        at_row = -1
        seen_rows = seen_cells = 0
        for node in self._events(part, (f"{_MAIN}row", f"{_MAIN}mergeCell")):
            if node.tag == f"{_MAIN}mergeCell":
                data.merges.append(_merge(node.get("ref") or "", part))
                continue
            at_row = _row_number(node, at_row, part)
            seen_rows, seen_cells = seen_rows + 1, seen_cells + len(node)
            if seen_rows > self.limits.rows or seen_cells > self.limits.cells:
                raise XlsxProblem(
                    "too_many_rows",
                    f"trang '{name}' có quá nhiều dòng hoặc ô (đến dòng {at_row + 1}; tối đa "
                    f"{self.limits.rows} dòng, {self.limits.cells} ô): không đọc",
                    f"sheet '{name}' has too many rows or cells (row {at_row + 1}; at most "
                    f"{self.limits.rows} rows, {self.limits.cells} cells)",
                    part,
                    str(at_row + 1),
                )
            at_col = -1
            for cell in node:
                at_col = _cell_column(cell, at_row, at_col, part)
                value = _cell(cell, strings, part)
                if value is None:
                    continue
                if value.kind == "s" and len(value.value) > limit:
                    data.too_long.append((at_row, at_col, len(value.value)))
                if at_row < rows and at_col < cols:
                    data.cells[at_row, at_col] = value
                else:
                    data.outside_count += 1
                    if len(data.outside) < self.limits.outside_kept:
                        data.outside.append((at_row, at_col, value))
        return data


def _row_number(node: ElementTree.Element, previous: int, part: str) -> int:
    raw = node.get("r")
    if raw is None:
        return previous + 1
    if not raw.isdigit() or not 1 <= int(raw) <= 1_048_576:
        raise XlsxProblem(
            "damaged_part",
            f"số dòng '{raw[:20]}' không hợp lệ trong '{part}'",
            f"invalid row number {raw[:20]!r}",
            part,
        )
    return int(raw) - 1


def _cell_column(cell: ElementTree.Element, row: int, previous: int, part: str) -> int:
    raw = cell.get("r")
    if raw is None:
        return previous + 1
    match = _REF.match(raw)
    col = _column_index(match.group(1)) if match else -1
    if match is None or int(match.group(2)) != row + 1 or not 0 <= col < 16_384:
        raise XlsxProblem(
            "damaged_part",
            f"địa chỉ ô '{raw[:20]}' không hợp lệ ở dòng {row + 1} của '{part}'",
            f"invalid cell reference {raw[:20]!r} on row {row + 1}",
            part,
        )
    return col


def _merge(ref: str, part: str) -> tuple[int, int, int, int]:
    ends = ref.split(":")
    matches = [_REF.match(e) for e in ends]
    if len(ends) != 2 or None in matches:
        raise XlsxProblem(
            "damaged_part",
            f"vùng gộp ô '{ref[:40]}' không hợp lệ",
            f"invalid merged range {ref[:40]!r}",
            part,
        )
    (a, b) = (m for m in matches if m is not None)
    return (
        int(a.group(2)) - 1,
        _column_index(a.group(1)),
        int(b.group(2)) - 1,
        _column_index(b.group(1)),
    )


def _cell(cell: ElementTree.Element, strings: list[str], part: str) -> Cell | None:
    kind = cell.get("t", "n")
    formula = cell.find(f"{_MAIN}f")
    if formula is not None:
        return Cell(formula.text or "", "f")
    if kind == "inlineStr":
        inline = cell.find(f"{_MAIN}is")
        return None if inline is None else Cell(_decode("".join(Xlsx._texts(inline))), "s")
    raw = cell.find(f"{_MAIN}v")
    if raw is None or raw.text is None:
        return None
    text = raw.text
    if kind == "s":
        if not text.isdigit() or int(text) >= len(strings):
            raise XlsxProblem(
                "damaged_part",
                f"ô {cell.get('r', '?')} trỏ tới chuỗi số {text[:12]} không có (tệp hỏng)",
                f"cell {cell.get('r', '?')} refers to a missing shared string {text[:12]}",
                part,
            )
        return Cell(strings[int(text)], "s")
    if kind == "str":
        return Cell(_decode(text), "s")
    if kind in ("b", "e"):
        return Cell(text, kind)
    return Cell(text, "n")

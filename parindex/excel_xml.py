"""A worksheet that keeps its cells as sheet XML: the units' sheets of a large workbook.

XlsxWriter stores every cell as an object until the workbook is saved, then turns each into
XML: for the 750,000 cells of a 250-unit workbook that is most of the time and memory of
writing it. :class:`RowSheet` takes the same calls (``write_string``, ``write_number``,
``write_blank``, ``write_formula``, ``merge_range``, ``set_row``) but writes each cell's
``<c>`` element at once, as XlsxWriter would write it (shared strings from the workbook's
table, styles by their XF index), and :meth:`RowSheet.seal` joins a finished sheet's rows
into one string, so only the text of the sheet stays in memory until the workbook is saved.
Everything else of the sheet (columns, merges, validations, panes, protection, print setup)
is XlsxWriter's own.
"""

from __future__ import annotations

import copy
import io
import math
import re
import zlib
from concurrent.futures import Future, ThreadPoolExecutor
from decimal import Decimal
from typing import Any
from zipfile import ZIP64_LIMIT, ZIP_DEFLATED, LargeZipFile, ZipFile, ZipInfo

from xlsxwriter.exceptions import DuplicateWorksheetName
from xlsxwriter.packager import Packager
from xlsxwriter.sharedstrings import SharedStrings
from xlsxwriter.utility import xl_range
from xlsxwriter.workbook import Workbook
from xlsxwriter.worksheet import _utf16_len, _utf16_truncate

from parindex.backends.excel import cell_name
from parindex.excel_style import FormulaSheet

__all__ = ["Book", "RowSheet", "escaped", "number_end", "plain_string", "shown_end"]

_ERRORS = frozenset({"#DIV/0!", "#N/A", "#NAME?", "#NULL!", "#NUM!", "#REF!", "#VALUE!"})
_NOT_SETTINGS = frozenset(
    {"name", "index", "repeat_row_range", "repeat_col_range", "print_area_range", "autofilter_area"}
    | {"_rows", "_heights", "_blocks", "_styles", "_data", "_part", "fh"}
)
"""A sheet's attributes its part does not show: its name and place (XlsxWriter puts the ranges
made with its name in the workbook's part), its cells and rows (:meth:`RowSheet.seal`)."""


class RowSheet(FormulaSheet):
    """A worksheet writing its cells' XML as they come (see the module's docstring).

    Only cells written through the four ``write_*`` methods (and ``merge_range``, which
    uses them) are supported, with a format or none; :meth:`seal` must be called once the
    sheet is complete, before the workbook is closed.
    """

    early = True
    """Make the sheet's whole part (header, columns, merges, validations, print setup, as
    XlsxWriter makes them) when the sheet is sealed rather than when the workbook is saved:
    the process that writes a unit makes its parts, and the save, which no unit can start
    before the last is written, has less to do. ``False``: at the save (the tests' reference)."""

    def __init__(self) -> None:
        super().__init__()
        self._rows: dict[int, dict[int, str]] = {}
        self._heights: dict[int, float] = {}
        self._blocks: dict[int, tuple[int, str, tuple[int, int]]] = {}
        """Rows made whole (:meth:`put_rows`) by their first row: last row, XML, columns."""
        self._styles: dict[Any, str] = {None: ""}
        self._data: str | None = None
        self._part: tuple[str | bytes | Future[tuple[int, int, bytes]], tuple[Any, ...]] | None
        self._part = None
        """The sheet's whole part, made when it was sealed (as UTF-8 where another process
        made it: :mod:`parindex.excel_workers`; or being packed already:
        :meth:`Book.pack_ahead`), and :meth:`_settled` then."""

    # --- cells -------------------------------------------------------------------------------

    def _style(self, fmt: Any) -> str:
        """`` s="7"``: the format's XF index as the cell's attribute (none for index 0)."""
        index = fmt._get_xf_index()
        found = self._styles[fmt] = f' s="{index}"' if index else ""
        return found

    def _row(self, row: int) -> dict[int, str]:
        """A row's cells, a new row made (refused once the sheet is sealed)."""
        if self._data is not None:
            raise RuntimeError(f"sheet {self.name!r} is sealed: no cell can be added")
        cells: dict[int, str] = {}
        self._rows[row] = cells
        return cells

    # The four writers are the innermost loop of a workbook: the row and the style are looked
    # up inline (a format is a key by its identity; None, no format, is there from the start).

    def _write_string(self, row: int, col: int, string: str, cell_format: Any = None) -> int:
        error = 0
        if len(string) > self.xls_strmax // 2 and _utf16_len(string) > self.xls_strmax:
            string, error = _utf16_truncate(string, self.xls_strmax), -2
        index = self.str_table._get_shared_string_index(string)
        style = self._styles.get(cell_format)
        if style is None:
            style = self._style(cell_format)
        cells = self._rows.get(row) or self._row(row)
        cells[col] = f'<c r="{cell_name(row, col)}"{style} t="s"><v>{index}</v></c>'
        return error

    def string_cell(self, row: int, col: int, string: str, cell_format: Any = None) -> str:
        """The XML :meth:`write_string` would store for the cell (its string added to the
        table and counted), without storing it: for rows made whole (:meth:`put_rows`)."""
        if len(string) > self.xls_strmax // 2 and _utf16_len(string) > self.xls_strmax:
            string = _utf16_truncate(string, self.xls_strmax)
        index = self.str_table._get_shared_string_index(string)
        style = self._styles.get(cell_format)
        if style is None:
            style = self._style(cell_format)
        return f'<c r="{cell_name(row, col)}"{style} t="s"><v>{index}</v></c>'

    def _write_number(self, row: int, col: int, number: float, cell_format: Any = None) -> int:
        if math.isnan(number) or math.isinf(number):
            raise TypeError("NAN/INF not supported in write_number()")
        style = self._styles.get(cell_format)
        if style is None:
            style = self._style(cell_format)
        cells = self._rows.get(row) or self._row(row)
        cells[col] = f'<c r="{cell_name(row, col)}"{style}><v>{number:.16G}</v></c>'
        return 0

    def _write_blank(self, row: int, col: int, _: Any, cell_format: Any = None) -> int:
        if cell_format is not None:
            style = self._styles.get(cell_format)
            if style is None:
                style = self._style(cell_format)
            cells = self._rows.get(row) or self._row(row)
            cells[col] = f'<c r="{cell_name(row, col)}"{style}/>'
        return 0

    def _write_formula(
        self, row: int, col: int, formula: str, cell_format: Any = None, value: Any = 0
    ) -> int:
        text = escaped(formula[1:] if formula.startswith("=") else formula)
        if isinstance(value, str):
            kind = "" if not value else ' t="e"' if value in _ERRORS else ' t="str"'
            shown = escaped(value)
        elif isinstance(value, bool):
            kind, shown = ' t="b"', "1" if value else "0"
        else:
            kind, shown = "", str(value)  # as XlsxWriter writes a formula's value
        style = self._styles.get(cell_format)
        if style is None:
            style = self._style(cell_format)
        cells = self._rows.get(row) or self._row(row)
        cells[col] = f'<c r="{cell_name(row, col)}"{style}{kind}><f>{text}</f><v>{shown}</v></c>'
        return 0

    # the public methods, without XlsxWriter's decorator (these sheets give rows and columns)

    def write_string(self, row: int, col: int, string: str, cell_format: Any = None) -> int:
        return self._write_string(row, col, string, cell_format)

    def write_number(self, row: int, col: int, number: float, cell_format: Any = None) -> int:
        return self._write_number(row, col, number, cell_format)

    def write_blank(self, row: int, col: int, blank: Any, cell_format: Any = None) -> int:
        return self._write_blank(row, col, blank, cell_format)

    def write_formula(
        self, row: int, col: int, formula: str, cell_format: Any = None, value: Any = 0
    ) -> int:
        return self._write_formula(row, col, formula, cell_format, value)

    def merge_range(
        self,
        first_row: int,
        first_col: int,
        last_row: int,
        last_col: int,
        data: Any,
        cell_format: Any = None,
    ) -> int:
        """XlsxWriter's ``merge_range`` (rows and columns only) with its bookkeeping of the
        merged cells done in one step: the same merge, cells and merged cells. Anything
        XlsxWriter warns about or refuses (one cell, reversed or out of bounds corners, an
        overlap) goes its own way."""
        cells = [
            (row, col)
            for row in range(first_row, last_row + 1)
            for col in range(first_col, last_col + 1)
        ]
        merged = self.merged_cells
        if (
            len(cells) < 2
            or self.table_cells
            or self._check_dimensions(first_row, first_col)
            or self._check_dimensions(last_row, last_col)
            or any(cell in merged for cell in cells)
        ):
            return int(
                super().merge_range(first_row, first_col, last_row, last_col, data, cell_format)
            )
        merged.update(dict.fromkeys(cells, xl_range(first_row, first_col, last_row, last_col)))
        self.merge.append([first_row, first_col, last_row, last_col])
        self._write(first_row, first_col, data, cell_format)
        for row, col in cells[1:]:
            self._write_blank(row, col, "", cell_format)
        return 0

    def set_row(
        self,
        row: int,
        height: float | None = None,
        cell_format: Any = None,
        options: dict[str, Any] | None = None,
    ) -> int:
        if cell_format is not None or options or height is None:
            raise ValueError("RowSheet.set_row takes a height only")
        self._heights[row] = height
        return 0

    def put_cells(self, row: int, cells: str, first: int, last: int) -> None:
        """A row's cells made elsewhere: their XML (``<c>`` elements numbered ``row``, in
        column order), from column ``first`` to ``last``."""
        made = self._rows.get(row) or self._row(row)
        if made:
            raise ValueError(f"row {row + 1} of sheet {self.name!r} has cells already")
        made[first] = cells
        if last != first:
            made[last] = ""  # for the sheet's dimension: the text is all in the first

    def put_rows(self, first: int, last: int, xml: str, columns: tuple[int, int]) -> None:
        """Rows ``first`` to ``last`` made whole elsewhere: their XML (``<row>`` elements with
        their cells, as :meth:`seal` writes them), their cells from column ``columns[0]`` to
        ``columns[1]``. No other cell or height may be given in those rows."""
        if self._data is not None:
            raise RuntimeError(f"sheet {self.name!r} is sealed: no cell can be added")
        self._blocks[first] = (last, xml, columns)

    def row_attributes(self, height: float) -> str:
        """A ``<row>``'s attributes for ``height`` as :meth:`seal` writes them."""
        pixels = int(height * 4.0 / 3.0 + 0.5)
        if pixels == self.original_row_height == self.default_row_height:
            return ""
        return f' ht="{pixels * 0.75:.16g}" customHeight="1"'

    def take_cells(self, row: int) -> tuple[str, int, int] | None:
        """The XML of the cells written in ``row`` (in column order) and their first and last
        column, the row then dropped; ``None`` for a row without cells."""
        cells = self._rows.pop(row, None)
        if not cells:
            return None
        order = sorted(cells)
        return "".join([cells[c] for c in order]), order[0], order[-1]

    # --- the sheet's XML ---------------------------------------------------------------------

    def seal(self, ends: dict[Any, Any] | None = None) -> None:
        """Join the rows into the sheet's XML and drop the cells (the sheet is complete);
        then, where it can be (:attr:`early`), the whole sheet's part made already.

        ``ends``, a dict kept for the workbook, holds the parts' text before and after their
        rows: a sheet whose every setting (all but its name, place and rows) equals one sealed
        before takes that sheet's ends around its own rows instead of XlsxWriter making them
        again (the units' sheets of one shape differ only in their rows)."""
        self._data = self._sheet_data()
        self._rows, self._heights, self._blocks = {}, {}, {}
        if self.early and self._unchanging():
            self._part = self._made_part(ends), self._settled()
            self._set_filehandle(None)  # its text is in the part

    def _made_part(self, ends: dict[Any, Any] | None) -> str:
        """The sheet's whole part (:meth:`seal`)."""
        data = self._data
        if ends is None or not data or self.sparklines or self.data_bars_2010:
            return self._assembled()  # (sparklines and data bars: their ids are the index's)
        settings = {k: v for k, v in vars(self).items() if k not in _NOT_SETTINGS}
        key = (self.dim_rowmax, self.dim_colmax, len(self.merge), len(self.validations))
        for known, before, after in ends.get(key, ()):
            if known == settings:
                self._data = ""  # in the part now, as when XlsxWriter writes it
                return "".join((before, "<sheetData>", data, "</sheetData>", after))
        # kept as they are now: making the part changes some in place (the panes' selections)
        own = {id(v): v for v in settings.values() if not isinstance(v, (list, dict, set))}
        settings = copy.deepcopy(settings, own)
        part = self._assembled()
        start, end = part.index("<sheetData>"), part.rindex("</sheetData>")
        ends.setdefault(key, []).append((settings, part[:start], part[end + 12 :]))
        return part

    def _assembled(self) -> str:
        """The sheet's part as XlsxWriter makes it when the workbook is saved."""
        handle = io.StringIO()
        self._set_xml_writer(handle)
        super()._assemble_xml_file()
        return handle.getvalue()

    def _sheet_data(self) -> str:
        """The rows' XML (:meth:`seal`); the sheet's dimension set."""
        blocks = self._blocks
        rows = sorted(self._rows.keys() | self._heights.keys() | blocks.keys())
        if not rows:
            return ""
        columns = [c for cells in self._rows.values() for c in cells]
        columns += [c for _, _, edges in blocks.values() for c in edges]
        last_rows = [last for last, _, _ in blocks.values()]
        self.dim_rowmin, self.dim_rowmax = rows[0], max([rows[-1], *last_rows])
        self.dim_colmin = min(columns, default=0)
        self.dim_colmax = max(columns, default=0)
        parts = []
        after = -1  # the last row of the block last written
        for row in rows:
            if row <= after:
                raise ValueError(f"row {row + 1} of sheet {self.name!r} is in rows made whole")
            block = blocks.get(row)
            if block is not None:
                if row in self._rows or row in self._heights:
                    raise ValueError(f"row {row + 1} of sheet {self.name!r} is made whole")
                after = block[0]
                parts.append(block[1])
                continue
            attributes = self._row_attributes(row)
            cells = self._rows.get(row)
            if cells:
                parts.append(f'<row r="{row + 1}"{attributes}>')
                parts.extend(cells[c] for c in sorted(cells))
                parts.append("</row>")
            else:
                parts.append(f'<row r="{row + 1}"{attributes}/>')
        return "".join(parts)

    def _unchanging(self) -> bool:
        """Whether saving the workbook can change nothing of the sheet's part: not the sheet
        that saving selects and activates (the first, unless another was activated), and
        nothing the workbook numbers when it is saved (images, charts, comments, tables)."""
        meta = self.worksheet_meta
        return (
            self.index not in (0, meta.activesheet, meta.firstsheet)
            and not self.selected
            and not (self.images or self.charts or self.shapes or self.tables)
            and not (self.comments or self.buttons_list or self.has_vml or self.has_header_vml)
            and not (self.header_images or self.footer_images or self.background_image)
            and not self.hyperlinks
        )

    def _settled(self) -> tuple[Any, ...]:
        """What saving the workbook may set on a sheet: equal at sealing and saving (the
        index is not the part's: the other process's sheets are numbered anew here)."""
        meta = self.worksheet_meta
        first = self.index in (0, meta.activesheet, meta.firstsheet)
        return first, self.selected, self.active, self.hidden

    def _assemble_xml_file(self) -> None:
        part = self._part
        if part is None:
            super()._assemble_xml_file()
            return
        if part[1] != self._settled():
            raise RuntimeError(f"sheet {self.name!r} changed after it was sealed")
        if isinstance(part[0], str):
            self.fh.write(part[0])
        elif isinstance(part[0], bytes):  # not packed ahead (a workbook not in memory)
            self.fh.write(part[0].decode())
        else:  # packed already (Book.pack_ahead): the packager takes it as it is
            self.fh.packed = part[0]
        self._part = None
        self._xml_close()

    def _row_attributes(self, row: int) -> str:
        """A row's height as XlsxWriter writes it: in whole pixels, shown in points."""
        height = self._heights.get(row)
        return "" if height is None else self.row_attributes(height)

    def _write_sheet_data(self) -> None:
        if self._data is None:
            raise RuntimeError(f"sheet {self.name!r} was not sealed before saving")
        if not self._data:
            self._xml_empty_tag("sheetData")
        else:
            self.fh.write(f"<sheetData>{self._data}</sheetData>")
        self._data = ""


# --- rows made whole (put_rows): the ends of number and formula cells, made once a value -------

_ENDS: dict[Decimal, str] = {}
_SHOWN: dict[Decimal, str] = {}
_MEMO = 1 << 14  # values remembered at most (a workbook's points take a few hundred)


def number_end(value: Decimal | None) -> str:
    """The rest of a number cell after its ``<c r="…" s="…"``: what :meth:`RowSheet.write_number`
    writes for ``float(value)``, or what :meth:`RowSheet.write_blank` writes for ``None``."""
    if value is None:
        return "/>"
    if value:  # a zero is made each time: 0 and -0 are equal keys, but print apart
        found = _ENDS.get(value)
        if found is not None:
            return found
    number = float(value)
    if math.isnan(number) or math.isinf(number):
        raise TypeError("NAN/INF not supported in write_number()")
    made = f"><v>{number:.16G}</v></c>"
    if value:
        if len(_ENDS) >= _MEMO:
            _ENDS.clear()
        _ENDS[value] = made
    return made


def shown_end(value: Decimal | None) -> str:
    """The rest of a formula cell after its ``<v>``: the value :meth:`RowSheet.write_formula`
    stores for ``float(value)`` (``""`` for ``None``, a formula showing nothing)."""
    if value is None:
        return "</v></c>"
    if value:
        found = _SHOWN.get(value)
        if found is not None:
            return found
    made = f"{float(value)}</v></c>"
    if value:
        if len(_SHOWN) >= _MEMO:
            _SHOWN.clear()
        _SHOWN[value] = made
    return made


def escaped(text: str) -> str:
    """``text`` as XML element content (``str.replace`` is many times faster than
    ``str.translate`` on the long conditions of the official sheet)."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


# --- the package ------------------------------------------------------------------------------

try:  # ISA-L's deflate (PyPI ``isal``, wheels for Linux, macOS and Windows): the same format
    from isal import isal_zlib as _deflate
except ImportError:  # a platform without its wheel: zlib, slower
    _deflate = zlib  # type: ignore[misc]

_LEVEL = 1
"""Deflate's level for the parts: a 250-unit workbook's 58 MiB of XML pack to 9,1 MiB with
ISA-L's level 1 in 0,11 s CPU; zlib's level 1 took 0,44 s for 9,3 MiB, its default level 6
1,27 s for 7,3 MiB (what a reader unpacks is the same, byte for byte)."""
_THREADS = 2
"""Threads packing the parts while this one writes the next (deflate releases the GIL)."""


class Book(Workbook):  # type: ignore[misc]
    """XlsxWriter's workbook, packed faster: the same parts in the same order with the same
    names, times and attributes, deflated at zlib level :data:`_LEVEL` by other threads while
    the next parts are written (XlsxWriter packs each part at level 6 once all are written,
    the largest share of saving a large workbook). Only in-memory workbooks without a VBA project take this path."""

    def _check_sheetname(self, sheetname: str | None, is_chartsheet: bool = False) -> str:
        """XlsxWriter's checks of a new sheet's name, the one against the names taken made
        with a set (XlsxWriter compares the name with every sheet's: 125,000 comparisons for
        a 250-unit workbook's 500 sheets)."""
        taken: set[str] = self.__dict__.setdefault("_taken", set())
        sheets: list[Any] = self.__dict__["worksheets_objs"]
        self.worksheets_objs = []
        try:
            name: str = super()._check_sheetname(sheetname, is_chartsheet)
        finally:
            self.worksheets_objs = sheets
        key = name.lower()  # as XlsxWriter compares names; every sheet's name passed here
        if key in taken:
            raise DuplicateWorksheetName(
                f"Sheetname '{name}', with case ignored, is already in use."
            )
        taken.add(key)
        return name

    premade_strings: dict[str, str]
    """Strings' ``<si>`` in the shared strings part, made before the save by
    :func:`plain_string` (the hidden sheet's JSON of each unit, some 3,5 million characters
    of a 250-unit workbook: checked and escaped by the process that writes the unit, not
    after the last unit); set by the caller, if at all."""

    def pack_ahead(self) -> None:
        """Start packing the parts of the sheets made when sealed (:attr:`RowSheet.early`)
        since the last call, in a thread of this process while it goes on writing: saving,
        which no unit can start before the last is written, then finds them packed. Never
        in a process that may still fork (the thread would be copied without its lock)."""
        if not self.in_memory or self.vba_project:
            return
        sheets = self.worksheets_objs
        pool: ThreadPoolExecutor | None = self.__dict__.get("_ahead")
        for sheet in sheets[self.__dict__.get("_packed_to", 0) :]:
            part = sheet._part if isinstance(sheet, RowSheet) else None
            if part is not None and isinstance(part[0], (str, bytes)):
                if pool is None:
                    pool = self._ahead = ThreadPoolExecutor(1)
                sheet._part = pool.submit(_packed, part[0]), part[1]
        self._packed_to = len(sheets)

    def stop_ahead(self) -> None:
        """End :meth:`pack_ahead`'s thread once the parts given to it are packed."""
        pool: ThreadPoolExecutor | None = self.__dict__.pop("_ahead", None)
        if pool is not None:
            pool.shutdown()

    def _store_workbook(self) -> None:
        if not self.in_memory or self.vba_project:
            super()._store_workbook()
            return
        try:
            self._store_parts()
        finally:
            self.stop_ahead()

    def _store_parts(self) -> None:
        with ThreadPoolExecutor(_THREADS) as pool:
            # XlsxWriter's own preparation of the package (Workbook._store_workbook)
            packager = _Packager(pool)
            if not self.worksheets():
                self.add_worksheet()
            if self.worksheet_meta.activesheet == 0:
                self.worksheets_objs[0].selected = 1
                self.worksheets_objs[0].hidden = 0
            for sheet in self.worksheets():
                if sheet.index == self.worksheet_meta.activesheet:
                    sheet.active = 1
            self._prepare_sst_string_data()
            self._prepare_vml()
            self._prepare_defined_names()
            self._prepare_drawings()
            self._add_chart_data()
            self._prepare_tables()
            self._prepare_metadata()
            packager._add_workbook(self)
            packager._set_tmpdir(self.tmpdir)
            packager._set_in_memory(self.in_memory)
            packager._create_package()
            packager.hand_over()
            parts = [(name, packed.result()) for name, packed in packager.parts]
        _write_zip(self.filename, parts, self.allow_zip64)


class _Packager(Packager):  # type: ignore[misc]
    """XlsxWriter's packager handing each part, once written, to the threads that pack it
    (zlib releases the GIL: the parts are packed while the next ones are written)."""

    def __init__(self, pool: ThreadPoolExecutor) -> None:
        super().__init__()
        self.pool = pool
        self.parts: list[tuple[str, Future[tuple[int, int, bytes]]]] = []

    def _filename(self, xml_filename: str) -> Any:
        self.hand_over()  # the packager writes one part at a time: those before are complete
        return super()._filename(xml_filename)

    def _write_shared_strings_file(self) -> None:
        """XlsxWriter's own, with :class:`_Strings` writing the strings."""
        table = self.workbook.str_table
        if table.count:
            strings = _Strings()
            strings.string_table = table
            strings.premade = self.workbook.__dict__.get("premade_strings")
            strings._set_xml_writer(self._filename("xl/sharedStrings.xml"))
            strings._assemble_xml_file()

    def hand_over(self) -> None:
        """Send every part written since the last call to be packed (its text let go)."""
        for handle, name, binary in self.filenames[len(self.parts) :]:
            packed = getattr(handle, "packed", None)  # a sheet's part packed ahead
            data = handle.getvalue() if packed is None else ""
            handle.close()
            if packed is None:
                packed = self.pool.submit(_packed, data if binary else data.encode())
            self.parts.append((name, packed))


_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\ufffe\uffff]")
"""The characters XlsxWriter's ``<si>`` writer escapes as ``_xHHHH_``. A string with none
but printable characters (``str.isprintable``, a third of the regular expression's time on a
250-unit workbook's 3,9 million characters) has none of them: they are all control
characters or noncharacters."""
_ESCAPE = re.compile(r"_x[0-9a-fA-F]{4}_")
"""Such an escape in a string: XlsxWriter escapes its underscore."""


def plain_string(string: str) -> str | None:
    """The shared strings part's ``<si>`` of ``string`` where XlsxWriter's writer would only
    escape it (``& < >``); ``None`` where that writer must write it."""
    if (
        type(string) is str
        and not string[:1].isspace()  # kept with xml:space="preserve"
        and not string[-1:].isspace()
        and ("_x" not in string or _ESCAPE.search(string) is None)  # (the hidden sheet's JSON)
        and (string.isprintable() or _CONTROL.search(string) is None)
        and not (string.startswith("<r>") and string.endswith("</r>"))  # rich text
    ):
        return f"<si><t>{escaped(string)}</t></si>"
    return None


class _Strings(SharedStrings):  # type: ignore[misc]
    """The shared strings part as XlsxWriter writes it: a string its ``<si>`` writer would
    only escape (``& < >``) joined in one go (:func:`plain_string`), any other written by
    that writer (three regular expressions and four calls a string: a tenth of a second for
    a 250-unit workbook's 4 MB of strings, after the last unit). A string in :attr:`premade`
    (:attr:`Book.premade_strings`) takes the ``<si>`` made there."""

    premade: dict[str, str] | None = None

    def _write_sst_strings(self) -> None:
        plain: list[str] = []
        premade = self.premade
        for string in self.string_table.string_array:
            made = (premade.get(string) if premade else None) or plain_string(string)
            if made is not None:
                plain.append(made)
            else:
                self.fh.write("".join(plain))
                plain.clear()
                self._write_si(string)
        self.fh.write("".join(plain))


def _packed(data: bytes | str) -> tuple[int, int, bytes]:
    """A part's CRC, size and raw deflate stream (what a zip entry holds)."""
    if isinstance(data, str):
        data = data.encode()
    packer = _deflate.compressobj(_LEVEL, _deflate.DEFLATED, -15)
    return _deflate.crc32(data), len(data), packer.compress(data) + packer.flush()


def _write_zip(target: Any, parts: list[tuple[str, tuple[int, int, bytes]]], zip64: bool) -> None:
    """The packed parts as a zip archive written as XlsxWriter's ``ZipFile`` writes them
    (``zipfile`` packs as it writes, one part at a time)."""
    archive: Any  # its private parts are used: zipfile has no way in for packed data
    with ZipFile(target, "w", compression=ZIP_DEFLATED, allowZip64=zip64) as archive:
        for name, (crc, size, stream) in parts:
            info = ZipInfo(name, (1980, 1, 1, 0, 0, 0))
            info.compress_type = ZIP_DEFLATED
            info.external_attr = 0o600 << 16  # what ZipFile.writestr gives a part
            info.file_size, info.compress_size, info.CRC = size, len(stream), crc
            large = info.file_size * 1.05 > ZIP64_LIMIT  # as ZipFile decides it
            if (large or info.compress_size > ZIP64_LIMIT) and not zip64:
                raise LargeZipFile("Filesize would require ZIP64 extensions")
            info.header_offset = archive.fp.tell()
            archive._writecheck(info)
            archive._didModify = True
            archive.fp.write(info.FileHeader(large))
            archive.fp.write(stream)
            archive.filelist.append(info)
            archive.NameToInfo[name] = info
            archive.start_dir = archive.fp.tell()

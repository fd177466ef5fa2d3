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

import math
from typing import Any

from xlsxwriter.worksheet import _utf16_len, _utf16_truncate

from parindex.backends.excel import cell_name
from parindex.excel_style import FormulaSheet

__all__ = ["RowSheet"]

_ERRORS = frozenset({"#DIV/0!", "#N/A", "#NAME?", "#NULL!", "#NUM!", "#REF!", "#VALUE!"})


class RowSheet(FormulaSheet):
    """A worksheet writing its cells' XML as they come (see the module's docstring).

    Only cells written through the four ``write_*`` methods (and ``merge_range``, which
    uses them) are supported, with a format or none; :meth:`seal` must be called once the
    sheet is complete, before the workbook is closed.
    """

    def __init__(self) -> None:
        super().__init__()
        self._rows: dict[int, dict[int, str]] = {}
        self._heights: dict[int, float] = {}
        self._styles: dict[Any, str] = {None: ""}
        self._data: str | None = None

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
        text = _escaped(formula[1:] if formula.startswith("=") else formula)
        if isinstance(value, str):
            kind = "" if not value else ' t="e"' if value in _ERRORS else ' t="str"'
            shown = _escaped(value)
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

    # --- the sheet's XML ---------------------------------------------------------------------

    def seal(self) -> None:
        """Join the rows into the sheet's XML and drop the cells (the sheet is complete)."""
        rows = sorted(self._rows.keys() | self._heights.keys())
        if not rows:
            self._data = ""
            return
        columns = [c for cells in self._rows.values() for c in cells]
        self.dim_rowmin, self.dim_rowmax = rows[0], rows[-1]
        self.dim_colmin = min(columns, default=0)
        self.dim_colmax = max(columns, default=0)
        parts = []
        for row in rows:
            attributes = self._row_attributes(row)
            cells = self._rows.get(row)
            if cells:
                parts.append(f'<row r="{row + 1}"{attributes}>')
                parts.extend(cells[c] for c in sorted(cells))
                parts.append("</row>")
            else:
                parts.append(f'<row r="{row + 1}"{attributes}/>')
        self._data = "".join(parts)
        self._rows, self._heights = {}, {}

    def _row_attributes(self, row: int) -> str:
        """A row's height as XlsxWriter writes it: in whole pixels, shown in points."""
        height = self._heights.get(row)
        if height is None:
            return ""
        pixels = int(height * 4.0 / 3.0 + 0.5)
        if pixels == self.original_row_height == self.default_row_height:
            return ""
        return f' ht="{pixels * 0.75:.16g}" customHeight="1"'

    def _write_sheet_data(self) -> None:
        if self._data is None:
            raise RuntimeError(f"sheet {self.name!r} was not sealed before saving")
        if not self._data:
            self._xml_empty_tag("sheetData")
        else:
            self.fh.write(f"<sheetData>{self._data}</sheetData>")
        self._data = ""


def _escaped(text: str) -> str:
    """``text`` as XML element content (``str.replace`` is many times faster than
    ``str.translate`` on the long conditions of the official sheet)."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")

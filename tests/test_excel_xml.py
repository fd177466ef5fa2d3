"""The direct sheet-XML writer (parindex.excel_xml) and the formulas shared by a shape.

* :class:`RowSheet` writes, for any sequence of cell calls, the same ``<sheetData>`` as
  XlsxWriter's own worksheet given the same calls (``spans``, an optional hint, aside);
* :class:`SheetFormulas` gives every unit the cells and formula texts the careful path
  (:func:`sheet_values`, :func:`render`) gives it, whatever shapes were seen before.
"""

from __future__ import annotations

import io
import re
import sys
import zipfile
import zlib
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
import xlsxwriter
from _workbooks import SET_2023, appraisal, load_samples
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from xlsxwriter.exceptions import OverlappingRange
from xlsxwriter.sharedstrings import SharedStrings, SharedStringTable
from xlsxwriter.worksheet import Worksheet

from parindex import (
    CriteriaSet,
    Submission,
    check_submission,
    excel_xml,
    load_criteria,
)
from parindex.backends.excel import Arith, Fn, IfAny, IfBlank, Neg, Num, Ref, Text, render
from parindex.excel_formulas import Evaluator, SheetFormulas, _Program, sheet_values
from parindex.excel_layout import last_round, layout
from parindex.excel_xml import Book, RowSheet
from parindex.review import review
from parindex.submission import SelfScore

# --- RowSheet against XlsxWriter ----------------------------------------------------------------

_TEXT = st.text(
    st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=12
) | st.sampled_from(["=1+1", "a<b>&c", "Điểm tự đánh giá", "\t@x", "_x000D_ \r\n", "#N/A"])
_FORMULA = st.sampled_from(
    ["=SUM(A1,B2)", '=IF(A1="","",A1)', "=COUNT(A1:B3)>0", "=A1&B1", '=IF(A1<>"","x<y","")']
)
_CALL = st.one_of(
    st.tuples(st.just("string"), _TEXT),
    st.tuples(st.just("number"), st.floats(allow_nan=False, allow_infinity=False)),
    st.tuples(st.just("blank"), st.none()),
    st.tuples(
        st.just("formula"),
        st.tuples(_FORMULA, st.one_of(st.just(""), _TEXT, st.floats(-1e9, 1e9), st.booleans())),
    ),
)
_OPS = st.lists(
    st.tuples(st.integers(0, 30), st.integers(0, 11), _CALL, st.integers(0, 3)),
    max_size=40,
)
_HEIGHTS = st.dictionaries(st.integers(0, 35), st.floats(1, 409), max_size=8)
_MERGES = st.lists(st.tuples(st.integers(0, 30), st.integers(0, 9)), max_size=3, unique=True)


def _apply(sheet: Any, formats: list[Any], ops: Any, heights: Any, merges: Any) -> None:
    for at, (row, col) in enumerate(merges):
        # rows 100 and on: no other call writes there, so merges never overlap; every other
        # one over two rows
        top = 100 + 2 * at
        sheet.merge_range(top, col, top + at % 2, col + 2, "", formats[at % len(formats)])
        sheet.write_string(top, col, f"gộp {row}", formats[at % len(formats)])
    for row, col, (kind, value), style in ops:
        fmt = formats[style] if style < len(formats) else None
        if kind == "string":
            sheet.write_string(row, col, value, fmt)
        elif kind == "number":
            sheet.write_number(row, col, value, fmt)
        elif kind == "blank":
            sheet.write_blank(row, col, None, fmt)
        else:
            sheet.write_formula(row, col, value[0], fmt, value[1])
    for row, height in heights.items():
        sheet.set_row(row, height)


def _sheet_data(path: Path, part: str) -> str:
    with zipfile.ZipFile(path) as book:
        xml = book.read(part).decode()
    data = re.search(r"<sheetData(?:/>|>.*</sheetData>)", xml, re.S)
    assert data is not None
    dimension = re.search(r"<dimension [^>]*>", xml)
    cells = re.sub(r' spans="[^"]*"', "", data.group(0))
    return (dimension.group(0) if dimension else "") + cells


@settings(suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(ops=_OPS, heights=_HEIGHTS, merges=_MERGES)
def test_row_sheet_writes_what_xlsxwriter_writes(
    tmp_path: Path, ops: Any, heights: Any, merges: Any
) -> None:
    path = tmp_path / "both.xlsx"
    book = xlsxwriter.Workbook(str(path), {"strings_to_formulas": False})
    formats = [
        book.add_format({"bold": True}),
        book.add_format({"num_format": "0.00", "border": 1}),
        book.add_format({"italic": True, "text_wrap": True, "locked": False}),
    ]
    plain = book.add_worksheet("XlsxWriter", Worksheet)
    direct = book.add_worksheet("RowSheet", RowSheet)
    _apply(plain, formats, ops, heights, merges)
    _apply(direct, formats, ops, heights, merges)
    assert direct.merged_cells == plain.merged_cells and direct.merge == plain.merge
    direct.seal()
    book.close()
    expected = _sheet_data(path, "xl/worksheets/sheet1.xml")
    assert _sheet_data(path, "xl/worksheets/sheet2.xml") == expected


def test_row_sheet_merges_and_refuses_as_xlsxwriter_does(tmp_path: Path) -> None:
    book = xlsxwriter.Workbook(str(tmp_path / "merges.xlsx"))
    bold = book.add_format({"bold": True})
    sheets = [book.add_worksheet("XlsxWriter", Worksheet), book.add_worksheet("RowSheet", RowSheet)]
    for sheet in sheets:
        assert sheet.merge_range(2, 1, 3, 4, "gộp", bold) == 0
        with pytest.raises(OverlappingRange, match="overlaps previous merge range 'B3:E4'"):
            sheet.merge_range(3, 4, 3, 6, "", bold)
        with pytest.warns(UserWarning, match="single cell"):
            assert sheet.merge_range(7, 1, 7, 1, "", bold) == -1
        assert sheet.merge_range(9, 5, 8, 2, 1.5, bold) == 0  # corners given reversed
        assert sheet.merge_range(0, 0, 0, 16_384, "", bold) == -1  # beyond the last column
    plain, direct = sheets
    assert direct.merged_cells == plain.merged_cells and direct.merge == plain.merge
    direct.seal()  # the cells written: test_row_sheet_writes_what_xlsxwriter_writes
    book.close()


def test_row_sheet_refuses_cells_once_sealed(tmp_path: Path) -> None:
    book = xlsxwriter.Workbook(str(tmp_path / "sealed.xlsx"))
    sheet = book.add_worksheet("A", RowSheet)
    sheet.write_number(0, 0, 1.5, book.add_format({"bold": True}))
    sheet.seal()
    with pytest.raises(RuntimeError, match="sealed"):
        sheet.write_string(1, 0, "late")
    unsealed = book.add_worksheet("B", RowSheet)
    unsealed.write_string(0, 0, "x")
    unsealed.fh = io.StringIO()
    with pytest.raises(RuntimeError, match="not sealed"):
        unsealed._write_sheet_data()  # what saving the workbook does first
    unsealed.seal()
    book.close()


def _sheet_parts(path: Path, early: bool, monkeypatch: Any) -> dict[str, bytes]:
    """A workbook of three RowSheets with everything a unit's sheet sets (columns, heights,
    merges, validations, panes, print setup, protection, a hidden one), each part."""
    monkeypatch.setattr(RowSheet, "early", early)
    book = Book(str(path), {"in_memory": True, "strings_to_formulas": False})
    bold = book.add_format({"bold": True, "text_wrap": True})
    for name in ("Đầu", "Giữa", "Ẩn"):
        sheet = book.add_worksheet(name, RowSheet)
        sheet.set_column(0, 2, 12.5)
        sheet.merge_range(0, 0, 0, 2, f"tiêu đề {name} & <x>", bold)
        sheet.set_row(0, 22)
        for row in range(1, 30):
            sheet.write_number(row, 0, row / 4, bold)
            sheet.write_formula(row, 1, f"A{row + 1}*2", None, row / 2)
        sheet.data_validation(
            1,
            0,
            1,
            0,
            {
                "validate": "decimal",
                "criteria": "between",
                "minimum": 0,
                "maximum": 2,
                "multi_range": "A2 A5",
                "input_message": "Từ 0 đến 2 & <",
            },
        )
        sheet.freeze_panes(1, 1)
        sheet.set_landscape()
        sheet.repeat_rows(0)
        sheet.set_footer("&CTrang &P/&N")
        sheet.protect("", {"format_columns": True})
        if name == "Ẩn":
            sheet.hide()
        sheet.seal()
        if name == "Giữa":
            book.pack_ahead()  # packed while the next sheet is written
    book.close()
    with zipfile.ZipFile(path) as packed:
        return {n: packed.read(n) for n in packed.namelist() if not n.startswith("docProps")}


def test_a_sheet_made_when_sealed_is_the_sheet_made_when_saved(
    tmp_path: Path, monkeypatch: Any
) -> None:
    early = _sheet_parts(tmp_path / "early.xlsx", True, monkeypatch)
    late = _sheet_parts(tmp_path / "late.xlsx", False, monkeypatch)
    assert early.keys() == late.keys() and [n for n in early if early[n] != late[n]] == []
    monkeypatch.setattr(RowSheet, "early", True)
    book = Book(str(tmp_path / "changed.xlsx"), {"in_memory": True})
    book.add_worksheet("A", RowSheet).seal()
    second = book.add_worksheet("B", RowSheet)
    second.seal()
    assert second._part is not None  # made when sealed: the first sheet is made when saving
    second.activate()  # saving would now select it: its part is no longer the sheet's
    with pytest.raises(RuntimeError, match="changed after it was sealed"):
        book.close()


def _made(kind: Any, target: Any) -> None:
    book = kind(target, {"in_memory": True, "strings_to_formulas": False})
    book.set_properties({"created": __import__("datetime").datetime(2026, 11, 30)})
    bold = book.add_format({"bold": True})
    for name in ("Một", "Hai"):
        sheet = book.add_worksheet(name)
        for row in range(300):
            sheet.write_string(row, 0, f"dòng {row} & <{name}>", bold)
            sheet.write_number(row, 1, row / 7)
            sheet.write_formula(row, 2, f"=B{row + 1}*2", None, row * 2 / 7)
    book.close()


@pytest.mark.parametrize("seekable", [True, False])
def test_book_packs_the_parts_xlsxwriter_packs(tmp_path: Path, seekable: bool) -> None:
    """The same parts, bytes, names, times and attributes as XlsxWriter's own package, only
    deflated at another level; also into a stream that cannot seek."""

    class Unseekable(io.RawIOBase):
        def __init__(self) -> None:
            self.data = bytearray()

        def writable(self) -> bool:
            return True

        def write(self, chunk: Any) -> int:
            self.data += chunk
            return len(chunk)

    _made(xlsxwriter.Workbook, str(tmp_path / "plain.xlsx"))
    stream = Unseekable()
    _made(Book, str(tmp_path / "book.xlsx") if seekable else stream)
    packed = (tmp_path / "book.xlsx").read_bytes() if seekable else bytes(stream.data)
    with (
        zipfile.ZipFile(tmp_path / "plain.xlsx") as plain,
        zipfile.ZipFile(io.BytesIO(packed)) as book,
    ):
        assert book.testzip() is None  # every part's CRC checks
        assert book.namelist() == plain.namelist()
        for ours, theirs in zip(book.infolist(), plain.infolist(), strict=True):
            for field in ("date_time", "external_attr", "compress_type", "file_size"):
                assert getattr(ours, field) == getattr(theirs, field), (ours, field)
            assert book.read(ours) == plain.read(theirs), ours.filename


_TRICKY = st.sampled_from(
    [
        *("&", "<", ">", '"', "\n", "\t", "\r", " ", "\x00", "\x07", "\x1f", "\x7f"),
        *("_x00A9_", "_x12g4_", "\ufffe", "\uffff", "\u00a0", "\u2028", "<r>", "</r>", "Điểm", "x"),
    ]
)


@settings(max_examples=150, deadline=None)
@given(st.lists(st.lists(_TRICKY, max_size=6).map("".join) | st.text(max_size=8), max_size=40))
def test_shared_strings_written_as_xlsxwriter_writes_them(strings: list[str]) -> None:
    """The shared strings part: every string written as XlsxWriter's own writer writes it
    (entities, control characters, its own escapes, white space kept, rich strings)."""
    table = SharedStringTable()
    rich = ["<r>x</r>", "<r><t>a &amp; b</t></r>", "<r>", "a</r>"]
    for string in [*strings, *rich, *strings[:3]]:
        table._get_shared_string_index(string)
    table._sort_string_data()
    parts = []
    for kind in (SharedStrings, excel_xml._Strings):
        writer = kind()
        writer.string_table = table
        writer._set_xml_writer(io.StringIO())
        writer._write_sst_strings()
        parts.append(writer.fh.getvalue())
    assert parts[1] == parts[0]


@pytest.mark.parametrize("text", ["", "<row/>", "Điểm thẩm định — " * 40_000])
def test_a_part_is_packed_by_isa_l_as_zlib_unpacks_it(text: str) -> None:
    """ISA-L's deflate (a dependency: 4x zlib's speed at level 1) packs each part; zlib, which
    every reader of the file uses, unpacks the same bytes with the same CRC."""
    crc, size, stream = excel_xml._packed(text)
    data = text.encode()
    assert excel_xml._deflate.__name__ == "isal.isal_zlib"
    assert (crc, size) == (zlib.crc32(data), len(data))
    assert zlib.decompress(stream, -15) == data


# --- the formulas shared by a shape -------------------------------------------------------------


@pytest.fixture(scope="module")
def criteria() -> CriteriaSet:
    return load_criteria(SET_2023)


@pytest.fixture(scope="module")
def samples() -> list[Submission]:
    return load_samples()


def _varied(criteria: CriteriaSet, base: Submission, draw: Any) -> Submission:
    """``base`` with self-scores dropped or given at a parent's level, and appraisals."""
    codes = [n.code for n in criteria.walk()]
    dropped = draw(st.sets(st.sampled_from(sorted(base.self_scores)), max_size=20))
    scores = {c: s for c, s in base.self_scores.items() if c not in dropped}
    for code in draw(st.sets(st.sampled_from(codes), max_size=4)):
        top = criteria.node(code).max_points
        scores[code] = SelfScore(points=draw(st.sampled_from([Decimal(0), top / 2, top])))
    appraisals = []
    for round in range(1, draw(st.integers(1, 3))):
        given = draw(st.sets(st.sampled_from(codes), max_size=12))
        appraisals.append(appraisal(criteria, round, sorted(given), over=4))
    return base.model_copy(update={"self_scores": scores, "appraisals": appraisals})


@settings(suppress_health_check=[HealthCheck.function_scoped_fixture], max_examples=12)
@given(data=st.data())
def test_shapes_give_the_careful_formulas(
    criteria: CriteriaSet, samples: list[Submission], data: Any
) -> None:
    shared = SheetFormulas()
    for index in data.draw(st.lists(st.integers(0, len(samples) - 1), min_size=1, max_size=4)):
        unit = _varied(criteria, samples[index], data.draw)
        checked = check_submission(criteria, unit)
        report = review(criteria, checked).report
        round = data.draw(st.integers(1, last_round(unit) + 1))
        grid = layout(criteria, report, unit, round)
        careful, evaluator = sheet_values(grid, unit)
        for _ in range(2):  # the first sight of a shape, and a unit of a shape seen
            cells, fast, texts = shared.values(grid, unit)
            assert cells == careful
            formulas = {k: render(v) for k, v in careful.items() if _formula(v)}
            assert texts == formulas
            for row, col in careful:  # the same decimals, to the sign of a zero and the digits
                assert repr(fast.cell(row, col)) == repr(evaluator.cell(row, col))


def test_a_shape_key_is_one_object_a_shape_its_hash_made_once(
    criteria: CriteriaSet, samples: list[Submission]
) -> None:
    import pickle

    unit = samples[0]
    report = review(criteria, check_submission(criteria, unit)).report
    grids = [layout(criteria, report, unit, last_round(unit)) for _ in range(2)]
    first, second = (SheetFormulas.key(grid) for grid in grids)
    assert first is second and first == tuple(first) and hash(first) == hash(tuple(first))
    assert first._hash == hash(tuple(first))  # kept
    copied = pickle.loads(pickle.dumps(first))
    assert copied == first and type(copied) is type(first) and "_hash" not in vars(copied)
    other = samples[1]
    report = review(criteria, check_submission(criteria, other)).report
    assert SheetFormulas.key(layout(criteria, report, other, last_round(other))) != first


def _formula(content: object) -> bool:
    return content is not None and not isinstance(content, Decimal)


# --- the reviews made by a second process ------------------------------------------------------


def test_book_refuses_what_xlsxwriter_refuses(tmp_path: Path) -> None:
    """Sheet names: the same errors as XlsxWriter's, the taken names compared ignoring case."""
    from xlsxwriter.exceptions import DuplicateWorksheetName, InvalidWorksheetName

    for kind in (xlsxwriter.Workbook, Book):
        book = kind(str(tmp_path / "names.xlsx"), {"in_memory": True})
        assert [book.add_worksheet(n).name for n in ("Đơn vị", None, "sheet3")] == [
            "Đơn vị",
            "Sheet2",
            "sheet3",
        ]
        for taken in ("ĐƠN VỊ", "SHEET2", "Sheet3"):
            with pytest.raises(DuplicateWorksheetName, match="already in use"):
                book.add_worksheet(taken)
        for bad in ("a/b", "'x'", "x" * 32):
            with pytest.raises(InvalidWorksheetName):
                book.add_worksheet(bad)
        assert book.add_worksheet().name == "Sheet10"  # each attempt counts, as in XlsxWriter
        book.close()


def test_a_formula_program_gives_way_where_a_branch_not_taken_raises() -> None:
    blank, zero = Ref(0, 0), Num(Decimal(0))
    divided = Arith("/", Num(Decimal(1)), zero)
    cells: dict[tuple[int, int], Any] = {
        (0, 0): None,
        (0, 1): IfBlank(blank, Num(Decimal(7)), divided),  # the division is not taken
        (0, 2): IfBlank(blank, Num(Decimal("-0")), Neg(Num(Decimal(1)))),
    }
    walked = Evaluator(cells)
    assert walked.cell(0, 1) == 7
    program = _Program(cells, [])
    evaluator = Evaluator(cells)
    program.run(cells, evaluator.memo)
    assert evaluator.memo == {}  # it raised: the walk evaluates
    assert evaluator.cell(0, 1) == 7
    del cells[0, 1]
    program = _Program(cells, [])
    evaluator = Evaluator(cells)
    program.run(cells, evaluator.memo)
    assert repr(evaluator.memo[0, 2]) == repr(Evaluator(cells).cell(0, 2)) == "Decimal('-0')"


def test_a_formula_program_runs_by_depth_and_shows_a_blank_formula_as_zero() -> None:
    """The steps run in batches of one kind and depth; a formula cell that may be blank and
    does not show "" is 0, as the walk gives it, also when a later formula reads it."""
    a1, b1, c1 = Ref(0, 0), Ref(0, 1), Ref(0, 2)
    cells: dict[tuple[int, int], Any] = {
        (0, 0): None,  # the unit's own
        (0, 1): None,
        (0, 2): IfBlank(a1, b1, Num(Decimal(1))),  # blank while A1 and B1 are: shows 0
        (0, 3): Arith("-", c1, Num(Decimal("0.50"))),
        (0, 4): IfAny((a1, b1), Fn("MAX", (c1, Ref(0, 3))), Text("")),  # shows ""
        (0, 5): Fn("SUM", (c1, Ref(0, 4), b1)),
        (0, 6): IfBlank(b1, a1, Num(Decimal(2))),  # in one batch with C1's
    }
    program = _Program(cells, [(0, 0), (0, 1)])
    assert len(program.batches) < len(program.steps)
    for entered in [(None, None), (None, Decimal(-2)), (Decimal(3), None)]:
        cells[0, 0], cells[0, 1] = entered
        evaluator = Evaluator(cells)
        program.run(cells, evaluator.memo)
        assert sorted(evaluator.memo) == [(0, col) for col in range(2, 7)]
        walked = Evaluator(cells)
        for col in range(7):
            assert repr(evaluator.cell(0, col)) == repr(walked.cell(0, col))
    assert repr(evaluator.memo[0, 2]) == "Decimal('1')"
    cells[0, 0] = cells[0, 1] = None
    evaluator = Evaluator(cells)
    program.run(cells, evaluator.memo)
    assert evaluator.memo[0, 2] == 0 and evaluator.memo[0, 4] is None


def _alike_parts(path: Path, early: bool, ends: dict[Any, Any] | None) -> dict[str, bytes]:
    """Sheets whose settings are the same but for one (a validation's words, its range, a
    merge, a pane, a hidden sheet, the protection), each with rows of its own, sealed with
    ``ends``: each part."""
    book = Book(str(path), {"in_memory": True, "strings_to_formulas": False})
    bold = book.add_format({"bold": True, "text_wrap": True})
    changes = ["", "", "words", "range", "merge", "pane", "hidden", "protect", "", "words"]
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(RowSheet, "early", early)
        for number, change in enumerate(changes):
            sheet = book.add_worksheet(f"S{number}", RowSheet)
            sheet.set_column(0, 2, 12.5)
            sheet.merge_range(0, 0, 0, 1 if change == "merge" else 2, f"đầu {number}", bold)
            for row in range(1, 12):
                sheet.write_number(row, 0, row * number, bold)
                sheet.write_formula(row, 1, f"A{row + 1}*{number}", None, row * number)
            sheet.data_validation(
                1,
                0,
                1,
                0,
                {
                    "validate": "decimal",
                    "criteria": "between",
                    "minimum": 0,
                    "maximum": 2,
                    "multi_range": "A2 A6" if change == "range" else "A2 A5",
                    "input_message": "khác" if change == "words" else "Từ 0 đến 2",
                },
            )
            sheet.freeze_panes(1, 2 if change == "pane" else 1)
            sheet.protect("x" if change == "protect" else "", {"format_columns": True})
            if change == "hidden":
                sheet.hide()
            sheet.seal(ends)
    book.close()
    with zipfile.ZipFile(path) as packed:
        return {n: packed.read(n) for n in packed.namelist() if not n.startswith("docProps")}


def test_sheets_sealed_alike_take_the_same_ends(tmp_path: Path) -> None:
    ends: dict[Any, Any] = {}
    alike = _alike_parts(tmp_path / "alike.xlsx", True, ends)
    late = _alike_parts(tmp_path / "late.xlsx", False, None)
    assert alike.keys() == late.keys() and [n for n in alike if alike[n] != late[n]] == []
    kept = [before for entries in ends.values() for _, before, _ in entries]
    # the first sheet is made when saving; of the other nine, three are alike ("", "", "words")
    assert len(kept) == 7


def test_a_sheet_taking_ends_lets_its_rows_text_go(tmp_path: Path) -> None:
    """Its rows are in its part: the sheet keeps them once, as a sheet whose part XlsxWriter
    made (a 250-unit workbook would otherwise hold every unit's rows twice)."""
    book = Book(str(tmp_path / "kept.xlsx"), {"in_memory": True})
    ends: dict[Any, Any] = {}
    sheets = [book.add_worksheet(name, RowSheet) for name in ("A", "B", "C")]
    for number, sheet in enumerate(sheets):
        sheet.write_number(0, 0, number)
        sheet.seal(ends)
    assert [s._part is not None for s in sheets] == [False, True, True]
    assert [s._data for s in sheets[1:]] == ["", ""]  # B made by XlsxWriter, C took B's ends
    assert sum(len(entries) for entries in ends.values()) == 1
    book.close()


def test_a_printable_string_holds_no_character_xlsxwriter_escapes() -> None:
    """The shared strings part skips the control-character test for a printable string
    (``str.isprintable``): of all code points, those the test finds are none printable."""
    found = [c for c in map(chr, range(sys.maxunicode + 1)) if excel_xml._CONTROL.match(c)]
    assert len(found) == 32 and not any(c.isprintable() for c in found)

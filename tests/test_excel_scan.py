"""The fast sheet scan gives the careful reader's result, or the careful reader reads.

Sheets are generated from the forms Excel, LibreOffice, openpyxl and parindex write and
from forms outside the scan's grammar (cells without references, whitespace between
elements, comments, prefixes, references out of place, missing shared strings, limits
reached), then damaged byte by byte. Whatever the sheet, :meth:`Xlsx.sheet` must return
the same cells, merges, outside cells and over-long texts as the careful parser, in the
same order, or raise the same problem.
"""

from __future__ import annotations

import tempfile
import zipfile
from pathlib import Path
from xml.sax.saxutils import escape

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from parindex.excel_read import Limits, SheetData, Xlsx, XlsxProblem
from parindex.excel_scan import Interned, scan_sheet, scan_strings

MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
X14AC = "http://schemas.microsoft.com/office/spreadsheetml/2009/9/ac"
STRINGS = ["STT", "một", "x" * 12, "a_x0041_b", "", "  spaced  "]
LIMITS = Limits(rows=6, cells=24, text=10, outside_kept=2)
"""Small limits, so that generated sheets reach them."""


def _book(sheet_xml: bytes, folder: Path, strings_xml: bytes | None = None) -> Path:
    path = folder / "book.xlsx"
    shared = "".join(f"<si><t>{escape(s)}</t></si>" for s in STRINGS)
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(
            "xl/workbook.xml",
            f'<workbook xmlns="{MAIN}" xmlns:r="{REL}"><sheets>'
            '<sheet name="S" sheetId="1" r:id="rId1"/></sheets></workbook>',
        )
        archive.writestr(
            "xl/_rels/workbook.xml.rels",
            '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/'
            'relationships"><Relationship Id="rId1" Target="worksheets/sheet1.xml"/>'
            "</Relationships>",
        )
        archive.writestr(
            "xl/sharedStrings.xml", strings_xml or f'<sst xmlns="{MAIN}">{shared}</sst>'.encode()
        )
        archive.writestr("xl/worksheets/sheet1.xml", sheet_xml)
    return path


def _read(book: Xlsx, careful: bool) -> SheetData | tuple[str, str, str, str | None, str | None]:
    try:
        return book.sheet("S", rows=4, cols=3, careful=careful)
    except XlsxProblem as exc:
        return (exc.kind, exc.message, exc.message_en, exc.where, exc.text)


def _same(sheet_xml: bytes) -> bool:
    """Fast and careful agree on ``sheet_xml``; returns whether the fast scan read it."""
    with tempfile.TemporaryDirectory() as name, Xlsx(_book(sheet_xml, Path(name)), LIMITS) as book:
        careful = _read(book, careful=True)
        fast = _read(book, careful=False)
        assert fast == careful
        if isinstance(fast, SheetData) and isinstance(careful, SheetData):
            assert list(fast.cells.items()) == list(careful.cells.items())
        interned = Interned(book.strings(), LIMITS.text)
        part = "xl/worksheets/sheet1.xml"
        return scan_sheet(sheet_xml, "S", part, interned, 4, 3, LIMITS) is not None


SCANNED: list[bool] = []


_text = st.sampled_from(
    ["0", "1.5", " 2 ", "a&amp;b", "&#x41;&#66;", "&lt;&gt;", "x" * 11, "", "a > b", "'&quot;'"]
)
_bad_text = ["\x01", "a]]>b", "&bogus;", "&#0;", "&#x10FFFF;", "\ufffe", "&#xFFFE;", "& x", "<?p?>"]
"""Texts expat refuses (or the scan does not follow): the rows are no longer read by expat."""
_index = st.sampled_from(["0", "1", "2", "3", "5"] * 3 + ["6", "99", "-1", "a", " 1", "&#49;"])


def _pick(draw: st.DrawFn, usual: bool, common: list[str], rare: list[str]) -> str:
    """One of ``common`` (the scan's grammar), or, in an unusual sheet, maybe of ``rare``."""
    return draw(st.sampled_from(common if usual else common + rare))


@st.composite
def _cell(draw: st.DrawFn, row: int, col: int, usual: bool) -> str:
    letters = "ABCDEF"[col]
    wrong = [f' r="{letters}{row + 1}"', f' r="{letters.lower()}{row}"', f' r="XFE{row}"']
    ref = _pick(draw, usual, [f' r="{letters}{row}"'], ["", f' r="{letters}0{row}"', *wrong])
    style = draw(st.sampled_from(["", ' s="3"']))
    kind = draw(st.sampled_from(["", "s", "str", "inlineStr", "b", "e", "n", "d"]))
    extra = _pick(draw, usual, [""], [' cm="1"', " t2='x'"])
    typed = f' t="{kind}"' if kind else ""
    attrs = f"{ref}{style}{typed}{extra}"
    common = ["empty", "v", "f", "fv", "is", "v-empty", "f-attr", "f-shared"]
    rare = ["space", "f-self", "v-self", "f-twice", "f-prefixed", "f-undeclared", "f-same-ns"]
    body = _pick(draw, usual, common, rare)
    value = draw(_index) if kind == "s" else draw(_text)
    if not usual and draw(st.integers(0, 5)) == 0:
        value = draw(st.sampled_from(_bad_text))
    if body == "empty":
        return f"<c{attrs}/>"
    inner = {
        "v": f"<v>{value}</v>",
        "f": f"<f>{draw(_text)}</f>",
        "fv": f"<f>SUM(A1:A2)&gt;0</f><v>{value}</v>",
        "is": f'<is><t xml:space="preserve">{draw(_text)}</t></is>',
        "v-empty": "<v></v>",
        "f-attr": f'<f aca="false">{draw(_text)}</f><v>{value}</v>',
        "space": f"\n  <v>{value}</v>\n",
        "f-self": '<f t="shared" si="0"/><v>1</v>',
        "v-self": "<v/>",
        "f-shared": f'<f t="shared" ref="A1:A2" si="0">{draw(_text)}</f><v>{value}</v>',
        "f-twice": '<f t="shared" t="array">A1</f>',
        "f-prefixed": '<f r:x="1" x14ac:y="&amp;">A1</f><v>1</v>',
        "f-undeclared": "<f q:x='1'>A1</f>",
        "f-same-ns": '<f r:x="1" rel:x="2">A1</f>',
    }[body]
    return f"<c{attrs}>{inner}</c>"


@st.composite
def sheets(draw: st.DrawFn) -> bytes:
    usual = draw(st.booleans())
    rows = []
    for row in range(1, draw(st.integers(0, 7)) + 1):
        number = int(_pick(draw, usual, [str(row), str(row + 2)], ["0"]))
        head = _pick(
            draw,
            usual,
            [f' r="{number}"', f' r="{number}" spans="1:3"', f' r="{number}" x14ac:dy="0.25"'],
            [
                "",
                f' r="{number}" r="{number}"',
                f' r="{number}" ht="1" ht="2"',
                f' r="{number}" r:ht="1" rel:ht="2"',
                f' r="{number}" q:ht="1"',
                f' r="{number}" xmlns:q="urn:q"',
                f' r="{number}" 1a="1"',
                f' r="{number}" xml:lang="vi"',
                f' r="{number}" ht="&bad;"',
                f' r="{number}" ht="a]]>b&amp;"',
            ],
        )
        gap = _pick(draw, usual, [""], ["x", "]]>", "&amp;", "&bad;", "\x02", "<?p x?>"])
        count = draw(st.integers(0, 5 if usual else 6))
        cells = "".join(draw(_cell(number, c, usual)) for c in range(count))
        empty = not cells and draw(st.booleans())
        rows.append(f"<row{head}/>" if empty else f"<row{head}>{gap}{cells}</row>")
    merges = draw(st.lists(st.sampled_from(["A1:B1", "A2:C3", "B7:C9", "bad", "A1"]), max_size=3))
    merged = "".join(f'<mergeCell ref="{m}"/>' for m in merges)
    root = _pick(
        draw,
        usual,
        [f'<worksheet xmlns="{MAIN}" xmlns:r="{REL}" xmlns:x14ac="{X14AC}" xmlns:rel="{REL}">'],
        [
            f'<x:worksheet xmlns:x="{MAIN}">',
            f'<worksheet xmlns="{MAIN}" xmlns:m="{MAIN}">',
            f'<worksheet xmlns="{MAIN}" xmlns:r="{REL}">',
        ],
    )
    prefixed = root.startswith("<x:")
    body = "<sheetData>" + "".join(rows) + "</sheetData>"
    if prefixed:
        body = body.replace("<", "<x:").replace("<x:/", "</x:")
    tail = f'<mergeCells count="{len(merges)}">{merged}</mergeCells>' if merges else ""
    tail += _pick(draw, usual, [""], ['<row r="9"/>', "<sheetData/>", "<x>]]&gt;</x>"])
    extra = _pick(draw, usual, [""], ["<!-- note -->", "<?pi x?>"])
    prolog = _pick(
        draw,
        usual,
        ['<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n', ""],
        ["<?xml version='1.0'?>", '<?xml version="1.0" encoding="ISO-8859-1"?>'],
    )
    close = "</x:worksheet>" if prefixed else "</worksheet>"
    data = (prolog + root + extra + body + tail + close).encode("utf-8")
    cut = _pick(draw, usual, ["none"], ["flip", "cut"])
    if cut != "none" and data:
        at = draw(st.integers(0, len(data) - 1))
        data = data[:at] if cut == "cut" else data[:at] + bytes([data[at] ^ 0x20]) + data[at + 1 :]
    return data


@settings(max_examples=300)
@given(sheets())
def test_the_scan_gives_the_careful_result_or_defers(sheet_xml: bytes) -> None:
    SCANNED.append(_same(sheet_xml))


def test_the_scan_reads_the_usual_forms() -> None:
    """Not only deferral: the forms Excel, LibreOffice and parindex write are scanned."""
    usual = (
        f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<worksheet xmlns="{MAIN}" '
        f'xmlns:r="{REL}"><sheetData><row r="1" spans="1:3"><c r="A1" s="1" t="s"><v>0</v>'
        '</c><c r="B1" s="2"/><c r="C1" t="str"><f>A1&amp;"x"</f><v>STTx</v></c></row>'
        '<row r="2"><c r="A2"><f aca="false">SUM(B2:C2)</f><v></v></c><c r="B2" '
        't="inlineStr"><is><t>mười</t></is></c><c r="C2" t="s"><v>2</v></c></row>'
        '<row r="9"><c r="E9" t="b"><v>1</v></c></row></sheetData>'
        '<mergeCells count="1"><mergeCell ref="A1:B1"/></mergeCells></worksheet>'
    )
    assert _same(usual.encode())


@pytest.mark.parametrize(
    "change",
    [
        ("<sheetData>", "<!DOCTYPE x><sheetData>"),
        ('<c r="B1" s="2"/>', '<c r="B1" s="2"></c ><x/>'),
        ('r="A2"', 'r="A3"'),
        ("<v>2</v>", "<v>6</v>"),
        ('<row r="9">', '<row r="9" xmlns="urn:other">'),
        # an element among the rows: before a row's first cell, between rows, before the
        # first (the careful reader reads a value or a merge inside it)
        ('<row r="2">', '<row r="2"><x><v>5</v></x>'),
        ('</row><row r="2">', '</row><x><mergeCell ref="A1:B1"/></x><row r="2">'),
        ("<sheetData>", '<sheetData><x><mergeCell ref="A1:B1"/></x>'),
        ('</row><row r="2">', '<row r="2">'),  # a row never closed
        ('<row r="9"><c r="E9"', '<row r="0"><c r="E0"'),  # a row number refused
        ('<c r="B1" s="2"/>', '<c r="XFE1" s="2"/>'),  # a blank cell beyond the last column
        ('<c r="A2" t="s"><v>2</v></c>', '<c r="A2"><f q:x="1">A1</f></c>'),  # prefix unbound
    ],
)
def test_what_the_scan_does_not_know_is_read_carefully(change: tuple[str, str]) -> None:
    usual = (
        f'<worksheet xmlns="{MAIN}"><sheetData><row r="1"><c r="A1" t="s"><v>0</v></c>'
        '<c r="B1" s="2"/></row><row r="2"><c r="A2" t="s"><v>2</v></c></row>'
        '<row r="9"><c r="E9" t="b"><v>1</v></c></row></sheetData></worksheet>'
    )
    assert _same(usual.encode())
    assert not _same(usual.replace(*change).encode())


_SLOTS = (
    f'<worksheet xmlns="{MAIN}" xmlns:r="{REL}" xmlns:rel="{REL}"><sheetData>'
    '<row r="1" ht="{0}"><c r="A1" t="str"><v>{1}</v></c>{2}<c r="B1"><f aca="{3}">{4}</f>'
    '<v>1</v></c><c r="C1" t="inlineStr"><is><t>{5}</t></is></c></row>{6}'
    '<row r="2" {7}/></sheetData></worksheet>'
)
"""A usual sheet with places for text (attribute values, values, formulas, inline text,
between elements) and one for a row's attributes."""


@given(
    st.integers(0, 7),
    st.sampled_from([*_bad_text, "ok", "&amp;&#65;", "a > b", "]]", 'x="1"']),
    st.sampled_from(
        [
            'spans="1:2"',
            'r="2"',
            'ht="1" ht="2"',
            'r:ht="1" rel:ht="2"',
            'r:ht="1"',
            'q:ht="1"',
            'xmlns:q="urn:q"',
            '1a="1"',
            'xml:lang="vi"',
            'a:b:c="1"',
            'ht="&bad;"',
        ]
    ),
)
def test_what_expat_refuses_among_the_rows_is_never_scanned(
    slot: int, text: str, attributes: str
) -> None:
    """Expat no longer reads the rows: every character, reference and attribute name it
    would refuse there, put anywhere among them, still makes the part a damaged one."""
    fills = ["1", "x", "", "false", "A1", "y", "", 'spans="1:2"']
    # an attribute value takes what its quotes allow, hostile as written
    fills[slot] = attributes if slot == 7 else text.replace('"', "") if slot in (0, 3) else text
    _same(_SLOTS.format(*fills).encode("utf-8"))  # asserts fast == careful
    _same(_SLOTS.format(*fills[:7], attributes).encode("utf-8"))


@st.composite
def _shared_strings(draw: st.DrawFn, rare: str) -> bytes:
    """A shared-strings part: plain strings as Excel, LibreOffice and XlsxWriter write
    them, with one ``rare`` place (the strings, the root, the prolog, the end, the bytes)
    unusual: runs, phonetic guides, empty and prefixed elements, other namespaces, text
    between strings, hostile text, a damaged byte or a cut."""
    strings = []
    for _ in range(draw(st.integers(0, 6))):
        text = draw(_text)
        if rare == "strings" and draw(st.booleans()):
            text = draw(st.sampled_from([*_bad_text, "a<b", "&#13;", "&#xD;\n"]))
        text += draw(st.sampled_from(["", "_x0041_", "\r\nb", "a\rb"]))
        plain = f"<si><t>{text}</t></si>"
        spaced = f'<si><t xml:space="preserve">{text}</t></si>'
        strings.append(
            _pick(
                draw,
                rare != "strings",
                [plain, spaced],
                [
                    f"<si><r><rPr><b/></rPr><t>{text}</t></r><r><t>b</t></r></si>",
                    f'<si><t>{text}</t><rPh sb="0" eb="1"><t>ふ</t></rPh></si>',
                    "<si><t/></si>",
                    "<si/>",
                    f"<x:si><x:t>{text}</x:t></x:si>",
                    f" {plain}\n",
                    f"<si><t>{text}</t></si >",
                    f'<si><t xml:space="default">{text}</t></si>',
                    f"<si><t>{text}</t><t>b</t></si>",
                    f"<si>\n<t>{text}</t></si>",
                ],
            )
        )
    root = _pick(
        draw,
        rare != "root",
        [
            f'<sst xmlns="{MAIN}" count="{len(strings)}" uniqueCount="{len(strings)}">',
            f'<sst xmlns="{MAIN}">',
        ],
        [
            f'<sst xmlns="urn:other" xmlns:x="{MAIN}">',
            f'<sst xmlns:x="{MAIN}" xmlns="{MAIN}">',
            f"<sst xmlns='{MAIN}' count='1'>",
            f'<sst xmlns="{MAIN.replace(":", "&#58;")}">',
            "<sst>",
            f'<sst xmlns="{MAIN}" a="1" a="2">',
            f'<sst xmlns="{MAIN}" a="x>y">',
            f'<x:sst xmlns:x="{MAIN}" xmlns="{MAIN}">',
        ],
    )
    prolog = _pick(
        draw,
        rare != "prolog",
        ['<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n', ""],
        ['<?xml version="1.0" encoding="ISO-8859-1"?>', "<!DOCTYPE sst>", "<!-- c -->", "<?p?>"],
    )
    close = "</x:sst>" if root.startswith("<x:") else "</sst>"
    close = _pick(
        draw, rare != "close", [close], ["</sst >", f"{close}<x/>", "", f"{close}\n<!-- c -->"]
    )
    data = (prolog + root + "".join(strings) + close).encode("utf-8")
    if rare == "bytes" and data:
        at = draw(st.integers(0, len(data) - 1))
        flip = data[:at] + bytes([data[at] ^ 0x20]) + data[at + 1 :]
        data = data[:at] if draw(st.booleans()) else flip
    return data


def _strings(book: Xlsx, careful: bool) -> list[str] | tuple[str, str, str, str | None, str | None]:
    try:
        return book.strings(careful=careful)
    except XlsxProblem as exc:
        return (exc.kind, exc.message, exc.message_en, exc.where, exc.text)


@pytest.mark.parametrize("rare", ["none", "strings", "root", "prolog", "close", "bytes"])
@settings(max_examples=60)
@given(data=st.data())
def test_the_strings_scan_gives_the_careful_strings_or_defers(
    rare: str, data: st.DataObject
) -> None:
    """Whatever the shared-strings part, the strings read are the careful parser's, or
    its problem (a limit reached, a damaged part) is raised."""
    part = data.draw(_shared_strings(rare))
    sheet = f'<worksheet xmlns="{MAIN}"><sheetData/></worksheet>'.encode()
    limits = Limits(strings=data.draw(st.sampled_from([6, 3])))
    with (
        tempfile.TemporaryDirectory() as name,
        Xlsx(_book(sheet, Path(name), part), limits) as book,
    ):
        careful = _strings(book, careful=True)
        assert _strings(book, careful=False) == careful


def test_the_strings_scan_reads_the_plain_forms() -> None:
    part = (
        f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<sst xmlns="{MAIN}" '
        'count="3" uniqueCount="3"><si><t>STT</t></si><si><t xml:space="preserve"> a &amp; '
        "b_x0041_\r\n</t></si><si><t></t></si></sst>"
    ).encode()
    assert scan_strings(part, 3) == ["STT", " a & bA\n", ""]
    assert scan_strings(part, 2) is None  # over the limit: the careful reader says so

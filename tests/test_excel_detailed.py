"""A shape's rows made once and filled per unit (parindex.excel_detailed, the official sheet's
rows in parindex.excel_official_rows) and its formulas evaluated in one pass
(parindex.excel_formulas._Program): the workbook is the one written cell by cell, its
formulas evaluated by the walk of their trees.

Every part is compared byte for byte (sheet XML with its string and style numbers, styles,
workbook), the shared string table in the same order with the same count, and the warnings
of texts too long for a cell; only the hidden sheet's random export id and signatures differ
between two exports.
"""

from __future__ import annotations

import dataclasses
import re
import warnings
import zipfile
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from _workbooks import SET_2023, load_samples
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import parindex.excel as excel
import parindex.excel_detailed as detailed
import parindex.excel_official_rows as official_rows
from parindex import CriteriaSet, Submission, export_workbook, load_criteria, review
from parindex.excel_formulas import SheetFormulas
from parindex.excel_layout import EVIDENCE, INPUTS, RULE, SheetRow, layout
from parindex.excel_style import MAX_CELL_TEXT, Formats, careful_text_lines
from parindex.excel_xml import RowSheet
from parindex.submission import Appraisal, AppraisedScore, SelfScore

_NOTES = ["", "ghi chú", "=SUM(A1:A9)", "+84 912", "@x", "-1", "a & <b>", "\tthụt", "x" * 40]


@pytest.fixture(scope="module")
def criteria() -> CriteriaSet:
    return load_criteria(SET_2023)


@pytest.fixture(scope="module")
def samples() -> list[Submission]:
    return load_samples()


class _Walked(SheetFormulas):
    """Every formula evaluated by the evaluator's walk of its tree (no shape's program), each
    shape's formulas built whole (no row's kept from a shape before)."""

    def __init__(self) -> None:
        super().__init__(programs=False, rows_kept=False)


class _Careful(Formats):
    """The workbook's formats with every cell written one by one."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.careful = True


def _varied(criteria: CriteriaSet, base: Submission, draw: Any, name: str) -> Submission:
    """``base`` renamed, with self-scores dropped, given at a parent's level or explained
    (texts that look like formulas, or too long for a cell), and appraisals with notes."""
    codes = [n.code for n in criteria.walk()]
    dropped = draw(st.sets(st.sampled_from(sorted(base.self_scores)), max_size=10))
    scores = {c: s for c, s in base.self_scores.items() if c not in dropped}
    for code in draw(st.sets(st.sampled_from(codes), max_size=3)):
        top = criteria.node(code).max_points
        scores[code] = SelfScore(points=draw(st.sampled_from([Decimal(0), top / 2, top])))
    notes = st.sampled_from([*_NOTES, "=" + "y" * MAX_CELL_TEXT])
    for code in draw(st.sets(st.sampled_from(sorted(scores)), max_size=6)) if scores else ():
        scores[code] = SelfScore(points=scores[code].points, explanation=draw(notes) or None)
    appraisals = []
    for round in range(1, draw(st.integers(1, 3))):
        given = draw(st.sets(st.sampled_from(codes), max_size=8))
        scored = {
            c: AppraisedScore(
                points=criteria.node(c).max_points / 2, note=draw(st.sampled_from(_NOTES)) or None
            )
            for c in sorted(given)
        }
        appraisals.append(Appraisal(round=round, scores=scored))
    unit = base.unit.model_copy(update={"id": name, "name": f"Đơn vị {name}"})
    return base.model_copy(update={"unit": unit, "self_scores": scores, "appraisals": appraisals})


def _written(
    criteria: CriteriaSet, units: list[Submission], path: Path, careful: bool, language: str
) -> tuple[dict[str, bytes], list[str]]:
    """The workbook's parts (but its document properties: their time) and its warnings."""
    with pytest.MonkeyPatch.context() as patch, warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        if careful:
            patch.setattr(excel, "Formats", _Careful)
            patch.setattr(excel, "SheetFormulas", _Walked)
            patch.setattr(RowSheet, "early", False)  # every part made when saving
        export_workbook(criteria, units, path, workers=1, language=language)
    with zipfile.ZipFile(path) as book:
        parts = {n: book.read(n) for n in book.namelist() if not n.startswith("docProps")}
    return parts, [str(w.message) for w in caught]


def _strings(data: bytes) -> tuple[list[str], list[str]]:
    """The string table's head (with its counts) and its strings, the hidden sheet's random
    ones (export id, signatures: hexadecimal) left out."""
    table = data.decode()
    strings = re.findall(r"<si>(.*?)</si>", table, re.S)
    kept = [s for s in strings if not re.fullmatch(r"<t>(?:[0-9a-f]{32}|[0-9a-f]{64})</t>", s)]
    return re.findall(r"<sst[^>]*>", table), kept


def _assert_same(
    criteria: CriteriaSet, units: list[Submission], folder: Path, language: str = "vi"
) -> None:
    careful, careful_warnings = _written(criteria, units, folder / "careful.xlsx", True, language)
    fast, fast_warnings = _written(criteria, units, folder / "fast.xlsx", False, language)
    assert careful.keys() == fast.keys()
    table = "xl/sharedStrings.xml"
    assert [n for n in careful if n != table and careful[n] != fast[n]] == []
    assert _strings(careful[table]) == _strings(fast[table])
    assert careful_warnings == fast_warnings


@settings(
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    max_examples=6,
    deadline=None,
)
@given(data=st.data())
def test_rows_made_from_a_shape_are_the_careful_rows(
    criteria: CriteriaSet, samples: list[Submission], tmp_path: Path, data: Any
) -> None:
    picked = data.draw(st.lists(st.integers(0, len(samples) - 1), min_size=1, max_size=3))
    units = [_varied(criteria, samples[i], data.draw, f"u{n}") for n, i in enumerate(picked)]
    units.append(_again(units[0], data.draw))
    units.append(_renamed(units[-1]))  # its rows as the unit before: made again from theirs
    filled: list[str] = []
    with pytest.MonkeyPatch.context() as patch:
        for module, name in ((detailed, "_fill"), (official_rows, "fill")):
            original = getattr(module, name)
            patch.setattr(module, name, _counted(original, name, filled))
        for module in (detailed, official_rows):
            made = module._Maker.row
            patch.setattr(module._Maker, "row", _counted(made, module.__name__, filled))
        _assert_same(criteria, units, tmp_path)
    assert {"_fill", "fill"} <= set(filled)  # the last unit's shape was seen: rows filled
    for fill, made in (("_fill", detailed.__name__), ("fill", official_rows.__name__)):
        # rows seen before (the last unit's, at least) were not made again
        assert filled.count(made) < filled.count(f"{fill} rows")


def _counted(function: Any, name: str, calls: list[str]) -> Any:
    """``function`` noting ``name`` at each call (and, for a fill, ``name rows`` a row)."""

    def counted(*args: Any) -> Any:
        calls.append(name)
        if name in ("_fill", "fill"):
            calls.extend([f"{name} rows"] * len(args[2].rows))
        return function(*args)

    return counted


def _renamed(unit: Submission) -> Submission:
    """``unit`` under another name: every value and text the same."""
    named = unit.unit.model_copy(update={"id": "same", "name": "Đơn vị giống"})
    return unit.model_copy(update={"unit": named})


def _again(unit: Submission, draw: Any) -> Submission:
    """``unit`` renamed, its scores and notes changed but not which criteria are scored:
    a unit of the same shape."""
    notes = st.sampled_from(_NOTES)
    scores = {
        c: SelfScore(
            points=draw(st.sampled_from([Decimal(0), s.points])),
            explanation=draw(notes) or None,
        )
        for c, s in unit.self_scores.items()
    }
    appraisals = [
        a.model_copy(
            update={
                "scores": {
                    c: AppraisedScore(points=s.points / 2, note=draw(notes) or None)
                    for c, s in a.scores.items()
                }
            }
        )
        for a in unit.appraisals
    ]
    named = unit.unit.model_copy(update={"id": "again", "name": "Đơn vị lặp"})
    return unit.model_copy(update={"unit": named, "self_scores": scores, "appraisals": appraisals})


@pytest.mark.parametrize("language", ["vi", "en"])
def test_a_repeated_shape_with_long_and_formula_like_texts(
    criteria: CriteriaSet, samples: list[Submission], tmp_path: Path, language: str
) -> None:
    base = samples[0]
    codes = sorted(base.self_scores)
    units = []
    for number, note in enumerate(["=1+1", "x" * (MAX_CELL_TEXT + 5), "-x", "ổn"]):
        scores = dict(base.self_scores)
        for code in codes[number : number + 3]:
            scores[code] = SelfScore(points=scores[code].points, explanation=note)
        # a sheet name XML escapes in the formulas reading it ("&", "<") and quotes ("'")
        name = f"Sở TN&MT <{number}> Đắk'Lắk"
        unit = base.unit.model_copy(update={"id": f"r{number}", "name": name})
        units.append(base.model_copy(update={"unit": unit, "self_scores": scores}))
    _assert_same(criteria, units, tmp_path, language)


def test_a_detailed_row_is_as_tall_as_its_text_lines(
    criteria: CriteriaSet, samples: list[Submission], tmp_path: Path
) -> None:
    """A row is its tallest text's lines at :func:`line_points` of the 11-point body (12,98
    points, where it was 14: rows printed 25-30 % taller than their text), plus 3."""
    import openpyxl

    from parindex.excel_style import column_points, line_points, text_lines

    path = export_workbook(criteria, samples[:1], tmp_path / "one.xlsx")
    sheet = openpyxl.load_workbook(path).worksheets[2]
    assert sheet.max_column == len(detailed.WIDTHS)
    checked = 0
    for row in range(1, sheet.max_row + 1):
        texts = [(sheet.cell(row, c + 1).value, w) for c, w in enumerate(detailed.WIDTHS)]
        if not isinstance(texts[0][0], str) or not re.fullmatch(r"[\d.]+[a-z]?", texts[0][0]):
            continue  # the heading, header and total rows
        lines = max(
            text_lines(value, column_points(width), 11)
            for value, width in texts
            if isinstance(value, str) and value and not value.startswith("=")
        )
        height = sheet.row_dimensions[row].height
        assert height == pytest.approx(min(409.0, lines * line_points(11) + 3), abs=0.75), (
            row
        )  # whole pixels
        checked += 1
    assert checked > 100


def test_a_new_shape_takes_the_rows_shapes_before_it_had(
    criteria: CriteriaSet, samples: list[Submission], tmp_path: Path
) -> None:
    """The samples in turn, each a shape of its own (as the benchmark's units): a new shape's
    row equal to one of a shape before is that row kept, any other is made without writing
    it (its strings and formats are in the workbook already); the workbook is the careful
    one. Rows that cannot be made so are written cell by cell between the others. On both
    sheets: the detailed and the official."""
    units = []
    for number, base in enumerate([*samples[:4], samples[1]]):
        named = base.unit.model_copy(update={"id": f"s{number}", "name": f"Đơn vị s{number}"})
        units.append(base.model_copy(update={"unit": named}))
    _assert_same(criteria, units, tmp_path)
    rows = len(list(criteria.walk()))
    official_written = []
    for every in (0, 3):  # 3: every third row's strings or formats taken as not there yet
        calls: list[str] = []
        with pytest.MonkeyPatch.context() as patch:
            for module, name in (
                (detailed, "_write_row"),
                (detailed, "_made_row"),
                (official_rows, "_row"),
                (official_rows, "_made"),
            ):
                patch.setattr(module, name, _counted(getattr(module, name), name, calls))
            for module in (detailed, official_rows):
                noted = _noted(module._ready, every, calls, module.__name__)
                patch.setattr(module, "_ready", noted)
            _assert_same(criteria, units, tmp_path)
        written = calls.count("_write_row") - len(units) * rows  # the careful export's aside
        assert calls.count(f"{detailed.__name__} True") > 0  # made before being written
        assert calls.count(f"{official_rows.__name__} True") > 0
        assert calls.count("_made_row") < 2 * rows  # four shapes: most of their rows kept
        assert calls.count("_made") < 2 * rows
        if every:
            assert rows < written < 2 * rows  # the first shape's rows, a few of each new one's
        else:
            assert written == rows  # the first shape's only
        official_written.append(calls.count("_row"))
    assert 0 < official_written[0] <= rows < official_written[1] < 2 * rows


def _noted(ready: Any, every: int, calls: list[str], name: str) -> Any:
    """``ready`` noting its answer, and saying no for every ``every``-th row (0: none)."""

    def noted(sheet: Any, formats: Any, row: Any, *rest: Any) -> bool:
        found = bool(ready(sheet, formats, row, *rest)) and not (every and row.row % every == 0)
        calls.append(f"{name} {found}")
        return found

    return noted


def test_a_row_is_made_before_it_is_written_only_once_its_strings_and_formats_are_there(
    criteria: CriteriaSet, samples: list[Submission], tmp_path: Path
) -> None:
    """A row made without writing it adds nothing to the workbook's tables: its code and
    title are in the string table and each of its constant cells' formats numbered (its own
    number, or an equal format's)."""
    from parindex.excel_layout import CODE, TITLE

    unit = excel._prepare(criteria, samples[0], None, ("x", None), SheetFormulas())
    for row in (unit.layout.rows[-1], next(r for r in unit.layout.rows if r.result.provisional)):
        _made_only_when_ready(
            criteria,
            tmp_path,
            lambda sheet, formats, row=row: detailed._ready(sheet, formats, row, formats.row(row)),
            lambda formats, row=row: formats.row(row),
            row,
            (CODE, TITLE, *detailed._NUMBERS),
        )


def test_an_official_row_is_made_before_it_is_written_only_once_its_strings_and_formats_are_there(
    criteria: CriteriaSet, samples: list[Submission], tmp_path: Path
) -> None:
    """The official sheet's rows likewise: the code and title in the string table, the code,
    title, maximum and score formats numbered (the note and words formats are numbered when
    the row is filled, in the careful order)."""
    from parindex.excel_official import _formats

    unit = excel._prepare(criteria, samples[0], None, ("x", None), SheetFormulas())
    row = next(r for r in unit.layout.rows if r.result.provisional)  # its maximum's own format
    _made_only_when_ready(
        criteria,
        tmp_path,
        lambda sheet, formats: official_rows._ready(sheet, formats, row),
        lambda formats: _formats(formats, row),
        row,
        ("text", "title", "max", "number"),
    )


def _made_only_when_ready(
    criteria: CriteriaSet, tmp_path: Path, ready: Any, formats_of: Any, row: Any, columns: Any
) -> None:
    """``ready`` says no while the row's code or title is not in the string table, or while
    one of its ``columns``' formats is not numbered, and yes once all are."""
    for missing in (None, *columns):
        workbook, formats = excel._workbook(tmp_path / "x.xlsx", criteria)
        sheet = workbook.add_worksheet("x", RowSheet)
        fmt = formats_of(formats)
        if missing is None:  # every format numbered: the strings one by one
            for col in columns:
                fmt[col]._get_xf_index()
            for text in (row.code, row.title):
                assert not ready(sheet, formats)
                sheet.str_table._get_shared_string_index(text)
        else:  # the strings and every format but ``missing``'s (and those equal to it)
            for text in (row.code, row.title):
                sheet.str_table._get_shared_string_index(text)
            key = fmt[missing]._get_format_key()
            for col in columns:
                if fmt[col]._get_format_key() != key:
                    fmt[col]._get_xf_index()
            assert not ready(sheet, formats), missing
            fmt[missing]._get_xf_index()
        assert ready(sheet, formats)


def test_a_rows_texts_are_taken_again_only_for_the_same_result_row_and_documents(
    criteria: CriteriaSet, samples: list[Submission]
) -> None:
    """A row's figures, rule and evidence texts are the strings made before only where its
    result is the very object they were made of and its row's applicability and parts and
    the documents citing it are equal; else they are made again."""
    unit = samples[0]
    rows = layout(criteria, review(criteria, unit).report, unit, 1).rows
    row = next(r for r in rows if r.leaf and r.applicable and r.result.inputs)
    plan = detailed._Row(at=row.row, pieces=(), held=0, title_lines=1, texts=(), notes=(), holes=())

    def made(row: SheetRow, documents: dict[str, list[str]]) -> tuple[str, str, str]:
        evidence = detailed._evidence_text(row.result, documents)
        return detailed._inputs_text(row.result), detailed._rule_text(row), evidence

    documents = {row.code: ["Quyết định số 1"]}
    first = detailed._texts(plan, row, documents)
    assert first == made(row, documents)
    assert detailed._texts(plan, row, {row.code: ["Quyết định số 1"]}) is first
    cited = {row.code: ["Quyết định số 2"]}
    assert detailed._texts(plan, row, cited) == made(row, cited)
    other = dataclasses.replace(row, result=row.result.model_copy(update={"explanation": "khác"}))
    # a kept entry under the other result's id but made of another result is not taken
    again = detailed._texts(plan, row, documents)
    plan.said[id(other.result)] = plan.said[id(row.result)]
    assert plan.said[id(row.result)][2] is again == first
    assert detailed._texts(plan, other, documents) == made(other, documents) != first
    for changed in (
        dataclasses.replace(row, applicable=False),
        dataclasses.replace(row, children=("x",)),
    ):
        assert detailed._texts(plan, changed, documents) == made(changed, documents)


@settings(max_examples=300, deadline=None)
@given(
    text=st.lists(st.text(alphabet="aW…-—1/ \nĐặ.", max_size=60), min_size=1, max_size=5).map(
        "\n".join
    ),
    column=st.sampled_from([INPUTS, RULE, EVIDENCE]),
)
def test_a_texts_lines_are_its_paragraphs_lines(text: str, column: int) -> None:
    """A row's text measured a paragraph at a time wraps to the lines of the text whole
    (each paragraph starts a line), blank paragraphs, hyphens and words wider than the
    column included."""
    points = detailed._POINTS[column]
    assert detailed._text_lines(text, points) == careful_text_lines(text, points, 11)

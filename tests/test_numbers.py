"""Tests for :mod:`parindex.numbers`: exact decimals, decimal commas and Vietnamese dates."""

from __future__ import annotations

import datetime as dt
import tempfile
from decimal import Decimal
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from parindex.criteria import CriteriaSet
from parindex.errors import CriteriaError, SubmissionError
from parindex.excel import WorkbookError
from parindex.loader import load_criteria
from parindex.numbers import (
    NumberFormatError,
    format_date,
    format_decimal,
    parse_date,
    parse_decimal,
    quantize,
    shown,
)
from parindex.submission import check_submission, load_submission


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("0,5", Decimal("0.5")),
        ("0.5", Decimal("0.5")),
        (" 0,25 ", Decimal("0.25")),
        ("1\u00a0000", Decimal(1000)),
        (",5", Decimal("0.5")),
        ("5,", Decimal(5)),
        ("-2,5", Decimal("-2.5")),
        ("+3", Decimal(3)),
        (0.1, Decimal("0.1")),
        (2.675, Decimal("2.675")),
        (3, Decimal(3)),
        (Decimal("1.10"), Decimal("1.10")),
        ("1.250.000", Decimal(1250000)),
        ("18.600,5", Decimal("18600.5")),
        ("1.000,5", Decimal("1000.5")),
        ("12,5", Decimal("12.5")),
        ("12.5", Decimal("12.5")),
        ("1,250", Decimal("1.25")),  # a comma is the decimal comma
        ("0.500", Decimal("0.5")),  # no thousands group starts with 0
        ("12.5000", Decimal("12.5")),
        ("1 250 000", Decimal(1250000)),
        ("1,250,000", Decimal(1250000)),  # only the English reading exists
        ("1,250.5", Decimal("1250.5")),
    ],
)
def test_parse_decimal(value: object, expected: Decimal) -> None:
    result = parse_decimal(value)
    assert result == expected
    assert isinstance(result, Decimal)


def test_float_is_read_through_its_shortest_repr() -> None:
    assert parse_decimal(0.1) + parse_decimal(0.2) == Decimal("0.3")
    assert str(parse_decimal(0.1)) == "0.1"


@pytest.mark.parametrize(
    ("value", "fragment"),
    [
        (True, "không phải số"),
        (False, "không phải số"),
        ("1,2,3", "không phải số"),
        ("1.00.0", "không phải số"),
        ("1e5", "không phải số"),
        ("", "không phải số"),
        ("   ", "không phải số"),
        ("abc", "không phải số"),
        ("0,5 điểm", "không phải số"),
        ("NaN", "không phải số"),
        ("1" * 31, "số quá dài"),
        (None, "không phải số"),
        ([1], "không phải số"),
        (Decimal("NaN"), "không phải số hữu hạn"),
        (Decimal("Infinity"), "không phải số hữu hạn"),
        (float("inf"), "không phải số thập phân"),
    ],
)
def test_parse_decimal_refusals(value: object, fragment: str) -> None:
    with pytest.raises(ValueError, match=fragment):
        parse_decimal(value)


@pytest.mark.parametrize(
    ("text", "thousands", "decimal"),
    [("12.500", "12500", "12,5"), ("1.250", "1250", "1,25"), ("-999.000", "-999000", "-999")],
)
def test_a_number_that_reads_two_ways_is_refused_with_both_readings(
    text: str, thousands: str, decimal: str
) -> None:
    with pytest.raises(NumberFormatError) as caught:
        parse_decimal(text)
    message = caught.value.message
    assert f"{thousands} (dấu chấm ngăn nghìn)" in message
    assert f'"{decimal}" nếu là số thập phân' in message
    assert caught.value.readings == (Decimal(thousands), parse_decimal(decimal))
    assert "reads two ways" in caught.value.message_en


def test_shown_writes_values_as_a_person_reads_them() -> None:
    assert shown(Decimal("1.25")) == "1,25"
    assert shown(b"\xff") == "(dữ liệu nhị phân)"
    assert "Decimal(" not in shown(Decimal("NaN"))


def _vietnamese(value: Decimal) -> str:
    """``1234567.5`` → ``1.234.567,5``: dots between thousands, a decimal comma."""
    sign = "-" if value < 0 else ""
    whole, _, fraction = format(abs(value), "f").partition(".")
    groups = f"{int(whole):,}".replace(",", ".")
    return sign + groups + ("," + fraction if fraction else "")


def _reads_two_ways(text: str) -> bool:
    """One dot, three digits after it and no decimal part: ``12.500``."""
    digits = text.lstrip("-")
    return "," not in digits and digits.count(".") == 1 and not digits.startswith("0")


vietnamese_numbers = st.decimals(
    allow_nan=False, allow_infinity=False, places=3, min_value=-(10**9), max_value=10**9
)


@given(vietnamese_numbers)
def test_vietnamese_written_numbers_read_back_exactly(value: Decimal) -> None:
    text = _vietnamese(value)
    if _reads_two_ways(text):
        with pytest.raises(NumberFormatError):
            parse_decimal(text)
    else:
        assert parse_decimal(text) == value


@given(st.integers(1, 999), st.integers(0, 999))
def test_one_dot_before_three_digits_is_always_refused(whole: int, part: int) -> None:
    with pytest.raises(NumberFormatError) as caught:
        parse_decimal(f"{whole}.{part:03d}")
    assert caught.value.readings[0] == whole * 1000 + part


def test_refusal_suggests_both_notations() -> None:
    with pytest.raises(ValueError, match=r"0,5 hoặc 0\.5"):
        parse_decimal("1,2,3")


@given(
    st.decimals(allow_nan=False, allow_infinity=False, places=4, min_value=-1000, max_value=1000)
)
def test_format_then_parse_round_trips(value: Decimal) -> None:
    assert parse_decimal(format_decimal(value)) == value


@pytest.mark.parametrize(
    ("value", "places", "text"),
    [
        (Decimal("1.50"), None, "1,5"),
        (Decimal("0.25"), None, "0,25"),
        (Decimal("10"), None, "10"),
        (Decimal("1E+2"), None, "100"),
        (Decimal("84.375"), 2, "84,38"),
        (Decimal("84.365"), 2, "84,37"),
        (Decimal("0.125"), 2, "0,13"),
        (Decimal("2.5"), 0, "3"),
        (Decimal("1.5"), 2, "1,50"),
        (Decimal(0), 2, "0,00"),
    ],
)
def test_format_decimal_uses_a_decimal_comma(value: Decimal, places: int | None, text: str) -> None:
    assert format_decimal(value, places) == text


def test_quantize_rounds_half_up() -> None:
    step = Decimal("0.01")
    assert quantize(Decimal("0.125"), step) == Decimal("0.13")
    assert quantize(Decimal("0.135"), step) == Decimal("0.14")
    assert quantize(Decimal("0.134999"), step) == Decimal("0.13")
    assert quantize(Decimal("7"), Decimal("0.5")) == Decimal("7.0")


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("31/12/2022", dt.date(2022, 12, 31)),
        ("1/2/2023", dt.date(2023, 2, 1)),
        ("01/02/2023", dt.date(2023, 2, 1)),
        ("29/02/2024", dt.date(2024, 2, 29)),
        (" 15/03/2023 ", dt.date(2023, 3, 15)),
        ("2022-12-31", dt.date(2022, 12, 31)),
        (dt.date(2023, 1, 1), dt.date(2023, 1, 1)),
        (dt.datetime(2023, 1, 1, 8, 30), dt.date(2023, 1, 1)),
    ],
)
def test_parse_date(value: object, expected: dt.date) -> None:
    result = parse_date(value)
    assert result == expected
    assert type(result) is dt.date


@pytest.mark.parametrize(
    "value",
    [
        "31/02/2023",
        "29/02/2023",
        "32/01/2023",
        "15/13/2023",
        "0/1/2023",
        "12/31/2022",
        "",
        "hôm nay",
        20230101,
        None,
    ],
)
def test_parse_date_refusals(value: object) -> None:
    with pytest.raises(ValueError, match="dd/mm/yyyy hoặc yyyy-mm-dd"):
        parse_date(value)


def test_invalid_day_is_named() -> None:
    with pytest.raises(ValueError, match="ngày không hợp lệ: '31/02/2023'"):
        parse_date("31/02/2023")


def test_format_date() -> None:
    assert format_date(dt.date(2023, 3, 5)) == "05/03/2023"
    assert parse_date(format_date(dt.date(2023, 3, 5))) == dt.date(2023, 3, 5)


@given(st.dates() | st.datetimes())
def test_format_date_is_strftimes_text(value: dt.date) -> None:
    """Made without ``strftime``, the same text for every date (a datetime's date part)."""
    assert format_date(value) == value.strftime("%d/%m/%Y")


# --- every input path reads numbers the same way ----------------------------------------

ROOT = Path(__file__).resolve().parent.parent
AMBIGUOUS = "12.500"


def _mini() -> CriteriaSet:
    return load_criteria(ROOT / "tests" / "data" / "mini.yaml")


def _submission_yaml(tmp_path: Path, values: dict[str, str]) -> Path:
    lines = [
        "format: parindex.submission/1",
        "criteria: mini-test",
        "year: 2023",
        "unit: {id: a, name: A, level: so, facts: {co_dvsncl: true, co_tthc: true}}",
        "values:",
        *(f"  {name}: {written}" for name, written in values.items()),
    ]
    path = tmp_path / "a.yaml"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


@settings(max_examples=20, deadline=None)
@given(st.integers(0, 10**7), st.integers(0, 99))
def test_yaml_submissions_read_vietnamese_numbers(whole: int, cents: int) -> None:
    value = Decimal(whole) + Decimal(cents) / 100
    assume(not _reads_two_ways(_vietnamese(value)))
    with tempfile.TemporaryDirectory() as folder:
        path = _submission_yaml(Path(folder), {"chi_2021": _vietnamese(value)})
        checked = check_submission(_mini(), load_submission(path))
    assert checked.values["chi_2021"] == value


@pytest.mark.parametrize("quoted", [False, True])
def test_yaml_refuses_a_number_that_reads_two_ways_at_its_line(
    tmp_path: Path, quoted: bool
) -> None:
    written = f'"{AMBIGUOUS}"' if quoted else AMBIGUOUS
    path = _submission_yaml(tmp_path, {"chi_2021": written, "so_don_vi": "1.250"})
    with pytest.raises(SubmissionError) as caught:
        check_submission(_mini(), load_submission(path))
    found = {p.line: p.message for p in caught.value.problems}
    assert "12500 (dấu chấm ngăn nghìn) hoặc 12,5" in found[6]
    assert "1250 (dấu chấm ngăn nghìn) hoặc 1,25" in found[7]


def test_criteria_files_refuse_a_number_that_reads_two_ways(tmp_path: Path) -> None:
    text = (ROOT / "tests" / "data" / "mini.yaml").read_text(encoding="utf-8")
    path = tmp_path / "mini.yaml"
    path.write_text(text.replace("total_max: 10\n", "total_max: 10.000\n"), encoding="utf-8")
    with pytest.raises(CriteriaError) as caught:
        load_criteria(path)
    assert any("10000 (dấu chấm ngăn nghìn) hoặc 10" in p.message for p in caught.value.problems)


def test_frames_read_vietnamese_numbers_and_refuse_ambiguous_ones() -> None:
    from parindex.batch import score_many

    criteria = _mini()
    frame = pd.DataFrame(
        {"unit": ["a", "b"], "level": ["so", "so"], "chi_2021": ["1.250.000,5", AMBIGUOUS]}
    )
    with pytest.raises(SubmissionError) as caught:
        score_many(criteria, frame)
    messages = [p.message for p in caught.value.problems if "chi_2021" in (p.field or "")]
    assert len(messages) == 1 and "12500 (dấu chấm ngăn nghìn)" in messages[0]
    good = score_many(criteria, frame.iloc[:1])
    assert len(good) == 1


def test_excel_cells_refuse_a_number_that_reads_two_ways(tmp_path: Path) -> None:
    import openpyxl

    from parindex.excel import export_unit
    from parindex.excel_import import import_workbook

    criteria = load_criteria(ROOT / "criteria" / "namdinh-stnmt-2023.yaml")
    submission = load_submission(ROOT / "evidence" / "so-tnmt-mau-2023.yaml")
    path = export_unit(criteria, submission, tmp_path / "u.xlsx")
    workbook = openpyxl.load_workbook(path)
    sheet = workbook.worksheets[1]  # after the official sheet
    row = next(r for r in range(1, sheet.max_row + 1) if sheet.cell(r, 1).value == "1.1")
    sheet.cell(row, 7).value = "1.000"
    workbook.save(path)
    with pytest.raises(WorkbookError) as caught:
        import_workbook(criteria, path)
    problem = next(p for p in caught.value.problems if p.kind == "not_a_number")
    assert "1000 (dấu chấm ngăn nghìn) hoặc 1" in problem.message


# --- one property over every input path ---------------------------------------------------
# A number drawn, written the ways Vietnamese write it (1.250.000,5 · 1250000,5 · 12,5),
# the English way where that cannot be misread (12.5), and the ambiguous form (12.500).
# Every path reads it exactly, or refuses it with both readings: never a guess.


@st.composite
def written_numbers(draw: st.DrawFn) -> tuple[Decimal, str]:
    whole = draw(st.integers(0, 10**9))
    places = draw(st.integers(0, 3))
    fraction = draw(st.integers(0, 10**places - 1)) if places else 0
    value = Decimal(whole) + Decimal(fraction).scaleb(-places)
    plain = format(value, "f")
    forms = [_vietnamese(value), plain.replace(".", ","), plain]
    if draw(st.booleans()):  # the form that reads two ways: one dot, three digits
        forms.append(f"{draw(st.integers(1, 999))}.{draw(st.integers(0, 999)):03d}")
    return value, draw(st.sampled_from(forms))


def _meant(written: str, value: Decimal) -> Decimal | None:
    """What ``written`` must read as, or ``None`` when it must be refused (two readings)."""
    try:
        return parse_decimal(written)
    except NumberFormatError as refused:
        assert refused.readings, written
        return None


def _both_readings(message: str, written: str) -> bool:
    whole, part = written.split(".")
    as_decimal = format_decimal(Decimal(written))
    return f"{int(whole + part)} (dấu chấm ngăn nghìn) hoặc {as_decimal}" in message


@settings(deadline=None)
@given(written_numbers(), st.booleans())
def test_every_yaml_submission_reads_or_refuses_with_both_readings(
    drawn: tuple[Decimal, str], quoted: bool
) -> None:
    value, written = drawn
    meant = _meant(written, value)
    with tempfile.TemporaryDirectory() as folder:
        path = _submission_yaml(Path(folder), {"chi_2021": f'"{written}"' if quoted else written})
        if meant is None:
            with pytest.raises(SubmissionError) as caught:
                check_submission(_mini(), load_submission(path))
            (problem,) = caught.value.problems
            assert problem.line == 6 and _both_readings(problem.message, written)
            return
        checked = check_submission(_mini(), load_submission(path))
    assert checked.values["chi_2021"] == meant == value


@settings(deadline=None)
@given(written_numbers())
def test_every_criteria_file_reads_or_refuses_with_both_readings(
    drawn: tuple[Decimal, str],
) -> None:
    value, written = drawn
    meant = _meant(written, value)
    text = (ROOT / "tests" / "data" / "mini.yaml").read_text(encoding="utf-8")
    old = 'label: "Chi NSNN cho ĐVSNCL năm 2021"}'
    text = text.replace(old, f'label: "Chi NSNN cho ĐVSNCL năm 2021", max: "{written}"}}')
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "mini.yaml"
        path.write_text(text, encoding="utf-8")
        if meant is None:
            with pytest.raises(CriteriaError) as caught:
                load_criteria(path)
            assert any(_both_readings(p.message, written) for p in caught.value.problems)
            return
        criteria = load_criteria(path)
    (spec,) = [i for i in criteria.inputs if i.name == "chi_2021"]
    assert spec.max == meant == value


@settings(deadline=None)
@given(written_numbers())
def test_every_frame_cell_reads_or_refuses_with_both_readings(drawn: tuple[Decimal, str]) -> None:
    from parindex.batch_units import read_frame

    value, written = drawn
    meant = _meant(written, value)
    frame = pd.DataFrame({"unit": ["a"], "level": ["so"], "chi_2021": [written]})
    if meant is None:
        with pytest.raises(SubmissionError) as caught:
            read_frame(_mini(), frame)
        assert any(_both_readings(p.message, written) for p in caught.value.problems)
        return
    assert read_frame(_mini(), frame).values_of(0, ["chi_2021"]) == {"chi_2021": meant}
    assert meant == value


@pytest.fixture(scope="module")
def exported_unit(tmp_path_factory: pytest.TempPathFactory) -> tuple[CriteriaSet, Path, int]:
    import openpyxl

    from parindex.excel import export_unit

    criteria = load_criteria(ROOT / "criteria" / "namdinh-stnmt-2023.yaml")
    submission = load_submission(ROOT / "evidence" / "so-tnmt-mau-2023.yaml")
    # the detailed sheet (the one a unit types in) is the only unit sheet without the official one
    path = export_unit(
        criteria, submission, tmp_path_factory.mktemp("n") / "u.xlsx", official=False
    )
    sheet = openpyxl.load_workbook(path, read_only=True).worksheets[0]
    row = next(r[0].row for r in sheet.iter_rows(max_col=1) if r[0].value == "1.1")
    sheet.parent.close()
    return criteria, path, row


@settings(max_examples=6, deadline=None)  # each case saves and imports a workbook
@given(st.sampled_from(["0", "0,25", "0.25", "0,5", "0.5", "1", "1,0", "1.000", "0.500", "1.250"]))
def test_every_excel_cell_reads_or_refuses_with_both_readings(
    exported_unit: tuple[CriteriaSet, Path, int], written: str
) -> None:
    """A self-score typed as text into the unit's sheet (1.1 is worth 1 point)."""
    import openpyxl

    from parindex.excel_import import import_workbook

    criteria, exported, row = exported_unit
    workbook = openpyxl.load_workbook(exported)
    workbook.worksheets[0].cell(row, 7).value = written
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "u.xlsx"
        workbook.save(path)
        meant = _meant(written, Decimal(0))
        if meant is None:
            with pytest.raises(WorkbookError) as caught:
                import_workbook(criteria, path)
            assert any(_both_readings(p.message, written) for p in caught.value.problems)
            return
        result = import_workbook(criteria, path)
    assert result.submissions[0].self_scores["1.1"].points == meant


def _outcome(read: Any, value: object) -> tuple[str, str]:
    """What reading ``value`` gives: the exact decimal written out, or the error's kind and words."""
    try:
        result = read(value)
    except (ValueError, TypeError) as error:
        return type(error).__name__, str(error)
    return "ok", f"{type(result).__name__} {result}"


def _points_carefully(value: object) -> Decimal:
    result = parse_decimal(value)
    if result < 0:
        raise ValueError(f"điểm không được âm: {value!r}")
    return result


@given(
    st.lists(
        st.one_of(
            st.sampled_from(["0.50", "1.00", "1", "-1", "-0", "1.250.000", "12.500", "0,5", " 2 "]),
            st.from_regex(r"[-+ ]?[0-9]{0,4}([.,][0-9]{0,3})? ?", fullmatch=True),
            st.text(max_size=8),
            st.decimals(allow_nan=False, allow_infinity=False, places=2),
            st.integers(-5, 5),
        ),
        max_size=12,
    )
)
def test_points_read_once_are_what_reading_them_gives(values: list[object]) -> None:
    """Points kept by text (``rules._model._points``) read exactly as reading them anew:
    the same decimal to the last digit, the same refusal; read cold and then kept."""
    from parindex.rules import _model

    _model._POINTS_READ.clear()
    for value in values:
        expected = _outcome(_points_carefully, value)
        assert _outcome(_model._points, value) == expected  # cold (or kept by an earlier one)
        assert _outcome(_model._points, value) == expected  # kept

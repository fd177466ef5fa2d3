"""Tests for :mod:`parindex.numbers`: exact decimals, decimal commas and Vietnamese dates."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from parindex.numbers import format_date, format_decimal, parse_date, parse_decimal, quantize


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
        ("1,2,3", "không phải số thập phân"),
        ("1.000,5", "không phải số thập phân"),
        ("1e5", "không phải số thập phân"),
        ("", "không phải số thập phân"),
        ("   ", "không phải số thập phân"),
        ("abc", "không phải số thập phân"),
        ("0,5 điểm", "không phải số thập phân"),
        ("NaN", "không phải số thập phân"),
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


def test_refusal_suggests_both_notations() -> None:
    with pytest.raises(ValueError, match=r"viết 0,5 hoặc 0\.5"):
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

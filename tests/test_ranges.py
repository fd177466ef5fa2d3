"""Tests for :mod:`parindex.ranges`: range phrases as the legal text writes them, and coverage."""

from __future__ import annotations

from decimal import Decimal
from itertools import pairwise

import pytest
from hypothesis import given
from hypothesis import strategies as st

from parindex.numbers import format_decimal
from parindex.ranges import Interval, coverage_problems, parse_range

D = Decimal
PERCENT = Interval(D(0), True, D(100), True)

PHRASES: list[tuple[str, Interval]] = [
    # X / bằng X / đạt X
    ("100%", Interval(D(100), True, D(100), True)),
    ("100", Interval(D(100), True, D(100), True)),
    ("0,5", Interval(D("0.5"), True, D("0.5"), True)),
    ("bằng 0", Interval(D(0), True, D(0), True)),
    ("đạt 100%", Interval(D(100), True, D(100), True)),
    ("= 5", Interval(D(5), True, D(5), True)),
    ("30 phần trăm", Interval(D(30), True, D(30), True)),
    # từ X đến Y
    ("từ 50% đến 100%", Interval(D(50), True, D(100), True)),
    ("từ 1 đến 3 vụ", Interval(D(1), True, D(3), True)),
    # từ X đến dưới Y
    ("từ 80% đến dưới 100%", Interval(D(80), True, D(100), False)),
    ("từ 0,5 đến dưới 1", Interval(D("0.5"), True, D(1), False)),
    ("tu 80 đến dưới 90", Interval(D(80), True, D(90), False)),
    # trên X đến Y
    ("trên 30% đến 50%", Interval(D(30), False, D(50), True)),
    ("hơn 30 đến 50", Interval(D(30), False, D(50), True)),
    # trên X đến dưới Y
    ("trên 30% đến dưới 50%", Interval(D(30), False, D(50), False)),
    ("hơn 5 đến dưới 7", Interval(D(5), False, D(7), False)),
    # từ X trở lên / từ X / X trở lên
    ("từ 90% trở lên", Interval(D(90), True, None, False)),
    ("từ 90%", Interval(D(90), True, None, False)),
    ("tu 5", Interval(D(5), True, None, False)),
    ("90% trở lên", Interval(D(90), True, None, False)),
    ("từ 5 vụ trở lên", Interval(D(5), True, None, False)),
    (">= 90%", Interval(D(90), True, None, False)),
    ("≥ 90", Interval(D(90), True, None, False)),
    # trên X / hơn X
    ("trên 30%", Interval(D(30), False, None, False)),
    ("hơn 30%", Interval(D(30), False, None, False)),
    ("> 30", Interval(D(30), False, None, False)),
    # dưới X
    ("dưới 80%", Interval(None, False, D(80), False)),
    ("< 80", Interval(None, False, D(80), False)),
    # không quá X / tối đa X
    ("không quá 25", Interval(None, False, D(25), True)),
    ("tối đa 25%", Interval(None, False, D(25), True)),
    ("<= 25", Interval(None, False, D(25), True)),
    ("≤ 2,5", Interval(None, False, D("2.5"), True)),
    # case and spacing as typed from a scanned decision
    ("  Từ  80 %   đến   dưới 100 % ", Interval(D(80), True, D(100), False)),
    ("TRÊN 30%", Interval(D(30), False, None, False)),
]


@pytest.mark.parametrize(("text", "interval"), PHRASES, ids=[t for t, _ in PHRASES])
def test_parse_range(text: str, interval: Interval) -> None:
    assert parse_range(text) == interval


@pytest.mark.parametrize(
    "text", ["khoảng 30%", "30-50%", "từ 80 đến dưới", "giữa 1 và 2", "từ 1,2,3", "1e5", "dưới"]
)
def test_unreadable_phrases_are_refused_with_the_accepted_forms(text: str) -> None:
    with pytest.raises(ValueError, match="viết như văn bản: '100%', 'từ 80% đến dưới 100%'"):
        parse_range(text)


def test_empty_text_is_refused() -> None:
    with pytest.raises(ValueError, match="không hiểu khoảng"):
        parse_range("")


def test_reversed_range_is_refused() -> None:
    with pytest.raises(ValueError, match="khoảng ngược"):
        parse_range("từ 100% đến 80%")


def test_contains_respects_inclusive_ends() -> None:
    band = parse_range("từ 80% đến dưới 100%")
    assert D(80) in band
    assert D("99.99") in band
    assert D(100) not in band
    assert D("79.99") not in band
    above = parse_range("trên 30%")
    assert D(30) not in above
    assert D("30.01") in above
    assert D(10**9) in above


@pytest.mark.parametrize(
    "text",
    [
        "100%",
        "từ 50% đến 100%",
        "từ 80% đến dưới 100%",
        "trên 30% đến 50%",
        "trên 30% đến dưới 50%",
        "từ 90% trở lên",
        "trên 30%",
        "dưới 80%",
        "không quá 25%",
        "từ 0,5% đến dưới 2,5%",
    ],
)
def test_describe_writes_the_phrase_back(text: str) -> None:
    interval = parse_range(text)
    assert interval.describe("%") == text
    assert parse_range(interval.describe()) == interval


def test_describe_of_the_whole_line() -> None:
    assert Interval(None, False, None, False).describe() == "mọi giá trị"


_bound = st.integers(min_value=0, max_value=10**6).map(lambda n: D(n).scaleb(-2))


@st.composite
def intervals(draw: st.DrawFn) -> Interval:
    """Non-empty intervals with at least one finite end, built by construction."""
    low = draw(_bound)
    high = low + D("0.01") * draw(st.integers(min_value=1, max_value=10**4))
    shape = draw(st.sampled_from(["both", "low", "high"]))
    low_inclusive, high_inclusive = draw(st.booleans()), draw(st.booleans())
    if shape == "low":
        return Interval(low, low_inclusive, None, False)
    if shape == "high":
        return Interval(None, False, high, high_inclusive)
    return Interval(low, low_inclusive, high, high_inclusive)


@given(intervals(), st.sampled_from(["", "%"]))
def test_describe_round_trips(interval: Interval, unit: str) -> None:
    assert parse_range(interval.describe(unit)) == interval


# --- coverage ------------------------------------------------------------------------------


def coverage(*phrases: str, domain: Interval = PERCENT) -> list[str]:
    return [vi for vi, _ in coverage_problems([parse_range(p) for p in phrases], domain)]


def test_coverage_problems_have_an_english_twin() -> None:
    found = coverage_problems([parse_range(p) for p in ("từ 80%", "dưới 70%", "từ 90%")], PERCENT)
    assert found == [
        ("khoảng trống: từ 70 đến dưới 80", "gap: from 70 to below 80"),
        (
            "khoảng thứ 3 (từ 90 trở lên) chồng lấn khoảng khác",
            "band 3 (90 or more) overlaps another",
        ),
    ]
    outside = coverage_problems([parse_range("trên 100%")], PERCENT)
    assert [en for _, en in outside] == [
        "band 1 (above 100) lies outside the domain from 0 to 100",
        "no band lies in the domain from 0 to 100",
    ]
    assert Interval(None, False, Decimal(5), True).describe(language="en") == "at most 5"


def test_bands_that_tile_the_domain_have_no_problem() -> None:
    assert coverage("100%", "từ 80% đến dưới 100%", "dưới 80%") == []
    assert (
        coverage("từ 90% trở lên", "từ 80% đến dưới 90%", "từ 70% đến dưới 80%", "dưới 70%") == []
    )
    assert coverage("trên 30%", "không quá 30%") == []
    assert coverage("dưới 50", "50", "trên 50") == []


def test_order_of_bands_does_not_matter() -> None:
    assert coverage("dưới 80%", "100%", "từ 80% đến dưới 100%") == []


def test_gap_is_named() -> None:
    assert coverage("từ 80%", "dưới 70%") == ["khoảng trống: từ 70 đến dưới 80"]
    assert coverage("từ 10 trở lên") == ["khoảng trống: từ 0 đến dưới 10"]
    assert coverage("dưới 90%") == ["khoảng trống: từ 90 đến 100"]


def test_point_gaps_are_found() -> None:
    assert coverage("trên 80%", "dưới 80%") == ["khoảng trống: 80"]
    assert coverage("dưới 100%") == ["khoảng trống: 100"]
    assert coverage("trên 0%") == ["khoảng trống: 0"]
    assert coverage("dưới 50", "trên 50 đến dưới 60", "từ 60") == ["khoảng trống: 50"]


def test_overlaps_are_found() -> None:
    assert coverage("từ 80%", "không quá 80%") == [
        "khoảng thứ 1 (từ 80 trở lên) chồng lấn khoảng khác"
    ]
    assert coverage("100", "100", "dưới 100") == ["khoảng thứ 2 (100) chồng lấn khoảng khác"]
    assert coverage("từ 0 đến 50", "từ 20 đến 30", "trên 50") == [
        "khoảng thứ 2 (từ 20 đến 30) chồng lấn khoảng khác"
    ]
    assert coverage("từ 0 đến 60", "từ 50") == [
        "khoảng thứ 2 (từ 50 trở lên) chồng lấn khoảng khác"
    ]


def test_band_outside_the_domain() -> None:
    assert coverage("trên 100%") == [
        "khoảng thứ 1 (trên 100) nằm ngoài miền từ 0 đến 100",
        "không có khoảng nào trong miền từ 0 đến 100",
    ]


def test_open_domains() -> None:
    counts = Interval(D(0), True, None, False)
    assert coverage("dưới 5", "từ 5 trở lên", domain=counts) == []
    assert coverage("dưới 5", domain=counts) == ["khoảng trống: từ 5 trở lên"]
    everything = Interval(None, False, None, False)
    assert coverage("dưới 0", "từ 0", domain=everything) == []
    assert coverage("dưới 0", "trên 0", domain=everything) == ["khoảng trống: 0"]


_cuts = st.sets(st.integers(min_value=1, max_value=10_000), min_size=2, max_size=8).map(
    lambda cuts: [D(c).scaleb(-2) for c in sorted(cuts)]
)


def tiling(cuts: list[Decimal]) -> list[str]:
    """Bands "dưới c1", "từ c1 đến dưới c2", …, "từ ck trở lên", with decimal commas."""
    text = [format_decimal(c) + "%" for c in cuts]
    middle = [f"từ {a} đến dưới {b}" for a, b in pairwise(text)]
    return [f"dưới {text[0]}", *middle, f"từ {text[-1]} trở lên"]


@given(_cuts)
def test_cut_points_tile_the_domain(cuts: list[Decimal]) -> None:
    assert coverage(*tiling(cuts)) == []


@given(_cuts, st.data())
def test_dropping_a_middle_band_leaves_a_gap(cuts: list[Decimal], data: st.DataObject) -> None:
    bands = tiling(cuts)
    index = data.draw(st.integers(min_value=1, max_value=len(bands) - 2))
    gap = Interval(cuts[index - 1], True, cuts[index], False)
    assert coverage(*bands[:index], *bands[index + 1 :]) == [f"khoảng trống: {gap.describe()}"]

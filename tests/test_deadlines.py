"""Deadlines as plans write them."""

from __future__ import annotations

import datetime as dt

import pytest

from parindex.deadlines import DeadlineKind, parse_deadline, shift_years

D = dt.date


@pytest.mark.parametrize(
    ("text", "kind", "start", "end"),
    [
        ("Kế hoạch trước ngày 31/12/2022", DeadlineKind.DATE, None, D(2022, 12, 31)),
        ("Tháng 1/2023", DeadlineKind.MONTH, D(2023, 1, 1), D(2023, 1, 31)),
        ("Trong tháng 1/2023", DeadlineKind.MONTH, D(2023, 1, 1), D(2023, 1, 31)),
        ("12/2021", DeadlineKind.MONTH, D(2021, 12, 1), D(2021, 12, 31)),
        ("Tháng 01-02/2023", DeadlineKind.WINDOW, D(2023, 1, 1), D(2023, 2, 28)),
        ("tháng 2 đến tháng 8", DeadlineKind.WINDOW, D(2024, 2, 1), D(2024, 8, 31)),
        ("Từ tháng 2 đến tháng 8 năm 2023", DeadlineKind.WINDOW, D(2023, 2, 1), D(2023, 8, 31)),
        ("Quý I/2023", DeadlineKind.QUARTER, D(2023, 1, 1), D(2023, 3, 31)),
        ("Quý II, III/2022", DeadlineKind.QUARTER, D(2022, 4, 1), D(2022, 9, 30)),
        ("Quý IV/ 2022", DeadlineKind.QUARTER, D(2022, 10, 1), D(2022, 12, 31)),
        ("Năm 2023", DeadlineKind.YEAR, D(2023, 1, 1), D(2023, 12, 31)),
        ("Trong năm 2023", DeadlineKind.YEAR, D(2023, 1, 1), D(2023, 12, 31)),
        ("Thường xuyên", DeadlineKind.REGULAR, D(2024, 1, 1), D(2024, 12, 31)),
        ("Thường xuyên trong năm 2023", DeadlineKind.REGULAR, D(2023, 1, 1), D(2023, 12, 31)),
        ("Sau rà soát", DeadlineKind.EVENT, None, None),
        ("Theo Kế hoạch ISO năm 2023", DeadlineKind.EVENT, None, None),
        ("Theo thời gian của Kế hoạch", DeadlineKind.EVENT, None, None),
    ],
)
def test_shapes(text: str, kind: DeadlineKind, start: D | None, end: D | None) -> None:
    deadline = parse_deadline(text, 2024)
    assert (deadline.kind, deadline.start, deadline.end) == (kind, start, end)
    assert deadline.dated is (end is not None)


def test_quarterly_reports_fall_due_four_times() -> None:
    deadline = parse_deadline("Báo cáo định kỳ trước ngày 15 của tháng cuối mỗi Quý", 2023)
    assert deadline.kind is DeadlineKind.QUARTERLY
    assert deadline.due == (D(2023, 3, 15), D(2023, 6, 15), D(2023, 9, 15), D(2023, 12, 15))
    assert parse_deadline("trước ngày 18 tháng cuối mỗi Quý").kind is DeadlineKind.EVENT


def test_regular_without_a_year_has_no_dates() -> None:
    assert parse_deadline("Thường xuyên").end is None
    assert parse_deadline("tháng 2 đến tháng 8").kind is DeadlineKind.EVENT


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        ("Quý V/2023", "quý không hợp lệ"),
        ("31/02/2023", "ngày không hợp lệ"),
        ("Tháng 13/2023", "tháng không hợp lệ"),
        ("Tháng 08-02/2023", "tháng đầu sau tháng cuối"),
        ("tháng 9 đến tháng 3", "tháng đầu sau tháng cuối"),
    ],
)
def test_impossible_dates_are_refused(text: str, fragment: str) -> None:
    with pytest.raises(ValueError, match=fragment):
        parse_deadline(text, 2023)


def test_shift_years() -> None:
    assert shift_years("Kế hoạch trước ngày 31/12/2022", 1) == "Kế hoạch trước ngày 31/12/2023"
    assert shift_years("Trong năm 2023; Quý I/2023", 2) == "Trong năm 2025; Quý I/2025"
    assert shift_years("Thường xuyên", 1) == "Thường xuyên"
    assert shift_years("Năm 2023", 0) == "Năm 2023"

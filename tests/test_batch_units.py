"""Reading a frame of inputs: the column readers that take a whole column at once give the
cell-by-cell reader's values, gaps and problems, whatever the cells."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any
from unittest import mock

import numpy as np
import pandas as pd
from _tables import same_tables
from hypothesis import given, settings
from hypothesis import strategies as st

from parindex import load_criteria, synthetic
from parindex.backends.vectors import Dates
from parindex.batch_units import _FrameReader, from_submissions
from parindex.checks import check_many
from parindex.expressions import ValueType

ROOT = Path(__file__).resolve().parent.parent
MINI = load_criteria(ROOT / "tests" / "data" / "mini.yaml")
DATE = "ngay_ke_hoach"  # a date input of the mini set

CELLS = st.one_of(
    st.dates(min_value=dt.date(2021, 6, 1), max_value=dt.date(2025, 6, 30)),
    st.sampled_from(
        [
            False,
            True,
            None,
            float("nan"),
            0,
            0.0,
            1.5,
            np.False_,
            pd.NaT,
            pd.NA,
            "31/12/2022",
            "không",
            "bad",
            dt.datetime(2023, 5, 1, 12, 0),
            pd.Timestamp("2023-05-01"),
            dt.date(2023, 5, 1),
        ]
    ),
)


def _read(cells: list[Any], at_once: bool) -> tuple[Any, Any, list[tuple[Any, ...]]]:
    frame = pd.DataFrame(
        {"unit": [f"u{i}" for i in range(len(cells))], DATE: pd.Series(cells, dtype=object)}
    )
    reader = _FrameReader(MINI, frame)
    if at_once:
        column, present = reader.column(DATE, ValueType.DATE, frame[DATE])
    else:
        with mock.patch.object(_FrameReader, "dates", staticmethod(lambda series: None)):
            column, present = reader.column(DATE, ValueType.DATE, frame[DATE])
    assert isinstance(column, Dates)
    problems = [(p.kind, p.message, p.message_en, p.file, p.field, p.text) for p in reader.problems]
    return column.d, present, problems


@given(st.lists(CELLS, max_size=12))
def test_a_date_column_read_at_once_is_read_as_cell_by_cell(cells: list[Any]) -> None:
    days, present, problems = _read(cells, at_once=True)
    want_days, want_present, want_problems = _read(cells, at_once=False)
    assert np.array_equal(days, want_days, equal_nan=True)
    assert np.array_equal(present, want_present)
    assert problems == want_problems


def test_the_one_pass_reader_takes_dates_false_and_gaps() -> None:
    cells = [dt.date(2023, 1, 2), None, float("nan"), False, dt.date(2023, 1, 2)]
    found = _FrameReader.dates(pd.Series(cells, dtype=object))
    assert found is not None
    column, present = found
    assert isinstance(column, Dates)
    assert present.tolist() == [True, False, False, True, True]
    assert np.isnan(column.d[3]) and column.d[0] == column.d[4] == dt.date(2023, 1, 2).toordinal()
    for other in ([False, 0], [False, 0.0], [True], [pd.NaT], [dt.datetime(2023, 1, 1)]):
        assert _FrameReader.dates(pd.Series(other, dtype=object)) is None, other


SET_2023 = load_criteria(ROOT / "criteria" / "namdinh-stnmt-2023.yaml")


@settings(max_examples=15, deadline=None)
@given(
    seed=st.integers(0, 10_000),
    n=st.integers(0, 6),
    missing=st.sampled_from([0.0, 0.3]),
    use_mini=st.booleans(),
)
def test_units_checked_before_give_the_table_of_units_checked_now(
    seed: int, n: int, missing: float, use_mini: bool
) -> None:
    """A folder's units were checked by ``check_many`` (each keeps its result): their
    table is the one their columns give when checked again, and the one of their results."""
    criteria = MINI if use_mini else SET_2023
    units = synthetic.units(criteria, n, seed=seed, missing_rate=missing, self_scores=True)
    fresh = [u.model_copy() for u in units]  # a copy carries no kept result
    now = from_submissions(criteria, fresh)
    results = check_many(criteria, units)
    assert all(u._checked is not None for u in units)
    before = from_submissions(criteria, units)
    same_tables(now, before)
    checked = [r for r in results if not isinstance(r, list)]
    same_tables(now, from_submissions(criteria, checked))


NUMBER_CELLS = st.one_of(
    st.floats(allow_nan=True, allow_infinity=True),
    st.integers(0, 1000).map(float),
    st.sampled_from([float("inf"), float("-inf"), float("nan"), -1.0, 150.0, 2.5]),
)


@settings(max_examples=50)
@given(data=st.data())
def test_number_and_yes_no_columns_read_together_are_read_as_one_by_one(
    data: st.DataObject,
) -> None:
    """_FrameReader.together (float64 and NumPy yes/no columns as one 2-D array a kind)
    gives the column-by-column reader's table and problems, in the same order."""
    from parindex.batch_units import read_frame
    from parindex.errors import SubmissionError

    rows = data.draw(st.integers(1, 6))

    def numbers() -> list[float]:
        return data.draw(st.lists(NUMBER_CELLS, min_size=rows, max_size=rows))

    frame = pd.DataFrame(
        {
            "unit": [f"u{i}" for i in range(rows)],
            "so_don_vi": numbers(),
            "so_don_vi_kiem_tra": numbers(),
            "ty_le_hoan_thanh": numbers(),
            "so_vu_ky_luat": pd.array(
                data.draw(st.lists(st.integers(0, 3), min_size=rows, max_size=rows)), dtype="int64"
            ),
            "chi_2021": numbers(),
            "co_ke_hoach": np.array(
                data.draw(st.lists(st.booleans(), min_size=rows, max_size=rows)), dtype=bool
            ),
        }
    )

    def read() -> tuple[Any, list[tuple[Any, ...]]]:
        try:
            return read_frame(MINI, frame), []
        except SubmissionError as exc:
            found = [(p.kind, p.message, p.file, p.field, p.text) for p in exc.problems]
            return None, found

    together, said = read()
    with mock.patch.object(_FrameReader, "together", lambda self, kinds: ({}, {})):
        one_by_one, said_one_by_one = read()
    assert said == said_one_by_one
    if together is not None:
        together.rows = one_by_one.rows = []
        same_tables(together, one_by_one)


def test_a_bound_is_said_as_a_submissions_check_says_it(tmp_path: Path) -> None:
    """A frame's value below an input's ``min: 12.5`` said "tối thiểu 12.5" (a decimal
    point in Vietnamese) and "below 12.5"; now the words of a submission's check, with the
    bound as people write it: 12,5."""
    import pytest

    from parindex import score_many
    from parindex.errors import SubmissionError

    text = (ROOT / "tests" / "data" / "mini.yaml").read_text(encoding="utf-8")
    declared = '{name: ty_le_hoan_thanh, type: percent, unit: "%", '
    assert declared in text
    bounded = tmp_path / "mini.yaml"
    bounded.write_text(text.replace(declared, declared + "min: 12.5, max: 99.5, "), "utf-8")
    criteria = load_criteria(bounded)
    frame = pd.DataFrame({"unit": ["a", "b"], "ty_le_hoan_thanh": [10, 99.75]})
    with pytest.raises(SubmissionError) as caught:
        score_many(criteria, frame)
    said = [(p.message, p.message_en) for p in caught.value.problems]
    assert any("nhỏ hơn giá trị tối thiểu 12,5" in vi for vi, _ in said), said
    assert any("below the minimum 12,5" in en for _, en in said), said
    assert any("lớn hơn giá trị tối đa 99,5" in vi for vi, _ in said), said
    assert any("above the maximum 99,5" in en for _, en in said), said

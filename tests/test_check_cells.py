"""Typing a column at once equals typed_value cell by cell (parindex.check_cells)."""

from __future__ import annotations

import datetime as dt
import math
import subprocess
import sys
from decimal import Decimal
from typing import Any

import numpy as np
import pytest
from _cells import _BOUNDS, _INT64, _NUMERIC_TYPES, _PLAIN_FLOATS, _WHOLE_CELLS, _float_cells, _spec
from hypothesis import given, settings
from hypothesis import strategies as st

from parindex.check_cells import (
    _BAD,
    _column_of,
    _decimal_table,
    _decimals_of,
    _ints_and_floats,
    _ints_at_once,
    _sorted_distinct,
    _typed,
    _whole_vector,
)
from parindex.criteria import Input, InputType


def _assert_floats_typed_as_one_by_one(spec: Input, cells: list[Any]) -> None:
    typed, refused = _ints_and_floats(spec, cells, 2023)
    want = [_typed(spec, cell, 2023) for cell in cells]
    assert [str(v) for v in typed] == [str(v) for v in want]
    assert [v is _BAD for v in typed] == [v is _BAD for v in want]
    assert refused or not any(v is _BAD for v in want)


@settings(max_examples=60)
@given(data=st.data(), kind=st.sampled_from(_NUMERIC_TYPES), low=_BOUNDS, high=_BOUNDS)
def test_floats_typed_at_once_as_one_by_one(
    data: st.DataObject, kind: InputType, low: str | None, high: str | None
) -> None:
    """A column of whole numbers and floats typed at once equals typed_value cell by cell
    (the same decimal, written alike; the same cells refused), near every bound."""
    spec = _spec(kind, low, high)
    _assert_floats_typed_as_one_by_one(spec, data.draw(_float_cells(spec)))


@pytest.mark.parametrize("kind", _NUMERIC_TYPES)
@pytest.mark.parametrize("low, high", [(None, None), ("0.1", "2.5"), ("-3", "100"), ("1", None)])
def test_usual_floats_typed_at_once_as_one_by_one(
    kind: InputType, low: str | None, high: str | None
) -> None:
    """The floats a file usually holds (halves, amounts, 1.0 and 100.0 at a bound) beside
    whole numbers, for every numeric type: a count refuses the fractions, as typed_value does."""
    spec = _spec(kind, low, high)
    edges = [float(b) for b in (spec.min, spec.max) if b is not None]
    near = [math.nextafter(e, d) for e in edges for d in (math.inf, -math.inf)]
    _assert_floats_typed_as_one_by_one(spec, [5, 0, *_PLAIN_FLOATS, *edges, *near, 1.5])


@settings(max_examples=60)
@given(
    cells=st.lists(_WHOLE_CELLS, min_size=1, max_size=30),
    kind=st.sampled_from(_NUMERIC_TYPES),
    low=_BOUNDS,
    high=_BOUNDS,
)
def test_whole_numbers_typed_at_once_as_one_by_one(
    cells: list[int], kind: InputType, low: str | None, high: str | None
) -> None:
    """A column of Python ints typed through numpy (a table of decimals, or np.unique) equals
    typed_value cell by cell; it defers (None) only where a cell is beyond int64 or refused."""
    spec = _spec(kind, low, high)
    want = [_typed(spec, cell, 2023) for cell in cells]
    at_once = _ints_at_once(spec, cells)
    if at_once is None:
        beyond = any(not _INT64[0] <= c <= _INT64[1] for c in cells)
        assert beyond or any(v is _BAD for v in want)
        return
    typed, x = at_once
    assert not any(v is _BAD for v in want)
    assert all(type(v) is Decimal for v in typed)
    assert [str(v) for v in typed] == [str(v) for v in want]
    assert x.tolist() == cells


_DAYS = st.dates(dt.date(2020, 12, 25), dt.date(2025, 1, 6))  # across 2022-2024's edges
_DATE_CELLS = st.one_of(_DAYS, st.booleans(), st.none(), st.sampled_from([dt.date(2022, 1, 1)]))


@settings(max_examples=100)
@given(cells=st.lists(_DATE_CELLS, min_size=1, max_size=30))
def test_a_date_column_typed_at_once_as_one_by_one(cells: list[Any]) -> None:
    """A date column of dates and yes/no (false: a report never sent; true refused), some
    outside the year's range (2022-2024 for 2023), typed at once equals typed_value cell by
    cell, and is said refused where any cell is; the usual column (dates in range and false)
    is its cells themselves, none refused."""
    spec = Input(name="d", type=InputType.DATE, label="d")
    kinds = {type(c) for c in cells if c is not None}
    typed, refused = _column_of(spec, cells, kinds, [2023] * len(cells), 2023)
    want = [None if c is None else _typed(spec, c, 2023) for c in cells]
    assert [v is _BAD for v in typed] == [v is _BAD for v in want]
    assert [v for v in typed if v is not _BAD] == [v for v in want if v is not _BAD]
    assert refused or not any(v is _BAD for v in want)
    usual = [c for c in cells if c is False or (isinstance(c, dt.date) and c.year in (2022, 2024))]
    if any(isinstance(c, dt.date) for c in usual):
        kinds = {type(c) for c in usual}
        assert _column_of(spec, usual, kinds, [2023] * len(usual), 2023) == (usual, False)


@settings(max_examples=60)
@given(
    columns=st.lists(
        st.lists(st.integers(0, 3000), min_size=1, max_size=40), min_size=1, max_size=6
    )
)
def test_the_table_of_decimals_holds_every_number_asked_for(columns: list[list[int]]) -> None:
    """Filled column after column (and grown past its size), the table holds ``Decimal(i)``
    at every number asked for so far, the same object each time it is read."""
    asked: dict[int, Decimal] = {}
    for column in columns:
        x = np.array(column, dtype=np.int64)
        table = _decimal_table(x)
        for value in column:
            found = table[value]
            assert type(found) is Decimal and found == value and str(found) == str(value)
            assert asked.setdefault(value, found) is found
    table = _decimal_table(np.array([max(asked)], dtype=np.int64))
    assert all(table[value] is found for value, found in asked.items())


@settings(max_examples=100)
@given(cells=st.lists(st.integers(-(2**63), 2**63 - 1) | st.integers(0, 20), max_size=40))
def test_sorted_distinct_is_numpy_unique(cells: list[int]) -> None:
    """The table's new numbers: the distinct numbers in increasing order, as ``np.unique``."""
    x = np.array(cells, dtype=np.int64)
    found = _sorted_distinct(x)
    assert found.dtype == np.int64
    assert found.tolist() == np.unique(x).tolist()


def test_typing_whole_numbers_imports_no_masked_arrays() -> None:
    """A process's first column of whole numbers does not import ``numpy.ma`` (``np.unique``
    does, on its first call: 17 ms of a user's first ``check_many``)."""
    code = (
        "import sys, numpy as np\n"
        "from parindex.check_cells import _ints_at_once\n"
        "from parindex.criteria import Input, InputType\n"
        "spec = Input(name='n', type=InputType.COUNT, label='n')\n"
        "assert _ints_at_once(spec, [3, 1, 3, 40000]) is not None\n"
        "print('numpy.ma' in sys.modules)\n"
    )
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert run.stdout.strip() == "False"


_FEW_PLACES = st.builds(
    lambda k, places: k / 10**places, st.integers(-(10**16), 10**16), st.integers(0, 8)
)
"""Floats a file writes with a few decimal places (62149.7, 0.05, 1e-05), some past 10**15."""


@settings(max_examples=300)
@given(floats=st.lists(st.one_of(_FEW_PLACES, st.floats(allow_nan=False)), max_size=20))
def test_decimals_of_floats_are_those_of_their_repr(floats: list[float]) -> None:
    """Each float's decimal made without ``repr`` has the very digits and exponent of
    ``Decimal(repr(f))`` (``5.0`` stays ``5.0``, ``1e-05`` keeps its exponent), wherever
    it falls: few places or many, below 1e-4, past 1e15, subnormal, negative."""
    floats = [f for f in floats if f != 0 and math.isfinite(f)]
    got = _decimals_of(floats)
    assert all(type(d) is Decimal for d in got)
    assert [d.as_tuple() for d in got] == [Decimal(repr(f)).as_tuple() for f in floats]


def test_decimals_of_usual_floats_and_edges() -> None:
    """Amounts, halves, whole floats, tiny and huge ones: ``repr``'s decimal each time (a
    planted ``places`` of 0, which gives ``5`` for ``5.0``, or a scale past 15 digits fails)."""
    floats = [62149.7, 1656.8, 0.5, 5.0, 100.0, 99.99, 0.1, 0.05, 1e-05, 1.5e-05, 2.5e-07]
    floats += [123456789012345.6, 12345678901234.56, 1e15, 1e16, 9007199254740993.0, 5e-324]
    floats += [-f for f in floats] + [0.1 + 0.2, 1 / 3, 2.675, 1e22, 1.7976931348623157e308]
    got = _decimals_of(floats)
    assert [d.as_tuple() for d in got] == [Decimal(repr(f)).as_tuple() for f in floats]


_NEAR_LIMIT = st.sampled_from([2**52 - 1, 2**52, 2**52 + 1, -(2**52) + 1, -(2**52), *_INT64])


@settings(max_examples=200)
@given(st.lists(st.one_of(st.integers(*_INT64), _NEAR_LIMIT), max_size=40), st.booleans())
def test_a_whole_vector_made_in_the_int64_cells_memory(cells: list[int], shared: bool) -> None:
    """The floats made in the int64 cells' own memory (``reuse``) are the fresh vector's,
    below 2**52 in size, and ``None`` where a cell is not (the cells then left as they were);
    ``-2**63``, whose size int64 cannot hold, among them."""
    x = np.array(cells, dtype=np.int64)
    zero = np.zeros(len(cells)) if shared else None
    want = _whole_vector(x, zero)
    again = x.copy()
    got = _whole_vector(again, zero, reuse=True)
    if want is None:
        assert got is None
        assert again.tolist() == cells
        return
    assert got is not None
    assert got.x.tolist() == want.x.tolist() == [float(c) for c in cells]
    assert got.e.tolist() == want.e.tolist() == [0.0] * len(cells)
    assert np.shares_memory(got.x, again) or not cells

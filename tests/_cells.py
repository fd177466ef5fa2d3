"""Cells a numeric column may hold, shared by the column-typing and check_many tests."""

from __future__ import annotations

import math
from decimal import Decimal
from typing import Any

from hypothesis import strategies as st

from parindex.criteria import Input, InputType

_PLAIN_FLOATS = [0.5, 5.5, 0.25, 62149.7, 3.0, 87.5, 99.99, 1.0, 100.0, 2.5, 0.1, -0.5, -0.0, 0.0]
_NUMERIC_TYPES = [InputType.COUNT, InputType.RATIO, InputType.PERCENT, InputType.AMOUNT]
_BOUNDS = st.one_of(st.none(), st.sampled_from(["0", "0.1", "1", "2.5", "-3", "100", "1E+20"]))


@st.composite
def _float_cells(draw: st.DrawFn, spec: Input) -> list[Any]:
    """Whole numbers (some beyond int64) and floats, many at or next to a bound of ``spec``
    (0, 1, 100, min, max)."""
    edges = [0.0, 1.0, 100.0, 1e29, 1e30]
    edges += [float(b) for b in (spec.min, spec.max) if b is not None]
    near = st.sampled_from(edges).flatmap(
        lambda e: st.sampled_from(
            [e, -e, math.nextafter(e, math.inf), math.nextafter(e, -math.inf), e + 1e-9 * e]
        )
    )
    whole = st.one_of(st.integers(-5, 200), st.integers(0, 70_000), st.integers())
    cell = st.one_of(whole, st.floats(), near, st.sampled_from(_PLAIN_FLOATS))
    return draw(st.lists(cell, min_size=1, max_size=30))


def _spec(kind: InputType, low: str | None, high: str | None) -> Input:
    return Input(
        name="x",
        type=kind,
        label="x",
        min=None if low is None else Decimal(low),
        max=None if high is None else Decimal(high),
    )


_INT64 = (-(2**63), 2**63 - 1)
_WHOLE_CELLS = st.one_of(
    st.integers(0, 70_000),  # the decimal table (below 2**16) and past it
    st.integers(-5, 200),
    st.integers(),
    st.integers(-(2**70), 2**70),
    st.sampled_from([*_INT64, 2**63, -(2**63) - 1, 2**16 - 1, 2**16, 2**52, 2**53 + 1]),
)

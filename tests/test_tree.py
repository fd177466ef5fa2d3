"""The tree (parindex.tree): one aggregation, the same on one unit and on columns of units."""

from __future__ import annotations

from decimal import Decimal

import hypothesis.strategies as st
import numpy as np
from hypothesis import example, given, settings

from parindex.criteria import Aggregation
from parindex.tree import DECIMALS, Part, aggregate, aggregate_decimals, columns

_parts = st.lists(
    st.tuples(
        st.booleans(),  # applies
        st.booleans(),  # determined
        st.integers(-4, 12),  # points (quarters)
        st.integers(0, 12),  # maximum
        st.integers(0, 4),  # undetermined
        st.sampled_from([(True, 1), (False, 1), (False, -1)]),  # counted / bonus / penalty
    ),
    min_size=1,
    max_size=5,
)


@given(
    st.sampled_from(list(Aggregation)), st.lists(_parts, min_size=1, max_size=4), st.integers(0, 30)
)
def test_one_unit_and_columns_aggregate_alike(
    how: Aggregation,
    units: list[list[tuple[bool, bool, int, int, int, tuple[bool, int]]]],
    cap: int,
) -> None:
    width = min(len(parts) for parts in units)
    units = [parts[:width] for parts in units]
    algebra = columns(len(units))
    stacked = []
    for i in range(width):
        column = [parts[i] for parts in units]
        counts, sign = column[0][5]
        stacked.append(
            Part(
                np.array([c[0] for c in column]),
                np.array([c[1] for c in column]),
                np.array([c[2] if c[1] else 0 for c in column], dtype=np.int64),
                np.array([c[3] for c in column], dtype=np.int64),
                np.array([c[4] for c in column], dtype=np.int64),
                counts,
                sign,
            )
        )
    many = aggregate(how, stacked, algebra.constant(cap), algebra)
    for row, parts in enumerate(units):
        one = aggregate(
            how,
            [
                Part(a, d, Decimal(p if d else 0), Decimal(m), Decimal(u), *units[0][i][5])
                for i, (a, d, p, m, u, _) in enumerate(parts)
            ],
            Decimal(cap),
            DECIMALS,
        )
        assert (one.points, one.top, one.undetermined) == (
            int(many.points[row]),
            int(many.top[row]),
            int(many.undetermined[row]),
        )
        assert (one.partial, one.applies) == (bool(many.partial[row]), bool(many.applies[row]))
        assert 0 <= one.points <= one.top or one.top < 0


def test_a_sum_caps_and_floors_and_counts_what_is_undetermined() -> None:
    parts = [
        Part(True, True, Decimal(2), Decimal(2), Decimal(0)),
        Part(True, False, Decimal(0), Decimal(1), Decimal(0)),
        Part(True, True, Decimal(1), Decimal(1), Decimal(0), counts=False),  # a bonus
    ]
    result = aggregate(Aggregation.SUM, parts, Decimal(3), DECIMALS)
    assert (result.raw, result.points, result.top, result.undetermined) == (3, 3, 3, 0)
    assert result.partial and result.applies
    best = aggregate(Aggregation.MAX, parts[:2], Decimal(2), DECIMALS)
    assert (best.points, best.top, best.undetermined) == (2, 2, 0)
    penalty = Part(True, False, Decimal(0), Decimal(1), Decimal(0), counts=False, sign=-1)
    lowered = aggregate(Aggregation.SUM, [parts[0], penalty], Decimal(2), DECIMALS)
    assert lowered.undetermined == 0  # an undetermined penalty could only lower the parent


_digits = st.sampled_from(
    [Decimal(v) for v in ("0", "0.0", "0.00", "0.25", "0.250", "0.5", "0.50", "1", "1.0", "1.00")]
    + [Decimal(v) for v in ("1.5", "2", "2.0", "2.75", "3", "-0.25", "-0.5", "-1.0", "-1")]
)


@given(
    st.sampled_from(list(Aggregation)),
    st.lists(
        st.tuples(
            st.booleans(),
            st.booleans(),
            _digits,
            _digits.map(abs),
            _digits.map(abs),
            st.sampled_from([(True, 1), (False, 1), (False, -1)]),
        ),
        max_size=6,
    ),
    _digits.map(abs),
)
@example(  # a tie under max: the first of 1 and 1.0 kept, as max() keeps it
    Aggregation.MAX,
    [
        (True, True, Decimal("1"), Decimal("1"), Decimal(0), (True, 1)),
        (True, True, Decimal("1.0"), Decimal("1.0"), Decimal(0), (True, 1)),
    ],
    Decimal(2),
)
@example(  # an undetermined penalty: it could only lower the parent
    Aggregation.SUM,
    [
        (True, True, Decimal("1"), Decimal("2"), Decimal(0), (True, 1)),
        (True, False, Decimal("0"), Decimal("1"), Decimal(0), (False, -1)),
    ],
    Decimal(2),
)
@settings(max_examples=300)
def test_the_one_pass_on_decimals_is_the_algebra_to_the_digit(
    how: Aggregation,
    parts: list[tuple[bool, bool, Decimal, Decimal, Decimal, tuple[bool, int]]],
    cap: Decimal,
) -> None:
    # Equal values of other digits (1, 1.0, 1.00), ties under max, penalties, caps, nothing
    # applying: the engine's one pass gives the algebra's decimals, digits and all.
    made = [Part(a, d, p if d else Decimal(0), m, u, *cs) for a, d, p, m, u, cs in parts]
    careful = aggregate(how, made, cap, DECIMALS)
    fast = aggregate_decimals(how, made, cap)
    assert repr(fast) == repr(careful)
    assert aggregate_decimals(how, [tuple(p) for p in made], cap) == fast

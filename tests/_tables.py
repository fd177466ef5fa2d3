"""Helpers shared by tests: two batch tables compared column by column."""

from __future__ import annotations

import dataclasses

import numpy as np

from parindex.batch_units import Table


def same_tables(one: Table, other: Table) -> None:
    assert one.n == other.n
    assert one.meta == other.meta
    assert one.columns.keys() == other.columns.keys()
    for name, column in one.columns.items():
        theirs = other.columns[name]
        assert type(column) is type(theirs), name
        for field in dataclasses.fields(column):
            mine, their = getattr(column, field.name), getattr(theirs, field.name)
            np.testing.assert_array_equal(mine, their, err_msg=name)
            assert mine.dtype == their.dtype, name
        np.testing.assert_array_equal(one.present[name], other.present[name], err_msg=name)
    assert one.given.keys() == other.given.keys()
    for code, points in one.given.items():
        np.testing.assert_array_equal(points.x, other.given[code].x)
        np.testing.assert_array_equal(points.present, other.given[code].present)
        assert (points.places, points.exact) == (other.given[code].places, other.given[code].exact)
    assert one.rows is not None and other.rows is not None
    # Each unit's exact values as the engine reads them (by name; repr keeps a decimal's digits).
    assert [sorted((k, repr(v)) for k, v in r.items()) for r in one.rows] == [
        sorted((k, repr(v)) for k, v in r.items()) for r in other.rows
    ]

"""The results ``check_many`` gives good units: made at once, their values built when read."""

from __future__ import annotations

import copy
import dataclasses
import pickle
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from parindex import load_criteria, synthetic
from parindex.check_results import _BARE, _Frame, _results_of, _Values
from parindex.submission import CheckedSubmission

MINI = Path(__file__).resolve().parent / "data" / "mini.yaml"


def test_results_made_without_the_constructor_are_the_constructors() -> None:
    """Each result made by C-level calls equals, hashes, reads and pickles as the one
    ``CheckedSubmission(…)`` makes of the same fields, and is as frozen."""
    units = synthetic.units(load_criteria(MINI), 2, seed=5)
    values: list[dict[str, Any]] = [{"a": Decimal(1)}, {}]
    made = _results_of(units, iter(values))
    assert _BARE
    for one, unit, typed in zip(made, units, values, strict=True):
        want = CheckedSubmission(unit, typed)
        assert type(one) is CheckedSubmission and one == want
        assert one.submission is unit and one.values is typed
        names = [f.name for f in dataclasses.fields(want)]
        assert [getattr(one, n) for n in names] == [getattr(want, n) for n in names]
        assert repr(one) == repr(want)
        assert pickle.loads(pickle.dumps(one)) == pickle.loads(pickle.dumps(want))
        with pytest.raises(dataclasses.FrozenInstanceError):
            one.values = {}  # type: ignore[misc]


def test_values_are_built_from_the_frame_when_first_read() -> None:
    """A unit's values are its facts, then every input in the declared order: the cells
    as given, those in ``changed`` taken from their checked column at the unit's row. Built
    once, when first read: the frame's columns changed afterwards change nothing."""
    given = [{"a": True, "b": 1, "c": "x"}, {"a": False, "b": 2, "c": "y"}]
    facts: list[dict[str, bool]] = [{"f": True}, {}]
    typed_b = [Decimal(1), Decimal(2)]
    frame = _Frame(["a", "b", "c"], ["b"], [typed_b], facts, given)
    first, second = _Values.made(frame, [0, 1])
    want_first = {"f": True, "a": True, "b": Decimal(1), "c": "x"}
    assert list(first.items()) == list(want_first.items())
    assert [type(v) for v in first.values()] == [bool, bool, Decimal, str]
    typed_b[1] = Decimal(7)  # not yet read: built from the column as it is now
    assert dict(second) == {"a": False, "b": Decimal(7), "c": "y"}
    typed_b[0] = typed_b[1] = None
    assert first["b"] == Decimal(1) and second["b"] == Decimal(7)  # built once
    assert list(frame.templates) == [("f",), ()]


def test_values_read_pickle_and_compare_as_their_dict() -> None:
    """Every way a reader uses a dict gives what the built dict gives; pickled and copied
    as the plain dict; unhashable as a dict."""
    frame = _Frame(["a", "b"], [], [], [{}], [{"a": 1, "b": "x"}])
    (values,) = _Values.made(frame, [0])
    want = {"a": 1, "b": "x"}
    assert values == want and want == values and values == _Values.made(frame, [0])[0]
    assert values != {} and values.__eq__(1) is NotImplemented
    assert "a" in values and "z" not in values and len(values) == 2 and list(values) == ["a", "b"]
    assert values.get("z", 7) == 7 and values.get("b") == "x"
    assert list(values.keys()) == ["a", "b"] and repr(values) == repr(want)
    assert type(pickle.loads(pickle.dumps(values))) is dict
    assert type(copy.deepcopy(values)) is dict and copy.deepcopy(values) == want
    with pytest.raises(TypeError):
        hash(values)

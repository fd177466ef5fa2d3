"""check_many gives every unit exactly what check_submission gives it: values or problems."""

from __future__ import annotations

import copy
import datetime as dt
import gc
import pickle
import weakref
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from _cells import _BOUNDS, _NUMERIC_TYPES, _PLAIN_FLOATS, _WHOLE_CELLS, _float_cells, _spec
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from parindex import (
    CriteriaSet,
    SubmissionError,
    check_submission,
    checks,
    load_criteria,
    score,
    synthetic,
)
from parindex import testing as pt
from parindex.backends.vectors import Numbers
from parindex.check_cells import _BAD, _exact, _ints_and_floats, _mixed_vector
from parindex.checks import _vector, check_columns, check_many
from parindex.criteria import Input, InputType
from parindex.errors import Problem
from parindex.expressions import ValueType
from parindex.submission import CheckedSubmission, Document, Submission, _number, kept_check

ROOT = Path(__file__).resolve().parent.parent
SETS = {
    "2023": ROOT / "criteria" / "namdinh-stnmt-2023.yaml",
    "mini": ROOT / "tests" / "data" / "mini.yaml",
}


@pytest.fixture(scope="module", params=sorted(SETS))
def criteria(request: pytest.FixtureRequest) -> CriteriaSet:
    return load_criteria(SETS[request.param])


def careful(criteria: CriteriaSet, unit: Submission) -> CheckedSubmission | list[Problem]:
    unit._checked = None  # not what check_many kept: the careful path itself
    try:
        return check_submission(criteria, unit)
    except SubmissionError as error:
        return list(error.problems)


def assert_same(criteria: CriteriaSet, units: Sequence[Submission]) -> None:
    """check_many's result for each unit equals check_submission's, values in the same order."""
    many = check_many(criteria, units)
    assert len(many) == len(units)
    for unit, got in zip(units, many, strict=True):
        want = careful(criteria, unit)
        if isinstance(want, list):
            assert got == want
            continue
        assert isinstance(got, CheckedSubmission), got
        assert got.submission is unit
        assert list(got.values.items()) == list(want.values.items())
        assert [type(v) for v in got.values.values()] == [type(v) for v in want.values.values()]
        assert [str(v) for v in got.values.values()] == [str(v) for v in want.values.values()]


# Cells a person (or a program) may put where a value goes: good, bad and odd ones.
ODD_CELLS = st.sampled_from(
    [
        None,
        True,
        False,
        0,
        5,
        -1,
        101,
        10**30,
        0.0,
        -0.0,
        0.5,
        1.5,
        5.0,
        float("nan"),
        float("inf"),
        Decimal("1.0"),
        Decimal("1"),
        Decimal("-0"),
        Decimal("0.25"),
        Decimal("NaN"),
        Decimal("1E+3"),
        "5",
        "0,5",
        "12.500",
        "mười",
        "có",
        "không",
        "",
        "2023-03-01",
        "31/12/2023",
        "30/02/2023",
        dt.date(2023, 3, 1),
        dt.date(2001, 1, 1),
        dt.datetime(2023, 3, 1, 12, 0),
        [1, 2],
        {"a": 1},
    ]
)


@st.composite
def spoiled(draw: st.DrawFn, criteria: CriteriaSet, unit: Submission) -> Submission:
    """``unit`` with a few things spoiled: odd cells, unknown names and codes, another set."""
    values = dict(unit.values)
    names = sorted(i.name for i in criteria.inputs)
    for _ in range(draw(st.integers(0, 3))):
        values[draw(st.sampled_from(names))] = draw(ODD_CELLS)
    if draw(st.integers(0, 9)) == 0:
        values[draw(st.sampled_from(names)) + "x"] = 1
    if draw(st.integers(0, 9)) == 0:
        keys = list(values)
        values = {k: values[k] for k in draw(st.permutations(keys))}
    update: dict[str, Any] = {"values": values}
    pick = draw(st.integers(0, 15))
    codes = sorted(criteria.compiled.nodes)
    if pick == 0:
        update["criteria"] = "bo-khac"
    elif pick == 1:
        update["unit"] = unit.unit.model_copy(update={"facts": {**unit.unit.facts, "la": True}})
    elif pick == 2:
        update["survey"] = {draw(st.sampled_from(codes)): Decimal("0.5")}
    elif pick == 3:
        update["self_scores"] = (
            {**unit.self_scores, "9.9.9": next(iter(unit.self_scores.values()))}
            if unit.self_scores
            else {}
        )
    elif pick in (4, 5):
        supports = [draw(st.sampled_from([*codes, "9.9"]))]
        day = draw(st.sampled_from([None, dt.date(2023, 5, 1), dt.date(2001, 1, 1)]))
        document = Document(id="d1", kind="Báo cáo", title="T", supports=supports, date=day)
        update["documents"] = [document] * draw(st.integers(1, 2))
    return unit.model_copy(update=update)


@settings(suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(data=st.data())
def test_check_many_is_check_submission_unit_by_unit(
    criteria: CriteriaSet, data: st.DataObject
) -> None:
    good = data.draw(
        st.lists(pt.submissions(criteria, missing=True, self_scores=True), min_size=1, max_size=5)
    )
    if data.draw(st.booleans()):  # as a YAML file holds them: whole numbers and floats
        good = [as_in_a_file(u) for u in good]
    units = [data.draw(st.one_of(st.just(u), spoiled(criteria, u))) for u in good]
    with a_few_at_a_time(data.draw(st.sampled_from([1, 2, checks._FEW]))):
        assert_same(criteria, units)


@contextmanager
def a_few_at_a_time(few: int) -> Iterator[None]:
    """check_many reading the units' names and cells ``few`` units at a time."""
    usual = checks._FEW
    checks._FEW = few
    try:
        yield
    finally:
        checks._FEW = usual


def as_in_a_file(unit: Submission) -> Submission:
    """``unit`` with its values as ``load_submission`` reads them back from its YAML."""
    return unit.model_copy(update={"values": {k: _number(v) for k, v in unit.values.items()}})


@settings(max_examples=10, suppress_health_check=[HealthCheck.too_slow])
@given(criteria=pt.criteria_sets(), data=st.data())
def test_on_generated_sets(criteria: CriteriaSet, data: st.DataObject) -> None:
    try:
        good = data.draw(st.lists(pt.submissions(criteria, missing=True), min_size=1, max_size=4))
    except pt.ConstructionError:
        return
    units = [data.draw(st.one_of(st.just(u), spoiled(criteria, u))) for u in good]
    assert_same(criteria, units)


def test_synthetic_units_as_a_file_holds_them(criteria: CriteriaSet) -> None:
    """Values as YAML gives them (whole numbers, floats, dates, text) and as JSON (all text)."""
    units = synthetic.units(criteria, 40, seed=5)
    for mode in ("python", "json"):
        copies = [Submission.model_validate(u.model_dump(mode=mode)) for u in units]
        assert_same(criteria, copies)
    assert all(isinstance(r, CheckedSubmission) for r in check_many(criteria, units))


def test_a_bad_unit_never_blocks_the_others(criteria: CriteriaSet) -> None:
    units = synthetic.units(criteria, 3, seed=6)
    name = sorted(i.name for i in criteria.inputs)[0]
    bad = units[1].model_copy(update={"values": {**units[1].values, name: [1]}})
    results = check_many(criteria, [units[0], bad, units[2]])
    assert isinstance(results[0], CheckedSubmission)
    assert isinstance(results[2], CheckedSubmission)
    assert isinstance(results[1], list) and results[1][0].kind == "invalid_value"


def test_results_are_kept_and_columns_match(criteria: CriteriaSet) -> None:
    units = synthetic.units(criteria, 5, seed=7)
    columns = check_columns(criteria, units)
    for row, unit in enumerate(units):
        result = columns.results[row]
        assert isinstance(result, CheckedSubmission)
        again = check_submission(criteria, unit)  # kept: checking again is free
        assert again == result and again.values is result.values
        for name in columns.names:
            assert columns.typed[name][row] == result.values.get(name)


def test_no_units(criteria: CriteriaSet) -> None:
    assert check_many(criteria, []) == []


def test_the_usual_file_and_its_variants(criteria: CriteriaSet) -> None:
    """Units in the declared order (the template path) beside units that leave an input
    out, reorder them, write a null, were checked before, or mix whole numbers and floats
    (0.0 and -0.0 among them) in one column; a whole-number column with a number beyond
    floats' exact range."""
    units = [as_in_a_file(u) for u in synthetic.units(criteria, 9, seed=11)]
    names = [i.name for i in criteria.inputs]
    numbers = [i.name for i in criteria.inputs if i.type.value in ("count", "amount")]
    first, last = names[0], names[-1]
    values = dict(units[1].values)
    del values[first]
    units[1] = units[1].model_copy(update={"values": values})
    units[2] = units[2].model_copy(update={"values": dict(reversed(units[2].values.items()))})
    units[3] = units[3].model_copy(update={"values": {**units[3].values, last: None}})
    check_submission(criteria, units[4])  # kept: check_many gives what it kept
    if numbers:
        units[5] = units[5].model_copy(update={"values": {**units[5].values, numbers[0]: 0.0}})
        units[8] = units[8].model_copy(update={"values": {**units[8].values, numbers[0]: 7.5}})
        units[6] = units[6].model_copy(update={"values": {**units[6].values, numbers[0]: -0.0}})
        units[7] = units[7].model_copy(update={"values": {**units[7].values, numbers[-1]: 2**60}})
    assert_same(criteria, units)
    for few in (1, 2, 3):  # each variant first, last or alone among the units read together
        with a_few_at_a_time(few):
            assert_same(criteria, [u.model_copy() for u in units])


def test_cells_read_while_in_cache_that_the_readers_refuse(criteria: CriteriaSet) -> None:
    """The numeric columns read as int64 and the dates' and choices' distinct cells
    gathered a few units at a time: a cell either reader refuses, or reads silently as
    something else (a null, a number beyond int64, a text, a fraction, a yes/no, a list),
    leaves that column to the usual typing, in the same few units as good cells."""
    units = [as_in_a_file(u) for u in synthetic.units(criteria, 8, seed=13)]
    kinds = {i.name: i.type.value for i in criteria.inputs}
    numbers = [n for n, k in kinds.items() if k in ("count", "amount")]
    others = [n for n, k in kinds.items() if k in ("date", "enum")]
    odd: list[Any] = [None, 10**30, "5", 5.5, True, [1, 2], 2**63, -3]
    for at, cell in enumerate(odd):
        spoilt = dict(units[at].values)
        for name in numbers[at :: len(odd)] + others[at :: len(odd)]:  # one odd cell a column
            spoilt[name] = cell
        units[at] = units[at].model_copy(update={"values": spoilt})
    for few in (1, 3, checks._FEW):
        with a_few_at_a_time(few):
            assert_same(criteria, [u.model_copy() for u in units])


def test_yes_no_columns_no_constraint_reads() -> None:
    """check_many makes no column of a yes/no input no constraint reads (its cells are the
    values): a yes/no written as text, a number or a null, a unit reordered (its values
    picked) or checked the careful way beside the usual units still gives check_submission's
    result, and check_columns (whose caller reads every column) still has those columns."""
    criteria = load_criteria(SETS["2023"])  # 77 yes/no inputs, none read by a constraint
    units = [as_in_a_file(u) for u in synthetic.units(criteria, 8, seed=17)]
    read = {n for check, _ in criteria.compiled.constraints for n in check.names}
    flags = [i.name for i in criteria.inputs if i.type.value == "yes_no" and i.name not in read]
    assert len(flags) == 77
    for at, cell in enumerate(["có", 1, None]):
        units[at] = units[at].model_copy(update={"values": {**units[at].values, flags[0]: cell}})
    units[3] = units[3].model_copy(update={"values": dict(reversed(units[3].values.items()))})
    units[4] = units[4].model_copy(update={"values": {**units[4].values, flags[-1]: "không"}})
    for few in (1, 3, checks._FEW):
        with a_few_at_a_time(few):
            assert_same(criteria, [u.model_copy() for u in units])
            assert_same(criteria, [u.model_copy() for u in units[3:]])
    columns = check_columns(criteria, [u.model_copy() for u in units[5:]])
    assert all(columns.typed[name] == [u.values[name] for u in units[5:]] for name in flags)


# Cells of an input's usual Python type that check_submission may refuse: a date outside
# the unit's year ± 1, a choice not among the input's, a whole number below 0 or past a
# bound; beside good ones of the same type.
_SAME_TYPED: dict[str, list[Any]] = {
    "date": [
        dt.date(2001, 1, 1),
        dt.date(2022, 1, 1),
        dt.date(2024, 12, 31),
        dt.date(2025, 1, 1),
        False,
    ],
    "enum": ["khong_co_lua_chon_nay", "", "hoan_thanh"],
    "count": [-3, 0, 10**6, 2**62, 7],
    "amount": [-5, 0, 10**15, 12],
    "yes_no": [True, False],
}


@settings(max_examples=40, suppress_health_check=[HealthCheck.too_slow], deadline=None)
@given(data=st.data())
def test_columns_not_kept_by_the_sweep(data: st.DataObject) -> None:
    """check_many keeps no column of whole numbers, dates, choices or yes/no in its sweep
    (typed from the int64 cells and the distinct cells gathered): a cell of the usual type
    that check_submission refuses (a date of another year, a choice not declared, a
    negative count), in any unit among the few read together, gives its result; so do the
    units of two years in one call."""
    criteria = load_criteria(SETS["2023"])
    units = [as_in_a_file(u) for u in synthetic.units(criteria, 6, seed=19)]
    by_kind = {i.name: i.type.value for i in criteria.inputs}
    for _ in range(data.draw(st.integers(0, 4), label="spoilt cells")):
        at = data.draw(st.integers(0, len(units) - 1), label="unit")
        name = data.draw(st.sampled_from(sorted(by_kind)), label="input")
        cell = data.draw(st.sampled_from(_SAME_TYPED[by_kind[name]]), label="cell")
        units[at] = units[at].model_copy(update={"values": {**units[at].values, name: cell}})
    if data.draw(st.booleans(), label="two years"):
        units[0] = units[0].model_copy(update={"year": units[0].year + 1})
    few = data.draw(st.sampled_from([1, 3, checks._FEW]), label="few")
    with a_few_at_a_time(few):
        assert_same(criteria, units)


@settings(max_examples=30, suppress_health_check=[HealthCheck.too_slow], deadline=None)
@given(data=st.data())
def test_units_given_as_text_among_units_as_in_a_file(data: st.DataObject) -> None:
    """Units whose values are text (JSON's dump: counts, amounts and dates as strings) and
    units as a file holds them, in any order and any few read together: the sweep keeps a
    column whose first unit's cell is text and none of the usual cells; either way each
    unit's result is check_submission's."""
    criteria = load_criteria(SETS["2023"])
    units = synthetic.units(criteria, 6, seed=23)
    texts = data.draw(st.lists(st.booleans(), min_size=len(units), max_size=len(units)))
    mixed = [
        Submission.model_validate(u.model_dump(mode="json", exclude_defaults=True))
        if text
        else as_in_a_file(u)
        for u, text in zip(units, texts, strict=True)
    ]
    counts = [i.name for i in criteria.inputs if i.type == InputType.COUNT]
    assert [type(u.values[counts[0]]) is str for u in mixed] == texts
    few = data.draw(st.sampled_from([1, 3, checks._FEW]), label="few")
    with a_few_at_a_time(few):
        assert_same(criteria, mixed)


def test_a_column_is_told_typed_without_being_kept_by_its_cells_type() -> None:
    """A whole number of a numeric input, a date (or false) of a date, a choice, a yes/no:
    typed without a kept column; text, a yes/no for a count, a null: kept."""
    told = checks._told_without
    assert told(InputType.COUNT, 5) and told(InputType.AMOUNT, 5)
    assert told(InputType.DATE, dt.date(2023, 1, 1)) and told(InputType.DATE, False)
    assert told(InputType.ENUM, "co") and told(InputType.YES_NO, True)
    assert not told(InputType.COUNT, "5") and not told(InputType.COUNT, True)
    assert not told(InputType.DATE, "2023-01-01") and not told(InputType.COUNT, None)
    assert not told(InputType.YES_NO, "có") and not told(InputType.ENUM, None)


def test_a_constraint_reading_yes_no_and_date_columns(tmp_path: Path) -> None:
    """A constraint reading a yes/no or a date column, typed as itself (no column kept by
    the sweep, read for the constraint): units breaking it among good ones, each as
    check_submission checks it."""
    text = (
        SETS["mini"]
        .read_text(encoding="utf-8")
        .replace(
            "constraints:\n",
            "constraints:\n"
            '  - {rule: "co_ke_hoach or so_don_vi_kiem_tra <= so_don_vi", message: "một"}\n'
            '  - {rule: "ngay_bc_quy_1 <= ngay_bc_nam", message: "hai"}\n',
            1,
        )
    )
    path = tmp_path / "mini.yaml"
    path.write_text(text, encoding="utf-8")
    criteria = load_criteria(path)
    assert len(criteria.compiled.constraints) == 4
    units = [as_in_a_file(u) for u in synthetic.units(load_criteria(SETS["mini"]), 6, seed=23)]
    one, four = dict(units[1].values), dict(units[4].values)
    one["co_ke_hoach"], one["so_don_vi_kiem_tra"] = False, one["so_don_vi"] + 1
    four["ngay_bc_quy_1"], four["ngay_bc_nam"] = dt.date(2023, 12, 31), dt.date(2023, 1, 1)
    units[1] = units[1].model_copy(update={"values": one})
    units[4] = units[4].model_copy(update={"values": four})
    for few in (1, 3, checks._FEW):
        with a_few_at_a_time(few):
            assert_same(criteria, [u.model_copy() for u in units])
    results = check_many(criteria, units)
    assert [isinstance(r, list) for r in results] == [False, True, False, False, True, False]


def test_units_breaking_a_constraint_among_whole_number_columns() -> None:
    """Units breaking a constraint (one beyond floats' exact range) among good ones, the
    whole-number columns sharing one zero bound and one mask of rows present (read only):
    each unit as check_submission checks it, the others untouched."""
    criteria = load_criteria(SETS["2023"])
    units = [as_in_a_file(u) for u in synthetic.units(criteria, 7, seed=5)]
    for row, more in ((0, 1), (3, 1), (4, 2**53), (6, 5)):
        values = dict(units[row].values)
        values["so_don_vi_duoc_kiem_tra"] = values["so_don_vi_truc_thuoc"] + more
        units[row] = units[row].model_copy(update={"values": values})
    assert_same(criteria, [u.model_copy() for u in units])
    results = check_many(criteria, units)
    assert [isinstance(r, list) for r in results] == [True, False, False, True, True, False, True]


def test_vectors_are_those_of_the_typed_columns(criteria: CriteriaSet) -> None:
    """Column.vector (exact floats for whole-number columns) equals the typed values' vector."""
    units = [as_in_a_file(u) for u in synthetic.units(criteria, 6, seed=12)]
    numbers = [i.name for i in criteria.inputs if i.type.value == "count"]
    if numbers:  # a refused count (one unit with problems) and one beyond 2**52
        units[1] = units[1].model_copy(update={"values": {**units[1].values, numbers[0]: -3}})
        units[2] = units[2].model_copy(
            update={"values": {**units[2].values, numbers[-1]: 2**53 + 1}}
        )
    columns = check_columns(criteria, units)
    assert columns.whole  # the usual file: whole-number columns told at once
    for name in columns.names:
        got, got_present = columns.vector(name)
        want, want_present = _vector(columns.names[name], columns.typed[name])
        assert got_present.tolist() == want_present.tolist()
        if isinstance(want, Numbers):
            assert isinstance(got, Numbers)
            rows = want_present
            assert got.x[rows].tolist() == want.x[rows].tolist()
            assert got.e[rows].tolist() == want.e[rows].tolist()


def test_values_are_a_mapping_built_when_read(criteria: CriteriaSet) -> None:
    """A good unit's values (built when first read) act as the careful path's dict in every
    way a reader uses them, pickle as that dict, and do not follow the columns afterwards."""
    units = [as_in_a_file(u) for u in synthetic.units(criteria, 4, seed=13)]
    columns = check_columns(criteria, units)
    for name in columns.typed:  # the columns are the caller's: changing them changes no unit
        columns.typed[name][0] = None
    first = columns.results[0]
    assert isinstance(first, CheckedSubmission)
    want = careful(criteria, units[0])
    assert isinstance(want, CheckedSubmission)
    name = next(iter(want.values))
    assert first.values == want.values and want.values == first.values
    assert first == want and first.values != {}
    assert first.values.__eq__(1) is NotImplemented
    assert list(first.values) == list(want.values) and len(first.values) == len(want.values)
    assert name in first.values and "no such name" not in first.values
    assert first.values[name] == want.values[name] == first.values.get(name)
    assert first.values.get("no such name", 7) == 7
    assert list(first.values.keys()) == list(want.values.keys())
    assert list(first.values.values()) == list(want.values.values())
    assert repr(first.values) == repr(want.values)
    copied = pickle.loads(pickle.dumps(first))
    assert type(copied.values) is dict and copied.values == want.values
    assert type(copy.deepcopy(first.values)) is dict
    second, again = columns.results[1], careful(criteria, units[1])
    assert isinstance(second, CheckedSubmission) and isinstance(again, CheckedSubmission)
    assert score(criteria, second) == score(criteria, again)
    with pytest.raises(TypeError):
        hash(first.values)


@settings(
    max_examples=20,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(data=st.data())
def test_a_whole_number_column_checked_as_one_by_one(
    criteria: CriteriaSet, data: st.DataObject
) -> None:
    """check_many equals check_submission when a numeric column of a file's units holds
    any whole numbers (beyond int64, past the decimal table, refused), or beside them a
    yes/no, a float, a negative zero."""
    units = _FILE_UNITS.get(criteria.id)
    if units is None:
        units = _FILE_UNITS[criteria.id] = [
            as_in_a_file(u) for u in synthetic.units(criteria, 4, seed=21)
        ]
    numbers = [i.name for i in criteria.inputs if i.type in _NUMERIC_TYPES]
    name = data.draw(st.sampled_from(numbers))
    odd = st.sampled_from([True, False, -0.0, 0.0, 5.0, 2.5])
    cell = data.draw(
        st.sampled_from([st.integers(0, 70_000), _WHOLE_CELLS, st.one_of(_WHOLE_CELLS, odd)])
    )
    cells = data.draw(st.lists(cell, min_size=len(units), max_size=len(units)))
    changed = [
        u.model_copy(update={"values": {**u.values, name: c}})
        for u, c in zip(units, cells, strict=True)
    ]
    assert_same(criteria, changed)


_FILE_UNITS: dict[str, list[Submission]] = {}


def test_checked_units_are_freed_when_dropped_without_the_cycle_collector(
    criteria: CriteriaSet,
) -> None:
    """check_many's kept results refer to their units weakly: with the cycle collector off,
    the units go as soon as nothing holds them or their results; while a unit lives its
    result stays kept, the results list dropped."""
    gc.collect()
    gc.disable()
    try:
        units = [as_in_a_file(u) for u in synthetic.units(criteria, 3, seed=22)]
        results = check_many(criteria, units)
        assert all(isinstance(r, CheckedSubmission) for r in results)
        del results
        assert all(kept_check(criteria, u) is not None for u in units)
        gone = [weakref.ref(u) for u in units]
        del units
        assert [g() for g in gone] == [None, None, None]
    finally:
        gc.enable()


@settings(max_examples=60)
@given(data=st.data(), kind=st.sampled_from(_NUMERIC_TYPES), low=_BOUNDS, high=_BOUNDS)
def test_a_column_of_whole_numbers_and_floats_makes_the_typed_values_vector(
    data: st.DataObject, kind: InputType, low: str | None, high: str | None
) -> None:
    """The vector the constraints read of a column of whole numbers, floats and missing
    cells, none refused, made from the cells, equals the typed values' vector."""
    spec = _spec(kind, low, high)
    usual = st.sampled_from([*_PLAIN_FLOATS, 279.2, 64698.1, 2**53 + 1, 5, None])
    drawn = data.draw(st.lists(st.one_of(usual, _float_cells(spec).map(lambda c: c[0]))))
    _assert_mixed_vector_is_the_typed_values(spec, [5, 62149.7, 0.5, None, *drawn])


def test_usual_whole_numbers_and_floats_make_the_typed_values_vector() -> None:
    """As above on the cells a file usually holds: amounts with a fraction (inexact floats),
    halves (exact), whole numbers, a missing cell; and one whole number past 2**52."""
    spec = _spec(InputType.AMOUNT, None, None)
    _assert_mixed_vector_is_the_typed_values(spec, [5, 62149.7, 0.5, None, 279.2, 99.99, 7.0])
    assert _mixed_vector([2**52, 0.5], [Decimal(2**52), Decimal("0.5")]) is None


@given(f=st.floats(allow_nan=False, allow_infinity=False))
def test_a_float_is_told_exact_as_its_exact_decimal_says(f: float) -> None:
    """_exact of a float and its typed decimal is whether that decimal is the float exactly."""
    typed = Decimal(repr(f))
    assert _exact(f, typed) == (Decimal(f) == typed)


def test_floats_told_exact_at_the_edges() -> None:
    """Halves and whole floats are exact; tenths, 1e23 (not 10**23) and 5e-324 are not."""
    for f, exact in [
        (0.5, True),
        (62149.7, False),
        (7.0, True),
        (-0.0, True),
        (2.0**52, True),
        (1e22, True),
        (1e23, False),
        (2.0**-1074, False),
        (0.1, False),
        (2.0**53 + 2, True),
    ]:
        assert _exact(f, Decimal(repr(f))) is exact, f
    assert _exact(0.0, None)


def _assert_mixed_vector_is_the_typed_values(spec: Input, cells: list[Any]) -> None:
    typed, _refused = _ints_and_floats(spec, cells, 2023)
    if any(v is _BAD for v in typed):
        return
    made = _mixed_vector(cells, typed)
    want, present = _vector(ValueType.NUMBER, typed)
    assert isinstance(want, Numbers)
    if made is None:
        assert any(type(c) is int and abs(c) >= 2**52 for c in cells)
        return
    got, got_present = made
    assert got_present.tolist() == present.tolist()
    assert got.x[present].tolist() == want.x[present].tolist()
    assert got.e[present].tolist() == want.e[present].tolist()


def test_units_checked_before_are_not_checked_again(criteria: CriteriaSet) -> None:
    """A unit check_submission checked before gives check_many the result it kept (the
    very same values); the others are checked now."""
    units = [as_in_a_file(u) for u in synthetic.units(criteria, 3, seed=23)]
    first = check_submission(criteria, units[1])
    many = check_many(criteria, units)
    assert many[1] == first and isinstance(many[1], CheckedSubmission)
    assert many[1].values is first.values
    again = check_many(criteria, units)  # each now kept: the same values again
    assert all(
        isinstance(a, CheckedSubmission)
        and isinstance(m, CheckedSubmission)
        and a.values is m.values
        for a, m in zip(again, many, strict=True)
    )


_NAMES = ("a", "b", "c", "d")


@settings(max_examples=300)
@given(
    known=st.lists(st.sampled_from(_NAMES), unique=True, max_size=4).map(tuple),
    units=st.lists(
        st.lists(st.sampled_from(_NAMES), unique=True, max_size=4),
        max_size=checks._FEW + 2,
    ),
)
def test_names_in_order_at_once_as_unit_by_unit(
    known: tuple[str, ...], units: list[list[str]]
) -> None:
    """The few units' names compared at once as one list tell, for each unit, what its own
    tuple of names compared with the declared ones tells (units shorter, longer, reordered,
    one name moved to the unit after)."""
    few = [dict.fromkeys(names, 0) for names in units]
    every = list(known) * checks._FEW
    want = [tuple(values) == known for values in few]
    assert checks._in_order(few, known, every) == want
    if known:  # all in order, one unit's last name moved to the next unit's front
        whole = [dict.fromkeys(known, 0) for _ in units]
        assert checks._in_order(whole, known, every) == [True] * len(units)
        if len(whole) > 1:
            *rest, last = known
            whole[0] = dict.fromkeys(rest, 0)
            whole[1] = dict.fromkeys((last, *known), 0)  # a repeated name: one key
            assert checks._in_order(whole, known, every)[:2] == [False, tuple(whole[1]) == known]


def test_surveys_read_as_flat_lists() -> None:
    """Survey points are checked against each code's greatest, the codes against those given."""
    top = {"a": Decimal(5), "b": Decimal(2)}
    assert checks._surveyed(top, [{"a": Decimal(5)}, {"b": Decimal("1.5"), "a": Decimal(0)}])
    assert checks._surveyed(top, [{}, {}]) and checks._surveyed(top, [])
    assert not checks._surveyed(top, [{"a": Decimal(1)}, {"a": Decimal("5.01")}])
    assert not checks._surveyed(top, [{"b": Decimal(3), "a": Decimal(1)}])
    assert not checks._surveyed(top, [{"a": Decimal(1), "c": Decimal(0)}])


def test_rows_of_all_is_the_column_itself() -> None:
    """All rows: the very column (no copy); some: those items, in order."""
    column = ("a", "b", "c")
    assert checks._rows_of(column, [0, 1, 2], 3) is column
    assert checks._rows_of(column, [0, 2], 3) == ["a", "c"]
    assert checks._rows_of(column, [], 3) == []

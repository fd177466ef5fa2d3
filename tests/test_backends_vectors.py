"""The vector backend's bounds are sound: every row it does not mark unsure is the engine's.

Generated expressions — every node type and function, hostile-but-valid ones included
(constants up to 10**15, powers, ``round(x, 999999999999999)``, nested powers that overflow
floats or the engine's decimals) — are evaluated over many rows at once. For each row the
vector backend does not hand to the engine, the engine must not raise, and the float must
lie within its stated bound of the engine's exact decimal (booleans, dates, texts equal).
"""

from __future__ import annotations

import copy
import datetime as dt
from decimal import Decimal
from typing import Any

import numpy as np
import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from parindex.backends import excel as excel_backend
from parindex.backends import vectors
from parindex.backends.vectors import Bools, Dates, Evaluator, Numbers, Texts, Vector
from parindex.errors import EvaluationError, ExpressionError
from parindex.expressions import (
    FUNCTIONS,
    IfElse,
    Name,
    NameInfo,
    Value,
    ValueType,
    compile_expression,
    evaluate,
)

N, B, D, T = ValueType.NUMBER, ValueType.BOOL, ValueType.DATE, ValueType.TEXT
ENV = {
    "a": NameInfo(N),
    "b": NameInfo(N),
    "c": NameInfo(N),
    "p": NameInfo(B),
    "q": NameInfo(B),
    "d1": NameInfo(D),
    "d2": NameInfo(D),
    "s": NameInfo(T),
}
NUMBERS = [
    "0",
    "1",
    "-1",
    "3",
    "0.1",
    "0.5",
    "2.675",
    "97.5",
    "100",
    "1000000000000000",
    "123456789.123",
    "0.000000001",
]
PLACES = ["0", "1", "2", "-1", "5", "16", "30", "999999999999999", "-999999999999999"]


def _expressions() -> st.SearchStrategy[str]:
    names = st.sampled_from(["a", "b", "c"])
    constants = st.sampled_from(NUMBERS)
    dates_leaf = st.sampled_from(["d1", "d2", "date(2026, 6, 30)"])
    bools_leaf = st.sampled_from(["p", "q", "True"])
    texts_leaf = st.sampled_from(["s", "'x'"])

    def extend(
        parts: st.SearchStrategy[tuple[str, str, str, str]],
    ) -> st.SearchStrategy[tuple[str, str, str, str]]:
        def build(
            draw_parts: tuple[tuple[str, str, str, str], ...], pick: int, k: str
        ) -> tuple[str, str, str, str]:
            (n1, b1, d1, t1), (n2, b2, d2, t2), (n3, _, _, _) = draw_parts
            numbers = [
                f"({n1} + {n2})",
                f"({n1} - {n2})",
                f"({n1} * {n2})",
                f"({n1} / {n2})",
                f"({n1}) ** {pick % 11}",
                f"-({n1})",
                f"ratio({n1}, {n2}, {n3})",
                f"percent({n1}, {n2}, 100)",
                f"min({n1}, {n2}, {n3})",
                f"max({n1}, {n2})",
                f"abs({n1})",
                f"round({n1}, {k})",
                f"clamp({n1}, {n2}, {n3})",
                f"days_between({d1}, {d2})",
                f"year({d1})",
                f"month({d1})",
                f"day({d1})",
                f"quarter({d1})",
                f"({n1} if {b1} else {n2})",
            ]
            bools = [
                f"({n1} < {n2})",
                f"({n1} <= {n2} <= {n3})",
                f"({n1} == {n2})",
                f"({n1} != {n2})",
                f"({d1} < {d2})",
                f"({d1} == {d2})",
                f"({t1} == {t2})",
                f"({t1} in ('x', 'Có'))",
                f"({n1} not in (1, 0.5))",
                f"({b1} and {b2})",
                f"({b1} or {b2})",
                f"(not {b1})",
                f"({b1} if {b2} else {b1})",
            ]
            dates = [f"({d1} if {b1} else {d2})", f"date({n1}, {n2}, {n3})", d1]
            texts = [f"({t1} if {b1} else {t2})", t1]
            return (
                numbers[pick % len(numbers)],
                bools[pick % len(bools)],
                dates[pick % len(dates)],
                texts[pick % len(texts)],
            )

        return st.builds(
            build, st.tuples(parts, parts, parts), st.integers(0, 10_000), st.sampled_from(PLACES)
        )

    leaves = st.tuples(st.one_of(names, constants), bools_leaf, dates_leaf, texts_leaf)
    return st.recursive(leaves, extend, max_leaves=12).flatmap(
        lambda parts: st.sampled_from(list(parts))
    )


def _number(draw: st.DrawFn) -> Decimal:
    return draw(
        st.one_of(
            st.sampled_from([Decimal(v) for v in NUMBERS]),
            st.integers(-(10**6), 10**6).map(Decimal),
            st.decimals(min_value=-(10**9), max_value=10**9, places=3, allow_nan=False),
        )
    )


@st.composite
def _rows(draw: st.DrawFn, size: int) -> list[dict[str, Value]]:
    rows = []
    for _ in range(size):
        rows.append(
            {
                "a": _number(draw),
                "b": _number(draw),
                "c": _number(draw),
                "p": draw(st.booleans()),
                "q": draw(st.booleans()),
                "d1": draw(
                    st.one_of(st.dates(dt.date(2020, 1, 1), dt.date(2030, 1, 1)), st.just(False))
                ),
                "d2": draw(
                    st.one_of(st.dates(dt.date(2020, 1, 1), dt.date(2030, 1, 1)), st.just(False))
                ),
                "s": draw(st.sampled_from(["x", "Có", "có", ""])),
            }
        )
    return rows


def _columns(rows: list[dict[str, Value]]) -> dict[str, Vector]:
    def numbers(name: str) -> Numbers:
        x = np.array([float(r[name]) for r in rows])  # type: ignore[arg-type]
        e = np.array(
            [
                0.0 if Decimal(f) == r[name] else abs(f) * vectors.REL
                for f, r in zip(x, rows, strict=True)
            ]
        )
        return Numbers(x, e)

    def dates(name: str) -> Dates:
        return Dates(
            np.array([np.nan if r[name] is False else float(r[name].toordinal()) for r in rows])
        )  # type: ignore[union-attr]

    texts = np.empty(len(rows), dtype=object)
    texts[:] = [r["s"] for r in rows]
    return {
        "a": numbers("a"),
        "b": numbers("b"),
        "c": numbers("c"),
        "p": Bools(np.array([r["p"] for r in rows], dtype=bool)),
        "q": Bools(np.array([r["q"] for r in rows], dtype=bool)),
        "d1": dates("d1"),
        "d2": dates("d2"),
        "s": Texts(texts),
    }


def _agrees(vector: Vector, row: int, exact: Value) -> bool:
    if isinstance(vector, Numbers):
        assert isinstance(exact, Decimal)
        x, e = vector.x[row], vector.e[row]
        return bool(np.isfinite(x)) and abs(Decimal(float(x)) - exact) <= Decimal(float(e))
    if isinstance(vector, Bools):
        return bool(vector.b[row]) == exact
    if isinstance(vector, Dates):
        day = vector.d[row]
        return exact is False if np.isnan(day) else exact == dt.date.fromordinal(int(day))
    return bool(vector.s[row] == exact)


def _compiled(text: str) -> Any:
    """``text`` compiled; an example hypothesis drops when it is no valid expression."""
    try:
        return compile_expression(text, ENV)
    except ExpressionError:
        assume(False)
        raise


def _settled_as_the_engine(text: str, compiled: Any, rows: list[dict[str, Value]]) -> None:
    """Every row the backend settles (not unsure) agrees with the engine, which does not raise."""
    evaluator = Evaluator(len(rows), _columns(rows))
    result = evaluator.evaluate(compiled.root)
    for row, values in enumerate(rows):
        if evaluator.unsure[row]:
            continue
        try:
            exact = evaluate(compiled, values)
        except EvaluationError as exc:
            pytest.fail(f"{text} on {values}: the engine raises ({exc}), the backend settles it")
        assert _agrees(result, row, exact), (text, values, exact, result)


@settings(suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much])
@given(text=_expressions(), data=st.data())
def test_rows_the_backend_settles_are_the_engines(text: str, data: st.DataObject) -> None:
    compiled = _compiled(text)
    rows = data.draw(_rows(8))
    _settled_as_the_engine(text, compiled, rows)


@settings(suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much])
@given(text=_expressions(), data=st.data())
def test_a_shared_part_counts_as_if_written_out(text: str, data: st.DataObject) -> None:
    """One object met several times (a band rule's value, tested per band) is computed once;
    value, bound and unsure rows are those of the same tree written out in full."""
    try:
        root = compile_expression(text, ENV).root
    except ExpressionError:
        assume(False)
        return
    rows = data.draw(_rows(8))
    p, q = Name(B, "p"), Name(B, "q")

    def twice(body: object, inner: object, orelse: object) -> IfElse:
        return IfElse(root.type, p, body, IfElse(root.type, q, inner, orelse))  # type: ignore[arg-type]

    shared = twice(root, root, root)
    apart = twice(copy.deepcopy(root), copy.deepcopy(root), copy.deepcopy(root))
    results = []
    for expr in (shared, apart, shared):  # the second run of shared: a fresh memo
        evaluator = Evaluator(len(rows), _columns(rows))
        evaluator.reset()
        results.append((evaluator.evaluate(expr), evaluator.unsure.copy()))
    for value, unsure in results[::2]:
        assert np.array_equal(unsure, results[1][1])
        for mine, theirs in zip(vars(value).values(), vars(results[1][0]).values(), strict=True):
            assert np.array_equal(mine, theirs, equal_nan=mine.dtype.kind == "f")


CHOICES = ["0", "0.5", "0.25", "1.00", "0.1", "3", "-2.5"]


@settings(suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much])
@given(tests=st.lists(_expressions(), min_size=2, max_size=2), data=st.data())
def test_a_choice_is_the_engines_constant_and_doubts_as_evaluated(
    tests: list[str], data: st.DataObject
) -> None:
    """:meth:`Evaluator.choose` (a constant picked by tests, as exact integers) gives the
    engine's constant in every row it settles, and doubts the rows evaluating the same
    expression as numbers doubts."""
    first, second = tests
    constants = data.draw(st.lists(st.sampled_from(CHOICES), min_size=3, max_size=3))
    nested = data.draw(st.booleans())
    inner = f"({constants[1]} if {second} else {constants[2]})"
    text = (
        f"({constants[0]} if {first} else {inner})"
        if nested
        else f"({inner} if {first} else {constants[0]})"
    )
    try:
        compiled = compile_expression(text, ENV)
    except ExpressionError:
        assume(False)
        return
    assert vectors.is_choice(compiled.root, lambda value: True)
    rows = data.draw(_rows(8))
    evaluator = Evaluator(len(rows), _columns(rows))
    evaluator.reset()
    picked = evaluator.choose(compiled.root, lambda value: int(value.scaleb(2)))
    doubted = evaluator.unsure.copy()
    evaluator.reset()
    evaluator.evaluate(compiled.root)
    assert np.array_equal(doubted, evaluator.unsure)
    assert picked.dtype == np.int64 and picked.shape == (len(rows),)
    for row, values in enumerate(rows):
        if doubted[row]:
            continue
        exact = evaluate(compiled, values)
        assert isinstance(exact, Decimal)
        assert picked[row] == int(exact.scaleb(2)), (text, values, exact)


def test_only_constants_the_caller_keeps_make_a_choice() -> None:
    root = compile_expression("0.5 if p else (0.125 if q else 0)", ENV).root
    assert vectors.is_choice(root, lambda value: True)
    assert not vectors.is_choice(root, lambda value: value != Decimal("0.125"))
    assert not vectors.is_choice(compile_expression("a if p else 0", ENV).root, bool)
    assert vectors.is_choice(compile_expression("0.5", ENV).root, lambda value: True)


@pytest.mark.parametrize(
    "text",
    [
        "round(a, 999999999999999)",
        "round(a, -999999999999999)",
        "((((a ** 10) ** 10) ** 10) ** 10) ** 10",
        "((((0.000000001 * a) ** 10) ** 10) ** 10) ** 10 > 0",
        "1 / ((0.000000001 * a) ** 10) ** 10",
        "1000000000000000 * 1000000000000000 * 1000000000000000 * a > 0",
    ],
)
def test_hostile_but_valid_expressions_go_to_the_engine(text: str) -> None:
    compiled = compile_expression(text, ENV)
    rows = [{"a": Decimal(v)} for v in ("0", "3", "1000000000000000", "0.5")]
    columns = _columns(
        [
            {**r, "b": 0, "c": 0, "p": True, "q": True, "d1": False, "d2": False, "s": ""}
            for r in rows
        ]
    )
    evaluator = Evaluator(len(rows), columns)
    result = evaluator.evaluate(compiled.root)  # never raises
    for row, values in enumerate(rows):
        if not evaluator.unsure[row]:
            assert _agrees(result, row, evaluate(compiled, values)), (text, values)


def test_every_function_has_a_vector_and_a_formula_form() -> None:
    assert set(vectors._FUNCTIONS) == set(FUNCTIONS)
    formula = excel_backend.formula
    env = {"x": NameInfo(N), "d": NameInfo(D)}
    for name, function in FUNCTIONS.items():
        args = ", ".join("d" if p == D else "x" for p in function.params)
        assert formula(compile_expression(f"{name}({args})", env), str.upper)


@given(
    st.lists(
        st.one_of(
            st.integers(-(10**6), 10**6).map(lambda k: k / 8),  # halves, quarters, eighths
            st.integers(-(10**6), 10**6).map(lambda k: k / 1000),
            st.floats(-1e6, 1e6, allow_nan=False),
        ),
        min_size=1,
        max_size=40,
    ),
    st.integers(0, 3),
)
def test_rounding_half_up_settles_rows_as_decimal_does(values: list[float], places: int) -> None:
    """Each row round_half_up settles is its float's exact decimal rounded half up (rows
    with the same value rounded once); a row with an error bound near a half is unsure."""
    x = np.array(values + values[:3], dtype=np.float64)  # some values twice
    exact = Numbers(x, np.zeros(len(x)))
    steps, unsure = vectors.round_half_up(exact, places)
    assert not unsure.any()
    for row, value in enumerate(x):
        expected = Decimal(float(value)).quantize(
            Decimal(1).scaleb(-places), rounding="ROUND_HALF_UP"
        )
        assert steps[row] == float(expected.scaleb(places)), (value, places)
    bounded = Numbers(x, np.abs(x) * vectors.REL)
    steps, unsure = vectors.round_half_up(bounded, places)
    for row, value in enumerate(x):
        half = Decimal(float(value)).scaleb(places) % 1
        if abs(half) == Decimal("0.5"):
            assert unsure[row], value


@settings(suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much])
@given(text=_expressions(), data=st.data())
def test_rows_of_whole_numbers_the_backend_settles_are_the_engines(
    text: str, data: st.DataObject
) -> None:
    """Columns of whole numbers only (counts; up to and beyond 2**52) take the whole-number
    steps of Evaluator.arithmetic: every row they settle is the engine's."""
    compiled = _compiled(text)
    rows = data.draw(_rows(8))
    big = st.one_of(
        st.integers(-(10**6), 10**6),
        st.integers(-(2**53), 2**53),
        st.sampled_from([2**20, 2**26, 2**31, 2**52 - 1, 2**52, 3 * 2**40]),
    )
    for row in rows:
        for name in ("a", "b", "c"):
            row[name] = Decimal(data.draw(big))
    _settled_as_the_engine(text, compiled, rows)


@given(st.integers(-(2**31) + 1, 2**31 - 1), st.integers(-(2**31) + 1, 2**31 - 1))
def test_a_dyadic_quotient_is_told_without_a_gcd(a: int, b: int) -> None:
    """vectors._dyadic_quotient (odd part and powers of two) against the reduced
    denominator found by a gcd: a power of two no larger than 2**16."""
    import math

    got = vectors._dyadic_quotient(np.array([float(a)]), np.array([float(b)]))[0]
    denominator = abs(b) // math.gcd(a, b) if b else 0
    expected = b != 0 and denominator & (denominator - 1) == 0 and denominator <= 2**16
    assert got == expected, (a, b)


_ANY_FLOAT = st.one_of(
    st.floats(allow_nan=True, allow_infinity=True),
    st.integers(-(2**32), 2**32).map(float),
    st.sampled_from([0.5, -0.0, 2.0**31, 2.0**31 - 1, -(2.0**31), 2.0**52, 3.0 * 2**20]),
)


@given(st.lists(st.tuples(_ANY_FLOAT, _ANY_FLOAT), min_size=1, max_size=6))
def test_a_dyadic_quotient_needs_no_other_test_of_whole_numbers(pairs: list[Any]) -> None:
    """vectors._dyadic_quotient on any floats (fractions, NaN, infinities, beyond 2**31) is
    the test the division made before (whole numbers by vectors._integral first, then the
    quotient): it tells whole numbers itself, so one call settles an exact division."""
    a = np.array([p[0] for p in pairs], dtype=np.float64)
    b = np.array([p[1] for p in pairs], dtype=np.float64)
    with np.errstate(all="ignore"):
        whole = vectors._integral(a) & vectors._integral(b)
        small = whole & (np.abs(a) < 2.0**31) & (np.abs(b) < 2.0**31) & (b != 0)
        top = np.where(small, np.abs(a), 0).astype(np.int64)
        bottom = np.where(small, np.abs(b), 1).astype(np.int64)
        low_bottom, low_top = bottom & -bottom, top & -top
        divides = top % (bottom // low_bottom) == 0
        near = (top == 0) | (low_bottom <= low_top << 16)
        expected = whole & small & divides & near
    assert vectors._dyadic_quotient(a, b).tolist() == expected.tolist()


@pytest.mark.parametrize(
    ("a", "b"), [(0, 7), (3, 4), (5, 2**16), (5, 2**17), (2**10, 2**26), (2**9, 2**26), (6, 12)]
)
def test_dyadic_quotients_at_their_edges(a: int, b: int) -> None:
    import math

    denominator = b // math.gcd(a, b)
    expected = denominator & (denominator - 1) == 0 and denominator <= 2**16
    assert vectors._dyadic_quotient(np.array([float(a)]), np.array([float(b)]))[0] == expected

"""The Excel backend: formulas recalculated by LibreOffice equal the exact backend.

One workbook holds every case (a row per expression and generated values: the formula in
column A, its inputs after it) and LibreOffice recalculates it in one headless run (the
module fixture). Every node type and every function of :data:`FUNCTIONS` is covered,
with blank inputs, not-done dates, zero divisors, halves to round and values the engine
refuses. A missing soffice fails the tests (see ``tests/test_excel.py``), never skips them.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

import openpyxl
import pytest
import xlsxwriter
from test_excel import recalculate

from parindex.backends.excel import (
    MAX_FORMULA,
    Fn,
    FormulaError,
    IfAny,
    IfBlank,
    Num,
    Ref,
    Round,
    cell_name,
    formula,
    render,
)
from parindex.errors import EvaluationError
from parindex.expressions import (
    FUNCTIONS,
    Binary,
    BoolOp,
    Call,
    Compare,
    Const,
    Expr,
    Fail,
    IfElse,
    In,
    Name,
    NameInfo,
    Not,
    Unary,
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
    "s": NameInfo(T, frozenset({"Có", "có", "không", "x"})),
}
_EPOCH = dt.date(1899, 12, 30)
_BLANK, _ERROR = "blank", "error"

Pool = Callable[[random.Random], Value | None]


def _number(rng: random.Random) -> Value | None:
    kind = rng.randrange(8)
    if kind == 0:
        return Decimal(0)
    if kind in (1, 2):
        return Decimal(rng.randint(-20, 60))
    if kind == 3:  # a half to round: k.5, k.k5, k.kk5
        return Decimal(rng.randint(-999, 999)).scaleb(-rng.randint(0, 2)) + Decimal(5).scaleb(
            -rng.randint(1, 3)
        )
    return Decimal(rng.randint(-99_999, 99_999)).scaleb(-rng.randint(1, 4))


def _date(rng: random.Random) -> Value | None:
    if rng.random() < 0.15:
        return False  # given as not done
    return dt.date(2024, 1, 1) + dt.timedelta(days=rng.randint(0, 1200))


def _pools(**overrides: Pool) -> dict[str, Pool]:
    pools: dict[str, Pool] = {
        "a": _number,
        "b": _number,
        "c": _number,
        "p": lambda rng: rng.random() < 0.5,
        "q": lambda rng: rng.random() < 0.5,
        "d1": _date,
        "d2": _date,
        "s": lambda rng: rng.choice(["Có", "có", "không", "x"]),
    }
    pools.update(overrides)
    return pools


def _choice(*values: object) -> Pool:
    return lambda rng: rng.choice([Decimal(str(v)) for v in values])


_COUNTS = _choice(0, 1, 7, 8, 16, 29, 35, 36, 40, 200, 400, 1000)

TEMPLATES: list[tuple[str, dict[str, Pool]]] = [
    ("a + b", _pools()),
    ("a - b * c", _pools()),
    ("a / b", _pools(b=_choice(0, 1, 3, 8, -6, 0.5, 7))),
    ("-a", _pools()),
    ("+a", _pools()),
    ("a ** 2 - (-b) ** 3", _pools()),
    ("a ** 0", _pools(a=_choice(0, 2, -3))),
    ("a < b", _pools()),
    ("a <= b <= c", _pools()),
    ("a == b", _pools(a=_choice(1, 2, 0.5), b=_choice(1, 2, 0.50))),
    ("a != b", _pools(a=_choice(1, 2), b=_choice(1, 2))),
    ("a > b or a >= c", _pools()),
    ("p and q", _pools()),
    ("p or q", _pools()),
    ("not p", _pools()),
    ("p == q", _pools()),
    ("a > 0 and b / a > 1", _pools(a=_choice(0, 1, 2))),
    ("a == 0 or b / a > 1", _pools(a=_choice(0, 1, 2))),
    ("0 < a < b / c", _pools(a=_choice(-1, 1), c=_choice(0, 2))),
    ("a if p else b", _pools()),
    ("d1 if p else d2", _pools()),
    ("s if p else 'x'", _pools()),
    ("s in ('Có', 'không')", _pools()),
    ("s not in ('Có',)", _pools()),
    ("s == 'Có'", _pools()),
    ("s != 'có'", _pools()),
    ("a in (1, 2, 3.5)", _pools(a=_choice(1, 2, 3.5, 3.50, 4))),
    ("a not in ()", _pools()),
    ("p in (True,)", _pools()),
    (
        "d1 in (date(2025, 1, 1), date(2026, 6, 30))",
        _pools(
            d1=lambda rng: rng.choice(
                [dt.date(2025, 1, 1), dt.date(2026, 6, 30), dt.date(2026, 7, 1), False]
            )
        ),
    ),
    ("ratio(a, b, 0)", _pools(b=_choice(0, 3, 8, 36))),
    ("percent(a, b, 100)", _pools(a=_COUNTS, b=_COUNTS)),
    ("round(percent(a, b, 100), 2)", _pools(a=_COUNTS, b=_COUNTS)),
    ("round(percent(a, b, 100), 0)", _pools(a=_COUNTS, b=_COUNTS)),
    ("round(ratio(a, b, 1) * 2.5, 1)", _pools(a=_COUNTS, b=_COUNTS)),
    ("ratio(a, b, a / c)", _pools(b=_choice(0, 2), c=_choice(0, 4))),
    ("percent(a / c, b, 5)", _pools(b=_choice(0, 2), c=_choice(0, 4))),
    ("min(a, b)", _pools()),
    ("max(a, b, c)", _pools()),
    ("abs(a)", _pools()),
    ("round(a, 2)", _pools()),
    ("round(a, 0)", _pools()),
    ("round(a, 1)", _pools()),
    ("round(a, -1)", _pools()),
    ("round(a * b, 3)", _pools(a=_choice(1.005, 2.675, 0.285, 1.115, 8.345), b=_choice(1, -1, 10))),
    ("round(a, 26)", _pools(a=_choice(0, 1, 12, 99.5, 0.001))),
    ("round(a, 999999999999999)", _pools(a=_choice(0, 1.5))),
    ("round(a, -999999999999999)", _pools(a=_choice(0, 1.5))),
    ("round(a, c)", _pools(c=_choice(0, 1, 2, 2.7, -1, 27, 30, 3000000))),
    ("clamp(a, b, c)", _pools()),
    (
        "date(a, b, c)",
        _pools(
            a=_choice(2024, 2026, 2026.9, 1950, 10000),
            b=_choice(1, 2, 12, 13, 0, 2.5, -1),
            c=_choice(1, 28, 29, 30, 31, 0, 15.9),
        ),
    ),
    ("days_between(d1, d2)", _pools()),
    ("days_between(d1, date(2026, 12, 31)) > 0", _pools()),
    ("year(d1)", _pools()),
    ("month(d1)", _pools()),
    ("day(d1)", _pools()),
    ("quarter(d1)", _pools()),
    ("d1 < d2", _pools()),
    ("d1 <= date(2026, 6, 30)", _pools()),
    (
        "d1 == d2",
        _pools(
            d2=lambda rng: rng.choice([False, dt.date(2025, 1, 1)]),
            d1=lambda rng: rng.choice([False, dt.date(2025, 1, 1)]),
        ),
    ),
    ("d1 != date(2025, 1, 1)", _pools(d1=lambda rng: rng.choice([False, dt.date(2025, 1, 1)]))),
    ("date(2026, 6, 30) < d1 < d2", _pools()),
    ("p and d1 < d2", _pools()),
    ("(a + 1) * 2", _pools()),
]
SAMPLES = 12


@dataclass(frozen=True)
class Case:
    text: str
    values: Mapping[str, Value | None]
    row: int

    def expected(self) -> object:
        compiled = compile_expression(self.text, ENV)
        given = {k: v for k, v in self.values.items() if v is not None}
        if any(name not in given for name in compiled.names):
            return _BLANK
        try:
            return evaluate(compiled, given)
        except EvaluationError:
            return _ERROR


def _cases() -> list[Case]:
    rng = random.Random(20261130)
    cases: list[Case] = []
    for text, pools in TEMPLATES:
        names = sorted(compile_expression(text, ENV).names)
        for _ in range(SAMPLES):
            values = {n: None if rng.random() < 0.04 else pools[n](rng) for n in names}
            cases.append(Case(text, values, len(cases) + 1))
    return cases


COLUMNS = {name: 2 + index for index, name in enumerate(ENV)}


def _write_input(sheet: Any, row: int, col: int, value: Value | None) -> None:
    if value is None:
        return
    if isinstance(value, bool):
        sheet.write_boolean(row, col, value)
    elif isinstance(value, Decimal):
        sheet.write_number(row, col, float(value))
    elif isinstance(value, dt.date):
        sheet.write_number(row, col, (value - _EPOCH).days)
    else:
        sheet.write_string(row, col, value)


def _workbook(cases: list[Case], path: Path) -> None:
    book = xlsxwriter.Workbook(str(path))
    sheet = book.add_worksheet("cases")
    for case in cases:

        def ref(name: str, row: int = case.row) -> str:
            return "$" + cell_name(row, COLUMNS[name]).replace(str(row + 1), f"${row + 1}")

        sheet.write_string(case.row, 1, case.text)
        for name, value in case.values.items():
            _write_input(sheet, case.row, COLUMNS[name], value)
        sheet.write_formula(case.row, 0, "=" + formula(compile_expression(case.text, ENV), ref))
    book.close()


@pytest.fixture(scope="module")
def recalculated(tmp_path_factory: pytest.TempPathFactory) -> tuple[list[Case], dict[int, Any]]:
    folder = tmp_path_factory.mktemp("backend")
    cases = _cases()
    path = folder / "cases.xlsx"
    _workbook(cases, path)
    [result] = recalculate([path], folder)
    book = openpyxl.load_workbook(result, data_only=True)
    sheet = book["cases"]
    values = {case.row: _serial(sheet.cell(case.row + 1, 1).value) for case in cases}
    book.close()
    return cases, values


def _serial(value: object) -> object:
    """LibreOffice formats a DATE result as a date: read it back as its serial."""
    if isinstance(value, dt.datetime):
        return (value - dt.datetime(1899, 12, 30)).days
    return value


def _same(expected: object, got: object) -> bool:
    if expected == _BLANK:
        return got in (None, "")
    if expected == _ERROR:
        return isinstance(got, str) and got.startswith("#")
    if isinstance(expected, bool):  # LibreOffice stores a boolean result as TRUE/FALSE or 1/0
        return isinstance(got, bool | int) and bool(got) == expected and got in (0, 1)
    if isinstance(expected, dt.date):
        return isinstance(got, int | float) and got == (expected - _EPOCH).days
    if isinstance(expected, Decimal):
        if isinstance(got, bool) or not isinstance(got, int | float):
            return False
        value = Decimal(repr(got))
        if len(expected.normalize().as_tuple().digits) <= 15:  # a spreadsheet holds it: exact
            return value == expected
        # More digits than a double holds: equal up to one unit of the 15th digit.
        return abs(value - expected) <= Decimal(1).scaleb(expected.adjusted() - 14)
    return got == expected


def test_libreoffice_computes_what_the_engine_computes(
    recalculated: tuple[list[Case], dict[int, Any]],
) -> None:
    cases, got = recalculated
    wrong = [
        f"{c.text} with {dict(c.values)}: engine {c.expected()!r}, LibreOffice {got[c.row]!r}"
        for c in cases
        if not _same(c.expected(), got[c.row])
    ]
    assert not wrong, "\n".join(wrong[:20])


def test_the_sample_covers_every_node_type_function_and_outcome(
    recalculated: tuple[list[Case], dict[int, Any]],
) -> None:
    cases, _ = recalculated
    seen_nodes: set[type] = set()
    seen_functions: set[str] = set()

    def walk(node: Expr) -> None:
        seen_nodes.add(type(node))
        if isinstance(node, Call):
            seen_functions.add(node.function)
        for child in vars(node).values():
            for item in child if isinstance(child, tuple) else (child,):
                if isinstance(item, Expr):
                    walk(item)

    for text, _ in TEMPLATES:
        walk(compile_expression(text, ENV).root)
    assert seen_functions == set(FUNCTIONS)
    assert seen_nodes >= {Binary, BoolOp, Call, Compare, Const, IfElse, In, Name, Not, Unary}
    outcomes = {
        type(c.expected()).__name__ if c.expected() not in (_BLANK, _ERROR) else c.expected()
        for c in cases
    }
    assert outcomes >= {"Decimal", "bool", "date", "str", _BLANK, _ERROR}


def test_formula_text() -> None:
    env = {"a": NameInfo(N), "b": NameInfo(N)}
    cells = {"a": "$D$12", "b": "$D$13"}
    text = formula(compile_expression("ratio(a, b, 0)", env), cells.__getitem__)
    assert text == 'IF(OR(($D$12=""),($D$13="")),"",IF(($D$13=0),0,($D$12/$D$13)))'
    assert formula(compile_expression("'a\"b' == 'c'", {}), str) == 'EXACT("a""b","c")'
    assert formula(compile_expression("-2.5 * 1000000000000000", {}), str) == (
        "((-2.5)*1000000000000000)"
    )


def test_a_formula_longer_than_excel_allows_is_refused() -> None:
    env = {f"x{i}": NameInfo(N) for i in range(120)}
    text = "max(" + ", ".join(f"x{i}" for i in range(120)) + ")"
    with pytest.raises(FormulaError, match="8192"):
        formula(
            compile_expression(text, env), lambda name: f"'{'Một bảng rất dài' * 3}'!$A${name[1:]}"
        )
    assert MAX_FORMULA == 8192


def test_the_workbook_tree_renders_as_before() -> None:
    sums = Fn("SUM", (Ref(3, 2), Ref(4, 2)))
    assert render(Round(sums, 9)) == "ROUND(SUM(C4,C5),9)"
    assert render(IfBlank(Ref(0, 0), Num(Decimal(0)), Ref(0, 0))) == 'IF(A1="",0,A1)'
    assert render(IfAny((Ref(0, 26),), Num(Decimal("0.5")), Ref(1, 701))) == (
        "IF(COUNT(AA1)>0,0.5,ZZ2)"
    )


def test_no_value_is_an_excel_error_and_keeps_the_branch_lazy() -> None:
    env = {"a": NameInfo(N)}
    fail = Fail(N, "ngoài mọi khoảng", "outside every band")
    band = IfElse(N, compile_expression("a >= 80", env).root, Const(N, Decimal(1)), fail)
    text = formula(band, {"a": "$B$2"}.__getitem__)
    assert text == 'IF(($B$2=""),"",IF(($B$2>=80),1,NA()))'
    with pytest.raises(EvaluationError):
        evaluate(band, {"a": Decimal(3)})

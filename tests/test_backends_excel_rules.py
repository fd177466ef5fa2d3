"""Every rule kind's lowered leaf as a live formula: LibreOffice computes the engine's points.

For every leaf of ``tests/data/mini.yaml`` and both shipped sets, and the values of a few
synthetic units (missing values and facts off included), ``formula(leaf.lowered, ref)`` is
written with its inputs on one row of one workbook; LibreOffice recalculates it in one
headless run, and each result equals :func:`parindex.expressions.evaluate` of the lowered
expression — the engine's points — to the last digit (``""`` where an input is blank, an
error value where the engine reports an error).
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from decimal import Decimal
from pathlib import Path
from typing import Any

import openpyxl
import xlsxwriter
from test_excel import recalculate

from parindex import check_submission, load_criteria, synthetic
from parindex.backends.excel import cell_name, formula, names_read
from parindex.errors import EvaluationError
from parindex.expressions import Expr, Value, evaluate
from parindex.rules import REGISTRY, kind_of
from parindex.rules.survey import SURVEY_PREFIX

ROOT = Path(__file__).resolve().parent.parent
SETS = [
    ROOT / "tests" / "data" / "mini.yaml",
    ROOT / "criteria" / "namdinh-stnmt-2023.yaml",
    ROOT / "criteria" / "quangbinh-stnmt-2021.yaml",
]
_EPOCH = dt.date(1899, 12, 30)


def _cases() -> list[tuple[str, str, Expr, dict[str, Value]]]:
    cases = []
    for path in SETS:
        criteria = load_criteria(path)
        rows = []
        for unit in synthetic.units(criteria, 4, seed=12, missing_rate=0.05, fact_rate=0.7):
            values = dict(check_submission(criteria, unit).values)
            values.update({SURVEY_PREFIX + code: p for code, p in unit.survey.items()})
            rows.append(values)
        for code, node in criteria.compiled.nodes.items():
            if node.leaf is None or node.leaf.lowered is None or node.node.rule is None:
                continue
            kind = kind_of(node.node.rule).name
            cases.extend((f"{criteria.id} {code}", kind, node.leaf.lowered, v) for v in rows)
    return cases


def _write(sheet: Any, row: int, col: int, value: Value) -> None:
    if isinstance(value, bool):
        sheet.write_boolean(row, col, value)
    elif isinstance(value, Decimal):
        sheet.write_number(row, col, float(value))
    elif isinstance(value, dt.date):
        sheet.write_number(row, col, (value - _EPOCH).days)
    else:
        sheet.write_string(row, col, value)


def _expected(expr: Expr, values: dict[str, Value]) -> object:
    if any(name not in values for name in names_read(expr)):
        return "blank"
    try:
        return evaluate(expr, values)
    except EvaluationError:
        return "error"


def _same(expected: object, got: object) -> bool:
    if expected == "blank":
        return got in (None, "")
    if expected == "error":
        return isinstance(got, str) and got.startswith("#")
    if isinstance(got, bool) or not isinstance(got, int | float):
        return False
    return Decimal(repr(got)) == expected


def test_every_kinds_lowered_leaf_computes_the_engines_points(tmp_path: Path) -> None:
    cases = _cases()
    path = tmp_path / "leaves.xlsx"
    book = xlsxwriter.Workbook(str(path))
    sheet = book.add_worksheet("leaves")
    for row, (_, _, expr, values) in enumerate(cases, start=1):
        columns = {name: 1 + i for i, name in enumerate(names_read(expr))}
        for name, col in columns.items():
            if values.get(name) is not None:
                _write(sheet, row, col, values[name])
        text = formula(expr, lambda name, row=row, columns=columns: cell_name(row, columns[name]))
        sheet.write_formula(row, 0, "=" + text)
    book.close()
    [result] = recalculate([path], tmp_path)
    workbook = openpyxl.load_workbook(result, data_only=True)
    got = [workbook["leaves"].cell(row + 1, 1).value for row in range(1, len(cases) + 1)]
    workbook.close()
    wrong = [
        f"{label} ({kind}): engine {_expected(expr, values)!r}, LibreOffice {value!r}"
        for (label, kind, expr, values), value in zip(cases, got, strict=True)
        if not _same(_expected(expr, values), value)
    ]
    assert not wrong, "\n".join(wrong[:20])
    kinds = Counter(kind for _, kind, _, _ in cases)
    assert set(kinds) == set(REGISTRY), set(REGISTRY) - set(kinds)
    outcomes = {type(_expected(e, v)).__name__ for _, _, e, v in cases}
    assert {"Decimal", "str"} <= outcomes  # points, and blanks or errors

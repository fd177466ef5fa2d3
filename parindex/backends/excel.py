"""Expressions as spreadsheet formulas: the one place parindex writes a formula's text.

:func:`formula` turns a compiled expression (:mod:`parindex.expressions`) into the text of
an Excel formula over cell references, computing in Excel and LibreOffice what
:func:`parindex.expressions.evaluate` computes:

>>> from parindex.expressions import NameInfo, ValueType, compile_expression
>>> env = {"a": NameInfo(ValueType.NUMBER), "b": NameInfo(ValueType.NUMBER)}
>>> cells = {"a": "$D$12", "b": "$D$13"}
>>> formula(compile_expression("round(percent(a, b, 100), 2)", env), cells.__getitem__)
'IF(OR(($D$12=""),($D$13="")),"",IF((ABS(IF(($D$13=0),100,(($D$12*100)/$D$13)))>=1E+26),NA(),ROUND(IF(($D$13=0),100,(($D$12*100)/$D$13)),2)))'

**Input cells** hold the engine's values: numbers as numbers (a percentage as ``97.5``,
not ``0.975``), yes/no as ``TRUE``/``FALSE``, dates as date serials, a date given as not
done as ``FALSE``, choices as text.

**Blank inputs**: when any input cell the expression reads is blank, the formula yields
``""`` (an empty text), never 0 — as the engine reports the leaf's inputs missing.

**Errors**: where the engine raises :class:`parindex.errors.EvaluationError` (division by
0 outside ``ratio``/``percent``, an invalid ``date``, a not-done date compared or taken
apart, ``0 ** 0``, a ``round`` beyond 28 digits) the formula yields an error value
(``#DIV/0!``, ``#N/A``, ``#VALUE!``); Python's lazy ``and``/``or``/``if`` and its eager
function arguments are kept, so a formula errs exactly on the rows the engine does.

**Numbers**: ``round`` is half away from zero (Excel's and LibreOffice's ``ROUND``,
Decimal's ``ROUND_HALF_UP``); ``ratio``/``percent`` give ``when_zero`` on a zero divisor;
text compares case-sensitively (``EXACT``); dates are serials (``DATE(y,m,d)``).
Spreadsheets compute in binary floating point with 15 significant digits, the engine
in decimals with 28: results agree to the 15 digits a spreadsheet shows, and exactly
wherever the engine's values have at most 15 significant digits at each step (counts,
percentages of counts, rounded points). A rounding or comparison that hinges on a 16th
digit, a number beyond 1E308 and a date before 1 January 1901 are outside a
spreadsheet's reach: such a date yields ``#N/A``.

The module also holds the small formula tree the workbook writer builds its aggregates
with (:class:`Ref`, :class:`Fn`, :class:`Round`, :class:`IfBlank`, :class:`IfAny`,
:class:`Arith` …) and :func:`render`, which writes any such tree as text.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from functools import lru_cache

from parindex import expressions as ex

__all__ = [
    "MAX_FORMULA",
    "Arith",
    "Cell",
    "Fn",
    "Formula",
    "FormulaError",
    "IfAny",
    "IfBlank",
    "Neg",
    "Num",
    "Ref",
    "Round",
    "Text",
    "cell_name",
    "formula",
    "render",
    "tree",
]

MAX_FORMULA = 8192
"""Excel's longest formula, in characters."""
_DIGITS = 28  # the engine's decimal precision: quantize fails beyond it
_FIRST_YEAR = 1901  # Excel's serials are wrong before 1 March 1900 (its 29/2/1900)


class FormulaError(ValueError):
    """An expression whose formula a spreadsheet cannot hold (longer than 8,192 characters)."""


# --- the formula tree ------------------------------------------------------------------


@dataclass(frozen=True)
class Ref:
    """A cell by 0-based row and column."""

    row: int
    col: int


@dataclass(frozen=True)
class Cell:
    """A cell reference given as text (``$D$12``, ``'Sheet 1'!B4``)."""

    ref: str


@dataclass(frozen=True)
class Num:
    value: Decimal


@dataclass(frozen=True)
class Text:
    value: str


@dataclass(frozen=True)
class Fn:
    """A spreadsheet function: ``SUM``, ``MAX``, ``IF``, ``TRUE`` …"""

    name: str
    args: tuple[Formula, ...]


@dataclass(frozen=True)
class Round:
    arg: Formula
    places: int


@dataclass(frozen=True)
class IfBlank:
    """``IF(ref="", then, otherwise)``."""

    ref: Ref
    then: Formula
    otherwise: Formula


@dataclass(frozen=True)
class IfAny:
    """``IF(COUNT(refs)>0, then, otherwise)``: any number entered among ``refs``."""

    refs: tuple[Ref, ...]
    then: Formula
    otherwise: Formula


@dataclass(frozen=True)
class Arith:
    """A binary operator: ``+ - * / ^``, comparisons ``= <> < <= > >=``."""

    op: str
    left: Formula
    right: Formula


@dataclass(frozen=True)
class Neg:
    arg: Formula


Formula = Ref | Cell | Num | Text | Fn | Round | IfBlank | IfAny | Arith | Neg


@lru_cache(maxsize=65_536)
def cell_name(row: int, col: int) -> str:
    """``(11, 3)`` → ``D12`` (0-based row and column, relative reference)."""
    letters = ""
    col += 1
    while col:
        col, rest = divmod(col - 1, 26)
        letters = chr(ord("A") + rest) + letters
    return f"{letters}{row + 1}"


def render(node: Formula) -> str:
    """The text of a formula tree, without the leading ``=``."""
    if isinstance(node, Ref):
        return cell_name(node.row, node.col)
    if isinstance(node, Cell):
        return node.ref
    if isinstance(node, Num):
        big = node.value != 0 and not Decimal("1E-15") <= abs(node.value) < Decimal("1E16")
        text = format(node.value, "E" if big else "f")
        return f"({text})" if node.value < 0 else text
    if isinstance(node, Text):
        return '"' + node.value.replace('"', '""') + '"'
    if isinstance(node, Fn):
        return f"{node.name}({','.join(render(a) for a in node.args)})"
    if isinstance(node, Round):
        return f"ROUND({render(node.arg)},{node.places})"
    if isinstance(node, IfBlank):
        ref = render(node.ref)
        return f'IF({ref}="",{render(node.then)},{render(node.otherwise)})'
    if isinstance(node, IfAny):
        refs = ",".join(render(r) for r in node.refs)
        return f"IF(COUNT({refs})>0,{render(node.then)},{render(node.otherwise)})"
    if isinstance(node, Neg):
        return f"(-{render(node.arg)})"
    return f"({render(node.left)}{node.op}{render(node.right)})"


# --- expressions → formulas ---------------------------------------------------------------

_TRUE = Fn("TRUE", ())
_FALSE = Fn("FALSE", ())
_NA = Fn("NA", ())
_ZERO = Num(Decimal(0))
_ORDER = {"<": "<", "<=": "<=", ">": ">", ">=": ">=", "==": "=", "!=": "<>"}
_DATE_PARTS = {"year": "YEAR", "month": "MONTH", "day": "DAY"}


def _if(test: Formula, then: Formula, otherwise: Formula) -> Formula:
    return Fn("IF", (test, then, otherwise))


def _all(parts: list[Formula], eager: bool) -> Formula:
    """``a and b and …``: ``AND`` when no later part can err, else lazy ``IF``s as Python."""
    if len(parts) == 1:
        return parts[0]
    if eager:
        return Fn("AND", tuple(parts))
    result = parts[-1]
    for part in reversed(parts[:-1]):
        result = _if(part, result, _FALSE)
    return result


def _any(parts: list[Formula], eager: bool) -> Formula:
    if len(parts) == 1:
        return parts[0]
    if eager:
        return Fn("OR", tuple(parts))
    result = parts[-1]
    for part in reversed(parts[:-1]):
        result = _if(part, _TRUE, result)
    return result


def may_fail(node: ex.Expr) -> bool:
    """Whether evaluating ``node`` can raise in the engine (given every input present)."""
    if isinstance(node, ex.Binary):
        if node.op == "/" or (node.op == "**" and _power(node) == 0):
            return True
    elif isinstance(node, ex.Call):
        if node.function in ("round", "date", "days_between", *_DATE_PARTS, "quarter"):
            return True
    elif isinstance(node, ex.Fail):
        return True
    elif isinstance(node, ex.Compare):
        ordered = any(op not in ("==", "!=") for op in node.ops)
        if ordered and node.operands[0].type == ex.ValueType.DATE:
            return True
    return any(may_fail(child) for child in _children(node))


def _children(node: ex.Expr) -> tuple[ex.Expr, ...]:
    if isinstance(node, ex.Unary | ex.Not):
        return (node.operand,)
    if isinstance(node, ex.Binary):
        return (node.left, node.right)
    if isinstance(node, ex.Compare):
        return node.operands
    if isinstance(node, ex.BoolOp):
        return node.values
    if isinstance(node, ex.IfElse):
        return (node.test, node.body, node.orelse)
    if isinstance(node, ex.In):
        return (node.needle,)
    if isinstance(node, ex.Call):
        return node.args
    return ()


def names_read(node: ex.Expr) -> list[str]:
    """The input names ``node`` reads, in order of first appearance."""
    found: dict[str, None] = {}
    stack = [node]
    while stack:
        current = stack.pop()
        if isinstance(current, ex.Name):
            found.setdefault(current.name)
        stack.extend(reversed(_children(current)))
    return list(found)


def _power(node: ex.Binary) -> int:
    assert isinstance(node.right, ex.Const) and isinstance(node.right.value, Decimal)
    return int(node.right.value)


class _Lowering:
    """Builds the formula tree of one expression; ``ref`` names each input's cell."""

    def __init__(self, ref: Callable[[str], str]) -> None:
        self.ref = ref

    def lower(self, node: ex.Expr, strict: bool = False) -> Formula:
        """``strict``: a date is about to be ordered or taken apart, so not done (FALSE) errs."""
        if isinstance(node, ex.Const):
            return self.const(node.value)
        if isinstance(node, ex.Name):
            cell = Cell(self.ref(node.name))
            if strict and node.type == ex.ValueType.DATE:
                return _if(Arith("=", cell, _FALSE), _NA, cell)
            return cell
        if isinstance(node, ex.Unary):
            operand = self.lower(node.operand)
            return Neg(operand) if node.op == "-" else operand
        if isinstance(node, ex.Binary):
            return self.binary(node)
        if isinstance(node, ex.Compare):
            return self.compare(node)
        if isinstance(node, ex.BoolOp):
            parts = [self.lower(v) for v in node.values]
            eager = not any(may_fail(v) for v in node.values[1:])
            return _all(parts, eager) if node.op == "and" else _any(parts, eager)
        if isinstance(node, ex.Not):
            return Fn("NOT", (self.lower(node.operand),))
        if isinstance(node, ex.IfElse):
            test = self.lower(node.test)
            return _if(test, self.lower(node.body, strict), self.lower(node.orelse, strict))
        if isinstance(node, ex.In):
            return self.membership(node)
        if isinstance(node, ex.Call):
            return self.call(node)
        if isinstance(node, ex.Fail):  # no value (outside every band): the engine's error
            return _NA
        raise TypeError(f"unknown expression node {node!r}")  # pragma: no cover

    def const(self, value: ex.Value) -> Formula:
        if isinstance(value, bool):
            return _TRUE if value else _FALSE
        if isinstance(value, Decimal):
            return Num(value)
        if isinstance(value, dt.date):
            if value.year < _FIRST_YEAR:
                return _NA
            return Fn("DATE", tuple(Num(Decimal(p)) for p in (value.year, value.month, value.day)))
        return Text(value)

    def binary(self, node: ex.Binary) -> Formula:
        left = self.lower(node.left)
        if node.op != "**":
            op = {"+": "+", "-": "-", "*": "*", "/": "/"}[node.op]
            return Arith(op, left, self.lower(node.right))
        power = _power(node)
        if power == 0:  # Decimal refuses 0 ** 0; anything else ** 0 is 1
            return _if(Arith("=", left, _ZERO), _NA, Num(Decimal(1)))
        return Arith("^", left, Num(Decimal(power)))

    def pair(self, op: str, a: ex.Expr, b: ex.Expr) -> Formula:
        kind = a.type
        if kind == ex.ValueType.TEXT:
            same = Fn("EXACT", (self.lower(a), self.lower(b)))
            return same if op == "==" else Fn("NOT", (same,))
        strict = op not in ("==", "!=")  # a not-done date equals nothing but itself
        return Arith(_ORDER[op], self.lower(a, strict), self.lower(b, strict))

    def compare(self, node: ex.Compare) -> Formula:
        operands = node.operands
        parts = [
            self.pair(op, a, b) for op, a, b in zip(node.ops, operands, operands[1:], strict=False)
        ]
        later = [may_fail(o) for o in operands[2:]]
        ordered = any(op not in ("==", "!=") for op in node.ops)
        dated = ordered and operands[0].type == ex.ValueType.DATE
        return _all(parts, not any(later) and not dated)

    def membership(self, node: ex.In) -> Formula:
        needle = self.lower(node.needle)
        parts: list[Formula] = []
        for option in node.options:
            value = self.const(option)
            if node.needle.type == ex.ValueType.TEXT:
                parts.append(Fn("EXACT", (needle, value)))
            else:
                parts.append(Arith("=", needle, value))
        if not parts:  # x in (): the engine evaluates x (it may err), then finds nothing
            found: Formula = _if(Fn("ISERROR", (needle,)), needle, _FALSE)
        else:
            found = _any(parts, True)
        return Fn("NOT", (found,)) if node.negated else found

    def call(self, node: ex.Call) -> Formula:
        name = node.function
        if name in ("ratio", "percent"):
            return self.quotient(node)
        if name in ("min", "max", "abs"):
            return Fn(name.upper(), tuple(self.lower(a) for a in node.args))
        if name == "round":
            return self.rounded(node.args[0], node.args[1])
        if name == "clamp":
            x, low, high = (self.lower(a) for a in node.args)
            return Fn("MAX", (low, Fn("MIN", (x, high))))
        if name == "date":
            return self.date(node.args)
        dates = [self.lower(a, strict=True) for a in node.args]
        if name == "days_between":
            return Arith("-", dates[1], dates[0])
        if name == "quarter":
            month = Fn("MONTH", (dates[0],))
            return Fn("INT", (Arith("/", Arith("+", month, Num(Decimal(2))), Num(Decimal(3))),))
        return Fn(_DATE_PARTS[name], (dates[0],))

    def quotient(self, node: ex.Call) -> Formula:
        """``when_zero`` if the divisor is 0, else the quotient; all three arguments are
        evaluated first, as the engine does (one that errs makes the result an error)."""
        a, b, when_zero = (self.lower(x) for x in node.args)
        if node.function == "percent":
            a = Arith("*", a, Num(Decimal(100)))
        result: Formula = _if(Arith("=", b, _ZERO), when_zero, Arith("/", a, b))
        for source, lowered in ((node.args[2], when_zero), (node.args[0], a)):
            if may_fail(source):  # evaluated only on one branch: force it
                result = _if(Fn("ISERROR", (lowered,)), lowered, result)
        return result

    def rounded(self, x_node: ex.Expr, places_node: ex.Expr) -> Formula:
        """Half away from 0; an error where Decimal's quantize fails (beyond 28 digits)."""
        x = self.lower(x_node)
        if isinstance(places_node, ex.Const) and isinstance(places_node.value, Decimal):
            places = int(places_node.value)
            if not -999_999 <= places <= 2_000_054:  # Decimal's exponent limits
                return _if(Fn("ISERROR", (x,)), x, _NA)
            if 28 - places > 308:  # no float reaches 1E28 at this scale
                return Round(x, places)
            limit = Num(Decimal(1).scaleb(_DIGITS - places)) if places <= 336 else None
            too_big = (
                Arith("<>", x, _ZERO) if limit is None else Arith(">=", Fn("ABS", (x,)), limit)
            )
            return _if(too_big, _NA, Round(x, places))
        k = Fn("TRUNC", (self.lower(places_node),))
        out_of_range = Fn(
            "OR", (Arith("<", k, Num(Decimal(-999_999))), Arith(">", k, Num(Decimal(2_000_054))))
        )
        digits = Arith("+", Fn("LOG10", (Fn("ABS", (x,)),)), k)
        fits = _if(Arith(">=", digits, Num(Decimal(_DIGITS))), _NA, Fn("ROUND", (x, k)))
        return _if(
            out_of_range, _if(Fn("ISERROR", (x,)), x, _NA), _if(Arith("=", x, _ZERO), _ZERO, fits)
        )

    def date(self, args: tuple[ex.Expr, ...]) -> Formula:
        """``DATE`` of the truncated parts, an error unless it gives back the same parts
        (Excel rolls 13/2026 over to 1/2027, LibreOffice goes past 9999; the engine
        refuses both)."""
        y, m, d = (Fn("TRUNC", (self.lower(a),)) for a in args)
        made = Fn("DATE", (y, m, d))
        same = Fn(
            "AND",
            (
                Arith(">=", y, Num(Decimal(_FIRST_YEAR))),
                Arith("<=", y, Num(Decimal(9999))),
                Arith("=", Fn("YEAR", (made,)), y),
                Arith("=", Fn("MONTH", (made,)), m),
                Arith("=", Fn("DAY", (made,)), d),
            ),
        )
        return _if(same, made, _NA)


def tree(expr: ex.CompiledExpression | ex.Expr, ref: Callable[[str], str]) -> Formula:
    """The formula tree of ``expr`` (see :func:`formula`)."""
    root = expr.root if isinstance(expr, ex.CompiledExpression) else expr
    body = _Lowering(ref).lower(root)
    names = names_read(root)
    if not names:
        return body
    blank = [Arith("=", Cell(ref(name)), Text("")) for name in names]
    return _if(blank[0] if len(blank) == 1 else Fn("OR", tuple(blank)), Text(""), body)


def formula(expr: ex.CompiledExpression | ex.Expr, ref: Callable[[str], str]) -> str:
    """The Excel formula (no leading ``=``) computing ``expr``; ``ref(name)`` is the cell
    reference holding input ``name`` (e.g. ``$D$12``).

    Raises :class:`FormulaError` when the formula would exceed Excel's 8,192 characters.
    """
    text = render(tree(expr, ref))
    if len(text) > MAX_FORMULA:
        raise FormulaError(
            f"công thức Excel quá dài ({len(text)} ký tự, tối đa {MAX_FORMULA}); "
            "hãy chia biểu thức thành các đầu vào trung gian"
        )
    return text

"""Linear constraints between inputs, and values built to satisfy them.

Criteria sets relate their inputs with constraints such as
``ho_so_truoc_han + ho_so_dung_han + ho_so_qua_han <= ho_so_tiep_nhan`` or a chain of
report dates ``ngay_quy_1 <= ngay_6_thang <= ngay_quy_3 <= ngay_nam``. To build values
*by construction* (not by drawing and throwing away), every constraint is read as linear
rows ``Σ cᵢ·xᵢ + k ≤ 0`` (dates as day numbers), and :class:`Box` keeps an interval per
input that bound propagation narrows each time one input is given a value. Drawing the
inputs one at a time, right-hand sides first, inside their current interval, then gives a
solution of the whole system.

Shapes that are not linear comparisons (``or``, ``!=``, products of two inputs …) raise
:class:`ConstructionError` naming the constraint.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from decimal import ROUND_CEILING, ROUND_FLOOR, Decimal

from parindex.criteria import CriteriaSet, Input, InputType
from parindex.errors import ParindexError
from parindex.expressions import (
    Binary,
    BoolOp,
    Call,
    Compare,
    CompiledExpression,
    Const,
    Expr,
    Name,
    Unary,
    Value,
)

__all__ = ["Box", "ConstructionError", "Row", "Solver", "from_value", "rows_of", "to_value"]

_ZERO = Decimal(0)
_ONE = Decimal(1)

STEPS: Mapping[InputType, Decimal] = {
    InputType.COUNT: _ONE,
    InputType.DATE: _ONE,
    InputType.PERCENT: Decimal("0.01"),
    InputType.AMOUNT: Decimal("0.01"),
    InputType.RATIO: Decimal("0.0001"),
}
"""The grid each numeric input is drawn on (dates: one day)."""

NUMERIC = frozenset(STEPS)


class ConstructionError(ParindexError):
    """Values cannot be built for a set: a constraint of a shape that is not linear, or
    fixed values no solution agrees with."""

    def __init__(self, message: str, message_en: str) -> None:
        self.message = message
        self.message_en = message_en
        super().__init__(f"{message}\n{message_en}")


@dataclass(frozen=True)
class Row:
    """``Σ coeffs[name]·name + const ≤ 0``; ``text`` is the constraint it comes from."""

    coeffs: Mapping[str, Decimal]
    const: Decimal
    text: str


def to_value(kind: InputType, number: Decimal) -> Value:
    """A grid number back to the input's own type (day number → date, count → whole)."""
    if kind == InputType.DATE:
        return dt.date.fromordinal(int(number))
    if kind == InputType.COUNT:
        return Decimal(int(number))
    return number


def from_value(value: Value) -> Decimal | None:
    """An input's value as a number on its grid (dates → day numbers); ``None`` if not numeric."""
    if isinstance(value, (bool, str)):
        return None
    if isinstance(value, dt.date):
        return Decimal(value.toordinal())
    return value


# --- reading constraints ------------------------------------------------------------


_Form = tuple[dict[str, Decimal], Decimal]


class _NotLinear(Exception):
    pass


def _form(expr: Expr, numeric: Mapping[str, Input]) -> _Form:
    if isinstance(expr, Const):
        if isinstance(expr.value, dt.date):
            return {}, Decimal(expr.value.toordinal())
        if isinstance(expr.value, Decimal):
            return {}, expr.value
        raise _NotLinear
    if isinstance(expr, Name):
        if expr.name not in numeric:
            raise _NotLinear
        return {expr.name: _ONE}, _ZERO
    if isinstance(expr, Unary):
        coeffs, const = _form(expr.operand, numeric)
        if expr.op == "-":
            return {k: -v for k, v in coeffs.items()}, -const
        return coeffs, const
    if isinstance(expr, Binary):
        left, right = _form(expr.left, numeric), _form(expr.right, numeric)
        if expr.op in ("+", "-"):
            sign = _ONE if expr.op == "+" else -_ONE
            coeffs = dict(left[0])
            for name, value in right[0].items():
                coeffs[name] = coeffs.get(name, _ZERO) + sign * value
            return {k: v for k, v in coeffs.items() if v}, left[1] + sign * right[1]
        if expr.op == "*" and (not left[0] or not right[0]):
            factor, (coeffs, const) = (left[1], right) if not left[0] else (right[1], left)
            return {k: v * factor for k, v in coeffs.items() if v * factor}, const * factor
        if expr.op == "/" and not right[0] and right[1] != 0:
            return {k: v / right[1] for k, v in left[0].items()}, left[1] / right[1]
    if isinstance(expr, Call) and expr.function == "date":
        raise _NotLinear  # date(y, m, d) of inputs; constant dates are folded by the compiler
    raise _NotLinear


def _step_of(names: Iterable[str], numeric: Mapping[str, Input]) -> Decimal:
    steps = [STEPS[numeric[n].type] for n in names]
    return min(steps, default=_ONE)


def rows_of(
    expression: CompiledExpression, numeric: Mapping[str, Input], text: str | None = None
) -> list[Row]:
    """Linear rows for a yes/no constraint; :class:`ConstructionError` for other shapes."""
    shown = text or expression.text

    def fail() -> ConstructionError:
        return ConstructionError(
            f"không dựng được số liệu thỏa ràng buộc '{shown}': chỉ hỗ trợ so sánh tuyến tính "
            "(a + b <= c, chuỗi a <= b <= c, >=, <, ==, nối bằng and) giữa các đầu vào số hoặc "
            "ngày; hãy truyền giá trị cố định (fixed=…) cho các đầu vào này",
            f"cannot build values for constraint '{shown}': only linear comparisons (a + b <= c, "
            "chains, >=, <, ==, joined by and) between numeric or date inputs are supported; "
            "pass fixed values (fixed=…) for these inputs",
        )

    def visit(expr: Expr) -> list[Row]:
        if isinstance(expr, Const) and expr.value is True:
            return []
        if isinstance(expr, BoolOp) and expr.op == "and":
            return [row for value in expr.values for row in visit(value)]
        if not isinstance(expr, Compare):
            raise fail()
        rows: list[Row] = []
        try:
            forms = [_form(operand, numeric) for operand in expr.operands]
        except _NotLinear:
            raise fail() from None
        for op, (left, lk), (right, rk) in zip(expr.ops, forms, forms[1:], strict=False):
            if op == "!=":
                raise fail()
            names = set(left) | set(right)
            strict = _step_of(names, numeric) if op in ("<", ">") else _ZERO
            diff = dict(left)
            for name, value in right.items():
                diff[name] = diff.get(name, _ZERO) - value
            diff = {k: v for k, v in diff.items() if v}
            const = lk - rk
            if op in ("<=", "<", "=="):
                rows.append(Row(diff, const + strict, shown))
            if op in (">=", ">", "=="):
                rows.append(Row({k: -v for k, v in diff.items()}, -const + strict, shown))
        return rows

    return visit(expression.root)


# --- the box of intervals -----------------------------------------------------------


def _floor(value: Decimal, step: Decimal) -> Decimal:
    return (value / step).to_integral_value(rounding=ROUND_FLOOR) * step


def _ceil(value: Decimal, step: Decimal) -> Decimal:
    return (value / step).to_integral_value(rounding=ROUND_CEILING) * step


@dataclass
class Box:
    """An interval per input (``None``: unbounded), narrowed by propagation over the rows."""

    rows: list[Row]
    steps: dict[str, Decimal]
    lo: dict[str, Decimal | None] = field(default_factory=dict)
    hi: dict[str, Decimal | None] = field(default_factory=dict)

    def copy(self) -> Box:
        return Box(self.rows, self.steps, dict(self.lo), dict(self.hi))

    def fix(self, name: str, value: Decimal) -> bool:
        """Set ``name`` to ``value`` and propagate; ``False`` when no solution is left."""
        lo, hi = self.lo.get(name), self.hi.get(name)
        if (lo is not None and value < lo) or (hi is not None and value > hi):
            return False
        self.lo[name] = self.hi[name] = value
        return self.propagate()

    def propagate(self, rounds: int = 60) -> bool:
        """Narrow every interval until nothing changes; ``False`` when one becomes empty."""
        for _ in range(rounds):
            changed = False
            for row in self.rows:
                low_terms: list[Decimal | None] = []
                for name, coeff in row.coeffs.items():
                    end = self.lo.get(name) if coeff > 0 else self.hi.get(name)
                    low_terms.append(None if end is None else coeff * end)
                unbounded = sum(1 for t in low_terms if t is None)
                known = sum((t for t in low_terms if t is not None), _ZERO)
                for (name, coeff), own in zip(row.coeffs.items(), low_terms, strict=True):
                    if unbounded - (own is None) > 0:
                        continue
                    rest = known - (own if own is not None else _ZERO)
                    bound = (-row.const - rest) / coeff
                    step = self.steps[name]
                    if coeff > 0:
                        new = _floor(bound, step)
                        old = self.hi.get(name)
                        if old is None or new < old:
                            self.hi[name] = new
                            changed = True
                    else:
                        new = _ceil(bound, step)
                        old = self.lo.get(name)
                        if old is None or new > old:
                            self.lo[name] = new
                            changed = True
                    lo, hi = self.lo.get(name), self.hi.get(name)
                    if lo is not None and hi is not None and lo > hi:
                        return False
            if not changed:
                return True
        return True

    def holds(self, values: Mapping[str, Decimal]) -> bool:
        """Every row whose names all have a value holds."""
        for row in self.rows:
            if not row.coeffs.keys() <= values.keys():
                continue
            total = row.const + sum((c * values[n] for n, c in row.coeffs.items()), _ZERO)
            if total > 0:
                return False
        return True


Chooser = Callable[[str, Decimal, Decimal], Decimal]
"""Picks a value for an input on its grid within ``[lo, hi]`` (both finite)."""


@dataclass
class Solver:
    """The numeric and date inputs of a set, their domains, and the constraints as rows."""

    inputs: dict[str, Input]
    rows: list[Row]
    year: int
    scale: Decimal = Decimal(1000)

    @classmethod
    def for_set(
        cls,
        criteria: CriteriaSet,
        names: Iterable[str] | None = None,
        year: int | None = None,
        scale: int = 1000,
        strict: bool = True,
    ) -> Solver:
        """Rows for the constraints of ``criteria`` that only read ``names`` (default: all).

        A constraint of another shape raises :class:`ConstructionError`, or is left out
        when ``strict`` is false (the caller then checks it by evaluation).
        """
        numeric = {i.name: i for i in criteria.inputs if i.type in NUMERIC}
        allowed = set(numeric) if names is None else set(names)
        rows: list[Row] = []
        for (check, _message), spec in zip(
            criteria.compiled.constraints, criteria.constraints, strict=False
        ):
            if names is not None and not check.names <= allowed:
                continue
            try:
                rows += rows_of(check, numeric, spec.rule)
            except ConstructionError:
                if strict:
                    raise
        return cls(numeric, rows, year or criteria.year, Decimal(scale))

    def step(self, name: str) -> Decimal:
        return STEPS[self.inputs[name].type]

    def domain(self, name: str) -> tuple[Decimal | None, Decimal | None]:
        """What the input's type and declared ``min``/``max`` allow (dates: the year ± 1)."""
        spec = self.inputs[name]
        lo: Decimal | None
        hi: Decimal | None
        if spec.type == InputType.DATE:
            return (
                Decimal(dt.date(self.year - 1, 1, 1).toordinal()),
                Decimal(dt.date(self.year + 1, 12, 31).toordinal()),
            )
        lo, hi = {
            InputType.COUNT: (_ZERO, None),
            InputType.PERCENT: (_ZERO, Decimal(100)),
            InputType.RATIO: (_ZERO, _ONE),
            InputType.AMOUNT: (_ZERO, None),
        }[spec.type]
        step = self.step(name)
        if spec.min is not None:
            lo = _ceil(spec.min, step) if lo is None else max(lo, _ceil(spec.min, step))
        if spec.max is not None:
            hi = _floor(spec.max, step) if hi is None else min(hi, _floor(spec.max, step))
        return lo, hi

    def box(self, names: Iterable[str], extra: Iterable[Row] = ()) -> Box:
        """A box over ``names`` with the rows that only read them, propagated."""
        wanted = set(names)
        rows = [r for r in [*self.rows, *extra] if r.coeffs.keys() <= wanted]
        box = Box(rows, {n: self.step(n) for n in wanted})
        for name in wanted:
            box.lo[name], box.hi[name] = self.domain(name)
        return box

    def order(self, names: Iterable[str], first: Iterable[str] = ()) -> list[str]:
        """``first``, then right-hand sides before the left-hand sides they bound."""
        wanted = list(dict.fromkeys(names))
        after: dict[str, set[str]] = {n: set() for n in wanted}
        for row in self.rows:
            bigger = [n for n, c in row.coeffs.items() if c < 0 and n in after]
            for name, coeff in row.coeffs.items():
                if coeff > 0 and name in after:
                    after[name].update(bigger)
        ordered: list[str] = []
        seen: set[str] = set()

        def visit(name: str) -> None:
            if name in seen:
                return
            seen.add(name)
            for other in sorted(after[name]):
                visit(other)
            ordered.append(name)

        for name in [*first, *wanted]:
            if name in after:
                visit(name)
        return ordered

    def solve(
        self,
        names: Iterable[str],
        choose: Chooser,
        fixed: Mapping[str, Decimal] | None = None,
        extra: Iterable[Row] = (),
        first: Iterable[str] = (),
        context: Iterable[str] = (),
    ) -> dict[str, Decimal] | None:
        """Values for ``names`` on their grids satisfying every row; ``None`` if stuck.

        ``fixed`` values are set first; the rest are chosen one by one (``first`` ones
        before the others) within the interval propagation leaves them. Names in
        ``context`` take part in the constraints (the values must leave them a value)
        but get none.
        """
        names = list(names)
        box = self.box([*names, *(c for c in context if c not in names)], extra)
        if not box.propagate():
            return None
        for name, value in (fixed or {}).items():
            if name in box.steps and not box.fix(name, value):
                return None
        result = {n: v for n, v in (fixed or {}).items() if n in box.steps}
        for name in self.order(names, first):
            if name in result:
                continue
            lo, hi = box.lo[name], box.hi[name]
            step = box.steps[name]
            if lo is None:
                lo = (hi - self.scale) if hi is not None else _ZERO
            if hi is None:
                hi = max(lo, _ZERO) + _floor(self.scale, step)
            value = choose(name, lo, hi)
            if not box.fix(name, value):
                return None
            result[name] = value
        return result

"""The vector backend: compiled expressions over whole columns, a bound on every float error.

The batch path (:mod:`parindex.batch`) evaluates each compiled expression once for
all units, in float64 with numpy. The single-unit engine is exact (Decimal), so
every number here carries an error bound ``e``: the most the float can differ from
the value the engine computes. A decision the float cannot settle — a comparison
within its bound of a tie, a division by a number that may be 0, a rounding within
its bound of a half — marks the row *unsure*, and the batch path hands that row to
the engine's own scorer. Integers below 2**52 are exact in both worlds, so counts,
dates and most percentages never need the fallback.

Floats reach less far than the engine's decimals (10**308 against 10**999999, 10**-308
against 10**-1000026), so a row where a step overflows, underflows or leaves the
floats' exact range (``round(x, 999999999999999)``) is unsure too: the engine then
computes it, or reports the error it raises. Nothing here raises on a value.

Only the allow-listed tree of :mod:`parindex.expressions` is evaluated here; no text.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import TypeVar

import numpy as np
import numpy.typing as npt

from parindex.expressions import (
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
    Not,
    Unary,
    Value,
)

__all__ = [
    "Bools",
    "Dates",
    "Evaluator",
    "Numbers",
    "Texts",
    "Vector",
    "is_choice",
    "number_error",
]

Floats = npt.NDArray[np.float64]
Ints = npt.NDArray[np.int64]
Mask = npt.NDArray[np.bool_]
T = TypeVar("T")

REL = 2.0**-52
"""Relative error added by one float operation (2u) — far above Decimal's 28 digits."""
_EXACT_LIMIT = 2.0**52
_TINY = 2.0**-1000  # below this, a float's relative error bound no longer holds
_PLACES = 15  # round(x, k) in floats for |k| up to this; the engine decides beyond
_EPOCH = np.datetime64("0001-01-01", "D")


@dataclass(frozen=True)
class Numbers:
    """Floats and, per row, a bound on their distance from the engine's Decimal value."""

    x: Floats
    e: Floats


@dataclass(frozen=True)
class _Whole(Numbers):
    """Numbers every row of which is a whole number below 2**52, with the evaluator's
    shared zero bound (exact in both worlds): sums, differences and products whose results
    stay below 2**52 are exact too and need none of :meth:`Evaluator.arithmetic`'s tests."""


@dataclass(frozen=True)
class Bools:
    b: Mask


@dataclass(frozen=True)
class Dates:
    """Proleptic ordinals (``date.toordinal``) as floats; NaN is a date given as not done."""

    d: Floats


@dataclass(frozen=True)
class Texts:
    s: npt.NDArray[np.object_]


Vector = Numbers | Bools | Dates | Texts


def is_choice(expr: Expr, keep: Callable[[Decimal], bool]) -> bool:
    """``expr`` picks one of constant numbers by tests (``a if t else b``, nested in either
    branch), each constant one that ``keep`` takes: :meth:`Evaluator.choose` evaluates it."""
    if isinstance(expr, Const):
        value = expr.value
        return isinstance(value, Decimal) and value.is_finite() and keep(value)
    return isinstance(expr, IfElse) and is_choice(expr.body, keep) and is_choice(expr.orelse, keep)


def _integral(x: Floats) -> Mask:
    with np.errstate(invalid="ignore"):
        return np.asarray((np.floor(x) == x) & (np.abs(x) < _EXACT_LIMIT), dtype=bool)


def _on_grid(x: Floats, bits: int) -> Mask:
    """Multiples of ``2**-bits`` small enough that sums stay exact in float and in Decimal."""
    return _integral(x * 2.0**bits) & (np.abs(x) < 2.0 ** (36 - bits))


def _dyadic_quotient(a: Floats, b: Floats) -> Mask:
    """Integer quotients ``a ÷ b`` whose reduced denominator is a power of two ≤ 2**16.

    Such a quotient (3/4, 5/8) is exact in float and has few decimal digits, so the
    engine's Decimal division is exact too. With ``b = 2**β·odd``, the reduced denominator
    ``b / gcd(a, b)`` is a power of two exactly when ``odd`` divides ``a``, and it is then
    ``2**(β − τ)`` (``2**τ`` the largest power of two dividing ``a``; 1 when ``a`` is 0).
    """
    with np.errstate(invalid="ignore"):  # whole numbers below 2**31 (so below 2**52), b not 0
        small = (np.floor(a) == a) & (np.abs(a) < 2.0**31) & (np.floor(b) == b)
        small &= (np.abs(b) < 2.0**31) & (b != 0)
    top = np.where(small, np.abs(a), 0).astype(np.int64)
    bottom = np.where(small, np.abs(b), 1).astype(np.int64)  # never 0
    low_bottom = bottom & -bottom  # 2**β
    low_top = top & -top  # 2**τ, 0 when top is 0
    divides = top % (bottom // low_bottom) == 0
    near = (top == 0) | (low_bottom <= low_top << 16)  # β − τ ≤ 16
    return np.asarray(small & divides & near, dtype=bool)


def _sums_exactly(a: Floats, b: Floats) -> Mask:
    return _on_grid(a, 16) & _on_grid(b, 16)


def _multiplies_exactly(a: Floats, b: Floats, x: Floats) -> Mask:
    whole = _integral(a) & _integral(b) & _integral(x)
    return whole | (_on_grid(a, 8) & _on_grid(b, 8) & (np.abs(x) < 2.0**36))


def _tiny(x: Floats, *factors: Floats) -> Mask | None:
    """Rows where ``x`` is below 2**-1000 though no factor is 0 (``None``: no such row)."""
    tiny = np.abs(x) < _TINY
    if not tiny.any():
        return None
    for factor in factors:
        tiny &= factor != 0
    return tiny


def number_error(x: Floats) -> Floats:
    """The error bound of floats read from decimals: 0 for integers, else 2u relative."""
    return np.where(_integral(x), 0.0, np.abs(x) * REL)


def _bound(result: Floats, propagated: Floats, exact: Mask) -> Floats:
    return np.where(exact, 0.0, propagated + np.abs(result) * REL)


class Evaluator:
    """Evaluates expressions over ``n`` rows; ``unsure`` collects rows to re-check exactly.

    ``unsure`` is conservative: a doubtful step in a branch a row does not take still
    marks the row (the engine then settles it).
    """

    def __init__(self, n: int, columns: Mapping[str, Vector]) -> None:
        self.n = n
        self.columns = columns
        self.unsure: Mask = np.zeros(n, dtype=bool)
        self._consts: dict[tuple[type, Value], Vector] = {}
        self._memo: dict[int, tuple[Expr, Vector, Mask]] = {}
        self._depth = 0
        self.exact = np.zeros(n)  # the bound of exact values, shared: never written to
        self.exact.flags.writeable = False
        self.everywhere = np.ones(n, dtype=bool)  # likewise
        self.everywhere.flags.writeable = False
        self._exact_names: dict[str, Vector] = {}
        self._repeats: dict[int, tuple[Expr, frozenset[int]]] = {}
        self._repeated: frozenset[int] = frozenset()

    def reset(self) -> None:
        self.unsure = np.zeros(self.n, dtype=bool)
        self._memo.clear()

    def flag(self, rows: Mask) -> None:
        self.unsure |= rows

    # --- entry points -------------------------------------------------------------

    def evaluate(self, expr: Expr) -> Vector:
        return self._at_root(expr, self._eval)

    def _at_root(self, expr: Expr, run: Callable[[Expr], T]) -> T:
        """``run(expr)``, ``expr`` being the root whose repeated parts are computed once."""
        if not self._depth:
            known = self._repeats.get(id(expr))
            if known is None:
                known = self._repeats[id(expr)] = (expr, _repeated(expr))  # expr kept: id stays
            self._repeated = known[1]
        self._depth += 1
        try:
            with np.errstate(all="ignore"):
                return run(expr)
        finally:
            self._depth -= 1

    def choose(self, expr: Expr, value: Callable[[Decimal], int]) -> Ints:
        """A :func:`is_choice` expression's constant in each row, as ``value`` of it (the
        caller's exact integers): no float and no rounding between the constant and the
        row. The tests are evaluated as :meth:`_ifelse` evaluates them, and each branch's
        doubts count only in the rows that take it, as there."""
        picked = self._at_root(expr, lambda root: self._pick(root, value))
        return np.asarray(np.broadcast_to(picked, self.n), dtype=np.int64)

    def _pick(self, expr: Expr, value: Callable[[Decimal], int]) -> Ints | int:
        if isinstance(expr, Const):
            assert isinstance(expr.value, Decimal)
            return value(expr.value)
        assert isinstance(expr, IfElse)
        test = self._truth(self._eval(expr.test))
        body, body_unsure = self._pick_apart(expr.body, value)
        orelse, orelse_unsure = self._pick_apart(expr.orelse, value)
        self._in_branches(test, body_unsure, orelse_unsure)
        return np.where(test, body, orelse)

    def _pick_apart(
        self, expr: Expr, value: Callable[[Decimal], int]
    ) -> tuple[Ints | int, Mask | None]:
        """:meth:`_pick` with the doubts of ``expr``'s own tests kept apart (``None``: a constant)."""
        if isinstance(expr, Const):
            return self._pick(expr, value), None
        saved = self.unsure
        self.unsure = np.zeros(self.n, dtype=bool)
        try:
            return self._pick(expr, value), self.unsure
        finally:
            self.unsure = saved

    def numbers(self, expr: Expr) -> Numbers:
        value = self.evaluate(expr)
        if isinstance(value, Numbers):
            return value
        if isinstance(value, Bools):  # a bool used as a number (True = 1), as Decimal does
            return _Whole(value.b.astype(np.float64), self.exact)
        self.flag(np.ones(self.n, dtype=bool))
        return Numbers(np.zeros(self.n), np.zeros(self.n))

    def truth(self, expr: Expr) -> Mask:
        return self._truth(self.evaluate(expr))

    # --- helpers ------------------------------------------------------------------

    def _truth(self, value: Vector) -> Mask:
        if isinstance(value, Bools):
            return value.b
        if isinstance(value, Numbers):
            self.flag((np.abs(value.x) <= value.e) & (value.e > 0))
            return np.asarray(value.x != 0, dtype=bool)
        if isinstance(value, Dates):
            return np.ones(self.n, dtype=bool) & ~np.isnan(value.d)
        return np.array([bool(s) for s in value.s], dtype=bool)

    def _const(self, value: Value) -> Vector:
        """A constant as a column, made once per evaluator (results are never written to)."""
        if isinstance(value, Decimal) and not value.is_finite():  # pragma: no cover - refused
            return self._make_const(value)  # by the compiler; a NaN is no key
        key = (type(value), value)
        made = self._consts.get(key)
        if made is None:
            made = self._consts[key] = self._make_const(value)
        return made

    def _make_const(self, value: Value) -> Vector:
        n = self.n
        if isinstance(value, bool):
            return Bools(np.full(n, value))
        if isinstance(value, Decimal):
            x = float(value)
            exact = Decimal(x) == value
            if not exact:
                return Numbers(np.full(n, x), np.full(n, abs(x) * REL))
            whole = x == math.floor(x) and abs(x) < _EXACT_LIMIT
            return (_Whole if whole else Numbers)(np.full(n, x), self.exact)
        if isinstance(value, dt.date):
            return Dates(np.full(n, float(value.toordinal())))
        texts = np.empty(n, dtype=object)
        texts[:] = value
        return Texts(texts)

    def _eval(self, node: Expr) -> Vector:
        handler = _HANDLERS.get(type(node))
        if handler is None:  # pragma: no cover - the compiler only builds known nodes
            raise TypeError(f"unknown expression node {node!r}")
        if id(node) not in self._repeated:
            return handler(self, node)
        # A call or operation met again in the same expression (a band rule's value, tested
        # against each band) is not computed again: its value, and the rows it flagged.
        known = self._memo.get(id(node))
        if known is None:
            saved = self.unsure
            self.unsure = np.zeros(self.n, dtype=bool)
            try:
                value = handler(self, node)
                known = self._memo[id(node)] = (node, value, self.unsure)  # node kept: id stays its
            finally:
                self.unsure = saved
        self.unsure |= known[2]
        return known[1]

    def _name(self, node: Expr) -> Vector:
        """A column; a column of numbers without error has the shared :attr:`exact` bound."""
        assert isinstance(node, Name)
        column = self.columns[node.name]
        if not isinstance(column, Numbers) or column.e is self.exact:
            return column
        known = self._exact_names.get(node.name)
        if known is None:
            exact = not column.e.any()
            known = self._exact_names[node.name] = (
                (_Whole if _integral(column.x).all() else Numbers)(column.x, self.exact)
                if exact
                else column
            )
        return known

    def _unary(self, node: Expr) -> Vector:
        assert isinstance(node, Unary)
        a = self.numbers(node.operand)
        return type(a)(-a.x if node.op == "-" else a.x, a.e)

    def checked(self, result: Numbers, tiny: Mask | None = None) -> Numbers:
        """Flag rows whose float left the range where its bound holds: a value or bound
        that overflowed (``x + e`` not finite), or ``tiny``: a product, quotient or power
        of non-zero numbers below 2**-1000, where floats lose digits or reach 0."""
        wrong = ~np.isfinite(result.x + result.e)
        self.flag(wrong if tiny is None else wrong | tiny)
        return result

    def known(self, rows: Mask, test: Callable[..., Mask], *columns: Floats) -> Mask:
        """``rows & test(*columns)`` for a ``test`` made row by row, made only on ``rows``
        (the rows where both sides are exact: all, or often few)."""
        if rows is self.everywhere:
            return test(*columns)
        at = np.flatnonzero(rows)
        found = np.zeros(self.n, dtype=bool)
        if at.size:
            found[at] = test(*(column[at] for column in columns))
        return found

    def arithmetic(self, op: str, a: Numbers, b: Numbers) -> Numbers:
        """``a op b`` and its bound. A bound that is :attr:`exact` (the shared zeros) adds
        nothing (terms that are 0 are left out: where a value is not finite, the result is
        not either, and :meth:`checked` flags the row all the same); the tests that a result
        is exact are made only where both sides are."""
        both_whole = isinstance(a, _Whole) and isinstance(b, _Whole)
        if both_whole and op in _WHOLE:  # integers: exact while below 2**52
            x = _WHOLE[op](a.x, b.x)
            if bool((np.abs(x) < _EXACT_LIMIT).all()):
                return _Whole(x, self.exact)
        exact_a, exact_b = a.e is self.exact, b.e is self.exact
        if exact_a or exact_b:
            known = self.everywhere if exact_a and exact_b else (b.e if exact_a else a.e) == 0
        else:
            known = (a.e == 0) & (b.e == 0)
        some = known is self.everywhere or bool(known.any())
        if op in ("+", "-"):
            x = a.x + b.x if op == "+" else a.x - b.x
            exact = self.known(known, _sums_exactly, a.x, b.x) if some else known
            propagated = b.e if exact_a else a.e if exact_b else a.e + b.e
            return self.checked(Numbers(x, _bound(x, propagated, exact)))
        if op == "*":
            x = a.x * b.x
            if exact_a or exact_b:
                e = np.abs(b.x) * a.e if exact_b else np.abs(a.x) * b.e
            else:
                e = np.abs(a.x) * b.e + np.abs(b.x) * a.e + a.e * b.e
            if some:
                known = self.known(known, _multiplies_exactly, a.x, b.x, x)
            return self.checked(Numbers(x, _bound(x, e, known)), _tiny(x, a.x, b.x))
        if op == "/":
            self.flag(np.abs(b.x) <= b.e)  # may divide by 0: the engine raises
            safe = np.where(b.x == 0, 1.0, b.x)
            x = a.x / safe
            margin = np.abs(safe) - b.e
            e = np.where(margin > 0, (a.e + np.abs(x) * b.e) / np.where(margin > 0, margin, 1), 0)
            if some:  # when both are whole, safe is too (1 where b is 0)
                known = self.known(known, _dyadic_quotient, a.x, safe)  # whole a and b only
            return self.checked(Numbers(x, _bound(x, e, known)), _tiny(x, a.x))
        raise ValueError(op)  # pragma: no cover

    def _binary(self, node: Expr) -> Vector:
        assert isinstance(node, Binary)
        a, b = self.numbers(node.left), self.numbers(node.right)
        if node.op != "**":
            return self.arithmetic(node.op, a, b)
        if not isinstance(node.right, Const):  # the compiler only allows constant powers
            self.flag(np.ones(self.n, dtype=bool))
            return Numbers(np.zeros(self.n), np.zeros(self.n))
        k = int(b.x[0]) if self.n else 0
        if k == 0:
            self.flag(np.abs(a.x) <= a.e)  # Decimal refuses 0 ** 0
            return Numbers(np.ones(self.n), np.zeros(self.n))
        x = a.x**k
        e = (np.abs(a.x) + a.e) ** k - np.abs(a.x) ** k
        exact = (a.e == 0) & _integral(a.x) & _integral(x)
        return self.checked(Numbers(x, _bound(x, e, exact)), (np.abs(x) < _TINY) & (a.x != 0))

    def _compare_pair(self, op: str, a: Vector, b: Vector) -> Mask:
        if isinstance(a, Numbers) and isinstance(b, Numbers):
            if not (isinstance(a, _Whole) and isinstance(b, _Whole)):  # never NaN
                self.flag(np.isnan(a.x) | np.isnan(b.x))  # no value (Fail): the engine reports it
            if a.e is not self.exact or b.e is not self.exact:  # else no tolerance to doubt in
                tolerance = a.e + b.e
                self.flag((np.abs(a.x - b.x) <= tolerance) & (tolerance > 0))
            left, right = a.x, b.x
        elif isinstance(a, Dates) and isinstance(b, Dates):
            self.flag(np.isnan(a.d) | np.isnan(b.d))  # a not-done date: the engine decides
            left, right = np.nan_to_num(a.d), np.nan_to_num(b.d)
        elif isinstance(a, Bools) and isinstance(b, Bools):
            left, right = a.b, b.b  # type: ignore[assignment]
        elif isinstance(a, Texts) and isinstance(b, Texts):
            left, right = a.s, b.s  # type: ignore[assignment]
        else:
            # Mixed types (a date given as not done against a number …): let the engine decide.
            self.flag(np.ones(self.n, dtype=bool))
            return np.zeros(self.n, dtype=bool)
        return np.asarray(_COMPARE[op](left, right), dtype=bool)

    def _compare(self, node: Expr) -> Vector:
        assert isinstance(node, Compare)
        result = np.ones(self.n, dtype=bool)
        left = self._eval(node.operands[0])
        for op, term in zip(node.ops, node.operands[1:], strict=True):
            right = self._eval(term)
            result &= self._compare_pair(op, left, right)
            left = right
        return Bools(result)

    def _apart(self, expr: Expr, truth: bool = False) -> tuple[Vector, Mask | None]:
        """``expr`` evaluated with its own unsure rows kept apart (for the branch they are in);
        ``None``: a constant or a column, which never doubts."""
        if not truth and isinstance(expr, Const | Name):
            return self._eval(expr), None
        saved = self.unsure
        self.unsure = np.zeros(self.n, dtype=bool)
        try:
            value = self._eval(expr)
            if truth:
                value = Bools(self._truth(value))
            return value, self.unsure
        finally:
            self.unsure = saved

    def _boolop(self, node: Expr) -> Vector:
        """``and``/``or`` as the engine's ``all``/``any``: an operand after one that settles
        the row surely is never evaluated there, so its doubts do not count for that row."""
        assert isinstance(node, BoolOp)
        stop_on = node.op != "and"  # and: stops at a false operand; or: at a true one
        settled = np.zeros(self.n, dtype=bool)
        combined = np.full(self.n, not stop_on)
        for value in node.values:
            truth, unsure = self._apart(value, truth=True)
            assert isinstance(truth, Bools) and unsure is not None
            self.flag(unsure & ~settled)
            combined = (combined | truth.b) if stop_on else (combined & truth.b)
            settled |= ~unsure & (truth.b == stop_on)
        return Bools(np.asarray(combined, dtype=bool))

    def _not(self, node: Expr) -> Vector:
        assert isinstance(node, Not)
        return Bools(~self._truth(self._eval(node.operand)))

    def _in_branches(self, test: Mask, body: Mask | None, orelse: Mask | None) -> None:
        """Flag each branch's doubts (``None``: none) only in the rows that take it."""
        if body is not None or orelse is not None:
            self.flag(
                np.where(test, False if body is None else body, False if orelse is None else orelse)
            )

    def _ifelse(self, node: Expr) -> Vector:
        """Each row takes one branch, as in the engine: only that branch's doubts count."""
        assert isinstance(node, IfElse)
        test = self._truth(self._eval(node.test))
        body, body_unsure = self._apart(node.body)
        orelse, orelse_unsure = self._apart(node.orelse)
        self._in_branches(test, body_unsure, orelse_unsure)
        return _where(test, body, orelse, self)

    def _in(self, node: Expr) -> Vector:
        assert isinstance(node, In)
        needle = self._eval(node.needle)
        found = np.zeros(self.n, dtype=bool)
        for option in node.options:
            if isinstance(needle, Dates) and option is False:  # a date given as not done
                found |= np.isnan(needle.d)
                continue
            found |= self._compare_pair("==", needle, self._const(option))
        return Bools(~found if node.negated else found)

    def _fail(self, node: Expr) -> Vector:
        """No value: NaN, which the caller leaves to the exact engine (it reports the error)."""
        return Numbers(np.full(self.n, np.nan), np.zeros(self.n))

    def _call(self, node: Expr) -> Vector:
        assert isinstance(node, Call)
        return _FUNCTIONS[node.function](self, node.args)

    # --- functions ----------------------------------------------------------------

    def quotient(self, a: Numbers, b: Numbers, when_zero: Numbers) -> Numbers:
        """``when_zero`` if ``b`` is 0, else ``a ÷ b`` (ratio, percent)."""
        if b.e is not self.exact:  # else b is surely 0 or surely not
            self.flag((np.abs(b.x) <= b.e) & (b.e > 0))
        zero = b.x == 0
        safe = Numbers(np.where(zero, 1.0, b.x), b.e)
        divided = self.arithmetic("/", a, safe)
        return Numbers(
            np.where(zero, when_zero.x, divided.x), np.where(zero, when_zero.e, divided.e)
        )

    def rounded(self, x: Numbers, places: int) -> Numbers:
        """Half up (away from 0) to ``places`` decimals, as ``Decimal.quantize`` does."""
        steps, unsure = round_half_up(x, places)
        self.flag(unsure)
        value = steps / 10.0**places
        return Numbers(value, np.where(_integral(value), 0.0, np.abs(value) * REL))

    def day_parts(self, args: tuple[Expr, ...]) -> npt.NDArray[np.datetime64]:
        dates = self.evaluate(args[0])
        assert isinstance(dates, Dates)
        self.flag(np.isnan(dates.d))
        days = np.nan_to_num(dates.d, nan=1.0).astype(np.int64) - 1
        return _EPOCH + days.astype("timedelta64[D]")


def round_half_up(x: Numbers, places: int) -> tuple[npt.NDArray[np.float64], Mask]:
    """Whole steps of ``10**-places`` (floats holding integers) and rows too close to call.

    A row within its error bound of a half is settled exactly when its float is the
    engine's value (``e == 0``); otherwise it is returned as unsure.
    """
    scaled = x.x * 10.0**places
    if not x.e.any() and _integral(scaled).all():  # exact whole steps already (points as given)
        return scaled, np.zeros(len(scaled), dtype=bool)
    magnitude = np.abs(scaled)
    finite = np.isfinite(scaled)
    unsure = ~finite | (magnitude >= _EXACT_LIMIT)
    steps = np.sign(scaled) * np.floor(magnitude + 0.5)
    if not finite.all():
        steps = np.nan_to_num(steps)
    error = x.e * 10.0**places + magnitude * REL
    near = np.abs(magnitude - np.floor(magnitude) - 0.5) <= error
    rows = np.flatnonzero(near & ~unsure)
    if not rows.size:
        return steps, unsure
    exact = x.e[rows] == 0
    unsure[rows[~exact]] = True
    rows = rows[exact]
    whole = scaled[rows]
    rows = rows[np.floor(whole) != whole]  # an exact whole step (|whole| < 2**52) stays
    # the float is exact: round its exact decimal value, once per distinct value
    distinct, back = np.unique(x.x[rows], return_inverse=True)
    step = Decimal(1).scaleb(-places)
    rounded = [
        float(Decimal(float(v)).quantize(step, rounding=ROUND_HALF_UP).scaleb(places))
        for v in distinct
    ]
    steps[rows] = np.array(rounded, dtype=np.float64)[back.reshape(-1)]
    return steps, unsure


def _where(test: Mask, body: Vector, orelse: Vector, evaluator: Evaluator) -> Vector:
    if isinstance(body, Numbers) and isinstance(orelse, Numbers):
        e = body.e if body.e is orelse.e else np.where(test, body.e, orelse.e)  # both exact
        return Numbers(np.where(test, body.x, orelse.x), e)
    if isinstance(body, Bools) and isinstance(orelse, Bools):
        return Bools(np.where(test, body.b, orelse.b))
    if isinstance(body, Dates) and isinstance(orelse, Dates):
        return Dates(np.where(test, body.d, orelse.d))
    if isinstance(body, Texts) and isinstance(orelse, Texts):
        return Texts(np.where(test, body.s, orelse.s))
    evaluator.flag(np.ones(evaluator.n, dtype=bool))  # pragma: no cover - typed by the compiler
    return body  # pragma: no cover


def _extreme(pick: Callable[..., Floats]) -> Callable[[Evaluator, tuple[Expr, ...]], Vector]:
    def function(ev: Evaluator, args: tuple[Expr, ...]) -> Vector:
        values = [ev.numbers(a) for a in args]
        x = pick.reduce([v.x for v in values])  # type: ignore[attr-defined]
        e = np.maximum.reduce([v.e for v in values])
        return Numbers(np.asarray(x, dtype=np.float64), np.asarray(e, dtype=np.float64))

    return function


def _ratio(scale: float) -> Callable[[Evaluator, tuple[Expr, ...]], Vector]:
    def function(ev: Evaluator, args: tuple[Expr, ...]) -> Vector:
        a, b, when_zero = (ev.numbers(x) for x in args)
        if scale != 1:
            factor = ev._const(Decimal(int(scale)))
            assert isinstance(factor, Numbers)
            a = ev.arithmetic("*", a, factor)
        return ev.quotient(a, b, when_zero)

    return function


def _round(ev: Evaluator, args: tuple[Expr, ...]) -> Vector:
    x = ev.numbers(args[0])
    if not isinstance(args[1], Const) or not isinstance(args[1].value, Decimal):
        ev.flag(np.ones(ev.n, dtype=bool))
        return x
    places = int(args[1].value)
    if abs(places) > _PLACES:  # beyond floats' reach (and maybe the engine's): exactly
        ev.flag(np.ones(ev.n, dtype=bool))
        return x
    return ev.rounded(x, places)


def _clamp(ev: Evaluator, args: tuple[Expr, ...]) -> Vector:
    x, low, high = (ev.numbers(a) for a in args)
    value = np.maximum(low.x, np.minimum(x.x, high.x))
    return Numbers(value, np.maximum.reduce([x.e, low.e, high.e]))


def _abs(ev: Evaluator, args: tuple[Expr, ...]) -> Vector:
    x = ev.numbers(args[0])
    return Numbers(np.abs(x.x), x.e)


def _date(ev: Evaluator, args: tuple[Expr, ...]) -> Vector:
    parts = [ev.numbers(a) for a in args]
    ordinals = np.zeros(ev.n)
    bad = np.zeros(ev.n, dtype=bool)
    for part in parts:
        bad |= (part.e > 0) | ~_integral(part.x)
    cache: dict[tuple[float, ...], float] = {}
    for row in range(ev.n):
        if bad[row]:
            continue
        key = (parts[0].x[row], parts[1].x[row], parts[2].x[row])
        if key not in cache:
            try:
                cache[key] = float(dt.date(*(int(k) for k in key)).toordinal())
            except (ValueError, OverflowError):
                cache[key] = np.nan
        ordinals[row] = cache[key]
        bad[row] = np.isnan(cache[key])
    ev.flag(bad)  # invalid dates raise in the engine
    return Dates(np.where(bad, 1.0, ordinals))


def _days_between(ev: Evaluator, args: tuple[Expr, ...]) -> Vector:
    a, b = ev.evaluate(args[0]), ev.evaluate(args[1])
    assert isinstance(a, Dates) and isinstance(b, Dates)
    ev.flag(np.isnan(a.d) | np.isnan(b.d))
    return Numbers(np.nan_to_num(b.d - a.d), np.zeros(ev.n))


def _part(extract: Callable[[npt.NDArray[np.datetime64]], Floats]) -> Callable[..., Vector]:
    def function(ev: Evaluator, args: tuple[Expr, ...]) -> Vector:
        return Numbers(extract(ev.day_parts(args)).astype(np.float64), np.zeros(ev.n))

    return function


def _year(days: npt.NDArray[np.datetime64]) -> Floats:
    return (days.astype("datetime64[Y]").astype(np.int64) + 1970).astype(np.float64)


def _month(days: npt.NDArray[np.datetime64]) -> Floats:
    return (days.astype("datetime64[M]").astype(np.int64) % 12 + 1).astype(np.float64)


def _day(days: npt.NDArray[np.datetime64]) -> Floats:
    offset = (days - days.astype("datetime64[M]")).astype(np.int64)
    return np.asarray(offset + 1, dtype=np.float64)


_FUNCTIONS: dict[str, Callable[[Evaluator, tuple[Expr, ...]], Vector]] = {
    "ratio": _ratio(1.0),
    "percent": _ratio(100.0),
    "min": _extreme(np.minimum),
    "max": _extreme(np.maximum),
    "abs": _abs,
    "round": _round,
    "clamp": _clamp,
    "date": _date,
    "days_between": _days_between,
    "year": _part(_year),
    "month": _part(_month),
    "day": _part(_day),
    "quarter": _part(lambda d: (_month(d) - 1) // 3 + 1),
}

_HANDLERS: dict[type, Callable[[Evaluator, Expr], Vector]] = {
    Const: lambda ev, node: ev._const(node.value),  # type: ignore[attr-defined]
    Name: Evaluator._name,
    Unary: Evaluator._unary,
    Binary: Evaluator._binary,
    Compare: Evaluator._compare,
    BoolOp: Evaluator._boolop,
    Not: Evaluator._not,
    IfElse: Evaluator._ifelse,
    In: Evaluator._in,
    Call: Evaluator._call,
    Fail: Evaluator._fail,
}


def _repeated(root: Expr) -> frozenset[int]:
    """Ids of the calls and operations met more than once in ``root`` (one object, shared)."""
    seen: set[int] = set()
    again: set[int] = set()
    stack = [root]
    while stack:
        node = stack.pop()
        if isinstance(node, Binary | Call):
            (again if id(node) in seen else seen).add(id(node))
        for child in _parts(node):
            stack.append(child)
    return frozenset(again)


def _parts(node: Expr) -> tuple[Expr, ...]:
    if isinstance(node, Unary | Not):
        return (node.operand,)
    if isinstance(node, Binary):
        return node.left, node.right
    if isinstance(node, Compare):
        return node.operands
    if isinstance(node, BoolOp):
        return node.values
    if isinstance(node, IfElse):
        return node.test, node.body, node.orelse
    if isinstance(node, In):
        return (node.needle,)
    if isinstance(node, Call):
        return node.args
    return ()


_WHOLE: dict[str, Callable[[Floats, Floats], Floats]] = {
    "+": np.add,
    "-": np.subtract,
    "*": np.multiply,
}
"""Operations on whole numbers whose result is exact while it stays below 2**52."""

_COMPARE: dict[str, Callable[[object, object], object]] = {
    "<": lambda a, b: a < b,  # type: ignore[operator]
    "<=": lambda a, b: a <= b,  # type: ignore[operator]
    ">": lambda a, b: a > b,  # type: ignore[operator]
    ">=": lambda a, b: a >= b,  # type: ignore[operator]
    "==": lambda a, b: a == b,
    "!=": lambda a, b: a != b,
}

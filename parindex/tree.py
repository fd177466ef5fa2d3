"""The tree: how parents combine their children, the index and the class — written once.

A parent's points, maximum and undetermined points follow its ``aggregation``
(``sum``, ``capped_sum``, ``max``) over the children that apply; bonus and penalty
children add or take points but not maximum; an undetermined penalty could only
lower the parent. The same rules serve one unit (exact decimals, the engine) and
many units at once (integer columns, the batch path): :func:`aggregate` and
:func:`provisional_points` are written over an :class:`Algebra`, with
:data:`DECIMALS` for one unit and :func:`columns` for many.

>>> parts = [Part(True, True, Decimal(1), Decimal(2), Decimal(0)),
...          Part(True, False, Decimal(0), Decimal(1), Decimal(0))]
>>> aggregate(Aggregation.SUM, parts, Decimal(3), DECIMALS).undetermined
Decimal('1')
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from decimal import Decimal
from typing import TYPE_CHECKING, Any, Generic, NamedTuple, Protocol, TypeVar

from parindex.criteria import Aggregation
from parindex.numbers import quantize

if TYPE_CHECKING:
    from parindex.compiler import CompiledSet

__all__ = [
    "DECIMALS",
    "Aggregate",
    "Algebra",
    "Part",
    "aggregate",
    "aggregate_decimals",
    "band",
    "classify",
    "columns",
    "index",
    "provisional_points",
]

T = TypeVar("T")
M = TypeVar("M")
_ZERO = Decimal(0)
_HUNDRED = Decimal(100)
_HUNDREDTH = Decimal("0.01")


class Algebra(Protocol[T, M]):
    """Points (``T``: a decimal, or a column of scaled integers) and truths (``M``)."""

    def constant(self, value: int) -> T: ...
    def where(self, test: M, body: T, orelse: T) -> T: ...
    def both(self, a: M, b: M) -> M: ...
    def either(self, masks: Sequence[M]) -> M: ...
    def subtract(self, a: T, b: T) -> T: ...
    def total(self, values: Sequence[T]) -> T: ...
    def total_where(self, tests: Sequence[M], values: Sequence[T]) -> T: ...
    def both_each(self, a: Sequence[M], b: Sequence[M]) -> list[M]: ...
    def upper_each(
        self, valid: Sequence[M], points: Sequence[T], left: Sequence[T], otherwise: Sequence[T]
    ) -> list[T]: ...
    def unsettled(self, included: Sequence[M], valid: Sequence[M], left: Sequence[T]) -> M: ...
    def best(self, values: Sequence[T], present: Sequence[M]) -> T: ...
    def minimum(self, a: T, b: T) -> T: ...
    def maximum(self, a: T, b: T) -> T: ...


class Part(NamedTuple, Generic[T, M]):
    """One child as its parent sees it.

    ``included``: it applies (it is one of the parent's parts); ``valid``: its points
    are determined (``points`` is 0 where not); ``counts``: its maximum counts in the
    parent's (not a bonus or penalty); ``sign``: −1 for a penalty.
    """

    included: M
    valid: M
    points: T
    top: T
    undetermined: T
    counts: bool = True
    sign: int = 1


class Aggregate(NamedTuple, Generic[T, M]):
    """A parent's points (capped to ``[0, top]``; ``raw`` before), maximum, undetermined
    points, and whether some of them are undetermined (``partial``) or any part applies."""

    raw: T
    points: T
    top: T
    undetermined: T
    partial: M
    applies: M


def aggregate(
    how: Aggregation, parts: Sequence[Part[T, M]], cap: T, algebra: Algebra[T, M]
) -> Aggregate[T, M]:
    """Combine ``parts`` as a parent aggregating by ``how`` (``cap``: its declared maximum)."""
    zero = algebra.constant(0)
    # the parts' fields side by side, in one pass (the engine aggregates every parent of a unit)
    included, valid, scored, tops, undetermined_each, counts, signs = (
        zip(*parts, strict=True) if parts else ((),) * 7
    )
    determined = algebra.both_each(included, valid)
    # the most each part could still be worth; an undetermined penalty only lowers
    upper = algebra.upper_each(
        valid,
        scored,
        undetermined_each,
        [zero if s < 0 else t for s, t in zip(signs, tops, strict=True)],
    )
    counted = [i for i, c in enumerate(counts) if c]
    counted_tops = [tops[i] for i in counted]
    counted_included = [included[i] for i in counted]
    if how == Aggregation.MAX:
        top = algebra.best(counted_tops, counted_included)
        points = algebra.best(scored, determined)
        high = algebra.best(upper, included)
    else:
        top = algebra.total_where(counted_included, counted_tops)
        points = algebra.total_where(determined, scored)
        high = algebra.total_where(included, upper)
        if how == Aggregation.CAPPED_SUM:
            top = algebra.minimum(top, cap)
    raw = points
    points = algebra.maximum(algebra.minimum(raw, top), zero)
    left = algebra.maximum(zero, algebra.subtract(algebra.minimum(high, top), points))
    # partial: some part that applies is undetermined or leaves points undetermined
    partial = algebra.unsettled(included, valid, undetermined_each)
    applies = algebra.either(included)
    undetermined = algebra.where(algebra.both(applies, partial), left, zero)
    return Aggregate(raw, points, top, undetermined, partial, applies)


def aggregate_decimals(
    how: Aggregation,
    parts: Sequence[tuple[bool, bool, Decimal, Decimal, Decimal, bool, int]],
    cap: Decimal,
) -> Aggregate[Decimal, bool]:
    """:func:`aggregate` over :data:`DECIMALS`, in one pass over the parts (the engine's
    usual path: a parent of one unit; a :class:`Part` or a plain tuple of its fields). The same operations on the same decimals in the
    same order, so the same digits; ``tests/test_tree.py`` proves the two equal, and the
    engine's careful path calls :func:`aggregate` itself."""
    best = how == Aggregation.MAX
    top = points = high = _ZERO
    top_seen = points_seen = high_seen = applies = partial = False
    for included, valid, scored, most, left, counts, sign in parts:
        if not included:
            continue
        applies = True
        upper = scored + left if valid else (_ZERO if sign < 0 else most)
        if not valid or left != 0:
            partial = True
        if best:  # the first of equal values kept, as max() keeps it
            if counts and (not top_seen or most > top):
                top, top_seen = most, True
            if valid and (not points_seen or scored > points):
                points, points_seen = scored, True
            if not high_seen or upper > high:
                high, high_seen = upper, True
        else:
            if counts:
                top += most
            if valid:
                points += scored
            high += upper
    if best:  # max() of nothing: a new Decimal(0), as DECIMALS.best
        top = top if top_seen else Decimal(0)
        points = points if points_seen else Decimal(0)
        high = high if high_seen else Decimal(0)
    elif how == Aggregation.CAPPED_SUM:
        top = min(top, cap)
    raw = points
    points = max(min(raw, top), _ZERO)
    left_over = max(_ZERO, min(high, top) - points)
    undetermined = left_over if applies and partial else _ZERO
    return Aggregate(raw, points, top, undetermined, partial, applies)


def provisional_points(
    compiled: CompiledSet,
    code: str | None,
    maximum: Callable[[str], T],
    algebra: Algebra[T, Any],
) -> T:
    """Points of the applicable maximum that rest on provisional values, under ``code``.

    ``maximum(c)`` is a node's applicable maximum (0 where it does not apply).
    Alternatives (``max``) count once; a sum is capped at the parent's maximum.
    """

    def visit(c: str) -> T | None:
        node = compiled.nodes[c]
        if not node.counts_in_max:
            return None
        if node.is_leaf:
            return maximum(c) if node.provisional else None
        parts = [p for k in compiled.children.get(c, ()) if (p := visit(k)) is not None]
        if not parts:
            return None
        if node.node.aggregation == Aggregation.MAX:
            return algebra.best(parts, [])
        return algebra.minimum(algebra.total(parts), maximum(c))

    codes = compiled.children.get(None, ()) if code is None else (code,)
    found = [p for c in codes if (p := visit(c)) is not None]
    return algebra.total(found)


def index(total: Decimal, maximum: Decimal) -> Decimal | None:
    """The index in %: points ÷ applicable maximum × 100, two decimals, half up."""
    return quantize(total * _HUNDRED / maximum, _HUNDREDTH) if maximum else None


def classify(index: Decimal, compiled: CompiledSet, level: str | None = None) -> str | None:
    """The classification band (``Nhóm I`` …) an index in % falls in, for a unit level."""
    return next((label for label, interval in compiled.bands_for(level) if index in interval), None)


def band(
    compiled: CompiledSet,
    level: str | None,
    at: Decimal,
    at_most: Decimal | None = None,
    classes: Mapping[Decimal, str | None] | None = None,
) -> str | None:
    """The band of index ``at``; ``None`` while undetermined points could move the unit
    to another band (``at_most``: the index with every undetermined point earned)."""
    found = classify(at, compiled, level)
    if at_most is not None and at_most != at and classify(at_most, compiled, level) != found:
        return None
    return found


# --- the two algebras --------------------------------------------------------------------


class _Decimals:
    """One unit: exact decimals and booleans."""

    def constant(self, value: int) -> Decimal:
        return _ZERO if value == 0 else Decimal(value)  # decimals are immutable: 0 is shared

    def where(self, test: bool, body: Decimal, orelse: Decimal) -> Decimal:
        return body if test else orelse

    def both(self, a: bool, b: bool) -> bool:
        return a and b

    def either(self, masks: Sequence[bool]) -> bool:
        return any(masks)

    def subtract(self, a: Decimal, b: Decimal) -> Decimal:
        return a - b

    def total(self, values: Sequence[Decimal]) -> Decimal:
        return sum(values, Decimal(0))

    def total_where(self, tests: Sequence[bool], values: Sequence[Decimal]) -> Decimal:
        total = _ZERO  # added in order from 0, as ``sum(…, Decimal(0))``
        for test, value in zip(tests, values, strict=True):
            if test:
                total += value
        return total

    def both_each(self, a: Sequence[bool], b: Sequence[bool]) -> list[bool]:
        return [x and y for x, y in zip(a, b, strict=True)]

    def upper_each(
        self,
        valid: Sequence[bool],
        points: Sequence[Decimal],
        left: Sequence[Decimal],
        otherwise: Sequence[Decimal],
    ) -> list[Decimal]:
        return [
            p + u if v else o for v, p, u, o in zip(valid, points, left, otherwise, strict=True)
        ]

    def unsettled(
        self, included: Sequence[bool], valid: Sequence[bool], left: Sequence[Decimal]
    ) -> bool:
        return any(i and (not v or u != 0) for i, v, u in zip(included, valid, left, strict=True))

    def best(self, values: Sequence[Decimal], present: Sequence[bool]) -> Decimal:
        if present:
            values = [v for v, p in zip(values, present, strict=True) if p]
        return max(values, default=Decimal(0))

    def minimum(self, a: Decimal, b: Decimal) -> Decimal:
        return min(a, b)

    def maximum(self, a: Decimal, b: Decimal) -> Decimal:
        return max(a, b)


DECIMALS: Algebra[Decimal, bool] = _Decimals()
"""The algebra of one unit (the engine)."""


class _Columns:
    """Many units: columns of integers (points scaled by ``10**S``) and boolean masks."""

    def __init__(self, n: int) -> None:
        import numpy as np

        self.np = np
        self.n = n
        self.absent = int(np.iinfo(np.int64).min // 4)

    def constant(self, value: int) -> Any:
        return self.np.full(self.n, value, dtype=self.np.int64)

    def where(self, test: Any, body: Any, orelse: Any) -> Any:
        return self.np.where(test, body, orelse)

    def both(self, a: Any, b: Any) -> Any:
        return a & b

    def either(self, masks: Sequence[Any]) -> Any:
        if not masks:
            return self.np.zeros(self.n, dtype=bool)
        return self.np.logical_or.reduce(list(masks))

    def subtract(self, a: Any, b: Any) -> Any:
        return a - b

    def total(self, values: Sequence[Any]) -> Any:
        out = self.constant(0)
        for value in values:  # integers: the order of the sum does not matter
            self.np.add(out, value, out=out)
        return out

    def total_where(self, tests: Sequence[Any], values: Sequence[Any]) -> Any:
        out = self.constant(0)
        for test, value in zip(tests, values, strict=True):
            self.np.add(out, value, out=out, where=test)  # no temporary per part
        return out

    def both_each(self, a: Sequence[Any], b: Sequence[Any]) -> list[Any]:
        return [x & y for x, y in zip(a, b, strict=True)]

    def upper_each(
        self,
        valid: Sequence[Any],
        points: Sequence[Any],
        left: Sequence[Any],
        otherwise: Sequence[Any],
    ) -> list[Any]:
        where = self.np.where
        return [
            where(v, p + u, o) for v, p, u, o in zip(valid, points, left, otherwise, strict=True)
        ]

    def unsettled(self, included: Sequence[Any], valid: Sequence[Any], left: Sequence[Any]) -> Any:
        return self.either(
            [i & (~v | (u != 0)) for i, v, u in zip(included, valid, left, strict=True)]
        )

    def best(self, values: Sequence[Any], present: Sequence[Any]) -> Any:
        np = self.np
        if not values:
            return self.constant(0)
        stacked = np.stack(list(values))
        if present:
            stacked = np.where(np.stack(list(present)), stacked, self.absent)
        top = stacked.max(axis=0)
        return np.where(top == self.absent, 0, top)

    def minimum(self, a: Any, b: Any) -> Any:
        return self.np.minimum(a, b)

    def maximum(self, a: Any, b: Any) -> Any:
        return self.np.maximum(a, b)


def columns(n: int) -> Algebra[Any, Any]:
    """The algebra of ``n`` units at once (the batch path); numpy is imported here."""
    return _Columns(n)

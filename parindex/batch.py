"""Score a whole province at once: every rule over whole columns, exact to the last digit.

:func:`score_many` takes many units — submissions, or a DataFrame of inputs with one
row per unit (:func:`inputs_frame` makes one) — and returns one row per unit: a
column of points for every node, ``total``, ``max_points`` (what applies), ``index``
and ``band``. Each compiled expression is evaluated once over all units
(:mod:`parindex.backends.vectors`); there is no per-unit loop over the rules.

Exactness: points are carried as integers scaled by ``10**S`` (``S`` decimal places:
the set's precision, its maxima and any points given as they are), so sums are
exact. Rule values are computed in float64 with an error bound; a row whose decision
the bound cannot settle (a ratio exactly on a band edge after an inexact division, a rounding
on a half) is scored by the single-unit engine's own scorer
(:func:`parindex.engine.leaf_points`). No rule kind is named here: each leaf is its
kind's lowered expression (:meth:`~parindex.rules.RuleKind.lower`) and the kind's
properties (sign, counts in the maximum, status, points given). Statuses, applicability, missing inputs,
undetermined points and provisional points follow :func:`parindex.score` exactly;
a property test holds the two paths equal node by node.

Results are float64 columns for analysis with the exact decimals beside them as
``exact:<column>`` (``decimal128`` through pyarrow; :mod:`parindex.frames`); a missing
value is ``NaN``/``<NA>``, never 0.
"""

from __future__ import annotations

import operator
import os
import warnings
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from decimal import ROUND_FLOOR, Decimal
from typing import TYPE_CHECKING, Any

import numpy as np
import numpy.typing as npt

from parindex import tree
from parindex.backends.vectors import Evaluator, is_choice, round_half_up
from parindex.batch_units import (
    META_COLUMNS,
    Table,
    decimal_places,
    from_submissions,
    inputs_frame,
    read_frame,
)
from parindex.compiler import CompiledNode, CompiledSet
from parindex.criteria import CriteriaSet
from parindex.engine import applies, leaf_points
from parindex.errors import EvaluationError, Problem, SubmissionError
from parindex.expressions import evaluate
from parindex.frames import EXACT_PREFIX
from parindex.numbers import quantize
from parindex.report import Status

if TYPE_CHECKING:
    from typing import TypeAlias

    import pandas as pd

    from parindex.submission import CheckedSubmission, Submission

    Units: TypeAlias = (
        Iterable[Submission | CheckedSubmission]
        | pd.DataFrame
        | str
        | os.PathLike[str]
        | tuple[list[Submission], pd.DataFrame]
        | Table
    )

__all__ = [
    "MAX_PREFIX",
    "META_COLUMNS",
    "TOTAL_COLUMNS",
    "inputs_frame",
    "once_each",
    "score_many",
]

Ints = npt.NDArray[np.int64]
Mask = npt.NDArray[np.bool_]

TOTAL_COLUMNS = (
    "total",
    "max_points",
    "index",
    "band",
    "complete",
    "undetermined_points",
    "provisional_points",
    "provisional_points_scored",
)
MAX_PREFIX = "max:"
"""Results carry each area's applicable maximum in column ``max:<code>`` (for sub-indices)."""

_STATUSES = tuple(Status)
_CODE = {status: index for index, status in enumerate(_STATUSES)}


# --- scoring ---------------------------------------------------------------------------


@dataclass
class _Node:
    """One node's results over all units (points scaled by ``10**S``)."""

    status: npt.NDArray[np.int8]
    points: Ints
    valid: Mask
    max_points: Ints
    undetermined: Ints
    included: Mask  # part of its parent's children (not cut by its own applicability)


class _Scorer:
    def __init__(self, criteria: CriteriaSet, units: Table) -> None:
        self.criteria = criteria
        self.compiled: CompiledSet = criteria.compiled
        self.units = units
        self.n = units.n
        self.evaluator = Evaluator(units.n, units.columns)
        self.precision_places = max(0, -int(criteria.precision.as_tuple().exponent))
        places = [self.precision_places]
        places += [decimal_places(n.node.max_points) for n in self.compiled.nodes.values()]
        places += [given.places for given in units.given.values()]
        self.scale = max(places)
        self.results: dict[str, _Node] = {}
        self.everywhere = np.ones(self.n, dtype=bool)  # shared by many nodes: never written to
        self.nowhere = np.zeros(self.n, dtype=bool)  # likewise
        self.everywhere.flags.writeable = False
        self.nowhere.flags.writeable = False
        self.constants: dict[tuple[int, type[np.generic]], Any] = {}
        self.values: dict[int, int] = {}  # a shared int64 column's value, by the column's id
        self.algebra: tree.Algebra[Any, Any] = _Shared(self)

    def scaled(self, value: Decimal) -> int:
        return int(value.scaleb(self.scale))

    def at_precision(self, value: Decimal) -> bool:
        """``value`` has no more places than the set's precision (the engine's points
        rounded to it are ``value`` itself), and its scaled integer is exact as a float."""
        if abs(value.scaleb(self.scale)) >= 2**52:
            return False  # far beyond any maximum: the general path settles it
        return quantize(value, self.criteria.precision) == value

    def quantized(self, value: Decimal) -> int:
        return self.scaled(quantize(value, self.criteria.precision))

    def full(self, value: int) -> Ints:
        return np.full(self.n, value, dtype=np.int64)

    def constant(self, value: int, dtype: type[np.generic] = np.int64) -> Any:
        """``value`` in every row, one read-only array per value and type, shared by every
        node that has it (most nodes: no missing input, no error)."""
        key = (value, dtype)
        found = self.constants.get(key)
        if found is None:
            found = self.constants[key] = np.full(self.n, value, dtype=dtype)
            found.flags.writeable = False
            if dtype is np.int64:
                self.values[id(found)] = value  # kept in constants: the id stays its
        return found

    # --- leaves ---------------------------------------------------------------

    def leaf(self, node: CompiledNode) -> tuple[Ints, Mask]:
        """Points and rows to settle exactly — for rows where the inputs are present.

        The leaf's lowered expression (its kind's :meth:`~parindex.rules.RuleKind.lower`)
        evaluated over the columns; rows the error bounds cannot settle, and rows with
        no value (a value in no band), are left to the exact engine.
        """
        assert node.leaf is not None and node.leaf.lowered is not None
        ev = self.evaluator
        ev.reset()  # a new array of unsure rows: the caller's to keep and change
        lowered = node.leaf.lowered
        if is_choice(lowered, self.at_precision):  # points as given in the rule: exact
            return ev.choose(lowered, self.scaled), ev.unsure
        raw = ev.numbers(lowered)
        steps, unsure = round_half_up(raw, self.precision_places)
        ev.flag(unsure)
        points = steps.astype(np.int64)
        if self.scale > self.precision_places:
            points *= 10 ** (self.scale - self.precision_places)
        return points, ev.unsure

    def exact(self, node: CompiledNode, rows: Mask, points: Ints, scored: Mask) -> None:
        """Score ``rows`` with the single-unit engine's scorer."""
        for row in np.flatnonzero(rows):
            values = self.units.values_of(int(row), node.inputs)
            try:
                points[row] = self.scaled(leaf_points(self.criteria, node.code, values))
                scored[row] = True
            except EvaluationError:
                scored[row] = False

    def score_leaf(self, node: CompiledNode, active: Mask) -> _Node:
        top = node.node.max_points
        counted = self.constant(self.scaled(top) if node.counts_in_max else 0)
        kind = node.kind
        assert kind is not None
        code = _CODE[Status(kind.status)]
        if kind.given:  # points given as they are, not computed from the inputs
            given = self.units.given[node.code]
            valid = given.present.copy()
            points = np.where(valid, given.scaled(self.scale), 0)
            undetermined = np.where(valid, 0, self.scaled(top)).astype(np.int64)
            status = np.full(self.n, code, dtype=np.int8)
            return _Node(status, points, valid, counted, undetermined, active)
        missing = self.units.absent(node.inputs)
        points, unsure = self.leaf(node)
        scored = self.everywhere if missing is None else ~missing
        if missing is not None:
            unsure &= ~missing
        if active is not self.everywhere:
            unsure &= active
        if unsure.any():
            points = points.copy()
            scored = scored.copy()
            self.exact(node, unsure, points, scored)
            if scored.all():
                scored = self.everywhere
        if missing is None and scored is self.everywhere:  # the usual leaf: nothing to mark
            status, undetermined = self.constant(code, np.int8), self.constant(0)
        else:
            status = np.full(self.n, code, dtype=np.int8)
            if missing is not None:
                status[missing] = _CODE[Status.MISSING_INPUT]
                status[~missing & ~scored] = _CODE[Status.ERROR]
            else:
                status[~scored] = _CODE[Status.ERROR]
            undetermined = np.where(scored, 0, np.int64(self.scaled(top)))
        return _Node(status, points, scored, counted, undetermined, active)

    # --- applicability and the tree -------------------------------------------

    def applicability(self, node: CompiledNode) -> tuple[Mask, Mask]:
        """Rows where the node applies, rows where that cannot be known (names missing)."""
        n = self.n
        if node.applies_if is None:
            return np.ones(n, dtype=bool), np.zeros(n, dtype=bool)
        absent = self.units.absent(node.applies_if.names)
        unknown = np.zeros(n, dtype=bool) if absent is None else absent.copy()
        decided: dict[int, bool] = {}
        for row in np.flatnonzero(unknown):  # 'a and b' is false without b when a is false
            known = applies(node, self.units.values_of(int(row), node.applies_if.names))
            if known is not None:
                decided[int(row)] = known
                unknown[row] = False
        self.evaluator.reset()
        holds = self.evaluator.truth(node.applies_if.root).copy()
        for row in np.flatnonzero(self.evaluator.unsure & ~unknown):
            if int(row) not in decided:
                values = self.units.values_of(int(row), node.applies_if.names)
                holds[row] = bool(evaluate(node.applies_if, values))
        for index, known in decided.items():
            holds[index] = known
        return holds & ~unknown, unknown

    def visit(self, code: str, forced_na: Mask | None, forced_missing: Mask | None) -> _Node:
        """Score ``code`` and its subtree. A mask of rows is ``None`` where it holds no row
        (most nodes apply everywhere: nothing to compute for them)."""
        node = self.compiled.nodes[code]
        own_na: Mask | None = None
        na, missing = forced_na, forced_missing  # disjoint: the parent made them so
        if node.applies_if is not None:
            nowhere = self.nowhere
            holds, unknown = self.applicability(node)
            forced_na = nowhere if forced_na is None else forced_na
            forced_missing = nowhere if forced_missing is None else forced_missing
            own_na = ~forced_na & ~forced_missing & ~holds & ~unknown
            all_na = forced_na | own_na
            all_missing = ~all_na & (forced_missing | unknown)
            na = all_na if all_na.any() else None
            missing = all_missing if all_missing.any() else None
        if na is None and missing is None:
            active = self.everywhere
        else:
            active = ~(self.nowhere if na is None else na)
            if missing is not None:
                active &= ~missing
        children = self.compiled.children.get(code, ())
        child_results = [self.visit(c, na, missing) for c in children]
        if node.is_leaf:
            result = self.score_leaf(node, active)
        else:
            result = self.aggregate(node, children, child_results)
        if na is not None or missing is not None:
            declared = self.scaled(node.node.max_points)
            counted = declared if node.counts_in_max else 0
            status, top, left = result.status, result.max_points, result.undetermined
            if missing is not None:  # then not applicable over it: that comes first
                status = np.where(missing, np.int8(_CODE[Status.MISSING_INPUT]), status)
                top = np.where(missing, counted, top)
                left = np.where(missing, declared, left)
            if na is not None:
                status = np.where(na, np.int8(_CODE[Status.NOT_APPLICABLE]), status)
                top = np.where(na, 0, top)
                left = np.where(na, 0, left)
            result.status = status.astype(np.int8, copy=False)
            result.valid = result.valid & active
            result.max_points, result.undetermined = top, left
        if result.valid is not self.everywhere and not result.valid.all():
            result.points = result.points * result.valid  # 0 where not valid: parents add as is
        # A parent none of whose parts applies is left out by its own parent, as in the engine.
        if own_na is None:
            result.included = self.everywhere if node.is_leaf else result.included
        else:
            result.included = ~own_na if node.is_leaf else ~own_na & result.included
        self.results[code] = result
        return result

    def aggregate(self, node: CompiledNode, codes: Sequence[str], parts: Sequence[_Node]) -> _Node:
        """The parent over all units at once: the one aggregation of :mod:`parindex.tree`."""
        children = [self.compiled.nodes[c] for c in codes]
        combined = tree.aggregate(
            node.node.aggregation,
            [
                tree.Part(
                    p.included,
                    p.valid,
                    p.points,
                    p.max_points,
                    p.undetermined,
                    c.counts_in_max,
                    c.sign,
                )
                for p, c in zip(parts, children, strict=True)
            ],
            self.constant(self.scaled(node.node.max_points)),
            self.algebra,
        )
        if combined.partial is self.nowhere and combined.applies is self.everywhere:
            status = self.constant(_CODE[Status.SCORED], np.int8)  # the usual parent
        else:
            status = np.where(combined.partial, _CODE[Status.PARTIAL], _CODE[Status.SCORED])
            status = np.where(combined.applies, status, _CODE[Status.NOT_APPLICABLE])
            status = status.astype(np.int8)
        applies = np.asarray(combined.applies, dtype=bool)
        return _Node(
            status,
            np.asarray(combined.points, dtype=np.int64),
            applies,
            np.asarray(combined.top, dtype=np.int64),
            np.asarray(combined.undetermined, dtype=np.int64),
            applies,
        )

    def bands(self, index: Ints, upper: Ints, has_max: Mask, open_: Mask) -> list[str | None]:
        """Each unit's band by its level, ``None`` where undetermined points could change it."""
        levels = np.asarray(self.units.meta["level"], dtype=object)
        bands = np.full(self.n, None, dtype=object)
        for level in dict.fromkeys(self.units.meta["level"]):
            rows = np.flatnonzero((levels == level) & has_max)
            if not rows.size:
                continue
            found, back = np.unique(np.concatenate([index[rows], upper[rows]]), return_inverse=True)
            named = classes(self.compiled, level, found)[back.reshape(-1)]
            band, band_upper = named[: rows.size], named[rows.size :]
            band = band.copy()
            band[open_[rows] & (band != band_upper)] = None
            bands[rows] = band
        return list(bands)

    def run(self) -> dict[str, Any]:
        areas = [self.visit(c, None, None) for c in self.compiled.children.get(None, ())]
        total = self.full(0)
        maximum = self.full(0)
        undetermined = self.full(0)
        for area in areas:
            total = total + np.where(area.included & area.valid, area.points, 0)
            maximum = maximum + np.where(area.included, area.max_points, 0)
            undetermined = undetermined + np.where(area.included, area.undetermined, 0)
        total = np.minimum(np.maximum(total, 0), maximum)
        has_max = maximum > 0
        safe = np.where(has_max, maximum, 1)
        index = (2 * total * 10000 + safe) // (2 * safe)
        upper = np.minimum(total + undetermined, maximum)
        upper_index = (2 * upper * 10000 + safe) // (2 * safe)
        bands = self.bands(index, upper_index, has_max, undetermined > 0)
        provisional = tree.provisional_points(
            self.compiled, None, lambda c: self.results[c].max_points, self.algebra
        )
        scored_provisional = self.full(0)
        for code, node in self.compiled.nodes.items():
            if node.rule is None or not node.counts_in_max or not node.provisional:
                continue
            scored_provisional += self.results[code].points  # 0 where not valid: visit's
        return {
            "total": total,
            "max_points": maximum,
            "index": index,
            "has_index": has_max,
            "band": bands,
            "complete": undetermined == 0,
            "undetermined_points": undetermined,
            "provisional_points": provisional,
            "provisional_points_scored": scored_provisional,
        }


def classes(compiled: CompiledSet, level: str, hundredths: Ints) -> npt.NDArray[np.object_]:
    """:func:`tree.classify` of each index (in hundredths of a %), called once per stretch
    between the band edges: indices on the same side of every edge share their band."""
    edges = [
        edge * 100
        for _, interval in compiled.bands_for(level)
        for edge in (interval.low, interval.high)
        if edge is not None
    ]
    floors = np.array(
        sorted({int(e.to_integral_value(ROUND_FLOOR)) for e in edges}), dtype=np.int64
    )
    on_edge = np.isin(hundredths, [int(e) for e in edges if e == e.to_integral_value()])
    # an integer h is above edge x exactly when it is above floor(x); it can equal x
    # only when x is whole, and then x is the floor that closes h's stretch
    stretch = np.searchsorted(floors, hundredths, side="left") * 2 + on_edge
    _, first, back = np.unique(stretch, return_index=True, return_inverse=True)
    named = np.empty(len(first), dtype=object)
    named[:] = [
        tree.classify(Decimal(int(hundredths[i])).scaleb(-2), compiled, level) for i in first
    ]
    return named[back.reshape(-1)]


class _Shared:
    """:func:`tree.columns`, the one column algebra, with the scorer's shared read-only
    columns (:meth:`_Scorer.constant`: every row true, every row false, a number in every
    row) known by identity: a step they settle returns a shared column or one of its
    operands instead of computing a new one (a node whose parts all apply, all scored, none
    undetermined — most of them — costs a sum of its parts' points and a few steps).
    Results are the column algebra's, value for value; no result is written to."""

    def __init__(self, scorer: _Scorer) -> None:
        self.columns = tree.columns(scorer.n)
        self.scorer = scorer
        self.everywhere, self.nowhere = scorer.everywhere, scorer.nowhere
        self.last: tuple[list[Any], Ints] | None = None  # total_where's last sum

    def value(self, column: Any) -> int | None:
        """The number in every row of a shared column, ``None`` for any other column."""
        return self.scorer.values.get(id(column))

    def constant(self, value: int) -> Ints:
        return self.scorer.constant(value)  # type: ignore[no-any-return]

    def where(self, test: Mask, body: Ints, orelse: Ints) -> Ints:
        if test is self.everywhere:
            return body
        if test is self.nowhere:
            return orelse
        return self.columns.where(test, body, orelse)  # type: ignore[no-any-return]

    def both(self, a: Mask, b: Mask) -> Mask:
        if a is self.everywhere or b is self.nowhere:
            return b
        if b is self.everywhere or a is self.nowhere:
            return a
        return self.columns.both(a, b)  # type: ignore[no-any-return]

    def either(self, masks: Sequence[Mask]) -> Mask:
        if any(m is self.everywhere for m in masks):
            return self.everywhere
        some = [m for m in masks if m is not self.nowhere]
        if not some:
            return self.nowhere
        return some[0] if len(some) == 1 else self.columns.either(some)

    def subtract(self, a: Ints, b: Ints) -> Ints:
        return a if self.value(b) == 0 else a - b

    def total(self, values: Sequence[Ints]) -> Ints:
        return self.total_where([self.everywhere] * len(values), values)

    def total_where(self, tests: Sequence[Mask], values: Sequence[Ints]) -> Ints:
        key = [*tests, *values]  # kept: compared by identity, not by ids that may be reused
        last = self.last
        if last is not None and len(last[0]) == len(key) and all(map(operator.is_, last[0], key)):
            return last[1]  # the same sum again (a parent's points, their upper bound)
        known = [self.value(v) for v in values]
        if all(k is not None for k in known) and all(t is self.everywhere for t in tests):
            out = self.constant(sum(k for k in known if k is not None))
        else:
            out = np.zeros(self.scorer.n, dtype=np.int64)
            masked: Ints | None = None
            for test, value in zip(tests, values, strict=True):
                if test is self.everywhere:
                    np.add(out, value, out=out)
                elif test is not self.nowhere:
                    # value where test holds, 0 elsewhere: integers, so exactly the masked
                    # add (np.add(..., where=test)), in two SIMD passes instead of one
                    # masked loop (about half the time)
                    if masked is None:
                        masked = np.empty(self.scorer.n, dtype=np.int64)
                    np.multiply(value, test, out=masked)
                    np.add(out, masked, out=out)
            out.flags.writeable = False
        self.last = key, out
        return out

    def both_each(self, a: Sequence[Mask], b: Sequence[Mask]) -> list[Mask]:
        return [self.both(x, y) for x, y in zip(a, b, strict=True)]

    def upper_each(
        self,
        valid: Sequence[Mask],
        points: Sequence[Ints],
        left: Sequence[Ints],
        otherwise: Sequence[Ints],
    ) -> list[Ints]:
        found = []
        for v, p, u, o in zip(valid, points, left, otherwise, strict=True):
            found.append(self.where(v, p if self.value(u) == 0 else p + u, o))
        return found

    def unsettled(
        self, included: Sequence[Mask], valid: Sequence[Mask], left: Sequence[Ints]
    ) -> Mask:
        return self.either(
            [
                self.nowhere
                if i is self.nowhere or (v is self.everywhere and self.value(u) == 0)
                else self.columns.unsettled([i], [v], [u])
                for i, v, u in zip(included, valid, left, strict=True)
            ]
        )

    def best(self, values: Sequence[Ints], present: Sequence[Mask]) -> Ints:
        if all(p is self.everywhere for p in present):
            present = []  # every value counts: as with no masks at all
        return self.columns.best(values, present)  # type: ignore[no-any-return]

    def minimum(self, a: Ints, b: Ints) -> Ints:
        return self.columns.minimum(a, b)  # type: ignore[no-any-return]

    def maximum(self, a: Ints, b: Ints) -> Ints:
        return self.columns.maximum(a, b)  # type: ignore[no-any-return]


# --- output ----------------------------------------------------------------------------


def _decimals(wide: Ints, valid: Mask | None, scale: int) -> Any:
    """An exact nullable decimal column (pyarrow ``decimal128``) over ``wide``: each scaled
    integer as two little-endian 64-bit words (value, sign), as Arrow lays decimals out."""
    import pandas as pd
    import pyarrow as pa

    n = len(wide)
    buffers = [None, pa.py_buffer(wide)]
    nulls = 0
    if valid is not None:  # some rows have no value
        buffers[0] = pa.py_buffer(np.packbits(valid, bitorder="little"))
        nulls = int((~valid).sum())
    array = pa.Array.from_buffers(pa.decimal128(38, scale), n, buffers, null_count=nulls)
    return pd.arrays.ArrowExtensionArray(array)


class _Twins:
    """Columns as :func:`parindex.frames.numeric` lays them out: floats, exact twins after.

    Each float column is the nearest double of its exact decimal: scaled points are
    integers far below ``2**53`` (exact as doubles), and one IEEE division by ``10**S`` is
    correctly rounded. The columns are written into two 2-D arrays (floats; decimals as
    value and sign words), each from its own contiguous column, the sign word computed only
    for a column with a value below 0; the floats lie in as few blocks as the column order
    allows.
    """

    def __init__(self) -> None:
        self.data: dict[str, Any] = {}  # plain columns, and None where a twin's float goes
        self.twins: list[tuple[str, Ints, Mask | None, int]] = []

    def add(self, name: str, values: Ints, valid: Mask | None, scale: int) -> None:
        self.data[name] = None
        self.twins.append((name, values, valid, scale))

    def frame(self) -> pd.DataFrame:
        import pandas as pd

        names = [name for name, _, _, _ in self.twins]
        n = len(self.twins[0][1]) if self.twins else 0
        floats = np.empty((len(self.twins), n), dtype=np.float64)
        wide = np.empty((len(self.twins), n, 2), dtype=np.int64)
        low, high = wide[:, :, 0], wide[:, :, 1]
        exact: dict[str, Any] = {}
        for index, (_, values, _, scale) in enumerate(self.twins):
            low[index] = values  # each from its own contiguous column: no strided pass
            if n and values.min() < 0:
                np.right_shift(values, 63, out=high[index])  # the sign word
            else:
                high[index] = 0
            np.divide(values, float(10**scale), out=floats[index])  # int64 → float64, divided
        for index, (name, _, valid, scale) in enumerate(self.twins):
            if valid is not None and valid.all():
                valid = None
            if valid is not None:
                floats[index][~valid] = np.nan
            exact[EXACT_PREFIX + name] = _decimals(wide[index], valid, scale)
        place = {name: index for index, name in enumerate(names)}
        parts: list[pd.DataFrame] = []
        plain: dict[str, Any] = {}
        run: list[str] = []
        for name, values in [*self.data.items(), ("", "end")]:
            if values is None:
                if plain:
                    parts.append(pd.DataFrame(plain))
                    plain = {}
                run.append(name)
                continue
            if run:  # consecutive floats: one block, a view of the 2-D array
                first = place[run[0]]
                block = floats[first : first + len(run)].T
                parts.append(pd.DataFrame(block, columns=run, copy=False))
                run = []
            if name:
                plain[name] = _plain(values)
        if plain:
            parts.append(pd.DataFrame(plain))
        parts.append(pd.DataFrame(exact, copy=False))  # arrays made here: no copy
        return pd.concat(parts, axis=1) if len(parts) > 1 else parts[0]


def _plain(values: Any) -> Any:
    """A list as the array pandas makes of it in a frame, made at once when its values are all
    of one plain type (the unit columns): booleans as NumPy ``bool``, whole numbers as
    ``int64`` (pandas infers these two cell by cell, ~1 ms a column of 10 000), texts by
    :func:`_texts`; anything else as it is, for pandas to take."""
    if not isinstance(values, list) or not values:
        return values
    kinds = set(map(type, values))
    if kinds == {bool}:
        return np.array(values, dtype=bool)
    if kinds == {int}:
        try:
            return np.array(values, dtype=np.int64)
        except OverflowError:  # beyond int64: pandas picks uint64 or objects
            return values
    return _texts(values, kinds)


def _texts(values: Any, kinds: set[type] | None = None) -> Any:
    """A list of texts as the array pandas makes of it in a frame, made straight from one
    pyarrow array when pandas makes text Arrow-backed (pandas 3: about half the time);
    anything else as it is, for pandas to take (``kinds``: the values' types, if known)."""
    import pandas as pd

    if not isinstance(values, list) or not values:
        return values
    if (set(map(type, values)) if kinds is None else kinds) != {str}:
        return values
    dtype = pd.Series(["x"]).dtype  # what pandas makes of texts
    if not isinstance(dtype, pd.StringDtype) or dtype.storage != "pyarrow":
        return values
    import pyarrow as pa

    try:  # pandas 3's signature (the stubs know an older one)
        made = pd.arrays.ArrowStringArray(pa.array(values, type=pa.large_string()), dtype=dtype)  # type: ignore[call-arg]
    except TypeError:  # a pandas whose text arrays take no dtype: pandas makes them
        return values
    return made if made.dtype == dtype else values


def _units_of(criteria: CriteriaSet, units: Units) -> Table:
    import pandas as pd

    if isinstance(units, Table):  # a folder read already (parindex.folder_table.read_table)
        return units
    if isinstance(units, pd.DataFrame):
        twice = _rows_twice(units)
        try:
            table = read_frame(criteria, units)
        except SubmissionError as exc:
            raise SubmissionError([*exc.problems, *twice]) from None
        if twice:
            raise SubmissionError(twice)
        return table
    if isinstance(units, str | os.PathLike):  # a folder or a file: what load_submissions reads
        from parindex.folder_table import read_table
        from parindex.folders import SkippedFile, cores, submission_files

        table, errors, notes = read_table(submission_files(units), criteria, workers=cores())
        for note in notes:  # a file of another set: left out, said as the commands say it
            warnings.warn(SkippedFile(note), stacklevel=3)
        if errors:
            raise SubmissionError(errors)
        return table
    if isinstance(units, tuple) and len(units) == 2 and isinstance(units[1], pd.DataFrame):
        units = units[0]  # the (submissions, problems) that load_submissions returns
    kept, problems = once_each(units)
    try:
        table = from_submissions(criteria, kept)
    except SubmissionError as exc:
        problems += exc.problems
    if problems:  # every problem of every unit together, a unit given twice among them
        raise SubmissionError(problems)
    return table


def once_each(
    submissions: Iterable[Submission | CheckedSubmission],
) -> tuple[list[Submission | CheckedSubmission], list[Problem]]:
    """Each unit's first submission, in the order given, and for each later one of a unit
    given before the ``duplicate_unit`` problem a folder reading it gives
    (:func:`parindex.folders._duplicate`: its file and line, the unit, where it was first;
    the two places in the list where the file does not tell them apart).

    The one rule for a unit given twice in a list: :func:`score_many` (and so
    :func:`~parindex.rank`) refuses such a list with the problem, as it refuses a folder
    holding a unit twice; :func:`~parindex.province_results` scores the first and lists
    the later one in ``skipped``. Nothing is dropped unsaid, and no unit has two rows.
    """
    from parindex.folders import _duplicate
    from parindex.submission import CheckedSubmission

    given = list(submissions)
    units = [g.submission if isinstance(g, CheckedSubmission) else g for g in given]
    later = dict(_repeats([u.unit.id for u in units]))
    problems = [
        _duplicate(units[at], units[first].source.file, (first, at)) for at, first in later.items()
    ]
    return [g for at, g in enumerate(given) if at not in later], problems


def _repeats(keys: Iterable[str]) -> Iterator[tuple[int, int]]:
    """For each key met before: its position and that of its first, in order (the rule
    behind :func:`once_each` and :func:`_rows_twice`)."""
    first: dict[str, int] = {}
    for at, key in enumerate(keys):
        seen = first.setdefault(key, at)
        if seen != at:
            yield at, seen


def _rows_twice(frame: pd.DataFrame) -> list[Problem]:
    """A ``duplicate_unit`` problem for each row of a frame of inputs whose unit a row above
    has, located as the frame's other problems are (row and unit): the frame is refused,
    as a list giving a unit twice is (:func:`once_each`)."""
    import pandas as pd

    if list(map(str, frame.columns)).count("unit") != 1:
        return []  # no unit column, or several: read_frame says so
    cells = frame["unit"].tolist()
    if set(map(type, cells)) <= {str} and len(set(cells)) == len(cells):
        return []  # texts, each once (the common case, checked in C)
    ids = [None if pd.isna(v) else str(v) for v in cells]
    named = [(at, unit) for at, unit in enumerate(ids) if unit]
    problems = []
    for later, earlier in _repeats(unit for _, unit in named):
        (at, unit), first = named[later], named[earlier][0]
        problems.append(
            Problem(
                kind="duplicate_unit",
                message=f"đơn vị '{unit}' đã có ở dòng {first + 1}: mỗi đơn vị một dòng",
                message_en=f"unit '{unit}' already given in row {first + 1}: one row a unit",
                file=f"dòng {at + 1} (đơn vị {unit})",
                field="unit",
                text=unit,
            )
        )
    return problems


def score_many(
    criteria: CriteriaSet,
    units: Units,
    *,
    long: bool = False,
) -> pd.DataFrame:
    """Score many units at once; one row per unit in input order (``long``: per unit and node).

    ``units`` are submissions (checked against the set, every problem of every unit
    reported together in one :class:`~parindex.errors.SubmissionError`, a unit given twice
    among them as the ``duplicate_unit`` problem of its later submission, as a folder
    holding it twice gives: :func:`once_each`; a folder, whose file of another criteria set
    is left out with a :class:`~parindex.folders.SkippedFile` warning naming its file and
    line, the others scored; or what :func:`~parindex.load_submissions` returns) or a
    DataFrame of inputs as :func:`inputs_frame` makes (checked alike; a row whose unit a row
    above has is a ``duplicate_unit`` problem). The wide result has the unit columns
    (:data:`META_COLUMNS`), one column of points per node code, each area's applicable
    maximum (``max:<code>``), then :data:`TOTAL_COLUMNS`. The long one has ``unit, code,
    points, max_points, undetermined_points, status``. Points are exact decimals; a node
    without points (not applicable, missing inputs) is ``<NA>``.

    >>> scores = score_many(criteria, parindex.synthetic.units(criteria, 1000))  # doctest: +SKIP
    >>> scores[["unit", "total", "index", "band"]].head()  # doctest: +SKIP
    """
    import pandas as pd

    table = _units_of(criteria, units)
    scorer = _Scorer(criteria, table)
    totals = scorer.run()
    scale = scorer.scale
    codes = list(criteria.compiled.nodes)
    if long:
        return _long_frame(table, scorer, codes)
    out = _Twins()
    out.data.update({name: table.meta[name] for name in META_COLUMNS})
    for code in codes:
        result = scorer.results[code]
        out.add(code, result.points, result.valid, scale)
    for code in criteria.compiled.children.get(None, ()):
        out.add(MAX_PREFIX + code, scorer.results[code].max_points, None, scale)
    out.add("total", totals["total"], None, scale)
    out.add("max_points", totals["max_points"], None, scale)
    out.add("index", totals["index"], totals["has_index"], 2)
    out.data["band"] = pd.array(totals["band"], dtype="string")
    out.data["complete"] = totals["complete"]
    for name in ("undetermined_points", "provisional_points", "provisional_points_scored"):
        out.add(name, totals[name], None, scale)
    return out.frame()


def _long_frame(table: Table, scorer: _Scorer, codes: list[str]) -> pd.DataFrame:
    import pandas as pd

    n, scale = table.n, scorer.scale
    results = [scorer.results[c] for c in codes]

    def stacked(attribute: str) -> npt.NDArray[Any]:
        return np.stack([getattr(r, attribute) for r in results], axis=1).reshape(-1)

    status = pd.Categorical.from_codes(
        stacked("status").astype(np.int64), categories=pd.Index([s.value for s in _STATUSES])
    )
    out = _Twins()
    out.data["unit"] = np.repeat(np.array(table.meta["unit"], dtype=object), len(codes))
    out.data["code"] = np.tile(np.array(codes, dtype=object), n)
    out.add("points", stacked("points"), stacked("valid"), scale)
    out.add("max_points", stacked("max_points"), None, scale)
    out.add("undetermined_points", stacked("undetermined"), None, scale)
    out.data["status"] = status
    return out.frame()

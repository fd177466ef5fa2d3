"""Typing a column of cells at once, as :func:`~parindex.submission.typed_value` types each.

:mod:`parindex.checks` gathers each input's cells across many units and types the column
here: a memo per distinct value where equal cells type equally, whole numbers through
numpy and one table of decimals, floats clearly inside every bound as ``Decimal(repr(x))``
once per distinct value, dates of one year by their least and greatest. A cell the careful
check would refuse comes back as :data:`_BAD` (the careful check words the problem); a
column this cannot type at once is typed cell by cell through ``typed_value`` itself.
Properties in ``tests/test_check_cells.py`` compare each way with ``typed_value`` cell by cell.

Also what reads the cells a few units at a time while they are in cache (:class:`_Kinds`,
:class:`_Ints`, :class:`_Distinct`): their Python types, the numeric ones as int64, the
distinct dates and choices; and the numeric columns as the vector backend reads them
(:func:`_whole_vector`, :func:`_mixed_vector`), for the set's constraints.
"""

from __future__ import annotations

import datetime as dt
import operator
from collections import deque
from collections.abc import Sequence
from decimal import Context, Decimal
from itertools import chain, compress, repeat
from typing import Any

import numpy as np
import numpy.typing as npt

from parindex.backends.vectors import REL, Numbers
from parindex.criteria import Input, InputType
from parindex.expressions import Value
from parindex.submission import typed_value

Mask = npt.NDArray[np.bool_]

_BAD: Any = object()
"""A cell :func:`typed_value` refuses (the careful check words the problem)."""

_NUMBERS = (InputType.COUNT, InputType.RATIO, InputType.PERCENT, InputType.AMOUNT)
_SAME: frozenset[tuple[InputType, type]] = frozenset(
    {
        (InputType.YES_NO, bool),
        (InputType.DATE, dt.date),
        (InputType.DATE, bool),
        (InputType.ENUM, str),
        *((kind, Decimal) for kind in _NUMBERS),
    }
)
"""A cell of these (type of input, Python type) is typed as itself when valid."""

_BY_VALUE = frozenset({str, int, bool, dt.date})
"""Cells of one of these types that are equal are typed equally (a memo per distinct value)."""

_NUMERIC = frozenset({bool, int, float, Decimal})
"""Types whose values compare equal across types (``True == 1 == 1.0``): never memoised together."""

_INT_FLOAT = frozenset({int, float})
_WHOLE_LIMIT = 2.0**52
"""Whole numbers below this are floats exactly (the vector backend's exact range)."""
_BOOL = frozenset({bool})
_FLOAT_LIMIT = 1e29
"""Floats below this in size are below ``10**30`` as ``Decimal(repr(x))`` (numbers' limit)."""


def _typed(spec: Input, raw: object, year: int) -> Value:
    try:
        return typed_value(spec, raw, year)
    except Exception:  # the careful check reports (or raises) it itself
        return _BAD  # type: ignore[no-any-return]


def _column_of(
    spec: Input,
    cells: list[Any],
    kinds: set[type],
    years: Sequence[int],
    year: int | None,
    gathered: set[Any] | None = None,
) -> tuple[list[Any], bool]:
    """Each cell as :func:`typed_value` types it (``None``: missing, ``_BAD``: refused).

    Also whether any cell may be refused (``False``: none is).

    ``kinds``: the Python types of the cells other than ``None``; ``year``: every
    unit's year when they all share it; ``gathered``: the set of the cells, if gathered
    before (while they were in cache; it may be changed). A column usually holds one or two Python types
    that never compare equal across (``True == 1``, ``1 == 1.0`` do), so each distinct
    value is typed once.
    """
    if not kinds:
        return cells, False
    if year is None and spec.type == InputType.DATE:
        return _one_by_one(spec, cells, years), True
    at = year if year is not None else years[0]
    if kinds == _INT_FLOAT and spec.type in _NUMBERS:
        return _ints_and_floats(spec, cells, at)
    if len(kinds & _NUMERIC) > 1:
        return _one_by_one(spec, cells, years), True
    if kinds == _BOOL:
        distinct: set[Any] = {True, False}  # all it can hold: typing one absent costs nothing
    else:
        try:
            distinct = set(cells) if gathered is None else gathered
        except TypeError:  # an unhashable cell (a list in YAML): typed one by one
            return _one_by_one(spec, cells, years), True
        distinct.discard(None)
    if all((spec.type, kind) in _SAME for kind in kinds):
        refused = _refused(spec, kinds, distinct, year, at)
        if not refused:
            return cells, False
        return [_BAD if v in refused else v for v in cells], True
    if not kinds <= _BY_VALUE | {float}:
        return _one_by_one(spec, cells, years), True
    if kinds == {int} and spec.type in _NUMBERS:
        memo = _whole_numbers(spec, distinct, at)
    else:
        memo = {v: _typed(spec, v, at) for v in distinct}
    memo[None] = None
    typed = list(map(memo.__getitem__, cells))
    if float in kinds:  # -0.0 == 0.0 but reads as -0.0; each NaN is its own
        for row in [r for r, v in enumerate(cells) if v.__class__ is float and not v > 0]:
            typed[row] = _typed(spec, cells[row], at)
        return typed, True
    return typed, any(v is _BAD for v in memo.values())


def _refused(
    spec: Input, kinds: set[type], distinct: set[Any], year: int | None, at: int
) -> set[Any]:
    """The cells of ``distinct`` (of types ``kinds``, each typed as itself when valid:
    :data:`_SAME`) that :func:`typed_value` refuses at year ``at``; ``year``: every unit's
    year when they all share it."""
    unsure = distinct
    if dt.date in kinds and spec.type == InputType.DATE and year is not None:
        # Dates (and a report never sent, false) of one year: the dates checked by
        # their least and greatest, as typed_value's range; only the others one by one.
        days = {v for v in distinct if v.__class__ is dt.date}
        low, high = dt.date(year - 1, 1, 1), dt.date(year + 1, 12, 31)
        if low <= min(days) and max(days) <= high:
            unsure = distinct - days
    return {v for v in unsure if _typed(spec, v, at) is _BAD}


def _as_given(
    spec: Input, kinds: set[type], year: int | None, at: int, gathered: set[Any] | None
) -> bool:
    """Whether :func:`_column_of` gives a column back as it is (every cell typed as itself,
    none refused), told from its cells' Python types ``kinds`` (``None`` not among them)
    and its distinct cells ``gathered`` alone, without the column (``False``: not known so;
    the column is then read and typed). ``year``: every unit's year when they all share
    it, else ``None``; ``at``: the year cells are typed at."""
    if not kinds:
        return True
    if year is None and spec.type == InputType.DATE:
        return False
    if len(kinds & _NUMERIC) > 1 or not all((spec.type, kind) in _SAME for kind in kinds):
        return False
    if kinds == _BOOL:
        distinct: set[Any] = {True, False}
    elif gathered is None:
        return False
    else:
        distinct = gathered
    return not _refused(spec, kinds, distinct, year, at)


def _ints_and_floats(spec: Input, cells: list[Any], year: int) -> tuple[list[Any], bool]:
    """A numeric column of whole numbers and floats (YAML's ``5`` and ``5.5``), and whether
    any cell may be refused.

    ``5 == 5.0`` but they type differently (``Decimal('5')``, ``Decimal('5.0')``), so each
    kind is typed apart: the whole numbers as :func:`_ints_at_once` types them (else a memo
    through :func:`typed_value`), and a float clearly inside every bound of the input
    (finite, not zero, farther than a billionth from each bound, whole for a count) as
    :func:`typed_value` types it, ``Decimal(repr(x))`` (:func:`_decimals_of`), once per
    distinct value; the others
    (``-0.0 == 0.0``, NaN, a float near or beyond a bound) by :func:`typed_value` itself.
    """
    kinds = list(map(type, cells))
    ints: list[Any] = list(compress(cells, map(operator.is_, kinds, repeat(int))))
    at_once = _ints_at_once(spec, ints)
    if at_once is not None:
        whole, refused = at_once[0], False
    else:
        memo = _whole_numbers(spec, set(ints), year)
        whole, refused = list(map(memo.__getitem__, ints)), any(v is _BAD for v in memo.values())
    floats: list[float] = list(compress(cells, map(operator.is_, kinds, repeat(float))))
    x = np.array(floats, dtype=np.float64)
    inside = _clearly_inside(spec, x)
    values: list[Any] = _decimals_of(floats, x, inside)  # a file's amounts: mostly distinct
    for index in np.flatnonzero(~inside).tolist():
        values[index] = _typed(spec, floats[index], year)
        refused = refused or values[index] is _BAD
    # Each cell from the typed cells of its kind, in order (a missing cell: None).
    typed = {int: iter(whole), float: iter(values), type(None): repeat(None)}
    return list(map(next, map(typed.__getitem__, kinds))), refused


_EXACT = Context(prec=30)
"""Exact for the decimals :func:`_decimals_of` makes (at most 15 digits), whatever the
thread's context."""
_PLACES = range(1, 7)


def _decimals_of(
    floats: list[float],
    x: npt.NDArray[np.float64] | None = None,
    chosen: Mask | None = None,
) -> list[Decimal]:
    """``Decimal(repr(f))`` of each float ``f`` (finite, not zero), the same digits and
    exponent, mostly without ``repr`` (3 µs a float, load 5). ``x``: the floats as an
    array, if made; ``chosen``: only those (``None`` at the others).

    For ``places`` = 1, 2, … the least for which ``k = round(f * 10**places)``, a whole
    number below 10**15, gives back ``f`` as ``k / 10**places`` (a correctly rounded
    division of exact floats: the float the decimal ``k·10**-places`` reads as), the decimal
    is ``k`` scaled by ``10**-places``. Why it is ``repr``'s: a decimal of at most 15
    significant digits is the only one of at most 15 that reads as its float (15 decimal
    digits survive a round trip through a float), so ``repr``, the shortest decimal that
    reads as ``f``, has this value; its digits after the point are as few as its value
    allows, and at least one (``5.0``), which is the least ``places``; a float ``repr``
    writes with an exponent (below 1e-4) gives the same digits and exponent as a decimal,
    and one of 1e16 or more is never taken (``k`` below 10**15). Others: ``repr``."""
    if x is None:
        x = np.array(floats, dtype=np.float64)
    out = np.empty(len(floats), dtype=object)  # None throughout
    todo = np.ones(len(floats), dtype=bool) if chosen is None else chosen.copy()
    for places in _PLACES:
        if not todo.any():
            break
        scale = 10.0**places
        with np.errstate(over="ignore", invalid="ignore"):
            k = np.rint(x * scale)
            hit = todo & (np.abs(k) < 1e15) & (k / scale == x)
        whole: list[int] = k[hit].astype(np.int64).tolist()
        made = map(_EXACT.scaleb, whole, repeat(-places))
        out[hit] = np.fromiter(made, dtype=object, count=len(whole))
        todo &= ~hit
    rest = np.flatnonzero(todo).tolist()
    out[rest] = np.fromiter(
        map(Decimal, map(repr, map(floats.__getitem__, rest))), object, len(rest)
    )
    return out.tolist()


def _clearly_inside(spec: Input, x: npt.NDArray[np.float64]) -> Mask:
    """Floats ``x`` whose ``Decimal(repr(x))`` :func:`typed_value` surely accepts.

    ``repr`` is within an ulp of the float (relative 2**-52) and a bound's float within half
    an ulp of it, so a billionth (relative) from each bound leaves a wide margin."""
    inside: Mask = np.isfinite(x) & (np.abs(x) < _FLOAT_LIMIT) & (x != 0)
    low = 0.0 if spec.type in (InputType.COUNT, InputType.PERCENT, InputType.RATIO) else None
    high = {InputType.PERCENT: 100.0, InputType.RATIO: 1.0}.get(spec.type)
    if spec.type == InputType.COUNT:
        inside &= x == np.floor(x)
    bounds = [(low, 1), (high, -1)]
    if spec.min is not None:
        bounds.append((float(spec.min), 1))
    if spec.max is not None:
        bounds.append((float(spec.max), -1))
    for bound, side in bounds:
        if bound is not None:
            margin = abs(bound) * 1e-9
            inside &= (x > bound + margin) if side > 0 else (x < bound - margin)
    return inside


def _whole_numbers(spec: Input, distinct: set[Any], year: int) -> dict[Any, Any]:
    """Whole numbers of a numeric input typed at once: ``Decimal(v)``, checked against the
    range of the type and the input's ``min``/``max`` as whole numbers (exact); a value
    outside, or too large for int64, is typed by :func:`typed_value` (which refuses it)."""
    values = list(distinct)
    low, high = _whole_range(spec)
    huge = [b for b in (low, high) if b is not None and abs(b) >= 2**62]
    if huge or not values or max(values) >= 2**62 or min(values) <= -(2**62):
        return {v: _typed(spec, v, year) for v in values}
    x = np.array(values, dtype=np.int64)
    inside = np.ones(len(values), dtype=bool)
    if low is not None:
        inside &= x >= low
    if high is not None:
        inside &= x <= high
    memo: dict[Any, Any] = dict(zip(values, map(Decimal, values), strict=True))
    for index in np.flatnonzero(~inside):
        memo[values[index]] = _typed(spec, values[index], year)
    return memo


_TABLE_CAP = 1 << 16
"""Whole numbers below this are typed from one table of decimals (``Decimal(i)`` at ``i``)."""
_TABLES: list[npt.NDArray[np.object_]] = [np.empty(0, dtype=object)]
_MADE: list[Mask] = [np.zeros(0, dtype=bool)]
"""Where :data:`_TABLES`' table holds a decimal (``None`` elsewhere)."""


def _decimal_table(x: npt.NDArray[np.int64]) -> npt.NDArray[np.object_]:
    """A table holding ``Decimal(i)`` at index ``i`` for every ``i`` in ``x``
    (``0 ≤ x < _TABLE_CAP``); at other indices, maybe ``None``.

    Kept for the process and filled as numbers are asked for: only the numbers met get a
    decimal (10,000 units of the 2023 set: 17,393 distinct whole numbers up to 49,993, where
    a decimal for every number up to the next power of two was 65,536 decimals, 6,6 MB of
    fresh memory in a process's first call). Decimals are immutable, so the same object may
    stand in every column and every call, as small ints do."""
    table, made = _TABLES[0], _MADE[0]
    top = int(x.max())
    if len(table) <= top:
        size = max(1024, 1 << top.bit_length())
        more = np.zeros(size, dtype=bool)
        more[: len(made)] = made  # before the decimals: each marked one is then copied too
        grown = np.empty(size, dtype=object)  # None throughout
        grown[: len(table)] = table
        table, made = _TABLES[0], _MADE[0] = grown, more
    wanted = x[~made[x]]
    if wanted.size:
        new = _sorted_distinct(wanted)
        # From an iterator: numpy given a list looks into each decimal for an array.
        table[new] = np.fromiter(map(Decimal, new.tolist()), dtype=object, count=len(new))
        made[new] = True  # after the decimals are in: a table read meanwhile finds them
    return table


def _sorted_distinct(x: npt.NDArray[np.int64]) -> npt.NDArray[np.int64]:
    """The distinct numbers of ``x``, in increasing order: what ``np.unique(x)`` gives, without
    its first call importing ``numpy.ma`` (17 ms idle: 1,7 µs a unit of a process's first
    :func:`~parindex.checks.check_many` of 10,000, and 0,6 MB of fresh memory)."""
    ordered = np.sort(x)
    first = np.ones(len(ordered), dtype=bool)
    np.not_equal(ordered[1:], ordered[:-1], out=first[1:])
    return ordered[first]


def _ints_at_once(
    spec: Input, cells: list[Any], read: npt.NDArray[np.int64] | None = None
) -> tuple[list[Any], npt.NDArray[np.int64]] | None:
    """A numeric column given as Python ``int`` in every cell, typed as :func:`typed_value`
    types it (``Decimal(v)``), with the cells as an int64 array; ``None`` when a cell is too
    large for int64 or outside the input's whole range (the memo path types, and refuses, it).

    ``read``: the cells as int64 already (read while in cache). Small non-negative numbers
    are read from :func:`_decimal_table` by index; others through ``np.unique``, one
    ``Decimal`` a distinct value."""
    if read is not None:
        x = read
    else:
        try:
            x = np.fromiter(cells, dtype=np.int64, count=len(cells))
        except OverflowError:  # beyond int64
            return None
    if not x.size:
        return None
    least, most = int(x.min()), int(x.max())
    low, high = _whole_range(spec)
    if (low is not None and least < low) or (high is not None and most > high):
        return None
    if least >= 0 and most < _TABLE_CAP:
        typed: list[Any] = _decimal_table(x)[x].tolist()
    else:
        distinct, inverse = np.unique(x, return_inverse=True)
        table = np.empty(len(distinct), dtype=object)
        table[:] = list(map(Decimal, distinct.tolist()))
        typed = table[inverse].tolist()
    return typed, x


def _whole_range(spec: Input) -> tuple[int | None, int | None]:
    """The whole numbers a numeric input accepts: ``low ≤ v ≤ high`` (``None``: no bound)."""
    import math

    low: int | None = None
    high: int | None = None
    if spec.type in (InputType.COUNT, InputType.PERCENT, InputType.RATIO):
        low = 0
    if spec.type == InputType.PERCENT:
        high = 100
    if spec.type == InputType.RATIO:
        high = 1
    if spec.min is not None:
        bound = math.ceil(spec.min)
        low = bound if low is None else max(low, bound)
    if spec.max is not None:
        bound = math.floor(spec.max)
        high = bound if high is None else min(high, bound)
    return low, high


def _one_by_one(spec: Input, cells: list[Any], years: Sequence[int]) -> list[Any]:
    """Mixed or unusual columns: a memo keyed by type and value where that is safe."""
    memo: dict[tuple[type, object, int], Any] = {}
    out: list[Any] = []
    for cell, year in zip(cells, years, strict=True):
        if cell is None:
            out.append(None)
            continue
        kind = type(cell)
        if kind not in _BY_VALUE:  # floats (-0.0 == 0.0), decimals (1.0 == 1), the rest
            out.append(_typed(spec, cell, year))
            continue
        key = (kind, cell, year)
        typed = memo.get(key, memo)
        if typed is memo:
            typed = memo[key] = _typed(spec, cell, year)
        out.append(typed)
    return out


_USUAL: dict[InputType, type] = {
    InputType.YES_NO: bool,
    InputType.DATE: dt.date,
    InputType.ENUM: str,
    **dict.fromkeys((InputType.COUNT, InputType.RATIO, InputType.PERCENT, InputType.AMOUNT), int),
}
"""The Python type an input's cells usually are in a file (told by an identity a cell)."""


class _Kinds:
    """Each input's Python types, told a few units at a time while in cache: the flat list's
    types at once, then each input's count of its usual type (an identity a cell); only an
    input holding another type has its types gathered as a set."""

    __slots__ = ("found_usual", "others", "usual")

    def __init__(self, inputs: list[InputType]) -> None:
        self.usual = list(map(_USUAL.__getitem__, inputs))
        self.found_usual = [False] * len(inputs)
        self.others: list[set[type]] = [set() for _ in inputs]

    def add(self, flat: list[Any], strides: list[slice], few: int) -> None:
        """The ``few`` units' cells, as one flat list (an input's: ``strides``)."""
        types = list(map(type, flat))
        counts = list(map(list.count, map(types.__getitem__, strides), self.usual))
        self.found_usual = list(map(operator.or_, self.found_usual, map(bool, counts)))
        for index in compress(range(len(counts)), map(operator.ne, counts, repeat(few))):
            self.others[index].update(types[strides[index]])

    def found(self) -> list[set[type]]:
        """Each input's Python types (``NoneType`` for a missing cell)."""
        usual = zip(self.others, self.usual, self.found_usual, strict=True)
        return [others | {kind} if seen else others for others, kind, seen in usual]


class _Ints:
    """The numeric columns' cells as int64, read a few units at a time while in cache.

    Valid for a column whose every cell is a Python ``int`` (``np.fromiter`` reads a float,
    a text or a ``bool`` too, silently: the caller asks only for such columns); a column
    holding a cell that ``fromiter`` refuses (``None``, beyond int64) is left out."""

    __slots__ = ("cells", "indices", "refused")

    def __init__(self, indices: list[int], n: int) -> None:
        self.indices = indices
        self.cells = np.empty((len(indices), n), dtype=np.int64)
        """Row ``at``: the cells of input ``indices[at]``, in unit order."""
        self.refused: set[int] = set()

    def add(self, start: int, cells: list[list[Any]]) -> None:
        """The few units' cells from ``start`` (one list an input)."""
        if not self.indices or not cells:
            return
        few = len(cells[0])
        picked = list(map(cells.__getitem__, self.indices))
        block = self.cells[:, start : start + few]
        try:
            block[:] = np.fromiter(
                chain.from_iterable(picked), dtype=np.int64, count=few * len(picked)
            ).reshape(len(picked), few)
        except (TypeError, ValueError, OverflowError):  # a null, a text, a big number
            for at, column in enumerate(picked):
                try:
                    block[at] = np.fromiter(column, dtype=np.int64, count=few)
                except (TypeError, ValueError, OverflowError):
                    self.refused.add(self.indices[at])

    def columns(self) -> dict[int, npt.NDArray[np.int64]]:
        """Each numeric column's int64 cells by the input's index, but the refused ones."""
        pairs = enumerate(self.indices)
        return {index: self.cells[at] for at, index in pairs if index not in self.refused}


class _Distinct:
    """Some columns' distinct cells, gathered a few units at a time while in cache (dates:
    a few hundred distinct of 10,000 cells); none once a cell is unhashable (a list in
    YAML: its column is typed one by one, and the others make their sets as before)."""

    __slots__ = ("indices", "sets")

    def __init__(self, indices: list[int]) -> None:
        self.indices = indices
        self.sets: list[set[Any]] | None = [set() for _ in indices]

    def add(self, cells: list[list[Any]]) -> None:
        """The few units' cells (one list an input)."""
        if not cells or self.sets is None:
            return
        try:
            deque(map(set.update, self.sets, map(cells.__getitem__, self.indices)), maxlen=0)
        except TypeError:
            self.sets = None

    def found(self) -> dict[int, set[Any]]:
        """Each column's set of cells by the input's index (none: a cell was unhashable)."""
        return {} if self.sets is None else dict(zip(self.indices, self.sets, strict=True))


# The numeric columns as the vector backend reads them (what the set's constraints check).


def _present(typed: list[Any]) -> Mask:
    return np.fromiter(map(operator.is_not, typed, repeat(None)), dtype=bool, count=len(typed))


def _whole_vector(
    cells: list[Any] | npt.NDArray[np.int64],
    zero: npt.NDArray[np.float64] | None = None,
    reuse: bool = False,
) -> Numbers | None:
    """A column of whole numbers as exact floats (error 0: ``zero`` if given, of the
    column's length, never written to), where every one is below 2**52 (``None``: one is
    not): the vector of ``Decimal(cells[i])``.

    ``reuse``: ``cells``, an int64 array, is read by no one after (then its memory holds the
    floats, no fresh array: 80 KB a column of 10,000, 20 page faults of a first call; it is
    left as it was where ``None`` is given back)."""
    if reuse and isinstance(cells, np.ndarray) and cells.dtype == np.int64:
        if cells.size and not (cells.min() > -_WHOLE_LIMIT and cells.max() < _WHOLE_LIMIT):
            return None
        floats = cells.view(np.float64)
        np.copyto(floats, cells, casting="unsafe")  # numpy reads them before it writes
        return Numbers(floats, np.zeros(len(cells)) if zero is None else zero)
    try:
        x = np.asarray(cells, dtype=np.float64)
    except OverflowError:  # beyond floats: the careful conversion bounds it
        return None
    if x.size and not np.abs(x).max() < _WHOLE_LIMIT:
        return None
    return Numbers(x, np.zeros(len(cells)) if zero is None else zero)


def _mixed_vector(cells: list[Any], typed: list[Any]) -> tuple[Numbers, Mask] | None:
    """The vector :func:`_vector` makes of a numeric column of whole numbers and floats none
    of which was refused (``typed``: the column typed, ``None`` where missing), from the
    cells themselves, and the rows present; ``None`` where a whole number is 2**52 or more.

    A float ``c`` is typed ``Decimal(repr(c))``, whose float is ``c`` (``repr`` round-trips),
    exact where ``Decimal(c)`` equals it (:func:`_exact`, told from the typed decimal); a
    whole number below 2**52 is a float exactly."""
    size = len(cells)
    present = _present(typed)
    given = np.empty(size, dtype=object)
    given[:] = cells
    given[~present] = 0.0
    kinds = map(type, given.tolist())
    is_float = np.fromiter(map(operator.is_, kinds, repeat(float)), dtype=bool, count=size)
    try:
        x = given.astype(np.float64)
    except OverflowError:  # pragma: no cover - a refused whole number never gets here
        return None
    whole = x[~is_float]
    if whole.size and not np.abs(whole).max() < _WHOLE_LIMIT:
        return None
    rows = is_float.tolist()
    floats: list[float] = x[is_float].tolist()
    decimals = dict(zip(floats, compress(typed, rows), strict=True))  # equal floats, equal reprs
    error = {f: 0.0 if _exact(f, d) else abs(f) * REL for f, d in decimals.items()}
    e = np.zeros(size)
    e[is_float] = list(map(error.__getitem__, floats))
    return Numbers(x, e), present


def _exact(f: float, typed: Decimal | None) -> bool:
    """Whether ``Decimal(f) == typed``, where ``typed`` is ``Decimal(repr(f))`` (``None``:
    a missing cell, read as 0.0), without the exact conversion (a microsecond a float).

    ``typed`` is ``a/b`` in lowest terms. Where ``b`` is 1, a whole number below 2**52 is a
    float exactly. Else ``f`` is not whole: ``f = p/2**j``, ``p`` odd, its exact decimal has
    ``j`` digits after the point, so the shortest ``repr`` has at most ``j`` and ``b``
    divides ``10**j``. A float is a fraction over a power of two, so ``b`` not one: not
    equal. ``b`` a power of two: ``typed`` and ``f`` are both multiples of ``2**-j``, which
    is at least ``f``'s ulp, and ``typed`` is within half an ulp of ``f``: equal."""
    if typed is None:
        return True
    try:
        denominator = typed.as_integer_ratio()[1]
    except (OverflowError, ValueError):  # pragma: no cover - infinities and NaN are refused
        return Decimal(f) == typed
    if denominator == 1:
        return abs(f) < _WHOLE_LIMIT or Decimal(f) == typed
    return denominator & (denominator - 1) == 0

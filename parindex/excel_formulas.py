"""The score columns' formulas: the backend's formula tree (:mod:`parindex.backends.excel`),
evaluated here exactly (in decimals), so every formula cell also stores the value it computes."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from itertools import islice
from typing import Any

from parindex.backends.excel import Arith as _Arith
from parindex.backends.excel import Fn as _Call
from parindex.backends.excel import Formula, Neg, render
from parindex.backends.excel import IfAny as _IfAny
from parindex.backends.excel import IfBlank as _IfBlank
from parindex.backends.excel import Num as _Num
from parindex.backends.excel import Ref as _Ref
from parindex.backends.excel import Round as _Round
from parindex.backends.excel import Text as _Text
from parindex.criteria import Aggregation
from parindex.excel_layout import (
    APPRAISED,
    COMPUTED,
    DIFF,
    MAX,
    SELF,
    SheetLayout,
    SheetRow,
    appraised_as_of,
)
from parindex.submission import Submission

_CLEAN = 9  # sums are rounded to 9 places in formulas: removes binary noise, never a real digit

# --- formulas: the backend's formula tree (rendered there), evaluated here ----------------------

_Expr = Formula
Cell = Decimal | None | _Expr  # a constant, a blank, or a formula
_Kept = tuple[dict[tuple[int, int], Cell], _Expr | None, _Expr | None]
"""A row's cells, and its self and appraised expressions (:attr:`Formulas.kept`)."""


class Evaluator:
    """Evaluates formulas as a spreadsheet does, in exact decimals.

    Blank cells are ignored by SUM, MAX and MIN (MAX and MIN of nothing are 0), count as
    0 in arithmetic, and equal ``""``; a formula cell is never blank.
    """

    def __init__(self, cells: Mapping[tuple[int, int], Cell]) -> None:
        self.cells = cells
        self.memo: dict[tuple[int, int], Decimal | None] = {}
        self.shared: dict[int, Decimal | None] = {}  # by id: expressions are shared and immutable

    def cell(self, row: int, col: int) -> Decimal | None:
        """A cell's value; ``None`` for a blank cell and for a formula showing ``""``."""
        key = (row, col)
        memo = self.memo  # formula cells only (a shape's program may have filled it)
        if key in memo:
            return memo[key]
        content = self.cells.get(key)
        if content is None or isinstance(content, Decimal):
            return content
        result = self.evaluate(content)
        found = memo[key] = result if result is not None or shows_empty(content) else Decimal(0)
        return found

    def value(self, expr: _Expr) -> Decimal:
        result = self.evaluate(expr)
        return Decimal(0) if result is None else result

    def evaluate(self, expr: _Expr) -> Decimal | None:
        if type(expr) is _Ref:  # the tree's classes are never subclassed
            return self.cell(expr.row, expr.col)
        if type(expr) is _Num:
            return expr.value
        shared, key = self.shared, id(expr)
        if key in shared:
            return shared[key]
        found = shared[key] = self.compute(expr)
        return found

    def compute(self, expr: _Expr) -> Decimal | None:
        if isinstance(expr, _Call):
            values = [v for v in (self.evaluate(a) for a in expr.args) if v is not None]
            if expr.name == "SUM":
                return sum(values, Decimal(0))
            if not values:
                return Decimal(0)
            return max(values) if expr.name == "MAX" else min(values)
        if isinstance(expr, _Round):
            step = Decimal(1).scaleb(-expr.places)
            return self.value(expr.arg).quantize(step, rounding=ROUND_HALF_UP)
        if isinstance(expr, _IfBlank):
            blank = self.evaluate(expr.ref) is None
            return self.evaluate(expr.then if blank else expr.otherwise)
        if isinstance(expr, _IfAny):
            entered = any(self.evaluate(r) is not None for r in expr.refs)
            return self.evaluate(expr.then if entered else expr.otherwise)
        if isinstance(expr, Neg):
            return -self.value(expr.arg)
        if isinstance(expr, _Text):
            return None  # "" (only ever chosen by IfAny; never summed or computed with)
        if not isinstance(expr, _Arith):
            raise TypeError(f"not a score sheet formula: {expr!r}")
        left, right = self.value(expr.left), self.value(expr.right)
        if expr.op == "+":
            return left + right
        if expr.op == "-":
            return left - right
        if expr.op == "*":
            return left * right
        return left / right


_EMPTY = _Text("")


def shows_empty(expr: _Expr) -> bool:
    """True for ``IF(COUNT(…)>0, …, "")``: a cell that shows nothing until something is entered."""
    return isinstance(expr, _IfAny) and expr.otherwise == _EMPTY


def _once_appraised(entries: tuple[_Ref, ...], expr: _Expr) -> _Expr:
    """``expr`` once an appraised score is entered among ``entries``, else an empty cell: an
    appraised total made only of the unit's own scores is never shown as appraised."""
    return _IfAny(entries, expr, _EMPTY) if entries else _EMPTY


# --- the formulas of a unit's sheet --------------------------------------------------------------


class Formulas:
    """Builds every cell of the score columns: constants, blanks and formulas.

    Rows are visited children first, so each row's expressions are built once from its
    children's and shared (expressions are immutable).
    """

    def __init__(
        self, sheet: SheetLayout, kept: dict[tuple[Any, ...], _Kept] | None = None
    ) -> None:
        self.sheet = sheet
        self.kept = kept
        """Each row's cells and values as built for a sheet before, by what they depend on
        (:meth:`cells`): the rows of a subtree alike on two sheets give the same expressions."""
        self.own: dict[str, _Expr] = {}
        """The unit's value of each applicable row: what the review's self column holds."""
        self.appraised: dict[str, _Expr] = {}
        """The appraised value of each applicable row, as the review resolves it."""

    def clamp(self, row: SheetRow, total: _Expr) -> _Expr:
        """``MAX(0, MIN(total, max))`` like the engine and the review cap a sum."""
        return _Call("MAX", (_Num(Decimal(0)), _Call("MIN", (total, _Ref(row.row, MAX)))))

    def aggregate(self, row: SheetRow, parts: tuple[_Expr, ...], computed: bool) -> _Expr:
        if row.aggregation == Aggregation.MAX:
            best = _Call("MAX", parts)
            return self.clamp(row, best) if computed else best
        return self.clamp(row, _Round(_Call("SUM", parts), _CLEAN))

    def maximum(self, row: SheetRow) -> Cell:
        if not row.applicable or row.leaf:
            return row.result.declared_max
        if not row.children:
            return row.result.max_points
        by_code = self.sheet.by_code
        counted = tuple(_Ref(by_code[c].row, MAX) for c in row.children if by_code[c].counted)
        if row.aggregation == Aggregation.MAX:
            return _Call("MAX", counted)
        total = _Round(_Call("SUM", counted), _CLEAN)
        if row.aggregation == Aggregation.CAPPED_SUM:
            return _Call("MIN", (total, _Num(row.result.declared_max)))
        return total

    def computed(self, row: SheetRow) -> Cell:
        if not row.children or row.result.points is None:
            return row.result.points
        parts = tuple(_Ref(self.sheet.by_code[c].row, COMPUTED) for c in row.children)
        return self.aggregate(row, parts, True)

    def visit(self, row: SheetRow, cells: dict[tuple[int, int], Cell]) -> None:
        """Build a row's self and appraised expressions (its children's are built)."""
        at = row.row
        self_cell, appraised_cell = _Ref(at, SELF), _Ref(at, APPRAISED)
        parts: tuple[_Expr, _Expr] | None = None
        if row.children:
            parts = (
                self.aggregate(row, tuple(self.own[c] for c in row.children), False),
                self.aggregate(row, tuple(self.appraised[c] for c in row.children), False),
            )
        if not row.entry:  # a parent whose cells hold the aggregates (blank if it has none)
            if parts is None:
                cells[at, SELF] = cells[at, APPRAISED] = None
            else:
                cells[at, SELF] = parts[0]
                cells[at, APPRAISED] = _once_appraised(self.entries(row), parts[1])
            self.own[row.code] = self_cell
            self.appraised[row.code] = _IfBlank(appraised_cell, self_cell, appraised_cell)
            return
        own: _Expr = self_cell
        if row.survey and row.result.points is not None:
            own = _Ref(at, COMPUTED)  # the survey result replaces any self-score
        elif parts is not None:
            own = _IfBlank(self_cell, parts[0], self_cell)  # scored at this level, or not
        appraised = own
        if parts is not None:
            # An appraisal that scores nothing under this row keeps the unit's score for it;
            # a survey result below counts as scored (as in the review).
            appraised = parts[1]
            below = [self.sheet.by_code[c] for c in row.below]
            if not any(d.survey and d.applicable and d.result.points is not None for d in below):
                entries = tuple(_Ref(d.row, APPRAISED) for d in below if d.entry)
                appraised = _IfAny(entries, parts[1], own) if entries else own
        self.own[row.code] = own
        self.appraised[row.code] = _IfBlank(appraised_cell, appraised, appraised_cell)

    def entries(self, row: SheetRow) -> tuple[_Ref, ...]:
        """The appraised-score cells a row's appraised value rests on: its own and those below."""
        rows = [row, *(self.sheet.by_code[c] for c in row.below)]
        return tuple(_Ref(r.row, APPRAISED) for r in rows if r.entry and r.applicable)

    def _row(
        self,
        row: SheetRow,
        cells: dict[tuple[int, int], Cell],
        self_scores: Mapping[str, Decimal],
        appraised: Mapping[str, Decimal],
    ) -> None:
        """A row's cells (its children's built)."""
        at = row.row
        cells[at, MAX] = self.maximum(row)
        if row.entry:
            cells[at, SELF] = self_scores.get(row.code)
            cells[at, APPRAISED] = appraised.get(row.code)
        if not row.applicable:
            cells[at, COMPUTED] = None
            return
        cells[at, COMPUTED] = self.computed(row)
        self.visit(row, cells)
        difference = _Arith("-", self.appraised[row.code], self.own[row.code])
        cells[at, DIFF] = _once_appraised(self.entries(row), difference)

    def cells(
        self, self_scores: Mapping[str, Decimal], appraised: Mapping[str, Decimal]
    ) -> dict[tuple[int, int], Cell]:
        cells: dict[tuple[int, int], Cell] = {}
        rows = self.sheet.rows
        kept = None if self_scores or appraised else self.kept  # kept: no unit's constants
        parts: Any = SheetFormulas.key(self.sheet)[0] if kept is not None else ()
        places = {row.code: at for at, row in enumerate(rows)} if kept is not None else {}
        for place in range(len(rows) - 1, -1, -1):
            row = rows[place]
            if kept is not None:  # a row's formulas rest on its subtree's rows only
                key = (place, parts[place], *[parts[places[c]] for c in row.below])
                found = kept.get(key)
                if found is not None:
                    made, own, shown = found
                    cells.update(made)
                    if own is not None and shown is not None:
                        self.own[row.code], self.appraised[row.code] = own, shown
                    continue
                before = len(cells)
            self._row(row, cells, self_scores, appraised)
            if kept is not None:
                made = dict(reversed(list(islice(reversed(cells.items()), len(cells) - before))))
                kept[key] = made, self.own.get(row.code), self.appraised.get(row.code)
        total, index = self.sheet.total_row, self.sheet.index_row
        areas = [self.sheet.by_code[a] for a in self.sheet.areas]
        cells[total, MAX] = _Round(_Call("SUM", tuple(_Ref(a.row, MAX) for a in areas)), _CLEAN)
        cells[total, SELF] = _Round(_Call("SUM", tuple(self.own[a.code] for a in areas)), _CLEAN)
        computed_sum = _Round(_Call("SUM", tuple(_Ref(a.row, COMPUTED) for a in areas)), _CLEAN)
        cells[total, COMPUTED] = _Call(
            "MAX", (_Num(Decimal(0)), _Call("MIN", (computed_sum, _Ref(total, MAX))))
        )
        everything = tuple(r for a in areas for r in self.entries(a))
        cells[total, APPRAISED] = _once_appraised(
            everything,
            _Round(_Call("SUM", tuple(self.appraised[a.code] for a in areas)), _CLEAN),
        )
        cells[total, DIFF] = _once_appraised(
            everything, _Arith("-", _Ref(total, APPRAISED), _Ref(total, SELF))
        )
        if self.sheet.max_points:
            hundred = _Num(Decimal(100))
            for col in (SELF, COMPUTED, APPRAISED):
                share = _Arith("/", _Arith("*", _Ref(total, col), hundred), _Ref(total, MAX))
                shown = _Round(share, 2)
                cells[index, col] = (
                    _once_appraised(everything, shown) if col == APPRAISED else shown
                )
            cells[index, DIFF] = _once_appraised(
                everything, _Arith("-", _Ref(index, APPRAISED), _Ref(index, SELF))
            )
        return cells


def sheet_values(
    grid: SheetLayout, submission: Submission
) -> tuple[dict[tuple[int, int], Cell], Evaluator]:
    """Every score cell of a unit's sheet (constants and formulas) and their evaluator."""
    cells = Formulas(grid).cells(
        {c: s.points for c, s in submission.self_scores.items()},
        {c: p for c, (p, _) in appraised_as_of(submission, grid.round).items()},
    )
    return cells, Evaluator(cells)


class _Key(tuple[object, ...]):
    """A sheet's shape (:meth:`SheetFormulas.key`): a tuple whose hash is made once. A unit's
    key is looked up some five times (its formulas, each sheet's rows, the validations), and
    a tuple's hash walks every row each time (~19 us); the key is also the one object kept
    for its shape (:data:`_KEYS`), so a lookup finds it by identity, not by comparing rows."""

    _hash: int

    def __hash__(self) -> int:
        try:
            return self._hash
        except AttributeError:
            made = self._hash = tuple.__hash__(self)
            return made

    def __reduce__(self) -> tuple[type[_Key], tuple[tuple[object, ...]]]:
        return _Key, (tuple(self),)  # not its hash: a string's differs between processes


_KEYS: dict[_Key, _Key] = {}
"""The key of each shape met (the first unit's), for :meth:`SheetFormulas.key`; emptied at
:data:`_KEYS_KEPT`."""
_KEYS_KEPT = 256
_CELL, _SUM, _MAX, _MIN, _ROUND, _IF_BLANK, _IF_ANY, _NEG, _TEXT, _ADD, _SUB, _MUL, _DIV = range(13)
_ARITH = {"+": _ADD, "-": _SUB, "*": _MUL, "/": _DIV}
_CALLS = {"SUM": _SUM, "MAX": _MAX, "MIN": _MIN}


class _Unsupported(Exception):
    """A formula the program does not know (the evaluator's tree walk is then used)."""


class _Program:
    """A shape's formulas as one list of steps in the order they depend on each other: every
    formula cell of a unit of the shape evaluated in one loop over a list of values, instead
    of the :class:`Evaluator`'s walk of the trees (a call a node). Both branches of an
    ``IF`` are evaluated: where that raises (a division by zero on a branch the sheet does
    not take), :meth:`run` gives up and the walk, which takes only the branch chosen,
    evaluates (the same operations, so the same decimals where both run).

    The steps are run in batches (:attr:`batches`): the steps of one kind at one depth (a
    step's depth is one more than its operands' deepest), which depend on none of each
    other, in one loop each, so a step is not told apart from the others one by one. A
    formula cell that only passes its formula's value on (one that shows ``""``, or whose
    formula is never blank) is no step: its slot is its formula's."""

    def __init__(self, cells: Mapping[tuple[int, int], Cell], own: list[tuple[int, int]]) -> None:
        self.shape_cells = cells
        self.values: list[Decimal | None] = []
        self.inputs: list[tuple[tuple[int, int], int]] = []
        self.steps: list[tuple[int, int, Any, Any, Any]] = []
        self.slots: dict[tuple[int, int], int] = {}
        self.shared: dict[int, int] = {}
        self.outputs: list[tuple[tuple[int, int], int]] = []
        self.depth: list[int] = []
        """Each slot's depth: its step's, or 0 (not a step's)."""
        self.filled: set[int] = set()
        """The slots never ``None``: constants and steps that always give a number."""
        own_set = set(own)
        for key in own:
            self.inputs.append((key, self._slot(None)))
            self.slots[key] = self.inputs[-1][1]
        for key, content in cells.items():
            if key not in own_set and content is not None and not isinstance(content, Decimal):
                self.outputs.append((key, self._cell(key)))
        self.batches = self._batched()

    def _slot(self, value: Decimal | None) -> int:
        self.values.append(value)
        self.depth.append(0)
        if value is not None:
            self.filled.add(len(self.values) - 1)
        return len(self.values) - 1

    def _cell(self, key: tuple[int, int]) -> int:
        found = self.slots.get(key)
        if found is not None:
            return found
        content = self.shape_cells.get(key)
        if content is None or isinstance(content, Decimal):
            slot = self.slots[key] = self._slot(content)
            return slot
        source = self._node(content)
        if shows_empty(content) or source in self.filled:  # the formula's value as it is
            self.slots[key] = source
            return source
        slot = self.slots[key] = self._step((_CELL, source, False, None), (source,), True)
        return slot

    def _step(self, step: tuple[int, Any, Any, Any], reads: tuple[int, ...], filled: bool) -> int:
        """A new step's slot: ``step`` (its kind and operands), reading the slots ``reads``."""
        depth = self.depth
        slot = self._slot(None)
        depth[slot] = 1 + max(map(depth.__getitem__, reads)) if reads else 1
        if filled:
            self.filled.add(slot)
        self.steps.append((step[0], slot, step[1], step[2], step[3]))
        return slot

    def _node(self, expr: _Expr) -> int:
        if type(expr) is _Ref:
            return self._cell((expr.row, expr.col))
        if type(expr) is _Num:
            return self._slot(expr.value)
        found = self.shared.get(id(expr))
        if found is not None:
            return found
        step: tuple[int, Any, Any, Any]
        filled = True  # the step always gives a number
        if type(expr) is _Call and expr.name in _CALLS:
            reads = tuple([self._node(a) for a in expr.args])
            step = (_CALLS[expr.name], reads, None, None)
        elif type(expr) is _Round:
            reads = (self._node(expr.arg),)
            step = (_ROUND, reads[0], Decimal(1).scaleb(-expr.places), None)
        elif type(expr) is _IfBlank:
            reads = (self._node(expr.ref), self._node(expr.then), self._node(expr.otherwise))
            step, filled = (_IF_BLANK, *reads), False
        elif type(expr) is _IfAny:
            refs = tuple([self._node(r) for r in expr.refs])
            reads = (*refs, self._node(expr.then), self._node(expr.otherwise))
            step, filled = (_IF_ANY, refs, reads[-2], reads[-1]), False
        elif type(expr) is Neg:
            reads = (self._node(expr.arg),)
            step = (_NEG, reads[0], None, None)
        elif type(expr) is _Text:
            reads, step, filled = (), (_TEXT, None, None, None), False
        elif type(expr) is _Arith and expr.op in _ARITH:
            reads = (self._node(expr.left), self._node(expr.right))
            step = (_ARITH[expr.op], *reads, None)
        else:
            raise _Unsupported(repr(expr))
        slot = self.shared[id(expr)] = self._step(step, reads, filled)
        return slot

    def _batched(self) -> list[tuple[int, list[tuple[Any, ...]]]]:
        """The steps by depth, then kind (each step as :attr:`steps` holds it)."""
        grouped: dict[int, list[tuple[Any, ...]]] = {}
        depth, kinds = self.depth, len(_ARITH) + _ADD
        for step in self.steps:
            at = depth[step[1]] * kinds + step[0]
            found = grouped.get(at)
            if found is None:
                grouped[at] = [step]
            else:
                found.append(step)
        return [(at % kinds, grouped[at]) for at in sorted(grouped)]

    def run(self, cells: Mapping[tuple[int, int], Cell], memo: dict[tuple[int, int], Any]) -> None:
        """Every formula cell's value (as :meth:`Evaluator.cell` gives it) into ``memo``, the
        unit's own constants read from ``cells``; nothing where an operation raises."""
        values: list[Any] = list(self.values)
        for key, slot in self.inputs:
            values[slot] = cells.get(key)
        zero = Decimal(0)
        try:
            for op, batch in self.batches:
                if op == _IF_BLANK:
                    for _, dst, a, b, c in batch:
                        values[dst] = values[b if values[a] is None else c]
                elif op == _SUB:
                    for _, dst, a, b, _ in batch:
                        left, right = values[a], values[b]
                        values[dst] = (zero if left is None else left) - (
                            zero if right is None else right
                        )
                elif op == _IF_ANY:
                    for _, dst, a, b, c in batch:
                        entered = False
                        for i in a:
                            if values[i] is not None:
                                entered = True
                                break
                        values[dst] = values[b if entered else c]
                elif op == _SUM:
                    for _, dst, a, _, _ in batch:
                        values[dst] = sum(
                            [v for v in [values[i] for i in a] if v is not None], zero
                        )
                elif op == _ROUND:
                    for _, dst, a, b, _ in batch:
                        given = values[a]
                        values[dst] = (zero if given is None else given).quantize(
                            b, rounding=ROUND_HALF_UP
                        )
                elif op in (_MAX, _MIN):
                    pick = max if op == _MAX else min
                    for _, dst, a, _, _ in batch:
                        found_all = [v for v in [values[i] for i in a] if v is not None]
                        values[dst] = pick(found_all) if found_all else zero
                elif op == _CELL:
                    for _, dst, a, _, _ in batch:
                        found = values[a]
                        values[dst] = zero if found is None else found
                elif op == _TEXT:
                    for _, dst, _, _, _ in batch:
                        values[dst] = None
                elif op == _NEG:
                    for _, dst, a, _, _ in batch:
                        given = values[a]
                        values[dst] = -(zero if given is None else given)
                else:
                    self._arith(op, batch, values)
        except ArithmeticError:
            return  # the tree walk evaluates what the sheet takes, and raises what it raises
        for key, slot in self.outputs:
            memo[key] = values[slot]

    @staticmethod
    def _arith(op: int, batch: list[tuple[Any, ...]], values: list[Any]) -> None:
        """``+``, ``*`` and ``/`` (``-`` is :meth:`run`'s own: the usual one), blanks as 0."""
        zero = Decimal(0)
        for _, dst, a, b, _ in batch:
            left, right = values[a], values[b]
            left = zero if left is None else left
            right = zero if right is None else right
            if op == _ADD:
                values[dst] = left + right
            elif op == _MUL:
                values[dst] = left * right
            else:
                values[dst] = left / right


@dataclass(frozen=True)
class _Shape:
    """The formulas of every unit whose sheet has one shape, and their text."""

    cells: Mapping[tuple[int, int], Cell]
    """The cells without the unit's own constants (scores typed, leaves' computed points)."""
    texts: Mapping[tuple[int, int], str]
    """Each formula's text, without the leading ``=``."""
    program: _Program | None
    """Every formula evaluated in one pass (``None``: a formula the program does not know)."""


class SheetFormulas:
    """The score cells of many units' sheets, their formulas built and rendered once a shape.

    Two units' formulas differ only where their sheets' shapes differ: which rows apply,
    which take entries, which leaves are undetermined, which survey criteria have a result.
    :meth:`values` gives what :func:`sheet_values` gives, the formulas shared by the units
    of one shape; only the constants (scores entered, leaves' computed points) are the
    unit's own. :meth:`text` is a formula cell's text.
    """

    def __init__(self, programs: bool = True, rows_kept: bool = True) -> None:
        self.shapes: dict[_Key, _Shape] = {}
        self.kept: dict[tuple[Any, ...], _Kept] | None = {} if rows_kept else None
        """Rows' cells built for shapes before (:attr:`Formulas.kept`): a new shape builds
        only the rows whose subtree differs, and the others' expressions are the same
        objects, whose text is rendered already (:attr:`rendered`). ``None``: each shape
        built whole (``rows_kept=False``)."""
        self.rendered: dict[int, tuple[_Expr, str]] = {}
        """A formula's text by its expression's identity."""
        self.programs = programs
        """Evaluate a shape's formulas in one pass (:class:`_Program`); off: by the walk."""

    @staticmethod
    def key(grid: SheetLayout) -> _Key:
        """What the formulas of a sheet depend on (besides the criteria set)."""
        rows = tuple(
            [
                (
                    r.code,
                    r.applicable,
                    r.entry,
                    r.result.points is None,
                    r.survey and r.result.points is not None,
                    None if r.leaf or r.children else r.result.max_points,
                )
                for r in grid.rows
            ]
        )
        made = _Key((rows, bool(grid.max_points)))
        found = _KEYS.get(made)
        if found is not None:
            return found
        if len(_KEYS) >= _KEYS_KEPT:
            _KEYS.clear()
        _KEYS[made] = made
        return made

    def values(
        self, grid: SheetLayout, submission: Submission, key: _Key | None = None
    ) -> tuple[dict[tuple[int, int], Cell], Evaluator, Mapping[tuple[int, int], str]]:
        """The unit's score cells, their evaluator and the formulas' texts (``key``: the
        sheet's :meth:`key`, if the caller has it)."""
        key = self.key(grid) if key is None else key
        shape = self.shapes.get(key)
        if shape is None:
            shared = Formulas(grid, self.kept).cells({}, {})
            for at, col in own_cells(grid):
                shared.pop((at, col), None)
            rendered = self.rendered
            texts = {}
            for where, content in shared.items():
                if content is not None and not isinstance(content, Decimal):
                    found = rendered.get(id(content))
                    if found is None:  # (the expression kept with it: its id stays its own)
                        found = rendered[id(content)] = content, render(content)
                    texts[where] = found[1]
            try:
                program: _Program | None = _Program(shared, own_cells(grid))
            except _Unsupported:
                program = None
            shape = self.shapes[key] = _Shape(shared, texts, program)
        cells = dict(shape.cells)
        scores = submission.self_scores
        appraised = appraised_as_of(submission, grid.round)
        for row in grid.rows:
            at = row.row
            if row.entry:
                own = scores.get(row.code)
                cells[at, SELF] = None if own is None else own.points
                given = appraised.get(row.code)
                cells[at, APPRAISED] = None if given is None else given[0]
            if row.applicable and (not row.children or row.result.points is None):
                cells[at, COMPUTED] = row.result.points
        evaluator = Evaluator(cells)
        if shape.program is not None and self.programs:
            shape.program.run(cells, evaluator.memo)
        return cells, evaluator, shape.texts


def own_cells(grid: SheetLayout) -> list[tuple[int, int]]:
    """The cells that hold a unit's own constants (filled in by :meth:`SheetFormulas.values`)."""
    own = []
    for row in grid.rows:
        if row.entry:
            own += [(row.row, SELF), (row.row, APPRAISED)]
        if row.applicable and (not row.children or row.result.points is None):
            own.append((row.row, COMPUTED))
    return own

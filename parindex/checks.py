"""Check many submissions at once: whole columns first, the careful check only where needed.

:func:`check_many` gives, for every submission, exactly what
:func:`~parindex.submission.check_submission` gives it: the typed values, or every
problem with its file, line, code and message. It gathers each input's values across
all units (one list per input), types each column once per distinct value, checks
domains and ranges through the same :func:`~parindex.submission.typed_value`, the
set's constraints over whole columns (:mod:`parindex.backends.vectors`, with its error
bounds) and the references (codes, documents, rounds, survey points) with set
operations. A unit any of these flags — a value refused, a constraint failing or
undecided, an unknown name or code — goes through :func:`check_submission` itself, so
its problems are the careful path's own, word for word. A unit nothing flags has no
problem there, and its values are the ones the careful path builds, in the same order.

Results are kept on each submission as :func:`check_submission` keeps its own, so
checking one of them again afterwards is free.
"""

from __future__ import annotations

import datetime as dt
import operator
from collections import deque
from collections.abc import (
    Callable,
    Iterable,
    Mapping,
    Sequence,
)
from dataclasses import dataclass, field
from decimal import Decimal
from itertools import chain, compress, repeat
from typing import Any, cast

import numpy as np
import numpy.typing as npt

from parindex.backends.vectors import REL, Bools, Dates, Evaluator, Numbers, Texts, Vector
from parindex.check_cells import (
    _BAD,
    _INT_FLOAT,
    _NUMBERS,
    _SAME,
    Mask,
    _as_given,
    _column_of,
    _Distinct,
    _Ints,
    _ints_at_once,
    _Kinds,
    _mixed_vector,
    _present,
    _whole_vector,
)
from parindex.check_results import _Frame, _results_of, _Values
from parindex.collector import paused
from parindex.criteria import CriteriaSet, InputType
from parindex.errors import EvaluationError, Problem, SubmissionError
from parindex.expressions import Value, ValueType
from parindex.submission import (
    CheckedSubmission,
    Submission,
    check_submission,
    keep_checks,
    kept_check,
)

__all__ = ["Columns", "check_columns", "check_many"]


def _vector(kind: ValueType, typed: list[Any]) -> tuple[Vector, Mask]:
    """A typed column as the vector backend reads it (missing cells: any value, not present)."""
    present = _present(typed)
    distinct = set(typed)
    distinct.discard(None)
    if kind == ValueType.NUMBER:
        floats = {v: float(v) for v in distinct}  # equal decimals, equal floats
        errors = {v: 0.0 if Decimal(f) == v else abs(f) * REL for v, f in floats.items()}
        floats[None] = errors[None] = 0.0
        x = np.fromiter(map(floats.__getitem__, typed), dtype=np.float64, count=len(typed))
        e = np.fromiter(map(errors.__getitem__, typed), dtype=np.float64, count=len(typed))
        return Numbers(x, e), present
    if kind == ValueType.BOOL:
        return Bools(np.fromiter((v is True for v in typed), dtype=bool, count=len(typed))), present
    if kind == ValueType.DATE:
        days: dict[Any, float] = {
            v: float(v.toordinal()) if isinstance(v, dt.date) else np.nan for v in distinct
        }
        days[None] = 1.0
        return Dates(np.fromiter(map(days.__getitem__, typed), np.float64, len(typed))), present
    texts = np.empty(len(typed), dtype=object)
    texts[:] = ["" if v is None else v for v in typed]
    return Texts(texts), present


@dataclass
class Columns:
    """Many units' typed values, one list per declared name (``None``: missing), in unit order.

    ``results[i]`` is what :func:`check_submission` gives unit ``i``: its
    :class:`CheckedSubmission`, or its problems. For a unit with problems the columns
    hold ``None`` throughout.
    """

    names: dict[str, ValueType]
    typed: dict[str, list[Any]]
    results: list[CheckedSubmission | list[Problem]]
    whole: dict[str, list[Any]] = field(default_factory=dict)
    """Numeric columns every unit gave as a whole number, none refused: the cells given
    (``typed`` holds them as decimals, or ``None`` for a unit with problems)."""
    ints: dict[str, npt.NDArray[np.int64]] = field(default_factory=dict)
    """Some of ``whole``'s columns, their cells as int64 (read only while in ``whole``)."""

    def vector(self, name: str) -> tuple[Vector, Mask]:
        """Column ``name`` for the vector backend, and the rows where it is present."""
        typed = self.typed[name]
        cells = self.whole.get(name)
        if cells is not None:
            exact = _whole_vector(self.ints.get(name, cells))
            if exact is not None:
                return exact, _present(typed)
        return _vector(self.names[name], typed)


_DISTINCT = frozenset({InputType.DATE, InputType.ENUM})
"""Inputs whose distinct cells are gathered while in cache (few distinct, each typed once)."""
_FEW = 64
_UNKEPT = frozenset({InputType.YES_NO, InputType.COUNT, InputType.DATE, InputType.ENUM})
"""Inputs whose columns :meth:`_Many.sweep` does not keep in :func:`check_many`: usually
typed without them (:meth:`_Many.unkept`)."""
"""Units whose names and cells are read together (some 250 KB of dict entries: in cache)."""
_UNIT = ("criteria", "unit", "values", "year")
_LEVEL_FACTS = ("level", "facts")
_PRIVATE = operator.attrgetter("__pydantic_private__")
_REFERENCES = ("self_scores", "survey", "documents", "appraisals")


def _told_without(kind: InputType, cell: object) -> bool:
    """Whether a column of input type ``kind`` whose cells are like ``cell`` is typed without
    being kept (:meth:`_Many.unkept`): a whole number of a numeric input (typed from its
    int64 cells), or a cell typed as itself (from its type and the distinct cells)."""
    return (kind in _NUMBERS and cell.__class__ is int) or (kind, cell.__class__) in _SAME


def _fields(models: Sequence[Any], names: tuple[str, ...]) -> list[tuple[Any, ...]]:
    """Each model's fields ``names``, read from its ``__dict__`` (where pydantic keeps them):
    a pydantic model's attributes go through its ``__getattr__`` hook, a dozen a unit."""
    try:
        return list(map(operator.itemgetter(*names), map(vars, models)))
    except KeyError:  # pragma: no cover - a validated model holds every field
        return list(map(operator.attrgetter(*names), models))


class _Many:
    """The column checks of many submissions against one set; flags what needs the careful one."""

    def __init__(
        self, criteria: CriteriaSet, submissions: Sequence[Submission], handed: bool
    ) -> None:
        self.criteria = criteria
        self.handed = handed
        """Whether the typed columns go to the caller (:func:`check_columns`): every one made."""
        self.needed = frozenset(
            n for check, _ in criteria.compiled.constraints for n in check.names
        )
        self.unread: list[str] = []
        """Yes/no inputs without a column (:meth:`sweep`), typed as given."""
        self.units = list(submissions)
        self.n = len(self.units)
        self.flagged = np.zeros(self.n, dtype=bool)
        self.nulls = np.zeros(self.n, dtype=bool)
        self.names = {name: info.type for name, info in criteria.compiled.env.items()}
        self.inputs = {i.name: i for i in criteria.inputs}
        self.facts = [f.name for f in criteria.facts]
        self.typed: dict[str, list[Any]] = {}
        self.codes = frozenset(criteria.compiled.nodes)
        self.same: set[str] = set()
        """Inputs whose every cell is typed as itself (the very object the unit holds)."""
        self.whole: dict[str, list[Any]] = {}
        """Numeric inputs given as whole numbers in every unit, none refused: their cells."""
        self.ints: dict[str, npt.NDArray[np.int64]] = {}
        """Some of those: their cells as int64 (each below 2**63 in size)."""
        self.mixed: dict[str, list[Any]] = {}
        """Numeric inputs given as whole numbers and floats, none refused: their cells."""
        self.in_order: list[bool] = []
        self.given: Sequence[dict[str, Any]] = ()
        """Each unit's values as given (its ``values``); read by :meth:`identity`."""
        self.years: Sequence[int] = ()
        self.references_given: list[tuple[Any, ...]] = []
        """Each unit's fields :data:`_REFERENCES`, one tuple a field (read with its identity)."""
        self.unit_facts: Sequence[dict[str, bool]] = ()
        self.rows: list[tuple[Any, ...]] | None = None
        self.pickers: dict[tuple[str, ...], Callable[[tuple[Any, ...]], Any]] = {}

    def flag(self, rows: Mask | list[bool]) -> None:
        self.flagged |= np.asarray(rows, dtype=bool)

    def identity(self) -> None:
        """The set and level each unit names; also what the later checks read of each unit,
        gathered in one pass over the units (each pass over many scattered objects costs)."""
        criteria = self.criteria
        empty: tuple[tuple[Any, ...], ...] = ((),) * 8
        parts = _fields(self.units, _UNIT + _REFERENCES)
        ids, units, self.given, self.years, *references = (
            zip(*parts, strict=True) if parts else empty
        )
        self.references_given = references
        facts = _fields(units, _LEVEL_FACTS)
        levels, self.unit_facts = zip(*facts, strict=True) if parts else ((), ())
        self.flag(list(map(operator.ne, ids, repeat(criteria.id))))
        self.flag(list(map(operator.not_, map(frozenset(criteria.levels).__contains__, levels))))

    def facts_and_inputs(self) -> None:
        facts = _Facts(self.facts, self.unit_facts, self.n)
        self.typed.update(zip(self.facts, facts.columns, strict=True))
        values = self.given
        columns, types, ints, distinct = self.sweep(facts)
        self.flag(list(map(operator.not_, facts.declared)))
        if not all(self.in_order):
            self.flag([not self.inputs.keys() >= v.keys() for v in values])
        years = self.years
        one_year = years[0] if years and years.count(years[0]) == len(years) else None
        only_int = {int}
        for index, ((name, spec), cells, kinds) in enumerate(
            zip(self.inputs.items(), columns, types, strict=True)
        ):
            if cells is None:  # not kept by the sweep: typed without it, or read now
                cells = self.unkept(name, kinds, ints.get(index), one_year, distinct.get(index))
                if cells is None:
                    continue
            if spec.type in _NUMBERS and kinds == only_int:
                at_once = _ints_at_once(spec, cells, ints.get(index))
                if at_once is not None:  # every cell a whole number inside the range
                    self.typed[name], self.ints[name] = at_once
                    self.whole[name] = cells
                    continue
            found = self.kinds(name, cells, kinds)
            given = distinct.get(index)
            typed, refused = _column_of(spec, cells, found, years, one_year, given)
            if refused:
                bad = [t is _BAD for t in typed]
                self.flag(bad)
                typed = [None if b else t for t, b in zip(typed, bad, strict=True)]
            self.typed[name] = typed
            if typed is cells:  # each cell typed as itself: the unit's own value
                self.same.add(name)
            elif not refused and spec.type in _NUMBERS and kinds == only_int:
                self.whole[name] = cells
            elif not refused and spec.type in _NUMBERS and float in found and found <= _INT_FLOAT:
                self.mixed[name] = cells

    def unkept(
        self,
        name: str,
        kinds: set[type],
        read: npt.NDArray[np.int64] | None,
        year: int | None,
        gathered: set[Any] | None,
    ) -> list[Any] | None:
        """A column the sweep did not keep: typed from what the sweep told of it, where that
        is enough (``None``), else its cells read from the units.

        Enough where every cell is a whole number inside the input's range (``read``: the
        cells as int64; typed through the table of decimals), or is typed as itself, none
        refused (:func:`_as_given`, from the cells' types and the distinct cells
        ``gathered``; ``year``: every unit's year when they all share it): its values are
        then built from the units' own, and a constraint reading it has it read now."""
        spec = self.inputs[name]
        if spec.type in _NUMBERS and kinds == {int} and read is not None:
            at_once = _ints_at_once(spec, [], read)
            if at_once is not None:  # every cell a whole number inside the range
                self.typed[name], self.ints[name] = at_once
                return None
        at = year if year is not None else self.years[0] if self.years else 0
        if type(None) not in kinds and _as_given(spec, kinds, year, at, gathered):
            self.same.add(name)
            if name not in self.needed:
                self.unread.append(name)
                return None
            self.typed[name] = list(map(dict.get, self.given, repeat(name)))
            return None
        return list(map(dict.get, self.given, repeat(name)))

    def sweep(
        self, facts: _Facts
    ) -> tuple[
        list[list[Any] | None],
        list[set[type]],
        dict[int, npt.NDArray[np.int64]],
        dict[int, set[Any]],
    ]:
        """Each input's column (``None``: not read, below), its cells' Python types, the
        numeric columns as int64 and the date and choice columns' distinct cells by the
        input's index; the declared order tested and the facts read on the way.

        A few units at a time, their names are read, then their cells put in one flat list
        (unit after unit, in the declared order), each input's cells a strided slice of it,
        and their Python types told while the few are in cache (a pass over 10,000 scattered
        units and cells misses it each time; ``zip`` of the few units' values took twice as
        long as the flat list). In :func:`check_many`, a yes/no input no constraint reads
        has no column (77 of the 2023 set's 136 inputs: 6 MB of fresh memory): its cells are
        typed as themselves, so the values are built from the units' own; it is read from
        the units only if a cell is not a yes/no, or a unit's values are picked. Nor is a
        column of whole numbers, dates or choices kept there (54 more: 4,3 MB, some 1 050
        page faults of a first call): the few units' cells are read as int64 and the distinct
        dates and choices gathered all the same, which types them (:meth:`unkept`)."""
        values = self.given
        names = list(self.inputs)
        declared = tuple(names)
        # The usual file: every input, in the declared order. Compared with the first unit's
        # names when they are those: units built alike share their name objects (equal at once).
        first = tuple(values[0]) if values else declared
        known = first if first == declared else declared
        specs = list(self.inputs.values())
        read_ = [
            i
            for i, (name, spec) in enumerate(self.inputs.items())
            if self.handed or spec.type != InputType.YES_NO or name in self.needed
        ]
        at = {index: position for position, index in enumerate(read_)}
        # Kept: every column read where the caller takes them; else only the amounts' (their
        # floats are typed from the cells), the others typed from what the sweep tells.
        # Kept too: a column whose first cell tells it is not typed so (a count or a date
        # given as text: read again from 10,000 scattered units after, 54 times, was
        # 60 µs a unit of the text form's call).
        head = values[0] if values else {}
        keep = [
            i
            for i in read_
            if self.handed
            or specs[i].type not in _UNKEPT
            or not _told_without(specs[i].type, head.get(names[i]))
        ]
        kept: list[list[Any]] = [[None] * self.n for _ in keep]
        columns: list[list[Any] | None] = [None] * len(names)
        for index, column in zip(keep, kept, strict=True):
            columns[index] = column
        keeping = [at[i] for i in keep]
        told = _Kinds([spec.type for spec in specs])
        read = _Ints([at[i] for i, spec in enumerate(specs) if spec.type in _NUMBERS], self.n)
        sets = _Distinct([at[i] for i, spec in enumerate(specs) if spec.type in _DISTINCT])
        strides = [slice(i, None, len(names)) for i in range(len(names))]
        reading = [strides[index] for index in read_]
        self.in_order = []
        every = list(known) * _FEW
        for start in range(0, self.n, _FEW):
            few = values[start : start + _FEW]
            in_order = _in_order(few, known, every)
            self.in_order += in_order
            units: Iterable[Iterable[Any]] = (
                map(dict.values, few)  # the usual few: no Python frame a unit
                if all(in_order)
                else (
                    v.values() if ordered else map(v.get, names)
                    for v, ordered in zip(few, in_order, strict=True)
                )
            )
            # Each unit's cells appended by list.extend: no chain iterator a cell (~0,5 µs a
            # unit less; the same for the names in _in_order).
            flat: list[Any] = []
            deque(map(flat.extend, units), maxlen=0)
            cells = list(map(flat.__getitem__, reading))  # a list an input read
            stored = map(cells.__getitem__, keeping)
            deque(map(operator.setitem, kept, repeat(slice(start, start + len(few))), stored), 0)
            told.add(flat, strides, len(few))
            read.add(start, cells)
            sets.add(cells)
            facts.add(start, start + len(few))
        types = told.found()
        ints, distinct = read.columns(), sets.found()
        return (
            columns,
            types,
            {read_[i]: x for i, x in ints.items()},
            {read_[i]: found for i, found in distinct.items()},
        )

    def all_columns(self) -> None:
        """The columns :meth:`sweep` did not read, from the units' values (their cells)."""
        for name in self.unread:
            self.typed[name] = list(map(dict.get, self.given, repeat(name)))
        self.unread = []

    def kinds(self, name: str, cells: list[Any], kinds: set[type]) -> set[type]:
        """The Python types ``kinds`` of a column's cells other than ``None``; rows with a
        ``null`` noted."""
        nothing = type(None)
        if nothing not in kinds:
            return kinds
        for row in [r for r, c in enumerate(cells) if c is None]:
            if name in self.units[row].values:  # written as null: missing, left out
                self.nulls[row] = True
        return kinds - {nothing}

    def constraints(self) -> None:
        constraints = self.criteria.compiled.constraints
        if not constraints or not self.n:
            return
        needed = sorted(self.needed)
        columns = Columns(self.names, self.typed, [], self.whole, self.ints)
        # The whole-number columns' zero bound and rows present, one read-only array each for
        # all of them (a zeros and a ones a column were 3,2 MB of fresh memory a call).
        zero, everywhere = np.zeros(self.n), np.ones(self.n, dtype=bool)
        zero.flags.writeable = everywhere.flags.writeable = False
        vectors = {name: self.vector(columns, name, zero, everywhere) for name in needed}
        evaluator = Evaluator(self.n, {name: v for name, (v, _) in vectors.items()})
        for check, _message in constraints:
            known = ~self.flagged
            for name in check.names:
                column, present = vectors[name]
                known &= present
                if isinstance(column, Dates):  # a report never sent has no date to order
                    known &= ~np.isnan(column.d)
            evaluator.reset()
            try:
                holds = evaluator.truth(check.root)
            except EvaluationError:  # pragma: no cover - the vector backend never raises
                holds = np.zeros(self.n, dtype=bool)
                evaluator.flag(np.ones(self.n, dtype=bool))
            self.flag(known & (~holds | evaluator.unsure))

    def vector(
        self, columns: Columns, name: str, zero: npt.NDArray[np.float64], everywhere: Mask
    ) -> tuple[Vector, Mask]:
        """:meth:`Columns.vector`, before any unit is checked the careful way: a column typed
        by :func:`_ints_at_once` is then present in every row (no cell was ``None``:
        ``everywhere``, its bound ``zero``, both shared), and one of whole numbers and floats
        is made from its cells (:func:`_mixed_vector`). In :func:`check_many`, whose
        caller never sees the int64 cells, the floats are made in their memory: the
        column's int64 cells are then gone (no fresh array, 2,7 MB for the 2023 set's 34)."""
        ints, mixed = self.ints.get(name), self.mixed.get(name)
        if ints is not None:
            exact = _whole_vector(ints, zero, reuse=not self.handed)
            if exact is not None:
                if not self.handed:
                    del self.ints[name]  # its memory holds the floats now
                return exact, everywhere
        elif mixed is not None:
            numbers = _mixed_vector(mixed, self.typed[name])
            if numbers is not None:
                return numbers
        return columns.vector(name)

    def references(self) -> None:
        codes = self.codes
        given = {
            code: node.node.max_points
            for code, node in self.criteria.compiled.nodes.items()
            if node.kind is not None and node.kind.given
        }
        rows = np.flatnonzero(~self.flagged).tolist()
        units = _rows_of(self.units, rows, self.n)
        scores, surveys, documents, appraisals = (
            _rows_of(column, rows, self.n) for column in self.references_given
        )
        # Every self-scored code and survey point at once; unit by unit only where one fails.
        # The codes gathered in one set first: set.union reads each dict's entries with their
        # hashes, no iterator a code (a unit's 108 codes: 2,8 -> 1,6 µs at load 7).
        scored: set[str] = set().union(*scores)
        if not (codes.issuperset(scored) and _surveyed(given, surveys)):
            for at, unit in enumerate(units):
                ok = codes.issuperset(scores[at])
                if ok and unit.survey:
                    ok = all(code in given and p <= given[code] for code, p in unit.survey.items())
                if not ok:
                    self.flagged[rows[at]] = True
        for at in compress(range(len(rows)), documents):
            if not self.documents_ok(documents[at], units[at].year):
                self.flagged[rows[at]] = True
        for at in compress(range(len(rows)), appraisals):
            if not self.appraisals_ok(units[at]):
                self.flagged[rows[at]] = True

    def documents_ok(self, documents: Sequence[Any], year: int) -> bool:
        if len({d.id for d in documents}) != len(documents):
            return False
        if not all(self.codes.issuperset(d.supports) for d in documents):
            return False
        low, high = dt.date(year - 5, 1, 1), dt.date(year + 1, 12, 31)
        return all(d.date is None or low <= d.date <= high for d in documents)

    def appraisals_ok(self, unit: Submission) -> bool:
        rounds = [a.round for a in unit.appraisals]
        if rounds != sorted(set(rounds)):
            return False
        for appraisal in unit.appraisals:
            if not self.codes.issuperset(appraisal.scores):
                return False
            if not self.codes.issuperset(appraisal.unit_response):
                return False
            if not self.documents_ok(appraisal.added_documents, unit.year):
                return False
        return True

    def results(self, handed: bool) -> list[CheckedSubmission | list[Problem]]:
        """Unflagged units: their values as the careful check builds them; flagged: that check.

        The usual unit (good, every input in the declared order, no null) gets its result
        made at once with the others; each good unit's result is kept on it, in unit order.
        ``handed``: the typed columns go to the caller (:func:`check_columns`), who may
        change them: the values are then built from a copy of the columns they read."""
        changed = [name for name in self.inputs if name not in self.same]
        columns: list[Sequence[Any]] = [self.typed[n] for n in changed]
        if handed:
            columns = list(map(tuple, columns))
        frame = _Frame(list(self.inputs), changed, columns, self.unit_facts, self.given)
        usual = ~self.flagged & ~self.nulls & np.array(self.in_order, dtype=bool)
        rows = np.flatnonzero(usual).tolist()
        values = _Values.made(frame, rows)  # built when read
        made = _results_of(_rows_of(self.units, rows, self.n), values)
        if len(rows) == self.n:
            keep_checks(self.criteria, made)
            return cast(list[CheckedSubmission | list[Problem]], made)  # a fresh list already
        out: list[CheckedSubmission | list[Problem]] = [[]] * self.n
        for row, checked in zip(rows, made, strict=True):
            out[row] = checked
        flagged = self.flagged.tolist()
        for row in np.flatnonzero(~usual).tolist():
            if flagged[row]:
                out[row] = self.careful(row)
            else:
                out[row] = CheckedSubmission(self.units[row], self.picked(row, self.units[row]))
        keep_checks(self.criteria, [r for r in out if isinstance(r, CheckedSubmission)])
        return out

    def picked(self, row: int, unit: Submission) -> dict[str, Value]:
        """The values of a unit that leaves inputs out, orders them otherwise or writes a null."""
        if self.rows is None:
            self.all_columns()
            inputs = [self.typed[name] for name in self.inputs]
            self.rows = list(zip(*inputs, strict=True)) if inputs else [()] * self.n
        keys = tuple(unit.values)
        values: dict[str, Value] = dict(unit.unit.facts)
        picker = self.pickers.get(keys)
        if picker is None:
            position = {name: index for index, name in enumerate(self.inputs)}
            picker = self.pickers[keys] = _picker([position[k] for k in keys])
        picked = picker(self.rows[row]) if keys else ()
        if self.nulls[row]:  # a value written as null: missing, left out as check_submission does
            values.update((k, v) for k, v in zip(keys, picked, strict=True) if v is not None)
        else:
            values.update(zip(keys, picked, strict=True))
        return values

    def careful(self, row: int) -> CheckedSubmission | list[Problem]:
        unit = self.units[row]
        try:
            checked = check_submission(self.criteria, unit)
        except SubmissionError as error:
            for name in self.typed:
                self.typed[name][row] = None
            return list(error.problems)
        for name in self.typed:  # a unit flagged only as undecided: its values as checked
            self.typed[name][row] = checked.values.get(name)
        for name in [n for n, cells in self.whole.items() if checked.values.get(n) != cells[row]]:
            del self.whole[name]  # a result kept from before, of other cells: no longer whole
        return checked


class _Facts:
    """The facts' columns, and whether each unit names declared facts only, read a few units
    at a time with their inputs (three passes over 10,000 scattered dicts before)."""

    __slots__ = ("columns", "declared", "known", "names", "unit_facts")

    def __init__(self, names: list[str], unit_facts: Sequence[dict[str, bool]], n: int) -> None:
        self.names = names
        self.known = frozenset(names)
        self.unit_facts = unit_facts
        self.columns: list[list[Any]] = [[None] * n for _ in names]
        """A column a fact (``None``: not given), in unit order."""
        self.declared: list[bool] = []
        """Whether each unit read so far names declared facts only."""

    def add(self, start: int, stop: int) -> None:
        """Units ``start`` to ``stop``, after those read before."""
        few = self.unit_facts[start:stop]
        self.declared += map(self.known.issuperset, few)
        for column, name in zip(self.columns, self.names, strict=True):
            column[start:stop] = map(dict.get, few, repeat(name))


def _surveyed(given: Mapping[str, Any], surveys: Sequence[dict[str, Any]]) -> bool:
    """Whether every survey's codes are ``given`` codes and its points at most theirs."""
    # Each unit's survey read once (a pass over many scattered dicts costs a cache miss each),
    # its codes and its points in two flat lists (not a pair a code, then pulled apart).
    codes = list(chain.from_iterable(surveys))
    points = list(chain.from_iterable(map(dict.values, surveys)))
    if not given.keys() >= set(codes):
        return False
    top = map(given.__getitem__, codes)
    try:
        return all(map(operator.le, points, top))
    except ArithmeticError:  # pragma: no cover - points are finite: unit by unit, then
        return False


def _rows_of(column: Sequence[Any], rows: list[int], n: int) -> Sequence[Any]:
    """``column``'s items at ``rows`` (increasing, out of ``n``): the column itself when
    ``rows`` are all ``n`` (the usual call: no list of 10,000 made again)."""
    return column if len(rows) == n else list(map(column.__getitem__, rows))


def _in_order(
    few: Sequence[dict[str, Any]], known: tuple[str, ...], every: list[str]
) -> list[bool]:
    """Whether each unit's names (``few``: their values) are ``known``, in that order.

    At once where the few units' names, one unit after another, are ``known`` repeated
    (``every``: ``known`` :data:`_FEW` times): any ``len(known) + 1`` names in a row there
    repeat one, a dict's names are distinct, so no unit holds more than ``len(known)``;
    the lengths add up, so each holds ``len(known)``, each at its place: ``known``. One
    list of names compared (by identity, for the usual shared name objects), not a tuple
    made and compared a unit. Else unit by unit."""
    size = len(few) * len(known)
    names: list[str] = []
    deque(map(names.extend, few), maxlen=0)
    if len(names) == size and names == (every if len(every) == size else list(known) * len(few)):
        return [True] * len(few)
    return list(map(operator.eq, map(tuple, few), repeat(known)))


def _picker(indices: list[int]) -> Callable[[tuple[Any, ...]], tuple[Any, ...]]:
    """Picks ``indices`` out of a row, always as a tuple."""
    if len(indices) == 1:
        (index,) = indices
        return lambda row: (row[index],)
    if not indices:
        return lambda row: ()
    return operator.itemgetter(*indices)


def check_columns(criteria: CriteriaSet, submissions: Sequence[Submission]) -> Columns:
    """:func:`check_many`, with the typed values as columns (what batch scoring reads)."""
    return _checked(criteria, submissions, handed=True)


def _checked(criteria: CriteriaSet, submissions: Sequence[Submission], handed: bool) -> Columns:
    """:func:`check_columns`; ``handed``: whether its typed columns go to the caller."""
    # Many objects made, none of them garbage: nothing for the collector to walk now, nor
    # in the young collections after (settled: only a full collection walks them, as it
    # walks every old object).
    with paused(settle=True):
        many = _Many(criteria, submissions, handed)
        done = _kept_rows(criteria, many.units)
        many.identity()
        many.facts_and_inputs()
        many.constraints()
        many.references()
        many.flagged[done] = True  # checked before: check_submission returns what it kept
        return Columns(many.names, many.typed, many.results(handed), many.whole, many.ints)


def _kept_rows(criteria: CriteriaSet, units: list[Submission]) -> list[int]:
    """The units :func:`check_submission` kept a result of against ``criteria``: those
    holding any kept result told in one pass (usually none), then each of them asked."""
    try:
        found = list(map(dict.get, map(_PRIVATE, units), repeat("_checked")))
    except TypeError:  # pragma: no cover - a Submission always has its private attributes
        found = [True] * len(units)
    holding = compress(range(len(units)), map(operator.is_not, found, repeat(None)))
    return [row for row in holding if kept_check(criteria, units[row]) is not None]


def check_many(
    criteria: CriteriaSet, submissions: Sequence[Submission]
) -> list[CheckedSubmission | list[Problem]]:
    """Check many submissions; for each, what :func:`check_submission` gives it.

    Item ``i`` is unit ``i``'s :class:`CheckedSubmission` (its typed values, equal and
    in the same order to those :func:`check_submission` builds), or the list of its
    problems — the very problems :func:`check_submission` raises for it, with the same
    file, line, field, code and message. One bad unit never blocks the others. Each
    good unit's result is kept on it, so :func:`check_submission` of it afterwards is
    free. Much faster than checking one by one: columns are checked at once, and only
    units something flags are checked one by one.

    >>> results = check_many(criteria, submissions)  # doctest: +SKIP
    >>> problems = [p for r in results if isinstance(r, list) for p in r]  # doctest: +SKIP
    """
    return _checked(criteria, submissions, handed=False).results

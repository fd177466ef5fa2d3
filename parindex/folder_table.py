"""A folder of submissions straight to the table that batch scoring reads, on every core.

:func:`read_table` gives what :func:`~parindex.batch_units.from_submissions` builds from the
submissions :func:`~parindex.folders.read_submissions` reads — the same table, and the same
problems, each with its file and line, in the same order — without a
:class:`~parindex.submission.Submission` crossing between processes. Each process reads,
validates and checks its slices of the files (:func:`~parindex.checks.check_columns`) and
sends back only the columns of typed values, the unit columns and the given points: plain
lists a few kilobytes long, where a pickled submission costs about as much to send as to
read. What is rare — a unit read twice — is worked out here, reading that file again.

:func:`~parindex.batch.score_many` of a folder reads it this way.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field, fields
from decimal import Decimal
from itertools import chain
from pathlib import Path
from typing import TYPE_CHECKING, Any

from parindex.collector import paused
from parindex.criteria import CriteriaSet
from parindex.errors import Problem
from parindex.expressions import Value, ValueType

if TYPE_CHECKING:
    from parindex.backends.vectors import Mask, Vector
    from parindex.batch_units import Table

__all__ = ["read_table"]

SLICES_A_READER = 12
"""Slices of the files for each reader: fewer and larger than for reading alone, since each
slice's units are checked together (column by column: the larger, the cheaper a unit), yet
enough that this process and the others end together (within a slice)."""


@dataclass
class _Part:
    """What one slice of the files gives: per file, its fate; the good units' columns."""

    fates: list[tuple[str, Any]] = field(default_factory=list)
    """``("bad", problems)``, ``("note", problem)`` or ``("good", (criteria, year, unit id))``."""
    typed: dict[str, list[Any]] = field(default_factory=dict)
    meta: dict[str, list[Any]] = field(default_factory=dict)
    given: dict[str, list[Decimal | None]] = field(default_factory=dict)
    digests: list[str | None] = field(default_factory=list)
    """Per file, its SHA-256 if the file cache may keep its row (:mod:`parindex.file_cache`)."""
    vectors: dict[str, tuple[Vector, Mask]] | None = None
    """Each typed column as the vector backend reads it, and where it is present (made
    where the slice is read, on whichever core; ``None``: made when the parts are joined)."""


_CRITERIA: list[CriteriaSet] = []
"""The set a reading process checks against (sent once, when the process starts)."""


def _start(criteria: CriteriaSet) -> None:  # pragma: no cover - runs in a reading process
    _CRITERIA[:] = [criteria]


def _part_here(paths: Sequence[Path], criteria: CriteriaSet) -> _Part:
    with paused():
        return _part(paths, criteria)


def _part_there(paths: Sequence[Path]) -> _Part:  # pragma: no cover - in a reading process
    return _part_here(paths, _CRITERIA[0])


def _part(paths: Sequence[Path], criteria: CriteriaSet) -> _Part:
    """One slice read, validated and checked; the good units as columns."""
    from parindex.batch_units import given_points, unit_columns
    from parindex.checks import _vector, check_columns
    from parindex.file_cache import after, before
    from parindex.folders import _ident, _other_set, _read, _with_later
    from parindex.submission import Submission

    part = _Part()
    seen = before(paths)  # the file cache: each file's digest, if its row may be kept
    results = [_read(path) for path in paths]
    part.digests = after(paths, seen) if seen else [None] * len(paths)
    units = [r for r in results if isinstance(r, Submission) and r.criteria == criteria.id]
    columns = check_columns(criteria, units)
    rows: list[int] = []
    at = 0
    for path, result in zip(paths, results, strict=True):
        if isinstance(result, list):
            part.fates.append(("bad", _with_later(path, result, criteria)))
        elif result.criteria != criteria.id:
            part.fates.append(("note", _other_set(result, criteria)))
        else:
            checked = columns.results[at]
            if isinstance(checked, list):
                part.fates.append(("bad", checked))
            else:
                part.fates.append(("good", _ident(result)))
                rows.append(at)
            at += 1
    good = [units[row] for row in rows]
    part.typed = {name: [typed[row] for row in rows] for name, typed in columns.typed.items()}
    if not seen:  # the file cache is off: else the rows are joined with the cache's first
        part.vectors = {name: _vector(kind, part.typed[name]) for name, kind in _types(criteria)}
    part.meta = unit_columns(good)
    part.given = given_points(criteria, good)
    return part


class _Row(Mapping[str, Value]):
    """One unit's typed values, read from the columns (a missing value is not there)."""

    __slots__ = ("_at", "_typed")

    def __init__(self, typed: dict[str, list[Any]], at: int) -> None:
        self._typed, self._at = typed, at

    def __getitem__(self, name: str) -> Value:
        value = self._typed[name][self._at]
        if value is None:
            raise KeyError(name)
        return value  # type: ignore[no-any-return]

    def __iter__(self) -> Iterator[str]:
        return (name for name, typed in self._typed.items() if typed[self._at] is not None)

    def __len__(self) -> int:
        return sum(1 for _ in self)


class _Rows(Sequence[Mapping[str, Value]]):
    """Each unit's exact values (:attr:`~parindex.batch_units.Table.rows`), from the columns."""

    def __init__(self, typed: dict[str, list[Any]], n: int) -> None:
        self._typed, self._n = typed, n

    def __getitem__(self, at: int) -> _Row:  # type: ignore[override]
        if not 0 <= at < self._n:
            raise IndexError(at)
        return _Row(self._typed, at)

    def __len__(self) -> int:
        return self._n


def read_table(
    files: Sequence[Path],
    criteria: CriteriaSet,
    *,
    workers: int,
    done: Callable[[int], None] | None = None,
    keep_duplicates: bool = False,
) -> tuple[Table, list[Problem], list[Problem]]:
    """The table of the good units of ``files``, the problems of the others, the files left out.

    What :func:`~parindex.folders.read_submissions` and then
    :func:`~parindex.batch_units.from_submissions` of its submissions give (the same table;
    the same problems and notes, in the same order), read by ``workers`` processes.
    """
    from parindex.batch_units import Given, Table, from_submissions
    from parindex.checks import _vector
    from parindex.file_cache import FileCache
    from parindex.folders import _duplicate, _key, _read, in_slices

    with paused():
        cache = FileCache.open(criteria, files)  # rows of files read before (None: off)
        if cache is not None and done is not None and len(cache.misses) < len(files):
            done(len(files) - len(cache.misses))
        parts = in_slices(
            files if cache is None else cache.misses,
            workers,
            lambda paths: _part(paths, criteria),
            _part_there,
            done,
            start=(_start, (criteria,)),
            per_reader=SLICES_A_READER,
        )
        if cache is not None:
            parts = [cache.merged(parts)]  # every file in order; new good rows kept
        errors: list[Problem] = []
        notes: list[Problem] = []
        seen: dict[tuple[str, int, str] | str, Path] = {}  # one row a unit: folders._key
        kept: list[int] = []
        row = 0
        paths = iter(files)
        for part in parts:
            for fate, what in part.fates:
                path = next(paths)
                if fate == "bad":
                    errors += what
                elif fate == "note":
                    notes.append(what)
                else:
                    first = seen.setdefault(_key(what, criteria), path)
                    if first is path or keep_duplicates:
                        kept.append(row)
                    else:
                        twice = _read(path)  # read again to word its problem
                        if isinstance(twice, list):  # changed or gone meanwhile
                            errors += twice
                        else:
                            errors.append(_duplicate(twice, str(first)))
                    row += 1
        if not parts:
            return from_submissions(criteria, []), errors, notes
        typed = _joined([p.typed for p in parts], kept, row)
        meta = _joined([p.meta for p in parts], kept, row)
        given = _joined([p.given for p in parts], kept, row)
        columns, present = {}, {}
        made = [p.vectors for p in parts if p.vectors is not None]
        for name, kind in _types(criteria):
            if len(made) == len(parts):  # made where each slice was read
                columns[name], present[name] = _joined_vector([v[name] for v in made], kept, row)
            else:  # rows from the file cache
                columns[name], present[name] = _vector(kind, typed[name])
        table = Table(
            len(kept),
            meta,
            columns,
            present,
            {code: Given.of(points) for code, points in given.items()},
            rows=_Rows(typed, len(kept)),
        )
    return table, errors, notes


def _types(criteria: CriteriaSet) -> list[tuple[str, ValueType]]:
    return [(name, info.type) for name, info in criteria.compiled.env.items()]


def _joined_vector(
    parts: list[tuple[Vector, Mask]], kept: list[int], total: int
) -> tuple[Vector, Mask]:
    """The parts' vectors of one column one after the other, only the rows ``kept``: what
    :func:`~parindex.checks._vector` makes of the joined column (it types each value alone)."""
    import numpy as np

    first = parts[0][0]
    take = None if len(kept) == total else np.asarray(kept, dtype=np.intp)
    arrays = []
    for name in (f.name for f in fields(first)):
        joined = np.concatenate([getattr(vector, name) for vector, _ in parts])
        arrays.append(joined if take is None else joined[take])
    present = np.concatenate([mask for _, mask in parts])
    return type(first)(*arrays), present if take is None else present[take]


def _joined(parts: list[dict[str, list[Any]]], kept: list[int], total: int) -> dict[str, list[Any]]:
    """The parts' columns one after the other, only the rows ``kept``."""
    if not parts:
        return {}
    out: dict[str, list[Any]] = {}
    for name in parts[0]:
        # chained in C: a Python step a value cost 1,36 million steps for 10 000 units
        column = list(chain.from_iterable([part[name] for part in parts]))
        out[name] = column if len(kept) == total else [column[at] for at in kept]
    return out

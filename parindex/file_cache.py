"""A compiled cache of read submission files: an unchanged file is not read again.

:func:`~parindex.folder_table.read_table` (``score_many`` of a folder, ``parindex rank``)
reads a folder's files, validates and checks them against a set; what a good file gives is
one row of the table (its unit, typed values and given points). This cache keeps those
rows, one pack a criteria set, under the SHA-256 of each file's bytes: the next read of a
folder hashes each file's bytes and takes the row of a file whose bytes it has seen with
the same set (the set's :attr:`~parindex.criteria.CriteriaSet.digest`) and the same
parindex (:func:`~parindex.cache.fingerprint`, in the pack's name and its seal) instead of
reading, validating and checking it. Every other file is read as usual.

Kept only what cannot differ from a reading: a file with problems, of another set, too
large or unreadable is never kept (its problems and notes are said again on every run, the
same words, file and line); a unit read twice is found among the rows as among the files
read. A file changed less than :data:`SETTLED_NS` before it was read, or while it was read,
is not kept either: the row kept is the row of the very bytes hashed.

Sealed as the criteria cache is, by the one implementation (:func:`parindex.cache.sealed`,
HMAC-SHA-256 with the per-user key): nothing anyone else wrote is unpickled; a damaged,
foreign or stale pack is a miss, never an error; the directory (``files/`` beside
``criteria/``) is safe to delete; ``PARINDEX_CACHE=off`` turns it off.

Bounded: a pack holds at most :data:`MAX_ENTRIES` files (this run's first, then those of
earlier runs not read this time), is never read or written above :data:`MAX_PACK_BYTES`,
and writing one removes the packs of other parindex versions and all but the
:data:`MAX_PACKS` newest.
"""

from __future__ import annotations

import hashlib
import os
import pickle
import time
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from parindex.cache import cache_directory, fingerprint, opened, prune, put, sealed

if TYPE_CHECKING:
    from parindex.criteria import CriteriaSet
    from parindex.folder_table import _Part

__all__ = [
    "MAX_ENTRIES",
    "MAX_PACKS",
    "MAX_PACK_BYTES",
    "SETTLED_NS",
    "FileCache",
    "after",
    "before",
]

MAX_ENTRIES = 100_000
"""Files a pack keeps at most (this run's first)."""
MAX_PACK_BYTES = 64 * 1024 * 1024
"""A pack larger is neither read nor written."""
MAX_PACKS = 8
"""Packs kept (one a criteria set): writing one removes the oldest beyond."""
SETTLED_NS = 2_000_000_000
"""A file changed less than this before it was read is read again next time (as git does
with a file changed within its index's second: its bytes may still be changing)."""
_FORMAT = "parindex files cache 1"
_KIND = "files"

Row = tuple[tuple[str, int, str], tuple[Any, ...], tuple[Any, ...], tuple[Any, ...]]
"""A good file's row: its unit's key (set, year, id), typed values, unit columns, given points."""
_Seen = tuple[str, tuple[int, int, int, int, int]] | None


def _bytes_of(path: Path) -> tuple[bytes, os.stat_result] | None:
    """A file's bytes and its stat (``None``: unreadable or above the reader's bound)."""
    from parindex.reading import BOUNDS

    try:
        with open(path, "rb", buffering=0) as handle:
            stat = os.fstat(handle.fileno())
            if stat.st_size > BOUNDS.max_bytes:
                return None
            raw = handle.read(BOUNDS.max_bytes + 1)
    except OSError:
        return None
    return (raw, stat) if len(raw) <= BOUNDS.max_bytes else None


def _digest(path: Path) -> str | None:
    found = _bytes_of(path)
    return None if found is None else hashlib.sha256(found[0]).hexdigest()


def _stamp(stat: os.stat_result) -> tuple[int, int, int, int, int]:
    return stat.st_size, stat.st_mtime_ns, stat.st_ctime_ns, stat.st_ino, stat.st_dev


def before(paths: Sequence[Path]) -> list[_Seen]:
    """In a reading process, before the files are read: each file's digest and stat, if it
    may be kept (settled: unchanged for :data:`SETTLED_NS`). Nothing when the cache is off."""
    if cache_directory() is None:
        return []
    now = time.time_ns()
    seen: list[_Seen] = []
    for path in paths:
        found = _bytes_of(path)
        if found is None or now - max(found[1].st_mtime_ns, found[1].st_ctime_ns) < SETTLED_NS:
            seen.append(None)
        else:
            seen.append((hashlib.sha256(found[0]).hexdigest(), _stamp(found[1])))
    return seen


def after(paths: Sequence[Path], seen: list[_Seen]) -> list[str | None]:
    """After the files are read: the digest of each file still as :func:`before` saw it
    (the bytes read are the bytes hashed), else ``None``."""
    digests: list[str | None] = []
    for path, was in zip(paths, seen, strict=True):
        try:
            same = was is not None and _stamp(os.stat(path)) == was[1]
        except OSError:
            same = False
        digests.append(was[0] if same and was is not None else None)
    return digests


class FileCache:
    """The pack of one criteria set, opened for one reading of ``files``."""

    def __init__(
        self, directory: Path, criteria: CriteriaSet, files: Sequence[Path], pack: Path
    ) -> None:
        self._directory, self._criteria, self._files, self._pack = directory, criteria, files, pack
        self._names, self._entries = _load(directory, pack, criteria)
        self._digests: list[str | None] = (
            [_digest(path) for path in files] if self._entries else [None] * len(files)
        )
        self._hits: dict[int, Row] = {}
        for index, digest in enumerate(self._digests):
            row = self._entries.get(digest) if digest is not None else None
            if row is not None:
                self._hits[index] = row
        self.misses = [path for index, path in enumerate(files) if index not in self._hits]
        """The files to read: those without a row."""

    @classmethod
    def open(cls, criteria: CriteriaSet, files: Sequence[Path]) -> FileCache | None:
        """The cache for reading ``files`` against ``criteria`` (``None``: it is off)."""
        directory = cache_directory()
        if directory is None or not files:
            return None
        name = f"{criteria.digest[:32]}-{fingerprint()[:16]}.bin"
        return cls(directory, criteria, files, directory / _KIND / name)

    def merged(self, parts: list[_Part]) -> _Part:
        """The parts read (of :attr:`misses`, in order) and the rows of the others, as one
        part of every file in order; the new good files' rows kept for the next run."""
        from parindex.folder_table import _Part

        names = _names(parts) or self._names
        files = iter(self._fates(parts, names))
        rows: list[Row] = []
        out = _Part()
        kept: dict[str, Row] = {}
        for index in range(len(self._files)):
            row = self._hits.get(index)
            if row is None:
                fate, what, row, digest = next(files)
                if row is None:
                    out.fates.append((fate, what))
                    continue
                if digest is not None:
                    kept[digest] = row
            else:
                kept[str(self._digests[index])] = row  # a row found: its file was hashed
            out.fates.append(("good", row[0]))
            rows.append(row)
        for at, (columns, order) in enumerate(
            ((out.typed, names[0]), (out.meta, names[1]), (out.given, names[2]))
        ):
            columns.update(_columns([row[at + 1] for row in rows], order))
        if len(kept) > len(self._hits):  # a file read this time is new to the pack
            self._write(kept, names)
        return out

    def _fates(
        self, parts: list[_Part], names: tuple[tuple[str, ...], ...]
    ) -> Iterator[tuple[str, Any, Row | None, str | None]]:
        """Each file read: its fate, and for a good one its row and its digest if kept."""
        for part in parts:
            good = [what for fate, what in part.fates if fate == "good"]
            columns = (
                _rows(part.typed, names[0], len(good)),
                _rows(part.meta, names[1], len(good)),
                _rows(part.given, names[2], len(good)),
            )
            rows = iter(zip(good, *columns, strict=True))
            for (fate, what), digest in zip(part.fates, part.digests, strict=True):
                yield (
                    (fate, what, next(rows), digest) if fate == "good" else (fate, what, None, None)
                )

    def _write(self, kept: dict[str, Row], names: tuple[tuple[str, ...], ...]) -> None:
        entries = dict(list(kept.items())[:MAX_ENTRIES])
        for digest, row in self._entries.items():
            if len(entries) >= MAX_ENTRIES:
                break
            entries.setdefault(digest, row)
        for chosen in (entries, kept):
            body = pickle.dumps((_FORMAT, names, _interned(chosen)), pickle.HIGHEST_PROTOCOL)
            if len(body) + 32 <= MAX_PACK_BYTES:
                try:
                    blob = sealed(self._directory, _KIND, self._criteria.digest, body)
                except OSError:
                    return
                if put(self._pack, blob):
                    prune(self._pack, MAX_PACKS)
                return


def _names(parts: list[_Part]) -> tuple[tuple[str, ...], ...]:
    if not parts:
        return ()
    return tuple(parts[0].typed), tuple(parts[0].meta), tuple(parts[0].given)


def _rows(columns: dict[str, list[Any]], names: tuple[str, ...], n: int) -> list[tuple[Any, ...]]:
    """Columns as rows (``n`` of them, also with no columns)."""
    return list(zip(*(columns[name] for name in names), strict=True)) if names else [()] * n


def _columns(rows: list[tuple[Any, ...]], names: tuple[str, ...]) -> dict[str, list[Any]]:
    """Rows as columns, by name."""
    if not rows:
        return {name: [] for name in names}
    return {name: list(column) for name, column in zip(names, zip(*rows, strict=True), strict=True)}


def _interned(entries: dict[str, Row]) -> dict[str, Row]:
    """The rows with each of their equal values one object (pickled once, read back once):
    a value's type and its text decide (a decimal keeps its digits: ``1.0`` is not ``1``)."""
    values: dict[tuple[type, str], Any] = {}

    def once(row: Iterable[Any]) -> tuple[Any, ...]:
        return tuple(values.setdefault((type(v), str(v)), v) for v in row)

    return {
        digest: (key, once(typed), once(meta), once(given))
        for digest, (key, typed, meta, given) in entries.items()
    }


def _load(
    directory: Path, pack: Path, criteria: CriteriaSet
) -> tuple[tuple[tuple[str, ...], ...], dict[str, Row]]:
    """The pack's names and rows; nothing when it is missing, damaged, foreign or stale."""
    from parindex.batch_units import META_COLUMNS, given_leaves
    from parindex.collector import paused

    try:
        if pack.stat().st_size > MAX_PACK_BYTES:
            return (), {}
        blob = pack.read_bytes()
    except OSError:
        return (), {}
    body = opened(directory, _KIND, criteria.digest, blob)
    if body is None:
        return (), {}
    with paused(settle=True):  # many objects made, none of them garbage: left unwalked
        try:
            form, names, entries = pickle.loads(body)  # signed by us above: our own rows
        except Exception:  # pragma: no cover - signed packs of this very parindex load
            return (), {}
    expected = (set(criteria.compiled.env), set(META_COLUMNS), set(given_leaves(criteria)))
    if form != _FORMAT or tuple(set(group) for group in names) != expected:
        return (), {}  # pragma: no cover - the set's digest and parindex's decide the names
    return names, entries

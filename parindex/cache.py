"""A compiled cache of criteria sets: a set read, validated and compiled once a version.

:func:`load_criteria` keeps each set it compiles in the user's cache directory
(``$PARINDEX_CACHE_DIR``, else ``$XDG_CACHE_HOME/parindex``, else
``~/.cache/parindex``), under the SHA-256 of the file's bytes and a fingerprint of
this parindex (the size and time of each of its own source files, and the versions of
Python, pydantic and pydantic-core, so an edited or upgraded parindex, or one on another
pydantic, never reads what another one wrote). The next load of
the same bytes reads the compiled set back instead of parsing and compiling again.

Safety: an entry is our own compiled set, serialised by :mod:`pickle`, and it is read
back only when its HMAC-SHA-256 — keyed by 256 random bits kept beside the entries
(file mode 600), over the fingerprint, the file's digest and the entry — matches:
nothing another user or program wrote is ever unpickled. A missing, damaged, foreign
or stale entry is a cache miss (the file is read and compiled as usual), never an
error, and the directory is safe to delete at any time. A file with problems is
never cached: its problems are reported on every load. ``PARINDEX_CACHE=off`` turns
the cache off. Writing an entry removes those of other parindex versions (never read
again) and all but the :data:`MAX_ENTRIES` newest (:func:`prune`).

The sealing (:func:`sealed`, :func:`opened`, :func:`put`) is the one implementation of
every cache of parindex: :mod:`parindex.file_cache` (rows of read submission files, in
``files/`` beside ``criteria/``) seals its packs with it, under its own kind.
"""

from __future__ import annotations

import hashlib
import hmac
import operator
import os
import pickle
import sys
from collections.abc import Callable
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any, BinaryIO

from parindex.cache_home import CACHE_ENV, SWITCH_ENV, cache_directory
from parindex.collector import paused

if TYPE_CHECKING:
    from parindex.criteria import CriteriaSet

__all__ = [
    "CACHE_ENV",
    "SWITCH_ENV",
    "cache_directory",
    "cached",
    "fingerprint",
    "opened",
    "prune",
    "put",
    "sealed",
]

_MAX_BYTES = 5 * 1024 * 1024  # the reader's own bound: a larger file is refused anyway
_MAC = 32
MAX_ENTRIES = 64
"""Compiled sets kept (writing one removes the oldest beyond, and those of other versions)."""


@cache
def fingerprint() -> str:
    """This parindex: the size and time of its source files, and the versions of Python,
    pydantic and pydantic-core (an entry holds their objects).

    parindex's own version is not asked of ``importlib.metadata`` (reading the installed
    metadata cost a one-unit ``score`` about 10 ms): an upgrade rewrites the source
    files, whose sizes and times are here."""
    from pydantic.version import VERSION as pydantic_version
    from pydantic_core import __version__ as core_version

    from parindex import __file__ as package_file

    root = os.path.dirname(package_file)
    parts = [sys.version, pydantic_version, core_version]
    for folder, folders, files in os.walk(root):  # a third of pathlib's rglob's time
        folders.sort()
        for name in sorted(files):
            if name.endswith(".py"):
                path = os.path.join(folder, name)
                stat = os.stat(path)
                parts.append(f"{os.path.relpath(path, root)}:{stat.st_size}:{stat.st_mtime_ns}")
    return hashlib.sha256("\n".join(parts).encode("utf-8")).hexdigest()


def _key(directory: Path) -> bytes:
    """The cache's signing key, made with 256 random bits on first use (mode 600)."""
    path = directory / "key"
    try:
        return path.read_bytes()
    except FileNotFoundError:
        pass
    directory.mkdir(parents=True, exist_ok=True)
    try:
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:  # made meanwhile by another process
        return path.read_bytes()
    with os.fdopen(descriptor, "wb") as handle:
        handle.write(os.urandom(32))  # what secrets.token_bytes gives, without its import
    return path.read_bytes()


def _mac(key: bytes, kind: str, digest: str, body: bytes, version: str | None) -> bytes:
    stamp = fingerprint() if version is None else version
    message = f"parindex {kind} cache\0{stamp}\0{digest}\0".encode()
    return hmac.new(key, message + body, hashlib.sha256).digest()


def sealed(
    directory: Path, kind: str, digest: str, body: bytes, version: str | None = None
) -> bytes:
    """``body`` with its seal in front: the HMAC-SHA-256, keyed by the cache's key, of the
    kind of entry (``criteria``, ``files``, ``code``), this parindex's :func:`fingerprint`
    (or ``version``, for an entry that depends on something else: the code cache's on
    Python only), the ``digest`` the entry is kept under and the body. ``OSError``: no key
    can be kept."""
    return _mac(_key(directory), kind, digest, body, version) + body


def opened(
    directory: Path, kind: str, digest: str, blob: bytes, version: str | None = None
) -> bytes | None:
    """The body of a :func:`sealed` entry, or ``None`` when its seal does not match (damaged,
    written by another program or user, another kind, another digest, another parindex or
    ``version``)."""
    try:
        key = _key(directory)
    except OSError:
        return None
    mac, body = blob[:_MAC], blob[_MAC:]
    if len(mac) != _MAC or not hmac.compare_digest(mac, _mac(key, kind, digest, body, version)):
        return None
    return body


def put(entry: Path, blob: bytes) -> bool:
    """Write ``blob`` as ``entry`` whole or not at all (readers never see half an entry);
    whether it was written (a read-only home or a full disk: not, and no error)."""
    import tempfile

    try:
        entry.parent.mkdir(parents=True, exist_ok=True)
        descriptor, temporary = tempfile.mkstemp(dir=entry.parent, suffix=".tmp")
    except OSError:
        return False
    try:
        with os.fdopen(descriptor, "wb") as handle:
            handle.write(blob)
        os.replace(temporary, entry)
    except OSError:
        Path(temporary).unlink(missing_ok=True)
        return False
    return True


def prune(kept: Path, most: int) -> None:
    """After ``kept`` (named ``<digest>-<fingerprint>.bin``) is written: remove the entries
    beside it of another parindex (never read again), all but the ``most`` newest of this
    one, and temporary files a stopped run left over an hour ago."""
    import time

    suffix = kept.name.split("-", 1)[-1]
    now = time.time()
    entries: list[tuple[float, Path]] = []
    try:
        found = list(kept.parent.iterdir())
    except OSError:
        return
    for path in found:
        try:
            changed = path.stat().st_mtime
            if path.suffix == ".tmp":
                if now - changed > 3600:
                    path.unlink()
            elif not path.name.endswith(suffix):
                path.unlink()
            elif path != kept:
                entries.append((changed, path))
        except OSError:
            continue
    for _, path in sorted(entries, reverse=True)[max(most - 1, 0) :]:  # and ``kept``
        path.unlink(missing_ok=True)


def cached(path: str | os.PathLike[str], load: Callable[[str], CriteriaSet]) -> CriteriaSet:
    """``load(path)``, or the set it gave before for the same bytes and the same parindex."""
    directory = cache_directory()
    file = str(path)
    if directory is None:
        return load(file)
    try:
        if os.stat(file).st_size > _MAX_BYTES:
            return load(file)  # refused by the reader, unread (never hashed)
        with open(file, "rb") as handle:
            raw = handle.read(_MAX_BYTES + 1)
    except OSError:
        return load(file)  # the loader says what is wrong with the file
    if len(raw) > _MAX_BYTES:
        return load(file)  # grew since the stat
    digest = hashlib.sha256(raw).hexdigest()
    entry = directory / "criteria" / f"{digest}-{fingerprint()[:16]}.bin"
    found = _read(directory, entry, digest)
    if found is not None:
        found._file = file  # the same bytes may sit in another file
        return found
    criteria = load(file)
    _write(directory, entry, digest, criteria)
    return criteria


def _read(directory: Path, entry: Path, digest: str) -> CriteriaSet | None:
    from parindex.criteria import CriteriaSet

    try:
        blob = entry.read_bytes()
    except OSError:
        return None
    body = opened(directory, "criteria", digest, blob)
    if body is None:
        return None  # damaged or not ours: read the file instead
    # Unpickling makes some 15,000 objects, none of them garbage: without the pause, the
    # cycle collector walks them (and every older object) several times while they are
    # made, which took as long as the unpickling itself; settled, they are not walked
    # when it starts again either.
    try:
        with paused(settle=True):
            found = pickle.loads(body)  # signed by us above: our own compiled set
    except Exception:  # pragma: no cover - signed entries of this very parindex load
        return None
    return found if isinstance(found, CriteriaSet) else None


def _model(cls: type[Any], values: dict[str, Any], given: tuple[str, ...], private: Any) -> Any:
    """A pydantic model of the entry made again: the four slots pydantic's
    ``__setstate__`` sets, without its state dictionary and its look-ups."""
    made = _new(cls)
    made.__dict__.update(values)
    fields_set, extra, private_attributes = _SLOTS or _slots()
    fields_set(made, set(given))
    extra(made, None)
    private_attributes(made, private)
    return made


_new = object.__new__
_SLOTS: list[Callable[[object, object], None]] = []


def _slots() -> list[Callable[[object, object], None]]:
    """The setters of pydantic's three slots (taken when first needed: pydantic is not
    imported until a set is)."""
    from pydantic import BaseModel

    names = ("__pydantic_fields_set__", "__pydantic_extra__", "__pydantic_private__")
    _SLOTS[:] = [BaseModel.__dict__[name].__set__ for name in names]
    return _SLOTS


class _Writer(pickle.Pickler):
    """Pickles a compiled set so that it reads back with fewer objects and calls.

    - **Equal values once.** An object of a kind in ``shared`` (immutable values: decimals,
      expression constants and names, a name's type, intervals, provenances) whose pickle
      is byte for byte the pickle of one already written is written as that one (about a
      thousand of the 2023 set's 8,000 objects: 331 constants hold 35 values, 378 decimals
      36, 138 names' types 4). Equal pickles read back as equal objects of the same type,
      field by field (a decimal keeps its digits: ``1.0`` and ``1`` are two values), so
      only identity differs, which no code asks of these immutable values.
    - **Models without a state dictionary.** A pydantic model of parindex's own (pydantic's
      ``__getstate__``/``__setstate__``) is written as :func:`_model` of its class, its
      ``__dict__``, its fields set and its private attributes: the same four slots.
    """

    def __init__(self, file: BinaryIO, shared: tuple[type, ...]) -> None:
        super().__init__(file, protocol=pickle.HIGHEST_PROTOCOL)
        self._shared = shared
        self._seen: dict[tuple[type, bytes], tuple[tuple[object], int]] = {}
        self._given: dict[frozenset[str], tuple[str, ...]] = {}
        self._kept: list[object] = []  # what this writer made lives until the entry is written

    def reducer_override(self, obj: object) -> Any:
        from pydantic import BaseModel

        kind = type(obj)
        if kind in self._shared:
            key = (kind, pickle.dumps(obj, protocol=pickle.HIGHEST_PROTOCOL))
            first = self._seen.setdefault(key, ((obj,), 0))
            if first[0][0] is not obj:  # the value met before: read back as that one
                return operator.getitem, first
        if (
            isinstance(obj, BaseModel)
            and kind.__getstate__ is BaseModel.__getstate__
            and getattr(kind, "__setstate__", None) is BaseModel.__setstate__
            and obj.__pydantic_extra__ is None
        ):
            state = obj.__getstate__()  # pydantic's own: private attributes it keeps
            names = frozenset(obj.__pydantic_fields_set__)
            given = self._given.setdefault(names, tuple(sorted(names)))
            made = (kind, obj.__dict__, given, state["__pydantic_private__"])
            self._kept.append(made)
            return _model, made
        return NotImplemented


def _shared_kinds() -> tuple[type, ...]:
    """The immutable values an entry holds once each (see :class:`_Writer`)."""
    from decimal import Decimal

    from parindex.expressions import Const, Name, NameInfo
    from parindex.ranges import Interval
    from parindex.rules._model import Provenance

    return Decimal, Const, Name, NameInfo, Interval, Provenance


def _dumps(criteria: CriteriaSet) -> bytes:
    """The entry's body: ``criteria`` pickled by :class:`_Writer`, then optimised."""
    import io
    import pickletools  # only to write: a set read back never needs these

    buffer = io.BytesIO()
    _Writer(buffer, _shared_kinds()).dump(criteria)
    # optimize() drops the memo entries nothing reads again (about 10,000 of them):
    # a fifth to a quarter of the time to read the entry back, paid once here.
    return pickletools.optimize(buffer.getvalue())


def _write(directory: Path, entry: Path, digest: str, criteria: CriteriaSet) -> None:
    try:
        blob = sealed(directory, "criteria", digest, _dumps(criteria))
    except (OSError, pickle.PicklingError):  # a read-only home: no cache, same results
        return
    if put(entry, blob):
        prune(entry, MAX_ENTRIES)

"""The later units' sheets of a large workbook, written by a second process.

Writing a workbook checks, reviews and lays out each unit, then writes its two sheets: all
of it per unit, nearly all of the time. :class:`Helper` forks one process once the first
unit is written; it writes later units into its copy of the workbook while this process
writes the first ones. From :data:`_SHARE` of the way on the units go to whichever process
gets to them first (:class:`_Claims`), so the two end together however fast each runs.
Each of the other's units comes back as the sheets' state
(the sealed sheet XML, merges, validations, print setup, protection) and what the summary,
findings and hidden sheet read of the unit; once this process reaches the unit it *merges*
it: the strings and formats the unit used first are added to this workbook's tables in the
order the other process added them, which is the order this process would have added them
itself, and the sheet XML's string and style numbers are renumbered to this workbook's. The
workbook is the same, byte for byte but the hidden sheet's signatures, as one process alone
writes it (``tests/test_excel_workers.py``).

The result never depends on the second process: a unit it could not write (its check
raised, or the process failed) and every unit after it are written here, so any error is
raised here, as without the process.
"""

from __future__ import annotations

import contextlib
import itertools
import os
import pickle
import re
import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, AnyStr

from xlsxwriter.sharedstrings import SharedStringTable

from parindex.criteria import CriteriaSet
from parindex.review import Review, review
from parindex.submission import CheckedSubmission, Submission, check_submission

__all__ = ["PARALLEL_FROM", "Helper", "reviewed", "widened"]

PARALLEL_FROM = 24
"""Units from which a second process writes the later units (forking costs some tens of
milliseconds, merging a unit a few)."""
_SHARE = 0.35
"""The first units, written here; the other process starts at the next and units from there
on go to whichever process gets to them first (:class:`_Claims`). This process also
receives and merges the other's units (3-4 ms a unit) and packs every unit's sheets (a
thread), then writes the summary, findings and hidden sheet and saves, which no unit can
start before the last is merged: the two parts should end together. A fixed half each
(sessions 10-13) ended together under load, but idle this process had some 1 s more CPU
than the other (4,25 against 2,58 s; session 14's start). Low enough that the other
process is still writing when this one gets here, at any load seen; from here on
:class:`_Claims` balances the two."""
_LEAD = 4
"""How far past the unit this process is at the other process takes its next unit: the
units just after are left to this process, which would otherwise wait at every unit for
the one the other is writing, once it has merged all the other had written. Simulated
with session 14's costs a unit, 2 left this process waiting 0,04-0,2 s, 4 a few ms."""

# the sheet's own attributes that the workbook sets (Workbook._add_sheet) or that hold the
# other process's objects: everything else of a sealed sheet is its state
_OWN = frozenset(
    {
        "name",
        "index",
        "str_table",
        "worksheet_meta",
        "workbook_add_format",
        "default_url_format",
        "default_date_format",
        "tmpdir",
        "fh",
        "_styles",
        "_rows",
        "_heights",
        "_blocks",
    }
)
_PIPE = 1 << 20
"""The pipe's buffer in bytes (Linux's largest for an unprivileged process by default). A
unit's sheets are some 250 KB: through the default 64 KB buffer the other process waited, at
each unit, until this process's receiving thread had been given the interpreter four or five
times (up to 5 ms each, the interval at which the running thread hands it over): a 250-unit
workbook's second process spent more time waiting than writing."""
_MARK = "\x01"
"""Before the number of a string the other process added (XML text never holds it)."""
_MARK_BYTES = _MARK.encode()
_STYLE = r'(<c r="[A-Z]+[0-9]+" s=")({})(?=")'
"""A cell's style in sheet XML (text never holds ``<c r=`` unescaped) whose number is one of
``{}`` (an alternation): split out, every third piece is a number."""


def reviewed(criteria: CriteriaSet, item: Submission | CheckedSubmission) -> Review:
    """The review of one unit (its submission checked first unless it is checked). The
    export only reads it: its results may be an earlier unit's very objects (``share``)."""
    checked = item if isinstance(item, CheckedSubmission) else check_submission(criteria, item)
    return review(criteria, checked, share=True)


@dataclass(frozen=True)
class _Unit:
    """One unit as the other process wrote it."""

    unit: Any
    """What is kept of the unit (``excel._written``)."""
    sheets: list[tuple[str, type, dict[str, Any]]]
    """Each sheet the unit added, in order: its name, class and state, its whole part as
    UTF-8 (pickled as it is, renumbered and packed here as it comes: as text it was decoded
    in unpickling and encoded again to be packed, some 0,5 ms a unit)."""
    strings: list[str]
    """The strings the unit added to the shared string table, in the table's order."""
    count: int
    """How many string cells the unit wrote (the table counts every use)."""
    formats: list[dict[str, Any]]
    """The properties of the formats the unit used first, in the order of their XF index."""
    cuts: list[tuple[str, str]]
    """Texts shortened to fit a cell (``Formats.cuts``)."""


class Helper:
    """Units written by a second process: :meth:`take` gives unit ``index`` merged into
    this workbook, or ``None`` (write it here). Use as a context manager.

    ``write(index)`` writes unit ``index`` into ``workbook`` (its sheets added and sealed)
    and returns what is kept of it; ``formats`` is the workbook's
    :class:`~parindex.excel_style.Formats` (every format of a unit's sheets comes from it).
    ``strip`` leaves out of a unit what this process has already (its submission: sending
    it back would cost more than writing the unit's sheets); the caller puts it back.
    """

    def __init__(
        self,
        workbook: Any,
        formats: Any,
        write: Callable[[int], Any],
        count: int,
        workers: int | None = None,
        strip: Callable[[Any], Any] = lambda unit: unit,
    ) -> None:
        import multiprocessing

        self.workbook, self.formats = workbook, formats
        self.start = self.count = count
        self.received: dict[int, bytes] = {}
        self.done = threading.Event()
        self.process: Any = None
        self.numbers: Any = None
        """The pipe's sending end on which the other process learns this workbook's string
        numbers (:meth:`_publish`)."""
        self.receiver: threading.Thread | None = None
        self.failed = False
        self.work: _Work | None = None
        wanted = min(os.cpu_count() or 1, 2) if workers is None else workers
        if (
            wanted < 2
            or count < (PARALLEL_FROM if workers is None else 3)
            or "fork" not in multiprocessing.get_all_start_methods()
            or threading.active_count() > 1
        ):
            return
        self.start = max(2, int(count * _SHARE))
        self.claims: _Claims | None = None
        self.work = _Work(workbook, formats, write, strip, None, None)

    def _fork(self, work: _Work) -> None:
        """Start the other process, once this one has written the first unit: the strings
        and formats every unit uses are then in both processes' tables, with the same
        numbers, and only those a later unit adds need renumbering when it is merged."""
        import multiprocessing

        if threading.active_count() > 1:  # forking now could copy a lock held by a thread
            self.start = self.count
            return
        table = self.workbook.str_table
        self.strings_from, self.styles_from = table.unique_count, _styles_used(self.workbook)
        self.string_map: dict[str, str] = {}
        """The other process's number of each string it added → this workbook's."""
        self.byte_map: dict[bytes, bytes] = {}
        """The same numbers as ASCII bytes (for the sheets' parts, sent as UTF-8)."""
        self.style_map: dict[str, str] = {}
        """The other process's XF index of each format it used first → this workbook's."""
        self.styles: _Styles | None = None
        context = multiprocessing.get_context("fork")
        try:
            self.claims = work.claims = _Claims(context, self.count, self.start)
        except (ImportError, OSError):  # no shared lock or memory here (no sem_open, /dev/shm)
            self.start = self.count  # this process writes every unit
            return
        receive, work.send = context.Pipe(duplex=False)
        widened(receive)
        work.numbers, self.numbers = context.Pipe(duplex=False)
        self.room = widened(self.numbers) // 2
        self.published = table.unique_count
        process = context.Process(target=work.run, daemon=True)
        try:
            process.start()
        except (AssertionError, OSError):  # a daemonic process, or no process to be had:
            for end in (receive, work.send, work.numbers, self.numbers):  # this process
                end.close()  # writes every unit
            self.numbers = None
            self.start = self.count
            return
        self.process = process
        work.send.close()
        work.numbers.close()
        self.condition = threading.Condition()
        self.receiver = threading.Thread(target=self._receive, args=(receive,), daemon=True)
        self.receiver.start()

    def _receive(self, receive: Any) -> None:
        try:
            while True:
                blob = receive.recv_bytes()
                index = int.from_bytes(blob[:_INDEX], "little")
                with self.condition:
                    self.received[index] = blob
                    self.condition.notify_all()
        except (EOFError, OSError):
            pass
        finally:
            receive.close()
            with self.condition:
                self.done.set()
                self.condition.notify_all()

    def take(self, index: int) -> Any:
        """Unit ``index`` written by the other process and merged into this workbook (what
        is kept of it); ``None`` when this process writes it (one of the first units, or a
        unit the other process did not write, and every unit after that one)."""
        if index == 1 and self.work is not None:
            work, self.work = self.work, None
            self._fork(work)  # this process has written the first unit
        self._publish()
        if index < self.start or self.receiver is None or self.failed or self.claims is None:
            return None
        if self.claims.here(index):
            return None
        with self.condition:
            while index not in self.received and not self.done.is_set():
                self.condition.wait()
            blob = self.received.pop(index, b"")
        if not blob:
            self.failed = True  # from here on this process writes: its tables are its own
            return None
        made: _Unit = pickle.loads(memoryview(blob)[_INDEX:])
        return self._merge(made)

    def _publish(self) -> None:
        """Send the other process the strings this workbook's table added since the last
        call, in order (their numbers follow): a string it then adds too it numbers as
        this workbook does, unmarked (:class:`_MarkedTable`), and merging renumbers only
        the strings of its units this process has not met yet (the criteria texts and
        headings of every shape are met in the first units here). Only while the pipe's
        buffer holds all that was sent (half of it): this process never waits on the
        other."""
        if self.numbers is None:
            return
        table = self.workbook.str_table
        added = table.unique_count - self.published
        if not added:
            return
        newest = itertools.islice(reversed(table.string_table), added)
        blob = pickle.dumps((self.published, list(newest)[::-1]), pickle.HIGHEST_PROTOCOL)
        self.room -= len(blob) + 8
        try:
            if self.room < 0:
                raise BrokenPipeError  # no more: the other process marks every string
            self.numbers.send_bytes(blob)
        except OSError:  # also the other process ended: it reads no more
            self.numbers.close()
            self.numbers = None
            return
        self.published = table.unique_count

    def _merge(self, made: _Unit) -> Any:
        table = self.workbook.str_table
        first, lowest = self.strings_from, self.styles_from + 1
        for at, text in enumerate(made.strings, start=first + len(self.string_map)):
            theirs, ours = str(at), str(table._get_shared_string_index(text))
            self.string_map[theirs], self.byte_map[theirs.encode()] = ours, ours.encode()
        table.count += made.count - len(made.strings)
        for at, properties in enumerate(made.formats, start=lowest + len(self.style_map)):
            self.style_map[str(at)] = str(self.formats.get(**properties)._get_xf_index())
        self.formats.cuts += made.cuts
        for name, kind, state in made.sheets:
            data, part = self.renumbered(state["_data"]), state.get("_part")
            sheet = self.workbook.add_worksheet(name, kind)
            sheet.__dict__.update(state)
            sheet._data = data
            if part is not None:  # the sheet's whole part, made when it was sealed (UTF-8)
                sheet._part = self._renumbered_part(part[0]), part[1]
        return made.unit

    def renumbered(self, xml: str) -> str:
        """Cells' XML the other process made (for a unit merged, or being merged): its string
        and style numbers as this workbook's. A unit's XML for a sheet written later (its
        findings rows) is renumbered by the caller with this."""
        styles = self._styles()
        text = _unmarked(xml, self.string_map, _MARK, "<")
        return text if styles is None else _renumbered(text, styles.pattern, styles.numbers)

    def _renumbered_part(self, part: bytes) -> bytes:
        """:meth:`renumbered` of a sheet's whole part, sent as UTF-8: packed as it is."""
        styles = self._styles()
        data = _unmarked(part, self.byte_map, _MARK_BYTES, b"<")
        return data if styles is None else _renumbered(data, styles.encoded_pattern, styles.encoded)

    def _styles(self) -> _Styles | None:
        """The style numbers the other process gave otherwise than this workbook (``None``:
        none), remade when a merged unit added formats."""
        if self.styles is None or self.styles.seen != len(self.style_map):
            self.styles = _Styles.of(self.style_map)
        return self.styles if self.styles.numbers else None

    def __enter__(self) -> Helper:
        return self

    def __exit__(self, *_: object) -> None:
        if self.process is not None:
            if self.process.is_alive():
                self.process.terminate()
            self.process.join()
        if self.receiver is not None:
            self.receiver.join()
        if self.numbers is not None:
            self.numbers.close()
            self.numbers = None
        self.received.clear()


_INDEX = 4
"""The bytes before a unit's pickled sheets: its index."""


class _Claims:
    """Which process writes each unit from ``start`` on, in memory both processes share.

    The other process takes units in order, each at least :data:`_LEAD` past the unit this
    process is at (:meth:`there`); this process writes every unit the other did not take
    (:meth:`here`). Each process's units are in increasing order, as merging needs: the
    other's are merged in the order it wrote them, and this process's tables take every
    unit's strings and formats in the units' order."""

    def __init__(self, context: Any, count: int, start: int) -> None:
        self.lock = context.Lock()
        self.taken = context.RawArray("b", count)
        """1 where the other process took the unit."""
        self.at = context.RawValue("q", 0)
        """The unit this process is at."""
        self.next = start
        """The first unit the other process may take (its own count)."""

    def there(self) -> int | None:
        """The next unit the other process writes (taken), or ``None``: no unit is left."""
        with self.lock:
            index: int = max(self.next, self.at.value + _LEAD)
            if index >= len(self.taken):
                return None
            self.taken[index] = 1
        self.next = index + 1
        return index

    def here(self, index: int) -> bool:
        """Whether this process writes unit ``index`` (the other did not take it): from
        now on the other takes none before ``index + _LEAD``."""
        with self.lock:
            self.at.value = index
            return bool(self.taken[index] == 0)


class _MarkedTable(SharedStringTable):  # type: ignore[misc]
    """The other process's string table: a string it adds after the fork is numbered with
    :data:`_MARK` before its number in the sheet XML, so merging finds exactly those; unless
    the parent's table has numbered it already (:meth:`Helper._publish`): its number is
    then the parent's, final."""

    marked_from = 0
    theirs: dict[str, int] = {}  # noqa: RUF012 (each table is given its own: _Work.run)
    """The parent's number of each string its table added after the fork, as it learns them."""

    def _get_shared_string_index(self, string: str) -> int | str:
        index: int = super()._get_shared_string_index(string)
        if index < self.marked_from:
            return index
        known = self.theirs.get(string)
        return f"{_MARK}{index}" if known is None else known


def widened(connection: Any, size: int = _PIPE) -> int:
    """Give ``connection``'s pipe a buffer of ``size`` bytes where the system allows it (Linux):
    the pipe's buffer size then (0 where it cannot be known). The workbook is the same
    either way; a smaller buffer only makes the other process wait."""
    try:
        import fcntl

        setting, getting = fcntl.F_SETPIPE_SZ, fcntl.F_GETPIPE_SZ
    except (ImportError, AttributeError):
        return 0
    with contextlib.suppress(OSError):  # above the system's limit (fs/pipe-max-size): as is
        fcntl.fcntl(connection.fileno(), setting, size)
    try:
        return int(fcntl.fcntl(connection.fileno(), getting))
    except OSError:
        return 0


def _unmarked(data: AnyStr, numbers: dict[AnyStr, AnyStr], mark: AnyStr, end: AnyStr) -> AnyStr:
    """``data`` (text, or the same as UTF-8) with each marked string number (``mark`` before
    it, ``end`` after it) replaced as ``numbers`` says. The text between marks is joined as
    it is (bytes through a :class:`memoryview`): copied once, by the join (a split and a
    ``partition`` a mark copied it three times: 112-123 against 62 µs a sheet's part)."""
    find = data.find
    at = find(mark)
    if at < 0:
        return data
    view: Any = memoryview(data) if isinstance(data, bytes) else data
    pieces: list[Any] = []
    start, size = 0, len(mark)
    while at >= 0:
        close = find(end, at)
        pieces += (view[start:at], numbers[data[at + size : close]])
        start = close
        at = find(mark, close)
    pieces.append(view[start:])
    return data[:0].join(pieces)


def _renumbered(data: AnyStr, pattern: re.Pattern[AnyStr], numbers: dict[AnyStr, AnyStr]) -> AnyStr:
    """``data`` with each number ``pattern`` finds replaced as ``numbers`` says."""
    pieces = pattern.split(data)
    pieces[2::3] = map(numbers.__getitem__, pieces[2::3])
    return data[:0].join(pieces)


@dataclass(frozen=True)
class _Styles:
    """The other process's style numbers that differ from this workbook's (the formats it
    numbered first), as text and as UTF-8, and patterns finding only cells of those styles:
    a few in a hundred cells of a merged unit (2,5 % of 518 000 cells, 250 units with values
    of their own); a pattern finding every cell's style made 3 pieces a cell to join."""

    seen: int
    """The other process's formats known when made."""
    numbers: dict[str, str]
    pattern: re.Pattern[str]
    encoded: dict[bytes, bytes]
    encoded_pattern: re.Pattern[bytes]

    @staticmethod
    def of(style_map: dict[str, str]) -> _Styles:
        numbers = {k: v for k, v in style_map.items() if k != v}
        pattern = _STYLE.format("|".join(sorted(numbers)))  # digits only: nothing to escape
        return _Styles(
            len(style_map),
            numbers,
            re.compile(pattern),
            {k.encode(): v.encode() for k, v in numbers.items()},
            re.compile(pattern.encode()),
        )


def _styles_used(workbook: Any) -> int:
    """How many XF indices the workbook's formats have taken (the next is one more)."""
    return len(workbook.xf_format_indices)


@dataclass
class _Work:
    """The forked process's work: each unit written into the process's copy of the
    workbook and sent as it is done; the first unit that raises ends the work (the parent
    writes it and every later unit, and raises there)."""

    workbook: Any
    formats: Any
    write: Callable[[int], Any]
    strip: Callable[[Any], Any]
    send: Any
    """The pipe's sending end (set when the process is forked)."""
    claims: _Claims | None
    """Which process writes each later unit (set when the process is forked)."""
    numbers: Any = None
    """The pipe's receiving end of the parent's string numbers (set when forked)."""

    def run(self) -> None:
        table = self.workbook.str_table
        table.__class__, table.marked_from = _MarkedTable, table.unique_count
        table.theirs = {}
        claims = self.claims
        try:
            while claims is not None and (index := claims.there()) is not None:
                self._learn(table.theirs)
                try:
                    made = self._unit(index)
                    blob = pickle.dumps(made, protocol=pickle.HIGHEST_PROTOCOL)
                except Exception:  # the parent writes this unit and reports what happens there
                    return
                self.send.send_bytes(index.to_bytes(_INDEX, "little") + blob)
        finally:
            self.send.close()

    def _learn(self, theirs: dict[str, int]) -> None:
        """The parent's string numbers sent since the last call (:meth:`Helper._publish`)."""
        numbers = self.numbers
        try:
            while numbers is not None and numbers.poll():
                first, strings = pickle.loads(numbers.recv_bytes())
                for number, string in enumerate(strings, start=first):
                    theirs.setdefault(string, number)
        except (EOFError, OSError):  # the parent sends no more
            self.numbers = None

    def _unit(self, index: int) -> _Unit:
        book, formats = self.workbook, self.formats
        table = book.str_table
        sheets, unique, count = len(book.worksheets_objs), table.unique_count, table.count
        styles, cuts = _styles_used(book), len(formats.cuts)
        unit = self.strip(self.write(index))
        added = table.unique_count - unique
        newest = itertools.islice(reversed(table.string_table), added)  # the table keeps order
        strings = list(newest)[::-1]
        by_index = {
            made.xf_index: formats.properties[id(made)]
            for made in formats.cache.values()
            if made.xf_index is not None and made.xf_index > styles
        }
        used = [
            by_index[n] for n in range(styles + 1, _styles_used(book) + 1)
        ]  # KeyError: not ours
        made_sheets = []
        for sheet in book.worksheets_objs[sheets:]:
            state = {k: v for k, v in sheet.__dict__.items() if k not in _OWN}
            part = state.get("_part")
            if part is not None:  # sent as UTF-8: packed there as it comes (no text made)
                state["_part"] = part[0].encode(), part[1]
            made_sheets.append((sheet.name, type(sheet), state))
            sheet._data, sheet._part = "", None  # sent: its text is not kept here
        return _Unit(unit, made_sheets, strings, table.count - count, used, formats.cuts[cuts:])

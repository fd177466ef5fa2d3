"""The later units' sheets of a large workbook, written by a second process.

Writing a workbook checks, reviews and lays out each unit, then writes its two sheets: all
of it per unit, nearly all of the time. :class:`Helper` forks one process once the first
unit is written; it writes the units from about half way on into its copy of the workbook
while this process writes the first half. Each of its units comes back as the sheets' state
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
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from xlsxwriter.sharedstrings import SharedStringTable

from parindex.criteria import CriteriaSet
from parindex.review import Review, review
from parindex.submission import CheckedSubmission, Submission, check_submission

__all__ = ["PARALLEL_FROM", "Helper", "reviewed", "widened"]

PARALLEL_FROM = 24
"""Units from which a second process writes the later units (forking costs some tens of
milliseconds, merging a unit a few)."""
_SHARE = 0.5
"""The first units, written here. This process also receives and merges the other's units
(about 2 ms a unit) and packs every unit's sheets (a thread), then writes the summary,
findings and hidden sheet and saves, which no unit can start before the last is merged: the
two parts should end together. Measured (250 units, session 10): with half each, this
process's part took some 15 % more CPU than the other's (4,63 against 4,01 s, loaded)."""

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
# a cell's style in sheet XML (text never holds `<c r=` unescaped): split out, every third
# piece is a number
_STYLE = re.compile(r'(<c r="[A-Z]+[0-9]+" s=")(\d+)(?=")')


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
    """Each sheet the unit added, in order: its name, class and state."""
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
        self.work = _Work(workbook, formats, write, strip, range(self.start, count), None)

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
        self.style_map: dict[str, str] = {}
        """The other process's XF index of each format it used first → this workbook's."""
        context = multiprocessing.get_context("fork")
        receive, work.send = context.Pipe(duplex=False)
        widened(receive)
        process = context.Process(target=work.run, daemon=True)
        try:
            process.start()
        except (AssertionError, OSError):  # a daemonic process, or no process to be had:
            receive.close()  # this process writes every unit
            work.send.close()
            self.start = self.count
            return
        self.process = process
        work.send.close()
        self.condition = threading.Condition()
        self.receiver = threading.Thread(target=self._receive, args=(receive,), daemon=True)
        self.receiver.start()

    def _receive(self, receive: Any) -> None:
        index = self.start
        try:
            while True:
                blob = receive.recv_bytes()
                with self.condition:
                    self.received[index] = blob
                    self.condition.notify_all()
                index += 1
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
        if index < self.start or self.receiver is None or self.failed:
            return None
        with self.condition:
            while index not in self.received and not self.done.is_set():
                self.condition.wait()
            blob = self.received.pop(index, b"")
        if not blob:
            self.failed = True  # from here on this process writes: its tables are its own
            return None
        made: _Unit = pickle.loads(blob)
        return self._merge(made)

    def _merge(self, made: _Unit) -> Any:
        table = self.workbook.str_table
        first, lowest = self.strings_from, self.styles_from + 1
        for at, text in enumerate(made.strings, start=first + len(self.string_map)):
            self.string_map[str(at)] = str(table._get_shared_string_index(text))
        table.count += made.count - len(made.strings)
        for at, properties in enumerate(made.formats, start=lowest + len(self.style_map)):
            self.style_map[str(at)] = str(self.formats.get(**properties)._get_xf_index())
        self.formats.cuts += made.cuts
        for name, kind, state in made.sheets:
            data, part = self.renumbered(state["_data"]), state.get("_part")
            sheet = self.workbook.add_worksheet(name, kind)
            sheet.__dict__.update(state)
            sheet._data = data
            if part is not None:  # the sheet's whole part, made when it was sealed
                sheet._part = self.renumbered(part[0]), part[1]
        return made.unit

    def renumbered(self, xml: str) -> str:
        """Cells' XML the other process made (for a unit merged, or being merged): its string
        and style numbers as this workbook's. A unit's XML for a sheet written later (its
        findings rows) is renumbered by the caller with this."""
        styles = {k: v for k, v in self.style_map.items() if k != v}
        return _renumbered(_unmarked(xml, self.string_map), _STYLE, styles)

    def __enter__(self) -> Helper:
        return self

    def __exit__(self, *_: object) -> None:
        if self.process is not None:
            if self.process.is_alive():
                self.process.terminate()
            self.process.join()
        if self.receiver is not None:
            self.receiver.join()
        self.received.clear()


class _MarkedTable(SharedStringTable):  # type: ignore[misc]
    """The other process's string table: a string it adds after the fork is numbered with
    :data:`_MARK` before its number in the sheet XML, so merging finds exactly those."""

    marked_from = 0

    def _get_shared_string_index(self, string: str) -> int | str:
        index: int = super()._get_shared_string_index(string)
        return index if index < self.marked_from else f"{_MARK}{index}"


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


def _unmarked(data: str, numbers: dict[str, str]) -> str:
    """``data`` with each marked string number replaced as ``numbers`` says."""
    pieces = data.split(_MARK)
    for at in range(1, len(pieces)):
        number, _, rest = pieces[at].partition("<")
        pieces[at] = f"{numbers[number]}<{rest}"
    return "".join(pieces)


def _renumbered(data: str, pattern: re.Pattern[str], numbers: dict[str, str]) -> str:
    """``data`` with each number ``pattern`` finds replaced as ``numbers`` says (if there)."""
    if not numbers:
        return data
    pieces = pattern.split(data)
    pieces[2::3] = [numbers.get(n, n) for n in pieces[2::3]]
    return "".join(pieces)


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
    indices: Sequence[int]
    send: Any
    """The pipe's sending end (set when the process is forked)."""

    def run(self) -> None:
        table = self.workbook.str_table
        table.__class__, table.marked_from = _MarkedTable, table.unique_count
        try:
            for index in self.indices:
                try:
                    blob = pickle.dumps(self._unit(index), protocol=pickle.HIGHEST_PROTOCOL)
                except Exception:  # the parent writes this unit and reports what happens there
                    return
                self.send.send_bytes(blob)
        finally:
            self.send.close()

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
            made_sheets.append((sheet.name, type(sheet), state))
            sheet._data, sheet._part = "", None  # sent: its text is not kept here
        return _Unit(unit, made_sheets, strings, table.count - count, used, formats.cuts[cuts:])

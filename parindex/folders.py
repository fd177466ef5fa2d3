"""Read a folder of submissions: every file read, every problem listed, nothing dropped silently.

:func:`load_submissions` reads the ``.yaml``/``.yml``/``.json`` files of a folder (or
given paths), checks each against the criteria set when one is given, and returns the
submissions with a table of problems — one row per problem, with its file and line;
every file named in that table was left out.
A file of another criteria set is skipped and listed in that table with one line; a
broken file is skipped (``on_error="skip"``) or, with ``on_error="raise"``, every
problem of every file is raised together as one :class:`SubmissionError`.

With many files, both cores read: worker processes read slices of the files from the front
while this process reads from the back; each slice is put back in its place, so the result
is the same as reading one by one.

>>> submissions, problems = load_submissions("evidence", criteria)  # doctest: +SKIP
>>> scores = score_many(criteria, submissions)  # doctest: +SKIP
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal, NamedTuple, TypeVar

from parindex.collector import paused
from parindex.criteria import CriteriaSet
from parindex.errors import Problem, SubmissionError
from parindex.submission import Submission, check_submission, load_submission

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["Loaded", "SkippedFile", "load_submissions", "read_submissions", "submission_files"]

SUFFIXES = (".yaml", ".yml", ".json")
PARALLEL_FROM = 64
"""Files from which reading is split between processes (fewer: starting them costs more)."""
SLICES_A_READER = 32
"""Slices of the files for each reader: small enough that this process and the others end
together (within a slice), large enough that sending each costs little."""
SLICE_LEAST = 8
CHECK_TOGETHER_FROM = 16
"""Units from which they are checked together (:func:`~parindex.checks.check_many`, column by
column); fewer are checked one by one, as quickly, without importing numpy (``score``)."""

T = TypeVar("T")

_COLUMNS = ["file", "line", "code", "field", "kind", "message", "text", "allowed"]


class Loaded(NamedTuple):
    """What :func:`load_submissions` returns; unpacks as ``submissions, problems``."""

    submissions: list[Submission]
    problems: pd.DataFrame


class SkippedFile(UserWarning):
    """A file left out on purpose by a call that returns no table of problems: a submission
    of another criteria set in a folder :func:`~parindex.score_many` (or
    :func:`~parindex.rank`) reads, the other units still scored.

    ``problem`` is the located :class:`~parindex.errors.Problem` (kind ``other_set``: the
    file, the line of its ``criteria:``, the set it names); the message is the sentence
    every command says of such a file (:func:`parindex.messages.said`), ``message_en`` its
    English twin. ``warnings.catch_warnings(record=True)`` collects them; the filter
    ``"error"`` makes them raise.
    """

    def __init__(self, problem: Problem) -> None:
        from parindex.messages import said

        super().__init__(said(problem))
        self.problem = problem
        self.message_en = said(problem, "en")


def submission_files(folder_or_paths: str | os.PathLike[str] | Iterable[Any]) -> list[Path]:
    """The files to read: a folder's ``.yaml``/``.yml``/``.json`` files (sorted), or the paths given."""
    items = (
        [folder_or_paths]
        if isinstance(folder_or_paths, str | os.PathLike)
        else list(folder_or_paths)
    )
    files: list[Path] = []
    for item in items:
        path = Path(item)
        if path.is_dir():
            files += sorted(p for p in path.iterdir() if p.suffix.lower() in SUFFIXES)
        else:
            files.append(path)
    return files


def _read(path: Path) -> Submission | list[Problem]:
    try:
        return load_submission(path)
    except SubmissionError as exc:
        return list(exc.problems)


def _with_later(path: Path, problems: list[Problem], criteria: CriteriaSet | None) -> list[Problem]:
    """A broken file's problems, with those of its values against ``criteria`` (read again,
    here: rare, and the set is not sent to the reading processes)."""
    if criteria is None:
        return problems
    try:
        load_submission(path, criteria)
    except SubmissionError as exc:
        return list(exc.problems)
    return problems  # pragma: no cover - it failed once, it fails again


def _read_chunk(paths: Sequence[Path]) -> list[Submission | list[Problem]]:
    """What a reading process sends back: each source as the file's bytes (one object to
    pickle, not thousands), its lines read again only for a problem to locate."""
    with paused():
        return [_read(path) for path in paths]


def _read_all(
    files: Sequence[Path], workers: int, done: Callable[[int], None] | None = None
) -> list[Submission | list[Problem]]:
    """Every file read, in order; ``done(n)`` is told as each ``n`` more files are read.

    With ``workers`` of 2 or more, ``workers - 1`` processes read the files from the front,
    a slice at a time, while this process reads them from the back, each claiming the next
    slice until they meet (:func:`in_slices`): what a process reads is pickled and
    unpickled, what this one reads is not, so this one reads as much as it can. Either
    reads with :func:`_read`.
    """
    if workers < 2 or len(files) < PARALLEL_FROM:
        results: list[Submission | list[Problem]] = []
        for path in files:
            results.append(_read(path))
            if done is not None:
                done(1)
        return results
    parts = in_slices(files, workers, _read_here, _read_chunk, done)
    return [result for part in parts for result in part]


def _read_here(paths: Sequence[Path]) -> list[Submission | list[Problem]]:
    return [_read(path) for path in paths]


def in_slices(
    files: Sequence[Path],
    workers: int,
    here: Callable[[Sequence[Path]], T],
    there: Callable[[Sequence[Path]], T],
    done: Callable[[int], None] | None = None,
    start: tuple[Callable[..., None], tuple[Any, ...]] | None = None,
    per_reader: int = SLICES_A_READER,
) -> list[T]:
    """``here(slice)`` or, in a process, ``there(slice)`` for every slice of the files, in order.

    ``workers - 1`` processes (started with ``start``: a function and its arguments) claim
    slices from the front while this process claims them from the back, each the next
    size of one plan (:func:`_sizes`), until they meet: what a process does is pickled and
    unpickled, what this one does is not, and whoever is quicker takes more. The slices
    shrink as they near the meeting, so the readers end together (within a small slice),
    and a process never holds a slice queued for it while this one waits. ``done(n)`` is
    told as each ``n`` more files are done.
    """
    if workers < 2 or len(files) < PARALLEL_FROM:
        size = max(SLICE_LEAST, -(-len(files) // (max(workers, 1) * per_reader)))
        out: list[T] = []
        for at in range(0, len(files), size):
            out.append(here(files[at : at + size]))
            if done is not None:
                done(min(size, len(files) - at))
        return out
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor  # not for a few files (multiprocessing)

    context = multiprocessing.get_context()
    sizes = _sizes(len(files), workers, per_reader)
    ends = context.Array("q", [0, len(files), 0])  # front, back, slices claimed
    parts: dict[int, T] = {}
    with ProcessPoolExecutor(
        workers - 1,
        mp_context=context,
        initializer=_started,
        initargs=(files, sizes, ends, start),
    ) as pool:
        futures = [pool.submit(_from_front, there) for _ in sizes]
        try:
            while (claim := _take_back(ends, sizes)) is not None:
                parts[claim[0]] = here(files[claim[0] : claim[1]])
                if done is not None:
                    done(claim[1] - claim[0])
            if _claim(ends, sizes, front=True, look=True) is None:
                for future in futures:
                    future.cancel()  # not started: nothing is left for it
            for future in futures:
                if not future.cancelled() and (claimed := future.result()) is not None:
                    at, stop, part = claimed
                    parts[at] = part
                    if done is not None:
                        done(stop - at)
        except BaseException:  # a failure, an interrupt: the processes claim nothing more
            with ends.get_lock():
                ends[2] = len(sizes)
            for future in futures:
                future.cancel()
            raise
    return [parts[at] for at in sorted(parts)]


def _sizes(n: int, workers: int, per_reader: int) -> list[int]:
    """The sizes of the slices, in the order they are claimed (from either end): about
    ``per_reader`` slices a reader, then, near the meeting, half a reader's share of what
    is left (``left // (2 * workers)``, at least :data:`SLICE_LEAST` files), so the last
    slices are small."""
    big = max(SLICE_LEAST, -(-n // (workers * per_reader)))
    sizes: list[int] = []
    left = n
    while left > 0:
        size = min(left, max(SLICE_LEAST, min(big, left // (2 * workers))))
        sizes.append(size)
        left -= size
    return sizes


_SLICING: list[Any] = []
"""In a reading process: the files, the plan of sizes and the shared ends (:func:`in_slices`)."""


def _started(
    files: Sequence[Path],
    sizes: list[int],
    ends: Any,
    start: tuple[Callable[..., None], tuple[Any, ...]] | None,
) -> None:  # pragma: no cover - runs in a reading process
    _SLICING[:] = [files, sizes, ends]
    if start is not None:
        start[0](*start[1])


def _from_front(
    there: Callable[[Sequence[Path]], T],
) -> tuple[int, int, T] | None:  # pragma: no cover - runs in a reading process
    """In a reading process: the next slice from the front, done (``None``: none is left)."""
    files, sizes, ends = _SLICING
    claim = _claim(ends, sizes, front=True)
    if claim is None:
        return None
    return claim[0], claim[1], there(files[claim[0] : claim[1]])


def _take_back(ends: Any, sizes: list[int]) -> tuple[int, int] | None:
    """In this process: the next slice from the back (``None``: none is left)."""
    return _claim(ends, sizes, front=False)


def _claim(
    ends: Any, sizes: list[int], *, front: bool, look: bool = False
) -> tuple[int, int] | None:
    """The files ``[start, stop)`` of the next slice of the plan, from the front or back
    (``look``: only said, not claimed)."""
    with ends.get_lock():
        first, last, claimed = ends[0], ends[1], ends[2]
        if claimed == len(sizes) or first >= last:
            return None
        size = min(sizes[claimed], last - first)
        if look:
            return (first, first + size) if front else (last - size, last)
        ends[2] = claimed + 1
        if front:
            ends[0] = first + size
            return first, first + size
        ends[1] = last - size
        return last - size, last


def _other_set(submission: Submission, criteria: CriteriaSet) -> Problem:
    """A submission of another set, left out: the set read in ``allowed``, so that
    :func:`parindex.messages.said` words it as every command does."""
    from parindex.messages import SUBMISSION, of_set

    other, wanted = submission.criteria, [criteria.id]
    return submission.source.problem(
        "other_set",
        of_set(SUBMISSION, other, wanted) + ": bỏ qua",
        of_set(SUBMISSION, other, wanted, "en") + ": skipped",
        ("criteria",),
        text=other,
        allowed=(criteria.id,),
    )


def _duplicate(
    submission: Submission, first: str, places: tuple[int, int] | None = None
) -> Problem:
    """``submission``'s unit was read first from the file ``first``; ``places``: where the
    two stand in a list (from 0), named instead when the file does not tell them apart
    (the same file given twice, or submissions made in memory, which have none)."""
    unit = submission.unit.id
    if places is None or first != submission.source.file:
        vi = f"đơn vị '{unit}' đã có trong {first}: bỏ qua tệp này"
        en = f"unit '{unit}' already read from {first}: skipped"
    else:
        earlier, later = places[0] + 1, places[1] + 1
        known = submission._source is not None  # read from a file (else made in memory)
        vi = f"đơn vị '{unit}' có hai lần trong danh sách, hồ sơ thứ {earlier} và thứ {later}"
        en = f"unit '{unit}' given twice in the list, items {earlier} and {later}"
        vi += f" (cùng tệp {first})" if known else ""
        en += f" (the same file {first})" if known else ""
        vi, en = vi + ": mỗi đơn vị một hồ sơ", en + ": one submission a unit"
    return submission.source.problem("duplicate_unit", vi, en, ("unit", "id"), text=unit)


def load_submissions(
    folder_or_paths: str | os.PathLike[str] | Iterable[Any],
    criteria: CriteriaSet | None = None,
    on_error: Literal["skip", "raise"] = "skip",
    *,
    workers: int | None = None,
) -> Loaded:
    """Read every submission of a folder (or the paths given); return them and their problems.

    ``criteria``: also check each submission against the set (as :func:`score` does), and
    skip — listing each in the problems — the files written for another set. ``on_error``:
    ``"skip"`` leaves a broken file out and lists its problems; ``"raise"`` raises one
    :class:`SubmissionError` with the problems of every broken file. ``workers``: processes
    that read (default: the cores available; 1 reads in this process).
    """
    if on_error not in ("skip", "raise"):
        raise ValueError(f"on_error phải là 'skip' hoặc 'raise', không phải {on_error!r}")
    submissions, errors, notes = read_submissions(folder_or_paths, criteria, workers=workers)
    if errors and on_error == "raise":
        raise SubmissionError(errors)
    return Loaded(submissions, _frame([*errors, *notes]))


def read_submissions(
    folder_or_paths: str | os.PathLike[str] | Iterable[Any],
    criteria: CriteriaSet | None = None,
    *,
    workers: int | None = None,
    done: Callable[[int], None] | None = None,
    keep_duplicates: bool = False,
) -> tuple[list[Submission], list[Problem], list[Problem]]:
    """The submissions read, the problems of broken files, and the files left out on purpose.

    The one reader of many submissions behind :func:`load_submissions` and the commands:
    a broken file never blocks the others, a file of another set or a unit read twice is
    listed, never silently dropped. ``done(n)`` is told as each ``n`` more files are read
    (a progress bar). ``keep_duplicates``: a unit read twice is kept twice (the commands,
    which score each file they are given), not refused.
    """
    files = submission_files(folder_or_paths)
    with paused():
        results = _read_all(files, workers if workers is not None else cores(), done)
        return _sorted(files, results, criteria, keep_duplicates)


def cores() -> int:
    """The cores this process may run on: how many processes read by default."""
    found = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    return found or 1


def _sorted(
    files: list[Path],
    results: list[Submission | list[Problem]],
    criteria: CriteriaSet | None,
    keep_duplicates: bool,
) -> tuple[list[Submission], list[Problem], list[Problem]]:
    """The files read, sorted into submissions, problems of broken files, and files left out."""
    submissions: list[Submission] = []
    errors: list[Problem] = []
    notes: list[Problem] = []
    seen: dict[tuple[str, int, str] | str, Submission] = {}
    checked = _checked(results, criteria)
    for path, result in zip(files, results, strict=True):
        if isinstance(result, list):
            errors += _with_later(path, result, criteria)
            continue
        if criteria is not None and result.criteria != criteria.id:
            notes.append(_other_set(result, criteria))
            continue
        problems = checked.get(id(result))
        if problems:
            errors += problems
            continue
        first = seen.setdefault(_key(_ident(result), criteria), result)
        if first is not result and not keep_duplicates:
            errors.append(_duplicate(result, first.source.file))
            continue
        submissions.append(result)
    return submissions, errors, notes


def _ident(submission: Submission) -> tuple[str, int, str]:
    """A submission's set, year and unit id: what :func:`_key` is made from (sent back by a
    reading process in place of the submission: :mod:`parindex.folder_table`)."""
    return submission.criteria, submission.year, submission.unit.id


def _key(ident: tuple[str, int, str], criteria: CriteriaSet | None) -> tuple[str, int, str] | str:
    """What makes a unit read twice, from its :func:`_ident`: against one set, its id (one
    row a unit, whatever year the file says, as :func:`parindex.batch.once_each` rules for a
    list); without a set, its set, year and id (a folder may hold many sets and years). The
    one rule: :func:`_sorted` and :func:`parindex.folder_table.read_table` ask it."""
    if criteria is not None:
        return ident[2]
    return ident


def _checked(
    results: list[Submission | list[Problem]], criteria: CriteriaSet | None
) -> dict[int, list[Problem]]:
    """The problems of each submission of ``criteria``'s set against it, by ``id``: all
    checked at once (:func:`~parindex.checks.check_many`, the same problems as checking one
    by one); each good one keeps its result, so scoring it does not check it again."""
    if criteria is None:
        return {}
    units = [r for r in results if not isinstance(r, list) and r.criteria == criteria.id]
    if len(units) >= CHECK_TOGETHER_FROM:
        from parindex.checks import check_many

        found = check_many(criteria, units)
        return {id(u): r for u, r in zip(units, found, strict=True) if isinstance(r, list)}
    problems: dict[int, list[Problem]] = {}
    for unit in units:
        try:
            check_submission(criteria, unit)
        except SubmissionError as exc:
            problems[id(unit)] = list(exc.problems)
    return problems


def _frame(problems: Sequence[Problem]) -> pd.DataFrame:
    import pandas as pd

    rows = [{k: v for k, v in p.to_dict().items() if k in _COLUMNS} for p in problems]
    return pd.DataFrame(rows, columns=_COLUMNS).astype({"line": "Int64"})

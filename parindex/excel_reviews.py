"""The units' reviews of a large workbook, the later ones made by a second process.

Writing a workbook checks and reviews each unit (about a third of the time), then writes
its sheets. :class:`Reviews` forks one process that reviews the units from about a third
of the way on while this process reviews and writes the first ones; a thread here receives
the reviews as they come (pickled, in order), and the writer takes each when it reaches
its unit. The result never depends on the process: a unit whose review did not come (the
process failed, or the unit's check raised) is reviewed here, so any error is raised here,
as without the process.
"""

from __future__ import annotations

import os
import pickle
import threading
from collections.abc import Sequence
from typing import Any

from parindex.criteria import CriteriaSet
from parindex.review import Review, review
from parindex.submission import CheckedSubmission, Submission, check_submission

__all__ = ["PARALLEL_FROM", "Reviews", "reviewed"]

PARALLEL_FROM = 24
"""Units from which a second process reviews (forking costs some tens of milliseconds)."""
_SHARE = 0.35
"""The first units, reviewed here: this process also writes every unit's sheets (about
1,5 times a review), so the other process, reviewing the rest, finishes about when the
writer reaches them."""


def reviewed(criteria: CriteriaSet, item: Submission | CheckedSubmission) -> Review:
    """The review of one unit (its submission checked first unless it is checked)."""
    checked = item if isinstance(item, CheckedSubmission) else check_submission(criteria, item)
    return review(criteria, checked)


class Reviews:
    """Each unit's review, in order: :meth:`take` gives the review of unit ``index`` made by
    the other process, or ``None`` (review it here). Use as a context manager."""

    def __init__(
        self,
        criteria: CriteriaSet,
        items: Sequence[Submission | CheckedSubmission],
        workers: int | None = None,
    ) -> None:
        import multiprocessing

        self.start = len(items)
        self.received: dict[int, bytes] = {}
        self.done = threading.Event()
        self.process: Any = None
        self.receiver: threading.Thread | None = None
        wanted = min(os.cpu_count() or 1, 2) if workers is None else workers
        forkable = "fork" in multiprocessing.get_all_start_methods()
        if (
            wanted < 2
            or len(items) < (PARALLEL_FROM if workers is None else 2)
            or not forkable
            or threading.active_count() > 1
        ):
            return
        self.start = max(1, int(len(items) * _SHARE))
        context = multiprocessing.get_context("fork")
        receive, send = context.Pipe(duplex=False)
        self.process = context.Process(
            target=_child, args=(criteria, items[self.start :], send), daemon=True
        )
        self.process.start()
        send.close()
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

    def take(self, index: int) -> Review | None:
        """Unit ``index``'s review from the other process, once it has come; ``None`` when
        this process reviews it (one of the first units, or the review did not come)."""
        if index < self.start or self.receiver is None:
            return None
        with self.condition:
            while index not in self.received and not self.done.is_set():
                self.condition.wait()
            blob = self.received.pop(index, b"")
        if not blob:
            return None
        found: Review = pickle.loads(blob)
        return found

    def __enter__(self) -> Reviews:
        return self

    def __exit__(self, *_: object) -> None:
        if self.process is not None:
            if self.process.is_alive():
                self.process.terminate()
            self.process.join()
        if self.receiver is not None:
            self.receiver.join()
        self.received.clear()


def _child(
    criteria: CriteriaSet, items: Sequence[Submission | CheckedSubmission], send: Any
) -> None:
    """The forked process's work: each unit's review sent as it is made (an empty message
    when the unit's check or review raised: the parent reviews it and raises there)."""
    try:
        for item in items:
            try:
                blob = pickle.dumps(reviewed(criteria, item), protocol=pickle.HIGHEST_PROTOCOL)
            except Exception:  # the parent reviews this unit and reports what happens there
                blob = b""
            send.send_bytes(blob)
    finally:
        send.close()

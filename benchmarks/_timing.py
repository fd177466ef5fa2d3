"""Shared timing helpers for the benchmarks (not a test suite: they print figures)."""

from __future__ import annotations

import json
import statistics
import subprocess
import sys
import tempfile
import time
import tracemalloc
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TypeVar

T = TypeVar("T")


def best_of(function: Callable[[], T], repeat: int = 7, number: int = 1) -> tuple[float, T]:
    """Median seconds per call over ``repeat`` rounds of ``number`` calls, and the last result."""
    times = []
    result: T
    for _ in range(repeat):
        start = time.perf_counter()
        for _ in range(number):
            result = function()
        times.append((time.perf_counter() - start) / number)
    return statistics.median(times), result


@dataclass
class Turns:
    """Wall and CPU seconds of each run of one function timed in :func:`taking_turns`."""

    wall: list[float] = field(default_factory=list)
    cpu: list[float] = field(default_factory=list)

    @property
    def wall_median(self) -> float:
        return statistics.median(self.wall)

    @property
    def cpu_median(self) -> float:
        return statistics.median(self.cpu)

    @property
    def cpu_least(self) -> float:
        return min(self.cpu)

    @property
    def wall_least(self) -> float:
        return min(self.wall)


def taking_turns(functions: Sequence[Callable[[], object]], repeat: int = 9) -> list[Turns]:
    """Each function run ``repeat`` times, the functions taking turns (a, b, a, b, …), so a
    slow stretch of a shared machine falls on both alike: wall (``perf_counter``) and CPU
    (``process_time``) seconds of every run. Read the least and the median of both."""
    found = [Turns() for _ in functions]
    for _ in range(repeat):
        for function, times in zip(functions, found, strict=True):
            began, began_cpu = time.perf_counter(), time.process_time()
            function()
            times.cpu.append(time.process_time() - began_cpu)
            times.wall.append(time.perf_counter() - began)
    return found


def fresh_processes(arguments: Sequence[str], runs: int) -> list[dict[str, float]]:
    """``runs`` fresh Python processes, one after another, each running ``python
    *arguments`` and printing its figures as one JSON object on its last line: the objects.

    A user's call runs in a process of its own: its heap, its first calls and the
    machine's mood that second are its own, and the same call moves by a third between
    fresh processes here (session 17: 2,3-3,2 s for one export). Read the median."""
    found = []
    for _ in range(runs):
        done = subprocess.run(
            [sys.executable, *arguments], check=True, capture_output=True, text=True
        )
        found.append(json.loads(done.stdout.strip().splitlines()[-1]))
    return found


def peak_memory(function: Callable[[], T]) -> tuple[int, T]:
    """Peak bytes allocated by Python while ``function`` runs (tracemalloc)."""
    tracemalloc.start()
    try:
        result = function()
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    return peak, result


def row(label: str, seconds: float, baseline: float | None = None) -> str:
    ratio = f"  ({seconds / baseline:5.1f}× baseline)" if baseline else ""
    return f"  {label:<58} {seconds * 1000:9.2f} ms{ratio}"


def in_revision(revision: str, root: Path, run: Callable[[Path], T]) -> T:
    """``run(tree)`` with git revision ``revision`` checked out in a temporary worktree.

    The caller runs its own subprocess there with ``PYTHONPATH=tree`` and a working
    directory outside this checkout, so this checkout's parindex never shadows the other.
    """
    with tempfile.TemporaryDirectory() as folder:
        tree = Path(folder) / "before"
        subprocess.run(
            ["git", "-C", str(root), "worktree", "add", "--detach", str(tree), revision],
            check=True,
            capture_output=True,
        )
        try:
            return run(tree)
        finally:
            subprocess.run(
                ["git", "-C", str(root), "worktree", "remove", "--force", str(tree)],
                check=True,
                capture_output=True,
            )

"""Shared timing helpers for the benchmarks (not a test suite: they print figures)."""

from __future__ import annotations

import statistics
import time
import tracemalloc
from collections.abc import Callable
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

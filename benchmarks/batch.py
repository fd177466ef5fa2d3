"""Benchmark: score 10,000 synthetic units on the 2023 set at once (issues 7, 12, 17).

Two baselines, measured in the same run on the same units:

- a per-unit loop over pre-parsed simpleeval expressions that applies the same rules on
  floats and sums the tree (``_baseline.SimpleevalScorer``) — what a user would script;
- the whole 2023 set written by hand in numpy (``_numpy_2023``) — the practical limit; its
  totals must equal ``score_many``'s for every unit (asserted here).

``score_many`` is timed on the inputs frame (one row per unit, columns of values);
building that frame from submission objects is timed separately. ``--before REV`` also
times ``score_many`` of git revision ``REV`` (checked out into a temporary worktree, run in
a subprocess) on the same frame, for before/after figures from one run. ``--scaling``
prints time and peak memory of ``score_many`` from 1,000 to 100,000 units.

Targets: ≥ 30× the simpleeval loop, within 5× of the hand-written numpy, peak memory
≤ 1 GiB at 10,000 units and ≤ 2 GiB at 100,000. The ratio to the simpleeval loop is taken
CPU against CPU, the least against the least (``steady``): its wall time swung between 10
and 30 s from run to run on a shared machine; its wall time is printed beside.
``score_many`` and the hand-written numpy take turns (one run of each, nine times:
``_timing.taking_turns``), so a slow stretch of the machine falls on both; the least and
the median, of wall and of CPU time, are printed with their ratios.
Run: ``make bench`` or ``.venv/bin/python benchmarks/batch.py [N] [--before REV] [--scaling]``.
"""

from __future__ import annotations

import argparse
import os
import pickle
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from decimal import Decimal
from pathlib import Path
from typing import Any

import numpy as np

sys.path.insert(0, str(Path(__file__).parent))
import _numpy_2023
from _baseline import SimpleevalScorer, as_floats
from _timing import best_of, peak_memory, row, taking_turns

from parindex import check_many, load_criteria, score_many, synthetic
from parindex.batch import inputs_frame
from parindex.frames import numpy_frame

ROOT = Path(__file__).resolve().parent.parent
SET_2023 = ROOT / "criteria" / "namdinh-stnmt-2023.yaml"
TURNS = 9
"""Runs of each of score_many and the hand-written numpy, taking turns (a, b, a, b, …)."""

_BEFORE = """
import pickle, statistics, sys, time
import parindex
from parindex import load_criteria, score_many
assert parindex.__file__.startswith(sys.argv[3]), parindex.__file__
criteria = load_criteria(sys.argv[1])
with open(sys.argv[2], "rb") as handle:
    frame = pickle.load(handle)
times, used = [], []
for _ in range(5):
    start, began = time.perf_counter(), time.process_time()
    scores = score_many(criteria, frame)
    times.append(time.perf_counter() - start)
    used.append(time.process_time() - began)
print(statistics.median(times))
print(min(used))
print(",".join(str(v) for v in scores["total"]))
"""


def cpu_of(function: Any, repeat: int = 5, pick: Any = statistics.median) -> float:
    """CPU seconds (``time.process_time``) of ``function``, the median of ``repeat`` runs
    (or ``pick``): steadier than wall time on a shared machine."""
    times = []
    for _ in range(repeat):
        start = time.process_time()
        function()
        times.append(time.process_time() - start)
    return float(pick(times))


def steady(
    loop: Any, rows: list[Any], chunks: int = 10, repeat: int = 3
) -> tuple[float, float, list[Any]]:
    """CPU seconds of ``loop`` over all ``rows`` — the least of ``repeat`` runs of each tenth,
    summed — the wall seconds of its first runs, and what it returned for every row.

    The simpleeval loop runs for seconds, long enough for other work on a shared machine
    to land in it (its wall time moved between 10 and 30 s from run to run). CPU time
    (``time.process_time``) leaves out the time other processes hold the core, and the
    least of three runs of each tenth leaves out a cache-cold or interrupted stretch; the
    sum is what the loop costs when nothing disturbs it. That is the *lower* of the honest
    figures, so the ratio to it is the harder one to meet.
    """
    size = -(-len(rows) // chunks)
    least = wall = 0.0
    results: list[Any] = []
    for start in range(0, len(rows), size):
        part = rows[start : start + size]
        times = []
        for attempt in range(repeat):
            began, began_wall = time.process_time(), time.perf_counter()
            got = loop(part)
            times.append(time.process_time() - began)
            if not attempt:
                wall += time.perf_counter() - began_wall
                results.extend(got)
        least += min(times)
    return least, wall, results


def hundredths(column: Any) -> np.ndarray[Any, np.dtype[np.int64]]:
    return np.array([int(v.scaleb(2)) for v in column], dtype=np.int64)


def before(revision: str, frame: Any) -> tuple[float, float, list[str]]:
    """``score_many`` of an earlier revision on the same frame: median wall and least CPU
    of 5, totals."""
    with tempfile.TemporaryDirectory() as folder:
        tree = Path(folder) / "before"
        subprocess.run(
            ["git", "-C", str(ROOT), "worktree", "add", "--detach", str(tree), revision],
            check=True,
            capture_output=True,
        )
        try:
            data = Path(folder) / "frame.pickle"  # our own frame, written and read here
            data.write_bytes(pickle.dumps(frame))
            done = subprocess.run(
                [sys.executable, "-c", _BEFORE, str(SET_2023), str(data), str(tree)],
                check=False,
                capture_output=True,
                text=True,
                env={"PYTHONPATH": str(tree)},
                cwd=folder,  # not this checkout: its parindex must not shadow the other
            )
            if done.returncode:
                raise RuntimeError(f"score_many of {revision} failed: {done.stderr}")
        finally:
            subprocess.run(
                ["git", "-C", str(ROOT), "worktree", "remove", "--force", str(tree)],
                check=True,
                capture_output=True,
            )
    seconds, cpu, totals = done.stdout.strip().splitlines()
    return float(seconds), float(cpu), totals.split(",")


def scaling(criteria: Any) -> None:
    print("\nScaling of score_many (inputs frame, 2023 set)")
    print(f"  {'units':>9} {'time':>10} {'per unit':>10} {'CPU':>10} {'peak (tracemalloc)':>19}")
    base = inputs_frame(criteria, synthetic.units(criteria, 10_000, seed=2023))
    for n in (1_000, 10_000, 30_000, 100_000):
        copies = -(-n // len(base))
        frame = base.iloc[np.tile(np.arange(len(base)), copies)[:n]].reset_index(drop=True)
        frame["unit"] = [f"u{i}" for i in range(n)]
        seconds, _ = best_of(lambda f=frame: score_many(criteria, f), repeat=3)
        used = cpu_of(lambda f=frame: score_many(criteria, f), repeat=3)
        memory, _ = peak_memory(lambda f=frame: score_many(criteria, f))
        print(
            f"  {n:>9,} {seconds * 1000:>8.0f} ms {seconds / n * 1e6:>7.1f} µs"
            f" {used * 1000:>7.0f} ms {memory / 2**20:>15.0f} MiB"
        )
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
    print(
        f"  peak RSS of this process (the 10,000 units, the frames, scoring): {rss / 2**20:.0f} MiB"
        f" (≤ 2 GiB at 100,000 units: {'met' if rss <= 2**31 else 'NOT met'};"
        f" CPU {time.process_time():.0f} s; load {os.getloadavg()[0]:.1f})"
    )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("n", nargs="?", type=int, default=10_000)
    parser.add_argument("--before", help="git revision to time score_many of, on the same frame")
    parser.add_argument("--scaling", action="store_true", help="1,000 to 100,000 units")
    parser.add_argument("--scaling-only", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    n = args.n
    criteria = load_criteria(SET_2023)
    if args.scaling_only:  # a fresh process: its peak RSS is the scaling run's own
        scaling(criteria)
        return
    start = time.perf_counter()
    units = synthetic.units(criteria, n, seed=2023)
    made = time.perf_counter() - start
    start = time.perf_counter()
    checked = check_many(criteria, units)
    check = time.perf_counter() - start
    start = time.perf_counter()
    frame = inputs_frame(criteria, checked)  # type: ignore[arg-type]
    framing = time.perf_counter() - start
    # NumPy-backed, as score_many reads any frame (it converts once where it takes it in):
    # the hand-written numpy reads the very same columns.
    frame = numpy_frame(frame)

    scorer = SimpleevalScorer(criteria)
    rows = [(as_floats(c.values), c.submission.survey) for c in checked]  # type: ignore[union-attr]
    baseline, baseline_wall, baseline_totals = steady(
        lambda part: [scorer.total(v, s) for v, s in part], rows
    )

    hand_totals, hand_maxima = _numpy_2023.totals(frame)
    scores = score_many(criteria, frame)  # both run once before they are timed
    hand_times, batch_times = taking_turns(
        [lambda: _numpy_2023.totals(frame), lambda: score_many(criteria, frame)], repeat=TURNS
    )
    by_hand, batch = hand_times.wall_median, batch_times.wall_median
    least_by_hand, least_batch = hand_times.cpu_least, batch_times.cpu_least
    fresh = [u.model_copy() for u in units]  # nothing kept from the checks above
    from_objects = cpu_of(lambda: score_many(criteria, fresh), repeat=1)
    memory, _ = peak_memory(lambda: score_many(criteria, frame))
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
    exact = hundredths(scores["exact:total"])  # the float64 "total" is for analysis
    assert np.array_equal(hand_totals, exact), "hand-written numpy and score_many disagree"
    assert np.array_equal(hand_maxima, hundredths(scores["exact:max_points"]))

    print(f"Score {n:,} synthetic units on {criteria.id} ({len(criteria.compiled.nodes)} nodes)")
    print(row(f"synthetic.units({n}) — making the units (not scored)", made))
    print(row("check_many, every unit (not in the batch figure)", check))
    print(row("inputs_frame — submissions → one row per unit", framing))
    print(row("baseline: simpleeval per-unit loop, floats (wall, first pass)", baseline_wall))
    print(row("baseline: simpleeval loop, CPU (each tenth: least of 3)", baseline))
    print(row(f"baseline: the 2023 set by hand in numpy (wall, median of {TURNS})", by_hand))
    print(row(f"score_many on the inputs frame (wall, median of {TURNS})", batch))
    print(
        f"  by hand and score_many taking turns, {TURNS} runs each (load {os.getloadavg()[0]:.1f}):"
    )
    for label, pick in (
        ("wall, median", lambda t: t.wall_median),
        ("wall, least", lambda t: t.wall_least),
        ("CPU, median", lambda t: t.cpu_median),
        ("CPU, least", lambda t: t.cpu_least),
    ):
        mine, theirs = pick(batch_times), pick(hand_times)
        print(
            f"    {label:<13} by hand {theirs * 1000:7.1f} ms, score_many {mine * 1000:7.1f} ms:"
            f" {mine / theirs:.1f}× by hand"
        )
    print(row("score_many on the Submission objects (checks them; CPU)", from_objects))
    if args.before:
        old, old_cpu, old_totals = before(args.before, frame)
        same = [Decimal(t) for t in old_totals] == list(scores["exact:total"])  # 90.0 == 90.00
        assert same, "before and after disagree"
        print(row(f"score_many before ({args.before}), same frame", old))
        print(
            f"  before → after: {old / batch:.2f}× faster (wall, median of 5);"
            f" least CPU {old_cpu * 1000:.0f} → {least_batch * 1000:.0f} ms,"
            f" {old_cpu / least_batch:.2f}× faster"
        )
    print(
        f"  units per second: simpleeval {n / baseline:,.0f} (CPU), by hand {n / by_hand:,.0f},"
        f" score_many {n / batch:,.0f}"
    )
    print(
        f"  score_many vs simpleeval loop, CPU against CPU (least against least):"
        f" {baseline / least_batch:.1f}× faster"
        f" (wall against wall, first pass against median of {TURNS}: {baseline_wall / batch:.1f}×)"
    )
    print(
        f"  score_many vs hand-written numpy: {batch / by_hand:.1f}× slower (wall, median);"
        f" CPU {batch_times.cpu_median / hand_times.cpu_median:.1f}× (median),"
        f" {least_batch / least_by_hand:.1f}× (least)"
    )
    print("  hand-written numpy totals equal score_many's for every unit: yes (asserted)")
    print(
        f"  peak memory while scoring (tracemalloc): {memory / 2**20:.1f} MiB;"
        f" whole process peak RSS: {rss / 2**20:.0f} MiB"
    )
    close = sum(
        abs(float(t) - b) < 0.011
        for t, b in zip(scores["total"].tolist(), baseline_totals, strict=True)
    )
    print(
        f"  simpleeval totals within 0,01 of the exact ones: {close:,}/{n:,}"
        " (the loop ignores missing inputs, caps and rounding)"
    )
    print(
        f"  targets: ≥ 30× simpleeval {'met' if baseline / least_batch >= 30 else 'NOT met'}"
        f" (CPU, least against least);"
        f" within 5× of by hand {'met' if batch / by_hand <= 5 else 'NOT met'}"
        f" (wall, median; CPU median"
        f" {'met' if batch_times.cpu_median / hand_times.cpu_median <= 5 else 'NOT met'},"
        f" least {'met' if least_batch / least_by_hand <= 5 else 'NOT met'});"
        f" ≤ 1 GiB {'met' if max(memory, rss) <= 2**30 else 'NOT met'}"
    )
    if args.scaling:
        sys.stdout.flush()
        subprocess.run([sys.executable, __file__, "--scaling-only"], check=True)


if __name__ == "__main__":
    main()

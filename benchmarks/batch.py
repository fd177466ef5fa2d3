"""Benchmark: score 10,000 synthetic units on the 2023 set at once (issue 7).

Baseline, measured in the same run on the same units: a per-unit loop over
pre-parsed simpleeval expressions that applies the same rules on floats and sums
the tree (``_baseline.SimpleevalScorer``) — what a user would write by hand.
``score_many`` is timed on the inputs frame (one row per unit, columns of values);
building that frame from submission objects is timed separately.

Targets: 10,000 units in ≤ 0.3 s, ≥ 30× the baseline, peak memory ≤ 1 GiB.
Run: ``make bench`` or ``.venv/bin/python benchmarks/batch.py [N]``.
"""

from __future__ import annotations

import resource
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from _baseline import SimpleevalScorer, as_floats
from _timing import best_of, peak_memory, row

from parindex import check_submission, load_criteria, score_many, synthetic
from parindex.batch import inputs_frame

ROOT = Path(__file__).resolve().parent.parent


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 10_000
    criteria = load_criteria(ROOT / "criteria" / "namdinh-stnmt-2023.yaml")
    start = time.perf_counter()
    units = synthetic.units(criteria, n, seed=2023)
    made = time.perf_counter() - start
    start = time.perf_counter()
    checked = [check_submission(criteria, u) for u in units]
    check = time.perf_counter() - start
    start = time.perf_counter()
    frame = inputs_frame(criteria, checked)
    framing = time.perf_counter() - start

    scorer = SimpleevalScorer(criteria)
    rows = [(as_floats(c.values), c.submission.survey) for c in checked]
    start = time.perf_counter()
    baseline_totals = [scorer.total(values, survey) for values, survey in rows]
    baseline = time.perf_counter() - start

    batch, scores = best_of(lambda: score_many(criteria, frame), repeat=5)
    memory, _ = peak_memory(lambda: score_many(criteria, frame))
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024

    print(f"Score {n:,} synthetic units on {criteria.id} ({len(criteria.compiled.nodes)} nodes)")
    print(row(f"synthetic.units({n}) — making the units (not scored)", made))
    print(row("check_submission, every unit (not in the batch figure)", check))
    print(row("inputs_frame — submissions → one row per unit", framing))
    print(row("baseline: simpleeval per-unit loop, floats", baseline))
    print(row("score_many on the inputs frame (median of 5)", batch))
    print(f"  units per second: baseline {n / baseline:,.0f}, score_many {n / batch:,.0f}")
    print(f"  speed-up over the baseline: {baseline / batch:.1f}×")
    print(
        f"  peak memory while scoring (tracemalloc): {memory / 2**20:.1f} MiB;"
        f" whole process peak RSS: {rss / 2**20:.0f} MiB"
    )
    close = sum(
        abs(float(t) - b) < 0.011
        for t, b in zip(scores["total"].tolist(), baseline_totals, strict=True)
    )
    print(
        f"  baseline totals within 0,01 of the exact ones: {close:,}/{n:,}"
        " (the baseline ignores missing inputs, caps and rounding)"
    )
    scale = n / 10_000
    print(
        f"  targets for 10,000 units: ≤ 0.3 s {'met' if batch / scale <= 0.3 else 'NOT met'};"
        f" ≥ 30× {'met' if baseline / batch >= 30 else 'NOT met'};"
        f" ≤ 1 GiB {'met' if max(memory, rss) <= 2**30 else 'NOT met'}"
    )


if __name__ == "__main__":
    main()

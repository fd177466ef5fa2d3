"""Benchmark: write a 250-unit workbook, and import one unit's sheet.

The 250 units are the sample units of the 2023 set, repeated with new ids and names and
with their self-scores and appraised scores varied deterministically (no randomness:
the same workbook every run). Targets (issue 6): write ≤ 10 s and ≤ 1 GiB peak memory;
import one unit's sheet ≤ 0,5 s.

Time is measured without tracemalloc (which slows Python down); memory in a second
run, as tracemalloc's peak of Python allocations and the process's peak resident size.

Run: ``make bench`` or ``.venv/bin/python benchmarks/excel.py``.
"""

from __future__ import annotations

import resource
import sys
import tempfile
import time
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from _timing import best_of, peak_memory

from parindex import (
    CriteriaSet,
    Submission,
    export_unit,
    export_workbook,
    import_workbook,
    load_criteria,
    load_submission,
)

ROOT = Path(__file__).resolve().parent.parent
UNITS = 250
_STEP = Decimal("0.25")


def units(criteria: CriteriaSet, count: int) -> list[Submission]:
    """``count`` units made from the samples: scores lowered by a quarter point here and there."""
    samples = [load_submission(p) for p in sorted((ROOT / "evidence").glob("*-2023.yaml"))]
    made = []
    for number in range(count):
        base = samples[number % len(samples)]
        scores = {}
        for position, (code, entry) in enumerate(base.self_scores.items()):
            lower = (position + number) % 5 == 0 and entry.points >= _STEP
            points = entry.points - _STEP if lower else entry.points
            points = min(points, criteria.node(code).max_points)  # importable: none above max
            scores[code] = entry.model_copy(update={"points": points})
        unit = base.unit.model_copy(
            update={"id": f"{base.unit.id}-{number:03d}", "name": f"{base.unit.name} #{number + 1}"}
        )
        made.append(base.model_copy(update={"unit": unit, "self_scores": scores}))
    return made


def main() -> None:
    criteria = load_criteria(ROOT / "criteria" / "namdinh-stnmt-2023.yaml")
    batch = units(criteria, UNITS)
    with tempfile.TemporaryDirectory() as folder:
        big = Path(folder) / "all.xlsx"
        start, cpu = time.perf_counter(), time.process_time()
        export_workbook(criteria, batch, big)
        seconds, cpu = time.perf_counter() - start, time.process_time() - cpu
        rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024  # KiB on Linux
        peak, _ = peak_memory(lambda: export_workbook(criteria, batch, Path(folder) / "m.xlsx"))
        size = big.stat().st_size

        one = export_unit(criteria, batch[0], Path(folder) / "one.xlsx")
        single, _ = best_of(lambda: import_workbook(criteria, one), repeat=7)
        start = time.perf_counter()
        result = import_workbook(criteria, big)
        whole = time.perf_counter() - start
    assert len(result.submissions) == UNITS

    mib = 1024 * 1024
    print(f"Excel score sheets, 2023 set ({len(criteria.compiled.nodes)} nodes)")
    print(
        f"  write {UNITS} units (summary, {UNITS} sheets, findings): {seconds:6.2f} s "
        f"({cpu:.2f} s CPU; target ≤ 10 s: {'met' if seconds <= 10 else 'NOT met'}); "
        f"file {size / mib:.1f} MiB"
    )
    print(
        f"  peak memory while writing: {peak / mib:6.0f} MiB Python (tracemalloc), "
        f"{rss / mib:.0f} MiB process peak RSS, untraced run (target ≤ 1024 MiB: "
        f"{'met' if max(peak, rss) <= 1024 * mib else 'NOT met'})"
    )
    print(
        f"  import one unit's sheet: {single * 1000:6.0f} ms, median of 7 "
        f"(target ≤ 500 ms: {'met' if single <= 0.5 else 'NOT met'})"
    )
    print(f"  import the {UNITS}-unit workbook: {whole:6.2f} s")


if __name__ == "__main__":
    main()

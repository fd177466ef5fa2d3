"""Benchmark: check 10,000 submissions against the 2023 set at once (issue 17: ≤ 30 µs a unit).

``check_many`` against the baseline measured in the same run: ``check_submission`` unit
by unit (the careful path ``check_many`` must equal, and did before it). Units are
synthetic, in two forms of their values:

- as a YAML file holds them (whole numbers, decimals as floats, dates, yes/no; what
  ``load_submission`` gives, the path users take);
- as text (JSON dumps: every number and date a string to parse).

Both figures are CPU time (``time.process_time``) per unit; the machine may be shared.
``check_many`` runs ``--runs`` times, each on freshly validated submissions never checked
before (a checked unit's result is kept on it: checking it again is free). The first run
is a user's one call: it comes after the baseline ran over other objects, so nothing of
the units is in cache, and it pays what a process pays once (fresh memory for its
results, the table of decimals). The least of all runs is the steadier figure on a shared
machine. The goal is judged on the first run; both are printed.
Every unit's result is asserted equal to the careful path's (values in the same order).
Run: ``make bench`` or ``.venv/bin/python benchmarks/checks.py [N] [--runs R]``.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).parent))
from _timing import row

from parindex import SubmissionError, check_many, check_submission, load_criteria, synthetic
from parindex.submission import CheckedSubmission, Submission, _number

ROOT = Path(__file__).resolve().parent.parent
SET_2023 = ROOT / "criteria" / "namdinh-stnmt-2023.yaml"


def as_in_a_file(unit: Submission) -> dict[str, Any]:
    """The unit's data as ``load_submission`` reads it back from ``save_submission``'s YAML."""
    data = unit.model_dump(mode="python", exclude_defaults=True)
    data["values"] = {k: _number(v) for k, v in data["values"].items()}
    return data


def cpu(function: Any) -> tuple[float, Any]:
    start = time.process_time()
    result = function()
    return time.process_time() - start, result


def careful(criteria: Any, units: list[Submission]) -> list[Any]:
    out: list[Any] = []
    for unit in units:
        try:
            out.append(check_submission(criteria, unit))
        except SubmissionError as error:
            out.append(list(error.problems))
    return out


def again(criteria: Any, data: list[dict[str, Any]]) -> float:
    """CPU seconds of one more ``check_many`` over freshly validated, never checked units."""
    fresh = [Submission.model_validate(d) for d in data]
    seconds, _ = cpu(lambda: check_many(criteria, fresh))
    return seconds


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("n", nargs="?", type=int, default=10_000)
    parser.add_argument("--runs", type=int, default=5, help="check_many runs (least printed)")
    arguments = parser.parse_args()
    n, runs = arguments.n, max(1, arguments.runs)
    criteria = load_criteria(SET_2023)
    units = synthetic.units(criteria, n, seed=3, self_scores=True)
    print(
        f"Check {n:,} submissions against {criteria.id} (CPU time; load {os.getloadavg()[0]:.1f})"
    )
    for label, dump in (
        ("as a YAML file holds them", as_in_a_file),
        ("values as text (JSON)", lambda u: u.model_dump(mode="json", exclude_defaults=True)),
    ):
        data = [dump(u) for u in units]
        first = [Submission.model_validate(d) for d in data]
        second = [Submission.model_validate(d) for d in data]
        baseline, want = cpu(lambda s=second: careful(criteria, s))
        many, got = cpu(lambda f=first: check_many(criteria, f))
        for a, b in zip(got, want, strict=True):
            assert isinstance(a, CheckedSubmission) and isinstance(b, CheckedSubmission)
            assert list(a.values.items()) == list(b.values.items())
        del got, want, second
        later = [again(criteria, data) for _ in range(runs - 1)]
        least = min([many, *later])
        print(f"  {label}:")
        print(row("baseline: check_submission, unit by unit", baseline))
        print(row("check_many, the first run (a user's one call)", many, baseline))
        print(row(f"check_many, the least of {runs} runs", least, baseline))
        print(
            f"    per unit: check_many {many / n * 1e6:.1f} µs the first run,"
            f" {least / n * 1e6:.1f} µs the least of {runs}; check_submission"
            f" {baseline / n * 1e6:.0f} µs; {baseline / many:.1f}× faster;"
            f" goal ≤ 30 µs a unit, judged on the first run:"
            f" {'met' if many / n <= 30e-6 else 'NOT met'}"
        )


if __name__ == "__main__":
    main()

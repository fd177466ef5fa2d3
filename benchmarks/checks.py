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
machine. Every unit's result is asserted equal to the careful path's (values in the same
order).

The goal is judged on a user's one call in a process of its own: ``--fresh`` processes (3
by default), each loading the same units (validated from the same data), calling
``check_many`` once and timing that call; the median of them. One first call moves by
±20 % between fresh processes (session 17), so one run alone cannot tell the goal's margin.
Run: ``make bench`` or ``.venv/bin/python benchmarks/checks.py [N] [--runs R] [--fresh K]``.
"""

from __future__ import annotations

import argparse
import json
import os
import pickle
import resource
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).parent))
from _timing import fresh_processes, row

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


def _first_call(path: str) -> None:
    """``--first-call``: in this fresh process, the units in the pickle ``path`` (this
    benchmark's own, written by its parent run) validated as loading does, then
    ``check_many`` called once: its CPU seconds, page faults and units, one JSON line."""
    criteria = load_criteria(SET_2023)
    with open(path, "rb") as file:
        data = pickle.load(file)
    units = [Submission.model_validate(d) for d in data]
    faults = resource.getrusage(resource.RUSAGE_SELF).ru_minflt
    seconds, results = cpu(lambda: check_many(criteria, units))
    faults = resource.getrusage(resource.RUSAGE_SELF).ru_minflt - faults
    assert all(isinstance(r, CheckedSubmission) for r in results)
    print(json.dumps({"cpu": seconds, "faults": faults, "units": len(units)}))


def _fresh_calls(forms: list[list[dict[str, Any]]], runs: int) -> list[list[dict[str, float]]]:
    """Each form's ``--first-call`` in ``runs`` fresh processes, the forms taking turns."""
    found: list[list[dict[str, float]]] = [[] for _ in forms]
    with tempfile.TemporaryDirectory() as folder:
        paths = [os.path.join(folder, f"form-{at}.pickle") for at in range(len(forms))]
        for path, data in zip(paths, forms, strict=True):
            with open(path, "wb") as file:
                pickle.dump(data, file, protocol=pickle.HIGHEST_PROTOCOL)
        for _ in range(runs):
            for path, figures in zip(paths, found, strict=True):
                figures += fresh_processes([__file__, "--first-call", path], 1)
    return found


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("n", nargs="?", type=int, default=10_000)
    parser.add_argument("--runs", type=int, default=5, help="check_many runs (least printed)")
    parser.add_argument(
        "--fresh", type=int, default=3, help="fresh processes the goal is judged on (median)"
    )
    parser.add_argument("--first-call", help=argparse.SUPPRESS)
    arguments = parser.parse_args()
    if arguments.first_call:
        _first_call(arguments.first_call)
        return
    n, runs = arguments.n, max(1, arguments.runs)
    criteria = load_criteria(SET_2023)
    units = synthetic.units(criteria, n, seed=3, self_scores=True)
    print(
        f"Check {n:,} submissions against {criteria.id} (CPU time; load {os.getloadavg()[0]:.1f})"
    )
    forms = (
        ("as a YAML file holds them", as_in_a_file),
        ("values as text (JSON)", lambda u: u.model_dump(mode="json", exclude_defaults=True)),
    )
    datas = [[dump(u) for u in units] for _, dump in forms]
    fresh = _fresh_calls(datas, arguments.fresh) if arguments.fresh > 0 else None
    for at, ((label, _), data) in enumerate(zip(forms, datas, strict=True)):
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
        judged, on = many / n, "the first run"
        if fresh is not None:
            calls = [f["cpu"] / f["units"] * 1e6 for f in fresh[at]]
            judged, on = (
                statistics.median(calls) / 1e6,
                f"the median of {len(calls)} fresh processes",
            )
            faults = statistics.median(f["faults"] for f in fresh[at])
            print(
                f"    one call in a fresh process (loaded, validated, check_many once):"
                f" {' / '.join(f'{c:.1f}' for c in calls)} µs a unit; median"
                f" {judged * 1e6:.1f} µs, {faults:,.0f} page faults"
            )
        print(
            f"    per unit: check_many {many / n * 1e6:.1f} µs the first run,"
            f" {least / n * 1e6:.1f} µs the least of {runs}; check_submission"
            f" {baseline / n * 1e6:.0f} µs; {baseline / many:.1f}× faster;"
            + (
                f" goal ≤ 30 µs a unit, judged on {on}: {'met' if judged <= 30e-6 else 'NOT met'}"
                if at == 0  # the goal is the YAML form's: what users' files give
                else " (no goal: the goal is judged on the form a YAML file gives)"
            )
        )


if __name__ == "__main__":
    main()

"""Benchmark: the review of one unit (engine score and findings), as the Excel export does it.

Baseline, measured in the same run: the same review of the same units by git revision
``--before`` (default 3c306dd, main at the start of session 9), checked out into a
temporary worktree. Both sides run in fresh processes taking turns for ``--rounds``
rounds, on two kinds of checked units of the 2023 set: the Excel benchmark's (made from
the samples, ``benchmarks/excel.units``) and synthetic ones with self-scores and 2 % of
inputs missing (``parindex.synthetic``). The results the units of a set share
(``engine._SHARED``, session 10) are emptied once the units are made (making synthetic
units scores them): the counted units follow two warm-up ones only. Printed: CPU milliseconds a unit (least and
median of the rounds) and the ratio after ÷ before. With ``--callgrind`` each side also
counts the instructions of the reviews alone (valgrind, instrumentation on only around
them: a figure the machine's load does not change). With ``--share`` this checkout's reviews
share their results (``review(..., share=True)``, as the Excel export may ask).

Run: ``.venv/bin/python benchmarks/review.py [--before REV] [--rounds N] [--units N]
[--callgrind] [--share]``.
"""

from __future__ import annotations

import argparse
import os
import re
import statistics
import subprocess
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from _timing import in_revision

ROOT = Path(__file__).resolve().parent.parent

# Run in a fresh process on either revision: CPU ms a unit for each kind of units, or with
# "count" the reviews alone under callgrind's instrumentation.
_SIDE = """
import gc, os, subprocess, sys, time
from pathlib import Path
root, kind, count, mode = Path(sys.argv[1]), sys.argv[2], int(sys.argv[3]), sys.argv[4]
shared = {"share": True} if sys.argv[5:] == ["share"] else {}
sys.path.insert(0, str(root / "benchmarks"))
from parindex import load_criteria, synthetic
from parindex.review import review
from parindex.submission import check_submission
criteria = load_criteria(root / "criteria" / "namdinh-stnmt-2023.yaml")
if kind == "excel":
    import excel
    units = excel.units(criteria, count)
else:
    units = synthetic.units(criteria, count, seed=5, missing_rate=0.02, self_scores=True)
checked = [check_submission(criteria, unit) for unit in units]
from parindex import engine
getattr(engine, "_SHARED", {}).clear()  # no unit scored before (synthetic ones are, once made)
for unit in checked[:2]:
    review(criteria, unit, **shared)
gc.collect()
if mode == "count":
    pid = str(os.getpid())
    subprocess.run(["callgrind_control", "-i", "on", pid], capture_output=True, check=True)
    for unit in checked:
        review(criteria, unit, **shared)
    subprocess.run(["callgrind_control", "-i", "off", pid], capture_output=True, check=True)
    print(0)
else:
    times = []
    for _ in range(5):
        start = time.process_time()
        for unit in checked:
            review(criteria, unit, **shared)
        times.append((time.process_time() - start) / len(checked))
    print(min(times))
"""


def _side(tree: Path, kind: str, units: int, count: bool = False, share: bool = False) -> float:
    """CPU seconds a unit (least of 5 passes), or with ``count`` instructions a unit."""
    command = [sys.executable, "-c", _SIDE, str(tree), kind, str(units)]
    command.append("count" if count else "time")
    if share:
        command.append("share")
    if count:
        command = [
            "valgrind",
            "--tool=callgrind",
            "--instr-atstart=no",
            "--callgrind-out-file=/dev/null",
            *command,
        ]
    done = subprocess.run(
        command,
        check=True,
        capture_output=True,
        text=True,
        env={"PYTHONPATH": str(tree), "PYTHONHASHSEED": "0", "PATH": os.environ["PATH"]},
        cwd=tree.parent,  # not a checkout: PYTHONPATH alone says which parindex runs
    )
    if not count:
        return float(done.stdout.split()[-1])
    collected = re.search(r"Collected : (\d+)", done.stderr)
    assert collected is not None, done.stderr[-2000:]
    return int(collected.group(1)) / units


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--before", default="3c306dd", help="git revision to compare with")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--units", type=int, default=40)
    parser.add_argument("--callgrind", action="store_true", help="also count instructions")
    parser.add_argument("--share", action="store_true", help="this checkout's reviews share")
    args = parser.parse_args()

    def _shares(side: str) -> bool:
        return args.share and side == "after"

    def compare(old_tree: Path) -> None:
        sides = {"before": old_tree, "after": ROOT}
        for kind in ("excel", "synthetic"):
            print(
                f"Review of a unit, {kind} units ({args.units}), {args.before} against this checkout"
            )
            times: dict[str, list[float]] = {"before": [], "after": []}
            for _ in range(args.rounds):
                for side, tree in sides.items():
                    times[side].append(_side(tree, kind, args.units, share=_shares(side)))
            for side in sides:
                least, median = min(times[side]), statistics.median(times[side])
                print(
                    f"  {side:<7} CPU least {least * 1000:6.2f} ms   median {median * 1000:6.2f} ms"
                )
            ratio = min(times["after"]) / min(times["before"])
            print(f"  after ÷ before (least CPU): {ratio:.2f}")
            if args.callgrind:
                counted = {
                    side: _side(tree, kind, 10, count=True, share=_shares(side))
                    for side, tree in sides.items()
                }
                for side in sides:
                    print(
                        f"  {side:<7} {counted[side] / 1e6:6.2f} M instructions a unit (10 units)"
                    )
                print(
                    f"  after ÷ before (instructions): {counted['after'] / counted['before']:.2f}"
                )

    in_revision(args.before, ROOT, compare)


if __name__ == "__main__":
    main()

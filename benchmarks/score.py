"""Benchmark: score and explain one unit on the 2023 set, after loading.

Baseline, measured in the same run: evaluating every leaf's value expression once
with pre-parsed simpleeval expressions (``EvalWithCompoundTypes.parse`` up front,
``eval(parsed)`` per unit) — what a user would write by hand, with no rounding,
aggregation, applicability or explanation. Target: ≤ 5 ms per unit.

Run: ``make bench`` or ``.venv/bin/python benchmarks/score.py``.
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from _baseline import SimpleevalScorer, as_floats
from _timing import best_of, row

from parindex import check_submission, load_criteria, load_submission, score

ROOT = Path(__file__).resolve().parent.parent


def _baseline(criteria_path: Path, values: dict[str, object]) -> tuple[float, int]:
    """Seconds per unit for the naive loop, and how many leaf expressions it evaluates."""
    scorer = SimpleevalScorer(load_criteria(criteria_path))
    names = as_floats(values)
    count = len(scorer.leaf_expressions(names))
    seconds, _ = best_of(lambda: scorer.leaf_expressions(names), repeat=7, number=50)
    return seconds, count


def main() -> None:
    criteria_path = ROOT / "criteria" / "namdinh-stnmt-2023.yaml"
    samples = sorted((ROOT / "evidence").glob("*-2023.yaml"))
    if not samples:
        raise SystemExit("no sample submissions in evidence/")
    criteria = load_criteria(criteria_path)
    submission = load_submission(samples[0])
    checked = check_submission(criteria, submission)
    baseline, count = _baseline(criteria_path, dict(checked.values))

    def score_and_explain() -> str:
        report = score(criteria, submission)
        return "\n".join(report.explain(n.code) for n in report.nodes)

    check, _ = best_of(lambda: check_submission(criteria, submission), number=20)
    scored, report = best_of(lambda: score(criteria, submission), number=20)
    explained, _ = best_of(score_and_explain, number=20)
    print(f"Score one unit ({samples[0].name}, {len(report.nodes)} nodes) — median of 7×20")
    print(row(f"baseline: simpleeval, {count} pre-parsed leaf expressions, floats", baseline))
    print(row("check_submission (types, constraints, references)", check, baseline))
    print(row("score (check + every rule + aggregation + explanations)", scored, baseline))
    print(row("score + explain every node as text", explained, baseline))
    print(f"  target ≤ 5 ms per unit: {'met' if scored <= 0.005 else 'NOT met'}")


if __name__ == "__main__":
    main()

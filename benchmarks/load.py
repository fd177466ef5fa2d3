"""Benchmark: load, validate and compile each shipped criteria set.

Baseline, measured in the same run: parsing the same file with ruamel.yaml's safe
loader alone (no line numbers, no models, no checks). The ratio is what the line
numbers, the pydantic models and every check and compiled expression cost.

Run: ``make bench`` or ``.venv/bin/python benchmarks/load.py``.
"""

from __future__ import annotations

import sys
from pathlib import Path

from ruamel.yaml import YAML

sys.path.insert(0, str(Path(__file__).parent))
from _timing import best_of, row

from parindex import load_criteria

ROOT = Path(__file__).resolve().parent.parent


def main() -> None:
    print("Load + validate + compile a criteria set (median of 7)")
    for path in sorted((ROOT / "criteria").glob("*.yaml")):
        text = path.read_text(encoding="utf-8")
        baseline, _ = best_of(lambda t=text: YAML(typ="safe", pure=True).load(t))
        seconds, criteria = best_of(lambda p=path: load_criteria(p))
        print(f"{path.name}: {len(criteria.compiled.nodes)} nodes")
        print(row("baseline: ruamel.yaml safe_load only", baseline))
        print(row("parindex.load_criteria (parse, validate, compile)", seconds, baseline))


if __name__ == "__main__":
    main()

"""The JSON Schemas of the file formats (criteria sets, plans), for editors.

An editor that knows the schema (VS Code with the YAML extension, for one)
completes keys, lists the rule kinds and flags a misspelt key while the file is
being typed. The schema is generated from :mod:`parindex.criteria`, never written
by hand; the copies shipped in ``criteria/schema/criteria.schema.json`` and
``plans/schema/plan.schema.json`` (:func:`parindex.plans.plan_schema`) are rewritten with
``python -m parindex.schema``, by :func:`render` and :func:`write` alike, and tests keep them
equal to the models.

The schema checks shape only. Sums, codes, ranges and expressions are checked by
``parindex validate``, which remains the authority.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from parindex.criteria import CriteriaSet

__all__ = ["DEFAULT_PATH", "criteria_schema", "render", "render_schema", "write", "write_schema"]

DEFAULT_PATH = Path("criteria") / "schema" / "criteria.schema.json"
"""Where the shipped schema lives, relative to the repository root."""


def criteria_schema() -> dict[str, Any]:
    """The JSON Schema (draft 2020-12) of a criteria file."""
    return CriteriaSet.json_schema()


def render(schema: Mapping[str, Any]) -> str:
    """A schema as shipped: indented, UTF-8 text kept readable, sorted keys, final newline."""
    return json.dumps(schema, ensure_ascii=False, indent=2, sort_keys=True) + "\n"


def write(schema: Mapping[str, Any], path: str | Path) -> Path:
    """Write ``schema`` as :func:`render` gives it to ``path`` (folders created as needed)
    and return the path."""
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(render(schema), encoding="utf-8")
    return target


def render_schema() -> str:
    """The criteria schema as shipped (:func:`render`)."""
    return render(criteria_schema())


def write_schema(path: str | Path = DEFAULT_PATH) -> Path:
    """Write the criteria schema to ``path`` and return the path."""
    return write(criteria_schema(), path)


def main(argv: Sequence[str] | None = None) -> int:
    """``python -m parindex.schema [PATH]``: write the criteria schema to ``PATH``; without
    it, both shipped copies (criteria and plans)."""
    args = list(sys.argv[1:] if argv is None else argv)
    if len(args) > 1 or any(a in ("-h", "--help") for a in args):
        print("usage: python -m parindex.schema [PATH]", file=sys.stderr)
        return 0 if args and args[0] in ("-h", "--help") else 2
    if args:
        written = [write_schema(args[0])]
    else:  # both shipped copies
        from parindex.plans import SCHEMA_PATH, plan_schema

        written = [write_schema(), write(plan_schema(), SCHEMA_PATH)]
    for path in written:
        print(f"đã ghi / written: {path}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

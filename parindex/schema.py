"""The JSON Schema of the criteria file format, for editors.

An editor that knows the schema (VS Code with the YAML extension, for one)
completes keys, lists the rule kinds and flags a misspelt key while the file is
being typed. The schema is generated from :mod:`parindex.criteria`, never written
by hand; the copy shipped in ``criteria/schema/criteria.schema.json`` is rewritten
with ``python -m parindex.schema`` and a test keeps it equal to the models.

The schema checks shape only. Sums, codes, ranges and expressions are checked by
``parindex validate``, which remains the authority.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from parindex.criteria import CriteriaSet

__all__ = ["DEFAULT_PATH", "criteria_schema", "render_schema", "write_schema"]

DEFAULT_PATH = Path("criteria") / "schema" / "criteria.schema.json"
"""Where the shipped schema lives, relative to the repository root."""


def criteria_schema() -> dict[str, Any]:
    """The JSON Schema (draft 2020-12) of a criteria file."""
    return CriteriaSet.json_schema()


def render_schema() -> str:
    """The schema as shipped: indented, UTF-8 text kept readable, sorted keys, final newline."""
    return json.dumps(criteria_schema(), ensure_ascii=False, indent=2, sort_keys=True) + "\n"


def write_schema(path: str | Path = DEFAULT_PATH) -> Path:
    """Write the schema to ``path`` (folders created as needed) and return the path."""
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(render_schema(), encoding="utf-8")
    return target


def main(argv: Sequence[str] | None = None) -> int:
    """``python -m parindex.schema [PATH]``: write the schema (default: the shipped copy)."""
    args = list(sys.argv[1:] if argv is None else argv)
    if len(args) > 1 or any(a in ("-h", "--help") for a in args):
        print("usage: python -m parindex.schema [PATH]", file=sys.stderr)
        return 0 if args and args[0] in ("-h", "--help") else 2
    written = write_schema(args[0] if args else DEFAULT_PATH)
    print(f"đã ghi / written: {written}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

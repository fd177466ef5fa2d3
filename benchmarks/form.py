"""Benchmark: the self-assessment form of the 2023 set — size and time to write, time to import.

Figures, each beside a baseline measured in the same run:

* the blank form (one sheet, every leaf's live formula): bytes and seconds to write, against
  writing one unit's score sheet (``export_unit``, the detailed layout) of a sample unit;
* the prefilled form of the seven sample units: seconds to write per unit sheet;
* importing it: seconds per unit sheet, against importing the score-sheet workbook
  (``export_workbook``) of the same seven units.

Run: ``make bench`` or ``.venv/bin/python benchmarks/form.py`` (medians of 3 rounds; on a
shared machine the figures are noisy, the ratios less so).
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from _timing import best_of, row

from parindex import (
    export_unit,
    export_workbook,
    import_workbook,
    load_criteria,
    load_submission,
    write_form,
)

ROOT = Path(__file__).resolve().parent.parent
ROUNDS = 3


def main() -> None:
    criteria = load_criteria(ROOT / "criteria" / "namdinh-stnmt-2023.yaml")
    samples = [load_submission(p) for p in sorted((ROOT / "evidence").glob("*-2023.yaml"))]
    count = len(samples)
    with tempfile.TemporaryDirectory() as folder:
        out = Path(folder)
        blank = out / "bieu-mau.xlsx"
        sheet = out / "bang-diem.xlsx"
        form = out / "bieu-mau-mau.xlsx"
        book = out / "bang-tong-hop.xlsx"
        export_seconds, _ = best_of(lambda: export_unit(criteria, samples[0], sheet), ROUNDS)
        blank_seconds, _ = best_of(lambda: write_form(criteria, [], blank), ROUNDS)
        form_seconds, _ = best_of(lambda: write_form(criteria, samples, form), ROUNDS)
        export_workbook(criteria, samples, book)
        baseline, _ = best_of(lambda: import_workbook(criteria, book), ROUNDS)
        imported, result = best_of(lambda: import_workbook(criteria, form), ROUNDS)
        assert len(result.submissions) == count
        print(f"Form of the 2023 set ({len(criteria.compiled.nodes)} nodes, medians of {ROUNDS})")
        print(f"  blank form: {blank.stat().st_size:,} bytes; one score sheet (export_unit): "
              f"{sheet.stat().st_size:,} bytes")  # fmt: skip
        print(row("write the blank form", blank_seconds, export_seconds))
        print(row("  baseline: export_unit of one sample unit", export_seconds))
        print(row(f"write the prefilled form, per unit ({count} units)", form_seconds / count))
        print(row("import the form, per unit sheet", imported / count, baseline / count))
        print(row("  baseline: import the score-sheet workbook, per unit", baseline / count))


if __name__ == "__main__":
    main()

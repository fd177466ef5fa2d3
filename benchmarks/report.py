"""Benchmark: the offline HTML report of 500 synthetic units (issue 14).

Figures: time to review and rank the units, to write the page, the page's size, and the
time headless Chromium (network cut) takes from navigation to the load event, median of
3 opens. Baseline, in the same run and the same browser: a page of the same byte size
whose bytes sit in an inert data block (what the browser needs just to read that many
bytes, without drawing them).

Targets: the page opens in at most 2 s and weighs at most 15 MB.
Run: ``.venv/bin/python benchmarks/report.py [N]`` (``make bench``).
"""

from __future__ import annotations

import statistics
import sys
import tempfile
import time
from html import escape
from pathlib import Path

from parindex import load_criteria, synthetic
from parindex.html_report import render_html
from parindex.results import province_results
from parindex.testing.browser import Browser

ROOT = Path(__file__).resolve().parent.parent


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 500
    criteria = load_criteria(ROOT / "criteria" / "namdinh-stnmt-2023.yaml")
    units = synthetic.units(criteria, n, seed=14, self_scores=True, missing_rate=0.02)
    start = time.perf_counter()
    results = province_results(criteria, units)
    reviewed = time.perf_counter() - start
    start = time.perf_counter()
    html = render_html(results)
    rendered = time.perf_counter() - start
    folder = Path(tempfile.mkdtemp(prefix="parindex-bench-"))
    print(f"  page: {folder / 'ket-qua.html'}", flush=True)
    page = folder / "ket-qua.html"
    page.write_text(html, encoding="utf-8")
    size = page.stat().st_size
    baseline = folder / "text.html"
    filler = escape("Chỉ số cải cách hành chính " * (size // 30))
    baseline.write_text(
        f'<!doctype html><meta charset=utf-8><p>text</p><script type="text/plain">{filler}</script>',
        encoding="utf-8",
    )
    print(f"HTML report of {n} synthetic units (namdinh-stnmt-2023)", flush=True)
    print(f"  review and rank (province_results)      {reviewed:8.2f} s", flush=True)
    print(f"  write the page (render_html)            {rendered:8.2f} s", flush=True)
    print(
        f"  page size                               {size / 1e6:8.2f} MB   (target ≤ 15 MB)",
        flush=True,
    )
    with Browser() as browser:
        opens, plain = [], []
        for _ in range(3):
            opened = browser.open(page)
            assert not opened.errors, opened.errors
            opens.append(opened.load_seconds)
            print(f"  open {len(opens)}: {opened.load_seconds:.2f} s", flush=True)
            plain.append(browser.open(baseline).load_seconds)
        first = browser.open(page)
        start = time.perf_counter()
        first.evaluate(f'location.hash = "u={results.rows[-1].unit}"; parindexReport.route(); 1')
        unit_page = time.perf_counter() - start
    opened_s, plain_s = statistics.median(opens), statistics.median(plain)
    print(
        f"  open in Chromium to load event (median) {opened_s:8.2f} s    (target ≤ 2 s; "
        f"{opened_s / plain_s:.1f}× a text page of the same size: {plain_s:.2f} s)"
    )
    print(f"  draw one unit page (last unit)          {unit_page:8.3f} s")


if __name__ == "__main__":
    main()

"""Render screenshots of the HTML report (province page and one unit page) into docs/.

Uses the bundled sample units (dữ liệu mẫu) and headless Chromium with the network cut.
Run: ``.venv/bin/python docs/screenshots.py``; writes ``docs/report-province.png`` and
``docs/report-unit.png``.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

from PIL import Image

from parindex import load_criteria, load_submission
from parindex.html_report import render_html
from parindex.results import province_results
from parindex.testing.browser import Browser

ROOT = Path(__file__).resolve().parent.parent
UNIT = "so-tu-phap-mau"  # appraised, with findings: the richest sample page


def main() -> None:
    criteria = load_criteria(ROOT / "criteria" / "namdinh-stnmt-2023.yaml")
    submissions = [load_submission(p) for p in sorted((ROOT / "evidence").glob("*-2023.yaml"))]
    page = Path(tempfile.mkdtemp(prefix="parindex-shots-")) / "ket-qua.html"
    page.write_text(render_html(province_results(criteria, submissions)), encoding="utf-8")
    with Browser() as browser:
        opened = browser.open(page)
        assert not opened.errors, opened.errors
        opened.screenshot(ROOT / "docs" / "report-province.png", width=1200, height=900)
        opened.evaluate(
            f'location.hash = "u={UNIT}&n=1.4.1"; parindexReport.route(); window.scrollTo(0, 0); 1'
        )
        opened.screenshot(ROOT / "docs" / "report-unit.png", width=1200, height=900)
    for name in ("report-province.png", "report-unit.png"):  # 256 colours: a third of the bytes
        path = ROOT / "docs" / name
        Image.open(path).convert("RGB").quantize(colors=256).save(path, optimize=True)
    print("docs/report-province.png, docs/report-unit.png")


if __name__ == "__main__":
    main()

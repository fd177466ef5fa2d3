"""Render the top of a form sheet to PNG for docs/form.md.

Writes the form of the sample unit Sở Tư pháp (2023 set; its round-1 appraisal included),
prints it to PDF with LibreOffice (headless) and renders two crops with pdftoppm: the top of
the first page, the scoring columns (``form-diem.png``), and the top of the first page of the
rounds' run of pages (``form-tham-dinh.png``; printed, each run of columns has pages of its own).

Run: ``.venv/bin/python docs/render_form_page.py`` (needs soffice and poppler-utils).
"""

from __future__ import annotations

import subprocess
import tempfile
from pathlib import Path

from parindex import load_criteria, load_submission, write_form

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "docs" / "images"
DPI = 220
CROPS = {  # name → (the page's first words, (x, y, width, height) in pixels at DPI)
    "form-diem.png": ("BIỂU MẪU", (60, 160, 2400, 1000)),
    "form-tham-dinh.png": ("Vòng 1", (60, 80, 2400, 1000)),
}


def main() -> None:
    criteria = load_criteria(ROOT / "criteria" / "namdinh-stnmt-2023.yaml")
    unit = load_submission(ROOT / "evidence" / "so-tu-phap-mau-2023.yaml")
    OUT.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as name:
        folder = Path(name)
        book = write_form(criteria, [unit], folder / "bieu-mau.xlsx")
        subprocess.run(
            ["soffice", f"-env:UserInstallation={(folder / 'profile').as_uri()}", "--headless",
             "--convert-to", "pdf", "--outdir", str(folder), str(book)],
            check=True, capture_output=True,
        )  # fmt: skip
        pdf = folder / "bieu-mau.pdf"
        text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True,
                              check=True).stdout.decode("utf-8")  # fmt: skip
        pages = text.split("\f")
        for image, (words, (x, y, width, height)) in CROPS.items():
            page = str(next(i for i, p in enumerate(pages, 1) if words in p))
            target = OUT / image
            subprocess.run(
                ["pdftoppm", "-png", "-r", str(DPI), "-f", page, "-l", page, "-x", str(x), "-y",
                 str(y), "-W", str(width), "-H", str(height), "-singlefile",
                 str(pdf), str(target.with_suffix(""))],
                check=True,
            )  # fmt: skip
            print(f"→ {target.relative_to(ROOT)}")


if __name__ == "__main__":
    main()

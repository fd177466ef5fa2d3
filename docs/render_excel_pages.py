"""Render the first page of each kind of printed sheet to PNG for docs/excel.md.

Exports three sample units of the 2023 set (Ban Dân tộc, not appraised; Sở Tư pháp, partly
appraised; Sở Tài nguyên và Môi trường), prints the workbook to PDF with LibreOffice
(headless, one run) and renders with pdftoppm: the summary, the first page of a unit's
official sheet and the page with its signature block, the first page of its detailed
sheet, and the findings sheet.

Run: ``.venv/bin/python docs/render_excel_pages.py`` (needs soffice and poppler-utils).
"""

from __future__ import annotations

import subprocess
import tempfile
from pathlib import Path

from parindex import export_workbook, load_criteria, load_submission

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "docs" / "images"
# image → a text on the page: the first page that shows it
MARKERS = {
    "excel-tong-hop.png": "TỔNG HỢP KẾT QUẢ CHỈ SỐ",
    "excel-ban-in.png": "THẨM ĐỊNH CHỈ SỐ CẢI CÁCH HÀNH CHÍNH",
    "excel-chu-ky.png": "THỦ TRƯỞNG CƠ QUAN",
    "excel-don-vi.png": "TỰ ĐÁNH GIÁ, CHẤM ĐIỂM CÁC TIÊU CHÍ",
    "excel-phat-hien.png": "Nội dung",
}


def main() -> None:
    criteria = load_criteria(ROOT / "criteria" / "namdinh-stnmt-2023.yaml")
    units = [
        load_submission(ROOT / "evidence" / f"{name}-mau-2023.yaml")
        for name in ("ban-dan-toc", "so-tu-phap", "so-tnmt")
    ]
    OUT.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as name:
        folder = Path(name)
        book = export_workbook(criteria, units, folder / "mau.xlsx")
        subprocess.run(
            [
                "soffice",
                f"-env:UserInstallation={(folder / 'profile').as_uri()}",
                "--headless",
                "--convert-to",
                "pdf",
                "--outdir",
                str(folder),
                str(book),
            ],
            check=True,
            capture_output=True,
        )
        pdf = folder / "mau.pdf"
        text = subprocess.run(
            ["pdftotext", "-layout", str(pdf), "-"], check=True, capture_output=True
        ).stdout.decode("utf-8")
        pages = text.split("\f")
        for image, marker in MARKERS.items():
            number = next(i for i, page in enumerate(pages, start=1) if marker in page)
            target = OUT / image
            subprocess.run(
                [
                    "pdftoppm",
                    "-png",
                    "-r",
                    "80",
                    "-f",
                    str(number),
                    "-l",
                    str(number),
                    "-singlefile",
                    str(pdf),
                    str(target.with_suffix("")),
                ],
                check=True,
            )
            print(f"page {number} → {target.relative_to(ROOT)}")


if __name__ == "__main__":
    main()

"""The appraisal year in two small steps around ``parindex form`` and ``parindex import``.

``make demo`` runs::

    parindex form criteria/namdinh-stnmt-2023.yaml evidence/*-2023.yaml --appraisal -o out/bieu-mau-mau-2023.xlsx
    python docs/examples/appraisal_year.py appraise out/bieu-mau-mau-2023.xlsx
    parindex import criteria/namdinh-stnmt-2023.yaml out/bieu-mau-mau-2023.xlsx -o out/nhap-bieu-mau
    parindex review criteria/namdinh-stnmt-2023.yaml out/nhap-bieu-mau/so-tu-phap-mau.yaml
    python docs/examples/appraisal_year.py rank out/nhap-bieu-mau

``appraise`` does what the appraisers do in the sheet (openpyxl stands in for Excel): round 1
scores Sở Tư pháp's over-claimed 2.1 (5 of 1) at 0 with a note, the unit explains, round 2
gives 1. ``rank`` ranks every unit on its final index (appraised where appraised).
"""

from __future__ import annotations

import sys
from pathlib import Path

import openpyxl

from parindex import load_criteria, load_submission, province_results
from parindex.form_layout import KEY, R1, R1_NOTE, R2, R2_NOTE, RESPONSE

CRITERIA = Path(__file__).resolve().parents[2] / "criteria" / "namdinh-stnmt-2023.yaml"


def appraise(path: Path) -> None:
    book = openpyxl.load_workbook(path)
    sheet = next(book[n] for n in book.sheetnames if n.startswith("Sở Tư pháp"))
    row = next(r for r in range(1, sheet.max_row + 1) if sheet.cell(r, KEY + 1).value == "n:2.1")
    for col, value in (
        (R1, 0),
        (R1_NOTE, "Tự chấm 5 điểm, vượt tối đa 1 điểm; chưa có báo cáo rà soát"),
        (RESPONSE, "Đơn vị bổ sung Báo cáo rà soát văn bản QPPL năm 2023"),
        (R2, 1),
        (R2_NOTE, "Chấp nhận sau giải trình"),
    ):
        sheet.cell(row, col + 1).value = value
    book.save(path)
    book.close()
    print(f"Thẩm định vòng 1 và 2 tiêu chí 2.1 của '{sheet.title}' trong {path}")


def rank(folder: Path) -> None:
    criteria = load_criteria(CRITERIA)
    units = [load_submission(p) for p in sorted(folder.glob("*.yaml"))]
    results = province_results(criteria, units)
    print("Xếp hạng theo chỉ số cuối cùng (thẩm định nếu đã thẩm định, theo quy tắc nếu chưa):")
    for row in results.rows:
        index = "–" if row.index is None else f"{row.index:.2f}".replace(".", ",")
        basis = "thẩm định" if row.basis == "appraised" else "theo quy tắc"
        print(f"{row.rank or '–':>3}  {row.name[:44]:<44} {index:>6}%  {basis}")


if __name__ == "__main__":
    step, target = sys.argv[1], Path(sys.argv[2])
    appraise(target) if step == "appraise" else rank(target)

"""Printing checked as a person would: the workbook converted to PDF by LibreOffice.

One soffice run converts a two-unit workbook (summary, two unit sheets, findings);
``pdftotext`` (poppler-utils, installed by ``make test``'s set-up) reads the pages back.
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from parindex import export_workbook, load_criteria, load_submission
from parindex.excel_layout import DATE_LINE, SIGNERS

ROOT = Path(__file__).resolve().parent.parent


def _tool(name: str) -> str:
    found = shutil.which(name)
    if found is None:
        pytest.fail(f"{name} is required and was not found: run `make test` (it installs it)")
    return found


@pytest.fixture(scope="module")
def pages(tmp_path_factory: pytest.TempPathFactory) -> list[str]:
    folder = tmp_path_factory.mktemp("print")
    criteria = load_criteria(ROOT / "criteria" / "namdinh-stnmt-2023.yaml")
    units = [
        load_submission(ROOT / "evidence" / name)
        for name in ("ban-dan-toc-mau-2023.yaml", "so-tu-phap-mau-2023.yaml")
    ]
    book = export_workbook(criteria, units, folder / "in.xlsx")
    command = [
        _tool("soffice"),
        f"-env:UserInstallation={(folder / 'profile').as_uri()}",
        "--headless",
        "--norestore",
        "--convert-to",
        "pdf",
        "--outdir",
        str(folder),
        str(book),
    ]
    subprocess.run(command, capture_output=True, timeout=600, check=False)
    pdf = folder / "in.pdf"
    assert pdf.exists(), "soffice made no PDF"
    text = subprocess.run(
        [_tool("pdftotext"), "-layout", str(pdf), "-"], capture_output=True, check=True
    ).stdout.decode("utf-8")
    return text.split("\f")


def test_no_cell_prints_hashes(pages: list[str]) -> None:
    assert not [i for i, page in enumerate(pages) if "###" in page]


def test_each_unit_sheet_ends_with_its_signature_block(pages: list[str]) -> None:
    text = "\n".join(pages)
    for signer in SIGNERS:
        assert text.count(signer) == 2, signer  # one per unit sheet
    assert text.count(DATE_LINE) == 2


def test_summary_says_what_is_not_appraised(pages: list[str]) -> None:
    summary = pages[0]
    assert "Ngày lập:" in summary and "chưa thẩm định" in summary

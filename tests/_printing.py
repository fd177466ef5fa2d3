"""Workbooks printed as a person would: converted to PDF by LibreOffice, read back by poppler.

``soffice`` (Calc) and ``pdftotext`` (poppler-utils) are installed by ``make test``'s set-up; a
missing one fails the test that needs it, never skips it.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

import pytest

_WORD = re.compile(
    r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">([^<]*)</word>'
)


def tool(name: str) -> str:
    found = shutil.which(name)
    if found is None:
        pytest.fail(f"{name} is required and was not found: run `make test` (it installs it)")
    return found


@dataclass
class Printed:
    pdf: Path
    pages: list[str]
    """Each page's text (``pdftotext -layout``)."""

    def words(self, page: int) -> list[tuple[float, str]]:
        """(height in points, text) of each word on 1-based ``page``."""
        html = subprocess.run(
            [tool("pdftotext"), "-bbox", "-f", str(page), "-l", str(page), str(self.pdf), "-"],
            capture_output=True,
            check=True,
        ).stdout.decode("utf-8")
        return [(float(m[3]) - float(m[1]), m[4]) for m in _WORD.findall(html)]


def print_books(books: dict[str, Path], folder: Path) -> dict[str, Printed]:
    """Each workbook of ``books`` (name → path, the name its file's stem) printed to PDF by one
    soffice run in ``folder``, its pages' text read back."""
    command = [
        tool("soffice"),
        f"-env:UserInstallation={(folder / 'profile').as_uri()}",
        "--headless",
        "--norestore",
        "--convert-to",
        "pdf",
        "--outdir",
        str(folder),
        *map(str, books.values()),
    ]
    subprocess.run(command, capture_output=True, timeout=900, check=False)
    result = {}
    for name in books:
        pdf = folder / f"{name}.pdf"
        assert pdf.exists(), f"soffice made no PDF of {name}.xlsx"
        text = subprocess.run(
            [tool("pdftotext"), "-layout", str(pdf), "-"], capture_output=True, check=True
        ).stdout.decode("utf-8")
        result[name] = Printed(pdf, text.split("\f")[:-1])
    return result

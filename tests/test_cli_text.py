"""Tests for :mod:`parindex.cli_text`: Click's words and every command's help, per language."""

from __future__ import annotations

import re

import pytest
from click.testing import CliRunner

from parindex.cli import COMMANDS, main
from parindex.cli_text import pick

VIETNAMESE = re.compile(
    r"[àáảãạăằắẳẵặâầấẩẫậđèéẻẽẹêềếểễệìíỉĩịòóỏõọôồốổỗộơờớởỡợùúủũụưừứửữựỳýỷỹỵ]", re.I
)
# Words English help may share with Vietnamese help: commands, options, file names.
ENGLISH_ONLY = re.compile(r"\b(the|and|or|of|to|Show|Write|Score|file|files|Example)\b")


def test_pick_keeps_the_language_and_clicks_default() -> None:
    text = "Chỉ tổng.\n---\nTotals only.  [default: text]"
    assert pick(text, "vi") == "Chỉ tổng.  [default: text]"
    assert pick(text, "en") == "Totals only.  [default: text]"
    assert pick("Một dòng.", "en") == "Một dòng."
    indented = "Việt.\n\n    ---\n    English."
    assert pick(indented, "en") == "English." and pick(indented, "vi") == "Việt."


COMMAND_NAMES = sorted({*main.commands, *COMMANDS})


@pytest.mark.parametrize("name", COMMAND_NAMES)
def test_each_command_has_help_in_each_language_with_an_example(name: str) -> None:
    runner = CliRunner()
    vi = runner.invoke(main, [name, "-h"])
    en = runner.invoke(main, [name, "-h", "--lang", "en"])
    assert vi.exit_code == 0 and en.exit_code == 0, (vi.output, en.output)
    assert vi.output.startswith("Cách dùng:") and "\nTùy chọn:\n" in vi.output
    assert "\n  Ví dụ:\n    parindex " in vi.output
    assert en.output.startswith("Usage:") and "\nOptions:\n" in en.output
    assert "\n  Example:\n    parindex " in en.output
    assert "---" not in vi.output and "---" not in en.output
    for line in vi.output.splitlines():  # no English half left in the Vietnamese help
        assert not ENGLISH_ONLY.search(line) or VIETNAMESE.search(line) or "parindex" in line, line
    for line in en.output.splitlines():  # and no Vietnamese in the English help
        if "parindex " not in line:  # an example's file names are Vietnamese on purpose
            assert not VIETNAMESE.search(line), line


def test_the_command_list_follows_the_language() -> None:
    runner = CliRunner()
    vi = runner.invoke(main, ["-h"]).output
    en = runner.invoke(main, ["--lang", "en", "-h"]).output
    assert "Lệnh:" in vi and "Chấm điểm một hay nhiều hồ sơ" in vi
    assert "Commands:" in en and "Score one or more units' submissions" in en
    assert not any(VIETNAMESE.search(line) for line in en.splitlines() if "parindex" not in line)

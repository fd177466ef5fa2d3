"""Tests for :mod:`parindex.cli_text`: Click's words and every command's help, per language."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from parindex.cli import COMMANDS, main
from parindex.cli_text import pick, wrapped

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


def test_wrapped_breaks_between_words_and_never_inside_a_path() -> None:
    path = "/một/thư-mục/rất-dài/của-sở/ho-so-2021.yaml:23:"
    text = f"Bỏ qua {path} hồ sơ của bộ quangbinh-stnmt-2021, không phải bộ namdinh-stnmt-2023"
    lines = wrapped(text, 60).split("\n")
    assert len(lines) > 1 and all(len(line) <= 60 for line in lines)
    assert all(line.startswith("  ") for line in lines[1:])
    assert path in lines[0] and " ".join(" ".join(lines).split()) == text
    assert wrapped("ngắn", 80) == "ngắn"


@pytest.mark.parametrize("command", ["rank", "report"])
def test_a_file_of_another_set_is_said_in_one_sentence_within_80_columns(
    command: str, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """File and line of its ``criteria:``, its set and the set read; lines of 80 at most."""
    monkeypatch.setenv("COLUMNS", "80")
    root = Path(__file__).resolve().parent.parent
    args = [command, str(root / "criteria" / "namdinh-stnmt-2023.yaml"), str(root / "evidence")]
    if command == "report":
        args += ["-o", str(tmp_path / "r.html")]
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 0, result.output
    said = result.stderr.split("Bỏ qua ", 1)[1].split("\nĐã", 1)[0]
    lines = ("Bỏ qua " + said).rstrip("\n").split("\n")
    assert all(len(line) <= 80 for line in lines), lines
    words = " ".join(said.split())
    assert words == (
        f"{root / 'evidence' / 'so-tnmt-mau-2021.yaml'}:23: hồ sơ của bộ "
        "quangbinh-stnmt-2021, không phải bộ namdinh-stnmt-2023"
    )


def test_wrapped_keeps_a_lines_own_indent() -> None:
    """``explain`` at a terminal: each line broken under its own indent (an input's item
    continues under its words, not at the margin)."""
    from parindex.cli_text import wrapped

    text = wrapped("- Số nhiệm vụ UBND tỉnh giao Sở trong năm 2023 (so_nhiem_vu)", 40, "    ")
    assert text.splitlines() == [
        "    - Số nhiệm vụ UBND tỉnh giao Sở",
        "      trong năm 2023 (so_nhiem_vu)",
    ]


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_every_help_fits_80_columns_and_the_command_list_cuts_no_line(lang: str) -> None:
    """At 80 columns, the examples (long sample paths) are continued with ``\\`` rather
    than run past the edge, and the command list gives each command's first sentence, or
    what it says before its colon, never a line cut at "..."."""
    runner = CliRunner()
    top = runner.invoke(main, ["--help", "--lang", lang], terminal_width=80)
    listed = top.output.split("\n\n")[-1]
    assert "..." not in listed and "explain " in listed, top.output
    for name in (None, *COMMANDS):
        args = ["--help", "--lang", lang] if name is None else [name, "--help", "--lang", lang]
        shown = runner.invoke(main, args, terminal_width=80).output
        too_long = [line for line in shown.splitlines() if len(line) > 80]
        assert not too_long, (name, too_long)


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_clicks_usage_errors_fit_80_columns(lang: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """Click's own error line ran to 88 (English) and 104 (Vietnamese) columns."""
    monkeypatch.setenv("COLUMNS", "80")
    root = Path(__file__).resolve().parent.parent
    args = ["rank", str(root / "criteria" / "namdinh-stnmt-2023.yaml"), str(root / "evidence")]
    result = CliRunner().invoke(main, [*args, "--format", "xx", "--lang", lang])
    assert result.exit_code == 2
    lines = result.stderr.rstrip("\n").split("\n")
    assert all(len(line) <= 80 for line in lines), lines
    said = " ".join(result.stderr.split())
    assert (
        "is not one of 'text', 'table', 'json', 'csv'." if lang == "en" else "không thuộc"
    ) in said


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_the_wrote_line_fits_80_columns_with_its_path_whole(
    lang: str, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """ "Wrote the report of 1 unit to PATH": the path on its own line when the line
    would pass 80 columns, never cut."""
    monkeypatch.setenv("COLUMNS", "80")
    root = Path(__file__).resolve().parent.parent
    target = tmp_path / "a-rather-long-folder-name-for-the-reports-of-the-province" / "kq.html"
    target.parent.mkdir()
    sample = str(root / "evidence" / "so-tnmt-mau-2023.yaml")
    args = ["report", str(root / "criteria" / "namdinh-stnmt-2023.yaml"), sample]
    result = CliRunner().invoke(main, [*args, "-o", str(target), "--lang", lang])
    assert result.exit_code == 0, result.output
    lines = result.stdout.rstrip("\n").split("\n")
    assert all(len(line) <= 80 or line.strip() == str(target) for line in lines), lines
    assert f"  {target}" in lines and len(lines) == 2

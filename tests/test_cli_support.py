"""How the command line lists problems: one line each for tools, laid out for a person."""

from __future__ import annotations

import pytest

from parindex.cli_support import error_listed, problems_listed
from parindex.errors import Problem, SubmissionError

LONG = (
    "ho-so-tu-danh-gia/nam-2023/so-ban-nganh/so-tai-nguyen-va-moi-truong/"
    "so-tai-nguyen-va-moi-truong-tu-danh-gia-2023.yaml"
)
ALLOWED = ("format", "criteria", "year", "sample", "synthetic", "unit", "values", "documents")


def _problems(file: str) -> list[Problem]:
    return [
        Problem(
            kind="unknown_key",
            message="khóa không được phép",
            message_en="unknown key",
            file=file,
            line=10,
            field="bogus_key",
            text="bogus_key",
            allowed=ALLOWED,
        ),
        Problem(kind="bad_code", message="mã lạ", message_en="unknown code", file=file, line=42),
        Problem(kind="empty", message="tệp rỗng", message_en="empty file", file=file),
    ]


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_tools_get_one_line_a_problem(lang: str) -> None:
    """Not a terminal: ``file:line …`` whole on one line, as ``ProblemsError.describe``."""
    error = SubmissionError(_problems(LONG))
    said = problems_listed("T:", error.problems, lang, person=False)
    assert said.splitlines()[1:] == error.describe(lang).splitlines()[1:]
    assert f"{LONG}:10 bogus_key: " in said


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_a_person_at_80_columns_reads_a_long_path_once(lang: str) -> None:
    """A path longer than a third of the line is said once, on its own line (whole, even
    past 80), with its problems under it by line number, each wrapped to 80 columns."""
    said = problems_listed("Có lỗi (3):", _problems(LONG), lang, person=True, width=80)
    lines = said.splitlines()
    assert said.count(LONG) == 1 and lines[1] == f"  {LONG}"
    assert all(len(line) <= 80 for line in lines if LONG not in line)
    word = "line" if lang == "en" else "dòng"
    assert lines[2].startswith(f"    {word} 10: bogus_key: ")
    assert (
        f"    {word} 42: " in said
        and f"\n    {'empty file' if lang == 'en' else 'tệp rỗng'}" in said
    )
    assert all(name in " ".join(said.split()) for name in ALLOWED)  # nothing lost in the wrap


def test_a_short_path_keeps_its_one_line_form_wrapped() -> None:
    """A short path stays at the head of each problem's line; a long message wraps under it."""
    said = problems_listed(None, _problems("a.yaml"), "vi", person=True, width=80)
    lines = said.splitlines()
    assert lines[0].startswith("  a.yaml:10 bogus_key: khóa không được phép")
    assert all(len(line) <= 80 for line in lines)
    assert "  a.yaml:42 mã lạ" in lines and "  a.yaml tệp rỗng" in lines


def test_an_error_is_listed_under_its_title() -> None:
    said = error_listed(SubmissionError(_problems("a.yaml")), "en")
    assert said.splitlines()[0] == "Invalid submission (3):"

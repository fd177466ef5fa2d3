"""Rule tests as data (``parindex.cases``): where a case file's criteria name is read from,
and failures said with decimal commas in both languages."""

from __future__ import annotations

from pathlib import Path

import pytest

from parindex.cases import run_cases

ROOT = Path(__file__).resolve().parent.parent
GOLDEN = sorted((ROOT / "tests" / "golden").glob("*.yaml"))


@pytest.mark.parametrize("case", GOLDEN[:3], ids=[c.stem for c in GOLDEN[:3]])
def test_golden_cases_run_from_any_folder(
    case: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The shipped cases name their criteria from the case file (they named it from the
    repository's root: run elsewhere they found no criteria file)."""
    monkeypatch.chdir(tmp_path)
    results = run_cases(case)
    assert results and all(r.passed and r.checks for r in results), results


def _case(criteria: str, total: str) -> str:
    golden = (ROOT / "tests" / "golden" / "namdinh-2023-threshold-30-01.yaml").read_text("utf-8")
    head, _, rest = golden.partition("criteria: ../../criteria/namdinh-stnmt-2023.yaml\n")
    return f"{head}criteria: {criteria}\n{rest}".replace(
        "expect:\n", f"expect:\n  total: {total}\n"
    )


def test_a_criteria_name_from_the_working_folder_still_reads(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An older case file, its criteria named from the folder it was run in."""
    path = tmp_path / "old.yaml"
    path.write_text(_case("criteria/namdinh-stnmt-2023.yaml", '"2,5"'), "utf-8")
    monkeypatch.chdir(ROOT)
    (result,) = run_cases(path)
    (failure,) = result.failures
    assert failure.message_en.startswith("total: expected 2,5, computed ")  # was 2.5
    assert failure.message.startswith("total: cần 2,5, tính được ")


def test_a_criteria_file_not_found_says_where_it_was_looked_for(tmp_path: Path) -> None:
    path = tmp_path / "case.yaml"
    path.write_text(_case("nowhere.yaml", "1"), "utf-8")
    (result,) = run_cases(path)
    (failure,) = result.failures
    assert failure.line == 6 and failure.file == str(path)
    assert "relative to the case file's folder" in failure.message_en
    assert str(tmp_path) in failure.message_en and "thư mục của tệp ca" in failure.message

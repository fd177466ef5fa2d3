"""Starting points: init → validate → template → fill → score → test, and the golden cases."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

from parindex.cli import main
from parindex.cli_support import csv_text

ROOT = Path(__file__).resolve().parent.parent


def test_a_new_commune_set_end_to_end(tmp_path: Path) -> None:
    runner = CliRunner()
    criteria, submission = tmp_path / "xa.yaml", tmp_path / "hs.yaml"
    assert runner.invoke(main, ["init", str(criteria)]).exit_code == 0
    assert runner.invoke(main, ["init", str(criteria)]).exit_code == 2  # no silent overwrite
    checked = runner.invoke(main, ["validate", str(criteria), "--format", "json"])
    payload = json.loads(checked.stdout)
    assert payload["valid"], payload["errors"]
    kinds = {node["rule"] for node in payload["nodes"] if node["rule"]}
    assert kinds == {
        "check", "bands", "threshold", "proportional", "deadline", "levels",
        "deduction", "survey", "bonus", "penalty", "expression",
    }  # fmt: skip
    assert runner.invoke(main, ["template", str(criteria), "-o", str(submission)]).exit_code == 0
    skeleton = submission.read_text(encoding="utf-8")
    assert "so_nhiem_vu_duoc_giao: null" in skeleton and "# Số nhiệm vụ được giao" in skeleton
    filled = (
        skeleton.replace("so_nhiem_vu_duoc_giao: null", "so_nhiem_vu_duoc_giao: 0")
        .replace("so_nhiem_vu_hoan_thanh: null", "so_nhiem_vu_hoan_thanh: 0")
        .replace("co_ke_hoach: null", "co_ke_hoach: có")
    )
    submission.write_text(filled, encoding="utf-8")
    scored = runner.invoke(main, ["score", str(criteria), str(submission)])
    assert scored.exit_code == 0, scored.output
    assert "không có trường hợp nào: số nhiệm vụ được giao bằng 0" in scored.output  # 0 of 0
    cases = tmp_path / "ca.yaml"
    cases.write_text(
        "cases:\n"
        "  - name: không được giao nhiệm vụ\n"
        f"    criteria: {criteria.name}\n"
        "    submission:\n"
        + "".join("      " + line + "\n" for line in filled.splitlines() if line.strip())
        + "    expect:\n"
        '      points: {"1.1": 1, "1.3": 3, "1.2": null}\n',
        encoding="utf-8",
    )
    tested = runner.invoke(main, ["test", str(cases)])
    assert tested.exit_code == 0, tested.output
    assert "1/1 ca đạt" in tested.output
    wrong = cases.read_text(encoding="utf-8").replace('"1.3": 3', '"1.3": 2')
    cases.write_text(wrong, encoding="utf-8")
    failed = runner.invoke(main, ["test", str(cases)])
    assert failed.exit_code == 1
    assert f"{cases}:" in failed.output and "cần 2 điểm, tính được 3" in failed.output


def test_the_golden_cases_pass_through_parindex_test() -> None:
    golden = sorted(str(p) for p in (ROOT / "tests" / "golden").glob("*.yaml"))
    result = CliRunner().invoke(main, ["test", *golden, "--format", "json"])
    assert result.exit_code == 0, result.output
    results = json.loads(result.stdout)
    assert len(results) == len(golden) and all(r["passed"] and r["checks"] for r in results)


def test_csv_is_safe_for_excel() -> None:
    text = csv_text(["Đơn vị", "Điểm"], [["=HYPERLINK(1)", "-0.5"], ["@x", "0.25"]], True)
    assert text.startswith("\ufeff")
    lines = text.lstrip("\ufeff").splitlines()
    assert lines[1] == "'=HYPERLINK(1);-0,5" and lines[2] == "'@x;0,25"


def test_markup_in_names_never_breaks_output(tmp_path: Path) -> None:
    source = (ROOT / "evidence" / "so-tnmt-mau-2023.yaml").read_text(encoding="utf-8")
    unit = tmp_path / "u.yaml"
    unit.write_text(
        source.replace('name: "Sở Tài nguyên', 'name: "[/] [bold]Sở Tài nguyên'), "utf-8"
    )
    criteria = str(ROOT / "criteria" / "namdinh-stnmt-2023.yaml")
    result = CliRunner().invoke(main, ["score", criteria, str(unit), str(unit)])
    assert result.exit_code == 0, result.output
    assert "[/] [bold]Sở Tài nguyên" in result.output


def test_the_test_commands_csv_speaks_the_language_asked() -> None:
    """``parindex test --format csv --lang en`` wrote the Vietnamese header and verdicts."""
    golden = sorted(str(p) for p in (ROOT / "tests" / "golden").glob("*.yaml"))[:1]
    english = CliRunner().invoke(main, ["test", *golden, "--format", "csv", "--lang", "en"])
    assert english.stdout.lstrip("\ufeff").splitlines()[0] == "File,Case,Checks,Result"
    assert english.stdout.splitlines()[1].endswith(",passed")
    vietnamese = CliRunner().invoke(main, ["test", *golden, "--format", "csv"])
    assert vietnamese.stdout.lstrip("\ufeff").splitlines()[0] == "Tệp,Ca,Số kiểm tra,Kết quả"
    assert vietnamese.stdout.splitlines()[1].endswith(",đạt")

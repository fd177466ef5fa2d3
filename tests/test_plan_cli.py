"""``parindex plan`` through click's runner."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from parindex.cli import main

ROOT = Path(__file__).resolve().parents[1]
CRITERIA = str(ROOT / "criteria" / "namdinh-stnmt-2023.yaml")
UNIT = str(ROOT / "evidence" / "so-tnmt-mau-2023.yaml")


def test_appendix_written_in_both_formats(tmp_path: Path) -> None:
    runner = CliRunner()
    for suffix in ("xlsx", "docx"):
        out = tmp_path / f"phu-luc.{suffix}"
        result = runner.invoke(main, ["plan", "--appendix", CRITERIA, UNIT, "-o", str(out)])
        assert result.exit_code == 0, result.output
        assert out.stat().st_size > 1000
        assert "12 nội dung ưu tiên" in result.output


def test_appendix_needs_an_output(tmp_path: Path) -> None:
    runner = CliRunner()
    result = runner.invoke(
        main, ["plan", "--appendix", CRITERIA, UNIT, "-o", str(tmp_path / "a.pdf")]
    )
    assert result.exit_code == 2 and ".docx" in result.output


def test_bad_file_is_a_located_error_not_a_traceback(tmp_path: Path) -> None:
    bad = tmp_path / "x.yaml"
    bad.write_text("format: parindex.submission/1\n", encoding="utf-8")
    result = CliRunner().invoke(main, ["plan", "--appendix", CRITERIA, str(bad), "-o", "a.xlsx"])
    assert result.exit_code == 1
    assert "x.yaml" in result.output and "Traceback" not in result.output


def test_planner_text_and_what_if() -> None:
    unit = str(ROOT / "evidence" / "ban-dan-toc-mau-2023.yaml")
    result = CliRunner().invoke(
        main,
        ["plan", CRITERIA, unit, "--top", "3", "--apply", "1", "--group", str(ROOT / "evidence")],
    )
    assert result.exit_code == 0, result.output
    assert "Lên Nhóm I (từ 90%): cần thêm 1,1 điểm" in result.output
    assert "Giữ Nhóm II" in result.output and "TẠM TÍNH" in result.output
    assert "Nếu áp dụng: 63,35 điểm (+1,0)" in result.output and "hạng" in result.output
    said = " ".join(result.output.split())  # the 2021 file, said as every command says it
    assert "so-tnmt-mau-2021.yaml:23: hồ sơ của bộ quangbinh-stnmt-2021, không phải bộ" in said


def test_planner_json_gives_code_change_gain() -> None:
    import json
    from decimal import Decimal

    unit = str(ROOT / "evidence" / "ban-dan-toc-mau-2023.yaml")
    result = CliRunner().invoke(main, ["plan", CRITERIA, unit, "--format", "json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert data["suggestions"]
    for item in data["suggestions"]:
        assert {"code", "change", "gain"} <= set(item)
        assert Decimal(item["gain"]) > 0 and item["change"]


def test_province_view() -> None:
    result = CliRunner().invoke(main, ["plan", CRITERIA, str(ROOT / "evidence")])
    assert result.exit_code == 0, result.output
    assert "Nhóm I (từ 90%): gần nhất bên dưới: ban-dan-toc-mau (thiếu 1,1)" in result.output
    assert "Nội dung nhiều đơn vị mất điểm nhất:" in result.output
    # points as every output writes them, one decimal at least: "3,0 điểm", not "3 điểm"
    assert "  3.6.2: 5 đơn vị, 7,0 điểm" in result.output
    assert "(thiếu 3,0)" in " ".join(result.output.split())


def test_apply_out_of_range() -> None:
    result = CliRunner().invoke(main, ["plan", CRITERIA, UNIT, "--apply", "999"])
    assert result.exit_code == 2 and "999" in result.output


def test_the_plan_prints_as_wide_as_the_others_with_points_as_everywhere() -> None:
    """Piped, the plan was laid out 100 wide (every other command: 120, the width of
    cli_support.console); its gain column read "1" beside "được thêm 1,0 điểm"."""
    unit = str(ROOT / "evidence" / "ban-dan-toc-mau-2023.yaml")
    result = CliRunner().invoke(main, ["plan", CRITERIA, unit, "--top", "3"])
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert all(len(line) <= 120 for line in lines), max(lines, key=len)
    assert any(len(line) > 100 for line in lines)  # the summary line, as wide as the others
    first = next(line for line in lines if "1.4.2.c" in line)
    assert first.rstrip("│ ").split("│")[-2].strip() == "1,0"


def test_a_folder_is_read_as_every_command_reads_one(tmp_path: Path) -> None:
    """``plan FOLDER`` and ``--group FOLDER`` read ``*.y*ml`` only, and one broken file
    stopped the command. Now they read as ``rank`` does: a ``.json`` submission counts, an
    invalid file's problems are said with its file and line, the others still planned
    (exit 1 after), a file of another set named."""
    import shutil

    from parindex import load_submission, save_submission

    evidence = ROOT / "evidence"
    shutil.copy(evidence / "ban-dan-toc-mau-2023.yaml", tmp_path)
    shutil.copy(evidence / "so-tnmt-mau-2021.yaml", tmp_path)
    save_submission(load_submission(evidence / "so-gtvt-mau-2023.yaml"), tmp_path / "gtvt.json")
    (tmp_path / "hong.yaml").write_text("format: parindex.submission/1\nyear: [\n")
    for args in ([str(tmp_path)], [UNIT, "--apply", "1", "--group", str(tmp_path)]):
        for lang in ("vi", "en"):
            result = CliRunner().invoke(main, ["plan", CRITERIA, *args, "--lang", lang])
            assert result.exit_code == 1, result.output
            said = " ".join(result.stderr.split())
            assert "hong.yaml:3" in said and "so-tnmt-mau-2021.yaml:23" in said
            assert ("Đã bỏ qua 1 tệp của bộ khác và 1 tệp lỗi trên 4 tệp" in said) == (lang == "vi")
            assert ("Left out 1 file of another set and 1 invalid, of " in said) == (lang == "en")
    province = CliRunner().invoke(main, ["plan", CRITERIA, str(tmp_path)])
    assert "so-gtvt-mau" in province.stdout  # the .json unit, planned with the others
    group = CliRunner().invoke(
        main, ["plan", CRITERIA, UNIT, "--apply", "1", "--group", str(tmp_path)]
    )
    assert "/3" in group.stdout  # ranked among the two read and the unit itself


def test_a_plan_of_another_set_is_said_in_the_language_asked() -> None:
    """``progress`` printed a plan's problems in Vietnamese whatever ``--lang`` said (and the
    English twin named no set)."""
    plan = str(ROOT / "tests" / "data" / "invalid-plans" / "other_set.yaml")
    unit = str(ROOT / "evidence" / "so-cong-thuong-mau-2023.yaml")
    args = ["progress", plan, unit, "--on", "30/06/2023", "--criteria", CRITERIA, "--lang"]
    for lang, words in (
        (
            "vi",
            "Tệp kế hoạch không hợp lệ (1): PATH:6 criteria: kế hoạch của bộ X, không phải bộ Y",
        ),
        ("en", "Invalid plan file (1): PATH:6 criteria: a plan for X, not Y"),
    ):
        result = CliRunner().invoke(main, [*args, lang])
        assert result.exit_code == 1
        said = " ".join(result.stderr.split())
        # the sets first, the path last: a path may hold an X or a Y (/tmp/tmp.aXXa…)
        sets = words.replace("X", "quangbinh-stnmt-2021").replace("Y", "namdinh-stnmt-2023")
        assert said == sets.replace("PATH", plan)


def test_usage_mistakes_are_said_in_the_language_asked(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """``plan``'s and ``progress``'s own mistakes were said in Vietnamese only (a wrong
    ``--apply`` number, ``--appendix`` without a file, a date that does not exist, no set)."""
    plan = str(ROOT / "plans" / "hatinh-sct-2023.yaml")
    unit = str(ROOT / "evidence" / "so-cong-thuong-mau-2023.yaml")
    cases = [
        (
            ["plan", CRITERIA, UNIT, "--apply", "999"],
            "không có gợi ý số 999 (có",
            "no suggestion number 999 (",
        ),
        (["plan", CRITERIA, UNIT, "--appendix"], "--appendix cần -o", "--appendix needs -o"),
        (
            ["progress", plan, unit, "--on", "31/02/2023"],
            "ngày không hợp lệ: '31/02/2023'",
            "no such date: '31/02/2023'",
        ),
    ]
    for args, vi, en in cases:
        for lang, words in (("vi", vi), ("en", en)):
            result = CliRunner().invoke(main, [*args, "--lang", lang])
            assert result.exit_code == 2 and words in " ".join(result.output.split()), result.output
    monkeypatch.chdir(tmp_path)  # no criteria/ folder here: the set is not found
    for lang, words in (
        ("vi", "Không có bộ tiêu chí"),
        ("en", "No criteria set namdinh-stnmt-2023"),
    ):
        result = CliRunner().invoke(
            main, ["progress", plan, unit, "--on", "30/06/2023", "--lang", lang]
        )
        assert result.exit_code == 0 and words in result.stderr


def test_the_english_plan_is_english_with_numbers_as_everywhere() -> None:
    """``--lang en plan`` said "Nhóm I", input codes (``co_sang_kien_cap_bo_tinh: True
    instead of False``) and "0.75" beside "0,75"; now bands, inputs' words, yes/no and
    decimal commas as the rest of the English output."""
    import re

    unit = str(ROOT / "evidence" / "ban-dan-toc-mau-2023.yaml")
    group = ["--group", str(ROOT / "evidence")]
    result = CliRunner().invoke(main, ["--lang", "en", "plan", CRITERIA, unit, *group])
    assert result.exit_code == 0, result.output
    said = " ".join(result.stdout.replace("│", " ").split())
    assert "Group II" in said and "To reach Group I (from 90%): 1,1 more points" in said
    assert "Nhóm" not in said and "co_sang_kien" not in said
    assert "yes instead of no; gains 0,75 points" in said
    assert not re.search(r"(gains|from|to|add|remove) \d+\.\d", said)  # 0,75 as everywhere
    applied = CliRunner().invoke(
        main, ["plan", CRITERIA, unit, *group, "--apply", "1", "--lang", "en"]
    )
    assert "Group II; rank 4 → 4/7" in applied.stdout
    province = CliRunner().invoke(main, ["--lang", "en", "plan", CRITERIA, group[1]])
    assert province.exit_code == 0, province.output
    assert "Group I (from 90%): nearest below: ban-dan-toc-mau (short 1,1)" in province.stdout
    assert "thiếu" not in province.stdout and "dư" not in province.stdout
    lines = province.stdout.splitlines()  # wrapped at 80, a figure never apart from its word
    assert all(len(line) <= 80 for line in lines) and not any(
        line.endswith(("(short", "(over")) for line in lines
    )


def test_apply_below_one_is_refused_before_the_plan_is_printed() -> None:
    result = CliRunner().invoke(main, ["plan", CRITERIA, UNIT, "--apply", "0"])
    assert result.exit_code == 2 and "--apply" in result.output
    assert "Giữ" not in result.output and "┃" not in result.output  # no plan before the error

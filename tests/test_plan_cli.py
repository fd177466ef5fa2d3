"""``parindex plan`` through click's runner."""

from __future__ import annotations

from pathlib import Path

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

"""``parindex report``: HTML by default, Word with --format docx; other sets' files listed."""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner

from parindex.cli import main

ROOT = Path(__file__).resolve().parent.parent
SET_2023 = str(ROOT / "criteria" / "namdinh-stnmt-2023.yaml")


def test_html_and_docx(tmp_path: Path) -> None:
    runner = CliRunner()
    html = tmp_path / "ket-qua.html"
    result = runner.invoke(main, ["report", SET_2023, str(ROOT / "evidence"), "-o", str(html)])
    assert result.exit_code == 0, result.output
    said = " ".join(result.output.split())  # listed, not dropped; as every command says it
    assert "hồ sơ của bộ quangbinh-stnmt-2021, không phải bộ namdinh-stnmt-2023" in said
    text = html.read_text(encoding="utf-8")
    assert "Hồ sơ không đưa vào báo cáo" in text and "so-tnmt-mau-2021.yaml:23: hồ sơ" in text
    assert " criteria: " not in text  # no field name of the file in the Vietnamese page
    docx = tmp_path / "bao-cao.docx"
    result = runner.invoke(
        main,
        ["report", SET_2023, str(ROOT / "evidence" / "so-tnmt-mau-2023.yaml"), "-o", str(docx)],
    )
    assert result.exit_code == 0, result.output
    assert docx.stat().st_size > 0 and (tmp_path / "bao-cao-don-vi" / "so-tnmt-mau.docx").exists()


def test_english_and_previous_year(tmp_path: Path) -> None:
    out = tmp_path / "results.html"
    sample = str(ROOT / "evidence" / "so-tnmt-mau-2023.yaml")
    args = ["report", SET_2023, sample, "-o", str(out), "--lang", "en"]
    args += ["--previous-criteria", SET_2023, "--previous", sample]
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 0, result.output
    text = out.read_text(encoding="utf-8")
    assert '<html lang="en">' in text and "same rank" in text


def test_no_submission_of_the_set_is_an_error(tmp_path: Path) -> None:
    other = str(ROOT / "evidence" / "so-tnmt-mau-2021.yaml")
    result = CliRunner().invoke(main, ["report", SET_2023, other, "-o", str(tmp_path / "x.html")])
    assert result.exit_code == 1 and "không có hồ sơ nào" in result.output


def test_the_commands_own_lines_are_said_in_the_language_asked(tmp_path: Path) -> None:
    """``--lang en report`` said "Đã ghi báo cáo …" and its mistakes in Vietnamese."""
    sample = str(ROOT / "evidence" / "so-tnmt-mau-2023.yaml")
    other = str(ROOT / "evidence" / "so-tnmt-mau-2021.yaml")
    runner = CliRunner()
    html = runner.invoke(
        main, ["--lang", "en", "report", SET_2023, sample, "-o", str(tmp_path / "r.html")]
    )
    assert html.exit_code == 0 and "Wrote the report of 1 unit to" in html.output
    none = runner.invoke(
        main, ["--lang", "en", "report", SET_2023, other, "-o", str(tmp_path / "x.html")]
    )
    assert none.exit_code == 1 and "no submission of the set namdinh-stnmt-2023" in none.output
    assert "không" not in none.output.split("\n")[-2]
    args = ["report", SET_2023, sample, "-o", str(tmp_path / "y.html"), "--previous", sample]
    alone = runner.invoke(main, [*args, "--lang", "en"])
    assert alone.exit_code == 2 and "--previous needs --previous-criteria" in alone.output


def test_an_output_neither_html_nor_docx_is_refused_before_anything_is_written(
    tmp_path: Path,
) -> None:
    """``-o bao-cao.pdf`` wrote an HTML page under a .pdf name; it is a usage error now,
    unless ``--format`` says what to write."""
    sample = str(ROOT / "evidence" / "so-tnmt-mau-2023.yaml")
    runner = CliRunner()
    pdf = tmp_path / "bao-cao.pdf"
    refused = runner.invoke(main, ["report", SET_2023, sample, "-o", str(pdf)])
    assert refused.exit_code == 2 and ".html" in refused.output and ".docx" in refused.output
    assert not pdf.exists()
    chosen = runner.invoke(main, ["report", SET_2023, sample, "-o", str(pdf), "--format", "html"])
    assert chosen.exit_code == 0 and pdf.read_text(encoding="utf-8").startswith("<!doctype html>")

"""The CLI, through click's runner: score, explain, review (validate is in test_loader)."""

from __future__ import annotations

import gc
import json
import os
import shutil
import subprocess
import sys
from decimal import Decimal
from functools import partial
from pathlib import Path

import click
import pytest
from click.testing import CliRunner

from parindex.cli import main

DATA = Path(__file__).parent / "data"
GOLDEN = Path(__file__).parent / "golden" / "mini-every-rule-kind.yaml"


@pytest.fixture()
def submission(tmp_path: Path) -> Path:
    """The golden mini unit as a submission file, with a self-score above the rules."""
    from ruamel.yaml import YAML

    yaml = YAML(typ="safe", pure=True)
    data = yaml.load(GOLDEN.read_text(encoding="utf-8"))["submission"]
    data["self_scores"] = {"1.4": {"points": 1, "explanation": "Hoàn thành"}}
    path = tmp_path / "u1.yaml"
    with path.open("w", encoding="utf-8") as handle:
        yaml.dump(data, handle)
    return path


def test_score_text_and_json(submission: Path) -> None:
    runner = CliRunner()
    text = runner.invoke(main, ["score", str(DATA / "mini.yaml"), str(submission)])
    assert text.exit_code == 0, text.output
    assert "Tổng điểm 6,45/10,0" in text.output
    assert "chỉ số 64,50%" in text.output
    as_json = runner.invoke(
        main, ["score", str(DATA / "mini.yaml"), str(submission), "--format", "json"]
    )
    payload = json.loads(as_json.output)
    assert payload["total"] == "6.45" and payload["index"] == "64.50"
    assert payload["band"] == "Nhóm III"
    assert Decimal(payload["provisional_points"]) == Decimal("9.5")
    assert [m["name"] for m in payload["missing_inputs"]] == ["chi_nam_nay"]
    node = next(n for n in payload["nodes"] if n["code"] == "1.4")
    assert node["points"] == "0.50" and node["max_points"] == "1"
    assert node["status"] == "scored" and "từ 80% đến dưới 100%" in node["explanation"]


def test_explain_and_unknown_code(submission: Path) -> None:
    runner = CliRunner()
    result = runner.invoke(main, ["explain", str(DATA / "mini.yaml"), str(submission), "1.3"])
    assert result.exit_code == 0
    assert "trễ hạn" in result.output and "2/4 đúng hạn" in result.output
    missing = runner.invoke(main, ["explain", str(DATA / "mini.yaml"), str(submission), "1.33"])
    assert missing.exit_code == 1
    assert "1.3" in missing.output and "Traceback" not in missing.output


def test_review_json(submission: Path) -> None:
    runner = CliRunner()
    result = runner.invoke(
        main, ["review", str(DATA / "mini.yaml"), str(submission), "--format", "json"]
    )
    assert result.exit_code == 0, result.output
    payload = json.loads(result.output)
    first = payload["findings"][0]
    assert first["code"] == "over_claimed" and first["severity"] == "error"
    assert first["criterion"] == "1.4"
    assert first["self_score"] == "1" and first["computed_score"] == "0.50"
    assert {"message", "appraised_score"} <= first.keys()
    assert payload["summary"][-1]["code"] == "TỔNG"


def test_bad_submission_exits_1_without_traceback() -> None:
    result = CliRunner().invoke(
        main, ["score", str(DATA / "mini.yaml"), str(DATA / "submissions" / "bad-mini.yaml")]
    )
    assert result.exit_code == 1
    assert "Traceback" not in result.output
    assert "bad-mini.yaml:7" in result.output


# --- Excel: export and import -------------------------------------------------------------------

ROOT = Path(__file__).resolve().parent.parent
SET_2023 = ROOT / "criteria" / "namdinh-stnmt-2023.yaml"
TNMT = ROOT / "evidence" / "so-tnmt-mau-2023.yaml"
GTVT = ROOT / "evidence" / "so-gtvt-mau-2023.yaml"


def test_export_and_import(tmp_path: Path) -> None:
    import openpyxl

    from parindex import load_submission

    runner = CliRunner()
    book = tmp_path / "out" / "bang.xlsx"
    exported = runner.invoke(main, ["export", str(SET_2023), str(TNMT), str(GTVT), "-o", str(book)])
    assert exported.exit_code == 0, exported.output
    assert f"2 đơn vị vào {book}" in " ".join(exported.output.split())  # a long path: own line
    workbook = openpyxl.load_workbook(book, read_only=True)  # keeps the file open: close it
    assert workbook.sheetnames[0] == "Tổng hợp"
    workbook.close()
    back = tmp_path / "back"
    imported = runner.invoke(main, ["import", str(SET_2023), str(book), "-o", str(back)])
    assert imported.exit_code == 0, imported.output
    said = imported.output.splitlines()  # each unit's line, wrapped between words at 80
    whole = [line.strip().removeprefix("→ ") for line in said if len(line) > 80]
    assert all(" " not in path for path in whole), said  # longer: only a file, never cut
    assert "108 điểm tự đánh giá, 0 điểm thẩm định vòng 1" in " ".join(imported.output.split())
    for original in (TNMT, GTVT):
        submission = load_submission(original)
        again = load_submission(back / f"{submission.unit.id}.yaml")
        assert again.model_dump() == submission.model_dump()
    checked = runner.invoke(main, ["import", str(SET_2023), str(book), "--lang", "en"])
    said = checked.output.splitlines()  # at 80: "in round" never apart from its number
    assert not any(line.rstrip().endswith(("round", "vòng")) for line in said), said
    assert "No file written" in said[-1] and all(len(line) <= 80 for line in said), said
    as_json = runner.invoke(main, ["import", str(SET_2023), str(book), "--format", "json"])
    payload = json.loads(as_json.output)
    assert payload["valid"] and payload["errors"] == [] and payload["warnings"] == []
    assert [u["unit_id"] for u in payload["units"]] == ["so-tnmt-mau", "so-gtvt-mau"]
    assert payload["units"][1] == {
        "sheet": "Sở Giao thông vận tải (mẫu)",
        "unit_id": "so-gtvt-mau",
        "unit_name": "Sở Giao thông vận tải (mẫu)",
        "round": 2,
        "self_scores": len(load_submission(GTVT).self_scores),
        "appraised_scores": 3,
        "file": None,
    }
    assert payload["submissions"][0]["unit"]["id"] == "so-tnmt-mau"


def test_import_errors_as_json(tmp_path: Path) -> None:
    import openpyxl

    runner = CliRunner()
    book = tmp_path / "u.xlsx"
    assert runner.invoke(main, ["export", str(SET_2023), str(TNMT), "-o", str(book)]).exit_code == 0
    workbook = openpyxl.load_workbook(book)
    sheet = workbook.worksheets[1]
    row = next(c.row for c in sheet["A"] if c.value == "1.1")
    sheet[f"G{row}"] = "nhiều"
    sheet[f"I{row}"] = 3
    workbook.save(book)
    result = runner.invoke(main, ["import", str(SET_2023), str(book), "--format", "json"])
    assert result.exit_code == 1
    payload = json.loads(result.output)
    assert payload["valid"] is False
    assert [(e["kind"], e["code"], e["field"].split("!")[1]) for e in payload["errors"]] == [
        ("not_a_number", "1.1", f"G{row}"),
    ]
    assert [(e["kind"], e["code"]) for e in payload["warnings"]] == [("above_max", "1.1")]
    text = runner.invoke(main, ["import", str(SET_2023), str(book), "--lang", "en"])
    assert text.exit_code == 1 and "Traceback" not in text.output
    assert "is not a number" in text.output and "is above the maximum" in text.output


def test_export_refuses_other_suffixes(tmp_path: Path) -> None:
    result = CliRunner().invoke(
        main, ["export", str(SET_2023), str(TNMT), "-o", str(tmp_path / "a.xls")]
    )
    assert result.exit_code == 2 and ".xlsx" in result.output


def test_rank_a_folder_of_submissions() -> None:
    runner = CliRunner()
    folder = ROOT / "evidence"  # the 2023 samples, and one 2021 sample that is skipped aloud
    table = runner.invoke(main, ["rank", str(SET_2023), str(folder)])
    assert table.exit_code == 0, table.output
    assert "Xếp hạng: Sở, ban, ngành (7 đơn vị)" in table.output
    assert "Sở Tài nguyên và Môi trường (mẫu)" in table.output and "92,02" in table.output
    said = " ".join(table.output.split())  # the sentence wraps at the terminal's width
    assert "hồ sơ của bộ quangbinh-stnmt-2021, không phải bộ namdinh-stnmt-2023" in said
    assert "Đã bỏ qua 1 tệp của bộ khác" in table.output  # CliRunner mixes stderr in
    strict = runner.invoke(main, ["rank", str(SET_2023), str(folder), "--strict"])
    assert strict.exit_code == 1 and "--strict" in strict.output
    records = json.loads(
        runner.invoke(main, ["rank", str(SET_2023), str(folder), "--format", "json"]).stdout
    )
    assert [r["rank"] for r in records] == sorted(r["rank"] for r in records)
    assert records[0] == records[0] | {
        "unit": "so-tnmt-mau",
        "rank": 1,
        "index": "92.02",
        "band": "Nhóm I",
    }
    csv = runner.invoke(main, ["rank", str(SET_2023), str(folder), "--format", "csv"]).stdout
    assert csv.splitlines()[0].startswith("\ufeffgroup,rank,unit,name,level,total")
    assert len(csv.splitlines()) == 1 + len(records)


def test_rank_refuses_an_empty_folder(tmp_path: Path) -> None:
    result = CliRunner().invoke(main, ["rank", str(SET_2023), str(tmp_path)])
    assert result.exit_code == 1 and "không có tệp hồ sơ" in result.output
    assert "Traceback" not in result.output


def test_a_command_raises_the_collectors_threshold_while_it_runs_and_puts_it_back(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import parindex.loader

    seen: list[tuple[int, int, int]] = []
    load = parindex.loader.load_criteria

    def watched(path: str | Path) -> object:
        seen.append(gc.get_threshold())
        return load(path)

    monkeypatch.setattr(parindex.loader, "load_criteria", watched)
    before = gc.get_threshold()
    result = CliRunner().invoke(main, ["validate", str(SET_2023)])
    assert result.exit_code == 0, result.output
    assert seen == [(max(before[0], 20_000), *before[1:])]  # raised while the command ran
    assert gc.get_threshold() == before  # and put back


def test_score_pauses_the_collector_to_load_then_freezes_and_unfreezes_after(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import parindex.cli
    import parindex.loader

    seen: dict[str, object] = {}
    load = parindex.loader.load_criteria
    units = parindex.cli.load_units

    def watched_load(path: str | Path) -> object:
        seen["collecting while loading"] = gc.isenabled()
        return load(path)

    def watched_units(*args: object, **kwargs: object) -> object:
        seen["collecting after"] = gc.isenabled()
        seen["frozen after"] = gc.get_freeze_count()
        return units(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(parindex.loader, "load_criteria", watched_load)
    monkeypatch.setattr(parindex.cli, "load_units", watched_units)
    assert gc.isenabled() and gc.get_freeze_count() == 0
    result = CliRunner().invoke(main, ["score", str(SET_2023), str(TNMT)])
    assert result.exit_code == 0, result.output
    assert seen["collecting while loading"] is False
    assert seen["collecting after"] is True
    assert isinstance(seen["frozen after"], int) and seen["frozen after"] > 10_000
    assert gc.isenabled() and gc.get_freeze_count() == 0  # as the caller had it


def _program(args: list[str], before: str = "") -> subprocess.CompletedProcess[str]:
    """The ``parindex`` program as installed (``parindex.__main__:run``), in a process of its own."""
    code = f"{before}import sys\nfrom parindex.__main__ import run\nsys.argv = ['parindex', *{args!r}]\nrun()"
    env = {**os.environ, "COLUMNS": "80"}  # the width CliRunner gives click
    return subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=False, env=env
    )


@pytest.mark.parametrize(
    "args",
    [
        ["score", str(SET_2023), str(TNMT)],
        ["score", str(SET_2023), str(TNMT), "--format", "json"],
        ["score", str(SET_2023), str(TNMT), str(ROOT / "no-such-unit.yaml")],  # exit 1
        ["validate", str(SET_2023)],
        ["score", str(SET_2023)],  # a usage error: exit 2
        ["rank", str(SET_2023), str(ROOT / "no-such-folder")],  # not a quick command
    ],
)
def test_the_program_prints_and_exits_as_main_does(args: list[str]) -> None:
    """``run`` leaves at once after a quick command: the same output, errors and exit code."""
    done = _program(args)
    expected = CliRunner().invoke(main, args, prog_name="parindex", env={"COLUMNS": "80"})
    assert done.returncode == expected.exit_code
    assert done.stdout == expected.stdout
    assert done.stderr == expected.stderr


def test_the_program_runs_the_atexit_functions_before_it_leaves() -> None:
    before = "import atexit, sys\natexit.register(lambda: print('atexit ran', file=sys.stderr))\n"
    done = _program(["score", str(SET_2023), str(TNMT)], before)
    assert done.returncode == 0 and done.stdout.startswith("Sở Tài nguyên")
    assert done.stderr == "atexit ran\n"


def test_the_program_imports_the_command_line_with_the_collector_paused_then_frozen(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import parindex.cli
    from parindex.__main__ import run

    seen: list[tuple[bool, int]] = []
    monkeypatch.setattr(
        parindex.cli, "run", lambda: seen.append((gc.isenabled(), gc.get_freeze_count()))
    )
    # the code table is the program's own (tests/test_code_cache.py): not in this process
    monkeypatch.setattr("parindex.code_cache.install", lambda: None)
    try:
        run()
    finally:
        gc.unfreeze()
    assert len(seen) == 1 and seen[0][0] is True and seen[0][1] > 0


def test_python_dash_m_parindex_is_the_program() -> None:
    args = ["score", str(SET_2023), str(TNMT)]
    done = subprocess.run(
        [sys.executable, "-m", "parindex", *args],
        capture_output=True,
        text=True,
        check=False,
        env={**os.environ, "COLUMNS": "80"},  # as _program's
    )
    assert done.returncode == 0 and done.stdout == _program(args).stdout


def test_rank_reads_the_folder_as_the_other_commands_say_it(tmp_path: Path) -> None:
    """``rank`` reads a folder straight to its table: the same messages, files and lines as
    the commands that read submissions, a unit read twice ranked once (the later file said,
    naming the first), exit 1 for a bad file."""
    from parindex.cli_support import load_table, load_units
    from parindex.criteria import CriteriaSet
    from parindex.loader import load_criteria

    for path in sorted((ROOT / "evidence").glob("*.yaml"))[:3]:
        shutil.copy(path, tmp_path)
    shutil.copy(TNMT, tmp_path)
    shutil.copy(TNMT, tmp_path / "twice.yaml")
    (tmp_path / "broken.yaml").write_text("format: parindex.submission/1\nyear: [\n")
    paths = sorted(tmp_path.glob("*.yaml"))
    criteria: CriteriaSet = load_criteria(SET_2023)
    said = []
    loads = (partial(load_units, keep_duplicates=False), load_table)
    for load in loads:
        result = CliRunner().invoke(
            click.Command("x", callback=lambda load=load: load(criteria, paths))
        )
        said.append(result.output)
    assert said[0] == said[1] and "broken.yaml:3 " in said[0]
    assert "twice.yaml" in said[0] and "so-tnmt-mau" in said[0]  # the later file, said
    ranked = CliRunner().invoke(main, ["rank", str(SET_2023), str(tmp_path), "--format", "json"])
    assert ranked.exit_code == 1
    units = [r["unit"] for r in json.loads(ranked.stdout)]
    assert units.count("so-tnmt-mau") == 1 and len(units) == 4


def test_score_keeps_a_unit_read_twice_export_and_rank_do_not(tmp_path: Path) -> None:
    """``score`` scores each file given; ``export`` (whose summary sheet ranks) and ``rank``
    take a unit once, say the later file and exit 1, and still do the rest."""
    twice = tmp_path / "twice.yaml"
    shutil.copy(TNMT, twice)
    scored = CliRunner().invoke(
        main, ["score", str(SET_2023), str(TNMT), str(twice), "--format", "json"]
    )
    assert scored.exit_code == 0 and len(json.loads(scored.stdout)) == 2
    out = tmp_path / "bang.xlsx"
    exported = CliRunner().invoke(
        main, ["export", str(SET_2023), str(TNMT), str(twice), "-o", str(out), "--format", "json"]
    )
    assert exported.exit_code == 1, exported.output
    assert json.loads(exported.stdout)["units"] == 1 and "twice.yaml" in exported.stderr


def test_validate_says_the_counts_each_on_lines_of_their_own() -> None:
    """Nodes and rules on lines of their own, continued lines indented as the first: the
    one long line ran on at the left margin ("tính điểm: …" under the indented "Số nút")."""
    result = CliRunner().invoke(main, ["validate", str(SET_2023)])
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith("  Số nút: "))
    assert lines[start + 1].startswith("  Cách tính điểm: ")
    end = next(i for i in range(start, len(lines)) if "điểm dựa trên giá trị tạm tính" in lines[i])
    assert all(line.startswith("  ") for line in lines[start:end])


def test_the_groups_lang_reaches_the_command_whose_own_lang_wins(
    submission: Path, tmp_path: Path
) -> None:
    """``parindex --lang en score …`` is English; the command's own ``--lang`` wins."""
    runner = CliRunner()
    score = ["score", str(DATA / "mini.yaml"), str(submission), "--summary"]
    english = runner.invoke(main, ["--lang", "en", *score])
    assert english.exit_code == 0, english.output
    assert "Total 6,45/10,0" in english.output and "Tổng điểm" not in english.output
    assert "· Group III ·" in english.output  # the band in English too (messages.band)
    vietnamese = runner.invoke(main, ["--lang", "en", *score, "--lang", "vi"])
    assert "Tổng điểm 6,45/10,0" in vietnamese.output
    assert "Total" in runner.invoke(main, ["--lang", "vi", *score, "--lang", "en"]).output
    # a command whose option once was a copy of its own
    form = runner.invoke(main, ["--lang", "en", "form", str(DATA / "mini.yaml"), "-o", "x.txt"])
    assert form.exit_code == 1 and "the form file must end in .xlsx" in form.output


def test_every_command_takes_the_one_lang_option() -> None:
    """One ``--lang`` (:func:`~parindex.cli_support.language_option`) on the group and on
    every command: the same choices and the same callback, the group's as default."""
    from parindex.cli_support import _language_option

    context = click.Context(main)
    commands = [main, *(main.get_command(context, n) for n in main.list_commands(context))]
    for command in commands:
        assert command is not None
        langs = [p for p in command.params if p.name == "lang"]
        assert len(langs) == 1, command.name
        assert langs[0].callback is _language_option, command.name


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_a_submission_of_another_set_is_said_in_its_one_line(lang: str) -> None:
    """The 2023 sample read with the 2021 set: the line naming both sets, and how many
    more there are, not the 210 unknown codes and values that follow from it (a screen of
    thousand-column lines), each line within 80 columns."""
    runner = CliRunner()
    sample = ROOT / "evidence" / "so-tnmt-mau-2023.yaml"
    set_2021 = ROOT / "criteria" / "quangbinh-stnmt-2021.yaml"
    result = runner.invoke(main, ["review", "--lang", lang, str(set_2021), str(sample)])
    assert result.exit_code == 1
    lines = result.output.splitlines()
    assert len(lines) <= 5 and all(len(line) <= 80 for line in lines), result.output
    said = " ".join(lines[1:-1])
    assert "(211):" in lines[0] and "namdinh-stnmt-2023" in said and "quangbinh" in said
    assert "210" in lines[-1]


def test_import_in_english_counts_and_points_as_english_says_them(tmp_path: Path) -> None:
    """The over-claiming sample through its sheet and back, in English: "1 appraised
    score" (was "1 appraised scores"), and its score above the maximum "(5,0)" against
    "1,0" (was "(5.00)" against "1"; in Vietnamese "(5)" against "1,0")."""
    runner = CliRunner()
    book = tmp_path / "tu-phap.xlsx"
    sample = ROOT / "evidence" / "so-tu-phap-mau-2023.yaml"
    assert (
        runner.invoke(main, ["export", str(SET_2023), str(sample), "-o", str(book)]).exit_code == 0
    )
    checked = runner.invoke(main, ["import", str(SET_2023), str(book), "--lang", "en"])
    said = " ".join(checked.output.split())
    assert "46 self-scores, 1 appraised score in round 1" in said, said
    # the cell's points as every output writes them, not "(5.00) … maximum 1"
    assert "the score of 2.1 (5,0) is above the maximum 1,0: imported" in said, said
    vietnamese = runner.invoke(main, ["import", str(SET_2023), str(book)])
    assert "tiêu chí 2.1 (5,0) vượt điểm tối đa 1,0" in " ".join(vietnamese.output.split())


def test_the_form_says_where_it_wrote_within_80_columns(tmp_path: Path) -> None:
    target = tmp_path / "bieu-mau-tu-danh-gia-2023.xlsx"
    written = CliRunner().invoke(main, ["form", str(SET_2023), "-o", str(target)])
    assert written.exit_code == 0, written.output
    lines = [line.strip() for line in written.output.splitlines()]
    assert str(target) in lines, lines  # a path is never cut, and wraps to a line of its own
    assert all(len(line) <= 80 for line in lines if line != str(target)), lines

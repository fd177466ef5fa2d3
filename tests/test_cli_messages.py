"""Every message path of the command line, in Vietnamese and in English.

A corpus of bad criteria files, bad submissions and command-line misuses is run through
the CLI. Vietnamese output may hold no level code (``cấp so``), no snake_case code the
user did not write, no ``Decimal(``, no ``b'`` and no traceback; English output may hold
no Vietnamese word the user did not write (titles and labels are the set's own data).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from parindex.cli import main
from parindex.expressions import FUNCTIONS

ROOT = Path(__file__).resolve().parent.parent
SET_2023 = ROOT / "criteria" / "namdinh-stnmt-2023.yaml"
SET_2021 = ROOT / "criteria" / "quangbinh-stnmt-2021.yaml"
MINI = ROOT / "tests" / "data" / "mini.yaml"
BAD_MINI = ROOT / "tests" / "data" / "submissions" / "bad-mini.yaml"
TNMT = ROOT / "evidence" / "so-tnmt-mau-2023.yaml"
TU_PHAP = ROOT / "evidence" / "so-tu-phap-mau-2023.yaml"
TNMT_2021 = ROOT / "evidence" / "so-tnmt-mau-2021.yaml"
HOSTILE = ROOT / "tests" / "data" / "submissions" / "hostile-names"
HOSTILE_FILES = sorted(HOSTILE.glob("*.yaml"))
# The words of the file formats themselves (keys, rule kinds, functions): a message may
# name the key or function to write; they are the user's language, not parindex's codes.
VOCABULARY = " ".join(
    [*FUNCTIONS, *(p.read_text(encoding="utf-8") for p in (ROOT / "criteria" / "schema").glob("*"))]
)
INVALID = sorted((ROOT / "tests" / "data" / "invalid").glob("*.yaml"))
PRECISION = ROOT / "tests" / "data" / "invalid" / "precision_too_fine.yaml"

BYTES = re.compile(r"\bb'(\\x[0-9a-f]{2}|')")  # a bytes repr such as b'\xff\xfe'
SNAKE = re.compile(r"\b[a-z][a-z0-9]*_[a-z0-9_]+\b")
LEVEL_CODE = re.compile(r"\b(cấp|nhóm|Cấp|Nhóm) (so|huyen|xa)\b")
WORD = re.compile(r"[^\W\d_]+")
VIETNAMESE = re.compile(
    r"[àáảãạăằắẳẵặâầấẩẫậđèéẻẽẹêềếểễệìíỉĩịòóỏõọôồốổỗộơờớởỡợùúủũụưừứửữựỳýỷỹỵ]", re.I
)


def _words_of(paths: list[Path]) -> tuple[set[str], str]:
    """The words and text the user wrote in the files given (their own words may return)."""
    written = " ".join(
        p.read_text(encoding="utf-8", errors="replace") for p in paths if p.is_file()
    )
    written += " " + " ".join(str(p) for p in paths) + " " + VOCABULARY
    return {w.lower() for w in WORD.findall(written)}, written


def _cases() -> Iterator[tuple[str, list[str], list[Path]]]:
    for path in INVALID:
        yield f"validate-{path.stem}", ["validate", str(path)], [path]
    samples = [SET_2023, TNMT, TU_PHAP]
    yield "validate-sets", ["validate", str(SET_2023), str(SET_2021)], [SET_2023, SET_2021]
    yield "score", ["score", str(SET_2023), str(TNMT), str(TU_PHAP)], samples
    yield "score-summary", ["score", str(SET_2023), str(TNMT), "--summary"], samples
    yield "score-2021", ["score", str(SET_2021), str(TNMT_2021)], [SET_2021, TNMT_2021]
    yield "score-bad", ["score", str(MINI), str(BAD_MINI)], [MINI, BAD_MINI]
    yield "score-other-set", ["score", str(SET_2023), str(TNMT_2021), str(TNMT)], samples
    yield "score-swapped", ["score", str(TNMT), str(SET_2023)], samples
    yield "score-missing-file", ["score", str(SET_2023), "khong-co.yaml"], samples
    yield "review", ["review", str(SET_2023), str(TU_PHAP), "--all"], samples
    yield "explain", ["explain", str(SET_2023), str(TU_PHAP), "3.6.2"], samples
    yield "explain-unknown", ["explain", str(SET_2023), str(TNMT), "9.9"], samples
    yield "unknown-option", ["score", "--bogus"], []
    yield "missing-argument", ["score"], []
    yield "unknown-command", ["scroe"], []
    yield "help", ["--help"], []
    yield "score-help", ["score", "-h"], []
    yield "bad-format", ["validate", str(SET_2023), "--format", "xml"], []
    yield "export-to-dir", ["export", str(SET_2023), str(TNMT), "-o", str(ROOT / "tests")], []
    yield "rank-hostile-names", ["rank", str(MINI), str(HOSTILE)], [MINI, *HOSTILE_FILES]
    yield (
        "score-hostile-names",
        ["score", str(MINI), *map(str, HOSTILE_FILES)],
        [MINI, *HOSTILE_FILES],
    )
    yield "validate-precision-1e-29", ["validate", str(PRECISION)], [PRECISION]


CASES = list(_cases())


def _run(args: list[str], lang: str) -> str:
    runner = CliRunner()
    extra = ["--lang", "en"] if lang == "en" else []
    position = 1 if args and args[0] not in ("--help",) else 0
    result = runner.invoke(main, args[:position] + extra + args[position:])
    assert result.exit_code in (0, 1, 2), result.output
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise result.exception
    return result.output


@pytest.mark.parametrize(("name", "args", "inputs"), CASES, ids=[c[0] for c in CASES])
def test_vietnamese_output_holds_no_code_or_internal(
    name: str, args: list[str], inputs: list[Path]
) -> None:
    output = _run(args, "vi")
    _, written = _words_of(inputs)
    assert "Traceback" not in output
    assert "Decimal(" not in output and not BYTES.search(output)
    assert not LEVEL_CODE.search(output), LEVEL_CODE.search(output)
    assert "Options:" not in output and "Usage:" not in output and "Error:" not in output
    codes = {w for w in SNAKE.findall(output) if w not in written}
    assert not codes, f"{name}: {sorted(codes)[:10]}"


@pytest.mark.parametrize(("name", "args", "inputs"), CASES, ids=[c[0] for c in CASES])
def test_english_output_holds_no_vietnamese_of_its_own(
    name: str, args: list[str], inputs: list[Path]
) -> None:
    output = _run(args, "en")
    words, _ = _words_of(inputs)
    assert "Traceback" not in output
    for line in output.splitlines():
        found = [w for w in WORD.findall(line) if w.lower() not in words]
        own = [w for w in found if VIETNAMESE.search(w)]
        english = [w for w in found if w.isascii() and len(w) >= 3]
        assert not own or english, f"{name}: a Vietnamese-only line {line!r}"


# --- workbooks: every damaged or edited workbook of the import corpus, through the CLI ---


def _tampered(source: Path, out: Path) -> Path:
    """Dossiers received 1250 → 99999 in the hidden sheet (the signature catches it)."""
    from test_excel_import import edited

    from parindex.excel_layout import META_SHEET

    def change(book: Any) -> None:
        for row in book[META_SHEET].iter_rows():
            for item in row:
                if isinstance(item.value, str) and '"ho_so_tiep_nhan":1250' in item.value:
                    item.value = item.value.replace("1250", "99999", 1)

    return edited(source, out, change)


def _not_a_workbook(source: Path, out: Path) -> Path:
    out.write_bytes(b"\xff\xfe" + "không phải bảng tính".encode("utf-16-le"))
    return out


def _workbook_cases() -> dict[str, Callable[[Path, Path], Path]]:
    from test_excel_import import CORPUS as DAMAGE

    cases = {name: make for name, (make, _, _) in DAMAGE.items()}
    cases["hidden sheet edited"] = _tampered
    cases["bytes that are no workbook"] = _not_a_workbook
    return cases


WORKBOOK_CASES = _workbook_cases()


@pytest.fixture(scope="module")
def exported(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from parindex import export_workbook, load_criteria, load_submission

    units = [load_submission(p) for p in sorted((ROOT / "evidence").glob("*-2023.yaml"))]
    folder = tmp_path_factory.mktemp("workbooks")
    return export_workbook(load_criteria(SET_2023), units, folder / "all.xlsx")


@pytest.mark.parametrize("lang", ["vi", "en"])
@pytest.mark.parametrize("case", sorted(WORKBOOK_CASES))
def test_workbook_messages(case: str, lang: str, exported: Path, tmp_path: Path) -> None:
    """``parindex import`` of each damaged or edited workbook: Vietnamese output holds no
    code, no ``Decimal(``, no bytes and no traceback; English output no Vietnamese-only line."""
    damaged = WORKBOOK_CASES[case](exported, tmp_path / "damaged.xlsx")
    output = _run(["import", str(SET_2023), str(damaged), "-o", str(tmp_path / "out")], lang)
    assert output.strip(), "a damaged workbook is never imported in silence"
    assert "Traceback" not in output
    assert "Decimal(" not in output and not BYTES.search(output)
    if lang == "vi":
        assert not LEVEL_CODE.search(output), LEVEL_CODE.search(output)
        _, written = _words_of([SET_2023, TNMT, damaged, tmp_path / "out"])
        codes = {w for w in SNAKE.findall(output) if w not in written}
        assert not codes, f"{case}: {sorted(codes)[:10]}"
        return
    samples = sorted((ROOT / "evidence").glob("*-2023.yaml"))
    words, _ = _words_of([SET_2023, *samples, damaged, tmp_path / "out"])
    for line in output.splitlines():
        found = [w for w in WORD.findall(line) if w.lower() not in words]
        own = [w for w in found if VIETNAMESE.search(w)]
        english = [w for w in found if w.isascii() and len(w) >= 3]
        assert not own or english, f"{case}: a Vietnamese-only line {line!r}"


def test_hostile_names_are_printed_as_written_and_neutralised_in_csv() -> None:
    """Rich markup in a name or group is text, not markup; a name or group starting like a
    formula reaches CSV with a leading quote."""
    runner = CliRunner()
    shown = runner.invoke(main, ["rank", str(MINI), str(HOSTILE)])
    assert shown.exit_code == 0, shown.output
    assert "[/] [bold]Đơn vị [red]thử[/red]" in shown.output and "[/]nhóm" in shown.output
    csv = runner.invoke(main, ["rank", str(MINI), str(HOSTILE), "--format", "csv"])
    cells = [cell for line in csv.stdout.splitlines()[1:] for cell in line.split(",")]
    assert "'+cmd|' /C calc'!A0" in cells
    assert any(cell.startswith("\"'=HYPERLINK(") for cell in cells)
    assert not any(cell.startswith(("=", "+", "-", "@", '"=')) for cell in cells)

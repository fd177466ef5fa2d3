"""Every ``--format csv`` of the CLI writes CSV that Excel opens: a UTF-8 BOM, and a
``--decimal-comma`` option that writes ``0,5`` with ``;`` between cells.

The commands are found by walking the CLI, so a new command offering CSV fails here until
it is given sample arguments below (and the two properties hold for it).
"""

from __future__ import annotations

import re
from pathlib import Path

import click
import pytest
from click.testing import CliRunner

from parindex.cli import main

ROOT = Path(__file__).resolve().parent.parent
SET_2023 = str(ROOT / "criteria" / "namdinh-stnmt-2023.yaml")
TNMT = str(ROOT / "evidence" / "so-tnmt-mau-2023.yaml")
GOLDEN = sorted(str(p) for p in (ROOT / "tests" / "golden").glob("*.yaml"))[:2]


def _samples(folder: Path) -> dict[str, list[str]]:
    units = folder / "units"
    units.mkdir(exist_ok=True)
    for name in ("so-tnmt-mau-2023.yaml", "so-tu-phap-mau-2023.yaml"):
        (units / name).write_bytes((ROOT / "evidence" / name).read_bytes())
    return {
        "rank": [SET_2023, str(units)],
        "review": [SET_2023, str(ROOT / "evidence" / "so-tu-phap-mau-2023.yaml")],
        "score": [SET_2023, TNMT],
        "test": GOLDEN,
        "validate": [SET_2023, str(ROOT / "criteria" / "quangbinh-stnmt-2021.yaml")],
    }


def _csv_commands(group: click.Group, prefix: tuple[str, ...] = ()) -> dict[str, tuple[str, ...]]:
    """Every command (nested groups too) whose --format offers csv, by its name."""
    found: dict[str, tuple[str, ...]] = {}
    context = click.Context(group)
    for name in group.list_commands(context):
        command = group.get_command(context, name)
        if isinstance(command, click.Group):
            found.update(_csv_commands(command, (*prefix, name)))
            continue
        assert command is not None
        for param in command.params:
            choices = getattr(param.type, "choices", ())
            if "--format" in getattr(param, "opts", ()) and "csv" in choices:
                found[" ".join((*prefix, name))] = (*prefix, name)
    return found


COMMANDS = _csv_commands(main)


def test_every_csv_command_is_covered(tmp_path: Path) -> None:
    assert GOLDEN, "tests/golden holds the rule test cases"
    assert set(COMMANDS) == set(_samples(tmp_path))


@pytest.mark.parametrize("name", sorted(COMMANDS))
def test_csv_has_a_bom_and_decimal_commas(name: str, tmp_path: Path) -> None:
    arguments = [*COMMANDS[name], *_samples(tmp_path)[name], "--format", "csv"]
    runner = CliRunner()
    plain = runner.invoke(main, arguments)
    comma = runner.invoke(main, [*arguments, "--decimal-comma"])
    for result in (plain, comma):
        assert result.exception is None or isinstance(result.exception, SystemExit), result.output
        assert result.stdout_bytes.startswith(b"\xef\xbb\xbf"), name  # UTF-8 BOM
    assert len(plain.stdout.splitlines()) >= 2, plain.stdout  # a header and rows
    header = comma.stdout.lstrip("\ufeff").splitlines()[0]
    assert ";" in header  # cells separated by ';' as Excel in a Vietnamese locale expects
    rows = comma.stdout.splitlines()[1:]
    assert all(";" in row for row in rows if row)
    decimals = re.findall(r"(?:^|;)-?\d+,\d+(?=;|$)", "\n".join(rows), re.M)
    points = re.findall(r"(?:^|;)-?\d+\.\d+(?=;|$)", "\n".join(rows), re.M)
    assert not points, points[:3]  # never a decimal point with --decimal-comma
    plain_decimals = re.findall(r"(?:^|,)-?\d+\.\d+(?=,|$)", plain.stdout, re.M)
    assert bool(decimals) == bool(plain_decimals), name  # the same numbers, written 0,5

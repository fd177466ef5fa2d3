"""Golden cases: hand-computed expected scores, kept as data files in tests/golden/."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from ruamel.yaml import YAML

from parindex import load_criteria, score
from parindex.loader import SourceMap
from parindex.submission import parse_submission

ROOT = Path(__file__).resolve().parent.parent
CASES = sorted((ROOT / "tests" / "golden").glob("*.yaml"))


def _load(path: Path) -> dict[str, Any]:
    data = YAML(typ="safe", pure=True).load(path.read_text(encoding="utf-8"))
    assert isinstance(data, dict)
    return data


def _dec(value: object) -> Decimal | None:
    return None if value is None else Decimal(str(value))


@pytest.mark.parametrize("case", CASES, ids=[c.stem for c in CASES])
def test_golden(case: Path) -> None:
    data = _load(case)
    criteria = load_criteria(case.parent / data["criteria"])  # named from the case file
    submission = parse_submission(data["submission"], SourceMap(str(case), data["submission"], {}))
    report = score(criteria, submission)
    expect = data["expect"]
    for code, points in expect.get("points", {}).items():
        assert report.node(code).points == _dec(points), (code, report.node(code).explanation)
    for code, status in expect.get("status", {}).items():
        assert report.node(code).status.value == status, code
    for key in ("total", "max_points", "index", "undetermined_points"):
        if key in expect:
            assert getattr(report, key) == _dec(expect[key]), key
    if "band" in expect:
        assert report.band == expect["band"]
    if "missing_inputs" in expect:
        assert sorted(m.name for m in report.missing_inputs) == sorted(expect["missing_inputs"])
    for code, fragment in expect.get("explanation", {}).items():
        assert fragment in report.node(code).explanation, (code, report.node(code).explanation)


def test_golden_cases_exist() -> None:
    assert CASES, "no golden case files found"

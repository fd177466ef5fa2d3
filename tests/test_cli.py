"""The CLI, through click's runner: score, explain, review (validate is in test_loader)."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

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

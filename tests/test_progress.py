"""Progress during the year, on the sample units."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal
from pathlib import Path

import pytest
from click.testing import CliRunner

from parindex.appendix import build_appendix, write_appendix
from parindex.cli import main
from parindex.loader import load_criteria
from parindex.plans import load_plan
from parindex.progress import TaskState, progress, summary, write_progress_xlsx
from parindex.submission import load_submission

ROOT = Path(__file__).resolve().parents[1]
CRITERIA = ROOT / "criteria" / "namdinh-stnmt-2023.yaml"
SCT_PLAN = ROOT / "plans" / "hatinh-sct-2023.yaml"
UNIT = ROOT / "evidence" / "so-cong-thuong-mau-2023.yaml"


@pytest.fixture(scope="module")
def criteria():  # type: ignore[no-untyped-def]
    return load_criteria(CRITERIA)


@pytest.fixture(scope="module")
def set_plan(criteria, tmp_path_factory):  # type: ignore[no-untyped-def]
    path = tmp_path_factory.mktemp("plan") / "ke-hoach.yaml"
    write_appendix(build_appendix(criteria, 2023), path, criteria)
    return load_plan(path, criteria)


def test_seed_003_plan_on_a_sample_unit(criteria) -> None:  # type: ignore[no-untyped-def]
    plan = load_plan(SCT_PLAN)
    result = progress(plan, load_submission(UNIT), dt.date(2023, 6, 30), 30, criteria)
    states = {c.task.id: c.state for c in result.tasks}
    assert states["i-1-ke-hoach"] is TaskState.OVERDUE  # due 15/01/2023, no product found
    assert states["i-3-sang-kien"] is TaskState.OPEN  # "Thường xuyên": due at the year's end
    assert states["vii-2-1-iso"] is TaskState.UNDATED  # "Theo Kế hoạch ISO năm 2023"
    checks = {t.target.id: t for t in result.targets}
    inspected = checks["kiem-tra-cchc"]
    assert inspected.figure == Decimal("40.00") and inspected.stated == ((Decimal(60), False),)
    assert checks["sang-kien"].figure is None and "cách tính" in checks["sang-kien"].reason
    assert result.points_at_risk == 0  # the plan names no criteria codes
    assert "Văn phòng" in result.by_office()


def test_both_values_of_a_contradiction_are_checked(criteria, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    text = SCT_PLAN.read_text("utf-8").replace(
        "value: 90\n    at: {source: seed-003, section: II.2, line: 39}",
        "value: 90\n    figure: round(percent(so_don_vi_duoc_kiem_tra, so_don_vi_truc_thuoc, 0), 2)"
        "\n    at: {source: seed-003, section: II.2, line: 39}",
    )
    path = tmp_path / "p.yaml"
    path.write_text(text, encoding="utf-8")
    unit = load_submission(UNIT).model_copy(
        update={"values": {**load_submission(UNIT).values, "so_don_vi_duoc_kiem_tra": 8}}
    )
    result = progress(load_plan(path), unit, dt.date(2023, 6, 30), 30, criteria)
    (check,) = [t for t in result.targets if t.target.id == "qppl-quy-dinh-chi-tiet"]
    assert check.figure is not None
    assert check.figure == 80 and [met for _, met in check.stated] == [False, True]


def test_a_plan_from_the_set_counts_points_at_risk(criteria, set_plan) -> None:  # type: ignore[no-untyped-def]
    unit = load_submission(ROOT / "evidence" / "so-ngoai-vu-mau-2023.yaml")
    early = progress(set_plan, unit, dt.date(2023, 1, 10), 30, criteria)
    late = progress(set_plan, unit, dt.date(2023, 12, 31), 30, criteria)
    assert early.count(TaskState.DONE) < late.count(TaskState.DONE)  # documents dated later
    assert late.points_at_risk > 0
    pressing = [c for c in late.tasks if c.state in (TaskState.OVERDUE, TaskState.DUE_SOON)]
    assert sum(c.points_at_risk for c in pressing) == late.points_at_risk
    assert all(c.points_at_risk == 0 for c in late.tasks if c not in pressing)
    assert "điểm có nguy cơ mất" in summary(late)
    assert "points at risk" in summary(late, "en")
    # points as every output writes them (format_points): "0,0" or "1,5", never "0"
    assert re.search(r"điểm có nguy cơ mất: \d+,\d+$", summary(late))
    assert re.search(r"points at risk: \d+,\d+$", summary(late, "en"))


def test_progress_command_and_excel(tmp_path: Path) -> None:
    out = tmp_path / "tien-do.xlsx"
    result = CliRunner().invoke(
        main,
        [
            "progress",
            str(SCT_PLAN),
            str(UNIT),
            "--on",
            "30/06/2023",
            "--criteria",
            str(CRITERIA),
            "-o",
            str(out),
        ],
    )
    assert result.exit_code == 0, result.output
    assert "Ngày 30/06/2023" in result.output and "quá hạn" in result.output
    import openpyxl

    book = openpyxl.load_workbook(out)
    assert book.sheetnames == ["Nhiệm vụ", "Chỉ tiêu"]
    bad = CliRunner().invoke(main, ["progress", str(SCT_PLAN), str(UNIT), "--on", "31/02/2023"])
    assert bad.exit_code == 2 and "dd/mm/yyyy" in bad.output


def test_excel_in_english(criteria, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    result = progress(
        load_plan(SCT_PLAN), load_submission(UNIT), dt.date(2023, 6, 30), 30, criteria
    )
    import openpyxl

    path = write_progress_xlsx(result, str(tmp_path / "p.xlsx"), "en")
    assert openpyxl.load_workbook(path).sheetnames == ["Tasks", "Targets"]


def test_a_target_not_measured_is_said_in_the_language_asked(criteria) -> None:  # type: ignore[no-untyped-def]
    """``--lang en progress`` said "not measured: chỉ tiêu không có cách tính từ số liệu"."""
    from parindex.progress import target_rows

    result = progress(
        load_plan(SCT_PLAN), load_submission(UNIT), dt.date(2023, 6, 30), 30, criteria
    )
    english = [" ".join(map(str, row)) for row in target_rows(result, "en")]
    assert any("not measured: the target has no figure to compute" in row for row in english)
    assert not any("chỉ tiêu không" in row for row in english)
    vietnamese = [" ".join(map(str, row)) for row in target_rows(result, "vi")]
    assert any("không đo được: chỉ tiêu không có cách tính từ số liệu" in r for r in vietnamese)
    assert f"({len(result.targets)} targets)" in summary(result, "en")

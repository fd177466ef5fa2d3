"""Plans as data: the shipped plans validate and quote their seeds; broken files fail located."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from ruamel.yaml import YAML

from parindex.criteria import UnitLevel
from parindex.loader import load_criteria
from parindex.numbers import format_decimal
from parindex.plans import (
    Plan,
    PlanError,
    load_plan,
    plan_schema,
)
from parindex.schema import render, write

ROOT = Path(__file__).resolve().parents[1]
SEEDS = ROOT.parent / "shared" / "seeds"
PLANS = sorted((ROOT / "plans").glob("*.yaml"))
INVALID = ROOT / "tests" / "data" / "invalid-plans"
CRITERIA = ROOT / "criteria" / "namdinh-stnmt-2023.yaml"


def seed_lines(source_note: str) -> list[str]:
    """The seed file a plan's source names (``Seed 003_…``); its absence fails the test."""
    assert SEEDS.is_dir(), f"the seeds folder {SEEDS} is missing (CI has shared/ beside the clone)"
    stem = source_note.split("Seed ", 1)[1].split()[0].rstrip(",;")
    return (SEEDS / f"{stem}.txt").read_text(encoding="utf-8").splitlines()


def test_two_plans_ship() -> None:
    assert [p.name for p in PLANS] == ["hatinh-khung-2022.yaml", "hatinh-sct-2023.yaml"]


@pytest.mark.parametrize("path", PLANS, ids=lambda p: p.name)
def test_shipped_plan_quotes_its_seed(path: Path) -> None:
    """Every target value stands on the seed line it cites; every deadline and amount too."""
    plan = load_plan(path)
    lines = seed_lines(plan.sources[0].note or "")
    for target in plan.targets:
        statements: list[Any] = [target, *target.also_stated]
        for statement in statements:
            line = lines[statement.at.line - 1]
            values = [statement.value, *statement.by_level.values()]
            for value in (v for v in values if v is not None):
                assert f"{format_decimal(value)}" in line, (target.id, statement.at.line, value)
    for task in plan.tasks:
        row = " ".join(lines[task.at.line - 1 : task.at.line + 30])
        if task.deadline is not None:
            assert task.deadline in row, (task.id, task.deadline)
        if task.funding is not None and task.funding.at is not None:
            assert task.funding.source in lines[task.funding.at.line - 1], task.id


def test_seed_003_contradictions_are_kept_both_ways() -> None:
    plan = load_plan(ROOT / "plans" / "hatinh-sct-2023.yaml")
    kept = {t.id: (t.value, [s.value for s in t.also_stated]) for t in plan.contradictions()}
    assert kept == {
        "qppl-quy-dinh-chi-tiet": (Decimal(90), [Decimal(80)]),
        "qppl-to-chuc-thuc-hien": (Decimal(90), [Decimal(80)]),
    }
    assert sum("Mâu thuẫn" in note for note in plan.notes) == 2


def test_seed_004_targets_by_level_and_budgets() -> None:
    plan = load_plan(ROOT / "plans" / "hatinh-khung-2022.yaml")
    digitised = plan.target("so-hoa-ket-qua")
    assert [digitised.value_for(level) for level in UnitLevel] == [50, 40, 35]
    amounts = {t.id: t.funding.amount for t in plan.tasks if t.funding and t.funding.amount}
    assert amounts["vii-a-2-5-mang-chuyen-dung"] == Decimal(12000)
    assert plan.tasks[-3].funding is not None and plan.tasks[-3].funding.per == "đơn vị"
    deadline = plan.deadline(plan.tasks[0])
    assert (
        deadline is not None
        and deadline.end is not None
        and deadline.end.isoformat() == "2022-03-31"
    )


def test_offices_in_order_of_first_appearance() -> None:
    plan = load_plan(ROOT / "plans" / "hatinh-sct-2023.yaml")
    assert plan.offices()[:2] == ["Văn phòng", "Các phòng chuyên môn"]


def test_shipped_schema_is_current(tmp_path: Path) -> None:
    shipped = ROOT / "plans" / "schema" / "plan.schema.json"
    shipped_text = render(plan_schema())
    assert shipped.read_text(encoding="utf-8") == shipped_text, (
        "plans/schema/plan.schema.json is stale: run `python -m parindex.schema`"
    )
    assert write(plan_schema(), tmp_path / "x" / "p.json").read_text("utf-8") == shipped_text


@pytest.mark.parametrize("path", PLANS, ids=lambda p: p.name)
def test_jsonschema_accepts_shipped_plans(path: Path) -> None:
    import jsonschema  # in the test extras: a missing install must fail, not skip

    data = json.loads(json.dumps(YAML(typ="safe").load(path.read_text("utf-8")), default=str))
    jsonschema.validate(data, plan_schema())
    data["tasks"][0]["deadlin"] = "x"
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(data, plan_schema())


# One broken file per error class: (file, kind, line, a fragment of the Vietnamese message)
INVALID_CASES = [
    ("yaml_syntax.yaml", "yaml_syntax", 10, "cú pháp YAML"),
    ("duplicate_key.yaml", "duplicate_key", 8, "trùng"),
    ("unknown_key.yaml", "unknown_key", 9, "có phải ý bạn là 'deadline'"),
    ("missing_field.yaml", "missing_field", 9, "in_charge"),
    ("duplicate_id.yaml", "duplicate_id", 9, "t1"),
    ("unknown_target.yaml", "unknown_target", 11, "có phải ý bạn là c1"),
    ("unknown_source.yaml", "unknown_source", 9, "có phải ý bạn là kh"),
    ("missing_value.yaml", "missing_value", 9, "'value' hoặc 'by_level'"),
    ("not_a_contradiction.yaml", "not_a_contradiction", 9, "cùng giá trị"),
    ("bad_deadline.yaml", "bad_deadline", 9, "quý không hợp lệ"),
    ("bad_date.yaml", "bad_deadline", 9, "ngày không hợp lệ"),
    ("invalid_value.yaml", "invalid_value", 8, "giá trị không hợp lệ"),
    ("bad_number.yaml", "invalid_value", 9, "không phải số"),
    ("not_a_mapping.yaml", "not_a_mapping", 1, "bảng khóa"),
]


@pytest.mark.parametrize(("name", "kind", "line", "fragment"), INVALID_CASES)
def test_broken_plan_gives_a_typed_located_problem(
    name: str, kind: str, line: int | None, fragment: str
) -> None:
    with pytest.raises(PlanError) as caught:
        load_plan(INVALID / name)
    problem = caught.value.problems[0]
    assert problem.kind == kind, caught.value.describe()
    assert problem.file is not None and problem.file.endswith(name)
    assert problem.line == line, caught.value.describe()
    assert fragment in problem.message, problem.message
    assert "Tệp kế hoạch không hợp lệ" in str(caught.value)


def test_every_invalid_file_has_a_case() -> None:
    assert {p.name for p in INVALID.glob("*.yaml")} == {c[0] for c in INVALID_CASES} | {
        "unknown_code.yaml",
        "other_set.yaml",
    }


def test_codes_are_checked_against_a_criteria_set() -> None:
    criteria = load_criteria(CRITERIA)
    with pytest.raises(PlanError) as caught:
        load_plan(INVALID / "unknown_code.yaml", criteria)
    (problem,) = caught.value.problems
    assert (problem.kind, problem.line, problem.text) == ("unknown_code", 9, "1.9")
    assert "namdinh-stnmt-2023" in problem.message
    load_plan(INVALID / "unknown_code.yaml")  # without a set, codes are not checked


def test_a_plan_of_another_set_is_refused_in_the_words_every_message_uses() -> None:
    """A plan naming another set said "kế hoạch gắn với bộ tiêu chí 'X', không phải 'Y'", in
    English only "plan names another criteria set" (no set named); and ``messages.said``,
    which words every ``other_set`` problem, would have called it a submission left out."""
    from parindex.messages import said

    with pytest.raises(PlanError) as caught:
        load_plan(INVALID / "other_set.yaml", load_criteria(CRITERIA))
    (problem,) = caught.value.problems
    assert (problem.kind, problem.line, problem.field) == ("other_set", 6, "criteria")
    where = f"{INVALID / 'other_set.yaml'}:6 criteria: "
    assert (
        said(problem)
        == problem.describe()
        == where + ("kế hoạch của bộ quangbinh-stnmt-2021, không phải bộ namdinh-stnmt-2023")
    )
    assert said(problem, "en") == where + "a plan for quangbinh-stnmt-2021, not namdinh-stnmt-2023"
    load_plan(INVALID / "other_set.yaml")  # without a set, its own is not checked


def test_every_problem_of_a_file_is_reported_at_once(tmp_path: Path) -> None:
    text = (INVALID / "duplicate_id.yaml").read_text("utf-8").replace("Quý I/2023", "Quý V/2023")
    path = tmp_path / "two.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(PlanError) as caught:
        load_plan(path)
    assert sorted(caught.value.kinds()) == [
        "bad_deadline",
        "bad_deadline",
        "duplicate_id",
        "duplicate_id",
    ]


def test_plan_model_lookup() -> None:
    plan = load_plan(ROOT / "plans" / "hatinh-sct-2023.yaml")
    assert isinstance(plan, Plan)
    with pytest.raises(KeyError):
        plan.target("khong-co")

"""A rule kind the program registers (:func:`parindex.rules.register`) is named by a criteria
file like a shipped one: read, checked, scored, explained, scored in a batch, written to a
workbook; a file never brings a kind into being, and one it names unregistered is a
located problem listing the known kinds.

The toy kinds live in ``tests/_toy_kinds.py``; nothing in parindex names them.
"""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path
from typing import Literal

import openpyxl
import pytest
from _toy_kinds import CUTOFF, ByDate, Cutoff, CutoffRule, toy_set, toy_unit

import parindex.testing as pt
from parindex.batch import score_many
from parindex.engine import score
from parindex.errors import CriteriaError
from parindex.excel import export_unit
from parindex.loader import load_criteria
from parindex.rules import (
    REGISTRY,
    SHIPPED,
    RuleKind,
    RuleKindError,
    extra_kinds,
    kind_label,
    register,
    registered,
    unregister,
)
from parindex.rules.check import Check


@pytest.fixture
def toy_kinds() -> Iterator[None]:
    with registered(Cutoff(), ByDate()):
        yield


def _problems(tmp_path: Path, rule: str = CUTOFF) -> CriteriaError:
    with pytest.raises(CriteriaError) as caught:
        toy_set(tmp_path, rule=rule)
    return caught.value


def test_a_kind_no_one_registered_is_a_located_problem_naming_the_known_kinds(
    tmp_path: Path,
) -> None:
    with registered(ByDate()):  # leaf 1.2's kind is known, leaf 1.1's is not
        error = _problems(tmp_path)
    [problem] = error.problems
    assert problem.kind == "unknown_kind" and problem.text == "cutoff"
    assert problem.file == str(tmp_path / "toy.yaml")
    assert (problem.line, problem.code) == (19, "1.1")
    assert problem.field == "nodes[0].children[0].rule.kind"
    assert problem.allowed == (*SHIPPED, "by_date")  # every kind the program registered
    assert "by_date" in error.describe() and "cutoff" in problem.message


def test_a_registered_kind_is_read_scored_explained_and_batched(
    toy_kinds: None, tmp_path: Path
) -> None:
    criteria = toy_set(tmp_path)
    assert criteria.node("1.1").rule == CutoffRule(
        kind="cutoff", value="ty_le", at=Decimal(80), below=Decimal("0.5")
    )
    units = [
        toy_unit({"ty_le": 90, "ngay_gui": "30/06/2023"}),  # both met
        toy_unit({"ty_le": "79,9", "ngay_gui": "01/07/2023"}).model_copy(
            update={"unit": toy_unit({}).unit.model_copy(update={"id": "don-vi-hai"})}
        ),  # under the cutoff, a day late
    ]
    reports = [score(criteria, unit) for unit in units]
    assert [r.total for r in reports] == [Decimal(2), Decimal("0.5")]
    assert [r.node("1.2").points for r in reports] == [Decimal(1), Decimal(0)]
    explained = reports[1].explain("1.1")
    assert "0,5/1" in explained and "ngưỡng" in explained
    table = score_many(criteria, units)
    assert [Decimal(str(t)) for t in table["total"]] == [r.total for r in reports]
    pt.check_all(criteria, units[0])
    pt.check_all(criteria, units[1])


def test_a_registered_kinds_leaf_is_written_to_a_workbook(toy_kinds: None, tmp_path: Path) -> None:
    criteria = toy_set(tmp_path)
    unit = toy_unit({"ty_le": 90, "ngay_gui": "30/06/2023"})
    path = export_unit(criteria, unit, tmp_path / "toy.xlsx", official=False)
    book = openpyxl.load_workbook(path)
    cells = {
        str(cell.value).strip(): sheet.title
        for sheet in book.worksheets
        for row in sheet.iter_rows()
        for cell in row
        if cell.value is not None
    }
    assert "1.1" in cells and "1.2" in cells  # both toy leaves have their rows


def test_an_unknown_key_in_a_registered_kinds_rule_lists_its_models_keys(
    toy_kinds: None, tmp_path: Path
) -> None:
    error = _problems(tmp_path, rule="{kind: cutoff, value: ty_le, at: 80, bellow: 1}")
    [problem] = [p for p in error.problems if p.kind == "unknown_key"]
    assert (problem.text, problem.line, problem.code) == ("bellow", 19, "1.1")
    assert problem.allowed == tuple(CutoffRule.model_fields)
    assert "'below'" in problem.message  # the nearest key


def test_a_set_naming_a_registered_kind_is_not_kept_in_the_cache(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    cache = tmp_path / "cache"
    monkeypatch.setenv("PARINDEX_CACHE_DIR", str(cache))
    monkeypatch.delenv("PARINDEX_CACHE", raising=False)
    with registered(Cutoff(), ByDate()):
        assert extra_kinds() == ("cutoff", "by_date")
        toy_set(tmp_path)
        toy_set(tmp_path)
    assert not list(cache.rglob("*.bin"))  # compiled afresh each time, never kept
    assert extra_kinds() == () and dict(REGISTRY) == dict(SHIPPED)
    assert _problems(tmp_path).kinds() == ["unknown_kind", "unknown_kind"]  # gone again


def test_register_checks_the_kind_and_refuses_a_taken_name() -> None:
    class Lacking(Cutoff):
        lower = RuleKind.lower  # as if left out

    class Twin(Check):
        pass

    with pytest.raises(RuleKindError, match="'cutoff' lacks: lower"):
        register(Lacking())
    assert "cutoff" not in REGISTRY
    with pytest.raises(RuleKindError, match=r"Cutoff\(\), not the class"):
        register(Cutoff)  # type: ignore[type-var]
    with pytest.raises(RuleKindError, match="'check' registered twice"):
        register(Twin())
    assert register(REGISTRY["check"]) is REGISTRY["check"]  # the same object: nothing to do
    with pytest.raises(RuleKindError, match="shipped"):
        unregister("check")
    kind = Cutoff()
    try:
        assert register(kind) is kind and register(kind) is kind
        with pytest.raises(RuleKindError, match="registered twice"):
            register(Cutoff())
    finally:
        unregister("cutoff")
    assert "cutoff" not in REGISTRY


def test_a_block_that_fails_still_removes_what_it_registered() -> None:
    with pytest.raises(RuntimeError), registered(Cutoff()):
        assert "cutoff" in REGISTRY
        raise RuntimeError
    assert "cutoff" not in REGISTRY


def test_registering_leaves_the_shipped_kinds_alone(monkeypatch: pytest.MonkeyPatch) -> None:
    """The file format's models are rebuilt on (un)registering: shipped rules read the same."""
    monkeypatch.setenv("PARINDEX_CACHE", "off")
    mini = Path(__file__).parent / "data" / "mini.yaml"
    before = load_criteria(mini).model_dump()
    with registered(Cutoff()):
        during = load_criteria(mini).model_dump()
    assert before == during == load_criteria(mini).model_dump()


def test_a_registered_kind_has_the_label_it_was_given_while_it_stays_registered() -> None:
    """Vietnamese alone (English: the kind's name) or both; gone with the kind; a blank
    label, or one for a shipped kind (whose words are parindex's catalogue), refused."""
    with registered(Cutoff(), ByDate(), labels={"cutoff": "Ngưỡng riêng"}):
        assert kind_label("cutoff") == ("Ngưỡng riêng", "cutoff")
        assert kind_label("by_date") is None  # registered without one: its name is shown
        register(REGISTRY["by_date"], ("Theo ngày gửi", "By the day sent"))
        assert kind_label("by_date") == ("Theo ngày gửi", "By the day sent")
    assert kind_label("cutoff") is None and kind_label("by_date") is None
    with pytest.raises(RuleKindError, match="blanks"):
        register(Cutoff(), " ")
    with pytest.raises(RuleKindError, match="blanks"):
        register(Cutoff(), ("Ngưỡng riêng",))  # type: ignore[arg-type]
    assert "cutoff" not in REGISTRY  # refused before it was added
    with pytest.raises(RuleKindError, match="shipped"):
        register(REGISTRY["check"], "Đạt")
    assert kind_label("check") is None


class _Opaque:
    """A type pydantic cannot build a schema for."""


class _UnbuildableRule(CutoffRule):
    kind: Literal["unbuildable"]  # type: ignore[assignment]
    opaque: _Opaque


class _Unbuildable(Cutoff):
    name = "unbuildable"
    model = _UnbuildableRule  # type: ignore[assignment]


def test_a_kind_whose_model_cannot_be_built_is_refused_and_leaves_the_format_whole(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The rebuild fails on the kind's model: refused by name, and the kind is not left in
    the registry (it was, and every criteria file, shipped kinds only, failed to load)."""
    monkeypatch.setenv("PARINDEX_CACHE", "off")
    with pytest.raises(RuleKindError, match=r"'unbuildable'.*_Opaque"):
        register(_Unbuildable())
    assert "unbuildable" not in REGISTRY and dict(REGISTRY) == dict(SHIPPED)
    load_criteria(Path(__file__).parent / "data" / "mini.yaml")


def test_parindex_validate_names_a_registered_kind_by_its_label(tmp_path: Path) -> None:
    """The summary's rules line reads a registered kind's label as it reads a shipped kind's
    (before: the bare code, ``cutoff``, in the Vietnamese table); without one, its name."""
    from click.testing import CliRunner

    from parindex.cli import main

    with registered(Cutoff(), ByDate(), labels={"cutoff": ("Ngưỡng riêng", "Own cutoff")}):
        toy_set(tmp_path)
        path = str(tmp_path / "toy.yaml")
        vi = CliRunner().invoke(main, ["validate", path])
        en = CliRunner().invoke(main, ["validate", "--lang", "en", path])
    assert vi.exit_code == en.exit_code == 0, vi.output + en.output
    assert "Cách tính điểm: by_date 1, Ngưỡng riêng 1" in " ".join(vi.output.split())
    assert "Rules: by_date 1, Own cutoff 1" in " ".join(en.output.split())

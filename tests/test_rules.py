"""Rule kinds (parindex.rules): the registry's conformance, a kind left incomplete, the inverse."""

from __future__ import annotations

import datetime as dt
import importlib
import sys
import textwrap
from decimal import Decimal
from pathlib import Path
from typing import get_args

import pytest
from hypothesis import HealthCheck, Phase, find, settings

from parindex.criteria import CriteriaSet, Rule
from parindex.engine import leaf_points, score
from parindex.loader import load_criteria
from parindex.rules import (
    PIECES,
    REGISTRY,
    RuleKindError,
    build_registry,
    kind_named,
    missing_pieces,
    rule_union,
    suggestions,
)
from parindex.submission import check_submission
from parindex.synthetic import units
from parindex.testing.strategies import criteria_sets

ROOT = Path(__file__).resolve().parents[1]
SET_2023 = ROOT / "criteria" / "namdinh-stnmt-2023.yaml"


@pytest.fixture(scope="module")
def criteria() -> CriteriaSet:
    return load_criteria(SET_2023)


# --- conformance over the registry ------------------------------------------------------


@pytest.mark.parametrize("name", list(REGISTRY))
def test_every_kind_has_every_piece(name: str) -> None:
    kind = REGISTRY[name]
    assert missing_pieces(kind) == []
    assert kind.name == name
    assert kind.sign in (1, -1)
    assert kind_named(name) is kind


def test_the_union_and_the_schema_list_every_kind() -> None:
    models = set(get_args(get_args(Rule)[0]))
    assert models == {kind.model for kind in REGISTRY.values()}
    schema = CriteriaSet.json_schema()
    mapping = schema["$defs"]["Node"]["properties"]["rule"]["anyOf"][0]["discriminator"]["mapping"]
    assert sorted(mapping) == sorted(REGISTRY)
    for name, kind in REGISTRY.items():
        assert mapping[name].endswith("/" + kind.model.__name__)


def _kinds_of(criteria: CriteriaSet) -> set[str]:
    return {n.rule.kind for n in criteria.walk() if n.rule is not None}


@pytest.mark.parametrize("name", list(REGISTRY))
def test_the_strategies_draw_every_kind(name: str) -> None:
    # Bonus and penalty sit beside counted leaves, so one counted kind comes with them.
    kinds = (name,) if REGISTRY[name].counts_in_max else (name, "check")
    found = find(
        criteria_sets(rule_kinds=kinds, max_areas=2, max_depth=2),
        lambda c: name in _kinds_of(c),
        settings=settings(
            max_examples=200,
            database=None,
            phases=(Phase.generate,),  # no shrinking: any example holding the kind will do
            suppress_health_check=list(HealthCheck),
        ),
    )
    assert name in _kinds_of(found)


def test_synthetic_units_exercise_every_kind() -> None:
    paths = [ROOT / "tests" / "data" / "mini.yaml", *sorted((ROOT / "criteria").glob("*.yaml"))]
    scored: dict[str, set[Decimal]] = {}
    for criteria in map(load_criteria, paths):
        for unit in units(criteria, 40, seed=3):
            for node in score(criteria, unit).nodes:
                if node.rule is not None and node.points is not None:
                    scored.setdefault(node.rule, set()).add(node.points)
    assert set(scored) == set(REGISTRY)
    # more than one outcome per kind: the units move the rule, not only one corner of it
    assert [k for k, points in scored.items() if len(points) < 2] == [], scored


# --- a kind left incomplete is named, piece by piece -------------------------------------


def test_an_incomplete_kind_is_refused_naming_each_missing_piece(tmp_path: Path) -> None:
    package = tmp_path / "extra_kinds"
    package.mkdir()
    (package / "__init__.py").write_text("")
    (package / "trivial.py").write_text(
        textwrap.dedent(
            """
            from typing import Any, Literal

            from parindex.rules import RuleKind
            from parindex.rules._model import RuleModel


            class TrivialRule(RuleModel):
                kind: Literal["trivial"]


            class Trivial(RuleKind[Any, Any]):
                name = "trivial"
                model = TrivialRule

                def compile(self, rule: Any, leaf: Any, checker: Any, path: Any) -> Any:
                    return None
            """
        )
    )
    sys.path.insert(0, str(tmp_path))
    try:
        module = importlib.import_module("extra_kinds.trivial")
        trivial = module.Trivial()
    finally:
        sys.path.remove(str(tmp_path))
        sys.modules.pop("extra_kinds.trivial", None)
        sys.modules.pop("extra_kinds", None)
    left_out = [
        "compiled",
        "lower",
        "explain",
        "inverse",
        "strategy",
        "synthetic",
        "shape",
        "direction",
        "dues",
    ]
    assert missing_pieces(trivial) == left_out
    assert set(left_out) <= set(PIECES)
    with pytest.raises(RuleKindError) as caught:
        build_registry([*REGISTRY.values(), trivial])
    assert str(caught.value) == "rule kind 'trivial' lacks: " + ", ".join(left_out)


def test_a_kind_without_a_name_or_a_tagged_model_is_refused() -> None:
    class Nameless(type(REGISTRY["check"])):  # type: ignore[misc]
        name = ""

    assert missing_pieces(Nameless()) == ["name", "model"]
    with pytest.raises(RuleKindError, match="registered twice"):
        build_registry([REGISTRY["check"], REGISTRY["check"]])


def test_the_union_is_built_from_the_registry_given() -> None:
    only = {"check": REGISTRY["check"]}
    union = rule_union(only)
    assert get_args(union)[0] is REGISTRY["check"].model  # a union of one is that model


# --- the inverse -------------------------------------------------------------------------


def test_the_next_band_is_one_more_task_out_of_36(criteria: CriteriaSet) -> None:
    done = {"so_nhiem_vu_hoan_thanh": Decimal(35), "so_nhiem_vu_duoc_giao": Decimal(36)}
    found = {s.name: s for s in suggestions(criteria, "1.5", done)}
    more = found["so_nhiem_vu_hoan_thanh"]
    assert (more.current, more.proposed, more.gain) == (Decimal(35), Decimal(36), Decimal("0.75"))
    assert more.vi.startswith("Tỷ lệ ")
    assert "từ 97,22% lên 100,0%: thêm 1 " in more.vi
    assert "trên 36" in more.vi
    # the English twin in the same words and figures (the input's label, 97,22%), no code
    assert "from 97,22% to 100,0%: add 1 to số nhiệm vụ " in more.en
    assert more.en.endswith("; gains 0,75 points") and "so_nhiem_vu" not in more.en
    # the constraint (done ≤ assigned) holds for every proposal
    fewer = found["so_nhiem_vu_duoc_giao"]
    assert fewer.proposed == Decimal(35)


def test_the_smallest_step_is_found_far_below_the_edge(criteria: CriteriaSet) -> None:
    low = {"so_nhiem_vu_hoan_thanh": Decimal(20), "so_nhiem_vu_duoc_giao": Decimal(36)}
    more = {s.name: s for s in suggestions(criteria, "1.5", low)}["so_nhiem_vu_hoan_thanh"]
    assert more.proposed == Decimal(29)  # 29/36 = 80,56% ≥ 80%; 28/36 = 77,78%
    assert more.gain == Decimal("0.75")


def test_a_late_or_missing_date_moves_to_the_due_date(criteria: CriteriaSet) -> None:
    node = criteria.compiled.nodes["1.1"]
    (name,) = node.inputs
    late = suggestions(criteria, "1.1", {name: dt.date(2024, 5, 1)})
    not_done = suggestions(criteria, "1.1", {name: False})
    for found in (late, not_done):
        assert [s.proposed for s in found] == [dt.date(2022, 12, 31)]
        assert found[0].gain == node.node.max_points
    assert "thay vì không thực hiện" in not_done[0].vi
    assert ": done on 31/12/2022 instead of not done; gains " in not_done[0].en
    assert "done on 31/12/2022 instead of 01/05/2024" in late[0].en


def test_a_no_becomes_a_yes(criteria: CriteriaSet) -> None:
    (found,) = suggestions(criteria, "1.3.2", {"da_xu_ly_van_de_sau_kiem_tra_cchc": False})
    assert found.proposed is True
    assert "có thay vì không" in found.vi


def test_full_points_or_missing_inputs_suggest_nothing(criteria: CriteriaSet) -> None:
    full = {"so_nhiem_vu_hoan_thanh": Decimal(36), "so_nhiem_vu_duoc_giao": Decimal(36)}
    assert suggestions(criteria, "1.5", full) == []
    assert suggestions(criteria, "1.5", {"so_nhiem_vu_hoan_thanh": Decimal(3)}) == []
    with pytest.raises(KeyError):
        suggestions(criteria, "9.9", {})
    with pytest.raises(ValueError, match="không phải nút lá"):
        suggestions(criteria, "1", {})


def test_every_suggestion_gains_what_the_engine_gives(criteria: CriteriaSet) -> None:
    """The gain is the engine's own points after the change, minus before."""
    for unit in units(criteria, 8, seed=5):
        values = dict(check_submission(criteria, unit).values)
        for leaf in criteria.compiled.leaves():
            if leaf.node.rule is None or not leaf.inputs <= values.keys():
                continue
            for suggestion in suggestions(criteria, leaf.code, values):
                before = leaf_points(criteria, leaf.code, values)
                after = leaf_points(
                    criteria, leaf.code, {**values, suggestion.name: suggestion.proposed}
                )
                assert after - before == suggestion.gain > 0


def test_the_docs_tables_of_kinds_list_every_kind() -> None:
    lines = (ROOT / "docs" / "criteria-format.md").read_text(encoding="utf-8").splitlines()
    first_cells = [line.split("|")[1] for line in lines if line.startswith("| `")]
    for name in REGISTRY:  # a row in the Vietnamese table and one in its English twin
        assert sum(f"`{name}`" in cell for cell in first_cells) >= 2, name


def test_explanations_state_their_reading_in_both_languages() -> None:
    """An inclusive deadline says the due day counts; a ratio whose denominator was 0
    says nothing was received and what the rule counts 0 of 0 as — in both languages."""
    import yaml

    from parindex.submission import Submission

    case = yaml.safe_load(
        (ROOT / "tests" / "golden" / "namdinh-2023-zero-denominators.yaml").read_text("utf-8")
    )
    criteria = load_criteria(ROOT / "criteria" / "namdinh-stnmt-2023.yaml")
    values = {**case["submission"]["values"], "ngay_ban_hanh_ke_hoach_cchc": "31/12/2022"}
    report = score(criteria, Submission.model_validate({**case["submission"], "values": values}))
    given = report.node("1.5")
    assert "không có trường hợp nào" in given.explanation
    assert "quy tắc tính 0 trên 0 là 100%" in given.explanation
    assert "none received" in given.explanation_en
    assert "the rule counts 0 of 0 as 100%" in given.explanation_en
    assert "0 trên 0 là 0%" in report.node("5.1.3").explanation
    due = report.node("1.1")
    assert "31/12/2022 (đúng hạn, hạn đến hết ngày 31/12/2022)" in due.explanation
    assert "(on time, due by the end of 31/12/2022)" in due.explanation_en


def test_english_explanations_say_the_kinds_words_in_english() -> None:
    """A threshold's and a band's range, and an expression's yes/no inputs, in English
    words in the English sentence ("misses the threshold trên 30%", "= có" before); the
    Vietnamese sentence keeps the set's own phrase; labels (data) stay as the set writes them."""
    from parindex.submission import load_submission

    criteria = load_criteria(ROOT / "criteria" / "namdinh-stnmt-2023.yaml")
    report = score(criteria, load_submission(ROOT / "evidence" / "so-tu-phap-mau-2023.yaml"))
    threshold, band, expression = (report.node(c) for c in ("1.3.1", "3.6.2", "2.2.1"))
    assert "misses the threshold above 30% → 0,0/1,0 points" in threshold.explanation_en
    assert "không đạt ngưỡng trên 30% → 0,0/1,0 điểm" in threshold.explanation
    assert "is in the band from 90% to below 95%" in band.explanation_en
    assert "thuộc khoảng từ 90% đến dưới 95%" in band.explanation
    assert "= yes" in expression.explanation_en and "= có" in expression.explanation
    assert "= có" not in expression.explanation_en and "= không" not in expression.explanation_en


def test_band_problems_say_points_with_a_decimal_comma_in_english(tmp_path: Path) -> None:
    """A band above the maximum, no band reaching it: the points in English as in Vietnamese
    ("band gives 2,5, above the maximum 1,5"; it said "2.5" and "1.5")."""
    from parindex.errors import CriteriaError

    text = (ROOT / "tests" / "data" / "invalid" / "band_points_above_max.yaml").read_text("utf-8")
    text = text.replace("total_max: 3", 'total_max: "3,5"').replace("points: 2}", 'points: "2,5"}')
    text = text.replace("    max_points: 2\n", '    max_points: "2,5"\n', 1).replace(
        'title: "Hoàn thành nhiệm vụ"\n        max_points: 1',
        'title: "Hoàn thành nhiệm vụ"\n        max_points: "1,5"',
    )
    path = tmp_path / "bands.yaml"
    path.write_text(text, "utf-8")
    with pytest.raises(CriteriaError) as info:
        load_criteria(path)
    english = "\n".join(p.describe("en") for p in info.value.problems)
    assert "band gives 2,5, above the maximum 1,5" in english
    assert "no band gives the maximum 1,5" in english
    vietnamese = "\n".join(p.describe() for p in info.value.problems)
    assert "khoảng '100%' cho 2,5 điểm, vượt điểm tối đa 1,5" in vietnamese


def test_an_expression_rule_with_its_own_words_says_them_once(criteria: CriteriaSet) -> None:
    from parindex.submission import load_submission

    sample = Path(__file__).parent.parent / "evidence" / "so-tnmt-mau-2023.yaml"
    report = score(criteria, load_submission(sample))
    node = report.node("2.2.1")
    assert node.rule_text and node.explanation
    words = node.rule_text
    assert report.explain("2.2.1").count(words) == 1
    assert report.explain("2.2.1", "en").count(words) == 1
    assert "= có" in node.explanation and node.explanation.endswith("→ 0,75/1,0 điểm")

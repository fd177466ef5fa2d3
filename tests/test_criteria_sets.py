"""The two shipped criteria sets, transcribed from the seed plans."""

from __future__ import annotations

import re
from decimal import Decimal
from pathlib import Path

import pytest

from parindex import CriteriaSet, load_criteria
from parindex.criteria import CheckRule

ROOT = Path(__file__).resolve().parent.parent
DATA = Path(__file__).parent / "data"

SETS = {
    # file, seed code list (extracted from the seed's STT column), coded rows
    "namdinh-stnmt-2023": ("seed-000-codes.txt", 128),
    "quangbinh-stnmt-2021": ("seed-001-codes.txt", 88),
}


@pytest.fixture(scope="module", params=sorted(SETS))
def shipped(request: pytest.FixtureRequest) -> tuple[str, CriteriaSet]:
    name = request.param
    return name, load_criteria(ROOT / "criteria" / f"{name}.yaml")


def test_every_seed_code_is_present(shipped: tuple[str, CriteriaSet]) -> None:
    name, criteria = shipped
    listing, count = SETS[name]
    codes = (DATA / listing).read_text(encoding="utf-8").split()
    assert len(codes) == count == len(set(codes))
    present = {node.code for node in criteria.walk()}
    assert sorted(set(codes) - present) == []
    # every other node is an item row (derived letter code) or the survey part
    extra = present - set(codes)
    assert all(code == "XHH" or code.rsplit(".", 1)[-1].isalpha() for code in extra), extra


def test_declared_totals_hold_exactly(shipped: tuple[str, CriteriaSet]) -> None:
    _, criteria = shipped
    assert criteria.total_max == Decimal(100)
    assert sum((area.max_points for area in criteria.nodes), Decimal(0)) == Decimal(100)
    assert criteria.survey_max == criteria.node("XHH").max_points == Decimal(30)


def test_stated_points_of_the_2023_set() -> None:
    criteria = load_criteria(ROOT / "criteria" / "namdinh-stnmt-2023.yaml")
    compiled = criteria.compiled
    stated = {
        "2.2.2.a": "0.5",
        "2.2.2.b": "0.25",
        "2.2.2.c": "0.25",
        "5.5.a": "0.5",
        "5.5.b": "0.5",
    }
    for code, points in stated.items():
        node = compiled.nodes[code]
        assert node.node.max_points == Decimal(points)
        assert not node.points_provisional, code
        assert isinstance(node.node.rule, CheckRule)
    # 2 of the 100 points are stated by the seed; every other point is provisional
    assert compiled.provisional_points() == Decimal(98)
    rule = compiled.nodes["1.5"].node.rule
    assert rule is not None and rule.kind == "bands"
    assert [b.when for b in rule.bands] == ["100%", "từ 80% đến dưới 100%", "dưới 80%"]


def test_applicability_notes_quote_the_seed() -> None:
    criteria = load_criteria(ROOT / "criteria" / "namdinh-stnmt-2023.yaml")
    dvsncl = {n.code for n in criteria.walk() if n.applies_if == "co_dvsncl"}
    assert dvsncl == {"4.1.3", "4.4", "5.1.3", "5.1.4", "5.2.1", "6.4"}
    assert all("ĐVSNCL" in (criteria.node(c).applicability_note or "") for c in dvsncl)


SAMPLES = {
    "namdinh-stnmt-2023": ROOT / "evidence" / "so-tnmt-mau-2023.yaml",
    "quangbinh-stnmt-2021": ROOT / "evidence" / "so-tnmt-mau-2021.yaml",
}
FORMULA = re.compile(
    r"\b(percent|ratio|date|min|max|round)\(|[a-z]+_[a-z0-9_]+|\*\*|\bif\b.*\belse\b"
)
FORMULA_VI = re.compile(r"\b(if|else|and|or|not)\b|\bngược lại\b")


def test_no_rule_is_explained_as_a_raw_formula(shipped: tuple[str, CriteriaSet]) -> None:
    """Every rule of both shipped sets has its own words; the explanation of every leaf,
    in both languages, shows those words and never a formula, a function or an input code."""
    from parindex import load_submission, score

    name, criteria = shipped
    rules = [node for node in criteria.walk() if node.rule is not None]
    assert rules and [node.code for node in rules if not node.rule.text] == []
    report = score(criteria, load_submission(SAMPLES[name]))
    explained = [n for n in report.nodes if n.rule is not None and n.explanation]
    assert len(explained) >= len(rules) * 0.9  # a few may be not applicable to the sample
    for node in explained:
        assert node.rule_text, node.code
        for text in (node.explanation, node.explanation_en, node.rule_text):
            assert not FORMULA.search(text), (node.code, text)
        for text in (node.explanation, node.rule_text):
            assert not FORMULA_VI.search(text), (node.code, text)


def test_rule_texts_say_whose_words_they_are() -> None:
    """A 2021 rule text the seed does not state is marked as ours in its provenance,
    never passed off as official wording."""
    criteria = load_criteria(ROOT / "criteria" / "quangbinh-stnmt-2021.yaml")
    for node in criteria.walk():
        if node.rule is None or node.code in ("1.2.a", "1.2.b", "1.3.1", "1.3.2", "1.4", "1.5"):
            continue  # these carry the seed's own words since session 3
        provenance = node.rule.provenance
        if provenance is None or "Rule text:" not in (provenance.note or ""):
            continue
        note = provenance.note or ""
        assert "not official wording" in note and ("ours" in note), (node.code, note)

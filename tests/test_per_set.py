"""parindex.per_set: a value made once a set, kept by the set's identity, a few sets at a time."""

from __future__ import annotations

from pathlib import Path

from parindex import load_criteria
from parindex.per_set import PerSet

ROOT = Path(__file__).resolve().parent.parent
CRITERIA = ROOT / "criteria" / "namdinh-stnmt-2023.yaml"


def test_made_once_a_set_and_again_for_another_set() -> None:
    made: list[str] = []
    kept = PerSet(lambda criteria: made.append(criteria.id) or [criteria.id])
    first, second = load_criteria(CRITERIA), load_criteria(CRITERIA)
    assert first is not second
    assert kept(first) is kept(first)
    assert kept(second) is not kept(first)  # equal sets, two identities: two values
    assert made == [first.id, second.id] and len(kept) == 2
    kept.clear()
    assert len(kept) == 0
    kept(first)
    assert len(made) == 3


def test_past_the_most_sets_all_are_let_go() -> None:
    sets = [load_criteria(CRITERIA) for _ in range(3)]
    kept = PerSet(lambda criteria: object(), most=2)
    values = [kept(s) for s in sets[:2]]
    assert len(kept) == 2
    kept(sets[2])  # a third set: the two kept are let go first
    assert len(kept) == 1
    assert kept(sets[0]) is not values[0]

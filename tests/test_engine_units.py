"""A unit's results given whole again (:mod:`parindex.engine_units`) equal the careful ones.

Units with the same values and survey as a unit scored before get its results with their
own evidence: these properties score units that share values but not their documents,
level, names or self-scores, both ways (``engine._CAREFUL``: every node scored and
validated anew), and compare every field, type and digit (``tests/test_engine_results``).
"""

from __future__ import annotations

import random
from decimal import Decimal
from pathlib import Path
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from parindex import engine, engine_units, load_submission, score, synthetic
from parindex.criteria import CriteriaSet, UnitLevel
from parindex.submission import Submission, check_submission
from tests.test_engine_results import ROOT, SETS, both_ways


def _twins(unit: Submission, seed: int, levels: list[UnitLevel]) -> list[Submission]:
    """``unit`` again under other ids, levels, documents (some dropped, the rest reordered
    and citing other nodes; the last twin's all kept as they are) and self-scores: the same
    values and survey."""
    rng = random.Random(seed)
    made = []
    for number in range(4):
        documents = [d for d in unit.documents if number == 3 or rng.random() < 0.7]
        rng.shuffle(documents)
        codes = sorted({c for d in unit.documents for c in d.supports})
        documents = [
            d.model_copy(update={"supports": rng.sample(codes, min(len(codes), 2))})
            if codes and number < 3 and rng.random() < 0.3
            else d
            for d in documents
        ]
        scores = {c: s for c, s in unit.self_scores.items() if rng.random() < 0.8}
        level = rng.choice([unit.unit.level, *levels])
        made.append(
            unit.model_copy(
                update={
                    "unit": unit.unit.model_copy(
                        update={"id": f"{unit.unit.id}-{number}", "level": level}
                    ),
                    "documents": documents,
                    "self_scores": scores,
                }
            )
        )
    return made


def _drawn(
    criteria: CriteriaSet, count: int, seed: int, missing_rate: float, fact_rate: float
) -> list[Submission]:
    """Synthetic units with self-scores, a fifth of them over-claimed, for the properties."""
    return synthetic.units(
        criteria,
        count,
        seed=seed,
        missing_rate=missing_rate,
        fact_rate=fact_rate,
        self_scores=True,
        overclaim_rate=0.2,
    )


_UNITS: dict[str, st.SearchStrategy[Any]] = {
    "which": st.sampled_from(sorted(SETS)),
    "seed": st.integers(0, 2**32 - 1),
    "fact_rate": st.sampled_from([0.0, 0.5, 1.0]),
    "samples": st.booleans(),
}
"""The units the properties below draw: a set, a seed, how many facts, the samples or not."""


@settings(max_examples=max(5, settings().max_examples // 4))
@given(**_UNITS, missing_rate=st.sampled_from([0.0, 0.05, 0.3]), share=st.booleans())
def test_units_of_the_same_values_get_the_careful_results(
    which: str, seed: int, missing_rate: float, fact_rate: float, samples: bool, share: bool
) -> None:
    criteria = SETS[which]
    engine._SHARED.clear()
    if samples:  # documents citing nodes: each twin's evidence its own
        units = [load_submission(p) for p in sorted(ROOT.glob(f"evidence/*-{which}.yaml"))]
    else:
        units = _drawn(criteria, 2, seed, missing_rate, fact_rate)
    twins = [t for u in units for t in _twins(u, seed, list(criteria.levels))]
    both_ways(criteria, units, share)  # kept the second time seen (a synthetic unit is scored)
    both_ways(criteria, twins, share)  # kept, given again with their own evidence, level, names
    both_ways(criteria, twins, share)  # with ``share``: each twin's shared results given again
    assert 1 <= len(engine._shared(criteria).units) <= len(units)


def test_the_units_kept_are_bounded() -> None:
    criteria = SETS["2023"]
    engine._SHARED.clear()
    units = synthetic.units(criteria, engine_units.MOST + 3, seed=4)
    for unit in units + units:  # kept the second time
        score(criteria, unit)
    assert len(engine._shared(criteria).units) == engine_units.MOST
    both_ways(criteria, units[-2:])  # not kept: scored node by node


def test_values_or_survey_of_other_digits_or_types_make_other_keys() -> None:
    keys = {
        engine_units.key({"a": value}, {})
        for value in (Decimal("1"), Decimal("1.0"), Decimal("1.00"), True, 1, "1")
    }
    keys |= {engine_units.key({}, {"1.1": Decimal(text)}) for text in ("1", "1.0", "1.00")}
    keys.add(engine_units.key({"1.1": "1"}, {}))  # a value named as a survey code is no survey
    keys.add(engine_units.key({"a": Decimal(1), "b": Decimal(2)}, {}))
    keys.add(engine_units.key({"b": Decimal(2), "a": Decimal(1)}, {}))  # another order: a miss
    assert len(keys) == 12


def test_a_unit_given_again_has_lists_of_its_own() -> None:
    criteria = SETS["2023"]
    engine._SHARED.clear()
    unit = check_submission(criteria, synthetic.units(criteria, 1, seed=8, self_scores=True)[0])
    first, _, second = (score(criteria, unit) for _ in range(3))  # made, kept, given again
    assert engine._shared(criteria).units
    for a, b in zip(first.nodes, second.nodes, strict=True):
        assert a == b
        for name in ("inputs", "missing", "evidence", "evidence_expected"):
            assert getattr(a, name) is not getattr(b, name)
    assert first.missing_inputs == second.missing_inputs
    assert all(
        a.codes is not b.codes
        for a, b in zip(first.missing_inputs, second.missing_inputs, strict=True)
    )


def test_shared_results_are_the_same_objects_only_for_equal_evidence() -> None:
    criteria = SETS["2023"]
    engine._SHARED.clear()
    unit = load_submission(sorted(ROOT.glob("evidence/*-2023.yaml"))[0])
    other = unit.model_copy(update={"documents": unit.documents[1:]})  # another evidence
    assert unit.documents
    made = [score(criteria, u, share=True) for u in (unit, unit, other, unit, unit)]
    # made and kept as they are (sharing: on first sight), shared; other evidence: made again
    # from the kept fields and shared; the first evidence again: made again, then shared
    assert all(a is b for a, b in zip(made[0].nodes, made[1].nodes, strict=True))
    assert made[1].nodes is not made[0].nodes  # a list of its own
    assert not any(a is b for a, b in zip(made[1].nodes, made[2].nodes, strict=True))
    assert made[2].nodes != made[1].nodes  # the evidence differs
    assert not any(a is b for a, b in zip(made[2].nodes, made[3].nodes, strict=True))
    assert not any(a is b for a, b in zip(made[0].nodes, made[3].nodes, strict=True))
    assert made[3] == made[0]
    assert all(a is b for a, b in zip(made[3].nodes, made[4].nodes, strict=True))
    plain = score(criteria, unit)  # not asked to share: results of its own
    assert not any(a is b for a, b in zip(plain.nodes, made[4].nodes, strict=True))
    assert plain == made[4]


def test_units_never_seen_share_the_results_of_equal_nodes_and_evidence() -> None:
    criteria = SETS["2023"]
    engine._SHARED.clear()
    units = synthetic.units(criteria, 3, seed=9, self_scores=True)  # no documents cited
    engine._SHARED.clear()
    _, second, third = (score(criteria, u, share=True) for u in units)
    plain = score(criteria, units[2])
    pairs = list(zip(second.nodes, third.nodes, strict=True))
    assert 0 < sum(a is b for a, b in pairs) < len(pairs)  # the nodes of equal values alone
    assert all(a == b for a, b in pairs if a is b)
    assert not any(a is b for a, b in zip(plain.nodes, third.nodes, strict=True))
    assert plain == third


def test_a_set_with_a_kind_a_program_registered_is_never_kept(tmp_path: Path) -> None:
    from parindex.rules import registered
    from tests._toy_kinds import ByDate, Cutoff, toy_set, toy_unit

    with registered(Cutoff(), ByDate()):
        criteria = toy_set(tmp_path)
        for _ in range(2):
            score(criteria, toy_unit({"ty_le": 90, "ngay_gui": "2023-06-01"}))
    assert not engine._shared(criteria).units


def _watch() -> list[str]:
    """The codes of the parents whose subtree is given whole from now on, in order
    (``engine_units.subtree`` watched; put back by the caller)."""
    given: list[str] = []
    found = engine_units.subtree

    def watched(*args: Any) -> engine_units.Subtree | None:
        kept = found(*args)
        if kept is not None:
            given.append(kept.results[0].code)
        return kept

    engine_units.subtree = watched  # type: ignore[assignment]
    return given


@settings(max_examples=max(5, settings().max_examples // 4))
@given(**_UNITS, missing_rate=st.sampled_from([0.0, 0.02, 0.3]))
def test_subtrees_given_whole_are_the_careful_results(
    which: str, seed: int, missing_rate: float, fact_rate: float, samples: bool
) -> None:
    # Units never seen, sharing results (the Excel export): a parent whose subtree reads
    # values an earlier unit's did, with equal evidence, gets that unit's results of the
    # subtree without a walk; every field, type and digit equals the careful path's.
    criteria = SETS[which]
    engine._SHARED.clear()
    units = _drawn(criteria, 8, seed, missing_rate, fact_rate)
    if samples:  # documents citing nodes: some subtrees' evidence differs from unit to unit
        files = sorted(ROOT.glob(f"evidence/*-{which}.yaml"))
        documents = load_submission(files[0]).documents
        units += [load_submission(p) for p in files]
        units += [u.model_copy(update={"documents": documents}) for u in units[:4]]
    engine._SHARED.clear()
    found = engine_units.subtree
    given = _watch()
    try:
        both_ways(criteria, units, share=True)
    finally:
        engine_units.subtree = found  # type: ignore[assignment]
    if not missing_rate and not samples:
        assert given  # subtrees of few names repeat among 8 synthetic units


def test_a_subtree_is_given_only_for_equal_values_and_evidence() -> None:
    criteria = SETS["2023"]
    engine._SHARED.clear()
    unit = synthetic.units(criteria, 1, seed=9, self_scores=True)[0]
    engine._SHARED.clear()
    first = score(criteria, unit, share=True)
    shared = engine._shared(criteria)
    below, kept = shared.below, shared.subtrees
    assert below and all(len(names) <= engine_units.SUBTREE_NAMES for names, _ in below.values())
    assert kept and all(len(k) <= engine_units.SUBTREES_MOST for k in kept.values())
    # one value changed: the subtrees reading it walked again, the others given whole
    name = next(
        n for names, _ in below.values() for n in names if isinstance(unit.values.get(n), bool)
    )
    other = unit.model_copy(update={"values": {**unit.values, name: not unit.values[name]}})
    found = engine_units.subtree
    given = _watch()
    try:
        again = score(criteria, other, share=True)
        assert given and not any(name in below[code][0] for code in given)
        assert again == score(criteria, other)  # not sharing: the engine's own walk
        # the same values, another node's evidence: the subtrees holding it walked again
        del given[:]
        documents = load_submission(sorted(ROOT.glob("evidence/*-2023.yaml"))[0]).documents
        cited = other.model_copy(update={"documents": documents})
        report = score(criteria, cited, share=True)
        assert report == score(criteria, cited)
        assert all(
            not r.evidence for code in given for r in report.nodes if r.code in below[code][1]
        )
    finally:
        engine_units.subtree = found  # type: ignore[assignment]
    assert first.nodes != again.nodes


def test_a_subtree_with_a_missing_input_is_never_kept() -> None:
    criteria = SETS["2023"]
    engine._SHARED.clear()
    units = synthetic.units(criteria, 4, seed=3, missing_rate=0.5, self_scores=True)
    engine._SHARED.clear()
    reports = [score(criteria, u, share=True) for u in units]
    for subtrees in engine._shared(criteria).subtrees.values():
        for subtree in subtrees.values():
            assert not any(r.missing or r.status == "missing_input" for r in subtree.results)
    assert any(r.status == "missing_input" for report in reports for r in report.nodes)

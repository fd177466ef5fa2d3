"""The engine's results as it makes them equal the careful ones, field by field.

The engine makes each :class:`~parindex.report.NodeResult` without pydantic validating
again what it typed itself, shares a name's shown value (:class:`UsedInput`) among the
units of a set, and gives a node the result (points, words, inputs shown) a unit with the
same values read and parts scored got before. ``engine._CAREFUL`` switches all three off:
every result made and validated, every shown value made anew. These properties score and review synthetic units of the real sets and of
generated ones (every rule kind, applicability, bonus and penalty) both ways and compare
the whole report: each model's class, fields in order, each value's type and digits
(``1.0`` is not ``1.00``), the fields set, and the JSON.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pydantic import BaseModel

from parindex import CriteriaSet, engine, load_criteria, review, score, synthetic
from parindex import testing as pt
from parindex.report import NodeResult
from parindex.submission import Submission, check_submission

ROOT = Path(__file__).resolve().parent.parent
SETS = {
    "2021": load_criteria(ROOT / "criteria" / "quangbinh-stnmt-2021.yaml"),
    "2023": load_criteria(ROOT / "criteria" / "namdinh-stnmt-2023.yaml"),
}
_UNITS = 4


def same(a: object, b: object, where: str = "") -> None:
    """``a`` and ``b`` equal in class, fields and their order, types and digits."""
    assert type(a) is type(b), (where, type(a), type(b))
    if isinstance(a, BaseModel):
        assert isinstance(b, BaseModel)
        fields = type(a).model_fields  # a cached property (``ScoreReport._index``) is no field
        assert [n for n in a.__dict__ if n in fields] == [n for n in b.__dict__ if n in fields]
        assert a.__pydantic_fields_set__ == b.__pydantic_fields_set__, where
        assert a.__pydantic_extra__ == b.__pydantic_extra__, where
        assert a.__pydantic_private__ == b.__pydantic_private__, where
        for name in fields:
            same(a.__dict__[name], b.__dict__[name], f"{where}.{name}")
    elif isinstance(a, (list, tuple)):
        assert isinstance(b, (list, tuple)) and len(a) == len(b), where
        for index, (x, y) in enumerate(zip(a, b, strict=True)):
            same(x, y, f"{where}[{index}]")
    elif isinstance(a, dict):
        assert isinstance(b, dict) and list(a) == list(b), where
        for key, value in a.items():
            same(value, b[key], f"{where}[{key!r}]")
    else:
        assert repr(a) == repr(b), (where, a, b)  # Decimal("1.0") == Decimal("1.00")


def both_ways(criteria: CriteriaSet, units: Sequence[Submission], share: bool = False) -> None:
    """Each unit scored and reviewed the usual way (``share``: results shared between
    reports, as the Excel export asks) and the careful way: the same results."""
    checked = [check_submission(criteria, unit) for unit in units]
    usual = [review(criteria, c, share=share) for c in checked]
    engine._CAREFUL = True
    try:
        careful = [review(criteria, c) for c in checked]
        careful_scores = [score(criteria, c) for c in checked]
    finally:
        engine._CAREFUL = False
    for mine, theirs, alone in zip(usual, careful, careful_scores, strict=True):
        same(mine.report, alone, mine.unit_id)
        same(mine, theirs, mine.unit_id)
        assert mine.to_json() == theirs.to_json()
        assert all(type(n) is NodeResult for n in mine.report.nodes)


def test_results_given_again_are_the_careful_ones() -> None:
    # Every node of the second pass is recalled (equal values, equal parts): still equal.
    for criteria in SETS.values():
        units = synthetic.units(criteria, 3, seed=11, missing_rate=0.05, self_scores=True)
        both_ways(criteria, units)
        known = engine._shared(criteria).nodes
        assert known and all(len(kept) <= engine._KNOWN_MOST for kept in known.values())
        both_ways(criteria, units)


def test_values_of_other_digits_or_types_make_other_keys() -> None:
    # A node's result is recalled only for values of the same type and digits: a leaf shows
    # 1.0 and 1.00 apart, and True == Decimal(1).
    criteria = SETS["2023"]
    node = next(n for n in criteria.compiled.nodes.values() if n.is_leaf and n.names_read)
    name = node.names_read[0]
    keys = set()
    for value in (Decimal("1"), Decimal("1.0"), Decimal("1.00"), True, 1, "1", None):
        values = dict.fromkeys(node.names_read, Decimal(0)) | {name: value}
        ctx = engine._Context(
            criteria, criteria.compiled, values, engine.scope_of(criteria, values)
        )
        keys.add(engine._key(node, ctx))
    assert len(keys) == 7


def test_parts_of_other_digits_make_other_keys() -> None:
    # A parent's result is recalled only for parts of the same digits (points given as they
    # are, as a survey's, add and show apart: 0.5 + 1 is 1.5, 0.50 + 1 is 1.50).
    criteria = SETS["2023"]
    report = score(criteria, synthetic.units(criteria, 1, seed=3)[0])
    parent = next(n for n in report.nodes if n.rule is None and n.parent is not None)
    children = [c for c in report.nodes if c.parent == parent.code]
    ctx = engine._Context(criteria, criteria.compiled, {}, engine.scope_of(criteria, {}))
    node = criteria.compiled.nodes[parent.code]
    keys = set()
    for field in ("points", "max_points", "undetermined_points"):
        for text in ("0.5", "0.50"):
            changed = children[0].model_copy(update={field: Decimal(text)})
            keys.add(engine._key(node, ctx, [changed, *children[1:]]))
    keys.add(engine._key(node, ctx, children[1:]))
    assert len(keys) == 7


def test_a_kind_a_program_registered_is_never_recalled(tmp_path: Path) -> None:
    # Its words may read more than its inputs: explained anew for every unit.
    from parindex.rules import registered
    from tests._toy_kinds import ByDate, Cutoff, toy_set, toy_unit

    with registered(Cutoff(), ByDate()):
        criteria = toy_set(tmp_path)
        for _ in range(2):
            score(criteria, toy_unit({"ty_le": 90, "ngay_gui": "2023-06-01"}))
    assert engine._shared(criteria).nodes.keys() == {"1"}  # the parent alone


@settings(max_examples=max(5, settings().max_examples // 4))
@given(
    which=st.sampled_from(sorted(SETS)),
    seed=st.integers(0, 2**32 - 1),
    missing_rate=st.sampled_from([0.0, 0.05, 0.3]),
    fact_rate=st.sampled_from([0.0, 0.5, 0.85, 1.0]),
)
def test_real_sets_give_the_careful_results(
    which: str, seed: int, missing_rate: float, fact_rate: float
) -> None:
    criteria = SETS[which]
    units = synthetic.units(
        criteria,
        _UNITS,
        seed=seed,
        missing_rate=missing_rate,
        fact_rate=fact_rate,
        self_scores=True,
        overclaim_rate=0.2,
    )
    both_ways(criteria, units)


@settings(
    max_examples=max(5, settings().max_examples // 4),
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(data=st.data())
def test_generated_sets_give_the_careful_results(data: st.DataObject) -> None:
    criteria = data.draw(pt.criteria_sets(), label="criteria")
    units = synthetic.units(
        criteria,
        _UNITS,
        seed=data.draw(st.integers(0, 2**32 - 1), label="seed"),
        missing_rate=data.draw(st.sampled_from([0.0, 0.1, 0.3]), label="missing"),
        fact_rate=data.draw(st.sampled_from([0.0, 0.5, 1.0]), label="facts"),
        self_scores=True,
    )
    both_ways(criteria, units)


def test_equal_values_of_other_digits_or_types_are_shown_apart() -> None:
    # The shown values are shared by equal keys: 1, 1.0, 1.00 and True are four keys.
    criteria = SETS["2023"]
    ctx = engine._Context(criteria, criteria.compiled, {}, engine.scope_of(criteria, {}))
    name = criteria.inputs[0].name
    shown = [engine._shown(name, v, ctx) for v in (Decimal("1"), Decimal("1.0"), Decimal("1.00"))]
    assert [s.value for s in shown] == ["1", "1.0", "1.00"]
    assert engine._shown(name, True, ctx).value == "true"
    assert engine._shown(name, None, ctx).display == "(thiếu)"


@pytest.mark.parametrize("careful", [False, True])
def test_a_kind_giving_points_of_another_type_is_validated(
    careful: bool, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Points not typed as a Decimal (an int, say) go through pydantic, which makes them one.
    monkeypatch.setattr(engine, "_CAREFUL", careful)
    criteria = SETS["2023"]
    node = next(n for n in criteria.compiled.nodes.values() if n.is_leaf)
    ctx = engine._Context(criteria, criteria.compiled, {}, engine.scope_of(criteria, {}))
    ctx.evidence = {node.code: []}
    result = engine._result(
        node,
        ctx,
        status=engine.Status.SCORED,
        points=1,
        max_points=Decimal(1),
        explanation="",
        explanation_en="",
    )
    assert type(result.points) is Decimal and result.points == 1

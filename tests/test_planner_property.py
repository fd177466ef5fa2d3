"""Property: every suggestion the planner makes, applied through what-if, gains exactly the
points it states — over generated criteria sets and units, for every rule kind."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import parindex.testing as pt
from parindex.planner import plan, what_if


@pytest.mark.parametrize("kind", pt.RULE_KINDS)
@settings(max_examples=10, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_applying_a_suggestion_gains_exactly_what_it_states(kind: str, data: st.DataObject) -> None:
    # a set of bonus or penalty leaves only cannot be built: "check" leaves give them a base
    kinds = [kind] if kind == "check" else [kind, "check"]
    criteria = data.draw(pt.criteria_sets(rule_kinds=kinds, max_areas=2), label="criteria")
    submission = data.draw(pt.submissions(criteria), label="submission")
    advice = plan(criteria, submission)
    for step in advice.steps:
        result = what_if(criteria, submission, {step.name: step.proposed})
        assert result.gain == step.gain, step
        assert result.after.total - result.before.total == step.gain
        before, after = result.before.node(step.code), result.after.node(step.code)
        assert before.points is not None and after.points is not None
        # the inverse's own statement: the leaf gains exactly this, and it is a gain
        assert after.points - before.points == step.leaf_gain > Decimal(0), step
        assert step.gain <= step.leaf_gain  # parents can only cap what the leaf gains

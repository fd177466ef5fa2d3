"""Property-based testing of scoring rules: Hypothesis strategies and invariant checks.

A Sở Nội vụ (or anyone writing a criteria file) imports this module in its own tests to
find mistakes before the appraisal starts — a band edge on the wrong side, children whose
points do not add up, a rule that gives fewer points for a better result::

    from hypothesis import given
    import parindex
    import parindex.testing as pt

    criteria = parindex.load_criteria("criteria/namdinh-stnmt-2023.yaml")

    @given(pt.submissions(criteria))
    def test_moi_don_vi(submission):
        pt.check_all(criteria, submission)

Strategies (:mod:`parindex.testing.strategies`) build criteria sets, submissions and values
at the edges by construction; invariants (:mod:`parindex.testing.invariants`) raise
:class:`InvariantViolation` with a message in the user's terms. See
``docs/testing-your-criteria.md``. ``import parindex`` does not load this module (nor
Hypothesis); import it explicitly.
"""

from parindex.testing._linear import ConstructionError
from parindex.testing._rules import band_edge_codes, edge_codes
from parindex.testing.describe import GeneratedSubmission, describe_submission, describe_value
from parindex.testing.invariants import (
    Direction,
    InvariantViolation,
    check_all,
    check_band_edges,
    check_batch_matches,
    check_bounds,
    check_deterministic,
    check_excel_round_trip,
    check_monotonic,
    check_not_applicable,
    check_sums,
)
from parindex.testing.strategies import (
    RULE_KINDS,
    band_edge_values,
    criteria_sets,
    deadline_dates,
    edge_submissions,
    submissions,
)

__all__ = [
    "RULE_KINDS",
    "ConstructionError",
    "Direction",
    "GeneratedSubmission",
    "InvariantViolation",
    "band_edge_codes",
    "band_edge_values",
    "check_all",
    "check_band_edges",
    "check_batch_matches",
    "check_bounds",
    "check_deterministic",
    "check_excel_round_trip",
    "check_monotonic",
    "check_not_applicable",
    "check_sums",
    "criteria_sets",
    "deadline_dates",
    "describe_submission",
    "describe_value",
    "edge_codes",
    "edge_submissions",
    "submissions",
]

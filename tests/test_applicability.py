"""Whether a node applies (:mod:`parindex.applicability`): known from the names given when
they decide it, ``None`` only when the missing ones could change it."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from parindex import load_criteria
from parindex.applicability import applies
from parindex.compiler import CompiledNode
from parindex.expressions import NameInfo, ValueType, compile_expression

ROOT = Path(__file__).resolve().parent.parent
CRITERIA = load_criteria(ROOT / "criteria" / "namdinh-stnmt-2023.yaml")
_NAMES = {name: NameInfo(ValueType.BOOL) for name in ("a", "b", "c")}


def _node(condition: str | None) -> CompiledNode:
    """A node of the 2023 set with ``condition`` as its applicability."""
    node = CRITERIA.compiled.nodes["4.4"]
    compiled = None if condition is None else compile_expression(condition, _NAMES)
    return replace(node, applies_if=compiled)


@pytest.mark.parametrize(
    ("condition", "values", "expected"),
    [
        (None, {}, True),
        ("a", {"a": True}, True),
        ("a", {"a": False}, False),
        ("a", {}, None),
        ("a and b", {"a": False}, False),  # decided without b
        ("a and b", {"a": True}, None),
        ("a or b", {"b": True}, True),  # decided without a
        ("a or b", {"b": False}, None),
        ("not (a and b)", {"b": False}, True),
        ("not a", {}, None),
        ("(a or b) and c", {"a": True, "c": False}, False),
        ("(a or b) and c", {"a": True}, None),
        ("(a or b) and c", {"b": True, "c": True}, True),
    ],
)
def test_applies_is_known_when_the_names_given_decide_it(
    condition: str | None, values: dict[str, bool], expected: bool | None
) -> None:
    assert applies(_node(condition), values) is expected


def test_the_engine_gives_the_same_function() -> None:
    from parindex import engine

    assert engine.applies is applies

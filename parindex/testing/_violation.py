"""What the invariant checks share: the violation they raise and how they name things.

:class:`InvariantViolation` carries a message in the user's terms, Vietnamese first;
the helpers write a node, a value or an input the way a province's staff read them.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from typing import Literal

from parindex.criteria import (
    CriteriaSet,
    Node,
    NodeKind,
)
from parindex.errors import ParindexError
from parindex.expressions import Value
from parindex.messages import label
from parindex.numbers import format_decimal
from parindex.report import NodeResult, format_points
from parindex.testing.describe import describe_value

__all__ = ["Direction", "InvariantViolation"]

_ZERO = Decimal(0)
_HUNDRED = Decimal(100)
_KIND_VI = {kind: label("node_kind", kind) for kind in NodeKind}
_KIND_EN = {kind: label("node_kind", kind, "en") for kind in NodeKind}

Direction = Literal["increasing", "decreasing", "either"]
"""How a criterion's points must move when one input grows (``either``: one way only)."""


class InvariantViolation(ParindexError, AssertionError):
    """A scoring invariant does not hold; the message names the criterion and the values.

    ``invariant`` is a stable identifier (``bounds``, ``sums``, ``not_applicable``,
    ``monotonic``, ``band_edges``, ``deterministic``, ``batch``, ``excel``); ``code`` the
    criterion (``None`` for the whole set).
    """

    def __init__(
        self,
        invariant: str,
        message: str,
        message_en: str,
        *,
        code: str | None = None,
        details: Sequence[str] = (),
    ) -> None:
        self.invariant = invariant
        self.message = message
        self.message_en = message_en
        self.code = code
        self.details = tuple(details)
        super().__init__(self.describe())

    def describe(self, language: str = "vi") -> str:
        """The message with its details; in Vietnamese the English line follows."""
        lines = [self.message_en if language == "en" else self.message]
        lines += [f"  {d}" for d in self.details]
        if language != "en":
            lines.append(f"[en] {self.message_en}")
        return "\n".join(lines)


def _note(text: str) -> None:
    from hypothesis.control import currently_in_test_context, note

    if currently_in_test_context():
        note(text)


def _where(node: Node | NodeResult) -> tuple[str, str]:
    kind = NodeKind(node.kind)
    return (
        f"{_KIND_VI[kind]} {node.code} ({node.title})",
        f"{_KIND_EN[kind]} {node.code} ({node.title})",
    )


def _pts(value: Decimal | None) -> str:
    return format_points(value)


def _index(value: Decimal | None) -> str:
    """An index as every output writes it, both languages: ``84,83%``."""
    return "?" if value is None else f"{format_decimal(value, 2)}%"


def _rule_text(node: Node) -> str:
    rule = node.rule
    if rule is None:
        return ""
    text = rule.text or getattr(rule, "value", None) or rule.kind
    return f"Cách tính: {text}"


def _show(criteria: CriteriaSet, name: str, value: Value | None) -> str:
    spec = next((i for i in criteria.inputs if i.name == name), None)
    return describe_value(value, spec)


def _label(criteria: CriteriaSet, name: str) -> str:
    spec = next((i for i in criteria.inputs if i.name == name), None)
    return f"{name} ({spec.label})" if spec is not None else name

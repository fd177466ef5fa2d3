"""The explainable score breakdown, and its renderers (text, DataFrame, JSON).

A :class:`ScoreReport` is data: a flat list of :class:`NodeResult` in tree order
(each knows its parent), the totals, and the documents it cites. Renderers are pure
functions of it. ``ScoreReport.model_validate_json(report.to_json())`` gives back an
equal report.
"""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal
from enum import StrEnum
from functools import cached_property, lru_cache
from typing import TYPE_CHECKING, Annotated

from pydantic import BaseModel, ConfigDict, Field, PlainSerializer

from parindex.messages import band as band_name
from parindex.messages import label
from parindex.numbers import format_decimal
from parindex.rules._model import no_items
from parindex.submission import Document

if TYPE_CHECKING:
    import pandas as pd

__all__ = [
    "MissingInput",
    "NodeResult",
    "ScoreReport",
    "Status",
    "UnitSummary",
    "UsedInput",
    "format_points",
]

Dec = Annotated[Decimal, PlainSerializer(str, return_type=str, when_used="json")]


def format_points(value: Decimal | None) -> str:
    """Points for display: decimal comma, at least one decimal (``1,0``, ``0,25``)."""
    if value is None:
        return "?"
    return _format_points(value)


@lru_cache(maxsize=4096)
def _format_points(value: Decimal) -> str:
    # Equal decimals (0.5, 0.50) format the same, so caching by value is safe.
    normal = value.normalize()
    places = max(1, -int(normal.as_tuple().exponent)) if normal != 0 else 1
    return format_decimal(value, places)


class Status(StrEnum):
    """What happened to a node when it was scored."""

    SCORED = "scored"  # points computed from the unit's values
    NOT_APPLICABLE = "not_applicable"  # leaves the maximum
    MISSING_INPUT = "missing_input"  # points undetermined: inputs missing
    SURVEY = "survey"  # scored by the sociological survey, not self-scored
    PARTIAL = "partial"  # a parent some of whose points are undetermined
    ERROR = "error"  # the rule could not be evaluated on these values


STATUS_VI = {status: label("status", status) for status in Status}


class _Model(BaseModel):
    model_config = ConfigDict(defer_build=True, extra="forbid", frozen=True)


class UsedInput(_Model):
    """An input a rule read: its canonical value (``None`` when missing) and display."""

    name: str
    label: str
    value: str | None
    display: str


class NodeResult(_Model):
    """The score of one node: points, maximum, status, rule, inputs, evidence, explanation."""

    code: str
    parent: str | None
    depth: int
    kind: str
    title: str
    rule: str | None
    rule_text: str | None = None
    status: Status
    points: Dec | None
    max_points: Dec = Field(description="Điểm tối đa áp dụng (0 nếu không áp dụng)")
    declared_max: Dec
    undetermined_points: Dec = Decimal(0)
    provisional: bool
    inputs: list[UsedInput] = Field(default_factory=no_items)
    missing: list[str] = Field(default_factory=no_items)
    explanation: str
    explanation_en: str
    evidence: list[str] = Field(default_factory=no_items)
    evidence_expected: list[str] = Field(default_factory=no_items)
    evidence_missing: bool = False
    applicability_note: str | None = None


class MissingInput(_Model):
    """An input the unit did not report, and the criteria that need it."""

    name: str
    label: str
    codes: list[str]


class UnitSummary(_Model):
    id: str
    name: str
    level: str
    group: str | None = None
    sample: bool = False
    synthetic: bool = False


class ScoreReport(_Model):
    """A unit's explainable score on a criteria set."""

    criteria_id: str
    criteria_title: str
    criteria_digest: str
    year: int
    unit: UnitSummary
    total: Dec
    max_points: Dec = Field(description="Tổng điểm tối đa áp dụng cho đơn vị")
    index: Dec | None = Field(description="total ÷ max_points × 100, 2 chữ số thập phân")
    band: str | None
    complete: bool
    undetermined_points: Dec
    provisional_points: Dec = Field(description="Điểm tối đa dựa trên giá trị tạm tính")
    provisional_points_scored: Dec
    missing_inputs: list[MissingInput]
    nodes: list[NodeResult]
    documents: list[Document] = Field(default_factory=no_items)

    # --- navigation ---------------------------------------------------------------

    @cached_property
    def _index(self) -> tuple[dict[str, NodeResult], dict[str | None, list[NodeResult]]]:
        """Nodes by code and by parent, built once (the report is frozen; pydantic leaves a
        cached property out of equality and serialisation)."""
        by_code: dict[str, NodeResult] = {}
        by_parent: dict[str | None, list[NodeResult]] = {}
        for node in self.nodes:
            by_code.setdefault(node.code, node)
            by_parent.setdefault(node.parent, []).append(node)
        return by_code, by_parent

    def node(self, code: str) -> NodeResult:
        """The result of one node; ``KeyError`` if the code is unknown."""
        return self._index[0][code]

    def children(self, code: str | None) -> list[NodeResult]:
        """Direct children of ``code`` (``None``: the areas)."""
        return list(self._index[1].get(code, ()))

    @property
    def areas(self) -> list[NodeResult]:
        return self.children(None)

    def walk(self) -> Iterator[NodeResult]:
        return iter(self.nodes)

    # --- renderers ----------------------------------------------------------------

    def __repr__(self) -> str:
        from parindex.notebook import report_repr

        return report_repr(self)

    def __str__(self) -> str:
        return repr(self)

    def _repr_html_(self) -> str:
        from parindex.notebook import report_html

        return report_html(self)

    def to_json(self, indent: int | None = 2) -> str:
        """JSON; decimals are strings. Loads back with ``ScoreReport.model_validate_json``."""
        return self.model_dump_json(indent=indent)

    def to_frame(self) -> pd.DataFrame:
        """One row per node, tidy columns; points as float64 with exact twins ``exact:<col>``.

        See :mod:`parindex.frames` for why the numbers come twice.
        """
        import pandas as pd

        from parindex.frames import numeric

        rows = [
            {
                "unit": self.unit.id,
                "code": n.code,
                "parent": n.parent,
                "depth": n.depth,
                "kind": n.kind,
                "title": n.title,
                "rule": n.rule,
                "status": n.status.value,
                "points": n.points,
                "max_points": n.max_points,
                "declared_max": n.declared_max,
                "undetermined_points": n.undetermined_points,
                "provisional": n.provisional,
                "missing": ", ".join(n.missing),
                "evidence": ", ".join(n.evidence),
                "evidence_missing": n.evidence_missing,
                "explanation": n.explanation,
            }
            for n in self.nodes
        ]
        return numeric(
            pd.DataFrame(rows), ("points", "max_points", "declared_max", "undetermined_points")
        )

    def explain(self, code: str, language: str = "vi") -> str:
        """One node's explanation with its inputs and evidence, as text lines."""
        node = self.node(code)
        en = language == "en"
        lines = [f"{node.code} {node.title}"]
        status = node.status.value if en else STATUS_VI[node.status]
        lines.append(
            f"  {'Points' if en else 'Điểm'}: {format_points(node.points)}"
            f"/{format_points(node.max_points)} ({status})"
            + (
                f" — {'provisional values' if en else 'giá trị tạm tính'}"
                if node.provisional
                else ""
            )
        )
        if node.rule_text:
            lines.append(f"  {'Rule' if en else 'Cách tính'}: {node.rule_text}")
        lines.append("  → " + (node.explanation_en if en else node.explanation))
        if node.applicability_note:
            lines.append(f"  {'Applies' if en else 'Áp dụng'}: {node.applicability_note}")
        if node.inputs:
            lines.append("  " + ("Inputs:" if en else "Số liệu:"))
            lines += [f"    - {i.label} ({i.name}): {i.display}" for i in node.inputs]
        if node.missing:
            lines.append(
                "  " + ("Missing:" if en else "Thiếu số liệu:") + " " + ", ".join(node.missing)
            )
        documents = {d.id: d for d in self.documents}
        if node.evidence:
            lines.append("  " + ("Evidence:" if en else "Tài liệu kiểm chứng:"))
            for doc_id in node.evidence:
                doc = documents.get(doc_id)
                if doc is None:
                    continue
                lines.append(f"    - {doc.describe()}")
        if node.evidence_missing:
            lines.append(
                "  "
                + ("Expected evidence not supplied:" if en else "TLKC cần có nhưng chưa cung cấp:")
            )
            lines += [f"    - {e}" for e in node.evidence_expected]
        return "\n".join(lines)

    def summary_line(self, language: str = "vi") -> str:
        """Total, index and band in one sentence."""
        en = language == "en"
        index = "?" if self.index is None else format_decimal(self.index, 2) + "%"
        band = (
            band_name(self.band, language)
            if self.band
            else ("undetermined" if en else "chưa xác định")
        )
        text = (
            f"{'Total' if en else 'Tổng điểm'} {format_points(self.total)}/"
            f"{format_points(self.max_points)} · {'index' if en else 'chỉ số'} {index} · {band}"
        )
        if not self.complete:
            text += f" · {format_points(self.undetermined_points)} " + (
                "points undetermined (missing inputs)"
                if en
                else "điểm chưa xác định (thiếu số liệu)"
            )
        text += f" · {format_points(self.provisional_points)} " + (
            "points rest on provisional values" if en else "điểm dựa trên giá trị tạm tính"
        )
        return text

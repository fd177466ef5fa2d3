"""The criteria set: an inert, declarative description of a PAR INDEX tree.

These pydantic models are the file format (see ``docs/criteria-format.md``). They
hold text and numbers only: expressions are compiled by :mod:`parindex.loader`
and evaluated by the engine, never here. Every model forbids unknown keys, and
every node and rule carries an explicit ``kind``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from decimal import Decimal
from enum import StrEnum
from typing import TYPE_CHECKING, Annotated, Any, Literal

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, PlainSerializer, PrivateAttr

from parindex.numbers import parse_date, parse_decimal

if TYPE_CHECKING:
    from parindex.compiler import CompiledSet

__all__ = [
    "Aggregation",
    "BandsRule",
    "BonusRule",
    "CheckRule",
    "ClassBand",
    "Constraint",
    "CriteriaSet",
    "DeadlineRule",
    "DeductionRule",
    "ExpressionRule",
    "Fact",
    "Input",
    "InputType",
    "Level",
    "LevelsRule",
    "Node",
    "NodeKind",
    "PenaltyRule",
    "ProportionalRule",
    "Provenance",
    "QuarterlySchedule",
    "Rule",
    "Source",
    "SurveyRule",
    "ThresholdRule",
    "UnitLevel",
]


def _points(value: object) -> Decimal:
    result = parse_decimal(value)
    if result < 0:
        raise ValueError(f"điểm không được âm: {value!r}")
    return result


def _date(value: object) -> dt.date:
    return parse_date(value)


Points = Annotated[
    Decimal,
    BeforeValidator(_points),
    PlainSerializer(str, return_type=str, when_used="json"),
    Field(json_schema_extra={"type": ["number", "string"], "pattern": r"^\d+([.,]\d+)?$"}),
]
"""Non-negative decimal points; ``0.5`` and ``"0,5"`` both accepted."""

Number = Annotated[
    Decimal,
    BeforeValidator(parse_decimal),
    PlainSerializer(str, return_type=str, when_used="json"),
    Field(json_schema_extra={"type": ["number", "string"]}),
]
Date = Annotated[
    dt.date,
    BeforeValidator(_date),
    Field(json_schema_extra={"type": "string", "description": "dd/mm/yyyy hoặc yyyy-mm-dd"}),
]
Expr = Annotated[
    str,
    Field(
        min_length=1,
        description="Biểu thức trên các đầu vào đã khai báo, ví dụ "
        "'percent(ho_so_dung_han, ho_so_tiep_nhan, 100)'.",
    ),
]
Name = Annotated[str, Field(pattern=r"^[a-z][a-z0-9_]{0,62}$")]


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=False)


class UnitLevel(StrEnum):
    """Administrative level a set applies to."""

    SO = "so"  # sở, ban, ngành (department)
    HUYEN = "huyen"  # huyện (district; abolished in 2025)
    XA = "xa"  # xã, phường (commune, ward)


class Source(_Model):
    """A document that the set, or one of its numbers, is taken from."""

    id: Annotated[str, Field(min_length=1)]
    title: str
    issuer: str | None = None
    number: str | None = Field(default=None, description="Số, ký hiệu, ví dụ 2183/QĐ-UBND")
    date: Date | None = None
    note: str | None = None


class Provenance(_Model):
    """Where a node's points and thresholds come from.

    ``stated``: a named source states them (``source`` must name one of the set's
    sources). ``provisional``: no source states them; ``rationale`` says in one
    line why this value was chosen. Outputs count the points resting on these.
    """

    status: Literal["stated", "provisional"]
    source: str | None = None
    rationale: str | None = None
    note: str | None = None


class ClassBand(_Model):
    """A classification group, e.g. ``Nhóm I`` for ``từ 90% trở lên``."""

    label: str
    range: str = Field(description="Khoảng chỉ số (%) như văn bản viết: 'từ 80% đến dưới 90%'")
    level: UnitLevel | None = Field(
        default=None,
        description="Cấp áp dụng (so, huyen, xa); bỏ trống: mọi cấp không có nhóm riêng",
    )


class InputType(StrEnum):
    """Types of a declared input (metric)."""

    COUNT = "count"  # whole number ≥ 0
    RATIO = "ratio"  # 0 … 1
    PERCENT = "percent"  # 0 … 100
    AMOUNT = "amount"  # decimal (money, minutes …)
    DATE = "date"
    YES_NO = "yes_no"
    ENUM = "enum"


class Input(_Model):
    """A metric a unit reports: a count, a ratio, a date, a yes/no, a choice …"""

    name: Name
    type: InputType
    label: str = Field(description="Nhãn tiếng Việt")
    unit: str | None = None
    choices: dict[Name, str] | None = Field(
        default=None, description="Với type=enum: mã → nhãn tiếng Việt"
    )
    min: Number | None = None
    max: Number | None = None
    note: str | None = None


class Fact(_Model):
    """A yes/no fact about the unit that decides applicability (e.g. has ĐVSNCL)."""

    name: Name
    label: str
    note: str | None = None


class Constraint(_Model):
    """A relation the inputs must satisfy, e.g. ``ho_so_dung_han <= ho_so_tiep_nhan``."""

    rule: Expr
    message: str


# --- rules -------------------------------------------------------------------------


class _Rule(_Model):
    text: str | None = Field(default=None, description="Cách tính điểm, như văn bản viết")
    provenance: Provenance | None = Field(
        default=None, description="Nguồn của ngưỡng; mặc định theo nút"
    )


class CheckRule(_Rule):
    """Yes/no checklist: full points when ``value`` is true, else 0."""

    kind: Literal["check"]
    value: Expr


class Band(_Model):
    """One band: the range as the legal text writes it, and its points."""

    when: str = Field(description="Ví dụ 'từ 80% đến dưới 100%'")
    points: Points


class BandsRule(_Rule):
    """Points by the band that ``value`` falls in; bands must tile ``domain``."""

    kind: Literal["bands"]
    value: Expr
    bands: Annotated[list[Band], Field(min_length=1)]
    domain: str | None = Field(
        default=None, description="Miền giá trị; mặc định theo kiểu đầu vào (percent: 0–100)"
    )
    unit: str | None = Field(default=None, description="Đơn vị khi hiển thị, ví dụ '%'")


class ThresholdRule(_Rule):
    """Full points when ``value`` is in ``when`` (``"trên 30%"``), else ``otherwise``."""

    kind: Literal["threshold"]
    value: Expr
    when: str
    otherwise: Points = Decimal(0)
    unit: str | None = None


class ProportionalRule(_Rule):
    """``points = max × min(value ÷ target, 1)``, never below 0."""

    kind: Literal["proportional"]
    value: Expr
    target: Number = Decimal(1)
    unit: str | None = None


class QuarterlySchedule(_Model):
    """Per-quarter due dates: ``day`` of the ``month`` (1–3) of each quarter of ``year``."""

    year: Annotated[int, Field(ge=1990, le=2100)]
    day: Annotated[int, Field(ge=1, le=31)]
    month: Annotated[int, Field(ge=1, le=3)] = 3


class DeadlineRule(_Rule):
    """Done on or before a date.

    One deadline: ``value`` (a date expression) and ``due``. Per quarter:
    ``values`` (four date expressions, quarters I–IV) and ``quarterly``. With
    ``scoring: all`` every report must be on time for the points; with ``each``
    every on-time report earns an equal share.
    """

    kind: Literal["deadline"]
    value: Expr | None = None
    due: Date | None = None
    values: list[Expr] | None = None
    quarterly: QuarterlySchedule | None = None
    inclusive: bool = Field(default=True, description="Đúng ngày hạn vẫn là đúng hạn")
    scoring: Literal["all", "each"] = "all"


class Level(_Model):
    """One level of a ``levels`` rule: a choice of the enum input and its points."""

    value: Name
    points: Points
    title: str | None = None


class LevelsRule(_Rule):
    """Points by the level reached (``value`` is an enum input); every choice listed."""

    kind: Literal["levels"]
    value: Expr
    levels: Annotated[list[Level], Field(min_length=1)]


class DeductionRule(_Rule):
    """Start from the maximum, take ``per`` off for each occurrence, floor at 0."""

    kind: Literal["deduction"]
    value: Expr
    per: Points


class SurveyRule(_Rule):
    """Scored by the sociological survey (XHH), not self-scored."""

    kind: Literal["survey"]


class BonusRule(_Rule):
    """Bonus points (điểm cộng) from ``value``, capped at the node's maximum.

    A bonus node adds to its parent's points but not to its maximum.
    """

    kind: Literal["bonus"]
    value: Expr


class PenaltyRule(_Rule):
    """Penalty points (điểm trừ) from ``value``, capped at the node's maximum; subtracted."""

    kind: Literal["penalty"]
    value: Expr


class ExpressionRule(_Rule):
    """Free expression for the points, clamped to [0, maximum]."""

    kind: Literal["expression"]
    value: Expr


Rule = Annotated[
    CheckRule
    | BandsRule
    | ThresholdRule
    | ProportionalRule
    | DeadlineRule
    | LevelsRule
    | DeductionRule
    | SurveyRule
    | BonusRule
    | PenaltyRule
    | ExpressionRule,
    Field(discriminator="kind"),
]


class NodeKind(StrEnum):
    """Place of a node in the tree."""

    AREA = "area"  # lĩnh vực
    CRITERION = "criterion"  # tiêu chí
    SUB_CRITERION = "sub_criterion"  # tiêu chí thành phần
    ITEM = "item"  # nội dung (un-coded row of the seed)


class Aggregation(StrEnum):
    """How a parent combines its children's points.

    ``sum``: children's maxima add up to the parent's. ``capped_sum``: they add up to
    more, and the sum is capped at the parent's maximum. ``max``: the children are
    alternatives (e.g. an initiative recognised at one of three levels) and the best
    one counts; each child's maximum is at most the parent's.
    """

    SUM = "sum"
    CAPPED_SUM = "capped_sum"
    MAX = "max"


class Node(_Model):
    """An area, criterion, sub-criterion or item of the tree."""

    code: Annotated[str, Field(pattern=r"^[0-9A-Za-z]+(\.[0-9A-Za-z]+)*$")]
    kind: NodeKind
    title: Annotated[str, Field(min_length=1)]
    max_points: Points
    rule: Rule | None = None
    children: list[Node] = Field(default_factory=list)
    aggregation: Aggregation = Aggregation.SUM
    applies_if: Expr | None = Field(
        default=None, description="Điều kiện áp dụng, ví dụ 'co_dvsncl'"
    )
    applicability_note: str | None = Field(
        default=None, description="Như văn bản viết: 'Áp dụng đối với cơ quan có ĐVSNCL'"
    )
    provenance: Provenance | None = Field(
        default=None, description="Nguồn của số điểm; mặc định theo nút cha"
    )
    evidence: list[str] = Field(default_factory=list, description="Sản phẩm / TLKC cần có")
    deadline: str | None = Field(default=None, description="Thời gian hoàn thành, nguyên văn")
    in_charge: str | None = Field(default=None, description="Đơn vị chủ trì")
    assisting: list[str] = Field(default_factory=list, description="Đơn vị phối hợp")
    funding: str | None = Field(default=None, description="Nguồn kinh phí")
    note: str | None = Field(default=None, description="Ghi chú")

    @property
    def is_leaf(self) -> bool:
        return not self.children

    def walk(self) -> Iterator[Node]:
        """This node and its descendants, in tree order."""
        yield self
        for child in self.children:
            yield from child.walk()


class CriteriaSet(_Model):
    """A whole criteria set, as read from one file."""

    format: Literal["parindex.criteria/1"] = Field(description="Phiên bản định dạng tệp tiêu chí")
    id: Annotated[str, Field(pattern=r"^[a-z0-9][a-z0-9._-]*$")]
    title: str
    province: str
    levels: Annotated[list[UnitLevel], Field(min_length=1)]
    year: Annotated[int, Field(ge=1990, le=2100)]
    sources: list[Source] = Field(default_factory=list)
    total_max: Points
    survey_max: Points = Decimal(0)
    precision: Number = Field(
        default=Decimal("0.01"), description="Bước làm tròn điểm của mỗi nút lá (nửa lên)"
    )
    classification: list[ClassBand] = Field(default_factory=list)
    provenance: Provenance | None = Field(
        default=None, description="Nguồn mặc định cho mọi nút không tự khai"
    )
    facts: list[Fact] = Field(default_factory=list)
    inputs: list[Input] = Field(default_factory=list)
    constraints: list[Constraint] = Field(default_factory=list)
    nodes: Annotated[list[Node], Field(min_length=1)]
    note: str | None = None

    _compiled: CompiledSet | None = PrivateAttr(default=None)
    _file: str | None = PrivateAttr(default=None)
    _digest: str | None = PrivateAttr(default=None)

    def _attach(self, compiled: CompiledSet, file: str | None, canonical: str) -> None:
        import hashlib

        self._compiled = compiled
        self._file = file
        self._digest = hashlib.sha256(canonical.encode("utf-8")).hexdigest()

    @property
    def compiled(self) -> CompiledSet:
        """The compiled rules (compiled on first use for a set built in Python)."""
        if self._compiled is None:
            from parindex.compiler import compile_set
            from parindex.errors import CriteriaError, Problem

            compiled, issues = compile_set(self)
            if issues:
                raise CriteriaError(
                    Problem(
                        kind=i.kind,
                        message=i.message,
                        message_en=i.message_en,
                        code=i.code,
                        field=".".join(map(str, i.path)),
                        text=i.text,
                        allowed=i.allowed,
                    )
                    for i in issues
                )
            self._attach(compiled, None, self.model_dump_json())
        assert self._compiled is not None
        return self._compiled

    @property
    def file(self) -> str | None:
        """The file this set was loaded from, if any."""
        return self._file

    @property
    def digest(self) -> str:
        """SHA-256 of the set's content (recorded in exported workbooks)."""
        if self._digest is None:
            _ = self.compiled
        assert self._digest is not None
        return self._digest

    def walk(self) -> Iterator[Node]:
        """Every node in tree order."""
        for node in self.nodes:
            yield from node.walk()

    def node(self, code: str) -> Node:
        """The node with this code; ``KeyError`` names close codes."""
        for node in self.walk():
            if node.code == code:
                return node
        raise KeyError(code)

    @classmethod
    def json_schema(cls) -> dict[str, Any]:
        """The JSON Schema of the file format, for editors."""
        schema = cls.model_json_schema(mode="validation")
        schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
        schema["$id"] = "https://parindex.invalid/schema/criteria-1.json"
        return schema

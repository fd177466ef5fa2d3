"""The criteria set: an inert, declarative description of a PAR INDEX tree.

These pydantic models are the file format (see ``docs/criteria-format.md``). They
hold text and numbers only: expressions are compiled by :mod:`parindex.loader`
and evaluated by the engine, never here. Every model forbids unknown keys, and
every node and rule carries an explicit ``kind``.
"""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal
from enum import StrEnum
from typing import TYPE_CHECKING, Annotated, Any, Literal, get_args

from pydantic import Field, GetCoreSchemaHandler, PrivateAttr
from pydantic_core import core_schema

from parindex.rules import rule_union
from parindex.rules._model import (
    Date,
    ExprText,
    InputType,
    Name,
    Number,
    Points,
    Provenance,
    RuleModel,
    no_items,
)
from parindex.rules._model import (
    Model as _Model,
)
from parindex.rules.bands import Band, BandsRule
from parindex.rules.bonus import BonusRule, PenaltyRule
from parindex.rules.check import CheckRule
from parindex.rules.deadline import DeadlineRule, QuarterlySchedule
from parindex.rules.deduction import DeductionRule
from parindex.rules.expression import ExpressionRule
from parindex.rules.levels import Level, LevelsRule
from parindex.rules.proportional import ProportionalRule
from parindex.rules.survey import SurveyRule
from parindex.rules.threshold import ThresholdRule

if TYPE_CHECKING:
    from parindex.compiler import CompiledSet

__all__ = [
    "Aggregation",
    "Band",
    "BandsRule",
    "BonusRule",
    "CheckRule",
    "ClassBand",
    "Constraint",
    "CriteriaSet",
    "Date",
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
    "Number",
    "PenaltyRule",
    "Points",
    "ProportionalRule",
    "Provenance",
    "QuarterlySchedule",
    "Rule",
    "Source",
    "SurveyRule",
    "ThresholdRule",
    "UnitLevel",
    "rebuild",
]


Expr = ExprText


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


class ClassBand(_Model):
    """A classification group, e.g. ``Nhóm I`` for ``từ 90% trở lên``."""

    label: str
    range: str = Field(description="Khoảng chỉ số (%) như văn bản viết: 'từ 80% đến dưới 90%'")
    level: UnitLevel | None = Field(
        default=None,
        description="Cấp áp dụng (so, huyen, xa); bỏ trống: mọi cấp không có nhóm riêng",
    )


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


# --- rules: one module per kind in parindex.rules; the union is built from its registry ---


class _Registered:
    """Marks the ``rule`` of a node: validated by the models of the kinds registered when
    the file format's models were built (:func:`rebuild`), told apart by ``kind``."""

    def current(self) -> Any:
        """The type a rule is validated as now: the union of the registered kinds' models
        (what the loader follows to find the model holding a key)."""
        return rule_union()

    def __get_pydantic_core_schema__(
        self, source: Any, handler: GetCoreSchemaHandler
    ) -> core_schema.CoreSchema:
        return handler.generate_schema(self.current())


if TYPE_CHECKING:
    Rule = RuleModel
else:
    Rule = Annotated[get_args(rule_union())[0], _Registered()]
"""Any rule: the models of :data:`parindex.rules.REGISTRY`, told apart by ``kind``
(the type names the shipped kinds; a node validates by every kind registered)."""


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
    children: list[Node] = Field(default_factory=no_items)
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
    evidence: list[str] = Field(default_factory=no_items, description="Sản phẩm / TLKC cần có")
    deadline: str | None = Field(default=None, description="Thời gian hoàn thành, nguyên văn")
    in_charge: str | None = Field(default=None, description="Đơn vị chủ trì")
    assisting: list[str] = Field(default_factory=no_items, description="Đơn vị phối hợp")
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
    sources: list[Source] = Field(default_factory=no_items)
    total_max: Points
    survey_max: Points = Decimal(0)
    precision: Number = Field(
        default=Decimal("0.01"), description="Bước làm tròn điểm của mỗi nút lá (nửa lên)"
    )
    classification: list[ClassBand] = Field(default_factory=no_items)
    provenance: Provenance | None = Field(
        default=None, description="Nguồn mặc định cho mọi nút không tự khai"
    )
    facts: list[Fact] = Field(default_factory=no_items)
    inputs: list[Input] = Field(default_factory=no_items)
    constraints: list[Constraint] = Field(default_factory=no_items)
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

    def _private(self, name: str) -> Any:
        """A private attribute, read without pydantic's ``__getattr__``: a plain
        ``self._compiled`` first fails as an instance attribute, then pydantic's hook asks
        the attribute's descriptor (some 55 000 instructions a read; the engine and the
        review read the set's compiled rules and digest a few times a unit)."""
        private = self.__pydantic_private__
        return getattr(self, name) if private is None else private.get(name)

    @property
    def compiled(self) -> CompiledSet:
        """The compiled rules (compiled on first use for a set built in Python)."""
        compiled: CompiledSet | None = self._private("_compiled")
        if compiled is not None:
            return compiled
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
        file: str | None = self._private("_file")
        return file

    @property
    def digest(self) -> str:
        """SHA-256 of the set's content (recorded in exported workbooks)."""
        digest: str | None = self._private("_digest")
        if digest is not None:
            return digest
        if self._digest is None:
            _ = self.compiled
        assert self._digest is not None
        return self._digest

    def walk(self) -> Iterator[Node]:
        """Every node in tree order."""
        for node in self.nodes:
            yield from node.walk()

    def node(self, code: str) -> Node:
        """The node with this code (``KeyError(code)`` if none). Once the set is
        compiled, one lookup in its index of nodes (a walk of the tree cost a unit's check
        some 500 generator steps for the survey's criteria, last in the tree)."""
        compiled: CompiledSet | None = self._private("_compiled")
        if compiled is not None:
            entry = compiled.nodes.get(code)
            if entry is not None and entry.node.code == code:
                return entry.node
        for node in self.walk():
            if node.code == code:
                return node
        raise KeyError(code)

    def __repr__(self) -> str:
        from parindex.notebook import criteria_repr

        return criteria_repr(self)

    def __str__(self) -> str:
        return repr(self)

    def _repr_html_(self) -> str:
        from parindex.notebook import criteria_html

        return criteria_html(self)

    @classmethod
    def json_schema(cls) -> dict[str, Any]:
        """The JSON Schema of the file format, for editors."""
        schema = cls.model_json_schema(mode="validation")
        schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
        schema["$id"] = "https://parindex.invalid/schema/criteria-1.json"
        return schema


def rebuild() -> None:
    """Build the file format's models again after the registered kinds changed
    (:func:`parindex.rules.register`): a node's ``rule`` then takes exactly those kinds."""
    Node.model_rebuild(force=True)
    CriteriaSet.model_rebuild(force=True)

"""Field types and the base model shared by the criteria file and the rule kinds.

Kept apart from :mod:`parindex.criteria` so that each rule kind's module can declare
its model without importing the whole file format (which imports the kinds).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from enum import StrEnum
from typing import Annotated, Any, Literal

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, PlainSerializer

from parindex.numbers import parse_date, parse_decimal

__all__ = [
    "Date",
    "ExprText",
    "InputType",
    "Model",
    "Name",
    "Number",
    "Points",
    "Provenance",
    "RuleModel",
    "no_items",
]


def no_items() -> list[Any]:
    """A new empty list: the default of a list field (``Field(default_factory=no_items)``).

    Not ``list`` itself: pydantic reads a default factory's signature when it builds a
    model's validator, and the signature of a builtin such as ``list`` is parsed from its
    text with :mod:`tokenize` (the tokenizer's patterns compiled the first time): about
    10 ms of CPU of a one-unit ``score``, for the submission's and the report's lists.
    """
    return []


_POINTS_READ: dict[str, Decimal] = {}
"""Points written as text, read once: a submission writes ``"0.50"``, ``"1.00"`` … about a
hundred times (one a self-score), and pydantic calls :func:`_points` for each. Only texts
that read as points are kept (a refused one raises every time); a Decimal is immutable."""
_POINTS_MOST = 4096


def _points(value: object) -> Decimal:
    if type(value) is str:
        known = _POINTS_READ.get(value)
        if known is not None:
            return known
    result = parse_decimal(value)
    if result < 0:
        raise ValueError(f"điểm không được âm: {value!r}")
    if type(value) is str and len(_POINTS_READ) < _POINTS_MOST:
        _POINTS_READ[value] = result
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
ExprText = Annotated[
    str,
    Field(
        min_length=1,
        description="Biểu thức trên các đầu vào đã khai báo, ví dụ "
        "'percent(ho_so_dung_han, ho_so_tiep_nhan, 100)'.",
    ),
]
Name = Annotated[str, Field(pattern=r"^[a-z][a-z0-9_]{0,62}$")]


class Model(BaseModel):
    model_config = ConfigDict(
        defer_build=True, extra="forbid", frozen=True, str_strip_whitespace=False
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


class Provenance(Model):
    """Where a node's points and thresholds come from.

    ``stated``: a named source states them (``source`` must name one of the set's
    sources). ``provisional``: no source states them; ``rationale`` says in one
    line why this value was chosen. Outputs count the points resting on these.
    """

    status: Literal["stated", "provisional"]
    source: str | None = None
    rationale: str | None = None
    note: str | None = None


class RuleModel(Model):
    """Fields every rule kind has; each kind's model narrows ``kind`` and adds its own."""

    kind: str
    text: str | None = Field(default=None, description="Cách tính điểm, như văn bản viết")
    provenance: Provenance | None = Field(
        default=None, description="Nguồn của ngưỡng; mặc định theo nút"
    )

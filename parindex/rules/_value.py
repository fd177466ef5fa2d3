"""The compiled form shared by kinds that read one expression (``value``)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from parindex.expressions import CompiledExpression
from parindex.rules._base import CompiledRule

__all__ = ["CompiledValue"]


@dataclass(frozen=True)
class CompiledValue(CompiledRule):
    """A rule reading one compiled expression, ``value``."""

    kind: ClassVar[str] = ""
    value: CompiledExpression

    @property
    def expressions(self) -> tuple[CompiledExpression, ...]:
        return (self.value,)

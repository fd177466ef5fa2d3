"""Errors a person can act on.

Every problem names the file, the line, the criterion code, the field and the
offending text, with what was allowed. Loaders collect all problems of a file and
raise them together as one :class:`ParindexError` subclass; ``to_frame()`` gives
them as a table.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import pandas as pd

__all__ = [
    "CriteriaError",
    "EvaluationError",
    "ExpressionError",
    "MappingError",
    "ParindexError",
    "Problem",
    "ProblemsError",
    "SubmissionError",
    "SyntheticError",
    "did_you_mean",
]


def did_you_mean(word: str, options: Iterable[str], n: int = 2, language: str = "vi") -> str:
    """``"; có phải ý bạn là a hoặc b?"`` for the options close to ``word``, else ``""``."""
    import difflib  # only when a word is not known: not on a good file's path

    close = difflib.get_close_matches(word, list(options), n=n)
    if close and language == "en":
        return f"; did you mean {' or '.join(close)}?"
    return f"; có phải ý bạn là {' hoặc '.join(close)}?" if close else ""


@dataclass(frozen=True)
class Problem:
    """One problem found in an input file.

    ``kind`` is a stable identifier of the class of problem (``unknown_key``,
    ``sum_mismatch`` …); ``message`` is Vietnamese, ``message_en`` English.
    """

    kind: str
    message: str
    message_en: str = ""
    file: str | None = None
    line: int | None = None
    code: str | None = None
    field: str | None = None
    text: str | None = None
    allowed: tuple[str, ...] = dataclasses.field(default_factory=tuple)

    def describe(self, language: str = "vi") -> str:
        """One line: ``file:line [code] field: message (text) — allowed: …``."""
        where = self.file or "?"
        if self.line is not None:
            where += f":{self.line}"
        parts = [where]
        if self.code:
            parts.append(f"[{self.code}]")
        if self.field:
            parts.append(f"{self.field}:")
        message = self.message_en if language == "en" and self.message_en else self.message
        parts.append(message)
        if self.text is not None and self.text not in message:
            parts.append(f"({self.text!r})" if len(self.text) <= 120 else f"({self.text[:117]!r}…)")
        line = " ".join(parts)
        if self.allowed:
            label = "allowed" if language == "en" else "cho phép"
            shown = ", ".join(self.allowed[:25]) + (" …" if len(self.allowed) > 25 else "")
            line += f" — {label}: {shown}"
        return line

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["allowed"] = list(self.allowed)
        return data


class ParindexError(Exception):
    """Base of every error parindex raises on purpose."""


class ProblemsError(ParindexError):
    """An error made of one or more :class:`Problem`."""

    title_vi = "Có lỗi"
    title_en = "Problems found"

    def __init__(self, problems: Iterable[Problem]) -> None:
        self.problems: tuple[Problem, ...] = tuple(problems)
        super().__init__(self.describe())

    def describe(self, language: str = "vi") -> str:
        title = self.title_en if language == "en" else self.title_vi
        lines = [f"{title} ({len(self.problems)}):"]
        lines += [f"  {p.describe(language)}" for p in self.problems]
        return "\n".join(lines)

    def to_frame(self) -> pd.DataFrame:
        """The problems as a table, one row each."""
        import pandas as pd

        columns = ["file", "line", "code", "field", "kind", "message", "text", "allowed"]
        rows = [{k: v for k, v in p.to_dict().items() if k in columns} for p in self.problems]
        return pd.DataFrame(rows, columns=columns)

    def kinds(self) -> Sequence[str]:
        return [p.kind for p in self.problems]


class CriteriaError(ProblemsError):
    """A criteria file is not valid; ``problems`` lists every problem found."""

    title_vi = "Tệp tiêu chí không hợp lệ"
    title_en = "Invalid criteria file"


class SubmissionError(ProblemsError):
    """A unit's submission is not valid; ``problems`` lists every problem found."""

    title_vi = "Hồ sơ tự đánh giá không hợp lệ"
    title_en = "Invalid submission"


class MappingError(ProblemsError):
    """A code mapping between two sets is not valid; ``problems`` lists every problem found."""

    title_vi = "Tệp đối chiếu mã tiêu chí không hợp lệ"
    title_en = "Invalid code mapping file"


class ExpressionError(ParindexError):
    """An expression was refused when it was compiled."""

    def __init__(
        self,
        message: str,
        message_en: str,
        text: str,
        *,
        kind: str = "expression",
        allowed: Sequence[str] = (),
        column: int | None = None,
    ) -> None:
        self.message = message
        self.message_en = message_en
        self.text = text
        self.kind = kind
        self.allowed = tuple(allowed)
        self.column = column
        super().__init__(f"{message}: {text!r}")


class EvaluationError(ParindexError):
    """An expression could not be evaluated on a unit's values (e.g. division by zero)."""


class SyntheticError(ParindexError):
    """Synthetic units cannot be built for a set (e.g. a constraint of an unsupported shape)."""

    def __init__(self, message: str, message_en: str) -> None:
        self.message = message
        self.message_en = message_en
        super().__init__(message)

"""A submission in its user's terms: labels, names and values written the Vietnamese way.

Hypothesis prints a failing example with ``repr``; the submissions that
:func:`parindex.testing.submissions` builds are :class:`GeneratedSubmission` objects whose
``repr`` is :func:`describe_submission`, so a counterexample reads like a score sheet:
``Số hồ sơ tiếp nhận (ho_so_tiep_nhan): 12`` rather than ``{'ho_so_tiep_nhan': 12, …}``.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from pydantic import PrivateAttr

from parindex.criteria import CriteriaSet, Input, InputType
from parindex.errors import SubmissionError
from parindex.expressions import Value
from parindex.loader import SourceMap
from parindex.numbers import format_decimal, parse_decimal
from parindex.report import format_points
from parindex.rules._explain import display
from parindex.submission import CheckedSubmission, Submission, check_submission

__all__ = ["GeneratedSubmission", "describe_submission", "describe_value"]


def describe_value(value: Any, spec: Input | None = None) -> str:
    """One value as a score sheet writes it: ``0,5``, ``80%``, ``31/12/2022``, ``có``; a
    number to its last digit and an enum choice with its code (a counterexample must be exact;
    :func:`parindex.rules._explain.display` rounds to hundredths)."""
    kind = spec.type if spec is not None else None
    if value is None:
        return "(thiếu)"
    if isinstance(value, bool | dt.date):  # as every explanation says it
        return display(value, kind)
    if isinstance(value, str) and kind == InputType.ENUM and spec is not None:
        return f"{(spec.choices or {}).get(value, value)} ({value})"
    if isinstance(value, int | Decimal | float) or (
        isinstance(value, str) and kind not in (InputType.ENUM, InputType.DATE, None)
    ):
        try:
            number = parse_decimal(value)
        except ValueError:
            return str(value)
        text = format_decimal(number)
        if kind == InputType.PERCENT:
            return f"{text}%"
        if spec is not None and spec.unit and spec.unit != "%":
            return f"{text} {spec.unit}"
        return text
    return str(value)


def describe_submission(
    criteria: CriteriaSet, submission: Submission | CheckedSubmission, names: Any = None
) -> str:
    """The unit, its facts, values, survey results and self-scores, one line each.

    ``names`` limits the values shown (e.g. to the inputs of one criterion).
    """
    checked = submission if isinstance(submission, CheckedSubmission) else None
    raw = checked.submission if checked is not None else submission
    assert isinstance(raw, Submission)
    values: dict[str, Value | Any]
    if checked is None:
        try:
            checked = check_submission(criteria, raw)
        except SubmissionError:
            checked = None
    values = dict(checked.values) if checked is not None else {**raw.values, **raw.unit.facts}
    wanted = None if names is None else set(names)
    unit = raw.unit
    lines = [f"Đơn vị: {unit.name} [{unit.id}], cấp {unit.level.value}, năm {raw.year}"]
    facts = [f for f in criteria.facts if wanted is None or f.name in wanted]
    if facts:
        lines.append("Thông tin đơn vị:")
        for fact in facts:
            lines.append(f"  - {fact.label} ({fact.name}): {describe_value(values.get(fact.name))}")
    inputs = [i for i in criteria.inputs if wanted is None or i.name in wanted]
    given = [i for i in inputs if i.name in values]
    if given:
        lines.append("Số liệu:")
        for spec in given:
            lines.append(
                f"  - {spec.label} ({spec.name}): {describe_value(values[spec.name], spec)}"
            )
    absent = [i.name for i in inputs if i.name not in values]
    if absent:
        lines.append("Không khai (thiếu): " + ", ".join(absent))
    if raw.survey and wanted is None:
        lines.append(
            "Điều tra XHH: "
            + "; ".join(f"{code} = {format_points(p)}" for code, p in raw.survey.items())
        )
    if raw.self_scores and wanted is None:
        lines.append(
            "Tự chấm: "
            + "; ".join(
                f"{code} = {format_points(s.points)}" for code, s in raw.self_scores.items()
            )
        )
    return "\n".join(lines)


class GeneratedSubmission(Submission):
    """A submission built by :func:`parindex.testing.submissions`; its ``repr`` is readable."""

    _criteria: CriteriaSet | None = PrivateAttr(default=None)

    @classmethod
    def build(cls, criteria: CriteriaSet, data: dict[str, Any]) -> GeneratedSubmission:
        submission = cls.model_validate(data)
        submission._source = SourceMap("<hypothesis>", data, {})
        submission._criteria = criteria
        return submission

    def __repr__(self) -> str:
        if self._criteria is None:
            return super().__repr__()
        return "\n" + describe_submission(self._criteria, self) + "\n"

    def _repr_pretty_(self, printer: Any, cycle: bool) -> None:
        printer.text(repr(self))

"""Short representations for notebooks and consoles: a line for ``repr``, a small table for HTML.

A criteria set, a score report and a review are large trees; their default pydantic
repr ran to 150 kB. These stay under 1 kB (long titles are cut with "…") and say
where the whole is: ``report.explain(code)``, ``report.to_frame()``,
``review.to_frame()``. Vietnamese first, like every output.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from html import escape
from typing import TYPE_CHECKING

from parindex.numbers import format_decimal

if TYPE_CHECKING:
    from parindex.criteria import CriteriaSet
    from parindex.report import ScoreReport
    from parindex.review import Review

__all__ = [
    "criteria_html",
    "criteria_repr",
    "report_html",
    "report_repr",
    "review_html",
    "review_repr",
    "short",
]

_LIMIT = 1000
"""Every representation is cut to fit this many bytes of UTF-8."""
_STYLE = "border-collapse:collapse;font-size:90%"


def short(text: str, width: int = 40) -> str:
    """``text`` cut to ``width`` characters with "…"."""
    return text if len(text) <= width else text[: width - 1].rstrip() + "…"


def _points(value: Decimal | None) -> str:
    from parindex.report import format_points

    return format_points(value)


def _percent(value: Decimal | None) -> str:
    return "?" if value is None else format_decimal(value, 2) + "%"


def _fit(head: str, rows: Sequence[str], tail: str) -> str:
    """``head`` + as many ``rows`` as fit under the limit (then a row saying how many were left) + ``tail``."""
    out = head
    for i, row in enumerate(rows):
        more = f"<tr><td colspan=9>… {len(rows) - i} dòng nữa</td></tr>"
        if len((out + row + more + tail).encode()) > _LIMIT:
            return out + more + tail
        out += row
    return out + tail


def _line(text: str) -> str:
    encoded = text.encode()
    if len(encoded) <= _LIMIT:
        return text
    return encoded[: _LIMIT - 4].decode(errors="ignore") + "…>"


def criteria_repr(criteria: CriteriaSet) -> str:
    compiled = criteria.compiled
    areas = compiled.children.get(None, ())
    provisional = compiled.provisional_points()
    return _line(
        f"<CriteriaSet {criteria.id} · {short(criteria.title, 60)} · {criteria.year} · "
        f"{len(areas)} lĩnh vực, {len(compiled.nodes)} nút, tối đa {_points(criteria.total_max)} điểm"
        f" ({_points(provisional)} điểm tạm tính)>"
    )


def criteria_html(criteria: CriteriaSet) -> str:
    compiled = criteria.compiled
    head = (
        f"<table style='{_STYLE}'><caption style='text-align:left'><b>{escape(criteria.id)}</b> "
        f"{escape(short(criteria.title, 50))} ({criteria.year}) · {len(compiled.nodes)} nút"
        "</caption><tr><th>Mã</th><th>Lĩnh vực</th><th>Tối đa</th></tr>"
    )
    rows = [
        f"<tr><td>{escape(c)}</td><td>{escape(short(compiled.nodes[c].node.title, 34))}</td>"
        f"<td>{_points(compiled.nodes[c].node.max_points)}</td></tr>"
        for c in compiled.children.get(None, ())
    ]
    return _fit(head, rows, "</table>")


def report_repr(report: ScoreReport) -> str:
    return _line(
        f"<ScoreReport {report.unit.id} · {short(report.unit.name, 40)} · {report.criteria_id} · "
        f"{report.summary_line()}>"
    )


def report_html(report: ScoreReport) -> str:
    index = _percent(report.index)
    head = (
        f"<table style='{_STYLE}'><caption style='text-align:left'><b>"
        f"{escape(short(report.unit.name, 40))}</b> · {_points(report.total)}/"
        f"{_points(report.max_points)} · {index} · {escape(report.band or 'chưa xác định')}"
        "</caption><tr><th>Mã</th><th>Lĩnh vực</th><th>Điểm</th><th>Tối đa</th></tr>"
    )
    rows = [
        f"<tr><td>{escape(n.code)}</td><td>{escape(short(n.title, 30))}</td>"
        f"<td>{_points(n.points)}</td><td>{_points(n.max_points)}</td></tr>"
        for n in report.areas
    ]
    return _fit(head, rows, "</table>")


def _severity_counts(review: Review) -> str:
    from parindex.review import SEVERITY_VI, Severity

    counts = {s: 0 for s in Severity}
    for finding in review.findings:
        counts[finding.severity] += 1
    return ", ".join(f"{counts[s]} {SEVERITY_VI[s]}" for s in Severity)


def review_repr(review: Review) -> str:
    return _line(
        f"<Review {review.unit_id} · {short(review.unit_name, 40)} · tự chấm "
        f"{_percent(review.self_index)} · tính lại {_percent(review.computed_index)} · "
        f"thẩm định {_percent(review.appraised_index)} · phát hiện: {_severity_counts(review)}>"
    )


def review_html(review: Review) -> str:
    head = (
        f"<table style='{_STYLE}'><caption style='text-align:left'><b>"
        f"{escape(short(review.unit_name, 40))}</b> · {_severity_counts(review)}</caption>"
        "<tr><th>Lĩnh vực</th><th>Tự chấm</th><th>Tính lại</th><th>Thẩm định</th></tr>"
    )
    rows = [
        f"<tr><td>{escape(s.code)}</td><td>{_points(s.self_score)}</td>"
        f"<td>{_points(s.computed_score)}</td><td>{_points(s.appraised_score)}</td></tr>"
        for s in review.summary
    ]
    return _fit(head, rows, "</table>")

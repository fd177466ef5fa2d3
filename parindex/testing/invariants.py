"""Invariant checks a province runs on its own criteria set.

Each check raises :class:`InvariantViolation` (an ``AssertionError`` too, so pytest shows
it as a failed assertion) with a message in the user's terms, Vietnamese first: the
criterion's code and title, the rule as written, the inputs with their labels and values
(``0,5``, ``80%``, ``31/12/2022``). Inside a Hypothesis test each check also records the
whole submission with :func:`hypothesis.note`, so the minimal failing example is printed
as a score sheet.

What each one protects against:

* :func:`check_bounds` — a score below 0 or above its maximum, an index outside 0–100.
* :func:`check_sums` — a parent that is not the sum (``capped_sum``, ``max``) of its children.
* :func:`check_not_applicable` — a criterion that does not apply but still weighs in the
  maximum, or one that applies but is dropped.
* :func:`check_monotonic` — a rule that gives fewer points for a better result (more
  dossiers on time, an earlier report), or goes up and down.
* :func:`check_band_edges` — a band edge on the wrong side (“từ 80%” written “trên 80%”),
  or the engine disagreeing with the band's own words.
* :func:`check_deterministic` — a score that changes between runs or with the order of
  the values.
* :func:`check_batch_matches`, :func:`check_excel_round_trip` — the batch path, or a
  score sheet exported to Excel and read back, disagreeing with the single-unit score.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from decimal import Decimal
from typing import Any

from parindex.compiler import CompiledNode
from parindex.criteria import Aggregation, CriteriaSet
from parindex.engine import score
from parindex.expressions import Value, evaluate
from parindex.numbers import format_decimal, quantize
from parindex.report import NodeResult, ScoreReport, Status
from parindex.rules import kind_named
from parindex.submission import CheckedSubmission, Submission, check_submission
from parindex.testing._edges import check_band_edges
from parindex.testing._monotonic import check_monotonic, monotonic_leaf
from parindex.testing._rules import band_edge_codes
from parindex.testing._violation import (
    _HUNDRED,
    _ZERO,
    Direction,
    InvariantViolation,
    _index,
    _label,
    _note,
    _pts,
    _show,
    _where,
)
from parindex.testing.describe import describe_submission, describe_value

__all__ = [
    "Direction",
    "InvariantViolation",
    "check_all",
    "check_band_edges",
    "check_batch_matches",
    "check_bounds",
    "check_deterministic",
    "check_excel_round_trip",
    "check_monotonic",
    "check_not_applicable",
    "check_sums",
]

# --- bounds, sums, applicability ----------------------------------------------------


def check_bounds(report: ScoreReport) -> None:
    """Every score within [0, its maximum] (a bonus within [0, its own cap], a penalty within
    [−cap, 0]), the total within [0, maximum], the index within 0–100 and equal to
    total ÷ maximum × 100 rounded to 2 decimals."""
    for node in report.nodes:
        vi, en = _where(node)
        points = node.points
        if node.undetermined_points < 0:
            raise InvariantViolation(
                "bounds",
                f"{vi}: điểm chưa xác định âm ({_pts(node.undetermined_points)})",
                f"{en}: negative undetermined points ({_pts(node.undetermined_points)})",
                code=node.code,
            )
        if points is None:
            continue
        outside = _outside_max(node)
        if outside > 0:  # a bonus
            low, high = _ZERO, node.declared_max
        elif outside < 0:  # a penalty
            low, high = -node.declared_max, _ZERO
        else:
            low, high = _ZERO, node.max_points
            if node.max_points > node.declared_max:
                raise InvariantViolation(
                    "bounds",
                    f"{vi}: điểm tối đa áp dụng {_pts(node.max_points)} vượt điểm tối đa khai "
                    f"báo {_pts(node.declared_max)}",
                    f"{en}: applicable maximum {_pts(node.max_points)} above the declared "
                    f"{_pts(node.declared_max)}",
                    code=node.code,
                )
        if not low <= points <= high:
            raise InvariantViolation(
                "bounds",
                f"{vi}: điểm {_pts(points)} nằm ngoài khoảng [{_pts(low)}; {_pts(high)}]",
                f"{en}: points {_pts(points)} outside [{_pts(low)}; {_pts(high)}]",
                code=node.code,
                details=[
                    node.explanation,
                    *([f"Cách tính: {node.rule_text}"] if node.rule_text else []),
                ],
            )
        if not outside and points + node.undetermined_points > high:
            raise InvariantViolation(
                "bounds",
                f"{vi}: điểm {_pts(points)} cộng {_pts(node.undetermined_points)} điểm chưa xác "
                f"định vượt điểm tối đa {_pts(high)}",
                f"{en}: points {_pts(points)} plus {_pts(node.undetermined_points)} undetermined "
                f"exceed {_pts(high)}",
                code=node.code,
            )
    total, top = report.total, report.max_points
    if not _ZERO <= total <= top or total + report.undetermined_points > top:
        raise InvariantViolation(
            "bounds",
            f"Tổng điểm {_pts(total)} (chưa xác định {_pts(report.undetermined_points)}) nằm "
            f"ngoài [0; {_pts(top)}]",
            f"Total {_pts(total)} (undetermined {_pts(report.undetermined_points)}) outside "
            f"[0; {_pts(top)}]",
        )
    if (report.index is None) != (top == 0):
        raise InvariantViolation(
            "bounds",
            f"Chỉ số {_index(report.index)} không khớp điểm tối đa áp dụng {_pts(top)}",
            f"Index {_index(report.index)} does not match the applicable maximum {_pts(top)}",
        )
    if report.index is not None:
        expected = quantize(total * _HUNDRED / top, Decimal("0.01"))
        if not _ZERO <= report.index <= _HUNDRED or report.index != expected:
            raise InvariantViolation(
                "bounds",
                f"Chỉ số {format_decimal(report.index, 2)}% khác {_pts(total)} ÷ {_pts(top)} × "
                f"100 = {format_decimal(expected, 2)}% hoặc nằm ngoài 0–100%",
                f"Index {_index(report.index)} differs from {_pts(total)} ÷ {_pts(top)} × 100 = "
                f"{_index(expected)} or lies outside 0–100%",
            )


def _outside_max(result: NodeResult) -> int:
    """+1 for points added outside the maximum (a bonus), −1 for points taken off outside
    it (a penalty), 0 for the rest: the kind's ``counts_in_max`` and ``sign``."""
    if result.rule is None:
        return 0
    kind = kind_named(result.rule)
    return 0 if kind.counts_in_max else kind.sign


def _counts(result: NodeResult) -> bool:
    return not _outside_max(result)


def check_sums(report: ScoreReport, criteria: CriteriaSet) -> None:
    """Every parent equals its children's sum — or its declared ``capped_sum`` / ``max`` —
    floored at 0 and capped at its maximum; the total equals the areas' sum."""
    by_code = {n.code: n for n in criteria.walk()}
    for result in report.nodes:
        node = by_code[result.code]
        if node.is_leaf or result.points is None or result.status == Status.NOT_APPLICABLE:
            continue
        children = [c for c in report.children(result.code) if c.status != Status.NOT_APPLICABLE]
        counted = [c for c in children if _counts(c)]
        scored = [c.points for c in children if c.points is not None]
        if node.aggregation == Aggregation.MAX:
            top = max((c.max_points for c in counted), default=_ZERO)
            raw = max(scored, default=_ZERO)
            how_vi, how_en = "cao nhất", "best"
        else:
            top = sum((c.max_points for c in counted), _ZERO)
            if node.aggregation == Aggregation.CAPPED_SUM:
                top = min(top, node.max_points)
            raw = sum(scored, _ZERO)
            how_vi = "tổng có giới hạn" if node.aggregation == Aggregation.CAPPED_SUM else "tổng"
            how_en = "capped sum" if node.aggregation == Aggregation.CAPPED_SUM else "sum"
        expected = min(max(raw, _ZERO), top)
        if result.points != expected or result.max_points != top:
            vi, en = _where(result)
            listing = "; ".join(
                f"{c.code}: {_pts(c.points)}/{_pts(c.max_points)}" for c in children
            )
            raise InvariantViolation(
                "sums",
                f"{vi}: điểm {_pts(result.points)}/{_pts(result.max_points)} khác {how_vi} các "
                f"nút con {_pts(expected)}/{_pts(top)} ({listing})",
                f"{en}: points {_pts(result.points)}/{_pts(result.max_points)} differ from the "
                f"{how_en} of its children {_pts(expected)}/{_pts(top)} ({listing})",
                code=result.code,
            )
    areas = [a for a in report.areas if a.status != Status.NOT_APPLICABLE]
    top = sum((a.max_points for a in areas), _ZERO)
    raw = sum((a.points for a in areas if a.points is not None), _ZERO)
    if report.max_points != top or report.total != min(max(raw, _ZERO), top):
        raise InvariantViolation(
            "sums",
            f"Tổng điểm {_pts(report.total)}/{_pts(report.max_points)} khác tổng các lĩnh vực "
            f"{_pts(raw)}/{_pts(top)}",
            f"Total {_pts(report.total)}/{_pts(report.max_points)} differs from the areas' sum "
            f"{_pts(raw)}/{_pts(top)}",
        )


def check_not_applicable(
    report: ScoreReport,
    criteria: CriteriaSet,
    submission: Submission | CheckedSubmission | None = None,
) -> None:
    """Criteria that do not apply leave the maximum, and only they do.

    A not-applicable node has no points, a maximum of 0 and not-applicable descendants;
    every node's applicable maximum is what its applicable children add up to (by its
    aggregation); the index stays within 0–100. With ``submission``, each ``applies_if``
    is evaluated again: false ⇒ not applicable, true ⇒ applies (unless none of its
    children do).
    """
    values: Mapping[str, Value] | None = None
    if submission is not None:
        checked = (
            submission
            if isinstance(submission, CheckedSubmission)
            else check_submission(criteria, submission)
        )
        values = checked.values
    walk = _Applicable(criteria, {n.code: n for n in report.nodes}, values)
    total = sum((walk.maximum(c, False) for c in criteria.compiled.children.get(None, ())), _ZERO)
    if report.max_points != total:
        raise InvariantViolation(
            "not_applicable",
            f"Điểm tối đa áp dụng {_pts(report.max_points)} khác tổng các phần áp dụng "
            f"{_pts(total)}",
            f"Applicable maximum {_pts(report.max_points)} differs from {_pts(total)}",
        )
    if report.index is not None and not _ZERO <= report.index <= _HUNDRED:
        raise InvariantViolation(
            "not_applicable",
            f"Chỉ số {format_decimal(report.index, 2)}% nằm ngoài 0–100%",
            f"Index {_index(report.index)} outside 0–100%",
        )


class _Applicable:
    """The walk of :func:`check_not_applicable` over one report."""

    def __init__(
        self,
        criteria: CriteriaSet,
        results: Mapping[str, NodeResult],
        values: Mapping[str, Value] | None,
    ) -> None:
        self.compiled = criteria.compiled
        self.results = results
        self.values = values

    @staticmethod
    def fail(node: NodeResult, vi: str, en: str) -> InvariantViolation:
        where_vi, where_en = _where(node)
        return InvariantViolation(
            "not_applicable", f"{where_vi}: {vi}", f"{where_en}: {en}", code=node.code
        )

    def maximum(self, code: str, inherited: bool, unsure: bool = False) -> Decimal:
        """The node's applicable maximum, checked (``unsure``: an ancestor's applicability
        is undetermined, a fact is missing)."""
        result = self.results[code]
        entry = self.compiled.nodes[code]
        values = self.values
        off = inherited or result.status == Status.NOT_APPLICABLE
        if entry.applies_if is not None and (
            values is None or not entry.applies_if.names <= values.keys()
        ):
            unsure = True
        if off:
            self.left_out(result)
        if values is not None and entry.applies_if is not None and not inherited and not unsure:
            self.condition(entry, result, values, off)
        children = self.compiled.children.get(code, ())
        parts = [self.maximum(c, off, unsure) for c in children]
        if off:
            return _ZERO
        expected = self.expected(entry, children, parts)
        if result.max_points != expected:
            raise self.fail(
                result,
                f"điểm tối đa áp dụng {_pts(result.max_points)} khác {_pts(expected)} (tổng các "
                "phần áp dụng)",
                f"applicable maximum {_pts(result.max_points)} differs from {_pts(expected)}",
            )
        return expected

    def left_out(self, result: NodeResult) -> None:
        """A node that does not apply (or whose parent does not) has no points, no maximum."""
        if result.status != Status.NOT_APPLICABLE:
            raise self.fail(
                result,
                "nút cha không áp dụng nhưng nút này vẫn được chấm",
                "its parent does not apply but it is still scored",
            )
        if result.points is not None or result.max_points != 0:
            raise self.fail(
                result,
                f"không áp dụng nhưng còn điểm {_pts(result.points)}/"
                f"{_pts(result.max_points)} trong điểm tối đa",
                f"not applicable but still holds {_pts(result.points)}/{_pts(result.max_points)}",
            )

    def condition(
        self, entry: CompiledNode, result: NodeResult, values: Mapping[str, Value], off: bool
    ) -> None:
        """``applies_if`` evaluated again: false ⇒ not applicable, true ⇒ a leaf applies."""
        assert entry.applies_if is not None
        applies = bool(evaluate(entry.applies_if, values))
        shown = ", ".join(
            f"{n} = {describe_value(values[n])}" for n in sorted(entry.applies_if.names)
        )
        if not applies and not off:
            raise self.fail(
                result,
                f"điều kiện áp dụng '{entry.node.applies_if}' sai ({shown}) nhưng nút "
                "vẫn được chấm",
                f"applies_if '{entry.node.applies_if}' is false ({shown}) but the node is scored",
            )
        if applies and off and entry.node.is_leaf:
            raise self.fail(
                result,
                f"điều kiện áp dụng '{entry.node.applies_if}' đúng ({shown}) nhưng nút "
                "bị bỏ khỏi điểm tối đa",
                f"applies_if '{entry.node.applies_if}' is true ({shown}) but the node is dropped",
            )

    def expected(
        self, entry: CompiledNode, children: Sequence[str], parts: Sequence[Decimal]
    ) -> Decimal:
        """What the applicable children add up to, by the node's aggregation."""
        if entry.node.is_leaf:
            return entry.node.max_points if entry.counts_in_max else _ZERO
        live = [
            p
            for c, p in zip(children, parts, strict=True)
            if self.compiled.nodes[c].counts_in_max
            and self.results[c].status != Status.NOT_APPLICABLE
        ]
        if entry.node.aggregation == Aggregation.MAX:
            return max(live, default=_ZERO)
        expected = sum(live, _ZERO)
        if entry.node.aggregation == Aggregation.CAPPED_SUM:
            expected = min(expected, entry.node.max_points)
        return expected


# --- determinism --------------------------------------------------------------------


def _first_difference(a: ScoreReport, b: ScoreReport) -> str:
    for left, right in zip(a.nodes, b.nodes, strict=False):
        if left != right:
            return (
                f"{left.code}: {_pts(left.points)}/{_pts(left.max_points)} ({left.status.value}) "
                f"≠ {_pts(right.points)}/{_pts(right.max_points)} ({right.status.value})"
            )
    return f"tổng {_pts(a.total)} ≠ {_pts(b.total)}; chỉ số {a.index} ≠ {b.index}"


def check_deterministic(
    criteria: CriteriaSet, submission: Submission, report: ScoreReport | None = None
) -> None:
    """Scoring twice, with the values and facts in reverse order, and through JSON and
    back gives the very same breakdown."""
    first = report if report is not None else score(criteria, submission)
    reordered = submission.model_copy(
        update={
            "values": dict(reversed(list(submission.values.items()))),
            "unit": submission.unit.model_copy(
                update={"facts": dict(reversed(list(submission.unit.facts.items())))}
            ),
        }
    )
    attempts = [
        ("lần chấm thứ hai", "a second run", score(criteria, submission)),
        ("thứ tự số liệu đảo ngược", "values in reverse order", score(criteria, reordered)),
        (
            "qua JSON và đọc lại",
            "through JSON and back",
            ScoreReport.model_validate_json(first.to_json()),
        ),
    ]
    for vi, en, other in attempts:
        if other != first:
            difference = _first_difference(first, other)
            raise InvariantViolation(
                "deterministic",
                f"Kết quả chấm thay đổi ({vi}): {difference}",
                f"The score changes ({en}): {difference}",
                details=[describe_submission(criteria, submission)],
            )


# --- the batch path and Excel ------------------------------------------------------


def _missing_cell(value: object) -> bool:
    import pandas as pd

    return value is None or value is pd.NA or (isinstance(value, float) and value != value)


def check_batch_matches(criteria: CriteriaSet, submissions: Sequence[Submission]) -> None:
    """The batch path (:func:`parindex.batch.score_many`) gives every unit, node by node, the
    points, status, maximum and undetermined points, and the total, index, band and
    provisional points of the single-unit :func:`parindex.score`."""
    from parindex.batch import TOTAL_COLUMNS, score_many
    from parindex.frames import exact

    units = list(submissions)
    frame = exact(score_many(criteria, units))
    long = exact(score_many(criteria, units, long=True)).set_index(["unit", "code"])
    columns = [c for c in frame.columns if c in criteria.compiled.nodes]
    for row, submission in enumerate(units):
        report = score(criteria, submission)
        expected: dict[str, object] = {c: report.node(c).points for c in columns}
        expected.update({name: getattr(report, name) for name in TOTAL_COLUMNS})
        got_by: dict[str, object] = {column: frame.iloc[row][column] for column in expected}
        for node in report.nodes:
            line: Any = long.loc[(submission.unit.id, node.code)]
            fields: tuple[tuple[str, object], ...] = (
                ("status", node.status.value),
                ("max_points", node.max_points),
                ("undetermined_points", node.undetermined_points),
            )
            for field, value in fields:
                expected[f"{node.code} {field}"] = value
                got_by[f"{node.code} {field}"] = line[field]
        for column, wanted in expected.items():
            got = got_by[column]
            same = (wanted is None and _missing_cell(got)) or (
                wanted is not None and not _missing_cell(got) and got == wanted
            )
            if not same:
                _batch_differs(criteria, submission, column, got, wanted)


def _batch_differs(
    criteria: CriteriaSet, submission: Submission, column: str, got: object, wanted: object
) -> None:
    unit = submission.unit.id
    code = column.split(" ")[0]
    where, en = column, column
    if code in criteria.compiled.nodes:
        vi, en = _where(criteria.compiled.nodes[code].node)
        where = vi + column[len(code) :]
        en += column[len(code) :]
    raise InvariantViolation(
        "batch",
        f"Đơn vị {unit}, {where}: chấm cả loạt cho {got}, chấm từng đơn vị cho "
        f"{wanted if not isinstance(wanted, Decimal) else _pts(wanted)}",
        f"Unit {unit}, {en}: the batch path gives {got}, the single-unit path {wanted}",
        code=code if code in criteria.compiled.nodes else None,
        details=[describe_submission(criteria, submission)],
    )


def check_excel_round_trip(
    criteria: CriteriaSet, submission: Submission, directory: str | None = None
) -> None:
    """Exporting a unit's score sheet to Excel (:func:`parindex.excel.export_unit`) and
    importing it back (:func:`parindex.excel_import.import_workbook`) loses nothing: the
    same values, facts, survey results and self-scores, and the same breakdown."""
    import tempfile
    from pathlib import Path

    from parindex.errors import ProblemsError
    from parindex.excel import export_unit
    from parindex.excel_import import import_workbook

    with tempfile.TemporaryDirectory(dir=directory) as folder:
        path = export_unit(criteria, submission, Path(folder) / "bang-diem.xlsx")
        try:
            imported = import_workbook(criteria, path).submissions
        except ProblemsError as exc:
            raise InvariantViolation(
                "excel",
                f"Bảng điểm Excel vừa xuất của đơn vị {submission.unit.id} không nhập lại được",
                f"The Excel sheet just exported for unit {submission.unit.id} cannot be "
                "imported back",
                code=next((p.code for p in exc.problems if p.code), None),
                details=[p.describe() for p in exc.problems[:5]],
            ) from exc
    if len(imported) != 1:
        raise InvariantViolation(
            "excel",
            f"Xuất rồi nhập lại bảng điểm cho {len(imported)} đơn vị, không phải 1",
            f"The round trip gives {len(imported)} units, not 1",
        )
    again = imported[0]
    before = check_submission(criteria, submission)
    after = check_submission(criteria, again)
    differences: list[str] = []
    for name in sorted(before.values.keys() | after.values.keys()):
        old, new = before.values.get(name), after.values.get(name)
        if old != new or type(old) is not type(new):
            differences.append(
                f"{_label(criteria, name)}: {_show(criteria, name, old)} → "
                f"{_show(criteria, name, new)}"
            )
    own_before = {c: s.points for c, s in submission.self_scores.items()}
    own_after = {c: s.points for c, s in again.self_scores.items()}
    if own_before != own_after:
        differences.append(f"tự chấm: {own_before} → {own_after}")
    if dict(submission.survey) != dict(again.survey):
        differences.append(f"điều tra XHH: {dict(submission.survey)} → {dict(again.survey)}")
    first, second = score(criteria, submission), score(criteria, again)
    if first.nodes != second.nodes or first.total != second.total:
        differences.append(f"bảng điểm: {_first_difference(first, second)}")
    if differences:
        raise InvariantViolation(
            "excel",
            f"Xuất Excel rồi nhập lại làm thay đổi hồ sơ của đơn vị {submission.unit.id}: "
            + "; ".join(differences[:5]),
            f"An Excel round trip changes unit {submission.unit.id}: " + "; ".join(differences[:5]),
            details=[describe_submission(criteria, submission)],
        )


# --- everything ---------------------------------------------------------------------

_EDGES_DONE: dict[str, None] = {}


def check_all(
    criteria: CriteriaSet,
    submission: Submission,
    *,
    expect_monotonic: Mapping[str, Mapping[str, Direction]] | None = None,
    skip: Collection[str] = (),
) -> ScoreReport:
    """Every invariant on one unit; returns its report.

    ``expect_monotonic`` states directions per criterion and input
    (``{"3.6.2": {"ho_so_qua_han": "decreasing"}}``). ``skip`` leaves out invariants by
    name (``"monotonic"``, ``"band_edges"``, ``"deterministic"`` …) or for one criterion
    (``"monotonic:6.1.1"``). Band edges do not depend on the unit and are checked once
    per set.
    """
    _note(describe_submission(criteria, submission))
    report = score(criteria, submission)
    if "bounds" not in skip:
        check_bounds(report)
    if "sums" not in skip:
        check_sums(report, criteria)
    checked = check_submission(criteria, submission)
    if "not_applicable" not in skip:
        check_not_applicable(report, criteria, checked)
    if "deterministic" not in skip:
        check_deterministic(criteria, submission, report)
    if "monotonic" not in skip:
        values = dict(checked.values)
        for leaf in _leaves_under_all(criteria):
            if f"monotonic:{leaf.code}" in skip:
                continue
            wanted = dict((expect_monotonic or {}).get(leaf.code, {}))
            monotonic_leaf(criteria, leaf, values, wanted)
    if "band_edges" not in skip and criteria.digest not in _EDGES_DONE:
        for code in band_edge_codes(criteria):
            if f"band_edges:{code}" not in skip:
                check_band_edges(criteria, code)
        _EDGES_DONE[criteria.digest] = None
    return report


def _leaves_under_all(criteria: CriteriaSet) -> list[CompiledNode]:
    return [n for n in criteria.compiled.leaves() if n.kind is not None and not n.kind.given]

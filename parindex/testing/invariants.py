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

import contextlib
import datetime as dt
import itertools
import re
from collections.abc import Callable, Collection, Iterable, Mapping, Sequence
from decimal import Decimal
from typing import Any, Literal

from parindex.compiler import CompiledNode
from parindex.criteria import (
    Aggregation,
    BandsRule,
    CriteriaSet,
    DeadlineRule,
    InputType,
    Node,
    NodeKind,
    SurveyRule,
    ThresholdRule,
)
from parindex.engine import leaf_points, score
from parindex.errors import EvaluationError, ParindexError
from parindex.expressions import Call, Compare, CompiledExpression, Const, Expr, Value, evaluate
from parindex.messages import label
from parindex.numbers import format_decimal, parse_decimal, quantize
from parindex.report import NodeResult, ScoreReport, Status, format_points
from parindex.submission import CheckedSubmission, Submission, check_submission
from parindex.testing._linear import NUMERIC, STEPS, ConstructionError, Solver, from_value, to_value
from parindex.testing._rules import (
    _children,
    construct,
    date_inputs,
    domain_of,
    edges_of,
    input_sign,
    intervals_of,
    metric_of,
    rule_direction,
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


def _en(value: Decimal | None) -> str:
    """Points in English text: decimal point, no trailing zeros (``0.5``, ``1``)."""
    return "?" if value is None else format(value.normalize(), "f")


def _rule_text(node: Node) -> str:
    rule = node.rule
    if rule is None:
        return ""
    text = rule.text or getattr(rule, "value", None) or rule.kind
    return f"Cách tính: {text}"


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
                f"{en}: negative undetermined points ({node.undetermined_points})",
                code=node.code,
            )
        if points is None:
            continue
        if node.rule == "bonus":
            low, high = _ZERO, node.declared_max
        elif node.rule == "penalty":
            low, high = -node.declared_max, _ZERO
        else:
            low, high = _ZERO, node.max_points
            if node.max_points > node.declared_max:
                raise InvariantViolation(
                    "bounds",
                    f"{vi}: điểm tối đa áp dụng {_pts(node.max_points)} vượt điểm tối đa khai "
                    f"báo {_pts(node.declared_max)}",
                    f"{en}: applicable maximum {node.max_points} above the declared "
                    f"{node.declared_max}",
                    code=node.code,
                )
        if not low <= points <= high:
            raise InvariantViolation(
                "bounds",
                f"{vi}: điểm {_pts(points)} nằm ngoài khoảng [{_pts(low)}; {_pts(high)}]",
                f"{en}: points {points} outside [{low}, {high}]",
                code=node.code,
                details=[
                    node.explanation,
                    *([f"Cách tính: {node.rule_text}"] if node.rule_text else []),
                ],
            )
        if node.rule not in ("bonus", "penalty") and points + node.undetermined_points > high:
            raise InvariantViolation(
                "bounds",
                f"{vi}: điểm {_pts(points)} cộng {_pts(node.undetermined_points)} điểm chưa xác "
                f"định vượt điểm tối đa {_pts(high)}",
                f"{en}: points {points} plus {node.undetermined_points} undetermined exceed {high}",
                code=node.code,
            )
    total, top = report.total, report.max_points
    if not _ZERO <= total <= top or total + report.undetermined_points > top:
        raise InvariantViolation(
            "bounds",
            f"Tổng điểm {_pts(total)} (chưa xác định {_pts(report.undetermined_points)}) nằm "
            f"ngoài [0; {_pts(top)}]",
            f"Total {total} (undetermined {report.undetermined_points}) outside [0, {top}]",
        )
    if (report.index is None) != (top == 0):
        raise InvariantViolation(
            "bounds",
            f"Chỉ số {report.index} không khớp điểm tối đa áp dụng {_pts(top)}",
            f"Index {report.index} does not match the applicable maximum {top}",
        )
    if report.index is not None:
        expected = quantize(total * _HUNDRED / top, Decimal("0.01"))
        if not _ZERO <= report.index <= _HUNDRED or report.index != expected:
            raise InvariantViolation(
                "bounds",
                f"Chỉ số {format_decimal(report.index, 2)}% khác {_pts(total)} ÷ {_pts(top)} × "
                f"100 = {format_decimal(expected, 2)}% hoặc nằm ngoài 0–100%",
                f"Index {report.index} differs from {total} / {top} × 100 = {expected} or lies "
                "outside 0–100",
            )


def _counts(result: NodeResult) -> bool:
    return result.rule not in ("bonus", "penalty")


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
                f"{en}: points {result.points}/{result.max_points} differ from the {how_en} of "
                f"its children {expected}/{top} ({listing})",
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
            f"Total {report.total}/{report.max_points} differs from the areas' sum {raw}/{top}",
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
    results = {n.code: n for n in report.nodes}
    compiled = criteria.compiled

    def fail(node: NodeResult, vi: str, en: str) -> InvariantViolation:
        where_vi, where_en = _where(node)
        return InvariantViolation(
            "not_applicable", f"{where_vi}: {vi}", f"{where_en}: {en}", code=node.code
        )

    def applicable_max(code: str, inherited: bool, unsure: bool = False) -> Decimal:
        """``unsure``: an ancestor's applicability is undetermined (a fact is missing)."""
        result = results[code]
        entry = compiled.nodes[code]
        off = inherited or result.status == Status.NOT_APPLICABLE
        if entry.applies_if is not None and (
            values is None or not entry.applies_if.names <= values.keys()
        ):
            unsure = True
        if off:
            if result.status != Status.NOT_APPLICABLE:
                raise fail(
                    result,
                    "nút cha không áp dụng nhưng nút này vẫn được chấm",
                    "its parent does not apply but it is still scored",
                )
            if result.points is not None or result.max_points != 0:
                raise fail(
                    result,
                    f"không áp dụng nhưng còn điểm {_pts(result.points)}/"
                    f"{_pts(result.max_points)} trong điểm tối đa",
                    f"not applicable but still holds {result.points}/{result.max_points}",
                )
        if values is not None and entry.applies_if is not None and not inherited and not unsure:
            applies = bool(evaluate(entry.applies_if, values))
            shown = ", ".join(
                f"{n} = {describe_value(values[n])}" for n in sorted(entry.applies_if.names)
            )
            if not applies and not off:
                raise fail(
                    result,
                    f"điều kiện áp dụng '{entry.node.applies_if}' sai ({shown}) nhưng nút "
                    "vẫn được chấm",
                    f"applies_if '{entry.node.applies_if}' is false ({shown}) but the node "
                    "is scored",
                )
            if applies and off and entry.node.is_leaf:
                raise fail(
                    result,
                    f"điều kiện áp dụng '{entry.node.applies_if}' đúng ({shown}) nhưng nút "
                    "bị bỏ khỏi điểm tối đa",
                    f"applies_if '{entry.node.applies_if}' is true ({shown}) but the node "
                    "is dropped",
                )
        children = compiled.children.get(code, ())
        parts = [applicable_max(c, off, unsure) for c in children]
        if off:
            return _ZERO
        if entry.node.is_leaf:
            expected = entry.node.max_points if entry.counts_in_max else _ZERO
        else:
            live = [
                p
                for c, p in zip(children, parts, strict=True)
                if compiled.nodes[c].counts_in_max and results[c].status != Status.NOT_APPLICABLE
            ]
            if entry.node.aggregation == Aggregation.MAX:
                expected = max(live, default=_ZERO)
            else:
                expected = sum(live, _ZERO)
                if entry.node.aggregation == Aggregation.CAPPED_SUM:
                    expected = min(expected, entry.node.max_points)
        if result.max_points != expected:
            raise fail(
                result,
                f"điểm tối đa áp dụng {_pts(result.max_points)} khác {_pts(expected)} (tổng các "
                "phần áp dụng)",
                f"applicable maximum {result.max_points} differs from {expected}",
            )
        return expected

    total = sum((applicable_max(c, False) for c in compiled.children.get(None, ())), _ZERO)
    if report.max_points != total:
        raise InvariantViolation(
            "not_applicable",
            f"Điểm tối đa áp dụng {_pts(report.max_points)} khác tổng các phần áp dụng "
            f"{_pts(total)}",
            f"Applicable maximum {report.max_points} differs from {total}",
        )
    if report.index is not None and not _ZERO <= report.index <= _HUNDRED:
        raise InvariantViolation(
            "not_applicable",
            f"Chỉ số {format_decimal(report.index, 2)}% nằm ngoài 0–100%",
            f"Index {report.index} outside 0–100",
        )


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


# --- monotonicity -------------------------------------------------------------------


def _typed_of(
    criteria: CriteriaSet, submission: Submission | CheckedSubmission
) -> dict[str, Value]:
    checked = (
        submission
        if isinstance(submission, CheckedSubmission)
        else check_submission(criteria, submission)
    )
    return dict(checked.values)


class _SetInfo:
    """What the monotonic sweep needs of a set, computed once per set."""

    def __init__(self, criteria: CriteriaSet) -> None:
        self.solver = Solver.for_set(criteria, strict=False)
        self.spec_of = {i.name: i for i in criteria.inputs}
        self.dates = {i.name for i in criteria.inputs if i.type == InputType.DATE}
        self.checks: dict[str, list[CompiledExpression]] = {}
        for check, _message in criteria.compiled.constraints:
            for name in check.names:
                self.checks.setdefault(name, []).append(check)


_INFO: dict[str, _SetInfo] = {}


def _info(criteria: CriteriaSet) -> _SetInfo:
    key = f"{criteria.digest}:{id(criteria)}"
    if key not in _INFO:
        if len(_INFO) > 64:
            _INFO.clear()
        _INFO[key] = _SetInfo(criteria)
    return _INFO[key]


def _holds(
    checks: Iterable[CompiledExpression], values: Mapping[str, Value], dates: Collection[str]
) -> bool:
    """The constraints that read the moved input still hold (the others held already)."""
    for check in checks:
        if any(values.get(n) is False and n in dates for n in check.names):
            continue  # a report never sent is not ordered (as check_submission does)
        if not check.names <= values.keys():
            continue
        try:
            if not evaluate(check, values):
                return False
        except EvaluationError:
            return False
    return True


def _calls(expr: Expr) -> Iterable[Call]:
    if isinstance(expr, Call):
        yield expr
    for child in _children(expr):
        yield from _calls(child)


def _zero_denominator(node: CompiledNode, values: Mapping[str, Value]) -> bool:
    """A ``percent``/``ratio`` of the rule divides by 0: its ``when_zero`` is a convention,
    not a point of the ratio, so monotonicity does not look at it."""
    for expression in node.expressions:
        for call in _calls(expression.root):
            if call.function in ("percent", "ratio"):
                try:
                    if evaluate(call.args[1], values) == 0:
                        return True
                except EvaluationError:
                    return True
    return False


def _probes(node: CompiledNode, name: str, criteria: CriteriaSet) -> list[tuple[Expr, Decimal]]:
    """(sub-expression, value) pairs where the points may jump as ``name`` moves."""
    probes: list[tuple[Expr, Decimal]] = []
    metric = metric_of(node)
    if metric is not None:
        probes += [(metric.root, edge) for edge in edges_of(node)]

    def compares(expr: Expr) -> None:
        if isinstance(expr, Compare) and len(expr.operands) == 2:
            left, right = expr.operands
            for side, other in ((left, right), (right, left)):
                if isinstance(other, Const) and isinstance(other.value, Decimal):
                    probes.append((side, other.value))
        for child in _children(expr):
            compares(child)

    for expression in node.expressions:
        compares(expression.root)
    return probes


def _crossings(
    expr: Expr,
    edge: Decimal,
    sign: int,
    at: Callable[[Decimal], Mapping[str, Value]],
    lo: Decimal,
    hi: Decimal,
    step: Decimal,
) -> list[Decimal]:
    """Grid points just before and at the first place where ``expr`` reaches ``edge`` (≥ and
    >), found by bisection; ``expr`` moves with the input in direction ``sign``."""
    found: list[Decimal] = []
    count = int((hi - lo) / step)
    for strict in (False, True):

        def reached(k: int, strict: bool = strict) -> bool:
            value = evaluate(expr, at(lo + k * step))
            assert isinstance(value, Decimal)
            if sign > 0:
                return value > edge if strict else value >= edge
            return value < edge if strict else value <= edge

        try:
            if not reached(count):
                continue
            low, high = 0, count
            while low < high:
                middle = (low + high) // 2
                if reached(middle):
                    high = middle
                else:
                    low = middle + 1
        except (EvaluationError, AssertionError):
            continue
        found += [lo + (low - 1) * step, lo + low * step]
    return found


def _direction_of(
    criteria: CriteriaSet,
    node: CompiledNode,
    name: str,
    explicit: Mapping[str, Direction],
) -> int | None:
    if name in explicit:
        return {"increasing": 1, "decreasing": -1, "either": 0}[explicit[name]]
    spec = next((i for i in criteria.inputs if i.name == name), None)
    if spec is None or spec.type not in NUMERIC:
        return None
    rule = node.node.rule
    if spec.type == InputType.DATE and not isinstance(rule, DeadlineRule):
        return None  # a date window (from … to …) is legitimately not monotonic
    inputs = {i.name: i for i in criteria.inputs}
    sign: int | None = 0
    for expression in node.expressions:
        part = input_sign(expression.root, name, inputs)
        if part is None or sign is None:
            sign = None
        elif sign == 0:
            sign = part
        elif part not in (0, sign):
            sign = None
    direction = rule_direction(node, criteria)
    if direction is None or sign is None or direction == 0:
        return 0
    return direction * sign


def _show(criteria: CriteriaSet, name: str, value: Value | None) -> str:
    spec = next((i for i in criteria.inputs if i.name == name), None)
    return describe_value(value, spec)


def _label(criteria: CriteriaSet, name: str) -> str:
    spec = next((i for i in criteria.inputs if i.name == name), None)
    return f"{name} ({spec.label})" if spec is not None else name


def check_monotonic(
    criteria: CriteriaSet,
    code: str,
    submission: Submission | CheckedSubmission,
    *,
    increasing: Collection[str] = (),
    decreasing: Collection[str] = (),
    either: Collection[str] = (),
) -> None:
    """Moving one input at a time around this unit's values never moves the points the
    wrong way.

    The expected way is read from the rule: more of a numerator, less of a denominator,
    a higher value when the top band or a threshold “từ X trở lên” holds the points, an
    earlier date for a deadline, fewer occurrences for a deduction. Where the rule does
    not tell (``check``, ``levels``, an ``if … else`` expression), the points must move
    one way only — never both up and down. Name inputs in ``increasing`` /
    ``decreasing`` / ``either`` to state the expectation yourself. Each input is swept
    over the values where the points may jump (every band edge, both sides), the ends of
    what the constraints allow and a few points between; other inputs stay as they are.
    For a parent, every leaf below it is checked.
    """
    compiled = criteria.compiled
    if code not in compiled.nodes:
        raise KeyError(code)
    values = _typed_of(criteria, submission)
    explicit: dict[str, Direction] = {n: "increasing" for n in increasing}
    explicit.update({n: "decreasing" for n in decreasing})
    explicit.update({n: "either" for n in either})
    for leaf in _leaves_under(criteria, code):
        _monotonic_leaf(criteria, leaf, values, explicit)


def _leaves_under(criteria: CriteriaSet, code: str) -> list[CompiledNode]:
    compiled = criteria.compiled
    result = []
    stack = [code]
    while stack:
        current = stack.pop()
        entry = compiled.nodes[current]
        if entry.node.is_leaf:
            if entry.node.rule is not None and not isinstance(entry.node.rule, SurveyRule):
                result.append(entry)
        else:
            stack.extend(reversed(compiled.children.get(current, ())))
    return result


def _monotonic_leaf(
    criteria: CriteriaSet,
    node: CompiledNode,
    values: Mapping[str, Value],
    explicit: Mapping[str, Direction],
) -> None:
    if not node.inputs <= values.keys():
        return
    info = _info(criteria)
    solver, spec_of = info.solver, info.spec_of
    for name in sorted(node.inputs):
        direction = _direction_of(criteria, node, name, explicit)
        if direction is None:
            continue
        spec = spec_of[name]
        step = STEPS[spec.type]
        checks = info.checks.get(name, [])
        related = {name}
        for row in solver.rows:
            if name in row.coeffs:
                related.update(row.coeffs)
        related = {n for n in related if n in values and from_value(values[n]) is not None}
        related.add(name)
        box = solver.box(related)
        for other in related - {name}:
            number = from_value(values[other])
            assert number is not None
            box.lo[other] = box.hi[other] = number
        box.lo[name], box.hi[name] = solver.domain(name)
        if not box.propagate():
            continue
        current = from_value(values[name])
        lo, hi = box.lo[name], box.hi[name]
        anchor = current if current is not None else lo if lo is not None else _ZERO
        if lo is None:
            lo = anchor - 100 * step - abs(anchor)
        if hi is None:
            hi = max(anchor, lo) * 4 + 100
        grid: set[Decimal] = {lo, hi}
        if current is not None:
            grid.update({current, current - step, current + step})
        for index in range(1, 6):
            grid.add(lo + ((hi - lo) * index / 6 / step).to_integral_value() * step)

        def at(x: Decimal, name: str = name, kind: InputType = spec.type) -> dict[str, Value]:
            return {**values, name: to_value(kind, x)}

        inputs = {i.name: i for i in criteria.inputs}
        for expr, edge in _probes(node, name, criteria):
            sign = input_sign(expr, name, inputs)
            if sign in (1, -1):
                assert sign is not None
                grid.update(_crossings(expr, edge, sign, at, lo, hi, step))
        if isinstance(node.node.rule, DeadlineRule):
            for date_name, due in date_inputs(node):
                if date_name == name:
                    for days in (-1, 0, 1):
                        grid.add(Decimal((due + dt.timedelta(days=days)).toordinal()))
        samples: list[tuple[Decimal | None, Decimal]] = []
        for x in sorted(g for g in grid if lo <= g <= hi):
            probe = at(x)
            if not _holds(checks, probe, info.dates) or _zero_denominator(node, probe):
                continue
            try:
                samples.append((x, leaf_points(criteria, node.code, probe)))
            except EvaluationError:
                continue
        if spec.type == InputType.DATE:
            probe = {**values, name: False}
            with contextlib.suppress(EvaluationError):
                samples.append((None, leaf_points(criteria, node.code, probe)))
        _verify(criteria, node, name, direction, samples, values)


def _verify(
    criteria: CriteriaSet,
    node: CompiledNode,
    name: str,
    direction: int,
    samples: Sequence[tuple[Decimal | None, Decimal]],
    values: Mapping[str, Value],
) -> None:
    spec = next(i for i in criteria.inputs if i.name == name)

    def shown(x: Decimal | None) -> str:
        return describe_value(False if x is None else to_value(spec.type, x), spec)

    rise = fall = None
    for (x1, p1), (x2, p2) in itertools.pairwise(samples):
        if p2 < p1 and fall is None:
            fall = (x1, p1, x2, p2)
        if p2 > p1 and rise is None:
            rise = (x1, p1, x2, p2)
    vi, en = _where(node.node)
    others = sorted((node.inputs | (node.applies_if.names if node.applies_if else set())) - {name})
    details = [_rule_text(node.node)] if _rule_text(node.node) else []
    if others:
        details.append(
            "Các số liệu khác giữ nguyên: "
            + "; ".join(
                f"{_label(criteria, n)} = {_show(criteria, n, values.get(n))}" for n in others
            )
        )
    label = _label(criteria, name)
    if direction > 0 and fall is not None:
        x1, p1, x2, p2 = fall
        raise InvariantViolation(
            "monotonic",
            f"{vi}: tăng {label} từ {shown(x1)} lên {shown(x2)} làm điểm giảm "
            f"{_pts(p1)} → {_pts(p2)}",
            f"{en}: raising {name} from {shown(x1)} to {shown(x2)} lowers the points {_en(p1)} → {_en(p2)}",
            code=node.code,
            details=details,
        )
    if direction < 0 and rise is not None:
        x1, p1, x2, p2 = rise
        raise InvariantViolation(
            "monotonic",
            f"{vi}: tăng {label} từ {shown(x1)} lên {shown(x2)} làm điểm tăng "
            f"{_pts(p1)} → {_pts(p2)} (quy tắc này phải giữ nguyên hoặc giảm điểm)",
            f"{en}: raising {name} from {shown(x1)} to {shown(x2)} raises the points "
            f"{_en(p1)} → {_en(p2)} (this rule must keep or lower them)",
            code=node.code,
            details=details,
        )
    if direction == 0 and rise is not None and fall is not None:
        steps = sorted([rise, fall], key=lambda s: (s[0] is None, s[0] or 0))
        path = "; ".join(f"{shown(a)} → {_pts(p)}, {shown(b)} → {_pts(q)}" for a, p, b, q in steps)
        raise InvariantViolation(
            "monotonic",
            f"{vi}: khi {label} tăng, điểm lúc tăng lúc giảm ({path})",
            f"{en}: as {name} grows the points go both up and down ({path})",
            code=node.code,
            details=details,
        )


# --- band edges ---------------------------------------------------------------------

_NUMBER = r"(\d+(?:[.,]\d+)?)\s*%?"
_ABOVE = [  # the number belongs with the values above it
    re.compile(
        r"(?:\btừ|tối thiểu|ít nhất|không dưới|dưới|thấp hơn|nhỏ hơn|ít hơn|>=|≥|<)\s*"
        rf"(?:(?:là|đạt|từ|mức)\s+)*{_NUMBER}"
    ),
    re.compile(rf"{_NUMBER}[^\d;:]{{0,30}}?\btrở lên"),
]
_BELOW = [  # the number belongs with the values below it
    re.compile(
        r"(?:\btrên|vượt|\bquá|tối đa|lớn hơn|cao hơn|nhiều hơn|<=|≤|>)\s*"
        rf"(?:(?:là|đạt|mức)\s+)*{_NUMBER}"
    ),
    re.compile(rf"\bđến\s+{_NUMBER}"),
    re.compile(rf"{_NUMBER}[^\d;:]{{0,30}}?\btrở xuống"),
]


def _claims(text: str) -> dict[Decimal, dict[bool, str]]:
    """For each number of a rule's text, which side its own value falls on, with the phrase."""
    found: dict[Decimal, dict[bool, str]] = {}
    lowered = text.lower()
    for above, patterns in ((True, _ABOVE), (False, _BELOW)):
        for pattern in patterns:
            for match in pattern.finditer(lowered):
                try:
                    number = parse_decimal(match.group(1))
                except ValueError:
                    continue
                found.setdefault(number, {}).setdefault(above, text[match.start() : match.end()])
    return found


def _declared(node: CompiledNode, value: Decimal) -> Decimal | None:
    rule = node.node.rule
    if isinstance(rule, BandsRule):
        for band, interval in zip(rule.bands, intervals_of(node), strict=True):
            if value in interval:
                return band.points
        return None
    assert isinstance(rule, ThresholdRule)
    return node.node.max_points if value in intervals_of(node)[0] else rule.otherwise


def _band_text(node: CompiledNode, value: Decimal) -> str:
    rule = node.node.rule
    if isinstance(rule, BandsRule):
        for band, interval in zip(rule.bands, intervals_of(node), strict=True):
            if value in interval:
                return band.when
        return "?"
    assert isinstance(rule, ThresholdRule)
    return rule.when if value in intervals_of(node)[0] else f"không đạt '{rule.when}'"


def check_band_edges(
    criteria: CriteriaSet,
    code: str,
    expect: Mapping[str | int | Decimal, str | int | Decimal] | None = None,
) -> None:
    """A ``bands`` or ``threshold`` criterion behaves at each edge as its words say.

    1. At every edge, and just below and above it, the engine gives the points of the
       band whose words contain the value (``từ 80%`` holds 80, ``trên 80%`` does not).
    2. When the rule's ``text`` (the decision's sentence) qualifies an edge — “từ 80%
       trở lên”, “tối thiểu 30%”, “dưới 5%” put the number with the values above it;
       “trên 30%”, “không quá 25”, “đến 100%” with those below — the bands must put it
       on the same side.
    3. ``expect`` states points at values yourself: ``{"80%": 1, "79,99%": "0,5"}``.

    The inputs are built so the metric lands exactly on the edge (for ``percent(a, b,
    …)``: ``b = 5k``, ``a = 4k`` for 80%).
    """
    compiled = criteria.compiled
    node = compiled.nodes[code]
    rule = node.node.rule
    if not isinstance(rule, BandsRule | ThresholdRule):
        raise ValueError(f"tiêu chí {code} không phải bands hay threshold ({rule and rule.kind})")
    metric = metric_of(node)
    assert metric is not None
    solver = Solver.for_set(criteria, strict=False)
    domain = domain_of(node, criteria)
    edges = edges_of(node)
    unit = (
        "%"
        if (
            rule.unit == "%"
            or (isinstance(metric.root, Call) and metric.root.function == "percent")
        )
        else ""
    )
    vi, en = _where(node.node)
    details = [_rule_text(node.node)]

    def lowest(_name: str, lo: Decimal, _hi: Decimal) -> Decimal:
        return lo

    def build(target: Decimal, side: int, gap: Decimal) -> dict[str, Value] | None:
        return construct(criteria, node, target, side, solver, lowest, 1, gap)

    def shown(values: Mapping[str, Value]) -> str:
        return ", ".join(f"{n} = {_show(criteria, n, values[n])}" for n in sorted(values))

    epsilon = Decimal("0.000001")
    for edge in edges:
        gap = min((abs(edge - e) for e in edges if e != edge), default=Decimal(1))
        for side in (-1, 0, 1):
            values = build(edge, side, gap)
            if values is None:
                continue
            got = evaluate(metric, values)
            assert isinstance(got, Decimal)
            if got not in domain:
                continue
            declared = _declared(node, got)
            try:
                engine = leaf_points(criteria, code, values)
            except EvaluationError as exc:
                raise InvariantViolation(
                    "band_edges",
                    f"{vi}: không chấm được tại {format_decimal(got)}{unit} ({shown(values)}): {exc}",
                    f"{en}: cannot be scored at {got} ({shown(values)}): {exc}",
                    code=code,
                    details=details,
                ) from exc
            if declared is not None and engine != declared:
                raise InvariantViolation(
                    "band_edges",
                    f"{vi}: tại {format_decimal(got)}{unit} ({shown(values)}) máy chấm cho "
                    f"{_pts(engine)} điểm, nhưng khoảng '{_band_text(node, got)}' cho "
                    f"{_pts(declared)} điểm",
                    f"{en}: at {got} ({shown(values)}) the engine gives {_en(engine)} points, but the "
                    f"band '{_band_text(node, got)}' gives {_en(declared)}",
                    code=code,
                    details=details,
                )
    if rule.text:
        claims = _claims(rule.text)
        for edge in edges:
            said = claims.get(edge, {})
            if len(said) != 1:
                continue
            above, phrase = next(iter(said.items()))
            below_value, above_value = edge - epsilon, edge + epsilon
            if below_value not in domain or above_value not in domain:
                continue
            p_below, p_at, p_above = (_declared(node, v) for v in (below_value, edge, above_value))
            if p_below == p_above or p_at is None:
                continue
            declared_above = p_at == p_above
            if declared_above == above:
                continue
            values = build(edge, 0, Decimal(1))
            engine = leaf_points(criteria, code, values) if values is not None else p_at
            side_vi = "mức trên" if above else "mức dưới"
            side_en = "the band above" if above else "the band below"
            wanted = p_above if above else p_below
            meant = _band_text(node, above_value if above else below_value)
            edge_text = f"{format_decimal(edge)}{unit}"
            raise InvariantViolation(
                "band_edges",
                f"{vi}: cách tính viết '{phrase}' (đúng {edge_text} thuộc {side_vi}: "
                f"{_pts(wanted)} điểm) nhưng khoảng khai báo '{meant}' không chứa {edge_text}: "
                f"đúng {edge_text} rơi vào '{_band_text(node, edge)}' và được {_pts(engine)} điểm",
                f"{en}: the rule text says '{phrase}' (exactly {edge_text} belongs to {side_en}: "
                f"{_en(wanted)} points) but the band '{meant}' leaves {edge_text} out: exactly "
                f"{edge_text} falls in '{_band_text(node, edge)}' and gets {_en(engine)} points",
                code=code,
                details=details,
            )
    for raw_value, raw_points in (expect or {}).items():
        target = (
            raw_value
            if isinstance(raw_value, Decimal)
            else parse_decimal(str(raw_value).replace("%", "").strip())
        )
        wanted = parse_decimal(raw_points)
        values = build(target, 0, Decimal(1))
        if values is None:
            raise ConstructionError(
                f"{vi}: không dựng được số liệu cho giá trị {raw_value}",
                f"{en}: cannot build inputs for the value {raw_value}",
            )
        engine = leaf_points(criteria, code, values)
        if engine != wanted:
            raise InvariantViolation(
                "band_edges",
                f"{vi}: tại {format_decimal(target)}{unit} ({shown(values)}) quy tắc cho "
                f"{_pts(engine)} điểm, văn bản quy định {_pts(wanted)} điểm (khoảng khai báo: "
                f"'{_band_text(node, target)}')",
                f"{en}: at {target} ({shown(values)}) the rule gives {_en(engine)} points, the legal "
                f"text says {_en(wanted)} (declared band: '{_band_text(node, target)}')",
                code=code,
                details=details,
            )


# --- the batch path and Excel ------------------------------------------------------


def _missing_cell(value: object) -> bool:
    import pandas as pd

    return value is None or value is pd.NA or (isinstance(value, float) and value != value)


def check_batch_matches(criteria: CriteriaSet, submissions: Sequence[Submission]) -> None:
    """The batch path (:func:`parindex.batch.score_many`) gives every unit, node by node, the
    points, status, maximum and undetermined points, and the total, index, band and
    provisional points of the single-unit :func:`parindex.score`."""
    from parindex.batch import score_many
    from parindex.frames import exact

    units = list(submissions)
    frame = exact(score_many(criteria, units))
    long = exact(score_many(criteria, units, long=True)).set_index(["unit", "code"])
    columns = [c for c in frame.columns if c in criteria.compiled.nodes]
    totals = [
        "total",
        "max_points",
        "index",
        "band",
        "complete",
        "undetermined_points",
        "provisional_points",
        "provisional_points_scored",
    ]
    for row, submission in enumerate(units):
        report = score(criteria, submission)
        expected: dict[str, object] = {c: report.node(c).points for c in columns}
        expected.update({name: getattr(report, name) for name in totals})
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
            _monotonic_leaf(criteria, leaf, values, wanted)
    if "band_edges" not in skip and criteria.digest not in _EDGES_DONE:
        for entry in criteria.compiled.nodes.values():
            if isinstance(entry.node.rule, BandsRule | ThresholdRule) and (
                f"band_edges:{entry.code}" not in skip
            ):
                check_band_edges(criteria, entry.code)
        _EDGES_DONE[criteria.digest] = None
    return report


def _leaves_under_all(criteria: CriteriaSet) -> list[CompiledNode]:
    return [
        n
        for n in criteria.compiled.leaves()
        if n.node.rule is not None and not isinstance(n.node.rule, SurveyRule)
    ]

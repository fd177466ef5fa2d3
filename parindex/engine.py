"""The engine: score one unit's submission on a criteria set, exactly.

Leaves are scored by their rule (one scorer per rule kind in ``_SCORERS``), rounded
half up to the set's ``precision``; parents aggregate their children exactly, so a
parent always equals the sum of its children and the total the sum of the areas.
Missing inputs are never 0: the node is ``missing_input``, the report lists the
inputs and how many points they leave undetermined. Not-applicable nodes leave
the maximum, and the index is taken over what applies.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal

from parindex.compiler import CompiledNode, CompiledSet
from parindex.criteria import (
    Aggregation,
    BandsRule,
    BonusRule,
    CheckRule,
    CriteriaSet,
    DeadlineRule,
    DeductionRule,
    ExpressionRule,
    InputType,
    LevelsRule,
    PenaltyRule,
    ProportionalRule,
    Rule,
    SurveyRule,
    ThresholdRule,
)
from parindex.errors import EvaluationError
from parindex.expressions import BoolOp, Call, CompiledExpression, Expr, Name, Not, Value, evaluate
from parindex.numbers import format_date, format_decimal, quantize
from parindex.report import (
    MissingInput,
    NodeResult,
    ScoreReport,
    Status,
    UnitSummary,
    UsedInput,
    format_points,
)
from parindex.submission import CheckedSubmission, Submission, check_submission

__all__ = ["applies", "classify", "leaf_points", "score"]

_ZERO = Decimal(0)
SURVEY_INPUT = "survey"
"""Name under which a missing survey result is listed among the missing inputs."""
_HUNDRED = Decimal(100)


@dataclass
class _Outcome:
    """What a rule scorer found: raw points and the sentence explaining them."""

    points: Decimal
    vi: str
    en: str


@dataclass
class _Context:
    criteria: CriteriaSet
    compiled: CompiledSet
    values: Mapping[str, Value]
    labels: Mapping[str, str]
    types: Mapping[str, InputType | None]
    survey: Mapping[str, Decimal] = field(default_factory=dict)
    missing: dict[str, list[str]] = field(default_factory=dict)
    evidence: Mapping[str, list[str]] = field(default_factory=dict)


def _labels(criteria: CriteriaSet) -> dict[str, str]:
    labels = {i.name: i.label for i in criteria.inputs} | {f.name: f.label for f in criteria.facts}
    labels[SURVEY_INPUT] = "Kết quả điều tra xã hội học (XHH)"
    return labels


_NAMES: dict[int, tuple[CriteriaSet, dict[str, str], dict[str, InputType | None]]] = {}


def _names(criteria: CriteriaSet) -> tuple[dict[str, str], dict[str, InputType | None]]:
    """Labels and types of a set's names, built once per set (a few sets kept)."""
    entry = _NAMES.get(id(criteria))
    if entry is None or entry[0] is not criteria:
        if len(_NAMES) > 16:
            _NAMES.clear()
        types: dict[str, InputType | None] = {i.name: i.type for i in criteria.inputs}
        entry = _NAMES[id(criteria)] = (criteria, _labels(criteria), types)
    return entry[1], entry[2]


def leaf_points(criteria: CriteriaSet, code: str, values: Mapping[str, Value]) -> Decimal:
    """The points a rule-scored leaf earns on these values, rounded to the set's precision.

    The single-unit engine's own scorer, for callers (the batch path) that decide
    status and applicability themselves. Every input the rule reads must be present;
    raises :class:`EvaluationError` when the rule cannot be evaluated.
    """
    node = criteria.compiled.nodes[code]
    rule = node.node.rule
    assert rule is not None and not isinstance(rule, SurveyRule), code
    ctx = _Context(criteria, criteria.compiled, values, *_names(criteria))
    outcome = _SCORERS[type(rule)](rule, node, ctx, node.node.max_points)
    return quantize(outcome.points, criteria.precision)


# --- display helpers ----------------------------------------------------------------


def _display(value: Value, kind: InputType | None = None, unit: str | None = None) -> str:
    if isinstance(value, bool):
        if kind == InputType.DATE and value is False:
            return "không thực hiện"
        return "có" if value else "không"
    if isinstance(value, dt.date):
        return format_date(value)
    if isinstance(value, Decimal):
        if kind == InputType.PERCENT or unit == "%":
            return format_points(quantize(value, Decimal("0.01"))) + "%"
        text = format_decimal(
            quantize(value, Decimal("0.01")) if value != value.to_integral() else value
        )
        return f"{text} {unit}" if unit and unit != "%" else text
    return str(value)


def _canonical(value: Value) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


def _signed_terms(values: list[Decimal]) -> str:
    """``0,5 + 0,25 − 0,25``: penalties shown with a minus sign, not ``+ -0,25``."""
    text = ""
    for index, value in enumerate(values):
        shown = format_points(abs(value))
        if index == 0:
            text = ("−" if value < 0 else "") + shown
        else:
            text += (" − " if value < 0 else " + ") + shown
    return text


def _lower_first(label: str) -> str:
    """Lower-case a label's first letter unless it starts an acronym (``TTHC``)."""
    if len(label) > 1 and label[1].islower():
        return label[0].lower() + label[1:]
    return label


def _label(expr: CompiledExpression, ctx: _Context) -> str:
    """A reader's name for the value an expression computes."""
    root = expr.root
    if isinstance(root, Name):
        return ctx.labels.get(root.name, root.name)
    if isinstance(root, Call) and root.function in ("percent", "ratio"):
        parts = [a for a in root.args[:2] if isinstance(a, Name)]
        if len(parts) == 2:
            first, second = (_lower_first(ctx.labels[p.name]) for p in parts)
            return f"Tỷ lệ {first} / {second}"
    return expr.text


def _unit_of(expr: CompiledExpression, rule_unit: str | None, ctx: _Context) -> str | None:
    if rule_unit:
        return rule_unit
    root = expr.root
    if isinstance(root, Call) and root.function == "percent":
        return "%"
    if isinstance(root, Name) and ctx.types.get(root.name) == InputType.PERCENT:
        return "%"
    return None


# --- scorers, one per rule kind -------------------------------------------------------


def _scored(points: Decimal, top: Decimal, vi: str, en: str) -> _Outcome:
    """An outcome whose sentences end in ``→ points/max điểm`` (``points`` in English)."""
    tail = f" → {format_points(points)}/{format_points(top)}"
    return _Outcome(points, f"{vi}{tail} điểm", f"{en}{tail} points")


def _value(ctx: _Context, node: CompiledNode, index: int = 0) -> Value:
    return evaluate(node.values[index], ctx.values)


def _check(rule: CheckRule, node: CompiledNode, ctx: _Context, top: Decimal) -> _Outcome:
    met = bool(_value(ctx, node))
    label = _label(node.values[0], ctx)
    points = top if met else _ZERO
    answer_vi, answer_en = ("có", "yes") if met else ("không", "no")
    return _scored(points, top, f"{label}: {answer_vi}", f"{label}: {answer_en}")


def _bands(rule: BandsRule, node: CompiledNode, ctx: _Context, top: Decimal) -> _Outcome:
    value = _value(ctx, node)
    assert isinstance(value, Decimal)
    unit = _unit_of(node.values[0], rule.unit, ctx)
    label = _label(node.values[0], ctx)
    shown = _display(value, unit=unit)
    for band, interval in zip(rule.bands, node.intervals, strict=True):
        if value in interval:
            return _scored(
                band.points,
                top,
                f"{label} {shown} thuộc khoảng {band.when}",
                f"{label} {shown} is in the band {band.when}",
            )
    raise EvaluationError(f"{label} {shown} không thuộc khoảng nào của quy tắc")


def _threshold(rule: ThresholdRule, node: CompiledNode, ctx: _Context, top: Decimal) -> _Outcome:
    value = _value(ctx, node)
    assert isinstance(value, Decimal)
    unit = _unit_of(node.values[0], rule.unit, ctx)
    label = _label(node.values[0], ctx)
    shown = _display(value, unit=unit)
    met = value in node.intervals[0]
    points = top if met else rule.otherwise
    verb_vi = "đạt" if met else "không đạt"
    verb_en = "meets" if met else "misses"
    return _scored(
        points,
        top,
        f"{label} {shown} {verb_vi} ngưỡng {rule.when}",
        f"{label} {shown} {verb_en} the threshold {rule.when}",
    )


def _proportional(
    rule: ProportionalRule, node: CompiledNode, ctx: _Context, top: Decimal
) -> _Outcome:
    value = _value(ctx, node)
    assert isinstance(value, Decimal)
    share = max(_ZERO, min(value / rule.target, Decimal(1)))
    points = top * share
    unit = _unit_of(node.values[0], rule.unit, ctx)
    label = _label(node.values[0], ctx)
    shown = _display(value, unit=unit)
    target = _display(rule.target, unit=unit)
    return _Outcome(
        points,
        f"{label} {shown} ÷ {target} × {format_points(top)} = "
        f"{format_points(quantize(points, ctx.criteria.precision))} điểm",
        f"{label} {shown} ÷ {target} × {format_points(top)} = "
        f"{format_points(quantize(points, ctx.criteria.precision))} points",
    )


def _deadline(rule: DeadlineRule, node: CompiledNode, ctx: _Context, top: Decimal) -> _Outcome:
    parts_vi, parts_en = [], []
    on_time = 0
    for index, due in enumerate(node.dues):
        done = _value(ctx, node, index)
        label = _label(node.values[index], ctx)
        if isinstance(done, dt.date):
            ok = done <= due if rule.inclusive else done < due
            state_vi = "đúng hạn" if ok else "trễ hạn"
            state_en = "on time" if ok else "late"
            parts_vi.append(f"{label} {format_date(done)} ({state_vi}, hạn {format_date(due)})")
            parts_en.append(f"{label} {format_date(done)} ({state_en}, due {format_date(due)})")
        else:
            ok = False
            parts_vi.append(f"{label}: không thực hiện (hạn {format_date(due)})")
            parts_en.append(f"{label}: not done (due {format_date(due)})")
        on_time += ok
    count = len(node.dues)
    if rule.scoring == "each":
        points = top * on_time / count
    else:
        points = top if on_time == count else _ZERO
    points = quantize(points, ctx.criteria.precision)
    if count == 1:
        return _scored(points, top, parts_vi[0], parts_en[0])
    return _scored(
        points,
        top,
        "; ".join(parts_vi) + f" — {on_time}/{count} đúng hạn",
        "; ".join(parts_en) + f" — {on_time}/{count} on time",
    )


def _levels(rule: LevelsRule, node: CompiledNode, ctx: _Context, top: Decimal) -> _Outcome:
    value = _value(ctx, node)
    level = next(lv for lv in rule.levels if lv.value == value)
    root = node.values[0].root
    assert isinstance(root, Name)
    spec = next(i for i in ctx.criteria.inputs if i.name == root.name)
    choice = (spec.choices or {}).get(str(value), str(value))
    label = _label(node.values[0], ctx)
    return _scored(level.points, top, f"{label}: {choice}", f"{label}: {choice}")


def _deduction(rule: DeductionRule, node: CompiledNode, ctx: _Context, top: Decimal) -> _Outcome:
    value = _value(ctx, node)
    assert isinstance(value, Decimal)
    points = max(_ZERO, top - value * rule.per)
    label = _label(node.values[0], ctx)
    return _scored(
        points,
        top,
        f"{label}: {format_decimal(value)} × trừ {format_points(rule.per)} từ {format_points(top)}",
        f"{label}: {format_decimal(value)} × minus {format_points(rule.per)} from "
        f"{format_points(top)}",
    )


def _bonus(
    rule: BonusRule | PenaltyRule, node: CompiledNode, ctx: _Context, top: Decimal
) -> _Outcome:
    value = _value(ctx, node)
    assert isinstance(value, Decimal)
    amount = max(_ZERO, min(value, top))
    capped = " (giới hạn)" if value > top else ""
    if isinstance(rule, PenaltyRule):
        return _Outcome(
            -amount,
            f"Điểm trừ: {format_points(amount)}{capped} (tối đa {format_points(top)})",
            f"Penalty: {format_points(amount)} (at most {format_points(top)})",
        )
    return _Outcome(
        amount,
        f"Điểm cộng: {format_points(amount)}{capped} (tối đa {format_points(top)})",
        f"Bonus: {format_points(amount)} (at most {format_points(top)})",
    )


def _expression(rule: ExpressionRule, node: CompiledNode, ctx: _Context, top: Decimal) -> _Outcome:
    value = _value(ctx, node)
    assert isinstance(value, Decimal)
    points = quantize(max(_ZERO, min(value, top)), ctx.criteria.precision)
    shown = ", ".join(
        f"{ctx.labels.get(n, n)} = {_display(ctx.values[n], ctx.types.get(n))}"
        for n in sorted(node.inputs)
    )
    described = f"{rule.text or rule.value}: {shown}"
    return _scored(points, top, described, described)


_SCORERS: dict[type, Callable[..., _Outcome]] = {
    CheckRule: _check,
    BandsRule: _bands,
    ThresholdRule: _threshold,
    ProportionalRule: _proportional,
    DeadlineRule: _deadline,
    LevelsRule: _levels,
    DeductionRule: _deduction,
    BonusRule: _bonus,
    PenaltyRule: _bonus,
    ExpressionRule: _expression,
}


# --- the tree -------------------------------------------------------------------------


def classify(index: Decimal, compiled: CompiledSet, level: str | None = None) -> str | None:
    """The classification band (``Nhóm I`` …) an index in % falls in, for a unit level."""
    return next((label for label, interval in compiled.bands_for(level) if index in interval), None)


def _reads(expr: Expr) -> set[str]:
    if isinstance(expr, Name):
        return {expr.name}
    found: set[str] = set()
    for value in vars(expr).values():
        for part in value if isinstance(value, tuple) else (value,):
            if isinstance(part, Expr):
                found |= _reads(part)
    return found


def _known(expr: Expr, values: Mapping[str, Value]) -> bool | None:
    """A condition's truth when some names are missing: ``None`` only if it depends on them.

    ``co_dvsncl and co_tthc`` is false for a unit without ĐVSNCL whatever ``co_tthc`` is.
    """
    if isinstance(expr, BoolOp):
        parts = [_known(v, values) for v in expr.values]
        decisive = expr.op == "or"  # True decides an 'or', False decides an 'and'
        if decisive in parts:
            return decisive
        return None if None in parts else not decisive
    if isinstance(expr, Not):
        inner = _known(expr.operand, values)
        return None if inner is None else not inner
    if _reads(expr) <= values.keys():
        return bool(evaluate(expr, values))
    return None


def applies(node: CompiledNode, values: Mapping[str, Value]) -> bool | None:
    """Whether a node's ``applies_if`` holds for these values; ``None`` when it cannot be known."""
    if node.applies_if is None:
        return True
    if node.applies_if.names <= values.keys():
        return bool(evaluate(node.applies_if, values))
    return _known(node.applies_if.root, values)


def _applicability(node: CompiledNode, ctx: _Context) -> tuple[bool | None, list[str]]:
    known = applies(node, ctx.values)
    if known is None and node.applies_if is not None:
        return None, sorted(node.applies_if.names - ctx.values.keys())
    return known, []


def _used_inputs(node: CompiledNode, ctx: _Context) -> list[UsedInput]:
    names = sorted(node.inputs | (node.applies_if.names if node.applies_if else frozenset()))
    used = []
    for name in names:
        value = ctx.values.get(name)
        used.append(
            UsedInput(
                name=name,
                label=ctx.labels.get(name, name),
                value=None if value is None else _canonical(value),
                display="(thiếu)" if value is None else _display(value, ctx.types.get(name)),
            )
        )
    return used


def _evidence_by_node(compiled: CompiledSet, submission: Submission) -> dict[str, list[str]]:
    """For each node, the documents citing it, one of its ancestors or one of its descendants.

    Computed once per unit: direct citations, then pushed down to descendants and up to
    ancestors along the tree (documents keep their submission order).
    """
    documents = submission.all_documents()
    direct: dict[str, set[int]] = {code: set() for code in compiled.nodes}
    for index, document in enumerate(documents):
        for code in document.supports:
            if code in direct:
                direct[code].add(index)
    below: dict[str, set[int]] = {}
    for code in reversed(list(compiled.nodes)):  # children come after their parent
        below[code] = direct[code].union(*(below[c] for c in compiled.children.get(code, ())))
    result: dict[str, list[str]] = {}

    def visit(code: str, above: set[int]) -> None:
        here = above | direct[code]
        result[code] = [documents[i].id for i in sorted(here | below[code])]
        for child in compiled.children.get(code, ()):
            visit(child, here)

    for area in compiled.children.get(None, ()):
        visit(area, set())
    return result


def _result(node: CompiledNode, ctx: _Context, **fields: object) -> NodeResult:
    evidence = ctx.evidence[node.code]
    expected = list(node.node.evidence)
    base: dict[str, object] = {
        "code": node.code,
        "parent": node.parent,
        "depth": node.depth,
        "kind": node.node.kind.value,
        "title": node.node.title,
        "rule": node.node.rule.kind if node.node.rule else None,
        "rule_text": node.node.rule.text if node.node.rule else None,
        "declared_max": node.node.max_points,
        "provisional": node.provisional,
        "inputs": _used_inputs(node, ctx),
        "evidence": evidence,
        "evidence_expected": expected,
        "evidence_missing": bool(expected) and not evidence,
        "applicability_note": node.node.applicability_note,
    }
    base.update(fields)
    return NodeResult.model_validate(base)


def _mark_subtree(
    node: CompiledNode,
    ctx: _Context,
    results: list[NodeResult],
    status: Status,
    why: tuple[str, str],
    missing: list[str] | None = None,
) -> None:
    """Record ``node`` and all its descendants with one status (not applicable, undetermined)."""
    undetermined = status == Status.MISSING_INPUT
    counted = node.node.max_points if undetermined and node.counts_in_max else _ZERO
    results.append(
        _result(
            node,
            ctx,
            status=status,
            points=None,
            max_points=counted,
            undetermined_points=node.node.max_points if undetermined else _ZERO,
            missing=missing or [],
            explanation=why[0],
            explanation_en=why[1],
        )
    )
    via = (f"Không áp dụng (theo {node.code})", f"Not applicable (via {node.code})")
    if undetermined:
        via = (f"Chưa xác định (theo {node.code})", f"Undetermined (via {node.code})")
    for child in ctx.compiled.children.get(node.code, ()):
        _mark_subtree(ctx.compiled.nodes[child], ctx, results, status, via)


def _score_leaf(node: CompiledNode, ctx: _Context) -> NodeResult:
    rule: Rule | None = node.node.rule
    assert rule is not None
    top = node.node.max_points
    counted = top if node.counts_in_max else _ZERO
    if isinstance(rule, SurveyRule):
        points = ctx.survey.get(node.code)
        if points is None:
            ctx.missing.setdefault(SURVEY_INPUT, []).append(node.code)
            return _result(
                node,
                ctx,
                status=Status.SURVEY,
                points=None,
                max_points=counted,
                undetermined_points=top,
                missing=[SURVEY_INPUT],
                explanation="Chấm bằng điều tra xã hội học; chưa có kết quả điều tra",
                explanation_en="Scored by the survey; no survey result yet",
            )
        return _result(
            node,
            ctx,
            status=Status.SURVEY,
            points=points,
            max_points=counted,
            explanation=f"Kết quả điều tra xã hội học: {format_points(points)}/"
            f"{format_points(top)} điểm",
            explanation_en=f"Survey result: {format_points(points)}/{format_points(top)} points",
        )
    missing = sorted(node.inputs - ctx.values.keys())
    if missing:
        for name in missing:
            ctx.missing.setdefault(name, []).append(node.code)
        labels = "; ".join(ctx.labels.get(n, n) for n in missing)
        return _result(
            node,
            ctx,
            status=Status.MISSING_INPUT,
            points=None,
            max_points=counted,
            undetermined_points=top,
            missing=missing,
            explanation=f"Chưa chấm được: thiếu số liệu {labels}",
            explanation_en=f"Not scored: missing {', '.join(missing)}",
        )
    try:
        outcome = _SCORERS[type(rule)](rule, node, ctx, top)
    except EvaluationError as exc:
        return _result(
            node,
            ctx,
            status=Status.ERROR,
            points=None,
            max_points=counted,
            undetermined_points=top,
            explanation=f"Không tính được: {exc}",
            explanation_en=f"Could not be evaluated: {exc}",
        )
    points = quantize(outcome.points, ctx.criteria.precision)
    return _result(
        node,
        ctx,
        status=Status.SCORED,
        points=points,
        max_points=counted,
        explanation=outcome.vi,
        explanation_en=outcome.en,
    )


def _score_node(node: CompiledNode, ctx: _Context, results: list[NodeResult]) -> NodeResult | None:
    applies, missing = _applicability(node, ctx)
    if applies is False:
        note = node.node.applicability_note or f"Điều kiện áp dụng: {node.node.applies_if}"
        _mark_subtree(
            node,
            ctx,
            results,
            Status.NOT_APPLICABLE,
            (
                f"Không áp dụng cho đơn vị ({note})",
                f"Not applicable to this unit ({node.node.applies_if})",
            ),
        )
        return None
    if applies is None:
        for name in missing:
            ctx.missing.setdefault(name, []).append(node.code)
        labels = ", ".join(ctx.labels.get(n, n) for n in missing)
        _mark_subtree(
            node,
            ctx,
            results,
            Status.MISSING_INPUT,
            (
                f"Chưa xác định được có áp dụng hay không: thiếu {labels}",
                f"Applicability undetermined: missing {', '.join(missing)}",
            ),
            missing,
        )
        return results[len(results) - sum(1 for _ in node.node.walk())]
    if node.node.is_leaf:
        result = _score_leaf(node, ctx)
        results.append(result)
        return result
    position = len(results)
    results.append(None)  # type: ignore[arg-type]  # placeholder, replaced below
    children = [
        r
        for code in ctx.compiled.children.get(node.code, ())
        if (r := _score_node(ctx.compiled.nodes[code], ctx, results)) is not None
    ]
    result = _aggregate(node, children, ctx)
    results[position] = result
    # A parent none of whose parts applies does not apply either: its own parent leaves it out.
    return None if result.status == Status.NOT_APPLICABLE else result


def _upper(child: NodeResult) -> Decimal:
    """The most a child could still be worth once its missing inputs are known."""
    if child.points is None:
        return _ZERO if child.rule == "penalty" else child.max_points
    return child.points + child.undetermined_points


def _aggregate(node: CompiledNode, children: list[NodeResult], ctx: _Context) -> NodeResult:
    if not children:
        return _result(
            node,
            ctx,
            status=Status.NOT_APPLICABLE,
            points=None,
            max_points=_ZERO,
            explanation="Không có nội dung nào áp dụng cho đơn vị",
            explanation_en="No part applies to this unit",
        )
    aggregation = node.node.aggregation
    counted = [c for c in children if c.rule not in ("bonus", "penalty")]
    determined = [c for c in children if c.points is not None]
    if aggregation == Aggregation.MAX:
        top = max((c.max_points for c in counted), default=_ZERO)
        points = max((c.points for c in determined if c.points is not None), default=_ZERO)
        upper = max((_upper(c) for c in children), default=_ZERO)
        formula = "cao nhất của " + ", ".join(format_points(c.points) for c in determined)
        formula_en = "best of " + ", ".join(format_points(c.points) for c in determined)
    else:
        raw_top = sum((c.max_points for c in counted), _ZERO)
        top = (
            min(raw_top, node.node.max_points) if aggregation == Aggregation.CAPPED_SUM else raw_top
        )
        points = sum((c.points for c in determined if c.points is not None), _ZERO)
        upper = sum((_upper(c) for c in children), _ZERO)
        terms = _signed_terms([c.points for c in determined if c.points is not None])
        formula, formula_en = f"tổng {terms}", f"sum {terms}"
    capped_vi = capped_en = ""
    if points > top:
        capped_vi, capped_en = (
            f" (vượt tối đa, lấy {format_points(top)})",
            f" (capped at {format_points(top)})",
        )
        points = top
    if points < 0:
        capped_vi, capped_en = " (không âm, lấy 0)", " (floored at 0)"
        points = _ZERO
    undetermined = max(_ZERO, min(upper, top) - points)
    partial = any(c.points is None or c.undetermined_points for c in children)
    excluded = len(ctx.compiled.children.get(node.code, ())) - len(children)
    note_vi = f"; {excluded} nội dung không áp dụng" if excluded else ""
    note_en = f"; {excluded} part(s) not applicable" if excluded else ""
    if partial:
        note_vi += f"; {format_points(undetermined)} điểm chưa xác định"
        note_en += f"; {format_points(undetermined)} points undetermined"
    return _result(
        node,
        ctx,
        status=Status.PARTIAL if partial else Status.SCORED,
        points=points,
        max_points=top,
        undetermined_points=undetermined if partial else _ZERO,
        explanation=f"{formula} = {format_points(points)}/{format_points(top)} điểm{capped_vi}{note_vi}",
        explanation_en=f"{formula_en} = {format_points(points)}/{format_points(top)} points{capped_en}{note_en}",
    )


def score(criteria: CriteriaSet, submission: Submission | CheckedSubmission) -> ScoreReport:
    """Score a unit on a criteria set; raise :class:`SubmissionError` for a bad submission.

    >>> report = score(criteria, load_submission("evidence/..."))  # doctest: +SKIP
    >>> report.total, report.index, report.band  # doctest: +SKIP
    """
    checked = (
        submission
        if isinstance(submission, CheckedSubmission)
        else check_submission(criteria, submission)
    )
    compiled = criteria.compiled
    labels = _labels(criteria)
    types: dict[str, InputType | None] = {i.name: i.type for i in criteria.inputs}
    ctx = _Context(
        criteria,
        compiled,
        checked.values,
        labels,
        types,
        survey=checked.submission.survey,
        evidence=_evidence_by_node(compiled, checked.submission),
    )
    results: list[NodeResult] = []
    areas = [
        r
        for code in compiled.children.get(None, ())
        if (r := _score_node(compiled.nodes[code], ctx, results)) is not None
    ]
    total = sum((a.points for a in areas if a.points is not None), _ZERO)
    max_points = sum((a.max_points for a in areas), _ZERO)
    total = min(max(total, _ZERO), max_points)
    undetermined = sum((a.undetermined_points for a in areas), _ZERO)
    index = quantize(total * _HUNDRED / max_points, Decimal("0.01")) if max_points else None
    band = None
    if index is not None:
        level = checked.submission.unit.level.value
        band = classify(index, compiled, level)
        if undetermined:
            upper = quantize(
                min(total + undetermined, max_points) * _HUNDRED / max_points, Decimal("0.01")
            )
            if classify(upper, compiled, level) != band:
                band = None
    by_code = {r.code: r for r in results}

    def applicable_max(code: str) -> Decimal | None:
        result = by_code[code]
        return None if result.status == Status.NOT_APPLICABLE else result.max_points

    provisional_scored = sum(
        (
            r.points
            for r in results
            if r.rule not in (None, "bonus", "penalty") and r.provisional and r.points is not None
        ),
        _ZERO,
    )
    unit = checked.submission.unit
    return ScoreReport(
        criteria_id=criteria.id,
        criteria_title=criteria.title,
        criteria_digest=criteria.digest,
        year=checked.submission.year,
        unit=UnitSummary(
            id=unit.id,
            name=unit.name,
            level=unit.level.value,
            group=unit.group,
            sample=checked.submission.sample,
            synthetic=checked.submission.synthetic,
        ),
        total=total,
        max_points=max_points,
        index=index,
        band=band,
        complete=not undetermined,
        undetermined_points=undetermined,
        provisional_points=compiled.provisional_points(maximum=applicable_max),
        provisional_points_scored=provisional_scored,
        missing_inputs=[
            MissingInput(name=n, label=labels.get(n, n), codes=codes)
            for n, codes in ctx.missing.items()
        ],
        nodes=results,
        documents=checked.submission.all_documents(),
    )

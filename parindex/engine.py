"""The engine: score one unit's submission on a criteria set, exactly.

Leaves are scored by their rule kind (:mod:`parindex.rules`): the points are the
leaf's lowered expression evaluated exactly (rounded half up to the set's
``precision``), the explanation is the kind's; parents aggregate their children exactly, so a
parent always equals the sum of its children and the total the sum of the areas.
Missing inputs are never 0: the node is ``missing_input``, the report lists the
inputs and how many points they leave undetermined. Not-applicable nodes leave
the maximum, and the index is taken over what applies.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, TypeVar

from pydantic import BaseModel

from parindex import engine_units, tree
from parindex.applicability import applies
from parindex.compiler import CompiledNode, CompiledSet
from parindex.criteria import Aggregation, CriteriaSet
from parindex.errors import EvaluationError
from parindex.expressions import Value
from parindex.messages import expression_words, many
from parindex.per_set import PerSet
from parindex.report import (
    MissingInput,
    NodeResult,
    ScoreReport,
    Status,
    UnitSummary,
    UsedInput,
    format_points,
)
from parindex.rules import SHIPPED, Scope
from parindex.rules._explain import canonical, display
from parindex.rules._scope import scope_of
from parindex.submission import CheckedSubmission, Submission, check_submission
from parindex.tree import classify

__all__ = ["applies", "classify", "leaf_points", "score"]

_ZERO = Decimal(0)
_HUNDRED = Decimal(100)


@dataclass
class _Context:
    criteria: CriteriaSet
    compiled: CompiledSet
    values: Mapping[str, Value]
    scope: Scope
    missing: dict[str, list[str]] = field(default_factory=dict)
    evidence: Mapping[str, list[str]] = field(default_factory=dict)
    share: bool = False
    """Results shared between reports (:func:`score`'s ``share``)."""
    used: dict[str, UsedInput] = field(default_factory=dict)
    """Each name's value as the report shows it, made once a unit (frozen: shared)."""
    shared: _Shared = field(init=False)
    """What the units of the set share (:func:`_shared`)."""
    marks: dict[str, engine_units.Mark] | None = None
    """Sharing: the unit's values as keys hold them (:func:`_subtree`)."""
    cited: bool = True
    """Whether some node has evidence (else every node's evidence is empty)."""
    unkept: int = 0
    """Results made that depend on more than their node's values (missing inputs, the
    survey, a program's own kind): a subtree holding one is not kept."""

    def __post_init__(self) -> None:
        self.shared = _shared(self.criteria)

    @property
    def labels(self) -> Mapping[str, str]:
        return self.scope.labels


def leaf_points(criteria: CriteriaSet, code: str, values: Mapping[str, Value]) -> Decimal:
    """The points a rule-scored leaf earns on these values, rounded to the set's precision.

    The leaf's lowered expression (:meth:`parindex.rules.RuleKind.lower`) evaluated
    exactly, for callers (the batch path) that decide status and applicability
    themselves. Every input the rule reads must be present; raises
    :class:`EvaluationError` when the rule cannot be evaluated.
    """
    node = criteria.compiled.nodes[code]
    assert node.leaf is not None and node.rule is not None, code
    return node.leaf.points(scope_of(criteria, values))


# --- the tree -------------------------------------------------------------------------


def _applicability(node: CompiledNode, ctx: _Context) -> tuple[bool | None, list[str]]:
    known = applies(node, ctx.values)
    if known is None and node.applies_if is not None:
        return None, sorted([n for n in node.applies_if.names if n not in ctx.values])
    return known, []


def _used_inputs(node: CompiledNode, ctx: _Context) -> list[UsedInput]:
    used = []
    known = ctx.used
    for name in node.names_read:
        shown = known.get(name)
        if shown is None:
            shown = known[name] = _shown(name, ctx.values.get(name), ctx)
        used.append(shown)
    return used


_CAREFUL = False
"""``True``: every result validated by pydantic and every input's display made anew (the
careful path, which ``tests/test_engine_results.py`` compares the usual one with)."""

_SHOWN_MOST = 10_000  # about 1 kB each: at most some 10 MB a set
_KNOWN_MOST = 32  # results a node keeps: about 3 kB each, at most some 16 MB a set of 160 nodes


@dataclass
class _Shared:
    """What the units of a set share: each name's shown value by :func:`_exact` key, and
    each node's results by the values it depends on (:func:`_recalled`)."""

    shown: dict[tuple[object, ...], UsedInput] = field(default_factory=dict)
    nodes: dict[str, dict[tuple[object, ...], engine_units.Kept]] = field(default_factory=dict)
    provisional: dict[tuple[str, ...], Decimal] = field(default_factory=dict)
    """The provisional points by every node's applicable maximum (:func:`engine_units.provisional`)."""
    provisional_rules: tuple[int, ...] | None = None
    """Where a unit's results hold the provisional rule-scored leaves counting in the maximum."""
    static: dict[str, dict[str, object]] = field(default_factory=dict)
    """Each node's result fields that are the same for every unit (:func:`_static`)."""
    units: dict[tuple[object, ...], engine_units.Whole] = field(default_factory=dict)
    """A unit's whole results by its values and survey (:func:`_unit_key`)."""
    same: dict[tuple[object, ...], engine_units.Given] = field(default_factory=dict)
    """The results given to callers sharing them, by the same key (:func:`engine_units.given`)."""
    reach: dict[tuple[str, ...], tuple[str, ...]] = field(default_factory=dict)
    """The nodes a document citing these codes is evidence for (:func:`_evidence_by_node`)."""
    seen: set[int] = field(default_factory=set)
    """The hashes of the unit keys seen once (:func:`engine_units.seen`)."""
    whole: bool | None = None
    """Whether whole units are kept: every kind of the set shipped (:func:`_whole_kept`)."""
    below: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = field(default_factory=dict)
    """Each parent's names read in its subtree and its subtree's codes
    (:func:`engine_units.names_below`)."""
    subtrees: engine_units.Subtrees = field(default_factory=dict)
    """Each parent's subtrees by the values they read (:func:`engine_units.keep_subtree`)."""


_SHARED: PerSet[_Shared] = PerSet(lambda criteria: _Shared())
"""Each set's :class:`_Shared`, made on its first unit (a few sets kept)."""
_shared = _SHARED


def _exact(value: object) -> tuple[object, object]:
    """A key equal only for values of one type and the same digits: ``True == 1 ==
    Decimal("1.0")``, and ``1.0`` and ``1.00`` show differently (``str`` keeps the digits)."""
    return type(value), str(value) if isinstance(value, Decimal) else value


def _shown(name: str, value: Value | None, ctx: _Context) -> UsedInput:
    """A name's value as a report shows it, made once a set for equal values of the same
    type and digits (frozen, holding text only: the reports of a set share it)."""
    if _CAREFUL:
        return _used_input(name, value, ctx)
    made = ctx.shared.shown
    key = (name, _exact(value))
    shown = made.get(key)
    if shown is None:
        if len(made) >= _SHOWN_MOST:
            made.clear()
        shown = made[key] = _used_input(name, value, ctx)
    return shown


_USED_GIVEN = frozenset(UsedInput.model_fields)


def _used_input(name: str, value: Value | None, ctx: _Context) -> UsedInput:
    fields = {
        "name": name,
        "label": ctx.labels.get(name, name),
        "value": None if value is None else canonical(value),
        "display": "(thiếu)"
        if value is None
        else display(value, ctx.scope.types.get(name), choices=ctx.scope.choices.get(name)),
    }  # text typed here, in the model's order: made without validating again
    return made(UsedInput, fields, _USED_GIVEN)


_SET_FIELDS_SET, _SET_EXTRA, _SET_PRIVATE, _SET_DICT = (
    BaseModel.__dict__[name].__set__
    for name in (
        "__pydantic_fields_set__",
        "__pydantic_extra__",
        "__pydantic_private__",
        "__dict__",
    )
)
_new = object.__new__
M = TypeVar("M", bound=BaseModel)


def made(model: type[M], values: dict[str, Any], given: frozenset[str]) -> M:
    """The model ``model.model_validate`` makes of ``values``' fields in ``given``, made
    without validating again values the caller typed itself (exactly the fields' types,
    lists of their own): the same ``__dict__`` (``values``: every field, in the model's
    order, defaults where not given), fields set, extra and private slots — the four
    pydantic's validation sets. With :data:`_CAREFUL`, pydantic validates them.
    ``tests/test_engine_results.py`` proves the two equal for the engine's and the
    review's models."""
    if _CAREFUL:
        return model.model_validate({name: values[name] for name in given})
    result = _new(model)
    _SET_DICT(result, values)
    _SET_FIELDS_SET(result, set(given))
    _SET_EXTRA(result, None)
    _SET_PRIVATE(result, None)
    return result


def template(model: type[BaseModel], fields: Mapping[str, object]) -> dict[str, Any]:
    """Every field of ``model`` in its order: ``fields``' values, else the field's default
    (``None`` for a default made by a factory or a field without one: the caller sets it)."""
    return {
        name: fields[name]
        if name in fields
        else None
        if info.default_factory is not None or info.is_required()
        else info.default
        for name, info in model.model_fields.items()
    }


def _static(node: CompiledNode, ctx: _Context) -> dict[str, object]:
    """A node's result with the fields that are the same for every unit (built once a node
    of the set)."""
    found = ctx.shared.static.get(node.code)
    if found is None:
        rule = node.node.rule
        static: dict[str, object] = {
            "code": node.code,
            "parent": node.parent,
            "depth": node.depth,
            "kind": node.node.kind.value,
            "title": node.node.title,
            "rule": rule.kind if rule else None,
            "rule_text": rule.text if rule else None,
            "declared_max": node.node.max_points,
            "provisional": node.provisional,
            "applicability_note": node.node.applicability_note,
        }
        found = ctx.shared.static[node.code] = template(NodeResult, static)
    return found


# The fields a result is given (its fields set): all but the undetermined points or the
# missing names, which some results leave at their defaults.
_GIVEN = frozenset(NodeResult.model_fields.keys() - {"undetermined_points", "missing"})
_GIVEN_EACH = {
    (undetermined, missing): _GIVEN
    | ({"undetermined_points"} if undetermined else set())
    | ({"missing"} if missing else set())
    for undetermined in (True, False)
    for missing in (True, False)
}


def _result(
    node: CompiledNode,
    ctx: _Context,
    status: Status,
    points: Decimal | None,
    max_points: Decimal,
    explanation: str,
    explanation_en: str,
    undetermined: Decimal | None = None,
    missing: list[str] | None = None,
) -> NodeResult:
    """A node's result; ``undetermined`` and ``missing`` left out (``None``) take the
    model's defaults, as when they are not given to ``model_validate``."""
    values = dict(_static(node, ctx))
    values["status"] = status
    values["points"] = points
    values["max_points"] = max_points
    if undetermined is not None:
        values["undetermined_points"] = undetermined
    values["inputs"] = _used_inputs(node, ctx)
    values["missing"] = [] if missing is None else missing
    values["explanation"] = explanation
    values["explanation_en"] = explanation_en
    _evidence(values, node, ctx)
    given = _GIVEN_EACH[undetermined is not None, missing is not None]
    if points is not None and type(points) is not Decimal:  # a kind's own type: validated
        return NodeResult.model_validate({name: values[name] for name in given})
    return made(NodeResult, values, given)


def _evidence(values: dict[str, Any], node: CompiledNode, ctx: _Context) -> None:
    """A result's evidence fields: the unit's documents for the node, and those expected."""
    evidence = ctx.evidence[node.code]
    expected = list(node.node.evidence)
    values["evidence"] = evidence
    values["evidence_expected"] = expected
    values["evidence_missing"] = bool(expected) and not evidence


# --- results shared by the units of a set -----------------------------------------------


def _key(
    node: CompiledNode, ctx: _Context, children: list[NodeResult] | None = None
) -> tuple[object, ...]:
    """What a node's result depends on beside the set and the unit's evidence: the values of
    the names it reads (its rule's and its applicability's: the inputs it shows), and for a
    parent its parts' codes, points, maxima and undetermined points (with their digits)."""
    key: list[object] = []  # flat: fewer tuples made (and tracked by the collector)
    for v in map(ctx.values.get, node.names_read):  # as _exact, without a call a name
        key += (type(v), str(v) if isinstance(v, Decimal) else v)
    if children is not None:
        for c in children:
            key += (c.code, str(c.points), str(c.max_points), str(c.undetermined_points))
    return tuple(key)


def _recalled(node: CompiledNode, ctx: _Context, key: tuple[object, ...]) -> NodeResult | None:
    """The result a unit of the set with an equal :func:`_key` got, with this unit's
    evidence and lists of its own, or sharing results the same object where the evidence
    is equal (``None``: none yet, or the careful path)."""
    known = ctx.shared.nodes.get(node.code)
    found = None if known is None or _CAREFUL else known.get(key)
    if found is None:
        return None
    mine = found.shared  # a unit sharing results: the same object for the same evidence
    if ctx.share and mine is not None and mine.evidence == ctx.evidence[node.code]:
        return mine
    values = dict(found.values)
    values["inputs"] = list(values["inputs"])
    values["missing"] = []
    _evidence(values, node, ctx)
    result = made(NodeResult, values, found.given)
    if ctx.share:
        found.shared = result
    return result


def _remember(
    node: CompiledNode, ctx: _Context, key: tuple[object, ...], result: NodeResult
) -> None:
    """Keep ``result`` for the units to come with an equal key (the first few keys a node);
    not a result naming missing names (the unit's list of missing inputs records them)."""
    if _CAREFUL or result.missing:
        return
    known = ctx.shared.nodes.setdefault(node.code, {})
    if len(known) < _KNOWN_MOST:
        values = dict(result.__dict__)
        values["inputs"] = tuple(values["inputs"])  # copied again for each unit
        values["evidence"] = values["evidence_expected"] = None  # the unit's: set each time
        given = frozenset(result.__pydantic_fields_set__)
        known[key] = engine_units.Kept(values, given, result if ctx.share else None)


def _mark_subtree(
    node: CompiledNode,
    ctx: _Context,
    results: list[NodeResult],
    why: tuple[str, str],
    missing: list[str] | None = None,
) -> None:
    """Record ``node`` and all its descendants as undetermined (whether they apply is not
    known; not applicable: :func:`_not_applicable`)."""
    ctx.unkept += 1
    top = node.node.max_points
    result = _result(
        node,
        ctx,
        status=Status.MISSING_INPUT,
        points=None,
        max_points=top if node.counts_in_max else _ZERO,
        undetermined=top,
        missing=missing or [],
        explanation=why[0],
        explanation_en=why[1],
    )
    results.append(result)
    via = (f"Chưa xác định (theo {node.code})", f"Undetermined (via {node.code})")
    for child in ctx.compiled.children.get(node.code, ()):
        _mark_subtree(ctx.compiled.nodes[child], ctx, results, via)


_OUT = object()
"""In a key, before whether a node heads the subtree that does not apply (no value's type)."""


def _not_applicable(
    node: CompiledNode, ctx: _Context, results: list[NodeResult], head: bool = True
) -> None:
    """Record ``node``, whose condition does not hold (``head``) or whose ancestor's does not,
    and its descendants as not applicable. Each result depends on the values its node reads
    and on ``head`` alone: shared with the units of the set as a scored node's is."""
    key = (*_key(node, ctx), _OUT, head)
    result = _recalled(node, ctx, key)
    if result is None:
        if head:
            condition = node.applies_if.root if node.applies_if else None
            words = (
                (
                    expression_words(condition, ctx.labels),
                    expression_words(condition, ctx.labels, "en"),
                )
                if condition is not None
                else ("", "")
            )  # the condition in words: never a fact's code
            note = node.node.applicability_note or f"Điều kiện áp dụng: {words[0]}"
            vi = f"Không áp dụng cho đơn vị ({note})"
            en = f"Not applicable to this unit (condition: {words[1]})"
        else:
            vi, en = f"Không áp dụng (theo {node.parent})", f"Not applicable (via {node.parent})"
        result = _result(
            node,
            ctx,
            status=Status.NOT_APPLICABLE,
            points=None,
            max_points=_ZERO,
            undetermined=_ZERO,
            missing=[],
            explanation=vi,
            explanation_en=en,
        )
        _remember(node, ctx, key, result)
    results.append(result)
    for child in ctx.compiled.children.get(node.code, ()):
        _not_applicable(ctx.compiled.nodes[child], ctx, results, head=False)


_STATUS = {status.value: status for status in Status}


def _score_leaf(node: CompiledNode, ctx: _Context) -> NodeResult:
    kind, leaf = node.kind, node.leaf
    assert kind is not None and leaf is not None
    # a shipped kind's points and words depend on the values it reads alone (a program's own
    # kind may read more; a given kind reads the survey): its results are shared. A result
    # kept had every input (one missing is never kept), so an equal key has them all too.
    shared = SHIPPED.get(kind.name) is kind and not kind.given
    key = _key(node, ctx) if shared else ()
    if shared and (found := _recalled(node, ctx, key)) is not None:
        return found
    top = node.node.max_points
    counted = top if node.counts_in_max else _ZERO
    # the rule's few names looked up in the values (a set difference with the values' keys
    # would walk every value of the unit, for every leaf)
    missing = sorted([n for n in node.inputs if n not in ctx.values])
    if missing or not shared:
        ctx.unkept += 1
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
            undetermined=top,
            missing=missing,
            explanation=f"Chưa chấm được: thiếu số liệu {labels}",
            explanation_en=f"Not scored: missing {', '.join(missing)}",
        )
    try:
        outcome = kind.explain(node.rule, leaf, ctx.scope)
    except EvaluationError as exc:
        ctx.unkept += 1
        return _result(
            node,
            ctx,
            status=Status.ERROR,
            points=None,
            max_points=counted,
            undetermined=top,
            explanation=f"Không tính được: {exc}",
            explanation_en=f"Could not be evaluated: {exc}",
        )
    for name in outcome.missing:  # a survey result not given yet
        ctx.missing.setdefault(name, []).append(node.code)
    result = _result(
        node,
        ctx,
        status=_STATUS.get(outcome.status) or Status(outcome.status),
        points=outcome.points,
        max_points=counted,
        undetermined=top if outcome.points is None else _ZERO,
        missing=list(outcome.missing),
        explanation=outcome.vi,
        explanation_en=outcome.en,
    )
    if outcome.missing:
        ctx.unkept += 1
    if shared:
        _remember(node, ctx, key, result)
    return result


def _subtree(node: CompiledNode, ctx: _Context, results: list[NodeResult]) -> NodeResult | None:
    """A parent's result and its descendants' (:func:`_score_node`) for a unit sharing
    results: where an earlier unit's subtree read the same values and had the same evidence,
    its results, the same objects, without a walk (:mod:`parindex.engine_units`)."""
    assert ctx.marks is not None
    shared = ctx.shared
    names, codes = shared.below[node.code]
    key = tuple(map(ctx.marks.get, names))
    evidence = tuple(map(ctx.evidence.__getitem__, codes)) if ctx.cited else ()
    evidence = evidence if any(evidence) else ()  # none: as for a unit citing nothing
    found = engine_units.subtree(shared.subtrees.get(node.code), key, evidence)
    if found is not None:
        results += found.results
        return found.top
    start, unkept = len(results), ctx.unkept
    top = _score_node(node, ctx, results, look=False)
    if ctx.unkept == unkept:
        made = engine_units.Subtree(tuple(results[start:]), evidence, top)
        engine_units.keep_subtree(shared.subtrees, node.code, key, made)
    return top


def _score_node(
    node: CompiledNode, ctx: _Context, results: list[NodeResult], look: bool = True
) -> NodeResult | None:
    """A node's result, its descendants' added to ``results`` (``None``: it does not apply);
    ``look``: a parent's subtree looked up first where the unit shares results (:func:`_subtree`)."""
    if look and ctx.marks is not None and node.code in ctx.shared.below:
        return _subtree(node, ctx, results)
    applies, missing = (True, []) if node.applies_if is None else _applicability(node, ctx)
    if applies is False:
        _not_applicable(node, ctx, results)
        return None
    if applies is None:
        for name in missing:
            ctx.missing.setdefault(name, []).append(node.code)
        labels = ", ".join(ctx.labels.get(n, n) for n in missing)
        _mark_subtree(
            node,
            ctx,
            results,
            (
                f"Chưa xác định được có áp dụng hay không: thiếu {labels}",
                f"Applicability undetermined: missing {labels}",
            ),
            missing,
        )
        return results[len(results) - sum(1 for _ in node.node.walk())]
    if node.is_leaf:
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


def _signed_terms(values: list[Decimal]) -> str:
    """``0,5 + 0,25 − 0,25``: penalties shown with a minus sign, not ``+ -0,25``."""
    text = ""
    for index, value in enumerate(values):
        below = value < 0
        shown = format_points(value if value > 0 else abs(value))  # a new decimal only where due
        if index == 0:
            text = ("−" if below else "") + shown
        else:
            text += (" − " if below else " + ") + shown
    return text


def _aggregate(node: CompiledNode, children: list[NodeResult], ctx: _Context) -> NodeResult:
    """A parent's result: shared with the units whose parts scored the same (:func:`_key`)."""
    key = _key(node, ctx, children)
    result = _recalled(node, ctx, key)
    if result is None:
        result = _combine(node, children, ctx)
        _remember(node, ctx, key, result)
    return result


def _combine(node: CompiledNode, children: list[NodeResult], ctx: _Context) -> NodeResult:
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
    nodes = ctx.compiled.nodes
    parts: list[tuple[bool, bool, Decimal, Decimal, Decimal, bool, int]] = []
    shown: list[Decimal] = []
    for c in children:  # each part as tree.Part holds it, in one pass
        compiled, got = nodes[c.code], c.points
        if got is not None:
            shown.append(got)
        parts.append(
            (
                True,
                got is not None,
                _ZERO if got is None else got,
                c.max_points,
                c.undetermined_points,
                compiled.counts_in_max,
                compiled.sign,
            )
        )
    how, cap = node.node.aggregation, node.node.max_points
    combined = (
        tree.aggregate(how, [tree.Part(*p) for p in parts], cap, tree.DECIMALS)
        if _CAREFUL
        else tree.aggregate_decimals(how, parts, cap)
    )
    points, top, undetermined, partial = (
        combined.points,
        combined.top,
        combined.undetermined,
        combined.partial,
    )
    if how == Aggregation.MAX:
        listed = ", ".join(map(format_points, shown))
        formula, formula_en = "cao nhất của " + listed, "best of " + listed
    else:
        terms = _signed_terms(shown)
        formula, formula_en = f"tổng {terms}", f"sum {terms}"
    at, of = format_points(points), format_points(top)
    capped_vi = capped_en = ""
    if combined.raw > top:
        capped_vi, capped_en = f" (vượt tối đa, lấy {of})", f" (capped at {of})"
    elif combined.raw < 0:
        capped_vi, capped_en = " (không âm, lấy 0)", " (floored at 0)"
    excluded = len(ctx.compiled.children.get(node.code, ())) - len(children)
    note_vi = f"; {excluded} nội dung không áp dụng" if excluded else ""
    note_en = f"; {many(excluded, 'part')} not applicable" if excluded else ""
    if partial:
        left = format_points(undetermined)
        note_vi += f"; {left} điểm chưa xác định"
        note_en += f"; {left} points undetermined"
    return _result(
        node,
        ctx,
        status=Status.PARTIAL if partial else Status.SCORED,
        points=points,
        max_points=top,
        undetermined=undetermined,
        explanation=f"{formula} = {at}/{of} điểm{capped_vi}{note_vi}",
        explanation_en=f"{formula_en} = {at}/{of} points{capped_en}{note_en}",
    )


def score(
    criteria: CriteriaSet, submission: Submission | CheckedSubmission, *, share: bool = False
) -> ScoreReport:
    """Score a unit on a criteria set; raise :class:`SubmissionError` for a bad submission.

    ``share``: the report's results may be the very objects an earlier unit's report with
    ``share`` holds (:func:`engine_units.given`; frozen, their lists not to be changed).

    >>> report = score(criteria, load_submission("evidence/..."))  # doctest: +SKIP
    >>> report.total, report.index, report.band  # doctest: +SKIP
    """
    checked = (
        submission
        if isinstance(submission, CheckedSubmission)
        else check_submission(criteria, submission)
    )
    compiled = criteria.compiled
    shared = _shared(criteria)
    evidence = engine_units.evidence_by_node(compiled, checked.submission, shared.reach, _CAREFUL)
    key = None
    if _whole_kept(compiled, shared):
        key = engine_units.key(checked.values, checked.submission.survey)
    whole = None if key is None else shared.units.get(key)
    if whole is not None and key is not None:  # the same values and survey: this evidence
        results = engine_units.given(whole, evidence, shared.same, key, share, made)
    else:  # kept the second time its key is seen; sharing, the first (nothing copied)
        keep = key is not None and len(shared.units) < engine_units.MOST
        keep = keep and key is not None and (share or engine_units.seen(shared.seen, key))
        results, whole = _scored(criteria, checked, evidence, keep, share, key)
        if keep and key is not None:
            shared.units[key] = whole
            if share:
                shared.same[key] = evidence, whole.shared
    total, max_points, undetermined, index, provisional, provisional_scored = whole.figures
    band = None
    if index is not None:
        upper = tree.index(min(total + undetermined, max_points), max_points)
        band = tree.band(compiled, checked.submission.unit.level.value, index, upper)
    unit = checked.submission.unit
    submitted = checked.submission
    summary = (unit.id, unit.name, unit.level.value, unit.group, submitted.sample)
    summary_fields = dict(zip(_UNIT_ORDER, (*summary, submitted.synthetic), strict=True))
    fields = {  # every field in the model's order, typed here: made without validating again
        "criteria_id": criteria.id,
        "criteria_title": criteria.title,
        "criteria_digest": criteria.digest,
        "year": submitted.year,
        "unit": made(UnitSummary, summary_fields, _UNIT),
        "total": total,
        "max_points": max_points,
        "index": index,
        "band": band,
        "complete": not undetermined,
        "undetermined_points": undetermined,
        "provisional_points": provisional,
        "provisional_points_scored": provisional_scored,
        "missing_inputs": [
            made(MissingInput, {"name": n, "label": label, "codes": list(codes)}, _MISSING)
            for n, label, codes in whole.missing
        ],
        "nodes": results,
        "documents": submitted.all_documents(),
    }
    return made(ScoreReport, fields, _REPORT)


_UNIT, _MISSING, _REPORT = (
    frozenset(model.model_fields) for model in (UnitSummary, MissingInput, ScoreReport)
)
_UNIT_ORDER = tuple(UnitSummary.model_fields)
"""The summary's fields in order (pydantic's ``model_fields`` read on the class: ~2 µs)."""


def _whole_kept(compiled: CompiledSet, shared: _Shared) -> bool:
    """Whether a unit's results are kept whole (:mod:`parindex.engine_units`): not on the
    careful path, and only for a set whose every kind is shipped (a program's own kind may
    read more than the unit's values and survey)."""
    if _CAREFUL:
        return False
    if shared.whole is None:
        shared.whole = all(
            SHIPPED.get(n.kind.name) is n.kind for n in compiled.nodes.values() if n.kind
        )
    return shared.whole


def _scored(
    criteria: CriteriaSet,
    checked: CheckedSubmission,
    evidence: dict[str, list[str]],
    keep: bool,
    share: bool = False,
    key: tuple[object, ...] | None = None,
) -> tuple[list[NodeResult], engine_units.Whole]:
    """A unit's results, node by node, and its figures (with ``keep``, its results too, to
    be given again: :func:`engine_units.given`; sharing, the results themselves)."""
    compiled = criteria.compiled
    scope = scope_of(criteria, checked.values, checked.submission.survey)
    ctx = _Context(criteria, compiled, checked.values, scope, evidence=evidence, share=share)
    if share and not _CAREFUL:  # a unit's subtrees given whole (:func:`_score_node`)
        if not ctx.shared.below:
            ctx.shared.below.update(engine_units.names_below(compiled))
        ctx.marks = engine_units.marks(key or engine_units.key(checked.values, {}))
        ctx.cited = any(evidence.values())
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
    # the provisional points kept for the units of the set (not on the careful path)
    known, at = ({}, None) if _CAREFUL else (ctx.shared.provisional, ctx.shared.provisional_rules)
    provisional, provisional_scored, at = engine_units.provisional(compiled, results, known, at)
    if not _CAREFUL:
        ctx.shared.provisional_rules = at
    figures = (
        total,
        max_points,
        undetermined,
        tree.index(total, max_points),
        provisional,
        provisional_scored,
    )
    labels = scope.labels
    missing = tuple((n, labels.get(n, n), tuple(codes)) for n, codes in ctx.missing.items())
    if keep and share:
        return results, engine_units.Whole(None, figures, missing, tuple(results))
    kept = tuple(engine_units.kept(r) for r in results) if keep else ()
    return results, engine_units.Whole(kept, figures, missing)

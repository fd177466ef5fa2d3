"""A unit's results kept whole, for the units of a set that give the same values.

The engine's results depend on the set, the unit's values and survey points (all a rule
kind is given: :class:`parindex.rules.Scope`), and its documents (each result's evidence
fields alone). Units whose values and survey are equal in type and digits (:func:`key`)
get the same results but for their evidence: the engine keeps the first few units' results
(:class:`Whole`), each the second time it is seen (the first time for a caller sharing
results: nothing is copied then), and gives each such unit a copy
(:func:`again`) with its own evidence and lists, instead of walking the tree node by node —
a province's workbook that holds the same unit's figures under several self-scores or
names, or a unit reviewed twice. A caller that only reads the results (``share``: the
Excel export) gets the very objects an earlier sharing unit got where its evidence is
equal too (:func:`given`; a node recalled alone likewise: :class:`Kept`).
Kept only when every kind of the set is shipped (a program's own kind may read more than
it is given) and never on the careful path (``engine._CAREFUL``), which the tests compare
with (``tests/test_engine_units.py``).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from parindex import tree
from parindex.compiler import CompiledSet
from parindex.expressions import Value
from parindex.report import NodeResult, Status
from parindex.submission import Submission

__all__ = [
    "MOST",
    "PROVISIONAL_MOST",
    "REACH_MOST",
    "SEEN",
    "SUBTREES_MOST",
    "Given",
    "Kept",
    "Subtree",
    "Whole",
    "again",
    "evidence_by_node",
    "given",
    "keep_subtree",
    "kept",
    "key",
    "marks",
    "names_below",
    "provisional",
    "seen",
    "subtree",
]

MOST = 16
"""Units a set keeps whole: about 250 kB each (158 results), some 4 MB a set at most. A
unit is kept the second time its key is seen (:data:`SEEN`): keeping costs more than a
unit never seen again would give back."""
SEEN = 10_000
"""The hashes of the keys seen once that a set remembers (emptied when full)."""
REACH_MOST = 10_000
"""The citations whose reach a set remembers (:func:`evidence_by_node`; emptied when full)."""

_ZERO = Decimal(0)

Figures = tuple[Decimal, Decimal, Decimal, Decimal | None, Decimal, Decimal]
"""A unit's total, maximum, undetermined points, index, provisional points and those scored."""


@dataclass(slots=True)
class Whole:
    """A unit's results as every unit with an equal :func:`key` gets them."""

    nodes: tuple[tuple[dict[str, Any], frozenset[str]], ...] | None
    """Each result's fields in the model's order (its lists as tuples, no evidence of a
    unit's own) and the fields it was given, in tree order (:func:`kept`); ``None`` until
    needed where the results were :attr:`shared`."""
    figures: Figures
    missing: tuple[tuple[str, str, tuple[str, ...]], ...]
    """The missing inputs: name, label and the codes reading each, in the report's order."""
    shared: tuple[NodeResult, ...] = ()
    """The results themselves, kept the first time their key is seen by a unit sharing
    results (frozen, their lists never changed): :attr:`nodes` made of them when a unit
    with other evidence needs them (:func:`again`)."""


@dataclass(slots=True)
class Kept:
    """A node's result kept for the units of a set that give it an equal key
    (``engine._recalled``): its fields (its inputs as a tuple, no evidence), the fields it
    was given, and the result last given to a unit sharing results (``share``): given again
    as it is to a unit sharing them whose evidence for the node is equal."""

    values: dict[str, Any]
    given: frozenset[str]
    shared: NodeResult | None = None


Given = tuple[Mapping[str, list[str]], tuple[NodeResult, ...]]
"""A unit's evidence by node and the results given with it to callers sharing them
(:func:`given`)."""


def key(values: Mapping[str, Value], survey: Mapping[str, Decimal]) -> tuple[object, ...]:
    """Equal only for units whose values and survey points are equal in name, order, type
    and digits: each value's ``repr`` (``1.0`` and ``1.00`` are shown apart; ``True == 1``),
    made in C, not a Python step a value."""
    held = tuple(values.values())
    points = tuple(survey.values())
    return (
        tuple(values),
        tuple(map(type, held)),
        tuple(map(repr, held)),
        tuple(survey),
        tuple(map(type, points)),
        tuple(map(repr, points)),
    )


def seen(hashes: set[int], key: tuple[object, ...]) -> bool:
    """Whether a unit of this key was scored before: its hash is in ``hashes`` (a set's, at
    most :data:`SEEN`; an equal hash of another key only makes a unit kept), else added."""
    hashed = hash(key)
    if hashed in hashes:
        return True
    if len(hashes) >= SEEN:
        hashes.clear()
    hashes.add(hashed)
    return False


def kept(result: NodeResult) -> tuple[dict[str, Any], frozenset[str]]:
    """What :func:`again` needs of a result: its fields with its lists as tuples (each unit
    gets lists of its own) and its evidence left for the unit's."""
    values = dict(result.__dict__)
    for name in ("inputs", "missing", "evidence_expected"):
        values[name] = tuple(values[name])
    values["evidence"] = values["evidence_missing"] = None
    return values, frozenset(result.__pydantic_fields_set__)


def again(
    whole: Whole, evidence: Mapping[str, list[str]]
) -> Iterator[tuple[dict[str, Any], frozenset[str]]]:
    """Each result's fields for a unit with ``evidence`` (its documents by node, each list
    the unit's own), and the fields given: to be made into a :class:`NodeResult`."""
    if whole.nodes is None:
        whole.nodes = tuple(map(kept, whole.shared))
    for fields, given in whole.nodes:
        values = dict(fields)
        values["inputs"] = list(values["inputs"])
        values["missing"] = list(values["missing"])
        expected = values["evidence_expected"] = list(values["evidence_expected"])
        found = values["evidence"] = evidence[values["code"]]
        values["evidence_missing"] = bool(expected) and not found
        yield values, given


def evidence_by_node(
    compiled: CompiledSet,
    submission: Submission,
    reach: dict[tuple[str, ...], tuple[str, ...]],
    careful: bool,
) -> dict[str, list[str]]:
    """For each node, the documents citing it, one of its ancestors or one of its descendants.

    In the documents' order: each under every node related to a node it cites
    (:attr:`CompiledSet.related`), found once for the codes cited (``reach``: the set's; not read or kept when
    ``careful``).
    """
    result: dict[str, list[str]] = {code: [] for code in compiled.nodes}
    for document in submission.all_documents():
        cited = tuple(document.supports)
        reached = None if careful else reach.get(cited)
        if reached is None:
            found: set[str] = set()
            for code in cited:
                if code in compiled.related:
                    found |= compiled.related[code]
            reached = tuple(found)  # each code once: the order does not matter
            if not careful:
                if len(reach) >= REACH_MOST:
                    reach.clear()
                reach[cited] = reached
        for code in reached:
            result[code].append(document.id)
    return result


def given(
    whole: Whole,
    evidence: Mapping[str, list[str]],
    same: dict[tuple[object, ...], Given],
    key: tuple[object, ...],
    share: bool,
    make: Callable[[type[NodeResult], dict[str, Any], frozenset[str]], NodeResult],
) -> list[NodeResult]:
    """A unit's results from ``whole``, each made by ``make`` (``engine.made``) with the
    unit's ``evidence`` and lists of its own (:func:`again`). With ``share``, a unit whose
    evidence equals that of the last unit of this ``key`` given with ``share`` gets that
    unit's very results (in a list of its own): frozen models whose lists the reports then
    share, for a caller that only reads them (the Excel export: its rows found by
    identity), without making 158 results again."""
    if share:
        found = same.get(key)
        if found is not None and found[0] == evidence:
            return list(found[1])
    results = [make(NodeResult, v, g) for v, g in again(whole, evidence)]
    if share:
        same[key] = evidence, tuple(results)
    return results


# --- a parent's whole subtree, for callers sharing results --------------------------------

SUBTREES_MOST = 64
"""The subtrees a parent keeps (:func:`keep_subtree`): a tuple of results each (the
results themselves are those the units sharing them hold), some 64 × 160 references a set."""

SUBTREE_NAMES = 7
"""The most names a subtree looked up whole reads (:func:`names_below`): where each value
varies, a subtree's values all repeat less often the more it reads (few of a set's subtrees
of 8 names or more are seen twice in 250 synthetic units, against two in three below), and
its key costs more."""

Mark = tuple[type, str]
"""A value as a key holds it: its type and ``repr`` (:func:`marks`)."""


@dataclass(slots=True)
class Subtree:
    """A parent's results and its descendants', in tree order, as a unit sharing results got
    them (:func:`keep_subtree`): given again to a unit reading the same values whose evidence
    for each of these nodes is equal (:func:`subtree`)."""

    results: tuple[NodeResult, ...]
    evidence: tuple[list[str], ...]
    """The unit's documents for each node of the subtree, in the results' order."""
    top: NodeResult | None
    """What the walk returned for the parent: its result, ``None`` where it does not apply."""


Subtrees = dict[str, dict[tuple[Mark | None, ...], Subtree]]
"""Each parent's subtrees kept, by the values they read (:func:`keep_subtree`)."""


def names_below(compiled: CompiledSet) -> dict[str, tuple[tuple[str, ...], tuple[str, ...]]]:
    """Each parent's reading at most :data:`SUBTREE_NAMES` names: the names read by it or a descendant (its rule's and applicability's:
    ``CompiledNode.names_read``), sorted: all its subtree's results depend on beside the set
    and the evidence, for shipped kinds that read no survey; and its subtree's codes in the
    order the engine gives their results (the tree's, each node once)."""
    names: dict[str, set[str]] = {}
    codes: dict[str, list[str]] = {}
    for code in reversed(list(compiled.nodes)):  # children come after their parent
        node = compiled.nodes[code]
        mine = names.setdefault(code, set())
        mine.update(node.names_read)
        below = codes[code] = [code]
        for child in compiled.children.get(code, ()):
            below += codes[child]
        if node.parent is not None:
            names.setdefault(node.parent, set()).update(mine)
    return {
        code: (tuple(sorted(names[code])), tuple(codes[code]))
        for code in compiled.nodes
        if not compiled.nodes[code].is_leaf and len(names[code]) <= SUBTREE_NAMES
    }


def marks(unit: tuple[object, ...]) -> dict[str, Mark]:
    """Each value of a unit as a key holds it, by name: its type and ``repr`` (equal only
    for values of one type and the same digits), from the unit's :func:`key` (made in C)."""
    names, types, shown = unit[:3]
    return dict(zip(names, zip(types, shown, strict=True), strict=True))  # type: ignore[call-overload]


def subtree(
    kept: Mapping[tuple[Mark | None, ...], Subtree] | None,
    key: tuple[Mark | None, ...],
    evidence: tuple[list[str], ...],
) -> Subtree | None:
    """The subtree kept under ``key`` whose evidence equals the unit's for each of its
    nodes (``None``: none)."""
    found = None if kept is None else kept.get(key)
    if found is None or found.evidence != evidence:
        return None
    return found


def keep_subtree(
    kept: Subtrees,
    code: str,
    key: tuple[Mark | None, ...],
    made: Subtree,
) -> None:
    """Keep the results a walk of ``code``'s subtree gave (the first :data:`SUBTREES_MOST`
    keys of a parent)."""
    known = kept.setdefault(code, {})
    if len(known) < SUBTREES_MOST:
        known[key] = made


# --- the provisional points -----------------------------------------------------------------

PROVISIONAL_MOST = 10_000
"""The applicable maxima whose provisional points a set keeps (emptied when full)."""


def provisional(
    compiled: CompiledSet,
    results: list[NodeResult],
    known: dict[tuple[str, ...], Decimal],
    at: tuple[int, ...] | None,
) -> tuple[Decimal, Decimal, tuple[int, ...]]:
    """Points of the applicable maximum resting on provisional values, those scored, and
    where the results hold the provisional rule-scored leaves counting in the maximum.

    The first depends on each node's applicable maximum alone: ``known`` keeps it for the
    units of the set with the same ones (their digits kept apart), the tree walked once for
    each. Results come in one order for every unit of a set (the tree's, every node once):
    ``at``, where those leaves stand, is found once (``None``: found on these results)."""
    na = Status.NOT_APPLICABLE
    # results are in tree order, every node once: each node's applicable maximum, as text
    key = tuple(["0" if r.status == na else str(r.max_points) for r in results])
    found = known.get(key)
    if found is None:
        by_code = {r.code: r for r in results}

        def applicable_max(code: str) -> Decimal:
            result = by_code[code]
            return _ZERO if result.status == na else result.max_points

        found = tree.provisional_points(compiled, None, applicable_max, tree.DECIMALS)
        if len(known) >= PROVISIONAL_MOST:
            known.clear()
        known[key] = found
    if at is None:
        at = tuple(
            i
            for i, r in enumerate(results)
            if r.rule is not None and r.provisional and compiled.nodes[r.code].counts_in_max
        )
    scored = sum((p for p in (results[i].points for i in at) if p is not None), _ZERO)
    return found, scored, at

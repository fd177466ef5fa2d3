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

from parindex.compiler import CompiledSet
from parindex.expressions import Value
from parindex.report import NodeResult
from parindex.submission import Submission

__all__ = [
    "MOST",
    "REACH_MOST",
    "SEEN",
    "Given",
    "Kept",
    "Whole",
    "again",
    "evidence_by_node",
    "given",
    "kept",
    "key",
    "seen",
]

MOST = 16
"""Units a set keeps whole: about 250 kB each (158 results), some 4 MB a set at most. A
unit is kept the second time its key is seen (:data:`SEEN`): keeping costs more than a
unit never seen again would give back."""
SEEN = 10_000
"""The hashes of the keys seen once that a set remembers (emptied when full)."""
REACH_MOST = 10_000
"""The citations whose reach a set remembers (:func:`evidence_by_node`; emptied when full)."""

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

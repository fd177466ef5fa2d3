"""The review's three trees of values: a unit's own scores, with the survey's, appraised.

Each node's value is its explicit score when one is given, otherwise its children's values
aggregated as the rules aggregate them (:func:`trees`, in one loop over a walk of the tree
made once a set: :func:`walk`). ``tests/test_review_trees.py`` compares it with the rule
walked once a tree.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from decimal import Decimal
from operator import is_
from typing import Any

from parindex.compiler import CompiledSet
from parindex.criteria import Aggregation, CriteriaSet
from parindex.per_set import PerSet
from parindex.report import ScoreReport, Status

__all__ = ["Facts", "Step", "facts", "trees", "walk"]

_ZERO = Decimal(0)

Step = tuple[str, str | None, bool, bool, tuple[str, ...]]
"""A node as :func:`trees` meets it: code, parent, aggregated by ``max``, has parts, and
the nodes entered on the way to it (the ancestors whose subtree it starts, top down, and
itself if a leaf): those that do not apply are listed there, as a walk lists them."""


_Values = dict[str, Decimal | None]


def _with_ancestors(nodes: Mapping[str, Any], codes: Iterable[str]) -> set[str]:
    """The codes given and every ancestor of each (a code the set does not know: alone)."""
    touched: set[str] = set()
    for start in codes:
        code: str | None = start
        while code is not None and code not in touched:
            touched.add(code)
            code = nodes[code].parent if code in nodes else None
    return touched


Facts = tuple[frozenset[str], dict[str, Decimal]]
"""What :func:`trees` reads of a unit's results (:func:`facts`): the codes of the nodes that
do not apply, and each node's maximum."""


def facts(report: ScoreReport) -> Facts:
    """What :func:`trees` reads of ``report``'s results: the same for every unit given the
    very same results (frozen), which the review keeps for them (``review._Shape``)."""
    na = Status.NOT_APPLICABLE
    skipped = set()
    tops = {}
    for node in report.nodes:
        code = node.code
        tops[code] = node.max_points
        if node.status == na:
            skipped.add(code)
    return frozenset(skipped), tops


def trees(
    report: ScoreReport,
    criteria: CriteriaSet,
    self_scores: Mapping[str, Decimal],
    survey: Mapping[str, Decimal],
    final: Mapping[str, Decimal] | None,
    read: Facts | None = None,
) -> tuple[_Values, _Values, _Values]:
    """Three values of each node, in one walk of the tree: the unit's own scores alone, the
    unit's scores with the survey's, and (``final`` given) the appraised ones.

    Each is a node's explicit value, else its children's values aggregated like the rules
    aggregate them, else a fallback: none for the first, 0 for the second, and for the
    appraised one the second's value. An appraised node with no explicit value anywhere in
    its subtree takes the second's value at its own level (an appraisal that re-scores
    nothing under a criterion keeps the unit's score for that criterion, at whatever level
    the unit gave it). Survey points stand before a self-score, a final appraised score
    before survey points. A node that does not apply has no value in any of the three.
    ``read``: :func:`facts` of ``report``, when the caller has them.
    """
    nodes = criteria.compiled.nodes
    skipped, tops = facts(report) if read is None else read
    own: _Values = {}
    with_survey: _Values = {}
    appraised: _Values = {}
    appraising = final is not None
    given: Mapping[str, Decimal] = final or {}
    touched = _with_ancestors(nodes, (*survey, *given) if appraising else ())
    waiting: dict[str, tuple[list[Decimal], list[Decimal], list[Decimal]]] = {}
    # children before their parent; a node that does not apply listed on entering it
    for code, parent, best, has_parts, entered in _walks(criteria):
        if skipped:
            for first_in in entered:
                if first_in in skipped:
                    own[first_in] = with_survey[first_in] = None
                    if appraising:
                        appraised[first_in] = None
            if code in skipped:
                continue
        known = waiting.pop(code, _NO_PARTS) if has_parts else _NO_PARTS
        top = tops[code]
        first: Decimal | None
        second: Decimal | None
        if code in self_scores:
            first = self_scores[code]
        else:
            first = _joined(best, top, known[0]) if has_parts else None
        if code in survey:
            second = survey[code]
        elif code in self_scores:
            second = self_scores[code]
        elif not has_parts:
            second = _ZERO
        elif len(known[0]) == len(known[1]) and all(map(is_, known[0], known[1])):
            second = first  # the very parts (no survey, no part left unscored): first's sum
        else:
            second = _joined(best, top, known[1])
        third: Decimal | None = None
        if appraising:
            if code not in touched:
                third = second
            elif code in given:
                third = given[code]
            elif code in survey:
                third = survey[code]
            else:
                third = _joined(best, top, known[2]) if has_parts else second
            appraised[code] = third
        own[code], with_survey[code] = first, second
        if parent is not None:
            parts = waiting.get(parent)
            if parts is None:
                parts = waiting[parent] = ([], [], [])
            if first is not None:
                parts[0].append(first)
            if second is not None:
                parts[1].append(second)
            if third is not None:
                parts[2].append(third)
    return own, with_survey, appraised


_NO_PARTS: tuple[list[Decimal], list[Decimal], list[Decimal]] = ([], [], [])


def _joined(best: bool, top: Decimal, known: list[Decimal]) -> Decimal | None:
    """The parts' values aggregated like the rules aggregate them (``None``: none known)."""
    if not known:
        return None
    if best:
        return max(known)
    return max(_ZERO, min(sum(known, _ZERO), top))


def walk(compiled: CompiledSet) -> tuple[Step, ...]:
    """Every node in the order a depth-first walk leaves it (children first, in order)."""
    steps: list[Step] = []

    def visit(code: str, entered: tuple[str, ...]) -> None:
        parts = compiled.children.get(code, ())
        for index, part in enumerate(parts):
            visit(part, (*entered, code) if index == 0 else ())
        node = compiled.nodes[code]
        best = node.node.aggregation == Aggregation.MAX
        steps.append((code, node.parent, best, bool(parts), () if parts else (*entered, code)))

    for area in compiled.children.get(None, ()):
        visit(area, ())
    return tuple(steps)


_walks: PerSet[tuple[Step, ...]] = PerSet(lambda criteria: walk(criteria.compiled))
"""The set's :func:`walk`, made on its first unit (a few sets kept)."""

"""Rule kinds: one module per kind, and the registry that lists them.

Each kind (``check``, ``bands`` …) lives in its own module with everything about it:
its pydantic model, load-time checks, typed compiled form, lowering to one
expression, exact evaluation and explanation, inverse, and its hooks for the
hypothesis strategies and the synthetic units, and what the testing toolkit and the review
ask of a rule (its metric, edges, stated ranges, due dates and direction; see
:mod:`parindex.rules._base`).
:data:`SHIPPED` lists them and :data:`REGISTRY` every kind a file may name (those, then
the program's own); the ``Rule`` union of the file format and its JSON Schema are built
from it. A kind missing a piece is refused at import, with its name
and the pieces it lacks. ``docs/architecture.md`` walks through adding a kind.

A program may add a kind of its own, written in Python, with :func:`register` (for good)
or :func:`registered` (for a ``with`` block): a criteria file can then name it as
``kind:``. A file only ever names a kind the program registered; it never brings one
into being, and a kind it names that is not registered is a located ``unknown_kind``
problem listing the known ones.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from typing import Annotated, Any, TypeVar, Union

from pydantic import Field

from parindex.rules._base import (
    PIECES,
    CompiledRule,
    Leaf,
    Outcome,
    RuleKind,
    Scope,
    Shape,
    Stated,
    Suggestion,
    SyntheticHint,
    missing_pieces,
)
from parindex.rules._model import RuleModel
from parindex.rules._suggestions import suggestions
from parindex.rules.bands import Bands
from parindex.rules.bonus import Bonus, Penalty
from parindex.rules.check import Check
from parindex.rules.deadline import Deadline
from parindex.rules.deduction import Deduction
from parindex.rules.expression import Expression
from parindex.rules.levels import Levels
from parindex.rules.proportional import Proportional
from parindex.rules.survey import Survey
from parindex.rules.threshold import Threshold

__all__ = [
    "PIECES",
    "REGISTRY",
    "SHIPPED",
    "CompiledRule",
    "Leaf",
    "Outcome",
    "RuleKind",
    "RuleKindError",
    "Scope",
    "Shape",
    "Stated",
    "Suggestion",
    "SyntheticHint",
    "build_registry",
    "extra_kinds",
    "kind_label",
    "kind_named",
    "kind_of",
    "missing_pieces",
    "register",
    "registered",
    "rule_union",
    "suggestions",
    "unregister",
]


class RuleKindError(TypeError):
    """A rule kind that cannot be registered: it names the kind and the pieces it lacks."""


def build_registry(kinds: Iterable[object]) -> dict[str, RuleKind[Any, Any]]:
    """Check every kind and index it by name; raise :class:`RuleKindError` naming what lacks."""
    registry: dict[str, RuleKind[Any, Any]] = {}
    problems = []
    for kind in kinds:
        name = getattr(type(kind), "name", type(kind).__name__)
        missing = missing_pieces(kind)
        if missing:
            problems.append(f"rule kind {name!r} lacks: {', '.join(missing)}")
        elif name in registry:
            problems.append(f"rule kind {name!r} registered twice")
        else:
            assert isinstance(kind, RuleKind)
            registry[name] = kind
    if problems:
        raise RuleKindError("; ".join(problems))
    return registry


SHIPPED: Mapping[str, RuleKind[Any, Any]] = build_registry(
    (
        Check(),
        Bands(),
        Threshold(),
        Proportional(),
        Deadline(),
        Levels(),
        Deduction(),
        Survey(),
        Bonus(),
        Penalty(),
        Expression(),
    )
)
"""The kinds parindex ships, by name, in the order the file format lists them."""

REGISTRY: Mapping[str, RuleKind[Any, Any]] = dict(SHIPPED)
"""Every rule kind a criteria file may name: the shipped ones, then those the program
registered (:func:`register`), by name."""

K = TypeVar("K", bound=RuleKind[Any, Any])


Label = str | tuple[str, str]
"""A registered kind's words: Vietnamese, or ``(Vietnamese, English)``."""

_LABELS: dict[str, tuple[str, str]] = {}
"""The words of the kinds the program registered with a label (:func:`kind_label`)."""


def register(kind: K, label: Label | None = None) -> K:
    """Add a rule kind of the program's own, so criteria files may name it; returns it.

    The kind is checked as the shipped ones are (:class:`RuleKindError` names the pieces
    it lacks, or a name already taken by another kind); registering the same object
    again does nothing but set its ``label``. The file format's models are rebuilt to hold
    its rule model. The registration is for the whole process (and the processes parindex
    forks from it, to read folders or write workbooks) and lasts until :func:`unregister`;
    sets read meanwhile are not kept in the compiled cache (it knows parindex's own code
    only). ``label``: what a person reads for the kind (:func:`kind_label`), as the message
    catalogue holds a shipped kind's label: Vietnamese, or ``(Vietnamese, English)``;
    English defaults to the kind's name.
    """
    if isinstance(kind, type):
        raise RuleKindError(f"register a kind object, {kind.__name__}(), not the class")
    name = getattr(type(kind), "name", type(kind).__name__)
    words = None if label is None else _words(name, label)
    if REGISTRY.get(name) is not kind:
        if name in REGISTRY:
            raise RuleKindError(f"rule kind {name!r} registered twice")
        build_registry([kind])  # refuses a kind that lacks a piece, naming them
        _live()[name] = kind
        try:
            _rebuild()
        except Exception as exc:  # its model cannot take part: the format as it was
            del _live()[name]
            _rebuild()
            said = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
            raise RuleKindError(f"rule kind {name!r}: its model cannot be built: {said}") from exc
    if words is not None:
        if name in SHIPPED:
            raise RuleKindError(f"rule kind {name!r} is shipped: its words are parindex's own")
        _LABELS[name] = words
    return kind


def _words(name: str, label: Label) -> tuple[str, str]:
    """``label`` as ``(Vietnamese, English)``; a label that says nothing is refused."""
    pair = (label, name) if isinstance(label, str) else tuple(label)
    if len(pair) != 2 or not all(isinstance(w, str) and w.strip() for w in pair):
        raise RuleKindError(f"rule kind {name!r}: label {label!r} — give words, not blanks")
    return pair[0].strip(), pair[1].strip()


def unregister(name: str) -> None:
    """Remove a kind :func:`register` added, and its label (a shipped kind cannot be removed)."""
    if name in SHIPPED:
        raise RuleKindError(f"rule kind {name!r} is shipped with parindex")
    _LABELS.pop(name, None)
    if _live().pop(name, None) is not None:
        _rebuild()


@contextmanager
def registered(
    *kinds: RuleKind[Any, Any], labels: Mapping[str, Label] | None = None
) -> Iterator[None]:
    """Register ``kinds`` (each with its label in ``labels``, by name) for a ``with`` block,
    then remove those it added."""
    added = [k.name for k in kinds if k.name not in REGISTRY]
    try:
        for kind in kinds:
            register(kind, (labels or {}).get(kind.name))
        yield
    finally:
        for name in added:
            unregister(name)


def kind_label(name: str) -> tuple[str, str] | None:
    """The ``(Vietnamese, English)`` words of a kind the program registered with a label
    (``None``: another name; a shipped kind's are in :mod:`parindex.messages`)."""
    return _LABELS.get(name)


def extra_kinds() -> tuple[str, ...]:
    """The names of the kinds the program registered beyond the shipped ones."""
    return tuple(name for name in REGISTRY if name not in SHIPPED)


def _live() -> dict[str, RuleKind[Any, Any]]:
    assert isinstance(REGISTRY, dict)
    return REGISTRY


def _rebuild() -> None:
    """Rebuild the file format's models, whose ``rule`` is validated by the kinds
    registered when they were built (:data:`parindex.criteria.Rule`)."""
    from parindex.criteria import rebuild

    rebuild()


def kind_named(name: str) -> RuleKind[Any, Any]:
    """The kind called ``name``; ``KeyError`` lists the known kinds."""
    try:
        return REGISTRY[name]
    except KeyError:
        raise KeyError(f"unknown rule kind {name!r}; known: {', '.join(REGISTRY)}") from None


def kind_of(rule: RuleModel) -> RuleKind[Any, Any]:
    """The kind of a rule model (``kind_of(node.rule).counts_in_max`` …)."""
    return kind_named(rule.kind)


def rule_union(registry: Mapping[str, RuleKind[Any, Any]] = REGISTRY) -> Any:
    """The ``Rule`` type of the file format: the kinds' models, told apart by ``kind``."""
    models = tuple(kind.model for kind in registry.values())
    return Annotated[Union[models], Field(discriminator="kind")]  # noqa: UP007

"""What a rule kind is: the pieces every kind provides, and the types they share.

A kind is one object (an instance of a :class:`RuleKind` subclass) holding its
pydantic ``model``, its typed ``compiled`` form and the functions that check and
compile a rule at load (:meth:`~RuleKind.compile`), lower it to one expression of
:mod:`parindex.expressions` (:meth:`~RuleKind.lower`), score and explain it on one
unit's values (:meth:`~RuleKind.explain`), propose the smallest changes that gain
points (:meth:`~RuleKind.inverse`), and feed the hypothesis strategies and the
synthetic units (:meth:`~RuleKind.strategy`, :meth:`~RuleKind.synthetic`), and tell the
testing toolkit and the review what the rule compares and where its points change
(:meth:`~RuleKind.shape`), which way its points move (:meth:`~RuleKind.direction`) and
which dates it reads with a due day (:meth:`~RuleKind.dues`). :func:`missing_pieces` names what a kind leaves out; the registry refuses such a
kind at import.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import TYPE_CHECKING, Any, ClassVar, Generic, Protocol, TypeVar

from parindex.expressions import CompiledExpression, Expr, NameInfo, Value, ValueType, evaluate
from parindex.rules._model import InputType, RuleModel

if TYPE_CHECKING:
    from parindex.ranges import Interval
    from parindex.rules._inverse import Problem

__all__ = [
    "PIECES",
    "Checker",
    "CompiledRule",
    "Leaf",
    "Outcome",
    "RuleKind",
    "Scope",
    "Shape",
    "Stated",
    "Suggestion",
    "SyntheticHint",
    "ends",
    "missing_pieces",
]

Path = tuple[str | int, ...]


class Checker(Protocol):
    """What a kind sees while a set is compiled (:class:`parindex.compiler` provides it)."""

    @property
    def env(self) -> Mapping[str, NameInfo]: ...

    def add(
        self,
        kind: str,
        message: str,
        message_en: str,
        path: Path,
        code: str | None = None,
        text: object = None,
        allowed: tuple[str, ...] = (),
    ) -> None: ...

    def expression(
        self, text: str, path: Path, code: str | None, expected: ValueType | None
    ) -> CompiledExpression | None: ...

    def range(self, text: str, path: Path, code: str | None) -> Interval | None: ...

    def input_type(self, name: str) -> InputType | None: ...


@dataclass(frozen=True)
class CompiledRule:
    """A rule compiled at load; each kind's compiled form adds its own typed fields."""

    kind: ClassVar[str]

    @property
    def expressions(self) -> tuple[CompiledExpression, ...]:
        """The compiled expressions the rule reads, in file order."""
        return ()

    @property
    def inputs(self) -> frozenset[str]:
        """Names the rule reads."""
        return frozenset().union(*(e.names for e in self.expressions))


@dataclass(frozen=True)
class Leaf:
    """The node a rule scores: its code, maximum, the set's rounding step, its lowered points."""

    code: str
    top: Decimal
    precision: Decimal
    lowered: Expr | None = None
    """The leaf's points as one expression (:meth:`RuleKind.lower`), set once lowered."""

    def points(self, scope: Scope) -> Decimal:
        """The leaf's points on one unit's values: its lowered expression, evaluated exactly."""
        assert self.lowered is not None, self.code
        result = evaluate(self.lowered, scope.values)
        assert isinstance(result, Decimal)
        return result

    @property
    def places(self) -> int:
        return max(0, -int(self.precision.normalize().as_tuple().exponent))


@dataclass
class Scope:
    """One unit's values and how to name them (labels, types, enum choices, survey)."""

    values: Mapping[str, Value]
    labels: Mapping[str, str]
    types: Mapping[str, InputType | None]
    choices: Mapping[str, Mapping[str, str]] = field(default_factory=dict)
    survey: Mapping[str, Decimal] = field(default_factory=dict)

    def value(self, expr: CompiledExpression) -> Value:
        return evaluate(expr, self.values)


@dataclass(frozen=True)
class Outcome:
    """A leaf's points (rounded; ``None``: undetermined) and the sentences explaining them."""

    points: Decimal | None
    vi: str
    en: str
    status: str = "scored"
    missing: tuple[str, ...] = ()


@dataclass(frozen=True)
class Suggestion:
    """The smallest change of one input that gains a leaf points, and how many.

    ``current`` and ``proposed`` are the input's values; ``gain`` is exact, rounded as
    the engine rounds; ``vi``/``en`` say it in words (``"từ 97,22% lên 100%: thêm 1 …"``).
    """

    code: str
    name: str
    current: Value | None
    proposed: Value
    gain: Decimal
    vi: str
    en: str


@dataclass(frozen=True)
class SyntheticHint:
    """What :mod:`parindex.synthetic` needs to draw plausible values for a leaf.

    ``direction``: +1 when a larger ``values[0]`` earns more points, −1 when fewer;
    ``needed``: the value that earns full points (``None``: none stated); ``events``:
    the inputs count bad events (a deduction or penalty per case), mostly 0;
    ``levels``: an enum input's choices, best first; ``survey``: scored by the survey,
    not by inputs. The dates a rule reads with a due day are not here but asked of its
    kind (:meth:`RuleKind.dues`), the one source the toolkit, the review and the synthetic
    units read.
    """

    values: tuple[CompiledExpression, ...] = ()
    direction: int = 1
    needed: Decimal | None = None
    events: bool = False
    levels: tuple[str, tuple[str, ...]] | None = None
    survey: bool = False


@dataclass(frozen=True)
class Stated:
    """One range of a rule's metric and the points its words give there (a band)."""

    interval: Interval
    points: Decimal
    words: str


@dataclass(frozen=True)
class Shape:
    """What the testing toolkit (:mod:`parindex.testing`) and the review read from a rule.

    ``metric``: the one number the rule compares or scales (``None``: it reads none, as
    check, levels, deadline, survey and a free expression); ``edges``: the metric's values
    where the points may jump or stop changing, ascending; ``ranges``: the ranges its words
    state, each with its points, in file order (bands; a threshold's one range);
    ``otherwise``: the points and words outside every range (a threshold's ``otherwise``);
    ``domain``: where the metric lives when the rule says so itself (a bands ``domain``;
    ``None``: by its inputs' types); ``unit``: the unit the metric is shown in. A rule
    with ``ranges`` gets its edges checked against its words
    (:func:`parindex.testing.check_band_edges`).
    """

    metric: CompiledExpression | None = None
    edges: tuple[Decimal, ...] = ()
    ranges: tuple[Stated, ...] = ()
    otherwise: tuple[Decimal, str] | None = None
    domain: Interval | None = None
    unit: str | None = None

    def stated(self, value: Decimal) -> tuple[Decimal, str] | None:
        """The points and words of the first range holding ``value`` (else ``otherwise``)."""
        for entry in self.ranges:
            if value in entry.interval:
                return entry.points, entry.words
        return self.otherwise


def ends(intervals: Iterable[Interval]) -> tuple[Decimal, ...]:
    """The finite ends of ``intervals``, ascending, each once (a banded rule's edges)."""
    found = {e for i in intervals for e in (i.low, i.high) if e is not None}
    return tuple(sorted(found))


M = TypeVar("M", bound=RuleModel)
C = TypeVar("C", bound=CompiledRule)


class RuleKind(Generic[M, C]):
    """Base of every rule kind; a subclass fills in every piece listed in :data:`PIECES`."""

    name: ClassVar[str]
    model: ClassVar[type[RuleModel]]
    compiled: ClassVar[type[CompiledRule]]
    sign: ClassVar[int] = 1
    """+1: the points add to the parent; −1: they are taken off (a penalty)."""
    counts_in_max: ClassVar[bool] = True
    """False for points outside the maximum (bonus and penalty)."""
    given: ClassVar[bool] = False
    """True when a leaf's points are given from outside the unit's inputs (the survey).

    Such a leaf lowers to the one name that carries its points (:meth:`lower` returns a
    :class:`~parindex.expressions.Name`), which :meth:`given_points` reads from a
    submission; the points are kept exactly as given, never rounded, and a leaf without
    them is undetermined. Its status, scored or not, is :attr:`status`.
    """
    status: ClassVar[str] = "scored"
    """The status (:class:`parindex.report.Status` value) of a leaf whose inputs are present."""

    def given_points(self, submission: Any, code: str) -> Decimal | None:
        """A :attr:`given` kind's points for leaf ``code`` in ``submission`` (else ``None``)."""
        return None

    def compile(
        self, rule: M, leaf: Leaf, checker: Checker, path: Path
    ) -> C | None:  # pragma: no cover - every kind overrides it
        """Check ``rule`` (problems go to ``checker``) and return its compiled form."""
        raise NotImplementedError

    def lower(self, compiled: C, leaf: Leaf) -> Expr:  # pragma: no cover
        """The leaf's points as one expression over the unit's inputs, rounded and clamped."""
        raise NotImplementedError

    def explain(self, compiled: C, leaf: Leaf, scope: Scope) -> Outcome:  # pragma: no cover
        """Exact points on one unit's values and the sentences saying why."""
        raise NotImplementedError

    def inverse(self, compiled: C, problem: Problem) -> list[Suggestion]:  # pragma: no cover
        """For each input the rule reads, the smallest change that gains points."""
        raise NotImplementedError

    def strategy(self, builder: Any, top: Decimal) -> dict[str, Any]:  # pragma: no cover
        """A rule of this kind as a file would hold it, drawn by ``builder`` (hypothesis)."""
        raise NotImplementedError

    def synthetic(self, compiled: C) -> SyntheticHint:  # pragma: no cover
        """How synthetic units should draw this rule's inputs."""
        raise NotImplementedError

    def shape(self, compiled: C, leaf: Leaf) -> Shape:  # pragma: no cover
        """The rule's metric, edges, stated ranges and due dates (:class:`Shape`)."""
        raise NotImplementedError

    def direction(
        self, compiled: C, leaf: Leaf, domain: Interval
    ) -> int | None:  # pragma: no cover
        """How the points move as the metric (or a deadline's date) grows within ``domain``:
        +1, −1, 0 (one way or the other, never both) or ``None`` (no numeric metric)."""
        raise NotImplementedError

    def dues(
        self, compiled: C
    ) -> tuple[tuple[CompiledExpression, dt.date], ...]:  # pragma: no cover
        """The date expressions the rule reads with their due days, in file order (a
        deadline's reports; empty for a rule without): the testing toolkit draws dates
        around them, the review warns of evidence dated after them."""
        raise NotImplementedError


PIECES: tuple[str, ...] = (
    "name",
    "model",
    "compiled",
    "compile",
    "lower",
    "explain",
    "inverse",
    "strategy",
    "synthetic",
    "shape",
    "direction",
    "dues",
)
"""Every piece a rule kind provides; :func:`missing_pieces` checks them."""


def missing_pieces(kind: object) -> list[str]:
    """The pieces of :data:`PIECES` that ``kind`` leaves out or gets wrong, by name."""
    missing: list[str] = []
    cls = type(kind)
    name = getattr(cls, "name", None)
    if not isinstance(name, str) or not name:
        missing.append("name")
    model = getattr(cls, "model", None)
    tag = None
    if isinstance(model, type) and issubclass(model, RuleModel):
        annotation = model.model_fields.get("kind")
        tag = getattr(annotation, "annotation", None)
    if tag is None or getattr(tag, "__args__", None) != (name,):
        missing.append("model")
    compiled = getattr(cls, "compiled", None)
    if not (isinstance(compiled, type) and issubclass(compiled, CompiledRule)):
        missing.append("compiled")
    for piece in PIECES[3:]:
        if getattr(cls, piece, None) is getattr(RuleKind, piece):
            missing.append(piece)
    return missing

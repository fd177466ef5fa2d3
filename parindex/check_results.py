"""The results :func:`~parindex.checks.check_many` gives good units, made at once.

A good unit's result is the :class:`~parindex.submission.CheckedSubmission` that
:func:`~parindex.submission.check_submission` gives it, made without a Python frame a
unit (:func:`_results_of`); its values (:class:`_Values`) are the careful path's dict,
built only when first read (:class:`_Frame`: from the unit's own values and facts and
the checked columns).
"""

from __future__ import annotations

import operator
from collections import deque
from collections.abc import (
    ItemsView,
    Iterable,
    Iterator,
    KeysView,
    Mapping,
    Sequence,
    ValuesView,
)
from dataclasses import fields
from itertools import repeat
from typing import Any

from parindex.expressions import Value
from parindex.submission import CheckedSubmission, Submission


class _Frame:
    """What builds the values of the good units that give every input in the declared order."""

    __slots__ = ("changed", "columns", "facts", "given", "names", "templates")

    def __init__(
        self,
        names: list[str],
        changed: list[str],
        columns: list[Sequence[Any]],
        facts: Sequence[dict[str, bool]],
        given: Sequence[dict[str, Any]],
    ) -> None:
        self.names = names
        self.changed = changed
        """The inputs not typed as the cell the unit holds (a whole number read as a decimal)."""
        self.columns = columns
        """Their typed cells, one sequence per input in ``changed``, in unit order. For
        :func:`check_many`, the checked columns themselves (no copy: 3,3 MB of fresh memory
        for 10,000 units; only the rows of units checked the careful way are written after
        the frame is made, and the frame never builds those); for :func:`check_columns`, a
        copy (the caller may change ``Columns.typed``)."""
        self.facts = facts
        """Each unit's facts (its ``unit.facts``), in unit order."""
        self.given = given
        """Each unit's values as given (its ``values``: the unit's own dict), in unit order."""
        self.templates: dict[tuple[str, ...], dict[str, Any]] = {}

    def build(self, row: int) -> dict[str, Value]:
        """The values :func:`check_submission` builds for unit ``row``, in its order: the facts,
        then the inputs as the unit gives them (here all, in the declared order). The values
        typed as themselves are the unit's own, the others replaced in place."""
        facts, given = self.facts[row], self.given[row]
        known = tuple(facts)
        template = self.templates.get(known)
        if template is None:
            template = self.templates[known] = dict.fromkeys((*known, *self.names))
        values = template.copy()
        values.update(facts)
        values.update(given)
        if self.changed:
            values.update(
                zip(self.changed, map(operator.itemgetter(row), self.columns), strict=True)
            )
        return values


class _Values(Mapping[str, Value]):
    """A good unit's typed values from :func:`check_many`: the dict :func:`check_submission`
    builds (same values, same order), built when first read.

    Checking many units mostly feeds whole columns to batch scoring, which never reads a
    unit's values one by one; building 136 values a unit that nobody reads was a quarter
    of :func:`check_many`. Read from the unit's values and the checked columns as they
    were when checked; pickled (or copied) as the plain dict.
    """

    __slots__ = ("_held", "_row")

    _held: dict[str, Value] | _Frame
    """The dict once built; before, what builds it (from the unit's own dicts, not the unit:
    kept on it, its `_checked`, this would refer back to it)."""
    _row: int
    """The unit's place among those checked together (what the frame builds it from)."""

    @staticmethod
    def made(frame: _Frame, rows: list[int]) -> list[_Values]:
        """The values of each unit ``rows[i]``, made by C-level calls: no Python frame a unit
        (an ``__init__`` by ``map`` was 2,8 µs a unit at load 5), two slots set, no tuple of
        its sources a unit (80 bytes)."""
        made = list(map(object.__new__, repeat(_Values, len(rows))))
        deque(map(object.__setattr__, made, repeat("_held"), repeat(frame, len(rows))), 0)
        deque(map(object.__setattr__, made, repeat("_row"), rows), maxlen=0)
        return made

    def _dict(self) -> dict[str, Value]:
        held = self._held
        if isinstance(held, dict):
            return held
        # The columns may go once every unit's values are built (the frame is let go).
        built = self._held = held.build(self._row)
        return built

    def __getitem__(self, name: str) -> Value:
        return self._dict()[name]

    def __iter__(self) -> Iterator[str]:
        return iter(self._dict())

    def __len__(self) -> int:
        return len(self._dict())

    def __contains__(self, name: object) -> bool:
        return name in self._dict()

    def get(self, name: str, default: Any = None) -> Any:
        return self._dict().get(name, default)

    def keys(self) -> KeysView[str]:
        return self._dict().keys()

    def items(self) -> ItemsView[str, Value]:
        return self._dict().items()

    def values(self) -> ValuesView[Value]:
        return self._dict().values()

    def __eq__(self, other: object) -> bool:
        if isinstance(other, _Values):
            other = other._dict()
        if isinstance(other, dict):
            return self._dict() == other
        return super().__eq__(other)

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        return repr(self._dict())

    def __reduce__(self) -> tuple[type[dict[str, Value]], tuple[dict[str, Value]]]:
        return dict, (self._dict(),)


_BARE = [f.name for f in fields(CheckedSubmission)] == ["submission", "values"] and not hasattr(
    CheckedSubmission, "__post_init__"
)
"""Whether :class:`CheckedSubmission` is its two fields and nothing run when made."""


def _results_of(
    submissions: Sequence[Submission], values: Iterable[Mapping[str, Value]]
) -> list[CheckedSubmission]:
    """``CheckedSubmission(s, v)`` of each pair, made as its frozen dataclass ``__init__``
    makes it (the object, then each field set through ``object.__setattr__``) but by C-level
    calls: no Python frame a unit."""
    if not _BARE:  # pragma: no cover - a field added: made as it says
        return list(map(CheckedSubmission, submissions, values))
    made = list(map(object.__new__, repeat(CheckedSubmission, len(submissions))))
    deque(map(object.__setattr__, made, repeat("submission"), submissions), maxlen=0)
    deque(map(object.__setattr__, made, repeat("values"), values), maxlen=0)
    return made

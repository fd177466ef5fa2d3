"""What the units of a criteria set share, made once a set: one home for the caches kept by
a set's identity (the engine's recalled results, the review's walk and due days, the rules'
labels, types and choices).

>>> labels = PerSet(lambda criteria: {i.name: i.label for i in criteria.inputs})
>>> labels(criteria) is labels(criteria)  # doctest: +SKIP
True
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Generic, TypeVar

if TYPE_CHECKING:
    from parindex.criteria import CriteriaSet

__all__ = ["PerSet"]

T = TypeVar("T")


class PerSet(Generic[T]):
    """``make(criteria)``, made on a set's first use and kept while the set is in use.

    Kept by the set's identity (a set is compared by ``is``: another set that happens to
    reuse a freed set's ``id`` gets its own); past ``most`` sets every kept value is let go,
    so a long-lived process going through many sets keeps a few at a time."""

    def __init__(self, make: Callable[[CriteriaSet], T], most: int = 8) -> None:
        self._make = make
        self._most = most
        self._kept: dict[int, tuple[CriteriaSet, T]] = {}

    def __call__(self, criteria: CriteriaSet) -> T:
        entry = self._kept.get(id(criteria))
        if entry is None or entry[0] is not criteria:
            if len(self._kept) >= self._most:
                self._kept.clear()
            entry = self._kept[id(criteria)] = criteria, self._make(criteria)
        return entry[1]

    def __len__(self) -> int:
        return len(self._kept)

    def clear(self) -> None:
        """Let every kept value go (the next use of a set makes its value again)."""
        self._kept.clear()

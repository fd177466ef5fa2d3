"""Keep what structural errors leave intact, so the later checks still run on it.

A file with a misspelt key used to be refused on its structure alone, hiding a bad
expression or an unknown code elsewhere. :func:`salvage` takes the structural errors
of a document, repairs what is unambiguous (an unknown key close to a missing one is
renamed: ``max_point`` → ``max_points``, and at the top, close to an optional one left
out: ``valeus`` → ``values``; ``max_points: 0,5`` inside ``{ }``, read as ``0`` and a key
``5``, is joined back; another unknown key is dropped), drops each list item that still
holds an error (a node, an input, a document) or each entry of a free-key mapping
(``self_scores``, ``survey`` of a submission), and validates the rest. The later phases then run on it; their problems are reported with the first ones,
located in the original file (:meth:`Salvaged.original`). Problems that only the
dropped items could cause (a sum that no longer adds up) are left out
(:meth:`Salvaged.may_cause`).
"""

from __future__ import annotations

import difflib
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, Generic, TypeVar

from pydantic import BaseModel, ValidationError

from parindex.errors import Problem
from parindex.reading import SourceMap

__all__ = ["CONSEQUENCES", "Relocated", "Salvaged", "comma_split", "salvage"]

Path = tuple[str | int, ...]
M = TypeVar("M", bound=BaseModel)

_AGGREGATES = ("nodes", "classification")
CONSEQUENCES: dict[str, tuple[str, ...]] = {
    "sum_mismatch": _AGGREGATES,
    "total_mismatch": _AGGREGATES,
    "survey_mismatch": _AGGREGATES,
    "max_unreachable": _AGGREGATES,
    "band_coverage": _AGGREGATES,
    "levels_incomplete": _AGGREGATES,
    "missing_rule": _AGGREGATES,
    "unknown_name": ("inputs", "facts"),
    "unknown_choice": ("inputs",),
    "levels_input": ("inputs",),
    "unknown_source": ("sources",),
}
"""Problem kinds that removing an item under these top-level keys can cause."""

_GONE = object()


@dataclass
class Salvaged(Generic[M]):
    """The validated remainder of a document and how to find its paths in the original."""

    model: M
    dropped: frozenset[str]
    """Top-level keys under which a list item was removed."""
    kept: dict[Path, list[int]] = field(default_factory=dict)
    renamed: dict[Path, str] = field(default_factory=dict)

    def may_cause(self, kind: str) -> bool:
        """Whether a problem of this kind may come only from an item that was removed."""
        return any(key in self.dropped for key in CONSEQUENCES.get(kind, ()))

    def original(self, path: Sequence[str | int]) -> Path:
        """The path in the original file of a path in the salvaged document."""
        out: list[str | int] = []
        for step in path:
            if isinstance(step, int):
                kept = self.kept.get(tuple(out))
                out.append(kept[step] if kept is not None and 0 <= step < len(kept) else step)
            else:
                out.append(self.renamed.get((*out, step), step))
        return tuple(out)


def comma_split(mapping: Any, key: object) -> tuple[str, str] | None:
    """The fix when ``key: 0,5`` inside ``{ }`` was read as ``key: 0`` and a key ``5``.

    In a flow mapping YAML's comma ends the entry, so an unquoted decimal comma splits
    a number in two; the stray digits arrive as a key with no value.
    """
    if not isinstance(mapping, dict) or not str(key).isdigit() or mapping.get(key) is not None:
        return None
    keys = list(mapping)
    at = keys.index(key) if key in keys else 0
    if at == 0:
        return None
    before = keys[at - 1]
    whole = mapping[before]
    if isinstance(whole, bool) or not str(whole).lstrip("-").isdigit():
        return None
    number = f"{whole},{key}"
    return (
        f"trong {{ }}, dấu phẩy ngăn các khóa nên '{before}: {number}' bị đọc thành "
        f"'{before}: {whole}' và một khóa '{key}': viết \"{number}\" trong ngoặc kép "
        f'({before}: "{number}")',
        f"inside {{ }} a comma separates entries, so '{before}: {number}' was read as "
        f"'{before}: {whole}' and a key '{key}': write \"{number}\" in quotes "
        f'({before}: "{number}")',
    )


class Relocated(SourceMap):
    """A source map for a salvaged document: a problem found in it is located at its
    path in the original file."""

    def __init__(self, source: SourceMap, salvaged: Salvaged[Any]) -> None:
        super().__init__(source.file, source.data, source.lines, source.scalars)
        self._salvaged = salvaged

    def problem(
        self,
        kind: str,
        message: str,
        message_en: str,
        path: Sequence[str | int],
        *,
        code: str | None = None,
        text: str | None = None,
        allowed: Sequence[str] = (),
    ) -> Problem:
        return super().problem(
            kind,
            message,
            message_en,
            self._salvaged.original(path),
            code=code,
            text=text,
            allowed=allowed,
        )


def _copy(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _copy(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_copy(v) for v in value]
    return value


def _at(data: Any, path: Sequence[str | int]) -> Any:
    for step in path:
        data = data[step]
    return data


def _compact(value: Any, path: Path, kept: dict[Path, list[int]]) -> Any:
    """Remove the marked items, remembering which original indices each list kept."""
    if isinstance(value, dict):
        return {k: _compact(v, (*path, k), kept) for k, v in value.items() if v is not _GONE}
    if isinstance(value, list):
        indices = [i for i, item in enumerate(value) if item is not _GONE]
        if len(indices) != len(value):
            kept[path] = indices
        return [_compact(value[i], (*path, i), kept) for i in indices]
    return value


def _item(path: Path, entries: frozenset[str]) -> int | None:
    """Where the innermost droppable part of ``path`` ends: a list item, or an entry of a
    free-key mapping named in ``entries``."""
    found = None
    for i, step in enumerate(path):
        if isinstance(step, int) or (i > 0 and path[i - 1] in entries):
            found = i
    return found


def salvage(
    model: type[M],
    data: Any,
    errors: Sequence[tuple[Path, str]],
    entries: frozenset[str] = frozenset(),
) -> Salvaged[M] | None:
    """Repair or drop what each ``(path, pydantic error type)`` names; ``None`` if nothing is left.

    An error outside any list item or ``entries`` mapping (a missing top-level field)
    leaves nothing to salvage.
    """
    if not isinstance(data, dict):
        return None
    copy = _copy(data)
    missing: dict[Path, set[str]] = {}
    for path, kind in errors:
        if kind == "missing" and path:
            missing.setdefault(path[:-1], set()).add(str(path[-1]))
    # at the top, a misspelt key may stand for an optional field left out (valeus → values)
    missing.setdefault((), set()).update(
        name for name in model.model_fields if name not in data and name not in missing.get((), ())
    )
    renamed: dict[Path, str] = {}
    dropped: list[Path] = []
    # renames first: a missing field supplied by a misspelt key is no error to drop for
    ordered = sorted(errors, key=lambda error: error[1] != "extra_forbidden")
    try:
        for path, kind in ordered:
            if kind == "extra_forbidden" and path:
                parent, key = path[:-1], str(path[-1])
                container = _at(copy, parent)
                if comma_split(container, path[-1]) is not None:  # `0,5` read as 0 and a key 5
                    keys = list(container)
                    before = keys[keys.index(path[-1]) - 1]
                    container.pop(path[-1])
                    container[before] = f"{container[before]},{key}"
                    continue
                close = difflib.get_close_matches(key, sorted(missing.get(parent, ())), 1, 0.75)
                value = container.pop(key)
                if close:
                    container[close[0]] = value
                    missing[parent].discard(close[0])
                    renamed[(*parent, close[0])] = key
                continue
            if kind == "missing" and str(path[-1]) not in missing.get(path[:-1], set()):
                continue  # supplied by a rename
            item = _item(path, entries)
            if item is None:
                return None
            dropped.append(path[: item + 1])
        for path in dropped:
            _at(copy, path[:-1])[path[-1]] = _GONE
    except (KeyError, IndexError, TypeError, AttributeError):
        return None  # the error's path is not in the data as read: nothing safe to do
    kept: dict[Path, list[int]] = {}
    compact = _compact(copy, (), kept)
    try:
        validated = model.model_validate(compact)
    except ValidationError:
        return None
    return Salvaged(validated, frozenset(str(p[0]) for p in dropped), kept, renamed)

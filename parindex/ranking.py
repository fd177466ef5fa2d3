"""Rankings: units ranked within their group, classified by their level's bands.

Groups are ranked separately (departments, districts, communes — by default a
unit's ``group``, which defaults to its level). Units with equal indices share a
rank and the next unit's rank counts everyone above it (competition ranking:
1, 1, 3), so "xếp thứ 3/20" always means two units did better — the way published
PAR INDEX results read (``docs/scoring.md`` says why). :func:`competition_ranks` is
the one ranking: ``parindex rank``, :func:`rank` and the Excel summary sheet call it. A unit's band comes
from the classification its level has in the criteria set (``level:`` on the
set's ``classification`` entries); it is blank while undetermined points could
still move the unit to another band. Area sub-indices are points ÷ applicable
maximum × 100, two decimals, half up.
"""

from __future__ import annotations

import bisect
from collections.abc import Hashable, Sequence
from decimal import Decimal
from typing import TYPE_CHECKING, Any, Literal

from parindex.frames import exact, exact_names, numeric, twin
from parindex.numbers import quantize

if TYPE_CHECKING:
    import pandas as pd

    from parindex.batch import Units
    from parindex.criteria import CriteriaSet

__all__ = ["AREA_PREFIX", "competition_ranks", "rank"]

AREA_PREFIX = "area:"
"""Ranking tables carry each area's sub-index (%) in column ``area:<code>``."""
_HUNDREDTH = Decimal("0.01")


def competition_ranks(keys: Sequence[tuple[Hashable, Decimal | None]]) -> list[int | None]:
    """Ranks within each group: 1 + how many of the group are strictly higher.

    ``keys`` are ``(group, value)`` pairs in any order; equal values share a rank and
    the next rank skips (1, 1, 3). A unit without a value (nothing applies) has no rank.

    >>> competition_ranks([("so", Decimal(90)), ("so", Decimal(90)), ("so", Decimal(80))])
    [1, 1, 3]
    """
    ascending: dict[Hashable, list[Decimal]] = {}
    for group, value in keys:
        if value is not None:
            ascending.setdefault(group, []).append(value)
    for values in ascending.values():
        values.sort()
    result: list[int | None] = []
    for group, value in keys:
        if value is None:
            result.append(None)
            continue
        values = ascending[group]
        result.append(len(values) - bisect.bisect_right(values, value) + 1)
    return result


def _sub_index(points: object, top: object) -> Decimal | None:
    if not isinstance(points, Decimal) or not isinstance(top, Decimal) or top == 0:
        return None
    return quantize(points * 100 / top, _HUNDREDTH)


def _sub_indices(points: list[Any], tops: list[Any]) -> list[Decimal | None]:
    """Each unit's :func:`_sub_index`, worked out once a distinct pair (an area's points
    and maximum repeat from unit to unit: 24 pairs among 2 000 units)."""
    known: dict[tuple[Any, Any], Decimal | None] = {}
    out: list[Decimal | None] = []
    for pair in zip(points, tops, strict=True):
        try:
            found = known[pair]
        except KeyError:
            found = known[pair] = _sub_index(*pair)
        except TypeError:  # a value that cannot be a key: worked out as it is
            found = _sub_index(*pair)
        out.append(found)
    return out


_COLUMNS = (
    "unit",
    "name",
    "level",
    "total",
    "max_points",
    "index",
    "band",
    "complete",
    "synthetic",
)
"""The columns of a score frame a ranking shows (beside the group's, areas' and their maxima)."""


def _read(scores: pd.DataFrame, names: Sequence[str]) -> pd.DataFrame:
    """Only the columns ``names`` of a score frame that it has, with their exact twins:
    what :func:`~parindex.frames.exact` then gives back under their names, without going
    through the hundreds of other columns (one a node, and each node's maximum)."""
    wanted = list(dict.fromkeys(names))
    kept = [name for name in wanted if name in scores.columns]
    twins = [twin(name) for name in wanted if twin(name) in scores.columns]
    return scores[kept + twins]


def _listed(column: pd.Series[Any]) -> list[Any]:
    """A column's values as Python objects (an Arrow column's gaps as ``None``): pyarrow
    lists them in one call where pandas asks for each cell."""
    import pandas as pd
    import pyarrow as pa

    if isinstance(column.dtype, pd.ArrowDtype):
        return pa.array(column.array).to_pylist()  # type: ignore[no-any-return]
    return column.tolist()


def rank(
    scores: pd.DataFrame | Units,
    criteria: CriteriaSet,
    *,
    by: str = "group",
    on: Literal["index", "total"] = "index",
) -> pd.DataFrame:
    """Rank the units of a :func:`~parindex.score_many` result within each ``by`` group.

    Returns one row per unit, groups in order of first appearance and units by rank
    (then by unit id): ``group, rank, unit, name, level, total, max_points, index,
    band, complete, synthetic``, then ``area:<code>`` sub-indices; numbers as float64
    with their exact decimals in ``exact:<column>`` (:mod:`parindex.frames`). Units
    without an index (nothing applies) get no rank.

    ``scores`` may also be what :func:`~parindex.score_many` takes (submissions, a folder,
    what :func:`~parindex.load_submissions` returns): they are scored first.

    >>> rank(score_many(criteria, units), criteria)  # doctest: +SKIP
    >>> rank(load_submissions("evidence", criteria), criteria)  # doctest: +SKIP
    """
    import pandas as pd
    import pyarrow as pa

    from parindex.batch import MAX_PREFIX, score_many

    if not isinstance(scores, pd.DataFrame):
        scores = score_many(criteria, scores)

    if on not in ("index", "total"):
        raise ValueError(f"xếp hạng theo 'index' hoặc 'total', không phải {on!r}")
    names = exact_names(scores.columns)
    if by not in names:
        raise KeyError(f"không có cột '{by}' để chia nhóm; có: {', '.join(map(str, names))}")
    areas = list(criteria.compiled.children.get(None, ()))
    scores = exact(_read(scores, [by, *_COLUMNS, *areas, *(MAX_PREFIX + code for code in areas)]))
    table = pd.DataFrame(
        {
            "group": scores[by].astype(str),
            "unit": scores["unit"],
            "name": scores["name"],
            "level": scores["level"],
            "total": scores["total"],
            "max_points": scores["max_points"],
            "index": scores["index"],
            "band": scores["band"],
            "complete": scores["complete"],
            "synthetic": scores["synthetic"],
        }
    )
    percent = pd.ArrowDtype(pa.decimal128(38, 2))
    for code in areas:
        table[AREA_PREFIX + code] = pd.array(  # type: ignore[call-overload]
            _sub_indices(_listed(scores[code]), _listed(scores[MAX_PREFIX + code])),
            dtype=percent,
        )
    keys = [
        (group, value if isinstance(value, Decimal) else None)
        for group, value in zip(table["group"].tolist(), table[on].tolist(), strict=True)
    ]
    ranks = pd.Series(competition_ranks(keys), index=table.index, dtype="Int64")
    table.insert(1, "rank", ranks)
    first_seen = {g: i for i, g in enumerate(dict.fromkeys(table["group"]))}
    table["_group_order"] = table["group"].map(first_seen)
    table["_rank_order"] = table["rank"].fillna(len(table) + 1)
    table = table.sort_values(["_group_order", "_rank_order", "unit"], kind="stable")
    return numeric(table.drop(columns=["_group_order", "_rank_order"]).reset_index(drop=True))

"""Frames for analysis: float64 columns pandas computes with, exact decimals beside them.

The choice. Every numeric column of the frames people get (:func:`~parindex.score_many`,
:func:`~parindex.rank`, ``ScoreReport.to_frame()``, ``Review.to_frame()``) is **float64
under its plain name** — ``describe()``, ``groupby().mean()``, ``plot()`` and numpy work
as on any frame — and the **exact decimal** of the same column sits beside it under
``exact:<name>`` (pyarrow ``decimal128``, ``<NA>`` when missing). Points are multiples of
``10**-S`` far below ``2**53``, so the float column is the nearest double of the exact
value; but sums and means computed in float are float arithmetic, and nothing shown to
a person as points is ever taken from a float column: renderers, the ranking and the
exports read the exact columns (:func:`exact` turns a frame back into exact columns
under their plain names).

>>> scores = parindex.score_many(criteria, units)  # doctest: +SKIP
>>> scores.groupby("group")["index"].mean()  # float64, for analysis  # doctest: +SKIP
>>> scores["exact:total"].iloc[0]  # Decimal('87.25'), what reports show  # doctest: +SKIP
"""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import pandas as pd

__all__ = [
    "EXACT_PREFIX",
    "decimal_column",
    "exact",
    "exact_names",
    "numeric",
    "numpy_frame",
    "plain_name",
    "twin",
]

EXACT_PREFIX = "exact:"
"""An exact decimal column ``exact:<name>`` stands beside the float64 column ``<name>``."""


def twin(name: object) -> str:
    """The column holding the exact decimals of column ``name``: ``exact:<name>``."""
    return EXACT_PREFIX + str(name)


def plain_name(column: object) -> str | None:
    """The column an exact twin stands beside (``exact:total`` → ``total``); ``None`` for a
    column that is not a twin."""
    text = str(column)
    return text[len(EXACT_PREFIX) :] if text.startswith(EXACT_PREFIX) else None


def exact_names(columns: Iterable[Any]) -> list[Any]:
    """The columns :func:`exact` gives a frame with ``columns``, in its order: the plain ones
    where they stand, then the plain name of each twin whose column is not there.

    >>> exact_names(["unit", "total", "exact:total", "exact:index"])
    ['unit', 'total', 'index']
    """
    listed = list(columns)
    names = [name for name in listed if plain_name(name) is None]
    seen = set(names)
    for column in listed:
        name = plain_name(column)
        if name is not None and name not in seen:
            names.append(name)
            seen.add(name)
    return names


def _is_decimal(dtype: object) -> bool:
    import pandas as pd
    import pyarrow as pa

    return isinstance(dtype, pd.ArrowDtype) and pa.types.is_decimal(dtype.pyarrow_dtype)


def decimal_column(values: Iterable[Decimal | None]) -> Any:
    """An exact nullable ``decimal128`` array from Python decimals (scale: the finest seen)."""
    import pandas as pd
    import pyarrow as pa

    listed = list(values)
    places = 0
    for value in listed:
        if value is not None:
            exponent = value.as_tuple().exponent
            if isinstance(exponent, int):
                places = max(places, -exponent)
    return pd.array(listed, dtype=pd.ArrowDtype(pa.decimal128(38, places)))  # type: ignore[call-overload]


def numeric(frame: pd.DataFrame, decimals: Iterable[str] = ()) -> pd.DataFrame:
    """Decimal columns as float64 under their names, exact twins appended as ``exact:<name>``.

    Python :class:`~decimal.Decimal` object columns count as decimal columns too, and
    so do the ``decimals`` named (even when every value is missing). A frame that
    already has its twins is returned unchanged.
    """
    import numpy as np
    import pandas as pd

    if any(plain_name(c) is not None for c in frame.columns):
        return frame
    floats: dict[Any, Any] = {}
    twins: dict[str, Any] = {}
    named = set(decimals)
    for name in frame.columns:
        column = frame[name]
        if column.dtype == object and (name in named or _all_decimal(column)):
            column = pd.Series(decimal_column(column.tolist()), index=frame.index)
        if not _is_decimal(column.dtype):
            continue
        floats[name] = column.to_numpy(dtype=np.float64, na_value=np.nan)
        twins[twin(name)] = column.array
    if not floats:
        return frame
    out = frame.copy()
    for name, values in floats.items():
        out[name] = values
    return pd.concat([out, pd.DataFrame(twins, index=frame.index)], axis=1)


def _all_decimal(column: pd.Series[Any]) -> bool:
    seen = False
    for value in column.tolist():
        if value is None:
            continue
        if not isinstance(value, Decimal):
            return False
        seen = True
    return seen


def exact(frame: pd.DataFrame) -> pd.DataFrame:
    """The exact columns back under their plain names (the ``exact:`` twins replace the floats).

    A frame without twins is returned unchanged, so code reading exact points can take
    either form.
    """
    twins = {c: name for c in frame.columns if (name := plain_name(c)) is not None}
    if not twins:
        return frame
    out = frame.drop(columns=list(twins))
    for column, name in twins.items():
        out[name] = frame[column].array
    return out


def numpy_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """The same cells in NumPy-backed columns (pandas 3 makes Arrow text and nullable ones).

    What :func:`~parindex.score_many` reads a frame of inputs as, once, where it takes
    it in: numbers (nullable, Arrow, ``decimal128``) become float64 with NaN for gaps,
    as the inputs reader reads any numeric column (int64 when whole and complete);
    yes/no columns NumPy ``bool`` when nothing is missing, else objects with ``None``;
    text and everything else objects with ``None`` for gaps. A frame already
    NumPy-backed is returned as it is.
    """
    import numpy as np
    import pandas as pd

    changed: dict[Any, Any] = {}
    for name, dtype in frame.dtypes.items():  # one look at every dtype, no column taken out
        if isinstance(dtype, np.dtype):
            continue
        column = frame[name]
        gaps = column.isna().to_numpy(dtype=bool)
        if not (pd.api.types.is_numeric_dtype(dtype) or pd.api.types.is_bool_dtype(dtype)):
            values = np.empty(len(column), dtype=object)
            values[:] = column.tolist()
            values[gaps] = None
            changed[name] = pd.Series(values, index=frame.index, dtype=object)
        elif pd.api.types.is_bool_dtype(dtype):
            if gaps.any():
                values = np.empty(len(column), dtype=object)
                values[:] = column.tolist()
                values[gaps] = None
                changed[name] = pd.Series(values, index=frame.index, dtype=object)
            else:
                changed[name] = column.to_numpy(dtype=bool)
        elif not gaps.any() and pd.api.types.is_integer_dtype(dtype):
            changed[name] = column.to_numpy(dtype=np.int64)
        else:
            changed[name] = column.to_numpy(dtype=np.float64, na_value=np.nan)
    if not changed:
        return frame
    out = frame.copy(deep=False)  # the unchanged columns are shared, not copied
    for name, values in changed.items():
        out[name] = values
    return out

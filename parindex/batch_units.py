"""Many units as typed columns, read from submissions or checked from a frame of inputs.

The table :func:`parindex.batch.score_many` scores: one column per declared name
(:mod:`parindex.backends.vectors`), which rows hold a value, the unit columns
(:data:`META_COLUMNS`), and the points of leaves whose points are given rather than
computed (a kind's :attr:`~parindex.rules.RuleKind.given`), each under the name its
leaf lowers to. A frame of inputs is checked like a submission: types, domains,
constraints over columns and unknown columns, every problem at once with its row,
unit, column and value. :func:`inputs_frame` writes submissions as such a frame.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from functools import cached_property
from typing import TYPE_CHECKING, Any

import numpy as np
import numpy.typing as npt

from parindex.backends.vectors import (
    REL,
    Bools,
    Dates,
    Evaluator,
    Numbers,
    Texts,
    Vector,
    number_error,
)
from parindex.checks import _vector as typed_vector
from parindex.checks import check_columns
from parindex.compiler import CompiledNode
from parindex.criteria import CriteriaSet, Input, InputType
from parindex.errors import EvaluationError, Problem, SubmissionError, did_you_mean
from parindex.expressions import Name, Value, ValueType, evaluate
from parindex.messages import label
from parindex.numbers import parse_decimal, shown
from parindex.report import format_points
from parindex.submission import (
    CheckedSubmission,
    Submission,
    check_submission,
    kept_check,
    parse_yes_no,
    typed_value,
)

if TYPE_CHECKING:
    import pandas as pd

    from parindex.rules import RuleKind

__all__ = [
    "META_COLUMNS",
    "Given",
    "Table",
    "decimal_places",
    "from_submissions",
    "given_leaves",
    "given_name",
    "inputs_frame",
    "read_frame",
]

Ints = npt.NDArray[np.int64]
Mask = npt.NDArray[np.bool_]
Floats = npt.NDArray[np.float64]

META_COLUMNS = ("unit", "name", "level", "group", "year", "sample", "synthetic")
"""Columns describing the unit, in inputs frames and in results."""


def decimal_places(value: Decimal) -> int:
    exponent = value.normalize().as_tuple().exponent
    assert isinstance(exponent, int)
    return max(0, -exponent)


# --- the units as columns -------------------------------------------------------------


@dataclass(frozen=True)
class Given:
    """A given leaf's points for every unit (:func:`given_leaves`): floats, or the exact decimals."""

    present: Mask
    x: Floats
    places: int
    exact: list[Decimal | None] | None = None

    @classmethod
    def of(cls, values: list[Decimal | None]) -> Given:
        present = np.array([v is not None for v in values], dtype=bool)
        x = np.array([0.0 if v is None else float(v) for v in values], dtype=np.float64)
        places = max((decimal_places(v) for v in values if v is not None), default=0)
        return cls(present, x, places, values)

    def scaled(self, scale: int) -> Ints:
        """Points as integers scaled by ``10**scale`` (exact: ``scale`` ≥ ``places``)."""
        if self.exact is not None:
            return np.array(
                [0 if v is None else int(v.scaleb(scale)) for v in self.exact], dtype=np.int64
            )
        return np.asarray(np.round(self.x * 10.0**scale), dtype=np.int64)


def _float_places(x: Floats) -> int:
    """Decimal places of floats read by their shortest repr (``20.35`` → 2)."""
    for places in range(10):
        scaled = x * 10.0**places
        if np.all(np.abs(scaled - np.round(scaled)) <= 1e-9 * np.maximum(1.0, np.abs(scaled))):
            return places
    return 10


@dataclass
class Table:
    """Many units' values, one typed column per declared name, with what is present."""

    n: int
    meta: dict[str, list[Any]]
    columns: dict[str, Vector]
    present: dict[str, Mask]
    given: dict[str, Given]
    """Points of the leaves whose points are given, by leaf code."""
    rows: Sequence[Mapping[str, Value]] | None = None
    """Exact values per unit (submissions); ``None``: rebuilt from the columns."""
    _complete: dict[str, bool] = field(default_factory=dict)

    def absent(self, names: Iterable[str]) -> Mask | None:
        """Rows missing any of ``names``; ``None`` when every row has them all."""
        missing: Mask | None = None
        for name in names:
            present = self.present[name]
            if name not in self._complete:
                self._complete[name] = bool(present.all())
            if self._complete[name]:
                continue
            missing = ~present if missing is None else missing | ~present
        return missing

    def values_of(self, row: int, names: Iterable[str]) -> dict[str, Value]:
        """The exact values the engine would see for one unit (only ``names``)."""
        if self.rows is not None:
            return {n: self.rows[row][n] for n in names if n in self.rows[row]}
        values: dict[str, Value] = {}
        for name in names:
            if not self.present[name][row]:
                continue
            column = self.columns[name]
            if isinstance(column, Numbers):
                values[name] = parse_decimal(float(column.x[row]))
            elif isinstance(column, Bools):
                values[name] = bool(column.b[row])
            elif isinstance(column, Dates):
                day = column.d[row]
                values[name] = False if np.isnan(day) else dt.date.fromordinal(int(day))
            else:
                values[name] = str(column.s[row])
        return values


def _types(criteria: CriteriaSet) -> dict[str, ValueType]:
    return {name: info.type for name, info in criteria.compiled.env.items()}


def given_leaves(criteria: CriteriaSet) -> dict[str, tuple[RuleKind[Any, Any], str]]:
    """Leaves whose points are given, not computed (:attr:`RuleKind.given`): code → kind, name.

    The name is the one the leaf lowers to; inputs frames carry the points under it.
    """
    nodes = criteria.compiled.nodes
    found: dict[str, tuple[RuleKind[Any, Any], str]] = {}
    for code in criteria.compiled.given_codes():
        kind = nodes[code].kind
        assert kind is not None, code
        found[code] = kind, given_name(nodes[code])
    return found


def given_name(node: CompiledNode) -> str:
    """The name a given leaf lowers to (the column of its points in inputs frames)."""
    assert node.leaf is not None and isinstance(node.leaf.lowered, Name), node.code
    return node.leaf.lowered.name


def _column(kind: ValueType, raw: list[Value | None]) -> tuple[Vector, Mask]:
    present = np.array([v is not None for v in raw], dtype=bool)
    n = len(raw)
    if kind == ValueType.NUMBER:
        x = np.array([float(v) if v is not None else 0.0 for v in raw], dtype=np.float64)  # type: ignore[arg-type]
        # Exact decimals (not floats read back): bound only those the float does not hold.
        e = np.array(
            [
                0.0 if v is None or Decimal(f) == v else abs(f) * REL
                for v, f in zip(raw, x, strict=True)
            ],
            dtype=np.float64,
        )
        return Numbers(x, e), present
    if kind == ValueType.BOOL:
        return Bools(np.array([bool(v) for v in raw], dtype=bool)), present
    if kind == ValueType.DATE:
        days = np.array(
            [
                np.nan if v is False else (float(v.toordinal()) if isinstance(v, dt.date) else 1.0)
                for v in raw
            ],
            dtype=np.float64,
        )
        return Dates(days), present
    texts = np.empty(n, dtype=object)
    texts[:] = ["" if v is None else v for v in raw]
    return Texts(texts), present


def _kept(
    criteria: CriteriaSet, submissions: Sequence[Submission | CheckedSubmission]
) -> Sequence[Submission | CheckedSubmission]:
    """Each submission as its kept check against ``criteria`` when every one has it (a
    folder read with the set: :func:`~parindex.checks.check_many` kept each result, which
    :func:`check_submission` would return), so the columns are not checked a second time."""
    found: list[Submission | CheckedSubmission] = []
    for submission in submissions:
        if isinstance(submission, Submission):
            kept = kept_check(criteria, submission)
            if kept is None:
                return submissions
            found.append(kept)
        else:
            found.append(submission)
    return found


def from_submissions(
    criteria: CriteriaSet, submissions: Sequence[Submission | CheckedSubmission]
) -> Table:
    checked: list[CheckedSubmission] = []
    problems: list[Problem] = []
    columns: dict[str, Vector] = {}
    present: dict[str, Mask] = {}
    submissions = _kept(criteria, submissions)
    if not any(isinstance(s, CheckedSubmission) for s in submissions):
        many = check_columns(criteria, submissions)  # type: ignore[arg-type]
        for result in many.results:
            if isinstance(result, list):
                problems.extend(result)
            else:
                checked.append(result)
        if problems:
            raise SubmissionError(problems)
        for name in _types(criteria):
            columns[name], present[name] = many.vector(name)
    else:
        for submission in submissions:
            if isinstance(submission, CheckedSubmission):
                checked.append(submission)
                continue
            try:
                checked.append(check_submission(criteria, submission))
            except SubmissionError as exc:
                problems.extend(exc.problems)
        if problems:
            raise SubmissionError(problems)
        types = _types(criteria)
        names = list(types)
        # One row per unit (a C-level map), then one column per name.
        by_row = [list(map(c.values.get, names)) for c in checked]
        gathered = zip(*by_row, strict=True) if by_row else ((),) * len(names)
        for name, column in zip(names, gathered, strict=True):
            columns[name], present[name] = typed_vector(types[name], list(column))
    units = [c.submission for c in checked]
    given = {code: Given.of(points) for code, points in given_points(criteria, units).items()}
    return Table(
        len(units), unit_columns(units), columns, present, given, rows=[c.values for c in checked]
    )


def unit_columns(units: Sequence[Submission]) -> dict[str, list[Any]]:
    """The unit columns (:data:`META_COLUMNS`) of submissions."""
    return {
        "unit": [s.unit.id for s in units],
        "name": [s.unit.name for s in units],
        "level": [s.unit.level.value for s in units],
        "group": [s.unit.group or s.unit.level.value for s in units],
        "year": [s.year for s in units],
        "sample": [s.sample for s in units],
        "synthetic": [s.synthetic for s in units],
    }


def given_points(
    criteria: CriteriaSet, units: Sequence[Submission]
) -> dict[str, list[Decimal | None]]:
    """The points of each given leaf (:func:`given_leaves`) for each submission, by leaf code."""
    return {
        code: [kind.given_points(s, code) for s in units]
        for code, (kind, _name) in given_leaves(criteria).items()
    }


def read_frame(criteria: CriteriaSet, frame: pd.DataFrame) -> Table:
    """A frame of inputs as a table, checked like submissions (every problem at once).

    The frame is read in NumPy-backed columns (:func:`~parindex.frames.numpy_frame`),
    whatever dtypes it came with: the same cells, read once.
    """
    from parindex.frames import numpy_frame

    _refuse_duplicate_columns(frame)
    return _FrameReader(criteria, numpy_frame(frame)).read()


def _refuse_duplicate_columns(frame: pd.DataFrame) -> None:
    """Refuse a frame naming a column twice: which of its cells is the unit's value is unknowable.

    One problem per name, with the positions (1-based) of its columns, all at once.
    """
    names = [str(column) for column in frame.columns]
    if len(set(names)) == len(names):
        return
    places: dict[str, list[int]] = {}
    for at, name in enumerate(names, start=1):
        places.setdefault(name, []).append(at)
    problems = [
        Problem(
            kind="duplicate_column",
            message=(
                f"cột {name!r} có {len(at)} lần (cột thứ {', '.join(map(str, at))}): "
                "giữ một cột, đổi tên hoặc xoá các cột còn lại"
            ),
            message_en=(
                f"column {name!r} appears {len(at)} times (columns {', '.join(map(str, at))}): "
                "keep one, rename or delete the others"
            ),
            file="dòng tiêu đề",
            field=name,
        )
        for name, at in places.items()
        if len(at) > 1
    ]
    raise SubmissionError(problems)


class _FrameReader:
    """Reads and checks a DataFrame of inputs, every problem at once (row, column, value)."""

    def __init__(self, criteria: CriteriaSet, frame: pd.DataFrame) -> None:
        self.criteria = criteria
        self.frame = frame
        self.n = len(frame)
        self.problems: list[Problem] = []
        ids: list[Any] = []
        if "unit" in frame.columns:
            ids = frame["unit"].tolist()
            if not _only(ids, str):  # texts are their own str()
                ids = frame["unit"].astype(str).tolist()
        self.ids = ids or [str(i) for i in range(self.n)]

    def add(
        self,
        kind: str,
        message: str,
        message_en: str,
        column: str,
        rows: Iterable[int],
        value: object = None,
    ) -> None:
        for row in rows:
            shown = None if value is None else str(value)
            if value is None and column in self.frame.columns:
                shown = str(self.frame[column].iloc[row])
            self.problems.append(
                Problem(
                    kind=kind,
                    message=message,
                    message_en=message_en,
                    file=f"dòng {row + 1} (đơn vị {self.ids[row]})",
                    field=column,
                    text=shown,
                )
            )

    def read(self) -> Table:
        criteria, frame = self.criteria, self.frame
        if "unit" not in frame.columns:
            self.add(
                "missing_column",
                "thiếu cột 'unit' (mã đơn vị)",
                "no 'unit' column",
                "unit",
                [0],
                "",
            )
        kinds = _types(criteria)
        specs = {i.name: i for i in criteria.inputs}
        given_names = {code: name for code, (_kind, name) in given_leaves(criteria).items()}
        known = set(META_COLUMNS) | set(kinds) | set(given_names.values())
        for column in frame.columns:
            if str(column) not in known:
                self.add(
                    "unknown_column",
                    f"cột không có trong bộ tiêu chí: {column}{did_you_mean(str(column), known)}",
                    f"unknown column {column}",
                    str(column),
                    [0],
                    column,
                )
        columns: dict[str, Vector] = {}
        present: dict[str, Mask] = {}
        together, not_finite = self.together(kinds)
        for name, kind in kinds.items():
            if name not in frame.columns:
                columns[name], present[name] = _column(kind, [None] * self.n)
                continue
            if name in together:
                columns[name], present[name] = together[name]
                if name in not_finite:
                    self.not_finite(name, not_finite[name])
            else:
                columns[name], present[name] = self.column(name, kind, frame[name])
            spec = specs.get(name)
            if spec is not None:
                self.check_range(name, spec.type, spec.min, spec.max, columns[name], present[name])
        meta = self.meta
        given = {code: self.given(code, name) for code, name in given_names.items()}
        units = Table(self.n, meta, columns, present, given)
        self.check_constraints(units)
        if self.problems:
            raise SubmissionError(self.problems)
        return units

    def given(self, code: str, column: str) -> Given:
        """The given points of leaf ``code``, from ``column``, each within 0 … its maximum."""
        import pandas as pd

        node = self.criteria.compiled.nodes[code]
        top = node.node.max_points
        kind = node.kind
        assert kind is not None
        what = label("rule_kind", kind.name), label("rule_kind", kind.name, "en")
        if column not in self.frame.columns:
            return Given.of([None] * self.n)
        series = self.frame[column]
        if pd.api.types.is_numeric_dtype(series.dtype) and not pd.api.types.is_bool_dtype(
            series.dtype
        ):
            x = series.to_numpy(dtype=np.float64, na_value=np.nan)
            present = ~np.isnan(x)
            bad = present & ((x < 0) | (x > float(top)) | ~np.isfinite(x))
            given = np.where(present & ~bad, x, 0.0)
            result = Given(present & ~bad, given, _float_places(given))
        else:
            values: list[Decimal | None] = [None] * self.n
            for row, cell in enumerate(series.tolist()):
                if _missing(cell):
                    continue
                try:
                    values[row] = parse_decimal(cell)
                except ValueError as exc:
                    en = getattr(exc, "message_en", str(exc))
                    self.add(
                        "invalid_value",
                        f"điểm {what[0]}: {exc}",
                        f"{what[1]} points: {en}",
                        column,
                        [row],
                    )
            result = Given.of(values)
            bad = np.array([v is not None and not 0 <= v <= top for v in values], dtype=bool)
        if bad.any():
            self.add(
                "invalid_value",
                f"điểm {what[0]} phải từ 0 đến {format_points(top)}",
                f"{what[1]} points must be within 0 … {format_points(top)}",
                column,
                np.flatnonzero(bad),
            )
        return result

    @cached_property
    def meta(self) -> dict[str, list[Any]]:
        frame, criteria = self.frame, self.criteria
        default_level = criteria.levels[0].value

        def column(name: str, default: object) -> list[Any]:
            if name not in frame.columns:
                return [default] * self.n
            series = frame[name]
            values = series.tolist()
            if series.dtype != object:  # typed cells: pandas' own missing mask is exact
                gaps = np.flatnonzero(series.isna().to_numpy(dtype=bool))
                for row in gaps:
                    values[row] = default
                return values
            if _only(values, str):  # texts only: nothing to fill
                return values
            return [v if v.__class__ is str else default if _missing(v) else v for v in values]

        levels = _each(column("level", default_level), str, str)
        allowed = {level.value for level in criteria.levels}
        if not allowed.issuperset(levels):
            bad = [row for row, level in enumerate(levels) if level not in allowed]
            self.add(
                "wrong_level",
                f"cấp không thuộc bộ tiêu chí (cho phép: {', '.join(sorted(allowed))})",
                "level not covered by the set",
                "level",
                bad,
            )
        groups = column("group", None)
        if not _only(groups, str):
            groups = [
                g if g.__class__ is str else str(g) if g is not None else level
                for g, level in zip(groups, levels, strict=True)
            ]
        return {
            "unit": self.ids,
            "name": _each(column("name", ""), str, str),
            "level": levels,
            "group": groups,
            "year": _each(column("year", criteria.year), int, int),
            "sample": _each(column("sample", False), bool, bool),
            "synthetic": _each(column("synthetic", False), bool, bool),
        }

    def not_finite(self, name: str, bad: Mask) -> None:
        self.add(
            "invalid_value",
            f"{name}: cần một số hữu hạn",
            f"{name}: not finite",
            name,
            np.flatnonzero(bad),
        )

    def together(
        self, kinds: Mapping[str, ValueType]
    ) -> tuple[dict[str, tuple[Vector, Mask]], dict[str, Mask]]:
        """The float64 number columns and the NumPy yes/no columns, each read as
        :meth:`column` reads it but all together (one 2-D array a kind: a few numpy calls
        for all of them): the same values and present rows; the number columns' rows that
        are not finite, by name, for the caller to say in the columns' order."""
        frame = self.frame
        dtypes = dict(zip(frame.columns, frame.dtypes, strict=True))
        numbers = [n for n, k in kinds.items() if k == ValueType.NUMBER and n in dtypes]
        numbers = [n for n in numbers if dtypes[n] == np.float64]
        yes_no = [n for n, k in kinds.items() if k == ValueType.BOOL and n in dtypes]
        yes_no = [n for n in yes_no if dtypes[n] == np.bool_]
        found: dict[str, tuple[Vector, Mask]] = {}
        bad_rows: dict[str, Mask] = {}
        if numbers:
            block = np.ascontiguousarray(frame[numbers].to_numpy(dtype=np.float64).T)
            present = ~np.isnan(block)
            finite = np.isfinite(block)
            bad = present & ~finite
            x = np.where(present & finite, block, 0.0)
            error = number_error(x)
            valid = present & ~bad
            for at, name in enumerate(numbers):
                found[name] = Numbers(x[at], error[at]), valid[at]
            bad_rows = {numbers[at]: bad[at] for at in np.flatnonzero(bad.any(axis=1))}
        if yes_no:
            truths = np.ascontiguousarray(frame[yes_no].to_numpy(dtype=bool).T)
            for at, name in enumerate(yes_no):  # NumPy booleans: no gaps
                found[name] = Bools(truths[at]), np.ones(self.n, dtype=bool)
        return found, bad_rows

    def column(self, name: str, kind: ValueType, series: pd.Series[Any]) -> tuple[Vector, Mask]:
        import pandas as pd

        if (
            kind == ValueType.NUMBER
            and pd.api.types.is_numeric_dtype(series.dtype)
            and not pd.api.types.is_bool_dtype(series.dtype)
        ):
            x = series.to_numpy(dtype=np.float64, na_value=np.nan)
            present = ~np.isnan(x)
            bad = present & ~np.isfinite(x)
            if bad.any():
                self.not_finite(name, bad)
            x = np.where(present & np.isfinite(x), x, 0.0)
            return Numbers(x, number_error(x)), present & ~bad
        if kind == ValueType.BOOL and series.dtype == np.bool_:  # NumPy booleans: no gaps
            return Bools(np.array(series.to_numpy(), dtype=bool)), np.ones(self.n, dtype=bool)
        if kind == ValueType.BOOL and pd.api.types.is_bool_dtype(series.dtype):
            present = ~series.isna().to_numpy(dtype=bool)
            return Bools(series.to_numpy(dtype=bool, na_value=False)), present
        if kind == ValueType.DATE:
            fast = self.dates(series)
            if fast is not None:
                return fast
        cells = series.tolist()
        raw: list[Value | None] = []
        spec = next((i for i in self.criteria.inputs if i.name == name), None)
        choices = spec.choices if spec else None
        plain = {ValueType.DATE: dt.date, ValueType.BOOL: bool, ValueType.TEXT: str}.get(kind)
        for row, cell in enumerate(cells):
            kind_of = type(cell)
            if kind_of is plain and (choices is None or cell in choices):
                raw.append(cell)  # the common case, already typed
                continue
            if kind == ValueType.DATE and cell is False:
                raw.append(False)
                continue
            if _missing(cell):
                raw.append(None)
                continue
            try:
                raw.append(_cell_value(cell, spec, self.meta["year"][row]))
            except ValueError as exc:
                en = getattr(exc, "message_en", str(exc))
                self.add("invalid_value", f"{name}: {exc}", f"{name}: {en}", name, [row])
                raw.append(None)
        if kind == ValueType.NUMBER:
            floats: list[Value | None] = []
            for row, value in enumerate(raw):
                if isinstance(value, Decimal) and parse_decimal(float(value)) != value:
                    self.add(
                        "invalid_value",
                        f"{name}: số có quá nhiều chữ số để tính hàng loạt (tối đa 15)",
                        f"{name}: more than 15 significant digits",
                        name,
                        [row],
                    )
                floats.append(value)
            raw = floats
        return _column(kind, raw)

    @staticmethod
    def dates(series: pd.Series[Any]) -> tuple[Vector, Mask] | None:
        """A column of plain dates, ``False`` (not done) and gaps (``None``, NaN), read by
        its distinct cells (:func:`pandas.factorize`, which hashes and compares as Python does).

        ``None`` when a cell needs parsing (text, timestamps, numbers, ``True``) or a gap is
        of another kind (``NaT``, ``pd.NA``): the general path reads the column cell by cell.
        """
        import pandas as pd

        cells = series.to_numpy(dtype=object)
        listed = cells.tolist()  # a list's cells are read in C, an array's one by one
        kinds = set(map(type, listed))  # checked first: factorize takes False and 0 for one
        if not kinds <= _DATE_CELLS:
            return None
        if float in kinds and any(c == c for c in listed if c.__class__ is float):
            return None  # only NaN (a gap) may be a float here
        codes, distinct = pd.factorize(cells, use_na_sentinel=True)
        date = dt.date
        days = np.empty(len(distinct) + 1, dtype=np.float64)  # the last: a gap (code -1)
        for index, cell in enumerate(distinct.tolist()):
            if cell.__class__ is date:
                days[index] = cell.toordinal()
            elif cell is False:
                days[index] = -1.0
            else:
                return None
        days[-1] = 0.0
        found = days[codes]
        present = codes >= 0
        return Dates(np.where(found == -1, np.nan, np.where(present, found, 1.0))), present

    def check_range(
        self,
        name: str,
        kind: InputType,
        low: Decimal | None,
        high: Decimal | None,
        column: Vector,
        present: Mask,
    ) -> None:
        if isinstance(column, Numbers):
            x = column.x
            checks: list[tuple[Mask, str, str]] = []
            if kind == InputType.COUNT:
                checks.append((np.floor(x) != x, "cần số nguyên không âm", "a whole number ≥ 0"))
                checks.append((x < 0, "cần số nguyên không âm", "a whole number ≥ 0"))
            if kind == InputType.PERCENT:
                checks.append(((x < 0) | (x > 100), "tỷ lệ phần trăm phải từ 0 đến 100", "0 … 100"))
            if kind == InputType.RATIO:
                checks.append(((x < 0) | (x > 1), "tỷ lệ phải từ 0 đến 1", "0 … 1"))
            if low is not None:
                checks.append(  # the words of a submission's check (submission.py)
                    (
                        x < float(low),
                        f"nhỏ hơn giá trị tối thiểu {shown(low)}",
                        f"below the minimum {shown(low, 'en')}",
                    )
                )
            if high is not None:
                checks.append(
                    (
                        x > float(high),
                        f"lớn hơn giá trị tối đa {shown(high)}",
                        f"above the maximum {shown(high, 'en')}",
                    )
                )
            for bad, vi, en in checks:
                rows = np.flatnonzero(bad & present)
                if rows.size:
                    self.add("invalid_value", f"{name}: {vi}", f"{name}: {en}", name, rows)
        if isinstance(column, Dates):
            low_day, high_day = self.date_limits
            with np.errstate(invalid="ignore"):
                bad = present & ~np.isnan(column.d) & ((column.d < low_day) | (column.d > high_day))
            rows = np.flatnonzero(bad)
            if rows.size:
                self.add(
                    "invalid_value",
                    f"{name}: ngày nằm ngoài năm đánh giá ±1",
                    f"{name}: date out of range",
                    name,
                    rows,
                )

    @cached_property
    def date_limits(self) -> tuple[Floats, Floats]:
        """Per row, the first and last day a date input may take (the year ± 1)."""
        years, back = np.unique(np.array(self.meta["year"], dtype=np.int64), return_inverse=True)
        first = [dt.date(int(y) - 1, 1, 1).toordinal() for y in years]
        last = [dt.date(int(y) + 1, 12, 31).toordinal() for y in years]
        return (
            np.array(first, dtype=np.float64)[back].reshape(-1),
            np.array(last, dtype=np.float64)[back].reshape(-1),
        )

    def check_constraints(self, units: Table) -> None:
        evaluator = Evaluator(units.n, units.columns)
        for check, message in self.criteria.compiled.constraints:
            known = np.logical_and.reduce(
                [units.present[n] for n in check.names] + [np.ones(units.n, dtype=bool)]
            )
            for name in check.names:  # a report never sent has no date to order
                column = units.columns[name]
                if isinstance(column, Dates):
                    known &= ~np.isnan(column.d)
            evaluator.reset()
            holds = evaluator.truth(check.root).copy()  # may be a column: written below
            for row in np.flatnonzero(evaluator.unsure & known):
                try:
                    holds[row] = bool(evaluate(check, units.values_of(int(row), check.names)))
                except EvaluationError:
                    holds[row] = False
            rows = np.flatnonzero(known & ~holds)
            if rows.size:
                self.add(
                    "constraint",
                    message,
                    f"constraint fails: {check.text}",
                    sorted(check.names)[0],
                    rows,
                )


_DATE_CELLS = frozenset({dt.date, bool, type(None), float})
"""Cells the one-pass date reader takes: dates, ``False`` (not done), gaps (``None``, NaN)."""


def _only(values: list[Any], kind: type) -> bool:
    """Every value is of exactly type ``kind`` (no subclass): one pass in C."""
    return set(map(type, values)) <= {kind}


def _each(values: list[Any], kind: type, convert: Any) -> list[Any]:
    """``values`` with each one not exactly of type ``kind`` converted; the list itself
    when there is none (the common case, checked in one pass in C)."""
    if _only(values, kind):
        return values
    return [v if v.__class__ is kind else convert(v) for v in values]


def _missing(value: object) -> bool:
    if value is None:
        return True
    import pandas as pd

    if value is pd.NA:
        return True
    try:
        return bool(value != value)  # NaN, NaT
    except (TypeError, ValueError):
        return False


def _cell_value(cell: object, spec: Input | None, year: int) -> Value:
    """One cell read as a submission's value would be (a fact when ``spec`` is ``None``)."""
    if isinstance(cell, np.generic):
        cell = cell.item()
    if spec is None:
        return parse_yes_no(cell)
    return typed_value(spec, cell, year)


def inputs_frame(
    criteria: CriteriaSet, submissions: Iterable[Submission | CheckedSubmission]
) -> pd.DataFrame:
    """Submissions as a DataFrame of inputs, one row per unit, for :func:`score_many`.

    Columns: :data:`META_COLUMNS`, then every fact and input of the set (numbers as
    float64 — read back by their shortest repr, so ``0.1`` stays ``0.1`` — dates as
    :class:`datetime.date` or ``False`` for "not done", yes/no as NumPy booleans
    (nullable ``boolean`` when some are missing), choices as text objects), then the
    points of leaves whose points are given, each under the name its leaf lowers to
    (``survey:<code>`` for the survey). Columns are NumPy-backed (pandas 3 would make
    text Arrow-backed). Missing values are ``None``/``<NA>``/``NaN``, never 0.
    """
    import pandas as pd

    table = from_submissions(criteria, list(submissions))
    data: dict[str, Any] = {name: table.meta[name] for name in META_COLUMNS}
    for name in ("unit", "name", "level", "group"):
        data[name] = pd.Series(data[name], dtype=object)  # NumPy-backed, not Arrow text
    for name, column in table.columns.items():
        present = table.present[name]
        if isinstance(column, Numbers):
            data[name] = np.where(present, column.x, np.nan)
        elif isinstance(column, Bools):
            if present.all():
                data[name] = column.b.copy()
            else:
                data[name] = pd.array(
                    [bool(b) if p else None for b, p in zip(column.b, present, strict=True)],
                    dtype="boolean",
                )
        elif isinstance(column, Dates):
            data[name] = pd.Series(
                [
                    None if not p else (False if np.isnan(d) else dt.date.fromordinal(int(d)))
                    for d, p in zip(column.d, present, strict=True)
                ],
                dtype=object,
            )
        else:
            texts = [s if p else None for s, p in zip(column.s, present, strict=True)]
            data[name] = pd.Series(texts, dtype=object)
    names = given_leaves(criteria)
    for code, given in table.given.items():
        data[names[code][1]] = np.where(given.present, given.x, np.nan)
    return pd.DataFrame(data)

"""Score a whole province at once: every rule over whole columns, exact to the last digit.

:func:`score_many` takes many units — submissions, or a DataFrame of inputs with one
row per unit (:func:`inputs_frame` makes one) — and returns one row per unit: a
column of points for every node, ``total``, ``max_points`` (what applies), ``index``
and ``band``. Each compiled expression is evaluated once over all units
(:mod:`parindex.backends.vectors`); there is no per-unit loop over the rules.

Exactness: points are carried as integers scaled by ``10**S`` (``S`` decimal places:
the set's precision, its maxima and any survey points), so sums are exact. Rule
values are computed in float64 with an error bound; a row whose decision the bound
cannot settle (a ratio exactly on a band edge after an inexact division, a rounding
on a half) is scored by the single-unit engine's own scorer
(:func:`parindex.engine.leaf_points`). Statuses, applicability, missing inputs,
undetermined points and provisional points follow :func:`parindex.score` exactly;
a property test holds the two paths equal node by node.

Results are float64 columns for analysis with the exact decimals beside them as
``exact:<column>`` (``decimal128`` through pyarrow; :mod:`parindex.frames`); a missing
value is ``NaN``/``<NA>``, never 0.
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from functools import cached_property
from typing import TYPE_CHECKING, Any

import numpy as np
import numpy.typing as npt

from parindex import tree
from parindex.backends.vectors import (
    REL,
    Bools,
    Dates,
    Evaluator,
    Numbers,
    Texts,
    Vector,
    number_error,
    round_half_up,
)
from parindex.compiler import CompiledNode, CompiledSet
from parindex.criteria import (
    CriteriaSet,
    Input,
    InputType,
    SurveyRule,
)
from parindex.engine import applies, leaf_points
from parindex.errors import EvaluationError, Problem, SubmissionError, did_you_mean
from parindex.expressions import Value, ValueType, evaluate
from parindex.frames import numeric
from parindex.numbers import parse_decimal, quantize
from parindex.report import Status
from parindex.submission import (
    CheckedSubmission,
    Submission,
    check_submission,
    parse_yes_no,
    typed_value,
)

if TYPE_CHECKING:
    from typing import TypeAlias

    import pandas as pd

    Units: TypeAlias = (
        Iterable[Submission | CheckedSubmission]
        | pd.DataFrame
        | str
        | os.PathLike[str]
        | tuple[list[Submission], pd.DataFrame]
    )

__all__ = [
    "MAX_PREFIX",
    "META_COLUMNS",
    "SURVEY_PREFIX",
    "TOTAL_COLUMNS",
    "inputs_frame",
    "score_many",
]

Ints = npt.NDArray[np.int64]
Mask = npt.NDArray[np.bool_]
Floats = npt.NDArray[np.float64]

META_COLUMNS = ("unit", "name", "level", "group", "year", "sample", "synthetic")
"""Columns describing the unit, in inputs frames and in results."""
TOTAL_COLUMNS = (
    "total",
    "max_points",
    "index",
    "band",
    "complete",
    "undetermined_points",
    "provisional_points",
    "provisional_points_scored",
)
MAX_PREFIX = "max:"
"""Results carry each area's applicable maximum in column ``max:<code>`` (for sub-indices)."""
SURVEY_PREFIX = "survey:"
"""Inputs frames carry a survey-scored leaf's points in column ``survey:<code>``."""

_STATUSES = tuple(Status)
_CODE = {status: index for index, status in enumerate(_STATUSES)}


def _places(value: Decimal) -> int:
    exponent = value.normalize().as_tuple().exponent
    assert isinstance(exponent, int)
    return max(0, -exponent)


# --- the units as columns -------------------------------------------------------------


@dataclass(frozen=True)
class _Survey:
    """A survey-scored leaf's points for every unit: floats, or the exact decimals given."""

    present: Mask
    x: Floats
    places: int
    exact: list[Decimal | None] | None = None

    @classmethod
    def of(cls, values: list[Decimal | None]) -> _Survey:
        present = np.array([v is not None for v in values], dtype=bool)
        x = np.array([0.0 if v is None else float(v) for v in values], dtype=np.float64)
        places = max((_places(v) for v in values if v is not None), default=0)
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
class _Units:
    """Many units' values, one typed column per declared name, with what is present."""

    n: int
    meta: dict[str, list[Any]]
    columns: dict[str, Vector]
    present: dict[str, Mask]
    survey: dict[str, _Survey]
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


def _from_submissions(
    criteria: CriteriaSet, submissions: Sequence[Submission | CheckedSubmission]
) -> _Units:
    checked: list[CheckedSubmission] = []
    problems: list[Problem] = []
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
    columns: dict[str, Vector] = {}
    present: dict[str, Mask] = {}
    for name, kind in _types(criteria).items():
        columns[name], present[name] = _column(kind, [c.values.get(name) for c in checked])
    units = [c.submission for c in checked]
    meta: dict[str, list[Any]] = {
        "unit": [s.unit.id for s in units],
        "name": [s.unit.name for s in units],
        "level": [s.unit.level.value for s in units],
        "group": [s.unit.group or s.unit.level.value for s in units],
        "year": [s.year for s in units],
        "sample": [s.sample for s in units],
        "synthetic": [s.synthetic for s in units],
    }
    survey = {
        code: _Survey.of([s.survey.get(code) for s in units])
        for code, node in criteria.compiled.nodes.items()
        if isinstance(node.node.rule, SurveyRule)
    }
    return _Units(len(units), meta, columns, present, survey, rows=[c.values for c in checked])


class _FrameReader:
    """Reads and checks a DataFrame of inputs, every problem at once (row, column, value)."""

    def __init__(self, criteria: CriteriaSet, frame: pd.DataFrame) -> None:
        self.criteria = criteria
        self.frame = frame
        self.n = len(frame)
        self.problems: list[Problem] = []
        ids = frame["unit"].astype(str).tolist() if "unit" in frame.columns else []
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

    def read(self) -> _Units:
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
        survey_codes = [
            c for c, n in criteria.compiled.nodes.items() if isinstance(n.node.rule, SurveyRule)
        ]
        known = set(META_COLUMNS) | set(kinds) | {SURVEY_PREFIX + c for c in survey_codes}
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
        for name, kind in kinds.items():
            if name not in frame.columns:
                columns[name], present[name] = _column(kind, [None] * self.n)
                continue
            columns[name], present[name] = self.column(name, kind, frame[name])
            spec = specs.get(name)
            if spec is not None:
                self.check_range(name, spec.type, spec.min, spec.max, columns[name], present[name])
        meta = self.meta
        survey = {code: self.survey(code) for code in survey_codes}
        units = _Units(self.n, meta, columns, present, survey)
        self.check_constraints(units)
        if self.problems:
            raise SubmissionError(self.problems)
        return units

    def survey(self, code: str) -> _Survey:
        import pandas as pd

        column = SURVEY_PREFIX + code
        top = self.criteria.compiled.nodes[code].node.max_points
        if column not in self.frame.columns:
            return _Survey.of([None] * self.n)
        series = self.frame[column]
        if pd.api.types.is_numeric_dtype(series.dtype) and not pd.api.types.is_bool_dtype(
            series.dtype
        ):
            x = series.to_numpy(dtype=np.float64, na_value=np.nan)
            present = ~np.isnan(x)
            bad = present & ((x < 0) | (x > float(top)) | ~np.isfinite(x))
            given = np.where(present & ~bad, x, 0.0)
            result = _Survey(present & ~bad, given, _float_places(given))
        else:
            values: list[Decimal | None] = [None] * self.n
            for row, cell in enumerate(series.tolist()):
                if _missing(cell):
                    continue
                try:
                    values[row] = parse_decimal(cell)
                except ValueError as exc:
                    self.add("invalid_value", f"điểm điều tra: {exc}", str(exc), column, [row])
            result = _Survey.of(values)
            bad = np.array([v is not None and not 0 <= v <= top for v in values], dtype=bool)
        if bad.any():
            self.add(
                "invalid_value",
                f"điểm điều tra phải từ 0 đến {top}",
                f"survey points must be within 0 … {top}",
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
            return [default if _missing(v) else v for v in frame[name].tolist()]

        levels = [str(v) for v in column("level", default_level)]
        allowed = {level.value for level in criteria.levels}
        bad = [row for row, level in enumerate(levels) if level not in allowed]
        if bad:
            self.add(
                "wrong_level",
                f"cấp không thuộc bộ tiêu chí (cho phép: {', '.join(sorted(allowed))})",
                "level not covered by the set",
                "level",
                bad,
            )
        groups = column("group", None)
        return {
            "unit": self.ids,
            "name": [str(v) for v in column("name", "")],
            "level": levels,
            "group": [
                str(g) if g is not None else level for g, level in zip(groups, levels, strict=True)
            ],
            "year": [int(v) for v in column("year", criteria.year)],
            "sample": [bool(v) for v in column("sample", False)],
            "synthetic": [bool(v) for v in column("synthetic", False)],
        }

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
                self.add(
                    "invalid_value",
                    f"{name}: cần một số hữu hạn",
                    f"{name}: not finite",
                    name,
                    np.flatnonzero(bad),
                )
            x = np.where(present & np.isfinite(x), x, 0.0)
            return Numbers(x, number_error(x)), present & ~bad
        if kind == ValueType.BOOL and pd.api.types.is_bool_dtype(series.dtype):
            present = ~series.isna().to_numpy(dtype=bool)
            return Bools(series.to_numpy(dtype=bool, na_value=False)), present
        cells = series.tolist()
        if kind == ValueType.DATE:
            fast = self.dates(cells)
            if fast is not None:
                return fast
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
                self.add("invalid_value", f"{name}: {exc}", f"{name}: {exc}", name, [row])
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
    def dates(cells: list[Any]) -> tuple[Vector, Mask] | None:
        """A column of plain dates, ``False`` (not done) and gaps, read in one pass.

        ``None`` when a cell needs parsing (text, timestamps): the general path reads it.
        """
        date = dt.date
        days = np.array(
            [c.toordinal() if c.__class__ is date else (-1 if c is False else 0) for c in cells],
            dtype=np.float64,
        )
        odd = np.flatnonzero(days == 0)
        if any(not _missing(cells[row]) for row in odd):
            return None
        present = days != 0
        return Dates(np.where(days == -1, np.nan, np.where(present, days, 1.0))), present

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
                checks.append((x < float(low), f"nhỏ hơn giá trị tối thiểu {low}", f"below {low}"))
            if high is not None:
                checks.append((x > float(high), f"lớn hơn giá trị tối đa {high}", f"above {high}"))
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
        years = np.array(self.meta["year"], dtype=np.int64)
        first = {y: dt.date(int(y) - 1, 1, 1).toordinal() for y in np.unique(years)}
        last = {y: dt.date(int(y) + 1, 12, 31).toordinal() for y in np.unique(years)}
        return (
            np.array([first[y] for y in years], dtype=np.float64),
            np.array([last[y] for y in years], dtype=np.float64),
        )

    def check_constraints(self, units: _Units) -> None:
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
            holds = evaluator.truth(check.root)
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


# --- scoring ---------------------------------------------------------------------------


@dataclass
class _Node:
    """One node's results over all units (points scaled by ``10**S``)."""

    status: npt.NDArray[np.int8]
    points: Ints
    valid: Mask
    max_points: Ints
    undetermined: Ints
    included: Mask  # part of its parent's children (not cut by its own applicability)


class _Scorer:
    def __init__(self, criteria: CriteriaSet, units: _Units) -> None:
        self.criteria = criteria
        self.compiled: CompiledSet = criteria.compiled
        self.units = units
        self.n = units.n
        self.evaluator = Evaluator(units.n, units.columns)
        self.precision_places = max(0, -int(criteria.precision.as_tuple().exponent))
        places = [self.precision_places]
        places += [_places(n.node.max_points) for n in self.compiled.nodes.values()]
        places += [survey.places for survey in units.survey.values()]
        self.scale = max(places)
        self.results: dict[str, _Node] = {}
        self.algebra = tree.columns(self.n)

    def scaled(self, value: Decimal) -> int:
        return int(value.scaleb(self.scale))

    def quantized(self, value: Decimal) -> int:
        return self.scaled(quantize(value, self.criteria.precision))

    def full(self, value: int) -> Ints:
        return np.full(self.n, value, dtype=np.int64)

    # --- leaves ---------------------------------------------------------------

    def leaf(self, node: CompiledNode) -> tuple[Ints, Mask, Mask]:
        """Points, rows scored, rows to settle exactly — for rows where the inputs are present.

        The leaf's lowered expression (its kind's :meth:`~parindex.rules.RuleKind.lower`)
        evaluated over the columns; rows the error bounds cannot settle, and rows with
        no value (a value in no band), are left to the exact engine.
        """
        assert node.leaf is not None and node.leaf.lowered is not None
        ev = self.evaluator
        ev.reset()
        raw = ev.numbers(node.leaf.lowered)
        steps, unsure = round_half_up(raw, self.precision_places)
        ev.flag(unsure)
        points = steps.astype(np.int64) * 10 ** (self.scale - self.precision_places)
        return points, np.ones(self.n, dtype=bool), ev.unsure.copy()

    def exact(self, node: CompiledNode, rows: Mask, points: Ints, scored: Mask) -> None:
        """Score ``rows`` with the single-unit engine's scorer."""
        for row in np.flatnonzero(rows):
            values = self.units.values_of(int(row), node.inputs)
            try:
                points[row] = self.scaled(leaf_points(self.criteria, node.code, values))
                scored[row] = True
            except EvaluationError:
                scored[row] = False

    def score_leaf(self, node: CompiledNode, active: Mask) -> _Node:
        top = node.node.max_points
        counted = self.scaled(top) if node.counts_in_max else 0
        n = self.n
        status = np.full(n, _CODE[Status.SCORED], dtype=np.int8)
        if isinstance(node.node.rule, SurveyRule):
            given = self.units.survey[node.code]
            valid = given.present.copy()
            points = np.where(valid, given.scaled(self.scale), 0)
            status[:] = _CODE[Status.SURVEY]
            undetermined = np.where(valid, 0, self.scaled(top)).astype(np.int64)
            return _Node(status, points, valid, self.full(counted), undetermined, active)
        missing = self.units.absent(node.inputs)
        points, scored, unsure = self.leaf(node)
        if missing is not None:
            scored &= ~missing
            unsure &= ~missing
        unsure &= active
        if unsure.any():
            points = points.copy()
            self.exact(node, unsure, points, scored)
        if missing is not None:
            status[missing] = _CODE[Status.MISSING_INPUT]
            status[~missing & ~scored] = _CODE[Status.ERROR]
        elif not scored.all():
            status[~scored] = _CODE[Status.ERROR]
        undetermined = np.where(scored, 0, self.scaled(top)).astype(np.int64)
        return _Node(status, points, scored, self.full(counted), undetermined, active)

    # --- applicability and the tree -------------------------------------------

    def applicability(self, node: CompiledNode) -> tuple[Mask, Mask]:
        """Rows where the node applies, rows where that cannot be known (names missing)."""
        n = self.n
        if node.applies_if is None:
            return np.ones(n, dtype=bool), np.zeros(n, dtype=bool)
        absent = self.units.absent(node.applies_if.names)
        unknown = np.zeros(n, dtype=bool) if absent is None else absent.copy()
        decided: dict[int, bool] = {}
        for row in np.flatnonzero(unknown):  # 'a and b' is false without b when a is false
            known = applies(node, self.units.values_of(int(row), node.applies_if.names))
            if known is not None:
                decided[int(row)] = known
                unknown[row] = False
        self.evaluator.reset()
        holds = self.evaluator.truth(node.applies_if.root).copy()
        for row in np.flatnonzero(self.evaluator.unsure & ~unknown):
            if int(row) not in decided:
                values = self.units.values_of(int(row), node.applies_if.names)
                holds[row] = bool(evaluate(node.applies_if, values))
        for index, known in decided.items():
            holds[index] = known
        return holds & ~unknown, unknown

    def visit(self, code: str, forced_na: Mask, forced_missing: Mask) -> _Node:
        node = self.compiled.nodes[code]
        holds, unknown = self.applicability(node)
        own_na = ~forced_na & ~forced_missing & ~holds & ~unknown
        na = forced_na | own_na
        missing = ~na & (forced_missing | unknown)
        active = ~na & ~missing
        children = self.compiled.children.get(code, ())
        child_results = [self.visit(c, na, missing) for c in children]
        if node.node.is_leaf:
            result = self.score_leaf(node, active)
        else:
            result = self.aggregate(node, children, child_results)
        if na.any() or missing.any():
            declared = self.scaled(node.node.max_points)
            counted = declared if node.counts_in_max else 0
            result.status = np.where(
                na,
                _CODE[Status.NOT_APPLICABLE],
                np.where(missing, _CODE[Status.MISSING_INPUT], result.status),
            ).astype(np.int8)
            result.valid = result.valid & active
            result.max_points = np.where(na, 0, np.where(missing, counted, result.max_points))
            result.undetermined = np.where(na, 0, np.where(missing, declared, result.undetermined))
        if not result.valid.all():
            result.points = np.where(result.valid, result.points, 0)  # parents add points as is
        # A parent none of whose parts applies is left out by its own parent, as in the engine.
        result.included = ~own_na if node.node.is_leaf else ~own_na & result.included
        self.results[code] = result
        return result

    def aggregate(self, node: CompiledNode, codes: Sequence[str], parts: Sequence[_Node]) -> _Node:
        """The parent over all units at once: the one aggregation of :mod:`parindex.tree`."""
        children = [self.compiled.nodes[c] for c in codes]
        combined = tree.aggregate(
            node.node.aggregation,
            [
                tree.Part(
                    p.included,
                    p.valid,
                    p.points,
                    p.max_points,
                    p.undetermined,
                    c.counts_in_max,
                    c.sign,
                )
                for p, c in zip(parts, children, strict=True)
            ],
            self.full(self.scaled(node.node.max_points)),
            self.algebra,
        )
        status = np.where(combined.partial, _CODE[Status.PARTIAL], _CODE[Status.SCORED])
        status = np.where(combined.applies, status, _CODE[Status.NOT_APPLICABLE]).astype(np.int8)
        applies = np.asarray(combined.applies, dtype=bool)
        return _Node(
            status,
            np.asarray(combined.points, dtype=np.int64),
            applies,
            np.asarray(combined.top, dtype=np.int64),
            np.asarray(combined.undetermined, dtype=np.int64),
            applies,
        )

    def run(self) -> dict[str, Any]:
        n = self.n
        none = np.zeros(n, dtype=bool)
        areas = [self.visit(c, none, none) for c in self.compiled.children.get(None, ())]
        total = self.full(0)
        maximum = self.full(0)
        undetermined = self.full(0)
        for area in areas:
            total = total + np.where(area.included & area.valid, area.points, 0)
            maximum = maximum + np.where(area.included, area.max_points, 0)
            undetermined = undetermined + np.where(area.included, area.undetermined, 0)
        total = np.minimum(np.maximum(total, 0), maximum)
        has_max = maximum > 0
        safe = np.where(has_max, maximum, 1)
        index = (2 * total * 10000 + safe) // (2 * safe)
        upper = np.minimum(total + undetermined, maximum)
        upper_index = (2 * upper * 10000 + safe) // (2 * safe)
        levels = self.units.meta["level"]
        bands: list[str | None] = []
        memo: dict[tuple[int, str], str | None] = {}

        def band_of(hundredths: int, level: str) -> str | None:
            key = (hundredths, level)
            if key not in memo:
                memo[key] = tree.classify(Decimal(hundredths).scaleb(-2), self.compiled, level)
            return memo[key]

        for row in range(n):
            if not has_max[row]:
                bands.append(None)
                continue
            band = band_of(int(index[row]), levels[row])
            if undetermined[row] and band_of(int(upper_index[row]), levels[row]) != band:
                band = None
            bands.append(band)
        provisional = tree.provisional_points(
            self.compiled, None, lambda c: self.results[c].max_points, self.algebra
        )
        scored_provisional = self.full(0)
        for code, node in self.compiled.nodes.items():
            if node.rule is None or not node.counts_in_max or not node.provisional:
                continue
            result = self.results[code]
            scored_provisional += np.where(result.valid, result.points, 0)
        return {
            "total": total,
            "max_points": maximum,
            "index": index,
            "has_index": has_max,
            "band": bands,
            "complete": undetermined == 0,
            "undetermined_points": undetermined,
            "provisional_points": provisional,
            "provisional_points_scored": scored_provisional,
        }


# --- output ----------------------------------------------------------------------------


def _decimals(values: Ints, valid: Mask | None, scale: int) -> Any:
    """An exact nullable decimal column (pyarrow ``decimal128``) from scaled integers."""
    import pandas as pd
    import pyarrow as pa

    values = np.ascontiguousarray(values, dtype=np.int64)
    wide = np.empty((len(values), 2), dtype=np.int64)
    wide[:, 0] = values
    wide[:, 1] = values >> 63
    buffers = [None, pa.py_buffer(wide)]
    nulls = 0
    if valid is not None and not valid.all():
        buffers[0] = pa.py_buffer(np.packbits(valid, bitorder="little"))
        nulls = int((~valid).sum())
    array = pa.Array.from_buffers(pa.decimal128(38, scale), len(values), buffers, null_count=nulls)
    return pd.arrays.ArrowExtensionArray(array)


def _units_of(
    criteria: CriteriaSet, units: Units) -> _Units:
    import pandas as pd

    if isinstance(units, pd.DataFrame):
        return _FrameReader(criteria, units).read()
    if isinstance(units, str | os.PathLike):  # a folder or a file: read as load_submissions does
        from parindex.folders import load_submissions

        units = load_submissions(units, criteria, on_error="raise").submissions
    elif isinstance(units, tuple) and len(units) == 2 and isinstance(units[1], pd.DataFrame):
        units = units[0]  # the (submissions, problems) that load_submissions returns
    return _from_submissions(criteria, list(units))


def score_many(
    criteria: CriteriaSet,
    units: Units,
    *,
    long: bool = False,
) -> pd.DataFrame:
    """Score many units at once; one row per unit in input order (``long``: per unit and node).

    ``units`` are submissions (checked against the set, every problem of every unit
    reported together; a folder or what :func:`~parindex.load_submissions` returns) or a DataFrame of inputs as :func:`inputs_frame` makes. The
    wide result has the unit columns (:data:`META_COLUMNS`), one column of points per
    node code, each area's applicable maximum (``max:<code>``), then :data:`TOTAL_COLUMNS`. The long one has ``unit, code, points,
    max_points, undetermined_points, status``. Points are exact decimals; a node
    without points (not applicable, missing inputs) is ``<NA>``.

    >>> scores = score_many(criteria, parindex.synthetic.units(criteria, 1000))  # doctest: +SKIP
    >>> scores[["unit", "total", "index", "band"]].head()  # doctest: +SKIP
    """
    import pandas as pd

    table = _units_of(criteria, units)
    scorer = _Scorer(criteria, table)
    totals = scorer.run()
    scale = scorer.scale
    codes = list(criteria.compiled.nodes)
    if long:
        return numeric(_long_frame(table, scorer, codes))
    data: dict[str, Any] = {name: table.meta[name] for name in META_COLUMNS}
    for code in codes:
        result = scorer.results[code]
        data[code] = _decimals(result.points, result.valid, scale)
    for code in criteria.compiled.children.get(None, ()):
        result = scorer.results[code]
        data[MAX_PREFIX + code] = _decimals(result.max_points, None, scale)
    data["total"] = _decimals(totals["total"], None, scale)
    data["max_points"] = _decimals(totals["max_points"], None, scale)
    data["index"] = _decimals(totals["index"], totals["has_index"], 2)
    data["band"] = pd.array(totals["band"], dtype="string")
    data["complete"] = totals["complete"]
    data["undetermined_points"] = _decimals(totals["undetermined_points"], None, scale)
    data["provisional_points"] = _decimals(totals["provisional_points"], None, scale)
    data["provisional_points_scored"] = _decimals(totals["provisional_points_scored"], None, scale)
    return numeric(pd.DataFrame(data))


def _long_frame(table: _Units, scorer: _Scorer, codes: list[str]) -> pd.DataFrame:
    import pandas as pd

    n, scale = table.n, scorer.scale
    results = [scorer.results[c] for c in codes]

    def stacked(attribute: str) -> npt.NDArray[Any]:
        return np.stack([getattr(r, attribute) for r in results], axis=1).reshape(-1)

    status = pd.Categorical.from_codes(
        stacked("status").astype(np.int64), categories=pd.Index([s.value for s in _STATUSES])
    )
    return pd.DataFrame(
        {
            "unit": np.repeat(np.array(table.meta["unit"], dtype=object), len(codes)),
            "code": np.tile(np.array(codes, dtype=object), n),
            "points": _decimals(stacked("points"), stacked("valid"), scale),
            "max_points": _decimals(stacked("max_points"), None, scale),
            "undetermined_points": _decimals(stacked("undetermined"), None, scale),
            "status": status,
        }
    )


def inputs_frame(
    criteria: CriteriaSet, submissions: Iterable[Submission | CheckedSubmission]
) -> pd.DataFrame:
    """Submissions as a DataFrame of inputs, one row per unit, for :func:`score_many`.

    Columns: :data:`META_COLUMNS`, then every fact and input of the set (numbers as
    float64 — read back by their shortest repr, so ``0.1`` stays ``0.1`` — dates as
    :class:`datetime.date` or ``False`` for "not done", yes/no as nullable booleans,
    choices as text), then ``survey:<code>`` for survey-scored leaves. Missing values
    are ``<NA>``/``NaN``, never 0.
    """
    import pandas as pd

    table = _from_submissions(criteria, list(submissions))
    data: dict[str, Any] = {name: table.meta[name] for name in META_COLUMNS}
    for name, column in table.columns.items():
        present = table.present[name]
        if isinstance(column, Numbers):
            data[name] = np.where(present, column.x, np.nan)
        elif isinstance(column, Bools):
            data[name] = pd.array(
                [bool(b) if p else None for b, p in zip(column.b, present, strict=True)],
                dtype="boolean",
            )
        elif isinstance(column, Dates):
            data[name] = [
                None if not p else (False if np.isnan(d) else dt.date.fromordinal(int(d)))
                for d, p in zip(column.d, present, strict=True)
            ]
        else:
            data[name] = [s if p else None for s, p in zip(column.s, present, strict=True)]
    for code, survey in table.survey.items():
        data[SURVEY_PREFIX + code] = np.where(survey.present, survey.x, np.nan)
    return pd.DataFrame(data)

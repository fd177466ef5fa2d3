"""A province's results for one year: what the HTML page, the Word report and the charts show.

:func:`province_results` checks every submission on its own (one bad file never blocks
the others: it is listed with its problems), reviews each unit (:func:`parindex.review`),
and ranks them once with :func:`parindex.rank` on the **final** index: the appraised one
where the unit has been appraised (``basis == "appraised"``), the computed one otherwise.
With a previous year's results, each unit's movement (rank and index change) is matched
by unit id.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from parindex.criteria import CriteriaSet
from parindex.errors import Problem, SubmissionError
from parindex.messages import TOTAL_ROW
from parindex.review import Review, review
from parindex.submission import CheckedSubmission, Submission, check_submission

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["ProvinceResults", "UnitRow", "province_results"]


@dataclass(frozen=True)
class UnitRow:
    """One unit's line of the ranking, exact."""

    unit: str
    name: str
    group: str
    level: str
    rank: int | None
    total: Decimal
    max_points: Decimal
    index: Decimal | None
    band: str | None
    complete: bool
    basis: str  # "appraised" or "computed"
    areas: dict[str, Decimal | None]
    provisional_points_scored: Decimal
    undetermined_points: Decimal
    synthetic: bool
    previous_rank: int | None = None
    previous_index: Decimal | None = None

    @property
    def change(self) -> Decimal | None:
        """Index change against the previous year, in percentage points."""
        if self.index is None or self.previous_index is None:
            return None
        return self.index - self.previous_index


@dataclass(frozen=True)
class ProvinceResults:
    """Reviews, the ranking on final indices, and the units left out with their problems."""

    criteria: CriteriaSet
    reviews: dict[str, Review]
    rows: list[UnitRow]
    skipped: list[Problem] = field(default_factory=list)
    previous_year: int | None = None

    @property
    def year(self) -> int:
        return self.criteria.year

    @property
    def areas(self) -> list[str]:
        return list(self.criteria.compiled.children.get(None, ()))

    def groups(self) -> dict[str, list[UnitRow]]:
        """Rows by ranking group, in ranking order."""
        out: dict[str, list[UnitRow]] = {}
        for row in self.rows:
            out.setdefault(row.group, []).append(row)
        return out

    def frame(self) -> pd.DataFrame:
        """The ranking as a frame (float64 columns with ``exact:`` twins, :mod:`parindex.frames`)."""
        import pandas as pd

        from parindex.frames import numeric

        records = []
        for row in self.rows:
            record: dict[str, Any] = {
                k: v for k, v in vars(row).items() if k != "areas" and not k.startswith("_")
            }
            record["change"] = row.change
            record.update({f"area:{c}": v for c, v in row.areas.items()})
            records.append(record)
        decimals = ["total", "max_points", "index", "previous_index", "change"]
        decimals += [f"area:{c}" for c in self.areas]
        return numeric(pd.DataFrame(records), decimals)

    @property
    def provisional_max(self) -> Decimal:
        """Points of the set's maximum that rest on provisional values."""
        return self.criteria.compiled.provisional_points()


def _check_all(
    criteria: CriteriaSet, submissions: Iterable[Submission | CheckedSubmission]
) -> tuple[list[CheckedSubmission], list[Problem]]:
    """Each submission checked; a unit given twice keeps its first submission and each later
    one is a ``duplicate_unit`` problem (as when a folder is read: :func:`parindex.batch.once_each`,
    the rule :func:`~parindex.score_many` applies too), never a lost or mixed row."""
    from parindex.batch import once_each

    checked: list[CheckedSubmission] = []
    kept, problems = once_each(submissions)
    for given in kept:
        try:
            checked.append(
                given if isinstance(given, CheckedSubmission) else check_submission(criteria, given)
            )
        except SubmissionError as exc:
            problems.extend(exc.problems)
    return checked, problems


def _final_scores(
    criteria: CriteriaSet, checked: Sequence[CheckedSubmission], reviews: dict[str, Review]
) -> pd.DataFrame:
    """``score_many``'s exact frame with appraised totals, indices, bands and areas."""
    from parindex.batch import score_many
    from parindex.excel_layout import final_band
    from parindex.frames import decimal_column, exact

    scores = exact(score_many(criteria, checked))
    areas = list(criteria.compiled.children.get(None, ()))
    columns: dict[str, list[Any]] = {
        name: [_value(v) for v in scores[name].tolist()]
        for name in ("total", "index", "band", "complete", *areas)
    }
    basis = []
    for row, unit in enumerate(scores["unit"].tolist()):
        result = reviews[unit]
        if result.appraised_index is None:
            basis.append("computed")
            continue
        basis.append("appraised")
        by_area = {s.code: s for s in result.summary}
        columns["total"][row] = by_area[TOTAL_ROW].appraised_score
        columns["index"][row] = result.appraised_index
        columns["band"][row] = final_band(result, criteria.compiled)
        columns["complete"][row] = True
        for code in areas:
            if code in by_area:
                columns[code][row] = by_area[code].appraised_score
    for name in ("total", "index", *areas):
        scores[name] = decimal_column(columns[name])
    scores["band"] = columns["band"]
    scores["complete"] = columns["complete"]
    scores["basis"] = basis
    return scores


def _value(value: Any) -> Any:
    """A frame cell with pandas' missing markers (``<NA>``, ``NaN``) as ``None``."""
    import pandas as pd

    missing = value is pd.NA or (isinstance(value, float) and value != value)
    return None if missing else value


def _row(
    criteria: CriteriaSet, record: dict[Any, Any], extra: dict[Any, Any], old: UnitRow | None
) -> UnitRow:
    from parindex.ranking import AREA_PREFIX

    rank = _value(record["rank"])
    provisional, undetermined = extra["provisional_points_scored"], extra["undetermined_points"]
    assert isinstance(provisional, Decimal) and isinstance(undetermined, Decimal)
    return UnitRow(
        unit=str(record["unit"]),
        name=str(record["name"]),
        group=str(record["group"]),
        level=str(record["level"]),
        rank=None if rank is None else int(rank),
        total=record["total"],
        max_points=record["max_points"],
        index=_value(record["index"]),
        band=_value(record["band"]),
        complete=bool(record["complete"]),
        basis=str(extra["basis"]),
        areas={
            c: _value(record[AREA_PREFIX + c]) for c in criteria.compiled.children.get(None, ())
        },
        provisional_points_scored=provisional,
        undetermined_points=undetermined,
        synthetic=bool(record["synthetic"]),
        previous_rank=old.rank if old else None,
        previous_index=old.index if old else None,
    )


def province_results(
    criteria: CriteriaSet,
    submissions: Iterable[Submission | CheckedSubmission],
    *,
    previous: ProvinceResults | None = None,
) -> ProvinceResults:
    """Review and rank every unit that checks against ``criteria``; list the others.

    >>> results = province_results(criteria, submissions)  # doctest: +SKIP
    >>> results.groups()["so"][0].name  # doctest: +SKIP
    """
    from parindex.frames import exact
    from parindex.ranking import rank

    checked, problems = _check_all(criteria, submissions)
    reviews = {c.submission.unit.id: review(criteria, c) for c in checked}
    if not checked:
        return ProvinceResults(criteria, reviews, [], problems)
    scores = _final_scores(criteria, checked, reviews)
    table = exact(rank(scores, criteria))
    # the three columns a row takes, by unit (a wide frame's row by label costs milliseconds)
    extra = scores.set_index("unit")[
        ["provisional_points_scored", "undetermined_points", "basis"]
    ].to_dict(orient="index")
    before = {r.unit: r for r in previous.rows} if previous else {}
    rows = []
    for record in table.to_dict(orient="records"):
        unit = str(record["unit"])
        rows.append(_row(criteria, record, extra[unit], before.get(unit)))
    return ProvinceResults(criteria, reviews, rows, problems, previous.year if previous else None)

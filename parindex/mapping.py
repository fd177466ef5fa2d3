"""Year-over-year comparison through an explicit code mapping between two criteria sets.

Criteria move between years: renumbered, renamed, merged, split, dropped, added. A
mapping file (``format: parindex.mapping/1``) says, as data, which codes of one set
measure what which codes of the other measure, with both titles as written and how
sure the match is (``exact`` / ``renamed`` / ``judgement``). :func:`load_mapping` checks
it against both sets — every code exists, every title is the set's, no code twice — and
reports every problem with file and line. :func:`compare_years` lines up the score
reports of the same units in the two years, one row per entry, with exact points.

>>> mapping = load_mapping("criteria/mappings/quangbinh-stnmt-2021--namdinh-stnmt-2023.yaml")  # doctest: +SKIP
>>> frame = compare_years(mapping, report_2021, report_2023)  # doctest: +SKIP
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum
from pathlib import Path as FsPath
from typing import TYPE_CHECKING, Annotated, Literal, Protocol

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field

from parindex.criteria import CriteriaSet
from parindex.errors import CriteriaError, MappingError, Problem, did_you_mean
from parindex.loader import SourceMap, load_criteria, read_document, validate_model
from parindex.messages import label
from parindex.numbers import quantize
from parindex.report import NodeResult, ScoreReport, Status

if TYPE_CHECKING:
    import pandas as pd

__all__ = [
    "CodeMapping",
    "CodeRef",
    "ComparisonStatus",
    "MappingEntry",
    "compare_years",
    "load_mapping",
    "parse_mapping",
]

_HUNDRED = Decimal(100)
_CENT = Decimal("0.01")


def _code(value: object) -> object:
    """Codes are text; YAML reads an unquoted ``1`` as a number."""
    return str(value) if isinstance(value, int) and not isinstance(value, bool) else value


class _Model(BaseModel):
    model_config = ConfigDict(defer_build=True, extra="forbid", frozen=True, populate_by_name=True)


class CodeRef(_Model):
    """A criterion of one set: its code and its title as the set writes it."""

    code: Annotated[str, BeforeValidator(_code), Field(min_length=1)]
    title: Annotated[str, Field(min_length=1)]


class MappingEntry(_Model):
    """Codes of the old set that measure what codes of the new set measure.

    One code on each side: a match (``exact``, ``renamed``) or a ``judgement``. Several
    codes on a side: ``merged`` (old) or ``split`` (new); their points add up. No code on
    one side: ``unmapped`` (dropped in the new year) or ``new`` (added), ``match: none``.
    """

    old: list[CodeRef] = Field(alias="from", description="Mã của bộ năm trước")
    new: list[CodeRef] = Field(alias="to", description="Mã của bộ năm sau")
    match: Literal["exact", "renamed", "judgement", "none"] = Field(
        description="exact: cùng tiêu đề; renamed: đổi tên, cùng nội dung; "
        "judgement: nhận định của người soạn (nêu lý do trong note); none: không tương ứng"
    )
    basis: Literal["same", "renumbered", "merged", "split", "unmapped", "new"]
    note: str | None = None

    @property
    def old_codes(self) -> list[str]:
        return [ref.code for ref in self.old]

    @property
    def new_codes(self) -> list[str]:
        return [ref.code for ref in self.new]


class CodeMapping(_Model):
    """A whole mapping file: from which set to which, and its entries."""

    format: Literal["parindex.mapping/1"]
    old_set: str = Field(alias="from", description="id của bộ tiêu chí năm trước")
    new_set: str = Field(alias="to", description="id của bộ tiêu chí năm sau")
    title: str | None = None
    note: str | None = None
    entries: Annotated[list[MappingEntry], Field(min_length=1)]


# --- loading and checking -----------------------------------------------------------


def _find_set(set_id: str, near: FsPath, given: dict[str, CriteriaSet]) -> CriteriaSet | None:
    if set_id in given:
        return given[set_id]
    for folder in (near, near.parent):
        for suffix in (".yaml", ".yml", ".json"):
            candidate = folder / f"{set_id}{suffix}"
            if candidate.is_file():
                return load_criteria(candidate)
    return None


class _Add(Protocol):
    """How a check reports one problem (file and line found from the path)."""

    def __call__(
        self,
        kind: str,
        message: str,
        message_en: str,
        path: tuple[str | int, ...],
        text: str | None = None,
        allowed: Sequence[str] = (),
        code: str | None = None,
    ) -> None: ...


def _check_ref(
    ref: CodeRef,
    codes: Sequence[str],
    criteria: CriteriaSet,
    path: tuple[str | int, ...],
    add: Callable[..., None],
) -> None:
    """One side's code of an entry: in its set, with the set's title, not inside another."""
    nodes = criteria.compiled.nodes
    if ref.code not in nodes:
        add(
            "unknown_code",
            f"bộ '{criteria.id}' không có mã {ref.code}{did_you_mean(ref.code, nodes)}",
            f"set '{criteria.id}' has no code {ref.code}",
            (*path, "code"),
            ref.code,
            code=ref.code,
        )
        return
    title = nodes[ref.code].node.title
    if ref.title != title:
        add(
            "title_mismatch",
            f"tiêu đề của {ref.code} khác tiêu đề trong bộ '{criteria.id}'",
            f"title of {ref.code} differs from set '{criteria.id}'",
            (*path, "title"),
            ref.title,
            (title,),
            code=ref.code,
        )
    parent = nodes[ref.code].parent
    while parent is not None:
        if parent in codes:
            add(
                "nested_codes",
                f"{ref.code} nằm trong {parent} cùng mục: điểm sẽ bị cộng hai lần",
                f"{ref.code} is inside {parent} in the same entry",
                (*path, "code"),
                ref.code,
                code=ref.code,
            )
        parent = nodes[parent].parent


def _check(
    mapping: CodeMapping, source: SourceMap, old: CriteriaSet | None, new: CriteriaSet | None
) -> list[Problem]:
    problems: list[Problem] = []

    def add(
        kind: str,
        message: str,
        message_en: str,
        path: tuple[str | int, ...],
        text: str | None = None,
        allowed: Sequence[str] = (),
        code: str | None = None,
    ) -> None:
        problems.append(
            source.problem(kind, message, message_en, path, code=code, text=text, allowed=allowed)
        )

    sides = (("from", old, mapping.old_set), ("to", new, mapping.new_set))
    for key, criteria, set_id in sides:
        if criteria is None:
            add(
                "unknown_set",
                f"không tìm thấy bộ tiêu chí '{set_id}' (tìm {set_id}.yaml cạnh tệp đối chiếu "
                "và ở thư mục cha, hoặc truyền bộ tiêu chí vào load_mapping)",
                f"criteria set '{set_id}' not found",
                (key,),
                set_id,
            )
        elif criteria.id != set_id:  # pragma: no cover - sets are found by id
            add("wrong_set", f"bộ tiêu chí là '{criteria.id}'", "wrong set", (key,), set_id)

    seen: dict[str, dict[str, int]] = {"from": {}, "to": {}}
    for index, entry in enumerate(mapping.entries):
        where: tuple[str | int, ...] = ("entries", index)
        for key, criteria, _set_id in sides:
            refs = entry.old if key == "from" else entry.new
            codes = [ref.code for ref in refs]
            for position, ref in enumerate(refs):
                path = (*where, key, position)
                if ref.code in seen[key]:
                    add(
                        "duplicate_code",
                        f"mã {ref.code} đã có ở mục {seen[key][ref.code] + 1} "
                        f"(mỗi mã chỉ thuộc một mục mỗi bên)",
                        f"code {ref.code} already in entry {seen[key][ref.code] + 1}",
                        (*path, "code"),
                        ref.code,
                        code=ref.code,
                    )
                seen[key].setdefault(ref.code, index)
                if criteria is not None:
                    _check_ref(ref, codes, criteria, path, add)
        _check_shape(entry, where, add)
    return problems


def _check_shape(entry: MappingEntry, where: tuple[str | int, ...], add: _Add) -> None:
    n_old, n_new = len(entry.old), len(entry.new)
    if not n_old and not n_new:
        add("empty_entry", "mục không có mã nào ở cả hai bên", "entry has no codes", where)
        return
    one_sided = not n_old or not n_new
    if one_sided != (entry.match == "none"):
        add(
            "match_inconsistent",
            "match: none khi và chỉ khi một bên không có mã",
            "match is 'none' exactly when one side is empty",
            (*where, "match"),
            entry.match,
            ("none",) if one_sided else ("exact", "renamed", "judgement"),
        )
    expected = {
        "unmapped": n_old >= 1 and not n_new,
        "new": n_new >= 1 and not n_old,
        "merged": n_old > 1 and n_new >= 1,
        "split": n_new > 1 and n_old >= 1,
        "same": n_old == n_new == 1 and entry.old[0].code == entry.new[0].code,
        "renumbered": n_old >= 1
        and n_new >= 1
        and {r.code for r in entry.old} != {r.code for r in entry.new},
    }
    if not expected[entry.basis]:
        fitting = tuple(k for k, ok in expected.items() if ok)
        add(
            "basis_inconsistent",
            f"basis '{entry.basis}' không khớp số mã và mã hai bên ({n_old} → {n_new})",
            f"basis '{entry.basis}' does not fit the codes ({n_old} -> {n_new})",
            (*where, "basis"),
            entry.basis,
            fitting,
        )
    if entry.match in ("judgement", "none") and not (entry.note and entry.note.strip()):
        add(
            "missing_note",
            f"match: {entry.match} cần 'note' nêu lý do",
            f"match '{entry.match}' needs a 'note' giving the reason",
            (*where, "note"),
        )


def parse_mapping(
    data: object, source: SourceMap, sets: Iterable[CriteriaSet] = (), near: FsPath | None = None
) -> CodeMapping:
    """Validate plain data as a mapping and check it against both sets; all problems at once."""
    mapping = validate_model(CodeMapping, data, source, MappingError, "tệp đối chiếu mã")
    given = {s.id: s for s in sets}
    folder = near if near is not None else FsPath(".")
    try:
        old = _find_set(mapping.old_set, folder, given)
        new = _find_set(mapping.new_set, folder, given)
    except CriteriaError as exc:
        raise MappingError(exc.problems) from None
    problems = _check(mapping, source, old, new)
    if problems:
        raise MappingError(problems)
    return mapping


def load_mapping(path: str | FsPath, *sets: CriteriaSet) -> CodeMapping:
    """Read a code mapping file and check it against the two sets it names.

    The sets are the ``sets`` given, else ``<id>.yaml`` next to the file or in its parent
    folder (``criteria/mappings/`` → ``criteria/``). Raises
    :class:`~parindex.errors.MappingError` listing every problem with file and line.
    """
    data, source = read_document(path, "tệp đối chiếu mã", MappingError)
    return parse_mapping(data, source, sets, FsPath(path).resolve().parent)


# --- comparing ----------------------------------------------------------------------


class ComparisonStatus(StrEnum):
    """What one side of a comparison row holds."""

    SCORED = "scored"  # every mapped code applies and is scored
    NOT_APPLICABLE = "not_applicable"  # no mapped code applies to the unit that year
    MISSING = "missing"  # some points undetermined (missing inputs or survey)
    UNMAPPED = "unmapped"  # the entry has no code on this side
    NO_REPORT = "no_report"  # the unit has no report for that year


STATUS_VI = {status: label("comparison", status) for status in ComparisonStatus}
_ROW_STATUS = {
    ComparisonStatus.SCORED: "both_scored",
    ComparisonStatus.NOT_APPLICABLE: "not_applicable",
    ComparisonStatus.MISSING: "missing",
    ComparisonStatus.UNMAPPED: "unmapped",
    ComparisonStatus.NO_REPORT: "no_report",
}


@dataclass(frozen=True)
class _Side:
    status: ComparisonStatus
    points: Decimal | None = None
    max_points: Decimal | None = None
    percent: Decimal | None = None


def _side(codes: list[str], report: ScoreReport | None) -> _Side:
    """Points of ``codes`` in ``report``, added exactly over the codes that apply."""
    if report is None:
        return _Side(ComparisonStatus.NO_REPORT)
    if not codes:
        return _Side(ComparisonStatus.UNMAPPED)
    results: list[NodeResult] = [report.node(code) for code in codes]
    applying = [r for r in results if r.status != Status.NOT_APPLICABLE]
    if not applying:
        return _Side(ComparisonStatus.NOT_APPLICABLE)
    top = sum((r.max_points for r in applying), Decimal(0))
    if any(
        r.points is None
        or r.undetermined_points
        or r.status in (Status.MISSING_INPUT, Status.ERROR)
        for r in applying
    ):
        return _Side(ComparisonStatus.MISSING, max_points=top)
    points = sum((r.points for r in applying if r.points is not None), Decimal(0))
    percent = quantize(points * _HUNDRED / top, _CENT) if top else None
    return _Side(ComparisonStatus.SCORED, points, top, percent)


def _row_status(old: _Side, new: _Side) -> str:
    for status in (
        ComparisonStatus.NO_REPORT,
        ComparisonStatus.UNMAPPED,
        ComparisonStatus.NOT_APPLICABLE,
        ComparisonStatus.MISSING,
    ):
        if status in (old.status, new.status):
            return _ROW_STATUS[status]
    return _ROW_STATUS[ComparisonStatus.SCORED]


_COLUMNS = (
    "unit",
    "unit_name",
    "entry",
    "old_codes",
    "new_codes",
    "old_title",
    "new_title",
    "match",
    "basis",
    "old_points",
    "old_max",
    "old_percent",
    "new_points",
    "new_max",
    "new_percent",
    "change",
    "old_status",
    "new_status",
    "status",
    "status_vi",
)
"""The columns of :func:`compare_years`, in order."""


def compare_years(
    mapping: CodeMapping,
    old: ScoreReport | Sequence[ScoreReport],
    new: ScoreReport | Sequence[ScoreReport],
) -> pd.DataFrame:
    """One row per mapping entry (and unit): points, maximum and percent in both years.

    ``old`` and ``new`` are one unit's reports, or lists matched by unit id (a unit in one
    list only gets rows with status ``no_report``). Points add exactly over the codes of
    a side that apply; percents are rounded half up to 2 decimals and ``change`` is the
    new percent minus the old one, in percentage points (exact :class:`~decimal.Decimal`).
    Raises :class:`~parindex.errors.MappingError` if a report is for another set.
    """
    import pandas as pd

    olds = [old] if isinstance(old, ScoreReport) else list(old)
    news = [new] if isinstance(new, ScoreReport) else list(new)
    wrong = [
        Problem(
            kind="wrong_criteria",
            message=f"kết quả của {r.unit.id} chấm theo bộ '{r.criteria_id}', "
            f"không phải '{expected}'",
            message_en=f"report of {r.unit.id} is on set '{r.criteria_id}', not '{expected}'",
            code=r.unit.id,
            text=r.criteria_id,
            allowed=(expected,),
        )
        for reports, expected in ((olds, mapping.old_set), (news, mapping.new_set))
        for r in reports
        if r.criteria_id != expected
    ]
    if wrong:
        raise MappingError(wrong)
    old_by_unit = {r.unit.id: r for r in olds}
    new_by_unit = {r.unit.id: r for r in news}
    units = list(dict.fromkeys([*old_by_unit, *new_by_unit]))
    rows = []
    for unit in units:
        old_report, new_report = old_by_unit.get(unit), new_by_unit.get(unit)
        name = (old_report or new_report).unit.name  # type: ignore[union-attr]
        for index, entry in enumerate(mapping.entries):
            a = _side(entry.old_codes, old_report)
            b = _side(entry.new_codes, new_report)
            change = (
                b.percent - a.percent if a.percent is not None and b.percent is not None else None
            )
            status = _row_status(a, b)
            rows.append(
                {
                    "unit": unit,
                    "unit_name": name,
                    "entry": index + 1,
                    "old_codes": ", ".join(entry.old_codes),
                    "new_codes": ", ".join(entry.new_codes),
                    "old_title": "; ".join(r.title for r in entry.old),
                    "new_title": "; ".join(r.title for r in entry.new),
                    "match": entry.match,
                    "basis": entry.basis,
                    "old_points": a.points,
                    "old_max": a.max_points,
                    "old_percent": a.percent,
                    "new_points": b.points,
                    "new_max": b.max_points,
                    "new_percent": b.percent,
                    "change": change,
                    "old_status": a.status.value,
                    "new_status": b.status.value,
                    "status": status,
                    "status_vi": label("comparison_row", status),
                }
            )
    return pd.DataFrame(rows, columns=list(_COLUMNS))

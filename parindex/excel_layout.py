"""Where everything is on a unit's score sheet: columns, headers, rows, the appraisal round.

Export (:mod:`parindex.excel`) and import (:mod:`parindex.excel_import`) derive the same
:class:`SheetLayout` from the set, the unit's report and its submission, so an import can
check a sheet row by row against what was written.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from parindex.criteria import Aggregation, CriteriaSet
from parindex.errors import Problem, ProblemsError
from parindex.report import NodeResult, ScoreReport, Status
from parindex.submission import Submission
from parindex.tree import classify

if TYPE_CHECKING:
    from parindex.compiler import CompiledSet
    from parindex.review import Review

FORMAT_ID = "parindex.workbook/2"
"""Recorded in the hidden sheet; the importer refuses other layouts."""
FORM_FORMAT = "parindex.form/1"
"""Recorded in the hidden sheet of a self-assessment form (:mod:`parindex.form`); the
importer reads such a workbook with :mod:`parindex.form_read`."""
META_SHEET = "_parindex"
SUMMARY_SHEET = "Tổng hợp"
FINDINGS_SHEET = "Phát hiện thẩm định"
TOTAL_TITLE = "TỔNG ĐIỂM"
INDEX_TITLE = "CHỈ SỐ (%)"
DATE_LINE = "…, ngày … tháng … năm …"
SIGNERS = ("THỦ TRƯỞNG CƠ QUAN", "TỔ THẨM ĐỊNH")
SIGN_HINTS = ("(Ký, ghi rõ họ tên, đóng dấu)", "(Ký, ghi rõ họ tên)")
FOOTER_TEXTS = frozenset({DATE_LINE, *SIGNERS, *SIGN_HINTS})
"""The signature block under the table: written on export, recognised (not imported) on import."""

# Columns of a unit's sheet, in order (0-based indices).
CODE, TITLE, MAX, INPUTS, RULE, EVIDENCE, SELF, COMPUTED, APPRAISED, DIFF, UNIT_NOTE, NOTE = range(
    12
)
HEADERS: tuple[str, ...] = (
    "STT",
    "Lĩnh vực / Tiêu chí / Tiêu chí thành phần",
    "Điểm tối đa",
    "Số liệu kê khai",
    "Cách tính điểm",
    "Yêu cầu và TLKC",
    "Điểm tự đánh giá",
    "Điểm theo quy tắc",
    "Điểm thẩm định",
    "Chênh lệch (thẩm định − tự đánh giá)",
    "Ghi chú của đơn vị",
    "Ghi chú của thẩm định",
)
_WIDTHS = (8, 40, 8.5, 28, 30, 30, 10, 10, 10, 10.5, 24, 24)
_WRAPPED = {TITLE, INPUTS, RULE, EVIDENCE, UNIT_NOTE, NOTE}
HEADER_ROW = 4
"""0-based row of the column headers; the title block is above it."""

_DANGEROUS = ("=", "+", "-", "@", "\t", "\r")


class WorkbookError(ProblemsError):
    """No unit of a workbook can be imported; ``problems`` names sheet, cell and criterion.

    ``problems`` lists the errors, then the warnings (what was read but not imported);
    ``errors`` and ``warnings`` hold each part.
    """

    title_vi = "Bảng điểm Excel không nhập được"
    title_en = "The workbook cannot be imported"

    def __init__(self, errors: Iterable[Problem], warnings: Iterable[Problem] = ()) -> None:
        self.errors: tuple[Problem, ...] = tuple(errors)
        self.warnings: tuple[Problem, ...] = tuple(warnings)
        super().__init__([*self.errors, *self.warnings])


def safe_text(text: str) -> bool:
    """True when ``text`` would be read as a formula if typed into a cell (``=``, ``+``, ``-``,
    ``@``, tab, carriage return first): such text is written with Excel's quote prefix."""
    return text.startswith(_DANGEROUS)


# --- the layout of one unit's sheet ------------------------------------------------------------


@dataclass(frozen=True)
class SheetRow:
    """One criteria row of a unit's sheet.

    ``entry`` rows take scores and notes: every leaf, and a parent the unit or an
    appraiser scored at its own level. Other parents hold formulas.
    """

    row: int
    result: NodeResult
    title: str
    entry: bool
    applicable: bool
    survey: bool
    counted: bool
    aggregation: Aggregation
    leaf: bool
    children: tuple[str, ...]
    """Applicable children, in order (none for a leaf, nor for a parent none of whose parts
    applies while it itself does — the engine then scores it 0 of 0)."""
    below: tuple[str, ...]
    """Every descendant, applicable or not, in tree order."""
    code: str = field(init=False)
    """The result's code, kept as a field: a read of the result's (a pydantic model's) costs
    several times a field's, and the sheets read it for every row."""

    def __post_init__(self) -> None:
        object.__setattr__(self, "code", self.result.code)


@dataclass(frozen=True)
class SheetLayout:
    """Where everything is on one unit's sheet (0-based rows), derived from the set, the
    unit's score report and its submission; import derives the same layout to check a sheet."""

    rows: tuple[SheetRow, ...]
    round: int
    areas: tuple[str, ...]
    """Applicable areas."""
    max_points: Decimal
    """The unit's applicable maximum; no index when it is 0 (nothing applies)."""
    by_code: Mapping[str, SheetRow] = field(default_factory=dict)

    @property
    def first_row(self) -> int:
        return HEADER_ROW + 1

    @property
    def total_row(self) -> int:
        return self.first_row + len(self.rows)

    @property
    def index_row(self) -> int:
        return self.total_row + 1

    def headers(self) -> tuple[str, ...]:
        return sheet_headers(self.round)


def sheet_headers(round: int) -> tuple[str, ...]:
    """The column headers of a unit's detailed sheet showing appraisal ``round``."""
    return (*HEADERS[:APPRAISED], f"Điểm thẩm định (vòng {round})", *HEADERS[DIFF:])


def _display_title(result: NodeResult) -> str:
    """A node's title as the sheet shows it: areas in upper case."""
    return result.title.upper() if result.kind == "area" else result.title


def last_round(submission: Submission) -> int:
    """The round a sheet shows by default: the last appraisal round, or 1 before any."""
    return max((a.round for a in submission.appraisals), default=1)


def layout(
    criteria: CriteriaSet, report: ScoreReport, submission: Submission, round: int
) -> SheetLayout:
    """The rows of a unit's sheet showing appraisal ``round``."""
    compiled = criteria.compiled
    scored_here = set(submission.self_scores) | {
        code for appraisal in submission.appraisals for code in appraisal.scores
    }
    nodes = report.nodes
    codes = tuple([n.code for n in nodes])
    tree = _tree(compiled, nodes, codes)
    rows = []
    new = object.__new__
    for result, (position, leaf, survey, counted, aggregation, parts, below) in zip(
        nodes, tree, strict=True
    ):
        code = codes[position]
        children = tuple(codes[c] for c in parts if nodes[c].status != Status.NOT_APPLICABLE)
        row = new(SheetRow)  # as the frozen dataclass's __init__ sets them, without its calls
        row.__dict__.update(
            row=HEADER_ROW + 1 + position,
            result=result,
            title=_display_title(result),
            entry=leaf or code in scored_here,
            applicable=result.status != Status.NOT_APPLICABLE,
            survey=survey,
            counted=counted,
            aggregation=aggregation,
            leaf=leaf,
            children=children,
            below=below,
            code=code,
        )
        rows.append(row)
    by_code = {r.code: r for r in rows}
    areas = tuple(r.code for r in rows if r.result.parent is None and r.applicable)
    return SheetLayout(
        rows=tuple(rows),
        round=round,
        areas=areas,
        max_points=report.max_points,
        by_code=by_code,
    )


_Tree = list[tuple[int, bool, bool, bool, Aggregation, tuple[int, ...], tuple[str, ...]]]
_TREES: dict[tuple[str, ...], tuple[object, _Tree]] = {}


def _tree(compiled: Any, nodes: Sequence[NodeResult], codes: tuple[str, ...]) -> _Tree:
    """What :func:`layout` takes from the set for each node of a report (the same for every
    unit of a set): its position, whether a leaf and a survey criterion, whether its maximum
    counts, its aggregation, the positions of its children (a leaf: none) and the codes below
    it. Kept for the last few sets."""
    found = _TREES.get(codes)
    if found is not None and found[0] is compiled:
        return found[1]
    survey = set(compiled.given_codes())
    tree: _Tree = []
    for position, result in enumerate(nodes):
        node = compiled.nodes[result.code]
        end = position + 1
        while end < len(nodes) and nodes[end].depth > result.depth:
            end += 1
        leaf = node.node.is_leaf
        parts = (
            ()
            if leaf
            else tuple(c for c in range(position + 1, end) if nodes[c].parent == result.code)
        )
        below = codes[position + 1 : end]
        tree.append(
            (
                position,
                leaf,
                result.code in survey,
                node.counts_in_max,
                node.node.aggregation,
                parts,
                below,
            )
        )
    if len(_TREES) >= 16:
        _TREES.clear()
    _TREES[codes] = (compiled, tree)
    return tree


def appraised_as_of(submission: Submission, round: int) -> dict[str, tuple[Decimal, str | None]]:
    """Each criterion's appraised score and note as of ``round``: the last round up to it
    that scored the criterion (what the review takes as final after that round)."""
    scores: dict[str, tuple[Decimal, str | None]] = {}
    for appraisal in sorted(submission.appraisals, key=lambda a: a.round):
        if appraisal.round <= round:
            scores.update({c: (s.points, s.note) for c, s in appraisal.scores.items()})
    return scores


def final_index(result: Review) -> tuple[Decimal | None, bool]:
    """The index a unit is ranked on, and whether it is the appraised one.

    The appraised index where some round appraised the unit (criteria no round re-scored
    keep the unit's own score, as :func:`parindex.review` resolves them); before any
    appraisal, the rule-computed index — never the self-assessed one. The summary, the
    report and the form's final column all rank and show this value
    (:func:`parindex.results.province_results` ranks on it too).
    """
    if result.appraised_index is not None:
        return result.appraised_index, True
    return result.report.index, False


def final_band(result: Review, compiled: CompiledSet) -> str | None:
    """The band of :func:`final_index`: the appraised index's where appraised; before any
    appraisal the report's own, ``None`` while undetermined points could still move the
    unit to another band (:func:`parindex.tree.band`), as ``rank`` and the reports say."""
    if result.appraised_index is not None:
        return classify(result.appraised_index, compiled, result.report.unit.level)
    return result.report.band


def not_appraised(result: Review) -> list[str]:
    """Codes of the applicable, rule-scored criteria no round has appraised (by themselves
    or through an ancestor scored at its own level): what the summary counts as
    'chưa thẩm định'."""
    final = result.final_scores
    left = []
    covered: list[bool] = []  # whether each ancestor of the node, by depth, is appraised
    for node in result.report.nodes:  # in tree order: a node's ancestors come before it
        depth = node.depth
        del covered[depth:]
        appraised = node.code in final or (depth > 0 and covered[depth - 1])
        covered.append(appraised)
        if appraised or node.rule is None:
            continue
        if node.status not in (Status.NOT_APPLICABLE, Status.SURVEY):
            left.append(node.code)
    return left

"""Appraisal review: check a unit's self-scores against its evidence and the rules.

:func:`review` compares, for every criterion, the unit's self-score, the score the
rules compute from its evidence (:func:`parindex.score`) and the appraised score of
each round, and lists :class:`Finding` objects an appraiser can paste into the
appraisal note. Rounds are kept whole: the final appraised score of a criterion is
the one set in the last round that scored it, and earlier rounds stay in the history.

How totals are formed for the three columns (self / computed / appraised): a node's
value is its explicit score when one is given, otherwise its children's values
aggregated like the rules aggregate them. A self-assessment that leaves a leaf
unscored claims nothing for it (counted, and reported as ``not_self_scored``). An
appraisal round that does not re-score a criterion accepts the unit's self-score; but
an appraised total needs some round to score a criterion that applies to the unit
(else the unit is unappraised, as on the score sheet: never ranked on its own scores).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from enum import StrEnum
from typing import TYPE_CHECKING, Annotated, Any

from pydantic import BaseModel, ConfigDict, Field, PlainSerializer

from parindex import engine
from parindex.criteria import CriteriaSet
from parindex.engine import made, score
from parindex.messages import TOTAL_ROW, label
from parindex.numbers import format_date, quantize
from parindex.per_set import PerSet
from parindex.report import NodeResult, ScoreReport, Status, format_points
from parindex.review_shape import candidates, shape_of, survey_of
from parindex.review_trees import trees
from parindex.submission import CheckedSubmission, Document, Submission, check_submission

if TYPE_CHECKING:
    import pandas as pd


__all__ = ["AreaSummary", "Finding", "Review", "RoundScore", "Severity", "review"]

Dec = Annotated[Decimal, PlainSerializer(str, return_type=str, when_used="json")]
_ZERO = Decimal(0)


class Severity(StrEnum):
    """How much a finding matters to the appraisal."""

    ERROR = "error"  # the score cannot stand as it is
    WARNING = "warning"  # needs the appraiser's attention or the unit's explanation
    INFO = "info"  # worth knowing

    @property
    def rank(self) -> int:
        return {"error": 0, "warning": 1, "info": 2}[self.value]


SEVERITY_VI = {severity: label("severity", severity) for severity in Severity}


class _Model(BaseModel):
    model_config = ConfigDict(defer_build=True, extra="forbid", frozen=True)


class Finding(_Model):
    """One thing an appraiser should know about one criterion."""

    code: str = Field(description="Mã loại phát hiện, ổn định (over_claimed …)")
    severity: Severity
    criterion: str
    title: str
    message: str
    message_en: str
    self_score: Dec | None = None
    computed_score: Dec | None = None
    appraised_score: Dec | None = None
    max_points: Dec | None = None
    evidence: list[str] = Field(default_factory=list)
    round: int | None = None


class RoundScore(_Model):
    """A criterion's score in one appraisal round, with the notes on both sides."""

    round: int
    points: Dec
    note: str | None = None
    unit_response: str | None = None


class AreaSummary(_Model):
    """One area (or the total) under the three scores, in points and %."""

    code: str
    title: str
    max_points: Dec
    self_score: Dec
    computed_score: Dec | None
    appraised_score: Dec | None
    self_percent: Dec | None
    computed_percent: Dec | None
    appraised_percent: Dec | None


class Review(_Model):
    """Findings, per-area summary, indices and the appraisal history of one unit."""

    unit_id: str
    unit_name: str
    criteria_id: str
    year: int
    findings: list[Finding]
    summary: list[AreaSummary]
    self_index: Dec | None
    computed_index: Dec | None
    appraised_index: Dec | None
    history: dict[str, list[RoundScore]] = Field(default_factory=dict)
    final_scores: dict[str, Dec] = Field(default_factory=dict)
    not_self_scored: list[str] = Field(default_factory=list)
    node_self: dict[str, Dec] = Field(
        default_factory=dict, description="Điểm tự chấm của mỗi nút (tổng hợp như quy tắc)"
    )
    node_appraised: dict[str, Dec] = Field(
        default_factory=dict, description="Điểm thẩm định cuối của mỗi nút (khi đã thẩm định)"
    )
    report: ScoreReport

    def __repr__(self) -> str:
        from parindex.notebook import review_repr

        return review_repr(self)

    def __str__(self) -> str:
        return repr(self)

    def _repr_html_(self) -> str:
        from parindex.notebook import review_html

        return review_html(self)

    def to_frame(self) -> pd.DataFrame:
        """One row per node: maximum, self / computed / appraised points, findings.

        Points are float64 with exact twins ``exact:<column>`` (:mod:`parindex.frames`).
        """
        import pandas as pd

        from parindex.frames import numeric

        by_code: dict[str, list[Finding]] = {}
        for finding in self.sorted_findings():
            by_code.setdefault(finding.criterion, []).append(finding)
        rows = [
            {
                "unit": self.unit_id,
                "code": n.code,
                "parent": n.parent,
                "depth": n.depth,
                "title": n.title,
                "status": n.status.value,
                "max_points": n.max_points,
                "self_score": self.node_self.get(n.code),
                "computed_score": n.points,
                "appraised_score": self.node_appraised.get(n.code),
                "findings": ", ".join(f.code for f in by_code.get(n.code, [])),
                "severity": by_code[n.code][0].severity.value if n.code in by_code else None,
            }
            for n in self.report.nodes
        ]
        scores = ("max_points", "self_score", "computed_score", "appraised_score")
        return numeric(pd.DataFrame(rows), scores)

    def sorted_findings(self) -> list[Finding]:
        """Most severe first, then in tree order."""
        order = {n.code: i for i, n in enumerate(self.report.nodes)}
        return sorted(self.findings, key=lambda f: (f.severity.rank, order.get(f.criterion, 0)))

    def findings_frame(self) -> pd.DataFrame:
        """The findings as a table, most severe first."""
        import pandas as pd

        columns = [
            "code",
            "severity",
            "criterion",
            "title",
            "message",
            "self_score",
            "computed_score",
            "appraised_score",
            "max_points",
            "evidence",
            "round",
        ]
        rows = [
            {
                **f.model_dump(include=set(columns)),
                "evidence": ", ".join(f.evidence),
                "severity": f.severity.value,
            }
            for f in self.sorted_findings()
        ]
        return pd.DataFrame(rows, columns=columns)

    def summary_frame(self) -> pd.DataFrame:
        import pandas as pd

        return pd.DataFrame([s.model_dump() for s in self.summary])

    def to_json(self, indent: int | None = 2) -> str:
        return self.model_dump_json(indent=indent)


def _percent(points: Decimal | None, top: Decimal) -> Decimal | None:
    if points is None or not top:
        return None
    return quantize(points * 100 / top, Decimal("0.01"))


# --- the checks ---------------------------------------------------------------------------

# A finding's fields in the model's order, and those every finding is given; the values a
# finding is given are of the fields' types (decimals, a list of document ids, a round).
_FINDING_GIVEN = frozenset(
    ("code", "severity", "criterion", "title", "message", "message_en", "max_points")
)
_GIVEN_BY: dict[tuple[str, ...], frozenset[str]] = {}
"""The fields a finding is given, by the names of the values given beside the seven."""


class _Reviewer:
    def __init__(
        self,
        criteria: CriteriaSet,
        checked: CheckedSubmission,
        report: ScoreReport,
        share: bool = False,
    ) -> None:
        self.criteria = criteria
        self.submission = checked.submission
        self.report = report
        self.findings: list[Finding] = []
        self.documents = {d.id: d for d in self.submission.all_documents()}
        self.of_set = _of_set(criteria)
        self.said = self.of_set.said if share and not engine._CAREFUL else None
        """The findings shared with the set's earlier reviews (:meth:`shared`); ``None``:
        every finding made for this review."""

    def shared(self, key: tuple[object, ...], source: object) -> bool:
        """Whether the findings an earlier review sharing results made under ``key`` from
        the very ``source`` (a node's result) were added here, the same frozen objects.
        A key naming a source holds its ``id``: unique while the kept findings hold the
        source, so results of one node from other values never take each other's place."""
        assert self.said is not None
        found = self.said.get(key)
        if found is None or found[0] is not source:
            return False
        self.findings += found[1]
        return True

    def keep(self, key: tuple[object, ...], source: object, start: int) -> None:
        """Keep the findings added since ``start`` for the reviews to come (:meth:`shared`)."""
        assert self.said is not None
        if len(self.said) >= _SAID_MOST:
            self.said.clear()
        self.said[key] = source, tuple(self.findings[start:])

    def add(
        self,
        code: str,
        severity: Severity,
        node: NodeResult,
        vi: str,
        en: str,
        values: Mapping[str, Any],
    ) -> None:
        """A finding on ``node``; ``values``: the scores, evidence and round it is given."""
        get = values.get
        evidence = get("evidence")
        fields = {  # every field in the model's order, its default where not given
            "code": code,
            "severity": severity,
            "criterion": node.code,
            "title": node.title,
            "message": f"{node.code}: {vi}",
            "message_en": f"{node.code}: {en}",
            "self_score": get("self_score"),
            "computed_score": get("computed_score"),
            "appraised_score": get("appraised_score"),
            "max_points": node.declared_max,
            "evidence": [] if evidence is None else list(evidence),
            "round": get("round"),
        }
        shape = tuple(values)
        given = _GIVEN_BY.get(shape)
        if given is None:
            given = _GIVEN_BY[shape] = _FINDING_GIVEN | set(shape)
        self.findings.append(made(Finding, fields, given))

    def scores(self, self_scores: Mapping[str, Decimal], final: Mapping[str, Decimal]) -> None:
        said, entries = self.said, self.submission.self_scores
        for node in self.report.nodes:
            code = node.code
            claimed = self_scores.get(code)
            if claimed is None:
                continue
            appraised = final.get(code)
            if said is None:
                self.scored(node, claimed, appraised)
                continue
            # what the findings read beside the node's result (by its identity: results of
            # one code from other values keep findings of their own, not each other's out):
            # the digits of the scores, and whether the unit explained its score
            explanation = entries[code].explanation
            explained = bool(explanation and explanation.strip())
            key = ("claim", id(node), str(claimed), str(appraised), explained)
            if not self.shared(key, node):
                start = len(self.findings)
                self.scored(node, claimed, appraised)
                self.keep(key, node, start)

    def scored(self, node: NodeResult, claimed: Decimal, appraised: Decimal | None) -> None:
        """The findings on one self-score."""
        values = {
            "self_score": claimed,
            "computed_score": node.points,
            "appraised_score": appraised,
            "evidence": node.evidence,
        }
        if node.code in self.of_set.given:
            self.add(
                "survey_self_scored",
                Severity.ERROR,
                node,
                "tiêu chí chấm bằng điều tra xã hội học, đơn vị không tự chấm "
                f"(đơn vị tự chấm {format_points(claimed)})",
                f"scored by the survey, not self-scored (self-score {format_points(claimed)})",
                values,
            )
            return
        if node.status == Status.NOT_APPLICABLE:
            self.add(
                "scored_not_applicable",
                Severity.ERROR,
                node,
                f"tiêu chí không áp dụng cho đơn vị nhưng đơn vị tự chấm "
                f"{format_points(claimed)} điểm ({node.explanation})",
                f"criterion does not apply but was self-scored {format_points(claimed)} "
                f"({node.explanation_en})",
                values,
            )
            return
        self.claim(node, claimed, values)

    def claim(self, node: NodeResult, claimed: Decimal, values: dict[str, Any]) -> None:
        """A self-score against the maximum, the computed score and the evidence."""
        computed = node.points
        if claimed > node.declared_max:
            self.add(
                "above_max",
                Severity.ERROR,
                node,
                f"điểm tự chấm {format_points(claimed)} vượt điểm tối đa "
                f"{format_points(node.declared_max)}",
                f"self-score {format_points(claimed)} above the maximum "
                f"{format_points(node.declared_max)}",
                values,
            )
        if computed is None:
            labels = {m.name: m.label for m in self.report.missing_inputs}
            named = ", ".join(labels.get(n, n) for n in node.missing)
            self.add(
                "computed_undetermined",
                Severity.WARNING,
                node,
                "chưa tính được điểm theo quy tắc vì thiếu số liệu "
                f"({named or 'một phần số liệu'}); "
                f"không đối chiếu được điểm tự chấm {format_points(claimed)}",
                f"computed score undetermined: missing {named or 'some of its inputs'}; "
                f"self-score {format_points(claimed)} not checked",
                values,
            )
        elif claimed > computed:
            self.add(
                "over_claimed",
                Severity.ERROR,
                node,
                f"đơn vị tự chấm {format_points(claimed)} điểm, cao hơn điểm tính theo "
                f"số liệu và TLKC là {format_points(computed)} điểm ({node.explanation})",
                f"self-score {format_points(claimed)} above the computed "
                f"{format_points(computed)} "
                f"({node.explanation_en})",
                values,
            )
        elif claimed < computed:
            self.add(
                "under_claimed",
                Severity.INFO,
                node,
                f"đơn vị tự chấm {format_points(claimed)} điểm, thấp hơn điểm tính theo "
                f"số liệu là {format_points(computed)} điểm ({node.explanation})",
                f"self-score {format_points(claimed)} below the computed "
                f"{format_points(computed)} "
                f"({node.explanation_en})",
                values,
            )
        explanation = self.submission.self_scores[node.code].explanation
        if claimed > _ZERO and not node.evidence and not (explanation and explanation.strip()):
            self.add(
                "no_evidence_no_explanation",
                Severity.WARNING,
                node,
                f"tự chấm {format_points(claimed)} điểm nhưng không có tài liệu kiểm "
                "chứng và không có giải trình (Công văn 383/BNV-CCHC)",
                f"self-scored {format_points(claimed)} with no evidence and no "
                "explanation (Công văn 383/BNV-CCHC)",
                values,
            )
        if node.evidence_missing:
            expected = "; ".join(node.evidence_expected)
            self.add(
                "evidence_expected_missing",
                Severity.WARNING,
                node,
                "chưa có tài liệu kiểm chứng cần có: " + expected,
                "expected evidence not supplied: " + expected,
                values,
            )

    def appraisal_notes(self, history: Mapping[str, list[RoundScore]]) -> None:
        for code, rounds in history.items():
            node = self.report.node(code)
            for entry in rounds:
                values = {
                    "appraised_score": entry.points,
                    "computed_score": node.points,
                    "round": entry.round,
                }
                if entry.points > node.declared_max:
                    self.add(
                        "above_max",
                        Severity.ERROR,
                        node,
                        f"điểm thẩm định vòng {entry.round} ({format_points(entry.points)}) "
                        f"vượt điểm tối đa {format_points(node.declared_max)}",
                        f"round {entry.round} appraised score "
                        f"({format_points(entry.points)}) above the maximum "
                        f"{format_points(node.declared_max)}",
                        values,
                    )
                if node.status == Status.NOT_APPLICABLE and entry.points:
                    self.add(
                        "scored_not_applicable",
                        Severity.ERROR,
                        node,
                        f"chấm điểm thẩm định vòng {entry.round} cho tiêu chí không áp dụng",
                        f"round {entry.round} scores a criterion that does not apply",
                        values,
                    )
                if (
                    node.points is not None
                    and entry.points != node.points
                    and not (entry.note and entry.note.strip())
                ):
                    self.add(
                        "appraisal_without_note",
                        Severity.ERROR,
                        node,
                        f"điểm thẩm định vòng {entry.round} ({format_points(entry.points)}) "
                        f"khác điểm tính theo quy tắc ({format_points(node.points)}) mà "
                        "không có ghi chú của thẩm định",
                        f"round {entry.round} appraised score "
                        f"({format_points(entry.points)}) differs from the computed score "
                        f"({format_points(node.points)}) without a note from the appraisal",
                        values,
                    )

    def documents_checks(self) -> None:
        year = self.submission.year
        due_days = self.of_set.dues  # every node's code
        added = {d.id for a in self.submission.appraisals for d in a.added_documents}
        said = self.said
        for document in self.submission.all_documents():
            cited = next((c for c in document.supports if c in due_days), None)
            if cited is None:
                continue
            if said is None:
                self.document(document, cited, year, document.id in added)
                continue
            # all a document's findings read of it, of the unit and of the node it cites
            # first (that node's code, title and maximum: the set's)
            key = (
                "document",
                *(document.id, document.kind, document.number, document.date),
                *(document.part_of_larger, document.section, tuple(document.supports)),
                *(year, document.id in added),
            )
            if not self.shared(key, None):
                start = len(self.findings)
                self.document(document, cited, year, document.id in added)
                self.keep(key, None, start)

    def document(self, document: Document, cited: str, year: int, added: bool) -> None:
        """The findings on one document citing ``cited`` first of the nodes with a due day."""
        due_days = self.of_set.dues
        first = self.report.node(cited)
        values = {"evidence": [document.id]}
        name = _document_name(document)
        if document.part_of_larger and not (document.section and document.section.strip()):
            self.add(
                "section_not_cited",
                Severity.WARNING,
                first,
                f"{name} là một phần của tài liệu lớn hơn nhưng chưa trích dẫn mục, trang",
                f"{document.id} is part of a larger document but cites no section or page",
                values,
            )
        if document.date is None:
            return
        dues = [due for c in document.supports if c in due_days for due in due_days[c]]
        late = [due for due in dues if document.date > due]
        if late:
            self.add(
                "evidence_after_deadline",
                Severity.WARNING,
                first,
                f"{name} ban hành ngày {format_date(document.date)}, sau hạn "
                f"{format_date(min(late))} của tiêu chí",
                f"{document.id} dated {format_date(document.date)}, after the criterion's "
                f"deadline {format_date(min(late))}",
                values,
            )
        elif (
            not added
            and document.date.year != year
            and not any(document.date <= due and due.year == document.date.year for due in dues)
        ):
            self.add(
                "evidence_outside_year",
                Severity.WARNING,
                first,
                f"{name} ban hành ngày {format_date(document.date)}, ngoài năm đánh giá {year}",
                f"{document.id} dated {format_date(document.date)}, outside the "
                f"assessed year {year}",
                values,
            )


@dataclass(frozen=True)
class _OfSet:
    """What the review reads of a set, once a set (:func:`_of_set`)."""

    given: frozenset[str]
    """The leaves scored by the survey (:meth:`CompiledSet.given_codes`)."""
    dues: dict[str, list[dt.date]]
    """Each node's one due day (:func:`_single_dues`)."""
    ancestors: dict[str, tuple[str, ...]]
    """Each node's ancestors, its parent first."""
    said: dict[tuple[object, ...], tuple[object, tuple[Finding, ...]]] = field(default_factory=dict)
    """The findings reviews sharing results made, by what they read (:meth:`_Reviewer.shared`):
    the same frozen objects for the same node result and digits."""


_SAID_MOST = 10_000
"""The findings' keys a set keeps (emptied when full): a few hundred bytes each."""


def _facts(criteria: CriteriaSet) -> _OfSet:
    compiled = criteria.compiled
    given = frozenset(compiled.given_codes())
    dues = {code: _single_dues(node) for code, node in compiled.nodes.items()}
    ancestors = {}
    for code, node in compiled.nodes.items():
        found, parent = [], node.parent
        while parent is not None:
            found.append(parent)
            parent = compiled.nodes[parent].parent
        ancestors[code] = tuple(found)
    return _OfSet(given, dues, ancestors)


_of_set: PerSet[_OfSet] = PerSet(_facts)
"""The set's :class:`_OfSet`, made on its first unit (a few sets kept)."""


def _single_dues(node: object) -> list[dt.date]:
    from parindex.compiler import CompiledNode

    assert isinstance(node, CompiledNode)
    kind, rule = node.kind, node.rule  # the kind says which dates it reads with a due day
    dues = kind.dues(rule) if kind and rule else ()
    return [due for _, due in dues] if len(dues) == 1 else []


def _document_name(document: Document) -> str:
    parts = [document.kind]
    if document.number:
        parts.append(f"số {document.number}")
    return f"[{document.id}] " + " ".join(parts)


def _rounds(unit: Submission) -> tuple[dict[str, list[RoundScore]], dict[str, Decimal]]:
    """Each criterion's appraised scores round by round (with the unit's responses), and
    the last round's score of each."""
    history: dict[str, list[RoundScore]] = {}
    final: dict[str, Decimal] = {}
    for appraisal in unit.appraisals:  # rounds are checked to increase
        number, responses = appraisal.round, appraisal.unit_response
        for code, appraised in appraisal.scores.items():
            response = responses.get(code)
            fields = {  # the model's fields in order, typed by the submission's own models
                "round": number,
                "points": appraised.points,
                "note": appraised.note,
                "unit_response": response,
            }
            history.setdefault(code, []).append(
                made(RoundScore, fields, _ROUND_GIVEN[response is not None])
            )
            final[code] = appraised.points
    return history, final


# made without validating again: pydantic would build the model's validator on the first
# round a process meets (some 6 ms, paid again by each process the Excel export forks)
_ROUND_GIVEN = {
    False: frozenset(("round", "points", "note")),
    True: frozenset(("round", "points", "note", "unit_response")),
}


def _appraises(report: ScoreReport, final: Mapping[str, Decimal]) -> bool:
    """Whether some round scored a criterion that applies to the unit: only then is there an
    appraised total. A round that scores nothing, or only criteria the unit's facts switch
    off, leaves the unit unappraised (ranked on the computed index, never on its own scores),
    as the score sheet shows it; the round stays in the history."""
    return any(report.node(code).status != Status.NOT_APPLICABLE for code in final)


def _unscored(
    reviewer: _Reviewer,
    self_scores: Mapping[str, Decimal],
    self_tree: Mapping[str, Decimal | None],
    candidates: list[tuple[str, NodeResult]],
) -> list[str]:
    """Rule-scored criteria the unit gave no self-score (nor any ancestor one): each an
    INFO finding. ``candidates``: :func:`~parindex.review_shape.candidates` of the unit's
    results."""
    ancestors = reviewer.of_set.ancestors
    unscored = []
    claimed = self_scores.keys()
    for code, node in candidates:
        if self_tree.get(code) is not None:
            continue
        unscored.append(code)
        if not claimed.isdisjoint(ancestors[code]):
            continue
        key = ("unscored", id(node))  # the finding reads the node's result alone
        if reviewer.said is None or not reviewer.shared(key, node):
            start = len(reviewer.findings)
            reviewer.add(
                "not_self_scored",
                Severity.INFO,
                node,
                "đơn vị chưa tự chấm tiêu chí này",
                "the unit did not self-score this criterion",
                {"computed_score": node.points},
            )
            if reviewer.said is not None:
                reviewer.keep(key, node, start)
    return unscored


def review(
    criteria: CriteriaSet, submission: Submission | CheckedSubmission, *, share: bool = False
) -> Review:
    """Check a unit's self-scores against its evidence, the rules and each appraisal round.

    ``share``: the report's results may be an earlier shared review's very objects
    (:func:`parindex.engine.score`), for a caller that only reads them."""
    checked = (
        submission
        if isinstance(submission, CheckedSubmission)
        else check_submission(criteria, submission)
    )
    report = score(criteria, checked, share=share)
    shape = shape_of(criteria, report) if share and not engine._CAREFUL else None
    unit = checked.submission

    history, final = _rounds(unit)
    self_scores = {code: s.points for code, s in unit.self_scores.items()}

    reviewer = _Reviewer(criteria, checked, report, share)
    reviewer.scores(self_scores, final)
    reviewer.appraisal_notes(history)
    reviewer.documents_checks()

    survey = survey_of(report) if shape is None else shape.survey
    appraised = _appraises(report, final)
    read = None if shape is None else shape.facts
    self_tree, self_values, appraised_values = trees(
        report, criteria, self_scores, survey, final if appraised else None, read
    )
    left = candidates(report) if shape is None else shape.candidates
    unscored = _unscored(reviewer, self_scores, self_tree, left)

    summary = [
        _area(
            area.code,
            area.title,
            area.max_points,
            self_values.get(area.code),
            area.points if area.status != Status.PARTIAL else None,
            appraised_values.get(area.code),
        )
        for area in report.areas
        if area.status != Status.NOT_APPLICABLE
    ]
    applicable = [a for a in report.areas if a.status != Status.NOT_APPLICABLE]
    total_self = sum((self_values.get(a.code) or _ZERO for a in applicable), _ZERO)
    total_appraised = (
        sum((appraised_values.get(a.code) or _ZERO for a in applicable), _ZERO)
        if appraised
        else None
    )
    computed_total = report.total if report.complete else None
    summary.append(
        _area(
            TOTAL_ROW,
            label("form", "total"),
            report.max_points,
            total_self,
            computed_total,
            total_appraised,
        )
    )
    fields = {  # every field, in the model's order, typed here: made without validating again
        "unit_id": unit.unit.id,
        "unit_name": unit.unit.name,
        "criteria_id": criteria.id,
        "year": unit.year,
        "findings": reviewer.findings,
        "summary": summary,
        "self_index": _percent(total_self, report.max_points),
        "computed_index": report.index if report.complete else None,
        "appraised_index": _percent(total_appraised, report.max_points),
        "history": history,
        "final_scores": final,
        "not_self_scored": unscored,
        "node_self": {c: v for c, v in self_values.items() if v is not None},
        "node_appraised": {c: v for c, v in appraised_values.items() if v is not None},
        "report": report,
    }
    return made(Review, fields, _REVIEW_GIVEN)


def _area(
    code: str,
    title: str,
    top: Decimal,
    claimed: Decimal | None,
    computed: Decimal | None,
    appraised: Decimal | None,
) -> AreaSummary:
    fields = {  # every field, in the model's order, typed here: made without validating again
        "code": code,
        "title": title,
        "max_points": top,
        "self_score": claimed or _ZERO,
        "computed_score": computed,
        "appraised_score": appraised,
        "self_percent": _percent(claimed or _ZERO, top),
        "computed_percent": _percent(computed, top),
        "appraised_percent": _percent(appraised, top),
    }
    return made(AreaSummary, fields, _AREA_GIVEN)


_AREA_GIVEN = frozenset(AreaSummary.model_fields)
_REVIEW_GIVEN = frozenset(Review.model_fields)

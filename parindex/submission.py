"""A unit's submission for one year: facts, metric values, evidence, self-scores.

:func:`load_submission` reads and checks the file's structure; :func:`check_submission`
checks it against a criteria set (declared inputs and their types, constraints
between them, codes that documents and scores cite) and returns the typed values
the engine evaluates. Every problem names the file, line and field; all are
reported together.
"""

from __future__ import annotations

import datetime as dt
import operator
from collections import deque
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from itertools import repeat
from pathlib import Path as FsPath
from typing import Annotated, Any, Literal, NamedTuple

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, PrivateAttr, ValidationError

from parindex.criteria import CriteriaSet, Date, Input, InputType, Points, UnitLevel
from parindex.errors import EvaluationError, Problem, SubmissionError, did_you_mean
from parindex.expressions import Value, ValueType, evaluate
from parindex.loader import SourceMap, clean_loc, read_document, validate_model
from parindex.messages import SUBMISSION, of_set
from parindex.numbers import ValueTextError, parse_date, parse_decimal, shown
from parindex.rules._model import no_items
from parindex.salvage import Relocated, comma_split, salvage

__all__ = [
    "Appraisal",
    "AppraisedScore",
    "CheckedSubmission",
    "Document",
    "SelfScore",
    "Submission",
    "Unit",
    "check_submission",
    "load_submission",
    "parse_submission",
    "save_submission",
]

NOT_DONE = False
"""A date input given as ``false`` means the thing was never done (scores as late)."""


class _Model(BaseModel):
    model_config = ConfigDict(defer_build=True, extra="forbid", frozen=True)


def _optional_text(value: object) -> object:
    return None if value == "" else value


class Unit(_Model):
    """The unit assessed and the facts that decide which criteria apply to it."""

    id: Annotated[str, Field(pattern=r"^[A-Za-z0-9][A-Za-z0-9._-]*$")]
    name: str
    level: UnitLevel
    group: str | None = Field(default=None, description="Nhóm xếp hạng, mặc định theo cấp")
    facts: dict[str, bool] = Field(default_factory=dict)


class Document(_Model):
    """An evidence document (tài liệu kiểm chứng, TLKC)."""

    id: Annotated[str, Field(min_length=1)]
    kind: str = Field(description="Loại văn bản: Kế hoạch, Báo cáo, Quyết định …")
    number: str | None = Field(default=None, description="Số, ký hiệu, ví dụ 123/KH-STNMT")
    date: Date | None = None
    issuer: str | None = Field(default=None, description="Cơ quan ban hành")
    title: str
    link: str | None = None
    file: str | None = None
    supports: Annotated[list[str], Field(min_length=1)] = Field(
        description="Mã các tiêu chí mà tài liệu này chứng minh"
    )
    part_of_larger: bool = Field(
        default=False, description="Là một phần của tài liệu lớn hơn (phải trích mục, trang)"
    )
    section: Annotated[str | None, BeforeValidator(_optional_text)] = Field(
        default=None, description="Mục, trang được trích khi là một phần tài liệu lớn hơn"
    )

    def describe(self) -> str:
        """One line as a score sheet cites it: ``[id] Kế hoạch số 12/KH-STNMT ngày 20/12/2022: …``."""
        parts = [self.kind]
        if self.number:
            parts.append(f"số {self.number}")
        if self.date:
            parts.append(f"ngày {self.date:%d/%m/%Y}")
        line = f"[{self.id}] {' '.join(parts)}: {self.title}"
        return f"{line} ({self.section})" if self.section else line


class SelfScore(_Model):
    """The unit's own score of a criterion, with its explanation (giải trình)."""

    points: Points
    explanation: str | None = None


class AppraisedScore(_Model):
    """An appraiser's score of a criterion in one round, with the appraiser's note."""

    points: Points
    note: str | None = None


class Appraisal(_Model):
    """One appraisal round: scores set by the Sở Nội vụ, and what the unit answered."""

    round: Annotated[int, Field(ge=1, le=9)]
    date: Date | None = None
    appraiser: str | None = None
    scores: dict[str, AppraisedScore] = Field(default_factory=dict)
    unit_response: dict[str, str] = Field(
        default_factory=dict, description="Giải trình của đơn vị sau vòng này, theo mã"
    )
    added_documents: list[Document] = Field(
        default_factory=no_items, description="TLKC bổ sung sau vòng này"
    )


class Submission(_Model):
    """Everything a unit submits for one year's assessment."""

    format: Literal["parindex.submission/1"]
    criteria: str = Field(description="id của bộ tiêu chí")
    year: Annotated[int, Field(ge=1990, le=2100)]
    sample: bool = Field(default=False, description="Dữ liệu mẫu, không phải của đơn vị thật")
    synthetic: bool = Field(default=False, description="Đơn vị tổng hợp (sinh tự động)")
    unit: Unit
    values: dict[str, Any] = Field(default_factory=dict)
    documents: list[Document] = Field(default_factory=no_items)
    self_scores: dict[str, SelfScore] = Field(default_factory=dict)
    survey: dict[str, Points] = Field(default_factory=dict)
    appraisals: list[Appraisal] = Field(default_factory=no_items)
    note: str | None = None

    _source: SourceMap | None = PrivateAttr(default=None)
    _checked: Kept | None = PrivateAttr(default=None)
    """The last check's result (see :func:`kept_check`): never pickled, a copy never uses it."""

    def __getstate__(self) -> dict[Any, Any]:
        state = super().__getstate__()
        private = state.get("__pydantic_private__")
        if private and private.get("_checked") is not None:  # kept for this object: not pickled
            state["__pydantic_private__"] = {**private, "_checked": None}
        return state

    @property
    def source(self) -> SourceMap:
        """Where each value came from (file and line), for error messages."""
        return self._source or SourceMap("<submission>", self.model_dump(mode="json"), {})

    def all_documents(self) -> list[Document]:
        """The documents submitted first and those added in appraisal rounds, in order."""
        return [*self.documents, *(d for a in self.appraisals for d in a.added_documents)]


def parse_submission(
    data: Any, source: SourceMap, criteria: CriteriaSet | None = None
) -> Submission:
    """Validate plain data as a submission; raise :class:`SubmissionError` with every problem.

    With ``criteria``, a submission whose structure is wrong is still checked against the
    set in what the structural errors leave intact (:func:`parindex.salvage.salvage`), so
    a misspelt key or a broken document does not hide a bad value elsewhere.

    Data of the shapes a unit writes is built without pydantic validating it
    (:func:`parindex.submission_fast.built`: the same submission); any other is validated.
    """
    from parindex.submission_fast import built

    submission = built(data)
    if submission is None:
        try:
            submission = validate_model(Submission, data, source, SubmissionError, "tệp hồ sơ")
        except SubmissionError as error:
            later = _later_problems(data, source, criteria) if criteria is not None else []
            raise SubmissionError([*error.problems, *later]) from None
    submission._source = source
    return submission


_ENTRIES = frozenset({"self_scores", "survey", "scores", "unit_response"})
"""Mappings of a submission whose entries are independent: a bad one is left out alone."""


def _later_problems(data: Any, source: SourceMap, criteria: CriteriaSet) -> list[Problem]:
    """The problems :func:`check_submission` finds in what the structural errors leave."""
    if not isinstance(data, dict):
        return []
    try:
        Submission.model_validate(data)
    except ValidationError as exc:
        errors = [(clean_loc(e["loc"], data), e["type"]) for e in exc.errors()]
    else:  # pragma: no cover - validate_model refused it
        return []
    kept = salvage(Submission, data, errors, _ENTRIES)
    if kept is None or kept.model.criteria != criteria.id:
        return []  # nothing left to check, or a file of another set (said once, elsewhere)
    kept.model._source = Relocated(source, kept)
    try:
        check_submission(criteria, kept.model)
    except SubmissionError as exc:
        return [p for p in exc.problems if not kept.may_cause(p.kind)]
    return []


def load_submission(path: str | FsPath, criteria: CriteriaSet | None = None) -> Submission:
    """Read a unit's submission (YAML or JSON) and check its structure.

    Values are checked against a criteria set by :func:`check_submission` (which
    :func:`parindex.score` calls). With ``criteria``, a file whose structure is wrong
    reports with its structural problems those of its values against the set. The
    source's lines are read (the same) only when a problem is located: quicker, lighter,
    and a submission sent between processes pickles its file's bytes, not its places.
    """
    data, source = read_document(path, "tệp hồ sơ", SubmissionError, lazy=True)
    submission = parse_submission(data, source, criteria)
    release = getattr(source, "release", None)  # a lazy source (reading.read_lazily)
    if release is not None:
        release()  # the model holds what counts; the data is read again if asked
    return submission


def _number(value: Any) -> Any:
    """A decimal input value as the YAML number a person would type (read back the same)."""

    if not isinstance(value, Decimal) or not value.is_finite():
        return value
    if value == value.to_integral_value():
        return int(value)
    shortest = float(value)
    return shortest if Decimal(repr(shortest)) == value else value


def _plain(value: Any) -> Any:
    """Decimals as text (read back exactly), enums as their value; containers walked."""
    from enum import Enum

    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    return value


def save_submission(
    submission: Submission, path: str | FsPath, *, comment: str | None = None
) -> FsPath:
    """Write a submission as YAML (``.json``: JSON) that :func:`load_submission` reads back equal.

    Only what differs from the defaults is written; points are written as text
    (``"0.25"``) so they stay exact, input values as the numbers a person types (a
    :class:`~decimal.Decimal` value built in Python reads back as that number, which
    :func:`check_submission` types to the same decimal); dates stay dates. ``comment`` becomes a first
    ``#`` line (for example where the file came from).
    """
    import json

    target = FsPath(path)
    data = {"format": submission.format, **submission.model_dump(exclude_defaults=True)}
    if "values" in data:
        data["values"] = {k: _number(v) for k, v in data["values"].items()}
    target.parent.mkdir(parents=True, exist_ok=True)
    if target.suffix.lower() == ".json":
        text = json.dumps(_plain(data), ensure_ascii=False, indent=2, default=dt.date.isoformat)
        target.write_text(text + "\n", encoding="utf-8")
        return target
    from ruamel.yaml import YAML

    yaml = YAML(typ="safe", pure=True)
    yaml.default_flow_style = False
    yaml.allow_unicode = True
    yaml.sort_base_mapping_type_on_output = False  # type: ignore[assignment]
    with target.open("w", encoding="utf-8") as handle:
        if comment:
            handle.write(f"# {comment}\n")
        yaml.dump(_plain(data), handle)
    return target


@dataclass(frozen=True, slots=True, weakref_slot=True)
class CheckedSubmission:
    """A submission whose values have been typed against a criteria set."""

    submission: Submission
    values: Mapping[str, Value]
    """Facts and inputs by name, typed; absent names are missing, never 0."""


_YES = {"có", "co", "yes", "true", "đúng", "x"}
_NO = {"không", "khong", "no", "false", "sai"}


def parse_yes_no(raw: object) -> bool:
    """``true``/``false`` or the Vietnamese ``có``/``không`` (and a few spellings)."""
    if isinstance(raw, bool):
        return raw
    if isinstance(raw, str) and raw.strip().lower() in _YES | _NO:
        return raw.strip().lower() in _YES
    raise ValueTextError(
        f"cần có/không (true/false), nhận {shown(raw)}",
        f"expected yes/no (có/không, true/false), got {shown(raw, 'en')}",
    )


def typed_value(spec: Input, raw: object, year: int) -> Value:
    """Convert one raw value to the declared type; ``ValueError`` says why not."""
    kind = spec.type
    if kind == InputType.YES_NO:
        return parse_yes_no(raw)
    if kind == InputType.DATE:
        if raw is False:
            return NOT_DONE
        day = parse_date(raw)
        if not dt.date(year - 1, 1, 1) <= day <= dt.date(year + 1, 12, 31):
            raise ValueTextError(
                f"ngày {day:%d/%m/%Y} nằm ngoài khoảng {year - 1}–{year + 1}",
                f"date {day:%d/%m/%Y} is outside {year - 1}–{year + 1}",
            )
        return day
    if kind == InputType.ENUM:
        choices = spec.choices or {}
        if isinstance(raw, str) and raw in choices:
            return raw
        raise ValueTextError(
            f"không thuộc các lựa chọn: {shown(raw)}{did_you_mean(str(raw), choices)}",
            f"not one of the choices: {shown(raw, 'en')}"
            + did_you_mean(str(raw), choices, language="en"),
        )
    if isinstance(raw, bool) or raw is None:
        raise ValueTextError(
            f"cần một số, nhận {shown(raw)}", f"expected a number, got {shown(raw, 'en')}"
        )
    number = parse_decimal(raw)
    return _in_range(spec, kind, number, raw)


def _in_range(spec: Input, kind: InputType, number: Decimal, raw: object) -> Decimal:
    """``number`` if its type's range and the input's ``min``/``max`` hold."""
    if (
        (kind != InputType.COUNT or (number == number.to_integral() and number >= 0))
        and (kind != InputType.PERCENT or 0 <= number <= 100)
        and (kind != InputType.RATIO or 0 <= number <= 1)
        and (spec.min is None or number >= spec.min)
        and (spec.max is None or number <= spec.max)
    ):
        return number  # the common case, before any message is worded
    got, got_en = shown(raw), shown(raw, "en")
    if kind == InputType.COUNT and (number != number.to_integral() or number < 0):
        raise ValueTextError(
            f"cần số nguyên không âm, nhận {got}", f"expected a whole number ≥ 0, got {got_en}"
        )
    if kind == InputType.PERCENT and not 0 <= number <= 100:
        raise ValueTextError(
            f"tỷ lệ phần trăm phải từ 0 đến 100, nhận {got}",
            f"a percentage must be from 0 to 100, got {got_en}",
        )
    if kind == InputType.RATIO and not 0 <= number <= 1:
        raise ValueTextError(
            f"tỷ lệ phải từ 0 đến 1, nhận {got}", f"a ratio must be from 0 to 1, got {got_en}"
        )
    if spec.min is not None and number < spec.min:
        raise ValueTextError(
            f"nhỏ hơn giá trị tối thiểu {shown(spec.min)}: {got}",
            f"below the minimum {shown(spec.min, 'en')}: {got_en}",
        )
    if spec.max is not None and number > spec.max:
        raise ValueTextError(
            f"lớn hơn giá trị tối đa {shown(spec.max)}: {got}",
            f"above the maximum {shown(spec.max, 'en')}: {got_en}",
        )
    return number


class Kept(NamedTuple):
    """A check's result kept on its submission: the set, the submission's fields, the typed
    values.

    The submission is known by the dict of its fields (its ``__dict__``), not held: a result
    refers to its submission, so a submission keeping itself made a cycle, freed only by the
    cycle collector; its fields' dict refers to the fields only. A copy (``model_copy``,
    ``copy.copy``) has a dict of its own and carries its original's kept result, which names
    the original's dict: not reused. (A weak reference to the submission did the same, an
    object more a unit: 0,9 µs and 64 bytes in ``check_many``.)"""

    criteria: CriteriaSet
    fields: dict[str, Any]
    values: Mapping[str, Value]


def keep_check(criteria: CriteriaSet, checked: CheckedSubmission) -> None:
    """Keep ``checked`` on its submission, so checking it again against ``criteria`` is free."""
    keep_checks(criteria, [checked])


_PRIVATE = operator.attrgetter("__pydantic_private__")  # without pydantic's __getattr__
_RESULT = operator.attrgetter("submission", "values")


def keep_checks(criteria: CriteriaSet, results: list[CheckedSubmission]) -> None:
    """:func:`keep_check` of each result, in order, at once (no Python call a result)."""
    submissions, values = zip(*map(_RESULT, results), strict=True) if results else ((), ())
    privates = list(map(_PRIVATE, submissions))
    kept = map(
        tuple.__new__,  # what Kept(…) does, without its Python-level __new__
        repeat(Kept),
        zip(repeat(criteria), map(vars, submissions), values),
    )
    if None in privates:  # pragma: no cover - Submission has private attributes
        for submission, one in zip(submissions, kept, strict=True):
            submission._checked = one
        return
    deque(map(dict.__setitem__, privates, repeat("_checked"), kept), maxlen=0)


def kept_check(criteria: CriteriaSet, submission: Submission) -> CheckedSubmission | None:
    """The result :func:`check_submission` kept on ``submission`` against ``criteria``
    (equal to the first, with the very same values), or ``None``."""
    private = submission.__pydantic_private__  # `._checked`, without pydantic's __getattr__
    kept = submission._checked if private is None else private.get("_checked")
    if kept is None or kept.criteria is not criteria or kept.fields is not vars(submission):
        return None
    return CheckedSubmission(submission=submission, values=kept.values)


def check_submission(criteria: CriteriaSet, submission: Submission) -> CheckedSubmission:
    """Type every value against the set and check every reference; all problems at once.

    The result is kept on the submission, so checking it again against the same set is free.
    """
    kept = kept_check(criteria, submission)
    if kept is not None:
        return kept
    check = _Check(criteria, submission)
    check.identity()
    check.facts()
    check.inputs()
    check.constraints()
    check.references()
    if check.problems:
        raise SubmissionError(check.problems)
    checked = CheckedSubmission(submission=submission, values=check.values)
    keep_check(criteria, checked)
    return checked


class _Check:
    """The checks of one submission against one set, each adding to one list of problems."""

    def __init__(self, criteria: CriteriaSet, submission: Submission) -> None:
        self.criteria = criteria
        self.submission = submission
        self.problems: list[Problem] = []
        self.values: dict[str, Value] = {}
        self.codes = set(criteria.compiled.nodes)

    def add(
        self,
        kind: str,
        message: str,
        message_en: str,
        path: tuple[str | int, ...],
        text: object = None,
        allowed: tuple[str, ...] = (),
        code: str | None = None,
    ) -> None:
        self.problems.append(
            self.submission.source.problem(
                kind,
                message,
                message_en,
                path,
                code=code,
                text=None if text is None else str(text),
                allowed=allowed,
            )
        )

    def identity(self) -> None:
        criteria, submission = self.criteria, self.submission
        if submission.criteria != criteria.id:
            self.add(
                "wrong_criteria",
                of_set(SUBMISSION, submission.criteria, (criteria.id,)),
                of_set(SUBMISSION, submission.criteria, (criteria.id,), "en"),
                ("criteria",),
                submission.criteria,
                (criteria.id,),
            )
        if submission.unit.level not in criteria.levels:
            self.add(
                "wrong_level",
                f"bộ tiêu chí không áp dụng cho cấp '{submission.unit.level.value}'",
                f"the set does not apply to level '{submission.unit.level.value}'",
                ("unit", "level"),
                submission.unit.level.value,
                tuple(level.value for level in criteria.levels),
            )

    def facts(self) -> None:
        facts = {f.name for f in self.criteria.facts}
        for name, flag in self.submission.unit.facts.items():
            if name not in facts:
                hint = did_you_mean(name, facts)
                self.add(
                    "unknown_fact",
                    f"thông tin đơn vị chưa khai báo trong bộ tiêu chí: {name}{hint}",
                    f"undeclared unit fact: {name}",
                    ("unit", "facts", name),
                    name,
                    tuple(sorted(facts)),
                )
            else:
                self.values[name] = flag

    def inputs(self) -> None:
        submission = self.submission
        inputs = {i.name: i for i in self.criteria.inputs}
        for name, raw in submission.values.items():
            path: tuple[str | int, ...] = ("values", name)
            spec = inputs.get(name)
            split = comma_split(submission.values, name) if spec is None else None
            if split is not None:  # `x: 1,5` inside { }: read as x: 1 and a key 5
                self.add("comma_in_flow", *split, path, name)
                continue
            if spec is None:
                hint = did_you_mean(name, inputs)
                self.add(
                    "unknown_input",
                    f"số liệu chưa khai báo trong bộ tiêu chí: {name}{hint}",
                    f"undeclared metric: {name}",
                    path,
                    name,
                    tuple(sorted(inputs)),
                )
                continue
            if raw is None:
                continue  # an explicit null is a value the unit does not know: missing, never 0
            try:
                self.values[name] = typed_value(spec, raw, submission.year)
            except ValueError as exc:
                self.add(
                    "invalid_value",
                    f"{spec.label}: {exc}",
                    f"{spec.label}: {getattr(exc, 'message_en', exc)}",
                    path,
                    raw,
                )

    def constraints(self) -> None:
        values = self.values
        env = self.criteria.compiled.env
        for check, message in self.criteria.compiled.constraints:
            if not check.names <= values.keys():
                continue
            if any(env[n].type == ValueType.DATE and values[n] is NOT_DONE for n in check.names):
                continue  # a report never sent has no date to order: nothing to check
            try:
                holds = evaluate(check, values)
            except EvaluationError:
                holds = False
            if not holds:
                shown = ", ".join(f"{n} = {values[n]}" for n in sorted(check.names))
                first = sorted(check.names)[0]
                self.add(
                    "constraint",
                    f"{message} ({shown})",
                    f"constraint fails: {check.text} ({shown})",
                    ("values", first),
                    check.text,
                )

    def code(self, code: str, path: tuple[str | int, ...]) -> bool:
        if code in self.codes:
            return True
        hint = did_you_mean(code, self.codes)
        self.add(
            "unknown_code",
            f"mã tiêu chí không có trong bộ tiêu chí: {code}{hint}",
            f"no criterion coded {code}",
            path,
            code,
        )
        return False

    def documents(self, documents: list[Any], base: tuple[str | int, ...]) -> None:
        year = self.submission.year
        seen: set[str] = set()
        for index, document in enumerate(documents):
            if document.id in seen:
                self.add(
                    "duplicate_document",
                    f"mã tài liệu {document.id} bị trùng",
                    f"duplicate document id {document.id}",
                    (*base, index, "id"),
                    document.id,
                )
            seen.add(document.id)
            for position, code in enumerate(document.supports):
                self.code(code, (*base, index, "supports", position))
            if document.date is not None and not (
                dt.date(year - 5, 1, 1) <= document.date <= dt.date(year + 1, 12, 31)
            ):
                self.add(
                    "date_out_of_range",
                    f"ngày văn bản {document.date:%d/%m/%Y} nằm ngoài khoảng hợp lý "
                    f"{year - 5}–{year + 1}",
                    f"document date {document.date} out of range",
                    (*base, index, "date"),
                    f"{document.date:%d/%m/%Y}",
                )

    def references(self) -> None:
        submission = self.submission
        self.documents(submission.documents, ("documents",))
        for index, appraisal in enumerate(submission.appraisals):
            self.documents(appraisal.added_documents, ("appraisals", index, "added_documents"))
            for code in appraisal.scores:
                self.code(code, ("appraisals", index, "scores", code))
            for code in appraisal.unit_response:
                self.code(code, ("appraisals", index, "unit_response", code))
        rounds = [a.round for a in submission.appraisals]
        if rounds != sorted(set(rounds)):
            self.add(
                "appraisal_rounds",
                f"các vòng thẩm định phải tăng dần, không trùng: {rounds}",
                f"appraisal rounds must increase: {rounds}",
                ("appraisals",),
                rounds,
            )
        for code in submission.self_scores:
            self.code(code, ("self_scores", code))
        self.survey()

    def survey(self) -> None:
        criteria = self.criteria
        given = {
            code
            for code, node in criteria.compiled.nodes.items()
            if node.kind is not None and node.kind.given
        }
        for code, points in self.submission.survey.items():
            if self.code(code, ("survey", code)) and code not in given:
                self.add(
                    "not_survey",
                    f"{code} không phải tiêu chí điều tra XHH",
                    f"{code} is not scored by survey",
                    ("survey", code),
                    code,
                    tuple(sorted(given)),
                )
            elif code in given and points > criteria.node(code).max_points:
                self.add(
                    "points_above_max",
                    f"điểm điều tra XHH của {code} vượt điểm tối đa {criteria.node(code).max_points}",
                    f"survey points above maximum for {code}",
                    ("survey", code),
                    points,
                )

"""Reform plans as data: tasks, products, deadlines, offices, funding and numeric targets.

A plan file (YAML or JSON, ``format: parindex.plan/1``) is what a unit's reform plan and
its appendix say (seeds 003 and 004): each task with its products (the evidence it will
produce), the office in charge and those assisting, its deadline as written, its funding;
each numeric target by year and by unit level. Tasks and targets name the criteria codes
they serve. Every value carries its place in the source (``at``: section and line), and a
target the source states twice with different values keeps both (``also_stated``).

Files are read with the loader's machinery, so every problem is located (file, line,
field, text) and all are reported at once as a :class:`PlanError`. The format is
documented in ``docs/planning.md``; its JSON Schema ships in ``plans/schema/``.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator, Sequence
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from parindex.criteria import Number, Source, UnitLevel
from parindex.deadlines import Deadline, parse_deadline
from parindex.errors import Problem, ProblemsError, did_you_mean
from parindex.loader import SourceMap, read_document, validate_model

if TYPE_CHECKING:
    from parindex.criteria import CriteriaSet

__all__ = [
    "SCHEMA_PATH",
    "Funding",
    "Place",
    "Plan",
    "PlanError",
    "Statement",
    "Target",
    "Task",
    "load_plan",
    "plan_schema",
]

SCHEMA_PATH = Path("plans") / "schema" / "plan.schema.json"
"""Where the shipped schema lives, relative to the repository root."""

Id = Annotated[str, Field(pattern=r"^[a-z0-9][a-z0-9._-]*$")]
Text = Annotated[str, Field(min_length=1)]
Comparison = Literal[">=", ">", "<=", "<", "="]


class PlanError(ProblemsError):
    """A plan file is not valid; ``problems`` lists every problem found."""

    title_vi = "Tệp kế hoạch không hợp lệ"
    title_en = "Invalid plan file"


class _Model(BaseModel):
    model_config = ConfigDict(defer_build=True, extra="forbid", frozen=True)


class Place(_Model):
    """Where a value stands in its source: ``{source: seed-003, section: "II.3", line: 47}``."""

    source: Text = Field(description="Mã nguồn (một trong 'sources' của kế hoạch)")
    line: Annotated[int, Field(ge=1)] | None = Field(
        default=None, description="Dòng trong văn bản nguồn (bắt buộc khi chép từ văn bản)"
    )
    section: str | None = Field(default=None, description="Mục, ví dụ 'II.3' hoặc 'Phụ lục III.1'")
    quote: str | None = Field(default=None, description="Trích nguyên văn, nếu cần")


class Funding(_Model):
    """Nguồn kinh phí: the source as written and, where stated, an amount."""

    source: Text = Field(description="Như văn bản viết: 'Theo dự toán được duyệt'")
    amount: Number | None = Field(default=None, description="Số tiền, nếu văn bản nêu")
    unit: str | None = Field(default=None, description="Đơn vị tiền: 'triệu đồng'")
    per: str | None = Field(default=None, description="Tính cho mỗi …: 'đơn vị'")
    at: Place | None = None


class Statement(_Model):
    """A second statement of a target by the same source, with a different value."""

    value: Number | None = None
    by_level: dict[UnitLevel, Number] = Field(default_factory=dict)
    at: Place
    note: str | None = None


class Target(_Model):
    """A numeric target (chỉ tiêu): ``value`` or one value per unit level, for a year."""

    id: Id
    text: Text = Field(description="Chỉ tiêu như văn bản viết")
    comparison: Comparison = Field(default=">=", description="'>=' tối thiểu, '<=' tối đa")
    value: Number | None = Field(default=None, description="Giá trị chỉ tiêu, mọi cấp")
    by_level: dict[UnitLevel, Number] = Field(
        default_factory=dict, description="Giá trị theo cấp: so, huyen, xa"
    )
    unit: str = Field(default="%", description="'%', 'phút', 'sáng kiến' …")
    year: int | None = Field(default=None, description="Năm; mặc định năm của kế hoạch")
    figure: str | None = Field(
        default=None,
        description="Biểu thức trên các đầu vào của bộ tiêu chí cho số liệu của đơn vị, "
        "ví dụ 'percent(so_hoa_ket_qua, ho_so_tiep_nhan, 2)'",
    )
    criteria: list[str] = Field(default_factory=list, description="Mã tiêu chí phục vụ")
    at: Place
    also_stated: list[Statement] = Field(
        default_factory=list, description="Nơi văn bản nêu chỉ tiêu này với giá trị khác"
    )

    def value_for(self, level: UnitLevel | None) -> Decimal | None:
        """The target for a unit level, else the value for every level."""
        if level is not None and level in self.by_level:
            return self.by_level[level]
        return self.value


class Task(_Model):
    """A task (nhiệm vụ) with its products, offices, deadline and funding."""

    id: Id
    section: str | None = Field(default=None, description="Mục của phụ lục: 'I', 'III.2' …")
    goal: str | None = Field(default=None, description="Mục tiêu / chỉ tiêu mà nhiệm vụ phục vụ")
    title: Text = Field(description="Nội dung nhiệm vụ, công việc")
    activities: list[str] = Field(default_factory=list, description="Hoạt động")
    products: list[str] = Field(default_factory=list, description="Sản phẩm / kết quả")
    in_charge: Annotated[list[Text], Field(min_length=1)] = Field(description="Chủ trì")
    assisting: list[str] = Field(default_factory=list, description="Phối hợp")
    deadline: str | None = Field(default=None, description="Thời gian hoàn thành, nguyên văn")
    funding: Funding | None = None
    criteria: list[str] = Field(default_factory=list, description="Mã tiêu chí phục vụ")
    targets: list[str] = Field(default_factory=list, description="Mã chỉ tiêu (id) phục vụ")
    at: Place


class Plan(_Model):
    """A whole plan file."""

    format: Literal["parindex.plan/1"] = Field(description="Phiên bản định dạng tệp kế hoạch")
    id: Id
    title: Text
    unit: Text = Field(description="Đơn vị ban hành / thực hiện kế hoạch")
    province: str | None = None
    level: UnitLevel | None = Field(default=None, description="Cấp của đơn vị: so, huyen, xa")
    year: int = Field(ge=2000, le=2100)
    criteria: str | None = Field(
        default=None, description="Mã bộ tiêu chí mà các mã tiêu chí thuộc về"
    )
    sources: Annotated[list[Source], Field(min_length=1)]
    notes: list[str] = Field(default_factory=list, description="Quyết định khi chép từ văn bản")
    targets: list[Target] = Field(default_factory=list)
    tasks: list[Task] = Field(default_factory=list)

    def deadline(self, task: Task) -> Deadline | None:
        """The task's deadline, read with the plan's year."""
        return None if task.deadline is None else parse_deadline(task.deadline, self.year)

    def target(self, target_id: str) -> Target:
        for target in self.targets:
            if target.id == target_id:
                return target
        raise KeyError(target_id)

    def offices(self) -> list[str]:
        """Offices in charge, in order of first appearance."""
        return list(dict.fromkeys(o for t in self.tasks for o in t.in_charge))

    def contradictions(self) -> list[Target]:
        """Targets the source states with different values."""
        return [t for t in self.targets if t.also_stated]

    @classmethod
    def json_schema(cls) -> dict[str, Any]:
        schema = cls.model_json_schema(mode="validation")
        schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
        schema["$id"] = "https://parindex.invalid/schema/plan-1.json"
        return schema


def plan_schema() -> dict[str, Any]:
    """The JSON Schema (draft 2020-12) of a plan file."""
    return Plan.json_schema()


def _places(plan: Plan) -> Iterator[tuple[tuple[str | int, ...], Place]]:
    for i, target in enumerate(plan.targets):
        yield ("targets", i, "at"), target.at
        for j, other in enumerate(target.also_stated):
            yield ("targets", i, "also_stated", j, "at"), other.at
    for i, task in enumerate(plan.tasks):
        yield ("tasks", i, "at"), task.at
        if task.funding is not None and task.funding.at is not None:
            yield ("tasks", i, "funding", "at"), task.funding.at


def _problem(
    source: SourceMap,
    kind: str,
    vi: str,
    en: str,
    path: Sequence[str | int],
    text: str,
    allowed: Sequence[str] = (),
) -> Problem:
    return source.problem(kind, vi, en, path, text=text, allowed=allowed)


def _check_ids(plan: Plan, source: SourceMap) -> list[Problem]:
    problems = []
    for part in ("targets", "tasks"):
        items: Sequence[Target | Task] = plan.targets if part == "targets" else plan.tasks
        counts = Counter(item.id for item in items)
        for i, item in enumerate(items):
            if counts[item.id] > 1:
                problems.append(
                    _problem(
                        source,
                        "duplicate_id",
                        f"mã '{item.id}' bị trùng; mỗi mục một mã riêng",
                        f"duplicate id '{item.id}'",
                        (part, i, "id"),
                        item.id,
                    )
                )
    targets = [t.id for t in plan.targets]
    for i, task in enumerate(plan.tasks):
        for j, name in enumerate(task.targets):
            if name not in targets:
                problems.append(
                    _problem(
                        source,
                        "unknown_target",
                        f"không có chỉ tiêu '{name}'{did_you_mean(name, targets)}",
                        f"unknown target '{name}'",
                        ("tasks", i, "targets", j),
                        name,
                        targets,
                    )
                )
    return problems


def _check_values(plan: Plan, source: SourceMap) -> list[Problem]:
    problems = []
    sources = [s.id for s in plan.sources]
    for path, place in _places(plan):
        if place.source not in sources:
            problems.append(
                _problem(
                    source,
                    "unknown_source",
                    f"không có nguồn '{place.source}'{did_you_mean(place.source, sources)}",
                    f"unknown source '{place.source}'",
                    (*path, "source"),
                    place.source,
                    sources,
                )
            )
    for i, target in enumerate(plan.targets):
        if target.value is None and not target.by_level:
            problems.append(
                _problem(
                    source,
                    "missing_value",
                    "chỉ tiêu cần 'value' hoặc 'by_level'",
                    "a target needs 'value' or 'by_level'",
                    ("targets", i),
                    target.id,
                )
            )
        for j, other in enumerate(target.also_stated):
            if other.value == target.value and other.by_level == target.by_level:
                problems.append(
                    _problem(
                        source,
                        "not_a_contradiction",
                        "'also_stated' ghi cùng giá trị với chỉ tiêu; chỉ ghi khi văn bản nêu giá trị khác",
                        "'also_stated' repeats the target's value",
                        ("targets", i, "also_stated", j),
                        str(other.value),
                    )
                )
    for i, task in enumerate(plan.tasks):
        if task.deadline is None:
            continue
        try:
            parse_deadline(task.deadline, plan.year)
        except ValueError as exc:
            problems.append(
                _problem(
                    source,
                    "bad_deadline",
                    f"{exc}; viết ví dụ 'Quý I/2023', 'Tháng 01/2023', '31/12/2023', 'Thường xuyên'",
                    f"bad deadline: {exc}",
                    ("tasks", i, "deadline"),
                    task.deadline,
                )
            )
    return problems


def _check_codes(plan: Plan, source: SourceMap, criteria: CriteriaSet) -> list[Problem]:
    codes = list(criteria.compiled.nodes)
    problems = []
    if plan.criteria is not None and plan.criteria != criteria.id:
        from parindex.messages import PLAN, of_set

        vi, en = (of_set(PLAN, plan.criteria, [criteria.id], lang) for lang in ("vi", "en"))
        problems.append(_problem(source, "other_set", vi, en, ("criteria",), plan.criteria))
        return problems
    for part in ("targets", "tasks"):
        items: Sequence[Target | Task] = plan.targets if part == "targets" else plan.tasks
        for i, item in enumerate(items):
            for j, code in enumerate(item.criteria):
                if code not in criteria.compiled.nodes:
                    problems.append(
                        _problem(
                            source,
                            "unknown_code",
                            f"không có tiêu chí '{code}' trong '{criteria.id}'{did_you_mean(code, codes)}",
                            f"unknown criteria code '{code}'",
                            (part, i, "criteria", j),
                            code,
                        )
                    )
    return problems


def parse_plan(data: Any, source: SourceMap, criteria: CriteriaSet | None = None) -> Plan:
    """Validate plain data as a plan and raise every problem at once."""
    plan = validate_model(Plan, data, source, PlanError, "tệp kế hoạch (format, id, tasks …)")
    problems = _check_ids(plan, source) + _check_values(plan, source)
    if criteria is not None:
        problems += _check_codes(plan, source, criteria)
    if problems:
        raise PlanError(problems)
    return plan


def load_plan(path: str | Path, criteria: CriteriaSet | None = None) -> Plan:
    """Load and check a plan file; with ``criteria``, its codes must exist in that set.

    Raises :class:`PlanError` listing every problem, each with file, line, field and text.
    """
    data, source = read_document(path, "tệp kế hoạch", PlanError)
    return parse_plan(data, source, criteria)

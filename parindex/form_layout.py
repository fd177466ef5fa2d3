"""Where everything is on a self-assessment form sheet, and the live formulas it holds.

A form sheet (:mod:`parindex.form`) lists the unit's facts, then the criteria tree: each
criterion row, under each leaf the inputs its rule reads (an input read by several leaves
has one cell, under the first) and the evidence rows (tài liệu kiểm chứng). Every row
carries a key in a hidden column (``n:1.1`` a criterion, ``i:ho_so_tiep_nhan`` an input,
``f:co_dvsncl`` a fact, ``s:6.5`` a survey result, ``d:1.1`` an evidence row), so the
reader (:mod:`parindex.form_read`) finds each row wherever rows were inserted.

The computed columns are formulas written once here, over the unit's own cells:

* **Áp dụng** (applies): ``có`` / ``không`` / ``chưa rõ`` (a fact not given yet), from the
  node's ``applies_if`` and its ancestors', and ``không`` for a parent none of whose parts
  applies — as :func:`parindex.engine.score` decides.
* **Điểm theo quy tắc**: a leaf's lowered expression (:func:`parindex.backends.excel.formula`),
  blank while an input is blank; parents, the total, the index and the class as
  :mod:`parindex.tree` combines them (hidden columns hold each node's applicable maximum
  and undetermined points, so the class is shown only when no missing figure can change it).
* **Self and final columns**: aggregated as :func:`parindex.review` resolves them (the
  final value of a criterion no round re-scored is the unit's own), the final one shown
  only where some round appraised.

Stored results (what a viewer that does not recalculate shows) come from the engine and
the review, not from evaluating the text here; the whole-year test recalculates the
formulas in LibreOffice and compares every one with the engine.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field

from parindex.backends.excel import formula, names_read
from parindex.compiler import CompiledNode
from parindex.criteria import Aggregation, CriteriaSet, Input, InputType
from parindex.excel_layout import FORM_FORMAT
from parindex.excel_read import column_letter
from parindex.expressions import BoolOp, CompiledExpression, Expr, Not
from parindex.rules.survey import SURVEY_PREFIX
from parindex.submission import Document, Submission

__all__ = [
    "APPLIES_NO",
    "APPLIES_UNKNOWN",
    "APPLIES_YES",
    "COLUMNS",
    "FORM_FORMAT",
    "HEADER_ROW",
    "NOT_APPRAISED",
    "NOT_DONE_TEXT",
    "FormPlan",
    "FormRow",
    "plan",
]


# Columns (0-based). Person-facing first, evidence to the right, helpers hidden at the end.
(
    CODE,
    TITLE,
    MAX,
    VALUE,
    HOW,
    APPLIES,
    COMPUTED,
    SELF,
    EXPLAIN,
    R1,
    R1_NOTE,
    RESPONSE,
    R2,
    R2_NOTE,
    FINAL,
) = range(15)
DOC_KIND, DOC_NUMBER, DOC_DATE, DOC_ISSUER, DOC_TITLE, DOC_SECTION, DOC_LINK, DOC_ID = range(15, 23)
KEY, ENGINE, TOP, OPEN, OWN, LAST, TOUCH = range(23, 30)
COLUMNS = 30
HIDDEN = (KEY, ENGINE, TOP, OPEN, OWN, LAST, TOUCH)
DOC_COLUMNS = (DOC_KIND, DOC_NUMBER, DOC_DATE, DOC_ISSUER, DOC_TITLE, DOC_SECTION, DOC_LINK)
ROUNDS = ((1, R1, R1_NOTE), (2, R2, R2_NOTE))
"""Each appraisal round the form holds: its number, score column and note column."""

NAME_ROW, ID_ROW, LEVEL_ROW = 2, 3, 4
"""Rows of the unit's name, id and level (entry cells in column :data:`VALUE`)."""
HEADER_ROW = 6

APPLIES_YES, APPLIES_NO, APPLIES_UNKNOWN = "có", "không", "chưa rõ"
NOT_APPRAISED = "chưa thẩm định"
NOT_DONE_TEXT = "không thực hiện"
"""Written in a date cell when the thing was never done (the engine's ``false`` date)."""
NOT_COMPUTED = "không tính được"
UNDECIDED_CLASS = "chưa xác định"
YES, NO = "có", "không"
_EPOCH = dt.date(1899, 12, 30)


@dataclass(frozen=True)
class FormRow:
    """One row of a form sheet: its kind (``fact``, ``input``, ``survey``, ``node``, ``doc``,
    ``total``, ``index``, ``class``, ``heading``), key and what it holds."""

    row: int
    kind: str
    key: str
    code: str | None = None
    name: str | None = None
    document: Document | None = None
    first: bool = True
    """For an evidence row: the first of its criterion."""


@dataclass
class FormPlan:
    """The rows of one unit's form sheet and where each name's engine value is."""

    criteria: CriteriaSet
    rows: list[FormRow] = field(default_factory=list)
    node_row: dict[str, int] = field(default_factory=dict)
    value_row: dict[str, int] = field(default_factory=dict)
    """Row of each fact, input and survey name (``survey:<code>``)."""
    entries: frozenset[str] = frozenset()
    """Codes whose self and appraised cells are entries: leaves, and parents scored at their
    own level in the submission the form was made from."""

    @property
    def first(self) -> int:
        return HEADER_ROW + 1

    @property
    def last(self) -> int:
        return self.rows[-1].row

    def row_of(self, kind: str) -> int:
        return next(r.row for r in self.rows if r.kind == kind)

    def keyed(self) -> dict[str, FormRow]:
        """Every row but the evidence rows, by key (each key once)."""
        return {r.key: r for r in self.rows if r.kind != "doc"}


def _inputs_in_order(node: CompiledNode) -> list[str]:
    """The names a leaf reads: as its lowered expression reads them, then the others."""
    assert node.leaf is not None
    read = names_read(node.leaf.lowered) if node.leaf.lowered is not None else []
    return [*read, *sorted(node.inputs - set(read))]


def plan(criteria: CriteriaSet, submission: Submission | None) -> FormPlan:
    """The rows of a unit's form sheet (``submission``: the one it is prefilled from)."""
    compiled = criteria.compiled
    facts = {f.name for f in criteria.facts}
    result = FormPlan(criteria)
    rows = result.rows
    at = HEADER_ROW + 1

    def add(kind: str, key: str, **fields: object) -> None:
        nonlocal at
        rows.append(FormRow(at, kind, key, **fields))  # type: ignore[arg-type]
        at += 1

    add("heading", "h:facts")
    for fact in criteria.facts:
        result.value_row[fact.name] = at
        add("fact", f"f:{fact.name}", name=fact.name)
    orders = {
        code: _inputs_in_order(node) for code, node in compiled.nodes.items() if node.node.is_leaf
    }
    used = _used_inputs(criteria, orders)
    others = [i.name for i in criteria.inputs if i.name not in used]
    if others:
        add("heading", "h:others")
        for name in others:
            result.value_row[name] = at
            add("input", f"i:{name}", name=name)
    documents = submission.documents if submission is not None else []
    scored = set(submission.self_scores) if submission is not None else set()
    if submission is not None:
        scored |= {c for a in submission.appraisals for c in a.scores}
    for code, node in compiled.nodes.items():
        result.node_row[code] = at
        add("node", f"n:{code}", code=code)
        names = [n for n in node.applies_if.names if n not in facts] if node.applies_if else []
        if node.node.is_leaf:
            names += orders[code]
        for name in names:
            if name in result.value_row:
                continue
            result.value_row[name] = at
            if name.startswith(SURVEY_PREFIX):
                add("survey", f"s:{code}", code=code, name=name)
            else:
                add("input", f"i:{name}", code=code, name=name)
        cited = [d for d in documents if code in d.supports]
        if node.node.is_leaf or node.node.evidence or cited:
            for position, document in enumerate(cited):
                add("doc", f"d:{code}", code=code, document=document, first=position == 0)
            add("doc", f"d:{code}", code=code, first=not cited)
    for kind in ("total", "index", "class"):
        add(kind, f"t:{kind}")
    leaves = {code for code, node in compiled.nodes.items() if node.node.is_leaf}
    result.entries = frozenset(leaves | (scored & set(compiled.nodes)))
    return result


def _used_inputs(criteria: CriteriaSet, orders: Mapping[str, list[str]]) -> set[str]:
    used: set[str] = set()
    for node in criteria.compiled.nodes.values():
        if node.applies_if is not None:
            used |= node.applies_if.names
    for names in orders.values():
        used |= set(names)
    return used


# --- references ------------------------------------------------------------------------------


def ref(row: int, col: int) -> str:
    """An absolute reference, ``$G$12`` (0-based row and column)."""
    return f"${column_letter(col)}${row + 1}"


def _list(parts: Sequence[str]) -> str:
    return ",".join(parts)


def input_engine(spec: Input | None, cell: str, choices: Mapping[str, str] | None = None) -> str:
    """The formula giving the engine's value of an input from what the unit typed in ``cell``
    (``spec`` None: a fact, or a survey result when ``choices`` is ``{}``)."""
    if spec is None:
        if choices is not None:
            return f'IF(ISNUMBER({cell}),{cell},"")'
        return f'IF({cell}="{YES}",TRUE,IF({cell}="{NO}",FALSE,""))'
    kind = spec.type
    if kind == InputType.YES_NO:
        return input_engine(None, cell)
    if kind == InputType.DATE:
        return f'IF(ISNUMBER({cell}),{cell},IF({cell}="{NOT_DONE_TEXT}",FALSE,""))'
    if kind == InputType.ENUM:
        text = '""'
        for code, label in reversed(list((spec.choices or {}).items())):
            quoted = label.replace('"', '""')
            text = f'IF({cell}="{quoted}","{code}",{text})'
        return text
    if kind == InputType.PERCENT:
        return f'IF(ISNUMBER({cell}),ROUND({cell}*100,10),"")'
    return f'IF(ISNUMBER({cell}),{cell},"")'


def tri(expr: CompiledExpression | Expr, name_ref: Callable[[str], str]) -> str:
    """A condition as ``TRUE``/``FALSE``/``""`` (unknown), decided as the engine decides one
    with names missing: ``a and b`` is false when ``a`` is, whatever ``b``."""
    root = expr.root if isinstance(expr, CompiledExpression) else expr
    if isinstance(root, BoolOp):
        parts = [tri(v, name_ref) for v in root.values]
        decisive = "TRUE" if root.op == "or" else "FALSE"
        other = "FALSE" if root.op == "or" else "TRUE"
        hit = _list([f"({p})={decisive}" for p in parts])
        blank = _list([f'({p})=""' for p in parts])
        return f'IF(OR({hit}),{decisive},IF(OR({blank}),"",{other}))'
    if isinstance(root, Not):
        inner = tri(root.operand, name_ref)
        return f'IF(({inner})="","",NOT({inner}))'
    return formula(root, name_ref)


def class_formula(bands: Sequence[tuple[str, object]], cell: str) -> str:
    """The classification label of the index in ``cell`` (``""`` outside every band)."""
    text = '""'
    for label, interval in reversed(list(bands)):
        tests = []
        low, high = getattr(interval, "low", None), getattr(interval, "high", None)
        if low is not None:
            tests.append(f"{cell}{'>=' if interval.low_inclusive else '>'}{low}")  # type: ignore[attr-defined]
        if high is not None:
            tests.append(f"{cell}{'<=' if interval.high_inclusive else '<'}{high}")  # type: ignore[attr-defined]
        quoted = label.replace('"', '""')
        test = f"AND({_list(tests)})" if tests else "TRUE"
        text = f'IF({test},"{quoted}",{text})'
    return text


def serial(day: dt.date) -> int:
    """A date as a spreadsheet serial number."""
    return (day - _EPOCH).days


def aggregate_text(how: Aggregation, parts: Sequence[str], top: str | None) -> str:
    """Children's values combined as the review resolves them: the best for ``max``, else
    the sum kept within ``[0, top]``."""
    if not parts:
        return "0"
    if how == Aggregation.MAX:
        return f"MAX({_list(parts)})"
    total = f"ROUND(SUM({_list(parts)}),9)"
    return total if top is None else f"MAX(0,MIN({total},{top}))"

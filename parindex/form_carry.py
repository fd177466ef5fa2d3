"""Prefill this year's form from last year's submission, through a code mapping.

What carries over is what stays true from one year to the next, nothing scored:

- the unit (id, name, level, group) and the facts whose names the new set has;
- evidence documents, re-linked from old codes to new ones through the mapping (one to
  one, renumbered, merged: the new code; split: every new code). A document's link to an
  old code with no new code is not carried and is named in a note; a document none of
  whose codes map is not carried and is named in a note;
- no figure: the form scores live from its cells, and a figure of last year left in place
  would score this year unmarked. Figures that measure the same thing are listed in a note
  for the unit to compare: the new set has an input of the same name and type, it is not a
  date (a date names a day of the year assessed), and every criterion reading it in either
  year lies in a mapping entry matched ``exact`` or ``renamed`` that joins a reader of the
  old year to a reader of the new one.

Self-scores, survey results and appraisals belong to last year and never carry.

>>> submission, notes = carry_forward(last_year, mapping, criteria_2023, criteria_2021)  # doctest: +SKIP
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from parindex.criteria import CriteriaSet
from parindex.mapping import CodeMapping, MappingEntry
from parindex.numbers import format_decimal
from parindex.submission import Document, Submission, Unit

__all__ = ["carry_forward"]

_SURE = frozenset({"exact", "renamed"})


def _new_codes(mapping: CodeMapping) -> dict[str, list[str]]:
    """Old code → the new codes its entry names (empty when the entry maps to none)."""
    codes: dict[str, list[str]] = {}
    for entry in mapping.entries:
        for old in entry.old_codes:
            codes.setdefault(old, []).extend(entry.new_codes)
    return codes


def _relink(
    documents: list[Document], mapping: CodeMapping, language: str
) -> tuple[list[Document], list[str]]:
    """Documents with their codes moved to the new set's, and a note per link not carried."""
    codes = _new_codes(mapping)
    kept: list[Document] = []
    notes: list[str] = []
    for document in documents:
        supports: list[str] = []
        lost: list[str] = []
        for old in document.supports:
            new = codes.get(old, [])
            if not new:
                lost.append(old)
            supports.extend(code for code in new if code not in supports)
        if lost:
            notes.append(_lost_note(document, lost, kept=bool(supports), language=language))
        if supports:
            kept.append(document.model_copy(update={"supports": supports}))
    return kept, notes


def _lost_note(document: Document, lost: list[str], *, kept: bool, language: str) -> str:
    listed = ", ".join(lost)
    name = f"{document.id} ({document.title})"
    if language == "en":
        tail = "its other links are carried" if kept else "the document is not carried"
        return f"document {name}: criteria {listed} of last year have no new code; {tail}"
    tail = "các liên kết khác được chuyển" if kept else "tài liệu không được chuyển"
    return f"tài liệu {name}: tiêu chí {listed} của năm trước không có mã mới; {tail}"


def _readers(criteria: CriteriaSet) -> dict[str, set[str]]:
    """Input name → the criteria whose rules read it."""
    readers: dict[str, set[str]] = {}
    for code, node in criteria.compiled.nodes.items():
        for name in node.inputs:
            readers.setdefault(name, set()).add(code)
    return readers


def _joined(old: set[str], new: set[str], entries: list[MappingEntry]) -> bool:
    """Every reader of each year lies in a sure entry joining readers of both years."""
    sure = [
        e for e in entries if set(e.old_codes) & old and set(e.new_codes) & new and e.match in _SURE
    ]
    covered_old = {code for e in sure for code in e.old_codes}
    covered_new = {code for e in sure for code in e.new_codes}
    return bool(old) and bool(new) and old <= covered_old and new <= covered_new


def _carried_values(
    old_submission: Submission, old: CriteriaSet, mapping: CodeMapping, new: CriteriaSet
) -> dict[str, Any]:
    old_types = {spec.name: spec.type for spec in old.inputs}
    new_types = {spec.name: spec.type for spec in new.inputs}
    old_readers, new_readers = _readers(old), _readers(new)
    values: dict[str, Any] = {}
    for name, value in old_submission.values.items():
        kind = new_types.get(name)
        if kind is None or kind != old_types.get(name) or kind == "date":
            continue
        if _joined(old_readers.get(name, set()), new_readers.get(name, set()), mapping.entries):
            values[name] = value
    return values


def carry_forward(
    old_submission: Submission,
    mapping: CodeMapping,
    new_criteria: CriteriaSet,
    old_criteria: CriteriaSet,
    *,
    language: str = "vi",
) -> tuple[Submission, list[str]]:
    """This year's submission prefilled from last year's, and notes on what did not carry.

    ``mapping`` goes from ``old_criteria`` (the set ``old_submission`` was scored by) to
    ``new_criteria``; load it with :func:`parindex.mapping.load_mapping` so its codes are
    checked against both. The result has no self-score, survey result or appraisal; check
    it with :func:`parindex.check_submission` like any other.
    """
    if old_submission.criteria != mapping.old_set or new_criteria.id != mapping.new_set:
        raise ValueError(
            f"the mapping goes from {mapping.old_set} to {mapping.new_set}, not from "
            f"{old_submission.criteria} to {new_criteria.id}"
        )
    fact_names = {fact.name for fact in new_criteria.facts}
    unit = Unit(
        id=old_submission.unit.id,
        name=old_submission.unit.name,
        level=old_submission.unit.level,
        group=old_submission.unit.group,
        facts={k: v for k, v in old_submission.unit.facts.items() if k in fact_names},
    )
    documents, notes = _relink(old_submission.documents, mapping, language)
    # Last year's figures are shown, never entered: the form scores live from what is in its
    # cells, and a unit that left a 2021 figure in place would be scored on it unmarked.
    reference = _carried_values(old_submission, old_criteria, mapping, new_criteria)
    submission = Submission.model_validate(
        {
            "format": "parindex.submission/1",
            "criteria": new_criteria.id,
            "year": new_criteria.year,
            "sample": old_submission.sample,
            "synthetic": old_submission.synthetic,
            "unit": unit,
            "values": {},
            "documents": documents,
        }
    )
    labels = {spec.name: spec.label for spec in new_criteria.inputs}
    shown = [f"{labels[name]} = {_shown(value)}" for name, value in reference.items()]
    notes.append(_figures_note(shown, old_submission.year, language))
    return submission, notes


def _shown(value: Any) -> str:
    if isinstance(value, bool):
        return "có" if value else "không"
    if isinstance(value, Decimal | int):
        return format_decimal(Decimal(value))
    return str(value)


def _figures_note(shown: list[str], year: int, language: str) -> str:
    """No figure is entered; those measuring the same thing last year are listed to compare."""
    if language == "en":
        head = (
            f"no figure of {year} is entered in the form: this year's figures, self-scores and "
            "survey results are for the unit to enter"
        )
        tail = f". For reference, {year}'s figures under matching criteria: " if shown else ""
    else:
        head = (
            f"không chép số liệu năm {year} vào biểu mẫu: số liệu năm nay, điểm tự đánh giá và "
            "kết quả điều tra do đơn vị nhập"
        )
        tail = f". Để tham khảo, số liệu năm {year} dưới tiêu chí tương ứng: " if shown else ""
    return head + tail + "; ".join(shown)

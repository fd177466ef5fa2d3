"""Read a filled self-assessment form sheet back into a submission.

Rows are found by the key in their hidden column (:mod:`parindex.form_layout`), so rows the
unit inserted (more evidence under a criterion) are read where they are. Everything the
form holds comes back: the unit's name, id and level, facts, figures, survey results,
evidence, self-scores and explanations, both appraisal rounds and the explanation between
them. Every problem names the sheet, the cell, the criterion and what to write instead;
a score above the maximum is imported with a warning (the review makes it a finding).
:func:`parindex.excel_import.import_workbook` calls :func:`read_form_sheet` for each unit
of a workbook whose signed hidden sheet says it is a form.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from pydantic import ValidationError
from xlsxwriter.utility import quote_sheetname

from parindex.criteria import Input, InputType
from parindex.errors import SubmissionError, did_you_mean
from parindex.excel_read import Cell, SheetData, column_letter
from parindex.excel_rows import Reader, read_note, read_points
from parindex.form_layout import (
    CODE,
    DOC_COLUMNS,
    DOC_DATE,
    DOC_ID,
    DOC_ISSUER,
    DOC_KIND,
    DOC_LINK,
    DOC_NUMBER,
    DOC_SECTION,
    DOC_TITLE,
    EXPLAIN,
    HEADER_ROW,
    ID_ROW,
    KEY,
    LEVEL_ROW,
    NAME_ROW,
    NO,
    NOT_DONE_TEXT,
    RESPONSE,
    ROUNDS,
    SELF,
    TITLE,
    VALUE,
    YES,
    FormPlan,
    plan,
)
from parindex.messages import label
from parindex.numbers import format_decimal, parse_date, parse_decimal
from parindex.submission import (
    NOT_DONE,
    Appraisal,
    AppraisedScore,
    Document,
    SelfScore,
    Submission,
    check_submission,
    typed_value,
)

__all__ = ["read_form_sheet"]

_EPOCH = dt.date(1899, 12, 30)
_ENTRY_COLUMNS = (SELF, EXPLAIN, *(c for _, s, n in ROUNDS for c in (s, n)), RESPONSE)


@dataclass
class _Form:
    """One form sheet being read."""

    reader: Reader
    data: SheetData
    layout: FormPlan
    original: Submission
    rows: dict[str, int] = field(default_factory=dict)
    documents: dict[str, list[int]] = field(default_factory=dict)
    quoted: str | None = None
    appraisal: bool = True
    """The appraisers' form (rounds typed here are imported), not a unit's."""

    def cell(self, row: int, col: int) -> Cell | None:
        return self.data.cells.get((row, col))

    def at(self, row: int, col: int) -> str:
        if self.quoted is None:
            self.quoted = quote_sheetname(self.data.name)
        return f"{self.quoted}!{column_letter(col)}{row + 1}"

    def text(self, row: int, col: int) -> str | None:
        cell = self.cell(row, col)
        if cell is None or cell.kind == "f":
            return None
        value = cell.value.strip()
        return value or None

    def add(self, kind: str, vi: str, en: str, row: int, col: int, code: str | None = None,
            text: object = None, allowed: tuple[str, ...] = (), warning: bool = False) -> None:  # fmt: skip
        self.reader.add(kind, vi, en, self.at(row, col), code, text, allowed, warning)


def read_form_sheet(
    reader: Reader,
    data: SheetData,
    original: Submission,
    titles: Mapping[str, str],
    layout: FormPlan | None = None,
    appraisal: bool = True,
) -> Submission | None:
    """The unit's submission as its form sheet holds it, or ``None`` (problems added).

    ``layout``: the sheet's plan as written (:func:`parindex.form_layout.plan` of the
    set and ``original``), when the caller has it already. ``appraisal``: the appraisers'
    form, whose round cells are read; in a unit's form they must stay as signed."""
    before = len(reader.problems)
    layout = layout if layout is not None else plan(reader.criteria, original)
    form = _Form(reader, data, layout, original, appraisal=appraisal)
    _shape(form)
    _locate(form, titles)
    if any(key not in form.rows for key in form.layout.keyed()):
        return None  # rows deleted: nothing more can be placed (all else read is reported)
    unit = _unit(form)
    facts = {r.name: _fact(form, r.row) for r in form.layout.rows if r.kind == "fact"}
    specs = {i.name: i for i in reader.criteria.inputs}
    values: dict[str, Any] = {}
    survey: dict[str, Decimal] = {}
    for row in form.layout.rows:
        if row.kind == "input" and row.name:
            value = _input(form, form.rows[row.key], specs[row.name], row.code)
            if value is not None:
                values[row.name] = value
        elif row.kind == "survey" and row.code:
            top = reader.criteria.compiled.nodes[row.code].node.max_points
            at = form.rows[row.key]
            points = read_points(reader, form.cell(at, VALUE), form.at(at, VALUE), row.code, top,
                                 "điểm điều tra XHH", "survey")  # fmt: skip
            if points is not None:
                survey[row.code] = points
    self_scores, appraisals = _scores(form)
    documents = _documents(form)
    if len(reader.problems) > before or unit is None:
        return None
    update = {
        "unit": unit | {"facts": {k: v for k, v in facts.items() if v is not None}},
        "values": values,
        "survey": survey,
        "documents": documents,
        "self_scores": self_scores,
        "appraisals": appraisals,
    }
    return _checked(form, update)


def _locate(form: _Form, titles: Mapping[str, str]) -> None:
    """Each keyed row's place; evidence rows (those inserted too) by the criterion above."""
    expected = form.layout.keyed()
    for (row, col), cell in sorted(form.data.cells.items()):
        if col != KEY:
            continue
        key = cell.value.strip()
        if key.startswith("d:"):
            form.documents.setdefault(key[2:], []).append(row)
            continue
        if key in form.rows:
            form.add("duplicate_row", f"dòng khóa {key} xuất hiện hai lần (dòng {form.rows[key] + 1} "
                     f"và {row + 1}): hãy xóa dòng chép thêm", f"row {key} appears twice", row, KEY)  # fmt: skip
            continue
        if key in expected:
            form.rows[key] = row
    _inserted(form)
    _stray(form)
    for key, spec in expected.items():
        if key not in form.rows:
            what = spec.code or label("form", "total")
            form.reader.add("row_missing", f"dòng '{key}' ({what}) của biểu mẫu bị xóa: hãy dùng lại "
                            "biểu mẫu gốc", f"row '{key}' of the form was deleted", form.data.name, spec.code)  # fmt: skip
    for line in form.layout.rows:
        if line.kind == "node" and line.key in form.rows and line.code:
            _title(form, line.code, form.rows[line.key], titles.get(line.code, ""))


def _title(form: _Form, code: str, at: int, wanted: str) -> None:
    """A criterion's title as the form showed it (areas in upper case), or a problem."""
    node = form.reader.criteria.compiled.nodes[code]
    area = node.node.kind.value == "area" and node.parent is None
    shown = wanted.upper() if area else wanted
    if form.text(at, TITLE) != shown.strip():
        form.add("title_changed", f"tên tiêu chí {code} bị sửa: cần '{shown}'",
                 f"the title of criterion {code} was changed", at, TITLE, code,
                 form.text(at, TITLE), (shown,))  # fmt: skip


def _inserted(form: _Form) -> None:
    """Rows without a key: evidence rows the unit inserted under an evidence row are read
    as evidence of that criterion; anything else typed outside the form is reported."""
    keyed = {r for rows in form.documents.values() for r in rows} | set(form.rows.values())
    last_doc: dict[int, str] = {}
    for cited, rows in form.documents.items():
        for r in rows:
            last_doc[r] = cited
    rows_with_data = sorted({row for (row, col) in form.data.cells if col < KEY})
    for row in rows_with_data:
        if row in keyed or row <= form.layout.first - 1:
            continue
        above = max((r for r in keyed if r < row), default=None)
        code = last_doc.get(above) if above is not None else None
        has_doc = any(form.text(row, c) for c in DOC_COLUMNS)
        if code is not None and has_doc:
            form.documents[code].append(row)
            last_doc[row] = code
            keyed.add(row)
            continue
        shown = " | ".join(
            c.value for c in (form.cell(row, k) for k in range(KEY)) if c and c.value
        )
        form.add("row_added", f"dòng {row + 1} không thuộc biểu mẫu (thêm bằng tay), không được nhập: "
                 f"{shown}", f"row {row + 1} is not part of the form, not imported", row, CODE,
                 text=shown[:200], warning=True)  # fmt: skip


def _shape(form: _Form) -> None:
    """Cells merged over the form (a merged cell hides the values under it), text longer than
    a cell holds, data outside the form's columns."""
    headings = {r.row for r in form.layout.rows if r.kind == "heading"}
    for first_row, first_col, last_row, last_col in form.data.merges:
        if last_row < HEADER_ROW or (first_row == last_row and first_row in headings):
            continue  # the form's own: the title block and the section headings
        span = f"{form.at(first_row, first_col)}:{column_letter(last_col)}{last_row + 1}"
        form.reader.add("merged_cells", f"các ô {span} bị gộp: ô gộp che giá trị của các ô bên "
                        "dưới; hãy bỏ gộp ô (Merge & Center → Unmerge) rồi nhập lại",
                        f"cells {span} are merged over the form: unmerge them", span)  # fmt: skip
    for row, col, length in form.data.too_long:
        form.add("text_too_long", f"ô có {length} ký tự, quá giới hạn 32.767 ký tự của một ô Excel",
                 f"the cell holds {length} characters, over Excel's 32,767", row, col, text=length)  # fmt: skip
    for row, col, cell in form.data.outside:
        form.add("outside_table", "dữ liệu nằm ngoài biểu mẫu, không được nhập: hãy chuyển vào đúng "
                 "ô hoặc xóa", "data outside the form, not imported", row, col, None,
                 cell.value[:200], warning=True)  # fmt: skip


def _stray(form: _Form) -> None:
    """Values typed where the form reads nothing (evidence fields on a criterion's row, a
    figure beside a criterion): reported, never silently dropped."""
    kinds = {form.rows[k]: spec.kind for k, spec in form.layout.keyed().items() if k in form.rows}
    for (row, col), cell in sorted(form.data.cells.items()):
        kind = kinds.get(row)
        if kind is None or cell.kind == "f" or not cell.value.strip():
            continue
        stray = col in DOC_COLUMNS or col == DOC_ID or (kind == "node" and col == VALUE)
        if stray:
            form.add("not_imported", "ô này không thuộc phần nhập của dòng, không được nhập: hãy "
                     "chuyển vào đúng ô (TLKC ghi ở dòng 'Tài liệu kiểm chứng')", "this cell is not "
                     "read on this row, not imported", row, col, None, cell.value[:200], warning=True)  # fmt: skip


def _unit(form: _Form) -> dict[str, Any] | None:
    name = form.text(NAME_ROW, VALUE)
    unit_id = form.text(ID_ROW, VALUE)
    level_text = form.text(LEVEL_ROW, VALUE)
    levels = {label("level", v.value): v.value for v in form.reader.criteria.levels}
    levels |= {label("level", v.value, "en"): v.value for v in form.reader.criteria.levels}
    levels |= {v.value: v.value for v in form.reader.criteria.levels}
    level = levels.get(level_text or "")
    ok = True
    for row, value, what in ((NAME_ROW, name, "tên đơn vị"), (ID_ROW, unit_id, "mã đơn vị")):
        if not value:
            form.add("unit_missing", f"chưa ghi {what}", f"the unit's {what} is empty", row, VALUE)
            ok = False
    if level is None:
        allowed = tuple(label("level", v.value) for v in form.reader.criteria.levels)
        form.add("unit_level", f"cấp của đơn vị không hợp lệ: chọn một trong {', '.join(allowed)}",
                 "the unit's level is not one of the set's", LEVEL_ROW, VALUE, text=level_text,
                 allowed=allowed)  # fmt: skip
        ok = False
    if not ok:
        return None
    base = form.original.unit.model_dump(exclude={"facts"})
    return {**base, "id": unit_id, "name": name, "level": level}


def _fact(form: _Form, row: int) -> bool | None:
    cell = form.cell(row, VALUE)
    if cell is None or (cell.kind == "s" and not cell.value.strip()):
        return None
    if cell.kind == "b":
        return cell.value in ("1", "true", "TRUE")
    text = cell.value.strip().lower()
    if text in (YES, NO):
        return text == YES
    form.add("invalid_value", f"thông tin đơn vị phải là '{YES}' hoặc '{NO}'", "a fact is yes or no",
             row, VALUE, text=cell.value, allowed=(YES, NO))  # fmt: skip
    return None


def _raw(form: _Form, cell: Cell, spec: Input) -> object:
    """What the cell holds as the submission would write it (``ValueError`` says why not)."""
    kind = spec.type
    if cell.kind == "f":
        raise ValueError("ô số liệu chứa công thức: chỉ nhập giá trị")
    if kind == InputType.DATE:
        if cell.kind == "n":
            return _EPOCH + dt.timedelta(days=int(float(cell.value)))
        if cell.value.strip().lower() == NOT_DONE_TEXT:
            return NOT_DONE
        return parse_date(cell.value)
    if kind == InputType.YES_NO:
        if cell.kind == "b":
            return cell.value in ("1", "true", "TRUE")
        return cell.value.strip().lower()
    if kind == InputType.ENUM:
        choices = spec.choices or {}
        by_label = {v: k for k, v in choices.items()}
        text = cell.value.strip()
        return by_label.get(text, text)
    if cell.kind == "n":
        number = parse_decimal(float(cell.value))
        if kind == InputType.PERCENT:  # the cell holds the fraction a percent format shows
            number = parse_decimal(float(number * 100))
        return number
    return parse_decimal(cell.value.strip().removesuffix("%").strip())


def _input(form: _Form, row: int, spec: Input, code: str | None) -> object:
    cell = form.cell(row, VALUE)
    if cell is None or (cell.kind == "s" and not cell.value.strip()):
        return None
    try:
        raw = _raw(form, cell, spec)
        typed_value(spec, raw, form.original.year)
    except (ValueError, ArithmeticError) as exc:
        allowed: tuple[str, ...] = ()
        if spec.type == InputType.ENUM:
            allowed = tuple((spec.choices or {}).values())
        elif spec.type == InputType.YES_NO:
            allowed = (YES, NO)
        hint = did_you_mean(cell.value, allowed) if allowed else ""
        form.add("invalid_value", f"{spec.label}: {exc}{hint}", f"{spec.label}: {exc}", row, VALUE,
                 code, cell.value[:200], allowed)  # fmt: skip
        return None
    if isinstance(raw, Decimal) and raw == raw.to_integral():
        return int(raw)
    return raw


def _scores(form: _Form) -> tuple[dict[str, SelfScore], list[Appraisal]]:
    reader, layout = form.reader, form.layout
    self_scores: dict[str, SelfScore] = {}
    rounds: dict[int, dict[str, AppraisedScore]] = {1: {}, 2: {}}
    responses: dict[str, str] = {}
    for row in layout.rows:
        if row.kind != "node" or not row.code or row.key not in form.rows:
            continue
        at, code = form.rows[row.key], row.code
        if code not in layout.entries:
            _untouched(form, at, code)
            continue
        top = reader.criteria.compiled.nodes[code].node.max_points
        own = read_points(reader, form.cell(at, SELF), form.at(at, SELF), code, top,
                          "điểm tự đánh giá", "self")  # fmt: skip
        explanation = read_note(reader, form.cell(at, EXPLAIN), form.at(at, EXPLAIN), code)
        if own is not None:
            self_scores[code] = SelfScore(points=own, explanation=explanation)
        elif explanation:
            form.add("note_without_score", f"giải trình ở tiêu chí {code} cần kèm điểm tự đánh giá",
                     f"the explanation of {code} needs a self-score", at, SELF, code, explanation)  # fmt: skip
        for number, score_col, note_col in ROUNDS:
            score = _round_cell(form, at, code, top, number, score_col, note_col)
            if score is not None:
                rounds[number][code] = score
        response = read_note(reader, form.cell(at, RESPONSE), form.at(at, RESPONSE), code)
        if response:
            responses[code] = response
    return self_scores, _appraisals(form, rounds, responses)


def _round_cell(
    form: _Form, at: int, code: str, top: Decimal, number: int, score_col: int, note_col: int
) -> AppraisedScore | None:
    """One round's score and note. In a unit's form (not the appraisers') they are the
    appraisers' as signed in the hidden sheet: a value the unit changed there is a problem."""
    reader = form.reader
    points = read_points(reader, form.cell(at, score_col), form.at(at, score_col), code, top,
                         f"điểm thẩm định vòng {number}", f"round {number} appraised")  # fmt: skip
    note = read_note(reader, form.cell(at, note_col), form.at(at, note_col), code)
    score = AppraisedScore(points=points, note=note) if points is not None else None
    if not form.appraisal:
        old = next((a for a in form.original.appraisals if a.round == number), None)
        signed = old.scores.get(code) if old is not None else None
        if score != signed and not (signed and score and signed.points == score.points
                                    and signed.note == score.note):  # fmt: skip
            shown = "trống" if signed is None else format_decimal(signed.points)
            typed = form.text(at, score_col) or form.text(at, note_col) or ""
            form.add("appraisal_in_unit_form", f"ô thẩm định vòng {number} của tiêu chí {code} do Tổ "
                     f"thẩm định nhập, không sửa trong biểu mẫu của đơn vị (đang ghi '{typed}'): để "
                     f"lại như cũ ({shown})", f"the round {number} cells of {code} are the "
                     f"appraisers' (now '{typed}'): leave them as they were", at, score_col, code,
                     typed, (shown,))  # fmt: skip
        return signed
    if points is None and note:
        form.add("note_without_score", f"ý kiến thẩm định vòng {number} ở tiêu chí {code} cần kèm "
                 "điểm thẩm định", f"the round {number} note of {code} needs a score", at,
                 score_col, code, note)  # fmt: skip
    return score


def _appraisals(
    form: _Form, rounds: Mapping[int, dict[str, AppraisedScore]], responses: Mapping[str, str]
) -> list[Appraisal]:
    """Both rounds as the sheet holds them; what the form does not show (dates, appraisers,
    documents added, answers to round 2) is kept from the submission it was made from."""
    result = []
    entries = form.layout.entries
    for number in (1, 2):
        old = next((a for a in form.original.appraisals if a.round == number), None)
        answered = dict(old.unit_response) if old else {}
        answered = {c: t for c, t in answered.items() if c not in entries or number != 1}
        if number == 1:
            answered.update(responses)
        if old is None and not rounds[number] and not answered:
            continue
        base = old or Appraisal(round=number)
        result.append(base.model_copy(update={"scores": rounds[number], "unit_response": answered}))
    return result


def _untouched(form: _Form, at: int, code: str) -> None:
    """A parent row takes no entry: a value typed over its cells is reported."""
    for col in _ENTRY_COLUMNS:
        cell = form.cell(at, col)
        if cell is None or cell.kind == "f" or not cell.value.strip():
            continue
        form.add("computed_row_edited", f"dòng {code} tính từ các tiêu chí thành phần: nhập điểm và "
                 "giải trình ở các dòng con", f"row {code} is computed from its parts: enter scores "
                 "on the rows below it", at, col, code, cell.value[:200])  # fmt: skip


def _documents(form: _Form) -> list[Document]:
    """The evidence rows as documents: one per id, citing every criterion it is listed under."""
    old = {d.id: d for d in form.original.documents}
    found: dict[str, dict[str, Any]] = {}
    rows_of: dict[str, int] = {}
    codes = list(form.reader.criteria.compiled.nodes)
    for code in codes:
        for at in form.documents.get(code, []):
            fields = _document_fields(form, at, code)
            if fields is None:
                continue
            doc_id = form.text(at, DOC_ID) or _new_id(code, found, old)
            if doc_id in found:
                same = {k: v for k, v in found[doc_id].items() if k != "supports"}
                if same != fields:
                    form.add("document_differs", f"tài liệu {doc_id} ghi khác nhau ở dòng "
                             f"{rows_of[doc_id] + 1} và dòng {at + 1}: hãy ghi giống nhau",
                             f"document {doc_id} differs between rows", at, DOC_KIND, code, doc_id)  # fmt: skip
                if code not in found[doc_id]["supports"]:
                    found[doc_id]["supports"].append(code)
                continue
            found[doc_id] = {**fields, "supports": [code]}
            rows_of[doc_id] = at
    documents = []
    order = [d for d in old if d in found] + [d for d in found if d not in old]
    for doc_id in order:  # the submission's order, new documents after
        fields = found[doc_id]
        base = old[doc_id].model_dump() if doc_id in old else {}
        if doc_id in old:  # keep the original order of the codes cited
            first = [c for c in old[doc_id].supports if c in fields["supports"]]
            fields["supports"] = first + [c for c in fields["supports"] if c not in first]
        try:
            documents.append(Document.model_validate({**base, **fields, "id": doc_id}))
        except ValidationError as exc:
            at = rows_of[doc_id]
            form.add("invalid_document", f"tài liệu {doc_id} không hợp lệ: {exc.errors()[0]['msg']}",
                     f"document {doc_id} is invalid", at, DOC_KIND, fields["supports"][0], doc_id)  # fmt: skip
    return documents


def _new_id(code: str, found: Mapping[str, object], old: Mapping[str, object]) -> str:
    n = 1
    while f"{code}-tl{n}" in found or f"{code}-tl{n}" in old:
        n += 1
    return f"{code}-tl{n}"


def _document_fields(form: _Form, at: int, code: str) -> dict[str, Any] | None:
    texts = {col: form.text(at, col) for col in DOC_COLUMNS}
    for col in DOC_COLUMNS:
        cell = form.cell(at, col)
        if cell is not None and cell.kind == "f":
            form.add("formula_in_text", f"ô tài liệu kiểm chứng của tiêu chí {code} chứa công thức: "
                     "hãy ghi chữ (gõ dấu ' trước dấu =)", f"an evidence cell of {code} holds a "
                     "formula: write text", at, col, code, "=" + cell.value[:200])  # fmt: skip
    if not any(texts.values()):
        return None
    missing = [col for col in (DOC_KIND, DOC_TITLE) if not texts[col]]
    for col in missing:
        what = label("form", "doc_kind" if col == DOC_KIND else "doc_title")
        form.add("document_incomplete", f"tài liệu kiểm chứng của tiêu chí {code} thiếu '{what}': "
                 "hãy ghi (ví dụ 'Kế hoạch', tên văn bản)", f"evidence of {code} lacks its {what}",
                 at, col, code)  # fmt: skip
    day: dt.date | None = None
    cell = form.cell(at, DOC_DATE)
    if texts[DOC_DATE] and cell is not None:
        try:
            day = (
                _EPOCH + dt.timedelta(days=int(float(cell.value)))
                if cell.kind == "n"
                else parse_date(cell.value)
            )
        except (ValueError, OverflowError):
            form.add("invalid_date", "ngày ban hành không hợp lệ: viết dd/mm/yyyy", "invalid date, "
                     "write dd/mm/yyyy", at, DOC_DATE, code, cell.value)  # fmt: skip
    if missing:
        return None
    return {
        "kind": texts[DOC_KIND], "number": texts[DOC_NUMBER], "date": day,
        "issuer": texts[DOC_ISSUER], "title": texts[DOC_TITLE], "section": texts[DOC_SECTION],
        "link": texts[DOC_LINK],
    }  # fmt: skip


def _checked(form: _Form, update: Mapping[str, Any]) -> Submission | None:
    """The rebuilt submission, checked against the set; problems located on the sheet."""
    data = {**form.original.model_dump(), **update}
    try:
        submission = Submission.model_validate(data)
        check_submission(form.reader.criteria, submission)
    except ValidationError as exc:
        first = exc.errors()[0]
        form.add("invalid_unit", f"hồ sơ không hợp lệ: {first['msg']} ({'.'.join(map(str, first['loc']))})",
                 f"invalid submission: {first['msg']}", ID_ROW, VALUE, text=str(first.get("input"))[:200])  # fmt: skip
        return None
    except SubmissionError as exc:
        rows = {r.name: r.row for r in form.layout.rows if r.name}
        for problem in exc.problems:
            name = next((n for n in rows if problem.field and problem.field.endswith(n)), None)
            at = form.rows.get(f"i:{name}", ID_ROW) if name else ID_ROW
            form.add(problem.kind, problem.message, problem.message_en, at, VALUE,
                     problem.code, problem.text, problem.allowed)  # fmt: skip
        return None
    return submission

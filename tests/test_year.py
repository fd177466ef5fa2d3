"""The whole appraisal year on the 2023 set, with real files, as units and appraisers live it.

1. The Sở makes a blank form (``write_form``).
2. Each of 22 generated units (``parindex.synthetic``: facts off so criteria do not apply,
   missing figures, over-claims; two late deadlines and one report never sent added here)
   fills its own copy with openpyxl, as a person types: facts, figures, survey points,
   self-scores, explanations, evidence.
3. The Sở imports every unit's file; each imported submission scores exactly as the engine
   scores the unit's data.
4. The Sở writes the units into one prefilled form and appraises in the sheet: round 1 (score
   and note), the unit's explanation, round 2 for some criteria; imports it again.
5. LibreOffice recalculates all 23 workbooks in ONE headless run; every leaf's computed cell,
   every parent, the totals, the index and the class equal the engine's, the self total and
   index the review's, the final (appraised) total and index the review's, exactly.
6. Units are ranked on their final index (``parindex.province_results``); over-claims survive
   both imports as review findings.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import openpyxl
from test_excel import recalculate

from parindex import check_submission, load_criteria, review, score, synthetic
from parindex.excel_import import import_workbook
from parindex.excel_layout import final_index, not_appraised
from parindex.form import blank_submission, write_form
from parindex.form_layout import (
    APPLIES,
    COMPUTED,
    DOC_KIND,
    DOC_NUMBER,
    DOC_TITLE,
    EXPLAIN,
    FINAL,
    ID_ROW,
    LEVEL_ROW,
    MAX,
    NAME_ROW,
    NOT_APPRAISED,
    NOT_DONE_TEXT,
    R1,
    R1_NOTE,
    R2,
    R2_NOTE,
    RESPONSE,
    SELF,
    TOP,
    VALUE,
    FormPlan,
    plan,
)
from parindex.messages import label
from parindex.ranking import competition_ranks
from parindex.report import Status
from parindex.results import province_results
from parindex.submission import NOT_DONE, SelfScore, Submission

ROOT = Path(__file__).resolve().parent.parent
SET_2023 = ROOT / "criteria" / "namdinh-stnmt-2023.yaml"
MINI = ROOT / "tests" / "data" / "mini.yaml"
"""Every rule kind, bonus and penalty, a percentage: recalculated in the same run."""
UNITS = 22


def _units(criteria: Any) -> list[Submission]:
    made = synthetic.units(
        criteria, UNITS, seed=2023, fact_rate=0.7, missing_rate=0.06, self_scores=True,
        overclaim_rate=0.08,
    )  # fmt: skip
    late = {
        0: {"ngay_ban_hanh_ke_hoach_cchc": dt.date(2023, 1, 20)},  # due 31/12/2022
        1: {"ngay_gui_bao_cao_cchc_quy_1": NOT_DONE, "ngay_ban_hanh_ke_hoach_pbgdpl": dt.date(2023, 3, 1)},
    }  # fmt: skip
    for index, values in late.items():
        made[index] = made[index].model_copy(update={"values": {**made[index].values, **values}})
    return made


def _self_scored(criteria: Any, unit: Submission) -> Submission:
    """Each leaf self-scored at its computed points (a penalty's negative points cannot be
    a self-score: ``synthetic.units(self_scores=True)`` trips on them)."""
    report = score(criteria, unit)
    own = {
        n.code: SelfScore(points=n.points)
        for n in report.nodes
        if n.rule is not None and n.points is not None and n.points >= 0
    }
    return unit.model_copy(update={"self_scores": own})


def _two_levels(folder: Path) -> Any:
    """The small set for departments and districts, the districts with classes of their own."""
    text = MINI.read_text(encoding="utf-8").replace("levels: [so]", "levels: [so, huyen]")
    text = text.replace(
        '  - {label: "Nhóm III", range: "dưới 80%"}\n',
        '  - {label: "Nhóm III", range: "dưới 80%"}\n'
        '  - {label: "Loại A", range: "từ 50% trở lên", level: huyen}\n'
        '  - {label: "Loại B", range: "dưới 50%", level: huyen}\n',
    )
    path = folder / "hai-cap.yaml"
    path.write_text(text, encoding="utf-8")
    criteria = load_criteria(path)
    assert criteria.compiled.classification_by_level  # the replacement took
    return criteria


def _typed(criteria: Any, name: str, value: object) -> object:
    """A value as a person types it in the form's cell."""
    spec = next(i for i in criteria.inputs if i.name == name)
    kind = spec.type.value
    if kind == "date":
        return NOT_DONE_TEXT if value is NOT_DONE else dt.datetime.combine(value, dt.time())  # type: ignore[arg-type]
    if kind == "yes_no":
        return "có" if value else "không"
    if kind == "enum":
        return (spec.choices or {})[value]
    if kind == "percent":
        return float(value) / 100  # type: ignore[arg-type]
    number = Decimal(str(value))
    return int(number) if number == number.to_integral() else float(number)


class _Blank:
    """The blank form, read once: each unit's copy is the blank with the unit's entries typed
    in, saved under the unit's name, then the entries are taken out again for the next unit."""

    def __init__(self, path: Path) -> None:
        self.book = openpyxl.load_workbook(path)

    def close(self) -> None:
        self.book.close()


def _fill(criteria: Any, blank: _Blank, target: Path, unit: Submission, layout: FormPlan) -> None:
    """One unit fills its copy of the blank form."""
    book = blank.book
    sheet = book[book.sheetnames[0]]
    before: dict[tuple[int, int], object] = {}

    def put(row: int, col: int, value: object) -> None:
        before.setdefault((row + 1, col + 1), sheet.cell(row + 1, col + 1).value)
        sheet.cell(row + 1, col + 1).value = value

    put(NAME_ROW, VALUE, unit.unit.name)
    put(ID_ROW, VALUE, unit.unit.id)
    put(LEVEL_ROW, VALUE, label("level", unit.unit.level.value))
    for name, flag in unit.unit.facts.items():
        put(layout.value_row[name], VALUE, "có" if flag else "không")
    values = check_submission(criteria, unit).values
    for name in (i.name for i in criteria.inputs):
        if name in values:
            put(layout.value_row[name], VALUE, _typed(criteria, name, values[name]))
    for code, points in unit.survey.items():
        put(layout.value_row[f"survey:{code}"], VALUE, float(points))
    for code, own in unit.self_scores.items():
        put(layout.node_row[code], SELF, float(own.points))
        put(layout.node_row[code], EXPLAIN, own.explanation)
    doc = next(r.row for r in layout.rows if r.kind == "doc")
    put(doc, DOC_KIND, "Kế hoạch")
    put(doc, DOC_NUMBER, f"1/KH-{unit.unit.id}")
    put(doc, DOC_TITLE, "Kế hoạch cải cách hành chính năm 2023")
    book.save(target)
    for (row, col), value in before.items():
        sheet.cell(row, col).value = value


class _Values:
    """A recalculated sheet's stored values, read once in read-only mode (fast), with the
    ``sheet.cell(row, col).value`` access the comparison uses."""

    def __init__(self, sheet: Any) -> None:
        self.rows = [list(r) for r in sheet.iter_rows(values_only=True)]

    def cell(self, row: int, col: int) -> Any:
        line = self.rows[row - 1] if row <= len(self.rows) else []
        return SimpleNamespace(value=line[col - 1] if col <= len(line) else None)


def _recalculated(path: Path) -> dict[str, _Values]:
    book = openpyxl.load_workbook(path, data_only=True, read_only=True)
    try:
        return {name: _Values(book[name]) for name in book.sheetnames}
    finally:
        book.close()


def _appraise(path: Path, submissions: list[Submission], criteria: Any) -> None:
    """The appraisers score round 1 (over-claims down to the rule's points, with a note), the
    unit explains, round 2 settles some of them; every third unit is not appraised at all."""
    book = openpyxl.load_workbook(path)
    for index, (name, unit) in enumerate(zip(book.sheetnames, submissions, strict=False)):
        if index % 3 == 2:
            continue
        sheet = book[name]
        layout = plan(criteria, unit)
        report = score(criteria, unit)
        claimed = [
            (code, own)
            for code, own in unit.self_scores.items()
            if report.node(code).points is not None and own.points > report.node(code).points
        ]
        for position, (code, own) in enumerate(claimed):
            row = layout.node_row[code] + 1
            sheet.cell(row, R1 + 1).value = float(report.node(code).points)  # type: ignore[arg-type]
            sheet.cell(row, R1_NOTE + 1).value = "Chưa đủ TLKC"
            sheet.cell(row, RESPONSE + 1).value = "Đơn vị bổ sung TLKC"
            if position % 2 == 0:
                sheet.cell(row, R2 + 1).value = float(own.points)
                sheet.cell(row, R2_NOTE + 1).value = "Chấp nhận sau giải trình"
        row = layout.node_row["1.1"] + 1
        if sheet.cell(row, R1 + 1).value is None:
            sheet.cell(row, R1 + 1).value = 0.5
    book.save(path)
    book.close()


def _number(value: object) -> Decimal | None:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    return Decimal(repr(float(value)))


def _compare(
    sheet: Any, layout: FormPlan, unit: Submission, criteria: Any, seen: list[str]
) -> list[str]:
    """Every computed cell LibreOffice recalculated against the engine and the review."""
    result = review(criteria, unit)
    report = result.report
    wrong = []

    def check(what: str, row: int, col: int, expected: object) -> None:
        seen.append(what)
        got = sheet.cell(row + 1, col + 1).value
        if isinstance(expected, Decimal):
            same = _number(got) == expected
        else:
            same = (got if got is not None else "") == expected
        if not same:
            wrong.append(f"{unit.unit.id} {what}: engine {expected!r}, LibreOffice {got!r}")

    for node in report.nodes:
        row = layout.node_row[node.code]
        not_applicable = node.status == Status.NOT_APPLICABLE
        if node.status == Status.ERROR:
            check(f"{node.code} computed", row, COMPUTED, "không tính được")
        else:
            check(
                f"{node.code} computed", row, COMPUTED, "" if node.points is None else node.points
            )
        check(f"{node.code} maximum", row, TOP, node.max_points)
        if not_applicable:
            check(f"{node.code} applies", row, APPLIES, "không")
    total, index, klass = (layout.row_of(k) for k in ("total", "index", "class"))
    check("total", total, COMPUTED, report.total)
    check("applicable maximum", total, MAX, report.max_points)
    check("index", index, COMPUTED, "" if report.index is None else report.index)
    check("class", klass, COMPUTED, report.band or ("" if report.complete else "chưa xác định"))
    summary = {s.code: s for s in result.summary}
    check("self total", total, SELF, summary["TỔNG"].self_score)
    check("self index", index, SELF, "" if result.self_index is None else result.self_index)
    appraised = result.appraised_index if unit.appraisals else None
    check("final index", index, FINAL, NOT_APPRAISED if appraised is None else appraised)
    if appraised is not None:
        check("final total", total, FINAL, summary["TỔNG"].appraised_score)
    return wrong


def test_the_whole_year(tmp_path: Path) -> None:
    criteria = load_criteria(SET_2023)
    units = _units(criteria)
    assert any(not all(u.unit.facts.values()) for u in units)  # criteria that do not apply
    assert any(len(u.values) < len(criteria.inputs) for u in units)  # figures missing
    blank = _Blank(write_form(criteria, [], tmp_path / "bieu-mau.xlsx"))
    layout = plan(criteria, blank_submission(criteria))
    filled = []
    for unit in units:
        target = tmp_path / f"{unit.unit.id}.xlsx"
        _fill(criteria, blank, target, unit, layout)
        filled.append(target)
    blank.close()

    # The units' files come back: each scores as the engine scores the unit's data.
    imported = []
    for unit, path in zip(units, filled, strict=True):
        result = import_workbook(criteria, path)
        assert result.complete, [p.describe() for p in result.problems]
        [back] = result.submissions
        assert back.self_scores == unit.self_scores and back.survey == unit.survey
        skip = {"documents", "nodes", "unit"}  # the sheet cannot know the unit is synthetic
        assert score(criteria, back).model_dump(exclude=skip) == score(criteria, unit).model_dump(
            exclude=skip
        )
        assert (back.unit.id, back.unit.name, back.unit.facts) == (
            unit.unit.id,
            unit.unit.name,
            unit.unit.facts,
        )
        assert [(n.code, n.points, n.status) for n in score(criteria, back).nodes] == [
            (n.code, n.points, n.status) for n in score(criteria, unit).nodes
        ]
        imported.append(back)
    over = [f for u in imported for f in review(criteria, u).findings if f.code == "over_claimed"]
    assert over  # over-claims are imported, and are findings
    late = score(criteria, imported[0]).node("1.1")
    assert late.points == 0 and late.status == Status.SCORED  # the plan came late
    assert score(criteria, imported[1]).node("1.2").points is not None

    # The appraisers work in one prefilled form: rounds 1 and 2 in the sheet.
    book = write_form(criteria, imported, tmp_path / "tham-dinh.xlsx", appraisal=True)
    _appraise(book, imported, criteria)
    result = import_workbook(criteria, book)
    assert result.complete, [p.describe() for p in result.problems]
    final = list(result.submissions)
    assert sum(1 for u in final if u.appraisals) == sum(1 for i in range(UNITS) if i % 3 != 2)
    assert any(len(u.appraisals) == 2 for u in final)
    for before, after in zip(imported, final, strict=True):
        assert after.self_scores == before.self_scores  # never replaced by appraised scores
    still = [f for u in final for f in review(criteria, u).findings if f.code == "over_claimed"]
    assert len(still) == len(over)  # over-claims survive the appraisal

    # The small set with every rule kind: six units fill its form too.
    mini = load_criteria(MINI)
    mini_units = [
        _self_scored(mini, u)
        for u in synthetic.units(mini, 6, seed=7, fact_rate=0.6, missing_rate=0.1)
    ]
    mini_blank = _Blank(write_form(mini, [], tmp_path / "mini" / "bieu-mau.xlsx"))
    mini_layout = plan(mini, blank_submission(mini))
    mini_files = []
    for unit in mini_units:
        target = tmp_path / "mini" / f"mini-{unit.unit.id}.xlsx"
        _fill(mini, mini_blank, target, unit, mini_layout)
        [back] = import_workbook(mini, target).submissions
        assert score(mini, back).total == score(mini, unit).total
        mini_files.append(target)
    mini_blank.close()

    # Its variant for two levels, each with its own classes: one prefilled form.
    levels = _two_levels(tmp_path)
    level_units = [_self_scored(levels, u) for u in synthetic.units(levels, 4, seed=3)]
    level_book = write_form(levels, level_units, tmp_path / "mini" / "hai-cap.xlsx")

    # One LibreOffice run recalculates every workbook; every computed cell equals the engine.
    files = [*filled, *mini_files, level_book, book]
    [*recalculated, level_done, appraised_book] = recalculate(files, tmp_path / "lo")
    recalculated, mini_recalculated = recalculated[:UNITS], recalculated[UNITS:]
    wrong: list[str] = []
    seen: list[str] = []
    for unit, path in zip(units, recalculated, strict=True):
        [first, *_] = _recalculated(path).values()
        wrong += _compare(first, layout, unit, criteria, seen)
    for unit, path in zip(mini_units, mini_recalculated, strict=True):
        [first, *_] = _recalculated(path).values()
        wrong += _compare(first, mini_layout, unit, mini, seen)
    for sheet, unit in zip(_recalculated(level_done).values(), level_units, strict=False):
        wrong += _compare(sheet, plan(levels, unit), unit, levels, seen)
    assert {u.unit.level.value for u in level_units} == {"so", "huyen"}
    for sheet, unit in zip(_recalculated(appraised_book).values(), final, strict=False):
        wrong += _compare(sheet, plan(criteria, unit), unit, criteria, seen)
    assert not wrong, "\n".join(wrong[:30])
    nodes = len(criteria.compiled.nodes)
    assert len(seen) >= 2 * UNITS * 2 * nodes  # computed and maximum of every node, twice
    assert sum(1 for s in seen if s == "final total") >= UNITS // 2  # appraised units

    # Ranked on the final index: appraised where appraised, computed otherwise.
    table = province_results(criteria, final)
    by_unit = {r.unit: r for r in table.rows}
    for unit in final:
        index, appraised = final_index(review(criteria, unit))
        row = by_unit[unit.unit.id]
        assert row.index == index and row.basis == ("appraised" if appraised else "computed")
    keys = [(r.group, r.index) for r in table.rows]
    assert [r.rank for r in table.rows] == competition_ranks(keys)
    waiting = not_appraised(review(criteria, final[2]))
    assert waiting and not final[2].appraisals  # every criterion of an unappraised unit

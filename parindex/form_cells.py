"""The formulas of a form sheet and the values they store, cell by cell.

:func:`formula_cells` gives, for every computed cell of one unit's form sheet, the formula
text (no leading ``=``) and the value stored with it. The texts follow
:mod:`parindex.form_layout` (columns, rows); the stored values come from the engine's
report and the review of the same submission, so a viewer that does not recalculate
shows what :func:`parindex.score` and :func:`parindex.review` say.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal

from parindex.backends.excel import formula
from parindex.compiler import CompiledNode
from parindex.criteria import Aggregation
from parindex.engine import applies
from parindex.form_layout import (
    APPLIES,
    APPLIES_NO,
    APPLIES_UNKNOWN,
    APPLIES_YES,
    COMPUTED,
    ENGINE,
    FINAL,
    LAST,
    LEVEL_ROW,
    MAX,
    NOT_APPRAISED,
    NOT_COMPUTED,
    OPEN,
    OWN,
    R1,
    R2,
    SELF,
    TOP,
    TOUCH,
    UNDECIDED_CLASS,
    VALUE,
    FormPlan,
    aggregate_text,
    class_formula,
    input_engine,
    ref,
    serial,
    tri,
)
from parindex.messages import TOTAL_ROW, label
from parindex.report import ScoreReport, Status
from parindex.review import Review
from parindex.rules import kind_named
from parindex.submission import NOT_DONE, CheckedSubmission
from parindex.tree import classify

__all__ = ["Computed", "formula_cells"]

Stored = Decimal | str | bool | int | None
_ZERO = Decimal(0)


@dataclass(frozen=True)
class Computed:
    """A formula cell: its text (no ``=``) and the value stored with it."""

    text: str
    value: Stored


class _Builder:
    def __init__(
        self, plan: FormPlan, checked: CheckedSubmission, review: Review, entries: frozenset[str]
    ) -> None:
        self.plan = plan
        self.criteria = plan.criteria
        self.compiled = plan.criteria.compiled
        self.values = checked.values
        self.submission = checked.submission
        self.review = review
        self.report: ScoreReport = review.report
        self.by_code = {n.code: n for n in self.report.nodes}
        self.entries = entries
        self.survey = set(plan.criteria.compiled.given_codes())
        self.cells: dict[tuple[int, int], Computed] = {}
        self.opened: dict[str, str] = {}
        self.touched = self._touched()

    def name_ref(self, name: str) -> str:
        return ref(self.plan.value_row[name], ENGINE)

    def at(self, code: str, col: int) -> str:
        return ref(self.plan.node_row[code], col)

    def put(self, row: int, col: int, text: str, value: Stored) -> None:
        self.cells[row, col] = Computed(text, "" if value is None else value)

    def _touched(self) -> dict[str, int]:
        """How many appraised scores (and survey results) each node holds in its subtree."""
        counts: dict[str, int] = {}
        own = [c for a in self.submission.appraisals for c in a.scores]
        own += [
            n.code for n in self.report.nodes if n.status == Status.SURVEY and n.points is not None
        ]
        for code in own:
            while code is not None and code in self.compiled.nodes:
                counts[code] = counts.get(code, 0) + 1
                code = self.compiled.nodes[code].parent  # type: ignore[assignment]
        return counts

    # --- inputs -------------------------------------------------------------------------------

    def inputs(self) -> None:
        specs = {i.name: i for i in self.criteria.inputs}
        for name, row in self.plan.value_row.items():
            cell = ref(row, 3)
            survey = name.startswith("survey:")
            text = input_engine(specs.get(name), cell, {} if survey else None)
            value: object = (
                self.submission.survey.get(name.split(":", 1)[1])
                if survey
                else self.values.get(name)
            )
            stored: Stored
            if value is NOT_DONE and name in specs and specs[name].type.value == "date":
                stored = False
            elif isinstance(value, dt.date):
                stored = serial(value)
            elif isinstance(value, Decimal | str | bool):
                stored = value
            else:
                stored = ""
            self.put(row, ENGINE, text, stored)

    # --- applicability --------------------------------------------------------------------------

    def opens(self, node: CompiledNode) -> str:
        """The applicability decided from above (the node's and its ancestors' conditions),
        as ``có``/``không``/``chưa rõ``: what the node's hidden helper cell holds."""
        if node.applies_if is None:
            own = f'"{APPLIES_YES}"'
            known: str = APPLIES_YES
        else:
            test = tri(node.applies_if, self.name_ref)
            own = f'IF(({test})="","{APPLIES_UNKNOWN}",IF({test},"{APPLIES_YES}","{APPLIES_NO}"))'
            decided = applies(node, self.values)
            known = APPLIES_UNKNOWN if decided is None else APPLIES_YES if decided else APPLIES_NO
        if node.parent is None:
            text, value = own, known
        else:
            above = self.at(node.parent, ENGINE)
            before = self.opened[node.parent]
            text = (
                above if node.applies_if is None else f'IF({above}<>"{APPLIES_YES}",{above},{own})'
            )
            value = before if before != APPLIES_YES else known
        self.opened[node.code] = value
        return text

    def applicability(self, node: CompiledNode, children: tuple[str, ...]) -> None:
        row = self.plan.node_row[node.code]
        result = self.by_code[node.code]
        shown = APPLIES_NO if result.status == Status.NOT_APPLICABLE else self.opened[node.code]
        if not children:
            self.put(row, APPLIES, self.at(node.code, ENGINE), shown)
            return
        own = self.at(node.code, ENGINE)
        none = ",".join(f'{self.at(c, APPLIES)}="{APPLIES_NO}"' for c in children)
        text = f'IF({own}<>"{APPLIES_YES}",{own},IF(AND({none}),"{APPLIES_NO}","{APPLIES_YES}"))'
        self.put(row, APPLIES, text, shown)

    # --- the computed column, maxima and undetermined points -----------------------------------

    def computed(self, node: CompiledNode, children: tuple[str, ...]) -> None:
        code = node.code
        row = self.plan.node_row[code]
        result = self.by_code[code]
        applies_cell, top_cell = self.at(code, APPLIES), self.at(code, TOP)
        counted = node.node.max_points if node.counts_in_max else _ZERO
        points: Stored = result.points
        if result.status == Status.ERROR:
            points = NOT_COMPUTED
        if not children:
            assert node.leaf is not None and node.leaf.lowered is not None
            body = formula(node.leaf.lowered, self.name_ref)
            extra = sorted(node.inputs)
            if extra:
                blank = ",".join(f'{self.name_ref(n)}=""' for n in extra)
                body = f'IF(OR({blank}),"",{body})'
            text = f'IF({applies_cell}<>"{APPLIES_YES}","",IFERROR({body},"{NOT_COMPUTED}"))'
            self.put(row, COMPUTED, text, points)
            top = f'IF({applies_cell}="{APPLIES_NO}",0,{counted})'
            self.put(row, TOP, top, result.max_points)
            g = self.at(code, COMPUTED)
            open_text = (
                f'IF({applies_cell}="{APPLIES_NO}",0,IF(ISNUMBER({g}),0,{node.node.max_points}))'
            )
            self.put(row, OPEN, open_text, result.undetermined_points)
            return
        how = node.node.aggregation
        tops = [self.at(c, TOP) for c in children if self.compiled.nodes[c].counts_in_max]
        if how == Aggregation.MAX:
            agg_top = f"MAX({','.join(tops)})" if tops else "0"
        else:
            agg_top = f"ROUND(SUM({','.join(tops)}),9)" if tops else "0"
            if how == Aggregation.CAPPED_SUM:
                agg_top = f"MIN({agg_top},{node.node.max_points})"
        top = (
            f'IF({applies_cell}="{APPLIES_NO}",0,IF({applies_cell}="{APPLIES_UNKNOWN}",'
            f"{counted},{agg_top}))"
        )
        self.put(row, TOP, top, result.max_points)
        parts = [self.at(c, COMPUTED) for c in children]
        raw = (
            f"MAX({','.join(parts)})"
            if how == Aggregation.MAX
            else f"ROUND(SUM({','.join(parts)}),9)"
        )
        text = f'IF({applies_cell}<>"{APPLIES_YES}","",MAX(0,MIN({raw},{top_cell})))'
        self.put(row, COMPUTED, text, points)
        self.put(row, OPEN, self._open_parent(node, children), result.undetermined_points)

    def _open_parent(self, node: CompiledNode, children: tuple[str, ...]) -> str:
        """Undetermined points of a parent, as :func:`parindex.tree.aggregate` leaves them."""
        code = node.code
        applies_cell, top_cell, g = (
            self.at(code, APPLIES),
            self.at(code, TOP),
            self.at(code, COMPUTED),
        )
        uppers, partial = [], []
        for child in children:
            fc, gc = self.at(child, APPLIES), self.at(child, COMPUTED)
            uc, tc = self.at(child, OPEN), self.at(child, TOP)
            result = self.by_code[child]
            sign = kind_named(result.rule).sign if result.rule else 1
            missing = "0" if sign < 0 else tc
            excluded = "-1E+300" if node.node.aggregation == Aggregation.MAX else "0"
            uppers.append(
                f'IF({fc}="{APPLIES_NO}",{excluded},IF(ISNUMBER({gc}),{gc}+{uc},{missing}))'
            )
            partial.append(f'AND({fc}<>"{APPLIES_NO}",OR(NOT(ISNUMBER({gc})),{uc}<>0))')
        if node.node.aggregation == Aggregation.MAX:
            best = f"MAX(-1E+300,{','.join(uppers)})"
            high = f"IF({best}=-1E+300,0,{best})"
        else:
            high = f"ROUND(SUM({','.join(uppers)}),9)"
        left = f"MAX(0,ROUND(MIN({high},{top_cell})-{g},9))"
        return (
            f'IF({applies_cell}="{APPLIES_NO}",0,IF({applies_cell}="{APPLIES_UNKNOWN}",'
            f"{node.node.max_points},IF(OR({','.join(partial)}),{left},0)))"
        )

    # --- self and final columns -------------------------------------------------------------

    def scores(self, node: CompiledNode, children: tuple[str, ...]) -> None:
        code = node.code
        row = self.plan.node_row[code]
        f, g, h = self.at(code, APPLIES), self.at(code, COMPUTED), self.at(code, SELF)
        r1, r2 = self.at(code, R1), self.at(code, R2)
        top = self.at(code, TOP)
        how = node.node.aggregation
        not_applicable = self.by_code[code].status == Status.NOT_APPLICABLE
        own_value: Stored = None if not_applicable else self.review.node_self.get(code, _ZERO)
        last_value: Stored = own_value
        if self.submission.appraisals and not not_applicable:
            last_value = self.review.node_appraised.get(code)
        survey = code in self.survey
        entry = code in self.entries
        agg_own = aggregate_text(how, [self.at(c, OWN) for c in children], top)
        agg_last = aggregate_text(how, [self.at(c, LAST) for c in children], top)
        if not children:
            own = (
                f"IF(ISNUMBER({g}),{g},IF(ISNUMBER({h}),{h},0))"
                if survey
                else f"IF(ISNUMBER({h}),{h},0)"
            )
        elif entry:
            own = f"IF(ISNUMBER({h}),{h},{agg_own})"
        else:
            own = agg_own
            self.put(row, SELF, f'IF({f}="{APPLIES_NO}","",{agg_own})', own_value)
        self.put(row, OWN, f'IF({f}="{APPLIES_NO}","",{own})', own_value)
        touch_parts = [f"COUNT({r1},{r2})"] if entry else []
        if survey:
            touch_parts.append(f"IF(ISNUMBER({g}),1,0)")
        touch_parts += [self.at(c, TOUCH) for c in children]
        self.put(row, TOUCH, "+".join(touch_parts) or "0", self.touched.get(code, 0))
        own_cell, touch = self.at(code, OWN), self.at(code, TOUCH)
        fallback = f"IF(ISNUMBER({g}),{g},{own_cell})" if survey else own_cell
        if children:
            fallback = f"IF({touch}>0,{agg_last},{own_cell})"
        last = f"IF(ISNUMBER({r2}),{r2},IF(ISNUMBER({r1}),{r1},{fallback}))" if entry else fallback
        self.put(row, LAST, f'IF({f}="{APPLIES_NO}","",{last})', last_value)
        self._final(node, entry, not_applicable)

    def _final(self, node: CompiledNode, entry: bool, not_applicable: bool) -> None:
        code = node.code
        row = self.plan.node_row[code]
        f, r1, r2 = self.at(code, APPLIES), self.at(code, R1), self.at(code, R2)
        if entry:
            text = f'IF({f}="{APPLIES_NO}","",IF(ISNUMBER({r2}),{r2},IF(ISNUMBER({r1}),{r1},"{NOT_APPRAISED}")))'
            scored = [a.scores[code].points for a in self.submission.appraisals if code in a.scores]
            value: Stored = scored[-1] if scored else NOT_APPRAISED
        else:
            touch, last = self.at(code, TOUCH), self.at(code, LAST)
            text = f'IF({f}="{APPLIES_NO}","",IF({touch}>0,{last},"{NOT_APPRAISED}"))'
            value = self.review.node_appraised.get(code) if code in self.touched else NOT_APPRAISED
        self.put(row, FINAL, text, "" if not_applicable else value)

    # --- totals ----------------------------------------------------------------------------------

    def totals(self) -> None:
        plan, report, review = self.plan, self.report, self.review
        areas = self.compiled.children.get(None, ())
        total, index, klass = plan.row_of("total"), plan.row_of("index"), plan.row_of("class")

        def summed(col: int) -> str:
            return f"ROUND(SUM({','.join(self.at(a, col) for a in areas)}),9)"

        top = ref(total, MAX)
        self.put(total, MAX, summed(TOP), report.max_points)
        self.put(total, COMPUTED, f"MAX(0,MIN({summed(COMPUTED)},{top}))", report.total)
        self.put(total, OPEN, summed(OPEN), report.undetermined_points)
        self_total = next(s.self_score for s in review.summary if s.code == TOTAL_ROW)
        self.put(total, SELF, summed(OWN), self_total)
        rounds = ",".join(f"{ref(plan.first, c)}:{ref(plan.last, c)}" for c in (R1, R2))
        appraised = next(s.appraised_score for s in review.summary if s.code == TOTAL_ROW)
        self.put(
            total,
            FINAL,
            f'IF(COUNT({rounds})>0,{summed(LAST)},"{NOT_APPRAISED}")',
            NOT_APPRAISED if appraised is None else appraised,
        )

        def percent(cell: str) -> str:
            return f'IF(AND(ISNUMBER({cell}),{top}<>0),ROUND(ROUND({cell}*100/{top},9),2),"")'

        upper_total = f"MIN({ref(total, COMPUTED)}+{ref(total, OPEN)},{top})"
        upper = f'IF({top}<>0,ROUND(ROUND({upper_total}*100/{top},9),2),"")'
        self.put(index, COMPUTED, percent(ref(total, COMPUTED)), _blank(report.index))
        self.put(index, OPEN, upper, _blank(self._upper()))
        self.put(index, SELF, percent(ref(total, SELF)), _blank(review.self_index))
        final = review.appraised_index if self.submission.appraisals else None
        final_text = (
            f'IF(ISNUMBER({ref(total, FINAL)}),{percent(ref(total, FINAL))},"{NOT_APPRAISED}")'
        )
        self.put(index, FINAL, final_text, NOT_APPRAISED if final is None else final)
        self._classes(index, klass)

    def _upper(self) -> Decimal | None:
        report = self.report
        if not report.max_points:
            return None
        from parindex.tree import index as index_of

        return index_of(
            min(report.total + report.undetermined_points, report.max_points), report.max_points
        )

    def classes(self, cell: str) -> str:
        """The class of the index in ``cell``, by the bands of the level chosen in the sheet
        (sets whose levels have bands of their own), else the set's bands."""
        text = class_formula(self.compiled.classification, cell)
        for level, bands in self.compiled.classification_by_level.items():
            names = {level, label("level", level), label("level", level, "en")}
            chosen = ",".join(f'{ref(LEVEL_ROW, VALUE)}="{n}"' for n in sorted(names))
            text = f"IF(OR({chosen}),{class_formula(bands, cell)},{text})"
        return text

    def _classes(self, index: int, klass: int) -> None:
        level = self.submission.unit.level.value
        idx, upper = ref(index, COMPUTED), ref(index, OPEN)
        here, there = self.classes(idx), self.classes(upper)
        computed = f'IF(ISNUMBER({idx}),IF({here}={there},{here},"{UNDECIDED_CLASS}"),"")'
        value: Stored = ""
        if self.report.index is not None:
            found = classify(self.report.index, self.compiled, level) or ""
            ceiling = self._upper()
            same = ceiling is not None and (classify(ceiling, self.compiled, level) or "") == found
            value = found if same else UNDECIDED_CLASS
        self.put(klass, COMPUTED, computed, value)
        final = self.review.appraised_index if self.submission.appraisals else None
        for col, at in ((SELF, self.review.self_index), (FINAL, final)):
            cell = ref(index, col)
            text = f"IF(ISNUMBER({cell}),{self.classes(cell)},{cell})"
            shown: Stored = NOT_APPRAISED if col == FINAL else ""
            if at is not None:
                shown = classify(at, self.compiled, level) or ""
            self.put(klass, col, text, shown)


def _blank(value: Decimal | None) -> Stored:
    return "" if value is None else value


def formula_cells(
    plan: FormPlan, checked: CheckedSubmission, review: Review
) -> Mapping[tuple[int, int], Computed]:
    """Every formula cell of one unit's form sheet with the value it stores."""
    builder = _Builder(plan, checked, review, plan.entries)
    builder.inputs()
    compiled = builder.compiled
    order = list(compiled.nodes.values())
    children = {n.code: compiled.children.get(n.code, ()) for n in order}
    for node in order:  # parents before children: applicability from above
        builder.put(
            plan.node_row[node.code], ENGINE, builder.opens(node), builder.opened[node.code]
        )
    for node in reversed(order):  # children before parents: the aggregates
        builder.applicability(node, children[node.code])
        builder.computed(node, children[node.code])
        builder.scores(node, children[node.code])
    builder.totals()
    return builder.cells

"""Terminal tables and trees of the ``parindex`` commands (rich), and their CSV rows.

Every text a person or a set author wrote (unit names, titles, groups) is escaped, so
``[/]`` in a name prints as written instead of breaking the output.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from rich import box
from rich.markup import escape
from rich.table import Table
from rich.tree import Tree

from parindex.cli_tree import NodeLine, Piece, node_lines, provisional_note, score_head, score_tail
from parindex.messages import TOTAL_ROW, label, labels, text
from parindex.messages import band as band_label
from parindex.numbers import format_decimal
from parindex.report import ScoreReport, format_points
from parindex.report_words import words

if TYPE_CHECKING:
    from rich.console import Console

    from parindex.criteria import CriteriaSet
    from parindex.review import Review

__all__ = [
    "markup",
    "node_rows",
    "print_scores",
    "ranking_tables",
    "render_tree",
    "review_tables",
    "rich_tree",
    "set_summary",
    "totals_rows",
    "totals_table",
]


def node_rows(criteria: CriteriaSet) -> list[dict[str, Any]]:
    """The flat node list of a set, in tree order, as JSON-ready dicts."""
    compiled = criteria.compiled
    return [
        {
            "code": n.code,
            "title": n.node.title,
            "kind": n.node.kind.value,
            "rule": n.node.rule.kind if n.node.rule else None,
            "max_points": str(n.node.max_points),
            "provisional": n.provisional,
            "parent": n.parent,
            "depth": n.depth,
        }
        for n in compiled.nodes.values()
    ]


def set_summary(criteria: CriteriaSet, lang: str) -> Table:
    """One row per area: maximum, number of nodes, points resting on provisional values."""
    compiled = criteria.compiled
    table = Table(
        title=f"{escape(criteria.title)}\n[dim]{escape(criteria.id)} · "
        f"{escape(criteria.province)} · {criteria.year} · "
        f"{escape(labels('level', criteria.levels, lang))}[/dim]",
        title_justify="left",
    )
    for header in (
        text("Mã", "Code", lang),
        text("Lĩnh vực", "Area", lang),
        text("Điểm tối đa", "Max points", lang),
        text("Số nút", "Nodes", lang),
        text("Tạm tính", "Provisional", lang),
    ):
        words_column = header in ("Mã", "Code", "Lĩnh vực", "Area")
        table.add_column(header, justify="left" if words_column else "right")
    for area in criteria.nodes:
        table.add_row(
            escape(area.code),
            escape(area.title),
            format_decimal(area.max_points),
            str(len(list(area.walk()))),
            format_decimal(compiled.provisional_points(area.code)),
        )
    table.add_row(
        "",
        "[bold]" + text("TỔNG ĐIỂM", "TOTAL", lang) + "[/bold]",
        f"[bold]{format_decimal(criteria.total_max)}[/bold]",
        str(len(compiled.nodes)),
        format_decimal(compiled.provisional_points()),
    )
    return table


def markup(pieces: Sequence[Piece]) -> str:
    """Rich markup of a line's pieces (every text escaped)."""
    return "".join(f"[{style}]{escape(t)}[/]" if style else escape(t) for t, style in pieces)


def render_tree(report: ScoreReport, language: str = "vi") -> Tree:
    """The breakdown as a rich tree: code, title, points/max, explanation.

    The lines are :mod:`parindex.cli_tree`'s, which also lays them out without rich.
    """
    return rich_tree(score_head(report, language), node_lines(report, language))


def rich_tree(head: Sequence[Piece], nodes: Sequence[NodeLine]) -> Tree:
    """A rich tree of these lines (nodes in tree order, each after its parent)."""
    tree = Tree(markup(head))
    branches: dict[str | None, Tree] = {None: tree}
    for node in nodes:
        branches[node.code] = branches[node.parent].add(
            markup(node.pieces), style=node.style or None
        )
    return tree


def print_scores(
    out: Console, reports: Sequence[ScoreReport], summary: bool, language: str
) -> None:
    """Units' trees (or, with ``summary``, totals lines) and the totals table, with rich."""
    for report in reports:
        if summary and len(reports) > 1:
            break  # the totals table below says it all, one row a unit
        if summary:
            out.print(
                f"[bold]{escape(report.unit.name)}[/bold]: " + escape(report.summary_line(language))
            )
            continue
        out.print(render_tree(report, language))
        for line in score_tail(report, language):
            out.print(markup(line))
    if not summary:
        out.print(markup(provisional_note(language)))
    if len(reports) > 1:
        out.print(totals_table(reports, language))


def _totals_header(language: str) -> list[str]:
    return (
        ["Unit", "Level", "Total", "Max", "Index (%)", "Band", "Undetermined", "Provisional"]
        if language == "en"
        else [
            "Đơn vị",
            "Cấp",
            "Tổng điểm",
            "Tối đa",
            "Chỉ số (%)",
            "Xếp loại",
            "Chưa xác định",
            "Tạm tính",
        ]
    )


def totals_rows(reports: Sequence[ScoreReport], language: str = "vi") -> list[list[Any]]:
    """One row per unit, highest index first (machine values: decimals with a point)."""
    ordered = sorted(reports, key=lambda r: (r.index is None, -(r.index or 0), r.unit.name))
    return [
        [
            report.unit.name,
            label("level", report.unit.level, language),
            report.total,
            report.max_points,
            None if report.index is None else report.index.quantize(Decimal("0.01")),
            report.band,
            report.undetermined_points,
            report.provisional_points,
        ]
        for report in ordered
    ]


def name_column(table: Table, header: str, width: int = 14) -> None:
    """A column of names: wraps on words, at least ``width`` wide (80-column terminals)."""
    table.add_column(header, justify="left", min_width=width, overflow="fold")


def figure_column(table: Table, header: str) -> None:
    """A column of figures: a figure never wraps; its header breaks after its first word."""
    table.add_column(header.replace(" ", "\n", 1), justify="right", no_wrap=True)


def totals_table(reports: Sequence[ScoreReport], language: str = "vi") -> Table:
    """Ranking-ready totals: one row per unit, highest index first."""
    rows = totals_rows(reports, language)
    levels = {row[1] for row in rows}
    title = text("Tổng hợp kết quả", "Totals", language)
    if len(levels) == 1:  # one level: said once in the title, the names get the width
        title += f" — {next(iter(levels))}"
    table = Table(title=escape(title), title_justify="left")
    header = _totals_header(language)
    for column in header:
        if column == header[1] and len(levels) == 1:
            continue
        if column in header[:2]:
            name_column(table, column, 12 if column == header[0] else 8)
        else:  # "Undetermined", one word over figures of four, cut the table at 80 columns
            figure_column(table, "Pending" if column == "Undetermined" else column)
    for name, level, total, top, index, band, undetermined, provisional in rows:
        table.add_row(
            escape(str(name)),
            *([escape(level)] if len(levels) > 1 else []),
            format_points(total),
            format_points(top),
            "?" if index is None else format_decimal(index, 2),
            escape(band_label(band, language) if band else words(language)["none"]),
            format_points(undetermined),
            format_points(provisional),
        )
    return table


def totals_header(language: str) -> list[str]:
    return _totals_header(language)


def _points_percent(points: Decimal | None, percent: Decimal | None) -> str:
    if points is None:
        return "—"
    shown = format_points(points)  # the percentage under it: the area titles keep the width
    return f"{shown}\n({format_decimal(percent, 2)}%)" if percent is not None else shown


def review_tables(result: Review, lang: str, show_all: bool) -> tuple[Table, int, Table]:
    """The findings (info hidden unless ``show_all``), how many hidden, the area summary."""
    from parindex.review import Severity

    findings = [f for f in result.sorted_findings() if show_all or f.severity != Severity.INFO]
    table = Table(
        title=f"{text('Thẩm định', 'Review', lang)}: {escape(result.unit_name)} ({result.year})",
        title_justify="left",
    )
    for column in text("Mức|Loại|Mã|Nội dung", "Severity|Finding|Criterion|Detail", lang).split(
        "|"
    ):
        table.add_column(column, overflow="fold")
    colours = {Severity.ERROR: "red", Severity.WARNING: "yellow", Severity.INFO: "cyan"}
    for finding in findings:
        message = finding.message_en if lang == "en" else finding.message
        table.add_row(
            f"[{colours[finding.severity]}]{label('severity', finding.severity, lang)}[/]",
            label("finding", finding.code, lang),
            escape(finding.criterion),
            escape(message.split(": ", 1)[-1]),
        )
    summary = Table(
        title=text("Tự chấm / theo quy tắc / thẩm định", "Self / computed / appraised", lang),
        title_justify="left",
    )
    headers = text(
        "|Lĩnh vực|Tối đa|Tự chấm|Quy tắc|Thẩm định", "|Area|Max|Self|Computed|Appraised", lang
    ).split("|")
    for index, column in enumerate(headers):
        summary.add_column(column, justify="left" if index < 2 else "right")
    for area in result.summary:
        total = area.code == TOTAL_ROW  # its name only: "TỔNG" beside "TỔNG ĐIỂM" said it twice
        summary.add_row(
            "" if total else escape(area.code),
            label("form", "total", lang) if total else escape(area.title),
            format_points(area.max_points),
            _points_percent(area.self_score, area.self_percent),
            _points_percent(area.computed_score, area.computed_percent),
            _points_percent(area.appraised_score, area.appraised_percent),
        )
    return table, len(result.findings) - len(findings), summary


def _json_value(value: Any) -> Any:
    """Missing as ``None``, numpy scalars as Python ones; decimals stay exact."""
    import pandas as pd

    if value is None or value is pd.NA:
        return None
    if hasattr(value, "item"):  # numpy scalars
        return value.item()
    return value


def records(table: Any) -> list[dict[str, Any]]:
    """A DataFrame's rows as JSON-ready dicts."""
    return [{k: _json_value(v) for k, v in row.items()} for row in table.to_dict(orient="records")]


def ranking_tables(table: Any, criteria: CriteriaSet, lang: str = "vi") -> list[Table]:
    """Per ranking group: the ranked table, then the area sub-indices (%) of its units."""
    areas = list(criteria.compiled.children.get(None, ()))
    tables = []
    for group, members in table.groupby("group", sort=False):
        rows = records(members)
        name = escape(label("level", group, lang))
        ranked = Table(
            title=text(
                f"Xếp hạng: {name} ({len(rows)} đơn vị)",
                f"Ranking: {name} ({len(rows)} units)",
                lang,
            ),
            title_justify="left",
            caption=text(
                "DỮ LIỆU TỔNG HỢP — không phải số liệu thật",
                "SYNTHETIC DATA — not real figures",
                lang,
            )
            if any(row["synthetic"] for row in rows)
            else None,
            caption_justify="left",
        )
        headers = text(
            "Hạng|Đơn vị|Tổng điểm|Tối đa|Chỉ số (%)|Xếp loại|Đủ số liệu",
            "Rank|Unit|Total|Max|Index (%)|Band|Complete",
            lang,
        ).split("|")
        for index, header in enumerate(headers):
            if index == 1:
                name_column(ranked, header)
            else:
                figure_column(ranked, header)
        by_area = Table(
            title=text(
                f"Chỉ số thành phần theo lĩnh vực (%), cột là mã lĩnh vực — {name}",
                f"Area sub-indices (%), one column per area code — {name}",
                lang,
            ),
            title_justify="left",
            box=box.SIMPLE_HEAD,  # eight areas of figures fit in 80 columns without rules
            padding=(0, 1, 0, 0),
        )
        name_column(by_area, text("Đơn vị", "Unit", lang), 13)
        for code in areas:  # the title says these are areas; a code fits above its figure
            figure_column(by_area, code)
        for row in rows:
            ranked.add_row(
                "–" if row["rank"] is None else str(row["rank"]),
                escape(str(row["name"])),
                format_points(row["total"]),
                format_points(row["max_points"]),
                "?" if row["index"] is None else format_decimal(row["index"], 2),
                escape(band_label(row["band"], lang) if row["band"] else words(lang)["none"]),
                text("có", "yes", lang) if row["complete"] else text("chưa", "no", lang),
            )
            by_area.add_row(
                escape(str(row["name"])),
                *(
                    "–" if row[f"area:{c}"] is None else format_decimal(row[f"area:{c}"], 2)
                    for c in areas
                ),
            )
        tables += [ranked, by_area]
    return tables

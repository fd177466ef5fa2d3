"""A province's results as one self-contained HTML file: opens offline, from a USB stick.

The province page (ranking per group on the final index, classes, movement, charts,
heat map of area sub-indices, units to look at) is written as HTML here, so it reads
and prints without JavaScript. Unit pages are drawn by the inlined script from one JSON
block (:func:`page_data`): each unit's tree with points and maximum per node, each
leaf's rule in words, inputs used, evidence, missing inputs, review findings and self /
computed / appraised points. Numbers are formatted here from exact decimals; the script
never computes a point. Text from submissions reaches the page only escaped (here) or as
``textContent`` (in the script).
"""

from __future__ import annotations

import json
from decimal import Decimal
from html import escape
from importlib import resources
from typing import Any

from parindex.messages import TOTAL_ROW, band, label, said
from parindex.numbers import format_decimal
from parindex.report import STATUS_VI, ScoreReport, Status, format_points
from parindex.report_words import group_label, words
from parindex.results import ProvinceResults, UnitRow
from parindex.review import SEVERITY_VI, Review, Severity

__all__ = ["page_data", "render_html", "write_html"]

_STATUS_EN = {s: s.value.replace("_", " ") for s in Status}
_SEVERITY_EN = {s: s.value for s in Severity}


def _pct(value: Decimal | None) -> str:
    return "–" if value is None else format_decimal(value, 2)


def _asset(name: str) -> str:
    return resources.files("parindex").joinpath("assets", name).read_text(encoding="utf-8")


class _Strings:
    """A table of the distinct texts of the page: units share their repeated explanations."""

    def __init__(self) -> None:
        self.table: list[str] = []
        self.index: dict[str, int] = {}

    def __call__(self, text: str) -> int:
        found = self.index.get(text)
        if found is None:
            found = self.index[text] = len(self.table)
            self.table.append(text)
        return found


_STATUSES = list(Status)
_STATUS_INDEX = {s: i for i, s in enumerate(_STATUSES)}


def _trimmed(entry: list[Any]) -> list[Any]:
    """An entry without its trailing empty fields (the script reads a missing field as empty)."""
    while entry and entry[-1] in ("", [], None):
        entry.pop()
    return entry


def _unit_data(
    result: Review,
    row: UnitRow,
    strings: _Strings,
    en: bool,
    inputs: dict[str, int],
    compiled_order: dict[str, int],
) -> dict[str, Any]:
    """One unit, compactly: nodes and input values as arrays in the set's order, texts interned.

    A node entry is ``[points, max (empty when the declared one), status, self, appraised,
    explanation, evidence ids, missing inputs, expected evidence missing, findings]``.
    """
    report: ScoreReport = result.report
    findings: dict[str, list[int]] = {}
    listed = []
    for i, finding in enumerate(result.sorted_findings()):
        findings.setdefault(finding.criterion, []).append(i)
        message = finding.message_en if en else finding.message
        listed.append([finding.severity.value, finding.criterion, strings(message)])
    nodes: list[Any] = [None] * len(compiled_order)
    values: list[str | None] = [None] * len(inputs)
    for node in report.nodes:
        for used in node.inputs:
            if used.name in inputs:
                values[inputs[used.name]] = used.display
        shown_max = "" if node.max_points == node.declared_max else format_points(node.max_points)
        nodes[compiled_order[node.code]] = _trimmed(
            [
                format_points(node.points) if node.points is not None else "",
                shown_max,
                _STATUS_INDEX[node.status],
                format_points(result.node_self[node.code]) if node.code in result.node_self else "",
                format_points(result.node_appraised[node.code])
                if node.code in result.node_appraised
                else "",
                strings(node.explanation_en if en else node.explanation),
                node.evidence,
                [inputs.get(m, m) for m in node.missing],
                [strings(e) for e in node.evidence_expected] if node.evidence_missing else [],
                findings.get(node.code, []),
            ]
        )
    return {
        "id": row.unit,
        "name": row.name,
        "group": group_label(row.group, "en" if en else "vi"),
        "rank": row.rank,
        "total": format_points(row.total),
        "max": format_points(row.max_points),
        "index": _pct(row.index),
        "band": band(row.band, "en" if en else "vi") if row.band else "",
        "basis": row.basis,
        "self": _pct(result.self_index),
        "computed": _pct(result.computed_index),
        "appraised": _pct(result.appraised_index),
        "provisional": format_points(row.provisional_points_scored),
        "undetermined": format_points(row.undetermined_points) if row.undetermined_points else "",
        "areas": [
            [
                label("form", "total", "en" if en else "vi") if s.code == TOTAL_ROW else s.code,
                format_points(s.max_points),
                format_points(s.self_score),
                "" if s.computed_score is None else format_points(s.computed_score),
                "" if s.appraised_score is None else format_points(s.appraised_score),
            ]
            for s in result.summary
        ],
        "nodes": nodes,
        "values": values,
        "documents": {d.id: d.describe() for d in report.documents},
        "findings": listed,
        "synthetic": row.synthetic,
    }


def page_data(results: ProvinceResults, language: str = "vi") -> dict[str, Any]:
    """Everything the unit pages show, as JSON-ready data (texts interned once)."""
    en = language == "en"
    compiled = results.criteria.compiled
    strings = _Strings()
    names = [i.name for i in results.criteria.inputs] + [f.name for f in results.criteria.facts]
    labels = {i.name: i.label for i in results.criteria.inputs}
    labels.update({f.name: f.label for f in results.criteria.facts})
    inputs = {name: i for i, name in enumerate(names)}
    nodes = []
    for code, node in compiled.nodes.items():
        rule_text = (node.node.rule.text if node.node.rule else None) or ""
        nodes.append(
            [
                code,
                node.parent,
                node.depth,
                node.node.title,
                format_points(node.node.max_points),
                strings(rule_text) if rule_text else -1,
                [inputs[n] for n in sorted(node.inputs) if n in inputs]
                if node.node.is_leaf
                else [],
                node.provisional,
            ]
        )
    order = {code: i for i, code in enumerate(compiled.nodes)}
    units = [
        _unit_data(results.reviews[row.unit], row, strings, en, inputs, order)
        for row in results.rows
    ]
    statuses = [(_STATUS_EN if en else STATUS_VI)[s] for s in _STATUSES]
    severities = {s.value: (_SEVERITY_EN if en else SEVERITY_VI)[s] for s in Severity}
    return {
        "lang": "en" if en else "vi",
        "words": words(language),
        "statuses": statuses,
        "statusCodes": [s.value for s in _STATUSES],
        "severities": severities,
        "labels": [labels.get(n, n) for n in names],
        "nodes": nodes,
        "strings": strings.table,
        "units": units,
    }


def _script_json(data: object) -> str:
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    # Inside <script>, "</" could close the element; U+2028/9 end lines in old engines.
    return text.replace("</", "<\\/").replace("\u2028", "\\u2028").replace("\u2029", "\\u2029")


def _heat(value: Decimal | None) -> str:
    """A cell's style on a light-to-dark blue scale, with text that keeps its contrast."""
    if value is None:
        return ""
    share = max(0.0, min(1.0, float(value) / 100))
    red, green, blue = (
        int(a + (b - a) * share) for a, b in zip((247, 251, 255), (8, 69, 148), strict=True)
    )
    ink = "#fff" if share > 0.55 else "#111"
    return f' style="background:rgb({red},{green},{blue});color:{ink}"'


def _movement(row: UnitRow, text: dict[str, str]) -> str:
    if row.previous_index is None:
        return ""
    change = row.change
    shown = "" if change is None else ("+" if change > 0 else "") + format_decimal(change, 2)
    if row.previous_rank is None or row.rank is None:
        return shown
    step = row.previous_rank - row.rank
    if step > 0:
        moved = text["movement_up"].format(n=step)
    elif step < 0:
        moved = text["movement_down"].format(n=-step)
    else:
        moved = text["movement_same"]
    arrow = "▲" if step > 0 else "▼" if step < 0 else "="
    return f'<span aria-hidden="true">{arrow}</span> {escape(moved)} ({shown})'


def _flags(row: UnitRow, text: dict[str, str]) -> list[str]:
    flags = []
    if row.undetermined_points:
        flags.append(text["undetermined"].format(points=format_points(row.undetermined_points)))
    if row.basis != "appraised":
        flags.append(text["not_appraised"])
    return flags


def _ranking_table(
    group: str, rows: list[UnitRow], text: dict[str, str], movement: bool, language: str
) -> str:
    head = ["rank", "unit", "total", "max", "index", "class", "basis"]
    head += ["change"] if movement else []
    head += ["flags"]
    cells = "".join(f'<th scope="col">{escape(text[h])}</th>' for h in head)
    body = []
    for row in rows:
        basis = text["appraised"] if row.basis == "appraised" else text["computed"]
        parts = [
            f'<td class="n">{"–" if row.rank is None else row.rank}</td>',
            f'<th scope="row"><a href="#u={escape(row.unit)}">{escape(row.name)}</a></th>',
            f'<td class="n">{format_points(row.total)}</td>',
            f'<td class="n">{format_points(row.max_points)}</td>',
            f'<td class="n"><b>{_pct(row.index)}</b></td>',
            f"<td>{escape(band(row.band, language) if row.band else text['none'])}</td>",
            f"<td>{escape(basis)}</td>",
        ]
        if movement:
            parts.append(f"<td>{_movement(row, text)}</td>")
        parts.append(f"<td>{escape('; '.join(_flags(row, text)))}</td>")
        search = escape(f"{row.unit} {row.name}".lower())
        body.append(f'<tr data-search="{search}">{"".join(parts)}</tr>')
    caption = escape(text["ranking"].format(group=group))
    return (
        f'<table class="rank filterable"><caption>{caption} — '
        f"{escape(text['units_count'].format(n=len(rows)))}</caption>"
        f"<thead><tr>{cells}</tr></thead><tbody>{''.join(body)}</tbody></table>"
    )


def _heat_table(results: ProvinceResults, text: dict[str, str]) -> str:
    compiled = results.criteria.compiled
    head = "".join(
        f'<th scope="col" title="{escape(compiled.nodes[a].node.title)}">{escape(a)}</th>'
        for a in results.areas
    )
    rows = []
    for row in results.rows:
        cells = "".join(
            f'<td class="n"{_heat(row.areas.get(a))}>{_pct(row.areas.get(a))}</td>'
            for a in results.areas
        )
        search = escape(f"{row.unit} {row.name}".lower())
        rows.append(
            f'<tr data-search="{search}"><th scope="row"><a href="#u={escape(row.unit)}">'
            f"{escape(row.name)}</a></th>{cells}</tr>"
        )
    legend = " · ".join(
        f"{escape(a)}: {escape(compiled.nodes[a].node.title)}" for a in results.areas
    )
    return (
        f'<table class="heat filterable"><caption>{escape(text["heatmap"])}</caption>'
        f'<thead><tr><th scope="col">{escape(text["unit"])}</th>{head}</tr></thead>'
        f'<tbody>{"".join(rows)}</tbody></table><p class="legend">{legend}</p>'
    )


def _figure(svg: str, caption: str) -> str:
    return f'<figure role="group" aria-label="{escape(caption)}">{svg}<figcaption>{escape(caption)}</figcaption></figure>'


def _charts(results: ProvinceResults, language: str, text: dict[str, str]) -> str:
    from parindex import charts

    parts = [
        _figure(charts.svg(charts.distribution(results, language)), text["distribution"]),
        _figure(charts.svg(charts.area_means(results, language)), text["areas"]),
    ]
    if any(r.previous_index is not None for r in results.rows):
        caption = text["yoy"].format(old=results.previous_year, new=results.year)
        parts.append(_figure(charts.svg(charts.year_over_year(results, language)), caption))
    return "".join(parts)


def _summary(results: ProvinceResults, text: dict[str, str], en: bool) -> str:
    appraised = sum(r.basis == "appraised" for r in results.rows)
    undetermined = [r for r in results.rows if r.undetermined_points]
    scored_provisional = [r.provisional_points_scored for r in results.rows]
    lines = [
        text["units_count"].format(n=len(results.rows))
        + (
            f" — {appraised} {text['appraised']}, {len(results.rows) - appraised} "
            f"{text['not_appraised']}"
        ),
        text["provisional_note"].format(
            points=format_points(results.provisional_max),
            max=format_points(results.criteria.total_max),
        ),
    ]
    if scored_provisional:
        lines.append(
            (
                "Points scored on provisional values per unit: "
                if en
                else "Điểm đạt dựa trên giá trị tạm tính của mỗi đơn vị: "
            )
            + f"{format_points(min(scored_provisional))} – {format_points(max(scored_provisional))}"
        )
    if undetermined:
        lines.append(
            ("Units with undetermined points: " if en else "Đơn vị còn điểm chưa xác định: ")
            + str(len(undetermined))
        )
    return "".join(f"<li>{escape(line)}</li>" for line in lines)


def _skipped(results: ProvinceResults, text: dict[str, str], en: bool) -> str:
    if not results.skipped:
        return ""
    items = "".join(f"<li>{escape(said(p, 'en' if en else 'vi'))}</li>" for p in results.skipped)
    return f'<section aria-labelledby="skipped"><h2 id="skipped">{escape(text["skipped"])}</h2><ul>{items}</ul></section>'


def render_html(results: ProvinceResults, language: str = "vi") -> str:
    """The whole page: province results, unit pages drawn from inlined data, no network."""
    from parindex import charts

    en = language == "en"
    text = words(language)
    criteria = results.criteria
    title = (
        f"Results of the PAR INDEX {results.year}"
        if en
        else f"Kết quả Chỉ số cải cách hành chính năm {results.year}"
    )
    movement = any(r.previous_index is not None for r in results.rows)
    groups = []
    for group, rows in results.groups().items():
        label = group_label(group, language)
        chart = charts.svg(charts.ranking(results, group, language))
        groups.append(
            f'<section aria-label="{escape(label)}"><h2>{escape(label)}</h2>'
            f"{_ranking_table(label, rows, text, movement, language)}"
            f"{_figure(chart, text['ranking'].format(group=label))}</section>"
        )
    synthetic = any(r.synthetic for r in results.rows)
    banner = f'<p class="banner" role="note">{escape(text["synthetic"])}</p>' if synthetic else ""
    return f"""<!doctype html>
<html lang="{"en" if en else "vi"}"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{escape(title)} — {escape(criteria.province)}</title>
<style>{_asset("report.css")}</style></head>
<body>
<a class="skip" href="#main">{"Skip to content" if en else "Bỏ qua đến nội dung"}</a>
<header><h1>{escape(title)}</h1>
<p>{escape(criteria.province)} · {escape(criteria.title)} ({escape(criteria.id)})</p>{banner}
<div class="tools" role="search"><label for="q">{escape(text["search"])}</label>
<input id="q" type="search" autocomplete="off">
<button type="button" id="print">{escape(text["print"])}</button>
<span id="count" role="status" aria-live="polite"></span></div>
<nav aria-label="{escape(text["province"])}"><a href="#">{escape(text["province"])}</a></nav>
</header>
<main id="main" tabindex="-1">
<div id="province">
<section aria-labelledby="summary"><h2 id="summary">{escape(text["summary"])}</h2>
<ul>{_summary(results, text, en)}</ul></section>
{"".join(groups)}
<section aria-label="charts">{_charts(results, language, text)}</section>
<section aria-label="{escape(text["heatmap"])}">{_heat_table(results, text)}</section>
{_skipped(results, text, en)}
</div>
<div id="unit" hidden></div>
</main>
<script type="application/json" id="data">{_script_json(page_data(results, language))}</script>
<script>{_asset("report.js")}</script>
</body></html>
"""


def write_html(results: ProvinceResults, path: str, language: str = "vi") -> None:
    """Write the page to ``path`` (UTF-8)."""
    from pathlib import Path

    Path(path).write_text(render_html(results, language), encoding="utf-8")

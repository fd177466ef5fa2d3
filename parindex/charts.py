"""One plotting layer for the HTML page, the Word report and notebooks: matplotlib figures.

Why matplotlib: one figure renders to SVG for the offline page (text kept as text, so
it is small, searchable and sharp when printed; no JavaScript library, no CDN), to PNG
for Word (python-docx embeds pictures, not SVG), and inline in Jupyter, where pandas'
``plot()`` already uses it. The figures use the object API (:class:`~matplotlib.figure.Figure`,
no pyplot state) so they are safe in a library and in threads.

Every chart takes a :class:`~parindex.results.ProvinceResults` (or its rows): ranking bars
with class lines, the distribution with class bands, area sub-indices, year over year.
Colours follow the Okabe–Ito palette (readable with colour-blindness); every bar also
carries its class in the legend, never by colour alone.
"""

from __future__ import annotations

import io
import re
from collections.abc import Sequence
from decimal import Decimal
from typing import TYPE_CHECKING

from parindex.messages import band
from parindex.notebook import short
from parindex.numbers import format_decimal
from parindex.report_words import group_label, words

if TYPE_CHECKING:
    from matplotlib.figure import Figure

    from parindex.results import ProvinceResults, UnitRow

__all__ = ["area_means", "distribution", "png", "ranking", "svg", "year_over_year"]

_PALETTE = ("#009E73", "#56B4E9", "#E69F00", "#D55E00", "#CC79A7", "#0072B2", "#F0E442")
_NONE = "#9A9A9A"
_NAMED_BARS = 60
"""A ranking chart names each bar up to this many units; beyond, it shows rank numbers."""


def _figure(width: float, height: float) -> Figure:
    from matplotlib.figure import Figure

    figure = Figure(figsize=(width, height), layout="constrained")
    return figure


def svg(figure: Figure) -> str:
    """The figure as an SVG element (text kept as text, no XML prolog) for inlining in HTML."""
    import matplotlib

    buffer = io.StringIO()
    with matplotlib.rc_context({"svg.fonttype": "none", "svg.hashsalt": "parindex"}):
        figure.savefig(buffer, format="svg", metadata={"Date": None})
    text = buffer.getvalue()
    # The RDF metadata block only names namespaces; the page does not need it.
    return re.sub(r"\s*<metadata>.*?</metadata>", "", text[text.index("<svg") :], flags=re.S)


def png(figure: Figure, dpi: int = 150) -> bytes:
    """The figure as PNG bytes (for Word)."""
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=dpi)
    return buffer.getvalue()


def _band_colours(results: ProvinceResults, level: str | None) -> dict[str, str]:
    bands = results.criteria.compiled.bands_for(level)
    return {label: _PALETTE[i % len(_PALETTE)] for i, (label, _) in enumerate(bands)}


def _edges(results: ProvinceResults, level: str | None) -> list[tuple[str, Decimal]]:
    """Each band's lower edge (where it has one), for lines and spans."""
    return [
        (label, interval.low)
        for label, interval in results.criteria.compiled.bands_for(level)
        if interval.low is not None
    ]


def ranking(results: ProvinceResults, group: str | None = None, language: str = "vi") -> Figure:
    """Horizontal bars of one group's final indices, best at the top, with class lines."""
    text = words(language)
    groups = results.groups()
    name = group if group is not None else next(iter(groups), "")
    rows = [r for r in groups.get(name, []) if r.index is not None]
    level = rows[0].level if rows else None
    colours = _band_colours(results, level)
    named = len(rows) <= _NAMED_BARS
    height = 0.24 * len(rows) if named else min(0.05 * len(rows), 14.0)
    figure = _figure(8, max(2.2, height + 1.2))
    axes = figure.add_subplot()
    positions = list(range(len(rows)))[::-1]
    axes.barh(
        positions,
        [float(r.index or 0) for r in rows],
        color=[colours.get(r.band or "", _NONE) for r in rows],
        hatch=["//" if r.basis == "appraised" else "" for r in rows],
        edgecolor="white",
        linewidth=0.4,
    )
    if named:
        axes.set_yticks(
            positions, [f"{r.rank}. {r.name}" for r in rows], fontsize=7 if len(rows) > 30 else 9
        )
    else:
        # Hundreds of names in one chart are unreadable and cost seconds of text layout: the
        # bars carry rank numbers, the ranking table beside the chart carries the names.
        step = max(1, len(rows) // 20)
        shown = list(range(0, len(rows), step))
        axes.set_yticks([positions[i] for i in shown], [str(rows[i].rank) for i in shown])
        axes.set_ylabel(text["rank"])
    edges = _edges(results, level)
    for _, low in edges:
        axes.axvline(float(low), color="#333333", linestyle="--", linewidth=0.8)
    top = axes.secondary_xaxis("top")
    top.set_xticks(
        [float(low) for _, low in edges], [band(label, language) for label, _ in edges], fontsize=7
    )
    axes.set_xlim(0, 100)
    axes.set_xlabel(text["index"])
    axes.set_title(
        text["ranking"].format(group=group_label(name, language)),
        loc="left",
        fontsize=11,
        pad=14,
    )
    _legend(figure, colours, text, language, appraised=any(r.basis == "appraised" for r in rows))
    return figure


def _legend(
    figure: Figure, colours: dict[str, str], text: dict[str, str], language: str, appraised: bool
) -> None:
    """The classes' colours, named in ``language`` (:func:`~parindex.messages.band`)."""
    from matplotlib.patches import Patch

    handles = [Patch(color=c, label=band(label, language)) for label, c in colours.items()]
    handles.append(Patch(color=_NONE, label=text["none"]))
    if appraised:
        handles.append(
            Patch(facecolor="white", edgecolor="#333333", hatch="//", label=text["appraised"])
        )
    figure.legend(handles=handles, fontsize=8, loc="outside lower center", ncol=len(handles))


def distribution(results: ProvinceResults, language: str = "vi") -> Figure:
    """A histogram of final indices (2,5-point bins) over shaded class bands."""
    from matplotlib.ticker import MaxNLocator

    text = words(language)
    rows = [r for r in results.rows if r.index is not None]
    level = rows[0].level if rows else None
    colours = _band_colours(results, level)
    figure = _figure(8, 3.2)
    axes = figure.add_subplot()
    bands = results.criteria.compiled.bands_for(level)
    for label, interval in bands:
        low = float(interval.low) if interval.low is not None else 0.0
        high = float(interval.high) if interval.high is not None else 100.0
        axes.axvspan(low, high, color=colours[label], alpha=0.18, linewidth=0)
        axes.annotate(
            band(label, language),
            ((low + high) / 2, 1.0),
            xycoords=("data", "axes fraction"),
            ha="center",
            va="top",
            fontsize=8,
        )
    bins = [i * 2.5 for i in range(41)]
    axes.hist([float(r.index or 0) for r in rows], bins=bins, color="#0072B2", edgecolor="white")
    axes.set_xlim(0, 100)
    axes.set_xlabel(text["index"])
    axes.set_ylabel(text["units"])
    axes.yaxis.set_major_locator(MaxNLocator(integer=True))
    axes.set_title(text["distribution"], loc="left", fontsize=11)
    return figure


def _mean(values: Sequence[Decimal]) -> Decimal | None:
    if not values:
        return None
    return sum(values, Decimal(0)) / len(values)


def area_means(results: ProvinceResults, language: str = "vi") -> Figure:
    """Each area's mean sub-index over the units it applies to (exact mean, then drawn)."""
    text = words(language)
    areas = results.areas
    means = [_mean([v for r in results.rows if (v := r.areas.get(a)) is not None]) for a in areas]
    figure = _figure(8, 0.34 * len(areas) + 1.0)
    axes = figure.add_subplot()
    compiled = results.criteria.compiled
    positions = list(range(len(areas)))[::-1]
    axes.barh(positions, [float(m or 0) for m in means], color="#0072B2")
    for y, m in zip(positions, means, strict=True):
        if m is not None:
            shown = format_decimal(m.quantize(Decimal("0.1")))
            axes.annotate(
                shown,
                (float(m), y),
                xytext=(3, 0),
                textcoords="offset points",
                va="center",
                fontsize=8,
            )
    labels = [f"{a}. {short(compiled.nodes[a].node.title, 42)}" for a in areas]
    axes.set_yticks(positions, labels, fontsize=8)
    axes.set_xlim(0, 108)
    axes.set_xlabel(text["index"])
    axes.set_title(text["areas"], loc="left", fontsize=11)
    return figure


def year_over_year(results: ProvinceResults, language: str = "vi") -> Figure:
    """Each unit's previous and current index joined by a line (green up, orange down)."""
    text = words(language)
    rows: list[UnitRow] = [
        r for r in results.rows if r.index is not None and r.previous_index is not None
    ]
    figure = _figure(8, max(2.0, 0.26 * len(rows) + 1.2))
    axes = figure.add_subplot()
    for y, row in enumerate(reversed(rows)):
        old, new = float(row.previous_index or 0), float(row.index or 0)
        colour = _PALETTE[0] if new >= old else _PALETTE[3]
        axes.plot([old, new], [y, y], color=colour, linewidth=2)
        axes.plot([old], [y], "o", color="#9A9A9A")
        axes.plot([new], [y], "o", color=colour)
    axes.set_yticks(range(len(rows)), [r.name for r in reversed(rows)], fontsize=8)
    axes.set_xlabel(text["index"])
    old_year = results.previous_year or results.year - 1
    axes.set_title(text["yoy"].format(old=old_year, new=results.year), loc="left", fontsize=11)
    return figure

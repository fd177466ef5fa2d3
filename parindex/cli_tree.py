"""What ``parindex score`` prints for a unit, and a plain-text layout of it without rich.

The content (each line's pieces of text with their styles) is made once, here, and laid
out two ways: :func:`parindex.cli_render.render_tree` gives it to rich (a terminal, with
colours), and :func:`plain_score_text` writes the same characters rich would write to a
file or a pipe: the same tree guides, the same word wrapping (rich's ``divide_line``,
``rstrip_end`` and fold), the same trailing spaces. It does not import rich, which with
its drawing of a 158-node tree was about half of a one-unit ``score`` process.

The plain layout says ``None`` — and the caller prints with rich — whenever it could
differ from rich's: a character whose width in cells is not surely one (combining marks,
wide or zero-width characters, tabs, control characters), text rich could read as an
emoji code (``:name:``), a backslash (escaped markup does not always give it back as
written), or a column too narrow. ``tests/test_cli_tree.py`` compares the
two layouts on generated trees and texts.
"""

from __future__ import annotations

import os
import re
import sys
from collections.abc import Sequence
from itertools import pairwise
from typing import TYPE_CHECKING, NamedTuple

from parindex.messages import FAMILIES, label, text

if TYPE_CHECKING:
    from parindex.report import ScoreReport

__all__ = [
    "NodeLine",
    "Piece",
    "node_lines",
    "plain_output",
    "plain_score_text",
    "plain_text",
    "plain_tree",
    "provisional_note",
    "score_head",
    "score_tail",
]

Piece = tuple[str, str]
"""A run of text and its rich style (``""``: none); ``"\\n"`` in a text starts a line."""


class NodeLine(NamedTuple):
    """One node of the tree: its code, its parent's, its own style and its label."""

    code: str
    parent: str | None
    style: str
    pieces: tuple[Piece, ...]


def score_head(report: ScoreReport, language: str) -> tuple[Piece, ...]:
    """The tree's first line: unit, criteria set, year, and whether the unit is made up."""
    pieces: list[Piece] = [
        (report.unit.name, "bold"),
        (f" — {report.criteria_title} ({report.year})", ""),
    ]
    if report.unit.sample:
        pieces += [(" ", ""), (text("[DỮ LIỆU MẪU]", "[SAMPLE DATA]", language), "magenta")]
    if report.unit.synthetic:
        pieces += [(" ", ""), (text("[ĐƠN VỊ TỔNG HỢP]", "[SYNTHETIC]", language), "magenta")]
    return tuple(pieces)


def node_lines(report: ScoreReport, language: str) -> list[NodeLine]:
    """Each node: code, title, points/max, provisional mark, status, explanation."""
    from parindex.report import Status, format_points

    styles = {
        Status.NOT_APPLICABLE: "dim",
        Status.MISSING_INPUT: "yellow",
        Status.PARTIAL: "yellow",
        Status.ERROR: "red",
        Status.SURVEY: "cyan",
    }
    lines = []
    for node in report.nodes:
        style = styles.get(node.status, "")
        pieces: list[Piece] = [
            (node.code, "bold"),
            (f" {node.title} — ", ""),
            (f"{format_points(node.points)}/{format_points(node.max_points)}", "bold"),
        ]
        if node.provisional:
            pieces += [(" ", ""), ("*", "yellow")]
        if node.status != Status.SCORED:
            status = label("status", node.status, language)
            pieces += [(" ", ""), (f"({status})", style or "default")]
        if node.rule is not None or node.status != Status.SCORED:
            explanation = node.explanation_en if language == "en" else node.explanation
            pieces += [("\n", ""), (explanation, "dim")]
        lines.append(NodeLine(node.code, node.parent, style, tuple(pieces)))
    return lines


def score_tail(report: ScoreReport, language: str) -> list[tuple[Piece, ...]]:
    """The lines after a unit's tree: its totals, the inputs it lacks, a blank line."""
    lines: list[tuple[Piece, ...]] = [((report.summary_line(language), "bold"),)]
    if report.missing_inputs:
        lines.append(((text("Số liệu còn thiếu:", "Missing inputs:", language), ""),))
        for missing in report.missing_inputs:
            name = missing.label
            if missing.name in FAMILIES["builtin_input"]:  # parindex's own, not the set's
                name = label("builtin_input", missing.name, language)
            lines.append(((f"  - {name}: {', '.join(missing.codes)}", ""),))
    lines.append(())
    return lines


def provisional_note(language: str) -> tuple[Piece, ...]:
    """The footnote on the ``*`` mark."""
    note = text(
        "giá trị tạm tính (chưa có nguồn chính thức)",
        "provisional value (no official source)",
        language,
    )
    return (("*", "yellow"), (" " + note, ""))


# --- the plain layout --------------------------------------------------------------------

_WORD = re.compile(r"\s*\S+\s*")  # rich._wrap.re_word
_TRAILING = re.compile(r"\s+$")  # rich.text._re_whitespace
_EMOJI = re.compile(r":\S*:")  # wider than rich's emoji codes: any of them defers
# Characters one cell wide in every Unicode version rich knows: printable ASCII, Latin-1
# and Latin Extended A/B (no soft hyphen), Greek and Cyrillic, Vietnamese letters (Latin
# Extended Additional), punctuation, currency, letterlike symbols, arrows, mathematical
# operators (− ×), box drawing. tests/test_cli_tree.py
# checks each against rich's own cell widths.
_ONE_CELL = frozenset(
    chr(c)
    for low, high in (
        (0x20, 0x7E),
        (0xA0, 0xAC),
        (0xAE, 0x2FF),
        (0x370, 0x482),
        (0x1E00, 0x1EFF),
        (0x2010, 0x2027),
        (0x2030, 0x205E),
        (0x20A0, 0x20C0),
        (0x2100, 0x214F),
        (0x2190, 0x22FF),
        (0x2500, 0x25FC),
    )
    for c in range(low, high + 1)
)
_GUIDES = ("    ", "│   ", "├── ", "└── ")
_MIN_WIDTH = 10
PLAIN_WIDTH = 120
"""The width of piped output (:func:`parindex.cli_support.console`)."""


def plain_output() -> bool:
    """Whether rich would write plain text to stdout (no terminal, no colour)."""
    if sys.platform == "win32":
        return False  # rich's legacy Windows console: its own guides and widths
    encoding = (getattr(sys.stdout, "encoding", None) or "utf-8").lower()
    if not encoding.startswith("utf"):
        return False  # rich draws ASCII guides there
    tty_compatible = os.environ.get("TTY_COMPATIBLE", "")
    if tty_compatible == "0":
        return False  # plain for rich, but a terminal's width: left to rich
    if tty_compatible == "1" or os.environ.get("FORCE_COLOR"):
        return False
    isatty = getattr(sys.stdout, "isatty", None)
    try:
        return isatty is not None and not isatty()
    except ValueError:
        return False


def _plain(pieces: Sequence[Piece]) -> str | None:
    """The pieces' text, or ``None`` if rich might lay it out otherwise."""
    joined = "".join(t for t, _ in pieces)
    if not _ONE_CELL.issuperset(joined.replace("\n", "")) or _EMOJI.search(joined):
        return None
    if "\\" in joined:
        return None  # rich.markup.escape doubles a backslash that ends a text
    return joined


def _wrap(paragraph: str, width: int) -> list[str]:
    """One paragraph in lines of at most ``width`` cells, as rich's ``Text.wrap`` does."""
    breaks: list[int] = []
    offset = 0
    found = _WORD.match(paragraph, 0)
    while found is not None:
        start, end = found.span()
        word = found.group(0)
        length = len(word.rstrip())
        if width - offset >= length:
            offset += len(word)
        elif length > width:  # folded over several lines
            chunks = [word[i : i + width] for i in range(0, len(word), width)]
            for index, chunk in enumerate(chunks):
                if start:
                    breaks.append(start)
                if index == len(chunks) - 1:
                    offset = len(chunk)
                else:
                    start += len(chunk)
        elif offset and start:
            breaks.append(start)
            offset = len(word)
        found = _WORD.match(paragraph, end)
    bounds = [0, *breaks, len(paragraph)]
    lines = []
    for begin, stop in pairwise(bounds):
        line = paragraph[begin:stop]
        if len(line) > width:  # rstrip_end: trailing spaces past the width go
            space = _TRAILING.search(line)
            if space is not None:
                line = line[: len(line) - min(len(space.group(0)), len(line) - width)]
        lines.append(line[:width])
    return lines


def plain_text(pieces: Sequence[Piece], width: int) -> str | None:
    """What ``Console(width=width).print(markup)`` writes for these pieces, or ``None``."""
    joined = _plain(pieces)
    if joined is None:
        return None
    if not joined:
        return "\n"
    return "".join(line + "\n" for p in joined.split("\n") for line in _wrap(p, width))


def plain_tree(head: Sequence[Piece], nodes: Sequence[NodeLine], width: int) -> list[str] | None:
    """The lines rich's ``Tree`` draws for these nodes (in tree order), or ``None``."""
    children: dict[str | None, list[NodeLine]] = {}
    for node in nodes:
        children.setdefault(node.parent, []).append(node)
    first = _plain(head)
    if first is None:
        return None
    out = [line for p in first.split("\n") for line in _wrap(p, width)]

    def draw(parent: str | None, guides: str) -> bool:
        family = children.get(parent, [])
        room = width - len(guides) - 4
        if family and room < _MIN_WIDTH:
            return False
        for index, node in enumerate(family):
            last = index == len(family) - 1
            label = _plain(node.pieces)
            if label is None:
                return False
            lines = [line for p in label.split("\n") for line in _wrap(p, room)]
            fork, below = (_GUIDES[3], _GUIDES[0]) if last else (_GUIDES[2], _GUIDES[1])
            out.append(guides + fork + lines[0])
            out.extend(guides + below + line for line in lines[1:])
            if not draw(node.code, guides + below):
                return False
        return True

    return out if draw(None, "") else None


def plain_score_text(report: ScoreReport, language: str, width: int = PLAIN_WIDTH) -> str | None:
    """All that ``parindex score`` prints for one unit, as plain text, or ``None``."""
    tree = plain_tree(score_head(report, language), node_lines(report, language), width)
    if tree is None:
        return None
    parts = ["".join(line + "\n" for line in tree)]
    for pieces in [*score_tail(report, language), provisional_note(language)]:
        laid = plain_text(pieces, width)
        if laid is None:
            return None
        parts.append(laid)
    return "".join(parts)

"""What ``parindex score`` prints for a unit, and a layout of it without rich.

The content (each line's pieces of text with their styles) is made once, here, and laid
out two ways: :func:`parindex.cli_render.render_tree` gives it to rich, and
:func:`plain_score_text` writes the very characters rich would write — the same tree
guides, word wrapping (rich's ``divide_line``, ``rstrip_end`` and fold), trailing spaces
and, on a terminal, the same escape codes for bold, dim and the standard colours, at the
width rich would choose (:func:`output_layout`). It does not import rich, whose import and
drawing of a 158-node tree were about a quarter of a one-unit ``score`` process.

The layout says ``None`` — and the caller prints with rich — whenever it could differ
from rich's: a character whose width in cells is not surely one (combining marks, wide or
zero-width characters, tabs, control characters), text rich could read as an emoji code
(``:name:``), a backslash (escaped markup does not always give it back as written), an
empty styled run, a column too narrow, Windows, an encoding other than UTF-8, a dumb
terminal or ``NO_COLOR``. ``tests/test_cli_tree.py`` compares the two on generated trees,
texts, widths and environments.
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
    "output_layout",
    "plain_output",
    "plain_score_text",
    "plain_text",
    "plain_tree",
    "print_score",
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


_CODES = {"bold": "1", "dim": "2", "red": "31", "yellow": "33", "magenta": "35", "cyan": "36"}
_CODES["default"] = "39"
Style = tuple[bool, bool, str]
"""Bold, dim, colour code (``""``: none): the styles these lines use, as rich renders them."""
_NULL: Style = (False, False, "")


def _style(name: str) -> Style | None:
    if not name:
        return _NULL
    code = _CODES.get(name)
    if code is None:
        return None
    return (name == "bold", name == "dim", "" if name in ("bold", "dim") else code)


def _add(base: Style, extra: Style) -> Style:
    """rich's ``base + extra``: attributes add up, the later colour wins."""
    return (base[0] or extra[0], base[1] or extra[1], extra[2] or base[2])


def _sgr(text: str, style: Style) -> str:
    codes = ";".join(c for c in ("1" if style[0] else "", "2" if style[1] else "", style[2]) if c)
    return f"\x1b[{codes}m{text}\x1b[0m" if codes else text


def output_layout() -> tuple[int, bool] | None:
    """The width rich would print stdout at and whether in colour (``None``: ask rich).

    Follows :func:`parindex.cli_support.console` (``$COLUMNS``, else 120 when stdout is no
    terminal)
    and rich's own tests of a terminal (``TTY_COMPATIBLE``, ``FORCE_COLOR``, ``isatty``)
    and of its width (``COLUMNS``, else the terminal's size, else 80).
    """
    if sys.platform == "win32":
        return None  # rich's legacy Windows console: its own guides and widths
    encoding = (getattr(sys.stdout, "encoding", None) or "utf-8").lower()
    if not encoding.startswith("utf"):
        return None  # rich draws ASCII guides there
    isatty = getattr(sys.stdout, "isatty", None)
    try:
        tty = isatty is not None and bool(isatty())
    except ValueError:
        return None
    environ = os.environ
    compatible = environ.get("TTY_COMPATIBLE", "")
    force = environ.get("FORCE_COLOR")
    if compatible in ("0", "1"):
        terminal = compatible == "1"
    else:
        terminal = force != "" if force is not None else tty
    if terminal and (
        environ.get("TERM", "").lower() in ("dumb", "unknown") or environ.get("NO_COLOR", "")
    ):
        return None  # rich's dumb terminal or colours taken off: left to rich
    columns = environ.get("COLUMNS")
    width = int(columns) if columns is not None and columns.isdigit() else 0
    if not tty:
        return width or PLAIN_WIDTH, terminal
    if not width:
        for descriptor in (0, 1, 2):
            try:
                width = os.get_terminal_size(descriptor).columns
            except (AttributeError, ValueError, OSError):
                continue
            break
    return (width or 80), terminal


def plain_output() -> bool:
    """Whether rich would write plain text to stdout, 120 columns wide (no terminal)."""
    return output_layout() == (PLAIN_WIDTH, False)


class _Label(NamedTuple):
    """A label's text and its runs: (start, end, style or ``None`` between styled pieces)."""

    text: str
    runs: tuple[tuple[int, int, Style | None], ...]


def _label(pieces: Sequence[Piece], colour: bool) -> _Label | None:
    """The pieces' text and runs, or ``None`` if rich might lay them out otherwise."""
    joined = "".join(t for t, _ in pieces)
    if not _ONE_CELL.issuperset(joined.replace("\n", "")) or _EMOJI.search(joined):
        return None
    if "\\" in joined:
        return None  # rich.markup.escape doubles a backslash that ends a text
    runs: list[tuple[int, int, Style | None]] = []
    offset = 0
    for piece, name in pieces:
        style = _style(name)
        if style is None or (colour and name and not piece):
            return None  # an unknown style; an empty styled run splits rich's segments
        end = offset + len(piece)
        if name:
            runs.append((offset, end, style))
        elif runs and runs[-1][2] is None:
            runs[-1] = (runs[-1][0], end, None)  # unstyled text is one run in rich
        elif piece:
            runs.append((offset, end, None))
        offset = end
    return _Label(joined, tuple(runs))


def _wrap(paragraph: str, width: int) -> list[tuple[int, int]]:
    """One paragraph's lines of at most ``width`` cells (start, end), as rich's ``Text.wrap``."""
    if len(paragraph) <= width:
        return [(0, len(paragraph))]  # every word fits: no break, nothing past the width
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
        size = stop - begin
        if size > width:  # rstrip_end: trailing spaces past the width go
            space = _TRAILING.search(paragraph, begin, stop)
            if space is not None:
                size -= min(len(space.group(0)), size - width)
        lines.append((begin, begin + min(size, width)))
    return lines


def _lines(label: _Label, width: int, base: Style | None) -> list[str]:
    """The label wrapped at ``width``; with ``base``, each run in rich's escape codes."""
    out = []
    start = 0
    for paragraph in label.text.split("\n"):
        for begin, end in _wrap(paragraph, width):
            first, last = start + begin, start + end
            if base is None:
                out.append(label.text[first:last])
                continue
            out.append(
                "".join(
                    _sgr(label.text[max(a, first) : min(b, last)], _add(base, s or _NULL))
                    for a, b, s in label.runs
                    if a < last and b > first
                )
            )
        start += len(paragraph) + 1
    return out


def plain_text(pieces: Sequence[Piece], width: int, colour: bool = False) -> str | None:
    """What ``Console(width=width).print(markup)`` writes for these pieces, or ``None``."""
    label = _label(pieces, colour)
    if label is None:
        return None
    return "".join(line + "\n" for line in _lines(label, width, _NULL if colour else None))


def plain_tree(
    head: Sequence[Piece], nodes: Sequence[NodeLine], width: int, colour: bool = False
) -> list[str] | None:
    """The lines rich's ``Tree`` draws for these nodes (in tree order), or ``None``."""
    children: dict[str | None, list[NodeLine]] = {}
    for node in nodes:
        children.setdefault(node.parent, []).append(node)
    first = _label(head, colour)
    if first is None:
        return None
    out = _lines(first, width, _NULL if colour else None)

    def draw(parent: str | None, guides: str, inherited: Style) -> bool:
        family = children.get(parent, [])
        room = width - len(guides) - 4
        if family and room < _MIN_WIDTH:
            return False
        for index, node in enumerate(family):
            last = index == len(family) - 1
            label = _label(node.pieces, colour)
            own = _style(node.style)
            if label is None or own is None:
                return False
            style = _add(inherited, own)  # rich's Tree adds the ancestors' styles
            lines = _lines(label, room, style if colour else None)
            fork, below = (_GUIDES[3], _GUIDES[0]) if last else (_GUIDES[2], _GUIDES[1])
            out.append(guides + fork + lines[0])
            out.extend(guides + below + line for line in lines[1:])
            if not draw(node.code, guides + below, style):
                return False
        return True

    return out if draw(None, "", _NULL) else None


def plain_score_text(
    report: ScoreReport, language: str, width: int = PLAIN_WIDTH, colour: bool = False
) -> str | None:
    """All that ``parindex score`` prints for one unit, without rich, or ``None``."""
    tree = plain_tree(score_head(report, language), node_lines(report, language), width, colour)
    if tree is None:
        return None
    parts = ["".join(line + "\n" for line in tree)]
    for pieces in [*score_tail(report, language), provisional_note(language)]:
        laid = plain_text(pieces, width, colour)
        if laid is None:
            return None
        parts.append(laid)
    return "".join(parts)


def print_score(report: ScoreReport, language: str) -> bool:
    """Print one unit as ``parindex score`` does, without rich (``False``: use rich)."""
    layout = output_layout()
    if layout is None:
        return False
    laid = plain_score_text(report, language, *layout)
    if laid is None:
        return False
    sys.stdout.write(laid)
    sys.stdout.flush()
    return True

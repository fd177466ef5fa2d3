"""The plain layout of ``parindex score`` writes exactly what rich writes, or defers to it."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st
from rich._unicode_data import VERSIONS
from rich.cells import get_character_cell_size
from rich.console import Console

from parindex import load_criteria, load_submission, score
from parindex.cli_render import markup, render_tree, rich_tree
from parindex.cli_tree import (
    _ONE_CELL,
    PLAIN_WIDTH,
    NodeLine,
    Piece,
    node_lines,
    output_layout,
    plain_output,
    plain_score_text,
    plain_text,
    plain_tree,
    provisional_note,
    score_head,
    score_tail,
)

ROOT = Path(__file__).resolve().parent.parent
STYLES = ["", "bold", "dim", "yellow", "magenta", "default", "cyan"]
# Letters, Vietnamese letters, spaces (also no-break), markup and emoji-like characters,
# punctuation the reports use, and a few that make the plain layout defer.
ALPHABET = "aZ09 ạễđƯ—→−×\u00a0[]/\\:.,()*-" + "\u0301\u4e00\t"


def _rich(renderable: object, width: int, colour: bool = False) -> str:
    out = io.StringIO()
    Console(
        file=out,
        width=width,
        highlight=False,
        soft_wrap=False,
        force_terminal=colour,
        color_system="truecolor" if colour else None,
    ).print(renderable)
    return out.getvalue()


def test_every_character_the_plain_layout_takes_is_one_cell_in_every_unicode_version() -> None:
    for version in VERSIONS:
        wide = [c for c in _ONE_CELL if get_character_cell_size(c, version) != 1]
        assert wide == [], version


texts = st.text(alphabet=ALPHABET, max_size=70) | st.text(alphabet="ab ", max_size=200)
pieces = st.lists(st.tuples(texts | st.just("\n"), st.sampled_from(STYLES)), max_size=6)


@st.composite
def trees(draw: st.DrawFn) -> tuple[tuple[Piece, ...], list[NodeLine]]:
    depths = draw(st.lists(st.integers(1, 6), max_size=25))
    nodes: list[NodeLine] = []
    last_at: dict[int, str] = {}
    depth = 0
    for index, wanted in enumerate(depths):
        depth = min(wanted, depth + 1)
        code = f"n{index}"
        parent = last_at.get(depth - 1) if depth > 1 else None
        style = draw(st.sampled_from(STYLES))
        nodes.append(NodeLine(code, parent, style, tuple(draw(pieces))))
        last_at[depth] = code
    return tuple(draw(pieces)), nodes


@given(trees(), st.integers(16, 130), st.booleans())
def test_a_tree_laid_out_plainly_is_what_rich_draws(
    tree: tuple[tuple[Piece, ...], list[NodeLine]], width: int, colour: bool
) -> None:
    head, nodes = tree
    laid = plain_tree(head, nodes, width, colour)
    if laid is not None:
        drawn = _rich(rich_tree(head, nodes), width, colour)
        assert "".join(line + "\n" for line in laid) == drawn


@given(pieces, st.integers(1, 130), st.booleans())
def test_a_line_laid_out_plainly_is_what_rich_prints(
    line: list[Piece], width: int, colour: bool
) -> None:
    laid = plain_text(line, width, colour)
    if laid is not None:
        assert laid == _rich(markup(line), width, colour)


@given(
    st.lists(st.tuples(st.text(alphabet="ab ạ—\u00a0[]/.", max_size=90), st.sampled_from(STYLES)))
)
def test_plain_text_defers_only_for_what_rich_might_draw_otherwise(line: list[Piece]) -> None:
    assert plain_text(line, 40) is not None  # no colon, tab, wide or combining character


def test_it_defers_for_wide_combining_and_emoji_like_text() -> None:
    for odd in ("\u4e00", "e\u0301", "a\tb", ":smile:", "giờ 10:30:00", "\x1b[1m", "a\\"):
        assert plain_text(((odd, ""),), 80) is None
    assert plain_tree((("đơn vị", ""),), [NodeLine("1", None, "", (("x", ""),))], 13) is None


@pytest.mark.parametrize("unit", sorted((ROOT / "evidence").glob("*.yaml")), ids=lambda p: p.stem)
def test_each_sample_unit_prints_as_rich_prints_it(unit: Path) -> None:
    year = "quangbinh-stnmt-2021" if "2021" in unit.name else "namdinh-stnmt-2023"
    report = score(load_criteria(ROOT / "criteria" / f"{year}.yaml"), load_submission(unit))
    for language, width, colour in (
        ("vi", PLAIN_WIDTH, False),
        ("en", 120, False),
        ("vi", 80, True),
    ):
        laid = plain_score_text(report, language, width, colour)
        assert laid is not None  # the sample units take the plain path
        expected = _rich(render_tree(report, language), width, colour) + "".join(
            _rich(markup(line), width, colour)
            for line in [*score_tail(report, language), provisional_note(language)]
        )
        assert laid == expected
    assert plain_tree(score_head(report, "en"), node_lines(report, "en"), 60, True)


class _Stdout(io.StringIO):
    def __init__(self, tty: bool) -> None:
        super().__init__()
        self.tty = tty

    def isatty(self) -> bool:
        return self.tty


ENVIRONMENTS = [
    {},
    {"FORCE_COLOR": "1"},
    {"FORCE_COLOR": ""},
    {"TTY_COMPATIBLE": "1"},
    {"TTY_COMPATIBLE": "0"},
    {"COLUMNS": "93"},
    {"COLUMNS": "93", "TERM": "xterm-256color"},
    {"COLORTERM": "truecolor", "COLUMNS": "70"},
    {"NO_COLOR": "1"},
    {"TERM": "dumb"},
]


@pytest.mark.parametrize("tty", [False, True])
@pytest.mark.parametrize("environment", ENVIRONMENTS)
def test_the_layout_is_the_one_rich_chooses(
    monkeypatch: pytest.MonkeyPatch, tty: bool, environment: dict[str, str]
) -> None:
    for name in ("FORCE_COLOR", "TTY_COMPATIBLE", "COLUMNS", "TERM", "COLORTERM", "NO_COLOR"):
        monkeypatch.delenv(name, raising=False)
    for name, value in environment.items():
        monkeypatch.setenv(name, value)
    monkeypatch.setattr("sys.stdout", _Stdout(tty))
    from parindex.cli_support import console

    chosen = console()
    layout = output_layout()
    if layout is not None:  # None: rich prints it (a dumb terminal, NO_COLOR)
        assert layout == (chosen.width, chosen.color_system is not None)
    assert plain_output() == (layout == (PLAIN_WIDTH, False))
    assert (layout is None) == bool(
        chosen.is_terminal and (environment.get("NO_COLOR") or environment.get("TERM") == "dumb")
    )


@pytest.mark.parametrize("columns", ["80", "100"])
def test_piped_output_takes_the_width_columns_says(
    monkeypatch: pytest.MonkeyPatch, columns: str
) -> None:
    """Piped (a file, a CI log), tables and trees are 120 columns wide unless ``$COLUMNS``
    says otherwise: ``COLUMNS=80 parindex review … | less`` fits 80 columns."""
    for name in ("FORCE_COLOR", "TTY_COMPATIBLE", "TERM", "COLORTERM", "NO_COLOR"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("COLUMNS", columns)
    monkeypatch.setattr("sys.stdout", _Stdout(False))
    from parindex.cli_support import console

    assert console().width == int(columns)
    assert output_layout() == (int(columns), False)
    monkeypatch.delenv("COLUMNS")
    assert console().width == PLAIN_WIDTH and output_layout() == (PLAIN_WIDTH, False)

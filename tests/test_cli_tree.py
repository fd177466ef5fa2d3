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


def _rich(renderable: object, width: int) -> str:
    out = io.StringIO()
    Console(file=out, width=width, highlight=False, soft_wrap=False).print(renderable)
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


@given(trees(), st.integers(16, 130))
def test_a_tree_laid_out_plainly_is_what_rich_draws(
    tree: tuple[tuple[Piece, ...], list[NodeLine]], width: int
) -> None:
    head, nodes = tree
    laid = plain_tree(head, nodes, width)
    if laid is not None:
        assert "".join(line + "\n" for line in laid) == _rich(rich_tree(head, nodes), width)


@given(pieces, st.integers(1, 130))
def test_a_line_laid_out_plainly_is_what_rich_prints(line: list[Piece], width: int) -> None:
    laid = plain_text(line, width)
    if laid is not None:
        assert laid == _rich(markup(line), width)


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
    for language in ("vi", "en"):
        laid = plain_score_text(report, language)
        assert laid is not None  # the sample units take the plain path
        expected = _rich(render_tree(report, language), PLAIN_WIDTH) + "".join(
            _rich(markup(line), PLAIN_WIDTH)
            for line in [*score_tail(report, language), provisional_note(language)]
        )
        assert laid == expected
        assert plain_tree(score_head(report, language), node_lines(report, language), 80)


def test_plain_output_follows_rich_on_forced_colour(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("sys.stdout", io.StringIO())
    for name in ("FORCE_COLOR", "TTY_COMPATIBLE"):
        monkeypatch.delenv(name, raising=False)
    assert plain_output()
    monkeypatch.setenv("FORCE_COLOR", "1")
    assert not plain_output()
    monkeypatch.delenv("FORCE_COLOR")
    monkeypatch.setenv("TTY_COMPATIBLE", "1")
    assert not plain_output()

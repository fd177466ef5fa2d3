"""How many lines a wrapped text takes in a cell (parindex.excel_style.text_lines)."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from parindex.excel_style import careful_text_lines, column_points, line_points, text_lines


def test_a_word_wraps_after_its_hyphens_as_the_spreadsheet_wraps_it() -> None:
    """The summary's unit-id column (7 units, 10 points) printed 'so-xay-dung-mau' on three
    lines ('so-xay-' / 'dung-' / 'mau') in a row made tall enough for two: the estimate
    cut the id as one word by its characters; it now breaks after each hyphen."""
    room = column_points(7.0)
    assert text_lines("so-xay-dung-mau", room, 10) == 3
    assert text_lines("so-ngoai-vu-mau", room, 10) == 2  # 'so-ngoai-' / 'vu-mau'
    assert text_lines("so-tnmt-mau", room, 10) == 2
    assert text_lines("so-tnmt", room, 10) == 1


def test_words_without_hyphens_wrap_at_spaces_and_paragraphs() -> None:
    room = column_points(10.0)
    assert text_lines("", room, 10) == 1
    assert text_lines("một hai", room, 10) == 1
    assert text_lines("một\nhai", room, 10) == 2
    assert text_lines(" ".join(["Văn"] * 40), room, 10) > 5
    # a piece after a hyphen takes no space before it: 'ab-cd' fits where 'ab cd' fits
    assert text_lines("ab-cd", column_points(2.0), 10) <= text_lines(
        "ab cd", column_points(2.0), 10
    )


@given(
    text=st.text(alphabet=" -\n\t.,;iImMwW—…aăAĐ0123456789xyz", max_size=300),
    width=st.floats(min_value=0.5, max_value=60.0),
    size=st.sampled_from([8, 9, 9.5, 10, 11, 11.5, 12, 13]),
)
def test_text_lines_is_the_careful_count(text: str, width: float, size: float) -> None:
    """The count made a word at a time is the careful count (each paragraph cut into its
    pieces first) for any text: runs of spaces and hyphens, words wider than the column,
    paragraphs, wide and narrow characters."""
    points = column_points(width)
    assert text_lines.__wrapped__(text, points, size) == careful_text_lines(text, points, size)


def test_text_lines_of_long_words_and_hyphens_at_either_end() -> None:
    room = column_points(3.0)
    for text in ("-", "--a", "a--", " -a- ", "W" * 40, "W" * 40 + "-" + "i" * 30, "a  b", "\n\n"):
        assert text_lines.__wrapped__(text, room, 11) == careful_text_lines(text, room, 11)
    exact = 0.28 + 0.25 + 0.28  # two narrow letters and the space between fill the room exactly
    assert text_lines.__wrapped__("i i", exact, 1) == careful_text_lines("i i", exact, 1) == 1
    assert text_lines.__wrapped__("i-i i", exact, 1) == careful_text_lines("i-i i", exact, 1)


def test_a_line_is_as_tall_as_libreoffice_prints_it_with_a_little_to_spare() -> None:
    """The demo's export printed by LibreOffice (``pdftotext -bbox``): 11-point lines 12,19
    points apart, 9-point lines 1,17 em. The detailed rows took 14 points a line, 15 % more."""
    assert 12.19 <= line_points(11) <= 12.19 * 1.07
    assert line_points(9) >= 9 * 1.17

"""How many lines a wrapped text takes in a cell (parindex.excel_style.text_lines)."""

from __future__ import annotations

from parindex.excel_style import column_points, text_lines


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

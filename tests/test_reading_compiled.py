"""Tests for :mod:`parindex.reading_compiled`: the event stream's data, or ``None``.

The property: for any text — block mappings of plain and quoted values broken in every way
the line reader's tests break them, documents dumped by PyYAML, the same damaged — and the
default bounds, :func:`read_compiled` either returns ``None`` or exactly the data the event
stream builds (types and order), and never data where the event stream finds a problem.
"""

from __future__ import annotations

import os
import threading
from types import SimpleNamespace
from typing import Any
from unittest import mock

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from parindex import load_criteria, reading_compiled, synthetic
from parindex.reading import BOUNDS, Bounds, decode, read_lazily
from parindex.reading_compiled import read_compiled
from tests.test_reading_fast import LINES, ROOT, SHIPPED, VALUES, dumped, outcome, shape, soups

KEYS = ["a", "b", "k_1", "1.1", "1.10", "x-y", "p/q", "true", "null", "2023", "3.2", "a b"]
KEYS += ["Mã", "ngày_đến", "'q k'", "'it''s'", "'3.2'", "'a'", "x" * 1001]
PLAIN = ["x", "a b", "Việt  Nam", "Đắk Lắk", "2023", "-5", "0", "-0", "007", "true", "false"]
PLAIN += ["null", "yes", "no", "on", "x:y", "a: b", "a:", "a #c", "a#b", "http://a.b/c", "#"]
PLAIN += ["a # b: c", "1 2", "-x", "o'k", "x ", "9" * 120, "Inf", "nan giải", "- x", "-"]
PLAIN += ["\u00a0x", "x\u00a0", "\u3000y", "2023-01-05", "1.5", "+3", "True", "NULL", "inf"]
QUOTED = ["'s'", "''", "'it''s'", "'a: b # c'", "'open", "close'", "'x' y", "'a'#b", "'2'"]
QUOTED += ["'", "':'", "'2023-01-05'", "'true'", "' x '", "'a\u00a0'"]


@st.composite
def block_lines(draw: st.DrawFn) -> str:
    """Lines of block mappings that the guard lets through, many of them broken."""
    lines = []
    for _ in range(draw(st.integers(1, 14))):
        if draw(st.integers(0, 9)) == 0:
            lines.append(draw(st.sampled_from(["", "   ", "# c", "  # c", " #", "x", " - "])))
            continue
        line = " " * draw(st.sampled_from([0, 0, 0, 1, 2, 2, 2, 3, 4, 4, 6]))
        if draw(st.integers(0, 5)):
            line += draw(st.sampled_from(KEYS)) + draw(st.sampled_from([":", ": ", ":  ", " :"]))
        line += draw(st.sampled_from(["", "", *PLAIN, *QUOTED]))
        line += draw(st.sampled_from(["", "", "", " ", " # note", "#x", "  # n: 1"]))
        lines.append(line)
    return "\n".join(lines) + draw(st.sampled_from(["", "\n", "\n\n"]))


leaves = st.sampled_from(["", *PLAIN, *QUOTED])
trees = st.recursive(
    leaves,
    lambda inner: st.lists(st.tuples(st.sampled_from(KEYS), inner), max_size=5),
    max_leaves=30,
)


@st.composite
def written(draw: st.DrawFn) -> str:
    """A block mapping written by hand: any indent a level, comments and blank lines between,
    values and keys that the guard lets through (a duplicate key now and then)."""
    step = draw(st.integers(1, 4))
    lines: list[str] = []

    def write(pairs: list[tuple[str, Any]], indent: int) -> None:
        for key, value in pairs:
            if draw(st.integers(0, 7)) == 0:
                lines.append(draw(st.sampled_from(["", " " * indent + "# c", "#"])))
            if isinstance(value, list):
                lines.append(" " * indent + key + ":")
                write(value, indent + step)
            else:
                gap = draw(st.sampled_from([" ", " ", "  "])) if value else ""
                tail = draw(st.sampled_from(["", "", " # n", " "]))
                lines.append(" " * indent + key + ":" + gap + value + tail)

    pairs = draw(st.lists(st.tuples(st.sampled_from(KEYS), trees), min_size=1, max_size=6))
    write(pairs, 0)
    return "\n".join(lines) + "\n"


def agree(text: str, bounds: Bounds = BOUNDS) -> bool:
    """The property; returns whether the compiled reader read the text."""
    raw = text.encode("utf-8")
    try:
        decoded = decode(raw)
    except Exception:
        return False  # refused before any parser
    data = read_compiled(decoded, raw, bounds)
    if data is None:
        return False
    careful = outcome(raw, bounds, fast=False)  # the event stream alone
    assert len(careful) == 3, careful  # never data where the events find a problem
    assert shape(data) == careful[0]
    assert shape(read_lazily(raw, "f.yaml", bounds=bounds).data) == careful[0]
    return True


@settings(max_examples=400)
@given(block_lines())
def test_block_lines_read_the_same_or_are_left(text: str) -> None:
    agree(text)


@settings(max_examples=300)
@given(written())
def test_written_mappings_read_the_same_or_are_left(text: str) -> None:
    agree(text)


@settings(max_examples=300)
@given(written(), st.integers(0, 10**6), st.sampled_from([*PLAIN, *QUOTED, *LINES, "\n", " "]))
def test_damaged_mappings_read_the_same_or_are_left(text: str, where: int, token: str) -> None:
    at = where % (len(text) + 1)
    agree(text[:at] + token + text[at:])


@given(soups())
def test_a_soup_of_lines_reads_the_same_or_is_left(text: str) -> None:
    agree(text)


@given(dumped())
def test_dumped_documents_read_the_same_or_are_left(text: str) -> None:
    agree(text)


@given(dumped(), st.integers(0, 10**6), st.sampled_from(VALUES + LINES + ["\n", " ", "  "]))
def test_damaged_documents_read_the_same_or_are_left(text: str, where: int, token: str) -> None:
    at = where % (len(text) + 1)
    agree(text[:at] + token + text[at:])


@pytest.mark.parametrize("path", SHIPPED, ids=[str(p.relative_to(ROOT)) for p in SHIPPED])
def test_shipped_files_read_the_same_or_are_left(path: Any) -> None:
    agree(path.read_bytes().decode("utf-8", "replace"))


def test_submissions_take_the_compiled_path() -> None:
    criteria = load_criteria(ROOT / "criteria" / "namdinh-stnmt-2023.yaml")
    import yaml

    for unit in synthetic.units(criteria, 5, seed=3, self_scores=True):
        data = unit.model_dump(mode="json", exclude_defaults=True)
        text = yaml.safe_dump(data, allow_unicode=True, sort_keys=False)
        assert agree(text)


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("a: x\nb: 'y'\n", {"a": "x", "b": "y"}),
        (
            "a:\n  b: 2023\n  c: -5\nd: true\ne:\n",
            {"a": {"b": 2023, "c": -5}, "d": True, "e": None},
        ),
        ("'3.2': 'it''s' # n\nx: a b\n  c\n", {"3.2": "it's", "x": "a b c"}),
        ("\ufeffa: 1\n", {"a": 1}),
    ],
)
def test_forms_read(text: str, value: Any) -> None:
    raw = text.encode("utf-8")
    assert read_compiled(decode(raw), raw, BOUNDS) == value
    assert agree(text)


@pytest.mark.parametrize(
    "text",
    [
        "a: 1\na: 2\n",  # a duplicate key: the careful reader says where
        "a: 2023-01-05\n",  # a date
        "a: 1.5\n",
        "a: ~\n",
        "a: True\n",
        "a: inf\n",
        "a: " + "9" * 101 + "\n",  # past the number bound
        "a:\n- x\n",
        "a: [x]\n",
        'a: "x"\n',
        "a: &x 1\n",
        "x" * 1001 + ": 1\n",
        "a: 1\r\nb: 2\r\n",
        ": x\n",
        "a:\n  2023-01-05\n",  # a value below its key: a date to the careful reader
        "a:\n  True\n",
        "a:\n  inf\n",
        "a:\n  2023-01-05T10:00:00\n",
        "a:\n\n  # c\n  2023\n",
        "a: # c\n  2023\n",
        "a:\n  b: 1\n c: 2\n",  # odd indentation: a problem to the careful reader
        "x\n",
        "# only\n",
        "a:\n" + "".join(" " * i + f"k{i}:\n" for i in range(1, 70)),
    ],
)
def test_other_forms_are_left(text: str) -> None:
    raw = text.encode("utf-8")
    assert read_compiled(decode(raw), raw, BOUNDS) is None


def test_other_bounds_are_left() -> None:
    raw = b"a: x\n"
    assert read_compiled("a: x\n", raw, Bounds(max_nodes=3)) is None


def test_a_parse_error_prints_nothing(capfd: pytest.CaptureFixture[str]) -> None:
    raw = b"a: x: y\n"
    assert read_compiled(raw.decode(), raw, BOUNDS) is None
    assert capfd.readouterr() == ("", "")


def test_without_a_standard_error_stream_it_reads() -> None:
    with mock.patch.object(reading_compiled.os, "dup", side_effect=OSError(9, "closed")):
        assert read_compiled("a: x\n", b"a: x\n", BOUNDS) == {"a": "x"}
        assert read_compiled("a: x: y\n", b"a: x: y\n", BOUNDS) is None


def test_two_threads_leave_the_standard_error_stream_as_it_was() -> None:
    """Thread A parses while thread B starts, and B ends after A: without the lock B would
    keep A's ``/dev/null`` as "the stream" and put it back for good."""
    a_in, b_in, a_done = threading.Event(), threading.Event(), threading.Event()

    def parse(raw: bytes, tree: object) -> None:
        if raw == b"a":
            a_in.set()
            b_in.wait(0.5)  # with the lock, B waits for A: A goes on alone
        else:
            b_in.set()
            a_done.wait(5)

    fake = SimpleNamespace(
        Tree=lambda: SimpleNamespace(clear=int, clear_arena=int, root_id=int),
        parse_in_arena=parse,
        emit_json_to_substr=lambda tree, root, buffer: (False, 0),
    )
    before = os.fstat(2)

    def read(raw: bytes, done: threading.Event | None) -> None:
        reading_compiled._json(raw)
        if done is not None:
            done.set()

    with (
        mock.patch.object(reading_compiled, "ryml", fake),
        mock.patch.object(reading_compiled, "_kept", []),
    ):
        first = threading.Thread(target=read, args=(b"a", a_done))
        second = threading.Thread(target=read, args=(b"b", None))
        first.start()
        a_in.wait(5)
        second.start()
        first.join(10)
        second.join(10)
    after = os.fstat(2)
    assert (after.st_dev, after.st_ino) == (before.st_dev, before.st_ino)


UNSURE_TEXTS = ("\n---", "\n...", "\n" + " " * 60, ": \n", ": #", ":  ", "\n:", "\n -", "\n-")
"""What the two patterns stand for: a text holding any of these is read in Python."""


@given(
    st.lists(
        st.sampled_from(["\n", "-", ".", ":", " ", "#", "a", " " * 30, "---", "...", "\r"]),
        max_size=30,
    ).map("".join)
)
@settings(max_examples=500, deadline=None)
@example("a: b\n - c")
@example("a:  b")
@example("a: \n")
@example("x\n" + " " * 60 + "y")
def test_the_two_patterns_find_what_nine_texts_do(text: str) -> None:
    found = reading_compiled._UNSURE_LINE.search(text) or reading_compiled._UNSURE_VALUE.search(
        text
    )
    assert (found is not None) == any(part in text for part in UNSURE_TEXTS)


def test_one_tree_and_buffer_read_file_after_file() -> None:
    """The kept tree and buffer: a file after one rapidyaml refused reads whole, and a JSON
    longer than the buffer grows it (a text of 3-byte characters near the text bound)."""
    long = "a: " + "ữ" * 30_000 + "\n"
    assert read_compiled("a: x: y\n", b"a: x: y\n", BOUNDS) is None
    assert read_compiled("b: 1\nc: d\n", b"b: 1\nc: d\n", BOUNDS) == {"b": 1, "c": "d"}
    assert read_compiled(long, long.encode(), BOUNDS) == {"a": "ữ" * 30_000}
    assert len(reading_compiled._kept[1]) > 90_000
    assert read_compiled("e: f\n", b"e: f\n", BOUNDS) == {"e": "f"}


def test_without_the_wheel_python_reads() -> None:
    with mock.patch.object(reading_compiled, "ryml", None):
        assert read_compiled("a: x\n", b"a: x\n", BOUNDS) is None
        assert read_lazily(b"a: x\n", "f.yaml").data == {"a": "x"}

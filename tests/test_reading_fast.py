"""Tests for :mod:`parindex.reading_fast`: the same as the careful reader, or it leaves the file.

The property: for any text — a submission, a document dumped in any style, a soup of lines
with hostile tokens — and any bounds, :func:`read_plain` either returns ``None`` or exactly
what the event-stream reader builds (data in the same order, the line of every key and item,
every scalar's text, quoting, line and column); and :func:`read_yaml`, which uses it, gives
the same data or the same problem (kind, line, words) as the event stream alone; and
:func:`~parindex.reading.read_lazily` the same data now and the same places when asked.
"""

from __future__ import annotations

import datetime as dt
import pickle
from decimal import Decimal
from pathlib import Path
from typing import Any
from unittest import mock

import pytest
import yaml
from hypothesis import given
from hypothesis import strategies as st

from parindex import load_criteria, synthetic
from parindex.reading import BOUNDS, Bounds, ReadError, _build, decode, read_lazily, read_yaml
from parindex.reading_fast import read_plain

ROOT = Path(__file__).resolve().parent.parent
SHIPPED = sorted(
    [
        *ROOT.glob("criteria/**/*.yaml"),
        *ROOT.glob("evidence/*.yaml"),
        *ROOT.glob("tests/golden/*.yaml"),
        *ROOT.glob("tests/data/**/*.yaml"),
    ]
)


def shape(value: Any) -> Any:
    """Data with its order and types kept, so ``==`` sees a key order or a type changed."""
    if isinstance(value, dict):
        return ("map", [(key, shape(item)) for key, item in value.items()])
    if isinstance(value, list):
        return ("list", [shape(item) for item in value])
    return (type(value).__name__, value)


def careful(text: str, bounds: Bounds) -> Any:
    """What the event-stream reader builds, or ``None`` when it refuses the text."""
    try:
        data, lines, scalars = _build(text, bounds, careful=False)
    except Exception:
        return None
    return shape(data), lines, scalars


def outcome(raw: bytes, bounds: Bounds, fast: bool) -> Any:
    """What :func:`read_yaml` gives (``fast=False``: with the line reader left out, so the
    events read every file): data, lines and scalars, or the problem it raises."""
    try:
        if fast:
            source = read_yaml(raw, "f.yaml", bounds=bounds)
        else:
            with mock.patch("parindex.reading_fast.read_plain", return_value=None):
                source = read_yaml(raw, "f.yaml", bounds=bounds)
    except ReadError as error:
        problem = error.problem
        return problem.kind, problem.line, problem.message, problem.message_en, problem.text
    return shape(source.data), source.lines, source.scalars


def check_agree(text: str, bounds: Bounds = BOUNDS) -> bool:
    """The property; returns whether the fast reader read the text itself."""
    fast = read_plain(text, bounds)
    if fast is not None:
        data, lines, scalars = fast
        assert (shape(data), lines, scalars) == careful(text, bounds)
    data_only = read_plain(text, bounds, places=False)
    assert (data_only is None) == (fast is None)
    if data_only is not None and fast is not None:
        assert shape(data_only[0]) == shape(fast[0])
    raw = text.encode("utf-8")
    assert outcome(raw, bounds, fast=True) == outcome(raw, bounds, fast=False)
    try:
        later = read_lazily(raw, "f.yaml", bounds=bounds)
    except ReadError as error:
        assert outcome(raw, bounds, fast=True)[:2] == (error.problem.kind, error.problem.line)
    else:  # the data now, the places when asked: the same as read_yaml's
        assert (shape(later.data), later.lines, later.scalars) == outcome(raw, bounds, fast=True)
        assert shape(pickle.loads(pickle.dumps(later)).data) == shape(later.data)
    return fast is not None


KEYS = [
    *("a", "b", "k_1", "1.1", "1.10", "x-y", "p/q", "true", "Mã", "ngày_đến", "'q k'"),
    *("'it''s'", '"d"'),
]
VALUES = [
    "x",
    "a b",
    "Việt  Nam",
    "12.500",
    "0.1",
    "1e3",
    "017",
    "0x1F",
    "1_0",
    "-5",
    "+3",
    ".5",
    "2023-01-05",
    "2023-02-30",
    "2023-1-5 10:00:00",
    "~",
    "null",
    "true",
    "False",
    "yes",
    "9" * 120,
    "-",
    "- x",
    "a: b",
    "a:",
    "a #c",
    "a#b",
    "http://a.b/c",
    "'s'",
    "''",
    "'it''s'",
    "'a: b # c'",
    "'open",
    "close'",
    '"d"',
    '"e\\n"',
    '"f',
    "{}",
    "[]",
    "[ ]",
    "{a: 1, b: 'x'}",
    "[1, 'two', 3]",
    "{a: }",
    "{a: 1,}",
    "[a, [b]]",
    "{'a': \"b\"}",
    "&a x",
    "*a",
    "!!str 1",
    "!x y",
    "|",
    ">-",
    "# c",
    "%x",
    "@x",
    "`x`",
    "?",
    "? x",
    ": x",
    "x\ty",
    "x\u2028y",
    "[a, b] c",
    "{a: b} # c",
    "a , b",
    "a]",
    "a}",
    "...",
    "\u00a0x",
    "x\u00a0",
    "\u3000y",
    "Đắk Lắk",
]
LINES = ["", "   ", "# comment", "  # indented comment", "---", "...", "- ", "-", "%YAML 1.1"]


@st.composite
def soups(draw: st.DrawFn) -> str:
    """Lines of block YAML, many of them broken: indents, dashes, keys, values, comments."""
    lines = []
    for _ in range(draw(st.integers(1, 12))):
        if draw(st.integers(0, 9)) == 0:
            lines.append(draw(st.sampled_from(LINES)))
            continue
        line = " " * draw(st.sampled_from([0, 0, 1, 2, 2, 3, 4, 4, 6]))
        line += draw(st.sampled_from(["", "", "", "- ", "-  ", "- - "]))
        if draw(st.booleans()):
            line += draw(st.sampled_from(KEYS)) + draw(st.sampled_from([":", ": ", ":  ", " :"]))
        line += draw(st.sampled_from(["", *VALUES]))
        line += draw(st.sampled_from(["", "", " ", " # note", "#x"]))
        lines.append(line)
    ending = draw(st.sampled_from(["\n", "\n", "\r\n", "\r"]))
    return ending.join(lines) + draw(st.sampled_from(["", ending]))


scalars = st.one_of(
    st.text(st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=30),
    st.sampled_from([v.strip("'\"") for v in VALUES]),
    st.integers(-(10**6), 10**6),
    st.booleans(),
    st.none(),
    st.dates(),
    st.decimals(places=3, allow_nan=False, allow_infinity=False, max_value=10**6).map(float),
)
documents = st.recursive(
    scalars,
    lambda inner: (
        st.lists(inner, max_size=4)
        | st.dictionaries(st.sampled_from([k.strip("'\"") for k in KEYS]), inner, max_size=4)
    ),
    max_leaves=25,
)


@st.composite
def dumped(draw: st.DrawFn) -> str:
    """A document as PyYAML writes it: any width (long texts folded), indent, flow style."""
    data = draw(st.dictionaries(st.sampled_from(["a", "b", "c", "d"]), documents, min_size=1))
    return yaml.safe_dump(
        data,
        allow_unicode=draw(st.booleans()),
        default_flow_style=draw(st.sampled_from([False, None])),
        width=draw(st.sampled_from([20, 40, 80, 1000])),
        indent=draw(st.sampled_from([2, 3, 4])),
        sort_keys=False,
    )


small_bounds = st.builds(
    Bounds,
    max_depth=st.integers(1, 6),
    max_nodes=st.integers(1, 60),
    max_text=st.integers(1, 40),
    max_number=st.integers(1, 6),
)


@given(soups(), st.one_of(st.just(BOUNDS), small_bounds))
def test_a_soup_of_lines_reads_the_same_or_is_left_to_the_careful_reader(
    text: str, bounds: Bounds
) -> None:
    check_agree(text, bounds)


@given(dumped(), st.one_of(st.just(BOUNDS), small_bounds))
def test_dumped_documents_read_the_same(text: str, bounds: Bounds) -> None:
    check_agree(text, bounds)


@given(dumped(), st.integers(0, 10**6), st.sampled_from(VALUES + LINES + ["\n", " ", "  "]))
def test_damaged_documents_read_the_same(text: str, where: int, token: str) -> None:
    at = where % (len(text) + 1)
    check_agree(text[:at] + token + text[at:])


@pytest.mark.parametrize("path", SHIPPED, ids=[str(p.relative_to(ROOT)) for p in SHIPPED])
def test_shipped_files_read_the_same(path: Path) -> None:
    try:
        text = decode(path.read_bytes())
    except Exception:
        return  # refused before any parser: nothing for either reader to read
    check_agree(text)


def test_submissions_take_the_fast_path() -> None:
    """What units write (the shipped examples, synthetic units as saved) is read fast."""
    read = [check_agree(decode(p.read_bytes())) for p in sorted(ROOT.glob("evidence/*.yaml"))]
    assert read and all(read)
    criteria = load_criteria(ROOT / "criteria" / "namdinh-stnmt-2023.yaml")
    for unit in synthetic.units(criteria, 3, seed=5, self_scores=True):
        data = unit.model_dump(mode="json", exclude_defaults=True)
        assert check_agree(yaml.safe_dump(data, allow_unicode=True, sort_keys=False))


@pytest.mark.parametrize(
    ("text", "value", "scalar"),
    [
        ("a: x\n  y\n", "x y", ("x y", False, 1, 4)),
        ("a: 'x\n  y  \n   z'\n", "x y z", ("x y z", True, 1, 4)),
        ("a:\n", None, ("", False, 1, 3)),
        ("a:   # c\nb: 1\n", None, ("", False, 1, 3)),
        ("a: {p: 1.5, 'q': \"r\"}\n", {"p": Decimal("1.5"), "q": "r"}, None),
        ("a: [2023-01-05, x]\n", [dt.date(2023, 1, 5), "x"], None),
        ("a: {b: [1, 'x'], c: {}} # c\n", {"b": [1, "x"], "c": {}}, None),
        ("a: 'it''s' # c\n", "it's", ("it's", True, 1, 4)),
        ("a: x #c\r\nb: 2\r\n", "x", ("x", False, 1, 4)),
    ],
)
def test_forms_read_fast(text: str, value: Any, scalar: Any) -> None:
    fast = read_plain(text, BOUNDS)
    assert fast is not None
    assert shape(fast[0]["a"]) == shape(value)
    if scalar is not None:
        assert fast[2][("a",)] == scalar
    assert check_agree(text)


@pytest.mark.parametrize(
    "text",
    [
        "a: |\n  x\n",
        "a: &x 1\n",
        "a: !!str 1\n",
        'a: "x\\ty"\n',
        "a: x\n\n  y\n",
        "? a\n: 1\n",
        "a:\tx\n",
        "---\na: 1\n",
        "a: 1\na: 2\n",
        "a: 2023-02-30\n",
        "x\n",
        "",
    ],
)
def test_other_forms_are_left_to_the_careful_reader(text: str) -> None:
    assert read_plain(text, BOUNDS) is None
    check_agree(text)


@pytest.mark.parametrize(
    "text",
    [
        "a:\n  b:\n    c: 1\n   d: 2\n",  # back to an indent no open mapping has
        "a:\n  b:\n    c: 1\n  d: 2\ne: 3\n",  # back one level, then one more
        "a:\n  b:\n    c:\n      d: 1\n  e: 2\n",  # back two levels at once
        "a:\n  - b:\n      c: 1\n    d: 2\n  - e: 3\n",  # to a list item's mapping
        "a:\n- b:\n    c: 1\n  d: 2\ne: 1\n",  # a list at its key's indent
        "a:\n  - k: 1\n    b:\n      c: 1\n  x: 2\n",  # a key beside a list's items
        "a:\n  b:\n    c: 1\n  b: 2\n",  # back to a mapping that has the key
        "a:\n  b:\n    c: 1\n  d: '2'\n    g: 3\n",  # in again, under a quoted value
    ],
)
def test_a_mapping_ended_reads_the_same(text: str) -> None:
    """A block mapping closed by a line less indented (a self-score ended): where it goes
    back to, or the careful reader's refusal."""
    check_agree(text)

"""Tests for :mod:`parindex.reading`: one bounded reader, typed and located problems, text kept."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path
from unittest import mock

import pytest
from hypothesis import given
from hypothesis import strategies as st

from parindex.reading import Bounds, ReadError, Scalar, read_yaml

ROOT = Path(__file__).resolve().parent.parent
SHIPPED = sorted(
    [
        *ROOT.glob("criteria/**/*.yaml"),
        *ROOT.glob("evidence/*.yaml"),
        *ROOT.glob("tests/golden/*.yaml"),
        *ROOT.glob("tests/data/**/*.yaml"),
    ]
)


def problem_of(text: str | bytes, bounds: Bounds | None = None) -> tuple[str, int | None]:
    raw = text.encode("utf-8") if isinstance(text, str) else text
    with pytest.raises(ReadError) as caught:
        read_yaml(raw, "f.yaml", **({"bounds": bounds} if bounds else {}))
    assert caught.value.problem.file == "f.yaml"
    assert caught.value.problem.message and caught.value.problem.message_en
    return caught.value.problem.kind, caught.value.problem.line


@pytest.mark.parametrize(
    ("written", "value"),
    [
        ("017", 17),
        ("0o17", 15),
        ("0x1F", 31),
        ("1_000", 1000),
        ("-0", 0),
        # 12500 or 12,5? Never guessed: kept as written, the field's check refuses it.
        ("12.500", "12.500"),
        ("12.5", Decimal("12.5")),
        ("0.1", Decimal("0.1")),
        ("1e3", Decimal("1000.0")),
        (".inf", Decimal("Infinity")),
        ("true", True),
        ("False", False),
        ("yes", "yes"),
        ("no", "no"),
        ("~", None),
        ("", None),
        ("2023-01-05", dt.date(2023, 1, 5)),
        ("2023-1-5 10:00:00", dt.datetime(2023, 1, 5, 10)),
        ("2023-01-05T10:00:00Z", dt.datetime(2023, 1, 5, 10, tzinfo=dt.UTC)),
        ("1.250.000", "1.250.000"),
        ("'12'", "12"),
        ('"2023-02-30"', "2023-02-30"),
        ("!!str 12", "12"),
        ("!!int '12'", 12),
        ("-_", "-_"),
    ],
)
def test_plain_scalars_resolve_as_yaml_1_2(written: str, value: object) -> None:
    source = read_yaml(f"a: {written}\n".encode(), "f.yaml")
    assert source.data["a"] == value
    assert type(source.data["a"]) is type(value)


def test_every_scalar_keeps_its_text_and_whether_it_was_quoted() -> None:
    text = "values:\n  a: 12.500\n  b: '12.500'\n  c: 1.250.000\nlist:\n  - 0.10\n"
    source = read_yaml(text.encode(), "f.yaml")
    assert source.scalar(("values", "a")) == Scalar("12.500", False, 2, 6)
    assert source.scalar(("values", "b")) == Scalar("12.500", True, 3, 6)
    assert source.scalar(("values", "c")) == Scalar("1.250.000", False, 4, 6)
    assert source.scalar(("list", 0)) == Scalar("0.10", False, 6, 5)
    assert source.scalar(("values",)) is None
    assert source.line(("list", 0)) == 6


def test_keys_keep_their_text() -> None:
    source = read_yaml(b"1.10: a\n01: b\n", "f.yaml")
    assert list(source.data) == ["1.10", "01"]


@pytest.mark.parametrize(
    ("text", "kind", "line"),
    [
        ("a: 1\nb: 2023-02-30\n", "invalid_date", 2),
        ("a: 1\nb: [2023-13-01]\n", "invalid_date", 2),
        ("a: &x [1, 2]\nb: *x\n", "yaml_alias", 1),
        ("a: 1\nb: *x\n", "yaml_alias", 2),
        ("a: !!python/object:os.system x\n", "yaml_tag", 1),
        ("a: 1\n---\nb: 2\n", "several_documents", 2),
        ("a: [1\n", "yaml_syntax", 2),
        ("a: 1\nb: 2\na: 3\n", "duplicate_key", 3),
        ("a: 1\nb: \ufeff1\n", "bom", 2),
        ("a: 1\nb: 1\x00\n", "nul_byte", 2),
        ("a: 1\n\nb: \x07\n", "control_character", 3),
        ("? [a]\n: 1\n", "complex_key", 1),
        ("a: 1\nb: " + "9" * 101 + "\n", "number_too_long", 2),
        ("a: '" + "x" * 32_768 + "'\n", "text_too_long", 1),
        ("a: " + "[" * 65 + "]" * 65 + "\n", "too_deep", 1),
        ("\n".join(" " * i + f"k{i}:" for i in range(70)), "too_deep", 65),
        ("[" * 5000 + "]" * 5000, "too_deep", 1),
    ],
)
def test_damage_is_a_typed_located_problem(text: str, kind: str, line: int) -> None:
    assert problem_of(text) == (kind, line)


def test_alias_bomb_stops_at_the_first_alias() -> None:
    lines = ["a: &a ['lol','lol','lol','lol','lol','lol','lol','lol','lol']"]
    lines += [
        f"{chr(98 + i)}: &{chr(98 + i)} [{', '.join(['*' + chr(97 + i)] * 9)}]" for i in range(8)
    ]
    assert problem_of("\n".join(lines)) == ("yaml_alias", 1)


def test_encodings() -> None:
    assert problem_of("a: Việt\n".encode("utf-16")) == ("encoding", 1)
    assert problem_of(b"a: 1\nb: \xea\n") == ("encoding", 2)
    assert read_yaml("\ufeffa: Việt\n".encode(), "f.yaml").data == {"a": "Việt"}


def test_a_file_of_nul_bytes_is_said_to_be_no_text() -> None:
    """NUL bytes are no UTF-16/UTF-32 text: said as what they are (it read "this one is
    UTF-16 or UTF-32"); UTF-16 and UTF-32 without a BOM still read as such."""
    with pytest.raises(ReadError) as caught:
        read_yaml(b"\0" * 512, "f.yaml")
    problem = caught.value.problem
    assert (problem.kind, problem.line) == ("nul_byte", 1)
    assert "NUL" in problem.message and "NUL bytes: not a text file" in problem.message_en
    assert "UTF-16" not in problem.message + problem.message_en
    for wide in (
        "a: 1\n".encode("utf-16-le"),
        "a: 1\n".encode("utf-32-be"),
        "Đ".encode("utf-32-be"),
    ):
        assert problem_of(wide) == ("encoding", 1)
    with pytest.raises(ReadError) as caught:
        read_yaml(b"a: 1\nb: 1\x00\n", "f.yaml")
    assert caught.value.problem.message_en == "NUL byte in the file (damaged, or not a text file)"


def test_bounds_on_bytes_and_nodes() -> None:
    assert problem_of(b"a: 1\n" * 10, Bounds(max_bytes=20)) == ("file_too_large", None)
    assert problem_of("[" + "1, " * 50 + "1]", Bounds(max_nodes=20)) == ("too_many_nodes", 1)


@pytest.mark.parametrize("path", SHIPPED, ids=[str(p.relative_to(ROOT)) for p in SHIPPED])
def test_libyaml_and_the_careful_parser_read_the_same(path: Path) -> None:
    """The fast path (libyaml) and the pure Python parser give the same data, lines, text."""
    raw = path.read_bytes()
    results = []
    for careful in (False, True):
        try:
            source = read_yaml(raw, str(path), careful=careful)
            results.append((source.data, source.lines, source.scalars))
        except ReadError as exc:
            results.append((exc.problem.kind, exc.problem.line, None))
    assert results[0] == results[1]


_CONTROLS = "\x00\x07\x0b\x1f\x7f\x80\x84\x85\x86\x9f\xa0\ufffe\uffff\ufeff\t\r\n"


@given(st.text(alphabet=st.one_of(st.sampled_from(_CONTROLS), st.characters()), max_size=40))
def test_the_quick_control_look_never_misses_one(text: str) -> None:
    """Where the bytes say no refused character can be there, the pattern finds none; a
    file holding one gets the same problem (kind, line) as the pattern alone gives."""
    from parindex import reading

    try:
        raw = text.encode()
    except UnicodeEncodeError:  # a lone surrogate: no UTF-8 file holds one
        return
    if not reading._may_hold_control(raw):
        assert reading._CONTROL.search(text) is None
    with mock.patch.object(reading, "_may_hold_control", return_value=True):
        careful = _outcome(b"a: 1\nb: " + raw)
    assert _outcome(b"a: 1\nb: " + raw) == careful


def _outcome(raw: bytes) -> object:
    try:
        return read_yaml(raw, "f.yaml").data
    except ReadError as exc:
        return exc.problem


@pytest.mark.parametrize("char", ["\x01", "\x0c", "\x7f", "\x80", "\x9f", "\ufffe", "\uffff"])
def test_each_kind_of_refused_character_is_seen_by_the_quick_look(char: str) -> None:
    from parindex import reading

    assert reading._may_hold_control(f"a: x{char}y\n".encode())
    assert problem_of(f"a: 1\nb: x{char}\n") == ("control_character", 2)


def test_a_lazy_source_released_reads_the_same_data_again() -> None:
    """A submission's lazy source lets its data go once the model is built; asked again,
    it reads the same data (and lines) from the bytes it keeps."""
    from parindex.reading import read_lazily

    raw = "format: parindex.submission/1\nunit:\n  id: a\n  name: Sở\nvalues:\n  x: '1'\n".encode()
    source = read_lazily(raw, "f.yaml")
    first = source.data
    source.release()  # type: ignore[attr-defined]
    assert source.data == first == read_yaml(raw, "f.yaml").data
    assert source.line(("values", "x")) == 6

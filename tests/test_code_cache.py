"""The compiled texts of dataclasses and typing, kept between runs of the program."""

from __future__ import annotations

import dataclasses
import inspect
import json
import os
import re
import subprocess
import sys
import typing
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from parindex import code_cache
from parindex.cache import sealed
from parindex.code_cache import CodeTable, install, stamp, uninstall

ROOT = Path(__file__).resolve().parent.parent
SET_2023 = ROOT / "criteria" / "namdinh-stnmt-2023.yaml"
TNMT = ROOT / "evidence" / "so-tnmt-mau-2023.yaml"


@pytest.fixture
def installed(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[CodeTable]:
    """The table installed in this process for one test, then taken out again."""
    monkeypatch.setenv("PARINDEX_CACHE_DIR", str(tmp_path))
    with _installed(monkeypatch, tmp_path) as table:
        yield table


def _point(name: str, fields: list[tuple[str, type]], frozen: bool) -> type:
    return dataclasses.make_dataclass(name, fields, frozen=frozen, order=True)


def _same_class(a: type, b: type) -> None:
    for method in ("__init__", "__repr__", "__eq__", "__lt__", "__setattr__", "__hash__"):
        made, plain = getattr(a, method), getattr(b, method)
        if hasattr(plain, "__code__"):
            assert made.__code__ == plain.__code__, method
            assert made.__annotations__ == plain.__annotations__, method
    assert inspect.signature(a) == inspect.signature(b)


NAMES = st.lists(
    st.from_regex(r"[a-z][a-z0-9_]{0,8}", fullmatch=True).filter(
        lambda n: n not in {"self", "if", "in", "is", "or", "as", "and", "not", "for", "def"}
    ),
    min_size=0,
    max_size=6,
    unique=True,
)


@settings(max_examples=40, deadline=None)
@given(NAMES, st.booleans())
def test_a_dataclass_made_through_the_table_is_the_one_python_makes(
    names: list[str], frozen: bool
) -> None:
    """The same code objects, annotations and signature (never strings for types: the
    table compiles with no inherited ``__future__`` flags), first compiled then found."""
    fields = [(n, int if i % 2 else str) for i, n in enumerate(names)]
    plain = _point("Plain", fields, frozen)
    folder = Path(os.environ["PARINDEX_CACHE_DIR"]) / "code-test"
    with pytest.MonkeyPatch.context() as patch, _installed(patch, folder) as table:
        first = _point("Plain", fields, frozen)
        again = _point("Plain", fields, frozen)
        assert table.used  # looked up, not the builtin
    _same_class(first, plain)
    _same_class(again, plain)
    assert repr(first(*range(len(names)))) == repr(plain(*range(len(names))))


class _installed:
    """The table installed in this process (``folder`` its cache), then taken out again;
    for a hypothesis example too (fixtures are made once a test)."""

    def __init__(self, patch: pytest.MonkeyPatch, folder: Path) -> None:
        self.patch, self.folder = patch, folder

    def __enter__(self) -> CodeTable:
        self.patch.setenv("PARINDEX_CACHE_DIR", str(self.folder))
        self.patch.delenv("PARINDEX_CACHE", raising=False)
        table = install()
        assert table is not None
        self.table = table
        return table

    def __exit__(self, *exc: object) -> None:
        uninstall(self.table)


PATTERNS = [
    r"(?P<day>\d{1,2})/(?P<month>\d{1,2})/(?P<year>\d{4})",
    r"(?i)từ\s+(\d+(?:[.,]\d+)?)\s*%",
    r"^[a-z_][a-z0-9_]*$",
    r"(a)|(?P<b>b)(?(1)x|y)",
    r"[^\W\d]+",
]


@settings(max_examples=60, deadline=None)
@given(
    st.one_of(st.sampled_from(PATTERNS), st.from_regex(r"[a-z().|*+?\\dws^$\[\]-]{0,12}")),
    st.sampled_from([0, re.IGNORECASE, re.MULTILINE | re.DOTALL, re.VERBOSE, re.ASCII]),
)
def test_a_pattern_compiled_through_the_table_is_the_one_re_makes(pattern: str, flags: int) -> None:
    """The same program, flags, groups and names, first compiled then found; a bad pattern
    raises as ``re`` does."""
    from re import _compiler  # type: ignore[attr-defined]

    flags = int(flags)  # as re._compile gives them
    try:
        plain = _compiler.compile(pattern, flags)
    except re.error as error:
        plain = error
    folder = Path(os.environ["PARINDEX_CACHE_DIR"]) / "code-test"
    with pytest.MonkeyPatch.context() as patch, _installed(patch, folder) as table:
        assert _compiler.compile is code_cache._COMPILE_PATTERN  # until the table is read
        table.code("pass", "<string>", "exec")
        for _ in range(2):
            try:
                made = _compiler.compile(pattern, flags)
            except re.error as error:
                assert isinstance(plain, re.error) and str(error) == str(plain)
                continue
            assert made == plain  # pattern, flags and program
            assert (made.groups, made.groupindex) == (plain.groups, plain.groupindex)
        assert isinstance(plain, re.error) or ("re", str(flags), pattern) in table.used


def test_patterns_are_left_to_re_on_another_python(tmp_path: Path) -> None:
    """The pattern step repeats Python 3.11's private body: on another Python, ``re``
    compiles patterns itself even once the table is read."""
    from re import _compiler  # type: ignore[attr-defined]

    with pytest.MonkeyPatch.context() as patch, _installed(patch, tmp_path) as table:
        assert table.on_read is not None  # this Python's own (3.11): through the table
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(code_cache, "_PATTERNS_AS_IN", (3, 0))
        with _installed(patch, tmp_path / "other") as table:
            table.code("pass", "<string>", "exec")  # the table read
            assert table.on_read is None
            assert _compiler.compile is code_cache._COMPILE_PATTERN


def test_string_annotations_compile_as_typing_compiles_them(installed: CodeTable) -> None:
    made = typing.ForwardRef("list[int] | None")
    # as typing compiles it (no ``__future__`` of this test module's: its flags differ)
    plain = compile("list[int] | None", "<string>", "eval", dont_inherit=True)
    assert made.__forward_code__ == plain
    assert made.__forward_code__ != compile("list[int] | None", "<string>", "eval")
    assert ("eval", "<string>", "list[int] | None") in installed.used
    with pytest.raises(SyntaxError, match="Forward reference must be an expression"):
        typing.ForwardRef("not an expression (")


def test_what_a_run_compiled_the_next_run_finds(installed: CodeTable, tmp_path: Path) -> None:
    text = "def f(a, b):\n return a + b"
    first = installed.code(text, "<string>", "exec")
    assert installed.new == 1 and installed.save()
    assert not installed.save()  # nothing new since
    again = CodeTable(tmp_path)
    found = again.code(text, "<string>", "exec")
    assert found == first == compile(text, "<string>", "exec", dont_inherit=True)
    assert again.new == 0 and not again.save()


def test_a_damaged_foreign_or_other_python_table_is_compiled_afresh(tmp_path: Path) -> None:
    text = "x = 1"
    written = CodeTable(tmp_path)
    written.code(text, "<string>", "exec")
    assert written.save() and written.file is not None
    blob = written.file.read_bytes()
    for bad in (
        blob[:40] + bytes([blob[40] ^ 1]) + blob[41:],  # a changed byte
        blob[:10],  # cut short
        sealed(tmp_path, "code", written.file.name, blob[32:], stamp() + " another"),
    ):
        written.file.write_bytes(bad)
        table = CodeTable(tmp_path)
        assert table.code(text, "<string>", "exec") == compile(text, "<string>", "exec", 0, True)
        assert table.new == 1  # not read: compiled


def test_a_table_keeps_this_runs_texts_first_within_its_bound(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    old = CodeTable(tmp_path)
    for i in range(5):
        old.code(f"x = {i}", "<string>", "exec")
    assert old.save()
    monkeypatch.setattr(code_cache, "MAX_ENTRIES", 4)
    run = CodeTable(tmp_path)
    run.code("y = 1", "<string>", "exec")
    run.code("y = 2", "<string>", "exec")
    assert run.save()
    kept = CodeTable(tmp_path)
    kept.code("y = 1", "<string>", "exec")
    assert kept.found is not None and len(kept.found) == 4
    assert {("exec", "<string>", "y = 1"), ("exec", "<string>", "y = 2")} <= set(kept.found)


def test_off_when_the_caches_are_off(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PARINDEX_CACHE", "off")
    assert install() is None
    assert "exec" not in vars(dataclasses) and "compile" not in vars(typing)


def test_a_module_with_a_name_of_its_own_is_left_alone(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PARINDEX_CACHE_DIR", str(tmp_path))
    monkeypatch.setattr(typing, "compile", compile, raising=False)
    assert install() is None
    assert "exec" not in vars(dataclasses)


def _score(cache: Path, switch: str = "on") -> dict[str, object]:
    code = (
        "import atexit, json, sys\n"
        "sys.argv = ['parindex', 'score', sys.argv[1], sys.argv[2]]\n"
        "import parindex.code_cache as cc\n"
        "seen = {}\n"
        "def report():\n"
        "    t = seen.get('table')\n"
        "    heavy = sorted(m for m in ('numpy', 'pandas', 'rich', 'openpyxl', 'xlsxwriter',"
        " 'ruamel', 'yaml', 'importlib.metadata', 'parindex.synthetic') if m in sys.modules)\n"
        "    print(json.dumps({'used': len(t.used) if t else 0, 'new': t.new if t else 0,"
        " 'heavy': heavy}), file=sys.stderr)\n"
        "atexit.register(report)\n"
        "install = cc.install\n"
        "def watched():\n"
        "    seen['table'] = install()\n"
        "    return seen['table']\n"
        "cc.install = watched\n"
        "from parindex.__main__ import run\n"
        "run()\n"
    )
    env = {**os.environ, "PARINDEX_CACHE_DIR": str(cache), "PARINDEX_CACHE": switch}
    done = subprocess.run(
        [sys.executable, "-c", code, str(SET_2023), str(TNMT)],
        capture_output=True,
        text=True,
        check=True,
        env=env,
    )
    found: dict[str, object] = json.loads(done.stderr.splitlines()[-1])
    found["stdout"] = done.stdout
    return found


def test_the_program_compiles_once_the_same_output_and_no_heavy_module(tmp_path: Path) -> None:
    """A one-unit ``score``: the first runs compile and write the table, the next finds
    every text in it; the output is the output with the caches off; and the command
    imports none of the modules it does not need (tables, Excel, rich, YAML libraries)."""
    first = _score(tmp_path)  # compiles the criteria set too: more texts
    second = _score(tmp_path)
    third = _score(tmp_path)
    off = _score(tmp_path / "unused", "off")
    assert isinstance(first["used"], int) and first["used"] > 300
    assert first["new"] == first["used"]
    assert third["new"] == 0 and third["used"] == second["used"]
    assert first["stdout"] == second["stdout"] == third["stdout"] == off["stdout"]
    assert first["heavy"] == third["heavy"] == off["heavy"] == []


def test_the_programs_help_reads_no_cache(tmp_path: Path) -> None:
    """``parindex --help`` compiles nothing after the command line's import: it neither
    reads the table nor imports what the caches need (``pickle``, ``hmac``)."""
    code = (
        "import atexit, sys\n"
        "sys.argv = ['parindex', '--help']\n"
        "atexit.register(lambda: print([m for m in ('pickle', 'hmac', 'parindex.cache')"
        " if m in sys.modules], file=sys.stderr))\n"
        "from parindex.__main__ import run\n"
        "run()\n"
    )
    _score(tmp_path)  # a table to read, if it were read
    env = {**os.environ, "PARINDEX_CACHE_DIR": str(tmp_path)}
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, env=env
    )
    assert done.stdout.startswith("Cách dùng: parindex")
    assert done.stderr.strip() == "[]"

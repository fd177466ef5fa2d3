"""The malformed-input corpus: every class of damage, for every reader, typed and located in bounds.

``tests/data/malformed/<reader>/`` holds one file per class of damage (an alias bomb,
deep nesting, impossible dates, bad encodings, a BOM or NUL inside, a truncated file, a
huge text, number or node count, several documents, a Python tag …), each a shipped
file with the damage added at a known line; ``expected.json`` gives the kind and line.
Each must give that typed problem, with its file and line, in under 5 s and 300 MB.
A file past the byte bound (5 MB) is made here rather than shipped.
"""

from __future__ import annotations

import json
import time
import tracemalloc
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from parindex import load_criteria, load_mapping, load_submission
from parindex.criteria import CriteriaSet
from parindex.errors import ProblemsError
from parindex.reading import BOUNDS

ROOT = Path(__file__).resolve().parent.parent
CORPUS = Path(__file__).parent / "data" / "malformed"
EXPECTED: dict[str, dict[str, Any]] = json.loads((CORPUS / "expected.json").read_text())
SECONDS = 5.0
BYTES = 300 * 1024 * 1024


@pytest.fixture(scope="module")
def sets() -> tuple[CriteriaSet, CriteriaSet]:
    return (
        load_criteria(ROOT / "criteria" / "quangbinh-stnmt-2021.yaml"),
        load_criteria(ROOT / "criteria" / "namdinh-stnmt-2023.yaml"),
    )


def reader(name: str, sets: tuple[CriteriaSet, CriteriaSet]) -> Callable[[Path], object]:
    readers: dict[str, Callable[[Path], object]] = {
        "criteria": load_criteria,
        "submission": load_submission,
        "mapping": lambda path: load_mapping(path, *sets),
    }
    return readers[name]


def refused(read: Callable[[Path], object], path: Path) -> tuple[ProblemsError, float, int]:
    """The error reading ``path`` raises, the seconds it took and the peak bytes allocated.

    Time and memory come from two reads: tracemalloc slows Python down several times.
    """
    start = time.perf_counter()
    with pytest.raises(ProblemsError) as caught:
        read(path)
    seconds = time.perf_counter() - start
    tracemalloc.start()
    try:
        with pytest.raises(ProblemsError):
            read(path)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    return caught.value, seconds, peak


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_damage_is_typed_located_and_bounded(
    name: str, sets: tuple[CriteriaSet, CriteriaSet]
) -> None:
    path = CORPUS / name
    error, seconds, peak = refused(reader(name.split("/")[0], sets), path)
    want = EXPECTED[name]
    assert [(p.kind, p.line) for p in error.problems] == [(want["kind"], want["line"])]
    problem = error.problems[0]
    assert problem.file == str(path)
    assert problem.message and problem.message_en
    assert seconds < SECONDS, f"{seconds:.1f} s"
    assert peak < BYTES, f"{peak / 2**20:.0f} MB"


def test_the_corpus_covers_every_class_for_every_reader() -> None:
    classes = {name.split("/")[1] for name in EXPECTED}
    for reader_name in ("criteria", "submission", "mapping"):
        assert {n.split("/")[1] for n in EXPECTED if n.startswith(reader_name)} == classes
    assert len(classes) >= 15
    assert {e["kind"] for e in EXPECTED.values()} >= {
        "yaml_alias",
        "too_deep",
        "invalid_date",
        "encoding",
        "bom",
        "nul_byte",
        "yaml_syntax",
        "text_too_long",
        "too_many_nodes",
    }


@pytest.mark.parametrize("reader_name", ["criteria", "submission", "mapping"])
def test_a_file_past_the_byte_bound_is_refused_unread(
    reader_name: str, sets: tuple[CriteriaSet, CriteriaSet], tmp_path: Path
) -> None:
    path = tmp_path / "big.yaml"
    path.write_bytes(b"a: " + b"x" * BOUNDS.max_bytes + b"\n")
    error, seconds, peak = refused(reader(reader_name, sets), path)
    assert [p.kind for p in error.problems] == ["file_too_large"]
    assert seconds < SECONDS and peak < 2 * BOUNDS.max_bytes

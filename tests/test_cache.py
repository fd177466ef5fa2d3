"""The compiled criteria cache: same sets back, and nothing it did not write is ever read."""

from __future__ import annotations

import gc
import pickle
import shutil
from pathlib import Path

import pytest

from parindex import cache, load_criteria, load_submission, score
from parindex.errors import CriteriaError

ROOT = Path(__file__).resolve().parent.parent
SET_2023 = ROOT / "criteria" / "namdinh-stnmt-2023.yaml"
SAMPLE = ROOT / "evidence" / "ban-dan-toc-mau-2023.yaml"

_UNPICKLED: list[str] = []


def _mark(text: str) -> str:
    _UNPICKLED.append(text)
    return text


class _Trap:
    """Unpickling this runs ``_mark``: a stand-in for a hostile entry."""

    def __reduce__(self) -> tuple[object, tuple[str]]:
        return _mark, ("unpickled",)


@pytest.fixture
def folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv(cache.CACHE_ENV, str(tmp_path / "cache"))
    monkeypatch.delenv(cache.SWITCH_ENV, raising=False)
    return tmp_path / "cache"


def _entries(folder: Path) -> list[Path]:
    return sorted((folder / "criteria").glob("*.bin"))


def test_a_set_loaded_again_comes_back_from_the_cache_and_scores_the_same(
    folder: Path, tmp_path: Path
) -> None:
    first = load_criteria(SET_2023)
    assert len(_entries(folder)) == 1
    again = load_criteria(SET_2023)
    assert again is not first
    assert again.digest == first.digest
    assert again == first  # every field, and the compiled set (dataclasses compare by value)
    assert again.compiled == first.compiled
    assert list(again.compiled.nodes) == list(first.compiled.nodes)
    unit = load_submission(SAMPLE)
    assert score(again, unit) == score(first, unit)
    # The same bytes under another name: one entry, and the set names the file it came from.
    copy = tmp_path / "copy.yaml"
    shutil.copyfile(SET_2023, copy)
    assert load_criteria(copy)._file == str(copy)
    assert len(_entries(folder)) == 1


def test_a_damaged_or_foreign_entry_is_a_miss_never_unpickled(folder: Path) -> None:
    expected = load_criteria(SET_2023).digest
    (entry,) = _entries(folder)
    blob = entry.read_bytes()
    entry.write_bytes(blob[:100] + bytes([blob[100] ^ 1]) + blob[101:])  # one bit flipped
    assert load_criteria(SET_2023).digest == expected
    assert entry.read_bytes() == blob  # written again, whole
    # A hostile entry with a made-up signature: refused before pickle sees it.
    entry.write_bytes(b"\0" * 32 + pickle.dumps(_Trap()))
    assert load_criteria(SET_2023).digest == expected
    # An entry signed with another key (another user's cache copied here): refused too.
    (folder / "key").write_bytes(b"another key of 32 bytes ........")
    assert load_criteria(SET_2023).digest == expected
    entry.write_bytes(b"short")
    assert load_criteria(SET_2023).digest == expected
    assert _UNPICKLED == []


def test_another_parindex_never_reads_this_ones_entries(
    folder: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    load_criteria(SET_2023)
    monkeypatch.setattr(cache, "fingerprint", lambda: "another version of parindex")
    load_criteria(SET_2023)
    assert len(_entries(folder)) == 2  # its own entry, beside this version's


def test_the_fingerprint_follows_the_source(tmp_path: Path) -> None:
    assert cache.fingerprint() == cache.fingerprint()
    assert len(cache.fingerprint()) == 64


def test_the_fingerprint_follows_pydantic(monkeypatch: pytest.MonkeyPatch) -> None:
    """An entry holds pydantic's objects: another pydantic or pydantic-core never reads it."""
    import pydantic.version
    import pydantic_core

    here = cache.fingerprint.__wrapped__()
    assert here == cache.fingerprint()
    monkeypatch.setattr(pydantic.version, "VERSION", "0.0.0")
    other_pydantic = cache.fingerprint.__wrapped__()
    monkeypatch.setattr(pydantic_core, "__version__", "0.0.0")
    other_core = cache.fingerprint.__wrapped__()
    assert len({here, other_pydantic, other_core}) == 3


def test_a_set_with_problems_is_never_cached(folder: Path) -> None:
    bad = ROOT / "tests" / "data" / "invalid"
    path = sorted(bad.glob("*.yaml"))[0]
    for _ in range(2):
        with pytest.raises(CriteriaError):
            load_criteria(path)
    assert _entries(folder) == []


def test_the_cache_can_be_off_or_unwritable(
    folder: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(cache.SWITCH_ENV, "off")
    load_criteria(SET_2023)
    assert not folder.exists()
    monkeypatch.delenv(cache.SWITCH_ENV)
    blocked = tmp_path / "a-file"
    blocked.write_text("not a directory")
    monkeypatch.setenv(cache.CACHE_ENV, str(blocked))
    assert load_criteria(SET_2023).digest == load_criteria(SET_2023).digest


def test_reading_an_entry_leaves_the_cycle_collector_as_it_was(folder: Path) -> None:
    load_criteria(SET_2023)
    assert gc.isenabled()
    load_criteria(SET_2023)  # from the cache: the collector is paused while unpickling only
    assert gc.isenabled()
    gc.disable()
    try:
        load_criteria(SET_2023)
        assert not gc.isenabled()  # a caller's choice is kept
    finally:
        gc.enable()

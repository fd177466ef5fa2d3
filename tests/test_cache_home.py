"""Where the caches live, and the switch that turns them off."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from parindex import cache
from parindex.cache_home import CACHE_ENV, SWITCH_ENV, cache_directory


def test_the_directory_given_else_the_users_cache(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv(SWITCH_ENV, raising=False)
    monkeypatch.setenv(CACHE_ENV, str(tmp_path / "here"))
    assert cache_directory() == tmp_path / "here"
    monkeypatch.delenv(CACHE_ENV)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    assert cache_directory() == tmp_path / "parindex"
    for off in ("off", "0", "No", "FALSE"):
        monkeypatch.setenv(SWITCH_ENV, off)
        assert cache_directory() is None


def test_the_cache_module_says_the_same() -> None:
    assert (cache.cache_directory, cache.CACHE_ENV, cache.SWITCH_ENV) == (
        cache_directory,
        CACHE_ENV,
        SWITCH_ENV,
    )


def test_asking_imports_none_of_the_caches_libraries() -> None:
    code = (
        "import sys\nfrom parindex.cache_home import cache_directory\ncache_directory()\n"
        "print([m for m in ('pickle', 'hmac', 'hashlib', 'parindex.cache') if m in sys.modules])"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "[]"

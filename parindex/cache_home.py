"""Where parindex's caches live, and the switch that turns them off.

Apart from :mod:`parindex.cache` (which imports ``pickle``, ``hmac`` and ``hashlib``) so
that the program can ask at start-up, before any cache is read, without importing those:
``parindex --help`` reads no cache at all (:mod:`parindex.code_cache`).
"""

from __future__ import annotations

import os
from pathlib import Path

__all__ = ["CACHE_ENV", "SWITCH_ENV", "cache_directory"]

CACHE_ENV = "PARINDEX_CACHE_DIR"
"""Environment variable naming the cache directory."""
SWITCH_ENV = "PARINDEX_CACHE"
"""Set to ``off`` to read and compile every set afresh."""


def cache_directory() -> Path | None:
    """Where entries are kept (``None``: the cache is off)."""
    if os.environ.get(SWITCH_ENV, "").lower() in {"off", "0", "no", "false"}:
        return None
    given = os.environ.get(CACHE_ENV)
    if given:
        return Path(given)
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "parindex"

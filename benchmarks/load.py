"""Benchmark: load, validate and compile each shipped criteria set, cold and from the cache.

Baseline, measured in the same run: parsing the same file with ruamel.yaml's safe
loader alone (no line numbers, no models, no checks). The ratio is what the line
numbers, the pydantic models and every check and compiled expression cost.

Cold: the compiled cache off (``PARINDEX_CACHE=off``): read, validate, compile. Cached:
the same file again, read back compiled from the cache (:mod:`parindex.cache`; a
temporary cache directory here). Goals (issue 17): ≤ 100 ms cold, ≤ 10 ms cached.

The cached loads are timed after the cold loads' cyclic garbage is collected (``gc.collect``):
else collecting it falls inside them (also printed, as measured before session 8).
Each cached load also prints its CPU time (``time.process_time``, median), which a loaded
machine changes less than the wall time.

Run: ``make bench`` or ``.venv/bin/python benchmarks/load.py``.
"""

from __future__ import annotations

import gc
import os
import pickle
import pickletools
import statistics
import sys
import tempfile
import time
from pathlib import Path

from ruamel.yaml import YAML

sys.path.insert(0, str(Path(__file__).parent))
from _timing import best_of, row

from parindex import cache, load_criteria
from parindex.collector import paused

ROOT = Path(__file__).resolve().parent.parent


def _cpu_median(path: Path, repeat: int = 15) -> float:
    """Median CPU seconds of a load from the cache (user + system of this process)."""
    times = []
    for _ in range(repeat):
        start = time.process_time()
        load_criteria(path)
        times.append(time.process_time() - start)
    return statistics.median(times)


def _turns(entry: bytes, old: bytes, repeat: int = 15) -> tuple[float, float]:
    """Least CPU seconds to unpickle ``entry`` and ``old``, taking turns, collector paused."""
    times: dict[str, list[float]] = {"now": [], "old": []}
    with paused():
        for _ in range(repeat):
            for body, spent in ((entry, times["now"]), (old, times["old"])):
                start = time.process_time()
                pickle.loads(body)
                spent.append(time.process_time() - start)
    return min(times["now"]), min(times["old"])


def main() -> None:
    os.environ[cache.CACHE_ENV] = tempfile.mkdtemp(prefix="parindex-bench-cache-")
    cache.fingerprint()  # once a process, as in any command
    print("Load + validate + compile a criteria set (median of 7)")
    for path in sorted((ROOT / "criteria").glob("*.yaml")):
        text = path.read_text(encoding="utf-8")
        baseline, _ = best_of(lambda t=text: YAML(typ="safe", pure=True).load(t))
        os.environ[cache.SWITCH_ENV] = "off"
        cold, criteria = best_of(lambda p=path: load_criteria(p))
        del os.environ[cache.SWITCH_ENV]
        load_criteria(path)  # fills the cache
        # The cold loads just timed left cyclic garbage (parse trees); collecting it inside
        # the cached loads charged them 2-3 ms a load that no process loading one set pays.
        pending, _ = best_of(lambda p=path: load_criteria(p))
        gc.collect()
        cached, again = best_of(lambda p=path: load_criteria(p))
        assert again.digest == criteria.digest
        cpu = _cpu_median(path)
        # Session 4's entry, in the same run: the plain pickle, unpickled with the collector on.
        plain = pickle.dumps(criteria, protocol=pickle.HIGHEST_PROTOCOL)
        before, _ = best_of(lambda b=plain: pickle.loads(b))
        # The entry as the cache writes it now, against the plain pickle optimised (the
        # entry of sessions 5 and 6), both with the collector paused, taking turns.
        entry, old = cache._dumps(criteria), pickletools.optimize(plain)
        now_cpu, old_cpu = _turns(entry, old)
        print(f"{path.name}: {len(criteria.compiled.nodes)} nodes")
        print(row("baseline: ruamel.yaml safe_load only", baseline))
        print(row("load_criteria, cold (parse, validate, compile)", cold, baseline))
        print(row("load_criteria, from the compiled cache", cached, baseline))
        print(row("  the same, the cold loads' garbage still to collect", pending, baseline))
        print(f"  {'  the same, CPU time (median of 15)':<58} {cpu * 1000:9.2f} ms")
        print(row("  session 4's entry: pickle.loads alone, collector on", before))
        print(
            f"  {'  the entry now, unpickled (CPU, least of 15)':<58} {now_cpu * 1000:9.2f} ms"
            f"  ({now_cpu / old_cpu:.2f}× session 6's entry, {old_cpu * 1000:.2f} ms)"
        )
        print(
            f"  goals: cold ≤ 100 ms {'met' if cold <= 0.1 else 'NOT met'};"
            f" cached ≤ 10 ms {'met' if cached <= 0.01 else 'NOT met'}"
            f" ({cold / cached:.1f}× faster than cold)"
        )


if __name__ == "__main__":
    main()

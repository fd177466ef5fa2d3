"""Benchmark: from files to a ranked table, as a user's folder of YAML submissions is read.

Synthetic units of the 2023 set are written as YAML files (one a unit, with self-scores),
then read, checked, scored and ranked: ``rank(score_many(criteria, load_submissions(folder,
criteria)), criteria)``, with every problem still located by file and line.

Baseline, measured in the same run: parsing the same files with ruamel.yaml's
round-trip loader alone — the parser the previous reader used, without its line map,
models or checks (so the ratio understates the old path). For 10,000 files the
baseline is measured on the first 200 and scaled, as ruamel would take minutes.

Two paths are timed, each in one process and on both cores: ``load_submissions`` then
``score_many`` of the submissions, and ``score_many`` of the folder itself, whose reading
processes send back typed columns instead of submissions (:mod:`parindex.folder_table`).
Each run prints wall time and CPU time (this process and the reading processes), and the
load average; reading alone is also measured: the line reader against libyaml's events.

Then the same folder again with the compiled file cache (:mod:`parindex.file_cache`, in a
directory of its own): the first run writing it, warm runs finding every file unchanged, and
one with 1 % of the files edited — each labelled *warm*, beside the cold figure of the same
path measured just before. Every other line is cold: the file cache off.

Also: ``check_submission`` per unit over many units (baseline: pydantic validating the
same submissions' structure alone), and reading one criteria set.

``--breakdown [N]`` (alone, N files, default 10,000): where one process spends its CPU on the
path — reading the bytes, the YAML, the validation (built, else pydantic), the check, the
frame, the score, the rank — and what sending the submissions between processes costs
(pickling, unpickling); then the table read in one go as ``score_many(folder)`` reads it
(:mod:`parindex.folder_table`).

``--timeline [N]`` (alone, N files, default 10,000): ``score_many(folder) + rank`` on both
cores, cold, once: wall against CPU/2, when each reader ended its last slice (they should end
together), and the CPU of what this process does alone after the read (join, score, rank).

Run: ``make bench`` or
``.venv/bin/python benchmarks/files.py [--quick | --breakdown [N] | --timeline [N]]``.
"""

from __future__ import annotations

import os
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from contextlib import AbstractContextManager
from pathlib import Path
from typing import Any, TypeVar
from unittest import mock

import yaml
from ruamel.yaml import YAML

sys.path.insert(0, str(Path(__file__).parent))
from _timing import best_of, row

from parindex import folders, load_criteria, load_submissions, rank, score_many, synthetic
from parindex.criteria import CriteriaSet
from parindex.reading import read_yaml
from parindex.submission import Submission, check_submission

ROOT = Path(__file__).resolve().parent.parent
SET_2023 = ROOT / "criteria" / "namdinh-stnmt-2023.yaml"
T = TypeVar("T")


def write_units(criteria: CriteriaSet, n: int, folder: Path) -> list[Path]:
    """``n`` synthetic submissions as YAML files, as a unit would write them."""
    paths = []
    for unit in synthetic.units(criteria, n, seed=7, self_scores=True):
        data = unit.model_dump(mode="json", exclude_defaults=True)
        path = folder / f"{unit.unit.id}.yaml"
        path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
        paths.append(path)
    return paths


def ruamel_parse(paths: list[Path]) -> None:
    loader = YAML(typ="rt", pure=True)
    for path in paths:
        loader.load(path.read_text(encoding="utf-8"))


def files_to_ranking(criteria: CriteriaSet, folder: Path, workers: int | None = None) -> int:
    loaded = load_submissions(folder, criteria, on_error="raise", workers=workers)
    table = rank(score_many(criteria, loaded), criteria)
    return len(table)


def folder_to_ranking(criteria: CriteriaSet, folder: Path, workers: int | None = None) -> int:
    """``rank(score_many(criteria, folder))``: each reading process sends back columns
    (:mod:`parindex.folder_table`), not submissions."""
    if workers is None:
        return len(rank(score_many(criteria, folder), criteria))
    with mock.patch("parindex.folders.cores", return_value=workers):
        return len(rank(score_many(criteria, folder), criteria))


def cold() -> AbstractContextManager[object]:
    """The cold path: no file cache (:mod:`parindex.file_cache`) read or written; the
    criteria set is loaded before, so only reading the files is concerned."""
    return mock.patch.dict(os.environ, {"PARINDEX_CACHE": "off"})


def warm(criteria: CriteriaSet, folder: Path, n: int, base: float) -> None:
    """``score_many(folder) + rank`` again over the same files with the file cache, in a
    cache directory of its own: the first run (reading every file and writing the rows),
    then runs finding every row, then one with 1 % of the files edited. Beside ``base``,
    the cold figure of the same path on both cores measured just before in this run: never
    presented as the cold path's figure."""
    from parindex import file_cache

    paths = sorted(folder.glob("*.yaml"))
    newest = max(p.stat().st_ctime_ns for p in paths)
    time.sleep(max(0.0, (newest + file_cache.SETTLED_NS) / 1e9 - time.time() + 0.1))
    print(
        f"{n} files again, with the file cache (parindex.file_cache), both cores (load {_load()}):"
    )
    print(row("baseline: cold score_many(folder) + rank, both cores", base))
    with tempfile.TemporaryDirectory() as directory:
        env = {"PARINDEX_CACHE_DIR": directory, "PARINDEX_CACHE": "on"}
        with mock.patch.dict(os.environ, env):
            first, cpu_first, _ = timed(lambda: folder_to_ranking(criteria, folder), 1)
            again, cpu, count = timed(lambda: folder_to_ranking(criteria, folder), 3)
            assert count == n
            edited = paths[::100]  # 1 %
            for path in edited:
                path.write_bytes(path.read_bytes().replace(b"name: ", b"name: x", 1))
            some, cpu_some, _ = timed(lambda: folder_to_ranking(criteria, folder), 1)
            for path in edited:
                path.write_bytes(path.read_bytes().replace(b"name: x", b"name: ", 1))
        pack = sum(p.stat().st_size for p in Path(directory).glob("files/*.bin"))
    print(row("first run: every file read, the rows written", first, base))
    print(f"  {'(CPU, all processes)':<58} {cpu_first * 1000:9.2f} ms")
    print(row("warm: every file unchanged, every row from the cache", again, base))
    print(f"  {'(CPU, all processes)':<58} {cpu * 1000:9.2f} ms")
    print(row(f"warm: {len(edited)} files edited (read), the others from the cache", some, base))
    print(f"  {'(CPU, all processes)':<58} {cpu_some * 1000:9.2f} ms")
    print(f"  (the pack: {pack / 1024:.0f} kB, {pack / n:.0f} bytes a file)")


def timed(function: Callable[[], T], repeat: int) -> tuple[float, float, T]:
    """Median wall and CPU seconds (this process and the reading processes it waited for).

    The cycle collector runs first, untimed: a run must not pay for the garbage the runs
    before it left (10,000 submissions read are about 2,2 million objects, and the first
    full collection of a later run walked them: 5,4 s of CPU, session 8)."""
    import gc

    walls, cpus = [], []
    result: T
    for _ in range(repeat):
        gc.collect()
        before, start = os.times(), time.perf_counter()
        result = function()
        wall, after = time.perf_counter() - start, os.times()
        walls.append(wall)
        cpus.append(sum(after[:4]) - sum(before[:4]))
    return statistics.median(walls), statistics.median(cpus), result


def reading(paths: list[Path]) -> None:
    """Reading alone: the line reader (with the events for what it leaves) against the events."""
    raws = [(p.read_bytes(), str(p)) for p in paths]

    def read_all() -> None:
        for raw, file in raws:
            read_yaml(raw, file)

    fast, _ = best_of(read_all, repeat=5)
    with mock.patch("parindex.reading_fast.read_plain", return_value=None):
        events, _ = best_of(read_all, repeat=5)
    print(f"reading {len(paths)} files alone (read_yaml)")
    print(row("baseline: libyaml's event stream (the careful reader)", events))
    print(row("line reader (reading_fast), events for what it leaves", fast, events))


def breakdown(criteria: CriteriaSet, n: int) -> None:
    """CPU (and wall) of each step of the path in one process, over ``n`` written files."""
    import pickle

    from parindex.batch_units import from_submissions
    from parindex.checks import check_many
    from parindex.collector import paused
    from parindex.folder_table import read_table
    from parindex.folders import submission_files
    from parindex.loader import read_bytes
    from parindex.reading import read_lazily
    from parindex.submission import parse_submission

    steps: list[tuple[str, float, float]] = []

    def step(name: str, function: Callable[[], T]) -> T:
        wall, cpu = time.perf_counter(), time.process_time()
        result = function()
        steps.append((name, time.perf_counter() - wall, time.process_time() - cpu))
        return result

    with tempfile.TemporaryDirectory() as tmp:
        write_units(criteria, n, Path(tmp))
        files = submission_files(tmp)
        print(f"Breakdown of {n} files in one process (load {_load()})")
        with paused():
            raws = step("read the bytes", lambda: [read_bytes(f) for f in files])
            sources = step(
                "read YAML (read_lazily)",
                lambda: [read_lazily(r, str(f)) for r, f in zip(raws, files, strict=True)],
            )
            units = step(
                "validate (parse_submission: built, else pydantic)",
                lambda: [parse_submission(s.data, s) for s in sources],
            )
            for source in sources:
                source.release()  # type: ignore[attr-defined]  # as load_submission does
            blobs = step("send: pickle the submissions", lambda: [pickle.dumps(u) for u in units])
            step("send: unpickle them", lambda: [pickle.loads(b) for b in blobs])
            step("check (check_many)", lambda: check_many(criteria, units))
            step("frame (batch_units.from_submissions)", lambda: from_submissions(criteria, units))
            scores = step("frame and score (score_many)", lambda: score_many(criteria, units))
            step("rank", lambda: rank(scores, criteria))
        step(
            "all of it as score_many(folder) reads (read_table)",
            lambda: read_table(files, criteria, workers=1),
        )
    for name, wall, cpu in steps:
        print(
            f"  {name:<42} CPU {cpu * 1000:8.0f} ms ({cpu / n * 1e6:5.0f} µs a file)"
            f"   wall {wall * 1000:8.0f} ms"
        )
    print(f"  (load after: {_load()})")


def timeline(criteria: CriteriaSet, n: int) -> None:
    """``score_many(folder) + rank`` on both cores, cold: where the wall goes beyond CPU/2."""
    import gc

    from parindex import folder_table

    part = folder_table._part

    def noted(paths: list[Path], criteria: CriteriaSet) -> folder_table._Part:
        done = part(paths, criteria)
        vars(done)["ended"] = (os.getpid(), time.perf_counter())  # one clock for all processes
        return done

    marks: list[tuple[str, float, float]] = []
    read_table = folder_table.read_table

    def table(*args: Any, **kwargs: Any) -> Any:
        found = read_table(*args, **kwargs)
        marks.append(("read, joined (read_table)", time.perf_counter(), time.process_time()))
        return found

    parts: list[folder_table._Part] = []
    in_slices = folders.in_slices

    def sliced(*args: Any, **kwargs: Any) -> Any:
        found = in_slices(*args, **kwargs)
        marks.append(("every slice read (in_slices)", time.perf_counter(), time.process_time()))
        parts.extend(found)
        return found

    with tempfile.TemporaryDirectory() as tmp:
        write_units(criteria, n, Path(tmp))
        folder_to_ranking(criteria, Path(tmp), 2)  # imports and first-time costs, untimed
        gc.collect()
        with (
            mock.patch.object(folder_table, "_part", noted),
            mock.patch.object(folder_table, "read_table", table),
            mock.patch.object(folders, "in_slices", sliced),
            mock.patch.object(folders, "cores", return_value=2),
            cold(),
        ):
            before, start, cpu = os.times(), time.perf_counter(), time.process_time()
            scores = score_many(criteria, Path(tmp))
            marks.append(("scored (score_many)", time.perf_counter(), time.process_time()))
            rank(scores, criteria)
            marks.append(("ranked (rank)", time.perf_counter(), time.process_time()))
            after = os.times()
    total = sum(after[:4]) - sum(before[:4])
    wall = marks[-1][1] - start
    print(f"Timeline of {n} files, score_many(folder) + rank, both cores, cold (load {_load()})")
    print(f"  wall {wall:.2f} s; CPU {total:.2f} s, all processes; CPU/2 {total / 2:.2f} s")
    last: dict[str, float] = {}
    for done in parts:
        pid, ended = vars(done)["ended"]
        who = "this process" if pid == os.getpid() else "reading process"
        last[who] = max(last.get(who, 0.0), ended - start)
    for who, ended in sorted(last.items()):
        print(f"  {who:<16} ended its last slice at {ended:6.2f} s")
    print(f"  slices: {len(parts)}")
    previous = cpu
    for name, at, used in marks:
        print(
            f"  {at - start:6.2f} s  {name:<30} (this process's CPU since: {used - previous:.2f} s)"
        )
        previous = used


def _load() -> str:
    return ", ".join(f"{x:.2f}" for x in os.getloadavg())


def main() -> None:
    if "--timeline" in sys.argv:
        at = sys.argv.index("--timeline") + 1
        timeline(load_criteria(SET_2023), int(sys.argv[at]) if at < len(sys.argv) else 10_000)
        return
    if "--breakdown" in sys.argv:
        at = sys.argv.index("--breakdown") + 1
        n = int(sys.argv[at]) if at < len(sys.argv) else 10_000
        breakdown(load_criteria(SET_2023), n)
        return
    quick = "--quick" in sys.argv
    criteria = load_criteria(SET_2023)
    print(
        f"From files to a ranked table (2023 set, synthetic units with self-scores; load {_load()})"
    )
    sizes = (200, 2_000) if quick else (200, 10_000)
    with tempfile.TemporaryDirectory() as tmp:
        for n in sizes:
            folder = Path(tmp) / str(n)
            folder.mkdir()
            paths = write_units(criteria, n, folder)
            size = sum(p.stat().st_size for p in paths) / n
            sample = paths[:200]
            baseline, _ = best_of(lambda s=sample: ruamel_parse(s), repeat=1 if n > 200 else 3)
            baseline *= n / len(sample)
            repeat = 1 if n > 1000 else 3
            print(f"{n} files, {size / 1024:.1f} kB each:")
            scaled = " (200 measured, scaled)" if n > 200 else ""
            print(row(f"baseline: ruamel.yaml round-trip parse only{scaled}", baseline))
            best = cold_folder = float("inf")
            for label, path in (
                ("load_submissions + score_many + rank", files_to_ranking),
                ("score_many(folder) + rank", folder_to_ranking),
            ):
                for cores, workers in (("one process", 1), ("both cores", None)):
                    with cold():
                        wall, cpu, count = timed(
                            lambda f=folder, p=path, w=workers: p(criteria, f, w), repeat
                        )
                    assert count == n
                    best = min(best, wall)
                    if path is folder_to_ranking and workers is None:
                        cold_folder = wall  # the warm lines' baseline
                    print(row(f"{label}, {cores}", wall, baseline))
                    print(f"  {'(CPU, all processes)':<58} {cpu * 1000:9.2f} ms")
            goal = 1.0 if n <= 200 else 10.0 * n / 10_000
            print(
                f"  goal ≤ {goal:g} s (cold: no file cache): {'met' if best <= goal else 'NOT met'}"
            )
            warm(criteria, folder, n, cold_folder)
            if n == 200:
                reading(paths)
        units = 2_000 if quick else 10_000
        print(f"check_submission over {units} units (per unit)")
        fresh = synthetic.units(criteria, units, seed=3, self_scores=True)
        dumps = [s.model_dump(mode="json", exclude_defaults=True) for s in fresh]
        start = time.perf_counter()
        copies = [Submission.model_validate(d) for d in dumps]
        structure = (time.perf_counter() - start) / units
        start = time.perf_counter()
        for submission in copies:
            check_submission(criteria, submission)
        checking = (time.perf_counter() - start) / units
        print(row("baseline: pydantic validating the submission's structure", structure))
        print(row("check_submission", checking, structure))
        print(f"  (check_submission: {checking * 1e6:.0f} µs a unit)")
        print(
            "  (one unit at a time; the goal ≤ 30 µs a unit is checking many: benchmarks/checks.py)"
        )


if __name__ == "__main__":
    main()

"""Start-up time of whole processes: ``import parindex``, ``parindex --help``, one ``score``.

Each command runs as a fresh Python process (what a user waits for), several times; the
median is printed beside two baselines measured in the same run: ``python -c pass`` and
the same command on an earlier commit (``--before REV``, default the commit before lazy
imports), extracted with ``git archive`` and put first on ``PYTHONPATH``.

    python benchmarks/startup.py [--before REV] [--repeat N]

``score`` runs twice: output to /dev/null (plain text, as to a file or a pipe) and on a
pseudo-terminal of 80 columns (colours, as a person at a terminal sees it). Both use the
compiled criteria cache (an untimed first run of each command writes it). The commit
now and the one before take turns, run by run, so that a change of a loaded machine's
load falls on both alike; the CPU time (user + system) of the child is printed beside the
wall time, its median and its least, with the load average.
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import subprocess
import sys
import tarfile
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CRITERIA = ROOT / "criteria" / "namdinh-stnmt-2023.yaml"
UNIT = ROOT / "evidence" / "so-tnmt-mau-2023.yaml"
GOALS = {
    "import parindex": 0.3,
    "parindex --help": 0.3,
    "parindex score (1 unit)": 0.5,
    "the same, on a terminal": 0.5,
}
START_COMMIT = "c25930c"  # main when the start-up work began

COMMANDS = {
    "python -c pass": ["-c", "pass"],
    "import parindex": ["-c", "import parindex"],
    "parindex --help": ["-c", "from parindex.cli import main; main(['--help'])"],
    # As the installed ``parindex`` program runs it (``parindex.__main__:run``; an earlier
    # revision without it is run through ``main``, as its program was).
    "parindex score (1 unit)": [
        "-c",
        f"import sys\nsys.argv = ['parindex', 'score', {str(CRITERIA)!r}, {str(UNIT)!r}]\n"
        "try:\n    from parindex.__main__ import run\nexcept ImportError:\n"
        "    from parindex.cli import main as run\nrun()",
    ],
}
COMMANDS["the same, on a terminal"] = COMMANDS["parindex score (1 unit)"]
TERMINAL = {"the same, on a terminal"}
"""Commands run on a pseudo-terminal of 80 columns (what a person at a terminal sees:
colours, the terminal's width) instead of writing to /dev/null."""


def _run(args: list[str], env: dict[str, str], terminal: bool) -> None:
    """One fresh process: output to /dev/null, or to a pseudo-terminal of 80 × 24 read
    to its end while the process writes (as a terminal would)."""
    command = [sys.executable, *args]
    if not terminal:
        subprocess.run(
            command,
            env=env,
            cwd=tempfile.gettempdir(),
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            check=False,
        )
        return
    import fcntl
    import struct
    import termios

    master, slave = os.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 24, 80, 0, 0))
    # No COLUMNS: the width comes from the terminal, as for a person.
    child_env = {k: v for k, v in env.items() if k not in ("COLUMNS", "LINES")}
    child = subprocess.Popen(
        command,
        env=child_env,
        cwd=tempfile.gettempdir(),
        stdin=slave,
        stdout=slave,
        stderr=slave,
    )
    os.close(slave)
    while True:
        try:
            if not os.read(master, 65536):
                break
        except OSError:  # EIO: the child closed the terminal
            break
    child.wait()
    os.close(master)


def _once(args: list[str], env: dict[str, str], terminal: bool) -> tuple[float, float]:
    """Wall time and CPU time (the child's user + system, less changed by a loaded
    machine) of one fresh process, run outside the checkout (``-c`` puts the working
    folder first on ``sys.path``, which would shadow ``PYTHONPATH``)."""
    used = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    _run(args, env, terminal)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return wall, after.ru_utime - used.ru_utime + after.ru_stime - used.ru_stime


def _medians(
    args: list[str], envs: list[dict[str, str]], repeat: int, terminal: bool = False
) -> list[tuple[float, float, float]]:
    """For each environment: median wall time, median CPU time and least CPU time of
    ``repeat`` fresh processes. The environments take turns (now, before, now, …), so a
    change of the machine's load during the run falls on both alike."""
    walls: list[list[float]] = [[] for _ in envs]
    cpus: list[list[float]] = [[] for _ in envs]
    for env in envs:  # untimed: writes each revision's criteria cache entry, if it has one
        _once(args, env, terminal)
    for _ in range(repeat):
        for index, env in enumerate(envs):
            wall, cpu = _once(args, env, terminal)
            walls[index].append(wall)
            cpus[index].append(cpu)
    return [
        (statistics.median(w), statistics.median(c), min(c))
        for w, c in zip(walls, cpus, strict=True)
    ]


def _checkout(revision: str, folder: Path) -> Path | None:
    """The package as it was at ``revision`` (git archive), or None without git."""
    archive = folder / "before.tar"
    with archive.open("wb") as handle:
        done = subprocess.run(
            ["git", "-C", str(ROOT), "archive", revision, "parindex"],
            stdout=handle,
            stderr=subprocess.DEVNULL,
            check=False,
        )
    if done.returncode != 0:
        return None
    with tarfile.open(archive) as tar:
        tar.extractall(folder / "before", filter="data")
    return folder / "before"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--before", default=START_COMMIT, help="git revision to compare with")
    parser.add_argument("--repeat", type=int, default=5)
    options = parser.parse_args()
    # As installed: bytecode written once, then read (a checkout run with
    # PYTHONDONTWRITEBYTECODE would compile every edited module on every start).
    base = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    now = dict(base, PYTHONPATH=str(ROOT))
    with tempfile.TemporaryDirectory() as folder:
        before_root = _checkout(options.before, Path(folder))
        before = None if before_root is None else dict(base, PYTHONPATH=str(before_root))
        for root in (ROOT, before_root):
            if root is not None:
                subprocess.run(
                    [sys.executable, "-m", "compileall", "-q", str(root / "parindex")],
                    env=base,
                    stdout=subprocess.DEVNULL,
                    check=False,
                )
        floor = _medians(COMMANDS["python -c pass"], [now], options.repeat)[0][0]
        print(
            f"Start-up, whole processes, median of {options.repeat}, now and before taking "
            f"turns (python -c pass: {floor * 1000:.0f} ms; load average "
            f"{', '.join(f'{x:.1f}' for x in os.getloadavg())})"
        )
        print(
            f"  {'command':<26} {'now':>9} {'cpu now':>9} {'least cpu':>9} {'before':>9}"
            f" {'cpu before':>10} {'least cpu':>9} {'ratio':>7} {'cpu ratio':>9} {'goal':>7}"
        )
        for name, args in COMMANDS.items():
            if name == "python -c pass":
                continue
            envs = [now] if before is None else [now, before]
            figures = _medians(args, envs, options.repeat, name in TERMINAL)
            seconds, cpu, least = figures[0]
            shown_old, ratio = " " * 30, " " * 17
            if before is not None:
                old, old_cpu, old_least = figures[1]
                shown_old = f"{old * 1000:7.0f}ms {old_cpu * 1000:8.0f}ms {old_least * 1000:7.0f}ms"
                ratio = f"{seconds / old:6.2f}× {cpu / old_cpu:8.2f}×"
            goal = GOALS[name]
            verdict = "met" if seconds <= goal else "NOT met"
            print(
                f"  {name:<26} {seconds * 1000:7.0f}ms {cpu * 1000:7.0f}ms {least * 1000:7.0f}ms"
                f" {shown_old} {ratio} {goal * 1000:5.0f}ms {verdict}"
            )


if __name__ == "__main__":
    main()

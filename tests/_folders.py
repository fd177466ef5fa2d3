"""Helpers shared by tests: folders of submission files, each file with the fate it is given."""

from __future__ import annotations

import re
from collections.abc import Sequence
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
EVIDENCE = ROOT / "evidence"


def write_units(
    folder: Path, fates: Sequence[str], sources: Sequence[Path], start: int = 0
) -> None:
    """One file a fate, ``000.yaml`` on, copied from ``sources`` in turn (from ``start``), each
    unit's id made its own (``u000-…``): ``good``; ``broken``, damaged YAML; ``bad_value``, a
    value read then refused by the check; ``unknown``, an input the set does not declare;
    ``twice``, the unit of the file before again; ``no_year``, a structural problem."""
    for index, fate in enumerate(fates):
        first = index - 1 if fate == "twice" else index  # the unit of the file before
        text = sources[(start + first) % len(sources)].read_bytes()
        text = text.replace(b"  id: ", f"  id: u{first:03d}-".encode(), 1)
        if fate == "broken":
            text = text.replace(b"year:", b"year: [", 1)
        elif fate == "bad_value":  # read, then refused by the check
            text = re.sub(rb"(so_nhiem_vu_duoc_giao|so_don_vi_truc_thuoc): \S+", rb"\1: -3", text)
        elif fate == "unknown":
            text = text.replace(b"values:\n", b"values:\n  khong_co_ten_nay: 1\n", 1)
        elif fate == "no_year":
            text = text.replace(b"year:", b"nam:", 1)
        else:
            assert fate in ("good", "twice"), fate
        (folder / f"{index:03d}.yaml").write_bytes(text)


def fates(count: int, **every: tuple[int, int]) -> list[str]:
    """``count`` fates, ``good`` but where ``index % n == r`` for a fate given as ``(n, r)``
    (the first fate named wins): ``fates(20, unknown=(4, 1))``."""
    return [
        next((fate for fate, (n, r) in every.items() if index % n == r), "good")
        for index in range(count)
    ]

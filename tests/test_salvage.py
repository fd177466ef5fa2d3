"""Tests for :mod:`parindex.salvage`: structural errors do not hide the later problems."""

from __future__ import annotations

from pathlib import Path

import pytest

from parindex.errors import CriteriaError
from parindex.loader import load_criteria
from parindex.salvage import salvage
from parindex.submission import Submission

DATA = Path(__file__).parent / "data"


def test_a_dropped_node_hides_only_what_its_absence_causes(tmp_path: Path) -> None:
    """A node with a bad maximum is dropped; a bad expression in another node is still found."""
    text = (DATA / "invalid" / "several_phases.yaml").read_text(encoding="utf-8")
    text = text.replace("max_point: 1", "max_points: nhiều")
    path = tmp_path / "set.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(CriteriaError) as caught:
        load_criteria(path)
    found = {(p.kind, p.line) for p in caught.value.problems}
    # the node's own error, the other node's bad name, and no sum_mismatch from the drop
    assert found == {("invalid_value", 32), ("unknown_name", 40)}


def test_salvage_renames_close_keys_and_maps_paths_back() -> None:
    data = {
        "format": "parindex.submission/1",
        "criteria": "x",
        "year": 2023,
        "unit": {"id": "u", "name": "U", "level": "so"},
        "documents": [
            {"id": "a", "kind": "KH", "title": "t", "supports": []},
            {"id": "b", "kind": "KH", "title": "t", "suports": ["1.1"]},
            {"id": "c", "kind": "KH", "title": "t", "supports": ["9.9"]},
        ],
    }
    errors = [
        (("documents", 0, "supports"), "too_short"),
        (("documents", 1, "supports"), "missing"),
        (("documents", 1, "suports"), "extra_forbidden"),
    ]
    kept = salvage(Submission, data, errors)
    assert kept is not None
    assert [d.id for d in kept.model.documents] == ["b", "c"]
    assert kept.original(("documents", 1, "supports", 0)) == ("documents", 2, "supports", 0)
    assert kept.original(("documents", 0, "supports")) == ("documents", 1, "suports")
    assert kept.dropped == {"documents"}


def test_an_error_outside_any_item_leaves_nothing() -> None:
    assert salvage(Submission, {"format": "x"}, [(("format",), "literal_error")]) is None

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


def test_a_submission_shape_error_hides_none_of_its_value_problems() -> None:
    """Against its set, a submission reports its structural and its value problems in one
    run, each located in the original file (the values under a misspelt key included)."""
    from parindex.errors import SubmissionError
    from parindex.submission import load_submission

    path = DATA / "submissions" / "several-phases-mini.yaml"
    criteria = load_criteria(DATA / "mini.yaml")
    with pytest.raises(SubmissionError) as alone:
        load_submission(path)
    with pytest.raises(SubmissionError) as caught:
        load_submission(path, criteria)
    shape = {(p.kind, p.line, p.field) for p in alone.value.problems}
    found = {(p.kind, p.line, p.field) for p in caught.value.problems}
    assert shape == {
        ("unknown_key", 13, "documents[0].dat"),
        ("unknown_key", 16, "self_scores.1.1.explain"),
        ("unknown_key", 8, "valeus"),
    }
    assert found == shape | {
        ("invalid_value", 10, "valeus.ty_le_hoan_thanh"),
        ("invalid_value", 11, "valeus.so_don_vi"),
        ("unknown_code", 14, "documents[1].supports[0]"),
    }
    said = {p.field: p.describe() for p in caught.value.problems}
    assert "có phải ý bạn là 'values'?" in said["valeus"]
    assert "cho phép: format, criteria, year" in said["valeus"]


def test_a_submission_of_another_set_is_not_checked_against_this_one() -> None:
    from parindex.errors import SubmissionError
    from parindex.reading import SourceMap
    from parindex.submission import parse_submission

    data = {
        "format": "parindex.submission/1",
        "criteria": "khac",
        "year": 2023,
        "unit": {"id": "u", "name": "U", "level": "so"},
        "valeus": {"x": 1},
    }
    with pytest.raises(SubmissionError) as caught:
        parse_submission(data, SourceMap("s.yaml", data, {}), load_criteria(DATA / "mini.yaml"))
    assert [p.kind for p in caught.value.problems] == ["unknown_key"]


def test_a_comma_inside_braces_is_joined_back_and_named() -> None:
    from parindex.salvage import comma_split

    assert comma_split({"max_points": 0, "5": None}, "5") is not None
    assert comma_split({"max_points": "0", "5": None}, "5") is not None
    assert comma_split({"max_points": 0, "5": 1}, "5") is None  # a real key with a value
    assert comma_split({"5": None}, "5") is None
    assert comma_split({"title": "x", "5": None}, "5") is None

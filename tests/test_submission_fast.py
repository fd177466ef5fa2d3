"""Tests for :mod:`parindex.submission_fast`: pydantic's submission, or ``None``.

The property: for any plain data — submissions of every shape a unit writes, the same with
their keys, types and values spoiled — :func:`built` either returns ``None`` or a submission
equal to the one pydantic validates (every value of the same type and text, the same fields
set, the same private attributes), and never one where pydantic refuses the data. So
:func:`~parindex.submission.parse_submission` gives the same submission or the same problems
(file, line, kind) whichever path it takes.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path
from typing import Any
from unittest import mock

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pydantic import BaseModel

from parindex import load_criteria, submission_fast, synthetic
from parindex.errors import SubmissionError
from parindex.loader import read_document
from parindex.submission import Submission, parse_submission
from parindex.submission_fast import built

ROOT = Path(__file__).resolve().parent.parent
SHIPPED = sorted(
    path
    for folder in ("tests", "criteria", "plans", "evidence")
    for path in (ROOT / folder).rglob("*.yaml")
    if b"parindex.submission/1" in path.read_bytes()
)


def same(fast: Any, careful: Any) -> None:
    """Equal, of the same types throughout, with the same fields set and private attributes."""
    assert type(fast) is type(careful)
    if isinstance(careful, BaseModel):
        assert fast.__pydantic_fields_set__ == careful.__pydantic_fields_set__
        assert fast.__pydantic_extra__ == careful.__pydantic_extra__
        assert fast.__pydantic_private__ == careful.__pydantic_private__
        assert list(vars(fast)) == list(vars(careful))
        for name, value in vars(careful).items():
            same(vars(fast)[name], value)
    elif isinstance(careful, dict):
        assert list(fast) == list(careful)
        for key, value in careful.items():
            same(fast[key], value)
    elif isinstance(careful, list):
        assert len(fast) == len(careful)
        for one, other in zip(fast, careful, strict=True):
            same(one, other)
    else:
        assert fast == careful
        assert repr(fast) == repr(careful)


def careful(data: Any) -> Submission | None:
    """What pydantic makes of ``data``, or ``None`` when it refuses it (any exception)."""
    try:
        return Submission.model_validate(data)
    except Exception:
        return None


def agrees(data: Any) -> Submission | None:
    fast, slow = built(data), careful(data)
    if fast is not None:
        assert slow is not None, "built data pydantic refuses"
        same(fast, slow)
    return fast


texts = st.sampled_from(["", "x", "Tự chấm", "1.1", "syn-0001", "so", " a ", "0,5"]) | st.text(
    max_size=6
)
plain = st.none() | st.booleans() | st.integers(-5, 3000) | texts
odd = (
    plain
    | st.sampled_from([[], {}, [1], {"a": 1}, 2023.0, -0.0, Decimal("1.0"), Decimal("NaN")])
    | st.just(dt.datetime(2023, 1, 5, 0, 0))
)
"""What a spoiled value becomes."""
good_points = st.sampled_from(["0", "0.50", "1.00", "0,5", "1.0", "1", "2.25"]) | st.integers(0, 5)
points = (
    good_points
    | st.sampled_from(["-1", "abc", "", "1e3", "NaN", "Infinity", -1, True, None])
    | st.floats(-1, 5, allow_nan=False)
    | st.sampled_from([Decimal("1.0"), Decimal("1.00"), Decimal("-0"), 0.0, -0.0])
)
explanation = st.none() | st.sampled_from(["Tự chấm (dữ liệu tổng hợp)", "x"])
score = st.fixed_dictionaries({"points": points}, optional={"explanation": explanation})
unit = st.fixed_dictionaries(
    {
        "id": st.sampled_from(["syn-0001", "a.b_c-D9", "Ok_1.", "-x", "", "x y", "é", "ok\n"]),
        "name": texts,
        "level": st.sampled_from(["so", "huyen", "xa", "so", "SO", "tinh"]),
    },
    optional={
        "group": st.none() | texts,
        "facts": st.dictionaries(texts, st.booleans(), max_size=3),
    },
)
day = st.sampled_from(
    ["2023-01-05", "05/01/2023", "20/12/2022", "2023-13-01", "", dt.date(2023, 1, 5), None]
)
document = st.fixed_dictionaries(
    {
        "id": st.sampled_from(["d1", "d2", ""]),
        "kind": texts,
        "title": texts,
        "supports": st.lists(st.sampled_from(["1.1", "2.3.a"]), max_size=2),
    },
    optional={
        "number": st.none() | texts,
        "date": day,
        "issuer": st.none() | texts,
        "link": st.none() | texts,
        "file": st.none() | texts,
        "part_of_larger": st.booleans(),
        "section": st.none() | texts,
    },
)
values = st.dictionaries(
    texts, plain | st.sampled_from(["2023-01-05", "12", dt.date(2023, 1, 5)]), max_size=4
)
good = st.fixed_dictionaries(
    {
        "format": st.just("parindex.submission/1"),
        "criteria": st.sampled_from(["mini", "namdinh-stnmt-2023"]),
        "year": st.integers(1988, 2102),
        "unit": unit,
    },
    optional={
        "sample": st.booleans(),
        "synthetic": st.booleans(),
        "values": values,
        "documents": st.lists(document, max_size=2),
        "self_scores": st.dictionaries(st.sampled_from(["1.1", "1.2", "2.3.a"]), score),
        "survey": st.dictionaries(st.sampled_from(["XHH", "1.1"]), points, max_size=2),
        "appraisals": st.just([]),
        "note": st.none() | texts,
    },
)
"""Submissions of the shapes a unit writes, mostly valid."""


@st.composite
def spoiled(draw: st.DrawFn) -> Any:
    """A good submission with one to three places spoiled: a value replaced by another of any
    type, a key removed, a key added."""
    data = draw(good)
    for _ in range(draw(st.integers(1, 3))):
        parent, at, place = None, None, data
        while isinstance(place, dict | list) and place and draw(st.booleans()):
            key = draw(
                st.sampled_from(list(place) if isinstance(place, dict) else range(len(place)))
            )
            parent, at, place = place, key, place[key]
        what = draw(st.sampled_from(["replace", "remove", "add"]))
        if parent is None or what == "add":
            if isinstance(place, dict):
                place[draw(st.sampled_from(["bogus", "id", "points", "format"]) | texts)] = draw(
                    odd
                )
        elif what == "remove" and isinstance(parent, dict):
            del parent[at]
        else:
            parent[at] = draw(odd)
    return data


submission = good | spoiled()


@given(submission)
@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
def test_built_is_pydantics_submission_or_none(data: dict[str, Any]) -> None:
    agrees(data)


@given(submission, submission)
@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
def test_scores_built_before_are_used_again_only_when_equal(
    first: dict[str, Any], second: dict[str, Any]
) -> None:
    """The scores kept from one submission (:data:`submission_fast._SCORES`) never stand for
    another's that is not the same: ``1.0`` and ``1.00``, ``-0.0`` and ``0.0``, ``1`` and
    ``True``, an explanation given as ``null`` and none given."""
    agrees(first)
    agrees(second)


@pytest.mark.parametrize(
    "scores",
    [
        [{"points": "1.0"}, {"points": "1.00"}],
        [{"points": 1.0}, {"points": 1}, {"points": Decimal("1.00")}, {"points": Decimal("1.0")}],
        [{"points": 0.0}, {"points": -0.0}],
        [{"points": "1", "explanation": None}, {"points": "1"}, {"points": "1", "bogus": None}],
        [{"points": 1}, {"points": True}],
    ],
)
def test_equal_points_written_otherwise_are_built_apart(scores: list[dict[str, Any]]) -> None:
    base = {"format": "parindex.submission/1", "criteria": "c", "year": 2023}
    base["unit"] = {"id": "u", "name": "n", "level": "so"}
    for twice in range(2):  # the second time, from the kept scores
        for at, one in enumerate(scores):
            agrees({**base, "self_scores": {f"{at}.{twice}": one}})


@pytest.mark.parametrize(
    "spoiled",
    [
        {"supports": [1]},
        {"supports": []},
        {"supports": "1.1"},
        {"supports": [None]},
        {"id": ""},
        {"id": 1},
        {"date": "2023-13-01"},
        {"date": 20230105},
        {"date": dt.datetime(2023, 1, 5)},
        {"part_of_larger": 1},
        {"section": 0},
        {"title": None},
        {"kind": b"x"},
        {"file": True},
    ],
)
def test_a_spoiled_document_is_left_to_pydantic(spoiled: dict[str, Any]) -> None:
    document = {"id": "d", "kind": "k", "title": "t", "supports": ["1.1"]} | spoiled
    base = {"format": "parindex.submission/1", "criteria": "c", "year": 2023}
    data = base | {"unit": {"id": "u", "name": "n", "level": "so"}, "documents": [document]}
    assert agrees(data) is None


def test_a_synthetic_submission_is_built() -> None:
    criteria = load_criteria(ROOT / "criteria" / "namdinh-stnmt-2023.yaml")
    for unit in synthetic.units(criteria, 3, seed=7, self_scores=True):
        data = unit.model_dump(mode="json", exclude_defaults=True)
        assert agrees(data) is not None


def test_documents_are_built() -> None:
    data = {
        "format": "parindex.submission/1",
        "criteria": "c",
        "year": 2023,
        "unit": {"id": "u", "name": "n", "level": "xa", "group": "g", "facts": {"f": True}},
        "documents": [
            {"id": "d1", "kind": "Kế hoạch", "title": "t", "supports": ["1.1"], "section": ""},
            {
                "id": "d2",
                "kind": "Báo cáo",
                "number": "12/BC",
                "date": "20/12/2022",
                "issuer": "UBND",
                "title": "t",
                "link": "https://x",
                "file": "a.pdf",
                "supports": ["1.1", "1.2"],
                "part_of_larger": True,
                "section": "mục 2",
            },
        ],
        "survey": {"XHH": "23.13"},
        "note": None,
    }
    assert agrees(data) is not None


@pytest.mark.parametrize("path", SHIPPED, ids=lambda p: str(p.relative_to(ROOT)))
def test_every_shipped_submission_reads_the_same(path: Path) -> None:
    try:
        data, _ = read_document(path, error=SubmissionError)
    except SubmissionError:
        return
    for one in (data, data.get("submission") if isinstance(data, dict) else None):
        agrees(one)


def test_shipped_submissions_take_the_fast_path() -> None:
    """Every shipped submission pydantic accepts is built, but those with appraisals."""
    taken = 0
    for path in SHIPPED:
        try:
            data, _ = read_document(path, error=SubmissionError)
        except SubmissionError:
            continue
        if careful(data) is not None and not data.get("appraisals"):
            assert built(data) is not None, path
            taken += 1
    assert taken >= 9


@given(submission)
@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
def test_parse_submission_gives_the_same_problems(data: dict[str, Any]) -> None:
    """``parse_submission`` with and without the fast path: the same submission, or the same
    problems (file, line, field, kind, message) with the criteria set's later ones."""
    criteria = load_criteria(ROOT / "tests" / "data" / "mini.yaml")
    _, source = read_document(ROOT / "tests" / "data" / "submissions" / "bad-mini.yaml")

    def outcome() -> Any:
        try:
            return parse_submission(data, source, criteria)
        except SubmissionError as error:
            return list(error.problems)
        except Exception as error:  # pydantic lets a validator's other exceptions through
            return type(error)

    fast = outcome()
    with mock.patch.object(submission_fast, "built", return_value=None):
        slow = outcome()
    if isinstance(slow, Submission):
        same(fast, slow)
    else:
        assert fast == slow

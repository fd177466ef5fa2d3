"""Tests for :mod:`parindex.errors`: problems a person can act on, in Vietnamese and English."""

from __future__ import annotations

import pytest

from parindex.errors import (
    CriteriaError,
    EvaluationError,
    ExpressionError,
    ParindexError,
    Problem,
    SubmissionError,
)

PROBLEM = Problem(
    kind="unknown_name",
    message="tên chưa khai báo: ty_lee; có phải ý bạn là ty_le?",
    message_en="undeclared name: ty_lee; did you mean ty_le?",
    file="criteria/x.yaml",
    line=27,
    code="1.4",
    field="nodes[0].children[3].rule.value",
    text="ty_lee >= 50",
    allowed=("co_ke_hoach", "ty_le"),
)


def test_describe_in_vietnamese() -> None:
    assert PROBLEM.describe() == (
        "criteria/x.yaml:27 [1.4] nodes[0].children[3].rule.value: "
        "tên chưa khai báo: ty_lee; có phải ý bạn là ty_le? ('ty_lee >= 50') "
        "— cho phép: co_ke_hoach, ty_le"
    )
    assert PROBLEM.describe("vi") == PROBLEM.describe()


def test_describe_in_english() -> None:
    assert PROBLEM.describe("en") == (
        "criteria/x.yaml:27 [1.4] nodes[0].children[3].rule.value: "
        "undeclared name: ty_lee; did you mean ty_le? ('ty_lee >= 50') "
        "— allowed: co_ke_hoach, ty_le"
    )


def test_describe_falls_back_to_vietnamese_without_english() -> None:
    problem = Problem(kind="x", message="thông báo")
    assert problem.describe("en") == "? thông báo"


def test_describe_leaves_out_what_is_unknown() -> None:
    assert Problem(kind="x", message="m", file="f.yaml").describe() == "f.yaml m"
    assert Problem(kind="x", message="m", file="f.yaml", line=3).describe() == "f.yaml:3 m"
    assert Problem(kind="x", message="m", code="1.1").describe() == "? [1.1] m"


def test_text_already_in_the_message_is_not_repeated() -> None:
    problem = Problem(kind="x", message="mã 1.1 bị trùng", text="1.1")
    assert problem.describe() == "? mã 1.1 bị trùng"


def test_long_text_and_long_allowed_lists_are_cut() -> None:
    problem = Problem(
        kind="x", message="m", text="a" * 200, allowed=tuple(f"k{i}" for i in range(30))
    )
    line = problem.describe()
    assert "'" + "a" * 117 + "'…" in line
    assert "a" * 118 not in line
    assert line.endswith("k23, k24 …")
    assert "k25" not in line


def test_to_dict_is_json_ready() -> None:
    data = PROBLEM.to_dict()
    assert data["allowed"] == ["co_ke_hoach", "ty_le"]
    assert data["line"] == 27
    assert set(data) == {
        "kind",
        "message",
        "message_en",
        "file",
        "line",
        "code",
        "field",
        "text",
        "allowed",
    }


def test_criteria_error_lists_every_problem() -> None:
    other = Problem(kind="sum_mismatch", message="tổng sai", message_en="sum wrong", line=3)
    error = CriteriaError([PROBLEM, other])
    assert error.kinds() == ["unknown_name", "sum_mismatch"]
    assert str(error) == error.describe()
    lines = error.describe().splitlines()
    assert lines[0] == "Tệp tiêu chí không hợp lệ (2):"
    assert lines[1] == "  " + PROBLEM.describe()
    assert lines[2] == "  ?:3 tổng sai"
    assert error.describe("en").splitlines()[0] == "Invalid criteria file (2):"
    assert error.describe("en").splitlines()[2].endswith("sum wrong")


def test_to_frame() -> None:
    other = Problem(kind="sum_mismatch", message="tổng sai", file="criteria/x.yaml", line=3)
    frame = CriteriaError([PROBLEM, other]).to_frame()
    assert list(frame.columns) == [
        "file",
        "line",
        "code",
        "field",
        "kind",
        "message",
        "text",
        "allowed",
    ]
    assert len(frame) == 2
    assert frame.loc[0, "allowed"] == ["co_ke_hoach", "ty_le"]
    assert list(frame["kind"]) == ["unknown_name", "sum_mismatch"]
    assert len(CriteriaError([]).to_frame()) == 0


def test_submission_error_has_its_own_title() -> None:
    error = SubmissionError([PROBLEM])
    assert error.describe().startswith("Hồ sơ tự đánh giá không hợp lệ (1):")
    assert error.describe("en").startswith("Invalid submission (1):")


def test_expression_error_carries_what_the_compiler_knew() -> None:
    error = ExpressionError(
        "tên chưa khai báo",
        "undeclared name",
        "x + 1",
        kind="unknown_name",
        allowed=["a"],
        column=0,
    )
    assert (error.kind, error.text, error.allowed, error.column) == (
        "unknown_name",
        "x + 1",
        ("a",),
        0,
    )
    assert str(error) == "tên chưa khai báo: 'x + 1'"
    assert ExpressionError("m", "m", "t").kind == "expression"


@pytest.mark.parametrize(
    "error",
    [CriteriaError([]), SubmissionError([]), ExpressionError("m", "m", "t"), EvaluationError("m")],
)
def test_every_error_is_a_parindex_error(error: Exception) -> None:
    assert isinstance(error, ParindexError)

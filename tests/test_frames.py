"""Frames for analysis: float64 columns pandas computes with, exact decimals beside them."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import matplotlib
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from parindex import load_criteria, rank, review, score, score_many, synthetic
from parindex.frames import (
    EXACT_PREFIX,
    decimal_column,
    exact,
    exact_names,
    numeric,
    plain_name,
    twin,
)

matplotlib.use("Agg")

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def scores() -> pd.DataFrame:
    criteria = load_criteria(ROOT / "criteria" / "namdinh-stnmt-2023.yaml")
    return score_many(criteria, synthetic.units(criteria, 30, seed=3))


def test_numeric_columns_compute_and_exact_twins_stay(scores: pd.DataFrame) -> None:
    criteria = load_criteria(ROOT / "criteria" / "namdinh-stnmt-2023.yaml")
    table = rank(scores, criteria)
    for frame in (scores, table):
        assert frame["index"].dtype == "float64"
        described = frame["index"].describe()
        assert described["count"] == frame["index"].notna().sum()
        assert described["mean"] == pytest.approx(frame["index"].mean())
        assert "index" in frame.describe().columns  # numeric columns are numbers to pandas
        grouped = frame.groupby("level")["index"].mean()
        assert grouped.dtype == "float64"
        assert frame["index"].plot() is not None
        # The exact twin holds the same values, as decimals.
        for value, exact_value in zip(frame["index"], frame["exact:index"], strict=True):
            if exact_value is pd.NA:
                assert value != value  # NaN
            else:
                assert isinstance(exact_value, Decimal) and float(exact_value) == value
    assert all(isinstance(v, Decimal) for v in table[EXACT_PREFIX + "area:1"].dropna().tolist())


def test_exact_restores_plain_names_and_is_idempotent(scores: pd.DataFrame) -> None:
    restored = exact(scores)
    assert not any(c.startswith(EXACT_PREFIX) for c in restored.columns)
    assert list(restored.columns) == [c for c in scores.columns if not c.startswith("exact:")]
    assert isinstance(restored["total"].iloc[0], Decimal)
    assert exact(restored) is restored
    assert numeric(scores) is scores


def test_numeric_takes_python_decimals_and_keeps_missing_missing() -> None:
    frame = pd.DataFrame({"code": ["a", "b", "c"], "p": [Decimal("0.25"), None, Decimal("1")]})
    out = numeric(frame)
    assert out["p"].dtype == "float64" and out["p"].isna().tolist() == [False, True, False]
    assert out["exact:p"].tolist()[0] == Decimal("0.25") and out["exact:p"].tolist()[1] is pd.NA
    assert out["code"].tolist() == ["a", "b", "c"]
    assert list(decimal_column([Decimal("0.125"), Decimal(2)])) == [Decimal("0.125"), Decimal(2)]


def test_report_and_review_frames() -> None:
    from parindex import load_submission

    criteria = load_criteria(ROOT / "criteria" / "namdinh-stnmt-2023.yaml")
    submission = load_submission(ROOT / "evidence" / "so-tu-phap-mau-2023.yaml")
    report = score(criteria, submission)
    frame = report.to_frame()
    assert frame["points"].dtype == "float64"
    exact_points = [None if v is pd.NA else v for v in frame["exact:points"]]
    assert exact_points == [n.points for n in report.nodes]
    areas = frame[frame["depth"] == 0]
    assert areas["points"].sum() == pytest.approx(float(report.total))
    checked = review(criteria, submission)
    table = checked.to_frame()
    assert list(table["code"]) == [n.code for n in report.nodes]
    for column in ("self_score", "computed_score", "appraised_score", "max_points"):
        assert table[column].dtype == "float64"
        assert EXACT_PREFIX + column in table.columns
    total = table.loc[table["code"] == report.areas[0].code]
    assert total["exact:self_score"].item() == checked.node_self[report.areas[0].code]
    flagged = table[table["findings"] != ""]
    assert set(flagged["code"]) == {f.criterion for f in checked.findings}


def test_any_dtypes_read_as_numpy_score_the_same() -> None:
    """Arrow-backed or nullable columns (pandas 3) score exactly as NumPy-backed ones."""
    import numpy as np

    from parindex.batch import inputs_frame
    from parindex.frames import numpy_frame

    criteria = load_criteria(ROOT / "criteria" / "namdinh-stnmt-2023.yaml")
    units = synthetic.units(criteria, 12, seed=4)
    units[0] = units[0].model_copy(
        update={"values": {k: v for k, v in units[0].values.items() if k != "co_ke_hoach_cchc"}}
    )
    frame = inputs_frame(criteria, units)
    assert all(isinstance(t, np.dtype) for t in frame.dtypes), frame.dtypes.value_counts()
    assert numpy_frame(frame) is frame
    want = score_many(criteria, frame)
    for other in (frame.convert_dtypes(), frame.convert_dtypes(dtype_backend="pyarrow")):
        assert not all(isinstance(t, np.dtype) for t in other.dtypes)
        converted = numpy_frame(other)
        assert all(isinstance(t, np.dtype) for t in converted.dtypes)
        got = score_many(criteria, other)
        pd.testing.assert_frame_equal(exact(got), exact(want))
        pd.testing.assert_frame_equal(got, want)


@given(
    st.lists(st.tuples(st.sampled_from("abcd"), st.booleans()), unique=True, max_size=8).map(
        lambda picked: [("exact:" if is_twin else "") + name for name, is_twin in picked]
    )
)
def test_exact_names_are_the_columns_exact_gives(columns: list[str]) -> None:
    """The one naming of twins: what :func:`exact_names` says is what :func:`exact` gives,
    in its order, however the twins and plain columns stand."""
    frame = pd.DataFrame({c: decimal_column([Decimal("1.5")]) for c in columns})
    assert exact_names(columns) == list(exact(frame).columns)
    for column in columns:
        name = plain_name(column)
        assert (name is None) == (not column.startswith("exact:"))
        assert name is None or twin(name) == column

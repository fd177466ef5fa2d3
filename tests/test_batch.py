"""The batch path equals the single-unit engine node by node, on every unit we have."""

from __future__ import annotations

import datetime as dt
import sys
from collections.abc import Sequence
from decimal import Decimal
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from ruamel.yaml import YAML

from parindex import CriteriaSet, SubmissionError, load_criteria, load_submission, score, synthetic
from parindex import testing as pt
from parindex.batch import TOTAL_COLUMNS, classes, inputs_frame
from parindex.batch import score_many as _score_many
from parindex.frames import exact
from parindex.loader import SourceMap
from parindex.ranges import Interval
from parindex.submission import Submission, check_submission, parse_submission
from parindex.tree import classify


def score_many(*args: Any, **kwargs: Any) -> pd.DataFrame:
    """The batch result's exact columns: these tests compare exact decimals."""
    return exact(_score_many(*args, **kwargs))


ROOT = Path(__file__).resolve().parent.parent
SET_2023 = ROOT / "criteria" / "namdinh-stnmt-2023.yaml"


def _na(value: object) -> object:
    return None if value is pd.NA else value


def assert_same(criteria: CriteriaSet, submissions: Sequence[Submission]) -> None:
    """Wide, long and frame-input batch results equal ``score()`` for every node and total."""
    wide = score_many(criteria, submissions)
    from_frame = score_many(criteria, inputs_frame(criteria, submissions))
    long = score_many(criteria, submissions, long=True).set_index(["unit", "code"])
    assert list(wide["unit"]) == [s.unit.id for s in submissions]
    for row, submission in enumerate(submissions):
        report = score(criteria, submission)
        for frame in (wide, from_frame):
            for node in report.nodes:
                assert _na(frame[node.code].iloc[row]) == node.points, (
                    submission.unit.id,
                    node.code,
                )
            for column in TOTAL_COLUMNS:
                assert _na(frame[column].iloc[row]) == getattr(report, column), column
        for node in report.nodes:
            line = long.loc[(submission.unit.id, node.code)]
            assert _na(line["points"]) == node.points
            assert line["max_points"] == node.max_points, node.code
            assert line["undetermined_points"] == node.undetermined_points, node.code
            assert line["status"] == node.status.value, node.code


def _golden() -> dict[Path, list[Submission]]:
    cases: dict[Path, list[Submission]] = {}
    for path in sorted((ROOT / "tests" / "golden").glob("*.yaml")):
        data = YAML(typ="safe", pure=True).load(path.read_text(encoding="utf-8"))
        submission = parse_submission(
            data["submission"], SourceMap(str(path), data["submission"], {})
        )
        # Units need distinct ids to sit in one batch.
        unit = submission.unit.model_copy(update={"id": path.stem})
        cases.setdefault((path.parent / data["criteria"]).resolve(), []).append(
            submission.model_copy(update={"unit": unit})
        )
    return cases


@pytest.mark.parametrize("criteria_path", sorted(_golden()), ids=lambda p: p.stem)
def test_golden_cases_score_the_same_in_batch(criteria_path: Path) -> None:
    assert_same(load_criteria(criteria_path), _golden()[criteria_path])


def test_sample_units_score_the_same_in_batch() -> None:
    criteria = load_criteria(SET_2023)
    assert_same(
        criteria, [load_submission(p) for p in sorted((ROOT / "evidence").glob("*-2023.yaml"))]
    )


@pytest.fixture(scope="module")
def mini() -> CriteriaSet:
    return load_criteria(ROOT / "tests" / "data" / "mini.yaml")


def mini_unit(
    unit_id: str, values: dict[str, Any], facts: dict[str, bool] | None = None, **extra: Any
) -> Submission:
    data = {
        "format": "parindex.submission/1",
        "criteria": "mini-test",
        "year": 2023,
        "unit": {
            "id": unit_id,
            "name": unit_id,
            "level": "so",
            "facts": facts or {"co_dvsncl": True, "co_tthc": True},
        },
        "values": values,
        **extra,
    }
    return parse_submission(data, SourceMap("<test>", data, {}))


def test_edges_that_floats_cannot_settle_are_scored_exactly(mini: CriteriaSet) -> None:
    # 1/3 and 2/3 on-time shares, percentages just under and on the band edges,
    # half-cent roundings: the rows the float path must hand to the exact scorer.
    units = [
        mini_unit(
            f"u{i}",
            {
                "ty_le_hoan_thanh": rate,
                "so_don_vi": total,
                "so_don_vi_kiem_tra": inspected,
                "ho_so_tiep_nhan": received,
                "ho_so_dung_han": on_time,
                "chi_2021": "1000",
                "chi_nam_nay": spent,
            },
        )
        for i, (rate, total, inspected, received, on_time, spent) in enumerate(
            [
                ("80", 10, 3, 3, 1, "975"),
                ("79,99", 3, 1, 3, 2, "974,9"),
                ("100", 30, 9, 8, 1, "1000"),
                ("99,999", 7, 3, 200, 199, "0"),
                ("0", 0, 0, 0, 0, "1025"),
                ("80,0000001", 10, 4, 1, 1, "999,99"),
            ]
        )
    ]
    assert_same(mini, units)


def test_missing_values_are_na_never_zero(mini: CriteriaSet) -> None:
    unit = mini_unit("thieu", {"co_ke_hoach": True})
    wide = score_many(mini, [unit])
    assert wide["1.4"].iloc[0] is pd.NA
    assert wide["1.1"].iloc[0] == Decimal("0.5")
    assert not wide["complete"].iloc[0]
    assert_same(mini, [unit])


def test_points_are_exact_decimals(mini: CriteriaSet) -> None:
    wide = score_many(mini, [mini_unit("a", {"co_ke_hoach": True})])
    value = wide["1.1"].iloc[0]
    assert isinstance(value, Decimal)
    assert str(wide["total"].dtype).startswith("decimal128")


def test_unit_checks_report_every_problem_of_every_unit(mini: CriteriaSet) -> None:
    bad = [
        mini_unit("a", {"so_don_vi": 2, "so_don_vi_kiem_tra": 3}),
        mini_unit("b", {"ty_le_hoan_thanh": "150"}),
    ]
    with pytest.raises(SubmissionError) as caught:
        score_many(mini, bad)
    assert sorted(caught.value.kinds()) == ["constraint", "invalid_value"]


def test_a_frame_of_inputs_is_checked_like_submissions(mini: CriteriaSet) -> None:
    frame = pd.DataFrame(
        {
            "unit": ["a", "b", "c"],
            "so_don_vi": [2, 5, np.nan],
            "so_don_vi_kiem_tra": [3, 1, 1],
            "ty_le_hoan_thanh": [50, 120, 90],
            "cap_sang_kien": ["tinh", "quoc_gia", None],
            "so_don_vi_kiem_tr": [1, 1, 1],
        }
    )
    with pytest.raises(SubmissionError) as caught:
        score_many(mini, frame)
    problems = caught.value.problems
    assert sorted(p.kind for p in problems) == [
        "constraint",
        "invalid_value",
        "invalid_value",
        "unknown_column",
    ]
    assert any(p.field == "ty_le_hoan_thanh" and "đơn vị b" in (p.file or "") for p in problems)
    assert any("so_don_vi_kiem_tra" in p.message for p in problems if p.kind == "unknown_column")


def test_a_frame_naming_a_column_twice_is_refused_with_every_duplicate_located(
    mini: CriteriaSet,
) -> None:
    frame = pd.DataFrame(
        [["a", 2, 3, 1, "b"], ["c", 5, 1, 2, "d"]],
        columns=["unit", "so_don_vi", "so_don_vi", "so_don_vi", "unit"],
    )
    with pytest.raises(SubmissionError) as caught:
        score_many(mini, frame)
    problems = caught.value.problems
    assert [(p.kind, p.field) for p in problems] == [
        ("duplicate_column", "unit"),
        ("duplicate_column", "so_don_vi"),
    ]
    assert "cột thứ 1, 5" in problems[0].message
    assert "3 lần" in problems[1].message and "columns 2, 3, 4" in problems[1].message_en


def test_a_frame_of_inputs_scores_like_its_submissions(mini: CriteriaSet) -> None:
    frame = pd.DataFrame(
        {
            "unit": ["a", "b"],
            "name": ["a", "b"],
            "co_dvsncl": [True, False],
            "co_tthc": [True, True],
            "co_ke_hoach": ["có", "không"],
            "ty_le_hoan_thanh": ["80,5", 100],
            "ngay_ke_hoach": [dt.date(2022, 12, 31), False],
            "cap_sang_kien": ["tinh", "khong"],
            "survey:XHH": ["1,5", None],
        }
    )
    units = [
        mini_unit(
            "a",
            {
                "co_ke_hoach": True,
                "ty_le_hoan_thanh": "80,5",
                "ngay_ke_hoach": "31/12/2022",
                "cap_sang_kien": "tinh",
            },
            {"co_dvsncl": True, "co_tthc": True},
            survey={"XHH": "1,5"},
        ),
        mini_unit(
            "b",
            {
                "co_ke_hoach": False,
                "ty_le_hoan_thanh": 100,
                "ngay_ke_hoach": False,
                "cap_sang_kien": "khong",
            },
            {"co_dvsncl": False, "co_tthc": True},
        ),
    ]
    from_frame = score_many(mini, frame)
    from_units = score_many(mini, units)
    pd.testing.assert_frame_equal(from_frame, from_units)


def test_empty_batch(mini: CriteriaSet) -> None:
    wide = score_many(mini, [])
    assert len(wide) == 0
    assert "total" in wide.columns


def test_the_2021_set_and_a_report_never_sent() -> None:
    criteria = load_criteria(ROOT / "criteria" / "quangbinh-stnmt-2021.yaml")
    sample = load_submission(ROOT / "evidence" / "so-tnmt-mau-2021.yaml")
    values = dict(sample.values) | {"ngay_gui_bao_cao_cchc_6_thang": False}
    unsent = sample.model_copy(
        update={"values": values, "unit": sample.unit.model_copy(update={"id": "unsent"})}
    )
    assert_same(criteria, [sample, unsent])


SETS = {
    "2023": load_criteria(SET_2023),
    "2021": load_criteria(ROOT / "criteria" / "quangbinh-stnmt-2021.yaml"),
}


# Thorough profile (2,000 examples): 500 examples × 12 units = 6,000 units of each kind below.
_UNITS_PER_EXAMPLE = 12


@settings(max_examples=max(5, settings().max_examples // 4))
@given(
    which=st.sampled_from(sorted(SETS)),
    seed=st.integers(0, 2**32 - 1),
    missing_rate=st.sampled_from([0.0, 0.02, 0.2]),
    fact_rate=st.sampled_from([0.0, 0.5, 0.85, 1.0]),
)
def test_synthetic_provinces_score_the_same_in_batch(
    which: str, seed: int, missing_rate: float, fact_rate: float
) -> None:
    criteria = SETS[which]
    units = synthetic.units(
        criteria, _UNITS_PER_EXAMPLE, seed=seed, missing_rate=missing_rate, fact_rate=fact_rate
    )
    assert_same(criteria, units)


@settings(
    max_examples=max(5, settings().max_examples // 4),
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(data=st.data())
def test_generated_sets_score_the_same_in_batch(data: st.DataObject) -> None:
    # Criteria sets drawn by parindex.testing (every rule kind, applicability, bonus and
    # penalty, caps), synthetic units with missing values and facts off.
    criteria = data.draw(pt.criteria_sets(), label="criteria")
    units = synthetic.units(
        criteria,
        _UNITS_PER_EXAMPLE,
        seed=data.draw(st.integers(0, 2**32 - 1), label="seed"),
        missing_rate=data.draw(st.sampled_from([0.0, 0.1, 0.3]), label="missing"),
        fact_rate=data.draw(st.sampled_from([0.0, 0.5, 1.0]), label="facts"),
    )
    assert_same(criteria, units)


@pytest.mark.parametrize(
    "bonus",
    [
        "((((((so_giai_thuong * 1000000000000000) ** 10) ** 10) ** 10) ** 10) ** 10)",
        "round(so_giai_thuong * 0.25, 999999999999999)",
        "round(so_giai_thuong * 0.25, -999999999999999)",
        "1 / ((0.000000001 * so_giai_thuong) ** 10) ** 10",
    ],
)
def test_hostile_but_valid_expressions_score_as_in_the_engine(bonus: str, tmp_path: Path) -> None:
    # Floats overflow, underflow or cannot round where the engine's decimals can (or
    # raise): those rows go to the engine, never full points nor a crash (issue 18).
    text = (ROOT / "tests" / "data" / "mini.yaml").read_text(encoding="utf-8")
    assert 'value: "so_giai_thuong * 0.25"' in text
    path = tmp_path / "hostile.yaml"
    path.write_text(text.replace("so_giai_thuong * 0.25", bonus), encoding="utf-8")
    criteria = load_criteria(path)
    values = {"co_ke_hoach": True, "so_vi_pham": 1}
    units = [mini_unit(f"u{n}", {**values, "so_giai_thuong": n}) for n in (0, 1, 3, 40)]
    assert_same(criteria, units)


HOSTILE = (
    # overflows Decimal's exponent: score() reports the node as an error, never full points
    "((((chi_2021 ** 10) ** 10) ** 10) ** 10) ** 10",
    "clamp(((((chi_2021 ** 10) ** 10) ** 10) ** 10) ** 10, 0, 1)",
    # a rounding to more places than any number has
    "round(chi_2021, 999999999999999)",
    "round(chi_2021 / 3, 999999999999999) - chi_2021",
    "chi_2021 / (chi_nam_nay - chi_nam_nay)",
    "1 if chi_2021 * 10 ** 10 * 10 ** 10 > 10 ** 10 else 0",
)


@pytest.mark.parametrize("expression", HOSTILE)
def test_hostile_but_valid_expressions_score_the_same_in_batch(
    expression: str, tmp_path: Path
) -> None:
    text = (ROOT / "tests" / "data" / "mini.yaml").read_text(encoding="utf-8")
    original = (
        'value: "1 if percent(chi_2021 - chi_nam_nay, chi_2021, 0) >= 2.5 else 0.5 if '
        'chi_nam_nay < chi_2021 else 0"'
    )
    assert original in text
    path = tmp_path / "hostile.yaml"
    path.write_text(text.replace(original, f'value: "{expression}"'), encoding="utf-8")
    criteria = load_criteria(path)
    units = [
        mini_unit(f"u{i}", {"chi_2021": chi, "chi_nam_nay": "5"})
        for i, chi in enumerate(["0", "1", "2,5", "1000000", "1000000000000000", "0,333"])
    ]
    assert_same(criteria, units)
    for unit in units:
        node = score(criteria, unit).node("2.2")
        if node.status.value == "error":
            assert node.points is None


def test_the_hand_written_numpy_baseline_gives_the_engines_totals() -> None:
    # benchmarks/batch.py asserts it on 10,000 units; here on a few, against score().
    sys.path.insert(0, str(ROOT / "benchmarks"))
    try:
        import _numpy_2023
    finally:
        sys.path.remove(str(ROOT / "benchmarks"))
    criteria = load_criteria(SET_2023)
    units = synthetic.units(criteria, 40, seed=17, fact_rate=0.6)
    totals, maxima = _numpy_2023.totals(inputs_frame(criteria, units))
    reports = [score(criteria, unit) for unit in units]
    assert [r.total.scaleb(2) for r in reports] == totals.tolist()
    assert [r.max_points.scaleb(2) for r in reports] == maxima.tolist()
    assert len(set(maxima.tolist())) > 1  # units with and without the optional areas


def test_the_batch_path_names_no_rule_kind() -> None:
    # Each leaf is its kind's lowered expression and the kind's properties: adding a kind
    # never touches the batch path (issue 12).
    from parindex.rules import REGISTRY

    for module in ("batch.py", "batch_units.py"):
        source = (ROOT / "parindex" / module).read_text(encoding="utf-8")
        code = "\n".join(line.split("#")[0] for line in source.splitlines())
        for kind in REGISTRY.values():
            assert kind.model.__name__ not in code, (module, kind.model.__name__)
            assert type(kind).__name__ + "(" not in code, (module, kind.name)


class _Bands:
    """Just what :func:`parindex.tree.classify` asks of a compiled set: its bands."""

    def __init__(self, bands: tuple[tuple[str, Interval], ...]) -> None:
        self.bands = bands

    def bands_for(self, level: str | None) -> tuple[tuple[str, Interval], ...]:
        return self.bands


EDGE_VALUES = [Decimal(v) for v in ("0", "50", "62.5", "62.505", "80", "100", "-0.004")]
_EDGES = st.one_of(
    st.none(), st.decimals(min_value=-5, max_value=105, places=3), st.sampled_from(EDGE_VALUES)
)


@given(
    bands=st.lists(st.tuples(_EDGES, st.booleans(), _EDGES, st.booleans()), max_size=5),
    data=st.data(),
)
def test_bands_are_found_once_per_stretch_as_unit_by_unit(
    bands: list[tuple[Decimal | None, bool, Decimal | None, bool]], data: st.DataObject
) -> None:
    compiled = _Bands(tuple((f"B{i}", Interval(*band)) for i, band in enumerate(bands)))
    near = [
        int(e * 100) + d for b in bands for e in (b[0], b[2]) if e is not None for d in (-1, 0, 1)
    ]
    hundredths = data.draw(
        st.lists(st.one_of(st.integers(-1000, 11000), *map(st.just, near)), min_size=1, max_size=40)
    )
    got = classes(compiled, "xa", np.array(hundredths, dtype=np.int64))  # type: ignore[arg-type]
    want = [classify(Decimal(h).scaleb(-2), compiled, "xa") for h in hundredths]  # type: ignore[arg-type]
    assert list(got) == want


# --- a unit given twice: the same problem as a folder holding it twice -------------------------


def test_a_list_naming_a_unit_twice_is_refused_as_a_folder_holding_it_twice(
    tmp_path: Path,
) -> None:
    """``score_many``/``rank`` of a list used to score and rank both rows; a folder (and
    ``province_results``) refused the second. Now the list gives the folder's own problem,
    to the file, line and words."""
    from _folders import EVIDENCE, write_units

    from parindex import rank
    from parindex.batch import once_each

    criteria = load_criteria(SET_2023)
    write_units(tmp_path, ["good", "good", "twice"], sorted(EVIDENCE.glob("*-2023.yaml")))
    files = sorted(tmp_path.glob("*.yaml"))
    with pytest.raises(SubmissionError) as by_folder:
        _score_many(criteria, tmp_path)
    units = [load_submission(f) for f in files]
    with pytest.raises(SubmissionError) as by_list:
        _score_many(criteria, units)
    [problem] = by_list.value.problems
    assert list(by_folder.value.problems) == [problem]
    assert problem.kind == "duplicate_unit" and problem.text == units[1].unit.id
    assert problem.file == str(files[2]) and str(files[1]) in problem.message
    with pytest.raises(SubmissionError) as ranked:
        rank(units, criteria)
    assert list(ranked.value.problems) == [problem]
    assert once_each(units) == (units[:2], [problem])  # the first of each, in order
    assert len(_score_many(criteria, units[:2])) == 2


def test_a_unit_given_twice_is_reported_with_every_other_problem(mini: CriteriaSet) -> None:
    good = mini_unit("a", {"ty_le_hoan_thanh": "90"})
    bad = mini_unit("b", {"ty_le_hoan_thanh": "150"})
    again = mini_unit("a", {"ty_le_hoan_thanh": "10"})
    with pytest.raises(SubmissionError) as caught:
        score_many(mini, [good, bad, again, good])  # the very same object twice, too
    assert sorted(caught.value.kinds()) == ["duplicate_unit", "duplicate_unit", "invalid_value"]
    checked = check_submission(mini, good)
    with pytest.raises(SubmissionError) as mixed:
        score_many(mini, [checked, again])  # a checked submission and a plain one
    assert mixed.value.kinds() == ["duplicate_unit"]


def test_a_frame_naming_a_unit_twice_is_refused_row_by_row(mini: CriteriaSet) -> None:
    units = synthetic.units(mini, 3, seed=5)
    frame = inputs_frame(mini, units)
    frame = pd.concat([frame, frame.iloc[[0, 0]]], ignore_index=True)  # rows 4, 5: row 1's unit
    frame.loc[1, "ty_le_hoan_thanh"] = 150.0  # and a bad value, reported with them
    with pytest.raises(SubmissionError) as caught:
        score_many(mini, frame)
    twice = [p for p in caught.value.problems if p.kind == "duplicate_unit"]
    unit = units[0].unit.id
    assert [(p.file, p.text, p.field) for p in twice] == [
        (f"dòng {row} (đơn vị {unit})", unit, "unit") for row in (4, 5)
    ]
    assert all("dòng 1" in p.message for p in twice)
    assert "invalid_value" in caught.value.kinds()
    assert len(score_many(mini, frame.iloc[[0, 2]])) == 2  # once each: scored


# --- a folder's file of another set: left out, said -----------------------------------------


def test_a_folders_file_of_another_set_is_said_as_the_commands_say_it(tmp_path: Path) -> None:
    """``score_many``/``rank`` of a folder used to drop a file of another criteria set
    unsaid (the commands name it on stderr). Now each is a ``SkippedFile`` warning carrying
    the located ``other_set`` problem, worded as the commands word it, the others scored;
    also when another file's problems are raised."""
    import shutil
    import warnings

    from parindex import rank
    from parindex.folders import SkippedFile
    from parindex.messages import said

    criteria = load_criteria(SET_2023)
    evidence = ROOT / "evidence"
    shutil.copy(evidence / "so-tnmt-mau-2023.yaml", tmp_path)
    shutil.copy(evidence / "so-tnmt-mau-2021.yaml", tmp_path)
    with pytest.warns(SkippedFile) as caught:
        scores = _score_many(criteria, tmp_path)
    assert scores["unit"].tolist() == ["so-tnmt-mau"]
    [warning] = [w.message for w in caught]
    assert isinstance(warning, SkippedFile)
    problem = warning.problem
    assert problem.kind == "other_set" and problem.text == "quangbinh-stnmt-2021"
    assert problem.file == str(tmp_path / "so-tnmt-mau-2021.yaml") and problem.line
    assert str(warning) == said(problem) and warning.message_en == said(problem, "en")
    assert str(warning).startswith(f"Bỏ qua {problem.file}:{problem.line}: hồ sơ của bộ")
    with pytest.warns(SkippedFile):
        assert rank(tmp_path, criteria)["unit"].tolist() == ["so-tnmt-mau"]
    (tmp_path / "broken.yaml").write_text("format: parindex.submission/1\nyear: [\n")
    with warnings.catch_warnings(record=True) as said_too, pytest.raises(SubmissionError):
        warnings.simplefilter("always")
        _score_many(criteria, tmp_path)
    assert [type(w.message) for w in said_too] == [SkippedFile]


_SHARED_ROWS = 6


@settings(suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_the_shared_columns_algebra_aggregates_as_the_column_algebra(data: st.DataObject) -> None:
    """batch._Shared (the column algebra knowing the scorer's shared read-only columns by
    identity) gives every field of every aggregation as tree.columns does."""
    from parindex import tree
    from parindex.batch import _Scorer
    from parindex.batch_units import Table
    from parindex.criteria import Aggregation

    n = _SHARED_ROWS
    scorer = _Scorer(_set_2023(), Table(n, {}, {}, {}, {}))
    shared, plain = scorer.algebra, tree.columns(n)
    rows = st.lists(st.booleans(), min_size=n, max_size=n).map(lambda b: np.array(b, dtype=bool))
    masks = st.one_of(st.just(scorer.everywhere), st.just(scorer.nowhere), rows)
    numbers = st.lists(st.integers(-300, 300), min_size=n, max_size=n).map(
        lambda v: np.array(v, dtype=np.int64)
    )
    ints = st.one_of(st.sampled_from([0, 0, 25, 100]).map(scorer.constant), numbers)
    parts = [
        tree.Part(
            data.draw(masks),
            data.draw(masks),
            data.draw(ints),
            data.draw(ints),
            data.draw(ints),
            data.draw(st.booleans()),
            data.draw(st.sampled_from([1, 1, -1])),
        )
        for _ in range(data.draw(st.integers(0, 5)))
    ]
    how = data.draw(st.sampled_from(list(Aggregation)))
    cap = data.draw(ints)
    mine = tree.aggregate(how, parts, cap, shared)
    theirs = tree.aggregate(how, parts, cap, plain)
    for field, got, expected in zip(mine._fields, mine, theirs, strict=True):
        assert np.array_equal(np.broadcast_to(got, n), expected), field
    total = shared.total([p.points for p in parts])
    assert np.array_equal(total, plain.total([p.points for p in parts]))


def _set_2023() -> CriteriaSet:
    global _LOADED
    if _LOADED is None:
        _LOADED = load_criteria(SET_2023)
    return _LOADED


_LOADED: CriteriaSet | None = None


@given(st.lists(st.one_of(st.text(max_size=5), st.none()), max_size=8))
def test_texts_are_the_columns_pandas_makes_of_them(values: list[str | None]) -> None:
    """batch._texts makes a list of texts into the array pandas itself makes of it in a
    frame: same values, same dtype, same array type."""
    from parindex.batch import _texts

    mine = pd.DataFrame({"a": _texts(values)}, index=range(len(values)))["a"]
    theirs = pd.DataFrame({"a": values}, index=range(len(values)))["a"]
    assert mine.dtype == theirs.dtype
    assert type(mine.array) is type(theirs.array)
    pd.testing.assert_series_equal(mine, theirs, check_exact=True)


@given(
    st.one_of(
        st.lists(st.booleans(), max_size=8),
        st.lists(st.integers(min_value=-(2**70), max_value=2**70), max_size=8),
        st.lists(st.integers(min_value=-(2**63), max_value=2**63 - 1), max_size=8),
        st.lists(st.one_of(st.text(max_size=5), st.none()), max_size=8),
        st.lists(st.one_of(st.booleans(), st.integers(), st.text(max_size=3)), max_size=8),
    )
)
def test_unit_columns_are_the_columns_pandas_makes_of_them(values: list[object]) -> None:
    """batch._plain makes a unit column (year, sample, texts …) into the array pandas itself
    makes of the list in a frame: same values, same dtype, same array type."""
    from parindex.batch import _plain

    mine = pd.DataFrame({"a": _plain(values)}, index=range(len(values)))["a"]
    theirs = pd.DataFrame({"a": values}, index=range(len(values)))["a"]
    assert mine.dtype == theirs.dtype
    assert type(mine.array) is type(theirs.array)
    pd.testing.assert_series_equal(mine, theirs, check_exact=True)

"""Submissions: structure, typed values, constraints, references — every problem at once."""

from __future__ import annotations

import copy
import gc
import pickle
import weakref
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from parindex import CriteriaSet, SubmissionError, check_submission, load_criteria, load_submission
from parindex.submission import CheckedSubmission, kept_check

DATA = Path(__file__).parent / "data"


@pytest.fixture(scope="module")
def mini() -> CriteriaSet:
    return load_criteria(DATA / "mini.yaml")


def test_every_problem_is_reported_with_its_line(mini: CriteriaSet) -> None:
    path = DATA / "submissions" / "bad-mini.yaml"
    with pytest.raises(SubmissionError) as caught:
        check_submission(mini, load_submission(path))
    problems = caught.value.problems
    by_field = {p.field: p for p in problems}
    expected = {
        "unit.facts.co_tthcc": ("unknown_fact", 5, "co_tthc"),
        "values.co_ke_hoachh": ("unknown_input", 7, "co_ke_hoach"),
        "values.so_don_vi": ("invalid_value", 8, "mười"),
        "values.ngay_ke_hoach": ("invalid_value", 12, "ngoài khoảng 2022–2024"),
        "values.ty_le_hoan_thanh": ("invalid_value", 13, "từ 0 đến 100"),
        "values.cap_sang_kien": ("invalid_value", 14, "tinh"),
        "values.ho_so_dung_han": ("constraint", 11, "không vượt quá số hồ sơ tiếp nhận"),
        "documents[0].supports[0]": ("unknown_code", 16, "9.9"),
        "documents[0].date": ("date_out_of_range", 16, "01/01/2001"),
        "self_scores.1.x": ("unknown_code", 18, "1.x"),
        "survey.1.1": ("not_survey", 19, "XHH"),
    }
    for field, (kind, line, fragment) in expected.items():
        assert field in by_field, (field, [p.describe() for p in problems])
        problem = by_field[field]
        assert problem.kind == kind, problem.describe()
        assert problem.line == line, problem.describe()
        assert problem.file == str(path)
        assert fragment in problem.describe(), problem.describe()


def test_structure_errors_name_the_line(tmp_path: Path) -> None:
    path = tmp_path / "s.yaml"
    path.write_text(
        "format: parindex.submission/1\ncriteria: x\nyear: 2023\n"
        "unit: {id: u, name: U, level: tinh}\nvalues: {}\nextra: 1\n",
        encoding="utf-8",
    )
    with pytest.raises(SubmissionError) as caught:
        load_submission(path)
    lines = {p.field: p.line for p in caught.value.problems}
    assert lines == {"unit.level": 4, "extra": 6}


def test_null_is_missing_not_zero(mini: CriteriaSet, tmp_path: Path) -> None:
    path = tmp_path / "s.yaml"
    path.write_text(
        "format: parindex.submission/1\ncriteria: mini-test\nyear: 2023\n"
        "unit: {id: u, name: U, level: so}\nvalues: {so_vu_ky_luat: null}\n",
        encoding="utf-8",
    )
    checked = check_submission(mini, load_submission(path))
    assert "so_vu_ky_luat" not in checked.values


def test_wrong_criteria_set(mini: CriteriaSet, tmp_path: Path) -> None:
    path = tmp_path / "s.yaml"
    path.write_text(
        "format: parindex.submission/1\ncriteria: other-set\nyear: 2023\n"
        "unit: {id: u, name: U, level: xa}\n",
        encoding="utf-8",
    )
    with pytest.raises(SubmissionError) as caught:
        check_submission(mini, load_submission(path))
    assert sorted(caught.value.kinds()) == ["wrong_criteria", "wrong_level"]
    # said in the one sentence of a submission of another set (messages.of_set)
    wrong = next(p for p in caught.value.problems if p.kind == "wrong_criteria")
    assert wrong.message == f"hồ sơ của bộ other-set, không phải bộ {mini.id}"
    assert wrong.message_en == f"a submission for other-set, not {mini.id}"


def test_a_report_never_sent_does_not_break_a_date_ordering_constraint() -> None:
    # The 2021 set orders the four report dates; a report given as false (not done)
    # has no date to order, so the constraint is not checked — not failed, not a crash.
    root = Path(__file__).resolve().parent.parent
    criteria = load_criteria(root / "criteria" / "quangbinh-stnmt-2021.yaml")
    sample = load_submission(root / "evidence" / "so-tnmt-mau-2021.yaml")
    values = dict(sample.values) | {"ngay_gui_bao_cao_cchc_6_thang": False}
    checked = check_submission(criteria, sample.model_copy(update={"values": values}))
    assert checked.values["ngay_gui_bao_cao_cchc_6_thang"] is False
    late = dict(sample.values) | {"ngay_gui_bao_cao_cchc_quy_1": "30/12/2021"}
    with pytest.raises(SubmissionError) as caught:
        check_submission(criteria, sample.model_copy(update={"values": late}))
    assert caught.value.kinds() == ["constraint"]


def test_save_submission_loads_back_equal(tmp_path: Path) -> None:
    from parindex import save_submission, synthetic

    root = Path(__file__).resolve().parent.parent
    criteria = load_criteria(root / "criteria" / "namdinh-stnmt-2023.yaml")
    submissions = [load_submission(p) for p in sorted((root / "evidence").glob("*.yaml"))]
    for i, submission in enumerate(submissions):
        for suffix in (".yaml", ".json"):
            path = save_submission(submission, tmp_path / f"{i}{suffix}", comment="thử")
            again = load_submission(path)
            assert again.model_dump() == submission.model_dump(), (i, suffix)
    # Built in Python with Decimal values: read back as numbers, typed to the same values.
    for j, built in enumerate(synthetic.units(criteria, 2, self_scores=True, missing_rate=0.1)):
        for suffix in (".yaml", ".json"):
            again = load_submission(save_submission(built, tmp_path / f"s{j}{suffix}"))
            assert again.model_dump(exclude={"values"}) == built.model_dump(exclude={"values"})
            typed = check_submission(criteria, again).values
            assert typed == check_submission(criteria, built).values
    assert (tmp_path / "0.yaml").read_text(encoding="utf-8").startswith("# thử\n")


def test_a_checked_result_is_kept_but_never_for_a_copy() -> None:
    """check_submission keeps its result on the submission; a model_copy is checked anew."""
    root = Path(__file__).resolve().parent.parent
    criteria = load_criteria(root / "criteria" / "namdinh-stnmt-2023.yaml")
    submission = load_submission(root / "evidence" / "so-gtvt-mau-2023.yaml")
    first = check_submission(criteria, submission)
    kept = check_submission(criteria, submission)
    assert kept == first and kept.values is first.values  # not checked again
    changed = submission.model_copy(
        update={"values": {**submission.values, "so_don_vi_truc_thuoc": 9}}
    )
    again = check_submission(criteria, changed)
    assert again is not first and again.submission is changed
    assert again.values["so_don_vi_truc_thuoc"] == 9


_ROOT = Path(__file__).resolve().parent.parent
_SET = load_criteria(_ROOT / "criteria" / "namdinh-stnmt-2023.yaml")
_SAMPLE = load_submission(_ROOT / "evidence" / "so-gtvt-mau-2023.yaml")
_STEPS = st.sampled_from(["check", "copy", "model_copy", "update", "pickle"])


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(steps=st.lists(st.tuples(_STEPS, st.integers(0, 7)), max_size=14))
def test_a_kept_result_is_given_back_for_its_own_submission_only(
    steps: list[tuple[str, int]],
) -> None:
    """Copies made of submissions checked or not, in any order, some checked: a result is
    given back (``kept_check``) for each submission checked itself, the very values of its
    check, and never for a copy (``copy.copy``, ``model_copy`` with or without an update,
    pickled) that carries its original's."""
    pool = [_SAMPLE.model_copy()]
    checked: dict[int, CheckedSubmission] = {}
    for step, at in steps:
        unit = pool[at % len(pool)]
        if step == "check":
            checked[id(unit)] = check_submission(_SET, unit)
            continue
        if step == "copy":
            made = copy.copy(unit)
        elif step == "model_copy":
            made = unit.model_copy()
        elif step == "update":
            values = {**unit.values, "so_don_vi_truc_thuoc": at + 10}
            made = unit.model_copy(update={"values": values})
        else:
            made = pickle.loads(pickle.dumps(unit))
        pool.append(made)
    for unit in pool:
        kept = kept_check(_SET, unit)
        if id(unit) in checked:
            assert kept is not None and kept.submission is unit
            assert kept.values is checked[id(unit)].values
        else:
            assert kept is None


def test_a_checked_submission_is_freed_when_dropped_without_the_cycle_collector() -> None:
    """A kept result refers to its submission weakly: no cycle, so a submission and its
    result go as soon as nothing holds them, with the cycle collector off; while the
    submission lives the result stays kept (checking again is free), even with the first
    result dropped."""
    root = Path(__file__).resolve().parent.parent
    criteria = load_criteria(root / "criteria" / "namdinh-stnmt-2023.yaml")
    path = root / "evidence" / "so-gtvt-mau-2023.yaml"
    gc.collect()
    gc.disable()
    try:
        submission = load_submission(path)
        first = check_submission(criteria, submission)
        values = first.values
        del first
        assert check_submission(criteria, submission).values is values  # still kept
        result = check_submission(criteria, submission)
        gone, also_gone = weakref.ref(submission), weakref.ref(result)
        del submission, values, result
        assert gone() is None and also_gone() is None
    finally:
        gc.enable()


def test_a_checked_submission_pickles_without_its_kept_result() -> None:
    """The kept result (a weak reference) is not pickled: a copy read back checks anew."""
    root = Path(__file__).resolve().parent.parent
    criteria = load_criteria(root / "criteria" / "namdinh-stnmt-2023.yaml")
    submission = load_submission(root / "evidence" / "so-gtvt-mau-2023.yaml")
    first = check_submission(criteria, submission)
    back = pickle.loads(pickle.dumps(submission))
    assert back.model_dump() == submission.model_dump() and back._checked is None
    assert submission._checked is not None  # the original keeps its own
    again = check_submission(criteria, back)
    assert again.values == first.values and again.values is not first.values

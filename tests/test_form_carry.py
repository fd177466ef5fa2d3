"""Prefilling this year's form from last year's submission through a code mapping."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest
from click.testing import CliRunner

from parindex import check_submission, load_criteria, load_submission
from parindex.cli import main
from parindex.excel_import import import_workbook
from parindex.form_carry import carry_forward
from parindex.mapping import load_mapping
from parindex.submission import Appraisal, AppraisedScore, SelfScore

ROOT = Path(__file__).resolve().parent.parent
SET_2021 = ROOT / "criteria" / "quangbinh-stnmt-2021.yaml"
SET_2023 = ROOT / "criteria" / "namdinh-stnmt-2023.yaml"
MAPPING = ROOT / "criteria" / "mappings" / "quangbinh-stnmt-2021--namdinh-stnmt-2023.yaml"
SAMPLE_2021 = ROOT / "evidence" / "so-tnmt-mau-2021.yaml"


@pytest.fixture(scope="module")
def sets():  # type: ignore[no-untyped-def]
    old, new = load_criteria(SET_2021), load_criteria(SET_2023)
    return old, new, load_mapping(MAPPING, old, new)


@pytest.fixture(scope="module")
def carried(sets):  # type: ignore[no-untyped-def]
    old, new, mapping = sets
    return carry_forward(load_submission(SAMPLE_2021, old), mapping, new, old)


def test_unit_and_facts_carry_and_nothing_scored_does(sets) -> None:  # type: ignore[no-untyped-def]
    old, new, mapping = sets
    scored = load_submission(SAMPLE_2021, old).model_copy(
        update={
            "self_scores": {"1.1": SelfScore(points=Decimal("1.5"))},
            "appraisals": [Appraisal(round=1, scores={"1.1": AppraisedScore(points=Decimal(1))})],
        }
    )
    check_submission(old, scored)
    assert scored.survey  # XHH 24,5 in 2021
    submission, _ = carry_forward(scored, mapping, new, old)
    assert submission.criteria == "namdinh-stnmt-2023" and submission.year == 2023
    assert submission.unit == scored.unit  # id, name, level, group, both facts
    assert submission.self_scores == {} and submission.survey == {}
    assert submission.appraisals == []
    check_submission(new, submission)  # a valid submission of the 2023 set


def test_documents_are_relinked_through_the_mapping(carried) -> None:  # type: ignore[no-untyped-def]
    submission, notes = carried
    links = {d.id: d.supports for d in submission.documents}
    assert links == {
        "kh-cchc-2021": ["1.1"],  # 1.1 → 1.1 (renamed)
        "bc-cchc-nam-2021": ["1.1", "1.5"],  # 1.6 → 1.5 renumbered; 1.2 has no entry
        "bc-ktthc-2021": ["3.8"],  # 7.3 merged with 3.2.3.f into 3.8; 3.2 has no entry
        "bc-tchc-2021": ["4", "5"],
    }
    lost = [n for n in notes if n.startswith("tài liệu")]
    assert len(lost) == 2
    assert "bc-cchc-nam-2021" in lost[0] and "tiêu chí 1.2 " in lost[0]
    assert "bc-ktthc-2021" in lost[1] and "tiêu chí 3.2 " in lost[1]


def test_split_entries_link_every_new_code_and_unmapped_documents_are_listed(sets) -> None:  # type: ignore[no-untyped-def]
    old, new, mapping = sets
    base = load_submission(SAMPLE_2021, old)
    doc = base.documents[0]
    documents = [
        doc.model_copy(update={"id": "a", "supports": ["3.2.3.a"]}),  # entry: unmapped
        doc.model_copy(update={"id": "b", "supports": ["1.3", "1.4"]}),  # same code; renumbered
    ]
    submission, notes = carry_forward(
        base.model_copy(update={"documents": documents}), mapping, new, old, language="en"
    )
    assert [(d.id, d.supports) for d in submission.documents] == [("b", ["1.3", "1.4.3"])]
    assert any(n.startswith("document a ") and "not carried" in n for n in notes)
    # a split (one old code, several new ones): the document supports each new code
    merged = next(e for e in mapping.entries if e.basis == "merged" and len(e.old) == 2)
    split = merged.model_copy(update={"old": merged.new, "new": merged.old, "basis": "split"})
    reverse = mapping.model_copy(update={"entries": [split]})
    linked = doc.model_copy(update={"supports": split.old_codes})
    carried, _ = carry_forward(base.model_copy(update={"documents": [linked]}), reverse, new, old)
    assert carried.documents[0].supports == split.new_codes and len(split.new_codes) == 2


def test_no_figure_is_entered_and_matching_ones_are_listed(sets, carried) -> None:  # type: ignore[no-untyped-def]
    """Last year's figures never enter this year's form (it scores live from its cells);
    those under sure matches are listed for reference, dates and unsure ones are not."""
    old, new, _ = sets
    submission, notes = carried
    assert submission.values == {}
    old_values = load_submission(SAMPLE_2021, old).values
    labels = {spec.name: spec.label for spec in new.inputs}
    note = notes[-1]
    assert note.startswith("không chép số liệu năm 2021 vào biểu mẫu")
    # 1.3.1 → 1.3.1 renamed, both counts read only there; 1.6 → 1.5 renamed
    assert old_values["so_don_vi_duoc_kiem_tra"] == 3
    assert f"{labels['so_don_vi_duoc_kiem_tra']} = 3" in note
    assert f"{labels['so_nhiem_vu_duoc_giao']} = 30" in note
    # a date (1.1 renamed), a figure also read under a judgement match (3.2.3.d), one read by
    # 7.4 (mapped to nothing): not listed
    for name in ("ngay_ban_hanh_ke_hoach_cchc", "ho_so_tiep_nhan", "so_don_vi_truc_thuoc"):
        assert f"{labels[name]} =" not in note, name


def test_a_mapping_of_other_sets_is_refused(sets) -> None:  # type: ignore[no-untyped-def]
    old, _, mapping = sets
    submission = load_submission(SAMPLE_2021, old)
    with pytest.raises(ValueError, match="mapping goes from"):
        carry_forward(submission, mapping, old, old)


def test_cli_prefills_from_last_year_and_lists_what_did_not_carry(sets, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    new = sets[1]
    out = tmp_path / "bieu-mau.xlsx"
    args = ["form", str(SET_2023), "--last-year", str(SAMPLE_2021), "--mapping", str(MAPPING)]
    result = CliRunner().invoke(main, [*args, "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert "Lưu ý: tài liệu bc-cchc-nam-2021" in result.output
    assert "số liệu năm nay, điểm tự đánh giá và kết quả điều tra do đơn vị nhập" in " ".join(
        result.output.split()
    )
    assert "(1 đơn vị)" in result.output
    imported = import_workbook(new, out)
    assert imported.complete and len(imported.submissions) == 1
    back = imported.submissions[0]
    assert back.unit.id == "so-tnmt-mau" and back.unit.facts == {
        "co_dvsncl": False,
        "co_tthc": True,
    }
    assert {d.id: d.supports for d in back.documents}["bc-ktthc-2021"] == ["3.8"]
    assert back.self_scores == {} and back.appraisals == []
    assert back.values == {}
    english = CliRunner().invoke(main, [*args, "--lang", "en", "-o", str(tmp_path / "f.xlsx")])
    assert english.exit_code == 0, english.output
    assert "Note: document bc-ktthc-2021" in english.output
    alone = CliRunner().invoke(main, [*args[:4], "-o", str(tmp_path / "g.xlsx")])
    assert alone.exit_code != 0 and "--last-year và --mapping" in alone.output
    this_year = ["--last-year", str(ROOT / "evidence" / "so-tnmt-mau-2023.yaml")]
    wrong = CliRunner().invoke(
        main, ["form", str(SET_2023), *this_year, "--mapping", str(MAPPING), "-o", str(out)]
    )
    assert wrong.exit_code != 0 and "Traceback" not in wrong.output
    assert "namdinh-stnmt-2023" in wrong.output

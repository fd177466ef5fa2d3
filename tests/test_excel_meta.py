"""The hidden sheet's signatures, the set's shape, and the signing key."""

from __future__ import annotations

import datetime
import re
from decimal import Decimal
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from parindex import load_criteria, load_submission
from parindex.excel_meta import (
    _STRING,
    KEY_ENV,
    _floats,
    careful_floats,
    careful_submission_json,
    criteria_shape,
    json_depth_ok,
    key_id,
    read_meta_rows,
    sign,
    submission_json,
    unit_cells,
    workbook_key,
    write_meta,
)

ROOT = Path(__file__).resolve().parent.parent


def test_an_edited_row_fails_its_signature() -> None:
    key = b"k"
    rows = [
        ["format", sign(key, "e1", ["format", "x"]), "x"],
        ["export_id", sign(key, "e1", ["export_id", "e1"]), "e1"],
        ["unit", "S", "u1", "1", sign(key, "e1", ["unit", "S", "u1", "1", '{"a":1}']), '{"a":1}'],
        ["unit", "T", "u2", "1", sign(key, "e1", ["unit", "T", "u2", "1", "{}"]), '{"a":9}'],
    ]
    meta = read_meta_rows(rows, key)
    assert meta.export_id == "e1" and meta.fields["format"].valid
    assert [u.valid for u in meta.units] == [True, False]
    assert not read_meta_rows(rows, b"other").fields["format"].valid


def test_a_signature_edited_into_any_text_is_simply_invalid() -> None:
    """A signature cell edited to non-ASCII text (found by the workbook fuzzer: it raised
    TypeError from hmac.compare_digest) is an invalid signature, nothing worse."""
    rows = [["format", "chữ ký sửa tay", "x"], ["export_id", "\udcff", "e1"]]
    meta = read_meta_rows(rows, b"k")
    assert not meta.fields["format"].valid and not meta.fields["export_id"].valid


@pytest.mark.parametrize("given", [True, False])
def test_a_units_row_signed_by_its_writer_is_taken_with_the_exports_id(
    tmp_path: Path, given: bool
) -> None:
    """``write_meta`` writes a unit's signature made by the process that wrote the unit
    (with the export's id, which the caller gives); without the id it signs the row itself,
    and the row is what :func:`unit_cells` gives."""
    from parindex.excel import _workbook

    criteria = load_criteria(ROOT / "criteria" / "namdinh-stnmt-2023.yaml")
    submission = load_submission(ROOT / "evidence" / "so-tnmt-mau-2023.yaml")
    workbook, formats = _workbook(tmp_path / "m.xlsx", criteria)
    unit = SimpleNamespace(
        sheet_name="S", submission=submission, layout=SimpleNamespace(round=1), signature="made"
    )
    write_meta(workbook, formats, criteria, [unit], b"k", export_id="e1" if given else None)
    strings = workbook.str_table.string_table
    cells = unit_cells("S", submission.unit.id, 1, submission_json(submission))
    assert all(cell in strings for cell in cells)
    assert ("made" in strings) is given
    hexes = [s for s in strings if re.fullmatch("[0-9a-f]{32}", s)]  # a new export's id
    export_id = "e1" if given else hexes[0]
    assert (sign(b"k", export_id, cells) in strings) is not given


def test_shape_names_maxima_rules_and_titles() -> None:
    criteria = load_criteria(ROOT / "criteria" / "namdinh-stnmt-2023.yaml")
    shape = criteria_shape(criteria)
    assert shape == criteria_shape(criteria)
    maximum, rule, title = shape["nodes"]["1.1"]
    assert maximum == str(criteria.node("1.1").max_points) and title == criteria.node("1.1").title
    assert len(rule) == 24


def test_key_from_environment_or_a_file_made_once(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv(KEY_ENV, "secret")
    assert workbook_key() == b"secret"
    monkeypatch.delenv(KEY_ENV)
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path))
    first = workbook_key()
    path = tmp_path / "parindex" / "workbook.key"
    assert len(first) == 64 and path.stat().st_mode & 0o777 == 0o600
    assert workbook_key() == first and key_id(first) != key_id(b"secret")


def test_json_depth() -> None:
    assert json_depth_ok('["[[[[[", {"a": [1]}]', limit=3)
    assert not json_depth_ok("[[[[]]]]", limit=3)


@given(st.text(alphabet="[]{}a,1", max_size=60), st.integers(0, 6))
def test_json_depth_is_the_running_depth(text: str, limit: int) -> None:
    """The bracket depth as it runs (a stray closer lowers it), however deep it gets."""
    depth = deepest = 0
    for char in text:
        depth += {"[": 1, "{": 1, "]": -1, "}": -1}.get(char, 0)
        deepest = max(deepest, depth)
    assert json_depth_ok(text, limit) == (deepest <= limit)
    assert json_depth_ok(f'["{text}"]', limit=1)  # inside a string brackets do not count


@given(st.text(alphabet='"\\[]{}a', max_size=40))
def test_json_strings_are_skipped_as_the_plain_alternation_skips_them(text: str) -> None:
    """The unrolled string expression removes exactly what ``"(?:[^"\\]|\\.)*"`` removes
    (the simple form, which backtracked character by character)."""
    plain = re.compile(r'"(?:[^"\\]|\\.)*"')
    assert _STRING.sub("", text) == plain.sub("", text)


_SCALARS = (
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=True, allow_infinity=True)
    | st.decimals(allow_nan=True, allow_infinity=True)
    | st.text()
    | st.dates()
)
_VALUES = st.recursive(
    _SCALARS,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(), inner, max_size=3),
)


_KEYS = st.text() | st.integers() | st.floats() | st.none() | st.frozensets(st.floats(), max_size=2)


_PLAIN = st.none() | st.booleans() | st.integers() | st.text() | st.decimals(allow_nan=False)


@given(
    st.dictionaries(_KEYS, _PLAIN | st.floats(), max_size=4)
    | st.dictionaries(_KEYS, _VALUES, max_size=4)
    | _VALUES
)
def test_floats_found_at_once_are_those_the_careful_walk_finds(value: Any) -> None:
    """A dictionary of plain values answered at once: the careful walk's answer."""
    assert _floats(value) == careful_floats(value)


@given(
    name=st.text(),
    note=st.none() | st.text(),
    explanation=st.none() | st.text(),
    values=st.dictionaries(st.text(min_size=1), _VALUES, max_size=4),
)
def test_submission_json_is_the_careful_json(
    name: str, note: str | None, explanation: str | None, values: dict[str, Any]
) -> None:
    """pydantic-core's JSON of a submission is json's of its JSON-mode dump, character for
    character: any text (control characters, quotes, lone surrogates), values of any kind
    (floats go the careful way: ``1e-07``), the points and dates as they are dumped."""
    sample = load_submission(ROOT / "evidence" / "so-tnmt-mau-2023.yaml")
    code, score = next(iter(sample.self_scores.items()))
    made = sample.model_copy(
        update={
            "unit": sample.unit.model_copy(update={"name": name}),
            "note": note,
            "values": values,
            "self_scores": {
                **sample.self_scores,
                code: score.model_copy(update={"explanation": explanation}),
            },
        }
    )
    try:
        careful = careful_submission_json(made)
    except ValueError:  # json's own refusal (a value it cannot dump): both refuse alike
        with pytest.raises(ValueError):
            submission_json(made)
        return
    assert submission_json(made) == careful


def test_submission_json_of_a_sample_and_a_date() -> None:
    sample = load_submission(ROOT / "evidence" / "so-tnmt-mau-2023.yaml")
    made = sample.model_copy(
        update={"values": {"a": datetime.date(2023, 1, 2), "b": Decimal("1E+2")}}
    )
    assert submission_json(made) == careful_submission_json(made)
    assert '"a":"2023-01-02","b":"1E+2"' in submission_json(made)

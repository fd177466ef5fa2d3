"""Tests for :mod:`parindex.loader`: broken files are refused with located, actionable problems.

Every file under ``tests/data/invalid/`` holds one class of error and says in its
comment header what loading it must produce (openfisca's parameter-validation
tests work the same way)::

    # expect-kind: unknown_name      one expected problem; the next two lines refine it
    # expect-line: 31                its line in the file
    # expect-code: 1.1               the code of the node it is in
    # expect: "tên chưa khai báo: ty_lee", "có phải ý bạn là ty_le"
    # expect-count: 1                exactly this many problems

``expect-kind`` may repeat (one block per expected problem); every ``expect``
fragment must appear in some problem's :meth:`~parindex.errors.Problem.describe`.
In the body, a trailing ``# <- kind`` comment marks each offending line for the reader.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

import pytest
from click.testing import CliRunner

from parindex.cli import main
from parindex.criteria import CriteriaSet
from parindex.errors import CriteriaError, Problem
from parindex.loader import load_criteria

DATA = Path(__file__).parent / "data"
INVALID = DATA / "invalid"
MINI = DATA / "mini.yaml"
SET_2023 = Path(__file__).resolve().parent.parent / "criteria" / "namdinh-stnmt-2023.yaml"
INVALID_FILES = sorted(INVALID.glob("*.yaml"))


@dataclass
class Expected:
    """One problem a broken file must produce."""

    kind: str
    line: int | None = None
    code: str | None = None

    def matches(self, problem: Problem) -> bool:
        return (
            problem.kind == self.kind
            and (self.line is None or problem.line == self.line)
            and (self.code is None or problem.code == self.code)
        )


@dataclass
class Header:
    """What a file's comment header says loading it must produce."""

    expected: list[Expected] = field(default_factory=list)
    fragments: list[str] = field(default_factory=list)
    count: int | None = None


_HEADER_LINE = re.compile(r"^#\s*expect(?:-(kind|line|code|count))?:\s*(.*?)\s*$")
_FRAGMENT = re.compile(r'"([^"]*)"')


def read_header(path: Path) -> Header:
    """Parse the leading ``# expect…`` comments (the rest of the file may not be UTF-8)."""
    header = Header()
    for line in path.read_bytes().decode("utf-8", errors="replace").splitlines():
        if not line.startswith("#"):
            break
        match = _HEADER_LINE.match(line)
        if match is None:
            continue
        key, value = match.groups()
        if key == "kind":
            header.expected.append(Expected(value))
        elif key == "line":
            header.expected[-1].line = int(value)
        elif key == "code":
            header.expected[-1].code = value
        elif key == "count":
            header.count = int(value)
        else:
            header.fragments += _FRAGMENT.findall(value)
    return header


def load_problems(path: Path) -> CriteriaError:
    with pytest.raises(CriteriaError) as info:
        load_criteria(path)
    return info.value


@pytest.mark.parametrize("path", INVALID_FILES, ids=[p.stem for p in INVALID_FILES])
def test_invalid_file_is_refused_with_located_messages(path: Path) -> None:
    """Each broken file raises ``CriteriaError`` with the kinds, lines, codes and words it declares.

    The loader works in phases: reading (encoding, YAML syntax, duplicate keys), then
    structure (pydantic: unknown keys, missing fields, bad numbers and dates), then the
    semantic checks of the whole set (codes, sums, bands, provenance, expressions). A
    phase reports all of its problems together; when the structure is wrong, what it
    leaves intact is still checked semantically (``several_phases.yaml``).
    ``several_problems.yaml`` has five semantic problems and expects all five.
    """
    header = read_header(path)
    assert header.expected, f"{path.name} has no '# expect-kind:' header"
    error = load_problems(path)
    shown = "\n".join(p.describe() for p in error.problems)
    for expected in header.expected:
        assert expected.kind in error.kinds(), f"no {expected.kind} in:\n{shown}"
        assert any(expected.matches(p) for p in error.problems), f"no {expected} in:\n{shown}"
    for fragment in header.fragments:
        assert fragment in shown, f"{fragment!r} not in:\n{shown}"
    if header.count is not None:
        assert len(error.problems) == header.count, shown


def test_invalid_files_cover_the_error_classes() -> None:
    """The data set keeps one file per class, and the classes the format promises to catch."""
    assert len(INVALID_FILES) >= 30
    covered = {e.kind for path in INVALID_FILES for e in read_header(path).expected}
    assert covered >= {
        "yaml_syntax",
        "duplicate_key",
        "encoding",
        "not_a_mapping",
        "unknown_key",
        "missing_field",
        "unknown_kind",
        "invalid_value",
        "duplicate_code",
        "code_mismatch",
        "kind_mismatch",
        "rule_and_children",
        "missing_rule",
        "sum_mismatch",
        "total_mismatch",
        "survey_mismatch",
        "band_coverage",
        "max_unreachable",
        "invalid_range",
        "levels_incomplete",
        "unknown_choice",
        "deadline_shape",
        "unknown_source",
        "provenance",
        "duplicate_name",
        "missing_choices",
        "type_mismatch",
        "unknown_name",
        "forbidden_syntax",
        "forbidden_call",
        "constant_too_large",
        "power_too_large",
        "expression_too_deep",
        "expression_too_large",
    }


def test_every_problem_names_its_file() -> None:
    for path in INVALID_FILES:
        error = load_problems(path)
        assert error.problems
        for problem in error.problems:
            assert problem.file == str(path), problem
            assert problem.describe().startswith(str(path))


def test_structural_problems_are_reported_with_semantic_ones(tmp_path: Path) -> None:
    """An unknown key (structure) no longer hides a sum mismatch (semantics); it comes first."""
    text = MINI.read_text(encoding="utf-8")
    broken = text.replace("total_max: 10", "total_max: 11").replace(
        'title: "Ban hành kế hoạch"\n', 'title: "Ban hành kế hoạch"\n        titel: x\n', 1
    )
    assert broken.count("titel") == 1 and "total_max: 11" in broken
    path = tmp_path / "two-phases.yaml"
    path.write_text(broken, encoding="utf-8")
    assert load_problems(path).kinds() == ["unknown_key", "total_mismatch"]

    path.write_text(broken.replace("        titel: x\n", ""), encoding="utf-8")
    assert load_problems(path).kinds() == ["total_mismatch"]


def test_non_utf8_bytes_are_located_at_their_line(tmp_path: Path) -> None:
    """Bytes that are not UTF-8 are reported at their line, not as a decoding traceback."""
    path = tmp_path / "latin1.yaml"
    path.write_bytes("format: parindex.criteria/1\ntitle: T\u1ec7p\n".encode() + b"note: T\xeap\n")
    error = load_problems(path)
    assert error.kinds() == ["encoding"]
    assert error.problems[0].line == 3


def test_missing_file_is_a_problem_not_a_traceback(tmp_path: Path) -> None:
    error = load_problems(tmp_path / "absent.yaml")
    assert error.kinds() == ["unreadable_file"]
    assert error.problems[0].file == str(tmp_path / "absent.yaml")


def test_mini_set_loads() -> None:
    criteria = load_criteria(MINI)
    assert criteria.id == "mini-test"
    assert criteria.file == str(MINI)
    assert [n.code for n in criteria.nodes] == ["1", "2", "3", "XHH"]
    assert len(criteria.compiled.nodes) == 19
    assert len(criteria.digest) == 64


def test_private_attributes_read_without_pydantic_are_pydantics() -> None:
    # compiled, digest and file read the private slot straight: the values pydantic's
    # __getattr__ gives, for a set loaded and for one built in Python (compiled on first use)
    loaded = load_criteria(MINI)
    built = CriteriaSet.model_validate(loaded.model_dump())
    for criteria in (loaded, built):
        assert criteria.compiled is criteria._compiled is not None
        assert criteria.digest == criteria._digest is not None
        assert criteria.file == criteria._file
    assert built.file is None and loaded.file == str(MINI)


def test_node_by_code_is_the_trees_node_compiled_or_not() -> None:
    # a compiled set answers from its index of nodes: the very node a walk of the tree finds,
    # for a set loaded (from the cache or not), one built in Python before and after it is
    # compiled, and a node added after compiling (not in the index) is still found
    loaded = load_criteria(MINI)
    built = CriteriaSet.model_validate(loaded.model_dump())
    for criteria in (loaded, built, load_criteria(SET_2023)):
        walked = {node.code: node for node in criteria.walk()}
        assert all(criteria.node(code) is node for code, node in walked.items())
        assert criteria.compiled is not None
        assert all(criteria.node(code) is node for code, node in walked.items())
        with pytest.raises(KeyError, match=r"9\.9\.9"):
            criteria.node("9.9.9")
    extra = built.nodes[0].model_copy(update={"code": "9", "children": []})
    built.nodes.append(extra)
    assert built.node("9") is extra


def test_to_frame_has_one_row_per_problem() -> None:
    error = load_problems(INVALID / "several_problems.yaml")
    frame = error.to_frame()
    assert len(frame) == len(error.problems) == 5
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
    assert sorted(frame["kind"]) == sorted(error.kinds())
    assert set(frame["file"]) == {str(INVALID / "several_problems.yaml")}


# --- the command line ---------------------------------------------------------------------


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, list(args))
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise result.exception
    return result.exit_code, result.stdout, result.stderr


def test_cli_validate_bad_file_prints_errors_and_exits_1() -> None:
    path = INVALID / "several_problems.yaml"
    code, out, err = run("validate", str(path))
    assert code == 1
    assert "Traceback" not in out + err
    assert "5 lỗi:" in err
    assert f"{path}:" in err
    assert "có phải ý bạn là co_ke_hoach" in err
    assert "khác total_max 5" in err


def test_cli_validate_in_english() -> None:
    code, _, err = run("validate", "--lang", "en", str(INVALID / "sum_mismatch.yaml"))
    assert code == 1
    assert "1 error:" in err
    assert "children's maxima add to 2.5, not 2" in err


def test_cli_validate_unreadable_yaml_has_no_traceback() -> None:
    for name in ("yaml_syntax", "not_utf8", "not_a_mapping", "hostile_deep_parentheses"):
        code, out, err = run("validate", str(INVALID / f"{name}.yaml"))
        assert code == 1, name
        assert "Traceback" not in out + err
        assert err.strip(), name


def test_cli_validate_json_errors() -> None:
    path = INVALID / "sum_mismatch.yaml"
    code, out, _ = run("validate", "--format", "json", str(path))
    assert code == 1
    payload = json.loads(out)
    assert payload["valid"] is False
    assert payload["nodes"] == []
    [error] = payload["errors"]
    assert error["file"] == str(path)
    assert error["line"] == 25
    assert error["code"] == "1"
    assert error["field"] == "nodes[0].max_points"
    assert error["kind"] == "sum_mismatch"
    assert "khác điểm tối đa 2" in error["message"]


def test_cli_validate_json_valid_file() -> None:
    code, out, _ = run("validate", "--format", "json", str(MINI))
    assert code == 0
    payload = json.loads(out)
    assert payload["valid"] is True
    assert payload["errors"] == []
    nodes = {n["code"]: n for n in payload["nodes"]}
    assert list(nodes)[:3] == ["1", "1.1", "1.2"]
    assert nodes["1.1"] == {
        "code": "1.1",
        "title": "Ban hành kế hoạch",
        "kind": "criterion",
        "rule": "check",
        "max_points": "0.5",
        "provisional": True,
        "parent": "1",
        "depth": 1,
        "file": str(MINI),
    }
    assert nodes["3.1.a"]["provisional"] is False
    assert nodes["XHH"]["max_points"] == "2"
    [summary] = payload["sets"]
    assert Decimal(summary["provisional_points"]) == Decimal("9.5")
    assert summary["total_max"] == "10"


def test_cli_validate_text_valid_file() -> None:
    code, out, err = run("validate", str(MINI))
    assert code == 0
    assert err == ""
    assert "TỔNG ĐIỂM" in out
    assert "9,5 / 10 điểm" in out


def test_cli_validate_several_files_reports_every_bad_one() -> None:
    files = [str(MINI), str(INVALID / "sum_mismatch.yaml"), str(INVALID / "unknown_name.yaml")]
    code, out, _ = run("validate", "--format", "json", *files)
    assert code == 1
    payload = json.loads(out)
    assert {e["file"] for e in payload["errors"]} == set(files[1:])
    assert {n["file"] for n in payload["nodes"]} == {str(MINI)}


@pytest.mark.parametrize("size", [0, 1, 9, 10, 11, 12, 100_000])
def test_read_bytes_reads_to_the_end_or_one_past_the_bound(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, size: int
) -> None:
    """The bytes of a file, whole, or one more than the bound when it is larger (then refused)."""
    import parindex.loader as loader
    from parindex.reading import Bounds

    raw = bytes(range(256)) * (size // 256 + 1)
    path = tmp_path / "f.yaml"
    path.write_bytes(raw[:size])
    assert loader.read_bytes(path) == raw[:size]
    monkeypatch.setattr(loader, "BOUNDS", Bounds(max_bytes=10))
    assert loader.read_bytes(path) == raw[: min(size, 11)]


def test_read_bytes_reads_a_pipe_whose_size_is_unknown(tmp_path: Path) -> None:
    """A pipe says its size is 0: it is read on to its end, not cut at what was expected."""
    import os
    import threading

    from parindex.loader import read_bytes

    path = tmp_path / "pipe.yaml"
    os.mkfifo(path)
    raw = b"format: parindex.criteria/1\n" * 5_000

    def write() -> None:
        with open(path, "wb") as pipe:
            pipe.write(raw)

    writer = threading.Thread(target=write)
    writer.start()
    assert read_bytes(path) == raw
    writer.join()


# --- an unknown key lists the keys of the model that holds it ------------------------------

_KEYS_SET = """\
format: parindex.criteria/1
id: khoa-thu
title: "Bộ thử khóa"
province: Tỉnh Thử
levels: [so]
year: 2023
total_max: 1
provenance: {status: provisional, rationale: "Số liệu giả định"}
inputs:
  - {name: ty_le, type: percent, label: "Tỷ lệ"}
  - {name: cap, type: enum, label: "Cấp", choices: {tinh: "Cấp tỉnh", huyen: "Cấp huyện"}}
  - {name: q1, type: date, label: "Quý I"}
  - {name: q2, type: date, label: "Quý II"}
  - {name: q3, type: date, label: "Quý III"}
  - {name: q4, type: date, label: "Quý IV"}
nodes:
  - {code: "1", kind: criterion, title: "Tiêu chí thử", max_points: 1,
     rule: RULE}
"""


@pytest.mark.parametrize(
    ("rule", "key", "owner"),
    [
        (
            '{kind: bands, value: ty_le, bands: [{when: "từ 0% trở lên", points: 1, pts: 1}]}',
            "pts",
            "parindex.rules.bands.Band",
        ),
        (
            "{kind: levels, value: cap, levels: [{value: tinh, points: 1, titel: Tỉnh}]}",
            "titel",
            "parindex.rules.levels.Level",
        ),
        (
            "{kind: deadline, values: [q1, q2, q3, q4], quarterly: {year: 2023, day: 15, mont: 3}}",
            "mont",
            "parindex.rules.deadline.QuarterlySchedule",
        ),
        (
            '{kind: check, value: "ty_le >= 80", valeu: 1}',
            "valeu",
            "parindex.rules.check.CheckRule",
        ),
    ],
)
def test_an_unknown_key_in_a_rule_lists_the_keys_of_its_kinds_model(
    tmp_path: Path, rule: str, key: str, owner: str
) -> None:
    """The loader finds the model holding a key by following the kinds' own models (a band,
    a level, a quarterly schedule): it names no kind itself."""
    import importlib

    module, name = owner.rsplit(".", 1)
    model = getattr(importlib.import_module(module), name)
    path = tmp_path / "khoa.yaml"
    path.write_text(_KEYS_SET.replace("RULE", rule), encoding="utf-8")
    error = load_problems(path)
    found = [p for p in error.problems if p.kind == "unknown_key"]
    assert len(found) == 1, error.describe()
    assert found[0].text == key and found[0].code == "1" and found[0].line == 18
    assert found[0].allowed == tuple(model.model_fields)


def test_the_loader_names_no_rule_kind() -> None:
    """What a kind's fields hold is said by its model, in its module, not in the loader."""
    from parindex.rules import REGISTRY

    text = (Path(__file__).parents[1] / "parindex" / "loader.py").read_text(encoding="utf-8")
    for name in REGISTRY:
        assert f'"{name}"' not in text and f"'{name}'" not in text, name
    for model in ("Band", "Level", "QuarterlySchedule"):
        assert f".{model}" not in text, model


def test_an_unknown_key_of_a_submission_lists_the_keys_of_its_model(tmp_path: Path) -> None:
    from parindex.loader import _owner
    from parindex.submission import Document, SelfScore, Submission

    data = {"self_scores": {"1.1": {"points": 1}}, "documents": [{"id": "a"}]}
    assert _owner(("self_scores", "1.1"), data, Submission) is SelfScore
    assert _owner(("documents", 0), data, Submission) is Document
    assert _owner(("values",), {"values": {"a": 1}}, Submission) is None  # no model there

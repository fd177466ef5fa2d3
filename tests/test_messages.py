"""The message catalogue knows every code a person could see, in both languages."""

from __future__ import annotations

import re
import typing
from enum import StrEnum
from pathlib import Path

import pytest

from parindex import messages
from parindex.criteria import Aggregation, InputType, NodeKind, Rule, UnitLevel
from parindex.expressions import NameInfo, ValueType, compile_expression
from parindex.mapping import ComparisonStatus
from parindex.messages import FAMILIES, counted, expression_words, label
from parindex.report import Status
from parindex.review import Severity

ENUMS: list[tuple[str, type[StrEnum]]] = [
    ("level", UnitLevel),
    ("node_kind", NodeKind),
    ("aggregation", Aggregation),
    ("input_type", InputType),
    ("status", Status),
    ("severity", Severity),
    ("comparison", ComparisonStatus),
]
SNAKE = re.compile(r"\b[a-z]+_[a-z_]+\b")


@pytest.mark.parametrize(("family", "enum"), ENUMS, ids=[f for f, _ in ENUMS])
def test_every_enum_member_has_a_label_in_both_languages(family: str, enum: type[StrEnum]) -> None:
    assert set(FAMILIES[family]) >= {member.value for member in enum}


def _rule_kinds() -> set[str]:
    union = typing.get_args(Rule)[0]
    return {
        typing.get_args(model.model_fields["kind"].annotation)[0]
        for model in typing.get_args(union)
    }


def test_every_rule_kind_has_a_label() -> None:
    assert _rule_kinds() <= set(FAMILIES["rule_kind"])


def test_every_finding_kind_of_the_review_has_a_label() -> None:
    source = (Path(messages.__file__).parent / "review.py").read_text(encoding="utf-8")
    kinds = set(re.findall(r'\.add\(\s*"([a-z_]+)"', source))
    assert kinds, "the review's finding kinds were not found"
    assert kinds <= set(FAMILIES["finding"])


@pytest.mark.parametrize("family", sorted(FAMILIES))
def test_labels_are_words_not_codes(family: str) -> None:
    for code, (vi, en) in FAMILIES[family].items():
        assert vi and en and vi != code
        assert not SNAKE.search(vi) and not SNAKE.search(en), (family, code)


def test_label_and_counted() -> None:
    assert label("level", UnitLevel.XA) == "UBND cấp xã"
    assert label("level", "xa", "en") == "Commune people's committees"
    assert label("level", "Nhóm phường") == "Nhóm phường"  # a province's own group name
    assert counted("node_kind", {"criterion": 3, "area": 2}) == "Lĩnh vực 2, Tiêu chí 3"


def test_an_expression_reads_in_words() -> None:
    names = {
        "a": NameInfo(ValueType.NUMBER),
        "b": NameInfo(ValueType.NUMBER),
        "c": NameInfo(ValueType.NUMBER),
        "d": NameInfo(ValueType.DATE),
    }
    labels = {"a": "Số hồ sơ đúng hạn", "b": "Số hồ sơ trước hạn", "c": "Tổng số hồ sơ"}
    expr = compile_expression("percent(a + b, c, 100)", names)
    assert expression_words(expr.root, labels) == (
        "Tỷ lệ (số hồ sơ đúng hạn + số hồ sơ trước hạn) / tổng số hồ sơ"
    )
    check = compile_expression("a == 0 and days_between(d, date(2023, 12, 31)) >= 0", names)
    words = expression_words(check.root, labels)
    assert words == "số hồ sơ đúng hạn = 0 và số ngày từ d đến 31/12/2023 ≥ 0"
    assert not SNAKE.search(words)


def test_a_band_is_the_sets_word_with_the_decisions_group_in_english() -> None:
    from parindex.messages import band

    assert band("Nhóm II", "en") == "Group II" and band("Nhóm II") == "Nhóm II"
    assert band("Mức 3", "en") == "Mức 3"  # a set's own word, as written


def test_the_decisions_grades_read_in_english_and_a_sets_own_word_stays() -> None:
    from parindex.messages import band

    english = {
        "Xuất sắc": "Excellent",
        "Tốt": "Good",
        "Khá": "Fair",
        "Trung bình": "Average",
        "Loại A": "Grade A",
        "Nhóm IV": "Group IV",
    }
    for name, words in english.items():
        assert band(name, "en") == words and band(name) == name
    assert band("Mức 3", "en") == "Mức 3"  # the set's own word, as written


def test_an_english_count_takes_its_noun_in_the_right_number() -> None:
    """The command line said "1 unit(s)" and "0 file(s)"."""
    from parindex.messages import many

    assert [many(n, "unit") for n in (0, 1, 7)] == ["0 units", "1 unit", "7 units"]
    assert many(8, "Word report") == "8 Word reports"

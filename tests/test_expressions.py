"""Tests for :mod:`parindex.expressions`: the allow-listed rule language, compiled safely.

Accepted syntax compiles to a typed tree and evaluates in exact decimals; hostile
syntax is refused at compile time with a stable ``kind``; random text never raises
anything but :class:`~parindex.errors.ExpressionError`; nothing reaches ``eval``.
"""

from __future__ import annotations

import builtins
import datetime as dt
import re
import string
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from parindex.errors import EvaluationError, ExpressionError
from parindex.expressions import (
    FUNCTIONS,
    MAX_DEPTH,
    MAX_LENGTH,
    NameInfo,
    Value,
    ValueType,
    compile_expression,
    evaluate,
)
from parindex.loader import load_criteria

N, B, D, T = ValueType.NUMBER, ValueType.BOOL, ValueType.DATE, ValueType.TEXT

ENV = {
    "a": NameInfo(N),
    "b": NameInfo(N),
    "zero": NameInfo(N),
    "ok": NameInfo(B),
    "no": NameInfo(B),
    "d1": NameInfo(D),
    "d2": NameInfo(D),
    "cap": NameInfo(T, frozenset({"khong", "co_so", "tinh"})),
}

VALUES: dict[str, Value] = {
    "a": Decimal(49),
    "b": Decimal(50),
    "zero": Decimal(0),
    "ok": True,
    "no": False,
    "d1": dt.date(2023, 1, 1),
    "d2": dt.date(2023, 3, 1),
    "cap": "co_so",
}


def run(text: str, values: dict[str, Value] | None = None) -> Value:
    return evaluate(compile_expression(text, ENV), VALUES if values is None else values)


def refused(text: str, env: dict[str, NameInfo] | None = None) -> ExpressionError:
    with pytest.raises(ExpressionError) as info:
        compile_expression(text, ENV if env is None else env)
    return info.value


# --- accepted syntax ---------------------------------------------------------------------

ACCEPTED: list[tuple[str, Value]] = [
    # arithmetic, exact
    ("0.1 + 0.2", Decimal("0.3")),
    ("a + b * 2 - 1", Decimal(148)),
    ("a / b", Decimal("0.98")),
    ("-a + +b", Decimal(1)),
    ("2 ** 10", Decimal(1024)),
    ("a ** 0", Decimal(1)),
    ("1_000 + 0.5", Decimal("1000.5")),
    ("1e3", Decimal(1000)),
    # functions
    ("ratio(a, b, 1)", Decimal("0.98")),
    ("ratio(a, zero, 7)", Decimal(7)),
    ("percent(a, b, 100)", Decimal(98)),
    ("percent(a, zero, 100)", Decimal(100)),
    ("min(a, b)", Decimal(49)),
    ("min(b, a, 3, 7)", Decimal(3)),
    ("max(a, b)", Decimal(50)),
    ("max(1, 2, 3, a)", Decimal(49)),
    ("abs(a - b)", Decimal(1)),
    ("round(2.675, 2)", Decimal("2.68")),
    ("round(0.125, 2)", Decimal("0.13")),
    ("round(2.5, 0)", Decimal(3)),
    ("round(percent(1, 3, 0), 2)", Decimal("33.33")),
    ("clamp(a, 0, 10)", Decimal(10)),
    ("clamp(-a, 0, 10)", Decimal(0)),
    ("clamp(5, 0, 10)", Decimal(5)),
    ("date(2022, 12, 31)", dt.date(2022, 12, 31)),
    ("days_between(d1, d2)", Decimal(59)),
    ("days_between(d2, d1)", Decimal(-59)),
    ("year(d2)", Decimal(2023)),
    ("month(d2)", Decimal(3)),
    ("day(date(2024, 2, 29))", Decimal(29)),
    ("quarter(d1)", Decimal(1)),
    ("quarter(date(2023, 4, 1))", Decimal(2)),
    ("quarter(date(2023, 12, 31))", Decimal(4)),
    # comparisons
    ("a < b", True),
    ("a <= 49", True),
    ("a > b", False),
    ("a >= b", False),
    ("a == 49", True),
    ("a != 49", False),
    ("0 <= a < b <= 100", True),
    ("0 <= a < 10 < b", False),
    ("d1 <= d2", True),
    ("d1 < date(2023, 1, 1)", False),
    ("ok == True", True),
    ('cap == "co_so"', True),
    ('cap != "tinh"', True),
    # membership
    ('cap in ("co_so", "tinh")', True),
    ('cap not in ("co_so", "tinh")', False),
    ("a in (1, 2, 49)", True),
    ("a in [1, 2]", False),
    ("a not in {1, 2}", True),
    # logic and conditionals
    ("ok and not no", True),
    ("ok and no", False),
    ("no or a > 1", True),
    ("not ok", False),
    ("1 if ok else 0.5", Decimal(1)),
    ("1 if no else 0.5 if a < b else 0", Decimal("0.5")),
    ("d1 if no else d2", dt.date(2023, 3, 1)),
    ("(a + b) * (2 - 1)", Decimal(99)),
]


@pytest.mark.parametrize(("text", "result"), ACCEPTED, ids=[t for t, _ in ACCEPTED])
def test_accepted_syntax_evaluates_exactly(text: str, result: Value) -> None:
    value = run(text)
    assert value == result
    assert type(value) is type(result)


def test_every_registered_function_is_exercised() -> None:
    used = {text.split("(")[0] for text, _ in ACCEPTED if "(" in text}
    used |= {name for text, _ in ACCEPTED for name in FUNCTIONS if f"{name}(" in text}
    assert set(FUNCTIONS) <= used


def test_exact_decimal_arithmetic() -> None:
    assert run("0.1 + 0.2") == Decimal("0.3")
    assert run("0.1 + 0.2 == 0.3") is True
    assert run("ratio(1, 4, 0) + ratio(1, 8, 0)") == Decimal("0.375")


def test_static_types_and_names() -> None:
    compiled = compile_expression("percent(a, b, 0) >= 50 and ok", ENV)
    assert compiled.type == B
    assert compiled.names == frozenset({"a", "b", "ok"})
    assert compile_expression("d1", ENV).type == D
    assert compile_expression('"x"', ENV).type == T
    assert compile_expression("days_between(d1, d2)", ENV).type == N


def test_expected_type_is_checked() -> None:
    assert compile_expression("ok", ENV, B).type == B
    error = refused_expected("a + 1", B)
    assert error.kind == "type_mismatch"
    assert "cần cho kết quả kiểu đúng/sai, nhưng cho kiểu số" in error.message


def refused_expected(text: str, expected: ValueType) -> ExpressionError:
    with pytest.raises(ExpressionError) as info:
        compile_expression(text, ENV, expected)
    return info.value


def test_division_by_zero_is_an_evaluation_error() -> None:
    expr = compile_expression("a / zero", ENV)
    with pytest.raises(EvaluationError, match="ratio"):
        evaluate(expr, VALUES)


def test_invalid_date_at_evaluation_is_an_evaluation_error() -> None:
    expr = compile_expression("date(year(d1), a, 1)", ENV)
    with pytest.raises(EvaluationError, match="ngày không hợp lệ"):
        evaluate(expr, VALUES)


def test_short_circuit_does_not_evaluate_the_other_side() -> None:
    assert run("no and a / zero > 1") is False
    assert run("ok or a / zero > 1") is True
    assert run("1 if ok else a / zero") == Decimal(1)


# --- refused syntax ----------------------------------------------------------------------

HOSTILE: list[tuple[str, str, str]] = [
    ("a.__class__", "forbidden_syntax", "truy cập thuộc tính"),
    ("ok.__class__.__mro__", "forbidden_syntax", "truy cập thuộc tính"),
    ("a[0]", "forbidden_syntax", "chỉ số (a[b])"),
    ("__import__('os')", "forbidden_call", "hàm không được phép: __import__"),
    ("__import__('os').system('true')", "forbidden_call", "chỉ gọi được các hàm đã đăng ký"),
    ("lambda: 1", "forbidden_syntax", "lambda"),
    ("(lambda: 1)()", "forbidden_call", "chỉ gọi được các hàm đã đăng ký"),
    ("[x for x in (1, 2)]", "forbidden_syntax", "vòng lặp [… for …]"),
    ("{x for x in (1, 2)}", "forbidden_syntax", "vòng lặp {… for …}"),
    ("{x: 1 for x in (1, 2)}", "forbidden_syntax", "vòng lặp {…: … for …}"),
    ("max(x for x in (1, 2))", "wrong_arguments", "hàm max cần 2 trở lên đối số"),
    ("max(a, *(x for x in (1, 2)))", "forbidden_syntax", "không dùng *đối số"),
    ("open('/etc/passwd')", "forbidden_call", "hàm không được phép: open"),
    ("eval('1')", "forbidden_call", "hàm không được phép: eval"),
    ("exec('1')", "forbidden_call", "hàm không được phép: exec"),
    ("getattr(a, 'real')", "forbidden_call", "hàm không được phép: getattr"),
    ("f'{a}'", "forbidden_syntax", "chuỗi f'…'"),
    ("(x := 1)", "forbidden_syntax", "phép gán :="),
    ("10 ** 100", "power_too_large", "số mũ nguyên hằng từ 0 đến 10"),
    ("2 ** 11", "power_too_large", "số mũ nguyên hằng"),
    ("2 ** -1", "power_too_large", "số mũ nguyên hằng"),
    ("2 ** 0.5", "power_too_large", "số mũ nguyên hằng"),
    ("a ** b", "power_too_large", "số mũ nguyên hằng"),
    ("2 ** 2 ** 2", "power_too_large", "số mũ nguyên hằng"),
    ("1e400", "constant_too_large", "hằng số quá lớn"),
    ("10000000000000001", "constant_too_large", "hằng số quá lớn"),
    ("0.0000000000000000000000000000001", "constant_too_large", "hằng số quá lớn"),
    ("'x' * 101 == 'y'", "type_mismatch", "cần kiểu số"),
    ("'" + "x" * 101 + "'", "constant_too_large", "chuỗi quá dài"),
    ("(" * 200 + "a" + ")" * 200, "expression_too_deep", "lồng quá sâu"),
    ("not " * (MAX_DEPTH + 2) + "ok", "expression_too_deep", "lồng quá sâu"),
    ("a" + " + a" * 400, "expression_too_large", "biểu thức quá dài"),
    ("min(" + "1, " * 300 + "1)", "expression_too_large", "quá lớn"),
    ("round(a, n=2)", "forbidden_syntax", "không dùng đối số có tên"),
    ("round(x=a, n=2)", "forbidden_syntax", "không dùng đối số có tên"),
    ("max(a, *b)", "forbidden_syntax", "không dùng *đối số"),
    ("max(a, **b)", "forbidden_syntax", "không dùng đối số có tên"),
    ("a if ok", "syntax_error", "lỗi cú pháp"),
    ("a = 1", "syntax_error", "lỗi cú pháp"),
    ("import os", "syntax_error", "lỗi cú pháp"),
    ("a; b", "syntax_error", "lỗi cú pháp"),
    ("", "syntax_error", "lỗi cú pháp"),
    ("None", "forbidden_syntax", "hằng số không được phép"),
    ("...", "forbidden_syntax", "hằng số không được phép"),
    ("b'x'", "forbidden_syntax", "hằng số không được phép"),
    ("1j", "forbidden_syntax", "hằng số không được phép"),
    ("(1, 2)", "forbidden_syntax", "số thập phân viết 0.25, không viết 0,25"),
    ("[a]", "forbidden_syntax", "danh sách"),
    ("{'k': 1}", "forbidden_syntax", "bảng {khóa: giá trị}"),
    ("a // b", "forbidden_syntax", "phép toán không được phép: '//'"),
    ("a % b", "forbidden_syntax", "phép toán không được phép: '%'"),
    ("a << 1", "forbidden_syntax", "phép toán không được phép: '<<'"),
    ("a @ b", "forbidden_syntax", "phép toán không được phép: '@'"),
    ("~a", "forbidden_syntax", "phép toán một ngôi không được phép"),
    ("a is b", "forbidden_syntax", "phép so sánh không được phép: 'is'"),
    ("a in b", "forbidden_syntax", "'in' cần một danh sách hằng"),
    ("a in (b, 1)", "forbidden_syntax", "chỉ gồm hằng"),
    ("__builtins__", "unknown_name", "tên chưa khai báo: __builtins__"),
    ("aa + 1", "unknown_name", "tên chưa khai báo: aa"),
    ("ratio(a, b)", "wrong_arguments", "hàm ratio cần 3 đối số, nhận 2"),
    ("abs(a, b)", "wrong_arguments", "hàm abs cần 1 đối số, nhận 2"),
    ("ratoi(a, b, 0)", "forbidden_call", "có phải ý bạn là ratio"),
    ("date(2023, 2, 29)", "invalid_date", "ngày không hợp lệ"),
    ("a + ok", "type_mismatch", "cần kiểu số, nhưng nhận kiểu đúng/sai"),
    ("d1 + 1", "type_mismatch", "cần kiểu số, nhưng nhận kiểu ngày"),
    ("d1 < 5", "type_mismatch", "cần kiểu ngày, nhưng nhận kiểu số"),
    ("ok and a", "type_mismatch", "'and' cần kiểu đúng/sai"),
    ("not a", "type_mismatch", "'not' cần kiểu đúng/sai"),
    ("-ok", "type_mismatch", "cần kiểu số"),
    ("ok < no", "type_mismatch", "chỉ so sánh bằng/khác"),
    ("cap > 'a'", "type_mismatch", "chỉ so sánh bằng/khác"),
    ("1 if a else 0", "type_mismatch", "điều kiện của 'if' cần kiểu đúng/sai"),
    ("1 if ok else d1", "type_mismatch", "nhánh 'else' cần kiểu số"),
    ("year(a)", "type_mismatch", "đối số 1 của year cần kiểu ngày"),
    ("a in ('x',)", "type_mismatch", "phần tử của danh sách 'in' cần kiểu số"),
    ("cap == 'coso'", "unknown_choice", "có phải ý bạn là co_so"),
    ("cap in ('khong', 'huyen')", "unknown_choice", "'huyen' không thuộc các lựa chọn"),
    ("ａ + 1", "confusable_name", "đọc thành 'a'"),  # fullwidth a: Python reads it as a
    ("b + ﬁ", "confusable_name", "đọc thành 'fi'"),  # the ligature ﬁ
    ("a + 1  # cộng thêm", "forbidden_syntax", "chú thích '#'"),
    ("a # b", "forbidden_syntax", "chú thích '#'"),
]


@pytest.mark.parametrize(("text", "kind", "fragment"), HOSTILE, ids=[t[:40] for t, _, _ in HOSTILE])
def test_refused_syntax_has_a_kind_and_a_message(text: str, kind: str, fragment: str) -> None:
    error = refused(text)
    assert error.kind == kind, error.message
    assert fragment in error.message
    assert error.message_en


def test_over_long_text_is_refused_before_parsing() -> None:
    error = refused("a" * (MAX_LENGTH + 1))
    assert error.kind == "expression_too_large"
    assert len(error.text) < 100


def test_hash_inside_a_string_is_not_a_comment() -> None:
    assert compile_expression("cap == '#'", ENV | {"cap": NameInfo(T)}).names == {"cap"}


def test_refusal_lists_what_is_allowed() -> None:
    assert set(refused("open('x')").allowed) == set(FUNCTIONS)
    assert "ratio" in refused("a.b").allowed[0]
    assert refused("aa").allowed == tuple(sorted(ENV))
    assert refused("cap == 'x'").allowed == ("co_so", "khong", "tinh")


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        ("0.5 * (1 if a else 0) +", "ở cuối biểu thức («… (1 if a else 0) +»): sau dấu phép tính"),
        ("(a + 1", "ngoặc mở chưa đóng: thêm ')'"),
        ("a + 1)", "ở vị trí 6 («a + 1)»): ngoặc đóng không có ngoặc mở"),
        ("a if ok", "'A if B' cần phần 'else': viết 'A if B else C'"),
        ("a b", "ở vị trí 3 («a b»): xem lại dấu phép tính, tên và ngoặc"),
        # Python counts a column within its line: the place is said from the start
        ("(a >= 90 and\n a > 0 and\n a * 2 +)", "ở vị trí 33 («d a * 2 +)»)"),
        ("a ≥ 1", "ký tự «≥» không dùng được trong biểu thức: viết >="),
        ("cap == “tinh”", 'ký tự «“» không dùng được trong biểu thức: viết "'),
        ("08 > a", "số không viết số 0 ở đầu: viết 8, không phải 08"),
        ("a > 90 %", "tỷ lệ viết không có dấu %: 90, không phải 90 %"),
        ('cap == "tinh', "thêm dấu nháy (' hoặc \") ở cuối chuỗi"),
    ],
)
def test_a_syntax_error_says_where_and_what_to_write_in_vietnamese(
    text: str, fragment: str
) -> None:
    """Python's "invalid syntax (vị trí 0)" said neither where (0 is the end) nor the fix."""
    error = refused(text)
    assert error.kind == "syntax_error" and fragment in error.message, error.message
    assert "invalid" not in error.message and "never" not in error.message
    assert "Python" not in error.message and "\n" not in error.message
    assert error.message_en.startswith("syntax error")


def test_refusal_names_the_column() -> None:
    error = refused("a + b.c")
    assert error.column == 4
    assert "(vị trí 5)" in error.message
    assert "(column 5)" in error.message_en


def test_non_string_is_refused() -> None:
    error = refused(42)  # type: ignore[arg-type]
    assert error.kind == "forbidden_syntax"


# --- properties ----------------------------------------------------------------------------


@given(st.text(alphabet=string.printable, max_size=80) | st.text(max_size=80))
def test_random_text_compiles_or_raises_expression_error(text: str) -> None:
    try:
        compiled = compile_expression(text, ENV)
    except ExpressionError:
        return
    assert compiled.type in ValueType


TOKENS = [
    *ENV,
    *FUNCTIONS,
    *"(),+-*/<>",
    *("**", "<=", ">=", "==", "!=", "and", "or", "not", "if", "else", "in", "not in"),
    *("0", "1", "2.5", "10", "100", "True", "False", '"co_so"', '"x"'),
    *("[", "]", ".", ":", "lambda", "for", "x", "=", ":=", "__class__", "'", '"'),
]


@given(st.lists(st.sampled_from(TOKENS), max_size=30).map(" ".join))
def test_token_soup_compiles_or_is_refused_and_evaluates_or_fails_cleanly(text: str) -> None:
    """Near-miss expressions built from the language's own tokens, by construction."""
    try:
        compiled = compile_expression(text, ENV)
    except ExpressionError:
        return
    try:
        result = evaluate(compiled, VALUES)
    except EvaluationError:
        return
    assert isinstance(result, Decimal | bool | dt.date | str)


# --- no eval, no exec -------------------------------------------------------------------------


def test_no_path_calls_eval_or_exec(monkeypatch: pytest.MonkeyPatch) -> None:
    """Compiling, evaluating and loading a whole set never pass text to ``eval``/``exec``.

    Code objects are let through: the import system execs modules (a codec on first use).
    """
    texts: list[object] = []

    def guard(original: Any) -> Any:
        def checked(source: object, *args: Any, **kwargs: Any) -> Any:
            if isinstance(source, str | bytes):
                texts.append(source)
                raise AssertionError(f"{original.__name__} called on {source!r}")
            return original(source, *args, **kwargs)

        return checked

    monkeypatch.setattr(builtins, "eval", guard(builtins.eval))
    monkeypatch.setattr(builtins, "exec", guard(builtins.exec))
    results = [run(text) for text, _ in ACCEPTED]
    assert results == [value for _, value in ACCEPTED]
    for text, _, _ in HOSTILE:
        with pytest.raises(ExpressionError):
            compile_expression(text, ENV)
    criteria = load_criteria(Path(__file__).parent / "data" / "mini.yaml")
    assert len(criteria.compiled.nodes) == 19
    assert texts == []


def test_refusals_speak_the_criteria_files_words_not_pythons() -> None:
    """An operator as written ('%'), never Python's class name ("Mod"), in either language's
    Vietnamese message; a tuple said as the decimal comma it usually is."""
    for text in ("a // b", "a % b", "a << 1", "a @ b", "a is b", "(1, 2)", "[x for x in (1, 2)]"):
        message = refused(text).message
        assert not re.search(r"FloorDiv|Mod\b|LShift|MatMult|\bIs\b|tuple|comprehension", message)

"""The safe rule compiler: expression text → a small typed tree, checked at load.

Criteria files are shared between provinces, so every expression is hostile until
proven otherwise. The text is parsed with :func:`ast.parse` (which only parses) and
translated node by node through an allow-list (``_HANDLERS``); any other syntax —
attribute access, subscripts, lambdas, comprehensions, calls to anything not in
:data:`FUNCTIONS` — is refused with the list of what is allowed. Names must be
declared inputs or facts; a misspelling fails with a did-you-mean. Sizes are
bounded (text length, nesting, node count, constants, powers). Nothing here or
anywhere in parindex passes text to ``eval`` or ``exec``.

The result is an inert tree of :class:`Expr` nodes with a static type. Evaluation
is in :func:`evaluate` (one unit's values, exact decimals).

>>> env = {"a": NameInfo(ValueType.NUMBER), "b": NameInfo(ValueType.NUMBER)}
>>> expr = compile_expression("percent(a, b, 100)", env)
>>> evaluate(expr, {"a": Decimal(49), "b": Decimal(50)})
Decimal('98')
"""

from __future__ import annotations

import ast
import datetime as dt
import difflib
import io
import tokenize
import unicodedata
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from enum import StrEnum

from parindex.errors import EvaluationError, ExpressionError, did_you_mean

__all__ = [
    "FUNCTIONS",
    "Binary",
    "BoolOp",
    "Call",
    "Compare",
    "CompiledExpression",
    "Const",
    "Expr",
    "Fail",
    "IfElse",
    "In",
    "Name",
    "NameInfo",
    "Not",
    "Unary",
    "Value",
    "ValueType",
    "compile_expression",
    "evaluate",
]

MAX_LENGTH = 1000
MAX_DEPTH = 24
MAX_NODES = 300
MAX_CONSTANT = Decimal(10) ** 15
MAX_STRING = 100
MAX_POWER = 10

Value = Decimal | bool | dt.date | str


class ValueType(StrEnum):
    """Static type of an expression."""

    NUMBER = "number"
    BOOL = "bool"
    DATE = "date"
    TEXT = "text"


_TYPE_VI = {
    ValueType.NUMBER: "số",
    ValueType.BOOL: "đúng/sai",
    ValueType.DATE: "ngày",
    ValueType.TEXT: "văn bản",
}


@dataclass(frozen=True)
class NameInfo:
    """What the compiler knows of a declared name: its type and, for enums, its choices."""

    type: ValueType
    choices: frozenset[str] | None = None


# --- the typed tree ------------------------------------------------------------------


@dataclass(frozen=True)
class Expr:
    """A node of a compiled expression, with the type the compiler inferred for it."""

    type: ValueType


@dataclass(frozen=True)
class Const(Expr):
    """A literal value."""

    value: Value


@dataclass(frozen=True)
class Name(Expr):
    """A declared input, fact or derived name, read from the unit's values."""

    name: str


@dataclass(frozen=True)
class Unary(Expr):
    """A sign applied to one operand: ``-x`` or ``+x``."""

    op: str  # "-" or "+"
    operand: Expr


@dataclass(frozen=True)
class Binary(Expr):
    """Arithmetic on two operands: ``+ - * / **``."""

    op: str  # + - * / **
    left: Expr
    right: Expr


@dataclass(frozen=True)
class Compare(Expr):
    """A chain of comparisons (``a < b <= c``): each operator between two operands."""

    ops: tuple[str, ...]
    operands: tuple[Expr, ...]


@dataclass(frozen=True)
class BoolOp(Expr):
    """``and`` / ``or`` over two or more operands."""

    op: str  # "and" / "or"
    values: tuple[Expr, ...]


@dataclass(frozen=True)
class Not(Expr):
    """``not`` of one operand."""

    operand: Expr


@dataclass(frozen=True)
class IfElse(Expr):
    """``body if test else orelse``."""

    test: Expr
    body: Expr
    orelse: Expr


@dataclass(frozen=True)
class In(Expr):
    """Membership of a value in a list of literal options (``in`` / ``not in``)."""

    needle: Expr
    options: tuple[Value, ...]
    negated: bool


@dataclass(frozen=True)
class Call(Expr):
    """A call of one of the allowed functions, by name."""

    function: str
    args: tuple[Expr, ...]


@dataclass(frozen=True)
class Fail(Expr):
    """No value: evaluating it is an error (a rule's value outside every band).

    Never written in a criteria file; rule kinds lower to it (:mod:`parindex.rules`).
    """

    message: str
    message_en: str


@dataclass(frozen=True)
class CompiledExpression:
    """An expression accepted by the compiler, with the names it reads."""

    text: str
    root: Expr
    names: frozenset[str] = field(default_factory=frozenset)

    @property
    def type(self) -> ValueType:
        return self.root.type


# --- the function table --------------------------------------------------------------


def _ratio(a: Decimal, b: Decimal, when_zero: Decimal) -> Decimal:
    return when_zero if b == 0 else a / b


def _percent(a: Decimal, b: Decimal, when_zero: Decimal) -> Decimal:
    return when_zero if b == 0 else a * 100 / b


def _round(x: Decimal, places: Decimal) -> Decimal:
    return x.quantize(Decimal(1).scaleb(-int(places)), rounding=ROUND_HALF_UP)


def _clamp(x: Decimal, low: Decimal, high: Decimal) -> Decimal:
    return max(low, min(x, high))


def _date(year: Decimal, month: Decimal, day: Decimal) -> dt.date:
    try:
        return dt.date(int(year), int(month), int(day))
    except (ValueError, OverflowError) as exc:
        raise EvaluationError(f"ngày không hợp lệ: {day}/{month}/{year}") from exc


@dataclass(frozen=True)
class Function:
    """A registered function: argument types (the last one repeats if ``variadic``)."""

    params: tuple[ValueType, ...]
    result: ValueType
    impl: Callable[..., Value]
    doc: str
    variadic: bool = False


_N, _D = ValueType.NUMBER, ValueType.DATE

FUNCTIONS: Mapping[str, Function] = {
    "ratio": Function((_N, _N, _N), _N, _ratio, "a ÷ b; when_zero nếu b = 0"),
    "percent": Function((_N, _N, _N), _N, _percent, "100 × a ÷ b; when_zero nếu b = 0"),
    "min": Function((_N, _N), _N, lambda *a: min(a), "nhỏ nhất", variadic=True),
    "max": Function((_N, _N), _N, lambda *a: max(a), "lớn nhất", variadic=True),
    "abs": Function((_N,), _N, abs, "giá trị tuyệt đối"),
    "round": Function((_N, _N), _N, _round, "làm tròn nửa lên đến n chữ số"),
    "clamp": Function((_N, _N, _N), _N, _clamp, "giới hạn x trong [lo, hi]"),
    "date": Function((_N, _N, _N), _D, _date, "ngày từ năm, tháng, ngày"),
    "days_between": Function(
        (_D, _D), _N, lambda a, b: Decimal((b - a).days), "số ngày từ d1 đến d2"
    ),
    "year": Function((_D,), _N, lambda d: Decimal(d.year), "năm của ngày"),
    "month": Function((_D,), _N, lambda d: Decimal(d.month), "tháng của ngày"),
    "day": Function((_D,), _N, lambda d: Decimal(d.day), "ngày trong tháng"),
    "quarter": Function((_D,), _N, lambda d: Decimal((d.month - 1) // 3 + 1), "quý của ngày"),
}

_ALLOWED_SYNTAX = (
    "số, chuỗi, True/False, tên đầu vào đã khai báo, + - * / **, so sánh, and/or/not, "
    "'a if điều kiện else b', 'x in (...)', các hàm: " + ", ".join(sorted(FUNCTIONS))
)


# --- the compiler --------------------------------------------------------------------


class _Compiler:
    def __init__(self, text: str, env: Mapping[str, NameInfo]) -> None:
        self.text = text
        self.env = env
        self.names: set[str] = set()
        self.count = 0

    def fail(
        self,
        node: ast.AST | None,
        message: str,
        message_en: str,
        *,
        kind: str = "expression",
        allowed: Sequence[str] = (),
    ) -> ExpressionError:
        column = getattr(node, "col_offset", None)
        if column is not None:
            message += f" (vị trí {column + 1})"
            message_en += f" (column {column + 1})"
        return ExpressionError(
            message, message_en, self.text, kind=kind, allowed=allowed, column=column
        )

    def compile(self, node: ast.AST, depth: int = 0) -> Expr:
        self.count += 1
        if self.count > MAX_NODES:
            raise self.fail(
                None,
                f"biểu thức quá lớn (hơn {MAX_NODES} phần tử)",
                f"expression too large (more than {MAX_NODES} elements)",
                kind="expression_too_large",
            )
        if depth > MAX_DEPTH:
            raise self.fail(
                node,
                f"biểu thức lồng quá sâu (hơn {MAX_DEPTH} mức)",
                f"expression nested too deeply (more than {MAX_DEPTH} levels)",
                kind="expression_too_deep",
            )
        handler = _HANDLERS.get(type(node))
        if handler is None:
            raise self.fail(
                node,
                f"cú pháp không được phép: {_SYNTAX_VI.get(type(node), type(node).__name__)}",
                f"syntax not allowed: {type(node).__name__}",
                kind="forbidden_syntax",
                allowed=(_ALLOWED_SYNTAX,),
            )
        return handler(self, node, depth + 1)

    def expect(self, expr: Expr, wanted: ValueType, node: ast.AST, what: str) -> None:
        if expr.type != wanted:
            raise self.fail(
                node,
                f"{what} cần kiểu {_TYPE_VI[wanted]}, nhưng nhận kiểu {_TYPE_VI[expr.type]}",
                f"{what} needs a {wanted}, got a {expr.type}",
                kind="type_mismatch",
            )

    # handlers ---------------------------------------------------------------------

    def constant(self, node: ast.AST, depth: int) -> Expr:
        assert isinstance(node, ast.Constant)
        value = node.value
        if isinstance(value, bool):
            return Const(ValueType.BOOL, value)
        if isinstance(value, int | float):
            segment = ast.get_source_segment(self.text, node) or repr(value)
            try:
                number = Decimal(segment.replace("_", ""))
            except InvalidOperation:
                number = Decimal("NaN")
            if not number.is_finite() or abs(number) > MAX_CONSTANT or len(segment) > 30:
                raise self.fail(
                    node,
                    f"hằng số quá lớn hoặc không hợp lệ: {segment} "
                    f"(tối đa {MAX_CONSTANT:,})".replace(",", "."),
                    f"constant too large or invalid: {segment} (at most {MAX_CONSTANT:,})",
                    kind="constant_too_large",
                )
            return Const(ValueType.NUMBER, number)
        if isinstance(value, str):
            if len(value) > MAX_STRING:
                raise self.fail(
                    node,
                    f"chuỗi quá dài (tối đa {MAX_STRING} ký tự)",
                    f"string too long (at most {MAX_STRING} characters)",
                    kind="constant_too_large",
                )
            return Const(ValueType.TEXT, value)
        raise self.fail(
            node,
            f"hằng số không được phép: {value!r}",
            f"constant not allowed: {value!r}",
            kind="forbidden_syntax",
            allowed=("số", "chuỗi", "True", "False"),
        )

    def name(self, node: ast.AST, depth: int) -> Expr:
        assert isinstance(node, ast.Name)
        info = self.env.get(node.id)
        if info is None:
            close = difflib.get_close_matches(node.id, list(self.env), n=3, cutoff=0.6)
            hint_vi = f"; có phải ý bạn là {' hoặc '.join(close)}?" if close else ""
            hint_en = f"; did you mean {' or '.join(close)}?" if close else ""
            raise self.fail(
                node,
                f"tên chưa khai báo: {node.id}{hint_vi}",
                f"undeclared name: {node.id}{hint_en}",
                kind="unknown_name",
                allowed=sorted(self.env),
            )
        self.names.add(node.id)
        return Name(info.type, node.id)

    def unary(self, node: ast.AST, depth: int) -> Expr:
        assert isinstance(node, ast.UnaryOp)
        operand = self.compile(node.operand, depth)
        if isinstance(node.op, ast.Not):
            self.expect(operand, ValueType.BOOL, node, "'not'")
            return Not(ValueType.BOOL, operand)
        if isinstance(node.op, ast.USub | ast.UAdd):
            self.expect(operand, ValueType.NUMBER, node, "dấu '-'")
            if isinstance(operand, Const) and isinstance(operand.value, Decimal):
                value = -operand.value if isinstance(node.op, ast.USub) else operand.value
                return Const(ValueType.NUMBER, value)
            return Unary(ValueType.NUMBER, "-" if isinstance(node.op, ast.USub) else "+", operand)
        raise self.fail(
            node,
            "phép toán một ngôi không được phép",
            "unary operator not allowed",
            kind="forbidden_syntax",
            allowed=("-", "+", "not"),
        )

    def binary(self, node: ast.AST, depth: int) -> Expr:
        assert isinstance(node, ast.BinOp)
        op = _BINARY_OPS.get(type(node.op))
        if op is None:
            raise self.fail(
                node,
                f"phép toán không được phép: '{_REFUSED_SYMBOL.get(type(node.op), '?')}'",
                f"operator not allowed: {type(node.op).__name__}",
                kind="forbidden_syntax",
                allowed=tuple(_BINARY_OPS.values()),
            )
        left = self.compile(node.left, depth)
        right = self.compile(node.right, depth)
        self.expect(left, ValueType.NUMBER, node.left, f"phép '{op}'")
        self.expect(right, ValueType.NUMBER, node.right, f"phép '{op}'")
        if op == "**" and not (
            isinstance(right, Const)
            and isinstance(right.value, Decimal)
            and right.value == right.value.to_integral()
            and 0 <= right.value <= MAX_POWER
        ):
            raise self.fail(
                node,
                f"lũy thừa chỉ cho phép số mũ nguyên hằng từ 0 đến {MAX_POWER}",
                f"powers need a constant whole exponent from 0 to {MAX_POWER}",
                kind="power_too_large",
            )
        return Binary(ValueType.NUMBER, op, left, right)

    def boolop(self, node: ast.AST, depth: int) -> Expr:
        assert isinstance(node, ast.BoolOp)
        op = "and" if isinstance(node.op, ast.And) else "or"
        values = tuple(self.compile(v, depth) for v in node.values)
        for value, source in zip(values, node.values, strict=True):
            self.expect(value, ValueType.BOOL, source, f"'{op}'")
        return BoolOp(ValueType.BOOL, op, values)

    def compare(self, node: ast.AST, depth: int) -> Expr:
        assert isinstance(node, ast.Compare)
        if len(node.ops) == 1 and isinstance(node.ops[0], ast.In | ast.NotIn):
            return self.membership(node, depth)
        ops: list[str] = []
        for op in node.ops:
            found = _COMPARE_OPS.get(type(op))
            if found is None:
                raise self.fail(
                    node,
                    f"phép so sánh không được phép: '{_REFUSED_SYMBOL.get(type(op), '?')}'",
                    f"comparison not allowed: {type(op).__name__}",
                    kind="forbidden_syntax",
                    allowed=(*_COMPARE_OPS.values(), "in", "not in"),
                )
            ops.append(found)
        sources = [node.left, *node.comparators]
        operands = tuple(self.compile(s, depth) for s in sources)
        first = operands[0]
        for operand, source, symbol in zip(operands[1:], sources[1:], ops, strict=True):
            self.expect(operand, first.type, source, f"so sánh '{symbol}'")
            if first.type in (ValueType.BOOL, ValueType.TEXT) and symbol not in ("==", "!="):
                raise self.fail(
                    source,
                    f"chỉ so sánh bằng/khác với kiểu {_TYPE_VI[first.type]}",
                    f"only == and != apply to {first.type}",
                    kind="type_mismatch",
                )
        self.check_choices(operands, sources)
        return Compare(ValueType.BOOL, tuple(ops), operands)

    def membership(self, node: ast.Compare, depth: int) -> Expr:
        needle = self.compile(node.left, depth)
        container = node.comparators[0]
        if not isinstance(container, ast.Tuple | ast.List | ast.Set):
            raise self.fail(
                container,
                "'in' cần một danh sách hằng, ví dụ ('a', 'b')",
                "'in' needs a list of constants, e.g. ('a', 'b')",
                kind="forbidden_syntax",
            )
        options = []
        option_nodes = []
        for element in container.elts:
            compiled = self.compile(element, depth)
            if not isinstance(compiled, Const):
                raise self.fail(
                    element,
                    "danh sách sau 'in' chỉ gồm hằng",
                    "the list after 'in' holds constants only",
                    kind="forbidden_syntax",
                )
            self.expect(compiled, needle.type, element, "phần tử của danh sách 'in'")
            options.append(compiled.value)
            option_nodes.append(compiled)
        self.check_choices((needle, *option_nodes), (node.left, *container.elts))
        return In(ValueType.BOOL, needle, tuple(options), isinstance(node.ops[0], ast.NotIn))

    def check_choices(self, operands: Sequence[Expr], sources: Sequence[ast.AST]) -> None:
        """A string compared with an enum input must be one of its choices."""
        choices: frozenset[str] = frozenset()
        for operand in operands:
            if isinstance(operand, Name):
                info = self.env[operand.name]
                if info.choices is not None:
                    choices |= info.choices
        if not choices:
            return
        for operand, source in zip(operands, sources, strict=True):
            if (
                isinstance(operand, Const)
                and isinstance(operand.value, str)
                and operand.value not in choices
            ):
                hint = did_you_mean(operand.value, choices)
                raise self.fail(
                    source,
                    f"giá trị '{operand.value}' không thuộc các lựa chọn{hint}",
                    f"'{operand.value}' is not one of the choices",
                    kind="unknown_choice",
                    allowed=sorted(choices),
                )

    def ifelse(self, node: ast.AST, depth: int) -> Expr:
        assert isinstance(node, ast.IfExp)
        test = self.compile(node.test, depth)
        self.expect(test, ValueType.BOOL, node.test, "điều kiện của 'if'")
        body = self.compile(node.body, depth)
        orelse = self.compile(node.orelse, depth)
        self.expect(orelse, body.type, node.orelse, "nhánh 'else'")
        return IfElse(body.type, test, body, orelse)

    def call(self, node: ast.AST, depth: int) -> Expr:
        assert isinstance(node, ast.Call)
        if not isinstance(node.func, ast.Name):
            raise self.fail(
                node,
                "chỉ gọi được các hàm đã đăng ký, theo tên",
                "only registered functions may be called, by name",
                kind="forbidden_call",
                allowed=sorted(FUNCTIONS),
            )
        name = node.func.id
        function = FUNCTIONS.get(name)
        if function is None:
            hint = did_you_mean(name, FUNCTIONS)
            raise self.fail(
                node,
                f"hàm không được phép: {name}{hint}",
                f"function not allowed: {name}",
                kind="forbidden_call",
                allowed=sorted(FUNCTIONS),
            )
        if node.keywords:
            raise self.fail(
                node,
                "không dùng đối số có tên (name=...)",
                "keyword arguments are not allowed",
                kind="forbidden_syntax",
            )
        count = len(node.args)
        wanted = len(function.params)
        if count < wanted or (count > wanted and not function.variadic):
            raise self.fail(
                node,
                f"hàm {name} cần {wanted}{' trở lên' if function.variadic else ''} đối số, "
                f"nhận {count} ({function.doc})",
                f"{name} takes {wanted}{' or more' if function.variadic else ''} arguments, "
                f"got {count}",
                kind="wrong_arguments",
            )
        args = []
        for index, source in enumerate(node.args):
            if isinstance(source, ast.Starred):
                raise self.fail(
                    source,
                    "không dùng *đối số",
                    "starred arguments not allowed",
                    kind="forbidden_syntax",
                )
            arg = self.compile(source, depth)
            param = function.params[min(index, wanted - 1)]
            self.expect(arg, param, source, f"đối số {index + 1} của {name}")
            args.append(arg)
        if name == "date" and all(isinstance(a, Const) for a in args):
            values = [a.value for a in args if isinstance(a, Const)]
            try:
                return Const(ValueType.DATE, function.impl(*values))
            except EvaluationError as exc:
                raise self.fail(node, str(exc), str(exc), kind="invalid_date") from exc
        return Call(function.result, name, tuple(args))


_HANDLERS: dict[type[ast.AST], Callable[[_Compiler, ast.AST, int], Expr]] = {
    ast.Constant: _Compiler.constant,
    ast.Name: _Compiler.name,
    ast.UnaryOp: _Compiler.unary,
    ast.BinOp: _Compiler.binary,
    ast.BoolOp: _Compiler.boolop,
    ast.Compare: _Compiler.compare,
    ast.IfExp: _Compiler.ifelse,
    ast.Call: _Compiler.call,
}

_BINARY_OPS: dict[type[ast.operator], str] = {
    ast.Add: "+",
    ast.Sub: "-",
    ast.Mult: "*",
    ast.Div: "/",
    ast.Pow: "**",
}

_COMPARE_OPS: dict[type[ast.cmpop], str] = {
    ast.Lt: "<",
    ast.LtE: "<=",
    ast.Gt: ">",
    ast.GtE: ">=",
    ast.Eq: "==",
    ast.NotEq: "!=",
}

_REFUSED_SYMBOL: dict[type[ast.AST], str] = {
    ast.FloorDiv: "//",
    ast.Mod: "%",
    ast.LShift: "<<",
    ast.RShift: ">>",
    ast.BitOr: "|",
    ast.BitAnd: "&",
    ast.BitXor: "^",
    ast.MatMult: "@",
    ast.Is: "is",
    ast.IsNot: "is not",
}
"""Operators the language refuses, as the criteria file writes them (not Python's names)."""

_SYNTAX_VI: dict[type[ast.AST], str] = {
    ast.Attribute: "truy cập thuộc tính (a.b)",
    ast.Subscript: "chỉ số (a[b])",
    ast.Lambda: "hàm lambda",
    ast.ListComp: "vòng lặp [… for …]",
    ast.SetComp: "vòng lặp {… for …}",
    ast.DictComp: "vòng lặp {…: … for …}",
    ast.GeneratorExp: "vòng lặp (… for …)",
    ast.NamedExpr: "phép gán :=",
    ast.JoinedStr: "chuỗi f'…'",
    ast.Starred: "*",
    ast.Await: "await",
    ast.Yield: "yield",
    ast.Dict: "bảng {khóa: giá trị}",
    ast.List: "danh sách",
    ast.Tuple: "dấu phẩy giữa hai giá trị (số thập phân viết 0.25, không viết 0,25)",
    ast.Set: "tập hợp",
}


def _max_bracket_depth(text: str) -> int:
    depth = deepest = 0
    for char in text:
        if char in "([{":
            depth += 1
            deepest = max(deepest, depth)
        elif char in ")]}":
            depth -= 1
    return deepest


def _refuse_hidden_text(text: str) -> None:
    """Refuse what Python reads silently: ``#`` comments and names NFKC changes.

    Python drops a comment and reads the fullwidth ``ｒeceived`` as ``received``; both
    would let an expression say one thing to a reader and do another.
    """
    if text.isascii() and "#" not in text:
        return  # NFKC leaves ASCII alone, and there is no comment: skip the slow tokenizer
    try:
        tokens = list(tokenize.generate_tokens(io.StringIO(text).readline))
    except (tokenize.TokenError, SyntaxError):  # ast.parse accepted it; nothing hidden
        return
    for token in tokens:
        column = token.start[1]
        if token.type == tokenize.COMMENT:
            raise ExpressionError(
                f"biểu thức không được có chú thích '#' (vị trí {column + 1}): "
                "ghi chú đặt ở khóa 'text' hoặc 'note'",
                f"comments are not allowed in an expression (column {column + 1})",
                text,
                kind="forbidden_syntax",
                column=column,
            )
        if (
            token.type == tokenize.NAME
            and unicodedata.normalize("NFKC", token.string) != token.string
        ):
            plain = unicodedata.normalize("NFKC", token.string)
            raise ExpressionError(
                f"tên '{token.string}' có ký tự trông giống nhưng khác chữ thường "
                f"(đọc thành '{plain}', vị trí {column + 1}): gõ lại bằng chữ a-z, 0-9, _",
                f"name '{token.string}' has look-alike characters (read as '{plain}', "
                f"column {column + 1})",
                text,
                kind="confusable_name",
                allowed=(plain,),
                column=column,
            )


def compile_expression(
    text: str, env: Mapping[str, NameInfo], expected: ValueType | None = None
) -> CompiledExpression:
    """Compile ``text`` against the declared names ``env``; raise :class:`ExpressionError`.

    ``expected`` checks the result type (a ``check`` rule needs a yes/no).
    """
    if not isinstance(text, str):
        raise ExpressionError(
            "biểu thức phải là chuỗi",
            "an expression must be a string",
            repr(text),
            kind="forbidden_syntax",
        )
    if len(text) > MAX_LENGTH:
        raise ExpressionError(
            f"biểu thức quá dài ({len(text)} ký tự, tối đa {MAX_LENGTH})",
            f"expression too long ({len(text)} characters, at most {MAX_LENGTH})",
            text[:80] + "…",
            kind="expression_too_large",
        )
    if _max_bracket_depth(text) > MAX_DEPTH:
        raise ExpressionError(
            f"biểu thức lồng quá sâu (hơn {MAX_DEPTH} mức ngoặc)",
            f"expression nested too deeply (more than {MAX_DEPTH} brackets)",
            text,
            kind="expression_too_deep",
        )
    try:
        tree = ast.parse(text.strip(), mode="eval")
    except SyntaxError as exc:
        from parindex.messages import expression_syntax_words

        vi, en = expression_syntax_words(exc.msg, text, exc.offset, exc.lineno)
        raise ExpressionError(
            vi,
            en,
            text,
            kind="syntax_error",
            column=exc.offset,
        ) from None
    except (ValueError, RecursionError, MemoryError) as exc:
        raise ExpressionError(
            "không đọc được biểu thức", f"unreadable expression: {exc}", text, kind="syntax_error"
        ) from None
    _refuse_hidden_text(text.strip())
    compiler = _Compiler(text.strip(), env)
    root = compiler.compile(tree.body)
    if expected is not None and root.type != expected:
        raise ExpressionError(
            f"biểu thức cần cho kết quả kiểu {_TYPE_VI[expected]}, "
            f"nhưng cho kiểu {_TYPE_VI[root.type]}",
            f"expression must give a {expected}, gives a {root.type}",
            text,
            kind="type_mismatch",
        )
    return CompiledExpression(text=text, root=root, names=frozenset(compiler.names))


# --- scalar evaluation: parindex.scalar (closures built once per tree) ------------------

from parindex.scalar import evaluate  # noqa: E402  (it builds on the tree above)

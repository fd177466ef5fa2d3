"""Read files with line numbers and turn every problem into a located :class:`Problem`.

YAML is parsed with ruamel.yaml, which remembers the line of every key and item;
:class:`SourceMap` keeps them by path so a pydantic error at
``("nodes", 2, "children", 0, "max_points")`` is reported at its line, with the code
of the node it is in. :func:`load_criteria` is the public entry point.
"""

from __future__ import annotations

import datetime as dt
import difflib
import json
from collections.abc import Mapping, Sequence
from decimal import Decimal
from pathlib import Path as FsPath
from typing import Any, TypeVar, get_args

from pydantic import BaseModel, ValidationError
from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.error import MarkedYAMLError, YAMLError

from parindex.compiler import compile_set
from parindex.criteria import CriteriaSet
from parindex.errors import CriteriaError, Problem, ProblemsError
from parindex.messages import os_error
from parindex.numbers import NumberFormatError, parse_decimal

__all__ = ["SourceMap", "load_criteria", "parse_criteria", "read_document"]

Path = tuple[str | int, ...]
M = TypeVar("M", bound=BaseModel)

_MAX_FILE_BYTES = 5 * 1024 * 1024


class SourceMap:
    """Lines of a parsed document by path; finds the nearest known line for any path."""

    def __init__(self, file: str, data: Any, lines: dict[Path, int]) -> None:
        self.file = file
        self.data = data
        self.lines = lines

    def line(self, path: Sequence[str | int]) -> int | None:
        path = tuple(path)
        while True:
            if path in self.lines:
                return self.lines[path]
            if not path:
                return None
            path = path[:-1]

    def code(self, path: Sequence[str | int]) -> str | None:
        """Code of the innermost tree node (under ``nodes``/``children``) on the path."""
        current = self.data
        found = None
        for index, step in enumerate(path):
            try:
                current = current[step]
            except (KeyError, IndexError, TypeError):
                break
            if (
                isinstance(current, Mapping)
                and index >= 1
                and path[index - 1] in ("nodes", "children")
                and isinstance(current.get("code"), str | int)
            ):
                found = str(current["code"])
        return found

    def problem(
        self,
        kind: str,
        message: str,
        message_en: str,
        path: Sequence[str | int],
        *,
        code: str | None = None,
        text: str | None = None,
        allowed: Sequence[str] = (),
    ) -> Problem:
        return Problem(
            kind=kind,
            message=message,
            message_en=message_en,
            file=self.file,
            line=self.line(path),
            code=code if code is not None else self.code(path),
            field=_dotted(path),
            text=text,
            allowed=tuple(allowed),
        )


def _dotted(path: Sequence[str | int]) -> str:
    text = ""
    for step in path:
        text += f"[{step}]" if isinstance(step, int) else (f".{step}" if text else step)
    return text


def _plain(node: Any, path: Path, lines: dict[Path, int]) -> Any:
    """Turn ruamel's commented containers into plain ones, recording 1-based lines."""
    if isinstance(node, CommentedMap):
        result = {}
        for key in node:
            try:
                line, _ = node.lc.key(key)
                lines[(*path, str(key))] = line + 1
            except (KeyError, TypeError):  # pragma: no cover - ruamel always records them
                pass
            result[str(key)] = _plain(node[key], (*path, str(key)), lines)
        if path not in lines and node.lc.line is not None:
            lines[path] = node.lc.line + 1
        return result
    if isinstance(node, CommentedSeq):
        items = []
        for index, item in enumerate(node):
            try:
                line, _ = node.lc.item(index)
                lines[(*path, index)] = line + 1
            except (KeyError, TypeError):  # pragma: no cover
                pass
            items.append(_plain(item, (*path, index), lines))
        return items
    if isinstance(node, bool) or node is None:
        return node
    if isinstance(node, float):
        return _float(node)
    if isinstance(node, int):
        return int(node)
    if isinstance(node, dt.datetime | dt.date):
        return node
    if isinstance(node, str):
        return str(node)
    return node


def _float(node: float) -> Decimal | str:
    """A YAML float as written: ``12.500`` could be 12500 or 12,5, so it stays text.

    ruamel remembers the width of a float and where its point was; from them the digits
    after the point are known. A form that reads two ways is kept as the text written,
    so the field's check refuses it with both readings at its line.
    """
    value = Decimal(repr(float(node)))  # shortest repr: 0.1 stays exactly 0.1
    width, point = getattr(node, "_width", None), getattr(node, "_prec", None)
    if getattr(node, "_exp", None) or getattr(node, "_underscore", None) or None in (width, point):
        return value
    assert width is not None and point is not None
    written = f"{value:.{max(0, width - point - 1)}f}"
    try:
        return parse_decimal(written)
    except NumberFormatError:
        return written


def read_document(
    path: str | FsPath, kind: str = "tệp", error: type[ProblemsError] = CriteriaError
) -> tuple[Any, SourceMap]:
    """Read a YAML or JSON file into plain data and its :class:`SourceMap`.

    Raises ``error`` (a :class:`CriteriaError` by default) with a located problem when the
    file cannot be read.
    """
    file = str(path)
    empty = SourceMap(file, None, {})
    try:
        raw = FsPath(path).read_bytes()
    except OSError as exc:
        raise error(
            [
                empty.problem(
                    "unreadable_file",
                    f"không đọc được {kind}: {os_error(exc)[0]}",
                    f"cannot read file: {os_error(exc)[1]}",
                    (),
                )
            ]
        ) from None
    if len(raw) > _MAX_FILE_BYTES:
        raise error(
            [
                empty.problem(
                    "file_too_large",
                    f"{kind} quá lớn ({len(raw)} byte, tối đa {_MAX_FILE_BYTES})",
                    f"file too large ({len(raw)} bytes)",
                    (),
                )
            ]
        )
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        bad_line = raw[: exc.start].count(b"\n") + 1
        raise error(
            [
                Problem(
                    kind="encoding",
                    message="tệp phải mã hóa UTF-8",
                    message_en="file must be UTF-8",
                    file=file,
                    line=bad_line,
                    text=repr(raw[exc.start : exc.start + 8]),
                )
            ]
        ) from None
    yaml = YAML(typ="rt", pure=True)
    yaml.allow_duplicate_keys = False
    try:
        document = yaml.load(text)
    except MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line: int | None = mark.line + 1 if mark is not None else None
        problem = (exc.problem or exc.context or "").strip()
        kind_ = "duplicate_key" if "duplicate key" in str(exc) else "yaml_syntax"
        message = "khóa bị trùng" if kind_ == "duplicate_key" else "lỗi cú pháp YAML"
        raise error(
            [
                Problem(
                    kind=kind_,
                    message=f"{message}: {problem}",
                    message_en=f"YAML error: {problem}",
                    file=file,
                    line=line,
                )
            ]
        ) from None
    except YAMLError as exc:
        raise error(
            [
                Problem(
                    kind="yaml_syntax",
                    message=f"lỗi YAML: {exc}",
                    message_en=f"YAML error: {exc}",
                    file=file,
                )
            ]
        ) from None
    lines: dict[Path, int] = {}
    data = _plain(document, (), lines)
    return data, SourceMap(file, data, lines)


_PYDANTIC_VI: dict[str, str] = {
    "missing": "thiếu trường bắt buộc",
    "extra_forbidden": "khóa không được phép",
    "union_tag_invalid": "'kind' không hợp lệ",
    "union_tag_not_found": "thiếu 'kind'",
    "literal_error": "giá trị không hợp lệ",
    "enum": "giá trị không hợp lệ",
    "string_type": "cần một chuỗi",
    "int_type": "cần một số nguyên",
    "int_parsing": "cần một số nguyên",
    "bool_type": "cần true hoặc false",
    "bool_parsing": "cần true hoặc false",
    "list_type": "cần một danh sách",
    "dict_type": "cần một bảng khóa: giá trị",
    "model_type": "cần một bảng khóa: giá trị",
    "model_attributes_type": "cần một bảng khóa: giá trị",
    "string_pattern_mismatch": "sai định dạng",
    "string_too_short": "không được để trống",
    "too_short": "danh sách không được rỗng",
    "greater_than_equal": "giá trị quá nhỏ",
    "less_than_equal": "giá trị quá lớn",
    "date_from_datetime_parsing": "ngày không hợp lệ",
}

_KIND: dict[str, str] = {
    "missing": "missing_field",
    "extra_forbidden": "unknown_key",
    "union_tag_invalid": "unknown_kind",
    "union_tag_not_found": "missing_field",
    "literal_error": "invalid_value",
    "enum": "invalid_value",
}


def _owner(parent: Sequence[str | int], data: Any) -> type[BaseModel] | None:
    """The model that validates the mapping at ``parent`` (to list its allowed keys)."""
    from parindex import criteria as c

    if not parent:
        return c.CriteriaSet
    last = next((step for step in reversed(parent) if isinstance(step, str)), "")
    if last == "rule":
        value: Any = data
        for step in parent:
            value = value[step]
        rules = {get_args(m.model_fields["kind"].annotation)[0]: m for m in _rule_models()}
        return rules.get(value.get("kind")) if isinstance(value, dict) else None
    table: dict[str, type[BaseModel]] = {
        "sources": c.Source,
        "facts": c.Fact,
        "inputs": c.Input,
        "constraints": c.Constraint,
        "classification": c.ClassBand,
        "provenance": c.Provenance,
        "nodes": c.Node,
        "children": c.Node,
        "bands": c.Band,
        "levels": c.Level,
        "quarterly": c.QuarterlySchedule,
    }
    return table.get(last)


def _rule_models() -> tuple[type[BaseModel], ...]:
    from parindex.criteria import Rule

    union = get_args(Rule)[0]
    return tuple(get_args(union))


def _allowed(error: Mapping[str, Any], loc: Sequence[str | int], data: Any) -> tuple[str, ...]:
    ctx = error.get("ctx") or {}
    if error["type"] == "union_tag_invalid":
        return tuple(t.strip(" '") for t in str(ctx.get("expected_tags", "")).split(","))
    if error["type"] in ("literal_error", "enum"):
        expected = str(ctx.get("expected", "")).replace(" or ", ",")
        return tuple(t.strip(" '") for t in expected.split(",") if t.strip(" '"))
    if error["type"] == "extra_forbidden":
        try:
            owner = _owner(loc[:-1], data)
        except (KeyError, IndexError, TypeError):
            owner = None
        if owner is not None:
            return tuple(owner.model_fields)
    return ()


def validation_problems(
    exc: ValidationError, source: SourceMap, model: type[BaseModel]
) -> list[Problem]:
    """Translate a pydantic error into located Vietnamese problems, one per error."""
    problems = []
    for error in exc.errors(include_url=False):
        loc = tuple(step for step in error["loc"])
        # drop discriminator tags pydantic inserts into the location (…'rule', 'bands', …)
        clean: list[str | int] = []
        current: Any = source.data
        for position, step in enumerate(loc):
            # pydantic inserts the discriminator tag after 'rule': …'rule', 'bands', 'bands', 1 …
            if (
                position > 0
                and loc[position - 1] == "rule"
                and isinstance(current, dict)
                and current.get("kind") == step
            ):
                continue
            clean.append(step)
            try:
                current = current[step]
            except (KeyError, IndexError, TypeError):
                current = None
        kind = _KIND.get(error["type"], "invalid_value")
        allowed = _allowed(error, clean, source.data)
        message_vi = _PYDANTIC_VI.get(error["type"])
        raw = error["msg"].removeprefix("Value error, ")
        if error["type"] == "value_error" or message_vi is None:
            message_vi = raw
        elif error["type"] == "extra_forbidden":
            message_vi = f"khóa không được phép: '{clean[-1]}'"
            close = difflib.get_close_matches(str(clean[-1]), allowed, n=1)
            if close:
                message_vi += f"; có phải ý bạn là '{close[0]}'?"
                raw += f"; did you mean '{close[0]}'?"
        elif error["type"] == "missing":
            message_vi = f"thiếu trường bắt buộc '{clean[-1]}'"
        if error["type"] == "union_tag_invalid":
            tag = str((error.get("ctx") or {}).get("tag", ""))
            message_vi = f"'kind' không hợp lệ: '{tag}'"
            close = difflib.get_close_matches(tag, allowed, n=1)
            if close:
                message_vi += f"; có phải ý bạn là '{close[0]}'?"
                raw += f"; did you mean '{close[0]}'?"
            clean = [*clean, "kind"]
        inp = error.get("input")
        text = None if isinstance(inp, dict | list) or inp is None else str(inp)
        if error["type"] == "extra_forbidden":
            text = str(clean[-1])
        elif error["type"] == "union_tag_invalid":
            text = str((error.get("ctx") or {}).get("tag", ""))
        problems.append(source.problem(kind, message_vi, raw, clean, text=text, allowed=allowed))
    return problems


def validate_model(
    model: type[M], data: Any, source: SourceMap, error: type[ProblemsError], what: str
) -> M:
    """Validate plain data as ``model``; raise ``error`` listing every located problem."""
    if not isinstance(data, dict):
        raise error(
            [
                source.problem(
                    "not_a_mapping",
                    f"{what} phải là một bảng khóa: giá trị",
                    f"{model.__name__} must be a mapping",
                    (),
                )
            ]
        )
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        raise error(validation_problems(exc, source, model)) from None


def parse_criteria(data: Any, source: SourceMap) -> CriteriaSet:
    """Validate plain data as a criteria set, compile it, and raise every problem at once."""
    criteria = validate_model(
        CriteriaSet, data, source, CriteriaError, "tệp tiêu chí (format, id, nodes …)"
    )
    compiled, issues = compile_set(criteria)
    if issues:
        raise CriteriaError(
            [
                source.problem(
                    i.kind,
                    i.message,
                    i.message_en,
                    i.path,
                    code=i.code,
                    text=i.text,
                    allowed=i.allowed,
                )
                for i in issues
            ]
        )
    criteria._attach(compiled, source.file, json.dumps(data, sort_keys=True, default=str))
    return criteria


def load_criteria(path: str | FsPath) -> CriteriaSet:
    """Load, validate and compile a criteria file (YAML or JSON).

    Raises :class:`~parindex.errors.CriteriaError` listing every problem, each with
    file, line, node code, field and offending text.

    >>> criteria = load_criteria("criteria/namdinh-stnmt-2023.yaml")  # doctest: +SKIP
    """
    data, source = read_document(path, "tệp tiêu chí")
    return parse_criteria(data, source)

"""Read files with line numbers and turn every problem into a located :class:`Problem`.

YAML is read by :mod:`parindex.reading` (bounded, libyaml's events with the line of every
key and item); :class:`SourceMap` keeps the lines by path so a pydantic error at
``("nodes", 2, "children", 0, "max_points")`` is reported at its line, with the code
of the node it is in. :func:`load_criteria` is the public entry point.
"""

from __future__ import annotations

import dataclasses
import difflib
import json
import os
from collections.abc import Mapping, Sequence
from pathlib import Path as FsPath
from types import UnionType
from typing import Annotated, Any, BinaryIO, Literal, TypeVar, Union, get_args, get_origin

from pydantic import BaseModel, ValidationError

from parindex.compiler import Issue, compile_set
from parindex.criteria import CriteriaSet
from parindex.errors import CriteriaError, Problem, ProblemsError
from parindex.messages import os_error
from parindex.reading import BOUNDS, ReadError, SourceMap, read_lazily, read_yaml
from parindex.salvage import comma_split, salvage

__all__ = ["SourceMap", "load_criteria", "parse_criteria", "read_bytes", "read_document"]

Path = tuple[str | int, ...]
M = TypeVar("M", bound=BaseModel)


def read_document(
    path: str | FsPath,
    kind: str = "tệp",
    error: type[ProblemsError] = CriteriaError,
    *,
    careful: bool = False,
    lazy: bool = False,
) -> tuple[Any, SourceMap]:
    """Read a YAML or JSON file into plain data and its :class:`SourceMap`.

    Raises ``error`` (a :class:`CriteriaError` by default) with a located problem when the
    file cannot be read, is damaged or goes past a bound of :data:`parindex.reading.BOUNDS`.
    ``careful`` reads with the pure Python parser (the same result, slower). ``lazy``: the
    source's lines and texts are read only when first asked (:func:`parindex.reading.read_lazily`).
    """
    file = str(path)
    raw = read_bytes(path, kind, error)
    try:
        source = read_lazily(raw, file) if lazy else read_yaml(raw, file, careful=careful)
    except ReadError as exc:
        problem = exc.problem
        if problem.kind == "file_too_large":
            problem = dataclasses.replace(problem, message=kind + problem.message[3:])
        raise error([problem]) from None
    return source.data, source


def read_bytes(
    path: str | FsPath, kind: str = "tệp", error: type[ProblemsError] = CriteriaError
) -> bytes:
    """A file's bytes (one more than the bound at most); ``error`` when it cannot be read."""
    try:
        with open(path, "rb", buffering=0) as handle:
            return _bounded(handle, BOUNDS.max_bytes + 1)
    except OSError as exc:
        reason, reason_en = os_error(exc)
        raise error(
            [
                Problem(
                    kind="unreadable_file",
                    message=f"không đọc được {kind}: {reason}",
                    message_en=f"cannot read file: {reason_en}",
                    file=str(path),
                )
            ]
        ) from None


def _bounded(handle: BinaryIO, limit: int) -> bytes:
    """Up to ``limit`` bytes of an unbuffered file, to its end. Asked for its size first (one
    read of that, one more to see the end), not ``limit`` at once: reading 5 MB at a time
    set aside 5 MB for every 15 kB submission, which cost more than reading it. A file that
    grows meanwhile, a pipe or a size the system does not know is read on, to the bound."""
    size = os.fstat(handle.fileno()).st_size
    parts: list[bytes] = []
    total = 0
    while total < limit:
        ask = size - total + 1 if total < size else 65_536
        part = handle.read(min(ask, limit - total))
        if not part:
            break
        parts.append(part)
        total += len(part)
    return parts[0] if len(parts) == 1 else b"".join(parts)


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


def _owner(
    parent: Sequence[str | int], data: Any, model: type[BaseModel] | None = None
) -> type[BaseModel] | None:
    """The model that validates the mapping at ``parent`` (to list its allowed keys).

    Found by following ``parent`` down the fields of ``model`` (the criteria set when not
    given) as the data holds them: a list's items, a mapping's values, and of a union the
    one member the data fits (a rule by its ``kind``). A rule kind's own sub-models (a
    band, a level, a quarterly schedule) are thus known from its model, in its module:
    nothing here names a kind, and a kind added or registered is found the same way.
    """
    from parindex.criteria import CriteriaSet

    annotation: Any = model or CriteriaSet
    value: Any = data
    for step in parent:
        holder = _holding(annotation, value)
        if isinstance(holder, type) and issubclass(holder, BaseModel):
            field = holder.model_fields.get(step) if isinstance(step, str) else None
            if field is None:
                return None
            annotation = field.annotation
        elif get_origin(holder) in (list, tuple) and isinstance(step, int):
            annotation = get_args(holder)[0]
        elif get_origin(holder) is dict and isinstance(step, str):
            annotation = get_args(holder)[1]
        else:
            return None
        value = _at(value, (step,))
    found = _holding(annotation, value)
    return found if isinstance(found, type) and issubclass(found, BaseModel) else None


def _holding(annotation: Any, value: Any) -> Any:
    """``annotation`` without ``Annotated`` and ``Optional``; of a union, the one member
    ``value`` fits (``None`` when none or several do). An ``Annotated`` whose marker says
    what it validates as now (``current()``: a node's rule, by the registered kinds) is
    followed as that."""
    while True:
        origin = get_origin(annotation)
        if origin is Annotated:
            args = get_args(annotation)
            live = [m.current for m in args[1:] if callable(getattr(m, "current", None))]
            annotation = live[0]() if live else args[0]
        elif origin in (Union, UnionType):
            fits = [m for m in get_args(annotation) if _fits(_holding(m, value), value)]
            if len(fits) != 1:
                return None
            annotation = fits[0]
        else:
            return annotation


def _fits(annotation: Any, value: Any) -> bool:
    """Whether ``value`` can be what ``annotation`` validates, as far as the keys go: a
    model takes a mapping whose literal fields (a rule's ``kind``) it holds; a list or
    tuple a list; a ``dict`` a mapping. A scalar holds no keys."""
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        if not isinstance(value, dict):
            return False
        for name, field in annotation.model_fields.items():
            if get_origin(field.annotation) is Literal:
                if name in value:
                    if value[name] not in get_args(field.annotation):
                        return False
                elif field.is_required():
                    return False
        return True
    origin = get_origin(annotation)
    if origin in (list, tuple):
        return isinstance(value, list)
    return origin is dict and isinstance(value, dict)


def _allowed(
    error: Mapping[str, Any],
    loc: Sequence[str | int],
    data: Any,
    model: type[BaseModel] | None = None,
) -> tuple[str, ...]:
    ctx = error.get("ctx") or {}
    if error["type"] == "union_tag_invalid":
        return tuple(t.strip(" '") for t in str(ctx.get("expected_tags", "")).split(","))
    if error["type"] in ("literal_error", "enum"):
        expected = str(ctx.get("expected", "")).replace(" or ", ",")
        return tuple(t.strip(" '") for t in expected.split(",") if t.strip(" '"))
    if error["type"] == "extra_forbidden":
        try:
            owner = _owner(loc[:-1], data, model)
        except (KeyError, IndexError, TypeError):
            owner = None
        if owner is not None:
            return tuple(owner.model_fields)
    return ()


def clean_loc(loc: Sequence[str | int], data: Any) -> Path:
    """A pydantic error location as a path in the file (discriminator tags dropped)."""
    clean: list[str | int] = []
    current: Any = data
    for position, step in enumerate(loc):
        # pydantic inserts the discriminator tag after 'rule': …'rule', <kind>, <field>, 1 …
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
    return tuple(clean)


def _at(data: Any, path: Sequence[str | int]) -> Any:
    for step in path:
        try:
            data = data[step]
        except (KeyError, IndexError, TypeError):
            return None
    return data


_PATTERNS: dict[str, tuple[str, str]] = {
    r"^[a-z0-9][a-z0-9._-]*$": (
        ": chỉ dùng chữ thường không dấu a-z, số và . _ - (ví dụ: xa-mau-2025)",
        ": use lower-case a-z without accents, digits and . _ - (e.g. xa-mau-2025)",
    ),
    r"^[A-Za-z0-9][A-Za-z0-9._-]*$": (
        ": chỉ dùng chữ không dấu, số và . _ - (ví dụ: so-tnmt)",
        ": use letters without accents, digits and . _ - (e.g. so-tnmt)",
    ),
    r"^[a-z][a-z0-9_]{0,62}$": (
        ": tên bắt đầu bằng chữ thường, chỉ gồm a-z, 0-9, _ (ví dụ: so_ho_so_tiep_nhan)",
        ": a name starts with a lower-case letter, then a-z, 0-9, _ (e.g. so_ho_so)",
    ),
    r"^[0-9A-Za-z]+(\.[0-9A-Za-z]+)*$": (
        ': mã gồm số hoặc chữ ngăn bằng dấu chấm, trong ngoặc kép (code: "1.2.a")',
        ': a code is digits or letters joined by dots, in quotes (code: "1.2.a")',
    ),
}
"""What a field's pattern allows, said as a person would (instead of the regex)."""


def _fix_hint(
    kind: str, path: Sequence[str | int], given: object, allowed: Sequence[str]
) -> tuple[str, str] | None:
    """The fix pydantic's message leaves unsaid: a pattern in words, or the code to write
    for a Vietnamese word (``kind: lĩnh vực`` → ``area``)."""
    if kind in ("literal_error", "enum") and isinstance(given, str) and allowed:
        from parindex.messages import FAMILIES

        word = " ".join(given.split()).casefold()
        for family in FAMILIES.values():
            for code, (vi, en) in family.items():
                if code in allowed and word in (vi.casefold(), en.casefold()):
                    return f"; viết '{code}' ({vi})", f"; write '{code}' ({en})"
    return None


def _pattern_words(error: Mapping[str, Any]) -> tuple[str, str] | None:
    pattern = str((error.get("ctx") or {}).get("pattern", ""))
    return _PATTERNS.get(pattern)


def validation_problems(
    exc: ValidationError, source: SourceMap, model: type[BaseModel]
) -> list[Problem]:
    """Translate a pydantic error into located Vietnamese problems, one per error."""
    problems = []
    for error in exc.errors(include_url=False):
        clean = list(clean_loc(error["loc"], source.data))
        kind = _KIND.get(error["type"], "invalid_value")
        allowed = _allowed(error, clean, source.data, model)
        message_vi = _PYDANTIC_VI.get(error["type"])
        raw = error["msg"].removeprefix("Value error, ")
        if error["type"] == "value_error" or message_vi is None:
            message_vi = raw
        elif error["type"] == "extra_forbidden":
            message_vi = f"khóa không được phép: '{clean[-1]}'"
            raw = f"unknown key: '{clean[-1]}'"
            close = difflib.get_close_matches(str(clean[-1]), allowed, n=1)
            split = comma_split(_at(source.data, clean[:-1]), clean[-1])
            if split is not None:
                message_vi, raw = split
                kind, allowed, close = "comma_in_flow", (), []
            if close:
                message_vi += f"; có phải ý bạn là '{close[0]}'?"
                raw += f"; did you mean '{close[0]}'?"
        elif error["type"] == "string_pattern_mismatch" and _pattern_words(error):
            words = _pattern_words(error)
            assert words is not None
            message_vi, raw = message_vi + words[0], "wrong form" + words[1]
        elif error["type"] == "missing":
            message_vi = f"thiếu trường bắt buộc '{clean[-1]}'"
            raw = f"missing required field '{clean[-1]}'"
        if error["type"] == "union_tag_invalid":
            tag = str((error.get("ctx") or {}).get("tag", ""))
            message_vi = f"'kind' không hợp lệ: '{tag}'"
            close = difflib.get_close_matches(tag, allowed, n=1)
            if close:
                message_vi += f"; có phải ý bạn là '{close[0]}'?"
                raw += f"; did you mean '{close[0]}'?"
            clean = [*clean, "kind"]
        inp = error.get("input")
        hint = _fix_hint(error["type"], clean, inp, allowed)
        if hint is not None:
            message_vi, raw = message_vi + hint[0], raw + hint[1]
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
    """Validate plain data as a criteria set, compile it, and raise every problem at once.

    When the structure is wrong, the parts it leaves intact are still compiled
    (:func:`parindex.salvage.salvage`), so a misspelt key does not hide a bad expression
    elsewhere in the file.
    """
    try:
        criteria = validate_model(
            CriteriaSet, data, source, CriteriaError, "tệp tiêu chí (format, id, nodes …)"
        )
    except CriteriaError as error:
        later = _later_problems(data, source)
        raise CriteriaError([*error.problems, *later]) from None
    compiled, issues = compile_set(criteria)
    if issues:
        raise CriteriaError([_issue_problem(i, source) for i in issues])
    criteria._attach(compiled, source.file, json.dumps(data, sort_keys=True, default=str))
    return criteria


def _issue_problem(issue: Issue, source: SourceMap, path: Path | None = None) -> Problem:
    return source.problem(
        issue.kind,
        issue.message,
        issue.message_en,
        issue.path if path is None else path,
        code=issue.code,
        text=issue.text,
        allowed=issue.allowed,
    )


def _later_problems(data: Any, source: SourceMap) -> list[Problem]:
    """The compile-phase problems of what the structural errors leave intact."""
    if not isinstance(data, dict):
        return []
    try:
        CriteriaSet.model_validate(data)
    except ValidationError as exc:
        errors = [(clean_loc(e["loc"], data), e["type"]) for e in exc.errors()]
    else:  # pragma: no cover - validate_model refused it
        return []
    kept = salvage(CriteriaSet, data, errors)
    if kept is None:
        return []
    _, issues = compile_set(kept.model)
    return [
        _issue_problem(i, source, kept.original(i.path))
        for i in issues
        if not kept.may_cause(i.kind)
    ]


def load_criteria(path: str | FsPath) -> CriteriaSet:
    """Load, validate and compile a criteria file (YAML or JSON).

    Raises :class:`~parindex.errors.CriteriaError` listing every problem, each with
    file, line, node code, field and offending text.

    A set loaded before, byte for byte, by this same parindex is read back compiled from
    the user's cache (:mod:`parindex.cache`; ``PARINDEX_CACHE=off`` to skip it) — unless
    the program registered rule kinds of its own (:func:`parindex.rules.register`): the
    cache knows parindex's own code only, so the set is then read and compiled afresh.

    >>> criteria = load_criteria("criteria/namdinh-stnmt-2023.yaml")  # doctest: +SKIP
    """
    from parindex.cache import cached
    from parindex.rules import extra_kinds

    if extra_kinds():
        return _load_criteria(str(path))
    return cached(path, _load_criteria)


def _load_criteria(path: str) -> CriteriaSet:
    data, source = read_document(path, "tệp tiêu chí")
    return parse_criteria(data, source)

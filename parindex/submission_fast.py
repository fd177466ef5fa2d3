"""A submission of the common shapes built from its plain data without pydantic validating it.

:func:`~parindex.submission.parse_submission` asks :func:`built` first. Pydantic validating a
read submission cost about a third of a file's CPU on the folder path (a synthetic 2023
file: 108 self-scores, each a model and a Python call for its points). :func:`built` checks
the same rules by hand for the shapes a unit writes and builds the models as pydantic would
(the same values, defaults, fields set and private attributes), or returns ``None`` for
anything else — a wrong type, a missing or unknown key, a value out of range, appraisals —
and pydantic then validates the data, finding every problem, with its line, as before.

What it takes, exactly (anything else is ``None``): plain ``dict``, ``list``, ``str``,
``int`` and ``bool`` where the model wants them (no subclass, no text for a number or a
flag: pydantic's lax coercions are left to pydantic); points read by the very function
pydantic calls (:func:`parindex.rules._model._points`), finite; dates by
:func:`parindex.numbers.parse_date`, a plain :class:`datetime.date`.

``tests/test_submission_fast.py`` checks the result equal to pydantic's (values, types,
fields set) on generated and spoiled data, and ``None`` wherever pydantic refuses.
"""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal
from typing import Any, TypeVar

from pydantic import BaseModel

from parindex.criteria import UnitLevel
from parindex.numbers import parse_date
from parindex.rules._model import _points
from parindex.submission import Document, SelfScore, Submission, Unit

__all__ = ["built"]

M = TypeVar("M", bound=BaseModel)

_set = object.__setattr__  # the models are frozen: set as pydantic's model_construct sets them
_FORMAT = "parindex.submission/1"
_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]*")
"""``Unit.id``'s pattern (``^…$``, read by pydantic's Rust engine: ``$`` is the text's end)."""
_LEVELS = {level.value: level for level in UnitLevel}
_STR = {str}
_BOOL = {bool}
_SUBMISSION_KEYS = frozenset(Submission.model_fields)
_UNIT_KEYS = frozenset(Unit.model_fields)
_DOCUMENT_KEYS = frozenset(Document.model_fields)
_SCORE_KEYS = frozenset(SelfScore.model_fields)
_POINTS_TYPES = frozenset({str, int, float, Decimal})
"""What :func:`_point` reads (a ``bool`` or anything else: pydantic says)."""


class _Refused(Exception):
    """Not a shape :func:`built` takes: pydantic validates it."""


def built(data: Any) -> Submission | None:
    """The :class:`~parindex.submission.Submission` pydantic validates ``data`` to, or ``None``
    when ``data`` is not of a shape this builds (then pydantic validates it)."""
    try:
        return _submission(data)
    except (_Refused, LookupError, TypeError, ValueError, ArithmeticError):
        return None


def _model(cls: type[M], values: dict[str, Any], given: set[str], private: Any = None) -> M:
    """``cls`` with ``values`` (every field, in order), as pydantic's validation leaves it."""
    model = cls.__new__(cls)
    _set(model, "__dict__", values)
    _set(model, "__pydantic_fields_set__", given)
    _set(model, "__pydantic_extra__", None)
    _set(model, "__pydantic_private__", private)
    return model


def _submission(data: Any) -> Submission:
    if type(data) is not dict or not data.keys() <= _SUBMISSION_KEYS:
        raise _Refused
    year = data["year"]
    if (
        data["format"] != _FORMAT
        or type(data["format"]) is not str
        or type(data["criteria"]) is not str
        or type(year) is not int
        or not 1990 <= year <= 2100
        or data.get("appraisals", []) != []
    ):
        raise _Refused
    values = {
        "format": _FORMAT,
        "criteria": data["criteria"],
        "year": year,
        "sample": _flag(data.get("sample", False)),
        "synthetic": _flag(data.get("synthetic", False)),
        "unit": _unit(data["unit"]),
        "values": _keyed(data.get("values", {})),
        "documents": _documents(data.get("documents", [])),
        "self_scores": _self_scores(data.get("self_scores", {})),
        "survey": {code: _point(points) for code, points in _keyed(data.get("survey", {})).items()},
        "appraisals": [],
        "note": _text_or_none(data.get("note")),
    }
    return _model(Submission, values, set(data), {"_source": None, "_checked": None})


def _flag(value: Any) -> bool:
    if type(value) is not bool:
        raise _Refused
    return value


def _text(value: Any) -> str:
    if type(value) is not str:
        raise _Refused
    return value


def _text_or_none(value: Any) -> str | None:
    if value is not None and type(value) is not str:
        raise _Refused
    return value


def _keyed(value: Any) -> dict[str, Any]:
    """A copy of a mapping whose keys are all plain texts (pydantic copies it too)."""
    if type(value) is not dict or not set(map(type, value)) <= _STR:
        raise _Refused
    return dict(value)


def _point(value: Any) -> Decimal:
    if type(value) not in _POINTS_TYPES:
        raise _Refused
    return _points(value)  # the function pydantic calls (ValueError: refused; finite)


def _unit(data: Any) -> Unit:
    if type(data) is not dict or not data.keys() <= _UNIT_KEYS:
        raise _Refused
    facts = _keyed(data.get("facts", {}))
    if not set(map(type, facts.values())) <= _BOOL:
        raise _Refused
    unit_id, level = _text(data["id"]), data["level"]
    if _ID.fullmatch(unit_id) is None or type(level) is not str or level not in _LEVELS:
        raise _Refused
    values = {
        "id": unit_id,
        "name": _text(data["name"]),
        "level": _LEVELS[level],
        "group": _text_or_none(data.get("group")),
        "facts": facts,
    }
    return _model(Unit, values, set(data))


_SCORES: dict[tuple[type, object, object, int], SelfScore] = {}
"""Self-scores built before, by their points (with its type), explanation and keys given: a
synthetic file repeats a few (points, explanation) pairs about a hundred times. A model is
frozen, so one is shared, as equal texts and decimals are (never changed in place)."""
_SCORES_MOST = 4096
_EXACT = frozenset({str, int})
"""Points kept only if written so: equal values of these types are written alike (``1.0``
and ``1.00``, ``0.0`` and ``-0.0`` are equal decimals or floats that read differently)."""


def _self_scores(data: Any) -> dict[str, SelfScore]:
    """Each score as pydantic builds it (one built before, if equal): no call a known score."""
    scores: dict[str, SelfScore] = {}
    known = _SCORES.get
    for code, score in _keyed(data).items():
        if type(score) is not dict or not score.keys() <= _SCORE_KEYS:
            raise _Refused
        points = score.get("points")
        key = (type(points), points, score.get("explanation"), len(score))
        model = known(key)
        if model is None:
            model = _self_score(score)
            if type(points) in _EXACT and len(_SCORES) < _SCORES_MOST:
                _SCORES[key] = model
        scores[code] = model
    return scores


def _self_score(data: dict[str, Any]) -> SelfScore:
    if not data.keys() <= _SCORE_KEYS:
        raise _Refused
    values = {
        "points": _point(data["points"]),
        "explanation": _text_or_none(data.get("explanation")),
    }
    return _model(SelfScore, values, set(data))


def _documents(data: Any) -> list[Document]:
    if type(data) is not list:
        raise _Refused
    return [_document(document) for document in data]


def _document(data: Any) -> Document:
    if type(data) is not dict or not data.keys() <= _DOCUMENT_KEYS:
        raise _Refused
    supports = data["supports"]
    if type(supports) is not list or not supports or not set(map(type, supports)) <= _STR:
        raise _Refused
    day = data.get("date")
    if day is not None:
        if type(day) not in (str, dt.date):
            raise _Refused
        day = parse_date(day)  # the function pydantic calls (ValueError: refused)
    section = data.get("section")
    values = {
        "id": _text(data["id"]),
        "kind": _text(data["kind"]),
        "number": _text_or_none(data.get("number")),
        "date": day,
        "issuer": _text_or_none(data.get("issuer")),
        "title": _text(data["title"]),
        "link": _text_or_none(data.get("link")),
        "file": _text_or_none(data.get("file")),
        "supports": list(supports),
        "part_of_larger": _flag(data.get("part_of_larger", False)),
        "section": None if section == "" else _text_or_none(section),
    }
    if not values["id"]:
        raise _Refused
    return _model(Document, values, set(data))

"""The hidden ``_parindex`` sheet: what was exported, signed so an edit is detected.

The sheet records the format, the criteria set (id, digest, and the *shape* that scoring
depends on: each node's maximum, rule and title), and per unit its sheet, id, round and
the submission as exported. A unit can unhide and edit that sheet, so nothing in it is
trusted as read: every row carries a keyed digest (HMAC-SHA-256) of its cells and of the
export's random id, with a key that never leaves the exporting office
(:func:`workbook_key`). An edited row (dossiers received 1250 → 99999) fails its digest
and is refused with its cell; a unit row spoils only that unit.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import re
import secrets
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from importlib.metadata import version
from itertools import accumulate
from pathlib import Path
from typing import TYPE_CHECKING, Any

from parindex.criteria import CriteriaSet
from parindex.excel_layout import FORMAT_ID, META_SHEET
from parindex.excel_style import Formats, write_text
from parindex.excel_xml import RowSheet
from parindex.submission import Submission

if TYPE_CHECKING:
    from parindex.excel import UnitSheet

__all__ = [
    "KEY_ENV",
    "Meta",
    "MetaRow",
    "MetaUnit",
    "careful_submission_json",
    "criteria_shape",
    "json_depth_ok",
    "key_id",
    "new_export_id",
    "read_meta_rows",
    "sign",
    "submission_json",
    "unit_cells",
    "workbook_key",
    "write_meta",
]

KEY_ENV = "PARINDEX_WORKBOOK_KEY"
"""Environment variable holding the signing key (else the key file is used)."""
_CHUNK = 30_000
_UNIT_HEAD = ("unit", "sheet", "unit_id", "round", "signature", "submission (JSON) …")
MAX_JSON_DEPTH = 64
"""Deepest nesting accepted in a submission read from the hidden sheet (ours is about 8)."""


def _key_file() -> Path:
    base = os.environ.get("XDG_CONFIG_HOME") or str(Path.home() / ".config")
    return Path(base) / "parindex" / "workbook.key"


def workbook_key() -> bytes:
    """The key that signs exported workbooks: ``$PARINDEX_WORKBOOK_KEY``, else the file
    ``~/.config/parindex/workbook.key``, made with 256 random bits on first use (mode 600).

    Import checks with the same key, so workbooks are imported where they were exported
    (or where the key file was copied). A unit never sees the key.
    """
    given = os.environ.get(KEY_ENV)
    if given:
        return given.encode("utf-8")
    path = _key_file()
    try:
        return path.read_bytes().strip()
    except FileNotFoundError:
        pass
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:  # made meanwhile by another process
        return path.read_bytes().strip()
    with os.fdopen(descriptor, "w", encoding="ascii") as handle:
        handle.write(secrets.token_hex(32))
    return path.read_bytes().strip()


def key_id(key: bytes) -> str:
    """A short public name of a key (shows which key signed, never the key)."""
    return hashlib.sha256(b"parindex key id\0" + key).hexdigest()[:12]


def sign(key: bytes, export_id: str, cells: Sequence[str]) -> str:
    """The keyed digest of one row of the hidden sheet."""
    message = json.dumps([export_id, *cells], ensure_ascii=False, separators=(",", ":"))
    return hmac.new(key, message.encode("utf-8"), hashlib.sha256).hexdigest()


def new_export_id() -> str:
    """A new export's random id (signed with every row of its hidden sheet)."""
    return secrets.token_hex(16)


def unit_cells(sheet_name: str, unit_id: str, round: int, text: str) -> list[str]:
    """A unit's signed cells of the hidden sheet: its sheet, id, round and submission
    (``text``, :func:`submission_json`) in chunks; the signature goes after the round."""
    return ["unit", sheet_name, unit_id, str(round), *_chunks(text)]


def _digest(data: object) -> str:
    text = json.dumps(data, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:24]


def criteria_shape(criteria: CriteriaSet) -> dict[str, Any]:
    """What scoring depends on, per node (maximum, rule digest, title) and for the set.

    Two versions of a set with the same shape but for titles score every submission
    alike, so a sheet of the one imports under the other (the titles are named).
    """
    scoring = criteria.model_dump(
        mode="json",
        include={
            "levels",
            "total_max",
            "survey_max",
            "precision",
            "classification",
            "facts",
            "inputs",
            "constraints",
        },
    )
    nodes: dict[str, list[str]] = {}
    for node in criteria.walk():
        rule = (
            node.rule.model_dump(mode="json", exclude={"text", "provenance"}) if node.rule else None
        )
        part = node.model_dump(mode="json", include={"kind", "aggregation", "applies_if"})
        children = [c.code for c in node.children]
        nodes[node.code] = [
            str(node.max_points),
            _digest([rule, part, children]),
            node.title,
        ]
    return {"set": _digest(scoring), "nodes": nodes}


def shape_json(criteria: CriteriaSet) -> str:
    """:func:`criteria_shape` as the hidden sheet holds it. Its first call in a process builds
    the rule models' serializers (some 50 ms): a large export makes it while its units are
    written, not after the last (``write_meta(shape=…)``)."""
    return json.dumps(criteria_shape(criteria), ensure_ascii=False, separators=(",", ":"))


def _chunks(text: str) -> list[str]:
    return [text[i : i + _CHUNK] for i in range(0, len(text), _CHUNK)] or [""]


def submission_json(submission: Submission) -> str:
    """The submission as the hidden sheet holds it: :func:`careful_submission_json`'s text,
    made by pydantic-core in one step (a third of the time; the same text,
    ``tests/test_excel_meta.py``). That function where a value holds a float (``1e-07``:
    pydantic-core writes ``1e-7``) or pydantic-core refuses the text (a lone surrogate)."""
    if _floats(submission.values):
        return careful_submission_json(submission)
    try:
        return submission.model_dump_json()
    except ValueError:  # pydantic-core's PydanticSerializationError
        return careful_submission_json(submission)


_PLAIN = frozenset({str, int, bool, type(None), Decimal})
"""Types that are neither floats nor hold any (exactly these: a subclass may be either)."""


def _floats(value: object) -> bool:
    """Whether ``value`` holds a float, at any depth (dictionaries' keys included):
    :func:`careful_floats`'s answer, at once for a dictionary of plain values and keys (a
    submission's values, some 80 texts and numbers: a call a key and a value took a third
    of the submission's JSON)."""
    plain = _PLAIN.issuperset
    if type(value) is dict and plain(map(type, value.values())) and plain(map(type, value)):
        return False
    return careful_floats(value)


def careful_floats(value: object) -> bool:
    """Whether ``value`` holds a float, at any depth (dictionaries' keys included)."""
    if isinstance(value, float):
        return True
    if isinstance(value, dict):
        return any(careful_floats(k) or careful_floats(v) for k, v in value.items())
    if isinstance(value, (list, tuple, set, frozenset)):
        return any(careful_floats(v) for v in value)
    return False


def careful_submission_json(submission: Submission) -> str:
    """The submission's JSON made by :mod:`json` from its JSON-mode dump (the reference)."""
    return json.dumps(submission.model_dump(mode="json"), ensure_ascii=False, separators=(",", ":"))


def write_meta(
    workbook: Any,
    formats: Formats,
    criteria: CriteriaSet,
    units: Sequence[UnitSheet | MetaUnit],
    key: bytes | None = None,
    format_id: str = FORMAT_ID,
    shape: str | None = None,
    export_id: str | None = None,
) -> None:
    """The hidden sheet: each row ``key | value … | signature`` and one row per unit.

    ``format_id`` names the kind of workbook (a score sheet, or a form of
    :mod:`parindex.form`), so the importer reads each kind its way; ``shape`` is the set's
    :func:`shape_json` if the caller made it. Where the caller gives ``export_id`` (and
    ``key``), a unit's ``signature``, if it has one, is its row's signed with them (made
    by the process that wrote the unit: some 40 ms for 250 units, after the last)."""
    key = workbook_key() if key is None else key
    signed = export_id is not None
    export_id = new_export_id() if export_id is None else export_id
    shape = shape_json(criteria) if shape is None else shape
    head: list[list[str]] = [
        ["format", format_id],
        ["export_id", export_id],
        ["key_id", key_id(key)],
        ["criteria_id", criteria.id],
        ["criteria_digest", criteria.digest],
        ["criteria_title", criteria.title],
        ["parindex", version("parindex")],
        ["units", str(len(units))],
        ["shape", *_chunks(shape)],
    ]
    printed = [n for u in units if (n := getattr(u, "official_name", None)) is not None]
    if printed:  # the official sheets (excel_official): printed views, not imported
        head.append(["official", *printed])
    sheet = workbook.add_worksheet(META_SHEET, RowSheet)
    for at, cells in enumerate(head):
        # the signature first: its column is fixed whatever the number of chunks
        for col, text in enumerate([cells[0], sign(key, export_id, cells), *cells[1:]]):
            write_text(sheet, at, col, text, formats)
    start = len(head) + 1
    for col, text in enumerate(_UNIT_HEAD):
        write_text(sheet, start, col, text, formats)
    for offset, unit in enumerate(units, start=1):
        cells = unit_cells(
            unit.sheet_name,
            unit.submission.unit.id,
            unit.round if isinstance(unit, MetaUnit) else unit.layout.round,
            getattr(unit, "submission_json", None) or submission_json(unit.submission),
        )
        made = getattr(unit, "signature", None) if signed else None
        signature = made or sign(key, export_id, cells)
        for col, text in enumerate([*cells[:4], signature, *cells[4:]]):
            write_text(sheet, start + offset, col, text, formats)
    sheet.protect("", {})
    sheet.hide()
    sheet.seal()


@dataclass(frozen=True)
class MetaUnit:
    """A unit's row of the hidden sheet: its sheet, the submission it was written from and
    the appraisal round it shows."""

    sheet_name: str
    submission: Submission
    round: int


@dataclass(frozen=True)
class MetaRow:
    """One row of the hidden sheet as read: its 0-based row, the signed cells, the
    signature and whether it matched."""

    row: int
    cells: tuple[str, ...]
    signature: str
    valid: bool


@dataclass
class Meta:
    """The hidden sheet, read and checked against the key."""

    fields: dict[str, MetaRow] = field(default_factory=dict)
    units: list[MetaRow] = field(default_factory=list)
    export_id: str = ""
    key_id: str = ""

    def value(self, name: str) -> str | None:
        row = self.fields.get(name)
        return None if row is None or len(row.cells) < 2 else "".join(row.cells[1:])


def read_meta_rows(rows: Sequence[Sequence[str]], key: bytes) -> Meta:
    """Check every row of the hidden sheet (given as texts, row by row) against ``key``."""
    meta = Meta()
    parsed: list[tuple[int, list[str], str]] = []
    for at, row in enumerate(rows):
        if not row or not row[0] or list(row[:2]) == list(_UNIT_HEAD[:2]):
            continue  # blank, or the units' column headings
        if row[0] == "unit":
            cells, signature = [*row[:4], *row[5:]], row[4] if len(row) > 4 else ""
        else:
            cells, signature = [row[0], *row[2:]], row[1] if len(row) > 1 else ""
        parsed.append((at, cells, signature))
        if row[0] == "export_id" and len(row) > 2:
            meta.export_id = row[2]
    for at, cells, signature in parsed:
        expected = sign(key, meta.export_id, cells)
        entry = MetaRow(
            at,
            tuple(cells),
            signature,
            hmac.compare_digest(expected.encode(), signature.encode("utf-8", "replace")),
        )
        if cells[0] == "unit":
            meta.units.append(entry)
        else:
            meta.fields.setdefault(cells[0], entry)
    meta.key_id = meta.value("key_id") or ""
    return meta


_STRING = re.compile(r'"[^"\\]*(?:\\.[^"\\]*)*"')
"""A JSON string (escapes included), unrolled: one step a run of plain characters."""
_BRACKETS = re.compile(r"[\[\]{}]")
_STEP = {"[": 1, "{": 1, "]": -1, "}": -1}


def json_depth_ok(text: str, limit: int = MAX_JSON_DEPTH) -> bool:
    """True when JSON ``text`` nests no deeper than ``limit`` (checked before parsing, so a
    deeply nested document never reaches the recursive parser)."""
    steps = map(_STEP.__getitem__, _BRACKETS.findall(_STRING.sub("", text)))
    return max(accumulate(steps), default=0) <= limit  # the running depth, in C

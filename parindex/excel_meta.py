"""The hidden ``_parindex`` sheet: format, criteria set, and each unit's submission."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Sequence
from importlib.metadata import version
from typing import TYPE_CHECKING, Any

from parindex.criteria import CriteriaSet
from parindex.excel_layout import FORMAT_ID, META_SHEET
from parindex.excel_style import Formats, write_text
from parindex.submission import Submission

if TYPE_CHECKING:
    from parindex.excel import UnitSheet


def write_meta(
    workbook: Any, formats: Formats, criteria: CriteriaSet, units: Sequence[UnitSheet]
) -> None:
    """The hidden sheet: format, criteria id and hash, and each unit's sheet and submission."""
    sheet = workbook.add_worksheet(META_SHEET)
    text = formats.get()
    rows: list[tuple[str, str]] = [
        ("format", FORMAT_ID),
        ("criteria_id", criteria.id),
        ("criteria_digest", criteria.digest),
        ("criteria_title", criteria.title),
        ("parindex", version("parindex")),
        ("units", str(len(units))),
    ]
    for at, (key, value) in enumerate(rows):
        sheet.write_string(at, 0, key, text)
        write_text(sheet, at, 1, value, formats)
    sheet.write_string(len(rows), 0, "exported", text)
    sheet.write_datetime(
        len(rows), 1, dt.datetime.now(), formats.get(num_format="dd/mm/yyyy hh:mm")
    )
    start = len(rows) + 2
    for col, head in enumerate(("unit", "sheet", "unit_id", "round", "submission (JSON) …")):
        sheet.write_string(start, col, head, text)
    for offset, unit in enumerate(units, start=1):
        at = start + offset
        sheet.write_string(at, 0, "unit", text)
        write_text(sheet, at, 1, unit.sheet_name, formats)
        write_text(sheet, at, 2, unit.submission.unit.id, formats)
        sheet.write_string(at, 3, str(unit.layout.round), text)
        for col, chunk in enumerate(_chunks(_submission_json(unit.submission)), start=4):
            write_text(sheet, at, col, chunk, formats)
    sheet.protect("", {})
    sheet.hide()


def _submission_json(submission: Submission) -> str:
    """ASCII JSON with every ``_`` escaped, so no cell text looks like an OOXML ``_xHHHH_``."""
    text = json.dumps(submission.model_dump(mode="json"), ensure_ascii=True, separators=(",", ":"))
    return text.replace("_", "\\u005f")


def _chunks(text: str, size: int = 30_000) -> list[str]:
    return [text[i : i + size] for i in range(0, len(text), size)] or [""]

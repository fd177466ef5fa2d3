"""Rule tests as data: cases written by non-programmers, run by ``parindex test``.

A case file (YAML or JSON) holds one case or a list under ``cases:``; each names the
criteria file relative to the case file's folder (a name relative to the working folder,
as older files wrote it, is read too), a submission
written inline, and what is expected, in the style of ``openfisca test``::

    criteria: bo-tieu-chi.yaml
    submission: {format: parindex.submission/1, criteria: xa-mau, year: 2025, ...}
    expect:
      points: {"1.1": "0,5", "2": 3}      # null: undetermined
      status: {"2.2": not_applicable}
      total: 7
      band: "Nhóm I"

Every failed expectation is reported with the case file and line of the expectation.
The shipped golden cases (``tests/golden``) are case files.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

from parindex.errors import ParindexError, Problem, ProblemsError
from parindex.numbers import format_decimal, parse_decimal

__all__ = ["CaseError", "CaseResult", "run_cases"]


class CaseError(ProblemsError):
    """A case file cannot be read as cases; ``problems`` lists every problem found."""

    title_vi = "Tệp ca kiểm thử không hợp lệ"
    title_en = "Invalid test case file"


@dataclass(frozen=True)
class CaseResult:
    """One case: its name, the checks made and the failed ones as located problems."""

    name: str
    checks: int
    failures: tuple[Problem, ...]

    @property
    def passed(self) -> bool:
        return not self.failures


_TOTALS = ("total", "max_points", "index", "undetermined_points")


def _shown(value: Decimal | None, language: str = "vi") -> str:
    if value is None:
        return "empty (undetermined)" if language == "en" else "trống (chưa xác định)"
    return format_decimal(value)


def _expected(raw: object) -> Decimal | None:
    return None if raw is None else parse_decimal(raw)


def _check_points(report: Any, expected: Mapping[Any, object], fail: Callable[..., None]) -> int:
    """Each node's expected points against the computed ones; how many were checked."""
    for code, raw in expected.items():
        try:
            got = report.node(str(code)).points
        except KeyError:
            fail(("expect", "points", code), f"không có mã {code}", f"no code {code}", str(code))
            continue
        wanted = _expected(raw)
        if got != wanted:
            fail(
                ("expect", "points", code),
                f"cần {_shown(wanted)} điểm, tính được {_shown(got)} "
                f"({report.node(str(code)).explanation})",
                f"expected {_shown(wanted, 'en')}, computed {_shown(got, 'en')}",
                str(code),
            )
    return len(expected)


def _run_one(
    case: dict[str, Any], where: tuple[str | int, ...], source: Any, base: Path
) -> CaseResult:
    from parindex.engine import score
    from parindex.loader import SourceMap, load_criteria
    from parindex.submission import parse_submission

    name = str(case.get("name") or (f"ca {where[-1]}" if where else Path(source.file).stem))
    failures: list[Problem] = []

    def fail(path: tuple[str | int, ...], vi: str, en: str, code: str | None = None) -> None:
        failures.append(
            Problem(
                kind="case_failed",
                message=vi,
                message_en=en,
                file=source.file,
                line=source.line((*where, *path)),
                code=code,
            )
        )

    named = str(case.get("criteria", ""))
    found = next((c for c in (base / named, Path(named)) if c.is_file()), None)
    if found is None:  # relative to the case file's folder (or, in older files, the working one)
        fail(
            ("criteria",),
            f"không có tệp tiêu chí {named} (tên tính từ thư mục của tệp ca, {base}, "
            "hoặc từ thư mục đang làm việc)",
            f"no criteria file {named} (the name is relative to the case file's folder, "
            f"{base}, or to the working folder)",
        )
        return CaseResult(name, 0, tuple(failures))
    criteria = load_criteria(found)
    data = case.get("submission")
    submission = parse_submission(data, SourceMap(source.file, data, {}))
    report = score(criteria, submission)
    expect = case.get("expect") or {}
    checks = _check_points(report, expect.get("points") or {}, fail)
    for code, status in (expect.get("status") or {}).items():
        checks += 1
        got_status = report.node(str(code)).status.value
        if got_status != status:
            fail(
                ("expect", "status", code),
                f"cần trạng thái {status}, được {got_status}",
                f"expected status {status}, got {got_status}",
                str(code),
            )
    for key in _TOTALS:
        if key in expect:
            checks += 1
            got_total = getattr(report, key)
            if got_total != _expected(expect[key]):
                fail(
                    ("expect", key),
                    f"{key}: cần {_shown(_expected(expect[key]))}, tính được {_shown(got_total)}",
                    f"{key}: expected {_shown(_expected(expect[key]), 'en')}, "
                    f"computed {_shown(got_total, 'en')}",
                )
    if "band" in expect:
        checks += 1
        if report.band != expect["band"]:
            fail(
                ("expect", "band"),
                f"xếp loại: cần {expect['band']}, được {report.band}",
                f"band: expected {expect['band']}, got {report.band}",
            )
    for code, fragment in (expect.get("explanation") or {}).items():
        checks += 1
        if str(fragment) not in report.node(str(code)).explanation:
            fail(
                ("expect", "explanation", code),
                f"lời giải thích không có {fragment!r}",
                f"explanation lacks {fragment!r}",
                str(code),
            )
    return CaseResult(name, checks, tuple(failures))


def run_cases(path: str | Path) -> list[CaseResult]:
    """Run every case of a case file; raise :class:`CaseError` if it cannot be read."""
    from parindex.loader import read_document

    data, source = read_document(path, "tệp ca kiểm thử", CaseError)
    base = Path(path).parent
    if isinstance(data, dict) and "cases" in data:
        items: list[tuple[tuple[str | int, ...], Any]] = [
            (("cases", i), c) for i, c in enumerate(data["cases"] or [])
        ]
    else:
        items = [((), data)]
    results = []
    for where, case in items:
        if not isinstance(case, dict) or "submission" not in case or "criteria" not in case:
            raise CaseError(
                [
                    source.problem(
                        "bad_case",
                        "mỗi ca cần criteria, submission và expect",
                        "each case needs criteria, submission and expect",
                        where,
                    )
                ]
            )
        try:
            results.append(_run_one(case, where, source, base))
        except ParindexError as exc:
            problems = getattr(exc, "problems", ()) or [
                Problem(kind="case_error", message=str(exc), file=source.file)
            ]
            name = str(case.get("name") or source.file)
            results.append(CaseResult(name, 0, tuple(problems)))
    return results

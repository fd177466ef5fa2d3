"""The ``parindex`` command line.

Every user error (a bad file, an unknown code) is printed as located messages and
exits with status 1; a traceback means a bug in parindex, never in the user's file.
"""

from __future__ import annotations

import json
import sys
from collections import Counter
from collections.abc import Callable
from decimal import Decimal
from functools import wraps
from typing import Any, TypeVar

import click
from rich.console import Console
from rich.table import Table

from parindex.criteria import CriteriaSet
from parindex.errors import ParindexError, Problem
from parindex.loader import load_criteria
from parindex.numbers import format_decimal

__all__ = ["main"]

F = TypeVar("F", bound=Callable[..., Any])


def _console() -> Console:
    return Console(highlight=False, soft_wrap=False)


def _problems_json(problems: list[Problem]) -> list[dict[str, Any]]:
    return [p.to_dict() for p in problems]


def user_errors(function: F) -> F:
    """Print a :class:`ParindexError` as located messages and exit 1, no traceback."""

    @wraps(function)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return function(*args, **kwargs)
        except ParindexError as exc:
            click.echo(str(exc), err=True)
            sys.exit(1)

    return wrapper  # type: ignore[return-value]


@click.group()
@click.version_option(package_name="parindex")
def main() -> None:
    """parindex — chấm điểm và thẩm định Chỉ số cải cách hành chính (PAR INDEX)."""


def node_rows(criteria: CriteriaSet) -> list[dict[str, Any]]:
    """The flat node list of a set, in tree order, as JSON-ready dicts."""
    compiled = criteria.compiled
    return [
        {
            "code": n.code,
            "title": n.node.title,
            "kind": n.node.kind.value,
            "rule": n.node.rule.kind if n.node.rule else None,
            "max_points": str(n.node.max_points),
            "provisional": n.provisional,
            "parent": n.parent,
            "depth": n.depth,
        }
        for n in compiled.nodes.values()
    ]


def _summary_table(criteria: CriteriaSet) -> Table:
    compiled = criteria.compiled
    table = Table(
        title=f"{criteria.title}\n[dim]{criteria.id} · {criteria.province} · "
        f"{criteria.year} · cấp {', '.join(level.value for level in criteria.levels)}"
        "[/dim]",
        title_justify="left",
    )
    table.add_column("Mã")
    table.add_column("Lĩnh vực")
    table.add_column("Điểm tối đa", justify="right")
    table.add_column("Số nút", justify="right")
    table.add_column("Tạm tính", justify="right")
    for area in criteria.nodes:
        nodes = list(area.walk())
        provisional = sum(
            (
                compiled.nodes[n.code].node.max_points
                for n in nodes
                if n.is_leaf
                and compiled.nodes[n.code].provisional
                and compiled.nodes[n.code].counts_in_max
            ),
            Decimal(0),
        )
        table.add_row(
            area.code,
            area.title,
            format_decimal(area.max_points),
            str(len(nodes)),
            format_decimal(provisional),
        )
    table.add_row(
        "",
        "[bold]TỔNG ĐIỂM[/bold]",
        f"[bold]{format_decimal(criteria.total_max)}[/bold]",
        str(len(compiled.nodes)),
        format_decimal(compiled.provisional_points),
    )
    return table


@main.command()
@click.argument("files", nargs=-1, required=True, type=click.Path())
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["text", "json"]),
    default="text",
    help="text: bảng tóm tắt; json: một đối tượng JSON.",
)
@click.option("--lang", type=click.Choice(["vi", "en"]), default="vi", help="Ngôn ngữ thông báo.")
def validate(files: tuple[str, ...], fmt: str, lang: str) -> None:
    """Kiểm tra tệp tiêu chí và tóm tắt (validate criteria files)."""
    console = _console()
    problems: list[Problem] = []
    loaded: list[CriteriaSet] = []
    for file in files:
        try:
            loaded.append(load_criteria(file))
        except ParindexError as exc:
            problems.extend(
                getattr(exc, "problems", ()) or [Problem(kind="error", message=str(exc), file=file)]
            )
    if fmt == "json":
        nodes = [dict(row, file=c.file) for c in loaded for row in node_rows(c)]
        payload = {
            "valid": not problems,
            "errors": _problems_json(problems),
            "nodes": nodes,
            "sets": [
                {
                    "file": c.file,
                    "id": c.id,
                    "title": c.title,
                    "total_max": str(c.total_max),
                    "survey_max": str(c.survey_max),
                    "provisional_points": str(c.compiled.provisional_points),
                    "node_count": len(c.compiled.nodes),
                    "digest": c.digest,
                }
                for c in loaded
            ],
        }
        click.echo(json.dumps(payload, ensure_ascii=False, indent=2))
    else:
        for criteria in loaded:
            console.print(_summary_table(criteria))
            kinds = Counter(n.kind.value for n in criteria.walk())
            rules = Counter(n.rule.kind for n in criteria.walk() if n.rule)
            console.print(
                "  Nút: "
                + ", ".join(f"{k} {v}" for k, v in kinds.items())
                + " · Quy tắc: "
                + ", ".join(f"{k} {v}" for k, v in sorted(rules.items()))
            )
            console.print(
                f"  [yellow]{format_decimal(criteria.compiled.provisional_points)} / "
                f"{format_decimal(criteria.total_max)} điểm dựa trên giá trị tạm tính "
                "(chưa có nguồn chính thức)[/yellow]\n"
            )
        if problems:
            click.echo(
                f"{len(problems)} lỗi:" if lang == "vi" else f"{len(problems)} errors:", err=True
            )
            for problem in problems:
                click.echo("  " + problem.describe(lang), err=True)
    if problems:
        sys.exit(1)

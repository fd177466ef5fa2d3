"""parindex — score and appraise PAR INDEX (Chỉ số cải cách hành chính) self-assessments.

>>> import parindex
>>> criteria = parindex.load_criteria("criteria/namdinh-stnmt-2023.yaml")  # doctest: +SKIP

The public names are imported on first use (PEP 562), so ``import parindex`` and the
command line start at once; ``from parindex import score`` works as usual.
"""

from __future__ import annotations

import importlib
import sys
import types
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from parindex import synthetic
    from parindex.batch import inputs_frame, score_many
    from parindex.checks import check_many
    from parindex.compiler import CompiledNode, CompiledSet, compile_set
    from parindex.criteria import (
        Aggregation,
        CriteriaSet,
        Input,
        InputType,
        Node,
        NodeKind,
        Provenance,
        Rule,
        UnitLevel,
    )
    from parindex.engine import classify, score
    from parindex.errors import (
        CriteriaError,
        EvaluationError,
        ExpressionError,
        MappingError,
        ParindexError,
        Problem,
        SubmissionError,
        SyntheticError,
    )
    from parindex.excel import WorkbookError, export_unit, export_workbook
    from parindex.excel_import import ImportResult, import_workbook
    from parindex.expressions import compile_expression
    from parindex.folders import load_submissions
    from parindex.form import write_form
    from parindex.form_carry import carry_forward
    from parindex.loader import load_criteria
    from parindex.mapping import CodeMapping, MappingEntry, compare_years, load_mapping
    from parindex.numbers import format_decimal, parse_decimal
    from parindex.planner import plan, what_if
    from parindex.plans import PlanError, load_plan
    from parindex.ranges import Interval, parse_range
    from parindex.ranking import rank
    from parindex.report import MissingInput, NodeResult, ScoreReport, Status, UsedInput
    from parindex.results import ProvinceResults, province_results
    from parindex.review import AreaSummary, Finding, Review, RoundScore, Severity, review
    from parindex.submission import (
        Appraisal,
        AppraisedScore,
        CheckedSubmission,
        Document,
        SelfScore,
        Submission,
        Unit,
        check_submission,
        load_submission,
        save_submission,
    )

#: Public name → the module that defines it; ``parindex:name`` exports the module itself.
_EXPORTS: dict[str, str] = {
    "Aggregation": "parindex.criteria",
    "Appraisal": "parindex.submission",
    "AppraisedScore": "parindex.submission",
    "AreaSummary": "parindex.review",
    "CheckedSubmission": "parindex.submission",
    "CodeMapping": "parindex.mapping",
    "CompiledNode": "parindex.compiler",
    "CompiledSet": "parindex.compiler",
    "CriteriaError": "parindex.errors",
    "CriteriaSet": "parindex.criteria",
    "Document": "parindex.submission",
    "EvaluationError": "parindex.errors",
    "ExpressionError": "parindex.errors",
    "Finding": "parindex.review",
    "ImportResult": "parindex.excel_import",
    "Input": "parindex.criteria",
    "InputType": "parindex.criteria",
    "Interval": "parindex.ranges",
    "MappingEntry": "parindex.mapping",
    "MappingError": "parindex.errors",
    "MissingInput": "parindex.report",
    "Node": "parindex.criteria",
    "NodeKind": "parindex.criteria",
    "NodeResult": "parindex.report",
    "ParindexError": "parindex.errors",
    "PlanError": "parindex.plans",
    "Problem": "parindex.errors",
    "Provenance": "parindex.criteria",
    "ProvinceResults": "parindex.results",
    "Review": "parindex.review",
    "RoundScore": "parindex.review",
    "Rule": "parindex.criteria",
    "ScoreReport": "parindex.report",
    "SelfScore": "parindex.submission",
    "Severity": "parindex.review",
    "Status": "parindex.report",
    "Submission": "parindex.submission",
    "SubmissionError": "parindex.errors",
    "SyntheticError": "parindex.errors",
    "Unit": "parindex.submission",
    "UnitLevel": "parindex.criteria",
    "UsedInput": "parindex.report",
    "WorkbookError": "parindex.excel",
    "carry_forward": "parindex.form_carry",
    "check_many": "parindex.checks",
    "check_submission": "parindex.submission",
    "classify": "parindex.engine",
    "compare_years": "parindex.mapping",
    "compile_expression": "parindex.expressions",
    "compile_set": "parindex.compiler",
    "export_unit": "parindex.excel",
    "export_workbook": "parindex.excel",
    "format_decimal": "parindex.numbers",
    "import_workbook": "parindex.excel_import",
    "inputs_frame": "parindex.batch",
    "load_criteria": "parindex.loader",
    "load_mapping": "parindex.mapping",
    "load_plan": "parindex.plans",
    "load_submission": "parindex.submission",
    "load_submissions": "parindex.folders",
    "parse_decimal": "parindex.numbers",
    "parse_range": "parindex.ranges",
    "plan": "parindex.planner",
    "province_results": "parindex.results",
    "rank": "parindex.ranking",
    "review": "parindex.review",
    "save_submission": "parindex.submission",
    "score": "parindex.engine",
    "score_many": "parindex.batch",
    "synthetic": "parindex:synthetic",
    "what_if": "parindex.planner",
    "write_form": "parindex.form",
}

__all__ = [
    "Aggregation",
    "Appraisal",
    "AppraisedScore",
    "AreaSummary",
    "CheckedSubmission",
    "CodeMapping",
    "CompiledNode",
    "CompiledSet",
    "CriteriaError",
    "CriteriaSet",
    "Document",
    "EvaluationError",
    "ExpressionError",
    "Finding",
    "ImportResult",
    "Input",
    "InputType",
    "Interval",
    "MappingEntry",
    "MappingError",
    "MissingInput",
    "Node",
    "NodeKind",
    "NodeResult",
    "ParindexError",
    "PlanError",
    "Problem",
    "Provenance",
    "ProvinceResults",
    "Review",
    "RoundScore",
    "Rule",
    "ScoreReport",
    "SelfScore",
    "Severity",
    "Status",
    "Submission",
    "SubmissionError",
    "SyntheticError",
    "Unit",
    "UnitLevel",
    "UsedInput",
    "WorkbookError",
    "carry_forward",
    "check_many",
    "check_submission",
    "classify",
    "compare_years",
    "compile_expression",
    "compile_set",
    "export_unit",
    "export_workbook",
    "format_decimal",
    "import_workbook",
    "inputs_frame",
    "load_criteria",
    "load_mapping",
    "load_plan",
    "load_submission",
    "load_submissions",
    "parse_decimal",
    "parse_range",
    "plan",
    "province_results",
    "rank",
    "review",
    "save_submission",
    "score",
    "score_many",
    "synthetic",
    "what_if",
    "write_form",
]


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'parindex' has no attribute {name!r}")
    if module.startswith("parindex:"):
        value: Any = importlib.import_module(module.replace(":", "."))
    else:
        value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))


class _Package(types.ModuleType):
    """Importing ``parindex.review`` must not turn ``parindex.review`` into the module.

    Python binds a submodule to its package's attribute of the same name when it is
    imported; for a function exported under its module's name (``review``) the package
    keeps the function.
    """

    def __setattr__(self, name: str, value: Any) -> None:
        exported = _EXPORTS.get(name, "")
        if isinstance(value, types.ModuleType) and exported == f"parindex.{name}":
            value = getattr(value, name)
        super().__setattr__(name, value)


sys.modules[__name__].__class__ = _Package

"""parindex — score and appraise PAR INDEX (Chỉ số cải cách hành chính) self-assessments.

>>> import parindex
>>> criteria = parindex.load_criteria("criteria/namdinh-stnmt-2023.yaml")  # doctest: +SKIP
"""

from parindex import synthetic
from parindex.batch import inputs_frame, score_many
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
]

"""parindex — score and appraise PAR INDEX (Chỉ số cải cách hành chính) self-assessments.

>>> import parindex
>>> criteria = parindex.load_criteria("criteria/namdinh-stnmt-2023.yaml")  # doctest: +SKIP
"""

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
    ParindexError,
    Problem,
    SubmissionError,
)
from parindex.expressions import compile_expression
from parindex.loader import load_criteria
from parindex.numbers import format_decimal, parse_decimal
from parindex.ranges import Interval, parse_range
from parindex.report import MissingInput, NodeResult, ScoreReport, Status, UsedInput
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
)

__all__ = [
    "Aggregation",
    "Appraisal",
    "AppraisedScore",
    "AreaSummary",
    "CheckedSubmission",
    "CompiledNode",
    "CompiledSet",
    "CriteriaError",
    "CriteriaSet",
    "Document",
    "EvaluationError",
    "ExpressionError",
    "Finding",
    "Input",
    "InputType",
    "Interval",
    "MissingInput",
    "Node",
    "NodeKind",
    "NodeResult",
    "ParindexError",
    "Problem",
    "Provenance",
    "Review",
    "RoundScore",
    "Rule",
    "ScoreReport",
    "SelfScore",
    "Severity",
    "Status",
    "Submission",
    "SubmissionError",
    "Unit",
    "UnitLevel",
    "UsedInput",
    "check_submission",
    "classify",
    "compile_expression",
    "compile_set",
    "format_decimal",
    "load_criteria",
    "load_submission",
    "parse_decimal",
    "parse_range",
    "review",
    "score",
]

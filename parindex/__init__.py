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

__all__ = [
    "Aggregation",
    "CompiledNode",
    "CompiledSet",
    "CriteriaError",
    "CriteriaSet",
    "EvaluationError",
    "ExpressionError",
    "Input",
    "InputType",
    "Interval",
    "Node",
    "NodeKind",
    "ParindexError",
    "Problem",
    "Provenance",
    "Rule",
    "SubmissionError",
    "UnitLevel",
    "compile_expression",
    "compile_set",
    "format_decimal",
    "load_criteria",
    "parse_decimal",
    "parse_range",
]

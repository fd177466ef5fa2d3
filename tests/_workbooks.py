"""Helpers shared by the workbook tests: the 2023 set, its sample units, appraisal rounds."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from parindex import CriteriaSet, Submission, load_submission
from parindex.submission import Appraisal, AppraisedScore

ROOT = Path(__file__).resolve().parent.parent
SET_2023 = ROOT / "criteria" / "namdinh-stnmt-2023.yaml"
SAMPLES = sorted((ROOT / "evidence").glob("*-2023.yaml"))


def load_samples() -> list[Submission]:
    """The sample units of the 2023 set (``evidence/*-2023.yaml``), in file order."""
    return [load_submission(path) for path in SAMPLES]


def appraisal(criteria: CriteriaSet, round: int, codes: Iterable[str], over: int = 1) -> Appraisal:
    """Appraisal round ``round`` giving each of ``codes`` its maximum divided by ``over``."""
    scores = {c: AppraisedScore(points=criteria.node(c).max_points / over) for c in codes}
    return Appraisal(round=round, scores=scores)

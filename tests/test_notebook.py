"""Short reprs for notebooks: under 1 kB, Vietnamese, saying what matters."""

from __future__ import annotations

from pathlib import Path

import pytest

from parindex import CriteriaSet, load_criteria, load_submission, review, score
from parindex.notebook import short

ROOT = Path(__file__).resolve().parent.parent
SETS = sorted((ROOT / "criteria").glob("*.yaml"))


@pytest.fixture(scope="module", params=SETS, ids=lambda p: p.stem)
def criteria(request: pytest.FixtureRequest) -> CriteriaSet:
    return load_criteria(request.param)


def _small(text: str) -> None:
    assert len(text.encode()) < 1000, len(text.encode())


def test_criteria_repr(criteria: CriteriaSet) -> None:
    text = repr(criteria)
    _small(text)
    assert criteria.id in text and "lĩnh vực" in text
    html = criteria._repr_html_()
    _small(html)
    assert html.startswith("<table") and html.endswith("</table>")
    for code in criteria.compiled.children[None][:3]:
        assert f"<td>{code}</td>" in html


def test_report_and_review_reprs() -> None:
    criteria = load_criteria(ROOT / "criteria" / "namdinh-stnmt-2023.yaml")
    submission = load_submission(ROOT / "evidence" / "so-tu-phap-mau-2023.yaml")
    report = score(criteria, submission)
    checked = review(criteria, submission)
    for obj in (report, checked):
        _small(repr(obj))
        html = obj._repr_html_()
        _small(html)
        assert html.endswith("</table>")
    assert report.unit.id in repr(report) and "chỉ số" in repr(report)
    assert "thẩm định" in repr(checked) and "lỗi" in repr(checked)
    assert str(checked) == repr(checked) and str(report) == repr(report)


def test_html_keeps_under_the_limit_with_many_long_rows() -> None:
    from parindex.notebook import _fit

    rows = [f"<tr><td>{'Lĩnh vực rất dài ' * 5}{i}</td></tr>" for i in range(50)]
    html = _fit("<table>", rows, "</table>")
    _small(html)
    assert "dòng nữa" in html and html.endswith("</table>")


def test_short() -> None:
    assert short("abc", 5) == "abc"
    assert short("Cải cách thủ tục hành chính", 10) == "Cải cách…"

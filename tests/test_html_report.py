"""The offline HTML report, opened in headless Chromium with the network cut.

One browser for the whole module: no console errors, only the file itself is requested,
every unit page is reachable, search filters units and nodes.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path

import pytest

from parindex import load_criteria, load_submission
from parindex.html_report import render_html
from parindex.results import ProvinceResults, province_results
from parindex.testing.browser import Browser, Page

ROOT = Path(__file__).resolve().parent.parent
HOSTILE = '</script><script>window.pwned=1</script><img src=x onerror="window.pwned=2">'


@pytest.fixture(scope="module")
def results() -> ProvinceResults:
    criteria = load_criteria(ROOT / "criteria" / "namdinh-stnmt-2023.yaml")
    submissions = [load_submission(p) for p in sorted((ROOT / "evidence").glob("*-2023.yaml"))]
    hostile = submissions[-1]
    unit = hostile.unit.model_copy(update={"name": HOSTILE})
    submissions[-1] = hostile.model_copy(update={"unit": unit})
    return province_results(criteria, submissions)


@pytest.fixture(scope="module")
def page(results: ProvinceResults, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Page]:
    path = tmp_path_factory.mktemp("html") / "ket-qua.html"
    path.write_text(render_html(results), encoding="utf-8")
    with Browser() as browser:
        yield browser.open(path)


def test_self_contained_and_escaped(results: ProvinceResults) -> None:
    html = render_html(results)
    assert html.startswith("<!doctype html>") and '<html lang="vi">' in html
    # No external asset: nothing loads from a URL.
    assert not re.search(r"""(src|href)\s*=\s*["']?(https?:)?//""", html)
    assert "<link" not in html and "@import" not in html
    assert HOSTILE not in html  # escaped on the province page and in the data block
    data = html.split('<script type="application/json" id="data">', 1)[1].split("</script>", 1)[0]
    assert json.loads(data)["units"][0]["id"]
    for word in ("Xếp hạng", "Xếp loại", "Chỉ số thành phần theo lĩnh vực", "tạm tính"):
        assert word in html
    page = html.split('<div id="province">', 1)[1].split('<div id="unit"', 1)[0]
    shown = re.sub(r"<svg.*?</svg>|<[^>]+>", " ", page, flags=re.S)  # the text people read
    assert not re.search(r"over_claimed|not_applicable|missing_input|\bso\b", shown)


def test_english_twin(results: ProvinceResults) -> None:
    html = render_html(results, "en")
    assert '<html lang="en">' in html and "Ranking of Departments" in html
    # the class as the English outputs say it (messages.band), in the table and the data
    assert "<td>Group I</td>" in html and "Nhóm I" not in html.split("<svg")[0]
    assert '"band": "Group I"' in html or '"band":"Group I"' in html


def test_opens_offline_without_errors(page: Page) -> None:
    assert page.errors == []
    assert page.requests and all(u.startswith(("file:", "data:")) for u in page.requests)
    assert page.evaluate("window.pwned === undefined")


def test_every_unit_page_is_reachable(page: Page, results: ProvinceResults) -> None:
    names = page.evaluate(
        """parindexReport.units().map(function (id) {
             location.hash = "u=" + id; parindexReport.route();
             var tree = document.querySelectorAll("#unit details").length;
             return [document.getElementById("unit-title").textContent, tree];
           })"""
    )
    assert [n for n, _ in names] == [r.name for r in results.rows]
    text = page.evaluate('document.getElementById("unit").innerText')
    assert not re.search(r"over_claimed|not_applicable|missing_input|\bso\b", text)
    nodes = len(results.criteria.compiled.nodes)
    assert all(0 < count <= nodes for _, count in names)
    # A finding's link opens its node.
    unit = results.rows[0].unit
    code = page.evaluate(
        f"""location.hash = "u={unit}&n=1.1"; parindexReport.route();
            var node = document.getElementById("n-1.1");
            node.open && node.parentElement.open ? node.getAttribute("data-code") : null"""
    )
    assert code == "1.1"
    assert page.evaluate("window.pwned === undefined")
    page.browser.collect(page)
    assert page.errors == []


def test_search_filters_units_and_nodes(page: Page, results: ProvinceResults) -> None:
    search = """(function (q) {
        var box = document.getElementById("q"); box.value = q;
        box.dispatchEvent(new Event("input"));
        return document.getElementById("count").textContent; })"""
    page.evaluate('location.hash = ""; parindexReport.route()')
    shown = page.evaluate(
        search + '("tu phap"); Array.prototype.filter.call('
        'document.querySelectorAll("table.rank tbody tr"), function (r) { return !r.hidden; })'
        ".map(function (r) { return r.querySelector('a').textContent; })"
    )
    assert shown == ["Sở Tư pháp (mẫu)"]  # found without diacritics
    unit = next(r.unit for r in results.rows if r.name == "Sở Tư pháp (mẫu)")
    page.evaluate(
        f'document.getElementById("q").value = ""; location.hash = "u={unit}"; parindexReport.route()'
    )
    visible = page.evaluate(
        search
        + '("1.4.1"); Array.prototype.filter.call(document.querySelectorAll("#unit details"),'
        ' function (d) { return !d.hidden; }).map(function (d) { return d.getAttribute("data-code"); })'
    )
    assert "1.4.1" in visible and "1" in visible and "2" not in visible
    words = page.evaluate(
        search + '("thi dua"); document.querySelectorAll("#unit details.hit").length'
    )
    assert words > 0
    assert page.evaluate(search + '("khongcochunay")') != ""
    page.browser.collect(page)
    assert page.errors == []


def test_a_phone_reaches_every_column(page: Page, results: ProvinceResults) -> None:
    """At 412 px a table wider than the screen scrolls in its own box: the sections' paint
    containment cut the ranking's and the heat map's right-hand columns off, out of reach."""
    cut = """Array.prototype.filter.call(document.querySelectorAll("table"), function (t) {
        if (!t.offsetParent) return false;
        var box = t.getBoundingClientRect(), wide = t.scrollWidth > t.clientWidth + 1;
        var scrolls = getComputedStyle(t).overflowX === "auto";
        return box.right > window.innerWidth + 1 || (wide && !scrolls);
      }).map(function (t) { return t.className || t.querySelector("caption").textContent; })"""
    metrics = {"width": 412, "height": 900, "deviceScaleFactor": 1, "mobile": False}
    page.browser.call("Emulation.setDeviceMetricsOverride", metrics, page.session)
    try:
        page.evaluate('location.hash = ""; parindexReport.route()')
        assert page.evaluate(cut) == []
        unit = results.rows[0].unit
        page.evaluate(f'location.hash = "u={unit}"; parindexReport.route()')
        assert page.evaluate(cut) == []
    finally:
        page.browser.call("Emulation.clearDeviceMetricsOverride", {}, page.session)
        page.evaluate('location.hash = ""; parindexReport.route()')


@pytest.mark.parametrize(("language", "total"), [("vi", "TỔNG ĐIỂM"), ("en", "TOTAL")])
def test_a_units_total_row_is_named_as_everywhere(
    results: ProvinceResults, language: str, total: str
) -> None:
    """A unit page's area table ended in the row "TỔNG" (the total's code, English too);
    it says "TỔNG ĐIỂM" / "TOTAL", as the review table and the Word report."""
    html = render_html(results, language)
    data = html.split('<script type="application/json" id="data">', 1)[1].split("</script>")[0]
    for unit in json.loads(data)["units"]:
        assert unit["areas"][-1][0] == total
        assert not any(area[0] == "TỔNG" for area in unit["areas"])

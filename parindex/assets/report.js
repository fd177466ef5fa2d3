/* parindex report: unit pages drawn from the inlined data; search and filter; no network. */
(function () {
  "use strict";
  /* The data block is parsed on first need (a unit page, a search), not before the page
     shows: the province page is plain HTML. */
  var data = null, W = null, S = null;
  var nodes = {}, kids = {}, order = [], units = {};
  function ready() {
    if (data) { return; }
    data = JSON.parse(document.getElementById("data").textContent);
    W = data.words;
    S = data.strings;
    data.nodes.forEach(function (n, i) {
      var node = { index: i, code: n[0], parent: n[1], depth: n[2], title: n[3], max: n[4],
        rule: n[5] >= 0 ? S[n[5]] : "", inputs: n[6], provisional: n[7] };
      nodes[node.code] = node;
      order.push(node);
      var key = node.parent === null ? "" : node.parent;
      (kids[key] = kids[key] || []).push(node.code);
    });
    data.units.forEach(function (u) { units[u.id] = u; });
  }
  var province = document.getElementById("province");
  var page = document.getElementById("unit");
  var query = document.getElementById("q");
  var count = document.getElementById("count");

  function h(tag, attrs, children) {
    var el = document.createElement(tag);
    if (attrs) {
      Object.keys(attrs).forEach(function (k) {
        if (k === "text") { el.textContent = attrs[k]; } else { el.setAttribute(k, attrs[k]); }
      });
    }
    (children || []).forEach(function (c) {
      if (c === null || c === undefined || c === "") { return; }
      el.appendChild(typeof c === "string" ? document.createTextNode(c) : c);
    });
    return el;
  }
  /* A unit's node entry, its trailing empty fields restored (see html_report._unit_data). */
  function entryOf(u, code) {
    var e = u.nodes[nodes[code].index];
    if (!e) { return null; }
    return { points: e[0] || "", max: e[1] || nodes[code].max, status: e[2],
      self: e[3] || "", appraised: e[4] || "", explanation: S[e[5]] || "",
      evidence: e[6] || [], missing: e[7] || [], expected: e[8] || [], findings: e[9] || [] };
  }
  function inputLabel(m) { return typeof m === "number" ? data.labels[m] : m; }
  function fold(text) {
    return String(text).normalize("NFD").replace(/[\u0300-\u036f]/g, "")
      .replace(/đ/g, "d").replace(/Đ/g, "D").toLowerCase();
  }
  function link(unit, code, label) {
    return h("a", { href: "#u=" + unit + (code ? "&n=" + encodeURIComponent(code) : ""), text: label });
  }
  function row(cells, header) {
    return h("tr", null, cells.map(function (c, i) {
      return h(header ? "th" : (i === 0 ? "th" : "td"),
        header ? { scope: "col", text: c } : (i === 0 ? { scope: "row", text: c } : { class: "n", text: c }));
    }));
  }

  function areaTable(u) {
    var head = h("thead", null, [row([W.area, W.max, W.self, W.computed_col, W.appraised_col], true)]);
    var body = h("tbody", null, u.areas.map(function (a) {
      var title = nodes[a[0]] ? a[0] + ". " + nodes[a[0]].title : a[0];
      return row([title, a[1], a[2], a[3] || "–", a[4] || "–"]);
    }));
    return h("table", null, [h("caption", { text: W.self + " · " + W.computed_col + " · " + W.appraised_col }), head, body]);
  }

  function nodeBody(u, code, entry) {
    var node = nodes[code], dl = h("dl", null, []);
    function item(term, values) {
      if (!values.length) { return; }
      dl.appendChild(h("dt", { text: term }));
      values.forEach(function (v) { dl.appendChild(h("dd", null, [v])); });
    }
    if (node.parent !== null) { item(W.parent, [link(u.id, node.parent, node.parent + " " + nodes[node.parent].title)]); }
    item(W.rule, node.rule ? [node.rule] : []);
    item(W.result, [entry.explanation]);
    item(W.inputs, node.inputs.filter(function (i) { return u.values[i] !== null && u.values[i] !== undefined; }).map(function (i) {
      return data.labels[i] + ": " + u.values[i];
    }));
    item(W.missing, entry.missing.map(inputLabel));
    item(W.evidence, entry.evidence.map(function (id) { return u.documents[id] || id; }));
    item(W.evidence_missing, entry.expected.map(function (i) { return S[i]; }));
    item(W.findings, entry.findings.map(function (i) {
      var f = u.findings[i];
      return h("span", { class: "sev-" + f[0] }, [data.severities[f[0]] + ": " + S[f[2]]]);
    }));
    item(W.parts, (kids[code] || []).map(function (c) { return link(u.id, c, c + " " + nodes[c].title); }));
    return h("div", { class: "body" }, [dl]);
  }

  function nodeElement(u, code) {
    var node = nodes[code], entry = entryOf(u, code);
    if (!entry) { return null; }
    var status = data.statuses[entry.status];
    var points = (entry.points || "?") + "/" + entry.max;
    var extra = [];
    if (entry.self) { extra.push(W.self + " " + entry.self); }
    if (entry.appraised) { extra.push(W.appraised_col + " " + entry.appraised); }
    if (entry.findings.length) { extra.push(entry.findings.length + " " + W.findings.toLowerCase()); }
    var summary = h("summary", null, [
      h("b", { text: code }), " " + node.title + " — ",
      h("span", { class: "pts", text: points }), " ",
      h("span", { class: "st-" + data.statusCodes[entry.status], text: "(" + status + ")" }),
      extra.length ? " · " + extra.join(" · ") : ""
    ]);
    var el = h("details", { id: "n-" + code, "data-code": code,
      "data-search": fold(code + " " + node.title + " " + node.rule + " " + entry.explanation) }, [summary]);
    el.appendChild(nodeBody(u, code, entry));
    (kids[code] || []).forEach(function (c) {
      var child = nodeElement(u, c);
      if (child) { el.appendChild(child); }
    });
    return el;
  }

  function renderUnit(u, focus) {
    page.textContent = "";
    document.title = u.name + " — " + W.unit;
    page.appendChild(h("p", null, [h("a", { href: "#", text: "← " + W.back })]));
    page.appendChild(h("h2", { id: "unit-title", tabindex: "-1", text: u.name }));
    var basis = u.basis === "appraised" ? W.appraised : W.computed + " (" + W.not_appraised + ")";
    page.appendChild(h("p", { class: "meta" }, [u.group + " · " + W.rank + " " + (u.rank === null ? "–" : u.rank) +
      " · " + W.total + " " + u.total + "/" + u.max + " · " + W.index + " " + u.index +
      " · " + W.class + " " + (u.band || W.none) + " · " + W.basis + ": " + basis]));
    var notes = [W.provisional.replace("{points}", u.provisional)];
    if (u.undetermined) { notes.push(W.undetermined.replace("{points}", u.undetermined)); }
    if (u.synthetic) { notes.push(W.synthetic); }
    page.appendChild(h("p", null, [notes.join(" · ")]));
    function pct(v) { return v === "–" ? v : v + "%"; }
    page.appendChild(h("p", null, [W.self + " " + pct(u.self) + " · " + W.computed_col + " " + pct(u.computed) + " · " + W.appraised_col + " " + pct(u.appraised)]));
    page.appendChild(areaTable(u));
    if (u.findings.length) {
      page.appendChild(h("h3", { text: W.findings + " (" + u.findings.length + ")" }));
      page.appendChild(h("ol", null, u.findings.map(function (f) {
        return h("li", null, [h("span", { class: "sev-" + f[0], text: data.severities[f[0]] }), ": ", link(u.id, f[1], S[f[2]])]);
      })));
    }
    var missing = {};
    order.forEach(function (node) {
      var e = entryOf(u, node.code);
      if (e) { e.missing.forEach(function (m) { missing[inputLabel(m)] = true; }); }
    });
    var names = Object.keys(missing);
    if (names.length) {
      page.appendChild(h("h3", { text: W.missing + " (" + names.length + ")" }));
      page.appendChild(h("ul", null, names.map(function (m) { return h("li", { text: m }); })));
    }
    page.appendChild(h("h3", { text: W.tree }));
    var tree = h("div", { class: "tree" }, []);
    (kids[""] || []).forEach(function (c) {
      var el = nodeElement(u, c);
      if (el) { tree.appendChild(el); }
    });
    page.appendChild(tree);
    province.hidden = true;
    page.hidden = false;
    if (focus && document.getElementById("n-" + focus)) {
      var target = document.getElementById("n-" + focus);
      for (var el = target; el && el.tagName === "DETAILS"; el = el.parentElement) { el.open = true; }
      target.scrollIntoView();
      target.querySelector("summary").focus();
    } else {
      document.getElementById("unit-title").focus();
    }
    filter();
  }

  function route() {
    var params = new URLSearchParams(location.hash.replace(/^#/, ""));
    if (params.get("u")) { ready(); }
    var u = units[params.get("u")];
    if (u) { renderUnit(u, params.get("n")); return; }
    page.hidden = true;
    page.textContent = "";
    province.hidden = false;
    filter();
  }

  function filter() {
    var q = fold(query.value.trim());
    var shown = 0, total = 0;
    if (!q && page.hidden) {
      Array.prototype.forEach.call(province.querySelectorAll("tr[data-search]"), function (r) { r.hidden = false; });
      count.textContent = "";
      return;
    }
    ready();
    if (!page.hidden) {
      var all = Array.prototype.slice.call(page.querySelectorAll("details")).reverse();
      all.forEach(function (d) {
        var own = !q || d.getAttribute("data-search").indexOf(q) >= 0 || fold(d.getAttribute("data-code")).indexOf(q) === 0;
        var inner = Array.prototype.some.call(d.children, function (c) { return c.tagName === "DETAILS" && !c.hidden; });
        d.hidden = !(own || inner);
        d.classList.toggle("hit", Boolean(q) && own);
        if (q && inner) { d.open = true; }
        total += 1;
        if (q && own) { shown += 1; }
      });
      count.textContent = q ? (shown ? shown + " / " + total : W.no_match) : "";
      return;
    }
    var rows = province.querySelectorAll("tr[data-search]");
    Array.prototype.forEach.call(rows, function (r) {
      var match = !q || fold(r.getAttribute("data-search")).indexOf(q) >= 0;
      r.hidden = !match;
      total += 1;
      if (match) { shown += 1; }
    });
    count.textContent = q ? (shown ? shown + " / " + total : W.no_match) : "";
  }

  function openAll() {
    Array.prototype.forEach.call(document.querySelectorAll("details"), function (d) { d.open = true; });
  }
  query.addEventListener("input", filter);
  document.getElementById("print").addEventListener("click", function () { openAll(); window.print(); });
  window.addEventListener("beforeprint", openAll);
  window.addEventListener("hashchange", route);
  window.parindexReport = { units: function () { ready(); return Object.keys(units); }, route: route };
  route();
}());

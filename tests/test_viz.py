"""graph.html without a browser: escaping, determinism, offline-ness, header counts (kg/viz.py)."""
from __future__ import annotations

import base64
import hashlib
import json
import random
import re
from html.parser import HTMLParser

import pytest
from rdflib import Graph

from kg.viz import format_cny, render_html, render_page, script_json
from kg.vocab import CSR, RELATIONS
from viz_graphs import (
    XSS_ALIAS,
    XSS_EVIDENCE,
    XSS_IMG,
    XSS_QUOTES,
    XSS_SCRIPT,
    entity_iris,
    hostile_graph,
    mini_graph,
    relation_edges,
)


class _Page(HTMLParser):
    """Collects the script elements, the text of elements by id, and the src/href attributes."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.scripts: list[tuple[dict[str, str | None], str]] = []
        self.links: list[str] = []
        self.text_by_id: dict[str, str] = {}
        self.rows: dict[str, dict[str, str]] = {"class-counts": {}, "relation-counts": {}}
        self._script: dict[str, str | None] | None = None
        self._buffer: list[str] = []
        self._id_stack: list[str | None] = []
        self._open_ids: dict[str, list[str]] = {}
        self._table: str | None = None
        self._row: list[str] | None = None
        self._cell: list[str] | None = None
        self.tags: list[str] = []
        self.event_handlers: list[str] = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        self.tags.append(tag)
        self.event_handlers.extend(name for name in attrs if name.startswith("on"))
        for name in ("src", "href", "action", "poster", "data"):
            if attrs.get(name):
                self.links.append(attrs[name])
        if tag == "script":
            self._script = attrs
            self._buffer = []
        if attrs.get("id"):
            self._open_ids[attrs["id"]] = []
        if tag == "table":
            self._table = attrs.get("id")
        if tag == "tr" and self._table:
            self._row = []
        if tag in ("th", "td") and self._row is not None:
            self._cell = []

    def handle_endtag(self, tag):
        if tag == "script" and self._script is not None:
            self.scripts.append((self._script, "".join(self._buffer)))
            self._script = None
        if tag in ("th", "td") and self._cell is not None and self._row is not None:
            self._row.append("".join(self._cell).strip())
            self._cell = None
        if tag == "tr" and self._row is not None and self._table in self.rows:
            if len(self._row) == 2:
                self.rows[self._table][self._row[0]] = self._row[1]
            self._row = None
        if tag == "table":
            self._table = None
        if tag in ("dd", "h1", "title"):
            for key, parts in list(self._open_ids.items()):
                if key not in self.text_by_id:
                    self.text_by_id[key] = "".join(parts).strip()
                    del self._open_ids[key]

    def handle_data(self, data):
        if self._script is not None:
            self._buffer.append(data)
        for parts in self._open_ids.values():
            parts.append(data)
        if self._cell is not None:
            self._cell.append(data)


def _parse(html: str) -> _Page:
    page = _Page()
    page.feed(html)
    page.close()
    return page


def _data(page: _Page) -> dict:
    blocks = [text for attrs, text in page.scripts if attrs.get("type") == "application/json"]
    assert len(blocks) == 1
    return json.loads(blocks[0])


@pytest.fixture(scope="module")
def mini_html() -> str:
    return render_page(mini_graph())


@pytest.fixture(scope="module")
def hostile_html() -> str:
    return render_page(hostile_graph())


def test_script_json_cannot_break_out_and_round_trips():
    value = {"a": "</script><script>alert(1)</script>", "b": "<!-- x -->", "c": "a\u2028b\u2029c", "d": "&amp; >"}
    text = script_json(value)
    for bad in ("<", ">", "&", "\u2028", "\u2029"):
        assert bad not in text
    assert json.loads(text) == value


def test_hostile_text_never_appears_as_markup(hostile_html):
    html = hostile_html
    page = _parse(html)
    # the only script elements are ours: the JSON data, vis-network and the page script
    assert [attrs.get("type") for attrs, _ in page.scripts] == ["application/json", None, None]
    assert len(re.findall(r"</script", html, flags=re.I)) == 3
    # the names show up in the (autoescaped) analytics lists, but never as markup
    assert "&lt;script&gt;window.__xss=1&lt;/script&gt;" in html
    library = page.scripts[1][1]
    assert library.startswith("/**\n * vis-network")
    ours = html.replace(library, "")
    for needle in ("<script>window", "<img", "<iframe", "<svg onload", "<!--", "<b>", "\u2028"):
        assert needle not in ours, needle
    assert page.event_handlers == []
    assert not any(tag in ("img", "iframe") for tag in page.tags)
    data = _data(page)
    labels = {node["label"] for node in data["nodes"]}
    assert {XSS_SCRIPT, XSS_IMG, XSS_QUOTES} <= labels
    assert any(XSS_ALIAS in d["aliases"] for d in data["details"].values())
    assert XSS_EVIDENCE in {fact.get("evidence") for fact in data["facts"]}
    # the hostile report label went through the template's autoescaping
    assert "panshi-2024-&lt;b&gt;esg&lt;/b&gt;" in html


def test_title_is_escaped():
    html = render_page(mini_graph(), title='<script>alert("t")</script> & 报告')
    assert "<script>alert" not in html
    assert _parse(html).text_by_id["title"] == '<script>alert("t")</script> & 报告'


def test_page_script_writes_report_text_as_text_only():
    from kg.viz import STATIC_DIR

    script = (STATIC_DIR / "graph.js").read_text(encoding="utf-8")
    assert "innerHTML" not in script.replace("never innerHTML", "")
    assert "insertAdjacentHTML" not in script and "document.write" not in script and "eval(" not in script


def test_same_graph_gives_identical_bytes(tmp_path):
    graph = mini_graph()
    lines = graph.serialize(format="nt").splitlines()
    random.Random(3).shuffle(lines)
    shuffled = Graph().parse(data="\n".join(lines), format="nt")
    render_html(graph, tmp_path / "a.html")
    render_html(shuffled, tmp_path / "b.html")
    render_html(hostile_graph(), tmp_path / "c.html")
    render_html(hostile_graph(), tmp_path / "d.html")
    assert (tmp_path / "a.html").read_bytes() == (tmp_path / "b.html").read_bytes()
    assert (tmp_path / "c.html").read_bytes() == (tmp_path / "d.html").read_bytes()
    assert (tmp_path / "a.html").read_bytes() != (tmp_path / "c.html").read_bytes()


def test_page_is_self_contained_and_offline(mini_html):
    page = _parse(mini_html)
    # no external resource: the only link is the empty data: favicon that stops the browser asking for one
    assert page.links == ["data:,"]
    markup = re.sub(r'<script type="application/json" id="csrkg-data">.*?</script>', "", mini_html, flags=re.S)
    assert not re.search(r"""(src|href)\s*=\s*["']?\s*(https?:)?//""", markup, flags=re.I)
    assert not re.search(r"url\(\s*['\"]?\s*(https?:)?//", markup, flags=re.I)
    assert "@import" not in markup and "<link rel=\"stylesheet\"" not in markup
    assert "sourceMappingURL" not in markup
    assert "vis-network" in markup and "@license" in markup  # the library is inlined with its licence header
    csp = re.search(r'<meta http-equiv="Content-Security-Policy" content="([^"]+)"', mini_html).group(1)
    csp = csp.replace("&#39;", "'")
    assert "default-src 'none'" in csp and "connect-src 'none'" in csp and "unsafe-eval" not in csp
    # CSP allows exactly the inline scripts of the page, by hash
    hashes = set(re.findall(r"'sha256-([A-Za-z0-9+/=]+)'", csp))
    inline = [text for attrs, text in page.scripts if "type" not in attrs]
    assert len(inline) == 2
    assert hashes == {base64.b64encode(hashlib.sha256(t.encode()).digest()).decode() for t in inline}


def test_header_counts_match_the_graph(mini_html):
    graph = mini_graph()
    page = _parse(mini_html)
    assert int(page.text_by_id["kpi-nodes"]) == len(entity_iris(graph)) == 10
    assert int(page.text_by_id["kpi-edges"]) == len(relation_edges(graph)) == 11
    assert int(page.text_by_id["kpi-facts"]) == 9
    for name, count in page.rows["class-counts"].items():
        assert int(count) == len(set(graph.subjects(predicate=None, object=getattr(CSR, name)))), name
    assert page.rows["class-counts"]["Company"] == "4" and page.rows["class-counts"]["Subsidiary"] == "2"
    assert set(page.rows["relation-counts"]) == set(RELATIONS) | {"locatedIn"}
    for name, count in page.rows["relation-counts"].items():
        assert int(count) == len(list(graph.triples((None, getattr(CSR, name), None)))), name
    data = _data(page)
    assert {n["id"] for n in data["nodes"]} == entity_iris(graph)
    assert {(e["from"], e["label"], e["to"]) for e in data["edges"]} == relation_edges(graph)
    # analytics from kg.stats: the group company (4 relations) heads the degree ranking, and is clickable
    ranking = re.search(r'<ol class="ranking">(.*?)</ol>', mini_html, flags=re.S).group(1)
    first = re.search(r'data-node="([^"]+)">([^<]+)</button>\s*<span class="score"[^>]*>(\d+)<', ranking)
    assert first.groups() == ("https://w3id.org/csr-kg/resource/org/a00000000001", "恒远保险集团股份有限公司", "4")
    assert int(page.text_by_id["kpi-components"]) == 1


def test_panel_data_carries_attributes_and_evidence(mini_html):
    data = _data(_parse(mini_html))
    fund = data["details"]["https://w3id.org/csr-kg/resource/fund/f00000000001"]
    assert ["Size", "over ¥2,000,000,000 (20 亿元)"] in fund["attrs"]
    community = data["details"]["https://w3id.org/csr-kg/resource/community/c00000000001"]
    assert ["Located in", "杭州"] in community["attrs"] and ["Opening date", "2024"] in community["attrs"]
    assert ["Community kind", "operated"] in community["attrs"]
    fact = next(f for f in data["facts"] if f["p"] == "investsIn")
    assert fact["evidence"] == "青松银行认缴出资约3.5亿元。" and fact["line"] == 56
    assert fact["amount"] == "about ¥350,000,000 (3.5 亿元)" and fact["report"] == "hengyuan-2024-esg"
    located = [f for f in data["facts"] if f["p"] == "locatedIn"]
    assert len(located) == 2 and all("evidence" not in f for f in located)


def test_empty_graph_renders(tmp_path):
    render_html(Graph(), tmp_path / "empty.html")
    page = _parse((tmp_path / "empty.html").read_text(encoding="utf-8"))
    assert page.text_by_id["kpi-nodes"] == "0" and _data(page)["nodes"] == []


@pytest.mark.parametrize(
    "value, qualifier, text",
    [(2000000000.0, "over", "over ¥2,000,000,000 (20 亿元)"), (753000.0, None, "¥753,000 (75.3 万元)"),
     (999.5, "up-to", "up to ¥999.50"), (156000000.0, "at-least", "at least ¥156,000,000 (1.56 亿元)")],
)
def test_format_cny(value, qualifier, text):
    assert format_cny(value, qualifier) == text


def test_fact_panel_data_names_rule_and_confidence(sample_graph):
    """Every fact the side panel shows carries the rule that read it and its confidence."""
    from kg.viz import build_payload

    facts = [f for f in build_payload(sample_graph)["facts"] if f["p"] in RELATIONS and "evidence" in f]
    assert facts
    bad = [f for f in facts if not (f.get("rule") and 0 <= f.get("confidence", -1) <= 1)]
    assert not bad, bad[:3]

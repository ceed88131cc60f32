"""graph.html in a real headless Chromium (Debian's /usr/bin/chromium driven by Playwright).

The page must work offline: it is loaded from file:// and from a local HTTP server started here, and every
request the browser makes is recorded. Timings go to test-artifacts/graph-timings.json and stdout, and
screenshots to test-artifacts/ (git-ignored).
"""
from __future__ import annotations

import json
import threading
import time
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from rdflib import RDFS, Graph
from rdflib.namespace import SKOS

from kg.cli import main
from kg.store import open_store
from kg.viz import MAX_DRAWN_NODES, render_html
from kg.vocab import CSR
from viz_graphs import (
    CORPUS_COMPANIES,
    XSS_EVIDENCE,
    XSS_IMG,
    XSS_QUOTES,
    XSS_SCRIPT,
    big_graph,
    corpus_graph,
    entity_iris,
    hostile_graph,
    relation_edges,
)

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parent.parent
ARTIFACTS = ROOT / "test-artifacts"
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]
VIEWPORT = {"width": 1440, "height": 900}
STABLE_BOUND_MS = 60_000
BIG_NODES = 3000
CORPUS_NODES = 10_000
TIMINGS: dict[str, float] = {}


@pytest.fixture(scope="module")
def browser():
    if not CHROMIUM.exists():
        pytest.fail(f"{CHROMIUM} is missing: run make system-deps (Debian packages chromium, chromium-driver)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()
    if TIMINGS:
        ARTIFACTS.mkdir(exist_ok=True)
        (ARTIFACTS / "graph-timings.json").write_text(json.dumps(TIMINGS, indent=2, sort_keys=True) + "\n")


class Watch:
    """Everything a page did that a test may object to."""

    def __init__(self, page) -> None:
        self.console: list[tuple[str, str]] = []
        self.errors: list[str] = []
        self.requests: list[str] = []
        self.dialogs: list[str] = []
        page.on("console", lambda m: self.console.append((m.type, m.text)))
        page.on("pageerror", lambda e: self.errors.append(str(e)))
        page.on("request", lambda r: self.requests.append(r.url))

        def dialog(d):
            self.dialogs.append(d.message)
            d.dismiss()

        page.on("dialog", dialog)

    def assert_clean(self) -> None:
        bad = [m for m in self.console if m[0] in ("error", "warning", "assert")]
        assert not bad, bad
        assert not self.errors, self.errors
        assert not self.dialogs, self.dialogs


def open_view(browser, url: str, timeout_ms: int = STABLE_BOUND_MS):
    """Open the page and wait until its layout is stable (the page sets body[data-stable])."""
    page = browser.new_page(viewport=VIEWPORT)
    watch = Watch(page)
    page.goto(url)
    # a selector wait, not wait_for_function: the page's CSP forbids the eval that the latter needs
    page.wait_for_selector("body[data-stable=true]", state="attached", timeout=timeout_ms)
    return page, watch


def positions(page) -> dict:
    return page.evaluate("() => window.csrkg.network.getPositions()")


@pytest.fixture(scope="module")
def sample_html(sample_build: Path, sample_graph: Graph) -> Path:
    """The graph.html of the sample build, checked to be what kg.viz renders from its graph.ttl."""
    html = sample_build / "graph.html"
    assert html.is_file(), "csrkg build wrote no graph.html"
    again = sample_build / "graph-again.html"
    render_html(sample_graph, again)
    assert again.read_bytes() == html.read_bytes()
    return html


@pytest.fixture(scope="module")
def sample_page(browser, sample_html: Path):
    page, watch = open_view(browser, sample_html.as_uri())
    yield page, watch
    page.close()


def _label(graph: Graph, iri: str) -> str:
    from rdflib import URIRef

    return str(graph.value(URIRef(iri), RDFS.label))


def test_sample_loads_offline_with_every_entity(sample_page, sample_html, sample_graph):
    page, watch = sample_page
    stable_ms = page.evaluate("() => window.__csrkgStableMs")
    TIMINGS["sample_load_to_stable_ms"] = stable_ms
    TIMINGS["sample_nodes"] = len(entity_iris(sample_graph))
    print(f"\nsample graph: {TIMINGS['sample_nodes']} nodes, load-to-stable {stable_ms} ms")
    assert 0 < stable_ms < STABLE_BOUND_MS
    watch.assert_clean()
    assert watch.requests == [sample_html.as_uri()]
    ids = set(page.evaluate("() => window.csrkg.nodes.getIds()"))
    assert ids == entity_iris(sample_graph)
    edges = page.evaluate("() => window.csrkg.edges.get().map(e => [e.from, e.label, e.to])")
    assert {tuple(e) for e in edges} == relation_edges(sample_graph)
    assert page.inner_text("#kpi-nodes") == str(len(ids))
    # physics is off once stable: nothing moves any more
    before = positions(page)
    page.wait_for_timeout(400)
    assert positions(page) == before
    # every node is drawn with a size (from its degree) and a class style
    groups = set(page.evaluate("() => window.csrkg.nodes.get().map(n => n.group)"))
    assert groups <= {"Company", "Subsidiary", "Partner", "Organization", "Fund", "Community", "Award", "Place"}
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "graph-sample.png"))


def test_served_over_http_the_page_is_the_only_request(browser, sample_html):
    seen: list[str] = []

    class Recording(SimpleHTTPRequestHandler):
        def log_message(self, *args) -> None:
            seen.append(self.path)

    server = ThreadingHTTPServer(("127.0.0.1", 0), partial(Recording, directory=str(sample_html.parent)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        url = f"http://127.0.0.1:{server.server_address[1]}/{sample_html.name}"
        page, watch = open_view(browser, url)
        page.wait_for_timeout(300)
        watch.assert_clean()
        assert watch.requests == [url]
        page.close()
    finally:
        server.shutdown()
        server.server_close()
    assert seen == [f"/{sample_html.name}"]  # not even a favicon


def test_class_filter_hides_and_shows_nodes(sample_page):
    page, _ = sample_page
    page.click("#btn-clear")
    by_group = page.evaluate("""() => {
        const out = {};
        window.csrkg.nodes.get().forEach(n => { (out[n.group] = out[n.group] || []).push(n.id); });
        return out; }""")
    group = max(sorted(by_group), key=lambda g: len(by_group[g]))
    total = sum(len(v) for v in by_group.values())
    assert page.inner_text(f'[data-count="{group}"]') == str(len(by_group[group]))
    page.uncheck(f'input.class-filter[value="{group}"]')
    visible = set(page.evaluate("() => window.csrkg.visibleNodeIds()"))
    assert len(visible) == total - len(by_group[group]) and not visible & set(by_group[group])
    hidden_in_vis = page.evaluate(
        "ids => ids.every(id => window.csrkg.network.body.nodes[id].options.hidden === true)", by_group[group])
    assert hidden_in_vis
    page.check(f'input.class-filter[value="{group}"]')
    assert len(page.evaluate("() => window.csrkg.visibleNodeIds()")) == total
    assert page.evaluate(
        "ids => ids.every(id => !window.csrkg.network.body.nodes[id].options.hidden)", by_group[group])


def _unique_alias(graph: Graph) -> tuple[str, str]:
    """An alias that names exactly one entity and is nobody's label: (alias, entity IRI)."""
    ids = entity_iris(graph)
    labels = {str(graph.value(s, RDFS.label)).lower() for s in graph.subjects(RDFS.label, None) if str(s) in ids}
    owners: dict[str, set[str]] = {}
    for s, alias in graph.subject_objects(SKOS.altLabel):
        if str(s) in ids:
            owners.setdefault(str(alias), set()).add(str(s))
    candidates = sorted((a, next(iter(o))) for a, o in owners.items() if len(o) == 1 and a.lower() not in labels)
    assert candidates, "the sample graph has no alias to search for"
    return candidates[len(candidates) // 2]


def test_search_by_alias_selects_and_focuses_the_node(sample_page, sample_graph):
    page, watch = sample_page
    page.click("#btn-clear")
    alias, iri = _unique_alias(sample_graph)
    page.fill("#search", alias)
    first = page.get_attribute("#search-results li >> nth=0", "data-node")
    assert first == iri
    page.evaluate("""() => { document.body.removeAttribute("data-focused");
        window.csrkg.network.once("animationFinished", () => document.body.setAttribute("data-focused", "1")); }""")
    page.press("#search", "Enter")
    assert page.evaluate("() => window.csrkg.network.getSelectedNodes()") == [iri]
    assert page.inner_text("#panel-body h2") == _label(sample_graph, iri)
    assert alias in page.inner_text("#panel-body .aliases")
    page.wait_for_selector("body[data-focused]", state="attached", timeout=5000)  # the focus animation
    view = page.evaluate("() => window.csrkg.network.getViewPosition()")
    pos = positions(page)[iri]
    assert abs(view["x"] - pos["x"]) < 2 and abs(view["y"] - pos["y"]) < 2
    # a label prefix finds it too
    label = _label(sample_graph, iri)
    page.fill("#search", label[:3])
    assert iri in page.eval_on_selector_all("#search-results li", "els => els.map(e => e.dataset.node)")
    page.fill("#search", "")
    watch.assert_clean()


def _evidenced_node(graph: Graph) -> tuple[str, str]:
    """A node that is the subject of an evidenced statement, and that evidence (the lowest-degree such node)."""
    ids = entity_iris(graph)
    rows = graph.query(
        "SELECT ?s ?e WHERE { ?st a rdf:Statement ; rdf:subject ?s ; csr:evidence ?e }",
        initNs={"csr": CSR._NS},
    )
    candidates = sorted((str(s), str(e)) for s, e in rows if str(s) in ids)
    assert candidates
    degree = {i: 0 for i in ids}
    for s, _, o in relation_edges(graph):
        degree[s] += 1
        degree[o] += 1
    return min(candidates, key=lambda c: (degree[c[0]], c))


def test_click_on_node_opens_panel_with_evidence_and_dims_the_rest(sample_page, sample_graph):
    page, watch = sample_page
    page.click("#btn-clear")
    iri, evidence = _evidenced_node(sample_graph)
    page.evaluate("id => window.csrkg.network.moveTo({position: window.csrkg.network.getPositions([id])[id],"
                  " scale: 1.6, animation: false})", iri)
    dom = page.evaluate("id => window.csrkg.network.canvasToDOM(window.csrkg.network.getPositions([id])[id])", iri)
    assert page.evaluate("p => window.csrkg.network.getNodeAt(p)", dom) == iri
    box = page.locator("#network").bounding_box()
    page.mouse.click(box["x"] + dom["x"], box["y"] + dom["y"])
    assert page.is_visible("#panel")
    assert page.inner_text("#panel-body h2") == _label(sample_graph, iri)
    assert evidence in page.eval_on_selector_all("#panel-body .evidence", "els => els.map(e => e.textContent)")
    # neighbours highlighted, the rest dimmed
    neighbours = set(page.evaluate("id => window.csrkg.network.getConnectedNodes(id)", iri)) | {iri}
    opacity = page.evaluate("() => Object.fromEntries(window.csrkg.nodes.get().map(n => [n.id, n.opacity]))")
    assert all(opacity[n] == 1 for n in neighbours)
    others = set(opacity) - neighbours
    assert others and all(opacity[n] < 0.5 for n in others)
    page.screenshot(path=str(ARTIFACTS / "graph-sample-panel.png"))
    page.click("#panel-close")
    assert not page.is_visible("#panel")
    opacity = page.evaluate("() => window.csrkg.nodes.get().map(n => n.opacity)")
    assert all(o in (None, 1) for o in opacity)
    watch.assert_clean()


def test_hostile_text_is_shown_literally_and_executes_nothing(browser, tmp_path):
    path = tmp_path / "hostile.html"
    render_html(hostile_graph(), path)
    page, watch = open_view(browser, path.as_uri())
    ids = page.evaluate("() => window.csrkg.nodes.getIds()")
    assert len(ids) == 3
    shown = {}
    for label in (XSS_SCRIPT, XSS_IMG, XSS_QUOTES):
        page.fill("#search", label)
        page.press("#search", "Enter")
        shown[label] = page.inner_text("#panel-body h2")
        evidence = page.eval_on_selector_all("#panel-body .evidence", "els => els.map(e => e.textContent)")
        if label == XSS_SCRIPT:
            assert XSS_EVIDENCE in evidence
    assert shown == {label: label for label in shown}
    # hover the partnerOf edge: its tooltip (vis-network's, fed a plain string) shows the evidence as text
    page.evaluate("() => { window.csrkg.clearSelection(); window.csrkg.network.fit({animation: false}); }")
    spots = page.evaluate("""() => {
        const net = window.csrkg.network;
        const edge = window.csrkg.edges.get().find(e => e.label === "partnerOf");
        const p = net.getPositions([edge.from, edge.to]);
        const out = [];
        for (let i = 1; i < 20; i++) {
            const t = i / 20;
            const dom = net.canvasToDOM({x: p[edge.from].x + t * (p[edge.to].x - p[edge.from].x),
                                         y: p[edge.from].y + t * (p[edge.to].y - p[edge.from].y)});
            if (net.getEdgeAt(dom) === edge.id && net.getNodeAt(dom) == null) { out.push(dom); }
        }
        return out; }""")
    box = page.locator("#network").bounding_box()
    tooltips = []
    for spot in spots:  # a point on the edge that no node's label covers shows the edge's tooltip
        page.mouse.move(box["x"] + 2, box["y"] + box["height"] - 2)
        page.mouse.move(box["x"] + spot["x"], box["y"] + spot["y"])
        page.wait_for_selector("div.vis-tooltip", state="visible", timeout=5000)
        page.wait_for_timeout(100)
        tooltips.append(page.text_content("div.vis-tooltip"))
        if "磐石" in tooltips[-1]:
            break
    assert XSS_EVIDENCE.split("\u2028")[0] in tooltips[-1], tooltips
    assert page.evaluate("() => window.__xss") is None
    assert page.evaluate("() => document.querySelectorAll('img, iframe, svg[onload]').length") == 0
    assert page.evaluate("() => document.scripts.length") == 3
    assert "<b>esg</b>" in page.inner_text(".subtitle")
    watch.assert_clean()
    assert watch.requests == [path.as_uri()]
    page.close()


def test_3000_node_graph_stabilises_within_bound(browser, tmp_path):
    graph = big_graph(BIG_NODES)
    path = tmp_path / "big.html"
    started = time.perf_counter()
    render_html(graph, path, max_nodes=BIG_NODES)  # every node drawn: the layout itself is what is timed
    render_s = time.perf_counter() - started
    page, watch = open_view(browser, path.as_uri(), timeout_ms=STABLE_BOUND_MS)
    stable_ms = page.evaluate("() => window.__csrkgStableMs")
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "graph-3000.png"))
    select_ms = page.evaluate("""() => { const t = performance.now();
        window.csrkg.selectNode(window.csrkg.nodes.getIds()[0]); return Math.round(performance.now() - t); }""")
    TIMINGS.update(big_nodes=BIG_NODES, big_load_to_stable_ms=stable_ms, big_select_ms=select_ms,
                   big_render_s=round(render_s, 2))
    print(f"\n{BIG_NODES}-node graph: rendered in {render_s:.1f} s, load-to-stable {stable_ms} ms, "
          f"select+highlight {select_ms} ms")
    assert stable_ms < STABLE_BOUND_MS
    assert select_ms < 5000
    assert page.evaluate("() => window.csrkg.nodes.length") == len(entity_iris(graph)) == BIG_NODES
    page.wait_for_timeout(600)
    page.screenshot(path=str(ARTIFACTS / "graph-3000-selected.png"))
    watch.assert_clean()
    assert watch.requests == [path.as_uri()]
    page.close()


# ---------------------------------------------------------------- a corpus of 10,000 entities from a store

NODE_CLASS_VALUES = " ".join(f"<{getattr(CSR, name)}>" for name in
                             ("Company", "Subsidiary", "Partner", "Organization", "Fund", "Community", "Award", "Place"))


def _store_entities(store_dir: Path, year: str | None = None, company_slug: str | None = None) -> set[str]:
    """Entity IRIs in the report graphs of a year / company, by SPARQL on the store (not kg.selection)."""
    with open_store(store_dir, read_only=True) as store:
        reports = [r for r in store.reports() if (year is None or f"-{year}-" in r)
                   and (company_slug is None or f"/{company_slug}-" in r)]
        values = " ".join(f"<{r}>" for r in reports)
        rows = store.ox.query(f"SELECT DISTINCT ?e WHERE {{ VALUES ?g {{ {values} }} "
                              f"VALUES ?c {{ {NODE_CLASS_VALUES} }} GRAPH ?g {{ ?e a ?c }} }}")
        return {row["e"].value for row in rows}


@pytest.fixture(scope="module")
def corpus_view(browser, tmp_path_factory):
    """`csrkg view --store` of a generated 12-report corpus of 10,000 entities, open in the browser."""
    base = tmp_path_factory.mktemp("corpus-view")
    with open_store(base / "store") as store:
        store.put_report(corpus_graph(CORPUS_NODES))
    path = base / "corpus.html"
    started = time.perf_counter()
    assert main(["view", "--store", str(base / "store"), "-o", str(path)]) == 0
    render_s = time.perf_counter() - started
    opened = time.perf_counter()
    page, watch = open_view(browser, path.as_uri(), timeout_ms=STABLE_BOUND_MS)
    wall_ms = round(1000 * (time.perf_counter() - opened))
    TIMINGS.update(corpus_nodes=CORPUS_NODES, corpus_render_s=round(render_s, 1),
                   corpus_html_bytes=path.stat().st_size, corpus_open_to_stable_wall_ms=wall_ms,
                   corpus_load_to_stable_ms=page.evaluate("() => window.__csrkgStableMs"))
    print(f"\n{CORPUS_NODES}-node corpus: view written in {render_s:.1f} s, {path.stat().st_size / 1e6:.1f} MB, "
          f"load-to-stable {TIMINGS['corpus_load_to_stable_ms']} ms (wall {wall_ms} ms)")
    yield page, watch, path, base / "store"
    page.close()


def _view(page) -> dict:
    return page.evaluate("() => window.csrkg.view()")


def test_corpus_of_10000_nodes_draws_a_budget_and_clusters_the_rest(corpus_view):
    page, watch, path, _store = corpus_view
    assert 0 < TIMINGS["corpus_load_to_stable_ms"] < STABLE_BOUND_MS
    assert path.stat().st_size < 20_000_000  # every node, fact and evidence sentence is in the file
    view = _view(page)
    assert view["total"] == CORPUS_NODES
    assert view["drawn"] == MAX_DRAWN_NODES
    assert view["clusters"] > 1 and view["drawn"] + view["clustered"] == CORPUS_NODES
    assert page.evaluate("() => window.csrkg.nodes.length") == MAX_DRAWN_NODES + view["clusters"]
    assert page.is_visible("#view-note")
    assert page.inner_text("#view-note").startswith(f"showing {MAX_DRAWN_NODES} of {CORPUS_NODES} nodes")
    # the drawn nodes are the best connected: the four group companies (the hubs) are among them
    drawn = set(page.evaluate("() => window.csrkg.drawnEntityIds()"))
    hubs = page.evaluate("() => window.csrkg.data.nodes.slice().sort((a, b) => b.value - a.value).slice(0, 4)"
                         ".map(n => n.id)")
    assert set(hubs) <= drawn
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "graph-corpus-10000.png"))
    watch.assert_clean()
    assert watch.requests == [path.as_uri()]


def test_corpus_click_selects_a_node(corpus_view):
    page, watch, _path, _store = corpus_view
    page.click("#btn-clear")
    # a drawn entity that nothing covers at its centre once zoomed in on it
    hit = page.evaluate("""() => {
        const net = window.csrkg.network;
        for (const id of window.csrkg.drawnEntityIds()) {
            net.moveTo({position: net.getPositions([id])[id], scale: 2.0, animation: false});
            const dom = net.canvasToDOM(net.getPositions([id])[id]);
            if (net.getNodeAt(dom) === id) { return {id: id, x: dom.x, y: dom.y}; }
        }
        return null; }""")
    assert hit is not None
    box = page.locator("#network").bounding_box()
    started = time.perf_counter()
    page.mouse.click(box["x"] + hit["x"], box["y"] + hit["y"])
    page.wait_for_selector(f'#panel-body[data-node="{hit["id"]}"]', state="attached", timeout=10_000)
    click_ms = round(1000 * (time.perf_counter() - started))
    TIMINGS["corpus_click_to_panel_ms"] = click_ms
    assert page.evaluate("() => window.csrkg.network.getSelectedNodes()") == [hit["id"]]
    label = page.evaluate("id => window.csrkg.data.nodes.find(n => n.id === id).label", hit["id"])
    assert page.inner_text("#panel-body h2") == label
    page.click("#panel-close")
    watch.assert_clean()


def test_corpus_filter_changes_what_is_drawn(corpus_view):
    page, watch, _path, store = corpus_view
    page.evaluate("() => window.csrkg.network.fit({animation: false})")
    views = int(page.get_attribute("body", "data-view"))
    started = time.perf_counter()
    page.select_option("#filter-year", "2022")
    page.wait_for_selector(f'body[data-view="{views + 1}"]', state="attached", timeout=STABLE_BOUND_MS)
    TIMINGS["corpus_filter_to_stable_ms"] = round(1000 * (time.perf_counter() - started))
    year = _store_entities(store, year="2022")
    view = _view(page)
    assert view["total"] == len(year) < CORPUS_NODES
    drawn = set(page.evaluate("() => window.csrkg.drawnEntityIds()"))
    assert len(drawn) == min(len(year), MAX_DRAWN_NODES) and drawn <= year
    assert page.inner_text("#kpi-nodes") == str(len(year))
    assert page.inner_text("#filter-status").startswith("4 reports")
    # one company's 2022 report fits the budget: all of it is drawn, no cluster, no note
    slug, name = CORPUS_COMPANIES[0]
    page.select_option("#filter-company", name)
    page.wait_for_selector(f'body[data-view="{views + 2}"]', state="attached", timeout=STABLE_BOUND_MS)
    one = _store_entities(store, year="2022", company_slug=slug)
    assert len(one) < MAX_DRAWN_NODES
    assert set(page.evaluate("() => window.csrkg.drawnEntityIds()")) == one
    assert _view(page)["clusters"] == 0 and not page.is_visible("#view-note")
    assert page.evaluate("() => window.csrkg.nodes.length") == len(one)
    page.screenshot(path=str(ARTIFACTS / "graph-corpus-filtered.png"))
    # back to every report
    page.select_option("#filter-company", "")
    page.select_option("#filter-year", "")
    page.wait_for_selector(f'body[data-view="{views + 4}"]', state="attached", timeout=STABLE_BOUND_MS)
    assert _view(page)["total"] == CORPUS_NODES and _view(page)["drawn"] == MAX_DRAWN_NODES
    watch.assert_clean()


def test_corpus_search_draws_a_hidden_node_with_its_neighbours(corpus_view):
    page, watch, _path, _store = corpus_view
    target = page.evaluate("""() => {
        const drawn = new Set(window.csrkg.drawnEntityIds());
        const linked = new Set();
        window.csrkg.data.edges.forEach(e => { linked.add(e.from); linked.add(e.to); });
        const n = window.csrkg.data.nodes.find(n => !drawn.has(n.id) && linked.has(n.id) && n.label.includes("Fund"));
        return {id: n.id, label: n.label}; }""")
    neighbours = set(page.evaluate("""id => window.csrkg.data.edges.filter(e => e.from === id || e.to === id)
        .map(e => e.from === id ? e.to : e.from)""", target["id"]))
    assert neighbours
    page.fill("#search", target["label"])
    assert page.get_attribute("#search-results li >> nth=0", "data-node") == target["id"]
    page.press("#search", "Enter")
    assert page.evaluate("() => window.csrkg.network.getSelectedNodes()") == [target["id"]]
    drawn = set(page.evaluate("() => window.csrkg.drawnEntityIds()"))
    assert target["id"] in drawn and neighbours <= drawn
    assert page.evaluate("id => window.csrkg.nodes.get(id) !== null", target["id"])
    assert page.inner_text("#panel-body h2") == target["label"]
    page.wait_for_timeout(600)
    page.screenshot(path=str(ARTIFACTS / "graph-corpus-search.png"))
    watch.assert_clean()


def test_corpus_cluster_click_lists_its_members_and_draws_one(corpus_view):
    page, watch, _path, _store = corpus_view
    page.click("#btn-clear")
    spot = page.evaluate("""() => {
        const net = window.csrkg.network;
        const ids = window.csrkg.nodes.getIds().filter(id => id.startsWith("cluster:"));
        for (const id of ids) {
            net.moveTo({position: net.getPositions([id])[id], scale: 2.0, animation: false});
            const dom = net.canvasToDOM(net.getPositions([id])[id]);
            if (net.getNodeAt(dom) === id) { return {id: id, x: dom.x, y: dom.y}; }
        }
        return null; }""")
    assert spot is not None
    box = page.locator("#network").bounding_box()
    page.mouse.click(box["x"] + spot["x"], box["y"] + spot["y"])
    page.wait_for_selector(f'#panel-body[data-cluster="{spot["id"]}"]', state="attached", timeout=10_000)
    members = page.eval_on_selector_all("#panel-body .cluster-members .node-link", "els => els.map(e => e.dataset.node)")
    drawn = set(page.evaluate("() => window.csrkg.drawnEntityIds()"))
    assert members and not set(members) & drawn
    page.click(f'#panel-body .cluster-members .node-link[data-node="{members[0]}"]')
    assert page.evaluate("() => window.csrkg.network.getSelectedNodes()") == [members[0]]
    assert members[0] in set(page.evaluate("() => window.csrkg.drawnEntityIds()"))
    watch.assert_clean()

"""`csrkg serve`: the real HTTP server on 127.0.0.1 (free port), real worker processes, real Oxigraph.

One server (in a thread of this process) serves tests/data/serve_mini.ttl with a 1 s time limit, a 5-row
cap and a 64 KiB body limit; its query library is a copy of queries/*.rq plus one file with a hostile
header. Answers are checked against rdflib evaluating the same query on the same file.
"""
from __future__ import annotations

import csv
import http.client
import io
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import threading
import time
import xml.etree.ElementTree as ET
from pathlib import Path
from urllib.parse import quote, urlencode

import pytest
from rdflib import Graph, URIRef

from kg.serve import ServeConfig, SparqlServer, host_warning, make_server
from kg.serve_eval import DataSource
from kg.vocab import ONTOLOGY_FILE, ONTOLOGY_IRI, QUERIES_DIR

ROOT = Path(__file__).resolve().parent.parent
MINI = ROOT / "tests" / "data" / "serve_mini.ttl"
LABELS = """PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX csr: <https://w3id.org/csr-kg/ontology#>
SELECT ?s ?label WHERE { ?s a csr:Organization ; rdfs:label ?label } ORDER BY ?label"""
RUNAWAY = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l . ?m ?n1 ?o . ?p ?q ?r }"
HOSTILE_TITLE = '<script>alert("x")</script> & <b>bold</b>'
SRJ = "application/sparql-results+json"


# -----------------------------------------------------------------------------------------------------------
# fixtures and helpers


def _start(source: DataSource, config: ServeConfig) -> tuple[SparqlServer, threading.Thread]:
    server = make_server(source, config)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.1}, daemon=True)
    thread.start()
    return server, thread


def _stop(server: SparqlServer, thread: threading.Thread) -> None:
    server.shutdown()
    thread.join(5)
    server.close()


@pytest.fixture(scope="module")
def library_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    lib = tmp_path_factory.mktemp("serve-queries")
    for path in QUERIES_DIR.glob("*.rq"):
        shutil.copyfile(path, lib / path.name)
    (lib / "zz-hostile.rq").write_text(f"# title: {HOSTILE_TITLE}\nASK {{ ?s ?p ?o }}\n", encoding="utf-8")
    return lib


@pytest.fixture(scope="module")
def server(library_dir: Path):
    source = DataSource(graph_file=str(MINI), ontology_file=str(ONTOLOGY_FILE))
    config = ServeConfig(port=0, timeout=1.0, max_rows=5, workers=2, max_body=64 * 1024,
                         queries_dir=library_dir, quiet=True)
    srv, thread = _start(source, config)
    yield srv
    _stop(srv, thread)


class Answer:
    def __init__(self, status: int, headers: http.client.HTTPMessage, body: bytes) -> None:
        self.status, self.headers, self.body = status, headers, body

    @property
    def text(self) -> str:
        return self.body.decode("utf-8")

    def json(self) -> dict:
        return json.loads(self.body)


def call(srv: SparqlServer, method: str, path: str, body: bytes | None = None,
         headers: dict[str, str] | None = None) -> Answer:
    host, port = srv.server_address[:2]
    conn = http.client.HTTPConnection(host, port, timeout=15)
    try:
        conn.request(method, path, body=body, headers=headers or {})
        resp = conn.getresponse()
        return Answer(resp.status, resp.headers, resp.read())
    finally:
        conn.close()


def get(srv: SparqlServer, query: str, accept: str | None = None, **params: str) -> Answer:
    qs = urlencode({"query": query, **params})
    return call(srv, "GET", f"/sparql?{qs}", headers={"Accept": accept} if accept else {})


def post_form(srv: SparqlServer, params: dict[str, str], accept: str | None = None) -> Answer:
    headers = {"Content-Type": "application/x-www-form-urlencoded"}
    if accept:
        headers["Accept"] = accept
    return call(srv, "POST", "/sparql", urlencode(params).encode("utf-8"), headers)


def post_direct(srv: SparqlServer, query: str, accept: str | None = None, url_params: str = "") -> Answer:
    headers = {"Content-Type": "application/sparql-query; charset=utf-8"}
    if accept:
        headers["Accept"] = accept
    return call(srv, "POST", f"/sparql{url_params}", query.encode("utf-8"), headers)


def expected_labels() -> list[tuple[str, str]]:
    """rdflib's answer to LABELS on the same file: the reference the server must agree with."""
    graph = Graph().parse(MINI, format="turtle")
    return [(str(row.s), str(row.label)) for row in graph.query(LABELS)]


# -----------------------------------------------------------------------------------------------------------
# binding


def test_default_host_is_loopback_and_server_binds_there(server: SparqlServer) -> None:
    import argparse

    from kg.commands import serve as serve_command

    parser = argparse.ArgumentParser()
    serve_command.register(parser.add_subparsers())
    args = parser.parse_args(["serve", str(MINI)])
    assert args.host == "127.0.0.1" and args.port == 7878 and args.timeout == 10.0 and args.max_rows == 10000
    assert ServeConfig().host == "127.0.0.1"
    assert server.server_address[0] == "127.0.0.1"


@pytest.mark.parametrize("host", ["127.0.0.1", "localhost", "::1", "127.0.0.2"])
def test_no_warning_for_loopback(host: str) -> None:
    assert host_warning(host) is None


@pytest.mark.parametrize("host", ["0.0.0.0", "::", "192.168.1.20", "example.org"])
def test_warning_for_non_loopback(host: str) -> None:
    warning = host_warning(host)
    assert warning and "not on loopback" in warning and host in warning


def test_foreign_host_header_refused(server: SparqlServer) -> None:
    answer = call(server, "GET", "/", headers={"Host": "attacker.example:7878"})
    assert answer.status == 403 and "Host" in answer.text
    assert call(server, "GET", "/", headers={"Host": f"localhost:{server.server_address[1]}"}).status == 200


# -----------------------------------------------------------------------------------------------------------
# the protocol and the result formats


def test_get_json_matches_rdflib(server: SparqlServer) -> None:
    answer = get(server, LABELS, accept=SRJ)
    assert answer.status == 200
    assert answer.headers["Content-Type"].startswith(SRJ)
    data = answer.json()
    assert data["head"]["vars"] == ["s", "label"]
    rows = [(b["s"]["value"], b["label"]["value"]) for b in data["results"]["bindings"]]
    assert rows == expected_labels() and len(rows) == 3
    assert all(b["label"]["xml:lang"] == "zh" and b["s"]["type"] == "uri" for b in data["results"]["bindings"])
    assert answer.headers["X-CSRKG-Truncated"] == "false"


def test_no_accept_gives_json(server: SparqlServer) -> None:
    answer = get(server, LABELS)
    assert answer.status == 200 and answer.headers["Content-Type"].startswith(SRJ)


def test_post_form_csv(server: SparqlServer) -> None:
    answer = post_form(server, {"query": LABELS}, accept="text/csv")
    assert answer.status == 200
    assert answer.headers["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(answer.text)))
    assert rows[0] == ["s", "label"]
    assert [tuple(r) for r in rows[1:]] == expected_labels()


def test_post_direct_tsv(server: SparqlServer) -> None:
    answer = post_direct(server, LABELS, accept="text/tab-separated-values")
    assert answer.status == 200
    assert answer.headers["Content-Type"].startswith("text/tab-separated-values")
    lines = answer.text.splitlines()
    assert lines[0] == "?s\t?label"
    expected = [f"<{s}>\t\"{label}\"@zh" for s, label in expected_labels()]
    assert lines[1:] == expected


def test_post_form_xml(server: SparqlServer) -> None:
    answer = post_form(server, {"query": LABELS}, accept="application/sparql-results+xml")
    assert answer.status == 200
    assert answer.headers["Content-Type"].startswith("application/sparql-results+xml")
    ns = {"r": "http://www.w3.org/2005/sparql-results#"}
    root = ET.fromstring(answer.body)
    assert [v.get("name") for v in root.findall("r:head/r:variable", ns)] == ["s", "label"]
    labels = [el.text for el in root.findall("r:results/r:result/r:binding[@name='label']/r:literal", ns)]
    assert labels == [label for _, label in expected_labels()]


def test_ask_in_each_format(server: SparqlServer) -> None:
    query = 'ASK { ?s <http://www.w3.org/2000/01/rdf-schema#label> "杭州"@zh }'
    assert get(server, query, accept=SRJ).json()["boolean"] is True
    assert "<boolean>true</boolean>" in get(server, query, accept="application/sparql-results+xml").text
    assert get(server, query.replace("杭州", "苏州"), accept=SRJ).json()["boolean"] is False


def test_construct_turtle_and_ntriples(server: SparqlServer) -> None:
    query = """PREFIX csr: <https://w3id.org/csr-kg/ontology#>
CONSTRUCT { ?child csr:subsidiaryOf ?parent } WHERE { ?child csr:subsidiaryOf ?parent }"""
    expected = {(URIRef("https://w3id.org/csr-kg/resource/org/b2b2b2b2b2b2"),
                 URIRef("https://w3id.org/csr-kg/ontology#subsidiaryOf"),
                 URIRef("https://w3id.org/csr-kg/resource/org/a1a1a1a1a1a1"))}
    turtle = get(server, query, accept="text/turtle")
    assert turtle.status == 200 and turtle.headers["Content-Type"].startswith("text/turtle")
    assert set(Graph().parse(data=turtle.text, format="turtle")) == expected
    nt = post_direct(server, query, accept="application/n-triples")
    assert nt.status == 200 and nt.headers["Content-Type"].startswith("application/n-triples")
    assert set(Graph().parse(data=nt.text, format="nt")) == expected
    # a browser-like Accept still gets Turtle for a graph result
    assert get(server, query, accept="text/html,*/*;q=0.8").headers["Content-Type"].startswith("text/turtle")


def test_negotiation_and_format_parameter(server: SparqlServer) -> None:
    # q-values decide
    answer = get(server, LABELS, accept="text/csv;q=0.4, text/tab-separated-values;q=0.9")
    assert answer.headers["Content-Type"].startswith("text/tab-separated-values")
    # `format` overrides Accept
    answer = get(server, LABELS, accept=SRJ, format="csv")
    assert answer.headers["Content-Type"].startswith("text/csv")
    # nothing acceptable, or a format that does not fit the query form: 406 with what is offered
    answer = get(server, LABELS, accept="image/png")
    assert answer.status == 406 and "application/sparql-results+json" in answer.text
    answer = get(server, "CONSTRUCT WHERE { ?s ?p ?o }", format="csv")
    assert answer.status == 406 and "turtle" in answer.text
    assert get(server, LABELS, format="pdf").status == 400


def test_default_and_named_graph_parameters(server: SparqlServer) -> None:
    count_classes = ("SELECT (COUNT(DISTINCT ?c) AS ?n) WHERE { ?c a <http://www.w3.org/2002/07/owl#Class> }")
    count_reports = "SELECT (COUNT(*) AS ?n) WHERE { ?r a <https://w3id.org/csr-kg/ontology#Report> }"

    def number(answer: Answer) -> int:
        assert answer.status == 200, answer.text
        return int(answer.json()["results"]["bindings"][0]["n"]["value"])

    # by default: the union of the data (default graph) and the ontology (its named graph)
    assert number(get(server, count_reports)) == 1
    assert number(get(server, count_classes)) > 5
    # default-graph-uri restricts the default graph to the ontology graph
    assert number(get(server, count_reports, **{"default-graph-uri": str(ONTOLOGY_IRI)})) == 0
    assert number(get(server, count_classes, **{"default-graph-uri": str(ONTOLOGY_IRI)})) > 5
    # so does a FROM clause in the query (the union is then not imposed)
    from_onto = count_reports.replace(" WHERE", f" FROM <{ONTOLOGY_IRI}> WHERE")
    assert number(get(server, from_onto)) == 0
    assert number(get(server, count_classes.replace(" WHERE", f" FROM <{ONTOLOGY_IRI}> WHERE"))) > 5
    # named-graph-uri restricts what GRAPH ?g sees (also as URL parameter of a direct POST)
    graphs = "SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } }"
    named = get(server, graphs, **{"named-graph-uri": "http://example.org/none"}).json()
    assert named["results"]["bindings"] == []
    named = post_direct(server, graphs, url_params="?" + urlencode({"named-graph-uri": str(ONTOLOGY_IRI)})).json()
    assert [b["g"]["value"] for b in named["results"]["bindings"]] == [str(ONTOLOGY_IRI)]
    bad = get(server, count_reports, **{"default-graph-uri": "not an iri"})
    assert bad.status == 400 and "default-graph-uri" in bad.text


def test_row_cap_truncates_and_says_so(server: SparqlServer) -> None:
    answer = get(server, "SELECT * WHERE { ?s ?p ?o }", accept=SRJ)
    assert answer.status == 200
    assert len(answer.json()["results"]["bindings"]) == 5
    assert answer.headers["X-CSRKG-Truncated"] == "true" and answer.headers["X-CSRKG-Max-Rows"] == "5"
    csv_rows = list(csv.reader(io.StringIO(get(server, "SELECT * WHERE { ?s ?p ?o }", accept="text/csv").text)))
    assert len(csv_rows) == 1 + 5
    graph = get(server, "CONSTRUCT WHERE { ?s ?p ?o }", accept="application/n-triples")
    assert graph.headers["X-CSRKG-Truncated"] == "true" and len(graph.text.splitlines()) == 5


# -----------------------------------------------------------------------------------------------------------
# read-only and safe


@pytest.mark.parametrize(
    "update",
    [
        "INSERT DATA { <http://example.org/a> <http://example.org/b> <http://example.org/c> }",
        "PREFIX ex: <http://example.org/>\nDELETE WHERE { ?s ?p ?o }",
        "LOAD <http://example.org/data.ttl>",
        "CLEAR ALL",
        "DROP GRAPH <https://w3id.org/csr-kg/ontology>",
        "CREATE GRAPH <http://example.org/g>",
        "COPY DEFAULT TO <http://example.org/g>",
    ],
)
def test_update_in_query_parameter_refused(server: SparqlServer, update: str) -> None:
    for answer in (get(server, update), post_form(server, {"query": update}), post_direct(server, update)):
        assert answer.status == 403
        assert "read-only" in answer.text


def test_update_parameter_and_update_body_refused(server: SparqlServer) -> None:
    update = "INSERT DATA { <http://example.org/a> <http://example.org/b> <http://example.org/c> }"
    assert post_form(server, {"update": update}).status == 403
    answer = call(server, "GET", "/sparql?" + urlencode({"update": update}))
    assert answer.status == 403 and "update" in answer.text
    # smuggled next to a harmless query
    assert post_form(server, {"query": LABELS, "update": update}).status == 403
    answer = call(server, "POST", "/sparql", update.encode(), {"Content-Type": "application/sparql-update"})
    assert answer.status == 403 and "read-only" in answer.text
    # and the data is untouched
    assert get(server, "ASK { <http://example.org/a> ?p ?o }").json()["boolean"] is False


@pytest.mark.parametrize(
    "query",
    [
        "SELECT * WHERE { SERVICE <http://example.org/sparql> { ?s ?p ?o } }",
        "select * where { service silent <http://127.0.0.1:1/sparql> { ?s ?p ?o } }",
        "SELECT * WHERE { ?s ?p ?o FILTER EXISTS { SERVICE <http://example.org/sparql> { ?s ?p ?o } } }",
        "SELECT * WHERE { { SELECT ?s WHERE { SERVICE ?endpoint { ?s ?p ?o } } } }",
        "ASK { OPTIONAL { SERVICE <http://example.org/sparql> { ?s ?p ?o } } }",
    ],
)
def test_service_refused(server: SparqlServer, query: str) -> None:
    answer = get(server, query)
    assert answer.status == 400
    assert "SERVICE" in answer.text


def test_service_as_a_word_is_not_refused(server: SparqlServer) -> None:
    """The check reads the parse tree: the word in a literal or a variable name is fine."""
    answer = get(server, 'SELECT ?service WHERE { BIND("SERVICE <http://example.org/>" AS ?service) }')
    assert answer.status == 200
    assert answer.json()["results"]["bindings"][0]["service"]["value"].startswith("SERVICE")


def test_bad_query_gives_400_with_parse_error(server: SparqlServer) -> None:
    answer = get(server, "SELECT * WHERE { ?s ?p }")
    assert answer.status == 400
    assert "syntax error" in answer.text and "line:1" in answer.text
    assert call(server, "GET", "/sparql").status == 400  # no query at all
    assert call(server, "GET", "/sparql?" + urlencode([("query", LABELS), ("query", LABELS)])).status == 400


def test_body_limits_and_content_types(server: SparqlServer) -> None:
    big = "SELECT * WHERE { ?s ?p ?o } #" + "x" * (70 * 1024)
    answer = post_direct(server, big)
    assert answer.status == 413 and "too large" in answer.text
    answer = call(server, "POST", "/sparql", b"<x/>", {"Content-Type": "application/xml"})
    assert answer.status == 415
    answer = call(server, "POST", "/sparql", b"\xff\xfe", {"Content-Type": "application/sparql-query"})
    assert answer.status == 400
    assert get(server, LABELS).status == 200  # still serving


def test_runaway_query_times_out_and_server_recovers(server: SparqlServer) -> None:
    started = time.monotonic()
    answer = get(server, RUNAWAY)
    elapsed = time.monotonic() - started
    assert answer.status == 503
    assert "timed out" in answer.text and "1 s" in answer.text
    assert elapsed < 4
    # both worker slots answer again (one of them is the fresh replacement)
    for _ in range(4):
        answer = get(server, LABELS, accept=SRJ)
        assert answer.status == 200 and len(answer.json()["results"]["bindings"]) == 3


def test_concurrent_runaway_does_not_block_a_small_query(server: SparqlServer) -> None:
    results: list[Answer] = []
    slow = threading.Thread(target=lambda: results.append(get(server, RUNAWAY)))
    slow.start()
    time.sleep(0.2)
    started = time.monotonic()
    quick = get(server, LABELS)
    assert quick.status == 200 and time.monotonic() - started < 0.9
    slow.join(10)
    assert results and results[0].status == 503


# -----------------------------------------------------------------------------------------------------------
# the page and the query library


def test_page_lists_library_and_escapes(server: SparqlServer, library_dir: Path) -> None:
    answer = call(server, "GET", "/")
    assert answer.status == 200 and answer.headers["Content-Type"].startswith("text/html")
    csp = answer.headers["Content-Security-Policy"]
    assert "default-src 'none'" in csp
    page = answer.text
    assert '<textarea id="query" name="query"' in page
    for fmt in ("json", "csv", "tsv", "xml", "turtle", "ntriples"):
        assert f'<option value="{fmt}">' in page
    # every library query with its title (the real ones, copied, plus the hostile one)
    from kg.query import library

    names = [q.name for q in library(QUERIES_DIR)]
    assert len(names) >= 10
    for query in library(QUERIES_DIR):
        assert f'data-query="{query.name}"' in page
        assert query.title.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;") in page
    # the hostile title is escaped, never markup
    assert "<script>alert" not in page and "<b>bold</b>" not in page
    assert "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt; &amp; &lt;b&gt;bold&lt;/b&gt;" in page
    # self-contained: inline scripts and styles carry the CSP nonce, nothing is loaded from elsewhere
    nonce = re.search(r"'nonce-([^']+)'", csp).group(1)
    assert page.count(f'<script nonce="{nonce}">') == 1 and page.count("<script") == 1
    assert not re.search(r"""(src|href)\s*=\s*["']?(https?:)?//""", page)
    assert "<link" not in page


def test_library_query_text(server: SparqlServer, library_dir: Path) -> None:
    for path in sorted(QUERIES_DIR.glob("*.rq")):
        answer = call(server, "GET", f"/queries/{path.stem}")
        assert answer.status == 200 and answer.body == path.read_bytes()
    assert call(server, "GET", "/queries/funds.rq").status == 200
    for bad in ("nope", "..%2Fserve_mini.ttl", "../../kg/serve.py", "%2E%2E%2Fzz-hostile"):
        assert call(server, "GET", f"/queries/{bad}").status == 404
    assert call(server, "GET", "/elsewhere").status == 404
    assert call(server, "POST", "/", b"", {"Content-Type": "text/plain"}).status == 405


def test_every_library_query_runs(server: SparqlServer) -> None:
    """The bundled queries go through the endpoint (guard, Oxigraph, serialisation) without an error."""
    paths = sorted(QUERIES_DIR.glob("*.rq"))
    assert paths, "the query library is empty"
    for path in paths:
        answer = post_direct(server, path.read_text(encoding="utf-8"), accept=SRJ)
        assert answer.status == 200, f"{path.name}: {answer.status} {answer.text}"
        data = answer.json()
        assert "boolean" in data or "results" in data


# -----------------------------------------------------------------------------------------------------------
# an on-disk store, and the command line


def test_store_is_served_read_only(tmp_path: Path) -> None:
    from kg.store import open_store

    store_dir = tmp_path / "store"
    with open_store(store_dir) as store:
        store.put_report(Graph().parse(MINI, format="turtle"))
    srv, thread = _start(DataSource(store_dir=str(store_dir)), ServeConfig(port=0, workers=1, quiet=True))
    try:
        data = get(srv, LABELS, accept=SRJ).json()  # one named graph per report: the union is queried
        assert [(b["s"]["value"], b["label"]["value"]) for b in data["results"]["bindings"]] == expected_labels()
        reports = "SELECT DISTINCT ?g WHERE { GRAPH ?g { ?r a <https://w3id.org/csr-kg/ontology#Report> } }"
        graphs = [b["g"]["value"] for b in get(srv, reports).json()["results"]["bindings"]]
        assert graphs == ["https://w3id.org/csr-kg/resource/report/hexin-2024-csr"]
        assert get(srv, "CLEAR ALL").status == 403
    finally:
        _stop(srv, thread)
    with open_store(store_dir, read_only=True) as store:  # nothing was changed
        assert store.reports() == ["https://w3id.org/csr-kg/resource/report/hexin-2024-csr"]


def test_bad_data_is_a_one_line_error(tmp_path: Path) -> None:
    from extract.errors import CsrKgError

    broken = tmp_path / "broken.ttl"
    broken.write_text("@prefix ex: <http://example.org/> .\nex:a ex:b .\n", encoding="utf-8")
    with pytest.raises(CsrKgError, match=r"\[E101\]"):
        make_server(DataSource(graph_file=str(broken)), ServeConfig(port=0, workers=1, quiet=True))


def _children(pid: int) -> list[int]:
    """The process ids whose parent is ``pid`` (from /proc)."""
    out = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == pid:
            out.append(int(stat.parent.name))
    return out


CLI = """
import argparse, sys
from kg.commands import serve
parser = argparse.ArgumentParser(prog="csrkg")
serve.register(parser.add_subparsers())
args = parser.parse_args(sys.argv[1:])
sys.exit(args.func(args))
"""


def test_command_line_serves_and_stops_cleanly() -> None:
    """`csrkg serve GRAPH --port 0`: announces its URL on stderr, answers, stops on SIGTERM, leaves no worker."""
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")]))}
    proc = subprocess.Popen(
        [sys.executable, "-c", CLI, "serve", str(MINI), "--port", "0", "--max-rows", "2", "--quiet"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env,
    )
    try:
        line = proc.stderr.readline()
        match = re.search(r"http://127\.0\.0\.1:(\d+)/sparql", line)
        assert match, line
        assert "warning" not in line
        conn = http.client.HTTPConnection("127.0.0.1", int(match.group(1)), timeout=10)
        conn.request("GET", "/sparql?query=" + quote("SELECT * WHERE { ?s ?p ?o }"), headers={"Accept": "text/csv"})
        resp = conn.getresponse()
        assert resp.status == 200 and resp.getheader("X-CSRKG-Truncated") == "true"
        assert len(resp.read().decode().splitlines()) == 3
        conn.close()
        children = _children(proc.pid)
        assert len(children) == 2  # the default two workers
        for pid in children:  # each under the default memory limit
            assert _address_space_limit(pid) == str(2048 * 1024 * 1024)
        proc.send_signal(signal.SIGTERM)
        assert proc.wait(10) == 0
        assert proc.stdout.read() == ""  # stdout is for data: the server writes none
        for pid in children:
            assert not Path(f"/proc/{pid}").exists() or "zombie" in Path(f"/proc/{pid}/status").read_text().lower()
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()


# -----------------------------------------------------------------------------------------------------------
# the memory limit (RLIMIT_AS of each worker)

# Oxigraph builds a 256 MB string (and keeps the halves it was built from): ~800 MB more than the worker's
# baseline, allocated in native code, which aborts the worker when the allocation fails
NATIVE_HOG = "SELECT (STRLEN(?s24) AS ?n) WHERE { BIND(\"0123456789abcdef\" AS ?s0) %s }" % " ".join(
    f"BIND(CONCAT(?s{i}, ?s{i}) AS ?s{i + 1})" for i in range(24)
)
# 200 rows of a 1 MB string each: cheap for Oxigraph (row by row), but the worker holds all 200 MB of them in
# Python and then serialises them (json.dumps needs as much again): a MemoryError in Python, not an abort
PYTHON_HOG = "SELECT ?k ?s16 WHERE { VALUES ?k { %s } BIND(\"0123456789abcdef\" AS ?s0) %s }" % (
    " ".join(str(k) for k in range(200)),
    " ".join(f"BIND(CONCAT(?s{i}, ?s{i}) AS ?s{i + 1})" for i in range(16)),
)
HEADROOM_MB = 300  # what a query may allocate above the worker's baseline in the memory tests


def _proc_status(pid: int, field: str) -> int:
    """A kB field of /proc/PID/status (VmSize, VmRSS, ...), in MiB."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1]) // 1024
    raise KeyError(field)


def _address_space_limit(pid: int) -> str:
    """The soft 'Max address space' of /proc/PID/limits ('unlimited' or bytes)."""
    for line in Path(f"/proc/{pid}/limits").read_text().splitlines():
        if line.startswith("Max address space"):
            return line.split()[3]
    raise KeyError("Max address space")


def _worker_pids(srv: SparqlServer) -> set[int]:
    return {worker.process.pid for worker in srv.pool._all}


@pytest.fixture(scope="module")
def mini_store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from kg.store import open_store

    store_dir = tmp_path_factory.mktemp("serve-store") / "store"
    with open_store(store_dir) as store:
        store.put_report(Graph().parse(MINI, format="turtle"))
    return store_dir


@pytest.fixture(scope="module")
def worker_baseline_mb(mini_store: Path) -> int:
    """The address space (VSZ) of a store worker before any query, from a server without a memory limit.

    The same server shows that NATIVE_HOG is a valid query that succeeds when nothing stops it.
    """
    srv, thread = _start(DataSource(store_dir=str(mini_store)),
                         ServeConfig(port=0, workers=1, timeout=30, memory_limit_mb=0, quiet=True))
    try:
        (pid,) = _worker_pids(srv)
        assert _address_space_limit(pid) == "unlimited"
        baseline = _proc_status(pid, "VmSize")
        answer = get(srv, NATIVE_HOG, accept=SRJ)
        assert answer.status == 200, answer.text
        assert answer.json()["results"]["bindings"][0]["n"]["value"] == str(16 * 2**24)
        assert _proc_status(pid, "VmPeak") > baseline + HEADROOM_MB + 300  # it really needs far more
    finally:
        _stop(srv, thread)
    return baseline


def _assert_memory_stop(mini_store: Path, baseline_mb: int, query: str) -> None:
    """A server with one worker limited to its baseline + HEADROOM_MB: ``query`` is stopped with 503 and
    X-CSRKG-Limit: memory, its worker replaced, and the next query answered (by the replacement).

    The server starts here, not in a fixture, so that its workers inherit the stderr that capfd captures.
    """
    limit = baseline_mb + HEADROOM_MB
    srv, thread = _start(DataSource(store_dir=str(mini_store)),
                         ServeConfig(port=0, workers=1, timeout=30, memory_limit_mb=limit, quiet=True))
    try:
        _check_memory_stop(srv, query)
    finally:
        _stop(srv, thread)


def _check_memory_stop(srv: SparqlServer, query: str) -> None:
    before = _worker_pids(srv)
    (pid,) = before
    limit = srv.config.memory_limit_mb
    assert _address_space_limit(pid) == str(limit * 1024 * 1024)
    answer = get(srv, query, accept=SRJ)
    assert answer.status == 503, answer.text
    assert answer.headers["X-CSRKG-Limit"] == "memory"
    assert f"memory than the limit of {limit} MB" in answer.text
    after = _worker_pids(srv)
    assert len(after) == 1 and after != before  # replaced ...
    assert not Path(f"/proc/{pid}").exists()  # ... and the old one reaped
    answer = get(srv, LABELS, accept=SRJ)  # served by the new worker, under the same limit
    assert answer.status == 200
    assert [(b["s"]["value"], b["label"]["value"]) for b in answer.json()["results"]["bindings"]] == expected_labels()
    assert _address_space_limit(next(iter(_worker_pids(srv)))) == str(limit * 1024 * 1024)


def test_memory_limit_stops_a_native_allocation_and_the_endpoint_recovers(
        mini_store: Path, worker_baseline_mb: int, capfd: pytest.CaptureFixture[str]) -> None:
    _assert_memory_stop(mini_store, worker_baseline_mb, NATIVE_HOG)
    assert "memory allocation of" in capfd.readouterr().err  # Rust's message before it aborted the worker


def test_memory_limit_stops_a_python_memory_error_and_the_endpoint_recovers(
        mini_store: Path, worker_baseline_mb: int, capfd: pytest.CaptureFixture[str]) -> None:
    _assert_memory_stop(mini_store, worker_baseline_mb, PYTHON_HOG)
    assert "memory allocation of" not in capfd.readouterr().err  # the worker caught a MemoryError and answered


def test_timeout_says_which_limit(server: SparqlServer) -> None:
    answer = get(server, RUNAWAY)
    assert answer.status == 503 and answer.headers["X-CSRKG-Limit"] == "time"
    assert get(server, LABELS).headers.get("X-CSRKG-Limit") is None


def test_memory_limit_too_small_to_open_the_data_is_a_one_line_error(mini_store: Path) -> None:
    from extract.errors import CsrKgError

    with pytest.raises(CsrKgError, match=r"\[E101\] .*out of memory while opening the data: the memory limit of 64 MB"):
        make_server(DataSource(store_dir=str(mini_store)),
                    ServeConfig(port=0, workers=1, memory_limit_mb=64, quiet=True))


def test_memory_limit_option() -> None:
    import argparse

    from kg.commands import serve as serve_command

    parser = argparse.ArgumentParser()
    serve_command.register(parser.add_subparsers())
    assert parser.parse_args(["serve", str(MINI)]).memory_limit == ServeConfig().memory_limit_mb == 2048
    assert parser.parse_args(["serve", str(MINI), "--memory-limit", "0"]).memory_limit == 0
    with pytest.raises(SystemExit):
        parser.parse_args(["serve", str(MINI), "--memory-limit", "-1"])


# -----------------------------------------------------------------------------------------------------------
# a store written while it is served

STORE_MINI = ROOT / "tests" / "data" / "store_mini.ttl"
STORE_MINI_B = ROOT / "tests" / "data" / "store_mini_b.ttl"
REPORTS = "SELECT ?r WHERE { GRAPH ?r { ?r a <https://w3id.org/csr-kg/ontology#Report> } } ORDER BY ?r"
R2024 = "https://w3id.org/csr-kg/resource/report/changqing-2024-csr"
R2025 = "https://w3id.org/csr-kg/resource/report/changqing-2025-csr"


def _csrkg(*args: str) -> subprocess.CompletedProcess[str]:
    """The real command line in its own process, as a user would run it next to the server."""
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")]))}
    return subprocess.run([sys.executable, "-m", "kg", *args], capture_output=True, text=True, env=env, timeout=120)


def _served_reports(srv: SparqlServer, times: int) -> list[list[str]]:
    """The reports the endpoint sees, asked ``times`` times in a row (the idle workers take turns)."""
    out = []
    for _ in range(times):
        answer = get(srv, REPORTS, accept=SRJ)
        assert answer.status == 200, answer.text
        out.append([b["r"]["value"] for b in answer.json()["results"]["bindings"]])
    return out


@pytest.fixture
def store_server(tmp_path: Path):
    """Two workers serving a fresh store that holds the 2024 report."""
    store_dir = tmp_path / "store"
    assert _csrkg("load", str(STORE_MINI), "--store", str(store_dir)).returncode == 0
    srv, thread = _start(DataSource(store_dir=str(store_dir)), ServeConfig(port=0, workers=2, quiet=True))
    yield srv, store_dir
    _stop(srv, thread)


def test_store_served_sees_load_and_remove_without_restart(store_server) -> None:
    srv, store_dir = store_server
    workers = _worker_pids(srv)
    assert _served_reports(srv, 4) == [[R2024]] * 4
    done = _csrkg("load", str(STORE_MINI_B), "--store", str(store_dir))
    assert done.returncode == 0, done.stderr
    assert _served_reports(srv, 4) == [[R2024, R2025]] * 4  # both workers reopened
    done = _csrkg("remove", "changqing-2024-csr", "--store", str(store_dir))
    assert done.returncode == 0, done.stderr
    assert _served_reports(srv, 4) == [[R2025]] * 4
    assert _worker_pids(srv) == workers  # reopened in place: no worker was restarted


def _deleted_files_open(pid: int, directory: Path) -> list[str]:
    """The files of ``directory`` that process ``pid`` holds open although they have been deleted."""
    out = []
    for fd in Path(f"/proc/{pid}/fd").iterdir():
        try:
            target = os.readlink(fd)
        except OSError:
            continue
        if target.startswith(f"{directory}/") and target.endswith(" (deleted)"):
            out.append(target)
    return out


def test_store_served_lets_go_of_the_old_store_after_writes(store_server) -> None:
    """A reopened worker closes the instance it replaced: the files the writers delete (compaction) are not held."""
    srv, store_dir = store_server
    for _ in range(2):
        assert _csrkg("load", str(STORE_MINI_B), "--store", str(store_dir)).returncode == 0
        assert _served_reports(srv, 2) == [[R2024, R2025]] * 2
        assert _csrkg("remove", "changqing-2025-csr", "--store", str(store_dir)).returncode == 0
        assert _served_reports(srv, 2) == [[R2024]] * 2
    for pid in _worker_pids(srv):
        assert _deleted_files_open(pid, store_dir.resolve()) == []


def test_store_served_keeps_its_data_while_a_write_runs(store_server) -> None:
    """A writer that holds the store (between open and close) is not read half-way: the old data is served."""
    from kg.store import open_store

    srv, store_dir = store_server
    writer = open_store(store_dir)
    try:
        writer.put_report(Graph().parse(STORE_MINI_B, format="turtle"))  # written and flushed, not yet closed
        assert _served_reports(srv, 4) == [[R2024]] * 4
    finally:
        writer.close()
    assert _served_reports(srv, 4) == [[R2024, R2025]] * 4


WRITER_THAT_DIES = """
import os, sys
from rdflib import Graph
from kg.store import open_store
store = open_store(sys.argv[1])
store.put_report(Graph().parse(sys.argv[2], format="turtle"))
os._exit(3)  # dies without close(): the marker still says 'writing'
"""


def test_store_served_is_not_frozen_by_a_writer_that_died(store_server) -> None:
    from kg.store import read_generation

    srv, store_dir = store_server
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")]))}
    died = subprocess.run([sys.executable, "-c", WRITER_THAT_DIES, str(store_dir), str(STORE_MINI_B)],
                          capture_output=True, text=True, env=env, timeout=120)
    assert died.returncode == 3, died.stderr
    marker = read_generation(store_dir)
    assert marker.writing and marker.settled  # its writer is gone
    assert _served_reports(srv, 4) == [[R2024, R2025]] * 4

"""Nothing csr-kg does reaches the network (issue 11, point 6): the tests' own guard (tests/netguard.py, on for
every test by conftest.py) blocks what it must and lets local servers work; the CLI's build, query and export
run offline in a child process under the same guard; ``csrkg query`` refuses the SPARQL that would fetch
from elsewhere (SERVICE, FROM / FROM NAMED with rdflib, LOAD), as ``csrkg serve`` does."""
from __future__ import annotations

import socket
import subprocess
import sys
import threading
from pathlib import Path

import pytest

import netguard
from kg.cli import main

ROOT = Path(__file__).resolve().parent.parent
DATA = Path(__file__).parent / "data"
MINI = DATA / "store_mini.ttl"

REPORT = """松涛能源集团有限公司2023年社会责任报告
松涛能源集团有限公司（以下简称“集团”）与北辰大学共同设立松涛绿色发展基金，规模2亿元。
集团荣获“年度绿色企业奖”。
"""


# --- the guard -------------------------------------------------------------------------------------------


@pytest.mark.parametrize("call", [
    lambda: socket.create_connection(("192.0.2.1", 80), timeout=2),  # TEST-NET-1: routable, never answered
    lambda: socket.getaddrinfo("example.org", 443),
    lambda: socket.gethostbyname("example.org"),
    lambda: socket.socket(socket.AF_INET6, socket.SOCK_STREAM).connect_ex(("2001:db8::1", 80, 0, 0)),
    lambda: socket.socket(socket.AF_INET, socket.SOCK_DGRAM).sendto(b"x", ("198.51.100.7", 53)),
])
def test_guard_blocks_other_machines(call) -> None:
    with pytest.raises(netguard.NetworkBlocked):
        call()
    assert netguard.refused  # also recorded: no_network would fail a test that swallowed the error
    netguard.refused.clear()


def test_guard_lets_loopback_and_unix_sockets_work() -> None:
    with socket.create_server(("127.0.0.1", 0)) as server:
        port = server.getsockname()[1]
        threading.Thread(target=lambda: server.accept()[0].sendall(b"ok"), daemon=True).start()
        with socket.create_connection(("localhost", port), timeout=5) as client:
            assert client.recv(2) == b"ok"
    left, right = socket.socketpair(socket.AF_UNIX)
    with left, right:
        left.sendall(b"hi")
        assert right.recv(2) == b"hi"
    assert socket.getaddrinfo("localhost", 80) and socket.getaddrinfo("::1", 80)
    assert not netguard.refused


@pytest.mark.parametrize("host, local", [
    ("127.0.0.1", True), ("127.8.9.10", True), ("::1", True), ("[::1]", True), ("::ffff:127.0.0.1", True),
    ("localhost", True), ("LOCALHOST", True), (None, True), (b"127.0.0.1", True),
    ("0.0.0.0", False), ("10.0.0.1", False), ("8.8.8.8", False), ("example.org", False), ("localhost.example.org", False),
])
def test_what_counts_as_local(host, local: bool) -> None:
    assert netguard.is_local_host(host) is local


def test_child_process_guard_ends_a_child_that_swallows_the_error(offline_env: dict[str, str]) -> None:
    """The sitecustomize copy of the guard in a child: it exits 97, even if the child catches the error."""
    script = ("import socket\ntry:\n    socket.create_connection(('192.0.2.1', 80), timeout=2)\nexcept Exception:\n"
              "    pass\nprint('carried on')\n")
    proc = subprocess.run([sys.executable, "-c", script], env=offline_env, capture_output=True, text=True, timeout=60)
    assert proc.returncode == netguard.EXIT_CODE, proc.stderr
    assert "carried on" not in proc.stdout and "192.0.2.1" in proc.stderr


def test_cli_build_query_export_run_offline(offline_env: dict[str, str], tmp_path: Path) -> None:
    """build (with the HTML view), query and export in child processes under the guard: all succeed."""
    report = tmp_path / "songtao-2023.txt"
    report.write_text(REPORT, encoding="utf-8")
    out = tmp_path / "out"

    def csrkg(*args: str) -> subprocess.CompletedProcess[str]:
        proc = subprocess.run([sys.executable, "-m", "kg", *args], env=offline_env, capture_output=True, text=True,
                              timeout=180, cwd=tmp_path)
        assert proc.returncode == 0, f"csrkg {args[0]}: exit {proc.returncode}: {proc.stderr}"
        return proc

    csrkg("build", str(report), "-o", str(out), "--quiet")
    assert (out / "graph.html").is_file()
    answer = csrkg("query", str(out / "graph.ttl"), "funds", "--format", "csv")
    assert "松涛绿色发展基金" in answer.stdout
    csrkg("export", str(out / "graph.ttl"), "--format", "nt", "-o", str(tmp_path / "graph.nt"))
    assert (tmp_path / "graph.nt").stat().st_size > 0


# --- csrkg query refuses what would fetch from elsewhere ---------------------------------------------------

SERVICE = "SELECT * WHERE { SERVICE <http://example.org/sparql> { ?s ?p ?o } }"
REFUSED_ON_A_FILE = [
    (SERVICE, "SERVICE"),
    ("PREFIX ex: <http://example.org/>\nASK { OPTIONAL { SERVICE ex:sparql { ?s ?p ?o } } }", "SERVICE"),
    ("SELECT * FROM <http://example.org/data.ttl> WHERE { ?s ?p ?o }", "FROM / FROM NAMED"),
    ("SELECT * FROM NAMED <https://example.org/g> WHERE { GRAPH ?g { ?s ?p ?o } }", "FROM / FROM NAMED"),
    ("PREFIX ex: <http://example.org/>\nCONSTRUCT { ?s ?p ?o } FROM ex:g WHERE { ?s ?p ?o }", "<http://example.org/g>"),
    ("LOAD <http://example.org/data.ttl>", "read-only"),
    ("LOAD SILENT <http://example.org/data.ttl> INTO GRAPH <http://example.org/g>", "read-only"),
    ('INSERT DATA { <http://example.org/a> <http://example.org/b> "c" }', "read-only"),
]


@pytest.mark.parametrize("sparql, message", REFUSED_ON_A_FILE)
def test_query_on_a_file_refuses(sparql: str, message: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["query", str(MINI), "-e", sparql]) == 2
    captured = capsys.readouterr()
    err = captured.err.strip()
    assert captured.out == "" and "\n" not in err and err.startswith("csrkg: error: [E062] ") and message in err
    assert not netguard.refused  # refused before anything tried: not a failed fetch turned into an error


@pytest.fixture
def store(tmp_path: Path) -> Path:
    from kg.graphfile import load_graph
    from kg.store import open_store

    with open_store(tmp_path / "store") as s:
        s.put_report(load_graph(MINI))
    return tmp_path / "store"


@pytest.mark.parametrize("sparql, message", [(SERVICE, "SERVICE"), ("LOAD <http://example.org/data.ttl>", "read-only")])
def test_query_on_a_store_refuses(store: Path, sparql: str, message: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["query", "--store", str(store), "-e", sparql]) == 2
    err = capsys.readouterr().err.strip()
    assert "\n" not in err and err.startswith("csrkg: error: [E062] ") and message in err


def test_query_on_a_store_reads_from_as_its_own_graphs(store: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """In a store FROM names one of its report graphs (Oxigraph fetches nothing): allowed, and scoped."""
    from kg.store import open_store

    with open_store(store, read_only=True) as s:
        graph = s.reports()[0]
    count = "SELECT (COUNT(*) AS ?n) {} WHERE {{ ?s ?p ?o }}"
    assert main(["query", "--store", str(store), "-f", "csv", "-e", count.format(f"FROM <{graph}>")]) == 0
    assert int(capsys.readouterr().out.split()[-1]) > 0
    assert main(["query", "--store", str(store), "-f", "csv", "-e", count.format("FROM <http://example.org/elsewhere>")]) == 0
    assert capsys.readouterr().out.split()[-1] == "0"


def test_the_fast_path_skips_only_queries_that_cannot_reach_out() -> None:
    from kg.sparql_guard import needs_check

    assert not needs_check("SELECT ?s WHERE { ?s ?p ?o } ORDER BY ?s")
    for text in (SERVICE, "select * from <x:g> where {?s ?p ?o}", "LOAD <http://example.org/d>",
                 "PREFIX a: <x:>\nINSERT DATA { a:s a:p a:o }", "SELECT * WHERE { Service <x:y> { ?s ?p ?o } }"):
        assert needs_check(text), text

"""Run our Turtle and SPARQL query files on three independent engines and compare their answers.

Why: the graph is a public artefact that researchers load into *their* store. rdflib is our reference
engine; Oxigraph (Rust, in-process) and Virtuoso (C, a real server reached over the SPARQL protocol) are two
independent implementations. If all three give the same answers to every library query, the Turtle and
the queries are portable, not tuned to rdflib's quirks.

Answers are compared by value, because stores legitimately print the same term differently: Virtuoso
writes ``"2000000000"^^xsd:decimal`` where rdflib writes ``2000000000.0``, a COUNT may come back as
xsd:int or xsd:integer. Everything else (IRIs, language tags, lexical forms of dates) is compared exactly.
"""
from __future__ import annotations

import json
import re
import shutil
import signal
import socket
import subprocess
import time
import urllib.error
import urllib.parse
import urllib.request
from collections import Counter
from dataclasses import dataclass, field
from decimal import Context, Decimal, InvalidOperation
from pathlib import Path
from typing import Any, Optional

XSD = "http://www.w3.org/2001/XMLSchema#"
RDF_LANGSTRING = "http://www.w3.org/1999/02/22-rdf-syntax-ns#langString"
NUMERIC_TYPES = frozenset(
    XSD + t
    for t in (
        "integer decimal double float int long short byte nonNegativeInteger nonPositiveInteger "
        "positiveInteger negativeInteger unsignedLong unsignedInt unsignedShort unsignedByte"
    ).split()
)
# 15 significant digits: what an IEEE double holds, so a decimal SUM in one store and a double SUM in
# another still compare equal, while any real difference in an amount of yuan shows.
_NUM_CONTEXT = Context(prec=15)
SETUP_HINT = "run `make system-deps` (installs the Debian packages of .ci/apt-packages.txt)"


class InteropError(RuntimeError):
    """A store could not be started, could not load the graph, or rejected a query."""


# --------------------------------------------------------------------------------------------------------
# Terms and answers, normalised so that equal values compare equal
# --------------------------------------------------------------------------------------------------------
Term = tuple  # ("iri", v) | ("bnode",) | ("num", canonical) | ("bool", b) | ("lit", lex, "@lang" or datatype)


def literal_term(lexical: str, datatype: Optional[str], lang: Optional[str]) -> Term:
    """The comparison key of a literal: language tags case-insensitive, numbers by value."""
    if lang:
        return ("lit", lexical, "@" + lang.lower())
    datatype = datatype or XSD + "string"
    if datatype in NUMERIC_TYPES:
        try:
            value = _NUM_CONTEXT.plus(Decimal(lexical.strip()))
        except InvalidOperation:
            return ("lit", lexical, datatype)  # ill-typed: keep it as written
        if value.is_finite():
            value = value.normalize(_NUM_CONTEXT)
            if value.is_zero():
                value = Decimal(0)
        return ("num", format(value, "f") if value.is_finite() else str(value))
    if datatype == XSD + "boolean":
        return ("bool", lexical.strip() in ("true", "1"))
    return ("lit", lexical, datatype)


def show(term: Optional[Term]) -> str:
    """A short readable form of a normalised term, for failure messages."""
    if term is None:
        return "UNBOUND"
    kind = term[0]
    if kind == "iri":
        return f"<{term[1]}>"
    if kind == "bnode":
        return "_:b"
    if kind in ("num", "bool"):
        return str(term[1])
    lex, tail = term[1], term[2]
    return json.dumps(lex, ensure_ascii=False) + (tail if tail.startswith("@") else f"^^<{tail}>")


@dataclass(frozen=True)
class Answer:
    """One store's answer to one query, with terms normalised."""

    kind: str  # "select" | "ask" | "graph"
    variables: tuple[str, ...] = ()
    rows: tuple[tuple[Optional[Term], ...], ...] = ()  # in the store's order, columns as in `variables`
    boolean: Optional[bool] = None
    triples: frozenset = frozenset()

    def columns(self, variables: tuple[str, ...]) -> list[tuple[Optional[Term], ...]]:
        """Rows with the columns in the given order (SELECT * may order columns differently per store)."""
        index = [self.variables.index(v) for v in variables]
        return [tuple(row[i] for i in index) for row in self.rows]


def _rdflib_term(node: Any) -> Optional[Term]:
    from rdflib import BNode, Literal, URIRef

    if node is None:
        return None
    if isinstance(node, URIRef):
        return ("iri", str(node))
    if isinstance(node, BNode):
        return ("bnode",)
    if isinstance(node, Literal):
        return literal_term(str(node), str(node.datatype) if node.datatype else None, node.language)
    raise InteropError(f"unexpected rdflib term {node!r}")


def answer_from_rdflib(result: Any) -> Answer:
    """Normalise an ``rdflib.query.Result``."""
    if result.type == "SELECT":
        variables = tuple(str(v) for v in result.vars)
        rows = tuple(tuple(_rdflib_term(row[i]) for i in range(len(variables))) for row in result)
        return Answer("select", variables, rows)
    if result.type == "ASK":
        return Answer("ask", boolean=bool(result.askAnswer))
    return Answer("graph", triples=frozenset(tuple(_rdflib_term(t) for t in tr) for tr in result.graph))


def _oxigraph_term(node: Any) -> Optional[Term]:
    import pyoxigraph as ox

    if node is None:
        return None
    if isinstance(node, ox.NamedNode):
        return ("iri", node.value)
    if isinstance(node, ox.BlankNode):
        return ("bnode",)
    if isinstance(node, ox.Literal):
        return literal_term(node.value, node.datatype.value, node.language)
    raise InteropError(f"unexpected Oxigraph term {node!r}")


def answer_from_oxigraph(result: Any) -> Answer:
    """Normalise a pyoxigraph ``QuerySolutions`` / ``QueryBoolean`` / ``QueryTriples``."""
    import pyoxigraph as ox

    if isinstance(result, ox.QuerySolutions):
        variables = tuple(v.value for v in result.variables)
        rows = tuple(tuple(_oxigraph_term(sol[i]) for i in range(len(variables))) for sol in result)
        return Answer("select", variables, rows)
    if isinstance(result, ox.QueryBoolean):
        return Answer("ask", boolean=bool(result))
    return Answer(
        "graph",
        triples=frozenset(
            (_oxigraph_term(t.subject), _oxigraph_term(t.predicate), _oxigraph_term(t.object)) for t in result
        ),
    )


def _json_term(cell: Optional[dict]) -> Optional[Term]:
    if cell is None:
        return None
    kind = cell["type"]
    if kind == "uri":
        return ("iri", cell["value"])
    if kind == "bnode":
        return ("bnode",)
    if kind in ("literal", "typed-literal"):  # "typed-literal" is the 2008 note's name, Virtuoso still uses it
        return literal_term(cell["value"], cell.get("datatype"), cell.get("xml:lang"))
    raise InteropError(f"unexpected SPARQL JSON term {cell!r}")


def answer_from_sparql_json(doc: dict) -> Answer:
    """Normalise an ``application/sparql-results+json`` document."""
    if "boolean" in doc:
        return Answer("ask", boolean=bool(doc["boolean"]))
    variables = tuple(doc["head"]["vars"])
    rows = tuple(tuple(_json_term(b.get(v)) for v in variables) for b in doc["results"]["bindings"])
    return Answer("select", variables, rows)


def answer_from_ntriples(text: str) -> Answer:
    """Normalise a CONSTRUCT / DESCRIBE answer received as N-Triples."""
    from rdflib import Graph

    graph = Graph().parse(data=text, format="nt")
    return Answer("graph", triples=frozenset(tuple(_rdflib_term(t) for t in tr) for tr in graph))


# --------------------------------------------------------------------------------------------------------
# Comparison
# --------------------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class QueryShape:
    """What rdflib's algebra says about a query: its form, and the keys of its top-level ORDER BY."""

    form: str  # "select" | "ask" | "graph"
    ordered: bool = False
    order_keys: Optional[tuple[str, ...]] = None  # projected plain variables, or None when not checkable
    order_note: str = ""
    limited: bool = False


def query_shape(text: str) -> QueryShape:
    """Parse the query with rdflib and find the top-level ORDER BY (under Slice / Distinct / Project)."""
    from rdflib.plugins.sparql import prepareQuery
    from rdflib.term import Variable

    algebra = prepareQuery(text).algebra
    form = {"SelectQuery": "select", "AskQuery": "ask"}.get(algebra.name, "graph")
    if form != "select":
        return QueryShape(form)
    projected = {str(v) for v in algebra.get("PV", [])}
    node, limited = algebra.p, False
    while getattr(node, "name", None) in ("Slice", "Distinct", "Reduced", "Project", "ToMultiSet"):
        limited = limited or node.name == "Slice"
        node = node.p
    if getattr(node, "name", None) != "OrderBy":
        return QueryShape(form, limited=limited)
    keys: list[str] = []
    for cond in node.expr:
        expr = cond.expr if getattr(cond, "name", None) == "OrderCondition" else cond
        if getattr(expr, "name", None) == "Builtin_STR" and isinstance(expr.arg, Variable):
            expr = expr.arg  # STR(?v) orders as ?v's text; ties of ?v are ties of STR(?v) for our terms
        if not isinstance(expr, Variable) or str(expr) not in projected:
            return QueryShape(form, True, None, "ORDER BY key is an expression or not projected", limited)
        keys.append(str(expr))
    return QueryShape(form, True, tuple(keys), "", limited)


def compare(reference: Answer, other: Answer, shape: QueryShape) -> tuple[list[str], str]:
    """Differences of `other` from `reference` (empty when they agree), and how order was checked."""
    if reference.kind != other.kind:
        return [f"answer kind {other.kind} instead of {reference.kind}"], ""
    if reference.kind == "ask":
        same = reference.boolean == other.boolean
        return ([] if same else [f"ASK answered {other.boolean} instead of {reference.boolean}"]), ""
    if reference.kind == "graph":
        missing, extra = reference.triples - other.triples, other.triples - reference.triples
        diffs = [f"missing triple {tuple(map(show, t))}" for t in sorted(missing)[:10]]
        diffs += [f"extra triple {tuple(map(show, t))}" for t in sorted(extra)[:10]]
        return diffs, ""
    if set(reference.variables) != set(other.variables):
        return [f"variables {list(other.variables)} instead of {list(reference.variables)}"], ""
    variables = reference.variables
    ref_rows, other_rows = reference.columns(variables), other.columns(variables)
    ref_count, other_count = Counter(ref_rows), Counter(other_rows)
    diffs: list[str] = []
    if ref_count != other_count:
        diffs.append(f"{len(other_rows)} rows instead of {len(ref_rows)}")
        for row, n in sorted((ref_count - other_count).items(), key=repr)[:10]:
            diffs.append(f"missing x{n}: " + _show_row(variables, row))
        for row, n in sorted((other_count - ref_count).items(), key=repr)[:10]:
            diffs.append(f"extra   x{n}: " + _show_row(variables, row))
        if shape.limited and shape.ordered:
            diffs.append("(the query has ORDER BY + LIMIT: ties at the cut make it nondeterministic; add a key)")
        return diffs, ""
    if not shape.ordered:
        return [], "unordered: compared as multisets"
    if shape.order_keys is None:  # ties cannot be told apart: equal order is reported, unequal not judged
        same = "same row order" if ref_rows == other_rows else "row order differs, not judged (ties possible)"
        return [], f"{shape.order_note}: {same}"
    key_index = [variables.index(k) for k in shape.order_keys]
    ref_keys = [tuple(r[i] for i in key_index) for r in ref_rows]
    other_keys = [tuple(r[i] for i in key_index) for r in other_rows]
    unique = len(set(ref_keys)) == len(ref_keys)
    if unique:
        note = f"ORDER BY {', '.join(shape.order_keys)} is unique: same row order checked"
        if ref_rows != other_rows:
            first = next(i for i, (a, b) in enumerate(zip(ref_rows, other_rows)) if a != b)
            diffs.append(
                f"row order differs at row {first}: {_show_row(variables, other_rows[first])} "
                f"instead of {_show_row(variables, ref_rows[first])}"
            )
    else:
        note = f"ORDER BY {', '.join(shape.order_keys)} has ties: same sequence of keys checked"
        if ref_keys != other_keys:
            first = next(i for i, (a, b) in enumerate(zip(ref_keys, other_keys)) if a != b)
            diffs.append(
                f"key order differs at row {first}: {', '.join(map(show, other_keys[first]))} "
                f"instead of {', '.join(map(show, ref_keys[first]))}"
            )
    return diffs, note


def _show_row(variables: tuple[str, ...], row: tuple[Optional[Term], ...]) -> str:
    return " ".join(f"?{v}={show(t)}" for v, t in zip(variables, row))


# --------------------------------------------------------------------------------------------------------
# Per-store rewrites: the ONE place where a store gets a different (equivalent) query
# --------------------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Rewrite:
    """Replace `old` by `new` in the query text, for one store; `reason` says why it is equivalent."""

    old: str
    new: str
    reason: str


# (store, query id) -> Rewrite. Query ids are "<file stem>" for queries/*.rq and "interop/<stem>" for
# tests/data/interop_queries/*.rq. A rewrite whose `old` text is gone from the query fails the test.
_LANG_ORDER = (
    "SPARQL leaves the order of language-tagged literals open; Virtuoso sorts by tag before text, rdflib and "
    "Oxigraph by text: ORDER BY STR() is defined and gives rdflib's order (better fixed in the query)"
)
REWRITES: dict[tuple[str, str], Rewrite] = {
    ("virtuoso", "aliases"): Rewrite(
        "ORDER BY ?name ?alias ?entity", "ORDER BY STR(?name) STR(?alias) ?entity", _LANG_ORDER
    ),
}


def query_for(store: str, query_id: str, text: str) -> tuple[str, Optional[Rewrite]]:
    """The query text to send to `store`, and the rewrite applied (None when the query is sent as is)."""
    rewrite = REWRITES.get((store, query_id))
    if rewrite is None:
        return text, None
    if rewrite.old not in text:
        raise InteropError(f"stale rewrite for {store}/{query_id}: {rewrite.old!r} is not in the query any more")
    return text.replace(rewrite.old, rewrite.new), rewrite


# --------------------------------------------------------------------------------------------------------
# The stores
# --------------------------------------------------------------------------------------------------------
def require_tools() -> None:
    """Fail (never skip) when a system tool is missing, saying how to install it."""
    missing = [t for t in ("virtuoso-t", "isql-vt", "rapper") if shutil.which(t) is None]
    if missing:
        raise InteropError(f"missing {', '.join(missing)}: {SETUP_HINT}")


def rapper_count(path: Path) -> int:
    """Count triples with raptor's Turtle parser (an independent C implementation)."""
    if shutil.which("rapper") is None:
        raise InteropError(f"rapper not found: {SETUP_HINT}")
    proc = subprocess.run(
        ["rapper", "-i", "turtle", "-c", str(path)], capture_output=True, text=True, timeout=60
    )
    found = re.search(r"returned (\d+) triples", proc.stderr + proc.stdout)
    if proc.returncode != 0 or not found:
        raise InteropError(f"rapper failed on {path} (exit {proc.returncode}): {proc.stderr.strip()[-2000:]}")
    return int(found.group(1))


def rapper_ntriples(path: Path) -> str:
    """Parse with raptor and write N-Triples, so that its reading can be compared term by term."""
    proc = subprocess.run(
        ["rapper", "-q", "-i", "turtle", "-o", "ntriples", str(path)], capture_output=True, text=True, timeout=60
    )
    if proc.returncode != 0:
        raise InteropError(f"rapper failed on {path} (exit {proc.returncode}): {proc.stderr.strip()[-2000:]}")
    return proc.stdout


def triples_of(graph: Any) -> frozenset:
    """Normalised triples of an rdflib Graph."""
    return frozenset(tuple(_rdflib_term(t) for t in triple) for triple in graph)


def describe_triple_diff(expected: frozenset, got: frozenset, store: str) -> list[str]:
    """Readable differences between two normalised triple sets, with a hint for known store quirks."""
    missing, extra = sorted(expected - got), sorted(got - expected)
    lines = [f"{store}: {len(missing)} triples missing, {len(extra)} extra"]
    lines += [f"  missing {' '.join(map(show, t))}" for t in missing[:5]]
    lines += [f"  extra   {' '.join(map(show, t))}" for t in extra[:5]]
    if any(term[0] == "iri" and "\\" in term[1] for t in extra for term in t):
        lines.append(
            "  hint: the store kept the backslash of a Turtle local-name escape (res:org\\/x): Virtuoso 7.2 "
            "does; write such IRIs in full, or bind a prefix that ends with the slash (org: <.../org/>)"
        )
    return lines


@dataclass
class Timed:
    """Seconds spent loading and per query, for the report."""

    load: dict[str, float] = field(default_factory=dict)
    queries: dict[tuple[str, str], float] = field(default_factory=dict)


class RdflibStore:
    """The reference: an in-memory rdflib Graph per input file."""

    name = "rdflib"

    def __init__(self) -> None:
        self.graphs: dict[str, Any] = {}
        self.timed = Timed()

    def load(self, key: str, path: Path) -> int:
        from rdflib import Graph

        start = time.perf_counter()
        self.graphs[key] = Graph().parse(path, format="turtle")
        self.timed.load[key] = time.perf_counter() - start
        return len(self.graphs[key])

    def query(self, key: str, query_id: str, text: str) -> Answer:
        start = time.perf_counter()
        answer = answer_from_rdflib(self.graphs[key].query(text))
        self.timed.queries[(key, query_id)] = time.perf_counter() - start
        return answer


class OxigraphStore:
    """An in-memory pyoxigraph Store per input file, loaded from the same Turtle."""

    name = "oxigraph"

    def __init__(self) -> None:
        self.stores: dict[str, Any] = {}
        self.timed = Timed()

    def load(self, key: str, path: Path) -> int:
        import pyoxigraph as ox

        start = time.perf_counter()
        store = ox.Store()
        store.load(path=str(path), format=ox.RdfFormat.TURTLE)
        self.stores[key] = store
        self.timed.load[key] = time.perf_counter() - start
        return len(store)

    def triples(self, key: str) -> frozenset:
        return frozenset(
            (_oxigraph_term(q.subject), _oxigraph_term(q.predicate), _oxigraph_term(q.object))
            for q in self.stores[key].quads_for_pattern(None, None, None, None)
        )

    def query(self, key: str, query_id: str, text: str) -> Answer:
        start = time.perf_counter()
        answer = answer_from_oxigraph(self.stores[key].query(text))
        self.timed.queries[(key, query_id)] = time.perf_counter() - start
        return answer


_INI = """\
; generated by tests/interop/stores.py: a throwaway Virtuoso on loopback, small memory
[Database]
DatabaseFile = {d}/virtuoso.db
ErrorLogFile = {d}/virtuoso.log
LockFile = {d}/virtuoso.lck
TransactionFile = {d}/virtuoso.trx
xa_persistent_file = {d}/virtuoso.pxa
ErrorLogLevel = 7
FileExtend = 200
MaxCheckpointRemap = 2000
Striping = 0
TempStorage = TempDatabase

[TempDatabase]
DatabaseFile = {d}/virtuoso-temp.db
TransactionFile = {d}/virtuoso-temp.trx
MaxCheckpointRemap = 2000
Striping = 0

[Parameters]
ServerPort = 127.0.0.1:{sql_port}
DisableUnixSocket = 1
DisableTcpSocket = 0
MaxClientConnections = 4
CheckpointInterval = 0
O_DIRECT = 0
CaseMode = 2
DirsAllowed = {d}
ThreadsPerQuery = 2
AsyncQueueMaxThreads = 2
NumberOfBuffers = 2000
MaxDirtyBuffers = 1200
MaxQueryMem = 64M
MaxMemPoolSize = 20000000
VADInstallDir = {d}/vad

[HTTPServer]
ServerPort = 127.0.0.1:{http_port}
ServerRoot = {d}
MaxClientConnections = 4
ServerThreads = 4
EnabledDavVSP = 0
HTTPProxyEnabled = 0
Charset = UTF-8

[SPARQL]
ResultSetMaxRows = 1000000
MaxQueryExecutionTime = 60
MaxQueryCostEstimationTime = 60
"""


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _die_with_parent() -> None:
    """Child-side: let the kernel SIGTERM the server if the test process dies without cleaning up."""
    try:
        import ctypes

        ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG
    except OSError:
        pass


class VirtuosoServer:
    """A Virtuoso server in its own temp directory, bound to loopback, with one named graph per input.

    Started by the tests and stopped by them (``stop`` is idempotent). The DBA password is Virtuoso's
    default: the server listens on 127.0.0.1 only, on random ports, and its database is thrown away.
    """

    name = "virtuoso"
    GRAPH_BASE = "urn:csr-kg:interop:"

    def __init__(self, workdir: Path, *, start_timeout: float = 45.0) -> None:
        self.workdir = workdir
        self.start_timeout = start_timeout
        self.proc: Optional[subprocess.Popen] = None
        self.sql_port = self.http_port = 0
        self.timed = Timed()
        self.startup_seconds = 0.0

    # -- lifecycle -------------------------------------------------------------------------------------
    def start(self) -> None:
        require_tools()
        self.workdir.mkdir(parents=True, exist_ok=True)
        self.sql_port, self.http_port = _free_port(), _free_port()
        while self.http_port == self.sql_port:
            self.http_port = _free_port()
        ini = self.workdir / "virtuoso.ini"
        ini.write_text(
            _INI.format(d=self.workdir, sql_port=self.sql_port, http_port=self.http_port), encoding="utf-8"
        )
        started = time.perf_counter()
        with open(self.workdir / "stdout.log", "wb") as out:
            self.proc = subprocess.Popen(
                ["virtuoso-t", "+foreground", "+configfile", str(ini)],
                cwd=self.workdir,
                stdin=subprocess.DEVNULL,
                stdout=out,
                stderr=subprocess.STDOUT,
                preexec_fn=_die_with_parent,
            )
        try:
            self._wait_ready(started)
        except BaseException:
            self.stop()
            raise
        self.startup_seconds = time.perf_counter() - started

    def _wait_ready(self, started: float) -> None:
        deadline = started + self.start_timeout
        log = self.workdir / "virtuoso.log"
        while True:
            if self.proc is not None and self.proc.poll() is not None:
                raise InteropError(f"Virtuoso exited with code {self.proc.returncode} during start-up\n{self.log_tail()}")
            if log.exists() and "Server online at" in log.read_text(encoding="utf-8", errors="replace"):
                try:
                    self.query_raw("ASK {}", None, "application/sparql-results+json", timeout=5)
                    return
                except (InteropError, OSError):
                    pass
            if time.perf_counter() > deadline:
                raise InteropError(f"Virtuoso did not come up within {self.start_timeout:.1f} s\n{self.log_tail()}")
            time.sleep(0.2)

    def log_tail(self, lines: int = 30) -> str:
        # in +foreground mode the server echoes its log to stdout: show stdout only when there is no log
        for name in ("virtuoso.log", "stdout.log"):
            path = self.workdir / name
            if path.exists() and path.stat().st_size:
                tail = path.read_text(encoding="utf-8", errors="replace").splitlines()[-lines:]
                return f"--- tail of {path} ---\n" + "\n".join(tail)
        return f"(no log in {self.workdir})"

    def stop(self) -> None:
        """SIGTERM (Virtuoso shuts down in ~2 s), then SIGKILL if it lingers. Only our own process."""
        proc, self.proc = self.proc, None
        if proc is None or proc.poll() is not None:
            return
        proc.terminate()
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=5)

    # -- data ------------------------------------------------------------------------------------------
    def graph_iri(self, key: str) -> str:
        return self.GRAPH_BASE + key

    def load(self, key: str, path: Path) -> int:
        """Load Turtle into the named graph <urn:csr-kg:interop:KEY> with DB.DBA.TTLP_MT; return its size."""
        if not re.fullmatch(r"[A-Za-z0-9_-]+", key):
            raise InteropError(f"graph key must be a plain word: {key!r}")
        target = self.workdir / f"load-{key}.ttl"  # inside DirsAllowed
        shutil.copyfile(path, target)
        sql_path = str(target).replace("'", "''")
        start = time.perf_counter()
        self.isql(
            f"DB.DBA.TTLP_MT(file_to_string_output('{sql_path}'), '', '{self.graph_iri(key)}', 0);"
        )
        self.timed.load[key] = time.perf_counter() - start
        doc = self.query_raw(
            "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }", self.graph_iri(key), "application/sparql-results+json"
        )
        return int(json.loads(doc)["results"]["bindings"][0]["n"]["value"])

    def isql(self, sql: str) -> str:
        proc = subprocess.run(
            ["isql-vt", f"127.0.0.1:{self.sql_port}", "dba", "dba", f"exec={sql}"],
            capture_output=True,
            text=True,
            timeout=120,
            stdin=subprocess.DEVNULL,
        )
        # isql-vt exits 0 even when the statement fails: the error is on stderr as "*** Error ..."
        if proc.returncode != 0 or "*** Error" in proc.stderr or "*** Error" in proc.stdout:
            raise InteropError(f"isql-vt failed: {(proc.stderr or proc.stdout).strip()[-3000:]}")
        return proc.stdout

    # -- queries ---------------------------------------------------------------------------------------
    def query_raw(self, text: str, graph: Optional[str], accept: str, timeout: float = 60) -> str:
        """POST a query to /sparql (SPARQL 1.1 protocol); the named graph is the query's default graph."""
        fields = [("query", text)]
        if graph:
            fields.append(("default-graph-uri", graph))
        request = urllib.request.Request(
            f"http://127.0.0.1:{self.http_port}/sparql",
            data=urllib.parse.urlencode(fields).encode("utf-8"),
            headers={"Accept": accept, "Content-Type": "application/x-www-form-urlencoded"},
            method="POST",
        )
        try:
            with urllib.request.urlopen(request, timeout=timeout) as response:
                return response.read().decode("utf-8")
        except urllib.error.HTTPError as err:
            body = err.read().decode("utf-8", errors="replace").strip()
            raise InteropError(f"Virtuoso answered HTTP {err.code}: {body[:3000]}") from None

    def triples(self, key: str) -> frozenset:
        """Every triple of the named graph, as Virtuoso holds it (via CONSTRUCT, as N-Triples)."""
        text = self.query_raw("CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }", self.graph_iri(key), "application/n-triples")
        return answer_from_ntriples(text).triples

    def query(self, key: str, query_id: str, text: str, form: str) -> Answer:
        start = time.perf_counter()
        if form == "graph":
            answer = answer_from_ntriples(self.query_raw(text, self.graph_iri(key), "application/n-triples"))
        else:
            doc = self.query_raw(text, self.graph_iri(key), "application/sparql-results+json")
            answer = answer_from_sparql_json(json.loads(doc))
        self.timed.queries[(key, query_id)] = time.perf_counter() - start
        return answer

    def memory_kb(self) -> Optional[int]:
        """Resident memory of the server process (for the report)."""
        if self.proc is None:
            return None
        try:
            status = Path(f"/proc/{self.proc.pid}/status").read_text()
        except OSError:
            return None
        found = re.search(r"VmRSS:\s+(\d+) kB", status)
        return int(found.group(1)) if found else None

"""What a `csrkg serve` worker process does with one request: guard the query, evaluate it, serialise it.

Why a separate process: Oxigraph evaluates a query in native code that no Python thread can interrupt, so a
runaway query is only stoppable by killing the process it runs in (see :mod:`kg.serve_pool`). Everything that
can take unbounded time (rdflib's parser included) therefore runs here, under the parent's clock.

Why rdflib's parser as a guard: the endpoint must refuse SPARQL Update and ``SERVICE`` (Oxigraph would make
the outgoing HTTP call) whatever the spelling, so the query is parsed and the parse tree inspected
(:mod:`kg.sparql_guard`, shared with ``csrkg query``), instead of trusting a regular expression. Oxigraph
then parses it again to evaluate it; a query either parser rejects is refused.
"""
from __future__ import annotations

import gc
import json
import signal
from dataclasses import dataclass, field
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

from extract.errors import one_line
from kg.vocab import ONTOLOGY_IRI, PREFIXES

# -----------------------------------------------------------------------------------------------------------
# messages between the HTTP process and a worker (plain picklable data)


@dataclass(frozen=True)
class DataSource:
    """Where a worker gets its data: an on-disk store, or a Turtle file (plus the ontology, if present)."""

    store_dir: str | None = None
    graph_file: str | None = None
    ontology_file: str | None = None


@dataclass(frozen=True)
class WorkerSetup:
    """The first message to a worker: its data, and its address-space limit in MiB (0 = none)."""

    source: DataSource
    memory_limit_mb: int = 0


@dataclass(frozen=True)
class QueryRequest:
    """One SPARQL Protocol query operation, already taken apart by the HTTP layer."""

    query: str
    accept: str = ""  # the Accept header, negotiated here because the query form decides what fits
    fmt: str | None = None  # the `format` parameter, which overrides Accept
    default_graphs: tuple[str, ...] = ()
    named_graphs: tuple[str, ...] = ()
    max_rows: int = 10000


@dataclass
class Reply:
    """An HTTP answer: status, content type, extra headers, body."""

    status: int
    content_type: str
    body: bytes
    headers: dict[str, str] = field(default_factory=dict)
    # the worker that sent it should be replaced (it hit its memory limit: its heap may stay bloated)
    replace_worker: bool = False


def text_reply(status: int, message: str) -> Reply:
    """A one-line plain-text error or notice."""
    return Reply(status, "text/plain; charset=utf-8", (message.rstrip() + "\n").encode("utf-8"))


# which limit stopped a query: lets a client tell a timeout from a memory stop without parsing the message
LIMIT_HEADER = "X-CSRKG-Limit"


def limit_reply(limit: str, message: str) -> Reply:
    """503 for a query stopped by a server limit (``limit`` is ``time`` or ``memory``), like an overload."""
    reply = text_reply(503, message)
    reply.headers[LIMIT_HEADER] = limit
    return reply


def memory_reply(limit_mb: int) -> Reply:
    """The answer to a query that ran out of memory in its worker (which is then replaced)."""
    reply = limit_reply(
        "memory",
        f"query stopped: it needed more memory than the limit of {limit_mb} MB per query worker (--memory-limit)",
    )
    reply.replace_worker = True
    return reply


# -----------------------------------------------------------------------------------------------------------
# result formats and content negotiation

# short name -> media type sent; order = our preference when the client states none
SOLUTION_FORMATS: dict[str, str] = {
    "json": "application/sparql-results+json",
    "xml": "application/sparql-results+xml",
    "csv": "text/csv",
    "tsv": "text/tab-separated-values",
}
GRAPH_FORMATS: dict[str, str] = {
    "turtle": "text/turtle",
    "ntriples": "application/n-triples",
}
FORMAT_ALIASES: dict[str, str] = {"ttl": "turtle", "nt": "ntriples", "n-triples": "ntriples", "srj": "json", "srx": "xml"}
# other media types clients send for the same formats
MEDIA_ALIASES: dict[str, str] = {
    "application/json": "json",
    "application/sparql-results+json": "json",
    "application/sparql-results+xml": "xml",
    "application/xml": "xml",
    "text/xml": "xml",
    "text/csv": "csv",
    "text/tab-separated-values": "tsv",
    "text/turtle": "turtle",
    "application/x-turtle": "turtle",
    "application/n-triples": "ntriples",
    "text/plain": "ntriples",  # the legacy N-Triples media type, only for graph results
}
ALL_FORMATS = (*SOLUTION_FORMATS, *GRAPH_FORMATS)


def normalise_format(fmt: str) -> str | None:
    """The short name of a `format` parameter value (short name, alias or media type); None if unknown."""
    value = fmt.strip().lower()
    value = FORMAT_ALIASES.get(value, value)
    if value in ALL_FORMATS:
        return value
    return MEDIA_ALIASES.get(value.split(";")[0].strip())


def _parse_accept(accept: str) -> list[tuple[str, float]]:
    """``[(media range, q)]`` of an Accept header; malformed q values count as 1, like most servers do."""
    ranges = []
    for part in accept.split(","):
        pieces = [p.strip() for p in part.split(";")]
        media = pieces[0].lower()
        if not media:
            continue
        q = 1.0
        for param in pieces[1:]:
            key, _, value = param.partition("=")
            if key.strip().lower() == "q":
                try:
                    q = max(0.0, min(1.0, float(value)))
                except ValueError:
                    q = 1.0
        ranges.append((media, q))
    return ranges


def negotiate(accept: str, candidates: dict[str, str]) -> str | None:
    """The short name of the best of ``candidates`` for an Accept header; None if the client accepts none.

    The most specific matching range gives a type its q; ties go to the order of ``candidates``.
    """
    ranges = _parse_accept(accept)
    if not ranges:
        return next(iter(candidates))
    best, best_q = None, 0.0
    for name, media in candidates.items():
        names_media = {media} | {m for m, n in MEDIA_ALIASES.items() if n == name}
        q, specificity = 0.0, -1
        for rng, rq in ranges:
            if rng in names_media:
                spec = 2
            elif rng.endswith("/*") and any(m.startswith(rng[:-1]) for m in names_media):
                spec = 1
            elif rng == "*/*":
                spec = 0
            else:
                continue
            if spec > specificity:
                q, specificity = rq, spec
        if q > best_q:
            best, best_q = name, q
    return best


# -----------------------------------------------------------------------------------------------------------
# the guard


class Refused(Exception):
    """The request is refused; carries the HTTP status and a one-line reason."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status


def check_query(text: str) -> tuple[str, bool]:
    """Parse ``text`` as a SPARQL query and refuse what the endpoint does not run (the shared check of
    :mod:`kg.sparql_guard`; FROM names graphs of the store, which Oxigraph never fetches).

    Returns ``(query form, has a FROM / FROM NAMED clause)``. Raises :class:`Refused` with 403 for an
    update, 400 for ``SERVICE`` or a syntax error.
    """
    from kg.sparql_guard import QueryRefused, check_query as check

    try:
        checked = check(text, allow_dataset=True)
    except QueryRefused as refusal:
        raise Refused(refusal.status, str(refusal)) from None
    return checked.form, bool(checked.dataset)


# -----------------------------------------------------------------------------------------------------------
# evaluation


def open_dataset(source: DataSource) -> tuple[Any, bool]:
    """Open the data of ``source``: ``(pyoxigraph.Store, query over the union of named graphs?)``.

    The on-disk store keeps one named graph per report and their set union as its default graph (older
    stores: queries run over Oxigraph's union view); a Turtle file goes into the default graph of an
    in-memory store, the ontology into its own named graph, queried over their union.
    """
    import pyoxigraph as ox

    if source.store_dir:
        from kg.store import open_store

        store = open_store(source.store_dir, read_only=True)
        return store, not store.has_union_graph()  # a store keeps the union as its default graph
    store = ox.Store()
    assert source.graph_file
    store.bulk_load(path=source.graph_file, format=ox.RdfFormat.TURTLE)
    if source.ontology_file and Path(source.ontology_file).is_file():
        store.bulk_load(path=source.ontology_file, format=ox.RdfFormat.TURTLE, to_graph=ox.NamedNode(str(ONTOLOGY_IRI)))
    return store, True


class ServedData:
    """A worker's open data. A store is reopened, between two queries, after a csrkg writer changed it.

    Why reopen rather than follow: Oxigraph 0.5 only opens a store read-only (no secondary mode that catches
    up with the writer), and such an instance does not see later writes. The writers mark each finished write
    (:func:`kg.store.mark_generation`), so the check before a query is one small file read.
    """

    def __init__(self, source: DataSource) -> None:
        self.source = source
        self.generation = self._marker()
        self.handle, self.union = open_dataset(source)

    def _marker(self) -> str | None:
        if not self.source.store_dir:
            return None
        from kg.store import read_generation

        return read_generation(self.source.store_dir).token

    def changed(self) -> bool:
        """True when the store has been written since it was opened here (or is being written now)."""
        return self._marker() != self.generation

    def refresh(self) -> None:
        """Reopen the store if a write finished since it was opened; keep the old one while a write runs."""
        if not self.source.store_dir:
            return
        from kg.store import read_generation

        marker = read_generation(self.source.store_dir)
        if marker.token == self.generation or not marker.settled:
            return
        try:
            handle, union = open_dataset(self.source)
        except Exception:  # a writer got in between: keep serving the old data, try again next query
            return
        if self._marker() != marker.token:  # a write started while we opened: what we see may be half of it
            return
        self.handle, self.union, self.generation = handle, union, marker.token
        # the old instance is often still referenced from the frames of the last query that the guard parser's
        # exceptions keep in reference cycles; collect them now, so that its files (deleted by the writer's
        # compaction, still open) are closed at once rather than at some later collection, one store per write
        gc.collect()


def apply_memory_limit(limit_mb: int) -> None:
    """Cap this process's address space (RLIMIT_AS) at ``limit_mb`` MiB; 0 leaves it as it is.

    Why the address space: it is the one limit the kernel enforces on every allocation, Python's and the native
    query engine's alike. A failed allocation is a MemoryError in Python and an abort in Oxigraph (Rust).
    """
    if limit_mb <= 0:
        return
    import resource

    wanted = limit_mb * 1024 * 1024
    _soft, hard = resource.getrlimit(resource.RLIMIT_AS)
    if hard != resource.RLIM_INFINITY:
        wanted = min(wanted, hard)
    resource.setrlimit(resource.RLIMIT_AS, (wanted, wanted))


def _ox_store(handle: Any) -> Any:
    """The ``pyoxigraph.Store`` behind what :func:`open_dataset` returned (a ``CsrStore`` has it as ``.ox``)."""
    return getattr(handle, "ox", handle)


def _term_json(term: Any) -> dict[str, Any]:
    """One RDF term in the SPARQL 1.1 JSON results format."""
    import pyoxigraph as ox

    if isinstance(term, ox.NamedNode):
        return {"type": "uri", "value": term.value}
    if isinstance(term, ox.BlankNode):
        return {"type": "bnode", "value": term.value}
    if isinstance(term, ox.Literal):
        out: dict[str, Any] = {"type": "literal", "value": term.value}
        if term.language:
            out["xml:lang"] = term.language
        elif term.datatype.value != "http://www.w3.org/2001/XMLSchema#string":
            out["datatype"] = term.datatype.value
        return out
    if isinstance(term, ox.Triple):
        return {
            "type": "triple",
            "value": {k: _term_json(getattr(term, k)) for k in ("subject", "predicate", "object")},
        }
    raise TypeError(f"unexpected term in a solution: {term!r}")


def _solutions_body(result: Any, max_rows: int, fmt: str) -> tuple[bytes, bool]:
    """Serialise at most ``max_rows`` solutions in ``fmt``; also says whether rows were left out.

    Oxigraph serialises a whole ``QuerySolutions`` iterator, and offers no constructor for a partial one, so
    the kept rows go through the SPARQL JSON format (written here with ``json``, read back by Oxigraph) and
    Oxigraph writes the requested format from that.
    """
    import pyoxigraph as ox

    names = [v.value for v in result.variables]
    rows = []
    truncated = False
    for solution in result:
        if len(rows) >= max_rows:
            truncated = True
            break
        row = {}
        for name in names:
            term = solution[name]
            if term is not None:
                row[name] = _term_json(term)
        rows.append(row)
    doc = json.dumps({"head": {"vars": names}, "results": {"bindings": rows}}, ensure_ascii=False)
    kept = ox.parse_query_results(doc, ox.QueryResultsFormat.JSON)
    return kept.serialize(format=_results_format(fmt)), truncated


def _results_format(fmt: str) -> Any:
    import pyoxigraph as ox

    return {"json": ox.QueryResultsFormat.JSON, "xml": ox.QueryResultsFormat.XML,
            "csv": ox.QueryResultsFormat.CSV, "tsv": ox.QueryResultsFormat.TSV}[fmt]


def _content_type(fmt: str) -> str:
    media = {**SOLUTION_FORMATS, **GRAPH_FORMATS}[fmt]
    return f"{media}; charset=utf-8" if media.startswith("text/") else media


def answer_request(store_handle: Any, union: bool, req: QueryRequest) -> Reply:
    """Answer one query request against an open store (see the module docstring for the checks)."""
    import pyoxigraph as ox

    try:
        form, has_dataset = check_query(req.query)
        candidates = GRAPH_FORMATS if form in ("CONSTRUCT", "DESCRIBE") else SOLUTION_FORMATS
        if req.fmt:
            fmt = req.fmt
            if fmt not in candidates:
                raise Refused(406, f"format '{fmt}' does not fit a {form} query; use one of: {', '.join(candidates)}")
        else:
            fmt = negotiate(req.accept, candidates)
            if fmt is None:
                offered = ", ".join(candidates.values())
                raise Refused(406, f"none of the accepted media types fits a {form} query; this endpoint offers: {offered}")
        kwargs: dict[str, Any] = {}
        try:
            if req.default_graphs:
                kwargs["default_graph"] = [ox.NamedNode(g) for g in req.default_graphs]
            if req.named_graphs:
                kwargs["named_graphs"] = [ox.NamedNode(g) for g in req.named_graphs]
        except ValueError as err:
            raise Refused(400, f"invalid graph IRI in default-graph-uri / named-graph-uri: {one_line(str(err))}") from None
        if union and not req.default_graphs and not has_dataset:
            kwargs["use_default_graph_as_union"] = True
        try:
            result = _ox_store(store_handle).query(req.query, **kwargs)
        except SyntaxError as err:
            raise Refused(400, f"SPARQL syntax error: {one_line(str(err))}") from None
    except Refused as refusal:
        return text_reply(refusal.status, str(refusal))

    truncated = False
    if isinstance(result, ox.QueryBoolean):
        body = result.serialize(format=_results_format(fmt))
    elif isinstance(result, ox.QuerySolutions):
        body, truncated = _solutions_body(result, req.max_rows, fmt)
    else:
        triples = []
        for triple in result:
            if len(triples) >= req.max_rows:
                truncated = True
                break
            triples.append(triple)
        rdf_format = ox.RdfFormat.TURTLE if fmt == "turtle" else ox.RdfFormat.N_TRIPLES
        prefixes = PREFIXES if fmt == "turtle" else None
        body = ox.serialize(triples, format=rdf_format, prefixes=prefixes)
    headers = {"X-CSRKG-Truncated": "true" if truncated else "false"}
    if truncated:
        headers["X-CSRKG-Max-Rows"] = str(req.max_rows)
    return Reply(200, _content_type(fmt), body, headers)



# -----------------------------------------------------------------------------------------------------------
# the worker loop


def worker_main(conn: Connection) -> None:
    """Body of a worker process: receive the :class:`WorkerSetup`, open the data, say ``ready``, answer until EOF."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C reaches the whole process group: the parent decides
    try:
        setup: WorkerSetup = conn.recv()
    except (EOFError, OSError):
        return
    limit = setup.memory_limit_mb
    try:
        apply_memory_limit(limit)
        data = ServedData(setup.source)
    except MemoryError:
        conn.send(("error", f"the worker ran out of memory while opening the data: the memory limit of "
                            f"{limit} MB (--memory-limit) is too small for it"))
        return
    except Exception as err:  # reported to the parent, which turns it into a one-line CLI error
        conn.send(("error", one_line(str(err)) or type(err).__name__))
        return
    conn.send(("ready", None))
    while True:
        try:
            req = conn.recv()
        except (EOFError, OSError):
            return
        data.refresh()
        try:
            reply = answer_request(data.handle, data.union, req)
        except MemoryError:
            reply = memory_reply(limit)
        except Exception as err:  # a bug or a store error: answer and keep serving
            if data.changed():  # the store was rewritten under this query (a read-only view is not isolated)
                reply = text_reply(503, "the store is being updated (csrkg load, build or remove); try again")
            else:
                reply = text_reply(500, f"query evaluation failed: {type(err).__name__}: {one_line(str(err))}")
        try:
            conn.send(reply)
        except MemoryError:  # pickling a huge answer can fail too (before any byte of it is sent)
            reply = None  # let the big answer go first
            conn.send(memory_reply(limit))

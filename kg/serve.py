"""`csrkg serve`: a read-only SPARQL 1.1 Protocol endpoint over a graph file or an on-disk store.

HTTP layer: the standard library's ``ThreadingHTTPServer``. The endpoint has four routes and no sessions;
the parts that need care (time and memory limits, isolation of a runaway query) live in worker processes
(:mod:`kg.serve_pool`), so a web framework would add a dependency and little else. It binds to loopback by
default and then also refuses foreign ``Host`` headers, so that a web page cannot reach it by DNS rebinding.

Routes: ``GET /`` a query page; ``GET /queries/<name>`` the text of a library query; ``GET|POST /sparql``
the SPARQL Protocol query operation (``query`` via GET, form-encoded POST or ``application/sparql-query``
POST; ``default-graph-uri`` / ``named-graph-uri`` honoured; ``format`` overrides Accept). Updates
(``update`` parameter, ``application/sparql-update`` bodies, update text in ``query``) are refused with 403.
"""
from __future__ import annotations

import ipaddress
import secrets
import socket
import sys
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, unquote, urlsplit

from kg.serve_eval import ALL_FORMATS, DataSource, QueryRequest, Reply, normalise_format, text_reply
from kg.serve_pool import WorkerPool
from kg.vocab import QUERIES_DIR, TEMPLATE_DIR

MAX_BODY = 1024 * 1024  # bytes of a POST body; a SPARQL query is text, a megabyte is generous
# address space per query worker (RLIMIT_AS), MiB. A worker takes about 200 MB of it before any query (Python,
# rdflib, pyoxigraph, RocksDB's threads; ~280 MB at its peak while opening a store), so a query gets ~1.8 GB
DEFAULT_MEMORY_LIMIT_MB = 2048
LOOPBACK_NAMES = frozenset({"localhost", "127.0.0.1", "::1"})
FORMAT_LABELS = {
    "json": "JSON (SPARQL results)",
    "csv": "CSV",
    "tsv": "TSV",
    "xml": "XML (SPARQL results)",
    "turtle": "Turtle (CONSTRUCT / DESCRIBE)",
    "ntriples": "N-Triples (CONSTRUCT / DESCRIBE)",
}
DEFAULT_QUERY = """PREFIX csr: <https://w3id.org/csr-kg/ontology#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>

SELECT DISTINCT ?org ?label WHERE {
  ?org a csr:Organization ; rdfs:label ?label .
}
ORDER BY ?label
LIMIT 50
"""


@dataclass(frozen=True)
class ServeConfig:
    """Everything the endpoint needs besides the data."""

    host: str = "127.0.0.1"
    port: int = 7878
    timeout: float = 10.0
    max_rows: int = 10000
    workers: int = 2
    memory_limit_mb: int = DEFAULT_MEMORY_LIMIT_MB  # per worker; 0 = none
    max_body: int = MAX_BODY
    queries_dir: Path = QUERIES_DIR
    quiet: bool = False


def is_loopback(host: str) -> bool:
    """True for ``localhost`` and loopback addresses (127.0.0.0/8, ::1)."""
    if host.strip("[]").lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def host_warning(host: str) -> str | None:
    """The warning to print when asked to listen beyond this machine, else None."""
    if is_loopback(host):
        return None
    return (
        f"csrkg serve: warning: listening on {host}, not on loopback: anyone who can reach this machine "
        "can query the graph (the endpoint is read-only, but it has no authentication)"
    )


# -----------------------------------------------------------------------------------------------------------
# the query library


def library_queries(directory: Path) -> list[Any]:
    """The library queries of ``directory`` (``kg.query.LibraryQuery``: name, path, title), sorted by name.

    The title is the ``# title:`` header line; a file without one shows its first comment line instead.
    """
    from dataclasses import replace

    from kg.query import library, query_header

    out = []
    for item in library(directory):
        if not item.title:
            _, comments = query_header(item.path.read_text(encoding="utf-8"))
            item = replace(item, title=next((c for c in comments if c), ""))
        out.append(item)
    return out


def render_page(config: ServeConfig, nonce: str) -> bytes:
    """The query page: jinja2 with autoescape, everything inline (no external assets)."""
    from jinja2 import Environment, FileSystemLoader, select_autoescape

    env = Environment(
        loader=FileSystemLoader(str(TEMPLATE_DIR)),
        autoescape=select_autoescape(default=True, default_for_string=True),
        keep_trailing_newline=True,
    )
    template = env.get_template("serve.html")
    html = template.render(
        queries=library_queries(config.queries_dir),
        formats=FORMAT_LABELS,
        default_query=DEFAULT_QUERY,
        timeout=config.timeout,
        max_rows=config.max_rows,
        nonce=nonce,
    )
    return html.encode("utf-8")


# -----------------------------------------------------------------------------------------------------------
# HTTP


class BadRequest(Exception):
    """A protocol error found by the HTTP layer; carries the status and a one-line reason."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status


class SparqlServer(ThreadingHTTPServer):
    """The HTTP server; owns the worker pool and the configuration."""

    daemon_threads = True
    allow_reuse_address = True

    def __init__(self, config: ServeConfig, pool: WorkerPool) -> None:
        self.config = config
        self.pool = pool
        self.loopback_only = is_loopback(config.host)
        if ":" in config.host:
            self.address_family = socket.AF_INET6
        super().__init__((config.host, config.port), SparqlHandler)

    @property
    def url(self) -> str:
        host, port = self.server_address[:2]
        host = f"[{host}]" if ":" in str(host) else host
        return f"http://{host}:{port}/"

    def close(self) -> None:
        """Stop serving (call from another thread than ``serve_forever``'s, or after it returned) and kill workers."""
        self.server_close()
        self.pool.close()


class SparqlHandler(BaseHTTPRequestHandler):
    server: SparqlServer
    protocol_version = "HTTP/1.1"
    server_version = "csrkg-serve"
    timeout = 30  # seconds a client may take to send its request

    # -- plumbing ---------------------------------------------------------------------------------------
    def version_string(self) -> str:
        return self.server_version  # no Python version in the Server header

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - the base class's name
        if not self.server.config.quiet:
            sys.stderr.write(f"csrkg serve: {self.address_string()} {format % args}\n")

    def _send(self, reply: Reply, extra: dict[str, str] | None = None) -> None:
        self.send_response(reply.status)
        self.send_header("Content-Type", reply.content_type)
        self.send_header("Content-Length", str(len(reply.body)))
        self.send_header("X-Content-Type-Options", "nosniff")
        self.send_header("Cache-Control", "no-store")
        for key, value in {**reply.headers, **(extra or {})}.items():
            self.send_header(key, value)
        if self.close_connection:
            self.send_header("Connection", "close")
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(reply.body)

    def _error(self, status: int, message: str, close: bool = False) -> None:
        if close:
            self.close_connection = True
        self._send(text_reply(status, message))

    def _host_allowed(self) -> bool:
        """When serving loopback only, accept only loopback Host names (defeats DNS rebinding)."""
        if not self.server.loopback_only:
            return True
        host = self.headers.get("Host")
        if host is None:
            return True  # HTTP/1.0 clients
        name = urlsplit(f"//{host}").hostname or ""
        return name in LOOPBACK_NAMES or name == self.server.config.host or is_loopback(name)

    # -- routes -----------------------------------------------------------------------------------------
    def do_GET(self) -> None:  # noqa: N802 - http.server's naming
        self._dispatch()

    def do_POST(self) -> None:  # noqa: N802
        self._dispatch()

    def do_HEAD(self) -> None:  # noqa: N802
        self._dispatch()

    def _dispatch(self) -> None:
        self._body_read = False
        try:
            if not self._host_allowed():
                raise BadRequest(403, "Host header not allowed: this endpoint only answers requests to localhost")
            path = urlsplit(self.path).path
            if path in ("/sparql", "/sparql/"):
                self._sparql()
            elif self.command == "POST":
                raise BadRequest(405, "only /sparql accepts POST")
            elif path in ("/", "/index.html"):
                self._page()
            elif path.startswith("/queries/"):
                self._library_query(unquote(path[len("/queries/"):]))
            else:
                raise BadRequest(404, f"not found: {path} (the endpoint is /sparql, the query page is /)")
        except BadRequest as err:
            # an unread body would be taken for the next request on this connection
            self._error(err.status, str(err), close=self.command == "POST" and not self._body_read)

    def _page(self) -> None:
        nonce = secrets.token_urlsafe(16)
        csp = (
            f"default-src 'none'; script-src 'nonce-{nonce}'; style-src 'nonce-{nonce}'; "
            "connect-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'"
        )
        body = render_page(self.server.config, nonce)
        self._send(Reply(200, "text/html; charset=utf-8", body), {"Content-Security-Policy": csp})

    def _library_query(self, name: str) -> None:
        wanted = name.removesuffix(".rq")
        for item in library_queries(self.server.config.queries_dir):
            if item.name == wanted:  # only names from the directory listing: no path traversal
                body = item.path.read_bytes()
                self._send(Reply(200, "text/plain; charset=utf-8", body))
                return
        raise BadRequest(404, f"no library query named '{name}'")

    # -- the SPARQL Protocol --------------------------------------------------------------------------
    def _read_body(self) -> bytes:
        if self.headers.get("Transfer-Encoding", "").lower() not in ("", "identity"):
            raise BadRequest(411, "chunked request bodies are not supported: send a Content-Length")
        length_header = self.headers.get("Content-Length")
        if length_header is None:
            raise BadRequest(411, "a POST needs a Content-Length header")
        try:
            length = int(length_header)
        except ValueError:
            raise BadRequest(400, "invalid Content-Length header") from None
        if length < 0:
            raise BadRequest(400, "invalid Content-Length header")
        if length > self.server.config.max_body:
            raise BadRequest(413, f"request body too large: {length} bytes, the limit is {self.server.config.max_body}")
        body = self.rfile.read(length)
        self._body_read = True
        return body

    def _params(self) -> dict[str, list[str]]:
        """The protocol parameters from the URL and, for POST, the body (a direct query body becomes ``query``)."""
        url_params = parse_qs(urlsplit(self.path).query, keep_blank_values=True)
        if self.command != "POST":
            return url_params
        body = self._read_body()
        ctype = self.headers.get("Content-Type", "").split(";")[0].strip().lower()
        try:
            text = body.decode("utf-8")
        except UnicodeDecodeError:
            raise BadRequest(400, "the request body is not UTF-8") from None
        if ctype == "application/sparql-update":
            raise BadRequest(403, "SPARQL Update is not allowed: this endpoint is read-only")
        if ctype == "application/sparql-query":
            if "query" in url_params:
                raise BadRequest(400, "a query in the body and in the URL: send it once")
            return {**url_params, "query": [text]}
        if ctype == "application/x-www-form-urlencoded":
            params = parse_qs(text, keep_blank_values=True)
            for key, values in url_params.items():
                params.setdefault(key, []).extend(values)
            return params
        raise BadRequest(
            415,
            f"unsupported Content-Type '{ctype or '(none)'}': POST application/x-www-form-urlencoded "
            "(query=...) or application/sparql-query",
        )

    def _sparql(self) -> None:
        params = self._params()
        if "update" in params or "using-graph-uri" in params or "using-named-graph-uri" in params:
            raise BadRequest(403, "SPARQL Update is not allowed: this endpoint is read-only (the 'update' parameter is refused)")
        queries = params.get("query", [])
        if not queries:
            raise BadRequest(400, "missing 'query' parameter (GET /sparql?query=..., or POST it); the query page is at /")
        if len(queries) > 1:
            raise BadRequest(400, "more than one 'query' parameter")
        fmt = None
        if params.get("format"):
            fmt = normalise_format(params["format"][-1])
            if fmt is None:
                raise BadRequest(400, f"unknown format '{params['format'][-1]}'; use one of: {', '.join(ALL_FORMATS)}")
        request = QueryRequest(
            query=queries[0],
            accept=self.headers.get("Accept", ""),
            fmt=fmt,
            default_graphs=tuple(params.get("default-graph-uri", [])),
            named_graphs=tuple(params.get("named-graph-uri", [])),
            max_rows=self.server.config.max_rows,
        )
        reply = self.server.pool.run(request, self.server.config.timeout)
        self._send(reply, {"Vary": "Accept"})


# -----------------------------------------------------------------------------------------------------------
# the library entry point


def make_server(source: DataSource, config: ServeConfig) -> SparqlServer:
    """Start the workers (they open the data) and bind the socket; call ``serve_forever`` then ``close``.

    Raises :class:`extract.errors.CsrKgError` when the data cannot be opened or the address cannot be bound.
    """
    from extract.errors import CsrKgError, Errors

    pool = WorkerPool(source, size=config.workers, memory_limit_mb=config.memory_limit_mb)
    pool.start()
    try:
        return SparqlServer(config, pool)
    except OSError as err:
        pool.close()
        raise CsrKgError(Errors.E100, host=config.host, port=config.port, reason=err.strerror or err) from err
    except BaseException:
        pool.close()
        raise

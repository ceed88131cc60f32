"""Run SPARQL on a graph file (rdflib, in memory) or on a store (Oxigraph) and format the answer.

Both engines answer with the same :class:`QueryResult` (rdflib terms), so the formatters and the tests do
not care where a result came from. Output formats follow the W3C specs, so that other tools can read them:
``csv`` and ``tsv`` as in "SPARQL 1.1 Query Results CSV and TSV Formats", ``json`` as in "SPARQL 1.1 Query
Results JSON Format"; ``table`` is for people (columns aligned by display width, so Chinese text lines up).
"""
from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from rdflib import BNode, Graph, Literal, URIRef

from extract.errors import Errors, InputError, one_line
from kg.rdfterms import from_ox
from kg.textwidth import clip, display_width, pad
from kg.vocab import PREFIXES, QUERIES_DIR

if TYPE_CHECKING:  # pragma: no cover
    from kg.store import CsrStore

FORMATS: tuple[str, ...] = ("table", "csv", "tsv", "json", "ttl")
DEFAULT_MAX_WIDTH = 60


@dataclass
class QueryResult:
    """The answer of one query: ``kind`` is ``select``, ``ask`` or ``graph`` (CONSTRUCT / DESCRIBE).

    ``rows`` hold rdflib terms (``None`` = unbound); for graph results the rows are the sorted triples
    under the variables ``subject``, ``predicate``, ``object``.
    """

    kind: str
    variables: list[str] = field(default_factory=list)
    rows: list[tuple[Any, ...]] = field(default_factory=list)
    boolean: bool | None = None

    def __len__(self) -> int:
        return len(self.rows)

    def values(self) -> list[tuple[Any, ...]]:
        """The rows as plain Python values (str, int, Decimal, date …; IRIs as str)."""
        return [tuple(_py(t) for t in row) for row in self.rows]

    def dicts(self) -> list[dict[str, Any]]:
        """The rows as ``{variable: term}`` (unbound variables left out)."""
        return [{v: t for v, t in zip(self.variables, row) if t is not None} for row in self.rows]

    def graph(self) -> Graph:
        """The triples of a CONSTRUCT / DESCRIBE result as an rdflib graph."""
        if self.kind != "graph":
            raise InputError(Errors.E060, what="a graph result")
        g = Graph()
        for s, p, o in self.rows:
            g.add((s, p, o))
        return g


def _py(term: Any) -> Any:
    if term is None:
        return None
    if isinstance(term, Literal):
        value = term.toPython()
        return str(term) if isinstance(value, Literal) else value
    return str(term)


# ---------------------------------------------------------------------------------------------------------
# finding queries


@dataclass(frozen=True)
class LibraryQuery:
    """One ``queries/NAME.rq`` file with its header."""

    name: str
    path: Path
    title: str


def query_header(text: str) -> tuple[str, list[str]]:
    """``(title, other comment lines)`` of a query file's leading ``#`` block."""
    lines = []
    for line in text.splitlines():
        if not line.startswith("#"):
            break
        lines.append(line[1:].strip())
    if not lines or not lines[0].lower().startswith("title:"):
        return "", lines
    return lines[0].split(":", 1)[1].strip(), lines[1:]


def library(directory: Path = QUERIES_DIR) -> list[LibraryQuery]:
    """The bundled queries, sorted by name."""
    out = []
    for path in sorted(directory.glob("*.rq")):
        title, _ = query_header(path.read_text(encoding="utf-8"))
        out.append(LibraryQuery(path.stem, path, title))
    return out


def find_query(spec: str, directory: Path = QUERIES_DIR) -> tuple[str, str]:
    """``(sparql text, where it came from)`` for a path to a ``.rq`` file or a library NAME (or NAME.rq)."""
    path = Path(spec)
    if not path.is_file():
        name = spec[:-3] if spec.endswith(".rq") else spec
        candidate = directory / f"{name}.rq"
        if "/" not in name and candidate.is_file():
            path = candidate
        else:
            hint = " (inline SPARQL goes after -e)" if "{" in spec else " (list them with: csrkg queries)"
            raise InputError(Errors.E056, name=spec, hint=hint)
    try:
        return path.read_text(encoding="utf-8"), str(path)
    except (OSError, UnicodeDecodeError) as err:
        raise InputError(Errors.E057, path=path, reason=one_line(str(err))) from err


# ---------------------------------------------------------------------------------------------------------
# running


def run_on_graph(graph: Graph, sparql: str) -> QueryResult:
    """Run ``sparql`` with rdflib on an in-memory graph; refused first (:mod:`kg.sparql_guard`): updates,
    SERVICE, and FROM / FROM NAMED, which rdflib would fetch from the network."""
    from rdflib.plugins.sparql import prepareQuery

    from kg.sparql_guard import check_query, needs_check

    if needs_check(sparql):  # (otherwise nothing to refuse: prepareQuery is the one parse)
        check_query(sparql, allow_dataset=False)
    try:
        prepared = prepareQuery(sparql)
    except Exception as err:
        raise InputError(Errors.E058, reason=one_line(str(err))) from err
    try:  # rdflib evaluates lazily: errors surface while iterating, so materialise inside the try
        result = graph.query(prepared)
        if result.type == "ASK":
            return QueryResult("ask", boolean=bool(result.askAnswer))
        if result.type in ("CONSTRUCT", "DESCRIBE"):
            return _graph_result(list(result.graph))  # type: ignore[union-attr]
        variables = [str(v) for v in result.vars or []]
        rows = [tuple(row[i] for i in range(len(variables))) for row in result]
    except Exception as err:
        raise InputError(Errors.E059, reason=one_line(str(err)) or type(err).__name__) from err
    return QueryResult("select", variables, rows)


def run_on_store(store: "CsrStore", sparql: str) -> QueryResult:
    """Run ``sparql`` with Oxigraph over the union of the store's named graphs; refused first as the endpoint
    refuses (updates, SERVICE); FROM names graphs of the store, which Oxigraph never fetches."""
    import pyoxigraph as ox

    from kg.sparql_guard import check_query, needs_check

    dataset = check_query(sparql, allow_dataset=True).dataset if needs_check(sparql) else ()
    try:  # the store's union graph, unless the query names its own dataset (as the endpoint does)
        union_view = not dataset and not store.has_union_graph()
        result = store.ox.query(sparql, use_default_graph_as_union=union_view)
    except SyntaxError as err:
        raise InputError(Errors.E058, reason=one_line(str(err))) from err
    except (OSError, ValueError) as err:
        raise InputError(Errors.E059, reason=one_line(str(err)) or type(err).__name__) from err
    if isinstance(result, ox.QueryBoolean):
        return QueryResult("ask", boolean=bool(result))
    if isinstance(result, ox.QueryTriples):
        return _graph_result([(from_ox(t.subject), from_ox(t.predicate), from_ox(t.object)) for t in result])
    variables = [v.value for v in result.variables]
    rows = [tuple(from_ox(sol[v]) for v in variables) for sol in result]
    return QueryResult("select", variables, rows)


def run_query(target: "Graph | CsrStore", sparql: str) -> QueryResult:
    """Run on whichever backend ``target`` is."""
    if isinstance(target, Graph):
        return run_on_graph(target, sparql)
    return run_on_store(target, sparql)


def _graph_result(triples: list[tuple[Any, Any, Any]]) -> QueryResult:
    rows = sorted(set(triples), key=lambda t: tuple(_nt(x) for x in t))
    return QueryResult("graph", ["subject", "predicate", "object"], rows)


# ---------------------------------------------------------------------------------------------------------
# formatting


def format_result(result: QueryResult, fmt: str = "table", max_width: int = DEFAULT_MAX_WIDTH) -> str:
    """Serialise ``result`` as ``table``, ``csv``, ``tsv``, ``json`` or (graph results) ``ttl``."""
    if fmt == "table":
        return format_table(result, max_width)
    if fmt == "csv":
        return format_csv(result)
    if fmt == "tsv":
        return format_tsv(result)
    if fmt == "json":
        return format_json(result)
    if fmt == "ttl":
        if result.kind != "graph":
            raise InputError(Errors.E060, what="--format ttl")
        return result.graph().serialize(format="turtle")
    raise InputError(Errors.E061, what="output", fmt=fmt, known=", ".join(FORMATS))


def _nt(term: Any) -> str:
    """N-Triples / Turtle form of a term (the TSV encoding)."""
    if term is None:
        return ""
    if isinstance(term, URIRef):
        return f"<{term}>"
    if isinstance(term, BNode):
        return f"_:{term}"
    if isinstance(term, Literal):
        text = (
            str(term)
            .replace("\\", "\\\\")
            .replace('"', '\\"')
            .replace("\n", "\\n")
            .replace("\r", "\\r")
            .replace("\t", "\\t")
        )
        if term.language:
            return f'"{text}"@{term.language}'
        if term.datatype is not None:
            return f'"{text}"^^<{term.datatype}>'
        return f'"{text}"'
    return str(term)


def _csv_value(term: Any) -> str:
    if term is None:
        return ""
    if isinstance(term, BNode):
        return f"_:{term}"
    return str(term)


def format_csv(result: QueryResult) -> str:
    """SPARQL 1.1 CSV: header of names, IRIs and lexical forms only, CRLF line ends, RFC 4180 quoting."""
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\r\n")
    if result.kind == "ask":
        writer.writerow(["boolean"])
        writer.writerow(["true" if result.boolean else "false"])
        return buf.getvalue()
    writer.writerow(result.variables)
    for row in result.rows:
        writer.writerow([_csv_value(t) for t in row])
    return buf.getvalue()


def format_tsv(result: QueryResult) -> str:
    """SPARQL 1.1 TSV: ``?var`` header, terms in Turtle syntax, LF line ends."""
    if result.kind == "ask":
        return "?boolean\n" + ('"true"' if result.boolean else '"false"') + "^^<http://www.w3.org/2001/XMLSchema#boolean>\n"
    lines = ["\t".join(f"?{v}" for v in result.variables)]
    lines += ["\t".join(_nt(t) for t in row) for row in result.rows]
    return "\n".join(lines) + "\n"


def _json_term(term: Any) -> dict[str, str]:
    if isinstance(term, URIRef):
        return {"type": "uri", "value": str(term)}
    if isinstance(term, BNode):
        return {"type": "bnode", "value": str(term)}
    out = {"type": "literal", "value": str(term)}
    if term.language:
        out["xml:lang"] = term.language
    elif term.datatype is not None:
        out["datatype"] = str(term.datatype)
    return out


def format_json(result: QueryResult) -> str:
    """SPARQL 1.1 Query Results JSON (``head``/``results``/``bindings``, or ``boolean`` for ASK)."""
    if result.kind == "ask":
        doc: dict[str, Any] = {"head": {}, "boolean": bool(result.boolean)}
    else:
        bindings = [{v: _json_term(t) for v, t in zip(result.variables, row) if t is not None} for row in result.rows]
        doc = {"head": {"vars": list(result.variables)}, "results": {"bindings": bindings}}
    return json.dumps(doc, ensure_ascii=False, indent=2) + "\n"


def _table_value(term: Any) -> str:
    if term is None:
        return ""
    if isinstance(term, URIRef):
        iri = str(term)
        for prefix, ns in PREFIXES.items():
            if iri.startswith(ns) and re.fullmatch(r"[^\s<>\"{}|^`\\]*", iri[len(ns):]):
                return f"{prefix}:{iri[len(ns):]}"
        return f"<{iri}>"
    if isinstance(term, BNode):
        return f"_:{term}"
    return re.sub(r"\s+", " ", str(term))


def format_table(result: QueryResult, max_width: int = DEFAULT_MAX_WIDTH) -> str:
    """Aligned columns for people; cells longer than ``max_width`` columns are cut with '…' (0 = never)."""
    if result.kind == "ask":
        return ("true" if result.boolean else "false") + "\n"
    header = list(result.variables)
    cells = [[clip(_table_value(t), max_width) for t in row] for row in result.rows]
    widths = [display_width(h) for h in header]
    for row in cells:
        widths = [max(w, display_width(c)) for w, c in zip(widths, row)]
    lines = ["  ".join(pad(h, w) for h, w in zip(header, widths)).rstrip()]
    lines.append("  ".join("-" * w for w in widths))
    lines += ["  ".join(pad(c, w) for c, w in zip(row, widths)).rstrip() for row in cells]
    n = len(result.rows)
    lines.append(f"({n} row{'s' if n != 1 else ''})")
    return "\n".join(lines) + "\n"


def parse_json_result(text: str) -> QueryResult:
    """Read a SPARQL JSON result back (used by tests and by tools that cache results)."""
    from rdflib.query import Result

    parsed = Result.parse(io.StringIO(text), format="json")
    if parsed.type == "ASK":
        return QueryResult("ask", boolean=bool(parsed.askAnswer))
    variables: Sequence[Any] = parsed.vars or []
    return QueryResult("select", [str(v) for v in variables], [tuple(r.get(v) for v in variables) for r in parsed.bindings])

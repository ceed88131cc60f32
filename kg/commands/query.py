"""`csrkg query`: run a SPARQL query on a graph file or a store and print the answer."""
from __future__ import annotations

import argparse
import sys

from extract.errors import Errors, InputError

EPILOG = """\
The query is a path to a .rq file, a NAME from the bundled library (see 'csrkg queries'), or inline
SPARQL after -e. Queries on a store run over the union of all its report graphs.

formats:
  table  aligned columns for reading (Chinese text lines up; long cells cut at --max-width)
  csv    SPARQL 1.1 CSV results (IRIs and lexical forms, CRLF)
  tsv    SPARQL 1.1 TSV results (terms in Turtle syntax)
  json   SPARQL 1.1 Query Results JSON
  ttl    Turtle, for CONSTRUCT / DESCRIBE queries

examples:
  csrkg query out/graph.ttl member-companies
  csrkg query out/graph.ttl queries/awards.rq --format csv > awards.csv
  csrkg query --store kgstore award-count --format json
  csrkg query out/graph.ttl -e 'PREFIX csr: <https://w3id.org/csr-kg/ontology#>
      SELECT ?fund WHERE { ?fund a csr:Fund } ORDER BY ?fund'
  csrkg query out/graph.ttl -e 'ASK { ?s ?p ?o }'
"""


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "query",
        help="run a SPARQL query (file, library NAME or -e TEXT) on a graph file or a store",
        description="Run a SPARQL SELECT, ASK, CONSTRUCT or DESCRIBE query on a graph file (rdflib, in memory) "
        "or on a store made by 'csrkg load' (Oxigraph).",
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument("args", nargs="*", metavar="GRAPH_FILE QUERY",
                   help="the graph file (.ttl, .nt, .nq, .trig, .jsonld; omit with --store), then the query "
                   "(QUERY.rq or NAME; omit with -e)")
    p.add_argument("--store", metavar="DIR", help="query this store instead of a graph file")
    p.add_argument("-e", "--expression", metavar="SPARQL", help="inline query text instead of a file or NAME")
    p.add_argument("-f", "--format", choices=("table", "csv", "tsv", "json", "ttl"), default="table",
                   help="output format (default: table)")
    p.add_argument("--max-width", type=int, default=60, metavar="N",
                   help="table only: cut cells wider than N columns (0: never; default 60)")
    p.add_argument("--min-confidence", metavar="C",
                   help="answer over the facts whose confidence (csr:confidence, the measured precision of the rule "
                   "that read them) is at least C, from 0 to 1; with --store the store is read into memory first")
    p.set_defaults(func=run)


def _split(args: argparse.Namespace) -> tuple[str | None, str | None]:
    """Return (graph file or None, query spec or None) from the positionals, or raise a usage error."""
    positionals = list(args.args)
    want = (0 if args.store else 1) + (0 if args.expression is not None else 1)
    if len(positionals) != want:
        needs = []
        if not args.store:
            needs.append("GRAPH_FILE (or --store DIR)")
        if args.expression is None:
            needs.append("QUERY.rq or NAME (or -e SPARQL)")
        got = " ".join(positionals) or "nothing"
        raise InputError(Errors.E091, command="query", needs=" and ".join(needs) or "no positional argument", got=got)
    graph_file = None if args.store else positionals.pop(0)
    spec = None if args.expression is not None else positionals.pop(0)
    return graph_file, spec


def run(args: argparse.Namespace) -> int:
    from kg.graphfile import load_graph
    from kg.query import find_query, format_result, run_query

    graph_file, spec = _split(args)
    if args.expression is not None:
        sparql = args.expression
    else:
        sparql, _where = find_query(spec)  # type: ignore[arg-type]
    minimum = None
    if args.min_confidence is not None:
        from kg.confidence import parse_threshold

        minimum = parse_threshold(args.min_confidence)
    if args.store:
        from kg.store import open_store

        with open_store(args.store, read_only=True) as store:
            if minimum is None:
                result = run_query(store, sparql)
            else:
                from kg.confidence import drop_low_confidence

                result = run_query(drop_low_confidence(store.union_graph(include_ontology=True), minimum), sparql)
    else:
        graph = load_graph(graph_file)  # type: ignore[arg-type]
        if minimum is not None:
            from kg.confidence import drop_low_confidence

            graph = drop_low_confidence(graph, minimum)
        result = run_query(graph, sparql)
    sys.stdout.write(format_result(result, args.format, max_width=args.max_width))
    sys.stdout.flush()
    return 0

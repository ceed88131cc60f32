"""`csrkg stats GRAPH`: counts, centralities, components and communities of a built graph."""
from __future__ import annotations

import argparse
import json
import sys


from extract.errors import Errors, InputError
from kg.graphfile import load_graph


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "stats",
        help="network analytics of a graph: counts, centrality, components, communities",
        description="Print entity and relation counts, degree and betweenness centrality, connected components "
        "and Louvain communities of the entity network of GRAPH (provenance nodes left out).",
    )
    p.add_argument("graph", metavar="GRAPH", help="an RDF file written by 'csrkg build' (Turtle, N-Triples, ...)")
    p.add_argument("--format", choices=("text", "json"), default="text", help="report format (default: text)")
    p.add_argument("--top", type=int, default=10, metavar="N", help="rows in the centrality tables (default: 10)")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from kg.stats import compute_stats, render_text

    if args.top < 1:
        raise InputError(Errors.E090, option="--top", expected="at least 1", value=args.top)
    stats = compute_stats(load_graph(args.graph), top=args.top)
    if args.format == "json":
        sys.stdout.write(json.dumps(stats.to_dict(), ensure_ascii=False, indent=2) + "\n")
    else:
        sys.stdout.write(render_text(stats))
    return 0

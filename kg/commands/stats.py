"""`csrkg stats (GRAPH | --store DIR)`: counts, centralities, components and communities of a graph or corpus."""
from __future__ import annotations

import argparse
import json
import sys
from typing import TYPE_CHECKING

from extract.errors import Errors, InputError

if TYPE_CHECKING:  # pragma: no cover
    from kg.selection import Corpus

# what the filters of add_filter_options select (the epilog of both commands that take them)
FILTERS_HELP = """\
  --report R     a report by IRI, label or source file (with or without suffix)
  --company NAME the reporting organisation, by name or alias (ignoring case; else part of a name)
  --year Y       the year a report covers (csr:reportYear)
"""

EPILOG = """\
filters (repeat one to allow several values; different filters must all hold):
""" + FILTERS_HELP + """\
The analytics run over the entities mentioned in the selected reports and the relations stated in them;
with several reports selected, a per-report table is added.

examples:
  csrkg stats out/graph.ttl
  csrkg stats --store kgstore --year 2024 --format json
  csrkg stats --store kgstore --company 大家保险 --company 平安
"""


def add_filter_options(p: argparse.ArgumentParser) -> None:
    """The report / company / year filters, shared by ``stats`` and ``view``."""
    p.add_argument("--store", metavar="DIR", help="a store made by 'csrkg load' or 'csrkg build --store'")
    p.add_argument("--report", action="append", default=[], metavar="R", help="only this report (repeatable)")
    p.add_argument("--company", action="append", default=[], metavar="NAME",
                   help="only the reports of this organisation (repeatable)")
    p.add_argument("--year", action="append", default=[], metavar="Y", help="only the reports of this year (repeatable)")


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "stats",
        help="network analytics of a graph or a store: counts, centrality, components, communities",
        description="Print entity and relation counts, degree and betweenness centrality, connected components "
        "and Louvain communities of the entity network of GRAPH or of the reports in a store (provenance nodes "
        "left out), optionally of some reports only.",
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument("graph", metavar="GRAPH", nargs="?",
                   help="an RDF file written by 'csrkg build' (Turtle, N-Triples, ...); omit with --store")
    add_filter_options(p)
    p.add_argument("--format", choices=("text", "json"), default="text", help="report format (default: text)")
    p.add_argument("--top", type=int, default=10, metavar="N", help="rows in the centrality tables (default: 10)")
    p.set_defaults(func=run)


def load_corpus(args: argparse.Namespace, command: str) -> Corpus:
    """The corpus named by GRAPH or --store, narrowed by the filters; exactly one source is needed."""
    from kg.selection import corpus_of_graph, corpus_of_store, filter_corpus
    from kg.graphfile import load_graph

    if bool(args.graph) == bool(args.store):
        got = " and ".join(x for x in (args.graph and f"GRAPH {args.graph}", args.store and f"--store {args.store}")
                           if x) or "neither"
        raise InputError(Errors.E091, command=command, needs="either GRAPH or --store DIR", got=got)
    if args.store:
        from kg.store import open_store

        with open_store(args.store, read_only=True) as store:
            corpus = corpus_of_store(store)
    else:
        corpus = corpus_of_graph(load_graph(args.graph))
    return filter_corpus(corpus, args.report, args.company, args.year)


def run(args: argparse.Namespace) -> int:
    from kg.stats import compute_stats, render_text

    if args.top < 1:
        raise InputError(Errors.E090, option="--top", expected="at least 1", value=args.top)
    corpus = load_corpus(args, "stats")
    stats = compute_stats(corpus.graph, top=args.top, corpus=corpus)
    if args.format == "json":
        sys.stdout.write(json.dumps(stats.to_dict(), ensure_ascii=False, indent=2) + "\n")
    else:
        sys.stdout.write(render_text(stats))
    return 0

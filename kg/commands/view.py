"""`csrkg view (GRAPH | --store DIR) -o graph.html`: the interactive HTML view of a graph or of a store's reports."""
from __future__ import annotations

import argparse
import sys

from extract.errors import Errors, InputError
from kg.commands.stats import FILTERS_HELP, add_filter_options, load_corpus

EPILOG = """\
The page is one self-contained file (no request leaves it). With several reports it has a report / company /
year filter; a graph of more nodes than --max-nodes is drawn as its best-connected nodes with their
neighbours plus one cluster node per community (search and the filters draw the rest).

filters (as for 'csrkg stats'; they decide what goes into the file at all):
""" + FILTERS_HELP + """
examples:
  csrkg view --store kgstore -o corpus.html
  csrkg view --store kgstore --year 2024 -o 2024.html
  csrkg view out/graph.ttl -o graph.html --max-nodes 3000
"""


def register(sub: argparse._SubParsersAction) -> None:
    from kg.viz import MAX_DRAWN_NODES

    p = sub.add_parser(
        "view",
        help="write the interactive HTML view of a graph file or a store (optionally some reports only)",
        description="Write graph.html, the offline interactive view, for a graph file or for the reports in a store.",
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument("graph", metavar="GRAPH", nargs="?",
                   help="an RDF file written by 'csrkg build' (Turtle, N-Triples, ...); omit with --store")
    add_filter_options(p)
    p.add_argument("-o", "--out", required=True, metavar="FILE.html", help="the page to write")
    p.add_argument("--max-nodes", type=int, default=MAX_DRAWN_NODES, metavar="N",
                   help=f"draw at most about N nodes at first, cluster the rest (default: {MAX_DRAWN_NODES})")
    p.add_argument("--title", metavar="TEXT", help="the page title (default: the organisations' names)")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from pathlib import Path

    from kg.viz import render_html

    if args.max_nodes < 1:
        raise InputError(Errors.E090, option="--max-nodes", expected="at least 1", value=args.max_nodes)
    out = Path(args.out)
    if out.is_dir():
        raise InputError(Errors.E003, path=out)
    corpus = load_corpus(args, "view")
    try:
        render_html(corpus.graph, out, title=args.title, corpus=corpus, max_nodes=args.max_nodes)
    except OSError as err:
        from extract.errors import one_line

        raise InputError(Errors.E041, path=out, reason=one_line(str(err))) from err
    print(f"wrote {out} ({len(corpus.reports)} report(s))", file=sys.stderr)
    return 0

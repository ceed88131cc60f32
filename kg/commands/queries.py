"""`csrkg queries`: list the bundled SPARQL queries with their one-line descriptions."""
from __future__ import annotations

import argparse
import sys

EPILOG = """\
Each query is a self-contained SPARQL 1.1 file in queries/ (it declares its own PREFIXes, so Oxigraph,
Virtuoso or any other store runs it unchanged). Run one by NAME:

examples:
  csrkg queries
  csrkg queries --show awards          # print the file, with its documentation header
  csrkg query out/graph.ttl awards
"""


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "queries",
        help="list the bundled SPARQL queries",
        description="List the query library (queries/*.rq): NAME and the one-line description of each.",
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument("--show", metavar="NAME", help="print the text of one query instead of the list")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from kg.query import find_query, library
    from kg.textwidth import display_width

    if args.show:
        text, _ = find_query(args.show)
        sys.stdout.write(text if text.endswith("\n") else text + "\n")
        return 0
    entries = library()
    width = max((display_width(q.name) for q in entries), default=0)
    for q in entries:
        sys.stdout.write(f"{q.name.ljust(width)}  {q.title}\n")
    return 0

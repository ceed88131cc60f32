"""`csrkg load`: put report graphs into a persistent store (one named graph per report)."""
from __future__ import annotations

import argparse
import sys

EPILOG = """\
Each report goes into its own named graph, named by its csr:Report IRI; loading a report again replaces
its graph (no duplicates). The ontology is kept in the graph <https://w3id.org/csr-kg/ontology>.
The store is an Oxigraph (RocksDB) directory; it is created if missing.

examples:
  csrkg load out/graph.ttl --store kgstore
  csrkg load out-*/graph.ttl --store kgstore
  csrkg query --store kgstore reporting-organisation
"""


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "load",
        help="load graph files into a store (one named graph per report)",
        description="Load report graphs (Turtle, or any RDF file csrkg can read) into an on-disk store.",
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument("files", nargs="+", metavar="FILE.ttl", help="graph files written by 'csrkg build'")
    p.add_argument("--store", required=True, metavar="DIR", help="the store directory")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from kg.graphfile import load_graph
    from kg.identity import link_store
    from kg.store import open_store

    graphs = [(f, load_graph(f)) for f in args.files]  # parse all first: a bad file loads nothing
    with open_store(args.store) as store:
        for name, graph in graphs:
            for iri in store.put_report(graph):
                print(f"loaded {iri} from {name}", file=sys.stderr)
        links = link_store(store)  # one entity across reports: after the batch, not per report
        if links:
            print(f"linked {len(links)} entit{'y' if len(links) == 1 else 'ies'} across reports", file=sys.stderr)
        print(f"{len(store.reports())} report(s) in {args.store}", file=sys.stderr)
    return 0

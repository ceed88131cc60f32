"""`csrkg export`: write a graph file or a whole store in another RDF syntax, or as a network for Gephi."""
from __future__ import annotations

import argparse
import sys

EPILOG = """\
formats:
  ttl      Turtle (rdflib's sorted serializer): every triple
  nt       N-Triples, lines sorted: every triple
  nq       N-Quads, lines sorted: every triple in its named graph (one graph per report)
  trig     TriG: every triple in its named graph, graphs in IRI order
  jsonld   JSON-LD (named graphs kept), nodes and keys sorted
  graphml  GraphML network: nodes = entities (label, classes, aliases, kind, city …),
           edges = relations (label = relation name); opens in Gephi, yEd, Cytoscape
  gexf     GEXF 1.2 network with the same attributes, for Gephi

From a graph file the named graph of N-Quads/TriG is the report's csr:Report IRI. From a store every
report graph is written, and the ontology graph too unless --no-ontology. Output is byte-identical for
the same input, and written atomically (no half-written file on error).

examples:
  csrkg export out/graph.ttl --format nq -o out/graph.nq
  csrkg export out/graph.ttl --format gexf -o out/graph.gexf
  csrkg export --store kgstore --format trig -o all-reports.trig
  csrkg export --store kgstore --format graphml --no-ontology -o all-reports.graphml
"""


def register(sub: argparse._SubParsersAction) -> None:
    from kg.export import FORMATS

    p = sub.add_parser(
        "export",
        help="export a graph file or a store to ttl, nt, nq, trig, jsonld, graphml or gexf",
        description="Export a graph file or a whole store to another RDF syntax or to a network file.",
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument("graph", nargs="?", metavar="GRAPH_FILE", help="graph file to export (omit with --store)")
    p.add_argument("--store", metavar="DIR", help="export this store instead of a graph file")
    p.add_argument("-f", "--format", required=True, choices=FORMATS, help="output format")
    p.add_argument("-o", "--output", required=True, metavar="FILE", help="output file ('-' for stdout)")
    p.add_argument("--no-ontology", action="store_true", help="store only: leave the ontology graph out")
    p.add_argument("--min-confidence", metavar="C",
                   help="keep only the facts whose confidence (csr:confidence, the measured precision of the rule that "
                   "read them) is at least C, from 0 to 1")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from kg.atomic import atomic_write
    from extract.errors import Errors, InputError
    from kg.export import export_file, export_store
    from kg.graphfile import load_graph

    if bool(args.graph) == bool(args.store):
        raise InputError(Errors.E091, command="export", needs="exactly one of GRAPH_FILE or --store DIR",
                         got="both" if args.graph else "neither")
    minimum = None
    if args.min_confidence is not None:
        from kg.confidence import parse_threshold

        minimum = parse_threshold(args.min_confidence)
    if args.store:
        from kg.store import open_store

        with open_store(args.store, read_only=True) as store:
            data = export_store(store, args.format, include_ontology=not args.no_ontology, min_confidence=minimum)
    else:
        data = export_file(load_graph(args.graph), args.format, min_confidence=minimum)
    if args.output == "-":
        sys.stdout.buffer.write(data)
        sys.stdout.flush()
    else:
        atomic_write(args.output, data)
        print(f"wrote {args.output} ({len(data)} bytes, {args.format})", file=sys.stderr)
    return 0

"""`csrkg build`: report files -> graph.ttl, graph.html and merges.tsv (and optionally a store)."""
from __future__ import annotations

import argparse
import sys
from collections import Counter

from kg.errors import InputError


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "build",
        help="extract a knowledge graph from CSR report text files",
        description="Extract entities and relations from one or more CSR report text files (UTF-8 or "
        "GB18030) and write OUTDIR/graph.ttl (Turtle), OUTDIR/graph.html (interactive view) and "
        "OUTDIR/merges.tsv (alias merge log).",
        epilog="example: csrkg build data/samples/dajia-2024-csr.txt -o out",
    )
    p.add_argument("inputs", nargs="+", metavar="INPUT", help="report text file(s)")
    p.add_argument("-o", "--out", required=True, metavar="OUTDIR", help="output directory (created if missing)")
    p.add_argument("--store", metavar="DIR", help="also load the reports into the Oxigraph store at DIR")
    p.add_argument("--no-html", action="store_true", help="do not write graph.html")
    p.add_argument("-q", "--quiet", action="store_true", help="print nothing but errors")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from kg.pipeline import build_reports, write_outputs
    from kg.vocab import CSR, ENTITY_CLASSES, RELATIONS

    from pathlib import Path

    out = Path(args.out)
    if out.exists() and not out.is_dir():
        raise InputError(f"{out}: exists and is not a directory")
    result = build_reports(args.inputs)
    paths = write_outputs(result, out, html=not args.no_html)
    if args.store:
        from kg.store import open_store

        with open_store(args.store) as store:
            store.put_report(result.graph)
        paths["store"] = Path(args.store)
    if not args.quiet:
        g = result.graph
        from rdflib import RDF

        classes = Counter({c: len(set(g.subjects(RDF.type, CSR[c]))) for c in ENTITY_CLASSES})
        rels = Counter({r: len(list(g.subject_objects(CSR[r]))) for r in RELATIONS})
        w = sys.stdout.write
        w(f"built {len(result.extractions)} report(s) in {result.seconds:.1f} s: {len(g)} triples\n")
        w("entities per class:\n")
        for c in ENTITY_CLASSES:
            w(f"  {c:<14}{classes[c]:>6}\n")
        w("relations per property:\n")
        for r in RELATIONS:
            w(f"  {r:<14}{rels[r]:>6}\n")
        w("outputs:\n")
        for kind, path in paths.items():
            w(f"  {kind:<8}{path}\n")
    return 0

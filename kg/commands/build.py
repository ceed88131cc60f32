"""`csrkg build`: report files -> graph.ttl, graph.html and merges.tsv (and optionally a store)."""
from __future__ import annotations

import argparse
import sys
from collections import Counter



def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "build",
        help="extract a knowledge graph from CSR reports (PDF or text)",
        description="Extract entities and relations from one or more CSR reports (PDF, or text in UTF-8, "
        "UTF-16, GB18030 or Big5; directories give their .pdf and .txt files) and write OUTDIR/graph.ttl (Turtle), "
        "OUTDIR/graph.html (interactive view) and OUTDIR/merges.tsv (alias merge log).",
        epilog="examples:\n  csrkg build data/samples/dajia-2024-csr.txt -o out\n  csrkg build reports/ -o out\n"
        "  csrkg build scanned.pdf --ocr -o out",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument("inputs", nargs="+", metavar="INPUT", help="report file(s) (.pdf, .txt) or directories of them")
    p.add_argument("--password", metavar="PW", help="password of encrypted PDFs")
    p.add_argument("--ocr", action="store_true",
                   help="read PDFs without a text layer (scanned) with Tesseract OCR (chi_sim+eng)")
    p.add_argument("-o", "--out", required=True, metavar="OUTDIR", help="output directory (created if missing)")
    p.add_argument("--store", metavar="DIR", help="also load the reports into the Oxigraph store at DIR")
    p.add_argument("--no-html", action="store_true", help="do not write graph.html (and remove one an earlier build left in OUTDIR)")
    p.add_argument("-q", "--quiet", action="store_true", help="print nothing but errors")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from kg.reports import build_reports, write_outputs
    from kg.vocab import CSR, ENTITY_CLASSES, RELATIONS

    from pathlib import Path

    from kg.inputs import check_output_dir

    out = check_output_dir(args.out)  # E040/E041 before any extraction; nothing is created yet
    result = build_reports(args.inputs, password=args.password, ocr=args.ocr)
    empty = [ex.report.report_id for ex in result.extractions if not ex.facts and len(ex.entities) <= 1]
    for report_id in empty:
        print(f"csrkg: warning: {report_id}: no facts were found in this report", file=sys.stderr)
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

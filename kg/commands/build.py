"""`csrkg build`: report files -> graph.ttl, graph.html and merges.tsv; with --store, a corpus build (kg.corpus)."""
from __future__ import annotations

import argparse
import sys
from collections import Counter

from extract.errors import Errors, InputError


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "build",
        help="extract a knowledge graph from CSR reports (PDF or text)",
        description="Extract entities and relations from one or more CSR reports (PDF, or text in UTF-8, "
        "UTF-16, GB18030 or Big5; directories give their .pdf and .txt files) and write OUTDIR/graph.ttl (Turtle), "
        "OUTDIR/graph.html (interactive view) and OUTDIR/merges.tsv (alias merge log).",
        epilog="examples:\n  csrkg build data/samples/dajia-2024-csr.txt -o out\n  csrkg build reports/ -o out\n"
        "  csrkg build scanned.pdf --ocr -o out\n"
        "  csrkg build 'reports/*.pdf' --store store --jobs 4        # a corpus: incremental, in 4 processes\n"
        "  csrkg build reports/ --store store --executor dask --scheduler tcp://10.0.0.5:8786\n\n"
        "With --store the reports go into the store one named graph each, as they finish; a report whose\n"
        "file the store already holds (same sha256) is skipped unless --force. A report that fails is named\n"
        "on stderr and the others are built; the exit code is then 4 (E110).",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument("inputs", nargs="+", metavar="INPUT", help="report file(s) (.pdf, .txt) or directories of them")
    p.add_argument("--password", metavar="PW", help="password of encrypted PDFs")
    p.add_argument("--ocr", action="store_true",
                   help="read PDFs without a text layer (scanned) with Tesseract OCR (chi_sim+eng)")
    p.add_argument("-o", "--out", metavar="OUTDIR",
                   help="output directory (created if missing); optional with --store, where graph.ttl and "
                   "graph.html then show the whole store")
    p.add_argument("--store", metavar="DIR",
                   help="build the reports into the Oxigraph store at DIR (a corpus build: incremental, "
                   "one named graph per report, failed reports named and skipped)")
    p.add_argument("-j", "--jobs", type=int, default=1, metavar="N",
                   help="extract in N worker processes (default 1; the output does not depend on N)")
    p.add_argument("--force", action="store_true", help="with --store: rebuild reports the store already holds")
    p.add_argument("--executor", choices=("local", "dask"), default="local",
                   help="with --store: where reports are extracted: local processes (default) or a Dask cluster")
    p.add_argument("--scheduler", metavar="ADDRESS",
                   help="with --executor dask: the scheduler, e.g. tcp://10.0.0.5:8786 (default: a local cluster "
                   "of --jobs workers)")
    p.add_argument("--nquads-dir", metavar="DIR",
                   help="with --store: also write each report's graph as DIR/<report-id>.nq (for bulk loaders)")
    p.add_argument("--progress", action="store_true",
                   help="with --store: show the progress bar even when stderr is not a terminal")
    p.add_argument("--no-html", action="store_true",
                   help="do not write graph.html (and remove one an earlier build left in OUTDIR)")
    p.add_argument("-q", "--quiet", action="store_true", help="print nothing but errors")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from kg.reports import build_reports, write_outputs
    from kg.vocab import CSR, ENTITY_CLASSES, RELATIONS

    if args.jobs < 1:
        raise InputError(Errors.E090, option="--jobs", expected="at least 1", value=args.jobs)
    if args.store:
        return run_corpus(args)
    store_only = [flag for flag, given in (("--force", args.force), ("--executor dask", args.executor == "dask"),
                                            ("--scheduler", args.scheduler), ("--nquads-dir", args.nquads_dir))
                  if given]
    if store_only:
        raise InputError(Errors.E091, command="build " + " ".join(store_only), needs="--store DIR", got="no --store")
    if not args.out:
        raise InputError(Errors.E091, command="build", needs="-o OUTDIR or --store DIR", got="neither")
    from kg.inputs import check_output_dir

    out = check_output_dir(args.out)  # E040/E041 before any extraction; nothing is created yet
    result = build_reports(args.inputs, password=args.password, ocr=args.ocr, jobs=args.jobs)
    empty = [ex.report.report_id for ex in result.extractions if not ex.facts and len(ex.entities) <= 1]
    for report_id in empty:
        print(f"csrkg: warning: {report_id}: no facts were found in this report", file=sys.stderr)
    paths = write_outputs(result, out, html=not args.no_html)
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


def run_corpus(args: argparse.Namespace) -> int:
    """``--store``: many reports into the store (kg.corpus), then graph.ttl/graph.html of the store with -o."""
    from kg.corpus import build_corpus, write_store_outputs
    from kg.store import open_store

    from pathlib import Path

    from kg.inputs import check_output_dir

    out = check_output_dir(args.out) if args.out else None  # E040/E041 before any extraction
    if args.scheduler and args.executor != "dask":
        raise InputError(Errors.E091, command="build --scheduler", needs="--executor dask", got="--executor local")
    progress = args.progress or (not args.quiet and sys.stderr.isatty())
    with open_store(args.store) as store:
        result = build_corpus(args.inputs, store, jobs=args.jobs, executor=args.executor, scheduler=args.scheduler,
                              force=args.force, password=args.password, ocr=args.ocr, nquads_dir=args.nquads_dir,
                              progress=progress)
        paths = write_store_outputs(store, out, html=not args.no_html) if out is not None else {}
    paths["store"] = Path(args.store)
    if args.nquads_dir:
        paths["nquads"] = Path(args.nquads_dir)
    if not args.quiet:
        w = sys.stdout.write
        w(result.summary() + "\n")
        w("outputs:\n")
        for kind, path in paths.items():
            w(f"  {kind:<8}{path}\n")
    if result.failed:
        from extract.errors import CsrKgError

        raise CsrKgError(Errors.E110, failed=len(result.failed), total=result.total)
    return 0

#!/usr/bin/env python3
"""Benchmark csr-kg: build time and memory, extraction time, query engines, scaling with the number of reports.

Run from anywhere: ``python bench/run.py [--scale N] [--repeat R] [--corpus-size N] [--quick]``. Prints
tables, writes ``bench/results.json`` and ``bench/RESULTS.md`` and exits non-zero when a target
(``TARGETS``) is missed. The targets live here, not in the unit tests: timings depend on the machine,
behaviour does not. Sections: extraction throughput vs bare tokenisation (``throughput.py``), a generated
corpus built by the CLI (``corpus.py``, ``generate_corpus.py``), library queries on a store of a million
triples (``bigstore.py``), and the original build / query measurements of the sample (here).
"""
from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))  # the bench's own modules (throughput, corpus, bigstore, report)

SAMPLE = ROOT / "data" / "samples" / "dajia-2024-csr.txt"
QUERIES = ROOT / "queries"
RESULTS = ROOT / "bench" / "results.json"
RESULTS_MD = ROOT / "bench" / "RESULTS.md"
DEV_REPORTS = sorted((ROOT / "tests" / "data" / "dev").glob("*.txt"))

# the targets: build of the bundled sample on a 2-core machine, and issue 10's
TARGETS = {
    "build_sample_wall_s": 30.0,
    "build_sample_peak_rss_mb": 1536.0,
    "extract_vs_tokenise_ratio": 2.0,  # extraction time / bare jieba tokenisation time, each text set
    "store_vs_rdflib_speedup": 10.0,  # at least: rdflib time / CsrStore time, each library query, 1M triples
    "store_path_vs_raw_ratio": 1.2,  # kg.query.run_on_store time / raw pyoxigraph time, each library query
}
AT_LEAST = frozenset({"store_vs_rdflib_speedup"})  # lower limits; every other target is an upper limit


def run_child(argv: list[str], cwd: Path = ROOT) -> dict[str, Any]:
    """Run ``argv``; return its wall time and the peak RSS of *that* child (``os.wait4`` gives its rusage)."""
    env = dict(os.environ, PYTHONPATH=str(ROOT) + os.pathsep + os.environ.get("PYTHONPATH", ""))
    with tempfile.TemporaryFile() as out_file, tempfile.TemporaryFile() as err_file:
        start = time.perf_counter()
        proc = subprocess.Popen(argv, cwd=cwd, env=env, stdout=out_file, stderr=err_file)
        # os.wait4 instead of Popen.wait: it returns the rusage of this very child
        _, status, usage = os.wait4(proc.pid, 0)
        wall = time.perf_counter() - start
        proc.returncode = code = os.waitstatus_to_exitcode(status)
        out_file.seek(0)
        err_file.seek(0)
        out, err = out_file.read(), err_file.read()
    if code != 0:
        raise SystemExit(f"bench: {' '.join(argv)} failed ({code}): {err.decode('utf-8', 'replace')[-2000:]}")
    return {
        "wall_s": round(wall, 3),
        "peak_rss_mb": round(usage.ru_maxrss / 1024, 1),  # Linux: kilobytes
        "user_s": round(usage.ru_utime, 3),
        "sys_s": round(usage.ru_stime, 3),
        "stdout": out.decode("utf-8", "replace"),
    }


def csrkg() -> list[str]:
    """The CLI, run with the interpreter of this benchmark (the venv's)."""
    return [sys.executable, "-m", "kg.cli"]


def bench_build(inputs: list[Path], out: Path) -> dict[str, Any]:
    result = run_child(csrkg() + ["build", *map(str, inputs), "-o", str(out)])
    result.pop("stdout")
    graph = out / "graph.ttl"
    result["reports"] = len(inputs)
    result["graph_ttl_kb"] = round(graph.stat().st_size / 1024, 1) if graph.exists() else None
    return result


EXTRACT_ONLY = r"""
import sys, time
from pathlib import Path
from kg import reports
path = Path(sys.argv[1])
start = time.perf_counter()
extraction = reports.extract_report(path)
print(time.perf_counter() - start)
"""


def bench_extract(path: Path) -> dict[str, Any] | None:
    """Extraction alone (text -> records, no RDF), in a fresh process so model loading is counted."""
    from kg import reports

    if not hasattr(reports, "extract_report"):
        return None
    result = run_child([sys.executable, "-c", EXTRACT_ONLY, str(path)])
    result["extract_s"] = round(float(result.pop("stdout").strip().splitlines()[-1]), 3)
    return result


def _time(fn, repeat: int) -> tuple[float, Any]:
    times, value = [], None
    for _ in range(repeat):
        start = time.perf_counter()
        value = fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times), value


def bench_queries(graph_ttl: Path, repeat: int) -> list[dict[str, Any]]:
    """Each library query (queries/*.rq) on rdflib and on an in-memory pyoxigraph store, same graph."""
    import pyoxigraph as ox
    import rdflib

    start = time.perf_counter()
    graph = rdflib.Graph().parse(graph_ttl, format="turtle")
    rdflib_load = time.perf_counter() - start
    start = time.perf_counter()
    store = ox.Store()
    store.load(path=str(graph_ttl), format=ox.RdfFormat.TURTLE)
    ox_load = time.perf_counter() - start
    rows = [{"query": "(load graph.ttl)", "rdflib_ms": round(rdflib_load * 1000, 1),
             "oxigraph_ms": round(ox_load * 1000, 1), "rows": len(graph), "rows_agree": True}]
    for path in sorted(QUERIES.glob("*.rq")):
        text = path.read_text(encoding="utf-8")
        row: dict[str, Any] = {"query": path.stem}
        counts = {}
        for engine, fn in (("rdflib", lambda: list(graph.query(text))), ("oxigraph", lambda: list(store.query(text)))):
            try:
                seconds, result = _time(fn, repeat)
            except Exception as err:  # an engine failing on a library query is a finding, not a crash
                row[f"{engine}_ms"] = None
                row[f"{engine}_error"] = f"{type(err).__name__}: {' '.join(str(err).split())[:200]}"
                continue
            row[f"{engine}_ms"] = round(seconds * 1000, 2)
            counts[engine] = len(result)
        row["rows"] = counts.get("rdflib", counts.get("oxigraph"))
        row["rows_agree"] = len(counts) == 2 and counts["rdflib"] == counts["oxigraph"]
        rows.append(row)
    return rows


REAL_PDF = ROOT / "tests" / "data" / "pdf" / "shennan-circuits-2021-sustainability.pdf"
PDF_TEXT_PAIRS = [  # the same report as a PDF and as pdfplumber's plain text of that PDF
    (ROOT / "tests" / "data" / "pdf" / f"{name}.pdf", ROOT / "tests" / "data" / "dev" / f"{name}.txt")
    for name in ("dev3-bank-pdf", "dev3-utility-pdf")
] + [(REAL_PDF, ROOT / "tests" / "data" / "dev" / "shennan-2021.txt")]


def bench_pdf(repeat: int) -> dict[str, Any]:
    """Pages per second of the PDF reader on the real report, and the PDF path's cost next to the text path's
    for the same reports (reading only, then reading and extracting)."""
    sys.path.insert(0, str(ROOT))
    import pypdfium2 as pdfium

    from extract.extractor import extract_document
    from extract.pdf import pdf_text
    from extract.reader import read_report

    pages = len(pdfium.PdfDocument(str(REAL_PDF)))
    read_s, _ = _time(lambda: pdf_text(REAL_PDF), repeat)
    out: dict[str, Any] = {"real_pdf_pages": pages, "real_pdf_read_s": round(read_s, 3),
                           "pages_per_s": round(pages / read_s, 1) if read_s else None, "pairs": []}
    read_report(PDF_TEXT_PAIRS[0][1])  # load the model once, outside the timings
    extract_document(read_report(PDF_TEXT_PAIRS[0][1]))
    for pdf, txt in PDF_TEXT_PAIRS:
        pdf_s, _ = _time(lambda: extract_document(read_report(pdf)), repeat)
        txt_s, _ = _time(lambda: extract_document(read_report(txt)), repeat)
        out["pairs"].append({"report": pdf.stem, "pdf_s": round(pdf_s, 3), "text_s": round(txt_s, 3),
                             "ratio": round(pdf_s / txt_s, 1) if txt_s else None})
    return out


def scaled_inputs(n: int, workdir: Path) -> list[Path]:
    """The sample as ``n`` separate report files (distinct names, same text)."""
    paths = []
    for i in range(1, n + 1):
        path = workdir / f"{SAMPLE.stem}-copy{i}.txt"
        shutil.copyfile(SAMPLE, path)
        paths.append(path)
    return paths


def table(headers: list[str], rows: list[list[Any]]) -> str:
    cells = [headers] + [["-" if c is None else str(c) for c in row] for row in rows]
    widths = [max(len(r[i]) for r in cells) for i in range(len(headers))]
    lines = ["  ".join(c.ljust(w) if i == 0 else c.rjust(w) for i, (c, w) in enumerate(zip(r, widths))) for r in cells]
    lines.insert(1, "  ".join("-" * w for w in widths))
    return "\n".join(lines)


def child_env() -> dict[str, str]:
    return dict(os.environ, PYTHONPATH=str(ROOT) + os.pathsep + os.environ.get("PYTHONPATH", ""))


def section_throughput(repeat: int, quick: bool) -> tuple[dict[str, Any], list[Any]]:
    """Extraction chars/s vs bare tokenisation on the sample and on the dev reports; the profile if missed."""
    import throughput

    out: dict[str, Any] = {"startup_s": throughput.startup_s(child_env()), "repeat": repeat, "sets": []}
    throughput.warm_up(SAMPLE)
    extractions: list[Any] = []
    for name, paths in (("sample", [SAMPLE]), (f"dev reports ({len(DEV_REPORTS)})", DEV_REPORTS)):
        row, kept = throughput.measure_set(name, paths, repeat)
        out["sets"].append(row)
        extractions += kept
    if max(r["ratio"] for r in out["sets"]) > TARGETS["extract_vs_tokenise_ratio"]:
        print("  extraction misses its ratio target: profiling it ...", file=sys.stderr)
        out["profile"] = throughput.profile_extraction(DEV_REPORTS[:5] if quick else DEV_REPORTS)
    return out, extractions


def section_bigstore(extractions: list[Any], work: Path, triples: int, repeat: int,
                     timeout_s: float, store_timeout_s: float) -> dict[str, Any]:
    """The million-triple store; the profile of our path on the query furthest over the ours/raw target."""
    import bigstore

    out = bigstore.bench_bigstore(extractions, work, triples, repeat, timeout_s, store_timeout_s)
    out["repeat"] = repeat
    for row in out["queries"]:
        row.update(bigstore.speedups(row))
    measured = [q for q in out["queries"] if q["ours_vs_raw"] is not None]
    worst = max(measured, key=lambda q: q["ours_vs_raw"], default=None)
    if worst and worst["ours_vs_raw"] > TARGETS["store_path_vs_raw_ratio"]:
        print(f"  our store path misses its target on {worst['query']}: profiling it ...", file=sys.stderr)
        runs = max(1, min(5, int(10_000 / max(worst["ours_ms"], 1))))  # about ten seconds of samples
        out["profile"] = bigstore.profile_query(Path(out["store_dir"]), worst["query"], runs)
    return out


def _check(name: str, measured: float | None, where: str = "", undetermined: str = "") -> dict[str, Any]:
    limit = TARGETS[name]
    if measured is None:
        status = "not measured"
    elif (measured >= limit) if name in AT_LEAST else (measured <= limit):
        status = f"met; undetermined: {undetermined}" if undetermined else "met"
    else:
        status = f"MISSED; undetermined: {undetermined}" if undetermined else "MISSED"
    return {"name": name, "limit": f"{'>=' if name in AT_LEAST else '<='} {limit}",
            "measured": f"{measured}{where}", "status": status, "missed": status.startswith("MISSED")}


def target_checks(results: dict[str, Any]) -> list[dict[str, Any]]:
    """Every target with its measured value (the worst text set / query) and whether it is met."""
    build = results["build_sample"]
    checks = [_check("build_sample_wall_s", build["wall_s"]), _check("build_sample_peak_rss_mb", build["peak_rss_mb"])]
    if "throughput" in results:
        worst = max(results["throughput"]["sets"], key=lambda r: r["ratio"])
        checks.append(_check("extract_vs_tokenise_ratio", worst["ratio"], f" ({worst['set']})"))
    if "bigstore" in results:
        queries = results["bigstore"]["queries"]
        limit = TARGETS["store_vs_rdflib_speedup"]

        def decided(q: dict[str, Any]) -> bool:  # a bound on the wrong side of the limit proves nothing
            bound, value = q["rdflib_bound"], q["rdflib_vs_ours"]
            return bound == "=" or (bound == ">=" and value >= limit) or (bound == "<=" and value < limit)

        known = [q for q in queries if q["rdflib_bound"] and decided(q)]
        open_ = [q["query"] for q in queries if not (q["rdflib_bound"] and decided(q))]
        slow = min(known, key=lambda q: q["rdflib_vs_ours"]) if known else None
        checks.append(_check("store_vs_rdflib_speedup", slow["rdflib_vs_ours"] if slow else None,
                             f" ({slow['query']}{'' if slow['rdflib_bound'] == '=' else ', bound ' + slow['rdflib_bound']})"
                             if slow else "", ", ".join(open_)))
        measured = [q for q in queries if q["ours_vs_raw"] is not None]
        worst = max(measured, key=lambda q: q["ours_vs_raw"], default=None)
        not_measured = ", ".join(q["query"] for q in queries if q["ours_vs_raw"] is None)
        checks.append(_check("store_path_vs_raw_ratio", worst["ours_vs_raw"] if worst else None,
                             f" ({worst['query']})" if worst else "", not_measured))
    return checks


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=int, default=None, help="reports in the scaled run (default 5, quick 2)")
    parser.add_argument("--repeat", type=int, default=None, help="runs per query, the median is kept (default 3, quick 1)")
    parser.add_argument("--corpus-size", type=int, default=None, help="generated reports built by the CLI (default 500, quick 20)")
    parser.add_argument("--seed", type=int, default=1, help="seed of the generated corpus (default 1)")
    parser.add_argument("--triples", type=int, default=None, help="size of the big store (default 1000000, quick 100000)")
    parser.add_argument("--rdflib-timeout", type=float, default=None, help="seconds before an rdflib query on the big store is stopped (default 60, quick 20)")
    parser.add_argument("--store-timeout", type=float, default=None, help="seconds before a query on the big store (our path, then raw) is stopped (default 60, quick 20)")
    parser.add_argument("--quick", action="store_true", help="small sizes for a smoke test (about two minutes)")
    parser.add_argument("--output", type=Path, default=RESULTS, help="results file (default bench/results.json)")
    parser.add_argument("--markdown", type=Path, default=RESULTS_MD, help="human-readable results (default bench/RESULTS.md)")
    args = parser.parse_args(argv)
    quick = args.quick

    def pick(value: Any, full: Any, small: Any) -> Any:
        return value if value is not None else (small if quick else full)

    scale, repeat = pick(args.scale, 5, 2), pick(args.repeat, 3, 1)
    corpus_size, triples = pick(args.corpus_size, 500, 20), pick(args.triples, 1_000_000, 100_000)
    rdflib_timeout = pick(args.rdflib_timeout, 60.0, 20.0)
    store_timeout = pick(args.store_timeout, 60.0, 20.0)

    from report import machine, render

    bench_start = time.perf_counter()
    results: dict[str, Any] = {
        "machine": machine(),
        "options": {"quick": quick, "scale": scale, "repeat": repeat, "corpus_size": corpus_size, "seed": args.seed,
                    "triples": triples, "rdflib_timeout_s": rdflib_timeout,
                    "store_timeout_s": store_timeout},
        "targets": TARGETS,
    }
    with tempfile.TemporaryDirectory(prefix="csrkg-bench-") as tmp:
        work = Path(tmp)
        print(f"building the sample ({SAMPLE.name}) ...", file=sys.stderr)
        results["build_sample"] = build = bench_build([SAMPLE], work / "sample")
        print("extraction only ...", file=sys.stderr)
        results["extract_sample"] = bench_extract(SAMPLE)
        print("queries: rdflib vs pyoxigraph ...", file=sys.stderr)
        results["queries"] = bench_queries(work / "sample" / "graph.ttl", repeat)
        print(f"scaled build: {scale} reports ...", file=sys.stderr)
        scaled_dir = work / "scaled-in"
        scaled_dir.mkdir()
        results["build_scaled"] = bench_build(scaled_inputs(scale, scaled_dir), work / "scaled")
        print("PDF input: pages/s and PDF vs text path ...", file=sys.stderr)
        results["pdf"] = bench_pdf(repeat)
        print("extraction throughput vs bare tokenisation ...", file=sys.stderr)
        results["throughput"], extractions = section_throughput(repeat, quick)
        print(f"generated corpus: {corpus_size} reports through the CLI ...", file=sys.stderr)
        import corpus

        results["corpus"] = corpus.bench_corpus(corpus_size, args.seed, work / "corpus-run", child_env(), ROOT)
        print(f"big store: {triples} triples ...", file=sys.stderr)
        results["bigstore"] = section_bigstore(extractions, work / "big", triples, repeat, rdflib_timeout,
                                                store_timeout)
    results["machine"]["load_after"] = [round(x, 2) for x in os.getloadavg()]
    results["bench_wall_s"] = round(time.perf_counter() - bench_start, 1)

    scaled = results["build_scaled"]
    extract = results["extract_sample"]
    print(table(
        ["run", "reports", "wall s", "user s", "peak RSS MB", "graph.ttl KB"],
        [
            ["build sample", 1, build["wall_s"], build["user_s"], build["peak_rss_mb"], build["graph_ttl_kb"]],
            ["extraction only", 1, extract["extract_s"] if extract else None, None,
             extract["peak_rss_mb"] if extract else None, None],
            [f"build x{scale}", scaled["reports"], scaled["wall_s"], scaled["user_s"], scaled["peak_rss_mb"],
             scaled["graph_ttl_kb"]],
        ],
    ))
    pdf = results["pdf"]
    print()
    print(f"PDF reader on the real report: {pdf['real_pdf_pages']} pages in {pdf['real_pdf_read_s']} s = "
          f"{pdf['pages_per_s']} pages/s")
    print(table(["report", "PDF path s", "text path s", "PDF / text"],
                [[p["report"], p["pdf_s"], p["text_s"], p["ratio"]] for p in pdf["pairs"]]))
    print()
    print(table(
        ["query", "rdflib ms", "oxigraph ms", "speed-up", "rows", "same rows"],
        [[q["query"], q["rdflib_ms"], q["oxigraph_ms"],
          f"{q['rdflib_ms'] / q['oxigraph_ms']:.1f}x" if q["oxigraph_ms"] and q["rdflib_ms"] else None, q["rows"],
          "yes" if q["rows_agree"] else "ERROR" if "rdflib_error" in q or "oxigraph_error" in q else "NO"]
         for q in results["queries"]],
    ))

    results["target_checks"] = checks = target_checks(results)
    missed = [f"{c['name']} = {c['measured']}, limit {c['limit']}" for c in checks if c["missed"]]
    disagree = [q["query"] for q in results["queries"] if not q["rows_agree"]]
    results["targets_missed"] = missed
    results["engines_disagree"] = disagree

    from kg.atomic import atomic_write

    atomic_write(args.output, json.dumps(results, ensure_ascii=False, indent=2) + "\n")
    markdown = render(results, TARGETS)
    atomic_write(args.markdown, markdown)
    print()
    print(markdown)
    print(f"\nresults written to {args.output} and {args.markdown}")
    for line in missed:
        print(f"TARGET MISSED: {line}", file=sys.stderr)
    for q in results["queries"]:
        for engine in ("rdflib", "oxigraph"):
            if f"{engine}_error" in q:
                print(f"QUERY FAILED: {q['query']} on {engine}: {q[engine + '_error']}", file=sys.stderr)
        if q["query"] in disagree and "rdflib_error" not in q and "oxigraph_error" not in q:
            print(f"ENGINES DISAGREE: {q['query']} gives a different number of rows on rdflib and pyoxigraph",
                  file=sys.stderr)
    if missed or disagree:
        return 1
    print("all targets met", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())

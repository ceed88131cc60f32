#!/usr/bin/env python3
"""Benchmark csr-kg: build time and memory, extraction time, query engines, scaling with the number of reports.

Run from anywhere: ``python bench/run.py [--scale N] [--repeat R]``. Prints a table, writes
``bench/results.json`` and exits non-zero when a speed target (``TARGETS``) is missed. The targets live
here, not in the unit tests: timings depend on the machine, behaviour does not.
"""
from __future__ import annotations

import argparse
import json
import os
import platform
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

SAMPLE = ROOT / "data" / "samples" / "dajia-2024-csr.txt"
QUERIES = ROOT / "queries"
RESULTS = ROOT / "bench" / "results.json"

# the targets: build of the bundled sample on a 2-core machine
TARGETS = {
    "build_sample_wall_s": 30.0,
    "build_sample_peak_rss_mb": 1536.0,
}


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
from kg import pipeline
path = Path(sys.argv[1])
start = time.perf_counter()
extraction = pipeline.extract_report(path)
print(time.perf_counter() - start)
"""


def bench_extract(path: Path) -> dict[str, Any] | None:
    """Extraction alone (text -> records, no RDF), in a fresh process so model loading is counted."""
    from kg import pipeline

    if not hasattr(pipeline, "extract_report"):
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


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=int, default=5, help="reports in the scaled run (default 5)")
    parser.add_argument("--repeat", type=int, default=3, help="runs per query, the median is kept (default 3)")
    parser.add_argument("--output", type=Path, default=RESULTS, help="results file (default bench/results.json)")
    args = parser.parse_args(argv)

    results: dict[str, Any] = {
        "machine": {"python": platform.python_version(), "platform": platform.platform(), "cpus": os.cpu_count()},
        "targets": TARGETS,
    }
    with tempfile.TemporaryDirectory(prefix="csrkg-bench-") as tmp:
        work = Path(tmp)
        print(f"building the sample ({SAMPLE.name}) ...", file=sys.stderr)
        results["build_sample"] = build = bench_build([SAMPLE], work / "sample")
        print("extraction only ...", file=sys.stderr)
        results["extract_sample"] = bench_extract(SAMPLE)
        print("queries: rdflib vs pyoxigraph ...", file=sys.stderr)
        results["queries"] = bench_queries(work / "sample" / "graph.ttl", args.repeat)
        print(f"scaled build: {args.scale} reports ...", file=sys.stderr)
        scaled_dir = work / "scaled-in"
        scaled_dir.mkdir()
        results["build_scaled"] = bench_build(scaled_inputs(args.scale, scaled_dir), work / "scaled")
        print("PDF input: pages/s and PDF vs text path ...", file=sys.stderr)
        results["pdf"] = bench_pdf(args.repeat)

    scaled = results["build_scaled"]
    extract = results["extract_sample"]
    print(table(
        ["run", "reports", "wall s", "user s", "peak RSS MB", "graph.ttl KB"],
        [
            ["build sample", 1, build["wall_s"], build["user_s"], build["peak_rss_mb"], build["graph_ttl_kb"]],
            ["extraction only", 1, extract["extract_s"] if extract else None, None,
             extract["peak_rss_mb"] if extract else None, None],
            [f"build x{args.scale}", scaled["reports"], scaled["wall_s"], scaled["user_s"], scaled["peak_rss_mb"],
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

    measured = {"build_sample_wall_s": build["wall_s"], "build_sample_peak_rss_mb": build["peak_rss_mb"]}
    missed = [f"{name} = {measured[name]} > {limit}" for name, limit in TARGETS.items() if measured[name] > limit]
    disagree = [q["query"] for q in results["queries"] if not q["rows_agree"]]
    results["targets_missed"] = missed
    results["engines_disagree"] = disagree

    from kg.atomic import atomic_write

    atomic_write(args.output, json.dumps(results, ensure_ascii=False, indent=2) + "\n")
    print(f"\nresults written to {args.output}")
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

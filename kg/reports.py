"""From report files to a graph and its output files: the library entry point behind ``csrkg build``."""
from __future__ import annotations

import time
from dataclasses import dataclass, field
from pathlib import Path

from rdflib import Graph

from extract.errors import Errors, InputError
from extract.records import Extraction
from kg.inputs import expand_inputs, unique_report_ids


@dataclass
class BuildResult:
    """The graph of all reports, each report's extraction, and what was written where."""

    graph: Graph
    extractions: list[Extraction]
    outputs: dict[str, Path] = field(default_factory=dict)
    seconds: float = 0.0


def extract_report(path: str | Path, password: str | None = None, ocr: bool = False,
                   quiet: bool = False) -> Extraction:
    """Read (text or PDF) and extract one report file (``quiet``: no page progress line for long PDFs)."""
    from extract.extractor import extract_document
    from extract.reader import read_report

    return extract_document(read_report(path, password=password, ocr=ocr, quiet=quiet))


def report_id_for(path: str | Path) -> str:
    """The report id ``path`` will get (from its name, before any reading): see ``extract.reader``."""
    from extract.reader import report_id_for as _report_id_for

    return _report_id_for(path)


def extract_reports(files: list[Path], password: str | None = None, ocr: bool = False,
                    jobs: int = 1) -> list[Extraction]:
    """Extract ``files`` in order; with ``jobs`` > 1 in that many worker processes (spawned, so it is safe
    everywhere). The order of the result is the order of ``files`` whatever finishes first, so the graph
    and its bytes do not depend on ``jobs``; the first failing file (in order) raises, as without jobs."""
    if jobs <= 1 or len(files) <= 1:
        return [extract_report(p, password=password, ocr=ocr) for p in files]
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor
    from functools import partial

    pool = ProcessPoolExecutor(max_workers=min(jobs, len(files)), mp_context=multiprocessing.get_context("spawn"))
    try:
        # quiet: page progress lines of several PDFs at once would overwrite one another
        return list(pool.map(partial(extract_report, password=password, ocr=ocr, quiet=True), files))
    finally:  # after a failure, do not extract the reports still queued
        pool.shutdown(wait=True, cancel_futures=True)


def check_inputs(inputs: list[str | Path], password: str | None = None) -> list[Path]:
    """Every report file named (directories expanded), each read and decoded or opened as it will be, report
    ids unique: all before the first extraction."""
    from extract.reader import check_report

    files = expand_inputs(inputs)
    unique_report_ids({p: check_report(p, password) for p in files})
    return files


def build_reports(paths: list[str | Path], password: str | None = None, ocr: bool = False,
                  jobs: int = 1) -> BuildResult:
    """Extract every report and build one graph (entities shared across reports become one node)."""
    from kg.minting import add_extraction, new_graph

    started = time.perf_counter()
    files = check_inputs(paths, password=password)  # all of them, before the first extraction
    extractions = extract_reports(files, password=password, ocr=ocr, jobs=jobs)
    ids = [ex.report.report_id for ex in extractions]
    if len(set(ids)) != len(ids):  # (check_inputs found these already: kept for callers of extract_report)
        raise InputError(Errors.E008, ids=", ".join(sorted(ids)))
    graph = new_graph()
    for ex in extractions:
        add_extraction(graph, ex)
    if len(extractions) > 1:
        from kg.identity import link_graph

        graph, _ = link_graph(graph)
    return BuildResult(graph, extractions, seconds=time.perf_counter() - started)


def serialize_turtle(graph: Graph) -> bytes:
    """Turtle, byte-identical for the same graph (rdflib sorts subjects and predicates)."""
    return graph.serialize(format="turtle", encoding="utf-8")


def merges_tsv(extractions: list[Extraction]) -> str:
    """The merge log as TSV: report, entity label, entity IRI, surface form, reason, line."""
    from kg.vocab import RES

    rows = ["report\tentity\tentity_iri\tsurface_form\treason\tline"]
    for ex in extractions:
        labels = {e.key: e.label for e in ex.entities}
        for m in ex.merges:
            rows.append("\t".join([ex.report.report_id, labels[m.entity], str(RES[m.entity]), m.surface, m.reason, str(m.line)]))
    return "\n".join(rows) + "\n"


def write_outputs(result: BuildResult, outdir: str | Path, html: bool = True) -> dict[str, Path]:
    """Write graph.ttl, merges.tsv and graph.html into ``outdir``, all or nothing: every file goes to a
    temporary file first, and only when all are written are they renamed into place (a failure leaves no
    file and no temporary file behind: E041). With ``html=False`` a graph.html of an earlier build is
    removed, since it would show another graph than the new graph.ttl."""
    from kg.atomic import atomic_write_all

    out = Path(outdir)
    paths = {"turtle": out / "graph.ttl", "merges": out / "merges.tsv"}
    files: dict[Path, bytes] = {paths["turtle"]: serialize_turtle(result.graph),
                                paths["merges"]: merges_tsv(result.extractions).encode("utf-8")}
    if html:
        try:
            from kg.viz import render_page
        except ImportError:  # the view is optional while it is being built
            render_page = None
        if render_page is not None:
            paths["html"] = out / "graph.html"
            files[paths["html"]] = render_page(result.graph).encode("utf-8")
    try:
        atomic_write_all(files)
        if not html:
            (out / "graph.html").unlink(missing_ok=True)
    except OSError as err:
        raise InputError(Errors.E041, path=out, reason=err.strerror or type(err).__name__) from err
    result.outputs = paths
    return paths

"""A store of a million triples: library query latency through our code path, raw pyoxigraph and rdflib.

How the data is made (fast, and the same every run): the real reports are extracted once, each report's
graph is put into a seed store, the seed store is dumped as N-Quads, and that text is replicated with every
resource IRI (``RESOURCE_BASE``) and blank node rewritten per copy, so each copy is a new set of reports and
entities; the copies are bulk-loaded into a ``CsrStore``. rdflib gets the same triples (the union of the
named graphs, set semantics: its best case) from an N-Triples file.

Why rdflib queries run in forked children: rdflib cannot be interrupted, and a forked child shares the
loaded graph (copy-on-write) so a query that passes the timeout is killed without reloading a million triples.
The store queries cannot be interrupted either: they run in ``store_worker.py`` on the closed store, opened
read-only, and that process is killed at the timeout.
"""
from __future__ import annotations

import json
import multiprocessing
import re
import statistics
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
QUERIES = ROOT / "queries"
BYTES_PER_RDFLIB_TRIPLE = 3000  # rdflib's in-memory Graph, measured ~1.5-2.5 KB a triple: with a margin


def seed_nquads(extractions: list[Any], work: Path) -> str:
    """The N-Quads of the real reports, one named graph each (the ontology graph left out)."""
    import pyoxigraph as ox

    from kg.minting import add_extraction, new_graph
    from kg.store import open_store
    from kg.vocab import ONTOLOGY_IRI

    with open_store(work / "seed-store") as store:
        for ex in extractions:
            graph = new_graph()
            add_extraction(graph, ex)
            store.put_report(graph)
        ontology = ox.NamedNode(str(ONTOLOGY_IRI))
        quads = [q for q in store.ox  # the report graphs only: not the ontology, not the union default graph
                 if isinstance(q.graph_name, ox.NamedNode) and q.graph_name != ontology]
        return ox.serialize(quads, format=ox.RdfFormat.N_QUADS).decode("utf-8")


def replicate(seed: str, copies: int, path: Path) -> int:
    """Write ``copies`` of the seed quads with resource IRIs and blank nodes renamed per copy; returns lines."""
    from kg.vocab import RESOURCE_BASE

    iri = re.compile(re.escape(f"<{RESOURCE_BASE}"))
    bnode = re.compile(r"(?<![\w\"])_:([A-Za-z0-9_]+)")
    lines = 0
    with path.open("w", encoding="utf-8") as out:
        for k in range(copies):
            text = iri.sub(f"<{RESOURCE_BASE}c{k}/", seed)
            text = bnode.sub(lambda m, k=k: f"_:{m.group(1)}c{k}", text)
            out.write(text)
            lines += text.count("\n")
    return lines


def to_ntriples(nquads: Path, path: Path, copies_kept: int, copies: int) -> None:
    """Drop the graph names (and, for a smaller rdflib sample, the later copies)."""
    graph_term = re.compile(r" <[^>]*> \.$")
    with nquads.open(encoding="utf-8") as src, path.open("w", encoding="utf-8") as out:
        for line in src:
            out.write(graph_term.sub(" .", line.rstrip("\n")) + "\n")
    if copies_kept < copies:  # rewrite keeping the first copies only (their IRIs carry /c{k}/)
        kept = path.with_suffix(".kept.nt")
        marks = tuple(f"/resource/c{k}/" for k in range(copies_kept))
        with path.open(encoding="utf-8") as src, kept.open("w", encoding="utf-8") as out:
            out.writelines(line for line in src if any(m in line for m in marks))
        kept.replace(path)


def _median_ms(fn: Any, repeat: int, slow_s: float = 1.0) -> tuple[float, Any]:
    """Median of ``repeat`` runs, or one run when the first takes over ``slow_s`` (a minute-long query is
    timed well enough once, and the bench must stay within its time budget)."""
    times, value = [], None
    for _ in range(repeat):
        start = time.perf_counter()
        value = fn()
        times.append(time.perf_counter() - start)
        if times[0] > slow_s:
            break
    return round(statistics.median(times) * 1000, 2), value


def raw_query(ox_store: Any, text: str) -> int:
    """pyoxigraph alone on the store's default graph: run the query and read every bound term (what any
    consumer of the rows does)."""
    import pyoxigraph as ox

    # the same dataset our path reads: the store's default graph, the set union of the report graphs
    result = ox_store.query(text)
    if isinstance(result, ox.QueryBoolean):
        return 1
    if isinstance(result, ox.QueryTriples):
        return len(list(result))
    names = [v.value for v in result.variables]
    return len([[sol[n] for n in names] for sol in result])


def _rdflib_child(conn: Any, graph: Any, text: str) -> None:
    from kg.query import run_on_graph

    start = time.perf_counter()
    try:
        rows = len(run_on_graph(graph, text))
        conn.send(("ok", time.perf_counter() - start, rows))
    except Exception as err:  # a failure is a finding, sent back as text
        conn.send(("error", time.perf_counter() - start, f"{type(err).__name__}: {err}"[:300]))
    conn.close()


def rdflib_query(graph: Any, text: str, timeout_s: float) -> dict[str, Any]:
    """One run of ``text`` on rdflib in a forked child; ``>timeout`` when it does not finish in time."""
    ctx = multiprocessing.get_context("fork")
    parent, child = ctx.Pipe(duplex=False)
    proc = ctx.Process(target=_rdflib_child, args=(child, graph, text))
    proc.start()
    child.close()
    if parent.poll(timeout_s):
        status, seconds, value = parent.recv()
        proc.join()
        if status == "ok":
            return {"rdflib_ms": round(seconds * 1000, 1), "rdflib_rows": value}
        return {"rdflib_ms": None, "rdflib_error": value}
    proc.kill()
    proc.join()
    return {"rdflib_ms": None, "rdflib_timeout_s": timeout_s}


def rss_mb() -> float:
    import psutil

    return psutil.Process().memory_info().rss / 1024 / 1024


def rdflib_copies(copies: int, triples_per_copy: int) -> tuple[int, float]:
    """How many copies rdflib can hold in half the available RAM (all, on most machines), and that RAM in GB."""
    import psutil

    available = psutil.virtual_memory().available
    fit = int(available * 0.5 // max(1, triples_per_copy * BYTES_PER_RDFLIB_TRIPLE))
    return max(1, min(copies, fit)), round(available / 1024 ** 3, 1)


def load_rdflib(ntriples: Path) -> tuple[Any, float, float]:
    """The graph, its load seconds and the growth of this process's RSS (MB) while loading."""
    import gc

    from rdflib import Graph

    gc.collect()
    before = rss_mb()
    start = time.perf_counter()
    graph = Graph()
    graph.parse(ntriples, format="nt")
    seconds = time.perf_counter() - start
    return graph, round(seconds, 1), round(rss_mb() - before, 1)


def bench_bigstore(extractions: list[Any], work: Path, target_triples: int, repeat: int,
                   timeout_s: float, store_timeout_s: float) -> dict[str, Any]:
    """Build the big store, then time each library query on our path, raw pyoxigraph and rdflib."""
    import pyoxigraph as ox

    from kg.query import library
    from kg.store import open_store

    out: dict[str, Any] = {"target_triples": target_triples, "rdflib_timeout_s": timeout_s,
                           "store_timeout_s": store_timeout_s}
    start = time.perf_counter()
    seed = seed_nquads(extractions, work)
    per_copy = seed.count("\n")
    copies = max(1, -(-target_triples // per_copy))
    nquads = work / "big.nq"
    out["nquads_lines"] = replicate(seed, copies, nquads)
    out.update(seed_reports=len(extractions), quads_per_copy=per_copy, copies=copies, reports=copies * len(extractions),
               make_nquads_s=round(time.perf_counter() - start, 1), nquads_mb=round(nquads.stat().st_size / 1024 ** 2, 1))

    store_dir = work / "big-store"
    with open_store(store_dir) as store:
        start = time.perf_counter()
        store.ox.bulk_load(path=str(nquads), format=ox.RdfFormat.N_QUADS)
        store.ox.flush()
        out["bulk_load_s"] = round(time.perf_counter() - start, 1)
        out["store_quads"] = len(store.ox)
        start = time.perf_counter()  # the default graph as the set union, as every csrkg write keeps it
        out["union_triples"] = store.rebuild_union_graph()
        out["union_build_s"] = round(time.perf_counter() - start, 1)
    out["store_disk_mb"] = round(sum(f.stat().st_size for f in store_dir.rglob("*") if f.is_file()) / 1024 ** 2, 1)

    kept, available_gb = rdflib_copies(copies, per_copy)
    out.update(available_ram_gb=available_gb, rdflib_copies=kept, rdflib_fraction=round(kept / copies, 3))
    ntriples = work / "big.nt"
    to_ntriples(nquads, ntriples, kept, copies)
    graph, out["rdflib_load_s"], out["rdflib_rss_mb"] = load_rdflib(ntriples)
    out["rdflib_triples"] = len(graph)
    scale = copies / kept  # rdflib on a sample: its time is scaled up linearly (said so in RESULTS.md)

    rows = []
    for query in library(QUERIES):
        print(f"  big store: {query.name} ...", file=sys.stderr)
        row: dict[str, Any] = {"query": query.name, "rdflib_scale": round(scale, 3)}
        row.update(store_query(store_dir, query.path, repeat, store_timeout_s))
        # rdflib needs only to run 10.5x as long as our path to show the 10x target met: stop it there
        limit = timeout_s if row.get("ours_ms") is None else min(timeout_s, max(2.0, row["ours_ms"] * 10.5 / 1000 / scale))
        row.update(rdflib_query(graph, query.path.read_text(encoding="utf-8"), round(limit, 1)))
        if row.get("rdflib_ms") is not None:
            row["rdflib_ms_scaled"] = round(row["rdflib_ms"] * scale, 1)
        rows.append(row)
    out["queries"] = rows
    out["store_dir"] = str(store_dir)
    return out


def store_query(store_dir: Path, query: Path, repeat: int, timeout_s: float) -> dict[str, Any]:
    """Our path and raw pyoxigraph on the closed store, in ``store_worker.py``, each stopped at ``timeout_s``."""
    import queue
    import subprocess
    import threading

    argv = [sys.executable, str(Path(__file__).with_name("store_worker.py")), str(store_dir), str(query), str(repeat)]
    proc = subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    lines: queue.Queue[str] = queue.Queue()
    reader = threading.Thread(target=lambda: [lines.put(line) for line in proc.stdout], daemon=True)  # type: ignore[union-attr]
    reader.start()
    out: dict[str, Any] = {}
    for key in ("first", "ours", "raw"):
        try:  # the first deadline also covers the imports and the store opening
            out.update(json.loads(lines.get(timeout=timeout_s + 15 if key == "first" else timeout_s)))
        except queue.Empty:
            if key == "first":  # raw pyoxigraph alone passed the timeout: our path is not run
                out.update(raw_ms=None, raw_timeout_s=timeout_s, ours_ms=None, ours_not_run=True)
            elif key == "ours":
                out.update(ours_ms=None, ours_timeout_s=timeout_s, raw_ms=out.get("first_ms"))
            break
        except json.JSONDecodeError:
            break
    if proc.poll() is None:
        proc.kill()
    proc.wait()
    if "ours_ms" not in out:
        out.update(ours_ms=None, raw_ms=None, error=(proc.stderr.read() if proc.stderr else "")[-300:])
    return out


def speedups(row: dict[str, Any]) -> dict[str, Any]:
    """rdflib time / our time (``=``, a lower bound ``>=`` when rdflib was stopped, an upper bound ``<=``
    when our path was stopped and rdflib finished) and our time / raw time."""
    ours, raw = row.get("ours_ms"), row.get("raw_ms")
    out: dict[str, Any] = {"ours_vs_raw": round(ours / raw, 2) if ours and raw else None,
                           "rdflib_vs_ours": None, "rdflib_bound": None}
    rdflib = row.get("rdflib_ms_scaled")
    rdflib_stop = row["rdflib_timeout_s"] * 1000 * row.get("rdflib_scale", 1.0) if row.get("rdflib_timeout_s") else None
    if ours and rdflib is not None:
        out.update(rdflib_vs_ours=round(rdflib / ours, 1), rdflib_bound="=")
    elif ours and rdflib_stop:
        out.update(rdflib_vs_ours=round(rdflib_stop / ours, 1), rdflib_bound=">=")
    elif (row.get("ours_timeout_s") or row.get("raw_timeout_s")) and rdflib is not None:
        # our path took longer than the timeout (or raw pyoxigraph did, and ours runs it and more)
        stop = row.get("ours_timeout_s") or row["raw_timeout_s"]
        out.update(rdflib_vs_ours=round(rdflib / (stop * 1000), 2), rdflib_bound="<=")
    return out


def profile_query(store_dir: Path, name: str, runs: int = 5) -> dict[str, Any]:
    """The top frames of our path on the query that misses the target (run a few times for samples)."""
    from kg.query import run_on_store
    from kg.store import open_store
    from profiling import profile_top

    text = (QUERIES / f"{name}.rq").read_text(encoding="utf-8")
    with open_store(store_dir, read_only=True) as store:
        result = profile_top(lambda: [run_on_store(store, text) for _ in range(runs)])
    result["query"] = name
    return result

"""Many reports into one store: the corpus build behind ``csrkg build INPUT... --store DIR``.

Why a module of its own: one report is a function call, a corpus is a job. Here the parent process lists
the inputs, predicts each report's IRI from its file name, hashes each file and skips the reports the store
already holds with that hash (``--force`` rebuilds them). The other reports go to workers: in this process
for one job, a pool of spawned processes for several, or a Dask cluster. A worker extracts one report,
mints its graph and returns it as N-Quads bytes, or the reason it failed (:func:`extract_nquads`, the
same function on every executor). The parent writes each graph into the store as it arrives, with at most
``2 x jobs`` reports in flight, so memory holds a few reports, never the corpus.

Every report is its own named graph, written whole and replacing the graph of that name, and a report's
graph depends only on its file: so the store does not depend on the number of workers or on the order in
which they finish. A report that fails is named with its reason and the others go on; a failed report keeps
the graph an earlier build stored for it, if any. Once every report is in, :func:`after_load` runs the
passes that need the whole corpus (one entity across reports, :mod:`kg.identity`), over everything stored,
so their result does not depend on order either.
"""
from __future__ import annotations

import hashlib
import multiprocessing
import sys
import tempfile
import time
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING

from extract.errors import CsrKgError, Errors, InputError, one_line

if TYPE_CHECKING:  # pragma: no cover
    from kg.store import CsrStore

EXECUTORS: tuple[str, ...] = ("local", "dask")
IN_FLIGHT_PER_JOB = 2  # reports submitted but not yet stored, per worker: keeps workers busy, memory bounded
SCHEDULER_TIMEOUT = 10.0  # seconds to wait for a Dask scheduler before E111


# ---------------------------------------------------------------------------------------------------------
# what goes to a worker and what comes back (plain, picklable values)


@dataclass(frozen=True)
class Task:
    """One report to build. ``data`` is None when the worker reads ``path`` itself (same machine), or the
    file's bytes when it may not see the file (a Dask worker on another machine)."""

    path: str
    report: str  # the report IRI the file will get (checked by the worker)
    checksum: str  # sha256 of the file's bytes when the parent hashed it
    password: str | None = None
    ocr: bool = False
    data: bytes | None = None


@dataclass(frozen=True)
class Outcome:
    """A worker's answer: the report's graph as N-Quads (one named graph), or why it failed."""

    path: str
    report: str
    nquads: bytes | None = None
    triples: int = 0
    error: str | None = None
    seconds: float = 0.0
    warning: str | None = None  # built, but worth a line on stderr (a report in which nothing was found)


@dataclass
class CorpusResult:
    """What a corpus build did: report IRIs built and unchanged, (path, reason) of the failed, totals."""

    total: int = 0
    built: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    failed: list[tuple[str, str]] = field(default_factory=list)
    triples: int = 0  # triples written by this build
    seconds: float = 0.0
    stored_reports: int = 0  # reports in the store afterwards
    linked: int = 0  # entities joined across reports (kg.identity)

    @property
    def rate(self) -> float:
        """Reports built per second of wall time (0 when nothing was built)."""
        return len(self.built) / self.seconds if self.built and self.seconds > 0 else 0.0

    def summary(self) -> str:
        """One line for the end of a build."""
        return (f"built {len(self.built)}, unchanged {len(self.unchanged)}, failed {len(self.failed)} "
                f"of {self.total} report(s) in {self.seconds:.1f} s ({self.rate:.2f} reports/s): "
                f"{self.triples} triples written; {self.linked} entit{'y' if self.linked == 1 else 'ies'} joined across reports; "
                f"the store holds {self.stored_reports} report(s)")


# ---------------------------------------------------------------------------------------------------------
# the worker


def extract_nquads(task: Task) -> Outcome:
    """Extract one report and return its minted graph as N-Quads (or its error): the worker function of
    every executor. Never raises for a bad report: a CsrKgError keeps its message, anything else becomes
    ``Type: message`` (no traceback), so one report cannot stop a corpus."""
    started = time.perf_counter()
    local: Path | None = None
    try:
        if task.data is None:
            nquads, triples, warning = _report_nquads(Path(task.path), task)
        else:
            with tempfile.TemporaryDirectory(prefix="csrkg-") as tmp:
                local = Path(tmp) / Path(task.path).name  # same name: same report id and csr:sourceFile
                local.write_bytes(task.data)
                nquads, triples, warning = _report_nquads(local, task)
        return Outcome(task.path, task.report, nquads, triples, seconds=time.perf_counter() - started,
                       warning=warning)
    except CsrKgError as err:
        reason = str(err)
    except Exception as err:  # a bug or a library failure on this one report: name it, go on
        reason = f"{type(err).__name__}: {one_line(str(err))}"
    if local is not None:  # name the user's file, not the worker's temporary copy
        reason = reason.replace(str(local), task.path)
    return Outcome(task.path, task.report, error=reason, seconds=time.perf_counter() - started)


def _report_nquads(path: Path, task: Task) -> tuple[bytes, int, str | None]:
    """Read, extract and mint one report; its graph split exactly as :meth:`CsrStore.put_report` splits.
    Returns the N-Quads, their number, and a warning when nothing was found (as ``csrkg build`` warns)."""
    import pyoxigraph as ox

    from kg.minting import add_extraction, new_graph
    from kg.named_graphs import split_by_report
    from kg.rdfterms import canonical, to_ox
    from kg.reports import extract_report

    extraction = extract_report(path, password=task.password, ocr=task.ocr, quiet=True)  # the bar is the progress
    graph = new_graph()
    report = add_extraction(graph, extraction)
    if str(report) != task.report:
        raise RuntimeError(f"the report is {report}, expected {task.report}")
    quads = [ox.Quad(to_ox(s), to_ox(p), to_ox(o), ox.NamedNode(str(name)))
             for name, triples in sorted(split_by_report(canonical(graph)).items()) for s, p, o in triples]
    warning = None
    if not extraction.facts and len(extraction.entities) <= 1:
        warning = f"csrkg: warning: {extraction.report.report_id}: no facts were found in this report"
    return ox.serialize(quads, format=ox.RdfFormat.N_QUADS), len(quads), warning


def _failed(task: Task, err: BaseException) -> Outcome:
    return Outcome(task.path, task.report, error=f"{type(err).__name__}: {one_line(str(err))}")


# ---------------------------------------------------------------------------------------------------------
# inputs


def file_sha256(path: Path) -> str:
    """sha256 of a file's bytes, read in chunks (what a report's csr:checksum holds)."""
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def plan(files: list[Path], store: CsrStore, force: bool = False, password: str | None = None,
         ocr: bool = False) -> tuple[list[Task], list[str], list[tuple[str, str]]]:
    """Split the inputs into tasks to build, report IRIs unchanged in the store, and files that cannot be
    read; two files that would be one report stop the build before anything is extracted (E008)."""
    from kg.minting import report_iri
    from kg.reports import report_id_for

    ids = {path: report_id_for(path) for path in files}
    by_iri: dict[str, list[str]] = {}
    for path in files:
        by_iri.setdefault(str(report_iri(ids[path])), []).append(str(path))
    clashes = sorted(f"{', '.join(names)}" for names in by_iri.values() if len(names) > 1)
    if clashes:
        raise InputError(Errors.E008, ids="; ".join(clashes))
    stored = {} if force else store.report_checksums()
    tasks: list[Task] = []
    unchanged: list[str] = []
    unreadable: list[tuple[str, str]] = []
    for path in files:
        iri = str(report_iri(ids[path]))
        try:
            checksum = file_sha256(path)
        except OSError as err:
            unreadable.append((str(path), str(InputError(Errors.E004, path=path, reason=err.strerror))))
            continue
        if stored.get(iri) == checksum:
            unchanged.append(iri)
        else:
            tasks.append(Task(str(path), iri, checksum, password=password, ocr=ocr))
    return tasks, unchanged, unreadable


# ---------------------------------------------------------------------------------------------------------
# executors: each yields the outcomes of ``tasks`` as they finish, with a bounded number in flight


def run_inline(tasks: list[Task]) -> Iterator[Outcome]:
    """One job: extract in this process, one report after the other (no start-up cost)."""
    for task in tasks:
        yield extract_nquads(task)


def run_processes(tasks: list[Task], jobs: int) -> Iterator[Outcome]:
    """``jobs`` spawned worker processes (spawn: safe on every platform and with threads in the parent);
    each builds the pipeline once (``make_nlp`` is cached per process). If a worker dies (killed, out of
    memory) its reports fail with that reason and a fresh pool takes the rest."""
    from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
    from concurrent.futures.process import BrokenProcessPool

    def new_pool() -> ProcessPoolExecutor:
        return ProcessPoolExecutor(max_workers=jobs, mp_context=multiprocessing.get_context("spawn"))

    queue = deque(tasks)
    window = IN_FLIGHT_PER_JOB * jobs
    running: dict[Future[Outcome], Task] = {}
    pool = new_pool()
    broken = False
    try:
        while queue or running:
            if broken and not running:
                pool.shutdown(wait=True)
                pool, broken = new_pool(), False
            while queue and not broken and len(running) < window:
                task = queue.popleft()
                running[pool.submit(extract_nquads, task)] = task
            done, _ = wait(running, return_when=FIRST_COMPLETED)
            for future in done:
                task = running.pop(future)
                try:
                    yield future.result()
                except BrokenProcessPool:
                    broken = True
                    yield Outcome(task.path, task.report, error="a worker process died while this report was "
                                  "being built (killed, or out of memory?)")
                except Exception as err:  # e.g. a result that cannot be pickled
                    yield _failed(task, err)
    finally:  # also when the consumer stops early (an error in the parent, Ctrl-C)
        pool.shutdown(wait=True, cancel_futures=True)


def run_dask(tasks: list[Task], jobs: int, scheduler: str | None = None,
             timeout: float = SCHEDULER_TIMEOUT) -> Iterator[Outcome]:
    """The same worker function on a Dask cluster: the scheduler at ``scheduler``, or a LocalCluster of
    ``jobs`` single-threaded worker processes. Each task carries the file's bytes (read when it is
    submitted), so workers need csr-kg installed but no shared filesystem."""
    import logging

    try:
        from distributed import Client, LocalCluster, as_completed
    except ImportError as err:
        raise CsrKgError(Errors.E112) from err

    cluster = None
    if scheduler:
        try:
            client = Client(scheduler, timeout=timeout)
        except (OSError, TimeoutError, ValueError) as err:
            raise CsrKgError(Errors.E111, address=scheduler, reason=one_line(str(err)) or type(err).__name__) from err
    else:
        cluster = LocalCluster(n_workers=jobs, threads_per_worker=1, processes=True, dashboard_address=None,
                               silence_logs=logging.ERROR)
        client = Client(cluster)
    try:
        threads = sum(client.nthreads().values()) or jobs
        window = IN_FLIGHT_PER_JOB * max(jobs, threads)
        queue = deque(tasks)
        waiting: dict[str, Task] = {}
        finished = as_completed()

        def refill() -> Iterator[Outcome]:
            while queue and len(waiting) < window:
                task = queue.popleft()
                try:
                    data = Path(task.path).read_bytes()
                except OSError as err:
                    yield Outcome(task.path, task.report,
                                  error=str(InputError(Errors.E004, path=task.path, reason=err.strerror)))
                    continue
                future = client.submit(extract_nquads, replace(task, data=data), pure=False)
                waiting[future.key] = task
                finished.add(future)

        yield from refill()
        for future in finished:
            task = waiting.pop(future.key)
            try:
                outcome = future.result()
            except Exception as err:  # a worker that died (KilledWorker), a result lost on the way
                outcome = _failed(task, err)
            future.release()
            yield outcome
            yield from refill()
    finally:
        client.close()
        if cluster is not None:
            cluster.close()


# ---------------------------------------------------------------------------------------------------------
# the build


def after_load(store: CsrStore) -> int:
    """What runs once after every report of a corpus build is in the store (also when some failed or all
    were unchanged): passes that need the whole corpus, not one report. Today: one entity across reports
    (:func:`kg.identity.link_store`); returns the number of entities joined."""
    from kg.identity import link_store

    return len(link_store(store))


def build_corpus(inputs: Iterable[str | Path], store: CsrStore, *, jobs: int = 1, executor: str = "local",
                 scheduler: str | None = None, force: bool = False, password: str | None = None,
                 ocr: bool = False, nquads_dir: str | Path | None = None, progress: bool = False,
                 echo: Callable[[str], None] | None = None,
                 scheduler_timeout: float = SCHEDULER_TIMEOUT) -> CorpusResult:
    """Build every input report into ``store``, skipping unchanged ones; see the module docstring.

    ``echo`` gets one line per failed report and per warning (default: stderr); ``progress`` shows a tqdm bar on stderr;
    ``nquads_dir`` also gets each input report's graph as ``<report-id>.nq`` (written atomically)."""
    from kg.inputs import expand_inputs

    started = time.perf_counter()
    if jobs < 1:
        raise InputError(Errors.E090, option="--jobs", expected="at least 1", value=jobs)
    if executor not in EXECUTORS:
        raise InputError(Errors.E090, option="--executor", expected=" or ".join(EXECUTORS), value=executor)
    files = expand_inputs(list(inputs))
    tasks, unchanged, unreadable = plan(files, store, force=force, password=password, ocr=ocr)
    result = CorpusResult(total=len(files), unchanged=unchanged)
    store.load_ontology()  # as current as the code that writes the reports
    out_dir = Path(nquads_dir) if nquads_dir is not None else None

    from tqdm import tqdm

    bar = tqdm(total=len(tasks), desc="building", unit="report", file=sys.stderr, disable=not progress,
               dynamic_ncols=True, leave=True)
    say = echo or (lambda line: tqdm.write(line, file=sys.stderr))

    def fail(path: str, reason: str) -> None:
        result.failed.append((path, reason))
        say(f"csrkg: error: {reason}" if path in reason else f"csrkg: error: {path}: {reason}")

    for path, reason in unreadable:
        fail(path, reason)
    if executor == "dask":
        outcomes = run_dask(tasks, jobs, scheduler, timeout=scheduler_timeout)
    elif jobs > 1 and len(tasks) > 1:
        outcomes = run_processes(tasks, min(jobs, len(tasks)))
    else:
        outcomes = run_inline(tasks)
    try:
        for outcome in outcomes:
            if outcome.error is not None or outcome.nquads is None:
                fail(outcome.path, outcome.error or "no graph came back")
            else:
                if outcome.warning:
                    say(outcome.warning)
                store.put_nquads(outcome.nquads)
                result.built.append(outcome.report)
                result.triples += outcome.triples
            bar.set_postfix(failed=len(result.failed), refresh=False)
            bar.update(1)
    finally:
        bar.close()
        if hasattr(outcomes, "close"):
            outcomes.close()  # stop the workers now if the loop ended early
    store.ox.flush()
    result.linked = after_load(store)
    if out_dir is not None:  # after linking (it may rewrite any report graph); unchanged reports too
        for iri in sorted({*result.built, *unchanged}):
            write_report_nquads(store, iri, out_dir)
    result.built.sort()
    result.unchanged.sort()
    result.failed.sort()
    result.stored_reports = len(store.reports())
    result.seconds = time.perf_counter() - started
    return result


def report_file_name(report: str) -> str:
    """``res:report/<id>`` -> ``<id>.nq`` (report IRIs end in an IRI-safe id or its hash)."""
    return report.rstrip("/").rsplit("/", 1)[-1] + ".nq"


def write_report_nquads(store: CsrStore, report: str, out_dir: Path) -> Path:
    """Write one stored report graph as ``out_dir/<report-id>.nq``, sorted lines, atomically."""
    from kg.atomic import atomic_write

    target = out_dir / report_file_name(report)
    atomic_write(target, store.report_nquads(report))
    return target


def write_store_outputs(store: CsrStore, outdir: str | Path, html: bool = True) -> dict[str, Path]:
    """graph.ttl (the union of every report graph in the store, deterministic) and graph.html of it."""
    from kg.atomic import atomic_write
    from kg.export import graphs_of_store, union
    from kg.reports import serialize_turtle

    out = Path(outdir)
    out.mkdir(parents=True, exist_ok=True)
    graph = union(graphs_of_store(store, include_ontology=False))
    paths = {"turtle": out / "graph.ttl"}
    atomic_write(paths["turtle"], serialize_turtle(graph))
    if html:
        from kg.viz import render_html

        paths["html"] = out / "graph.html"
        render_html(graph, paths["html"])
    return paths

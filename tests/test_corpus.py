"""Corpus builds (`csrkg build INPUT... --store DIR`): the same store whatever the executor, the number of
jobs or the order of the inputs; unchanged reports skipped, changed ones replaced; a bad report named and
the others built (exit 4); per-report N-Quads for bulk loaders.

Everything is real: real worker processes, a real Dask LocalCluster, real Oxigraph stores. The three
expensive builds (one job, two processes, Dask) run once per session, each with one bad file among three
good reports, and every test reads them."""
from __future__ import annotations

import contextlib
import hashlib
import io
import shutil
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

from kg.cli import main

ROOT = Path(__file__).resolve().parent.parent
DEV = ROOT / "tests" / "data" / "dev"
GOOD = ("dev-bank-broken.txt", "dev-internet-broken.txt", "dev-energy-broken.txt")  # three short reports
BAD = "dev-empty.txt"  # an empty file: E005, a CsrKgError raised in the worker


@dataclass
class Run:
    code: int
    out: str
    err: str


def csrkg(*args: str | Path) -> Run:
    """Run the CLI in this process (the pipeline is built once per session), capturing its output."""
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main([str(a) for a in args])
    return Run(code, out.getvalue(), err.getvalue())


def store_nquads(path: Path) -> bytes:
    """The whole store (reports and ontology) as sorted N-Quads."""
    from kg.export import export_store
    from kg.store import open_store

    with open_store(path, read_only=True) as store:
        return export_store(store, "nq")


@pytest.fixture(scope="session")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Three good reports and an empty one, in a directory of their own."""
    folder = tmp_path_factory.mktemp("corpus")
    for name in GOOD:
        shutil.copy(DEV / name, folder / name)
    (folder / BAD).write_bytes(b"")
    return folder


@pytest.fixture(scope="session")
def inline(corpus: Path, tmp_path_factory: pytest.TempPathFactory) -> tuple[Run, Path, Path]:
    """--jobs 1 (in this process), with per-report N-Quads written."""
    base = tmp_path_factory.mktemp("inline")
    run = csrkg("build", corpus, "--store", base / "store", "--nquads-dir", base / "nq")
    return run, base / "store", base / "nq"


@pytest.fixture(scope="session")
def processes(corpus: Path, tmp_path_factory: pytest.TempPathFactory) -> tuple[Run, Path]:
    """--jobs 2 worker processes, inputs named one by one in reverse order (another completion order)."""
    store = tmp_path_factory.mktemp("processes") / "store"
    files = sorted(corpus.iterdir(), reverse=True)
    return csrkg("build", *files, "--store", store, "--jobs", "2"), store


@pytest.fixture(scope="session")
def dask_local(corpus: Path, tmp_path_factory: pytest.TempPathFactory) -> tuple[Run, Path]:
    """--executor dask: a LocalCluster of two worker processes; inputs as a glob we expand ourselves."""
    store = tmp_path_factory.mktemp("dask") / "store"
    return csrkg("build", str(corpus / "*.txt"), "--store", store, "--executor", "dask", "--jobs", "2"), store


def test_the_store_does_not_depend_on_executor_jobs_or_order(inline, processes, dask_local) -> None:
    reference = store_nquads(inline[1])
    graphs = {line.rsplit(b" ", 2)[-2] for line in reference.splitlines()}
    assert len(graphs) == 1 + len(GOOD)  # the ontology and one graph per good report
    assert store_nquads(processes[1]) == reference
    assert store_nquads(dask_local[1]) == reference


@pytest.mark.parametrize("which", ["inline", "processes", "dask_local"])
def test_a_bad_report_is_named_and_the_others_are_built(which: str, request: pytest.FixtureRequest,
                                                        corpus: Path) -> None:
    """Named by the user's path, also on Dask, where the worker read a temporary copy of the bytes."""
    run = request.getfixturevalue(which)[0]
    assert run.code == 4
    assert "[E110] 1 of 4 reports failed" in run.err
    failed = [line for line in run.err.splitlines() if BAD in line]
    assert failed == [f"csrkg: error: [E005] {corpus / BAD}: the file is empty"]
    assert not any(name in run.err for name in GOOD)
    assert "Traceback" not in run.err
    assert "built 3, unchanged 0, failed 1 of 4 report(s)" in run.out
    assert "reports/s" in run.out and "the store holds 3 report(s)" in run.out


def test_unchanged_reports_are_skipped_and_force_rebuilds(inline, corpus: Path, tmp_path: Path) -> None:
    store = tmp_path / "store"
    shutil.copytree(inline[1], store)
    before = store_nquads(store)
    good = [corpus / name for name in GOOD]
    again = csrkg("build", *good, "--store", store)
    assert again.code == 0, again.err
    assert "built 0, unchanged 3, failed 0 of 3 report(s)" in again.out
    assert store_nquads(store) == before
    forced = csrkg("build", good[1], "--store", store, "--force")
    assert forced.code == 0, forced.err
    assert "built 1, unchanged 0, failed 0 of 1 report(s)" in forced.out
    assert store_nquads(store) == before


def test_a_changed_file_replaces_its_graph(inline, corpus: Path, tmp_path: Path) -> None:
    """Half of one report cut away: its graph is replaced by exactly the graph of the new file (nothing of
    the old version stays), and the other reports are skipped and stay as they were."""
    from kg.store import open_store

    folder = tmp_path / "reports"
    shutil.copytree(corpus, folder)
    (folder / BAD).unlink()
    changed = folder / GOOD[1]
    lines = changed.read_text(encoding="utf-8").splitlines(keepends=True)
    changed.write_text("".join(lines[: len(lines) // 2]), encoding="utf-8")
    store = tmp_path / "store"
    shutil.copytree(inline[1], store)
    with open_store(store, read_only=True) as opened:
        before = {iri: opened.report_nquads(iri) for iri in opened.reports()}
    run = csrkg("build", folder, "--store", store)
    assert run.code == 0, run.err
    assert "built 1, unchanged 2, failed 0 of 3 report(s)" in run.out
    fresh = csrkg("build", changed, "--store", tmp_path / "fresh", "-q")
    assert fresh.code == 0
    with open_store(tmp_path / "fresh", read_only=True) as opened:
        (iri,) = opened.reports()
        expected = opened.report_nquads(iri)
    with open_store(store, read_only=True) as opened:
        after = {name: opened.report_nquads(name) for name in opened.reports()}
        assert opened.report_checksums()[iri] == hashlib.sha256(changed.read_bytes()).hexdigest()
    assert after.keys() == before.keys()
    assert after[iri] == expected != before[iri]
    assert {k: v for k, v in after.items() if k != iri} == {k: v for k, v in before.items() if k != iri}


def test_per_report_nquads_hold_exactly_the_store(inline) -> None:
    """DIR/<report-id>.nq: one file per good report, together the store's report graphs (bulk-load input)."""
    import pyoxigraph as ox

    from kg.export import export_store
    from kg.store import open_store

    _run, store, nq = inline
    assert sorted(p.name for p in nq.iterdir()) == sorted(name.replace(".txt", ".nq") for name in GOOD)
    loaded = ox.Store()
    for part in sorted(nq.iterdir()):
        loaded.bulk_load(part.read_bytes(), format=ox.RdfFormat.N_QUADS)
    mirror = ox.serialize(loaded.quads_for_pattern(None, None, None, None), format=ox.RdfFormat.N_QUADS)
    with open_store(store, read_only=True) as opened:
        expected = export_store(opened, "nq", include_ontology=False)
    assert b"".join(sorted(mirror.splitlines(keepends=True))) == expected


def test_progress_bar_and_summary(corpus: Path, tmp_path: Path) -> None:
    run = csrkg("build", corpus / GOOD[1], "--store", tmp_path / "store", "--progress", "-o", tmp_path / "out",
                "--no-html")
    assert run.code == 0, run.err
    assert "building: 100%" in run.err and "1/1" in run.err and "report/s" in run.err
    assert "built 1, unchanged 0, failed 0 of 1 report(s) in" in run.out
    assert "outputs:" in run.out and "graph.ttl" in run.out
    quiet = csrkg("build", corpus / GOOD[1], "--store", tmp_path / "store", "-q")  # no TTY: no bar either
    assert quiet.code == 0 and quiet.out == "" and quiet.err == ""


def test_store_outputs_show_the_whole_store(inline, corpus: Path, tmp_path: Path) -> None:
    """-o with --store writes graph.ttl of every report in the store, not only of the inputs named (here
    one, unchanged), as the union of the report graphs, and writes it deterministically."""
    from rdflib import RDF, Dataset, Graph, Literal

    from kg.vocab import CSR

    store = tmp_path / "store"
    shutil.copytree(inline[1], store)
    run = csrkg("build", corpus / GOOD[0], "--store", store, "-o", tmp_path / "a", "-q")
    assert run.code == 0, run.err
    assert (tmp_path / "a" / "graph.html").stat().st_size > 0
    again = csrkg("build", corpus / GOOD[0], "--store", store, "-o", tmp_path / "b", "--no-html", "-q")
    assert again.code == 0
    assert (tmp_path / "a" / "graph.ttl").read_bytes() == (tmp_path / "b" / "graph.ttl").read_bytes()
    reports = Dataset()
    for part in sorted(inline[2].iterdir()):
        reports.parse(part, format="nquads")

    def by_value(triples) -> set:  # Turtle may write a decimal with another lexical form (4E8 -> 400000000.0)
        return {(s, p, o.toPython() if isinstance(o, Literal) and o.datatype else o) for s, p, o in triples}

    union = by_value((s, p, o) for s, p, o, _g in reports.quads((None, None, None, None)))
    assert by_value(Graph().parse(tmp_path / "a" / "graph.ttl")) == union
    assert len({s for s, p, o in union if (p, o) == (RDF.type, CSR.Report)}) == len(GOOD)


def test_jobs_without_a_store_give_the_same_bytes(corpus: Path, tmp_path: Path) -> None:
    files = [corpus / name for name in GOOD[:2]]  # the two shortest
    one = csrkg("build", *files, "-o", tmp_path / "one", "--no-html", "-q")
    two = csrkg("build", *files, "-o", tmp_path / "two", "--no-html", "-q", "--jobs", "2")
    assert one.code == two.code == 0, two.err
    for name in ("graph.ttl", "merges.tsv"):
        assert (tmp_path / "one" / name).read_bytes() == (tmp_path / "two" / name).read_bytes()


def test_two_files_of_one_report_stop_before_extraction(tmp_path: Path) -> None:
    shutil.copy(DEV / GOOD[0], tmp_path / "x.txt")
    shutil.copy(DEV / GOOD[1], tmp_path / "x.gb18030.txt")
    run = csrkg("build", tmp_path, "--store", tmp_path / "store")
    assert run.code == 2 and "[E008]" in run.err and "x.txt" in run.err and "x.gb18030.txt" in run.err
    assert "built" not in run.out


def test_an_unreachable_scheduler_is_e111(corpus: Path, tmp_path: Path) -> None:
    import socket

    from extract.errors import CsrKgError
    from kg.corpus import build_corpus
    from kg.store import open_store

    with socket.socket() as sock:  # a port nobody listens on
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    with open_store(tmp_path / "store") as store, pytest.raises(CsrKgError) as caught:
        build_corpus([corpus / GOOD[0]], store, executor="dask", scheduler=f"tcp://127.0.0.1:{port}",
                     scheduler_timeout=1.0)
    assert caught.value.code == "E111" and caught.value.exit_code == 3
    assert f"127.0.0.1:{port}" in str(caught.value)


def test_dask_missing_is_e112(corpus: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """An interpreter without distributed: importing it fails (sys.modules entry None = not installed)."""
    monkeypatch.setitem(sys.modules, "distributed", None)
    run = csrkg("build", corpus / GOOD[0], "--store", tmp_path / "store", "--executor", "dask")
    assert run.code == 3 and "[E112]" in run.err and "csr-kg[dask]" in run.err


def test_store_only_options_need_a_store(corpus: Path, tmp_path: Path) -> None:
    for extra in (["--force"], ["--executor", "dask"], ["--nquads-dir", str(tmp_path / "nq")]):
        run = csrkg("build", corpus / GOOD[0], "-o", tmp_path / "out", *extra)
        assert run.code == 2 and "[E091]" in run.err and "--store" in run.err
    neither = csrkg("build", corpus / GOOD[0])
    assert neither.code == 2 and "[E091]" in neither.err
    jobs = csrkg("build", corpus / GOOD[0], "--store", tmp_path / "s", "--jobs", "0")
    assert jobs.code == 2 and "[E090]" in jobs.err
    assert not (tmp_path / "out").exists()


def test_a_report_without_facts_is_built_with_a_warning(tmp_path: Path) -> None:
    report = tmp_path / "nothing.txt"
    report.write_text("本报告介绍我们的工作方法。\n我们坚持长期主义。\n", encoding="utf-8")
    run = csrkg("build", report, "--store", tmp_path / "store")
    assert run.code == 0, run.err
    assert run.err.strip() == "csrkg: warning: nothing: no facts were found in this report"
    assert "built 1, unchanged 0, failed 0 of 1 report(s)" in run.out


def test_an_unexpected_error_in_the_worker_is_one_line(corpus: Path) -> None:
    """Anything but a CsrKgError (here the worker's own check that the file gives the report IRI planned
    for it) comes back as ``Type: message``, with no traceback, and nothing is raised."""
    from kg.corpus import Task, extract_nquads

    outcome = extract_nquads(Task(str(corpus / GOOD[1]), "urn:x-not-this-report", checksum=""))
    assert outcome.nquads is None
    assert outcome.error is not None and outcome.error.startswith("RuntimeError: the report is ")
    assert "\n" not in outcome.error and "urn:x-not-this-report" in outcome.error


def test_a_killed_worker_fails_its_reports_and_a_new_pool_builds_the_rest(corpus: Path, tmp_path: Path) -> None:
    """A worker process killed mid-build (as the OOM killer would): the reports it held fail with that
    reason, a fresh pool builds the others, the build ends with exit 4, and the store holds the built ones."""
    import os
    import signal
    import subprocess
    import time

    import psutil

    from kg.store import open_store

    folder = tmp_path / "reports"
    folder.mkdir()
    for name in GOOD:
        for copy in range(2):
            shutil.copy(corpus / name, folder / name.replace(".txt", f"-{copy}.txt"))
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(ROOT), os.environ.get("PYTHONPATH", "")])}
    proc = subprocess.Popen([sys.executable, "-m", "kg", "build", str(folder), "--store", str(tmp_path / "store"),
                             "--jobs", "2"], cwd=tmp_path, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            text=True)

    def workers() -> set[int]:
        found = set()
        try:
            children = psutil.Process(proc.pid).children()
        except psutil.Error:
            return found
        for child in children:
            try:
                if child.status() != psutil.STATUS_ZOMBIE and "spawn_main" in " ".join(child.cmdline()):
                    found.add(child.pid)
            except psutil.Error:  # gone meanwhile
                pass
        return found

    try:
        deadline = time.monotonic() + 60
        first: set[int] = set()
        while not first and time.monotonic() < deadline and proc.poll() is None:
            first = workers()
            time.sleep(0.2)
        assert first, "no worker process appeared"
        time.sleep(1.0)  # it has its reports by now (2 x jobs are submitted at once)
        os.kill(min(first), signal.SIGKILL)
        fresh: set[int] = set()
        while not fresh and time.monotonic() < deadline and proc.poll() is None:
            fresh = workers() - first
            time.sleep(0.2)
        out, err = proc.communicate(timeout=300)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    assert proc.returncode == 4, err
    assert fresh, "no new worker process was started after the kill"
    died = [line for line in err.splitlines() if "a worker process died" in line]
    assert died and "[E110]" in err
    with open_store(tmp_path / "store", read_only=True) as store:
        stored = len(store.reports())
    assert stored == 6 - len(died) >= 6 - 2 * 2  # at most the reports in flight (2 x jobs) failed
    assert f"built {stored}, unchanged 0, failed {len(died)} of 6 report(s)" in out

"""Fixtures of the interop tests: one lazily started set of stores per session, and a summary at the end.

The stores start on first use (not in fixture set-up) so that a missing Virtuoso makes the tests FAIL with
the install hint, and a Virtuoso that does not come up is tried once per session, not once per test.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Iterator, Optional

import pytest

from .stores import REWRITES, InteropError, OxigraphStore, RdflibStore, VirtuosoServer, require_tools

_RECORDS = pytest.StashKey[list]()
_ENV = pytest.StashKey["InteropEnv"]()


@dataclass(frozen=True)
class Record:
    """One line of the end-of-session table: how one store answered one query on one graph."""

    graph: str
    query: str
    store: str
    status: str  # "identical" | "identical after rewrite" | "DIFFERENT" | "ERROR"
    rows: Optional[int]
    note: str


class InteropEnv:
    """rdflib, Oxigraph and one Virtuoso server, each holding every input graph loaded so far."""

    def __init__(self, workdir: Path) -> None:
        self.workdir = workdir
        self.rdflib = RdflibStore()
        self.oxigraph = OxigraphStore()
        self.server: Optional[VirtuosoServer] = None
        self._server_error: Optional[str] = None
        self.sizes: dict[tuple[str, str], int] = {}  # (store, graph) -> triples after load
        self.server_rss_kb: Optional[int] = None

    def load(self, key: str, path: Path) -> None:
        """Load `path` as graph `key` into every store (once)."""
        if ("rdflib", key) not in self.sizes:
            self.sizes[("rdflib", key)] = self.rdflib.load(key, path)
        if ("oxigraph", key) not in self.sizes:
            self.sizes[("oxigraph", key)] = self.oxigraph.load(key, path)
        if ("virtuoso", key) not in self.sizes:
            self.sizes[("virtuoso", key)] = self.virtuoso().load(key, path)

    def virtuoso(self) -> VirtuosoServer:
        if self._server_error is not None:
            raise InteropError(self._server_error)
        if self.server is None:
            server = VirtuosoServer(self.workdir / "virtuoso")
            try:
                require_tools()
                server.start()
            except InteropError as err:
                self._server_error = str(err)
                raise
            self.server = server
        return self.server

    def close(self) -> None:
        if self.server is not None:
            self.server_rss_kb = self.server.memory_kb()
            self.server.stop()


@pytest.fixture(scope="session")
def interop_env(tmp_path_factory: pytest.TempPathFactory, request: pytest.FixtureRequest) -> Iterator[InteropEnv]:
    env = InteropEnv(tmp_path_factory.mktemp("interop"))
    request.config.stash[_ENV] = env
    try:
        yield env
    finally:
        env.close()


@pytest.fixture
def record(request: pytest.FixtureRequest):
    """Append a Record to the session table."""
    records = request.config.stash.setdefault(_RECORDS, [])
    return lambda *fields: records.append(Record(*fields))


def pytest_terminal_summary(terminalreporter, exitstatus, config) -> None:  # noqa: ARG001
    """Print each query's verdict per store (identical / rewritten with reason / different) and timings."""
    records: list[Record] = config.stash.get(_RECORDS, [])
    env: Optional[InteropEnv] = config.stash.get(_ENV, None)
    if not records and env is None:
        return
    write = terminalreporter.write_line
    terminalreporter.section("interop: each query on each store, against rdflib")
    for (store, query), rewrite in sorted(REWRITES.items()):
        write(f"rewrite in force for {store}/{query}: {rewrite.old!r} -> {rewrite.new!r} ({rewrite.reason})")
    for r in records:
        rows = "" if r.rows is None else f" [{r.rows} rows]"
        note = r.note if len(r.note) < 120 else r.note[:117] + "..."
        write(f"{r.graph:7} {r.query:34} {r.store:9} {r.status}{rows}" + (f" -- {note}" if note else ""))
    if env is None:
        return
    terminalreporter.section("interop: timings (seconds)")
    if env.server is not None:
        write(f"virtuoso start-up {env.server.startup_seconds:.2f} s, RSS at the end {env.server_rss_kb} kB")
    stores = [env.rdflib, env.oxigraph] + ([env.server] if env.server else [])
    graphs = sorted({g for s in stores for g in s.timed.load})
    for graph in graphs:
        sizes = ", ".join(f"{s.name}={env.sizes.get((s.name, graph))}" for s in stores)
        write(f"[{graph}] triples: {sizes}")
        write(f"[{graph}] load: " + ", ".join(f"{s.name}={s.timed.load.get(graph, 0):.3f}" for s in stores))
        queries = sorted({q for s in stores for (g, q) in s.timed.queries if g == graph})
        for q in queries:
            cells = ", ".join(f"{s.name}={s.timed.queries.get((graph, q), float('nan')):.4f}" for s in stores)
            write(f"[{graph}] {q:34} {cells}")

"""A persistent, on-disk store of many reports, backed by Oxigraph (RocksDB).

Why a store: one Turtle file per report is fine for one report, but a researcher who builds fifty reports
wants to ask one question over all of them, add a corrected re-build of one report without duplicating it,
and drop a report again. So each report lives in its own named graph (the graph name is the report's
``csr:Report`` IRI), the ontology lives in the named graph ``kg.vocab.ONTOLOGY_IRI``, and queries run over
the union of the named graphs.

How a graph of several reports is split into report graphs: :mod:`kg.named_graphs`. Oxigraph keeps numbers
by value (see :mod:`kg.rdfterms`).

The default graph holds the set union of the named graphs, kept in step by every write
(:meth:`CsrStore.has_union_graph` says why), and queries read it. Oxigraph's own union view of the named
graphs (a *multiset*: a triple shared by two report graphs matches twice) is used only for stores written
before that; the bundled queries therefore still use ``DISTINCT`` / ``COUNT(DISTINCT …)``, as Virtuoso's
union default graph needs too.
"""
from __future__ import annotations

import gc
import os
import secrets
import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from rdflib import RDFS, Graph, URIRef

from extract.errors import CsrKgError, Errors, InputError, one_line
from kg.atomic import atomic_write
from kg.named_graphs import split_by_report
from kg.rdfterms import canonical, from_ox, to_ox
from kg.vocab import CSR, ONTOLOGY_FILE, ONTOLOGY_IRI

if TYPE_CHECKING:  # pragma: no cover
    import pyoxigraph

RdfQuad = tuple[Any, Any, Any, URIRef]


# ---------------------------------------------------------------------------------------------------------
# the store


class CsrStore:
    """One Oxigraph store on disk; open it with :func:`open_store`."""

    def __init__(self, ox_store: "pyoxigraph.Store", path: Path, read_only: bool) -> None:
        self._store = ox_store
        self.path = path
        self.read_only = read_only

    # context manager -------------------------------------------------------------------------------------
    def __enter__(self) -> "CsrStore":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        """Flush, mark a new generation (a running `csrkg serve` then reopens), release the RocksDB lock."""
        if self._store is None:
            return
        if not self.read_only:
            self._store.flush()
            mark_generation(self.path, writing=False)  # still holding the lock: writers mark one at a time
        self._store = None  # type: ignore[assignment]
        # Oxigraph releases RocksDB when the last reference to the store goes, and query results hold one:
        # a result kept alive by a reference cycle (pyparsing's caught exceptions keep the frames of the SPARQL
        # check, and so of the query function, in cycles) would hold the lock past close(). Collect them now.
        gc.collect()

    @property
    def ox(self) -> "pyoxigraph.Store":
        """The underlying ``pyoxigraph.Store`` (for callers that need its own API)."""
        if self._store is None:
            raise CsrKgError(Errors.E073)
        return self._store

    def _writable(self) -> "pyoxigraph.Store":
        if self.read_only:
            raise CsrKgError(Errors.E074, path=self.path)
        return self.ox

    # writing ----------------------------------------------------------------------------------------------
    def _replace_graph(self, name: URIRef, triples: Iterable[tuple[Any, Any, Any]]) -> int:
        """Replace the named graph ``name`` by ``triples``: a failure leaves the old graph or none, never half."""
        import pyoxigraph as ox

        g = ox.NamedNode(str(name))
        return self._set_graph(g, [ox.Quad(to_ox(s), to_ox(p), to_ox(o), g) for s, p, o in triples])

    def _set_graph(self, name: Any, quads: list[Any]) -> int:
        """Make the named graph ``name`` hold exactly ``quads``, and keep the default graph the set union of
        all named graphs (see :meth:`has_union_graph`)."""
        import pyoxigraph as ox

        store = self._writable()
        old = self._graph_triples(name)
        if old:
            store.remove_graph(name)
        default = ox.DefaultGraph()
        store.extend(quads + [ox.Quad(q.subject, q.predicate, q.object, default) for q in quads])  # all or nothing
        kept = {(q.subject, q.predicate, q.object) for q in quads}
        self._drop_from_union([t for t in old if t not in kept])
        return len(quads)

    def _graph_triples(self, name: Any) -> list[tuple[Any, Any, Any]]:
        """The triples of one named graph, as pyoxigraph terms."""
        return [(q.subject, q.predicate, q.object) for q in self.ox.quads_for_pattern(None, None, None, name)]

    def _drop_from_union(self, triples: list[tuple[Any, Any, Any]]) -> None:
        """Remove from the default graph the triples that no named graph holds any more."""
        import pyoxigraph as ox

        store = self._writable()
        default = ox.DefaultGraph()
        for s, p, o in triples:
            if not any(isinstance(q.graph_name, ox.NamedNode) for q in store.quads_for_pattern(s, p, o, None)):
                store.remove(ox.Quad(s, p, o, default))

    def rebuild_union_graph(self) -> int:
        """Rebuild the default graph as the set union of the named graphs (stores written before it was kept)."""
        import pyoxigraph as ox

        store = self._writable()
        store.clear_graph(ox.DefaultGraph())
        union = {(q.subject, q.predicate, q.object) for q in store.quads_for_pattern(None, None, None, None)
                 if isinstance(q.graph_name, ox.NamedNode)}
        store.extend([ox.Quad(s, p, o, ox.DefaultGraph()) for s, p, o in union])
        store.flush()
        return len(union)

    def load_ontology(self) -> bool:
        """(Re)load ``ontology/csr.ttl`` into its named graph; False when the file is not there."""
        if not ONTOLOGY_FILE.is_file():
            return False
        onto = Graph()
        onto.parse(ONTOLOGY_FILE, format="turtle")
        self._replace_graph(ONTOLOGY_IRI, canonical(onto))
        return True

    def put_report(self, graph: Graph) -> list[str]:
        """Store the report(s) of ``graph``, each in its own named graph, replacing earlier loads of them.

        Returns the report IRIs written, sorted.
        """
        self._writable()
        parts = split_by_report(canonical(graph))
        self.load_ontology()  # keep the ontology graph as current as the code that wrote the report
        for report, triples in sorted(parts.items()):
            self._replace_graph(report, triples)
        self.ox.flush()
        return [str(r) for r in sorted(parts)]

    def report_triples(self, report: URIRef | str) -> Iterator[tuple[Any, Any, Any]]:
        """The triples of one report's named graph (by its IRI), as rdflib terms."""
        for q in self.ox.quads_for_pattern(None, None, None, _nn(str(report))):
            yield from_ox(q.subject), from_ox(q.predicate), from_ox(q.object)

    def report_graph(self, report: URIRef | str) -> Graph:
        """One report's named graph (by its IRI) as an rdflib graph."""
        graph = Graph()
        for triple in self.report_triples(report):
            graph.add(triple)
        return graph

    def replace_report_graph(self, report: URIRef | str, graph: Graph) -> int:
        """Replace one report's named graph by ``graph`` (used by the cross-report identity pass)."""
        return self._replace_graph(URIRef(str(report)), graph)

    def put_nquads(self, data: bytes) -> list[str]:
        """Store report graphs already serialised as N-Quads (a corpus worker's output), each named graph
        replacing the stored one of that name; returns the graph IRIs written, sorted.

        Unlike :meth:`put_report` nothing is split or converted here: the worker did that, with the same
        :func:`kg.named_graphs.split_by_report`, so the parent only parses and writes."""
        import pyoxigraph as ox

        self._writable()
        parts: dict[str, list[Any]] = {}
        try:
            for quad in ox.parse(data, format=ox.RdfFormat.N_QUADS):
                if not isinstance(quad.graph_name, ox.NamedNode):
                    raise ValueError("a quad outside a named report graph")
                parts.setdefault(quad.graph_name.value, []).append(quad)
        except (SyntaxError, ValueError) as err:
            raise InputError(Errors.E052, path="<worker output>", fmt="N-Quads", reason=one_line(str(err))) from err
        for name in sorted(parts):
            self._set_graph(ox.NamedNode(name), parts[name])
        return sorted(parts)

    def report_checksums(self) -> dict[str, str]:
        """Report IRI -> its ``csr:checksum`` (sha256 of the input file's bytes), read from each report's
        own graph: what a corpus build compares to decide that a report is unchanged."""
        out: dict[str, str] = {}
        for quad in self.ox.quads_for_pattern(None, _nn(str(CSR.checksum)), None, None):
            if hasattr(quad.graph_name, "value") and quad.subject == quad.graph_name:
                out[quad.subject.value] = quad.object.value
        return out

    def report_nquads(self, report: str) -> bytes:
        """One report's named graph as N-Quads, lines sorted (the same graph gives the same bytes)."""
        import pyoxigraph as ox

        quads = self.ox.quads_for_pattern(None, None, None, _nn(report))
        lines = ox.serialize(quads, format=ox.RdfFormat.N_QUADS).decode("utf-8").splitlines(keepends=True)
        return "".join(sorted(lines)).encode("utf-8")

    def resolve_report(self, report: str) -> str:
        """The IRI of a stored report, given its IRI, its ``rdfs:label`` or its source file (with or without suffix)."""
        known = self.reports()
        if report in known:
            return report
        wanted = {report, Path(report).name, Path(report).stem}
        hits = set()
        for iri in known:
            names = set()
            for prop in (RDFS.label, CSR.sourceFile):
                for quad in self.ox.quads_for_pattern(_nn(iri), _nn(str(prop)), None, _nn(iri)):
                    value = quad.object.value
                    names |= {value, Path(value).stem}
            names.add(iri.rstrip("/").rsplit("/", 1)[-1])
            if names & wanted:
                hits.add(iri)
        if len(hits) == 1:
            return hits.pop()
        if len(hits) > 1:
            raise InputError(Errors.E076, report=report, hits=", ".join(sorted(hits)))
        raise InputError(Errors.E075, report=report, path=self.path)

    def remove_report(self, report: str) -> str:
        """Drop a report's named graph (by IRI, label or file stem); returns its IRI; unknown -> InputError."""
        iri = self.resolve_report(report)
        store = self._writable()
        old = self._graph_triples(_nn(iri))
        store.remove_graph(_nn(iri))
        self._drop_from_union(old)
        self.ox.flush()
        return iri

    # reading ----------------------------------------------------------------------------------------------
    def reports(self) -> list[str]:
        """The IRIs of the stored reports (every named graph except the ontology's), sorted."""
        names = [g.value for g in self.ox.named_graphs() if hasattr(g, "value")]
        return sorted(n for n in names if n != str(ONTOLOGY_IRI))

    def graph_names(self) -> list[str]:
        """Every named graph, the ontology included, sorted."""
        return sorted(g.value for g in self.ox.named_graphs() if hasattr(g, "value"))

    def has_union_graph(self) -> bool:
        """Whether the default graph holds the set union of the named graphs (every store this version wrote).

        Why keep it: Oxigraph evaluates patterns over its union-of-named-graphs view 10-100x slower than over
        a real graph (measured in bench/RESULTS.md), and that view is a multiset (a triple in two reports
        matches twice). The copy doubles the disk use; queries read it, named graphs stay the unit of
        replacement and provenance."""
        import pyoxigraph as ox

        return next(iter(self.ox.quads_for_pattern(None, None, None, ox.DefaultGraph())), None) is not None

    def has_ontology(self) -> bool:
        return self.ox.contains_named_graph(_nn(str(ONTOLOGY_IRI)))

    def dataset_quads(self, include_ontology: bool = True) -> list[RdfQuad]:
        """Every quad as rdflib terms ``(s, p, o, graph IRI)``, sorted by N-Quads text for determinism."""
        quads = []
        for q in self.ox.quads_for_pattern(None, None, None, None):
            g = from_ox(q.graph_name)
            if g is None or (not include_ontology and str(g) == str(ONTOLOGY_IRI)):
                continue
            quads.append((str(q), (from_ox(q.subject), from_ox(q.predicate), from_ox(q.object), g)))
        quads.sort(key=lambda item: item[0])
        return [quad for _, quad in quads]

    def union_graph(self, include_ontology: bool = False) -> Graph:
        """All report triples merged into one rdflib graph (set semantics: shared triples once)."""
        graph = Graph()
        for s, p, o, _g in self.dataset_quads(include_ontology=include_ontology):
            graph.add((s, p, o))
        return graph


def _nn(iri: str) -> Any:
    import pyoxigraph as ox

    return ox.NamedNode(iri)


# ---------------------------------------------------------------------------------------------------------
# the generation marker: how readers that stay open (csrkg serve) learn that the store changed
#
# Oxigraph 0.5 has no secondary (catch-up) mode, and reading through a read-only instance while another process
# writes is undefined, so a long-lived reader must reopen after a write, and not during one. Every writer that
# goes through open_store therefore replaces GENERATION_FILE in the store directory: "writing PID TOKEN" right
# after it took the RocksDB lock, "done PID TOKEN" after its final flush. A reader reopens when the token differs
# from the one it opened and the store is settled (done, or the writing process is gone: a crashed writer).

GENERATION_FILE = "csrkg-generation"


@dataclass(frozen=True)
class Generation:
    """The contents of a store's generation marker (``token`` is None for a store no csrkg writer marked)."""

    token: str | None
    writing: bool = False
    pid: int = 0

    @property
    def settled(self) -> bool:
        """True unless a live process is writing the store right now."""
        return not self.writing or not _alive(self.pid)


def mark_generation(path: str | os.PathLike[str], writing: bool) -> None:
    """Replace the marker of the store at ``path`` (atomically, so a reader never sees half of it)."""
    token = f"{time.time_ns()}-{secrets.token_hex(4)}"
    atomic_write(Path(path) / GENERATION_FILE, f"{'writing' if writing else 'done'} {os.getpid()} {token}\n")


def read_generation(path: str | os.PathLike[str]) -> Generation:
    """The marker of the store at ``path``; an absent or unreadable marker is ``Generation(None)``."""
    try:
        state, pid, token = (Path(path) / GENERATION_FILE).read_text(encoding="utf-8").split()
        return Generation(token, writing=state == "writing", pid=int(pid))
    except (OSError, ValueError):
        return Generation(None)


def _alive(pid: int) -> bool:
    if pid <= 0:
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # someone else's process: it exists
        return True
    return True


def open_store(path: str | os.PathLike[str], read_only: bool = False) -> CsrStore:
    """Open (creating the directory if needed) the store at ``path``; read-only stores must exist."""
    import pyoxigraph as ox

    target = Path(path)
    try:
        if read_only:
            if not target.is_dir():
                raise InputError(Errors.E070, path=target)
            return CsrStore(ox.Store.read_only(str(target)), target, True)
        if target.exists() and not target.is_dir():
            raise InputError(Errors.E071, path=target)
        target.mkdir(parents=True, exist_ok=True)
        store = CsrStore(ox.Store(str(target)), target, False)
        mark_generation(target, writing=True)  # we hold the RocksDB lock now: readers wait for our close()
    except OSError as err:
        raise CsrKgError(Errors.E072, path=target, reason=one_line(str(err))) from err
    if not store.has_ontology():
        store.load_ontology()
    if not store.has_union_graph():  # a store written before the default graph was kept: build it once
        store.rebuild_union_graph()
    return store

"""A persistent, on-disk store of many reports, backed by Oxigraph (RocksDB).

Why a store: one Turtle file per report is fine for one report, but a researcher who builds fifty reports
wants to ask one question over all of them, add a corrected re-build of one report without duplicating it,
and drop a report again. So each report lives in its own named graph (the graph name is the report's
``csr:Report`` IRI), the ontology lives in the named graph ``kg.vocab.ONTOLOGY_IRI``, and queries run over
the union of the named graphs.

How an rdflib graph is split into report graphs (``split_by_report``), when it holds several reports:

* a triple whose object is a ``csr:Report`` (``csr:mentionedIn R``, ``csr:inReport R``,
  ``prov:wasDerivedFrom R``) goes to R's graph only;
* the report node's own triples go to its graph; a ``rdf:Statement`` goes to the report it
  ``prov:wasDerivedFrom``; a ``csr:Mention`` / ``csr:AliasMerge`` to the report it is ``csr:inReport``;
* an entity's triples (types, labels, attributes) go to every report it is ``csr:mentionedIn``, except a
  link to a provenance node (``csr:hasMention M``), which goes where M goes;
* a direct relation triple ``s p o`` goes to every report one of its statements is derived from
  (else to the reports of ``s``);
* a node with none of these links (a ``csr:Place``, say) inherits the reports of the nodes that point to it;
* whatever is still unassigned goes to every report graph, so that no triple is ever lost.

Oxigraph stores numbers by value: ``"3000000000.0"^^xsd:decimal`` comes back as ``"3000000000"^^xsd:decimal``
(the same value, the canonical lexical form). Everything else round-trips exactly.

Oxigraph's union default graph is a *multiset*: a triple shared by two report graphs matches twice. The
bundled queries therefore use ``DISTINCT`` / ``COUNT(DISTINCT …)`` (Virtuoso behaves the same way).
"""
from __future__ import annotations

import hashlib
import os
import re
import secrets
import time
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import PROV, RDF, RDFS, XSD

from kg.atomic import atomic_write
from kg.errors import CsrKgError, InputError
from kg.vocab import CSR, ONTOLOGY_FILE, ONTOLOGY_IRI

if TYPE_CHECKING:  # pragma: no cover
    import pyoxigraph

    from kg.query import QueryResult

RdfQuad = tuple[Any, Any, Any, URIRef]
_BNODE_ID = re.compile(r"^[A-Za-z0-9_][A-Za-z0-9_.-]*$")


# ---------------------------------------------------------------------------------------------------------
# term conversion rdflib <-> pyoxigraph


def to_ox(term: Any) -> Any:
    """Convert an rdflib term to the pyoxigraph term with the same meaning (keeps lang and datatype)."""
    import pyoxigraph as ox

    if isinstance(term, URIRef):
        return ox.NamedNode(str(term))
    if isinstance(term, BNode):
        ident = str(term)
        if not _BNODE_ID.match(ident):  # rdflib accepts ids that N-Triples does not
            ident = "b" + hashlib.sha1(ident.encode("utf-8")).hexdigest()[:16]
        return ox.BlankNode(ident)
    if isinstance(term, Literal):
        if term.language:
            return ox.Literal(str(term), language=term.language)
        if term.datatype is not None:
            return ox.Literal(str(term), datatype=ox.NamedNode(str(term.datatype)))
        return ox.Literal(str(term))
    raise InputError(f"cannot store RDF term of type {type(term).__name__}: {term!r}")


def from_ox(term: Any) -> Any:
    """Convert a pyoxigraph term back to rdflib (``xsd:string`` literals become plain literals, as rdflib parses them)."""
    import pyoxigraph as ox

    if term is None:
        return None
    if isinstance(term, ox.NamedNode):
        return URIRef(term.value)
    if isinstance(term, ox.BlankNode):
        return BNode(term.value)
    if isinstance(term, ox.Literal):
        if term.language:
            return Literal(term.value, lang=term.language)
        datatype = term.datatype.value
        if datatype == str(XSD.string):
            return Literal(term.value)
        return Literal(term.value, datatype=URIRef(datatype))
    if isinstance(term, ox.DefaultGraph):
        return None
    raise InputError(f"unsupported RDF term from the store: {term!r}")


# ---------------------------------------------------------------------------------------------------------
# splitting one rdflib graph into report graphs


def report_nodes(graph: Graph) -> list[URIRef]:
    """The ``csr:Report`` IRIs of ``graph``, sorted."""
    return sorted(r for r in set(graph.subjects(RDF.type, CSR.Report)) if isinstance(r, URIRef))


def split_by_report(graph: Graph) -> dict[URIRef, set[tuple[Any, Any, Any]]]:
    """Assign every triple of ``graph`` to one or more report graphs (the rule is in the module docstring)."""
    reports = report_nodes(graph)
    if not reports:
        raise InputError("the graph has no csr:Report node, so it cannot be stored (was it built by csrkg build?)")
    report_set = set(reports)
    if len(reports) == 1:
        return {reports[0]: set(graph)}

    owner: dict[Any, set[URIRef]] = defaultdict(set)
    for r in reports:
        owner[r].add(r)
    prov_nodes: set[Any] = set()  # statements, mentions, merges: they belong to exactly their reports
    for link in (PROV.wasDerivedFrom, CSR.inReport, CSR.mentionedIn):
        for node, rep in graph.subject_objects(link):
            if rep in report_set:
                owner[node].add(rep)
                if link != CSR.mentionedIn:
                    prov_nodes.add(node)
    # direct relation triples inherit the reports of the statements that reify them
    stmt_reports: dict[tuple[Any, Any, Any], set[URIRef]] = defaultdict(set)
    for stmt in graph.subjects(RDF.type, RDF.Statement):
        key = (graph.value(stmt, RDF.subject), graph.value(stmt, RDF.predicate), graph.value(stmt, RDF.object))
        stmt_reports[key] |= owner.get(stmt, set())
    # nodes without a report link inherit from the nodes that point to them (places, say)
    direct = {node for node, reps in owner.items() if reps}
    subjects = set(graph.subjects())
    changed = True
    while changed:
        changed = False
        for s, _p, o in graph:
            if isinstance(o, Literal) or o in direct or o not in subjects or not owner.get(s):
                continue
            if not owner[s] <= owner[o]:
                owner[o] |= owner[s]
                changed = True

    parts: dict[URIRef, set[tuple[Any, Any, Any]]] = {r: set() for r in reports}
    for triple in graph:
        s, p, o = triple
        if o in report_set and p != RDF.type:
            targets = {o}
        elif stmt_reports.get(triple):
            targets = stmt_reports[triple]
        elif o in prov_nodes:  # csr:hasMention M goes where M is
            targets = owner[o]
        else:
            targets = owner.get(s) or report_set
        for r in targets:
            parts[r].add(triple)
    return parts


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

    @property
    def ox(self) -> "pyoxigraph.Store":
        """The underlying ``pyoxigraph.Store`` (for callers that need its own API)."""
        if self._store is None:
            raise CsrKgError("the store is closed")
        return self._store

    def _writable(self) -> "pyoxigraph.Store":
        if self.read_only:
            raise CsrKgError(f"the store {self.path} is open read-only")
        return self.ox

    # writing ----------------------------------------------------------------------------------------------
    def _replace_graph(self, name: URIRef, triples: Iterable[tuple[Any, Any, Any]]) -> int:
        """Replace the named graph ``name`` by ``triples``: a failure leaves the old graph or none, never half."""
        import pyoxigraph as ox

        store = self._writable()
        g = ox.NamedNode(str(name))
        quads = [ox.Quad(to_ox(s), to_ox(p), to_ox(o), g) for s, p, o in triples]
        if store.contains_named_graph(g):
            store.remove_graph(g)
        store.extend(quads)  # transactional: all or nothing
        return len(quads)

    def load_ontology(self) -> bool:
        """(Re)load ``ontology/csr.ttl`` into its named graph; False when the file is not there."""
        if not ONTOLOGY_FILE.is_file():
            return False
        onto = Graph()
        onto.parse(ONTOLOGY_FILE, format="turtle")
        self._replace_graph(ONTOLOGY_IRI, _canonical(onto))
        return True

    def put_report(self, graph: Graph) -> list[str]:
        """Store the report(s) of ``graph``, each in its own named graph, replacing earlier loads of them.

        Returns the report IRIs written, sorted.
        """
        self._writable()
        parts = split_by_report(_canonical(graph))
        self.load_ontology()  # keep the ontology graph as current as the code that wrote the report
        for report, triples in sorted(parts.items()):
            self._replace_graph(report, triples)
        self.ox.flush()
        return [str(r) for r in sorted(parts)]

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
            raise InputError(f"'{report}' names several reports: {', '.join(sorted(hits))}; give the report IRI")
        raise InputError(f"no report '{report}' in the store {self.path} (see: csrkg query --store DIR reports)")

    def remove_report(self, report: str) -> str:
        """Drop a report's named graph (by IRI, label or file stem); returns its IRI; unknown -> InputError."""
        iri = self.resolve_report(report)
        self._writable().remove_graph(_nn(iri))
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

    def has_ontology(self) -> bool:
        return self.ox.contains_named_graph(_nn(str(ONTOLOGY_IRI)))

    def query(self, sparql: str) -> "QueryResult":
        """Run a SPARQL query over the union of the named graphs; see :mod:`kg.query`."""
        from kg.query import run_on_store

        return run_on_store(self, sparql)

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


def _canonical(graph: Graph) -> Graph:
    """Relabel blank nodes from content (parsers invent random ids), so that the same file stores alike."""
    from kg.export import canonical

    return canonical(graph)


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
                raise InputError(f"no store at {target}")
            return CsrStore(ox.Store.read_only(str(target)), target, True)
        if target.exists() and not target.is_dir():
            raise InputError(f"{target} exists and is not a store directory")
        target.mkdir(parents=True, exist_ok=True)
        store = CsrStore(ox.Store(str(target)), target, False)
        mark_generation(target, writing=True)  # we hold the RocksDB lock now: readers wait for our close()
    except OSError as err:
        raise CsrKgError(f"cannot open the store {target}: {_one_line(str(err))}") from err
    if not store.has_ontology():
        store.load_ontology()
    return store


def iter_report_triples(store: CsrStore, report: str) -> Iterator[tuple[Any, Any, Any]]:
    """The triples of one report's named graph, as rdflib terms."""
    iri = store.resolve_report(report)
    for q in store.ox.quads_for_pattern(None, None, None, _nn(iri)):
        yield from_ox(q.subject), from_ox(q.predicate), from_ox(q.object)


def _one_line(text: str) -> str:
    return " ".join(text.split())

"""One entity across reports: the same organisation, fund or community named in several reports is one IRI.

Within a report the resolver (``extract.resolve``) already merges a short name into the full name it
stands for. Across reports, minting gives one IRI to one canonical name (``kg.minting``), so what is left is
a report that names an organisation only by its short name (``青禾银行``) while another report gives its full
legal name with that short name as an alias (``青禾银行股份有限公司``, ``skos:altLabel "青禾银行"``). The rule:

* names are compared after NFKC (full-width brackets, spaces) and without quotes or spaces;
* an entity whose label is the same name as another's label (up to that normalisation) is the same entity;
* an entity whose label is an alias of exactly one other entity of its kind with a longer label is that
  entity. A short name that is an alias of two different full names merges nothing: a short name never
  merges two different full names (and two full names are never merged with each other by an alias);
* awards are merged by equal names only (the same short award title is often two different awards).

The old IRI disappears: its triples move to the kept IRI, its label becomes an ``skos:altLabel`` there, and
each report that used it gets a ``csr:AliasMerge`` record (surface form, reason, report), so every mention
keeps its own provenance. Decisions are made over everything present, so the result does not depend on
the order in which reports were built.
"""
from __future__ import annotations

import re
import unicodedata
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from rdflib import RDF, RDFS, Graph, Literal, URIRef
from rdflib.namespace import SKOS

from kg.minting import lang_literal, stable_hash
from kg.vocab import CSR, RES, RESOURCE_BASE

if TYPE_CHECKING:  # pragma: no cover
    from kg.store import CsrStore

ALIAS_LINKED_KINDS = frozenset({"org", "fund", "community"})  # awards: equal names only
SAME_NAME = "the same name in another report (up to width, spaces and quotes)"
SHORT_NAME = "the short name of exactly one full name given in another report"
_QUOTES_AND_SPACES = re.compile(r"[\s“”\"'‘’「」『』《》〈〉]+")
# a full legal name is never merged into another name by an alias (only short names are)
_LEGAL_NAME = re.compile(r"(?:有限公司|有限责任公司|股份有限公司|集团公司|基金会|Co\.?,? Ltd\.?|Limited)$", re.IGNORECASE)


def name_key(name: str) -> str:
    """The comparison form of a name: NFKC (full-width brackets and letters), no spaces or quotes."""
    return _QUOTES_AND_SPACES.sub("", unicodedata.normalize("NFKC", name))


@dataclass
class EntityNames:
    """What identity needs of one entity: its IRI, kind (the IRI's path segment), label and aliases."""

    iri: URIRef
    kind: str
    label: str
    aliases: set[str] = field(default_factory=set)


def entity_kind(iri: URIRef) -> str | None:
    """``res:org/…`` -> ``org``; None for IRIs that are not entities (reports, statements, places…)."""
    text = str(iri)
    if not text.startswith(RESOURCE_BASE):
        return None
    kind = text[len(RESOURCE_BASE):].split("/", 1)[0]
    return kind if kind in ALIAS_LINKED_KINDS | {"award"} else None


def find_links(entities: Iterable[EntityNames]) -> dict[URIRef, URIRef]:
    """old IRI -> kept IRI, for every entity that is another one (rules in the module docstring)."""
    by_iri = {e.iri: e for e in sorted(entities, key=lambda e: str(e.iri))}
    links: dict[URIRef, URIRef] = {}
    # 1. equal labels up to normalisation: keep the smallest IRI
    same: dict[tuple[str, str], list[URIRef]] = defaultdict(list)
    for e in by_iri.values():
        same[(e.kind, name_key(e.label))].append(e.iri)
    for iris in same.values():
        for other in iris[1:]:
            links[other] = iris[0]
    # 2. a label that is an alias of exactly one entity with a longer label
    carriers: dict[tuple[str, str], set[URIRef]] = defaultdict(set)
    for e in by_iri.values():
        if e.kind not in ALIAS_LINKED_KINDS or e.iri in links:
            continue
        for alias in e.aliases:
            if name_key(alias) != name_key(e.label):
                carriers[(e.kind, name_key(alias))].add(e.iri)
    for e in by_iri.values():
        if e.iri in links or e.kind not in ALIAS_LINKED_KINDS:
            continue
        key = name_key(e.label)
        if _LEGAL_NAME.search(key):
            continue
        targets = {t for t in carriers.get((e.kind, key), set())
                   if t != e.iri and len(name_key(by_iri[t].label)) > len(key)}
        if len(targets) == 1:
            links[e.iri] = targets.pop()
    return {old: _final(new, links) for old, new in sorted(links.items())}


def _final(iri: URIRef, links: dict[URIRef, URIRef]) -> URIRef:
    seen = set()
    while iri in links and iri not in seen:
        seen.add(iri)
        iri = links[iri]
    return iri


def entities_of(graph: Graph) -> list[EntityNames]:
    """The entities of a graph with their labels and aliases."""
    out = []
    for node, label in sorted(graph.subject_objects(RDFS.label)):
        kind = entity_kind(node) if isinstance(node, URIRef) else None
        if kind:
            out.append(EntityNames(node, kind, str(label), {str(a) for a in graph.objects(node, SKOS.altLabel)}))
    return out


def rewrite(graph: Graph, links: dict[URIRef, URIRef], labels: dict[URIRef, str]) -> Graph:
    """A copy of ``graph`` with every linked IRI replaced by the kept one (old labels become aliases; each
    report that used an old IRI gets an ``csr:AliasMerge`` record); ``labels``: the kept IRIs' labels."""
    out = Graph()
    for prefix, ns in graph.namespaces():
        out.bind(prefix, ns, override=True)
    used: dict[URIRef, set[str]] = defaultdict(set)
    for s, p, o in graph:
        if s in links:
            if p == RDFS.label:
                used[s].add(str(o))
                out.add((links[s], SKOS.altLabel, o))
                continue
            s = links[s]
        if o in links:
            o = links[o]
        out.add((s, p, o))
    for old in sorted(used):
        kept = links[old]
        if kept in labels and not any(True for _ in out.objects(kept, RDFS.label)):
            out.add((kept, RDFS.label, lang_literal(labels[kept])))
        for report in sorted(graph.objects(old, CSR.mentionedIn)):
            for surface in sorted(used[old]):
                node = RES[f"merge/{stable_hash(str(report), str(old), surface, 'corpus')}"]
                out.add((node, RDF.type, CSR.AliasMerge))
                out.add((node, CSR.mergedInto, kept))
                out.add((node, CSR.surfaceForm, lang_literal(surface)))
                out.add((node, CSR.mergeReason, Literal(_reason(surface, labels.get(kept, "")), lang="en")))
                out.add((node, CSR.inReport, report))
    return out


def link_graph(graph: Graph) -> tuple[Graph, dict[URIRef, URIRef]]:
    """Link the entities of one graph (several reports built together); returns the new graph and the links."""
    entities = entities_of(graph)
    links = find_links(entities)
    if not links:
        return graph, links
    labels = {e.iri: e.label for e in entities}
    return rewrite(graph, links, labels), links


def link_store(store: "CsrStore") -> dict[URIRef, URIRef]:
    """Link the entities across every report graph of a store, rewriting only the graphs that change."""
    from kg.query import run_on_store

    result = run_on_store(store, _ENTITY_NAMES_QUERY)
    names: dict[URIRef, EntityNames] = {}
    for entity, label, alias in result.rows:
        kind = entity_kind(entity)
        if not kind:
            continue
        item = names.setdefault(entity, EntityNames(entity, kind, str(label)))
        item.label = min(item.label, str(label))  # one label per IRI as minted; min() if a store holds two
        if alias is not None:
            item.aliases.add(str(alias))
    links = find_links(names.values())
    if not links:
        return links
    labels = {iri: e.label for iri, e in names.items()}
    for report in _graphs_using(store, links):
        graph = store.report_graph(report)
        store.replace_report_graph(report, rewrite(graph, links, labels))
    store.ox.flush()
    return links


def _graphs_using(store: "CsrStore", links: dict[URIRef, URIRef]) -> list[URIRef]:
    import pyoxigraph as ox

    found: set[str] = set()
    for old in links:
        node = ox.NamedNode(str(old))
        for q in [*store.ox.quads_for_pattern(node, None, None, None), *store.ox.quads_for_pattern(None, None, node, None)]:
            if isinstance(q.graph_name, ox.NamedNode):  # (the default graph holds the union: not a report)
                found.add(q.graph_name.value)
    return [URIRef(g) for g in sorted(found)]


_ENTITY_NAMES_QUERY = """
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
SELECT DISTINCT ?e ?label ?alias WHERE {
  ?e rdfs:label ?label .
  OPTIONAL { ?e skos:altLabel ?alias }
  FILTER(STRSTARTS(STR(?e), "%s"))
}
""" % RESOURCE_BASE


def _reason(surface: str, kept: str) -> str:
    return SAME_NAME if name_key(surface) == name_key(kept) else SHORT_NAME

"""A networkx view of a csr-kg graph, for analytics (``kg.stats``) and drawing.

Only the domain entities and their relations are kept: reports, mentions, statements and merge records are
provenance, not part of the network. Nodes and edges are added in sorted order so that every algorithm that
iterates the graph (and every file drawn from it) is deterministic.
"""
from __future__ import annotations

from typing import TYPE_CHECKING, Any

from rdflib import RDF, RDFS, Literal, URIRef
from rdflib.namespace import SKOS

from kg.vocab import CSR, EDGE_RELATIONS, local_name

if TYPE_CHECKING:  # networkx is heavy: imported inside the function
    import networkx
    import rdflib

# csr classes whose members become nodes, most specific first: the first one a node has is its ``kind``
KIND_PRIORITY: tuple[str, ...] = (
    "Subsidiary",
    "Fund",
    "Community",
    "Award",
    "Partner",
    "Company",
    "Organization",
    "Place",
)
NODE_CLASSES: frozenset[str] = frozenset(KIND_PRIORITY)


def _label(graph: rdflib.Graph, node: URIRef) -> str:
    """The node's rdfs:label (the ``@zh`` one first, then the smallest), or its IRI when it has none."""
    labels = sorted(graph.objects(node, RDFS.label), key=lambda l: (getattr(l, "language", None) != "zh", str(l)))
    return str(labels[0]) if labels else str(node)


def _first_literal(graph: rdflib.Graph, node: URIRef, prop: URIRef) -> Literal | None:
    values = sorted((o for o in graph.objects(node, prop) if isinstance(o, Literal)), key=str)
    return values[0] if values else None


def node_classes(graph: rdflib.Graph) -> dict[URIRef, list[str]]:
    """Map each entity IRI to the sorted csr class local names it has (only the node classes)."""
    classes: dict[URIRef, set[str]] = {}
    for subject, cls in graph.subject_objects(RDF.type):
        name = local_name(cls) if isinstance(cls, URIRef) else None
        if name in NODE_CLASSES and isinstance(subject, URIRef):
            classes.setdefault(subject, set()).add(name)
    return {node: sorted(names) for node, names in classes.items()}


def kind_of(classes: list[str] | set[str]) -> str:
    """The most specific class for display (Subsidiary > Fund > … > Place)."""
    for name in KIND_PRIORITY:
        if name in classes:
            return name
    raise ValueError(f"no csr node class among {sorted(classes)}")


def _node_attributes(graph: rdflib.Graph, node: URIRef, classes: list[str]) -> dict[str, Any]:
    attrs: dict[str, Any] = {
        "label": _label(graph, node),
        "classes": classes,
        "kind": kind_of(classes),
        "aliases": sorted({str(a) for a in graph.objects(node, SKOS.altLabel)}),
    }
    size = _first_literal(graph, node, CSR.sizeCNY)
    if size is not None:
        try:
            attrs["sizeCNY"] = float(size.toPython())
        except (TypeError, ValueError):
            pass
    kind = _first_literal(graph, node, CSR.communityKind)
    if kind is not None:
        attrs["communityKind"] = str(kind)
    places = sorted(p for p in graph.objects(node, CSR.locatedIn) if isinstance(p, URIRef))
    if places:
        attrs["city"] = _label(graph, places[0])
    opening = _first_literal(graph, node, CSR.openingDate)
    if opening is not None:
        attrs["openingDate"] = str(opening)
    return attrs


def to_networkx(graph: rdflib.Graph) -> networkx.MultiDiGraph:
    """Build the entity network: node id = IRI string, one edge per relation triple, key = relation name.

    Edges whose ends are not both entity nodes (e.g. towards an untyped IRI) are dropped, so the network
    only holds what it can label.
    """
    import networkx as nx

    net = nx.MultiDiGraph()
    classes = node_classes(graph)
    for node in sorted(classes, key=str):
        net.add_node(str(node), **_node_attributes(graph, node, classes[node]))
    edges: set[tuple[str, str, str]] = set()
    for relation in EDGE_RELATIONS:
        for subject, obj in graph.subject_objects(getattr(CSR, relation)):
            if subject in classes and obj in classes:
                edges.add((str(subject), str(obj), relation))
    for subject, obj, relation in sorted(edges):
        net.add_edge(subject, obj, key=relation, relation=relation)
    return net

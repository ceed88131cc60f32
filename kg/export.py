"""Export a graph file or a store to other RDF syntaxes and to network formats for Gephi.

RDF exports keep every triple; N-Quads and TriG also keep the named graphs (one per report, plus the
ontology's when exporting a store). GraphML and GEXF carry the entity network of :func:`kg.netx.to_networkx`
with labels, classes, aliases and relation names as attributes Gephi shows. Every export is deterministic:
the same input gives the same bytes (sorted N-Triples/N-Quads lines, rdflib's sorted Turtle, graphs in IRI
order, JSON-LD with sorted nodes and keys, network files with sorted nodes and edges and no timestamps).
"""
from __future__ import annotations

import json
import re
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from rdflib import Dataset, Graph, URIRef

from extract.errors import Errors, InputError
from kg.named_graphs import report_nodes, split_by_report
from kg.rdfterms import canonical
from kg.vocab import ONTOLOGY_IRI, PREFIXES

if TYPE_CHECKING:  # pragma: no cover
    import networkx

    from kg.store import CsrStore

FORMATS: tuple[str, ...] = ("ttl", "nt", "nq", "trig", "jsonld", "graphml", "gexf")
SUFFIXES: dict[str, str] = {
    "ttl": ".ttl", "nt": ".nt", "nq": ".nq", "trig": ".trig", "jsonld": ".jsonld", "graphml": ".graphml", "gexf": ".gexf",
}
QUAD_FORMATS = frozenset({"nq", "trig"})
NETWORK_FORMATS = frozenset({"graphml", "gexf"})
LIST_SEPARATOR = "; "  # lists (classes, aliases) become one string: GraphML and GEXF have no list type

NamedGraphs = list[tuple[URIRef | None, Graph]]

def _bind(graph: Graph) -> Graph:
    for prefix, ns in PREFIXES.items():
        graph.bind(prefix, ns, override=True, replace=True)
    return graph

# ---------------------------------------------------------------------------------------------------------
# collecting the named graphs

def graphs_of_file(graph: Graph) -> NamedGraphs:
    """The named graphs of one graph file: one per report (shared triples in each), else the default graph."""

    if isinstance(graph, Dataset):  # a .trig / .nq input keeps its own graphs
        out: NamedGraphs = []
        for ctx in sorted(graph.graphs(), key=lambda c: str(c.identifier)):
            if len(ctx):
                name = ctx.identifier if isinstance(ctx.identifier, URIRef) else None
                if name is not None and str(name) == "urn:x-rdflib:default":
                    name = None
                out.append((name, _copy(ctx)))
        return out
    if not report_nodes(graph):
        return [(None, graph)]
    return [(iri, _copy(triples)) for iri, triples in sorted(split_by_report(graph).items())]

def graphs_of_store(store: CsrStore, include_ontology: bool = True) -> NamedGraphs:
    """The named graphs of a store, in IRI order (the ontology's included unless asked otherwise)."""
    parts: dict[URIRef, Graph] = {}
    for s, p, o, g in store.dataset_quads(include_ontology=include_ontology):
        parts.setdefault(g, Graph()).add((s, p, o))
    return [(name, parts[name]) for name in sorted(parts, key=str)]

def _copy(triples: Iterable[Any]) -> Graph:
    g = Graph()
    for t in triples:
        g.add(t)
    return g

def union(graphs: NamedGraphs) -> Graph:
    """All triples of all graphs, once each (blank nodes relabelled canonically)."""
    out = Graph()
    for _name, g in graphs:
        for t in g:
            out.add(t)
    return _bind(canonical(out))

# ---------------------------------------------------------------------------------------------------------
# serialising

def _sorted_lines(text: str) -> bytes:
    lines = sorted({line for line in text.splitlines() if line.strip()})
    return ("\n".join(lines) + "\n").encode("utf-8") if lines else b""

def _dataset(graphs: NamedGraphs) -> Dataset:
    ds = Dataset()
    _bind(ds)
    for name, g in graphs:
        target = ds.graph(name) if name is not None else ds.default_context
        for t in canonical(g):
            target.add(t)
    return ds

def _trig(graphs: NamedGraphs) -> bytes:
    """TriG written graph by graph in IRI order (rdflib's own TriG order depends on hashing)."""
    chunks: list[str] = []
    prefixes: dict[str, str] = {}
    bodies: list[str] = []
    for name, g in graphs:
        text = _bind(canonical(_copy(g))).serialize(format="turtle")
        lines = text.splitlines()
        body = []
        for line in lines:
            m = re.match(r"@prefix (\S*): <([^>]*)> \.$", line)
            if m:
                prefixes[m.group(1)] = m.group(2)
            elif line.strip():
                body.append(line)
            else:
                body.append("")
        # no re-indentation: it would change the text of multi-line (triple-quoted) literals
        inner = "\n".join(body).strip("\n")
        head = f"<{name}>" if name is not None else ""
        bodies.append(f"{head} {{\n{inner}\n}}\n".lstrip() if head else f"{{\n{inner}\n}}\n")
    for prefix in sorted(prefixes):
        chunks.append(f"@prefix {prefix}: <{prefixes[prefix]}> .")
    return ("\n".join(chunks) + "\n\n" + "\n".join(bodies)).encode("utf-8")

def _sort_jsonld(value: Any) -> Any:
    """Sort JSON-LD node arrays by @id and value arrays by their JSON text, so the output is stable."""
    if isinstance(value, dict):  # an @list is ordered: its items keep their order
        return {k: ([_sort_jsonld(i) for i in v] if k == "@list" and isinstance(v, list) else _sort_jsonld(v))
                for k, v in value.items()}
    if isinstance(value, list):
        items = [_sort_jsonld(v) for v in value]
        return sorted(items, key=lambda v: (str(v.get("@id", "")) if isinstance(v, dict) else "",
                                             json.dumps(v, ensure_ascii=False, sort_keys=True)))
    return value

def _jsonld(graphs: NamedGraphs, quads: bool) -> bytes:
    if quads and any(name is not None for name, _ in graphs):
        text = _dataset(graphs).serialize(format="json-ld")
    else:
        text = union(graphs).serialize(format="json-ld")
    doc = _sort_jsonld(json.loads(text))
    return (json.dumps(doc, ensure_ascii=False, indent=2, sort_keys=True) + "\n").encode("utf-8")

def network(graph: Graph) -> networkx.MultiDiGraph:
    """The entity network with Gephi-friendly attributes: scalar values only, edge ``label`` = relation."""
    import networkx as nx

    from kg.netx import to_networkx

    source = to_networkx(graph)
    net = nx.MultiDiGraph()
    for node in sorted(source.nodes):
        attrs = {}
        for key, value in sorted(source.nodes[node].items()):
            if isinstance(value, (list, tuple, set)):
                value = LIST_SEPARATOR.join(str(v) for v in value)
            attrs[key] = value
        attrs["iri"] = node
        net.add_node(node, **attrs)
    edges = sorted((u, v, k, d) for u, v, k, d in source.edges(keys=True, data=True))
    for index, (u, v, key, data) in enumerate(edges):
        relation = str(data.get("relation", key))
        # GraphML and GEXF want edge ids unique in the file; a running number in sorted order is
        net.add_edge(u, v, key=f"e{index}", label=relation, relation=relation)
    return net

def _graphml(graph: Graph) -> bytes:
    import io

    import networkx as nx

    buf = io.BytesIO()
    nx.write_graphml(network(graph), buf, encoding="utf-8", prettyprint=True)
    return buf.getvalue()

def _gexf(graph: Graph) -> bytes:
    import io

    import networkx as nx

    buf = io.BytesIO()
    nx.write_gexf(network(graph), buf, encoding="utf-8", prettyprint=True)
    # networkx stamps today's date into <meta>: drop it, or the same input would give other bytes tomorrow
    return re.sub(rb'\s+lastmodifieddate="[^"]*"', b"", buf.getvalue())

def serialize(graphs: NamedGraphs, fmt: str) -> bytes:
    """The bytes of ``graphs`` in format ``fmt`` (one of :data:`FORMATS`)."""
    if fmt == "ttl":
        return union(graphs).serialize(format="turtle").encode("utf-8")
    if fmt == "nt":
        return _sorted_lines(union(graphs).serialize(format="nt"))
    if fmt == "nq":
        return _sorted_lines(_dataset(graphs).serialize(format="nquads"))
    if fmt == "trig":
        return _trig(graphs)
    if fmt == "jsonld":
        return _jsonld(graphs, quads=True)
    if fmt == "graphml":
        return _graphml(union(graphs))
    if fmt == "gexf":
        return _gexf(union(graphs))
    raise InputError(Errors.E061, what="export", fmt=fmt, known=", ".join(FORMATS))

def _confident(graphs: NamedGraphs, min_confidence: float | None) -> NamedGraphs:
    """Each named graph without the facts below ``min_confidence`` (a report graph holds its statements)."""
    if min_confidence is None:
        return graphs
    from kg.confidence import drop_low_confidence

    return [(name, drop_low_confidence(part, min_confidence)) for name, part in graphs]

def export_file(graph: Graph, fmt: str, min_confidence: float | None = None) -> bytes:
    """Export one graph file's content (only facts of confidence >= ``min_confidence`` when given)."""
    return serialize(_confident(graphs_of_file(graph), min_confidence), fmt)

def export_store(store: CsrStore, fmt: str, include_ontology: bool = True,
                 min_confidence: float | None = None) -> bytes:
    """Export a whole store (every report graph, and the ontology graph unless ``include_ontology`` is False)."""
    return serialize(_confident(graphs_of_store(store, include_ontology=include_ontology), min_confidence), fmt)

__all__ = ["FORMATS", "ONTOLOGY_IRI", "export_file", "export_store", "network", "serialize"]

"""Graph analytics for ``csrkg stats`` and the notebook: counts, centrality, components, communities.

Everything is computed on the entity network of ``kg.netx`` (provenance nodes left out). Centralities and
communities use its undirected simple projection: who is connected to whom matters here, not the
direction or the number of relations between two entities. Ties are broken by label then IRI and floats are
rounded, so the output is byte-identical across runs.
"""
from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import TYPE_CHECKING, Any

from rdflib import RDF, URIRef

from kg.netx import KIND_PRIORITY, to_networkx
from kg.textwidth import clip, display_width, pad
from kg.vocab import CSR, EDGE_RELATIONS

if TYPE_CHECKING:
    import networkx
    import rdflib

    from kg.selection import Corpus

# above this many nodes, betweenness is estimated from k sampled sources (exact is O(n·m)); k is at most
# BETWEENNESS_SAMPLES and at least BETWEENNESS_MIN_SAMPLES, and such that k·(nodes + edges) stays under
# BETWEENNESS_WORK: each sample is one pure-Python BFS over the graph (measured about 5 µs per node or edge,
# so 256 samples of a 10,000-node corpus took 40 s; the bound keeps it to a few seconds)
BETWEENNESS_EXACT_MAX_NODES = 1000
BETWEENNESS_SAMPLES = 256
BETWEENNESS_MIN_SAMPLES = 32
BETWEENNESS_WORK = 1_000_000
SEED = 42
# list the members of the largest component only when it is this small
LIST_MEMBERS_MAX = 50
COMMUNITY_MEMBERS = 5
LARGEST_COMPONENTS = 5
# classes counted, in display order
CLASS_ORDER: tuple[str, ...] = ("Company", "Subsidiary", "Partner", "Organization", "Fund", "Community", "Award", "Place")
_DIGITS = 6


@dataclass
class GraphStats:
    """The analytics of one graph; ``to_dict()`` is JSON-ready and stable."""

    nodes: int
    edges: int
    entities: dict[str, int]
    relations: dict[str, int]
    degree_top: list[dict[str, Any]]
    betweenness_top: list[dict[str, Any]]
    betweenness_method: str
    components: dict[str, Any]
    communities: list[dict[str, Any]]
    modularity: float | None
    top: int = 10
    notes: list[str] = field(default_factory=list)
    # one row per selected report (report, company, year, entities, relations) when there are several
    reports: list[dict[str, Any]] = field(default_factory=list)
    # node IRI -> id of its Louvain community (for the HTML view's clusters; not part of the report)
    community_of: dict[str, int] = field(default_factory=dict, repr=False, compare=False)

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        del data["community_of"]
        return data


def _entry(net: networkx.Graph, node: str, **values: Any) -> dict[str, Any]:
    data = net.nodes[node]
    return {"label": data["label"], "kind": data["kind"], "iri": node, **values}


def _ranked(net: networkx.Graph, scores: dict[str, float], top: int, name: str, extra=None) -> list[dict[str, Any]]:
    """The ``top`` nodes by score, ties broken by label then IRI (deterministic)."""
    order = sorted(scores, key=lambda n: (-round(scores[n], _DIGITS), net.nodes[n]["label"], n))
    rows = []
    for node in order[:top]:
        values = {name: round(scores[node], _DIGITS)}
        if extra:
            values.update(extra(node))
        rows.append(_entry(net, node, **values))
    return rows


def count_entities(graph: rdflib.Graph) -> dict[str, int]:
    """Number of distinct IRIs typed with each csr node class (a node counts once per class it has)."""
    return {
        name: len({s for s in graph.subjects(RDF.type, getattr(CSR, name)) if isinstance(s, URIRef)})
        for name in CLASS_ORDER
    }


def count_relations(graph: rdflib.Graph) -> dict[str, int]:
    """Number of direct triples of each relation property (plus locatedIn)."""
    return {name: sum(1 for _ in graph.triples((None, getattr(CSR, name), None))) for name in EDGE_RELATIONS}


def _betweenness(simple: networkx.Graph) -> tuple[dict[str, float], str]:
    import networkx as nx

    n = simple.number_of_nodes()
    if n > BETWEENNESS_EXACT_MAX_NODES:
        size = n + simple.number_of_edges()
        k = max(BETWEENNESS_MIN_SAMPLES, min(BETWEENNESS_SAMPLES, BETWEENNESS_WORK // size))
        return (
            nx.betweenness_centrality(simple, k=k, seed=SEED, normalized=True),
            f"approximate: k={k} sampled sources, seed={SEED} (graph has {n} > {BETWEENNESS_EXACT_MAX_NODES} nodes)",
        )
    return nx.betweenness_centrality(simple, normalized=True), "exact"


def _components(simple: networkx.Graph) -> dict[str, Any]:
    import networkx as nx

    comps = [sorted(c) for c in nx.connected_components(simple)]
    labels = lambda c: sorted(simple.nodes[n]["label"] for n in c)  # noqa: E731
    comps.sort(key=lambda c: (-len(c), labels(c)))
    largest = comps[0] if comps else []
    return {
        "count": len(comps),
        "largest_sizes": [len(c) for c in comps[:LARGEST_COMPONENTS]],
        "isolated_nodes": sum(1 for c in comps if len(c) == 1),
        "largest_members": labels(largest) if 0 < len(largest) <= LIST_MEMBERS_MAX else None,
    }


def _communities(simple: networkx.Graph, degree: dict[str, int]
                 ) -> tuple[list[dict[str, Any]], float | None, dict[str, int]]:
    """Louvain communities with a fixed seed; each with its size, kinds and best-connected members.

    Also returns each node's community id (ids are the rows' ``id``: 1 = the largest community).
    """
    import networkx as nx

    if simple.number_of_edges() == 0:
        return [], None, {}
    parts = nx.community.louvain_communities(simple, seed=SEED)
    modularity = round(nx.community.modularity(simple, parts), _DIGITS)
    rows = []
    for part in parts:
        members = sorted(part, key=lambda n: (-degree[n], simple.nodes[n]["label"], n))
        kinds: dict[str, int] = {}
        for node in part:
            kind = simple.nodes[node]["kind"]
            kinds[kind] = kinds.get(kind, 0) + 1
        rows.append(
            {
                "size": len(part),
                "kinds": {k: kinds[k] for k in KIND_PRIORITY if k in kinds},
                "top_members": [simple.nodes[n]["label"] for n in members[:COMMUNITY_MEMBERS]],
                "_members": members,
            }
        )
    rows.sort(key=lambda r: (-r["size"], r["top_members"], r["_members"]))
    membership = {node: index for index, row in enumerate(rows, 1) for node in row.pop("_members")}
    return [{"id": index, **row} for index, row in enumerate(rows, 1)], modularity, membership


def simple_projection(net: networkx.MultiDiGraph) -> networkx.Graph:
    """Undirected simple graph on the same nodes (in the same order), without self-loops."""
    import networkx as nx

    simple = nx.Graph()
    simple.add_nodes_from(net.nodes(data=True))
    simple.add_edges_from((u, v) for u, v in net.edges() if u != v)
    return simple


def report_table(corpus: Corpus) -> list[dict[str, Any]]:
    """Per report of a corpus: its company and year, and the entities and relations of its report graph."""
    from kg.netx import NODE_CLASSES

    node_types = {getattr(CSR, name) for name in NODE_CLASSES}
    relations = {getattr(CSR, name) for name in EDGE_RELATIONS}
    rows = []
    for info in corpus.reports:
        triples = corpus.parts.get(info.iri, set())
        entities = {s for s, p, o in triples if p == RDF.type and o in node_types and isinstance(s, URIRef)}
        edges = {(s, p, o) for s, p, o in triples if p in relations and s in entities and o in entities}
        rows.append({"report": info.label, "iri": info.iri, "company": info.company, "year": info.year,
                     "entities": len(entities), "relations": len(edges)})
    return rows


def compute_stats(graph: rdflib.Graph, top: int = 10, *, corpus: Corpus | None = None,
                  net: networkx.MultiDiGraph | None = None) -> GraphStats:
    """Compute the analytics of ``graph`` (an rdflib Graph in the shape of docs/GRAPH.md).

    With a ``corpus`` of several reports (``graph`` is its union), a per-report table is added; ``net`` is
    ``to_networkx(graph)`` when the caller already has it (it is the slow part on big graphs).
    """
    import networkx as nx

    if net is None:
        net = to_networkx(graph)
    simple = simple_projection(net)
    degree = dict(simple.degree())
    degree_top = _ranked(simple, nx.degree_centrality(simple), top, "degree_centrality",
                         extra=lambda n: {"degree": degree[n]})
    between, method = _betweenness(simple)
    communities, modularity, membership = _communities(simple, degree)
    notes = []
    if method != "exact":
        notes.append(f"betweenness centrality is {method}")
    return GraphStats(
        nodes=net.number_of_nodes(),
        edges=net.number_of_edges(),
        entities=count_entities(graph),
        relations=count_relations(graph),
        degree_top=degree_top,
        betweenness_top=_ranked(simple, between, top, "betweenness"),
        betweenness_method=method,
        components=_components(simple),
        communities=communities,
        modularity=modularity,
        top=top,
        notes=notes,
        reports=report_table(corpus) if corpus is not None and len(corpus.reports) > 1 else [],
        community_of=membership,
    )


# ---------------------------------------------------------------- text report


def format_table(headers: list[str], rows: list[list[Any]], numeric: set[int] | None = None) -> str:
    """A plain-text table whose columns line up in a terminal, also with Chinese labels."""
    numeric = numeric or set()
    cells = [[str(c) for c in headers]] + [[("" if c is None else str(c)) for c in row] for row in rows]
    widths = [max(display_width(row[i]) for row in cells) for i in range(len(headers))]
    lines = []
    for index, row in enumerate(cells):
        line = "  ".join(pad(c, widths[i], right=i in numeric) for i, c in enumerate(row))
        lines.append(line.rstrip())
        if index == 0:
            lines.append("  ".join("-" * w for w in widths))
    return "\n".join(lines)


LABEL_WIDTH = 36
MEMBER_WIDTH = 26


def _fmt(value: float) -> str:
    return f"{value:.4f}"


def render_text(stats: GraphStats) -> str:
    """The human-readable report printed by ``csrkg stats``."""
    out: list[str] = []
    out.append(f"Entity network: {stats.nodes} nodes, {stats.edges} edges")
    out.append("")
    out.append("Entities by class")
    out.append(format_table(["class", "count"], [[k, v] for k, v in stats.entities.items()], {1}))
    out.append("")
    out.append("Relations by property")
    out.append(format_table(["property", "count"], [[k, v] for k, v in stats.relations.items()], {1}))
    out.append("")
    out.append(f"Degree centrality, top {stats.top} (undirected simple projection)")
    out.append(format_table(
        ["#", "label", "kind", "degree", "centrality"],
        [[i, clip(r["label"], LABEL_WIDTH), r["kind"], r["degree"], _fmt(r["degree_centrality"])] for i, r in enumerate(stats.degree_top, 1)],
        {0, 3, 4},
    ))
    out.append("")
    out.append(f"Betweenness centrality, top {stats.top} ({stats.betweenness_method})")
    out.append(format_table(
        ["#", "label", "kind", "betweenness"],
        [[i, clip(r["label"], LABEL_WIDTH), r["kind"], _fmt(r["betweenness"])] for i, r in enumerate(stats.betweenness_top, 1)],
        {0, 3},
    ))
    out.append("")
    comps = stats.components
    out.append(f"Connected components: {comps['count']} (largest sizes: "
               f"{', '.join(map(str, comps['largest_sizes'])) or '-'}; isolated nodes: {comps['isolated_nodes']})")
    if comps["largest_members"]:
        out.append("Largest component: " + "、".join(comps["largest_members"]))
    out.append("")
    modularity = "-" if stats.modularity is None else _fmt(stats.modularity)
    out.append(f"Communities (Louvain, seed={SEED}): {len(stats.communities)}, modularity {modularity}")
    # isolated nodes are communities of one: counted, not listed
    shown = [c for c in stats.communities if c["size"] > 1][: stats.top]
    out.append(format_table(
        ["#", "size", "kinds", "top members"],
        [[c["id"], c["size"], ", ".join(f"{k} {n}" for k, n in c["kinds"].items()),
          "、".join(clip(m, MEMBER_WIDTH) for m in c["top_members"])] for c in shown],
        {0, 1},
    ))
    singletons = sum(1 for c in stats.communities if c["size"] == 1)
    hidden = len(stats.communities) - len(shown) - singletons
    if hidden or singletons:
        out.append(f"(not listed: {hidden} more communities of 2+ nodes, {singletons} of a single node;"
                   " see --top and --format json)")
    if stats.reports:
        out.append("")
        out.append(f"Reports: {len(stats.reports)}")
        out.append(format_table(
            ["report", "company", "year", "entities", "relations"],
            [[clip(r["report"], LABEL_WIDTH), clip(r["company"] or "-", LABEL_WIDTH), r["year"] or "-",
              r["entities"], r["relations"]] for r in stats.reports],
            {3, 4},
        ))
    for note in stats.notes:
        out.append("")
        out.append(f"Note: {note}")
    return "\n".join(out) + "\n"

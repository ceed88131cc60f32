"""``graph.html``: a self-contained, offline, interactive view of a csr-kg graph.

The page is meant for an analyst who opens it from disk, possibly on a machine without internet, and reads
report text in it. Hence:

* everything is inlined (vis-network's JS and CSS from the pyvis package, our CSS and script); a
  Content-Security-Policy forbids any request and allows only our own scripts (by hash);
* report text reaches the page only as JSON inside ``<script type="application/json">``, with ``<``, ``>``,
  ``&``, U+2028 and U+2029 escaped, and the page script writes it with ``textContent`` only;
* the same graph gives byte-identical HTML (sorted nodes, edges and facts; no timestamps; fixed layout seed);
* a corpus of many reports stays usable: the page carries every node, but draws at most a budget of them
  (MAX_DRAWN_NODES) plus one cluster node per community for the rest, and filters by report, company
  and year in the browser (each node and edge lists the reports that hold it; see kg/selection.py).

pyvis itself is only used as the source of the vis-network library files: its HTML template loads
Bootstrap and vis-network from CDNs, and its ``add_edge`` is quadratic, which a 3,000-node graph notices.
"""
from __future__ import annotations

import base64
import hashlib
import importlib.util
import json
import os
import re
from pathlib import Path
from typing import TYPE_CHECKING, Any

from rdflib import RDF, RDFS, Literal, URIRef
from rdflib.namespace import PROV

from extract.registry import CLASS_STYLE as REGISTRY_STYLE
from kg.atomic import atomic_write
from kg.stats import compute_stats
from kg.vocab import CSR, EDGE_RELATIONS, STATIC_DIR, TEMPLATE_DIR, local_name

if TYPE_CHECKING:
    import networkx
    import rdflib

    from kg.selection import Corpus

TEMPLATE_NAME = "graph.html.j2"
VIS_VERSION = "9.1.2"

# above this many nodes the layout favours speed: no Kamada-Kawai pre-layout, straight edges, labels
# drawn only when zoomed in, edges hidden while dragging
BIG_GRAPH_NODES = 1000
# the node budget: above it the page draws the best-connected nodes with their neighbours up to this many,
# and one cluster node per Louvain community for the rest (search, filters and cluster clicks draw more);
# measured on a generated 10,000-entity corpus in headless Chromium: 4-7 s to a stable layout with this
# budget, 80 s with every node drawn
MAX_DRAWN_NODES = 1500

# colour and shape of each display class (kg.netx.kind_of picks a node's most specific class);
# Tableau-10 colours, one distinct shape per class, so that class is readable without colour too
CLASS_STYLE: dict[str, dict[str, str]] = REGISTRY_STYLE  # colour and shape of each class: the registry's
CLASS_ORDER: tuple[str, ...] = tuple(CLASS_STYLE)
QUALIFIER_TEXT = {"over": "over", "about": "about", "nearly": "nearly", "at-least": "at least", "up-to": "up to"}
FONT_STACK = '"Noto Sans CJK SC","Source Han Sans SC","PingFang SC","Microsoft YaHei",system-ui,sans-serif'

_SCRIPT_ESCAPES = {
    ord("<"): "\\u003c",
    ord(">"): "\\u003e",
    ord("&"): "\\u0026",
    0x2028: "\\u2028",
    0x2029: "\\u2029",
}


def script_json(value: Any) -> str:
    """JSON that is safe inside a ``<script>`` element: no ``</script>``, ``<!--`` or line separators.

    The escapes are JSON string escapes, so ``JSON.parse`` gives back the original text.
    """
    text = json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":"), allow_nan=False)
    return text.translate(_SCRIPT_ESCAPES)


def format_cny(value: float, qualifier: str | None = None) -> str:
    """``2000000000, "over"`` -> ``over ¥2,000,000,000 (20 亿元)``: exact yuan plus the report's unit."""
    exact = f"¥{value:,.0f}" if float(value).is_integer() else f"¥{value:,.2f}"
    if abs(value) >= 1e8:
        scaled = f"{value / 1e8:.4f}".rstrip("0").rstrip(".") + " 亿元"
    elif abs(value) >= 1e4:
        scaled = f"{value / 1e4:.4f}".rstrip("0").rstrip(".") + " 万元"
    else:
        scaled = ""
    text = f"{exact} ({scaled})" if scaled else exact
    if qualifier:
        text = f"{QUALIFIER_TEXT.get(qualifier, qualifier)} {text}"
    return text


def _literal(graph: rdflib.Graph, node: Any, prop: URIRef) -> Literal | None:
    values = sorted((o for o in graph.objects(node, prop) if isinstance(o, Literal)), key=str)
    return values[0] if values else None


def _number(literal: Literal | None) -> float | None:
    if literal is None:
        return None
    try:
        return float(literal.toPython())
    except (TypeError, ValueError):
        return None


def _int(literal: Literal | None) -> int | None:
    number = _number(literal)
    return int(number) if number is not None else None


def _report_label(graph: rdflib.Graph, report: Any, cache: dict[Any, str] | None = None) -> str:
    """The report's label, else its file name; ``cache`` memoises it while a page is built (asked per fact)."""
    if cache is not None and report in cache:
        return cache[report]
    label = _literal(graph, report, RDFS.label)
    if label is not None:
        text = str(label)
    else:
        source = _literal(graph, report, CSR.sourceFile)
        text = str(source) if source is not None else str(report)
    if cache is not None:
        cache[report] = text
    return text


def _facts(graph: rdflib.Graph, node_ids: set[str], labels: dict[Any, str] | None = None) -> list[dict[str, Any]]:
    """One row per rdf:Statement about a drawn relation, plus one per relation triple without any."""
    facts: list[dict[str, Any]] = []
    evidenced: set[tuple[str, str, str]] = set()
    for statement in set(graph.subjects(RDF.type, RDF.Statement)):
        subject = graph.value(statement, RDF.subject)
        predicate = graph.value(statement, RDF.predicate)
        obj = graph.value(statement, RDF.object)
        relation = local_name(predicate)
        if relation not in EDGE_RELATIONS or str(subject) not in node_ids or str(obj) not in node_ids:
            continue
        evidenced.add((str(subject), relation, str(obj)))
        row: dict[str, Any] = {"s": str(subject), "p": relation, "o": str(obj)}
        evidence = _literal(graph, statement, CSR.evidence)
        if evidence is not None:
            row["evidence"] = str(evidence)
        line = _int(_literal(graph, statement, CSR.line))
        if line is not None:
            row["line"] = line
        page = _int(_literal(graph, statement, CSR.page))
        if page is not None:
            row["page"] = page
        rule = _literal(graph, statement, CSR.extractedBy)
        if rule is not None:
            row["rule"] = str(rule)
        confidence = _number(_literal(graph, statement, CSR.confidence))
        if confidence is not None:
            row["confidence"] = round(confidence, 3)
        reports = sorted(graph.objects(statement, PROV.wasDerivedFrom), key=str)
        if reports:
            row["report"] = _report_label(graph, reports[0], labels)
        amount = _number(_literal(graph, statement, CSR.amountCNY))
        if amount is not None:
            qualifier = _literal(graph, statement, CSR.amountQualifier)
            row["amount"] = format_cny(amount, str(qualifier) if qualifier is not None else None)
        date = _literal(graph, statement, CSR.date)
        if date is not None:
            row["date"] = str(date)
        facts.append(row)
    for relation in EDGE_RELATIONS:
        for subject, obj in graph.subject_objects(getattr(CSR, relation)):
            key = (str(subject), relation, str(obj))
            if key[0] in node_ids and key[2] in node_ids and key not in evidenced:
                facts.append({"s": key[0], "p": relation, "o": key[2]})
    facts.sort(key=lambda f: (f["s"], EDGE_RELATIONS.index(f["p"]), f["o"], f.get("line", 0),
                              f.get("evidence", ""), f.get("report", "")))
    return facts


def _mentions(graph: rdflib.Graph, node: URIRef, labels: dict[Any, str] | None = None) -> list[dict[str, Any]]:
    """Reports that mention the node, with the line of the first mention when known."""
    lines: dict[str, int | None] = {}
    for report in graph.objects(node, CSR.mentionedIn):
        lines.setdefault(_report_label(graph, report, labels), None)
    for mention in graph.objects(node, CSR.hasMention):
        for report in graph.objects(mention, CSR.inReport):
            line = _int(_literal(graph, mention, CSR.line))
            label = _report_label(graph, report, labels)
            known = lines.get(label)
            lines[label] = line if known is None else (known if line is None else min(known, line))
    return [{"report": r, **({"line": lines[r]} if lines[r] is not None else {})} for r in sorted(lines)]


def build_payload(graph: rdflib.Graph, *, corpus: Corpus | None = None, net: networkx.MultiDiGraph | None = None,
                  community_of: dict[str, int] | None = None, max_nodes: int = MAX_DRAWN_NODES) -> dict[str, Any]:
    """Everything the page shows, as plain JSON-ready data in a deterministic order.

    Every node and edge is in the data, also those the page does not draw at first (see MAX_DRAWN_NODES):
    search finds them and the filters draw them. With a corpus of several reports, each node and edge lists
    the reports (indices into ``corpus``) whose report graph holds it, for the report / company / year filter.
    """
    from kg.netx import to_networkx

    if net is None:
        net = to_networkx(graph)
    big = min(net.number_of_nodes(), max_nodes) > BIG_GRAPH_NODES
    # community 0: a node alone in its community (unconnected); the page clusters those together
    community_of = community_of or {}
    report_labels: dict[Any, str] = {}
    community_size: dict[int, int] = {}
    for community in community_of.values():
        community_size[community] = community_size.get(community, 0) + 1
    nodes: list[dict[str, Any]] = []
    details: dict[str, dict[str, Any]] = {}
    for node_id, data in net.nodes(data=True):  # sorted by IRI in kg.netx
        kind = data["kind"] if data["kind"] in CLASS_STYLE else "Organization"
        degree = net.degree(node_id)
        nodes.append({"id": node_id, "label": data["label"], "group": kind, "value": degree,
                      "c": community_of[node_id] if community_size.get(community_of.get(node_id, 0), 0) > 1 else 0})
        info: dict[str, Any] = {"classes": data["classes"], "aliases": data["aliases"], "degree": degree}
        attrs: list[list[str]] = []
        iri = URIRef(node_id)
        if "sizeCNY" in data:
            qualifier = _literal(graph, iri, CSR.sizeQualifier)
            attrs.append(["Size", format_cny(data["sizeCNY"], str(qualifier) if qualifier is not None else None)])
        if "city" in data:
            attrs.append(["Located in", data["city"]])
        if "communityKind" in data:
            attrs.append(["Community kind", data["communityKind"]])
        if "openingDate" in data:
            attrs.append(["Opening date", data["openingDate"]])
        if attrs:
            info["attrs"] = attrs
        mentions = _mentions(graph, iri, report_labels)
        if mentions:
            info["mentions"] = mentions
        details[node_id] = info
    edges: list[dict[str, Any]] = []
    for index, (source, target, relation) in enumerate(net.edges(keys=True)):  # sorted in kg.netx
        edge: dict[str, Any] = {"id": f"e{index}", "from": source, "to": target, "label": relation}
        if relation == "partnerOf":
            edge["arrows"] = "to, from"
        elif relation == "locatedIn":
            edge["dashes"] = True
        edges.append(edge)
    reports = sorted(_report_label(graph, r) for r in set(graph.subjects(RDF.type, CSR.Report)))
    described: list[dict[str, Any]] = []
    if corpus is not None and len(corpus.reports) > 1:
        from kg.selection import edge_reports, node_reports

        described = [{"label": i.label, "company": i.company or "", "year": i.year or ""} for i in corpus.reports]
        in_reports = node_reports(corpus, (n["id"] for n in nodes))
        for node in nodes:
            node["r"] = in_reports[node["id"]]
        stated = edge_reports(corpus, EDGE_RELATIONS)
        for edge in edges:
            edge["r"] = stated.get((edge["from"], edge["label"], edge["to"]), [])
    return {
        "nodes": nodes,
        "edges": edges,
        "details": details,
        "facts": _facts(graph, set(details), report_labels),
        "reports": reports,
        "corpus": described,
        "maxNodes": max_nodes,
        "styles": CLASS_STYLE,
        "options": vis_options(min(len(nodes), max_nodes)),
        "big": big,
    }


def vis_options(node_count: int) -> dict[str, Any]:
    """vis-network options: a bounded stabilisation, then physics is switched off by the page script."""
    big = node_count > BIG_GRAPH_NODES
    groups = {}
    for name, style in CLASS_STYLE.items():
        color = style["color"]
        groups[name] = {
            "shape": style["shape"],
            "color": {"background": color, "border": "#ffffff",
                      "highlight": {"background": color, "border": "#111827"},
                      "hover": {"background": color, "border": "#374151"}},
        }
    groups["Place"]["shapeProperties"] = {"borderDashes": [3, 2]}
    groups["Place"]["color"]["border"] = "#6b7280"
    # semantic zoom: at the fitted overview only the labels of well-connected nodes are big enough to be
    # drawn (vis-network skips text smaller than drawThreshold px); zooming in reveals the rest, then the
    # relation names on the edges
    return {
        "autoResize": True,
        "layout": {"randomSeed": 20240, "improvedLayout": not big},
        "groups": groups,
        "nodes": {
            "borderWidth": 1.5,
            "borderWidthSelected": 3,
            "font": {"face": FONT_STACK, "size": 13, "color": "#1f2937", "strokeWidth": 3,
                     "strokeColor": "#ffffff"},
            "scaling": {"min": 12, "max": 46,
                        "label": {"enabled": True, "min": 10, "max": 22, "drawThreshold": 7,
                                  "maxVisible": 26}},
        },
        "edges": {
            "arrows": {"to": {"enabled": True, "scaleFactor": 0.45}},
            "color": {"color": "#a3acb9", "highlight": "#1f2937", "hover": "#4b5563", "inherit": False},
            "font": {"face": FONT_STACK, "size": 10, "color": "#4b5563", "strokeWidth": 3,
                     "strokeColor": "#ffffff", "align": "middle"},
            "scaling": {"label": {"enabled": False, "drawThreshold": 11}},
            "smooth": False if big else {"enabled": True, "type": "continuous", "roundness": 0.4},
            "width": 1,
            "selectionWidth": 1.5,
        },
        "physics": {
            # forceAtlas2Based: its gravity keeps small components near the main one, so "fit" stays useful;
            # on big graphs a coarser Barnes-Hut approximation (theta) and no overlap avoidance keep each
            # iteration cheap (measured: about 3x faster on 3,000 nodes, layout alike)
            "enabled": True,
            "solver": "forceAtlas2Based",
            "forceAtlas2Based": (
                {"gravitationalConstant": -60, "centralGravity": 0.01, "springLength": 110, "springConstant": 0.06,
                 "damping": 0.5, "theta": 0.9, "avoidOverlap": 0}
                if big else
                # mild central gravity keeps isolated nodes (awards without an issuer…) near the main
                # component, so the fitted view is not mostly empty space; FA2 scales repulsion by degree,
                # so a stronger gravity or repulsion pushes the hub to the rim instead of the centre
                {"gravitationalConstant": -50, "centralGravity": 0.02, "springLength": 100, "springConstant": 0.08,
                 "damping": 0.4, "theta": 0.5, "avoidOverlap": 0.5}
            ),
            "stabilization": {"enabled": True, "iterations": 200 if big else 400, "updateInterval": 25,
                              "fit": True},
            "timestep": 0.5,
            "minVelocity": 1.0,
        },
        "interaction": {"hover": not big, "tooltipDelay": 250, "hideEdgesOnDrag": big,
                        "hideEdgesOnZoom": big, "multiselect": False, "navigationButtons": False,
                        "keyboard": False},
    }


def _vis_assets() -> tuple[str, str]:
    """vis-network's minified JS and CSS, from the pyvis package (found without importing pyvis)."""
    candidates: list[Path] = []
    spec = importlib.util.find_spec("pyvis")
    if spec is not None and spec.submodule_search_locations:
        for location in spec.submodule_search_locations:
            candidates.append(Path(location) / "templates" / "lib" / f"vis-{VIS_VERSION}")
    candidates.append(STATIC_DIR / f"vis-network-{VIS_VERSION}")
    for directory in candidates:
        js, css = directory / "vis-network.min.js", directory / "vis-network.css"
        if js.is_file() and css.is_file():
            js_text, css_text = js.read_text(encoding="utf-8"), css.read_text(encoding="utf-8")
            return _strip_source_map(js_text), _strip_source_map(css_text)
    raise FileNotFoundError(f"vis-network {VIS_VERSION} not found (looked in {', '.join(map(str, candidates))})")


def _strip_source_map(text: str) -> str:
    """Drop ``sourceMappingURL`` comments: the map is not shipped, and devtools would try to fetch it."""
    return re.sub(r"\n?(//[#@] sourceMappingURL=[^\n]*|/\*[#@] sourceMappingURL=[^*]*\*/)\s*$", "\n", text)


def _csp_hash(script: str) -> str:
    digest = hashlib.sha256(script.encode("utf-8")).digest()
    return "'sha256-" + base64.b64encode(digest).decode("ascii") + "'"


def _default_title(graph: rdflib.Graph, reports: list[str]) -> str:
    orgs = sorted({str(_literal(graph, o, RDFS.label)) for o in graph.objects(None, CSR.reportingOrganization)
                   if _literal(graph, o, RDFS.label) is not None})
    if len(orgs) > TITLE_ORGS:
        return f"{len(orgs)} organisations, {len(reports)} reports — CSR knowledge graph"
    if orgs:
        return "、".join(orgs) + " — CSR knowledge graph"
    if reports:
        return "CSR knowledge graph — " + ", ".join(reports)
    return "CSR knowledge graph"


TITLE_ORGS = 3  # a title names at most this many organisations, else it counts them
SUBTITLE_REPORTS = 6  # the subtitle names at most this many reports


def render_page(graph: rdflib.Graph, *, title: str | None = None, corpus: Corpus | None = None,
                max_nodes: int = MAX_DRAWN_NODES) -> str:
    """The HTML text of the page (see ``render_html``)."""
    import jinja2
    from markupsafe import Markup

    from kg.selection import corpus_of_graph
    from kg.netx import to_networkx

    if corpus is None:
        corpus = corpus_of_graph(graph)
    net = to_networkx(graph)
    graph_stats = compute_stats(graph, corpus=corpus, net=net)
    payload = build_payload(graph, corpus=corpus, net=net, community_of=graph_stats.community_of,
                            max_nodes=max_nodes)
    stats = graph_stats.to_dict()
    vis_js, vis_css = _vis_assets()
    app_js = (STATIC_DIR / "graph.js").read_text(encoding="utf-8")
    app_css = (STATIC_DIR / "graph.css").read_text(encoding="utf-8")
    for name, text in (("vis-network.min.js", vis_js), ("graph.js", app_js)):
        if "</script" in text.lower():
            raise ValueError(f"{name} contains '</script' and cannot be inlined")
    csp = "; ".join([
        "default-src 'none'",
        "script-src " + " ".join(sorted({_csp_hash(vis_js), _csp_hash(app_js)})),
        "style-src 'unsafe-inline'",
        "img-src data:",
        "font-src 'none'",
        "connect-src 'none'",
        "base-uri 'none'",
        "form-action 'none'",
    ])
    class_counts = stats["entities"]
    relation_counts = stats["relations"]
    shown = {name: 0 for name in CLASS_ORDER}
    for node in payload["nodes"]:
        shown[node["group"]] += 1
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(TEMPLATE_DIR)),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        keep_trailing_newline=True,
    )
    template = env.get_template(TEMPLATE_NAME)
    return template.render(
        title=title or _default_title(graph, payload["reports"]),
        reports=payload["reports"][:SUBTITLE_REPORTS],
        more_reports=max(0, len(payload["reports"]) - SUBTITLE_REPORTS),
        corpus=payload["corpus"],
        companies=sorted({r["company"] for r in payload["corpus"] if r["company"]}),
        years=sorted({r["year"] for r in payload["corpus"] if r["year"]}),
        max_nodes=max_nodes,
        drawn_count=min(len(payload["nodes"]), max_nodes),
        csp=csp,
        node_count=len(payload["nodes"]),
        edge_count=len(payload["edges"]),
        fact_count=sum(1 for f in payload["facts"] if "evidence" in f),
        class_counts=class_counts,
        relation_counts=relation_counts,
        legend=[{"name": n, "count": shown[n], **CLASS_STYLE[n]} for n in CLASS_ORDER if shown[n]],
        stats=stats,
        data_json=Markup(script_json(payload)),
        vis_js=Markup(vis_js),
        vis_css=Markup(vis_css),
        app_js=Markup(app_js),
        app_css=Markup(app_css),
    )


def render_html(graph: rdflib.Graph, path: str | os.PathLike[str], *, title: str | None = None,
                corpus: Corpus | None = None, max_nodes: int = MAX_DRAWN_NODES) -> None:
    """Write the interactive view of ``graph`` to ``path`` (atomically; byte-identical for the same graph).

    ``corpus`` (``graph`` and its report graphs) is worked out from ``graph`` when not given; a store gives
    it directly. ``max_nodes`` is the page's node budget (MAX_DRAWN_NODES).
    """
    atomic_write(path, render_page(graph, title=title, corpus=corpus, max_nodes=max_nodes).encode("utf-8"))

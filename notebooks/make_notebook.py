#!/usr/bin/env python3
"""Write ``notebooks/explore.ipynb`` from the cells below, without outputs.

Why a generator: a notebook's JSON is hard to review in a diff; this file is the reviewable source, and
running it again gives a byte-identical notebook (fixed cell ids, no outputs, no execution counts).
``tests/test_notebook.py`` checks that the committed notebook is what this script writes, then runs it.

Usage: ``python notebooks/make_notebook.py [OUTPUT]`` (default: ``notebooks/explore.ipynb`` next to it).
"""
from __future__ import annotations

import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
DEFAULT_OUTPUT = HERE / "explore.ipynb"

# (cell id, "md" | "code", source): ids are fixed so that the output is deterministic
CELLS: list[tuple[str, str, str]] = [
    ("title", "md", """\
# Exploring a CSR knowledge graph

This notebook builds the knowledge graph of the bundled sample report (`data/samples/dajia-2024-csr.txt`)
with the `csr-kg` library, then looks at it in several ways:

1. the bundled SPARQL queries (`queries/*.rq`) as pandas tables;
2. the funds by size, as a bar chart;
3. the elder-care and charity communities by city (a "map-like" table);
4. network analytics (`kg.stats`): centrality, components, communities, and a drawing of the network;
5. the interactive HTML view (`kg.viz`), embedded.

It runs from the repository root or from `notebooks/`, and writes nothing into the repository."""),
    ("setup", "code", """\
import html
import io
import sys
import tempfile
import warnings
from pathlib import Path


def find_root(start: Path) -> Path:
    \"\"\"The csr-kg checkout that contains ``start`` (so the notebook runs from the root or from notebooks/).\"\"\"
    for folder in (start, *start.parents):
        if (folder / "pyproject.toml").is_file() and (folder / "kg" / "vocab.py").is_file():
            return folder
    raise FileNotFoundError(f"{start} is not inside a csr-kg checkout")


ROOT = find_root(Path.cwd().resolve())
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))
SAMPLE = ROOT / "data" / "samples" / "dajia-2024-csr.txt"
OUT = Path(tempfile.mkdtemp(prefix="csrkg-notebook-"))  # scratch files, outside the repository

import matplotlib

matplotlib.use("Agg")  # headless and deterministic; figures are shown as PNG images below
import matplotlib.pyplot as plt
import pandas as pd
from IPython.display import HTML, Image, Markdown, display
from matplotlib import font_manager

# Chinese labels need a CJK font (Debian: fonts-noto-cjk); without one, draw boxes quietly
CJK_FONTS = ("Noto Sans CJK SC", "Noto Sans CJK JP", "Noto Serif CJK SC", "Source Han Sans SC",
             "WenQuanYi Zen Hei", "WenQuanYi Micro Hei", "SimHei", "Microsoft YaHei", "PingFang SC")
_installed = {font.name for font in font_manager.fontManager.ttflist}
CJK_FONT = next((name for name in CJK_FONTS if name in _installed), None)
if CJK_FONT:
    plt.rcParams["font.family"] = "sans-serif"
    plt.rcParams["font.sans-serif"] = [CJK_FONT, "DejaVu Sans"]
else:
    warnings.filterwarnings("ignore", message="Glyph .* missing from", category=UserWarning)
    print("No CJK font found: Chinese labels will be drawn as boxes (install fonts-noto-cjk).")
plt.rcParams["axes.unicode_minus"] = False
pd.set_option("display.max_colwidth", 60)


def show(fig) -> None:
    \"\"\"Display a figure as a PNG (works with the Agg backend) and free it.\"\"\"
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=100, bbox_inches="tight")
    plt.close(fig)
    display(Image(data=buffer.getvalue(), format="png"))


print(f"repository: {ROOT}")
print(f"CJK font: {CJK_FONT or 'none'}")"""),
    ("build-md", "md", """\
## 1. Build the graph

`kg.reports.build_reports` runs the extractor on each report and merges them into one rdflib graph
(`result.graph`, the graph that `csrkg build` writes as `graph.ttl`); `result.extractions` holds what was
extracted from each report."""),
    ("build", "code", """\
import time

from kg.reports import build_reports

start = time.perf_counter()
result = build_reports([SAMPLE])
graph = result.graph
print(f"built {SAMPLE.name}: {len(graph)} triples in {time.perf_counter() - start:.1f} s")"""),
    ("queries-md", "md", """\
## 2. The bundled queries

Each file in `queries/` is a SPARQL query with a `# title:` header. `kg.query.run_on_graph` runs it with
rdflib; the rows become a pandas DataFrame (IRIs as strings, literals as Python values)."""),
    ("queries", "code", """\
from kg.query import library, run_on_graph


def to_frame(result) -> pd.DataFrame:
    \"\"\"A SELECT result as a DataFrame.\"\"\"
    return pd.DataFrame(result.values(), columns=result.variables)


frames: dict[str, pd.DataFrame] = {}
titles: dict[str, str] = {}
for query in library():
    result = run_on_graph(graph, query.path.read_text(encoding="utf-8"))
    if result.kind == "select":
        frames[query.name] = to_frame(result)
        titles[query.name] = query.title
overview = pd.DataFrame(
    [(name, titles[name], len(frame)) for name, frame in frames.items()], columns=["query", "title", "rows"]
)
print(f"library queries run: {len(frames)}")
display(overview)"""),
    ("queries-show", "code", """\
for name, frame in frames.items():
    display(Markdown(f"### `{name}`: {titles[name] or name} ({len(frame)} rows)"))
    display(frame.head(8))"""),
    ("funds-md", "md", """\
## 3. Funds by size

Funds come from the networkx view of the graph (`kg.netx.to_networkx`): one node per entity, with its
attributes (`sizeCNY` in yuan, when the report states it)."""),
    ("funds", "code", """\
from kg.netx import to_networkx

net = to_networkx(graph)
funds = pd.DataFrame(
    [{"fund": data["label"], "size (100M CNY)": data.get("sizeCNY", float("nan")) / 1e8, "iri": node}
     for node, data in net.nodes(data=True) if data["kind"] == "Fund"],
    columns=["fund", "size (100M CNY)", "iri"],
).sort_values(["size (100M CNY)", "fund"], ascending=[False, True], na_position="last", ignore_index=True)
sized = funds.dropna(subset=["size (100M CNY)"])
print(f"funds: {len(funds)} ({len(sized)} with a stated size)")
display(funds.drop(columns="iri"))"""),
    ("funds-chart", "code", """\
if len(sized):
    fig, ax = plt.subplots(figsize=(8, 0.5 * len(sized) + 1.2))
    ax.barh(sized["fund"][::-1], sized["size (100M CNY)"][::-1], color="#4c72b0")
    ax.set_xlabel("size (100 million CNY, 亿元)")
    ax.set_title("Funds by stated size")
    for y, value in enumerate(sized["size (100M CNY)"][::-1]):
        ax.text(value, y, f" {value:g}", va="center")
    show(fig)
else:
    print("no fund with a stated size in this graph")"""),
    ("communities-md", "md", """\
## 4. Communities by city

A map-like table: one row per city, the number of communities the group *operates* and *serves*
(charity or volunteer work), and their names."""),
    ("communities", "code", """\
communities = pd.DataFrame(
    [{"community": data["label"], "kind": data.get("communityKind", "unknown"),
      "city": data.get("city", "(unknown)"), "opening": data.get("openingDate")}
     for node, data in net.nodes(data=True) if data["kind"] == "Community"],
    columns=["community", "kind", "city", "opening"],
)
by_city = communities.pivot_table(index="city", columns="kind", values="community", aggfunc="count", fill_value=0)
by_city["total"] = by_city.sum(axis=1)
by_city["names"] = communities.groupby("city")["community"].apply(lambda names: "、".join(sorted(names)))
by_city = by_city.assign(_unknown=by_city.index == "(unknown)").sort_values(
    ["_unknown", "total"], ascending=[True, False], kind="stable").drop(columns="_unknown")
print(f"communities: {len(communities)} in {communities['city'].nunique()} cities")
display(by_city)"""),
    ("stats-md", "md", """\
## 5. Network analytics

`kg.stats.compute_stats` works on the undirected simple projection of the entity network: degree and
betweenness centrality, connected components, and Louvain communities (fixed seed, so deterministic).
`csrkg stats graph.ttl` prints the same report in a terminal."""),
    ("stats", "code", """\
from kg.stats import compute_stats

stats = compute_stats(graph)
print(f"network: {stats.nodes} nodes, {stats.edges} edges, {stats.components['count']} components "
      f"(largest: {stats.components['largest_sizes'][:3]}), {len(stats.communities)} Louvain communities")
display(pd.Series(stats.entities, name="entities").to_frame().T)
display(pd.Series(stats.relations, name="relations").to_frame().T)
display(Markdown("**Degree centrality**"))
display(pd.DataFrame(stats.degree_top).drop(columns="iri"))
display(Markdown(f"**Betweenness centrality** ({stats.betweenness_method})"))
display(pd.DataFrame(stats.betweenness_top).drop(columns="iri"))
display(Markdown("**Louvain communities**"))
display(pd.DataFrame(stats.communities).assign(
    top_members=lambda df: df["top_members"].map("、".join),
    kinds=lambda df: df["kinds"].map(lambda kinds: ", ".join(f"{k} {n}" for k, n in kinds.items())),
))"""),
    ("network-figure", "code", """\
import networkx as nx

from kg.stats import simple_projection

COLORS = {"Subsidiary": "#dd8452", "Company": "#4c72b0", "Partner": "#55a868", "Organization": "#8c8c8c",
          "Fund": "#c44e52", "Community": "#8172b3", "Award": "#ccb974", "Place": "#64b5cd"}
simple = simple_projection(net)
largest = simple.subgraph(max(nx.connected_components(simple), key=len)).copy()
positions = nx.spring_layout(largest, seed=42)
degree = dict(largest.degree())
hubs = {node for node, _ in sorted(degree.items(), key=lambda item: (-item[1], item[0]))[:12]}

fig, (ax_net, ax_hist) = plt.subplots(1, 2, figsize=(15, 7), gridspec_kw={"width_ratios": [3, 1]})
nx.draw_networkx_edges(largest, positions, ax=ax_net, alpha=0.25)
for kind, color in COLORS.items():
    nodes = [n for n in largest if largest.nodes[n]["kind"] == kind]
    nx.draw_networkx_nodes(largest, positions, nodelist=nodes, node_color=color, label=kind, ax=ax_net,
                           node_size=[30 + 60 * degree[n] ** 0.5 for n in nodes])
nx.draw_networkx_labels(largest, positions, labels={n: largest.nodes[n]["label"] for n in hubs}, font_size=8,
                        ax=ax_net)
ax_net.set_title(f"Largest component: {largest.number_of_nodes()} of {simple.number_of_nodes()} nodes")
legend = ax_net.legend(loc="lower left", fontsize=8)
for handle in legend.legend_handles:
    handle.set_sizes([40])
ax_net.axis("off")
ax_hist.hist(list(dict(simple.degree()).values()), bins=range(0, max(dict(simple.degree()).values()) + 2),
             color="#4c72b0")
ax_hist.set_xlabel("degree")
ax_hist.set_ylabel("nodes (log scale)")
ax_hist.set_yscale("log")
ax_hist.set_title("Degree distribution")
show(fig)"""),
    ("viz-md", "md", """\
## 6. The interactive view

`kg.viz.render_html` writes the same self-contained page as `csrkg build` (`graph.html`: no CDN, no
network access). It is embedded below; open the file in a browser for the full window."""),
    ("viz", "code", """\
from kg.viz import render_html

page = OUT / "graph.html"
render_html(graph, page)
print(f"interactive view: {page} ({page.stat().st_size // 1024} KB)")
# the page goes into the iframe's srcdoc (escaped), so it needs no file server and keeps its own CSP
display(HTML(
    f'<div><iframe srcdoc="{html.escape(page.read_text(encoding="utf-8"), quote=True)}" '
    'style="width: 100%; height: 650px; border: 1px solid #ccc;"></iframe></div>'
))"""),
]


def make_notebook():
    """The notebook object (nbformat v4), without outputs."""
    import nbformat
    from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

    cells = []
    for cell_id, kind, source in CELLS:
        maker = new_markdown_cell if kind == "md" else new_code_cell
        cells.append(maker(source, id=cell_id))
    notebook = new_notebook(
        cells=cells,
        metadata={
            "kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"},
            "language_info": {"name": "python"},
        },
    )
    nbformat.validate(notebook)
    return notebook


def render() -> str:
    """The notebook file's text (deterministic)."""
    import nbformat

    text = nbformat.writes(make_notebook())
    return text if text.endswith("\n") else text + "\n"


def main(argv: list[str]) -> int:
    output = Path(argv[1]) if len(argv) > 1 else DEFAULT_OUTPUT
    sys.path.insert(0, str(HERE.parent))
    from kg.atomic import atomic_write

    atomic_write(output, render())
    print(output)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))

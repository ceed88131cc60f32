"""kg.netx, kg.stats and `csrkg stats` on a hand-made graph whose numbers are known by hand.

tests/data/stats_mini.ttl: 16 entity nodes (8 organisations, 2 funds, 3 communities, 1 award, 2 places),
16 relation edges, 2 connected components (14 + 2), the group holding company is both the node of highest
degree (5) and the node of highest betweenness. Provenance nodes (report, mention, statement, merge) are
in the file and must not become nodes.
"""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
import rdflib
from rdflib import RDF, RDFS, Literal

from kg.netx import to_networkx
from kg.stats import compute_stats, display_width, render_text
from kg.vocab import CSR, RES

ROOT = Path(__file__).resolve().parent.parent
MINI = ROOT / "tests" / "data" / "stats_mini.ttl"
GROUP = "甲乙控股集团股份有限公司"
GROUP_IRI = str(RES["org/000000000001"])


@pytest.fixture(scope="module")
def mini() -> rdflib.Graph:
    return rdflib.Graph().parse(MINI)


def csrkg(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "kg.cli", *args], cwd=ROOT, capture_output=True, text=True,
                          encoding="utf-8", timeout=120)


def test_network_nodes_and_attributes(mini):
    net = to_networkx(mini)
    assert net.number_of_nodes() == 16
    assert net.number_of_edges() == 16
    assert not [n for n in net if "/report/" in n or "/mention/" in n or "/statement/" in n or "/merge/" in n]
    group = net.nodes[GROUP_IRI]
    assert group["label"] == GROUP
    assert group["kind"] == "Company"
    assert group["classes"] == ["Company", "Organization"]
    assert group["aliases"] == ["Jiayi Group", "甲乙集团"]
    life = net.nodes[str(RES["org/000000000002"])]
    assert life["kind"] == "Subsidiary" and life["classes"] == ["Company", "Organization", "Subsidiary"]
    assert net.nodes[str(RES["org/000000000005"])]["kind"] == "Partner"  # a partner bank is also a Company
    fund = net.nodes[str(RES["fund/00000000000a"])]
    assert fund["sizeCNY"] == 2_000_000_000.0 and fund["kind"] == "Fund"
    beijing = net.nodes[str(RES["community/00000000000c"])]
    assert (beijing["city"], beijing["communityKind"], beijing["openingDate"]) == ("北京", "operated", "2021")
    assert net.nodes[str(RES["place/0000000000b2"])]["kind"] == "Place"
    # one edge per relation triple, keyed by the relation
    assert net.has_edge(GROUP_IRI, str(RES["org/000000000005"]), key="partnerOf")
    assert sorted(k for _, _, k in net.out_edges(str(RES["org/000000000004"]), keys=True)) == [
        "sponsorOf", "sponsorOf", "subsidiaryOf"]
    # deterministic: nodes are in sorted order
    assert list(net) == sorted(net)


def test_counts_centrality_components(mini):
    stats = compute_stats(mini)
    assert (stats.nodes, stats.edges) == (16, 16)
    assert stats.entities == {"Company": 6, "Subsidiary": 3, "Partner": 2, "Organization": 8, "Fund": 2,
                              "Community": 3, "Award": 1, "Place": 2}
    assert stats.relations == {"subsidiaryOf": 3, "shareholderOf": 0, "partnerOf": 2, "sponsorOf": 2,
                               "investsIn": 1, "operates": 2, "serves": 1, "receivedAward": 1, "awardedBy": 1,
                               "locatedIn": 3}
    assert stats.degree_top[0]["label"] == GROUP and stats.degree_top[0]["degree"] == 5
    assert stats.degree_top[0]["degree_centrality"] == round(5 / 15, 6)
    assert len(stats.degree_top) == 10
    assert stats.betweenness_method == "exact"
    assert stats.betweenness_top[0]["label"] == GROUP
    assert stats.components["count"] == 2
    assert stats.components["largest_sizes"] == [14, 2]
    assert "庚辛科技有限公司" not in stats.components["largest_members"]
    assert GROUP in stats.components["largest_members"]
    # every node is in exactly one Louvain community; the 2-node component is a community of its own
    assert sum(c["size"] for c in stats.communities) == 16
    assert any(sorted(c["top_members"]) == sorted(["庚辛科技有限公司", "壬癸基金会"]) for c in stats.communities)
    assert 0 < stats.modularity < 1


def test_top_n(mini):
    stats = compute_stats(mini, top=3)
    assert len(stats.degree_top) == 3 and len(stats.betweenness_top) == 3


def test_cli_text_report_aligned():
    result = csrkg("stats", str(MINI))
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert "16 nodes, 16 edges" in out
    assert "Connected components: 2" in out
    lines = out.splitlines()
    degree_at = lines.index("Degree centrality, top 10 (undirected simple projection)")
    assert GROUP in lines[degree_at + 3]
    between_at = lines.index("Betweenness centrality, top 10 (exact)")
    assert GROUP in lines[between_at + 3]
    # columns line up by display width although labels mix CJK and ASCII
    rows = lines[degree_at + 1: degree_at + 13]
    kind_columns = {display_width(row[: row.index(kind)]) for row in rows[2:]
                    for kind in ("Company", "Subsidiary", "Partner", "Place", "Award", "Community", "Fund")
                    if kind in row}
    assert len(kind_columns) == 1


def test_cli_json_and_determinism():
    first = csrkg("stats", str(MINI), "--format", "json", "--top", "5")
    second = csrkg("stats", str(MINI), "--format", "json", "--top", "5")
    assert first.returncode == 0, first.stderr
    assert first.stdout == second.stdout
    data = json.loads(first.stdout)
    assert data["nodes"] == 16 and data["components"]["count"] == 2
    assert data["degree_top"][0]["label"] == GROUP and len(data["degree_top"]) == 5
    assert data["betweenness_top"][0]["iri"] == GROUP_IRI


def test_cli_errors_are_one_line(tmp_path):
    missing = csrkg("stats", str(tmp_path / "missing.ttl"))
    assert missing.returncode != 0 and missing.stdout == ""
    assert missing.stderr.count("\n") == 1 and "missing.ttl" in missing.stderr
    bad = tmp_path / "bad.ttl"
    bad.write_text("this is <not turtle", encoding="utf-8")
    broken = csrkg("stats", str(bad))
    assert broken.returncode != 0 and broken.stderr.count("\n") == 1 and "bad.ttl" in broken.stderr


def test_large_graph_uses_sampled_betweenness_deterministically():
    """Above 1,000 nodes betweenness is sampled with a fixed seed, says so, and gives the same answer twice."""
    graph = rdflib.Graph()
    hubs = [RES[f"org/{i:012x}"] for i in range(12)]
    for i in range(1200):
        node = RES[f"org/{i:012x}"]
        graph.add((node, RDF.type, CSR.Company))
        graph.add((node, RDFS.label, Literal(f"测试公司{i:04d}", lang="zh")))
        if i >= len(hubs):
            graph.add((node, CSR.subsidiaryOf, hubs[i % len(hubs)]))
    for a, b in zip(hubs, hubs[1:]):
        graph.add((a, CSR.partnerOf, b))
    first, second = compute_stats(graph), compute_stats(graph)
    assert first.betweenness_method.startswith("approximate")
    assert any("approximate" in note for note in first.notes)
    assert "Note: betweenness centrality is approximate" in render_text(first)
    assert first.to_dict() == second.to_dict()
    assert first.components["count"] == 1 and first.components["largest_members"] is None
    # the chain of hubs: the middle hubs carry the most shortest paths
    assert first.betweenness_top[0]["label"] in {"测试公司0005", "测试公司0006"}


def test_sample_graph(sample_graph, sample_build):
    """On the built sample: the reporting organisation is the hub of the network, and the numbers add up."""
    from kg.netx import NODE_CLASSES

    reporters = set(sample_graph.objects(None, CSR.reportingOrganization))
    assert len(reporters) == 1
    reporter = str(reporters.pop())
    stats = compute_stats(sample_graph)
    typed = {s for s, c in sample_graph.subject_objects(RDF.type)
             if str(c).startswith(str(CSR._NS)) and str(c)[len(str(CSR._NS)):] in NODE_CLASSES}
    assert stats.nodes == len(typed) > 50
    assert 0 < stats.edges <= sum(stats.relations.values())
    assert stats.degree_top[0]["iri"] == reporter
    assert stats.betweenness_top[0]["iri"] == reporter
    assert sum(c["size"] for c in stats.communities) == stats.nodes
    assert stats.components["largest_sizes"][0] > stats.nodes // 2
    result = csrkg("stats", str(sample_build / "graph.ttl"), "--format", "json")
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout) == json.loads(json.dumps(stats.to_dict()))

"""`csrkg export`: every format re-reads to the same content, networks keep labels, bytes are deterministic."""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import networkx as nx
import pytest
from rdflib import Dataset, Graph, Literal, URIRef
from rdflib.compare import isomorphic
from rdflib.namespace import XSD

from kg.cli import main
from kg.graphfile import load_graph
from kg.store import open_store
from kg.vocab import ONTOLOGY_IRI, RES

DATA = Path(__file__).parent / "data"
MINI = DATA / "store_mini.ttl"
MINI_B = DATA / "store_mini_b.ttl"
R2024 = URIRef(RES["report/changqing-2024-csr"])
R2025 = URIRef(RES["report/changqing-2025-csr"])
RDF_PARSERS = {"ttl": "turtle", "nt": "nt", "jsonld": "json-ld"}
QUAD_PARSERS = {"nq": "nquads", "trig": "trig", "jsonld": "json-ld"}
NUMERIC = {XSD.decimal, XSD.integer, XSD.double}


def export(args: list[str], out: Path) -> bytes:
    assert main(["export", *args, "-o", str(out)]) == 0
    return out.read_bytes()


def by_value(triples) -> set:
    """Numbers compared by value (Oxigraph keeps 3000000000.0 as the decimal 3000000000)."""
    def term(t):
        return ("number", t.toPython()) if isinstance(t, Literal) and t.datatype in NUMERIC else t
    return {tuple(term(x) for x in triple) for triple in triples}


def named_graphs(ds: Dataset) -> dict[str, Graph]:
    out = {}
    for g in ds.graphs():
        if len(g):
            copy = Graph()
            for t in g:
                copy.add(t)
            out[str(g.identifier)] = copy
    return out


@pytest.mark.parametrize("fmt", ["ttl", "nt", "jsonld"])
def test_triple_formats_keep_every_triple(fmt: str, tmp_path: Path) -> None:
    data = export([str(MINI), "--format", fmt], tmp_path / f"g.{fmt}")
    ds = Dataset()  # JSON-LD keeps the report's named graph: read it as a dataset and take the union
    ds.parse(data=data.decode("utf-8"), format=RDF_PARSERS[fmt])
    back = Graph()
    for s, p, o, _g in ds.quads():
        back.add((s, p, o))
    assert isomorphic(back, load_graph(MINI))


@pytest.mark.parametrize("fmt", ["nq", "trig", "jsonld"])
def test_quad_formats_keep_the_report_graph(fmt: str, tmp_path: Path) -> None:
    data = export([str(MINI), "--format", fmt], tmp_path / f"g.{fmt}")
    ds = Dataset()
    ds.parse(data=data.decode("utf-8"), format=QUAD_PARSERS[fmt])
    graphs = named_graphs(ds)
    assert list(graphs) == [str(R2024)]
    assert isomorphic(graphs[str(R2024)], load_graph(MINI))


@pytest.fixture()
def store_dir(tmp_path: Path) -> Path:
    path = tmp_path / "store"
    with open_store(path) as store:
        store.put_report(load_graph(MINI))
        store.put_report(load_graph(MINI_B))
    return path


@pytest.mark.parametrize("fmt", ["nq", "trig"])
def test_store_quads_round_trip(fmt: str, store_dir: Path, tmp_path: Path) -> None:
    data = export(["--store", str(store_dir), "--format", fmt], tmp_path / f"all.{fmt}")
    ds = Dataset()
    ds.parse(data=data.decode("utf-8"), format=QUAD_PARSERS[fmt])
    graphs = named_graphs(ds)
    assert sorted(graphs) == sorted([str(R2024), str(R2025), str(ONTOLOGY_IRI)])
    with open_store(store_dir, read_only=True) as store:
        for name in (R2024, R2025):
            expected = [(s, p, o) for s, p, o, g in store.dataset_quads() if g == name]
            assert by_value(graphs[str(name)]) == by_value(expected)
        onto = Graph()
        for s, p, o, g in store.dataset_quads():
            if str(g) == str(ONTOLOGY_IRI):
                onto.add((s, p, o))
        assert isomorphic(graphs[str(ONTOLOGY_IRI)], onto)  # blank nodes of OWL lists survive
    without = export(["--store", str(store_dir), "--format", fmt, "--no-ontology"], tmp_path / f"no.{fmt}")
    ds2 = Dataset()
    ds2.parse(data=without.decode("utf-8"), format=QUAD_PARSERS[fmt])
    assert sorted(named_graphs(ds2)) == sorted([str(R2024), str(R2025)])


def test_store_turtle_is_the_union(store_dir: Path, tmp_path: Path) -> None:
    data = export(["--store", str(store_dir), "--format", "ttl", "--no-ontology"], tmp_path / "all.ttl")
    back = Graph().parse(data=data.decode("utf-8"), format="turtle")
    expected = load_graph(MINI) + load_graph(MINI_B)
    assert by_value(back) == by_value(expected)


@pytest.mark.parametrize("fmt", ["graphml", "gexf"])
def test_networks_carry_labels_classes_and_relations(fmt: str, tmp_path: Path) -> None:
    path = tmp_path / f"g.{fmt}"
    export([str(MINI), "--format", fmt], path)
    net = nx.read_graphml(path) if fmt == "graphml" else nx.read_gexf(path)
    group = str(RES["org/a00000000001"])
    life = str(RES["org/a00000000002"])
    assert net.nodes[group]["label"] == "长青保险集团有限公司"
    assert "长青集团" in net.nodes[group]["aliases"].split("; ")
    assert net.nodes[life]["classes"].split("; ") == ["Company", "Organization", "Subsidiary"]
    relations = {d["relation"] for _, _, d in net.edges(data=True)}
    assert relations == {"subsidiaryOf", "shareholderOf", "partnerOf", "sponsorOf", "investsIn", "operates",
                         "serves", "receivedAward", "awardedBy", "locatedIn"}
    assert all(d["label"] == d["relation"] for _, _, d in net.edges(data=True))
    assert net.number_of_nodes() == 13 and net.number_of_edges() == 13
    if fmt == "gexf":
        assert b"lastmodifieddate" not in path.read_bytes()  # no date stamp: deterministic


def test_same_input_same_bytes_even_with_another_hash_seed(tmp_path: Path, store_dir: Path) -> None:
    """rdflib's own TriG and JSON-LD order depends on PYTHONHASHSEED; ours must not."""
    formats = ["ttl", "nt", "nq", "trig", "jsonld", "graphml", "gexf"]
    first = {f: export([str(MINI), "--format", f], tmp_path / f"a.{f}") for f in formats}
    first_store = export(["--store", str(store_dir), "--format", "trig"], tmp_path / "s.trig")
    script = (
        "import sys; from kg.cli import main\n"
        f"for f in {formats!r}:\n"
        f"    assert main(['export', {str(MINI)!r}, '--format', f, '-o', {str(tmp_path)!r} + '/b.' + f]) == 0\n"
        f"assert main(['export', '--store', {str(store_dir)!r}, '--format', 'trig', '-o', {str(tmp_path)!r} + '/t.trig']) == 0\n"
    )
    env = dict(os.environ, PYTHONHASHSEED="12345")
    subprocess.run([sys.executable, "-c", script], check=True, env=env, cwd=Path(__file__).parent.parent)
    for f in formats:
        assert (tmp_path / f"b.{f}").read_bytes() == first[f], f
    assert (tmp_path / "t.trig").read_bytes() == first_store


def test_nt_and_nq_lines_are_sorted(tmp_path: Path) -> None:
    for fmt in ("nt", "nq"):
        lines = export([str(MINI), "--format", fmt], tmp_path / f"x.{fmt}").decode("utf-8").splitlines()
        assert lines == sorted(lines) and len(lines) == len(load_graph(MINI))


def test_export_errors(tmp_path: Path, capsys: pytest.CaptureFixture[str], store_dir: Path) -> None:
    out = tmp_path / "x.ttl"
    assert main(["export", str(MINI), "--store", str(store_dir), "--format", "ttl", "-o", str(out)]) == 2
    assert main(["export", str(DATA / "missing.ttl"), "--format", "ttl", "-o", str(out)]) == 2
    assert not out.exists()  # nothing half-written
    err = capsys.readouterr().err.strip().splitlines()
    assert err[0].startswith("csrkg: error: [E091] export needs exactly one of")
    assert err[1].startswith("csrkg: error: [E050] ")

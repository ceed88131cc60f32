"""The Oxigraph store: one named graph per report, replace on reload, remove, union queries, read-only."""
from __future__ import annotations

from pathlib import Path

import pytest
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import RDFS, XSD

from extract.errors import CsrKgError, InputError
from kg.graphfile import load_graph
from kg.query import run_query
from kg.named_graphs import split_by_report
from kg.store import open_store
from kg.vocab import CSR, ONTOLOGY_IRI, RES

DATA = Path(__file__).parent / "data"
MINI = DATA / "store_mini.ttl"
MINI_B = DATA / "store_mini_b.ttl"
R2024 = str(RES["report/changqing-2024-csr"])
R2025 = str(RES["report/changqing-2025-csr"])
GROUP = RES["org/a00000000001"]
NUMERIC = {XSD.decimal, XSD.integer, XSD.double, XSD.float}
PREFIXES = "PREFIX csr: <https://w3id.org/csr-kg/ontology#>\nPREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>\n"


def normalised(graph) -> set:
    """Triples with numbers compared by value: Oxigraph stores 3000000000.0 as the decimal 3000000000."""
    def term(t):
        if isinstance(t, Literal) and t.datatype in NUMERIC:
            return ("number", str(t.datatype), t.toPython())
        return t
    return {tuple(term(x) for x in triple) for triple in graph}


def same_triples(a, b) -> bool:
    return normalised(a) == normalised(b)


def graph_of(store, report: str) -> Graph:
    g = Graph()
    for s, p, o, name in store.dataset_quads():
        if str(name) == report:
            g.add((s, p, o))
    return g


def test_load_keeps_every_triple_in_the_report_graph(tmp_path: Path) -> None:
    source = load_graph(MINI)
    with open_store(tmp_path / "store") as store:
        assert store.put_report(source) == [R2024]
        assert store.reports() == [R2024]
        assert same_triples(graph_of(store, R2024), source)
        # literals keep language tags and datatypes through the conversion
        quads = {(s, p, o) for s, p, o, _ in store.dataset_quads()}
        assert (GROUP, RDFS.label, Literal("长青保险集团有限公司", lang="zh")) in quads
        assert (RES["community/c00000000001"], CSR.openingDate, Literal("2023", datatype=XSD.gYear)) in quads
        assert (RES["fund/f00000000001"], CSR.sizeCNY, Literal("3000000000", datatype=XSD.decimal)) in quads


def test_ontology_graph_present(tmp_path: Path) -> None:
    with open_store(tmp_path / "store") as store:
        store.put_report(load_graph(MINI))
        assert str(ONTOLOGY_IRI) in store.graph_names()
        assert str(ONTOLOGY_IRI) not in store.reports()
        onto = graph_of(store, str(ONTOLOGY_IRI))
        assert (CSR.Fund, None, None) in onto and len(onto) > 50
        # the union default graph sees the ontology too (labels of the classes)
        ask = run_query(store, PREFIXES + "ASK { csr:subsidiaryOf rdfs:label ?l }")
        assert ask.boolean is True


def test_reload_replaces_the_report_graph(tmp_path: Path) -> None:
    source = load_graph(MINI)
    with open_store(tmp_path / "store") as store:
        store.put_report(source)
        before = len(store.dataset_quads())
        store.put_report(source)
        assert len(store.dataset_quads()) == before  # no duplicates
        # a corrected rebuild: one label changed, one fact dropped
        fixed = Graph()
        for t in source:
            fixed.add(t)
        fixed.remove((RES["org/a00000000003"], RDFS.label, None))
        fixed.add((RES["org/a00000000003"], RDFS.label, Literal("长青财产保险", lang="zh")))
        fixed.remove((RES["org/a00000000001"], CSR.serves, None))
        store.put_report(fixed)
        assert same_triples(graph_of(store, R2024), fixed)
        names = run_query(store, PREFIXES + "SELECT ?n WHERE { <%s> rdfs:label ?n }" % RES["org/a00000000003"])
        assert [str(r[0]) for r in names.rows] == ["长青财产保险"]
        assert run_query(store, PREFIXES + "ASK { ?a csr:serves ?b }").boolean is False


def test_remove_by_label_file_or_iri(tmp_path: Path) -> None:
    with open_store(tmp_path / "store") as store:
        store.put_report(load_graph(MINI))
        store.put_report(load_graph(MINI_B))
        assert store.remove_report("changqing-2025-csr.txt") == R2025
        assert store.reports() == [R2024]
        with pytest.raises(InputError, match=r"\[E075\] no report 'nope'"):
            store.remove_report("nope")
        assert store.remove_report(R2024) == R2024
        assert store.reports() == []
        assert run_query(store, PREFIXES + "ASK { ?s a csr:Report }").boolean is False


def test_two_reports_share_an_entity(tmp_path: Path) -> None:
    with open_store(tmp_path / "store") as store:
        store.put_report(load_graph(MINI))
        store.put_report(load_graph(MINI_B))
        assert store.reports() == [R2024, R2025]
        # the group's label is in both report graphs …
        where = run_query(store, PREFIXES + "SELECT ?g WHERE { GRAPH ?g { <%s> rdfs:label ?l } } ORDER BY ?g" % GROUP)
        assert [str(r[0]) for r in where.rows] == [R2024, R2025]
        # … and the union sees the relations of both reports
        partners = run_query(store, PREFIXES + "SELECT DISTINCT ?p WHERE { <%s> csr:partnerOf ?p } ORDER BY ?p" % GROUP)
        assert len(partners) == 3
        # removing one report keeps the shared entity and the other report's facts
        store.remove_report("changqing-2025-csr")
        assert run_query(store, PREFIXES + "ASK { <%s> rdfs:label ?l }" % GROUP).boolean is True
        partners = run_query(store, PREFIXES + "SELECT DISTINCT ?p WHERE { <%s> csr:partnerOf ?p }" % GROUP)
        assert len(partners) == 2
        assert run_query(store, PREFIXES + "ASK { ?x rdfs:label \"合肥\"@zh }").boolean is False


def test_one_graph_with_two_reports_is_split(tmp_path: Path) -> None:
    merged = load_graph(MINI) + load_graph(MINI_B)
    parts = split_by_report(merged)
    r24, r25 = URIRef(R2024), URIRef(R2025)
    # statements, mentions and the place go only where they come from; the shared group goes to both
    assert (RES["statement/s000000000000101"], None, None) not in _g(parts[r24])
    assert (RES["place/p00000000003"], RDFS.label, Literal("合肥", lang="zh")) in parts[r25]
    assert (GROUP, CSR.hasMention, RES["mention/m101"]) in parts[r25]
    assert (GROUP, CSR.hasMention, RES["mention/m101"]) not in parts[r24]
    assert (GROUP, CSR.mentionedIn, r24) not in parts[r25]
    assert (GROUP, RDFS.label, Literal("长青保险集团有限公司", lang="zh")) in parts[r24] & parts[r25]
    with open_store(tmp_path / "store") as store:
        assert store.put_report(merged) == [R2024, R2025]
        union = store.union_graph()
        assert same_triples(union, merged)  # nothing lost, nothing invented


def _g(triples) -> Graph:
    g = Graph()
    for t in triples:
        g.add(t)
    return g


def test_graph_without_report_is_refused(tmp_path: Path) -> None:
    g = Graph()
    g.add((GROUP, RDFS.label, Literal("长青保险集团有限公司", lang="zh")))
    with open_store(tmp_path / "store") as store, pytest.raises(InputError, match=r"\[E077\]"):
        store.put_report(g)


def test_persistent_and_read_only(tmp_path: Path) -> None:
    path = tmp_path / "store"
    with open_store(path) as store:
        store.put_report(load_graph(MINI))
    with open_store(path, read_only=True) as store:
        assert store.reports() == [R2024]
        assert run_query(store, PREFIXES + "ASK { ?s a csr:Fund }").boolean is True
        with pytest.raises(CsrKgError, match=r"\[E074\]"):
            store.put_report(load_graph(MINI_B))
        with pytest.raises(CsrKgError, match=r"\[E074\]"):
            store.remove_report(R2024)
    with pytest.raises(InputError, match=r"\[E070\]"):
        open_store(tmp_path / "missing", read_only=True)
    with open_store(path) as store:  # the lock was released on close
        assert store.reports() == [R2024]


def test_cli_load_and_remove(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from kg.cli import main

    store = str(tmp_path / "store")
    assert main(["load", str(MINI), str(MINI_B), "--store", store]) == 0
    assert "2 report(s)" in capsys.readouterr().err
    assert main(["query", "--store", store, "reporting-organisation", "--format", "csv"]) == 0
    out = capsys.readouterr().out
    assert out.count("\r\n") == 3 and "changqing-2025-csr.txt" in out
    assert main(["remove", "changqing-2024-csr", "--store", store]) == 0
    assert main(["remove", "changqing-2024-csr", "--store", store]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert err[-1].startswith("csrkg: error: [E075] no report 'changqing-2024-csr'")
    assert main(["load", str(DATA / "no-such.ttl"), "--store", store]) == 2


def _default_and_union(store) -> tuple[set, set]:
    import pyoxigraph as ox

    default, union = set(), set()
    for q in store.ox.quads_for_pattern(None, None, None, None):
        triple = (q.subject, q.predicate, q.object)
        (union if isinstance(q.graph_name, ox.NamedNode) else default).add(triple)
    return default, union


def test_the_default_graph_is_the_set_union_of_the_report_graphs(tmp_path: Path) -> None:
    """Queries read the default graph (fast, set semantics): it must follow every load, replace and remove."""
    with open_store(tmp_path / "store") as store:
        store.put_report(load_graph(MINI))
        store.put_report(load_graph(MINI_B))
        default, union = _default_and_union(store)
        assert default == union and store.has_union_graph()
        shared = default
        store.remove_report(store.reports()[0])
        default, union = _default_and_union(store)
        assert default == union and default < shared  # what only the removed report held is gone
        store.put_report(load_graph(MINI))  # replacing: no stale triple stays behind
        store.put_report(load_graph(MINI))
        assert _default_and_union(store)[0] == _default_and_union(store)[1] == shared


def test_a_store_without_the_union_graph_gets_it_when_opened_for_writing(tmp_path: Path) -> None:
    import pyoxigraph as ox

    with open_store(tmp_path / "store") as store:
        store.put_report(load_graph(MINI))
        expected = run_query(store, "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }").rows
        store.ox.clear_graph(ox.DefaultGraph())  # as a store written by an earlier version
    with open_store(tmp_path / "store", read_only=True) as old:
        assert not old.has_union_graph()  # read-only: queries fall back to Oxigraph's union view
        assert run_query(old, "SELECT (COUNT(DISTINCT *) AS ?n) WHERE { ?s ?p ?o }").rows == expected
    with open_store(tmp_path / "store") as store:
        assert store.has_union_graph()
        assert run_query(store, "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }").rows == expected


def test_close_releases_the_store_after_a_query(tmp_path: Path) -> None:
    """A query result kept in a reference cycle once held RocksDB past close(): a reader then failed to open."""
    with open_store(tmp_path / "store") as store:
        store.put_report(load_graph(MINI))
        run_query(store, "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }")
    with open_store(tmp_path / "store", read_only=True) as reader:
        assert reader.reports()
    with open_store(tmp_path / "store") as writer:  # and a writer gets the lock again
        assert writer.reports()

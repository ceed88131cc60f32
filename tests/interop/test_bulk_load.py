"""The README's bulk-load recipe, run: the per-report N-Quads of a corpus build (``--nquads-dir``) go into
a real Virtuoso with its bulk loader (``ld_dir``, ``rdf_loader_run``, ``checkpoint``), and Virtuoso then
holds every report graph with exactly the triples of the Oxigraph store."""
from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from kg.cli import main
from kg.vocab import ONTOLOGY_FILE, ONTOLOGY_IRI

from .stores import VirtuosoServer

pytestmark = pytest.mark.interop

DEV = Path(__file__).resolve().parent.parent / "data" / "dev"
REPORTS = ("dev-bank-broken.txt", "dev-internet-broken.txt")


def test_per_report_nquads_bulk_load_into_virtuoso(tmp_path: Path) -> None:
    from kg.store import open_store

    server = VirtuosoServer(tmp_path / "virtuoso")
    nq = server.workdir / "nq"  # inside the server's DirsAllowed
    assert main(["build", *(str(DEV / r) for r in REPORTS), "--store", str(tmp_path / "store"),
                 "--nquads-dir", str(nq), "-q"]) == 0
    with open_store(tmp_path / "store", read_only=True) as store:
        expected = {iri: len(store.report_nquads(iri).splitlines()) for iri in store.reports()}
    assert len(expected) == len(REPORTS)
    server.workdir.mkdir(parents=True, exist_ok=True)
    server.start()
    try:
        server.isql(f"ld_dir('{nq}', '*.nq', 'urn:csr-kg:unused');")  # N-Quads name their own graphs
        shutil.copy(ONTOLOGY_FILE, server.workdir / "csr.ttl")
        server.isql(f"ld_dir('{server.workdir}', 'csr.ttl', '{ONTOLOGY_IRI}');")
        server.isql("rdf_loader_run();")
        server.isql("checkpoint;")
        failed = server.isql("SELECT ll_file, ll_error FROM DB.DBA.load_list WHERE ll_error IS NOT NULL;")
        assert "0 Rows." in failed, failed
        doc = server.query_raw("SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g", None,
                               "application/sparql-results+json")
    finally:
        server.stop()
    counts = {b["g"]["value"]: int(b["n"]["value"]) for b in json.loads(doc)["results"]["bindings"]}
    assert {iri: counts.get(iri) for iri in expected} == expected
    assert counts.get(str(ONTOLOGY_IRI), 0) > 100

"""Shared fixtures: the sample report, its gold, and one build of it per test session."""
from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "data" / "samples" / "dajia-2024-csr.txt"
SAMPLE_GOLD = ROOT / "data" / "samples" / "dajia-2024-csr.gold.json"
TEST_REPORTS = ROOT / "tests" / "data" / "reports"


@pytest.fixture(scope="session")
def sample_path() -> Path:
    return SAMPLE


@pytest.fixture(scope="session")
def sample_gold_path() -> Path:
    return SAMPLE_GOLD


@pytest.fixture(scope="session")
def sample_build(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A directory with graph.ttl, graph.html and merges.tsv built from the sample by ``csrkg build``."""
    from kg.cli import main

    out = tmp_path_factory.mktemp("sample-build")
    assert main(["build", str(SAMPLE), "-o", str(out), "--quiet"]) == 0
    return out


@pytest.fixture(scope="session")
def sample_graph(sample_build: Path):
    """The sample build parsed back into an rdflib Graph."""
    from rdflib import Graph

    g = Graph()
    g.parse(sample_build / "graph.ttl", format="turtle")
    return g

"""Shared fixtures: no network for any test, the sample report, its gold, and one build of it per test session."""
from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import settings

import netguard

# `pytest --hypothesis-profile=deep`: the long fuzzing run of tests/test_fuzz.py (CSRKG_FUZZ_EXAMPLES or 5000
# examples per property); the default run keeps hypothesis' defaults and test_fuzz.py its own 200
settings.register_profile("deep", max_examples=int(os.environ.get("CSRKG_FUZZ_EXAMPLES") or 5000), deadline=None)

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "data" / "samples" / "dajia-2024-csr.txt"
SAMPLE_GOLD = ROOT / "data" / "samples" / "dajia-2024-csr.gold.json"
TEST_REPORTS = ROOT / "tests" / "data" / "reports"


@pytest.fixture(scope="session", autouse=True)
def _network_guard() -> None:
    """The audit hook of tests/netguard.py, on before any other fixture of the session (builds included)."""
    netguard.install()


@pytest.fixture(autouse=True)
def no_network(_network_guard: None) -> Iterator[None]:
    """Every test runs offline: a socket operation naming another machine raises ``NetworkBlocked``, and a
    test whose code caught and swallowed that error fails here all the same. Loopback and AF_UNIX stay open
    (``csrkg serve`` on 127.0.0.1, local stores)."""
    netguard.active = True
    netguard.refused.clear()
    yield
    assert not netguard.refused, f"the test tried to reach the network: {netguard.refused[0]}"


@pytest.fixture
def offline_env(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    """An environment for child processes, which the audit hook of this one does not reach: tests/netguard.py
    as their ``sitecustomize`` (first on PYTHONPATH, before the project), ending a child that tries to reach
    another machine with exit code ``netguard.EXIT_CODE``."""
    site = tmp_path_factory.mktemp("netguard-site")
    (site / "sitecustomize.py").write_text(Path(netguard.__file__).read_text(encoding="utf-8"), encoding="utf-8")
    env = dict(os.environ, CSRKG_NETGUARD="exit")
    env["PYTHONPATH"] = os.pathsep.join([str(site), str(ROOT), env.get("PYTHONPATH", "")])
    return env


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

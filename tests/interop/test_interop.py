"""Real external graph stores load our Turtle and answer every library query exactly as rdflib does.

Stores: rdflib (the reference), Oxigraph (in-memory Store), Virtuoso (a server started here on loopback,
queried over the SPARQL protocol), plus raptor's `rapper` as an independent Turtle parser.
Inputs: the hand-made tests/data/interop_mini.ttl (the awkward literals), tests/data/interop_sparse.ttl
(aggregates over empty input) and the sample build (fixture `sample_build` of tests/conftest.py). Queries: every queries/*.rq found at run time, plus the
tests/data/interop_queries/*.rq that exercise SPARQL features the library may not use yet.
"""
from __future__ import annotations

from pathlib import Path

import pytest

from kg.vocab import QUERIES_DIR

from .stores import (
    Answer,
    InteropError,
    REWRITES,
    compare,
    literal_term,
    query_for,
    query_shape,
    describe_triple_diff,
    rapper_count,
    rapper_ntriples,
    triples_of,
)

pytestmark = pytest.mark.interop

TESTS_DIR = Path(__file__).resolve().parent.parent
MINI_TTL = TESTS_DIR / "data" / "interop_mini.ttl"
SPARSE_TTL = TESTS_DIR / "data" / "interop_sparse.ttl"
OWN_QUERIES_DIR = TESTS_DIR / "data" / "interop_queries"
GRAPHS = ("mini", "sparse", "sample")


def _discover() -> list[tuple[str, Path]]:
    """(query id, file) for the library's queries and ours; ids are what REWRITES is keyed by."""
    found = [(p.stem, p) for p in sorted(QUERIES_DIR.glob("*.rq"))]
    found += [(f"interop/{p.stem}", p) for p in sorted(OWN_QUERIES_DIR.glob("*.rq"))]
    return found


QUERIES = _discover()


def _graph_path(request: pytest.FixtureRequest, key: str) -> Path:
    if key == "mini":
        return MINI_TTL
    if key == "sparse":
        return SPARSE_TTL
    try:
        build_dir = request.getfixturevalue("sample_build")
    except pytest.FixtureLookupError:
        pytest.fail("tests/conftest.py provides no `sample_build` fixture (the lead's): cannot test the sample graph")
    return Path(build_dir) / "graph.ttl"


def _loaded(request: pytest.FixtureRequest, env, key: str) -> Path:
    path = _graph_path(request, key)
    try:
        env.load(key, path)
    except InteropError as err:
        pytest.fail(str(err))
    return path


# --- the comparison itself must be able to fail -----------------------------------------------------------
def test_values_compare_by_value_not_by_print() -> None:
    xsd = "http://www.w3.org/2001/XMLSchema#"
    assert literal_term("2000000000.0", xsd + "decimal", None) == literal_term("2000000000", xsd + "integer", None)
    assert literal_term("0.30000000000000004", xsd + "double", None) == literal_term("0.3", xsd + "decimal", None)
    assert literal_term("753000.0", xsd + "decimal", None) != literal_term("753000.5", xsd + "decimal", None)
    assert literal_term("北京", None, "zh") != literal_term("北京", None, None)
    assert literal_term("北京", None, None) == literal_term("北京", xsd + "string", None)
    assert literal_term("2024-07", xsd + "gYearMonth", None) != literal_term("2024-07", xsd + "string", None)
    assert literal_term("2024-07", xsd + "gYearMonth", None) != literal_term("2024-7", xsd + "gYearMonth", None)


def test_compare_sees_missing_rows_and_wrong_order() -> None:
    a, b = ("iri", "urn:a"), ("iri", "urn:b")
    shape = query_shape("SELECT ?x WHERE { ?x ?p ?o } ORDER BY ?x")
    ref = Answer("select", ("x",), ((a,), (b,)))
    assert compare(ref, Answer("select", ("x",), ((a,), (b,))), shape)[0] == []
    assert compare(ref, Answer("select", ("x",), ((b,), (a,))), shape)[0]  # unique key: order checked
    assert compare(ref, Answer("select", ("x",), ((a,),)), shape)[0]  # a row missing
    assert compare(ref, Answer("select", ("y",), ((a,), (b,))), shape)[0]  # other variable
    unordered = query_shape("SELECT ?x WHERE { ?x ?p ?o }")
    assert compare(ref, Answer("select", ("x",), ((b,), (a,))), unordered)[0] == []


def test_library_queries_are_present() -> None:
    """The library is the point: an empty queries/ would make every other test here vacuous."""
    assert any(QUERIES_DIR.glob("*.rq")), f"no .rq files in {QUERIES_DIR}"


def test_rewrites_name_existing_queries() -> None:
    ids = {qid for qid, _ in QUERIES}
    stale = [f"{store}/{qid}" for store, qid in REWRITES if qid not in ids]
    assert not stale, f"REWRITES names queries that do not exist: {stale}"
    assert all(r.reason.strip() for r in REWRITES.values()), "every rewrite needs a reason"


# --- parsers and loads ------------------------------------------------------------------------------------
@pytest.mark.parametrize("key", GRAPHS)
def test_rapper_counts_the_triples_rdflib_reads(key: str, request: pytest.FixtureRequest, interop_env) -> None:
    path = _loaded(request, interop_env, key)
    try:
        counted = rapper_count(path)
    except InteropError as err:
        pytest.fail(str(err))
    assert counted == interop_env.sizes[("rdflib", key)] > 0


@pytest.mark.parametrize("key", GRAPHS)
def test_rapper_reads_the_same_terms_as_rdflib(key: str, request: pytest.FixtureRequest, interop_env) -> None:
    """Exact terms (lexical forms too): two parsers of the same file must agree to the byte."""
    from rdflib import Graph

    path = _loaded(request, interop_env, key)
    try:
        ntriples = rapper_ntriples(path)
    except InteropError as err:
        pytest.fail(str(err))
    theirs, ours = set(Graph().parse(data=ntriples, format="nt")), set(interop_env.rdflib.graphs[key])
    assert theirs == ours, f"rapper: {len(ours - theirs)} of rdflib's triples missing, {len(theirs - ours)} extra"


@pytest.mark.parametrize("store", ("oxigraph", "virtuoso"))
@pytest.mark.parametrize("key", GRAPHS)
def test_store_holds_every_triple(key: str, store: str, request: pytest.FixtureRequest, interop_env) -> None:
    """Same size and the same triples, terms by value (Virtuoso canonicalises decimals on load)."""
    _loaded(request, interop_env, key)
    expected = interop_env.sizes[("rdflib", key)]
    assert expected > 0
    assert interop_env.sizes[(store, key)] == expected
    got = interop_env.oxigraph.triples(key) if store == "oxigraph" else interop_env.server.triples(key)
    want = triples_of(interop_env.rdflib.graphs[key])
    assert got == want, "\n".join(describe_triple_diff(want, got, store))


# --- every query, every store -----------------------------------------------------------------------------
@pytest.mark.parametrize("query_id,query_file", QUERIES, ids=[qid for qid, _ in QUERIES])
@pytest.mark.parametrize("key", GRAPHS)
def test_query_answers_agree(
    key: str, query_id: str, query_file: Path, request: pytest.FixtureRequest, interop_env, record
) -> None:
    _loaded(request, interop_env, key)
    text = query_file.read_text(encoding="utf-8")
    shape = query_shape(text)
    failures: list[str] = []
    answers: dict[str, Answer] = {}
    try:
        reference = interop_env.rdflib.query(key, query_id, text)
    except Exception as err:  # noqa: BLE001 -- rdflib's own failure is the finding; show what the others say
        reference = None
        failures.append(f"rdflib (the reference) failed: {type(err).__name__}: {err}")
        record(key, query_id, "rdflib", "ERROR", None, f"{type(err).__name__}: {err}")
    ref_rows = len(reference.rows) if reference is not None and reference.kind == "select" else None
    stores = [
        (interop_env.oxigraph, lambda t: interop_env.oxigraph.query(key, query_id, t)),
        (interop_env.server, lambda t: interop_env.server.query(key, query_id, t, shape.form)),
    ]
    for store, run in stores:
        try:
            sent, rewrite = query_for(store.name, query_id, text)
            answer = run(sent)
        except InteropError as err:
            record(key, query_id, store.name, "ERROR", None, str(err).splitlines()[0])
            failures.append(f"{store.name}: {err}")
            continue
        answers[store.name] = answer
        if reference is None:
            failures.append(f"{store.name} answered: {len(answer.rows)} rows / {answer.boolean} / {len(answer.triples)} triples")
            continue
        diffs, note = compare(reference, answer, shape)
        status = "DIFFERENT" if diffs else ("identical after rewrite" if rewrite else "identical")
        record(key, query_id, store.name, status, ref_rows, note)
        print(f"{key} {query_id} {store.name}: {status}" + (f" ({note})" if note else ""))
        if rewrite is not None:
            print(f"  rewritten for {store.name}: {rewrite.old!r} -> {rewrite.new!r}: {rewrite.reason}")
        if diffs:
            failures.append(f"{store.name} differs from rdflib:\n  " + "\n  ".join(diffs))
    if len(answers) == 2 and len(failures) == 2 and not compare(answers["oxigraph"], answers["virtuoso"], shape)[0]:
        failures.append("Oxigraph and Virtuoso agree with each other: rdflib's answer is the odd one out")
    if failures:
        pytest.fail(f"{query_file.name} on {key}:\n" + "\n".join(failures))

"""The bundled SPARQL library (queries/*.rq): documented, portable, and right on real graphs.

Expected answers live in tests/expected/queries.json ('mini': the hand-made graph; 'sample': written from the
gold annotation of the bundled report, with known extraction gaps listed and reported as xfail).
"""
from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import RDFS, SKOS

from kg.graphfile import load_graph
from kg.query import QueryResult, library, query_header, run_query
from kg.store import open_store
from kg.vocab import QUERIES_DIR

ROOT = Path(__file__).resolve().parent.parent

DATA = Path(__file__).parent / "data"
MINI = DATA / "store_mini.ttl"
MINI_B = DATA / "store_mini_b.ttl"
MANIFEST = json.loads((Path(__file__).parent / "expected" / "queries.json").read_text(encoding="utf-8"))
GOLD = ROOT / "data" / "samples" / "dajia-2024-csr.gold.json"
QUERIES = library()
NAMES = [q.name for q in QUERIES]


def _gold_aliases() -> dict[str, set[str]]:
    """Gold name -> every name the gold gives that entity (so a row may use any of them as its label)."""
    gold = json.loads(GOLD.read_text(encoding="utf-8"))
    out: dict[str, set[str]] = {}
    for ent in gold["entities"]:
        names = {ent["name"], *ent.get("aliases", [])}
        for n in names:
            out.setdefault(n, set()).update(names)
    return out


GOLD_ALIASES = _gold_aliases()


# ---------------------------------------------------------------------------------------------------------
# matching rows against the manifest


class Matcher:
    """Compare result rows to manifest rows, knowing the graph's labels and aliases."""

    def __init__(self, graph: Graph) -> None:
        self.names: dict[str, set[str]] = {}
        by_label: dict[str, set[str]] = {}
        for node in set(graph.subjects(RDFS.label)) | set(graph.subjects(SKOS.altLabel)):
            names = {str(x) for x in graph.objects(node, RDFS.label)} | {str(x) for x in graph.objects(node, SKOS.altLabel)}
            self.names[str(node)] = names
            for label in graph.objects(node, RDFS.label):
                by_label.setdefault(str(label), set()).update(names)
        self.by_label = by_label

    def names_of(self, term: Any) -> set[str]:
        if term is None:
            return set()
        text = str(term)
        names = {text} | self.names.get(text, set()) | self.by_label.get(text, set())
        for n in list(names):
            names |= GOLD_ALIASES.get(n, set())
        return names

    def value_ok(self, term: Any, expected: Any) -> bool:
        if isinstance(expected, list):
            return any(self.value_ok(term, e) for e in expected)
        if term is None:
            return expected is None
        if isinstance(expected, dict):  # {"min": a, "max": b}
            try:
                value = float(term)
            except (TypeError, ValueError):
                return False
            return expected.get("min", float("-inf")) <= value <= expected.get("max", float("inf"))
        if isinstance(expected, (int, float)) and not isinstance(expected, bool):
            try:
                return abs(float(term) - float(expected)) <= 1e-6 * max(1.0, abs(float(expected)))
            except (TypeError, ValueError):
                return False
        if isinstance(term, (URIRef, Literal)):
            return str(expected) in self.names_of(term)
        return str(term) == str(expected)

    def row_ok(self, row: dict[str, Any], spec: dict[str, Any], swap: tuple[str, str] | None) -> bool:
        wanted = {k: v for k, v in spec.items() if not k.startswith("_")}
        if all(self.value_ok(row.get(k), v) for k, v in wanted.items()):
            return True
        if swap:
            a, b = swap
            swapped = dict(row)
            swapped[a], swapped[b] = row.get(b), row.get(a)
            return all(self.value_ok(swapped.get(k), v) for k, v in wanted.items())
        return False


def row_id(spec: dict[str, Any]) -> str:
    return spec.get("_id") or "/".join(str(v) for k, v in sorted(spec.items()) if not k.startswith("_"))


def problems(name: str, result: QueryResult, expect: dict[str, Any], matcher: Matcher) -> dict[str, str]:
    """Every way ``result`` falls short of the manifest, keyed ``QUERY/rows``, ``QUERY/first`` or ``QUERY/ROW_ID``."""
    rows = [dict(zip(result.variables, r)) for r in result.rows]
    out: dict[str, str] = {}
    if not expect["min_rows"] <= len(rows) <= expect["max_rows"]:
        out[f"{name}/rows"] = f"{len(rows)} rows, expected {expect['min_rows']}..{expect['max_rows']}"
    swap = tuple(expect["symmetric"]) if expect.get("symmetric") else None
    if "first" in expect and not (rows and matcher.row_ok(rows[0], expect["first"], swap)):
        out[f"{name}/first"] = f"first row is {_show(rows[:1])}, expected {expect['first']}"
    for spec in expect["must"]:
        if not any(matcher.row_ok(r, spec, swap) for r in rows):
            out[f"{name}/{row_id(spec)}"] = f"no row matches {spec}"
    return out


def _show(rows: list[dict[str, Any]]) -> str:
    return str([{k: str(v) for k, v in r.items() if v is not None} for r in rows])


def check(name: str, result: QueryResult, expect: dict[str, Any], matcher: Matcher, gaps: dict[str, str]) -> list[str]:
    """Fail on shortfalls that are not known gaps, and on known gaps that are fixed; return the open gaps."""
    found = problems(name, result, expect, matcher)
    unexpected = {k: v for k, v in found.items() if k not in gaps}
    assert not unexpected, f"{name}: " + "; ".join(f"{k}: {v}" for k, v in unexpected.items())
    mine = [k for k in gaps if k.split("/", 1)[0] == name]
    fixed = [k for k in mine if k not in found]
    assert not fixed, f"known gaps now fixed, remove them from tests/expected/queries.json: {fixed}"
    return [f"{k} ({gaps[k]})" for k in mine]


# ---------------------------------------------------------------------------------------------------------
# documentation and portability


def test_library_has_the_documented_queries() -> None:
    assert len(QUERIES) >= 14
    assert set(NAMES) == set(MANIFEST["mini"]) == set(MANIFEST["sample"]), "every query needs expectations"


@pytest.mark.parametrize("name", NAMES)
def test_query_is_documented_and_self_contained(name: str) -> None:
    text = (QUERIES_DIR / f"{name}.rq").read_text(encoding="utf-8")
    assert text.startswith("# title: ")
    title, lines = query_header(text)
    assert len(title) > 15 and "\n" not in title
    doc = "\n".join(lines)
    assert "Question:" in doc and "Returns:" in doc and f"csrkg query" in doc and name in doc
    for var in re.findall(r"\?(\w+)", doc.split("Returns:", 1)[1].split("Example:", 1)[0]):
        assert f"?{var}" in text.split("SELECT", 1)[1].split("WHERE", 1)[0], f"documented ?{var} not returned"
    used = set(re.findall(r"\b([a-z]+):\w", re.sub(r"<[^>]*>|\"[^\"]*\"|#.*", "", text)))
    declared = set(re.findall(r"PREFIX\s+(\w+):", text))
    assert used <= declared, f"undeclared prefixes {used - declared}"
    assert "ORDER BY" in text


@pytest.mark.parametrize("name", NAMES)
def test_query_parses_in_rdflib_and_oxigraph(name: str) -> None:
    import pyoxigraph

    from rdflib.plugins.sparql import prepareQuery

    text = (QUERIES_DIR / f"{name}.rq").read_text(encoding="utf-8")
    prepareQuery(text)
    pyoxigraph.Store().query(text)  # raises SyntaxError if Oxigraph cannot parse it


# ---------------------------------------------------------------------------------------------------------
# answers on the hand-made graph, with both engines


@pytest.fixture(scope="module")
def mini_graph() -> Graph:
    return load_graph(MINI)


@pytest.fixture(scope="module")
def mini_store(tmp_path_factory: pytest.TempPathFactory):
    with open_store(tmp_path_factory.mktemp("libstore") / "store") as store:
        store.put_report(load_graph(MINI))
        yield store


@pytest.mark.parametrize("name", NAMES)
def test_mini_answers(name: str, mini_graph: Graph, mini_store) -> None:
    text = (QUERIES_DIR / f"{name}.rq").read_text(encoding="utf-8")
    on_graph = run_query(mini_graph, text)
    on_store = run_query(mini_store, text)
    assert on_graph.values() == on_store.values(), "rdflib and Oxigraph disagree"
    check(name, on_graph, MANIFEST["mini"][name], Matcher(mini_graph), {})


def test_shared_entity_is_not_double_counted(tmp_path: Path) -> None:
    """Oxigraph's union graph repeats shared triples: aggregates must still count each thing once."""
    merged = load_graph(MINI) + load_graph(MINI_B)
    with open_store(tmp_path / "s") as store:
        store.put_report(load_graph(MINI))
        store.put_report(load_graph(MINI_B))
        for name in ("multi-report-entities", "most-connected", "award-count", "committed-capital", "entity-classes"):
            text = (QUERIES_DIR / f"{name}.rq").read_text(encoding="utf-8")
            assert run_query(store, text).values() == run_query(merged, text).values(), name
        multi = run_query(store, (QUERIES_DIR / "multi-report-entities.rq").read_text(encoding="utf-8"))
        assert [(str(r[1]), int(r[2])) for r in multi.rows] == [("长青保险集团有限公司", 2)]
        top = run_query(store, (QUERIES_DIR / "most-connected.rq").read_text(encoding="utf-8")).rows[0]
        assert int(top[2]) == 9  # 8 relations in the 2024 report + 1 partner in the 2025 one


# ---------------------------------------------------------------------------------------------------------
# answers on the bundled sample report (built by the lead's session fixture)


# ``sample_graph`` is the session fixture of tests/conftest.py (the sample built by ``csrkg build``)


@pytest.mark.parametrize("name", NAMES)
def test_sample_answers(name: str, sample_graph: Graph) -> None:
    text = (QUERIES_DIR / f"{name}.rq").read_text(encoding="utf-8")
    result = run_query(sample_graph, text)
    gaps = check(name, result, MANIFEST["sample"][name], Matcher(sample_graph), MANIFEST["known_gaps"])
    if gaps:
        pytest.xfail("known extraction gaps: " + "; ".join(gaps))


def test_sample_in_two_reports(sample_graph: Graph, tmp_path: Path) -> None:
    """The sample and a renamed copy in one store: the group is mentioned in two reports, counted once."""
    from kg.vocab import CSR, RES

    old = next(iter(sample_graph.subjects(predicate=CSR.sourceFile)))
    new = RES["report/copy-of-sample"]
    copy = Graph()
    for s, p, o in sample_graph:
        copy.add((new if s == old else s, p, new if o == old else o))
    with open_store(tmp_path / "s") as store:
        store.put_report(sample_graph)
        store.put_report(copy)
        assert len(store.reports()) == 2
        multi = run_query(store, (QUERIES_DIR / "multi-report-entities.rq").read_text(encoding="utf-8"))
        assert len(multi) >= 50 and {int(r[2]) for r in multi.rows} == {2}
        group = MANIFEST["sample"]["reporting-organisation"]["must"][0]["organisation"]
        matcher = Matcher(sample_graph)
        assert any(matcher.value_ok(r[0], group) for r in multi.rows)
        single = run_query(sample_graph, (QUERIES_DIR / "award-count.rq").read_text(encoding="utf-8"))
        double = run_query(store, (QUERIES_DIR / "award-count.rq").read_text(encoding="utf-8"))
        assert single.values() == double.values()


def test_sample_engines_agree(sample_graph: Graph, tmp_path: Path) -> None:
    """Every library query gives the same rows with rdflib and with Oxigraph on the real sample."""
    with open_store(tmp_path / "s") as store:
        store.put_report(sample_graph)
        for q in QUERIES:
            text = q.path.read_text(encoding="utf-8")
            assert run_query(sample_graph, text).values() == run_query(store, text).values(), q.name

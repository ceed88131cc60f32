"""Stats and the HTML view over a corpus of reports (kg/selection.py, `csrkg stats --store`, `csrkg view`).

The corpus is generated with rdflib (tests/viz_graphs.py: 4 companies x 3 yearly reports) and loaded into a
real Oxigraph store; the expected numbers come from SPARQL on the store's named graphs, independently of
kg.selection and kg.stats.
"""
from __future__ import annotations

import json
from pathlib import Path

import pytest
from rdflib import Graph

from kg.cli import main
from kg.store import open_store
from kg.vocab import CSR
from viz_graphs import CORPUS_COMPANIES, CORPUS_YEARS, corpus_graph, entity_iris

NODE_CLASSES = ("Company", "Subsidiary", "Partner", "Organization", "Fund", "Community", "Award", "Place")
CLASS_VALUES = " ".join(f"<{getattr(CSR, name)}>" for name in NODE_CLASSES)
ROOT = Path(__file__).resolve().parent.parent
REPORTS = ROOT / "tests" / "data" / "reports"


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> tuple[Graph, Path, Path]:
    """(the generated corpus graph, its N-Triples file, a store holding it)."""
    graph = corpus_graph(600)
    base = tmp_path_factory.mktemp("corpus")
    nt = base / "corpus.nt"
    graph.serialize(nt, format="nt", encoding="utf-8")
    with open_store(base / "store") as store:
        assert len(store.put_report(graph)) == len(CORPUS_COMPANIES) * len(CORPUS_YEARS)
    return graph, nt, base / "store"


def _run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out = capsys.readouterr()
    return code, out.out, out.err


def _graph_entities(store_dir: Path, reports: list[str]) -> set[str]:
    """Entity IRIs in the named graphs of ``reports`` (SPARQL on the store)."""
    with open_store(store_dir, read_only=True) as store:
        values = " ".join(f"<{r}>" for r in reports)
        rows = store.ox.query(f"SELECT DISTINCT ?e WHERE {{ VALUES ?g {{ {values} }} VALUES ?c {{ {CLASS_VALUES} }} "
                              f"GRAPH ?g {{ ?e a ?c }} FILTER(isIRI(?e)) }}")
        return {row["e"].value for row in rows}


def _reports_of(store_dir: Path, company_slug: str | None = None, year: str | None = None) -> list[str]:
    with open_store(store_dir, read_only=True) as store:
        return [r for r in store.reports()
                if (company_slug is None or f"/{company_slug}-" in r) and (year is None or f"-{year}-" in r)]


def test_stats_over_a_store_has_one_row_per_report(corpus, capsys):
    graph, _nt, store = corpus
    code, out, err = _run(capsys, "stats", "--store", str(store), "--format", "json")
    assert code == 0, err
    data = json.loads(out)
    assert data["nodes"] == len(entity_iris(graph)) == 600
    rows = data["reports"]
    assert len(rows) == 12
    assert {(r["company"], r["year"]) for r in rows} == {(name, y) for _, name in CORPUS_COMPANIES for y in CORPUS_YEARS}
    for row in rows:
        assert row["entities"] == len(_graph_entities(store, [row["iri"]])), row
    # the 2024 report mentions its whole pool, the 2022 one a third of it
    jiayi = {r["year"]: r["entities"] for r in rows if r["report"].startswith("jiayi-")}
    assert jiayi["2024"] > jiayi["2023"] > jiayi["2022"] > 0
    code, text, _ = _run(capsys, "stats", "--store", str(store))
    assert code == 0 and "Reports: 12" in text and "jiayi-2023-csr" in text


def test_company_and_year_filters_select_the_reports_subgraph(corpus, capsys):
    _graph, _nt, store = corpus
    slug, name = CORPUS_COMPANIES[1]
    code, out, err = _run(capsys, "stats", "--store", str(store), "--company", name[:4], "--year", "2024",
                          "--format", "json")
    assert code == 0, err
    data = json.loads(out)
    wanted = _reports_of(store, slug, "2024")
    assert len(wanted) == 1
    assert data["nodes"] == len(_graph_entities(store, wanted))
    assert data["reports"] == []  # one report: no per-report table
    # two years of one company: a table of two, and the union of their entities
    code, out, _ = _run(capsys, "stats", "--store", str(store), "--company", name, "--year", "2022",
                        "--year", "2023", "--format", "json")
    data = json.loads(out)
    wanted = _reports_of(store, slug, "2022") + _reports_of(store, slug, "2023")
    assert code == 0 and [r["year"] for r in data["reports"]] == ["2022", "2023"]
    assert data["nodes"] == len(_graph_entities(store, wanted))
    # a report by its file name
    code, out, _ = _run(capsys, "stats", "--store", str(store), "--report", f"{slug}-2023-csr.txt", "--format", "json")
    assert code == 0 and json.loads(out)["nodes"] == len(_graph_entities(store, _reports_of(store, slug, "2023")))


def test_graph_file_and_store_agree(corpus, capsys):
    _graph, nt, store = corpus
    code, from_file, err = _run(capsys, "stats", str(nt), "--year", "2023", "--format", "json")
    assert code == 0, err
    code, from_store, _ = _run(capsys, "stats", "--store", str(store), "--year", "2023", "--format", "json")
    assert code == 0 and json.loads(from_file) == json.loads(from_store)
    assert len(json.loads(from_file)["reports"]) == 4


@pytest.mark.parametrize(
    "argv, code",
    [
        (["--year", "2019"], "[E113] --year 2019 matches no report (known: 2022, 2023, 2024)"),
        (["--company", "no such group"], "[E113] --company no such group matches no report"),
        (["--report", "nope-2024"], "[E113] --report nope-2024 matches no report"),
        (["--report", "jiayi-2022-csr", "--year", "2024"], "[E114] no report passes all the filters"),
        (["--year", "24"], "[E090] --year must be a year like 2024, got 24"),
    ],
)
def test_a_filter_that_selects_nothing_is_an_error(corpus, capsys, argv, code):
    _graph, _nt, store = corpus
    for command in (["stats"], ["view", "-o", str(store.parent / "never.html")]):
        status, out, err = _run(capsys, *command, "--store", str(store), *argv)
        assert status == 2 and out == ""
        assert err.startswith(f"csrkg: error: {code}") and err.count("\n") == 1, err
    assert not (store.parent / "never.html").exists()


def test_graph_or_store_not_both(corpus, capsys):
    _graph, nt, store = corpus
    for argv in (["stats"], ["stats", str(nt), "--store", str(store)], ["view", "-o", "x.html"]):
        status, _out, err = _run(capsys, *argv)
        assert status == 2 and "[E091]" in err


def _page_data(path: Path) -> dict:
    html = path.read_text(encoding="utf-8")
    start = html.index('<script type="application/json" id="csrkg-data">') + len(
        '<script type="application/json" id="csrkg-data">')
    return json.loads(html[start:html.index("</script>", start)])


def test_view_of_a_store_is_deterministic_and_tags_nodes_with_reports(corpus, capsys, tmp_path):
    graph, _nt, store = corpus
    a, b = tmp_path / "a.html", tmp_path / "b.html"
    assert _run(capsys, "view", "--store", str(store), "-o", str(a), "--max-nodes", "200")[0] == 0
    assert _run(capsys, "view", "--store", str(store), "-o", str(b), "--max-nodes", "200")[0] == 0
    assert a.read_bytes() == b.read_bytes()
    data = _page_data(a)
    assert data["maxNodes"] == 200
    assert len(data["nodes"]) == 600  # every node is in the page; the page draws 200 of them
    corpus_reports = data["corpus"]
    assert len(corpus_reports) == 12 and {r["year"] for r in corpus_reports} == set(CORPUS_YEARS)
    by_label = {r["label"]: i for i, r in enumerate(corpus_reports)}
    with open_store(store, read_only=True) as s:
        iris = s.reports()
    expected: dict[str, set[int]] = {}
    for iri in iris:
        index = by_label[iri.rsplit("/", 1)[-1]]
        for entity in _graph_entities(store, [iri]):
            expected.setdefault(entity, set()).add(index)
    assert {n["id"]: set(n["r"]) for n in data["nodes"]} == expected
    # every community id is a Louvain community of kg.stats (0: alone in its community)
    assert {n["c"] for n in data["nodes"]} >= {0, 1}
    html = a.read_text(encoding="utf-8")
    assert 'id="filter-report"' in html and 'id="filter-company"' in html and 'id="filter-year"' in html
    assert "Showing 200 of 600 nodes; use the filters" in " ".join(html.split())


def test_view_with_a_filter_holds_only_those_reports(corpus, capsys, tmp_path):
    _graph, _nt, store = corpus
    slug, name = CORPUS_COMPANIES[2]
    out = tmp_path / "one.html"
    assert _run(capsys, "view", "--store", str(store), "--company", name, "-o", str(out))[0] == 0
    data = _page_data(out)
    assert [r["company"] for r in data["corpus"]] == [name] * 3
    assert {n["id"] for n in data["nodes"]} == _graph_entities(store, _reports_of(store, slug))
    html = out.read_text(encoding="utf-8")
    assert 'id="view-note" role="status" hidden' in html  # under the budget: everything drawn


def test_build_of_several_reports_writes_the_filtered_view(tmp_path):
    """`csrkg build` of two reports: its graph.html has the report filter, each node tagged with its reports."""
    out = tmp_path / "out"
    inputs = [str(REPORTS / "cpic-2024-csr.txt"), str(REPORTS / "picc-2024-csr.txt")]
    assert main(["build", *inputs, "-o", str(out), "--quiet"]) == 0
    data = _page_data(out / "graph.html")
    assert [r["label"] for r in sorted(data["corpus"], key=lambda r: r["label"])] == ["cpic-2024-csr", "picc-2024-csr"]
    assert all(r["year"] == "2024" and r["company"] for r in data["corpus"])
    assert all(n["r"] for n in data["nodes"])
    assert len({i for n in data["nodes"] for i in n["r"]}) == 2
    assert 'id="filter-company"' in (out / "graph.html").read_text(encoding="utf-8")

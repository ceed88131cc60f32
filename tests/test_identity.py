"""One entity across reports: one IRI per organisation, never two full names merged by a short name."""
from __future__ import annotations

from pathlib import Path

import pytest
from rdflib import RDFS, URIRef
from rdflib.namespace import SKOS

from kg.cli import main
from kg.graphfile import load_graph
from kg.identity import SAME_NAME, SHORT_NAME, EntityNames, find_links, name_key
from kg.query import find_query, run_query
from kg.store import open_store
from kg.vocab import CSR, RES


def _e(key: str, label: str, *aliases: str) -> EntityNames:
    return EntityNames(RES[key], key.split("/")[0], label, set(aliases))


def test_a_short_name_joins_the_one_full_name_that_carries_it() -> None:
    full = _e("org/1", "青禾银行股份有限公司", "青禾银行")
    short = _e("org/2", "青禾银行")
    assert find_links([full, short]) == {short.iri: full.iri}


def test_a_short_name_of_two_full_names_merges_nothing() -> None:
    one = _e("org/1", "远川科技股份有限公司", "远川")
    two = _e("org/2", "远川科技集团有限公司", "远川")
    short = _e("org/3", "远川")
    assert find_links([one, two, short]) == {}


def test_a_full_name_is_never_merged_by_an_alias() -> None:
    bigger = _e("org/1", "青禾银行股份有限公司北京分行", "青禾银行股份有限公司")
    full = _e("org/2", "青禾银行股份有限公司")
    assert find_links([bigger, full]) == {}


def test_names_equal_up_to_width_and_spaces_are_one() -> None:
    a = _e("org/1", "澄江保险（集团）股份有限公司")
    b = _e("org/2", "澄江保险(集团)股份有限公司")
    assert name_key(a.label) == name_key(b.label)
    assert find_links([b, a]) == {b.iri: a.iri}


def test_awards_join_by_equal_names_only_and_kinds_never_mix() -> None:
    award = _e("award/1", "年度责任品牌奖", "责任品牌奖")
    short_award = _e("award/2", "责任品牌奖")
    fund = _e("fund/1", "青禾银行")  # a fund named like an organisation's alias stays a fund
    org = _e("org/1", "青禾银行股份有限公司", "青禾银行")
    assert find_links([award, short_award, fund, org]) == {}


REPORT_A_2023 = """青禾银行股份有限公司
2023年社会责任报告
青禾银行股份有限公司（以下简称“青禾银行”或“本行”）是一家区域性商业银行。
2023年，本行与远川科技股份有限公司签署战略合作协议，共同推进普惠金融。
"""
REPORT_A_2024 = """青禾银行股份有限公司
2024年社会责任报告
青禾银行股份有限公司（以下简称“青禾银行”或“本行”）是一家区域性商业银行。
2024年，本行与澄江证券股份有限公司签署战略合作协议，共同推进普惠金融。
本行运营青禾颐养社区，为周边老人提供服务。
"""
REPORT_B_2024 = """澄江证券股份有限公司
2024年社会责任报告
澄江证券股份有限公司（以下简称“公司”）坚持服务实体经济。
2024年，公司与青禾银行签署战略合作协议，共同服务乡村振兴。
公司与远川科技股份有限公司联合举办金融科技论坛。
"""


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """Three reports built one at a time into a store, and the same three built together into one file."""
    base = tmp_path_factory.mktemp("identity")
    files = []
    for name, text in (("qinghe-2023", REPORT_A_2023), ("chengjiang-2024", REPORT_B_2024), ("qinghe-2024", REPORT_A_2024)):
        path = base / f"{name}.txt"
        path.write_text(text, encoding="utf-8")
        files.append(path)
    store = base / "store"
    for path in files:  # incremental: the link is made when the later report arrives
        assert main(["build", str(path), "-o", str(base / "out" / path.stem), "--store", str(store), "-q", "--no-html"]) == 0
    assert main(["build", *map(str, files), "-o", str(base / "together"), "-q", "--no-html"]) == 0
    return store, base / "together" / "graph.ttl"


def _org_iris(graph, label: str) -> set[URIRef]:
    return {s for s in graph.subjects(RDFS.label, None) if str(graph.value(s, RDFS.label)) == label}


def test_one_iri_for_the_bank_in_the_store_and_in_one_file(corpus: tuple[Path, Path]) -> None:
    store_dir, together = corpus
    with open_store(store_dir, read_only=True) as store:
        union = store.union_graph()
    for graph in (union, load_graph(together)):
        bank = _org_iris(graph, "青禾银行股份有限公司")
        assert len(bank) == 1
        (iri,) = bank
        assert not _org_iris(graph, "青禾银行"), "the short-name node is gone"
        assert "青禾银行" in {str(a) for a in graph.objects(iri, SKOS.altLabel)}
        assert len(set(graph.objects(iri, CSR.mentionedIn))) == 3  # each report keeps its own mention
        reasons = {str(graph.value(m, CSR.mergeReason)) for m in graph.subjects(CSR.mergedInto, iri)}
        assert SHORT_NAME in reasons and SAME_NAME not in reasons


def test_reports_carry_company_year_and_hash(corpus: tuple[Path, Path]) -> None:
    graph = load_graph(corpus[1])
    years = {str(graph.value(r, RDFS.label)): str(graph.value(r, CSR.reportYear)) for r in graph.subjects(CSR.checksum, None)}
    assert years == {"qinghe-2023": "2023", "qinghe-2024": "2024", "chengjiang-2024": "2024"}
    for report in graph.subjects(CSR.checksum, None):
        assert len(str(graph.value(report, CSR.checksum))) == 64
        assert graph.value(report, CSR.reportingOrganization) is not None


def _rows(target, name: str) -> set[tuple[str, ...]]:
    result = run_query(target, find_query(name)[0])
    return {tuple(str(v) for v in row) for row in result.rows}


def test_corpus_queries_answer_alike_on_the_store_and_the_file(corpus: tuple[Path, Path]) -> None:
    store_dir, together = corpus
    graph = load_graph(together)
    with open_store(store_dir, read_only=True) as store:
        for name in ("shared-partners", "year-over-year", "awards-by-issuer"):
            assert _rows(store, name) == _rows(graph, name), name
    shared = {(r[1], r[2], r[4]) for r in _rows(graph, "shared-partners")}
    assert shared == {("远川科技股份有限公司", "2", "青禾银行股份有限公司"), ("远川科技股份有限公司", "2", "澄江证券股份有限公司")}
    changes = {(r[1], r[2], r[4], r[5]) for r in _rows(graph, "year-over-year")}
    assert changes == {
        ("2024", "partner", "澄江证券股份有限公司", "new"),
        ("2024", "partner", "远川科技股份有限公司", "dropped"),
        ("2024", "community", "青禾颐养社区", "new"),
    }

"""``csrkg evaluate`` and ``kg.evaluate``: the matching rules on small hand-made gold/graph pairs (invented
companies), with the expected figures worked out by hand, and the command line's output and errors."""
from __future__ import annotations

import json
from pathlib import Path

import pytest
from rdflib import Graph

from kg.cli import main
from kg.evaluate import (
    PRF,
    evaluate,
    load_gold,
    load_graph_with_ontology,
    names_match_fuzzily,
    normalize_name,
)
from kg.vocab import ONTOLOGY_FILE

DATA = Path(__file__).parent / "data"
GOLD_FILE = DATA / "eval_gold.json"
GRAPH_FILE = DATA / "eval_graph.ttl"

PREFIXES = """
@prefix csr:  <https://w3id.org/csr-kg/ontology#> .
@prefix r:    <https://w3id.org/csr-kg/resource/t/> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
"""


def turtle(body: str) -> Graph:
    return Graph().parse(data=PREFIXES + body, format="turtle")


def gold(entities: list[tuple], relations: list[tuple] = (), **attrs: dict) -> dict:
    """A gold annotation from (name, types[, aliases]) and (s, p, o[, certain]) tuples; ``attrs`` by name."""
    ents = []
    for name, types, *aliases in entities:
        ents.append({"name": name, "types": types, "aliases": aliases[0] if aliases else [], **attrs.get(name, {})})
    rels = []
    for s, p, o, *certain in relations:
        rel = {"s": s, "p": p, "o": o, "line": 1, "evidence": "…"}
        rels.append({**rel, "certain": certain[0]} if certain else rel)
    return {"entities": ents, "relations": rels}


def counts(prf: PRF) -> tuple[int, int, int]:
    return prf.tp, prf.fp, prf.fn


# --- the hand-made pair: every rule at once --------------------------------------------------------------


@pytest.fixture(scope="module")
def result():
    return evaluate(load_graph_with_ontology(GRAPH_FILE), load_gold(GOLD_FILE))


def test_entity_figures(result) -> None:
    got = {cls: counts(prf) for cls, prf in result.entities.items()}
    assert got == {
        "Company": (3, 2, 0),  # group, life, bank; life2 (a duplicate of life) and 蓝海物流 are false positives
        "Subsidiary": (1, 1, 0),  # life; life2 again
        "Fund": (2, 0, 0),
        "Partner": (2, 0, 0),  # bank, and 绿洲公益基金会 inside 绿洲公益基金会北京 (7/9 >= 60 %)
        "Community": (2, 0, 0),
        "Award": (2, 1, 1),  # 卓越服务奖 (leading year), 先进奖 ~ 先锋奖 (16/18 >= 0.85); 最佳雇主奖 FP; 绿色金融示范奖 FN
        "micro": (12, 4, 1),
    }
    micro = result.entities["micro"]
    assert (micro.precision, micro.recall, micro.f1) == (0.75, 0.9231, 0.8276)  # 12/16, 12/13, 2PR/(P+R)
    assert result.entities["Award"].to_dict() == {
        "tp": 2, "fp": 1, "fn": 1, "precision": 0.6667, "recall": 0.6667, "f1": 0.6667,
    }


def test_relation_figures(result) -> None:
    got = {p: counts(prf) for p, prf in result.relations.items()}
    assert got == {
        "subsidiaryOf": (1, 0, 0),  # life and its duplicate both state the one gold triple: counted once
        "shareholderOf": (1, 0, 0),
        "partnerOf": (1, 1, 1),  # reversed direction matches; 蓝海物流 end unresolved; 绿洲 partnership missed
        "sponsorOf": (1, 0, 0),
        "investsIn": (0, 0, 0),  # both gold investsIn are "certain": false: ignored, found or not
        "operates": (1, 1, 0),  # operating 晨光社区 is not in the gold
        "serves": (1, 0, 0),
        "receivedAward": (2, 0, 0),  # award ends matched fuzzily
        "awardedBy": (1, 0, 0),  # 未来财经报社 is of no scored class, resolved by its name
        "micro": (9, 2, 1),
    }
    micro = result.relations["micro"]
    assert (micro.precision, micro.recall, micro.f1) == (0.8182, 0.9, 0.8571)


def test_attribute_figures(result) -> None:
    got = {k: (a.correct, a.total) for k, a in result.attributes.items()}
    # 锦江: 成都 inside 成都市, operated; 晨光: 重庆 is wrong, served; sizes: 3.01e9 within 1 %, 6e8 is 20 % off
    assert got == {"city": (1, 2), "kind": (2, 2), "size_cny": (1, 2), "all": (4, 6)}
    assert result.attribute_accuracy == 0.6667


def test_errors_name_the_mistakes(result) -> None:
    assert sorted(result.errors["FP Company"]) == ["星河人寿", "蓝海物流有限公司"]
    assert result.errors["FN Award"] == ["绿色金融示范奖"]
    assert result.errors["FN partnerOf"] == ["星河保险集团有限责任公司 -> 绿洲公益基金会"]
    assert result.errors["FP partnerOf"] == ["蓝海物流有限公司 -> 星河保险/星河保险集团有限责任公司 (unresolved)"]
    assert result.errors["FP operates"] == ["星河保险集团有限责任公司 -> 晨光社区"]
    assert result.errors["attr city"] == ["晨光社区: want 成都, got ['重庆']"]
    assert result.errors["FN Fund"] == []
    assert "FN investsIn" in result.errors and result.errors["FN investsIn"] == []


def test_to_dict_is_plain_json(result) -> None:
    data = json.loads(json.dumps(result.to_dict(), ensure_ascii=False))
    assert list(data) == ["entities", "relations", "errors", "attributes"]
    assert data["entities"]["micro"]["f1"] == 0.8276
    assert data["attributes"]["all"] == {"correct": 4, "total": 6, "accuracy": 0.6667}


# --- the rules one by one --------------------------------------------------------------------------------


def test_normalize_name() -> None:
    assert normalize_name("《星河》人寿（ＡＢＣ）") == "星河人寿abc"
    assert normalize_name("星河的家•成都 锦江社区") == "星河的家·成都锦江社区"
    assert normalize_name("“Xinghe Life”") == "xinghelife"


@pytest.mark.parametrize(
    ("a", "b", "match"),
    [
        ("2023年度卓越服务奖", "卓越服务奖", True),  # leading year optional
        ("2023卓越服务奖", "2024年卓越服务奖", True),
        ("星河人寿", "星河人寿保险", True),  # 4/6 >= 60 %
        ("星河人寿", "星河人寿保险公司", False),  # 4/8 < 60 %, similarity 0.67
        ("金融服务创新先锋奖", "金融服务创新先进奖", True),  # similarity 16/18
        ("金融服务创新先锋奖", "金融服务创意先进奖", False),  # similarity 14/18
        ("星河", "星河", True),  # short names: equal only
        ("星河", "星河人", False),
    ],
)
def test_fuzzy_name_rules(a: str, b: str, match: bool) -> None:
    assert names_match_fuzzily(a, b) is match
    assert names_match_fuzzily(b, a) is match


def test_alias_match_is_exact() -> None:
    g = turtle('r:x a csr:Company ; rdfs:label "远山物流集团"@zh ; skos:altLabel "青松银行"@zh .')
    res = evaluate(g, gold([("青松银行股份有限公司", ["Company"], ["青松银行"])]))
    assert counts(res.entities["Company"]) == (1, 0, 0)
    # without the alias, 青松银行 covers only 4/10 of the gold name: no match
    res = evaluate(g, gold([("青松银行股份有限公司", ["Company"])]))
    assert counts(res.entities["Company"]) == (0, 1, 1)


def test_exact_matches_are_taken_before_fuzzy_ones() -> None:
    # r:a sorts first and would match fuzzily (6/7), but r:b matches exactly and keeps the gold fund
    g = turtle(
        'r:a a csr:Fund ; rdfs:label "星河康养基金一"@zh ; csr:sizeCNY 1.0 .\n'
        'r:b a csr:Fund ; rdfs:label "星河康养基金"@zh ; csr:sizeCNY 800000000.0 .'
    )
    res = evaluate(g, gold([("星河康养基金", ["Fund"])], **{"星河康养基金": {"size_cny": 800000000}}))
    assert counts(res.entities["Fund"]) == (1, 1, 0)
    assert res.errors["FP Fund"] == ["星河康养基金一"]
    assert (res.attributes["size_cny"].correct, res.attributes["size_cny"].total) == (1, 1)


def test_duplicate_nodes_are_false_positives() -> None:
    g = turtle('r:a a csr:Award ; rdfs:label "卓越服务奖"@zh .\nr:b a csr:Award ; rdfs:label "卓越服务奖"@zh .')
    res = evaluate(g, gold([("卓越服务奖", ["Award"])]))
    assert counts(res.entities["Award"]) == (1, 1, 0)
    assert res.entities["Award"].precision == 0.5


def test_classes_through_subclass_axioms() -> None:
    g = turtle('r:a a csr:Subsidiary ; rdfs:label "星河人寿"@zh .')
    g_gold = gold([("星河人寿", ["Company", "Subsidiary"])])
    assert counts(evaluate(g, g_gold).entities["Company"]) == (0, 0, 1)
    ontology = Graph().parse(ONTOLOGY_FILE, format="turtle")
    assert counts(evaluate(g, g_gold, ontology=ontology).entities["Company"]) == (1, 0, 0)


def test_partner_of_is_symmetric_other_relations_are_not() -> None:
    g = turtle(
        'r:a a csr:Company ; rdfs:label "星河保险"@zh .\nr:b a csr:Company ; rdfs:label "青松银行"@zh .\n'
        'r:f a csr:Fund ; rdfs:label "远山科创基金"@zh .\n'
        "r:a csr:partnerOf r:b .\nr:f csr:sponsorOf r:a ."
    )
    entities = [("星河保险", ["Company"]), ("青松银行", ["Company"]), ("远山科创基金", ["Fund"])]
    res = evaluate(g, gold(entities, [("青松银行", "partnerOf", "星河保险"), ("星河保险", "sponsorOf", "远山科创基金")]))
    assert counts(res.relations["partnerOf"]) == (1, 0, 0)
    assert counts(res.relations["sponsorOf"]) == (0, 1, 1)


def test_uncertain_relations_are_ignored() -> None:
    g = turtle(
        'r:a a csr:Company ; rdfs:label "星河保险"@zh .\nr:f a csr:Fund ; rdfs:label "远山科创基金"@zh .\n'
        'r:h a csr:Fund ; rdfs:label "青松成长基金"@zh .\n'
        "r:a csr:investsIn r:f ."
    )
    entities = [("星河保险", ["Company"]), ("远山科创基金", ["Fund"]), ("青松成长基金", ["Fund"])]
    uncertain = [("星河保险", "investsIn", "远山科创基金", False), ("星河保险", "investsIn", "青松成长基金", False)]
    assert counts(evaluate(g, gold(entities, uncertain)).relations["investsIn"]) == (0, 0, 0)
    # the same triple annotated once certain and once not is certain
    both = [("星河保险", "investsIn", "远山科创基金", True), *uncertain]
    assert counts(evaluate(g, gold(entities, both)).relations["investsIn"]) == (1, 0, 0)
    # and without the annotations the triple is a plain false positive
    assert counts(evaluate(g, gold(entities)).relations["investsIn"]) == (0, 1, 0)


def test_relation_ends_resolve_through_their_entity_match_first() -> None:
    # r:f wrongly carries the group's short name too; as a Fund it matched the fund, and that decides
    g = turtle(
        'r:a a csr:Company ; rdfs:label "星河保险集团"@zh .\n'
        'r:f a csr:Fund ; rdfs:label "星河康养基金"@zh ; skos:altLabel "星河集团"@zh .\n'
        "r:a csr:sponsorOf r:f ."
    )
    entities = [("星河保险集团", ["Company"], ["星河集团"]), ("星河康养基金", ["Fund"])]
    res = evaluate(g, gold(entities, [("星河保险集团", "sponsorOf", "星河康养基金")]))
    assert counts(res.relations["sponsorOf"]) == (1, 0, 0)


def test_attributes_only_for_found_entities_and_literal_city() -> None:
    g = turtle(
        'r:c a csr:Community ; rdfs:label "晨光社区"@zh ; csr:locatedIn "成都市锦江区" ; csr:communityKind "Served" .\n'
        'r:f a csr:Fund ; rdfs:label "远山科创基金"@zh ; csr:sizeCNY 505000000.0 .\n'
        'r:g a csr:Fund ; rdfs:label "青松成长基金"@zh ; csr:sizeCNY 101500000.0 .'
    )
    attrs = {
        "晨光社区": {"city": "成都", "kind": "served"},
        "远山科创基金": {"size_cny": 500000000},  # 505000000 is exactly 1 % off: right
        "青松成长基金": {"size_cny": 100000000},  # 1.5 % off: wrong
        "白云社区": {"city": "北京", "kind": "operated"},  # not found: not counted
    }
    ents = [("晨光社区", ["Community"]), ("远山科创基金", ["Fund"]), ("青松成长基金", ["Fund"]), ("白云社区", ["Community"])]
    res = evaluate(g, gold(ents, **attrs))
    got = {k: (a.correct, a.total) for k, a in res.attributes.items()}
    assert got == {"city": (1, 1), "kind": (1, 1), "size_cny": (1, 2), "all": (3, 4)}


def test_empty_graph_scores_zero() -> None:
    res = evaluate(Graph(), gold([("星河保险", ["Company"])], [("星河保险", "partnerOf", "星河保险")]))
    assert counts(res.entities["micro"]) == (0, 0, 1)
    assert counts(res.relations["micro"]) == (0, 0, 1)
    assert (res.entity_f1, res.relation_f1, res.attribute_accuracy) == (0.0, 0.0, 0.0)


# --- the command line ------------------------------------------------------------------------------------


def run_cli(capsys, *argv: str) -> tuple[int, str, str]:
    code = main(["evaluate", *argv])
    out, err = capsys.readouterr()
    return code, out, err


def test_cli_text_report(capsys) -> None:
    code, out, err = run_cli(capsys, str(GRAPH_FILE), "--gold", str(GOLD_FILE))
    assert (code, err) == (0, "")
    lines = out.splitlines()
    assert lines[0].split() == ["entities", "P", "R", "F1", "tp/fp/fn"]
    assert "  Company       0.600  1.000  0.750  3/2/0" in lines
    assert "  partnerOf     0.500  0.500  0.500  1/1/1" in lines
    assert "  all           0.667     4/6" in lines
    assert lines[-1] == "entity_f1=0.828 relation_f1=0.857 attribute_acc=0.667"
    assert "FP Company" not in out


def test_cli_show_errors(capsys) -> None:
    code, out, _ = run_cli(capsys, str(GRAPH_FILE), "--gold", str(GOLD_FILE), "--show-errors", "1")
    assert code == 0
    assert "\nFP Company (2):\n    " in out
    block = out.split("FP Company (2):\n")[1].split("\n\n")[0]
    assert len(block.strip().splitlines()) == 1  # at most N items per kind
    assert "FN Fund" not in out  # empty kinds are not listed


def test_cli_json(capsys) -> None:
    code, out, _ = run_cli(capsys, str(GRAPH_FILE), "--gold", str(GOLD_FILE), "--json")
    assert code == 0
    data = json.loads(out)
    assert data["relations"]["micro"] == {"tp": 9, "fp": 2, "fn": 1, "precision": 0.8182, "recall": 0.9, "f1": 0.8571}
    assert data["errors"]["FN Award"] == ["绿色金融示范奖"]


def test_cli_ontology_options(capsys, tmp_path: Path) -> None:
    graph = tmp_path / "g.ttl"
    graph.write_text(PREFIXES + 'r:a a csr:Subsidiary ; rdfs:label "星河人寿"@zh .\n', encoding="utf-8")
    gold_file = tmp_path / "gold.json"
    gold_file.write_text(json.dumps(gold([("星河人寿", ["Company", "Subsidiary"])]), ensure_ascii=False), encoding="utf-8")
    # the bundled ontology by default: Subsidiary ⊑ Company
    code, out, _ = run_cli(capsys, str(graph), "--gold", str(gold_file), "--json")
    assert code == 0 and json.loads(out)["entities"]["Company"]["tp"] == 1
    code, out, _ = run_cli(capsys, str(graph), "--gold", str(gold_file), "--json", "--no-ontology")
    assert code == 0 and json.loads(out)["entities"]["Company"]["tp"] == 0
    code, out, _ = run_cli(capsys, str(graph), "--gold", str(gold_file), "--json", "--ontology", str(ONTOLOGY_FILE))
    assert code == 0 and json.loads(out)["entities"]["Company"]["tp"] == 1


BAD_GOLDS = {
    "missing": None,
    "not json": "{ this is not json",
    "no entities": json.dumps({"relations": []}),
    "entity without name": json.dumps({"entities": [{"types": ["Company"]}], "relations": []}),
    "size as text": json.dumps({"entities": [{"name": "远山基金", "types": ["Fund"], "size_cny": "5亿"}], "relations": []}),
    "relation without object": json.dumps({"entities": [], "relations": [{"s": "a", "p": "partnerOf"}]}),
}
BAD_GOLD_CODES = {"missing": "E050", "not json": "E054"}  # the rest: E055, an invalid annotation


@pytest.mark.parametrize("case", sorted(BAD_GOLDS))
def test_cli_bad_gold(capsys, tmp_path: Path, case: str) -> None:
    gold_file = tmp_path / "gold.json"
    if BAD_GOLDS[case] is not None:
        gold_file.write_text(BAD_GOLDS[case], encoding="utf-8")
    code, out, err = run_cli(capsys, str(GRAPH_FILE), "--gold", str(gold_file))
    assert code == 2
    assert out == ""
    assert err.startswith(f"csrkg: error: [{BAD_GOLD_CODES.get(case, 'E055')}] ")
    assert str(gold_file) in err
    assert err.count("\n") == 1


@pytest.mark.parametrize("case", ["missing graph", "bad turtle", "missing ontology"])
def test_cli_bad_graph(capsys, tmp_path: Path, case: str) -> None:
    graph, extra = GRAPH_FILE, []
    if case == "missing graph":
        graph = tmp_path / "nope.ttl"
    elif case == "bad turtle":
        graph = tmp_path / "bad.ttl"
        graph.write_text(PREFIXES + "csr:a csr:b \n\n csr:c csr:d .", encoding="utf-8")
    else:
        extra = ["--ontology", str(tmp_path / "none.ttl")]
    code, out, err = run_cli(capsys, str(graph), "--gold", str(GOLD_FILE), *extra)
    assert code == 2
    assert out == ""
    assert err.startswith(("csrkg: error: [E050]", "csrkg: error: [E052]")) and err.count("\n") == 1


def test_cli_negative_show_errors(capsys) -> None:
    code, _, err = run_cli(capsys, str(GRAPH_FILE), "--gold", str(GOLD_FILE), "--show-errors", "-1")
    assert code == 2 and "--show-errors" in err


def test_cli_on_the_sample_build(capsys, sample_build: Path, sample_gold_path: Path) -> None:
    """The command and the library agree on a real build; the summary line is the last one."""
    code, out, err = run_cli(capsys, str(sample_build / "graph.ttl"), "--gold", str(sample_gold_path))
    assert (code, err) == (0, "")
    result = evaluate(load_graph_with_ontology(sample_build / "graph.ttl", ONTOLOGY_FILE), load_gold(sample_gold_path))
    assert out.splitlines()[-1] == (
        f"entity_f1={result.entity_f1:.3f} relation_f1={result.relation_f1:.3f} "
        f"attribute_acc={result.attribute_accuracy:.3f}"
    )
    assert result.entities["micro"].tp > 0 and result.relations["micro"].tp > 0

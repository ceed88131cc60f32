"""kg.query and `csrkg query` / `csrkg queries`: lookup, both engines, the four output formats, errors."""
from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
from rdflib import BNode, Literal, URIRef
from rdflib.namespace import XSD
from rdflib.query import Result

from kg.cli import main
from extract.errors import InputError
from kg.graphfile import load_graph
from kg.textwidth import display_width
from kg.query import (
    QueryResult,
    find_query,
    format_result,
    library,
    parse_json_result,
    run_query,
)
from kg.store import open_store

DATA = Path(__file__).parent / "data"
MINI = DATA / "store_mini.ttl"
P = "PREFIX csr: <https://w3id.org/csr-kg/ontology#>\nPREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>\n"
LABELS = P + "SELECT ?s ?label WHERE { ?s a csr:Organization ; rdfs:label ?label } ORDER BY ?label"

# a result with every kind of term, including awkward text
TRICKY = QueryResult(
    "select",
    ["iri", "text", "number", "blank"],
    [
        (URIRef("https://example.org/a"), Literal("长青, \"集团\"", lang="zh"), Literal("12.5", datatype=XSD.decimal), BNode("b1")),
        (URIRef("https://example.org/b"), Literal("two\tcols\nand lines"), None, None),
        (URIRef("https://example.org/c"), Literal("2024-05", datatype=XSD.gYearMonth), Literal("7", datatype=XSD.integer), None),
    ],
)


def test_find_query_by_name_file_and_errors(tmp_path: Path) -> None:
    text, where = find_query("awards")
    assert where.endswith("queries/awards.rq") and "receivedAward" in text
    assert find_query("awards.rq")[0] == text
    own = tmp_path / "mine.rq"
    own.write_text("ASK { ?s ?p ?o }", encoding="utf-8")
    assert find_query(str(own)) == ("ASK { ?s ?p ?o }", str(own))
    with pytest.raises(InputError, match=r"\[E056\] .*'nope'"):
        find_query("nope")
    with pytest.raises(InputError, match=r"\[E056\] .*-e"):
        find_query("SELECT * WHERE { ?s ?p ?o }")


def test_both_engines_give_the_same_rows(tmp_path: Path) -> None:
    graph = load_graph(MINI)
    with open_store(tmp_path / "s") as store:
        store.put_report(graph)
        a, b = run_query(graph, LABELS), run_query(store, LABELS)
    assert a.variables == b.variables == ["s", "label"]
    assert a.rows == b.rows and len(a) == 7
    assert a.rows[0][1] == Literal("东川银行", lang="zh")


def test_ask_and_construct() -> None:
    graph = load_graph(MINI)
    assert run_query(graph, P + "ASK { ?f a csr:Fund }").boolean is True
    built = run_query(graph, P + "CONSTRUCT { ?s rdfs:label ?l } WHERE { ?s a csr:Fund ; rdfs:label ?l }")
    assert built.kind == "graph" and len(built.graph()) == 1
    assert "长青康养产业基金" in format_result(built, "ttl")
    with pytest.raises(InputError, match=r"\[E060\]"):
        format_result(run_query(graph, LABELS), "ttl")


def test_syntax_error_is_an_input_error() -> None:
    with pytest.raises(InputError, match=r"\[E058\]"):
        run_query(load_graph(MINI), "SELECT ?s WHERE { ?s ?p }")


def test_display_width_counts_wide_characters() -> None:
    assert display_width("ab") == 2
    assert display_width("长青") == 4
    assert display_width("Ａ·b") == 4  # fullwidth A = 2, middle dot (ambiguous) = 1, b = 1


def test_table_aligns_chinese_and_latin() -> None:
    result = QueryResult("select", ["name", "n"], [(Literal("长青保险集团有限公司"), Literal(1)), (Literal("ab"), Literal(22))])
    lines = format_result(result, "table").splitlines()
    assert lines[-1] == "(2 rows)"
    # the second column starts at the same display column on every line
    starts = {display_width(line[: line.rindex(col)]) for line, col in zip(lines[:1] + lines[2:4], ["n", "1", "22"])}
    assert len(starts) == 1
    cut = format_result(QueryResult("select", ["x"], [(Literal("长" * 50),)]), "table", max_width=10).splitlines()[2]
    assert cut.endswith("…") and display_width(cut) <= 10


def test_csv_follows_the_sparql_csv_format() -> None:
    text = format_result(TRICKY, "csv")
    assert text.startswith("iri,text,number,blank\r\n")
    rows = list(csv.reader(io.StringIO(text, newline="")))
    assert rows[1] == ["https://example.org/a", '长青, "集团"', "12.5", "_:b1"]
    assert rows[2] == ["https://example.org/b", "two\tcols\nand lines", "", ""]
    assert rows[3][1] == "2024-05"


def test_tsv_round_trips_through_rdflib() -> None:
    text = format_result(TRICKY, "tsv")
    assert text.splitlines()[0] == "?iri\t?text\t?number\t?blank"
    parsed = Result.parse(io.StringIO(text), format="tsv")
    rows = [tuple(row) for row in parsed]
    assert rows[0][:3] == TRICKY.rows[0][:3] and isinstance(rows[0][3], BNode)
    assert rows[1][1] == Literal("two\tcols\nand lines") and rows[1][2] is None
    assert rows[2][1] == Literal("2024-05", datatype=XSD.gYearMonth)


def test_json_round_trips_through_rdflib() -> None:
    text = format_result(TRICKY, "json")
    doc = json.loads(text)
    assert doc["head"]["vars"] == TRICKY.variables
    assert doc["results"]["bindings"][0]["text"] == {"type": "literal", "value": '长青, "集团"', "xml:lang": "zh"}
    assert "number" not in doc["results"]["bindings"][1]  # unbound = absent
    back = parse_json_result(text)
    assert back.variables == TRICKY.variables
    assert [r[:3] for r in back.rows] == [r[:3] for r in TRICKY.rows]
    ask = json.loads(format_result(QueryResult("ask", boolean=False), "json"))
    assert ask == {"head": {}, "boolean": False}


def test_real_query_json_round_trip() -> None:
    result = run_query(load_graph(MINI), find_query("funds")[0])
    back = Result.parse(io.StringIO(format_result(result, "json")), format="json")
    assert [tuple(r) for r in back] == result.rows


# --- the CLI --------------------------------------------------------------------------------------------


def test_cli_inline_and_named(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    assert main(["query", str(MINI), "-e", LABELS, "--format", "csv"]) == 0
    out = capsys.readouterr().out
    assert out.splitlines()[1] == "https://w3id.org/csr-kg/resource/org/a00000000005,东川银行"
    assert main(["query", str(MINI), "member-companies"]) == 0
    table = capsys.readouterr().out
    assert "长青人寿" in table and table.rstrip().endswith("(2 rows)")
    assert main(["query", str(MINI), "member-companies.rq", "-f", "json"]) == 0
    assert len(json.loads(capsys.readouterr().out)["results"]["bindings"]) == 2
    store = tmp_path / "s"
    with open_store(store) as s:
        s.put_report(load_graph(MINI))
    assert main(["query", "--store", str(store), "shareholders", "-f", "tsv"]) == 0
    assert "西岭投资控股有限公司" in capsys.readouterr().out


@pytest.mark.parametrize(
    "argv, message",
    [
        (["query", str(MINI), "-e", "SELECT ?s WHERE { ?s ?p }"], "[E058]"),
        (["query", str(MINI), "no-such-query"], "[E056]"),
        (["query", str(DATA / "missing.ttl"), "awards"], "[E050]"),
        (["query", str(MINI)], "[E091]"),
    ],
)
def test_cli_errors_are_one_line(argv: list[str], message: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(argv) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    err = captured.err.strip()
    assert "\n" not in err and err.startswith(f"csrkg: error: {message} ")


def test_cli_store_syntax_error(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    with open_store(tmp_path / "s") as s:
        s.put_report(load_graph(MINI))
    assert main(["query", "--store", str(tmp_path / "s"), "-e", "SELECT ?s WHERE { ?s ?p }"]) == 2
    err = capsys.readouterr().err.strip()
    assert "\n" not in err and "SPARQL syntax error" in err


def test_cli_queries_lists_the_library(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["queries"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert len(lines) == len(library()) >= 14
    assert any(line.startswith("awards ") and "Awards by recipient" in line for line in lines)
    assert main(["queries", "--show", "awards"]) == 0
    assert capsys.readouterr().out.startswith("# title: ")

"""`csrkg evaluate GRAPH --gold GOLD.json`: precision, recall and F1 of a graph against a gold annotation."""
from __future__ import annotations

import argparse
import json
import sys

from extract.errors import Errors, InputError


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "evaluate",
        help="score a graph against a gold annotation (P/R/F1 of entities and relations, attribute accuracy)",
        description="Print precision, recall and F1 per entity class and per relation (and micro totals), and the "
        "accuracy of Community city and kind and Fund size, of GRAPH against a gold annotation. The last line "
        "reads 'entity_f1=… relation_f1=… attribute_acc=…'.",
    )
    p.add_argument("graph", metavar="GRAPH", help="a Turtle file written by 'csrkg build'")
    p.add_argument("--gold", required=True, metavar="GOLD.json", help="the gold annotation (JSON)")
    onto = p.add_mutually_exclusive_group()
    onto.add_argument(
        "--ontology",
        metavar="ONT.ttl",
        help="ontology read with the graph, for rdfs:subClassOf (default: the bundled ontology/csr.ttl)",
    )
    onto.add_argument("--no-ontology", action="store_true", help="read the graph alone")
    p.add_argument("--json", action="store_true", help="print the whole result, errors included, as JSON")
    p.add_argument("--show-errors", type=int, default=0, metavar="N", help="list up to N errors of each kind")
    p.add_argument("--by-rule", action="store_true",
                   help="also print precision and recall of each extraction rule (csr:extractedBy), most used first")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:

    from kg.evaluate import evaluate, format_report, format_rules, load_gold, load_graph_with_ontology
    from kg.vocab import ONTOLOGY_FILE

    if args.show_errors < 0:
        raise InputError(Errors.E090, option="--show-errors", expected="0 or more", value=args.show_errors)
    gold = load_gold(args.gold)
    ontology = None if args.no_ontology else (args.ontology or ONTOLOGY_FILE)
    result = evaluate(load_graph_with_ontology(args.graph, ontology), gold)
    if args.json:
        data = result.to_dict()
        if args.by_rule:
            data["rules"] = [r.to_dict() for r in result.rules.values()]
        sys.stdout.write(json.dumps(data, ensure_ascii=False, indent=1) + "\n")
    else:
        if args.by_rule:
            sys.stdout.write(format_rules(result.rules.values()) + "\n")
        sys.stdout.write(format_report(result, args.show_errors))
    return 0

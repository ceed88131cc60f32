#!/usr/bin/env python3
"""Build every report that has a gold file next to it and score it: one line per report, then the mean.

    python scripts/score_corpus.py tests/data/dev/*.txt [--show-errors N] [--json]

Each REPORT.txt is scored against REPORT.gold.json (the same matching rules as the project's reference
scorer, through ``kg.evaluate``). Used to record first-contact scores of new development reports in
docs/ACCURACY.md and to check that tuning on one report does not lose another.
"""
from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def gold_path(report: Path) -> Path:
    stem = report.name[: -len(".txt")] if report.name.endswith(".txt") else report.stem
    return report.with_name(stem + ".gold.json")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("reports", nargs="+", type=Path)
    parser.add_argument("--show-errors", type=int, default=0, metavar="N")
    parser.add_argument("--json", action="store_true", help="one JSON object per report")
    args = parser.parse_args(argv)

    from kg.minting import add_extraction, new_graph
    from kg.evaluate import evaluate, format_report, load_gold
    from kg.reports import extract_report

    rows = []
    for report in args.reports:
        gold_file = gold_path(report)
        if not gold_file.exists():
            print(f"skip {report}: no {gold_file.name}", file=sys.stderr)
            continue
        graph = new_graph()
        add_extraction(graph, extract_report(report))
        result = evaluate(graph, load_gold(gold_file))
        rows.append((report, result))
        if args.json:
            print(json.dumps({"report": str(report), **result.to_dict()}, ensure_ascii=False))
        elif args.show_errors:
            print(f"== {report}")
            print(format_report(result, args.show_errors))
    if not args.json:
        for report, r in rows:
            print(f"{report.name:48s} entity_f1={r.entity_f1:.3f} relation_f1={r.relation_f1:.3f} "
                  f"attribute_acc={r.attribute_accuracy:.3f}")
        if rows:
            mean_e = sum(r.entity_f1 for _, r in rows) / len(rows)
            mean_r = sum(r.relation_f1 for _, r in rows) / len(rows)
            print(f"{'mean of ' + str(len(rows)):48s} entity_f1={mean_e:.3f} relation_f1={mean_r:.3f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

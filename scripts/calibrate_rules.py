#!/usr/bin/env python3
"""Measure every extraction rule on the annotated development reports and write the confidence table.

    python scripts/calibrate_rules.py            # the bundled sample and every report with gold under tests/data
    python scripts/calibrate_rules.py R1.txt ... # other reports (each next to its R.gold.json)

Writes ``extract/lexicons/rule_precision.tsv``: per rule id and property, the statements that were right (tp)
and wrong (fp) against the gold, the raw precision, and the Laplace-smoothed precision that ``csrkg build``
attaches to each fact as ``csr:confidence``. Run it after changing a rule, and commit the table with the rule.
"""
from __future__ import annotations

import argparse
import sys
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def default_reports() -> list[Path]:
    found = [ROOT / "data" / "samples" / "dajia-2024-csr.txt"]
    for folder in ("reports", "heldout", "dev"):
        found += sorted(p for p in (ROOT / "tests" / "data" / folder).glob("*.txt") if ".gb18030" not in p.name)
    return [p for p in found if p.with_name(p.name[:-4] + ".gold.json").exists()]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("reports", nargs="*", type=Path)
    parser.add_argument("-o", "--output", type=Path, default=ROOT / "extract" / "lexicons" / "rule_precision.tsv")
    args = parser.parse_args(argv)

    from extract.confidence import smoothed
    from kg.minting import add_extraction, new_graph
    from kg.evaluate import evaluate, load_gold
    from kg.reports import extract_report

    reports = args.reports or default_reports()
    totals: dict[tuple[str, str], list[int]] = defaultdict(lambda: [0, 0])
    for report in reports:
        graph = new_graph()
        add_extraction(graph, extract_report(report))
        result = evaluate(graph, load_gold(report.with_name(report.name[:-4] + ".gold.json")))
        for key, score in result.rules.items():
            totals[key][0] += score.tp
            totals[key][1] += score.fp
    lines = [
        f"# Measured precision of each extraction rule over {len(reports)} annotated reports "
        "(scripts/calibrate_rules.py).",
        "# confidence = (tp + 1) / (tp + fp + 2); csrkg build writes it on every statement as csr:confidence.",
        "rule\tproperty\ttp\tfp\tprecision\tconfidence",
    ]
    for (rule, prop), (tp, fp) in sorted(totals.items()):
        precision = round(tp / (tp + fp), 3) if tp + fp else 0.0
        lines.append(f"{rule}\t{prop}\t{tp}\t{fp}\t{precision:.3f}\t{smoothed(tp, fp):.3f}")
    args.output.write_text("\n".join(lines) + "\n", encoding="utf-8")
    print(f"{args.output}: {len(totals)} rules over {len(reports)} reports")
    return 0


if __name__ == "__main__":
    sys.exit(main())

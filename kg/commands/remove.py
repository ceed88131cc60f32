"""`csrkg remove`: drop one report's named graph from a store."""
from __future__ import annotations

import argparse
import sys

EPILOG = """\
REPORT is the report's IRI, its label (the input file stem, e.g. dajia-2024-csr) or its file name.
Entities shared with other reports stay in those reports' graphs.

examples:
  csrkg remove dajia-2024-csr --store kgstore
  csrkg remove https://w3id.org/csr-kg/resource/report/dajia-2024-csr --store kgstore
"""


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "remove",
        help="remove a report from a store",
        description="Remove one report (its whole named graph) from a store.",
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument("report", metavar="REPORT", help="report IRI, label or file name")
    p.add_argument("--store", required=True, metavar="DIR", help="the store directory")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from pathlib import Path

    from extract.errors import Errors, InputError
    from kg.store import open_store

    if not Path(args.store).is_dir():
        raise InputError(Errors.E070, path=args.store)
    with open_store(args.store) as store:
        iri = store.remove_report(args.report)
        print(f"removed {iri}; {len(store.reports())} report(s) left in {args.store}", file=sys.stderr)
    return 0

"""`csrkg stats`: not implemented yet (placeholder so the CLI registry is complete)."""
from __future__ import annotations

import argparse

from kg.errors import CsrKgError


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("stats", help="(not implemented yet)")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    raise CsrKgError("'stats' is not implemented yet")

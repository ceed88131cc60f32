"""The ``csrkg`` command line: thin, it parses arguments and calls the library.

Subcommands are plugins: each module in ``kg.commands`` named in ``COMMANDS`` exposes
``register(subparsers)``, which adds its parser and sets ``func`` to a ``run(args) -> int``.
"""
from __future__ import annotations

import argparse
import importlib
import os
import sys
from collections.abc import Sequence

from kg import __version__
from extract.errors import CsrKgError, one_line

EXIT_INTERNAL = 70  # EX_SOFTWARE (sysexits.h): an internal error, a bug to report

# order = order in --help
COMMANDS: tuple[str, ...] = (
    "build",
    "query",
    "queries",
    "evaluate",
    "stats",
    "view",
    "export",
    "load",
    "remove",
    "serve",
)


def make_parser() -> argparse.ArgumentParser:
    """Build the full parser, with every registered subcommand."""
    parser = argparse.ArgumentParser(
        prog="csrkg",
        description="Turn CSR / ESG reports into an RDF knowledge graph, query it, export it and explore it.",
        epilog="Run 'csrkg COMMAND --help' for the options of one command.",
    )
    parser.add_argument("--version", action="version", version=f"csrkg {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name in COMMANDS:
        module = importlib.import_module(f"kg.commands.{name}")
        module.register(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the console script; returns the process exit code."""
    parser = make_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "func", None):
        parser.print_help(sys.stderr)
        return 2
    try:
        return int(args.func(args) or 0)
    except CsrKgError as err:
        print(f"csrkg: error: {err}", file=sys.stderr)
        return err.exit_code
    except KeyboardInterrupt:
        print("csrkg: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        return 0
    except Exception as err:  # a bug: one line, not a traceback, unless the user asks for it
        if os.environ.get("CSRKG_DEBUG") == "1":
            raise
        print(f"csrkg: internal error: {type(err).__name__}: {one_line(str(err))} "
              "(please report; rerun with CSRKG_DEBUG=1 for the traceback)", file=sys.stderr)
        return EXIT_INTERNAL


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())

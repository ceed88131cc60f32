"""`csrkg serve`: a read-only SPARQL 1.1 Protocol endpoint (see :mod:`kg.serve`)."""
from __future__ import annotations

import argparse
import signal
import sys
from pathlib import Path

from extract.errors import Errors, InputError

DEFAULT_MEMORY_LIMIT_MB = 2048  # = kg.serve.DEFAULT_MEMORY_LIMIT_MB, not imported: the CLI imports kg.serve lazily


def _positive_float(text: str) -> float:
    value = float(text)
    if not value > 0:
        raise argparse.ArgumentTypeError("must be greater than 0")
    return value


def _positive_int(text: str) -> int:
    value = int(text)
    if value < 1:
        raise argparse.ArgumentTypeError("must be at least 1")
    return value


def _megabytes(text: str) -> int:
    value = int(text)
    if value < 0:
        raise argparse.ArgumentTypeError("must be 0 (no limit) or more")
    return value


def _port(text: str) -> int:
    value = int(text)
    if not 0 <= value <= 65535:
        raise argparse.ArgumentTypeError("must be between 0 and 65535 (0 = any free port)")
    return value


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "serve",
        help="serve a graph or a store as a read-only SPARQL endpoint",
        description=(
            "Serve a graph file (Turtle) or an on-disk store as a read-only SPARQL 1.1 Protocol endpoint at "
            "/sparql, with a query page at /. Updates and SERVICE are refused; each query has a time limit, "
            "a memory limit and a row limit (rows beyond it are cut off and the answer carries "
            "X-CSRKG-Truncated: true). A store is reopened after csrkg load, build --store or remove wrote it."
        ),
    )
    source = p.add_mutually_exclusive_group(required=True)
    source.add_argument("graph", nargs="?", metavar="GRAPH_FILE", help="a Turtle graph written by csrkg build")
    source.add_argument("--store", metavar="DIR",
                        help="an on-disk store written by csrkg load (opened read-only, reopened after each write)")
    p.add_argument("--host", default="127.0.0.1", help="address to listen on (default: 127.0.0.1, loopback only)")
    p.add_argument("--port", type=_port, default=7878, help="port (default: 7878; 0 = any free port)")
    p.add_argument("--timeout", type=_positive_float, default=10.0, metavar="SECONDS",
                   help="time limit per query; longer queries are stopped with 503 (default: 10)")
    p.add_argument("--max-rows", type=_positive_int, default=10000, metavar="N",
                   help="at most N result rows (or triples) per answer; more are cut off (default: 10000)")
    p.add_argument("--workers", type=_positive_int, default=2, metavar="N",
                   help="queries evaluated at the same time, one process each (default: 2)")
    p.add_argument("--memory-limit", type=_megabytes, default=DEFAULT_MEMORY_LIMIT_MB, metavar="MB",
                   help="address space of each worker process (RLIMIT_AS), about 200 MB of which it takes before "
                        "any query; a query needing more is stopped with 503 "
                        f"(default: {DEFAULT_MEMORY_LIMIT_MB}; 0 = no limit)")
    p.add_argument("-q", "--quiet", action="store_true", help="do not log each request on stderr")
    p.set_defaults(func=run)


def _raise_interrupt(signum: int, frame: object) -> None:
    raise KeyboardInterrupt


def run(args: argparse.Namespace) -> int:
    from kg.serve import ServeConfig, host_warning, make_server
    from kg.serve_eval import DataSource
    from kg.vocab import ONTOLOGY_FILE

    if args.store:
        store_dir = Path(args.store)
        if not store_dir.is_dir():
            raise InputError(Errors.E070, path=store_dir)
        source = DataSource(store_dir=str(store_dir.resolve()))
    else:
        graph = Path(args.graph)
        if not graph.is_file():
            raise InputError(Errors.E050, path=graph, what="graph")
        source = DataSource(graph_file=str(graph.resolve()), ontology_file=str(ONTOLOGY_FILE) if ONTOLOGY_FILE.is_file() else None)

    warning = host_warning(args.host)
    if warning:
        print(warning, file=sys.stderr)
    config = ServeConfig(
        host=args.host, port=args.port, timeout=args.timeout, max_rows=args.max_rows,
        workers=args.workers, memory_limit_mb=args.memory_limit, quiet=args.quiet,
    )
    server = make_server(source, config)
    signal.signal(signal.SIGTERM, _raise_interrupt)  # stop cleanly (and kill the workers) on SIGTERM too
    print(f"csrkg serve: SPARQL endpoint {server.url}sparql, query page {server.url} (Ctrl-C to stop)",
          file=sys.stderr, flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        print("csrkg serve: stopped", file=sys.stderr)
    finally:
        server.close()
    return 0

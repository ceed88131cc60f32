"""``python -m kg.serve_worker FD``: a `csrkg serve` worker process talking over the socket FD.

:mod:`kg.serve_pool` starts it (with a bootstrap that puts this package first on ``sys.path``).

A module of its own so that the messages it exchanges are pickled as ``kg.serve_eval`` classes (run as
``-m kg.serve_eval``, they would be ``__main__`` classes the parent cannot read).
"""
from __future__ import annotations

import sys
from multiprocessing.connection import Connection

from kg.serve_eval import worker_main


def main(argv: list[str]) -> int:
    if len(argv) != 2 or not argv[1].isdigit():
        print("usage: python -m kg.serve_worker FD (started by csrkg serve)", file=sys.stderr)
        return 2
    worker_main(Connection(int(argv[1])))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))

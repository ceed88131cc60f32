#!/usr/bin/env python3
"""Time one library query on a closed store, our path then raw pyoxigraph; print the result as JSON.

Why a separate process: a pyoxigraph query cannot be interrupted, and some library queries take minutes
on a million triples; the bench kills this process at its timeout and moves on. The store is opened
read-only, so the worker never changes the data the next query sees.

Usage: ``python bench/store_worker.py STORE QUERY.rq REPEAT``; prints ``{"first_ms"}`` (the warm-up
raw run), ``{"ours_ms", "rows"}`` then ``{"raw_ms"}``, one JSON line each.
"""
from __future__ import annotations

import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))


def main(argv: list[str]) -> int:
    from bigstore import _median_ms, raw_query
    from kg.query import run_on_store
    from kg.store import open_store

    store_dir, query_file, repeat = argv[0], argv[1], int(argv[2])
    text = Path(query_file).read_text(encoding="utf-8")
    with open_store(store_dir, read_only=True) as store:
        # a first raw run warms the caches; a slow query (over a second) is timed by that run, and our
        # path then runs once (the cold-cache share of a long query is small)
        first_ms, _ = _median_ms(lambda: raw_query(store.ox, text), 1)
        print(json.dumps({"first_ms": first_ms}), flush=True)
        slow = first_ms > 1000
        ours_ms, result = _median_ms(lambda: run_on_store(store, text), 1 if slow else repeat)
        print(json.dumps({"ours_ms": ours_ms, "rows": len(result)}), flush=True)
        raw_ms = first_ms if slow else _median_ms(lambda: raw_query(store.ox, text), repeat)[0]
        print(json.dumps({"raw_ms": raw_ms}), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

"""Run the whole extractor on a short report written inside a test."""
from __future__ import annotations

from pathlib import Path

from extract.extractor import extract_document
from extract.ingest import read_document
from extract.records import Extraction


def extract_text(tmp_path: Path, text: str, name: str = "snippet.txt") -> Extraction:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return extract_document(read_document(path))


def labels(ex: Extraction, cls: str) -> set[str]:
    return {e.label for e in ex.entities if cls in e.types}


def entity(ex: Extraction, name: str):
    for e in ex.entities:
        if e.label == name or name in e.aliases:
            return e
    raise AssertionError(f"no entity named {name!r}; have {[e.label for e in ex.entities]}")


def triples(ex: Extraction, predicate: str) -> set[tuple[str, str]]:
    by_key = {e.key: e.label for e in ex.entities}
    return {(by_key[f.subject], by_key[f.object]) for f in ex.facts if f.predicate == predicate}

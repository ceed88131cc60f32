"""Read an RDF file the user names: its format from its suffix, every failure one clear error.

One reader for every command (query, export, load, stats, evaluate, serve), so that they accept the same
files and fail the same way.
"""
from __future__ import annotations

from pathlib import Path

from rdflib import Dataset, Graph

from extract.errors import Errors, InputError, one_line

GRAPH_SUFFIXES: dict[str, str] = {
    ".ttl": "turtle",
    ".nt": "nt",
    ".n3": "n3",
    ".nq": "nquads",
    ".trig": "trig",
    ".jsonld": "json-ld",
    ".json": "json-ld",
    ".rdf": "xml",
    ".owl": "xml",
    ".xml": "xml",
}
QUAD_FORMATS = frozenset({"nquads", "trig"})


def load_graph(path: str | Path, what: str = "graph") -> Graph:
    """Parse an RDF file; quad formats give a Dataset queried as the union of its graphs."""
    p = Path(path)
    if not p.is_file():
        raise InputError(Errors.E050, path=p, what=what)
    fmt = GRAPH_SUFFIXES.get(p.suffix.lower())
    if fmt is None:
        raise InputError(Errors.E051, suffix=p.suffix, path=p, known=", ".join(sorted(GRAPH_SUFFIXES)))
    graph: Graph = Dataset(default_union=True) if fmt in QUAD_FORMATS else Graph()
    try:
        graph.parse(p, format=fmt)
    except Exception as err:  # rdflib raises many parser-specific types
        raise InputError(Errors.E052, path=p, fmt=fmt, reason=one_line(str(err))[:300]) from err
    return graph

"""Keep only the facts whose confidence reaches a threshold (``--min-confidence`` of query and export).

A relation triple stays when at least one of its statements has ``csr:confidence >= minimum``; the
statements below the threshold go, and so does a triple left with none. Entities, their names and the
report nodes always stay: a threshold filters what is said about them, not that they are mentioned.
"""
from __future__ import annotations

from decimal import Decimal, InvalidOperation

from rdflib import Graph
from rdflib.namespace import RDF

from extract.registry import RELATIONS
from extract.errors import Errors, InputError
from kg.vocab import CSR


def parse_threshold(text: str) -> float:
    """A threshold from the command line: a number from 0 to 1."""
    try:
        value = Decimal(text)
    except InvalidOperation:
        raise InputError(Errors.E090, option="--min-confidence", expected="a number from 0 to 1", value=repr(text)) from None
    if not Decimal(0) <= value <= Decimal(1):
        raise InputError(Errors.E090, option="--min-confidence", expected="a number from 0 to 1", value=text)
    return float(value)


def drop_low_confidence(graph: Graph, minimum: float) -> Graph:
    """A copy of ``graph`` without the relation triples that no statement of confidence >= ``minimum``
    supports, and without the statements below ``minimum``."""
    low = set()
    supported = set()
    for st in graph.subjects(RDF.type, RDF.Statement):
        value = graph.value(st, CSR.confidence)
        triple = (graph.value(st, RDF.subject), graph.value(st, RDF.predicate), graph.value(st, RDF.object))
        if value is not None and float(value.toPython()) < minimum:
            low.add(st)
        else:
            supported.add(triple)
    relations = {CSR[name] for name in RELATIONS}
    out = Graph()
    for prefix, ns in graph.namespaces():
        out.bind(prefix, ns, override=True)
    for s, p, o in graph:
        if s in low:
            continue
        if p in relations and (s, p, o) not in supported:
            continue
        out.add((s, p, o))
    return out

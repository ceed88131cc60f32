"""RDF terms between rdflib and pyoxigraph, and blank nodes named from content: the pieces the store, the
queries, the exports and the endpoint share (kept here so that none of them imports another for them).

Oxigraph stores numbers by value: ``"3000000000.0"^^xsd:decimal`` comes back as ``"3000000000"^^xsd:decimal``
(the same value, the canonical lexical form). Everything else round-trips exactly.
"""
from __future__ import annotations

import hashlib
import re
from typing import Any

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import XSD

from extract.errors import Errors, InputError

_BNODE_ID = re.compile(r"^[A-Za-z0-9_][A-Za-z0-9_.-]*$")



def to_ox(term: Any) -> Any:
    """Convert an rdflib term to the pyoxigraph term with the same meaning (keeps lang and datatype)."""
    import pyoxigraph as ox

    if isinstance(term, URIRef):
        return ox.NamedNode(str(term))
    if isinstance(term, BNode):
        ident = str(term)
        if not _BNODE_ID.match(ident):  # rdflib accepts ids that N-Triples does not
            ident = "b" + hashlib.sha1(ident.encode("utf-8")).hexdigest()[:16]
        return ox.BlankNode(ident)
    if isinstance(term, Literal):
        if term.language:
            return ox.Literal(str(term), language=term.language)
        if term.datatype is not None:
            return ox.Literal(str(term), datatype=ox.NamedNode(str(term.datatype)))
        return ox.Literal(str(term))
    raise InputError(Errors.E078, kind=type(term).__name__, term=repr(term))


def from_ox(term: Any) -> Any:
    """Convert a pyoxigraph term back to rdflib (``xsd:string`` literals become plain literals, as rdflib parses them)."""
    import pyoxigraph as ox

    if term is None:
        return None
    if isinstance(term, ox.NamedNode):
        return URIRef(term.value)
    if isinstance(term, ox.BlankNode):
        return BNode(term.value)
    if isinstance(term, ox.Literal):
        if term.language:
            return Literal(term.value, lang=term.language)
        datatype = term.datatype.value
        if datatype == str(XSD.string):
            return Literal(term.value)
        return Literal(term.value, datatype=URIRef(datatype))
    if isinstance(term, ox.DefaultGraph):
        return None
    raise InputError(Errors.E078, kind=type(term).__name__, term=repr(term))


def canonical(graph: Graph) -> Graph:
    """``graph`` with blank nodes relabelled from their content, so that two parses serialise alike.

    Parsers give blank nodes fresh random ids; without this an ontology with OWL lists would export to
    different bytes on every run. Graphs without blank nodes are returned as they are.
    """
    from rdflib.compare import to_canonical_graph

    if not any(isinstance(term, BNode) for triple in graph for term in triple):
        return graph
    out = Graph()
    for triple in to_canonical_graph(graph):
        out.add(triple)
    return out

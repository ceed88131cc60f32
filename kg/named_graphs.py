"""One rdflib graph of several reports -> one named graph per report: how a build is stored and exported.

How an rdflib graph is split into report graphs (``split_by_report``), when it holds several reports:

* a triple whose object is a ``csr:Report`` (``csr:mentionedIn R``, ``csr:inReport R``,
  ``prov:wasDerivedFrom R``) goes to R's graph only;
* the report node's own triples go to its graph; a ``rdf:Statement`` goes to the report it
  ``prov:wasDerivedFrom``; a ``csr:Mention`` / ``csr:AliasMerge`` to the report it is ``csr:inReport``;
* an entity's triples (types, labels, attributes) go to every report it is ``csr:mentionedIn``, except a
  link to a provenance node (``csr:hasMention M``), which goes where M goes;
* a direct relation triple ``s p o`` goes to every report one of its statements is derived from
  (else to the reports of ``s``);
* a node with none of these links (a ``csr:Place``, say) inherits the reports of the nodes that point to it;
* whatever is still unassigned goes to every report graph, so that no triple is ever lost.
"""
from __future__ import annotations

from collections import defaultdict
from typing import Any

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import PROV, RDF

from extract.errors import Errors, InputError
from kg.vocab import CSR



def report_nodes(graph: Graph) -> list[URIRef]:
    """The ``csr:Report`` IRIs of ``graph``, sorted."""
    return sorted(r for r in set(graph.subjects(RDF.type, CSR.Report)) if isinstance(r, URIRef))


def split_by_report(graph: Graph) -> dict[URIRef, set[tuple[Any, Any, Any]]]:
    """Assign every triple of ``graph`` to one or more report graphs (the rule is in the module docstring)."""
    reports = report_nodes(graph)
    if not reports:
        raise InputError(Errors.E077)
    report_set = set(reports)
    if len(reports) == 1:
        return {reports[0]: set(graph)}

    owner: dict[Any, set[URIRef]] = defaultdict(set)
    for r in reports:
        owner[r].add(r)
    prov_nodes: set[Any] = set()  # statements, mentions, merges: they belong to exactly their reports
    for link in (PROV.wasDerivedFrom, CSR.inReport, CSR.mentionedIn):
        for node, rep in graph.subject_objects(link):
            if rep in report_set:
                owner[node].add(rep)
                if link != CSR.mentionedIn:
                    prov_nodes.add(node)
    # direct relation triples inherit the reports of the statements that reify them
    stmt_reports: dict[tuple[Any, Any, Any], set[URIRef]] = defaultdict(set)
    for stmt in graph.subjects(RDF.type, RDF.Statement):
        key = (graph.value(stmt, RDF.subject), graph.value(stmt, RDF.predicate), graph.value(stmt, RDF.object))
        stmt_reports[key] |= owner.get(stmt, set())
    # nodes without a report link inherit from the nodes that point to them (places, say)
    direct = {node for node, reps in owner.items() if reps}
    subjects = set(graph.subjects())
    changed = True
    while changed:
        changed = False
        for s, _p, o in graph:
            if isinstance(o, Literal) or o in direct or o not in subjects or not owner.get(s):
                continue
            if not owner[s] <= owner[o]:
                owner[o] |= owner[s]
                changed = True

    parts: dict[URIRef, set[tuple[Any, Any, Any]]] = {r: set() for r in reports}
    for triple in graph:
        s, p, o = triple
        if o in report_set and p != RDF.type:
            targets = {o}
        elif stmt_reports.get(triple):
            targets = stmt_reports[triple]
        elif o in prov_nodes:  # csr:hasMention M goes where M is
            targets = owner[o]
        else:
            targets = owner.get(s) or report_set
        for r in targets:
            parts[r].add(triple)
    return parts

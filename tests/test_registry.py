"""The registry of classes and relations (extract/registry.py) says what ontology/csr.ttl says."""
from __future__ import annotations

from pathlib import Path

import pytest
from rdflib import OWL, RDF, RDFS, Graph, URIRef
from rdflib.collection import Collection

from extract.registry import CLASSES, RELATION_TABLE, SUPERCLASSES, SYMMETRIC_RELATIONS
from kg.vocab import CSR

ONTOLOGY = Path(__file__).resolve().parent.parent / "ontology" / "csr.ttl"
NS = str(CSR._NS)


@pytest.fixture(scope="module")
def ontology() -> Graph:
    return Graph().parse(ONTOLOGY, format="turtle")


def _classes(graph: Graph, node) -> set[str]:
    """A domain or range as class local names: one class, or an owl:unionOf list."""
    if isinstance(node, URIRef):
        return {str(node)[len(NS):]}
    members = graph.value(node, OWL.unionOf)
    return {str(m)[len(NS):] for m in Collection(graph, members)}


@pytest.mark.parametrize("relation", RELATION_TABLE, ids=lambda r: r.name)
def test_relation_domain_range_and_symmetry(ontology: Graph, relation) -> None:
    prop = CSR[relation.name]
    assert (prop, RDF.type, OWL.ObjectProperty) in ontology
    assert _classes(ontology, ontology.value(prop, RDFS.domain)) == set(relation.domain)
    assert _classes(ontology, ontology.value(prop, RDFS.range)) == set(relation.range)
    assert ((prop, RDF.type, OWL.SymmetricProperty) in ontology) == relation.symmetric


def test_every_contract_relation_of_the_ontology_is_registered(ontology: Graph) -> None:
    declared = {str(p)[len(NS):] for p in ontology.subjects(RDF.type, OWL.ObjectProperty) if str(p).startswith(NS)}
    registered = {r.name for r in RELATION_TABLE}
    # the ontology's other object properties are attributes and provenance, not relations between entities
    assert registered <= declared
    assert declared - registered <= {"locatedIn", "mentionedIn", "hasMention", "inReport", "mergedInto",
                                     "reportingOrganization"}
    assert SYMMETRIC_RELATIONS == {r.name for r in RELATION_TABLE if r.symmetric}


@pytest.mark.parametrize("cls", CLASSES, ids=lambda c: c.name)
def test_class_hierarchy(ontology: Graph, cls) -> None:
    assert (CSR[cls.name], RDF.type, OWL.Class) in ontology
    parents = {str(o)[len(NS):] for o in ontology.objects(CSR[cls.name], RDFS.subClassOf) if str(o).startswith(NS)}
    assert parents == ({cls.parent} if cls.parent else set())
    closure = {str(c)[len(NS):] for c in ontology.transitive_objects(CSR[cls.name], RDFS.subClassOf)
               if str(c).startswith(NS)} - {cls.name}
    assert closure == set(SUPERCLASSES.get(cls.name, ()))


def test_every_class_has_a_distinct_style() -> None:
    styles = {(c.color, c.shape) for c in CLASSES}
    assert len(styles) == len(CLASSES)

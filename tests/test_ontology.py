"""The ontology (ontology/csr.ttl) declares exactly the vocabulary of kg/vocab.py, and the SHACL shapes
(ontology/shapes.ttl) accept a graph in the shape of docs/GRAPH.md and reject the ways it can go wrong."""
from __future__ import annotations

from decimal import Decimal

from pathlib import Path

import pytest
from rdflib import BNode, Graph, Literal, Namespace, URIRef
from rdflib.collection import Collection
from rdflib.namespace import OWL, RDF, RDFS, SH, SKOS

from kg.vocab import (
    CSR,
    ENTITY_CLASSES,
    ONTOLOGY_FILE,
    ONTOLOGY_IRI,
    RELATIONS,
    SHAPES_FILE,
    SUPERCLASSES,
    SYMMETRIC_RELATIONS,
)

DATA = Path(__file__).parent / "data"
NS = str(CSR._NS)
RES = "https://w3id.org/csr-kg/resource/"
PROV = "http://www.w3.org/ns/prov#"
# a plain Namespace: rdflib's closed XSD namespace warns when pytest probes module attributes
XSD = Namespace("http://www.w3.org/2001/XMLSchema#")

# object properties of the vocabulary: the relations and the links between nodes; other lower-case terms
# are datatype properties
OBJECT_PROPERTIES = frozenset(RELATIONS) | {
    "locatedIn",
    "mentionedIn",
    "hasMention",
    "inReport",
    "mergedInto",
    "reportingOrganization",
}
OWL_KINDS = (OWL.Class, OWL.ObjectProperty, OWL.DatatypeProperty)


@pytest.fixture(scope="module")
def ontology() -> Graph:
    return Graph().parse(ONTOLOGY_FILE, format="turtle")


@pytest.fixture(scope="module")
def shapes() -> Graph:
    return Graph().parse(SHAPES_FILE, format="turtle")


@pytest.fixture(scope="module")
def valid_graph() -> Graph:
    return Graph().parse(DATA / "shapes_valid.ttl", format="turtle")


def expected_kind(name: str) -> URIRef:
    if name[0].isupper():
        return OWL.Class
    return OWL.ObjectProperty if name in OBJECT_PROPERTIES else OWL.DatatypeProperty


def union_members(g: Graph, node) -> set:
    """The members of an ``owl:unionOf`` list on ``node`` (empty if it has none)."""
    head = g.value(node, OWL.unionOf)
    return set(Collection(g, head)) if head is not None else set()


# --- (a) every vocabulary term is declared, with the right kind and labels ----------------------------------


@pytest.mark.parametrize("name", sorted(CSR.__annotations__))
def test_term_declared_with_kind_and_labels(ontology: Graph, name: str) -> None:
    term = CSR[name]
    kinds = {k for k in OWL_KINDS if (term, RDF.type, k) in ontology}
    assert kinds == {expected_kind(name)}, f"csr:{name} is declared as {kinds}"
    labels = list(ontology.objects(term, RDFS.label))
    langs = sorted(lbl.language for lbl in labels if isinstance(lbl, Literal))
    assert langs == ["en", "zh"], f"csr:{name} needs one rdfs:label @zh and one @en, has {labels}"
    comments = [c for c in ontology.objects(term, RDFS.comment) if isinstance(c, Literal) and c.language == "en"]
    assert comments and all(len(c) > 10 for c in comments), f"csr:{name} needs an rdfs:comment @en"


def test_properties_have_domain_and_range(ontology: Graph) -> None:
    for name in CSR.__annotations__:
        if expected_kind(name) == OWL.Class:
            continue
        assert ontology.value(CSR[name], RDFS.domain) is not None, f"csr:{name} has no rdfs:domain"
        assert ontology.value(CSR[name], RDFS.range) is not None, f"csr:{name} has no rdfs:range"


# --- (b) nothing in the csr: namespace that the vocabulary lacks --------------------------------------------


def test_no_term_outside_vocab(ontology: Graph) -> None:
    used = {str(t) for triple in ontology for t in triple if isinstance(t, URIRef) and str(t).startswith(NS)}
    assert used, "csr.ttl uses no csr: term at all"
    extra = sorted({u[len(NS):] for u in used} - set(CSR.__annotations__))
    assert extra == [], f"csr.ttl uses terms that kg/vocab.py lacks: {extra}"


def test_shapes_use_only_vocab_terms(shapes: Graph) -> None:
    used = {str(t) for triple in shapes for t in triple if isinstance(t, URIRef) and str(t).startswith(NS)}
    assert used, "shapes.ttl refers to no csr: term at all"
    assert {u[len(NS):] for u in used} <= set(CSR.__annotations__)


# --- (c) the contract's classes, relations and axioms --------------------------------------------------------


def test_ontology_header(ontology: Graph) -> None:
    assert (ONTOLOGY_IRI, RDF.type, OWL.Ontology) in ontology
    assert str(ontology.value(ONTOLOGY_IRI, OWL.versionInfo)) == "0.1.0"
    vann = URIRef("http://purl.org/vocab/vann/preferredNamespacePrefix")
    assert str(ontology.value(ONTOLOGY_IRI, vann)) == "csr"
    dct = "http://purl.org/dc/terms/"
    for prop in ("title", "description", "license"):
        assert ontology.value(ONTOLOGY_IRI, URIRef(dct + prop)) is not None, f"no dcterms:{prop}"


def test_contract_classes_and_relations(ontology: Graph) -> None:
    for name in (*ENTITY_CLASSES, "Organization", "Report", "Place"):
        assert (CSR[name], RDF.type, OWL.Class) in ontology, name
    for name in RELATIONS:
        assert (CSR[name], RDF.type, OWL.ObjectProperty) in ontology, name
    symmetric = {str(p)[len(NS):] for p in ontology.subjects(RDF.type, OWL.SymmetricProperty)}
    assert symmetric == set(SYMMETRIC_RELATIONS) == {"partnerOf"}


def test_subclass_axioms_match_vocab(ontology: Graph) -> None:
    assert (CSR.Subsidiary, RDFS.subClassOf, CSR.Company) in ontology
    assert (CSR.Company, RDFS.subClassOf, CSR.Organization) in ontology
    assert (CSR.Partner, RDFS.subClassOf, CSR.Organization) in ontology
    assert (CSR.Report, RDFS.subClassOf, URIRef(PROV + "Entity")) in ontology
    for sub, supers in SUPERCLASSES.items():
        closure = {c for c in ontology.transitive_objects(CSR[sub], RDFS.subClassOf) if str(c).startswith(NS)}
        assert closure - {CSR[sub]} == {CSR[s] for s in supers}, sub
    # the classes that the scorer counts separately must not collapse into each other
    for a in ("Fund", "Community", "Award"):
        assert (CSR[a], RDFS.subClassOf, CSR.Organization) not in ontology


def test_domains_and_ranges(ontology: Graph) -> None:
    assert ontology.value(CSR.subsidiaryOf, RDFS.domain) == CSR.Subsidiary
    assert ontology.value(CSR.subsidiaryOf, RDFS.range) == CSR.Company
    assert union_members(ontology, ontology.value(CSR.investsIn, RDFS.range)) == {CSR.Fund, CSR.Company}
    assert union_members(ontology, ontology.value(CSR.locatedIn, RDFS.domain)) == {CSR.Community, CSR.Organization}
    assert union_members(ontology, ontology.value(CSR.receivedAward, RDFS.domain)) == {CSR.Organization, CSR.Community}
    assert ontology.value(CSR.locatedIn, RDFS.range) == CSR.Place
    assert ontology.value(CSR.sizeCNY, RDFS.range) == XSD.decimal
    assert ontology.value(CSR.amountCNY, RDFS.range) == XSD.decimal
    assert ontology.value(CSR.line, RDFS.range) == XSD.integer
    assert ontology.value(CSR.communityKind, RDFS.range) == XSD.string
    for prop in (CSR.date, CSR.openingDate):
        assert union_members(ontology, ontology.value(prop, RDFS.range)) == {XSD.date, XSD.gYearMonth, XSD.gYear}


def test_alignments_pair_like_with_like(ontology: Graph) -> None:
    """skos:closeMatch links a class to a class and a property to a property (schema.org capitalises classes)."""
    pairs = [(s, o) for s, o in ontology.subject_objects(SKOS.closeMatch) if str(s).startswith(NS)]
    assert len(pairs) >= 6
    for s, o in pairs:
        s_is_class = (s, RDF.type, OWL.Class) in ontology
        o_local = str(o).rsplit("/", 1)[-1].rsplit("#", 1)[-1]
        assert s_is_class == o_local[0].isupper(), f"{s} skos:closeMatch {o} mixes a class and a property"
    assert (CSR.subsidiaryOf, RDFS.subPropertyOf, URIRef("http://www.w3.org/ns/org#subOrganizationOf")) in ontology


# --- (d) SHACL shapes ------------------------------------------------------------------------------------


def validate(data: Graph, shapes: Graph, **kwargs) -> tuple[bool, set[tuple[str, str, str]]]:
    """Run pyshacl; return conformance and the violations as (focus, path, constraint component) local names."""
    import pyshacl

    conforms, report, _ = pyshacl.validate(data, shacl_graph=shapes, **kwargs)
    found = set()
    for result in report.subjects(RDF.type, SH.ValidationResult):
        focus = str(report.value(result, SH.focusNode)).replace(RES, "")
        path = report.value(result, SH.resultPath)
        component = str(report.value(result, SH.sourceConstraintComponent)).split("#")[-1]
        found.add((focus, short(path), component))
    return bool(conforms), found


def short(node) -> str:
    if node is None:
        return ""
    text = str(node)
    for prefix, ns in (("csr:", NS), ("rdfs:", str(RDFS)), ("skos:", str(SKOS)), ("rdf:", str(RDF)), ("prov:", PROV)):
        if text.startswith(ns):
            return prefix + text[len(ns):]
    return text


def copy(g: Graph) -> Graph:
    out = Graph()
    for triple in g:
        out.add(triple)
    return out


def node(path: str) -> URIRef:
    return URIRef(RES + path)


def test_shapes_declare_every_contract_relation(shapes: Graph) -> None:
    targeted = set(shapes.objects(None, SH.targetSubjectsOf))
    assert targeted == {CSR[r] for r in RELATIONS}


def test_valid_graph_conforms(valid_graph: Graph, shapes: Graph, ontology: Graph) -> None:
    assert validate(valid_graph, shapes) == (True, set())
    assert validate(valid_graph, shapes, ont_graph=ontology) == (True, set())
    assert validate(valid_graph, shapes, ont_graph=ontology, inference="rdfs") == (True, set())


def _drop(g: Graph, s, p, o=None) -> Graph:
    g = copy(g)
    assert list(g.triples((s, p, o))), f"fixture lacks {s} {p} {o}"
    g.remove((s, p, o))
    return g


def _add(g: Graph, *triples) -> Graph:
    g = copy(g)
    for t in triples:
        g.add(t)
    return g


def _statement(name: str, s: URIRef, p: URIRef, o: URIRef, line: int = 90) -> list[tuple]:
    st = node(f"statement/{name}")
    return [
        (st, RDF.type, RDF.Statement),
        (st, RDF.subject, s),
        (st, RDF.predicate, p),
        (st, RDF.object, o),
        (st, URIRef(PROV + "wasDerivedFrom"), node("report/xinghe-2023-csr")),
        (st, CSR.evidence, Literal("编造的证据", lang="zh")),
        (st, CSR.line, Literal(line)),
        (st, CSR.extractedBy, Literal("test.fixture-rule")),
        (st, CSR.confidence, Literal(Decimal("0.5"))),
    ]


BANK = node("org/aaaaaaaaaaa3")
GROUP = node("org/aaaaaaaaaaa1")
LIFE = node("org/aaaaaaaaaaa2")
FUND = node("fund/ffffffffff01")
HOME = node("community/cccccccccc01")
AWARD = node("award/dddddddddd01")

INVALID_VARIANTS = {
    "missing label": (
        lambda g: _drop(g, BANK, RDFS.label),
        ("org/aaaaaaaaaaa3", "rdfs:label", "MinCountConstraintComponent"),
    ),
    "two labels": (
        lambda g: _add(g, (AWARD, RDFS.label, Literal("另一个奖", lang="zh"))),
        ("award/dddddddddd01", "rdfs:label", "MaxCountConstraintComponent"),
    ),
    "label without language": (
        lambda g: _add(_drop(g, FUND, RDFS.label), (FUND, RDFS.label, Literal("星河康养产业基金"))),
        ("fund/ffffffffff01", "rdfs:label", "DatatypeConstraintComponent"),
    ),
    "altLabel without language": (
        lambda g: _add(g, (LIFE, SKOS.altLabel, Literal("星河寿险"))),
        ("org/aaaaaaaaaaa2", "skos:altLabel", "DatatypeConstraintComponent"),
    ),
    "statement without evidence": (
        lambda g: _drop(g, node("statement/s02"), CSR.evidence),
        ("statement/s02", "csr:evidence", "MinCountConstraintComponent"),
    ),
    "statement without its rule": (
        lambda g: _drop(g, node("statement/s03"), CSR.extractedBy),
        ("statement/s03", "csr:extractedBy", "MinCountConstraintComponent"),
    ),
    "statement with a confidence above 1": (
        lambda g: _add(_drop(g, node("statement/s04"), CSR.confidence),
                       (node("statement/s04"), CSR.confidence, Literal(Decimal("1.5")))),
        ("statement/s04", "csr:confidence", "MaxInclusiveConstraintComponent"),
    ),
    "statement with line 0": (
        lambda g: _add(_drop(g, node("statement/s05"), CSR.line), (node("statement/s05"), CSR.line, Literal(0))),
        ("statement/s05", "csr:line", "MinInclusiveConstraintComponent"),
    ),
    "statement with a free-text date": (
        lambda g: _add(g, (node("statement/s06"), CSR.date, Literal("2023年春"))),
        ("statement/s06", "csr:date", "OrConstraintComponent"),
    ),
    "statement without report": (
        lambda g: _drop(g, node("statement/s07"), URIRef(PROV + "wasDerivedFrom")),
        ("statement/s07", "prov:wasDerivedFrom", "MinCountConstraintComponent"),
    ),
    "statement of a non-relation": (
        lambda g: _add(
            _drop(g, node("statement/s09"), RDF.predicate),
            (node("statement/s09"), RDF.predicate, CSR.locatedIn),
            (GROUP, CSR.locatedIn, BANK),
        ),
        ("statement/s09", "rdf:predicate", "InConstraintComponent"),
    ),
    "statement of an unasserted triple": (
        lambda g: _add(g, *_statement("x1", BANK, CSR.partnerOf, LIFE)),
        ("statement/x1", "", "SPARQLConstraintComponent"),
    ),
    "bad communityKind": (
        lambda g: _add(_drop(g, HOME, CSR.communityKind), (HOME, CSR.communityKind, Literal("managed"))),
        ("community/cccccccccc01", "csr:communityKind", "InConstraintComponent"),
    ),
    "locatedIn a literal": (
        lambda g: _add(g, (node("community/cccccccccc02"), CSR.locatedIn, Literal("成都"))),
        ("community/cccccccccc02", "csr:locatedIn", "ClassConstraintComponent"),
    ),
    "fund size as a string": (
        lambda g: _add(_drop(g, FUND, CSR.sizeCNY), (FUND, CSR.sizeCNY, Literal("30亿元"))),
        ("fund/ffffffffff01", "csr:sizeCNY", "DatatypeConstraintComponent"),
    ),
    "subsidiaryOf to a Fund": (
        lambda g: _add(g, (LIFE, CSR.subsidiaryOf, FUND), *_statement("x2", LIFE, CSR.subsidiaryOf, FUND)),
        ("org/aaaaaaaaaaa2", "csr:subsidiaryOf", "ClassConstraintComponent"),
    ),
    "subsidiaryOf from a non-member": (
        lambda g: _add(g, (BANK, CSR.subsidiaryOf, GROUP)),
        ("org/aaaaaaaaaaa3", "", "ClassConstraintComponent"),
    ),
    "investsIn an award": (
        lambda g: _add(g, (GROUP, CSR.investsIn, AWARD)),
        ("org/aaaaaaaaaaa1", "csr:investsIn", "OrConstraintComponent"),
    ),
    "receivedAward of a community": (
        lambda g: _add(g, (LIFE, CSR.receivedAward, HOME)),
        ("org/aaaaaaaaaaa2", "csr:receivedAward", "ClassConstraintComponent"),
    ),
    "report without source file": (
        lambda g: _drop(g, node("report/xinghe-2023-csr"), CSR.sourceFile),
        ("report/xinghe-2023-csr", "csr:sourceFile", "MinCountConstraintComponent"),
    ),
    "fund that is also a company": (
        lambda g: _add(g, (FUND, RDF.type, CSR.Organization)),
        ("fund/ffffffffff01", "", "NotConstraintComponent"),
    ),
}


@pytest.mark.parametrize("variant", sorted(INVALID_VARIANTS))
def test_invalid_variant_is_rejected(valid_graph: Graph, shapes: Graph, variant: str) -> None:
    mutate, expected = INVALID_VARIANTS[variant]
    conforms, violations = validate(mutate(valid_graph), shapes)
    assert not conforms
    assert expected in violations, f"{variant}: want {expected}, got {sorted(violations)}"


def test_subclass_axioms_stand_in_for_asserted_superclasses(
    valid_graph: Graph, shapes: Graph, ontology: Graph
) -> None:
    """A graph that states only the most specific class conforms once the ontology supplies rdfs:subClassOf."""
    bare = copy(valid_graph)
    for sub, supers in SUPERCLASSES.items():
        for member in list(bare.subjects(RDF.type, CSR[sub])):
            for sup in supers:
                bare.remove((member, RDF.type, CSR[sup]))
    assert (LIFE, RDF.type, CSR.Company) not in bare
    conforms, violations = validate(bare, shapes)
    assert not conforms  # e.g. the group is only a csr:Company now, and partnerOf wants a csr:Organization
    assert ("org/aaaaaaaaaaa1", "", "ClassConstraintComponent") in violations
    assert validate(bare, shapes, ont_graph=ontology) == (True, set())
    assert validate(bare, shapes, ont_graph=ontology, inference="rdfs") == (True, set())


def test_wrong_relation_still_caught_under_rdfs_inference(valid_graph: Graph, shapes: Graph, ontology: Graph) -> None:
    """RDFS range inference makes the fund a csr:Company; the disjointness shapes report the clash."""
    mutate, _ = INVALID_VARIANTS["subsidiaryOf to a Fund"]
    conforms, violations = validate(mutate(valid_graph), shapes, ont_graph=ontology, inference="rdfs")
    assert not conforms
    assert ("fund/ffffffffff01", "", "NotConstraintComponent") in violations


def test_disjoint_classes_declared(ontology: Graph) -> None:
    groups = [
        set(Collection(ontology, ontology.value(b, OWL.members)))
        for b in ontology.subjects(RDF.type, OWL.AllDisjointClasses)
    ]
    assert any({CSR.Organization, CSR.Fund, CSR.Community, CSR.Award, CSR.Place} <= g for g in groups)
    assert isinstance(next(iter(ontology.subjects(RDF.type, OWL.AllDisjointClasses))), BNode)


def test_sample_build_conforms(sample_graph: Graph, shapes: Graph, ontology: Graph) -> None:
    """The graph that ``csrkg build`` writes for the bundled sample keeps the contract."""
    conforms, violations = validate(sample_graph, shapes, ont_graph=ontology)
    assert conforms, sorted(violations)[:20]

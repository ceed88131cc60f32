"""The one source of truth for the csr-kg vocabulary.

Every IRI the code writes comes from here. ``tests/test_vocab.py`` checks that each term is declared in
``ontology/csr.ttl`` and that the ontology declares nothing this module lacks, so code and ontology
cannot drift apart. ``_fail = True`` makes a misspelt term raise instead of minting a new IRI.
"""
from __future__ import annotations

from importlib.resources import files
from pathlib import Path

from rdflib import Namespace, URIRef
from rdflib.namespace import DefinedNamespace

# the relations, classes, symmetry and hierarchy come from the one registry (extract/registry.py)
from extract.registry import DRAWN_PROPERTIES, ENTITY_CLASSES, RELATIONS, SUPERCLASSES, SYMMETRIC_RELATIONS

ONTOLOGY_IRI = URIRef("https://w3id.org/csr-kg/ontology")
RESOURCE_BASE = "https://w3id.org/csr-kg/resource/"
RES = Namespace(RESOURCE_BASE)

ORG = Namespace("http://www.w3.org/ns/org#")
SCHEMA = Namespace("https://schema.org/")
CSR_BASE = "https://w3id.org/csr-kg/ontology#"

# The one prefix table: Turtle output, the query table's short IRIs and the endpoint's serialisations.
PREFIXES: dict[str, str] = {
    "csr": CSR_BASE,
    "res": RESOURCE_BASE,
    "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
    "rdfs": "http://www.w3.org/2000/01/rdf-schema#",
    "xsd": "http://www.w3.org/2001/XMLSchema#",
    "skos": "http://www.w3.org/2004/02/skos/core#",
    "prov": "http://www.w3.org/ns/prov#",
    "owl": "http://www.w3.org/2002/07/owl#",
    "org": str(ORG),
    "schema": str(SCHEMA),
}
# relations drawn as edges in the network views: the nine of the contract, plus locatedIn
EDGE_RELATIONS: tuple[str, ...] = DRAWN_PROPERTIES

# The ontology and the query library live at the top of the repository (ontology/, queries/) and ship in
# the wheel as package data under kg/data/ (links to them in a checkout, copies in an installed wheel), so
# that an installed csr-kg finds them wherever it runs from.
PACKAGE_DIR = Path(str(files("kg")))  # pip installs wheels unpacked: a directory on disk
DATA_DIR = PACKAGE_DIR / "data"
TEMPLATE_DIR = PACKAGE_DIR / "templates"
STATIC_DIR = PACKAGE_DIR / "static"
ONTOLOGY_DIR = DATA_DIR / "ontology"
ONTOLOGY_FILE = ONTOLOGY_DIR / "csr.ttl"
SHAPES_FILE = ONTOLOGY_DIR / "shapes.ttl"
QUERIES_DIR = DATA_DIR / "queries"


class CSR(DefinedNamespace):
    """Terms of ``https://w3id.org/csr-kg/ontology#``."""

    _NS = Namespace(CSR_BASE)
    _fail = True

    # classes of the contract
    Organization: URIRef
    Company: URIRef
    Subsidiary: URIRef
    Partner: URIRef
    Fund: URIRef
    Community: URIRef
    Award: URIRef
    Report: URIRef
    Place: URIRef
    # classes of our own (provenance and audit)
    Mention: URIRef  # where an entity is mentioned in a report, with the line
    AliasMerge: URIRef  # one surface form merged into an entity, and why

    # relations of the contract
    subsidiaryOf: URIRef
    shareholderOf: URIRef
    partnerOf: URIRef
    sponsorOf: URIRef
    investsIn: URIRef
    operates: URIRef
    serves: URIRef
    receivedAward: URIRef
    awardedBy: URIRef

    # attributes of the contract
    sizeCNY: URIRef
    locatedIn: URIRef
    communityKind: URIRef
    openingDate: URIRef
    amountCNY: URIRef
    date: URIRef
    evidence: URIRef
    line: URIRef
    page: URIRef

    # our extensions
    amountQualifier: URIRef  # 超/逾/约/近 … as "over", "about", "nearly", "at least", "up to"
    extractedBy: URIRef  # Statement -> the id of the rule that read the fact
    confidence: URIRef  # Statement -> that rule's measured precision
    sizeQualifier: URIRef
    mentionedIn: URIRef  # entity -> Report
    hasMention: URIRef  # entity -> Mention
    inReport: URIRef  # Mention / AliasMerge -> Report
    mergedInto: URIRef  # AliasMerge -> entity
    surfaceForm: URIRef  # AliasMerge -> the text form merged
    mergeReason: URIRef  # AliasMerge -> why
    sourceFile: URIRef  # Report -> file name
    checksum: URIRef  # Report -> sha256 of the input bytes
    reportingOrganization: URIRef  # Report -> the organisation that published it
    reportYear: URIRef  # Report -> the year it covers (xsd:gYear)


def local_name(iri: object) -> str | None:
    """The local name of a csr: IRI (``csr:Fund`` -> ``Fund``), None for any other term."""
    text = str(iri)
    return text[len(CSR_BASE):] if isinstance(iri, URIRef) and text.startswith(CSR_BASE) else None


__all__ = ["CSR", "RES", "ORG", "SCHEMA", "ONTOLOGY_IRI", "RELATIONS", "ENTITY_CLASSES", "SYMMETRIC_RELATIONS",
           "SUPERCLASSES"]

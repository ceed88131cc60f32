"""What the graph can hold: one registry of classes and relations.

Every other module reads this table instead of keeping its own list: ``kg.vocab`` (the relation and class
names, symmetry, superclasses), the resolver (which mention labels a relation joins), the evaluator, the
HTML view (colour and shape of each class, which relations are drawn), the statistics and the networkx
export. ``tests/test_registry.py`` checks it against ``ontology/csr.ttl``: domains, ranges, symmetry and
the class hierarchy. Adding a relation kind is: the ontology, one row here, its cue lexicon and its rule.

Pure data (no rdflib, no spaCy), so that the extraction side can read it without importing the graph side.
"""
from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class ClassInfo:
    """A class of the ontology: its parent, whether the scorer scores it, and how the view draws it."""

    name: str
    parent: str | None
    scored: bool
    color: str
    shape: str


@dataclass(frozen=True)
class RelationInfo:
    """A relation property: domain and range classes (as the ontology states them), the mention labels the
    extractor may join with it, symmetry, and how the view draws it."""

    name: str
    domain: tuple[str, ...]
    range: tuple[str, ...]
    subject_labels: frozenset[str]
    object_labels: frozenset[str]
    symmetric: bool = False
    dashes: bool = False


CLASSES: tuple[ClassInfo, ...] = (
    ClassInfo("Organization", None, False, "#9C755F", "triangleDown"),
    ClassInfo("Company", "Organization", True, "#4E79A7", "hexagon"),
    ClassInfo("Subsidiary", "Company", True, "#F28E2B", "dot"),
    ClassInfo("Partner", "Organization", True, "#59A14F", "diamond"),
    ClassInfo("Fund", None, True, "#E15759", "square"),
    ClassInfo("Community", None, True, "#76B7B2", "triangle"),
    ClassInfo("Award", None, True, "#EDC948", "star"),
    ClassInfo("Place", None, False, "#BAB0AC", "dot"),
)

_ORG = frozenset({"ORG"})
RELATION_TABLE: tuple[RelationInfo, ...] = (
    RelationInfo("subsidiaryOf", ("Subsidiary",), ("Company",), _ORG, _ORG),
    RelationInfo("shareholderOf", ("Company",), ("Company",), _ORG, _ORG),
    RelationInfo("partnerOf", ("Organization",), ("Organization",), _ORG, _ORG, symmetric=True),
    RelationInfo("sponsorOf", ("Organization",), ("Fund",), _ORG, frozenset({"FUND"})),
    RelationInfo("investsIn", ("Organization", "Fund"), ("Fund", "Company"), frozenset({"ORG", "FUND"}),
                 frozenset({"FUND", "ORG"})),
    RelationInfo("operates", ("Organization",), ("Community",), _ORG, frozenset({"COMMUNITY"})),
    RelationInfo("serves", ("Organization",), ("Community",), _ORG, frozenset({"COMMUNITY"}), dashes=True),
    RelationInfo("receivedAward", ("Organization", "Community"), ("Award",), frozenset({"ORG", "COMMUNITY"}),
                 frozenset({"AWARD"})),
    RelationInfo("awardedBy", ("Award",), ("Organization",), frozenset({"AWARD"}), _ORG),
)

# derived views, in the contract's order
RELATIONS: tuple[str, ...] = tuple(r.name for r in RELATION_TABLE)
RELATION_BY_NAME: dict[str, RelationInfo] = {r.name: r for r in RELATION_TABLE}
SYMMETRIC_RELATIONS: frozenset[str] = frozenset(r.name for r in RELATION_TABLE if r.symmetric)
ENTITY_CLASSES: tuple[str, ...] = ("Company", "Subsidiary", "Fund", "Partner", "Community", "Award")
CLASS_BY_NAME: dict[str, ClassInfo] = {c.name: c for c in CLASSES}
# properties drawn as edges in the view and the networkx graph: the relations, plus where a node is
DRAWN_PROPERTIES: tuple[str, ...] = RELATIONS + ("locatedIn",)
# mention labels a relation may join, for the resolver
RELATION_SHAPES: dict[str, tuple[frozenset[str], frozenset[str]]] = {
    r.name: (r.subject_labels, r.object_labels) for r in RELATION_TABLE}


def ancestors(name: str) -> tuple[str, ...]:
    """The superclasses of a class, nearest first (Subsidiary -> Company, Organization)."""
    out = []
    parent = CLASS_BY_NAME[name].parent
    while parent:
        out.append(parent)
        parent = CLASS_BY_NAME[parent].parent
    return tuple(out)


SUPERCLASSES: dict[str, tuple[str, ...]] = {c.name: ancestors(c.name) for c in CLASSES if ancestors(c.name)}
CLASS_STYLE: dict[str, dict[str, str]] = {
    c.name: {"color": c.color, "shape": c.shape}
    for c in sorted(CLASSES, key=lambda c: ("Company", "Subsidiary", "Partner", "Organization", "Fund",
                                            "Community", "Award", "Place").index(c.name))
}

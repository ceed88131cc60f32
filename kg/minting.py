"""The only place that mints IRIs and triples: an ``Extraction`` becomes an rdflib Graph.

IRIs are deterministic: entities by kind + a hash of their normalised canonical name (so one entity named
alike in two reports is one node), statements by a hash of report, triple and line. Literals are typed
exactly as the ontology says (xsd:decimal amounts, xsd:integer lines, xsd:date/gYearMonth/gYear dates).
"""
from __future__ import annotations

import hashlib
import math
import re
from decimal import Context, Decimal

from rdflib import RDF, RDFS, XSD, Graph, Literal, URIRef
from rdflib.namespace import PROV, SKOS

from extract.records import Amount, Entity, Extraction
from kg.vocab import CSR, PREFIXES, RES, SUPERCLASSES



def new_graph() -> Graph:
    """An empty graph with the project's prefixes bound."""
    g = Graph()
    for prefix, ns in PREFIXES.items():  # Turtle writes only the prefixes a graph uses
        g.bind(prefix, ns, override=True)
    return g


def stable_hash(*parts: object, length: int = 16) -> str:
    """A short, stable id from the parts (the IRIs of statements, mentions, merges and places)."""
    return hashlib.sha1("\u241f".join(map(str, parts)).encode("utf-8")).hexdigest()[:length]


def report_iri(report_id: str) -> URIRef:
    """``res:report/<id>``; ids that are not IRI-safe are hashed."""
    safe = report_id if re.fullmatch(r"[A-Za-z0-9._-]+", report_id) else stable_hash(report_id)
    return RES[f"report/{safe}"]


def lang_literal(text: str) -> Literal:
    """Chinese text as @zh, Latin-only names as @en."""
    return Literal(text, lang="zh" if re.search(r"[\u4e00-\u9fff]", text) else "en")


def date_literal(iso: str) -> Literal:
    """yyyy-mm-dd / yyyy-mm / yyyy with their XSD types."""
    if re.fullmatch(r"\d{4}-\d{2}-\d{2}", iso):
        return Literal(iso, datatype=XSD.date)
    if re.fullmatch(r"\d{4}-\d{2}", iso):
        return Literal(iso, datatype=XSD.gYearMonth)
    return Literal(iso, datatype=XSD.gYear)


# enough digits for any finite float written out in full (the largest has 309): the default context has 28,
# and quantising 1e28 to whole yuan in it raises InvalidOperation
_WIDE = Context(prec=400)


def decimal_literal(value: float) -> Literal:
    """Yuan amounts as xsd:decimal without float noise (753000, not 753000.0000001); every finite float is
    written out in full (xsd:decimal has no exponent and no infinity)."""
    if not math.isfinite(value):
        raise ValueError(f"an amount must be a finite number, not {value!r}")
    d = Decimal(str(round(value, 2))).normalize()
    if d == d.to_integral():
        d = d.quantize(Decimal(1), context=_WIDE)
    return Literal(d, datatype=XSD.decimal)


def add_extraction(g: Graph, ex: Extraction) -> URIRef:
    """Add one report's entities, relations, provenance and merge log to ``g``; returns the report IRI."""
    report = report_iri(ex.report.report_id)
    g.add((report, RDF.type, CSR.Report))
    g.add((report, RDF.type, PROV.Entity))
    g.add((report, RDFS.label, Literal(ex.report.report_id)))
    g.add((report, CSR.sourceFile, Literal(ex.report.source_file)))
    g.add((report, CSR.checksum, Literal(ex.report.checksum)))
    nodes = {e.key: RES[e.key] for e in ex.entities}
    if ex.report.year:
        g.add((report, CSR.reportYear, Literal(str(ex.report.year), datatype=XSD.gYear)))
    if ex.report.reporter and ex.report.reporter in nodes:
        g.add((report, CSR.reportingOrganization, nodes[ex.report.reporter]))
    for entity in ex.entities:
        _add_entity(g, nodes[entity.key], entity, report, ex.report.report_id)
    for fact in ex.facts:
        s, o = nodes[fact.subject], nodes[fact.object]
        p = CSR[fact.predicate]
        g.add((s, p, o))
        st = RES[f"statement/{stable_hash(ex.report.report_id, fact.subject, fact.predicate, fact.object, fact.evidence.line)}"]
        g.add((st, RDF.type, RDF.Statement))
        g.add((st, RDF.subject, s))
        g.add((st, RDF.predicate, p))
        g.add((st, RDF.object, o))
        g.add((st, PROV.wasDerivedFrom, report))
        g.add((st, CSR.evidence, Literal(fact.evidence.sentence, lang="zh")))
        g.add((st, CSR.line, Literal(fact.evidence.line, datatype=XSD.integer)))
        if fact.evidence.page:
            g.add((st, CSR.page, Literal(fact.evidence.page, datatype=XSD.integer)))
        if fact.amount:
            _add_amount(g, st, fact.amount, CSR.amountCNY, CSR.amountQualifier)
        if fact.date:
            g.add((st, CSR.date, date_literal(fact.date)))
        g.add((st, CSR.extractedBy, Literal(fact.rule or "unknown.rule")))
        confidence = fact.confidence if fact.confidence is not None else 0.5
        g.add((st, CSR.confidence, Literal(Decimal(f"{confidence:.3f}"), datatype=XSD.decimal)))
    for merge in ex.merges:
        node = RES[f"merge/{stable_hash(ex.report.report_id, merge.entity, merge.surface)}"]
        g.add((node, RDF.type, CSR.AliasMerge))
        g.add((node, CSR.mergedInto, nodes[merge.entity]))
        g.add((node, CSR.surfaceForm, lang_literal(merge.surface)))
        g.add((node, CSR.mergeReason, Literal(merge.reason, lang="en")))
        g.add((node, CSR.inReport, report))
        if merge.line:
            g.add((node, CSR.line, Literal(merge.line, datatype=XSD.integer)))
    return report


def _add_amount(g: Graph, node: URIRef, amount: Amount, value_p: URIRef, qual_p: URIRef) -> None:
    g.add((node, value_p, decimal_literal(amount.value)))
    if amount.qualifier:
        g.add((node, qual_p, Literal(amount.qualifier)))


def _add_entity(g: Graph, node: URIRef, e: Entity, report: URIRef, report_id: str) -> None:
    classes = set(e.types)
    for t in list(classes):
        classes.update(SUPERCLASSES.get(t, ()))
    for t in sorted(classes):
        g.add((node, RDF.type, CSR[t]))
    g.add((node, RDFS.label, lang_literal(e.label)))
    for alias in sorted(e.aliases):
        g.add((node, SKOS.altLabel, lang_literal(alias)))
    g.add((node, CSR.mentionedIn, report))
    if e.first_line:
        mention = RES[f"mention/{stable_hash(report_id, e.key)}"]
        g.add((node, CSR.hasMention, mention))
        g.add((mention, RDF.type, CSR.Mention))
        g.add((mention, CSR.inReport, report))
        g.add((mention, CSR.line, Literal(e.first_line, datatype=XSD.integer)))
    if e.size:
        _add_amount(g, node, e.size, CSR.sizeCNY, CSR.sizeQualifier)
    if e.community_kind:
        g.add((node, CSR.communityKind, Literal(e.community_kind)))
    if e.city:
        place = RES[f"place/{stable_hash(e.city, length=12)}"]
        g.add((place, RDF.type, CSR.Place))
        g.add((place, RDFS.label, Literal(e.city, lang="zh")))
        g.add((node, CSR.locatedIn, place))
    if e.opening_date:
        g.add((node, CSR.openingDate, date_literal(e.opening_date)))

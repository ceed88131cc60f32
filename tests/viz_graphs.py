"""Graphs for the tests of the HTML view (tests/test_viz.py, tests/test_html_browser.py).

Built with rdflib in the shape of docs/GRAPH.md: a hostile graph whose names and evidence try to break out of
the page, and a generated graph of a few thousand entities for the performance bound. The entity count is
computed here with SPARQL, independently of kg.viz and kg.netx.
"""
from __future__ import annotations

import random
from pathlib import Path

from rdflib import RDF, RDFS, XSD, Graph, Literal, URIRef
from rdflib.namespace import PROV, SKOS

from kg.vocab import CSR, RELATIONS, RES

DATA = Path(__file__).resolve().parent / "data"
MINI_TTL = DATA / "viz_mini.ttl"
NODE_CLASSES = ("Company", "Subsidiary", "Partner", "Organization", "Fund", "Community", "Award", "Place")

XSS_SCRIPT = "<script>window.__xss=1</script>"
XSS_IMG = '<img src=x onerror="window.__xss=1;alert(1)">'
XSS_QUOTES = "\"双引号\" 'single' & </script><!-- <b>粗体</b>"
XSS_EVIDENCE = "磐石公司称：</script><script>window.__xss=1;alert(2)</script> 与 <svg onload=alert(3)> 合作\u2028第二行"
XSS_ALIAS = "<iframe src=javascript:alert(4)>"


def entity_iris(graph: Graph) -> set[str]:
    """IRIs typed with a node class (the six entity classes, Organization and Place)."""
    values = " ".join(f"<{getattr(CSR, name)}>" for name in NODE_CLASSES)
    rows = graph.query(f"SELECT DISTINCT ?s WHERE {{ VALUES ?c {{ {values} }} ?s a ?c . FILTER(isIRI(?s)) }}")
    return {str(row[0]) for row in rows}


def relation_edges(graph: Graph) -> set[tuple[str, str, str]]:
    """Relation triples (nine relations + locatedIn) between two entities."""
    ids = entity_iris(graph)
    edges = set()
    for name in RELATIONS + ("locatedIn",):
        for s, o in graph.subject_objects(getattr(CSR, name)):
            if str(s) in ids and str(o) in ids:
                edges.add((str(s), name, str(o)))
    return edges


def _report(graph: Graph, name: str, label: str | None = None) -> URIRef:
    report = RES[f"report/{name}"]
    graph.add((report, RDF.type, CSR.Report))
    graph.add((report, RDF.type, PROV.Entity))
    graph.add((report, RDFS.label, Literal(label or name)))
    graph.add((report, CSR.sourceFile, Literal(f"{name}.txt")))
    return report


def _entity(graph: Graph, iri: URIRef, classes: tuple[str, ...], label: str, report: URIRef) -> URIRef:
    for name in classes:
        graph.add((iri, RDF.type, getattr(CSR, name)))
    graph.add((iri, RDFS.label, Literal(label, lang="zh")))
    graph.add((iri, CSR.mentionedIn, report))
    return iri


def _fact(graph: Graph, number: int, s: URIRef, relation: str, o: URIRef, report: URIRef, evidence: str,
          line: int, amount: float | None = None) -> None:
    graph.add((s, getattr(CSR, relation), o))
    st = RES[f"statement/{number:016x}"]
    graph.add((st, RDF.type, RDF.Statement))
    graph.add((st, RDF.subject, s))
    graph.add((st, RDF.predicate, getattr(CSR, relation)))
    graph.add((st, RDF.object, o))
    graph.add((st, PROV.wasDerivedFrom, report))
    graph.add((st, CSR.evidence, Literal(evidence, lang="zh")))
    graph.add((st, CSR.line, Literal(line, datatype=XSD.integer)))
    if amount is not None:
        graph.add((st, CSR.amountCNY, Literal(str(amount), datatype=XSD.decimal)))


def hostile_graph() -> Graph:
    """A small graph whose labels, aliases and evidence are HTML/JS injection attempts."""
    g = Graph()
    report = _report(g, "panshi-2024-esg", "panshi-2024-<b>esg</b>")
    a = _entity(g, RES["org/0000000000a1"], ("Company", "Organization"), XSS_SCRIPT, report)
    b = _entity(g, RES["org/0000000000a2"], ("Company", "Partner", "Organization"), XSS_IMG, report)
    c = _entity(g, RES["fund/0000000000a3"], ("Fund",), XSS_QUOTES, report)
    g.add((b, SKOS.altLabel, Literal(XSS_ALIAS, lang="zh")))
    g.add((c, CSR.sizeCNY, Literal("500000000", datatype=XSD.decimal)))
    _fact(g, 1, a, "partnerOf", b, report, XSS_EVIDENCE, 7)
    _fact(g, 2, a, "sponsorOf", c, report, XSS_QUOTES, 9, amount=500000000.0)
    return g


def big_graph(n: int = 3000, seed: int = 7) -> Graph:
    """A generated report-like graph of exactly ``n`` entities (deterministic for a seed)."""
    rng = random.Random(seed)
    g = Graph()
    report = _report(g, f"generated-{n}")
    shares = [("Subsidiary", 0.03), ("Company", 0.27), ("Partner", 0.12), ("Organization", 0.04),
              ("Fund", 0.16), ("Community", 0.24), ("Award", 0.10)]
    counts = {kind: int(n * share) for kind, share in shares}
    counts["Place"] = n - 1 - sum(counts.values())
    classes = {"Subsidiary": ("Subsidiary", "Company", "Organization"), "Company": ("Company", "Organization"),
               "Partner": ("Company", "Partner", "Organization"), "Organization": ("Organization",),
               "Fund": ("Fund",), "Community": ("Community",), "Award": ("Award",), "Place": ("Place",)}
    path = {"Fund": "fund", "Community": "community", "Award": "award", "Place": "place"}
    groups: dict[str, list[URIRef]] = {}
    root = _entity(g, RES["org/000000000000"], classes["Company"], "生成集团控股有限公司", report)
    number = 1
    for kind, count in counts.items():
        groups[kind] = []
        for i in range(count):
            iri = RES[f"{path.get(kind, 'org')}/{number:012x}"]
            label = f"{kind}实体{i:04d}号"
            groups[kind].append(_entity(g, iri, classes[kind], label, report))
            if i % 3 == 0:
                g.add((iri, SKOS.altLabel, Literal(f"别名{kind}{i:04d}", lang="zh")))
            number += 1
    orgs = groups["Subsidiary"] + groups["Company"] + groups["Partner"]
    fact = 0

    def link(s: URIRef, relation: str, o: URIRef) -> None:
        nonlocal fact
        fact += 1
        if fact % 2:
            _fact(g, fact, s, relation, o, report, f"第{fact}条生成的证据句。", fact)
        else:
            g.add((s, getattr(CSR, relation), o))

    for sub in groups["Subsidiary"]:
        link(sub, "subsidiaryOf", root)
    for company in groups["Company"]:
        link(rng.choice(groups["Subsidiary"] + [root]), "shareholderOf", company)
    for partner in groups["Partner"]:
        link(rng.choice(orgs), "partnerOf", partner)
    for fund in groups["Fund"]:
        link(rng.choice(orgs), "sponsorOf", fund)
        link(rng.choice(orgs), "investsIn", fund)
    for community in groups["Community"]:
        link(rng.choice(groups["Subsidiary"]), rng.choice(("operates", "serves")), community)
        link(community, "locatedIn", rng.choice(groups["Place"]))
    for award in groups["Award"]:
        link(rng.choice(orgs + groups["Community"]), "receivedAward", award)
        link(award, "awardedBy", rng.choice(groups["Organization"]))
    return g


def mini_graph() -> Graph:
    return Graph().parse(MINI_TTL)


CORPUS_COMPANIES = (("jiayi", "甲乙控股集团有限公司"), ("bingding", "丙丁保险集团股份有限公司"),
                    ("wuji", "戊己银行股份有限公司"), ("gengxin", "庚辛能源集团有限公司"))
CORPUS_YEARS = ("2022", "2023", "2024")


def corpus_graph(n: int = 10000, seed: int = 11) -> Graph:
    """A corpus of 4 companies x 3 yearly reports holding ``n`` entities in all (deterministic for a seed).

    Each company has its own pool of entities around its group company; its 2024 report mentions all of
    them, its 2023 report two in three, its 2022 report one in three, and every relation has a statement
    derived from the latest report that mentions both ends. A few partners are shared between companies.
    """
    rng = random.Random(seed)
    g = Graph()
    kinds = (("Subsidiary", 0.05), ("Company", 0.25), ("Partner", 0.12), ("Organization", 0.04), ("Fund", 0.16),
             ("Community", 0.22), ("Award", 0.08))
    classes = {"Subsidiary": ("Subsidiary", "Company", "Organization"), "Company": ("Company", "Organization"),
               "Partner": ("Company", "Partner", "Organization"), "Organization": ("Organization",),
               "Fund": ("Fund",), "Community": ("Community",), "Award": ("Award",), "Place": ("Place",)}
    path = {"Fund": "fund", "Community": "community", "Award": "award", "Place": "place"}
    places = []
    for i in range(max(4, n // 50)):
        place = RES[f"place/{0xf00000 + i:012x}"]
        g.add((place, RDF.type, CSR.Place))
        g.add((place, RDFS.label, Literal(f"城市{i:03d}", lang="zh")))
        places.append(place)
    pool_size = (n - len(places)) // len(CORPUS_COMPANIES)
    number = 0
    fact = 0
    shared: list[URIRef] = []
    for c, (slug, name) in enumerate(CORPUS_COMPANIES):
        size = pool_size if c < len(CORPUS_COMPANIES) - 1 else n - len(places) - pool_size * c
        reports = {}
        for year in CORPUS_YEARS:
            report = _report(g, f"{slug}-{year}-csr")
            g.add((report, CSR.reportYear, Literal(year, datatype=XSD.gYear)))
            reports[year] = report
        root = RES[f"org/{0xa00000 + c:012x}"]
        years_of: dict[URIRef, tuple[str, ...]] = {root: CORPUS_YEARS}
        for year, report in reports.items():
            g.add((report, CSR.reportingOrganization, root))
        for cls in classes["Company"]:
            g.add((root, RDF.type, getattr(CSR, cls)))
        g.add((root, RDFS.label, Literal(name, lang="zh")))
        for report in reports.values():
            g.add((root, CSR.mentionedIn, report))
        groups: dict[str, list[URIRef]] = {}
        counts = {kind: int((size - 1) * share) for kind, share in kinds}
        counts["Organization"] += size - 1 - sum(counts.values())
        for kind, count in counts.items():
            groups[kind] = []
            for i in range(count):
                number += 1
                iri = RES[f"{path.get(kind, 'org')}/{number:012x}"]
                years = CORPUS_YEARS[number % 3:]
                years_of[iri] = years
                for cls in classes[kind]:
                    g.add((iri, RDF.type, getattr(CSR, cls)))
                g.add((iri, RDFS.label, Literal(f"{slug}{kind}{i:04d}号", lang="zh")))
                if i % 4 == 0:
                    g.add((iri, SKOS.altLabel, Literal(f"别名{slug}{kind}{i:04d}", lang="zh")))
                for year in years:
                    g.add((iri, CSR.mentionedIn, reports[year]))
                groups[kind].append(iri)
        if shared:
            for partner in shared:  # partners of the companies before: mentioned in this one's 2024 report
                g.add((partner, CSR.mentionedIn, reports["2024"]))
                years_of[partner] = ("2024",)
        shared.extend(groups["Partner"][:3])
        orgs = [root] + groups["Subsidiary"] + groups["Company"] + groups["Partner"]

        def link(s: URIRef, relation: str, o: URIRef) -> None:
            nonlocal fact
            common = [y for y in CORPUS_YEARS if y in years_of.get(s, CORPUS_YEARS) and y in years_of.get(o, CORPUS_YEARS)]
            report = reports[common[-1] if common else "2024"]
            fact += 1
            _fact(g, fact, s, relation, o, report, f"第{fact}条生成的证据句。", fact % 900 + 1)

        for sub in groups["Subsidiary"]:
            link(sub, "subsidiaryOf", root)
        for company in groups["Company"]:
            link(rng.choice(groups["Subsidiary"] + [root]), "shareholderOf", company)
        for partner in groups["Partner"] + shared[:-3]:
            link(rng.choice(orgs), "partnerOf", partner)
        for fund in groups["Fund"]:
            link(rng.choice(orgs), "sponsorOf", fund)
            if rng.random() < 0.5:
                link(rng.choice(orgs), "investsIn", fund)
        for community in groups["Community"]:
            link(rng.choice(groups["Subsidiary"] + [root]), rng.choice(("operates", "serves")), community)
            g.add((community, CSR.locatedIn, rng.choice(places)))
        for award in groups["Award"]:
            link(rng.choice(orgs + groups["Community"]), "receivedAward", award)
            link(award, "awardedBy", rng.choice(groups["Organization"]))
    return g

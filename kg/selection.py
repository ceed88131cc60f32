"""A corpus of reports, and the part of it a user selects by report, company or year.

Why: ``csrkg stats`` and the HTML view run over a store of many reports, and an analyst wants one
company's reports, or one year's, not always all of them. The selection is made of whole report graphs:
the subgraph of reports R is the union of R's report graphs, i.e. the entities mentioned in R, the
relations whose statements derive from R, and their provenance (the rule that splits a graph into report
graphs is :mod:`kg.named_graphs`; a store holds those graphs as they are).

Filters of one kind are alternatives (``--year 2023 --year 2024``: either year); filters of different kinds
must all hold (``--company X --year 2024``: X's 2024 report). A filter value that matches no report, or a
combination that leaves no report, is an :class:`~extract.errors.InputError`.
"""
from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import PurePosixPath
from typing import TYPE_CHECKING, Any

from rdflib import RDF, RDFS, Graph, Literal, URIRef
from rdflib.namespace import SKOS

from extract.errors import Errors, InputError
from kg.named_graphs import report_nodes, split_by_report
from kg.vocab import CSR

if TYPE_CHECKING:  # pragma: no cover
    from kg.store import CsrStore

Triple = tuple[Any, Any, Any]
YEAR = re.compile(r"^\d{4}$")


@dataclass(frozen=True)
class ReportInfo:
    """What the filters and the per-report table show of one report."""

    iri: str
    label: str
    company: str | None  # rdfs:label of its csr:reportingOrganization
    year: str | None  # csr:reportYear, e.g. "2024"
    names: tuple[str, ...] = ()  # what --report may call it: label, source file, its stem, the IRI's last segment
    company_names: tuple[str, ...] = ()  # what --company may call it: the organisation's labels and aliases


@dataclass
class Corpus:
    """A graph of one or more reports, with each report's own triples (``parts``) and its description."""

    graph: Graph
    parts: dict[str, set[Triple]]  # report IRI -> its report graph; empty when the graph has no csr:Report
    reports: list[ReportInfo] = field(default_factory=list)  # sorted by (company, year, label, IRI)

    def report_index(self) -> dict[str, int]:
        """Report IRI -> its position in ``reports`` (the page and the table refer to reports by it)."""
        return {info.iri: i for i, info in enumerate(self.reports)}


def _first(values: Iterable[Any]) -> str | None:
    texts = sorted(str(v) for v in values if isinstance(v, Literal))
    return texts[0] if texts else None


def _zh_label(graph: Graph, node: Any) -> str | None:
    labels = sorted(graph.objects(node, RDFS.label), key=lambda l: (getattr(l, "language", None) != "zh", str(l)))
    return str(labels[0]) if labels else None


def describe_reports(graph: Graph) -> list[ReportInfo]:
    """The ``csr:Report`` nodes of ``graph`` with their company and year, in a stable order."""
    infos = []
    for report in report_nodes(graph):
        label = _first(graph.objects(report, RDFS.label))
        source = _first(graph.objects(report, CSR.sourceFile))
        names = {str(report), str(report).rstrip("/").rsplit("/", 1)[-1]}
        for text in (label, source):
            if text:
                names |= {text, PurePosixPath(text).name, PurePosixPath(text).stem}
        orgs = sorted(o for o in graph.objects(report, CSR.reportingOrganization) if isinstance(o, URIRef))
        company = _zh_label(graph, orgs[0]) if orgs else None
        company_names: set[str] = set()
        for org in orgs:
            company_names |= {str(v) for v in graph.objects(org, RDFS.label)}
            company_names |= {str(v) for v in graph.objects(org, SKOS.altLabel)}
        year = _first(graph.objects(report, CSR.reportYear))
        infos.append(ReportInfo(str(report), label or source or str(report), company, year,
                                tuple(sorted(names)), tuple(sorted(company_names))))
    infos.sort(key=lambda i: (i.company or "\uffff", i.year or "", i.label, i.iri))
    return infos


def corpus_of_graph(graph: Graph) -> Corpus:
    """A graph file (one report or several, e.g. a corpus build) as a corpus."""
    if not report_nodes(graph):
        return Corpus(graph, {}, [])
    parts = {str(r): triples for r, triples in split_by_report(graph).items()}
    return Corpus(graph, parts, describe_reports(graph))


def corpus_of_store(store: CsrStore) -> Corpus:
    """Every report graph of a store (the ontology left out) as a corpus; ``graph`` is their union."""
    parts: dict[str, set[Triple]] = {}
    union = Graph()
    for report in store.reports():
        parts[report] = set(store.report_triples(report))
    for report in sorted(parts):
        for triple in parts[report]:
            union.add(triple)
    return Corpus(union, parts, describe_reports(union))


def _matches_company(value: str, info: ReportInfo) -> bool:
    wanted = value.casefold()
    return any(name.casefold() == wanted for name in info.company_names)


def _matches_company_loosely(value: str, info: ReportInfo) -> bool:
    wanted = value.casefold()
    return any(wanted in name.casefold() for name in info.company_names)


def select_reports(corpus: Corpus, reports: Sequence[str] = (), companies: Sequence[str] = (),
                   years: Sequence[str] = ()) -> list[ReportInfo]:
    """The reports that pass the filters (see the module docstring); no filter selects every report.

    ``--company`` matches the reporting organisation's label or an alias, ignoring case; when a value names
    no organisation exactly, a part of a name will do (``大家保险`` finds 大家保险集团有限责任公司).
    """
    for year in years:
        if not YEAR.match(year):
            raise InputError(Errors.E090, option="--year", expected="a year like 2024", value=year)
    chosen = list(corpus.reports)
    if (reports or companies or years) and not corpus.reports:
        raise InputError(Errors.E113, option="--report/--company/--year", value="(any)", known="no csr:Report in the graph")
    for option, values, test in (
        ("--report", reports, lambda v, i: v in i.names),
        ("--company", companies, None),
        ("--year", years, lambda v, i: i.year == v),
    ):
        if not values:
            continue
        hits: set[str] = set()
        for value in values:
            if test is None:  # company: exact name first, else part of a name
                found = {i.iri for i in corpus.reports if _matches_company(value, i)} or \
                        {i.iri for i in corpus.reports if _matches_company_loosely(value, i)}
            else:
                found = {i.iri for i in corpus.reports if test(value, i)}
            if not found:
                raise InputError(Errors.E113, option=option, value=value, known=_known(corpus, option))
            hits |= found
        chosen = [i for i in chosen if i.iri in hits]
    if not chosen:
        given = " ".join(f"{o} {v}" for o, vs in (("--report", reports), ("--company", companies),
                                                   ("--year", years)) for v in vs)
        raise InputError(Errors.E114, filters=given)
    return chosen


def _known(corpus: Corpus, option: str) -> str:
    if option == "--year":
        values = sorted({i.year for i in corpus.reports if i.year})
    elif option == "--company":
        values = sorted({i.company for i in corpus.reports if i.company})
    else:
        values = [i.label for i in corpus.reports]
    shown = ", ".join(values[:12]) + (f", … ({len(values)} in all)" if len(values) > 12 else "")
    return shown or "none"


def restrict(corpus: Corpus, chosen: Sequence[ReportInfo]) -> Corpus:
    """The corpus of the chosen reports only: the union of their report graphs."""
    keep = [info.iri for info in chosen]
    if len(keep) == len(corpus.reports):
        return corpus
    graph = Graph()
    for iri in sorted(keep):
        for triple in corpus.parts[iri]:
            graph.add(triple)
    wanted = set(keep)
    return Corpus(graph, {iri: corpus.parts[iri] for iri in keep},
                  [info for info in corpus.reports if info.iri in wanted])


def filter_corpus(corpus: Corpus, reports: Sequence[str] = (), companies: Sequence[str] = (),
                  years: Sequence[str] = ()) -> Corpus:
    """``select_reports`` then ``restrict``: the corpus the filters describe."""
    if not (reports or companies or years):
        return corpus
    return restrict(corpus, select_reports(corpus, reports, companies, years))


def node_reports(corpus: Corpus, entities: Iterable[str]) -> dict[str, list[int]]:
    """Entity IRI -> the indices of the reports whose graph holds it (its type triple), sorted."""
    wanted = {URIRef(e) for e in entities}
    index = corpus.report_index()
    found: dict[str, set[int]] = {}
    for iri, triples in corpus.parts.items():
        for s, p, _o in triples:
            if p == RDF.type and s in wanted:
                found.setdefault(str(s), set()).add(index[iri])
    return {node: sorted(found.get(node, ())) for node in map(str, wanted)}


def edge_reports(corpus: Corpus, relations: Iterable[str]) -> dict[tuple[str, str, str], list[int]]:
    """(subject, relation name, object) -> the indices of the reports whose graph holds that relation triple."""
    names = {str(getattr(CSR, r)): r for r in relations}
    index = corpus.report_index()
    found: dict[tuple[str, str, str], set[int]] = {}
    for iri, triples in corpus.parts.items():
        for s, p, o in triples:
            name = names.get(str(p))
            if name is not None:
                found.setdefault((str(s), name, str(o)), set()).add(index[iri])
    return {key: sorted(value) for key, value in found.items()}

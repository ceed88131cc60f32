"""The one check of what SPARQL csr-kg runs, for ``csrkg serve`` and ``csrkg query`` alike: read-only queries
over the data they are given, nothing that reaches the network.

Why parse and not match text: SPARQL Update, ``SERVICE`` and dataset clauses can be spelt many ways
(prefixed names, nested groups, comments); rdflib's parser gives the parse tree, which is inspected instead.
What would reach out:

* ``SERVICE`` (federated query): rdflib and Oxigraph both make the HTTP call.
* ``LOAD`` and every other update: refused as updates (they are not queries).
* ``FROM`` / ``FROM NAMED`` with rdflib: rdflib *fetches* each IRI named there (``SPARQL_LOAD_GRAPHS``), so
  with rdflib (a graph file) every dataset clause is remote. Oxigraph (a store, the endpoint) reads them as
  names of graphs it already holds, and fetches nothing: there they are allowed.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from extract.errors import ErrorCode, Errors, InputError, one_line

UPDATE_REFUSAL = ("SPARQL Update is not allowed: csr-kg is read-only here "
                  "(INSERT, DELETE, LOAD, CLEAR, DROP, CREATE, COPY, MOVE, ADD are refused)")
SERVICE_REFUSAL = "SERVICE (federated query) is not allowed: a query runs over its own data only"
DATASET_REFUSAL = ("FROM / FROM NAMED is not allowed on a graph file (or with --min-confidence): rdflib would "
                   "fetch <{iri}> from the network instead of querying the graph (to choose report graphs, query "
                   "a store: --store DIR)")


class QueryRefused(InputError):
    """A query csr-kg does not run; ``status`` is the HTTP status the endpoint answers with (400 or 403)."""

    def __init__(self, error: ErrorCode, status: int = 400, **fields: Any) -> None:
        super().__init__(error, **fields)
        self.status = status


@dataclass(frozen=True)
class CheckedQuery:
    """A query that passed: its form (SELECT, ASK, CONSTRUCT, DESCRIBE) and the IRIs of its FROM clauses."""

    form: str
    dataset: tuple[str, ...]


def _walk(node: Any) -> Any:
    """Every node of an rdflib parse tree (CompValue, ParseResults, lists), depth first."""
    from rdflib.plugins.sparql.parserutils import CompValue

    stack = [node]
    while stack:
        item = stack.pop()
        yield item
        if isinstance(item, CompValue):
            stack.extend(item.values())
        elif isinstance(item, (list, tuple)) or type(item).__name__ == "ParseResults":
            stack.extend(item)


# a query without any of these words can hold no SERVICE, update or dataset clause (words inside comments or
# strings only cost a full check, never let anything through)
_CHECKED_WORDS = re.compile(r"\b(?:SERVICE|FROM|LOAD|INSERT|DELETE|CLEAR|DROP|CREATE|COPY|MOVE|ADD|WITH)\b", re.IGNORECASE)


def needs_check(text: str) -> bool:
    """Whether :func:`check_query` has anything to look for: the store path skips rdflib's parser (tens of
    milliseconds, more than most store queries take) for the queries that cannot reach out."""
    return _CHECKED_WORDS.search(text) is not None


def check_query(text: str, allow_dataset: bool = True) -> CheckedQuery:
    """Parse ``text`` as a SPARQL query and refuse what csr-kg does not run: an update (403), ``SERVICE``
    (400), a syntax error (400), and with ``allow_dataset=False`` (rdflib) any FROM / FROM NAMED (400)."""
    from rdflib.plugins.sparql.parser import parseQuery, parseUpdate
    from rdflib.plugins.sparql.parserutils import CompValue

    try:
        tree = parseQuery(text)
    except Exception as err:  # pyparsing's ParseException, or anything its actions raise
        try:
            parseUpdate(text)
        except Exception:
            raise QueryRefused(Errors.E058, 400, reason=one_line(str(err))) from None
        raise QueryRefused(Errors.E062, 403, reason=UPDATE_REFUSAL) from None
    query = tree[1]
    for node in _walk(tree):
        if isinstance(node, CompValue) and node.name == "ServiceGraphPattern":
            raise QueryRefused(Errors.E062, 400, reason=SERVICE_REFUSAL)
    dataset: list[str] = []
    if "datasetClause" in query:  # (CompValue.get returns the key itself when it is missing)
        for clause in query["datasetClause"]:
            iri = dict.get(clause, "default", dict.get(clause, "named"))  # (dict.get: CompValue.get is not one)
            dataset.append(str(_expand(iri, tree[0])))
    if dataset and not allow_dataset:
        raise QueryRefused(Errors.E062, 400, reason=DATASET_REFUSAL.format(iri=dataset[0]))
    return CheckedQuery(query.name.removesuffix("Query").upper(), tuple(dataset))


def _expand(iri: Any, prologue: Any) -> Any:
    """A dataset IRI as written: a prefixed name (``FROM ex:g``) expanded with the query's PREFIXes."""
    from rdflib.plugins.sparql.parserutils import CompValue

    if isinstance(iri, CompValue) and iri.name == "pname":
        for decl in prologue:
            if (isinstance(decl, CompValue) and decl.name == "PrefixDecl"
                    and dict.get(decl, "prefix", "") == dict.get(iri, "prefix", "")):
                return f"{decl['iri']}{dict.get(iri, 'localname', '')}"
    return iri

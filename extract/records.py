"""Plain, typed values handed from one extraction stage to the next (no spaCy or rdflib objects)."""
from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Amount:
    """A money amount in yuan, with the hedge the text put on it (超/逾 -> "over", 约 -> "about" …)."""

    value: float
    qualifier: str | None = None
    text: str = ""


@dataclass(frozen=True)
class Evidence:
    """Where a fact or mention was read: the cleaned sentence and its 1-based line in the input file."""

    sentence: str
    line: int
    page: int | None = None


@dataclass(frozen=True)
class Mention:
    """One surface form of an entity candidate in the text.

    ``label`` is one of ORG, FUND, COMMUNITY, AWARD; ``start``/``end`` are character offsets into the
    unit text; ``org_kind`` says "company" or "other" for ORG (decides csr:Company typing).
    """

    text: str
    label: str
    start: int
    end: int
    line: int
    org_kind: str | None = None
    city: str | None = None


@dataclass(frozen=True)
class Fact:
    """A relation read from one sentence, between surface forms (resolved to entities later).

    ``subject``/``object`` may be the special value ``REPORTER`` (the reporting organisation, for
    我们/集团/公司 and for facts whose actor is only implied).
    """

    subject: str
    predicate: str
    object: str
    evidence: Evidence
    subject_label: str = "ORG"
    object_label: str = "ORG"
    amount: Amount | None = None
    date: str | None = None
    rule: str = ""  # the stable id of the rule that made it (see extract/rules.tsv)


REPORTER = "\u0000REPORTER"


@dataclass
class Entity:
    """One real-world entity of a report after alias resolution."""

    key: str
    label: str  # canonical name
    kind: str  # org | fund | community | award | place
    types: set[str] = field(default_factory=set)  # csr class local names
    aliases: set[str] = field(default_factory=set)
    first_line: int = 0
    size: Amount | None = None
    city: str | None = None
    community_kind: str | None = None
    opening_date: str | None = None


@dataclass(frozen=True)
class ResolvedFact:
    """A fact between two resolved entities (by ``Entity.key``)."""

    subject: str
    predicate: str
    object: str
    evidence: Evidence
    amount: Amount | None = None
    date: str | None = None
    rule: str = ""
    confidence: float | None = None  # the rule's measured precision (extract/lexicons/rule_precision.tsv)


@dataclass(frozen=True)
class Merge:
    """One alias merge: which surface form went into which entity, and why (the audit trail)."""

    surface: str
    entity: str  # Entity.key
    reason: str
    line: int


@dataclass
class ReportInfo:
    """The source document: identity and the organisation that published it."""

    report_id: str
    source_file: str
    checksum: str
    reporter: str | None = None  # Entity.key of the reporting organisation
    year: int | None = None  # the year the report covers (extract.report_year)


@dataclass
class Extraction:
    """Everything extracted from one report: the input of ``kg.minting``."""

    report: ReportInfo
    entities: list[Entity]
    facts: list[ResolvedFact]
    merges: list[Merge]

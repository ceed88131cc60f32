"""Run the pipeline over a whole report: pass one (names), the report's gazetteer, pass two (facts),
then alias resolution. Returns a plain ``Extraction`` for ``kg.minting``."""
from __future__ import annotations

import re

from extract import cues
from extract import lexicon as lx
from extract import names as nm
from extract.components import text_of
from extract.gazetteer import Gazetteer
from extract.ingest import Document
from extract.records import REPORTER, Evidence, Extraction, Fact
from extract.report_year import report_year
from extract.relations import controlled_lists, member_lists, members_described
from extract.layout import find_tables
from extract.tables import honour_items, read_tables, table_facts
from extract.resolve import Resolver


def _is_self_word(alias: str) -> bool:
    return alias in cues.words("self", "group", "company", "anaphor")


def build_gazetteer(docs) -> tuple[Gazetteer, set[str], list[tuple[str, str]], list[str]]:
    """Names the report defines: (gazetteer, member names, alias pairs (alias, name), reporter candidates)."""
    gaz = Gazetteer()
    members: set[str] = set()
    alias_pairs: list[tuple[str, str]] = []
    reporter_candidates: list[str] = []
    listed: set[str] = set()
    for doc in docs:
        for found, aliases in doc._.csr_found or []:
            gaz.add(found.name, found.label, found.company)
            for alias in aliases:
                if alias == "\u0000listed":
                    listed.add(found.name)
                    continue
                if _is_self_word(alias):
                    reporter_candidates.append(found.name)
                elif found.label == "COMMUNITY":
                    alias_pairs.append((alias, found.name))
                else:
                    gaz.add(alias, found.label, found.company)
                    alias_pairs.append((alias, found.name))
        text = text_of(doc)  # once per unit, not per sentence
        for start, end in ((s.start_char, s.end_char) for s in doc.sents):
            sentence = text[start:end]
            for _, items in [*member_lists(sentence), *controlled_lists(sentence), *members_described(sentence)]:
                for item in items:
                    members.add(item)
                    gaz.add(item, "ORG", True)
    for item in enumerated_members(docs):
        members.add(item)
        gaz.add(item, "ORG", True)
    gaz.listed = listed
    return gaz, members, alias_pairs, reporter_candidates


MEMBERS_INTRO = re.compile(r"(?:成员公司|子公司|附属公司|控股公司|专业公司|成员单位)[^。；]{0,10}(?:如下|包括|有|为)[:：]$")
ENUMERATED = re.compile(r"^(?:[（(]\d{1,2}[）)]|\d{1,2}[.、．]|[①-⑳]|[一二三四五六七八九十]+、)\s*")


def _enumerated_lines(docs):
    """(numbered doc, member name) for each line of a ``成员公司如下：`` list, one company each."""
    for i, doc in enumerate(docs):
        if not MEMBERS_INTRO.search(text_of(doc).strip()):
            continue
        for nxt in docs[i + 1:]:
            m = ENUMERATED.match(text_of(nxt))
            if not m:
                break
            found = nm.find_legal_orgs(text_of(nxt)[m.end():])
            if found:
                yield doc, nxt, found[0].name


def enumerated_member_facts(docs) -> list[Fact]:
    """subsidiaryOf the reporting organisation for each numbered member line."""
    facts = []
    for intro, line_doc, name in _enumerated_lines(docs):
        unit = line_doc.user_data["csr_unit"]
        evidence = Evidence(text_of(intro).strip() + text_of(line_doc), unit.first_line, unit.page)
        facts.append(Fact(name, "subsidiaryOf", REPORTER, evidence, rule="sub.numbered-member-list"))
    return facts


def enumerated_members(docs) -> list[str]:
    """The member companies of numbered lists after ``主要成员公司如下：``."""
    return [name for _, _, name in _enumerated_lines(docs)]


REPORT_SUBJECT = re.compile(r"(?:本报告|报告)(?:以|的(?:报告)?主体(?:为|是)|主体为|披露主体为|涵盖)")


def _report_subjects(docs) -> list[str]:
    """The organisation a report names as its subject (本报告以X为主体), else the legal name in its title."""
    out = []
    for doc in docs:
        m = REPORT_SUBJECT.search(text_of(doc))
        if m:
            found = [f for f, _ in doc._.csr_found or [] if f.label == "ORG" and f.company and f.start >= m.end() - 2
                     and f.start - m.end() <= 3]
            if found:
                out.append(found[0].name)
    for doc in docs[:5]:
        if re.search(r"(?:社会责任|可持续发展|ESG|环境、社会及(?:公司)?治理)", text_of(doc)) or len(text_of(doc)) <= 30:
            found = [f for f, _ in doc._.csr_found or [] if f.label == "ORG" and f.company and f.start == 0]
            if found:
                out.append(found[0].name)
                break
    return out


def find_reporter(docs, gaz: Gazetteer, candidates: list[str]) -> str | None:
    """The reporting organisation: defined as 集团/公司/我们 in a 以下简称 sentence, else the company named
    most often in the report."""
    if candidates:
        return candidates[0]
    # the company profile defines the reporter: the first company with a 以下简称 in the first pages
    early = docs[: max(10, len(docs) // 8)]
    for doc in early:
        for found, aliases in doc._.csr_found or []:
            if found.label == "ORG" and found.company and aliases and not aliases == ["\u0000listed"]:
                return found.name
    counts: dict[str, int] = {}
    for doc in docs:
        for s, e, name, label in gaz.find(text_of(doc)):
            if label == "ORG" and name in gaz.companies:
                counts[name] = counts.get(name, 0) + 1
    return max(sorted(counts), key=lambda n: counts[n]) if counts else None


def award_rows(document: Document, recipients: set[str] = frozenset()) -> list[tuple[str, int]]:
    """Stand-alone award names: table cells of award tables (no cue verb, just the award's name)."""
    rows = []
    in_awards = False
    for unit in document.units:
        text = unit.text.strip()
        if any(p in recipients for p in unit.parts):
            continue  # 获奖单位 and 奖项 on one line (a vertically centred row): the table reader splits it
        if len(text) <= 12 and any(w in text for w in lx.AWARD_SECTION_WORDS):
            in_awards = True
        if len(text) > 70 or re.search(r"(?:荣获|获评|荣膺|入选|获得|评为)", text):
            continue
        quoted = re.fullmatch(r"(?:“[^“”]{2,30}”){2,4}", text)
        if quoted and in_awards and all(q.endswith("奖") for q in re.findall(r"“([^”]+)”", text)):
            rows.extend((q, unit.first_line) for q in re.findall(r"“([^”]+)”", text))  # “A奖”“B奖”: two awards
            continue
        name = nm.tidy_award(text)
        if re.fullmatch(r"(?:优秀|典型|最佳|年度|十佳)?(?:案例|奖|奖项|称号|荣誉)", name) or re.search(r"[：:]", text):
            continue  # the wrapped tail of a longer award name, not an award of its own
        single = in_awards and re.fullmatch(r"“[^“”]{4,30}”", text) and not nm.org_suffix(name)
        if nm.looks_like_award(name) and (nm.strong_award(name) and (in_awards or "“" in name)) or single:
            rows.append((name, unit.first_line))
    return rows


def extract_document(document: Document) -> Extraction:
    """Everything csr-kg extracts from one report."""
    from extract.pipeline import make_nlp

    nlp = make_nlp()
    texts = [u.text for u in document.units]
    with nlp.select_pipes(disable=["csr_relations"]):
        docs = list(nlp.pipe(texts, batch_size=64))
    for i, doc in enumerate(docs):
        doc.user_data["csr_unit"] = document.units[i]
    gaz, members, alias_pairs, reporter_candidates = build_gazetteer(docs)
    tables = read_tables(find_tables(document.units))
    for short, full in tables.definitions:
        company = nm.is_company_name(full)
        gaz.add(full, "ORG", company)
        if _is_self_word(short):
            reporter_candidates.insert(0, full)  # 释义: 公司、本公司、我们 指 X股份有限公司
            continue
        gaz.add(short, "ORG", company)
        alias_pairs.append((short, full))
    reporter_candidates.extend(_report_subjects(docs))
    for name in tables.members:
        members.add(name)
        gaz.add(name, "ORG", True)
    reporter = find_reporter(docs, gaz, reporter_candidates)
    if reporter:
        for variant in reporter_variants(reporter, texts):
            gaz.add(variant, "ORG", True)
            alias_pairs.append((variant, reporter))
    place_members = _place_members(reporter, document) if reporter else []
    for name, _ in place_members:
        members.add(name)
        gaz.add(name, "ORG", True)
    for short, full in member_short_forms(members, texts, gaz):
        gaz.add(short, "ORG", True)
        alias_pairs.append((short, full))
    relations = nlp.get_pipe("csr_relations")
    relations.configure(gaz, _recipient_names(None, members, alias_pairs))
    relations.context.brand_operators.update(brand_operators(texts, gaz))
    facts: list[Fact] = []
    actors = _recipient_names(reporter, members, alias_pairs)
    for doc in docs:
        heading = _heading_actor(text_of(doc), gaz)
        if heading in actors:
            relations.context.section_actor = heading
        elif _is_heading(text_of(doc)):
            relations.context.section_actor = REPORTER
            relations.context.last_member = None
            year = re.search(r"(?:19|20)\d{2}(?=年)", text_of(doc))
            relations.context.year = year.group(0) if year else relations.context.year
        relations(doc)
        facts.extend(doc._.csr_facts or [])
    recipients = _recipient_names(reporter, members, alias_pairs)
    facts.extend(table_facts(document.units, gaz, recipients))
    facts.extend(tables.facts)
    facts.extend(honour_items(document.units, recipients))
    facts.extend(Fact(name, "subsidiaryOf", REPORTER, evidence, rule="sub.place-and-group-name")
                 for name, evidence in place_members)
    if reporter:
        facts.extend(_named_like_reporter(tables.definitions, reporter, document.units))
    facts.extend(enumerated_member_facts(docs))
    resolver = Resolver(document, reporter, gaz, members, alias_pairs)
    for doc in docs:
        resolver.add_mentions(doc)
    for name, line in award_rows(document, recipients):
        resolver.add_award(name, line)
    extraction = resolver.resolve(facts)
    extraction.report.year = report_year(document)
    return extraction


def _place_members(reporter: str, document: Document) -> list[tuple[str, Evidence]]:
    """A city before the group's own name (无锡X电路 for X电路股份有限公司): the group's company in that city.
    Only the group's distinctive name of four or more characters counts, so a bare brand word never does."""
    from extract.resolve import org_core

    core = org_core(reporter)
    if len(core) < 4:
        return []
    found: dict[str, Evidence] = {}
    pattern = re.compile(rf"(?P<place>{'|'.join(map(re.escape, lx.places()))})(?:市)?{re.escape(core)}(?![\u4e00-\u9fff]*(?:有限|股份|公司))")
    for unit in document.units:
        for m in pattern.finditer(unit.text):
            name = m.group(0)
            if name not in found and m.group("place") not in lx.PROVINCES | {"中国", "全国"}:
                found[name] = Evidence(unit.text, unit.line_at(m.start()), unit.page)
    return sorted(found.items())


def brand_operators(texts: list[str], gaz: Gazetteer) -> dict[str, str]:
    """Who runs each chain of communities, from anywhere in the report (a timeline of openings often comes
    before the sentence that names the chain's operator): X旗下“品牌”, X负责“品牌”…运营."""
    from extract.relations import BRAND_OF_RE, brand_named

    out: dict[str, str] = {}
    for text in texts:
        found = [(s, e, name) for s, e, name, label in gaz.find(text) if label == "ORG"]
        for m in BRAND_OF_RE.finditer(text):
            brand = brand_named(m)
            before = [name for s, e, name in found if e == m.start()]
            if before and brand not in out:
                out[brand] = before[0]
    return out


def _named_like_reporter(definitions: list[tuple[str, str]], reporter: str, units) -> list[Fact]:
    """Companies a 释义 table defines whose legal name starts with the reporter's own name (X集团江苏有限公司
    for X集团有限公司): the group's members."""
    from extract.resolve import org_core

    core = org_core(reporter)
    facts = []
    for short, full in definitions:
        if len(core) >= 2 and full != reporter and full.startswith(core) and nm.is_company_name(full):
            unit = next((u for u in units if full in u.text), None)
            if unit is not None:
                evidence = Evidence(unit.text, unit.line_at(unit.text.find(full)), unit.page)
                facts.append(Fact(full, "subsidiaryOf", REPORTER, evidence, rule="sub.defined-with-group-name"))
    return facts


def _recipient_names(reporter: str | None, members: set[str], alias_pairs: list[tuple[str, str]]) -> set[str]:
    """The reporting organisation and its member companies, under every name the report gives them."""
    names = set(members) | ({reporter} if reporter else set())
    for _ in range(2):
        names |= {alias for alias, name in alias_pairs if name in names} | {name for alias, name in alias_pairs if alias in names}
    return names


def reporter_variants(reporter: str, texts: list[str]) -> list[str]:
    """Short forms of the reporting organisation's name that the report uses (X保险集团 -> X保险, X集团).

    Only forms of four or more characters, so that a bare brand word (a common word, often) is never
    taken for the organisation.
    """
    from extract.resolve import org_core

    core = org_core(reporter)
    if len(core) < 2:
        return []
    candidates = {core + "保险", core + "集团", core + "保险集团", core + "控股", core + "金融", core + "集团公司"}
    joined = "\n".join(texts)
    # used as a name of its own: somewhere not followed by more of a longer name (X金融中心, X金融科技…)
    standalone = lambda v: re.search(re.escape(v) + r"(?:$|[^\u4e00-\u9fffA-Za-z0-9（(]|[的与和在是为将已及等旗持坚始积均])", joined)  # noqa: E731
    return sorted(v for v in candidates if len(v) >= 4 and v != reporter and standalone(v))


def member_short_forms(members: set[str], texts: list[str], gaz: Gazetteer) -> list[tuple[str, str]]:
    """A member company's name without its legal form (X养老保险股份有限公司 -> X养老), when the report
    uses that short form and it is not already a known name."""
    from extract.resolve import org_core

    joined = "\n".join(texts)
    out = []
    for full in sorted(members):
        core = org_core(full)
        if len(core) >= 4 and core != full and core not in gaz.labels and core in joined:
            out.append((core, full))
    return out


def _is_heading(text: str) -> bool:
    """A short line without sentence punctuation: a section or table heading."""
    text = re.sub(r"^(?:[一二三四五六七八九十]+|\d{1,2})[、.．]\s*", "", text)
    return len(text) <= 15 and not re.search(r"[，。；、：:]", text)


def _heading_actor(text: str, gaz: Gazetteer) -> str | None:
    stripped = re.sub(r"^(?:案例|专栏)\s*[0-9一二三四五六七八九十]*[:：]?", "", text.strip())
    if len(stripped) <= 30 and stripped in gaz.labels and gaz.labels[stripped] == "ORG":
        return stripped
    m = re.match(r"^(?:案例|专栏)\s*[0-9一二三四五六七八九十]*[:：|｜]\s*(?P<rest>.+)$", text.strip())
    if m:
        for s, e, name, label in gaz.find(m.group("rest")):
            if label == "ORG" and s <= 2:
                return name
    return None


__all__ = ["extract_document", "REPORTER"]

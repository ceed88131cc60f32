"""Alias resolution: surface forms -> one entity per real thing, with a merge log.

Rules (each merge records its reason):
- ``以下简称`` definitions: the short form is the defined entity.
- organisation cores: names that are equal once legal suffixes (有限责任公司, 集团, 公司 …), a trailing
  保险 and a leading country are dropped are one organisation (晨光保险集团有限责任公司 = 晨光保险 = 晨光集团).
- 我们/集团/公司 and facts with no named actor: the reporting organisation.
- funds, communities and awards: equal after dropping quotes, spaces, dash variants and a leading year;
  a short community name (友谊社区) is the brand·name community that contains its distinctive part.
"""
from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass

from extract import lexicon as lx
from extract import names as nm
from extract.amounts import find_amounts
from extract.gazetteer import Gazetteer
from extract.ingest import Document
from extract.confidence import confidence_of
from extract.registry import RELATION_SHAPES
from extract.records import (
    REPORTER, Amount, Entity, Evidence, Extraction, Fact, Merge, ReportInfo, ResolvedFact,
)

KIND_OF_LABEL = {"ORG": "org", "FUND": "fund", "COMMUNITY": "community", "AWARD": "award"}
COUNTRIES = ("中国", "法国", "美国", "德国", "英国", "日本", "韩国", "新加坡", "瑞士", "荷兰", "意大利", "加拿大", "澳大利亚")
_LEGAL_TAIL = re.compile(r"(?:（集团）|\(集团\))?(?:股份有限公司|有限责任公司|有限公司|集团公司|控股集团|集团|公司)$")
_DASH = re.compile(r"\s*[-－—–―]\s*")
_QUOTES = re.compile(r"[“”\"'‘’「」『』《》〈〉\s]")
_YEAR_HEAD = re.compile(r"^(?:19|20)\d{2}(?:年度|年)?")
SIZE_RE = re.compile(r"(?:总规模|认缴规模|目标规模|募集规模|基金规模|发行规模|首期规模|规模|募资|募集资金|募集)(?:为|达|达到|约|超过|超|逾|近)?")
INDUSTRY_WORDS = ("能源", "科技", "国际", "实业")  # X and X科技: one organisation, unless the report says otherwise


def award_key(name: str) -> str:
    """Award comparison key: no quotes, no leading year, no trailing 奖 after a closing quote."""
    key = _YEAR_HEAD.sub("", plain(name))
    return key


def org_core(name: str) -> str:
    """The distinctive part of an organisation name, for matching its variants."""
    core = name
    for _ in range(3):
        core = _LEGAL_TAIL.sub("", core)
    core = re.sub(r"保险$", "", core) if len(core) > 3 else core
    for country in COUNTRIES[1:]:
        if core.startswith(country) and len(core) - len(country) >= 2:
            core = core[len(country):]
    return core


def plain(name: str) -> str:
    """A comparison key for funds, communities and awards: no quotes, spaces or dash variants."""
    return _DASH.sub("-", _QUOTES.sub("", name)).replace("•", "·").replace("・", "·")


@dataclass
class Surface:
    name: str
    label: str
    company: bool
    first_line: int


class _UnionFind:
    def __init__(self) -> None:
        self.parent: dict[str, str] = {}
        self.reason: dict[str, str] = {}

    def find(self, x: str) -> str:
        self.parent.setdefault(x, x)
        while self.parent[x] != x:
            self.parent[x] = self.parent[self.parent[x]]
            x = self.parent[x]
        return x

    def union(self, a: str, b: str, reason: str) -> None:
        ra, rb = self.find(a), self.find(b)
        if ra != rb:
            keep, drop = sorted((ra, rb))
            self.parent[drop] = keep
            self.reason.setdefault(a, reason)
            self.reason.setdefault(b, reason)


class Resolver:
    """Collects surface forms of one report and resolves facts to entities."""

    def __init__(self, document: Document, reporter: str | None, gaz: Gazetteer, members: set[str],
                 alias_pairs: list[tuple[str, str]]) -> None:
        self.document = document
        self.reporter = reporter
        self.gaz = gaz
        self.members = members
        self.alias_pairs = alias_pairs
        self.surfaces: dict[tuple[str, str], Surface] = {}

    # -- collecting ------------------------------------------------------------------------------
    def _note(self, name: str, label: str, line: int, company: bool = False) -> None:
        key = (label, name)
        if key not in self.surfaces:
            self.surfaces[key] = Surface(name, label, company, line)
        else:
            s = self.surfaces[key]
            s.first_line = min(s.first_line, line) if s.first_line else line
            s.company = s.company or company

    def add_mentions(self, doc) -> None:
        unit = doc.user_data.get("csr_unit")
        for m in doc._.csr_mentions or []:
            if m.label in KIND_OF_LABEL:
                self._note(m.name, m.label, unit.line_at(m.start) if unit else 0, m.company)

    def add_award(self, name: str, line: int) -> None:
        self._note(name, "AWARD", line)

    # -- resolving -------------------------------------------------------------------------------
    def resolve(self, facts: list[Fact]) -> Extraction:
        reporter = self.reporter
        if reporter:
            self._note(reporter, "ORG", self._first_line_of(reporter), True)
        for member in self.members:
            self._note(member, "ORG", self._first_line_of(member), True)
        kept: list[Fact] = []
        for f in facts:
            s = reporter if f.subject == REPORTER else f.subject
            o = reporter if f.object == REPORTER else f.object
            if not s or not o:
                continue
            f = Fact(s, f.predicate, o, f.evidence, f.subject_label, f.object_label, f.amount, f.date, f.rule)
            kept.append(f)
            self._note(s, f.subject_label, f.evidence.line, nm.is_company_name(s) or s in self.gaz.companies)
            self._note(o, f.object_label, f.evidence.line, nm.is_company_name(o) or o in self.gaz.companies)

        kept.extend(self._issuers_named_in_awards(reporter))
        uf = _UnionFind()
        for label, name in self.surfaces:
            uf.find(f"{label}\t{name}")
        self._merge_orgs(uf)
        orgs = sorted((n for lab, n in self.surfaces if lab == "ORG" and len(n) >= 2), key=len, reverse=True)

        def fund_key(name: str) -> str:
            key = plain(name)
            for org in orgs:  # "某某资产青禾光伏基金" in a caption: the manager's name glued before the fund
                if key.startswith(org) and len(key) - len(org) >= 4:
                    return key[len(org):]
            return key

        self._merge_by_key(uf, "FUND", fund_key, "same fund name up to quotes, spaces, dashes and a manager's name")
        self._merge_funds_by_deal(uf, kept)
        self._merge_by_key(uf, "AWARD", award_key, "same award name up to quotes and a leading year")
        self._merge_award_variants(uf)
        self._merge_communities(uf)

        brands = {re.split(r"[·•・]", n)[0] for lab, n in self.surfaces if lab == "COMMUNITY" and re.search(r"[·•・]", n)}
        for key in [k for k in self.surfaces if k[0] == "COMMUNITY" and k[1] in brands]:
            del self.surfaces[key]  # the brand of a chain of communities is not itself a community
        kept = [f for f in kept if not (f.object_label == "COMMUNITY" and f.object in brands)]
        clusters: dict[str, list[Surface]] = {}
        for (label, name), surface in self.surfaces.items():
            clusters.setdefault(uf.find(f"{label}\t{name}"), []).append(surface)

        entity_of: dict[tuple[str, str], Entity] = {}
        entities: dict[str, Entity] = {}
        merges: list[Merge] = []
        for root, members in sorted(clusters.items()):
            entity = self._entity(members)
            entities[entity.key] = entity
            for s in members:
                entity_of[(s.label, s.name)] = entity
                if s.name != entity.label:
                    reason = uf.reason.get(f"{s.label}\t{s.name}", "same name")
                    merges.append(Merge(s.name, entity.key, reason, s.first_line))

        reporter_key = entity_of[("ORG", reporter)].key if reporter and ("ORG", reporter) in entity_of else None
        # the reporting organisation is the group, never a member (``_type`` takes Subsidiary from it): a
        # subsidiaryOf read for it (子公司有A、B、C where C is also the name seen most) is dropped with it
        resolved = [f for f in self._resolve_facts(kept, entity_of)
                    if not (f.predicate == "subsidiaryOf" and f.subject == reporter_key)]
        used = {f.subject for f in resolved} | {f.object for f in resolved}
        member_keys = {entity_of[("ORG", m)].key for m in self.members if ("ORG", m) in entity_of}
        listed = {entity_of[("ORG", m)].key for m in self.gaz.listed if ("ORG", m) in entity_of}
        # named funds and awards are entities even when no relation was read for them
        standalone = {e.key for e in entities.values() if e.kind in ("award", "fund")}
        keep = used | member_keys | listed | standalone | ({reporter_key} if reporter_key else set())
        final = {k: e for k, e in entities.items() if k in keep}
        self._type(final, resolved, reporter_key, member_keys)
        # a member's parent is a company (the range of csr:subsidiaryOf): one read for anything else (a name
        # run into its cue, 子公司有X基金会) is no fact, whichever rule read it
        resolved = [f for f in resolved if f.predicate != "subsidiaryOf" or "Company" in final[f.object].types]
        self._attributes(final, resolved)
        merges = [m for m in merges if m.entity in final]
        info = ReportInfo(self.document.doc_id, self.document.source_file, self.document.checksum, reporter_key)
        return Extraction(info, sorted(final.values(), key=lambda e: e.key), resolved,
                          sorted(merges, key=lambda m: (m.entity, m.surface)))

    def _first_line_of(self, name: str) -> int:
        for unit in self.document.units:
            i = unit.text.find(name)
            if i >= 0:
                return unit.line_at(i)
        return 0

    def _issuers_named_in_awards(self, reporter: str | None) -> list[Fact]:
        """An award named after its issuer (某某报“年度…奖”, or an abbreviation such as 中保协 for
        中国保险行业协会) was conferred by that organisation."""
        issuers = [n for (label, n), s in self.surfaces.items()
                   if label == "ORG" and n != reporter and n not in self.members and nm.org_suffix(n) and not s.company]
        facts = []
        for (label, award), surface in sorted(self.surfaces.items()):
            if label != "AWARD":
                continue
            head = re.sub(r"^(?:(?:19|20)\d{2}(?:-\d{4})?(?:年度|年)?|第[一二三四五六七八九十\d]+届)+", "", plain(award))
            found = [org for org in issuers if head.startswith(org)] or [
                org for org in issuers for k in (3, 4) if _abbreviates(head[:k], org) and _word_end(head, k)]
            if found:
                # the most compact name for an abbreviation (中保协: 中国保险行业协会, not a longer 中国保险…协会)
                issuer = min(sorted(set(found)), key=len)
                ev = Evidence(award, surface.first_line)
                facts.append(Fact(award, "awardedBy", issuer, ev, "AWARD", "ORG", rule="award.issuer-in-name"))
        return facts

    def _merge_orgs(self, uf: _UnionFind) -> None:
        orgs = [name for label, name in self.surfaces if label == "ORG"]
        for alias, name in self.alias_pairs:
            for label in ("ORG", "FUND"):
                if (label, alias) in self.surfaces and (label, name) in self.surfaces:
                    uf.union(f"{label}\t{alias}", f"{label}\t{name}", "以下简称 definition")
        by_core: dict[str, list[str]] = {}
        for name in orgs:
            core = org_core(name)
            if len(core) >= 2:
                by_core.setdefault(core, []).append(name)
        for core, names in by_core.items():
            for other in names[1:]:
                uf.union(f"ORG\t{names[0]}", f"ORG\t{other}", "same organisation name without legal suffix")
        cores = sorted(by_core)
        defined = {alias for alias, _ in self.alias_pairs} | set(self.members)
        # b = a + an industry word: look a up from b (a dictionary look-up, not every pair of cores)
        pairs = sorted((b[: -len(word)], b) for b in cores for word in INDUSTRY_WORDS
                       if b.endswith(word) and b[: -len(word)] in by_core)
        for a, b in pairs:
            if any(n in defined for n in by_core[b]):
                continue  # X科技 that the report defines or lists as a member is a company of its own
            uf.union(f"ORG\t{by_core[a][0]}", f"ORG\t{by_core[b][0]}", "same organisation: name plus industry word")

    def _merge_by_key(self, uf: _UnionFind, label: str, key, reason: str) -> None:
        seen: dict[str, str] = {}
        for lab, name in sorted(self.surfaces):
            if lab != label:
                continue
            k = key(name)
            if k in seen:
                uf.union(f"{label}\t{seen[k]}", f"{label}\t{name}", reason)
            else:
                seen[k] = name

    def _merge_funds_by_deal(self, uf: _UnionFind, facts: list[Fact]) -> None:
        """A fund described (户用光伏投资基金) and the same fund named (某某光惠基金): the same size and
        the same co-founders besides the group itself make them one fund."""
        deals: dict[str, tuple[float | None, set[str]]] = {}
        for f in facts:
            if f.predicate == "sponsorOf" and f.object_label == "FUND":
                size, sponsors = deals.get(f.object, (None, set()))
                amount = fund_size(f.evidence.sentence) or f.amount
                deals[f.object] = (size or (amount.value if amount else None), sponsors | {f.subject})
        names = sorted(deals)
        for i, a in enumerate(names):
            for b in names[i + 1:]:
                (size_a, sp_a), (size_b, sp_b) = deals[a], deals[b]
                shared = (sp_a & sp_b) - {self.reporter}
                if size_a and size_a == size_b and shared:
                    uf.union(f"FUND\t{a}", f"FUND\t{b}", "same fund: same size and the same co-founders")

    def _merge_award_variants(self, uf: _UnionFind) -> None:
        """A short award name inside a longer one of the same report is the same award: the series name
        (金盾奖 in 2024保险业年度风控金盾奖) or the category without its programme."""
        keys = sorted({award_key(name): name for label, name in self.surfaces if label == "AWARD"}.items())
        for short_key, short in keys:
            if len(short_key) < 3:
                continue
            longer = [(k, n) for k, n in keys if k != short_key and short_key in k]
            if len(longer) != 1:
                continue
            long_key, long_name = longer[0]
            suffix = long_key.endswith(short_key)
            if (suffix and short_key.endswith("奖")) or (len(short_key) >= 8 and len(short_key) / len(long_key) >= 0.5):
                uf.union(f"AWARD\t{short}", f"AWARD\t{long_name}", "award name inside a longer form of it")

    def _merge_communities(self, uf: _UnionFind) -> None:
        names = sorted(name for label, name in self.surfaces if label == "COMMUNITY")
        for alias, name in self.alias_pairs:
            if ("COMMUNITY", name) in self.surfaces:
                self._note(alias, "COMMUNITY", self.surfaces[("COMMUNITY", name)].first_line)
                uf.union(f"COMMUNITY\t{alias}", f"COMMUNITY\t{name}", "short form in a list (A、B等…社区)")
        self._merge_by_key(uf, "COMMUNITY", plain, "same community name up to spaces and dots")
        for short in names:
            if nm.is_brand_community(short):
                continue
            tails = [n for n in names if nm.is_brand_community(n) and re.split(r"[·•・]", n)[-1] == short]
            if len(tails) == 1:  # 成都浣花颐养社区 = 品牌·成都浣花颐养社区
                uf.union(f"COMMUNITY\t{short}", f"COMMUNITY\t{tails[0]}", "a brand·name community without its brand")
                continue
            m = re.fullmatch(r"(.{2,4})(?:社区|中心)", short)
            if not m:
                continue
            core = m.group(1)
            longer = [n for n in names if n != short and nm.is_brand_community(n) and _in_order(core, re.split(r"[·•・]", n)[-1])]
            if len(longer) == 1:
                uf.union(f"COMMUNITY\t{short}", f"COMMUNITY\t{longer[0]}", "short name of a brand·name community")

    def _entity(self, members: list[Surface]) -> Entity:
        label = members[0].label
        names = [s.name for s in members]
        if label == "ORG":
            legal = [n for n in names if re.search(r"(?:有限公司|有限责任公司|股份有限公司)$", n)]
            canonical = max(legal or names, key=lambda n: (len(n), n))
        else:
            canonical = max(names, key=lambda n: (len(plain(n)), n))
        canonical = _tidy_label(canonical)
        kind = KIND_OF_LABEL[label]
        key = f"{kind}/{hashlib.sha1(plain(canonical).encode('utf-8')).hexdigest()[:12]}"
        aliases = {_tidy_label(n) for n in names} - {canonical}
        first = min((s.first_line for s in members if s.first_line), default=0)
        entity = Entity(key, canonical, kind, aliases=aliases, first_line=first)
        entity.types = {"Company"} if label == "ORG" and any(s.company for s in members) else set()
        return entity

    def _resolve_facts(self, facts: list[Fact], entity_of) -> list[ResolvedFact]:
        out: dict[tuple, ResolvedFact] = {}
        for f in facts:
            s_label, o_label = f.subject_label, f.object_label
            shape = RELATION_SHAPES[f.predicate]
            if s_label not in shape[0] or o_label not in shape[1]:
                continue
            s = entity_of.get((s_label, f.subject))
            o = entity_of.get((o_label, f.object))
            if not s or not o or s.key == o.key:
                continue
            subj, obj = s.key, o.key
            if f.predicate == "partnerOf" and obj < subj:
                subj, obj = obj, subj
            key = (subj, f.predicate, obj, f.evidence.line)
            if key not in out:
                out[key] = ResolvedFact(subj, f.predicate, obj, f.evidence, f.amount, f.date, f.rule,
                                        confidence_of(f.rule, f.predicate))
        return sorted(out.values(), key=lambda f: (f.subject, f.predicate, f.object, f.evidence.line))

    def _type(self, entities: dict[str, Entity], facts: list[ResolvedFact], reporter: str | None,
              members: set[str]) -> None:
        role = {
            "subsidiaryOf": ("Subsidiary", None), "shareholderOf": ("Company", "Company"),
            "partnerOf": ("Partner", "Partner"), "sponsorOf": (None, "Fund"), "investsIn": (None, None),
            "operates": (None, "Community"), "serves": (None, "Community"), "receivedAward": (None, "Award"),
            "awardedBy": ("Award", None),
        }
        for e in entities.values():
            if e.kind == "fund":
                e.types.add("Fund")
            elif e.kind == "community":
                e.types.add("Community")
            elif e.kind == "award":
                e.types.add("Award")
            elif e.kind == "org":
                e.types.add("Organization")
        for f in facts:
            s_type, o_type = role[f.predicate]
            if s_type and entities[f.subject].kind == "org":
                entities[f.subject].types.add(s_type)
            if o_type and entities[f.object].kind == "org":
                entities[f.object].types.add(o_type)
            if f.predicate == "sponsorOf" and entities[f.subject].kind == "org" and f.subject != reporter:
                # a co-founder of a fund that the group or a member also set up is the group's partner
                own = {g.subject for g in facts if g.predicate == "sponsorOf" and g.object == f.object}
                if f.subject not in members and own & (members | {reporter}):
                    entities[f.subject].types.add("Partner")
            if f.predicate == "investsIn" and entities[f.object].kind == "org":
                entities[f.object].types.add("Company")
        for key in members:
            if key in entities:
                entities[key].types |= {"Subsidiary", "Company"}
        for e in entities.values():
            if e.kind == "org" and e.label in self.gaz.listed:
                e.types.add("Company")
        if reporter and reporter in entities:
            entities[reporter].types.add("Company")
            entities[reporter].types.discard("Partner")
            entities[reporter].types.discard("Subsidiary")
        for e in entities.values():
            if "Subsidiary" in e.types:
                e.types.discard("Partner")
            if "Partner" in e.types and e.kind == "org" and nm.is_company_name(e.label):
                e.types.add("Company")

    def _attributes(self, entities: dict[str, Entity], facts: list[ResolvedFact]) -> None:
        for f in facts:
            obj = entities[f.object]
            if f.predicate in ("operates", "serves") and obj.kind == "community":
                if f.predicate == "operates" or obj.community_kind is None:
                    obj.community_kind = "operated" if f.predicate == "operates" else "served"
                if not obj.city:
                    obj.city = community_city(obj, f.evidence.sentence)
                if f.predicate == "operates" and not obj.opening_date and f.date and re.search(
                        r"开业|启幕|运营|落地|开园|投入使用", f.evidence.sentence):
                    obj.opening_date = f.date
            if f.predicate in ("sponsorOf", "investsIn") and obj.kind == "fund" and obj.size is None:
                obj.size = fund_size(f.evidence.sentence)
        for e in entities.values():
            if e.kind == "community" and not e.city:
                e.city = lx.city_in(e.label) or next((lx.city_in(a) for a in sorted(e.aliases) if lx.city_in(a)), None)


def community_city(entity: Entity, sentence: str) -> str | None:
    """The community's city: from its name, else from the sentence right before its name (位于北京…)."""
    for name in [entity.label, *sorted(entity.aliases)]:
        city = lx.city_in(name.split("·")[-1]) or lx.city_in(name)
        if city:
            return city
    for name in [entity.label, *sorted(entity.aliases)]:
        i = sentence.find(name)
        if i > 0:
            m = re.search(r"位于(?P<place>[^，。；]{2,12}?)的?[^，。；]*$", sentence[:i])
            if m and lx.city_in(m.group("place")):
                return lx.city_in(m.group("place"))
        if i >= 0:
            after = sentence[i + len(name): i + len(name) + 14]
            m = re.match(r"^(?:[（(](?P<paren>[^）)]{2,10})[）)]|(?:位于|坐落于|地处|落户)(?P<at>[^，。；]{2,10}))", after)
            if m and lx.city_in(m.group("paren") or m.group("at")):
                return lx.city_in(m.group("paren") or m.group("at"))
    return None


def fund_size(sentence: str) -> Amount | None:
    """The fund's size: an amount said with 规模 in a sentence that names the fund."""
    amounts = find_amounts(sentence)
    for m in SIZE_RE.finditer(sentence):
        for s, _, amount in amounts:
            if m.start() < s <= m.end() + 4:
                return amount
    for s, e, amount in amounts:
        if sentence[e: e + 4].startswith(("规模", "的规模")):
            return amount
    return None


def _word_end(text: str, k: int) -> bool:
    """Whether jieba's segmentation of ``text`` has a word boundary after ``k`` characters."""
    import jieba

    pos = 0
    for token in jieba.cut(text, HMM=False):
        pos += len(token)
        if pos >= k:
            return pos == k
    return pos == k


def _abbreviates(short: str, name: str) -> bool:
    """中保协 for 中国保险行业协会: same first character, the rest in order, the last one from the suffix."""
    suffix = nm.org_suffix(name) or ""
    return (len(short) >= 3 and len(name) >= 2 * len(short) and short[0] == name[0] and bool(suffix)
            and short[-1] in suffix and _in_order(short, name))


def _in_order(chars: str, text: str) -> bool:
    """Whether ``chars`` appear in ``text`` in order (东滩颐养 in 上海东滩国际颐养社区)."""
    it = iter(text)
    return all(ch in it for ch in chars)


def _tidy_label(name: str) -> str:
    return name.strip()

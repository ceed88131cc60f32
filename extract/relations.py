"""Relation rules: from one sentence and its mentions to facts between surface forms.

Each rule is a small function keyed by the cue words CSR reports use for one relation; who acts in a
clause is decided in ``extract.sentence``.
"""
from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import replace

from extract import cues
from extract import lexicon as lx
from extract import names as nm
from extract.amounts import find_amounts, first_date
from extract.records import REPORTER, Amount, Fact
from extract.sentence import (
    SELF_RE, TOPIC_SHIFT, Context, M, Sentence, clause_bounds, clause_subject, named_actor, orgs_in,
    orgs_in_after, sentence_subject,
)


def amount_near(text: str, start: int, end: int) -> Amount | None:
    """The first amount inside [start, end) of the sentence."""
    for s, _, amount in find_amounts(text):
        if start <= s < end:
            return amount
    return None


def _fact(sent: Sentence, s: str, p: str, o: str, pos: int, s_label="ORG", o_label="ORG",
          amount: Amount | None = None, rule: str = "") -> Fact:
    return Fact(s, p, o, sent.evidence(pos), s_label, o_label, amount, first_date(sent.text), rule)


# --- subsidiaryOf -------------------------------------------------------------------------------
MEMBER_LIST_RE = re.compile(
    r"(?P<cue>下设|旗下(?:还|也|另)?(?:拥有|设有|有|包括)?|设有|拥有|包括|控股(?!有限|集团|股份|公司))(?P<list>[^。；：]{2,320}?)(?:等)?(?:\d+家|[一二三四五六七八九十]+家)?"
    rf"(?:专业)?(?:{cues.alternation('member', 'noun')})"
)
_PAREN = re.compile(r"[（(][^（）()]*(?:[（(][^（）()]*[）)][^（）()]*)*[）)]")
SUB_OF_RE = re.compile(r"(?P<child>[^，。；]{2,30}?)(?:是|为|系)(?P<parent>[^，。；]{0,30}?)(?:旗下|下属|的)+(?:全资|控股)?(?:子公司|成员公司)")


def _member_matches(text: str) -> Iterator[re.Match[str]]:
    """MEMBER_LIST_RE over the text with bracketed asides blanked (so their commas do not count); a 控股
    list ends at its clause, and the rest of the sentence is searched again."""
    masked = _PAREN.sub(lambda m: "\u3000" * len(m.group(0)), text)
    pos = 0
    while True:
        m = MEMBER_LIST_RE.search(masked, pos)
        if not m:
            return
        comma = masked.find("，", m.start("list"), m.end("list"))
        if m.group("cue") == "控股" and comma >= 0:
            pos = comma + 1
            continue
        yield m
        pos = m.end()


MEMBERS_FOLLOW_RE = re.compile(
    r"(?:成员公司|子公司|附属公司|控股公司|专业子公司)(?:主要)?(?:包括|有|为|分别为|如下)[:：]?(?P<list>[^。；]{4,400})"
)


def members_after_colon(text: str) -> Iterator[tuple[int, list[str]]]:
    """``主要子公司包括：A（“a”）、B、以及专注于…的C`` -> (position, [A, B, C]): each item's
    organisation name (a legal name, so that descriptions before it fall away)."""
    masked = _PAREN.sub(lambda m: "\u3000" * len(m.group(0)), text)
    for m in MEMBERS_FOLLOW_RE.finditer(masked):
        items, pos = [], m.start("list")
        for piece in re.split(r"(、|，|,|以及|及|和)", m.group("list")):
            part = text[pos:pos + len(piece)]  # the original text: keep 有限公司（香港） asides inside names
            pos += len(piece)
            found = nm.find_legal_orgs(_PAREN.sub(lambda p: "" if "简称" in p.group(0) or "“" in p.group(0) else p.group(0), part))
            if found:
                items.append(found[0].name)
        if len(items) >= 2:
            yield m.start(), items


def member_lists(text: str) -> Iterator[tuple[int, list[str]]]:
    """``下设A、B、C等成员公司`` -> (position, [A, B, C])."""
    yield from members_after_colon(text)
    for m in _member_matches(text):
        items = [re.sub(r"^(?:包括|有|为|拥有)", "", x) for x in nm.split_list(m.group("list").replace("\u3000", ""))]
        items = [re.sub(r"^(?:还有|另有|也有|还|拥有|包括)", "", x) for x in items]
        items = [x for x in items if 3 <= len(x) <= 30 and not re.search(r"\d|^[一二三四五六七八九十几多数若干]+[个家所]|省|分支|机构|的|^在", x)
                 and not re.search(r"委员会|管理$|战略|目标|架构|小组|部门|中心$", x)]
        if items:
            yield m.start(), items


MEMBERS_DESCRIBED_RE = re.compile(
    r"(?P<list>[\u4e00-\u9fffA-Za-z（）()]{2,16}(?:(?:、|和|及|与|以及)[\u4e00-\u9fffA-Za-z（）()]{2,16}){0,8}?)"
    r"(?:[一二三四五六七八九十两\d]+(?:者|家(?:公司)?))?(?:均|都|皆|同)?(?:为|是|系)"
    rf"(?P<parent>{cues.alternation('self', 'group', 'company')})的?(?:直接|间接)?(?:全资|控股|绝对控股)?(?:子公司|成员公司|附属公司|成员单位)"
)
NAMED_MEMBER_RE = re.compile(
    r"(?:全资|控股|下属)子公司(?P<name>[\u4e00-\u9fffA-Za-z]{2,10}?)(?=作为|成为|为|在|与|是|于|将|已|通过|依托|围绕|聚焦|坚持|发挥|持续|积极|联合|携手|荣获|获评|获|，|。|、)"
)
_NOT_A_NAME = re.compile(r"\d|^(?:其|该|各|其他|上述|以上|下属|旗下|主要|多家|部分|所有|境内|境外|这|此)|(?:业务|公司|集团)$")


def members_described(text: str) -> Iterator[tuple[int, list[str]]]:
    """Members named by their short names in a sentence about them: ``X、Y均为公司控股子公司``,
    ``X、Y和Z三者均为本公司的全资子公司``, ``全资子公司X为…提供…``. The parent is the reporting organisation."""
    for m in MEMBERS_DESCRIBED_RE.finditer(text):
        raw = re.sub(r"^(?:其中|此外|同时|另外|目前)[，,]?", "", m.group("list"))
        raw = re.sub(r"(?:[一二三四五六七八九十两\d]+(?:者|家(?:公司)?))?(?:均|都|皆|同)?$", "", raw)
        items = [x for x in re.split(r"、|以及|和|及|与", raw) if x]
        items = [x for x in items if 2 <= len(x) <= 16 and not _NOT_A_NAME.search(x)]
        if items:
            yield m.start(), items
    for m in NAMED_MEMBER_RE.finditer(text):
        name = m.group("name")
        if not _NOT_A_NAME.search(name):
            yield m.start("name"), [name]


def controlled_lists(text: str) -> Iterator[tuple[int, list[str]]]:
    """Member lists introduced by 控股: the parent also holds shares in each member."""
    masked = _PAREN.sub(lambda m: "\u3000" * len(m.group(0)), text)
    for m in re.finditer(r"(?<![\u4e00-\u9fff]{2}[投资])控股(?!有限|集团|股份|公司|子公司|股东|比例|权|地位|[由与和在是为将已以的及、，])(?P<list>[^，。；：]{2,200}?)(?=[，。；]|$)", masked):
        items = [x for x in nm.split_list(m.group("list").replace("\u3000", ""))
                 if 2 <= len(x) <= 30 and nm.org_suffix(x) and not re.match(r"(?:的|之|地)", x)]
        if items:
            yield m.start(), items


def rule_subsidiary(sent: Sentence, ctx: Context) -> Iterator[Fact]:
    # "X是集团（旗下）的全资子公司" / "X为Y的控股子公司"
    for m in SUB_OF_RE.finditer(sent.text):
        children = orgs_in(sent, m.start("child"), m.end("child"))
        parents = orgs_in(sent, m.start("parent"), m.end("parent"))
        parent = parents[-1].name if parents else (
            REPORTER if re.fullmatch(r"(?:本|我|该)?(?:集团|公司)", m.group("parent")) else None)
        if children and parent and children[-1].name != parent:
            yield _fact(sent, children[-1].name, "subsidiaryOf", parent, m.start(), rule="sub.is-subsidiary-of")
    # "集团旗下X公司…" / "Y全资子公司X": one named member
    for m in re.finditer(r"(?P<parent>集团|本集团|公司)?(?:旗下|下属)(?:的)?(?:全资|控股)?(?:子公司)?|(?:全资|控股)子公司", sent.text):
        child = [o for o in orgs_in_after(sent, m.end(), m.end() + 1) if o.company]
        if not child or m.end() == m.start():
            continue
        before = [o for o in sent.mentions if o.label == "ORG" and o.end == m.start()]
        if before and not before[0].company:
            continue  # X基金会旗下Y银行: the parent of a member company is a company (ontology: range csr:Company)
        parent = before[0].name if before else (REPORTER if m.group("parent") or m.start() == 0 else None)
        if parent and parent != child[0].name:
            yield _fact(sent, child[0].name, "subsidiaryOf", parent, m.start(), rule="sub.named-member")
    for pos, items in member_lists(sent.text):
        subject, _ = clause_subject(sent, pos, ctx)
        for item in items:
            yield _fact(sent, item, "subsidiaryOf", subject, pos, rule="sub.member-list")
    for pos, items in members_described(sent.text):
        for item in items:
            yield _fact(sent, item, "subsidiaryOf", REPORTER, pos, rule="sub.described-members")
    for pos, items in controlled_lists(sent.text):
        subject, _ = clause_subject(sent, pos, ctx)
        for item in items:
            yield _fact(sent, subject, "shareholderOf", item, pos, rule="share.controls-list")
            yield _fact(sent, item, "subsidiaryOf", subject, pos, rule="sub.controls-list")


# --- shareholderOf ------------------------------------------------------------------------------
FOUNDED_BY_RE = re.compile(r"由(?P<list>[^。；]{2,150}?)(?:共同|联合)?(?:出资|发起)(?:设立|成立|组建)")
HELD_BY_RE = re.compile(r"由(?P<holder>[^，。；、]{2,40}?)(?:控股|全资控股|绝对控股|持股|参股)")


SHAREHOLDER_LIST_RE = re.compile(r"(?P<list>[^。；：]{2,200}?)等?(?:为|是)(?P<target>公司|本公司|集团|本集团|[^，。；]{2,20}?)的?(?:主要|第一大|控股|重要)?(?:[AH]股)?股东")


def rule_shareholder(sent: Sentence, ctx: Context) -> Iterator[Fact]:
    subject = sent.subject or ctx.actor
    for m in SHAREHOLDER_LIST_RE.finditer(sent.text):
        target_text = m.group("target")
        known = orgs_in(sent, m.start("target"), m.end("target"))
        target = known[0].name if known else (ctx.actor if target_text in ("公司", "本公司", "集团", "本集团") else None)
        if target is None:
            continue
        for org in orgs_in(sent, m.start("list"), m.end("list")):
            if org.company and org.name != target:
                yield _fact(sent, org.name, "shareholderOf", target, m.start(), rule="share.shareholder-list")
    # "与Y共同出资设立Z公司": both founders hold shares in Z
    for m in re.finditer(r"(?:共同|联合)?出资(?:设立|成立|组建)", sent.text):
        created = [o for o in orgs_in_after(sent, m.end(), m.end() + 3) if o.company]
        if not created:
            continue
        founder, label = clause_subject(sent, m.start(), ctx)
        founders = ([founder] if label == "ORG" else []) + [o.name for p, o in partner_args(sent) if p < m.start()]
        for name in founders:
            if name != created[0].name:
                yield _fact(sent, name, "shareholderOf", created[0].name, m.start(), rule="share.co-founded-company")
    # "…参与X公司增资扩股，成为其战略股东"
    for m in re.finditer(r"成为(?:其|该公司)的?(?:第[一二三四五六七八九十\d]+大|战略|重要|主要)?股东", sent.text):
        before = [o for o in sent.mentions if o.label == "ORG" and o.end <= m.start() and o.company]
        holder, label = clause_subject(sent, m.start(), ctx)
        if before and label == "ORG" and before[-1].name != holder:
            yield _fact(sent, holder, "shareholderOf", before[-1].name, m.start(), rule="share.became-shareholder")
    for m in re.finditer(r"(?:是|为|系)(?P<rest>[^，。；]{2,40}?)的?(?:第[一二三四五六七八九十\d]+大|发起|主要|重要|战略|控股|单一最大)股东", sent.text):
        holder, label = clause_subject(sent, m.start(), ctx)
        targets = [o.name for o in orgs_in(sent, m.start("rest"), m.end("rest"))]
        if not targets and re.match(r"(?:本|我)?(?:公司|集团)", m.group("rest")):
            targets = [ctx.actor]
        if not targets and re.match(r"其", m.group("rest")):
            before = [o for o in sent.mentions if o.label == "ORG" and o.end <= m.start() and o.name != holder]
            targets = [before[-1].name] if before else []
        for target in targets[-1:]:
            if label == "ORG" and target != holder:
                yield _fact(sent, holder, "shareholderOf", target, m.start(), rule="share.is-shareholder")
    for m in re.finditer(r"持有(?P<target>本公司|公司|本集团|集团)(?:[AH]股|股份|股权)?(?:约|逾|超过)?[\d.]+%", sent.text):
        holder, label = clause_subject(sent, m.start(), ctx)
        if label == "ORG" and holder != REPORTER:
            yield _fact(sent, holder, "shareholderOf", ctx.actor, m.start(), rule="share.holds-reporter-shares")
    for m in re.finditer(r"(?:参股|入股)(?=[\u4e00-\u9fff])", sent.text):
        holder, label = clause_subject(sent, m.start(), ctx)
        for org in orgs_in_after(sent, m.end(), m.end() + 1):
            if label == "ORG" and org.company and org.name != holder:
                yield _fact(sent, holder, "shareholderOf", org.name, m.start(), rule="share.stake-taken")
    for m in re.finditer(r"(?:分别)?持有(?P<rest>[^。；]{2,120}?)的?(?:股份|股权)(?!有限)", sent.text):
        holder, label = clause_subject(sent, m.start(), ctx)
        if label != "ORG":
            continue
        for org in orgs_in(sent, m.start("rest"), m.end("rest")):
            after = re.sub(r"^[（(][^）)]*[）)]", "", sent.text[org.end:org.end + 40])
            if org.name != holder and re.match(r"^(?:[AH]股)?(?:约|逾|超过)?[\d.]+%", after):
                yield _fact(sent, holder, "shareholderOf", org.name, m.start(), rule="share.holds-percent")
    for regex, group in ((FOUNDED_BY_RE, "list"), (HELD_BY_RE, "holder")):
        for m in regex.finditer(sent.text):
            # the company founded / held is the organisation just before 由, or the sentence subject
            before = [x for x in sent.mentions if x.label == "ORG" and x.end <= m.start() and m.start() - x.end <= 12]
            if before:
                target = before[-1].name
            elif SELF_RE.match(sent.text[max(0, m.start() - 4): m.start()]) or sent.subject and sent.subject_label == "ORG":
                target = subject
            else:
                continue  # founded/held thing is not an organisation we know (该基金由…发起设立)
            for org in orgs_in(sent, m.start(group), m.end(group)):
                if org.company and org.name != target:
                    yield _fact(sent, org.name, "shareholderOf", target, m.start(), rule="share.founded-or-held-by")


# --- partnerOf ----------------------------------------------------------------------------------
COOP_VERBS = f"(?:{cues.alternation('partner', 'joint')})"
PARTNER_PATTERNS = (
    re.compile(rf"与(?P<list>[^，。；]{{2,80}}?){COOP_VERBS}"),
    re.compile(rf"(?:{cues.alternation('partner', 'lead')})(?P<list>[^，。；]{{2,80}}?)(?={COOP_VERBS}|与|在|于|[，。；]|$)"),
    re.compile(rf"(?:{cues.alternation('partner', 'list')})(?:为|是|包括)(?P<list>[^。；]{{2,80}}?)(?=[。；]|$)"),
)


def partner_args(sent: Sentence) -> Iterator[tuple[int, M]]:
    """Organisations named as the other side of a joint action."""
    seen = set()
    for regex in PARTNER_PATTERNS:
        for m in regex.finditer(sent.text):
            for org in orgs_in(sent, m.start("list"), m.end("list")) + _fund_named_orgs(sent, m.start("list"), m.end("list")):
                if org.name not in seen:
                    seen.add(org.name)
                    yield m.start(), org


def _fund_named_orgs(sent: Sentence, start: int, end: int) -> list[M]:
    """A firm named like a fund (远帆基金) that acts as a partner is an organisation, not a fund."""
    out = []
    for m in sent.mentions:
        if m.label == "FUND" and m.start == start and m.end <= end and len(m.name) <= 6:
            if re.match(r"(?:与|和|、|共同|签署|联合|合作)", sent.text[m.end: m.end + 3]):
                out.append(M(m.start, m.end, m.name, "ORG", True))
    return out


def rule_partner(sent: Sentence, ctx: Context) -> Iterator[Fact]:
    if not re.search(r"[，。；！？,;]", sent.text) and not re.match(r"(?:与|携手|联合|联手|协同)", sent.text):
        return  # a table cell or caption (…与…联合发布 in an issuer column), not a statement of cooperation
    for pos, org in partner_args(sent):
        subject, label = clause_subject(sent, pos, ctx)
        if org.name != subject and label == "ORG":
            yield _fact(sent, subject, "partnerOf", org.name, pos, rule="partner.joint-action")


# --- sponsorOf / investsIn ----------------------------------------------------------------------
SPONSOR_CUE = re.compile(f"(?:{cues.alternation('fund', 'sponsor')})")
INVEST_CUE = re.compile(f"(?:{cues.alternation('fund', 'invest')})")


def rule_funds(sent: Sentence, ctx: Context) -> Iterator[Fact]:
    funds = [m for m in sent.mentions if m.label == "FUND"]
    partners = [org.name for _, org in partner_args(sent)]
    for fund in funds:
        ctx.last_fund = fund.name
        named = _named_sponsor(sent, fund)
        if named:
            yield _fact(sent, named, "sponsorOf", fund.name, fund.start, o_label="FUND",
                        amount=amount_near(sent.text, fund.end, len(sent.text)), rule="fund.sponsor-named-before")
            continue
        subject, _ = clause_subject(sent, fund.start, ctx)
        c_start, c_end = clause_bounds(sent.text, fund.start)
        before = sent.text[max(0, fund.start - 40): fund.start]
        clause_before = sent.text[c_start: fund.start]
        sponsor_cues = list(SPONSOR_CUE.finditer(clause_before)) or list(SPONSOR_CUE.finditer(before))
        invest_cues = list(INVEST_CUE.finditer(clause_before))
        last_sponsor = sponsor_cues[-1].end() if sponsor_cues else -1
        last_invest = invest_cues[-1].end() if invest_cues else -1
        sponsor = last_sponsor >= 0 and (last_sponsor > last_invest or clause_before is not before and last_invest < 0)
        if sponsor and not re.search(r"收购|份额|投资于|通过", clause_before):
            size = amount_near(sent.text, c_start, len(sent.text))
            yield _fact(sent, subject, "sponsorOf", fund.name, fund.start, o_label="FUND", amount=size, rule="fund.set-up")
            for partner in partners:
                yield _fact(sent, partner, "sponsorOf", fund.name, fund.start, o_label="FUND", rule="fund.co-founded")
        invest = invest_cues[-1] if invest_cues and last_invest > last_sponsor else None
        if invest and not re.search(r"通过$", clause_before[: invest.start()]) and "收购" not in clause_before:
            amount = amount_near(sent.text, c_start, c_end)
            yield _fact(sent, subject, "investsIn", fund.name, fund.start, o_label="FUND", amount=amount, rule="fund.invested")
        # "…基金，内配出资约7.8亿元" / "…基金缴款，合计出资9亿余元": the investment follows the fund
        after = sent.text[fund.end: fund.end + 30]
        m = re.match(r"^[^。；]{0,12}?(?:出资|认缴|缴款)(?!规模)[^。；]{0,8}?(?=\d|约|超|逾|近)", after)
        if m and not invest:
            amount = amount_near(sent.text, fund.end, fund.end + 40)
            if amount:
                yield _fact(sent, subject, "investsIn", fund.name, fund.end, o_label="FUND", amount=amount, rule="fund.invested-after-name")
    by = re.search(r"由(?P<org>[^，。；]{2,30}?)(?:联合|共同)?(?:发起设立|设立|发起|管理|发行)(?:[，。；]|$)", sent.text)
    if by and ctx.last_fund and not any(f.start > by.start() for f in funds):
        for org in orgs_in(sent, by.start("org"), by.end("org")):
            yield _fact(sent, org.name, "sponsorOf", ctx.last_fund, by.start(), o_label="FUND", rule="fund.set-up-by")
    if ctx.last_fund:
        # "已向基金出资3.72亿元" / "其中，X认缴出资20亿元": the fund named just before
        for m in re.finditer(r"(?:(?:向|对)(?:该|上述)?基金(?:累计|合计)?(?:出资|注资|缴款|投资)|认缴出资|认缴|出资)(?=约|超|逾|近|\d|[一二三四五六七八九十])", sent.text):
            c_start, c_end = clause_bounds(sent.text, m.start())
            if any(c_start <= f.start < c_end for f in funds) or orgs_in_after(sent, m.end(), c_end):
                continue
            before = [f for f in funds if f.end <= m.start()]
            fund = before[-1].name if before else (ctx.last_fund if not funds else None)
            amount = amount_near(sent.text, m.start(), c_end)
            if amount and fund:
                subject, _ = clause_subject(sent, m.start(), ctx)
                yield _fact(sent, subject, "investsIn", fund, m.start(), o_label="FUND", amount=amount, rule="fund.invested-in-named-fund")
    # "向X公司注资30亿元": capital put into a company (through a vehicle or directly)
    for m in re.finditer(r"(?:向|对)(?P<org>[^，。；]{2,30}?)(?:注资|增资|投资|出资)", sent.text):
        targets = [o for o in orgs_in(sent, m.start("org"), m.end("org")) if o.company]
        if targets and targets[-1].end == m.end("org"):
            subject, label = clause_subject(sent, m.start(), ctx)
            c_start, c_end = clause_bounds(sent.text, m.start())
            if label == "ORG" and subject != targets[-1].name:
                amount = amount_near(sent.text, m.end("org"), c_end)
                yield _fact(sent, subject, "investsIn", targets[-1].name, m.start(), amount=amount, rule="invest.capital-into-company")
    # "以约8亿元参与X公司的战略融资" / "投资X公司" / "入股X": a stake in a company
    for m in re.finditer(r"(?:参与|投资|入股|增资|战略投资|领投|跟投)", sent.text):
        if any(x.start <= m.start() < x.end for x in sent.mentions):
            continue  # 投资 inside a name (某某投资)
        c_start, c_end = clause_bounds(sent.text, m.start())
        targets = [o for o in orgs_in_after(sent, m.end(), min(c_end, m.end() + 30)) if o.company and o.start - m.end() <= 2]
        if targets and re.match(r"^[^，。；]{0,6}?(?:的)?(?:战略融资|增资|股权|股份|融资|战略投资)?", sent.text[targets[0].end:]):
            subject, label = clause_subject(sent, m.start(), ctx)
            if label == "ORG" and subject != targets[0].name:
                amount = amount_near(sent.text, c_start, c_end)
                yield _fact(sent, subject, "investsIn", targets[0].name, m.start(), amount=amount, rule="invest.stake-in-company")


_SPONSORED_THE = re.compile(r"^(?:》|”)?(?:联合|共同|独立|作为管理人)?(?:发起设立|设立|发起|管理|发行|推出|受托管理|担任管理人)的")


def _named_sponsor(sent: Sentence, fund: M) -> str | None:
    """``(由)X发起设立的…计划`` / ``由X管理的…基金`` / ``X资产—…债权投资计划``: the organisation named right
    before the verb (in the fund's clause) set it up; a manager's short name before a dash names it too."""
    c_start, _ = clause_bounds(sent.text, fund.start)
    for org in reversed(orgs_in(sent, c_start, fund.start)):
        if _SPONSORED_THE.match(sent.text[org.end: fund.start]):
            return org.name
    dash = re.match(r"^(?P<org>[\u4e00-\u9fffA-Za-z]{2,8})\s*[-－—–―]+", fund.name)
    if dash and dash.group("org") not in ("中国",):
        known = [m.name for m in sent.mentions if m.label == "ORG" and m.name == dash.group("org")]
        if known:
            return known[0]
    return None


OPERATE_CUE = re.compile(cues.alternation("community", "operate"))
SERVE_CUE = re.compile(cues.alternation("community", "serve"))
SERVED_BEFORE = re.compile(f"(?:{cues.alternation('community', 'serve-before')})$")


VILLAGE_END = re.compile(r"(?:村|嘎查|邨)$")  # villages are only ever served, never operated
BRAND_OF_RE = re.compile(
    r"旗下(?:[^“，。；]{0,8})?“(?P<brand>[^”]{2,8})”|(?:投资)?(?:运营|经营|管理)的“?(?P<brand2>[\u4e00-\u9fff]{2,6}?)”?(?=社区|品牌|系列|连锁)"
    r"|(?:负责|承担|主导)(?:[^“，。；]{0,6})“(?P<brand3>[^”]{2,8})”(?=[^，。；]{0,12}(?:投资|建设|运营|经营|管理))"
)
RUN_BY_RE = re.compile(r"^[^。；]{0,30}?由(?P<org>[^，。；]{2,20}?)(?:负责|独立|统一)?(?:运营|经营|管理)")


def brand_named(m: re.Match[str]) -> str:
    """The brand a ``BRAND_OF_RE`` match names, whichever of its forms matched."""
    return m.group("brand") or m.group("brand2") or m.group("brand3")


def _brand_operators(sent: Sentence, ctx: Context) -> None:
    """Remember who runs a chain of communities (X旗下“品牌”, X运营的品牌社区)."""
    for m in BRAND_OF_RE.finditer(sent.text):
        brand = brand_named(m)
        before = [o for o in sent.mentions if o.label == "ORG" and o.end == m.start()]
        operator = before[0].name if before else clause_subject(sent, m.start(), ctx)[0]
        ctx.brand_operators[brand] = operator


def _explicit_operator(sent: Sentence, com: M) -> str | None:
    """``X(投资)运营的Y社区``: the organisation right before 运营的 runs the community."""
    m = re.search(r"(?:投资)?(?:运营|经营|管理|打造|建设)的$", sent.text[max(0, com.start - 8):com.start])
    if not m:
        return None
    cut = max(0, com.start - 8) + m.start()
    before = [o for o in sent.mentions if o.label == "ORG" and o.end == cut]
    return before[0].name if before else None


def rule_communities(sent: Sentence, ctx: Context) -> Iterator[Fact]:
    _brand_operators(sent, ctx)
    for com in (m for m in sent.mentions if m.label == "COMMUNITY"):
        subject, label = clause_subject(sent, com.start, ctx)
        explicit = _explicit_operator(sent, com)
        run_by = RUN_BY_RE.match(sent.text[com.end:])
        if run_by and not explicit:
            # X社区…由Y负责运营: Y runs it
            at = com.end + run_by.start("org")
            inside = orgs_in(sent, at, at + len(run_by.group("org")))
            explicit = inside[-1].name if inside else None
        brand = re.split(r"[·•・]", com.name)[0] if nm.is_brand_community(com.name) else None
        if explicit:
            subject, label = explicit, "ORG"
        elif brand and (not named_actor(sent, com.start) or not OPERATE_CUE.search(sent.text)):
            # a brand·name community with no actor named in its sentence: the chain's operator, else the group
            operator = next((o for b, o in sorted(ctx.brand_operators.items()) if brand.endswith(b)), REPORTER)
            subject, label = operator, "ORG"
        if label != "ORG":
            subject = ctx.actor
        before = sent.text[max(0, com.start - 12): com.start]
        after = sent.text[com.end: com.end + 12]
        served = SERVED_BEFORE.search(before) and SERVE_CUE.search(sent.text)
        served = served or VILLAGE_END.search(com.name) and SERVE_CUE.search(sent.text)
        served = served or re.match(r"^(?:开展|举办|组织|为|与长者)", after) and not nm.is_brand_community(com.name)
        if served and not nm.is_brand_community(com.name) and not run_by:
            yield _fact(sent, subject, "serves", com.name, com.start, o_label="COMMUNITY", rule="community.activity-at")
        elif (OPERATE_CUE.search(sent.text) or nm.is_brand_community(com.name)) and not VILLAGE_END.search(com.name):
            fact = _fact(sent, subject, "operates", com.name, com.start, o_label="COMMUNITY", rule="community.operates")
            if fact.date is None and ctx.year and re.search(r"开业|启幕|正式运营|投入运营|落地|开园", sent.text):
                fact = replace(fact, date=ctx.year)  # a timeline under a year heading
            yield fact


# --- receivedAward / awardedBy ------------------------------------------------------------------
AWARD_CUE_RE = re.compile(
    rf"(?:{cues.alternation('award', 'receive')}|成为(?:[\u4e00-\u9fff]{{0,6}}的)?(?=“))(?!得者|奖者|益|客|取|奖|批|准|悉|赔|得感|取)")
ISSUER_PATTERNS = (
    re.compile(r"(?P<org>[^，。；“”《》]{2,30}?)(?:公布|发布|评选|评定|认定)的(?=[“《]|\d{4})"),
    re.compile(r"由(?P<org>[^，。；]{2,30}?)(?:主办|颁发|评选|发起|举办|授予|联合发布|发布)"),
    re.compile(r"(?:在|于)?(?P<org>[^，。；在于]{2,30}?)(?:主办|举办|颁发|发起|评选)的"),
    re.compile(rf"被(?P<org>[^，。；]{{2,30}}?)(?:{cues.alternation('award', 'passive')})"),
)


def _issuers(sent: Sentence) -> list[tuple[int, str]]:
    out = []
    for regex in ISSUER_PATTERNS:
        for m in regex.finditer(sent.text):
            inside = orgs_in(sent, m.start("org"), m.end("org"))
            if inside:  # the organisation right before 主办/颁发/评为 is the issuer
                out.append((m.start(), inside[-1].name))
            bare = m.group("org").strip("《》“”")
            if not orgs_in(sent, m.start("org"), m.end("org")):
                bare = re.sub(r"^.*?(?:在|于|由|被)", "", bare).strip("《》“”")
                bare = re.sub(r"^\d{4}年(?:\d{1,2}月)?", "", bare).strip("《》“”")
                bare = nm.trim_left(bare).strip("《》“”")
                if nm.org_suffix(bare) and 2 <= len(bare) <= 20:
                    out.append((m.start(), bare))
    return out


GIVEN_BY_RE = re.compile(r"^(?P<org>《[^》]{2,30}》|[^“”《》，。]{2,40}?)(?:联合|共同)?(?:颁发|授予|评选|评定|认定|发布|公布|命名|主办|颁授)的(?P<rest>.+)$")


def _orgs_named(sent: Sentence, text: str) -> list[str]:
    """The organisations named in ``text`` (a piece of the sentence): known mentions, else a bare name with
    an organisation suffix (A、B联合颁发 gives both)."""
    known = [m.name for m in sent.mentions if m.label == "ORG" and m.name in text]
    if known:
        return known
    return [p for p in (nm.trim_left(x) for x in nm.issuer_names(text)) if nm.org_suffix(p) and 2 <= len(p) <= 20]


def _recipient_before(sent: Sentence, pos: int, ctx: Context) -> tuple[str, str]:
    """Who received the award cued at ``pos``: the nearest organisation/community before the cue in the
    clause; a product or project named in quotes before the cue stands for the member whose name it
    starts with, else for the reporting organisation."""
    c_start, _ = clause_bounds(sent.text, pos)
    cands = [m for m in sent.mentions if m.end <= pos and m.label in ("ORG", "COMMUNITY") and m.start >= c_start
             and not re.search(r"(?:被|由|在|经)《?$", sent.text[max(0, m.start - 2):m.start])
             and not re.search(r"(?:被|由|经)[^，。；]*$", sent.text[c_start:m.start])
             and not re.match(r"^(?:主办|举办|颁发|评为|授予|发起|评选)", sent.text[m.end:m.end + 2])]
    if cands:
        return cands[-1].name, cands[-1].label
    head = sent.text[c_start:pos]
    quoted = re.search(r"[“《]([^”》]{2,40})[”》]", head)
    if quoted:
        product = quoted.group(1)
        for member in sorted(ctx.members, key=len, reverse=True):
            if product.startswith(member):
                return member, "ORG"
        return REPORTER, "ORG"
    return clause_subject(sent, pos, ctx)


def rule_awards(sent: Sentence, ctx: Context) -> Iterator[Fact]:
    issuers = _issuers(sent)
    for m in AWARD_CUE_RE.finditer(sent.text):
        found = nm.award_after(sent.text, m.end())
        if not found:
            continue
        _, _, raw = found
        award = nm.tidy_award(raw)
        if re.match(r"^(?:得|到|了|奖项|多项|各类|多个|众多|一系列)", award):
            continue  # 获得奖项, 获得多项…: no named award
        named = re.search(r"[“《][^”》]{3,}[”》]", raw) and m.group(0) in cues.words("award", "named")
        if not (nm.looks_like_award(award) or named) or len(award) < 3:
            continue
        lead = re.match(r"^(?:《(?P<pub>[^》]{2,20})》|(?P<org>[^“”《》，。]{2,20}?))“(?P<rest>[^“”]+)”(?P<tail>[^“”]{0,4})$", award)
        own_issuers = list(issuers)
        given_by = GIVEN_BY_RE.match(award)
        if given_by and len(given_by.group("rest")) >= 3:
            # 获得X颁发的Y: X conferred Y
            own_issuers += [(m.start(), org) for org in _orgs_named(sent, given_by.group("org"))]
            award = nm.tidy_award(given_by.group("rest"))
            lead = None
        if lead and (lead.group("pub") or nm.org_suffix(lead.group("org") or "")):
            # 入选中国某某协会“2024…案例” / 获评《某某周刊》“年度…”: the issuer leads the name
            own_issuers.append((m.start(), lead.group("pub") or lead.group("org")))
            award = lead.group("rest") + lead.group("tail")
        recipient, r_label = _recipient_before(sent, m.start(), ctx)
        if m.group(0) == "授予":
            given = re.match(r"^(?P<who>[^“”，。]{2,30}?)“", sent.text[m.end():])
            if given:  # X授予Y“Z”: Y received it from X
                who = given.group("who")
                inside = [x for x in sent.mentions if m.end() <= x.start < m.end() + len(who)]
                bare = nm.trim_left(who)
                if not inside and (bare.endswith(lx.COMMUNITY_SUFFIXES) or nm.org_suffix(bare)):
                    label = "COMMUNITY" if bare.endswith(lx.COMMUNITY_SUFFIXES) else "ORG"
                    inside = [M(m.end() + len(who) - len(bare), m.end() + len(who), bare, label)]
                if inside:
                    recipient, r_label = inside[-1].name, inside[-1].label
                    award = nm.tidy_award(award[len(who):]) if award.startswith(who) else award
                    c_start, _ = clause_bounds(sent.text, m.start())
                    giver = nm.trim_left(sent.text[c_start:m.start()].strip("《》"))
                    known = [o.name for o in sent.mentions if o.label == "ORG" and o.end == m.start()]
                    if known or (nm.org_suffix(giver) and 2 <= len(giver) <= 20):
                        own_issuers.append((m.start(), known[0] if known else giver))
        yield _fact(sent, recipient, "receivedAward", award, m.start(), s_label=r_label, o_label="AWARD", rule="award.cue")
        for _, issuer in own_issuers:
            yield _fact(sent, award, "awardedBy", issuer, m.start(), s_label="AWARD", rule="award.issuer-in-sentence")


RULES: tuple[Callable[[Sentence, Context], Iterator[Fact]], ...] = (
    rule_subsidiary, rule_shareholder, rule_partner, rule_funds, rule_communities, rule_awards,
)


def sentence_facts(sent: Sentence, ctx: Context) -> list[Fact]:
    """All facts of one sentence, in rule order."""
    if TOPIC_SHIFT.match(sent.text):
        ctx.last_member = None  # "在股权投资方面，公司…": a new topic, 公司 is the group again
    found = sentence_subject(sent, (ctx.actor, ctx.actor_label), ctx.last_member)
    if found:
        sent.subject, sent.subject_label = found
        # the member a paragraph is about, for a later 公司; another actor ends that paragraph's topic
        ctx.last_member = found[0] if found[0] in ctx.members else None
        ctx.member_told = True
    facts: list[Fact] = []
    for rule in RULES:
        facts.extend(rule(sent, ctx))
    return facts

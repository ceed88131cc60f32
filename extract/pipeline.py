"""The spaCy pipeline: ``spacy.blank("zh")`` with the jieba segmenter and our components, from config."""
from __future__ import annotations

from functools import lru_cache
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # pragma: no cover
    from spacy.language import Language

PIPELINE: tuple[str, ...] = ("csr_sentencizer", "csr_names", "csr_relations")
CONFIG = {"nlp": {"tokenizer": {"segmenter": "jieba"}}}


@lru_cache(maxsize=1)
def make_nlp() -> "Language":
    """A ready pipeline; built once per process (jieba's dictionary load is the slow part)."""
    import logging

    import jieba
    import spacy

    jieba.setLogLevel(logging.WARNING)
    import extract.components  # noqa: F401  (registers the factories)

    nlp = spacy.blank("zh", config=CONFIG)
    for name in PIPELINE:
        nlp.add_pipe(name)
    return nlp

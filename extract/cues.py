"""Cue words from the lexicon files under ``lexicons/cues/`` (one file per cue family), for the rules.

A rule never spells its cue words out: it asks for a family and a role (``alternation("award", "receive")``)
and builds its pattern from the answer, so that adding a phrasing real reports use is a line in a data file.
"""
from __future__ import annotations

import re
from functools import lru_cache

from extract.lexicon import LEXICON_DIR

CUE_DIR = LEXICON_DIR / "cues"


@lru_cache(maxsize=None)
def _table(family: str) -> tuple[tuple[str, str], ...]:
    path = CUE_DIR / f"{family}.tsv"
    rows = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            word, role = line.split("\t")
            rows.append((word.strip(), role.strip()))
    return tuple(rows)


@lru_cache(maxsize=None)
def words(family: str, *roles: str) -> tuple[str, ...]:
    """The cue words of ``family`` with one of ``roles``, in file order, without repeats."""
    seen: dict[str, None] = {}
    for word, role in _table(family):
        if role in roles:
            seen.setdefault(word, None)
    if not seen:
        raise KeyError(f"no cue words for {family}/{'|'.join(roles)} in {CUE_DIR}")
    return tuple(seen)


@lru_cache(maxsize=None)
def alternation(family: str, *roles: str) -> str:
    """A regex alternation of the cue words, longest first (so 评定为 wins over 评为)."""
    return "|".join(re.escape(w) for w in sorted(words(family, *roles), key=lambda w: (-len(w), w)))

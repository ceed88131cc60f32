"""Column headers of report tables and the role of each column, from ``lexicons/table_headers.tsv``.

Its own module so that ingest (which must know a header row when it sees one) and layout (which reads the
tables) share one lexicon without importing each other."""
from __future__ import annotations

import re
from functools import lru_cache

from extract.lexicon import LEXICON_DIR

LEXICON = LEXICON_DIR / "table_headers.tsv"
_HEADER_NOISE = re.compile(r"[\s:：*＊]|[（(](?:%|％|万元|亿元|人民币)[）)]")


@lru_cache(maxsize=None)
def header_roles() -> dict[str, str]:
    """Column header word -> role (recipient, award, issuer, date, short, full, member, share, index, other)."""
    out = {}
    for line in LEXICON.read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            word, role = line.split("\t")
            out[_HEADER_NOISE.sub("", word)] = role.strip()
    return out


def header_role(text: str) -> str | None:
    """The role of a column whose header is ``text``, or None when it is no known column header."""
    return header_roles().get(_HEADER_NOISE.sub("", text))

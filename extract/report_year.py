"""The year a report covers: what a corpus is sliced by (one company's partners in 2023 and in 2024).

Read, in order of trust, from the title on the cover (``2024年社会责任报告``, ``2023 年环境、社会及管治报告``,
the year on a line of its own above the title), from a stated reporting period (``报告期：2024年1月1日至…``),
and last from the file name (``bank-2024-esg.pdf``). Generic cue words only.
"""
from __future__ import annotations

import re

from extract.ingest import Document

COVER_UNITS = 40  # the title is on the cover: the first units of the document
_YEAR = r"((?:19|20)\d{2})"
_TITLE = re.compile(
    _YEAR + r"\s*年?\s*度?\s*(?:[^\n。]{0,6}?)\s*"
    r"(?:企业社会责任|社会责任|环境[、，,]?\s*社会|ESG|可持续发展|社会价值|责任|Corporate Social|Environmental|Sustainab|CSR)",
    re.IGNORECASE,
)
_PERIOD = re.compile(r"(?:报告期|报告期间|报告时间范围|时间范围|报告范围)[^。\n]{0,24}?" + _YEAR + r"\s*年")
_FILE_YEAR = re.compile(r"(?<!\d)" + _YEAR + r"(?!\d)")


def report_year(document: Document) -> int | None:
    """The year the report covers, or None when neither its cover, its period nor its file name says."""
    cover = "\n".join(unit.text for unit in document.units[:COVER_UNITS])
    for pattern in (_TITLE, _PERIOD):
        match = pattern.search(cover)
        if match:
            return int(match.group(1))
    whole = "\n".join(unit.text for unit in document.units[:400])
    match = _PERIOD.search(whole)
    if match:
        return int(match.group(1))
    match = _FILE_YEAR.search(document.source_file)
    return int(match.group(1)) if match else None

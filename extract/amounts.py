"""Normalise money amounts and dates written in Chinese reports.

Amounts: "20 亿元" -> 2e9, "75.3 万元" -> 753000, "五十亿元" -> 5e9 (Chinese numerals through cn2an),
with the hedge kept as a qualifier: 超/超过/逾/以上 -> "over", 约/左右 -> "about", 近/将近 -> "nearly",
不少于/至少 -> "at-least", 最高/不超过 -> "up-to".
Dates: "2024年3月" -> "2024-03" (xsd:gYearMonth), "2024年3月5日" -> "2024-03-05", "2024年" -> "2024".
"""
from __future__ import annotations

import math
import re
from functools import lru_cache

from extract.records import Amount

UNIT = {"万亿": 1e12, "千亿": 1e11, "百亿": 1e10, "亿": 1e8, "千万": 1e7, "百万": 1e6, "万": 1e4, "千": 1e3, "": 1.0}
_CN_DIGITS = "零〇一二两三四五六七八九十百千点"
_NUMBER = rf"(?:\d+(?:,\d{{3}})*(?:\.\d+)?|[{_CN_DIGITS}]+)"
_QUAL_BEFORE = r"(?P<pre>超过|超|逾|约|近|将近|接近|不少于|至少|最高|不超过|累计超|达)?"
AMOUNT_RE = re.compile(
    _QUAL_BEFORE + rf"(?P<num>{_NUMBER})(?P<unit>万亿|千亿|百亿|亿|千万|百万|万|千)?(?P<mid>余|多)?(?P<cur>元|人民币|美元)"
    r"(?P<post>以上|左右|余|多)?"
)
# "20亿规模", "10亿元规模": a size written without 元
SIZE_NO_YUAN_RE = re.compile(rf"(?P<num>{_NUMBER})(?P<unit>万亿|千亿|百亿|亿|千万|百万|万)(?P<post>余)?(?=规模)")
QUALIFIERS = {
    "超过": "over", "超": "over", "逾": "over", "累计超": "over", "以上": "over", "余": "over", "多": "over",
    "约": "about", "左右": "about",
    "近": "nearly", "将近": "nearly", "接近": "nearly",
    "不少于": "at-least", "至少": "at-least",
    "最高": "up-to", "不超过": "up-to",
}


@lru_cache(maxsize=4096)
def parse_number(text: str) -> float | None:
    """Arabic ("1,560.5") or Chinese ("十五点六", "五十") numerals to a float; None for a number no float holds
    (hundreds of digits overflow to infinity, which is no amount)."""
    text = text.replace(",", "")
    try:
        value = float(text)
        return value if math.isfinite(value) else None
    except ValueError:
        pass
    import cn2an  # heavy-ish import, only when a Chinese numeral shows up

    try:
        value = float(cn2an.cn2an(text, "smart"))
    except (ValueError, KeyError, TypeError, OverflowError):  # 九九九…: an int beyond any float
        return None
    return value if math.isfinite(value) else None


def _amount(m: re.Match[str]) -> Amount | None:
    num = parse_number(m.group("num"))
    if num is None:
        return None
    if m.groupdict().get("cur") == "美元":
        return None
    groups = m.groupdict()
    qual = next((QUALIFIERS[g] for g in (groups.get("pre"), groups.get("mid"), groups.get("post")) if g in QUALIFIERS), None)
    value = num * UNIT[m.group("unit") or ""]
    return Amount(value, qual, m.group(0)) if math.isfinite(value) else None  # 1e300万亿: beyond any float


def find_amounts(text: str) -> list[tuple[int, int, Amount]]:
    """Every yuan amount in ``text`` with its character span."""
    out = []
    for regex in (AMOUNT_RE, SIZE_NO_YUAN_RE):
        for m in regex.finditer(text):
            amount = _amount(m)
            if amount is not None and not any(s <= m.start() < e for s, e, _ in out):
                out.append((m.start(), m.end(), amount))
    return sorted(out, key=lambda t: t[0])


DATE_RE = re.compile(r"(?P<y>(?:19|20)\d{2})年(?:(?P<m>1[0-2]|0?[1-9])月(?:(?P<d>3[01]|[12]\d|0?[1-9])日)?)?")


def find_dates(text: str) -> list[tuple[int, int, str]]:
    """Every date in ``text`` as ISO text (yyyy, yyyy-mm or yyyy-mm-dd) with its span."""
    out = []
    for m in DATE_RE.finditer(text):
        iso = m.group("y")
        if m.group("m"):
            iso += f"-{int(m.group('m')):02d}"
            if m.group("d"):
                iso += f"-{int(m.group('d')):02d}"
        out.append((m.start(), m.end(), iso))
    return out


def first_date(text: str) -> str | None:
    """The first date of ``text`` (the usual place for the date of an event in a CSR sentence)."""
    found = find_dates(text)
    return found[0][2] if found else None

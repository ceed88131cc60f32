"""Text as a terminal shows it: Chinese characters take two columns, so tables line up only by display width."""
from __future__ import annotations

import unicodedata


def display_width(text: str) -> int:
    """Terminal columns of ``text``: East Asian wide and fullwidth characters take two, combining marks none."""
    width = 0
    for ch in text:
        if unicodedata.combining(ch):
            continue
        width += 2 if unicodedata.east_asian_width(ch) in ("W", "F") else 1
    return width


def clip(text: str, limit: int) -> str:
    """Shorten ``text`` to ``limit`` display columns, ending with '…' when cut (0 or less = never cut)."""
    if limit <= 0 or display_width(text) <= limit:
        return text
    out, width = [], 0
    for ch in text:
        w = display_width(ch)
        if width + w > limit - 1:
            break
        out.append(ch)
        width += w
    return "".join(out) + "…"


def pad(text: str, width: int, right: bool = False) -> str:
    """Fill ``text`` with spaces to ``width`` columns (on the left when ``right``-aligned)."""
    fill = " " * max(0, width - display_width(text))
    return fill + text if right else text + fill

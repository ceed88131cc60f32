"""The names a report itself defines, found again wherever the report uses them.

Pass one of the extractor collects names from strong patterns (legal suffixes, 以下简称, member lists,
quoted fund names …). This gazetteer then finds every later use of those names, longest match first, so
that short names like member companies' brand forms are recognised in any sentence.
"""
from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field

_NAME_CHAR = re.compile(r"[\u4e00-\u9fffA-Za-z0-9]")
GLUED_AFTER_BRAND = re.compile(
    r"(?:人寿|财险|产险|寿险|养老|资产|资管|在线|健康|医疗|之家|家园|保险|集团|银行|证券|基金|信托|"
    r"控股|投资|科技|金融|社区|公益|方案|e|E|[·•])"
)


@dataclass
class Gazetteer:
    """Surface form -> label (ORG, FUND, COMMUNITY, AWARD); matched longest first."""

    labels: dict[str, str] = field(default_factory=dict)
    companies: set[str] = field(default_factory=set)
    listed: set[str] = field(default_factory=set)  # companies named in 包括A、B等企业 lists
    _regex: re.Pattern[str] | None = None

    def add(self, name: str, label: str, company: bool = False) -> None:
        name = name.strip()
        if len(name) < 2:
            return
        if name not in self.labels or (label == "ORG" and self.labels[name] == "FUND"):
            self.labels[name] = label
        if company:
            self.companies.add(name)
        self._regex = None

    def find(self, text: str) -> list[tuple[int, int, str, str]]:
        """Non-overlapping (start, end, name, label) uses of known names, longest first."""
        if not self.labels:
            return []
        if self._regex is None:
            self._regex = re.compile(longest_name_pattern(self.labels))
        out = []
        for m in self._regex.finditer(text):
            name = m.group(0)
            # a short name glued inside a longer word is not a use of it ("晨光人寿" in "晨光人寿险")
            if len(name) <= 4 and m.end() < len(text) and self.labels[name] == "ORG":
                nxt = text[m.end()]
                if nxt in "险司·•":
                    continue
                # a two-character brand followed by a business or brand word is a longer name (X人寿, X之家)
                if len(name) <= 2 and GLUED_AFTER_BRAND.match(text, m.end()):
                    continue
            out.append((m.start(), m.end(), name, self.labels[name]))
        return out


def longest_name_pattern(names: Iterable[str]) -> str:
    """A regular expression that matches, at a position, the longest of ``names`` found there: what the
    alternation of all names, longest first, matches, but as a trie (大家(?:人寿|养老(?:社区)?)), so that a
    position costs the length of the longest name instead of the number of names. With thousands of names
    (a long 、-list, a 500-page report) the plain alternation made finding them quadratic."""
    end = ""  # the key marking that a name ends at a node
    root: dict[str, dict] = {}
    for name in names:
        node = root
        for ch in name:
            node = node.setdefault(ch, {})
        node[end] = {}

    def emit(node: dict[str, dict]) -> str:
        branches = [re.escape(ch) + emit(child) for ch, child in sorted(node.items()) if ch != end]
        if not branches:
            return ""
        body = branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
        return f"(?:{body})?" if end in node else body  # greedy: a longer name first, this one if that fails

    return emit(root)

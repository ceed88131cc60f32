"""Confidence of a fact: the measured precision of the rule that read it.

``lexicons/rule_precision.tsv`` holds, for each rule id and property, how many of the rule's facts were
right and wrong over the project's annotated development reports, and the Laplace-smoothed precision
``(tp + 1) / (tp + fp + 2)`` used as the confidence. ``scripts/calibrate_rules.py`` regenerates it; it is
committed with the rules, so that a changed rule is measured again. A rule the table does not know gets
``UNMEASURED`` (what a rule with no evidence either way earns).
"""
from __future__ import annotations

from functools import lru_cache

from extract.lexicon import LEXICON_DIR

TABLE = LEXICON_DIR / "rule_precision.tsv"
UNMEASURED = 0.5


@lru_cache(maxsize=1)
def rule_confidences() -> dict[tuple[str, str], float]:
    """(rule id, property) -> confidence, from the committed table (empty when there is none yet)."""
    if not TABLE.exists():
        return {}
    out = {}
    for line in TABLE.read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.startswith(("#", "rule\t")):
            continue
        rule, prop, _tp, _fp, _precision, confidence = line.split("\t")[:6]
        out[(rule, prop)] = float(confidence)
    return out


def confidence_of(rule: str, predicate: str) -> float:
    """The confidence of a fact that ``rule`` read for ``predicate``."""
    return rule_confidences().get((rule, predicate), UNMEASURED)


def smoothed(tp: int, fp: int) -> float:
    """Laplace-smoothed precision: a rule right 3 times of 3 gets 0.8, not 1.0."""
    return round((tp + 1) / (tp + fp + 2), 3)

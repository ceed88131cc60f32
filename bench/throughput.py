"""Extraction throughput in process (characters per second, after warm-up), next to bare jieba tokenisation.

Why the ratio: spaCy's blank Chinese pipeline with the jieba segmenter is the floor the extractor is built
on; the ratio says what our own components cost on top of it, independent of the machine.
"""
from __future__ import annotations

import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent

STARTUP = r"""
import time
start = time.perf_counter()
from extract.pipeline import make_nlp
make_nlp()
print(time.perf_counter() - start)
"""


def startup_s(env: dict[str, str]) -> float:
    """Import and pipeline construction (``make_nlp``) in a fresh interpreter: the fixed cost of every run."""
    out = subprocess.run([sys.executable, "-c", STARTUP], cwd=ROOT, env=env, check=True, capture_output=True,
                         text=True)
    return round(float(out.stdout.strip().splitlines()[-1]), 3)


def _chars(path: Path) -> int:
    from extract.ingest import decode

    return len(decode(path.read_bytes(), str(path)))


def _median_time(fn: Any, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def measure_set(name: str, paths: list[Path], repeat: int) -> tuple[dict[str, Any], list[Any]]:
    """Characters/s of ``extract_report`` (read + extract) over ``paths``, and of bare tokenisation of the
    same unit texts the extractor tokenises (so both pipelines see exactly the same strings); also returns
    the extractions (the big-store section builds its graphs from them)."""
    import spacy

    from extract.pipeline import CONFIG
    from extract.reader import read_report
    from kg.reports import extract_report

    bare = spacy.blank("zh", config=CONFIG)
    unit_texts = [[u.text for u in read_report(p).units] for p in paths]
    chars = sum(_chars(p) for p in paths)
    kept: list[Any] = []
    extract_s = _median_time(lambda: kept.__setitem__(slice(None), [extract_report(p) for p in paths]), repeat)
    tokenise_s = _median_time(lambda: [list(bare.pipe(texts, batch_size=64)) for texts in unit_texts], repeat)
    return {
        "set": name, "reports": len(paths), "chars": chars,
        "extract_s": round(extract_s, 3), "tokenise_s": round(tokenise_s, 3),
        "extract_chars_per_s": round(chars / extract_s), "tokenise_chars_per_s": round(chars / tokenise_s),
        "ratio": round(extract_s / tokenise_s, 2),
    }, kept


def warm_up(sample: Path) -> None:
    """Load the model, jieba's dictionary and the lexicons once, outside every timing."""
    import spacy

    from extract.pipeline import CONFIG
    from kg.reports import extract_report

    extract_report(sample)
    list(spacy.blank("zh", config=CONFIG).pipe(["预热"]))


def profile_extraction(paths: list[Path]) -> dict[str, Any]:
    """The top frames by own time of one extraction pass over ``paths`` (why the ratio target is missed)."""
    from profiling import profile_top
    from kg.reports import extract_report

    return profile_top(lambda: [extract_report(p) for p in paths])

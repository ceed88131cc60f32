"""bench/generate_corpus.py: the same seed gives the same corpus, and the generated reports really vary."""
from __future__ import annotations

import importlib.util
import json
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _module():
    spec = importlib.util.spec_from_file_location("generate_corpus", ROOT / "bench" / "generate_corpus.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up there
    spec.loader.exec_module(module)
    return module


def test_same_seed_same_corpus(tmp_path: Path) -> None:
    gen = _module()
    a = [p.read_text(encoding="utf-8") for p in gen.generate(tmp_path / "a", n=3, seed=7)]
    b = [p.read_text(encoding="utf-8") for p in gen.generate(tmp_path / "b", n=3, seed=7)]
    c = [p.read_text(encoding="utf-8") for p in gen.generate(tmp_path / "c", n=3, seed=8)]
    assert a == b
    assert a != c


def test_names_swapped_suffixes_kept(tmp_path: Path) -> None:
    gen = _module()
    sources = gen.source_paths()
    path = gen.generate(tmp_path, n=1, seed=1)[0]
    text = path.read_text(encoding="utf-8")
    gold = json.loads(sources[0].with_suffix(".gold.json").read_text(encoding="utf-8"))
    reporter = gold["entities"][0]["name"]
    core = gen.name_core(reporter, gen.places())
    assert core and reporter not in text  # its core was replaced …
    assert re.search(re.escape(reporter).replace(core, f"[{gen.CORE_CHARS}]{{2}}"), text)  # … the rest kept
    assert sorted(text.splitlines()) != sorted(sources[0].read_text(encoding="utf-8").splitlines())


def test_synonym_groups_are_cue_words() -> None:
    gen = _module()
    assert len(gen.synonym_groups()) == len(gen.SYNONYMS)  # no group drifted away from the cue tables

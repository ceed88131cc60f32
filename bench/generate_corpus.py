#!/usr/bin/env python3
"""Generate a corpus of varied CSR reports from the committed test reports, for the benchmark.

Why: the bench needs hundreds of distinct reports (distinct organisations, numbers and layouts, so that the
graph grows like a real corpus), but only a few dozen real ones are committed. Each generated report takes
one source report (``tests/data/dev/*.txt``, ``data/samples/*.txt``) and

* swaps the name cores of its organisations (from the source's ``.gold.json``, else from a suffix regex)
  for generated ones, keeping the suffixes (有限公司, 基金会 …), everywhere in the text, so aliases follow;
* shifts the years by a few and scales the amounts (a number before a unit) by a random factor;
* swaps neighbouring sections (a short heading line with its body) and neighbouring prose paragraphs, after
  the front matter (title, contents, definitions stay first);
* replaces cue words by synonyms of the same cue family (荣获/荣膺/斩获 …).

Deterministic for a seed: ``python bench/generate_corpus.py OUTDIR --n 500 --seed 1``. The output is made
at bench time in a temporary directory and never committed.
"""
from __future__ import annotations

import argparse
import json
import random
import re
import sys
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SOURCE_GLOBS = ("tests/data/dev/*.txt", "data/samples/*.txt")
PLACES_FILE = ROOT / "extract" / "lexicons" / "places.txt"
CUE_DIR = ROOT / "extract" / "lexicons" / "cues"

# legal / organisational tails kept as they are (longest first when matched)
SUFFIXES = (
    "股份有限公司", "有限责任公司", "有限公司", "集团", "公司", "银行", "保险", "基金会", "慈善总会", "协会",
    "证券", "信托", "人寿", "财险", "能源", "科技", "控股", "投资", "资本", "基金管理", "资产管理", "理财",
)
LEGAL_SUFFIXES = ("有限公司", "有限责任公司", "集团", "银行", "基金会", "慈善总会", "协会", "保险")
GENERIC_CORES = frozenset({"中国", "全国", "国家", "人民", "社会", "公司", "集团", "有限", "股份", "中华", "国际",
                           "金融", "保险", "银行", "基金", "我们", "本公司", "科技", "发展", "投资"})
# characters of generated name cores: common in Chinese firm names, none a word of its own with the next
CORE_CHARS = "澄岚珂锦泓瀚晟屹璟霖瑞煜铂逸琨熠昀峻沅翊骁璞栩钰珩昊朗濬禾芮岑"
# cue-word synonym groups: every word must be a cue of the same family and role in extract/lexicons/cues
SYNONYMS = (
    ("award", "receive", ("荣获", "荣膺", "斩获", "喜获", "摘得")),
    ("partner", "lead", ("携手", "联手", "联合")),
    ("partner", "joint", ("签署", "签订")),
    ("fund", "sponsor", ("发起设立", "联合设立", "共同设立")),
    ("fund", "invest", ("认购", "认缴")),
)
NUMBER = re.compile(r"(?<![\d.,A-Za-z])(\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?)")
AMOUNT_UNIT = re.compile(r"\s*(?:万元|亿元|元|万|亿|%|％|人次|人|家|个|项|户|次|名|所|吨|公里|余)")
YEAR_NEXT = re.compile(r"\s*(?:年|[-–—~至]\s*(?:19|20)\d{2})")
HEADING = re.compile(r"^[^。，；：:|,;！？!?]{2,16}$")


@dataclass(frozen=True)
class Source:
    """One committed report: its text and the organisation names it holds."""

    path: Path
    text: str
    orgs: tuple[str, ...]


def source_paths(root: Path = ROOT) -> list[Path]:
    """The committed reports the corpus is made from, sorted."""
    return sorted(p for pattern in SOURCE_GLOBS for p in root.glob(pattern))


def gold_orgs(path: Path) -> list[str]:
    """Organisation names and aliases from the report's gold file (the surest list of its names)."""
    gold = path.with_suffix(".gold.json")
    if not gold.is_file():
        return []
    data = json.loads(gold.read_text(encoding="utf-8"))
    names = []
    for entity in data.get("entities", []):
        if {"Company", "Organization", "Subsidiary", "Foundation"} & set(entity.get("types", [])):
            names.append(entity["name"])  # not the aliases: they share the core (or are generic, 江苏公司)
    return [n for n in names if n.endswith(LEGAL_SUFFIXES)]


def regex_orgs(text: str) -> list[str]:
    """Names before a legal suffix, for a source without a gold file."""
    return re.findall(r"[\u4e00-\u9fff]{2,10}(?:股份有限公司|有限责任公司|有限公司|基金会)", text)


def load_source(path: Path) -> Source:
    text = path.read_text(encoding="utf-8")
    return Source(path, text, tuple(gold_orgs(path) or regex_orgs(text)))


def places() -> frozenset[str]:
    return frozenset(line.strip() for line in PLACES_FILE.read_text(encoding="utf-8").splitlines()
                     if line.strip() and not line.startswith("#"))


def name_core(name: str, place_names: frozenset[str]) -> str | None:
    """The distinctive two characters of an organisation name (after a leading place), or None."""
    for _ in range(3):
        name = next((name[: -len(s)] for s in SUFFIXES if name.endswith(s) and len(name) > len(s)), name)
    for place in sorted(place_names, key=len, reverse=True):
        if name.startswith(place):
            name = name[len(place):]
            break
    core = name[:2]
    if len(core) < 2 or not re.fullmatch(r"[\u4e00-\u9fff]{2}", core):
        return None
    if core in GENERIC_CORES or core in place_names:
        return None
    return core


def swap_names(text: str, orgs: tuple[str, ...], rng: random.Random, place_names: frozenset[str]) -> str:
    """Replace every name core with a generated one, consistently through the text (aliases follow)."""
    cores = sorted({c for c in (name_core(n, place_names) for n in orgs) if c}, key=lambda c: (-len(c), c))
    if not cores:
        return text
    mapping = {}
    for core in cores:
        mapping[core] = "".join(rng.sample(CORE_CHARS, 2))
    pattern = re.compile("|".join(map(re.escape, cores)))
    return pattern.sub(lambda m: mapping[m.group(0)], text)


def _scaled(number: str, factor: float) -> str:
    value = float(number.replace(",", ""))
    decimals = len(number.split(".", 1)[1]) if "." in number else 0
    new = value * factor
    if decimals == 0:
        new_text = str(max(1, round(new)))
        return f"{int(new_text):,}" if "," in number else new_text
    return f"{new:,.{decimals}f}" if "," in number else f"{new:.{decimals}f}"


def vary_numbers(text: str, rng: random.Random) -> str:
    """Shift years by one offset per report; scale each amount (a number before a unit) by its own factor."""
    shift = rng.choice((-3, -2, -1, 1, 2))

    def one(m: re.Match[str]) -> str:
        number, after = m.group(1), text[m.end():m.end() + 12]
        if re.fullmatch(r"(?:19|20)\d{2}", number) and (YEAR_NEXT.match(after) or text[m.start() - 1:m.start()] in "-–—~至"):
            return str(int(number) + shift)
        if AMOUNT_UNIT.match(after):
            return _scaled(number, rng.uniform(0.6, 1.8))
        return number

    return NUMBER.sub(one, text)


def _is_heading(line: str) -> bool:
    return bool(HEADING.match(line.strip())) and not re.fullmatch(r"[\d\s.%]+", line.strip())


def reorder(lines: list[str], rng: random.Random, front: float = 0.2) -> list[str]:
    """Swap neighbouring sections (heading + body) and neighbouring prose lines after the front matter."""
    keep = max(1, int(len(lines) * front))
    head, rest = lines[:keep], lines[keep:]
    blocks: list[list[str]] = []
    for line in rest:
        if not blocks or _is_heading(line):
            blocks.append([line])
        else:
            blocks[-1].append(line)
    i = 0
    while i + 1 < len(blocks):
        if rng.random() < 0.35:
            blocks[i], blocks[i + 1] = blocks[i + 1], blocks[i]
            i += 2
        else:
            i += 1
    for block in blocks:
        for j in range(1, len(block) - 1):
            prose = all(b.rstrip().endswith("。") and "|" not in b for b in block[j:j + 2])
            if prose and rng.random() < 0.2:
                block[j], block[j + 1] = block[j + 1], block[j]
    return head + [line for block in blocks for line in block]


def cue_words(family: str, role: str) -> frozenset[str]:
    path = CUE_DIR / f"{family}.tsv"
    rows = (line.split("\t") for line in path.read_text(encoding="utf-8").splitlines()
            if line.strip() and not line.startswith("#"))
    return frozenset(word.strip() for word, r in rows if r.strip() == role)


def synonym_groups() -> list[tuple[str, ...]]:
    """The synonym groups, each word checked against the cue tables (a group that drifted is left out)."""
    return [words for family, role, words in SYNONYMS if set(words) <= cue_words(family, role)]


def vary_phrasing(text: str, rng: random.Random, groups: list[tuple[str, ...]]) -> str:
    """Each cue word of a group becomes, half of the time, another word of its group."""
    choice = {w: g for g in groups for w in g}
    pattern = re.compile("|".join(re.escape(w) for w in sorted(choice, key=len, reverse=True)))
    return pattern.sub(lambda m: rng.choice(choice[m.group(0)]) if rng.random() < 0.5 else m.group(0), text)


def vary(source: Source, rng: random.Random, place_names: frozenset[str], groups: list[tuple[str, ...]]) -> str:
    """One generated report from one source."""
    text = swap_names(source.text, source.orgs, rng, place_names)
    text = vary_numbers(text, rng)
    text = vary_phrasing(text, rng, groups)
    ends_with_newline = text.endswith("\n")
    lines = reorder(text.split("\n")[:-1] if ends_with_newline else text.split("\n"), rng)
    return "\n".join(lines) + ("\n" if ends_with_newline else "")


def generate(outdir: Path, n: int = 500, seed: int = 1, root: Path = ROOT) -> list[Path]:
    """Write ``n`` reports ``gen-0001.txt`` … into ``outdir`` (round-robin over the sources); returns their paths."""
    sources = [load_source(p) for p in source_paths(root)]
    if not sources:
        raise SystemExit(f"no source reports under {root}")
    place_names, groups = places(), synonym_groups()
    outdir.mkdir(parents=True, exist_ok=True)
    paths = []
    for i in range(n):
        rng = random.Random(f"{seed}:{i}")  # one stream per report: report i does not depend on n
        path = outdir / f"gen-{i + 1:04d}.txt"
        path.write_text(vary(sources[i % len(sources)], rng, place_names, groups), encoding="utf-8")
        paths.append(path)
    return paths


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("outdir", type=Path, help="directory to write gen-NNNN.txt into (created if missing)")
    parser.add_argument("--n", type=int, default=500, help="number of reports (default 500)")
    parser.add_argument("--seed", type=int, default=1, help="random seed (default 1)")
    args = parser.parse_args(argv)
    paths = generate(args.outdir, args.n, args.seed)
    chars = sum(len(p.read_text(encoding="utf-8")) for p in paths)
    print(f"{len(paths)} reports, {chars} characters, in {args.outdir}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

#!/usr/bin/env python3
"""Does extraction time grow linearly with the size of a report?

Run from anywhere: ``python bench/scaling.py [--base N] [--repeat R] [--limit X]``. For each shape of input
(one very long line, a long 、-list of organisation names, many short lines, realistic text repeated) it
times ingest + extraction + graph minting of inputs of size n, 2n, 4n and 8n in this process (the pipeline
loaded once before), prints a table with the time ratio of each doubling, and exits 1 when a doubling costs
more than ``--limit`` (2.6) times the size before: a superlinear step, which a 500-page report turns into
minutes or hours.

Why a script and not a test: timings depend on the machine and its load; a flaky timed test teaches people
to ignore it. Times are CPU seconds of this process (``time.process_time``), so that other work on a shared
machine does not pass for superlinear growth. The texts are generated here (invented names), not taken from reports.
"""
from __future__ import annotations

import argparse
import random
import sys
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

SUFFIXES = ("有限公司", "股份有限公司", "基金会", "银行", "研究院")
FRAGMENTS = ("我们与", "甲乙科技有限公司", "合作，", "设立", "丙丁公益基金", "，规模5亿元", "。", "荣获“年度责任奖”",
             "，", "、", "在戊己帮扶村开展志愿服务", "运营庚辛养老社区")


def _names(count: int, seed: int = 7) -> list[str]:
    rnd = random.Random(seed)
    return ["".join(chr(rnd.randint(0x4E00, 0x9FA5)) for _ in range(rnd.randint(2, 4))) + rnd.choice(SUFFIXES)
            for _ in range(count)]


def long_line(n: int) -> str:
    """One line of ``n`` characters without a break (a text layer that lost its line ends)."""
    rnd = random.Random(1)
    out: list[str] = []
    size = 0
    while size < n:
        out.append(rnd.choice(FRAGMENTS))
        size += len(out[-1])
    return "".join(out)[:n]


def name_list(n: int) -> str:
    """A sentence listing about ``n`` / 8 member companies, separated by 、."""
    return "集团旗下成员公司包括" + "、".join(_names(max(1, n // 8))) + "等。"


def short_lines(n: int) -> str:
    """About ``n`` / 12 short lines (table cells, headings, page numbers)."""
    rnd = random.Random(2)
    cells = ["公司名称", "持股比例", "51%", "- 3 -", "社会责任", "专栏｜乡村振兴", "甲乙有限公司", "12"]
    return "\n".join(rnd.choice(cells) + str(i % 97) for i in range(max(1, n // 12)))


PARAGRAPH = """一、公司简介
壬癸保险集团股份有限公司（以下简称“集团”）成立于2015年，旗下成员公司包括子丑人寿保险股份有限公司、寅卯财产保险股份有限公司。
二、社会公益
2023年，集团联合辰巳基金会共同设立午未公益基金，规模超2亿元，用于支持乡村教育。
集团与申酉银行签署战略合作协议，在戌亥帮扶村开展志愿服务。
集团运营“乙丙”养老社区，2023年6月正式开业。
集团荣获中国社会责任促进会颁发的“年度社会责任优秀案例奖”。
"""


def realistic(n: int) -> str:
    """A small report's worth of prose, headings and cues, repeated to ``n`` characters."""
    return (PARAGRAPH * (n // len(PARAGRAPH) + 1))[:n]


SHAPES: dict[str, Callable[[int], str]] = {
    "long single line": long_line,
    "、-list of names": name_list,
    "many short lines": short_lines,
    "realistic, repeated": realistic,
}


def run_once(text: str) -> float:
    from extract.extractor import extract_document
    from extract.ingest import document_from_text
    from kg.minting import add_extraction, new_graph

    started = time.process_time()  # CPU time of this process: other jobs on the machine do not count
    add_extraction(new_graph(), extract_document(document_from_text(text, doc_id="scaling")))
    return time.process_time() - started


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--base", type=int, default=25_000, help="characters of the smallest input (default 25000)")
    parser.add_argument("--repeat", type=int, default=2, help="runs per size; the fastest counts (default 2)")
    parser.add_argument("--limit", type=float, default=2.6, help="largest allowed time ratio per doubling (default 2.6)")
    parser.add_argument("--steps", type=int, default=4, help="sizes n, 2n, 4n … (default 4)")
    args = parser.parse_args(argv)

    run_once("我们与甲乙有限公司合作。")  # load the pipeline (jieba's dictionary) before timing
    sizes = [args.base * 2 ** k for k in range(args.steps)]
    header = f"{'input (CPU s)':<22}" + "".join(f"{f'n={s:,}':>14}" for s in sizes) + "   ratios per doubling"
    print(header)
    print("-" * len(header))
    failed = []
    for name, make in SHAPES.items():
        times = []
        for size in sizes:
            text = make(size)
            times.append(min(run_once(text) for _ in range(args.repeat)))
        ratios = [b / a if a > 0 else float("inf") for a, b in zip(times, times[1:])]
        flags = ["!" if r > args.limit else "" for r in ratios]
        print(f"{name:<22}" + "".join(f"{t:>13.2f}s" for t in times) + "   "
              + "  ".join(f"{r:.2f}x{f}" for r, f in zip(ratios, flags)), flush=True)
        if any(flags):
            failed.append(name)
    if failed:
        print(f"\nsuperlinear (a doubling costs more than {args.limit}x): {', '.join(failed)}", file=sys.stderr)
        return 1
    print(f"\nall linear: no doubling costs more than {args.limit}x")
    return 0


if __name__ == "__main__":
    sys.exit(main())

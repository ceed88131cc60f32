"""The same report gives the same graph.ttl bytes (issue 11, point 5): within a process, across processes,
across hash seeds, across the encodings a report may come in, and (once it exists) across ``--jobs``.

Why: graph.ttl is diffed, committed and cached by users; a byte that changes without a cause in the input
makes every diff noisy and every cache miss. What legitimately differs between encodings of one text is the
checksum of the file's bytes (``csr:checksum``, sha256 of the file as read): the tests assert that it is
the only difference.
"""
from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

# small reports written for these tests (invented names): a profile with a definition, members, a fund with
# an amount and a date, partners, a community, an award, a table row
REPORT_A = """星桥控股集团有限公司2023年社会责任报告
一、公司简介
星桥控股集团有限公司（以下简称“集团”）成立于2009年，旗下成员公司包括星桥人寿保险股份有限公司（以下简称“星桥人寿”）、星桥财产保险股份有限公司。
二、社会公益
2023年5月，集团与青禾公益基金会共同设立星桥乡村振兴基金，总规模超3亿元。
集团与远山银行股份有限公司签署战略合作协议，在柳溪帮扶村开展志愿服务。
星桥人寿运营星桥·松园养老社区，2023年9月在杭州正式开业。
三、荣誉
集团荣获中国社会责任促进会颁发的“年度社会责任优秀案例奖”。
获奖单位\t奖项\t颁发机构
星桥财产保险股份有限公司\t最佳理赔服务奖\t金融时报社
"""
REPORT_B = """云帆科技股份有限公司2023年可持续发展报告
云帆科技股份有限公司（以下简称“公司”）与晨光大学共同设立云帆创新基金，总规模5000万元。
公司携手绿洲环保基金会开展植树活动，并获评“绿色发展先锋企业”。
全资子公司云帆软件有限公司与海岚数据有限公司合作建设数据中心。
"""


def _env(**extra: str) -> dict[str, str]:
    env = dict(os.environ)
    env["PYTHONPATH"] = str(ROOT) + os.pathsep + env.get("PYTHONPATH", "")
    env.update(extra)
    return env


def cli_build(inputs: list[Path], out: Path, *extra: str, **env: str) -> bytes:
    """``python -m kg build`` in a fresh process; returns graph.ttl."""
    proc = subprocess.run([sys.executable, "-m", "kg", "build", *map(str, inputs), "-o", str(out), "--no-html", "--quiet", *extra],
                          capture_output=True, text=True, timeout=180, env=_env(**env), cwd=ROOT)
    assert proc.returncode == 0, proc.stderr
    return (out / "graph.ttl").read_bytes()


def in_process_build(inputs: list[Path]) -> bytes:
    from kg.reports import build_reports, serialize_turtle

    return serialize_turtle(build_reports(inputs).graph)


@pytest.fixture(scope="module")
def report_a(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("det") / "starbridge-2023.txt"
    path.write_text(REPORT_A, encoding="utf-8")
    return path


def test_report_is_not_trivial(report_a: Path) -> None:
    """The graph under test has entities of several classes, facts, an amount and a date: determinism over an
    empty graph would prove nothing."""
    ttl = in_process_build([report_a]).decode("utf-8")
    for term in ("csr:Fund", "csr:Subsidiary", "csr:Award", "csr:amountCNY", "csr:date", "skos:altLabel", "csr:partnerOf"):
        assert term in ttl, term


def test_two_runs_in_one_process(report_a: Path, tmp_path: Path) -> None:
    """Twice in one process, with another report in between (the spaCy pipeline is built once per process
    and reused: nothing of one report may stay in it for the next)."""
    first = in_process_build([report_a])
    report_b = tmp_path / "cloudsail-2023.txt"
    report_b.write_text(REPORT_B, encoding="utf-8")
    assert b"csr:Fund" in in_process_build([report_b])
    assert in_process_build([report_a]) == first


def test_separate_processes_and_hash_seeds(report_a: Path, tmp_path: Path) -> None:
    """Three processes with PYTHONHASHSEED 0, 1 and random, each writing the bytes this process writes."""
    expected = in_process_build([report_a])
    outputs = {seed: cli_build([report_a], tmp_path / f"seed-{seed}", PYTHONHASHSEED=seed) for seed in ("0", "1", "random")}
    for seed, ttl in outputs.items():
        assert ttl == expected, f"PYTHONHASHSEED={seed} wrote other bytes"


CHECKSUM = re.compile(rb'csr:checksum "([0-9a-f]{64})"')


def test_encodings_differ_only_in_checksum(tmp_path: Path) -> None:
    """One text as UTF-8, UTF-8 with BOM and GB18030 (same file name, in three directories): graph.ttl differs
    in the one csr:checksum triple, which is the sha256 of each file's own bytes."""
    import hashlib

    encoded = {"utf-8": REPORT_A.encode("utf-8"), "utf-8-bom": b"\xef\xbb\xbf" + REPORT_A.encode("utf-8"),
               "gb18030": REPORT_A.encode("gb18030")}
    assert len(set(encoded.values())) == 3
    graphs = {}
    for name, data in encoded.items():
        path = tmp_path / name / "starbridge-2023.txt"
        path.parent.mkdir()
        path.write_bytes(data)
        ttl = in_process_build([path])
        sums = CHECKSUM.findall(ttl)
        assert sums == [hashlib.sha256(data).hexdigest().encode()], name
        graphs[name] = CHECKSUM.sub(b'csr:checksum "-"', ttl)
    assert graphs["utf-8-bom"] == graphs["utf-8"]
    assert graphs["gb18030"] == graphs["utf-8"]


def _has_jobs() -> bool:
    proc = subprocess.run([sys.executable, "-m", "kg", "build", "--help"], capture_output=True, text=True,
                          timeout=60, env=_env(), cwd=ROOT)
    return "--jobs" in proc.stdout


def test_jobs_one_and_two_write_the_same_bytes(report_a: Path, tmp_path: Path) -> None:
    if not _has_jobs():
        pytest.skip("csrkg build has no --jobs option yet (the parallel build is being written on another branch)")
    report_b = tmp_path / "cloudsail-2023.txt"
    report_b.write_text(REPORT_B, encoding="utf-8")
    one = cli_build([report_a, report_b], tmp_path / "jobs1", "--jobs", "1")
    two = cli_build([report_a, report_b], tmp_path / "jobs2", "--jobs", "2")
    assert one == two

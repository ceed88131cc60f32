"""Build a generated corpus with the CLI (``csrkg build DIR --store STORE -o OUT [--jobs N]``): reports/s,
speed-up of two workers, peak RSS per process and of the whole process tree.

Why psutil sampling next to ``os.wait4``: ``wait4`` gives the parent's own peak only; workers are children
(or grandchildren) whose memory adds up, so the tree is sampled every ``SAMPLE_S`` seconds.
"""
from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

SAMPLE_S = 0.2
NO_JOBS = "not available in this build"


class TreeSampler(threading.Thread):
    """Samples the RSS of a process and all its descendants until stopped."""

    def __init__(self, pid: int) -> None:
        super().__init__(daemon=True)
        self.pid = pid
        self.per_pid: dict[int, int] = {}
        self.total_peak = 0
        self.processes_seen: set[int] = set()
        self._done = threading.Event()

    def run(self) -> None:
        import psutil

        try:
            root = psutil.Process(self.pid)
        except psutil.NoSuchProcess:
            return
        while not self._done.is_set():
            try:
                procs = [root] + root.children(recursive=True)
            except psutil.NoSuchProcess:
                break
            total = 0
            for proc in procs:
                try:
                    rss = proc.memory_info().rss
                except psutil.Error:
                    continue
                total += rss
                self.per_pid[proc.pid] = max(self.per_pid.get(proc.pid, 0), rss)
            self.total_peak = max(self.total_peak, total)
            self._done.wait(SAMPLE_S)

    def stop(self) -> None:
        self._done.set()
        self.join()


def run_tree(argv: list[str], env: dict[str, str], cwd: Path) -> dict[str, Any]:
    """Run ``argv``; wall time, exit code, stderr tail, the parent's peak RSS (wait4) and the sampled tree."""
    with tempfile.TemporaryFile() as out_file, tempfile.TemporaryFile() as err_file:
        start = time.perf_counter()
        proc = subprocess.Popen(argv, cwd=cwd, env=env, stdout=out_file, stderr=err_file)
        sampler = TreeSampler(proc.pid)
        sampler.start()
        _, status, usage = os.wait4(proc.pid, 0)
        wall = time.perf_counter() - start
        sampler.stop()
        proc.returncode = code = os.waitstatus_to_exitcode(status)
        err_file.seek(0)
        err = err_file.read().decode("utf-8", "replace")
    workers = {pid: rss for pid, rss in sampler.per_pid.items() if pid != proc.pid}
    mb = 1024 * 1024
    return {
        "exit_code": code, "wall_s": round(wall, 2), "user_s": round(usage.ru_utime, 2),
        "parent_peak_rss_mb": round(usage.ru_maxrss / 1024, 1),
        "workers": len(workers),
        "worker_peak_rss_mb": round(max(workers.values()) / mb, 1) if workers else None,
        "tree_peak_rss_mb": round(sampler.total_peak / mb, 1),
        "stderr_tail": err[-1500:],
    }


def jobs_rejected(result: dict[str, Any]) -> bool:
    """argparse refuses an option it does not know: exit code 2 and 'unrecognized arguments'."""
    return result["exit_code"] == 2 and "unrecognized arguments" in result["stderr_tail"]


def build_corpus(corpus: Path, work: Path, jobs: int | None, reports: int, env: dict[str, str],
                 cwd: Path) -> dict[str, Any]:
    """One ``csrkg build`` of the corpus into a fresh store and output directory."""
    tag = f"jobs{jobs}" if jobs else "serial"
    argv = [sys.executable, "-m", "kg.cli", "build", str(corpus), "--store", str(work / f"store-{tag}"),
            "-o", str(work / f"out-{tag}"), "--no-html", "--quiet"]
    if jobs:
        argv += ["--jobs", str(jobs)]
    result = run_tree(argv, env, cwd)
    result["jobs"] = jobs
    result["reports"] = reports
    if result["exit_code"] == 0:
        result["reports_per_s"] = round(reports / result["wall_s"], 2)
        graph = work / f"out-{tag}" / "graph.ttl"
        result["graph_ttl_mb"] = round(graph.stat().st_size / 1024 / 1024, 1) if graph.exists() else None
    return result


def bench_corpus(n: int, seed: int, work: Path, env: dict[str, str], cwd: Path) -> dict[str, Any]:
    """Generate ``n`` reports, build them with ``--jobs 1`` and ``--jobs 2``; without ``--jobs`` in the CLI,
    record that and build once the serial way (the baseline the parallel build will be compared with)."""
    from generate_corpus import generate

    corpus = work / "corpus"
    start = time.perf_counter()
    paths = generate(corpus, n=n, seed=seed)
    out: dict[str, Any] = {"reports": n, "seed": seed, "generate_s": round(time.perf_counter() - start, 2),
                           "chars": sum(len(p.read_text(encoding="utf-8")) for p in paths), "runs": []}
    one = build_corpus(corpus, work, 1, n, env, cwd)
    if jobs_rejected(one):
        out["jobs"] = NO_JOBS
        print(f"corpus build with --jobs: {NO_JOBS}; building it once without --jobs", file=sys.stderr)
        out["runs"].append(_checked(build_corpus(corpus, work, None, n, env, cwd)))
        return out
    out["jobs"] = "available"
    out["runs"].append(_checked(one))
    two = _checked(build_corpus(corpus, work, 2, n, env, cwd))
    out["runs"].append(two)
    if one.get("wall_s") and two.get("wall_s"):
        out["speedup_jobs2"] = round(one["wall_s"] / two["wall_s"], 2)
    return out


def _checked(result: dict[str, Any]) -> dict[str, Any]:
    if result["exit_code"] != 0:
        print(f"corpus build failed ({result['exit_code']}): {result['stderr_tail']}", file=sys.stderr)
    return result

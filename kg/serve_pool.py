"""A small pool of worker processes that evaluate SPARQL queries under a time and a memory limit.

Why processes: a query runs in Oxigraph's native code, which a Python thread can neither interrupt nor
abandon without leaving it burning a core. A process can be killed. So each worker opens the data itself
(read-only), the HTTP threads hand it one request at a time over a socket pair, and a worker that misses
the deadline is killed and replaced by a fresh one. Workers are fresh interpreters (:mod:`kg.serve_worker`),
never forks of the multi-threaded parent (a fork could copy a held lock), and not ``multiprocessing``
children either, which would re-import the caller's ``__main__``.

The memory limit is each worker's own RLIMIT_AS, for the same reason: only the kernel can stop native code
from allocating. A query that exceeds it ends in a MemoryError, which the worker answers, or kills the worker
(Oxigraph and RocksDB abort on a failed allocation); either way the worker is replaced, since its heap may
stay bloated.
"""
from __future__ import annotations

import os
import queue
import signal
import socket
import subprocess
import sys
import threading
from multiprocessing.connection import Connection
from pathlib import Path

from extract.errors import CsrKgError, Errors
from kg.serve_eval import DataSource, QueryRequest, Reply, WorkerSetup, limit_reply, memory_reply, text_reply

PACKAGE_ROOT = Path(__file__).resolve().parent.parent
# import this very kg package (not one that happens to sit in the current directory), then run the worker
WORKER_BOOT = "import sys; sys.path.insert(0, sys.argv.pop(1)); from kg.serve_worker import main; sys.exit(main(sys.argv))"


class Worker:
    """One worker process (:mod:`kg.serve_worker`) and the parent's end of its socket."""

    def __init__(self, setup: WorkerSetup) -> None:
        parent_sock, child_sock = socket.socketpair()
        # glibc gives each thread that allocates its own 64 MiB arena of address space, so a worker's size
        # under RLIMIT_AS would depend on how its threads happened to race; two arenas keep it steady
        env = {**os.environ}
        env.setdefault("MALLOC_ARENA_MAX", "2")
        try:
            self.process = subprocess.Popen(
                [sys.executable, "-c", WORKER_BOOT, str(PACKAGE_ROOT), str(child_sock.fileno())],
                pass_fds=(child_sock.fileno(),),
                stdin=subprocess.DEVNULL,
                stdout=subprocess.DEVNULL,  # the protocol runs on the socket; stray prints go nowhere
                env=env,
            )
        finally:
            child_sock.close()
        self.conn = Connection(parent_sock.detach())
        self.conn.send(setup)
        self.memory_limit_mb = setup.memory_limit_mb
        self.ready = False

    def died_of_memory(self) -> bool:
        """After the worker's socket closed: did it die the way a failed allocation kills it (an abort)?

        Oxigraph (Rust) and RocksDB (C++) abort the process when an allocation fails; with no memory limit
        set, an abort is some other crash.
        """
        try:
            code = self.process.wait(5)
        except subprocess.TimeoutExpired:
            return False
        return self.memory_limit_mb > 0 and code == -signal.SIGABRT

    def wait_ready(self, timeout: float) -> str | None:
        """Wait until the worker has opened its data; returns None, or why it could not."""
        if self.ready:
            return None
        try:
            if not self.conn.poll(timeout):
                return f"the worker did not open the data within {timeout:g} s"
            kind, detail = self.conn.recv()
        except (EOFError, OSError):
            if self.died_of_memory():
                return (f"the worker ran out of memory while opening the data: the memory limit of "
                        f"{self.memory_limit_mb} MB (--memory-limit) is too small for it")
            return "the worker exited while opening the data"
        if kind != "ready":
            return str(detail)
        self.ready = True
        return None

    def kill(self) -> None:
        """Stop the process now (its data is opened read-only, so nothing is lost) and reap it."""
        try:
            self.conn.close()
        except OSError:
            pass
        if self.process.poll() is None:
            self.process.kill()
        try:
            self.process.wait(5)
        except subprocess.TimeoutExpired:  # pragma: no cover - a kill -9 that did not land
            pass


class WorkerPool:
    """``size`` workers; :meth:`run` sends a request to a free one and enforces the timeout.

    ``memory_limit_mb`` caps each worker's address space (0 = no cap).
    """

    def __init__(
        self, source: DataSource, size: int = 2, load_timeout: float = 120.0, memory_limit_mb: int = 0
    ) -> None:
        self.setup = WorkerSetup(source, memory_limit_mb)
        self.size = size
        self.load_timeout = load_timeout
        self._idle: queue.Queue[Worker] = queue.Queue()
        self._all: set[Worker] = set()
        self._lock = threading.Lock()
        self._closed = False

    def start(self) -> None:
        """Start every worker and wait until each has opened the data; a failure is a :class:`CsrKgError`."""
        workers = [self._spawn() for _ in range(self.size)]
        for worker in workers:
            problem = worker.wait_ready(self.load_timeout)
            if problem:
                self.close()
                raise CsrKgError(Errors.E101, reason=problem)
            self._idle.put(worker)

    def _spawn(self) -> Worker:
        worker = Worker(self.setup)
        with self._lock:
            self._all.add(worker)
        return worker

    def _retire(self, worker: Worker) -> None:
        """Kill ``worker`` and put a fresh one in its place (it opens the data while nobody waits for it)."""
        worker.kill()
        with self._lock:
            self._all.discard(worker)
            closed = self._closed
        if not closed:
            self._idle.put(self._spawn())

    def run(self, request: QueryRequest, timeout: float) -> Reply:
        """Evaluate ``request`` in a worker; 503 when it takes longer than ``timeout`` seconds, exceeds the memory
        limit, or no worker is free."""
        try:
            worker = self._idle.get(timeout=timeout + self.load_timeout)
        except queue.Empty:
            return text_reply(503, "the server is busy: every query worker is occupied; try again later")
        problem = worker.wait_ready(self.load_timeout)
        if problem:
            self._retire(worker)
            return text_reply(500, f"a query worker could not open the data: {problem}")
        try:
            worker.conn.send(request)
            if not worker.conn.poll(timeout):
                self._retire(worker)
                return limit_reply(
                    "time", f"query timed out: it ran longer than the limit of {timeout:g} s and was stopped"
                )
            reply: Reply = worker.conn.recv()
        except (EOFError, OSError, BrokenPipeError):
            out_of_memory = worker.died_of_memory()
            self._retire(worker)
            if out_of_memory:
                return memory_reply(worker.memory_limit_mb)
            return text_reply(500, "the query worker crashed while evaluating the query")
        if reply.replace_worker:
            self._retire(worker)
        else:
            self._idle.put(worker)
        return reply

    def close(self) -> None:
        """Kill every worker, busy or idle."""
        with self._lock:
            self._closed = True
            workers = list(self._all)
            self._all.clear()
        for worker in workers:
            worker.kill()

"""A pool of worker processes, one unit at a time each, that survives its workers.

concurrent.futures' pool breaks as a whole when one worker dies; here each worker has its own pipe, so a unit
that kills its worker (a crash in a C library, the OOM killer) or passes the time limit costs only that worker:
it is killed and replaced, and the unit is tried once more. Workers start from a forkserver (spawn where there
is none): never a fork of a process that runs threads, which Pango and fontconfig do not survive. The
forkserver imports WeasyPrint, matplotlib and the stages once, so every worker — also the ones that replace a
worker after `units_per_worker` units to keep memory bounded — starts with them loaded.
"""
from __future__ import annotations

import multiprocessing
import signal
import sys
import time
from collections import deque
from multiprocessing.connection import wait
from typing import Iterator

from . import work

ATTEMPTS = 2     # a unit whose worker dies or hangs is tried once more


def _context():
    if sys.platform.startswith("linux") and "forkserver" in multiprocessing.get_all_start_methods():
        from multiprocessing import forkserver

        context = multiprocessing.get_context("forkserver")
        context.set_forkserver_preload(list(work.PRELOAD))
        # started with Ctrl-C ignored (kept through exec): an interrupt while it imports is ours to handle
        previous = signal.signal(signal.SIGINT, signal.SIG_IGN)
        try:
            forkserver.ensure_running()
        finally:
            signal.signal(signal.SIGINT, previous)
        return context
    return multiprocessing.get_context("spawn")


def _serve(conn) -> None:
    """A worker's life: build the units it is sent until told to stop (None) or the batch goes away."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)   # Ctrl-C is the batch's to handle: it stops the workers
    work.warm()
    while True:
        try:
            task = conn.recv()
        except (EOFError, OSError):
            return
        if task is None:
            return
        conn.send(work.build_unit(task))


class _Worker:
    def __init__(self, context):
        self.conn, theirs = context.Pipe()
        self.process = context.Process(target=_serve, args=(theirs,), daemon=True, name="juesuan-worker")
        self.process.start()
        theirs.close()
        self.task: dict | None = None
        self.deadline = 0.0
        self.built = 0

    def give(self, task: dict, timeout: float) -> None:
        self.task, self.deadline = task, time.monotonic() + timeout
        self.conn.send(task)

    def stop(self, now: bool = False) -> None:
        if not now and self.process.is_alive():
            try:
                self.conn.send(None)
            except OSError:
                pass
            self.process.join(5)
        if self.process.is_alive():
            self.process.kill()
        self.process.join()
        self.conn.close()


def lost(task: dict, why: str) -> dict:
    """The outcome of a unit whose worker never answered."""
    return {"status": "failed", "exit_code": 3, "errors": 0, "warnings": 0, "messages": [why], "outputs": {},
            "deps": [], "timings": {}, "wall_s": 0.0, "cpu_s": 0.0, "worker": {}}


class ProcessPool:
    """`jobs` worker processes; `run(tasks)` yields (task, outcome) as units finish, in any order."""

    def __init__(self, jobs: int, timeout: float, units_per_worker: int):
        self.jobs, self.timeout, self.units_per_worker = max(1, jobs), timeout, max(1, units_per_worker)
        self.workers: list[_Worker] = []
        self.context = None

    def __enter__(self):
        work.quiet_environment()
        self.context = _context()
        return self

    def __exit__(self, *exc) -> None:
        interrupted = exc[0] is not None
        for worker in self.workers:
            worker.stop(now=interrupted or worker.task is not None)
        self.workers.clear()

    def run(self, tasks: list[dict]) -> Iterator[tuple[dict, dict]]:
        pending = deque(tasks)
        for task in pending:
            task.setdefault("attempt", 1)
        while pending or any(w.task for w in self.workers):
            self._dispatch(pending)
            busy = [w for w in self.workers if w.task is not None]
            waited = max(0.0, min(w.deadline for w in busy) - time.monotonic())
            ready = set(wait([w.conn for w in busy] + [w.process.sentinel for w in busy], timeout=waited))
            for worker in busy:
                outcome = None
                if worker.conn in ready or worker.process.sentinel in ready:
                    outcome = self._collect(worker, pending)
                elif time.monotonic() >= worker.deadline:
                    outcome = self._retire(worker, pending, f"超过时限（{self.timeout:g} 秒），已停止该单位的生成进程")
                if outcome is not None:
                    yield outcome

    def _dispatch(self, pending: deque) -> None:
        for worker in [w for w in self.workers if w.task is None and w.built >= self.units_per_worker]:
            worker.stop()                            # replaced: a fresh worker's memory starts from the forkserver
            self.workers.remove(worker)
        while pending:
            idle = next((w for w in self.workers if w.task is None), None)
            if idle is None and len(self.workers) < self.jobs:
                idle = _Worker(self.context)
                self.workers.append(idle)
            if idle is None:
                return
            idle.give(pending.popleft(), self.timeout)

    def _collect(self, worker: _Worker, pending: deque):
        task = worker.task
        try:
            if worker.conn.poll():
                outcome = worker.conn.recv()
                worker.task, worker.built = None, worker.built + 1
                return task, outcome
        except (EOFError, OSError):
            pass
        worker.process.join(1)
        return self._retire(worker, pending, f"生成进程异常退出（退出码 {worker.process.exitcode}）")

    def _retire(self, worker: _Worker, pending: deque, why: str):
        """Kill `worker` (dead or hung); its unit goes back to the queue once, else fails with `why`."""
        task = worker.task
        worker.task = None
        worker.stop(now=True)
        self.workers.remove(worker)
        if task["attempt"] < ATTEMPTS:
            task["attempt"] += 1
            task.setdefault("retried_because", why)
            pending.append(task)
            return None
        return task, lost(task, why)

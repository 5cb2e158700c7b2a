"""The batch on dask.distributed: the same unit builds as the local pool, on the workers of a Dask cluster
(`--scheduler tcp://HOST:8786`) or of a LocalCluster of `jobs` single-threaded worker processes.

Inputs reach workers by path: every worker must see each unit (and any profile directory outside the package)
at the same absolute path as the machine that runs `juesuan build` — a shared folder mounted alike everywhere.
Outputs come back as bytes in the task's result, and this process writes them into OUTDIR, atomically; so
OUTDIR need not be shared, and a worker that dies leaves no file behind.

A unit that passes the time limit ends its worker process (its nanny starts a fresh one); a unit whose worker
died is tried once more, as in the pool; on a LocalCluster the scheduler gives up on such a task at once
(allowed-failures 0) so that the retry is ours, the same as the pool's.
"""
from __future__ import annotations

import logging
import os
import signal
import threading
import uuid
from typing import Iterator

from . import work
from .pool import ATTEMPTS, lost


def _give_up() -> None:
    os._exit(71)    # the unit hangs: only ending the process stops it; the nanny starts a fresh worker


def remote_build(task: dict, timeout: float) -> dict:
    """Runs on a Dask worker: the unit's build, ended with its process if it passes `timeout`."""
    work.warm()
    timer = threading.Timer(timeout, _give_up)
    timer.daemon = True
    timer.start()
    try:
        return work.build_unit(task)
    finally:
        timer.cancel()


class ClusterError(Exception):
    """The cluster cannot be reached or its workers cannot build (exit code 2, a Chinese message)."""


class DaskExecutor:
    def __init__(self, jobs: int, timeout: float, scheduler: str | None):
        self.jobs, self.timeout, self.scheduler = max(1, jobs), timeout, scheduler
        self.cluster = self.client = None

    def __enter__(self):
        import dask
        from distributed import Client, LocalCluster

        work.quiet_environment()            # LocalCluster workers inherit it; remote ones: see docs/batch.md
        if self.scheduler:
            try:
                self.client = Client(self.scheduler, timeout="30s")
            except (OSError, ValueError) as exc:
                raise ClusterError(f"无法连接 Dask 调度器 {self.scheduler}（{exc}）：请确认地址、端口与防火墙，"
                                   f"以及调度器已启动（见 docs/batch.md）") from None
        else:
            # the worker processes start with Ctrl-C ignored (inherited through exec): it is the batch's to
            # handle, by closing the cluster, instead of each worker printing its own traceback
            previous = signal.signal(signal.SIGINT, signal.SIG_IGN)
            try:
                # the workers' statistical profiler samples every thread's stack each 10 ms, for a dashboard
                # no batch looks at; with it on, a unit cost 7–19 % more CPU than in the pool (docs/batch.md)
                with dask.config.set({"distributed.scheduler.allowed-failures": 0,
                                      "distributed.worker.profile.enabled": False}):
                    self.cluster = LocalCluster(n_workers=self.jobs, threads_per_worker=1, processes=True,
                                                host="127.0.0.1", dashboard_address=None,
                                                silence_logs=logging.ERROR)
            finally:
                signal.signal(signal.SIGINT, previous)
            self.client = Client(self.cluster)
        try:
            self.client.run(work.warm)      # every worker imports WeasyPrint and matplotlib before the first unit
        except Exception as exc:  # noqa: BLE001 — whatever a worker lacks, said in one line
            self.__exit__(None, None, None)
            raise ClusterError(f"Dask 工作进程无法准备生成（{type(exc).__name__}：{exc}）：每台工作机都要安装与本机"
                               f"相同版本的 juesuan 及其系统依赖（见 docs/batch.md）") from None
        return self

    def __exit__(self, *exc) -> None:
        if self.client is not None:
            self.client.close()
        if self.cluster is not None:
            self.cluster.close()

    def run(self, tasks: list[dict]) -> Iterator[tuple[dict, dict]]:
        from distributed import as_completed

        owner: dict = {}

        def submit(task: dict):
            future = self.client.submit(remote_build, task, self.timeout, pure=False,
                                        key=f"juesuan-{uuid.uuid4().hex}")
            owner[future.key] = task
            return future

        for task in tasks:
            task.setdefault("attempt", 1)
        pending = as_completed([submit(task) for task in tasks])
        for future in pending:
            task = owner.pop(future.key)
            try:
                outcome = future.result()
            except Exception as exc:  # noqa: BLE001 — KilledWorker, a lost connection: this unit only
                why = f"生成进程异常退出或超过时限（{self.timeout:g} 秒）（{type(exc).__name__}）"
                if task["attempt"] < ATTEMPTS:
                    task["attempt"] += 1
                    task.setdefault("retried_because", why)
                    pending.add(submit(task))
                    continue
                outcome = lost(task, why)
            finally:
                future.release()
            yield task, outcome

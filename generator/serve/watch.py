"""Watching the served input and profile directories (watchfiles): a change rebuilds every open unit that
reads the changed file, once the files have been quiet for STEP_MS (an editor's save is several events)."""
from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Callable, Iterable

STEP_MS = 300


def covers(roots: Iterable[Path], path: Path) -> bool:
    return any(path == root or root in path.parents for root in roots)


class Watcher:
    """`on_change(paths)` is called with the changed files; `ensure(dirs)` widens what is watched (a unit's
    profile may live outside the served directory)."""

    def __init__(self, on_change: Callable[[set[Path]], None]):
        self.on_change = on_change
        self.roots: set[Path] = set()
        self._task: asyncio.Task | None = None
        self._stop: asyncio.Event | None = None

    def ensure(self, dirs: Iterable[Path]) -> None:
        wanted = {d for d in (Path(p).resolve() for p in dirs) if d.is_dir()}
        missing = {d for d in wanted if not covers(self.roots, d)}
        if not missing and self._task is not None:
            return
        every = self.roots | missing
        self.roots = {d for d in every if not covers(every - {d}, d)}
        self._restart()

    def _restart(self) -> None:
        if self._stop is not None:
            self._stop.set()
        if not self.roots:
            return
        self._stop = asyncio.Event()
        self._task = asyncio.get_running_loop().create_task(self._run(sorted(self.roots), self._stop))

    async def _run(self, roots: list[Path], stop: asyncio.Event) -> None:
        from watchfiles import awatch

        try:
            async for changes in awatch(*roots, step=STEP_MS, stop_event=stop, recursive=True):
                self.on_change({Path(path) for _, path in changes})
        except (OSError, RuntimeError) as exc:     # a watched directory removed: say so, keep serving
            print(f"停止监视文件变化：{exc}", flush=True)

    async def close(self) -> None:
        if self._stop is not None:
            self._stop.set()
        if self._task is not None:
            try:
                await asyncio.wait_for(self._task, 2)
            except (asyncio.TimeoutError, asyncio.CancelledError):
                self._task.cancel()

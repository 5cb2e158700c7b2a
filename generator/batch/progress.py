"""Progress of a batch on stderr: a tqdm bar on a terminal, a plain line every `EVERY` seconds otherwise
(CI logs, a scheduler's log file), both with done / failed / skipped counts and the time left."""
from __future__ import annotations

import sys
import time

EVERY = 10.0
FAILED = ("failed", "unusable", "draft_with_errors")


def _clock(seconds: float) -> str:
    seconds = int(seconds)
    if seconds >= 3600:
        return f"{seconds // 3600} 小时 {seconds % 3600 // 60} 分"
    return f"{seconds // 60} 分 {seconds % 60} 秒" if seconds >= 60 else f"{seconds} 秒"


class Progress:
    def __init__(self, total: int, skipped: int, stream=None):
        self.stream = stream or sys.stderr
        self.total, self.skipped = total, skipped
        self.done = self.failed = 0
        self.started = self.last_line = time.monotonic()
        self.bar = None
        self.shown = 0
        if self.stream.isatty():
            from tqdm import tqdm

            self.bar = tqdm(total=total, initial=skipped, desc="生成", unit="个", file=self.stream,
                            dynamic_ncols=True, smoothing=0.1)
            self._postfix()

    def _postfix(self) -> None:
        self.bar.set_postfix_str(f"完成 {self.done}，出错 {self.failed}，跳过 {self.skipped}", refresh=False)

    def update(self, status: str) -> None:
        if status in FAILED:
            self.failed += 1
        else:
            self.done += 1
        if self.bar is not None:
            self._postfix()
            self.bar.update(1)
        elif time.monotonic() - self.last_line >= EVERY:
            self.line()

    def line(self) -> None:
        built = self.done + self.failed
        elapsed = time.monotonic() - self.started
        left = self.total - self.skipped - built
        eta = f"，预计还需 {_clock(elapsed / built * left)}" if built and left else ""
        print(f"[{time.strftime('%H:%M:%S')}] 已处理 {built + self.skipped}/{self.total}（完成 {self.done}，"
              f"出错 {self.failed}，跳过 {self.skipped}），用时 {_clock(elapsed)}{eta}", file=self.stream, flush=True)
        self.last_line, self.shown = time.monotonic(), built

    def close(self) -> None:
        if self.bar is not None:
            self.bar.close()
        elif self.done + self.failed != self.shown:
            self.line()

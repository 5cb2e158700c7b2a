"""Run one pipeline step in a forked child while the parent goes on (charts while WeasyPrint loads; the DOCX
while the PDF is laid out): a build uses both cores of a small machine.

The child inherits everything computed so far, so nothing but the result crosses the pipe (pickled). Steps
are deterministic, so if the child fails for any reason the parent simply runs the step itself: errors
surface in-process with their own type and message, exactly as in a serial build. Set JUESUAN_SERIAL=1, or
run where os.fork does not exist, to run every step in-process.
"""
from __future__ import annotations

import os
import pickle
from typing import Callable, Generic, TypeVar

T = TypeVar("T")


def serial() -> bool:
    return os.environ.get("JUESUAN_SERIAL", "") not in ("", "0") or not hasattr(os, "fork")


class Background(Generic[T]):
    """`Background(step)` starts `step()` in a child; `.result()` waits for it and returns its value."""

    def __init__(self, step: Callable[[], T]):
        self.step = step
        self.pid = 0
        if serial():
            return
        read, write = os.pipe()
        pid = os.fork()
        if pid == 0:                                        # child: run, send, leave without cleanup
            os.close(read)
            try:
                try:
                    payload = pickle.dumps((True, step()), protocol=pickle.HIGHEST_PROTOCOL)
                except BaseException:                      # noqa: BLE001 — the parent reruns the step
                    payload = pickle.dumps((False, None))
                with os.fdopen(write, "wb") as pipe:
                    pipe.write(payload)
            finally:
                os._exit(0)
        os.close(write)
        self.pid, self.read = pid, read

    def result(self) -> T:
        if not self.pid:
            return self.step()
        try:
            with os.fdopen(self.read, "rb") as pipe:
                data = pipe.read()
        finally:
            os.waitpid(self.pid, 0)
            self.pid = 0
        try:
            ok, value = pickle.loads(data)
        except Exception:                                   # noqa: BLE001 — child died mid-write
            ok, value = False, None
        return value if ok else self.step()

    def cancel(self) -> None:
        """Stop a child whose result is no longer wanted (the build failed meanwhile)."""
        if self.pid:
            import signal

            os.kill(self.pid, signal.SIGKILL)
            os.close(self.read)
            os.waitpid(self.pid, 0)
            self.pid = 0

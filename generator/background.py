"""Run one pipeline step in a forked child while the parent goes on (charts while the input loads and
WeasyPrint starts; the DOCX while the PDF is laid out): a build uses both cores of a small machine.

The child inherits everything computed so far, so nothing but the result (and a Worker's request) crosses
the pipe (pickled). Steps are deterministic, so if the child fails for any reason the parent simply runs the
step itself: errors surface in-process with their own type and message, exactly as in a serial build. Set
JUESUAN_SERIAL=1, or run where os.fork does not exist, to run every step in-process.
"""
from __future__ import annotations

import os
import pickle
from typing import Callable, Generic, TypeVar

T = TypeVar("T")
R = TypeVar("R")


def serial() -> bool:
    return os.environ.get("JUESUAN_SERIAL", "") not in ("", "0") or not hasattr(os, "fork")


class Worker(Generic[R, T]):
    """`Worker(prepare, step)` forks a child that runs `prepare()` at once (imports, typically) and then
    waits for `.submit(request)`; `.result()` returns `step(request)` computed there. A step whose input is
    not known yet can so have its start-up cost paid alongside the work that produces that input."""

    def __init__(self, prepare: Callable[[], object], step: Callable[[R], T]):
        self.step = step
        self.request: R | None = None
        self.pid = 0
        if serial():
            return
        down, to_child = os.pipe()
        from_child, up = os.pipe()
        pid = os.fork()
        if pid == 0:                                        # child: prepare, wait, run, send, leave
            os.close(to_child)
            os.close(from_child)
            try:
                try:
                    prepare()
                    with os.fdopen(down, "rb") as pipe:
                        request = pickle.load(pipe)
                    payload = pickle.dumps((True, step(request)), protocol=pickle.HIGHEST_PROTOCOL)
                except BaseException:                      # noqa: BLE001 — the parent reruns the step
                    payload = pickle.dumps((False, None))
                with os.fdopen(up, "wb") as pipe:
                    pipe.write(payload)
            finally:
                os._exit(0)
        os.close(down)
        os.close(up)
        self.pid, self.to_child, self.read = pid, to_child, from_child

    def submit(self, request: R) -> None:
        self.request = request
        if self.pid:
            fd, self.to_child = self.to_child, -1
            try:
                with os.fdopen(fd, "wb") as pipe:
                    pickle.dump(request, pipe, protocol=pickle.HIGHEST_PROTOCOL)
            except OSError:                                 # the child died: result() runs the step here
                pass

    def result(self) -> T:
        if not self.pid:
            return self.step(self.request)
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
        return value if ok else self.step(self.request)

    def cancel(self) -> None:
        """Stop a child whose result is no longer wanted."""
        if self.pid:
            import signal

            os.kill(self.pid, signal.SIGKILL)
            for fd in (self.to_child, self.read):
                if fd >= 0:
                    os.close(fd)
            os.waitpid(self.pid, 0)
            self.pid = 0


class Background(Worker[None, T]):
    """`Background(step)` starts `step()` in a child at once; `.result()` waits for it and returns its value."""

    def __init__(self, step: Callable[[], T]):
        super().__init__(lambda: None, lambda _: step())
        self.submit(None)

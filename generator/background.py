"""Run a pipeline step in a forked child while the parent goes on (the charts, and the PDF's layout, while
the input loads): a build uses both cores of a small machine.

The child inherits everything computed so far, so nothing but the result (and a Worker's requests) crosses
the pipe (pickled). Steps are deterministic, so if the child fails for any reason the parent simply runs the
steps itself: errors surface in-process with their own type and message, exactly as in a serial build. Set
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
    `step(request)` for each `.submit(request)`; `.result()` returns the value of the step for the request
    submitted with `last=True`, computed there. A step whose input is not known yet can so have its start-up
    cost paid alongside the work that produces that input, and a step in stages (a stateful `step`) can start
    each stage as soon as its input exists."""

    def __init__(self, prepare: Callable[[], object], step: Callable[[R], T]):
        self.step = step
        self.requests: list[R] = []
        self.pid, self.to_child, self.read = 0, -1, -1
        if serial():
            return
        down, to_child = os.pipe()
        from_child, up = os.pipe()
        pid = os.fork()
        if pid == 0:                                        # child: prepare, run each request, send, leave
            os.close(to_child)
            os.close(from_child)
            try:
                try:
                    prepare()
                    with os.fdopen(down, "rb") as pipe:
                        last = False
                        while not last:
                            request, last = pickle.load(pipe)
                            value = step(request)
                    payload = pickle.dumps((True, value), protocol=pickle.HIGHEST_PROTOCOL)
                except BaseException:                      # noqa: BLE001 — the parent reruns the steps
                    payload = pickle.dumps((False, None))
                with os.fdopen(up, "wb") as pipe:
                    pipe.write(payload)
            finally:
                os._exit(0)
        os.close(down)
        os.close(up)
        self.pid, self.to_child, self.read = pid, to_child, from_child

    def submit(self, request: R, last: bool = True) -> None:
        self.requests.append(request)
        if self.pid and self.to_child >= 0:
            try:
                data = memoryview(pickle.dumps((request, last), protocol=pickle.HIGHEST_PROTOCOL))
                while data:
                    data = data[os.write(self.to_child, data):]
            except OSError:                                 # the child died: result() runs the steps here
                last = True
            if last:
                os.close(self.to_child)
                self.to_child = -1

    def result(self) -> T:
        if self.to_child >= 0:               # the last request never came: the child would wait for it
            self.cancel()
        if not self.pid:
            return self._steps_here()
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
        return value if ok else self._steps_here()

    def _steps_here(self) -> T:
        value = None
        for request in self.requests:
            value = self.step(request)
        return value

    def cancel(self) -> None:
        """Stop a child whose result is no longer wanted."""
        if self.pid:
            import signal

            os.kill(self.pid, signal.SIGKILL)
            for fd in (self.to_child, self.read):
                if fd >= 0:
                    os.close(fd)
            self.to_child = -1
            os.waitpid(self.pid, 0)
            self.pid = 0

"""Forked helpers (charts, DOCX, the PDF's second half) change nothing but the wall time."""
from __future__ import annotations

import os

import pypdfium2 as pdfium
import pytest

from generator.background import Worker
from generator.build import run
from conftest import INPUTS


def test_serial_and_forked_builds_write_the_same_documents(monkeypatch):
    forked = run(INPUTS / "shanxi-2024", ("pdf", "docx")).outputs
    monkeypatch.setenv("JUESUAN_SERIAL", "1")
    serial = run(INPUTS / "shanxi-2024", ("pdf", "docx")).outputs
    assert forked.keys() == serial.keys() == {"pdf", "docx"}
    assert forked["docx"] == serial["docx"]
    # the forked build lays the PDF out in two halves (each embeds its own font subset), so the bytes differ;
    # test_pdf_split.py checks pixels, outline and links, here the text of every page
    texts = [[page.get_textpage().get_text_range() for page in pdfium.PdfDocument(data)]
             for data in (forked["pdf"], serial["pdf"])]
    assert texts[0] == texts[1] and len(texts[0]) > 20


def started(step) -> Worker:
    """A worker given its one request at once."""
    worker = Worker(lambda: None, lambda _: step())
    worker.submit(None)
    return worker


def test_the_result_comes_from_the_child():
    parent = os.getpid()
    assert started(os.getpid).result() != parent


def test_a_failing_step_fails_in_the_parent_with_its_own_error():
    calls = []

    def step():
        calls.append(os.getpid())
        raise ValueError("数据有误")

    job = started(step)
    with pytest.raises(ValueError, match="数据有误"):
        job.result()
    assert calls == [os.getpid()]          # the child's run happened elsewhere; the parent ran it again


def test_serial_mode_runs_in_process(monkeypatch):
    monkeypatch.setenv("JUESUAN_SERIAL", "1")
    assert started(os.getpid).result() == os.getpid()


def test_cancel_reaps_the_child():
    job = started(lambda: __import__("time").sleep(30))
    job.cancel()
    assert job.pid == 0


def test_a_worker_prepares_first_and_gets_its_request_later(tmp_path):
    prepared = tmp_path / "prepared"
    worker = Worker(prepared.touch, lambda request: (os.getpid(), request * 2))
    __import__("time").sleep(0.2)
    assert prepared.exists()                # the child prepared before any request existed
    worker.submit(21)
    pid, value = worker.result()
    assert value == 42 and pid != os.getpid()


def test_a_worker_whose_preparation_fails_leaves_the_step_to_the_parent():
    def prepare():
        raise ImportError("no matplotlib")

    worker = Worker(prepare, lambda request: (os.getpid(), request))
    worker.submit("图1")
    assert worker.result() == (os.getpid(), "图1")


def test_a_cancelled_worker_is_reaped_before_and_after_its_request():
    idle = Worker(lambda: None, lambda request: request)
    idle.cancel()
    busy = Worker(lambda: None, lambda request: __import__("time").sleep(request))
    busy.submit(30)
    busy.cancel()
    assert idle.pid == busy.pid == 0


def test_the_chart_painter_draws_what_the_build_would(monkeypatch):
    forked = run(INPUTS / "zaozhuang-2024", ("html",)).html
    monkeypatch.setenv("JUESUAN_SERIAL", "1")
    assert run(INPUTS / "zaozhuang-2024", ("html",)).html == forked
    assert forked.count('class="chart"') >= 6


def test_repeated_builds_in_one_process_do_not_accumulate_objects():
    """A batch builds many units in one process; the GC pause of a build must not keep the previous one's
    garbage alive (gc.freeze would make it permanent)."""
    import gc

    counts = []
    for _ in range(3):
        run(INPUTS / "shanxi-2024", ("pdf",))
        counts.append(len(gc.get_objects()))
    assert counts[2] < counts[1] * 1.1, counts


class _Staged:
    """A step in two stages: the first request sets the state the second one uses."""

    def __init__(self):
        self.base = None
        self.calls = []

    def __call__(self, request):
        self.calls.append(os.getpid())
        if self.base is None:
            self.base = request
            return None
        return os.getpid(), self.base + request


def test_a_worker_takes_its_requests_in_stages():
    staged = _Staged()
    worker = Worker(lambda: None, staged)
    worker.submit(40, last=False)
    worker.submit(2)
    pid, value = worker.result()
    assert value == 42 and pid != os.getpid() and staged.calls == []


def test_a_result_asked_before_the_last_request_runs_the_stages_here():
    staged = _Staged()
    worker = Worker(lambda: None, staged)
    worker.submit(40, last=False)
    assert worker.result() is None                     # only the first stage was asked for
    assert worker.pid == 0 and staged.calls == [os.getpid()]


def test_a_worker_failing_in_a_later_stage_reruns_every_stage_in_the_parent():
    class Failing(_Staged):
        def __call__(self, request):
            if request == "boom" and os.getpid() != parent:
                raise RuntimeError("child only")
            return super().__call__(request)

    parent = os.getpid()
    staged = Failing()
    worker = Worker(lambda: None, staged)
    worker.submit("ab", last=False)
    worker.submit("boom")
    assert worker.result() == (parent, "abboom")
    assert staged.calls == [parent, parent]


def test_a_pdf_build_leaves_weasyprint_to_the_layout_worker():
    """The build's own process loads the input while the layout worker imports WeasyPrint: it never
    imports WeasyPrint itself (nor matplotlib, which the painter imports)."""
    import subprocess
    import sys

    code = ("import sys\nfrom generator.build import run\n"
            f"r = run({str(INPUTS / 'zaozhuang-2024')!r}, ('pdf',))\n"
            "assert r.outputs['pdf'].startswith(b'%PDF')\n"
            "print(sorted(m for m in ('weasyprint', 'matplotlib') if m in sys.modules))")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                          cwd=INPUTS.parent)
    assert done.stdout.strip() == "[]"

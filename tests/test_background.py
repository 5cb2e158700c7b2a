"""Forked helpers (charts, DOCX, the PDF's second half) change nothing but the wall time."""
from __future__ import annotations

import os

import pypdfium2 as pdfium
import pytest

from generator.background import Background, Worker
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


def test_the_result_comes_from_the_child():
    parent = os.getpid()
    assert Background(os.getpid).result() != parent


def test_a_failing_step_fails_in_the_parent_with_its_own_error():
    calls = []

    def step():
        calls.append(os.getpid())
        raise ValueError("数据有误")

    job = Background(step)
    with pytest.raises(ValueError, match="数据有误"):
        job.result()
    assert calls == [os.getpid()]          # the child's run happened elsewhere; the parent ran it again


def test_serial_mode_runs_in_process(monkeypatch):
    monkeypatch.setenv("JUESUAN_SERIAL", "1")
    assert Background(os.getpid).result() == os.getpid()


def test_cancel_reaps_the_child():
    job = Background(lambda: __import__("time").sleep(30))
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

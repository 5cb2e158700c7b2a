"""Run the pipeline for one input and write its outputs atomically.

load → check → compute → narrate → compose → render. `Timings` records each stage for bench/.

A build uses both cores from its first moment. Two helpers are forked before the stages are imported: the
layout worker imports WeasyPrint, loads the profile's stylesheets and fonts as soon as the input is loaded,
and lays out and writes the PDF when the HTML arrives (in two halves, pdf_split.py); the chart painter
imports matplotlib and draws the charts. Meanwhile this process imports the stages (pydantic, Jinja2),
loads, composes, sizes the HTML for layout, and writes the DOCX while the PDF is laid out. The painter is not
started when the charts this input had last time are kept, or it had none to draw (chart_cache.py).
JUESUAN_SERIAL=1 runs every step in this process.
"""
from __future__ import annotations

import gc
import os
import tempfile
import time
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from .background import Worker, serial

if TYPE_CHECKING:
    from .check import Finding
    from .compute import Facts
    from .load import Loaded
    from .profile import Profile

FORMATS = ("pdf", "docx", "html")


class BuildError(Exception):
    """The build cannot publish (e.g. --final with errors); exit code 1."""


@dataclass
class Timings:
    stages: dict[str, float] = field(default_factory=dict)

    @contextmanager
    def stage(self, name: str):
        start = time.perf_counter()
        try:
            yield
        finally:
            self.stages[name] = self.stages.get(name, 0.0) + time.perf_counter() - start


@dataclass
class Result:
    loaded: Loaded
    profile: Profile
    facts: Facts
    findings: list[Finding]
    html: str
    outputs: dict[str, bytes]
    timings: Timings


def profile_for(loaded: Loaded, override: str | None) -> Profile:
    from .profile import resolve

    ref = override or loaded.unit.unit.profile
    relative_to = Path.cwd() if override else loaded.base_dir
    return resolve(ref, str(relative_to.resolve()))


@contextmanager
def fewer_gc_passes():
    """WeasyPrint allocates millions of objects and frees almost all of them by reference counting, yet the
    cyclic collector's default thresholds make it rescan the growing live set (fonts, boxes, styles) again
    and again: a quarter of a build's time by default, still 0.1 s of CPU at 20,000 allocations per young
    collection. A build leaves little cyclic garbage (peak memory +3 MB, +19 MB on one core), so the
    collector is off during a build, the objects that existed before (imported modules) are frozen out of
    it, and the garbage a build leaves is collected at the start of the next one in the same process."""
    enabled = gc.isenabled()
    gc.collect()        # what an earlier build left would otherwise be frozen for good
    gc.freeze()
    gc.disable()
    try:
        yield
    finally:
        # everything, the build's objects too, into the oldest generation: re-enabled, the collector would
        # otherwise scan the whole build's survivors as young objects at once (0.14 s)
        gc.freeze()
        gc.unfreeze()
        if enabled:
            gc.enable()


def run(path: str | Path, formats: tuple[str, ...] = ("pdf",), profile: str | None = None,
        final: bool = False, timings: Timings | None = None) -> Result:
    from .chart_cache import predicted

    source = f"{Path(path).resolve()}\0{profile or ''}"
    with fewer_gc_passes():                  # the helpers inherit it
        painter = None if predicted(source) else Worker(_prepare_painter, _paint)
        layout = Worker(_prepare_layout_behind_painter if painter else _prepare_layout, PdfLayout()) \
            if "pdf" in formats else None
        try:
            return _run(path, formats, profile, final, timings or Timings(), (painter, source), layout)
        finally:
            for helper in (painter, layout):
                if helper:
                    helper.cancel()


def _prepare_painter() -> None:
    """In the painter: generator.charts (no pydantic) and matplotlib, imported from the first moment."""
    from .charts import prepare_drawing

    prepare_drawing()


def _paint(plan):
    from .charts import draw_charts

    return draw_charts(plan)


def _charts(plan, painter: Worker | None, source: str) -> dict:
    """The plan's charts: kept from an earlier build, or drawn by the painter, or here without one."""
    from .chart_cache import NOTHING, keep, note, plan_key, recall
    from .charts import draw_charts

    if not plan.drawing:                             # notes only: nothing to draw
        if painter:
            painter.cancel()
        note(source, NOTHING)
        return draw_charts(plan)
    key = plan_key(plan)
    charts = recall(key)
    if charts is not None:
        if painter:
            painter.cancel()
        note(source, key)
        return charts
    if painter:
        painter.submit(plan)
    charts = painter.result() if painter else draw_charts(plan)
    keep(key, source, charts)
    return charts


def _prepare_layout_behind_painter() -> None:
    """With a painter, three processes share two cores at first, and the charts are on the critical path
    (the HTML waits for them) while loading WeasyPrint is not: the layout worker yields to the others."""
    os.nice(5)
    _prepare_layout()


def _prepare_layout() -> None:
    """In the layout worker: WeasyPrint (no pydantic, no Jinja2), imported from the first moment."""
    from .render import pdf  # noqa: F401


class PdfLayout:
    """The PDF in two requests to the layout worker: the profile, as soon as the input is loaded (the
    stylesheets and fonts load and a first line is laid out while the charts are drawn and the HTML
    composed), then the HTML as sized and cut for layout (pdf_cut.planned, done in the build's own process
    meanwhile) with the PDFs to append (→ the PDF's bytes)."""

    def __init__(self):
        self.engine = None

    def __call__(self, request):
        from .render.pdf import Engine, append_pdfs, pdf_bytes
        from .render.pdf_cut import from_text
        from .render.pdf_split import split_planned
        from .render.pdf_tree import element_tree

        if self.engine is None:
            profile, input_dir = request
            self.engine = Engine(profile, input_dir)
            if not serial():
                self.engine.warm_up()
            return None
        sized, cut, appended = request
        root = from_text(sized)
        return (split_planned(self.engine, root, cut, appended)
                or append_pdfs(pdf_bytes(self.engine.render_tree(element_tree(root))), appended))


def _run(path: str | Path, formats: tuple[str, ...], profile: str | None, final: bool,
         timings: Timings, charts_from: tuple[Worker | None, str], layout: Worker | None) -> Result:
    with timings.stage("load"):
        from .check import check
        from .compose import chart_plan_for, compose
        from .compute import compute
        from .load import load
        from .narrate import narrate

        loaded = load(path)
        chosen = profile_for(loaded, profile)
    if layout:
        layout.submit((chosen, loaded.base_dir), last=False)
    with timings.stage("compute"):
        facts = compute(loaded.unit, loaded.prior.unit if loaded.prior else None)
    with timings.stage("check"):
        findings = check(loaded, facts, profile=chosen)
    errors = [f for f in findings if f.severity == "错误"]
    with timings.stage("narrate"):
        story = narrate(facts, chosen.settings)
    with timings.stage("compose"):
        charts = _charts(chart_plan_for(facts, story, chosen), *charts_from)
        html = compose(facts, story, chosen, draft=not final, findings=findings, documents=loaded.documents,
                       input_dir=loaded.base_dir, charts=charts)
    if final and (errors or story.missing):
        # everything to fix in one report: validation errors, then what the draft marked as missing
        lines = [f"  {f}" for f in errors] + [f"  {what}：请在输入的 {where} 填写" for where, what in story.missing]
        raise BuildError("正式稿有以下问题，构建已停止：\n" + "\n".join(lines))
    outputs: dict[str, bytes] = {}
    if layout:
        with timings.stage("pdf"):        # the HTML is taken once the worker has loaded the profile
            from .render.pdf_cut import planned, to_text

            root, cut = planned(html, chosen)
            appended = [(a.title, loaded.pdfs[a.pdf]) for a in loaded.unit.attachments if a.pdf]
            layout.submit((to_text(root), cut, appended))
    if "html" in formats:
        from .render.html import standalone_html

        outputs["html"] = standalone_html(html, chosen).encode("utf-8")
    if "docx" in formats:
        with timings.stage("docx"):       # with a PDF: written here while the layout worker lays it out
            from .render.docx import docx_bytes

            outputs["docx"] = docx_bytes(html, chosen, loaded.base_dir)
    if layout:
        with timings.stage("pdf"):        # the wait for the layout worker
            outputs["pdf"] = layout.result()
    return Result(loaded, chosen, facts, findings, html, outputs, timings)


def output_stem(result: Result) -> str:
    from .compose import document_title

    stem = document_title(result.profile, result.facts)
    return "".join("_" if ch in '/\\:*?"<>|' or ord(ch) < 32 else ch for ch in stem)[:150]


def write_atomically(target: Path, data: bytes) -> None:
    """Write to a temp file beside the target, then rename: a failed build never leaves a partial file."""
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(tmp, 0o666 & ~umask)   # mkstemp creates 0600; outputs are ordinary files
        os.replace(tmp, target)
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise


def write_outputs(result: Result, outdir: Path) -> list[Path]:
    written = []
    stem = output_stem(result)
    for fmt in FORMATS:
        if fmt in result.outputs:
            target = outdir / f"{stem}.{fmt}"
            write_atomically(target, result.outputs[fmt])
            written.append(target)
    return written

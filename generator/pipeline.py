"""One build, one process: the stages in order, each a package of its own.

    input  → load the unit-year (YAML/JSON; Decimal money) and choose its profile
    facts  → every printed figure, rollup, share and grade
    checks → findings (错误 / 警告) about the data
    charts → 图1–图6 drawn from the facts
    compose→ the narrative's words and ONE HTML document from the profile's templates
    render → PDF (WeasyPrint), DOCX (python-docx), HTML, from that same document

Parallelism is across units (generator/batch), never inside a build.
"""
from __future__ import annotations

import time
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .checks import Finding
    from .facts.compute import Facts
    from .input.load import Loaded
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
    """The profile named on the command line, else the one the input names (relative to the input)."""
    from .profile import resolve

    ref = override or loaded.unit.unit.profile
    relative_to = Path.cwd() if override else loaded.base_dir
    return resolve(ref, str(relative_to.resolve()))


def run(path: str | Path, formats: tuple[str, ...] = ("pdf",), profile: str | None = None,
        final: bool = False, timings: Timings | None = None) -> Result:
    """Build one unit-year into the requested formats (bytes in memory; outputs.py writes them)."""
    from . import catalogue
    from .charts import draw_charts, plan_charts
    from .checks import check
    from .compose.document import compose
    from .facts.compute import compute
    from .facts.narrative import narrate
    from .input.load import load

    timings = timings or Timings()
    with timings.stage("load"):
        loaded = load(path)
        chosen = profile_for(loaded, profile)
        catalogue.activate(loaded.unit, chosen)   # the year's 科目 edition with the profile's and input's changes
    with timings.stage("compute"):
        facts = compute(loaded.unit, loaded.prior.unit if loaded.prior else None)
        story = narrate(facts, chosen.settings)
    with timings.stage("check"):
        findings = check(loaded, facts, profile=chosen, final=final)
    errors = [f for f in findings if f.severity == "错误"]
    with timings.stage("charts"):
        charts = draw_charts(plan_charts(facts, story, chosen.settings.get("charts", {}),
                                         chosen.settings.get("number_format")))
    with timings.stage("compose"):
        html = compose(facts, story, chosen, draft=not final, findings=findings, documents=loaded.documents,
                       input_dir=loaded.base_dir, charts=charts)
    if final and (errors or story.missing):
        # everything to fix in one report: validation errors, then what the draft marked as missing
        lines = [f"  {f}" for f in errors] + [f"  {what}：请在输入的 {where} 填写" for where, what in story.missing]
        raise BuildError("正式稿有以下问题，构建已停止：\n" + "\n".join(lines))
    outputs: dict[str, bytes] = {}
    pages = None            # the PDF's page of each anchor, for the DOCX's 目录
    tree = None             # the HTML parsed and cascaded once, for both the PDF's column sizing and the DOCX
    if "pdf" in formats:
        with timings.stage("pdf"):
            from .render.cascade import composed_tree
            from .render.pdf import pdf_document

            tree = composed_tree(html, chosen)
            appended = [(a.title, loaded.pdfs[a.pdf]) for a in loaded.unit.attachments if a.pdf]
            outputs["pdf"], pages = pdf_document(html, chosen, loaded.base_dir, appended, tree=tree)
    if "docx" in formats:
        with timings.stage("docx"):
            from .render.docx import docx_bytes

            outputs["docx"] = docx_bytes(html, chosen, loaded.base_dir, toc_pages=pages, tree=tree)
    if "html" in formats:
        from .render.html import standalone_html

        outputs["html"] = standalone_html(html, chosen).encode("utf-8")
    return Result(loaded, chosen, facts, findings, html, outputs, timings)

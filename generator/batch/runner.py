"""A batch from start to summary: find the units, skip the unchanged ones, build the rest on the chosen
executor, write each unit's outputs (atomically, by this process) and its manifest entry as it finishes.

Exit code: the worst unit's — 0 every unit ok or with warnings only, 1 validation errors (a draft with errors,
a --final build refused), 2 an unusable input (or an output that cannot be written), 3 an internal error (a
unit's build raised a bug, its worker died or passed the time limit twice); 130 interrupted.
"""
from __future__ import annotations

import os
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

from ..outputs import write_atomically
from .manifest import Manifest, remove_stale, unit_hash
from .progress import Progress
from .units import assign_names, collect


@dataclass
class Options:
    formats: tuple[str, ...] = ("pdf",)
    profile: str | None = None
    final: bool = False
    jobs: int = 1
    timeout: float = 300.0
    units_per_worker: int = 50
    force: bool = False
    executor: str = "pool"            # or "dask"
    scheduler: str | None = None      # tcp://host:8786; None: a LocalCluster of `jobs` workers


# set by --fonts / --pdfa; sent with each task so that the workers of a remote cluster build alike
RENDER_ENVIRONMENT = {"JUESUAN_FONTS": "fonts", "JUESUAN_PDF_VARIANT": "pdf_variant"}


def default_jobs() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:            # not on Linux
        return os.cpu_count() or 1


def _executor(options: Options):
    if options.executor == "dask":
        from .cluster import DaskExecutor

        return DaskExecutor(options.jobs, options.timeout, options.scheduler)
    from .pool import ProcessPool

    return ProcessPool(options.jobs, options.timeout, options.units_per_worker)


def _write(task: dict, outcome: dict, outdir: Path) -> list[str]:
    """Write the unit's outputs into OUTDIR/<name>/; returns their paths relative to OUTDIR."""
    written = []
    for fmt, data in outcome.get("outputs", {}).items():
        rel = f"{task['name']}/{outcome['stem']}.{fmt}"
        write_atomically(outdir / rel, data)
        written.append(rel)
    return written


def _record(task: dict, outcome: dict, outdir: Path, manifest: Manifest, build_options: dict) -> dict:
    key = task["path"]
    previous = manifest.entries.get(key, {})
    entry = {"input": key, "name": task["name"], "attempts": task.get("attempt", 1)}
    try:
        written = _write(task, outcome, outdir)
    except OSError as exc:
        written = []
        outcome = {**outcome, "status": "failed", "exit_code": 2,
                   "messages": [f"无法写入 {exc.filename or outdir}（{exc.strerror or exc}）：请检查输出目录的"
                                f"写权限与磁盘空间后重新运行"]}
    if written:
        remove_stale(outdir, previous.get("outputs", []), written)
    deps = outcome.get("deps", [])
    digest = task["digest"] if sorted(deps) == sorted(task["deps"]) else unit_hash(Path(key), deps, build_options)
    if task.get("retried_because"):
        outcome = {**outcome, "messages": [*outcome.get("messages", []), f"第一次尝试：{task['retried_because']}"]}
    entry.update({k: outcome.get(k) for k in ("status", "exit_code", "errors", "warnings", "messages", "timings",
                                              "wall_s", "cpu_s", "worker")})
    entry.update(outputs=written, hash=digest, deps=deps)
    manifest.record(entry)
    return entry


def summary(counts: Counter, skipped: int, total: int) -> str:
    """One Chinese line, each status counted apart: a draft with errors is never counted as 成功."""
    return (f"共 {total} 个单位：成功 {counts['ok']} 个，成功但有警告 {counts['warnings']} 个，"
            f"草稿有校验错误 {counts['draft_with_errors']} 个，失败 {counts['failed']} 个，"
            f"输入无法使用 {counts['unusable']} 个；未改变而跳过 {skipped} 个。")


def run_batch(paths: list[Path], outdir: Path, options: Options, echo: Callable[..., None]) -> int:
    """Build every unit named by `paths` into OUTDIR/<name>/; returns the batch's exit code.
    `echo(text, err=bool)` prints (written paths on stdout, everything else on stderr)."""
    units = collect(paths)
    outdir.mkdir(parents=True, exist_ok=True)
    manifest = Manifest(outdir)
    assign_names(units, manifest.names())
    build_options = {"formats": sorted(options.formats), "profile": options.profile, "final": options.final,
                     # --fonts and --pdfa reach the renderer (and the workers) through the environment
                     "fonts": os.environ.get("JUESUAN_FONTS"), "pdf_variant": os.environ.get("JUESUAN_PDF_VARIANT")}
    tasks, skipped = [], 0
    for unit in units:
        key = str(unit.path)
        deps = manifest.entries.get(key, {}).get("deps", [])
        digest = unit_hash(unit.path, deps, build_options)
        if not options.force and manifest.up_to_date(key, digest):
            skipped += 1
            continue
        tasks.append({"path": key, "name": unit.name, "formats": list(options.formats), "profile": options.profile,
                      "final": options.final, "digest": digest, "deps": deps,
                      "environment": {k: build_options[v] for k, v in RENDER_ENVIRONMENT.items()}})
    counts: Counter = Counter()
    worst = 0
    progress = Progress(len(units), skipped)
    try:
        if tasks:
            with _executor(options) as executor:
                for task, outcome in executor.run(tasks):
                    entry = _record(task, outcome, outdir, manifest, build_options)
                    counts[entry["status"]] += 1
                    worst = max(worst, entry["exit_code"] or 0)
                    progress.update(entry["status"])
                    for rel in entry["outputs"]:
                        echo(str(outdir / rel))
    except KeyboardInterrupt:
        progress.close()
        manifest.flush(force=True)
        echo(f"已中断：已完成 {sum(counts.values())} 个单位并记入 {manifest.json_path}；"
             f"再次运行同一命令将跳过已完成的单位，从中断处继续。", err=True)
        return 130
    progress.close()
    manifest.flush(force=True)
    echo(summary(counts, skipped, len(units)), err=True)
    built = {t["path"] for t in tasks}
    for entry in sorted(manifest.entries.values(), key=lambda e: e["input"]):
        if entry["input"] in built and entry["status"] not in ("ok", "warnings"):
            first = (entry.get("messages") or [""])[0]
            echo(f"  {STATUS_LABEL[entry['status']]}：{entry['input']}：{first}", err=True)
    echo(f"清单：{manifest.json_path}（表格：{manifest.csv_path.name}）", err=True)
    return worst


STATUS_LABEL = {"draft_with_errors": "草稿有校验错误", "failed": "失败", "unusable": "输入无法使用"}

"""`juesuan build`: one input into its publication (OUTDIR/<title>.pdf …), or a batch of units in parallel
(OUTDIR/<unit directory name>/…, a manifest, incremental; generator/batch, docs/batch.md)."""
from __future__ import annotations

import sys
from pathlib import Path

import click

from . import fail
from ..errors import InputError
from ..fonts import FontError
from ..outputs import write_outputs
from ..pipeline import FORMATS, BuildError, run
from ..profile import ProfileError
from .render_options import font_options

USAGE_ERRORS = (InputError, ProfileError, FontError)


def _formats(value: str) -> tuple[str, ...]:
    chosen = tuple(dict.fromkeys(v.strip().lower() for v in value.split(",") if v.strip()))
    unknown = [v for v in chosen if v not in FORMATS]
    if unknown or not chosen:
        raise click.BadParameter(f"只支持 {', '.join(FORMATS)}，收到：{value}")
    return chosen


@click.command()
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@click.option("-o", "--outdir", type=click.Path(path_type=Path), default=Path("outputs"), show_default=True,
              help="输出目录")
@click.option("--to", "to", default="pdf,docx", show_default=True, help="输出格式，逗号分隔：pdf,docx,html")
@click.option("--profile", default=None, help="版式名称或目录（覆盖输入中的 unit.profile）")
@click.option("--final", is_flag=True, help="正式稿：有校验错误或缺少原因时失败")
@click.option("--draft", "draft", is_flag=True, help="草稿（默认）：标出待补充内容")
@click.option("--list", "list_file", type=click.Path(path_type=Path), default=None,
              help="批量：从文件读取输入路径，每行一个")
@click.option("-j", "--jobs", type=click.IntRange(min=1), default=None,
              help="批量：并行的生成进程数（默认：本进程可用的 CPU 核数）")
@click.option("--timeout", type=click.FloatRange(min=1), default=300, show_default=True,
              help="批量：每个单位的时限（秒），超时的单位单独失败")
@click.option("--force", is_flag=True, help="批量：忽略清单，全部重新生成")
@click.option("--executor", type=click.Choice(["pool", "dask"]), default="pool", show_default=True,
              help="批量：本机进程池，或 Dask 集群")
@click.option("--scheduler", default=None, help="批量：Dask 调度器地址，如 tcp://10.0.0.5:8786（不给则在本机启动）")
@click.option("--units-per-worker", type=click.IntRange(min=1), default=50, show_default=True,
              help="批量：每个生成进程生成多少个单位后换新进程（限制内存）")
@font_options
def build(paths: tuple[Path, ...], outdir: Path, to: str, profile: str | None, final: bool, draft: bool,
          list_file: Path | None, jobs: int | None, timeout: float, force: bool, executor: str,
          scheduler: str | None, units_per_worker: int) -> None:
    """生成 PATH 的决算公开文件，逐行打印写出的路径。

    PATH 是一个单位的输入（目录或 YAML/JSON 文件）时，输出写到 OUTDIR/<标题>.pdf 等。PATH 是多个单位、
    单位目录的上级目录或用 --list 给出时为批量生成：各单位并行生成到 OUTDIR/<单位目录名>/，
    清单写到 OUTDIR/manifest.json 与 manifest.csv，未改变的单位跳过（见 docs/batch.md）。"""
    if final and draft:
        fail("--final 与 --draft 不能同时使用", 2)
    try:
        formats = _formats(to)
    except click.BadParameter as exc:
        fail(f"参数错误：{exc.message}", 2)
    if scheduler and executor != "dask":
        fail("参数错误：--scheduler 需与 --executor dask 一起使用", 2)
    from ..batch.units import expand, read_list

    try:
        listed = read_list(list_file) if list_file else []
    except InputError as exc:
        fail(f"无法读取清单：\n{exc}", 2)
    if not paths and not listed:
        fail("请给出输入目录或文件（或用 --list 给出清单文件）", 2)
    if len(paths) == 1 and not listed and expand(paths[0]) == [paths[0]]:     # one unit: today's layout
        sys.exit(_build_one(paths[0], outdir, formats, profile, final))
    sys.exit(_build_batch([*paths, *listed], outdir, formats, profile, final, jobs, timeout, force, executor,
                          scheduler, units_per_worker))


def _build_batch(paths, outdir, formats, profile, final, jobs, timeout, force, executor, scheduler,
                 units_per_worker) -> int:
    from ..batch import Options, run_batch
    from ..batch.runner import default_jobs

    if executor == "dask":
        from importlib.util import find_spec

        if find_spec("distributed") is None:
            fail("--executor dask 需要安装 dask.distributed：pip install 'juesuan[cluster]'", 2)
    options = Options(formats=formats, profile=profile, final=final, jobs=jobs or default_jobs(), timeout=timeout,
                      units_per_worker=units_per_worker, force=force, executor=executor, scheduler=scheduler)
    from ..batch.cluster import ClusterError

    try:
        return run_batch(list(paths), outdir, options, click.echo)
    except ClusterError as exc:
        fail(str(exc), 2)
    except InputError as exc:
        fail(f"无法生成：\n{exc}", 2)
    except OSError as exc:
        fail(f"无法写入 {exc.filename or outdir}（{exc.strerror or exc}）：请检查输出目录的写权限与磁盘空间", 2)


def _build_one(path: Path, outdir: Path, formats: tuple[str, ...], profile: str | None, final: bool) -> int:
    """Build one input; returns its exit code (messages go to stderr, written paths to stdout)."""
    import gc

    # One build and the command ends: WeasyPrint's objects are freed by reference counting, and the little
    # cyclic garbage a build leaves is not worth the collector's rescans of its live boxes and styles.
    gc.disable()
    try:
        result = run(path, formats, profile=profile, final=final)
    except USAGE_ERRORS as exc:
        click.echo(f"无法生成 {path}：\n{exc}", err=True)
        return 2
    except BuildError as exc:
        click.echo(f"{path}：{exc}", err=True)
        return 1
    finally:
        gc.enable()
    for finding in result.findings:
        if finding.severity == "错误":
            click.echo(str(finding), err=True)
    for written in write_outputs(result, outdir):
        click.echo(str(written))
    return 0



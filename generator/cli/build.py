"""`juesuan build`: one or more inputs into their publications."""
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

USAGE_ERRORS = (InputError, ProfileError, FontError)


def _formats(value: str) -> tuple[str, ...]:
    chosen = tuple(dict.fromkeys(v.strip().lower() for v in value.split(",") if v.strip()))
    unknown = [v for v in chosen if v not in FORMATS]
    if unknown or not chosen:
        raise click.BadParameter(f"只支持 {', '.join(FORMATS)}，收到：{value}")
    return chosen


@click.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("-o", "--outdir", type=click.Path(path_type=Path), default=Path("outputs"), show_default=True,
              help="输出目录")
@click.option("--to", "to", default="pdf,docx", show_default=True, help="输出格式，逗号分隔：pdf,docx,html")
@click.option("--profile", default=None, help="版式名称或目录（覆盖输入中的 unit.profile）")
@click.option("--final", is_flag=True, help="正式稿：有校验错误或缺少原因时失败")
@click.option("--draft", "draft", is_flag=True, help="草稿（默认）：标出待补充内容")
def build(paths: tuple[Path, ...], outdir: Path, to: str, profile: str | None, final: bool, draft: bool) -> None:
    """生成 PATH（输入目录或文件，可给多个以批量生成）的决算公开文件，逐行打印写出的路径。"""
    if final and draft:
        fail("--final 与 --draft 不能同时使用", 2)
    try:
        formats = _formats(to)
    except click.BadParameter as exc:
        fail(f"参数错误：{exc.message}", 2)
    if len(paths) == 1:
        sys.exit(_build_one(paths[0], outdir, formats, profile, final))
    from tqdm import tqdm

    failures: list[tuple[Path, int]] = []
    for path in tqdm(paths, desc="生成", unit="个", file=sys.stderr, disable=None):
        code = _build_one(path, outdir, formats, profile, final)
        if code:
            failures.append((path, code))
    click.echo(f"共 {len(paths)} 个输入：成功 {len(paths) - len(failures)} 个，失败 {len(failures)} 个。", err=True)
    for path, code in failures:
        click.echo(f"  失败：{path}（退出码 {code}）", err=True)
    sys.exit(max((code for _, code in failures), default=0))


def _build_one(path: Path, outdir: Path, formats: tuple[str, ...], profile: str | None, final: bool) -> int:
    """Build one input; returns its exit code (messages go to stderr, written paths to stdout)."""
    try:
        result = run(path, formats, profile=profile, final=final)
    except USAGE_ERRORS as exc:
        click.echo(f"无法生成 {path}：\n{exc}", err=True)
        return 2
    except BuildError as exc:
        click.echo(f"{path}：{exc}", err=True)
        return 1
    for finding in result.findings:
        if finding.severity == "错误":
            click.echo(str(finding), err=True)
    for written in write_outputs(result, outdir):
        click.echo(str(written))
    return 0



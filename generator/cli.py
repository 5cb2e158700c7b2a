"""Command line: juesuan build | validate | schema | profile … (click).

Exit codes: 0 success (warnings allowed), 1 validation errors / a --final build refused,
2 unusable input (unreadable file, bad YAML, unknown profile, broken template).
"""
from __future__ import annotations

import json
import sys
from pathlib import Path

import click

from .build import FORMATS, BuildError, run, write_outputs
from .fonts import FontError
from .problems import InputError
from .profile import ProfileError

USAGE_ERRORS = (InputError, ProfileError, FontError)


def _fail(message: str, code: int) -> None:
    click.echo(message, err=True)
    sys.exit(code)


def _formats(value: str) -> tuple[str, ...]:
    chosen = tuple(dict.fromkeys(v.strip().lower() for v in value.split(",") if v.strip()))
    unknown = [v for v in chosen if v not in FORMATS]
    if unknown or not chosen:
        raise click.BadParameter(f"只支持 {', '.join(FORMATS)}，收到：{value}")
    return chosen


class LazyGroup(click.Group):
    """Subcommands whose modules are imported only when used (compare pulls in Pillow and pdfium)."""

    lazy = {"compare": ("generator.compare", "compare_command")}

    def list_commands(self, ctx):
        return sorted(set(super().list_commands(ctx)) | set(self.lazy))

    def get_command(self, ctx, name):
        if name in self.lazy:
            import importlib

            module, attribute = self.lazy[name]
            return getattr(importlib.import_module(module), attribute)
        return super().get_command(ctx, name)


@click.group(cls=LazyGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="juesuan")
def main() -> None:
    """juesuan 决算公开生成器：由结构化数据生成部门（单位）决算公开 PDF 与 DOCX。"""


@main.command()
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
        _fail("--final 与 --draft 不能同时使用", 2)
    try:
        formats = _formats(to)
    except click.BadParameter as exc:
        _fail(f"参数错误：{exc.message}", 2)
    if len(paths) == 1:
        sys.exit(_build_one(paths[0], outdir, formats, profile, final))
    from tqdm import tqdm

    _import_for_batch(formats)
    failures: list[tuple[Path, int]] = []
    for path in tqdm(paths, desc="生成", unit="个", file=sys.stderr, disable=None):
        code = _build_one(path, outdir, formats, profile, final)
        if code:
            failures.append((path, code))
    click.echo(f"共 {len(paths)} 个输入：成功 {len(paths) - len(failures)} 个，失败 {len(failures)} 个。", err=True)
    for path, code in failures:
        click.echo(f"  失败：{path}（退出码 {code}）", err=True)
    sys.exit(max((code for _, code in failures), default=0))


def _import_for_batch(formats: tuple[str, ...]) -> None:
    """A single build imports matplotlib and WeasyPrint in its helpers, alongside loading the input; a batch
    imports them here once, and every build's helpers inherit them instead of importing them again."""
    from generator.charts import prepare_drawing

    prepare_drawing()
    if "pdf" in formats:
        from generator.render import pdf  # noqa: F401


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


@main.command()
@click.argument("path", type=click.Path(path_type=Path))
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
@click.option("--profile", default=None, help="版式名称或目录")
def validate(path: Path, fmt: str, profile: str | None) -> None:
    """校验输入：0 无误或仅有警告，1 有错误，2 输入无法读取。"""
    from .build import profile_for
    from .check import check
    from .compute import compute
    from .load import load

    try:
        loaded = load(path)
        chosen = profile_for(loaded, profile)
        findings = check(loaded, compute(loaded.unit, loaded.prior.unit if loaded.prior else None), profile=chosen)
    except USAGE_ERRORS as exc:
        if fmt == "json":
            problems = getattr(exc, "problems", None) or []
            click.echo(json.dumps({"status": "unreadable", "problems": [vars(p) for p in problems] or
                                   [{"message": str(exc)}]}, ensure_ascii=False, indent=2))
            sys.exit(2)
        _fail(f"无法读取输入：\n{exc}", 2)
    errors = [f for f in findings if f.severity == "错误"]
    if fmt == "json":
        click.echo(json.dumps({"status": "error" if errors else "ok",
                               "findings": [f.as_dict() for f in findings]}, ensure_ascii=False, indent=2))
    else:
        for finding in findings:
            click.echo(str(finding))
        click.echo(f"共 {len(errors)} 个错误，{len(findings) - len(errors)} 个警告。")
    sys.exit(1 if errors else 0)


@main.command()
def schema() -> None:
    """打印输入的 JSON Schema（供编辑器自动补全）。"""
    from .model import UnitYear

    click.echo(json.dumps(UnitYear.model_json_schema(), ensure_ascii=False, indent=2))


@main.group("profile")
def profile_group() -> None:
    """版式（profile）：列出、查看解析到的文件、新建。"""


@profile_group.command("list")
def profile_list() -> None:
    from .profile import builtin_profiles, resolve

    for name in builtin_profiles():
        try:
            click.echo(f"{name}\t{resolve(name).settings.get('description', '')}")
        except ProfileError as exc:
            click.echo(f"{name}\t（无法读取：{exc}）")


@profile_group.command("files")
@click.argument("ref")
def profile_files(ref: str) -> None:
    """列出版式解析到的每个模板和样式文件（绝对路径与提供它的层）。"""
    from .profile import resolve

    try:
        chosen = resolve(ref, str(Path.cwd()))
    except ProfileError as exc:
        _fail(str(exc), 2)
    for rel, path, layer in chosen.resolved_files():
        click.echo(f"{path}\t{layer}\t{rel}")


PROFILE_README = """# 自定义版式

本目录是一个 juesuan 版式（profile），继承自 {parent}。只需写出与继承的版式不同的部分：

- `profile.yaml`：设置项（表格清单与标题、情况说明各节标题、措辞 words、数字格式 number_format、字体 fonts、
  页面 page 等）。未写的设置沿用 {parent}。
- `templates/`：覆盖任一模板。先用 `juesuan profile files {parent}` 查看每个模板的路径，把要改的文件按相同的
  相对路径复制到这里（例如 `templates/narrative/totals.html.j2`）再修改；其余模板继续使用内置版本，
  升级 juesuan 时不会丢失你的修改。
- `styles/`：放入 `.css` 文件，在内置样式之后生效。

使用：`juesuan build 输入目录 --profile 本目录`，或在输入的 unit.profile 中写本目录的路径。
详见 docs/customizing.md。
"""


@profile_group.command("init")
@click.argument("directory", type=click.Path(path_type=Path))
@click.option("--extends", "parent", default="shandong-2024", show_default=True, help="继承的版式")
def profile_init(directory: Path, parent: str) -> None:
    """新建版式目录：profile.yaml、空的 templates/ 与说明。"""
    from .profile import resolve

    try:
        resolve(parent, str(Path.cwd()))
    except ProfileError as exc:
        _fail(str(exc), 2)
    if (directory / "profile.yaml").exists():
        _fail(f"{directory / 'profile.yaml'} 已存在，未做修改", 2)
    (directory / "templates").mkdir(parents=True, exist_ok=True)
    (directory / "styles").mkdir(exist_ok=True)
    (directory / "profile.yaml").write_text(
        f"# 自定义版式：只写与 {parent} 不同的设置。\nname: {directory.resolve().name}\nextends: {parent}\n",
        encoding="utf-8")
    (directory / "README.md").write_text(PROFILE_README.format(parent=parent), encoding="utf-8")
    click.echo(str(directory / "profile.yaml"))


def run_cli() -> None:
    """Console entry point: an unexpected failure is reported in one Chinese line, not a traceback."""
    import os

    try:
        main(standalone_mode=True)
    except SystemExit:
        raise
    except KeyboardInterrupt:
        _fail("已中断。", 130)
    except Exception as exc:  # noqa: BLE001 — last resort; JUESUAN_DEBUG=1 shows the traceback
        if os.environ.get("JUESUAN_DEBUG"):
            raise
        _fail(f"内部错误（{type(exc).__name__}：{exc}）。请将输入与此信息报告给维护者；"
              f"设置 JUESUAN_DEBUG=1 可显示详细信息。", 3)


if __name__ == "__main__":  # pragma: no cover
    run_cli()

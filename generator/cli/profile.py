"""`juesuan profile …`: list, inspect and start profiles."""
from __future__ import annotations

from pathlib import Path

import click

from . import fail
from ..profile import ProfileError


@click.group("profile")
def profile_group() -> None:
    """版式（profile）：列出、查看解析到的文件、新建。"""


@profile_group.command("list")
def profile_list() -> None:
    from ..profile import builtin_profiles, resolve

    for name in builtin_profiles():
        try:
            click.echo(f"{name}\t{resolve(name).settings.get('description', '')}")
        except ProfileError as exc:
            click.echo(f"{name}\t（无法读取：{exc}）")


@profile_group.command("schema")
def profile_schema() -> None:
    """打印 profile.yaml 的 JSON Schema（供编辑器自动补全与检查）。"""
    import json

    from ..profile.schema import json_schema

    click.echo(json.dumps(json_schema(), ensure_ascii=False, indent=2))


@profile_group.command("words")
def profile_words() -> None:
    """打印措辞与设置参考（docs/words.md）：juesuan profile words > docs/words.md"""
    from ..profile.wordsdoc import markdown

    try:
        click.echo(markdown(), nl=False)
    except ProfileError as exc:
        fail(str(exc), 2)


@profile_group.command("files")
@click.argument("ref")
def profile_files(ref: str) -> None:
    """列出版式解析到的每个模板和样式文件（绝对路径与提供它的层）。"""
    from ..profile import resolve

    try:
        chosen = resolve(ref, str(Path.cwd()))
    except ProfileError as exc:
        fail(str(exc), 2)
    for rel, path, layer in chosen.resolved_files():
        click.echo(f"{path}\t{layer}\t{rel}")


PROFILE_README = """# 自定义版式

本目录是一个 juesuan 版式（profile），继承自 {parent}。只需写出与继承的版式不同的部分：

- `profile.yaml`：设置项（表格清单与标题、情况说明各节标题、措辞 words、数字格式 number_format、字体 fonts、
  页面 page 等）。未写的设置沿用 {parent}。每个设置与措辞印在哪里、可用的占位符，见 docs/words.md；
  写错的键或占位符在加载时报错（`juesuan profile schema` 给编辑器用于补全）。
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
    from ..profile import resolve

    try:
        resolve(parent, str(Path.cwd()))
    except ProfileError as exc:
        fail(str(exc), 2)
    if (directory / "profile.yaml").exists():
        fail(f"{directory / 'profile.yaml'} 已存在，未做修改", 2)
    (directory / "templates").mkdir(parents=True, exist_ok=True)
    (directory / "styles").mkdir(exist_ok=True)
    (directory / "profile.yaml").write_text(
        f"# 自定义版式：只写与 {parent} 不同的设置。\nname: {directory.resolve().name}\nextends: {parent}\n",
        encoding="utf-8")
    (directory / "README.md").write_text(PROFILE_README.format(parent=parent), encoding="utf-8")
    click.echo(str(directory / "profile.yaml"))



"""`juesuan doctor`: is this machine ready to build? A Chinese table with ✓/✗ and, per ✗, the fix."""
from __future__ import annotations

import os
import sys
from pathlib import Path

import click


@click.command()
@click.option("--profile", default=None, help="检查该版式所用的字体（默认：内置版式 base）")
@click.option("--fonts", "font_dir", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="另外的字体目录（与 build --fonts、JUESUAN_FONTS 相同）")
@click.option("--fontconfig", "aliases", is_flag=True,
              help="输出 fontconfig 别名文件（DOCX 字体名 → 已安装字体），供 LibreOffice 在 Linux 上使用")
def doctor(profile: str | None, font_dir: Path | None, aliases: bool) -> None:
    """检查运行环境：Python、WeasyPrint/Pango/HarfBuzz、各角色字体及其 GB 2312 覆盖、LibreOffice、缓存目录。

    全部必需项通过时退出码为 0，否则为 1。"""
    from ..fonts.doctor import FIX, PLATFORMS, diagnose, fontconfig_aliases
    from ..profile import ProfileError, resolve

    if font_dir is not None:
        os.environ["JUESUAN_FONTS"] = str(font_dir)
    try:
        settings = resolve(profile or "base", os.getcwd()).settings
    except ProfileError as error:
        click.echo(f"版式无法读取：{error}", err=True)
        sys.exit(2)
    if aliases:
        click.echo(fontconfig_aliases(settings), nl=False)
        return
    rows = diagnose(settings)
    width = max(_columns(row.item) for row in rows) + 2
    for row in rows:
        mark = "✓" if row.ok else ("–" if row.optional else "✗")
        click.echo(f"{mark} {row.item}{' ' * (width - _columns(row.item))}{row.detail}")
    failed = [row for row in rows if not row.ok]
    for row in failed:
        if row.fix:
            click.echo(f"\n{row.item} 的解决办法：")
            for name, command in zip(PLATFORMS, FIX[row.fix]):
                click.echo(f"  {name}：{command}")
    if failed:
        click.echo("\n详见 docs/install.md。")
    sys.exit(1 if any(not row.optional for row in failed) else 0)


def _columns(text: str) -> int:
    """Terminal columns: wide (CJK) characters take two."""
    import unicodedata

    return sum(2 if unicodedata.east_asian_width(ch) in ("W", "F") else 1 for ch in text)

"""`juesuan export xlsx PATH -o FILE`: the 公开表 as printed, as a formatted workbook (many units publish it
beside the PDF). The figures come from the composed HTML of the same build, so they are the printed ones."""
from __future__ import annotations

import sys
from pathlib import Path

import click

from . import fail


@click.group(name="export")
def export_group() -> None:
    """把决算公开文件的内容导出为其他格式。"""


@export_group.command(name="xlsx")
@click.argument("path", type=click.Path(path_type=Path))
@click.option("-o", "--output", type=click.Path(path_type=Path), required=True, help="写出的 .xlsx 文件")
@click.option("--profile", default=None, help="版式名称或目录（覆盖输入中的 unit.profile）")
def export_xlsx(path: Path, output: Path, profile: str | None) -> None:
    """把 PATH（输入目录或文件）的公开表按印出的样子写成 Excel 工作簿（每表一个工作表）。"""
    from ..errors import InputError
    from ..fonts import FontError
    from ..outputs import write_atomically
    from ..pipeline import BuildError, run
    from ..profile import ProfileError
    from ..render.xlsx import workbook_bytes

    if output.suffix.lower() != ".xlsx":
        fail(f"输出文件应以 .xlsx 结尾：{output}", 2)
    try:
        result = run(path, formats=("html",), profile=profile)
    except (InputError, ProfileError, FontError) as exc:
        fail(f"无法读取输入：\n{exc}", 2)
    except BuildError as exc:
        fail(str(exc), 1)
    data = workbook_bytes(result.html)
    try:
        write_atomically(output, data)
    except OSError as exc:
        fail(f"无法写入 {exc.filename or output}：{exc.strerror or exc}。请检查目录是否存在、可写，磁盘是否已满。", 2)
    errors = [f for f in result.findings if f.severity == "错误"]
    click.echo(f"已写出 {output}" + (f"（输入有 {len(errors)} 个校验错误，表中为按规则印出的数字）" if errors else ""))
    sys.exit(0)

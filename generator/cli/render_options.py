"""Options of `juesuan build` that belong to rendering: --fonts DIR and --pdfa. They set the environment
(JUESUAN_FONTS, JUESUAN_PDF_VARIANT) that the renderer reads, so a batch's worker processes inherit them."""
from __future__ import annotations

import os

import click


def _fonts(ctx, param, value):
    if value is not None:
        os.environ["JUESUAN_FONTS"] = str(value)
    return value


def _pdfa(ctx, param, value):
    if value:
        os.environ["JUESUAN_PDF_VARIANT"] = "pdf/a-2b"
    return value


def font_options(command):
    """Decorate a click command with --fonts and --pdfa (neither reaches the command's arguments)."""
    command = click.option("--pdfa", is_flag=True, expose_value=False, callback=_pdfa,
                           help="PDF 输出为 PDF/A-2b（长期归档：XMP 元数据、嵌入全部字体、输出意图）")(command)
    return click.option("--fonts", type=click.Path(exists=True, file_okay=False), expose_value=False,
                        callback=_fonts, help="字体目录：其中的字体优先于系统中同名字体（也可设 JUESUAN_FONTS）")(command)

"""`juesuan compare OLD NEW`: what changed between two PDFs (text + pixels) or two DOCX (paragraphs + cells).

Exit codes: 0 identical within the tolerances, 1 different, 2 unusable input (missing file, neither PDF
nor DOCX, two different kinds). The kind is detected from the content, not the file name.
"""
from __future__ import annotations

import sys
import zipfile
from pathlib import Path

import click

from .docx import compare_docx
from .pdf import DPI, PIXEL_THRESHOLD, TOLERANCE, changed_pages, compare_pdfs
from .report import docx_report, docx_summary, page_list, pdf_report, pdf_summary

__all__ = ["compare_command", "compare_pdfs", "compare_docx", "changed_pages", "detect_kind", "CompareError",
           "pdf_report", "pdf_summary", "docx_report", "docx_summary", "page_list"]

KIND_NAMES = {"pdf": "PDF", "docx": "DOCX"}


class CompareError(Exception):
    """Unusable input; exit code 2 with this (Chinese) message."""


def detect_kind(path: Path) -> str:
    """"pdf" (a %PDF- header) or "docx" (a zip holding word/document.xml)."""
    if not path.exists():
        raise CompareError(f"找不到文件：{path}")
    if path.is_dir():
        raise CompareError(f"{path} 是目录；请给出 PDF 或 DOCX 文件")
    try:
        with open(path, "rb") as handle:
            head = handle.read(1024)
        if b"%PDF-" in head:
            return "pdf"
        if head.startswith(b"PK\x03\x04"):
            with zipfile.ZipFile(path) as archive:
                if "word/document.xml" in archive.namelist():
                    return "docx"
    except zipfile.BadZipFile:
        pass
    except OSError as exc:
        raise CompareError(f"无法读取 {path}（{exc.strerror or exc}）") from None
    raise CompareError(f"{path} 既不是 PDF 也不是 DOCX 文件（按文件内容判断，与扩展名无关）")


def _compare(old: Path, new: Path, outdir: Path | None, options: dict) -> tuple[bool, list[str], str]:
    kinds = detect_kind(old), detect_kind(new)
    if kinds[0] != kinds[1]:
        raise CompareError(f"两个文件类型不同：{old} 是 {KIND_NAMES[kinds[0]]}，{new} 是 {KIND_NAMES[kinds[1]]}")
    limit, verbose = options.pop("limit"), options.pop("verbose")
    if kinds[0] == "docx":
        try:
            result = compare_docx(old, new)
        except ImportError:
            raise CompareError("比较 DOCX 需要 python-docx：pip install python-docx") from None
        except Exception as exc:  # noqa: BLE001 — python-docx raises many kinds for a damaged file
            raise CompareError(f"无法读取 DOCX 文件（{type(exc).__name__}：{exc}）") from None
        return result.identical, docx_report(result, limit, verbose), docx_summary(result)
    import pypdfium2 as pdfium

    for path in (old, new):
        try:
            pdfium.PdfDocument(path.read_bytes())
        except pdfium.PdfiumError as exc:
            raise CompareError(f"无法打开 PDF 文件 {path}（{exc}）") from None
    try:
        result = compare_pdfs(old, new, outdir, **options)
    except OSError as exc:
        raise CompareError(f"无法写入差异图目录 {outdir}（{exc.strerror or exc}）") from None
    lines = pdf_report(result, limit, verbose)
    if outdir is not None and not result.identical:
        lines.append(f"差异图在 {outdir}/（page-NNN.png 为新文件页，红色为变化处）")
    return result.identical, lines, pdf_summary(result)


@click.command("compare", context_settings={"help_option_names": ["-h", "--help"]})
@click.argument("old", type=click.Path(path_type=Path))
@click.argument("new", type=click.Path(path_type=Path))
@click.option("-o", "--outdir", type=click.Path(path_type=Path, file_okay=False), default=None, metavar="DIR",
              help="差异图目录：每个有变化的页写 page-NNN.png（不给则不写图）")
@click.option("--dpi", type=click.IntRange(10, 600), default=DPI, metavar="N", show_default=True, help="光栅化分辨率")
@click.option("--pixel-threshold", "threshold", type=click.IntRange(0, 254), default=PIXEL_THRESHOLD, metavar="N",
              show_default=True, help="灰度差超过此值的像素算作变化（0–255）")
@click.option("--tolerance", type=click.FloatRange(0, 1), default=TOLERANCE, metavar="FRACTION", show_default=True,
              help="一页中变化像素所占比例超过此值才算该页有变化（文字不同则总算变化）")
@click.option("--side-by-side", "sides", is_flag=True, help="另写 page-NNN-side.png：旧页 | 新页 | 差异")
@click.option("-n", "--lines", "limit", type=click.IntRange(0), default=6, metavar="N", show_default=True,
              help="每页（每张表）最多显示的差异行数")
@click.option("-v", "--verbose", is_flag=True, help="显示全部差异行，不截断")
def compare_command(old: Path, new: Path, outdir: Path | None, dpi: int, threshold: int, tolerance: float,
                    sides: bool, limit: int, verbose: bool) -> None:
    """比较两个 PDF（逐页文字与像素）或两个 DOCX（段落与表格单元格）。

    退出码：0 在容差内一致，1 有差异，2 输入无法使用（文件不存在、不是 PDF/DOCX、两者类型不同）。
    """
    options = dict(dpi=dpi, threshold=threshold, tolerance=tolerance, sides=sides, limit=limit, verbose=verbose)
    try:
        identical, lines, summary = _compare(old, new, outdir, options)
    except CompareError as exc:
        click.echo(f"无法比较：{exc}", err=True)
        sys.exit(2)
    for line in lines:
        click.echo(line)
    click.echo(summary)
    sys.exit(0 if identical else 1)

"""Text of `juesuan compare`: per-page / per-table details (limited to N lines) and the one-line summary."""
from __future__ import annotations

from .docx import DocxComparison, TableDiff
from .pdf import PdfComparison

LINE_WIDTH = 110


def page_list(numbers: list[int]) -> str:
    """[3, 4, 5, 6, 9, 10] → "3–6、9、10" (runs of three or more are shortened)."""
    parts, run = [], []
    for n in sorted(numbers) + [None]:
        if run and n == run[-1] + 1:
            run.append(n)
            continue
        if run:
            parts += [f"{run[0]}–{run[-1]}"] if len(run) >= 3 else [str(x) for x in run]
        run = [n] if n is not None else []
    return "、".join(parts)


def pdf_summary(result: PdfComparison) -> str:
    if result.identical:
        return f"两份 PDF 在容差内一致（共 {result.new_pages} 页）。"
    parts = []
    if result.changed():
        parts.append(f"第 {page_list(result.changed())} 页有变化")
    if result.added():
        parts.append(f"新增第 {page_list(result.added())} 页")
    if result.removed():
        parts.append(f"删除原第 {page_list(result.removed())} 页")
    if result.renumbered():
        parts.append(f"第 {page_list(result.renumbered())} 页仅页码变化")
    counts = f"（原 {result.old_pages} 页，现 {result.new_pages} 页）" if result.old_pages != result.new_pages else ""
    return "；".join(parts) + counts


def _table_name(table: TableDiff) -> str:
    return f"{table.index}（原表 {table.old_index}）" if table.old_index else str(table.index)


def docx_summary(result: DocxComparison) -> str:
    if result.identical:
        return "两份 DOCX 的段落与表格一致。"
    parts = []
    removed = sum(1 for sign, _, _ in result.paragraphs if sign == "-")
    added = len(result.paragraphs) - removed
    if result.paragraphs:
        parts.append(f"段落有变化（删除 {removed} 段，新增 {added} 段）")
    for table in result.tables:
        if table.status == "changed":
            moved = f"（原表 {table.old_index}）" if table.old_index else ""
            parts.append(f"表 {table.index} 有 {len(table.cells)} 个单元格变化{moved}")
        else:
            parts.append(f"{'新增' if table.status == 'added' else '删除原'}表 {table.index}")
    return "；".join(parts)


def _clip(text: str, verbose: bool) -> str:
    return text if verbose or len(text) <= LINE_WIDTH else text[:LINE_WIDTH] + "…"


def _limited(lines: list[str], limit: int, verbose: bool) -> list[str]:
    if verbose or len(lines) <= limit:
        return lines
    return lines[:limit] + [f"    …（另有 {len(lines) - limit} 行，加 --verbose 显示全部）"]


def pdf_report(result: PdfComparison, limit: int, verbose: bool) -> list[str]:
    out = []
    for page in result.pages:
        if page.renumbered:
            continue
        if page.old is None:
            head = f"新增第 {page.new} 页"
        elif page.new is None:
            head = f"删除原第 {page.old} 页"
        else:
            moved = f"（原第 {page.old} 页）" if page.old != page.new else ""
            text = (f"文字 −{len(page.removed_lines)} 行 +{len(page.added_lines)} 行"
                    if page.removed_lines or page.added_lines else "文字相同")
            head = f"第 {page.new} 页{moved}：{text}，像素变化 {page.share:.3%}"
        out.append(head + (f" → {page.image}" if page.image else ""))
        if page.old is not None and page.new is not None:
            lines = [f"    - {_clip(x, verbose)}" for x in page.removed_lines]
            lines += [f"    + {_clip(x, verbose)}" for x in page.added_lines]
            out += _limited(lines, limit, verbose)
    return out


def _cell(text: str | None) -> str:
    return "（无此格）" if text is None else repr(text) if not text.strip() else text.replace("\n", "⏎")


def docx_report(result: DocxComparison, limit: int, verbose: bool) -> list[str]:
    out = []
    if result.paragraphs:
        out.append("段落：")
        out += _limited([f"    {sign} [{n}] {_clip(text, verbose)}" for sign, n, text in result.paragraphs],
                        limit, verbose)
    for table in result.tables:
        if table.status != "changed":
            shape = table.shape[1] or table.shape[0]
            out.append(f"{'新增' if table.status == 'added' else '删除原'}表 {table.index}（{shape}）")
            continue
        shape = f"，行列 {table.shape[0]} → {table.shape[1]}" if table.shape[0] else ""
        out.append(f"表 {_table_name(table)}：{len(table.cells)} 个单元格有变化{shape}（行, 列）：")
        out += _limited([f"    ({c.row}, {c.column})：{_clip(_cell(c.old), verbose)} → {_clip(_cell(c.new), verbose)}"
                         for c in table.cells], limit, verbose)
    return out

"""HTML <table> → Word table: the HTML table model (rowspan/colspan) becomes gridSpan/vMerge cells.

thead rows repeat on every page (w:tblHeader), no row splits across pages (w:cantSplit). Column widths
follow the CSS: <col> percentages where the stylesheet gives them, otherwise the auto-layout estimate the
PDF uses too (columns.py), here with the advances of Word's faces. Widths are then fixed (tblLayout
fixed) so Word, WPS and LibreOffice draw the same table.
"""
from __future__ import annotations

import unicodedata

from ..columns import Cell, auto_widths, col_percentages, content_extent, layout
from .wordml import Para, local, runs, segments_text, tag

CELL_PADDING = 114 + 20          # left + right cell margins (1mm each) and the rule, twips


def _char_width(ch: str) -> float:
    """Advance in em. Ambiguous-width characters (—, “”) take the CJK face (w:hint="eastAsia"), 1em.
    Digits are 0.5em in Times New Roman but wider in the faces that stand in for it elsewhere
    (DejaVu Serif, 0.64em, in LibreOffice on Linux), so columns are sized for the wider one."""
    if unicodedata.east_asian_width(ch) in "WFA":
        return 1.0
    return 0.3 if ch in " ,.:;'|!" else 0.64


def _column_widths(table, grid, ncols: int, avail: int, look) -> list[int]:
    percentages = col_percentages(table, lambda node: look.css[node].width, ncols)
    if percentages:
        widths = [avail * p / sum(percentages) for p in percentages]
    else:
        def extent(cell: Cell) -> tuple[float, float]:
            style = look.css[cell.node]
            low, high = content_extent(segments_text(cell.segments), _char_width, look.word_size(style.font_size) * 20,
                                       style.white_space in ("nowrap", "pre"))
            return low + CELL_PADDING, high + CELL_PADDING

        widths = auto_widths(grid, ncols, avail, float(CELL_PADDING), extent)
    result = [int(w) for w in widths]
    result[-1] += avail - sum(result)
    return result


def _cell_paragraph(cell: Cell, look, margin_left: int) -> str:
    style = look.css[cell.node]
    small = look.word_size(style.font_size) <= 9.25
    if style.font_role == "heading1":
        style_id = "TableHeadingSmall" if small else "TableHeading"
    else:
        style_id = "TableTextSmall" if small else "TableText"
    options, run = look.overrides(cell.node, style_id, indent=False)
    indent = look.cell_indent(cell.node, margin_left)     # td.indent { padding-left: 4mm }
    if indent:
        options["ind"] = {"left": indent}
    return Para(style_id, runs(cell.segments, **run), **options).xml()


def table_xml(table, avail: int, look) -> str:
    """The w:tbl for an HTML table, `avail` twips wide (the section's text width); "" if it has no cells."""
    rows, grid, ncols = layout(table, look.segments)
    if ncols == 0:
        return ""
    widths = _column_widths(table, grid, ncols, avail, look)
    # cell margins from the CSS padding of the table's cells (公开01表 is tighter than the others)
    sample = next((cell.node for row in grid for cell in row if cell and local(cell.node) == "td"), None)
    top, right, bottom, left = (round(x * 20) for x in look.css[sample].padding) if sample is not None else (28, 57, 28, 57)
    margins = "".join(tag(f"w:{side}", w=value, type="dxa")
                      for side, value in (("top", top), ("left", left), ("bottom", bottom), ("right", right)))
    out = ['<w:tbl><w:tblPr>', tag("w:tblStyle", val="JuesuanGrid"), tag("w:tblW", w=avail, type="dxa"),
           tag("w:jc", val="center"), tag("w:tblLayout", type="fixed"), f"<w:tblCellMar>{margins}</w:tblCellMar>",
           tag("w:tblLook", val="0420", firstRow=1, lastRow=0, firstColumn=0, lastColumn=0, noHBand=1, noVBand=1),
           "</w:tblPr><w:tblGrid>", "".join(tag("w:gridCol", w=w) for w in widths), "</w:tblGrid>"]
    for r, row in enumerate(grid):
        out.append("<w:tr><w:trPr><w:cantSplit/>" + ("<w:tblHeader/>" if rows[r][1] else "") + "</w:trPr>")
        c = 0
        while c < ncols:
            cell = row[c]
            span = cell.colspan if cell is not None and cell.col == c else 1
            props = [tag("w:tcW", w=sum(widths[c:c + span]), type="dxa")]
            if span > 1:
                props.append(tag("w:gridSpan", val=span))
            if cell is not None and cell.rowspan > 1:
                # the first row holds the text; the rows below continue the merge
                props.append(tag("w:vMerge", val="restart") if cell.row == r else "<w:vMerge/>")
            shade = look.css[cell.node].background if cell is not None else None
            if shade and shade != "FFFFFF":               # e.g. body.draft td.flagged
                props.append(tag("w:shd", val="clear", color="auto", fill=shade))
            props.append(tag("w:vAlign", val="center"))
            origin = cell is not None and cell.row == r and cell.col == c
            body = _cell_paragraph(cell, look, left) if origin else Para("TableText").xml()
            out.append(f"<w:tc><w:tcPr>{''.join(props)}</w:tcPr>{body}</w:tc>")
            c += span
        out.append("</w:tr>")
    out.append("</w:tbl>")
    return "".join(out)

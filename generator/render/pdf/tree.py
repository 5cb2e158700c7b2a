"""The composed HTML with column widths, as WeasyPrint lays it out.

Every table whose columns the CSS does not size gets <col> widths from the text estimate shared with the
DOCX (columns.py), measured with the profile's fonts; print.css lays tables out with `table-layout: fixed`.
Nothing else changes: the result is serialized and handed to WeasyPrint as a string (its documented input).
"""
from __future__ import annotations

import math
import re
import warnings
import lxml.html

from ... import fonts
from ...profile import Profile
from .. import cascade
from ..cascade import Computed
from ..columns import auto_widths, col_percentages, content_extent, content_widths, declared_widths, layout
from ..page import Page

class TableTooWide(UserWarning):
    """A table's unbreakable texts need more than the page's text width at the profile's sizes."""


_RULE = 20            # twips: the cell's share of the collapsed borders on either side (0.6pt each, rounded up)


def sized_html(html: str, profile: Profile, tree: tuple | None = None) -> str:
    """The HTML WeasyPrint lays out: every table given its <col> widths, the charts' data-png rasters (the
    DOCX's, two thirds of the HTML) left out. `tree` is the build's composed_tree, given back unchanged."""
    root, css = tree or cascade.composed_tree(html, profile)
    families = fonts.roles_of(profile.settings)
    page = Page(profile.settings.get("page") or {})
    undo: list = []
    try:
        for table in root.iter("table"):
            _size_columns(table, css, page, families, undo)
        for img in root.iter("img"):
            if "data-png" in img.attrib:
                undo.append(lambda img=img, attributes=dict(img.attrib): _set_attributes(img, attributes))
                del img.attrib["data-png"]
        return lxml.html.tostring(root, encoding="unicode", doctype="<!DOCTYPE html>")
    finally:
        for step in reversed(undo):
            step()


def _size_columns(table, css: Computed, page: Page, families: dict[str, str], undo: list) -> None:
    """Give `table` its <col> widths; `undo` gets the steps that put the table back as it was."""
    _, grid, ncols = layout(table, _cell_text)
    if ncols == 0:
        return
    avail = page.text_width(_landscape(table, css))

    def extent(cell) -> tuple[float, float]:
        style = css[cell.node]
        spec = families.get(style.font_role) or families["body"]
        if style.bold and not fonts.parse(spec)[1]:
            spec = fonts.parse(spec)[0] + ":bold"        # Pango takes the bold face: measure that one
        advance = fonts.advances(spec)
        nowrap = style.white_space in ("nowrap", "pre")
        lines = [content_extent(line, advance, style.font_size * 20, nowrap) for line in cell.segments]
        rule = _RULE if style.border is None else max(_RULE, math.ceil(sum(style.border) / 2 * 20))
        padding = (style.padding[1] + style.padding[3]) * 20 + rule
        return max(low for low, _ in lines) + padding, max(high for _, high in lines) + padding

    declared = col_percentages(table, lambda node: css[node].width, ncols)
    if declared:       # the CSS sizes the columns: kept unless a column is too narrow for its longest word
        widths = declared_widths(declared, content_widths(grid, ncols, float(_RULE), extent)[0], avail)
        if widths is None:
            return
    else:
        widths = auto_widths(grid, ncols, avail, float(_RULE), extent, shrink=False)
    total = sum(widths)
    olds = [(index, node) for index, node in enumerate(table) if node.tag in ("colgroup", "col")]
    style = table.get("style")
    for _, old in olds:
        table.remove(old)
    group = lxml.html.Element("colgroup")
    undo.append(lambda: _restore(table, group, olds, style))
    if total > avail + 1:
        # the CSS makes the longest unbreakable texts wider than the page: widen the table (into the margin)
        # rather than let them run over their cells, and say so
        table.set("style", f"{table.get('style') or ''}; width: {total / 20:.2f}pt".lstrip("; "))
        first = next((" ".join(_cell_text(cell)) for cell in table.iter("th", "td")), "")
        warnings.warn(f"表格（class=\"{table.get('class') or ''}\"，首格“{first[:20]}”）按版式的字号放不下：比版心宽 {(total - avail) / 20 * 25.4 / 72:.1f} mm，"
                      "已加宽表格；请减小字号或内边距", TableTooWide, stacklevel=2)
    for width in widths:
        group.append(lxml.html.Element("col", style=f"width: {100 * width / total:.3f}%"))
    table.insert(1 if len(table) and table[0].tag == "caption" else 0, group)


def _set_attributes(element, attributes: dict) -> None:
    element.attrib.clear()
    element.attrib.update(attributes)


def _restore(table, group, olds: list, style: str | None) -> None:
    if group.getparent() is table:              # not yet inserted when sizing stopped early (an error)
        table.remove(group)
    for index, old in olds:
        table.insert(index, old)
    if style is None:
        table.attrib.pop("style", None)
    else:
        table.set("style", style)


def _cell_text(node) -> list[str]:
    """The cell's lines as the reader sees them: whitespace collapsed, <br> ending a line."""
    def pieces(element) -> list[str]:
        out = [element.text or ""]
        for child in element:
            if child.tag == "br":
                out.append("\n")
            elif isinstance(child.tag, str):
                out += pieces(child)
            out.append(child.tail or "")
        return out

    return [re.sub(r"\s+", " ", line).strip() for line in "".join(pieces(node)).split("\n")]


def _landscape(element, css: Computed) -> bool:
    while element is not None:
        name = css[element].page
        if name != "auto":
            return css.page(name).landscape
        element = element.getparent()
    return css.page("").landscape

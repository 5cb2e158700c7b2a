"""The composed HTML as the element tree WeasyPrint lays out.

Presentation steps before layout, none changing content:
- libxml2 parses the HTML (≈0.01 s instead of ≈0.3 s in WeasyPrint's pure-Python parser; for the composed
  documents the trees are the same, which tests/test_pdf_tree.py checks);
- every table whose columns the CSS does not size gets <col> widths from the text estimate shared with the
  DOCX (columns.py), measured with the pinned faces; print.css lays tables out with `table-layout: fixed`;
- a style attribute naming a pinned role gets the role's whole face after it (font_fallback.py).
"""
from __future__ import annotations

import re
import xml.etree.ElementTree as ET

import lxml.html

from ... import fonts
from ...profile import Profile
from .. import cascade
from ..cascade import Computed
from ..columns import auto_widths, col_percentages, content_extent, layout
from .fallback import with_whole_faces_inline
from ..page import Page

_RULE = 20            # twips: the cell's share of the collapsed borders on either side (0.6pt each, rounded up)


def prepared_tree(html: str, profile: Profile) -> ET.Element:
    return element_tree(sized_root(html, profile)[0])


def sized_root(html: str, profile: Profile) -> tuple:
    """The composed HTML parsed by libxml2, every table given its <col> widths (an lxml tree), and the
    styles the profile's CSS gives its elements (break-before is what pdf_split.py wants)."""
    root = lxml.html.document_fromstring(html)
    for node in root.xpath("//*[contains(translate(@style, 'FONT', 'font'), 'font')]"):
        node.set("style", with_whole_faces_inline(node.get("style")))
    families = dict(profile.settings.get("fonts") or {})
    css = Computed(cascade.load(profile), root, {family: role for role, family in families.items()})
    page = Page(profile.settings.get("page") or {})
    for table in root.iter("table"):
        _size_columns(table, css, page, families)
    return root, css


def _size_columns(table, css: Computed, page: Page, families: dict[str, str]) -> None:
    _, grid, ncols = layout(table, _cell_text)
    if ncols == 0 or col_percentages(table, lambda node: css[node].width, ncols):
        return
    avail = page.text_width(_landscape(table, css))

    def extent(cell) -> tuple[float, float]:
        style = css[cell.node]
        advance = fonts.advances(families.get(style.font_role, "JS Serif"))
        nowrap = style.white_space in ("nowrap", "pre")
        lines = [content_extent(line, advance, style.font_size * 20, nowrap) for line in cell.segments]
        padding = (style.padding[1] + style.padding[3]) * 20 + _RULE
        return max(low for low, _ in lines) + padding, max(high for _, high in lines) + padding

    widths = auto_widths(grid, ncols, avail, float(_RULE), extent)
    total = sum(widths)
    for old in [node for node in table if node.tag in ("colgroup", "col")]:
        table.remove(old)
    group = lxml.html.Element("colgroup")
    for width in widths:
        group.append(lxml.html.Element("col", style=f"width: {100 * width / total:.3f}%"))
    table.insert(1 if len(table) and table[0].tag == "caption" else 0, group)


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


def element_tree(node) -> ET.Element:
    """lxml → xml.etree (what WeasyPrint's cssselect2 wrapper walks); comments are dropped, their tails kept."""
    out = ET.Element(node.tag, dict(node.attrib))
    out.text = node.text
    out.tail = node.tail
    for child in node:
        if isinstance(child.tag, str):
            out.append(element_tree(child))
        elif child.tail:
            if len(out):
                out[-1].tail = (out[-1].tail or "") + child.tail
            else:
                out.text = (out.text or "") + child.tail
    return out

"""DOCX writer: python-docx over the SAME composed HTML the PDF is laid out from.

No second content path: each element of the composed HTML is mapped to its Word counterpart — h1–h3 to
Heading 1–3 (the navigation pane and the TOC field use them), p to paragraphs, lists, tables with merged
cells and repeating header rows, the 目录 to a TOC field, figures to pictures. Where the PDF's look
comes from the profile's CSS (page breaks, landscape pages, pages without numbers, alignment, indents,
table sizing) the same stylesheets are cascaded over the same tree (cascade.py), so a profile's CSS
override moves both outputs. Word styles carry fonts and sizes (docx_styles.py).

The bytes are reproducible: fixed zip timestamps and entry order, core properties from the HTML's
<meta>, and every id (bookmarks, lists, pictures, relationships) numbered in document order.
"""
from __future__ import annotations

import io
import re
import zlib
from pathlib import Path

from docx import Document
from docx.image.image import Image
from docx.oxml import parse_xml
from docx.oxml.ns import nsdecls
from docx.shared import Emu
from lxml import etree

from ...profile import Profile
from .. import cascade
from .css import Look
from .images import display_size, image_bytes
from .package import core_properties, metadata, reproducible_zip, word_settings
from .styles import Numbering, fonts_of, install_styles
from .tables import table_xml
from ..page import Page
from ..units import length_twips
from .wordml import (BREAK, INLINE, TAB, Fmt, Para, collapse, esc, field_xml, inline_element,
                       local, runs, segments_text, tag)

_EMU_PER_TWIP = 635


def docx_bytes(html: str, profile: Profile, input_dir: Path, toc_pages: dict[str, int] | None = None,
               tree: tuple | None = None) -> bytes:
    """The composed document as a .docx; the same HTML and profile give the same bytes. `tree` is the build's
    cascade.composed_tree of `html` when the PDF stage made it already."""
    root, css = tree or cascade.composed_tree(html, profile)
    meta = metadata(root)
    look = Look(css, fonts_of(profile.settings))
    document = Document()
    body = root.find("body")
    install_styles(document, profile.settings, look.css[body].font_size if body is not None else 15.0)
    writer = Writer(document, WordPage(profile.settings.get("page") or {}), look, Path(input_dir))
    if toc_pages is None and root.find(".//nav") is not None:     # no PDF laid out for this document: lay it out
        from ..pdf.engine import laid_out_anchor_pages

        toc_pages = laid_out_anchor_pages(html, profile, Path(input_dir), (root, css))
    writer.toc_pages = toc_pages or {}
    writer.walk(root.find("body"))
    writer.finish()
    word_settings(document)
    core_properties(document, meta)
    return reproducible_zip(document, meta)


class WordPage(Page):
    """The page geometry as a Word section (w:sectPr)."""

    def sect_pr(self, landscape: bool, footer_rid: str | None) -> str:
        top, right, bottom, left = self.landscape_margin if landscape else self.margin
        ref = f'<w:footerReference w:type="default" r:id="{footer_rid}"/>' if footer_rid else ""
        size = (tag("w:pgSz", w=self.height, h=self.width, orient="landscape") if landscape
                else tag("w:pgSz", w=self.width, h=self.height))
        # the page number sits mid-way down the bottom margin, like the PDF's @bottom-center box
        margins = tag("w:pgMar", top=top, right=right, bottom=bottom, left=left, header=min(851, top // 2),
                      footer=max(284, bottom // 2 - 120), gutter=0)
        return f'<w:sectPr>{ref}{size}{margins}{tag("w:cols", space=425)}</w:sectPr>'


def bookmark_name(anchor: str) -> str:
    """A Word bookmark name for an HTML id: letters, digits and _ only, at most 40 characters."""
    name = "_Toc_" + re.sub(r"[^0-9A-Za-z_]", "_", anchor)
    return name if len(name) <= 40 else f"{name[:31]}_{zlib.crc32(anchor.encode()):08x}"


# --- the walk ---------------------------------------------------------------------------------------

class Writer:
    def __init__(self, document, page: WordPage, look: Look, input_dir: Path):
        self.document = document
        self.page = page
        self.look = look
        self.css = look.css
        self.input_dir = input_dir
        self.numbering = Numbering(document)
        self.blocks: list[Para | str] = []
        self.page_name = ""             # CSS named page of the content being written ("" = default)
        self.current_page = ""          # named page of the Word page being filled
        self.pending_break = False
        self.section = None             # PageRule of the running section
        self.section_ref: str | None = None
        self.showing_footer = False     # whether the running section shows page numbers
        self.bookmarks = 0
        self.pictures = 0
        self.toc_pages: dict[str, int] = {}        # HTML id → page, shown in the 目录 before Word updates it
        self.toc_entries: dict[str, tuple[int, str]] = {}   # HTML id → (level, 目录 text)

    # sections and page breaks ------------------------------------------------------------------

    def _footer(self, numbered: bool) -> str:
        """A new footer part, with the page number or empty (to stop the previous one from carrying on);
        one part per referencing section, as Word writes them."""
        part, rid = self.document.part.add_footer_part()
        prefix, _, suffix = self.page.footer.partition("{page}")
        content = (runs([(prefix, Fmt())]) + field_xml(" PAGE ", "1") + runs([(suffix, Fmt())])) if numbered else ""
        ftr = part.element
        for child in list(ftr):
            ftr.remove(child)
        ftr.append(parse_xml(Para("Footer", content).xml().replace("<w:p>", f'<w:p {nsdecls("w")}>', 1)))
        return rid

    def _open_section(self, rule) -> None:
        self.section = rule
        # a section without a footer reference shows its predecessor's (Word's "link to previous")
        if rule.footer != self.showing_footer:
            self.section_ref = self._footer(rule.footer)
            self.showing_footer = rule.footer
        else:
            self.section_ref = None

    def _close_section(self) -> None:
        """End the running section at its last paragraph (no extra paragraph that could make a blank page)."""
        sect = self.page.sect_pr(self.section.landscape, self.section_ref)
        last = self.blocks[-1] if self.blocks else None
        if not isinstance(last, Para) or last.sect:
            last = Para("Normal", spacing={"line": 20, "lineRule": "exact"})
            self.blocks.append(last)
        last.sect = sect

    def add(self, block: Para | str) -> None:
        """Append a block, first starting a new section or page where the CSS layout does."""
        rule = self.css.page(self.page_name)
        if self.section is None:
            self._open_section(rule)
        elif (rule.landscape, rule.footer) != (self.section.landscape, self.section.footer):
            self._close_section()
            self._open_section(rule)
        elif self.pending_break or self.page_name != self.current_page:
            if isinstance(block, Para):
                block.page_break = True
            else:
                self.blocks.append(Para("Normal", page_break=True, spacing={"line": 20, "lineRule": "exact"}))
        self.current_page = self.page_name
        self.pending_break = False
        self.blocks.append(block)

    def finish(self) -> None:
        if self.section is None:
            self._open_section(self.css.page(""))
        body = "".join(b.xml() if isinstance(b, Para) else b for b in self.blocks)
        body += self.page.sect_pr(self.section.landscape, self.section_ref)
        new = parse_xml(f'<w:body {nsdecls("w", "r", "wp", "a", "pic")}>{body}</w:body>')
        old = self.document.element.body
        self.document.element.replace(old, new)

    @property
    def width(self) -> int:
        return self.page.text_width(self.css.page(self.page_name).landscape)

    # blocks ------------------------------------------------------------------------------------

    def walk(self, node) -> None:
        self.container(node)

    def container(self, node) -> None:
        """Children in order; loose inline content between blocks forms an anonymous paragraph."""
        loose: list = [(node.text, Fmt())] if node.text else []
        for child in node:
            if isinstance(child.tag, str):
                if local(child) in INLINE:
                    inline_element(child, Fmt(), loose, self.look.font_of)
                else:
                    self._loose(node, loose)
                    loose = []
                    self.block(child)
            if child.tail:
                loose.append((child.tail, Fmt()))
        self._loose(node, loose)

    def _loose(self, parent, loose: list) -> None:
        segments = collapse(loose)
        if segments:
            self.add(self.para(parent, "Normal", segments))

    def para(self, node, style: str, segments: list | None = None, **extra) -> Para:
        """A paragraph in `style`, with direct formatting only where the element's CSS differs from it."""
        options, run = self.look.overrides(node, style)
        options.update(extra)
        return Para(style, runs(self.look.segments(node) if segments is None else segments, **run), **options)

    def block(self, node) -> None:
        style = self.css[node]
        if style.display == "none":
            return
        saved = self.page_name
        if style.page != "auto":
            self.page_name = style.page
        if style.break_before:
            self.pending_break = True
        self._element(node, local(node))
        if style.break_after:
            self.pending_break = True
        self.page_name = saved

    def _element(self, node, name: str) -> None:
        cls = set((node.get("class") or "").split())
        if name == "nav" and "toc" in cls:
            self.toc(node)
        elif name in ("h1", "h2", "h3", "h4", "h5", "h6"):
            self.heading(node, int(name[1]))
        elif name == "p":
            style = ("TableNote" if "table-note" in cls else "CoverLine" if "cover-line" in cls
                     else "CoverDate" if "cover-date" in cls else "BodyText")
            p = self.para(node, style)
            if p.content:                      # an empty <p> has no height in the PDF either
                self.add(p)
        elif name == "div" and "table-label" in cls:
            self.add(self.para(node, "TableLabel"))
        elif name == "div" and "table-meta" in cls:
            self.table_meta(node)
        elif name in ("ol", "ul"):
            self.list_block(node, 0)
        elif name == "table":
            xml = table_xml(node, self.width, self.look)
            if xml:
                self.add(xml)
        elif name == "figure":
            self.figure(node)
        elif name in ("img", "svg"):
            self.add(self.picture(node, keep_next=False))
        elif name == "pre":
            lines = "".join(node.itertext()).strip("\n").split("\n")
            segments = [piece for i, line in enumerate(lines)
                        for piece in ([(BREAK, Fmt())] if i else []) + [(line, Fmt())]]
            self.add(Para("Normal", runs([(t, f) for t, f in segments if t != ""])))
        elif name not in ("script", "style", "template", "hr", "col", "colgroup"):
            self.container(node)

    def heading(self, node, level: int) -> None:
        # h1 outside the outline (the cover title: bookmark-level: none) is the document's Title
        outline = self.css[node].bookmark_level != "none"
        p = self.para(node, f"Heading{min(level, 6)}" if outline or level > 1 else "Title")
        if not p.content:
            return
        anchor = node.get("id")
        if anchor and p.style != "Title":
            self.bookmarks += 1
            p.content = (tag("w:bookmarkStart", id=self.bookmarks, name=bookmark_name(anchor)) + p.content
                         + tag("w:bookmarkEnd", id=self.bookmarks))
            level, listed = self.toc_entries.get(anchor, (0, ""))
            if listed and listed != segments_text(self.look.segments(node)).strip():
                # the 目录 lists it with words the heading lacks (一、…九、 before a table's title): a TC field
                # gives Word's update that text, and the paragraph leaves the outline so it is not listed twice
                p.outline_level = 9
                p.content += field_xml(f' TC "{listed}" \\l {level} ')
        self.add(p)

    def table_meta(self, node) -> None:
        """Entity left, unit right (and the year centred when present): one paragraph with tab stops."""
        parts = [self.look.segments(child) for child in node if local(child) == "span"]
        if not any(parts):
            parts = [self.look.segments(node)]
        width = self.width
        tabs = {1: [], 2: [("right", width)]}.get(len(parts), [("center", width // 2), ("right", width)])
        segments: list = []
        for i, part in enumerate(parts):
            segments += ([(TAB, Fmt())] if i else []) + part
        self.add(self.para(node, "TableMeta", segments, tabs=tabs))

    def list_block(self, node, level: int) -> None:
        num_id = None
        if self.css[node].list_style_type != "none":      # .member-units carry their own “1、”
            try:
                start = int(node.get("start", "1"))
            except ValueError:
                start = 1
            num_id = self.numbering.new_list(local(node) == "ul", start)
        for li in node:
            if local(li) == "li":
                self.list_item(li, num_id, level)

    def list_item(self, li, num_id: int | None, level: int) -> None:
        first = True

        def flush(segments: list) -> None:
            nonlocal first
            segments = collapse(segments)
            if segments:
                numbered = (num_id, min(level, 2)) if num_id is not None and first else None
                indent = None if numbered or level == 0 else {"left": 640 * (level + 1)}
                self.add(self.para(li, "ListParagraph", segments, num=numbered, **({"ind": indent} if indent else {})))
                first = False

        loose: list = [(li.text, Fmt())] if li.text else []
        for child in li:
            if not isinstance(child.tag, str):
                pass
            elif local(child) in INLINE:
                inline_element(child, Fmt(), loose, self.look.font_of)
            else:
                flush(loose)
                loose = []
                if local(child) in ("ol", "ul"):
                    self.list_block(child, level + 1)
                elif local(child) == "p":
                    flush(self.look.segments(child))
                else:
                    self.block(child)
            if child.tail:
                loose.append((child.tail, Fmt()))
        flush(loose)

    def figure(self, node) -> None:
        children = [c for c in node if isinstance(c.tag, str)]
        for i, child in enumerate(children):
            keep = i + 1 < len(children)            # the picture and its caption share a page
            if local(child) in ("img", "svg"):
                self.add(self.picture(child, keep_next=keep))
            elif local(child) == "figcaption":
                self.add(self.para(child, "Caption", keep_next=keep))
            else:
                self.block(child)

    def picture(self, img, keep_next: bool) -> Para:
        """The chart's PNG (data-png, ≥ 200 dpi) at the size the PDF draws its SVG, within the text width."""
        src = img.get("src") or ""
        png = image_bytes(img.get("data-png") or "", self.input_dir) or image_bytes(src, self.input_dir)
        if png is None:      # an SVG alone cannot go into the DOCX: fail rather than drop a chart
            raise ValueError(f"图片没有可插入 Word 的 PNG/JPEG（data-png）：{img.get('alt') or src[:60]}")
        native = Image.from_blob(png)
        width, height = display_size(img, src)                    # twips, from attributes or the SVG
        ratio = height / width if width and height else native.px_height / native.px_width
        width = self._css_width(img) or width or native.width / _EMU_PER_TWIP   # CSS, e.g. figure.chart img
        width = min(width, self.width) * _EMU_PER_TWIP
        height = width * ratio
        inline = self.document.part.new_pic_inline(io.BytesIO(png), Emu(int(width)), Emu(int(height)))
        self.pictures += 1
        inline.docPr.set("id", str(self.pictures))
        inline.docPr.set("name", f"图{self.pictures}")
        inline.docPr.set("descr", img.get("alt") or "")
        drawing = etree.tostring(inline, encoding="unicode")
        return Para("Figure", f"<w:r><w:drawing>{drawing}</w:drawing></w:r>", keep_next=keep_next)

    def _css_width(self, node) -> float | None:
        """The element's CSS width in twips: an absolute length, or a percentage of the text width."""
        value = (self.css[node].width or "").strip()
        if value.endswith("%"):
            try:
                return float(value[:-1]) / 100 * self.width
            except ValueError:
                return None
        try:
            return length_twips(value) if value else None
        except ValueError:
            return None

    # 目录 ----------------------------------------------------------------------------------------

    def toc(self, nav) -> None:
        """A TOC field whose cached result is the HTML's own 目录 (shown until Word updates the field)."""
        entries: list[tuple[int, str, str]] = []

        def collect(node, depth: int) -> None:
            for child in node:
                name = local(child)
                if name in ("ol", "ul"):
                    collect(child, depth + 1)
                elif name == "li":
                    link = next((a for a in child.iter("a", "{*}a")), None)
                    if link is not None:
                        text = segments_text(self.look.segments(link))
                        entries.append((max(1, depth), text, (link.get("href") or "").lstrip("#")))
                    collect(child, depth)
                elif name and not name.startswith("h"):
                    collect(child, depth)

        collect(nav, 0)
        title = next((c for c in nav if local(c) in ("h1", "h2", "h3")), None)
        if title is not None:
            self.add(Para("TOCHeading", runs(self.look.segments(title))))
        depth = min(9, max([2] + [level for level, _, _ in entries]))
        instruction = f' TOC \\o "1-{depth}" \\f \\h \\z \\u '
        if not entries:
            self.add(Para("TOC1", field_xml(instruction)))
        for i, (level, text, anchor) in enumerate(entries):
            name = bookmark_name(anchor)
            # PAGEREF results: the PDF's page numbers until Word updates the fields (settings: updateFields)
            self.toc_entries[anchor] = (level, text)
            page = self.toc_pages.get(anchor)
            pageref = field_xml(f" PAGEREF {name} \\h ", str(page) if page else "")
            link = (f'<w:hyperlink w:anchor="{esc(name)}" w:history="1">{runs([(text, Fmt())])}'
                    f'<w:r><w:tab/></w:r>{pageref}</w:hyperlink>')
            content = (field_xml(instruction, end=False) if i == 0 else "") + link
            content += field_xml("", begin=False) if i == len(entries) - 1 else ""
            # the page number at the right margin after a dotted leader, as in the PDF's 目录
            self.add(Para(f"TOC{min(level, 3)}", content, tabs=[("right", self.width, "dot")]))


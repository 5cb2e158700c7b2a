"""WordprocessingML building blocks for the DOCX writer: HTML inline content → w:r runs, w:p paragraphs.

The body is written as XML text and parsed once: building ~30 000 elements through lxml/python-docx
proxies costs ten times more than formatting the same markup as strings. Child elements follow the
OOXML schema order, which Word enforces.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from typing import Callable

from ..units import local

BREAK = object()     # <br>
TAB = object()       # a tab between the parts of .table-meta

INLINE = {"span", "a", "strong", "b", "em", "i", "code", "br", "sup", "sub", "small", "u", "s", "mark", "abbr",
          "time", "q", "cite", "kbd", "samp", "var", "del", "ins"}
_SPACE = re.compile(r"[ \t\n\r\f]+")
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def classes(node) -> set[str]:
    return set((node.get("class") or "").split())


_SPECIAL = re.compile('[&<>"\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]')


def esc(text: str) -> str:
    if not _SPECIAL.search(text):
        return text
    text = _NOT_XML.sub("", text)
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;")


def tag(element: str, /, **attrs) -> str:
    """An empty element, e.g. tag("w:jc", val="center") → <w:jc w:val="center"/>."""
    return f"<{element}" + "".join([f' w:{k}="{esc(str(v))}"' for k, v in attrs.items()]) + "/>"


@dataclass(frozen=True)
class Fmt:
    bold: bool = False
    italic: bool = False
    highlight: bool = False
    font: str | None = None        # East Asian face when an inline element changes role (e.g. .term → 黑体)
    vert: str | None = None        # superscript / subscript


FontOf = Callable[[object], "str | None"]


def inline_segments(node, fmt: Fmt = Fmt(), out: list | None = None, font_of: FontOf | None = None) -> list:
    """(text | BREAK, Fmt) pieces of an element's content, in order; whitespace not yet collapsed."""
    out = [] if out is None else out
    if node.text:
        out.append((node.text, fmt))
    for child in node:
        if isinstance(child.tag, str):            # not a comment
            inline_element(child, fmt, out, font_of)
        if child.tail:
            out.append((child.tail, fmt))
    return out


def inline_element(node, fmt: Fmt, out: list, font_of: FontOf | None = None) -> None:
    """One inline element (without its tail) with the formatting it adds."""
    name, cls = local(node), classes(node)
    if name == "br":
        out.append((BREAK, fmt))
        return
    if "placeholder" in cls or "pending" in cls or name == "mark":
        fmt = replace(fmt, highlight=True)        # draft gaps: yellow, as in the PDF
    if name in ("strong", "b"):
        fmt = replace(fmt, bold=True)
    if name in ("em", "i", "cite"):
        fmt = replace(fmt, italic=True)
    if name in ("sup", "sub"):
        fmt = replace(fmt, vert="superscript" if name == "sup" else "subscript")
    font = font_of(node) if font_of else None
    if font:
        fmt = replace(fmt, font=font)
    inline_segments(node, fmt, out, font_of)


def collapse(segments: list) -> list:
    """CSS white-space: normal — runs of whitespace become one space, none at the start or end of a line."""
    result: list = []
    at_line_start = True
    for text, fmt in segments:
        if text is BREAK or text is TAB:
            if result and isinstance(result[-1][0], str):
                result[-1] = (result[-1][0].rstrip(" "), result[-1][1])
            result.append((text, fmt))
            at_line_start = True
            continue
        text = _SPACE.sub(" ", text)
        if at_line_start or (result and isinstance(result[-1][0], str) and result[-1][0].endswith(" ")):
            text = text.lstrip(" ")
        if text:
            result.append((text, fmt))
            at_line_start = False
    if result and isinstance(result[-1][0], str):
        result[-1] = (result[-1][0].rstrip(" "), result[-1][1])
    return [(t, f) for t, f in result if t != ""]


def segments_text(segments: list) -> str:
    return "".join(t for t, _ in segments if isinstance(t, str))


def runs(segments: list, font: str | None = None, size: float | None = None, color: str | None = None,
         bold: bool = False) -> str:
    """w:r elements, one per stretch of equal formatting; font/size/color/bold override the paragraph style."""
    merged: list = []
    for text, fmt in segments:
        if merged and isinstance(text, str) and isinstance(merged[-1][0], str) and merged[-1][1] == fmt:
            merged[-1] = (merged[-1][0] + text, fmt)
        else:
            merged.append((text, fmt))
    out = []
    for text, fmt in merged:
        rpr = _run_properties(replace(fmt, bold=True) if bold else fmt, font, size, color)
        if text is BREAK:
            body = "<w:br/>"
        elif text is TAB:
            body = "<w:tab/>"
        else:
            space = ' xml:space="preserve"' if text[:1].isspace() or text[-1:].isspace() else ""
            body = f"<w:t{space}>{esc(text)}</w:t>"
        out.append(f"<w:r>{rpr}{body}</w:r>")
    return "".join(out)


def _run_properties(fmt: Fmt, font: str | None, size: float | None, color: str | None) -> str:
    parts = []                                   # schema order: rFonts, b, i, color, sz, highlight, vertAlign
    face = fmt.font or font
    if face:
        parts.append(tag("w:rFonts", eastAsia=face, hint="eastAsia"))
    if fmt.bold:
        parts.append("<w:b/><w:bCs/>")
    if fmt.italic:
        parts.append("<w:i/><w:iCs/>")
    if color:
        parts.append(tag("w:color", val=color))
    if size:
        parts.append(tag("w:sz", val=round(size * 2)) + tag("w:szCs", val=round(size * 2)))
    if fmt.highlight:
        parts.append(tag("w:highlight", val="yellow"))
    if fmt.vert:
        parts.append(tag("w:vertAlign", val=fmt.vert))
    return f"<w:rPr>{''.join(parts)}</w:rPr>" if parts else ""


def field_xml(instruction: str, cached: str = "", begin: bool = True, end: bool = True) -> str:
    """A complex field (PAGE, TOC, PAGEREF): begin, instruction, separate, cached result, end."""
    out = []
    if begin:
        out.append('<w:r><w:fldChar w:fldCharType="begin"/></w:r>'
                   f'<w:r><w:instrText xml:space="preserve">{esc(instruction)}</w:instrText></w:r>'
                   '<w:r><w:fldChar w:fldCharType="separate"/></w:r>')
    if cached:
        out.append(f"<w:r><w:t>{esc(cached)}</w:t></w:r>")
    if end:
        out.append('<w:r><w:fldChar w:fldCharType="end"/></w:r>')
    return "".join(out)


@dataclass
class Para:
    """One w:p; kept as data until the body is written so a page break or section end can still be added."""
    style: str
    content: str = ""                            # runs (and hyperlinks, fields, bookmarks) as XML
    keep_next: bool = False
    page_break: bool = False
    num: tuple[int, int] | None = None           # (numId, level)
    tabs: list[tuple] = field(default_factory=list)     # (alignment, position in twips[, leader])
    spacing: dict | None = None
    ind: dict | None = None
    jc: str | None = None
    sect: str = ""                               # w:sectPr when this paragraph ends a section
    outline_level: int | None = None             # 9: body text, kept out of the outline and the TOC

    def xml(self) -> str:
        ppr = [tag("w:pStyle", val=self.style)]
        if self.keep_next:
            ppr.append("<w:keepNext/>")
        if self.page_break:
            ppr.append("<w:pageBreakBefore/>")
        if self.num:
            ppr.append(f'<w:numPr>{tag("w:ilvl", val=self.num[1])}{tag("w:numId", val=self.num[0])}</w:numPr>')
        if self.tabs:
            ppr.append("<w:tabs>" + "".join(tag("w:tab", val=k, leader=rest[0], pos=p) if rest
                                            else tag("w:tab", val=k, pos=p) for k, p, *rest in self.tabs)
                       + "</w:tabs>")
        if self.spacing:
            ppr.append(tag("w:spacing", **self.spacing))
        if self.ind:
            ppr.append(tag("w:ind", **self.ind))
        if self.jc:
            ppr.append(tag("w:jc", val=self.jc))
        if self.outline_level is not None:
            ppr.append(tag("w:outlineLvl", val=self.outline_level))
        return f"<w:p><w:pPr>{''.join(ppr)}{self.sect}</w:pPr>{self.content}</w:p>"

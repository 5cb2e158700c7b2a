"""Word styles and list numbering for the DOCX writer.

Fonts, sizes, alignment and indents live in styles (Normal, Heading 1–6, Title, Table Text…) so a user
who changes “Heading 2” in Word changes every 一级标题 at once; a paragraph carries direct formatting
only where the profile's CSS gives that one element a different look (e.g. the centred table titles).
Chinese faces are named through w:eastAsia, the attribute Word/WPS/LibreOffice use for CJK text;
ascii/hAnsi carry the Latin face. Sizes follow print.css: the body's size comes from the profile's CSS
(install_styles), with the PDF's line-height of 1.75, so the DOCX and the PDF run to about the same pages.
"""
from __future__ import annotations

from dataclasses import dataclass

from docx.oxml import parse_xml
from docx.oxml.ns import nsdecls, qn

from .wordml import esc, tag

DEFAULT_FONTS = {"title": "方正小标宋简体", "heading1": "黑体", "heading2": "楷体_GB2312",
                 "body": "仿宋_GB2312", "latin": "Times New Roman"}
BODY_PT = 15.0          # print.css html { font-size }; install_styles takes the profile's value
LINE_HEIGHT = 1.75      # print.css html { line-height }
BODY_LINE = round(BODY_PT * LINE_HEIGHT * 20)     # twips, exact


@dataclass(frozen=True)
class Spec:
    id: str
    name: str
    based_on: str | None = "Normal"
    jc: str | None = None                # None: as the base style
    indent: float | None = None          # first-line indent in characters
    left: float | None = None            # left indent in characters
    role: str | None = None              # font role (profile docx_fonts key)
    size: float | None = None
    spacing: tuple | None = None         # (before, after, line, rule) in twips
    keep_next: bool = False
    outline: int | None = None
    next: str | None = None
    custom: bool = True
    priority: int | None = None


_SINGLE = (0, 0, 240, "auto")
SPECS = [
    Spec("Normal", "Normal", None, jc="both", indent=0, left=0, role="body", size=BODY_PT,
         spacing=(0, 0, BODY_LINE, "exact"), custom=False),
    # body <p>: the PDF's text-indent: 2em → first line indented by two characters
    Spec("BodyText", "Body Text", indent=2, next="BodyText", custom=False),
    Spec("Heading1", "heading 1", jc="center", role="heading1", size=18, spacing=(0, 340, 240, "auto"),
         keep_next=True, outline=0, next="BodyText", custom=False, priority=9),
    # 一、… headings in 黑体 like the PDF (.part > h2, .narrative-section > h2 use the heading-1 face)
    Spec("Heading2", "heading 2", jc="left", indent=2, role="heading1", spacing=(170, 0, BODY_LINE, "exact"),
         keep_next=True, outline=1, next="BodyText", custom=False, priority=9),
    # （一）… headings in 楷体
    Spec("Heading3", "heading 3", jc="left", indent=2, role="heading2", keep_next=True, outline=2,
         next="BodyText", custom=False, priority=9),
    Spec("Heading4", "heading 4", "Heading3", outline=3, next="BodyText", custom=False, priority=9),
    Spec("Heading5", "heading 5", "Heading3", outline=4, next="BodyText", custom=False, priority=9),
    Spec("Heading6", "heading 6", "Heading3", outline=5, next="BodyText", custom=False, priority=9),
    # the cover: .cover { padding-top: 45mm } → 2551 twips before the title
    Spec("Title", "Title", jc="center", role="title", size=26, spacing=(2551, 0, 360, "auto"), next="CoverLine",
         custom=False, priority=10),
    Spec("CoverLine", "Cover Line", jc="center"),
    Spec("CoverDate", "Cover Date", "CoverLine", spacing=(680, 0, BODY_LINE, "exact")),
    Spec("TOCHeading", "TOC Heading", jc="center", role="heading1", size=18, spacing=(0, 340, 240, "auto"),
         outline=9, custom=False, priority=39),
    Spec("TOC1", "toc 1", role="heading1", size=13, spacing=(0, 0, 416, "exact"), next="Normal", custom=False,
         priority=39),
    Spec("TOC2", "toc 2", "TOC1", left=2, role="body", next="Normal", custom=False, priority=39),
    Spec("TOC3", "toc 3", "TOC1", left=4, role="body", next="Normal", custom=False, priority=39),
    Spec("TableLabel", "Table Label", jc="right", size=10.5, spacing=_SINGLE),
    Spec("TableMeta", "Table Meta", jc="left", size=10.5, spacing=(0, 57, 240, "auto")),
    Spec("TableNote", "Table Note", size=10, spacing=(113, 0, 300, "exact")),
    # table lines at the PDF's line-height (1.35 × 10.5pt; 1.2 × 9pt in 公开01表), exact so that a row is
    # as high in Word, WPS and LibreOffice whatever face stands in for 仿宋_GB2312
    Spec("TableText", "Table Text", jc="left", size=10.5, spacing=(0, 0, 284, "exact")),
    Spec("TableHeading", "Table Heading", "TableText", jc="center", role="heading1", size=9.5),
    Spec("TableTextSmall", "Table Text Small", "TableText", size=9, spacing=(0, 0, 220, "exact")),
    Spec("TableHeadingSmall", "Table Heading Small", "TableHeading", size=9, spacing=(0, 0, 220, "exact")),
    Spec("ListParagraph", "List Paragraph", left=2, custom=False, priority=34),
    Spec("Figure", "Figure", jc="center", spacing=(170, 0, 240, "auto"), keep_next=True),
    Spec("Caption", "caption", jc="center", size=12, spacing=(57, 170, 240, "auto"), custom=False, priority=35),
    Spec("Footer", "footer", jc="center", size=11, spacing=_SINGLE, custom=False, priority=99),
]
_BY_ID = {spec.id: spec for spec in SPECS}


def resolved(style_id: str, attribute: str):
    """A style's effective value of one Spec field, following basedOn."""
    spec = _BY_ID.get(style_id)
    while spec is not None:
        value = getattr(spec, attribute)
        if value is not None:
            return value
        spec = _BY_ID.get(spec.based_on) if spec.based_on else None
    return None


def fonts_of(settings: dict) -> dict[str, str]:
    return {**DEFAULT_FONTS, **(settings.get("docx_fonts") or {})}


def face(fonts: dict[str, str], role: str | None) -> str:
    """The DOCX face for a CSS font role; roles without a DOCX face (e.g. table) read as body text."""
    return fonts.get(role or "body") or fonts["body"]


def rfonts(east_asia: str, latin: str) -> str:
    # hint="eastAsia": ambiguous characters (“”、—、：) are drawn with the CJK face, as in print.
    return tag("w:rFonts", ascii=latin, hAnsi=latin, eastAsia=east_asia, cs=latin, hint="eastAsia")


def indent_xml(chars: float, size: float) -> str:
    return tag("w:ind", firstLineChars=round(chars * 100), firstLine=round(chars * size * 20))


def _style_xml(spec: Spec, fonts: dict[str, str]) -> str:
    attrs = f'w:type="paragraph" w:styleId="{spec.id}"' + (' w:customStyle="1"' if spec.custom else "")
    out = [f'<w:style {nsdecls("w")} {attrs}>', tag("w:name", val=spec.name)]
    if spec.based_on:
        out.append(tag("w:basedOn", val=spec.based_on))
    if spec.next:
        out.append(tag("w:next", val=spec.next))
    if spec.priority is not None:
        out.append(tag("w:uiPriority", val=spec.priority))
    out.append("<w:qFormat/>")
    ppr = []
    if spec.keep_next:
        ppr.append("<w:keepNext/><w:keepLines/>")
    if spec.id == "Normal":     # no extra gap between CJK and Latin/digits: the PDF sets none
        ppr.append('<w:autoSpaceDE w:val="0"/><w:autoSpaceDN w:val="0"/>')
    if spec.spacing:
        before, after, line, rule = spec.spacing
        ppr.append(tag("w:spacing", before=before, after=after, line=line, lineRule=rule))
    size = resolved(spec.id, "size")
    if spec.left is not None or spec.indent is not None:
        left = spec.left if spec.left is not None else resolved(spec.based_on, "left") or 0
        chars = spec.indent if spec.indent is not None else resolved(spec.based_on, "indent") or 0
        ppr.append(tag("w:ind", leftChars=round(left * 100), left=round(left * size * 20),
                       firstLineChars=round(chars * 100), firstLine=round(chars * size * 20)))
    if spec.jc:
        ppr.append(tag("w:jc", val=spec.jc))
    if spec.outline is not None:
        ppr.append(tag("w:outlineLvl", val=spec.outline))
    out.append(f"<w:pPr>{''.join(ppr)}</w:pPr>")
    rpr = []
    if spec.role:
        rpr.append(rfonts(face(fonts, spec.role), fonts["latin"]))
    rpr.append('<w:b w:val="0"/><w:bCs w:val="0"/><w:i w:val="0"/><w:iCs w:val="0"/><w:color w:val="000000"/>')
    if spec.size:
        rpr.append(tag("w:sz", val=round(spec.size * 2)) + tag("w:szCs", val=round(spec.size * 2)))
    if spec.id == "Normal":
        rpr.append(tag("w:lang", val="en-US", eastAsia="zh-CN"))
    out.append(f"<w:rPr>{''.join(rpr)}</w:rPr></w:style>")
    return "".join(out)


def _grid_table_style(fonts: dict[str, str]) -> str:
    border = "".join(tag(f"w:{side}", val="single", sz=5, space=0, color="000000")
                     for side in ("top", "left", "bottom", "right", "insideH", "insideV"))
    return (f'<w:style {nsdecls("w")} w:type="table" w:styleId="JuesuanGrid" w:customStyle="1">'
            '<w:name w:val="Juesuan Grid"/><w:basedOn w:val="TableNormal"/><w:uiPriority w:val="59"/>'
            f'<w:rPr>{rfonts(fonts["body"], fonts["latin"])}<w:sz w:val="21"/><w:szCs w:val="21"/></w:rPr>'
            f'<w:tblPr><w:jc w:val="center"/><w:tblBorders>{border}</w:tblBorders>'
            '<w:tblCellMar><w:top w:w="28" w:type="dxa"/><w:left w:w="57" w:type="dxa"/>'
            '<w:bottom w:w="28" w:type="dxa"/><w:right w:w="57" w:type="dxa"/></w:tblCellMar></w:tblPr>'
            '</w:style>')


def install_styles(document, settings: dict, body_pt: float = BODY_PT) -> None:
    """Word's styles from SPECS, with the body size (and its exact line) the profile's CSS gives."""
    fonts = fonts_of(settings)
    line = round(body_pt * LINE_HEIGHT * 20)
    specs = [_scaled(spec, body_pt, line) for spec in SPECS]
    styles = document.styles.element
    # docDefaults too, so text outside any style (and styles a user adds) is 仿宋 with Latin digits
    defaults = styles.find(qn("w:docDefaults"))
    rpr = defaults.find(qn("w:rPrDefault")).find(qn("w:rPr"))
    rpr.remove(rpr.find(qn("w:rFonts")))
    rpr.insert(0, parse_xml(f'<w:rFonts {nsdecls("w")} w:ascii="{esc(fonts["latin"])}" '
                            f'w:hAnsi="{esc(fonts["latin"])}" w:eastAsia="{esc(fonts["body"])}" '
                            f'w:cs="{esc(fonts["latin"])}"/>'))
    for lang in rpr.findall(qn("w:lang")):
        lang.set(qn("w:eastAsia"), "zh-CN")
    spacing = defaults.find(qn("w:pPrDefault")).find(qn("w:pPr")).find(qn("w:spacing"))
    spacing.attrib.clear()
    spacing.set(qn("w:after"), "0")
    existing = {s.get(qn("w:styleId")): s for s in styles.findall(qn("w:style"))}
    definitions = [_style_xml(spec, fonts) for spec in specs]
    definitions.append(_grid_table_style(fonts))
    for xml in definitions:
        new = parse_xml(xml)
        old = existing.get(new.get(qn("w:styleId")))
        if old is not None:
            old.addprevious(new)
            styles.remove(old)
        else:
            styles.append(new)


def _scaled(spec: Spec, body_pt: float, line: int) -> Spec:
    """`spec` with the body size and line where it uses the defaults."""
    from dataclasses import replace

    if spec.size == BODY_PT:
        spec = replace(spec, size=body_pt)
    if spec.spacing and spec.spacing[2] == BODY_LINE:
        spec = replace(spec, spacing=(*spec.spacing[:2], line, spec.spacing[3]))
    return spec


# --- numbering for <ol>/<ul> ----------------------------------------------------------------------

def _levels(bullet: bool) -> str:
    out = []
    for lvl in range(3):
        fmt, text = ("bullet", "•") if bullet else ("decimal", f"%{lvl + 1}.")
        out.append(f'<w:lvl w:ilvl="{lvl}"><w:start w:val="1"/><w:numFmt w:val="{fmt}"/>'
                   f'<w:lvlText w:val="{text}"/><w:lvlJc w:val="left"/>'
                   f'<w:pPr><w:ind w:left="{640 * (lvl + 1)}" w:hanging="420"/></w:pPr></w:lvl>')
    return "".join(out)


class Numbering:
    """One abstract list per kind (decimal, bullet); each HTML list gets its own w:num so it restarts."""

    def __init__(self, document):
        self.element = document.part.numbering_part.element
        ids = [int(x) for x in self.element.xpath("./w:abstractNum/@w:abstractNumId")]
        nums = [int(x) for x in self.element.xpath("./w:num/@w:numId")]
        self._next_num = max(nums, default=0) + 1
        self._next_abstract = max(ids, default=-1) + 1
        self._abstract: dict[bool, int] = {}

    def _abstract_id(self, bullet: bool) -> int:
        if bullet not in self._abstract:
            aid = self._next_abstract
            self._next_abstract += 1
            node = parse_xml(f'<w:abstractNum {nsdecls("w")} w:abstractNumId="{aid}">'
                             f'<w:nsid w:val="4A53{aid:04X}"/><w:multiLevelType w:val="hybridMultilevel"/>'
                             f'{_levels(bullet)}</w:abstractNum>')
            first_num = self.element.find(qn("w:num"))      # schema: every abstractNum before the nums
            if first_num is not None:
                first_num.addprevious(node)
            else:
                self.element.append(node)
            self._abstract[bullet] = aid
        return self._abstract[bullet]

    def new_list(self, bullet: bool, start: int = 1) -> int:
        aid = self._abstract_id(bullet)
        num_id = self._next_num
        self._next_num += 1
        self.element.append(parse_xml(
            f'<w:num {nsdecls("w")} w:numId="{num_id}"><w:abstractNumId w:val="{aid}"/>'
            f'<w:lvlOverride w:ilvl="0"><w:startOverride w:val="{start}"/></w:lvlOverride></w:num>'))
        return num_id

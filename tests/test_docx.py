"""The DOCX writer: content parity with the composed HTML and the PDF, Word structure, fonts,
placeholders, pictures, reproducible bytes, and a real client (LibreOffice) opening the file.

Expected content is taken from the HTML with an independent extraction (the stdlib html.parser), never
from the writer's own walk, and compared after conftest.normalize (whitespace removed, full/half-width
punctuation unified).
"""
from __future__ import annotations

import base64
import io
import os
import re
import shutil
import subprocess
import zipfile
from html.parser import HTMLParser

import docx
import pypdfium2 as pdfium
import pytest
from docx.oxml.ns import qn

from conftest import INPUTS, normalize
from generator.pipeline import run
from generator.render.docx import docx_bytes

W_P, W_TBL, W_T = qn("w:p"), qn("w:tbl"), qn("w:t")
TOC_STYLES = {"TOCHeading", "TOC1", "TOC2", "TOC3"}
TABLES = [("公开01表", "收入支出决算总表"), ("公开02表", "收入决算表"), ("公开03表", "支出决算表"),
          ("公开04表", "财政拨款收入支出决算总表"), ("公开05表", "一般公共预算财政拨款支出决算表"),
          ("公开06表", "一般公共预算财政拨款基本支出决算明细表"),
          ("公开07表", "政府性基金预算财政拨款收入支出决算表"), ("公开08表", "国有资本经营预算财政拨款支出决算表"),
          ("公开09表", "财政拨款“三公”经费支出决算表")]
FIGURES = ["336.88", "200.55", "136.32", "195.59", "4.96"]


# --- an independent reading of the HTML ---------------------------------------------------------

class HtmlReader(HTMLParser):
    """Block texts (what the PDF prints as paragraphs and headings) and table cell texts, in order."""
    BLOCKS = {"h1", "h2", "h3", "h4", "h5", "h6", "p", "li", "figcaption"}
    BLOCK_DIVS = {"table-label", "table-meta"}
    VOID = {"br", "img", "col", "meta", "link", "hr", "input", "wbr", "source"}

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.blocks: list[tuple[str, str, str]] = []     # (tag, class, text)
        self.tables: list[list[list[str]]] = []
        self.stack: list[tuple[str, object]] = []         # (tag, what it collects into)
        self.skip = 0                                     # inside <nav>/<head>

    def handle_starttag(self, tag, attrs):
        if tag in self.VOID:
            return
        cls = dict(attrs).get("class") or ""
        target = None
        if tag in ("nav", "head", "script", "style"):
            self.skip += 1
        elif self.skip:
            pass
        elif tag == "table":
            self.tables.append([])
        elif tag == "tr" and self._in("table"):
            self.tables[-1].append([])
        elif tag in ("td", "th") and self._in("table"):
            self.tables[-1][-1].append("")
            target = ("cell", len(self.tables) - 1)
        elif not self._in("table") and (tag in self.BLOCKS or (tag == "div" and set(cls.split()) & self.BLOCK_DIVS)):
            self.blocks.append((tag, cls, ""))
            target = ("block", len(self.blocks) - 1)
        self.stack.append((tag, target))

    def handle_endtag(self, tag):
        while self.stack:
            name, _ = self.stack.pop()
            if name in ("nav", "head", "script", "style"):
                self.skip -= 1
            if name == tag:
                break

    def handle_data(self, data):
        for _, target in reversed(self.stack):
            if target is None:
                continue
            kind, index = target
            if kind == "cell":
                self.tables[index][-1][-1] += data
            else:
                tag, cls, text = self.blocks[index]
                self.blocks[index] = (tag, cls, text + data)
            return

    def _in(self, tag: str) -> bool:
        return any(name == tag for name, _ in self.stack)


def read_html(html: str) -> HtmlReader:
    reader = HtmlReader()
    reader.feed(html)
    return reader


# --- reading the DOCX ---------------------------------------------------------------------------

def text_of(element) -> str:
    return "".join(t.text or "" for t in element.iter(W_T))


def style_of(p) -> str:
    node = p.find(f"{qn('w:pPr')}/{qn('w:pStyle')}")
    return node.get(qn("w:val")) if node is not None else "Normal"


def body_items(document):
    """('p', style, text) and ('tbl', element) for the body's blocks in order."""
    for child in document.element.body:
        if child.tag == W_P:
            yield "p", style_of(child), text_of(child)
        elif child.tag == W_TBL:
            yield "tbl", child, None


def table_rows(tbl) -> list[list[str]]:
    """Cell texts row by row; a merged cell counts once (vMerge continuations are skipped)."""
    rows = []
    for tr in tbl.iter(qn("w:tr")):
        cells = []
        for tc in tr.iter(qn("w:tc")):
            merge = tc.find(f"{qn('w:tcPr')}/{qn('w:vMerge')}")
            if merge is not None and merge.get(qn("w:val")) != "restart":
                continue
            cells.append(normalize(text_of(tc)))
        rows.append(cells)
    return rows


class Built:
    def __init__(self, result):
        self.result = result
        self.html = result.html
        self.data = docx_bytes(result.html, result.profile, result.loaded.base_dir)
        self.document = docx.Document(io.BytesIO(self.data))
        self.items = list(body_items(self.document))
        self.paragraphs = [(style, text) for kind, style, text in self.items
                           if kind == "p" and style not in TOC_STYLES and normalize(text)]
        self.tables = [tbl for kind, tbl, _ in self.items if kind == "tbl"]

    def table_after(self, label: str):
        """The first table after the paragraph holding a 公开NN表 label."""
        seen = False
        for kind, value, text in self.items:
            if kind == "p" and normalize(text) == label:
                seen = True
            elif kind == "tbl" and seen:
                return value
        raise AssertionError(f"no table after {label}")


@pytest.fixture(scope="module")
def yanzhou(built):
    return Built(built("yanzhou-2024").result)


# --- content ------------------------------------------------------------------------------------

def test_every_table_label_title_and_published_figure(yanzhou):
    texts = [normalize(text) for _, text in yanzhou.paragraphs]
    for label, title in TABLES:
        assert normalize(label) in texts, label
        assert normalize(title) in texts, title
    cells = {cell for tbl in yanzhou.tables for row in table_rows(tbl) for cell in row}
    for figure in FIGURES:
        assert figure in cells, figure


def test_paragraphs_are_the_html_blocks_in_order(yanzhou):
    expected = [normalize(text) for _, _, text in read_html(yanzhou.html).blocks if normalize(text)]
    actual = [normalize(text) for _, text in yanzhou.paragraphs]
    assert len(expected) > 200
    assert actual == expected


def test_tables_have_the_html_cell_texts(yanzhou):
    expected = [[[normalize(cell) for cell in row] for row in table] for table in read_html(yanzhou.html).tables]
    actual = [table_rows(tbl) for tbl in yanzhou.tables]
    assert len(actual) == len(expected) >= 9
    for index, (mine, theirs) in enumerate(zip(actual, expected)):
        assert mine == theirs, f"table {index + 1}"


def test_docx_text_reads_in_the_pdf_in_the_same_order(built, yanzhou):
    pdf = built("yanzhou-2024").pdf
    pages = [page.get_textpage().get_text_range() for page in pdf]
    # drop the 目录 pages: from the page with the TOC title to the first body heading's page
    toc_title = normalize(read_html_toc_title(yanzhou.html))
    start = next(i for i, text in enumerate(pages) if toc_title in normalize(text))
    targets = [mark.get_dest().get_index() for mark in pdf.get_toc() if mark.get_dest() is not None]
    first_body = min(index for index in targets if index > start)
    kept = pages[:start] + pages[first_body:]
    flat = normalize(re.sub(r"(?m)^\s*— \d+ —\s*$", "", "\n".join(kept)))
    chunks = []
    for kind, value, text in yanzhou.items:
        if kind == "p" and value not in TOC_STYLES:
            chunks.append(normalize(text))
        elif kind == "tbl":
            chunks += [cell for row in table_rows(value) for cell in row]
    position = 0
    for chunk in filter(None, chunks):
        found = flat.find(chunk, position)
        assert found >= 0, f"not in the PDF after position {position}: {chunk[:60]}"
        position = found + len(chunk)


def read_html_toc_title(html: str) -> str:
    match = re.search(r'<h1 class="toc-title">(.*?)</h1>', html)
    assert match
    return match.group(1)


def test_parser_reads_the_tree_weasyprint_reads():
    """docx.py parses with libxml2 for speed; for the composed documents that must be tinyhtml5's tree."""
    import lxml.html
    import tinyhtml5

    def shape(root):
        out = []
        for node in root.iter():
            if not isinstance(node.tag, str) or node.tag.endswith("tbody"):
                continue
            text = re.sub(r"\s+", " ", (node.text or "").strip()), re.sub(r"\s+", " ", (node.tail or "").strip())
            out.append((node.tag.rsplit("}", 1)[-1], tuple(sorted(node.attrib.items())), text))
        return out

    for name in ("yanzhou-2024", "zaozhuang-2024", "shanxi-2024"):
        html = run(INPUTS / name, ("html",)).html
        assert shape(lxml.html.document_fromstring(html)) == shape(tinyhtml5.parse(html)), name


# --- Word structure -----------------------------------------------------------------------------

def test_headings_use_word_heading_styles(yanzhou):
    styles = {}
    for style, text in yanzhou.paragraphs:
        styles.setdefault(normalize(text), style)
    blocks = read_html(yanzhou.html).blocks
    part_titles = [t for tag, cls, t in blocks if tag == "h1" and "part-title" in cls]
    table_titles = [t for tag, cls, t in blocks if tag == "h2" and "table-title" in cls]
    subheads = [t for tag, cls, t in blocks if tag == "h3"]
    assert len(part_titles) == 5 and len(table_titles) == 9 and subheads
    for title in part_titles:
        assert styles[normalize(title)] == "Heading1", title
    for title in table_titles:
        assert styles[normalize(title)] == "Heading2", title
    assert styles[normalize("一、收入支出决算总体情况说明")] == "Heading2"
    assert styles[normalize("（一）收入决算结构情况")] == "Heading3"
    names = {s.style_id: s.name for s in yanzhou.document.styles}
    assert (names["Heading1"], names["Heading2"], names["Heading3"]) == ("Heading 1", "Heading 2", "Heading 3")


def test_toc_field_with_cached_entries_and_bookmarks(yanzhou):
    body = yanzhou.document.element.body
    instructions = [node.text for node in body.iter(qn("w:instrText"))]
    assert any(re.fullmatch(r'\s*TOC \\o "1-2" \\f \\h \\z \\u\s*', text) for text in instructions)
    cached = [normalize(text) for kind, style, text in yanzhou.items if kind == "p" and style in ("TOC1", "TOC2")]
    entries = re.findall(r'<span class="toc-text">(.*?)</span>', yanzhou.html)
    assert len(cached) == len(entries)
    for line, entry in zip(cached, entries):          # the entry, then its page number (the PDF's)
        assert re.fullmatch(re.escape(normalize(entry)) + r"\d+", line), (line, entry)
    bookmarks = {node.get(qn("w:name")) for node in body.iter(qn("w:bookmarkStart"))}
    anchors = [node.get(qn("w:anchor")) for node in body.iter(qn("w:hyperlink"))]
    assert anchors and set(anchors) <= bookmarks


def test_toc_page_numbers_are_the_pdfs_and_table_entries_keep_their_numbering(yanzhou, built):
    pdf = built("yanzhou-2024").pdf
    pages = {title: page + 1 for title, page in ((b.get_title(), b.get_dest().get_index()) for b in pdf.get_toc())}
    body = yanzhou.document.element.body
    lines = {normalize(text): text for kind, style, text in yanzhou.items if kind == "p" and style == "TOC2"}
    line = next(text for key, text in lines.items() if key.startswith("一、收入支出决算总表"))
    assert normalize(line) == f"一、收入支出决算总表{pages['收入支出决算总表']}"
    line = next(text for key, text in lines.items() if key.startswith("三、支出决算情况说明"))
    assert normalize(line) == f"三、支出决算情况说明{pages['三、支出决算情况说明']}"
    # a table's title lacks the 目录's "一、": a TC field carries it for Word's update, the paragraph is out of the
    # outline (no second entry)
    marks = [node.text.strip() for node in body.iter(qn("w:instrText")) if node.text.strip().startswith("TC ")]
    assert 'TC "一、收入支出决算总表" \\l 2' in marks and 'TC "九、财政拨款“三公”经费支出决算表" \\l 2' in marks
    assert len(marks) == 9, marks
    titles = [p for p in body.iter(W_P) if normalize(text_of(p)) == "收入支出决算总表"]
    assert titles and titles[0].find(f"{qn('w:pPr')}/{qn('w:outlineLvl')}").get(qn("w:val")) == "9"
    word = yanzhou.document.settings.element.find(qn("w:updateFields"))
    assert word is not None and word.get(qn("w:val")) == "true"                 # Word refreshes on open


def sections_of(document):
    """(landscape, texts of the section's paragraphs) for every section, in order."""
    sections, texts = [], []
    for child in document.element.body:
        if child.tag == W_P and style_of(child) not in TOC_STYLES:
            texts.append(normalize(text_of(child)))
        sect = child if child.tag == qn("w:sectPr") else child.find(f"{qn('w:pPr')}/{qn('w:sectPr')}")
        if sect is not None:
            size = sect.find(qn("w:pgSz"))
            sections.append((size.get(qn("w:orient")) == "landscape", texts))
            texts = []
    return sections


def test_wide_tables_sit_in_landscape_sections(yanzhou):
    sections = sections_of(yanzhou.document)
    landscape_text = {t for landscape, texts in sections if landscape for t in texts}
    portrait_text = {t for landscape, texts in sections if not landscape for t in texts}
    for title in ("收入决算表", "支出决算表", "一般公共预算财政拨款基本支出决算明细表", "财政拨款“三公”经费支出决算表"):
        assert normalize(title) in landscape_text, title
    projects = [t for tag, cls, t in read_html(yanzhou.html).blocks if "project-title" in cls]
    for title in projects:                                 # .attachment-projects { page: landscape }
        assert normalize(title) in landscape_text, title
    assert normalize("收入支出决算总表") in portrait_text
    assert normalize("一、收入支出决算总体情况说明") in portrait_text       # back to portrait after the tables
    for section, (landscape, _) in zip(yanzhou.document.sections, sections):
        long, short = max(section.page_width, section.page_height), min(section.page_width, section.page_height)
        assert abs(long - docx.shared.Mm(297)) < docx.shared.Mm(0.1) and abs(short - docx.shared.Mm(210)) < docx.shared.Mm(0.1)
        assert (section.page_width > section.page_height) == landscape


def footer_fields(section) -> str:
    return "".join(node.text or "" for p in section.footer.paragraphs for node in p._p.iter(qn("w:instrText")))


def test_page_setup_and_footer_from_the_profile(yanzhou):
    document = yanzhou.document
    sections = sections_of(document)

    def section_with(text):
        return next(s for s, (_, texts) in zip(document.sections, sections) if normalize(text) in texts)

    body = section_with("第一部分 部门概况")
    for side, mm in (("top", 37), ("right", 26), ("bottom", 35), ("left", 28)):
        assert abs(getattr(body, f"{side}_margin") - docx.shared.Mm(mm)) < docx.shared.Mm(0.1), side
    assert footer_fields(body).strip() == "PAGE"
    footer = body.footer.paragraphs[0]
    assert normalize(footer.text) == normalize("— 1 —")                 # cached PAGE result between the dashes
    assert style_is_centred(document, footer.style.style_id)
    assert footer_fields(section_with("2024年度济宁市兖州区社会治理服务中心部门决算")) == ""   # the cover
    assert footer_fields(section_with("第三部分 2024年度部门决算情况说明")).strip() == "PAGE"


def style_by_id(document, style_id: str):
    return next(style for style in document.styles if style.style_id == style_id)


def style_is_centred(document, style_id: str) -> bool:
    return style_by_id(document, style_id).paragraph_format.alignment == docx.enum.text.WD_ALIGN_PARAGRAPH.CENTER


def test_header_rows_repeat_and_rows_do_not_split(yanzhou):
    for tbl in yanzhou.tables:
        rows = list(tbl.iter(qn("w:tr")))
        assert all(tr.find(f"{qn('w:trPr')}/{qn('w:cantSplit')}") is not None for tr in rows)
    summary = yanzhou.table_after("公开01表")
    flags = [tr.find(f"{qn('w:trPr')}/{qn('w:tblHeader')}") is not None for tr in summary.iter(qn("w:tr"))]
    assert flags[:3] == [True, True, True] and not any(flags[3:])


def test_merged_cells(yanzhou):
    def spans(tbl):
        return [int(n.get(qn("w:val"))) for n in tbl.iter(qn("w:gridSpan"))]

    for label in ("公开01表", "公开04表", "公开06表"):
        assert max(spans(yanzhou.table_after(label)), default=1) >= 3, label
    income = yanzhou.table_after("公开02表")
    merges = [n.get(qn("w:val")) for n in income.iter(qn("w:vMerge"))]
    assert "restart" in merges and None in merges          # rowspan="2" headers


def test_cell_alignment_follows_the_pdf(yanzhou):
    summary = yanzhou.table_after("公开01表")
    row = list(summary.iter(qn("w:tr")))[3]                # 一、一般公共预算财政拨款收入 | 1 | 336.88 | …
    jc = []
    for tc in row.iter(qn("w:tc")):
        node = tc.find(f"{qn('w:p')}/{qn('w:pPr')}/{qn('w:jc')}")
        jc.append(node.get(qn("w:val")) if node is not None else "style")
    assert jc[1] == "center" and jc[2] == "right" and jc[0] == "style"


def test_draft_marks_follow_the_css(yanzhou):
    """body.draft td.flagged is shaded and the validation table's error cells are red, as in the PDF."""
    result = yanzhou.result
    marker = '<td class="num">336.88</td>'
    assert marker in result.html
    html = result.html.replace(marker, '<td class="num flagged">336.88</td>', 1)
    document = docx.Document(io.BytesIO(docx_bytes(html, result.profile, result.loaded.base_dir)))
    shaded = [text_of(tc) for tc in document.element.body.iter(qn("w:tc"))
              if tc.find(f"{qn('w:tcPr')}/{qn('w:shd')}") is not None]
    assert shaded == ["336.88"]
    fills = {n.get(qn("w:fill")) for n in document.element.body.iter(qn("w:shd"))}
    assert fills == {"FFD6D6"}
    red = [text_of(r) for r in document.element.body.iter(qn("w:r"))
           if r.find(f"{qn('w:rPr')}/{qn('w:color')}") is not None]
    assert red == ["错误"] * html.count('<tr class="error">')


def test_east_asian_fonts_in_styles(yanzhou):
    def east_asia(style_id):
        fonts = style_by_id(yanzhou.document, style_id).element.find(f"{qn('w:rPr')}/{qn('w:rFonts')}")
        return fonts.get(qn("w:eastAsia")), fonts.get(qn("w:ascii"))

    assert east_asia("Normal") == ("仿宋_GB2312", "Times New Roman")
    assert east_asia("Heading1")[0] == "黑体"
    assert east_asia("Heading3")[0] == "楷体_GB2312"
    assert east_asia("Title")[0] == "方正小标宋简体"
    assert style_by_id(yanzhou.document, "Normal").font.size == docx.shared.Pt(15)     # print.css html
    line = style_by_id(yanzhou.document, "Normal").element.find(f"{qn('w:pPr')}/{qn('w:spacing')}")
    assert (line.get(qn("w:line")), line.get(qn("w:lineRule"))) == ("525", "exact")          # 15pt × 1.75
    assert style_by_id(yanzhou.document, "TableText").font.size == docx.shared.Pt(10.5)


def test_body_paragraphs_indent_two_characters(yanzhou):
    ind = style_by_id(yanzhou.document, "BodyText").element.find(f"{qn('w:pPr')}/{qn('w:ind')}")
    assert ind.get(qn("w:firstLineChars")) == "200"
    styles = [style for style, text in yanzhou.paragraphs if text.startswith("2024年度收、支总计均为")]
    assert styles == ["BodyText"]


# --- drafts, pictures, bytes --------------------------------------------------------------------

def test_placeholder_run_is_highlighted(tmp_path):
    copy = tmp_path / "zaozhuang"
    shutil.copytree(INPUTS / "zaozhuang-2024", copy)
    lines = (copy / "narrative.yaml").read_text(encoding="utf-8").splitlines()
    start = lines.index("reasons:")
    del lines[next(i for i in range(start, len(lines)) if lines[i].startswith("  total:"))]
    (copy / "narrative.yaml").write_text("\n".join(lines) + "\n", encoding="utf-8")
    result = run(copy, ("html",))
    document = docx.Document(io.BytesIO(docx_bytes(result.html, result.profile, result.loaded.base_dir)))
    wanted = "【待补充：收、支总计变动的主要原因】"
    runs = [r for p in document.paragraphs for r in p.runs if wanted in r.text]
    assert runs, "placeholder text missing"
    assert all(r.font.highlight_color == docx.enum.text.WD_COLOR_INDEX.YELLOW for r in runs)
    plain = [r for p in document.paragraphs for r in p.runs if "收、支总计均为" in r.text]
    assert plain and all(r.font.highlight_color is None for r in plain)


def pictures(document):
    """(paragraph index, inline shape, image bytes) for every picture in the body."""
    out = []
    paragraphs = document.paragraphs
    for index, paragraph in enumerate(paragraphs):
        for inline in paragraph._p.iter(qn("wp:inline")):
            blip = inline.graphic.graphicData.pic.blipFill.blip
            out.append((index, docx.shape.InlineShape(inline), document.part.related_parts[blip.embed].blob))
    return out


def test_charts_are_their_pngs_centred_above_their_captions(yanzhou):
    figures = re.findall(r'<figure[^>]*>.*?data-png="data:image/png;base64,([^"]+)".*?<figcaption>(.*?)</figcaption>',
                         yanzhou.html, re.S)
    found = pictures(yanzhou.document)
    assert len(found) == len(figures)
    paragraphs = yanzhou.document.paragraphs
    text_width = min(s.page_width - s.left_margin - s.right_margin for s in yanzhou.document.sections)
    for (index, shape, blob), (png, caption) in zip(found, figures):
        assert blob == base64.b64decode(png)
        assert style_is_centred(yanzhou.document, paragraphs[index].style.style_id)
        assert normalize(paragraphs[index + 1].text) == normalize(caption)
        from PIL import Image
        pixels = Image.open(io.BytesIO(blob)).size[0]
        assert pixels / shape.width.inches >= 199.5, caption        # prints at 200 dpi (to the pixel)
        assert shape.width <= text_width


def test_figure_size_comes_from_its_svg(built):
    from PIL import Image

    result = built("yanzhou-2024").result
    buffer = io.BytesIO()
    Image.new("RGB", (1000, 500), "white").save(buffer, "PNG", dpi=(200, 200))     # 5 in × 2.5 in
    png = buffer.getvalue()
    svg = b'<svg xmlns="http://www.w3.org/2000/svg" width="480" height="240" viewBox="0 0 480 240"></svg>'
    figure = (f'<figure><img src="data:image/svg+xml;base64,{base64.b64encode(svg).decode()}" '
              f'data-png="data:image/png;base64,{base64.b64encode(png).decode()}" alt="示例">'
              f'<figcaption>示例图 收入决算结构</figcaption></figure>')
    anchor = "<h3>（二）收入决算具体情况</h3>"
    assert anchor in result.html
    html = result.html.replace(anchor, figure + anchor, 1)
    document = docx.Document(io.BytesIO(docx_bytes(html, result.profile, result.loaded.base_dir)))
    [(index, shape, _)] = [item for item in pictures(document) if item[2] == png]
    assert shape.width == docx.shared.Pt(360) and shape.height == docx.shared.Pt(180)   # 480 × 240 CSS px
    paragraphs = document.paragraphs
    assert paragraphs[index + 1].text == "示例图 收入决算结构"
    assert paragraphs[index + 2].text == "（二）收入决算具体情况"


def test_same_html_same_bytes(yanzhou):
    again = yanzhou.data
    result = yanzhou.result
    assert docx_bytes(result.html, result.profile, result.loaded.base_dir) == again
    with zipfile.ZipFile(io.BytesIO(again)) as archive:
        names = archive.namelist()
        assert names[0] == "[Content_Types].xml"
        assert {info.date_time for info in archive.infolist()} == {(2025, 9, 30, 0, 0, 0)}
        assert "docProps/thumbnail.jpeg" not in names


def test_core_properties_from_the_html_head(yanzhou):
    props = yanzhou.document.core_properties
    assert props.title == "2024年度济宁市兖州区社会治理服务中心部门决算"
    assert props.author == props.last_modified_by == "济宁市兖州区社会治理服务中心"
    assert props.created.date().isoformat() == props.modified.date().isoformat() == "2025-09-30"
    assert props.revision == 1
    assert "python-docx" not in (props.comments or "")


# --- a real client -------------------------------------------------------------------------------

def test_libreoffice_opens_it(tmp_path, yanzhou, built):
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if not soffice:
        message = "LibreOffice (soffice) is missing: apt-get install libreoffice-writer-nogui"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    source = tmp_path / "publication.docx"
    source.write_bytes(yanzhou.data)
    # the aliases `juesuan doctor --fontconfig` writes, as a user would put them in ~/.config/fontconfig
    from generator.fonts.doctor import fontconfig_aliases

    aliases = fontconfig_aliases(yanzhou.result.profile.settings)
    conf = tmp_path / "fonts.conf"
    conf.write_text(aliases.replace("<fontconfig>", '<fontconfig><include ignore_missing="yes">/etc/fonts/fonts.conf'
                                    "</include>"), encoding="utf-8")
    subprocess.run([soffice, f"-env:UserInstallation={(tmp_path / 'lo-profile').as_uri()}", "--headless",
                    "--convert-to", "pdf", "--outdir", str(tmp_path), str(source)],
                   check=True, capture_output=True, timeout=240, env={**os.environ, "FONTCONFIG_FILE": str(conf)})
    import pikepdf

    with pikepdf.open(tmp_path / "publication.pdf") as lo_pdf:
        faces = {str(font.BaseFont) for page in lo_pdf.pages for font in page.Resources.get("/Font", {}).values()}
    # 仿宋_GB2312 → FangSong → Noto Serif CJK SC, 黑体 → SimHei → Noto Sans CJK SC, 楷体_GB2312 → AR PL UKai CN
    assert any("NotoSerifCJK" in face for face in faces) and any("UKai" in face for face in faces), faces
    converted = pdfium.PdfDocument((tmp_path / "publication.pdf").read_bytes())
    pages = [page.get_textpage().get_text_range() for page in converted]
    text = normalize("\n".join(pages))
    for label, title in TABLES:
        assert normalize(title) in text and normalize(label) in text, title
    for entry in re.findall(r'<span class="toc-text">(.*?)</span>', yanzhou.html):
        assert normalize(entry) in text, entry
    assert len(pages) > 30
    pdf_pages = len(built("yanzhou-2024").pages)
    assert abs(len(pages) - pdf_pages) <= 0.03 * pdf_pages, (len(pages), pdf_pages)
    # the 目录 shows entries with page numbers before any field update
    toc = normalize(next(page for page in pages if "目" in page and "收入支出决算总表" in page))
    assert re.search(r"一、收入支出决算总表\.+5二、收入决算表\.+6", toc), toc      # leader dots, page
    widths = {round(page.get_size()[0]) for page in converted}
    assert widths == {595, 842}                               # A4 portrait and A4 landscape pages

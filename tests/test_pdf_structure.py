"""Bookmarks, metadata, embedded fonts, glyph coverage and byte-for-byte determinism."""
from __future__ import annotations

import io
import re

import pdfplumber

from conftest import INPUTS
from generator.pipeline import run
from generator.checks import check
from generator.facts.compute import compute
from generator.fonts import missing_glyphs
from generator.input.load import load


def bookmarks(doc):
    return [(b.level, b.get_title(), b.get_dest().get_index()) for b in doc.get_toc()]


def test_bookmarks_cover_parts_sections_and_tables(built):
    b = built("yanzhou-2024")
    marks = bookmarks(b.pdf)
    titles = [t for _, t, _ in marks]
    parts = [t for level, t, _ in marks if level == 0]
    assert parts == ["第一部分 部门概况", "第二部分 2024年度部门决算表", "第三部分 2024年度部门决算情况说明",
                     "第四部分 名词解释", "第五部分 附件"]
    assert "财政拨款“三公”经费支出决算表" in titles and "十三、预算绩效情况说明" in titles
    table_mark = next(page for _, t, page in marks if t == "一般公共预算财政拨款基本支出决算明细表")
    assert "公开06表" in b.pages[table_mark]


def test_toc_page_numbers_point_at_the_headings(built):
    b = built("zaozhuang-2024")
    with pdfplumber.open(io.BytesIO(b.pdf_bytes)) as pdf:   # lines in visual order (numbers are floats)
        toc = "\n".join(pdf.pages[i].extract_text() for i in (1, 2))
    for level, title, page in bookmarks(b.pdf):
        if level > 1:   # sub-headings are bookmarks but, as in the seeds, not 目录 lines
            continue
        line = next((l for l in toc.splitlines() if title in l), None)
        assert line is not None, title
        assert re.search(rf"{re.escape(title)}\s*{page + 1}(?!\d)", line), (title, line)


def test_metadata_from_the_input(built):
    meta = built("zaozhuang-2024").pdf.get_metadata_dict()
    assert meta["Title"] == "2024年度枣庄市人民政府办公室本级决算"
    assert meta["Author"] == "枣庄市人民政府办公室本级"
    assert meta["CreationDate"].startswith("D:20250930")


def test_all_fonts_embedded_as_subsets(built):
    with pdfplumber.open(io.BytesIO(built("yanzhou-2024").pdf_bytes)) as pdf:
        names = {c["fontname"] for page in pdf.pages for c in page.chars}
    assert names
    assert all(re.match(r"^[A-Z]{6}\+", n) for n in names), names
    families = {n.split("+", 1)[1] for n in names}
    # the text is printed from the families' common parts (fonts/parts.py)
    assert {"Noto-Serif-CJK-SC-juesuan", "Noto-Sans-CJK-SC-juesuan", "AR-PL-UKai-CN-juesuan"} <= \
        {re.sub(r"-[0-9a-f]{10}(-Bold)?$", "", name) for name in families}, families
    # the profile's families only: nothing substituted by fontconfig
    assert {re.sub(r"-juesuan-[0-9a-f]{10}", "", name) for name in families} == \
        {"Noto-Serif-CJK-SC", "Noto-Sans-CJK-SC-Bold", "Noto-Serif-CJK-SC-Bold", "AR-PL-UKai-CN"}, families


def test_metadata_names_the_font_files_with_their_hashes(built):
    import pikepdf

    from generator import fonts

    with pikepdf.open(io.BytesIO(built("yanzhou-2024").pdf_bytes)) as pdf:
        recorded = str(pdf.docinfo["/JuesuanFonts"])
    body = fonts.face_for("Noto Serif CJK SC")
    assert f"body=Noto Serif CJK SC NotoSerifCJK-Regular.ttc#2 sha256={fonts.sha256(body.file)}" in recorded
    assert "title=Noto Serif CJK SC:bold NotoSerifCJK-Bold.ttc#2" in recorded
    assert "heading2=AR PL UKai CN ukai.ttc#0" in recorded


def test_every_input_character_has_a_glyph():
    for name in ("yanzhou-2024", "zaozhuang-2024", "shanxi-2024"):
        loaded = load(INPUTS / name)
        assert not [f for f in check(loaded, compute(loaded.unit)) if f.rule == "glyphs"], name


def test_missing_glyph_is_reported():
    assert missing_glyphs("兖州\U000F0001", {}) == ["\U000F0001"]      # a private-use plane: no font has it
    assert missing_glyphs("兖州𫖯𬌗𬭚", {}) == []                        # Ext-B that Noto Serif CJK SC draws


def test_same_input_gives_identical_pdf_bytes():
    first = run(INPUTS / "zaozhuang-2024", ("pdf",)).outputs["pdf"]
    second = run(INPUTS / "zaozhuang-2024", ("pdf",)).outputs["pdf"]
    assert first == second
    assert b"/tmp" not in first and b"/root" not in first and b"/home" not in first


def test_a_family_that_is_not_installed_fails_loudly_naming_it():
    import pytest

    from generator import fonts

    with pytest.raises(fonts.FontError, match="找不到字体“方正不存在体”.*JUESUAN_FONTS"):
        fonts.faces({"fonts": {"body": "方正不存在体"}})

"""The PDF lays text out in each pinned role's common part, with the role's whole face behind it."""
from __future__ import annotations

import io
import os
import re
from pathlib import Path

import pdfplumber
import uharfbuzz as hb

from generator import fonts
from generator.pipeline import run
from generator.fonts.order import gb2312
from generator.profile import resolve
from generator.render.pdf.fallback import with_whole_faces, with_whole_faces_inline
from generator.render.pdf.engine import Engine, pdf_bytes

INPUTS = Path(__file__).resolve().parent.parent / "inputs"
RARE = "䶮堃喆"          # outside GB 2312, in every pinned face


def _shaped(path: Path, text: str, language: str | None):
    font = hb.Font(hb.Face(hb.Blob.from_file_path(str(path))))
    buf = hb.Buffer()
    buf.add_str(text)
    buf.guess_segment_properties()
    if language:
        buf.language = language
    hb.shape(font, buf, {})
    return [(info.cluster, pos.x_advance, pos.x_offset, pos.y_offset)
            for info, pos in zip(buf.glyph_infos, buf.glyph_positions)]


def test_a_common_part_shapes_a_publication_exactly_as_the_whole_face():
    html = run(INPUTS / "yanzhou-2024", ("html",)).html
    text = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))
    pieces = [text[i:i + 300] for i in range(0, len(text), 300)] + ["——", "……", "（一）", "≥95%", "①②", "Ab.1,234.56"]
    whole, common = fonts.prepared_fonts(), fonts.common_fonts()
    for role in whole:
        for language in (None, "zh-Hans"):
            for piece in pieces:
                assert _shaped(common[role], piece, language) == _shaped(whole[role], piece, language), (role, piece)


def test_a_common_part_holds_gb2312_and_is_a_fraction_of_the_whole_face():
    for role, path in fonts.common_fonts().items():
        font = hb.Font(hb.Face(hb.Blob.from_file_path(str(path))))
        assert all(font.get_nominal_glyph(point) for point in gb2312() if 0x4E00 <= point <= 0x9FFF), role
        assert not any(font.get_nominal_glyph(ord(ch)) for ch in RARE), role
        assert os.path.getsize(path) < os.path.getsize(fonts.prepared_fonts()[role]) / 2.5, role


def test_every_family_list_naming_a_role_gets_its_whole_face_and_nothing_else_changes():
    css = with_whole_faces(':root { --font-body: "JS Serif"; } p { font-family: JS Kai, serif !important; '
                           'font: bold 12pt/1.5 "JS Sans Bold"; content: "JS Serif"; color: red } '
                           '@page { @bottom-center { font-family: "Other", "JS Serif Bold" } }')
    assert '--font-body:"JS Serif", "JS Serif Full";' in css.replace(': ', ':')
    assert 'font-family: JS Kai, "JS Kai Full", serif !important;' in css
    assert 'font: bold 12pt/1.5 "JS Sans Bold", "JS Sans Bold Full";' in css
    assert 'content: "JS Serif";' in css and "color: red" in css
    assert '"Other", "JS Serif Bold", "JS Serif Bold Full"' in css
    assert with_whole_faces_inline("font-family: 'JS Kai'; text-indent: 2em") == \
        'font-family: "JS Kai", "JS Kai Full"; text-indent: 2em;'
    assert with_whole_faces_inline('font-family: "JS Serif Full"') == 'font-family: "JS Serif Full";'
    face = '@font-face { font-family: "JS Kai"; src: url(kai.otf) }'
    assert with_whole_faces(face) == face                             # a profile's own face for a role


def test_rare_characters_come_from_each_roles_whole_face_in_the_pdf():
    engine = Engine(resolve("base", "."))
    html = ("<html><body>" + "".join(f'<p style="font-family: {family}">兖州{RARE}</p>' for family in (
        "var(--font-body)", "var(--font-heading1)", "var(--font-heading2)", "var(--font-title)", "'JS Kai'"))
        .replace("font-family: 'JS", "FONT-FAMILY: 'JS")
        + "</body></html>")
    with pdfplumber.open(io.BytesIO(pdf_bytes(engine.render(html, INPUTS / "yanzhou-2024")))) as document:
        chars = [(c["text"], c["fontname"].split("+")[-1]) for c in document.pages[0].chars if c["text"] in "兖" + RARE]
    assert len(chars) == 5 * 4
    for index in range(0, len(chars), 4):
        (_, common), *rare = chars[index:index + 4]
        assert common.startswith("JS-") and "Full" not in common, chars
        assert [text for text, _ in rare] == list(RARE)
        assert {font for _, font in rare} == {common.split(",")[0] + "-Full" + ("-Bold" if "Bold" in common else "")}

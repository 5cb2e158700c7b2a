"""The extracted pinned faces number common glyphs first and draw every character as the Debian font does."""
from __future__ import annotations

import uharfbuzz as hb
from fontTools.pens.recordingPen import RecordingPen

from generator import fonts
from generator.fonts import order as font_order

# common (GB 2312) text from seed 000, full-width punctuation, and rare characters outside GB 2312
COMMON = "2024年度济宁市兖州区社会治理服务中心部门决算财政拨款收入支出，（一）“三公”经费336.88万元%"
RARE = "䶮堃旻喆玥昇冇"


def _font(path: str, index: int = 0) -> hb.Font:
    return hb.Font(hb.Face(hb.Blob.from_file_path(path), index))


def _drawing(font: hb.Font, glyph: int):
    pen = RecordingPen()
    font.draw_glyph_with_pen(glyph, pen)
    return pen.value, font.get_glyph_h_advance(glyph)


def test_common_glyphs_come_first_and_every_glyph_draws_as_in_the_debian_font():
    prepared = fonts.prepared_fonts()
    limit = len(font_order.gb2312())          # every GB 2312 character's glyph sits below this id
    for face in fonts.FACES:
        original, extracted = _font(face.source, face.index), _font(str(prepared[face.role]))
        common = [extracted.get_nominal_glyph(ord(ch)) for ch in COMMON]
        assert all(common) and max(common) < limit, face.role
        rare = [ch for ch in RARE if original.get_nominal_glyph(ord(ch))]
        assert any(extracted.get_nominal_glyph(ord(ch)) >= limit for ch in rare), face.role   # still covered
        for ch in COMMON + RARE:
            if original.get_nominal_glyph(ord(ch)):
                assert _drawing(extracted, extracted.get_nominal_glyph(ord(ch))) == \
                    _drawing(original, original.get_nominal_glyph(ord(ch))), (face.role, ch)


def test_without_the_c_api_the_face_is_extracted_in_its_original_order(monkeypatch, tmp_path):
    face = fonts.FACES[0]
    monkeypatch.setattr(font_order, "_harfbuzz", lambda: None)
    data = font_order.extract(face.source, face.index, set(range(0x4E00, 0x4E80)), fonts.FEATURES)
    path = tmp_path / "plain.otf"
    path.write_bytes(data)
    original, plain = _font(face.source, face.index), _font(str(path))
    glyphs = [(original.get_nominal_glyph(point), plain.get_nominal_glyph(point)) for point in range(0x4E00, 0x4E80)]
    present = sorted(pair for pair in glyphs if pair[0])
    assert [new for _, new in present] == sorted(new for _, new in present)   # relative order kept
    assert _drawing(plain, present[5][1]) == _drawing(original, present[5][0])

"""The families' common parts (generator/fonts/parts.py): same glyphs and advances as the whole face, a rare
character still printed from the whole face, damaged parts made again, and the PDF the same whether or not
the cache can be used."""
from __future__ import annotations

import io
import os
import subprocess
import sys

import pikepdf
import pypdfium2 as pdfium
import pytest
import uharfbuzz as hb

from conftest import ROOT, edited_clean
from generator import fonts
from generator.fonts import parts

RARE = "滿"          # not in GB 2312: outside every part


def _part_file(family: str):
    name = parts.part_family(family)
    assert name and name.startswith(family + " juesuan ")
    listed = fonts.find.run_fc(["list", "--format", "%{file}\t%{index}\t%{style}\n", name]).splitlines()
    assert listed, "fontconfig lists the part"
    return name, [line.split("\t") for line in listed]


@pytest.mark.parametrize("spec", ["Noto Serif CJK SC", "Noto Serif CJK SC:bold", "AR PL UKai CN"])
def test_part_shapes_as_the_whole_face(spec):
    family, bold = fonts.parse(spec)
    _, listed = _part_file(family)
    whole = fonts.face_for(spec)
    part_file = next(file for file, _, style in listed if ("Bold" in style) == bold)
    text = "2024年度部门决算：收入合计1,234.56万元，比上年增长（减少）12.34%。“三公”经费"

    def shaped(path, index):
        font = hb.Font(hb.Face(hb.Blob.from_file_path(path), index))
        buffer = hb.Buffer()
        buffer.add_str(text)
        buffer.guess_segment_properties()
        hb.shape(font, buffer, {"kern": True, "liga": True, "palt": True})
        return [(p.x_advance, p.y_advance, p.x_offset) for p in buffer.glyph_positions], len(buffer.glyph_infos)

    assert shaped(part_file, 0) == shaped(whole.file, whole.index)
    part_points = set(hb.Face(hb.Blob.from_file_path(part_file), 0).unicodes)
    assert part_points <= parts.common_points() and len(part_points) > 7000      # GB 2312's hanzi and more
    assert ord(RARE) not in part_points and ord(RARE) in fonts.unicodes(whole)


def test_part_is_named_only_by_its_own_family():
    name, listed = _part_file("Noto Serif CJK SC")
    scanned = fonts.find.run_fc(["scan", "--format", "%{family}\n", *(file for file, _, _ in listed)])
    assert set(scanned.split()) >= set(name.split()) and "Noto Serif CJK SC\n" not in scanned + "\n"
    assert all(line.strip() == name for line in scanned.splitlines())


def test_rare_character_prints_from_the_whole_face(tmp_path):
    from generator.pipeline import run

    unit = edited_clean(tmp_path, lambda data: data["unit"].update(name=data["unit"]["name"] + RARE))
    pdf = run(unit, ("pdf",)).outputs["pdf"]
    text = pdfium.PdfDocument(pdf)[0].get_textpage().get_text_range()
    assert RARE in text
    document = pikepdf.open(io.BytesIO(pdf))
    names = {str(font.BaseFont) for font in document.objects
             if isinstance(font, pikepdf.Dictionary) and font.get("/Subtype") == "/Type0"}
    assert any("juesuan" in name for name in names) and any("juesuan" not in name for name in names), names


def test_damaged_part_is_made_again(tmp_path):
    """A garbled part is removed and extracted again before fontconfig loads it (fresh process, own cache)."""
    env = {**os.environ, "JUESUAN_CACHE": str(tmp_path / "cache")}
    script = "from generator.fonts.parts import part_family; print(part_family('AR PL UKai CN'))"
    first = subprocess.run([sys.executable, "-c", script], cwd=ROOT, env=env, capture_output=True, text=True,
                           check=True)
    stored = list((tmp_path / "cache" / "fonts" / "parts").iterdir())
    assert len(stored) == 1 and first.stdout.startswith("AR PL UKai CN juesuan ")
    good = stored[0].read_bytes()
    stored[0].write_bytes(good[:1000])                      # truncated, as by a power cut during a copy
    again = subprocess.run([sys.executable, "-c", script], cwd=ROOT, env=env, capture_output=True, text=True,
                           check=True)
    assert again.stdout == first.stdout
    assert "已丢弃并重新生成" in again.stderr
    assert stored[0].read_bytes() == good


def test_same_pdf_without_a_usable_cache(tmp_path):
    """Parts go to a private temporary directory when the cache cannot be used: the PDF's bytes are the same."""
    (tmp_path / "file").write_text("x")
    env = {**os.environ, "JUESUAN_CACHE": str(tmp_path / "file" / "cache")}
    out = tmp_path / "out"
    done = subprocess.run([sys.executable, "-m", "generator", "build", "inputs/shanxi-2024", "-o", str(out),
                           "--to", "pdf"], cwd=ROOT, env=env, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    assert "无法使用" in done.stderr
    reference = tmp_path / "reference"
    subprocess.run([sys.executable, "-m", "generator", "build", "inputs/shanxi-2024", "-o", str(reference),
                    "--to", "pdf"], cwd=ROOT, check=True, capture_output=True, timeout=300)
    assert next(out.glob("*.pdf")).read_bytes() == next(reference.glob("*.pdf")).read_bytes()

"""Fonts from a directory (--fonts DIR / JUESUAN_FONTS): the same faces in other files build the same text,
the PDF's metadata names the directory's files, and Extension-B characters print from the chosen font."""
from __future__ import annotations

import io
import os

import pikepdf
import pypdfium2 as pdfium
import pytest
from click.testing import CliRunner
from fontTools.ttLib import TTFont

from conftest import INPUTS
from generator import fonts
from generator.cli import main

FACES = {"NotoSerifCJKsc-Regular.otf": "Noto Serif CJK SC", "NotoSerifCJKsc-Bold.otf": "Noto Serif CJK SC:bold",
         "NotoSansCJKsc-Bold.otf": "Noto Sans CJK SC:bold", "ukai-cn.ttf": "AR PL UKai CN"}


@pytest.fixture(scope="module")
def font_dir(tmp_path_factory):
    """Each face of the installed collections saved as a file of its own: the same glyphs, other bytes."""
    folder = tmp_path_factory.mktemp("fonts")
    for name, spec in FACES.items():
        face = fonts.face_for(spec)
        TTFont(face.file, fontNumber=face.index).save(folder / name)
    return folder


def _pages(data: bytes) -> list[str]:
    document = pdfium.PdfDocument(data)
    return [page.get_textpage().get_text_range() for page in document]


@pytest.fixture(scope="module")
def builds(font_dir, tmp_path_factory):
    out = {}
    for label, directory in (("system", None), ("dir", font_dir)):
        target = tmp_path_factory.mktemp(label)
        args = ["build", str(INPUTS / "shanxi-2024"), "-o", str(target), "--to", "pdf"]
        if directory:
            args += ["--fonts", str(directory)]
        saved = os.environ.get("JUESUAN_FONTS")
        try:
            result = CliRunner().invoke(main, args)
        finally:
            if saved is None:
                os.environ.pop("JUESUAN_FONTS", None)
            else:
                os.environ["JUESUAN_FONTS"] = saved
            fonts.activate()
        assert result.exit_code == 0, result.output
        if directory:                        # a build with other fonts says which files it used
            assert f"body Noto Serif CJK SC ← {directory / 'NotoSerifCJKsc-Regular.otf'}" in result.output
        out[label] = next(target.glob("*.pdf")).read_bytes()
    return out


def test_same_faces_in_other_files_build_the_same_text(builds):
    assert _pages(builds["dir"]) == _pages(builds["system"])


def test_metadata_names_the_directorys_files(builds, font_dir):
    with pikepdf.open(io.BytesIO(builds["dir"])) as pdf:
        recorded = str(pdf.docinfo["/JuesuanFonts"])
    digest = fonts.sha256(str(font_dir / "NotoSerifCJKsc-Regular.otf"))
    assert f"body=Noto Serif CJK SC NotoSerifCJKsc-Regular.otf#0 sha256={digest}" in recorded
    assert "heading2=AR PL UKai CN ukai-cn.ttf#0" in recorded
    with pikepdf.open(io.BytesIO(builds["system"])) as pdf:
        assert "NotoSerifCJK-Regular.ttc#2" in str(pdf.docinfo["/JuesuanFonts"])


def test_a_missing_directory_is_a_usage_error(tmp_path):
    result = CliRunner().invoke(main, ["build", str(INPUTS / "shanxi-2024"), "-o", str(tmp_path),
                                       "--fonts", str(tmp_path / "nowhere")])
    assert result.exit_code == 2 and "nowhere" in result.output


def test_extension_b_characters_print_in_the_chosen_font():
    from weasyprint import HTML

    html = '<p style="font-family: \'Noto Serif CJK SC\'">兖州𫖯𬌗𬭚</p>'
    data = HTML(string=html).write_pdf()
    assert "𫖯𬌗𬭚" in _pages(data)[0]
    with pikepdf.open(io.BytesIO(data)) as pdf:
        names = {str(font.BaseFont) for page in pdf.pages for font in page.Resources.Font.values()}
    assert all(name.endswith("Noto-Serif-CJK-SC") for name in names), names
    assert fonts.missing_glyphs("𫖯𬌗𬭚", {}) == []

"""Fonts by family: each role found through fontconfig, glyph coverage instead of file hashes (a missing
character is an error naming it, its field and a font that has it), Extension-B printable."""
from __future__ import annotations

import shutil

from click.testing import CliRunner

from conftest import INPUTS
from generator import fonts
from generator.cli import main


def test_each_role_resolves_to_the_debian_default_faces():
    chosen = fonts.faces({})
    assert (chosen["body"].file.endswith("NotoSerifCJK-Regular.ttc"), chosen["body"].index) == (True, 2)
    assert chosen["title"].file.endswith("NotoSerifCJK-Bold.ttc") and chosen["title"].bold
    assert chosen["heading1"].file.endswith("NotoSansCJK-Bold.ttc")
    assert chosen["heading2"].file.endswith("ukai.ttc") and chosen["heading2"].index == 0


def test_legacy_role_names_still_mean_the_same_faces():
    assert fonts.faces({"fonts": {"body": "JS Serif", "title": "JS Serif Bold"}}) == fonts.faces({})


def test_coverage_reaches_extension_a_and_b():
    covered = fonts.covered_codepoints({})
    assert {0x3400, 0x4DB5, 0x2B5AF, 0x2C317, 0x2CB5A} <= covered          # 㐀 䶵 𫖯 𬌗 𬭚
    assert fonts.missing_glyphs("兖州𫖯𬌗𬭚", {}) == []


def test_a_character_the_fonts_lack_is_an_error_naming_it_its_field_and_a_font_that_has_it(tmp_path):
    unit = tmp_path / "unit"
    shutil.copytree(INPUTS / "shanxi-2024", unit)
    text = (unit / "unit.yaml").read_text(encoding="utf-8")
    (unit / "unit.yaml").write_text(text.replace("name: 山西省政务服务投诉举报中心", "name: 山西省政务服务投诉举报中心Ą", 1),
                                    encoding="utf-8")
    result = CliRunner().invoke(main, ["validate", str(unit)])
    assert result.exit_code == 1, result.output
    line = next(line for line in result.output.splitlines() if "Ą（U+0104）" in line)
    assert "unit.name" in line and "Noto Serif CJK SC" in line and "AR PL UKai CN" in line, line

"""`juesuan doctor`: the fonts of each role with their GB 2312 coverage, and a fix per failed check."""
from __future__ import annotations

from click.testing import CliRunner

from generator.cli import main


def test_doctor_reports_each_role_with_its_file_and_coverage():
    result = CliRunner().invoke(main, ["doctor"])
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    body = next(line for line in lines if "字体：body" in line)
    assert body.startswith("✓") and "Noto Serif CJK SC" in body and "NotoSerifCJK-Regular.ttc#2" in body
    assert "GB 2312 覆盖 100.0%" in body
    assert any(line.startswith("✓ WeasyPrint / Pango") for line in lines)
    assert any("libharfbuzz-subset 已找到" in line for line in lines)


def test_a_missing_font_is_a_cross_with_the_install_command_per_platform(tmp_path):
    profile = tmp_path / "odd"
    profile.mkdir()
    (profile / "profile.yaml").write_text("name: odd\ndescription: 测试\nextends: base\nfonts:\n  body: 方正不存在体\n",
                                          encoding="utf-8")
    result = CliRunner().invoke(main, ["doctor", "--profile", str(profile)])
    assert result.exit_code == 1, result.output
    assert "✗ 字体：body" in result.output and "方正不存在体：未安装" in result.output
    assert "Debian/Ubuntu/统信UOS：sudo apt-get install fonts-noto-cjk fonts-arphic-ukai" in result.output
    assert "Fedora/麒麟：sudo dnf install google-noto-serif-cjk-fonts" in result.output
    assert "macOS：brew install" in result.output and "Windows：" in result.output


def test_fontconfig_aliases_lead_each_word_font_name_to_the_profiles_family():
    result = CliRunner().invoke(main, ["doctor", "--fontconfig"])
    assert result.exit_code == 0
    assert ("<alias binding=\"same\"><family>仿宋_GB2312</family><prefer><family>FangSong</family>"
            "<family>仿宋</family><family>Noto Serif CJK SC</family></prefer></alias>") in result.output
    assert "<family>黑体</family><prefer><family>SimHei</family><family>Noto Sans CJK SC</family>" in result.output

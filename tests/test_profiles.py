"""Profiles: built-ins build the examples they fit; an override changes only its part; errors exit 2."""
from __future__ import annotations

import re
import shutil
import subprocess
import sys

import pytest

from conftest import INPUTS, normalize
from generator.pipeline import run
from generator.profile import ProfileError, builtin_profiles, resolve

FITS = [("yanzhou-2024", "shandong-2024"), ("zaozhuang-2024", "shandong-2024"),
        ("yanzhou-2024", "shandong-2020"), ("zaozhuang-2024", "shandong-2020"), ("shanxi-2024", "shanxi-2024")]


def html_text(html: str) -> str:
    return normalize(re.sub(r"<[^>]+>", "", html))


@pytest.mark.parametrize("example,profile", FITS)
def test_builtin_profile_builds_example(example, profile):
    result = run(INPUTS / example, ("html",), profile=profile)
    text = html_text(result.html)
    for table in resolve(profile).settings["tables"]:
        assert normalize(table["label"]) in text and normalize(table["title"]) in text
    for section in resolve(profile).settings["sections"]:
        assert normalize(section["title"]) in text
    assert "待补充" not in text


def test_every_builtin_profile_is_covered():
    assert {p for _, p in FITS} == set(builtin_profiles()) - {"base"}


def test_shandong_2020_layout_differences():
    text = html_text(run(INPUTS / "zaozhuang-2024", ("html",), profile="shandong-2020").html)
    assert "一般公共预算财政拨款“三公”经费支出决算表公开07表" in text
    assert "2024年度收、支总计4299.91万元。" in text                      # no 均为, no thousands separator
    assert "上级补助收入0万元，占0%" in text                               # zero categories listed
    assert "完成年初预算的99.74%，与本年预算数基本持平。" in text
    assert "十、其他重要事项情况说明（一）机关运行经费支出情况" in text
    assert "共计接待98批次，875人次" in text


def copy_override(tmp_path, rel: str, old: str, new: str):
    profile = tmp_path / "mine"
    done = subprocess.run([sys.executable, "-m", "generator", "profile", "init", str(profile), "--extends",
                           "shandong-2024"], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    listing = subprocess.run([sys.executable, "-m", "generator", "profile", "files", "shandong-2024"],
                             capture_output=True, text=True).stdout
    source = next(line.split("\t")[0] for line in listing.splitlines() if line.endswith("\t" + rel))
    target = profile / rel
    target.parent.mkdir(parents=True, exist_ok=True)
    text = open(source, encoding="utf-8").read()
    assert old in text
    target.write_text(text.replace(old, new), encoding="utf-8")
    return profile


def test_overriding_one_template_changes_only_that_part(tmp_path):
    profile = copy_override(tmp_path, "templates/narrative/income.html.j2",
                            '{{ words("income_structure_heading") }}', "（一）本年收入的构成")
    before = run(INPUTS / "yanzhou-2024", ("pdf",)).outputs["pdf"]
    after = run(INPUTS / "yanzhou-2024", ("pdf",), profile=str(profile)).outputs["pdf"]
    import pypdfium2 as pdfium

    def text(data):
        return normalize("".join(p.get_textpage().get_text_range() for p in pdfium.PdfDocument(data)))

    old, new = text(before), text(after)
    assert "（一）本年收入的构成" in new
    assert new == old.replace("（一）收入决算结构情况", "（一）本年收入的构成")


def test_number_format_change_only_changes_figures(tmp_path):
    profile = tmp_path / "plain"
    profile.mkdir()
    (profile / "profile.yaml").write_text("extends: shandong-2024\nnumber_format:\n  text_thousands: false\n",
                                          encoding="utf-8")
    old = html_text(run(INPUTS / "zaozhuang-2024", ("html",)).html)
    new = html_text(run(INPUTS / "zaozhuang-2024", ("html",), profile=str(profile)).html)
    assert old != new and "收、支总计均为4299.91万元" in new
    table_cells = re.findall(r"\d，\d{3}\.\d\d", new)      # tables keep their separators
    assert table_cells
    ungroup = lambda s: re.sub(r"(?<=\d)，(?=\d{3}(?:\D|$))", "", s)
    assert ungroup(old) == ungroup(new)


def cli(*args):
    return subprocess.run([sys.executable, "-m", "generator", *args], capture_output=True, text=True)


def test_broken_profile_yaml_names_file_and_line(tmp_path):
    (tmp_path / "profile.yaml").write_text("extends: shandong-2024\nwords:\n  totals_lead: [unclosed\n",
                                           encoding="utf-8")
    done = cli("build", str(INPUTS / "yanzhou-2024"), "--profile", str(tmp_path), "-o", str(tmp_path / "o"))
    assert done.returncode == 2 and "Traceback" not in done.stderr
    assert "profile.yaml 第" in done.stderr and "YAML 语法错误" in done.stderr


def test_extends_loop_is_reported(tmp_path):
    a, b = tmp_path / "a", tmp_path / "b"
    a.mkdir(), b.mkdir()
    (a / "profile.yaml").write_text("extends: ../b\n", encoding="utf-8")
    (b / "profile.yaml").write_text("extends: ../a\n", encoding="utf-8")
    with pytest.raises(ProfileError, match="循环"):
        resolve(str(a), str(tmp_path))
    done = cli("build", str(INPUTS / "yanzhou-2024"), "--profile", str(a))
    assert done.returncode == 2 and "循环" in done.stderr


def test_template_syntax_error_names_file_and_line(tmp_path):
    profile = copy_override(tmp_path, "templates/narrative/totals.html.j2", "{% set ch =", "{% if %}{% set ch =")
    done = cli("build", str(INPUTS / "yanzhou-2024"), "--profile", str(profile), "-o", str(tmp_path / "o"))
    assert done.returncode == 2 and "Traceback" not in done.stderr
    assert "totals.html.j2" in done.stderr and "第" in done.stderr and "模板语法错误" in done.stderr

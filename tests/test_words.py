"""Every printed word belongs to the profile: templates hold structure only, profile.yaml is checked against its
schema on loading, words can be changed per section, docs/words.md is current, and no built-in profile prints
doubled punctuation or an unfilled {placeholder} for any example."""
from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import INPUTS, ROOT
from generator.pipeline import run
from generator.profile import ProfileError, builtin_profiles, resolve

TEMPLATES = ROOT / "templates"
EXAMPLES = ["yanzhou-2024", "zaozhuang-2024", "shanxi-2024"]
CJK = re.compile(r"[\u3000-\u303f\u4e00-\u9fff\uff00-\uffef“”‘’—…]")
JINJA = re.compile(r"\{#.*?#\}|\{\{.*?\}\}|\{%.*?%\}", re.S)


def cli(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "generator", *args], capture_output=True, text=True, cwd=ROOT)


def test_templates_hold_no_chinese_text_outside_expressions_and_comments():
    found = []
    for path in sorted(TEMPLATES.rglob("*.j2")):
        outside = JINJA.sub("", path.read_text(encoding="utf-8"))
        found += [f"{path.relative_to(ROOT)}: {line.strip()}" for line in outside.splitlines() if CJK.search(line)]
    assert not found, "\n".join(found)


def test_the_scan_finds_chinese_text():
    assert CJK.search(JINJA.sub("", "<th>项目</th>{{ words('x') }}"))
    assert not CJK.search(JINJA.sub("", "<th>{{ headers.item }}</th>{# 注释 #}"))


def text_of(html: str) -> str:
    html = re.sub(r"<(figure|img)\b[^>]*>", "", html)
    return re.sub(r"\s+", "", re.sub(r"<[^>]+>", "", html))


@pytest.fixture(scope="module")
def every_build():
    """Each example composed (HTML only) with each built-in profile."""
    return {(example, name): text_of(run(INPUTS / example, ("html",), profile=name).html)
            for example in EXAMPLES for name in builtin_profiles() if name != "base"}


BAD = re.compile(r"。。|，。|、、|，，|；。|（）|\(\)|“”|【】|\{\w*\}")


def test_no_doubled_punctuation_empty_brackets_or_placeholders(every_build):
    problems = [f"{example} × {name}: …{text[max(0, m.start() - 30):m.end() + 5]}…"
                for (example, name), text in every_build.items() for m in BAD.finditer(text)]
    assert len(every_build) == 9 and not problems, "\n".join(problems)


def test_shandong_2020_draws_the_six_charts_and_says_no_budget_once():
    result = run(INPUTS / "zaozhuang-2024", ("html",), profile="shandong-2020")
    assert result.html.count('<figure class="chart"') == 6
    assert "年初无预算。决算数大于年初预算数的主要原因是" in text_of(result.html)


def write_profile(tmp_path: Path, body: str) -> Path:
    folder = tmp_path / "mine"
    folder.mkdir(exist_ok=True)
    (folder / "profile.yaml").write_text("extends: shandong-2024\n" + body, encoding="utf-8")
    resolve.cache_clear()
    return folder


@pytest.mark.parametrize("body,message", [
    ("number_fromat:\n  text_thousands: false\n", "第2行：未知设置“number_fromat”，是否想写 number_format？"),
    ("words:\n  totals_lead: \"{year}年度收、支总计均为{totl}万元。\"\n",
     "第3行：措辞“totals_lead”中的占位符 {totl} 不是它可用的占位符，是否想写 total？"),
    ("words:\n  totals_leed: x\n", "第3行：未知措辞“totals_leed”，是否想写 totals_lead？"),
    ("words:\n  incom.compare: x\n", "第3行：措辞“incom.compare”中的“incom”不是节的标识，是否想写 income？"),
    ("page: 5\n", "第2行：设置“page”应为映射（键: 值），实为“5”"),
    ("tables: 5\n", "第2行：设置“tables”应为列表，实为“5”"),
    ("reason_threshold: x\n", "第2行：设置“reason_threshold”应为数字，实为“x”"),
    ("cover:\n  titel: x\n", "第3行：未知设置“cover.titel”，是否想写 title？"),
])
def test_profile_mistakes_are_errors_with_line_and_suggestion(tmp_path, body, message):
    folder = write_profile(tmp_path, body)
    with pytest.raises(ProfileError) as caught:
        resolve(str(folder))
    assert str(caught.value).startswith(f"{folder / 'profile.yaml'} {message}")


def test_a_mistake_exits_2_before_building(tmp_path):
    folder = write_profile(tmp_path, "number_fromat:\n  text_thousands: false\n")
    done = cli("build", str(INPUTS / "yanzhou-2024"), "--profile", str(folder), "-o", str(tmp_path / "out"))
    assert done.returncode == 2 and "是否想写 number_format？" in done.stderr and "Traceback" not in done.stderr
    assert not (tmp_path / "out").exists()


def test_a_renamed_setting_still_works_with_a_notice(tmp_path, capsys):
    folder = write_profile(tmp_path, "toc_title: 目录一览\n")
    profile = resolve(str(folder))
    assert profile.settings["toc"]["title"] == "目录一览"
    assert capsys.readouterr().err.strip() == f"注意：{folder / 'profile.yaml'}：设置 toc_title 已更名为 toc.title，请改用新名称（旧名称仍可使用）"


def test_profile_schema_command_prints_the_json_schema():
    done = cli("profile", "schema")
    schema = json.loads(done.stdout)
    assert done.returncode == 0 and schema["additionalProperties"] is False
    assert {"words", "number_format", "sections", "labels"} <= set(schema["properties"])


def test_a_word_can_be_worded_for_one_section_only(tmp_path):
    folder = write_profile(tmp_path, "words:\n  totals.compare: \"较{prior_year}年，\"\n"
                                     "  income.marker_items: \"（{n}）\"\n")
    text = text_of(run(INPUTS / "zaozhuang-2024", ("html",), profile=str(folder)).html)
    assert "较2023年，收、支总计各减少2,208.06万元" in text                    # 一 takes its own word
    assert "与2023年度相比，财政拨款收、支总计各减少" in text                  # 四 keeps the general one
    assert "（1）财政拨款收入4,299.91万元。" in text and "1、基本支出2,089.95万元。" in text


def test_an_input_wording_placeholder_typo_is_an_error(tmp_path):
    import shutil

    unit = tmp_path / "unit"
    shutil.copytree(INPUTS / "zaozhuang-2024", unit)
    narrative = unit / "narrative.yaml"
    narrative.write_text(narrative.read_text(encoding="utf-8")
                         + "\nwording:\n  totals_lead: \"{year}年度收、支总计均为{totl}万元。\"\n", encoding="utf-8")
    done = cli("build", str(unit), "-o", str(tmp_path / "out"), "--to", "html")
    assert done.returncode == 2 and "{totl}" in done.stderr and "Traceback" not in done.stderr


def test_docs_words_md_is_current():
    from generator.profile.wordsdoc import markdown

    current = (ROOT / "docs" / "words.md").read_text(encoding="utf-8")
    assert current == markdown(), "docs/words.md 已过时：运行 juesuan profile words > docs/words.md"


def test_every_word_of_the_base_profile_is_documented():
    doc = (ROOT / "docs" / "words.md").read_text(encoding="utf-8")
    missing = [key for key in resolve("base").settings["words"] if f"### `{key}`" not in doc]
    assert not missing


def test_performance_sub_sections_are_a_list_in_the_profile(tmp_path):
    folder = write_profile(tmp_path, """performance:
  parts:
    - {id: work}
    - {id: results}
    - {id: transfer, heading: （三）中央对地方转移支付项目绩效自评结果。, word: perf_transfer}
    - {id: key}
words:
  perf_key_heading: （四）重点绩效评价结果。
  perf_transfer: 本单位无此项内容。
""")
    text = text_of(run(INPUTS / "zaozhuang-2024", ("html",), profile=str(folder)).html)
    transfer = text.index("（三）中央对地方转移支付项目绩效自评结果。本单位无此项内容。")
    assert text.index("详见“第五部分附件”") < transfer < text.index("（四）重点绩效评价结果。12345市长热线")


def test_a_placeholder_typo_in_a_title_is_an_error(tmp_path):
    folder = write_profile(tmp_path, "parts:\n  narrative: \"第三部分 {yaer}年度决算情况说明\"\n")
    with pytest.raises(ProfileError, match=r"第3行：设置“parts.narrative”中的占位符 \{yaer\} 不可用，是否想写 year？"):
        resolve(str(folder))


def test_body_heading_and_cover_lines_are_settings(tmp_path):
    sections = resolve("shandong-2024").settings["sections"]
    listed = "".join(f"  - {{id: {s['id']}, title: {s['title']}"
                     + (", body_title: 十、机关运行经费支出情况" if s["id"] == "office_running" else "") + "}\n"
                     for s in sections)
    folder = write_profile(tmp_path, "sections:\n" + listed + "cover:\n  footer_lines: [\"{name}财务科\"]\n")
    html = run(INPUTS / "zaozhuang-2024", ("html",), profile=str(folder)).html
    toc, body = html.split('<nav class="toc"', 1)[1].split("</nav>", 1)
    cover = html.split('<section class="cover">', 1)[1].split("</section>", 1)[0]
    assert "十、机关运行经费支出说明" in toc and "十、机关运行经费支出情况" not in toc
    assert "十、机关运行经费支出情况</h2>" in body and "十、机关运行经费支出说明</h2>" not in body
    assert "枣庄市人民政府办公室本级财务科" in cover and "年" not in text_of(cover.split("</h1>", 1)[1])

"""Charts 图1–图6 (generator/charts.py, narrative.md §6): same numbers as the sentences, pinned font,
deterministic bytes, ≥ 200 dpi PNG, and the omit / note / draw rules for missing data."""
from __future__ import annotations

import dataclasses
import functools
import hashlib
import html as htmllib
import json
import os
import re
import shutil
import struct
import subprocess
import sys
import xml.etree.ElementTree as ET
from decimal import Decimal as D
from pathlib import Path

import pytest
import yaml

from generator.charts import draw as ch
from generator.charts.plan import merged_settings
from generator.profile import numfmt
from generator.pipeline import run
from generator.charts import DEFAULT_SETTINGS, Chart, build_charts
from generator.fonts import face_for
from generator.input.model import Prior
from generator.facts.narrative import narrate
from generator.profile import ProfileError

ROOT = Path(__file__).resolve().parent.parent
INPUTS = ROOT / "inputs"
SEEDS = ["yanzhou-2024", "zaozhuang-2024"]
IDS = ("fig1", "fig2", "fig3", "fig4", "fig5", "fig6")
CAPTIONS = {
    "fig1": "图1：收入支出决算变动情况（单位：万元）",
    "fig2": "图2：本年收入构成情况",
    "fig3": "图3：本年支出构成情况",
    "fig4": "图4：财政拨款收、支决算总计变动情况（单位：万元）",
    "fig5": "图5：一般公共预算财政拨款支出决算变动情况（单位：万元）",
    "fig6": "图6：一般公共预算财政拨款支出决算结构",
}
INCOME = ("财政拨款收入", "上级补助收入", "事业收入", "经营收入", "附属单位上缴收入", "其他收入")


class Example:
    def __init__(self, name: str):
        self.name = name
        self.result = run(INPUTS / name, ("html",))
        self.facts = self.result.facts
        self.narrative = narrate(self.facts)
        self.fmt = self.result.profile.settings["number_format"]
        self.charts = build_charts(self.facts, self.narrative, {}, self.fmt)
        text = htmllib.unescape(re.sub(r"<[^>]+>", "", self.result.html))
        self.text = re.sub(r"\s+", "", text)

    def build(self, settings: dict | None = None, facts=None) -> dict[str, Chart]:
        return build_charts(facts or self.facts, self.narrative, settings or {}, self.fmt)


@pytest.fixture(scope="module")
def example():
    cache: dict[str, Example] = {}

    def get(name: str) -> Example:
        if name not in cache:
            cache[name] = Example(name)
        return cache[name]

    return get


def amt(value, fmt) -> str:
    return numfmt.amount(value, fmt)


# ---------------------------------------------------------------- presence and captions


@pytest.mark.parametrize("name", SEEDS)
def test_all_six_charts_exist_with_their_captions(example, name):
    charts = example(name).charts
    assert tuple(charts) == IDS                     # 图2 too: single_category defaults to draw (seed fidelity)
    for chart_id, chart in charts.items():
        assert chart.id == chart_id
        assert chart.caption == CAPTIONS[chart_id]
        assert chart.note is None
        assert chart.svg.startswith("<?xml") and "<svg" in chart.svg
        assert chart.png.startswith(b"\x89PNG\r\n\x1a\n")


def test_default_settings_document_the_brief():
    assert DEFAULT_SETTINGS["captions"] == CAPTIONS
    assert DEFAULT_SETTINGS["when_missing"] == "omit" and DEFAULT_SETTINGS["single_category"] == "draw"
    assert DEFAULT_SETTINGS["size_cm"] == [15, 8] and DEFAULT_SETTINGS["dpi"] == 200
    assert 4 <= len(DEFAULT_SETTINGS["palette"]) <= 6


def test_caption_slots_are_filled(example):
    ex = example("zaozhuang-2024")
    charts = ex.build({"captions": {"fig1": "图1：{prior_year}—{year}年度收支总计（单位：万元）"}})
    assert charts["fig1"].caption == "图1：2023—2024年度收支总计（单位：万元）"
    assert charts["fig2"].caption == CAPTIONS["fig2"]


# ---------------------------------------------------------------- numbers: facts and sentences


@pytest.mark.parametrize("name", SEEDS)
def test_bar_values_are_the_facts(example, name):
    ex = example(name)
    f, p, c = ex.facts, ex.facts.prior, ex.charts
    income_prior = p.income_total if p.income_total is not None else p.total
    spent_prior = p.expenditure_total if p.expenditure_total is not None else p.total
    assert c["fig1"].values == (("2023年收入总计", income_prior), ("2024年收入总计", f.t01[31]),
                                ("2023年支出总计", spent_prior), ("2024年支出总计", f.t01[62]))
    fiscal_in = p.fiscal_income_total if p.fiscal_income_total is not None else p.fiscal_total
    fiscal_out = p.fiscal_expenditure_total if p.fiscal_expenditure_total is not None else p.fiscal_total
    assert c["fig4"].values == (("2023年收入总计", fiscal_in), ("2024年收入总计", f.t04_left[32]),
                                ("2023年支出总计", fiscal_out), ("2024年支出总计", f.t04_right[64][0]))
    assert c["fig5"].values == (("2023年一般公共预算财政拨款支出", p.gpb_expenditure),
                                ("2024年一般公共预算财政拨款支出", f.gpb.total.get("total")))


def test_yanzhou_fig1_prior_and_current(example):
    c = example("yanzhou-2024").charts
    assert dict(c["fig1"].values) == {"2023年收入总计": D("397.2"), "2024年收入总计": D("336.88"),
                                      "2023年支出总计": D("397.2"), "2024年支出总计": D("336.88")}
    assert "397.2" in c["fig1"].labels and "336.88" in c["fig1"].labels     # trimmed like the text
    assert c["fig3"].values == (("基本支出", D("59.53")), ("项目支出", D("40.47")))
    assert [s for _, s in c["fig6"].values] == [D("85.98"), D("6.32"), D("2.83"), D("4.87")]


def test_zaozhuang_structure_shares(example):
    c = example("zaozhuang-2024").charts
    assert c["fig3"].values == (("基本支出", D("48.6")), ("项目支出", D("51.4")))
    assert c["fig3"].amounts == (("基本支出", D("2089.95")), ("项目支出", D("2209.95")))
    assert "基本支出 48.6%" in c["fig3"].labels and "项目支出 51.4%" in c["fig3"].labels
    assert c["fig6"].values == (("一般公共服务支出", D("87.39")), ("社会保障和就业支出", D("6.24")),
                                ("卫生健康支出", D("2.75")), ("住房保障支出", D("3.62")))
    assert sum(s for _, s in c["fig6"].values) == 100
    assert "4,275.7" in c["fig5"].labels and "6,507.97" in c["fig1"].labels   # thousands separators


@pytest.mark.parametrize("name", SEEDS)
def test_pie_labels_are_the_sentences_percentages(example, name):
    """Every share drawn is printed in the composed HTML as “{amount}万元，占{share}%”, and the label
    drawn is exactly “{name} {share}%” in the text's number format."""
    ex = example(name)
    for chart_id in ("fig2", "fig3", "fig6"):
        chart = ex.charts[chart_id]
        assert chart.values, chart_id
        for (label, share), (label2, amount) in zip(chart.values, chart.amounts):
            assert label == label2
            printed = f"{amt(amount, ex.fmt)}万元，占{numfmt.percent(share, ex.fmt)}%"
            assert printed in ex.text, (chart_id, printed)
            assert f"{label} {numfmt.percent(share, ex.fmt)}%" in chart.labels


@pytest.mark.parametrize("name", SEEDS)
def test_pie_parts_follow_the_sentence_library(example, name):
    ex = example(name)
    f, n = ex.facts, ex.narrative
    cases = {
        "fig2": ([f.income.total.get(k) for k in ("fiscal", "superior", "business", "operating", "affiliated",
                                                  "other")], f.t01[27], INCOME),
        "fig3": ([f.expenditure.total.get(k) for k in ("basic", "project", "upper", "operating", "subsidiary")],
                 f.t01[58], ("基本支出", "项目支出", "上缴上级支出", "经营支出", "对附属单位补助支出")),
        "fig6": ([line.get("total") for line in f.gpb.at_level(1)], f.gpb.total.get("total"),
                 tuple(line.name for line in f.gpb.at_level(1))),
    }
    for chart_id, (parts, whole, labels) in cases.items():
        shares = n.shares(parts, whole)
        expected = tuple((lab, s) for lab, v, s in zip(labels, parts, shares) if v != 0)
        assert ex.charts[chart_id].values == expected
        assert ex.charts[chart_id].amounts == tuple((lab, v) for lab, v in zip(labels, parts) if v != 0)


@pytest.mark.parametrize("name", SEEDS)
def test_bar_changes_are_the_sentences_changes(example, name):
    """current − prior of each bar chart is the change the sentence prints (收、支总计各减少…万元)."""
    ex = example(name)
    subjects = {"fig1": "收、支总计各", "fig4": "财政拨款收、支总计各", "fig5": "一般公共预算财政拨款支出"}
    for chart_id, subject in subjects.items():
        values = [v for _, v in ex.charts[chart_id].values]
        prior, current = values[0], values[1]
        change = ex.narrative.change(current, prior)
        verb = {"down": "减少", "up": "增加"}[change.kind]
        assert f"{subject}{verb}{amt(change.amount, ex.fmt)}万元" in ex.text, chart_id
        assert f"{amt(current, ex.fmt)}万元" in ex.text


def test_shanxi_number_format_and_complement_rule(example):
    """Shanxi keeps two decimals (99.99 + 0.01 = 100 by the complement rule); ticks stay whole numbers."""
    ex = example("shanxi-2024")
    c = ex.charts
    assert c["fig2"].values == (("财政拨款收入", D("99.99")), ("其他收入", D("0.01")))
    assert "财政拨款收入 99.99%" in c["fig2"].labels and "其他收入 0.01%" in c["fig2"].labels
    assert "364.25" in c["fig5"].labels and "100" in c["fig5"].labels and "100.00" not in c["fig5"].labels


# ---------------------------------------------------------------- rendering: font, SVG, PNG


@functools.lru_cache(maxsize=1)
def _pinned_font():
    from fontTools.ttLib import TTFont

    face = face_for("Noto Serif CJK SC")
    font = TTFont(face.file, fontNumber=face.index, lazy=True)
    return font, font["name"].getDebugName(6), font.getBestCmap()


def _pinned_glyph_ids(text: str) -> tuple[str, list[str]]:
    """The SVG glyph ids matplotlib gives `text` when drawn from the body font's face:
    "{PostScript name}-{glyph index:x}"."""
    font, name, cmap = _pinned_font()
    return name, [f"{name}-{font.getGlyphID(cmap[ord(ch)]):x}" for ch in text if not ch.isspace()]


@pytest.mark.parametrize("name", SEEDS)
def test_svg_writes_every_label_as_text_in_the_pinned_family(example, name):
    """Default svg_text: text — each label is one <text> in the family the profile's font names."""
    for chart in example(name).charts.values():
        svg = chart.svg
        texts = [htmllib.unescape(t) for t in re.findall(r"<text [^>]*>([^<]*)</text>", svg)]
        assert texts == list(chart.labels), chart.id
        families = set(re.findall(r"font-family: ([^;\"]+)", svg))
        assert families == {"'Noto Serif CJK SC'"}, (chart.id, families)
        assert "<path id=" not in svg                                   # no glyph outlines


@pytest.mark.parametrize("name", SEEDS)
def test_svg_path_mode_draws_every_label_as_pinned_glyph_outlines(example, name):
    ps_name, _ = _pinned_glyph_ids("")
    charts = example(name).build({"svg_text": "path"})
    for chart in charts.values():
        svg = chart.svg
        assert "<text" not in svg                                  # svg.fonttype: path
        comments = re.findall(r"<!-- (.*?) -->", svg)
        assert comments == list(chart.labels), chart.id
        glyphs = set(re.findall(r'xlink:href="#([^"]+)"', svg))
        assert glyphs and all(g.startswith(ps_name + "-") for g in glyphs), chart.id
        for label in chart.labels:                                 # glyph index of the pinned (subset) file
            _, ids = _pinned_glyph_ids(label)
            assert set(ids) <= glyphs, (chart.id, label)
    assert charts["fig1"].png == example(name).charts["fig1"].png  # the PNG does not depend on svg_text


def test_weasyprint_draws_svg_text_with_the_pinned_font(example):
    """The reason svg_text defaults to text: through the PDF pipeline's pinned fonts and shared
    FontConfiguration, the labels are real text in the embedded pinned face, never a fallback font."""
    import base64
    import io

    import pdfplumber
    from weasyprint import HTML

    ex = example("zaozhuang-2024")
    chart = ex.charts["fig6"]
    data = base64.b64encode(chart.svg.encode()).decode()
    html = f'<html><body><img style="width:15cm" src="data:image/svg+xml;base64,{data}"></body></html>'
    pdf = HTML(string=html).write_pdf()
    with pdfplumber.open(io.BytesIO(pdf)) as document:
        page = document.pages[0]
        text = re.sub(r"\s+", "", page.extract_text())
        fonts = {c["fontname"].split("+")[-1] for c in page.chars}
    assert fonts == {"Noto-Serif-CJK-SC"}
    for label in chart.labels:
        assert label.replace(" ", "") in text


def test_every_text_object_names_the_pinned_font_file(example, monkeypatch):
    from matplotlib.text import Text

    face = face_for("Noto Serif CJK SC")
    pinned = face.file
    seen: list[str] = []
    original = ch._Canvas.save

    def checked(self):
        for text in self.fig.findobj(Text):
            if text.get_visible() and text.get_text():
                file = text.get_fontproperties().get_file()
                assert (file, file.face_index) == (pinned, face.index), text.get_text()
                seen.append(text.get_text())
        return original(self)

    monkeypatch.setattr(ch._Canvas, "save", checked)
    monkeypatch.setattr(ch.cache, "recall", lambda key: None)        # drawn now, not kept from an earlier run
    example("zaozhuang-2024").build({"kinds": {"fig3": "bar"}, "unit_note": "单位：万元"})
    assert "单位：万元" in seen and "2024年" in seen and "基本支出" in seen


def _png_info(data: bytes) -> dict:
    pos, info = 8, {}
    while pos < len(data):
        length, kind = struct.unpack(">I4s", data[pos:pos + 8])
        body = data[pos + 8:pos + 8 + length]
        if kind == b"IHDR":
            info["size"] = struct.unpack(">II", body[:8])
        elif kind == b"pHYs":
            x, y, unit = struct.unpack(">IIB", body)
            info["dpi"] = (x * 0.0254, y * 0.0254, unit)
        info.setdefault("chunks", []).append(kind.decode())
        pos += 12 + length
    return info


@pytest.mark.parametrize("name", SEEDS)
def test_png_is_at_least_200_dpi_and_15_by_8_cm(example, name):
    from PIL import Image
    import io

    for chart in example(name).charts.values():
        info = _png_info(chart.png)
        assert info["dpi"][2] == 1 and round(info["dpi"][0]) >= 200 and round(info["dpi"][1]) >= 200
        width, height = info["size"]
        assert width >= int(15 / 2.54 * 200) and height >= int(8 / 2.54 * 200)
        assert not {"tEXt", "iTXt", "zTXt", "tIME"} & set(info["chunks"])    # no software/time stamps
        image = Image.open(io.BytesIO(chart.png)).convert("RGB")
        image.load()
        assert image.size == (width, height)
        colours = image.getcolors(1 << 20)
        assert colours is not None and len(colours) > 20                     # drawn, not blank
        assert image.getpixel((0, 0)) == (255, 255, 255)                      # white background


def test_higher_dpi_setting(example):
    chart = example("zaozhuang-2024").build({"dpi": 300, "figures": ["fig5"]})["fig5"]
    assert round(_png_info(chart.png)["dpi"][0]) == 300
    assert _png_info(chart.png)["size"][0] >= int(15 / 2.54 * 300)


def test_svg_has_no_date_and_names_juesuan(example):
    svg = example("zaozhuang-2024").charts["fig1"].svg
    assert "<dc:date>" not in svg and "<dc:title>juesuan</dc:title>" in svg
    assert "Matplotlib" not in svg


# ---------------------------------------------------------------- determinism


def _digests(charts: dict[str, Chart]) -> dict[str, list[str]]:
    return {k: [hashlib.sha256(c.svg.encode()).hexdigest(), hashlib.sha256(c.png).hexdigest()]
            for k, c in charts.items()}


@pytest.mark.parametrize("name", SEEDS)
def test_two_builds_give_identical_bytes(example, name):
    ex = example(name)
    again = ex.build()
    for chart_id, chart in ex.charts.items():
        assert again[chart_id].svg == chart.svg
        assert again[chart_id].png == chart.png


def test_identical_bytes_in_a_fresh_process_whatever_its_matplotlibrc(example, tmp_path):
    """Same bytes in another process, even with a hostile matplotlibrc (cwd and $MATPLOTLIBRC)."""
    rc = tmp_path / "matplotlibrc"
    rc.write_text("lines.linewidth: 5\ntext.antialiased: False\npatch.antialiased: False\n"
                  "svg.hashsalt: other\nfont.size: 20\ntext.hinting: no_hinting\nsvg.fonttype: none\n")
    script = (
        "import hashlib, json\n"
        "from generator.pipeline import run\n"
        "from generator.facts.narrative import narrate\n"
        "from generator.charts import build_charts\n"
        "r = run('inputs/zaozhuang-2024', ('html',))\n"
        "c = build_charts(r.facts, narrate(r.facts), {}, r.profile.settings['number_format'])\n"
        "print(json.dumps({k: [hashlib.sha256(v.svg.encode()).hexdigest(), hashlib.sha256(v.png).hexdigest()]"
        " for k, v in c.items()}))\n")
    env = {**os.environ, "MATPLOTLIBRC": str(rc), "PYTHONPATH": str(ROOT)}
    out = subprocess.run([sys.executable, "-c", script.replace("inputs/", str(INPUTS) + "/")], cwd=tmp_path,
                         env=env, capture_output=True, text=True, check=True)
    assert json.loads(out.stdout.strip().splitlines()[-1]) == _digests(example("zaozhuang-2024").charts)


# ---------------------------------------------------------------- missing data rules


@pytest.fixture(scope="module")
def no_prior(tmp_path_factory):
    """inputs/yanzhou-2024 without its `prior:` block (a first publication: no last-year figures)."""
    target = tmp_path_factory.mktemp("charts") / "yanzhou-no-prior"
    shutil.copytree(INPUTS / "yanzhou-2024", target)
    path = target / "narrative.yaml"
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    data.pop("prior")
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    result = run(target, ("html",))
    assert result.facts.prior.total is None
    return result


def test_no_prior_year_omits_the_change_charts(no_prior):
    charts = build_charts(no_prior.facts, narrate(no_prior.facts), {"when_missing": "omit"})
    assert tuple(charts) == ("fig2", "fig3", "fig6")


def test_no_prior_year_notes_the_change_charts(no_prior):
    charts = build_charts(no_prior.facts, narrate(no_prior.facts), {"when_missing": "note"})
    assert tuple(charts) == IDS
    for chart_id in ("fig1", "fig4", "fig5"):
        chart = charts[chart_id]
        assert chart.svg == "" and chart.png == b"" and chart.values == ()
        assert chart.caption == CAPTIONS[chart_id]
    assert charts["fig1"].note == "（收入支出决算变动情况：数据不足，未绘制）"
    assert charts["fig5"].note == "（一般公共预算财政拨款支出决算变动情况：数据不足，未绘制）"
    assert charts["fig3"].note is None and charts["fig3"].svg


def test_note_pattern_slots(no_prior):
    charts = build_charts(no_prior.facts, narrate(no_prior.facts),
                          {"when_missing": "note", "note": "{number}（{reason}，{prior_year}年度无数据）"})
    assert charts["fig4"].note == "图4（缺少上年数，2023年度无数据）"


def test_a_partial_prior_is_missing_too(example):
    ex = example("zaozhuang-2024")
    facts = dataclasses.replace(ex.facts, prior=ex.facts.prior.model_copy(update={"gpb_expenditure": None}))
    charts = ex.build({"when_missing": "omit"}, facts=facts)
    assert "fig5" not in charts and "fig1" in charts and "fig4" in charts


def test_all_zero_bars_are_missing(example):
    ex = example("zaozhuang-2024")
    facts = dataclasses.replace(ex.facts, prior=Prior(total=D("0"), fiscal_total=D("0"), gpb_expenditure=D("0")))
    facts.t01 = {**ex.facts.t01, 31: D("0"), 62: D("0")}
    charts = ex.build({"when_missing": "note", "figures": ["fig1"]}, facts=facts)
    assert charts["fig1"].note and not charts["fig1"].png


@pytest.mark.parametrize("name", SEEDS)
def test_single_category_income_pie_rules(example, name):
    """Both seeds have only 财政拨款收入: draw (default, as the Shandong publications do), omit or note."""
    ex = example(name)
    pies = ["fig2", "fig3"]
    drawn = ex.build({"single_category": "draw", "figures": pies})["fig2"]
    assert drawn.values == (("财政拨款收入", D("100")),) and drawn.png and drawn.note is None
    assert "财政拨款收入 100%" in drawn.labels
    omitted = ex.build({"single_category": "omit", "figures": pies})
    assert "fig2" not in omitted
    assert omitted["fig3"].png                 # two parts: drawn whatever single_category says
    noted = ex.build({"single_category": "note", "figures": pies})["fig2"]
    assert noted.note == "（本年收入构成情况：数据不足，未绘制）" and noted.svg == "" and noted.png == b""
    # when_missing does not govern it
    assert ex.build({"when_missing": "note", "single_category": "omit", "figures": pies}).get("fig2") is None


# ---------------------------------------------------------------- settings


def test_disabled_gives_no_charts(example):
    assert example("zaozhuang-2024").build({"enabled": False}) == {}


def test_figures_subset(example):
    assert tuple(example("zaozhuang-2024").build({"figures": ["fig6", "fig3"]})) == ("fig3", "fig6")


def test_structure_as_bars_keeps_the_numbers(example):
    ex = example("zaozhuang-2024")
    bar = ex.build({"kinds": {"fig6": "bar"}, "figures": ["fig6"]})["fig6"]
    assert bar.kind == "bar" and ex.charts["fig6"].kind == "pie"
    assert bar.values == ex.charts["fig6"].values
    assert "87.39%" in bar.labels and "一般公共服务支出" in bar.labels
    assert bar.svg != ex.charts["fig6"].svg


@pytest.mark.parametrize("bad", [
    {"when_missing": "draw"}, {"single_category": "skip"}, {"kinds": {"fig1": "pie"}},
    {"kinds": {"fig2": "donut"}}, {"figures": ["fig7"]}, {"dpi": 150}, {"palette": ["#000000"]},
    {"colour": "red"}, {"captions": "图1"}, {"font": "Arial"}, {"svg_text": "outline"},
    {"palette": ["navy", "#FFFFFF"]}, {"size_cm": [15]}, {"size_cm": [0, 8]}, {"font_size": "大"},
])
def test_bad_settings_are_profile_errors(example, bad):
    with pytest.raises(ProfileError):
        example("zaozhuang-2024").build({**bad, "figures": ["fig5"]} if "figures" not in bad else bad)


def test_palette_setting_is_used(example):
    chart = example("zaozhuang-2024").build({"palette": ["#112233", "#445566", "#778899", "#AABBCC"],
                                             "figures": ["fig5"]})["fig5"]
    assert "#112233" in chart.svg and "#445566" in chart.svg


# ---------------------------------------------------------------- embedding and caches


@pytest.mark.parametrize("mode", ["text", "path"])
def test_inline_svg_ids_are_unique_and_resolve(example, mode):
    charts = example("zaozhuang-2024").build({"svg_text": mode})
    all_ids: list[str] = []
    for chart in charts.values():
        inline = chart.inline_svg()
        assert inline.startswith("<svg") and "<?xml" not in inline
        root = ET.fromstring(inline)
        ids = [e.get("id") for e in root.iter() if e.get("id")]
        assert all(i.startswith(chart.id + "-") for i in ids)
        refs = re.findall(r'href="#([^"]+)"', inline) + re.findall(r"url\(#([^)]+)\)", inline)
        assert set(refs) <= set(ids)
        all_ids += ids
    assert len(all_ids) == len(set(all_ids))


def test_matplotlib_caches_stay_out_of_the_repository(example):
    example("zaozhuang-2024")
    import matplotlib

    for folder in (matplotlib.get_configdir(), matplotlib.get_cachedir()):
        assert ROOT not in Path(folder).resolve().parents and Path(folder).resolve() != ROOT


@pytest.mark.parametrize("name", ["shandong-2024", "shanxi-2024"])
def test_builtin_profiles_charts_settings_are_valid(name):
    """Whatever `charts:` the built-in profiles carry (none until integrated) merges without error."""
    from generator.profile import resolve

    settings = merged_settings(resolve(name, str(ROOT)).settings.get("charts"))
    assert set(settings) == set(DEFAULT_SETTINGS)

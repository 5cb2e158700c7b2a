"""Charts kept from earlier builds: reused byte for byte when the figures are the same, drawn again when
they are not, and a damaged or foreign file is never trusted."""
from __future__ import annotations

import base64
import pickle
import shutil

import pytest
import yaml

from generator import chart_cache, charts
from generator import build
from generator.background import Worker
from generator.build import run
from generator.charts import build_charts
from generator.narrate import narrate
from conftest import INPUTS


@pytest.fixture
def kept(monkeypatch, tmp_path):
    folder = tmp_path / "charts"
    monkeypatch.setattr(chart_cache, "_folder", lambda: folder)
    return folder


def helpers_started(monkeypatch) -> list[str]:
    """The build's helpers from now on, by the name of their preparation (_prepare_painter, …)."""
    started = []

    class Spied(Worker):
        def __init__(self, prepare, step):
            started.append(prepare.__name__)
            super().__init__(prepare, step)

    monkeypatch.setattr(build, "Worker", Spied)
    return started


def _no_drawing(monkeypatch):
    def refuse(*args):
        raise AssertionError("drawn although kept")

    monkeypatch.setattr(charts, "_render", refuse)


def test_a_rebuild_reuses_the_kept_charts_and_starts_no_painter(kept, monkeypatch):
    started = helpers_started(monkeypatch)
    first = run(INPUTS / "yanzhou-2024", ("pdf",))
    assert started == ["_prepare_painter", "_prepare_layout_behind_painter"]
    [drawing] = kept.glob("*.pickle")
    source = f"{(INPUTS / 'yanzhou-2024').resolve()}\0"
    assert chart_cache.predicted(source)
    _no_drawing(monkeypatch)                            # inherited by a painter, were one started
    again = run(INPUTS / "yanzhou-2024", ("pdf",))
    assert again.html == first.html and again.html.count('class="chart"') == 6
    assert again.outputs["pdf"] == first.outputs["pdf"]
    assert started[2:] == ["_prepare_layout"]           # no painter, and the layout worker at full speed
    assert list(kept.glob("*.pickle")) == [drawing]


def test_an_input_without_charts_starts_no_painter_once_built(kept, monkeypatch):
    run(INPUTS / "shanxi-2024", ("html",))             # 山西's profile draws no charts
    assert not list(kept.glob("*.pickle"))
    started = helpers_started(monkeypatch)
    assert run(INPUTS / "shanxi-2024", ("html",)).html.count('class="chart"') == 0
    assert started == []


def test_changed_figures_are_drawn_again(kept, tmp_path):
    unit = tmp_path / "yanzhou"
    shutil.copytree(INPUTS / "yanzhou-2024", unit)
    before = run(unit, ("html",))
    path = unit / "narrative.yaml"
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    data["prior"]["total"] = data["prior"]["income"]["fiscal"] = 400.5     # 图1's bars for last year
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    after = run(unit, ("html",))                        # predicted from the last build, drawn here
    assert len(list(kept.glob("*.pickle"))) == 2
    drawn = build_charts(after.facts, narrate(after.facts, after.profile.settings),
                         after.profile.settings["charts"], after.profile.settings["number_format"])
    assert "400.5" in drawn["fig1"].labels
    svg = base64.b64encode(drawn["fig1"].svg.encode("utf-8")).decode("ascii")
    assert svg in after.html and svg not in before.html


def test_a_foreign_or_damaged_file_is_drawn_over(kept, monkeypatch):
    run(INPUTS / "yanzhou-2024", ("html",))
    [drawing] = kept.glob("*.pickle")
    key = drawing.stem
    drawing.write_bytes(pickle.dumps({"fig1": shutil.rmtree}))     # names a function: refused, not called
    assert chart_cache.recall(key) is None
    drawing.write_bytes(b"\x80\x05truncated")
    assert chart_cache.recall(key) is None
    result = run(INPUTS / "yanzhou-2024", ("html",))
    assert result.html.count('class="chart"') == 6
    assert isinstance(chart_cache.recall(key)["fig1"], charts.Chart)


def test_the_key_covers_the_figures_and_the_settings():
    result = run(INPUTS / "zaozhuang-2024", ("html",))
    story = narrate(result.facts, result.profile.settings)
    plan = charts.plan_charts(result.facts, story, result.profile.settings["charts"],
                              result.profile.settings["number_format"])
    other = charts.plan_charts(result.facts, story, {**result.profile.settings["charts"], "dpi": 400},
                               result.profile.settings["number_format"])
    assert chart_cache.plan_key(plan) == chart_cache.plan_key(plan)
    assert chart_cache.plan_key(plan) != chart_cache.plan_key(other)


def test_drawings_are_capped(kept, monkeypatch):
    monkeypatch.setattr(chart_cache, "_KEEP", 2)
    for n in range(4):
        chart_cache.keep(f"{n + 1:032d}", f"unit-{n}", {})
    assert len(list(kept.glob("*.pickle"))) == 2
    assert chart_cache.predicted("unit-3") and not chart_cache.predicted("unit-0")

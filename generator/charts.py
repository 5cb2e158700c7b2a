"""Charts 图1–图6 of 第三部分 (narrative.md §6), drawn with matplotlib from the same facts as the sentences.

图1 收入支出决算总计变动, 图4 财政拨款收支总计变动 and 图5 一般公共预算财政拨款支出变动 are two-year bars;
图2 收入构成, 图3 支出构成 and 图6 一般公共预算财政拨款支出结构 are pies (or horizontal bars) labelled with
exactly the shares the sentences print: `Narrative.shares` (complement rule) over the same parts and whole,
formatted by `numfmt` with the profile's number format.

Output per chart: an SVG for the PDF and a PNG (≥ 200 dpi) for the DOCX, both byte-identical for the same
input. All text is laid out and rasterised from the pinned body face (`fonts.prepared_fonts()["JS Serif"]`,
addressed by file, never looked up by name). In the SVG it is written, by `svg_text`:
- "text" (default): <text style="font-family: 'JS Serif'">. Verified: WeasyPrint draws SVG text with the
  document's font family (generator/render/pinned_fonts.py registers every pinned role under its role name)
  and embeds that subset, so the PDF shows the pinned glyphs in any viewer; the labels stay searchable,
  and the PDF stage takes no measurable extra time (with "path" ~0.5 s CPU more for six charts: WeasyPrint
  re-parses every glyph outline in Python). Outside WeasyPrint the page must supply the family.
- "path": glyph outlines (`svg.fonttype: path`), self-contained for consumers without the font.

Settings come from the profile's `charts:` mapping over the base profile's (`DEFAULT_SETTINGS`). Nothing here
imports matplotlib until a chart is actually drawn; `MPLCONFIGDIR` defaults to the juesuan cache so that
matplotlib's font list cache lands there (never in the working tree).
"""
from __future__ import annotations

import io
import math
import os
import re
import struct
import zlib
from contextlib import contextmanager
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from . import numfmt
from .cache import cache_root
from .fonts import prepared_fonts, with_whole_face
from .money import ZERO, cents
from .profile import ProfileError, fill, resolve

if TYPE_CHECKING:        # drawing needs neither: a build's chart painter imports this module without them
    from .compute import Facts
    from .narrate import Narrative

CHART_IDS = ("fig1", "fig2", "fig3", "fig4", "fig5", "fig6")
CHANGE_CHARTS = ("fig1", "fig4", "fig5")       # two-year comparisons: bars only

# Every key of the profile's `charts:` mapping with its default, wording included, as the base profile
# (templates/base/profile.yaml, where each key is explained) sets it: one source for builds and direct calls.
# A profile sets only the keys it changes (dicts merge key by key).
DEFAULT_SETTINGS: dict[str, Any] = resolve("base").settings["charts"]

INCOME_PARTS = (("fiscal", "财政拨款收入"), ("superior", "上级补助收入"), ("business", "事业收入"),
                ("operating", "经营收入"), ("affiliated", "附属单位上缴收入"), ("other", "其他收入"))
EXPENDITURE_PARTS = (("basic", "基本支出"), ("project", "项目支出"), ("upper", "上缴上级支出"),
                     ("operating", "经营支出"), ("subsidiary", "对附属单位补助支出"))

REASON_NO_PRIOR = "缺少上年数"
REASON_SINGLE = "仅有一项"
REASON_EMPTY = "无数据"


@dataclass(frozen=True)
class Chart:
    id: str                 # "fig1" … "fig6"
    caption: str            # from settings["captions"], slots filled
    svg: str                # deterministic SVG (glyphs as paths), "" for a note
    png: bytes              # deterministic PNG at settings["dpi"], b"" for a note
    note: str | None        # the sentence printed instead of a chart (when_missing / single_category: note)
    values: tuple           # numbers drawn: bars ((label, amount 万元), …); parts ((label, share %), …)
    kind: str = ""          # "bar" | "pie" | "" (note)
    amounts: tuple = ()     # parts: ((label, amount 万元), …); bars: same as values
    labels: tuple = ()      # every text string drawn in the chart, in drawing order

    def inline_svg(self) -> str:
        """The <svg> element for embedding in HTML: no XML prolog, and every id (and reference to it)
        prefixed with the chart id, so several charts can share one document without id clashes.
        (An <img src="data:image/svg+xml;base64,…"> of `svg` needs no such care.)"""
        if not self.svg:
            return ""
        body = self.svg[self.svg.index("<svg"):]
        body = _SVG_ID.sub(lambda m: f'{m.group(1)}="{self.id}-{m.group(2)}"', body)
        body = _SVG_HREF.sub(lambda m: f'{m.group(1)}="#{self.id}-{m.group(2)}"', body)
        return _SVG_URL.sub(lambda m: f"url(#{self.id}-{m.group(1)})", body)


_SVG_ID = re.compile(r'\b(id)="([^"]+)"')
_SVG_HREF = re.compile(r'\b((?:xlink:)?href)="#([^"]+)"')
_SVG_URL = re.compile(r"url\(#([^)]+)\)")


# ---------------------------------------------------------------- settings


def merged_settings(settings: dict | None) -> dict[str, Any]:
    """DEFAULT_SETTINGS overlaid with the profile's `charts:` mapping, validated."""
    out = {k: (dict(v) if isinstance(v, dict) else v) for k, v in DEFAULT_SETTINGS.items()}
    for key, value in (settings or {}).items():
        if key not in DEFAULT_SETTINGS:
            raise ProfileError(f"charts 设置中有未知项“{key}”（可用：{'、'.join(DEFAULT_SETTINGS)}）")
        if isinstance(DEFAULT_SETTINGS[key], dict):
            if not isinstance(value, dict):
                raise ProfileError(f"charts.{key} 应为映射")
            out[key].update(value)
        else:
            out[key] = value
    _choice(out, "when_missing", ("omit", "note"))
    _choice(out, "single_category", ("draw", "omit", "note"))
    _choice(out, "svg_text", ("path", "text"))
    for chart in out["figures"]:
        if chart not in CHART_IDS:
            raise ProfileError(f"charts.figures 中的“{chart}”不是图表编号（可用：{'、'.join(CHART_IDS)}）")
    for chart, kind in out["kinds"].items():
        allowed = ("bar",) if chart in CHANGE_CHARTS else ("pie", "bar")
        if chart not in CHART_IDS or kind not in allowed:
            raise ProfileError(f"charts.kinds.{chart} 应为 {' 或 '.join(allowed)}，实为“{kind}”")
    palette = out["palette"]
    if not isinstance(palette, list) or len(palette) < 2 or not all(_HEX.match(str(c)) for c in palette):
        raise ProfileError(f"charts.palette 应为至少两种 #RRGGBB 颜色，实为“{palette}”")
    size = out["size_cm"]
    if not (isinstance(size, list) and len(size) == 2 and all(_positive(v) for v in size)):
        raise ProfileError(f"charts.size_cm 应为 [宽, 高]（厘米），实为“{size}”")
    if not _positive(out["dpi"]) or float(out["dpi"]) < 200:
        raise ProfileError(f"charts.dpi 应为不低于 200 的数（DOCX 印制需要），实为“{out['dpi']}”")
    if not _positive(out["font_size"]) or float(out["font_size"]) < 6:
        raise ProfileError(f"charts.font_size 应为不小于 6 的磅值，实为“{out['font_size']}”")
    return out


_HEX = re.compile(r"^#[0-9A-Fa-f]{6}$")


def _positive(value) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool) and value > 0


def _choice(s: dict, key: str, allowed: tuple[str, ...]) -> None:
    if s[key] not in allowed:
        raise ProfileError(f"charts.{key} 应为 {' | '.join(allowed)}，实为“{s[key]}”")


# ---------------------------------------------------------------- data (no matplotlib)


@dataclass(frozen=True)
class _Bars:
    groups: tuple[str, ...]                     # x categories (收入总计, 支出总计) — one group: x = years
    series: tuple[str, ...]                     # (prior year label, current year label)
    values: tuple[tuple[Decimal, ...], ...]     # values[series][group]


@dataclass(frozen=True)
class _Parts:
    labels: tuple[str, ...]                     # non-zero parts only, in the sentence's order
    amounts: tuple[Decimal, ...]
    shares: tuple[Decimal, ...]                 # exactly the sentence's shares (complement rule)


def _prior(value, fallback=None) -> Decimal | None:
    chosen = value if value is not None else fallback
    return None if chosen is None else cents(chosen)


def _bars(groups: list[tuple[str, Decimal, Decimal | None]], years: tuple[str, str]) -> _Bars | str:
    if any(prior is None for _, _, prior in groups):
        return REASON_NO_PRIOR
    if all(cur == 0 and prior == 0 for _, cur, prior in groups):
        return REASON_EMPTY
    return _Bars(tuple(g for g, _, _ in groups), years,
                 (tuple(p for _, _, p in groups), tuple(c for _, c, _ in groups)))


def _parts(items: list[tuple[str, Decimal]], whole: Decimal, narrative: Narrative) -> _Parts | str:
    amounts = [value for _, value in items]
    shares = narrative.shares(amounts, whole)          # the same call the sentence makes (say.structure)
    kept = [(label, value, share) for (label, value), share in zip(items, shares) if value != 0]
    if not kept or whole <= 0 or any(v < 0 for v in amounts) or any(s is None for _, _, s in kept):
        return REASON_EMPTY
    return _Parts(tuple(k[0] for k in kept), tuple(k[1] for k in kept), tuple(k[2] for k in kept))


def chart_data(facts: Facts, narrative: Narrative, settings: dict) -> dict[str, _Bars | _Parts | str]:
    """What each chart shows, or the reason (str) it cannot be drawn. `settings` must be merged."""
    s = settings
    p = facts.prior
    years = (fill(s["year_label"], year=facts.year - 1), fill(s["year_label"], year=facts.year))
    words = s["labels"]
    out: dict[str, _Bars | _Parts | str] = {}
    out["fig1"] = _bars([(words["income_total"], facts.t01[31], _prior(p.income_total, p.total)),
                         (words["expenditure_total"], facts.t01[62], _prior(p.expenditure_total, p.total))], years)
    out["fig4"] = _bars([(words["income_total"], facts.t04_left[32], _prior(p.fiscal_income_total, p.fiscal_total)),
                         (words["expenditure_total"], facts.t04_right[64][0],
                          _prior(p.fiscal_expenditure_total, p.fiscal_total))], years)
    out["fig5"] = _bars([(words["gpb"], facts.gpb.total.get("total"), _prior(p.gpb_expenditure))], years)
    out["fig2"] = _parts([(label, facts.income.total.get(key)) for key, label in INCOME_PARTS],
                         facts.t01[27], narrative)
    out["fig3"] = _parts([(label, facts.expenditure.total.get(key)) for key, label in EXPENDITURE_PARTS],
                         facts.t01[58], narrative)
    classes = [(fill(words["class"], name=line.name, code=line.code,
                     short=line.name[:-2] if line.name.endswith("支出") else line.name), line.get("total"))
               for line in facts.gpb.at_level(1)]
    out["fig6"] = _parts(classes, facts.gpb.total.get("total"), narrative)
    return out


# ---------------------------------------------------------------- public entry


def build_charts(facts: Facts, narrative: Narrative, settings: dict | None,
                 number_format: dict | None = None) -> dict[str, Chart]:
    """图1–图6 for one publication, in figure order; a chart that cannot be drawn is absent (omit) or
    carries `note` (note). `settings` is the profile's `charts:` mapping (merged over DEFAULT_SETTINGS);
    `number_format` the profile's `number_format:` (default: the base profile's).

    Embedding: PDF — `<img src="data:image/svg+xml;base64,…">` of `svg` (allowed by the confined
    fetcher), or `inline_svg()`; with svg_text: text the PDF's pinned fonts supply the family.
    DOCX — `png` at size_cm[0] cm wide (its pHYs gives the same size at `dpi`)."""
    return draw_charts(plan_charts(facts, narrative, settings, number_format))


@dataclass(frozen=True)
class ChartPlan:
    """What build_charts draws, decided from the facts without matplotlib: per figure in order, its id,
    caption and either the finished Chart (a note) or the spec to draw. Plain data: it can be handed to the
    process that draws (build.py's painter)."""
    settings: dict
    number_format: dict
    figures: tuple[tuple[str, str, Chart | _Bars | _Parts], ...]

    @property
    def drawing(self) -> bool:
        return any(not isinstance(item, Chart) for _, _, item in self.figures)


def draw_charts(plan: ChartPlan) -> dict[str, Chart]:
    return {chart_id: item if isinstance(item, Chart)
            else _render(chart_id, caption, item, plan.settings, plan.number_format)
            for chart_id, caption, item in plan.figures}


def prepare_drawing() -> None:
    """Import matplotlib ahead of the first chart (what build.py's painter does while the input loads)."""
    _matplotlib()


def plan_charts(facts: Facts, narrative: Narrative, settings: dict | None,
                number_format: dict | None = None) -> ChartPlan:
    s = merged_settings(settings)
    fmt = number_format if number_format is not None else {}
    if not s["enabled"]:
        return ChartPlan(s, fmt, ())
    slots = {"year": facts.year, "prior_year": facts.year - 1}
    data = chart_data(facts, narrative, s)
    figures: list[tuple[str, str, Chart | _Bars | _Parts]] = []
    for chart_id in CHART_IDS:
        if chart_id not in s["figures"]:
            continue
        caption = fill(s["captions"][chart_id], **slots)
        spec = data[chart_id]
        reason = spec if isinstance(spec, str) else None
        rule = s["when_missing"]
        if isinstance(spec, _Parts) and len(spec.labels) == 1:     # one part at 100% (both seeds' 图2)
            reason, rule = REASON_SINGLE, s["single_category"]
        if reason is not None and rule != "draw":
            if rule == "note":
                note = Chart(chart_id, caption, "", b"", _note(s["note"], caption, reason, slots), ())
                figures.append((chart_id, caption, note))
            continue
        figures.append((chart_id, caption, spec))
    return ChartPlan(s, fmt, tuple(figures))


_NUMBER = re.compile(r"^(图[0-9０-９\-－]+)[：:]\s*")
_UNIT = re.compile(r"[（(]单位[：:][^）)]*[）)]\s*$")


def _note(pattern: str, caption: str, reason: str, slots: dict) -> str:
    match = _NUMBER.match(caption)
    number = match.group(1) if match else ""
    title = _UNIT.sub("", _NUMBER.sub("", caption)).strip()
    return fill(pattern, title=title, caption=caption, number=number, reason=reason, **slots)


# ---------------------------------------------------------------- drawing

_MPL: dict[str, Any] = {}


def _matplotlib() -> dict[str, Any]:
    """Import matplotlib once (Figure + Agg canvas; no pyplot, no Axes: every chart is drawn with patches,
    lines and texts placed in points, which halves the drawing time and keeps the layout explicit)."""
    if not _MPL:
        os.environ.setdefault("MPLCONFIGDIR", str(cache_root() / "matplotlib"))
        import matplotlib
        from matplotlib.backends.backend_agg import FigureCanvasAgg
        with _without_3d():
            from matplotlib.figure import Figure
        from matplotlib.font_manager import FontProperties, fontManager
        from matplotlib.lines import Line2D
        from matplotlib.patches import Rectangle, Wedge
        from matplotlib.transforms import Affine2D
        from matplotlib.textpath import TextToPath

        _MPL.update(matplotlib=matplotlib, FigureCanvasAgg=FigureCanvasAgg, Figure=Figure, Affine2D=Affine2D,
                    FontProperties=FontProperties, fontManager=fontManager, Line2D=Line2D, Rectangle=Rectangle,
                    Wedge=Wedge, TextToPath=TextToPath, registered=set())
    return _MPL


@contextmanager
def _without_3d():
    """matplotlib.figure imports the projections, which import mpl_toolkits.mplot3d (~0.07 s of the chart
    painter's start, on the build's critical path) only to register a 3-D projection no chart uses. Blocked
    for that import (matplotlib then warns that 3-D is unavailable, which is silenced); a later explicit
    import of mplot3d still works."""
    import sys
    import warnings

    blocked = "mpl_toolkits.mplot3d" not in sys.modules
    if blocked:
        sys.modules["mpl_toolkits.mplot3d"] = None      # type: ignore[assignment]
    try:
        with warnings.catch_warnings():
            warnings.filterwarnings("ignore", message="Unable to import Axes3D")
            yield
    finally:
        if blocked and sys.modules.get("mpl_toolkits.mplot3d", 0) is None:
            del sys.modules["mpl_toolkits.mplot3d"]


def _font_file(role: str) -> str:
    faces = prepared_fonts()
    if role not in faces:
        raise ProfileError(f"charts.font 应为固定字体之一（{'、'.join(faces)}），实为“{role}”")
    path = str(faces[role])
    mpl = _matplotlib()
    if path not in mpl["registered"]:
        mpl["fontManager"].addfont(path)      # registered for completeness; every Text below names the file
        mpl["registered"].add(path)
    return path


def _rc(s: dict) -> dict[str, Any]:
    return {
        "svg.hashsalt": "juesuan",           # stable ids (glyph and clip-path definitions)
        "svg.fonttype": "none" if s["svg_text"] == "text" else "path",
        "text.usetex": False,
        "text.parse_math": False,            # "$" or "%" in a label is text, never mathtext
        "figure.facecolor": "white",
        "savefig.facecolor": "white",
        "savefig.edgecolor": "white",
        "savefig.bbox": None,                # the drawing keeps exactly size_cm
        "savefig.pad_inches": 0,
    }


TEXT = "#000000"
AXIS = "#7F7F7F"
GRID = "#D9D9D9"
CM = 1 / 2.54


class _Canvas:
    """One figure with the pinned font; records every string drawn."""

    def __init__(self, s: dict):
        mpl = _matplotlib()
        self.mpl = mpl
        self.s = s
        self.width_cm, self.height_cm = (float(v) for v in s["size_cm"])
        self.dpi = float(s["dpi"])
        self.fig = mpl["Figure"](figsize=(self.width_cm * CM, self.height_cm * CM), dpi=self.dpi)
        mpl["FigureCanvasAgg"](self.fig)
        path = _font_file(s["font"])
        size = float(s["font_size"])
        # drawn from the file; the families are the CSS role name and its whole face, which SVG <text>
        # (svg_text: text) names for the PDF's pinned fonts (fonts.with_whole_face)
        family = with_whole_face(s["font"])
        self.font = mpl["FontProperties"](family=family, fname=path, size=size)
        self.small = mpl["FontProperties"](family=family, fname=path, size=size - 1)
        self.labels: list[str] = []
        self._measure = mpl["TextToPath"]()

    def width_pt(self, text: str, font) -> float:
        w, _, _ = self._measure.get_text_width_height_descent(text, font, ismath=False)
        return w

    def text(self, target, x, y, text, font=None, **kw):
        self.labels.append(text)
        return target.text(x, y, text, fontproperties=font or self.font, color=TEXT, parse_math=False, **kw)

    def save(self) -> tuple[str, bytes]:
        svg = io.BytesIO()
        self.fig.savefig(svg, format="svg", metadata={"Date": None, "Creator": "juesuan"})
        canvas = self.fig.canvas
        canvas.draw()                                    # Agg raster at the figure's dpi
        rgba = canvas.buffer_rgba()
        return svg.getvalue().decode("utf-8"), png_bytes(rgba, rgba.shape[1], rgba.shape[0], self.dpi)


def png_bytes(rgba, width: int, height: int, dpi: float) -> bytes:
    """A minimal PNG of an RGBA buffer (height × width × 4): RGB, 8 bit, filter 0, pHYs = dpi, no text or
    time chunks. Deterministic, and ~3× faster than Pillow's adaptive filtering for these flat drawings.
    Alpha is dropped (the background is opaque white)."""
    import numpy as np

    pixels = np.asarray(rgba, dtype=np.uint8).reshape(height, width, 4)
    rows = np.empty((height, 1 + width * 3), dtype=np.uint8)
    rows[:, 0] = 0                                       # filter type None on every scanline
    rows[:, 1:].reshape(height, width, 3)[...] = pixels[:, :, :3]
    per_metre = round(dpi / 0.0254)

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    return (b"\x89PNG\r\n\x1a\n"
            + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0))
            + chunk(b"pHYs", struct.pack(">IIB", per_metre, per_metre, 1))
            + chunk(b"IDAT", zlib.compress(rows, 1))
            + chunk(b"IEND", b""))


def _render(chart_id: str, caption: str, spec, s: dict, fmt: dict) -> Chart:
    mpl = _matplotlib()
    matplotlib = mpl["matplotlib"]
    with matplotlib.rc_context():
        matplotlib.rcdefaults()              # ignore any matplotlibrc (cwd, $MATPLOTLIBRC, MPLCONFIGDIR)
        matplotlib.rcParams.update(_rc(s))
        canvas = _Canvas(s)
        if isinstance(spec, _Bars):
            _draw_bars(canvas, spec, fmt)
            values = tuple((f"{series}{group}", spec.values[i][j])
                           for j, group in enumerate(spec.groups) for i, series in enumerate(spec.series))
            kind, amounts = "bar", values
        else:
            labels = [f"{numfmt.percent(share, fmt)}%" for share in spec.shares]
            if s["kinds"].get(chart_id, "pie") == "pie":
                _draw_pie(canvas, spec, labels)
                kind = "pie"
            else:
                _draw_part_bars(canvas, spec, labels)
                kind = "bar"
            values = tuple(zip(spec.labels, spec.shares))
            amounts = tuple(zip(spec.labels, spec.amounts))
        svg, png = canvas.save()
    return Chart(chart_id, caption, svg, png, None, values, kind, amounts, tuple(canvas.labels))


def _amount(value: Decimal | float, fmt: dict) -> str:
    if not isinstance(value, Decimal):
        value = Decimal(repr(round(float(value), 6)))
    return numfmt.amount(cents(value), fmt)


def _tick(value: float, fmt: dict) -> str:
    """An axis tick: whole numbers without decimals (even where the text keeps two: 山西 100.00)."""
    if abs(value - round(value)) < 1e-9:
        whole = int(round(value))
        return f"{whole:,}" if fmt.get("text_thousands", True) else str(whole)
    return _amount(value, {**fmt, "text_trim_zeros": True})


def _nice_ticks(peak: float) -> list[float]:
    """0 and 3–6 round steps (1, 2, 2.5, 5 × 10ⁿ) up to the smallest tick ≥ peak."""
    if peak <= 0:
        return [0.0, 1.0]
    raw = peak / 5
    power = 10 ** math.floor(math.log10(raw))
    step = next(m * power for m in (1, 2, 2.5, 5, 10) if m * power >= raw)
    count = math.ceil(peak / step - 1e-9)
    return [k * step for k in range(count + 1)]


def _draw_bars(c: _Canvas, spec: _Bars, fmt: dict) -> None:
    """Prior year (lighter) beside current year (darker) with the amounts on top; a top row with the
    unit note (left) and, for grouped bars, the year legend (right). Drawn on the figure in points
    (no Axes: half the cost), so every position is computed here."""
    fig, s = c.fig, c.s
    W, H = c.width_cm * CM * 72, c.height_cm * CM * 72
    at = c.mpl["Affine2D"]().scale(1 / 72) + fig.dpi_scale_trans          # points from bottom left
    Rect, Line = c.mpl["Rectangle"], c.mpl["Line2D"]
    palette = s["palette"]
    colours = (palette[1], palette[0])
    size = c.font.get_size_in_points()
    single = len(spec.groups) == 1

    peak = max(float(v) for row in spec.values for v in row)
    ticks = _nice_ticks(peak * 1.15)                          # 15 % headroom for the value labels
    tick_labels = [_tick(t, fmt) for t in ticks]
    top_value = ticks[-1]                                     # the axis ends on its top grid line
    left = 8.0 + max(c.width_pt(t, c.small) for t in tick_labels) + 6.0
    right, bottom, row = W - 8.0, size * 2.4, H - size * 1.2
    ceiling = row - size * 1.6
    scale = (ceiling - bottom) / top_value

    def y(value: float) -> float:
        return bottom + value * scale

    for t, label in zip(ticks, tick_labels):                 # grid, tick labels
        if t > 0:
            fig.add_artist(Line([left, right], [y(t), y(t)], color=GRID, linewidth=0.6, zorder=0.5, transform=at))
        c.text(fig, left - 5.0, y(t), label, font=c.small, ha="right", va="center_baseline", transform=at)
    fig.add_artist(Line([left, left], [bottom, ceiling], color=AXIS, linewidth=0.6, zorder=2, transform=at))

    slots = 2 if single else len(spec.groups)                # x: equal slots, bars centred in each
    slot = (right - left) / slots
    if single:
        width = slot * 0.42
        centres = [[left + slot * 0.5], [left + slot * 1.5]]
        x_labels = [(left + slot * (k + 0.5), spec.series[k]) for k in range(2)]
    else:
        width, gap = slot * 0.3, slot * 0.04
        centres = [[left + slot * (g + 0.5) - (width + gap) / 2 for g in range(slots)],
                   [left + slot * (g + 0.5) + (width + gap) / 2 for g in range(slots)]]
        x_labels = [(left + slot * (g + 0.5), group) for g, group in enumerate(spec.groups)]
    for i in range(len(spec.series)):
        for x, v in zip(centres[i], spec.values[i]):
            fig.add_artist(Rect((x - width / 2, bottom), width, float(v) * scale, facecolor=colours[i],
                                edgecolor="none", zorder=1, transform=at))
            c.text(fig, x, y(float(v)) + 2.5, _amount(v, fmt), font=c.small, ha="center", va="baseline",
                   transform=at)
    fig.add_artist(Line([left, right], [bottom, bottom], color=AXIS, linewidth=0.6, zorder=2, transform=at))
    for x, label in x_labels:
        c.text(fig, x, bottom - 4.0, label, ha="center", va="top", transform=at)

    if s["unit_note"]:
        c.text(fig, left, row, s["unit_note"], font=c.small, ha="left", va="center_baseline", transform=at)
    if not single:                                           # legend: ■ 2023年   ■ 2024年, right-aligned
        box, pad, spacing = size * 0.8, size * 0.45, size * 1.3
        widths = [c.width_pt(t, c.font) for t in spec.series]
        x = right - sum(box + pad + w for w in widths) - spacing * (len(widths) - 1)
        for colour, label, w in zip(colours, spec.series, widths):
            fig.add_artist(Rect((x, row - box / 2), box, box, facecolor=colour, edgecolor="none", transform=at))
            c.text(fig, x + box + pad, row, label, ha="left", va="center_baseline", transform=at)
            x += box + pad + w + spacing


def _draw_pie(c: _Canvas, spec: _Parts, pct: list[str]) -> None:
    """Wedges clockwise from 12 o'clock; outside labels “名称 48.6%” in a column on each side, joined to
    their wedges by leader lines and spread at least one line apart. Pie and labels are centred as a
    whole; long labels shrink the pie, then (down to 8 pt) the label font.

    Drawn straight on the figure in points from its centre (no Axes: a third of the cost)."""
    fig, s = c.fig, c.s
    W, H = c.width_cm * CM * 72, c.height_cm * CM * 72        # points
    total = sum(spec.amounts, ZERO)
    several = len(spec.amounts) > 1
    sweeps, anchors, angle = [], [], 90.0
    for amount in spec.amounts:
        sweep = 360.0 * float(amount / total)
        sweeps.append((angle - sweep, angle))
        anchors.append(math.radians(angle - sweep / 2 if several else 0.0))
        angle -= sweep
    right = [math.cos(a) >= -1e-9 for a in anchors]
    texts = [f"{label} {p}" for label, p in zip(spec.labels, pct)]
    elbow, gap, margin = 10.0, 6.0, 6.0
    font = c.font
    for size in (font.get_size_in_points(), 10.0, 9.0, 8.0):
        font = font.copy()
        font.set_size(size)
        widths = [c.width_pt(t, font) for t in texts]
        wl = max([w for w, r in zip(widths, right) if not r], default=0.0)
        wr = max([w for w, r in zip(widths, right) if r], default=0.0)
        radius = min(H * 0.36, (W - 2 * margin - wl - wr) / 2 - elbow - gap)
        if radius >= H * 0.25:
            break
    radius = max(radius, H * 0.18)
    cx = (wl - wr) / 2                                          # centre pie + labels as one block
    at = c.mpl["Affine2D"]().translate(W / 2 + cx, H / 2).scale(1 / 72) + fig.dpi_scale_trans
    colours = _wedge_colours(len(spec.amounts), s["palette"])
    for (start, stop), colour in zip(sweeps, colours):
        fig.add_artist(c.mpl["Wedge"]((0, 0), radius, start, stop, facecolor=colour, edgecolor="white",
                                      linewidth=1.0 if several else 0, transform=at))
    line = font.get_size_in_points() * 1.45                    # vertical pitch of the labels
    limit = H / 2 - line / 2 - 2.0
    for side in (1, -1):
        idx = [i for i in range(len(anchors)) if right[i] == (side == 1)]
        idx.sort(key=lambda i: -math.sin(anchors[i]))          # top to bottom
        ys = _spread([(radius + elbow) * math.sin(anchors[i]) for i in idx], line, limit)
        x_text = side * (radius + elbow + gap)
        for i, y in zip(idx, ys):
            a = anchors[i]
            x0, y0 = radius * math.cos(a), radius * math.sin(a)
            x1, y1 = (radius + elbow * 0.6) * math.cos(a), (radius + elbow * 0.6) * math.sin(a)
            fig.add_artist(c.mpl["Line2D"]([x0, x1, x_text - side * 2.0], [y0, y1, y], color=AXIS,
                                           linewidth=0.6, solid_joinstyle="miter", transform=at))
            c.text(fig, x_text, y, texts[i], font=font, ha="left" if side == 1 else "right",
                   va="center_baseline", transform=at)


def _wedge_colours(n: int, palette: list[str]) -> list[str]:
    """Palette colours in order; the last slice (which touches the first) never repeats its neighbours."""
    colours = [palette[i % len(palette)] for i in range(n)]
    if n > 2 and colours[-1] == colours[0]:
        spare = [c for c in palette if c not in (colours[0], colours[-2])]
        if spare:
            colours[-1] = spare[0]
    return colours


def _spread(ys: list[float], pitch: float, limit: float) -> list[float]:
    """Top-to-bottom label positions moved apart to `pitch`, kept within ±limit (narrow-first packing)."""
    if not ys:
        return ys
    out = [max(-limit, min(limit, y)) for y in ys]
    for i in range(1, len(out)):                            # push down
        out[i] = min(out[i], out[i - 1] - pitch)
    overflow = -limit - out[-1]
    if overflow > 0:                                        # shift the column up, then re-pack downwards
        out[-1] = -limit
        for i in range(len(out) - 2, -1, -1):
            out[i] = max(out[i], out[i + 1] + pitch)
    top = out[0] - limit
    if top > 0:                                             # too many labels for the height: compress
        span = 2 * limit
        step = span / max(len(out) - 1, 1)
        out = [limit - k * step for k in range(len(out))]
    return out


def _draw_part_bars(c: _Canvas, spec: _Parts, pct: list[str]) -> None:
    """Horizontal bars on a 0–100 % scale, one per part top to bottom, each labelled with the
    sentence's share; names in a right-aligned column on the left. Drawn on the figure in points."""
    fig, s = c.fig, c.s
    W, H = c.width_cm * CM * 72, c.height_cm * CM * 72
    at = c.mpl["Affine2D"]().scale(1 / 72) + fig.dpi_scale_trans
    n = len(spec.labels)
    names_width = max(c.width_pt(t, c.font) for t in spec.labels)
    shares_width = max(c.width_pt(t, c.small) for t in pct)
    left = min(W * 0.45, 8.0 + names_width + 8.0)
    length = W - 8.0 - shares_width - 4.0 - left              # 100 %
    top, bottom = H - 8.0, 8.0
    pitch = min((top - bottom) / n, c.font.get_size_in_points() * 2.6)
    first = (top + bottom) / 2 + pitch * (n - 1) / 2           # centre the rows vertically
    fig.add_artist(c.mpl["Line2D"]([left, left], [first + pitch / 2, first - pitch * (n - 0.5)], color=AXIS,
                                   linewidth=0.6, zorder=2, transform=at))
    for k, (name, share, text) in enumerate(zip(spec.labels, spec.shares, pct)):
        y = first - k * pitch
        bar = length * float(share) / 100
        fig.add_artist(c.mpl["Rectangle"]((left, y - pitch * 0.3), bar, pitch * 0.6, facecolor=s["palette"][0],
                                          edgecolor="none", zorder=1, transform=at))
        c.text(fig, left - 6.0, y, name, ha="right", va="center_baseline", transform=at)
        c.text(fig, left + bar + 4.0, y, text, font=c.small, ha="left", va="center_baseline", transform=at)

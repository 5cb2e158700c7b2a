"""Drawing 图1–图6 with matplotlib: an SVG for the PDF and a PNG (≥ 200 dpi) for the DOCX per chart,
both byte-identical for the same plan and font.

Text is laid out and rasterised from the chart font's file (fonts.font_file), never looked up by name. In
the SVG it is written, by `svg_text`:
- "text" (default): <text style="font-family: …"> with the document's family, which WeasyPrint draws with
  the PDF's own fonts, so the labels stay searchable;
- "path": glyph outlines (`svg.fonttype: path`), self-contained for consumers without the font.
`MPLCONFIGDIR` defaults to the juesuan cache so matplotlib's font list cache never lands in the working tree.
"""
from __future__ import annotations

import io
import math
import os
import struct
import zlib
from decimal import Decimal
from typing import Any

from ..cache import foreign_dir
from .. import fonts
from ..input.money import ZERO, cents
from ..profile import ProfileError, numfmt
from . import cache
from .plan import Bars, Chart, ChartPlan, Parts


def draw_charts(plan: ChartPlan) -> dict[str, Chart]:
    """Every chart of the plan in figure order (notes as they are): kept from an earlier build with the same
    plan, code and font (cache.py), else drawn now."""
    if not plan.drawing:
        return {chart_id: item for chart_id, _, item in plan.figures}
    face = _face(plan.settings["font"])             # no matplotlib import when the charts are kept
    stat = os.stat(face.file)
    key = cache.plan_key(plan, f"{face.file}\0{face.index}\0{stat.st_size}\0{stat.st_mtime_ns}")
    charts = cache.recall(key)
    if charts is None:
        charts = {chart_id: item if isinstance(item, Chart)
                  else _render(chart_id, caption, item, plan.settings, plan.number_format)
                  for chart_id, caption, item in plan.figures}
        cache.keep(key, charts)
    return charts


# ---------------------------------------------------------------- drawing

_MPL: dict[str, Any] = {}


def _matplotlib() -> dict[str, Any]:
    """Import matplotlib once (Figure + Agg canvas; no pyplot, no Axes: every chart is drawn with patches,
    lines and texts placed in points, which halves the drawing time and keeps the layout explicit)."""
    if not _MPL:
        os.environ.setdefault("MPLCONFIGDIR", foreign_dir("matplotlib"))
        import matplotlib
        from matplotlib.backends.backend_agg import FigureCanvasAgg
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


def _font_spec(font: str) -> str:
    """charts.font: a role of the profile's `fonts:` (body, table…), a family or an older role name."""
    spec = fonts.roles_of({}).get(font) or font
    return fonts.LEGACY.get(spec, spec)


def _face(font: str) -> fonts.Face:
    """The chart font's face, found like the PDF's fonts."""
    try:
        return fonts.face_for(_font_spec(font))
    except fonts.FontError as error:
        raise ProfileError(f"charts.font：{error}") from None


def _font_file(font: str):
    """The file every Text names, with its index in a collection (matplotlib's FontPath): never looked up by
    family, so the drawing cannot substitute a font."""
    from matplotlib.font_manager import FontPath

    face = _face(font)
    return FontPath(face.file, face.index)


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
    """One figure drawn with the chart font's file; records every string drawn."""

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
        # drawn from the file; the family is what SVG <text> (svg_text: text) names for the PDF's fonts
        family = fonts.parse(_font_spec(s["font"]))[0]
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
        if isinstance(spec, Bars):
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


def _draw_bars(c: _Canvas, spec: Bars, fmt: dict) -> None:
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


def _draw_pie(c: _Canvas, spec: Parts, pct: list[str]) -> None:
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


def _draw_part_bars(c: _Canvas, spec: Parts, pct: list[str]) -> None:
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

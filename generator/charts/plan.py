"""What 图1–图6 of 第三部分 show (narrative.md §6), decided from the facts without matplotlib.

图1 收入支出决算总计变动, 图4 财政拨款收支总计变动 and 图5 一般公共预算财政拨款支出变动 are two-year bars;
图2 收入构成, 图3 支出构成 and 图6 一般公共预算财政拨款支出结构 are pies (or horizontal bars) labelled with
exactly the shares the sentences print: `Narrative.shares` (complement rule) over the same parts and whole.
Settings come from the profile's `charts:` mapping over the base profile's (`DEFAULT_SETTINGS`).
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from ..input.money import cents
from ..profile import ProfileError, fill, resolve

if TYPE_CHECKING:
    from ..facts.compute import Facts
    from ..facts.narrative import Narrative

CHART_IDS = ("fig1", "fig2", "fig3", "fig4", "fig5", "fig6")
CHANGE_CHARTS = ("fig1", "fig4", "fig5")       # two-year comparisons: bars only

# Every key of the profile's `charts:` mapping with its default, wording included, as the base profile
# (templates/base/profile.yaml, where each key is explained) sets it: one source for builds and direct calls.
# A profile sets only the keys it changes (dicts merge key by key).
DEFAULT_SETTINGS: dict[str, Any] = resolve("base").settings["charts"]


# Why a chart is not drawn; printed through charts.reasons[…] in a note (when_missing / single_category: note)
REASON_NO_PRIOR = "no_prior"
REASON_SINGLE = "single"
REASON_EMPTY = "empty"


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
class Bars:
    groups: tuple[str, ...]                     # x categories (收入总计, 支出总计) — one group: x = years
    series: tuple[str, ...]                     # (prior year label, current year label)
    values: tuple[tuple[Decimal, ...], ...]     # values[series][group]


@dataclass(frozen=True)
class Parts:
    labels: tuple[str, ...]                     # non-zero parts only, in the sentence's order
    amounts: tuple[Decimal, ...]
    shares: tuple[Decimal, ...]                 # exactly the sentence's shares (complement rule)


def _prior(value, fallback=None) -> Decimal | None:
    chosen = value if value is not None else fallback
    return None if chosen is None else cents(chosen)


def _bars(groups: list[tuple[str, Decimal, Decimal | None]], years: tuple[str, str]) -> Bars | str:
    if any(prior is None for _, _, prior in groups):
        return REASON_NO_PRIOR
    if all(cur == 0 and prior == 0 for _, cur, prior in groups):
        return REASON_EMPTY
    return Bars(tuple(g for g, _, _ in groups), years,
                 (tuple(p for _, _, p in groups), tuple(c for _, c, _ in groups)))


def _parts(items: list[tuple[str, Decimal]], whole: Decimal, narrative: Narrative) -> Parts | str:
    amounts = [value for _, value in items]
    shares = narrative.shares(amounts, whole)          # the same call the sentence makes (say.structure)
    kept = [(label, value, share) for (label, value), share in zip(items, shares) if value != 0]
    if not kept or whole <= 0 or any(v < 0 for v in amounts) or any(s is None for _, _, s in kept):
        return REASON_EMPTY
    return Parts(tuple(k[0] for k in kept), tuple(k[1] for k in kept), tuple(k[2] for k in kept))


def chart_data(facts: Facts, narrative: Narrative, settings: dict) -> dict[str, Bars | Parts | str]:
    """What each chart shows, or the reason (str) it cannot be drawn. `settings` must be merged."""
    s = settings
    p = facts.prior
    years = (fill(s["year_label"], year=facts.year - 1), fill(s["year_label"], year=facts.year))
    words = s["labels"]
    out: dict[str, Bars | Parts | str] = {}
    out["fig1"] = _bars([(words["income_total"], facts.t01[31], _prior(p.income_total, p.total)),
                         (words["expenditure_total"], facts.t01[62], _prior(p.expenditure_total, p.total))], years)
    out["fig4"] = _bars([(words["income_total"], facts.t04_left[32], _prior(p.fiscal_income_total, p.fiscal_total)),
                         (words["expenditure_total"], facts.t04_right[64][0],
                          _prior(p.fiscal_expenditure_total, p.fiscal_total))], years)
    out["fig5"] = _bars([(words["gpb"], facts.gpb.total.get("total"), _prior(p.gpb_expenditure))], years)
    # parts named as in the sentences: the profile's labels.income / labels.expenditure
    out["fig2"] = _parts([(label, facts.income.total.get(key)) for key, label in words["income_parts"].items()],
                         facts.t01[27], narrative)
    out["fig3"] = _parts([(label, facts.expenditure.total.get(key))
                          for key, label in words["expenditure_parts"].items()], facts.t01[58], narrative)
    classes = [(fill(words["class"], name=line.name, code=line.code,
                     short=line.name[:-2] if line.name.endswith("支出") else line.name), line.get("total"))
               for line in facts.gpb.at_level(1)]
    out["fig6"] = _parts(classes, facts.gpb.total.get("total"), narrative)
    return out


# ---------------------------------------------------------------- public entry


@dataclass(frozen=True)
class ChartPlan:
    """What draw_charts draws, decided from the facts without matplotlib: per figure in order, its id,
    caption and either the finished Chart (a note) or the spec to draw."""
    settings: dict
    number_format: dict
    figures: tuple[tuple[str, str, Chart | Bars | Parts], ...]

    @property
    def drawing(self) -> bool:
        return any(not isinstance(item, Chart) for _, _, item in self.figures)


def plan_charts(facts: Facts, narrative: Narrative, settings: dict | None,
                number_format: dict | None = None) -> ChartPlan:
    s = merged_settings(settings)
    fmt = number_format if number_format is not None else {}
    if not s["enabled"]:
        return ChartPlan(s, fmt, ())
    slots = {"year": facts.year, "prior_year": facts.year - 1}
    data = chart_data(facts, narrative, s)
    figures: list[tuple[str, str, Chart | Bars | Parts]] = []
    for chart_id in CHART_IDS:
        if chart_id not in s["figures"]:
            continue
        caption = fill(s["captions"][chart_id], **slots)
        spec = data[chart_id]
        reason = spec if isinstance(spec, str) else None
        rule = s["when_missing"]
        if isinstance(spec, Parts) and len(spec.labels) == 1:     # one part at 100% (both seeds' 图2)
            reason, rule = REASON_SINGLE, s["single_category"]
        if reason is not None and rule != "draw":
            if rule == "note":
                note = Chart(chart_id, caption, "", b"", _note(s["note"], caption, reason, slots, s["reasons"]), ())
                figures.append((chart_id, caption, note))
            continue
        figures.append((chart_id, caption, spec))
    return ChartPlan(s, fmt, tuple(figures))


_NUMBER = re.compile(r"^(图[0-9０-９\-－]+)[：:]\s*")
_UNIT = re.compile(r"[（(]单位[：:][^）)]*[）)]\s*$")


def _note(pattern: str, caption: str, reason: str, slots: dict, reasons: dict) -> str:
    match = _NUMBER.match(caption)
    number = match.group(1) if match else ""
    title = _UNIT.sub("", _NUMBER.sub("", caption)).strip()
    return fill(pattern, title=title, caption=caption, number=number, reason=reasons.get(reason, reason), **slots)

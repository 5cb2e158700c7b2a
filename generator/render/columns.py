"""The HTML table model (rows, rowspan/colspan grid) and column widths estimated from the text, for both writers.

The rule is CSS's automatic table layout: each column gets its widest cell's min-content width (the longest
unbreakable run) and max-content width (everything on one line); a spanning cell that needs more widens its
columns evenly; then the columns are stretched in proportion to their max-content widths when everything
fits on one line, interpolated between min and max when it does not, and shrunk in proportion to their
min-content widths when even that is too wide. Text widths come from per-character advances instead of a
text-layout engine: the DOCX fixes its grid with the result (Word, WPS and LibreOffice then agree), and the
PDF hands it to WeasyPrint as <col> widths under `table-layout: fixed`, which spares measuring every cell
twice with Pango (about 1.5 s of CPU in a 70-page publication).
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from typing import Callable

from .units import local


@dataclass
class Cell:
    node: object
    row: int
    col: int
    colspan: int
    rowspan: int
    segments: object              # what the writer made of the cell's content


def _span(node, name: str) -> int:
    try:
        return max(0, int(node.get(name, "1")))
    except ValueError:
        return 1


def _rows(table) -> list[tuple[object, bool, int]]:
    """(tr, in thead, row group) in document order; a bare <tr> (no tbody) forms its own group."""
    rows = []
    for group_index, group in enumerate(c for c in table if isinstance(c.tag, str)):
        name = local(group)
        if name == "tr":
            rows.append((group, False, -1))
        elif name in ("thead", "tbody", "tfoot"):
            rows += [(tr, name == "thead", group_index) for tr in group if local(tr) == "tr"]
    return rows


def layout(table, segments_of) -> tuple[list[tuple[object, bool]], list[list[Cell | None]], int]:
    """Rows, and the grid: grid[r][c] is the Cell covering that slot (or None)."""
    rows = _rows(table)
    group_end: dict[int, int] = {}
    for index, (_, _, group) in enumerate(rows):
        group_end[group] = index
    occupied: list[dict[int, Cell]] = [dict() for _ in rows]
    ncols = 0
    for r, (tr, _, group) in enumerate(rows):
        c = 0
        for node in tr:
            if local(node) not in ("td", "th"):
                continue
            while c in occupied[r]:
                c += 1
            last_row = group_end[group]
            colspan = _span(node, "colspan") or 1
            rowspan = min(_span(node, "rowspan") or (last_row - r + 1), last_row - r + 1)  # 0: to the group end
            cell = Cell(node, r, c, colspan, rowspan, segments_of(node))
            for rr in range(r, r + rowspan):
                for cc in range(c, c + colspan):
                    occupied[rr][cc] = cell
            c += colspan
        ncols = max([ncols, c] + [k + 1 for k in occupied[r]])
    grid = [[occ.get(c) for c in range(ncols)] for occ in occupied]
    return [(tr, head) for tr, head, _ in rows], grid, ncols


# Line-breaking rules that matter for the narrowest width (a subset of UAX #14 and Chinese kinsoku):
# no break after an opening bracket or quote, none before closing punctuation.
_OPENING = set("（([{【《〈「『“‘〔〖")
_CLOSING = set("）)]}】》〉」』”’〕〗，。、；：？！,.;:?!%‰…·")


def _wide(ch: str) -> bool:
    return unicodedata.east_asian_width(ch) in "WFA"


def content_extent(text: str, advance: Callable[[str], float], size: float, nowrap: bool) -> tuple[float, float]:
    """(min-content, max-content) of one text, `advance` in em per character, times `size`.

    CJK text may break before and after any wide character, other text only after a space."""
    widths = [advance(ch) for ch in text]
    full = sum(widths)
    if nowrap:
        return full * size, full * size
    narrowest, run = 0.0, 0.0
    for i, (ch, w) in enumerate(zip(text, widths)):
        if ch == " ":
            narrowest, run = max(narrowest, run), 0.0
            continue
        before = text[i - 1] if i else " "
        if before != " " and (_wide(before) or _wide(ch)) and before not in _OPENING and ch not in _CLOSING:
            narrowest, run = max(narrowest, run), 0.0
        run += w
    return max(narrowest, run) * size, full * size


def col_percentages(table, width_of: Callable[[object], str | None], ncols: int) -> list[float] | None:
    """The <col> widths in % (from the CSS or a width attribute) when every column has one, else None."""
    cols: list[float | None] = []
    for node in table.iter():
        if local(node) == "col":
            width = width_of(node) or node.get("width") or ""
            match = re.fullmatch(r"\s*(\d+(?:\.\d+)?)%\s*", width)
            try:
                span = max(1, int(node.get("span", "1")))
            except ValueError:
                span = 1
            cols += [float(match.group(1)) if match else None] * span
    if len(cols) != ncols or None in cols or not sum(cols):     # type: ignore[arg-type]
        return None
    return cols                                                   # type: ignore[return-value]


def content_widths(grid: list[list[Cell | None]], ncols: int, floor: float,
                   extent: Callable[[Cell], tuple[float, float]]) -> tuple[list[float], list[float]]:
    """Each column's (min-content, max-content) width; `extent(cell)` is the cell's (min, max) width including
    its padding, `floor` the width of an empty column."""
    lo, hi = [floor] * ncols, [floor] * ncols
    spanning, seen = [], set()
    for row in grid:
        for cell in row:
            if cell is None or id(cell) in seen:
                continue
            seen.add(id(cell))
            a, b = extent(cell)
            if cell.colspan == 1:
                lo[cell.col], hi[cell.col] = max(lo[cell.col], a), max(hi[cell.col], b)
            else:
                spanning.append((cell, a, b))
    for cell, a, b in spanning:       # a spanning cell that needs more room widens its columns evenly
        cols = range(cell.col, cell.col + cell.colspan)
        for values, need in ((lo, a), (hi, b)):
            short = need - sum(values[c] for c in cols)
            if short > 0:
                for c in cols:
                    values[c] += short / cell.colspan
    return lo, hi


def auto_widths(grid: list[list[Cell | None]], ncols: int, avail: float, floor: float,
                extent: Callable[[Cell], tuple[float, float]], shrink: bool = True) -> list[float]:
    """Column widths summing to `avail` (see content_widths). When even the min-content widths do not fit,
    they are shrunk to `avail` (the DOCX) or, with shrink=False, returned as they are (more than `avail`: the
    PDF widens the table rather than let text leave its cells)."""
    lo, hi = content_widths(grid, ncols, floor, extent)
    if sum(hi) <= avail:
        return [h * avail / sum(hi) for h in hi]
    if sum(lo) <= avail:
        room = sum(h - l for h, l in zip(hi, lo)) or 1.0
        return [l + (avail - sum(lo)) * (h - l) / room for l, h in zip(lo, hi)]
    return [l * avail / sum(lo) for l in lo] if shrink else lo


def declared_widths(percentages: list[float], lo: list[float], avail: float) -> list[float] | None:
    """The CSS's column widths (in %) over `avail`, each column widened to its min-content width where the CSS
    gives it less, taken from the columns with room to spare; None when the declared widths fit as they are."""
    widths = [p * avail / sum(percentages) for p in percentages]
    short = sum(max(0.0, l - w) for l, w in zip(lo, widths))
    if short <= 0.5:
        return None
    spare = [max(0.0, w - l) for l, w in zip(lo, widths)]
    take = min(1.0, short / (sum(spare) or 1.0))
    return [max(l, w - s * take) for l, w, s in zip(lo, widths, spare)]

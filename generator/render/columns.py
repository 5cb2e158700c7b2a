"""Column widths of an HTML table estimated from its text, for both writers.

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
from typing import Callable, Protocol


class GridCell(Protocol):
    node: object
    col: int
    colspan: int


def breaks_around(ch: str) -> bool:
    """CJK text may break before and after any wide character; other text only at spaces."""
    return ch == " " or unicodedata.east_asian_width(ch) in "WFA"


def content_extent(text: str, advance: Callable[[str], float], size: float, nowrap: bool) -> tuple[float, float]:
    """(min-content, max-content) of one text, `advance` in em per character, times `size`."""
    widths = [advance(ch) for ch in text]
    full = sum(widths)
    if nowrap:
        return full * size, full * size
    narrowest, word = 0.0, 0.0
    for ch, w in zip(text, widths):
        if breaks_around(ch):
            narrowest, word = max(narrowest, word, 0.0 if ch == " " else w), 0.0
        else:
            word += w
    return max(narrowest, word) * size, full * size


def col_percentages(table, width_of: Callable[[object], str | None], ncols: int) -> list[float] | None:
    """The <col> widths in % (from the CSS or a width attribute) when every column has one, else None."""
    cols: list[float | None] = []
    for node in table.iter():
        if node.tag == "col" or (isinstance(node.tag, str) and node.tag.endswith("}col")):
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


def auto_widths(grid: list[list[GridCell | None]], ncols: int, avail: float, floor: float,
                extent: Callable[[GridCell], tuple[float, float]]) -> list[float]:
    """Column widths summing to `avail`; `extent(cell)` is the cell's (min, max) width including its padding,
    `floor` the width of an empty column."""
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
    if sum(hi) <= avail:
        return [h * avail / sum(hi) for h in hi]
    if sum(lo) <= avail:
        room = sum(h - l for h, l in zip(hi, lo)) or 1.0
        return [l + (avail - sum(lo)) * (h - l) / room for l, h in zip(lo, hi)]
    return [l * avail / sum(lo) for l in lo]

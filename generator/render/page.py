"""The profile's `page:` settings as paper geometry (twips): the values the PDF's @page rules are generated
from, used by the DOCX's sections and by the column estimate for each table's text width."""
from __future__ import annotations

from .units import length_twips

_PAPER_MM = {"a3": (297, 420), "a4": (210, 297), "a5": (148, 210), "b5": (176, 250),
             "letter": (215.9, 279.4), "legal": (215.9, 355.6)}


def _length(token: str) -> int:
    try:
        return length_twips(token)
    except ValueError:
        raise ValueError(f"版式 page 设置中无法识别的长度：{token}") from None


def _box(value: str) -> tuple[int, int, int, int]:
    """CSS margin shorthand (1–4 lengths) → (top, right, bottom, left) in twips."""
    v = [_length(t) for t in str(value).split()]
    v = {1: v * 4, 2: v * 2, 3: v + v[1:2], 4: v}.get(len(v))
    if v is None:
        raise ValueError(f"版式 page 设置中无法识别的边距：{value}")
    return tuple(v)  # type: ignore[return-value]


class Page:
    """The profile's `page:` settings — the values the PDF's @page rules are generated from."""

    def __init__(self, settings: dict):
        size = str(settings.get("size", "A4")).lower().split()
        named = [t for t in size if t in _PAPER_MM]
        if named or len(size) < 2:
            w, h = (round(mm * 1440 / 25.4) for mm in _PAPER_MM[named[0] if named else "a4"])
        else:
            w, h = _length(size[0]), _length(size[1])
        self.width, self.height = min(w, h), max(w, h)
        self.margin = _box(settings.get("margin", "37mm 26mm 35mm 28mm"))
        self.landscape_margin = _box(settings.get("landscape_margin", settings.get("margin", "20mm")))
        self.footer = str(settings.get("footer") or "— {page} —")

    def text_width(self, landscape: bool) -> int:
        _, right, _, left = self.landscape_margin if landscape else self.margin
        return (self.height if landscape else self.width) - left - right

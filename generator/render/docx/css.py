"""CSS → Word: the direct formatting a paragraph or run needs beyond its Word style, read from the
profile's cascaded CSS (cascade.py)."""
from __future__ import annotations

from ..cascade import Computed
from .styles import face, resolved
from .wordml import collapse, inline_segments

_JC = {"justify": "both", "center": "center", "right": "right", "end": "right", "left": "left", "start": "left"}


class Look:
    """CSS → Word: which direct formatting a paragraph needs beyond its style."""

    def __init__(self, css: Computed, fonts: dict[str, str]):
        self.css = css
        self.fonts = fonts

    @staticmethod
    def word_size(css_pt: float) -> float:
        """The CSS size in Word (to the half point): the DOCX follows the profile's sizes as the PDF does."""
        return round(css_pt * 2) / 2

    def font_of(self, node) -> str | None:
        """The face of an inline element whose CSS font role differs from its parent's (e.g. .term)."""
        parent = node.getparent()
        role = self.css[node].font_role
        if parent is None or self.css[parent].font_role == role:
            return None
        return face(self.fonts, role)

    def segments(self, node) -> list:
        return collapse(inline_segments(node, font_of=self.font_of))

    def overrides(self, node, style_id: str, indent: bool = True) -> tuple[dict, dict]:
        """(Para options, run options) where the element's CSS differs from the Word style."""
        st = self.css[node]
        options: dict = {}
        jc = _JC.get(st.text_align)
        if jc and jc != resolved(style_id, "jc"):
            options["jc"] = jc
        size = self.word_size(st.font_size)
        style_size = resolved(style_id, "size")
        if indent and abs(st.text_indent_em - (resolved(style_id, "indent") or 0)) > 0.05:
            chars = round(st.text_indent_em, 2)
            options["ind"] = {"firstLineChars": round(chars * 100), "firstLine": round(chars * size * 20)}
        run: dict = {}
        font = face(self.fonts, st.font_role)
        if font != face(self.fonts, resolved(style_id, "role")):
            run["font"] = font
        if abs(size - style_size) >= 0.5:
            run["size"] = size
        if st.color and st.color != "000000":
            run["color"] = st.color
        if st.bold:                      # every Word style here is regular weight
            run["bold"] = True
        return options, run

    def cell_indent(self, node, margin_twips: int) -> int | None:
        """Extra left padding on one cell (td.indent) beyond the table's cell margin, as an indent in twips."""
        extra = round(self.css[node].padding[3] * 20) - margin_twips
        return extra if extra > 20 else None

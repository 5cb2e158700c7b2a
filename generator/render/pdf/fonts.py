"""The pinned fonts handed to fontconfig where they lie, instead of through @font-face rules.

For an @font-face rule WeasyPrint reads the font through the URL fetcher and writes a copy into a temporary
folder for fontconfig to scan: 44 MB for the four pinned CJK faces, about 0.35 s of every build. The
extracted faces already sit in the juesuan cache (fonts.py), so fontconfig scans those files directly, with
the configuration WeasyPrint writes for a rule that gives only a family and a source: the family name is
prepended to the font's own, so CSS `font-family: "JS Serif"` finds it and nothing else changes.

A role given with a common part (fonts.common_fonts) is registered twice: the part under the role's name and
the whole face under "<role> Full", which the PDF's CSS lists right after the role (font_fallback.py). Pango
takes each character from the first listed face that has it: text is laid out in the small part, and a rare
character in a unit's name comes from the whole face, drawn the same. (A fontconfig alias cannot do this
listing: Pango's FreeType backend applies the process's default configuration to its patterns, not this one.)
"""
from __future__ import annotations

import os
from pathlib import Path
from xml.sax.saxutils import escape

from ...fonts import WHOLE, FontError
from weasyprint.text.ffi import ffi, fontconfig, pangoft2
from weasyprint.text.fonts import FontConfiguration


class PinnedFontConfiguration(FontConfiguration):
    """A WeasyPrint FontConfiguration that also knows `faces` (CSS family → font file) and, for the roles in
    `common`, their common parts (the family's name then names the part, "<family> Full" the whole face)."""

    def __init__(self, faces: dict[str, Path], common: dict[str, Path] | None = None):
        super().__init__()
        named: list[tuple[str, Path]] = []
        for family, path in faces.items():
            if common and family in common:
                named += [(family, common[family]), (family + WHOLE, path)]
            else:
                named.append((family, path))
        rules = "".join(f'<match target="scan"><test name="file" compare="eq"><string>{escape(path.as_posix())}'
                        f'</string></test><edit name="family" mode="prepend"><string>{escape(family)}</string>'
                        '</edit></match>' for family, path in named)
        xml = ('<?xml version="1.0"?>\n<!DOCTYPE fontconfig SYSTEM "urn:fontconfig:fonts.dtd">\n'
               f'<fontconfig>{rules}</fontconfig>')
        fontconfig.FcConfigParseAndLoadFromMemory(self._config, xml.encode("utf-8"), True)
        for _, path in named:
            if not fontconfig.FcConfigAppFontAddFile(self._config, os.fsencode(path)):
                raise FontError(f"fontconfig 无法读取固定字体 {path}：请删除该文件后重新构建，它会被重新提取。")
        pangoft2.pango_fc_font_map_config_changed(ffi.cast("PangoFcFontMap *", self.font_map))

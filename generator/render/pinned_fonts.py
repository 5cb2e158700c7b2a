"""The pinned fonts handed to fontconfig where they lie, instead of through @font-face rules.

For an @font-face rule WeasyPrint reads the font through the URL fetcher and writes a copy into a temporary
folder for fontconfig to scan: 44 MB for the four pinned CJK faces, about 0.35 s of every build. The
extracted faces already sit in the juesuan cache (fonts.py), so fontconfig scans those files directly, with
the configuration WeasyPrint writes for a rule that gives only a family and a source: the family name is
prepended to the font's own, so CSS `font-family: "JS Serif"` finds it and nothing else changes.
"""
from __future__ import annotations

import os
from pathlib import Path
from xml.sax.saxutils import escape

from ..fonts import FontError
from .libraries import loader_only

with loader_only():
    from weasyprint.text.ffi import ffi, fontconfig, pangoft2
from weasyprint.text.fonts import FontConfiguration


class PinnedFontConfiguration(FontConfiguration):
    """A WeasyPrint FontConfiguration that also knows `faces` (CSS family → font file)."""

    def __init__(self, faces: dict[str, Path]):
        super().__init__()
        for family, path in faces.items():
            location = escape(path.as_posix())
            xml = ('<?xml version="1.0"?>\n<!DOCTYPE fontconfig SYSTEM "urn:fontconfig:fonts.dtd">\n'
                   f'<fontconfig><match target="scan"><test name="file" compare="eq"><string>{location}'
                   f'</string></test><edit name="family" mode="prepend"><string>{escape(family)}</string>'
                   '</edit></match></fontconfig>')
            fontconfig.FcConfigParseAndLoadFromMemory(self._config, xml.encode("utf-8"), True)
            if not fontconfig.FcConfigAppFontAddFile(self._config, os.fsencode(path)):
                raise FontError(f"fontconfig 无法读取固定字体 {path}：请删除该文件后重新构建，它会被重新提取。")
        pangoft2.pango_fc_font_map_config_changed(ffi.cast("PangoFcFontMap *", self.font_map))

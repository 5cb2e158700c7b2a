"""Pictures for the DOCX writer: the raster a chart brings for Word (data-png) and the size the PDF
draws it at (the <img>'s width/height, else its SVG's own width/height/viewBox in CSS px)."""
from __future__ import annotations

import base64
import re
from pathlib import Path
from urllib.parse import unquote

from lxml import etree

from ..units import length_twips, local


def data_url(url: str) -> tuple[str, bytes] | None:
    match = re.match(r"data:([^;,]*)((?:;[^;,]*)*?)(;base64)?,(.*)", url, re.S)
    if not match:
        return None
    payload = match.group(4)
    data = base64.b64decode(payload) if match.group(3) else unquote(payload).encode("utf-8")
    return match.group(1).lower(), data


def image_bytes(url: str, input_dir: Path) -> bytes | None:
    """A raster image from a data: URL or a file inside the input directory (nothing else, like the PDF)."""
    if not url:
        return None
    parsed = data_url(url)
    if parsed:
        kind, data = parsed
        return data if kind in ("image/png", "image/jpeg", "image/gif") else None
    if re.match(r"[a-z][a-z0-9+.-]*:", url, re.I):
        return None
    root = input_dir.resolve()
    path = (root / unquote(url)).resolve()
    if root not in path.parents or path.suffix.lower() not in (".png", ".jpg", ".jpeg", ".gif"):
        return None
    return path.read_bytes() if path.is_file() else None


def _css_twips(value: str | None) -> int | None:
    try:
        return length_twips(value) if value else None
    except ValueError:
        return None


def display_size(img, src: str) -> tuple[int | None, int | None]:
    """The size the PDF gives the image (twips): width/height attributes, else the SVG's own size."""
    w, h = _css_twips(img.get("width")), _css_twips(img.get("height"))
    parsed = data_url(src)
    svg = img if local(img) == "svg" else None
    if w is None and h is None and parsed and parsed[0] == "image/svg+xml":
        try:
            svg = etree.fromstring(parsed[1], etree.XMLParser(resolve_entities=False, no_network=True))
        except etree.XMLSyntaxError:
            return None, None
    if svg is not None:
        w, h = _css_twips(svg.get("width")), _css_twips(svg.get("height"))
        box = [float(x) for x in (svg.get("viewBox") or svg.get("viewbox") or "").replace(",", " ").split()]
        if box and len(box) == 4 and box[2] > 0 and box[3] > 0:
            if w is None and h is None:
                w, h = round(box[2] * 15), round(box[3] * 15)
            elif h is None:
                h = round(w * box[3] / box[2])
            elif w is None:
                w = round(h * box[2] / box[3])
    if w is None or h is None:
        return None, None                         # the PNG's own size and aspect ratio decide
    return w, h

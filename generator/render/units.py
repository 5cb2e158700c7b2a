"""Small helpers both writers share: element names of the composed HTML and CSS lengths in twips."""
from __future__ import annotations

import re


def local(node) -> str:
    tag = node.tag
    return tag.rsplit("}", 1)[-1] if isinstance(tag, str) else ""

_TWIPS = {"mm": 1440 / 25.4, "cm": 14400 / 25.4, "in": 1440, "pt": 20, "px": 15, "": 15}


def length_twips(token: str) -> int:
    """A CSS length (mm, cm, in, pt, px; a bare number is px) in twips."""
    match = re.fullmatch(r"(-?\d+(?:\.\d+)?)(mm|cm|in|pt|px)?", token.strip())
    if not match:
        raise ValueError(f"无法识别的长度：{token}")
    return round(float(match.group(1)) * _TWIPS[match.group(2) or ""])

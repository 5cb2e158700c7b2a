"""HTML writer: the composed document with the profile's CSS inlined, for previews in a browser."""
from __future__ import annotations

from markupsafe import escape

from ..profile import Profile


def standalone_html(html: str, profile: Profile) -> str:
    css = "\n".join(path.read_text(encoding="utf-8") for path in profile.stylesheets())
    return html.replace("</head>", f"<style>\n{escape(css)}\n</style>\n</head>", 1) if "</style" not in css else html

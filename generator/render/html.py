"""HTML writer: the composed document with the profile's CSS inlined, for previews in a browser."""
from __future__ import annotations

from ..profile import Profile


def standalone_html(html: str, profile: Profile) -> str:
    """CSS is raw text inside <style> (HTML escaping would break its quotes); a sheet that could close the
    element early is left out rather than inlined."""
    css = "\n".join(path.read_text(encoding="utf-8") for path in profile.stylesheets())
    if "</style" in css.lower():
        return html
    return html.replace("</head>", f"<style>\n{css}\n</style>\n</head>", 1)

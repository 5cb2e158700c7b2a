"""Markdown from inputs (duties, reports): headings, lists, tables, emphasis — never raw HTML, links or images."""
from __future__ import annotations

from markdown_it import MarkdownIt

_md = MarkdownIt("commonmark", {"html": False, "linkify": False}).enable("table").disable(
    ["image", "link", "autolink", "html_inline", "html_block"])


def to_html(text: str, shift_headings: int = 0) -> str:
    """Render input Markdown; raw HTML and URLs stay literal text. Headings shift down by `shift_headings`."""
    html = _md.render(text or "")
    if shift_headings:
        for level in range(6, 0, -1):
            new = min(6, level + shift_headings)
            html = html.replace(f"<h{level}>", f'<h{new} class="md-h{level}">').replace(f"</h{level}>", f"</h{new}>")
    return html

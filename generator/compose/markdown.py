"""Markdown from inputs (duties, reports): headings, lists, tables, emphasis — never raw HTML, links or images.

Parsing is linear (markdown-it); laying out a paragraph costs WeasyPrint time that grows with the square of
its inline elements (`*a` × 2,000 took 7 s to lay out), so a text with a paragraph of more than MAX_SPANS
emphasis or code spans prints its asterisks and backticks literally instead. Input limits (size, nesting,
tables) are checked when the input is read (generator/input/limits.py).
"""
from __future__ import annotations

from markdown_it import MarkdownIt

MAX_SPANS = 200      # inline elements in one paragraph; real reports have a handful

_OPTIONS = {"html": False, "linkify": False}
_OFF = ["image", "link", "autolink", "html_inline", "html_block"]
_md = MarkdownIt("commonmark", _OPTIONS).enable("table").disable(_OFF)
_literal = MarkdownIt("commonmark", _OPTIONS).enable("table").disable([*_OFF, "emphasis", "backticks"])


def _too_many_spans(tokens) -> bool:
    return any(t.type == "inline" and sum(1 for c in t.children or () if c.nesting == 1) > MAX_SPANS
               for t in tokens)


def to_html(text: str, shift_headings: int = 0) -> str:
    """Render input Markdown; raw HTML and URLs stay literal text. Headings shift down by `shift_headings`."""
    tokens = _md.parse(text or "")
    parser = _md
    if _too_many_spans(tokens):
        parser = _literal
        tokens = parser.parse(text or "")
    html = parser.renderer.render(tokens, parser.options, {})
    if shift_headings:
        for level in range(6, 0, -1):
            new = min(6, level + shift_headings)
            html = html.replace(f"<h{level}>", f'<h{new} class="md-h{level}">').replace(f"</h{level}>", f"</h{new}>")
    return html

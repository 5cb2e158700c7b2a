"""The PDF's stylesheets with each pinned role's whole face listed right after the role.

The PDF lays text out in each role's common part and takes any other character from the role's whole face,
"<role> Full" (fonts.with_whole_face, pinned_fonts.py). Profiles and templates name only the roles, so the
renderer adds the whole faces to every family list that names one, in the stylesheets and in style
attributes: in `font-family`, the `font` shorthand and custom properties (print.css passes the roles around
as --font-* variables). Nothing else changes: `content: "JS Serif"` stays text, and an @font-face rule still
names the one family it defines.
"""
from __future__ import annotations

import tinycss2

from ...fonts import with_whole_face


def with_whole_faces(css: str) -> str:
    """`css` with "<role> Full" after every pinned role a family list names."""
    return "".join(_rule(rule) for rule in tinycss2.parse_stylesheet(css))


def with_whole_faces_inline(style: str) -> str:
    """A style attribute with "<role> Full" after every pinned role a family list names."""
    return "".join(_rule(node) for node in tinycss2.parse_blocks_contents(style))


def _rule(node) -> str:
    if node.type == "declaration":
        named = node.lower_name in ("font-family", "font") or node.name.startswith("--")
        value = _families(node.value) if named else tinycss2.serialize(node.value)
        return f"{node.name}:{value}{' !important' if node.important else ''};"
    if node.type in ("qualified-rule", "at-rule"):
        head = tinycss2.serialize(node.prelude)
        if node.type == "at-rule":
            head = f"@{node.at_keyword}{head}"
        if node.content is None:
            return head + ";"
        if node.type == "at-rule" and node.lower_at_keyword == "font-face":     # one family: the face's name
            return f"{head}{{{tinycss2.serialize(node.content)}}}"
        inner = "".join(_rule(child) for child in tinycss2.parse_blocks_contents(node.content))
        return f"{head}{{{inner}}}"
    return tinycss2.serialize([node])        # comments, whitespace, parse errors as written


def _families(tokens) -> str:
    """A family list (or a `font` value ending in one) with the whole faces inserted: a comma-separated
    item that ends in a pinned role, quoted or as bare words, is followed by the role's whole face."""
    out, item = [], []
    for token in [*tokens, None]:
        if token is not None and not (token.type == "literal" and token.value == ","):
            item.append(token)
            continue
        text = tinycss2.serialize(item).rstrip()
        out.append(", ".join([text, *(f'"{family}"' for family in with_whole_face(_trailing_name(item))[1:])]))
        item = []
    return ",".join(out)


def _trailing_name(item) -> str:
    """The family an item ends in: a string, or identifiers separated by whitespace ("" for anything else,
    e.g. a font size or a var())."""
    words = [token for token in item if token.type not in ("whitespace", "comment")]
    if words and words[-1].type == "string":
        return words[-1].value
    names = []
    for token in reversed(words):
        if token.type != "ident":
            break
        names.insert(0, token.value)
    return " ".join(names)

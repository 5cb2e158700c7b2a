"""Where the PDF is cut into the halves pdf_split.py lays out on two cores: decided from the sized HTML
without WeasyPrint, so the build's own process can do it while the layout worker loads WeasyPrint."""
from __future__ import annotations

import re
from dataclasses import dataclass

import lxml.html

from ..profile import Profile
from .pdf_tree import sized_root

_UNSPLITTABLE = re.compile(
    r"counter-(reset|increment|set)|(?<![-\w])counters?\(\s*(?!page\s*[,)])|string-set|string\(|running\("
    r"|element\(|target-text\(|@page[^{]*:(first|left|right|blank|nth)|position\s*:\s*fixed", re.I)
_SECTIONING = {"section", "div", "article", "main", "nav", "aside"}
_MAX_DEPTH = 3        # parts, their sections (tables, attachments), and those sections' children
_MIN_SHARE = 0.2      # a half smaller than this does not pay for the fork and the join
_JOIN_SHARE = 0.02    # the first half also joins the halves (~0.05 s of ~3 s of work)


@dataclass(frozen=True)
class Cut:
    front: int                 # body children before this index are the front matter (cover, 目录)
    path: tuple[int, ...]      # child indexes from <body> to the element the second half starts with


def css_allows_split(css_text: str) -> bool:
    return not _UNSPLITTABLE.search(re.sub(r"/\*.*?\*/", "", css_text, flags=re.S))


def choose_cut(body, css) -> Cut | None:
    """Where to cut, or None. Candidates are elements with a forced page break, nested only in sections,
    after the first part; the one that best balances the halves' estimated layout cost wins (elements plus
    characters / 5, which tracks WeasyPrint's time within about 20%)."""
    children = list(body)
    front = next((i for i, child in enumerate(children) if "part" in (child.get("class") or "").split()), None)
    if front is None or first_id(children[front]) is None:
        return None
    if any((a.get("href") or "").startswith("#") for child in children[front:] for a in child.iter("a")):
        return None        # cross-references in the body would need the other half's page numbers
    before, total = {}, 0.0
    for node in body.iter():
        before[node] = total
        total += 1 + (len(node.text or "") + len(node.tail or "")) / 5
    candidates = [(path, before[node]) for path, node in _breaks(body, css, front)]
    balanced = [(path, cost) for path, cost in candidates
                if min(cost, total - cost) >= _MIN_SHARE * total]
    if not balanced:
        return None
    path, _ = min(balanced, key=lambda pc: max(pc[1] + _JOIN_SHARE * total, total - pc[1]))
    return Cut(front, path)


def _breaks(body, css, front: int):
    """(path, element) of each element after the front matter that starts a page and sits in sections."""
    def walk(node, path):
        for index, child in enumerate(node):
            if not isinstance(child.tag, str) or child.tag not in _SECTIONING:
                continue
            here = (*path, index)
            if (len(here) > 1 or index > front) and css[child].break_before:
                yield here, child
            if len(here) < _MAX_DEPTH:
                yield from walk(child, here)
    return ((path, node) for path, node in walk(body, ()) if path[0] >= front)


def first_id(element) -> str | None:
    """The id that marks where a part's first page is (on the part or its heading)."""
    return next((node.get("id") for node in element.iter() if node.get("id")), None)


def planned(html: str, profile: Profile):
    """The composed HTML sized for layout (pdf_tree.sized_root, an lxml tree) and where to cut it."""
    root, css = sized_root(html, profile)
    return root, choose_cut(root.find("body"), css)


def to_text(root) -> str:
    """A planned tree for the pipe to the layout worker (libxml2 writes and reads it back in ~0.01 s)."""
    return lxml.html.tostring(root, encoding="unicode")


def from_text(text: str):
    return lxml.html.document_fromstring(text)

"""PDF writer: WeasyPrint over the composed HTML with the profile's CSS and the pinned fonts.

Only presentation happens here. Resources are fetched through `ConfinedFetcher`: files under the
allowed roots (fonts cache, built-in templates, the input directory) and data: URLs; nothing else
from the file system and no network.
"""
from __future__ import annotations

import logging
import re
from functools import lru_cache
from pathlib import Path

import cssselect2

from .libraries import loader_only

with loader_only():
    from weasyprint import CSS, HTML
from weasyprint.text.fonts import FontConfiguration
from weasyprint.urls import URLFetcher

from .. import fonts
from ..profile import Profile, builtin_root
from .font_fallback import with_whole_faces
from .pdf_tree import prepared_tree
from .pinned_fonts import PinnedFontConfiguration

# WeasyPrint logs every refused fetch and unsupported CSS property; our own checks report what matters.
logging.getLogger("weasyprint").setLevel(logging.ERROR)


class ConfinedFetcher(URLFetcher):
    def __init__(self, roots: list[Path]):
        super().__init__(timeout=1, allowed_protocols={"file", "data"}, allow_redirects=False)
        self.roots = [root.resolve() for root in roots]

    def fetch(self, url: str, headers=None):
        if url.startswith("file:"):
            from urllib.parse import unquote, urlparse

            path = Path(unquote(urlparse(url).path)).resolve()
            if not any(path == root or root in path.parents for root in self.roots):
                raise ValueError(f"refused: {url}")
        elif not url.startswith("data:"):
            raise ValueError(f"refused: {url}")
        return super().fetch(url, headers)


def settings_css(profile: Profile) -> str:
    """The profile's `fonts:` and `page:` settings as CSS, applied after the stylesheets."""
    settings = profile.settings
    fonts_by_role = settings.get("fonts", {})
    variables = " ".join(f'--font-{_css_token(role)}: "{_css_string(family)}";'
                         for role, family in fonts_by_role.items())
    page = settings.get("page", {})
    rules = [f":root {{ {variables} }}"]
    if page.get("size") or page.get("margin"):
        rules.append(f"@page {{ size: {_css_token(page.get('size', 'A4'))}; "
                     f"margin: {_css_token(page.get('margin', '37mm 26mm 35mm 28mm'))}; }}")
    if page.get("footer"):
        before, _, after = str(page["footer"]).partition("{page}")
        rules.append(f'@page {{ @bottom-center {{ content: "{_css_string(before)}" counter(page) '
                     f'"{_css_string(after)}"; }} }}')
    if page.get("landscape_margin"):
        rules.append(f"@page landscape {{ margin: {_css_token(page['landscape_margin'])}; }}")
    return "\n".join(rules)


def _css_string(text: str) -> str:
    return str(text).replace("\\", "").replace('"', "")


def _css_token(text: str) -> str:
    """Lengths and keywords only: a profile value cannot open a block or a url()."""
    return "".join(ch for ch in str(text) if ch.isalnum() or ch in " .%-")


def profile_css(profile: Profile) -> list[tuple[str, str | None]]:
    """(text, base URL) of the profile's stylesheets in cascade order, then its `fonts:`/`page:` settings."""
    sources: list[tuple[str, str | None]] = [(path.read_text(encoding="utf-8"), path.parent.as_uri() + "/")
                                             for path in profile.stylesheets()]
    return [*sources, (settings_css(profile), None)]


def stylesheets(sources: list[tuple[str, str | None]], fetcher: URLFetcher,
                font_config: FontConfiguration) -> list[CSS]:
    # @font-face rules in a profile's sheets only take effect with the FontConfiguration shared with render().
    return [CSS(string=with_whole_faces(text), base_url=base_url, url_fetcher=fetcher, font_config=font_config)
            for text, base_url in sources]


class TreeHTML(HTML):
    """A WeasyPrint document from an element tree we parsed ourselves (pdf_tree.py)."""

    def __init__(self, root, base_url: str, url_fetcher: URLFetcher, notes: bool = True):
        self.base_url = base_url
        self.url_fetcher = url_fetcher
        self.media_type = "print"
        self.wrapper_element = cssselect2.ElementWrapper.from_html_root(root, content_language=None)
        self.etree_element = self.wrapper_element.etree_element
        self.notes = notes

    def _ua_stylesheets(self, forms=False):
        return super()._ua_stylesheets(forms) if self.notes or forms else [_user_agent_without_notes()]


_NOTE_RULES = re.compile(r"^::(footnote|note)[\w-]* \{[^}]*\}$", re.M)
_USES_NOTES = re.compile(r"float\s*:\s*(footnote|note)|@footnote|::(footnote|note)", re.I)


@lru_cache(maxsize=1)
def _user_agent_without_notes() -> CSS:
    """WeasyPrint's HTML user-agent stylesheet less its footnote and note pseudo-element rules. Those match
    every element (`::footnote-call { … }`), so WeasyPrint computes five more styles per element — about 5 %
    of the layout — for pseudo-elements that only `float: footnote`/`note` boxes have. The composed HTML has
    none unless the profile's CSS or a template's style attribute asks for them, and then the full sheet is
    used."""
    from weasyprint.css.counters import CounterStyle
    from weasyprint.html import UA, UA_STYLESHEET

    trimmed = _NOTE_RULES.sub("", UA)
    if trimmed == UA:                 # another WeasyPrint wrote these rules differently: use its sheet as is
        return UA_STYLESHEET
    return CSS(string=trimmed, counter_style=CounterStyle())


_WARM_UP_TEXT = "部门决算 收入支出（一）1,234.56 万元 100.00% Ab"


class Engine:
    """WeasyPrint with the profile's stylesheets and the pinned fonts loaded, ready to lay out documents
    (built before the HTML exists, so the loading can overlap with drawing the charts)."""

    def __init__(self, profile: Profile, input_dir: Path):
        self.profile = profile
        self.base_url = input_dir.resolve().as_uri() + "/"
        roots = [builtin_root(), input_dir, *(layer.path for layer in profile.layers)]
        self.fetcher = ConfinedFetcher(roots)
        self.font_config = PinnedFontConfiguration(fonts.prepared_fonts(), fonts.common_fonts())
        sources = profile_css(profile)
        self.sheets = stylesheets(sources, self.fetcher, self.font_config)
        self.css_text = "\n".join(text for text, _ in sources)     # what pdf_split checks a half can lay out
        self.notes = bool(_USES_NOTES.search(self.css_text))

    def warm_up(self) -> None:
        """Lay out a line in each of the profile's font roles and throw it away. What any first layout pays
        once (opening the pinned fonts in Pango and HarfBuzz, the user-agent sheet, cffi's C types) is then
        paid here, while matplotlib is still drawing the charts, and inherited by the PDF's second half
        instead of being paid again in that process."""
        from xml.etree import ElementTree

        families = [f"var(--font-{_css_token(role)})" for role in self.profile.settings.get("fonts") or {"body": 0}]
        body = "".join(f'<p style="font-family: {family}{weight}">{_WARM_UP_TEXT}</p>'
                       for family in families for weight in ("", "; font-weight: bold"))
        self.render_tree(ElementTree.fromstring(f"<html><body>{body}</body></html>"))

    def render(self, html: str):
        """Lay out the document; returns the WeasyPrint Document (pages are inspectable before writing)."""
        return self.render_tree(prepared_tree(html, self.profile))

    def render_tree(self, root, extra_css: str = ""):
        """Lay out an element tree from pdf_tree, with `extra_css` (ours, never input text) after the sheets."""
        sheets = self.sheets
        if extra_css:
            sheets = [*sheets, CSS(string=extra_css, url_fetcher=self.fetcher, font_config=self.font_config)]
        notes = self.notes or any(_USES_NOTES.search(node.get("style") or "") for node in root.iter())
        document = TreeHTML(root, self.base_url, self.fetcher, notes)
        return document.render(stylesheets=sheets, font_config=self.font_config)


def render_pdf(html: str, profile: Profile, input_dir: Path):
    return Engine(profile, input_dir).render(html)


def pdf_bytes(document) -> bytes:
    return document.write_pdf(pdf_identifier=b"juesuan", uncompressed_pdf=False)


def append_pdfs(data: bytes, attachments: list[tuple[str, Path]], continuation: bytes | None = None,
                outline: list | None = None) -> bytes:
    """The publication's second half when it was laid out separately (pdf_split.py) with the outline of the
    whole (a WeasyPrint bookmark tree), then existing PDF attachments, each with a top-level bookmark after
    第五部分. qpdf (pikepdf) joins in about 0.05 s what took pypdf 0.45 s, and writes the same bytes for the
    same input (deterministic /ID)."""
    if not attachments and continuation is None:
        return data
    import io

    import pikepdf

    pdf = pikepdf.open(io.BytesIO(data))
    with pdf.open_outline() as bookmarks:
        if continuation is not None:
            _append_half(pdf, pikepdf.open(io.BytesIO(continuation)))
            bookmarks.root[:] = _outline_items(pdf, outline or [])
        for title, path in attachments:            # load.py checked that qpdf can read each one
            other = pikepdf.open(path)
            start = len(pdf.pages)
            pdf.add_pages_from(other)                  # keeps the attachment's own internal links
            bookmarks.root.append(pikepdf.OutlineItem(title, start))
    out = io.BytesIO()
    pdf.save(out, deterministic_id=True, object_stream_mode=pikepdf.ObjectStreamMode.generate)
    return out.getvalue()


def _append_half(pdf, second) -> None:
    """Pages and named destinations of the second half; its names replace the first half's stand-ins
    (pdf_split.py gives the 目录's links into the second half a target on page 1)."""
    import warnings

    import pikepdf

    start = len(pdf.pages)
    index = {page.obj.objgen: start + i for i, page in enumerate(second.pages)}
    with warnings.catch_warnings():   # named destinations are carried over below, by hand
        warnings.simplefilter("ignore", pikepdf.PageCopyWarning)
        pdf.pages.extend(second.pages)
    theirs = second.Root.get("/Names", pikepdf.Dictionary()).get("/Dests")
    if theirs is None:
        return
    if "/Names" not in pdf.Root:
        pdf.Root.Names = pikepdf.Dictionary()
    if "/Dests" not in pdf.Root.Names:
        pdf.Root.Names.Dests = pikepdf.NameTree.new(pdf).obj
    names = pikepdf.NameTree(pdf.Root.Names.Dests)
    for name, destination in pikepdf.NameTree(theirs).items():
        names[name] = pikepdf.Array([pdf.pages[index[destination[0].objgen]].obj, *destination[1:]])


def _outline_items(pdf, tree):
    """WeasyPrint's bookmark tree ((label, (page, x, y), children, state), in PDF points) as it writes it."""
    import pikepdf

    for label, (page, x, y), children, state in tree:
        item = pikepdf.OutlineItem(label, pikepdf.Array([pdf.pages[page].obj, pikepdf.Name.XYZ, x, y, 0]))
        item.is_closed = state == "closed"
        item.children.extend(_outline_items(pdf, children))
        yield item

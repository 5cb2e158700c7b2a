"""PDF writer: WeasyPrint over the composed HTML with the profile's CSS and the pinned fonts.

Only presentation happens here. Resources are fetched through `ConfinedFetcher`: files under the
allowed roots (fonts cache, built-in templates, the input directory) and data: URLs; nothing else
from the file system and no network.
"""
from __future__ import annotations

import logging
from pathlib import Path

import cssselect2

from weasyprint import CSS, HTML
from weasyprint.text.fonts import FontConfiguration
from weasyprint.urls import URLFetcher

from ... import fonts
from ...profile import Profile, builtin_root
from .fallback import with_whole_faces
from .tree import prepared_tree
from .fonts import PinnedFontConfiguration

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
    """A WeasyPrint document from an element tree we parsed and sized ourselves (tree.py): the attributes
    HTML.__init__ sets after parsing, set from our tree instead of from tinyhtml5's."""

    def __init__(self, root, base_url: str, url_fetcher: URLFetcher):
        self.base_url = base_url
        self.url_fetcher = url_fetcher
        self.media_type = "print"
        self.wrapper_element = cssselect2.ElementWrapper.from_html_root(root, content_language=None)
        self.etree_element = self.wrapper_element.etree_element


class Engine:
    """WeasyPrint with the profile's stylesheets and fonts loaded. Loading them is a good part of a build, so
    a process keeps the engine of each profile it has used (a batch worker prepares them once)."""

    def __init__(self, profile: Profile):
        self.profile = profile
        self.roots = [builtin_root(), *(layer.path for layer in profile.layers)]
        self.font_config = PinnedFontConfiguration(fonts.prepared_fonts(), fonts.common_fonts())
        self.sheets = stylesheets(profile_css(profile), ConfinedFetcher(self.roots), self.font_config)

    def render(self, html: str, input_dir: Path):
        """Lay out the document; returns the WeasyPrint Document (pages are inspectable before writing)."""
        fetcher = ConfinedFetcher([*self.roots, input_dir])
        document = TreeHTML(prepared_tree(html, self.profile), input_dir.resolve().as_uri() + "/", fetcher)
        return document.render(stylesheets=self.sheets, font_config=self.font_config)


_ENGINES: dict[tuple, Engine] = {}
_KEEP_ENGINES = 8


def engine_for(profile: Profile) -> Engine:
    """The engine of `profile`, made once per process for the same profile files and settings."""
    key = profile.identity()
    engine = _ENGINES.get(key)
    if engine is None:
        if len(_ENGINES) >= _KEEP_ENGINES:
            _ENGINES.pop(next(iter(_ENGINES)))
        engine = _ENGINES[key] = Engine(profile)
    return engine


def render_pdf(html: str, profile: Profile, input_dir: Path):
    return engine_for(profile).render(html, input_dir)


def pdf_bytes(document) -> bytes:
    return document.write_pdf(pdf_identifier=b"juesuan", uncompressed_pdf=False)


def append_pdfs(data: bytes, attachments: list[tuple[str, Path]]) -> bytes:
    """Existing PDF attachments after the publication, each with a top-level bookmark after 第五部分. qpdf
    (pikepdf) writes the same bytes for the same input (deterministic /ID)."""
    if not attachments:
        return data
    import io

    import pikepdf

    pdf = pikepdf.open(io.BytesIO(data))
    with pdf.open_outline() as bookmarks:
        for title, path in attachments:            # load.py checked that qpdf can read each one
            other = pikepdf.open(path)
            start = len(pdf.pages)
            pdf.add_pages_from(other)                  # keeps the attachment's own internal links
            bookmarks.root.append(pikepdf.OutlineItem(title, start))
    out = io.BytesIO()
    pdf.save(out, deterministic_id=True, object_stream_mode=pikepdf.ObjectStreamMode.generate)
    return out.getvalue()


def pdf_document(html: str, profile: Profile, input_dir: Path, attachments: list[tuple[str, Path]]) -> bytes:
    """The publication's PDF bytes, attachments appended."""
    return append_pdfs(pdf_bytes(render_pdf(html, profile, input_dir)), attachments)

"""PDF writer: WeasyPrint over the composed HTML with the profile's CSS and fonts.

Only presentation happens here, through WeasyPrint's documented API: HTML(string=…), CSS(string=…),
FontConfiguration, Document.write_pdf. Fonts are the profile's families as fontconfig finds them (fonts/);
the PDF's metadata names the font files used. Resources are fetched through `ConfinedFetcher`: files under
the allowed roots (built-in templates, the profile's layers, the input directory) and data: URLs; nothing
else from the file system and no network.
"""
from __future__ import annotations

import logging
import os
from pathlib import Path

from weasyprint import CSS, HTML
from weasyprint.text.fonts import FontConfiguration
from weasyprint.urls import URLFetcher

from ... import fonts
from ...profile import Profile, builtin_root
from .tree import sized_html

# WeasyPrint logs every refused fetch and unsupported CSS property; our own checks report what matters.
logging.getLogger("weasyprint").setLevel(logging.ERROR)

PDF_VARIANTS = (None, "pdf/a-2b")


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


def settings_css(profile: Profile, families: dict[str, tuple[str, ...]] | None = None) -> str:
    """The profile's `fonts:` and `page:` settings as CSS, applied after the stylesheets: each role's family
    and weight as --font-<role> / --weight-<role> (print.css uses them in pairs). `families` gives a role
    several families in order (its common part first, fonts.pdf_families)."""
    settings = profile.settings
    variables = []
    for role, spec in fonts.roles_of(settings).items():
        family, bold = fonts.parse(spec)
        listed = ", ".join(f'"{_css_string(name)}"' for name in (families or {}).get(role, (family,)))
        variables.append(f'--font-{_css_token(role)}: {listed}; '
                         f'--weight-{_css_token(role)}: {"bold" if bold else "normal"};')
    page = settings.get("page", {})
    rules = [f":root {{ {' '.join(variables)} }}"]
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


def profile_css(profile: Profile, families: dict[str, tuple[str, ...]] | None = None) -> list[tuple[str, str | None]]:
    """(text, base URL) of the profile's stylesheets in cascade order, then its `fonts:`/`page:` settings."""
    sources: list[tuple[str, str | None]] = [(path.read_text(encoding="utf-8"), path.parent.as_uri() + "/")
                                             for path in profile.stylesheets()]
    return [*sources, (settings_css(profile, families), None)]


class Engine:
    """WeasyPrint with the profile's stylesheets and fonts loaded. Loading them is a good part of a build, so
    a process keeps the engine of each profile it has used (a batch worker prepares them once)."""

    def __init__(self, profile: Profile):
        fonts.activate()          # FONTCONFIG_FILE (parts, --fonts/JUESUAN_FONTS) before fontconfig loads
        self.profile = profile
        self.fonts_used = fonts.used(profile.settings)    # also: every role's family is installed
        if fonts.font_dir() or fonts.roles_of(profile.settings) != fonts.DEFAULT_ROLES:
            from ...cache import notice

            chosen = fonts.faces(profile.settings)       # not the reference fonts: say which were used
            notice("PDF 所用字体：" + "；".join(f"{role} {face.family}{'（粗）' if face.bold else ''} ← {face.file}"
                                               + (f"#{face.index}" if face.index else "")
                                               for role, face in chosen.items()))
        self.roots = [builtin_root(), *(layer.path for layer in profile.layers)]
        families = fonts.pdf_families(profile.settings)      # the common parts, prepared before fontconfig loads
        self.font_config = FontConfiguration()
        fetcher = ConfinedFetcher(self.roots)
        # @font-face rules in a profile's sheets only take effect with the FontConfiguration shared with render()
        self.sheets = [CSS(string=text, base_url=base_url, url_fetcher=fetcher, font_config=self.font_config)
                       for text, base_url in profile_css(profile, families)]

    def render(self, html: str, input_dir: Path, tree: tuple | None = None):
        """Lay out the document (`tree`: the build's cascade.composed_tree of `html`, if made); returns the
        WeasyPrint Document (pages are inspectable before writing)."""
        fetcher = ConfinedFetcher([*self.roots, input_dir])
        document = HTML(string=sized_html(html, self.profile, tree), base_url=input_dir.resolve().as_uri() + "/",
                        url_fetcher=fetcher)
        rendered = document.render(stylesheets=self.sheets, font_config=self.font_config)
        rendered.metadata.custom["JuesuanFonts"] = self.fonts_used
        return rendered


_ENGINES: dict[tuple, Engine] = {}
_KEEP_ENGINES = 8


def engine_for(profile: Profile) -> Engine:
    """The engine of `profile`, made once per process for the same profile files, settings and font directory."""
    key = (profile.identity(), str(fonts.font_dir()))
    engine = _ENGINES.get(key)
    if engine is None:
        if len(_ENGINES) >= _KEEP_ENGINES:
            _ENGINES.pop(next(iter(_ENGINES)))
        engine = _ENGINES[key] = Engine(profile)
    return engine


def render_pdf(html: str, profile: Profile, input_dir: Path, tree: tuple | None = None):
    return engine_for(profile).render(html, input_dir, tree)


def anchor_pages(document) -> dict[str, int]:
    """id → the page (1-based) it lies on in a laid-out document (Page.anchors: WeasyPrint's documented API).
    The DOCX's 目录 shows these numbers before Word updates its fields."""
    pages: dict[str, int] = {}
    for number, page in enumerate(document.pages, 1):
        for anchor in page.anchors:
            pages.setdefault(anchor, number)
    return pages


def laid_out_anchor_pages(html: str, profile: Profile, input_dir: Path, tree: tuple | None = None) -> dict[str, int]:
    """anchor_pages of the document laid out now (for a DOCX built without its PDF)."""
    return anchor_pages(render_pdf(html, profile, input_dir, tree))


def pdf_bytes(document, variant: str | None = None) -> bytes:
    """The PDF; `variant` "pdf/a-2b" for archiving (XMP metadata, output intent, every font embedded)."""
    return document.write_pdf(pdf_identifier=b"juesuan", uncompressed_pdf=False, custom_metadata=True,
                              pdf_variant=variant)


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


def pdf_document(html: str, profile: Profile, input_dir: Path, attachments: list[tuple[str, Path]],
                 variant: str | None = None, tree: tuple | None = None) -> tuple[bytes, dict[str, int]]:
    """The publication's PDF bytes, attachments appended, and the page of every anchor (anchor_pages).
    `variant` defaults to `build --pdfa` (JUESUAN_PDF_VARIANT), else the profile's `pdf.variant`."""
    if variant is None:
        variant = os.environ.get("JUESUAN_PDF_VARIANT") or (profile.settings.get("pdf") or {}).get("variant") or None
    if variant not in PDF_VARIANTS:
        raise ValueError(f"不支持的 PDF 变体“{variant}”：可用 {PDF_VARIANTS[1]}")
    document = render_pdf(html, profile, input_dir, tree)
    return append_pdfs(pdf_bytes(document, variant), attachments), anchor_pages(document)

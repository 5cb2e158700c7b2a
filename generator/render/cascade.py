"""The profile's print CSS, cascaded over the composed HTML for the few layout facts our own code needs.

The PDF's page breaks, landscape pages, alignment and table sizing live in the profile's stylesheets
(templates/base/styles/print.css and each profile's overrides). Rather than restate them per class in Python —
a second presentation path that would drift as templates change — the DOCX writer and the PDF's column
estimate (columns.py) cascade the same stylesheets over the same tree with WeasyPrint's own CSS libraries
(tinycss2, cssselect2) and ask for a handful of properties (docs/install.md, "版式 CSS 与列宽"): display, page (and
each @page's orientation and footer), break-before/-after, text-align, text-indent, white-space, font-size,
font-family (as a font role), font-weight, color, background, padding, margin, the left/right border widths,
list-style-type and col widths; the shorthands `font`, `padding`, `margin` and `border` are expanded into
those. Selectors, specificity, !important, inheritance and style="" work as in CSS. A property that changes
how wide text is but cannot be modelled here (letter-spacing, text-transform…) gets a warning naming it, so a
profile never moves text out of its cell silently.
"""
from __future__ import annotations

import re
import warnings
from dataclasses import dataclass, field

import cssselect2
import tinycss2

from ..profile import Profile

_WANTED = {"display", "page", "break-before", "break-after", "page-break-before", "page-break-after",
           "text-align", "text-indent", "white-space", "font-size", "font-family", "list-style",
           "list-style-type", "width", "bookmark-level", "padding", "padding-top", "padding-right",
           "padding-bottom", "padding-left", "color", "background", "background-color", "font-weight",
           "margin-top", "margin-right", "margin-bottom", "margin-left", "border-left-width", "border-right-width"}
# Properties that change the width of text (so the column estimate) which the estimate does not model.
_UNMODELLED = ("letter-spacing", "word-spacing", "font-stretch", "text-transform", "font-size-adjust",
               "font-feature-settings", "font-variant-caps", "font-variant-east-asian", "font-variant-ligatures",
               "font-variant-position", "font-variant-alternates", "min-width", "max-width", "border-spacing",
               "zoom", "writing-mode")
_SIZE_KEYWORDS = {"xx-small": 7.0, "x-small": 7.5, "small": 10.0, "medium": 12.0, "large": 13.5,
                  "x-large": 18.0, "xx-large": 24.0}


class StyleNotModelled(UserWarning):
    """A profile's CSS uses a property the column estimate cannot take into account."""
# The few user-agent defaults (WeasyPrint's html5 stylesheet) that change what the DOCX shows.
_USER_AGENT = "th { font-weight: bold; text-align: center; } pre { white-space: pre; }"
_ABSOLUTE_PT = {"pt": 1.0, "px": 0.75, "mm": 72 / 25.4, "cm": 72 / 2.54, "in": 72.0, "pc": 12.0}


@dataclass
class Style:
    display: str = "inline"
    page: str = "auto"
    break_before: bool = False
    break_after: bool = False
    text_align: str = "start"
    text_indent_em: float = 0.0
    white_space: str = "normal"
    font_size: float = 12.0            # pt
    font_role: str = "body"
    bold: bool = False
    list_style_type: str = "disc"
    width: str | None = None
    bookmark_level: str = "auto"
    padding: tuple = (0.0, 0.0, 0.0, 0.0)   # top, right, bottom, left in pt
    margin: tuple = (0.0, 0.0, 0.0, 0.0)    # top, right, bottom, left in pt
    border: tuple | None = None        # left and right border widths in pt, when the CSS gives them
    color: str | None = None           # RRGGBB, inherited
    background: str | None = None      # RRGGBB of the element's own background


@dataclass
class PageRule:
    """What a Word section needs from an @page rule; None: as the unnamed @page."""
    landscape: bool | None = None
    footer: bool | None = None          # False: @bottom-center { content: none }


@dataclass
class Stylesheet:
    matcher: cssselect2.Matcher
    pages: dict[str, PageRule] = field(default_factory=dict)


def _declarations(tokens, where: str = "") -> dict[str, tuple[str, bool]]:
    """name → (value, !important), in order, shorthands expanded into the longhands read here."""
    out: dict[str, tuple[str, bool]] = {}
    for decl in tinycss2.parse_declaration_list(tokens, skip_whitespace=True, skip_comments=True):
        if decl.type != "declaration":
            continue
        value = tinycss2.serialize(decl.value).strip()
        name = decl.lower_name
        if name in _UNMODELLED or name.startswith("-"):
            if where and name in _UNMODELLED:
                warnings.warn(f"{where}：列宽估算不考虑 CSS 属性 {name}（{value}），表格文字可能超出单元格；"
                              f"请改用字号或列宽（见 docs/install.md 的“版式 CSS 与列宽”）", StyleNotModelled, stacklevel=2)
            continue
        for longhand, part in _expand(name, value):
            out[longhand] = (part, decl.important)
    return out


def _expand(name: str, value: str) -> list[tuple[str, str]]:
    """A shorthand's longhands (only those this module reads); any other property as it is."""
    if name in ("padding", "margin"):
        parts = value.split()[:4]
        if not parts:
            return []
        box = {1: parts * 4, 2: parts * 2, 3: parts + parts[1:2], 4: parts}[len(parts)]
        return [(f"{name}-{side}", box[i]) for i, side in enumerate(("top", "right", "bottom", "left"))]
    if name in ("border", "border-left", "border-right", "border-width"):
        widths = [part for part in value.split() if _length_pt(part, 12.0) is not None
                  or part in ("thin", "medium", "thick", "0")]
        if name == "border-width":
            box = {1: widths * 4, 2: widths * 2, 3: widths + widths[1:2], 4: widths}.get(len(widths[:4]))
            return [("border-right-width", box[1]), ("border-left-width", box[3])] if box else []
        sides = ("left", "right") if name == "border" else (name.split("-")[1],)
        if "none" in value.split() or "hidden" in value.split():
            widths = ["0"]
        return [(f"border-{side}-width", widths[0] if widths else "medium") for side in sides]
    if name == "font":
        return _font_shorthand(value)
    return [(name, value)]


def _font_shorthand(value: str) -> list[tuple[str, str]]:
    """`font: [style variant weight stretch] size[/line-height] family` → font-size, -weight, -family."""
    match = re.match(r"\s*((?:[\w-]+\s+)*?)([\d.]+[a-z%]*|[a-z-]+-?(?:small|large|medium)|medium|small|large)"
                     r"(?:\s*/\s*[\w.%]+)?\s+(.+)$", value)
    if not match:
        return []                        # a system font keyword (caption, menu…): nothing measurable
    prefix = match.group(1).split()
    weight = next((word for word in prefix if word in ("bold", "bolder", "lighter") or word.isdigit()), "normal")
    return [("font-size", match.group(2)), ("font-weight", weight), ("font-family", match.group(3).strip())]


def load(profile: Profile) -> Stylesheet:
    matcher = cssselect2.Matcher()
    pages: dict[str, PageRule] = {}
    order = 0
    sheets = [(0, _USER_AGENT, "")] + [(1, path.read_text(encoding="utf-8"), str(path))
                                       for path in profile.stylesheets()]
    for origin, text, source in sheets:
        for rule in tinycss2.parse_stylesheet(text, skip_whitespace=True, skip_comments=True):
            if rule.type == "at-rule" and rule.lower_at_keyword == "page":
                _page_rule(rule, pages)
            elif rule.type == "qualified-rule":
                where = f"{source} 第{rule.source_line}行 {tinycss2.serialize(rule.prelude).strip()}" if source else ""
                decls = {k: v for k, v in _declarations(rule.content, where).items() if k in _WANTED}
                if not decls:
                    continue
                try:
                    selectors = cssselect2.compile_selector_list(rule.prelude)
                except cssselect2.SelectorError:
                    continue
                for selector in selectors:
                    order += 1
                    matcher.add_selector(selector, (origin, order, decls))
    return Stylesheet(matcher, pages)


def _page_rule(rule, pages: dict[str, PageRule]) -> None:
    selector = tinycss2.serialize(rule.prelude).strip()
    if ":" in selector:              # :first, :left, :blank… pages have no Word section of their own
        return
    page = pages.setdefault(selector, PageRule())
    for item in tinycss2.parse_blocks_contents(rule.content or [], skip_whitespace=True, skip_comments=True):
        if item.type == "declaration" and item.lower_name == "size":
            page.landscape = "landscape" in tinycss2.serialize(item.value).lower()
        elif item.type == "at-rule" and item.lower_at_keyword == "bottom-center":
            decls = _declarations(item.content or [])
            if "content" in decls:
                page.footer = decls["content"][0] not in ("none", "normal", '""')


class Computed:
    """Computed values of the wanted properties for every element of one parsed document."""

    def __init__(self, sheet: Stylesheet, root, font_roles: dict[str, str]):
        self.sheet = sheet
        self.font_roles = font_roles            # CSS family name → role, from the profile's `fonts:`
        self.styles: dict[object, Style] = {}
        self._shared: dict[tuple, Style] = {}
        wrapper = cssselect2.ElementWrapper.from_html_root(root)
        self._walk(wrapper, Style())

    def __getitem__(self, element) -> Style:
        return self.styles.get(element) or Style()

    def page(self, name: str) -> PageRule:
        """The named page's orientation and footer, falling back to the unnamed @page (portrait, numbered)."""
        named, default = self.sheet.pages.get(name) or PageRule(), self.sheet.pages.get("") or PageRule()
        landscape = named.landscape if named.landscape is not None else default.landscape
        footer = named.footer if named.footer is not None else default.footer
        return PageRule(bool(landscape), footer is not False)

    def _walk(self, wrapper, parent: Style) -> None:
        matches = [m for m in self.sheet.matcher.match(wrapper) if m[2] is None]   # no pseudo-elements
        cascaded: dict[str, tuple] = {}
        for specificity, _, _, (origin, order, decls) in matches:
            for name, (value, important) in decls.items():
                key = (important, origin, specificity, order)       # author rules beat the user agent's
                if name not in cascaded or key > cascaded[name][0]:
                    cascaded[name] = (key, value)
        values = {name: value for name, (_, value) in cascaded.items()}
        element = wrapper.etree_element
        inline = element.get("style")
        if inline:                             # style="…" beats every rule that is not !important
            for name, (value, _) in _declarations(tinycss2.parse_component_value_list(inline)).items():
                if name in _WANTED and not (name in cascaded and cascaded[name][0][0]):
                    values[name] = value
        # table cells mostly repeat a few rule sets: share their computed styles
        key = (id(parent), element.tag, tuple(sorted(values.items())))
        style = self._shared.get(key)
        if style is None:
            style = self._shared[key] = self._compute(values, parent, element)
        self.styles[element] = style
        for child in wrapper.iter_children():
            self._walk(child, style)

    def _compute(self, v: dict[str, str], parent: Style, element) -> Style:
        s = Style(text_align=parent.text_align, text_indent_em=parent.text_indent_em,
                  white_space=parent.white_space, font_size=parent.font_size, font_role=parent.font_role,
                  list_style_type=parent.list_style_type, color=parent.color, bold=parent.bold)
        s.display = _default_display(element) if "display" not in v else v["display"].split()[0]
        s.page = v.get("page", "auto")
        s.break_before = _forces_break(v.get("break-before") or v.get("page-break-before"))
        s.break_after = _forces_break(v.get("break-after") or v.get("page-break-after"))
        if "font-size" in v:
            size = v["font-size"]
            s.font_size = (_SIZE_KEYWORDS.get(size) or {"larger": parent.font_size * 1.2,
                                                         "smaller": parent.font_size / 1.2}.get(size)
                           or _length_pt(size, parent.font_size) or parent.font_size)
        if "text-align" in v:
            s.text_align = v["text-align"]
        if "text-indent" in v:
            pt = _length_pt(v["text-indent"], s.font_size)
            s.text_indent_em = (pt or 0.0) / s.font_size
        if "white-space" in v:
            s.white_space = v["white-space"]
        if "font-family" in v:
            s.font_role = self._role(v["font-family"]) or parent.font_role
        for key in ("list-style", "list-style-type"):
            if key in v:
                s.list_style_type = "none" if "none" in v[key].split() else v[key].split()[0]
        if "font-weight" in v:
            weight = v["font-weight"]
            s.bold = weight in ("bold", "bolder") or (weight.isdigit() and int(weight) >= 600) or \
                (weight in ("inherit", "unset") and parent.bold)
        if "color" in v:
            s.color = _hex(v["color"])
        s.background = _hex(v.get("background-color") or v.get("background") or "")
        s.width = v.get("width")
        shorthand = v.get("padding", "").split()[:4]
        if shorthand or any(f"padding-{side}" in v for side in ("top", "right", "bottom", "left")):
            box = {0: ["0"] * 4, 1: shorthand * 4, 2: shorthand * 2, 3: shorthand + shorthand[1:2],
                   4: shorthand}[len(shorthand)]
            s.padding = tuple(_length_pt(v.get(f"padding-{side}", box[i]), s.font_size) or 0.0
                              for i, side in enumerate(("top", "right", "bottom", "left")))
        if any(f"margin-{side}" in v for side in ("top", "right", "bottom", "left")):
            s.margin = tuple(_length_pt(v.get(f"margin-{side}", "0"), s.font_size) or 0.0
                             for side in ("top", "right", "bottom", "left"))
        if "border-left-width" in v or "border-right-width" in v:
            s.border = tuple(_border_pt(v.get(f"border-{side}-width", "0"), s.font_size) for side in ("left", "right"))
        s.bookmark_level = v.get("bookmark-level", "auto")
        return s

    def _role(self, value: str) -> str | None:
        var = re.match(r"var\(\s*--font-([\w-]+)", value)
        if var:
            return var.group(1)
        first = value.split(",")[0].strip().strip("\"'")
        return self.font_roles.get(first)


def _hex(value: str) -> str | None:
    """#rgb / #rrggbb (the first one in a `background` shorthand) → RRGGBB."""
    match = re.search(r"#([0-9a-fA-F]{6}|[0-9a-fA-F]{3})\b", value)
    if not match:
        return {"black": "000000", "white": "FFFFFF", "red": "FF0000"}.get(value.strip().lower())
    digits = match.group(1)
    return (digits if len(digits) == 6 else "".join(c * 2 for c in digits)).upper()


def _border_pt(value: str, em: float) -> float:
    return {"thin": 0.75, "medium": 2.25, "thick": 3.75}.get(value.strip()) or _length_pt(value, em) or 0.0


def _forces_break(value: str | None) -> bool:
    return value in ("page", "always", "left", "right", "recto", "verso")


def _length_pt(value: str, em: float) -> float | None:
    match = re.fullmatch(r"(-?\d*\.?\d+)(pt|px|mm|cm|in|pc|em|rem|%)?", value.strip())
    if not match:
        return None
    number, unit = float(match.group(1)), match.group(2) or "px"
    if unit in ("em", "rem"):
        return number * em
    if unit == "%":
        return number * em / 100
    return number * _ABSOLUTE_PT[unit]


_BLOCKS = {"html", "body", "section", "nav", "div", "p", "h1", "h2", "h3", "h4", "h5", "h6", "ol", "ul", "li",
           "table", "figure", "figcaption", "pre", "blockquote", "header", "footer", "article", "main", "aside",
           "hr", "dl", "dt", "dd", "address", "thead", "tbody", "tfoot", "tr", "td", "th", "caption", "colgroup", "col"}


def _default_display(element) -> str:
    tag = element.tag.rsplit("}", 1)[-1] if isinstance(element.tag, str) else ""
    if tag in ("head", "title", "meta", "script", "style", "template"):
        return "none"
    return "block" if tag in _BLOCKS else "inline"


def composed_tree(html: str, profile: Profile) -> tuple:
    """The composed HTML parsed by libxml2 and cascaded, once per build: the PDF's column sizing and the DOCX
    writer both read it (neither keeps a change to it). libxml2 gives the composed documents the same tree as
    tinyhtml5, the parser WeasyPrint uses (tests/test_docx.py)."""
    import lxml.html

    from .. import fonts

    root = lxml.html.document_fromstring(html)
    families = fonts.roles_of(profile.settings)
    roles = {fonts.parse(spec)[0]: role for role, spec in reversed(list(families.items()))}
    return root, Computed(load(profile), root, roles)

"""The composed HTML as the browser preview shows it: the profile's stylesheets linked from the served
profile directory, the paper geometry of its `page:` settings for the screen, each finding's place marked
(`data-finding`), and the navigation of parts and tables.

The composed HTML is the one source of content; nothing is recomputed here. The preview is shown in a
sandboxed frame without scripts, so the markers are plain attributes the page's own script looks up.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from pathlib import Path
from urllib.parse import quote

import lxml.html

SAFE_NAME = re.compile(r"^[\w \-]{1,60}$")
# narrative inputs → the part of the publication that prints them (finding paths are input field paths)
SECTION_OF = {"budget": "section-gpb-body", "prior": "section-totals-body",
              "office_running": "section-office_running-body", "procurement": "section-procurement-body",
              "assets": "section-assets-body", "performance": "section-performance-body",
              "three_public": "section-three_public-body", "overview": "part-overview", "glossary": "part-glossary"}


@dataclass
class NavItem:
    level: int          # 1 part, 2 table / section / attachment
    anchor: str
    text: str


@dataclass
class Preview:
    document: str                 # the HTML the frame shows
    nav: list[NavItem]
    placed: list[bool]            # per finding: its place was found in the preview


def build_preview(html: str, findings: list, profile, facts, sheet_url) -> Preview:
    """`sheet_url(path)` is the served URL of one of the profile's stylesheets."""
    root = lxml.html.document_fromstring(html)
    for bad in root.xpath("//script | //iframe | //object | //embed | //base"):
        bad.drop_tree()                         # never in composed HTML; the frame is script-free anyway
    for element in root.iter():
        if isinstance(element.tag, str):
            for name in [n for n in element.attrib if n.lower().startswith("on")]:
                del element.attrib[name]
    placed = [_mark(root, index, finding, facts) for index, finding in enumerate(findings)]
    head = root.find("head")
    if head is None:
        head = lxml.html.Element("head")
        root.insert(0, head)
    for sheet in profile.stylesheets():
        head.append(lxml.html.Element("link", rel="stylesheet", href=sheet_url(sheet)))
    style = lxml.html.Element("style")
    style.text = screen_variables(profile.settings)
    head.append(style)
    head.append(lxml.html.Element("link", rel="stylesheet", href="/assets/preview.css"))
    document = lxml.html.tostring(root, encoding="unicode", doctype="<!DOCTYPE html>")
    return Preview(document, navigation(root), placed)


def navigation(root) -> list[NavItem]:
    items = []
    for element in root.xpath("//h1[@id] | //h2[@id]"):
        classes = element.get("class", "").split()
        if "toc-title" in classes or "cover-title" in classes:
            continue
        text = " ".join(element.text_content().split())
        if text:
            items.append(NavItem(1 if element.tag == "h1" else 2, element.get("id"), text[:60]))
    return items


def screen_variables(settings: dict) -> str:
    """Fonts and paper geometry as CSS custom properties for preview.css (the PDF renderer turns the same
    settings into @page rules, which a screen ignores)."""
    from ..render.page import Page

    try:
        page = Page(settings.get("page") or {})
    except ValueError:
        page = Page({})
    mm = lambda twips: f"{twips * 25.4 / 1440:.1f}mm"  # noqa: E731
    top, right, bottom, left = page.margin
    ltop, lright, lbottom, lleft = page.landscape_margin
    from ..fonts import roles_of
    from ..fonts.find import parse

    # the same families the PDF uses (the profile's `fonts:`), as the browser finds them installed
    variables = []
    for role, spec in roles_of(settings).items():
        family, bold = parse(spec)
        if SAFE_NAME.match(str(role)) and SAFE_NAME.match(family):
            variables.append(f'--font-{role}: "{family}", "Noto Serif CJK SC", serif; '
                             f'--weight-{role}: {"bold" if bold else "normal"};')
    variables += [f"--sheet-width: {mm(page.width)};", f"--land-width: {mm(page.height)};",
                  f"--pad-top: {mm(top)}; --pad-right: {mm(right)}; --pad-bottom: {mm(bottom)}; "
                  f"--pad-left: {mm(left)};",
                  f"--land-top: {mm(ltop)}; --land-right: {mm(lright)}; --land-bottom: {mm(lbottom)}; "
                  f"--land-left: {mm(lleft)};"]
    return ":root { " + " ".join(variables) + " }\n"


def _mark(root, index: int, finding, facts) -> bool:
    """Mark the elements a finding is about with data-finding (space-separated finding numbers)."""
    targets = _table_targets(root, finding, facts) or _text_targets(root, finding) or _summary_row(root, finding)
    for element in targets:
        element.set("data-finding", " ".join(filter(None, [element.get("data-finding"), str(index)])))
    return bool(targets)


def _summary_row(root, finding) -> list:
    """A finding about no printed place (a misspelt key, say) is still listed in the draft's 校验结果."""
    message = getattr(finding, "message", "")
    rows = [tr for tr in root.xpath('//section[contains(@class, "validation-summary")]//tbody/tr')
            if message and message in tr.text_content()]
    return rows[:1]


def _section(root, anchor: str):
    found = root.xpath(f'//*[@id="{anchor}"]') if re.match(r"^[\w\-]+$", anchor) else []
    if not found:
        return None
    element = found[0]
    return element.getparent() if element.tag in ("h1", "h2") else element


def _table_targets(root, finding, facts) -> list:
    """tables.<role>.rows.<i>.<column> / tables.<role>.total.<column>: the printed row, narrowed to the
    cell the draft flagged or the cell that prints the finding's figure."""
    parts = (getattr(finding, "path", "") or "").split(".")
    if len(parts) < 3 or parts[0] != "tables" or not re.match(r"^\w+$", parts[1]):
        return []
    blocks = root.xpath(f'//section[@data-role="{parts[1]}"]')
    if not blocks:
        return []
    block = blocks[0]
    row = None
    if parts[2] == "total":
        rows = block.xpath('.//tr[contains(concat(" ", @class, " "), " total ")]')
        row = rows[0] if rows else None
    elif parts[2] == "rows" and len(parts) > 3 and parts[3].isdigit():
        lines = getattr(getattr(facts.data.tables, parts[1], None), "rows", None) or []
        if int(parts[3]) < len(lines):
            code = str(lines[int(parts[3])].code)
            rows = [tr for tr in block.iter("tr")
                    if any((td.text_content() or "").strip() == code for td in tr.xpath('./td[@class="code"]'))]
            row = rows[0] if rows else None
    if row is None:     # a labelled table (公开01/04表): the figures the finding compares, as printed there
        found = _within(block, getattr(finding, "actual", None))
        found += [e for e in _within(block, getattr(finding, "expected", None)) if e not in found]
        return found or [block.xpath(".//h2")[0] if block.xpath(".//h2") else block]
    flagged = row.xpath('./td[contains(concat(" ", @class, " "), " flagged ")]')
    by_figure = [td for td in row.xpath("./td") if _same_amount(td.text_content(), getattr(finding, "actual", None))]
    return flagged or by_figure[:1] or [row]


def _text_targets(root, finding) -> list:
    """Elsewhere: the deepest element printing the finding's actual text, in the part its field prints in."""
    parts = (getattr(finding, "path", "") or "").split(".")
    region = None
    if parts[0] == "reasons" and len(parts) > 1:
        region = _section(root, f"section-{parts[1]}-body")
    elif parts[0] == "overview" and len(parts) > 1:
        region = _section(root, f"overview-{parts[1]}")
        region = region if region is not None else _section(root, "part-overview")
    elif parts[0] == "performance" and len(parts) > 2 and parts[1] == "projects":
        region = None       # a project prints in the narrative and in the attachments: search everywhere
    elif parts[0] in SECTION_OF:
        region = _section(root, SECTION_OF[parts[0]])
    body = root.find("body")
    found = _within(region, getattr(finding, "actual", None)) if region is not None else []
    found = found or _within(body, getattr(finding, "actual", None))
    if found:
        return found
    return [region] if region is not None else []


def _within(region, needle) -> list:
    if region is None or not needle:
        return []
    needle = str(needle).strip()
    if len(needle) < 2:
        return []
    variants = [needle]
    try:
        variants.append(f"{Decimal(needle):,.2f}")
    except InvalidOperation:
        pass
    for variant in variants:
        if variant not in region.text_content():
            continue
        element = region
        while True:
            inner = [child for child in element if isinstance(child.tag, str) and variant in child.text_content()]
            if not inner:
                return [element]
            element = inner[0]
    return []


def _same_amount(text: str, actual) -> bool:
    if not actual:
        return False
    try:
        return Decimal(text.replace(",", "").strip()) == Decimal(str(actual))
    except (InvalidOperation, ValueError):
        return False


def relative_in(path: Path, roots: list[Path]) -> tuple[int, str] | None:
    """(index of the root, URL path inside it) of a file under one of `roots`."""
    resolved = path.resolve()
    for index, root in enumerate(roots):
        try:
            return index, quote(resolved.relative_to(root.resolve()).as_posix())
        except ValueError:
            continue
    return None

"""The CSS the column sizer reads: shorthands understood, what it cannot model warned about, and no profile CSS
that makes text leave its cell (the `font: 13pt …` case of 公开02表)."""
from __future__ import annotations

import warnings

import lxml.html
import pytest
from weasyprint.formatting_structure import boxes

from conftest import INPUTS
from generator.pipeline import run
from generator.profile import resolve
from generator.render import cascade
from generator.render.pdf.engine import render_pdf


def _profile(tmp_path, css: str):
    folder = tmp_path / "big-tables"
    (folder / "styles").mkdir(parents=True)
    (folder / "profile.yaml").write_text("name: big-tables\ndescription: 测试\nextends: shandong-2024\n",
                                         encoding="utf-8")
    (folder / "styles" / "tables.css").write_text(css, encoding="utf-8")
    return str(folder)


def _cells_overflowing(document) -> tuple[int, list]:
    """(text boxes checked, those running past their cell's border box) over all pages."""
    checked, outside = 0, []

    def texts(box):
        for child in getattr(box, "children", []):
            if isinstance(child, boxes.TextBox):
                yield child
            else:
                yield from texts(child)

    def walk(box, page):
        nonlocal checked
        if isinstance(box, boxes.TableCellBox):
            left, right = box.border_box_x(), box.border_box_x() + box.border_width()
            for text in texts(box):
                checked += 1
                if text.position_x < left - 0.5 or text.position_x + text.width > right + 0.5:
                    outside.append((page, text.text))
            return
        for child in getattr(box, "children", []):
            walk(child, page)

    for number, page in enumerate(document.pages, 1):
        walk(page._page_box, number)          # test only: WeasyPrint has no public box API
    return checked, outside


@pytest.fixture(scope="module")
def big_font_build(tmp_path_factory):
    css = "table.grid td, table.grid th { font: 13pt/1.2 var(--font-table); }\n"
    profile = _profile(tmp_path_factory.mktemp("css"), css)
    result = run(INPUTS / "yanzhou-2024", ("html",), profile=profile)
    return result, render_pdf(result.html, result.profile, result.loaded.base_dir)


def test_font_shorthand_13pt_keeps_every_figure_inside_its_cell(big_font_build):
    result, document = big_font_build
    checked, outside = _cells_overflowing(document)
    assert checked > 500
    assert not outside, outside[:10]
    page02 = next(i for i, page in enumerate(document.pages)
                  if any("公开02表" in t.text for t in _all_text(page)))
    assert any(t.text == "2080505" for t in _all_text(document.pages[page02]))


def _all_text(page):
    stack = [page._page_box]
    while stack:
        box = stack.pop()
        if isinstance(box, boxes.TextBox):
            yield box
        stack.extend(getattr(box, "children", []))


def _computed(css_text: str, html: str, tmp_path):
    profile = resolve(_profile(tmp_path, css_text), str(tmp_path))
    root = lxml.html.document_fromstring(html)
    return root, cascade.Computed(cascade.load(profile), root, {"Noto Serif CJK SC": "body"})


def test_shorthands_font_padding_margin_border_are_expanded(tmp_path):
    css = ("td.a { font: bold 13pt/1.5 \"Noto Serif CJK SC\"; padding: 1pt 2pt; margin: 3pt 4pt 5pt; "
           "border: 1.5pt solid #000; }\n td.b { font: italic 9pt var(--font-heading1); border-width: 0 2pt; }")
    root, css_of = _computed(css, "<table><tr><td class=a>1</td><td class=b>2</td></tr></table>", tmp_path)
    a, b = root.xpath("//td")
    assert css_of[a].font_size == 13 and css_of[a].bold and css_of[a].font_role == "body"
    assert css_of[a].padding == (1, 2, 1, 2) and css_of[a].margin == (3, 4, 5, 4)
    assert css_of[a].border == (1.5, 1.5)
    assert css_of[b].font_size == 9 and not css_of[b].bold and css_of[b].font_role == "heading1"
    assert css_of[b].border == (2, 2)


def test_a_property_the_sizer_cannot_model_is_warned_about_by_name(tmp_path):
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        _computed("table.grid td { letter-spacing: 2pt; font-size: 10pt; }", "<p>x</p>", tmp_path)
    messages = [str(w.message) for w in caught if issubclass(w.category, cascade.StyleNotModelled)]
    assert len(messages) == 1
    assert "letter-spacing" in messages[0] and "tables.css" in messages[0] and "table.grid td" in messages[0]

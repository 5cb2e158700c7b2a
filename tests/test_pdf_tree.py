"""The tree the PDF is laid out from: the estimated column widths sum to the table and leave every cell's text
inside its cell."""
from __future__ import annotations

import pytest
from weasyprint.formatting_structure import boxes

from generator.render.columns import content_extent
from generator.render.pdf.engine import render_pdf
import lxml.html

from generator.render.cascade import composed_tree
from generator.render.pdf.tree import sized_html

EXAMPLES = ["yanzhou-2024", "zaozhuang-2024", "shanxi-2024"]


def test_kinsoku_keeps_brackets_and_closing_punctuation_with_their_neighbours():
    em = lambda ch: 1.0 if ord(ch) > 0x2000 else 0.5            # noqa: E731
    assert content_extent("决策指标（20分）", em, 1, False) == (2.0, 8.0)   # （20 and 分） stay whole
    assert content_extent("中文，句号。", em, 1, False) == (2.0, 6.0)
    assert content_extent("12,345.67", em, 1, False) == (4.5, 4.5)       # Latin runs break only at spaces
    assert content_extent("abc defg", em, 1, False) == (2.0, 4.0)
    assert content_extent("中文 中文", em, 2, True) == (9.0, 9.0)         # nowrap: one line


@pytest.mark.parametrize("example", EXAMPLES)
def test_every_table_gets_column_widths_summing_to_the_table(built, example):
    result = built(example).result
    tree = lxml.html.document_fromstring(sized_html(result.html, result.profile))
    assert tree.find(".//img[@data-png]") is None                 # the DOCX's rasters are not handed on
    tables = list(tree.iter("table"))
    assert tables
    for table in tables:
        cols = [col for col in table.iter("col")]
        assert cols, table.get("class")
        styled = [float(col.get("style").split(":")[1].strip(" %;")) for col in cols if col.get("style")]
        if styled:
            assert abs(sum(styled) - 100) < 0.01


@pytest.mark.parametrize("example", EXAMPLES)
def test_the_shared_tree_is_given_back_unchanged(built, example):
    """The build parses and cascades the HTML once for the PDF's sizing and the DOCX: sizing leaves it as it was."""
    result = built(example).result
    tree = composed_tree(result.html, result.profile)
    before = lxml.html.tostring(tree[0], encoding="unicode")
    sized = sized_html(result.html, result.profile, tree)
    assert "<colgroup>" in sized and 'data-png="' not in sized
    assert lxml.html.tostring(tree[0], encoding="unicode") == before
    assert sized == sized_html(result.html, result.profile)


@pytest.mark.parametrize("example", EXAMPLES)
def test_no_cell_text_leaves_its_cell(built, example):
    """With table-layout: fixed an underestimated column would let its figures run over the rule."""
    result = built(example).result
    document = render_pdf(result.html, result.profile, result.loaded.base_dir)
    checked, outside = 0, []

    def text_boxes(box):
        for child in getattr(box, "children", []):
            if isinstance(child, boxes.TextBox):
                yield child
            else:
                yield from text_boxes(child)

    def walk(box, page):
        nonlocal checked
        if isinstance(box, boxes.TableCellBox):
            left = box.border_box_x()
            right = left + box.border_width()
            for text in text_boxes(box):
                checked += 1
                if text.position_x < left - 0.5 or text.position_x + text.width > right + 0.5:
                    outside.append((page, text.text, round(text.position_x + text.width - right, 1)))
            return
        for child in getattr(box, "children", []):
            walk(child, page)

    for number, page in enumerate(document.pages, 1):
        walk(page._page_box, number)
    assert checked > 500
    assert not outside, outside[:10]

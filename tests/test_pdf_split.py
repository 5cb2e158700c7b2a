"""The PDF laid out in two halves on two processes is the PDF laid out in one: same pages, pixels, text,
bookmarks, links and 目录 numbers; and the split is refused or abandoned where it could not be faithful."""
from __future__ import annotations

import io
import json

import lxml.html
import pikepdf
import pypdfium2 as pdfium
import pytest

from conftest import INPUTS
from generator.build import run
from generator.render import pdf_split
from generator.render.pdf import Engine, append_pdfs, pdf_bytes
from generator.render.pdf_cut import choose_cut, css_allows_split
from generator.render.pdf_split import split_pdf
from generator.render.pdf_tree import sized_root


def structure(data: bytes) -> dict:
    """Everything page numbers reach: outline (nesting, titles, targets), links and named destinations."""
    with pikepdf.open(io.BytesIO(data)) as pdf:
        index = {page.obj.objgen: i for i, page in enumerate(pdf.pages)}

        def target(dest):
            return index[dest[0].objgen], *(round(float(v), 2) for v in dest[2:4])

        def walk(items, depth):
            return [(depth, item.title, target(item.destination), walk(item.children, depth + 1))
                    for item in items]

        with pdf.open_outline() as outline:
            bookmarks = walk(outline.root, 0)
        names = {str(k): target(v) for k, v in pikepdf.NameTree(pdf.Root.Names.Dests).items()}
        links = [(i, [round(float(v), 2) for v in annot.Rect], str(annot.Dest))
                 for i, page in enumerate(pdf.pages) for annot in page.obj.get("/Annots", [])]
        info = {str(k): str(v) for k, v in pdf.docinfo.items()}
    return {"bookmarks": bookmarks, "names": names, "links": links, "info": info}


def pages(data: bytes) -> tuple[list[str], list[bytes]]:
    doc = pdfium.PdfDocument(data)
    texts = [page.get_textpage().get_text_range() for page in doc]
    pixels = [page.render(scale=0.6).to_pil().convert("L").tobytes() for page in doc]
    return texts, pixels


@pytest.fixture(scope="module", params=["yanzhou-2024", "zaozhuang-2024", "shanxi-2024"])
def halves_and_whole(request):
    result = run(INPUTS / request.param, ("html",))
    engine = Engine(result.profile, result.loaded.base_dir)
    split = split_pdf(engine, result.html, [])
    whole = append_pdfs(pdf_bytes(engine.render(result.html)), [])
    return request.param, split, whole


def test_split_pdf_is_the_one_process_pdf(halves_and_whole):
    name, split, whole = halves_and_whole
    assert split is not None, f"{name} was not split"
    split_texts, split_pixels = pages(split)
    whole_texts, whole_pixels = pages(whole)
    assert len(split_texts) == len(whole_texts)
    for number, (a, b) in enumerate(zip(split_texts, whole_texts), 1):
        assert a == b, f"{name} page {number} text"
    different = [n for n, (a, b) in enumerate(zip(split_pixels, whole_pixels), 1) if a != b]
    assert not different, f"{name} pages {different} differ in pixels (footer numbers, 目录 numbers?)"
    assert structure(split) == structure(whole)


def test_split_pdf_is_deterministic(halves_and_whole):
    name, split, _ = halves_and_whole
    again = run(INPUTS / name, ("pdf",)).outputs["pdf"]
    assert again == split


def test_cut_goes_inside_a_part_when_that_balances_better():
    result = run(INPUTS / "yanzhou-2024", ("html",))
    root, css = sized_root(result.html, result.profile)
    cut = choose_cut(root.find("body"), css)
    node = root.find("body")
    for index in cut.path:
        node = node[index]
    assert len(cut.path) >= 2, cut          # 附件 is over half the document: the cut falls inside it
    assert root.find("body")[cut.path[0]].get("class") == "part part-attachments"
    assert css[node].break_before


def test_no_cut_with_cross_references_in_the_body():
    result = run(INPUTS / "shanxi-2024", ("html",))
    root, css = sized_root(result.html, result.profile)
    body = root.find("body")
    assert choose_cut(body, css) is not None
    part = next(child for child in body if "part-narrative" in (child.get("class") or ""))
    part.append(lxml.html.fragment_fromstring('<p>见<a href="#table-summary">公开01表</a></p>'))
    assert choose_cut(body, css) is None


@pytest.mark.parametrize("css", [
    "h2 { counter-increment: section; } h2::before { content: counter(section); }",
    '@page { @bottom-center { content: counter(page) "/" counter(pages); } }',
    "h1 { string-set: chapter content(); } @page { @top-center { content: string(chapter); } }",
    "@page :left { @bottom-left { content: counter(page); } }",
    ".toc a::after { content: target-text(attr(href)); }",
])
def test_css_a_half_cannot_lay_out_alone_refuses_the_split(css):
    assert not css_allows_split(css)


def test_base_css_allows_the_split():
    result = run(INPUTS / "zaozhuang-2024", ("html",))
    assert css_allows_split(Engine(result.profile, result.loaded.base_dir).css_text)
    assert css_allows_split("/* counter-increment: x */ "
                            ".toc a::before { content: target-counter(attr(href), page); }")


def test_failed_child_falls_back_to_one_process(monkeypatch):
    def broken(*args):
        raise RuntimeError("stamp failed")

    monkeypatch.setattr(pdf_split, "_stamp_margin_boxes", broken)   # runs in the forked child
    monkeypatch.setattr(pdf_split, "recall", lambda *args: None)    # no page memory: the child must stamp
    result = run(INPUTS / "shanxi-2024", ("html",))
    engine = Engine(result.profile, result.loaded.base_dir)
    assert split_pdf(engine, result.html, []) is None
    built = run(INPUTS / "shanxi-2024", ("pdf",)).outputs["pdf"]
    assert built == append_pdfs(pdf_bytes(engine.render(result.html)), [])


def test_page_memory_spares_the_second_front_layout_and_changes_no_byte(monkeypatch, tmp_path):
    from generator.render import page_memory

    monkeypatch.setattr(page_memory, "cache_root", lambda: tmp_path)
    fronts, stamps = [], []
    real_front, real_stamp = pdf_split._front, pdf_split._stamp_margin_boxes
    # both run in the build's helpers (the layout worker and its child): they leave a trace on disk
    monkeypatch.setattr(pdf_split, "_front", lambda *args: (tmp_path / "front").touch() or real_front(*args))
    monkeypatch.setattr(pdf_split, "_stamp_margin_boxes",
                        lambda *args: (tmp_path / "stamped").touch() or real_stamp(*args))

    def build() -> bytes:
        for trace in ("front", "stamped"):
            (tmp_path / trace).unlink(missing_ok=True)
        data = run(INPUTS / "zaozhuang-2024", ("pdf",)).outputs["pdf"]
        fronts.append((tmp_path / "front").exists())
        stamps.append((tmp_path / "stamped").exists())
        return data

    first = build()                           # no memory yet: footers stamped, 目录 laid out again
    [memory] = (tmp_path / "pages").iterdir()
    learnt = json.loads(memory.read_text())
    assert learnt["numbers"] and learnt["first_pages"] > 2
    assert build() == first                   # right memory: neither redone
    stale = {**learnt, "first_pages": learnt["first_pages"] + 1,
             "numbers": {name: number + 3 for name, number in learnt["numbers"].items()}}
    memory.write_text(json.dumps(stale))
    assert build() == first                   # stale memory: both redone, then corrected
    assert fronts == stamps == [True, False, True]
    assert json.loads(memory.read_text()) == learnt
    memory.write_text("{not json")
    assert build() == first
    # a target that is now in the first half (the 目录's first entry) remembered in the second
    html = run(INPUTS / "zaozhuang-2024", ("html",)).html
    first_part = lxml.html.document_fromstring(html).xpath("//a[starts-with(@href, '#')]/@href")[0][1:]
    memory.write_text(json.dumps({**learnt, "numbers": {first_part: 40, **learnt["numbers"]}}))
    assert build() == first
    assert json.loads(memory.read_text()) == learnt


def test_page_memories_are_capped(monkeypatch, tmp_path):
    from generator.render import page_memory

    monkeypatch.setattr(page_memory, "cache_root", lambda: tmp_path)
    monkeypatch.setattr(page_memory, "_KEEP", 3)
    for n in range(5):
        page_memory.remember(f"unit-{n}", page_memory.PageMemory((1,), n, {}))
    assert len(list((tmp_path / "pages").glob("*.json"))) == 3
    assert page_memory.recall("unit-4", (1,)).first_pages == 4
    assert page_memory.recall("unit-4", (2,)) is None          # cut elsewhere: not this layout's memory

"""The PDF laid out on both cores: the document is cut at a forced page break (pdf_cut.py), a forked child
lays out and writes the second half while this process does the first, and qpdf (pikepdf) joins the halves.

Each half is the whole document with the other half's elements emptied and hidden (display: none), so
selectors such as `.part-title + .table-block` or `:first-of-type` match as they do in the whole.

Page numbers are all one half needs from the other. With the numbers of the last build (page_memory.py,
LaTeX's .aux idea) each half lays out with them at once: the child starts its page counter after the
remembered length of the first half, and the first half ends with one empty stand-in page per 目录 target of
the second half, on a named page whose counter is reset to the remembered number, so target-counter() prints
it with the profile's own wording (the stand-ins are dropped). Whatever turns out to have moved, everything
in a first build, is redone:
- footers of the second half: a stamp (empty pages with the same page names, the counter starting after the
  first half's true length) is laid out and its margin boxes replace the child's;
- the 目录: the front matter (cover, 目录) is laid out again before stand-ins at the true numbers and its
  pages replace the first half's front;
- bookmarks: the outline is built from both halves' bookmarks by WeasyPrint's own nesting rule;
- links: the second half's named destinations are carried over at the join, so the 目录's links resolve.

Every page comes out as in a one-process layout (tests/test_pdf_split.py compares them). The cut is not made,
and one process lays out the whole document as before, when the profile's CSS uses what a half cannot know
(CSS counters other than the page counter, counter(pages), running strings or elements, :first/:left/:right/
:blank/nth() pages), when links other than the 目录's point inside the document, in a serial build
(JUESUAN_SERIAL=1), or when a check fails (front matter of another length, a child that died).
"""
from __future__ import annotations

import copy
import logging
import multiprocessing
from dataclasses import dataclass

from lxml import etree

from ..background import serial
from .page_memory import PageMemory, recall, remember
from .pdf import Engine, append_pdfs, pdf_bytes
from .pdf_cut import Cut, css_allows_split, first_id, planned
from .pdf_tree import element_tree

LOG = logging.getLogger(__name__)


class SplitFailed(Exception):
    """The halves cannot be joined faithfully; the caller lays out the whole document in one process."""


def split_pdf(engine: Engine, html: str, attachments) -> bytes | None:
    """The PDF laid out in two halves on two processes, or None when it should be laid out in one."""
    root, cut = planned(html, engine.profile)
    return split_planned(engine, root, cut, attachments)


def split_planned(engine: Engine, root, cut: Cut | None, attachments) -> bytes | None:
    """split_pdf for a document sized and cut by pdf_cut.planned (in the build's own process)."""
    if cut is None or serial() or not css_allows_split(engine.css_text):
        return None
    key = engine.base_url + "\0" + engine.css_text
    memory = recall(key, cut.path)
    first_root, second_root = _halves(root, cut.path)
    context = multiprocessing.get_context("fork")
    here, there = context.Pipe()
    offset = memory.first_pages if memory else None
    child = context.Process(target=_second_half, args=(engine, second_root, there, offset), daemon=True)
    child.start()
    there.close()
    try:
        data, learnt = _first_half(engine, root, first_root, cut, here, attachments, memory)
    except (SplitFailed, EOFError, OSError) as failure:
        LOG.info("split layout abandoned: %s", failure)
        return None
    finally:
        here.close()
        if child.is_alive():
            child.kill()
        child.join()
    if learnt != memory:
        remember(key, learnt)
    return data


def _halves(root, path: tuple[int, ...]):
    """The document up to the cut, and from the cut on; the rest of each is emptied and hidden, and loose
    text on the other side of the cut (before a container's first child, after a container) dropped."""
    first, second = copy.deepcopy(root), copy.deepcopy(root)
    for half, keep_before in ((first, True), (second, False)):
        node = half.find("body")
        for depth, index in enumerate(path):
            children = list(node)
            last = depth == len(path) - 1
            if keep_before:
                gone = children[index:] if last else children[index + 1:]
                if not last:
                    children[index].tail = None          # comes after the cut
            else:
                gone = children[:index]
                node.text = None                         # comes before the cut
            for element in gone:
                _hide(element)
            node = children[index]
    return first, second


def _hide(element) -> None:
    if not isinstance(element.tag, str):
        return
    for child in list(element):
        element.remove(child)
    element.text = element.tail = None
    element.attrib["style"] = "display: none !important"


class _OtherHalfTargets(logging.Filter):
    """WeasyPrint reports the 目录's targets in the other half as errors; they are resolved later."""

    def filter(self, record: logging.LogRecord) -> bool:
        return not str(record.msg).startswith("Content discarded: target points to undefined anchor")


def _first_half(engine: Engine, root, first_root, cut: Cut, conn, attachments, memory: PageMemory | None):
    """Lay out the first half, join the second, and return the PDF with the page numbers it learnt. With a
    memory of the last build, the 目录's targets in the second half are stand-in pages at the remembered
    numbers and the child stamps its footers at once; whatever turns out to have moved is redone."""
    body = root.find("body")
    targets = _front_targets(body, cut.front)
    extra = ""
    if memory:               # only this document's targets: a memory file is never more than a hint
        remembered = {name: memory.numbers[name] for name in targets if name in memory.numbers}
        extra = _add_stand_ins(first_root.find("body"), remembered)
    quiet = _OtherHalfTargets()
    logging.getLogger("weasyprint").addFilter(quiet)
    try:
        document = engine.render_tree(element_tree(first_root), extra)
    finally:
        logging.getLogger("weasyprint").removeFilter(quiet)
    first_pages = _page_of(document, _STAND_INS) if memory else len(document.pages)
    if memory is None:
        conn.send(first_pages)
    second_anchors, second_marks = _received(conn)
    front_pages = _page_of(document, first_id(body[cut.front]))
    numbers = {name: index + 1 for index, page in enumerate(document.pages[:first_pages]) for name in page.anchors}
    for name, index in second_anchors.items():
        numbers.setdefault(name, first_pages + index + 1)
    later = {name: numbers[name] for name in targets if name in second_anchors}
    learnt = PageMemory(cut.path, first_pages, later)
    if learnt == memory:          # the 目录 already shows the right numbers
        pages = document.pages[:first_pages]
    else:
        laid_front = _front(engine, root, cut.front, numbers)
        if _page_of(laid_front, _STAND_INS) != front_pages:
            raise SplitFailed("front matter laid out to a different length")
        pages = laid_front.pages[:front_pages] + document.pages[front_pages:first_pages]
    whole_first = document.copy(pages)
    # WeasyPrint drops links to anchors it cannot see: stand-ins on page 1 keep the 目录's links into the
    # second half; append_pdfs replaces their named destinations with the second half's.
    for name in second_anchors:
        whole_first.pages[0].anchors.setdefault(name, (0, 0, 0, 0))
    outline = whole_first.copy([*whole_first.pages, *(_Marks(*marks) for marks in second_marks)]) \
        .make_bookmark_tree(scale=0.75, transform_pages=True)      # as WeasyPrint's write_pdf does
    first_bytes = pdf_bytes(whole_first)
    second_bytes = _received(conn)
    if memory is not None and memory.first_pages != first_pages:
        conn.send(first_pages)                 # footers stamped from a stale memory: again, right
        second_bytes = _received(conn)
    conn.send(None)
    return append_pdfs(first_bytes, attachments, continuation=second_bytes, outline=outline), learnt


def _received(conn):
    status, value = conn.recv()
    if status != "ok":
        raise SplitFailed(value)
    return value


@dataclass
class _Marks:
    """What WeasyPrint's bookmark tree reads from a page of the second half."""
    bookmarks: list
    height: float


_STAND_INS = "juesuan-stand-ins"      # marks the page after what was laid out for real
_MARGIN_BOXES = [f"{edge}-{where}" for edge in ("top", "bottom")
                 for where in ("left-corner", "left", "center", "right", "right-corner")] + \
                [f"{edge}-{where}" for edge in ("left", "right") for where in ("top", "middle", "bottom")]


def _front(engine: Engine, root, front: int, numbers: dict[str, int]):
    """The front matter laid out again, its link targets resolved to their final page numbers."""
    front_root = copy.deepcopy(root)
    body = front_root.find("body")
    matter = list(body)[:front]
    defined = {node.get("id") for child in matter for node in child.iter() if node.get("id")}
    targets = [name for name in _front_targets(body, front) if name not in defined and name in numbers]
    for child in list(body)[front:]:
        _hide(child)
    css = _add_stand_ins(body, {name: numbers[name] for name in targets})
    return engine.render_tree(element_tree(front_root), css)


def _front_targets(body, front: int) -> list[str]:
    """The ids the front matter (the 目录) links to, in order, once each."""
    return list(dict.fromkeys(a.get("href")[1:] for child in list(body)[:front] for a in child.iter("a")
                              if (a.get("href") or "").startswith("#")))


def _add_stand_ins(body, numbers: dict[str, int]) -> str:
    """Append a page marked _STAND_INS, then one empty page per page number, carrying the ids of the targets
    on it, on a named page whose counter is reset to that number (so target-counter() prints it); returns the
    CSS of those pages."""
    etree.SubElement(body, "div", id=_STAND_INS, style="break-before: page")
    pages: dict[int, list[str]] = {}
    for name, number in numbers.items():
        pages.setdefault(number, []).append(name)
    for number, names in sorted(pages.items()):
        for index, name in enumerate(names):     # one page per number, its targets' ids on it
            etree.SubElement(body, "div", id=name,
                             style=f"page: juesuan-page-{number}" + ("; break-before: page" if index == 0 else ""))
    blank = " ".join(f"@{box} {{ content: none; }}" for box in _MARGIN_BOXES)   # stand-in pages need no footer
    return "\n".join(f"@page juesuan-page-{n} {{ counter-reset: page {n}; {blank} }}" for n in sorted(pages))


def _page_of(document, anchor: str) -> int:
    for index, page in enumerate(document.pages):
        if anchor in page.anchors:
            return index
    raise SplitFailed(f"anchor {anchor!r} not laid out")


def _second_half(engine: Engine, second_root, conn, offset: int | None) -> None:
    """In the child: lay out (page numbers from the remembered length of the first half, if any), report
    anchors and bookmarks, write; stamp the footers again whenever the parent sends the true length."""
    try:
        counter = f"@page :first {{ counter-reset: page {offset + 1}; }}" if offset is not None else ""
        document = engine.render_tree(element_tree(second_root), counter)
        anchors = {name: index for index, page in enumerate(document.pages) for name in page.anchors}
        marks = [(page.bookmarks, page.height) for page in document.pages]
        conn.send(("ok", (anchors, marks)))
        if offset is not None:
            conn.send(("ok", pdf_bytes(document)))
        while (offset := conn.recv()) is not None:
            _stamp_margin_boxes(engine, second_root, document, offset + 1)
            conn.send(("ok", pdf_bytes(document)))
    except EOFError:
        pass                               # the parent gave up on the split
    except Exception as failure:           # noqa: BLE001 — the parent lays out the whole document instead
        try:
            conn.send(("failed", repr(failure)))
        except OSError:
            pass
    finally:
        conn.close()


def _stamp_margin_boxes(engine: Engine, second_root, document, first_number: int) -> None:
    """Give each page the margin boxes (footer etc.) it would have at its final page number."""
    from weasyprint.formatting_structure.boxes import MarginBox

    stamp_root = copy.deepcopy(second_root)
    body = stamp_root.find("body")
    for child in list(body):
        body.remove(child)
    for page in document.pages:
        name = page._page_box.page_type.name or "auto"
        etree.SubElement(body, "div", style=f"page: {name}; break-before: page")
    stamp = engine.render_tree(element_tree(stamp_root), f"@page :first {{ counter-reset: page {first_number}; }}")
    if [(p.width, p.height) for p in stamp.pages] != [(p.width, p.height) for p in document.pages]:
        raise SplitFailed("stamp pages differ in size")
    for page, stamped in zip(document.pages, stamp.pages):
        box = page._page_box
        box.children = ([child for child in box.children if not isinstance(child, MarginBox)]
                        + [child for child in stamped._page_box.children if isinstance(child, MarginBox)])

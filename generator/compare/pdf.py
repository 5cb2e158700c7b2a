"""Compare two PDFs page by page: text lines (difflib) and pixels (pypdfium2 raster, grey difference).

Pages are aligned by their text, so a page inserted or deleted where the other pages keep their text
(and footers) is reported as added/removed instead of shifting every later page. A paired page differs
when its text differs (ignoring whitespace) or the share of changed pixels exceeds the tolerance.
"""
from __future__ import annotations

import difflib
import re
from dataclasses import dataclass, field
from pathlib import Path

import pypdfium2 as pdfium
from PIL import Image, ImageDraw

from .images import highlight, pixel_mask, side_by_side

DPI = 60
PIXEL_THRESHOLD = 40      # grey levels (0–255) a pixel must move to count as changed
TOLERANCE = 0.001         # share of a page's pixels that may change (anti-aliasing noise)


@dataclass
class PageDiff:
    new: int | None                    # 1-based page in NEW; None when the page was removed
    old: int | None                    # 1-based page in OLD; None when the page was added
    removed_lines: list[str] = field(default_factory=list)
    added_lines: list[str] = field(default_factory=list)
    share: float = 0.0                 # changed pixels / page pixels
    image: Path | None = None
    renumbered: bool = False           # only the printed page number differs (a page was inserted before)


@dataclass
class PdfComparison:
    old_pages: int
    new_pages: int
    pages: list[PageDiff]              # only pages that differ, added or removed

    @property
    def identical(self) -> bool:
        return not self.pages

    def changed(self) -> list[int]:
        """1-based NEW pages that differ from their OLD page (not added or merely renumbered ones)."""
        return [p.new for p in self.pages if p.new and p.old and not p.renumbered]

    def renumbered(self) -> list[int]:
        return [p.new for p in self.pages if p.renumbered]

    def added(self) -> list[int]:
        return [p.new for p in self.pages if p.old is None]

    def removed(self) -> list[int]:
        return [p.old for p in self.pages if p.new is None]


class Pages:
    """A PDF with each page and text page loaded once (pdfium's loads dominate the comparison's time)."""

    def __init__(self, data: bytes | Path):
        self.doc = pdfium.PdfDocument(data.read_bytes() if isinstance(data, Path) else data)
        self._pages: dict[int, tuple[pdfium.PdfPage, pdfium.PdfTextPage]] = {}

    def __len__(self) -> int:
        return len(self.doc)

    def page(self, index: int) -> tuple[pdfium.PdfPage, pdfium.PdfTextPage]:
        if index not in self._pages:
            page = self.doc[index]
            self._pages[index] = (page, page.get_textpage())
        return self._pages[index]

    def lines(self, index: int) -> list[str]:
        text = self.page(index)[1].get_text_range()
        return [line.rstrip() for line in text.replace("\r\n", "\n").split("\n")]

    def raster(self, index: int, dpi: int) -> Image.Image:
        return self.page(index)[0].render(scale=dpi / 72, grayscale=True).to_pil().convert("L")


PAGE_NUMBER = re.compile(r"^[\s\-—–·/第页共]*\d+[\s\-—–·/第页共\d]*$")


def _key(lines: list[str]) -> str:
    """A page's text for alignment, footer page numbers masked (they shift when a page is inserted)."""
    return "\n".join("#" if PAGE_NUMBER.match(line) else line for line in lines)


def number_boxes(doc: Pages, index: int, dpi: int) -> list[tuple[int, int, int, int]]:
    """Pixel boxes (padded) of the page's page-number lines, e.g. "— 17 —"."""
    page, textpage = doc.page(index)
    text = textpage.get_text_range()
    if len(text) != textpage.count_chars():
        return []
    scale, height, boxes, offset = dpi / 72, page.get_height(), [], 0
    for line in text.split("\r\n"):
        if line.strip() and PAGE_NUMBER.match(line.rstrip()):
            rects = [textpage.get_charbox(k) for k in range(offset, offset + len(line))]
            boxes.append((int(min(r[0] for r in rects) * scale) - 3, int((height - max(r[3] for r in rects)) * scale) - 3,
                          int(max(r[2] for r in rects) * scale) + 4, int((height - min(r[1] for r in rects)) * scale) + 4))
        offset += len(line) + 2
    return boxes


def _only_renumbered(old: Pages, new: Pages, i: int, j: int, lines: list[str], mask: Image.Image, dpi: int,
                     tolerance: float) -> bool:
    """The text differs only in page-number lines and, with those boxes blanked, the pixels match."""
    if not lines or not all(PAGE_NUMBER.match(line) for line in lines):
        return False
    masked = mask.copy()
    draw = ImageDraw.Draw(masked)
    for box in number_boxes(old, i, dpi) + number_boxes(new, j, dpi):
        draw.rectangle(box, fill=0)
    return masked.histogram()[255] / (mask.width * mask.height) <= tolerance


def align(old: list[str], new: list[str]) -> list[tuple[int | None, int | None]]:
    """(old index, new index) pairs; unmatched pages pair in order, leftovers are added/removed.
    Every pair is still compared in full, so alignment only decides which pages face each other."""
    pairs: list[tuple[int | None, int | None]] = []
    matcher = difflib.SequenceMatcher(None, old, new, autojunk=False)
    for _tag, i1, i2, j1, j2 in matcher.get_opcodes():
        n = min(i2 - i1, j2 - j1)
        pairs += [(i1 + k, j1 + k) for k in range(n)]
        pairs += [(i, None) for i in range(i1 + n, i2)] + [(None, j) for j in range(j1 + n, j2)]
    return pairs


def _text_diff(a: list[str], b: list[str]) -> tuple[list[str], list[str]]:
    removed, added = [], []
    for line in difflib.ndiff(a, b):
        if line.startswith("- "):
            removed.append(line[2:])
        elif line.startswith("+ "):
            added.append(line[2:])
    return removed, added


def clear_images(out: Path) -> None:
    """Remove diff images of an earlier run (only our own file names)."""
    for pattern in ("page-*.png", "old-page-*.png"):
        for stale in out.glob(pattern):
            stale.unlink()


def compare_pdfs(old_data: bytes | Path, new_data: bytes | Path, out: Path | None = None, *,
                 dpi: int = DPI, threshold: int = PIXEL_THRESHOLD, tolerance: float = TOLERANCE,
                 sides: bool = False) -> PdfComparison:
    """Compare two PDFs; with `out`, write page-NNN.png (NEW numbering) for each differing page."""
    old, new = Pages(old_data), Pages(new_data)
    old_text = [old.lines(i) for i in range(len(old))]
    new_text = [new.lines(i) for i in range(len(new))]
    if out is not None:
        out.mkdir(parents=True, exist_ok=True)
        clear_images(out)
    pages: list[PageDiff] = []
    for i, j in align([_key(t) for t in old_text], [_key(t) for t in new_text]):
        a = old.raster(i, dpi) if i is not None else None
        b = new.raster(j, dpi) if j is not None else None
        blank = Image.new("L", (a if a is not None else b).size, 255)
        mask, share = pixel_mask(a if a is not None else blank, b if b is not None else blank, threshold)
        a_lines = old_text[i] if i is not None else []
        b_lines = new_text[j] if j is not None else []
        # whitespace and line grouping are left to pdfium's heuristics, which may vary between its releases
        same_text = "".join("".join(a_lines).split()) == "".join("".join(b_lines).split())
        removed, added = ([], []) if same_text else _text_diff(a_lines, b_lines)
        if i is not None and j is not None and not removed and not added and share <= tolerance:
            continue
        diff = PageDiff(j + 1 if j is not None else None, i + 1 if i is not None else None, removed, added, share)
        diff.renumbered = (i is not None and j is not None
                           and _only_renumbered(old, new, i, j, removed + added, mask, dpi, tolerance))
        if out is not None and not diff.renumbered:
            picture = highlight(b if b is not None else a, mask)
            name = f"page-{j + 1:03d}" if j is not None else f"old-page-{i + 1:03d}"
            diff.image = out / f"{name}.png"
            picture.save(diff.image, optimize=True)
            if sides:
                side_by_side(a, b, picture).save(out / f"{name}-side.png", optimize=True)
        pages.append(diff)
    return PdfComparison(len(old), len(new), pages)


def changed_pages(old_data: bytes | Path, new_data: bytes | Path, out: Path | None = None, **options) -> list[int]:
    """1-based NEW pages that differ or were added, not merely renumbered (for tests and scripts)."""
    result = compare_pdfs(old_data, new_data, out, **options)
    return sorted(result.changed() + result.added())

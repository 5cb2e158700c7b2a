"""Pixel side of the PDF comparison: change mask, highlighted page, side-by-side picture (Pillow)."""
from __future__ import annotations

from PIL import Image, ImageChops, ImageDraw, ImageFilter

RED = (230, 0, 0)


def pixel_mask(a: Image.Image, b: Image.Image, threshold: int) -> tuple[Image.Image, float]:
    """Mask (255 = changed) and changed share; pages of different sizes are pasted top-left, share 1."""
    resized = a.size != b.size
    if resized:
        size = (max(a.width, b.width), max(a.height, b.height))
        a, b = (_on_canvas(im, size) for im in (a, b))
    mask = ImageChops.difference(a, b).point(lambda v: 255 if v > threshold else 0)
    return mask, 1.0 if resized else mask.histogram()[255] / (mask.width * mask.height)


def _on_canvas(image: Image.Image, size: tuple[int, int]) -> Image.Image:
    canvas = Image.new("L", size, 255)
    canvas.paste(image)
    return canvas


def highlight(page: Image.Image, mask: Image.Image) -> Image.Image:
    """The page faded; around changed pixels a pink patch with the page's ink in dark red; box outlined."""
    page = _on_canvas(page, mask.size)
    base = Image.blend(page.convert("RGB"), Image.new("RGB", mask.size, "white"), 0.45)
    tint = Image.merge("RGB", (page.point(lambda v: 150 + v * 105 // 255), page.point(lambda v: v * 4 // 5),
                               page.point(lambda v: v * 4 // 5)))
    out = Image.composite(tint, base, mask.filter(ImageFilter.MaxFilter(5)))
    box = mask.getbbox()
    if box:
        x0, y0, x1, y1 = box
        ImageDraw.Draw(out).rectangle((x0 - 5, y0 - 5, x1 + 4, y1 + 4), outline=RED, width=2)
    return out


def side_by_side(old: Image.Image | None, new: Image.Image | None, diff: Image.Image) -> Image.Image:
    panels = [p.convert("RGB") if p is not None else Image.new("RGB", diff.size, (235, 235, 235))
              for p in (old, new)] + [diff]
    gap = 8
    out = Image.new("RGB", (sum(p.width for p in panels) + gap * 2, max(p.height for p in panels)),
                    (160, 160, 160))
    x = 0
    for panel in panels:
        out.paste(panel, (x, 0))
        x += panel.width + gap
    return out

"""Golden PDFs: a rebuild must match the stored PDF in page count, page text and pixels.

Refresh deliberately after an intended change:
    JUESUAN_UPDATE_GOLDEN=1 .venv/bin/python -m pytest tests/test_golden.py
On a mismatch the diff images are written to tests/_artifacts/golden-diff/<example>/.
"""
from __future__ import annotations

import os
import shutil
from pathlib import Path

import pypdfium2 as pdfium
import pytest
from PIL import Image, ImageChops

from conftest import INPUTS
from generator.build import run

GOLDEN = Path(__file__).parent / "golden"
ARTIFACTS = Path(__file__).parent / "_artifacts" / "golden-diff"
DPI = 50
PIXEL_TOLERANCE = 0.001   # share of a page's pixels allowed to differ (anti-aliasing noise)
GOLDEN_EXAMPLES = ["yanzhou-2024"]


def rasterize(doc: pdfium.PdfDocument, index: int) -> Image.Image:
    return doc[index].render(scale=DPI / 72).to_pil().convert("L")


def changed_pages(old_bytes: bytes, new_bytes: bytes, out: Path) -> list[int]:
    """1-based pages whose text differs or whose pixels differ beyond the tolerance; diff PNGs go to `out`."""
    old, new = pdfium.PdfDocument(old_bytes), pdfium.PdfDocument(new_bytes)
    changed = [i + 1 for i in range(min(len(old), len(new)), max(len(old), len(new)))]
    for i in range(min(len(old), len(new))):
        old_text = old[i].get_textpage().get_text_range()
        new_text = new[i].get_textpage().get_text_range()
        a, b = rasterize(old, i), rasterize(new, i)
        if a.size != b.size:
            changed.append(i + 1)
            continue
        diff = ImageChops.difference(a, b).point(lambda v: 255 if v > 40 else 0)
        share = diff.histogram()[255] / (a.width * a.height)
        if old_text != new_text or share > PIXEL_TOLERANCE:
            changed.append(i + 1)
            out.mkdir(parents=True, exist_ok=True)
            overlay = Image.merge("RGB", (b.point(lambda v: 255), b, b))
            Image.composite(overlay, b.convert("RGB"), diff).save(out / f"page-{i + 1:03d}.png")
    return sorted(changed)


@pytest.mark.parametrize("name", GOLDEN_EXAMPLES)
def test_rebuild_matches_golden_pdf(built, name):
    new_bytes = built(name).pdf_bytes
    golden_path = GOLDEN / f"{name}.pdf"
    if os.environ.get("JUESUAN_UPDATE_GOLDEN"):
        golden_path.write_bytes(new_bytes)
        pytest.skip(f"已更新金标准 {golden_path.name}")
    assert golden_path.exists(), f"缺少金标准文件 {golden_path}（用 JUESUAN_UPDATE_GOLDEN=1 生成）"
    out = ARTIFACTS / name
    changed = changed_pages(golden_path.read_bytes(), new_bytes, out)
    assert not changed, f"与金标准不同的页：{changed}；差异图见 {out}"


def test_one_changed_figure_is_caught_on_its_page(built, tmp_path):
    source = INPUTS / "yanzhou-2024"
    copy = tmp_path / "input"
    shutil.copytree(source, copy)
    tables = (copy / "tables.yaml").read_text(encoding="utf-8")
    assert "100.22" in tables
    (copy / "tables.yaml").write_text(tables.replace("100.22", "100.23", 1), encoding="utf-8")
    changed_bytes = run(copy, ("pdf",)).outputs["pdf"]
    original = built("yanzhou-2024")
    page = next(i for i, text in enumerate(original.pages) if "公开06表" in text) + 1
    changed = changed_pages(original.pdf_bytes, changed_bytes, tmp_path / "diff")
    assert page in changed
    assert (tmp_path / "diff" / f"page-{page:03d}.png").exists()

"""`juesuan compare`: identical builds exit 0; a one-cent change exits 1 naming its page and highlighting it;
added/removed pages are reported; unusable input exits 2 in Chinese; DOCX paragraphs and table cells."""
from __future__ import annotations

import io
import re
import subprocess
import sys
from functools import lru_cache
from pathlib import Path

import pypdfium2 as pdfium
import pytest
from click.testing import CliRunner
from PIL import Image

from conftest import ROOT
from generator.compare import compare_command, page_list
from generator.compare.images import pixel_mask
from generator.compare.pdf import _key, align
from test_golden import build_at, docx_renderer, one_cent_builds, rebuilt


def compare(*args) -> tuple[int, str]:
    result = CliRunner().invoke(compare_command, [str(a) for a in args])
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    return result.exit_code, result.output


def write(path: Path, data: bytes) -> Path:
    path.write_bytes(data)
    return path


def original_pdf() -> bytes:
    return one_cent_builds()[0].pdf


def one_cent_pdf() -> bytes:
    return one_cent_builds()[1].pdf


def table06_page(pdf: bytes) -> int:
    texts = [page.get_textpage().get_text_range() for page in pdfium.PdfDocument(pdf)]
    return next(i for i, t in enumerate(texts) if "公开06表" in t and "30101" in t) + 1


def without_page(pdf: bytes, index: int) -> bytes:
    document = pdfium.PdfDocument(pdf)
    document.del_page(index)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


@lru_cache(maxsize=1)
def second_build():
    """inputs/yanzhou-2024 built again (the golden test's build is the first)."""
    return build_at(ROOT, "inputs/yanzhou-2024", "shandong-2024")


def red_pixels(path: Path) -> int:
    """Pixels with R ≥ 150 and G, B ≤ 60."""
    from PIL import ImageChops

    r, g, b = Image.open(path).convert("RGB").split()
    mask = ImageChops.multiply(r.point(lambda v: 255 if v >= 150 else 0),
                               ImageChops.multiply(g.point(lambda v: 255 if v <= 60 else 0),
                                                   b.point(lambda v: 255 if v <= 60 else 0)))
    return mask.histogram()[255]


def test_two_builds_of_the_same_input_are_identical(tmp_path):
    a = write(tmp_path / "a.pdf", rebuilt("yanzhou-2024", "shandong-2024").pdf)
    b = write(tmp_path / "b.pdf", second_build().pdf)
    code, output = compare(a, b, "-o", tmp_path / "diff")
    assert code == 0, output
    assert "一致" in output
    assert not list((tmp_path / "diff").glob("*.png"))


def test_one_cent_change_names_its_page_and_highlights_it(tmp_path):
    page = table06_page(one_cent_pdf())                                # numbering of the NEW file
    a = write(tmp_path / "a.pdf", original_pdf())
    b = write(tmp_path / "b.pdf", one_cent_pdf())
    code, output = compare(a, b, "-o", tmp_path / "diff")
    assert code == 1, output
    summary = output.strip().splitlines()[-1]
    changed = re.match(r"第 ([\d、–]+) 页有变化", summary)
    assert changed and str(page) in re.split(r"[、]", changed.group(1)), summary
    assert "100.22" in output and "100.23" in output            # the text diff shows old and new lines
    png = tmp_path / "diff" / f"page-{page:03d}.png"
    assert png.exists() and red_pixels(png) > 20
    assert len(list((tmp_path / "diff").glob("page-*.png"))) < len(pdfium.PdfDocument(one_cent_pdf())) / 2


def test_text_diff_is_limited_unless_verbose(tmp_path):
    a = write(tmp_path / "a.pdf", original_pdf())
    b = write(tmp_path / "b.pdf", one_cent_pdf())
    code, short = compare(a, b, "--lines", "1")
    assert code == 1 and "…（另有" in short
    code, full = compare(a, b, "--lines", "1", "--verbose")
    assert code == 1 and "…（另有" not in full and full.count("\n") > short.count("\n")


def test_side_by_side_image(tmp_path):
    a = write(tmp_path / "a.pdf", original_pdf())
    b = write(tmp_path / "b.pdf", one_cent_pdf())
    assert compare(a, b, "-o", tmp_path / "d", "--side-by-side")[0] == 1
    page = table06_page(one_cent_pdf())
    single = Image.open(tmp_path / "d" / f"page-{page:03d}.png")
    assert Image.open(tmp_path / "d" / f"page-{page:03d}-side.png").width > 3 * single.width


def test_removed_and_added_pages_are_reported(tmp_path):
    full = write(tmp_path / "full.pdf", original_pdf())
    cut = write(tmp_path / "cut.pdf", without_page(original_pdf(), 4))     # page 5 removed
    n = len(pdfium.PdfDocument(original_pdf()))
    code, output = compare(full, cut, "-o", tmp_path / "d1")
    assert code == 1
    assert output.strip().splitlines()[-1] == f"删除原第 5 页（原 {n} 页，现 {n - 1} 页）"
    assert (tmp_path / "d1" / "old-page-005.png").exists()
    code, output = compare(cut, full)
    assert code == 1
    assert output.strip().splitlines()[-1] == f"新增第 5 页（原 {n - 1} 页，现 {n} 页）"


def test_page_inserted_before_renumbers_later_pages(tmp_path):
    from weasyprint import HTML

    def pages(*words: str) -> bytes:
        style = '@page { size: A6; @bottom-center { content: "— " counter(page) " —" } } p { break-after: page }'
        return HTML(string=f"<style>{style}</style>" + "".join(f"<p>{w}</p>" for w in words)).write_pdf()

    old = write(tmp_path / "old.pdf", pages("Alpha", "Beta", "Gamma"))
    new = write(tmp_path / "new.pdf", pages("Inserted", "Alpha", "Beta", "Gamma"))
    code, output = compare(old, new, "-o", tmp_path / "d")
    assert code == 1
    assert output.strip().splitlines()[-1] == "新增第 1 页；第 2–4 页仅页码变化（原 3 页，现 4 页）"
    assert [p.name for p in (tmp_path / "d").glob("*.png")] == ["page-001.png"]


def test_pixel_tolerance_and_threshold(tmp_path):
    from weasyprint import HTML

    def box(colour: str) -> bytes:
        return HTML(string=f'<div style="width:3cm;height:3cm;background:{colour}"></div>').write_pdf()

    a, b = write(tmp_path / "a.pdf", box("#000")), write(tmp_path / "b.pdf", box("#333"))
    code, output = compare(a, b, "-o", tmp_path / "d")
    assert code == 1 and "第 1 页有变化" in output                       # same (empty) text, pixels differ
    assert compare(a, b, "--tolerance", "0.5")[0] == 0                 # a 3 cm box is < 50 % of the page
    assert compare(a, b, "--pixel-threshold", "60")[0] == 0            # grey 0 → 51 is below 60
    white, grey = Image.new("L", (100, 100), 255), Image.new("L", (100, 100), 255)
    grey.paste(0, (0, 0, 5, 5))
    assert pixel_mask(white, grey, 40)[1] == pytest.approx(0.0025)


def test_kind_is_detected_from_content_not_name(tmp_path):
    a = write(tmp_path / "a.docx", original_pdf())                     # a PDF under a wrong name
    b = write(tmp_path / "b.bin", original_pdf())
    assert compare(a, b)[0] == 0


def _docx(paragraphs: list[str], tables: list[list[list[str]]]) -> bytes:
    import docx

    document = docx.Document()
    for text in paragraphs:
        document.add_paragraph(text)
    for rows in tables:
        table = document.add_table(rows=len(rows), cols=len(rows[0]))
        for r, row in enumerate(rows):
            for c, text in enumerate(row):
                table.cell(r, c).text = text
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


@pytest.mark.parametrize("make", [
    lambda p: p / "missing.pdf",
    lambda p: p,                                                               # a directory
    lambda p: write(p / "notes.pdf", "不是 PDF".encode()),
    lambda p: write(p / "broken.pdf", b"%PDF-1.7\n garbage"),
    lambda p: write(p / "plain.docx", b"PK\x03\x04 not really a zip"),
], ids=["missing", "directory", "text", "broken-pdf", "broken-zip"])
def test_unusable_input_exits_2_in_chinese(tmp_path, make):
    good = write(tmp_path / "good.pdf", original_pdf())
    code, output = compare(make(tmp_path), good)
    assert code == 2, output
    assert output.startswith("无法比较：") and "Traceback" not in output


def test_different_kinds_exit_2(tmp_path):
    pdf = write(tmp_path / "a.pdf", original_pdf())
    docx = write(tmp_path / "a.docx", _docx(["一"], []))
    code, output = compare(pdf, docx)
    assert code == 2 and "两个文件类型不同" in output and "PDF" in output and "DOCX" in output


def test_docx_paragraph_and_cell_diff(tmp_path):
    table = [["科目", "金额"], ["30101 基本工资", "100.22"], ["合计", "195.59"]]
    old = write(tmp_path / "old.docx", _docx(["一、收入支出决算总体情况说明", "支出 336.87 万元。"], [table]))
    same = write(tmp_path / "same.docx", _docx(["一、收入支出决算总体情况说明", "支出 336.87 万元。"], [table]))
    changed_table = [row[:] for row in table]
    changed_table[1][1] = "100.23"
    new = write(tmp_path / "new.docx", _docx(["一、收入支出决算总体情况说明", "支出 336.88 万元。"],
                                             [changed_table, [["新表"]]]))
    assert compare(old, same)[0] == 0
    code, output = compare(old, new)
    assert code == 1, output
    assert "- [2] 支出 336.87 万元。" in output and "+ [2] 支出 336.88 万元。" in output
    assert "(2, 2)：100.22 → 100.23" in output
    assert output.strip().splitlines()[-1] == "段落有变化（删除 1 段，新增 1 段）；表 1 有 1 个单元格变化；新增表 2"


def test_inserted_page_is_found_although_footers_shift():
    old = [["一、收入", "— 1 —"], ["二、支出", "— 2 —"], ["三、结余", "— 3 —"]]
    new = [["一、收入", "— 1 —"], ["新增的说明", "— 2 —"], ["二、支出", "— 3 —"], ["三、结余", "— 4 —"]]
    assert align([_key(p) for p in old], [_key(p) for p in new]) == [(0, 0), (None, 1), (1, 2), (2, 3)]
    assert _key(["合计 100.22", "第 3 页"]) == "合计 100.22\n#"


def test_docx_table_inserted_before_is_reported_as_added(tmp_path):
    t1, t2 = [["科目", "金额"], ["301", "195.59"]], [["合计", "336.88"]]
    old = write(tmp_path / "old.docx", _docx(["正文"], [t1, t2]))
    new = write(tmp_path / "new.docx", _docx(["正文"], [[["校验结果"]], t1, [["合计", "336.87"]]]))
    code, output = compare(old, new)
    assert code == 1
    assert output.strip().splitlines()[-1] == "新增表 1；表 3 有 1 个单元格变化（原表 2）"


def test_page_list_shortens_runs():
    assert page_list([14, 15]) == "14、15"
    assert page_list([10, 3, 4, 5, 6, 9]) == "3–6、9、10"


@pytest.mark.skipif(docx_renderer() is None, reason="generator.render.docx 尚不可用")
def test_generated_docx_compare(tmp_path):
    first = rebuilt("yanzhou-2024", "shandong-2024")
    again = second_build()
    a, b = write(tmp_path / "a.docx", first.docx()), write(tmp_path / "b.docx", again.docx())
    assert compare(a, b)[0] == 0
    before, after = one_cent_builds()
    c, d = write(tmp_path / "c.docx", before.docx()), write(tmp_path / "d.docx", after.docx())
    code, output = compare(c, d)
    assert code == 1 and "100.22 → 100.23" in output, output


def _cli_has_compare() -> bool:
    done = subprocess.run([sys.executable, "-m", "generator", "compare", "--help"], cwd=ROOT,
                          capture_output=True, timeout=60)
    return done.returncode == 0


@pytest.mark.skipif(not _cli_has_compare(), reason="compare 尚未注册到 generator/cli.py")
def test_cli_subprocess(tmp_path):
    a = write(tmp_path / "a.pdf", original_pdf())
    b = write(tmp_path / "b.pdf", one_cent_pdf())

    def cli(*args):
        return subprocess.run([sys.executable, "-m", "generator", "compare", *map(str, args)], cwd=ROOT,
                              capture_output=True, text=True, timeout=300)

    assert cli(a, a, "-o", tmp_path / "same").returncode == 0
    done = cli(a, b, "-o", tmp_path / "diff")
    assert done.returncode == 1 and "有变化" in done.stdout
    assert list((tmp_path / "diff").glob("page-*.png"))
    done = cli(tmp_path / "missing.pdf", b)
    assert done.returncode == 2 and "找不到文件" in done.stderr and "Traceback" not in done.stderr

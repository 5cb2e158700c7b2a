"""Every worked example of docs/customizing.md is built: its files become a profile, its expectations hold."""
from __future__ import annotations

import re
from pathlib import Path

import pypdfium2 as pdfium
import pytest

from conftest import INPUTS, ROOT, normalize
from generator.pipeline import run

DOC = ROOT / "docs" / "customizing.md"


def examples() -> list[tuple[str, str]]:
    text = DOC.read_text(encoding="utf-8")
    parts = re.split(r"^## (例\d+.*)$", text, flags=re.M)
    return [(parts[i].strip(), parts[i + 1]) for i in range(1, len(parts), 2)]


def pdf_text(data: bytes) -> str:
    return normalize("".join(page.get_textpage().get_text_range() for page in pdfium.PdfDocument(data)))


@pytest.mark.parametrize("title,body", examples(), ids=[t for t, _ in examples()])
def test_worked_example(tmp_path, title, body, built):
    profile = tmp_path / "profile"
    blocks = re.findall(r"```\w*\n# 文件：(\S+)\n(.*?)```", body, flags=re.S)
    assert blocks, f"{title} 没有文件"
    for name, content in blocks:
        target = profile / name
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(content, encoding="utf-8")
    example = (re.findall(r"<!-- expect-input: (\S+) -->", body) or ["yanzhou-2024"])[0]
    # wording and layout settings show in the composed HTML; fonts, pages and styles only in the PDF
    if any(re.search(r"^(page|fonts|number_format):", content, re.M) or name.startswith("styles/")
           for name, content in blocks):
        text = pdf_text(run(INPUTS / example, ("pdf",), profile=str(profile)).outputs["pdf"])
    else:
        html = run(INPUTS / example, ("html",), profile=str(profile)).html
        text = normalize(re.sub(r"<[^>]+>", "", re.sub(r"<(figure|img)\b.*?>", "", html)))
    default = built(example).flat
    for expected in re.findall(r"<!-- expect: (.+?) -->", body):
        assert normalize(expected) in text, f"{title}: {expected}"
    for absent in re.findall(r"<!-- expect-absent: (.+?) -->", body):
        assert normalize(absent) in default, f"{title}: 默认版式应含 {absent}，否则此例无从验证"
        assert normalize(absent) not in text, f"{title}: {absent}"

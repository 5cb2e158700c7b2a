"""Shared fixtures: each example is built once per session; tests read its PDF text and structure."""
from __future__ import annotations

import re
from pathlib import Path

import pypdfium2 as pdfium
import pytest

from generator.pipeline import run

ROOT = Path(__file__).resolve().parent.parent
INPUTS = ROOT / "inputs"
EXAMPLES = ["yanzhou-2024", "zaozhuang-2024", "shanxi-2024"]
CLEAN = Path(__file__).resolve().parent / "fixtures" / "clean-2024.yaml"


def edited_clean(tmp_path: Path, edit=None, extra: dict | None = None) -> Path:
    """An input folder holding the clean fixture with `edit(data)` applied and `extra` top-level keys added."""
    import yaml

    data = yaml.safe_load(CLEAN.read_text(encoding="utf-8"))
    if edit:
        edit(data)
    data.update(extra or {})
    folder = tmp_path / "input"
    folder.mkdir(exist_ok=True)
    (folder / "unit.yaml").write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return folder


class Built:
    def __init__(self, name: str):
        self.name = name
        self.result = run(INPUTS / name, ("pdf", "html"))
        self.pdf_bytes = self.result.outputs["pdf"]
        self.pdf = pdfium.PdfDocument(self.pdf_bytes)
        self.pages = [page.get_textpage().get_text_range() for page in self.pdf]
        self.text = "\n".join(self.pages)
        # page footers ("— 17 —") interrupt sentences that run across a page break
        self.flat = normalize(re.sub(r"(?m)^\s*— \d+ —\s*$", "", self.text))


def normalize(text: str) -> str:
    """Whitespace removed and full/half-width punctuation unified, for comparing sentences."""
    table = str.maketrans({"(": "（", ")": "）", ",": "，", ":": "：", ";": "；", "\r": None, "\n": None,
                           " ": None, "\u3000": None, "\t": None, "\ufffe": None, "\u00ad": None})
    return re.sub(r"\s+", "", text.translate(table))


@pytest.fixture(scope="session")
def built():
    cache: dict[str, Built] = {}

    def get(name: str) -> Built:
        if name not in cache:
            cache[name] = Built(name)
        return cache[name]

    return get

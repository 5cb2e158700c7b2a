"""Classification catalogues shipped with the project: names and national explanations of codes."""
from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from ..input import yamlio

HERE = Path(__file__).parent


@lru_cache(maxsize=None)
def _read(name: str) -> dict:
    path = HERE / name
    if not path.exists():
        return {}
    data = yamlio.load_settings(path.read_text(encoding="utf-8")) or {}
    return {str(k): v for k, v in data.items()}


def functional(code: str) -> dict | None:
    """{'name': …, 'explanation': …} for a 类/款/项 code of the 2024 支出功能分类, or None."""
    entry = _read("functional-2024.yaml").get(code)
    return entry if isinstance(entry, dict) else None


def functional_name(code: str) -> str:
    entry = functional(code)
    return entry["name"] if entry and entry.get("name") else f"（未收录科目{code}）"


def economic_name(code: str) -> str:
    name = _read("economic.yaml").get(code)
    return str(name) if name else f"（未收录科目{code}）"

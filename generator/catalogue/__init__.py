"""Classification catalogues shipped with the project: names and national explanations of codes."""
from __future__ import annotations

import hashlib
import json
import os
from functools import lru_cache
from pathlib import Path

from ruamel.yaml import YAML

from ..cache import cache_root

HERE = Path(__file__).parent



@lru_cache(maxsize=None)
def _read(name: str) -> dict:
    """The YAML catalogue, via a JSON copy keyed by its content hash (pure-Python YAML takes ~0.3 s)."""
    path = HERE / name
    if not path.exists():
        return {}
    raw = path.read_bytes()
    cached = cache_root() / f"catalogue-{hashlib.sha256(raw).hexdigest()[:16]}.json"
    try:
        return json.loads(cached.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        pass
    data = YAML(typ="safe", pure=True).load(raw.decode("utf-8")) or {}
    data = {str(k): v for k, v in data.items()}
    try:
        cached.parent.mkdir(parents=True, exist_ok=True)
        tmp = cached.with_suffix(f".{os.getpid()}.tmp")
        tmp.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
        os.replace(tmp, cached)
    except OSError:
        pass  # a read-only cache only costs time
    return data


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


def economic_codes() -> list[str]:
    return sorted(_read("economic.yaml"))

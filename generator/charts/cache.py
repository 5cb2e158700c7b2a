"""Drawn charts kept as plain JSON files, keyed by what the drawing is a pure function of: the plan (figures,
`charts:` and `number_format:` settings), this package's code, matplotlib's version and the chart font's
file. A rebuild with the same figures skips matplotlib. Entries follow generator/cache.py's rules: written
atomically with a checksum, verified when read, drawn again and replaced when damaged or irregular; a cache
that cannot be written only costs time.
"""
from __future__ import annotations

import base64
import hashlib
import json
import os
from decimal import Decimal
from functools import lru_cache
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

from ..cache import cache_dir, read_entry, sweep_temp, write_entry
from .plan import Chart, ChartPlan

_KEEP = 400                  # drawings kept (~250 KB each): a province's batch; older ones are deleted


@lru_cache(maxsize=1)
def _code_identity() -> bytes:
    digest = hashlib.sha256()
    for source in sorted(Path(__file__).resolve().parent.glob("*.py")):
        digest.update(source.name.encode() + b"\0" + source.read_bytes())
    try:
        digest.update(version("matplotlib").encode())
    except PackageNotFoundError:
        digest.update(b"matplotlib?")
    return digest.digest()


def plan_key(plan: ChartPlan, font_identity: str) -> str:
    digest = hashlib.sha256(_code_identity())
    digest.update(repr((plan.figures, sorted(plan.settings.items(), key=str),
                        sorted(plan.number_format.items(), key=str))).encode("utf-8"))
    digest.update(font_identity.encode("utf-8"))
    return digest.hexdigest()[:40]


def _plain(value):
    if isinstance(value, Decimal):
        return {"d": str(value)}
    if isinstance(value, (tuple, list)):
        return [_plain(v) for v in value]
    return value


def _typed(value):
    if isinstance(value, dict):
        return Decimal(value["d"])
    if isinstance(value, list):
        return tuple(_typed(v) for v in value)
    return value


def _encode(charts: dict[str, Chart], key: str) -> bytes:
    body = [{"id": c.id, "caption": c.caption, "svg": c.svg, "png": base64.b64encode(c.png).decode("ascii"),
             "note": c.note, "values": _plain(c.values), "kind": c.kind, "amounts": _plain(c.amounts),
             "labels": list(c.labels)} for c in charts.values()]
    return json.dumps({"key": key, "charts": body}, ensure_ascii=False).encode("utf-8")


def _decode(data: bytes, key: str) -> dict[str, Chart] | None:
    try:
        kept = json.loads(data.decode("utf-8"))
        if kept.get("key") != key:
            return None
        return {c["id"]: Chart(c["id"], c["caption"], c["svg"], base64.b64decode(c["png"], validate=True),
                               c["note"], _typed(c["values"]), c["kind"], _typed(c["amounts"]),
                               tuple(c["labels"])) for c in kept["charts"]}
    except (ValueError, KeyError, TypeError, AttributeError):
        return None


def recall(key: str) -> dict[str, Chart] | None:
    """The drawing kept under `key`, or None (absent; a damaged or irregular entry is removed)."""
    folder = cache_dir("charts")
    if folder is None:
        return None
    path = folder / f"{key}.json"
    data = read_entry(path)
    charts = None if data is None else _decode(data, key)
    if charts is not None:
        try:
            os.utime(path)                                  # recently used: pruned last
        except OSError:
            pass
    return charts


def keep(key: str, charts: dict[str, Chart]) -> None:
    folder = cache_dir("charts")
    if folder is None or not write_entry(folder / f"{key}.json", _encode(charts, key)):
        return
    sweep_temp(folder)
    _prune(folder)


def _prune(folder: Path) -> None:
    try:
        files = [p for p in folder.glob("*.json") if p.is_file()]
        if len(files) > _KEEP:
            files.sort(key=lambda p: p.stat().st_mtime)
            for old in files[:len(files) - _KEEP]:
                old.unlink(missing_ok=True)
    except OSError:
        return

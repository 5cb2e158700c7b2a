"""Drawn charts kept as plain JSON files, keyed by what the drawing is a pure function of: the plan (figures,
`charts:` and `number_format:` settings), this package's code, matplotlib's version and the chart font's
file. A rebuild with the same figures skips matplotlib; a kept file that cannot be read, parsed or verified
is drawn again and replaced. The cache is a convenience: one that cannot be written only costs time.
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

from ..cache import cache_root
from .plan import Chart, ChartPlan

_KEEP = 400                  # drawings kept (~250 KB each): a province's batch; older ones are deleted


def _folder() -> Path:
    return cache_root() / "charts"


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
    """The drawing kept under `key`, or None (absent, damaged, not a regular file)."""
    path = _folder() / f"{key}.json"
    try:
        if not path.is_file() or path.is_symlink() or path.stat().st_size > 64 << 20:
            return None
        charts = _decode(path.read_bytes(), key)
        if charts is not None:
            os.utime(path)                                  # recently used: pruned last
        return charts
    except OSError:
        return None


def keep(key: str, charts: dict[str, Chart]) -> None:
    folder = _folder()
    try:
        folder.mkdir(parents=True, exist_ok=True)
        tmp = folder / f".{key}.{os.getpid()}.tmp"
        tmp.write_bytes(_encode(charts, key))
        os.replace(tmp, folder / f"{key}.json")
        _prune(folder)
    except OSError:
        return


def _prune(folder: Path) -> None:
    files = [p for p in folder.glob("*.json") if p.is_file()]
    if len(files) > _KEEP:
        files.sort(key=lambda p: p.stat().st_mtime)
        for old in files[:len(files) - _KEEP]:
            old.unlink(missing_ok=True)

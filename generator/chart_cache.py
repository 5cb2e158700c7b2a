"""Charts kept from earlier builds, so a rebuild whose charts show the same figures skips matplotlib.

A chart is a pure function of its plan (charts.ChartPlan: the figures, the profile's `charts:` and
`number_format:` settings), the generator's code, matplotlib and the pinned font, so a drawing is kept under
a hash of all of them and reused byte for byte. A build also notes which drawing each input used last time:
when that drawing is still kept (or there was nothing to draw: a profile without charts), the build predicts
that it is wanted again and does not start the painter (build.py) at all; a wrong prediction (the figures
changed) only means drawing in-process.

Kept in the juesuan cache, ~250 KB per publication, the most recent _KEEP of them; a cache that cannot be
read or written only makes builds slower.
"""
from __future__ import annotations

import hashlib
import io
import os
import pickle
from functools import lru_cache
from importlib.util import find_spec
from pathlib import Path

from .cache import cache_root
from .fonts import prepared_fonts

_KEEP = 200                  # drawings kept (~50 MB): a province's batch; older ones are deleted
_KEEP_NOTES = 2000           # which drawing each input used last


def _folder() -> Path:
    return cache_root() / "charts"


@lru_cache(maxsize=1)
def _code_identity() -> bytes:
    """The generator's sources and matplotlib's version: any change to either draws afresh."""
    digest = hashlib.sha256()
    package = Path(__file__).resolve().parent
    for source in sorted(package.rglob("*.py")):
        digest.update(str(source.relative_to(package)).encode() + b"\0" + source.read_bytes())
    spec = find_spec("matplotlib")
    version = Path(spec.origin).parent / "_version.py" if spec and spec.origin else None
    digest.update(version.read_bytes() if version and version.is_file() else b"matplotlib?")
    return digest.digest()


def plan_key(plan) -> str:
    """The hash a drawing of `plan` is kept under (the pinned font's file name carries its content hash)."""
    digest = hashlib.sha256(_code_identity())
    digest.update(repr((plan.figures, plan.settings, plan.number_format)).encode("utf-8"))
    role = plan.settings.get("font")
    digest.update(str(prepared_fonts().get(role, role)).encode("utf-8"))
    return digest.hexdigest()[:32]


def _note_path(source: str) -> Path:
    return _folder() / "last" / hashlib.sha256(source.encode("utf-8")).hexdigest()[:24]


NOTHING = "0" * 32           # the note of an input whose charts are all notes (or off): nothing to draw


def predicted(source: str) -> bool:
    """Whether the drawing `source` (an input and profile) used last time is still kept, or it drew none."""
    try:
        key = _note_path(source).read_text(encoding="ascii").strip()
    except (OSError, UnicodeDecodeError):
        return False
    return key == NOTHING or (len(key) == 32 and (_folder() / f"{key}.pickle").is_file())


class _ChartsOnly(pickle.Unpickler):
    """Charts hold strings, bytes, Decimals and tuples: a kept file can name no other class."""

    def find_class(self, module: str, name: str):
        if (module, name) == ("generator.charts", "Chart"):
            from .charts import Chart

            return Chart
        if (module, name) == ("decimal", "Decimal"):
            from decimal import Decimal

            return Decimal
        raise pickle.UnpicklingError(f"{module}.{name}")


def recall(key: str) -> dict | None:
    path = _folder() / f"{key}.pickle"
    try:
        charts = _ChartsOnly(io.BytesIO(path.read_bytes())).load()
        os.utime(path)                                  # recently used: pruned last
    except FileNotFoundError:
        return None
    except Exception:                                   # noqa: BLE001 — damaged or foreign: draw again
        return None
    return charts if isinstance(charts, dict) else None


def keep(key: str, source: str, charts: dict) -> None:
    """Keep a new drawing, as `source`'s latest."""
    try:
        _write(_folder() / f"{key}.pickle", pickle.dumps(charts, protocol=pickle.HIGHEST_PROTOCOL))
        _prune(_folder().glob("*.pickle"), _KEEP)
    except OSError:
        return
    note(source, key)


def note(source: str, key: str) -> None:
    """Note `key` as the drawing `source` used last (what predicted() reads)."""
    path = _note_path(source)
    try:
        if path.is_file() and path.read_bytes() == key.encode("ascii"):
            return
        _write(path, key.encode("ascii"))
        _prune(path.parent.iterdir(), _KEEP_NOTES)
    except OSError:
        pass


def _write(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    tmp.write_bytes(data)
    os.replace(tmp, path)


def _prune(files, keep: int) -> None:
    files = list(files)
    if len(files) > keep:
        files.sort(key=lambda p: p.stat().st_mtime)
        for old in files[:len(files) - keep]:
            old.unlink(missing_ok=True)

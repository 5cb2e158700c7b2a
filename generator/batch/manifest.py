"""OUTDIR/manifest.json and manifest.csv: what happened to each unit of a batch.

Both are rewritten atomically as units finish (at most every `FLUSH_SECONDS`, and at the end or on Ctrl-C),
so a batch stopped by a kill or a power loss resumes from the last written manifest: a unit whose content hash
(its input files, the files its build also read — profile layers, last year's input, attachments — the tool
version and the build options) matches its last successful build, and whose outputs are all still there, is
skipped. The CSV is UTF-8 with a BOM so that Excel opens it with the Chinese intact.
"""
from __future__ import annotations

import csv
import hashlib
import io
import json
import os
import time
from datetime import datetime, timezone
from pathlib import Path

from ..outputs import write_atomically

FLUSH_SECONDS = 0.5
SUCCESS = ("ok", "warnings")          # a draft with errors is rebuilt every time: it is not done
STAGES = ("load", "compute", "check", "charts", "compose", "pdf", "docx")
STATUS_TEXT = {"ok": "成功", "warnings": "成功（有警告）", "draft_with_errors": "草稿（有校验错误）",
               "failed": "失败", "unusable": "输入无法使用"}


def tool_version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("juesuan")
    except PackageNotFoundError:
        return "unknown"


_file_digests: dict[tuple, str] = {}


def _file_digest(path: Path) -> str:
    stat = path.stat()
    key = (str(path), stat.st_size, stat.st_mtime_ns)
    if key not in _file_digests:     # profile files are shared by every unit: read them once per batch
        _file_digests[key] = hashlib.sha256(path.read_bytes()).hexdigest()
    return _file_digests[key]


def _walk(path: Path) -> list[Path]:
    if path.is_file():
        return [path]
    if not path.is_dir():
        return []
    return sorted(p for p in path.rglob("*") if p.is_file()
                  and not any(part.startswith(".") for part in p.relative_to(path).parts))


def _digest_into(sha, label: str, path: Path) -> None:
    sha.update(f"\n{label}\n".encode())
    files = _walk(path)
    if not files:
        sha.update(b"<missing>")
    for file in files:
        rel = file.relative_to(path).as_posix() if path.is_dir() else file.name
        sha.update(f"{rel}\0{_file_digest(file)}\n".encode())


def unit_hash(unit_path: Path, deps: list[str], options: dict) -> str:
    """sha256 over the tool version, the build options, the unit's files (hidden ones excepted) and `deps`."""
    from ..profile import builtin_root

    sha = hashlib.sha256(f"juesuan {tool_version()}\n{json.dumps(options, sort_keys=True)}".encode())
    _digest_into(sha, "input", unit_path)
    for dep in sorted(deps):
        path = builtin_root() / dep.removeprefix("builtin:") if dep.startswith("builtin:") else Path(dep)
        _digest_into(sha, dep, path)
    return sha.hexdigest()


class Manifest:
    """Entries by input path; units of earlier batches into the same OUTDIR are kept."""

    def __init__(self, outdir: Path):
        self.outdir = outdir
        self.json_path, self.csv_path = outdir / "manifest.json", outdir / "manifest.csv"
        self.entries: dict[str, dict] = {}
        self.dirty, self.written = False, 0.0
        try:
            data = json.loads(self.json_path.read_text(encoding="utf-8"))
            self.entries = {e["input"]: e for e in data.get("units", []) if isinstance(e, dict) and "input" in e}
        except (OSError, ValueError, TypeError, KeyError):
            pass     # no manifest yet (or an unreadable one): every unit is built

    def names(self) -> dict[str, str]:
        return {key: e["name"] for key, e in self.entries.items() if e.get("name")}

    def up_to_date(self, key: str, digest: str) -> bool:
        entry = self.entries.get(key)
        return (entry is not None and entry.get("status") in SUCCESS and entry.get("hash") == digest
                and all((self.outdir / rel).is_file() for rel in entry.get("outputs", [])))

    def record(self, entry: dict) -> None:
        entry["finished"] = datetime.now(timezone.utc).isoformat(timespec="seconds")
        self.entries[entry["input"]] = entry
        self.dirty = True
        self.flush()

    def flush(self, force: bool = False) -> None:
        if not self.dirty or (not force and time.monotonic() - self.written < FLUSH_SECONDS):
            return
        units = sorted(self.entries.values(), key=lambda e: e["input"])
        document = {"tool": "juesuan", "version": tool_version(), "units": units}
        write_atomically(self.json_path, json.dumps(document, ensure_ascii=False, indent=1).encode("utf-8"))
        write_atomically(self.csv_path, _csv(units).encode("utf-8-sig"))
        self.dirty, self.written = False, time.monotonic()


def _csv(units: list[dict]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(["input", "name", "status", "状态", "exit_code", "errors", "warnings", "first_message",
                     "outputs", "hash", "attempts", "wall_s", "cpu_s", *(f"{s}_s" for s in STAGES), "finished"])
    for e in units:
        timings = e.get("timings", {})
        writer.writerow([e["input"], e.get("name", ""), e.get("status", ""), STATUS_TEXT.get(e.get("status"), ""),
                         e.get("exit_code", ""), e.get("errors", 0), e.get("warnings", 0),
                         (e.get("messages") or [""])[0], "; ".join(e.get("outputs", [])), e.get("hash", ""),
                         e.get("attempts", 1), e.get("wall_s", ""), e.get("cpu_s", ""),
                         *(timings.get(s, "") for s in STAGES), e.get("finished", "")])
    return out.getvalue()


def remove_stale(outdir: Path, old: list[str], new: list[str]) -> None:
    """Outputs the unit's previous build wrote and this one did not (its title changed): removed."""
    for rel in set(old) - set(new):
        target = outdir / rel
        try:
            if target.resolve().is_relative_to(outdir.resolve()):
                os.unlink(target)
        except OSError:
            pass

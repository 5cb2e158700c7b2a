"""Which units a batch builds and where each one's outputs go.

A PATH is a unit when it is a YAML/JSON file or a directory holding YAML/JSON files directly (unit.yaml,
tables.yaml …); a directory without any is a directory of units: its subdirectories that are units, sorted by
name. `--list FILE` names one PATH per line (blank lines and lines starting with # are skipped; relative paths
are relative to the list file).

Output folders: OUTDIR/<unit directory name>/ (a unit file: its name without the suffix). When two units have
the same name (same folder name under different parents), the first in sorted path order keeps it and the
others get -2, -3, … A name once given stays with its input in the manifest, so adding units later never
moves an existing unit's outputs.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from ..errors import InputError, Problem
from ..input.load import INPUT_SUFFIXES


@dataclass
class Unit:
    path: Path          # absolute
    name: str = ""      # folder under OUTDIR


def is_unit(path: Path) -> bool:
    if path.is_file():
        return path.suffix.lower() in INPUT_SUFFIXES
    if not path.is_dir():
        return False
    return any(p.suffix.lower() in INPUT_SUFFIXES and p.is_file() for p in path.iterdir())


def expand(path: Path) -> list[Path]:
    """The units a PATH names: itself when it is a unit (or does not exist: the build reports that),
    else its subdirectories that are units."""
    if not path.is_dir() or is_unit(path):
        return [path]
    try:
        children = sorted(p for p in path.iterdir() if not p.name.startswith(".") and is_unit(p))
    except OSError as exc:
        raise InputError([Problem(str(path), f"无法读取目录（{exc.strerror}）")]) from None
    return children or [path]     # an empty directory: its build says what is missing


def read_list(list_file: Path) -> list[Path]:
    try:
        text = list_file.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError([Problem(str(list_file), f"无法读取清单文件（{exc}）")]) from None
    paths = []
    for line in text.splitlines():
        line = line.strip()
        if line and not line.startswith("#"):
            entry = Path(line).expanduser()
            paths.append(entry if entry.is_absolute() else list_file.parent / entry)
    return paths


def collect(paths: list[Path]) -> list[Unit]:
    """Every unit named by the PATHs, each once, in the order given."""
    seen: dict[Path, Unit] = {}
    for path in paths:
        for found in expand(path):
            absolute = found.absolute()
            if absolute not in seen:
                seen[absolute] = Unit(absolute)
    return list(seen.values())


def base_name(path: Path) -> str:
    name = path.stem if path.is_file() else path.name
    name = "".join("_" if ch in '/\\:*?"<>|' or ord(ch) < 32 else ch for ch in name).strip(". ")
    return name[:120] or "unit"


def assign_names(units: list[Unit], known: dict[str, str]) -> None:
    """Give each unit its output folder: the one the manifest already records for it, else its own name,
    made unique with -2, -3 … in sorted path order."""
    taken = {name.casefold() for name in known.values()}   # case-insensitive file systems too
    for unit in units:
        unit.name = known.get(str(unit.path), "")
    for unit in sorted((u for u in units if not u.name), key=lambda u: str(u.path)):
        name = candidate = base_name(unit.path)
        suffix = 2
        while candidate.casefold() in taken:
            candidate, suffix = f"{name}-{suffix}", suffix + 1
        unit.name = candidate
        taken.add(candidate.casefold())

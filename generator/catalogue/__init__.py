"""Classification catalogues: names and national explanations of codes, one edition per publication year.

`functional-2024.yaml` is the full 2024 edition; `changes/<year>.yaml` lists what another year's edition
(2020–2025) names or explains differently, adds or lacks (README.md gives the sources). A profile can add a
`catalogue-<year>.yaml` to any of its layers and an input a top-level `catalogue:` block, in the same format,
to add or rename codes for its year. The build activates the unit-year's catalogue (`activate`: the pipeline
with the profile's changes, compute for the unit-year it computes); the module functions below answer from it,
so every stage names a code the same way.
"""
from __future__ import annotations

from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

from ..input import yamlio

HERE = Path(__file__).parent
BASE_YEAR = 2024
YEARS = tuple(range(2020, 2026))
CHANGE_KEYS = ("names", "explanations", "added", "removed", "source")


@lru_cache(maxsize=None)
def _read(name: str) -> dict:
    path = HERE / name
    if not path.exists():
        return {}
    data = yamlio.load_settings(path.read_text(encoding="utf-8")) or {}
    return {str(k): v for k, v in data.items()}


def edition(year: int) -> int:
    """The catalogue edition a publication year uses: its own, or the nearest one shipped."""
    return min(max(year, YEARS[0]), YEARS[-1])


@dataclass(frozen=True)
class Catalogue:
    year: int                                   # the edition
    entries: dict[str, dict] = field(repr=False)
    applied: tuple[str, ...] = ()               # change files applied after the edition's own, in order
    renamed: frozenset = frozenset()            # codes a profile or input renamed or added
    problems: tuple[tuple[str, str], ...] = ()  # (where, message) of change entries that could not apply

    def functional(self, code: str) -> dict | None:
        entry = self.entries.get(code)
        return entry if isinstance(entry, dict) else None

    def functional_name(self, code: str) -> str:
        entry = self.functional(code)
        return entry["name"] if entry and entry.get("name") else f"（未收录科目{code}）"

    def economic_name(self, code: str) -> str:
        name = _read("economic.yaml").get(code)
        return str(name) if name else f"（未收录科目{code}）"


def apply_changes(entries: dict[str, dict], changes: Any, where: str) -> tuple[set[str], list[tuple[str, str]]]:
    """Apply one change set in place; returns (the codes it names or adds, problems as (where, message))."""
    touched: set[str] = set()
    problems: list[tuple[str, str]] = []
    if isinstance(changes, str):          # a profile file that could not be read
        return touched, [(where, changes)]
    if not isinstance(changes, dict):
        return touched, [(where, "应为 names/explanations/added/removed 的映射")]
    for key in sorted(set(map(str, changes)) - set(CHANGE_KEYS)):
        problems.append((where, f"未知的键“{key}”（可用：names、explanations、added、removed）"))
    for key, kind in (("names", dict), ("explanations", dict), ("added", dict), ("removed", list)):
        if changes.get(key) is not None and not isinstance(changes[key], kind):
            problems.append((f"{where} {key}", f"{key} 应为{'“编码: 文字”的映射' if kind is dict else '编码列表'}"))
            changes = {k: v for k, v in changes.items() if k != key}
    for code, value in (changes.get("added") or {}).items():
        value = {"name": value} if isinstance(value, str) else (dict(value) if isinstance(value, dict) else {})
        if not value.get("name"):
            problems.append((f"{where} added.{code}", f"新增科目 {code} 缺少 name"))
            continue
        entries[str(code)] = {k: str(v) for k, v in value.items() if k in ("name", "explanation")}
        touched.add(str(code))
    for key, part in (("names", "name"), ("explanations", "explanation")):
        for code, text in (changes.get(key) or {}).items():
            code = str(code)
            if code not in entries:
                problems.append((f"{where} {key}.{code}", f"科目 {code} 不在 {where} 所改的目录中；新增科目请写在 added 中"))
                continue
            entries[code] = {**entries[code], part: str(text)}
            touched.add(code)
    for code in changes.get("removed") or []:
        entries.pop(str(code), None)
    return touched, problems


@lru_cache(maxsize=None)
def _edition_entries(year: int) -> dict[str, dict]:
    entries = {k: dict(v) for k, v in _read("functional-2024.yaml").items() if isinstance(v, dict)}
    if year != BASE_YEAR:
        changes = {k: v for k, v in _read(f"changes/{year}.yaml").items() if k != "source"}
        apply_changes(entries, changes, f"catalogue/changes/{year}.yaml")
    return entries


@lru_cache(maxsize=None)
def _edition_catalogue(year: int) -> Catalogue:
    return Catalogue(year, _edition_entries(year))


def build(year: int, extra: tuple[tuple[str, Any], ...] = ()) -> Catalogue:
    """The edition for `year` with extra change sets ((where, changes), …) applied in order."""
    ed = edition(year)
    if not extra:
        return _edition_catalogue(ed)
    entries = dict(_edition_entries(ed))
    touched: set[str] = set()
    problems: list[tuple[str, str]] = []
    for where, changes in extra:
        codes, found = apply_changes(entries, changes, where)
        touched |= codes
        problems += found
    return Catalogue(ed, entries, tuple(where for where, _ in extra), frozenset(touched), tuple(problems))


def profile_changes(profile, year: int) -> list[tuple[str, Any]]:
    """A profile's `catalogue-<year>.yaml` files, base layer first so nearer layers win."""
    out = []
    for layer in reversed(getattr(profile, "layers", []) or []):
        path = Path(layer.path) / f"catalogue-{year}.yaml"
        if path.is_file():
            try:
                out.append((str(path), yamlio.load_settings(path.read_text(encoding="utf-8")) or {}))
            except (OSError, UnicodeDecodeError, ValueError, yamlio.yaml.YAMLError) as exc:
                out.append((str(path), f"无法读取（{type(exc).__name__}）"))   # reported as this file's problem
    return out


_active: ContextVar[tuple[Any, Any, Catalogue] | None] = ContextVar("catalogue", default=None)


def _for(unit_year, profile=None) -> Catalogue:
    year = unit_year.unit.year
    extra = profile_changes(profile, year) if profile is not None else []
    own = getattr(unit_year, "catalogue", None)
    if own is not None:
        extra.append(("catalogue", own.model_dump(exclude_none=True)))   # the input's own block
    return build(year, tuple(extra))


def activate(unit_year, profile=None) -> Catalogue:
    """Make the unit-year's catalogue (its year's edition + the profile's and the input's changes) current."""
    active = _active.get()
    if active is not None and active[0] is unit_year and (profile is None or active[1] is profile):
        return active[2]
    catalogue = _for(unit_year, profile)
    _active.set((unit_year, profile, catalogue))
    return catalogue


@contextmanager
def kept():
    """Whatever is activated inside (last year's input, computed within this year's build) is undone after."""
    token = _active.set(_active.get())
    try:
        yield
    finally:
        _active.reset(token)


def current() -> Catalogue:
    active = _active.get()
    return active[2] if active is not None else build(BASE_YEAR)


def functional(code: str) -> dict | None:
    """{'name': …, 'explanation': …} for a 类/款/项 code of the active edition, or None."""
    return current().functional(code)


def functional_name(code: str) -> str:
    return current().functional_name(code)


def economic_name(code: str) -> str:
    return current().economic_name(code)

"""Profiles: a directory with profile.yaml (`extends:`), templates/ and styles/, resolved like MkDocs themes.

The chain is [the named directory, what it extends, …, the built-in `base`]. Settings are deep-merged
along the chain (mappings merge, lists and scalars are replaced by the nearer layer); templates and
styles are looked up nearest-first, so a province overrides one file and inherits the rest.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

from ..input import yamlio
from .confine import confine

PACKAGE_DIR = Path(__file__).resolve().parent.parent      # generator/


def builtin_root() -> Path:
    """Built-in templates: inside the wheel (generator/_templates) or the repository's templates/."""
    packaged = PACKAGE_DIR / "_templates"
    return packaged if packaged.is_dir() else PACKAGE_DIR.parent / "templates"


class ProfileError(Exception):
    def __init__(self, message: str, file: str | None = None, line: int | None = None):
        where = f"{file}{f' 第{line}行' if line else ''}：" if file else ""
        super().__init__(f"{where}{message}")
        self.file, self.line = file, line


@dataclass(frozen=True)
class Layer:
    name: str
    path: Path

    @property
    def templates(self) -> Path:
        return self.path / "templates"

    @property
    def styles(self) -> Path:
        return self.path / "styles"


@dataclass
class Profile:
    name: str
    layers: list[Layer]          # nearest first, `base` last
    settings: dict[str, Any]

    def template_dirs(self) -> list[str]:
        return [str(layer.templates) for layer in self.layers if layer.templates.is_dir()]

    def stylesheets(self) -> list[Path]:
        """Every layer's CSS, base first so nearer layers win the cascade."""
        sheets: list[Path] = []
        for layer in reversed(self.layers):
            if layer.styles.is_dir():
                sheets.extend(sorted(layer.styles.glob("*.css")))
        return sheets

    def identity(self) -> tuple:
        """What the PDF engine loads from this profile: its stylesheets (path, size, mtime) and settings."""
        sheets = []
        for path in self.stylesheets():
            stat = path.stat()
            sheets.append((str(path), stat.st_size, stat.st_mtime_ns))
        return (tuple(str(layer.path) for layer in self.layers), tuple(sheets),
                repr(self.settings.get("fonts")), repr(self.settings.get("page")))

    def resolved_files(self) -> list[tuple[str, Path, str]]:
        """(relative name, absolute path, layer) for every template and style the profile resolves."""
        seen: dict[str, tuple[Path, str]] = {}
        for layer in self.layers:
            for folder in (layer.templates, layer.styles):
                if not folder.is_dir():
                    continue
                for file in sorted(folder.rglob("*")):
                    rel = str(file.relative_to(layer.path))
                    if file.is_file() and rel not in seen:
                        seen[rel] = (file.resolve(), layer.name)
        return [(rel, path, layer) for rel, (path, layer) in sorted(seen.items())]


def builtin_profiles() -> dict[str, Path]:
    root = builtin_root()
    found = {"base": root / "base"}
    profiles = root / "profiles"
    if profiles.is_dir():
        found.update({p.name: p for p in sorted(profiles.iterdir()) if (p / "profile.yaml").is_file()})
    return found


def _read_settings(path: Path) -> tuple[dict[str, Any], Any]:
    """(settings, YAML root node for line numbers) of one layer, checked against the schema."""
    from . import schema

    file = path / "profile.yaml"
    if not file.is_file():
        raise ProfileError("缺少 profile.yaml", str(path))
    try:
        data, root = yamlio.load_with_nodes(file.read_text(encoding="utf-8"), yamlio.SettingsLoader)
    except yamlio.DuplicateKey as exc:
        raise ProfileError(f"键“{exc.key}”重复出现", str(file), exc.line) from None
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        raise ProfileError(f"YAML 语法错误（{exc.problem or exc.context}）", str(file),
                           mark.line + 1 if mark else None) from None
    except (yaml.YAMLError, UnicodeDecodeError, OSError) as exc:
        raise ProfileError(f"无法读取（{type(exc).__name__}）", str(file)) from None
    if data is None:
        return {}, None
    if not isinstance(data, dict):
        raise ProfileError("顶层应为“键: 值”的映射", str(file), 1)
    data = schema.migrate(data, str(file))
    schema.validate_layer(data, str(file), lambda loc: yamlio.line_of(root, loc))
    return data, root


def _locate(ref: str, relative_to: Path | None) -> Path:
    builtins = builtin_profiles()
    if ref in builtins:
        return builtins[ref]
    candidate = Path(ref)
    if not candidate.is_absolute() and relative_to is not None:
        candidate = relative_to / candidate
    if candidate.is_dir():
        return candidate.resolve()
    known = "、".join(sorted(builtins))
    raise ProfileError(f"未知的版式（profile）“{ref}”；内置版式有：{known}，也可以给出版式目录")


def merge(base: dict, nearer: dict) -> dict:
    out = dict(base)
    for key, value in nearer.items():
        out[key] = merge(out[key], value) if isinstance(value, dict) and isinstance(out.get(key), dict) else value
    return out


@lru_cache(maxsize=32)
def resolve(ref: str, relative_to: str | None = None) -> Profile:
    """Resolve a profile name or directory into its layer chain and merged settings."""
    path = _locate(ref, Path(relative_to) if relative_to else None)
    base_path = builtin_profiles()["base"].resolve()
    layers: list[Layer] = []
    chain_settings: list[dict] = []
    roots: list[Any] = []
    seen: list[Path] = []
    while True:
        path = path.resolve()
        if path in seen:
            names = " → ".join(p.name for p in [*seen, path])
            raise ProfileError(f"版式继承（extends）形成循环：{names}", str(path / "profile.yaml"))
        seen.append(path)
        settings, root = _read_settings(path)
        roots.append(root)
        layers.append(Layer(settings.get("name") or path.name, path))
        chain_settings.append(settings)
        parent = settings.get("extends")
        if path == base_path:
            break
        if parent is None:
            parent = "base"
        if not isinstance(parent, str):
            raise ProfileError("extends 应为版式名称或目录", str(path / "profile.yaml"))
        path = _locate(parent, path)
    merged: dict[str, Any] = {}
    for settings in reversed(chain_settings):
        merged = merge(merged, {k: v for k, v in settings.items() if k not in ("extends",)})
    merged["name"] = layers[0].name
    _chart_parts(merged)
    profile = Profile(layers[0].name, layers, merged)
    confine([layer.path for layer in layers], builtin_root())      # before anything reads a template
    _check_words(profile, chain_settings, roots)
    return profile


def _chart_parts(merged: dict) -> None:
    """图2/图3 name their parts as the sentences do: charts.labels.income_parts / expenditure_parts default
    to the profile's labels.income / labels.expenditure (one vocabulary)."""
    vocabulary = merged.get("labels") or {}
    charts = dict(merged.get("charts") or {})
    labels = dict(charts.get("labels") or {})
    for part, kind in (("income_parts", "income"), ("expenditure_parts", "expenditure")):
        if part not in labels and vocabulary.get(kind):
            labels[part] = dict(vocabulary[kind])
    charts["labels"] = labels
    merged["charts"] = charts


def _check_words(profile: Profile, chain_settings: list[dict], roots: list[Any]) -> None:
    """Every word's key and {placeholders} against what the templates give it (schema.check_words)."""
    from . import schema

    def where(key: str) -> tuple[str, int | None]:
        for layer, settings, root in zip(profile.layers, chain_settings, roots):
            if key in (settings.get("words") or {}):
                return str(layer.path / "profile.yaml"), yamlio.line_of(root, ("words", key))
        return str(profile.layers[0].path / "profile.yaml"), None

    base = builtin_profiles()["base"].resolve()
    base_dirs = (str(base / "templates"),)
    received, sections = schema.word_catalogue(profile.settings, tuple(profile.template_dirs()), base_dirs)
    base_words = set((chain_settings[-1].get("words") or {})) if profile.layers[-1].path == base else set()
    schema.check_words(profile.settings.get("words") or {}, received, sections, base_words, where)

    def where_setting(path: tuple) -> tuple[str, int | None]:
        for layer, settings, root in zip(profile.layers, chain_settings, roots):
            if path[0] in settings:
                return str(layer.path / "profile.yaml"), yamlio.line_of(root, path)
        return str(profile.layers[0].path / "profile.yaml"), None

    schema.check_texts(profile.settings, where_setting)


def word_slots(profile: Profile) -> tuple[dict[str, frozenset[str]], set[str]]:
    """(word key → placeholders it receives, section ids) for checking an input's `wording:` overrides."""
    from . import schema

    base_dirs = (str(builtin_profiles()["base"].resolve() / "templates"),)
    return schema.word_catalogue(profile.settings, tuple(profile.template_dirs()), base_dirs)


_SLOT = re.compile(r"\{(\w+)\}")


def fill(pattern: str, **values: Any) -> str:
    """Replace {name} slots only — no attribute access or expressions, so wording text stays data."""
    return _SLOT.sub(lambda m: str(values[m.group(1)]) if m.group(1) in values else m.group(0), pattern)


def word_key_known(profile: Profile, key: str) -> bool:
    """A `wording:` key the profile knows: one of its words, or "<section id>.<word>" for one section."""
    words = profile.settings.get("words") or {}
    if key in words:
        return True
    section, dot, plain = key.rpartition(".")
    return bool(dot) and plain in words and section in word_slots(profile)[1]


def check_wording(profile: Profile, wording: dict[str, str], file: str) -> None:
    """An input's `wording:` overrides use only the {placeholders} each word receives (unknown keys are a
    validation finding of checks/keys.py, not an error here)."""
    from . import schema

    received, sections = word_slots(profile)
    known = {k: v for k, v in wording.items() if word_key_known(profile, k)}
    schema.check_words(known, received, sections, set(profile.settings.get("words") or {}),
                       lambda key: (file, None))

"""Fonts by family and coverage: a profile names a family per role, fontconfig finds its file.

A profile's `fonts:` gives each role (title, heading1, heading2, body, table) a family, optionally with
fontconfig's `:bold` ("Noto Serif CJK SC:bold"). The families are looked up among the installed fonts and
in the directory of `--fonts DIR` / JUESUAN_FONTS (find.py); a family that is not there is an error naming
it and how to install it — never a silent substitute. Debian 12's fonts-noto-cjk and fonts-arphic-ukai are
the default and the reference of the golden PDFs. Instead of pinning file hashes, a build checks that every
character it prints has a glyph in the chosen fonts (checks/text.py) and records the files it used, name
and SHA-256, in the PDF's metadata (`used()`), so "same bytes given the same fonts" can be verified.
"""
from __future__ import annotations

import hashlib
import json
import os
from functools import lru_cache
from pathlib import Path

from ..cache import cache_root
from .find import Face, FontError, activate, font_dir, having, match, parse

__all__ = ["Face", "FontError", "ROLES", "activate", "advances", "cache_dir", "covered_codepoints", "face_for",
           "faces", "font_dir", "having", "missing_glyphs", "parse", "pdf_families", "roles_of", "sha256", "used"]

DEFAULT_ROLES = {"title": "Noto Serif CJK SC:bold", "heading1": "Noto Sans CJK SC:bold",
                 "heading2": "AR PL UKai CN", "body": "Noto Serif CJK SC", "table": "Noto Serif CJK SC"}
ROLES = tuple(DEFAULT_ROLES)
# The names profiles used while fonts were pinned files; still accepted.
LEGACY = {"JS Serif": "Noto Serif CJK SC", "JS Serif Bold": "Noto Serif CJK SC:bold",
          "JS Sans Bold": "Noto Sans CJK SC:bold", "JS Kai": "AR PL UKai CN"}
# What each role's family needs to print: body text and tables everything, headings their own words.
CHECKED_ROLES = ("body", "table", "heading1")
INSTALL_HINT = ("请安装该字体（Debian/Ubuntu/UOS：apt-get install fonts-noto-cjk fonts-arphic-ukai；"
                "Fedora/麒麟：dnf install google-noto-serif-cjk-fonts google-noto-sans-cjk-fonts；"
                "macOS：brew install --cask font-noto-serif-cjk-sc font-noto-sans-cjk-sc），"
                "或用 --fonts 目录 / JUESUAN_FONTS 指向含该字体的目录；juesuan doctor 列出各角色的字体。")


def cache_dir() -> Path:
    return cache_root() / "fonts"


def roles_of(settings: dict) -> dict[str, str]:
    """role → font spec, the profile's `fonts:` over the defaults (legacy names translated)."""
    given = {role: LEGACY.get(str(spec), str(spec)) for role, spec in (settings.get("fonts") or {}).items()}
    return {**DEFAULT_ROLES, **given}


def face_for(spec: str) -> Face:
    activate()
    face = match(LEGACY.get(spec, spec))
    if face is None:
        raise FontError(f"找不到字体“{spec}”。{INSTALL_HINT}")
    return face


def faces(settings: dict) -> dict[str, Face]:
    """role → the face the PDF prints that role in."""
    return {role: face_for(spec) for role, spec in roles_of(settings).items()}


def pdf_families(settings: dict) -> dict[str, tuple[str, ...]]:
    """role → the families the PDF asks for: the family's common part (parts.py), then the family itself."""
    from .parts import part_family

    activate()
    families = {role: parse(spec)[0] for role, spec in roles_of(settings).items()}
    parts = {family: part_family(family) for family in dict.fromkeys(families.values())}   # once each
    return {role: (parts[family], family) if parts[family] else (family,) for role, family in families.items()}


@lru_cache(maxsize=32)
def _unicodes(file: str, index: int, stamp: tuple) -> frozenset[int]:
    import uharfbuzz as hb

    return frozenset(hb.Face(hb.Blob.from_file_path(file), index).unicodes)


def unicodes(face: Face) -> frozenset[int]:
    stat = os.stat(face.file)
    return _unicodes(face.file, face.index, (stat.st_size, stat.st_mtime_ns))


def covered_codepoints(settings: dict) -> frozenset[int]:
    """Code points every checked role's face can draw."""
    chosen = faces(settings)
    sets = [unicodes(chosen[role]) for role in CHECKED_ROLES]
    return frozenset.intersection(*sets)


def missing_glyphs(text: str, settings: dict) -> list[str]:
    """Characters of `text` that the chosen fonts cannot draw (whitespace and controls aside)."""
    covered = covered_codepoints(settings)
    return sorted({ch for ch in text if not ch.isspace() and ord(ch) >= 0x20 and ord(ch) not in covered})


@lru_cache(maxsize=None)
def _advances(file: str, index: int):
    import uharfbuzz as hb

    face = hb.Face(hb.Blob.from_file_path(file), index)
    font, upem, cache = hb.Font(face), face.upem, {}

    def advance(ch: str) -> float:
        width = cache.get(ch)
        if width is None:
            glyph = font.get_nominal_glyph(ord(ch))
            width = cache[ch] = font.get_glyph_h_advance(glyph) / upem if glyph else 1.0
        return width

    return advance


def advances(spec: str):
    """`advance(ch)` in em for the face of `spec` (its nominal glyph, no shaping): the column estimate."""
    face = face_for(spec)
    return _advances(face.file, face.index)


def sha256(path: str) -> str:
    """SHA-256 of a font file, remembered in the cache by path, size and modification time (generator/cache.py's
    rules: a damaged or irregular hashes.json is made again; no usable cache means hashing each time)."""
    from .. import cache

    stat = os.stat(path)
    key = f"{path}\0{stat.st_size}\0{stat.st_mtime_ns}"
    folder = cache.cache_dir("fonts")
    known: dict = {}
    if folder is not None:
        data = cache.read_entry(folder / "hashes.json")
        try:
            known = json.loads(data) if data else {}
        except ValueError:
            known = {}
    if isinstance(known, dict) and isinstance(known.get(key), str):
        return known[key]
    known = known if isinstance(known, dict) else {}
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    known[key] = digest.hexdigest()
    if folder is not None:
        cache.write_entry(folder / "hashes.json", json.dumps(known).encode("utf-8"))
    return known[key]


def used(settings: dict) -> str:
    """The font files a build prints with: "role=family[:bold] → file#index sha256=…", one per line."""
    lines = []
    for role, face in faces(settings).items():
        weight = ":bold" if face.bold else ""
        lines.append(f"{role}={face.family}{weight} {Path(face.file).name}#{face.index} "
                     f"sha256={sha256(face.file)}")
    return "; ".join(lines)

"""Pinned fonts: the exact Debian 12 font files, verified by SHA-256, with their SC faces extracted once.

Why: WeasyPrint loads the first face of a TTC (the Japanese one) and a fontconfig lookup may silently
substitute another font, so the same input could print different glyphs and line breaks on another
machine. We name font files, check their hashes and fail loudly when one is missing or different.
Subsetting cost is avoided by HarfBuzz's subsetter (Debian libharfbuzz-subset0), which WeasyPrint uses
when present (scripts/setup.sh installs it).
"""
from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from ..cache import cache_root

NOTO = "/usr/share/fonts/opentype/noto"
ARPHIC = "/usr/share/fonts/truetype/arphic"


@dataclass(frozen=True)
class PinnedFace:
    role: str          # name used in CSS (font-family) and profile settings
    source: str        # Debian file
    index: int         # face inside the collection
    sha256: str        # of the Debian file: fonts-noto-cjk 1:20220127+repack1-1, fonts-arphic-ukai 0.2.20080216.2-5
    package: str
    suffix: str


FACES = (
    PinnedFace("JS Serif", f"{NOTO}/NotoSerifCJK-Regular.ttc", 2,
               "a04178ec485dffdff7cc0c0c20e1fce9202d7e2160d805e8e44a4c8841c58481", "fonts-noto-cjk", ".otf"),
    PinnedFace("JS Serif Bold", f"{NOTO}/NotoSerifCJK-Bold.ttc", 2,
               "a5d4b046c127da3d7c72f98b46c41489cd29bf52abfdf18aba920903e920d4ac", "fonts-noto-cjk", ".otf"),
    PinnedFace("JS Sans Bold", f"{NOTO}/NotoSansCJK-Bold.ttc", 2,
               "faa5f3656a78b2e2d450d27fe8382c778bc2b6bb5ea29c986664a6a435056ceb", "fonts-noto-cjk", ".otf"),
    PinnedFace("JS Kai", f"{ARPHIC}/ukai.ttc", 0,
               "cfc758e69386a21bade8cb3b373fda20d7f2fac6e8904ced2ded98588b63e274", "fonts-arphic-ukai", ".ttf"),
)


_PREP_VERSION = "cov3"   # bump when COVERAGE, FEATURES or the glyph order change, so caches are rebuilt
_COMMON_VERSION = "gb1"  # bump when what a common part holds (_common) changes


class FontError(RuntimeError):
    """A pinned font is missing or differs; the message says which package to install."""


def cache_dir() -> Path:
    return cache_root() / "fonts"


def _sha256(path: str) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


# What a Chinese publication can contain: Latin, punctuation, symbols, every CJK ideograph of the BMP
# (URO, Ext A, compatibility), full-width forms. Rare characters in unit names stay covered; the JP/KR/TC
# glyph variants reached only through `locl` are dropped, which halves the font (24 → 11 MB).
COVERAGE = ((0x20, 0x7E), (0xA0, 0x24F), (0x2000, 0x206F), (0x2100, 0x218F), (0x2190, 0x23FF),
            (0x2460, 0x24FF), (0x2500, 0x27BF), (0x3000, 0x303F), (0x3200, 0x33FF), (0x3400, 0x4DBF),
            (0x4E00, 0x9FFF), (0xF900, 0xFAFF), (0xFE30, 0xFE4F), (0xFF00, 0xFFEF))
FEATURES = ("kern", "palt", "halt", "vert", "vrt2", "liga", "ccmp", "locl")
_IDEOGRAPHS = ((0x3400, 0x4DBF), (0x4E00, 0x9FFF), (0xF900, 0xFAFF))     # Ext A, URO, compatibility
WHOLE = " Full"          # "<role> Full" names a role's whole face, listed after the role in the PDF's CSS


def with_whole_face(family: str) -> list[str]:
    """The families the PDF asks for in place of `family`: a pinned role (its common part, see
    common_fonts), then the role's whole face for every character the part lacks."""
    return [family, family + WHOLE] if any(face.role == family for face in FACES) else [family]


def _extract(face: PinnedFace, target: Path, points: set[int]) -> None:
    """One face of the collection, reduced to `points` with HarfBuzz's subsetter, its common glyphs
    renumbered first (font_order.py); deterministic, about 1 s."""
    from .order import extract

    data = extract(face.source, face.index, points, FEATURES)
    tmp = target.with_suffix(target.suffix + f".{os.getpid()}.tmp")
    tmp.write_bytes(data)
    os.replace(tmp, target)
    current = {path.name for path in _targets(face)}
    for stale in target.parent.glob(f"{face.sha256[:16]}-{face.index}-*{face.suffix}"):
        if stale.name not in current and not stale.name.endswith(".tmp"):
            stale.unlink(missing_ok=True)      # an earlier version's extraction (up to 20 MB each)


def _targets(face: PinnedFace) -> tuple[Path, Path]:
    """Where the whole face and its common part are extracted."""
    stem = f"{face.sha256[:16]}-{face.index}-{_PREP_VERSION}"
    return cache_dir() / f"{stem}{face.suffix}", cache_dir() / f"{stem}-{_COMMON_VERSION}{face.suffix}"


def _common(points: set[int]) -> set[int]:
    """GB 2312's hanzi and everything of `points` that is not an ideograph."""
    from .order import gb2312

    return {point for point in points if not any(first <= point <= last for first, last in _IDEOGRAPHS)} \
        | (gb2312() & points)


def _prepared(common: bool) -> dict[str, Path]:
    """role → extracted file (the whole face, or its common part); the pinned sources are verified before
    anything is extracted from them."""
    out: dict[str, Path] = {}
    cache_dir().mkdir(parents=True, exist_ok=True)
    for face in FACES:
        if not os.path.exists(face.source):
            raise FontError(f"缺少固定字体文件 {face.source}：请安装 Debian 软件包 {face.package}"
                            f"（apt-get install {face.package}），否则输出会因字体替换而不同。")
        target = _targets(face)[1 if common else 0]
        if not target.exists():
            actual = _sha256(face.source)
            if actual != face.sha256:
                raise FontError(f"字体文件 {face.source} 与固定版本不同（SHA-256 {actual[:16]}…，应为 "
                                f"{face.sha256[:16]}…）：请安装 Debian 12 的 {face.package}。")
            points = {point for first, last in COVERAGE for point in range(first, last + 1)}
            _extract(face, target, _common(points) if common else points)
        out[face.role] = target
    return out


@lru_cache(maxsize=1)
def prepared_fonts() -> dict[str, Path]:
    """role → the extracted face (all of COVERAGE): what measures text, draws charts and decides coverage."""
    return _prepared(common=False)


@lru_cache(maxsize=1)
def common_fonts() -> dict[str, Path]:
    """role → the face's common part, which the PDF lays text out in, with the whole face behind it for
    everything else (pinned_fonts.py). WeasyPrint copies each face it draws with into memory once per PDF
    half: ~70 MB of copying and page faults for the four whole faces, ~15 MB for their common parts. A part
    is extracted from the same source with the same features, so it shapes text exactly as the whole face
    does (tests/test_font_fallback.py)."""
    return _prepared(common=True)


@lru_cache(maxsize=1)
def covered_codepoints() -> frozenset[int]:
    """Code points the body and heading faces can all draw; cached beside the extracted fonts."""
    import json

    faces = [f for f in FACES if f.role in ("JS Serif", "JS Sans Bold")]
    cache = cache_dir() / ("cmap-" + "-".join(f.sha256[:12] for f in faces) + f"-{_PREP_VERSION}.json")
    if cache.exists():
        return frozenset(json.loads(cache.read_text()))
    from fontTools.ttLib import TTFont

    prepared = prepared_fonts()
    sets = [set(TTFont(str(prepared[f.role]), lazy=True).getBestCmap()) for f in faces]
    points = set.intersection(*sets)
    tmp = cache.with_suffix(f".{os.getpid()}.tmp")
    tmp.write_text(json.dumps(sorted(points)))
    os.replace(tmp, cache)
    return frozenset(points)


def missing_glyphs(text: str) -> list[str]:
    """Characters of `text` that no pinned face covers (whitespace and controls aside)."""
    covered = covered_codepoints()
    return sorted({ch for ch in text if not ch.isspace() and ord(ch) >= 0x20 and ord(ch) not in covered})


@lru_cache(maxsize=None)
def advances(family: str):
    """`advance(ch)` in em for one pinned face (its nominal glyph, no shaping); a family that is not
    pinned is measured with JS Serif, the face the PDF falls back to."""
    import uharfbuzz as hb

    prepared = prepared_fonts()
    face = hb.Face(hb.Blob.from_file_path(str(prepared.get(family) or prepared["JS Serif"])))
    font, upem, cache = hb.Font(face), face.upem, {}

    def advance(ch: str) -> float:
        width = cache.get(ch)
        if width is None:
            glyph = font.get_nominal_glyph(ord(ch))
            width = cache[ch] = font.get_glyph_h_advance(glyph) / upem if glyph else 1.0
        return width

    return advance

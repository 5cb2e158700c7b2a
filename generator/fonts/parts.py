"""Each font family's common part, prepared once per machine: what the PDF embeds instead of whole CJK faces.

WeasyPrint embeds a face by subsetting its whole file, keeping glyph ids. A Noto CJK collection is 20–30 MB
with ~65,000 glyphs and the common hanzi spread over all of them, so every PDF copied each file into memory
and embedded fonts with a slot for every id up to the highest one used. For each face of a family the PDF
uses, HarfBuzz's subsetter (uharfbuzz's public `subset`) once extracts a *part*: what a Chinese publication
mostly prints — Latin, punctuation, symbols, full-width forms and GB 2312's 6,763 hanzi — with every layout
feature, the glyphs renumbered compactly and the family renamed "<family> juesuan <hash>". The PDF's CSS asks
for the part first and the whole family after it, so Pango draws any other character from the whole face.
A part has the face's own outlines, advances, metrics and features: lines break and pages fall as with the
whole face (tests/test_font_parts.py).

Parts live in fonts/parts of the cache, which fontconfig sees through find.py's configuration; a file's name
ends in its own SHA-256 prefix, so a damaged part is found, removed and extracted again before fontconfig
loads. Without a usable cache they go to a private temporary directory: the PDF never depends on the cache.
"""
from __future__ import annotations

import hashlib
import io
import os
import stat
from functools import lru_cache
from pathlib import Path

from .find import PART_MARK, activate, parts_dir, run_fc

VERSION = "p1"        # bump when COMMON, the kept tables/features or the renaming change: parts are made anew
# Besides GB 2312's hanzi: Latin, punctuation, symbols, arrows, enclosed numbers, box drawing, CJK symbols,
# full-width forms — what the publication's own words and tables print.
COMMON = ((0x20, 0x7E), (0xA0, 0x24F), (0x2000, 0x206F), (0x2100, 0x218F), (0x2190, 0x23FF),
          (0x2460, 0x24FF), (0x2500, 0x27BF), (0x3000, 0x303F), (0x3200, 0x33FF), (0xFE30, 0xFE4F),
          (0xFF00, 0xFFEF))
FAMILY_NAME_IDS = (1, 4, 16, 21)      # family, full name, typographic family, WWS family: replaced


@lru_cache(maxsize=1)
def gb2312() -> frozenset[int]:
    """Every character of GB 2312 (rows 1–9 symbols, rows 16–87 the 6,763 hanzi)."""
    points = set()
    for high in range(0xA1, 0xF8):
        for low in range(0xA1, 0xFF):
            try:
                points.add(ord(bytes((high, low)).decode("gb2312")))
            except UnicodeDecodeError:
                pass
    return frozenset(points)


@lru_cache(maxsize=1)
def common_points() -> frozenset[int]:
    """COMMON and GB 2312's hanzi (all in the URO block)."""
    hanzi = {point for point in gb2312() if 0x4E00 <= point <= 0x9FFF}
    return frozenset({point for first, last in COMMON for point in range(first, last + 1)} | hanzi)


def family_faces(family: str) -> tuple[tuple[str, int], ...]:
    """(file, index) of every face fontconfig lists under exactly `family` (its parts aside)."""
    out = run_fc(["list", "--format", "%{file}\t%{index}\t%{family}\n", family])
    faces = set()
    for line in out.splitlines():
        parts = line.split("\t")
        if len(parts) == 3 and family.lower() in {name.strip().lower() for name in parts[2].split(",")}:
            faces.add((parts[0], int(parts[1] or 0)))
    return tuple(sorted(faces))


@lru_cache(maxsize=32)
def _prepared(family: str, folder: str, faces: tuple[tuple[str, int], ...], identities: tuple[str, ...]) -> str | None:
    name = f"{family}{PART_MARK}" + hashlib.sha256(
        "\0".join([VERSION, family, *identities]).encode("utf-8")).hexdigest()[:10]
    stem = name.rsplit(" ", 1)[1]
    made = False
    for (file, index), identity in zip(faces, identities):
        prefix = f"{stem}-{identity[:16]}-{index}-"
        if _valid_part(Path(folder), prefix) is None:
            if not made:
                from ..cache import sweep_temp

                sweep_temp(Path(folder).parent)      # parts half-written by killed processes (_store)
            try:
                data = extract(file, index, name)
            except Exception:                 # noqa: BLE001 - a face HarfBuzz/fontTools cannot cut: whole faces
                return None
            try:
                _store(Path(folder), prefix, data)
            except OSError as exc:            # a full disk: print with the whole faces, as without parts
                from ..cache import notice

                notice(f"字体常用部分无法写入 {folder}（{exc.strerror or exc}），本次使用整套字体。")
                return None
            made = True
    if made and not run_fc(["list", "--format", "%{file}\n", name]).strip():
        return None                           # fontconfig does not see them (yet): print with the whole faces
    return name


def part_family(family: str) -> str | None:
    """The family name of `family`'s common part, extracted now if needed; None when there is none (no such
    family, or a face that cannot be cut): then the whole faces print everything, as they would anyway."""
    from . import sha256

    activate()                  # fontconfig configured with the parts directory (and JUESUAN_FONTS)
    faces = family_faces(family)
    if not faces or PART_MARK in family:
        return None
    identities = tuple(sha256(file) for file, _ in faces)
    return _prepared(family, str(parts_dir()), faces, identities)


def _valid_part(folder: Path, prefix: str) -> Path | None:
    """The stored part starting with `prefix` whose content matches the SHA-256 prefix its name ends in;
    anything else under that prefix (damaged, a symlink, a directory) is removed."""
    from ..cache import discard, notice

    found = None
    for path in sorted(folder.glob(prefix + "*")):
        digest = path.stem[len(prefix):]
        try:
            regular = stat.S_ISREG(os.lstat(path).st_mode)
        except OSError:
            continue
        if found is None and regular and _content_hash(path).startswith(digest) and len(digest) == 16:
            found = path
        else:
            discard(path)
            if regular or path.is_symlink():
                notice(f"缓存的字体文件 {path} 已损坏或不完整，已丢弃并重新生成。")
    return found


def _content_hash(path: Path) -> str:
    from . import sha256

    try:
        return sha256(str(path))
    except OSError:
        return ""


def _store(folder: Path, prefix: str, data: bytes) -> None:
    """Write a part atomically; its temp file lies outside the parts directory, where fontconfig never reads."""
    suffix = ".otf" if data[:4] == b"OTTO" else ".ttf"
    target = folder / f"{prefix}{hashlib.sha256(data).hexdigest()[:16]}{suffix}"
    tmp = folder.parent / f".{target.name}.{os.getpid()}.{os.urandom(4).hex()}.tmp"
    try:
        tmp.write_bytes(data)
        os.replace(tmp, target)
    finally:
        tmp.unlink(missing_ok=True)


def extract(file: str, index: int, name: str) -> bytes:
    """Face `index` of `file` cut to its common characters (all layout features, names and hinting kept, glyph
    ids renumbered in their original order), its family renamed `name`. Deterministic."""
    import uharfbuzz as hb

    face = hb.Face(hb.Blob.from_file_path(file), index)
    request = hb.SubsetInput()
    request.unicode_set.update(set(face.unicodes) & common_points())
    for kept in (hb.SubsetInputSets.LAYOUT_FEATURE_TAG, hb.SubsetInputSets.NAME_ID,
                 hb.SubsetInputSets.NAME_LANG_ID):
        every = request.sets(kept)
        every.clear()
        every.invert()
    subset = hb.subset(face, request)
    if subset is None:
        raise ValueError(f"HarfBuzz cannot subset {file}#{index}")
    return _renamed(subset.blob.data, name)


def _renamed(data: bytes, name: str) -> bytes:
    """The font with every family-naming record replaced by `name` (English, Windows platform), so fontconfig
    lists it under that family only; style, weight and PostScript name unchanged. Only the name table is
    rewritten (fontTools copies the others as they are)."""
    from fontTools.ttLib import TTFont

    font = TTFont(io.BytesIO(data), recalcTimestamp=False, lazy=True)
    table = font["name"]
    style = table.getDebugName(17) or table.getDebugName(2) or "Regular"
    table.names = [record for record in table.names if record.nameID not in FAMILY_NAME_IDS]
    for name_id, text in ((1, name), (16, name), (4, f"{name} {style}")):
        table.setName(text, name_id, 3, 1, 0x409)
    out = io.BytesIO()
    font.save(out)
    return out.getvalue()

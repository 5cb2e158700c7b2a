"""Extract a pinned face with the glyphs a Chinese publication uses most at the lowest glyph ids.

WeasyPrint embeds fonts with their glyph ids kept (HB_SUBSET_FLAGS_RETAIN_GIDS), so an embedded subset has
a slot for every id up to the highest one the document uses. In Noto CJK's own order common and rare
ideographs are interleaved up to id ~47,000: every embedded font carried that many empty slots, subset,
compressed and written again by each half of the PDF (~0.1 s per half, a third of the file). The extracted
faces put first the nominal glyphs of GB 2312 (ASCII, punctuation, the 6,763 common hanzi), then what the
kept layout features reach from them, then everything else in the original order, so a typical
publication uses ids below ~7,300. Outlines, metrics and features are unchanged; only the numbering moves.

HarfBuzz's subsetter takes such an order (hb_subset_input_old_to_new_glyph_mapping, HarfBuzz ≥ 7.3), which
uharfbuzz does not wrap; it is called through ctypes in uharfbuzz's own library, which exports the C API.
Where that is not possible the face is extracted in its original order, as before.
"""
from __future__ import annotations

import ctypes
from functools import lru_cache


def extract(source: str, index: int, unicodes: set[int], features: tuple[str, ...]) -> bytes:
    """The face `index` of `source` reduced to `unicodes` and `features`, common glyphs first."""
    import uharfbuzz as hb

    face = hb.Face(hb.Blob.from_file_path(source), index)
    kept = _retained(face, unicodes, features)
    common = gb2312() & unicodes
    font = hb.Font(face)
    nominal = {glyph for glyph in (font.get_nominal_glyph(point) for point in common) if glyph} - {0}
    reached = _retained(face, common, features) - nominal - {0}
    order = [0, *sorted(nominal), *sorted(reached), *sorted(kept - nominal - reached - {0})]
    lib = _harfbuzz()
    if lib is not None and len(order) == len(kept):
        data = _subset_in_order(lib, source, index, unicodes, features, order)
        if data:
            return data
    return hb.subset(face, _request(unicodes, features)).blob.data


def _request(unicodes: set[int], features: tuple[str, ...]):
    import uharfbuzz as hb

    request = hb.SubsetInput()
    request.unicode_set.update(unicodes)
    tags = request.sets(hb.SubsetInputSets.LAYOUT_FEATURE_TAG)
    tags.clear()
    tags.update(_tag(name) for name in features)
    return request


def _retained(face, unicodes: set[int], features: tuple[str, ...]) -> set[int]:
    """Glyph ids a subset to `unicodes` keeps (their GSUB closure under `features`, .notdef)."""
    import uharfbuzz as hb

    return set(hb.SubsetPlan(face, _request(unicodes, features)).old_to_new_glyph_mapping.keys())


def _tag(name: str) -> int:
    return int.from_bytes(name.encode("ascii"), "big")


@lru_cache(maxsize=1)
def gb2312() -> frozenset[int]:
    """ASCII and every character of GB 2312 (rows 1–9 symbols, rows 16–87 hanzi)."""
    points = set(range(0x20, 0x7F))
    for high in range(0xA1, 0xF8):
        for low in range(0xA1, 0xFF):
            try:
                points.add(ord(bytes((high, low)).decode("gb2312")))
            except UnicodeDecodeError:
                pass
    return frozenset(points)


_P = ctypes.c_void_p
_SIGNATURES = {
    "hb_blob_create_from_file_or_fail": (_P, [ctypes.c_char_p]),
    "hb_face_create": (_P, [_P, ctypes.c_uint]),
    "hb_subset_input_create_or_fail": (_P, []),
    "hb_subset_input_unicode_set": (_P, [_P]),
    "hb_subset_input_set": (_P, [_P, ctypes.c_int]),
    "hb_subset_input_old_to_new_glyph_mapping": (_P, [_P]),
    "hb_set_add": (None, [_P, ctypes.c_uint32]),
    "hb_set_clear": (None, [_P]),
    "hb_map_set": (None, [_P, ctypes.c_uint32, ctypes.c_uint32]),
    "hb_subset_or_fail": (_P, [_P, _P]),
    "hb_face_reference_blob": (_P, [_P]),
    "hb_blob_get_data": (ctypes.c_void_p, [_P, ctypes.POINTER(ctypes.c_uint)]),
    "hb_blob_destroy": (None, [_P]),
    "hb_face_destroy": (None, [_P]),
    "hb_subset_input_destroy": (None, [_P]),
}


@lru_cache(maxsize=1)
def _harfbuzz():
    """uharfbuzz's extension module as a C library, or None when it does not export what is needed."""
    try:
        import uharfbuzz._harfbuzz as module

        lib = ctypes.CDLL(module.__file__)
        for name, (result, arguments) in _SIGNATURES.items():
            function = getattr(lib, name)
            function.restype, function.argtypes = result, arguments
    except (ImportError, OSError, AttributeError):
        return None
    return lib


def _subset_in_order(lib, source: str, index: int, unicodes: set[int], features: tuple[str, ...],
                     order: list[int]) -> bytes | None:
    import uharfbuzz as hb

    blob = lib.hb_blob_create_from_file_or_fail(source.encode())
    if not blob:
        return None
    face = lib.hb_face_create(blob, index)
    request = lib.hb_subset_input_create_or_fail()
    subset = result = None
    try:
        if not request:
            return None
        points = lib.hb_subset_input_unicode_set(request)
        for point in sorted(unicodes):
            lib.hb_set_add(points, point)
        tags = lib.hb_subset_input_set(request, int(hb.SubsetInputSets.LAYOUT_FEATURE_TAG))
        lib.hb_set_clear(tags)
        for name in features:
            lib.hb_set_add(tags, _tag(name))
        mapping = lib.hb_subset_input_old_to_new_glyph_mapping(request)
        for new, old in enumerate(order):
            lib.hb_map_set(mapping, old, new)
        subset = lib.hb_subset_or_fail(face, request)
        if not subset:
            return None
        result = lib.hb_face_reference_blob(subset)
        length = ctypes.c_uint()
        pointer = lib.hb_blob_get_data(result, ctypes.byref(length))
        return ctypes.string_at(pointer, length.value) if pointer and length.value else None
    finally:
        if result:
            lib.hb_blob_destroy(result)
        if subset:
            lib.hb_face_destroy(subset)
        if request:
            lib.hb_subset_input_destroy(request)
        lib.hb_face_destroy(face)
        lib.hb_blob_destroy(blob)

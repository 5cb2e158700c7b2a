"""Text the PDF cannot print: characters missing from the profile's fonts, control characters."""
from __future__ import annotations

from collections.abc import Iterator

from .. import fonts
from .base import ERROR, Report

MAX_FIELDS = 5   # name at most this many fields per rule; the message lists every character


def _strings(value, path: str = "") -> Iterator[tuple[str, str]]:
    """(field path, text) of every string in the input, dict keys included."""
    if isinstance(value, str):
        yield path, value
    elif isinstance(value, dict):
        for key, item in value.items():
            child = f"{path}.{key}" if path else str(key)
            if isinstance(key, str):
                yield child, key
            yield from _strings(item, child)
    elif isinstance(value, (list, tuple)):
        for index, item in enumerate(value):
            yield from _strings(item, f"{path}.{index}")


def _control(ch: str) -> bool:
    code = ord(ch)
    return (code < 0x20 and ch not in "\t\n\r") or 0x7F <= code <= 0x9F


def glyphs(r: Report) -> None:
    texts = list(_strings(r.data.model_dump()))
    settings = r.profile.settings if r.profile is not None else {}
    try:
        missing = set(fonts.missing_glyphs("".join(text for _, text in texts), settings))
    except fonts.FontError as error:
        r.add(ERROR, "glyphs", str(error), "fonts")
        return
    if missing:
        chosen = fonts.faces(settings)
        names = "、".join(sorted({chosen[role].family for role in fonts.CHECKED_ROLES}))
        fields = [(path, sorted(set(text) & missing)) for path, text in texts if missing & set(text)]
        for path, chars in fields[:MAX_FIELDS]:
            shown = " ".join(f"{ch}（U+{ord(ch):04X}）" for ch in chars[:20])
            others = sorted({family for ch in chars[:20] for family in fonts.having(ch)})[:3]
            hint = f"；含这些字的已安装字体：{'、'.join(others)}" if others else ""
            r.add(ERROR, "glyphs", f"所选字体（{names}）中没有这些字符，印出时会缺字：{shown}{hint}", path)
    controls = [(path, sorted({f"U+{ord(ch):04X}" for ch in text if _control(ch)})) for path, text in texts
                if any(_control(ch) for ch in text)]
    for path, codes in controls[:MAX_FIELDS]:
        r.add(ERROR, "control_chars", f"文字中有控制字符 {' '.join(codes[:10])}，印出时会丢失或显示为乱码，请删除", path)

"""Page numbers remembered from the last build of the same publication, as LaTeX keeps its .aux file.

The PDF's two halves (pdf_split.py) need each other's page numbers: the second half's footers start after
the first half's last page, and the 目录 prints where the second half's sections fall. Without a memory the
halves wait for each other and then patch: footers stamped again, the 目录 laid out again. With the numbers of
the previous build both halves lay out with them straight away; afterwards the real numbers are compared and
any that moved are patched as before, so a stale or foreign memory costs time, never correctness.

Kept per input directory and stylesheet in the juesuan cache; a few hundred bytes each, the most recent
_KEEP of them.
"""
from __future__ import annotations

import hashlib
import json
import os
from dataclasses import dataclass

from ..cache import cache_root

_KEEP = 2000          # memories kept: a province's batch of units, rebuilt; older ones are deleted


@dataclass(frozen=True)
class PageMemory:
    cut: tuple[int, ...]        # where the document was cut (pdf_split.Cut.path)
    first_pages: int            # pages in the first half, front matter included
    numbers: dict[str, int]     # final page number of each 目录 target in the second half


def _path(key: str):
    return cache_root() / "pages" / f"{hashlib.sha256(key.encode('utf-8')).hexdigest()[:24]}.json"


def recall(key: str, cut: tuple[int, ...]) -> PageMemory | None:
    """The memory of the last build under `key`, if it was cut at the same place."""
    try:
        data = json.loads(_path(key).read_text(encoding="utf-8"))
        memory = PageMemory(tuple(data["cut"]), int(data["first_pages"]),
                            {str(name): int(number) for name, number in data["numbers"].items()})
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return None                                   # none yet, or unreadable: lay out without it
    return memory if memory.cut == cut else None


def remember(key: str, memory: PageMemory) -> None:
    path = _path(key)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(f".{os.getpid()}.tmp")
        tmp.write_text(json.dumps({"cut": list(memory.cut), "first_pages": memory.first_pages,
                                   "numbers": memory.numbers}, ensure_ascii=False), encoding="utf-8")
        os.replace(tmp, path)
        memories = list(path.parent.glob("*.json"))
        if len(memories) > _KEEP:
            memories.sort(key=lambda p: p.stat().st_mtime)
            for old in memories[:len(memories) - _KEEP]:
                old.unlink(missing_ok=True)
    except OSError:
        pass                                          # a read-only cache only makes the next build slower

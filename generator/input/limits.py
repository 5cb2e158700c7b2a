"""Bounds of the input schema (model.py uses them) and documented limits of the Markdown an input may hold (reports, attachments, duties), far above any real
publication, so that no input can make the layout run for minutes (docs/reliability.md).

Parsing is linear (markdown-it); what is expensive is laying out what it produces, so the limits are on
the document structure: its size, how deep block quotes and lists nest, and how large a table is.
"""
from __future__ import annotations

from decimal import Decimal
from functools import lru_cache
from typing import Annotated

from pydantic import AfterValidator, Field

MAX_CHARS = 200_000          # characters of one Markdown text
MAX_NESTING = 8              # block quotes and lists inside each other
MAX_TABLE_COLUMNS = 30
MAX_TABLE_ROWS = 2_000

_NESTING = {"blockquote_open", "bullet_list_open", "ordered_list_open"}


@lru_cache(maxsize=1)
def _parser():
    from markdown_it import MarkdownIt

    return MarkdownIt("commonmark", {"html": False, "maxNesting": MAX_NESTING + 4}).enable("table")


def markdown_problem(text: str) -> str | None:
    """What makes `text` exceed a limit, in Chinese, or None."""
    if len(text) > MAX_CHARS:
        return f"Markdown 文字过长（{len(text)} 字符，上限 {MAX_CHARS}）"
    depth = deepest = rows = columns = 0
    for token in _parser().parse(text):
        if token.type in _NESTING:
            depth += 1
            deepest = max(deepest, depth)
        elif token.type.replace("_close", "_open") in _NESTING:
            depth -= 1
        elif token.type == "table_open":
            rows = 0
        elif token.type == "tr_open":
            rows += 1
            columns = 0
            if rows > MAX_TABLE_ROWS:
                return f"Markdown 表格行数过多（上限 {MAX_TABLE_ROWS} 行）"
        elif token.type in ("th_open", "td_open"):
            columns += 1
            if columns > MAX_TABLE_COLUMNS:
                return f"Markdown 表格列数过多（上限 {MAX_TABLE_COLUMNS} 列）"
    if deepest > MAX_NESTING:
        return f"Markdown 引用或列表嵌套过深（上限 {MAX_NESTING} 层）"
    if _deep_markers(text):
        return f"Markdown 引用或列表嵌套过深（上限 {MAX_NESTING} 层）"
    return None


def _deep_markers(text: str) -> bool:
    """Lines opening more levels than markdown-it's own nesting cap lets the token stream show."""
    for line in text.splitlines():
        stripped = line.lstrip()
        markers = 0
        for ch in stripped:
            if ch == ">":
                markers += 1
            elif ch not in " \t":
                break
        if markers > MAX_NESTING:
            return True
        if (len(line) - len(stripped)) // 2 > MAX_NESTING * 2 and stripped[:2] in ("- ", "* ", "+ "):
            return True
    return False


# Bounds (docs/reliability.md): what a real publication can hold, so every value that validates also builds.
MAX_AMOUNT = Decimal("1e12")          # 万元: a trillion 万元 is far above any unit's accounts
MAX_COUNT = 10_000_000                # vehicles, people, batches, pieces of equipment
Score = Annotated[Decimal, Field(ge=0, le=100, decimal_places=2)]


def bounded_amount(value: Decimal) -> Decimal:
    if value >= MAX_AMOUNT:
        raise ValueError(f"金额过大：{value} 万元（上限 {MAX_AMOUNT:,.0f} 万元）")
    return value


def _markdown(value: str) -> str:
    problem = markdown_problem(value)
    if problem:
        raise ValueError(problem)
    return value


Markdown = Annotated[str, AfterValidator(_markdown)]

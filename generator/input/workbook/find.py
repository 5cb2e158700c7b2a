"""Finding the 公开表 in a workbook by what is written in the sheets: a table's title and its 公开NN表 label,
never the sheet's name or position. A sheet may hold a cover, one table or several tables one below another.

Each table found is a `Region`: its header rows (merged headers filled, so every column knows the whole
heading above it), its 栏次 numbers, its body rows, and the 单位/年度/金额单位 written around it.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from .cells import Sheet, code_text, norm

# kind → (SD24 公开 number, titles as printed in the layouts the tool knows, normalised)
KINDS: dict[str, tuple[int, tuple[str, ...]]] = {
    "summary": (1, ("收入支出决算总表",)),
    "income": (2, ("收入决算表",)),
    "expenditure": (3, ("支出决算表",)),
    "fiscal": (4, ("财政拨款收入支出决算总表",)),
    "gpb": (5, ("一般公共预算财政拨款支出决算表",)),
    "basic_detail": (6, ("一般公共预算财政拨款基本支出决算明细表", "一般公共预算财政拨款基本支出决算表")),
    "gf": (7, ("政府性基金预算财政拨款收入支出决算表",)),
    "soe": (8, ("国有资本经营预算财政拨款支出决算表",)),
    "three_public": (9, ("财政拨款三公经费支出决算表", "一般公共预算财政拨款三公经费支出决算表")),
    "info": (10, ("部门决算公开相关信息统计表", "单位决算公开相关信息统计表")),
}
BY_NUMBER = {number: kind for kind, (number, _) in KINDS.items()}
LABEL_RE = re.compile(r"公开(\d{1,2})表")
ENTITY_RE = re.compile(r"^(编制单位|部门名称|单位名称|预算单位|单位|部门)[:]")
UNIT_RE = re.compile(r"(金额单位|单位)[:](万元|元)$")
YEAR_RE = re.compile(r"((?:19|20)\d{2})年度?")
ORDINAL_RE = re.compile(r"^([一二三四五六七八九十]+、|\([一二三四五六七八九十]+\)|\d+[.．、])")
BODY_LABELS = ("合计", "总计", "人员经费合计", "公用经费合计", "本年收入合计", "本年支出合计")


@dataclass
class Region:
    sheet: Sheet
    kind: str
    anchor: tuple[int, int]                      # the title (or label) cell
    label: int | None = None                     # the 公开NN表 number written beside it
    entity: tuple[str, str] | None = None        # (name, cell) from 单位：…
    year: tuple[int, str] | None = None
    unit: str = "万元"
    header_rows: list[int] = field(default_factory=list)
    numbering: dict[int, int] = field(default_factory=dict)     # column → 栏次
    body_rows: list[int] = field(default_factory=list)
    headings: dict[int, list[str]] = field(default_factory=dict)  # column → heading texts, top down

    def heading(self, col: int) -> str:
        return "".join(self.headings.get(col, []))

    def deepest(self, col: int) -> str:
        texts = self.headings.get(col, [])
        return texts[-1] if texts else ""

    @property
    def where(self) -> str:
        return f"{self.sheet.book} {self.sheet.ref(*self.anchor)}"


def title_kind(text: str) -> str | None:
    """The kind whose title the cell's text is (the longest title it contains, so 支出决算表 inside
    一般公共预算财政拨款支出决算表 does not count); prose that merely mentions a title is not a title."""
    if not text or len(text) > 80 or text.startswith(("注", "说明")) or any(p in text for p in "。；，,;"):
        return None
    best = None
    for kind, (_, titles) in KINDS.items():
        for title in titles:
            if title in text and (best is None or len(title) > best[1]):
                best = (kind, len(title))
    if best is None:
        return None
    rest = text.replace(next(t for t in KINDS[best[0]][1] if t in text), "")
    rest = LABEL_RE.sub("", YEAR_RE.sub("", rest))
    return best[0] if len(rest) <= 40 else None


def is_meta(text: str) -> bool:
    return bool(ENTITY_RE.match(text) or UNIT_RE.search(text) or LABEL_RE.fullmatch(text)
                or re.fullmatch(r"((?:19|20)\d{2})年度?", text) or text in ("万元", "元"))


def find_regions(sheet: Sheet) -> list[Region]:
    anchors: list[tuple[int, int, str | None, int | None]] = []
    for r in range(sheet.height):
        for c in range(len(sheet.grid[r])):
            if (r, c) in sheet.copies:
                continue
            text = sheet.text(r, c)
            if not text:
                continue
            kind = title_kind(text)
            label = LABEL_RE.search(text)
            number = int(label.group(1)) if label and len(text) <= 40 else None
            if kind or number:
                anchors.append((r, c, kind, number))
    # a title and a label within three rows of each other name one table
    merged: list[list] = []
    for r, c, kind, number in anchors:
        last = merged[-1] if merged else None
        if last and r - last[0] <= 3 and ((kind and not last[2]) or (number and not last[3])):
            last[2] = last[2] or kind
            last[3] = last[3] or number
            if kind and not last[4]:
                last[0:2], last[4] = [r, c], True
            continue
        merged.append([r, c, kind, number, bool(kind)])
    regions = []
    for index, (r, c, kind, number, _) in enumerate(merged):
        kind = kind or BY_NUMBER.get(number or 0)
        if kind is None:
            continue
        end = merged[index + 1][0] if index + 1 < len(merged) else sheet.height
        start = min(r, merged[index][0])
        region = Region(sheet, kind, (r, c), number)
        _lay_out(region, start, end)
        regions.append(region)
    return regions


def _lay_out(region: Region, start: int, end: int) -> None:
    sheet = region.sheet
    started = False
    for r in range(start, end):
        texts = [(c, sheet.text(r, c)) for c in range(len(sheet.grid[r])) if sheet.text(r, c)]
        if not texts:
            continue
        own = [(c, t) for c, t in texts if (r, c) not in sheet.copies]
        if own and own[0][1].startswith(("注:", "说明:", "注1", "备注")) and \
                not any(_number_like(sheet.value(r, c)) for c, _ in own[1:]):
            break
        if not started:
            if all(is_meta(t) or title_kind(t) or LABEL_RE.search(t) for _, t in own):
                _meta(region, r, own)
                continue
            if _numbering_row(sheet, r, texts):
                region.header_rows.append(r)
                for c, t in texts:
                    if t.isdigit():
                        region.numbering[c] = int(t)
                continue
            if _is_body(sheet, r, own) and region.header_rows:
                started = True
            else:
                region.header_rows.append(r)
                for c, t in texts:
                    if not is_meta(t) and t not in region.headings.get(c, []):
                        region.headings.setdefault(c, []).append(t)
                continue
        region.body_rows.append(r)


def _meta(region: Region, r: int, own: list[tuple[int, str]]) -> None:
    for c, text in own:
        entity = ENTITY_RE.match(text)
        unit = UNIT_RE.search(text)
        if entity and unit and unit.start() > entity.end():   # 单位：某某 … 金额单位：万元 in one merged cell
            name = YEAR_RE.sub("", text[entity.end(): unit.start()])
            if name:
                region.entity = (name, region.sheet.ref(r, c))
        elif entity and not unit:
            raw = re.sub(r"\s+", "", str(region.sheet.value(r, c)))
            name = re.split(r"[:：]", raw, maxsplit=1)[-1]          # as written, full-width brackets kept
            year = YEAR_RE.search(norm(name))
            if year and norm(name).endswith(year.group(0)):      # 单位：某某 2024年度 in one cell
                name = name[: -len(year.group(0))]
            if name:
                region.entity = (name, region.sheet.ref(r, c))
        if unit:
            region.unit = unit.group(2)
        year = YEAR_RE.search(text)
        if year and not region.year:
            region.year = (int(year.group(1)), region.sheet.ref(r, c))


def _number_like(value: object) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool) or \
        bool(re.fullmatch(r"[-(（]?[\d,，.]+[)）]?", norm(value)))


def _numbering_row(sheet: Sheet, r: int, texts: list[tuple[int, str]]) -> bool:
    """栏次 row: the word 栏次, or the numbers 1, 2, 3 … alone in a row."""
    if any(t == "栏次" for _, t in texts):
        return True
    numbers = [t for _, t in texts if t not in ("行次",)]
    return len(numbers) >= 2 and all(t.isdigit() for t in numbers) and \
        [int(t) for t in numbers] == list(range(1, len(numbers) + 1))


def _is_body(sheet: Sheet, r: int, own: list[tuple[int, str]]) -> bool:
    def labelled(text: str) -> bool:
        return text in BODY_LABELS or bool(ORDINAL_RE.match(text))

    numeric = any(isinstance(sheet.value(r, c), (int, float)) and not isinstance(sheet.value(r, c), bool)
                  for c, _ in own)
    if own and labelled(own[0][1]) and (numeric or all(labelled(t) for _, t in own)):
        return True
    for c, text in own:
        value = sheet.value(r, c)
        if code_text(value) and len(code_text(value) or "") >= 3:
            return True
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            return True
        if re.fullmatch(r"[-(]?[\d,]*\.\d+\)?", text):
            return True
    return False


def label_key(text: str) -> str:
    """A row label without its ordinal (一、 （一） 1.) and spaces, for matching."""
    return ORDINAL_RE.sub("", norm(text))

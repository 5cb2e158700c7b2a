"""Reading each kind of 公开表 out of its `Region` into figures that remember their cell.

Columns are recognised by their headings (merged headings included), with the 栏次 numbers as a fallback;
rows of the functional tables by their 科目编码 (one column, 类|款|项 in three, or the code in the name cell),
rows of 公开01/04表 by their labels. A number that finds no place is reported with its cell, never dropped.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal

from .cells import YUAN_PER_WAN, CellError, Sheet, WorkbookProblem, amount, clean_name, code_text, \
    name_after_code, norm
from .find import Region, label_key

# the model's columns per functional table, each with the heading words that name it (most specific first)
COLUMNS: dict[str, list[tuple[str, tuple[str, ...]]]] = {
    "income": [("fiscal", ("财政拨款",)), ("superior", ("上级补助",)), ("business", ("事业收入",)),
               ("operating", ("经营收入",)), ("affiliated", ("附属单位",)), ("other", ("其他收入",)),
               ("total", ("合计", "小计"))],
    "expenditure": [("basic", ("基本支出",)), ("project", ("项目支出",)), ("upper", ("上缴上级",)),
                    ("operating", ("经营支出",)), ("subsidiary", ("对附属单位", "附属单位补助")),
                    ("total", ("合计", "小计"))],
    "gpb": [("basic", ("基本支出",)), ("project", ("项目支出",)), ("total", ("小计", "合计"))],
    "soe": [("basic", ("基本支出",)), ("project", ("项目支出",)), ("total", ("小计", "合计"))],
    "gf": [("opening", ("年初结转",)), ("closing", ("年末结转",)), ("income", ("本年收入",)),
           ("basic", ("基本支出",)), ("project", ("项目支出",)), ("total", ("小计", "合计"))],
}
ORDER: dict[str, tuple[str, ...]] = {     # 栏次 order, for headings that name no column
    "income": ("total", "fiscal", "superior", "business", "operating", "affiliated", "other"),
    "expenditure": ("total", "basic", "project", "upper", "operating", "subsidiary"),
    "gpb": ("total", "basic", "project"), "soe": ("total", "basic", "project"),
    "gf": ("opening", "income", "total", "basic", "project", "closing"),
}
CODE_HEADINGS = ("编码", "代码")


@dataclass
class Fig:
    value: Decimal          # exactly as in the workbook, in `unit`
    unit: str               # 万元 | 元
    cell: str               # 表二!E12

    @property
    def wan(self) -> Decimal:
        return self.value / YUAN_PER_WAN if self.unit == "元" else self.value


@dataclass
class Row:
    code: str
    name: str
    figs: dict[str, Fig]
    where: str


@dataclass
class Functional:
    kind: str
    region: Region
    total: dict[str, Fig] = field(default_factory=dict)
    rows: list[Row] = field(default_factory=list)


@dataclass
class Reading:
    """What one workbook region yielded, plus the cells it could not place."""
    problems: list[WorkbookProblem] = field(default_factory=list)
    unplaced: list[str] = field(default_factory=list)

    def cell_problem(self, sheet: Sheet, r: int, c: int, message: str) -> None:
        self.problems.append(WorkbookProblem(f"{sheet.book} {sheet.ref(r, c)}", message))

    def not_placed(self, sheet: Sheet, r: int, c: int, why: str) -> None:
        self.unplaced.append(f"{sheet.book} {sheet.ref(r, c)}（{norm(sheet.value(r, c))}）：{why}")

    def figure(self, region: Region, r: int, c: int) -> Fig | None:
        sheet = region.sheet
        if (r, c) in sheet.copies:
            return None
        try:
            found = amount(sheet.value(r, c), region.unit)
        except CellError as exc:
            self.cell_problem(sheet, r, c, str(exc))
            return None
        if found is None:
            return None
        value, unit = found
        if value < 0:
            self.cell_problem(sheet, r, c, f"金额为负数（{value}），决算公开表中的金额不能为负数")
            return None
        return Fig(value, unit, sheet.ref(r, c))


def _columns_of(region: Region, kind: str, reading: Reading) -> tuple[dict[int, str], dict[str, list[int]]]:
    """amount columns → field, and the code/name columns (roles 'code', 'lei', 'kuan', 'xiang', 'name')."""
    roles: dict[str, list[int]] = {}
    amounts: dict[int, str] = {}
    width = max([region.sheet.width] + [c + 1 for c in region.headings])
    for c in range(width):
        heading, deepest = region.heading(c), region.deepest(c)
        if deepest in ("类", "款", "项"):
            roles.setdefault({"类": "lei", "款": "kuan", "项": "xiang"}[deepest], []).append(c)
        elif any(word in deepest for word in CODE_HEADINGS):
            roles.setdefault("code", []).append(c)
        elif "名称" in deepest or deepest in ("项目", "科目"):
            roles.setdefault("name", []).append(c)
        elif "行次" in heading:
            roles.setdefault("row_no", []).append(c)
        elif heading:
            field_name = next((name for name, words in COLUMNS[kind] if any(w in heading for w in words)), None)
            if field_name is None and c in region.numbering and region.numbering[c] <= len(ORDER[kind]):
                field_name = ORDER[kind][region.numbering[c] - 1]
            if field_name:
                if field_name in amounts.values():
                    reading.problems.append(WorkbookProblem(
                        f"{region.sheet.book} {region.sheet.ref(region.header_rows[0], c)}",
                        f"表头“{heading}”与另一栏都像是“{field_name}”栏，无法区分"))
                amounts[c] = field_name
    return amounts, roles


def read_functional(region: Region, reading: Reading) -> Functional:
    kind = region.kind
    sheet = region.sheet
    table = Functional(kind, region)
    amounts, roles = _columns_of(region, kind, reading)
    if not amounts:
        reading.problems.append(WorkbookProblem(region.where, "找不到金额栏（表头应有“合计”“基本支出”等栏目名称）"))
        return table
    split = [roles.get(k, [None])[0] for k in ("lei", "kuan", "xiang")]
    code_col = (roles.get("code") or [None])[0]
    name_col = (roles.get("name") or [None])[0]
    first_amount = min(amounts)
    label_cols = [c for c in range(first_amount) if c not in amounts]
    last = {"lei": "", "kuan": ""}
    for r in region.body_rows:
        labels = " ".join(norm(sheet.value(r, c)) for c in label_cols)
        code, name, where = _row_code(sheet, r, split, code_col, name_col, last)
        if code is None and re.search(r"合计|总计", labels):
            table.total = {f: fig for c, f in amounts.items() if (fig := reading.figure(region, r, c))}
            continue
        figs = {f: fig for c, f in amounts.items() if (fig := reading.figure(region, r, c))}
        if code is None:
            for c in amounts:
                if figs.get(amounts[c]) and figs[amounts[c]].value != 0:
                    reading.not_placed(sheet, r, c, "该行没有科目编码，也不是合计行")
            continue
        if not re.fullmatch(r"\d{3}(\d{2}){0,2}", code):
            reading.cell_problem(sheet, r, where[1], f"科目编码“{code}”应为3位（类）、5位（款）或7位（项）数字")
            continue
        if any(fig.value != 0 for fig in figs.values()):
            table.rows.append(Row(code, name, figs, sheet.ref(r, where[1])))
    for c in range(sheet.width):      # numbers under headings that name no column of this table
        if c in amounts or any(c in cols for cols in roles.values()):
            continue
        for r in region.body_rows:
            value = sheet.own(r, c)
            if isinstance(value, (int, float)) and not isinstance(value, bool) and value != 0:
                reading.not_placed(sheet, r, c, f"所在栏“{region.heading(c) or '（无表头）'}”不是本表的栏目")
    seen: dict[str, Row] = {}
    for row in table.rows:
        if row.code in seen:
            reading.problems.append(WorkbookProblem(f"{sheet.book} {row.where}",
                                                    f"科目编码 {row.code} 出现两次（另见 {seen[row.code].where}）"))
        seen[row.code] = row
    return table


def _digits(value: object) -> str | None:
    """A 类/款/项 cell: 201, "03", 3 (款 stored as a number loses its leading zero) → digits."""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    text = norm(value)
    return text if text.isdigit() else None


def _row_code(sheet: Sheet, r: int, split, code_col, name_col, last) -> tuple[str | None, str, tuple[int, int]]:
    name = clean_name(sheet.value(r, name_col)) if name_col is not None else ""
    if split[0] is not None:
        parts = [_digits(sheet.value(r, c)) if c is not None else None for c in split]
        lei, kuan, xiang = parts
        if not any(parts):
            return None, name, (r, split[0])
        lei = lei or last["lei"]
        if xiang and not kuan:
            kuan = last["kuan"]
        last["lei"] = lei or ""
        if kuan:
            kuan = kuan.zfill(2)[-2:] if len(kuan) <= 2 else kuan[-2:]
            last["kuan"] = kuan
        code = (lei or "") + (kuan or "") + ((xiang.zfill(2)[-2:]) if xiang and kuan else "")
        return code, name, (r, split[0])
    for col in (code_col, name_col):
        if col is None:
            continue
        code = code_text(sheet.value(r, col))
        if code:
            if not name or col == name_col:
                name = name_after_code(sheet.value(r, col)) or (name if col != name_col else "")
            return code, name, (r, col)
    return None, name, (r, code_col if code_col is not None else (name_col or 0))


# ------------------------------------------------------------------ 公开06表


@dataclass
class BasicDetail:
    region: Region
    items: dict[str, Fig] = field(default_factory=dict)
    personnel: Fig | None = None
    public: Fig | None = None


def read_basic_detail(region: Region, reading: Reading) -> BasicDetail:
    sheet = region.sheet
    table = BasicDetail(region)
    codes = sorted(c for c in region.headings if any(w in region.deepest(c) for w in CODE_HEADINGS))
    if not codes:
        reading.problems.append(WorkbookProblem(region.where, "找不到“科目编码”栏"))
        return table
    bounds = codes[1:] + [sheet.width]
    triples = []
    for code_col, stop in zip(codes, bounds):
        name_col = next((c for c in range(code_col + 1, stop) if "名称" in region.deepest(c)), None)
        money = [c for c in range(code_col + 1, stop) if c != name_col]
        triples.append((code_col, name_col, money))
    placed: set[tuple[int, int]] = set()
    # one list with 人员经费 / 公用经费 columns: their 合计 row holds the two totals
    by_heading = {kind: next((c for c in region.headings if kind in region.heading(c)), None)
                  for kind in ("人员经费", "公用经费")}
    for r in region.body_rows:
        if label_key(sheet.value(r, codes[0])) in ("合计", "总计") and all(by_heading.values()):
            table.personnel = reading.figure(region, r, by_heading["人员经费"])
            table.public = reading.figure(region, r, by_heading["公用经费"])
            placed.update((r, c) for c in range(sheet.width))
            continue
        for c in range(sheet.width):
            text = norm(sheet.own(r, c))
            if text in ("人员经费合计", "公用经费合计", "人员经费", "公用经费"):
                target = next((k for k in range(c + 1, sheet.width) if sheet.own(r, k) not in ("", None)
                               and not norm(sheet.own(r, k)).startswith(("人员", "公用"))), None)
                if target is not None:
                    fig = reading.figure(region, r, target)
                    placed.add((r, target))
                    if text.startswith("人员"):
                        table.personnel = fig
                    else:
                        table.public = fig
        for code_col, _, money_cols in triples:
            code = code_text(sheet.value(r, code_col))
            if not code or not money_cols:
                continue
            # one list with several amount columns (合计 | 人员经费 | 公用经费): the first that holds a figure
            money_col = next((c for c in money_cols if sheet.own(r, c) not in ("", None)), money_cols[0])
            placed.update((r, c) for c in money_cols)
            if not re.fullmatch(r"\d{3}(\d{2})?", code):
                reading.cell_problem(sheet, r, code_col, f"经济分类科目编码“{code}”应为3位或5位数字")
                continue
            fig = reading.figure(region, r, money_col)
            if fig and fig.value != 0:
                if code in table.items:
                    reading.cell_problem(sheet, r, code_col, f"科目编码 {code} 出现两次（另见 {table.items[code].cell}）")
                table.items[code] = fig
    _report_rest(region, reading, placed, "不在任何“科目编码—金额”位置上")
    return table


def _report_rest(region: Region, reading: Reading, placed: set, why: str) -> None:
    sheet = region.sheet
    for r in region.body_rows:
        for c in range(sheet.width):
            value = sheet.own(r, c)
            if (r, c) in placed or isinstance(value, bool) or not isinstance(value, (int, float)) or value == 0:
                continue
            if code_text(value) and len(code_text(value) or "") in (3, 5, 7) and float(value).is_integer():
                continue        # a code, not an amount
            reading.not_placed(sheet, r, c, why)


# ------------------------------------------------------------------ 公开09表


THREE_PUBLIC_FIELDS = (("vehicle_purchase", ("购置费",)), ("vehicle_running", ("运行维护费",)),
                       ("vehicle_total", ("小计",)), ("abroad", ("出国",)), ("reception", ("接待",)),
                       ("total", ("合计",)))


def read_three_public(region: Region, reading: Reading) -> dict[str, dict[str, Fig]]:
    sheet = region.sheet
    columns: dict[int, tuple[str, str]] = {}
    for c in region.headings:
        heading, deepest = region.heading(c), region.deepest(c)
        block = "budget" if "预算" in heading else "actual" if "决算" in heading or "实际" in heading else None
        field_name = next((f for f, words in THREE_PUBLIC_FIELDS if any(w in deepest for w in words)), None)
        if block and field_name:
            columns[c] = (block, field_name)
    found: dict[str, dict[str, Fig]] = {"budget": {}, "actual": {}}
    if not columns:
        return _three_public_by_rows(region, reading, found)
    rows = [r for r in region.body_rows if any(sheet.own(r, c) not in ("", None) for c in columns)]
    placed = set()
    for r in rows[:1]:
        for c, (block, field_name) in columns.items():
            placed.add((r, c))
            fig = reading.figure(region, r, c)
            if fig:
                found[block][field_name] = fig
    _report_rest(region, reading, placed, "“三公”经费表只有一行数据")
    return found


def _three_public_by_rows(region: Region, reading: Reading, found: dict) -> dict:
    """The transposed layout: a row per item (合计, 因公出国（境）费, … 公务接待费), columns 预算数 | 决算数."""
    sheet = region.sheet
    blocks = {c: ("budget" if "预算" in region.heading(c) else "actual") for c in region.headings
              if "预算" in region.heading(c) or "决算" in region.heading(c)}
    if not blocks:
        reading.problems.append(WorkbookProblem(region.where, "找不到“预算数”“决算数”栏"))
        return found
    placed = set()
    for r in region.body_rows:
        label = next((label_key(sheet.value(r, c)) for c in range(min(blocks)) if norm(sheet.value(r, c))), "")
        if "购置及运行" in label:
            label = "小计"          # 公务用车购置及运行维护费 as its own row is the vehicle subtotal
        field_name = next((f for f, words in THREE_PUBLIC_FIELDS if any(w in label for w in words)), None)
        for c, block in blocks.items():
            if field_name:
                placed.add((r, c))
                fig = reading.figure(region, r, c)
                if fig:
                    found[block][field_name] = fig
    _report_rest(region, reading, placed, "“三公”经费表中不认识这一行")
    return found


# ------------------------------------------------------------------ 公开01表 / 公开04表


@dataclass
class Line:
    label: str
    figs: dict[str, Fig]          # "total" or a fund: gpb, gf, soe
    order: int


def read_labelled(region: Region, reading: Reading) -> tuple[list[Line], list[Line]]:
    """The left (income) and right (expenditure) halves: each a list of labelled lines."""
    sheet = region.sheet
    label_cols = [c for c in sorted(region.headings) if region.deepest(c) in ("项目", "项目名称")]
    if len(label_cols) < 2:      # no headings: labels are the text cells of the first body rows
        label_cols = sorted({c for r in region.body_rows for c in range(sheet.width)
                             if isinstance(sheet.own(r, c), str) and re.search(r"[\u4e00-\u9fff]", sheet.own(r, c))
                             and not re.fullmatch(r"\d+", norm(sheet.own(r, c)))})[:2]
    if len(label_cols) < 2:
        reading.problems.append(WorkbookProblem(region.where, "找不到左右两栏“项目”（收入、支出）"))
        return [], []
    halves: list[list[Line]] = [[], []]
    placed = set()
    bounds = [(label_cols[0], label_cols[1]), (label_cols[1], sheet.width)]
    for side, (start, stop) in enumerate(bounds):
        money = [c for c in range(start + 1, stop) if "行次" not in region.heading(c)
                 and not _row_numbers(region, c)]
        for order, r in enumerate(region.body_rows):
            label = label_key(sheet.value(r, start))
            figs = {}
            for c in money:
                heading = region.heading(c)
                fund = "gpb" if "一般公共预算" in heading else "gf" if "政府性基金" in heading else \
                    "soe" if "国有资本" in heading else "total"
                fig = reading.figure(region, r, c)
                if fig is not None and label:
                    figs[fund] = fig
                    placed.add((r, c))
            if label:
                halves[side].append(Line(label, figs, order))
    _report_rest(region, reading, placed | {(r, c) for r in region.body_rows for c in range(sheet.width)
                                            if _row_numbers(region, c)}, "该行没有项目名称")
    return halves[0], halves[1]


def _row_numbers(region: Region, col: int) -> bool:
    """A 行次 column (headed 行次, or small integers 1…64 down the body without decimals)."""
    if "行次" in region.heading(col):
        return True
    values = [region.sheet.own(r, col) for r in region.body_rows]
    numbers = [v for v in values if v not in ("", None)]
    return len(numbers) >= 5 and all(isinstance(v, (int, float)) and float(v).is_integer() and 0 < v <= 64
                                     for v in numbers) and \
        [int(v) for v in numbers] == sorted(int(v) for v in numbers)

"""The public auditor's 决算 rules, reimplemented to run over our PDFs (issue 20 item 5).

GovBudgetChecker (github.com/zxj6827111-blip/GovBudgetChecker) audits published 预决算 PDFs: `rules/v3_3.yaml`
(decision_cross_checks D-001…D-009 and rules R001–R014) and `src/services/fiscal_table_rules.py` (which table is
which, by title and headers). This is our own equivalent, written from reading those files; none of its code is
copied. As there: amounts in 万元, equal within 0.5 万元 (amount_equal_tolerance), percentages within 0.1 point
(ratio_percentage_tolerance), identities within 0.01 (rounding_tolerance), numbers read from the PDF's text.
Tables are read from the PDF's text runs: the column of a value is the nearest column number of the table's
“栏次 1 2 3 …” line, as a table recognizer would place it.

    .venv/bin/python tests/gbc_rules.py some.pdf      # prints the findings
"""
from __future__ import annotations

import re
import sys
from dataclasses import dataclass
from decimal import Decimal

AMOUNT_TOLERANCE = Decimal("0.5")
RATIO_TOLERANCE = Decimal("0.1")
ROUNDING = Decimal("0.01")
YOY_REASON = ("较上年", "同比", "增加", "减少", "上年", "原因", "变动", "波动")
NUM = r"([0-9][0-9,]*(?:\.[0-9]+)?)"
TABLES = {  # rule R014 / fiscal_table_rules: the nine tables a 决算 must contain, by title
    "收入支出决算总表": "公开01表", "收入决算表": "公开02表", "支出决算表": "公开03表",
    "财政拨款收入支出决算总表": "公开04表", "一般公共预算财政拨款支出决算表": "公开05表",
    "一般公共预算财政拨款基本支出决算": "公开06表", "政府性基金预算财政拨款收入支出决算表": "公开07表",
    "国有资本经营预算财政拨款": "公开08表", "“三公”经费支出决算表": "公开09表"}
CODE_NAMES = {"2013999": "其他社会工作事务支出", "2210201": "住房公积金", "2101102": "事业单位医疗保险"}  # R002


@dataclass
class Finding:
    rule: str
    message: str

    def __str__(self) -> str:
        return f"{self.rule}: {self.message}"


def dec(text: str) -> Decimal:
    return Decimal(text.replace(",", ""))


@dataclass
class Page:
    text: str
    runs: list[tuple[float, float, float, str]]    # (x centre, y, right, text) of each text run


def read_pdf(data: bytes) -> list[Page]:
    import pypdfium2 as pdfium

    pages = []
    for page in pdfium.PdfDocument(data):
        textpage = page.get_textpage()
        runs = []
        for i in range(textpage.count_rects()):
            left, bottom, right, top = textpage.get_rect(i)
            runs.append(((left + right) / 2, round((bottom + top) / 2), right,
                         textpage.get_text_bounded(left, bottom, right, top).strip()))
        pages.append(Page(textpage.get_text_range(), runs))
    return pages


def lines_of(page: Page) -> list[list[tuple[float, str]]]:
    """Text runs grouped into lines (top to bottom), each sorted left to right."""
    rows: dict[int, list] = {}
    for x, y, _, text in page.runs:
        key = next((k for k in rows if abs(k - y) <= 2), y)
        rows.setdefault(key, []).append((x, text))
    return [sorted(rows[k]) for k in sorted(rows, reverse=True)]


def columns(page: Page) -> list[float]:
    """x centres of the table's column numbers (the longest “1 2 3 …” line)."""
    best: list[float] = []
    for line in lines_of(page):
        numbers = [(x, t) for x, t in line if t.isdigit()]
        run: list[float] = []
        for x, t in numbers:
            if int(t) == len(run) + 1:
                run.append(x)
        best = run if len(run) > len(best) else best
    return best


def row_values(page: Page, label: str) -> dict[int, Decimal] | None:
    """The amounts of the first row whose first run starts with `label`, by column number (1-based)."""
    centres = columns(page)
    for line in lines_of(page):
        if line and line[0][1].startswith(label):
            out = {}
            for x, text in line:
                if re.fullmatch(r"-?[0-9][0-9,]*\.[0-9]{2}", text) and centres:
                    out[min(range(len(centres)), key=lambda i: abs(centres[i] - x)) + 1] = dec(text)
            return out
    return None


class Publication:
    def __init__(self, pages: list[Page]):
        self.pages = pages
        self.text = "\n".join(re.sub(r"(?m)^\s*— \d+ —\s*$", "", p.text) for p in pages)
        self.flat = re.sub(r"\s+", "", self.text)

    def table(self, number: str) -> Page | None:
        """The table's first page, its text continued over the pages up to the next table or part."""
        marker = re.compile(r"(?m)^\s*公开\d+表\s*$|^第[一二三四]部分")
        for i, page in enumerate(self.pages):
            if re.search(rf"(?m)^\s*{number}\s*$", page.text):
                text = [page.text]
                for following in self.pages[i + 1:]:
                    if marker.search(following.text):
                        break
                    text.append(following.text)
                return Page("\n".join(text), page.runs)
        return None

    def section(self, heading: str, following: str | None) -> str:
        """A 情况说明 section's text: from its heading to the next one, inside 第三部分 (the part after the
        table of contents' last mention of it)."""
        part = self.flat[self.flat.rfind("第三部分"):]
        end_of_part = part.find("第四部分")
        part = part[: end_of_part if end_of_part > 0 else len(part)]
        start = re.search(heading, part)
        if start is None:
            return ""
        rest = part[start.start():]
        end = re.search(following, rest[1:]) if following else None
        return rest[: end.start() + 1 if end else len(rest)]


def summary_value(page: Page | None, label: str, line: int) -> Decimal:
    """An amount of 公开01/04表 by its row label and 行次 (blank = 0)."""
    if page is None:
        return Decimal(0)
    match = re.search(rf"{label}\s+{line}\s+{NUM}(?=\s|$)", page.text)
    return dec(match.group(1)) if match and "." in match.group(1) else Decimal(0)


def amount_after(text: str, label: str) -> Decimal | None:
    match = re.search(rf"{label}[^0-9%；。]{{0,12}}?{NUM}万元", text)
    return dec(match.group(1)) if match else None


def percent_after(text: str, label: str) -> Decimal | None:
    match = re.search(rf"{label}[^%；。]{{0,30}}?占[^0-9]{{0,12}}?{NUM}[%％]", text)
    return dec(match.group(1)) if match else None


SECTIONS = ["一、收入支出决算总体情况", "二、收入决算情况", "三、支出决算情况", "四、财政拨款收", "五、一般公共预算财政拨款支出决算情况",
            "六、一般公共预算财政拨款基本支出决算情况", "七、政府性基金预算财政拨款收", "八、国有资本经营预算财政拨款",
            "九、财政拨款“三公”经费支出决算情况", "十、"]


def audit(pdf: bytes) -> tuple[list[Finding], list[str]]:
    """(findings, notes): notes say which checks found nothing to compare (a field the text does not state)."""
    doc = Publication(read_pdf(pdf))
    out: list[Finding] = []
    notes: list[str] = []
    sec = {h: doc.section(h, SECTIONS[i + 1] if i + 1 < len(SECTIONS) else "第四部分") for i, h in enumerate(SECTIONS)}

    def match(rule: str, what: str, table: Decimal | None, text: Decimal | None) -> None:
        if table is None or text is None:
            notes.append(f"{rule} {what}：{'表' if table is None else '说明'}中未找到，未比较")
        elif abs(table - text) > AMOUNT_TOLERANCE:
            out.append(Finding(rule, f"{what}：表中 {table}，说明中 {text}"))

    def ratio(rule: str, what: str, part: Decimal | None, whole: Decimal | None, stated: Decimal | None) -> None:
        if part is None or not whole or stated is None:
            notes.append(f"{rule} {what} 占比：未比较（说明中未写或分母为 0）")
        elif abs(part / whole * 100 - stated) > RATIO_TOLERANCE:
            out.append(Finding(rule, f"{what} 占比：说明中 {stated}%，按表计算 {(part / whole * 100):.2f}%"))

    def yoy(rule: str, text: str) -> None:
        if re.search(r"较上年|同比|与\d{4}年度?相比", text) and not any(k in text for k in YOY_REASON):
            out.append(Finding(rule, "与上年比较后未写明原因"))

    # D-001 收入支出决算总表
    t01 = doc.table("公开01表")
    spent, distributed, closing, total = (summary_value(t01, "本年支出合计", 58), summary_value(t01, "结余分配", 59),
                                          summary_value(t01, "年末结转和结余", 60), summary_value(t01, "总计", 62))
    if abs(total - (distributed + closing + spent)) > ROUNDING:
        out.append(Finding("D-001", f"支出列总计 {total} ≠ 结余分配 {distributed} + 年末结转和结余 {closing} + 本年支出合计 {spent}"))
    s1 = sec[SECTIONS[0]]
    match("D-001", "年度收入支出总计", total, amount_after(s1, "总计"))
    yoy("D-001", s1)
    gf_income = summary_value(t01, "二、政府性基金预算财政拨款收入", 2)
    s2 = sec[SECTIONS[1]]
    if gf_income:
        match("D-001", "政府性基金预算财政拨款收入", gf_income, amount_after(s2, "政府性基金预算财政拨款收入"))
    # D-002 收入决算表: 合计 row, 栏次 1 本年收入合计, 2 财政拨款收入
    t02 = doc.table("公开02表")
    income = row_values(t02, "合计") if t02 else None
    income_total = income.get(1) if income else None
    fiscal = income.get(2) if income else None
    match("D-002", "本年收入合计", income_total, amount_after(s2, "收入合计"))
    match("D-002", "财政拨款收入", fiscal, amount_after(s2, "财政拨款收入"))
    ratio("D-002", "财政拨款收入", fiscal, income_total, percent_after(s2, "财政拨款收入"))
    # D-003 支出决算表: 1 合计, 2 基本支出, 3 项目支出
    t03 = doc.table("公开03表")
    spend = row_values(t03, "合计") if t03 else None
    s3 = sec[SECTIONS[2]]
    spend_total = spend.get(1) if spend else None
    match("D-003", "本年支出合计", spend_total, amount_after(s3, "支出合计"))
    for column, label in ((2, "基本支出"), (3, "项目支出")):
        value = spend.get(column, Decimal(0)) if spend else None
        match("D-003", label, value, amount_after(s3, label))
        ratio("D-003", label, value, spend_total, percent_after(s3, label))
    # D-004 财政拨款收入支出决算总表
    t04 = doc.table("公开04表")
    s4 = sec[SECTIONS[3]]
    match("D-004", "财政拨款收支总计", summary_value(t04, "总计", 64) if t04 else None, amount_after(s4, "总计"))
    yoy("D-004", s4)
    # D-005 一般公共预算财政拨款支出决算表
    t05 = doc.table("公开05表")
    gpb = row_values(t05, "合计") if t05 else None
    gpb_total = gpb.get(1) if gpb else None
    s5 = sec[SECTIONS[4]]
    overall = s5.split("（二）")[0]
    first = re.search(rf"{NUM}万元", overall)
    share = re.search(rf"占本年支出合计的{NUM}[%％]", overall)
    match("D-005", "一般公共预算财政拨款支出合计", gpb_total, dec(first.group(1)) if first else None)
    ratio("D-005", "一般公共预算财政拨款支出占本年支出合计", gpb_total, spend_total,
          dec(share.group(1)) if share else None)
    structure = s5.split("（二）")[1].split("（三）")[0] if "（二）" in s5 else ""
    for name, amount, share in re.findall(rf"([^：；，。、]+?)（类）支出{NUM}万元，占{NUM}[%％]", structure):
        if gpb_total and abs(dec(amount) / gpb_total * 100 - dec(share)) > RATIO_TOLERANCE:
            out.append(Finding("D-005", f"{name}（类）占比：说明中 {share}%，按表计算 {dec(amount) / gpb_total * 100:.2f}%"))
    for text in (s5, sec[SECTIONS[6]], sec[SECTIONS[7]]):
        budget_vs_final(text, out)
    # D-006 基本支出 = 人员经费合计 + 公用经费合计
    s6 = sec[SECTIONS[5]]
    basic, personnel, public = (amount_after(s6, "基本支出决算"), amount_after(s6, "人员经费"), amount_after(s6, "公用经费"))
    if None in (basic, personnel, public):
        notes.append("D-006 基本支出、人员经费、公用经费：说明中未全部写出，未比较")
    elif abs(basic - personnel - public) > ROUNDING:
        out.append(Finding("D-006", f"基本支出 {basic} ≠ 人员经费 {personnel} + 公用经费 {public}"))
    if gpb and basic is not None:
        match("D-006", "一般公共预算财政拨款基本支出（公开05表）", gpb.get(2, Decimal(0)), basic)
    # D-007 / R008 “三公”经费
    t09 = doc.table("公开09表")
    tp = [row for row in (lines_of(t09) if t09 else []) if row and re.fullmatch(r"[0-9][0-9,]*\.[0-9]{2}", row[0][1])]
    s9 = sec[SECTIONS[8]]
    if tp:
        values = row_values(t09, tp[0][0][1]) or {}
        half = len(columns(t09)) // 2
        for offset, name in ((0, "预算数"), (half, "决算数")):
            cells = [values.get(offset + i, Decimal(0)) for i in range(1, half + 1)]
            total, abroad, vehicle, purchase, running, reception = (cells + [Decimal(0)] * 6)[:6]
            if abs(total - abroad - vehicle - reception) > ROUNDING or abs(vehicle - purchase - running) > ROUNDING:
                out.append(Finding("R008", f"“三公”经费{name}合计 {total} ≠ 分项之和"))
            stated = re.search(rf"(?:{'全年预算为|年初预算为' if offset == 0 else '支出决算为'}){NUM}万元", s9)
            match("D-007", f"“三公”经费合计{name}", total, dec(stated.group(1)) if stated else None)
    else:
        notes.append("D-007 公开09表：没有金额行，未比较")
    # D-008 / D-009: an empty fund table needs a statement (空表说明 or an equivalent)
    for rule, number, fund in (("D-008", "公开07表", "政府性基金"), ("D-009", "公开08表", "国有资本经营")):
        page = doc.table(number)
        empty = page is not None and row_values(page, "合计") in (None, {})
        said = any(p in doc.flat for p in (f"本年度无{fund}预算", "空表说明", "无相关预算"))
        equivalent = re.search(rf"(没有|无)[^。]{{0,12}}{fund}|本表无数据|本年度无此项收?支", doc.flat)
        if empty and not said:
            out.append(Finding(rule, f"{number}为空表，未见“本年度无{fund}预算/空表说明/无相关预算”"
                                     + ("（有等效表述：" + equivalent.group(0) + "）" if equivalent else "")))
    # R001 万元 written as 元
    for m in re.finditer(rf"(住房公积金|机关运行经费|三公经费|项目经费|预算|决算)[：:，、]?{NUM}元", doc.flat):
        if Decimal("0.01") <= dec(m.group(2)) <= 9999:
            out.append(Finding("R001", f"“{m.group(0)}”：金额单位疑为万元"))
    # R002 code ↔ name (the auditor's own short dictionary)
    for code, name in CODE_NAMES.items():
        for m in re.finditer(rf"{code}\s*([^\s0-9]+)", doc.text):
            if m.group(1) != name:
                out.append(Finding("R002", f"{code} 名称“{m.group(1)}”，字典为“{name}”"))
                break
    # R003 repeated words, in running text (table cells are separated by spaces in the PDF's text)
    for m in re.finditer(r"([\u4e00-\u9fa5]{2,})\1", doc.text):
        out.append(Finding("R003", f"重复词“{m.group(0)}”"))
    # R004 completion against a 0 initial budget
    for paragraph in re.split(r"[\n]", doc.text):
        if re.search(r"年初预算(数)?为0(\.0+)?万元", paragraph) and "完成年初预算的" in paragraph:
            out.append(Finding("R004", f"年初预算为 0 却写“完成年初预算的…%”：{paragraph[:40]}"))
    # R005 住房公积金 described as medical insurance
    for sentence in re.split(r"[。；]", doc.flat):
        if ("住房公积金" in sentence or "2210201" in sentence) and any(k in sentence for k in ("医疗保险", "医保", "医疗费")):
            out.append(Finding("R005", f"住房公积金与医疗类词同句：{sentence[:50]}"))
    # R007 合计 = 基本支出 + 项目支出 (公开05表 rows, 公开03表 合计 row without the other columns)
    for number, page in (("公开05表", t05),):
        for line in lines_of(page) if page else []:
            values = row_values(page, line[0][1]) if line and line[0][1] else None
            if values and 1 in values and (2 in values or 3 in values):
                if abs(values[1] - values.get(2, Decimal(0)) - values.get(3, Decimal(0))) > ROUNDING:
                    out.append(Finding("R007", f"{number} {line[0][1]}：合计 {values[1]} ≠ 基本 + 项目"))
    # R009 机关运行经费 text vs 公用经费
    s10 = sec[SECTIONS[9]]
    running = amount_after(s10, "机关运行经费支出")
    if running is not None and public is not None and abs(running - public) > AMOUNT_TOLERANCE:
        out.append(Finding("R009", f"机关运行经费 {running} 与公用经费 {public} 不一致"))
    # R014 the nine tables
    for title, number in TABLES.items():
        if title not in doc.flat:
            out.append(Finding("R014", f"缺少{number}（{title}）"))
    return out, notes


def budget_vs_final(text: str, out: list[Finding]) -> None:
    """D-005 details: 年初预算 A vs 决算 B — the comparison word, the rate and a reason must agree with A and B."""
    for m in re.finditer(rf"年初预算(?:数)?为{NUM}万元，支出决算(?:数)?为{NUM}万元，([^。]*。)([^。]*。)?", text):
        budget, actual, rest = dec(m.group(1)), dec(m.group(2)), m.group(3) + (m.group(4) or "")
        rate = re.search(rf"完成(?:年初|全年)预算(?:数)?的{NUM}%", rest)
        if budget and rate and abs(actual / budget * 100 - dec(rate.group(1))) > RATIO_TOLERANCE:
            out.append(Finding("D-005", f"完成率 {rate.group(1)}% ≠ {actual}/{budget}"))
        said_more, said_less = "大于" in rest or "增加" in rest, "小于" in rest or "减少" in rest
        if (actual > budget and said_less) or (actual < budget and said_more):
            out.append(Finding("D-005", f"年初预算 {budget}、决算 {actual}，文字写的大小关系相反"))
        if actual != budget and abs(actual - budget) > AMOUNT_TOLERANCE and not any(k in rest for k in YOY_REASON):
            out.append(Finding("D-005", f"年初预算 {budget} 与决算 {actual} 不同，未写原因"))


if __name__ == "__main__":
    for path in sys.argv[1:]:
        with open(path, "rb") as handle:
            found, skipped = audit(handle.read())
        print(path, len(found), "findings")
        for f in found:
            print("  ", f)
        for note in skipped:
            print("   (", note, ")")

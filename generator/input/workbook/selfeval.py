"""项目支出绩效自评表 (a sheet per project or several per sheet) → performance.projects, in the Shandong layout
(年初预算数 | 全年预算数 | 全年执行数 | 分值 | 执行率 | 得分; 年度指标值) and the Shanxi one (年初预算数 split into
目标申报数 | 预算编制数; 年初指标值 | 调整前指标值; 项目绩效分析). Every part is found by its label, a table begins
at a 项目名称 cell and runs to the next one."""
from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation

from .cells import CellError, Sheet, WorkbookProblem, amount, norm

FUND_ROWS = (("total", ("资金总额",)), ("fiscal", ("财政拨款", "财政资金")), ("carryover", ("上年结转",)),
             ("other", ("其他资金",)))
INDICATOR_COLUMNS = (("level1", ("一级指标",)), ("level2", ("二级指标",)), ("level3", ("三级指标",)),
                     ("initial_target", ("年初指标值",)), ("actual", ("实际完成",)),
                     ("target", ("年度指标值", "调整前指标值", "指标值")), ("weight", ("分值",)), ("score", ("得分",)),
                     ("deviation", ("偏差原因",)))
GRADES = ("优", "良", "中", "差")


def _text(sheet: Sheet, r: int, c: int) -> str:
    value = sheet.value(r, c)
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip() if value not in (None, "") else ""


def _number(sheet: Sheet, r: int, c: int, problems: list, what: str) -> Decimal | None:
    text = norm(sheet.value(r, c)).rstrip("%分")
    if not text:
        return None
    try:
        return Decimal(text) if not isinstance(sheet.value(r, c), float) else Decimal(repr(sheet.value(r, c)))
    except InvalidOperation:
        problems.append(WorkbookProblem(f"{sheet.book} {sheet.ref(r, c)}", f"{what}“{text}”不是数"))
        return None


def plain(number: Decimal) -> str:
    """10 not 10.0 or 1E+1; 2.07 stays 2.07."""
    return str(int(number)) if number == number.to_integral_value() else format(number.normalize(), "f")


def find_projects(sheet: Sheet) -> list[tuple[int, int]]:
    """(first row, row after the last) of each self-evaluation table in the sheet."""
    starts = [r for r in range(sheet.height) if any(norm(sheet.own(r, c)) == "项目名称" for c in range(sheet.width))]
    starts = [r for r in starts if any("绩效" in norm(v) or "指标" in norm(v)
                                       for row in sheet.grid[r:r + 40] for v in row)]
    return [(start, starts[i + 1] if i + 1 < len(starts) else sheet.height) for i, start in enumerate(starts)]


def _after(sheet: Sheet, r: int, c: int) -> tuple[int, str]:
    """The first cell right of (r, c) holding something else than the label itself."""
    label = norm(sheet.value(r, c))
    for k in range(c + 1, sheet.width):
        if norm(sheet.value(r, k)) and norm(sheet.value(r, k)) != label:
            return k, _text(sheet, r, k)
    return c, ""


def read_project(sheet: Sheet, start: int, stop: int, problems: list) -> dict:
    project: dict = {}
    unit = "万元"
    fund_header: dict[str, int] = {}
    goal_columns: tuple[int, int] | None = None
    indicator_columns: dict[str, int] = {}
    indicators: list[dict] = []
    analysis: dict[str, str] = {}
    r = start
    while r < stop:
        texts = {c: norm(sheet.value(r, c)) for c in range(sheet.width) if norm(sheet.value(r, c))}
        first = next(iter(texts.values()), "")
        if "单位:元" in "".join(texts.values()) and "万元" not in "".join(texts.values()):
            unit = "元"
        for c, text in texts.items():
            if text == "项目名称" and "name" not in project:
                project["name"] = _after(sheet, r, c)[1]
            elif text.startswith("主管部门") and "department" not in project:
                project["department"] = _after(sheet, r, c)[1]
            elif text in ("实施单位", "实施单位名称") and "implementer" not in project:
                project["implementer"] = _after(sheet, r, c)[1]
            elif text == "预算单位" and "unit" not in project:
                project["unit"] = _after(sheet, r, c)[1]
        if any("全年预算数" in t for t in texts.values()) and any("全年执行数" in t for t in texts.values()):
            sub = {c: norm(sheet.value(r + 1, c)) for c in range(sheet.width)}
            for c, text in texts.items():
                key = ("full_year" if "全年预算数" in text else "executed" if "全年执行数" in text else
                       "weight" if text == "分值" else "score" if text == "得分" else
                       "initial" if "年初预算数" in text else None)
                if key == "initial" and sub.get(c) in ("目标申报数", "预算编制数"):
                    key = "declared" if sub[c] == "目标申报数" else "initial"
                if key and key not in fund_header:
                    fund_header[key] = c
            r += 2 if any(v in ("目标申报数", "预算编制数") for v in sub.values()) else 1
            continue
        if fund_header and not indicator_columns:
            label = next((t for c, t in texts.items() if c < min(fund_header.values())
                          and any(w in t for _, words in FUND_ROWS for w in words)), None)
            line = next((name for name, words in FUND_ROWS if label and any(w in label for w in words)), None)
            if line and line not in project.get("funds", {}):
                funds = project.setdefault("funds", {})
                entry = {}
                for key in ("declared", "initial", "full_year", "executed"):
                    if key in fund_header:
                        try:
                            found = amount(sheet.value(r, fund_header[key]), unit)
                        except CellError as exc:
                            problems.append(WorkbookProblem(f"{sheet.book} {sheet.ref(r, fund_header[key])}", str(exc)))
                            found = None
                        if found:
                            value, in_unit = found
                            entry[key] = f"{plain(value)}元" if in_unit == "元" else plain(value)
                funds[line] = entry
                if line == "total":
                    for key, field in (("weight", "execution_weight"), ("score", "execution_score")):
                        if key in fund_header:
                            number = _number(sheet, r, fund_header[key], problems, "分值/得分")
                            if number is not None:
                                project[field] = plain(number)
        if goal_columns is None and any(t in ("年初预期目标", "年度目标") for t in texts.values()):
            expected = next(c for c, t in texts.items() if t in ("年初预期目标", "年度目标"))
            actual = next((c for c, t in texts.items() if "实际完成" in t), None)
            goal_columns = (expected, actual if actual is not None else expected)
            project["goal_expected"] = _text(sheet, r + 1, goal_columns[0])
            project["goal_actual"] = _text(sheet, r + 1, goal_columns[1])
            r += 2
            continue
        if not indicator_columns and "一级指标" in texts.values():
            for c, text in texts.items():
                key = next((k for k, words in INDICATOR_COLUMNS if any(w in text for w in words)), None)
                if key and key not in indicator_columns:
                    indicator_columns[key] = c
            r += 1
            continue
        if "总分" in texts.values() and first != "总分在80分以下":
            column = next(c for c, t in texts.items() if t == "总分")
            numbers = [_number(sheet, r, c, problems, "总分") for c in texts if c > column
                       and re.fullmatch(r"[\d.]+%?", texts[c])]
            if numbers:
                project["total_score"] = plain(numbers[-1])
            grade = next((t for t in texts.values() if t in GRADES), None)
            if grade:
                project["grade"] = grade
            indicator_columns = {k: v for k, v in indicator_columns.items()} or {"done": -1}
            indicator_columns["done"] = -1
        elif indicator_columns and "done" not in indicator_columns:
            row = {k: _text(sheet, r, c) for k, c in indicator_columns.items()}
            if row.get("level1") or row.get("level3"):
                for key in ("weight", "score"):
                    number = _number(sheet, r, indicator_columns[key], problems, "分值/得分") \
                        if key in indicator_columns else None
                    row[key] = plain(number if number is not None else Decimal(0))
                indicators.append({k: v for k, v in row.items() if v != "" or k in ("level1",)})
        elif first.startswith("总分在80分以下"):
            note = _after(sheet, r, next(iter(texts)))[1]
            if note:
                project["low_score_note"] = note
        elif first == "项目绩效分析" or (analysis and first == "项目绩效分析"):
            columns = sorted(texts)
            if len(columns) >= 3:
                analysis[_text(sheet, r, columns[1])] = _text(sheet, r, columns[-1])
        r += 1
    project["indicators"] = indicators
    if analysis:
        project["analysis"] = analysis
    return project

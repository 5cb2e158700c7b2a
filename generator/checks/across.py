"""Identities across tables (tables.md §3.2) that separate inputs can break, plus soft relation S1."""
from __future__ import annotations

from decimal import Decimal

from ..facts.compute import HEADERS
from ..input.money import ZERO, cents
from .base import WARNING, Report, addends, money

SPEND = ("basic", "project", "total")


def fiscal_income(r: Report) -> None:
    """X2: 公开02表 合计 财政拨款收入 = 公开01/04表 行1–3 (tables.summary.fiscal_income)."""
    s, f = r.data.tables.summary, r.facts
    parts = [cents(s.fiscal_income.gpb), cents(s.fiscal_income.gf), cents(s.fiscal_income.soe)]
    r.identity("X2", f"公开02表 合计行 财政拨款收入应等于公开01/04表 财政拨款收入（一般公共预算 {money(parts[0])} + "
               f"政府性基金 {money(parts[1])} + 国有资本经营 {money(parts[2])}）", sum(parts, ZERO),
               f.income.total.get("fiscal"), "tables.summary.fiscal_income", addends(*parts))


def basic_detail(r: Report) -> None:
    """X10: 公开05表 合计 基本支出 = 公开06表 人员经费合计 + 公用经费合计."""
    f = r.facts
    personnel, public = f.basic.personnel_total, f.basic.public_total
    r.identity("X10", f"公开06表 人员经费合计 {money(personnel)} + 公用经费合计 {money(public)} 应等于公开05表 合计行 "
               "基本支出", f.gpb.total.get("basic"), personnel + public, "tables.basic_detail",
               addends(personnel, public))


def gf_summary(r: Report) -> None:
    """X11: 政府性基金表 合计 年初/本年收入/年末 = 公开04表 行30 / 行2 / 行60 政府性基金列."""
    s, total = r.data.tables.summary, r.facts.gf.total
    for column, field, row in (("opening", "fiscal_opening", "行30 年初结转和结余"),
                               ("income", "fiscal_income", "行2 本年收入"),
                               ("closing", "fiscal_closing", "行60 年末结转和结余")):
        r.identity("X11", f"政府性基金表 合计行 {HEADERS[column]}应等于公开04表 {row}（政府性基金预算财政拨款）",
                   cents(getattr(getattr(s, field), "gf")), total.get(column), f"tables.summary.{field}.gf")


def _nonfiscal(r: Report) -> bool:
    """Whether the unit has resources outside 财政拨款 (then 公开03表 may exceed the fiscal tables)."""
    f = r.facts
    income = any(f.income.total.get(c) for c in ("superior", "business", "operating", "affiliated", "other"))
    return income or f.t01[28] > 0 or f.t01[29] > f.t04_left[28]


def _fiscal_lines(r: Report) -> dict[str, dict[str, Decimal]]:
    """code → Σ of 公开05表 + 政府性基金表 + 国有资本经营表 per spending column (with the count of addends)."""
    out: dict[str, dict[str, Decimal]] = {}
    for table in (r.facts.gpb, r.facts.gf, r.facts.soe):
        for line in [table.total, *table.lines]:
            cell = out.setdefault(line.code, {c: ZERO for c in SPEND} | {"n": ZERO})
            for column in SPEND:
                cell[column] += line.get(column)
            cell["n"] += 1 if any(line.get(c) for c in SPEND) else 0
    return out


def fiscal_split(r: Report) -> None:
    """X13: 公开03表 合计 基本/项目支出 = 公开05表 + 政府性基金表 + 国有资本经营表 (+ 非财政拨款支出)."""
    fiscal = _fiscal_lines(r).get("", {})
    total = r.facts.expenditure.total
    nonfiscal = _nonfiscal(r)
    for column in ("basic", "project"):
        parts = [t.total.get(column) for t in (r.facts.gpb, r.facts.gf, r.facts.soe)]
        what = (f"公开03表 合计行 {HEADERS[column]}应等于公开05表 {money(parts[0])} + 政府性基金表 {money(parts[1])} + "
                f"国有资本经营表 {money(parts[2])} 的{HEADERS[column]}")
        path = f"tables.expenditure.total.{column}"
        if nonfiscal:
            r.at_most("X13", f"{what}（另有非财政拨款资金时可以更大，但不能更小）", total.get(column),
                      fiscal.get(column, ZERO), path, addends(*parts))
        else:
            r.identity("X13", f"{what}（本单位没有非财政拨款资金）", fiscal.get(column, ZERO), total.get(column), path,
                       addends(*parts))


def _deepest(codes: list[str]) -> list[str]:
    """Drop a code when a longer code under it is also listed (report where the difference starts)."""
    return [c for c in codes if not any(o != c and o.startswith(c) for o in codes)]


def _row_path(r: Report, key: str, code: str) -> str | None:
    rows = getattr(r.data.tables, key).rows
    index = next((i for i, row in enumerate(rows) if row.code == code), None)
    return None if index is None else f"tables.{key}.rows.{index}"


def rows_t03_fiscal(r: Report) -> None:
    """X14 (and X7): each 公开03表 line = the same code in 公开05表 + 政府性基金表 + 国有资本经营表 when all of the
    unit's money is 财政拨款; otherwise 公开03表 may exceed them but never fall short."""
    fiscal = _fiscal_lines(r)
    t03 = {line.code: line for line in r.facts.expenditure.lines}
    nonfiscal = _nonfiscal(r)
    differing: dict[str, tuple[str, Decimal, Decimal, int]] = {}
    for code in sorted((set(fiscal) | set(t03)) - {""}):
        cell = fiscal.get(code, {})
        for column in ("basic", "project", "total"):
            expected = cell.get(column, ZERO)
            actual = t03[code].get(column) if code in t03 else ZERO
            if actual != expected and (not nonfiscal or actual < expected):
                differing[code] = (column, expected, actual, int(cell.get("n", 1)) or 1)
                break
    for code in _deepest(sorted(differing)):
        column, expected, actual, parts = differing[code]
        path = _row_path(r, "expenditure", code) or _row_path(r, "gpb", code) or _row_path(r, "gf", code) \
            or _row_path(r, "soe", code) or "tables.expenditure"
        if nonfiscal:
            r.at_most("X14", f"公开03表 {code} {HEADERS[column]}不能小于公开05表、政府性基金表、国有资本经营表同一科目之和"
                      "（财政拨款支出不能超过全部支出）", actual, expected, f"{path}.{column}", parts)
        else:
            r.identity("X14", f"公开03表 {code} {HEADERS[column]}应等于公开05表、政府性基金表、国有资本经营表同一科目之和"
                       "（本单位只有财政拨款资金）", expected, actual, f"{path}.{column}", parts)


def rows_t02_t03(r: Report) -> None:
    """Without any balances (行28/29/59/60 all 0) each code's 公开02表 收入 equals its 公开03表 支出 (tables.md §3.2):
    an 错误, since both are the same 元 amount rounded once."""
    t = r.facts.t01
    if any(t[row] for row in (28, 29, 59, 60)):
        return
    income = {line.code: line.get("total") for line in r.facts.income.lines}
    spent = {line.code: line.get("total") for line in r.facts.expenditure.lines}
    differing = [c for c in sorted(set(income) | set(spent)) if income.get(c, ZERO) != spent.get(c, ZERO)]
    for code in _deepest(differing):
        path = _row_path(r, "income", code) or _row_path(r, "expenditure", code) or "tables.income"
        # no balance anywhere: each code's income is spent under that code, one 元 figure rounded once
        r.identity("t02_t03_rows", f"本单位没有结转结余，公开02表 {code} 本年收入应等于公开03表同一科目的本年支出",
                   spent.get(code, ZERO), income.get(code, ZERO), f"{path}.total", exact=True)


def gf_income_rows(r: Report) -> None:
    """X16: 政府性基金表 本年收入 of a code ≤ 公开02表 财政拨款收入 of that code."""
    for line in r.facts.gf.at_level(3):
        t02 = r.facts.income.line(line.code)
        path = _row_path(r, "gf", line.code) or "tables.gf"
        r.at_most("X16", f"公开02表 {line.code} 财政拨款收入不能小于政府性基金表同一科目的本年收入",
                  t02.get("fiscal") if t02 else ZERO, line.get("income"), f"{path}.income")


def three_public_basic(r: Report) -> None:
    """S1: each 三公 决算数 ≥ its 公开06表 counterpart (公开06表 holds only GPB basic spending)."""
    a, amounts = r.facts.three_public_actual, r.facts.basic.amounts
    pairs = ((a.abroad, "因公出国（境）费", ("30212",)), (a.vehicle_running, "公务用车运行维护费", ("30231",)),
             (a.reception, "公务接待费", ("30217",)), (a.vehicle_purchase, "公务用车购置费", ("31013", "30913")))
    for value, label, codes in pairs:
        detail = sum((amounts.get(c, ZERO) for c in codes), ZERO)
        if detail > value:
            r.add(WARNING, "S1", f"“三公”经费{label}决算数小于公开06表 {'+'.join(codes)} 的金额；公开06表只含一般公共预算"
                  "基本支出，“三公”经费决算数通常不小于它", "tables.three_public.actual", f"≥ {money(detail)}",
                  money(value), money(value - detail))

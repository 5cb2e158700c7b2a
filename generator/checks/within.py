"""Identities within one table (tables.md §3.1) that typed values or separate inputs can break:
公开01表 totals, 公开04表 per-fund balances, 公开07表 closing balances, 三公 splits and counts,
政府采购 and vehicles. (Row sums and rollups are the rollup's discrepancies, see codes.py.)"""
from __future__ import annotations

from ..input.money import ZERO, cents
from .base import ERROR, WARNING, Report, addends, money

FUNDS = (("gpb", "一般公共预算"), ("gf", "政府性基金预算"), ("soe", "国有资本经营预算"))


def _income_side_path(r: Report, s) -> str:
    """Where a 收/支 总计 imbalance is fixed: the typed total the user entered, else the balances."""
    if s.grand_total is not None:
        return "tables.summary.grand_total"
    if s.income_total is not None:
        return "tables.summary.income_total"
    if r.data.tables.income.total is not None and "total" in r.data.tables.income.total.model_fields_set:
        return "tables.income.total.total"
    return "tables.summary.closing_balance"


def summary_totals(r: Report) -> None:
    """X1, X4 (typed 公开01表 totals vs 公开02/03表) and I01.5 (收入总计 = 支出总计)."""
    f, s = r.facts, r.data.tables.summary
    if s.income_total is not None:
        r.identity("X1", "公开01表 本年收入合计（行27）应等于公开02表 合计行 本年收入合计",
                   f.income.total.get("total"), cents(f.t01[27]), "tables.summary.income_total", exact=True)
    if s.expenditure_total is not None:
        r.identity("X4", "公开01表 本年支出合计（行58）应等于公开03表 合计行 本年支出合计",
                   f.expenditure.total.get("total"), cents(f.t01[58]), "tables.summary.expenditure_total", exact=True)
    t = f.t01
    r.identity("I01.5", f"公开01表 支出总计（行62：本年支出 {money(t[58])} + 结余分配 {money(t[59])} + 年末结转和结余 "
               f"{money(t[60])}）应等于收入总计（行31：本年收入 {money(t[27])} + 使用非财政拨款结余 {money(t[28])} + "
               f"年初结转和结余 {money(t[29])}）", t[31], t[62],
               _income_side_path(r, s), exact=True)   # 收支总计 is one 元 figure: no tail between them


def fiscal_balances(r: Report) -> None:
    """I04.8 per fund: 本年收入 + 年初结转和结余 = 本年支出 + 年末结转和结余; I04.7 typed 总计; X8 fiscal ≤ total."""
    f, s = r.facts, r.data.tables.summary
    for column, (key, name) in enumerate(FUNDS, 1):
        income, opening = cents(getattr(s.fiscal_income, key)), cents(getattr(s.fiscal_opening, key))
        spent, closing = f.t04_right[59][column], f.t04_right[60][column]
        source = {"gpb": "公开05表合计", "gf": "政府性基金表本年支出合计", "soe": "国有资本经营表合计"}[key]
        r.identity("I04.8", f"公开04表 {name}财政拨款：本年支出（{source} {money(spent)}）+ 年末结转和结余 "
                   f"{money(closing)} 应等于本年收入 {money(income)} + 年初结转和结余 {money(opening)}",
                   income + opening, spent + closing, f"tables.summary.fiscal_income.{key}",
                   addends(income, opening, spent, closing) - 1 or 1)
    if s.fiscal_grand_total is not None:
        r.identity("I04.7", "公开04表 支出总计（行64）应等于所填的收入总计（行32）", f.t04_left[32],
                   f.t04_right[64][0], "tables.summary.fiscal_grand_total", 3)
    r.at_most("X8", "公开04表 年初财政拨款结转和结余（行28）不能大于公开01表 年初结转和结余（行29）",
              f.t01[29], f.t04_left[28], "tables.summary.fiscal_opening")
    r.at_most("X8", "公开04表 年末财政拨款结转和结余（行60）不能大于公开01表 年末结转和结余（行60）",
              f.t01[60], f.t04_right[60][0], "tables.summary.fiscal_closing")


def gf_closing(r: Report) -> None:
    """I07.1: 年末结转和结余 = 年初结转和结余 + 本年收入 − 本年支出, each row and 合计."""
    rows = r.data.tables.gf.rows
    index = {row.code: i for i, row in enumerate(rows)}
    for line in [r.facts.gf.total, *r.facts.gf.lines]:
        where = "合计行" if not line.code else line.code
        path = "tables.gf.total.closing" if not line.code else (
            f"tables.gf.rows.{index[line.code]}.closing" if line.code in index else "tables.gf.rows")
        opening, income, spent = line.get("opening"), line.get("income"), line.get("total")
        available = opening + income - spent
        what = (f"政府性基金表 {where}：年末结转和结余应等于 年初 {money(opening)} + 本年收入 {money(income)} − "
                f"本年支出 {money(spent)}")
        if available < 0:
            r.amounts(ERROR, "I07.1", f"{what}，但本年支出超过年初结转和结余与本年收入之和", path, available,
                      line.get("closing"))
        else:
            r.identity("I07.1", what, available, line.get("closing"), path, addends(opening, income, spent))


def three_public(r: Report) -> None:
    """I09 splits the table cannot show: 公务接待费 = 国内 + 国（境）外; 其中外事 ≤ 国内; amounts vs counts."""
    tp, a = r.data.tables.three_public, r.facts.three_public_actual
    c = tp.counts
    base = "tables.three_public.counts"
    domestic, abroad = cents(c.domestic_reception), cents(c.abroad_reception)
    if domestic or abroad or a.reception:
        r.identity("three_public_reception", f"国内接待费 {money(domestic)} + 国（境）外接待费 {money(abroad)} "
                   "应等于公开09表 公务接待费决算数", a.reception, domestic + abroad, f"{base}.domestic_reception",
                   addends(domestic, abroad))
    r.at_most("three_public_foreign", "其中外事接待费不能大于国内接待费", domestic, cents(c.foreign_affairs_reception),
              f"{base}.foreign_affairs_reception")
    for part, whole, label in (("foreign_affairs_batches", "domestic_batches", "外事接待批次不能多于国内接待批次"),
                               ("foreign_affairs_people", "domestic_people", "外事接待人次不能多于国内接待人次")):
        value, limit = getattr(c, part), getattr(c, whole)
        if value > limit:
            r.add(ERROR, "three_public_foreign", label, f"{base}.{part}", f"≤ {limit}", str(value), str(value - limit))
    pairs = (  # amount, its label, the counts that go with it
        (a.abroad, "因公出国（境）费", (("abroad_groups", "团组数"), ("abroad_people", "人次"))),
        (a.vehicle_purchase, "公务用车购置费", (("vehicles_purchased", "购置车辆数"),)),
        (a.vehicle_running, "公务用车运行维护费", (("vehicles_held", "公务用车保有量"),)),
        (domestic, "国内接待费", (("domestic_batches", "批次"), ("domestic_people", "人次"))),
        (abroad, "国（境）外接待费", (("abroad_batches", "批次"), ("abroad_reception_people", "人次"))),
        (cents(c.foreign_affairs_reception), "其中外事接待费", (("foreign_affairs_batches", "批次"),
                                                           ("foreign_affairs_people", "人次"))))
    for amount, label, counts in pairs:
        if amount > 0 and not any(getattr(c, field) for field, _ in counts):
            field, count_label = counts[0]
            r.add(WARNING, "three_public_counts", f"{label}为 {money(amount)}万元，但{count_label}为 0",
                  f"{base}.{field}", "> 0", "0")
        for field, count_label in counts if amount == 0 else ():
            if getattr(c, field) > 0:
                r.add(WARNING, "three_public_counts", f"{label}为 0，但{count_label}为 {getattr(c, field)}",
                      f"{base}.{field}", "0", str(getattr(c, field)))


def vehicles(r: Report) -> None:
    """国有资产 车辆 total (Σ types) vs the 三公 公务用车保有量 (narrative.md §2.12)."""
    total, held = r.data.assets.vehicles.total, r.data.tables.three_public.counts.vehicles_held
    if total != held:
        r.add(WARNING, "vehicles", f"国有资产中车辆合计 {total} 辆（各类用车之和）与“三公”经费中财政拨款开支运行维护费的"
              f"公务用车保有量 {held} 辆不一致；如部分车辆不由财政拨款开支运行维护费，可忽略",
              "assets.vehicles", str(held), str(total), str(total - held))


def procurement(r: Report) -> None:
    """政府采购: SME amounts within their totals, and the per-kind SME amounts adding up to sme_total."""
    p, total = r.data.procurement, r.facts.procurement_total
    sme, small = cents(p.sme_total), cents(p.small_micro)
    r.at_most("procurement_sme", "授予中小企业合同金额不能大于政府采购支出总额", total, sme, "procurement.sme_total")
    r.at_most("procurement_sme", "其中授予小微企业合同金额不能大于授予中小企业合同金额", sme, small,
              "procurement.small_micro")
    kinds = (("goods", "货物"), ("works", "工程"), ("services", "服务"))
    for key, label in kinds:
        value = getattr(p, f"sme_{key}")
        if value is not None:
            r.at_most("procurement_sme", f"{label}采购授予中小企业合同金额不能大于{label}支出",
                      cents(getattr(p, key)), cents(value), f"procurement.sme_{key}")
    given = [cents(getattr(p, f"sme_{key}")) for key, _ in kinds if getattr(p, f"sme_{key}") is not None]
    if given:
        r.identity("procurement_sme", "货物、工程、服务采购授予中小企业合同金额之和应等于授予中小企业合同金额",
                   sme, sum(given, ZERO), "procurement.sme_goods", addends(*given))

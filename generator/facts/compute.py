"""Stage 3: every figure the publication prints — table cells, totals, cross-table lines.

Values are 2-decimal Decimal 万元 as printed (typed subtotals kept within the 尾数误差 tolerance); the
narrative computes its percentages from these printed figures (narrative.md §3).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from .. import catalogue
from ..input.model import ExpenditureByKind, IncomeByKind, Prior, ThreePublicAmounts, UnitYear
from ..input.money import ZERO, cents
from .rollup import Discrepancy, RolledTable, rollup, settle

INCOME_COLUMNS = ("total", "fiscal", "superior", "business", "operating", "affiliated", "other")
EXPENDITURE_COLUMNS = ("total", "basic", "project", "upper", "operating", "subsidiary")
SPEND_COLUMNS = ("total", "basic", "project")
FUND_COLUMNS = ("opening", "income", "total", "basic", "project", "closing")

HEADERS = {"total": "合计", "fiscal": "财政拨款收入", "superior": "上级补助收入", "business": "事业收入",
           "operating": "经营收入/支出", "affiliated": "附属单位上缴收入", "other": "其他收入", "basic": "基本支出",
           "project": "项目支出", "upper": "上缴上级支出", "subsidiary": "对附属单位补助支出",
           "opening": "年初结转和结余", "income": "本年收入", "closing": "年末结转和结余"}

# The 26 expenditure classes of 公开01/04表 in their fixed order (tables.md §1.6).
CLASS_CODES = ("201", "202", "203", "204", "205", "206", "207", "208", "210", "211", "212", "213", "214",
               "215", "216", "217", "219", "220", "221", "222", "223", "224", "229", "231", "232", "234")
PERSONNEL_GROUPS = ("301", "303")


@dataclass
class BasicDetail:
    amounts: dict[str, Decimal]          # every code (3- and 5-digit) with its printed amount
    personnel_total: Decimal
    public_total: Decimal

    def nonzero_items(self, groups: tuple[str, ...]) -> list[str]:
        return [c for c in sorted(self.amounts) if len(c) == 5 and c[:3] in groups and self.amounts[c] != 0]


@dataclass
class ThreePublicFigures:
    abroad: Decimal
    vehicle_purchase: Decimal
    vehicle_running: Decimal
    vehicle_total: Decimal
    reception: Decimal
    total: Decimal


@dataclass
class Facts:
    data: UnitYear
    income: RolledTable
    expenditure: RolledTable
    gpb: RolledTable
    gf: RolledTable
    soe: RolledTable
    t01: dict[int, Decimal]
    t04_left: dict[int, Decimal]
    t04_right: dict[int, tuple[Decimal, Decimal, Decimal, Decimal]]
    basic: BasicDetail
    three_public_budget: ThreePublicFigures
    three_public_actual: ThreePublicFigures
    procurement_total: Decimal
    office_running: Decimal | None
    discrepancies: list[Discrepancy] = field(default_factory=list)
    prior: Prior = field(default_factory=Prior)   # typed prior figures, completed from last year's input

    @property
    def unit(self):
        return self.data.unit

    @property
    def year(self) -> int:
        return self.data.unit.year

    @property
    def table_scope(self) -> str:
        return self.data.unit.table_scope or self.data.unit.scope


def _three_public(amounts: ThreePublicAmounts, label: str, path: str, found: list) -> ThreePublicFigures:
    vehicle_exact = amounts.vehicle_purchase + amounts.vehicle_running
    vehicle = settle(amounts.vehicle_total, [cents(amounts.vehicle_purchase), cents(amounts.vehicle_running)],
                     vehicle_exact, f"“三公”经费{label} 公务用车购置及运行维护费", f"{path}.vehicle_total", found)
    parts = [cents(amounts.abroad), vehicle, cents(amounts.reception)]
    total = settle(amounts.total, parts, amounts.abroad + vehicle_exact + amounts.reception,
                   f"“三公”经费{label} 合计", f"{path}.total", found)
    return ThreePublicFigures(cents(amounts.abroad), cents(amounts.vehicle_purchase),
                              cents(amounts.vehicle_running), vehicle, cents(amounts.reception), total)


def _basic_detail(data: UnitYear, found: list) -> BasicDetail:
    detail = data.tables.basic_detail
    items = {c: v for c, v in detail.items.items() if len(c) == 5}
    amounts: dict[str, Decimal] = {c: cents(v) for c, v in items.items()}
    groups = sorted({c[:3] for c in items} | {c for c in detail.items if len(c) == 3})
    for group in groups:
        parts = [amounts[c] for c in sorted(amounts) if len(c) == 5 and c.startswith(group)]
        exact = sum((v for c, v in items.items() if c.startswith(group)), ZERO)
        amounts[group] = settle(detail.items.get(group), parts, exact, f"公开06表 {group}",
                                f"tables.basic_detail.items.{group}", found)
    personnel_parts = [amounts.get(g, ZERO) for g in PERSONNEL_GROUPS]
    public_groups = [g for g in groups if g not in PERSONNEL_GROUPS]
    personnel = settle(detail.personnel_total, personnel_parts, sum(personnel_parts, ZERO),
                       "公开06表 人员经费合计", "tables.basic_detail.personnel_total", found)
    public_parts = [amounts[g] for g in public_groups]
    public = settle(detail.public_total, public_parts, sum(public_parts, ZERO),
                    "公开06表 公用经费合计", "tables.basic_detail.public_total", found)
    return BasicDetail(amounts, personnel, public)


def prior_from(last: "Facts") -> Prior:
    """Last year's figures as the year-over-year sentences need them, from last year's computed facts."""
    tp = last.three_public_actual
    return Prior(
        total=last.t01[31], income_total=last.t01[27] + last.t01[28] + last.t01[29],
        expenditure_total=last.t01[62],
        income=IncomeByKind(**{k: last.income.total.get(k) for k in INCOME_COLUMNS[1:]}),
        expenditure=ExpenditureByKind(**{k: last.expenditure.total.get(k) for k in EXPENDITURE_COLUMNS[1:]}),
        fiscal_total=last.t04_left[32], fiscal_income_total=last.t04_left[32], fiscal_expenditure_total=last.t04_right[64][0],
        gpb_expenditure=last.gpb.total.get("total"),
        gpb_classes={line.code: line.get("total") for line in last.gpb.at_level(1)},
        three_public=ThreePublicAmounts(total=tp.total, abroad=tp.abroad, vehicle_total=tp.vehicle_total,
                                        vehicle_purchase=tp.vehicle_purchase, vehicle_running=tp.vehicle_running,
                                        reception=tp.reception),
        office_running=last.office_running)


def compute(data: UnitYear, last_year: UnitYear | None = None) -> Facts:
    t = data.tables
    found: list[Discrepancy] = []
    _names = catalogue.activate(data).functional_name    # the publication year's edition, current from here on
    income = rollup(t.income.rows, t.income.total, INCOME_COLUMNS, "公开02表", "tables.income", _names,
                    {"total": (INCOME_COLUMNS[1:], 1)}, {**HEADERS, "total": "本年收入合计"})
    expenditure = rollup(t.expenditure.rows, t.expenditure.total, EXPENDITURE_COLUMNS, "公开03表",
                         "tables.expenditure", _names, {"total": (EXPENDITURE_COLUMNS[1:], 1)}, {**HEADERS, "total": "本年支出合计"})
    gpb = rollup(t.gpb.rows, t.gpb.total, SPEND_COLUMNS, "公开05表", "tables.gpb", _names,
                 {"total": (("basic", "project"), 1)}, {**HEADERS, "total": "小计"})
    soe = rollup(t.soe.rows, t.soe.total, SPEND_COLUMNS, "国有资本经营表", "tables.soe", _names,
                 {"total": (("basic", "project"), 1)}, {**HEADERS, "total": "小计"})
    gf = rollup(_with_closing(t.gf.rows), _with_closing([t.gf.total])[0] if t.gf.total else None,
                FUND_COLUMNS, "政府性基金表", "tables.gf", _names, {"total": (("basic", "project"), 1)}, {**HEADERS, "total": "本年支出小计"})
    for table in (income, expenditure, gpb, soe, gf):
        found.extend(table.discrepancies)

    s = t.summary
    fiscal_in = [cents(s.fiscal_income.gpb), cents(s.fiscal_income.gf), cents(s.fiscal_income.soe)]
    t01: dict[int, Decimal] = {1: fiscal_in[0], 2: fiscal_in[1], 3: fiscal_in[2]}
    for row, column in zip(range(4, 9), INCOME_COLUMNS[2:]):
        t01[row] = income.total.get(column)
    t01[27] = s.income_total if s.income_total is not None else income.total.get("total")
    t01[28], t01[29] = cents(s.non_fiscal_balance_used), cents(s.opening_balance)
    t01[31] = settle(s.grand_total, [t01[27], t01[28], t01[29]], t01[27] + t01[28] + t01[29],
                     "公开01表 收入总计（行31）", "tables.summary.grand_total", found)
    for offset, code in enumerate(CLASS_CODES):
        line = expenditure.line(code)
        t01[32 + offset] = line.get("total") if line else ZERO
    t01[58] = s.expenditure_total if s.expenditure_total is not None else expenditure.total.get("total")
    t01[59], t01[60] = cents(s.surplus_distribution), cents(s.closing_balance)
    t01[62] = settle(s.grand_total, [t01[58], t01[59], t01[60]], t01[58] + t01[59] + t01[60],
                     "公开01表 支出总计（行62）", "tables.summary.grand_total", found)

    left = {1: fiscal_in[0], 2: fiscal_in[1], 3: fiscal_in[2], 27: sum(fiscal_in, ZERO)}
    opening = [cents(s.fiscal_opening.gpb), cents(s.fiscal_opening.gf), cents(s.fiscal_opening.soe)]
    left.update({29: opening[0], 30: opening[1], 31: opening[2], 28: sum(opening, ZERO)})
    left[32] = settle(s.fiscal_grand_total, [left[27], left[28]], left[27] + left[28],
                      "公开04表 收入总计（行32）", "tables.summary.fiscal_grand_total", found)
    right: dict[int, tuple[Decimal, Decimal, Decimal, Decimal]] = {}
    for offset, code in enumerate(CLASS_CODES):
        cells = [(tbl.line(code).get("total") if tbl.line(code) else ZERO) for tbl in (gpb, gf, soe)]
        right[33 + offset] = (sum(cells, ZERO), *cells)
    spent = [gpb.total.get("total"), gf.total.get("total"), soe.total.get("total")]
    right[59] = (sum(spent, ZERO), *spent)
    closing = [cents(s.fiscal_closing.gpb), cents(s.fiscal_closing.gf), cents(s.fiscal_closing.soe)]
    right[60] = (sum(closing, ZERO), *closing)
    right[64] = tuple(a + b for a, b in zip(right[59], right[60]))  # type: ignore[assignment]

    basic = _basic_detail(data, found)
    tp = t.three_public
    budget = _three_public(tp.budget, "预算数", "tables.three_public.budget", found)
    actual = _three_public(tp.actual, "决算数", "tables.three_public.actual", found)

    p = data.procurement
    procurement_parts = [cents(p.goods), cents(p.works), cents(p.services)]
    procurement_total = settle(p.total, procurement_parts, p.goods + p.works + p.services,
                               "政府采购支出总额", "procurement.total", found)
    office = data.office_running
    if office.amount is not None:
        office_running = cents(office.amount)
    elif office.administrative is not None or office.civil_service_managed is not None:
        office_running = cents((office.administrative or ZERO) + (office.civil_service_managed or ZERO))
    elif data.unit.kind in ("行政单位", "参公事业单位"):
        office_running = basic.public_total   # tables.md S3: 机关运行经费 = 公用经费 for these units
    else:
        office_running = None

    prior = data.prior
    if last_year is not None:
        with catalogue.kept():                           # last year's edition only while computing last year
            derived = prior_from(compute(last_year))
        prior = derived.model_copy(update={k: getattr(data.prior, k) for k in data.prior.model_fields_set})
    return Facts(data, income, expenditure, gpb, gf, soe, t01, left, right, basic, budget, actual,
                 procurement_total, office_running, found, prior)


def _with_closing(rows):
    """政府性基金: 年末结转和结余 = 年初 + 收入 − 支出 unless typed; keep typed flags for rollup."""
    out = []
    for row in rows:
        if row is None:
            out.append(None)
            continue
        if row.closing is None:
            spent = row.total if row.total is not None else row.basic + row.project
            row = row.model_copy(update={"closing": max(ZERO, row.opening + row.income - spent)})
        out.append(row)
    return out

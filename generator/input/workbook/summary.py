"""公开01表 and 公开04表: the lines no functional table holds go to `tables.summary`; the lines other tables
determine (class rows, 上级补助收入 …, 本年支出合计) are compared with those tables and differences reported."""
from __future__ import annotations

from decimal import Decimal

from ... import catalogue
from .assemble import ZERO, Val, printed
from .tables import Fig, Line

FUNDS = ("gpb", "gf", "soe")
T01_INCOME = {"一般公共预算财政拨款收入": ("fiscal_income", "gpb"), "政府性基金预算财政拨款收入": ("fiscal_income", "gf"),
              "国有资本经营预算财政拨款收入": ("fiscal_income", "soe"), "年初结转和结余": ("opening_balance", None)}
T01_DERIVED = {"上级补助收入": "superior", "事业收入": "business", "经营收入": "operating",
               "附属单位上缴收入": "affiliated", "其他收入": "other"}
T04_FUNDS = {"一般公共预算财政拨款": "gpb", "政府性基金预算财政拨款": "gf", "国有资本经营预算财政拨款": "soe"}


def _class_codes() -> dict[str, str]:
    return {catalogue.functional_name(code): code for code in
            (f"2{n:02d}" for n in range(1, 100)) if catalogue.functional(code)}


class SummaryBuilder:
    def __init__(self, notes: list[str], book: str):
        self.notes = notes
        self.book = book
        self.out: dict = {}
        self.t01: dict[str, Fig] = {}

    def _note(self, fig: Fig, message: str) -> None:
        self.notes.append(f"{self.book} {fig.cell}：{message}")

    def _compare(self, fig: Fig | None, expected: Decimal, what: str, source: str) -> None:
        if fig is not None and printed(fig) != expected:
            self._note(fig, f"{what} {printed(fig)} 与{source} {expected} 不一致（以{source}为准）")

    def _set(self, key: str, sub: str | None, fig: Fig) -> None:
        if fig.value == 0:
            return
        if sub:
            self.out.setdefault(key, {})[sub] = Val.of(fig)
        else:
            self.out[key] = Val.of(fig)

    def t01_lines(self, left: list[Line], right: list[Line], totals: dict[str, dict], classes: dict) -> None:
        """totals: the printed 合计 of income/expenditure by column; classes: printed 类 totals of 公开03表."""
        names = _class_codes()
        for line in left:
            fig = line.figs.get("total")
            if fig is None:
                continue
            label = line.label
            if label in T01_INCOME:
                self._set(*T01_INCOME[label], fig)
            elif label.startswith("使用非财政拨款结余"):
                self._set("non_fiscal_balance_used", None, fig)
            elif label in T01_DERIVED:
                self._compare(fig, totals["income"].get(T01_DERIVED[label], ZERO), f"公开01表“{label}”", "公开02表合计")
            elif label == "本年收入合计":
                self.t01["income_total"] = fig
                if printed(fig) != totals["income"].get("total", ZERO):
                    self.out["income_total"] = Val.typed(fig)
            elif label == "总计":
                self.t01["grand_left"] = fig
            elif fig.value != 0:
                self._note(fig, f"公开01表收入项目“{label}”不是已知的行，未导入")
        for line in right:
            fig = line.figs.get("total")
            if fig is None:
                continue
            label = line.label
            if label == "本年支出合计":
                self.t01["expenditure_total"] = fig
                if printed(fig) != totals["expenditure"].get("total", ZERO):
                    self.out["expenditure_total"] = Val.typed(fig)
            elif label == "结余分配":
                self._set("surplus_distribution", None, fig)
            elif label == "年末结转和结余":
                self._set("closing_balance", None, fig)
            elif label == "总计":
                self.t01["grand_right"] = fig
            elif label in names:
                self._compare(fig, classes["expenditure"].get(names[label], ZERO), f"公开01表“{label}”",
                              "公开03表的类合计")
            elif fig.value != 0:
                self._note(fig, f"公开01表支出项目“{label}”不是已知的行，未导入")
        self._grand_total(totals)

    def _grand_total(self, totals: dict[str, dict]) -> None:
        def amount(key: str, fallback: Decimal) -> Decimal:
            return printed(self.t01[key]) if key in self.t01 else fallback

        def field(key: str) -> Decimal:
            val = self.out.get(key)
            return printed(Fig(val.value, val.unit, "")) if val else ZERO

        income = amount("income_total", totals["income"].get("total", ZERO)) + \
            field("non_fiscal_balance_used") + field("opening_balance")
        spent = amount("expenditure_total", totals["expenditure"].get("total", ZERO)) + \
            field("surplus_distribution") + field("closing_balance")
        left, right = self.t01.get("grand_left"), self.t01.get("grand_right")
        if left and right and printed(left) != printed(right):
            self._note(right, f"公开01表支出总计 {printed(right)} 与收入总计 {printed(left)} 不一致")
        chosen = left or right
        if chosen and (printed(chosen) != income or printed(chosen) != spent):
            self.out["grand_total"] = Val.typed(chosen)

    def t04_lines(self, left: list[Line], right: list[Line], totals: dict[str, dict], classes: dict) -> None:
        names = _class_codes()
        opening_part = False
        for line in left:
            fig = line.figs.get("total")
            label = line.label
            if label == "年初财政拨款结转和结余":
                opening_part = True
                continue
            if fig is None:
                continue
            if label in T04_FUNDS:
                fund = T04_FUNDS[label]
                if opening_part:
                    self._set("fiscal_opening", fund, fig)
                elif ("fiscal_income", fund) in {(k, s) for k, v in self.out.items() if isinstance(v, dict) for s in v}:
                    self._compare(fig, printed(Fig(self.out["fiscal_income"][fund].value,
                                                   self.out["fiscal_income"][fund].unit, "")),
                                  f"公开04表“{label}”", "公开01表")
                else:
                    self._set("fiscal_income", fund, fig)
            elif label == "总计":
                self._fiscal_total(fig)
        for line in right:
            label = line.label
            if label == "年末财政拨款结转和结余":
                for fund in FUNDS:
                    if fund in line.figs:
                        self._set("fiscal_closing", fund, line.figs[fund])
            elif label in names:
                code = names[label]
                for fund in FUNDS:
                    if fund in line.figs:
                        self._compare(line.figs[fund], classes[fund].get(code, ZERO), f"公开04表“{label}”",
                                      {"gpb": "公开05表", "gf": "公开07表", "soe": "公开08表"}[fund] + "的类合计")

    def _fiscal_total(self, fig: Fig) -> None:
        def part(key: str) -> Decimal:
            return sum((printed(Fig(v.value, v.unit, "")) for v in self.out.get(key, {}).values()), ZERO)

        if printed(fig) != part("fiscal_income") + part("fiscal_opening"):
            self.out["fiscal_grand_total"] = Val.typed(fig)

    def result(self) -> dict:
        order = ("fiscal_income", "non_fiscal_balance_used", "opening_balance", "surplus_distribution",
                 "closing_balance", "fiscal_opening", "fiscal_closing", "income_total", "expenditure_total",
                 "grand_total", "fiscal_grand_total")
        return {k: self.out[k] for k in order if k in self.out}

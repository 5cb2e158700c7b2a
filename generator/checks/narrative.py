"""Inputs of the 情况说明 (narrative.md §3.2, §7): budgets, prior figures, the scope word, 机关运行经费,
and free texts that contradict the tables."""
from __future__ import annotations

import re

from .. import catalogue
from ..input.money import ZERO, cents
from .base import ERROR, WARNING, Report, addends, money


def budgets(r: Report) -> None:
    """Σ 项 年初预算 (and Σ 类 年初预算) = budget.gpb_total (narrative.md §7 000#1, 004#1); codes at the right level."""
    b = r.data.budget
    for field, level, label in (("gpb_items", 7, "项"), ("gf_items", 7, "项"), ("soe_items", 7, "项"),
                                ("gpb_classes", 3, "类")):
        for code in getattr(b, field):
            if len(code) != level:
                r.add(ERROR, "code_level", f"budget.{field} 应按{label}（{level}位编码）填写，{code} 是{len(code)}位编码",
                      f"budget.{field}.{code}")
    items = [cents(v) for c, v in b.gpb_items.items() if len(c) == 7]
    classes = [cents(v) for c, v in b.gpb_classes.items() if len(c) == 3]
    if b.gpb_total is not None:
        total = cents(b.gpb_total)
        for parts, label in ((items, "各项"), (classes, "各类")):
            if parts:
                # A warning, not an error: a budget moved out of the unit (seed 000's 网格化管理费用(镇街)) leaves
                # an unitemised gap the narrative explains in words; the officer must confirm it.
                r.identity("budget_items", f"一般公共预算财政拨款支出年初预算总额与{label}年初预算之和不符"
                           f"（{len(parts)}个{label[1]}合计 {money(sum(parts, ZERO))}），差额未在各{label[1]}中列示，"
                           "请核对或在 reasons 的“gpb.budget”中说明", sum(parts, ZERO), total,
                           "budget.gpb_total", addends(*parts), beyond=WARNING)
    for lei, value in b.gpb_classes.items():
        under = [cents(v) for c, v in b.gpb_items.items() if len(c) == 7 and c.startswith(lei)]
        if under:
            r.identity("budget_items", f"类 {lei} 的年初预算应等于其下各项年初预算之和", sum(under, ZERO), cents(value),
                       f"budget.gpb_classes.{lei}", addends(*under))


def prior_figures(r: Report) -> None:
    """Typed prior figures must add up like this year's (narrative.md §3.2) — warnings, since a prior-year
    balance the input does not state can explain a difference."""
    p, f = r.data.prior, r.facts
    if p.total is not None and p.income is not None:
        parts = [cents(getattr(p.income, k)) for k in type(p.income).model_fields]
        r.identity("prior_sum", "上年各项收入之和应等于上年收支总计（如上年有年初结转和结余或使用非财政拨款结余，差额可以成立）",
                   cents(p.total), sum(parts, ZERO), "prior.income", addends(*parts), beyond=WARNING)
    if p.total is not None and p.expenditure is not None and f.t01[29] == 0:
        parts = [cents(getattr(p.expenditure, k)) for k in type(p.expenditure).model_fields]
        r.identity("prior_sum", "本年年初结转和结余为 0（即上年年末无结转），上年各项支出之和应等于上年收支总计",
                   cents(p.total), sum(parts, ZERO), "prior.expenditure", addends(*parts), beyond=WARNING)
    for left, right, label in (("income_total", "expenditure_total", "上年收入总计与支出总计应相等"),
                               ("fiscal_income_total", "fiscal_expenditure_total", "上年财政拨款收入总计与支出总计应相等")):
        a, b = getattr(p, left), getattr(p, right)
        if a is not None and b is not None:
            r.identity("prior_sum", label, cents(a), cents(b), f"prior.{right}", 1, beyond=WARNING)
    if p.gpb_classes and p.gpb_expenditure is not None:
        parts = [cents(v) for v in p.gpb_classes.values()]
        r.identity("prior_sum", "上年一般公共预算财政拨款支出按类之和应等于上年一般公共预算财政拨款支出",
                   cents(p.gpb_expenditure), sum(parts, ZERO), "prior.gpb_classes", addends(*parts), beyond=WARNING)
    tp = p.three_public
    if tp is not None and tp.total is not None:
        parts = [cents(tp.abroad), cents(tp.vehicle_total if tp.vehicle_total is not None else
                                         tp.vehicle_purchase + tp.vehicle_running), cents(tp.reception)]
        r.identity("prior_sum", "上年“三公”经费合计应等于因公出国（境）费、公务用车购置及运行维护费、公务接待费之和",
                   sum(parts, ZERO), cents(tp.total), "prior.three_public.total", addends(*parts), beyond=WARNING)


SCOPE_WORDS = {"部门": ("本部门", "我部门"), "单位": ("本单位", "我单位")}
SCOPE_CONSTANTS = re.compile(r"本部门[（(]单位[）)]")   # Shanxi's profile constant (narrative.md §1.2)


def _scope_texts(r: Report):
    d = r.data
    for key, text in d.reasons.items():
        yield f"reasons.{key}", text
    for key, text in d.texts.items():
        yield f"texts.{key}", text
    for key, text in d.wording.items():
        yield f"wording.{key}", text
    yield "overview.duties", d.overview.duties
    yield "overview.organization", d.overview.organization
    yield "performance.overview", d.performance.overview
    for i, project in enumerate(d.performance.projects):
        for field in ("completion", "problems", "measures"):
            yield f"performance.projects.{i}.{field}", getattr(project, field)


def scope_words(r: Report) -> None:
    """One scope word per document (narrative.md §1.2, §7 000#2/002#2)."""
    unit = r.data.unit
    other = "单位" if unit.scope == "部门" else "部门"
    if unit.table_scope and unit.table_scope != unit.scope:
        r.add(WARNING, "scope_words", f"unit.scope 为“{unit.scope}”而 unit.table_scope 为“{unit.table_scope}”："
              f"表注写“{unit.table_scope}”，正文写“{unit.scope}”，同一文件混用两个主体词", "unit.table_scope",
              unit.scope, unit.table_scope)
    for path, text in _scope_texts(r):
        found = sorted({w for w in SCOPE_WORDS[other] if w in SCOPE_CONSTANTS.sub("", text or "")})
        if found:
            r.add(WARNING, "scope_words", f"本文件为{unit.scope}决算（unit.scope: {unit.scope}），但这段文字写了"
                  f"“{'”“'.join(found)}”；全文应统一用“{SCOPE_WORDS[unit.scope][0]}”", path,
                  SCOPE_WORDS[unit.scope][0], found[0])


def office_running(r: Report) -> None:
    """机关运行经费: none for 事业单位 (tables.md §3.3 S3); for 行政/参公 units it is the 公用经费合计."""
    o, kind = r.data.office_running, r.data.unit.kind
    given = o.amount if o.amount is not None else (
        (o.administrative or ZERO) + (o.civil_service_managed or ZERO)
        if o.administrative is not None or o.civil_service_managed is not None else None)
    if given is None:
        return
    if kind == "事业单位" and given > 0:
        r.add(WARNING, "office_running", f"事业单位（unit.kind: {kind}）通常没有机关运行经费（仅行政单位和参公事业单位有），"
              f"但填写了 {money(cents(given))}万元", "office_running.amount", "0", money(cents(given)))
    elif kind in ("行政单位", "参公事业单位"):
        public = r.facts.basic.public_total
        r.identity("office_running", "机关运行经费通常等于公开06表 公用经费合计（行政单位、参公事业单位）", public,
                   cents(given), "office_running.amount", 1, beyond=WARNING)


# A reason for 机关运行经费 (= 公用经费) naming an item that 公开06表 shows as 0 (narrative.md §7 004#5).
REASON_ITEMS = {"因公出国": ("30212",), "出国": ("30212",), "公务接待": ("30217",), "公务用车": ("30231",),
                "差旅": ("30211",), "会议": ("30215",), "培训": ("30216",)}


def reasons_supported(r: Report) -> None:
    text = r.data.reasons.get("office_running") or ""
    amounts = r.facts.basic.amounts
    seen: set[tuple] = set()
    for word, codes in REASON_ITEMS.items():
        if word in text and codes not in seen and not any(amounts.get(c, ZERO) for c in codes):
            seen.add(codes)
            names = "、".join(f"{c} {catalogue.economic_name(c)}" for c in codes)
            r.add(WARNING, "reason_unsupported", f"机关运行经费变动的原因提到“{word}”，但公开06表中 {names} 为 0，"
                  "这一原因无法解释公用经费的变动", "reasons.office_running", "> 0", "0")


def public_list(r: Report) -> None:
    """texts.basic.public_list should name the 公开06表 公用经费 items that have amounts (narrative.md §7 002#3)."""
    text = r.data.texts.get("basic.public_list")
    if not text:
        return
    amounts = r.facts.basic.amounts
    missing = [f"{catalogue.economic_name(c)}（{money(v)}）" for c, v in sorted(amounts.items())
               if len(c) == 5 and c[:3] not in ("301", "303") and v != 0 and catalogue.economic_name(c) not in text]
    if missing:
        r.add(WARNING, "public_list", f"公用经费的开支内容（texts.basic.public_list）没有提到公开06表中有金额的："
              f"{'、'.join(missing)}", "texts.basic.public_list")


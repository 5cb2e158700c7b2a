"""预算绩效 (narrative.md §5.3–5.4, §7): self-evaluation scores and grades, indicator weights, cost targets,
the projects' money against the tables, key evaluations."""
from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation

from ..input.money import ZERO, cents, rounding_tolerance
from ..facts.narrative import grade, grade_bands, project_result
from .base import ERROR, WARNING, Report, addends, money

_COST_TARGET = re.compile(r"^\s*(?:≤|<=|＜|<|不超过|不高于|控制在)?\s*([\d,]+(?:\.\d+)?)\s*(万元|元)\s*(?:以内|以下)?\s*$")


def _score(value: Decimal) -> str:
    return format(value.normalize(), "f") if abs(value) < 10**6 else str(value)


class _Rules:
    """The profile's grade bands and execution-score rule (narrate uses the same settings)."""

    def __init__(self, r: Report):
        settings = r.profile.settings if r.profile is not None else None
        self.bands = grade_bands(settings)
        self.capped = ((settings or {}).get("performance") or {}).get("execution_score", "capped") == "capped"
        self.text = "，".join(f"{name} ≥ {_score(floor)}" for floor, name in self.bands if floor > 0)

    def grade(self, score: Decimal) -> str | None:
        try:
            return grade(score, self.bands)
        except StopIteration:     # below every band
            return None


def projects(r: Report) -> None:
    rules = _Rules(r)
    for index, project in enumerate(r.data.performance.projects):
        _project(r, rules, index, project)


def _project(r: Report, rules: _Rules, index: int, p) -> None:
    base = f"performance.projects.{index}"
    name = p.name
    try:
        result = project_result(p, rules.bands, rules.capped)
    except StopIteration:    # a score below every grade band
        r.add(ERROR, "project_grade", f"项目“{name}”的总分低于所有等级的下限（{rules.text}）", f"{base}.total_score")
        return
    cap = "min(全年执行数 {b} ÷ 全年预算数 {a}, 1)" if rules.capped else "全年执行数 {b} ÷ 全年预算数 {a}"
    line = p.funds.total
    if p.execution_score is not None and p.execution_score != result.execution_score:
        r.add(ERROR, "project_execution_score", f"项目“{name}”预算执行率得分应为 分值 {_score(p.execution_weight)} × "
              + cap.format(b=money(cents(line.executed)), a=money(cents(line.full_year)))
              + "，按未舍入的比值计算后保留两位小数", f"{base}.execution_score", _score(result.execution_score),
              _score(p.execution_score), _score(p.execution_score - result.execution_score))
    indicator_sum = sum((i.score for i in p.indicators), ZERO)
    execution = p.execution_score if p.execution_score is not None else result.execution_score
    if p.indicators and p.total_score is not None and p.total_score != execution + indicator_sum:
        expected = execution + indicator_sum
        r.add(ERROR, "project_total_score", f"项目“{name}”总分应为预算执行率得分 {_score(execution)} + 各指标得分之和 "
              f"{_score(indicator_sum)}", f"{base}.total_score", _score(expected), _score(p.total_score),
              _score(p.total_score - expected))
    score = p.total_score if p.total_score is not None else result.score
    expected = rules.grade(score)
    if p.grade is not None and expected != p.grade:
        r.add(ERROR, "project_grade", f"项目“{name}”总分 {_score(score)} 分对应的等级为“{expected}”（{rules.text}）",
              f"{base}.grade", expected, p.grade)
    for k, indicator in enumerate(p.indicators):
        if indicator.score > indicator.weight:
            r.add(ERROR, "indicator_score", f"项目“{name}”指标“{indicator.level3 or indicator.level2}”的得分大于分值",
                  f"{base}.indicators.{k}.score", f"≤ {_score(indicator.weight)}", _score(indicator.score),
                  _score(indicator.score - indicator.weight))
    if p.indicators:
        weights = p.execution_weight + sum((i.weight for i in p.indicators), ZERO)
        if weights != 100:
            r.add(WARNING, "indicator_weights", f"项目“{name}”预算执行率分值 {_score(p.execution_weight)} 与各指标分值之和"
                  "应为 100", f"{base}.indicators", "100", _score(weights), _score(weights - 100))
    _cost_targets(r, base, p)
    _funds(r, base, p)


def _cost_targets(r: Report, base: str, p) -> None:
    """A cost indicator's target above the project's 全年预算数 (narrative.md §7 000#6), and one that names
    a different project (000#6: “…（14名网格员）项目总成本” in the table of “…（13名网格员）”)."""
    budget = cents(p.funds.total.full_year)
    for k, indicator in enumerate(p.indicators):
        if "成本" not in indicator.level1 + indicator.level2:
            continue
        path = f"{base}.indicators.{k}.target"
        match = _COST_TARGET.match(indicator.target or "")
        if match and budget > 0:
            try:
                value = Decimal(match.group(1).replace(",", ""))
            except InvalidOperation:
                continue
            value = value / 10000 if match.group(2) == "元" else value
            if value > budget:
                r.add(WARNING, "cost_target", f"项目“{p.name}”成本指标“{indicator.level3}”的指标值 {indicator.target} "
                      f"大于项目全年预算数 {money(budget)}万元", path, f"≤ {money(budget)}", indicator.target)
        stem = re.sub(r"(项目)?总成本$", "", indicator.level3 or "")
        if stem != indicator.level3 and stem != p.name and re.sub(r"\d+", "#", stem) == re.sub(r"\d+", "#", p.name):
            r.add(WARNING, "indicator_name", f"项目“{p.name}”的成本指标名称“{indicator.level3}”写的是另一个项目名称"
                  "（数字不同），疑为复制时未改", f"{base}.indicators.{k}.level3", p.name, stem)


def _funds(r: Report, base: str, p) -> None:
    """年度资金总额 = 当年财政拨款 + 上年结转资金 + 其他资金, for each of 年初预算数/全年预算数/全年执行数."""
    f = p.funds
    for column, label in (("initial", "年初预算数"), ("full_year", "全年预算数"), ("executed", "全年执行数")):
        parts = [cents(getattr(getattr(f, k), column)) for k in ("fiscal", "carryover", "other")]
        if any(parts):
            r.identity("project_funds", f"项目“{p.name}”年度资金总额的{label}应等于当年财政拨款、上年结转资金、其他资金之和",
                       sum(parts, ZERO), cents(getattr(f.total, column)), f"{base}.funds.total.{column}",
                       addends(*parts))


def _has_funds(project) -> bool:
    return bool(project.funds.total.full_year or project.funds.total.executed)


def _with_funds(projects) -> bool:
    return bool(projects) and all(_has_funds(p) for p in projects)


def execution(r: Report) -> None:
    """全年执行数 above 全年预算数 prints an execution rate above 100 %: an 错误 for the project's 年度资金总额
    (the rate the table and the narrative print), a 警告 for one source (money can move between sources)."""
    for index, p in enumerate(r.data.performance.projects):
        for key, label, severity in (("total", "年度资金总额", ERROR), ("fiscal", "当年财政拨款", WARNING),
                                     ("carryover", "上年结转资金", WARNING), ("other", "其他资金", WARNING)):
            line = getattr(p.funds, key)
            budget, done = cents(line.full_year), cents(line.executed)
            if done <= budget:
                continue
            rate = f"执行率 {money(done / budget * 100)}%" if budget else "没有全年预算数"
            r.add(severity, "project_execution", f"项目“{p.name}”{label}的全年执行数 {money(done)}万元大于全年预算数 "
                  f"{money(budget)}万元（{rate}）；执行数不能超过全年预算数，请核对",
                  f"performance.projects.{index}.funds.{key}.executed", f"≤ {money(budget)}", money(done),
                  money(done - budget))


def project_money(r: Report) -> None:
    """Σ 执行数 of the self-evaluated projects vs 项目支出 (narrative.md §7 000#5); 涉及预算资金 vs Σ 全年预算数
    (004#3). Only when every project states its funds."""
    perf, f = r.data.performance, r.facts
    spent = {"公开05表": f.gpb.total.get("project"), "公开03表": f.expenditure.total.get("project")}
    executed = [cents(p.funds.total.executed) for p in perf.projects]
    budgets = [cents(p.funds.total.full_year) for p in perf.projects]
    summary_only = [p.name for p in perf.projects if not _has_funds(p)]
    if summary_only and len(summary_only) < len(perf.projects):
        # compare what can be compared: the projects with a funds table cannot exceed all project spending
        total = sum(executed, ZERO)
        widest = max(spent.values())
        label = next(k for k, v in spent.items() if v == widest)
        names = "、".join(f"“{n}”" for n in summary_only)
        r.at_most("project_executed_total", f"有资金表的 {len(perf.projects) - len(summary_only)} 个自评项目全年执行数之和"
                  f"不能大于{label}合计行 项目支出（{names}没有资金表，未能比较）", widest, total,
                  "performance.projects", addends(*executed))
        r.add(WARNING, "project_executed_total", f"项目{names}只有综述、没有资金表（funds），其执行数未能与{label}项目支出"
              f"比较；已比较其余 {len(perf.projects) - len(summary_only)} 个项目之和 {money(total)}万元 ≤ "
              f"{money(widest)}万元", "performance.projects")
    if _with_funds(perf.projects) and any(executed):
        total = sum(executed, ZERO)
        label, target = min(spent.items(), key=lambda kv: abs(kv[1] - total))
        widest = max(spent.values())
        if total - widest > rounding_tolerance(addends(*executed)):   # more than all project spending: wrong
            r.at_most("project_executed_total", "自评项目全年执行数之和不能大于公开03表合计行 项目支出", widest, total,
                      "performance.projects", addends(*executed))
        else:
            r.identity("project_executed_total", f"自评项目全年执行数之和应等于{label}合计行 项目支出（如有未纳入自评的"
                       "项目，差额可以成立）", target, total, "performance.projects", addends(*executed), beyond=WARNING)
    if perf.coverage_amount is None:
        return
    coverage = cents(perf.coverage_amount)
    if _with_funds(perf.projects):
        r.identity("coverage_amount", "绩效自评涉及预算资金应等于各自评项目全年预算数之和", sum(budgets, ZERO), coverage,
                   "performance.coverage_amount", addends(*budgets), beyond=WARNING)
    elif coverage in spent.values() and coverage != sum(budgets, ZERO):
        label = next(k for k, v in spent.items() if v == coverage)
        r.add(WARNING, "coverage_amount", f"绩效自评涉及预算资金 {money(coverage)}万元 等于{label}项目支出决算数，"
              "而不是自评项目的预算数；请核对口径并在正文中说明", "performance.coverage_amount")


def key_evaluations(r: Report) -> None:
    rules = _Rules(r)
    by_name = {p.name: p for p in r.data.performance.projects}
    for index, k in enumerate(r.data.performance.key_evaluations):
        base = f"performance.key_evaluations.{index}"
        expected = rules.grade(k.score)
        if k.grade is not None and expected != k.grade:
            r.add(ERROR, "key_evaluation_grade", f"重点评价“{k.project}”得分 {_score(k.score)} 分对应的等级为"
                  f"“{expected}”（{rules.text}）", f"{base}.grade", expected, k.grade)
        project = by_name.get(k.project)
        if project is None or k.amount is None or not project.funds.total.full_year:
            continue
        budget, done, amount = (cents(project.funds.total.full_year), cents(project.funds.total.executed),
                                cents(k.amount))
        if amount != budget:
            note = "，填写的是执行数" if amount == done else ""
            r.amounts(WARNING, "key_evaluation_amount", f"重点评价“{k.project}”涉及预算资金应为该项目全年预算数{note}",
                      f"{base}.amount", budget, amount)

"""Every validator rule on the clean fixture: one change, the named rule fires with its severity and location."""
from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from conftest import edited_clean
from generator.checks import check
from generator.checks.rules import RULES
from generator.facts.compute import compute
from generator.input.load import load

CLEAN = Path(__file__).parent / "fixtures" / "clean-2024.yaml"


def findings_for(tmp_path: Path, edit=None):
    loaded = load(edited_clean(tmp_path, edit))
    return check(loaded, compute(loaded.unit))


def test_clean_fixture_has_no_findings(tmp_path):
    assert findings_for(tmp_path) == []


T = lambda d: d["tables"]                                            # noqa: E731
ROW = lambda d, table, code: next(r for r in d["tables"][table]["rows"] if r["code"] == code)  # noqa: E731


def _set(path: str, value):
    def edit(data):
        *head, last = path.split(".")
        node = data
        for key in head:
            node = node.setdefault(key, {}) if isinstance(node, dict) else node[int(key)]
        node[last if isinstance(node, dict) else int(last)] = value
    return edit


def _row(table: str, code: str, **values):
    return lambda d: ROW(d, table, code).update(values)


def _add_row(table: str, **row):
    return lambda d: d["tables"].setdefault(table, {"rows": []})["rows"].append(row)


def _both(*edits):
    def edit(data):
        for e in edits:
            e(data)
    return edit


PERF = "performance.projects.0"
CASES = [
    # (id, edit, rule, severity, path fragment)
    # three rounded classes (80 + 12 + 8) may leave a one-cent tail; one part (201 = 2010301 alone) may not
    ("tail", _set("tables.gpb.total", {"basic": 100.01}), "tail", "警告", "tables.gpb.total.basic"),
    ("one-part-no-tail", _add_row("gpb", code="201", basic=80.01), "rollup", "错误", "tables.gpb.rows.4.basic"),
    ("rollup", _add_row("gpb", code="201", basic=85), "rollup", "错误", "tables.gpb.rows.4.basic"),
    ("3public-total", _set("tables.three_public.budget.total", 11), "rollup", "错误", "three_public.budget.total"),
    ("3public-vehicle", _set("tables.three_public.actual.vehicle_total", 5), "rollup", "错误", "actual.vehicle_total"),
    ("3public-tail", _set("tables.three_public.actual.total", 9.01), "tail", "警告", "three_public.actual.total"),
    ("procurement-total", _set("procurement.total", 31), "rollup", "错误", "procurement.total"),
    ("t06-group", _set("tables.basic_detail.items.301", 81), "rollup", "错误", "basic_detail.items.301"),
    ("duplicate", _add_row("gpb", code="2010301", basic=1), "code_duplicate", "错误", "tables.gpb.rows.4.code"),
    ("kuan-orphan", _add_row("gpb", code="20899", basic=0), "code_orphan", "错误", "tables.gpb.rows.4.code"),
    ("lei-orphan", _add_row("gpb", code="229", name="其他支出"), "code_orphan", "错误", "tables.gpb.rows.4.code"),
    ("not-a-class", _add_row("expenditure", code="2990101", basic=1), "code_parent", "错误", "expenditure.rows.5"),
    ("unknown-kuan", _add_row("expenditure", code="2019801", basic=1), "catalogue", "错误", "expenditure.rows.5"),
    ("unknown-xiang", _add_row("expenditure", code="2010398", basic=1), "catalogue", "错误", "expenditure.rows.5"),
    ("no-explanation", _add_row("expenditure", code="2010104", basic=1), "glossary", "警告", "expenditure.rows.5"),
    ("budget-level", _set("budget.gpb_items.201", 1), "code_level", "错误", "budget.gpb_items.201"),
    ("class-227", _add_row("expenditure", code="2270101", basic=1), "X5", "错误", "expenditure.rows.5"),
    ("economic-group", _set("tables.basic_detail.items.30501", 1), "economic_code", "错误", "items.30501"),
    ("t06-not-printed", _set("tables.basic_detail.items.30913", 1), "t06_profile", "错误", "items.30913"),
    ("t06-na", _both(_set("unit.profile", "shanxi-2024"), _set("tables.basic_detail.items.30901", 1)),
     "t06_profile", "错误", "items.30901"),
    ("X1", _set("tables.summary.income_total", 131), "X1", "错误", "summary.income_total"),
    ("X1-cent", _set("tables.summary.income_total", 130.01), "X1", "错误", "summary.income_total"),  # one figure: exact
    ("grand-total", _set("tables.summary.grand_total", 131), "rollup", "错误", "summary.grand_total"),
    ("fiscal-grand-total", _set("tables.summary.fiscal_grand_total", 131), "rollup", "错误", "fiscal_grand_total"),
    ("X4", _set("tables.summary.expenditure_total", 129), "X4", "错误", "summary.expenditure_total"),
    ("I01.5", _set("tables.summary.closing_balance", 5), "I01.5", "错误", "summary.closing_balance"),
    ("I04.8", _set("tables.summary.fiscal_closing.gpb", 3), "I04.8", "错误", "summary.fiscal_income.gpb"),
    ("I04.8-soe (X12)", _both(_set("tables.summary.fiscal_income.soe", 5),
                              _add_row("soe", code="2010301", basic=4)), "I04.8", "错误", "summary.fiscal_income.soe"),
    ("I04.7", _both(_set("tables.summary.fiscal_grand_total", 130), _set("tables.summary.fiscal_closing.gpb", 3)),
     "I04.7", "错误", "summary.fiscal_grand_total"),
    # 公开04表 总计 over 本年收入 130.00 alone (no 年初结转): one figure, no 尾数误差
    ("I04.7-one-part", _set("tables.summary.fiscal_grand_total", 130.01), "rollup", "错误", "summary.fiscal_grand_total"),
    ("X8", _both(_set("tables.summary.fiscal_opening.gpb", 2), _set("tables.summary.fiscal_closing.gpb", 2)),
     "X8", "错误", "summary.fiscal_opening"),
    ("I07.1", _row("gf", "2120899", closing=5), "I07.1", "错误", "tables.gf.rows.0.closing"),
    ("I07.1-overspent", _row("gf", "2120899", project=15), "I07.1", "错误", "tables.gf"),
    ("reception", _set("tables.three_public.counts.domestic_reception", 1.5), "three_public_reception", "错误",
     "counts.domestic_reception"),
    ("reception-one-part", _set("tables.three_public.counts.domestic_reception", 1.99), "three_public_reception", "错误",
     "counts.domestic_reception"),
    ("reception-tail", _both(_set("tables.three_public.counts.domestic_reception", 1.49),
                             _set("tables.three_public.counts.abroad_reception", 0.50),
                             _set("tables.three_public.counts.abroad_batches", 1)),
     "three_public_reception", "警告", "counts.domestic_reception"),
    ("foreign", _set("tables.three_public.counts.foreign_affairs_reception", 3), "three_public_foreign", "错误",
     "counts.foreign_affairs_reception"),
    ("foreign-batches", _set("tables.three_public.counts.foreign_affairs_batches", 6), "three_public_foreign", "错误",
     "counts.foreign_affairs_batches"),
    ("abroad-no-groups", _both(_set("tables.three_public.counts.abroad_groups", 0),
                               _set("tables.three_public.counts.abroad_people", 0)),
     "three_public_counts", "警告", "counts.abroad_groups"),
    ("running-no-vehicles", _set("tables.three_public.counts.vehicles_held", 0), "three_public_counts", "警告",
     "counts.vehicles_held"),
    ("count-no-amount", _set("tables.three_public.counts.vehicles_purchased", 1), "three_public_counts", "警告",
     "counts.vehicles_purchased"),
    ("vehicles", _set("assets.vehicles.law_enforcement", 3), "vehicles", "警告", "assets.vehicles"),
    ("sme>total", _set("procurement.sme_total", 35), "procurement_sme", "错误", "procurement.sme_total"),
    ("micro>sme", _set("procurement.small_micro", 30), "procurement_sme", "错误", "procurement.small_micro"),
    ("sme-kind>kind", _both(_set("procurement.sme_services", 21), _set("procurement.sme_goods", 4)),
     "procurement_sme", "错误", "procurement.sme_services"),
    ("sme-parts", _set("procurement.sme_services", 14), "procurement_sme", "错误", "procurement.sme_goods"),
    ("X2", _both(_set("tables.summary.fiscal_income.gpb", 121), _set("tables.summary.fiscal_opening.gpb", 0)),
     "X2", "错误", "summary.fiscal_income"),
    ("X10", _set("tables.basic_detail.items.30101", 51), "X10", "错误", "tables.basic_detail"),
    ("X11", _set("tables.summary.fiscal_income.gf", 11), "X11", "错误", "summary.fiscal_income.gf"),
    ("X13", _row("gpb", "2010301", basic=81), "X13", "错误", "expenditure.total.basic"),
    ("X14", _both(_row("expenditure", "2010301", basic=79), _row("expenditure", "2080505", basic=13)),
     "X14", "错误", "tables.expenditure.rows.0.basic"),
    ("t02-t03", _both(_row("income", "2010301", fiscal=79), _row("income", "2010302", fiscal=21)),
     "t02_t03_rows", "错误", "tables.income.rows.0.total"),
    ("X16", _both(_row("income", "2120899", fiscal=9), _row("income", "2010301", fiscal=81)),
     "X16", "错误", "tables.gf.rows.0.income"),
    ("S1", _both(_set("tables.basic_detail.items.30231", 5), _set("tables.basic_detail.items.30201", 9)),
     "S1", "警告", "three_public.actual"),
    ("budget", _set("budget.gpb_total", 120), "budget_items", "警告", "budget.gpb_total"),   # an unitemised gap
    ("budget-tail", _set("budget.gpb_total", 118.01), "budget_items", "警告", "budget.gpb_total"),
    ("budget-classes", _set("budget.gpb_classes", {"201": 97, "208": 12, "210": 8}), "budget_items", "错误",
     "budget.gpb_classes.201"),
    ("prior-income", _set("prior.income.fiscal", 139), "prior_sum", "警告", "prior.income"),
    ("prior-expenditure", _set("prior.expenditure.basic", 104), "prior_sum", "警告", "prior.expenditure"),
    ("prior-classes", _set("prior.gpb_classes", {"201": 100, "208": 20}), "prior_sum", "警告", "prior.gpb_classes"),
    ("prior-3public", _set("prior.three_public.total", 11), "prior_sum", "警告", "prior.three_public.total"),
    ("prior-totals", _both(_set("prior.income_total", 140), _set("prior.expenditure_total", 141)),
     "prior_sum", "警告", "prior.expenditure_total"),
    ("scope-text", _set("reasons.total", "本部门压减日常开支"), "scope_words", "警告", "reasons.total"),
    ("scope-table", _set("unit.table_scope", "部门"), "scope_words", "警告", "unit.table_scope"),
    ("office-kind", _set("unit.kind", "事业单位"), "office_running", "警告", "office_running.amount"),
    ("office-public", _set("office_running.amount", 19), "office_running", "警告", "office_running.amount"),
    ("reason", _set("reasons.office_running", "年中追加因公出国（境）费"), "reason_unsupported", "警告",
     "reasons.office_running"),
    ("public-list", _set("texts", {"basic.public_list": "办公费、差旅费"}), "public_list", "警告",
     "texts.basic.public_list"),
    ("execution-score", _set(f"{PERF}.execution_score", 9), "project_execution_score", "错误", "execution_score"),
    ("total-score", _set(f"{PERF}.total_score", 97), "project_total_score", "错误", f"{PERF}.total_score"),
    ("grade", _set(f"{PERF}.grade", "良"), "project_grade", "错误", f"{PERF}.grade"),
    ("indicator>weight", _both(_set(f"{PERF}.indicators.0.score", 21), _set(f"{PERF}.total_score", 99)),
     "indicator_score", "错误", f"{PERF}.indicators.0.score"),
    ("weights", _both(_set(f"{PERF}.indicators.1.weight", 39), _set(f"{PERF}.indicators.1.score", 39),
                      _set(f"{PERF}.total_score", 97), _set(f"{PERF}.grade", "优")),
     "indicator_weights", "警告", f"{PERF}.indicators"),
    ("cost-target", _set(f"{PERF}.indicators.0.target", "≤25万元"), "cost_target", "警告", "indicators.0.target"),
    ("cost-target-yuan", _set(f"{PERF}.indicators.0.target", "≤250000元"), "cost_target", "警告", "indicators.0.target"),
    ("indicator-name", _both(_set(f"{PERF}.name", "测试项目（1期）"), _set(f"{PERF}.indicators.0.level3",
                                                                     "测试项目（2期）项目总成本"),
                             _set("performance.key_evaluations.0.project", "测试项目（1期）")),
     "indicator_name", "警告", "indicators.0.level3"),
    ("funds", _set(f"{PERF}.funds.total.full_year", 21), "project_funds", "错误", "funds.total.full_year"),
    ("executed-sum", _both(_set(f"{PERF}.funds.total.executed", 21), _set(f"{PERF}.funds.fiscal.executed", 21)),
     "project_executed_total", "警告", "performance.projects"),
    ("coverage", _set("performance.coverage_amount", 25), "coverage_amount", "警告", "performance.coverage_amount"),
    ("key-grade", _set("performance.key_evaluations.0.score", 85), "key_evaluation_grade", "错误",
     "key_evaluations.0.grade"),
    ("key-amount", _set("performance.key_evaluations.0.amount", 19), "key_evaluation_amount", "警告",
     "key_evaluations.0.amount"),
    ("text-figures", _set("reasons.total", "压减开支，减少8.00万元"), "text_figures", "警告", "reasons.total"),
    ("unit-mixup", _set("reasons.office_running", "差旅费有所增加（3.58元）"), "unit_mixup", "警告",
     "reasons.office_running"),
    ("execution", _set("performance.projects.0.funds.total.executed", 21.00), "project_execution", "错误",
     "projects.0.funds.total.executed"),
    ("repeated", _set("overview.duties", "（一）负责本市测试测试工作。"), "repeated_words", "警告", "overview.duties"),
    ("purpose", _set("glossary.codes", {"2210201": "反映事业单位医疗保险支出。"}), "code_purpose", "警告",
     "glossary.codes.2210201"),
    ("code-name", _row("gpb", "2010301", name="行政运行支出"), "code_name", "错误", "tables.gpb.rows.0.name"),
    ("table-data", lambda d: d.pop("tables"), "table_data", "错误", ""),
    ("unknown-key", _set("reasons.totl", "压减开支"), "unknown_key", "错误", "reasons.totl"),
    ("glyphs", _set("overview.duties", "（一）负责𠀀工作。"), "glyphs", "错误", "overview.duties"),
    ("control-chars", _set("tables.gpb.rows.0.name", "行政\x00运行"), "control_chars", "错误", "tables.gpb.rows.0.name"),
]


@pytest.mark.parametrize("edit, rule, severity, path", [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_rule(tmp_path, edit, rule, severity, path):
    found = findings_for(tmp_path, edit)
    hits = [f for f in found if f.rule == rule and f.severity == severity and path in f.path]
    assert hits, "\n".join(map(str, found))
    hit = hits[0]
    assert hit.file.endswith("unit.yaml") or hit.file.endswith("input")
    assert any("\u4e00" <= ch <= "\u9fff" for ch in hit.message)
    if hit.path:
        assert hit.line is not None, hit
    assert all(f.rule in RULES for f in found)


def test_every_rule_is_exercised():
    assert {c[2] for c in CASES} == set(RULES)


def test_values_and_difference_are_reported(tmp_path):
    hit = next(f for f in findings_for(tmp_path, _set("budget.gpb_total", 120)) if f.rule == "budget_items")
    assert (hit.expected, hit.actual, hit.difference) == ("118.00", "120.00", "2.00")
    assert "（应为 118.00，实为 120.00，相差 2.00）" in str(hit)
    assert hit.line is not None and hit.file.endswith("unit.yaml")


def test_non_fiscal_money_allows_more_spending_than_the_fiscal_tables(tmp_path):
    more = _both(_row("income", "2010301", other=5), _row("expenditure", "2010301", basic=85))
    assert not [f for f in findings_for(tmp_path, more) if f.rule in ("X13", "X14")]
    less = _both(_row("income", "2010301", other=5), _row("expenditure", "2010301", basic=75),
                 _row("expenditure", "2010302", project=30))
    hits = [f for f in findings_for(tmp_path, less) if f.rule == "X14"]
    assert hits and hits[0].severity == "错误" and "2010301" in hits[0].message


def test_x14_reports_only_the_deepest_differing_codes(tmp_path):
    edit = _both(_row("expenditure", "2010301", basic=79), _row("expenditure", "2080505", basic=13))
    codes = [f.message.split()[1] for f in findings_for(tmp_path, edit) if f.rule == "X14"]
    assert codes == ["2010301", "2080505"]


def test_scope_constant_of_shanxi_is_whitelisted(tmp_path):
    found = findings_for(tmp_path, _set("reasons.total", "本部门（单位）压减日常开支"))
    assert not [f for f in found if f.rule == "scope_words"]


def test_cost_target_per_unit_is_not_compared(tmp_path):
    found = findings_for(tmp_path, _set(f"{PERF}.indicators.0.target", "≤300元/人/月"))
    assert not [f for f in found if f.rule == "cost_target"]


def test_profile_passed_explicitly_wins(tmp_path):
    from generator.profile import resolve

    data_edit = _set("tables.basic_detail.items.31302", 1)     # 313 is printed by Shanxi's layout only
    data = yaml.safe_load(CLEAN.read_text(encoding="utf-8"))
    data_edit(data)
    target = tmp_path / "unit.yaml"
    target.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    loaded = load(target)
    facts = compute(loaded.unit)
    assert [f for f in check(loaded, facts) if f.rule == "t06_profile"]
    assert not [f for f in check(loaded, facts, profile=resolve("shanxi-2024")) if f.rule == "t06_profile"]

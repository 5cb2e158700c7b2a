"""The real publications' inconsistencies (tables.md §6, narrative.md §7) as validator cases.

The examples reproduce the seeds, so their own errors are in them; cases the examples do not carry are
programmatic modifications of a copy. Rounding tails are 警告 only.
"""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import yaml

from conftest import INPUTS
from generator.checks import check
from generator.facts.compute import compute
from generator.input.load import load


def findings(path: Path):
    loaded = load(path)
    return check(loaded, compute(loaded.unit, loaded.prior.unit if loaded.prior else None))


def by_rule(found, rule, severity=None):
    return [f for f in found if f.rule == rule and (severity is None or f.severity == severity)]


def edited_copy(tmp_path: Path, name: str, file: str, edit) -> Path:
    """A copy of inputs/<name> with one YAML file changed through its parsed tree."""
    target = tmp_path / name
    shutil.copytree(INPUTS / name, target)
    tree = yaml.safe_load((target / file).read_text(encoding="utf-8"))
    edit(tree)
    (target / file).write_text(yaml.safe_dump(tree, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return target


@pytest.fixture(scope="module")
def seeds():
    return {name: findings(INPUTS / name) for name in ("yanzhou-2024", "zaozhuang-2024", "shanxi-2024")}


# ---------------------------------------------------------------- tables.md §6.1: tails are warnings only

TAILS = {
    "yanzhou-2024": {   # 20805 21.29 vs 20.34 + 0.96; 合计 336.88 vs Σ类 336.87 and vs 基本 + 项目 336.87
        "tables.income.rows.3.total", "tables.income.rows.3.fiscal", "tables.income.total.total",
        "tables.income.total.fiscal", "tables.expenditure.rows.3.total", "tables.expenditure.rows.3.basic",
        "tables.expenditure.total.total", "tables.gpb.rows.3.total", "tables.gpb.rows.3.basic",
        "tables.gpb.total.total"},
    "zaozhuang-2024": {  # 208 266.68 vs 266.67; 合计 4,299.91 / 4,275.70; 基本 2,089.95 vs Σ类; 公开06表 301/302/303/人员
        "tables.income.rows.5.total", "tables.income.rows.5.fiscal", "tables.expenditure.rows.5.total",
        "tables.expenditure.rows.5.basic", "tables.expenditure.total.basic", "tables.expenditure.total.total",
        "tables.gpb.rows.5.total", "tables.gpb.rows.5.basic", "tables.gpb.total.basic", "tables.gpb.total.total",
        "tables.basic_detail.items.301", "tables.basic_detail.items.302", "tables.basic_detail.items.303",
        "tables.basic_detail.personnel_total"},
    "shanxi-2024": {     # 公开01/02表 324.82 vs 324.81 + 0.02; 201 rows; 合计 基本 313.52 vs 313.51
        "tables.income.rows.0.fiscal", "tables.income.rows.0.total", "tables.income.total.total",
        "tables.expenditure.rows.0.total", "tables.expenditure.total.basic", "tables.gpb.rows.0.total",
        "tables.gpb.total.basic"},
}


@pytest.mark.parametrize("name", sorted(TAILS))
def test_every_published_tail_is_a_warning(seeds, name):
    tails = by_rule(seeds[name], "tail")
    assert {f.path for f in tails} == TAILS[name]
    assert all(f.severity == "警告" and abs(float(f.difference)) == 0.01 and "尾数误差" in f.message for f in tails)


@pytest.mark.parametrize("name", sorted(TAILS))
def test_table_identities_hold_apart_from_tails(seeds, name):
    """§3 verdicts ✓/T: no cross-table or balance rule fires on any seed (002's non-fiscal 0.05 balances)."""
    identities = {"rollup", "X1", "X2", "X4", "X5", "X8", "X10", "X11", "X13", "X14", "X16", "I01.5", "I04.7",
                  "I04.8", "I07.1", "t02_t03_rows", "three_public_reception", "three_public_counts", "vehicles",
                  "procurement_sme", "S1", "code_duplicate", "code_orphan", "code_parent", "t06_profile"}
    assert not [f for f in seeds[name] if f.rule in identities]


def test_examples_have_no_errors_and_warn_of_the_seed_budget_gaps(seeds):
    # The seeds' unitemised budget gaps (000#1, 004#1) are warnings: seed 000 explains its gap in prose.
    errors = {name: [f.rule for f in found if f.severity == "错误"] for name, found in seeds.items()}
    assert errors == {"yanzhou-2024": [], "zaozhuang-2024": [], "shanxi-2024": []}


# ---------------------------------------------------------------- narrative.md §7 000 (济宁市兖州区社会治理服务中心)

def test_000_1_budget_total_is_not_the_sum_of_item_budgets(seeds):
    hit, = by_rule(seeds["yanzhou-2024"], "budget_items", "警告")
    assert hit.path == "budget.gpb_total" and hit.file.endswith("narrative.yaml") and hit.line == 21
    assert (hit.expected, hit.actual, hit.difference) == ("336.88", "723.02", "386.14")


def test_000_2_mixed_scope_words(seeds):
    paths = {f.path for f in by_rule(seeds["yanzhou-2024"], "scope_words", "警告")}
    assert {"unit.table_scope", "overview.organization", "reasons.gpb.budget"} <= paths


def test_000_5_project_execution_sum_is_a_tail_of_project_spending(seeds):
    hit, = by_rule(seeds["yanzhou-2024"], "project_executed_total")
    assert hit.severity == "警告" and (hit.expected, hit.actual) == ("136.32", "136.33") and "尾数误差" in hit.message


def test_000_6_cost_targets_above_the_budget_and_copied_indicator_name(seeds):
    targets = by_rule(seeds["yanzhou-2024"], "cost_target", "警告")
    assert [f.actual for f in targets] == ["≤78.3万元", "≤27.3万元", "≤49.9万元"]
    assert all(f.path.startswith("performance.projects.5.") for f in targets)
    lines = (INPUTS / "yanzhou-2024" / "performance.yaml").read_text(encoding="utf-8").splitlines()
    assert "社会治理信息系统建设总成本" in lines[targets[0].line - 1]      # list index 0 resolves to its own line
    assert "网格通APP迁移费用" in lines[targets[1].line - 1]
    name, = by_rule(seeds["yanzhou-2024"], "indicator_name", "警告")
    assert "14名网格员" in name.actual and "13名网格员" in name.expected


def test_000_self_evaluation_arithmetic_agrees(seeds):
    """§5.3: every 执行率得分, 总分 and grade of the eight tables re-adds exactly."""
    rules = {"project_execution_score", "project_total_score", "project_grade", "indicator_score", "project_funds",
             "coverage_amount", "key_evaluation_grade", "key_evaluation_amount"}
    assert not [f for f in seeds["yanzhou-2024"] if f.rule in rules]


def test_000_office_running_for_a_public_institution(tmp_path):
    """tables.md §6.2: a 事业单位 has no 机关运行经费 although its 公用经费 is 4.96."""
    assert not by_rule(findings(INPUTS / "yanzhou-2024"), "office_running")
    copy = edited_copy(tmp_path, "yanzhou-2024", "narrative.yaml",
                       lambda t: t.update(office_running={"amount": 4.96}))
    hit, = by_rule(findings(copy), "office_running", "警告")
    assert "事业单位" in hit.message and hit.actual == "4.96"


def test_000_tails_beyond_tolerance_become_errors(tmp_path):
    """The same typed 20805 with 0.05 instead of the 0.01 tail is an error."""
    def edit(tree):
        for row in tree["tables"]["gpb"]["rows"]:
            if row["code"] in ("208", "20805"):
                row.update(total=21.25, basic=21.25)
    hits = by_rule(findings(edited_copy(tmp_path, "yanzhou-2024", "tables.yaml", edit)), "rollup", "错误")
    assert any(f.path == "tables.gpb.rows.3.basic" and f.expected == "21.30" and f.actual == "21.25" for f in hits)


# ---------------------------------------------------------------- 002 (山西省政务服务投诉举报中心)

def test_002_2_scope_of_tables_differs_from_the_cover(seeds):
    hit, = by_rule(seeds["shanxi-2024"], "scope_words")
    assert hit.path == "unit.table_scope" and (hit.expected, hit.actual) == ("单位", "部门")


def test_002_3_public_spending_list_not_derived_from_t06(seeds):
    hit, = by_rule(seeds["shanxi-2024"], "public_list", "警告")
    assert "手续费（0.10）" in hit.message and "其他商品和服务支出（4.37）" in hit.message
    assert "福利费" not in hit.message     # “职工福利费用” names it


def test_002_4_execution_score_from_the_rounded_rate_is_an_error(tmp_path):
    """2.07 = 10 × 0.207467 (unrounded); 2.08 would use the rounded 20.75 %."""
    def edit(tree):
        tree["performance"]["projects"][0]["execution_score"] = 2.08
        tree["performance"]["projects"][0]["total_score"] = 59.63
    found = findings(edited_copy(tmp_path, "shanxi-2024", "performance.yaml", edit))
    hit, = by_rule(found, "project_execution_score", "错误")
    assert (hit.expected, hit.actual) == ("2.07", "2.08")
    assert not by_rule(found, "project_total_score")


def test_002_grade_below_60_is_poor(seeds, tmp_path):
    assert not by_rule(seeds["shanxi-2024"], "project_grade")
    found = findings(edited_copy(tmp_path, "shanxi-2024", "performance.yaml",
                                 lambda t: t["performance"]["projects"][0].update(grade="中")))
    hit, = by_rule(found, "project_grade", "错误")
    assert (hit.expected, hit.actual) == ("差", "中")


# ---------------------------------------------------------------- 004 (枣庄市人民政府办公室本级)

def test_004_1_budget_total_is_not_the_sum_of_item_budgets(seeds):
    hit, = by_rule(seeds["zaozhuang-2024"], "budget_items", "警告")
    assert (hit.expected, hit.actual, hit.difference) == ("4268.49", "4286.87", "18.38")


def test_004_2_key_evaluation_amount_is_the_executed_amount(tmp_path):
    def edit(tree):
        project = next(p for p in tree["performance"]["projects"] if p["name"] == "12345市长热线运行保障经费")
        project["funds"] = {"total": {"initial": 1370, "full_year": 1370, "executed": 1356.16}}
    hit, = by_rule(findings(edited_copy(tmp_path, "zaozhuang-2024", "performance.yaml", edit)),
                   "key_evaluation_amount", "警告")
    assert (hit.expected, hit.actual) == ("1370.00", "1356.16") and "执行数" in hit.message


def test_004_3_coverage_amount_is_project_spending(seeds):
    hit, = by_rule(seeds["zaozhuang-2024"], "coverage_amount", "警告")
    assert "2185.74" in hit.message and "公开05表" in hit.message


def test_004_5_office_running_reason_unsupported_by_t06(seeds):
    hit, = by_rule(seeds["zaozhuang-2024"], "reason_unsupported", "警告")
    assert hit.path == "reasons.office_running" and "30212" in hit.message


def test_004_prior_income_does_not_add_up(seeds):
    """The published changes imply prior 财政拨款收入 6,506.54 against a prior 总计 of 6,507.97."""
    hit, = by_rule(seeds["zaozhuang-2024"], "prior_sum", "警告")
    assert hit.path == "prior.income" and hit.difference == "-1.43"


def test_004_consistency_checks_that_pass(seeds):
    """三公 72.55 = 17.72 + 22.37 + 32.46; 车辆 7 = 保有量 7; 采购 4.33 + 0 + 1,073.62; X10; prior 基本 + 项目."""
    found = seeds["zaozhuang-2024"]
    assert not [f for f in found if f.rule in ("vehicles", "three_public_counts", "three_public_reception",
                                              "procurement_sme", "X10", "S1", "office_running")]
    assert [f.path for f in by_rule(found, "prior_sum")] == ["prior.income"]


def test_004_seven_twelve_attachment_rounding_is_accepted(seeds):
    """7.125 printed 7.12 is an input judgement: only 0 ≤ 得分 ≤ 分值 and 总分 = Σ are checked (98.2)."""
    found = [f for f in seeds["zaozhuang-2024"] if f.rule.startswith(("project_", "indicator_"))]
    # 12 of the 13 projects are published as summaries only: they are named as not compared, nothing else
    note, = found
    assert note.rule == "project_executed_total" and note.severity == "警告" and "只有综述、没有资金表" in note.message
    assert "已比较其余 1 个项目之和 337.28万元 ≤ 2209.95万元" in note.message

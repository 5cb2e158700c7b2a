"""Performance data (issue 20 item 4): execution above 100 %, score arithmetic, project totals against 项目支出
when some projects have no funds table."""
from __future__ import annotations



from conftest import edited_clean
from generator.checks import check
from generator.facts.compute import compute
from generator.input.load import load

BASE = "performance.projects.0"


def run(tmp_path, edit):
    folder = edited_clean(tmp_path, edit)
    loaded = load(folder)
    return check(loaded, compute(loaded.unit)), (folder / "unit.yaml").read_text(encoding="utf-8").splitlines()


def funds(total, fiscal=None):
    def edit(data):
        project = data["performance"]["projects"][0]
        project["funds"]["total"].update(total)
        project["funds"]["fiscal"].update(fiscal or total)
    return edit


def test_execution_above_the_budget_is_an_error_with_the_numbers(tmp_path):
    """The issue's case: 61.84 executed on a 40.00 budget printed 154.6 %."""
    found, lines = run(tmp_path, funds({"full_year": 40.00, "executed": 61.84}))
    hit = next(f for f in found if f.rule == "project_execution" and f.path == f"{BASE}.funds.total.executed")
    assert hit.severity == "错误"
    assert "全年执行数 61.84万元大于全年预算数 40.00万元（执行率 154.60%）" in hit.message
    assert (hit.expected, hit.actual, hit.difference) == ("≤ 40.00", "61.84", "21.84")
    assert "executed: 61.84" in lines[hit.line - 1] and hit.file.endswith("unit.yaml")


def test_one_source_above_its_budget_is_a_warning(tmp_path):
    def edit(data):
        f = data["performance"]["projects"][0]["funds"]
        f["fiscal"] = {"initial": 15.00, "full_year": 15.00, "executed": 16.00}
        f["carryover"] = {"initial": 5.00, "full_year": 5.00, "executed": 4.00}
    found, _ = run(tmp_path, edit)
    hit, = [f for f in found if f.rule == "project_execution"]
    assert hit.severity == "警告" and hit.path == f"{BASE}.funds.fiscal.executed"
    assert "当年财政拨款的全年执行数 16.00万元大于全年预算数 15.00万元（执行率 106.67%）" in hit.message


def test_score_arithmetic(tmp_path):
    found, _ = run(tmp_path, lambda d: d["performance"]["projects"][0].update(total_score=97))
    hit, = [f for f in found if f.rule == "project_total_score"]
    assert hit.severity == "错误" and (hit.expected, hit.actual) == ("98", "97")
    assert "预算执行率得分 10 + 各指标得分之和 88" in hit.message


def add_summary_only(data, executed):
    data["performance"]["projects"][0]["funds"]["total"]["executed"] = executed
    data["performance"]["projects"][0]["funds"]["fiscal"]["executed"] = executed
    data["performance"]["projects"].append({"name": "只有综述的项目", "completion": "已完成", "indicators": []})


def test_summary_only_projects_are_named_and_the_rest_compared(tmp_path):
    found, _ = run(tmp_path, lambda d: add_summary_only(d, 20.00))
    notes = [f for f in found if f.rule == "project_executed_total"]
    note, = notes
    assert note.severity == "警告" and "“只有综述的项目”只有综述、没有资金表（funds）" in note.message
    assert "已比较其余 1 个项目之和 20.00万元 ≤ 30.00万元" in note.message and note.path == "performance.projects"


def test_compared_projects_above_project_spending_are_an_error(tmp_path):
    def edit(data):
        add_summary_only(data, 20.00)
        data["performance"]["projects"][0]["funds"]["total"]["full_year"] = 40.00
        data["performance"]["projects"][0]["funds"]["fiscal"]["full_year"] = 40.00
        data["performance"]["projects"][0]["funds"]["total"]["executed"] = 35.00
        data["performance"]["projects"][0]["funds"]["fiscal"]["executed"] = 35.00
    found, _ = run(tmp_path, edit)
    hit = next(f for f in found if f.rule == "project_executed_total" and f.severity == "错误")
    assert "未能比较" in hit.message and (hit.expected, hit.actual) == ("≤ 30.00", "35.00")

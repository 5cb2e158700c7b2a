"""`--final` means correct (issue 20 item 1): unknown codes, unknown reasons/texts/wording keys, one code with
two names, missing table data — each an 错误 with file, line and field, listed once; validation errors in
drafts too. A sentence whose premise does not hold is not printed (budget and actual both 0)."""
from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import INPUTS, edited_clean
from generator.checks import check
from generator.facts.compute import compute
from generator.input.load import load



def juesuan(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "generator", *args], capture_output=True, text=True, timeout=300)


def write(tmp_path: Path, edit) -> Path:
    return edited_clean(tmp_path, edit)


def findings(folder: Path):
    loaded = load(folder)
    return check(loaded, compute(loaded.unit))


def errors(found, rule):
    return [f for f in found if f.rule == rule and f.severity == "错误"]


def line_of(folder: Path, needle: str) -> int:
    lines = (folder / "unit.yaml").read_text(encoding="utf-8").splitlines()
    return next(i for i, line in enumerate(lines, 1) if needle in line)


def unknown_code(data):
    """2130123 (not a code of any edition) typed consistently in 公开02/03/05表 and the budget."""
    for table, amounts in (("income", {"fiscal": 1}), ("expenditure", {"basic": 1}), ("gpb", {"basic": 1})):
        data["tables"][table]["rows"].append({"code": "2130123", **amounts})
    data["tables"]["summary"]["fiscal_income"]["gpb"] = 121
    data["budget"]["gpb_items"]["2130123"] = 1
    data["budget"]["gpb_total"] = 119


def test_unknown_code_is_one_error_naming_code_file_line_and_field(tmp_path):
    folder = write(tmp_path, unknown_code)
    found = findings(folder)
    hits = errors(found, "catalogue")
    xiang, = hits                 # once, although typed in four places
    assert xiang.message.startswith("公开02表：科目编码 2130123 不在")
    assert "2130123 不在 2024 年政府收支分类科目（2024年版）中" in xiang.message and "catalogue.added" in xiang.message
    assert xiang.path == "tables.income.rows.5.code" and xiang.file.endswith("unit.yaml")
    assert xiang.line == line_of(folder, "2130123")
    # the same code elsewhere (公开03/05表, budget) is not listed again
    assert not [f for f in found if f.rule == "catalogue" and f.path.startswith(("tables.expenditure", "budget"))]


def test_unknown_code_added_by_the_input_catalogue_is_accepted_and_named(tmp_path):
    def edit(data):
        unknown_code(data)
        data["catalogue"] = {"added": {"2130123": {"name": "试点项目", "explanation": "反映试点项目支出。"}}}
    found = findings(write(tmp_path, edit))
    assert not errors(found, "catalogue") and not errors(found, "code_name")
    loaded = load(tmp_path / "input")
    facts = compute(loaded.unit)
    assert facts.gpb.line("2130123").name == "试点项目" and facts.gpb.line("21301").name == "农业农村"


def test_unknown_kuan_is_reported_with_its_item(tmp_path):
    def edit(data):
        for table, amounts in (("expenditure", {"basic": 1}), ("gpb", {"basic": 1}), ("income", {"fiscal": 1})):
            data["tables"][table]["rows"].append({"code": "2019801", **amounts})
        data["tables"]["summary"]["fiscal_income"]["gpb"] = 121
    found = errors(findings(write(tmp_path, edit)), "catalogue")
    assert len(found) == 2 and "科目编码 20198（2019801 所属的款） 不在 2024 年" in found[0].message
    assert "科目编码 2019801 不在 2024 年政府收支分类科目（2024年版）" in found[1].message


def test_catalogue_change_for_a_missing_code_is_an_error(tmp_path):
    found = findings(write(tmp_path, lambda d: d.update(catalogue={"names": {"2139998": "某某"}})))
    hit, = errors(found, "catalogue")
    assert "2139998 不在" in hit.message and "added" in hit.message
    assert hit.path == "catalogue.names.2139998" and hit.line == line_of(tmp_path / "input", "2139998")


@pytest.mark.parametrize("group, key, suggestion", [
    ("reasons", "totl", "total"),
    ("reasons", "three_public.abraod", "three_public.abroad"),
    ("reasons", "gpb.item.2010310", "gpb.item.20103"),        # a 项 the tables do not have: the nearest that they do
    ("texts", "three_public.abroad_contnt", "three_public.abroad_content"),
    ("wording", "compar", "compare"),
])
def test_unknown_key_is_an_error_with_a_suggestion(tmp_path, group, key, suggestion):
    folder = write(tmp_path, lambda d: d.setdefault(group, {}).update({key: "压减日常开支"}))
    hit, = errors(findings(folder), "unknown_key")
    assert f"“{key}”" in hit.message and f"是否想写“{suggestion}" in hit.message
    assert hit.path == f"{group}.{key}" and hit.line == line_of(folder, key) and hit.file.endswith("unit.yaml")


def test_a_key_only_another_profile_prints_is_an_error(tmp_path):
    """A Shanxi-only key in a Shandong input: that profile's sentences never read it."""
    from generator.checks.keys import _template_keys
    from generator.profile import resolve

    def literals(name):
        return {k for k in _template_keys(tuple(resolve(name, ".").template_dirs()))[0] if "." in k}
    only_shanxi = sorted(k for k in literals("shanxi-2024") - literals("shandong-2024") if k.startswith("performance."))
    assert only_shanxi, "the Shanxi profile reads no key of its own any more"
    key = only_shanxi[0]
    folder = write(tmp_path, lambda d: d.setdefault("texts", {}).update({key: "无"}))
    hit, = errors(findings(folder), "unknown_key")
    assert f"texts 中的键“{key}”没有句子使用" in hit.message and hit.path == f"texts.{key}"


def test_known_keys_pass(tmp_path):
    def edit(data):
        data["reasons"].update({"gpb.item.2010301": "追加", "three_public.abroad": "无", "income.fiscal": "减少"})
        data["texts"] = {"three_public.abroad_content": "学习考察", "three_public.vehicle_running_content": "燃油"}
        data["wording"] = {"compare": "与上年相比，"}
        data["checked"] = ["reasons.total"]
    assert not errors(findings(write(tmp_path, edit)), "unknown_key")


def test_checked_key_that_names_no_text_is_an_error(tmp_path):
    hit, = errors(findings(write(tmp_path, lambda d: d.update(checked=["reasons.totl"]))), "unknown_key")
    assert "reasons.totl" in hit.message and "是否想写“reasons.total”" in hit.message and hit.path == "checked.0"


def test_one_code_with_two_names(tmp_path):
    def edit(data):
        data["tables"]["income"]["rows"][0]["name"] = "行政运行"
        data["tables"]["gpb"]["rows"][0]["name"] = "机关行政运行"
    found = findings(write(tmp_path, edit))
    names = errors(found, "code_name")
    two = next(f for f in names if "在公开02表中名为“行政运行”，在公开05表中名为“机关行政运行”" in f.message)
    assert two.path == "tables.gpb.rows.0.name" and (two.expected, two.actual) == ("行政运行", "机关行政运行")
    assert not [f for f in names if f.path == "tables.income.rows.0.name"]   # the catalogue's own name is fine


def test_tables_file_saved_under_another_name(tmp_path):
    folder = tmp_path / "unit"
    shutil.copytree(INPUTS / "yanzhou-2024", folder)
    (folder / "tables.yaml").rename(folder / "tables.yaml.bak")
    hit, = errors(findings(folder), "table_data")
    assert "没有决算表数据" in hit.message and "tables.yaml.bak 未被读取" in hit.message
    assert hit.file == str(folder)


def test_input_without_table_rows(tmp_path):
    folder = write(tmp_path, lambda d: d.update(tables={"summary": {}}))
    hit, = errors(findings(folder), "table_data")
    assert "没有任何金额" in hit.message and hit.path == "tables" and hit.line == line_of(folder, "tables:")


def test_cli_validate_and_final_build_refuse(tmp_path):
    folder = write(tmp_path, lambda d: d["reasons"].update({"totl": "压减开支"}))
    done = juesuan("validate", str(folder))
    assert done.returncode == 1 and "Traceback" not in done.stdout + done.stderr
    line, = [l for l in done.stdout.splitlines() if l.startswith("[错误]")]
    assert f"unit.yaml 第{line_of(folder, 'totl')}行 reasons.totl" in line and "是否想写“total”" in line
    final = juesuan("build", str(folder), "--final", "-o", str(tmp_path / "out"), "--to", "html")
    assert final.returncode == 1 and "reasons.totl" in final.stderr and "Traceback" not in final.stderr
    assert final.stderr.count("reasons.totl：") == 1
    assert not (tmp_path / "out").exists()


def test_budget_and_actual_both_zero_say_so_and_demand_no_reason(tmp_path):
    from generator.pipeline import run

    def edit(data):
        data["tables"]["three_public"]["budget"]["abroad"] = 0
        data["tables"]["three_public"]["actual"]["abroad"] = 0
        data["tables"]["three_public"]["counts"].update(abroad_groups=0, abroad_people=0)
        data["prior"]["three_public"] = {"total": 7.0, "vehicle_running": 5.0, "reception": 2.0}
    result = run(write(tmp_path, edit), formats=())
    html = result.html
    sentence = html[html.index("因公出国（境）费全年预算为"):][:120]
    assert "全年预算与决算数均为0" in sentence and "主要原因" not in sentence, sentence
    assert not [f for f in result.findings if f.severity == "错误"]

"""项目支出绩效自评表 from a workbook (Shandong and Shanxi layouts, two tables in one sheet) into
performance.projects; a hand-written performance.yaml is left alone unless --performance is given."""
from __future__ import annotations

import importlib.util
import shutil
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from generator.cli import main
from generator.input.model import Performance

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "tests" / "fixtures" / "workbooks"
FIELDS = ["name", "department", "funds", "execution_weight", "execution_score", "goal_expected", "goal_actual",
          "indicators", "total_score", "grade", "analysis"]
PROJECTS = [("zaozhuang-2024", "单位运行经费"), ("yanzhou-2024", "综治平台网络租赁费"),
            ("shanxi-2024", "省级政务服务投诉举报业务经费")]


@pytest.fixture(scope="module")
def book(tmp_path_factory) -> Path:
    spec = importlib.util.spec_from_file_location("make_selfeval", FIXTURES / "make_selfeval.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.make(tmp_path_factory.mktemp("selfeval"))


def projects_of(path: Path) -> list:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))["performance"]
    return Performance.model_validate(data).projects


def comparable(project, field: str):
    value = getattr(project, field)
    if field == "funds":      # 目标申报数 printed as 0 and left out of the YAML are the same
        return {k: v.model_copy(update={"declared": v.declared or None}) for k, v in value}
    return value


def test_both_layouts_import_every_field(book, tmp_path):
    result = CliRunner().invoke(main, ["import", str(book), "-o", str(tmp_path / "new"), "--no-check"])
    assert result.exit_code == 0, result.output
    assert "3 张项目支出绩效自评表" in result.output
    text = (tmp_path / "new" / "performance.yaml").read_text(encoding="utf-8")
    assert "单位运行经费：selfeval.xlsx 绩效自评!A3" in text and "山西!A3" in text
    got = {p.name: p for p in projects_of(tmp_path / "new" / "performance.yaml")}
    for example, name in PROJECTS:
        want = next(p for p in projects_of(ROOT / "inputs" / example / "performance.yaml") if p.name == name)
        for field in FIELDS:
            assert comparable(got[name], field) == comparable(want, field), (name, field)
    shanxi = got["省级政务服务投诉举报业务经费"]
    assert str(shanxi.funds.total.executed) == "6.224" and shanxi.indicators[0].initial_target == "一月次"
    assert list(shanxi.analysis)[0] == "项目实际和预算执行情况"


def test_hand_written_performance_is_left_alone_unless_asked(book, tmp_path):
    target = tmp_path / "z"
    shutil.copytree(ROOT / "inputs" / "zaozhuang-2024", target)
    before = (target / "performance.yaml").read_bytes()
    result = CliRunner().invoke(main, ["import", str(book), "-o", str(target), "--no-check"])
    assert result.exit_code == 0 and "performance.yaml 是手写的，未改动" in result.output
    assert (target / "performance.yaml").read_bytes() == before
    result = CliRunner().invoke(main, ["import", str(book), "-o", str(target), "--performance", "--no-check"])
    assert result.exit_code == 0, result.output
    merged = projects_of(target / "performance.yaml")
    names = [p.name for p in merged]
    original = [p.name for p in projects_of(ROOT / "inputs" / "zaozhuang-2024" / "performance.yaml")]
    assert names == original + ["综治平台网络租赁费", "省级政务服务投诉举报业务经费"]      # new ones appended
    kept = next(p for p in merged if p.name == "单位运行经费")
    assert kept.publish_table and kept.completion.startswith("项目执行和完成情况较好")   # YAML-only fields kept
    data = yaml.safe_load((target / "performance.yaml").read_text(encoding="utf-8"))["performance"]
    assert data["key_evaluations"][0]["project"] == "12345市长热线运行保障经费"

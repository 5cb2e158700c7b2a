"""`juesuan validate` as users run it: exit codes 0/1/2, text and JSON output, and the same checks in build."""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import INPUTS

CLEAN = Path(__file__).parent / "fixtures" / "clean-2024.yaml"
FIELDS = {"severity", "rule", "message", "path", "file", "line", "expected", "actual", "difference"}


def juesuan(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "generator", *args], capture_output=True, text=True, timeout=300)


@pytest.mark.parametrize("path, code", [(CLEAN, 0), (INPUTS / "shanxi-2024", 0), (INPUTS / "yanzhou-2024", 0),
                                        (INPUTS / "zaozhuang-2024", 0)])
def test_exit_codes(path, code):
    done = juesuan("validate", str(path))
    assert done.returncode == code, done.stdout + done.stderr
    assert "Traceback" not in done.stdout + done.stderr
    errors = [line for line in done.stdout.splitlines() if line.startswith("[错误]")]
    assert bool(errors) == (code == 1)
    assert done.stdout.rstrip().endswith(f"共 {len(errors)} 个错误，"
                                         f"{sum(1 for l in done.stdout.splitlines() if l.startswith('[警告]'))} 个警告。")


def test_yanzhou_reports_the_budget_gap_with_file_line_and_values():
    done = juesuan("validate", str(INPUTS / "yanzhou-2024"))
    line = next(l for l in done.stdout.splitlines() if "budget.gpb_total" in l)
    assert line.startswith("[警告]")
    assert "narrative.yaml 第21行 budget.gpb_total" in line
    assert "（应为 336.88，实为 723.02，相差 386.14）" in line


def test_warnings_only_exit_0_and_name_the_tail():
    done = juesuan("validate", str(INPUTS / "shanxi-2024"))
    assert done.returncode == 0
    assert "[警告]" in done.stdout and "尾数误差" in done.stdout


@pytest.mark.parametrize("name", ["yanzhou-2024", "zaozhuang-2024", "shanxi-2024"])
def test_json_findings_carry_location_and_values(name):
    done = juesuan("validate", str(INPUTS / name), "--format", "json")
    report = json.loads(done.stdout)
    assert report["status"] == ("error" if done.returncode == 1 else "ok")
    assert report["findings"]
    for finding in report["findings"]:
        assert set(finding) == FIELDS
        assert finding["severity"] in ("错误", "警告") and finding["rule"] and finding["message"]
        assert finding["file"] and Path(finding["file"]).exists()
        if finding["path"]:
            assert isinstance(finding["line"], int) and finding["line"] > 0
        if finding["difference"] is not None:
            assert finding["expected"] is not None and finding["actual"] is not None


def test_json_for_unreadable_input_exits_2(tmp_path):
    (tmp_path / "unit.yaml").write_text("unit: {name: 测试, scope: 单位, year: [2024\n", encoding="utf-8")
    done = juesuan("validate", str(tmp_path), "--format", "json")
    assert done.returncode == 2
    report = json.loads(done.stdout)
    assert report["status"] == "unreadable"
    problem = report["problems"][0]
    assert problem["file"].endswith("unit.yaml") and problem["line"] and "YAML" in problem["message"]


def test_build_runs_the_same_checks():
    from generator.pipeline import run
    from generator.checks import check
    from generator.facts.compute import compute
    from generator.input.load import load

    result = run(INPUTS / "yanzhou-2024", ("html",))
    loaded = load(INPUTS / "yanzhou-2024")
    expected = check(loaded, compute(loaded.unit))
    assert [(f.rule, f.path, f.actual) for f in result.findings] == [(f.rule, f.path, f.actual) for f in expected]


def yanzhou_with_one_cent_changed(tmp_path) -> Path:
    """inputs/yanzhou-2024 with its typed 公开02表 合计 changed from 336.88 to 336.89."""
    import shutil

    copy = tmp_path / "yanzhou"
    shutil.copytree(INPUTS / "yanzhou-2024", copy)
    tables = (copy / "tables.yaml").read_text(encoding="utf-8")
    assert "total: {total: 336.88" in tables
    (copy / "tables.yaml").write_text(tables.replace("total: {total: 336.88", "total: {total: 336.89", 1),
                                      encoding="utf-8")
    return copy


def test_changing_one_published_figure_makes_validate_exit_1(tmp_path):
    done = juesuan("validate", str(yanzhou_with_one_cent_changed(tmp_path)))
    assert done.returncode == 1
    lines = [l for l in done.stdout.splitlines() if l.startswith("[错误]")]
    assert all("tables.yaml 第15行 tables.income.total.total" in line for line in lines)
    assert any("应为 336.88，实为 336.89，相差 0.01" in line and "超出尾数误差" in line for line in lines)


def test_final_build_refuses_an_error_and_draft_build_reports_it(tmp_path):
    copy = yanzhou_with_one_cent_changed(tmp_path)
    final = juesuan("build", str(copy), "--final", "-o", str(tmp_path / "final"), "--to", "html")
    assert final.returncode == 1
    assert "tables.income.total.total" in final.stderr and "Traceback" not in final.stderr
    assert not (tmp_path / "final").exists()
    draft = juesuan("build", str(copy), "-o", str(tmp_path / "draft"), "--to", "html")
    assert draft.returncode == 0
    assert "[错误]" in draft.stderr and "tables.income.total.total" in draft.stderr
    assert list((tmp_path / "draft").glob("*.html"))

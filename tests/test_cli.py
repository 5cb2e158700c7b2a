"""The command line as a user runs it: paths printed, exit codes, Chinese messages, no traceback."""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from conftest import INPUTS

JUESUAN = [sys.executable, "-m", "generator"]


def juesuan(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([*JUESUAN, *args], capture_output=True, text=True, cwd=cwd, timeout=300)


def test_build_prints_written_path_and_replaces_atomically(tmp_path):
    done = juesuan("build", str(INPUTS / "zaozhuang-2024"), "-o", str(tmp_path), "--to", "pdf,html")
    assert done.returncode == 0, done.stderr
    printed = [Path(line) for line in done.stdout.splitlines()]
    assert [p.suffix for p in printed] == [".pdf", ".html"]  # --to pdf,html; the default is pdf,docx
    assert all(p.exists() and p.stat().st_size > 10_000 for p in printed)
    assert printed[0].read_bytes().startswith(b"%PDF-")
    assert not list(tmp_path.glob(".*.tmp"))


def test_unusable_input_exits_2_with_chinese_message(tmp_path):
    bad = tmp_path / "unit.yaml"
    bad.write_text("unit:\n  name: 测试\n  scope: 单位\n  year: [2024\n", encoding="utf-8")
    out = tmp_path / "out"
    done = juesuan("build", str(tmp_path), "-o", str(out))
    assert done.returncode == 2
    assert "Traceback" not in done.stderr + done.stdout
    assert "unit.yaml" in done.stderr and "第" in done.stderr and "YAML 语法错误" in done.stderr
    assert not out.exists()


def test_missing_directory(tmp_path):
    done = juesuan("build", str(tmp_path / "nope"))
    assert done.returncode == 2
    assert "输入目录或文件不存在" in done.stderr and "Traceback" not in done.stderr


def test_unknown_field_and_wrong_type_name_file_line_and_field(tmp_path):
    (tmp_path / "unit.yaml").write_text(
        "unit:\n  name: 测试单位\n  scope: 单位\n  year: 二〇二四\n  profle: shandong-2024\n", encoding="utf-8")
    done = juesuan("build", str(tmp_path), "-o", str(tmp_path / "out"))
    assert done.returncode == 2
    assert "unit.yaml 第4行：unit.year：应为整数" in done.stderr
    assert "unit.yaml 第5行：unit.profle：未知字段“profle”，是否想写“profile”？" in done.stderr


def test_schema_is_json_schema():
    done = juesuan("schema")
    assert done.returncode == 0
    schema = json.loads(done.stdout)
    assert schema["title"] == "UnitYear"
    assert "tables" in schema["properties"] and "$defs" in schema


def test_profile_files_lists_every_template_with_its_layer():
    done = juesuan("profile", "files", "shanxi-2024")
    assert done.returncode == 0
    lines = [line.split("\t") for line in done.stdout.splitlines()]
    by_name = {rel: (path, layer) for path, layer, rel in lines}
    assert by_name["templates/tables/info.html.j2"][1] == "base"
    assert by_name["styles/print.css"][1] == "base"
    assert all(Path(path).is_absolute() and Path(path).exists() for path, _, _ in lines)


def test_unknown_profile_exits_2():
    done = juesuan("build", str(INPUTS / "yanzhou-2024"), "--profile", "no-such-profile")
    assert done.returncode == 2
    assert "未知的版式" in done.stderr and "shandong-2024" in done.stderr


def test_batch_build_reports_failures_and_keeps_going(tmp_path):
    done = juesuan("build", str(INPUTS / "zaozhuang-2024"), str(tmp_path / "missing"), str(INPUTS / "shanxi-2024"),
                   "-o", str(tmp_path / "out"), "--to", "html")
    assert done.returncode == 2
    assert len(done.stdout.splitlines()) == 2 and all(Path(p).exists() for p in done.stdout.splitlines())
    assert "共 3 个单位：" in done.stderr and "输入无法使用 1 个" in done.stderr   # details: tests/test_batch.py
    assert "输入无法使用：" in done.stderr and "missing" in done.stderr and "输入目录或文件不存在" in done.stderr
    assert "Traceback" not in done.stderr


def test_html_output_inlines_the_profile_css_as_css(built):
    """The standalone HTML's <style> holds the stylesheets verbatim: font-family quotes are not entities."""
    page = built("zaozhuang-2024").result.outputs["html"].decode("utf-8")
    style = page[page.index("<style>"):page.index("</style>")]
    assert "@page" in style and "&#34;" not in style and '"' in style

"""Unusable input: a clear Chinese message naming the file (and line), exit code 2, never a traceback."""
from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import INPUTS

UNIT = "unit:\n  name: 测试单位\n  scope: 单位\n  year: 2024\n"
TABLES = "tables:\n  gpb:\n    rows:\n      - {code: '2010301', basic: 12.50}\n      - {code: '2010302', project: 3}\n"


def juesuan(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "generator", *args], capture_output=True, text=True, timeout=300)


def _write(files: dict[str, str | bytes]):
    def setup(folder: Path) -> Path:
        for name, content in files.items():
            target = folder / name
            target.parent.mkdir(parents=True, exist_ok=True)
            if isinstance(content, bytes):
                target.write_bytes(content)
            else:
                target.write_text(content, encoding="utf-8")
        return folder
    return setup


def _huge(folder: Path) -> Path:
    (folder / "unit.yaml").write_text(UNIT, encoding="utf-8")
    with open(folder / "tables.yaml", "wb") as handle:   # sparse: instant, takes no disk
        handle.truncate(51 * 1024 * 1024)
    return folder


def _truncated(folder: Path) -> Path:
    text = (INPUTS / "zaozhuang-2024" / "tables.yaml").read_text(encoding="utf-8")
    cut = text.index("{code: \"2010302\"") + 20            # inside a flow mapping
    (folder / "unit.yaml").write_text(UNIT, encoding="utf-8")
    (folder / "tables.yaml").write_text(text[:cut], encoding="utf-8")
    return folder


CASES = [
    # id, setup(folder) -> input path, expected file name, expected line (None: any/no line), message parts
    ("missing-directory", lambda f: f / "无此目录", "无此目录", None, ["输入目录或文件不存在"]),
    ("missing-file", lambda f: f / "unit.yaml", "unit.yaml", None, ["输入目录或文件不存在"]),
    ("no-input-files", _write({"readme.txt": "x"}), "", None, ["目录中没有 .yaml/.yml/.json 输入文件"]),
    ("missing-unit", _write({"tables.yaml": TABLES}), "", None, ["unit", "缺少必填项"]),
    ("yaml-syntax", _write({"unit.yaml": UNIT + "  level: [市级\n"}), "unit.yaml", 6, ["YAML 语法错误"]),
    ("wrong-type", _write({"unit.yaml": UNIT.replace("2024", "二〇二四")}), "unit.yaml", 4,
     ["unit.year", "应为整数"]),
    ("wrong-type-amount", _write({"unit.yaml": UNIT, "tables.yaml": TABLES.replace("12.50", "[1, 2]")}),
     "tables.yaml", 4, ["tables.gpb.rows.0.basic", "应为金额"]),
    ("unknown-field", _write({"unit.yaml": UNIT + "  profle: shandong-2024\n"}), "unit.yaml", 5,
     ["未知字段“profle”，是否想写“profile”？"]),
    ("empty-file", _write({"unit.yaml": UNIT, "tables.yaml": ""}), "tables.yaml", None, ["文件为空"]),
    ("blank-file", _write({"unit.yaml": UNIT, "tables.yaml": "\n  \n# 只有注释\n"}), "tables.yaml", None, ["文件为空"]),
    ("gbk", _write({"unit.yaml": UNIT.encode("gbk")}), "unit.yaml", 2, ["不是 UTF-8 编码", "GBK"]),
    ("binary", _write({"unit.yaml": bytes(range(128, 256)) * 4}), "unit.yaml", None, ["不是 UTF-8 编码"]),
    ("over-50MB", _huge, "tables.yaml", None, ["文件过大", "50 MB"]),
    ("negative-amount", _write({"unit.yaml": UNIT, "tables.yaml": TABLES.replace("12.50", "-12.50")}),
     "tables.yaml", 4, ["tables.gpb.rows.0.basic", "金额不能为负数"]),
    ("three-decimals", _write({"unit.yaml": UNIT, "tables.yaml": TABLES.replace("12.50", "12.505")}),
     "tables.yaml", 4, ["最多两位小数"]),
    ("year-too-early", _write({"unit.yaml": UNIT.replace("2024", "1999")}), "unit.yaml", 4,
     ["unit.year", "不能小于 2000"]),
    ("year-too-late", _write({"unit.yaml": UNIT.replace("2024", "2101")}), "unit.yaml", 4,
     ["unit.year", "不能大于 2100"]),
    ("duplicate-key", _write({"unit.yaml": UNIT + "  year: 2023\n"}), "unit.yaml", 5, ["键“year”重复出现"]),
    ("duplicate-top-level", _write({"unit.yaml": UNIT, "more.yaml": UNIT}), "unit.yaml", 1,
     ["顶层键“unit”已在 more.yaml 中出现"]),
    ("duplicate-code-key", _write({"unit.yaml": UNIT + "budget:\n  gpb_items:\n    '2010301': 1\n    2010301: 2\n"}),
     "unit.yaml", 8, ["键“2010301”重复出现"]),
    ("truncated", _truncated, "tables.yaml", None, ["YAML 语法错误"]),
    ("top-level-list", _write({"unit.yaml": "- unit\n- tables\n"}), "unit.yaml", 1, ["顶层应为"]),
    ("deep-nesting", _write({"unit.yaml": UNIT + "texts: " + "[" * 200 + "]" * 200 + "\n"}), "unit.yaml", None,
     ["无法解析"]),
    ("attachment-outside", _write({"unit.yaml": UNIT + "attachments:\n  - {title: 附件, markdown: ../../etc/passwd}\n"}),
     "unit.yaml", 6, ["必须位于输入目录内"]),
    ("bad-enum", _write({"unit.yaml": UNIT.replace("单位", "处室")}), "unit.yaml", 3, ["unit.scope", "不在允许范围内"]),
]


@pytest.mark.parametrize("command", ["validate", "build"])
@pytest.mark.parametrize("setup, file, line, parts", [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_unusable_input(tmp_path, command, setup, file, line, parts):
    folder = tmp_path / "in"
    folder.mkdir()
    path = setup(folder)
    args = [command, str(path)] + (["-o", str(tmp_path / "out"), "--to", "html"] if command == "build" else [])
    done = juesuan(*args)
    output = done.stdout + done.stderr
    assert done.returncode == 2, output
    assert "Traceback" not in output and "Error:" not in output
    assert all(part in done.stderr for part in parts), done.stderr
    named = [l for l in done.stderr.splitlines() if any(p in l for p in parts)]
    assert named and all(str(folder) in l and (not file or file in l) for l in named[:1]), done.stderr
    if line is not None:
        assert f"第{line}行" in named[0], done.stderr
    assert re.search(r"[\u4e00-\u9fff]", done.stderr)
    assert not (tmp_path / "out").exists()


def test_json_reports_unreadable_input_with_file_and_line(tmp_path):
    import json

    (tmp_path / "unit.yaml").write_text(UNIT.replace("2024", "1999"), encoding="utf-8")
    done = juesuan("validate", str(tmp_path), "--format", "json")
    assert done.returncode == 2
    problem, = json.loads(done.stdout)["problems"]
    assert problem["file"].endswith("unit.yaml") and problem["line"] == 4 and problem["field"] == "unit.year"


def test_deep_nesting_names_the_reason(tmp_path):
    (tmp_path / "unit.yaml").write_text(UNIT + "texts: " + "[" * 200 + "]" * 200 + "\n", encoding="utf-8")
    done = juesuan("validate", str(tmp_path))
    assert done.returncode == 2 and "嵌套过深" in done.stderr


def test_nul_byte_in_an_attachment_path(tmp_path):
    (tmp_path / "unit.yaml").write_text(UNIT + 'attachments:\n  - {title: 附件, markdown: "a\\0b.md"}\n',
                                        encoding="utf-8")
    done = juesuan("validate", str(tmp_path))
    assert done.returncode == 2 and "unit.yaml" in done.stderr and "内部错误" not in done.stderr


def test_negative_total_score(tmp_path):
    (tmp_path / "unit.yaml").write_text(UNIT + "performance:\n  projects:\n    - {name: 项目, total_score: -5}\n",
                                        encoding="utf-8")
    done = juesuan("build", str(tmp_path), "-o", str(tmp_path / "out"), "--to", "html")
    assert done.returncode in (1, 2) and "内部错误" not in done.stderr and "Traceback" not in done.stderr

"""Issue 20 item 7, as the issue's user met it: an output that cannot be written is the user's to fix —
exit 2, a Chinese message naming the path and what to do, no “内部错误”, no English OS text, nothing
half-written. (generator/outputs.py and the CLI handler are H-robust's; tests/test_faults.py covers read-only
file systems, full disks, permissions and vanished inputs.)"""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

CLEAN = Path(__file__).parent / "fixtures" / "clean-2024.yaml"
TITLE = "2024年度测试市测试局本级单位决算"


def build(out: Path) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "generator", "build", str(CLEAN), "-o", str(out), "--to", "html"],
                          capture_output=True, text=True, timeout=300)


@pytest.mark.parametrize("case, advice", [("output file is taken by a directory", "是一个目录：请删除或改名该目录"),
                                          ("output directory under a regular file", "路径中的某一级是文件而不是目录")])
def test_unwritable_output_is_exit_2_with_the_path(tmp_path, case, advice):
    if case.startswith("output file"):
        out = tmp_path / "out"
        (out / f"{TITLE}.html").mkdir(parents=True)      # cannot be replaced by the new file
        named = out / f"{TITLE}.html"
    else:
        (tmp_path / "file").write_text("x", encoding="utf-8")
        out = named = tmp_path / "file" / "out"
    done = build(out)
    assert done.returncode == 2, done.stdout + done.stderr
    assert str(named) in done.stderr and advice in done.stderr
    for english in ("内部错误", "Traceback", "Is a directory", "Not a directory", "Errno"):
        assert english not in done.stderr
    if out.is_dir():
        assert [p.name for p in out.iterdir()] == [f"{TITLE}.html"]      # no temp file left beside it

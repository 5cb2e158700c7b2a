"""`juesuan build` on many units: parallel workers, outputs that cannot collide, the manifest, skipping
unchanged units, a unit that kills or hangs its worker failing alone, Ctrl-C. PDF only, small units."""
from __future__ import annotations

import csv
import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pypdfium2 as pdfium
import pytest

from conftest import INPUTS

JUESUAN = [sys.executable, "-m", "generator"]
ZAOZHUANG_TITLE = "2024年度枣庄市人民政府办公室本级决算"
SHANXI_TITLE = "山西省政务服务投诉举报中心2024年度单位决算公开"


def juesuan(*args: str, env: dict | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([*JUESUAN, *args], capture_output=True, text=True, timeout=300,
                          env={**os.environ, **(env or {})})


def make_units(root: Path) -> tuple[Path, Path]:
    """Eight units in two folders: two share a title (zaozhuang twice), two pairs share a folder name across
    the folders (→ -2), one is broken YAML. Returns (units, more)."""
    units, more = root / "units", root / "more"
    for name in ("yanzhou-2024", "zaozhuang-2024", "shanxi-2024"):
        shutil.copytree(INPUTS / name, units / name)
    shutil.copytree(INPUTS / "zaozhuang-2024", units / "zaozhuang-copy")
    shutil.copytree(INPUTS / "shanxi-2024", units / "shanxi-b")
    (units / "broken").mkdir()
    (units / "broken" / "unit.yaml").write_text("unit:\n  name: 坏单位\n  year: [2024\n", encoding="utf-8")
    shutil.copytree(INPUTS / "zaozhuang-2024", more / "zaozhuang-2024")
    shutil.copytree(INPUTS / "shanxi-2024", more / "shanxi-2024")
    return units, more


def manifest(outdir: Path) -> dict[str, dict]:
    data = json.loads((outdir / "manifest.json").read_text(encoding="utf-8"))
    return {Path(entry["input"]).relative_to(outdir.parent).as_posix(): entry for entry in data["units"]}


def pdf_text(path: Path) -> str:
    return "".join(page.get_textpage().get_text_range() for page in pdfium.PdfDocument(path))


# same folder name: the first in sorted path order (more/ before units/) keeps it, the other gets -2
EXPECTED_FOLDERS = {"units/yanzhou-2024": "yanzhou-2024", "units/zaozhuang-2024": "zaozhuang-2024-2",
                    "units/zaozhuang-copy": "zaozhuang-copy", "units/shanxi-2024": "shanxi-2024-2",
                    "units/shanxi-b": "shanxi-b", "units/broken": "broken",
                    "more/zaozhuang-2024": "zaozhuang-2024", "more/shanxi-2024": "shanxi-2024"}


@pytest.fixture(scope="module")
def batch(tmp_path_factory):
    root = tmp_path_factory.mktemp("batch")
    units, more = make_units(root)
    outdir = root / "out"
    done = juesuan("build", str(units), str(more), "-o", str(outdir), "--to", "pdf", "-j", "2")
    return root, outdir, done


def test_eight_units_seven_publications_none_collide(batch):
    root, outdir, done = batch
    assert done.returncode == 2, done.stderr            # the broken input is unusable
    assert "Traceback" not in done.stderr
    pdfs = sorted(p.relative_to(outdir).as_posix() for p in outdir.rglob("*.pdf"))
    assert len(pdfs) == 7
    assert f"zaozhuang-2024/{ZAOZHUANG_TITLE}.pdf" in pdfs and f"zaozhuang-copy/{ZAOZHUANG_TITLE}.pdf" in pdfs
    assert f"zaozhuang-2024-2/{ZAOZHUANG_TITLE}.pdf" in pdfs and f"shanxi-2024-2/{SHANXI_TITLE}.pdf" in pdfs
    assert sorted(done.stdout.splitlines()) == sorted(str(outdir / p) for p in pdfs)
    text = pdf_text(outdir / "zaozhuang-copy" / f"{ZAOZHUANG_TITLE}.pdf")
    assert "枣庄市人民政府办公室" in text and "一般公共预算财政拨款" in text
    assert not list(outdir.rglob(".*.tmp"))


def test_manifest_says_which_failed_and_why(batch):
    root, outdir, done = batch
    entries = manifest(outdir)
    assert {key: e["name"] for key, e in entries.items()} == EXPECTED_FOLDERS
    broken = entries["units/broken"]
    assert broken["status"] == "unusable" and broken["exit_code"] == 2 and broken["outputs"] == []
    assert "broken/unit.yaml 第4行" in broken["messages"][0] and "YAML 语法错误" in broken["messages"][0]
    for key, entry in entries.items():
        if key != "units/broken":
            assert entry["status"] in ("ok", "warnings", "draft_with_errors"), entry
            assert len(entry["outputs"]) == 1 and (outdir / entry["outputs"][0]).is_file()
            assert entry["timings"]["pdf"] > 0 and entry["cpu_s"] > 0 and len(entry["hash"]) == 64
            assert entry["warnings"] == sum("[警告]" in m for m in entry["messages"]) or len(entry["messages"]) == 5
    # two copies of the same input give the same hash; the broken one its own
    assert entries["units/zaozhuang-2024"]["hash"] == entries["more/zaozhuang-2024"]["hash"]
    assert entries["units/broken"]["hash"] != entries["units/shanxi-2024"]["hash"]
    assert "输入无法使用 1 个" in done.stderr and "输入无法使用：" in done.stderr and "broken" in done.stderr
    raw = (outdir / "manifest.csv").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")                 # Excel reads the Chinese as UTF-8
    rows = list(csv.DictReader(raw.decode("utf-8-sig").splitlines()))
    assert len(rows) == 8
    by_name = {row["name"]: row for row in rows}
    assert by_name["broken"]["status"] == "unusable" and by_name["broken"]["状态"] == "输入无法使用"
    assert by_name["shanxi-2024-2"]["outputs"] == f"shanxi-2024-2/{SHANXI_TITLE}.pdf"


def test_unchanged_rerun_skips_and_a_changed_unit_is_rebuilt(batch):
    root, outdir, _ = batch
    before = manifest(outdir)
    text = (root / "units" / "shanxi-b" / "unit.yaml").read_text(encoding="utf-8")
    (root / "units" / "shanxi-b" / "unit.yaml").write_text(text + "\n# 改过\n", encoding="utf-8")
    done = juesuan("build", str(root / "units"), str(root / "more"), "-o", str(outdir), "--to", "pdf", "-j", "2")
    after = manifest(outdir)
    # only the changed unit and the broken one (never a success) were built again
    assert done.stdout.splitlines() == [str(outdir / "shanxi-b" / f"{SHANXI_TITLE}.pdf")]
    assert "未改变而跳过 6 个" in done.stderr
    assert after["units/shanxi-b"]["hash"] != before["units/shanxi-b"]["hash"]
    assert after["units/yanzhou-2024"]["finished"] == before["units/yanzhou-2024"]["finished"]
    assert done.returncode == 2


def expected_code(entries: list[dict]) -> int:
    return max((e["exit_code"] for e in entries), default=0)


def test_force_rebuilds_and_a_lost_output_is_rebuilt(batch, tmp_path):
    root, outdir, _ = batch
    before = manifest(outdir)
    (outdir / "shanxi-2024" / f"{SHANXI_TITLE}.pdf").unlink()          # more/shanxi-2024's output
    listing = tmp_path / "list.txt"
    listing.write_text(f"# 两个单位\n{root / 'more' / 'shanxi-2024'}\n\n{root / 'units' / 'shanxi-2024'}\n",
                       encoding="utf-8")
    done = juesuan("build", "--list", str(listing), "-o", str(outdir), "--to", "pdf", "-j", "2")
    after = manifest(outdir)
    assert done.returncode == expected_code([after["more/shanxi-2024"]]), done.stderr
    assert done.stdout.splitlines() == [str(outdir / "shanxi-2024" / f"{SHANXI_TITLE}.pdf")]
    assert after["units/shanxi-2024"] == before["units/shanxi-2024"]
    one = tmp_path / "one.txt"
    one.write_text(f"{root / 'units' / 'shanxi-2024'}\n", encoding="utf-8")
    forced = juesuan("build", "--list", str(one), "-o", str(outdir), "--to", "pdf", "-j", "2", "--force")
    after = manifest(outdir)
    assert forced.returncode == expected_code([after["units/shanxi-2024"]]), forced.stderr
    assert forced.stdout.splitlines() == [str(outdir / "shanxi-2024-2" / f"{SHANXI_TITLE}.pdf")]
    assert after["units/shanxi-2024"]["finished"] >= before["units/shanxi-2024"]["finished"]
    assert after["units/shanxi-2024"]["hash"] == before["units/shanxi-2024"]["hash"]
    assert len(after) == 8                               # entries of the earlier batch are kept


def test_a_worker_that_dies_fails_its_unit_alone(tmp_path):
    units = tmp_path / "units"
    for name in ("crash", "good"):
        shutil.copytree(INPUTS / "shanxi-2024", units / name)
    (units / "crash" / ".test-crash-worker").touch()     # the worker calls os._exit (test-only hook)
    outdir = tmp_path / "out"
    done = juesuan("build", str(units), "-o", str(outdir), "--to", "pdf", "-j", "2",
                   env={"JUESUAN_TEST_BATCH_HOOKS": "1"})
    assert done.returncode == 3, done.stderr
    assert done.stdout.splitlines() == [str(outdir / "good" / f"{SHANXI_TITLE}.pdf")]
    entries = manifest(outdir)
    crash = entries["units/crash"]
    assert crash["status"] == "failed" and crash["attempts"] == 2 and crash["outputs"] == []
    assert crash["messages"][0] == "生成进程异常退出（退出码 70）"
    assert entries["units/good"]["status"] in ("ok", "warnings", "draft_with_errors")
    assert "失败 1 个" in done.stderr and "失败：" in done.stderr and "crash" in done.stderr


def test_a_unit_past_its_time_limit_fails_after_one_retry(tmp_path):
    units = tmp_path / "units"
    shutil.copytree(INPUTS / "shanxi-2024", units / "hang")
    (units / "hang" / ".test-hang-worker").touch()
    (units / "broken").mkdir()
    (units / "broken" / "unit.yaml").write_text("unit: [\n", encoding="utf-8")
    outdir = tmp_path / "out"
    done = juesuan("build", str(units), "-o", str(outdir), "--to", "pdf", "-j", "2", "--timeout", "2",
                   env={"JUESUAN_TEST_BATCH_HOOKS": "1"})
    assert done.returncode == 3, done.stderr
    hang = manifest(outdir)["units/hang"]
    assert hang["status"] == "failed" and hang["attempts"] == 2
    assert hang["messages"] == ["超过时限（2 秒），已停止该单位的生成进程", "第一次尝试：超过时限（2 秒），已停止该单位的生成进程"]
    assert manifest(outdir)["units/broken"]["status"] == "unusable"
    assert not list(outdir.rglob(".*.tmp"))


def test_ctrl_c_stops_cleanly_with_130(tmp_path):
    units = tmp_path / "units"
    for name in ("hang-a", "hang-b", "hang-c"):
        shutil.copytree(INPUTS / "shanxi-2024", units / name)
        (units / name / ".test-hang-worker").touch()
    outdir = tmp_path / "out"
    process = subprocess.Popen([*JUESUAN, "build", str(units), "-o", str(outdir), "--to", "pdf", "-j", "2"],
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, start_new_session=True,
                               env={**os.environ, "JUESUAN_TEST_BATCH_HOOKS": "1"},
                               # as from a terminal: Ctrl-C at its default, whatever this test process inherited
                               preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))
    time.sleep(4)   # workers started and hanging (the time limit is 300 s)
    os.killpg(process.pid, signal.SIGINT)               # what a terminal's Ctrl-C sends: the whole group
    out, err = process.communicate(timeout=60)
    assert process.returncode == 130
    assert "已中断" in err and "Traceback" not in err
    time.sleep(0.5)
    alive = subprocess.run(["ps", "-o", "pid=,stat=", "-s", str(process.pid)], capture_output=True, text=True)
    assert [line for line in alive.stdout.splitlines() if "Z" not in line.split()[-1]] == []
    assert not list(outdir.rglob("*.pdf")) and not list(outdir.rglob(".*.tmp"))

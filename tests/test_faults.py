"""Faults: damaged and unusable caches, unwritable output locations, a full disk, vanished files, Ctrl-C,
kill -9 in the middle of a build and two builds into one directory. Each ends in a build that succeeds with
the same bytes, or a Chinese message naming the path with exit 2 — never an internal error, a half-written
output or a temp file left behind. Counts of the cases are in docs/reliability.md."""
from __future__ import annotations

import os
import random
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from generator.pipeline import run

ROOT = Path(__file__).resolve().parent.parent
CLEAN = Path(__file__).parent / "fixtures" / "clean-2024.yaml"
TITLE = "2024年度测试市测试局本级单位决算"


def juesuan(*args: str, env: dict | None = None, **options) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "generator", *args], capture_output=True, text=True, timeout=300,
                          cwd=ROOT, env={**os.environ, **(env or {})}, **options)


def temp_files(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name.endswith(".tmp"))


def whole(name: str, data: bytes) -> bool:
    """A complete output: a PDF that opens with all its pages, an HTML document that ends."""
    if name.endswith(".html"):
        return data.rstrip().endswith(b"</html>")
    import pypdfium2 as pdfium

    return len(pdfium.PdfDocument(data)) > 10 and data.rstrip().endswith(b"%%EOF")


# ---------------------------------------------------------------- the cache heals (generator/cache.py)

DAMAGE = ("truncate", "garble", "symlink to /dev/zero", "directory", "fifo")


def damage(path: Path, how: str) -> None:
    data = path.read_bytes()
    path.unlink()
    if how == "truncate":
        path.write_bytes(data[: len(data) // 2])
    elif how == "garble":
        path.write_bytes(data[:80] + bytes(b ^ 0x5A for b in data[80:]))
    elif how == "symlink to /dev/zero":
        path.symlink_to("/dev/zero")
    elif how == "directory":
        (path / "inside").mkdir(parents=True)
    elif how == "fifo":
        os.mkfifo(path)


@pytest.fixture(scope="module")
def clean_html(tmp_path_factory):
    """The HTML (charts inline as SVG and PNG) of a build with a fresh cache, and that cache."""
    cache = tmp_path_factory.mktemp("cache")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("JUESUAN_CACHE", str(cache))
        html = run(CLEAN, ("html",)).outputs["html"]
    assert list((cache / "charts").glob("*.json")) and list((cache / "templates").glob("*.bin"))
    return html, cache


@pytest.mark.parametrize("how", DAMAGE)
def test_damaged_cache_entries_are_made_again(clean_html, tmp_path, monkeypatch, capsys, how):
    html, kept = clean_html
    cache = tmp_path / "cache"
    shutil.copytree(kept, cache, symlinks=True)
    entries = [*(cache / "charts").glob("*.json"), *(cache / "templates").glob("*.bin")]
    for entry in entries:
        damage(entry, how)
    monkeypatch.setenv("JUESUAN_CACHE", str(cache))
    assert run(CLEAN, ("html",)).outputs["html"] == html
    assert "已丢弃并重新生成" in capsys.readouterr().err
    for entry in entries:                       # replaced by good, regular entries
        assert entry.is_file() and not entry.is_symlink()
    assert run(CLEAN, ("html",)).outputs["html"] == html
    assert "重新生成" not in capsys.readouterr().err


@pytest.mark.parametrize("where", ["a regular file", "under a regular file", "read-only", "HOME a regular file"])
def test_unusable_cache_location_builds_without_cache(clean_html, tmp_path, monkeypatch, capsys, where):
    html, _ = clean_html
    if where == "read-only":
        cache = tmp_path / "ro"
        cache.mkdir()
        if subprocess.run(["mount", "-t", "tmpfs", "-o", "ro,size=1m", "tmpfs", str(cache)],
                          capture_output=True).returncode:
            cache.chmod(0o500)
            if os.access(cache, os.W_OK):
                pytest.skip("cannot mount a read-only file system or drop write permission here")
    else:
        (tmp_path / "file").write_text("x")
        cache = tmp_path / "file" if where == "a regular file" else tmp_path / "file" / "cache"
    monkeypatch.setenv("JUESUAN_CACHE", str(cache))
    if where.startswith("HOME"):         # ~/.cache/juesuan under a HOME that is a file
        monkeypatch.delenv("JUESUAN_CACHE")
        monkeypatch.delenv("XDG_CACHE_HOME", raising=False)
        monkeypatch.setenv("HOME", str(cache))
    try:
        assert run(CLEAN, ("html",)).outputs["html"] == html
    finally:
        if where == "read-only":
            subprocess.run(["umount", str(cache)], capture_output=True)
    notices = [line for line in capsys.readouterr().err.splitlines() if "缓存目录" in line]
    assert len(notices) <= 1 and (not notices or "不使用缓存" in notices[0])


@pytest.fixture(scope="module")
def reference(tmp_path_factory):
    """One CLI build (PDF and HTML) with a fresh cache: the outputs every later build must reproduce."""
    root = tmp_path_factory.mktemp("reference")
    env = {"JUESUAN_CACHE": str(root / "cache")}
    done = juesuan("build", str(CLEAN), "-o", str(root / "out"), "--to", "pdf,html", env=env)
    assert done.returncode == 0, done.stderr
    return {p.name: p.read_bytes() for p in (root / "out").iterdir()}, root / "cache", env


def test_whole_cache_damaged_gives_the_same_pdf(reference, tmp_path):
    """Every cache there is (charts, templates, fonts, matplotlib's): each file garbled, truncated or made a
    symlink to /dev/zero."""
    outputs, kept, _ = reference
    cache = tmp_path / "cache"
    shutil.copytree(kept, cache, symlinks=True)
    files = [p for p in cache.rglob("*") if p.is_file() and not p.is_symlink()]
    assert files
    for i, path in enumerate(files):
        damage(path, ("garble", "symlink to /dev/zero", "truncate")[i % 3] if path.stat().st_size > 200 else "truncate")
    done = juesuan("build", str(CLEAN), "-o", str(tmp_path / "out"), "--to", "pdf", env={"JUESUAN_CACHE": str(cache)})
    assert done.returncode == 0, done.stderr
    assert (tmp_path / "out" / f"{TITLE}.pdf").read_bytes() == outputs[f"{TITLE}.pdf"]


# ---------------------------------------------------------------- OS errors are messages

@pytest.fixture(scope="module")
def mounts(tmp_path_factory):
    """A 64 KB tmpfs and a read-only one (root only); None where mount is not permitted."""
    root = tmp_path_factory.mktemp("mounts")
    made = {}
    for name, options in (("full", "size=64k"), ("readonly", "size=1m")):
        folder = root / name
        folder.mkdir()
        if subprocess.run(["mount", "-t", "tmpfs", "-o", options, "tmpfs", str(folder)],
                          capture_output=True).returncode == 0:
            made[name] = folder
    if "readonly" in made:
        (made["readonly"] / f"{TITLE}.html").write_bytes(b"old")
        subprocess.run(["mount", "-o", "remount,ro", str(made["readonly"])], check=True)
    yield made
    for folder in made.values():
        subprocess.run(["umount", str(folder)], capture_output=True)


@pytest.mark.parametrize("case, words", [
    ("under a regular file", "不是目录"),
    ("read-only file system", "只读文件系统"),
    ("full disk", "磁盘空间不足"),
    ("permission denied", "没有写入权限"),
])
def test_unwritable_output_location_is_a_message(tmp_path, mounts, case, words):
    out = tmp_path / "out"
    env = {}
    user = {}
    if case == "under a regular file":
        (tmp_path / "file").write_text("x")
        out = tmp_path / "file" / "out"
    elif case == "read-only file system":
        if "readonly" not in mounts:
            pytest.skip("mount is not permitted here")
        out = mounts["readonly"]
    elif case == "full disk":
        if "full" not in mounts:
            pytest.skip("mount is not permitted here")
        out = mounts["full"]
        (out / f"{TITLE}.html").write_bytes(b"old")
    else:
        out.mkdir()
        (out / f"{TITLE}.html").write_bytes(b"old")
        out.chmod(0o555)
        if os.geteuid() == 0:       # root writes anywhere: build as nobody, from world-readable copies
            shared = Path(os.environ.get("TMPDIR", "/tmp")) / f"juesuan-perm-{os.getpid()}"
            shutil.rmtree(shared, ignore_errors=True)
            (shared / "cache").mkdir(parents=True)
            shutil.copy(CLEAN, shared / "unit.yaml")
            shutil.copytree(out, shared / "out")
            (shared / "out").chmod(0o555)
            for folder in (shared, shared / "cache"):
                folder.chmod(0o777)
            out, env = shared / "out", {"JUESUAN_CACHE": str(shared / "cache"), "HOME": str(shared)}
            user = {"user": "nobody"}
    source = CLEAN if not user else out.parent / "unit.yaml"
    before = {p.name: p.read_bytes() for p in out.iterdir()} if out.is_dir() else None
    done = juesuan("build", str(source), "-o", str(out), "--to", "html", env=env, **user)
    assert done.returncode == 2, done.stderr
    assert words in done.stderr and str(out) in done.stderr
    assert "内部错误" not in done.stderr and "Traceback" not in done.stderr
    if before is not None:
        assert {p.name: p.read_bytes() for p in out.iterdir()} == before       # old output intact, no temp file
    if user:
        shutil.rmtree(out.parent, ignore_errors=True)


def test_input_that_vanishes_while_read_is_a_message(tmp_path, monkeypatch):
    from generator.errors import InputError
    from generator.input import load as loader

    source = tmp_path / "input"
    source.mkdir()
    shutil.copy(CLEAN, source / "unit.yaml")
    real = Path.read_bytes

    def vanish(path):
        if path.name == "unit.yaml":
            path.unlink()
        return real(path)

    monkeypatch.setattr(Path, "read_bytes", vanish)
    with pytest.raises(InputError, match="unit.yaml.*无法读取文件"):
        loader.load(source)


def test_os_error_during_a_build_is_exit_2_naming_the_path(monkeypatch, capsys):
    import generator.cli.build as command
    from generator.cli import run_cli

    def gone(*_args, **_kwargs):
        raise FileNotFoundError(2, "No such file or directory", "/profiles/mine/styles/print.css")

    monkeypatch.setattr(command, "run", gone)
    monkeypatch.setattr(sys, "argv", ["juesuan", "build", str(CLEAN)])
    with pytest.raises(SystemExit) as code:
        run_cli()
    err = capsys.readouterr().err
    assert code.value.code == 2 and "/profiles/mine/styles/print.css" in err and "不存在" in err


def test_ctrl_c_exits_130_in_chinese(tmp_path):
    # as from a terminal: Ctrl-C at its default, whatever this test process inherited (a worker may ignore it)
    process = subprocess.Popen([sys.executable, "-m", "generator", "build", str(CLEAN), "-o", str(tmp_path / "out"),
                                "--to", "pdf"], cwd=ROOT, stderr=subprocess.PIPE, text=True,
                               preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))
    time.sleep(1.0)
    process.send_signal(signal.SIGINT)
    _, err = process.communicate(timeout=120)
    assert process.returncode == 130, err
    assert "已中断" in err and "Aborted" not in err and "Traceback" not in err


# ---------------------------------------------------------------- kill -9 and two builds at once

def test_kill_9_at_random_moments_leaves_old_outputs_and_the_next_build_cleans_up(reference, tmp_path):
    old, _, env = reference
    out = tmp_path / "out"
    out.mkdir()
    for name, data in old.items():
        (out / name).write_bytes(data)
    dead = subprocess.Popen(["true"])      # a process id that is certainly gone: its temp file is stale
    dead.wait()
    (out / f".{TITLE}.pdf.{dead.pid}.k2l4x9aa.tmp").write_bytes(b"half")
    command = [sys.executable, "-m", "generator", "build", str(CLEAN), "-o", str(out), "--to", "pdf,html"]
    for moment in random.Random(21).sample([x / 10 for x in range(2, 40)], 3):
        process = subprocess.Popen(command, cwd=ROOT, env={**os.environ, **env}, stdout=subprocess.DEVNULL,
                                   stderr=subprocess.DEVNULL)
        time.sleep(moment)
        process.kill()
        process.wait()
        kept = {p.name: p.read_bytes() for p in out.iterdir() if not p.name.endswith(".tmp")}
        assert sorted(kept) == sorted(old), f"killed at {moment} s"
        for name, data in kept.items():         # the old output or a whole new one, never part of one
            assert data == old[name] or whole(name, data), f"{name} killed at {moment} s"
    last = juesuan("build", str(CLEAN), "-o", str(out), "--to", "pdf,html", env=env)
    assert last.returncode == 0, last.stderr
    assert temp_files(out) == [] and sorted(p.name for p in out.iterdir()) == sorted(old)
    assert all(whole(p.name, p.read_bytes()) for p in out.iterdir())


def test_two_builds_into_one_directory_each_write_whole_files(reference, tmp_path):
    outputs, _, env = reference
    out = tmp_path / "out"
    builds = [subprocess.Popen([sys.executable, "-m", "generator", "build", str(CLEAN), "-o", str(out), "--to", "pdf"],
                               cwd=ROOT, env={**os.environ, **env}, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                               text=True) for _ in range(2)]
    for build in builds:
        _, err = build.communicate(timeout=300)
        assert build.returncode == 0, err
    assert temp_files(out) == [] and [p.name for p in out.iterdir()] == [f"{TITLE}.pdf"]
    assert whole("pdf", (out / f"{TITLE}.pdf").read_bytes())

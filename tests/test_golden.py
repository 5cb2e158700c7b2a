"""Golden files: every example under every profile it fits, rebuilt and compared by text and pixels.

The comparison is generator.compare (page text + rasterized pixels within a tolerance), never bytes, so a
WeasyPrint release that only changes the byte layout does not fail. Refresh deliberately after an intended
change (rewrites only goldens whose rendering changed, removes goldens of dropped pairs):
    JUESUAN_UPDATE_GOLDEN=1 .venv/bin/python -m pytest tests/test_golden.py
On a mismatch, diff images (page-NNN.png, page-NNN-side.png) and the new file go to
tests/_artifacts/golden-diff/<example>__<profile>/.
"""
from __future__ import annotations

import atexit
import contextlib
import os
import re
import shutil
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import pytest

from conftest import INPUTS, ROOT
from generator.pipeline import Result, run
from generator.compare import compare_pdfs
from generator.compare.docx import Snapshot, compare_snapshots, snapshot
from generator.profile import builtin_profiles

# (example, profile): an example fits the profile named in its unit.profile and every other non-base
# profile whose table list it can fill without 【待补充】 (the same pairs as FITS in tests/test_profiles.py;
# test_golden_pairs_cover_profiles_and_examples keeps both in step with builtin_profiles()).
GOLDEN_PAIRS = [
    ("yanzhou-2024", "shandong-2024"),
    ("zaozhuang-2024", "shandong-2024"),
    ("yanzhou-2024", "shandong-2020"),
    ("zaozhuang-2024", "shandong-2020"),
    ("shanxi-2024", "shanxi-2024"),
]
GOLDEN = Path(__file__).parent / "golden"
ARTIFACTS = Path(__file__).parent / "_artifacts" / "golden-diff"
UPDATE = bool(os.environ.get("JUESUAN_UPDATE_GOLDEN"))
REFRESH = "JUESUAN_UPDATE_GOLDEN=1 .venv/bin/python -m pytest tests/test_golden.py"


def key(example: str, profile: str) -> str:
    return f"{example}__{profile}"


@dataclass
class Build:
    """A build from a path relative to `cwd` (draft pages print input paths as given: keep them relative)."""
    cwd: Path
    result: Result

    @property
    def pdf(self) -> bytes:
        return self.result.outputs["pdf"]

    def docx(self) -> bytes:
        with contextlib.chdir(self.cwd):
            r = self.result
            return docx_renderer()(r.html, r.profile, r.loaded.base_dir)


def build_at(cwd: Path, relative: str, profile: str) -> Build:
    with contextlib.chdir(cwd):
        return Build(cwd, run(relative, ("pdf",), profile=profile))


@lru_cache(maxsize=None)
def rebuilt(example: str, profile: str) -> Build:
    return build_at(ROOT, f"inputs/{example}", profile)


def _copy_example(example: str) -> Path:
    """A copy of inputs/<example> in a temporary folder kept for the session; returns the folder."""
    folder = Path(tempfile.mkdtemp(prefix="juesuan-golden-"))
    atexit.register(shutil.rmtree, folder, True)
    shutil.copytree(INPUTS / example, folder / example)
    return folder


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{path.name} 中没有 {old}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


@lru_cache(maxsize=1)
def one_cent_builds() -> tuple[Build, Build]:
    """yanzhou-2024 before and after 公开06表 30101 基本工资 100.22 → 100.23, built from the same path."""
    folder = _copy_example("yanzhou-2024")
    before = build_at(folder, "yanzhou-2024", "shandong-2024")
    _edit(folder / "yanzhou-2024" / "tables.yaml", "100.22", "100.23")
    return before, build_at(folder, "yanzhou-2024", "shandong-2024")


def docx_renderer():
    """generator.render.docx.docx_bytes; None while that module does not exist (DOCX checks skip).
    A module that exists but fails to import yields a renderer that raises, so the DOCX tests fail."""
    try:
        from generator.render.docx import docx_bytes
    except ModuleNotFoundError as exc:
        if exc.name == "generator.render.docx":
            return None
        error = exc
    except Exception as exc:  # noqa: BLE001 — reported by the tests that use it
        error = exc
    else:
        return docx_bytes

    def broken(*_args, **_kwargs):
        raise RuntimeError(f"generator.render.docx 无法导入：{type(error).__name__}: {error}") from error

    return broken


def _fresh_artifacts(name: str) -> Path:
    out = ARTIFACTS / name
    shutil.rmtree(out, ignore_errors=True)
    return out


@pytest.mark.parametrize("example,profile", GOLDEN_PAIRS, ids=[key(*p) for p in GOLDEN_PAIRS])
def test_pdf_matches_golden(example, profile):
    name = key(example, profile)
    new = rebuilt(example, profile).pdf
    golden = GOLDEN / f"{name}.pdf"
    out = _fresh_artifacts(name)
    if UPDATE:
        if not golden.exists() or not compare_pdfs(golden, new).identical:
            golden.write_bytes(new)
            pytest.skip(f"已更新金标准 {golden.name}")
        pytest.skip(f"金标准 {golden.name} 渲染未变，未改写")
    assert golden.exists(), f"缺少金标准 {golden}；确认输出无误后运行：{REFRESH}"
    result = compare_pdfs(golden, new, out, sides=True)
    if result.identical:
        shutil.rmtree(out, ignore_errors=True)
        return
    (out / "new.pdf").write_bytes(new)
    from generator.compare import pdf_report, pdf_summary

    report = "\n".join(pdf_report(result, 6, False))
    pytest.fail(f"{name} 与金标准不同：{pdf_summary(result)}\n{report}\n差异图与新 PDF 见 {out}/；"
                f"若改动是有意的，运行：{REFRESH}", pytrace=False)


@pytest.mark.parametrize("example,profile", GOLDEN_PAIRS, ids=[key(*p) for p in GOLDEN_PAIRS])
def test_docx_matches_golden_snapshot(example, profile):
    docx_bytes = docx_renderer()
    if docx_bytes is None:
        pytest.skip("generator.render.docx 尚不可用")
    name = key(example, profile)
    data = rebuilt(example, profile).docx()
    new = snapshot(data)
    golden = GOLDEN / f"{name}.docx.json"
    out = _fresh_artifacts(f"{name}.docx")
    if UPDATE:
        if not golden.exists() or not compare_snapshots(Snapshot.from_json(golden.read_text("utf-8")), new).identical:
            golden.write_text(new.to_json(), encoding="utf-8")
            pytest.skip(f"已更新金标准 {golden.name}")
        pytest.skip(f"金标准 {golden.name} 未变，未改写")
    assert golden.exists(), f"缺少金标准 {golden}；确认输出无误后运行：{REFRESH}"
    result = compare_snapshots(Snapshot.from_json(golden.read_text("utf-8")), new)
    if result.identical:
        return
    from generator.compare import docx_report, docx_summary

    out.mkdir(parents=True)
    (out / "new.docx").write_bytes(data)
    report = "\n".join(docx_report(result, 1000, True))
    (out / "diff.txt").write_text(report + "\n", encoding="utf-8")
    pytest.fail(f"{name} 的 DOCX 与金标准不同：{docx_summary(result)}\n{report[:3000]}\n"
                f"全文差异与新 DOCX 见 {out}/；若改动是有意的，运行：{REFRESH}", pytrace=False)


def test_golden_pairs_cover_profiles_and_examples():
    from generator.input.load import load

    examples = sorted(p.name for p in INPUTS.iterdir() if (p / "unit.yaml").is_file())
    own = {(e, load(INPUTS / e).unit.unit.profile) for e in examples}
    assert not own - set(GOLDEN_PAIRS), f"示例在自己的版式下没有金标准，请加入 GOLDEN_PAIRS：{own - set(GOLDEN_PAIRS)}"
    uncovered = set(builtin_profiles()) - {"base"} - {p for _, p in GOLDEN_PAIRS}
    assert not uncovered, f"版式没有任何金标准，请把适用的示例加入 GOLDEN_PAIRS 后运行 {REFRESH}：{uncovered}"
    wanted = {f"{key(*p)}{suffix}" for p in GOLDEN_PAIRS for suffix in (".pdf", ".docx.json")}
    orphans = sorted(f.name for f in GOLDEN.iterdir() if f.is_file() and f.name not in wanted)
    if UPDATE:
        for name in orphans:
            (GOLDEN / name).unlink()
        orphans = []
    assert not orphans, f"tests/golden 中有不属于 GOLDEN_PAIRS 的文件：{orphans}（{REFRESH} 会删除它们）"
    try:
        from test_profiles import FITS
    except ImportError:
        return
    assert set(GOLDEN_PAIRS) == set(FITS), "GOLDEN_PAIRS 应与 tests/test_profiles.py 的 FITS 相同"


def test_goldens_stay_small():
    sizes = {f.name: f.stat().st_size for f in GOLDEN.iterdir() if f.is_file()}
    assert all(size < 1_500_000 for size in sizes.values()), sizes


def test_one_changed_figure_is_caught_on_its_page(tmp_path):
    """The 公开06表 page and every page printing the figure are named; the change does not spread."""
    import pypdfium2 as pdfium

    before, after = one_cent_builds()
    texts = [page.get_textpage().get_text_range() for page in pdfium.PdfDocument(after.pdf)]
    table_page = next(i for i, t in enumerate(texts) if "公开06表" in t and "30101" in t) + 1
    printing = {i + 1 for i, t in enumerate(texts) if "100.23" in t}
    result = compare_pdfs(before.pdf, after.pdf, tmp_path / "diff")
    assert table_page in result.changed()
    assert printing <= set(result.changed()), (printing, result.changed())
    assert len(result.changed()) + len(result.added()) < len(texts) / 4, result.changed()
    assert (tmp_path / "diff" / f"page-{table_page:03d}.png").exists()


# ---------------------------------------------------------------- stability across machines


def test_empty_font_cache_gives_byte_identical_pdf(tmp_path):
    """Font preparation is deterministic: a fresh JUESUAN_CACHE yields the same bytes as the usual cache."""
    cache = tmp_path / "cache"
    cache.mkdir()
    env = {**os.environ, "JUESUAN_CACHE": str(cache)}
    done = subprocess.run([sys.executable, "-m", "generator", "build", "inputs/yanzhou-2024",
                           "-o", str(tmp_path / "out"), "--to", "pdf"],
                          cwd=ROOT, env=env, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    assert list((cache / "fonts").iterdir()), "字体应已在空缓存目录中重新准备"
    written = ROOT / done.stdout.strip().splitlines()[-1]
    assert written.read_bytes() == rebuilt("yanzhou-2024", "shandong-2024").pdf


BINARY_STREAM = re.compile(rb"/Length[123]\b|/FontFile|/Subtype\s*/(?:Image|OpenType|CIDFontType0C|Type1C)"
                           rb"|/Type\s*/XRef|/FunctionType|/N\s+[134]\b")


def _searchable(pdf: bytes) -> str:
    """Dictionaries, decompressed text-like streams (content, object streams, CMaps), decoded strings,
    page text and metadata; compressed bodies and binary streams (fonts, images, ICC) are left out."""
    import zlib

    import pypdfium2 as pdfium

    parts, pos = [], 0
    for match in re.finditer(rb"stream\r?\n", pdf):
        if match.start() < pos:
            continue
        end = pdf.find(b"endstream", match.end())
        head = pdf[pos:match.start()]
        parts.append(head)
        if not BINARY_STREAM.search(head.rsplit(b"obj", 1)[-1]):
            try:
                parts.append(zlib.decompressobj().decompress(pdf[match.end():end]))
            except zlib.error:
                pass
        pos = end + len(b"endstream")
    raw = b"\n".join([*parts, pdf[pos:]])
    text = [raw.decode("latin-1")]
    for hexa in re.findall(rb"<FEFF([0-9A-Fa-f]+)>", raw):
        text.append(bytes.fromhex(hexa.decode()[: len(hexa) // 4 * 4]).decode("utf-16-be", "replace"))
    for literal in re.findall(rb"\(\xfe\xff((?:\\.|[^\\)])*)\)", raw, re.S):
        text.append(literal.decode("utf-16-be", "replace"))
    document = pdfium.PdfDocument(pdf)
    text += [page.get_textpage().get_text_range() for page in document]
    text += [str(v) for v in document.get_metadata_dict().values()]
    return "\n".join(text)


def _machine_markers() -> list[str]:
    """Path prefixes, this checkout, user, host and today's date (local and UTC) in the usual forms."""
    import datetime
    import getpass
    import socket

    markers = ["/tmp", "/root", "/home", str(ROOT), tempfile.gettempdir(), os.path.expanduser("~")]
    for who in (getpass.getuser(), socket.gethostname()):
        markers.append(rf"(?<![A-Za-z0-9_]){re.escape(who)}(?![A-Za-z0-9_])")
    days = {datetime.date.today(), datetime.datetime.now(datetime.timezone.utc).date()}
    for d in days:
        y, m, n = d.year, d.month, d.day
        markers += [f"{y}-{m:02}-{n:02}", f"{y}{m:02}{n:02}", f"{y}/{m}/{n}", f"{y}/{m:02}/{n:02}",
                    f"{y}.{m:02}.{n:02}", f"{y}年{m}月{n}日", f"{y}年{m:02}月{n:02}日"]
    return [m if m.startswith("(?<!") else re.escape(m) for m in dict.fromkeys(markers) if m not in ("", "/")]


def machine_leaks(pdf: bytes) -> list[str]:
    text = _searchable(pdf)
    return [marker for marker in _machine_markers() if re.search(marker, text)]


@pytest.mark.parametrize("example,profile", GOLDEN_PAIRS, ids=[key(*p) for p in GOLDEN_PAIRS])
def test_pdf_has_no_machine_paths_user_host_or_today(example, profile):
    assert not machine_leaks(rebuilt(example, profile).pdf)


def test_draft_from_an_absolute_path_leaks_no_path(tmp_path):
    """Input given as an absolute path, with a validation error so the draft opens with its findings page."""
    folder = _copy_example("yanzhou-2024")
    _edit(folder / "yanzhou-2024" / "tables.yaml", "total: {total: 336.88,", "total: {total: 346.88,")
    result = run(folder / "yanzhou-2024", ("pdf",), profile="shandong-2024")
    assert any(f.severity == "错误" for f in result.findings)
    leaks = machine_leaks(result.outputs["pdf"])
    assert not leaks, f"PDF 含有本机路径、用户名、主机名或今天的日期：{leaks}（输入在 {folder}）"


def test_docx_is_deterministic_and_has_no_machine_markers():
    import datetime
    import io
    import zipfile

    if docx_renderer() is None:
        pytest.skip("generator.render.docx 尚不可用")
    build = rebuilt("yanzhou-2024", "shandong-2024")
    data = build.docx()
    assert data == build.docx()
    archive = zipfile.ZipFile(io.BytesIO(data))
    text = "\n".join(archive.read(n).decode("utf-8", "replace") for n in archive.namelist()
                     if n.endswith((".xml", ".rels")))
    assert not [m for m in _machine_markers() if re.search(m, text)]
    assert all(datetime.date(*i.date_time[:3]) != datetime.date.today() for i in archive.infolist())


def test_leak_check_sees_metadata_and_text():
    """The check itself must be able to fail: plant a path and today's date in a title and a page."""
    import datetime

    from weasyprint import HTML

    today = datetime.date.today().isoformat()
    pdf = HTML(string=f"<title>{ROOT} {today}</title><p>/home/someone</p>").write_pdf()
    leaks = machine_leaks(pdf)
    assert re.escape(str(ROOT)) in leaks and re.escape(today) in leaks and re.escape("/home") in leaks, leaks


def test_golden_comparison_is_text_and_pixels_not_bytes(tmp_path):
    """A re-written file (other byte layout, same rendering) compares identical; a real change does not."""
    import io

    import pypdfium2 as pdfium

    original = rebuilt("yanzhou-2024", "shandong-2024").pdf
    buffer = io.BytesIO()
    pdfium.PdfDocument(original).save(buffer)
    relaid = buffer.getvalue()
    assert relaid != original
    assert compare_pdfs(original, relaid, tmp_path / "same").identical
    assert not list((tmp_path / "same").glob("*.png"))
    assert not compare_pdfs(original, one_cent_builds()[1].pdf).identical

"""Input text is data: no markup, template code, file access or network from inputs or profile templates;
outputs are replaced only by a successful build."""
from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import zlib
from pathlib import Path

import pypdfium2 as pdfium
import pytest
import yaml

from conftest import INPUTS, normalize
from generator.pipeline import run
from generator.outputs import write_atomically
from generator.profile import ProfileError
from generator.render.pdf.engine import ConfinedFetcher

CLEAN = Path(__file__).parent / "fixtures" / "clean-2024.yaml"
PAYLOAD = '<img src="file:///etc/passwd">{{ 7*7 }}<script>x</script><link href="file:///etc/passwd">'
MARKDOWN = ("[链接](http://example.com/x) ![图片](file:///etc/passwd) <b>粗体</b> "
            '<a href="http://example.com/">锚</a> <https://example.com/auto>')
PASSWD = "root:x:0"


def juesuan(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "generator", *args], capture_output=True, text=True, timeout=300)


def hostile_input(folder: Path) -> Path:
    data = yaml.safe_load(CLEAN.read_text(encoding="utf-8"))
    data["unit"]["name"] = "测试局" + PAYLOAD
    data["overview"]["duties"] = f"（一）{PAYLOAD}\n\n（二）{MARKDOWN}"
    data["reasons"]["total"] = "压减开支" + PAYLOAD
    data["tables"]["gpb"]["rows"][0]["name"] = "行政运行" + PAYLOAD
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "unit.yaml").write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return folder


@pytest.fixture(scope="module")
def hostile(tmp_path_factory):
    folder = hostile_input(tmp_path_factory.mktemp("hostile") / "input")
    result = run(folder, ("pdf", "html"))
    pdf = pdfium.PdfDocument(result.outputs["pdf"])
    text = "\n".join(page.get_textpage().get_text_range() for page in pdf)
    return result, pdf, normalize(re.sub(r"(?m)^\s*— \d+ —\s*$", "", text))


def _streams(data: bytes) -> list[bytes]:
    """Every stream of the PDF, inflated where it is Flate-compressed."""
    out = []
    for match in re.finditer(rb"stream\r?\n(.*?)\r?\nendstream", data, re.S):
        try:
            out.append(zlib.decompress(match.group(1)))
        except zlib.error:
            out.append(match.group(1))
    return out


def test_payload_prints_literally_in_the_pdf(hostile):
    _, _, text = hostile
    literal = normalize(PAYLOAD)
    assert text.count(literal) >= 4, "name (cover), duties, reason and table row name"
    assert text.count(normalize("{{ 7*7 }}")) == text.count(literal)
    assert normalize('<img src="file:///etc/passwd">') + "49" not in text


def test_nothing_of_etc_passwd_reaches_the_pdf(hostile):
    result, pdf, text = hostile
    data = result.outputs["pdf"]
    assert PASSWD.encode() not in data
    assert not [s for s in _streams(data) if PASSWD.encode() in s]
    assert PASSWD not in text
    assert pdf.count_attachments() == 0


def test_html_escapes_the_payload(hostile):
    result, _, _ = hostile
    for html in (result.html, result.outputs["html"].decode("utf-8")):
        assert '<img src="file:' not in html and "<script" not in html.lower()
        assert '<link href="file:' not in html and PASSWD not in html
        assert "&lt;img src=" in html and "{{ 7*7 }}" in html
        assert "49" not in re.sub(r"\s", "", html).split("&lt;img")[1][:60]


def test_markdown_html_links_and_images_stay_literal(hostile):
    result, _, text = hostile
    duties = result.html.split('id="overview-duties"')[1].split("</section>")[0]
    assert "<a " not in duties and "<img" not in duties and "<b>" not in duties
    for literal in ("[链接](http://example.com/x)", "![图片](file:///etc/passwd)", "<b>粗体</b>",
                    '<a href="http://example.com/">锚</a>', "<https://example.com/auto>"):
        assert normalize(literal) in text, literal


# ---------------------------------------------------------------- WeasyPrint's fetcher

@pytest.fixture
def fetcher(tmp_path):
    root = tmp_path / "root"
    (root / "sub").mkdir(parents=True)
    (root / "sub" / "a.css").write_text("p { color: black }", encoding="utf-8")
    (root / "link").symlink_to("/etc/passwd")
    (root / "dirlink").symlink_to("/etc")
    return ConfinedFetcher([root]), root


def test_fetcher_serves_files_under_its_roots_and_data_urls(fetcher):
    confined, root = fetcher
    assert confined.fetch((root / "sub" / "a.css").as_uri()).read() == b"p { color: black }"
    assert confined.fetch("data:text/plain,hello").read() == b"hello"


@pytest.mark.parametrize("url", [
    "file:///etc/passwd", "FILE:///etc/passwd", "file://localhost/etc/passwd", "file:/etc/passwd",
    "{root}/../../../etc/passwd", "{root}/sub/%2e%2e/%2e%2e/%2e%2e/%2e%2e/etc/passwd", "{root}/link",
    "{root}/dirlink/passwd", "http://127.0.0.1:9/", "https://example.com/font.woff", "ftp://example.com/x",
    "//example.com/x", "javascript:alert(1)", "file:///proc/self/environ"])
def test_fetcher_refuses_everything_else(fetcher, url):
    confined, root = fetcher
    url = url.format(root=root.as_uri())
    with pytest.raises(ValueError, match="refused|Not an absolute URI"):
        confined.fetch(url)


# ---------------------------------------------------------------- sandboxed templates

def _profile(tmp_path: Path, cover: str) -> Path:
    folder = tmp_path / "evil-profile"
    (folder / "templates").mkdir(parents=True)
    (folder / "profile.yaml").write_text("extends: shandong-2024\n", encoding="utf-8")
    (folder / "templates" / "cover.html.j2").write_text(cover, encoding="utf-8")
    return folder


@pytest.mark.parametrize("cover", [
    "{{ ''.__class__.__mro__ }}",
    "{{ cycler.__init__.__globals__.os.system('touch {marker}') }}",
    "{{ f.data.__class__.__init__.__globals__ }}",
    "{{ u.__dict__ }}",
    "{{ words.__globals__ }}",
])
def test_profile_template_cannot_reach_python_internals(tmp_path, cover):
    marker = tmp_path / "pwned"
    profile = _profile(tmp_path, cover.replace("{marker}", str(marker)))
    with pytest.raises(ProfileError):
        run(CLEAN, ("html",), profile=str(profile))
    assert not marker.exists()
    done = juesuan("build", str(CLEAN), "--profile", str(profile), "-o", str(tmp_path / "out"), "--to", "html")
    assert done.returncode == 2 and "Traceback" not in done.stderr and "模板" in done.stderr
    assert not (tmp_path / "out").exists()


def test_input_wording_is_not_template_code(tmp_path):
    data = yaml.safe_load(CLEAN.read_text(encoding="utf-8"))
    data["wording"] = {"compare": "{{ 7*7 }}{year}{__class__}"}
    (tmp_path / "unit.yaml").write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    html = run(tmp_path, ("html",)).html
    assert "{{ 7*7 }}2024{__class__}" in html


# ---------------------------------------------------------------- atomic outputs

def test_failed_build_leaves_the_previous_output_untouched(tmp_path):
    source = tmp_path / "input"
    source.mkdir()
    (source / "unit.yaml").write_text(CLEAN.read_text(encoding="utf-8"), encoding="utf-8")
    out = tmp_path / "out"
    first = juesuan("build", str(source), "-o", str(out), "--to", "pdf,html")
    assert first.returncode == 0, first.stderr
    written = {p: (p.read_bytes(), p.stat().st_mtime_ns) for p in out.iterdir()}
    assert len(written) == 2
    (source / "unit.yaml").write_text(CLEAN.read_text(encoding="utf-8") + "tables: [broken\n", encoding="utf-8")
    second = juesuan("build", str(source), "-o", str(out), "--to", "pdf,html")
    assert second.returncode == 2 and "Traceback" not in second.stderr
    assert {p: (p.read_bytes(), p.stat().st_mtime_ns) for p in out.iterdir()} == written
    erroneous = tmp_path / "erroneous"
    shutil.copytree(INPUTS / "yanzhou-2024", erroneous)
    tables = (erroneous / "tables.yaml").read_text(encoding="utf-8")
    (erroneous / "tables.yaml").write_text(tables.replace("total: {total: 336.88", "total: {total: 336.89", 1),
                                           encoding="utf-8")
    refused = juesuan("build", str(erroneous), "--final", "-o", str(out), "--to", "html")
    assert refused.returncode == 1
    assert {p: (p.read_bytes(), p.stat().st_mtime_ns) for p in out.iterdir()} == written
    assert not [p for p in out.iterdir() if p.name.startswith(".") or p.suffix == ".tmp"]


def test_interrupted_write_keeps_the_old_file_and_no_temp_file(tmp_path, monkeypatch):
    target = tmp_path / "out" / "决算.pdf"
    write_atomically(target, b"old")

    def fail(_fd):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "fsync", fail)
    with pytest.raises(OSError):
        write_atomically(target, b"new" * 1000)
    assert target.read_bytes() == b"old"
    assert [p.name for p in target.parent.iterdir()] == ["决算.pdf"]


# ---------------------------------------------------------------- hostile YAML

def test_yaml_alias_bomb_is_refused_quickly(tmp_path):
    lines = ["unit: {name: 测试, scope: 单位, year: 2024}", "x0: &a0 [x, x, x, x, x, x, x, x, x]"]
    lines += [f"x{i}: &a{i} [" + ", ".join([f"*a{i - 1}"] * 9) + "]" for i in range(1, 9)]
    (tmp_path / "unit.yaml").write_text("\n".join(lines) + "\n", encoding="utf-8")
    try:
        done = subprocess.run([sys.executable, "-m", "generator", "validate", str(tmp_path)], capture_output=True,
                              text=True, timeout=10)
    except subprocess.TimeoutExpired:
        pytest.fail("validate did not finish within 10 s")
    assert done.returncode == 2 and "Traceback" not in done.stderr

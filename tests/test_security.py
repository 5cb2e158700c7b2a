"""Input text is data: no markup, template code, file access or network from inputs or profile templates;
outputs are replaced only by a successful build."""
from __future__ import annotations

import io
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
    data["wording"] = {"compare": "{{ 7*7 }}{year}{% if 1 %}x{% endif %}"}
    (tmp_path / "unit.yaml").write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    html = run(tmp_path, ("html",)).html
    assert "{{ 7*7 }}2024{% if 1 %}x{% endif %}" in html


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


# ---------------------------------------------------------------- bounded templates (compose/sandbox.py)

@pytest.fixture
def quick_budget(monkeypatch):
    import generator.compose.sandbox as sandbox

    monkeypatch.setattr(sandbox, "RENDER_SECONDS", 1.0)


LOOPS = "循环次数过多|模板运行超过"      # whichever limit a loaded machine reaches first


@pytest.mark.parametrize("cover, what", [
    ("{% for a in range(100000) %}{% for b in range(100000) %}{% endfor %}{% endfor %}", LOOPS),
    ("{% for a in range(10000) %}{% for b in range(10000) %}x{% endfor %}{% endfor %}", LOOPS),
    ("{% set s = range(3000) | list %}{% for a in s %}{% for b in s %}{{ b }}{% endfor %}{% endfor %}", "模板运行超过"),
    ("{% set s = 'a' * 100000 %}{% for a in s %}{% for b in s %}{% endfor %}{% endfor %}", "模板运行超过"),
    ("{% macro m(n) %}{{ m(n + 1) }}{% endmacro %}{{ m(1) }}", "递归过深"),
    ("\n\n{{ 1 / 0 }}", "除以零"),
    ("{{ range(10 ** 9) | list }}", r"range\(\) 过大"),
    ("{{ 'x' * 10 ** 9 }}", "过长"),
    ("{{ 'x' | center(10 ** 9) }}", "过大"),
    ("{{ '%999999999s' | format(1) }}", "格式宽度过大"),
    ("{{ '{:>999999999}'.format(1) }}", "格式宽度过大"),
    ("{{ 7 ** 99999999 }}", "乘方结果过大"),
])
def test_template_that_hangs_or_errs_names_its_file_and_line(tmp_path, quick_budget, cover, what):
    profile = _profile(tmp_path, cover)
    with pytest.raises(ProfileError) as caught:
        run(CLEAN, ("html",), profile=str(profile))
    message = str(caught.value)
    assert re.search(what, message) and "cover.html.j2" in message
    assert f"第{cover.count(chr(10)) + 1}行" in message


def test_template_error_is_exit_2_through_the_cli(tmp_path):
    profile = _profile(tmp_path, "{{ 1 // 0 }}")
    done = juesuan("build", str(CLEAN), "--profile", str(profile), "-o", str(tmp_path / "out"), "--to", "html")
    assert done.returncode == 2, done.stderr
    assert "cover.html.j2 第1行" in done.stderr and "除以零" in done.stderr and "内部错误" not in done.stderr


# ---------------------------------------------------------------- nothing read outside its directory

SECRET = "不应出现的外部内容"


@pytest.fixture
def outside(tmp_path):
    folder = tmp_path / "outside"
    folder.mkdir()
    (folder / "cover.html.j2").write_text(SECRET, encoding="utf-8")
    (folder / "extra.css").write_text(f'body::after {{ content: "{SECRET}" }}', encoding="utf-8")
    (folder / "report.md").write_text(f"# 报告\n\n{SECRET}\n", encoding="utf-8")
    (folder / "a.pdf").write_bytes(b"%PDF-1.4 not read")
    return folder


def _linked_profile(tmp_path, outside, kind: str) -> Path:
    folder = _profile(tmp_path, "{% include 'tables/extra.html.j2' %}")
    (folder / "styles").mkdir()
    if kind == "template":
        (folder / "templates" / "cover.html.j2").unlink()
        (folder / "templates" / "cover.html.j2").symlink_to(outside / "cover.html.j2")
    elif kind == "stylesheet":
        (folder / "styles" / "extra.css").symlink_to(outside / "extra.css")
    elif kind == "directory":
        (folder / "templates" / "tables").symlink_to(outside)
    return folder


@pytest.mark.parametrize("kind", ["template", "stylesheet", "directory"])
def test_profile_symlink_leading_outside_is_refused(tmp_path, outside, kind):
    profile = _linked_profile(tmp_path, outside, kind)
    with pytest.raises(ProfileError) as caught:
        run(CLEAN, ("html",), profile=str(profile))
    assert "符号链接" in str(caught.value) and str(outside) in str(caught.value)


def test_input_that_ships_a_profile_cannot_link_outside(tmp_path, outside):
    source = tmp_path / "input"
    source.mkdir()
    data = yaml.safe_load(CLEAN.read_text(encoding="utf-8"))
    data["unit"]["profile"] = "./my-profile"
    (source / "unit.yaml").write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    profile = _linked_profile(tmp_path, outside, "stylesheet")
    shutil.move(str(profile), source / "my-profile")
    done = juesuan("build", str(source), "-o", str(tmp_path / "out"), "--to", "pdf")
    assert done.returncode == 2 and "符号链接" in done.stderr and "extra.css" in done.stderr
    assert not (tmp_path / "out").exists()


def _with_attachment(tmp_path: Path, field: str, target: str) -> Path:
    source = tmp_path / "input"
    source.mkdir(exist_ok=True)
    data = yaml.safe_load(CLEAN.read_text(encoding="utf-8"))
    if field == "report":
        data["performance"]["key_evaluations"][0]["report"] = target
    else:
        data["attachments"] = [{"title": "附件", field: target}]
    (source / "unit.yaml").write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return source


@pytest.mark.parametrize("field, name", [("report", "report.md"), ("markdown", "report.md"), ("pdf", "a.pdf")])
def test_input_symlink_leading_outside_is_refused(tmp_path, outside, field, name):
    from generator.input.load import InputError, load

    source = _with_attachment(tmp_path, field, f"files/{name}")
    (source / "files").mkdir()
    (source / "files" / name).symlink_to(outside / name)
    with pytest.raises(InputError) as caught:
        load(source)
    assert "符号链接" in str(caught.value) and f"files/{name}" in str(caught.value)
    (source / "files" / name).unlink()
    (source / "files").rmdir()
    (source / "files").symlink_to(outside)               # a symlinked directory
    with pytest.raises(InputError, match="符号链接"):
        load(source)


def test_prior_path_stays_beside_the_input(tmp_path, monkeypatch):
    from generator.input.load import InputError, load

    source = tmp_path / "a" / "b" / "input"
    source.mkdir(parents=True)
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (elsewhere / "unit.yaml").write_text(CLEAN.read_text(encoding="utf-8"), encoding="utf-8")
    data = yaml.safe_load(CLEAN.read_text(encoding="utf-8"))
    data["prior"] = {"path": "../../../elsewhere"}
    (source / "unit.yaml").write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    with pytest.raises(InputError, match="不在允许的目录内.*JUESUAN_ALLOWED_ROOTS"):
        load(source)
    monkeypatch.setenv("JUESUAN_ALLOWED_ROOTS", str(elsewhere))
    with pytest.raises(InputError, match="年度为 2024，应为 2023"):      # read, since the root is allowed
        load(source)


# ---------------------------------------------------------------- report Markdown and PDF attachments

@pytest.mark.parametrize("text, limit", [
    ("|" + "a|" * 3000 + "\n|" + "-|" * 3000 + "\n|" + "1|" * 3000 + "\n", "列数过多（上限 30 列）"),
    ("|a|b|\n|-|-|\n" + "|1|2|\n" * 2500, "行数过多（上限 2000 行）"),
    (">" * 5000 + " 深\n", "嵌套过深（上限 8 层）"),
    ("\n".join("  " * i + "- 项" for i in range(40)), "嵌套过深（上限 8 层）"),
    ("长" * 200_001, "过长"),
])
def test_report_markdown_over_the_limits_is_refused_by_name(tmp_path, text, limit):
    from generator.input.load import InputError, load

    source = _with_attachment(tmp_path, "report", "报告.md")
    (source / "报告.md").write_text(text, encoding="utf-8")
    with pytest.raises(InputError) as caught:
        load(source)
    assert "报告.md" in str(caught.value) and limit in str(caught.value)


def test_duties_over_the_limits_are_refused():
    from pydantic import ValidationError

    from generator.input.model import Overview

    with pytest.raises(ValidationError, match="上限 30 列"):
        Overview(duties="|" + "a|" * 40 + "\n|" + "-|" * 40 + "\n")


def test_dense_emphasis_prints_literally():
    from generator.compose.markdown import to_html

    assert to_html("*重点* 与 `代码`") == "<p><em>重点</em> 与 <code>代码</code></p>\n"
    html = to_html("*a" * 10_000)
    assert "<em>" not in html and html.count("*a") == 10_000


def _pdf(tmp_path: Path, name: str, **options) -> Path:
    import pikepdf

    pdf = pikepdf.new()
    pdf.add_blank_page()
    path = tmp_path / name
    pdf.save(path, **options)
    return path


def test_encrypted_damaged_and_bomb_pdfs_are_refused_by_name(tmp_path, monkeypatch):
    import pikepdf

    from generator.input import pdfsafe
    from generator.input.load import InputError, load

    source = _with_attachment(tmp_path, "pdf", "x.pdf")
    cases = {"已加密": lambda: _pdf(source, "x.pdf", encryption=pikepdf.Encryption(owner="o", user="u")),
             "加密（设有密码": lambda: _pdf(source, "x.pdf", encryption=pikepdf.Encryption(owner="o", user="")),
             "已损坏": lambda: (source / "x.pdf").write_bytes(b"%PDF-1.7\n1 0 obj <<>>\n%%EOF garbage")}
    for expected, make in cases.items():
        make()
        with pytest.raises(InputError) as caught:
            load(source)
        assert "x.pdf" in str(caught.value) and expected in str(caught.value), expected
    monkeypatch.setattr(pdfsafe, "INFLATED_BYTES", 1 << 20)
    pdf = pikepdf.new()
    pdf.add_blank_page()
    pdf.pages[0].obj["/Bomb"] = pdf.make_stream(zlib.compress(bytes(4 << 20)), Filter=pikepdf.Name.FlateDecode)
    pdf.save(source / "x.pdf", compress_streams=False, stream_decode_level=pikepdf.StreamDecodeLevel.none)
    with pytest.raises(InputError, match="x.pdf.*疑似压缩炸弹"):
        load(source)


def test_attached_pdf_actions_are_removed(tmp_path):
    import pikepdf

    from generator.input.load import load
    from generator.render.pdf.engine import append_pdfs

    pdf = pikepdf.new()
    pdf.add_blank_page()
    page = pdf.pages[0].obj
    js = pikepdf.Dictionary(S=pikepdf.Name.JavaScript, JS=pikepdf.String("app.alert(1)"))
    pdf.Root.OpenAction = js
    pdf.Root.AA = pikepdf.Dictionary(WC=js)
    pdf.Root.Names = pikepdf.Dictionary(JavaScript=pikepdf.Dictionary(Names=pikepdf.Array(["x", js])))
    page.AA = pikepdf.Dictionary(O=js)
    annots = []
    for action in (pikepdf.Dictionary(S=pikepdf.Name.Launch, F=pikepdf.String("/bin/sh")),
                   pikepdf.Dictionary(S=pikepdf.Name.URI, URI=pikepdf.String("http://example.com/")),
                   pikepdf.Dictionary(S=pikepdf.Name.JavaScript, JS=pikepdf.String("app.alert(2)"))):
        annots.append(pdf.make_indirect(pikepdf.Dictionary(Type=pikepdf.Name.Annot, Subtype=pikepdf.Name.Link,
                                                           Rect=[0, 0, 10, 10], A=action)))
    page.Annots = pikepdf.Array(annots)
    source = _with_attachment(tmp_path, "pdf", "active.pdf")
    pdf.save(source / "active.pdf")
    loaded = load(source)
    host = _pdf(tmp_path, "host.pdf").read_bytes()
    combined = append_pdfs(host, [("附件", loaded.pdfs["active.pdf"])])
    with pikepdf.open(io.BytesIO(combined)) as out:
        assert len(out.pages) == 2
        assert "/OpenAction" not in out.Root and "/AA" not in out.Root
        text = b"".join(obj.read_bytes() if isinstance(obj, pikepdf.Stream) else repr(obj).encode()
                        for obj in out.objects)
    for marker in (b"/Launch", b"/JavaScript", b"/URI", b"app.alert", b"/bin/sh", b"example.com"):
        assert marker not in text, marker
    assert str(Path(loaded.pdfs["active.pdf"])) == str((source / "active.pdf").resolve())


@pytest.mark.parametrize("setting", ["page: 5", "tables: 5", "reason_threshold: x", "number_format: 5", "charts: 5",
                                     "cover: 5", "sections: 5", "words: 5", "fonts: 5"])
def test_profile_setting_of_the_wrong_type_is_a_profile_error(tmp_path, setting):
    folder = tmp_path / "profile"
    folder.mkdir()
    (folder / "profile.yaml").write_text(f"extends: shandong-2024\n{setting}\n", encoding="utf-8")
    with pytest.raises(ProfileError) as caught:
        run(CLEAN, ("html",), profile=str(folder))
    assert "profile.yaml 第2行" in str(caught.value) and setting.split(":")[0] in str(caught.value)


@pytest.mark.parametrize("kind", ["symlink to /dev/zero", "fifo"])
def test_profile_file_that_would_hang_a_reader_is_refused(tmp_path, kind):
    profile = _profile(tmp_path, "封面")
    target = profile / "templates" / "extra.html.j2"
    target.symlink_to("/dev/zero") if kind != "fifo" else os.mkfifo(target)
    done = juesuan("build", str(CLEAN), "--profile", str(profile), "-o", str(tmp_path / "out"), "--to", "html")
    assert done.returncode == 2 and "extra.html.j2" in done.stderr and "已拒绝读取" in done.stderr


def test_image_symlink_leading_outside_is_not_embedded(tmp_path, outside):
    import zipfile

    import struct

    def chunk(kind: bytes, body: bytes) -> bytes:
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))

    png = (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0))
           + chunk(b"IDAT", zlib.compress(b"\x00\xff\x00\x00")) + chunk(b"IEND", b""))
    (outside / "secret.png").write_bytes(png)
    source = tmp_path / "input"
    source.mkdir()
    shutil.copy(CLEAN, source / "unit.yaml")
    (source / "inside.png").write_bytes(png)
    (source / "leak.png").symlink_to(outside / "secret.png")
    profile = _profile(tmp_path, '<img src="inside.png"><img src="leak.png">')
    try:
        docx = run(source, ("docx",), profile=str(profile)).outputs["docx"]
    except (ValueError, ProfileError) as exc:      # the DOCX writer refuses the image it was not given
        assert "leak.png" in str(exc)
        return
    with zipfile.ZipFile(io.BytesIO(docx)) as package:
        media = [package.read(name) for name in package.namelist() if name.startswith("word/media/")]
    assert media == [png]           # the image inside the input directory, not the one behind the symlink

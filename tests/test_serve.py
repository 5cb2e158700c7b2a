"""juesuan serve without a browser: the page (findings, figures, outline, marks), downloads, security (CSP,
escaping, Host, path traversal incl. encoded and double-encoded), server-sent events and the rebuild after an
edit, a failed build keeping the last good result, the directory of units and the workbook upload, the CLI."""
from __future__ import annotations

import http.client
import io
import json
import shutil
import socket
import threading
import time
import zipfile
from pathlib import Path
from urllib.parse import quote

import httpx
import lxml.html
import pypdfium2 as pdfium
import pytest
import uvicorn
from click.testing import CliRunner
from starlette.testclient import TestClient

from generator.serve import create_app
from generator.serve.app import inside

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "inputs" / "yanzhou-2024"
KEY = "yanzhou-2024"
HOSTILE = "<script>alert('x')</script><img src=x onerror=alert(1)>"
R1 = "    fiscal_income: {gpb: 336.88}"          # 公开01表 r1 一般公共预算财政拨款收入


class Live:
    """The app under uvicorn in a thread, on a free port of 127.0.0.1."""

    def __init__(self, app):
        self.app = app
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.port = self.sock.getsockname()[1]
        self.url = f"http://127.0.0.1:{self.port}"
        self.server = uvicorn.Server(uvicorn.Config(app, log_level="warning", timeout_graceful_shutdown=1))
        self.thread = threading.Thread(target=self.server.run, kwargs={"sockets": [self.sock]}, daemon=True)

    def __enter__(self):
        self.thread.start()
        deadline = time.monotonic() + 30
        while not self.server.started and time.monotonic() < deadline:
            time.sleep(0.05)
        assert self.server.started
        return self

    def __exit__(self, *exc):
        self.app.state.server.closing = True         # as `juesuan serve` does on Ctrl-C: streams end
        self.server.should_exit = True
        self.thread.join(10)

    def builder(self):
        return self.app.state.server.builders[KEY]


def preview_of(page_html: str):
    """The document the page's preview frame shows (its srcdoc)."""
    frame = lxml.html.fromstring(page_html).xpath('//iframe[@id="preview"]')
    assert frame, "the page has no preview"
    return lxml.html.document_fromstring(frame[0].get("srcdoc"))


def summary_r1(doc) -> str:
    rows = [tr for tr in doc.xpath('//section[@data-role="summary"]//tr')
            if "一般公共预算财政拨款收入" in tr.text_content()]
    return rows[0].text_content()


def wait_state(live: Live, done, timeout: float = 300) -> dict:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        state = httpx.get(f"{live.url}/u/{KEY}/state").json()
        if done(state):
            return state
        time.sleep(0.2)
    raise AssertionError(f"state never reached: {state}")


@pytest.fixture(scope="module")
def unit(tmp_path_factory) -> Path:
    target = tmp_path_factory.mktemp("serve") / KEY
    shutil.copytree(EXAMPLE, target)
    unit_yaml = target / "unit.yaml"
    text = unit_yaml.read_text(encoding="utf-8")
    assert "（一）负责中心日常管理" in text
    unit_yaml.write_text(text.replace("（一）负责中心日常管理", f"（一）{HOSTILE}负责中心日常管理", 1), encoding="utf-8")
    return target


@pytest.fixture(scope="module")
def author_profile(tmp_path_factory) -> Path:
    """A profile being written outside the served directory (`--profile DIR`), with a stylesheet of its own."""
    profile = tmp_path_factory.mktemp("profile") / "作者版式"
    (profile / "styles").mkdir(parents=True)
    (profile / "profile.yaml").write_text("name: 作者版式\nextends: shandong-2024\n", encoding="utf-8")
    (profile / "styles" / "author.css").write_text(".table-title { color: #000; }\n", encoding="utf-8")
    return profile


@pytest.fixture(scope="module")
def live(unit, author_profile):
    with Live(create_app(unit, profile=str(author_profile))) as server:
        assert httpx.get(server.url + "/").status_code == 200        # opening the page starts the build
        assert server.builder().wait(300)
        assert server.builder().state.error is None, server.builder().state.error
        yield server


@pytest.fixture(scope="module")
def page(live) -> str:
    return httpx.get(live.url + "/").text


def test_page_shows_findings_figures_and_outline(page):
    tree = lxml.html.fromstring(page)
    findings = tree.xpath('//a[contains(@class, "finding")]')
    assert len(findings) >= 20
    assert any("tables.income.total.total" in f.text_content() and "tables.yaml:15" in f.text_content()
               for f in findings)
    assert "警告 22" in tree.xpath('//p[@class="counts"]')[0].text_content()
    outline = [a.text_content() for a in tree.xpath('//nav[@class="outline"]//a')]
    assert "收入支出决算总表" in outline and "第三部分 2024年度部门决算情况说明" in outline
    assert "336.88" in summary_r1(preview_of(page))
    assert [a.get("href") for a in tree.xpath('//span[@class="downloads"]/a')][:3] == \
        [f"/u/{KEY}/download/pdf", f"/u/{KEY}/download/docx", f"/u/{KEY}/download/xlsx"]


def test_each_finding_marks_its_place_in_the_preview(page):
    tree, doc = lxml.html.fromstring(page), preview_of(page)
    by_path = {}
    for item in tree.xpath('//a[contains(@class, "finding")]'):
        by_path.setdefault(item.xpath('.//span[@class="where"]')[0].text_content().split(" · ")[-1],
                           item.get("data-finding"))

    def marked(index):
        return [el for el in doc.xpath("//*[@data-finding]") if index in el.get("data-finding").split()]

    cells = marked(by_path["tables.income.total.total"])
    assert [c.text_content().strip() for c in cells] == ["336.88"]
    assert cells[0].xpath('ancestor::section[@data-role="income"]')
    paragraph = marked(by_path["reasons.gpb.budget"])
    assert paragraph and "我单位" in paragraph[0].text_content()
    assert paragraph[0].xpath('ancestor::section[@id="section-gpb-body"]')


def test_input_text_is_never_markup_and_the_policy_forbids_scripts(live, page):
    response = httpx.get(live.url + "/")
    csp = response.headers["content-security-policy"]
    assert "script-src 'self'" in csp and "default-src 'none'" in csp and "base-uri 'none'" in csp
    assert response.headers["x-content-type-options"] == "nosniff"
    frame = lxml.html.fromstring(page).xpath('//iframe[@id="preview"]')[0]
    assert frame.get("sandbox") == "allow-same-origin"          # no scripts inside the frame
    doc = preview_of(page)
    assert not doc.xpath("//script") and not doc.xpath("//*[@onerror]") and not doc.xpath('//img[@src="x"]')
    assert HOSTILE in doc.xpath('//*[@id="overview-duties"]/..')[0].text_content()
    assert "<script>alert" not in page and [s.get("src") for s in lxml.html.fromstring(page).xpath("//script")] \
        == ["/assets/app.js"]


def test_downloads_are_the_build_outputs(live):
    pdf = httpx.get(f"{live.url}/u/{KEY}/download/pdf")
    assert pdf.headers["content-type"] == "application/pdf"
    assert "filename*=UTF-8''" + quote("2024年度济宁市兖州区社会治理服务中心部门决算.pdf") in \
        pdf.headers["content-disposition"]
    text = "".join(page.get_textpage().get_text_range() for page in pdfium.PdfDocument(pdf.content))
    assert "336.88" in text and "收入支出决算总表" in text
    docx = httpx.get(f"{live.url}/u/{KEY}/download/docx")
    assert "336.88" in zipfile.ZipFile(io.BytesIO(docx.content)).read("word/document.xml").decode("utf-8")
    inline = httpx.get(f"{live.url}/u/{KEY}/download/pdf?inline=1")
    assert inline.headers["content-disposition"].startswith("inline;")
    xlsx = httpx.get(f"{live.url}/u/{KEY}/download/xlsx")
    names = zipfile.ZipFile(io.BytesIO(xlsx.content)).namelist()
    assert "xl/workbook.xml" in names
    assert httpx.get(f"{live.url}/u/{KEY}/download/exe").status_code == 404


def raw_get(live: Live, path: str, host: str | None = None) -> tuple[int, bytes]:
    """A request with the path exactly as written (http.client neither normalises nor encodes it)."""
    connection = http.client.HTTPConnection("127.0.0.1", live.port, timeout=10)
    connection.putrequest("GET", path, skip_host=True)
    connection.putheader("Host", host or f"127.0.0.1:{live.port}")
    connection.endheaders()
    response = connection.getresponse()
    body = response.read()
    connection.close()
    return response.status, body


def test_nothing_outside_the_served_directories(live, page):
    sheet = [link.get("href") for link in preview_of(page).xpath("//link[@rel='stylesheet']")
             if link.get("href").endswith("styles/print.css")][0]
    status, body = raw_get(live, sheet)
    assert status == 200 and b"@page" in body
    layer = sheet.split("/profile/")[0] + "/profile/" + sheet.split("/profile/")[1].split("/")[0]
    markers = (b"root:", b"[project]", b"def create_app", b"name: shandong", b"unit:")
    for path in [f"{layer}/../../../../../../etc/passwd", f"{layer}/%2e%2e/%2e%2e/%2e%2e/pyproject.toml",
                 f"{layer}/%2E%2E/%2E%2E/%2E%2E/pyproject.toml", f"{layer}/..%2f..%2f..%2fpyproject.toml",
                 f"{layer}/%252e%252e/%252e%252e/%252e%252e/pyproject.toml", f"{layer}/styles/..%5c..%5cprofile.yaml",
                 f"{layer}//etc/passwd", f"{layer}/%2fetc%2fpasswd", f"{layer}/profile.yaml",
                 f"{layer}/styles/%2e%2e/%2e%2e/%2e%2e/%2e%2e/serve/app.py", f"/u/{KEY}/profile/9/styles/print.css",
                 "/assets/../app.py", "/assets/%2e%2e/app.py", "/assets/%252e%252e/app.py", "/assets/..%2fapp.py",
                 "/u/%2e%2e/profile/0/styles/print.css", "/u/..%2f..%2fetc/", f"/u/{KEY}/../../unit.yaml",
                 f"/u/{KEY}/%2e%2e/%2e%2e/unit.yaml", "/../../etc/passwd", "/unit.yaml", "/tables.yaml"]:
        status, body = raw_get(live, path)
        assert status in (400, 404), (path, status)
        assert not any(marker in body for marker in markers), path
    assert raw_get(live, "/assets/app.js")[0] == 200
    # another name for this machine (DNS rebinding) is refused
    assert raw_get(live, "/", host="attacker.example")[0] == 400


def test_inside_refuses_every_way_out(tmp_path):
    (tmp_path / "root" / "styles").mkdir(parents=True)
    (tmp_path / "root" / "styles" / "a.css").write_text("x")
    (tmp_path / "secret.css").write_text("secret")
    (tmp_path / "root" / "link.css").symlink_to(tmp_path / "secret.css")
    root = tmp_path / "root"
    assert inside(root, "styles/a.css") == (root / "styles" / "a.css").resolve()
    for path in ["../secret.css", "styles/../../secret.css", "/etc/passwd", "link.css", "styles\\..\\..\\secret.css",
                 "styles/./a.css", "styles/a.css\x00.png", "%2e%2e/secret.css", "styles"]:
        assert inside(root, path) is None, path


def test_events_report_a_rebuild_after_an_edit(live, unit):
    with httpx.stream("GET", f"{live.url}/u/{KEY}/events", timeout=httpx.Timeout(10, read=300)) as stream:
        assert stream.headers["content-type"].startswith("text/event-stream")
        events = (json.loads(line[6:]) for line in stream.iter_lines() if line.startswith("data: "))
        first = next(events)
        assert first["building"] is False and first["error"] is None
        tables = unit / "tables.yaml"
        text = tables.read_text(encoding="utf-8")
        assert R1 in text
        tables.write_text(text.replace(R1, R1.replace("336.88", "337.88")), encoding="utf-8")
        seen = [first]
        for event in events:
            seen.append(event)
            if event["generation"] > first["generation"] and not event["building"]:
                break
    assert any(e["building"] for e in seen), seen                       # the banner was shown meanwhile
    assert seen[-1]["error"] is None, seen
    doc = preview_of(httpx.get(live.url + "/").text)
    assert "337.88" in summary_r1(doc) and "336.88" not in summary_r1(doc)


def test_editing_the_profile_rebuilds(live, author_profile):
    before = wait_state(live, lambda s: not s["building"])["generation"]
    sheet = author_profile / "styles" / "author.css"
    sheet.write_text(sheet.read_text(encoding="utf-8") + ".cover-title { color: #123456; }\n", encoding="utf-8")
    rebuilt = wait_state(live, lambda s: s["generation"] > before and not s["building"] and not s["error"])
    links = [link.get("href") for link in preview_of(httpx.get(live.url + "/").text).xpath("//link[@rel='stylesheet']")]
    author = [href for href in links if href.endswith("/styles/author.css")]
    assert author and links.index(author[0]) > [i for i, h in enumerate(links) if h.endswith("print.css")][0]
    assert "#123456" in httpx.get(live.url + author[0]).text
    # a rule the PDF's column estimate does not model is a note on the page, for the profile's author
    sheet.write_text(sheet.read_text(encoding="utf-8") + ".table-title { letter-spacing: 1pt; }\n", encoding="utf-8")
    done = wait_state(live, lambda s: s["generation"] > rebuilt["generation"] and not s["building"] and not s["error"])
    notes = lxml.html.fromstring(httpx.get(live.url + "/").text).xpath('//details[@class="notes"]//li')
    assert any("author.css" in n.text_content() and "letter-spacing" in n.text_content() for n in notes), done


def test_a_failed_build_is_a_message_and_keeps_the_last_good_one(live, unit):
    tables = unit / "tables.yaml"
    good = tables.read_text(encoding="utf-8")
    before = wait_state(live, lambda s: not s["building"])["generation"]
    tables.write_text("tables:\n  summary: [\n", encoding="utf-8")
    try:
        failed = wait_state(live, lambda s: s["generation"] > before and not s["building"])
        assert failed["error"] and "tables.yaml" in failed["error"]
        page = httpx.get(live.url + "/").text
        error = lxml.html.fromstring(page).xpath('//section[@id="build-error"]')[0].text_content()
        assert "生成失败" in error and "上一次成功生成的结果" in error and "tables.yaml" in error
        assert preview_of(page).xpath('//section[@data-role="summary"]')     # the last good preview stays
    finally:
        tables.write_text(good, encoding="utf-8")
    wait_state(live, lambda s: s["generation"] > failed["generation"] and not s["building"] and not s["error"])


@pytest.fixture(scope="module")
def units_dir(tmp_path_factory) -> tuple[Path, Path]:
    root = tmp_path_factory.mktemp("units")
    shutil.copytree(EXAMPLE, root / "兖州")
    (root / "notes").mkdir()
    outdir = tmp_path_factory.mktemp("out")
    (outdir / "manifest.json").write_text(json.dumps({"units": [
        {"name": "兖州", "input": str(root / "兖州"), "status": "draft_with_errors",
         "messages": ["[错误] tables.yaml 第15行：<b>合计</b>不符"]}]}, ensure_ascii=False), encoding="utf-8")
    return root, outdir / "manifest.json"


def test_directory_lists_units_with_their_batch_status(units_dir):
    root, manifest = units_dir
    client = TestClient(create_app(root, manifest=manifest, allowed_hosts=["testserver"]))
    page = client.get("/").text
    rows = lxml.html.fromstring(page).xpath('//table[@class="units"]/tbody/tr')
    assert len(rows) == 1 and "草稿（有校验错误）" in rows[0].text_content()
    assert rows[0].xpath(".//a")[0].get("href") == f"/u/{quote('兖州')}/"
    assert "<b>合计</b>不符" in rows[0].text_content()                       # manifest text shown as text
    assert client.get("/u/notes/").status_code == 404
    assert client.get("/u/..%2f..%2fetc/").status_code == 404
    assert 'enctype="multipart/form-data"' in page and "上传并生成草稿" in page


def test_upload_writes_the_workbook_and_opens_its_draft(live, units_dir):
    root, manifest = units_dir
    workbook = httpx.get(f"{live.url}/u/{KEY}/download/xlsx").content
    client = TestClient(create_app(root, manifest=manifest, allowed_hosts=["testserver"], max_upload=2**20),
                        follow_redirects=False)
    sent = client.post("/upload", files={"workbook": ("公开表.xlsx", workbook)}, data={"name": "新单位"})
    assert sent.status_code == 303 and sent.headers["location"] == f"/u/{quote('新单位')}/"
    made = root / "新单位"
    assert (made / "公开表.xlsx").read_bytes() == workbook
    assert '{code: "2010301", name: "行政运行", fiscal: 153.33}' in (made / "tables.yaml").read_text(encoding="utf-8")
    assert "济宁市兖州区社会治理服务中心" in (made / "unit.yaml").read_text(encoding="utf-8")
    assert not [p for p in made.iterdir() if p.name.endswith(".tmp")]
    again = client.post("/upload", files={"workbook": ("公开表.xlsx", workbook)}, data={"name": "新单位"})
    assert again.status_code == 400 and "替换已有表格数据" in again.text
    assert client.get("/").text.count("/u/") == 2


@pytest.mark.parametrize("name, filename, data, headers, status, says", [
    ("甲", "表.csv", b"a,b", {}, 400, "请上传 .xlsx 或 .xls"),
    ("甲", "表.xlsx", b"not a workbook", {}, 400, "无法"),
    ("../甲", "表.xlsx", b"x", {}, 400, "单位名称不可用"),
    (".hidden", "表.xlsx", b"x", {}, 400, "单位名称不可用"),
    ("甲", "表.xlsx", b"x" * (2**20 + 1), {}, 413, "不能超过 1 MB"),
    ("甲", "表.xlsx", b"x", {"Origin": "http://attacker.example"}, 403, "本预览页面"),
    ("甲", "表.xlsx", b"x", {"Origin": "null"}, 403, "本预览页面"),
    ("甲", "表.xlsx", b"x", {"Sec-Fetch-Site": "cross-site"}, 403, "本预览页面"),
])
def test_upload_refusals_write_nothing(units_dir, name, filename, data, headers, status, says):
    root, manifest = units_dir
    client = TestClient(create_app(root, manifest=manifest, allowed_hosts=["testserver"], max_upload=2**20),
                        follow_redirects=False)
    before = sorted(p.relative_to(root) for p in root.rglob("*"))
    answer = client.post("/upload", files={"workbook": (filename, data)}, data={"name": name}, headers=headers)
    assert answer.status_code == status and says in answer.text
    assert sorted(p.relative_to(root) for p in root.rglob("*")) == before


def test_upload_is_for_directories_of_units_only(unit):
    client = TestClient(create_app(unit, allowed_hosts=["testserver"]))
    assert client.post("/upload", files={"workbook": ("a.xlsx", b"x")}, data={"name": "a"}).status_code == 404


def test_cli_refuses_a_missing_path_and_a_busy_port(tmp_path):
    from generator.cli import main

    missing = CliRunner().invoke(main, ["serve", str(tmp_path / "nothing")])
    assert missing.exit_code == 2 and "不存在" in missing.output
    holder = socket.socket()
    holder.bind(("127.0.0.1", 0))
    holder.listen()
    try:
        busy = CliRunner().invoke(main, ["serve", str(EXAMPLE), "--port", str(holder.getsockname()[1])])
        assert busy.exit_code == 2 and "无法监听 127.0.0.1" in busy.output and "--port" in busy.output
        exposed = CliRunner().invoke(main, ["serve", str(EXAMPLE), "--host", "0.0.0.0",
                                            "--port", str(holder.getsockname()[1])])
        assert "警告：监听 0.0.0.0" in exposed.output and exposed.exit_code == 2
    finally:
        holder.close()


def test_cli_serves_on_loopback_only_and_stops_cleanly_on_ctrl_c(tmp_path):
    import signal
    import subprocess
    import sys

    holder = socket.socket()
    holder.bind(("127.0.0.1", 0))
    port = holder.getsockname()[1]
    holder.close()
    process = subprocess.Popen([sys.executable, "-m", "generator", "serve", str(EXAMPLE), "--port", str(port)],
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=tmp_path)
    try:
        assert process.stdout.readline().strip() == f"预览地址：http://127.0.0.1:{port}/ （按 Ctrl+C 停止）"
        assert httpx.get(f"http://127.0.0.1:{port}/").status_code == 200
        with httpx.stream("GET", f"http://127.0.0.1:{port}/u/{KEY}/events") as stream:   # an open page
            assert next(stream.iter_lines()).startswith("retry:")
            for address in this_machines_addresses():
                with pytest.raises(httpx.ConnectError):           # bound to 127.0.0.1 only
                    httpx.get(f"http://{address}:{port}/", timeout=5)
            process.send_signal(signal.SIGINT)
            out, err = process.communicate(timeout=60)
    finally:
        process.kill()
    assert process.returncode == 0 and "预览已停止" in out, (out, err)
    assert "Traceback" not in err and "ERROR" not in err, err


def this_machines_addresses() -> set[str]:
    """This machine's non-loopback IPv4 addresses: its name's, and the one its default route leaves from (a
    UDP socket's connect sends nothing)."""
    found = set()
    try:
        found |= {info[4][0] for info in socket.getaddrinfo(socket.gethostname(), None, socket.AF_INET)}
    except OSError:
        pass
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:
        try:
            probe.connect(("192.0.2.1", 9))
            found.add(probe.getsockname()[0])
        except OSError:
            pass
    return {a for a in found if not a.startswith("127.") and a != "0.0.0.0"}

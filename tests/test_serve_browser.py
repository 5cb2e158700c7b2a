"""juesuan serve in a real browser (Debian's headless Chromium driven by selenium): the page shows the findings
and a figure; an input file edited on disk makes the page reload by itself with the new figure (the
"正在生成…" banner shown meanwhile, the reader kept at the same place); a clicked finding brings its place into
view; the browser reports no errors (a Content-Security-Policy violation would be one). Screenshots go to
JUESUAN_SCREENSHOTS, else to the test's tmp directory."""
from __future__ import annotations

import os
import shutil
import tempfile
import time
from pathlib import Path

import httpx
import pytest

from test_serve import EXAMPLE, KEY, R1, Live

from generator.serve import create_app

CHROMIUM, DRIVER = shutil.which("chromium"), shutil.which("chromedriver")
pytestmark = pytest.mark.skipif(not (CHROMIUM and DRIVER),
                                reason="需要 Debian 的 chromium 与 chromium-driver（scripts/setup.sh --test 会安装）")
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync",
         "--window-size=1500,950"]


@pytest.fixture(scope="module")
def browser():
    from selenium import webdriver
    from selenium.webdriver.chrome.options import Options
    from selenium.webdriver.chrome.service import Service

    profile = tempfile.mkdtemp(prefix="juesuan-chromium-")
    options = Options()
    options.binary_location = CHROMIUM
    for flag in FLAGS + [f"--user-data-dir={profile}"]:
        options.add_argument(flag)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    driver = webdriver.Chrome(options=options, service=Service(DRIVER))
    try:
        yield driver
    finally:
        driver.quit()
        shutil.rmtree(profile, ignore_errors=True)


def wait_for(condition, timeout: float = 300, every: float = 0.1, why=lambda: ""):
    """Builds take seconds, far more on a busy machine: generous bounds, and the server's state on failure."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            value = condition()
        except Exception:  # noqa: BLE001 — the page is reloading: elements go stale, the frame is replaced
            value = None
        if value:
            return value
        time.sleep(every)
    raise AssertionError(f"the page never showed what was expected {why()}")


def in_frame(driver, script: str):
    """Run `script` in the preview frame's document (the frame itself runs no scripts: the sandbox forbids
    them; WebDriver reads it from the page)."""
    return driver.execute_script(
        "const doc = document.getElementById('preview').contentDocument; " + script)


R1_TEXT = ("return Array.from(doc.querySelectorAll('section[data-role=summary] tr'))"
           ".filter(tr => tr.textContent.includes('一般公共预算财政拨款收入'))[0].textContent;")


def test_the_page_follows_edits_and_shows_where_findings_are(browser, tmp_path):
    shots = Path(os.environ.get("JUESUAN_SCREENSHOTS") or tmp_path)
    shots.mkdir(parents=True, exist_ok=True)
    unit = tmp_path / KEY
    shutil.copytree(EXAMPLE, unit)
    with Live(create_app(unit)) as live:
        browser.get(live.url + "/")
        # the first build finishes while the page waits, and the page reloads itself into the preview
        wait_for(lambda: browser.execute_script("return document.body.classList.contains('preview-ready');"))
        findings = browser.find_elements("css selector", "a.finding")
        assert len(findings) >= 20 and "警告" in findings[0].text
        assert "336.88" in in_frame(browser, R1_TEXT)
        assert in_frame(browser, "return doc.querySelectorAll('.js-page-start').length;") > 10   # pages drawn
        assert in_frame(browser, "return doc.querySelectorAll('.js-landscape').length;") >= 8
        browser.save_screenshot(str(shots / "serve-1-opened.png"))

        browser.find_element("css selector", "a[data-target='table-summary']").click()
        where = wait_for(lambda: in_frame(browser, "return doc.defaultView.scrollY;"), timeout=10)
        browser.execute_script("window.notReloaded = true;")
        tables = unit / "tables.yaml"
        text = tables.read_text(encoding="utf-8")
        assert R1 in text
        tables.write_text(text.replace(R1, R1.replace("336.88", "337.88")), encoding="utf-8")
        state = lambda: httpx.get(f"{live.url}/u/{KEY}/state").text  # noqa: E731
        banner_seen = wait_for(lambda: browser.execute_script(
            "const b = document.getElementById('building'); return b && !b.hidden;"), every=0.05, why=state)
        assert banner_seen
        browser.save_screenshot(str(shots / "serve-2-building.png"))
        wait_for(lambda: not browser.execute_script("return window.notReloaded === true;")
                 and "337.88" in in_frame(browser, R1_TEXT), why=state)
        assert not browser.find_element("id", "building").is_displayed()
        assert abs(in_frame(browser, "return doc.defaultView.scrollY;") - where) < 50     # still at 公开01表

        target = [f for f in browser.find_elements("css selector", "a.finding")
                  if "tables.income.total.total" in f.text][0]
        target.click()
        shown = wait_for(lambda: in_frame(browser, """
            const el = doc.querySelector('.js-current');
            if (!el) return null;
            const box = el.getBoundingClientRect();
            return {text: el.textContent.trim(), visible: box.top >= 0 && box.bottom <= doc.defaultView.innerHeight,
                    table: el.closest('section[data-role]').dataset.role};"""), timeout=10)
        assert shown == {"text": "336.88", "visible": True, "table": "income"}
        assert "active" in target.get_attribute("class")
        browser.save_screenshot(str(shots / "serve-3-finding.png"))

        errors = [entry for entry in browser.get_log("browser") if entry["level"] == "SEVERE"]
        assert not errors, errors

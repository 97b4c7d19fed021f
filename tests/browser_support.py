"""Shared pieces of the browser tests: headless Chromium (Debian chromium + chromium-driver) driven by Selenium,
against the real gunicorn server started the way the Procfile does. `tools/ensure_browser.sh` installs the browser.

Screenshots go to tests/artifacts/ (gitignored), for CI to keep as artifacts. Under CI (CI set) a missing browser
is an error at import, not a skip.
"""
from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
ARTIFACTS = ROOT / "tests" / "artifacts"
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
CHROMEDRIVER = "/usr/bin/chromedriver" if Path("/usr/bin/chromedriver").exists() else shutil.which("chromedriver")
# Starting gunicorn loads spaCy, the lexicons and the models once in the master (preload_app).
SERVER_START_TIMEOUT = 90

if os.environ.get("CI") and not (CHROMIUM and CHROMEDRIVER):
    # CI runs `make test`, which installs the browser first: a missing browser there is a failure, not a skip.
    raise RuntimeError("CI: headless Chromium is missing; tools/ensure_browser.sh should have installed it")
needs_browser = pytest.mark.skipif(
    not (CHROMIUM and CHROMEDRIVER),
    reason="headless Chromium is not installed: run tools/ensure_browser.sh (Debian chromium, chromium-driver)")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def server():
    """Start `gunicorn -c gunicorn.conf.py "service:create_app()"` on a free port; stop it afterwards."""
    port = free_port()
    gunicorn = Path(sys.executable).with_name("gunicorn")
    env = {**os.environ, "PORT": str(port), "WEB_CONCURRENCY": "1", "SECRET_KEY": "browser-test-secret"}
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    log = (ARTIFACTS / "gunicorn.log").open("wb")
    proc = subprocess.Popen([str(gunicorn), "-c", "gunicorn.conf.py", "service:create_app()"], cwd=ROOT, env=env,
                            stdout=log, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + SERVER_START_TIMEOUT
    try:
        while True:
            if proc.poll() is not None:
                pytest.fail(f"gunicorn exited with {proc.returncode}; see {ARTIFACTS / 'gunicorn.log'}")
            try:
                with urllib.request.urlopen(base + "/healthz", timeout=2) as resp:
                    if resp.status == 200:
                        break
            except OSError:
                pass
            if time.monotonic() > deadline:
                pytest.fail(f"gunicorn did not answer /healthz within {SERVER_START_TIMEOUT} s")
            time.sleep(0.5)
        yield base
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        log.close()


@pytest.fixture(scope="module")
def browser():
    """Headless Chromium with a fresh profile and no background traffic."""
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    profile = tempfile.mkdtemp(prefix="framing-chromium-")
    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for arg in ("--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--no-first-run", f"--user-data-dir={profile}", "--window-size=1280,1000"):
        options.add_argument(arg)
    driver = webdriver.Chrome(service=Service(CHROMEDRIVER), options=options)
    driver.set_page_load_timeout(120)
    try:
        yield driver
    finally:
        driver.quit()
        shutil.rmtree(profile, ignore_errors=True)


def screenshot(driver, name: str) -> Path:
    """Save a full-page screenshot to tests/artifacts/."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    height = driver.execute_script("return document.documentElement.scrollHeight")
    width = driver.get_window_size()["width"]
    driver.set_window_size(width, min(max(height, 800), 12000))
    driver.save_screenshot(str(path))
    return path


def fill(driver, rows: list[tuple[str, str]]):
    from selenium.webdriver.common.by import By

    for k, (outlet, text) in enumerate(rows):
        box = driver.find_element(By.ID, f"outlet-{k}")
        box.clear()
        box.send_keys(outlet)
        area = driver.find_element(By.ID, f"text-{k}")
        area.clear()
        # send_keys types character by character; setting the value is the same to the form and much faster.
        driver.execute_script("arguments[0].value = arguments[1];", area, text)


def gone(element):
    """A wait condition: the element has left the document (the page was replaced).

    Selenium's staleness_of expects StaleElementReferenceException; chromedriver 156 at times reports the same fact
    as "unhandled inspector error: Node with given id does not belong to the document" (seen on a fresh-clone run).
    """
    from selenium.common.exceptions import (
        StaleElementReferenceException,
        WebDriverException,
    )

    def check(_driver):
        try:
            element.is_enabled()
        except StaleElementReferenceException:
            return True
        except WebDriverException as exc:
            if "does not belong to the document" in str(exc):
                return True
            raise
        return False

    return check


def submit(driver):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support import expected_conditions as ec
    from selenium.webdriver.support.ui import WebDriverWait

    button = driver.find_element(By.CSS_SELECTOR, 'button[name="action"][value="compare"]')
    button.click()
    WebDriverWait(driver, 60).until(gone(button))
    WebDriverWait(driver, 60).until(ec.presence_of_element_located((By.ID, "results")))


def pick(seeds, outlet):
    return next(r for r in seeds if r["outlet"] == outlet)


def post_json(base: str, path: str, body: dict) -> dict:
    """POST JSON to the server and return the decoded answer (the API's side of a form-versus-API check)."""
    import json

    request = urllib.request.Request(base + path, data=json.dumps(body).encode(), method="POST",
                                     headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=300) as resp:
        return json.loads(resp.read().decode())


def saved_page() -> str:
    """A saved news page (tests/fixtures/pages/news_page.html) with an ad marker inside the story, so the page has
    page furniture inside the article as well as around it."""
    page = (ROOT / "tests" / "fixtures" / "pages" / "news_page.html").read_text(encoding="utf-8")
    first = page.index("</p>", page.index("<p>The United States")) + len("</p>")
    return page[:first] + "\n<p>Advertisement</p>\n" + page[first:]

"""The form in a real browser: headless Chromium (Debian chromium + chromium-driver) driven by Selenium, against
the real gunicorn server started the way the Procfile does. `tools/ensure_browser.sh` installs the browser.

Screenshots go to tests/artifacts/ (gitignored), for CI to keep as artifacts.
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
XSS = "<script>alert(1)</script><img src=x onerror=alert(2)>"

if os.environ.get("CI") and not (CHROMIUM and CHROMEDRIVER):
    # CI runs `make test`, which installs the browser first: a missing browser there is a failure, not a skip.
    raise RuntimeError("CI: headless Chromium is missing; tools/ensure_browser.sh should have installed it")
pytestmark = pytest.mark.skipif(
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


def submit(driver):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support import expected_conditions as ec
    from selenium.webdriver.support.ui import WebDriverWait

    button = driver.find_element(By.CSS_SELECTOR, 'button[name="action"][value="compare"]')
    button.click()
    WebDriverWait(driver, 60).until(ec.staleness_of(button))
    WebDriverWait(driver, 60).until(ec.presence_of_element_located((By.ID, "results")))


def pick(seeds, outlet):
    return next(r for r in seeds if r["outlet"] == outlet)


def test_compare_two_seeds_in_the_browser(server, browser, seeds):
    from selenium.webdriver.common.by import By

    browser.set_window_size(1280, 1000)
    browser.get(server + "/")
    assert "Compare how outlets frame" in browser.title + browser.page_source
    rows = [(r["outlet"], r["text"]) for r in (pick(seeds, "The Moscow Times"), pick(seeds, "Breitbart News"))]
    fill(browser, rows)
    submit(browser)

    table = browser.find_element(By.CSS_SELECTOR, "table.scores")
    assert "Loaded terms" in table.text and "Breitbart News" in table.text
    marks = browser.find_elements(By.CSS_SELECTOR, ".article-text mark.hl-loaded")
    assert marks and all(m.get_attribute("title").startswith("Loaded term") for m in marks)
    assert browser.find_elements(By.CSS_SELECTOR, ".article-text .region-speech")
    actors = browser.find_element(By.CSS_SELECTOR, "table.actors")
    assert "Nicolas Maduro" in actors.text and "socialist dictator" in actors.text
    assert browser.find_elements(By.CSS_SELECTOR, "figure.chart svg rect")
    path = screenshot(browser, "compare_two_seeds")
    assert path.stat().st_size > 10_000


def test_xss_payload_stays_inert(server, browser, seeds):
    from selenium.common.exceptions import NoAlertPresentException
    from selenium.webdriver.common.by import By

    browser.set_window_size(1280, 1000)
    browser.get(server + "/")
    breitbart = pick(seeds, "Breitbart News")
    fill(browser, [(XSS, XSS + "\nThe regime of the socialist dictator Nicolas Maduro."),
                   (breitbart["outlet"], breitbart["text"])])
    submit(browser)
    with pytest.raises(NoAlertPresentException):
        browser.switch_to.alert.text  # no script ran
    text = browser.find_element(By.CSS_SELECTOR, ".article-text").text
    assert XSS in text  # shown literally
    assert not browser.find_elements(By.CSS_SELECTOR, "#results script, #results img")
    screenshot(browser, "xss_inert")


def test_add_another_and_seed_example_without_javascript(server, browser, seeds):
    from selenium.webdriver.common.by import By

    from selenium.webdriver.support import expected_conditions as ec
    from selenium.webdriver.support.ui import WebDriverWait

    browser.get(server + "/?example=seeds")
    assert len(browser.find_elements(By.TAG_NAME, "textarea")) == len(seeds)
    button = browser.find_element(By.CSS_SELECTOR, 'button[name="action"][value="add"]')
    button.click()
    WebDriverWait(browser, 60).until(ec.staleness_of(button))
    WebDriverWait(browser, 60).until(ec.presence_of_element_located((By.ID, f"text-{len(seeds)}")))
    assert len(browser.find_elements(By.TAG_NAME, "textarea")) == len(seeds) + 1
    assert browser.find_element(By.ID, "outlet-0").get_attribute("value") == seeds[0]["outlet"]


def test_phone_width_has_no_horizontal_scroll(server, browser, seeds):
    browser.set_window_size(375, 800)
    browser.get(server + "/")
    rows = [(r["outlet"], r["text"]) for r in (pick(seeds, "The Moscow Times"), pick(seeds, "Al Jazeera"))]
    fill(browser, rows)
    submit(browser)
    overflow = browser.execute_script(
        "return document.documentElement.scrollWidth - document.documentElement.clientWidth")
    assert overflow <= 1, f"page is {overflow}px wider than a phone screen"
    screenshot(browser, "phone_width")
    browser.set_window_size(1280, 1000)

"""The form in a real browser: headless Chromium against the real gunicorn server (tests/browser_support.py).

Screenshots go to tests/artifacts/ (gitignored), for CI to keep as artifacts.
"""
from __future__ import annotations

import pytest

from tests.browser_support import browser, fill, gone, needs_browser, pick, screenshot, server, submit  # noqa: F401

pytestmark = needs_browser
XSS = "<script>alert(1)</script><img src=x onerror=alert(2)>"


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
    # The outlet name is shown literally; the text is HTML to the analysis, so the page shows what it read: the
    # script's content is dropped and the image tag is markup, never drawn and never shown.
    heading = browser.find_element(By.ID, "article-1-title").text
    assert XSS in heading
    text = browser.find_element(By.CSS_SELECTOR, ".article-text").text
    assert "The regime of the socialist dictator Nicolas Maduro." in text and "<img" not in text
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
    WebDriverWait(browser, 60).until(gone(button))
    WebDriverWait(browser, 60).until(ec.presence_of_element_located((By.ID, f"text-{len(seeds)}")))
    assert len(browser.find_elements(By.TAG_NAME, "textarea")) == len(seeds) + 1
    assert browser.find_element(By.ID, "outlet-0").get_attribute("value") == seeds[0]["outlet"]


PHONE_WIDTH = 390
# Every rendered element whose right edge passes the viewport, unless a box that clips or scrolls sideways (a
# table's .table-wrap) holds it: such an element would make the page itself scroll horizontally.
OVERFLOWING = """
const vw = document.documentElement.clientWidth;
const out = [];
for (const el of document.querySelectorAll('body *')) {
  const r = el.getBoundingClientRect();
  if ((r.width === 0 && r.height === 0) || r.right <= vw + 1) continue;
  let p = el.parentElement, boxed = false;
  while (p && p !== document.body) {
    const o = getComputedStyle(p).overflowX;
    if (o === 'auto' || o === 'scroll' || o === 'hidden' || o === 'clip') { boxed = true; break; }
    p = p.parentElement;
  }
  if (!boxed) out.push(el.tagName.toLowerCase() + '.' + (el.getAttribute('class') || '') + ' right=' + Math.round(r.right));
}
return out.slice(0, 20);
"""


def phone_check(driver, name):
    """Open every disclosure, then assert nothing widens the page; screenshot the page and its tables."""
    from selenium.webdriver.common.by import By

    driver.execute_script("document.querySelectorAll('details').forEach(d => d.open = true)")
    assert driver.execute_script("return document.documentElement.clientWidth") <= PHONE_WIDTH
    overflow = driver.execute_script(
        "return document.documentElement.scrollWidth - document.documentElement.clientWidth")
    offenders = driver.execute_script(OVERFLOWING)
    assert overflow <= 1 and offenders == [], f"page is {overflow}px wider than a phone screen: {offenders}"
    for k, box in enumerate(driver.find_elements(By.CSS_SELECTOR, ".table-wrap")):
        # A wide table scrolls inside its box: the box fits the screen.
        assert box.rect["x"] + box.rect["width"] <= PHONE_WIDTH + 1
    driver.execute_script("window.scrollTo(0, document.getElementById('scores').offsetTop)")
    driver.save_screenshot(str(screenshot_path(f"{name}_scores")))
    if driver.find_elements(By.ID, "actors"):
        driver.execute_script("window.scrollTo(0, document.getElementById('actors').offsetTop)")
        driver.save_screenshot(str(screenshot_path(f"{name}_actors")))
    driver.execute_script("window.scrollTo(0, document.getElementById('texts').offsetTop)")
    driver.save_screenshot(str(screenshot_path(f"{name}_texts")))
    screenshot(driver, name)


def screenshot_path(name):
    from tests.browser_support import ARTIFACTS

    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    return ARTIFACTS / f"{name}.png"


def test_phone_width_has_no_horizontal_scroll(server, browser, seeds):
    browser.set_window_size(PHONE_WIDTH, 844)
    try:
        fill_rows = [(r["outlet"], r["text"]) for r in seeds]
        browser.get(server + "/?example=seeds")  # five rows, then the texts set exactly
        fill(browser, fill_rows)
        submit(browser)
        phone_check(browser, "phone_390_seeds")
    finally:
        browser.set_window_size(1280, 1000)


def test_phone_width_with_a_web_page_and_a_long_word(server, browser, seeds):
    from tests.browser_support import saved_page

    page = saved_page()
    long_word = "https://example.org/" + "averyveryverylongpathsegment" * 12
    breitbart = pick(seeds, "Breitbart News")
    browser.set_window_size(PHONE_WIDTH, 844)
    try:
        browser.get(server + "/")
        fill(browser, [("The Daily Planet, a paper with a rather long name indeed", page),
                       (breitbart["outlet"], long_word + "\n" + breitbart["text"])])
        submit(browser)
        phone_check(browser, "phone_390_page")
    finally:
        browser.set_window_size(1280, 1000)

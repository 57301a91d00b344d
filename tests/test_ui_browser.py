"""The query page in a real headless Chromium (Debian's chromium + chromedriver, driven by selenium) against a
real server on loopback: the vendored editor loads, an example question runs, the results table is read and a
link in it leads to the resource's page.

Without chromium, chromedriver or selenium this test is skipped, saying how to enable it; with
``UNKG_REQUIRE_BROWSER=1`` (CI sets it) it fails instead, so a missing browser can never pass unnoticed.
"""

from __future__ import annotations

import os
import shutil
import sys
import time

import pytest

pytestmark = pytest.mark.browser

CHROMIUM = "/usr/bin/chromium"
CHROMEDRIVER = "/usr/bin/chromedriver"
HOW = ("apt-get install chromium chromium-driver (Debian) and pip install 'selenium>=4.20,<5'; "
       "set UNKG_REQUIRE_BROWSER=1 to make a missing browser fail instead of skip")
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
         "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-dev-shm-usage",
         "--window-size=1280,1000"]
WAIT_SECONDS = 30


def missing_browser() -> str | None:
    """What is missing to drive a browser, or None."""
    for path in (CHROMIUM, CHROMEDRIVER):
        if not (os.path.isfile(path) and os.access(path, os.X_OK)):
            return f"{path} is not installed"
    try:
        import selenium  # noqa: F401
    except ImportError:
        return "the selenium package is not installed"
    return None


def require_browser() -> None:
    """Skip (saying how to enable the test) or, with UNKG_REQUIRE_BROWSER=1, fail when no browser can run."""
    problem = missing_browser()
    if problem:
        if os.environ.get("UNKG_REQUIRE_BROWSER") == "1":
            pytest.fail(f"UNKG_REQUIRE_BROWSER=1 but {problem}: {HOW}")
        pytest.skip(f"no headless browser ({problem}); to run this test: {HOW}")


@pytest.fixture
def browser(tmp_path):
    require_browser()
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for flag in FLAGS + [f"--user-data-dir={tmp_path / 'profile'}"]:
        options.add_argument(flag)
    driver = webdriver.Chrome(service=Service(executable_path=CHROMEDRIVER), options=options)
    driver.set_page_load_timeout(WAIT_SECONDS)
    try:
        yield driver
    finally:
        driver.quit()
        shutil.rmtree(tmp_path / "profile", ignore_errors=True)


def wait_for(driver, condition, what: str):
    """Poll ``condition(driver)`` until it returns something truthy, for at most WAIT_SECONDS."""
    from selenium.common.exceptions import StaleElementReferenceException

    deadline = time.monotonic() + WAIT_SECONDS
    while time.monotonic() < deadline:
        try:
            found = condition(driver)
        except StaleElementReferenceException:
            found = None
        if found:
            return found
        time.sleep(0.1)
    raise AssertionError(f"timed out after {WAIT_SECONDS} s waiting for {what}; status: "
                         f"{driver.find_element('id', 'status').text!r}")


def test_query_page_runs_an_example_and_links_to_pages(real_server, browser):
    from selenium.webdriver.common.by import By

    browser.get(real_server + "/")
    wait_for(browser, lambda d: d.find_elements(By.CSS_SELECTOR, ".CodeMirror .cm-keyword"),
             "the SPARQL editor with highlighted keywords (vendored CodeMirror)")
    from selenium.webdriver.common.action_chains import ActionChains
    from selenium.webdriver.common.keys import Keys

    browser.find_element(By.CSS_SELECTOR, ".CodeMirror-code").click()  # the query already in the editor ...
    ActionChains(browser).key_down(Keys.CONTROL).send_keys(Keys.ENTER).key_up(Keys.CONTROL).perform()
    wait_for(browser, lambda d: d.find_elements(By.CSS_SELECTOR, "#results-table tbody tr"),
             "the first question's answer after Ctrl+Enter")  # ... runs from the keyboard
    examples = browser.find_elements(By.CSS_SELECTOR, "#examples button[data-example]")
    assert examples, "the query page lists no example questions (tests/cq/*.rq)"

    links = []
    for button in examples:  # the first example whose answer links to a resource page
        browser.execute_script("document.getElementById('results').textContent = '';")
        button.click()
        wait_for(browser, lambda d: d.find_elements(By.CSS_SELECTOR, "#results table, #results p, #results pre")
                 or "error" in d.find_element(By.ID, "status").get_attribute("class"),
                 f"the answer to {button.text!r}")
        assert "error" not in browser.find_element(By.ID, "status").get_attribute("class"), \
            f"example {button.text!r} failed: {browser.find_element(By.ID, 'status').text}"
        links = [a for a in browser.find_elements(By.CSS_SELECTOR, "#results-table td a.iri")
                 if a.get_attribute("href").startswith(real_server + "/")
                 and "/about?" not in a.get_attribute("href")]
        if links:
            break
    assert links, "no example question's answer links to a resource page"

    header = [th.text for th in browser.find_elements(By.CSS_SELECTOR, "#results-table thead th")]
    rows = browser.find_elements(By.CSS_SELECTOR, "#results-table tbody tr")
    assert header and all(h.startswith("?") for h in header) and rows
    assert all(len(row.find_elements(By.TAG_NAME, "td")) == len(header) for row in rows)
    csv_link = browser.find_element(By.ID, "download-csv").get_attribute("href")
    assert csv_link.startswith(real_server + "/sparql?query=") and csv_link.endswith("&format=csv")

    iri = links[0].text
    links[0].click()
    canonical = wait_for(browser, lambda d: d.find_elements(By.ID, "canonical-iri"), "the resource page")
    assert canonical[0].text == iri
    assert browser.current_url.startswith(real_server + "/")
    assert browser.find_elements(By.CSS_SELECTOR, "#properties table tr"), "the page lists no properties"


def test_a_javascript_iri_in_the_results_is_text_not_a_link(tiny_server, browser):
    from urllib.parse import quote

    from selenium.webdriver.common.action_chains import ActionChains
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys

    query = "SELECT ?x ?y { BIND(<javascript:alert(1)> AS ?x) BIND(<https://example.org/fine> AS ?y) }"
    browser.get(tiny_server + "/?query=" + quote(query))
    wait_for(browser, lambda d: d.find_elements(By.CSS_SELECTOR, ".CodeMirror .cm-keyword"), "the SPARQL editor")
    browser.find_element(By.CSS_SELECTOR, ".CodeMirror-code").click()
    ActionChains(browser).key_down(Keys.CONTROL).send_keys(Keys.ENTER).key_up(Keys.CONTROL).perform()
    cells = wait_for(browser, lambda d: d.find_elements(By.CSS_SELECTOR, "#results-table tbody td"), "the answer")
    assert [cell.text for cell in cells] == ["javascript:alert(1)", "https://example.org/fine"]
    assert browser.find_elements(By.CSS_SELECTOR, "#results-table td a.iri")  # the web IRI is still a link
    assert browser.find_elements(By.CSS_SELECTOR, 'a[href^="javascript:" i]') == []

def test_a_missing_browser_skips_with_instructions_or_fails_when_required(monkeypatch):
    monkeypatch.setattr(sys.modules[__name__], "CHROMIUM", "/nonexistent/chromium")
    monkeypatch.delenv("UNKG_REQUIRE_BROWSER", raising=False)
    with pytest.raises(pytest.skip.Exception, match="apt-get install chromium chromium-driver"):
        require_browser()
    monkeypatch.setenv("UNKG_REQUIRE_BROWSER", "1")
    with pytest.raises(pytest.fail.Exception, match="/nonexistent/chromium is not installed"):
        require_browser()


def test_a_graph_answer_offers_graph_downloads_and_a_directed_literal_keeps_its_direction(tiny_server, browser):
    from urllib.parse import quote

    import httpx
    from selenium.webdriver.common.by import By

    def run(query: str, what: str):
        browser.get(tiny_server + "/?query=" + quote(query))
        wait_for(browser, lambda d: d.find_elements(By.CSS_SELECTOR, ".CodeMirror .cm-keyword"), "the SPARQL editor")
        browser.find_element(By.ID, "run").click()
        return wait_for(browser, lambda d: d.find_elements(By.CSS_SELECTOR, what), "the answer")

    run('CONSTRUCT { <https://example.org/a> <https://example.org/b> "x" } WHERE {}', "#results-text")
    first, second = (browser.find_element(By.ID, name) for name in ("download-csv", "download-json"))
    assert (first.text, second.text) == ("Turtle", "JSON-LD")
    for link, media_type in ((first, "text/turtle"), (second, "application/ld+json")):
        response = httpx.get(link.get_attribute("href"), timeout=30)
        assert response.status_code == 200 and response.headers["content-type"].startswith(media_type)
    cells = run('SELECT ?l WHERE { BIND(STRLANGDIR("abc", "ar", "rtl") AS ?l) }', "#results-table tbody td span")
    assert cells[0].get_attribute("dir") == "rtl" and cells[0].get_attribute("lang") == "ar"
    assert browser.find_element(By.ID, "download-csv").text == "CSV"  # a table again
    browser.execute_script("document.querySelector('.CodeMirror').CodeMirror.setValue(arguments[0]);",
                           "PREFIX ex: <http://example.org/#>\n# a comment\nDESCRIBE ex:a")  # edited, not run
    assert browser.find_element(By.ID, "download-csv").text == "Turtle"


def test_a_page_names_its_icon_and_the_browser_asks_for_no_favicon_ico(real_server, browser, caplog):
    """Every visit made the browser ask for /favicon.ico, a 404 in its console: the pages name an icon of
    their own (api/static/favicon.svg). The access log says what the browser asked the server for."""
    import logging

    from selenium.webdriver.common.by import By

    caplog.set_level(logging.INFO, logger="unkg.access")
    browser.get(real_server + "/instrument/UNTOC/art/27")
    assert browser.find_elements(By.ID, "canonical-iri")
    deadline = time.monotonic() + WAIT_SECONDS
    while "/static/favicon.svg" not in caplog.text and time.monotonic() < deadline:
        time.sleep(0.1)
    assert '"GET /static/favicon.svg" 200' in caplog.text, caplog.text
    assert "/favicon.ico" not in caplog.text, caplog.text

"""The rendered site in a real browser: Debian's headless Chromium via chromedriver and selenium.

The site (the example SMS with hostile text added) is served on localhost; the home page, a service
page and an agreement page load without console errors, the Mermaid diagram is drawn, no payload
runs, and every internal link of the site resolves. Both engines are tested.
"""

from __future__ import annotations

import functools
import http.server
import os
import threading
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from html.parser import HTMLParser
from pathlib import Path

import pytest
from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait

from fitsm_kit.site import render
from fitsm_kit.sms.config import load_config
from site_sms import SCRIPT, TITLE, hostile_sms

CHROMIUM, CHROMEDRIVER = Path("/usr/bin/chromium"), Path("/usr/bin/chromedriver")
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync", "--window-size=1280,1800"]
PAGES = ["", "services/xss-probe/", "services/cloud-compute/", "agreements/sla-bio-institute/", "agreements/sla-xss/",
         "agreements/ola-xss/", "catalogue/", "customers/", "documents/segment-xss/"]
TIMEOUT = 30  # seconds for any one page load, script or HTTP request

if not (CHROMIUM.exists() and CHROMEDRIVER.exists()):
    if os.environ.get("CI"):
        raise RuntimeError("CI must install chromium and chromium-driver (see .ci/run)")
    pytest.skip("needs Debian's chromium and chromium-driver: apt-get install chromium chromium-driver",
                allow_module_level=True)


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:  # noqa: A002 - the base class's name
        pass


@pytest.fixture(scope="module", params=["mkdocs", "zensical"])
def served(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The hostile example rendered with each engine and served on localhost; yields the base URL."""
    base = tmp_path_factory.mktemp(request.param)
    sms = hostile_sms(base / "sms")
    config = load_config(sms)
    assert config.as_of is not None
    render(sms, base / "site", config, config.as_of, engine_name=request.param)
    handler = functools.partial(_Quiet, directory=str(base / "site"))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    server.timeout = TIMEOUT
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(TIMEOUT)


@pytest.fixture(scope="module")
def browser(tmp_path_factory: pytest.TempPathFactory) -> Iterator[webdriver.Chrome]:
    options = webdriver.ChromeOptions()
    options.binary_location = str(CHROMIUM)
    for flag in [*FLAGS, f"--user-data-dir={tmp_path_factory.mktemp('chromium')}"]:
        options.add_argument(flag)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    driver = webdriver.Chrome(service=Service(str(CHROMEDRIVER)), options=options)
    driver.set_page_load_timeout(TIMEOUT)
    driver.set_script_timeout(TIMEOUT)
    try:
        yield driver
    finally:
        driver.quit()


def _open(browser: webdriver.Chrome, url: str) -> list[dict[str, object]]:
    """Load ``url``, wait until the theme's script has run, return the console entries of that load."""
    browser.get_log("browser")  # drop entries of earlier pages
    browser.get(url)
    WebDriverWait(browser, TIMEOUT).until(
        lambda d: d.execute_script("return document.readyState") == "complete"
        and d.execute_script("return typeof document$ !== 'undefined'"))  # the theme's bundle ran
    return list(browser.get_log("browser"))


@pytest.mark.parametrize("path", PAGES)
def test_pages_load_without_console_errors(served: str, browser: webdriver.Chrome, path: str) -> None:
    logs = _open(browser, served + path)
    assert [entry for entry in logs if entry["level"] == "SEVERE"] == []
    assert browser.execute_script("return typeof window.__pwned") == "undefined"
    assert browser.find_element(By.TAG_NAME, "h1").text


def test_hostile_text_is_shown_not_run(served: str, browser: webdriver.Chrome) -> None:
    for path in ("services/xss-probe/", "agreements/sla-xss/"):
        _open(browser, served + path)
        article = browser.find_element(By.TAG_NAME, "article").text
        assert SCRIPT in article and "javascript:window.__pwned=3" in article
        links = browser.execute_script("return [...document.querySelectorAll('a')].map(a => a.href)")
        assert not [href for href in links if href and not href.lower().startswith(("http://", "https://", "mailto:"))]
        assert browser.execute_script("return typeof window.__pwned") == "undefined"
    _open(browser, served + "services/xss-probe/")
    assert browser.execute_script("return document.title").startswith(TITLE)


def test_service_dependency_diagram_is_drawn(served: str, browser: webdriver.Chrome) -> None:
    logs = _open(browser, served + "services/cloud-compute/")
    WebDriverWait(browser, TIMEOUT).until(
        lambda d: d.execute_script("return document.querySelector('pre.mermaid') === null"))
    height = browser.execute_script("return document.querySelector('div.mermaid').getBoundingClientRect().height")
    assert height > 100
    assert [entry for entry in logs + browser.get_log("browser") if entry["level"] == "SEVERE"] == []


class _Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.links: list[str] = []
        self.ids: set[str] = set()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        if found.get("id"):
            self.ids.add(str(found["id"]))
        for name in ("href", "src"):
            if found.get(name) and tag in ("a", "link", "script", "img"):
                self.links.append(str(found[name]))


def _get(url: str) -> tuple[int, bytes, str]:
    try:
        with urllib.request.urlopen(url, timeout=TIMEOUT) as response:  # noqa: S310 - localhost only
            return response.status, response.read(), response.headers.get_content_type()
    except urllib.error.HTTPError as e:
        return e.code, b"", ""


def test_every_internal_link_resolves(served: str) -> None:
    """Crawl the whole site from the home page: every internal link and anchor exists."""
    pages: dict[str, _Links] = {}
    todo, seen, broken = [served], {served}, []
    anchors: list[tuple[str, str, str]] = []
    while todo:
        url = todo.pop()
        status, body, kind = _get(url)
        if status != 200:
            broken.append(url)
            continue
        if kind != "text/html":
            continue
        parser = _Links()
        parser.feed(body.decode("utf-8"))
        pages[url] = parser
        for link in parser.links:
            target, _, fragment = urllib.parse.urljoin(url, link).partition("#")
            if not target.startswith(served):
                continue  # external: the theme's own, and links from YAML (http, https, mailto only)
            if fragment and target.endswith("/"):
                anchors.append((url, target, fragment))
            if target not in seen:
                seen.add(target)
                todo.append(target)
    assert broken == []
    assert len(pages) > 80  # the crawl reached the document pages, not just the sections
    missing = [(page, f"{target}#{fragment}") for page, target, fragment in anchors
               if target in pages and urllib.parse.unquote(fragment) not in pages[target].ids]
    assert missing == []


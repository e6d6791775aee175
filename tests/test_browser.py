"""The demo site in a real browser: headless Chromium (Debian's /usr/bin/chromium) driven by
Playwright, against the built site served on 127.0.0.1.

A reader's path through the site, search, pages without JavaScript, accessibility
(axe-core, vendored in tests/vendor/axe-core), layout from 360 px wide, light and
dark themes. Screenshots at 1280 and 375 px go to test-artifacts/ (not committed).
"""

from __future__ import annotations

import http.server
import json
import threading
from pathlib import Path
from urllib.parse import urlsplit

import pytest

playwright_api = pytest.importorskip("playwright.sync_api")

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
AXE = ROOT / "tests" / "vendor" / "axe-core" / "axe.min.js"
ARTIFACTS = ROOT / "test-artifacts"


class QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


@pytest.fixture(scope="module")
def site_url(demo_site):
    """The demo site served over HTTP on a free port of 127.0.0.1."""

    def handler(*args, **kwargs):
        return QuietHandler(*args, directory=str(demo_site["output"]), **kwargs)

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/"
    server.shutdown()
    server.server_close()


@pytest.fixture(scope="module")
def browser():
    if not CHROMIUM.exists():
        pytest.skip("Debian's chromium is not installed (apt-get install chromium)")
    with playwright_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield browser
        browser.close()


class Watched:
    """A page that records console errors, script errors and failed or outside requests."""

    def __init__(self, page, site_url: str):
        self.page = page
        self.problems: list[str] = []
        host = urlsplit(site_url).netloc
        page.on(
            "console", lambda m: m.type == "error" and self.problems.append(f"console: {m.text}")
        )
        page.on("pageerror", lambda e: self.problems.append(f"script error: {e}"))
        page.on("requestfailed", self._failed)
        page.on(
            "response",
            lambda r: r.status >= 400 and self.problems.append(f"HTTP {r.status}: {r.url}"),
        )
        page.on(
            "request",
            lambda r: (
                urlsplit(r.url).netloc not in (host, "")
                and self.problems.append(f"outside request: {r.url}")
            ),
        )

    def _failed(self, request) -> None:
        # A request the browser cancels because the reader moved on (favicon) is no failure;
        # a missing file still shows as an HTTP error response.
        if request.failure != "net::ERR_ABORTED":
            self.problems.append(f"failed: {request.url} {request.failure}")


@pytest.fixture
def watched(browser, site_url):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    watch = Watched(page, site_url)
    yield watch
    context.close()
    assert watch.problems == []


def _screenshot(page, name: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)


def _reader_path(watch: Watched, site_url: str) -> dict[str, str]:
    """Home, a topic chip, an actor link, an article: the URL of each page reached."""
    page = watch.page
    page.goto(site_url)
    assert page.locator("h1").count() == 1
    chip = page.locator("main .card .chips-topics a").first
    topic = chip.text_content()
    chip.click()
    page.wait_for_load_state()
    assert "/topics/" in page.url
    assert page.locator("h1").text_content().strip() == topic.strip()
    visited = {"topic": page.url}
    actor_link = page.locator("main .card .chips-actors a").first
    actor = actor_link.text_content()
    actor_link.click()
    page.wait_for_load_state()
    assert "/actors/" in page.url
    assert page.locator("h1").text_content().strip() == actor.strip()
    visited["actor"] = page.url
    story = page.locator("main .card .card-title a").first
    title = story.text_content()
    story.click()
    page.wait_for_load_state()
    assert page.locator("h1").text_content().strip() == title.strip()
    assert page.locator(".story-body p").count() >= 1
    visited["article"] = page.url
    return visited


def test_reader_goes_from_home_to_topic_actor_and_article(watched, site_url):
    _reader_path(watched, site_url)


def test_search_finds_articles_by_title_body_and_filters(watched, site_url, demo_site):
    page = watched.page
    page.goto(site_url)
    first_title = page.locator("main .card .card-title a").first.inner_text()
    word = max(first_title.split(), key=len).strip(".,:;’'\"")
    page.fill("#site-search", word)
    page.press("#site-search", "Enter")
    page.wait_for_url("**/search/?q=*")
    page.wait_for_selector("#search-results li")
    assert first_title in page.locator("#search-results").inner_text()
    assert "found" in page.locator("#search-status").inner_text()
    assert page.locator("#search-results mark").count() >= 1  # the words found, highlighted

    # A word that only the body of an article holds, in capitals: full-text search finds it.
    article = next((demo_site["output"] / "2026" / "11").glob("*marathon*/index.html"))
    from lxml import html as lxml_html

    story = lxml_html.fromstring(article.read_bytes())
    title = story.xpath("string(//h1)").strip()
    shown = " ".join(story.xpath("//h1//text() | //p[contains(@class,'meta')]//text()")).lower()
    paragraphs = story.xpath("//div[@class='story-body']/p[position() > 2]//text()")
    body_word = max(
        (w.strip(".,:;’'\"()") for w in " ".join(paragraphs).split() if w.isalpha()),
        key=lambda w: (w.lower() not in shown, len(w)),
    )
    page.fill("#search-q", body_word.upper())
    page.click("#search-form button")
    page.wait_for_function("document.querySelector('#search-status').textContent.includes('found')")
    assert title in page.locator("#search-results").inner_text()

    # An actor chosen as a filter, without any words: that actor's articles, newest first.
    actor = story.xpath("string((//a[@data-pagefind-filter='actor'])[1])").strip()
    page.fill("#search-q", "")
    page.focus("select[data-filter='actor']")  # the values load when a filter is first opened
    page.wait_for_function(
        "document.querySelectorAll(\"select[data-filter='actor'] option\").length > 2"
    )
    page.select_option("select[data-filter='actor']", actor)
    page.select_option("#search-order", "newest")
    page.wait_for_function("document.querySelector('#search-status').textContent.includes('found')")
    assert title in page.locator("#search-results").inner_text()
    assert "actor=" in page.url and "order=newest" in page.url
    count = page.locator("#search-results li").count()
    assert 1 <= count <= len(list((demo_site["output"]).rglob("index.html")))

    # Newest first over every bundle of the index (one per block of time), merged by date.
    bundles = json.loads((demo_site["output"] / "pagefind" / "bundles.json").read_text())
    assert len(bundles["bundles"]) >= 2
    page.select_option("select[data-filter='actor']", "")
    page.fill("#search-q", "said")
    page.click("#search-form button")
    page.wait_for_function("document.querySelector('#search-status').textContent.includes('found')")
    links = page.locator("#search-results li > a").evaluate_all("(a) => a.map((x) => x.href)")
    assert len(links) >= 3
    shown = []
    for link in links:
        path = demo_site["output"] / urlsplit(link).path.lstrip("/") / "index.html"
        shown.append(lxml_html.fromstring(path.read_bytes()).xpath("string(//time/@datetime)"))
    assert shown == sorted(shown, reverse=True)
    assert len({value[:7] for value in shown}) >= 2  # from more than one bundle

    page.select_option("select[data-filter='actor']", "")
    page.fill("#search-q", "zzzxqv")
    page.click("#search-form button")
    page.wait_for_function(
        "document.querySelector('#search-status').textContent.startsWith('No article')"
    )
    assert page.locator("#search-results li").count() == 0


def test_pages_are_readable_without_javascript(browser, site_url):
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(site_url)
    assert page.locator("main .card").count() >= 1
    page.goto(site_url + "search/")
    assert "Search needs JavaScript" in page.locator("main").inner_text()
    context.close()


PAGES = {
    "home": "",
    "topics": "topics/",
    "actors": "actors/",
    "editions": "editions/",
    "search": "search/",
}


def _axe_problems(page) -> list[str]:
    page.add_script_tag(path=str(AXE))
    result = page.evaluate("axe.run(document, {resultTypes: ['violations']})")
    return [
        f"{v['id']} ({v['impact']}): {v['help']} at {[n['target'] for n in v['nodes'][:3]]}"
        for v in result["violations"]
        if v["impact"] in ("serious", "critical")
    ]


def test_the_accessibility_check_reports_what_it_should(browser):
    page = browser.new_page()
    page.set_content('<html><body><img src="data:,"><a href="#"></a></body></html>')
    problems = " ".join(_axe_problems(page))
    page.close()
    assert "image-alt" in problems and "html-has-lang" in problems


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_no_serious_accessibility_violations(browser, site_url, scheme):
    context = browser.new_context(color_scheme=scheme)
    page = context.new_page()
    watch = Watched(page, site_url)
    urls = {name: site_url + path for name, path in PAGES.items()}
    urls.update(_reader_path(watch, site_url))
    page.goto(site_url + "editions/")
    urls["month"] = page.locator("main .month h2 a").first.evaluate("a => a.href")
    urls["edition"] = page.locator("main .edition-list a").first.evaluate("a => a.href")
    problems = {}
    for name, url in urls.items():
        page.goto(url)
        found = _axe_problems(page)
        if found:
            problems[name] = found
    context.close()
    assert problems == {}
    assert watch.problems == []


@pytest.mark.parametrize("width", [1280, 375])
def test_screenshots(browser, site_url, width):
    context = browser.new_context(viewport={"width": width, "height": 900})
    page = context.new_page()
    watch = Watched(page, site_url)
    urls = {"home": site_url}
    urls.update(_reader_path(watch, site_url))
    for name, url in urls.items():
        page.goto(url)
        _screenshot(page, f"{name}-{width}")
        assert (ARTIFACTS / f"{name}-{width}.png").stat().st_size > 1000
    context.close()
    assert watch.problems == []


def test_no_horizontal_scrolling_at_360px(browser, site_url):
    context = browser.new_context(viewport={"width": 360, "height": 740})
    page = context.new_page()
    watch = Watched(page, site_url)
    urls = {name: site_url + path for name, path in PAGES.items()}
    urls.update(_reader_path(watch, site_url))
    too_wide = {}
    for name, url in urls.items():
        page.goto(url)
        width = page.evaluate("document.documentElement.scrollWidth")
        if width > 360:
            too_wide[name] = width
    context.close()
    assert too_wide == {}


def test_skip_link_and_focus_are_visible(watched, site_url):
    page = watched.page
    page.goto(site_url)
    page.keyboard.press("Tab")
    focused = page.evaluate("document.activeElement.className")
    assert focused == "skip-link"
    box = page.locator(".skip-link").bounding_box()
    assert box and box["y"] >= 0 and box["height"] > 0
    outline = page.evaluate("getComputedStyle(document.activeElement).outlineStyle")
    assert outline not in ("none", "")
    page.keyboard.press("Enter")
    page.wait_for_function("location.hash === '#main'", timeout=5000)  # the jump is not instant
    assert page.url.endswith("#main")


def test_theme_follows_the_system_setting(browser, site_url):
    colours = {}
    for scheme in ("light", "dark"):
        context = browser.new_context(color_scheme=scheme)
        page = context.new_page()
        page.goto(site_url)
        colours[scheme] = page.evaluate("getComputedStyle(document.body).backgroundColor")
        context.close()
    assert colours["light"] != colours["dark"]

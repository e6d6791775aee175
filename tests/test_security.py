"""Nothing a source contains runs script in a reader's browser.

Every vector of the OWASP XSS filter-evasion cheat sheet (tests/hostile/xss/) goes through
the whole pipeline, in saved HTML pages (title, body, canonical link, lead image), in plain
text scrapes and in an editor's hand-written article; then every built page and every feed
is searched for what could run: script elements, event handlers, javascript:, vbscript: and
data: URLs, frames, objects, styles and forms.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from lxml import etree, html

from newsdigest.ingest.run import ingest
from newsdigest.site.build import build_site

VECTORS = [
    line
    for line in (Path(__file__).parent / "hostile" / "xss" / "owasp-vectors.txt")
    .read_text(encoding="utf-8")
    .splitlines()
    if line.strip()
]
LEAD = (
    "The regional council voted on Monday to extend the night bus service to three more "
    "districts, officials said in a statement"
)
TAIL = "The change takes effect in January and costs little, the transport office said"

FORBIDDEN_TAGS = {
    "script", "iframe", "frame", "frameset", "object", "embed", "applet", "style", "form",
    "input", "button", "textarea", "select", "option", "base", "link", "meta", "svg", "math",
    "video", "audio", "source", "bgsound", "isindex", "xml", "noscript", "template", "details",
}  # fmt: skip
URL_ATTRIBUTES = {
    "href", "src", "action", "formaction", "background", "poster", "data", "lowsrc", "dynsrc",
    "srcset", "cite", "longdesc", "usemap", "codebase", "xlink:href", "{http://www.w3.org/1999/xlink}href",
}  # fmt: skip
BAD_SCHEME = re.compile(r"^(?:javascript|vbscript|data|livescript|mocha):")
THEME_FORMS = {"site-search", "search-form"}
THEME_CONTROLS = {"search-more"}  # the search page's "More results" button


def bad_url(value: str) -> bool:
    """What a browser would follow: entities decoded, white space and controls ignored."""
    squeezed = re.sub(r"[\x00-\x20\x7f]+", "", value).lower()
    return bool(BAD_SCHEME.match(squeezed))


def scripting_in_fragment(markup: str) -> list[str]:
    """Everything that could run in a piece of article HTML (a feed entry)."""
    problems = []
    root = html.fragment_fromstring(markup or "<p></p>", create_parent="div")
    for element in root.iter():
        if not isinstance(element.tag, str):
            continue
        if element.tag.lower() in FORBIDDEN_TAGS:
            problems.append(f"<{element.tag}>")
        problems += _attribute_problems(element)
    return problems


def scripting_in_page(page: Path) -> list[str]:
    """Everything that could run in a built page, the theme's own search form and scripts aside."""
    problems = []
    root = html.fromstring(page.read_bytes())
    for element in root.iter():
        if not isinstance(element.tag, str):
            continue
        tag = element.tag.lower()
        if tag == "script":
            if element.get("type") == "application/ld+json":
                json.loads(element.text or "")  # data, and nothing broke out of it
            elif (
                not (element.get("src") or "")
                .rstrip("/")
                .split("/theme/js/")[-1:][0]
                .endswith(".js")
                or element.text
            ):
                problems.append(f"<script> {element.get('src')!r}")
        elif tag in {"form", "input", "button", "select", "option"}:
            form = element if tag == "form" else next(element.iterancestors("form"), None)
            theirs = element.get("id") in THEME_CONTROLS and tag == "button"
            if not theirs and (form is None or form.get("class") not in THEME_FORMS):
                problems.append(f"<{tag}>")
        elif tag == "meta":
            if element.get("http-equiv", "").lower() == "refresh":
                problems.append("<meta http-equiv=refresh>")
            is_url = element.get("property") in ("og:image", "og:url")
            if (is_url or element.get("name") == "twitter:image") and bad_url(
                element.get("content", "")
            ):
                problems.append(f"<meta {element.get('property')}> {element.get('content')}")
        elif tag == "link":
            if bad_url(element.get("href", "")):
                problems.append(f"<link href={element.get('href')!r}>")
        elif tag in FORBIDDEN_TAGS - {"meta", "link", "svg", "noscript"}:  # the theme's own
            problems.append(f"<{tag}>")
        problems += _attribute_problems(element)
    return problems


def _attribute_problems(element) -> list[str]:
    problems = []
    for name, value in element.attrib.items():
        name = str(name).lower()
        if name.startswith("on"):
            problems.append(f"<{element.tag} {name}=...>")
        if name == "style" and re.search(r"expression|url\s*\(|javascript", value, re.I):
            problems.append(f"<{element.tag} style={value!r}>")
        if name in URL_ATTRIBUTES and bad_url(value):
            problems.append(f"<{element.tag} {name}={value!r}>")
    return problems


def write_hostile_seeds(seeds: Path) -> None:
    seeds.mkdir(parents=True)
    for number, vector in enumerate(VECTORS):
        (seeds / f"xss-{number:03d}.html").write_text(
            "<!DOCTYPE html><html><head>"
            f"<title>Council vote {number} {vector}</title>"
            f'<link rel="canonical" href="javascript:alert({number})">'
            '<meta property="og:image" content="javascript:alert(1)">'
            '<meta name="author" content="<script>alert(1)</script>">'
            f"</head><body><article><h1>Council vote {number} {vector}</h1>"
            f"<p>{LEAD}, story {number}.</p>{vector}<p>{TAIL} {vector}.</p>"
            f'<p>See <a href="javascript:alert({number})">the statement</a>.</p>'
            "</article></body></html>",
            encoding="utf-8",
        )
        (seeds / f"xss-{number:03d}.txt").write_text(
            f"Vote {number} {vector}\n\nBy {vector}\n\n{LEAD}, story {number}.\n\n{vector}\n\n"
            f"{TAIL}. {vector}\n",
            encoding="utf-8",
        )


def write_editor_article(content: Path) -> None:
    """An article an editor typed by hand, raw HTML and hostile links included."""
    path = content / "2030" / "01" / "hand-written.md"  # newest: in every feed
    path.parent.mkdir(parents=True, exist_ok=True)
    body = "\n\n".join([LEAD + ".", *VECTORS, TAIL + "."])
    path.write_text(
        "---\n"
        "title: Hand-written <script>alert(1)</script>\n"
        "slug: hand-written\n"
        "date: '2030-01-01'\n"
        "summary: <img src=x onerror=alert(1)> summary\n"
        "source: {name: '<b onmouseover=alert(1)>Gazette</b>', url: 'javascript:alert(1)'}\n"
        "image: 'data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg=='\n"
        "lang: 'en\" onmouseover=\"alert(1)'\n"
        "---\n\n" + body + "\n",
        encoding="utf-8",
    )


@pytest.fixture(scope="module")
def hostile_site(tmp_path_factory) -> dict:
    base = tmp_path_factory.mktemp("xss")
    seeds, content, output = base / "seeds", base / "content", base / "output"
    write_hostile_seeds(seeds)
    report = ingest(seeds, content)
    write_editor_article(content)
    build_site(content, output)
    return {"content": content, "output": output, "report": report}


def test_most_hostile_seeds_still_make_articles(hostile_site):
    report = hostile_site["report"]
    assert len(report.ingested) >= 0.9 * 2 * len(VECTORS), report.failed
    assert len(list(hostile_site["output"].rglob("index.html"))) > len(VECTORS)


def test_no_built_page_can_run_script(hostile_site):
    pages = sorted(hostile_site["output"].rglob("*.html"))
    assert len(pages) > 2 * len(VECTORS)
    problems = {}
    for page in pages:
        found = scripting_in_page(page)
        if found:
            problems[str(page.relative_to(hostile_site["output"]))] = found[:5]
    assert not problems, problems


def test_no_feed_entry_can_run_script(hostile_site):
    feeds = sorted((hostile_site["output"] / "feeds").rglob("*.xml"))
    assert feeds
    problems = {}
    for feed in feeds:
        root = etree.fromstring(feed.read_bytes())  # well-formed XML, or this raises
        for node in root.iter():
            tag = etree.QName(node).localname if isinstance(node.tag, str) else ""
            if tag in ("content", "summary", "description") and node.text:
                found = scripting_in_fragment(node.text)
                if found:
                    problems.setdefault(feed.name, []).extend(found[:3])
            if tag == "title" and node.text and re.search(r"<[a-zA-Z/!]", node.text):
                problems.setdefault(feed.name, []).append(f"markup in a title: {node.text!r}")
            if tag == "link" and bad_url(node.get("href", node.text or "")):
                problems.setdefault(feed.name, []).append(f"link {node.get('href')!r}")
    assert not problems, problems


def test_editor_article_is_sanitised_too(hostile_site):
    page = hostile_site["output"] / "2030" / "01" / "hand-written" / "index.html"
    text = page.read_text(encoding="utf-8")
    assert LEAD in text and TAIL in text
    assert '<h1 data-pagefind-meta="title">Hand-written alert(1)</h1>' in text  # no tags left
    assert not scripting_in_page(page)

"""`invoke fetch` against a real HTTP server on 127.0.0.1: feeds in every format with the
quirks of real ones, hostile and broken answers, then the articles ingest makes of the seeds."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import feedparser
import pytest
from newsroom import Answer, Newsroom, article_page

from newsdigest.content_format import parse
from newsdigest.fetch.run import fetch
from newsdigest.fetch.sources import SourcesError, load_sources
from newsdigest.fetch.state import STATE_FILE, url_key
from newsdigest.ingest.run import ingest
from newsdigest.provenance import split_provenance

ROOT = Path(__file__).resolve().parent.parent
HTML = {"Content-Type": "text/html; charset=utf-8"}
XML = {"Content-Type": "application/rss+xml"}

BODY = (
    "Fishermen in the harbour town said the new quota rules would cut their catch by a third, "
    "and the regional council promised to review the plan before the season opens in spring."
)


def rss2(site: Newsroom) -> str:
    return f"""<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0"><channel><title>Harbour News</title><link>{site.url("/")}</link>
<item><title><![CDATA[Quotas & "cod": the council's plan]]></title>
  <link>/news/quotas</link><guid isPermaLink="false">q-1</guid>
  <pubDate>Tue, 03 Nov 2026 08:30:00 +0100</pubDate>
  <author>jane@example.com (Jane Doe)</author></item>
<item><title>Storm &amp; floods close the coast road</title>
  <link>{site.url("/news/storm")}</link><guid>s-1</guid><pubDate>next Tuesday, maybe</pubDate></item>
<item><title>Same guid, other link</title><link>{site.url("/news/other")}</link><guid>s-1</guid></item>
<item><title>The quota story again, with tracking</title>
  <link>{site.url("/news/quotas?utm_source=rss&amp;utm_medium=feed")}</link><guid>q-2</guid></item>
<item><title>Annual report (PDF)</title><link>{site.url("/report.pdf")}</link></item>
<item><title>Members only</title><link>{site.url("/private/story")}</link></item>
<item><title>Moved twice</title><link>{site.url("/r1")}</link></item>
<item><title>Escapes to a file</title><link>{site.url("/to-file")}</link></item>
<item><title>Enormous</title><link>{site.url("/bomb")}</link></item>
<item><title>A notice without a link</title>
  <description>{BODY} {BODY}</description><guid isPermaLink="false">notice-7</guid></item>
</channel></rss>"""


ATOM = """<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom" xml:base="{base}">
<title>Harbour Atom</title><id>urn:harbour</id><updated>2026-11-04T10:00:00Z</updated>
<entry><title type="html">Ferry &lt;b&gt;timetable&lt;/b&gt; changes</title>
  <link rel="alternate" href="news/ferry"/><id>urn:ferry</id><updated>2026-11-04T09:15:00Z</updated>
  <author><name>Sam Lee</name></author></entry>
</feed>"""

RSS1 = """<?xml version="1.0"?>
<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns="http://purl.org/rss/1.0/"
  xmlns:dc="http://purl.org/dc/elements/1.1/">
<channel rdf:about="{base}rss1"><title>Harbour RDF</title><link>{base}</link></channel>
<item rdf:about="{base}news/lighthouse"><title>Lighthouse reopens</title>
  <link>{base}news/lighthouse</link><dc:date>2026-11-02T07:00:00Z</dc:date></item>
</rdf:RDF>"""

RSS091 = """<?xml version="1.0"?><rss version="0.91"><channel><title>Old</title><link>{base}</link>
<item><title>Market day moves</title><link>{base}news/market</link></item></channel></rss>"""

FULLTEXT = """<?xml version="1.0"?><rss version="2.0"
  xmlns:content="http://purl.org/rss/1.0/modules/content/"><channel><title>Wire</title>
<item><title>Wire: harbour strike ends</title><link>{base}wire/strike</link><guid>w-1</guid>
<pubDate>Mon, 02 Nov 2026 12:00:00 GMT</pubDate>
<content:encoded><![CDATA[<p>{body}</p><p>{body}</p><script>alert(1)</script>]]></content:encoded>
</item></channel></rss>"""


def _etag_feed(site):
    def answer(request):
        if request.headers.get("If-None-Match") == '"v1"':
            return Answer(304, headers={"ETag": '"v1"'})
        feed = RSS091.format(base=site.url("/")).replace("news/market", "news/etag")
        return Answer(
            200, feed, {**XML, "ETag": '"v1"', "Last-Modified": "Tue, 03 Nov 2026 08:00:00 GMT"}
        )

    return answer


@pytest.fixture
def newsroom():
    with Newsroom() as site:
        base = site.url("/")
        site.route("/rss2.xml", Answer(body=rss2(site), headers=XML))
        site.route(
            "/atom.xml",
            Answer(body=ATOM.format(base=base), headers={"Content-Type": "application/atom+xml"}),
        )
        site.route(
            "/rss1.rdf",
            Answer(body=RSS1.format(base=base), headers={"Content-Type": "application/rdf+xml"}),
        )
        site.route(
            "/rss091.xml",
            Answer(body=RSS091.format(base=base), headers={"Content-Type": "text/xml"}),
        )
        site.route("/etag.xml", _etag_feed(site))
        site.route("/fulltext.xml", Answer(body=FULLTEXT.format(base=base, body=BODY), headers=XML))
        site.route("/missing.xml", Answer(404, "gone", {"Content-Type": "text/plain"}))
        site.route("/broken.xml", Answer(500, "oops", {"Content-Type": "text/plain"}))
        site.route("/slow.xml", Answer(body=RSS091.format(base=base), headers=XML, delay=2.0))
        site.route(
            "/robots.txt",
            Answer(
                body="User-agent: *\nDisallow: /private/\n", headers={"Content-Type": "text/plain"}
            ),
        )
        site.route(
            "/news/quotas",
            Answer(
                body=article_page(
                    "Quotas and cod: the council's plan",
                    words=BODY,
                    meta=(
                        "<meta property='og:site_name' content='Harbour Gazette'>"
                        "<meta name='author' content='Jane Doe'>"
                        "<meta property='article:published_time' content='2026-11-03T08:30:00+01:00'>"
                    ),
                ),
                headers=HTML,
            ),
        )
        bare = (
            article_page("", words=BODY.replace("harbour town", "harbour town’s café"))
            .replace("<title></title>", "")
            .replace("<h1></h1>", "")
        )
        site.route(
            "/news/storm",
            Answer(
                body=bare.encode("cp1252"),
                headers={"Content-Type": "text/html; charset=windows-1252"},
            ),
        )
        site.route(
            "/news/other", Answer(body=article_page("Other story", words=BODY), headers=HTML)
        )
        for path in (
            "/news/ferry",
            "/news/lighthouse",
            "/news/market",
            "/news/etag",
            "/news/moved",
        ):
            site.route(
                path,
                Answer(
                    body=article_page(path.rsplit("/", 1)[1].title() + " news", words=BODY),
                    headers=HTML,
                    gzip=True,
                ),
            )
        site.route(
            "/report.pdf", Answer(body=b"%PDF-1.7 ...", headers={"Content-Type": "application/pdf"})
        )
        site.route("/private/story", Answer(body=article_page("Secret", words=BODY), headers=HTML))
        site.route("/r1", Answer(302, headers={"Location": "/r2"}))
        site.route("/r2", Answer(301, headers={"Location": site.url("/r3")}))
        site.route("/r3", Answer(307, headers={"Location": "news/moved"}))
        site.route("/to-file", Answer(302, headers={"Location": "file:///etc/passwd"}))
        # 40 MB of spaces, 40 KB on the wire: the limit holds for the decompressed body
        site.route("/bomb", Answer(body=b" " * (40 * 2**20), headers=HTML, gzip=True))
        yield site


def write_sources(path: Path, site: Newsroom, extra: str = "", **fetch_settings) -> Path:
    settings = {
        "delay": 0.0,
        "read_timeout": 0.5,
        "retries": 1,
        "backoff": 0.05,
        "max_bytes": 2**20,
        "contact": "https://digest.example/contact",
    }
    settings.update(fetch_settings)
    lines = ["sources:"]
    for name, feed, more in [
        ("Harbour News", "/rss2.xml", ""),
        ("Harbour Atom", "/atom.xml", ""),
        ("Harbour RDF", "/rss1.rdf", ""),
        ("Old Harbour", "/rss091.xml", ""),
        ("Conditional", "/etag.xml", ""),
        ("Wire", "/fulltext.xml", "    fetch: feed\n    language: en\n"),
        ("Gone", "/missing.xml", ""),
        ("Broken", "/broken.xml", ""),
        ("Slow", "/slow.xml", ""),
        ("Paused", "/rss2.xml", "    enabled: false\n"),
    ]:
        lines.append(f"  - name: {name}\n    feed: {site.url(feed)}\n{more}".rstrip())
    lines.append(extra.rstrip())
    lines.append("fetch:")
    lines += [f"  {k}: {json.dumps(v)}" for k, v in settings.items()]
    path.write_text("\n".join(lines) + "\n")
    return path


def test_fetch_saves_each_new_entry_once_and_reports_every_failure(newsroom, tmp_path, capsys):
    sources = write_sources(tmp_path / "sources.yaml", newsroom)
    seeds = tmp_path / "seeds"
    report = fetch(sources, seeds)
    err = capsys.readouterr().err

    saved = sorted(p.relative_to(seeds).as_posix() for p in seeds.rglob("*.html"))
    assert len(saved) == len(report.new) == 9, saved
    folders = {name.split("/")[0] for name in saved}
    assert folders == {
        "harbour-news",
        "harbour-atom",
        "harbour-rdf",
        "old-harbour",
        "conditional",
        "wire",
    }
    assert report.sources == 9  # the paused source is not read
    # the duplicate guid and the tracked link of the quota story are known at once
    assert report.seen == 2
    failed = dict(report.failed)
    assert set(failed) == {
        f"Gone: {newsroom.url('/missing.xml')}",
        f"Broken: {newsroom.url('/broken.xml')}",
        f"Slow: {newsroom.url('/slow.xml')}",
        newsroom.url("/to-file"),
        newsroom.url("/bomb"),
    }
    assert failed[f"Gone: {newsroom.url('/missing.xml')}"] == "HTTP 404 Not Found"
    assert failed[f"Broken: {newsroom.url('/broken.xml')}"] == "HTTP 500 Internal Server Error"
    assert "timed out" in failed[f"Slow: {newsroom.url('/slow.xml')}"]
    assert "non-http(s)" in failed[newsroom.url("/to-file")]
    assert "too large" in failed[newsroom.url("/bomb")]
    skipped = dict(report.skipped)
    assert "robots.txt" in skipped[newsroom.url("/private/story")]
    assert "application/pdf" in skipped[newsroom.url("/report.pdf")]
    for what, reason in report.failed:
        assert f"error: fetch: {what}: {reason}" in err
    assert report.summary() == "fetch: 9 sources, 9 new, 2 already seen, 5 failed, 2 skipped"

    # The server saw a polite client: one retry of the 500, a User-Agent with the contact,
    # robots.txt asked once, the disallowed page never.
    assert len(newsroom.requests("/broken.xml")) == 2
    assert all("digest.example/contact" in r.headers["User-Agent"] for r in newsroom.log)
    assert len(newsroom.requests("/robots.txt")) == 1
    assert newsroom.requests("/private/story") == []
    assert [r.path for r in newsroom.log if r.path in ("/r1", "/r2", "/r3")] == [
        "/r1",
        "/r2",
        "/r3",
    ]


def test_fetched_seeds_ingest_with_the_feeds_dates_and_attribution(newsroom, tmp_path, monkeypatch):
    monkeypatch.setenv("NEWSDIGEST_NER_MODEL", "none")
    sources = write_sources(tmp_path / "sources.yaml", newsroom)
    seeds, content = tmp_path / "seeds", tmp_path / "content"
    fetch(sources, seeds)
    report = ingest(seeds, content)
    assert not report.failed, report.failed
    articles = {}
    for path in content.rglob("*.md"):
        meta = parse(path.read_text())
        articles[meta["source"].get("url")] = meta

    quotas = articles[newsroom.url("/news/quotas")]  # the page's own metadata wins
    assert quotas["title"] == "Quotas and cod: the council's plan"
    assert quotas["source"]["name"] == "Harbour Gazette"
    assert quotas["author"] == "Jane Doe"
    assert str(quotas["date"]).startswith("2026-11-03")

    storm = articles[newsroom.url("/news/storm")]  # a bare page: the feed fills the gaps
    assert storm["title"] == "Storm & floods close the coast road"
    assert storm["source"]["name"] == "Harbour News"
    assert (
        "harbour town"
        in (content / next(p for p in content.rglob("*.md") if "storm" in p.name)).read_text()
    )

    ferry = articles[newsroom.url("/news/ferry")]  # Atom, a link relative to xml:base
    assert ferry["title"] == "Ferry news"
    assert ferry["source"]["name"] == "Harbour Atom"
    assert ferry["author"] == "Sam Lee"
    assert str(ferry["date"]).startswith("2026-11-04")
    assert str(articles[newsroom.url("/news/lighthouse")]["date"]).startswith("2026-11-02")
    assert newsroom.url("/news/moved") in articles  # after three redirects

    wire = articles[newsroom.url("/wire/strike")]  # the feed's own full text
    assert wire["title"] == "Wire: harbour strike ends"
    assert wire["source"]["name"] == "Wire"
    assert str(wire["date"]).startswith("2026-11-02")
    wire_text = next(p for p in content.rglob("*.md") if "strike" in p.name).read_text()
    assert "alert(1)" not in wire_text and "regional council" in wire_text

    notice = next(m for m in articles.values() if m["title"] == "A notice without a link")
    assert notice["source"]["name"] == "Harbour News"


def test_a_second_run_fetches_nothing_and_asks_conditionally(newsroom, tmp_path):
    sources = write_sources(tmp_path / "sources.yaml", newsroom)
    seeds = tmp_path / "seeds"
    first = fetch(sources, seeds)
    before = {p: p.read_bytes() for p in seeds.rglob("*.html")}
    pages_asked = len([r for r in newsroom.log if r.path.startswith("/news/")])

    second = fetch(sources, seeds)
    assert second.new == []
    assert second.seen == first.seen + len(first.new) + len(first.skipped) - 1  # 304: no entries
    assert {p: p.read_bytes() for p in seeds.rglob("*.html")} == before
    assert len([r for r in newsroom.log if r.path.startswith("/news/")]) == pages_asked
    etag_requests = newsroom.requests("/etag.xml")
    assert etag_requests[-1].headers.get("If-None-Match") == '"v1"'
    assert etag_requests[-1].headers.get("If-Modified-Since") == "Tue, 03 Nov 2026 08:00:00 GMT"
    state = json.loads((seeds / STATE_FILE).read_text())
    assert state["feeds"][newsroom.url("/etag.xml")]["etag"] == '"v1"'


def test_a_run_killed_before_saving_its_state_duplicates_nothing(newsroom, tmp_path):
    sources = write_sources(tmp_path / "sources.yaml", newsroom)
    seeds = tmp_path / "seeds"
    first = fetch(sources, seeds)
    (seeds / STATE_FILE).unlink()  # as if the run had been killed before its last save
    again = fetch(sources, seeds)
    assert first.new and again.new == []
    assert len(list(seeds.rglob("*.html"))) == len(first.new)


def test_the_same_story_in_two_feeds_of_one_outlet_is_one_seed(tmp_path):
    with Newsroom() as site:
        page = article_page(
            "Port deal signed",
            words=BODY,
            meta=f"<link rel='canonical' href='{site.url('/news/port')}'>",
        )
        site.route("/news/port", Answer(body=page, headers=HTML))
        site.route("/amp/port", Answer(body=page, headers=HTML))
        feed = '<rss version="2.0"><channel><title>x</title><item><title>Port deal</title><link>{}</link><guid>{}</guid></item></channel></rss>'
        site.route(
            "/world.xml",
            Answer(body=feed.format(site.url("/news/port?utm_campaign=w"), "world-1"), headers=XML),
        )
        site.route(
            "/business.xml", Answer(body=feed.format(site.url("/amp/port"), "biz-9"), headers=XML)
        )
        sources = tmp_path / "sources.yaml"
        sources.write_text(
            f"sources:\n  - name: Gazette World\n    feed: {site.url('/world.xml')}\n"
            f"  - name: Gazette Business\n    feed: {site.url('/business.xml')}\nfetch:\n  delay: 0\n"
        )
        report = fetch(sources, tmp_path / "seeds")
    assert len(report.new) == 1 and report.seen == 1
    assert len(list((tmp_path / "seeds").rglob("*.html"))) == 1


def test_one_request_at_a_time_per_host_with_the_delay_between(tmp_path):
    with Newsroom() as site:
        items = "".join(
            f"<item><title>Story {n}</title><link>{site.url(f'/news/{n}')}</link></item>"
            for n in range(4)
        )
        site.route(
            "/feed.xml",
            Answer(
                body=f'<rss version="2.0"><channel><title>x</title>{items}</channel></rss>',
                headers=XML,
            ),
        )
        for n in range(4):
            site.route(
                f"/news/{n}", Answer(body=article_page(f"Story {n}", words=BODY), headers=HTML)
            )
        sources = tmp_path / "sources.yaml"
        sources.write_text(
            f"sources:\n  - name: Paced\n    feed: {site.url('/feed.xml')}\nfetch:\n  delay: 0.3\n  robots: false\n"
        )
        report = fetch(sources, tmp_path / "seeds")
        times = sorted(r.time for r in site.log)
    assert len(report.new) == 4
    assert all(b - a >= 0.29 for a, b in zip(times, times[1:], strict=False)), times


def test_a_page_that_links_its_feed_is_followed_to_it(tmp_path):
    with Newsroom() as site:
        site.route(
            "/",
            Answer(
                body="<html><head><link rel='alternate' type='application/rss+xml' href='/feed'></head><body>Home</body></html>",
                headers=HTML,
            ),
        )
        site.route("/feed", Answer(body=RSS091.format(base=site.url("/")), headers=XML))
        site.route(
            "/news/market", Answer(body=article_page("Market day", words=BODY), headers=HTML)
        )
        sources = tmp_path / "sources.yaml"
        sources.write_text(
            f"sources:\n  - name: Home page\n    feed: {site.url('/')}\nfetch:\n  delay: 0\n"
        )
        report = fetch(sources, tmp_path / "seeds")
    assert len(report.new) == 1 and not report.failed


def test_a_feed_that_is_no_feed_is_one_clear_line(tmp_path, capsys):
    with Newsroom() as site:
        site.route(
            "/junk",
            Answer(
                body=b"\x89PNG\r\n\x1a\n" + os.urandom(200), headers={"Content-Type": "image/png"}
            ),
        )
        site.route("/html", Answer(body="<html><body>No feed here</body></html>", headers=HTML))
        sources = tmp_path / "sources.yaml"
        sources.write_text(
            f"sources:\n  - name: Junk\n    feed: {site.url('/junk')}\n  - name: Page\n    feed: {site.url('/html')}\n"
            "  - name: Bad\n    feed: ftp://example.com/feed\n  - oops\nfetch:\n  delay: 0\n"
        )
        report = fetch(sources, tmp_path / "seeds")
    err = capsys.readouterr().err.splitlines()
    assert len(report.failed) == 4 and report.new == []
    assert any("Junk" in line and "not a feed" in line for line in err)
    assert any("source 3" in line and "http(s) URL" in line for line in err)
    assert any("source 4" in line and "mapping" in line for line in err)


def test_the_sources_file_is_checked(tmp_path):
    with pytest.raises(SourcesError, match="no sources file"):
        load_sources(tmp_path / "absent.yaml")
    bad = tmp_path / "bad.yaml"
    bad.write_text("sources: [\n")
    with pytest.raises(SourcesError, match="not valid YAML"):
        load_sources(bad)
    bad.write_text("sources: []\nfetch:\n  delay: soon\n")
    with pytest.raises(SourcesError, match="delay must be a float"):
        load_sources(bad)
    example = load_sources(ROOT / "sources.yaml")  # the repository's commented example
    assert example.sources and not example.problems


def test_tracking_parameters_and_spelling_do_not_make_a_new_url():
    assert url_key("https://www.Example.com/a/b/?utm_source=x&b=2&a=1#top") == url_key(
        "http://example.com/a/b?a=1&b=2"
    )
    assert url_key("https://example.com/a?id=1") != url_key("https://example.com/a?id=2")


def test_provenance_survives_any_title():
    from newsdigest.provenance import Provenance, provenance_comment

    hostile = 'a --> <script>alert(1)</script> -- "quoted" \u2028 é'
    comment = provenance_comment(Provenance(title=hostile, url="https://x.example/a"))
    assert comment.count("-->") == 1 and "<script>" not in comment
    found, rest = split_provenance(comment + "<html></html>")
    assert found.title == hostile and rest == "<html></html>"


def test_invoke_fetch_and_update_from_the_command_line(newsroom, tmp_path):
    sources = write_sources(tmp_path / "sources.yaml", newsroom)
    env = {**os.environ, "NEWSDIGEST_NER_MODEL": "none", "PYTHONPATH": str(ROOT)}
    invoke = [sys.executable, "-m", "invoke", "-r", str(ROOT)]
    folders = ["--seeds", str(tmp_path / "seeds")]
    strict = subprocess.run(
        [*invoke, "fetch", "--sources", str(sources), *folders, "--strict"],
        capture_output=True,
        text=True,
        env=env,
        cwd=tmp_path,
    )
    assert strict.returncode == 2
    assert "fetch: 9 sources, 9 new, 2 already seen, 5 failed, 2 skipped" in strict.stdout
    assert (
        f"error: fetch: Gone: {newsroom.url('/missing.xml')}: HTTP 404 Not Found" in strict.stderr
    )

    update = subprocess.run(
        [
            *invoke,
            "update",
            "--sources",
            str(sources),
            *folders,
            "--content",
            str(tmp_path / "content"),
            "--output",
            str(tmp_path / "output"),
        ],
        capture_output=True,
        text=True,
        env=env,
        cwd=tmp_path,
    )
    assert update.returncode == 0, update.stderr
    assert "fetch: 9 sources, 0 new" in update.stdout
    feed = feedparser.parse((tmp_path / "output" / "feeds" / "all.atom.xml").read_bytes())
    titles = {e.title for e in feed.entries}
    assert "Wire: harbour strike ends" in titles and "Storm & floods close the coast road" in titles
    storm = next(e for e in feed.entries if e.title.startswith("Storm"))
    page = tmp_path / "output" / storm.link.split("://", 1)[1].split("/", 1)[1]
    page = page / "index.html" if page.is_dir() or not page.suffix else page
    assert "Harbour News" in page.read_text()


def test_a_busy_server_is_asked_again_when_it_says(tmp_path):
    with Newsroom() as site:
        answers = iter(
            [
                Answer(429, "slow down", {"Retry-After": "1"}),
                Answer(body=RSS091.format(base=site.url("/")), headers=XML),
                Answer(503, "down", {"Retry-After": "3600"}),
            ]
        )
        site.route("/feed.xml", lambda request: next(answers))
        site.route("/later.xml", lambda request: Answer(503, "down", {"Retry-After": "3600"}))
        site.route(
            "/news/market", Answer(body=article_page("Market day", words=BODY), headers=HTML)
        )
        sources = tmp_path / "sources.yaml"
        sources.write_text(
            f"sources:\n  - name: Busy\n    feed: {site.url('/feed.xml')}\n"
            f"  - name: Later\n    feed: {site.url('/later.xml')}\nfetch:\n  delay: 0\n"
        )
        report = fetch(sources, tmp_path / "seeds")
        asked = [r.time for r in site.requests("/feed.xml")]
    assert len(report.new) == 1
    assert len(asked) == 2 and asked[1] - asked[0] >= 0.95
    assert report.failed == [
        (f"Later: {site.url('/later.xml')}", "HTTP 503, asked to retry after 3600 s")
    ]


def test_a_feed_title_keeps_its_entities_and_cdata(newsroom, tmp_path):
    seeds = tmp_path / "seeds"
    fetch(write_sources(tmp_path / "sources.yaml", newsroom), seeds)
    quotas = next((seeds / "harbour-news").glob("*quotas*.html"))
    text = quotas.read_text(encoding="utf-8-sig")
    provenance, page = split_provenance(text)
    assert provenance.title == 'Quotas & "cod": the council\'s plan'
    assert provenance.author == "Jane Doe"  # the name, not the address
    assert provenance.published == "2026-11-03T07:30:00+00:00"
    assert provenance.url == newsroom.url("/news/quotas")
    assert provenance.source == "Harbour News" and page.startswith("<!doctype html>")


def test_a_page_that_trickles_in_forever_is_given_up(tmp_path):
    with Newsroom() as site:
        items = f"<item><title>Slow page</title><link>{site.url('/news/slow')}</link></item>"
        site.route(
            "/feed.xml",
            Answer(
                body=f'<rss version="2.0"><channel><title>x</title>{items}</channel></rss>',
                headers=XML,
            ),
        )
        page = article_page("Slow page", paragraphs=600, words=BODY)  # 12 s at this pace
        site.route("/news/slow", Answer(body=page, headers=HTML, trickle=0.1))
        sources = tmp_path / "sources.yaml"
        sources.write_text(
            f"sources:\n  - name: Dawdler\n    feed: {site.url('/feed.xml')}\n"
            "fetch:\n  delay: 0\n  read_timeout: 0.5\n  total_timeout: 1\n  retries: 0\n"
        )
        report = fetch(sources, tmp_path / "seeds")
    assert report.failed == [(site.url("/news/slow"), "timed out (the response took over 1 s)")]

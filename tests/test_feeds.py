"""Feeds: Atom and RSS 2.0 for the site, each topic and each actor, as feed readers need them."""

from __future__ import annotations

import datetime as dt
import email.utils
import re
from pathlib import Path

import feedparser
import pytest
from lxml import etree, html
from synthetic import many_articles, write_article

from newsdigest.content_format import parse
from newsdigest.site.build import build_site

SITEURL = "http://127.0.0.1:8000"
XML_FORBIDDEN = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
RFC3339 = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$")
ATOM = "{http://www.w3.org/2005/Atom}"


def feeds_of(output: Path) -> list[Path]:
    return sorted((output / "feeds").rglob("*.xml"))


def entry_ids(output: Path) -> dict[str, list[str]]:
    return {
        path.relative_to(output).as_posix(): [e.id for e in feedparser.parse(str(path)).entries]
        for path in feeds_of(output)
    }


@pytest.fixture(scope="module")
def control_site(tmp_path_factory) -> Path:
    """Articles whose texts carry characters XML forbids, as a broken scrape or an editor might."""
    base = tmp_path_factory.mktemp("control")
    content, output = base / "content", base / "output"
    write_article(
        content,
        "control-characters",
        body="Bell \x07 here, vertical tab \x0b there,\x1f and a form feed \x0c.\n\nEnd.",
        title="Minister\x01 speaks\x08 at summit",
        summary="A summary with \x02 a start-of-text character.",
        topics=["diplomacy"],
        actors=["Kaja Kallas\x03"],
        quotes=[{"speaker": "Kaja Kallas", "text": "We\x1b talk."}],
        source={"name": "Wire\x04 Service"},
    )
    write_article(content, "plain", date="2026-03-03T09:00:00+00:00", topics=["diplomacy"])
    build_site(content, output)
    return output


# ---- the demo site ------------------------------------------------------------------------------


def test_every_feed_parses_without_error(demo_site):
    feeds = feeds_of(demo_site["output"])
    assert len(feeds) >= 6
    for path in feeds:
        parsed = feedparser.parse(str(path))
        assert not parsed.bozo, f"{path}: {parsed.get('bozo_exception')}"
        assert parsed.version in ("atom10", "rss20"), path
        assert parsed.entries, path


def test_entry_ids_are_unique_and_links_absolute(demo_site):
    for path in feeds_of(demo_site["output"]):
        parsed = feedparser.parse(str(path))
        ids = [entry.id for entry in parsed.entries]
        assert len(ids) == len(set(ids)), path
        assert parsed.feed.link.startswith(SITEURL + "/")
        for entry in parsed.entries:
            assert entry.link.startswith(SITEURL + "/"), entry.link
            for link in html.fromstring(entry.get("summary") or "<p></p>").xpath("//a/@href"):
                assert re.match(r"^(https?|mailto):", link), f"{path}: relative link {link}"


def test_entry_ids_do_not_change_on_rebuild(demo_site, tmp_path):
    again = tmp_path / "output"
    build_site(demo_site["content"], again)
    assert entry_ids(again) == entry_ids(demo_site["output"])


def test_dates_are_rfc3339_in_atom_and_rfc822_in_rss(demo_site):
    output = demo_site["output"]
    published = {}
    for path in sorted(demo_site["content"].rglob("*.md")):
        fields = parse(path.read_text(encoding="utf-8"))
        published[fields["slug"]] = dt.datetime.fromisoformat(str(fields["date"]))
    atom = etree.parse(str(output / "feeds/all.atom.xml"))
    for entry in atom.iter(f"{ATOM}entry"):
        slug = entry.find(f"{ATOM}link").get("href").rstrip("/").rsplit("/", 1)[-1]
        stamp = entry.find(f"{ATOM}published").text
        assert RFC3339.match(stamp), stamp
        assert RFC3339.match(entry.find(f"{ATOM}updated").text)
        assert _same_moment(dt.datetime.fromisoformat(stamp), published[slug])
    rss = etree.parse(str(output / "feeds/all.rss.xml"))
    for item in rss.iter("item"):
        slug = item.findtext("link").rstrip("/").rsplit("/", 1)[-1]
        stamp = item.findtext("pubDate")
        parsed = email.utils.parsedate_to_datetime(stamp)  # raises on anything but RFC 822
        assert re.match(
            r"^[A-Z][a-z]{2}, \d{2} [A-Z][a-z]{2} \d{4} \d{2}:\d{2}:\d{2} [+-]\d{4}$", stamp
        )
        assert _same_moment(parsed, published[slug])


def _same_moment(feed_date: dt.datetime, declared: dt.datetime) -> bool:
    if declared.tzinfo is None:  # a bare date is midnight in the site's timezone (UTC)
        declared = declared.replace(tzinfo=dt.UTC)
    return feed_date == declared


def test_pages_link_their_feeds_for_autodiscovery(demo_site):
    output = demo_site["output"]
    for path in ["index.html", "topics/index.html", "editions/index.html"]:
        document = html.fromstring((output / path).read_bytes())
        types = document.xpath("//link[@rel='alternate']/@type")
        assert {"application/atom+xml", "application/rss+xml"} <= set(types), path
    term = next((output / "actors").glob("*/index.html"))
    document = html.fromstring(term.read_bytes())
    slug = term.parent.name
    hrefs = document.xpath("//link[@rel='alternate']/@href")
    assert f"../../feeds/actors/{slug}.atom.xml" in hrefs
    assert f"../../feeds/actors/{slug}.rss.xml" in hrefs


# ---- characters XML forbids ---------------------------------------------------------------------


def test_feeds_and_pages_carry_no_forbidden_characters(control_site):
    files = feeds_of(control_site) + list(control_site.rglob("*.html"))
    files += [control_site / "sitemap.xml"]
    for path in files:
        assert not XML_FORBIDDEN.search(path.read_text(encoding="utf-8")), path
    for path in feeds_of(control_site):
        parsed = feedparser.parse(str(path))
        assert not parsed.bozo, f"{path}: {parsed.get('bozo_exception')}"
    parsed = feedparser.parse(str(control_site / "feeds/all.atom.xml"))
    titles = [entry.title for entry in parsed.entries]
    assert "Minister speaks at summit" in titles


# ---- settings: size and content ------------------------------------------------------------------


def test_term_feeds_are_capped_at_feed_max_items(tmp_path):
    content, output = tmp_path / "content", tmp_path / "output"
    many_articles(content, 12)
    build_site(content, output, FEED_MAX_ITEMS=5)
    for path in [
        "feeds/all.atom.xml",
        "feeds/topics/diplomacy.rss.xml",
        "feeds/actors/ukraine.atom.xml",
    ]:
        parsed = feedparser.parse(str(output / path))
        assert len(parsed.entries) == 5, path
        assert parsed.entries[0].title == "Story number 11"  # the newest first


def test_entries_made_once_per_build_are_the_ones_made_for_each_feed(tmp_path, monkeypatch):
    from newsdigest.site import writer

    content = tmp_path / "content"
    many_articles(content, 12)
    build_site(content, tmp_path / "kept", FEED_MAX_ITEMS=8)
    monkeypatch.setattr(writer, "KEPT_ENTRIES", 1)  # every entry made again, as Pelican would
    build_site(content, tmp_path / "made", FEED_MAX_ITEMS=8)
    feeds = feeds_of(tmp_path / "kept")
    assert len(feeds) > 10
    for path in feeds:
        again = tmp_path / "made" / path.relative_to(tmp_path / "kept")
        assert path.read_bytes() == again.read_bytes(), path


def test_full_text_or_summary_is_a_setting(tmp_path):
    content = tmp_path / "content"
    many_articles(content, 3)
    default, short, full = tmp_path / "default", tmp_path / "short", tmp_path / "full"
    build_site(content, default)
    build_site(content, short, RSS_FEED_SUMMARY_ONLY=True)
    build_site(content, full, TERM_FEED_SUMMARY_ONLY=False)

    def entry(output, name):
        return feedparser.parse(str(output / name)).entries[0]

    # By default the site-wide feeds carry the full text, topic and actor feeds the summary.
    assert "A second paragraph." in entry(default, "feeds/all.atom.xml").content[0].value
    assert "A second paragraph." in entry(default, "feeds/all.rss.xml").summary
    for name in ("feeds/topics/diplomacy.atom.xml", "feeds/topics/diplomacy.rss.xml"):
        assert "content" not in entry(default, name)
        assert entry(default, name).summary == "Summary of story 2."
    assert "A second paragraph." in entry(full, "feeds/topics/diplomacy.atom.xml").content[0].value
    assert "A second paragraph." in entry(full, "feeds/topics/diplomacy.rss.xml").summary
    for name in ("feeds/all.atom.xml", "feeds/all.rss.xml"):
        assert "content" not in entry(short, name)
        assert entry(short, name).summary == "Summary of story 2."


def test_entries_carry_topics_as_categories(tmp_path):
    content, output = tmp_path / "content", tmp_path / "output"
    write_article(content, "tagged", topics=["diplomacy", "elections"])
    build_site(content, output)
    for name in ("feeds/all.atom.xml", "feeds/all.rss.xml"):
        entry = feedparser.parse(str(output / name)).entries[0]
        assert [tag.term for tag in entry.tags] == ["diplomacy", "elections"]


# ---- the rules of the W3C Feed Validator -------------------------------------------------------


def test_feeds_follow_the_rules_the_w3c_feed_validator_checks(demo_site):
    """RSS 2.0: channel title, link and description; each item a guid that is a URL or says
    isPermaLink="false", an RFC 822 pubDate, guids unique; a self link. Atom: id, title,
    updated (RFC 3339) and a self link; each entry an id (unique), a title, an updated date
    and an author."""
    atom = "{http://www.w3.org/2005/Atom}"
    rss_feeds = sorted((demo_site["output"] / "feeds").rglob("*.rss.xml"))
    atom_feeds = sorted((demo_site["output"] / "feeds").rglob("*.atom.xml"))
    assert rss_feeds and atom_feeds
    rfc3339 = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d+)?(?:Z|[+-]\d\d:\d\d)$")
    for path in rss_feeds:
        channel = etree.parse(str(path)).getroot().find("channel")
        for name in ("title", "link", "description"):
            assert (channel.findtext(name) or "").strip(), (path, name)
        assert channel.find(f"{atom}link[@rel='self']") is not None, path
        guids = []
        for item in channel.findall("item"):
            guid = item.find("guid")
            assert guid is not None and guid.text, path
            if not guid.text.startswith(("http://", "https://")):
                assert guid.get("isPermaLink") == "false", (path, guid.text)
            guids.append(guid.text)
            assert email.utils.parsedate_to_datetime(item.findtext("pubDate")), path
            assert item.findtext("title") or item.findtext("description"), path
        assert len(guids) == len(set(guids)), path
    for path in atom_feeds:
        feed = etree.parse(str(path)).getroot()
        for name in ("id", "title", "updated"):
            assert (feed.findtext(f"{atom}{name}") or "").strip(), (path, name)
        assert rfc3339.match(feed.findtext(f"{atom}updated")), path
        assert feed.find(f"{atom}link[@rel='self']") is not None, path
        ids = []
        for entry in feed.findall(f"{atom}entry"):
            ids.append(entry.findtext(f"{atom}id"))
            assert entry.findtext(f"{atom}title"), path
            assert rfc3339.match(entry.findtext(f"{atom}updated") or ""), path
            assert entry.find(f"{atom}author/{atom}name") is not None, path
        assert all(ids) and len(ids) == len(set(ids)), path

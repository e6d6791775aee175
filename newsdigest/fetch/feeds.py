"""A feed's bytes to entries, through feedparser (RSS 0.9x, 1.0, 2.0, Atom; broken ones too).

feedparser already decodes entities and CDATA, resolves relative links against the
feed's address and sanitises entry HTML; this module keeps what the fetcher needs.
"""

from __future__ import annotations

import calendar
import datetime as dt
import html
import re
from dataclasses import dataclass

import feedparser
from lxml import html as lxml_html

from newsdigest.text import strip_tags

FEED_TYPES = ("application/rss+xml", "application/atom+xml", "application/rdf+xml")
# A date this far ahead of the fetch is a wrong clock or zone, not news from the future.
_FUTURE = dt.timedelta(days=1)


class FeedError(Exception):
    """Bytes that hold no feed; the message says what they are."""


@dataclass
class Entry:
    key: str  # the entry's identity in its feed: its id, else its link, else its title
    link: str | None
    title: str | None
    published: str | None  # ISO 8601 in UTC
    author: str | None
    content: str | None  # the entry's HTML, sanitised; the full text only when the feed has it


def parse_feed(body: bytes, url: str, now: dt.datetime) -> list[Entry]:
    """The entries of a feed in the feed's order; raise FeedError when the bytes hold no feed."""
    parsed = feedparser.parse(
        body, response_headers={"content-location": url, "content-type": "application/xml"}
    )
    if not parsed.entries and (parsed.bozo or not parsed.version):
        raise FeedError(f"not a feed ({_what(parsed)})")
    entries = []
    for raw in parsed.entries:
        link = _http_link(raw)
        title = _text(raw.get("title"))
        key = raw.get("id") or link or (title and "title:" + title)
        if not key:
            continue  # nothing to know it by, nor to fetch
        entries.append(
            Entry(
                key=str(key).strip(),
                link=link,
                title=title,
                published=_date(raw, now),
                author=_text((raw.get("author_detail") or {}).get("name") or raw.get("author")),
                content=_content(raw),
            )
        )
    return entries


def discover_feed(page: bytes, url: str) -> str | None:
    """The feed an HTML page links to (`<link rel="alternate" type="application/rss+xml">`)."""
    try:
        tree = lxml_html.fromstring(page, base_url=url)
    except (ValueError, lxml_html.etree.ParserError):
        return None
    tree.make_links_absolute(url, handle_failures="discard")
    for link in tree.iterfind(".//link[@href]"):
        rel = (link.get("rel") or "").lower().split()
        if "alternate" in rel and (link.get("type") or "").lower() in FEED_TYPES:
            return link.get("href")
    return None


def _http_link(raw) -> str | None:
    link = (raw.get("link") or "").strip()
    if not link:  # Atom: the first alternate link; RSS: a guid that is a permalink
        links = [x.get("href") for x in raw.get("links", []) if x.get("rel") == "alternate"]
        link = (links[0] if links else raw.get("id") or "").strip()
    return link if re.match(r"(?i)https?://[^/\s]+", link) else None


def _text(value) -> str | None:
    if not value:
        return None
    text = " ".join(html.unescape(strip_tags(str(value))).split())
    return text or None


def _date(raw, now: dt.datetime) -> str | None:
    for field in ("published_parsed", "updated_parsed", "created_parsed"):
        parsed = dict.get(raw, field)  # not feedparser's key aliasing, which warns
        if parsed:
            try:
                when = dt.datetime.fromtimestamp(calendar.timegm(parsed), dt.UTC)
            except (OverflowError, ValueError, OSError):
                continue
            if when > now + _FUTURE or when.year < 1995:
                continue
            return when.isoformat(timespec="seconds")
    return None


def _content(raw) -> str | None:
    for part in raw.get("content") or []:
        if part.get("value") and "html" in (part.get("type") or "html"):
            return part["value"]
    for part in raw.get("content") or []:
        if part.get("value"):
            return "".join(f"<p>{html.escape(p)}</p>" for p in part["value"].split("\n\n"))
    summary = raw.get("summary")
    return summary or None


def _what(parsed) -> str:
    error = parsed.get("bozo_exception")
    if error is not None:
        return (
            f"{type(error).__name__}: {str(error).splitlines()[0][:100]}"
            if str(error)
            else type(error).__name__
        )
    return "no entries and no feed format"

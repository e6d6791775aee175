"""`invoke fetch`: read every enabled source's feed and save each new entry as a seed.

Feeds are read first (different hosts at once, each host one request at a time), then
the new entries' pages, grouped by host the same way. Each page is saved atomically
as UTF-8 with its provenance comment (newsdigest.provenance) under
`seeds/<source>/<date>-<slug>-<key>.html`; the fetch state is saved at the end, and
after every 50 seeds, so that a killed run loses little and duplicates nothing.
"""

from __future__ import annotations

import codecs
import datetime as dt
import html
import sys
import threading
from collections import defaultdict
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

from lxml import html as lxml_html
from tqdm import tqdm

from newsdigest import __version__
from newsdigest.atomic import atomic_write, remove_stale_temporaries
from newsdigest.fetch.feeds import Entry, FeedError, discover_feed, parse_feed
from newsdigest.fetch.http import FetchError, PoliteClient, Response
from newsdigest.fetch.sources import Source, SourcesFile, load_sources
from newsdigest.fetch.state import FetchState, seed_key, url_key
from newsdigest.ingest.read import ReadError, decode
from newsdigest.lock import folder_lock
from newsdigest.provenance import Provenance, provenance_comment
from newsdigest.text import slugify

HTML_TYPES = {"text/html", "application/xhtml+xml"}
SAVE_STATE_EVERY = 50


@dataclass
class FetchReport:
    sources: int = 0
    new: list[str] = field(default_factory=list)  # seed names
    seen: int = 0
    failed: list[tuple[str, str]] = field(default_factory=list)  # (source or URL, reason)
    skipped: list[tuple[str, str]] = field(default_factory=list)  # for good: robots, not HTML
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def count_seen(self) -> None:
        with self._lock:
            self.seen += 1

    def summary(self) -> str:
        line = (
            f"fetch: {self.sources} sources, {len(self.new)} new, {self.seen} already seen, "
            f"{len(self.failed)} failed"
        )
        return line + (f", {len(self.skipped)} skipped" if self.skipped else "")


@dataclass
class _Job:
    source: Source
    feed: str  # the feed URL the entry came from
    entry: Entry
    keys: list[str]


def fetch(sources_file: Path, seeds_dir: Path, now: dt.datetime | None = None) -> FetchReport:
    """Fetch every enabled source of `sources_file` into `seeds_dir`."""
    config = load_sources(sources_file)
    report = FetchReport()
    for problem in config.problems:
        _fail(report, str(sources_file), problem.split(": ", 1)[-1])
    now = now or dt.datetime.now(dt.UTC).replace(microsecond=0)
    with folder_lock(seeds_dir):
        remove_stale_temporaries(seeds_dir)
        state = FetchState(seeds_dir, now.date()).load()
        try:
            with PoliteClient(config.politeness, _user_agent(config)) as client:
                _fetch(config, seeds_dir, state, client, now, report)
        finally:
            state.save()
    return report


def _fetch(config: SourcesFile, seeds_dir, state, client, now, report) -> None:
    sources = [s for s in config.sources if s.enabled]
    report.sources = len(sources)
    workers = max(1, config.politeness.hosts_at_once)
    with ThreadPoolExecutor(workers) as pool:
        feeds = list(pool.map(lambda s: _read_feed(s, state, client, now, report), sources))

    jobs: dict[str, list[_Job]] = defaultdict(list)
    planned: set[str] = set()
    for source, (feed, entries) in zip(sources, feeds, strict=True):
        for entry in entries[: source.max_items]:
            keys = [f"id:{feed}\n{entry.key}"] + (
                [f"url:{url_key(entry.link)}"] if entry.link else []
            )
            if state.known(keys) or planned.intersection(keys):
                report.seen += 1
                continue
            planned.update(keys)
            host = urlsplit(entry.link).hostname if entry.link and source.fetch == "page" else ""
            jobs[host or ""].append(_Job(source, feed, entry, keys))

    total = sum(len(j) for j in jobs.values())
    progress = tqdm(
        total=total, unit="entry", desc="fetch", disable=not sys.stderr.isatty() or not total
    )
    saved_since = [0]

    def run_host(host_jobs: list[_Job]) -> None:
        for job in host_jobs:
            _save_entry(job, seeds_dir, state, client, now, report)
            progress.update()
            saved_since[0] += 1
            if saved_since[0] >= SAVE_STATE_EVERY:
                saved_since[0] = 0
                state.save()

    with ThreadPoolExecutor(workers) as pool:
        for future in [pool.submit(run_host, jobs[h]) for h in sorted(jobs)]:
            future.result()
    progress.close()
    report.new.sort()


def _read_feed(source: Source, state, client: PoliteClient, now, report) -> tuple[str, list[Entry]]:
    """The feed's entries, or none when it is unchanged (304) or broken (reported)."""
    feed = source.feed
    try:
        response = client.get(feed, state.validators(feed), accept_statuses=(200, 304))
        if response.status == 304:
            return feed, []
        try:
            entries = parse_feed(response.body, response.url, now)
        except FeedError:
            linked = (
                discover_feed(response.body, response.url)
                if response.content_type in HTML_TYPES
                else None
            )
            if not linked:
                raise
            response = client.get(linked)  # an outlet's page that names its feed
            entries = parse_feed(response.body, response.url, now)
    except (FetchError, FeedError) as error:
        _fail(report, f"{source.name}: {feed}", str(error))
        return feed, []
    state.feed_read(feed, response.headers.get("etag"), response.headers.get("last-modified"))
    return feed, entries


def _save_entry(job: _Job, seeds_dir: Path, state, client, now, report) -> None:
    entry, source = job.entry, job.source
    provenance = Provenance(
        url=entry.link,
        source=source.name,
        feed=job.feed,
        published=entry.published,
        author=entry.author,
        title=entry.title,
        lang=source.language,
        fetched=now.isoformat(),
    )
    if source.fetch == "feed" or not entry.link:
        if not entry.content:
            _fail(
                report,
                entry.link or f"{source.name}: {entry.title or entry.key}",
                "the entry has no link and no text",
            )
            state.remember(job.keys, "")
            return
        page = _page_from_entry(entry, source)
    else:
        try:
            page = _download_page(entry.link, client)
        except _Skip as skip:
            report.skipped.append((entry.link, str(skip)))
            print(f"skipped: {entry.link}: {skip}", file=sys.stderr)
            state.remember(job.keys, "")
            return
        except (FetchError, ReadError) as error:
            _fail(report, entry.link, str(error))
            return
        page, final_url = page
        provenance.url = final_url
        more = [f"url:{url_key(u)}" for u in (final_url, _canonical(page, final_url)) if u]
        if state.known(list(dict.fromkeys(more))):
            state.remember(job.keys, "")
            report.count_seen()
            return
        job.keys = list(dict.fromkeys(job.keys + more))
    name = _seed_name(source, entry, job.keys, now)
    data = "\ufeff" + provenance_comment(provenance) + page
    try:
        atomic_write(seeds_dir / name, data.encode("utf-8"))
    except OSError as error:
        _fail(report, entry.link or source.name, f"cannot write {name}: {error.strerror or error}")
        return
    state.remember(job.keys, name)
    report.new.append(name)


class _Skip(Exception):
    """A page that is never worth asking for again: robots.txt forbids it, or it is not HTML."""


def _download_page(url: str, client: PoliteClient) -> tuple[str, str]:
    if not client.allowed(url):
        raise _Skip("robots.txt does not allow fetching it")
    response = client.get(url, {"Accept": "text/html,application/xhtml+xml;q=0.9,*/*;q=0.1"})
    kind = response.content_type
    if kind and kind not in HTML_TYPES or not kind and not response.body.lstrip()[:1] == b"<":
        raise _Skip(f"not an HTML page ({kind or 'unknown type'})")
    return _decode_page(response), response.url


def _decode_page(response: Response) -> str:
    """The page as text: the charset the server declared wins, as it does in browsers."""
    charset = response.charset
    if charset:
        try:
            codecs.lookup(charset)
            body = response.body.removeprefix(codecs.BOM_UTF8)
            text = body.decode(charset, errors="replace")
            return decode(codecs.BOM_UTF8 + text.encode("utf-8"))  # the mark outranks <meta>
        except LookupError:
            pass
    return decode(response.body)


def _page_from_entry(entry: Entry, source: Source) -> str:
    """A minimal page around the feed's full text, for the same extraction as any page."""
    title = html.escape(entry.title or "")
    lang = f' lang="{html.escape(source.language)}"' if source.language else ""
    return (
        f'<!doctype html>\n<html{lang}><head><meta charset="utf-8"><title>{title}</title></head>\n'
        f"<body><article><h1>{title}</h1>\n{entry.content}\n</article></body></html>\n"
    )


def _canonical(page: str, base: str) -> str | None:
    """The canonical URL the page declares, if any."""
    try:
        tree = lxml_html.fromstring(page.encode("utf-8"), base_url=base)
    except (ValueError, lxml_html.etree.ParserError):
        return None
    for link in tree.iterfind(".//link[@href]"):
        if "canonical" in (link.get("rel") or "").lower().split():
            href = link.get("href").strip()
            return href if href.startswith(("http://", "https://")) else None
    return None


def _seed_name(source: Source, entry: Entry, keys: list[str], now: dt.datetime) -> str:
    day = (entry.published or now.isoformat())[:10]
    words = slugify(entry.title or urlsplit(entry.link or "").path, limit=60) or "article"
    url = next((k for k in keys if k.startswith("url:")), keys[0])
    return f"{source.folder}/{day}-{words}-{seed_key(url)}.html"


def _user_agent(config: SourcesFile) -> str:
    return config.politeness.user_agent(__version__)


def _fail(report: FetchReport, what: str, reason: str) -> None:
    report.failed.append((what, reason))
    print(f"error: fetch: {what}: {reason}", file=sys.stderr)

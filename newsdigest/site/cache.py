"""Which pages a build can skip: a key per page and feed, kept between builds.

An article or term page is skipped when its key is the one it had at the last build
and the file is still there. The key covers the code (settings, theme, plugins), the
terms named in an article's metadata (a quote links its speaker), and what the page is
given: an article by every attribute of it and the URL, name or title and date of
everything it links to (terms, edition, related, previous and next articles); a term or
an edition by its attributes and its articles (all their attributes but their links to
other articles). A feed is keyed by the entries it shows (text, metadata, terms and
link of each). Other pages (home, editions index, search) may show anything of the
site and are always rendered.

An article's own attributes come from its file and the code alone: their summaries are
kept between builds with the file's size and time (`PageKeys.article_record`), so a
rebuild serialises only the articles that changed. Its links to other articles
(`related.LINKS`) are summarised whenever its page is keyed; pages that no change can
reach are not keyed at all (reach.py).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import logging
import os
from itertools import chain
from pathlib import Path
from typing import NamedTuple

from pelican.contents import Content

from newsdigest.atomic import atomic_write
from newsdigest.site.fingerprint import code_fingerprint
from newsdigest.site.related import LINKS, add_related

log = logging.getLogger(__name__)

PAGE_CACHE_NAME = "pages"  # folder in Pelican's cache folder: bookkeeping is not part of the site
SEARCH_KEY = "search:"  # prefix of an article page's search key among the page keys
TERM_KEY = "term:"  # prefix of a term's identity (reach.py) among them
_BOOKKEEPING = (SEARCH_KEY, TERM_KEY)
FULL, LISTING, LINK = 0, 1, 2  # how much of an object a page key takes in (`_summary`)
_SHORT_LIST = 32  # longer lists (a term's articles) are summarised once per build


class Job(NamedTuple):
    """A page or feed Pelican asked for, rendered once every generator has asked."""

    name: str  # the output file, relative to the output folder
    method: str  # the writer method that renders it: "write_file" or "write_feed"
    kind: str | None  # "page" or "feed" when it can be skipped, else None
    args: tuple
    kwargs: dict


def page_job(name: str, args: tuple, kwargs: dict) -> Job:
    return Job(name, "write_file", "page" if _cacheable(kwargs) else None, args, kwargs)


def feed_job(name: str, args: tuple, kwargs: dict) -> Job:
    return Job(name, "write_feed", "feed", args, kwargs)


def page_cache_folder(settings: dict) -> Path:
    """Where the page keys live: beside the output, in the folder of Pelican's cache."""
    return Path(settings.get("CACHE_PATH") or "cache") / PAGE_CACHE_NAME


def article_records_path(settings: dict) -> Path:
    return page_cache_folder(settings) / "articles.json"


def build_key(settings: dict) -> str:
    """The code key of a build (settings, theme, plugins): what its records were made with."""
    return settings.get("PAGE_CACHE_KEY") or code_fingerprint(settings)


def link_related(articles, taxonomies, settings: dict) -> None:
    """Related articles, taking the last build's rankings where they still hold
    (`related.add_related`); this build's are kept beside the page keys for the next one."""
    path = page_cache_folder(settings) / "related.json"
    key, last = build_key(settings), None
    if settings.get("PAGE_CACHE", True):  # --force ranks every article again
        data = _load_json(path)
        last = data.get("related") if data.get("key") == key else None
    root = str(settings.get("PATH") or "").rstrip(os.sep) + os.sep
    state = add_related(
        articles, taxonomies, last=last, key=lambda a: str(a.source_path).removeprefix(root)
    )
    data = last = None  # the last build's, gone before this build's text is made
    path.parent.mkdir(parents=True, exist_ok=True)
    atomic_write(path, json.dumps({"key": key, "related": state}, separators=(",", ":")))


def load_page_cache(path: Path) -> dict[str, str]:
    """{output name: key} of the last build (every file it wrote), or nothing."""
    return _load_json(path)


def written_files(keys: dict[str, str]) -> list[str]:
    """The files among the page keys (the rest is bookkeeping about them)."""
    return [name for name in keys if not name.startswith(_BOOKKEEPING)]


def page_key(entry: str | None) -> str | None:
    """A file's key in its entry of the page keys (after it, its scope if it has one:
    reach.py; a space apart, where a separate entry would hold its name again)."""
    return entry.partition(" ")[0] if entry is not None else None


def page_scope(entry: str | None) -> str | None:
    return (entry.partition(" ")[2] or None) if entry is not None else None


def save_page_cache(path: Path, keys: dict[str, str]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    atomic_write(path, _json_pieces(keys, (", ", ": ")))


_SAVED: dict[str, list] = {}  # the last build's article records, read once a build


def read_article_records(pelican) -> None:
    """Read the last build's records of its articles, when it had this build's code key
    (`PageKeys.article_record`); a build with --force takes nothing from the last one."""
    settings = pelican.settings
    _SAVED.clear()
    if settings.get("PAGE_CACHE", True):
        data = _load_json(article_records_path(settings))
        records = data.get("articles") if data.get("key") == build_key(settings) else None
        for path, record in records.items() if isinstance(records, dict) else ():
            whole = isinstance(record, list) and len(record) == 5
            if whole and all(isinstance(item, str) for item in record):
                _SAVED[path] = record  # anything else is made again


def saved_article_records() -> dict[str, list]:
    return _SAVED


def known_address(content) -> None:
    """Every article keeps its file's stamp, taken as it is read. One whose file has the stamp
    it had at the last build takes its URL and file name from that build's record: Pelican
    formats both from its metadata, a date format at a time, several times an article (a
    second at 10,000 articles)."""
    content._file_stamp = stamp = _file_stamp(getattr(content, "source_path", None))
    record = _SAVED.get(getattr(content, "relative_source_path", None))
    if record is not None and record[0] == stamp:
        content.override_url, content.override_save_as = record[3], record[4]


def save_article_records(path: Path, key: str, records: dict[str, list]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    head, tail = '{"articles":', f',"key":{json.dumps(key)}}}'
    atomic_write(path, chain([head], _json_pieces(records, (",", ":")), [tail]))


def _json_pieces(mapping: dict, separators: tuple[str, str], size: int = 4096):
    """`json.dumps(mapping, sort_keys=True, separators=separators)` in pieces of `size`
    entries: the keys of 100,000 articles' pages are never one string in memory."""
    names = sorted(mapping)
    yield "{"
    for start in range(0, len(names), size):
        piece = {name: mapping[name] for name in names[start : start + size]}
        part = json.dumps(piece, separators=separators)[1:-1]
        yield separators[0] + part if start else part
    yield "}"


class PageKeys:
    """Computes page keys; remembers what pages share (articles, terms) for one build."""

    def __init__(
        self,
        code_key: str,
        feed_max_items: int | None,
        fields: tuple[str, ...],
        saved: dict[str, list] | None = None,
    ):
        self.code_key = code_key
        self.feed_max_items = feed_max_items
        self.fields = fields  # the declared taxonomies: a feed entry shows their terms
        # What the last build summarised of each article file, and this build's (`article_record`).
        self.saved = saved or {}
        self.records: dict[str, list] = {}
        self._records: dict[int, tuple] = {}
        # Articles whose record is not the last build's (new, changed, or without a file).
        self.changed: set[int] = set()
        self._complete = False  # every listed article has its record (`record_listed`)
        # Summaries by object, for this build only: pages share their articles and terms.
        self._objects: dict[int, tuple] = {}
        self._identities: dict[int, tuple] = {}
        self._lists: dict[tuple[int, int], tuple] = {}
        self._terms: dict[str, list[str]] | None = None

    def key(self, job: Job) -> str:
        """The key of a page or feed: what it is made of (see the class docstring)."""
        name, kind, args, kwargs = job.name, job.kind, job.args, job.kwargs
        if kind == "feed":
            elements, extra = args[0], args[3:]
            limit = self.feed_max_items or len(elements)
            entries = [self._feed_entry(element) for element in elements[:limit]]
            shown = json.dumps(entries)  # one text by the C encoder, not a summary per entry
            return self._key("feed", name, self.code_key, extra, sorted(kwargs.items()), shown)
        template, context, extra = args[1], args[2], args[3:]
        article = kwargs.get("article")
        named = self._named_terms(article, context) if article is not None else ""
        inputs = [part for item in sorted(kwargs.items(), key=lambda i: i[0]) for part in item]
        return self._key("page", name, template.name, self.code_key, named, extra, *inputs)

    def forget_saved(self) -> None:
        """Summarise every article again: what it shows changed with the same file (a term
        of it is named otherwise, reach.py)."""
        self.saved = {}
        self._records.clear()
        self.changed.clear()
        self._complete = False

    def record_listed(self, articles) -> None:
        """Record every article the site lists (the context's `articles`, of which terms,
        feeds and related articles are made): `any_changed` then only looks for a changed
        one in a list, without checking that each of the list has its record."""
        for article in articles:
            if isinstance(article, Content):
                self.article_record(article)
        self._complete = True

    def any_changed(self, articles) -> bool:
        """Whether any of `articles` has a record that is not the last build's.

        Asked for every page of every term, whose lists add up to several times the site:
        once each article has its record, the question is a set operation, in C; once every
        listed article has one (`record_listed`), a look for the few changed ones in the
        list (the terms' lists took 2.2 s of a +10 at 100,000 articles, now 0.3 s)."""
        if self._complete:
            return not self.changed.isdisjoint(map(id, articles))
        ids = set(map(id, articles))
        known = self._records
        if not ids <= known.keys():
            for article in articles:
                if id(article) not in known and isinstance(article, Content):
                    self.article_record(article)
        return not self.changed.isdisjoint(ids)

    def summary(self, value) -> str:
        """Text that changes when anything a page shows of `value` changes (`_summary`)."""
        return self._summary(value)

    def search_key(self, job: Job) -> str | None:
        """What the search index reads of an article page: the article's own attributes and
        the terms its quotes name. Not its links to other articles (related, previous,
        next), which the page shows outside the part Pagefind indexes: a new article
        changes those on its neighbours' pages, not what the index holds of them."""
        article = job.kwargs.get("article")
        if job.kind != "page" or not isinstance(article, Content):
            return None
        own = self._article_summary(article, with_links=False)
        named = self._named_terms(article, job.args[2])
        return self._key("search", job.name, self.code_key, named, own)

    def _feed_entry(self, article) -> str:
        """What a feed shows of an article: its text, metadata, terms and link."""
        if not isinstance(article, Content):
            return self._summary(article, LINK)
        return self.article_record(article)[2]

    def article_record(self, article) -> list:
        """[file stamp, own summary, feed entry, URL, file name] of an article.

        Both summaries are made of the article's own attributes, which come from its file,
        the code key and the terms it names that too few articles name yet (kept with the
        stamp); the links to other articles are summarised apart. An article whose stamp
        is the one it had at the last build (the same code key) takes them from that build
        instead of serialising every attribute again."""
        known = self._records.get(id(article))
        if known is not None:
            return known[1]
        path = getattr(article, "relative_source_path", None)
        stamp = getattr(article, "_file_stamp", None)  # taken when it was read
        stamp = stamp or _file_stamp(getattr(article, "source_path", None))
        withheld = getattr(article, "withheld_terms", None)
        if stamp is not None and withheld:  # terms too few articles name yet (taxonomies.py)
            stamp = "|".join([stamp, *withheld])
        record = self.saved.get(path) if stamp is not None else None
        if record is None or record[0] != stamp:
            self.changed.add(id(article))
            record = [
                stamp,
                self._own_summary(article),
                self._feed_summary(article),
                article.url,
                article.save_as,
            ]
        if stamp is not None:
            self.records[path] = record
        self._records[id(article)] = (article, record)  # the article kept: its id stays its own
        return record

    def _feed_summary(self, article) -> str:
        parts = [
            identity(article),
            getattr(article, "body_digest", None)
            or hashlib.sha256(str(getattr(article, "_content", "")).encode()).hexdigest(),
            self._summary(getattr(article, "_summary", None), LINK),
            self._summary(article.metadata, LINK),
            self._summary([getattr(article, name, None) for name in self.fields], LINK),
        ]
        text = "|".join(parts).encode("utf-8", "surrogatepass")
        return hashlib.sha256(text).hexdigest()

    def _named_terms(self, article, context: dict) -> str:
        """The terms named anywhere in an article's metadata (a quote's speaker links to one)."""
        if self._terms is None:  # every taxonomy's terms by name, once a build
            self._terms = {}
            for taxonomy in (context.get("taxonomies") or {}).values():
                terms = getattr(taxonomy, "terms", None)
                for name, term in terms.items() if isinstance(terms, dict) else ():
                    self._terms.setdefault(name, []).append(identity(term))
        found = []
        for name in _strings(article.metadata):
            found += self._terms.get(name, ())
        return ",".join(sorted(found))

    def _key(self, *parts) -> str:
        digest = hashlib.sha256()
        for part in parts:
            digest.update(self._summary(part).encode("utf-8", "surrogatepass"))
            digest.update(b"\1")
        return digest.hexdigest()

    def _summary(self, value, level: int = FULL) -> str:
        """Text that changes when anything a page shows of `value` changes.

        FULL: an article by all its attributes, another object by its public attributes
        (summarised at LISTING). LISTING: articles in full, other objects by identity.
        LINK (inside an article): everything by identity, as a link shows it.
        """
        if value is None or isinstance(value, str | int | float | bool):
            return repr(value)
        if isinstance(value, dt.date | dt.time):
            return value.isoformat()
        if isinstance(value, Content):
            if level == LINK:
                return self.identity_of(value)
            return self._article_summary(value, with_links=level == FULL)
        if level == LINK and isinstance(value, dict | list | tuple):
            try:  # one text per value, built by the C encoder
                return json.dumps(
                    value, ensure_ascii=False, check_circular=False, default=self._as_link
                )
            except (TypeError, ValueError):  # keys that are not text: the long way
                pass
        inner = max(level, LISTING)  # only an article given on its own is taken in full
        if isinstance(value, list | tuple):
            if len(value) <= _SHORT_LIST:
                return "[" + self._items(value, inner) + "]"
            # a term's articles, the same list for each of its pages: summarised once a build
            known = self._lists.get((id(value), inner))
            if known is None:
                text = "[" + self._items(value, inner) + "]"
                digest = hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()
                known = self._lists[(id(value), inner)] = (value, digest)
            return known[1]
        if isinstance(value, set | frozenset):
            return "{" + ",".join(sorted(self._summary(item, inner) for item in value)) + "}"
        if isinstance(value, dict):  # in insertion order: the same inputs build the same dicts
            return "{" + ",".join(f"{k}:{self._summary(v, inner)}" for k, v in value.items()) + "}"
        if level == FULL and hasattr(value, "__dict__"):
            known = self._objects.get(id(value))
            if known is None:  # a term or an edition, the same for all its pages
                # Its identity first: reading a Pelican category's URL sets attributes of it.
                known_as = identity(value)
                # Settings an object carries (Pelican's categories do) are in the code key.
                public = {
                    k: v
                    for k, v in vars(value).items()
                    if not k.startswith("_") and k != "settings"
                }
                text = f"{known_as}{self._summary(public, LISTING)}"
                digest = hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()
                known = (value, digest)  # the value is kept: its id stays its own
                self._objects[id(value)] = known
            return known[1]
        if hasattr(value, "__dict__") or hasattr(value, "url"):
            return self.identity_of(value)
        return f"{type(value).__name__}:{value}"

    def _items(self, items, level: int) -> str:
        if level == LISTING:  # a page's articles: their own summaries, the usual case
            record = self.article_record
            return ",".join(
                record(item)[1] if isinstance(item, Content) else self._summary(item, level)
                for item in items
            )
        return ",".join(self._summary(item, level) for item in items)

    def _as_link(self, value):
        """How the JSON encoder writes what it does not know, inside an article (LINK)."""
        if isinstance(value, set | frozenset):
            return sorted(self._summary(item, LINK) for item in value)
        return self._summary(value, LINK)

    def identity_of(self, value) -> str:
        """`identity(value)`, made once per object and build."""
        known = self._identities.get(id(value))
        if known is None:
            known = self._identities[id(value)] = (value, identity(value))
        return known[1]

    def _article_summary(self, article, with_links: bool) -> str:
        """An article by all its attributes; in a listing, without its links to other articles."""
        own = self.article_record(article)[1]
        if not with_links:
            return own
        parts = [own]  # asked once, by the article's own page: nothing to keep
        for name in LINKS:
            item = getattr(article, name, None)
            if isinstance(item, list | tuple):
                parts.append(f"{name}=[{','.join(self.identity_of(x) for x in item)}]")
            else:
                parts.append(f"{name}={self._summary(item, LINK)}")
        text = "\0".join(parts)
        return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()

    def _own_summary(self, article) -> str:
        own = {
            name: item
            for name, item in vars(article).items()
            if name not in _CONTENT_INTERNALS and name not in LINKS
        }
        # one text for all the attributes: one call of the C encoder, not one each
        text = self._summary(own, LINK).encode("utf-8", "surrogatepass")
        return hashlib.sha256(text).hexdigest()


def _cacheable(kwargs: dict) -> bool:
    """Article, term and edition pages show what they are given; other pages (the home
    page, the editions index, search) may show anything of the site."""
    if kwargs.get("page_name") == "index":
        return False
    return isinstance(kwargs.get("article"), Content) or any(
        kwargs.get(kind) is not None for kind in ("term", "edition")
    )


# Attributes of Pelican content that are the whole site or settings, not the article.
_CONTENT_INTERNALS = {"_context", "settings", "_cache", "translations", "_file_stamp"}


def _strings(value) -> list[str]:
    """Every string in a structure of dicts and lists (values, not keys)."""
    if isinstance(value, str):
        return [value]
    found, stack = [], [value]
    while stack:  # a loop per container, not a step per string; no recursion for deep input
        container = stack.pop()
        for item in container.values() if isinstance(container, dict) else container:
            if isinstance(item, str):
                found.append(item)
            elif isinstance(item, dict | list | tuple):
                stack.append(item)
    return found


def identity(value) -> str:
    """What a link to `value` shows: its kind, URL, name or title, and date."""
    date = getattr(value, "date", None)
    name = getattr(value, "name", None) or getattr(value, "title", None)
    when = date.isoformat() if isinstance(date, dt.date) else repr(date)
    return f"<{type(value).__name__}|{getattr(value, 'url', '')}|{name}|{when}>"


def _file_stamp(path) -> str | None:
    try:
        info = path and os.stat(path)
    except OSError:
        return None
    return stamp_of(info) if info else None


def stamp_of(info: os.stat_result) -> str:
    """A file's stamp, as the records keep it: its size and modification time."""
    return f"{info.st_size}:{info.st_mtime_ns}"


_AHEAD: dict[str, tuple] = {}  # path -> (its stamp, its data), read before it was needed


def read_ahead(settings: dict) -> None:
    """Read the last build's records now (page keys, article records, related rankings):
    the build's process does it while ingest runs (build.py). Each is taken once, and only
    while its file is the one read."""
    folder = page_cache_folder(settings)
    for path in (folder / "keys.json", article_records_path(settings), folder / "related.json"):
        stamp = _file_stamp(path)
        if stamp is not None:
            _AHEAD[str(path)] = (stamp, _load_json(path))


def _load_json(path: Path) -> dict:
    ahead = _AHEAD.pop(str(path), None)
    if ahead is not None and ahead[0] == _file_stamp(path):
        return ahead[1]
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}

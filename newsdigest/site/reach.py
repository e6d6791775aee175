"""Which pages a change can reach: the others keep their last key without being keyed.

Keying a page (cache.py) summarises everything it shows. After ten new articles at
10,000, that is 17,000 pages and feeds keyed for about 300 that changed (1.5 s), and at
100,000 most of 20 s. A page's *scope* is a short digest of where what it shows comes
from, cheap to take:

- an article page: the code key, its file, the files of the articles it links to
  (related, newer, older) and its other arguments;
- the pages and feeds of a term: the code key, the term's name, addresses and vocabulary
  entry, its related terms with their counts and addresses, and the files of its
  articles, in order (its quotes and archive pages come from these; a digest of them kept
  from build to build for a list that did not change: `related.py`).

A page that shows an article whose record is not the last build's (a new or changed
file: `PageKeys.any_changed`, a set lookup per article) is keyed whatever its scope; the
scope is still taken, for the next build. No text is made per article that a page
shows: the files' names are joined as they are.

An article's stamp covers all it shows of itself, and a term's identity (address and
name) all a chip of it shows. A page whose scope is the one it had at the last build, and
whose terms all have the identities they had, takes the last build's key; a term named
otherwise (a name written another way came first) has every page keyed and every article
summarised again, since its chip is on their cards. New or removed term names change what
an article page's quotes link to (`PageKeys._named_terms`): article pages are then keyed
again. Editions and site-wide feeds are always keyed (a few
hundred jobs). The scopes live in the page keys (each after its page's key, and
`TERM_KEY` entries), saved with them in one file, so they always describe the pages on
disk.
"""

from __future__ import annotations

import hashlib
import json

from pelican.contents import Content

from newsdigest.site.cache import (
    TERM_KEY,
    Job,
    PageKeys,
    page_key,
    page_scope,
    written_files,
)
from newsdigest.site.related import LINKS


class Scopes:
    """The scopes of this build's jobs, against the last build's (`previous` page keys)."""

    def __init__(self, keys: PageKeys, previous: dict[str, str]):
        self.keys, self.previous = keys, previous
        self.now: dict[str, str] = {}  # this build's scopes, by page
        self.terms: dict[str, str] = {}  # this build's terms, as the page keys keep them
        self.reached: set[str] = set()  # pages that show an article that changed
        # A term's address -> (the scope of its pages, whether an article of it changed).
        self._by_url: dict[str, tuple[str, bool]] = {}
        self._by_feed: dict[str, tuple[list, tuple[str, bool]]] = {}  # a feed -> its articles too
        self._terms_same = self._names_same = False

    def take_terms(self, taxonomies: dict, articles: list) -> None:
        """This build's terms: their identities, and the scope of each one's pages
        (`articles`: those the site lists, every term's among them)."""
        names: dict[str, str] = {}
        for field, taxonomy in taxonomies.items():
            for name, term in getattr(taxonomy, "terms", {}).items():
                names[f"{TERM_KEY}{field}/{name}"] = self.keys.identity_of(term)
        last = {k: v for k, v in self.previous.items() if k.startswith(TERM_KEY)}
        self._terms_same = all(names.get(k, v) == v for k, v in last.items())
        self._names_same = self._terms_same and names.keys() == last.keys()
        self.terms = names
        if not self._terms_same:  # a term shows another name: every article's chips may
            self.keys.forget_saved()
        self.keys.record_listed(articles)
        for field, taxonomy in taxonomies.items():
            for term in {id(t): t for t in taxonomy.terms.values()}.values():
                scope = self._term_scope(field, term)
                self._by_url[term.url] = scope
                for feed in (term.feed_atom, term.feed_rss):
                    if feed:
                        self._by_feed[feed] = (term.articles, scope)

    def note(self, job: Job) -> None:
        """Take a job's scope, if it has one (in this process: the next build needs it)."""
        found = self._scope(job)
        if found is not None:
            self.now[job.name] = found[0]
            if found[1]:
                self.reached.add(job.name)

    def unchanged(self, job: Job) -> bool:
        """Whether the job's scope, and the terms it may show, are the last build's."""
        scope = self.now.get(job.name)
        if scope is None or not self._terms_same or job.name in self.reached:
            return False
        if isinstance(job.kwargs.get("article"), Content) and not self._names_same:
            return False
        return page_scope(self.previous.get(job.name)) == scope

    def keep(self, keys: dict[str, str]) -> None:
        """This build's scopes and terms into its page keys, before they are saved; an entry
        that is the last build's stays the same text (one copy in memory)."""
        for name in written_files(keys):
            entry, scope = keys[name], self.now.get(name)
            key = page_key(entry)
            wanted = f"{key} {scope}" if scope is not None else key
            if entry != wanted:
                keys[name] = wanted
        keys.update(self.terms)

    def _scope(self, job: Job) -> tuple[str, bool] | None:
        """The job's scope, and whether an article it shows changed; None: it has none."""
        kwargs = job.kwargs
        if job.kind == "feed":
            found = self._by_feed.get(job.name)
            return found[1] if found is not None and found[0] is job.args[0] else None
        if job.kind != "page":
            return None
        article = kwargs.get("article")
        if isinstance(article, Content):
            return self._article_scope(job, article)
        term = kwargs.get("term")
        if term is not None and kwargs.get("articles_page") is not None:
            return self._by_url.get(getattr(term, "url", None))
        return None

    def _article_scope(self, job: Job, article) -> tuple[str, bool]:
        links = [getattr(article, name, None) for name in LINKS]
        shown = [article]
        for item in links:
            shown += item if isinstance(item, list | tuple) else [item]
        parts = [self.keys.code_key, job.args[1].name, article.source_path]
        for name, item in zip(LINKS, links, strict=True):
            items = item if isinstance(item, list | tuple) else [item]
            parts.append(f"{name}=" + "\0".join(map(_file, items)))
        for name, value in sorted(job.kwargs.items()):
            if name != "article":
                parts.append(f"{name}={self.keys.summary(value)}")
        return _digest(parts), self.keys.any_changed(shown)

    def _term_scope(self, field: str, term) -> tuple[str, bool]:
        meta = json.dumps(term.meta, sort_keys=True, default=str)
        parts = [self.keys.code_key, field, self.keys.identity_of(term), term.slug, meta]
        parts += map(repr, (term.save_as, term.feed_atom, term.feed_rss))  # None: no feed
        for other, items in term.related.items():
            parts.append(
                f"{other}=" + ",".join(f"{self.keys.identity_of(t)}:{n}" for t, n in items)
            )
        parts.append(term.list_digest)  # its articles' files, in order (related.py)
        return _digest(parts), self.keys.any_changed(term.articles)


def _file(item) -> str:
    """An article by its file (its stamp is checked apart: `PageKeys.any_changed`);
    anything else by its text."""
    return str(item.source_path) if isinstance(item, Content) else repr(item)


def _digest(parts: list) -> str:
    text = "\1".join(map(str, parts)).encode("utf-8", "surrogatepass")
    return hashlib.sha256(text).hexdigest()[:32]

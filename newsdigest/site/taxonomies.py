"""Taxonomies: topics and actors are one mechanism with two declarations.

`TAXONOMIES` in the settings maps a front-matter field (`topics`, `actors`)
to its declaration. For each, this generator turns the article's names into
linked terms, looks each term up in the editors' vocabulary (slug, kind, role,
IPTC code), and writes an index of all terms, a page per term with its archive
pages (`listing_pages`), and an Atom and an RSS feed per term, with URLs from the
declaration.

Every step is linear in the number of (article, term) pairs: no page loops
over all articles.
"""

from __future__ import annotations

import contextlib
import logging
import posixpath
from operator import attrgetter
from pathlib import Path

from pelican.generators import Generator

from newsdigest.text import slugify
from newsdigest.vocab import VocabularyError, term_entries

log = logging.getLogger(__name__)

TERM_QUOTES = 12  # quotes shown on an actor page


class Term:
    """One topic or actor: its name, slug, URLs, vocabulary entry and articles (newest first)."""

    def __init__(self, taxonomy: Taxonomy, name: str, meta: dict | None = None):
        self.taxonomy = taxonomy
        self.name = name
        self.meta: dict = meta or {}
        self.slug = str(self.meta.get("slug") or "") or slugify(name) or "term"
        self.articles: list = []
        self.quotes: list[tuple[str, object]] = []  # (text, article), newest first
        self.related: dict[str, list[tuple[Term, int]]] = {}  # these two: related.py
        self.list_digest = ""  # its articles' files, in order
        # Formatted once: every card of every page links its terms.
        self.url = self._fill(taxonomy.url)
        self.save_as = self._fill(taxonomy.save_as)
        self.feed_atom = self._fill(taxonomy.feed_atom)
        self.feed_rss = self._fill(taxonomy.feed_rss)

    def _fill(self, pattern: str | None) -> str | None:
        return pattern.format(slug=self.slug) if pattern else None

    @property
    def count(self) -> int:
        return len(self.articles)

    @property
    def group(self) -> str:
        """The index group this term is listed under (its kind, for actors)."""
        key = self.meta.get(self.taxonomy.group_by) if self.taxonomy.group_by else None
        return str(key) if key in self.taxonomy.groups else ""

    def __str__(self):
        return self.name

    def __repr__(self):
        return f"<{self.taxonomy.singular} {self.name!r}>"


class Heading:
    """What a page shows of a taxonomy or a term in its heading: names and links. A page
    is keyed by what it is given (cache.py): given the whole taxonomy, every term page
    would change when any term appears; an archive page given its whole term would
    change with every new article."""

    def __init__(self, value, *names: str):
        self.__dict__.update((name, getattr(value, name)) for name in names)


class ListingPage:
    """One page of a term's articles, newest first; `number` is 0 on the term's own page."""

    def __init__(self, articles: list, number: int, url: str, newer: str | None, older: str | None):
        self.object_list = articles
        self.number, self.url = number, url
        self.newer_url, self.older_url = newer, older


def listing_pages(
    articles: list, size: int, url: str, save_as: str
) -> list[tuple[str, ListingPage]]:
    """(save_as, page) for a term's own page and its archive pages.

    Archive pages hold `size` articles each and are numbered from the oldest: page 1
    holds the first `size` articles ever filed under the term, and keeps them. The term's
    own page shows the rest, newest first (`size` to 2 × `size` - 1 of them). A new
    article changes the own page only; once every `size` articles it also adds an
    archive page and relinks the one before it. Nothing else shifts."""
    size = max(int(size or 0), 1)
    archived = max(len(articles) // size - 1, 0)
    folder = posixpath.dirname(save_as)

    def address(number: int) -> tuple[str, str]:
        return f"{url}page/{number}/", posixpath.join(folder, f"page/{number}/index.html")

    pages = [
        (
            save_as,
            ListingPage(
                articles[: len(articles) - archived * size],
                0,
                url,
                None,
                address(archived)[0] if archived else None,
            ),
        )
    ]
    oldest_first = articles[::-1]
    for number in range(1, archived + 1):
        page_url, page_save_as = address(number)
        newer = address(number + 1)[0] if number < archived else url
        older = address(number - 1)[0] if number > 1 else None
        chunk = oldest_first[(number - 1) * size : number * size][::-1]
        pages.append((page_save_as, ListingPage(chunk, number, page_url, newer, older)))
    return pages


class Taxonomy:
    """A declared taxonomy and its terms, built from the articles."""

    def __init__(self, field: str, declaration: dict, lookup=None):
        self.field = field
        self.singular = declaration.get("singular", field.rstrip("s"))
        self.title = declaration.get("title", field.title())
        self.description = declaration.get("description", "")
        self.url = declaration.get("url", f"{field}/{{slug}}/")
        self.save_as = declaration.get("save_as", f"{field}/{{slug}}/index.html")
        self.index_url = declaration.get("index_url", f"{field}/")
        self.index_save_as = declaration.get("index_save_as", f"{field}/index.html")
        self.feed_atom = declaration.get("feed_atom", f"feeds/{field}/{{slug}}.atom.xml")
        self.feed_rss = declaration.get("feed_rss", f"feeds/{field}/{{slug}}.rss.xml")
        # Index groups: the metadata key to group by and {value: heading}, in order.
        self.group_by = declaration.get("group_by")
        self.groups: dict[str, str] = dict(declaration.get("groups", {}))
        self.other_group = declaration.get("other_group", "Others")
        self.has_quotes = bool(declaration.get("quotes"))
        # Broader terms list the articles of narrower ones (vocabulary entries' `parent`).
        self.hierarchy = bool(declaration.get("hierarchy"))
        # Terms ingest proposed and no editor accepted yet are published once this many
        # articles name them: a name found once may be a mistake.
        self.publish_proposed_from = int(declaration.get("publish_proposed_from") or 1)
        # How an article card shows this taxonomy's terms: its list's label, how many.
        self.card_label = declaration.get("card_label", self.title)
        self.card_limit = declaration.get("card_limit")
        # On an article page: chips under the headline, or a section of their own.
        self.article_heading = declaration.get("article_heading")
        self._lookup = lookup or (lambda name: None)
        self.terms: dict[str, Term] = {}

    def collect(self, articles) -> None:
        """Replace each article's names with Terms and give each Term its articles."""
        by_slug: dict[str, Term] = {}
        # Each name as written, once it was found: 60,000 names at 10,000 articles are
        # mostly the same few thousand, written the same way.
        found: dict[str, Term] = {}
        for article in articles:
            names = getattr(article, self.field, None) or []
            if isinstance(names, str):
                names = [names]
            terms = []
            for written in names:
                term = found.get(written) if type(written) is str else None
                if term is None:
                    name = " ".join(str(written).split())
                    if not name:
                        continue
                    term = self.terms.get(name)
                    if term is None:
                        term = Term(self, name, self._lookup(name))
                        term = by_slug.setdefault(term.slug, term)
                        self.terms[name] = term
                    if type(written) is str:
                        found[written] = term
                if term not in terms:
                    terms.append(term)
                    term.articles.append(article)
            setattr(article, self.field, terms)
            if self.hierarchy:
                self._add_to_ancestors(article, terms, by_slug)
        self._withhold_unproven(articles, by_slug)
        for term in by_slug.values():
            term.articles.sort(key=attrgetter("date"), reverse=True)
        if self.has_quotes:
            self._collect_quotes(articles)

    def _withhold_unproven(self, articles, by_slug: dict[str, Term]) -> None:
        """Leave out the terms an editor rejected, and the proposed ones too few articles name
        yet: no page, no feed, no chip."""
        withheld = {
            id(term)
            for term in by_slug.values()
            if term.meta.get("rejected")
            or term.meta.get("proposed")
            and term.count < self.publish_proposed_from
        }
        if not withheld:
            return
        for article in articles:
            terms = getattr(article, self.field)
            if any(id(term) in withheld for term in terms):
                setattr(article, self.field, [t for t in terms if id(t) not in withheld])
                # What an article shows now depends on other articles: the page cache
                # knows by this (cache.py), when one more article publishes the term.
                names = [f"{self.field}:{t.name}" for t in terms if id(t) in withheld]
                article.withheld_terms = sorted(getattr(article, "withheld_terms", []) + names)
        for slug in [slug for slug, term in by_slug.items() if id(term) in withheld]:
            del by_slug[slug]
        self.terms = {name: term for name, term in self.terms.items() if id(term) not in withheld}

    def _add_to_ancestors(self, article, terms: list[Term], by_slug: dict[str, Term]) -> None:
        """A tennis report is on Tennis and on Sport: each broader term lists the articles of
        the narrower ones (the vocabulary's `parent`), without the article naming it."""
        for term in terms:
            for ancestor in self._ancestors(term, by_slug):
                if not ancestor.articles or ancestor.articles[-1] is not article:
                    ancestor.articles.append(article)

    def _ancestors(self, term: Term, by_slug: dict[str, Term]) -> list[Term]:
        found, seen = [], {term.slug}
        parent = term.meta.get("parent")
        while parent and parent not in seen:
            seen.add(parent)
            ancestor = by_slug.get(parent)
            if ancestor is None:
                entry = self._lookup(parent)
                if not entry:
                    break
                ancestor = Term(self, str(entry.get("name") or parent), entry)
                ancestor = by_slug.setdefault(ancestor.slug, ancestor)
                self.terms.setdefault(ancestor.name, ancestor)
            found.append(ancestor)
            parent = ancestor.meta.get("parent")
        return found

    def _collect_quotes(self, articles) -> None:
        """Give each term the quotes its articles attribute to it, newest first as its
        articles are: one pass over the articles, not one over each term's (which read an
        article once for each of its terms: 3.4 s at 100,000 articles)."""
        found: dict[int, tuple[Term, list]] = {}  # id(term) -> (term, its quotes)
        members: dict[int, set[int]] = {}  # id(term) -> ids of its articles (hierarchies)
        for article in articles:
            said = self._quoted(article)
            if not said:
                continue
            own = getattr(article, self.field, None) or []
            for speaker, text in said:
                if (
                    speaker in own
                    or self.hierarchy
                    and id(article) in self._members(speaker, members)
                ):
                    found.setdefault(id(speaker), (speaker, []))[1].append((text, article))
        for term, quotes in found.values():
            # The order of `articles` sorted as a term's articles are (stable, by date).
            quotes.sort(key=lambda quote: quote[1].date, reverse=True)
            term.quotes = quotes

    @staticmethod
    def _members(term: Term, members: dict[int, set[int]]) -> set[int]:
        """The ids of a term's articles (a broader term lists those of the narrower ones)."""
        known = members.get(id(term))
        if known is None:
            known = members[id(term)] = set(map(id, term.articles))
        return known

    def _quoted(self, article) -> list[tuple[Term, str]]:
        said = []
        for quote in getattr(article, "quotes", None) or []:
            if not isinstance(quote, dict):
                continue
            speaker = self.terms.get(" ".join(str(quote.get("speaker") or "").split()))
            text = str(quote.get("text") or "").strip()
            if text and speaker is not None:
                said.append((speaker, text))
        return said

    @property
    def sorted_terms(self) -> list[Term]:
        """Unique terms, most articles first, then by name."""
        unique = {id(t): t for t in self.terms.values()}.values()
        return sorted(unique, key=lambda t: (-t.count, t.name.casefold()))

    def grouped_terms(self, terms: list[Term]) -> list[tuple[str, str, list[Term]]]:
        """(key, heading, terms) for each index group that has terms, in declared order."""
        if not self.groups:
            return [("", self.title, terms)]
        buckets: dict[str, list[Term]] = {key: [] for key in self.groups}
        buckets[""] = []
        for term in terms:
            buckets[term.group].append(term)
        headings = {**self.groups, "": self.other_group}
        return [(key, headings[key], items) for key, items in buckets.items() if items]


class TaxonomyGenerator(Generator):
    """Builds every declared taxonomy's pages and feeds."""

    def generate_context(self):
        declarations = self.settings.get("TAXONOMIES", {})
        articles = self.context.get("articles", [])
        self.taxonomies = {}
        for field, declaration in declarations.items():
            lookup = _vocabulary_lookup(declaration, self.settings)
            taxonomy = Taxonomy(field, declaration, lookup)
            taxonomy.collect(articles)
            self.taxonomies[field] = taxonomy
        # Each term's related terms come with the related articles, from what changed
        # (related.py, once every generator has its context).
        self.context["taxonomies"] = self.taxonomies

    def generate_output(self, writer):
        relative_urls = self.settings["RELATIVE_URLS"]
        # Topic and actor feeds: summaries unless TERM_FEED_SUMMARY_ONLY is off (feeds.py).
        summary_only = self.settings.get("TERM_FEED_SUMMARY_ONLY", True)
        feed_context = dict(self.context, RSS_FEED_SUMMARY_ONLY=bool(summary_only))
        for taxonomy in self.taxonomies.values():
            terms = taxonomy.sorted_terms
            writer.write_file(
                taxonomy.index_save_as,
                self.get_template("terms"),
                self.context,
                relative_urls=relative_urls,
                taxonomy=taxonomy,
                terms=terms,
                groups=taxonomy.grouped_terms(terms),
                page_name=taxonomy.index_url.rstrip("/"),
                url=taxonomy.index_url,
            )
            template = self.get_template("term")
            size = self.settings.get("DEFAULT_PAGINATION") or 20
            shown = Heading(taxonomy, "field", "singular", "title", "index_url")
            for term in terms:
                heading = Heading(term, "name", "url", "meta", "feed_atom", "feed_rss")
                for save_as, listing in listing_pages(term.articles, size, term.url, term.save_as):
                    own = listing.number == 0
                    writer.write_file(
                        save_as,
                        template,
                        self.context,
                        relative_urls=relative_urls,
                        taxonomy=shown,
                        term=term if own else heading,
                        quotes=term.quotes[:TERM_QUOTES] if own else [],
                        articles_page=listing,
                        template_name="term",
                        page_name=listing.url.rstrip("/"),
                        url=listing.url,
                    )
                title = f"{taxonomy.singular.title()}: {term.name}"
                for path, feed_type in ((term.feed_atom, "atom"), (term.feed_rss, "rss")):
                    if path:
                        writer.write_feed(
                            term.articles,
                            feed_context,
                            path,
                            feed_type=feed_type,
                            feed_title=title,
                        )


def read_vocabularies(settings: dict) -> None:
    """Read the declared taxonomies' vocabularies now: the build's process does it while
    ingest runs (build.py); the site's build takes them from `term_entries`' memory."""
    for declaration in (settings.get("TAXONOMIES") or {}).values():
        if isinstance(declaration, dict) and declaration.get("vocabulary"):
            with contextlib.suppress(VocabularyError, OSError):  # reported when built
                term_entries(declaration["vocabulary"], settings.get("VOCAB_PATH") or None)


def _vocabulary_lookup(declaration: dict, settings: dict):
    """A function from a term's name to its vocabulary entry (a dict), or to None."""
    vocabulary = declaration.get("vocabulary")
    if not vocabulary:
        return None
    proposed = declaration.get("proposed")
    if proposed:
        proposed = Path(settings["PATH"]) / proposed
    try:
        return term_entries(vocabulary, settings.get("VOCAB_PATH") or None, proposed).get
    except (VocabularyError, OSError) as error:  # the site still builds, with plain slugs
        log.warning(
            "vocabulary %r not loaded, its terms get no kinds or roles: %s", vocabulary, error
        )
        return None

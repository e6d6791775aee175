"""Taxonomies: topics and actors are one mechanism with two declarations.

`TAXONOMIES` in the settings maps a front-matter field (`topics`, `actors`)
to its declaration. For each, this generator turns the article's names into
linked terms, and writes an index of all terms, a paginated page per term,
and an Atom and an RSS feed per term, with URLs from the declaration.
"""

from __future__ import annotations

from collections import Counter
from operator import attrgetter

from newsdigest.text import slugify
from pelican.generators import Generator


class Term:
    """One topic or actor: its name, slug, URLs and articles (newest first)."""

    def __init__(self, taxonomy: Taxonomy, name: str):
        self.taxonomy = taxonomy
        self.name = name
        self.slug = slugify(name) or "term"
        self.articles: list = []
        self.meta: dict = {}

    def _fill(self, pattern: str | None) -> str | None:
        return pattern.format(slug=self.slug) if pattern else None

    @property
    def url(self):
        return self._fill(self.taxonomy.url)

    @property
    def save_as(self):
        return self._fill(self.taxonomy.save_as)

    @property
    def feed_atom(self):
        return self._fill(self.taxonomy.feed_atom)

    @property
    def feed_rss(self):
        return self._fill(self.taxonomy.feed_rss)

    @property
    def count(self) -> int:
        return len(self.articles)

    def __str__(self):
        return self.name

    def __repr__(self):
        return f"<{self.taxonomy.singular} {self.name!r}>"


class Taxonomy:
    """A declared taxonomy and its terms, built from the articles."""

    def __init__(self, field: str, declaration: dict):
        self.field = field
        self.singular = declaration.get("singular", field.rstrip("s"))
        self.title = declaration.get("title", field.title())
        self.url = declaration.get("url", f"{field}/{{slug}}/")
        self.save_as = declaration.get("save_as", f"{field}/{{slug}}/index.html")
        self.index_url = declaration.get("index_url", f"{field}/")
        self.index_save_as = declaration.get("index_save_as", f"{field}/index.html")
        self.feed_atom = declaration.get("feed_atom", f"feeds/{field}/{{slug}}.atom.xml")
        self.feed_rss = declaration.get("feed_rss", f"feeds/{field}/{{slug}}.rss.xml")
        self.terms: dict[str, Term] = {}

    def collect(self, articles) -> None:
        """Replace each article's names with Terms and give each Term its articles."""
        by_slug: dict[str, Term] = {}
        for article in articles:
            names = getattr(article, self.field, None) or []
            if isinstance(names, str):
                names = [names]
            terms = []
            for name in names:
                name = " ".join(str(name).split())
                if not name:
                    continue
                term = self.terms.get(name)
                if term is None:
                    term = Term(self, name)
                    term = by_slug.setdefault(term.slug, term)
                    self.terms[name] = term
                if term not in terms:
                    terms.append(term)
                    term.articles.append(article)
            setattr(article, self.field, terms)
        for term in by_slug.values():
            term.articles.sort(key=attrgetter("date"), reverse=True)

    @property
    def sorted_terms(self) -> list[Term]:
        """Unique terms, most articles first, then by name."""
        unique = {id(t): t for t in self.terms.values()}.values()
        return sorted(unique, key=lambda t: (-t.count, t.name.casefold()))


class TaxonomyGenerator(Generator):
    """Builds every declared taxonomy's pages and feeds."""

    def generate_context(self):
        declarations = self.settings.get("TAXONOMIES", {})
        articles = self.context.get("articles", [])
        self.taxonomies = {}
        for field, declaration in declarations.items():
            taxonomy = Taxonomy(field, declaration)
            taxonomy.collect(articles)
            self.taxonomies[field] = taxonomy
        for taxonomy in self.taxonomies.values():
            for term in taxonomy.sorted_terms:
                term.related = _related_terms(term, self.taxonomies)
        self.context["taxonomies"] = self.taxonomies

    def generate_output(self, writer):
        for taxonomy in self.taxonomies.values():
            terms = taxonomy.sorted_terms
            writer.write_file(
                taxonomy.index_save_as,
                self.get_template("terms"),
                self.context,
                relative_urls=self.settings["RELATIVE_URLS"],
                taxonomy=taxonomy,
                terms=terms,
                page_name=taxonomy.index_url.rstrip("/"),
            )
            template = self.get_template("term")
            for term in terms:
                writer.write_file(
                    term.save_as,
                    template,
                    self.context,
                    relative_urls=self.settings["RELATIVE_URLS"],
                    taxonomy=taxonomy,
                    term=term,
                    articles=term.articles,
                    paginated={"articles": term.articles},
                    template_name="term",
                    page_name=term.url.rstrip("/"),
                    url=term.url,
                )
                title = f"{taxonomy.singular.title()}: {term.name}"
                if term.feed_atom:
                    writer.write_feed(
                        term.articles,
                        self.context,
                        term.feed_atom,
                        feed_type="atom",
                        feed_title=title,
                    )
                if term.feed_rss:
                    writer.write_feed(
                        term.articles,
                        self.context,
                        term.feed_rss,
                        feed_type="rss",
                        feed_title=title,
                    )


def _related_terms(
    term: Term, taxonomies: dict, limit: int = 8
) -> dict[str, list[tuple[Term, int]]]:
    """The terms of each taxonomy most often seen on this term's articles (linear in its articles)."""
    related = {}
    for field, taxonomy in taxonomies.items():
        counts: Counter = Counter()
        for article in term.articles:
            for other in getattr(article, field, []):
                if other is not term:
                    counts[other] += 1
        ranked = sorted(counts.items(), key=lambda item: (-item[1], item[0].name.casefold()))
        related[field] = ranked[:limit]
    return related


def add_generator(pelican):
    return TaxonomyGenerator

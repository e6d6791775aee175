"""Pelican plugins of newsdigest, one module per concern.

- reader:     the YAML front matter reader
- articles:   per-article facts (reading time, language, safe links, XML-safe text)
- taxonomy:   topics and actors, one mechanism declared twice (pages, indexes, feeds)
- feeds:      feed entries: topics as categories, summary-only setting, XML-safe text
- related:    related articles and previous/next links
- editions:   the home page, one page per day, the archive by month
- search:     the search index and page
- site_files: sitemap.xml, robots.txt, 404.html

Listed in `PLUGINS` of pelican.conf.py as `newsdigest.pelican`.
"""

from pelican import signals

from newsdigest.site import editions, search
from newsdigest.site import files as site_files
from newsdigest.site import taxonomies as taxonomy
from newsdigest.site.articles import prepare_articles
from newsdigest.site.feeds import adjust_feed, index_articles
from newsdigest.site.reader import add_reader, drop_disabled_markdown
from newsdigest.site.related import add_neighbours, add_related
from newsdigest.site.writer import cache_saved, discard_torn_cache, get_writer


def add_generators(pelican):
    return (
        taxonomy.TaxonomyGenerator,
        editions.EditionsGenerator,
        search.SearchGenerator,
        site_files.SiteFilesGenerator,
    )


def link_articles(generators):
    """Once every generator has its context: related articles and previous/next."""
    taxonomies = {}
    for generator in generators:
        taxonomies.update(getattr(generator, "taxonomies", {}))
    for generator in generators:
        if isinstance(generator, taxonomy.TaxonomyGenerator):
            articles = generator.context.get("articles", [])
            add_related(articles, taxonomies)
            add_neighbours(articles)
            index_articles(generator.context)
            return


def register():
    signals.readers_init.connect(add_reader)
    signals.generator_init.connect(drop_disabled_markdown)
    signals.article_generator_finalized.connect(prepare_articles)
    signals.get_generators.connect(add_generators)
    signals.all_generators_finalized.connect(link_articles)
    signals.feed_generated.connect(adjust_feed)
    signals.get_writer.connect(get_writer)
    signals.initialized.connect(discard_torn_cache)
    signals.all_generators_finalized.connect(cache_saved)

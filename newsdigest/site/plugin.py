"""The site's one Pelican plugin: every signal it connects, in one place.

- reader:     the YAML front matter reader; article files read on every core
- prepare:    URLs fixed once, drafts left out of public builds, per-article facts
- taxonomies: every declared taxonomy (topics, actors, ...): term pages, indexes, feeds
- related:    related articles (updated from the last build's) and previous/next links
- editions:   the home page, one page per day, the archive by month
- search:     the search page; Pagefind's index of the written site
- files:      sitemap.xml, robots.txt, 404.html
- templates:  what the theme's templates get from Python (cards made once per build)
- feeds:      feed entries as readers need them
- writer:     only changed pages rendered, on every core, written atomically
- read_cache: articles as read, kept between builds (only changed files written)
- cache:      page keys, and what the last build knew of each article file

Listed in `PLUGINS` of pelican.conf.py as `newsdigest.site`.
"""

import gc

from pelican import signals

from newsdigest.site import (
    cache,
    editions,
    feeds,
    files,
    prepare,
    read_cache,
    reader,
    search,
    templates,
    writer,
)
from newsdigest.site.related import add_neighbours
from newsdigest.site.taxonomies import TaxonomyGenerator


def add_generators(pelican):
    return (
        TaxonomyGenerator,
        editions.EditionsGenerator,
        search.SearchGenerator,
        files.SiteFilesGenerator,
    )


def link_articles(generators):
    """Once every generator has its context: related articles and previous/next."""
    for generator in generators:
        if isinstance(generator, TaxonomyGenerator):
            found = generator.context.get("articles", [])
            cache.link_related(found, generator.taxonomies, generator.settings)
            add_neighbours(found)
            return


def settle_heap(*args, **kwargs) -> None:
    """What the build made so far (modules, settings, articles, terms) lives until it ends:
    the cycle collector, which would walk all of it again each time the build allocates
    more, leaves it alone from now on (`gc.freeze`; the writer unfreezes it when done).
    Half a second of CPU in a rebuild at 10,000 articles."""
    gc.freeze()


def finish(pelican):
    """Pelican is done: render the pages the writer collected, then index them for search."""
    search.write_bundle(pelican, writer.render_pages(pelican))


def register():
    for stage in (
        signals.initialized,
        signals.article_generator_pretaxonomy,
        signals.article_generator_finalized,
        signals.all_generators_finalized,
    ):
        stage.connect(settle_heap)
    signals.initialized.connect(cache.read_article_records)
    signals.initialized.connect(templates.forget)
    signals.content_object_init.connect(cache.known_address)
    signals.readers_init.connect(reader.add_reader)
    signals.generator_init.connect(reader.drop_disabled_markdown)
    signals.generator_init.connect(templates.add_globals)
    signals.article_generator_init.connect(read_cache.take_kept_articles)
    signals.article_generator_init.connect(reader.prefetch)
    signals.article_generator_pretaxonomy.connect(prepare.settle_articles)
    signals.article_generator_pretaxonomy.connect(read_cache.keep_read_articles)  # URLs settled
    signals.article_generator_finalized.connect(reader.forget_prefetched)
    signals.article_generator_finalized.connect(prepare.prepare_articles)
    signals.page_generator_finalized.connect(prepare.drop_draft_pages)
    signals.get_generators.connect(add_generators)
    signals.all_generators_finalized.connect(link_articles)
    signals.feed_generated.connect(feeds.adjust_feed)
    signals.get_writer.connect(writer.get_writer)
    signals.finalized.connect(finish)

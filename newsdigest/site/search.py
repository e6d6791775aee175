"""Full-text site search on any static host: the search page and the blocks Pagefind indexes.

Article pages mark what Pagefind indexes: the story (`data-pagefind-body`: title, body,
quotes, terms), its date (`data-pagefind-sort`, `data-pagefind-meta`) and one filter
per declared taxonomy (`data-pagefind-filter` on each term chip). After Pelican has
written the site, Pagefind (`pagefind[bin]`, the static-search standard) indexes it
(search_index.py): an index split in small chunks, so that a query downloads the chunks
it needs, not the index.

Pagefind has no incremental mode and holds every page it indexes in memory, so the
articles are indexed in blocks of time (`search_blocks`), each a bundle of its own in
`pagefind/<block>/`, listed in `pagefind/bundles.json`; the browser merges them (Pagefind's
`mergeIndex`). New articles are recent, so a build re-indexes the newest month (a busy
one: its newest week) and leaves the other blocks alone. No block holds more than
`block_size` articles, so neither does the indexer's memory: about 170 KB a page, so a
block is at most an eighth of the site (what rendering the site itself holds), and at most
`SEARCH_BLOCK_SIZE`. The blocks follow from the articles' dates and number alone: a rebuild
gives the bundles a full build gives.

theme/static/js/search.js drives the search page with Pagefind's JavaScript API, in the
site's own markup; without JavaScript the page points to the topic and actor indexes.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from pathlib import Path

from pelican.generators import Generator

from newsdigest.site.cache import SEARCH_KEY
from newsdigest.site.search_index import index_site

DEFAULTS = {
    "SEARCH_URL": "search/",
    "SEARCH_SAVE_AS": "search/index.html",
    "SEARCH_BUNDLE_DIR": "pagefind",
    "SEARCH_BLOCK_SIZE": 4096,
}
# The smallest block size: a site of a few thousand articles is a few bundles.
SEARCH_BLOCK_MIN = 1024
# A newest month over this many pages is indexed by its weeks: a rebuild re-indexes a
# week's pages (a quarter of a second) rather than a busy month's (over a second).
NEWEST_BY_WEEKS = 256


class SearchGenerator(Generator):
    """Writes the search page and notes the article pages the index will read (`write_bundle`)."""

    def generate_context(self):
        self.options = {key: self.settings.get(key, value) for key, value in DEFAULTS.items()}
        self.context["SEARCH_URL"] = self.options["SEARCH_URL"]
        self.context["SEARCH_BUNDLE_URL"] = self.options["SEARCH_BUNDLE_DIR"] + "/"

    def generate_output(self, writer):
        writer.write_file(
            self.options["SEARCH_SAVE_AS"],
            self.get_template("search"),
            self.context,
            relative_urls=self.settings["RELATIVE_URLS"],
            url=self.options["SEARCH_URL"],
        )
        _PAGES[id(self.settings)] = [
            (page.save_as, page.date)
            for article in self.context.get("articles", [])
            for page in (article, *article.translations)
            if page.save_as
        ]


_PAGES: dict[int, list[tuple[str, dt.datetime]]] = {}


def write_bundle(pelican, page_keys: dict[str, str] | None = None) -> None:
    """Pelican has written the site: index its article pages, block by block.

    `page_keys` (the writer's) hold each article page's search key: what the index reads
    of it. A block is indexed again when one of its pages' search keys changed. With
    `SEARCH_DEFERRED` set, the work is left for `deferred_bundle` to hand to the caller,
    which indexes once Pelican's process has ended (build.py)."""
    settings = pelican.settings
    pages = _PAGES.pop(id(settings), [])
    cache = settings.get("CACHE_PATH")
    size = block_size(
        len(pages), int(settings.get("SEARCH_BLOCK_SIZE", DEFAULTS["SEARCH_BLOCK_SIZE"]))
    )
    job = (
        Path(settings["OUTPUT_PATH"]),
        str(settings.get("DEFAULT_LANG") or "en"),
        search_blocks(pages, size),
        settings.get("SEARCH_BUNDLE_DIR", DEFAULTS["SEARCH_BUNDLE_DIR"]),
        # In a folder of its own: the cache folder's files are Pelican's pickles, checked as such.
        Path(cache) / "search" if cache else None,
        {
            k.removeprefix(SEARCH_KEY): v
            for k, v in (page_keys or {}).items()
            if k.startswith(SEARCH_KEY)
        },
    )
    if settings.get("SEARCH_DEFERRED"):
        _DEFERRED.append(job)
    else:
        index_site(*job)


_DEFERRED: list[tuple] = []


def deferred_bundle() -> tuple | None:
    """The arguments of `index_site` that a deferred `write_bundle` left, if any."""
    return _DEFERRED.pop() if _DEFERRED else None


def block_size(pages: int, largest: int) -> int:
    """The most pages a block may hold: an eighth of the site, as a power of two (blocks
    change at two sizes of a site, not with every article), from `SEARCH_BLOCK_MIN` up
    to `largest`. Pagefind holds about 170 KB a page while it indexes: 1,024 pages are
    170 MB, what rendering 10,000 articles holds; 4,096 are 700 MB, bounded whatever
    the size of the site. Smaller blocks would cost a reader more requests a query."""
    size = SEARCH_BLOCK_MIN
    while size * 2 <= min(pages // 8, largest):
        size *= 2
    return min(size, largest)


def search_blocks(pages: Iterable[tuple[str, dt.datetime]], size: int) -> dict[str, list[str]]:
    """The article pages in blocks of time, none over `size` pages.

    The newest month is a block of its own, or when it holds more than
    `NEWEST_BY_WEEKS` pages, its weeks (days 1-7, 8-14, 15-21, 22 to its end): that is
    where new articles land, and the only bundle most builds re-index. Every other year is one block when it fits,
    else its quarters, else its months; a month over `size` is cut, oldest first, into
    parts of `size`. Blocks depend on dates alone, never on the order articles came in."""
    months: dict[str, list[tuple[float, str]]] = defaultdict(list)
    weeks: dict[str, list[tuple[float, str]]] = defaultdict(list)
    for path, when in pages:
        # not `f"{when:%Y-%m}"`: Pelican's dates format in Python, 2 s at 100,000 articles
        month = f"{when.year:04d}-{when.month:02d}"
        stamped = (when.timestamp(), path)
        months[month].append(stamped)
        weeks[f"{month}-w{min(when.day - 1, 21) // 7 + 1}"].append(stamped)
    if not months:
        return {}
    newest = max(months)
    blocks = _month(newest, months[newest], size)
    if len(months[newest]) > NEWEST_BY_WEEKS:
        blocks = {}
        for week in sorted(w for w in weeks if w.startswith(newest)):
            blocks.update(_month(week, weeks[week], size))
    years: dict[str, list[str]] = defaultdict(list)
    for month in months:
        if month != newest:
            years[month[:4]].append(month)
    for year, names in years.items():
        quarters: dict[str, list[str]] = defaultdict(list)
        for month in names:
            quarters[f"{year}-q{(int(month[5:]) - 1) // 3 + 1}"].append(month)
        groups = {year: names} if _count(months, names) <= size else quarters
        for name, group in groups.items():
            if _count(months, group) <= size:
                blocks[name] = [path for month in group for _, path in months[month]]
            else:
                for month in group:
                    blocks.update(_month(month, months[month], size))
    return {name: sorted(paths) for name, paths in sorted(blocks.items())}


def _count(months: dict, names: list[str]) -> int:
    return sum(len(months[name]) for name in names)


def _month(name: str, pages: list[tuple[float, str]], size: int) -> dict[str, list[str]]:
    if len(pages) <= size:
        return {name: [path for _, path in pages]}
    pages = sorted(pages)
    return {
        f"{name}-part{number + 1}": [path for _, path in pages[start : start + size]]
        for number, start in enumerate(range(0, len(pages), size))
    }

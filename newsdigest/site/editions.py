"""Editions: the digest of one day, the home page, and the archive by month.

An edition is the articles of one calendar day (the day the source dated
them, in its own timezone, as in the article's URL), grouped into sections
by each article's first (most relevant) topic. The home page is a digest: the
latest edition and, while it is thin, the days before it (`HOME_MIN_ARTICLES`
articles or `HOME_MAX_DAYS` days), with links to the earlier ones; every day has
its page, every month an archive page, and `editions/` lists them all.

No page grows with the size of a day: a section shows at most
`EDITION_SECTION_LIMIT` articles and links to the rest (the edition's page from the
home page, the topic's paginated page from an edition). Linear in the articles.
"""

from __future__ import annotations

import datetime as dt
from itertools import groupby

from pelican.generators import Generator

DEFAULTS = {
    "EDITION_URL": "editions/{date:%Y}/{date:%m}/{date:%d}/",
    "EDITION_SAVE_AS": "editions/{date:%Y}/{date:%m}/{date:%d}/index.html",
    "EDITION_MONTH_URL": "editions/{date:%Y}/{date:%m}/",
    "EDITION_MONTH_SAVE_AS": "editions/{date:%Y}/{date:%m}/index.html",
    "EDITIONS_URL": "editions/",
    "EDITIONS_SAVE_AS": "editions/index.html",
    "HOME_SAVE_AS": "index.html",
    "HOME_EARLIER_EDITIONS": 7,
    "HOME_MIN_ARTICLES": 20,
    "HOME_MAX_DAYS": 3,
    "EDITION_SECTION_LIMIT": 8,
    "PRIMARY_TAXONOMY": "topics",  # sections an edition
}
OTHER_SECTION = "More news"


class Section:
    """Articles of an edition that share their first topic (`term` is None for untagged ones)."""

    def __init__(self, term, articles: list, limit: int):
        self.term = term
        self.title = term.name if term is not None else OTHER_SECTION
        self.articles = articles
        self.shown = articles[:limit]  # what a page lists; the rest is a link away

    @property
    def more(self) -> int:
        return len(self.articles) - len(self.shown)


class Edition:
    """One day of the digest."""

    def __init__(self, day: dt.date, articles: list, settings: dict):
        self.date = day
        self.url = settings["EDITION_URL"].format(date=day)
        self.save_as = settings["EDITION_SAVE_AS"].format(date=day)
        self.articles = articles  # newest first
        self.section_field = settings["PRIMARY_TAXONOMY"]
        self.section_limit = int(settings["EDITION_SECTION_LIMIT"])
        self.newer: Edition | None = None
        self.older: Edition | None = None
        self.month: Month | None = None

    @property
    def count(self) -> int:
        return len(self.articles)

    @property
    def sections(self) -> list[Section]:
        """Sections, biggest first; untagged articles last."""
        by_term: dict[int, tuple] = {}
        for article in self.articles:
            terms = getattr(article, self.section_field, None) or []
            term = terms[0] if terms and not isinstance(terms[0], str) else None
            by_term.setdefault(id(term), (term, []))[1].append(article)
        sections = [Section(term, items, self.section_limit) for term, items in by_term.values()]
        sections.sort(key=lambda s: (s.term is None, -len(s.articles), s.title.casefold()))
        return sections


class Month:
    """One month of editions, for the archive."""

    def __init__(self, first_day: dt.date, editions: list[Edition], settings: dict):
        self.date = first_day
        self.url = settings["EDITION_MONTH_URL"].format(date=first_day)
        self.save_as = settings["EDITION_MONTH_SAVE_AS"].format(date=first_day)
        self.editions = editions  # newest first
        self.newer: Month | None = None
        self.older: Month | None = None

    @property
    def count(self) -> int:
        return sum(edition.count for edition in self.editions)


def build_editions(articles, settings: dict) -> tuple[list[Edition], list[Month]]:
    """Editions and months, newest first; sets `article.edition`."""
    by_day: dict[dt.date, list] = {}
    for article in sorted(articles, key=lambda a: a.date, reverse=True):
        by_day.setdefault(article.date.date(), []).append(article)
    editions = [
        Edition(day, items, settings) for day, items in sorted(by_day.items(), reverse=True)
    ]
    for edition in editions:
        for article in edition.articles:
            article.edition = edition
    _link(editions)
    months = []
    for first_day, items in groupby(editions, key=lambda e: e.date.replace(day=1)):
        month = Month(first_day, list(items), settings)
        for edition in month.editions:
            edition.month = month
        months.append(month)
    _link(months)
    return editions, months


def home_days(editions: list[Edition], min_articles: int, max_days: int) -> list[Edition]:
    """The editions the home page shows: the latest, and earlier ones while the page is
    thin (fewer than `min_articles` articles), at most `max_days` of them."""
    days: list[Edition] = []
    for edition in editions:
        if days and (sum(d.count for d in days) >= min_articles or len(days) >= max_days):
            break
        days.append(edition)
    return days


def _link(items: list) -> None:
    for position, item in enumerate(items):
        item.newer = items[position - 1] if position > 0 else None
        item.older = items[position + 1] if position + 1 < len(items) else None


class EditionsGenerator(Generator):
    """Writes the home page, one page per day, one per month and the editions index."""

    def generate_context(self):
        self.options = {key: self.settings.get(key, value) for key, value in DEFAULTS.items()}
        self.editions, self.months = build_editions(self.context.get("articles", []), self.options)
        self.context["editions"] = self.editions
        self.context["edition_months"] = self.months
        self.context["latest_edition"] = self.editions[0] if self.editions else None
        self.context["EDITIONS_URL"] = self.options["EDITIONS_URL"]

    def generate_output(self, writer):
        relative_urls = self.settings["RELATIVE_URLS"]
        options = self.options
        latest = self.editions[0] if self.editions else None
        days = home_days(self.editions, options["HOME_MIN_ARTICLES"], options["HOME_MAX_DAYS"])
        writer.write_file(
            options["HOME_SAVE_AS"],
            self.get_template("index"),
            self.context,
            relative_urls=relative_urls,
            edition=latest,
            days=days,
            earlier=self.editions[len(days) : len(days) + options["HOME_EARLIER_EDITIONS"]],
            page_name="index",
            url="",
        )
        template = self.get_template("edition")
        for edition in self.editions:
            writer.write_file(
                edition.save_as,
                template,
                self.context,
                relative_urls=relative_urls,
                edition=edition,
                url=edition.url,
            )
        template = self.get_template("month")
        for month in self.months:
            writer.write_file(
                month.save_as,
                template,
                self.context,
                relative_urls=relative_urls,
                month=month,
                url=month.url,
            )
        writer.write_file(
            options["EDITIONS_SAVE_AS"],
            self.get_template("editions"),
            self.context,
            relative_urls=relative_urls,
            months=self.months,
            url=options["EDITIONS_URL"],
        )

"""Site search that works on any static host: a compact JSON index and a search page.

The index is written once at build time. The terms of every declared taxonomy are
stored once, in declared order, and referred to by number, so each article costs its
title, URL, date and summary plus a few small integers (one list per taxonomy, in the
same order):

    {"topics": [[name, url], ...], "actors": [[name, url], ...],
     "articles": [[title, url, "YYYY-MM-DD", summary, [topic numbers], [actor numbers]], ...]}

theme/static/js/search.js loads it on the search page; without JavaScript the
page says so and points to the topic and actor indexes.
"""

from __future__ import annotations

import json
from pathlib import Path

from markupsafe import Markup
from pelican.generators import Generator

from newsdigest.atomic import write_if_changed
from newsdigest.text import shorten

DEFAULTS = {
    "SEARCH_URL": "search/",
    "SEARCH_SAVE_AS": "search/index.html",
    "SEARCH_INDEX_SAVE_AS": "search.json",
    "SEARCH_SUMMARY_LENGTH": 300,
}


def plain(value) -> str:
    """Text without markup or escapes: what a reader sees."""
    return Markup(str(value or "")).striptags()


def search_index(articles, taxonomies: dict, summary_length: int) -> dict:
    """The index as a dict of lists (see the module docstring)."""
    numbers: dict[str, dict[int, int]] = {}
    index: dict[str, list] = {}
    for field, taxonomy in taxonomies.items():
        terms = taxonomy.sorted_terms
        numbers[field] = {id(term): n for n, term in enumerate(terms)}
        index[field] = [[term.name, term.url] for term in terms]
    entries = []
    for article in articles:
        summary = shorten(plain(getattr(article, "summary", "")), summary_length)
        entries.append(
            [
                plain(article.title),
                article.url,
                article.date.date().isoformat(),
                summary,
                *(
                    [numbers[field][id(t)] for t in getattr(article, field, None) or []]
                    for field in taxonomies
                ),
            ]
        )
    index["articles"] = entries
    return index


class SearchGenerator(Generator):
    """Writes search.json and the search page."""

    def generate_context(self):
        self.options = {key: self.settings.get(key, value) for key, value in DEFAULTS.items()}
        self.context["SEARCH_URL"] = self.options["SEARCH_URL"]
        self.context["SEARCH_INDEX_URL"] = self.options["SEARCH_INDEX_SAVE_AS"]

    def generate_output(self, writer):
        index = search_index(
            self.context.get("articles", []),
            self.context.get("taxonomies", {}),
            self.options["SEARCH_SUMMARY_LENGTH"],
        )
        write_if_changed(
            Path(self.output_path) / self.options["SEARCH_INDEX_SAVE_AS"],
            json.dumps(index, ensure_ascii=False, separators=(",", ":")),
        )
        writer.write_file(
            self.options["SEARCH_SAVE_AS"],
            self.get_template("search"),
            self.context,
            relative_urls=self.settings["RELATIVE_URLS"],
            url=self.options["SEARCH_URL"],
        )

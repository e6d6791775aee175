"""Who wrote the article: names from meta tags, microdata and visible bylines, desks left out."""

from __future__ import annotations

import re

from newsdigest.ingest.extract.patterns import (
    BYLINE_PREFIX,
    NAME_PARTICLES,
    NAME_SPLIT,
    PLACEHOLDER_AUTHOR,
)
from newsdigest.ingest.extract.text import fold, text_of
from newsdigest.ingest.extract.urls import is_web_url


def page_authors(tree, ld: dict, meta_tags: dict[str, str], site_name: str | None) -> list[str]:
    """The article's writers: the first source that names real people wins; later ones only
    add noise."""
    for names in (
        lambda: ld.get("authors", ()),
        lambda: [
            *split_names(meta_tags.get("article:author")),
            *split_names(meta_tags.get("author")),
            *split_names(meta_tags.get("dc.creator")),
            *split_names(meta_tags.get("byl")),
            *split_names(meta_tags.get("sailthru.author")),
            *split_names(meta_tags.get("parsely-author")),
        ],
        lambda: microdata_authors(tree),
        lambda: visible_bylines(tree),
    ):
        people = unique_names([n for n in map(clean_name, names()) if is_person_name(n, site_name)])
        if people:
            return people
    return []


def microdata_authors(tree) -> list[str]:
    """Names marked itemprop="author", at most five: more is a list of related stories."""
    names = []
    for node in tree.xpath('//*[@itemprop="author"]'):
        named = node.xpath('.//*[@itemprop="name"]')
        value = (
            (named[0].get("content") or text_of(named[0]))
            if named
            else (node.get("content") or text_of(node))
        )
        names.extend(split_names(value))
    return names[:5]


BYLINE_XPATH = (
    '//*[@rel="author"] | //*[contains(@class, "byline")] | //*[contains(@class, "author-name")]'
    ' | //*[contains(@class, "author__name")] | //address[contains(@class, "author")]'
    ' | //a[contains(@href, "/author/") or contains(@href, "/authors/")]'
)  # the last: links to a writer's page, as blog and news CMSs make them


def visible_bylines(tree) -> list[str]:
    """Names in the byline elements a reader sees, when the page declares none."""
    names = []
    for node in tree.xpath(BYLINE_XPATH)[:6]:
        text = text_of(node)
        if 0 < len(text) <= 80:
            names.extend(split_names(text))
    return names


def split_names(value) -> list[str]:
    """ "By A and B" -> ["A", "B"]; a URL or an e-mail address names nobody."""
    if not isinstance(value, str) or not value.strip() or is_web_url(value) or "@" in value:
        return []
    value = BYLINE_PREFIX.sub("", " ".join(value.split()))
    return [part for part in NAME_SPLIT.split(value) if part]


def clean_name(name: str) -> str:
    """A name without the byline's "By" and the punctuation around it."""
    name = BYLINE_PREFIX.sub("", name.strip(" .|-–—:"))
    return name.strip(" .|-–—:")


def is_person_name(name: str, site_name: str | None) -> bool:
    """A real person's name: two to five words of letters, not a desk, agency or the outlet."""
    if not name or PLACEHOLDER_AUTHOR.search(name):
        return False
    if site_name:
        site_words = set(fold(site_name).split()) - {"the"}
        name_words = set(fold(name).split())
        if name_words <= set(fold(site_name).split()) or (site_words and site_words <= name_words):
            return False  # the outlet itself, or "CNN Business" on CNN
    words = name.split()
    if not 2 <= len(words) <= 5:
        return False
    if any(ch.isdigit() for ch in name) or re.search(r"[@/<>{}\[\]=#|]", name):
        return False
    if name.isupper() and len(name) > 3 and not any(len(w) <= 2 for w in words):
        return False  # "NEWS DESK"-like shouting is rarely a byline
    return all(
        w[0].isalpha() and w[0].upper() == w[0] or w.lower() in NAME_PARTICLES for w in words
    )


def unique_names(names: list[str]) -> list[str]:
    """Names in their first order, each once whatever its case."""
    seen, out = set(), []
    for name in names:
        key = name.casefold()
        if key not in seen:
            seen.add(key)
            out.append(name)
    return out


def join_names(names: list[str]) -> str | None:
    """One name, "A and B", or "A, B and C"."""
    if not names:
        return None
    if len(names) == 1:
        return names[0]
    return ", ".join(names[:-1]) + " and " + names[-1]

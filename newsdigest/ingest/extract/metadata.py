"""What the page declares about the article: title, author, dates, outlet, URL, language, image.

Most trusted first: JSON-LD, Open Graph and article:* meta tags, other meta tags
(Dublin Core, microdata, CMS-specific names), then what a reader sees (bylines,
datelines, the <title> and <h1>).
"""

from __future__ import annotations

import html as html_lib
import re
from dataclasses import dataclass

from newsdigest.ingest.extract.authors import join_names, page_authors
from newsdigest.ingest.extract.dates import iso_date, visible_times
from newsdigest.ingest.extract.jsonld import json_ld_fields
from newsdigest.ingest.extract.text import text_of
from newsdigest.ingest.extract.titles import clean_title
from newsdigest.ingest.extract.urls import absolute_url, is_web_url


@dataclass
class Metadata:
    """The page's metadata, and what the body filters need to recognise it in the text."""

    title: str | None = None
    author: str | None = None
    date: str | None = None
    modified: str | None = None
    site_name: str | None = None
    url: str | None = None
    lang: str | None = None
    image: str | None = None
    description: str | None = None
    authors: tuple[str, ...] = ()  # every name seen, for removing bylines from the body
    titles: tuple[str, ...] = ()  # every headline the page declares, to spot it in the body


def read_metadata(tree, url: str | None = None) -> Metadata:
    """Collect the page's declared metadata, most trusted source first."""
    meta_tags = _meta_tags(tree)
    ld = json_ld_fields(tree)
    site_name = _site_name(ld, meta_tags)
    h1 = tree.xpath("//h1")
    h1_text = text_of(h1[0]) if h1 else None
    html_title = tree.xpath("//head/title")
    title_text = text_of(html_title[0]) if html_title else None
    raw_title = _first_text(
        ld.get("headline"),
        meta_tags.get("og:title"),
        meta_tags.get("twitter:title"),
        meta_tags.get("dc.title"),
        title_text,
        h1_text,
    )
    page_url = _page_url(tree, ld, meta_tags, url)
    people = page_authors(tree, ld, meta_tags, site_name)
    return Metadata(
        title=clean_title(raw_title, site_name, h1_text),
        author=join_names(people),
        date=_published(tree, ld, meta_tags),
        modified=_modified(ld, meta_tags),
        site_name=site_name,
        url=page_url,
        lang=_language(tree, meta_tags, ld),
        image=_image(ld, meta_tags, url or page_url),
        description=_first_text(
            ld.get("description"), meta_tags.get("og:description"), meta_tags.get("description")
        ),
        authors=tuple(people),
        titles=tuple(
            t
            for t in (
                ld.get("headline"),
                meta_tags.get("og:title"),
                meta_tags.get("twitter:title"),
                h1_text,
                title_text,
            )
            if isinstance(t, str) and t.strip()
        ),
    )


def _first_text(*values) -> str | None:
    """The first non-blank string, unescaped and with its whitespace collapsed.

    JSON-LD strings never went through the HTML parser: "&#8216;" is still there.
    """
    for value in values:
        if isinstance(value, str) and value.strip():
            return " ".join(html_lib.unescape(value).split())
    return None


def _site_name(ld: dict, meta_tags: dict[str, str]) -> str | None:
    """The outlet's name; a "@handle" or a bare URL is not one."""
    return _first_text(
        *(
            name
            for name in (ld.get("publisher"), meta_tags.get("og:site_name"))
            if name and not name.strip().startswith("@") and not is_web_url(name)
        )
    )


def _page_url(tree, ld: dict, meta_tags: dict[str, str], url: str | None) -> str | None:
    """The canonical URL, absolute; else the one the page came from."""
    canonical = None
    for link in tree.xpath("//link[@rel][@href]"):
        if "canonical" in link.get("rel", "").lower().split():
            canonical = link.get("href").strip()
            break
    return _first_text(
        absolute_url(canonical, url),
        absolute_url(meta_tags.get("og:url"), url),
        absolute_url(ld.get("url"), url),
        url,
    )


def _published(tree, ld: dict, meta_tags: dict[str, str]) -> str | None:
    """When the article was published: a declared date, else one shown on the page."""
    declared = (
        ld.get("datePublished"),
        meta_tags.get("article:published_time"),
        meta_tags.get("og:article:published_time"),
        meta_tags.get("datepublished"),
        meta_tags.get("date"),
        meta_tags.get("pubdate"),
        meta_tags.get("publishdate"),
        meta_tags.get("publish-date"),
        meta_tags.get("dc.date.issued"),
        meta_tags.get("dc.date"),
        meta_tags.get("dcterms.created"),
        meta_tags.get("sailthru.date"),
        meta_tags.get("parsely-pub-date"),
        ld.get("dateCreated"),
    )
    return _first_text(*map(iso_date, declared)) or _first_text(*map(iso_date, visible_times(tree)))


def _modified(ld: dict, meta_tags: dict[str, str]) -> str | None:
    """When the article was last changed, as declared; never guessed from the page."""
    return _first_text(
        iso_date(ld.get("dateModified")),
        iso_date(meta_tags.get("article:modified_time")),
        iso_date(meta_tags.get("og:updated_time")),
        iso_date(meta_tags.get("datemodified")),
        iso_date(meta_tags.get("dcterms.modified")),
        iso_date(meta_tags.get("last-modified")),
    )


def _image(ld: dict, meta_tags: dict[str, str], base: str | None) -> str | None:
    """The lead image the page declares for sharing, as an absolute URL."""
    return _first_text(
        absolute_url(ld.get("image"), base),
        absolute_url(meta_tags.get("og:image"), base),
        absolute_url(meta_tags.get("og:image:url"), base),
        absolute_url(meta_tags.get("twitter:image"), base),
        absolute_url(meta_tags.get("twitter:image:src"), base),
    )


def _meta_tags(tree) -> dict[str, str]:
    """<meta> name/property/itemprop/http-equiv -> content (first wins), keys lower-cased."""
    tags: dict[str, str] = {}
    for meta in tree.iter("meta"):
        content = meta.get("content")
        if content is None or not content.strip():
            continue
        for attr in ("property", "name", "itemprop", "http-equiv"):
            key = meta.get(attr)
            if key:
                tags.setdefault(key.strip().lower(), content.strip())
    return tags


def _language(tree, meta_tags: dict[str, str], ld: dict) -> str | None:
    """The primary language subtag ("en", "pt") the page declares."""
    for value in (
        tree.get("lang"),
        tree.get("xml:lang"),
        tree.get("{http://www.w3.org/XML/1998/namespace}lang"),
        ld.get("inLanguage"),
        meta_tags.get("content-language"),
        meta_tags.get("og:locale"),
        meta_tags.get("language"),
        meta_tags.get("dc.language"),
    ):
        if isinstance(value, str):
            match = re.match(r"\s*([a-zA-Z]{2,3})(?:[-_]|\s*$|\s*,)", value)
            if match:
                return match.group(1).lower()
    return None

"""Saved HTML page -> article body as Markdown, plus the metadata the page declares.

lxml parses the page once; the same tree serves metadata and body.

- `parse`: page text -> lxml tree; the page's <base> URL.
- `metadata`: title, author, dates, outlet, canonical URL, language and lead
  image, most trusted source first; it draws on `jsonld` (the declared article
  object), `authors` (bylines, real people only), `dates` (declared and visible
  dates, read only when unambiguous) and `titles` (the headline without the
  outlet's name).
- `preclean`: hidden elements, captions and decks out of the tree before the
  main-text search.
- `main_text`: trafilatura's XML tree of the article (readability's pick, then
  the full cascade, when its quick pass finds no article container).
- `markdown`: that tree as escaped Markdown blocks with safe links and images.
- `filters`: blocks that are not the article (furniture, related links,
  promotions, the headline and byline repeated, credits) dropped.
- `patterns`: the words and phrases of bylines and page furniture those rules match.
- `text`, `urls`: text folding for comparisons; absolute, safe URLs.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from newsdigest.ingest.extract.filters import filter_blocks
from newsdigest.ingest.extract.main_text import main_text
from newsdigest.ingest.extract.markdown import MarkdownWriter
from newsdigest.ingest.extract.metadata import Metadata, read_metadata
from newsdigest.ingest.extract.parse import base_href, parse_html
from newsdigest.ingest.extract.preclean import preclean
from newsdigest.ingest.extract.titles import clean_title

__all__ = [
    "Metadata",
    "Page",
    "clean_title",
    "extract_body",
    "extract_markdown",
    "extract_page",
    "parse_html",
    "read_metadata",
]


@dataclass
class Page:
    """What one saved HTML page yields: metadata and the body as Markdown.

    `author` names real people only (no desks, agencies or the outlet); several
    become "A and B" or "A, B and C". `date` and `modified` are ISO 8601 with the
    offset the page declared (none when it declared none). `url` is the canonical
    URL, `image` the lead image, both absolute; `lang` a primary language subtag.
    """

    title: str | None
    body: str
    author: str | None
    date: str | None
    modified: str | None
    site_name: str | None
    url: str | None
    lang: str | None
    image: str | None


def extract_body(html: str) -> str:
    """The article body as Markdown (the benchmark's entry point)."""
    return extract_page(html).body


def extract_page(html: str, url: str | None = None) -> Page:
    """Extract metadata and the article body from a saved page's HTML text.

    `url` is where the page came from, if known; it is the base for relative
    links and the fallback for the canonical URL.
    """
    tree = parse_html(html)
    if tree is None:
        return Page(None, "", None, None, None, None, url, None, None)
    meta = read_metadata(tree, url)
    base = url or base_href(tree) or meta.url
    body = extract_markdown(tree, base, meta)
    if meta.image is None:  # no lead image declared: the article's first picture
        first_image = FIRST_IMAGE.search(body)
        meta.image = first_image.group(1) if first_image else None
    return Page(
        title=meta.title,
        body=body,
        author=meta.author,
        date=meta.date,
        modified=meta.modified,
        site_name=meta.site_name,
        url=meta.url,
        lang=meta.lang,
        image=meta.image,
    )


FIRST_IMAGE = re.compile(r"^!\[[^\]\n]*\]\((https?://[^)\s]+)\)", re.M)


def extract_markdown(tree, base: str | None, meta: Metadata) -> str:
    """The article body of a parsed page as Markdown; the tree is cleaned in place."""
    preclean(tree)
    body = main_text(tree)
    if body is None:
        return ""
    blocks = filter_blocks(MarkdownWriter(base).blocks(body), meta)
    return "\n\n".join(b.markdown for b in blocks if b.markdown).strip() + "\n" if blocks else ""

"""Per-article facts the theme shows: reading time, language, safe source and image links.

Images hosted by the source are shown as links to them unless `REMOTE_IMAGES`
is "show": the site then fetches nothing from other hosts, and readers' browsers
do not call the source's servers on every page view.

Also removes the characters that are never text (`content_format.NOT_TEXT`: the
controls XML 1.0 forbids, lone surrogates, non-characters) from every text an article
carries, whatever its reader: they are invalid in HTML too, and one of them makes a
feed unreadable.
"""

from __future__ import annotations

import functools
import re
from urllib.parse import urlsplit

from markupsafe import Markup

from newsdigest.content_format import NOT_TEXT
from newsdigest.site.markdown import link_remote_images
from newsdigest.site.reader import READER_NAME, LazyBody

WORDS_PER_MINUTE = 230
_TAG = re.compile(r"<[^>]*>")
_WORD = re.compile(r"\w+")
_LANG = re.compile(r"^[A-Za-z]{2,3}(?:-[A-Za-z0-9]{2,8})*$")


def xml_safe(value):
    """The value without XML-forbidden characters; Markup stays Markup, other types pass.

    A value that has none is returned as it is, not copied: an article's metadata and
    attributes share their values, and ten thousand copies of each would add up.
    """
    if isinstance(value, str):
        if NOT_TEXT.search(value) is None:
            return value
        text = NOT_TEXT.sub("", str(value))
        return Markup(text) if isinstance(value, Markup) else text
    if isinstance(value, list):
        items = [xml_safe(item) for item in value]
        same = all(new is old for new, old in zip(items, value, strict=True))
        return value if same else items
    if isinstance(value, dict):
        pairs = {key: xml_safe(item) for key, item in value.items()}
        same = all(pairs[key] is item for key, item in value.items())
        return value if same else pairs
    return value


def web_url(value) -> str | None:
    """The value when it is an absolute http(s) URL, else None (no javascript: or data: links)."""
    if not isinstance(value, str):
        return None
    value = value.strip()
    parts = urlsplit(value)
    return value if parts.scheme in ("http", "https") and parts.netloc else None


def language(value, default: str) -> str:
    """A BCP 47 tag for the `lang` attribute (`en_GB` becomes `en-GB`), else the site default."""
    value = str(value or "").strip().replace("_", "-")
    return value if _LANG.match(value) else default


def reading_minutes(words: int) -> int:
    return max(1, round(words / WORDS_PER_MINUTE))


def html_words(html: str) -> int:
    return len(_WORD.findall(_TAG.sub(" ", html)))


def structured_data(article, settings: dict) -> dict:
    """schema.org NewsArticle for the page's JSON-LD block (absolute URLs)."""
    siteurl = settings.get("CANONICAL_SITEURL") or settings["SITEURL"]
    url = f"{siteurl}/{article.url}"
    published = article.date.isoformat(timespec="seconds")
    modified = getattr(article, "modified", None)
    publisher = {"@type": "Organization", "name": settings["SITENAME"], "url": siteurl + "/"}
    source = article.source
    data = {
        "@context": "https://schema.org",
        "@type": "NewsArticle",
        "headline": plain_text(article.title)[:110],
        "description": plain_text(getattr(article, "summary", "")),
        "datePublished": published,
        "dateModified": modified.isoformat(timespec="seconds") if modified else published,
        "url": url,
        "mainEntityOfPage": {"@type": "WebPage", "@id": url},
        "inLanguage": article.lang,
        "publisher": publisher,
    }
    if article.byline:
        data["author"] = {"@type": "Person", "name": article.byline}
    elif source.get("name"):
        data["author"] = {"@type": "Organization", "name": source["name"]}
    else:
        data["author"] = publisher
    if source.get("url"):
        data["isBasedOn"] = source["url"]
    if article.image:
        data["image"] = [article.image]
    primary = settings.get("PRIMARY_TAXONOMY") or ""
    keywords = [str(name) for name in getattr(article, primary, None) or []]
    if keywords:
        data["keywords"] = keywords
    return data


def plain_text(value) -> str:
    """What a reader sees of a title or summary: no tags, no entities."""
    return Markup(str(value or "")).striptags()


class ArticleFacts:
    """Mixed into the class of every article: what pages compute from it when they need it,
    rather than every article carrying it for the whole build."""

    @property
    def structured_data(self) -> dict:
        return structured_data(self, self.settings)


@functools.cache
def _with_facts(cls: type) -> type:
    """`cls` with `ArticleFacts` and `LazyBody` mixed in (same name)."""
    return type(cls.__name__, (ArticleFacts, LazyBody, cls), {})


def prepare(article, settings: dict) -> None:
    """Clean an article's texts and add what the templates need."""
    default_lang = settings.get("DEFAULT_LANG", "en")
    if article._content:  # our reader leaves the body on disk; another reader's HTML is here
        article._content = xml_safe(article._content)
        if settings.get("REMOTE_IMAGES", "link") != "show":
            article._content = link_remote_images(article._content)
    article.__class__ = _with_facts(type(article))
    if getattr(article, "reader", None) != READER_NAME:  # ours made every text printable
        for key, value in list(article.metadata.items()):
            article.metadata[key] = xml_safe(value)
        for key in ("title", "summary", "quotes", "source", *(settings.get("TAXONOMIES") or {})):
            if hasattr(article, key):
                setattr(article, key, xml_safe(getattr(article, key)))
    if "summary" in article.metadata:
        article._summary = article.metadata["summary"]
    source = getattr(article, "source", None)
    source = dict(source) if isinstance(source, dict) else {}
    source["url"] = web_url(source.get("url"))
    article.source = source
    source_name = " ".join(str(source.get("name") or "").split())
    article.source_label = source_name or (urlsplit(source["url"]).netloc if source["url"] else "")
    article.image = web_url(getattr(article, "image", None))
    article.lang = language(getattr(article, "lang", None), default_lang)
    words = getattr(article, "word_count", None)
    article.reading_time = reading_minutes(
        words if isinstance(words, int) else html_words(article._content or "")
    )
    author = getattr(article, "author", None)
    name = getattr(author, "name", None)
    # Pelican gives every article the site's AUTHOR; only a real byline is shown.
    article.byline = name if name and name != settings.get("AUTHOR") else None


# Every list of Pelican's article generator: drafts are shown in preview builds too.
_ARTICLE_LISTS = (
    "articles",
    "translations",
    "hidden_articles",
    "hidden_translations",
    "drafts",
    "drafts_translations",
)


def all_articles(generator) -> list:
    """Every article the article generator read, whatever its status."""
    return [a for name in _ARTICLE_LISTS for a in getattr(generator, name, None) or []]


def settle_articles(generator) -> None:
    """Once Pelican has read every article: drop drafts from a public build, fix URLs.

    Each article keeps its URL and file name through Pelican's own `override_url` and
    `override_save_as`: Pelican would format them again (a date, a copy of the metadata)
    on every use, some 100,000 times for the pages, feeds and links of 10,000 articles.
    """
    if not generator.settings.get("PUBLISH_DRAFTS", True):
        generator.drafts, generator.drafts_translations = [], []
    for article in all_articles(generator):
        article.override_url = article.url
        article.override_save_as = article.save_as


def prepare_articles(generator) -> None:
    """Clean every article's texts and add what the templates need; drop what no page uses."""
    authors: dict[str, object] = {}  # Pelican gives each article an Author of its own
    for article in all_articles(generator):
        prepare(article, generator.settings)
        author = getattr(article, "author", None)
        if author is not None and type(author).__name__ == "Author":
            article.author = authors.setdefault(str(author), author)
            if getattr(article, "authors", None) == [author]:
                article.authors = [article.author]
    _drop_unwritten_listings(generator)


def drop_draft_pages(generator) -> None:
    """A public build has no draft pages either."""
    if not generator.settings.get("PUBLISH_DRAFTS", True):
        generator.draft_pages, generator.draft_translations = [], []
        generator.context["draft_pages"] = []


def _drop_unwritten_listings(generator) -> None:
    """Empty Pelican's tag, category and author listings when no page of theirs is written.

    Pelican lists each one's articles anyway, by a membership test of every article in
    every list: seconds at 10,000 articles, and worse than linear. The lists are emptied
    in place, so the context that shares them sees the same.
    """
    settings = generator.settings
    if not settings.get("TAG_SAVE_AS"):
        generator.tags.clear()
    if not settings.get("CATEGORY_SAVE_AS"):
        generator.categories.clear()
    if not settings.get("AUTHOR_SAVE_AS"):
        generator.authors.clear()

"""Feed entries as readers need them, whatever Pelican's defaults.

Runs on every feed just before it is written (Pelican's `feed_generated`):
- categories are the article's topics (Pelican would put its unused "misc" category);
- `RSS_FEED_SUMMARY_ONLY` applies to Atom too: summaries only, no full text;
- no text carries a character XML 1.0 forbids, so every feed stays well-formed.
"""

from __future__ import annotations

from newsdigest.pelican.articles import xml_safe

_BY_URL = "_newsdigest_articles_by_url"


def _article_for(context: dict, link: str):
    by_url = context.get(_BY_URL)
    if by_url is None or len(by_url) != len(context.get("articles", [])):
        by_url = {article.url: article for article in context.get("articles", [])}
        context[_BY_URL] = by_url
    siteurl = str(context.get("SITEURL", "")).rstrip("/")
    path = link[len(siteurl) + 1 :] if link.startswith(siteurl + "/") else link
    return by_url.get(path)


def adjust_feed(context, feed) -> None:
    summary_only = bool(context.get("RSS_FEED_SUMMARY_ONLY"))
    for key in ("title", "description", "subtitle"):
        if isinstance(feed.feed.get(key), str):
            feed.feed[key] = xml_safe(feed.feed[key])
    for item in feed.items:
        article = _article_for(context, item.get("link") or "")
        if article is not None:
            item["categories"] = [str(term) for term in getattr(article, "topics", None) or []]
        if summary_only and item.get("description"):
            item["content"] = None
        for key, value in item.items():
            if isinstance(value, str):
                item[key] = xml_safe(value)

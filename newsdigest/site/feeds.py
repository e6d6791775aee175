"""Feed entries as readers need them, whatever Pelican's defaults.

Runs on every feed just before it is written (Pelican's `feed_generated`):
- categories are the article's terms of `PRIMARY_TAXONOMY` (Pelican would put its unused
  "misc" category);
- `RSS_FEED_SUMMARY_ONLY` applies to Atom too: summaries only, no full text (topic and
  actor feeds follow `TERM_FEED_SUMMARY_ONLY` instead, see taxonomy.py);
- no text carries a character XML 1.0 forbids, so every feed stays well-formed.
"""

from __future__ import annotations

from newsdigest.site.prepare import xml_safe

ARTICLES_BY_URL = "articles_by_url"


def index_articles(context: dict) -> None:
    """Let feed entries find their article by URL (once per build, in the shared context)."""
    context[ARTICLES_BY_URL] = {article.url: article for article in context.get("articles", [])}


def _article_for(context: dict, link: str):
    if ARTICLES_BY_URL not in context:
        index_articles(context)
    siteurl = str(context.get("SITEURL", "")).rstrip("/")
    path = link[len(siteurl) + 1 :] if link.startswith(siteurl + "/") else link
    return context[ARTICLES_BY_URL].get(path)


def summary_only(context: dict) -> bool:
    """Whether a feed shows summaries only: the one place that reads the switch.

    Site-wide feeds follow the `RSS_FEED_SUMMARY_ONLY` setting; a taxonomy's feeds are
    given a context that sets it from `TERM_FEED_SUMMARY_ONLY` (taxonomies.py).
    """
    return bool(context.get("RSS_FEED_SUMMARY_ONLY"))


def adjust_feed(context, feed) -> None:
    """Run on every feed just before it is written (Pelican's `feed_generated`)."""
    summary = summary_only(context)
    primary = context.get("PRIMARY_TAXONOMY") or ""
    for key in ("title", "description", "subtitle"):
        if isinstance(feed.feed.get(key), str):
            feed.feed[key] = xml_safe(feed.feed[key])
    for item in feed.items:
        unique_id = item.get("unique_id") or ""
        if unique_id and not unique_id.startswith(("http://", "https://")):
            item["unique_id_is_permalink"] = False  # RSS: a tag: URI is no address to visit
        article = _article_for(context, item.get("link") or "")
        if article is not None:
            item["categories"] = [str(term) for term in getattr(article, primary, None) or []]
        if summary:
            if item.get("content") is not None:  # Atom: the summary is already there
                item["content"] = None
            elif article is not None:  # RSS: one field, holding the full text unless told
                item["description"] = article.summary
        for key, value in item.items():
            if isinstance(value, str):
                item[key] = xml_safe(value)

"""Feed entries as readers need them, whatever Pelican's defaults.

An entry (`adjust_entry`, as the writer makes it, once per build, article and kind of feed):
- its categories are the article's terms of `PRIMARY_TAXONOMY` (Pelican would put its
  unused "misc" category);
- `RSS_FEED_SUMMARY_ONLY` applies to Atom too: summaries only, no full text (topic and
  actor feeds follow `TERM_FEED_SUMMARY_ONLY` instead, see taxonomy.py);
- no text carries a character XML 1.0 forbids, so every feed stays well-formed.

A feed's own title and descriptions are made safe the same way, just before it is written
(Pelican's `feed_generated`).
"""

from __future__ import annotations

from newsdigest.site.prepare import xml_safe


def summary_only(context: dict) -> bool:
    """Whether a feed shows summaries only: the one place that reads the switch.

    Site-wide feeds follow the `RSS_FEED_SUMMARY_ONLY` setting; a taxonomy's feeds are
    given a context that sets it from `TERM_FEED_SUMMARY_ONLY` (taxonomies.py).
    """
    return bool(context.get("RSS_FEED_SUMMARY_ONLY"))


def adjust_entry(entry: dict, article, context: dict) -> None:
    """An article's feed entry, as Pelican made it, made what readers need (module docstring)."""
    unique_id = entry.get("unique_id") or ""
    if unique_id and not unique_id.startswith(("http://", "https://")):
        entry["unique_id_is_permalink"] = False  # RSS: a tag: URI is no address to visit
    primary = context.get("PRIMARY_TAXONOMY") or ""
    entry["categories"] = [str(term) for term in getattr(article, primary, None) or []]
    if summary_only(context):
        if entry.get("content") is not None:  # Atom: the summary is already there
            entry["content"] = None
        else:  # RSS: one field, holding the full text unless told
            entry["description"] = article.summary
    for key, value in entry.items():
        if isinstance(value, str):
            entry[key] = xml_safe(value)


def adjust_feed(context, feed) -> None:
    """Run on every feed just before it is written (Pelican's `feed_generated`)."""
    for key in ("title", "description", "subtitle"):
        if isinstance(feed.feed.get(key), str):
            feed.feed[key] = xml_safe(feed.feed[key])

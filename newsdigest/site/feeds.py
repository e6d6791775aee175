"""Feed entries as readers need them, whatever Pelican's defaults.

An entry (`adjust_entry`, as the writer makes it, once per build, article and kind of feed):
- its categories are the article's terms of `PRIMARY_TAXONOMY` (Pelican would put its
  unused "misc" category);
- `RSS_FEED_SUMMARY_ONLY` applies to Atom too: summaries only, no full text (topic and
  actor feeds follow `TERM_FEED_SUMMARY_ONLY` instead, see taxonomy.py);
- no text carries a character XML 1.0 forbids, so every feed stays well-formed.

A feed's own title and descriptions are made safe the same way, just before it is written
(Pelican's `feed_generated`).

The writer gives every feed that shows an article the same entry; its XML is written out
once, by the first feed that shows it, and copied into the others (`written_once`): an
article is in the feeds of each of its terms.
"""

from __future__ import annotations

import functools
import io

from feedgenerator import Atom1Feed
from feedgenerator.django.utils.xmlutils import SimplerXMLGenerator

from newsdigest.site.prepare import xml_safe

ENTRY_XML = "newsdigest_xml"  # where an entry keeps its XML once a feed has written it


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


@functools.cache
def written_once(feed_class: type) -> type:
    """`feed_class` (feedgenerator's Atom or RSS feed), writing each entry's XML once: kept
    in the entry, as feedgenerator would write it there, and copied into the next feed."""
    tag = "entry" if issubclass(feed_class, Atom1Feed) else "item"

    def write_items(self, handler):
        for item in self.items:
            xml = item.get(ENTRY_XML)
            if xml is None:
                out = io.StringIO()
                entry = SimplerXMLGenerator(out, "utf-8", short_empty_elements=True)
                entry.startElement(tag, self.item_attributes(item))
                self.add_item_elements(entry, item)
                entry.endElement(tag)
                xml = item[ENTRY_XML] = out.getvalue()
            handler.ignorableWhitespace(xml)  # written as it is: XML already

    return type(feed_class.__name__, (feed_class,), {"write_items": write_items})

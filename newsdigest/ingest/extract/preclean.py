"""The page tree before the main-text search, without what is not the article's text.

Scripts, styles and embeds go first: they are never text. Then elements the
page hides, captions, and the deck or kicker around the headline; a <div>
styled as a subheading between paragraphs becomes an <h3>. Navigation, share
lines and related links are left to trafilatura and the block filters.
"""

from __future__ import annotations

import re

from lxml import etree

# class names that page builders use for what is not shown on screen, or only in print
HIDDEN_CLASSES = {
    "hide",
    "hidden",
    "is-hidden",
    "d-none",
    "visually-hidden",
    "visuallyhidden",
    "sr-only",
    "screen-reader-text",
    "screen-reader-only",
    "element-invisible",
    "offscreen",
    "print-only",
    "print-header",
    "print-footer",
    "printfooter",
}
# the deck or standfirst under a headline, and the kicker above it, restate or label the story
DECK_CLASS = re.compile(
    r"(?:^|[\s_-])(?:standfirst|dek|subtitle|sub-title|subline|strapline|kicker|"
    r"article-summary|story-summary)(?:$|[\s_-])",
    re.I,
)  # not "subheadline": sites use it for the subheadings inside the text
DECK_TAGS = {"p", "h2", "h3", "h4", "h5", "h6", "span", "div"}
NEVER_TEXT = ("style", "svg", "template", "noscript", "iframe", "object", "embed", "link", "canvas")
INVISIBLE_STYLE = re.compile(r"display\s*:\s*none|visibility\s*:\s*hidden", re.I)


def preclean(tree) -> None:
    """Remove what a reader never sees as part of the article: hidden parts and captions.

    Scripts (but JSON-LD, trafilatura's last resort for the text), styles, SVG,
    frames and embeds go first: they are never text, and every later pass is
    quicker without them.
    """
    for script in list(tree.iter("script")):
        if (script.get("type") or "").strip().lower() != "application/ld+json":
            _drop_node(script)
    etree.strip_elements(tree, *NEVER_TEXT, with_tail=False)
    doomed, subheadings = [], []
    for node in tree.iter():
        attrib = node.attrib
        if not attrib:
            if node.tag == "figcaption":
                doomed.append(node)
            continue
        classes = attrib.get("class", "").lower()
        style = attrib.get("style")
        if (
            node.tag == "figcaption"
            or "hidden" in attrib
            or attrib.get("aria-hidden") == "true"
            or "caption" in classes
            or (style and INVISIBLE_STYLE.search(style))
            or (classes and not HIDDEN_CLASSES.isdisjoint(classes.split()))
        ):
            if node.tag not in ("html", "body"):
                doomed.append(node)
        elif classes and node.tag in DECK_TAGS and DECK_CLASS.search(classes) and _is_short(node):
            doomed.append(node)
        elif (
            node.tag == "div" and ("head" in classes or "title" in classes) and _is_subheading(node)
        ):
            subheadings.append(node)
    for node in doomed:
        _drop_node(node)
    for node in subheadings:
        node.tag = "h3"  # a <div> styled as a subheading between paragraphs


def _is_subheading(node) -> bool:
    """A one-line <div> without children, between two paragraphs."""
    if len(node) or not node.text or len(node.text.split()) > 15:
        return False
    before, after = node.getprevious(), node.getnext()
    return before is not None and after is not None and before.tag == "p" and after.tag == "p"


def _is_short(node) -> bool:
    """A line or two of text, not a container of the article."""
    return len(node) < 4 and len(" ".join(node.itertext()).split()) < 60


def _drop_node(node) -> None:
    """Remove a node but keep its tail text in place."""
    parent = node.getparent()
    if parent is None:
        return
    tail = node.tail
    if tail and tail.strip():
        previous = node.getprevious()
        if previous is not None:
            previous.tail = (previous.tail or "") + tail
        else:
            parent.text = (parent.text or "") + tail
    parent.remove(node)

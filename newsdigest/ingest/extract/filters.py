"""Blocks trafilatura keeps that a reader of the article does not need.

The headline, deck and byline repeated above the text; furniture ("Read more",
share and follow lines, newsletter and paywall prompts); lists of links to
other stories; promotions; closing "About the author" and "Media contact"
sections; credit lines at the end.
"""

from __future__ import annotations

import re

from newsdigest.ingest.extract.markdown import Block
from newsdigest.ingest.extract.metadata import Metadata
from newsdigest.ingest.extract.patterns import (
    BYLINE_PREFIX,
    CLOSING_SECTION,
    DATE_LIKE,
    EMAIL,
    FURNITURE_ANYWHERE,
    FURNITURE_START,
    PROMO,
)
from newsdigest.ingest.extract.text import fold

# above this many words a block is reporting, whatever it starts with
SHORT_BLOCK_WORDS = 25


def filter_blocks(blocks: list[Block], meta: Metadata) -> list[Block]:
    """Drop what trafilatura keeps but a reader of the article does not need."""
    blocks = [b for b in blocks if b.markdown.strip()]
    blocks = _drop_leading_repeats(blocks, meta)
    blocks = [b for b in blocks if not _is_furniture(b)]
    blocks = [b for b in blocks if not (len(b.text.split()) <= 80 and PROMO.search(b.text))]
    blocks = _cut_closing_sections(blocks)
    blocks = _drop_trailing_credits(blocks, meta)
    while blocks and blocks[-1].kind in ("head", "image"):
        blocks = blocks[:-1]  # a heading with nothing left under it
    return blocks


def _cut_closing_sections(blocks: list[Block]) -> list[Block]:
    """Everything from an "About the author" or "Media contact" heading in the second half on."""
    for index in range(len(blocks) // 2, len(blocks)):
        block = blocks[index]
        if block.kind in ("head", "p") and CLOSING_SECTION.match(block.text):
            return blocks[:index]
    return blocks


def _is_furniture(block: Block) -> bool:
    """A line of page furniture, or a block that is mostly links to elsewhere."""
    text = block.text
    if block.kind == "image" or block.kind == "code":
        return False
    words = len(text.split())
    link_share = block.link_text / max(1, len(text))
    if block.kind == "list" and (link_share > 0.6 or _is_teaser_list(block)):
        return True  # lists of links are related stories or navigation
    if block.kind in ("p", "quote") and link_share > 0.8 and words < 40:
        return True  # a teaser line that is only a link
    if words > SHORT_BLOCK_WORDS:
        return False
    return bool(FURNITURE_START.match(text) or FURNITURE_ANYWHERE.search(text))


def _is_teaser_list(block: Block) -> bool:
    """A list whose every item opens with a linked headline: more stories elsewhere."""
    items = [line for line in block.markdown.split("\n") if LIST_ITEM.match(line)]
    if len(items) < 3:
        return False
    led = sum(1 for line in items if LINK_LED_ITEM.match(line))
    return led / len(items) >= 0.8 and block.link_text / max(1, len(block.text)) > 0.3


# list lines of our own Markdown, and those that open with a link of three words or more
LIST_ITEM = re.compile(r"^(?:-|\d+\.) ")
LINK_LED_ITEM = re.compile(r"^(?:-|\d+\.) \[[^\]]*(?:\s[^\]]*){2,}\]\([^)]*\)\s*(?:\\)?$")


def _drop_trailing_credits(blocks: list[Block], meta: Metadata) -> list[Block]:
    """Closing lines about the writer ("write to ... at", "X is our correspondent") are credits."""
    names = [fold(name) for name in meta.authors]
    while blocks:
        text = blocks[-1].text
        words = len(text.split())
        contact = words <= 15 and EMAIL.search(text)
        bio = words <= 40 and any(name and name in fold(text) for name in names)
        if not (contact or bio):
            break
        blocks = blocks[:-1]
    return blocks


def _drop_leading_repeats(blocks: list[Block], meta: Metadata) -> list[Block]:
    """Headline, standfirst and byline repeated above the text belong in the front matter.

    Before the first paragraph, a heading that shares most words with a declared
    title, or that reads like a sentence (a deck), is dropped; short section
    headings stay. So are byline and dateline lines, and a first image that is
    the declared lead image.
    """
    folded_titles = {fold(t) for t in meta.titles if t}
    title_words = [set(t.split()) for t in folded_titles]
    description = fold(meta.description or "")
    kept: list[Block] = []
    for index, block in enumerate(blocks):
        folded = fold(block.text)
        if block.kind == "p" and (folded in folded_titles or _is_byline(block.text, meta)):
            continue
        if block.kind not in ("head", "image"):
            return kept + blocks[index:]
        if block.kind == "image":
            if not (meta.image and meta.image.split(":", 1)[-1] in block.markdown):
                kept.append(block)
            continue
        words = set(folded.split())
        title_like = any(len(words & t) >= 0.6 * max(len(words), 1) for t in title_words)
        deck_like = len(block.text.split()) >= 8 or (description and folded == description)
        if not (title_like or deck_like):
            kept.append(block)
    return kept


def _is_byline(text: str, meta: Metadata) -> bool:
    """A short "By A. Writer, 12 May 2026" line above the text."""
    words = text.split()
    if not words or len(words) > 15:
        return False
    if BYLINE_PREFIX.match(text) and len(words) <= 10:
        return True
    folded = fold(text)
    if any(fold(name) and fold(name) in folded for name in meta.authors):
        return True
    return bool(DATE_LIKE.match(text)) and len(words) <= 8

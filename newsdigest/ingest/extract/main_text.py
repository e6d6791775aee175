"""The article's main text, found by trafilatura, as its XML tree.

trafilatura's quick pass first. When it finds no article container (pages
built from <br> and <div>), readability's pick of the densest block goes
through it, then its full cascade; a page dumped as one lump of lines comes
back as one paragraph per line.
"""

from __future__ import annotations

import logging
from copy import deepcopy

import lxml.html
from lxml import etree
from trafilatura import bare_extraction
from trafilatura.external import try_readability

from newsdigest.ingest.extract.text import text_of

# trafilatura warns about every odd page it meets (a link without a target...);
# nothing there is for the person running an ingest to act on
logging.getLogger("trafilatura").setLevel(logging.ERROR)


def main_text(tree):
    """trafilatura's XML body of the article (<p>, <head>, <list>...), or None."""
    body = _trafilatura_body(tree, fast=True)
    if body is None or _is_page_dump(body):
        body = _readability_body(tree)
        if body is None or not len(body):
            body = _trafilatura_body(tree, fast=False)
    if body is None:
        return None
    if _is_page_dump(body):
        _split_lines(body)
    return body


def _trafilatura_body(tree, fast: bool):
    """trafilatura's XML body for the page (it works on a copy of the tree)."""
    document = bare_extraction(
        tree,
        url=None,  # links are made absolute by our writer, once, for the links we keep
        fast=fast,
        include_comments=False,
        include_tables=True,
        include_images=True,
        include_links=True,
        include_formatting=True,
        with_metadata=False,
    )
    return None if document is None else document.body


def _readability_body(tree):
    """trafilatura's XML for the block readability takes for the article, or None."""
    region = try_readability(deepcopy(tree))
    if region is None or len(text_of(region)) < 200:
        return None
    page = lxml.html.Element("html")
    etree.SubElement(page, "body").append(region)
    return _trafilatura_body(page, fast=True)


def _split_lines(body) -> None:
    """A lump of text lines becomes one paragraph per line."""
    for lump in list(body):
        if lump.tag != "p" or len(lump) or not lump.text:
            continue
        for line in lump.text.split("\n"):
            if line.strip():
                paragraph = etree.Element("p")
                paragraph.text = line.strip()
                lump.addprevious(paragraph)
        body.remove(lump)


def _is_page_dump(body) -> bool:
    """True when the result is the whole page's text in one lump (the last-resort fallback)."""
    texts = [child.text or "" for child in body]
    return len(body) <= 2 and any(text.count("\n") > 20 for text in texts)

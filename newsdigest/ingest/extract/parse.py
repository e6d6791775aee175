"""Page text -> lxml tree, one parser per thread, and the page's own base URL."""

from __future__ import annotations

import re
import threading

import lxml.html
from lxml import etree

from newsdigest.ingest.extract.urls import is_web_url

_PARSERS = threading.local()  # an lxml parser must not be shared between threads


def _parser() -> lxml.html.HTMLParser:
    parser = getattr(_PARSERS, "parser", None)
    if parser is None:
        parser = _PARSERS.parser = lxml.html.HTMLParser(
            collect_ids=False, default_doctype=False, remove_comments=True, remove_pis=True
        )
    return parser


_XML_DECLARATION = re.compile(r"^\s*<\?xml[^>]*>", re.I)
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]+")  # never text; XML trees refuse them
_CONTROL_CHARS = [chr(c) for c in (*range(9), 11, 12, *range(14, 32), 127)]


def parse_html(html: str) -> lxml.html.HtmlElement | None:
    """Parse page text into an lxml tree; None for an empty page."""
    html = _XML_DECLARATION.sub("", html.lstrip("\ufeff"), count=1)
    if any(char in html for char in _CONTROL_CHARS):  # a quick look first: they are rare
        html = _CONTROL.sub("", html)
    if not html.strip():
        return None
    try:
        tree = lxml.html.document_fromstring(html, parser=_parser())
    except (etree.ParserError, ValueError):
        return None
    return tree


def base_href(tree) -> str | None:
    """The <base href> that relative links on the page resolve against, if it is a web URL."""
    for href in tree.xpath("//head/base/@href"):
        if is_web_url(href):
            return href.strip()
    return None

"""Markdown to safe HTML: cmark-gfm renders, nh3 sanitises.

cmark-gfm (C, the GitHub renderer) is fast and leaves raw HTML out by
default; nh3 (the Rust `ammonia` sanitiser) then keeps only the elements and
URL schemes an article needs, so nothing from a source can run script.
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit

import cmarkgfm
import nh3
from cmarkgfm.cmark import Options

from newsdigest.write import drop_non_text_references

ALLOWED_TAGS = {
    "p",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "ul",
    "ol",
    "li",
    "blockquote",
    "a",
    "img",
    "figure",
    "figcaption",
    "table",
    "thead",
    "tbody",
    "tr",
    "th",
    "td",
    "em",
    "strong",
    "code",
    "pre",
    "br",
    "hr",
    "del",
    "sup",
    "sub",
    "abbr",
    "cite",
    "q",
    "small",
    "span",
}
ALLOWED_ATTRIBUTES = {
    "a": {"href", "title"},
    "img": {"src", "alt", "title", "width", "height"},
    "th": {"align"},
    "td": {"align"},
    "abbr": {"title"},
    "ol": {"start"},
}
URL_SCHEMES = {"http", "https", "mailto"}
_IMG = re.compile(r"<img\b[^>]*>")
_IMG_ATTRIBUTE = re.compile(r'\s(src|alt)="([^"]*)"')
_OPTIONS = Options.CMARK_OPT_VALIDATE_UTF8


def markdown_to_html(markdown: str) -> str:
    """Render article Markdown to HTML that is safe to put in a page or a feed."""
    markdown = drop_non_text_references(markdown)
    html = cmarkgfm.github_flavored_markdown_to_html(markdown, options=_OPTIONS)
    return sanitize(html)


def sanitize(html: str) -> str:
    """Keep only harmless markup: no script, handlers, styles, frames, forms or odd URLs."""
    return nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=URL_SCHEMES,
        link_rel="noopener noreferrer nofollow",
        strip_comments=True,
    )


def link_remote_images(html: str) -> str:
    """Replace each image from another host by a link to it, labelled with its description.

    The HTML comes from the sanitiser, so attribute values are quoted and already escaped."""

    def replace(match):
        attributes = dict(_IMG_ATTRIBUTE.findall(match.group(0)))
        src = attributes.get("src", "")
        if not urlsplit(src).netloc:
            return match.group(0)
        label = attributes.get("alt") or "image"
        return f'<a class="remote-image" href="{src}" rel="noopener nofollow">Image: {label}</a>'

    return _IMG.sub(replace, html)

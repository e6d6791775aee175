"""Markdown to safe HTML: cmark-gfm renders, nh3 sanitises.

cmark-gfm (C, the GitHub renderer) is fast and leaves raw HTML out by
default; nh3 (the Rust `ammonia` sanitiser) then keeps only the elements and
URL schemes an article needs, so nothing from a source can run script.
"""

from __future__ import annotations

import ctypes
import re
from urllib.parse import urlsplit

import nh3
from cmarkgfm import _cmark
from cmarkgfm import cmark as gfm
from cmarkgfm.cmark import Options

from newsdigest.content_format import drop_non_text_references

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
# What cmarkgfm's `github_flavored_markdown_to_html` sets up, with UTF-8 checked.
_OPTIONS = Options.CMARK_OPT_VALIDATE_UTF8 | Options.CMARK_OPT_GITHUB_PRE_LANG
_GFM_EXTENSIONS = ("table", "autolink", "tagfilter", "strikethrough", "tasklist")
# cmarkgfm's own wrapper frees neither the document tree it parses nor the HTML it renders
# (some 25 KB an article, 250 MB over a 10,000-article build): the same library functions,
# through ctypes, with both freed.
_CMARK = ctypes.CDLL(_cmark.__file__)
_free_node = _CMARK.cmark_node_free
_free_node.argtypes, _free_node.restype = [ctypes.c_void_p], None
_render_html = _CMARK.cmark_render_html
_render_html.argtypes = [ctypes.c_void_p, ctypes.c_int, ctypes.c_void_p]
_render_html.restype = ctypes.c_void_p
_free = ctypes.CDLL(None).free  # cmark's default allocator is the C library's
_free.argtypes, _free.restype = [ctypes.c_void_p], None


def _address(pointer) -> int:
    return int(_cmark.ffi.cast("uintptr_t", pointer))


def markdown_to_html(markdown: str) -> str:
    """Render article Markdown to HTML that is safe to put in a page or a feed."""
    return sanitize(_github_markdown(drop_non_text_references(markdown)))


def _github_markdown(markdown: str) -> str:
    """GitHub-flavoured Markdown to HTML (raw HTML left out), freeing what cmark allocates."""
    gfm.core_extensions_ensure_registered()
    parser = gfm.parser_new(options=_OPTIONS)
    try:
        for name in _GFM_EXTENSIONS:
            gfm.parser_attach_syntax_extension(parser, gfm.find_syntax_extension(name))
        gfm.parser_feed(parser, markdown)
        root = _address(gfm.parser_finish(parser))
        try:
            extensions = _address(gfm.parser_get_syntax_extensions(parser))
            html = _render_html(root, _OPTIONS, extensions)
            try:
                return ctypes.string_at(html).decode("utf-8")
            finally:
                _free(html)
        finally:
            _free_node(root)
    finally:
        gfm.parser_free(parser)


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

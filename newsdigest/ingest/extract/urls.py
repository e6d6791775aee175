"""URLs from the page: which are web addresses, and how they become absolute and safe links."""

from __future__ import annotations

from urllib.parse import quote, urljoin, urlsplit


def url_scheme(value: str) -> str | None:
    """The URL's scheme in lower case ("" when relative), None when it is not a URL at all."""
    try:
        return urlsplit(value).scheme.lower()
    except ValueError:  # e.g. an unclosed "[" where a host should be
        return None


def join_url(base: str, value: str) -> str | None:
    """`value` resolved against `base`; None when the URL parser refuses either."""
    try:
        return urljoin(base, value)
    except ValueError:
        return None


def is_web_url(value: str | None) -> bool:
    """An http or https URL: the only kinds a reader's browser should be sent to."""
    return bool(value) and url_scheme(value.strip()) in ("http", "https")


def absolute_url(value, base: str | None) -> str | None:
    """A declared URL (canonical, image) as an absolute web URL, or None."""
    if not isinstance(value, str) or not value.strip():
        return None
    value = value.strip()
    if value.startswith("//"):
        value = "https:" + value
    if is_web_url(value):
        return value
    if base and is_web_url(base):
        joined = join_url(base, value)
        return joined if is_web_url(joined) else None
    return None


def safe_link(target: str | None, base: str | None) -> str | None:
    """An absolute http(s) or mailto URL, percent-encoded for Markdown, or None."""
    if not target:
        return None
    target = target.strip()
    scheme = url_scheme(target)
    if scheme in ("http", "https", "mailto"):
        url = target
    elif scheme == "" and not target.startswith("#"):
        if target.startswith("//"):
            url = "https:" + target
        elif base and is_web_url(base):
            url = join_url(base, target)
        else:
            return None
        if not is_web_url(url):
            return None
    else:
        return None
    if scheme != "mailto" and not is_web_url(url):  # a host the URL parser refuses
        return None
    return quote(url, safe="/:?#@!$&'*+,;=%~-._")

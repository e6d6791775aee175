"""Where a fetched seed came from: a comment at the top of the saved page.

`invoke fetch` saves each page as it was served, preceded by one HTML comment that
holds what the feed said about it (the entry's link, the source's name, the entry's
date, author and title, the time it was fetched). Browsers and parsers ignore the
comment; `invoke ingest` reads it and uses each field where the page itself declares
nothing better. One line of JSON keeps it exact for any title; `-`, `<`, `>` and `&` are
written as JSON escapes, so the comment cannot end early.
"""

from __future__ import annotations

import json
import re
from dataclasses import asdict, dataclass

MARK = "newsdigest-provenance"
_COMMENT = re.compile(r"\A\s*<!--\s*" + MARK + r"\s+(\{.*?\})\s*-->\s*", re.S)


@dataclass
class Provenance:
    """What the feed and the fetcher know of a page; every field may be missing."""

    url: str | None = None  # the entry's link, after redirects
    source: str | None = None  # the source's name in sources.yaml
    feed: str | None = None
    published: str | None = None  # ISO 8601, UTC, as the feed gave it
    author: str | None = None
    title: str | None = None
    lang: str | None = None
    fetched: str | None = None  # ISO 8601, UTC: when the page was first saved


def provenance_comment(provenance: Provenance) -> str:
    """The comment line that starts a fetched seed."""
    fields = {key: value for key, value in asdict(provenance).items() if value}
    data = json.dumps(fields, ensure_ascii=True, sort_keys=True)
    for char in "-<>&":  # JSON's own escapes: the comment can neither end nor open markup
        data = data.replace(char, f"\\u{ord(char):04x}")
    return f"<!-- {MARK} {data} -->\n"


def split_provenance(text: str) -> tuple[Provenance | None, str]:
    """The provenance a seed's text starts with (None when it has none) and the text after it."""
    match = _COMMENT.match(text)
    if match is None:
        return None, text
    try:
        data = json.loads(match.group(1))
    except ValueError:
        return None, text
    if not isinstance(data, dict):
        return None, text
    known = {key: str(value) for key, value in data.items() if key in Provenance.__annotations__}
    return Provenance(**known), text[match.end() :]
